/* test-webhook.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
webhook_flow (Fixture    *fixture,
              guint       port,
              const char *extra)
{
  g_autofree char *sink = fault_server_url (fixture->sink, "/orders");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Orders in\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": %u, \"max_body_bytes\": 1024,"
    "                  \"items\": [ { \"order_id\": \"A-1\", \"total\": 12.5 } ] %s } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    port, extra ? extra : "", sink);

  return runner_test_flow (json);
}

static void
set_up_with (Fixture    *fixture,
             const char *extra,
             const char *secret)
{
  g_autoptr(GError) error = NULL;

  runner_fixture_set_up (&fixture->base, NULL);
  fixture->sink = fault_server_new ();
  fixture->server = conduit_webhook_server_new (fixture->base.runner);
  fixture->flow = webhook_flow (fixture, 0, extra);
  conduit_webhook_server_add_flow (fixture->server, fixture->flow, NULL, secret, &error);
  g_assert_no_error (error);
  fixture->url = conduit_webhook_server_dup_url (fixture->server, fixture->flow);
  fixture->client = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->client, NULL);
  g_signal_connect (fixture->base.runner, "run-finished", G_CALLBACK (run_finished_cb), fixture);
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

static guint
post (Fixture     *fixture,
      const char  *method,
      const char  *content_type,
      const char  *body,
      const char  *signature,
      gint64      *run_id)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, fixture->url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { 0 };

  if (g_strcmp0 (method, "GET") != 0)
    soup_message_set_request_body_from_bytes (msg, content_type, bytes);
  if (signature != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Hub-Signature-256",
                                  signature);
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
  g_bytes_unref (reply.body);
  return reply.status;
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
  g_assert_cmpuint (post (fixture, "POST", "text/plain", "hello", NULL, NULL), ==, 400);
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
  g_test_add ("/conduit/webhook/signature", Fixture, NULL, set_up_signed, test_signature,
              tear_down);
  g_test_add ("/conduit/webhook/curl-and-unique-url", Fixture, NULL, set_up,
              test_curl_and_unique_url, tear_down);
  g_test_add ("/conduit/webhook/burst-all-recorded", Fixture, NULL, set_up,
              test_burst_all_recorded, tear_down);

  return g_test_run ();
}
