/* conduit-executor-switch.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_SWITCH (conduit_executor_switch_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorSwitch, conduit_executor_switch, CONDUIT, EXECUTOR_SWITCH, GObject)

G_END_DECLS
