/* conduit-executor-wait.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_WAIT (conduit_executor_wait_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorWait, conduit_executor_wait, CONDUIT, EXECUTOR_WAIT, GObject)

G_END_DECLS
