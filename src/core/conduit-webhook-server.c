/* conduit-webhook-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-webhook-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "conduit-app-webhook.h"
#include "conduit-executor.h"
#include "conduit-history-store.h"
#include "conduit-json-writer.h"
#include "conduit-redactor.h"
#include "conduit-run-private.h"
#include "conduit-webhook-server-private.h"

/* Receives webhook events for flows: one SoupServer per address and port, one path per flow.
 * This file: the flows' routes and the answer to each request; -parse.c: what a body and a
 * signature must be; -listen.c: listening, connections and their timeouts.
 *
 * The answer to the sender is the promise: 202 Accepted goes out only after the whole event
 * (the run and every one of its items) is committed to the history, so an accepted event
 * survives the process dying a moment later, and shows as an interrupted run at the next
 * start. If the history cannot take it, the sender gets 503 and can send it again. Bad
 * requests get 400 (not JSON or form data, several documents, contradictory headers), 401
 * (signature missing, wrong, too old or replayed), 405 (not POST/PUT/PATCH), 413 (a body
 * larger than the trigger's limit, or an event larger than the history keeps whole) or 415 (a
 * media type that is not taken); none of them starts a run. While the server drains, every
 * request gets 503 and every answer closes its connection. Request headers are never written
 * anywhere, so a signature cannot leak into the history.
 *
 * A body is never held beyond the trigger's limit: one whose Content-Length passes it is refused
 * before it is read; a chunked one is collected chunk by chunk, and once it passes the limit
 * the rest is read and dropped, then answered with 413.
 */

/* Past this many events being recorded or run at once, new events wait (their requests stay
 * paused) until a run ends: senders slow down instead of the backlog growing without bound. */
#define MAX_IN_FLIGHT 64

static const ConduitWebhookLimits default_limits = {
  .header_timeout_s = 10,
  .body_timeout_s = 60,
  .idle_timeout_s = 15,
  .max_connections = 512,
};

G_DEFINE_QUARK (conduit-webhook-server-error-quark, conduit_webhook_server_error)

G_DEFINE_FINAL_TYPE (ConduitWebhookServer, conduit_webhook_server, G_TYPE_OBJECT)

enum {
  TEST_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
route_free (Route *route)
{
  g_clear_object (&route->flow);
  g_free (route->trigger_id);
  g_free (route->path);
  g_free (route->host);
  g_free (route->signature_header);
  g_clear_pointer (&route->secret, g_bytes_unref);
  g_clear_pointer (&route->app_trigger, json_object_unref);
  g_free (route->verify_token);
  g_free (route);
}

typedef struct
{
  ConduitWebhookServer *server;
  SoupServerMessage    *msg;
  ConduitRun           *run;
  ConduitFlow          *flow;             /* with a queue, instead of a run */
} Pending;

static void pending_free (Pending *pending);

static void
conduit_webhook_server_dispose (GObject *object)
{
  ConduitWebhookServer *self = (ConduitWebhookServer *)object;

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->waiting, (GDestroyNotify)pending_free);
  g_clear_object (&self->metrics);
  g_clear_object (&self->queue);

  if (self->connections != NULL)
    conduit_webhook_connection_free_all (self);
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->executing, g_ptr_array_unref);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (conduit_webhook_server_parent_class)->dispose (object);
}

static void
conduit_webhook_server_class_init (ConduitWebhookServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_webhook_server_dispose;

  /**
   * ConduitWebhookServer::test-event:
   * @self: the server
   * @flow: the flow whose address the event reached
   * @trigger_id: the webhook trigger's node id
   * @event: a JSON object: `method`, `path`, `headers` (an object; values of headers that
   *   carry secrets replaced by "(hidden)"), `content_type`, `body` (the text as sent) and
   *   `items` (the events as a run would get them)
   *
   * In test mode (conduit_webhook_server_set_test_mode()), emitted for each event that passed
   * every check a served flow makes, instead of running it.
   */
  signals[TEST_EVENT] =
    g_signal_new ("test-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, CONDUIT_TYPE_FLOW, G_TYPE_STRING,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
conduit_webhook_server_init (ConduitWebhookServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_webhook_listener_free);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify)route_free);
  self->executing = g_ptr_array_new_with_free_func (g_object_unref);
  self->connections = g_hash_table_new_full (NULL, NULL, conduit_webhook_connection_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->limits = default_limits;
  self->context = g_main_context_ref_thread_default ();
}

/**
 * conduit_webhook_server_new:
 * @runner: the runner that runs the flows
 *
 * The server accepts and answers in the thread-default main context of the caller.
 *
 * Returns: (transfer full): a server listening nowhere yet
 */
ConduitWebhookServer *
conduit_webhook_server_new (ConduitRunner *runner)
{
  ConduitWebhookServer *self;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);

  self = g_object_new (CONDUIT_TYPE_WEBHOOK_SERVER, NULL);
  self->runner = g_object_ref (runner);
  return self;
}

/* Written directly rather than built as a JsonBuilder tree: one per request. The same bytes
 * as json-glib gives for {"run_id": …, "status"/"error": …}. */
static char *
answer_text (guint       status,
             const char *message,
             gint64      run_id)
{
  GString *out = g_string_sized_new (64);

  g_string_append_c (out, '{');
  if (run_id > 0)
    g_string_append_printf (out, "\"run_id\":%" G_GINT64_FORMAT, run_id);
  if (message != NULL)
    {
      if (run_id > 0)
        g_string_append_c (out, ',');
      g_string_append (out, status < 300 ? "\"status\":\"" : "\"error\":\"");
      conduit_json_writer_append_escaped (out, message);
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static void
respond (ConduitWebhookServer *self,
         SoupServerMessage    *msg,
         guint                 status,
         const char           *message,
         gint64                run_id)
{
  char *text;

  /* Draining: the sender learns to go elsewhere with its next event. */
  if (self != NULL && self->draining)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                  "close");

  /* The answer to every accepted event: no need for a JSON builder. */
  if (status == SOUP_STATUS_ACCEPTED && run_id > 0 && g_strcmp0 (message, "accepted") == 0)
    {
      text = g_strdup_printf ("{\"run_id\":%" G_GINT64_FORMAT ",\"status\":\"accepted\"}", run_id);
      soup_server_message_set_status (msg, status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text,
                                        strlen (text));
      return;
    }

  text = answer_text (status, message, run_id);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

/* Refuses a request before (all of) its body is read: it is answered at once and its
 * connection closed, the rest of the body unread; libsoup would read it all first, and with a
 * negative Content-Length not know where it ends. */
static void
refuse_early (ConduitWebhookServer *self,
              SoupServerMessage    *msg,
              guint                 status,
              const char           *message)
{
  g_autofree char *text = answer_text (status, message, 0);

  if (conduit_webhook_connection_refuse (msg, status, text))
    return;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  respond (self, msg, status, message, 0);
}

static void
pending_free (Pending *pending)
{
  /* Answered (or dropped unanswered with its connection): it leaves the queue. */
  if (pending->server->metrics != NULL)
    conduit_serve_metrics_add_queued (pending->server->metrics, -1);
  g_clear_object (&pending->msg);
  g_clear_object (&pending->run);
  g_clear_object (&pending->flow);
  g_free (pending);
}

static void start_recording (ConduitWebhookServer *self,
                             Pending              *pending);

static void
admit_waiting (ConduitWebhookServer *self)
{
  while (self->waiting.length > 0 && self->n_pending + self->executing->len < MAX_IN_FLIGHT)
    start_recording (self, g_queue_pop_head (&self->waiting));
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConduitWebhookServer) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_run_execute_finish (CONDUIT_RUN (object), result, &error))
    g_warning ("A webhook run could not run: %s", error->message);

  if (self->executing != NULL)
    {
      g_ptr_array_remove_fast (self->executing, object);
      admit_waiting (self);
    }
}

static void
recorded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(ConduitWebhookServer) self = g_object_ref (pending->server);
  SoupServerMessage *msg = pending->msg;
  ConduitRun *run = CONDUIT_RUN (object);
  g_autoptr(GError) error = NULL;

  self->n_pending--;

  if (!conduit_run_record_finish (run, result, &error))
    {
      g_warning ("A webhook event could not be recorded: %s", error->message);
      if (self->metrics != NULL)
        conduit_serve_metrics_event_refused (self->metrics,
                                             conduit_flow_get_name (conduit_run_get_flow (run)));
      respond (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
               _("the event could not be saved; send it again later"), 0);
      soup_server_message_unpause (msg);
      pending_free (pending);
      admit_waiting (self);
      return;
    }

  respond (self, msg, SOUP_STATUS_ACCEPTED, "accepted", conduit_run_get_id (run));
  soup_server_message_unpause (msg);

  g_ptr_array_add (self->executing, g_object_ref (run));
  conduit_run_execute_async (run, self->cancellable, run_done_cb, g_object_ref (self));
  pending_free (pending);
}

static void
start_recording (ConduitWebhookServer *self,
                 Pending              *pending)
{
  self->n_pending++;
  conduit_run_record_async (pending->run, NULL, recorded_cb, pending);
}

/* With a queue (`serve --queue`, the receiver role): the event goes to the NATS stream instead
 * of the history, and 202 goes out once the stream acknowledged it; a worker runs it. */
static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(ConduitWebhookServer) self = g_object_ref (pending->server);
  const char *event_id = g_object_get_data (G_OBJECT (pending->msg), "conduit-event-id");
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  gboolean duplicate = FALSE;

  self->n_pending--;
  if (!conduit_queue_publish_finish (CONDUIT_QUEUE (object), result, &duplicate, &error))
    {
      g_message ("A webhook event could not be queued: %s", error->message);
      if (self->metrics != NULL)
        conduit_serve_metrics_event_refused (self->metrics,
                                             conduit_flow_get_name (pending->flow));
      problem = g_strdup_printf (_("the event could not be queued (%s); send it again later"),
                                 error->message);
      respond (self, pending->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, problem, 0);
    }
  else
    {
      GString *answer = g_string_sized_new (96);
      gsize length;
      char *text;

      /* {"event_id": …, "status": …} as json-glib writes it, without building a tree */
      g_string_append (answer, "{\"event_id\":\"");
      conduit_json_writer_append_escaped (answer, event_id);
      g_string_append (answer, duplicate ? "\",\"status\":\"duplicate\"}"
                                         : "\",\"status\":\"queued\"}");
      length = answer->len;
      text = g_string_free (answer, FALSE);
      if (self->draining)
        soup_message_headers_replace (soup_server_message_get_response_headers (pending->msg),
                                      "Connection", "close");
      soup_server_message_set_status (pending->msg, SOUP_STATUS_ACCEPTED, NULL);
      soup_server_message_set_response (pending->msg, "application/json", SOUP_MEMORY_TAKE, text,
                                        length);
    }
  soup_server_message_unpause (pending->msg);
  pending_free (pending);
}

/* The event's id: the sender's own when it gives one (a retry then becomes one event), else a
 * new one. */
static char *
event_id_for (SoupMessageHeaders *headers)
{
  const char *names[] = { "Idempotency-Key", "X-Event-Id" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *value = soup_message_headers_get_one (headers, names[i]);

      if (value != NULL && *value != '\0' && strlen (value) <= 200 &&
          g_utf8_validate (value, -1, NULL))
        return g_strdup (value);
    }
  return g_uuid_string_random ();
}

static void
queue_event (ConduitWebhookServer *self,
             Route                *route,
             SoupServerMessage    *msg,
             SoupMessageHeaders   *headers,
             GPtrArray            *items)
{
  GString *text = g_string_sized_new (256);
  g_autoptr(GBytes) payload = NULL;
  char *event_id = event_id_for (headers);
  Pending *pending;

  /* {"flow", "trigger", "received_us", "items"}, written as json-glib would write that object,
   * without copying the items into a tree of their own */
  g_string_append (text, "{\"flow\":\"");
  conduit_json_writer_append_escaped (text, conduit_flow_get_name (route->flow));
  g_string_append (text, "\",\"trigger\":\"");
  conduit_json_writer_append_escaped (text, route->trigger_id);
  g_string_append_printf (text, "\",\"received_us\":%" G_GINT64_FORMAT ",\"items\":[",
                          g_get_real_time ());
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      conduit_json_writer_append (text, g_ptr_array_index (items, i));
    }
  g_string_append (text, "]}");
  payload = g_string_free_to_bytes (text);

  pending = g_new0 (Pending, 1);
  pending->server = self;
  pending->msg = g_object_ref (msg);
  pending->flow = g_object_ref (route->flow);
  g_object_set_data_full (G_OBJECT (msg), "conduit-event-id", event_id, g_free);
  soup_server_message_pause (msg);
  if (self->metrics != NULL)
    conduit_serve_metrics_add_queued (self->metrics, 1);
  self->n_pending++;
  conduit_queue_publish_async (self->queue, event_id, payload, NULL, queued_cb, pending);
}

/* The body of a request to a route, collected while it arrives, never beyond the route's
 * limit: libsoup's own collecting is turned off, as it would hold a chunked body of any size. */
typedef struct
{
  ConduitWebhookServer *server;   /* unowned */
  GByteArray           *data;
  gsize                 max;
  gboolean              too_large;
} Body;

static void
body_free (Body *body)
{
  g_clear_pointer (&body->data, g_byte_array_unref);
  g_free (body);
}

static const char body_key[] = "conduit-webhook-body";

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              Body              *body)
{
  gsize length = g_bytes_get_size (chunk);

  if (body->too_large)
    return;
  if (length > body->max - body->data->len)
    {
      /* Answered now, the rest unread; if that cannot be, what follows is dropped as it is
       * read, then answered with 413. */
      body->too_large = TRUE;
      g_byte_array_set_size (body->data, 0);
      refuse_early (body->server, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                    _("the event is larger than the trigger takes (its largest body setting)"));
      return;
    }
  g_byte_array_append (body->data, g_bytes_get_data (chunk, NULL), (guint)length);
}

/* Whether the event, as the history would keep it, is whole: the run keeps at most
 * CONDUIT_WEBHOOK_MAX_EVENT_ITEMS items of its trigger, and the history at most its
 * max_item_bytes of each. An event that would be cut is refused, not acknowledged. */
static gboolean
event_fits_history (ConduitWebhookServer  *self,
                    GPtrArray             *items,
                    GPtrArray            **texts,
                    char                 **problem)
{
  g_autoptr(GPtrArray) serialised = NULL;
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  gsize max_bytes;

  if (items->len > CONDUIT_WEBHOOK_MAX_EVENT_ITEMS)
    {
      *problem = g_strdup_printf (_("the event holds %u items; at most %u are taken in one "
                                    "request"), items->len, CONDUIT_WEBHOOK_MAX_EVENT_ITEMS);
      return FALSE;
    }
  if (history == NULL)
    return TRUE;

  max_bytes = conduit_history_store_get_max_item_bytes (history);
  serialised = g_ptr_array_new_full (items->len, g_free);
  for (guint i = 0; i < items->len; i++)
    {
      gsize length = 0;
      char *text;

      text = conduit_json_writer_to_string (g_ptr_array_index (items, i), &length);
      g_ptr_array_add (serialised, text);
      if (length > max_bytes)
        {
          *problem = g_strdup_printf (_("item %u of the event is %zu bytes as "
                                        "JSON; the run history keeps at most %zu"
                                        " bytes an item"), i + 1, length, max_bytes);
          return FALSE;
        }
    }
  /* the run records these texts instead of serialising the items again */
  *texts = g_steal_pointer (&serialised);
  return TRUE;
}

/* An app's handshake (Meta's GET with hub.challenge, Slack's url_verification) is answered as
 * the app's webhook trigger describes, and is not an event. */
static gboolean
answer_app_challenge (Route             *route,
                      SoupServerMessage *msg,
                      GHashTable        *query,
                      GBytes            *body)
{
  ConduitAppChallengeAnswer answer;

  if (route->app_trigger == NULL ||
      !conduit_app_webhook_challenge (route->app_trigger, soup_server_message_get_method (msg),
                                      query, body, route->verify_token, &answer))
    return FALSE;

  soup_server_message_set_status (msg, answer.status, NULL);
  soup_server_message_set_response (msg, answer.content_type, SOUP_MEMORY_COPY, answer.body,
                                    strlen (answer.body));
  conduit_app_challenge_answer_clear (&answer);
  return TRUE;
}

/* Headers whose values are secrets (a signature is one only while it is fresh, but nobody
 * needs to read it): shown by name only. */
static gboolean
header_is_secret (Route      *route,
                  const char *name)
{
  static const char * const secret[] = { "Authorization", "Proxy-Authorization", "Cookie",
                                         "X-Hub-Signature", "X-Hub-Signature-256",
                                         "X-Slack-Signature", "Stripe-Signature" };

  if (route->signature_header != NULL && g_ascii_strcasecmp (name, route->signature_header) == 0)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (secret); i++)
    if (g_ascii_strcasecmp (name, secret[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Test mode ("Listen for a Test Event" in the app): the event passed every check a served
 * flow makes; it is handed to whoever listens and answered, but nothing runs and nothing is
 * written to the history. */
static void
emit_test_event (ConduitWebhookServer *self,
                 Route                *route,
                 SoupServerMessage    *msg,
                 const char           *path,
                 SoupMessageHeaders   *headers,
                 GBytes               *body,
                 GPtrArray            *items)
{
  g_autoptr(JsonObject) event = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *header_object = json_object_new ();
  JsonArray *array = json_array_new ();
  SoupMessageHeadersIter iter;
  const char *name, *value;
  const char *content_type = soup_message_headers_get_one (headers, "Content-Type");
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  g_autofree char *text = NULL;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      const char *shown = header_is_secret (route, name) ? "(hidden)" : value;

      /* a header sent twice: its values joined, as HTTP allows */
      if (json_object_has_member (header_object, name))
        {
          g_autofree char *joined =
            g_strdup_printf ("%s, %s", json_object_get_string_member (header_object, name), shown);
          json_object_set_string_member (header_object, name, joined);
        }
      else
        json_object_set_string_member (header_object, name, shown);
    }

  text = g_utf8_make_valid (data != NULL ? data : "", (gssize)size);
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));

  json_object_set_string_member (event, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (event, "path", path);
  json_object_set_object_member (event, "headers", header_object);
  json_object_set_string_member (event, "content_type", content_type ? content_type : "");
  json_object_set_string_member (event, "body", text);
  json_object_set_array_member (event, "items", array);
  root = json_node_init_object (json_node_alloc (), event);

  /* The sender gets what `serve` would answer, without a run id: there is no run. */
  respond (self, msg, SOUP_STATUS_ACCEPTED, _("received as a test event; nothing ran"), 0);
  g_signal_emit (self, signals[TEST_EVENT], 0, route->flow, route->trigger_id, root);
}

/* A body whose Content-Length the route takes: libsoup collected it (handle_headers()), and
 * read no more than that length. */
static gboolean
body_within_limit (Route              *route,
                   SoupMessageHeaders *headers)
{
  return soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
         soup_message_headers_get_content_length (headers) <= (goffset)route->max_body;
}

static void
handle_request (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Route *route = user_data;
  ConduitWebhookServer *self = route->server;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Body *collected = g_object_get_data (G_OBJECT (msg), body_key);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  guint status = SOUP_STATUS_BAD_REQUEST;
  Pending *pending;

  if (soup_server_message_get_status (msg) != 0)
    return;

  if (!g_str_equal (path, route->path))
    {
      respond (self, msg, SOUP_STATUS_NOT_FOUND, _("no flow listens on this path"), 0);
      return;
    }

  if (method == SOUP_METHOD_GET && answer_app_challenge (route, msg, query, NULL))
    return;

  if (method != SOUP_METHOD_POST && method != SOUP_METHOD_PUT &&
      g_strcmp0 (method, "PATCH") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST, PUT, PATCH");
      respond (self, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("send events with POST"), 0);
      return;
    }

  if (self->draining)
    {
      respond (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
               _("the server is shutting down; send the event again later"), 0);
      return;
    }

  if (collected != NULL && !collected->too_large)
    body = g_byte_array_free_to_bytes (g_steal_pointer (&collected->data));
  else if (collected == NULL && body_within_limit (route, headers))
    body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      respond (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
               _("the event is larger than the trigger takes (its largest body setting)"), 0);
      return;
    }

  if (route->secret != NULL &&
      !conduit_webhook_signature_matches (route, headers, body, g_get_real_time (), &problem))
    {
      respond (self, msg, SOUP_STATUS_UNAUTHORIZED, problem, 0);
      return;
    }

  if (answer_app_challenge (route, msg, query, body))
    return;

  items = conduit_webhook_server_parse_event_full (
    soup_message_headers_get_content_type (headers, NULL), body,
    route->ndjson ? CONDUIT_WEBHOOK_PARSE_NDJSON : CONDUIT_WEBHOOK_PARSE_NONE, &status, &problem);
  if (items == NULL)
    {
      respond (self, msg, status, problem, 0);
      return;
    }

  if (!event_fits_history (self, items, &texts, &problem))
    {
      respond (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, problem, 0);
      return;
    }

  if (self->test_mode)
    {
      emit_test_event (self, route, msg, path, headers, body, items);
      return;
    }

  if (self->queue != NULL)
    {
      queue_event (self, route, msg, headers, items);
      return;
    }

  run = conduit_runner_create_run (self->runner, route->flow, route->trigger_id, "webhook", items,
                                   &error);
  if (run == NULL)
    {
      respond (self, msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message, 0);
      return;
    }
  if (texts != NULL)
    conduit_run_set_trigger_texts (run, g_steal_pointer (&texts));

  pending = g_new0 (Pending, 1);
  pending->server = self;
  pending->msg = g_object_ref (msg);
  pending->run = g_steal_pointer (&run);
  soup_server_message_pause (msg);
  if (self->metrics != NULL)
    conduit_serve_metrics_add_queued (self->metrics, 1);

  if (self->n_pending + self->executing->len < MAX_IN_FLIGHT)
    start_recording (self, pending);
  else
    g_queue_push_tail (&self->waiting, pending);
}

/* The Content-Length header as sent: digits only. libsoup 3.2 reads "-5" as -5 and warns. */
static gboolean
content_length_is_valid (const char *text)
{
  gsize length = 0;

  while (g_ascii_isspace (*text))
    text++;
  for (; g_ascii_isdigit (text[length]); length++)
    ;
  if (length == 0 || length > 18)
    return FALSE;
  for (const char *p = text + length; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/**
 * conduit_webhook_refuse_bad_framing:
 * @self: a server
 * @msg: a request whose headers are in
 *
 * Refuses, before its body is read, a request whose headers do not tell where its body ends:
 * Content-Length together with Transfer-Encoding (a proxy may believe the other one: request
 * smuggling), or a Content-Length that is not a number of bytes. On any path: libsoup 3.2
 * would read the body with a negative length.
 *
 * Returns: whether @msg was refused
 */
gboolean
conduit_webhook_refuse_bad_framing (ConduitWebhookServer *self,
                                    SoupServerMessage    *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_length = soup_message_headers_get_one (headers, "Content-Length");
  const char *transfer_encoding = soup_message_headers_get_one (headers, "Transfer-Encoding");

  if (content_length != NULL && transfer_encoding != NULL)
    {
      refuse_early (self, msg, SOUP_STATUS_BAD_REQUEST,
                    _("the request has both Content-Length and Transfer-Encoding; send one"));
      return TRUE;
    }
  if (content_length != NULL && !content_length_is_valid (content_length))
    {
      g_autofree char *shown = g_utf8_make_valid (content_length, -1);
      g_autofree char *message = g_strdup_printf (
        _("the Content-Length “%.40s” is not a number of bytes"), shown);

      refuse_early (self, msg, SOUP_STATUS_BAD_REQUEST, message);
      return TRUE;
    }
  return FALSE;
}

/* Called once the request's headers are in, before its body is read: a body we would refuse
 * anyway is refused before it is read, and the body is collected within the route's limit. */
static void
handle_headers (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Route *route = user_data;
  ConduitWebhookServer *self = route->server;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  MediaKind kind;
  Body *body;

  if (!g_str_equal (path, route->path))
    return;

  /* No body is wanted now: whatever comes is dropped, not collected. */
  if (self->draining)
    {
      refuse_early (self, msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                    _("the server is shutting down; send the event again later"));
      return;
    }

  if (conduit_webhook_refuse_bad_framing (self, msg))
    return;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset)route->max_body)
    {
      refuse_early (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                    _("the event is larger than the trigger takes (its largest body setting)"));
      return;
    }

  kind = conduit_webhook_media_kind (soup_message_headers_get_content_type (headers, NULL));
  if (kind == MEDIA_OTHER || (kind == MEDIA_NDJSON && !route->ndjson))
    {
      g_autoptr(GPtrArray) none = NULL;
      g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
      g_autofree char *problem = NULL;
      guint status = SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;

      /* The same words as for a parsed body. */
      none = conduit_webhook_server_parse_event_full (
        soup_message_headers_get_content_type (headers, NULL), empty,
        route->ndjson ? CONDUIT_WEBHOOK_PARSE_NDJSON : CONDUIT_WEBHOOK_PARSE_NONE, &status,
        &problem);
      refuse_early (self, msg, status, problem);
      return;
    }

  /* A body of a length within the limit is collected by libsoup itself, which reads no more
   * than that length: no handler per request (see body_within_limit()). Only a chunked body,
   * whose length nobody knows before its end, is counted chunk by chunk. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    return;

  body = g_new0 (Body, 1);
  body->server = self;
  body->data = g_byte_array_new ();
  body->max = route->max_body;
  g_object_set_data_full (G_OBJECT (msg), body_key, body, (GDestroyNotify)body_free);
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), body);
}

static Listener *
ensure_listener (ConduitWebhookServer  *self,
                 const char            *host,
                 guint                  port,
                 gboolean               joining,
                 GError               **error)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", host, port);
  Listener *listener;

  /* Port 0 means "any free port": every such flow gets its own. */
  for (guint i = 0; port != 0 && i < self->listeners->len; i++)
    {
      listener = g_ptr_array_index (self->listeners, i);
      if (g_str_equal (listener->key, key))
        return listener;
    }

  listener = conduit_webhook_listener_new (self, host, port, joining, error);
  if (listener != NULL)
    g_ptr_array_add (self->listeners, listener);
  return listener;
}

static ConduitNode *
find_webhook_trigger (ConduitFlow *flow,
                      const char  *trigger_id)
{
  GListModel *nodes = conduit_flow_get_nodes (flow);

  if (trigger_id != NULL)
    {
      ConduitNode *node = conduit_flow_lookup_node (flow, trigger_id);
      if (node != NULL && g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger"))
        return node;
      return NULL;
    }

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      if (g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger"))
        return node;
    }

  return NULL;
}

static Route *find_route (ConduitWebhookServer *self,
                          ConduitFlow          *flow);

static gboolean
add_flow (ConduitWebhookServer  *self,
          ConduitFlow           *flow,
          const char            *trigger_id,
          const char            *secret,
          gint64                 join_port,
          GError               **error)
{
  ConduitConnector *connector;
  ConduitNode *node;
  Listener *listener;
  Route *route;
  g_autofree char *path = NULL;
  g_autofree char *host = NULL;
  gint64 port;

  node = find_webhook_trigger (flow, trigger_id);
  if (node == NULL)
    {
      if (trigger_id != NULL)
        g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_NO_TRIGGER,
                     _("“%s” is not a webhook trigger of the flow “%s”"), trigger_id,
                     conduit_flow_get_name (flow));
      else
        g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_NO_TRIGGER,
                     _("The flow “%s” has no webhook trigger"), conduit_flow_get_name (flow));
      return FALSE;
    }

  connector = conduit_connector_registry_lookup (conduit_runner_get_registry (self->runner),
                                                 "webhook-trigger");
  path = conduit_node_dup_string_setting (node, connector, "path");
  host = conduit_node_dup_string_setting (node, connector, "bind");
  port = join_port >= 0 ? join_port : conduit_node_get_int_setting (node, connector, "port", 8787);
  if (path == NULL || path[0] != '/')
    {
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
                   _("The webhook path of “%s” must start with /"), conduit_node_get_id (node));
      return FALSE;
    }
  if (host == NULL)
    host = g_strdup ("127.0.0.1");

  for (guint i = 0; port != 0 && i < self->routes->len; i++)
    {
      Route *other = g_ptr_array_index (self->routes, i);

      if (other->port == (guint)port && g_str_equal (other->path, path) &&
          g_str_equal (other->host, host))
        {
          g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_PATH_TAKEN,
                       _("The flows “%s” and “%s” both want %s on port %u; give each its own "
                         "path"), conduit_flow_get_name (other->flow), conduit_flow_get_name (flow),
                       path, (guint)port);
          return FALSE;
        }
    }

  listener = ensure_listener (self, host, (guint)port, join_port >= 0, error);
  if (listener == NULL)
    return FALSE;

  route = g_new0 (Route, 1);
  route->server = self;
  route->flow = g_object_ref (flow);
  route->trigger_id = g_strdup (conduit_node_get_id (node));
  route->path = g_steal_pointer (&path);
  route->host = g_steal_pointer (&host);
  route->port = listener->port;
  route->max_body = (gsize)MAX (conduit_node_get_int_setting (node, connector, "max_body_bytes",
                                                              1048576), 1);
  route->signature_header = conduit_node_dup_string_setting (node, connector, "signature_header");
  if (secret != NULL && route->signature_header == NULL)
    route->signature_header = g_strdup ("X-Signature");
  if (secret != NULL)
    {
      route->secret = g_bytes_new (secret, strlen (secret));
      /* A secret of one flow must not be written down by another's run either. */
      conduit_redactor_add_secret (conduit_redactor_get_default (), secret);
    }
  route->ndjson = g_strcmp0 (conduit_node_get_setting_string (node, "batch"), "ndjson") == 0;
  route->tolerance_s = 300;
  route->listener = listener;
  g_ptr_array_add (self->routes, route);

  soup_server_add_early_handler (listener->soup, route->path, handle_headers, route, NULL);
  soup_server_add_handler (listener->soup, route->path, handle_request, route, NULL);
  return TRUE;
}

/**
 * conduit_webhook_server_add_flow:
 * @self: a server
 * @flow: a valid flow with a webhook trigger
 * @trigger_id: (nullable): the webhook trigger, %NULL for the first
 * @secret: (nullable): the HMAC-SHA256 secret, when the trigger checks signatures
 * @error: return location for an error
 *
 * Starts listening for the flow's events at the trigger's address, port and path. Each flow has
 * its own URL: a path already served on that port is refused.
 *
 * Returns: whether the flow is being served
 */
gboolean
conduit_webhook_server_add_flow (ConduitWebhookServer  *self,
                                 ConduitFlow           *flow,
                                 const char            *trigger_id,
                                 const char            *secret,
                                 GError               **error)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);

  return add_flow (self, flow, trigger_id, secret, -1, error);
}

/**
 * conduit_webhook_server_join_flow:
 * @self: a server with shared ports
 * @flow: a valid flow with a webhook trigger
 * @trigger_id: (nullable): the webhook trigger, %NULL for the first
 * @secret: (nullable): the HMAC-SHA256 secret, when the trigger checks signatures
 * @port: the port another server with shared ports already serves the flow on
 * @error: return location for an error
 *
 * Serves @flow on the same port as another server does, typically in another thread: the
 * kernel hands each new connection to one of them. See conduit_webhook_server_set_shared_ports().
 *
 * Returns: whether the flow is being served
 */
gboolean
conduit_webhook_server_join_flow (ConduitWebhookServer  *self,
                                  ConduitFlow           *flow,
                                  const char            *trigger_id,
                                  const char            *secret,
                                  guint                  port,
                                  GError               **error)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);
  g_return_val_if_fail (self->shared_ports, FALSE);
  g_return_val_if_fail (port > 0 && port <= 65535, FALSE);

  return add_flow (self, flow, trigger_id, secret, port, error);
}

/**
 * conduit_webhook_server_set_shared_ports:
 * @self: a server that listens nowhere yet
 * @shared: whether other servers may join its ports
 *
 * A server with shared ports listens with SO_REUSEPORT, so that servers in other threads can
 * serve the same flows on the same ports (conduit_webhook_server_join_flow()). A port another
 * program listens on is still refused.
 */
void
conduit_webhook_server_set_shared_ports (ConduitWebhookServer *self,
                                         gboolean              shared)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (self->listeners->len == 0);

  self->shared_ports = !!shared;
}

/**
 * conduit_webhook_server_get_port:
 * @self: a server
 * @flow: a flow being served
 *
 * Returns: the port the flow's events arrive on, or 0 when it is not served
 */
guint
conduit_webhook_server_get_port (ConduitWebhookServer *self,
                                 ConduitFlow          *flow)
{
  Route *route;

  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), 0);

  route = find_route (self, flow);
  return route != NULL ? route->port : 0;
}

static Route *
find_route (ConduitWebhookServer *self,
            ConduitFlow          *flow)
{
  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);
      if (route->flow == flow)
        return route;
    }
  return NULL;
}

/**
 * conduit_webhook_server_dup_url:
 * @self: a server
 * @flow: a flow being served
 *
 * Returns: (transfer full) (nullable): the URL the flow receives events on
 */
char *
conduit_webhook_server_dup_url (ConduitWebhookServer *self,
                                ConduitFlow          *flow)
{
  Route *route;
  const char *host;

  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), NULL);

  route = find_route (self, flow);
  if (route == NULL)
    return NULL;

  host = g_str_equal (route->host, "0.0.0.0") ? "127.0.0.1" : route->host;
  return g_strdup_printf ("http://%s:%u%s", host, route->port, route->path);
}

/**
 * conduit_webhook_server_dup_curl_command:
 * @self: a server
 * @flow: a flow being served
 *
 * A command a person can paste into a terminal to send the flow's sample event.
 *
 * Returns: (transfer full) (nullable): the command
 */
char *
conduit_webhook_server_dup_curl_command (ConduitWebhookServer *self,
                                         ConduitFlow          *flow)
{
  g_autofree char *url = conduit_webhook_server_dup_url (self, flow);
  g_autofree char *quoted_url = NULL;
  g_autofree char *quoted_body = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) sample = NULL;
  GString *command;
  Route *route;
  ConduitNode *node;

  if (url == NULL)
    return NULL;

  route = find_route (self, flow);
  node = conduit_flow_lookup_node (flow, route->trigger_id);
  sample = node ? conduit_node_get_setting (node, "items") : NULL;
  if (sample != NULL)
    json_node_ref (sample);

  if (sample != NULL && JSON_NODE_HOLDS_ARRAY (sample) &&
      json_array_get_length (json_node_get_array (sample)) == 1)
    body = json_to_string (json_array_get_element (json_node_get_array (sample), 0), FALSE);
  else if (sample != NULL && JSON_NODE_HOLDS_ARRAY (sample) &&
           json_array_get_length (json_node_get_array (sample)) > 1)
    body = json_to_string (sample, FALSE);
  else
    body = g_strdup ("{}");

  quoted_url = g_shell_quote (url);
  quoted_body = g_shell_quote (body);
  command = g_string_new ("curl -i -X POST -H 'Content-Type: application/json'");
  if (route->secret != NULL)
    {
      g_autofree char *header = g_strdup_printf ("%s: sha256=HMAC_SHA256_OF_BODY",
                                                 route->signature_header);
      g_autofree char *quoted_header = g_shell_quote (header);
      g_string_append_printf (command, " -H %s", quoted_header);
    }
  g_string_append_printf (command, " --data %s %s", quoted_body, quoted_url);
  return g_string_free (command, FALSE);
}

/**
 * conduit_webhook_server_get_n_pending:
 * @self: a server
 *
 * Returns: how many events are waiting to be recorded, or for the history to commit them
 */
guint
conduit_webhook_server_get_n_pending (ConduitWebhookServer *self)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), 0);

  return self->n_pending + self->waiting.length;
}

/**
 * conduit_webhook_server_get_n_executing:
 * @self: a server
 *
 * Returns: how many accepted events are being run
 */
guint
conduit_webhook_server_get_n_executing (ConduitWebhookServer *self)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), 0);

  return self->executing->len;
}

/**
 * conduit_webhook_server_get_n_connections:
 * @self: a server
 *
 * Returns: how many connections the server holds open
 */
guint
conduit_webhook_server_get_n_connections (ConduitWebhookServer *self)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), 0);

  return g_hash_table_size (self->connections);
}

/**
 * conduit_webhook_server_set_limits:
 * @self: a server
 * @limits: the timeouts and the connection cap; a timeout of 0 is none
 *
 * Applies to connections accepted from now on.
 */
void
conduit_webhook_server_set_limits (ConduitWebhookServer       *self,
                                   const ConduitWebhookLimits *limits)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (limits != NULL && limits->max_connections > 0);

  self->limits = *limits;
}

/**
 * conduit_webhook_server_get_limits:
 * @self: a server
 * @limits: (out caller-allocates): the server's limits
 */
void
conduit_webhook_server_get_limits (ConduitWebhookServer *self,
                                   ConduitWebhookLimits *limits)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (limits != NULL);

  *limits = self->limits;
}

/**
 * conduit_webhook_server_set_signature_timestamp:
 * @self: a server
 * @flow: a flow being served with a signature secret
 * @scheme: how the signed timestamp comes
 * @tolerance_s: how far from now a timestamp may be, in seconds (Stripe and Slack: 300)
 *
 * Makes the flow's signatures carry a signed timestamp (see #ConduitSignatureTimestamp):
 * events outside the tolerance, and signatures seen before within it, are refused with 401.
 */
void
conduit_webhook_server_set_signature_timestamp (ConduitWebhookServer      *self,
                                                ConduitFlow               *flow,
                                                ConduitSignatureTimestamp  scheme,
                                                guint                      tolerance_s)
{
  Route *route;

  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (tolerance_s > 0);

  route = find_route (self, flow);
  g_return_if_fail (route != NULL && route->secret != NULL);

  route->timestamp = scheme;
  route->tolerance_s = tolerance_s;
}

/**
 * conduit_webhook_server_set_app_trigger:
 * @self: a server
 * @flow: a flow being served
 * @trigger: an app's webhook trigger, from its descriptor
 * @verify_token: (nullable): the token the app's handshake must carry, when it checks one
 *
 * Makes the flow's address answer the app's handshake as @trigger's "challenge" describes:
 * Meta's GET with hub.challenge (only with @verify_token), Slack's url_verification. A
 * handshake answered this way starts no run.
 */
void
conduit_webhook_server_set_app_trigger (ConduitWebhookServer *self,
                                        ConduitFlow          *flow,
                                        JsonObject           *trigger,
                                        const char           *verify_token)
{
  Route *route;

  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (trigger != NULL);

  route = find_route (self, flow);
  g_return_if_fail (route != NULL);

  g_clear_pointer (&route->app_trigger, json_object_unref);
  route->app_trigger = json_object_ref (trigger);
  g_free (route->verify_token);
  route->verify_token = g_strdup (verify_token);
  /* like the signature secret: never written down by any run */
  if (verify_token != NULL && *verify_token != '\0')
    conduit_redactor_add_secret (conduit_redactor_get_default (), verify_token);
}

/**
 * conduit_webhook_server_stop:
 * @self: a server
 *
 * Stops accepting connections. Events already accepted are still answered and run.
 */
void
conduit_webhook_server_stop (ConduitWebhookServer *self)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));

  /* The listening sockets only: connections with events in flight get their answer. */
  for (guint i = 0; i < self->listeners->len; i++)
    conduit_webhook_listener_stop (g_ptr_array_index (self->listeners, i));
}

/**
 * conduit_webhook_server_drain:
 * @self: a server
 *
 * Stops taking events, on every connection: listening stops, idle connections close, and
 * every request from now on is answered 503 with `Connection: close`, as is the answer to one
 * being read. Events already accepted are still recorded and run.
 */
void
conduit_webhook_server_drain (ConduitWebhookServer *self)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));

  self->draining = TRUE;
  conduit_webhook_server_stop (self);
  conduit_webhook_connections_drain (self);
}

/**
 * conduit_webhook_server_interrupt_runs:
 * @self: a server
 *
 * Stops the runs of accepted events that are still going, waits for a retry included: each
 * ends as interrupted, its items that did not finish marked so, for a person to look at.
 */
void
conduit_webhook_server_interrupt_runs (ConduitWebhookServer *self)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));

  for (guint i = 0; i < self->executing->len; i++)
    conduit_run_set_interrupted (g_ptr_array_index (self->executing, i));
  g_cancellable_cancel (self->cancellable);
}

/**
 * conduit_webhook_server_set_metrics:
 * @self: a webhook server
 * @metrics: (nullable): where to count the events waiting and those refused
 *
 * Feeds `serve`'s queue depth gauge. Set it before serving: an event counted in is counted
 * out by the same metrics.
 */
void
conduit_webhook_server_set_metrics (ConduitWebhookServer *self,
                                    ConduitServeMetrics  *metrics)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (metrics == NULL || CONDUIT_IS_SERVE_METRICS (metrics));
  g_return_if_fail (self->waiting.length == 0 && self->n_pending == 0);

  g_set_object (&self->metrics, metrics);
}

/**
 * conduit_webhook_server_set_queue:
 * @self: a webhook server
 * @queue: (nullable): the event stream to publish accepted events to, instead of running them
 *
 * Makes the server a receiver of `serve --queue`: an accepted event is published to @queue
 * with its event id (the sender's `Idempotency-Key` or `X-Event-Id`, else a new one), and
 * answered 202 `{"event_id", "status": "queued"}` once the stream acknowledged it, or 503 when
 * the stream cannot take it. Set it before serving.
 */
void
conduit_webhook_server_set_queue (ConduitWebhookServer *self,
                                  ConduitQueue         *queue)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));
  g_return_if_fail (queue == NULL || CONDUIT_IS_QUEUE (queue));

  g_set_object (&self->queue, queue);
}

/**
 * conduit_webhook_server_set_test_mode:
 * @self: a webhook server
 * @test_mode: whether events are only shown
 *
 * In test mode every event that passes the checks of a served flow (path, method, signature,
 * body, media type) is answered 202 and emitted as #ConduitWebhookServer::test-event: no run
 * starts and the history is not written. The app's "Listen for a Test Event" serves a flow so,
 * on the address the flow is served on later.
 */
void
conduit_webhook_server_set_test_mode (ConduitWebhookServer *self,
                                      gboolean              test_mode)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));

  self->test_mode = !!test_mode;
}

/**
 * conduit_webhook_server_get_test_mode:
 * @self: a webhook server
 *
 * Returns: whether events are only shown, never run
 */
gboolean
conduit_webhook_server_get_test_mode (ConduitWebhookServer *self)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), FALSE);

  return self->test_mode;
}
