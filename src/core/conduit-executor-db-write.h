/* conduit-executor-db-write.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_DB_WRITE (conduit_executor_db_write_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorDbWrite, conduit_executor_db_write, CONDUIT,
                      EXECUTOR_DB_WRITE, GObject)

G_END_DECLS
