/* conduit-executor-dedupe.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_DEDUPE (conduit_executor_dedupe_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorDedupe, conduit_executor_dedupe, CONDUIT, EXECUTOR_DEDUPE,
                      GObject)

G_END_DECLS
