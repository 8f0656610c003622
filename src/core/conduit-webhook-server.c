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
#include <errno.h>
#include <sys/socket.h>

#include "conduit-executor.h"
#include "conduit-json-text.h"
#include "conduit-webhook-server.h"

/* Receives webhook events for flows: one SoupServer per address and port, one path per flow.
 *
 * The answer to the sender is the promise: 202 Accepted goes out only after the event (the
 * run and its items) is committed to the history, so an accepted event survives the process
 * dying a moment later, and shows as an interrupted run at the next start. If the history
 * cannot take it, the sender gets 503 and can send it again. Bad requests get 400 (not JSON or
 * form data), 401 (signature missing or wrong), 405 (not POST/PUT/PATCH) or 413 (too big);
 * none of them starts a run. Request headers are never written anywhere, so a signature cannot
 * leak into the history.
 */

/* Past this many events being recorded or run at once, new events wait (their requests stay
 * paused) until a run ends: senders slow down instead of the backlog growing without bound. */
#define MAX_IN_FLIGHT 64
#define MAX_JSON_DEPTH 256

G_DEFINE_QUARK (conduit-webhook-server-error-quark, conduit_webhook_server_error)

typedef struct
{
  ConduitWebhookServer *server;     /* unowned */
  ConduitFlow          *flow;
  char                 *trigger_id;
  char                 *path;
  char                 *host;
  guint                 port;
  gsize                 max_body;
  char                 *signature_header;
  GBytes               *secret;
  SoupServer           *soup;       /* unowned; in server->listeners */
} Route;

typedef struct
{
  char       *key;                  /* "host:port" as asked for */
  SoupServer *soup;
  guint       port;                 /* as bound */
} Listener;

struct _ConduitWebhookServer
{
  GObject        parent_instance;

  ConduitRunner *runner;
  GPtrArray     *listeners;         /* of Listener */
  GPtrArray     *routes;            /* of Route */
  GCancellable  *cancellable;
  GQueue         waiting;           /* of Pending, not yet recorded */
  guint          n_pending;         /* being recorded */
  guint          n_running;         /* recorded and executing */
  gboolean       shared_ports;      /* other servers may listen on our ports (SO_REUSEPORT) */
};

G_DEFINE_FINAL_TYPE (ConduitWebhookServer, conduit_webhook_server, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_clear_object (&route->flow);
  g_free (route->trigger_id);
  g_free (route->path);
  g_free (route->host);
  g_free (route->signature_header);
  g_clear_pointer (&route->secret, g_bytes_unref);
  g_free (route);
}

static void
listener_free (Listener *listener)
{
  soup_server_disconnect (listener->soup);
  g_clear_object (&listener->soup);
  g_free (listener->key);
  g_free (listener);
}

typedef struct
{
  ConduitWebhookServer *server;
  SoupServerMessage    *msg;
  ConduitRun           *run;
} Pending;

static void pending_free (Pending *pending);

static void
conduit_webhook_server_dispose (GObject *object)
{
  ConduitWebhookServer *self = (ConduitWebhookServer *)object;

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->waiting, (GDestroyNotify)pending_free);

  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_object (&self->runner);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (conduit_webhook_server_parent_class)->dispose (object);
}

static void
conduit_webhook_server_class_init (ConduitWebhookServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_webhook_server_dispose;
}

static void
conduit_webhook_server_init (ConduitWebhookServer *self)
{
  self->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify)listener_free);
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify)route_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * conduit_webhook_server_new:
 * @runner: the runner that runs the flows
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

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *message,
         gint64             run_id)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *text;

  /* The answer to every accepted event: no need for a JSON builder. */
  if (status == SOUP_STATUS_ACCEPTED && run_id > 0 && g_strcmp0 (message, "accepted") == 0)
    {
      text = g_strdup_printf ("{\"run_id\":%" G_GINT64_FORMAT ",\"status\":\"accepted\"}", run_id);
      soup_server_message_set_status (msg, status, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text,
                                        strlen (text));
      return;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  if (run_id > 0)
    {
      json_builder_set_member_name (builder, "run_id");
      json_builder_add_int_value (builder, run_id);
    }
  if (message != NULL)
    {
      json_builder_set_member_name (builder, status < 300 ? "status" : "error");
      json_builder_add_string_value (builder, message);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

static gboolean
signature_matches (Route      *route,
                   const char *header,
                   GBytes     *body)
{
  g_autofree char *expected = NULL;
  gsize key_length = 0;
  const guchar *key = g_bytes_get_data (route->secret, &key_length);
  gsize body_length = 0;
  const guchar *data = g_bytes_get_data (body, &body_length);
  guint difference = 0;
  gsize length;

  if (header == NULL)
    return FALSE;

  while (g_ascii_isspace (*header))
    header++;
  if (g_ascii_strncasecmp (header, "sha256=", 7) == 0)
    header += 7;

  expected = g_compute_hmac_for_data (G_CHECKSUM_SHA256, key, key_length,
                                      data != NULL ? data : (const guchar *)"", body_length);
  length = strlen (expected);
  if (strlen (header) < length)
    return FALSE;
  for (gsize i = 0; i < strlen (header); i++)
    if (!g_ascii_isspace (header[i]) && i >= length)
      return FALSE;

  /* Constant time, so the answer's timing does not tell how much of a guess was right. */
  for (gsize i = 0; i < length; i++)
    difference |= (guint)(g_ascii_tolower (header[i]) ^ expected[i]);
  return difference == 0;
}

/* One form field's name or value: '+' is a space, %XX a byte. NULL when an escape is broken,
 * stands for NUL, or the text is not UTF-8 once decoded. */
static char *
decode_form_text (const char *start,
                  const char *end)
{
  g_autofree char *plus = g_strndup (start, end - start);
  char *decoded;

  g_strdelimit (plus, "+", ' ');
  decoded = g_uri_unescape_string (plus, NULL);
  if (decoded != NULL && !g_utf8_validate (decoded, -1, NULL))
    g_clear_pointer (&decoded, g_free);
  return decoded;
}

/* Form data as one object of strings. Not soup_form_decode(): it skips a field with a broken
 * escape and keeps only the last of fields sharing a name, silently. Here a broken field
 * refuses the event, naming it, and repeated names (checkboxes) become an array of values. */
static JsonObject *
parse_form (const char  *data,
            gsize        length,
            char       **problem)
{
  g_autoptr(JsonObject) object = json_object_new ();
  const char *end, *pair;
  guint position = 0;

  /* An empty body (a form with no fields) has no data at all. */
  if (length == 0)
    return g_steal_pointer (&object);
  end = data + length;
  pair = data;

  if (!g_utf8_validate (data, (gssize)length, NULL))
    {
      *problem = g_strdup (_("the form data is not UTF-8 text"));
      return NULL;
    }

  while (pair < end)
    {
      const char *pair_end = memchr (pair, '&', end - pair);
      const char *equals;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      JsonNode *existing;

      if (pair_end == NULL)
        pair_end = end;
      position++;
      if (pair_end == pair)
        {
          pair = pair_end + 1;
          continue;
        }

      equals = memchr (pair, '=', pair_end - pair);
      name = decode_form_text (pair, equals != NULL ? equals : pair_end);
      value = equals != NULL ? decode_form_text (equals + 1, pair_end) : g_strdup ("");
      if (name == NULL || value == NULL)
        {
          *problem = g_strdup_printf (_("form field %u has a broken escape, a NUL character or "
                                        "text that is not UTF-8"), position);
          return NULL;
        }

      existing = json_object_get_member (object, name);
      if (existing == NULL)
        json_object_set_string_member (object, name, value);
      else if (JSON_NODE_HOLDS_ARRAY (existing))
        json_array_add_string_element (json_node_get_array (existing), value);
      else
        {
          JsonArray *values = json_array_new ();

          json_array_add_string_element (values, json_node_get_string (existing));
          json_array_add_string_element (values, value);
          json_object_set_array_member (object, name, values);
        }

      pair = pair_end + 1;
    }

  return g_steal_pointer (&object);
}

/**
 * conduit_webhook_server_parse_event:
 * @content_type: (nullable): the request's media type, without parameters
 * @body: the request's body
 * @problem: (out) (transfer full): why the body is refused, when it is
 *
 * Turns a webhook request's body into the items of a run: form data becomes one object of
 * strings (a name given more than once, an array of them); JSON must be an object or an array
 * of objects. Refused: text that is not UTF-8,
 * JSON nested deeper than 256 levels or with numbers JSON cannot keep exactly, anything else
 * that is not JSON. The server answers 400 with @problem.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items, never empty, or
 *   %NULL with @problem set
 */
GPtrArray *
conduit_webhook_server_parse_event (const char  *content_type,
                                    GBytes      *body,
                                    char       **problem)
{
  g_autoptr(GPtrArray) items = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (body, &length);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bad_pointer = NULL;
  guint line = 0;
  JsonNode *root;

  g_return_val_if_fail (body != NULL, NULL);
  g_return_val_if_fail (problem != NULL, NULL);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") == 0)
    {
      JsonObject *object = parse_form (data, length, problem);

      if (object == NULL)
        return NULL;
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
      return g_steal_pointer (&items);
    }

  /* json-glib parses recursively: a body of a million '[' would overflow the stack. */
  if (!conduit_json_text_check_depth (data, length, MAX_JSON_DEPTH, &line))
    {
      *problem = g_strdup_printf (_("the JSON nests more than %u levels deep (line %u)"),
                                  MAX_JSON_DEPTH, line);
      return NULL;
    }

  /* json-glib would read 1e400 as infinity and 2^64 as -1: the value would change silently. */
  if (!conduit_json_text_check_numbers (data, length, &line, &token))
    {
      *problem = g_strdup_printf (_("the number %.40s on line %u is too large to be kept exactly"),
                                  token, line);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (length == 0 || !json_parser_load_from_data (parser, data, (gssize)length, &error))
    {
      /* json-glib quotes the offending bytes, which need not be UTF-8: the answer must be. */
      g_autofree char *why = error != NULL ? g_utf8_make_valid (error->message, -1) : NULL;

      *problem = g_strdup_printf (_("the body is not JSON or form data: %s"),
                                  why != NULL ? why : _("it is empty"));
      return NULL;
    }

  /* json-glib takes a body of only spaces as valid JSON with no root. */
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      *problem = g_strdup (_("the body is not JSON or form data: it holds only spaces"));
      return NULL;
    }
  bad_pointer = conduit_json_node_find_invalid_utf8 (root);
  if (bad_pointer != NULL)
    {
      if (bad_pointer[0] == '\0')
        *problem = g_strdup (_("the body's text is not UTF-8 (a broken \\u escape?)"));
      else
        *problem = g_strdup_printf (_("the text at “%s” is not UTF-8 (a broken \\u escape?)"),
                                    bad_pointer);
      return NULL;
    }

  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      g_ptr_array_add (items, json_node_ref (root));
      return g_steal_pointer (&items);
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              *problem = g_strdup_printf (_("entry %u of the JSON array is not an object"), i + 1);
              return NULL;
            }
          g_ptr_array_add (items, json_node_ref (element));
        }
      if (items->len > 0)
        return g_steal_pointer (&items);
    }

  *problem = g_strdup (_("the JSON must be an object, or an array of objects"));
  return NULL;
}

static void
pending_free (Pending *pending)
{
  g_clear_object (&pending->msg);
  g_clear_object (&pending->run);
  g_free (pending);
}

static void start_recording (ConduitWebhookServer *self,
                             Pending              *pending);

static void
admit_waiting (ConduitWebhookServer *self)
{
  while (self->waiting.length > 0 && self->n_pending + self->n_running < MAX_IN_FLIGHT)
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

  self->n_running--;
  admit_waiting (self);
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
      respond (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
               _("the event could not be saved; send it again later"), 0);
      soup_server_message_unpause (msg);
      pending_free (pending);
      admit_waiting (self);
      return;
    }

  respond (msg, SOUP_STATUS_ACCEPTED, "accepted", conduit_run_get_id (run));
  soup_server_message_unpause (msg);

  self->n_running++;
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
  SoupMessageBody *request_body;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  Pending *pending;

  if (soup_server_message_get_status (msg) == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return;

  if (!g_str_equal (path, route->path))
    {
      respond (msg, SOUP_STATUS_NOT_FOUND, _("no flow listens on this path"), 0);
      return;
    }

  if (method != SOUP_METHOD_POST && method != SOUP_METHOD_PUT &&
      g_strcmp0 (method, "PATCH") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "POST, PUT, PATCH");
      respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("send events with POST"), 0);
      return;
    }

  request_body = soup_server_message_get_request_body (msg);
  body = soup_message_body_flatten (request_body);
  if (g_bytes_get_size (body) > route->max_body)
    {
      respond (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("the event is too large"), 0);
      return;
    }

  if (route->secret != NULL &&
      !signature_matches (route,
                          soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                        route->signature_header),
                          body))
    {
      respond (msg, SOUP_STATUS_UNAUTHORIZED, _("the signature is missing or does not match"), 0);
      return;
    }

  items = conduit_webhook_server_parse_event (
    soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL),
    body, &problem);
  if (items == NULL)
    {
      respond (msg, SOUP_STATUS_BAD_REQUEST, problem, 0);
      return;
    }

  run = conduit_runner_create_run (self->runner, route->flow, route->trigger_id, "webhook", items,
                                   &error);
  if (run == NULL)
    {
      respond (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, error->message, 0);
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->server = self;
  pending->msg = g_object_ref (msg);
  pending->run = g_steal_pointer (&run);
  soup_server_message_pause (msg);

  if (self->n_pending + self->n_running < MAX_IN_FLIGHT)
    start_recording (self, pending);
  else
    g_queue_push_tail (&self->waiting, pending);
}

/* Called once the request's headers are in, before its body is read: a body we would refuse
 * anyway is refused before it is read. */
static void
handle_headers (SoupServer        *soup,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Route *route = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  goffset length = soup_message_headers_get_content_length (headers);

  if (!g_str_equal (path, route->path))
    return;
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      length > (goffset)route->max_body)
    respond (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("the event is too large"), 0);
}

/* Listens with SO_REUSEPORT, so that the servers of several worker threads can share one port
 * and the kernel spreads the connections over them. A port someone else already listens on is
 * refused first, by a plain bind: SO_REUSEPORT alone would share it with a stranger. */
static gboolean
listen_shared (SoupServer      *soup,
               GSocketAddress  *address,
               gboolean         joining,
               GError         **error)
{
  g_autoptr(GSocket) socket = NULL;
  GSocketFamily family = g_socket_address_get_family (address);
  struct sockaddr_storage native;
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  /* The first server of a port makes sure nobody listens there yet; the servers that join it
   * later would fail that test against the first. */
  if (port != 0 && !joining)
    {
      g_autoptr(GSocket) probe = g_socket_new (family, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, error);

      if (probe == NULL || !g_socket_bind (probe, address, TRUE, error))
        return FALSE;
      g_socket_close (probe, NULL);
    }

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
      !g_socket_address_to_native (address, &native, sizeof native, error))
    return FALSE;

  /* Not g_socket_bind(): it turns SO_REUSEPORT off again for TCP. */
  if (bind (g_socket_get_fd (socket), (struct sockaddr *)&native,
            g_socket_address_get_native_size (address)) != 0)
    {
      int saved = errno;
      g_autofree char *text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Error binding to address %s: %s"), text, g_strerror (saved));
      return FALSE;
    }

  if (!g_socket_listen (socket, error))
    return FALSE;

  return soup_server_listen_socket (soup, socket, 0, error);
}

static Listener *
ensure_listener (ConduitWebhookServer  *self,
                 const char            *host,
                 guint                  port,
                 gboolean               joining,
                 GError               **error)
{
  g_autofree char *key = g_strdup_printf ("%s:%u", host, port);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *sockets;
  Listener *listener;
  gboolean ok;

  /* Port 0 means "any free port": every such flow gets its own. */
  for (guint i = 0; port != 0 && i < self->listeners->len; i++)
    {
      listener = g_ptr_array_index (self->listeners, i);
      if (g_str_equal (listener->key, key))
        return listener;
    }

  listener = g_new0 (Listener, 1);
  listener->key = g_steal_pointer (&key);
  listener->soup = soup_server_new ("server-header", "Conduit ", NULL);

  if (g_str_equal (host, "0.0.0.0"))
    address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
                   _("“%s” is not an address to listen on"), host);
      listener_free (listener);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (address, port);

  if (self->shared_ports)
    ok = listen_shared (listener->soup, socket_address, joining, &local_error);
  else
    ok = soup_server_listen (listener->soup, socket_address, 0, &local_error);

  if (!ok)
    {
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
                   _("Cannot listen for webhooks on %s port %u: %s"), host, port,
                   local_error->message);
      listener_free (listener);
      return NULL;
    }

  /* Not soup_server_get_uris(): libsoup 3.2 leaks a socket address in it. */
  listener->port = port;
  sockets = soup_server_get_listeners (listener->soup);
  if (sockets != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (sockets->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        listener->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (sockets);
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
    route->secret = g_bytes_new (secret, strlen (secret));
  route->soup = listener->soup;
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
 * conduit_webhook_server_stop:
 * @self: a server
 *
 * Stops accepting connections. Events already accepted are still answered and run.
 */
void
conduit_webhook_server_stop (ConduitWebhookServer *self)
{
  g_return_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self));

  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);
      GSList *listeners = soup_server_get_listeners (listener->soup);

      /* Close the listening sockets only: connections with events in flight get their answer. */
      for (GSList *l = listeners; l != NULL; l = l->next)
        g_socket_close (l->data, NULL);
      g_slist_free (listeners);
    }
}
