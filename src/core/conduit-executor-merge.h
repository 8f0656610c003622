/* conduit-executor-merge.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_MERGE (conduit_executor_merge_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorMerge, conduit_executor_merge, CONDUIT, EXECUTOR_MERGE, GObject)

G_END_DECLS
