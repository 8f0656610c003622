/* conduit-executor-app-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor-app.h"
#include "conduit-run.h"

G_BEGIN_DECLS

/* Shared by the executor (conduit-executor-app.c) and its poll half. */
ConduitRun  *conduit_executor_app_get_run       (ConduitExecutorApp *self);
ConduitNode *conduit_executor_app_get_node      (ConduitExecutorApp *self);
JsonObject  *conduit_executor_app_get_trigger   (ConduitExecutorApp *self);
const char  *conduit_executor_app_get_poll_start (ConduitExecutorApp *self);
void         conduit_executor_app_set_poll_start (ConduitExecutorApp *self,
                                                 const char         *start);
GHashTable  *conduit_executor_app_poll_query    (ConduitExecutorApp *self,
                                                 JsonNode           *scope,
                                                 GError            **error);
void         conduit_executor_app_poll_keep_new (ConduitExecutorApp *self,
                                                 GPtrArray          *records,
                                                 GTask              *task);

G_END_DECLS
