/* conduit-executor-http-call.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-http"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-step-status.h"
#include "conduit-executor-http-private.h"
#include "conduit-json-tree.h"
#include "conduit-json-text.h"
#include "conduit-run.h"
#include "conduit-step-context.h"

/* One HTTP call with its retries, shared by the HTTP Request node (conduit-executor-http.c),
 * Notify and the app steps: the request and its outcome, the attempts and what each is
 * recorded as, timeouts, cancellation, credentials.
 *
 * Each attempt of each item is one step in the history, with the wait before it. The same
 * Idempotency-Key goes with every attempt of an item, so when an attempt reached the server but
 * its answer was lost, the server can recognise the retry instead of creating a second record.
 * A per-attempt timeout covers the whole exchange, body included, so a server that trickles its
 * answer cannot hold a run forever.
 */

#define MAX_JSON_DEPTH 256

/* Request and outcome */

/**
 * conduit_http_request_new:
 * @method: an HTTP method
 * @url: the full URL
 *
 * Returns: (transfer full): a request with TLS checks and redirects on and a 30 s timeout
 */
ConduitHttpRequest *
conduit_http_request_new (const char *method,
                          const char *url)
{
  ConduitHttpRequest *request = g_new0 (ConduitHttpRequest, 1);

  request->method = g_strdup (method);
  request->url = g_strdup (url);
  request->header_names = g_ptr_array_new_with_free_func (g_free);
  request->header_values = g_ptr_array_new_with_free_func (g_free);
  request->timeout_s = 30;
  request->verify_tls = TRUE;
  request->follow_redirects = TRUE;
  return request;
}

/**
 * conduit_http_request_add_header:
 * @request: a request
 * @name: a header name
 * @value: its value
 *
 * Adds a header sent with every attempt.
 */
void
conduit_http_request_add_header (ConduitHttpRequest *request,
                                 const char         *name,
                                 const char         *value)
{
  g_ptr_array_add (request->header_names, g_strdup (name));
  g_ptr_array_add (request->header_values, g_strdup (value));
}

/**
 * conduit_http_request_free:
 * @request: a request
 *
 * Frees @request.
 */
void
conduit_http_request_free (ConduitHttpRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->url);
  g_clear_pointer (&request->uri, g_uri_unref);
  g_ptr_array_unref (request->header_names);
  g_ptr_array_unref (request->header_values);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request->content_type);
  g_free (request->idempotency_key);
  g_free (request->credential_id);
  g_clear_object (&request->credential);
  g_clear_pointer (&request->retry_statuses, g_array_unref);
  g_free (request);
}

/**
 * conduit_http_outcome_free:
 * @outcome: an outcome
 *
 * Frees @outcome.
 */
void
conduit_http_outcome_free (ConduitHttpOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_clear_pointer (&outcome->headers, json_node_unref);
  g_clear_pointer (&outcome->body, json_node_unref);
  g_free (outcome->error_kind);
  g_free (outcome->error_message);
  g_free (outcome);
}

/**
 * conduit_retry_policy_new_for_node:
 * @node: an HTTP Request or Notify node
 * @connector: its connector
 *
 * Returns: (transfer full): the retry policy its settings ask for
 */
ConduitRetryPolicy *
conduit_retry_policy_new_for_node (ConduitNode      *node,
                                   ConduitConnector *connector)
{
  gint64 attempts = conduit_node_get_int_setting (node, connector, "max_attempts", 3);
  gint64 initial = conduit_node_get_int_setting (node, connector, "backoff_initial_ms", 500);
  gint64 cap = conduit_node_get_int_setting (node, connector, "backoff_max_ms", 30000);

  return conduit_retry_policy_new ((guint)CLAMP (attempts, 1, 100),
                                   (guint)CLAMP (initial, 0, G_MAXINT32),
                                   (guint)CLAMP (cap, 0, G_MAXINT32));
}

/* One call */

typedef struct
{
  ConduitRun         *run;
  GCancellable       *cancellable; /* (nullable) the caller's: stops the call, waits included */
  GMainContext       *context;     /* where the call was made: its callbacks and timeout run there */
  ConduitHttpCallDone done;
  gpointer            done_data;
  gboolean            starting;    /* within call_start(): an end now is handed over later */
  GError             *error;       /* (nullable) how an end handed over later ended */
  char               *node_id;
  guint               item_index;
  ConduitRetryPolicy *policy;
  ConduitHttpRequest *request;
  ConduitHttpOutcome *outcome;
  SoupMessage        *message;
  GCancellable       *attempt_cancellable;
  ConduitHttpShard   *shard;     /* counts the call, from its start to its end */
  SoupSession        *session;   /* @shard's: where its exchanges go out */
  gulong              cancelled_id;
  GSource            *timeout;   /* in the thread's context: runs may be served by workers */
  gboolean            timed_out;
  gboolean            sent;      /* the request's first bytes left during this attempt */
  guint               delay_ms;
  gint64              attempt_started_us;
  gboolean            auth_retried;
  char               *event_key; /* (nullable) a queued event's key, when the step sets none */
} Call;

static void
clear_timeout (Call *call)
{
  if (call->timeout != NULL)
    {
      g_source_destroy (call->timeout);
      g_clear_pointer (&call->timeout, g_source_unref);
    }
}

static void
call_free (Call *call)
{
  conduit_http_shard_release (call->shard);
  g_clear_object (&call->run);
  g_clear_object (&call->cancellable);
  g_clear_pointer (&call->context, g_main_context_unref);
  g_clear_error (&call->error);
  g_free (call->node_id);
  g_free (call->event_key);
  g_clear_object (&call->policy);
  g_clear_pointer (&call->request, conduit_http_request_free);
  g_clear_pointer (&call->outcome, conduit_http_outcome_free);
  g_clear_object (&call->message);
  g_clear_object (&call->attempt_cancellable);
  clear_timeout (call);
  g_free (call);
}

static void send_attempt (Call *call);

static gboolean
call_finish_later_cb (gpointer user_data)
{
  Call *call = user_data;

  call->done (g_steal_pointer (&call->outcome), g_steal_pointer (&call->error), call->done_data);
  call_free (call);
  return G_SOURCE_REMOVE;
}

/* Ends the call: hands its outcome, or @error, to whoever made it and frees the call. As a
 * GTask would, a call whose cancellable was cancelled ends with the cancellation, and one that
 * ends before _conduit_http_call_start() returned is handed over from the main loop, not from inside it. */
static void
call_finish (Call   *call,
             GError *error)
{
  GError *cancelled = NULL;

  if (call->cancellable != NULL && g_cancellable_set_error_if_cancelled (call->cancellable,
                                                                         &cancelled))
    {
      g_clear_error (&error);
      error = cancelled;
    }
  if (error != NULL)
    g_clear_pointer (&call->outcome, conduit_http_outcome_free);

  if (call->starting)
    {
      GSource *source = g_idle_source_new ();

      call->error = error;
      g_source_set_callback (source, call_finish_later_cb, call, NULL);
      g_source_set_static_name (source, "[conduit] HTTP call ended");
      g_source_attach (source, call->context);
      g_source_unref (source);
      return;
    }

  call->done (g_steal_pointer (&call->outcome), error, call->done_data);
  call_free (call);
}

static gboolean
accept_any_certificate_cb (SoupMessage          *message,
                           GTlsCertificate      *certificate,
                           GTlsCertificateFlags  errors,
                           gpointer              user_data)
{
  return TRUE;
}

/* Once the headers are written the server may act on the request, even if its answer never
 * comes: counting from the first bytes (not the last) errs on the side of "may have acted". */
static void
wrote_headers_cb (SoupMessage *message,
                  gpointer     user_data)
{
  Call *call = user_data;

  call->sent = TRUE;
}

/* RFC 9110 section 9.2.2: repeating these has the effect of sending them once. POST and PATCH
 * (and methods this list does not know) may act again on every repeat. */
static gboolean
is_idempotent_method (const char *method)
{
  static const char * const idempotent[] = { "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" };

  for (guint i = 0; i < G_N_ELEMENTS (idempotent); i++)
    if (g_ascii_strcasecmp (method, idempotent[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
attempt_timeout_cb (gpointer user_data)
{
  Call *call = user_data;

  g_clear_pointer (&call->timeout, g_source_unref);
  call->timed_out = TRUE;
  g_cancellable_cancel (call->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static void
parent_cancelled_cb (GCancellable *parent,
                     GCancellable *attempt)
{
  g_cancellable_cancel (attempt);
}

static JsonNode *
headers_to_json (SoupMessageHeaders *headers)
{
  JsonObject *object = json_object_new ();
  SoupMessageHeadersIter iter;
  const char *name;
  const char *value;
  JsonNode *node;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      g_autofree char *key = g_ascii_strdown (name, -1);

      /* Session cookies are credentials in all but name. */
      if (g_str_equal (key, "set-cookie"))
        continue;

      if (json_object_has_member (object, key))
        {
          g_autofree char *joined = g_strdup_printf ("%s, %s",
                                                     json_object_get_string_member (object, key),
                                                     value);
          json_object_set_string_member (object, key, joined);
        }
      else
        json_object_set_string_member (object, key, value);
    }

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static gboolean
is_json_content_type (const char *content_type)
{
  return content_type != NULL &&
         (g_str_equal (content_type, "application/json") || g_str_has_suffix (content_type, "+json") ||
          g_str_equal (content_type, "text/json"));
}

/* Returns FALSE when the server said it sent JSON but did not. */
static gboolean
parse_body (SoupMessage  *message,
            GBytes       *bytes,
            JsonNode    **body,
            char        **problem)
{
  const char *content_type = soup_message_headers_get_content_type (
    soup_message_get_response_headers (message), NULL);
  gsize size = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &size) : NULL;

  if (size == 0)
    {
      *body = json_node_new (JSON_NODE_NULL);
      return TRUE;
    }

  if (is_json_content_type (content_type))
    {
      g_autoptr(GError) error = NULL;
      JsonNode *root = NULL;
      guint line = 0;

      /* json-glib parses recursively: a hostile answer nested a million levels deep would
       * overflow the stack and take the runner down. */
      if (!conduit_json_text_check_depth (data, size, MAX_JSON_DEPTH, &line))
        {
          g_autofree char *text = g_utf8_make_valid (data, (gssize)MIN (size, 4096));

          *problem = g_strdup_printf (_("it nests more than %u levels deep (line %u)"),
                                      MAX_JSON_DEPTH, line);
          *body = json_node_init_string (json_node_alloc (), text);
          return FALSE;
        }

      if (!conduit_json_tree_parse (data, size, TRUE, &root, &error))
        {
          g_autofree char *text = g_utf8_make_valid (data, (gssize)MIN (size, 4096));

          *problem = g_strdup (error->message);
          *body = json_node_init_string (json_node_alloc (), text);
          return FALSE;
        }
      /* only spaces: JSON with no value (json-glib gives no root); null, as an empty answer */
      *body = root != NULL ? root : json_node_new (JSON_NODE_NULL);
      return TRUE;
    }

  {
    g_autofree char *text = g_utf8_make_valid (data, (gssize)size);
    *body = json_node_init_string (json_node_alloc (), text);
  }
  return TRUE;
}

static void
record_attempt (Call              *call,
                ConduitStepStatus  status,
                ConduitErrorKind   error_kind,
                const char        *error_message)
{
  ConduitStepRecord step = { 0 };
  ConduitClock *clock = conduit_run_get_clock (call->run);

  step.node_id = call->node_id;
  step.item_index = (gint)call->item_index;
  step.attempt = call->outcome->attempts;
  step.started_us = call->attempt_started_us;
  step.finished_us = conduit_clock_get_wall_us (clock);
  step.status = (char *)conduit_step_status_to_string (status);
  step.http_status = call->outcome->status;
  step.delay_ms = call->delay_ms;
  step.error_kind = (char *)conduit_error_kind_to_string (error_kind);
  step.error_message = (char *)error_message;
  conduit_run_record_attempt (call->run, &step);
}

static void
retry_sleep_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Call *call = user_data;
  GError *error = NULL;

  if (!conduit_clock_sleep_finish (CONDUIT_CLOCK (object), result, &error))
    {
      call_finish (call, error);
      return;
    }

  send_attempt (call);
}

static void
fail_call (Call             *call,
           ConduitErrorKind  kind,
           char             *message)
{
  call->outcome->ok = FALSE;
  call->outcome->error_kind = g_strdup (conduit_error_kind_to_string (kind));
  call->outcome->error_message = message;
  call_finish (call, NULL);
}

static void
answer_noted_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  /* the answer itself arrived; a keyring hiccup must not change what the step reports */
  if (!conduit_authorizer_note_answer_finish (CONDUIT_AUTHORIZER (object), result, &error))
    g_message ("Could not update the attention mark of credential “%s”: %s",
               conduit_credential_get_id (call->request->credential), error->message);

  call_finish (call, NULL);
}

/* Returns the call's final outcome. A credential the server refused (401, 403) is marked
 * "needs attention" in the keyring first, and one it accepted again loses an earlier mark, so
 * that the credentials window and `conduit-cli credential show` say what the server said. */
static void
return_outcome (Call   *call,
                GBytes *bytes)
{
  ConduitCredential *credential = call->request->credential;
  guint status = call->outcome->status;

  if (credential != NULL &&
      (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN ||
       (SOUP_STATUS_IS_SUCCESSFUL (status) && conduit_credential_get_attention (credential) != NULL)))
    {
      ConduitAuthorizer *authorizer = conduit_step_context_get_authorizer (conduit_run_get_context (call->run));

      conduit_authorizer_note_answer_async (authorizer, credential, call->message, bytes, NULL,
                                            answer_noted_cb, call);
      return;
    }

  call_finish (call, NULL);
}

static void
attempt_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Call *call = user_data;
  GCancellable *parent = call->cancellable;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  ConduitHttpOutcome *outcome = call->outcome;
  ConduitErrorKind kind = CONDUIT_ERROR_KIND_NONE;
  gboolean retryable = FALSE;
  const char *retry_after = NULL;
  guint delay_ms = 0;
  g_autofree char *why_not = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  clear_timeout (call);
  if (parent != NULL)
    g_cancellable_disconnect (parent, call->cancelled_id);
  call->cancelled_id = 0;

  if (parent != NULL && g_cancellable_is_cancelled (parent))
    {
      call_finish (call, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The run was cancelled")));
      return;
    }

  if (error != NULL)
    {
      outcome->status = 0;
      if (call->timed_out && call->sent && call->request->idempotency_key == NULL &&
          !is_idempotent_method (call->request->method))
        {
          /* The server may have acted and only its answer was late: a retry could act twice
           * (issue #14: a 3 s answer to a 1 s timeout made the API complete one item 3 times).
           * Without an Idempotency-Key the server cannot tell a retry from a new request. */
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "outcome unknown: timed out after the request "
                                                  "was sent (no answer from %s within %u second); "
                                                  "not retried, as a %s without an idempotency key "
                                                  "could act twice — check the other side",
                                                  "outcome unknown: timed out after the request "
                                                  "was sent (no answer from %s within %u seconds); "
                                                  "not retried, as a %s without an idempotency key "
                                                  "could act twice — check the other side",
                                                  call->request->timeout_s),
                                     call->request->url, call->request->timeout_s,
                                     call->request->method);
          record_attempt (call, CONDUIT_STEP_STATUS_UNKNOWN, CONDUIT_ERROR_KIND_OUTCOME_UNKNOWN,
                          message);
          fail_call (call, CONDUIT_ERROR_KIND_OUTCOME_UNKNOWN, g_steal_pointer (&message));
          return;
        }
      else if (call->timed_out)
        {
          kind = CONDUIT_ERROR_KIND_TIMEOUT;
          message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                  "no answer from %s within %u second",
                                                  "no answer from %s within %u seconds",
                                                  call->request->timeout_s),
                                     call->request->url, call->request->timeout_s);
          retryable = TRUE;
        }
      else
        {
          kind = CONDUIT_ERROR_KIND_NETWORK;
          message = g_strdup_printf (_("could not reach %s: %s"), call->request->url,
                                     error->message);
          retryable = conduit_retry_policy_is_retryable_error (error);
        }
    }
  else
    {
      SoupMessageHeaders *headers = soup_message_get_response_headers (call->message);
      guint status = soup_message_get_status (call->message);

      outcome->status = status;
      g_clear_pointer (&outcome->headers, json_node_unref);
      g_clear_pointer (&outcome->body, json_node_unref);
      outcome->headers = headers_to_json (headers);

      if ((status >= 200 && status < 300) ||
          (status >= 300 && status < 400 && !call->request->follow_redirects))
        {
          g_autofree char *problem = NULL;

          /* The server acted on the request: retrying a bad body could act twice. */
          if (!parse_body (call->message, bytes, &outcome->body, &problem))
            {
              message = g_strdup_printf (_("%s answered %u but its JSON is not valid: %s"),
                                         call->request->url, status, problem);
              record_attempt (call, CONDUIT_STEP_STATUS_FAILED, CONDUIT_ERROR_KIND_BAD_RESPONSE,
                              message);
              fail_call (call, CONDUIT_ERROR_KIND_BAD_RESPONSE, g_steal_pointer (&message));
              return;
            }

          outcome->ok = TRUE;
          record_attempt (call, CONDUIT_STEP_STATUS_OK, CONDUIT_ERROR_KIND_NONE, NULL);
          return_outcome (call, bytes);
          return;
        }

      {
        g_autofree char *problem = NULL;
        parse_body (call->message, bytes, &outcome->body, &problem);
      }

      /* A token may have expired or been revoked: one fresh token and one more try. */
      if (status == SOUP_STATUS_UNAUTHORIZED && call->request->credential != NULL &&
          !call->auth_retried &&
          conduit_authorizer_should_retry (conduit_step_context_get_authorizer (conduit_run_get_context (call->run)),
                                           call->request->credential, call->message))
        {
          call->auth_retried = TRUE;
          call->delay_ms = 0;
          record_attempt (call, CONDUIT_STEP_STATUS_RETRY, CONDUIT_ERROR_KIND_AUTH,
                          _("the server refused the credential; trying once more with a fresh "
                            "token"));
          send_attempt (call);
          return;
        }

      kind = CONDUIT_ERROR_KIND_HTTP;
      message = g_strdup_printf (_("%s answered %u %s"), call->request->url, status,
                                 soup_message_get_reason_phrase (call->message)
                                   ? soup_message_get_reason_phrase (call->message) : "");
      if (call->request->retry_statuses != NULL)
        {
          retryable = FALSE;
          for (guint i = 0; i < call->request->retry_statuses->len; i++)
            if (g_array_index (call->request->retry_statuses, guint, i) == status)
              retryable = TRUE;
        }
      else
        retryable = conduit_retry_policy_is_retryable_status (status);
      retry_after = soup_message_headers_get_one (headers, "Retry-After");
    }

  if (retryable &&
      conduit_retry_policy_next_delay (call->policy, outcome->attempts, outcome->status,
                                       retry_after,
                                       conduit_clock_get_wall_us (conduit_run_get_clock (call->run)),
                                       &delay_ms, &why_not))
    {
      ConduitClock *clock = conduit_run_get_clock (call->run);

      record_attempt (call, CONDUIT_STEP_STATUS_RETRY, kind, message);
      call->delay_ms = delay_ms;
      conduit_clock_sleep_async (clock, delay_ms, parent, retry_sleep_cb, call);
      return;
    }

  if (why_not != NULL)
    {
      char *full = g_strdup_printf ("%s (%s)", message, why_not);
      g_free (message);
      message = full;
    }
  record_attempt (call, CONDUIT_STEP_STATUS_FAILED, kind, message);
  outcome->ok = FALSE;
  outcome->error_kind = g_strdup (conduit_error_kind_to_string (kind));
  outcome->error_message = g_steal_pointer (&message);
  return_outcome (call, bytes);
}

static void
send_exchange (Call *call)
{
  GCancellable *parent = call->cancellable;

  g_clear_object (&call->attempt_cancellable);
  call->attempt_cancellable = g_cancellable_new ();
  if (parent != NULL)
    call->cancelled_id = g_cancellable_connect (parent, G_CALLBACK (parent_cancelled_cb),
                                                call->attempt_cancellable, NULL);
  call->timeout = g_timeout_source_new_seconds (MAX (call->request->timeout_s, 1));
  g_source_set_callback (call->timeout, attempt_timeout_cb, call, NULL);
  g_source_attach (call->timeout, call->context);

  soup_session_send_and_read_async (call->session, call->message,
                                    G_PRIORITY_DEFAULT, call->attempt_cancellable, attempt_cb,
                                    call);
}

static void
attempt_marked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  /* Without the mark the request still goes: a history that cannot be written (a full disk)
   * must not stop the flows; the writer says so in its own warnings. */
  if (!conduit_run_start_attempt_finish (call->run, result, &error))
    g_debug ("Attempt %u of item %u at %s sent without its mark: %s", call->outcome->attempts,
             call->item_index, call->node_id, error->message);

  send_exchange (call);
}

/* The attempt is written as "started", and committed, before the request leaves: if the
 * process is killed before the answer is recorded, the history says "sent, answer unknown"
 * for the item, and an item without the mark was never sent (issue #14 point 8). */
static void
start_exchange (Call *call)
{
  conduit_run_start_attempt_async (call->run, call->node_id, call->item_index,
                                   call->outcome->attempts, attempt_marked_cb, call);
}

static void
authorized_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_authorizer_authorize_finish (CONDUIT_AUTHORIZER (object), result, &error))
    {
      char *message = g_strdup_printf (_("the credential “%s” could not be used: %s"),
                                       conduit_credential_get_id (call->request->credential),
                                       error->message);
      ConduitErrorKind kind = CONDUIT_ERROR_KIND_CREDENTIAL;

      conduit_error_kind_from_string (conduit_credential_error_kind (error), &kind);
      record_attempt (call, CONDUIT_STEP_STATUS_FAILED, kind, message);
      fail_call (call, kind, message);
      return;
    }

  start_exchange (call);
}

static void
send_attempt (Call *call)
{
  ConduitHttpRequest *request = call->request;
  GCancellable *parent = call->cancellable;
  SoupMessageHeaders *headers;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;

  call->outcome->attempts++;
  call->timed_out = FALSE;
  call->sent = FALSE;
  call->attempt_started_us = conduit_clock_get_wall_us (conduit_run_get_clock (call->run));

  uri = request->uri != NULL ? g_uri_ref (request->uri)
                             : g_uri_parse (request->url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      char *message = g_strdup_printf (_("“%s” is not a web address (http:// or https://)"),
                                       request->url);
      record_attempt (call, CONDUIT_STEP_STATUS_FAILED, CONDUIT_ERROR_KIND_INVALID, message);
      fail_call (call, CONDUIT_ERROR_KIND_INVALID, message);
      return;
    }

  g_clear_object (&call->message);
  call->message = soup_message_new_from_uri (request->method, uri);
  headers = soup_message_get_request_headers (call->message);
  for (guint i = 0; i < request->header_names->len; i++)
    soup_message_headers_replace (headers, g_ptr_array_index (request->header_names, i),
                                  g_ptr_array_index (request->header_values, i));
  if (request->idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", request->idempotency_key);
  else if (call->event_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", call->event_key);
  if (request->body != NULL && request->credential != NULL)
    conduit_authorizer_set_request_body (call->message, request->content_type, request->body);
  else if (request->body != NULL)
    soup_message_set_request_body_from_bytes (call->message, request->content_type, request->body);
  /* Without this flag libsoup opens a new connection for every POST (it will not reuse a kept-
   * alive connection for a request it may not repeat). The only repeat it then makes is a
   * request whose pooled connection turned out closed before any answer: the case our own
   * retries cover too, and which an Idempotency-Key makes harmless. */
  soup_message_add_flags (call->message, SOUP_MESSAGE_IDEMPOTENT);
  if (!request->follow_redirects)
    soup_message_add_flags (call->message, SOUP_MESSAGE_NO_REDIRECT);
  /* No TCP_NODELAY of our own: libsoup (3.0 and later) sets it on every connection it makes,
   * and a handler here cost a signal connection per attempt. */
  g_signal_connect (call->message, "wrote-headers", G_CALLBACK (wrote_headers_cb), call);
  if (!request->verify_tls)
    g_signal_connect (call->message, "accept-certificate",
                      G_CALLBACK (accept_any_certificate_cb), NULL);

  if (request->credential != NULL)
    {
      conduit_authorizer_authorize_async (conduit_step_context_get_authorizer (conduit_run_get_context (call->run)),
                                          request->credential, call->message, parent,
                                          authorized_cb, call);
      return;
    }

  start_exchange (call);
}

/* Makes the call, and calls @done once with its end. The HTTP Request node calls this
 * directly; others through conduit_http_send_async(), a GTask around it. With @shard the
 * call goes out on it (conduit-http-pool.c), else on the one with the fewest calls then. */
void
_conduit_http_call_start (ConduitRun          *run,
                          const char          *node_id,
                          guint                item_index,
                          ConduitRetryPolicy  *policy,
                          ConduitHttpRequest  *request,
                          ConduitHttpShard    *shard,
                          GCancellable        *cancellable,
                          ConduitHttpCallDone  done,
                          gpointer             done_data)
{
  Call *call = g_new0 (Call, 1);

  /* Counted from now, not from when it is sent (after its mark is written): the calls started
   * together must see each other, or they would all pick the same shard. */
  call->shard = shard != NULL ? shard : conduit_http_pool_pick (conduit_run_get_session (run),
                                                                 NULL);
  call->session = conduit_http_shard_hold (call->shard);

  call->run = g_object_ref (run);
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  call->context = g_main_context_ref_thread_default ();
  call->done = done;
  call->done_data = done_data;
  call->node_id = g_strdup (node_id);
  call->item_index = item_index;
  call->policy = g_object_ref (policy);
  call->request = request;
  /* A queued event may run again (a worker died after sending): its calls carry a key that is
   * the same at every delivery, so an API that honours Idempotency-Key creates nothing twice.
   * Only the header: retries after a timeout still follow the step's own key (see above). */
  if (request->idempotency_key == NULL && node_id != NULL)
    call->event_key = conduit_run_dup_idempotency_key (run, node_id, item_index);
  call->outcome = g_new0 (ConduitHttpOutcome, 1);

  /* When nothing can be sent the call ends in here: then it is handed over from the main
   * loop (call_finish()), so @call is still there after. */
  call->starting = TRUE;
  send_attempt (call);
  call->starting = FALSE;
}

static void
task_call_done (ConduitHttpOutcome *outcome,
                GError             *error,
                gpointer            user_data)
{
  g_autoptr(GTask) task = user_data;

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, outcome, (GDestroyNotify)conduit_http_outcome_free);
}

/**
 * conduit_http_send_async:
 * @run: the run the call belongs to
 * @node_id: the node making the call
 * @item_index: the item's position in the node's batch
 * @policy: when to retry
 * @request: (transfer full): the call
 * @cancellable: (nullable): stops the call, waits included
 * @callback: called with the outcome
 * @user_data: data for @callback
 *
 * Makes an HTTP call, retrying what is worth retrying, and records every attempt.
 */
void
conduit_http_send_async (ConduitRun          *run,
                         const char          *node_id,
                         guint                item_index,
                         ConduitRetryPolicy  *policy,
                         ConduitHttpRequest  *request,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONDUIT_IS_RUN (run));
  g_return_if_fail (CONDUIT_IS_RETRY_POLICY (policy));
  g_return_if_fail (request != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_http_send_async);
  _conduit_http_call_start (run, node_id, item_index, policy, request, NULL, cancellable,
                            task_call_done, task);
}

/**
 * conduit_http_send_finish:
 * @result: the result
 * @error: return location for an error; only set when the call was cancelled
 *
 * Returns: (transfer full): the outcome, success or failure
 */
ConduitHttpOutcome *
conduit_http_send_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
