/* conduit-executor-disabled.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_DISABLED (conduit_executor_disabled_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorDisabled, conduit_executor_disabled, CONDUIT, EXECUTOR_DISABLED, GObject)

G_END_DECLS
