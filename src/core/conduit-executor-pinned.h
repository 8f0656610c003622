/* conduit-executor-pinned.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_PINNED (conduit_executor_pinned_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorPinned, conduit_executor_pinned, CONDUIT, EXECUTOR_PINNED, GObject)

G_END_DECLS
