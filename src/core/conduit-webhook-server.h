/* conduit-webhook-server.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-flow.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_WEBHOOK_SERVER_ERROR (conduit_webhook_server_error_quark ())

typedef enum
{
  CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
  CONDUIT_WEBHOOK_SERVER_ERROR_NO_TRIGGER,
  CONDUIT_WEBHOOK_SERVER_ERROR_PATH_TAKEN,
  CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
} ConduitWebhookServerError;

#define CONDUIT_TYPE_WEBHOOK_SERVER (conduit_webhook_server_get_type ())

G_DECLARE_FINAL_TYPE (ConduitWebhookServer, conduit_webhook_server, CONDUIT, WEBHOOK_SERVER,
                      GObject)

GQuark                conduit_webhook_server_error_quark      (void);
ConduitWebhookServer *conduit_webhook_server_new              (ConduitRunner        *runner);
gboolean              conduit_webhook_server_add_flow         (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow,
                                                               const char           *trigger_id,
                                                               const char           *secret,
                                                               GError              **error);
gboolean              conduit_webhook_server_join_flow        (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow,
                                                               const char           *trigger_id,
                                                               const char           *secret,
                                                               guint                 port,
                                                               GError              **error);
void                  conduit_webhook_server_set_shared_ports (ConduitWebhookServer *self,
                                                               gboolean              shared);
guint                 conduit_webhook_server_get_port         (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow);
char                 *conduit_webhook_server_dup_url          (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow);
char                 *conduit_webhook_server_dup_curl_command (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow);
GPtrArray            *conduit_webhook_server_parse_event      (const char           *content_type,
                                                               GBytes               *body,
                                                               char                **problem);
guint                 conduit_webhook_server_get_n_pending    (ConduitWebhookServer *self);
void                  conduit_webhook_server_stop             (ConduitWebhookServer *self);

G_END_DECLS
