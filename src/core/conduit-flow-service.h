/* conduit-flow-service.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-flow.h"
#include "conduit-runner.h"
#include "conduit-scheduler.h"
#include "conduit-webhook-server.h"

G_BEGIN_DECLS

/* What serving a flow takes, shared by `conduit-cli serve` and the app's Active switch and
 * "Listen for a Test Event": one implementation, so the desktop and the server agree. */

gboolean conduit_serve_find_triggers      (ConduitFlow           *flow,
                                           gboolean              *webhook,
                                           gboolean              *schedule);
gboolean conduit_serve_add_webhook_flow   (ConduitWebhookServer  *webhooks,
                                           ConduitFlow           *flow,
                                           guint                  join_port,
                                           GError               **error);
gboolean conduit_serve_add_timed_triggers (ConduitScheduler      *scheduler,
                                           ConduitFlow           *flow,
                                           gboolean              *scheduled,
                                           guint                 *n_polls,
                                           GError               **error);

#define CONDUIT_TYPE_FLOW_SERVICE (conduit_flow_service_get_type ())

G_DECLARE_FINAL_TYPE (ConduitFlowService, conduit_flow_service, CONDUIT, FLOW_SERVICE, GObject)

ConduitFlowService *conduit_flow_service_new             (ConduitRunner       *runner);
gboolean            conduit_flow_service_start           (ConduitFlowService  *self,
                                                          ConduitFlow         *flow,
                                                          GError             **error);
void                conduit_flow_service_stop            (ConduitFlowService  *self);
guint               conduit_flow_service_get_n_active    (ConduitFlowService  *self);
gboolean            conduit_flow_service_get_started     (ConduitFlowService  *self);
ConduitFlow        *conduit_flow_service_get_flow        (ConduitFlowService  *self);
char               *conduit_flow_service_dup_url         (ConduitFlowService  *self);
gint64              conduit_flow_service_get_next_us     (ConduitFlowService  *self);
guint               conduit_flow_service_get_n_polls     (ConduitFlowService  *self);
ConduitWebhookServer *conduit_flow_service_get_webhook_server (ConduitFlowService *self);

G_END_DECLS
