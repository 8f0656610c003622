/* conduit-executor-app.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_APP (conduit_executor_app_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorApp, conduit_executor_app, CONDUIT, EXECUTOR_APP, GObject)

G_END_DECLS
