/* test-listen-core.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "runner-test-util.h"
#include "test-util.h"

/* What the app's "Listen for a Test Event" and Active switch stand on, in the engine: the
 * webhook server's test mode (an event is shown, answered, and nothing runs), the flow
 * service (a flow served as `serve` serves it, then its port closed), and a test event kept
 * as a saved test through the functions `conduit-cli test save` uses. */

typedef struct
{
  RunnerFixture  base;
  SoupSession   *client;
  guint          finished;
} Fixture;

static void
run_finished_cb (ConduitRunner *runner,
                 ConduitRun    *run,
                 Fixture       *fixture)
{
  fixture->finished++;
}

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  runner_fixture_set_up (&fixture->base, NULL);
  fixture->client = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->client, NULL);
  g_signal_connect (fixture->base.runner, "run-finished", G_CALLBACK (run_finished_cb), fixture);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->base.runner, fixture);
  g_clear_object (&fixture->client);
  runner_fixture_tear_down (&fixture->base, NULL);
}

/* A webhook on @port (0: any) into a Map Fields step that needs an email: no network. */
static ConduitFlow *
signup_flow (guint port)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Sign-ups\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/signup\", \"port\": %u } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [300, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(email))\", \"required\": true },"
    "      { \"destination\": \"source\", \"expression\": \"'web form'\" } ] } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }",
    port);

  return runner_test_flow (json);
}

typedef struct
{
  guint    status;
  char    *body;
  gboolean done;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->done = TRUE;
}

static guint
post (Fixture     *fixture,
      const char  *url,
      const char  *body,
      char       **answer)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { 0 };

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer sender-token-0123456789");
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Sender", "web form");
  soup_session_send_and_read_async (fixture->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb,
                                    &reply);
  while (!reply.done)
    g_main_context_iteration (NULL, TRUE);
  if (answer != NULL)
    *answer = g_steal_pointer (&reply.body);
  g_free (reply.body);
  return reply.status;
}

static guint
port_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint)g_uri_get_port (uri);
}

/* Whether a connection to @port on the loopback is refused: nobody listens. */
static gboolean
connection_refused (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16)port, NULL, &error);
  if (connection != NULL)
    return FALSE;
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_event_cb (ConduitWebhookServer *server,
               ConduitFlow          *flow,
               const char           *trigger_id,
               JsonNode             *event,
               JsonNode            **caught)
{
  g_assert_cmpstr (trigger_id, ==, "hook");
  g_assert_null (*caught);
  *caught = json_node_copy (event);
}

/* Test mode: the event is answered and handed over with its headers and body; no run, nothing
 * in the history. */
static void
test_test_mode (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = signup_flow (0);
  g_autoptr(ConduitWebhookServer) server = conduit_webhook_server_new (fixture->base.runner);
  g_autoptr(JsonNode) caught = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *answer = NULL;
  JsonObject *event, *headers;
  JsonArray *items;

  conduit_webhook_server_set_test_mode (server, TRUE);
  g_assert_true (conduit_webhook_server_get_test_mode (server));
  g_signal_connect (server, "test-event", G_CALLBACK (test_event_cb), &caught);
  g_assert_true (conduit_serve_add_webhook_flow (server, flow, 0, &error));
  g_assert_no_error (error);
  url = conduit_webhook_server_dup_url (server, flow);

  g_assert_cmpuint (post (fixture, url, "{\"email\": \" Ada@Example.org \"}", &answer), ==, 202);
  g_assert_nonnull (strstr (answer, "nothing ran"));
  g_assert_null (strstr (answer, "run_id"));

  g_assert_nonnull (caught);
  event = json_node_get_object (caught);
  g_assert_cmpstr (json_object_get_string_member (event, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (event, "path"), ==, "/hooks/signup");
  g_assert_cmpstr (json_object_get_string_member (event, "body"), ==,
                   "{\"email\": \" Ada@Example.org \"}");
  headers = json_object_get_object_member (event, "headers");
  g_assert_cmpstr (json_object_get_string_member (headers, "X-Sender"), ==, "web form");
  /* a bearer token is shown by name only */
  g_assert_cmpstr (json_object_get_string_member (headers, "Authorization"), ==, "(hidden)");
  items = json_object_get_array_member (event, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                  "email"), ==, " Ada@Example.org ");

  /* Nothing ran and nothing was written. */
  test_spin_for (50);
  g_assert_cmpuint (fixture->finished, ==, 0);
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->base.history, NULL, NULL), ==, 0);

  /* Still checked like a served flow: a body that is no event is refused, not shown. */
  g_clear_pointer (&caught, json_node_unref);
  g_clear_pointer (&answer, g_free);
  g_assert_cmpuint (post (fixture, url, "not json", &answer), ==, 400);
  g_assert_null (caught);
}

typedef struct
{
  ConduitRunner      *runner;
  ConduitFlowService *service;
} ServiceIdle;

/* the service's runs, also one on its way to the runner, have ended */
static gboolean
service_idle (gpointer data)
{
  ServiceIdle *idle = data;

  return conduit_runner_get_n_active (idle->runner) == 0 &&
         conduit_flow_service_get_n_active (idle->service) == 0;
}

static gboolean
n_finished_reached (gpointer data)
{
  Fixture *fixture = data;

  return fixture->finished >= 1;
}

/* The flow service serves the webhook as `serve` does: the event is a run in the history with
 * the mapped output; stopped, the port refuses connections. */
static void
test_service_webhook (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = signup_flow (0);
  g_autoptr(ConduitFlowService) service = conduit_flow_service_new (fixture->base.runner);
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = NULL;
  g_autofree char *answer = NULL;
  gboolean found = FALSE;
  gint64 run_id;
  guint port;

  g_assert_false (conduit_flow_service_get_started (service));
  g_assert_true (conduit_flow_service_start (service, flow, &error));
  g_assert_no_error (error);
  g_assert_true (conduit_flow_service_get_started (service));
  g_assert_nonnull (conduit_flow_service_get_webhook_server (service));
  url = conduit_flow_service_dup_url (service);
  g_assert_true (g_str_has_suffix (url, "/hooks/signup"));
  port = port_of (url);

  g_assert_cmpuint (post (fixture, url, "{\"email\": \" Ada@Example.org \"}", &answer), ==, 202);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  run_id = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                       "run_id");
  g_assert_cmpint (run_id, >, 0);
  g_assert_true (test_spin_until (n_finished_reached, fixture, 20));
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));

  run = conduit_history_store_get_run (fixture->base.history, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->trigger_kind, ==, "webhook");
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  items = conduit_history_store_list_items (fixture->base.history, run_id, "map", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (item->is_output && g_str_equal (item->port, "out"))
        {
          g_assert_nonnull (strstr (item->data, "\"ada@example.org\""));
          g_assert_nonnull (strstr (item->data, "\"web form\""));
          found = TRUE;
        }
    }
  g_assert_true (found);

  conduit_flow_service_stop (service);
  g_assert_false (conduit_flow_service_get_started (service));
  g_assert_true (connection_refused (port));
}

/* A schedule fires on the runner's clock; the run is recorded like serve's. */
static void
test_service_schedule (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Ticks\", \"nodes\": ["
    "  { \"id\": \"tick\", \"type\": \"schedule-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"every_minutes\": 1 } } ], \"links\": [] }");
  g_autoptr(ConduitFlowService) service = conduit_flow_service_new (fixture->base.runner);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  gint64 next;

  g_assert_true (conduit_flow_service_start (service, flow, &error));
  g_assert_no_error (error);
  g_assert_null (conduit_flow_service_dup_url (service));
  next = conduit_flow_service_get_next_us (service);
  g_assert_cmpint (next, >, 0);

  /* The fake clock moves on by itself when the scheduler sleeps until its time. */
  g_assert_true (test_spin_until (n_finished_reached, fixture, 20));
  /* On the fake clock the next one is due at once: stop, and let the run going on end. */
  conduit_flow_service_stop (service);
  g_assert_true (test_spin_until (service_idle,
                                  &(ServiceIdle) { fixture->base.runner, service }, 20));
  g_assert_true (conduit_history_store_flush (fixture->base.history, NULL));
  runs = conduit_history_store_list_runs (fixture->base.history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, >=, 1);
  for (guint i = 0; i < runs->len; i++)
    g_assert_cmpstr (((ConduitRunRecord *)g_ptr_array_index (runs, i))->trigger_kind, ==,
                     "schedule");
  g_assert_cmpint (conduit_flow_service_get_next_us (service), ==, 0);
}

/* A port someone else listens on: refused, naming the port; nothing half served. */
static void
test_busy_port (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitFlowService) service = conduit_flow_service_new (fixture->base.runner);
  g_autoptr(ConduitWebhookServer) server = conduit_webhook_server_new (fixture->base.runner);
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint port;

  g_assert_true (g_socket_listener_add_address (squatter, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  port_text = g_strdup_printf ("port %u", port);
  flow = signup_flow (port);

  g_assert_false (conduit_flow_service_start (service, flow, &error));
  g_assert_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN);
  g_assert_nonnull (strstr (error->message, port_text));
  g_assert_false (conduit_flow_service_get_started (service));
  g_clear_error (&error);

  conduit_webhook_server_set_test_mode (server, TRUE);
  g_assert_false (conduit_serve_add_webhook_flow (server, flow, 0, &error));
  g_assert_nonnull (strstr (error->message, port_text));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = user_data;
  gint64 run_id = conduit_flow_test_save_event_finish (result, error);

  g_assert_true ((run_id > 0) == (*error == NULL));
  if (*error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "run %" G_GINT64_FORMAT, run_id);
}

static void
replayed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitFlowTestResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = conduit_flow_test_run_finish (result, &error);
  g_assert_no_error (error);
}

/* An event kept as a test: the tests file holds it as the fixture and the mapped output as
 * the expected result, and `conduit-cli test`'s replay passes it. */
static void
test_save_event (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = signup_flow (0);
  g_autoptr(GPtrArray) items = runner_test_parse_items ("[{\"email\": \" Ada@Example.org \"}]");
  g_autofree char *tests_path = g_build_filename (fixture->base.dir, "signup.tests.json", NULL);
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  ConduitFlowTestResult *result = NULL;
  ConduitFlowTest *test;

  conduit_flow_test_save_event_async (fixture->base.runner, flow, tests_path, "hook", items,
                                      "Test event from the web form", NULL, saved_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);  /* saved_cb's "run N" */
  g_clear_error (&error);

  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 1);
  test = g_ptr_array_index (tests, 0);
  g_assert_cmpstr (test->name, ==, "Test event from the web form");
  g_assert_cmpstr (test->trigger_node, ==, "hook");
  g_assert_cmpuint (test->trigger_items->len, ==, 1);
  expected = json_to_string (test->expected, FALSE);
  g_assert_nonnull (strstr (expected, "ada@example.org"));

  conduit_flow_test_run_async (test, flow, conduit_connector_registry_get_default (), NULL,
                               replayed_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (result->error);
  g_assert_cmpuint (result->diffs->len, ==, 0);
  g_assert_true (result->passed);
  conduit_flow_test_result_free (result);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/listen/core/test-mode", Fixture, NULL, set_up, test_test_mode, tear_down);
  g_test_add ("/conduit/listen/core/service-webhook", Fixture, NULL, set_up,
              test_service_webhook, tear_down);
  g_test_add ("/conduit/listen/core/service-schedule", Fixture, NULL, set_up,
              test_service_schedule, tear_down);
  g_test_add ("/conduit/listen/core/busy-port", Fixture, NULL, set_up, test_busy_port,
              tear_down);
  g_test_add ("/conduit/listen/core/save-event", Fixture, NULL, set_up, test_save_event,
              tear_down);

  return g_test_run ();
}
