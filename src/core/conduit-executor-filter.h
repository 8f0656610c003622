/* conduit-executor-filter.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_FILTER (conduit_executor_filter_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorFilter, conduit_executor_filter, CONDUIT, EXECUTOR_FILTER,
                      GObject)

G_END_DECLS
