/* test-runner-nodes.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE

#include <string.h>

#include "conduit.h"
#include "fault-server.h"
#include "runner-test-util.h"
#include "test-keyring.h"

/* The nodes that use the mapping language and credentials: Map Fields, Filter, Deduplicate,
 * idempotency keys, credentials with redaction, Notify, and files. */

static ConduitRun *
run_json (RunnerFixture *fixture,
          const char    *json)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  ConduitRun *run = NULL;

  run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL, NULL);
  g_assert_nonnull (run);
  g_object_unref (run);
  return runner_test_run (fixture, flow, NULL);
}

static void
test_mapping_rejects (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Map\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"Email\": \" ADA@Example.com \", \"Qty\": \"2\" },"
    "      { \"Email\": \"not-an-email\", \"Qty\": \"x\" } ] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(Email))\", \"required\": true, \"type\": \"email\" },"
    "      { \"destination\": \"quantity\", \"field\": \"Qty\", \"type\": \"integer\" } ] } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }");
  g_autoptr(GPtrArray) items = NULL;
  guint ok, rejected;
  gboolean found = FALSE;

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
  conduit_run_get_node_counts (run, "map", NULL, &ok, NULL, &rejected);
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (rejected, ==, 1);
  g_assert_cmpuint (conduit_run_get_record (run)->items_rejected, ==, 1);

  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (run), "map", NULL);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (item->is_output && g_str_equal (item->port, "out"))
        g_assert_cmpstr (item->data, ==, "{\"email\":\"ada@example.com\",\"quantity\":2}");
      if (item->is_output && g_str_equal (item->port, "rejected"))
        {
          g_assert_nonnull (strstr (item->data, "\"reasons\":["));
          g_assert_nonnull (strstr (item->data, "not-an-email"));
          found = TRUE;
        }
    }
  g_assert_true (found);
}

/* Issue #21: the step's rejected_mapping shapes what leaves through "rejected". */
static void
test_mapping_rejected_shaped (RunnerFixture *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Map\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"id\": 1, \"Email\": \"ada@example.com\" },"
    "      { \"id\": 2, \"Email\": \"not-an-email\" } ] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {"
    "      \"rejected_mapping\": { \"rows\": ["
    "        { \"destination\": \"error\", \"expression\": \"concat(reasons[0].field, \\\": \\\", reasons[0].message)\" },"
    "        { \"destination\": \"id\", \"field\": \"record.id\" } ] } },"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"field\": \"Email\", \"required\": true, \"type\": \"email\" } ] } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }");
  g_autoptr(GPtrArray) items = NULL;
  guint ok, rejected;
  gboolean found = FALSE;

  conduit_run_get_node_counts (run, "map", NULL, &ok, NULL, &rejected);
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (rejected, ==, 1);

  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (run), "map", NULL);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (item->is_output && g_str_equal (item->port, "rejected"))
        {
          g_assert_cmpstr (item->data, ==,
                           "{\"error\":\"email: “not-an-email” is not an email address\",\"id\":2}");
          found = TRUE;
        }
    }
  g_assert_true (found);
}

/* An item the rejected_mapping refuses in turn leaves unshaped, keeping its first reasons and
 * with the shaping's reasons next to them (as conduit-cli map --rejected-mapping writes it). */
static void
test_mapping_rejected_shaping_refused (RunnerFixture *fixture,
                                       gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Map\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"id\": 1, \"Email\": \"ada@example.com\" },"
    "      { \"id\": 2, \"Email\": \"not-an-email\" },"
    "      { \"Email\": \"nor-this\" } ] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {"
    "      \"rejected_mapping\": { \"rows\": ["
    "        { \"destination\": \"id\", \"field\": \"record.id\", \"required\": true } ] } },"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"field\": \"Email\", \"required\": true, \"type\": \"email\" } ] } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }");
  g_autoptr(GPtrArray) items = NULL;
  guint ok, rejected, shaped = 0, unshaped = 0;

  conduit_run_get_node_counts (run, "map", NULL, &ok, NULL, &rejected);
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (rejected, ==, 2);

  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (run), "map", NULL);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);
      g_autoptr(JsonNode) node = NULL;
      JsonObject *error;
      JsonArray *reasons, *shaping;

      if (!item->is_output || !g_str_equal (item->port, "rejected"))
        continue;
      if (g_str_equal (item->data, "{\"id\":2}"))
        {
          shaped++;
          continue;
        }
      node = json_from_string (item->data, NULL);
      g_assert_nonnull (node);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                         json_node_get_object (node), "item"), "Email"), ==, "nor-this");
      error = json_object_get_object_member (json_node_get_object (node), "error");
      g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "rejected");
      reasons = json_object_get_array_member (error, "reasons");
      g_assert_cmpuint (json_array_get_length (reasons), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (reasons, 0),
                                                      "field"), ==, "email");
      g_assert_true (json_object_has_member (error, "shaping_reasons"));
      shaping = json_object_get_array_member (error, "shaping_reasons");
      g_assert_cmpuint (json_array_get_length (shaping), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shaping, 0),
                                                      "field"), ==, "id");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (shaping, 0),
                                                      "rule"), ==, "required");
      unshaped++;
    }
  g_assert_cmpuint (shaped, ==, 1);
  g_assert_cmpuint (unshaped, ==, 1);
}

static void
test_filter (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Filter\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"total\": 150, \"country\": \"DE\" }, { \"total\": 50, \"country\": \"DE\" },"
    "      { \"total\": 300, \"country\": \"FR\" }, { \"total\": \"lots\", \"country\": \"DE\" } ] } },"
    "  { \"id\": \"big\", \"type\": \"filter\", \"position\": [200, 0],"
    "    \"settings\": { \"condition\": \"to_number(total) > 100 and country == \\\"DE\\\"\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"big\", \"to_port\": \"in\" } ] }");
  ConduitRun *created = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL, NULL);
  GPtrArray *match, *no_match, *errors;

  conduit_run_set_keep_outputs (created, TRUE);
  conduit_run_execute_async (created, NULL, NULL, NULL);
  while (conduit_run_get_status (created) == CONDUIT_RUN_STATUS_RUNNING)
    g_main_context_iteration (NULL, TRUE);
  run = created;

  match = conduit_run_get_node_output (run, "big", "match");
  no_match = conduit_run_get_node_output (run, "big", "no_match");
  errors = conduit_run_get_node_output (run, "big", "error");
  g_assert_cmpuint (match->len, ==, 1);
  g_assert_cmpuint (no_match->len, ==, 2);
  /* to_number("lots") cannot be decided: the item says so instead of vanishing into no_match. */
  g_assert_nonnull (errors);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
}

#define DEDUPE_FLOW \
  "{ \"version\": 1, \"name\": \"Dedupe\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": [] } }," \
  "  { \"id\": \"once\", \"type\": \"deduplicate\", \"position\": [200, 0]," \
  "    \"settings\": { \"key\": \"order_id\", \"ttl_hours\": 1 } }," \
  "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [400, 0]," \
  "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\" } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"once\", \"to_port\": \"in\" }," \
  "              { \"from\": \"once\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }"

static void
test_dedupe_across_runs (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/orders");
  g_autofree char *json = g_strdup_printf (DEDUPE_FLOW, url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GPtrArray) first = runner_test_parse_items (
    "[{\"order_id\": \"A\"}, {\"order_id\": \"B\"}, {\"order_id\": \"A\"}]");
  g_autoptr(GPtrArray) again = runner_test_parse_items ("[{\"order_id\": \"B\"}, {\"order_id\": \"C\"}]");
  g_autoptr(GPtrArray) bad = runner_test_parse_items ("[{\"other\": 1}]");
  g_autoptr(ConduitRun) run1 = NULL;
  g_autoptr(ConduitRun) run2 = NULL;
  g_autoptr(ConduitRun) run3 = NULL;
  guint ok, failed;

  run1 = runner_test_run (fixture, flow, first);
  g_assert_cmpuint (fault_server_n_created (server), ==, 2);   /* A, B */
  conduit_run_get_node_counts (run1, "send", &ok, NULL, NULL, NULL);
  g_assert_cmpuint (ok, ==, 2);

  run2 = runner_test_run (fixture, flow, again);
  g_assert_cmpuint (fault_server_n_created (server), ==, 3);   /* and C: each once */
  g_assert_cmpint (conduit_run_get_status (run2), ==, CONDUIT_RUN_STATUS_SUCCEEDED);

  /* After the time to live, a key is new again. */
  conduit_clock_advance (fixture->clock, G_GINT64_CONSTANT (2) * 3600 * G_USEC_PER_SEC);
  g_clear_object (&run2);
  run2 = runner_test_run (fixture, flow, again);
  g_assert_cmpuint (fault_server_n_created (server), ==, 5);

  /* An item without a key is not let through blindly: it leaves through "no_key". */
  run3 = runner_test_run (fixture, flow, bad);
  conduit_run_get_node_counts (run3, "once", NULL, &ok, &failed, NULL);
  g_assert_cmpuint (ok, ==, 1);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpuint (fault_server_n_created (server), ==, 5);
}

/* A key computed from missing fields (sha256 of an absent email hashes the empty text) must
 * never make items equal: each such item leaves through "no_key", none as a duplicate. */
static void
test_dedupe_missing_key (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Dedupe by hash\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"email\": \"a@example.com\", \"n\": 1 }, { \"n\": 2 }, { \"email\": \"\", \"n\": 3 },"
    "      { \"email\": null, \"n\": 4 }, { \"email\": \"a@example.com\", \"n\": 5 }, { \"n\": 6 } ] } },"
    "  { \"id\": \"once\", \"type\": \"deduplicate\", \"position\": [200, 0],"
    "    \"settings\": { \"key\": \"sha256(email)\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"once\", \"to_port\": \"in\" } ] }");
  ConduitRun *run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL, NULL);
  GPtrArray *out, *duplicate, *no_key;

  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, NULL, NULL);
  while (conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING)
    g_main_context_iteration (NULL, TRUE);

  out = conduit_run_get_node_output (run, "once", "out");
  duplicate = conduit_run_get_node_output (run, "once", "duplicate");
  no_key = conduit_run_get_node_output (run, "once", "no_key");
  g_assert_nonnull (out);
  g_assert_nonnull (duplicate);
  g_assert_nonnull (no_key);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (duplicate->len, ==, 1);
  g_assert_cmpuint (no_key->len, ==, 4);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (duplicate, 0)),
                                               "n"), ==, 5);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_object_unref (run);
}

static void
test_idempotency_key (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/charges");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Charge\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"order_id\": \"O-77\", \"amount\": 10 } ] } },"
    "  { \"id\": \"charge\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 4,"
    "                  \"idempotency_key\": \"concat(\\\"charge-\\\", order_id)\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"charge\", \"to_port\": \"in\" } ] }",
    url);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  GPtrArray *keys;

  /* The server creates the charge but the answer is lost, twice; then it answers. */
  fault_server_script (server, "/charges", "created+drop,created+drop,ok");
  flow = runner_test_flow (json);
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_requests (server, "/charges"), ==, 3);
  /* Three attempts, one charge: every attempt carried the same key. */
  g_assert_cmpuint (fault_server_n_created (server), ==, 1);
  keys = fault_server_keys (server);
  g_assert_cmpuint (keys->len, ==, 3);
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpstr (g_ptr_array_index (keys, i), ==, "charge-O-77");
}

static void
test_templates_and_query (RunnerFixture *fixture,
                          gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *base = fault_server_url (server, "");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Templated\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"id\": 42, \"region\": \"eu west\" } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"PUT\", \"url\": \"%s/items/{{ id }}\", \"body\": \"form\","
    "                  \"headers\": { \"X-Region\": \"{{ upper(region) }}\" },"
    "                  \"query\": { \"tag\": \"a&b\", \"r\": \"{{ region }}\" } } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }",
    base);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  const char *headers;
  JsonNode *body;

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_requests (server, "/items/42"), ==, 1);
  headers = g_ptr_array_index (fault_server_headers (server), 0);
  g_assert_nonnull (strstr (headers, "X-Region: EU WEST"));
  body = g_ptr_array_index (fault_server_created (server), 0);
  g_assert_cmpstr (json_node_get_string (body), ==, "id=42&region=eu%20west");
}

/* An HTTP node's settings are read once and kept for its next runs; a setting changed between
 * two runs is what the next one uses. */
static void
test_http_setting_changed (RunnerFixture *fixture,
                           gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *base = fault_server_url (server, "");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Changed\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"id\": 42 } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"PUT\", \"url\": \"%s/first/{{ id }}\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }",
    base);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitNode) call = NULL;
  g_autofree char *second = g_strdup_printf ("%s/second/{{ id }}", base);
  g_autoptr(JsonNode) url = json_node_init_string (json_node_alloc (), second);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
      g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
    }
  g_assert_cmpuint (fault_server_n_requests (server, "/first/42"), ==, 2);

  for (guint i = 0; i < g_list_model_get_n_items (conduit_flow_get_nodes (flow)); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (conduit_flow_get_nodes (flow), i);

      if (g_str_equal (conduit_node_get_id (node), "call"))
        call = g_object_ref (node);
    }
  conduit_node_set_setting (call, "url", url);
  {
    g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
    g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  }
  g_assert_cmpuint (fault_server_n_requests (server, "/first/42"), ==, 2);
  g_assert_cmpuint (fault_server_n_requests (server, "/second/42"), ==, 1);
}

/* A URL that is no web address fails every item at once, before anything is sent: each item
 * leaves through the error port and the run ends (the call ends inside its own start, and is
 * handed over from the main loop, never back into the batch that is starting it). */
static void
test_http_not_a_web_address (RunnerFixture *fixture,
                             gconstpointer  data)
{
  const char *json =
    "{ \"version\": 1, \"name\": \"Not a web address\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"id\": 1 }, { \"id\": 2 }, { \"id\": 3 } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"ftp://127.0.0.1/items\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }";
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  guint in = 0, ok = 0, failed = 0;

  g_assert_true (conduit_run_get_node_counts (run, "call", &in, &ok, &failed, NULL));
  g_assert_cmpuint (in, ==, 3);
  g_assert_cmpuint (ok, ==, 0);
  g_assert_cmpuint (failed, ==, 3);
}

static void
test_credential_and_redaction (RunnerFixture *fixture,
                               gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/contacts");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Secret\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"note\": \"token is tok-s3cr3t-value\" } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"credential\": \"test-crm\","
    "                  \"max_attempts\": 1 } },"
    "  { \"id\": \"missing\", \"type\": \"http-request\", \"position\": [200, 100],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"credential\": \"not-there\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" },"
    "              { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"missing\", \"to_port\": \"in\" } ] }",
    url, url);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  const char *headers;
  guint failed;

  /* A server's credential can come from the environment instead of a keyring. */
  g_setenv ("CONDUIT_CREDENTIAL_TEST_CRM", "{\"kind\": \"bearer\", \"secret\": \"tok-s3cr3t-value\"}",
            TRUE);
  flow = runner_test_flow (json);
  run = runner_test_run (fixture, flow, NULL);
  g_unsetenv ("CONDUIT_CREDENTIAL_TEST_CRM");

  headers = g_ptr_array_index (fault_server_headers (server), 0);
  g_assert_nonnull (strstr (headers, "Authorization: Bearer tok-s3cr3t-value"));

  /* The missing credential fails its node with a message that names it. */
  conduit_run_get_node_counts (run, "missing", NULL, NULL, &failed, NULL);
  g_assert_cmpuint (failed, ==, 1);
  g_assert_nonnull (strstr (conduit_run_get_node_error (run, "missing"), "not-there"));
  /* and a kind the app explains from, whatever language the message is in */
  g_assert_cmpstr (conduit_run_get_node_error_kind (run, "missing"), ==, "credential-missing");
  g_assert_null (conduit_run_get_node_error_kind (run, "call"));
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);

  /* The secret appears nowhere in the history, not even where the item itself carried it. */
  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (run), NULL, NULL);
  g_assert_cmpuint (items->len, >, 0);
  for (guint i = 0; i < items->len; i++)
    g_assert_null (strstr (((ConduitItemRecord *)g_ptr_array_index (items, i))->data,
                           "tok-s3cr3t-value"));
  steps = conduit_history_store_list_steps (fixture->history, conduit_run_get_id (run), NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      const char *message = ((ConduitStepRecord *)g_ptr_array_index (steps, i))->error_message;
      g_assert_true (message == NULL || strstr (message, "tok-s3cr3t-value") == NULL);
    }
}

static void
test_notify (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/slack/hook");
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Notify\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"name\": \"Ada\" }, { \"name\": \"Grace\" } ] } },"
    "  { \"id\": \"tell\", \"type\": \"notify\", \"position\": [200, 0],"
    "    \"settings\": { \"webhook_url\": \"%s\", \"message\": \"New lead: {{ name }}\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"tell\", \"to_port\": \"in\" } ] }",
    url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = NULL;
  JsonObject *first, *second;

  fault_server_script (server, "/slack/hook", "503:1,ok,ok");
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_created (server), ==, 2);
  first = json_node_get_object (g_ptr_array_index (fault_server_created (server), 0));
  second = json_node_get_object (g_ptr_array_index (fault_server_created (server), 1));
  g_assert_cmpstr (json_object_get_string_member (first, "text"), ==, "New lead: Ada");
  g_assert_cmpstr (json_object_get_string_member (second, "text"), ==, "New lead: Grace");
}

static void
test_files (RunnerFixture *fixture,
            gconstpointer  data)
{
  g_autofree char *in = g_build_filename (fixture->dir, "in.csv", NULL);
  g_autofree char *out = g_build_filename (fixture->dir, "out.json", NULL);
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Files\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {} ] } },"
    "  { \"id\": \"read\", \"type\": \"read-file\", \"position\": [200, 0], \"settings\": { \"path\": \"%s\" } },"
    "  { \"id\": \"write\", \"type\": \"write-file\", \"position\": [400, 0],"
    "    \"settings\": { \"path\": \"%s\", \"mode\": \"append\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\" },"
    "              { \"from\": \"read\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" } ] }",
    in, out);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run1 = NULL;
  g_autoptr(ConduitRun) run2 = NULL;
  g_autoptr(ConduitRun) run3 = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (in, "\xEF\xBB\xBFname;note\r\nAda;\"says \"\"hi\"\";\nand bye\"\r\n\r\nGrace;x\r\n",
                                      -1, NULL));
  run1 = runner_test_run (fixture, flow, NULL);
  run2 = runner_test_run (fixture, flow, NULL);
  g_assert_cmpint (conduit_run_get_status (run2), ==, CONDUIT_RUN_STATUS_SUCCEEDED);

  g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
  records = conduit_records_read_path (out, CONDUIT_RECORD_FORMAT_JSON, 0, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 4);    /* appended twice */
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                                  "note"), ==, "says \"hi\";\nand bye");

  /* A broken file fails the node and says where. */
  g_assert_true (g_file_set_contents (in, "name\n\"unclosed\n", -1, NULL));
  run3 = runner_test_run (fixture, flow, NULL);
  g_assert_cmpint (conduit_run_get_status (run3), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_nonnull (strstr (conduit_run_get_node_error (run3, "read"), "record 2"));
  g_assert_nonnull (strstr (conduit_run_get_node_error (run3, "read"), in));
}

static GPtrArray *
read_text (const char          *text,
           ConduitRecordFormat  format,
           GPtrArray           *problems,
           GError             **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);

  return conduit_records_read (stream, format, 0, NULL, 0, problems, error);
}

static void
test_file_formats (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(ConduitRecordWriter) writer = conduit_record_writer_new (memory, CONDUIT_RECORD_FORMAT_CSV);
  g_auto(GStrv) columns = NULL;
  const char *ndjson = "{\"a\": 1}\n\n{\"a\": 2, \"b\": [1]}\n";

  records = read_text (ndjson, CONDUIT_RECORD_FORMAT_NDJSON, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);

  columns = conduit_record_columns_of (records);
  conduit_record_writer_set_columns (writer, (const char * const *)columns);
  for (guint i = 0; i < records->len; i++)
    g_assert_true (conduit_record_writer_write (writer, g_ptr_array_index (records, i), &error));
  g_assert_true (conduit_record_writer_finish (writer, &error));
  g_assert_true (g_output_stream_close (memory, NULL, &error));
  g_assert_cmpmem (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                   g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)),
                   "a,b\r\n1,\r\n2,[1]\r\n", 16);
  g_clear_pointer (&records, g_ptr_array_unref);

  /* without a place for bad records, the first one is the error */
  records = read_text ("{\"a\": 1}\nnope\n", CONDUIT_RECORD_FORMAT_NDJSON, NULL, &error);
  g_assert_null (records);
  g_assert_nonnull (strstr (error->message, "line 2"));
  g_clear_error (&error);

  /* with one, it is listed and the rest is read */
  records = read_text ("[1, {\"a\": 2}]", CONDUIT_RECORD_FORMAT_JSON, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (problems->pdata[0]),
                                                           "message"), "item 1"));
  g_clear_pointer (&records, g_ptr_array_unref);

  records = read_text ("a\tb\n1\t2\t3\n1\t\n", CONDUIT_RECORD_FORMAT_CSV, problems, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (problems->pdata[1]), "raw"),
                   ==, "1\t2\t3");
  g_assert_cmpint (conduit_record_format_guess ("A.JSONL"), ==, CONDUIT_RECORD_FORMAT_NDJSON);
}

#define POLL_FLOW \
  "{ \"version\": 1, \"name\": \"Poll\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": [] } }," \
  "  { \"id\": \"check\", \"type\": \"filter\", \"position\": [200, 0]," \
  "    \"settings\": { \"condition\": \"id > 0\" } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"check\", \"to_port\": \"in\" } ] }"

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs one poll of the flow: returns the run, or NULL with @error when it could not start. */
static ConduitRun *
poll_run (RunnerFixture  *fixture,
          ConduitFlow    *flow,
          const char     *items_json,
          const char     *keys_text,
          const char     *cursor,
          GError        **error)
{
  g_autoptr(GPtrArray) items = runner_test_parse_items (items_json);
  g_auto(GStrv) keys = g_strsplit (keys_text, ",", -1);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  run = conduit_runner_create_run (fixture->runner, flow, "start", "schedule", items, &local_error);
  g_assert_no_error (local_error);
  conduit_run_set_poll (run, (const char * const *)keys, cursor);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, store_result_cb, &result);
  for (guint i = 0; i < 100000 && result == NULL; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  if (!conduit_run_execute_finish (run, result, error))
    return NULL;
  g_assert_true (conduit_history_store_flush (fixture->history, NULL));
  return g_steal_pointer (&run);
}

static void
test_poll_each_record_once (RunnerFixture *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (POLL_FLOW);
  g_autoptr(ConduitRun) first = NULL;
  g_autoptr(ConduitRun) second = NULL;
  g_autoptr(ConduitRun) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) items = NULL;
  char *cursor = NULL;

  first = poll_run (fixture, flow, "[{\"id\": 1}, {\"id\": 2}]", "1,2", "c1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_id (first), >, 0);
  g_assert_cmpint (conduit_run_get_status (first), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (conduit_run_get_node_output (first, "check", "match")->len, ==, 2);

  /* The next poll returns record 2 again: only record 3 goes through the flow. */
  second = poll_run (fixture, flow, "[{\"id\": 2}, {\"id\": 3}]", "2,3", "c2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_id (second), >, conduit_run_get_id (first));
  g_assert_cmpuint (conduit_run_get_node_output (second, "check", "match")->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (
                     g_ptr_array_index (conduit_run_get_node_output (second, "check", "match"), 0)),
                     "id"), ==, 3);
  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (second), "start",
                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, ==, "{\"id\":3}");

  /* Nothing new: no run is recorded and no node runs, but the cursor moves on. */
  third = poll_run (fixture, flow, "[{\"id\": 3}]", "3", "c3", &error);
  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_id (third), ==, 0);
  g_assert_cmpint (conduit_run_get_status (third), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_null (conduit_run_get_node_output (third, "check", "match"));
  runs = conduit_history_store_list_runs (fixture->history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_true (conduit_history_store_get_cursor (fixture->history, "Poll", "start", &cursor,
                                                   &error));
  g_assert_cmpstr (cursor, ==, "c3");
  g_free (cursor);
}

static void
test_poll_keys_must_match (RunnerFixture *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (POLL_FLOW);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) run = NULL;

  run = poll_run (fixture, flow, "[{\"id\": 1}, {\"id\": 2}]", "1", "c1", &error);
  g_assert_null (run);
  g_assert_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "1 keys for 2 records"));
}

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static char *
cli_credential_show (const char *id)
{
  const char *argv[] = { g_getenv ("CONDUIT_CLI"), "credential", "show", id, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* docs/credentials.md: an API answering 401 or 403 marks the credential "needs attention" in the
 * keyring with what the server said, and a later success clears the mark. Through a real run
 * of the HTTP step, checked with `conduit-cli credential show` as a user would. */
static void
test_refused_credential_marked (RunnerFixture *fixture,
                                gconstpointer  data)
{
  const char *unavailable = test_keyring_unavailable_reason ();
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(FaultServer) server = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) refused = NULL;
  g_autoptr(ConduitRun) accepted = NULL;
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  g_autofree char *shown = NULL;

  if (unavailable != NULL)
    {
      /* CI has a keyring (tests/run-headless): there a missing one is a failure, not a skip */
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("no keyring in CI: %s", unavailable);
      g_test_skip (unavailable);
      return;
    }

  server = fault_server_new ();
  url = fault_server_url (server, "/deals");
  fault_server_script (server, "/deals", "401");
  credential = conduit_credential_new ("t-refused-crm", CONDUIT_CREDENTIAL_KIND_BEARER);
  conduit_credential_set_secret (credential, "token", "tok-refused-5", NULL);
  conduit_credential_store_save_async (store, credential, NULL, on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Refused\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"deal\": 1 } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"credential\": \"t-refused-crm\","
    "                  \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }",
    url);
  flow = runner_test_flow (json);

  refused = runner_test_run (fixture, flow, NULL);
  g_assert_cmpint (conduit_run_get_status (refused), ==, CONDUIT_RUN_STATUS_FAILED);
  shown = cli_credential_show ("t-refused-crm");
  g_assert_nonnull (strstr (shown, "status:        needs attention\n"));
  g_assert_nonnull (strstr (shown, "server said:"));
  g_assert_nonnull (strstr (shown, "401"));
  g_clear_pointer (&shown, g_free);

  /* the server takes the credential again (the script is used up: "ok") */
  accepted = runner_test_run (fixture, flow, NULL);
  g_assert_cmpint (conduit_run_get_status (accepted), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  shown = cli_credential_show ("t-refused-crm");
  g_assert_nonnull (strstr (shown, "status:        ok\n"));

  conduit_credential_store_delete_async (store, "t-refused-crm", NULL, on_done, &result);
  g_assert_true (conduit_credential_store_delete_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
count_node_finished (ConduitRunner *runner,
                     ConduitRun    *run,
                     const char    *node_id,
                     guint          items_ok,
                     guint          items_failed,
                     guint          items_rejected,
                     guint         *n_finished)
{
  (*n_finished)++;
}

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* A trigger and a small mapping work their batch at once: a webhook's run does not go
 * through the main loop twice before its HTTP request, nor pay a GTask per step. */
static void
test_mapping_at_once (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Map\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": { \"items\": ["
    "      { \"Email\": \" ADA@Example.com \" } ] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(Email))\" } ] } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }");
  g_autoptr(ConduitRun) run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL,
                                                         NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint n_finished = 0;
  guint ok;

  conduit_run_record_async (run, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_run_record_finish (run, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  g_signal_connect (fixture->runner, "node-finished", G_CALLBACK (count_node_finished),
                    &n_finished);
  conduit_run_execute_async (run, NULL, on_result, &result);
  /* no iteration of the main loop yet: both steps are done */
  g_assert_cmpuint (n_finished, ==, 2);
  conduit_run_get_node_counts (run, "map", NULL, &ok, NULL, NULL);
  g_assert_cmpuint (ok, ==, 1);

  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_run_execute_finish (run, result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_signal_handlers_disconnect_by_func (fixture->runner, count_node_finished, &n_finished);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, RunnerFixture, NULL, runner_fixture_set_up, func, runner_fixture_tear_down)

  ADD ("/conduit/runner/nodes/mapping-rejects", test_mapping_rejects);
  ADD ("/conduit/runner/nodes/mapping-rejected-shaped", test_mapping_rejected_shaped);
  ADD ("/conduit/runner/nodes/mapping-rejected-shaping-refused", test_mapping_rejected_shaping_refused);
  ADD ("/conduit/runner/nodes/mapping-at-once", test_mapping_at_once);
  ADD ("/conduit/runner/nodes/filter", test_filter);
  ADD ("/conduit/runner/nodes/dedupe-across-runs", test_dedupe_across_runs);
  ADD ("/conduit/runner/nodes/dedupe-missing-key", test_dedupe_missing_key);
  ADD ("/conduit/runner/nodes/poll-each-record-once", test_poll_each_record_once);
  ADD ("/conduit/runner/nodes/poll-keys-must-match", test_poll_keys_must_match);
  ADD ("/conduit/runner/nodes/idempotency-key", test_idempotency_key);
  ADD ("/conduit/runner/nodes/templates-and-query", test_templates_and_query);
  ADD ("/conduit/runner/nodes/http-setting-changed", test_http_setting_changed);
  ADD ("/conduit/runner/nodes/http-not-a-web-address", test_http_not_a_web_address);
  ADD ("/conduit/runner/nodes/credential-and-redaction", test_credential_and_redaction);
  ADD ("/conduit/runner/nodes/refused-credential-marked", test_refused_credential_marked);
  ADD ("/conduit/runner/nodes/notify", test_notify);
  ADD ("/conduit/runner/nodes/files", test_files);
  g_test_add_func ("/conduit/runner/nodes/file-formats", test_file_formats);

  return g_test_run ();
}
