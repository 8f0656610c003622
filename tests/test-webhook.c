/* test-webhook.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "conduit.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* The webhook trigger: what it accepts, what it refuses, and that an accepted event is in the
 * history before the sender hears 202. */

#define SECRET "whsec-test-0123456789"

typedef struct
{
  RunnerFixture         base;
  FaultServer          *sink;
  ConduitWebhookServer *server;
  ConduitFlow          *flow;
  SoupSession          *client;
  char                 *url;
  guint                 port;
  guint                 finished;
} Fixture;

static void
run_finished_cb (ConduitRunner *runner,
                 ConduitRun    *run,
                 Fixture       *fixture)
{
  fixture->finished++;
}

static ConduitFlow *
webhook_flow_full (Fixture    *fixture,
                   guint       port,
                   const char *path,
                   guint       max_body,
                   const char *extra)
{
  g_autofree char *sink = fault_server_url (fixture->sink, "/orders");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Orders in\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"%s\", \"port\": %u, \"max_body_bytes\": %u,"
    "                  \"items\": [ { \"order_id\": \"A-1\", \"total\": 12.5 } ] %s } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    path, port, max_body, extra ? extra : "", sink);

  return runner_test_flow (json);
}

static ConduitFlow *
webhook_flow (Fixture    *fixture,
              guint       port,
              const char *extra)
{
  return webhook_flow_full (fixture, port, "/hooks/orders", 1024, extra);
}

static void
set_up_full (Fixture    *fixture,
             guint       max_body,
             const char *extra,
             const char *secret)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;

  runner_fixture_set_up (&fixture->base, NULL);
  fixture->sink = fault_server_new ();
  fixture->server = conduit_webhook_server_new (fixture->base.runner);
  fixture->flow = webhook_flow_full (fixture, 0, "/hooks/orders", max_body, extra);
  conduit_webhook_server_add_flow (fixture->server, fixture->flow, NULL, secret, &error);
  g_assert_no_error (error);
  fixture->url = conduit_webhook_server_dup_url (fixture->server, fixture->flow);
  uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  fixture->port = (guint)g_uri_get_port (uri);
  fixture->client = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->client, NULL);
  g_signal_connect (fixture->base.runner, "run-finished", G_CALLBACK (run_finished_cb), fixture);
}

static void
set_up_with (Fixture    *fixture,
             const char *extra,
             const char *secret)
{
  set_up_full (fixture, 1024, extra, secret);
}

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  set_up_with (fixture, NULL, NULL);
}

static void
set_up_signed (Fixture       *fixture,
               gconstpointer  data)
{
  set_up_with (fixture, ", \"signature_header\": \"X-Hub-Signature-256\"", SECRET);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->base.runner, fixture);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->flow);
  g_clear_pointer (&fixture->sink, fault_server_free);
  g_free (fixture->url);
  runner_fixture_tear_down (&fixture->base, NULL);
}

typedef struct
{
  guint   status;
  GBytes *body;
  gboolean done;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->done = TRUE;
}

/* Sends one request to @url; @headers: names and values, in turn. With content_type NULL the
 * request has no Content-Type at all. */
static guint
post_full (Fixture            *fixture,
           const char         *url,
           const char         *method,
           const char         *content_type,
           const char         *body,
           const char * const *headers,
           gint64             *run_id,
           char              **answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { 0 };

  if (g_strcmp0 (method, "GET") != 0)
    soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i],
                                  headers[i + 1]);
  soup_session_send_and_read_async (fixture->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &reply);
  while (!reply.done)
    g_main_context_iteration (NULL, TRUE);

  if (run_id != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      *run_id = 0;
      if (reply.status == 202 &&
          json_parser_load_from_data (parser, g_bytes_get_data (reply.body, NULL),
                                      (gssize)g_bytes_get_size (reply.body), NULL))
        *run_id = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                              "run_id");
    }
  if (answer != NULL)
    *answer = g_strndup (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body));
  g_bytes_unref (reply.body);
  return reply.status;
}

static guint
post (Fixture     *fixture,
      const char  *method,
      const char  *content_type,
      const char  *body,
      const char  *signature,
      gint64      *run_id)
{
  const char *headers[] = { "X-Hub-Signature-256", signature, NULL };

  return post_full (fixture, fixture->url, method, content_type, body,
                    signature != NULL ? headers : NULL, run_id, NULL);
}

static void
wait_for_runs (Fixture *fixture,
               guint    n)
{
  while (fixture->finished < n)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
}

static guint
n_runs (Fixture *fixture)
{
  return conduit_history_store_count_runs (fixture->base.history, NULL, NULL);
}

static void
test_accepted (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *created;
  gint64 id;

  g_assert_true (g_str_has_prefix (fixture->url, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fixture->url, "/hooks/orders"));

  g_assert_cmpuint (post (fixture, "POST", "application/json",
                          "{\"order_id\": \"B-7\", \"total\": 99}", NULL, &id), ==, 202);
  g_assert_cmpint (id, >, 0);

  /* The event was committed before the answer: it is in the history now. */
  run = conduit_history_store_get_run (fixture->base.history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->trigger_kind, ==, "webhook");
  g_assert_cmpuint (run->items_in, ==, 1);
  items = conduit_history_store_list_items (fixture->base.history, id, "hook", &error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_nonnull (strstr (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, "B-7"));

  wait_for_runs (fixture, 1);
  g_clear_pointer (&run, conduit_run_record_free);
  run = conduit_history_store_get_run (fixture->base.history, id, &error);
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_created (fixture->sink), ==, 1);
  created = g_ptr_array_index (fault_server_created (fixture->sink), 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (created), "order_id"), ==,
                   "B-7");
}

static void
test_form_and_array (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  gint64 id;

  g_assert_cmpuint (post (fixture, "POST", "application/x-www-form-urlencoded",
                          "order_id=C-3&note=gift+wrap%21", NULL, &id), ==, 202);
  g_assert_cmpuint (post (fixture, "PUT", "application/json",
                          "[{\"order_id\": \"D-1\"}, {\"order_id\": \"D-2\"}]", NULL, &id), ==, 202);
  wait_for_runs (fixture, 2);

  run = conduit_history_store_get_run (fixture->base.history, id, NULL);
  g_assert_cmpuint (run->items_in, ==, 2);
  g_assert_cmpuint (fault_server_n_created (fixture->sink), ==, 3);
  {
    JsonObject *form = json_node_get_object (g_ptr_array_index (fault_server_created (fixture->sink), 0));
    g_assert_cmpstr (json_object_get_string_member (form, "note"), ==, "gift wrap!");
  }
}

static GPtrArray *
parse (const char  *content_type,
       const char  *body,
       char       **problem)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

  return conduit_webhook_server_parse_event (content_type, bytes, problem);
}

/* The depth limit at its edge: 256 open brackets are left to the parser (which refuses the
 * unclosed text for what it is), 257 refused as too deep, whether the body is as long as its
 * brackets (the depth scan is skipped for a body no longer than the limit) or padded. */
static void
test_parse_depth_edge (void)
{
  for (guint pad = 0; pad <= 1; pad++)
    for (guint depth = 255; depth <= 257; depth++)
      {
        g_autoptr(GString) body = g_string_new (NULL);
        g_autoptr(GPtrArray) items = NULL;
        g_autofree char *problem = NULL;

        for (guint i = 0; i < depth; i++)
          g_string_append_c (body, '[');
        if (pad)
          g_string_append (body, "          ");
        items = parse ("application/json", body->str, &problem);
        g_assert_null (items);
        g_assert_nonnull (problem);
        g_assert_cmpint (strstr (problem, "nests more than 256 levels deep") != NULL, ==,
                         depth > 256);
      }
}

/* Form data loses nothing: repeated names keep every value, a field that cannot be decoded
 * refuses the event (naming it) instead of vanishing; odd bodies get a reason, not a critical. */
static void
test_parse_event (void)
{
  static const char *form = "application/x-www-form-urlencoded";
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *problem = NULL;
  JsonObject *object;
  JsonArray *tags;

  items = parse (form, "name=Ada+L%C3%B6we&tag=a&tag=b&tag=c&flag&&=empty-name", &problem);
  g_assert_null (problem);
  g_assert_cmpuint (items->len, ==, 1);
  object = json_node_get_object (g_ptr_array_index (items, 0));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Ada Löwe");
  tags = json_object_get_array_member (object, "tag");
  g_assert_cmpuint (json_array_get_length (tags), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (tags, 2), ==, "c");
  g_assert_cmpstr (json_object_get_string_member (object, "flag"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (object, ""), ==, "empty-name");
  g_clear_pointer (&items, g_ptr_array_unref);

  items = parse (form, "", &problem);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (g_ptr_array_index (items, 0))), ==, 0);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* A broken escape, a NUL, bytes that are not UTF-8 once decoded: refused, naming the field. */
  items = parse (form, "a=1&b=%zz&c=3", &problem);
  g_assert_null (items);
  g_assert_nonnull (strstr (problem, "form field 2"));
  g_clear_pointer (&problem, g_free);
  items = parse (form, "a=1&b=x%00y", &problem);
  g_assert_null (items);
  g_assert_nonnull (strstr (problem, "form field 2"));
  g_clear_pointer (&problem, g_free);
  items = parse (form, "a=%FF", &problem);
  g_assert_null (items);
  g_assert_nonnull (strstr (problem, "form field 1"));
  g_clear_pointer (&problem, g_free);

  /* A body of only spaces is no JSON (json-glib says it is, with no root). */
  items = parse ("application/json", " \t\n", &problem);
  g_assert_null (items);
  g_assert_nonnull (strstr (problem, "only spaces"));
  g_clear_pointer (&problem, g_free);

  /* Text that is not UTF-8 once read: from a lone surrogate escape, or from the bytes
   * themselves (the tree is searched only for these: other text is UTF-8 already). */
  items = parse ("application/json", "{\"a\": \"fine\", \"b\": {\"c\": \"x\\ud800y\"}}",
                 &problem);
  g_assert_null (items);
  g_assert_nonnull (strstr (problem, "not UTF-8"));
  g_clear_pointer (&problem, g_free);
  items = parse ("application/json", "{\"a\": \"\377\"}", &problem);
  g_assert_null (items);
  g_assert_true (g_utf8_validate (problem, -1, NULL));
  g_clear_pointer (&problem, g_free);
  items = parse ("application/json", "{\"a\": \"\\u00e9t\\u00e9 \\ud83d\\ude00\"}", &problem);
  g_assert_null (problem);
  object = json_node_get_object (g_ptr_array_index (items, 0));
  g_assert_cmpstr (json_object_get_string_member (object, "a"), ==, "\u00e9t\u00e9 \U0001F600");
  g_clear_pointer (&items, g_ptr_array_unref);

  /* json-glib quotes bad bytes in its message; the reason must still be UTF-8. */
  items = parse (NULL, "{\"x\":\"\300e\":", &problem);
  g_assert_null (items);
  g_assert_true (g_utf8_validate (problem, -1, NULL));
}

static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  GString *big = g_string_new ("{\"blob\": \"");

  g_assert_cmpuint (post (fixture, "POST", "application/json", "{\"order_id\": ", NULL, NULL), ==, 400);
  g_assert_cmpuint (post (fixture, "POST", "text/plain", "hello", NULL, NULL), ==, 415);
  g_assert_cmpuint (post (fixture, "POST", "application/json", "", NULL, NULL), ==, 400);
  g_assert_cmpuint (post (fixture, "POST", "application/json", "[1, 2]", NULL, NULL), ==, 400);
  g_assert_cmpuint (post (fixture, "POST", "application/json", "\"text\"", NULL, NULL), ==, 400);
  g_assert_cmpuint (post (fixture, "GET", NULL, "", NULL, NULL), ==, 405);

  for (guint i = 0; i < 2000; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  g_assert_cmpuint (post (fixture, "POST", "application/json", big->str, NULL, NULL), ==, 413);
  g_string_free (big, TRUE);

  /* None of them started a run. */
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);
  g_assert_cmpuint (fault_server_n_created (fixture->sink), ==, 0);
}

static void
test_signature (Fixture       *fixture,
                gconstpointer  data)
{
  const char *body = "{\"order_id\": \"S-1\"}";
  g_autofree char *hmac = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *)SECRET,
                                                     strlen (SECRET), body, -1);
  g_autofree char *good = g_strdup_printf ("sha256=%s", hmac);
  g_autofree char *upper = g_ascii_strup (hmac, -1);
  g_autofree char *wrong = g_strdup (good);

  wrong[strlen (wrong) - 1] = wrong[strlen (wrong) - 1] == '0' ? '1' : '0';

  g_assert_cmpuint (post (fixture, "POST", "application/json", body, NULL, NULL), ==, 401);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, wrong, NULL), ==, 401);
  g_assert_cmpuint (post (fixture, "POST", "application/json", "{\"order_id\": \"S-2\"}", good, NULL),
                    ==, 401);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, "sha256=", NULL), ==, 401);
  g_assert_cmpuint (n_runs (fixture), ==, 0);

  g_assert_cmpuint (post (fixture, "POST", "application/json", body, good, NULL), ==, 202);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, upper, NULL), ==, 202);
  wait_for_runs (fixture, 2);
  g_assert_cmpuint (n_runs (fixture), ==, 2);

  /* The signature is nowhere in the history. */
  {
    ConduitHistoryQuery query = { .status = -1, .text = hmac };

    g_assert_cmpuint (conduit_history_store_count_runs (fixture->base.history, &query, NULL), ==, 0);
    query.text = SECRET;
    g_assert_cmpuint (conduit_history_store_count_runs (fixture->base.history, &query, NULL), ==, 0);
  }
}

static void
test_curl_and_unique_url (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *curl = conduit_webhook_server_dup_curl_command (fixture->server, fixture->flow);
  g_autoptr(GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(ConduitFlow) twin = webhook_flow (fixture, (guint)g_uri_get_port (uri), NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (strstr (curl, fixture->url));
  g_assert_nonnull (strstr (curl, "A-1"));
  g_assert_true (g_str_has_prefix (curl, "curl "));

  /* A second flow that wants the same URL is refused, naming both. */
  g_assert_false (conduit_webhook_server_add_flow (fixture->server, twin, NULL, NULL, &error));
  g_assert_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_PATH_TAKEN);
}

static void
test_burst_all_recorded (Fixture       *fixture,
                         gconstpointer  data)
{
  Reply replies[64] = { { 0 } };
  SoupMessage *messages[64];
  guint done;

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"order_id\": \"burst-%u\"}", i);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      messages[i] = soup_message_new ("POST", fixture->url);
      soup_message_set_request_body_from_bytes (messages[i], "application/json", bytes);
      soup_session_send_and_read_async (fixture->client, messages[i], G_PRIORITY_DEFAULT, NULL,
                                        sent_cb, &replies[i]);
    }
  do
    {
      g_main_context_iteration (NULL, TRUE);
      for (done = 0; done < G_N_ELEMENTS (replies) && replies[done].done; done++)
        ;
    }
  while (done < G_N_ELEMENTS (replies));

  for (guint i = 0; i < G_N_ELEMENTS (replies); i++)
    {
      g_assert_cmpuint (replies[i].status, ==, 202);
      g_bytes_unref (replies[i].body);
      g_object_unref (messages[i]);
    }
  wait_for_runs (fixture, G_N_ELEMENTS (replies));
  g_assert_cmpuint (n_runs (fixture), ==, G_N_ELEMENTS (replies));
  g_assert_cmpuint (fault_server_n_created (fixture->sink), ==, G_N_ELEMENTS (replies));
}

/* A client that writes raw bytes: what a well-behaved HTTP library would never send. It runs in
 * a thread of its own, so that the server can answer on this one. */
typedef struct
{
  guint    port;
  char    *request;          /* sent as is */
  gsize    pause_after;      /* bytes of @request after which to wait for @go; 0: never */
  gsize    chunked_bytes;    /* then a chunked body of this many bytes */
  gboolean half_close;       /* then end the sending side */
  gint     paused;
  gint     go;
  GString *response;
  gboolean closed;           /* the server closed the connection (not our own timeout) */
  gint64   elapsed_us;
  gint     done;
} Raw;

static void
raw_send (GSocket    *socket,
          const char *data,
          gsize       length)
{
  while (length > 0)
    {
      gssize sent = g_socket_send (socket, data, length, NULL, NULL);

      /* The server may refuse and close before everything is sent: the answer tells. */
      if (sent <= 0)
        return;
      data += sent;
      length -= (gsize)sent;
    }
}

static gpointer
raw_thread (gpointer data)
{
  Raw *raw = data;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, raw->port);
  gint64 start = g_get_monotonic_time ();
  gsize length = strlen (raw->request);
  char buffer[4096];

  g_socket_set_timeout (socket, 20);
  raw->response = g_string_new (NULL);
  if (g_socket_connect (socket, address, NULL, NULL))
    {
      gsize first = raw->pause_after > 0 ? MIN (raw->pause_after, length) : length;

      raw_send (socket, raw->request, first);
      if (raw->pause_after > 0)
        {
          g_atomic_int_set (&raw->paused, TRUE);
          g_main_context_wakeup (NULL);
          for (guint i = 0; i < 2000 && !g_atomic_int_get (&raw->go); i++)
            g_usleep (5000);
          raw_send (socket, raw->request + first, length - first);
        }
      if (raw->chunked_bytes > 0)
        {
          g_autofree char *chunk = g_malloc (65536 + 16);
          gsize left = raw->chunked_bytes;

          while (left > 0)
            {
              gsize size = MIN (left, 65536);
              int head = g_snprintf (chunk, 16, "%" G_GSIZE_MODIFIER "x\r\n", size);

              memset (chunk + head, 'x', size);
              memcpy (chunk + head + size, "\r\n", 2);
              raw_send (socket, chunk, head + size + 2);
              left -= size;
            }
          raw_send (socket, "0\r\n\r\n", 5);
        }
      if (raw->half_close)
        g_socket_shutdown (socket, FALSE, TRUE, NULL);
      for (;;)
        {
          g_autoptr(GError) error = NULL;
          gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);

          if (n > 0)
            {
              g_string_append_len (raw->response, buffer, n);
              continue;
            }
          raw->closed = n == 0 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                        g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
          break;
        }
    }
  raw->elapsed_us = g_get_monotonic_time () - start;
  g_atomic_int_set (&raw->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static GThread *
raw_start (Raw        *raw,
           guint       port,
           const char *request)
{
  raw->port = port;
  raw->request = g_strdup (request);
  return g_thread_new ("raw-client", raw_thread, raw);
}

static void
raw_finish (Raw     *raw,
            GThread *thread)
{
  while (!g_atomic_int_get (&raw->done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
}

static void
raw_clear (Raw *raw)
{
  g_free (raw->request);
  if (raw->response != NULL)
    g_string_free (raw->response, TRUE);
}

/* Sends @request and returns the answer's status, 0 for none. */
static guint
raw_request (Fixture     *fixture,
             const char  *request,
             char       **answer)
{
  Raw raw = { 0 };
  GThread *thread = raw_start (&raw, fixture->port, request);
  guint status = 0;

  raw_finish (&raw, thread);
  sscanf (raw.response->str, "HTTP/1.1 %u", &status);
  if (answer != NULL)
    *answer = g_strdup (raw.response->str);
  raw_clear (&raw);
  return status;
}

/* Issue #14 point 6: odd requests are refused with a reason, and none starts a run. */
static void
test_bad_input (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *answer = NULL;
  gint64 id = 0;

  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "text/plain", "{\"order_id\": \"T\"}",
                               NULL, NULL, &answer), ==, 415);
  g_assert_nonnull (strstr (answer, "text/plain"));
  g_clear_pointer (&answer, g_free);

  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", NULL, "order_id=x", NULL, NULL,
                               &answer), ==, 415);
  g_assert_nonnull (strstr (answer, "no Content-Type"));
  g_clear_pointer (&answer, g_free);

  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/x-www-form-urlencoded",
                               "{\"order_id\": \"F\"}", NULL, NULL, &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "sent as form data"));
  g_clear_pointer (&answer, g_free);

  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json",
                               "{\"order_id\": \"A\\u0000B\"}", NULL, NULL, &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "NUL"));
  g_clear_pointer (&answer, g_free);

  g_assert_cmpuint (raw_request (fixture,
                                 "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: application/json\r\nContent-Length: 2\r\n"
                                 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                 "2\r\n{}\r\n0\r\n\r\n", &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "both Content-Length and Transfer-Encoding"));
  g_clear_pointer (&answer, g_free);

  g_assert_cmpuint (raw_request (fixture,
                                 "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n"
                                 "Content-Type: application/json\r\nContent-Length: -5\r\n"
                                 "Connection: close\r\n\r\n{}", &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "Content-Length"));
  g_clear_pointer (&answer, g_free);

  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);

  /* A missing type with a body that is JSON is read as JSON, as documented. */
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", NULL, " {\"order_id\": \"N\"}", NULL,
                               &id, NULL), ==, 202);
  g_assert_cmpint (id, >, 0);
  wait_for_runs (fixture, 1);
}

/* Issue #14 point 4: several documents in one body are refused, unless the trigger takes
 * NDJSON batches, and then every one is kept. */
static void
test_several_documents (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConduitFlow) batches = webhook_flow_full (fixture, 0, "/hooks/batch", 4096,
                                                      ", \"batch\": \"ndjson\"");
  g_autofree char *batch_url = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json",
                               "{\"n\":30}\n{\"n\":31}", NULL, NULL, &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "more than one JSON document"));
  g_assert_cmpuint (post (fixture, "POST", "application/json", "[{\"n\":1}][{\"n\":2}]", NULL,
                          NULL), ==, 400);
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);

  g_assert_true (conduit_webhook_server_add_flow (fixture->server, batches, NULL, NULL, &error));
  g_assert_no_error (error);
  batch_url = conduit_webhook_server_dup_url (fixture->server, batches);

  g_assert_cmpuint (post_full (fixture, batch_url, "POST", "application/x-ndjson",
                               "{\"n\":30}\n{\"n\":31}\n\n{\"n\":32}\n", NULL, &id, NULL), ==, 202);
  run = conduit_history_store_get_run (fixture->base.history, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->items_in, ==, 3);
  g_clear_pointer (&run, conduit_run_record_free);

  g_assert_cmpuint (post_full (fixture, batch_url, "POST", "application/json",
                               "[{\"n\":1}][{\"n\":2},{\"n\":3}]", NULL, &id, NULL), ==, 202);
  run = conduit_history_store_get_run (fixture->base.history, id, &error);
  g_assert_cmpuint (run->items_in, ==, 3);

  /* A bad document refuses the whole batch, naming it. */
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post_full (fixture, batch_url, "POST", "application/x-ndjson",
                               "{\"n\":1}\n{\"n\":\n", NULL, NULL, &answer), ==, 400);
  g_assert_nonnull (strstr (answer, "document 2"));
  wait_for_runs (fixture, 2);
}

static void
set_up_large (Fixture       *fixture,
              gconstpointer  data)
{
  set_up_full (fixture, 4 * 1024 * 1024, NULL, NULL);
}

/* Issue #14 point 5: an accepted event is kept whole; one the history would cut is refused
 * before the answer. */
static void
test_event_kept_whole (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) many = g_string_new ("[");
  g_autoptr(GString) long_item = g_string_new ("{\"note\": \"");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  gint64 id;

  conduit_history_store_set_max_item_bytes (fixture->base.history, 2048);

  for (guint i = 0; i < CONDUIT_WEBHOOK_MAX_EVENT_ITEMS + 1; i++)
    g_string_append_printf (many, "%s{\"n\":%u}", i > 0 ? "," : "", i);
  g_string_append_c (many, ']');
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json", many->str, NULL,
                               NULL, &answer), ==, 413);
  g_assert_nonnull (strstr (answer, "1001 items"));
  g_clear_pointer (&answer, g_free);

  for (guint i = 0; i < 3000; i++)
    g_string_append_c (long_item, 'a' + i % 26);
  g_string_append (long_item, "\"}");
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json", long_item->str,
                               NULL, NULL, &answer), ==, 413);
  g_assert_nonnull (strstr (answer, "item 1"));
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);

  /* Exactly the limits: taken, and every item kept. */
  g_string_truncate (many, 0);
  g_string_append_c (many, '[');
  for (guint i = 0; i < CONDUIT_WEBHOOK_MAX_EVENT_ITEMS; i++)
    g_string_append_printf (many, "%s{\"n\":%u}", i > 0 ? "," : "", i);
  g_string_append_c (many, ']');
  g_assert_cmpuint (post (fixture, "POST", "application/json", many->str, NULL, &id), ==, 202);
  items = conduit_history_store_list_items (fixture->base.history, id, "hook", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, CONDUIT_WEBHOOK_MAX_EVENT_ITEMS);
  wait_for_runs (fixture, 1);
}

/* The most memory this process ever held, in KiB. */
static guint64
peak_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;
  guint64 kib = 0;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmHWM:");
  g_assert_nonnull (line);
  sscanf (line, "VmHWM: %" G_GUINT64_FORMAT, &kib);
  return kib;
}

/* Issue #14 point 1: a chunked body is cut off at the limit while it is read: 96 MiB sent to a
 * trigger that takes 1 KiB neither grows the process nor gets anything but 413. */
static void
test_chunked_limit (Fixture       *fixture,
                    gconstpointer  data)
{
  Raw raw = { 0 };
  GThread *thread;
  guint64 before = peak_kib ();
  guint status = 0;

  raw.chunked_bytes = 96 * 1024 * 1024;
  thread = raw_start (&raw, fixture->port,
                      "POST /hooks/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "X-Hub-Signature-256: sha256=00\r\n"
                      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  raw_finish (&raw, thread);
  sscanf (raw.response->str, "HTTP/1.1 %u", &status);
  g_assert_cmpuint (status, ==, 413);
  g_assert_cmpuint (peak_kib () - before, <, 32 * 1024);
  raw_clear (&raw);

  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);
}

/* Sends @request on a connection of its own (its sending side ended after it when
 * @half_close): it is answered 202, and the server closes the connection within @seconds. */
static void
raw_accepted_then_closed (Fixture    *fixture,
                          gboolean    half_close,
                          gint64      seconds,
                          const char *request)
{
  Raw raw = { 0 };
  GThread *thread;

  raw.half_close = half_close;
  thread = raw_start (&raw, fixture->port, request);
  raw_finish (&raw, thread);
  g_assert_true (g_str_has_prefix (raw.response->str, "HTTP/1.1 202"));
  g_assert_true (raw.closed);
  g_assert_cmpint (raw.elapsed_us, <, seconds * G_USEC_PER_SEC);
  raw_clear (&raw);
}

/* Issue #14 point 2: idle, slow and too many connections do not hold the server. */
static void
test_timeouts (Fixture       *fixture,
               gconstpointer  data)
{
  ConduitWebhookLimits limits = { .header_timeout_s = 1, .body_timeout_s = 1,
                                  .idle_timeout_s = 1, .max_connections = 2 };
  const char *requests[] = {
    "",                                                            /* says nothing */
    "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n",                  /* headers never end */
    ("POST /hooks/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     "Content-Length: 100\r\n\r\n{\"order_id\":"),                 /* body never ends */
  };

  conduit_webhook_server_set_limits (fixture->server, &limits);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      Raw raw = { 0 };
      GThread *thread = raw_start (&raw, fixture->port, requests[i]);

      raw_finish (&raw, thread);
      g_assert_true (raw.closed);
      g_assert_cmpint (raw.elapsed_us, <, 10 * G_USEC_PER_SEC);
      raw_clear (&raw);
    }

  /* Two connections at once at most: the third waits until one closes. */
  {
    Raw raws[3] = { { 0 } };
    GThread *threads[3];
    guint most = 0;

    for (guint i = 0; i < 3; i++)
      threads[i] = raw_start (&raws[i], fixture->port, "");
    for (guint i = 0; i < 3; i++)
      {
        raw_finish (&raws[i], threads[i]);
        most = MAX (most, conduit_webhook_server_get_n_connections (fixture->server));
        g_assert_true (raws[i].closed);
        raw_clear (&raws[i]);
      }
    g_assert_cmpuint (most, <=, 2);
  }

  /* And it still takes events. */
  g_assert_cmpuint (post (fixture, "POST", "application/json", "{\"order_id\": \"T-1\"}", NULL,
                          NULL), ==, 202);
  wait_for_runs (fixture, 1);

  /* Each wait in turn on one kept-alive connection (the first request's headers and body,
   * the wait for the next, its headers): a long wait armed before a short one does not
   * stretch the short one, although the waits share one timer. */
  {
    ConduitWebhookLimits long_waits = { .header_timeout_s = 1, .body_timeout_s = 60,
                                        .idle_timeout_s = 60, .max_connections = 2 };

    conduit_webhook_server_set_limits (fixture->server, &long_waits);
    raw_accepted_then_closed (fixture, FALSE, 10,
                              "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: 17\r\n\r\n"
                              "{\"order_id\": \"L\"}"
                              "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n");
    wait_for_runs (fixture, 2);
  }
}

/* Issue #14 point 2: a client that closes its kept-alive connection between requests frees
 * its descriptor at once (libsoup 3.2 alone keeps such a connection for the life of the
 * process: the file descriptors run out). */
static void
test_closed_keep_alive (Fixture       *fixture,
                        gconstpointer  data)
{
  gint64 deadline;

  for (guint i = 0; i < 5; i++)
    raw_accepted_then_closed (fixture, TRUE, 5,
                              "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n"
                              "Content-Type: application/json\r\nContent-Length: 17\r\n\r\n"
                              "{\"order_id\": \"K\"}");

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (conduit_webhook_server_get_n_connections (fixture->server) > 0 &&
         g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_cmpuint (conduit_webhook_server_get_n_connections (fixture->server), ==, 0);
  wait_for_runs (fixture, 5);
}

/* Issue #14 point 3, in the server: once draining, a request being read gets 503 with
 * Connection: close, idle connections close, nothing new is accepted. */
static void
test_drain (Fixture       *fixture,
            gconstpointer  data)
{
  Raw busy = { 0 };
  Raw idle = { 0 };
  GThread *busy_thread, *idle_thread;
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GSocketConnection) late = NULL;

  busy.pause_after = 100;
  busy_thread = raw_start (&busy, fixture->port,
                           "POST /hooks/orders HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n"
                           "{\"order_id\": \"D-1\"}\n");
  g_assert_cmpuint (strlen (busy.request), >, 100);
  idle_thread = raw_start (&idle, fixture->port, "");
  while (!g_atomic_int_get (&busy.paused) ||
         conduit_webhook_server_get_n_connections (fixture->server) < 2)
    g_main_context_iteration (NULL, TRUE);

  conduit_webhook_server_drain (fixture->server);
  g_atomic_int_set (&busy.go, TRUE);

  raw_finish (&busy, busy_thread);
  g_assert_true (g_str_has_prefix (busy.response->str, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (busy.response->str, "Connection: close"));
  raw_finish (&idle, idle_thread);
  g_assert_true (idle.closed);
  g_assert_cmpuint (idle.response->len, ==, 0);
  raw_clear (&busy);
  raw_clear (&idle);

  late = g_socket_client_connect_to_host (connector, "127.0.0.1", (guint16)fixture->port, NULL,
                                          NULL);
  g_assert_null (late);
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (n_runs (fixture), ==, 0);
}

static char *
hex_hmac (const char *prefix,
          const char *body)
{
  g_autofree char *text = g_strconcat (prefix, body, NULL);

  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *)SECRET, strlen (SECRET),
                                    text, -1);
}

/* Issue #14 point 7: a signed timestamp outside the tolerance, or a signature seen before,
 * is refused: a captured request cannot be replayed. */
static void
test_timestamped_signature (Fixture       *fixture,
                            gconstpointer  data)
{
  const char *body = "{\"order_id\": \"TS-1\"}";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", now);
  g_autofree char *digest = hex_hmac (prefix, body);
  g_autofree char *header = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", now, digest);
  g_autofree char *old_prefix = g_strdup_printf ("%" G_GINT64_FORMAT ".", now - 400);
  g_autofree char *old_digest = hex_hmac (old_prefix, body);
  g_autofree char *old = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", now - 400, old_digest);
  g_autofree char *forged = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", now, old_digest);
  g_autofree char *answer = NULL;
  g_autofree char *slack_time = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  g_autofree char *slack_prefix = g_strdup_printf ("v0:%" G_GINT64_FORMAT ":", now);
  g_autofree char *slack_digest = hex_hmac (slack_prefix, body);
  g_autofree char *slack = g_strconcat ("v0=", slack_digest, NULL);
  const char *headers[] = { "X-Hub-Signature-256", header, NULL };
  const char *slack_headers[] = { "X-Hub-Signature-256", slack,
                                  "X-Slack-Request-Timestamp", slack_time, NULL };

  conduit_webhook_server_set_signature_timestamp (fixture->server, fixture->flow,
                                                  CONDUIT_SIGNATURE_TIMESTAMP_STRIPE, 300);

  g_assert_cmpuint (post (fixture, "POST", "application/json", body, old, NULL), ==, 401);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, forged, NULL), ==, 401);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, header, NULL), ==, 202);
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json", body, headers,
                               NULL, &answer), ==, 401);
  g_assert_nonnull (strstr (answer, "replay"));

  conduit_webhook_server_set_signature_timestamp (fixture->server, fixture->flow,
                                                  CONDUIT_SIGNATURE_TIMESTAMP_SLACK, 300);
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json", body,
                               slack_headers, NULL, NULL), ==, 202);
  g_assert_cmpuint (post_full (fixture, fixture->url, "POST", "application/json", body,
                               slack_headers, NULL, NULL), ==, 401);
  wait_for_runs (fixture, 2);
  g_assert_cmpuint (n_runs (fixture), ==, 2);
}

/* Issue #14 point 13: the secret of one flow is redacted from another flow's run too. */
static void
test_secrets_process_wide (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConduitFlow) signed_flow = webhook_flow_full (fixture, 0, "/hooks/signed",
                                                          1024, NULL);
  g_autoptr(GError) error = NULL;
  const char *secret = "other-flows-secret-7f3a9c";
  g_autofree char *body = g_strdup_printf ("{\"order_id\": \"P-1\", \"note\": \"%s\"}", secret);
  ConduitHistoryQuery query = { .status = -1, .text = secret };
  gint64 id;

  g_assert_true (conduit_webhook_server_add_flow (fixture->server, signed_flow, NULL, secret,
                                                  &error));
  g_assert_no_error (error);

  g_assert_cmpuint (post (fixture, "POST", "application/json", body, NULL, &id), ==, 202);
  wait_for_runs (fixture, 1);
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->base.history, &query, NULL), ==, 0);
  query.text = "P-1";
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->base.history, &query, NULL), ==, 1);
}

/* The event's items are serialised once a run (the check that they fit the history) and that
 * text is what the run's start and the next node's "in" record: each position its own item,
 * byte for byte what json-glib makes of it, a secret in it hidden in both. */
static void
test_items_recorded_once (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *secret = "item-text-secret-51c2";
  g_autofree char *body = g_strdup_printf ("[{\"order_id\": \"E-1\", \"total\": 1.5},"
                                           " {\"order_id\": \"E-2\", \"note\": \"%s\"},"
                                           " {\"order_id\": \"E-3\", \"n\": [1, true, null]}]",
                                           secret);
  const char *expected[] = { "{\"order_id\":\"E-1\",\"total\":1.5}",
                             "{\"order_id\":\"E-2\",\"note\":\"••••\"}",
                             "{\"order_id\":\"E-3\",\"n\":[1,true,null]}" };
  const char *nodes[] = { "hook", "send" };
  gint64 id;

  conduit_redactor_add_secret (conduit_redactor_get_default (), secret);
  g_assert_cmpuint (post (fixture, "POST", "application/json", body, NULL, &id), ==, 202);
  wait_for_runs (fixture, 1);

  for (guint n = 0; n < G_N_ELEMENTS (nodes); n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) items = conduit_history_store_list_items (fixture->base.history, id,
                                                                     nodes[n], &error);
      guint found = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < items->len; i++)
        {
          ConduitItemRecord *item = g_ptr_array_index (items, i);

          /* the trigger's "out" and the request's "in": the same items */
          if (g_str_equal (item->port, n == 0 ? "out" : "in"))
            {
              g_assert_cmpuint (item->seq, <, G_N_ELEMENTS (expected));
              g_assert_cmpstr (item->data, ==, expected[item->seq]);
              found++;
            }
        }
      g_assert_cmpuint (found, ==, G_N_ELEMENTS (expected));
    }
}

/* A mapping's items go on as the HTTP step's request bodies with the text the run made of them
 * for the history (conduit_run_dup_item_text()): each request carries its own item, and the
 * mapping's "out" records, the request's "in" records and the bodies agree, byte for byte
 * json-glib's text of the mapped items. */
static void
test_mapped_items_sent (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *sink = fault_server_url (fixture->sink, "/orders");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Mapped\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/mapped\", \"port\": 0 } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [100, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"order_id\", \"field\": \"order_id\", \"required\": true },"
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(email))\" },"
    "      { \"destination\": \"total\", \"field\": \"total\", \"type\": \"number\" } ] } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
    "              { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  const char *body = "[{\"order_id\": \"M-1\", \"email\": \" A@X.ORG \", \"total\": \"12.50\"},"
                     " {\"order_id\": \"M-2\", \"email\": \"b\\\"q@x.org\", \"total\": \"7\"},"
                     " {\"order_id\": \"M-3\", \"email\": \"c@x.org\", \"total\": \"0.1\"}]";
  const char *expected[] = { "{\"order_id\":\"M-1\",\"email\":\"a@x.org\",\"total\":12.5}",
                             "{\"order_id\":\"M-2\",\"email\":\"b\\\"q@x.org\",\"total\":7}",
                             "{\"order_id\":\"M-3\",\"email\":\"c@x.org\",\"total\":0.10000000000000001}" };
  const char *records[][2] = { { "map", "out" }, { "send", "in" } };
  gint64 id;

  g_assert_true (conduit_webhook_server_add_flow (fixture->server, flow, NULL, NULL, &error));
  g_assert_no_error (error);
  url = conduit_webhook_server_dup_url (fixture->server, flow);
  g_assert_cmpuint (post_full (fixture, url, "POST", "application/json", body, NULL, &id, NULL),
                    ==, 202);
  wait_for_runs (fixture, 1);

  /* one request a run, in the items' order; the sink parsed each body */
  g_assert_cmpuint (fault_server_n_created (fixture->sink), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *sent = json_to_string (g_ptr_array_index (fault_server_created (fixture->sink),
                                                                 i), FALSE);

      g_assert_cmpstr (sent, ==, expected[i]);
    }

  for (guint r = 0; r < G_N_ELEMENTS (records); r++)
    {
      g_autoptr(GPtrArray) items = conduit_history_store_list_items (fixture->base.history, id,
                                                                     records[r][0], &error);
      guint found = 0;

      g_assert_no_error (error);
      for (guint i = 0; i < items->len; i++)
        {
          ConduitItemRecord *item = g_ptr_array_index (items, i);

          if (g_str_equal (item->port, records[r][1]))
            {
              g_assert_cmpuint (item->seq, <, G_N_ELEMENTS (expected));
              g_assert_cmpstr (item->data, ==, expected[item->seq]);
              found++;
            }
        }
      g_assert_cmpuint (found, ==, G_N_ELEMENTS (expected));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/webhook/accepted", Fixture, NULL, set_up, test_accepted, tear_down);
  g_test_add ("/conduit/webhook/form-and-array", Fixture, NULL, set_up, test_form_and_array,
              tear_down);
  g_test_add ("/conduit/webhook/refused", Fixture, NULL, set_up, test_refused, tear_down);
  g_test_add_func ("/conduit/webhook/parse-event", test_parse_event);
  g_test_add_func ("/conduit/webhook/parse-depth-edge", test_parse_depth_edge);
  g_test_add ("/conduit/webhook/signature", Fixture, NULL, set_up_signed, test_signature,
              tear_down);
  g_test_add ("/conduit/webhook/curl-and-unique-url", Fixture, NULL, set_up,
              test_curl_and_unique_url, tear_down);
  g_test_add ("/conduit/webhook/burst-all-recorded", Fixture, NULL, set_up,
              test_burst_all_recorded, tear_down);

  g_test_add ("/conduit/webhook/bad-input", Fixture, NULL, set_up, test_bad_input, tear_down);
  g_test_add ("/conduit/webhook/several-documents", Fixture, NULL, set_up,
              test_several_documents, tear_down);
  g_test_add ("/conduit/webhook/event-kept-whole", Fixture, NULL, set_up_large,
              test_event_kept_whole, tear_down);
  g_test_add ("/conduit/webhook/chunked-limit", Fixture, NULL, set_up_signed, test_chunked_limit,
              tear_down);
  g_test_add ("/conduit/webhook/timeouts", Fixture, NULL, set_up, test_timeouts, tear_down);
  g_test_add ("/conduit/webhook/closed-keep-alive", Fixture, NULL, set_up, test_closed_keep_alive,
              tear_down);
  g_test_add ("/conduit/webhook/drain", Fixture, NULL, set_up, test_drain, tear_down);
  g_test_add ("/conduit/webhook/timestamped-signature", Fixture, NULL, set_up_signed,
              test_timestamped_signature, tear_down);
  g_test_add ("/conduit/webhook/items-recorded-once", Fixture, NULL, set_up,
              test_items_recorded_once, tear_down);
  g_test_add ("/conduit/webhook/mapped-items-sent", Fixture, NULL, set_up,
              test_mapped_items_sent, tear_down);
  g_test_add ("/conduit/webhook/secrets-process-wide", Fixture, NULL, set_up,
              test_secrets_process_wide, tear_down);

  return g_test_run ();
}
