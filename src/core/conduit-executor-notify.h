/* conduit-executor-notify.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_NOTIFY (conduit_executor_notify_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorNotify, conduit_executor_notify, CONDUIT, EXECUTOR_NOTIFY,
                      GObject)

G_END_DECLS
