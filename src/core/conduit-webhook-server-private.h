/* conduit-webhook-server-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "conduit-queue.h"
#include "conduit-serve-metrics.h"
#include "conduit-webhook-server.h"

G_BEGIN_DECLS

/* What the family of conduit-webhook-server*.c files shares: the server's state, its routes
 * and listeners, the connections it accepted (-listen.c), and the parsing and signature
 * checks of a request (-parse.c). */

typedef struct _Listener Listener;

typedef struct
{
  ConduitWebhookServer      *server;     /* unowned */
  ConduitFlow               *flow;
  char                      *trigger_id;
  char                      *path;
  char                      *host;
  guint                      port;
  gsize                      max_body;
  gboolean                   ndjson;     /* a body may hold several events, one a line */
  char                      *signature_header;
  GBytes                    *secret;
  ConduitSignatureTimestamp  timestamp;
  guint                      tolerance_s;
  Listener                  *listener;   /* unowned; in server->listeners */
  JsonObject                *app_trigger;  /* (nullable) an app's webhook trigger: its handshake */
  char                      *verify_token; /* (nullable) the token the app's handshake must carry */
} Route;

struct _Listener
{
  ConduitWebhookServer *server;          /* unowned */
  char                 *key;             /* "host:port" as asked for */
  SoupServer           *soup;
  GSocket              *socket;          /* listening */
  GSocket              *anchor;          /* see conduit_webhook_listener_new() */
  guint                 port;            /* as bound */
  GSource              *accept_source;
  GSource              *retry_source;    /* accepting again after running out of descriptors */
  gboolean              short_of_files;  /* said so once; quiet until accepting works again */
};

struct _ConduitWebhookServer
{
  GObject             parent_instance;

  ConduitRunner      *runner;
  GPtrArray          *listeners;         /* of Listener */
  GPtrArray          *routes;            /* of Route */
  GCancellable       *cancellable;
  GQueue              waiting;           /* of Pending, not yet recorded */
  GPtrArray          *executing;         /* of ConduitRun, recorded and running */
  guint               n_pending;         /* being recorded */
  gboolean            shared_ports;      /* other servers may listen on our ports (SO_REUSEPORT) */
  gboolean            draining;
  ConduitWebhookLimits limits;
  GHashTable         *connections;       /* Connection* set */
  GMainContext       *context;           /* the one it was made in: timers and accepting run there */
  ConduitServeMetrics *metrics;          /* (nullable) counts the queue and refused events */
  ConduitQueue       *queue;             /* (nullable) the receiver role: events go to NATS */
  gboolean            test_mode;         /* events are shown ("test-event"), never run */
};

/* -listen.c */
Listener *conduit_webhook_listener_new        (ConduitWebhookServer  *self,
                                              const char            *host,
                                              guint                  port,
                                              gboolean               joining,
                                              GError               **error);
void      conduit_webhook_listener_free       (Listener              *listener);
void      conduit_webhook_listener_stop       (Listener              *listener);
void      conduit_webhook_connections_track   (ConduitWebhookServer  *self,
                                              SoupServer            *soup);
void      conduit_webhook_connections_drain   (ConduitWebhookServer  *self);
void      conduit_webhook_connection_free_all (ConduitWebhookServer  *self);
void      conduit_webhook_connection_free     (gpointer               connection);
gboolean  conduit_webhook_connection_refuse   (SoupServerMessage     *msg,
                                              guint                  status,
                                              const char            *json);

/* conduit-webhook-server.c */
gboolean  conduit_webhook_refuse_bad_framing  (ConduitWebhookServer  *self,
                                              SoupServerMessage     *msg);

/* -parse.c */
typedef enum
{
  MEDIA_JSON,
  MEDIA_NDJSON,
  MEDIA_FORM,
  MEDIA_NONE,
  MEDIA_OTHER,
} MediaKind;

MediaKind conduit_webhook_media_kind          (const char            *content_type);
gboolean  conduit_webhook_signature_matches   (Route                 *route,
                                              SoupMessageHeaders    *headers,
                                              GBytes                *body,
                                              gint64                 now_us,
                                              char                 **problem);

G_END_DECLS
