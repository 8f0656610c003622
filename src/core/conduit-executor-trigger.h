/* conduit-executor-trigger.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_TRIGGER (conduit_executor_trigger_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorTrigger, conduit_executor_trigger, CONDUIT, EXECUTOR_TRIGGER,
                      GObject)

G_END_DECLS
