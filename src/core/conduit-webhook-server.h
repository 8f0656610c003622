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
#include "conduit-queue.h"
#include "conduit-serve-metrics.h"

G_BEGIN_DECLS

#define CONDUIT_WEBHOOK_SERVER_ERROR (conduit_webhook_server_error_quark ())

typedef enum
{
  CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
  CONDUIT_WEBHOOK_SERVER_ERROR_NO_TRIGGER,
  CONDUIT_WEBHOOK_SERVER_ERROR_PATH_TAKEN,
  CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
} ConduitWebhookServerError;

/**
 * ConduitSignatureTimestamp:
 * @CONDUIT_SIGNATURE_TIMESTAMP_NONE: the signature covers the body only
 * @CONDUIT_SIGNATURE_TIMESTAMP_STRIPE: the signature header reads `t=TIME,v1=HEX`, signing
 *   `TIME.BODY` (Stripe's scheme)
 * @CONDUIT_SIGNATURE_TIMESTAMP_SLACK: the header `X-Slack-Request-Timestamp` holds TIME and the
 *   signature header `v0=HEX`, signing `v0:TIME:BODY` (Slack's scheme)
 *
 * How a signed timestamp comes with a webhook's signature. With one, events older or newer
 * than the tolerance are refused, and so is a signature seen before within it (a replay).
 */
typedef enum
{
  CONDUIT_SIGNATURE_TIMESTAMP_NONE,
  CONDUIT_SIGNATURE_TIMESTAMP_STRIPE,
  CONDUIT_SIGNATURE_TIMESTAMP_SLACK,
} ConduitSignatureTimestamp;

/**
 * ConduitWebhookLimits:
 * @header_timeout_s: seconds a request's headers may take to arrive, once it started
 * @body_timeout_s: seconds a request's body may take to arrive, once its headers are in
 * @idle_timeout_s: seconds a connection may wait for its next request
 * @max_connections: connections served at once; more wait in the kernel's queue
 *
 * The limits that keep idle, slow or too many clients from holding the server's file
 * descriptors. The defaults: 10 s, 60 s, 15 s, 512.
 */
typedef struct
{
  guint header_timeout_s;
  guint body_timeout_s;
  guint idle_timeout_s;
  guint max_connections;
} ConduitWebhookLimits;

/* Events in one request, at most: as many as the history keeps of a run's trigger. */
#define CONDUIT_WEBHOOK_MAX_EVENT_ITEMS 1000

/**
 * ConduitWebhookParseFlags:
 * @CONDUIT_WEBHOOK_PARSE_NONE: one JSON document or form data
 * @CONDUIT_WEBHOOK_PARSE_NDJSON: several JSON documents, one a line, are a batch of events
 */
typedef enum
{
  CONDUIT_WEBHOOK_PARSE_NONE   = 0,
  CONDUIT_WEBHOOK_PARSE_NDJSON = 1 << 0,
} ConduitWebhookParseFlags;

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
GPtrArray            *conduit_webhook_server_parse_event_full (const char           *content_type,
                                                               GBytes               *body,
                                                               ConduitWebhookParseFlags flags,
                                                               guint                *status,
                                                               char                **problem);
void                  conduit_webhook_server_set_signature_timestamp
                                                              (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow,
                                                               ConduitSignatureTimestamp scheme,
                                                               guint                 tolerance_s);
void                  conduit_webhook_server_set_app_trigger  (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow,
                                                               JsonObject           *trigger,
                                                               const char           *verify_token);
void                  conduit_webhook_server_set_limits       (ConduitWebhookServer *self,
                                                               const ConduitWebhookLimits *limits);
void                  conduit_webhook_server_get_limits       (ConduitWebhookServer *self,
                                                               ConduitWebhookLimits *limits);
gboolean              conduit_webhook_server_serve_socket     (ConduitWebhookServer *self,
                                                               ConduitFlow          *flow,
                                                               GSocket              *socket,
                                                               GError              **error);
guint                 conduit_webhook_server_get_n_connections (ConduitWebhookServer *self);
guint                 conduit_webhook_server_get_n_pending    (ConduitWebhookServer *self);
guint                 conduit_webhook_server_get_n_executing  (ConduitWebhookServer *self);
void                  conduit_webhook_server_stop             (ConduitWebhookServer *self);
void                  conduit_webhook_server_drain            (ConduitWebhookServer *self);
void                  conduit_webhook_server_interrupt_runs   (ConduitWebhookServer *self);
void                  conduit_webhook_server_set_metrics      (ConduitWebhookServer *self,
                                                               ConduitServeMetrics  *metrics);
void                  conduit_webhook_server_set_queue        (ConduitWebhookServer *self,
                                                               ConduitQueue         *queue);
void                  conduit_webhook_server_set_test_mode    (ConduitWebhookServer *self,
                                                               gboolean              test_mode);
gboolean              conduit_webhook_server_get_test_mode    (ConduitWebhookServer *self);

G_END_DECLS
