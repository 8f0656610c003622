/* test-runner-examples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* The example flows that ship with Conduit, run end to end against local test servers. */

static ConduitFlow *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples",
                                            name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow;

  flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  return flow;
}

/* Points a node's URL at the test server, keeping its path. */
static void
retarget (ConduitFlow *flow,
          const char  *node_id,
          const char  *key,
          FaultServer *server)
{
  ConduitNode *node = conduit_flow_lookup_node (flow, node_id);
  const char *url = conduit_node_get_setting_string (node, key);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *target = fault_server_url (server, g_uri_get_path (uri));
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), target);

  conduit_node_set_setting (node, key, value);
}

static void
set_path (ConduitFlow *flow,
          const char  *node_id,
          const char  *path)
{
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), path);

  conduit_node_set_setting (conduit_flow_lookup_node (flow, node_id), "path", value);
}

static void
test_csv_export (RunnerFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(FaultServer) api = fault_server_new ();
  g_autoptr(ConduitFlow) flow = load_example ("csv-export-to-api.conduit");
  g_autofree char *csv = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "tests", "fixtures",
                                           "runner", "customers.csv", NULL);
  g_autofree char *refused = g_build_filename (fixture->dir, "refused.ndjson", NULL);
  g_autofree char *failed = g_build_filename (fixture->dir, "failed.ndjson", NULL);
  g_autofree char *refused_text = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_auto(GStrv) lines = NULL;
  JsonObject *first;
  GPtrArray *keys;

  retarget (flow, "billing", "url", api);
  set_path (flow, "export", csv);
  set_path (flow, "refused", refused);
  set_path (flow, "failed", failed);
  /* The API stumbles once; the retry carries the same idempotency key. */
  fault_server_script (api, "/billing/v1/customers", "created+drop");

  run = runner_test_run (fixture, flow, NULL);

  /* 5 rows: 3 customers created (each once), 2 refused with reasons, none lost. */
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
  g_assert_cmpuint (fault_server_n_created (api), ==, 3);
  keys = fault_server_keys (api);
  g_assert_cmpuint (keys->len, ==, 4);
  {
    g_autoptr(GHashTable) distinct = g_hash_table_new (g_str_hash, g_str_equal);

    for (guint i = 0; i < keys->len; i++)
      g_hash_table_add (distinct, g_ptr_array_index (keys, i));
    g_assert_cmpuint (g_hash_table_size (distinct), ==, 3);
  }
  for (guint i = 0; i < fault_server_n_created (api); i++)
    {
      first = json_node_get_object (g_ptr_array_index (fault_server_created (api), i));
      if (g_str_equal (json_object_get_string_member (first, "external_id"), "C-1"))
        {
          g_assert_cmpstr (json_object_get_string_member (first, "email"), ==, "ada@example.com");
          g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "Ada Lovelace");
        }
    }

  g_assert_true (g_file_get_contents (refused, &refused_text, NULL, NULL));
  lines = g_strsplit (g_strstrip (refused_text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_nonnull (strstr (lines[0], "not-an-email"));
  g_assert_nonnull (strstr (lines[1], "credit_limit"));
  g_assert_false (g_file_test (failed, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (conduit_run_get_record (run)->items_rejected, ==, 2);
}

static void
finished_cb (ConduitRunner *runner,
             ConduitRun    *run,
             guint         *n)
{
  (*n)++;
}

typedef struct
{
  guint    status;
  gboolean done;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  g_clear_pointer (&body, g_bytes_unref);
  reply->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (object),
                                                                                  result));
  reply->done = TRUE;
}

static guint
post (SoupSession *client,
      const char  *url,
      const char  *body)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { 0 };

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &reply);
  while (!reply.done)
    g_main_context_iteration (NULL, TRUE);
  return reply.status;
}

static void
test_webhook_orders (RunnerFixture *fixture,
                     gconstpointer  data)
{
  g_autoptr(FaultServer) warehouse = fault_server_new ();
  g_autoptr(FaultServer) slack = fault_server_new ();
  g_autoptr(ConduitFlow) flow = load_example ("webhook-order-to-fulfilment.conduit");
  g_autoptr(ConduitWebhookServer) server = conduit_webhook_server_new (fixture->runner);
  g_autoptr(SoupSession) client = soup_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *curl = NULL;
  const char *event = "{\"order_id\": \"1001\", \"email\": \"ada@example.com\"}";
  GPtrArray *keys;
  guint finished = 0;

  g_autoptr(JsonNode) any_port = json_node_init_int (json_node_alloc (), 0);

  retarget (flow, "warehouse", "url", warehouse);
  /* the Slack message after each order goes to a test server of its own */
  retarget (flow, "notify", "webhook_url", slack);
  conduit_node_set_setting (conduit_flow_lookup_node (flow, "order"), "port", any_port);
  g_assert_true (conduit_webhook_server_add_flow (server, flow, NULL, NULL, &error));
  g_assert_no_error (error);
  url = conduit_webhook_server_dup_url (server, flow);
  curl = conduit_webhook_server_dup_curl_command (server, flow);
  g_assert_nonnull (strstr (curl, "MUG-01"));
  soup_session_set_proxy_resolver (client, NULL);
  g_signal_connect (fixture->runner, "run-finished", G_CALLBACK (finished_cb), &finished);

  /* The shop sends the same event twice (its first delivery "timed out" on its side), then
   * another order; the warehouse hears of each order once. */
  g_assert_cmpuint (post (client, url, event), ==, 202);
  g_assert_cmpuint (post (client, url, event), ==, 202);
  g_assert_cmpuint (post (client, url, "{\"order_id\": \"1002\"}"), ==, 202);
  while (finished < 3)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (fixture->runner, &finished);

  g_assert_cmpuint (fault_server_n_requests (warehouse, "/fulfilment/v2/orders"), ==, 2);
  g_assert_cmpuint (fault_server_n_requests (slack, "/services/T00000000/B00000001/XXXXXXXXXXXXXXXXXXXXXXXX"),
                    ==, 2);
  keys = fault_server_keys (warehouse);
  g_assert_cmpstr (g_ptr_array_index (keys, 0), ==, "order-1001");
  g_assert_cmpstr (g_ptr_array_index (keys, 1), ==, "order-1002");
  g_assert_true (conduit_history_store_flush (fixture->history, NULL));
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->history, NULL, NULL), ==, 3);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/runner/examples/csv-export-to-api", RunnerFixture, NULL,
              runner_fixture_set_up, test_csv_export, runner_fixture_tear_down);
  g_test_add ("/conduit/runner/examples/webhook-order-to-fulfilment", RunnerFixture, NULL,
              runner_fixture_set_up, test_webhook_orders, runner_fixture_tear_down);

  return g_test_run ();
}
