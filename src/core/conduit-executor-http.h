/* conduit-executor-http.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "conduit-executor.h"
#include "conduit-retry-policy.h"
#include "conduit-run.h"

G_BEGIN_DECLS

/* One HTTP call with its retries, shared by the HTTP Request and Notify nodes. */
typedef struct
{
  char      *method;
  char      *url;
  GUri      *uri;             /* (nullable) @url parsed, when the caller had it already */
  GPtrArray *header_names;    /* of char * */
  GPtrArray *header_values;   /* of char *, same length */
  GBytes    *body;            /* (nullable) */
  char      *content_type;    /* (nullable) */
  char      *idempotency_key; /* (nullable) sent on every attempt */
  char      *credential_id;   /* (nullable) */
  ConduitCredential *credential; /* (nullable) put on every attempt by the runner's authorizer */
  guint      timeout_s;
  gboolean   verify_tls;
  gboolean   follow_redirects;
  GArray    *retry_statuses;  /* (nullable) of guint: the statuses worth retrying; NULL for the
                               * retry policy's own list (app descriptors name their own) */
} ConduitHttpRequest;

/* How the call ended: an answer, or why there is none. */
typedef struct
{
  gboolean  ok;
  guint     status;           /* the last HTTP status, 0 when none came */
  guint     attempts;
  JsonNode *headers;          /* (nullable) an object */
  JsonNode *body;             /* (nullable) parsed JSON, text, or null */
  char     *error_kind;       /* (nullable) "http", "timeout", "network", "bad_response", … */
  char     *error_message;    /* (nullable) */
} ConduitHttpOutcome;

ConduitHttpRequest *conduit_http_request_new    (const char          *method,
                                                 const char          *url);
void                conduit_http_request_add_header (ConduitHttpRequest *request,
                                                 const char          *name,
                                                 const char          *value);
void                conduit_http_request_free   (ConduitHttpRequest  *request);
void                conduit_http_outcome_free   (ConduitHttpOutcome  *outcome);
void                conduit_http_send_async     (ConduitRun          *run,
                                                 const char          *node_id,
                                                 guint                item_index,
                                                 ConduitRetryPolicy  *policy,
                                                 ConduitHttpRequest  *request,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
ConduitHttpOutcome *conduit_http_send_finish    (GAsyncResult        *result,
                                                 GError             **error);
ConduitRetryPolicy *conduit_retry_policy_new_for_node (ConduitNode    *node,
                                                 ConduitConnector    *connector);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitHttpRequest, conduit_http_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitHttpOutcome, conduit_http_outcome_free)

#define CONDUIT_TYPE_EXECUTOR_HTTP (conduit_executor_http_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorHttp, conduit_executor_http, CONDUIT, EXECUTOR_HTTP, GObject)

G_END_DECLS
