/* conduit-executor-db-query.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_DB_QUERY (conduit_executor_db_query_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorDbQuery, conduit_executor_db_query, CONDUIT,
                      EXECUTOR_DB_QUERY, GObject)

G_END_DECLS
