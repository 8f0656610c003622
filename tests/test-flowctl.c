/* test-flowctl.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "conduit.h"
#include "runner-test-util.h"

/* Flow control (issue #22): disabled steps, Wait, Merge and Switch, run by the real runner
 * with a real history in a temporary folder and, for waits, the fake clock. */

#define TRIGGER(items) \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": " items " } },"
#define LINK(from, from_port, to, to_port) \
  "{ \"from\": \"" from "\", \"from_port\": \"" from_port "\", \"to\": \"" to "\"," \
  " \"to_port\": \"" to_port "\" }"

static ConduitRun *
run_json (RunnerFixture *fixture,
          const char    *json)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);

  return runner_test_run (fixture, flow, NULL);
}

/* What left @node_id by @port, as compact JSON texts joined by "\n", in order. */
static char *
outputs_of (RunnerFixture *fixture,
            ConduitRun    *run,
            const char    *node_id,
            const char    *port)
{
  g_autoptr(GPtrArray) items = conduit_history_store_list_items (fixture->history,
                                                                 conduit_run_get_id (run),
                                                                 node_id, NULL);
  g_autoptr(GString) text = g_string_new (NULL);

  g_assert_nonnull (items);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (!item->is_output || !g_str_equal (item->port, port))
        continue;
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, item->data);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_counts (ConduitRun *run,
               const char *node_id,
               guint       in,
               guint       ok,
               guint       failed)
{
  guint items_in = 0, items_ok = 0, items_failed = 0, items_rejected = 0;

  g_assert_true (conduit_run_get_node_counts (run, node_id, &items_in, &items_ok, &items_failed,
                                              &items_rejected));
  g_assert_cmpuint (items_in, ==, in);
  g_assert_cmpuint (items_ok, ==, ok);
  g_assert_cmpuint (items_failed, ==, failed);
}

/* A disabled step does nothing: a Map Fields that would rename fields and an HTTP Request to a
 * port nobody listens on both pass the items through untouched, and the run succeeds. */
static void
test_disabled_pass_through (RunnerFixture *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Disabled\", \"nodes\": ["
    TRIGGER ("[ { \"n\": 1 }, { \"n\": 2 } ]")
    "  { \"id\": \"map\", \"type\": \"mapping\", \"disabled\": true, \"settings\": {},"
    "    \"mapping\": { \"rows\": [ { \"destination\": \"m\", \"field\": \"n\" } ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"disabled\": true,"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:1/never\" } } ],"
    " \"links\": [ " LINK ("start", "out", "map", "in") ", " LINK ("map", "out", "call", "in") " ] }");
  g_autofree char *map_out = outputs_of (fixture, run, "map", "out");
  g_autofree char *call_out = outputs_of (fixture, run, "call", "out");
  g_autofree char *call_error = outputs_of (fixture, run, "call", "error");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (map_out, ==, "{\"n\":1}\n{\"n\":2}");
  g_assert_cmpstr (call_out, ==, "{\"n\":1}\n{\"n\":2}");
  g_assert_cmpstr (call_error, ==, "");
  assert_counts (run, "call", 2, 2, 0);
  g_assert_cmpuint (conduit_run_get_record (run)->items_ok, ==, 2);
}

/* The same flow with the step enabled does its work: the test above could not pass by a step
 * that ignores its settings anyway. */
static void
test_disabled_enabled_works (RunnerFixture *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Enabled\", \"nodes\": ["
    TRIGGER ("[ { \"n\": 1 } ]")
    "  { \"id\": \"map\", \"type\": \"mapping\", \"disabled\": false, \"settings\": {},"
    "    \"mapping\": { \"rows\": [ { \"destination\": \"m\", \"field\": \"n\" } ] } } ],"
    " \"links\": [ " LINK ("start", "out", "map", "in") " ] }");
  g_autofree char *map_out = outputs_of (fixture, run, "map", "out");

  g_assert_cmpstr (map_out, ==, "{\"m\":1}");
}

/* "disabled" is kept when the flow is saved, left out when false, and refused when not a
 * boolean, naming where. */
static void
test_disabled_flow_file (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  const char *good =
    "{ \"version\": 1, \"name\": \"F\", \"nodes\": ["
    TRIGGER ("[]")
    "  { \"id\": \"f\", \"type\": \"filter\", \"disabled\": true,"
    "    \"settings\": { \"condition\": \"n > 1\" } } ], \"links\": [] }";
  const char *bad =
    "{ \"version\": 1, \"name\": \"F\", \"nodes\": ["
    TRIGGER ("[]")
    "  { \"id\": \"f\", \"type\": \"filter\", \"disabled\": \"yes\","
    "    \"settings\": { \"condition\": \"n > 1\" } } ], \"links\": [] }";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (registry, good, -1, NULL, &error);
  g_autoptr(ConduitFlow) bad_flow = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autofree char *text = NULL;
  ConduitNode *start, *filter;
  gboolean found = FALSE;

  g_assert_no_error (error);
  filter = conduit_flow_lookup_node (flow, "f");
  start = conduit_flow_lookup_node (flow, "start");
  g_assert_true (conduit_node_get_disabled (filter));
  g_assert_false (conduit_node_get_disabled (start));

  saved = conduit_node_to_json (filter);
  text = json_to_string (saved, FALSE);
  g_assert_nonnull (strstr (text, "\"disabled\":true"));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&saved, json_node_unref);
  saved = conduit_node_to_json (start);
  text = json_to_string (saved, FALSE);
  g_assert_null (strstr (text, "disabled"));

  bad_flow = conduit_flow_new_from_data (registry, bad, -1, &problems, &error);
  g_assert_null (bad_flow);
  g_assert_nonnull (problems);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *problem = conduit_flow_problem_format (g_ptr_array_index (problems, i));

      if (strstr (problem, "/nodes/1/disabled") != NULL &&
          strstr (problem, "must be true or false") != NULL)
        found = TRUE;
    }
  g_assert_true (found);
}

/* Each batch waits its seconds on the run's clock: 600 items are two batches, two waits. */
static void
test_wait_seconds (RunnerFixture *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) items = g_string_new ("[");
  g_autoptr(GString) json = g_string_new (NULL);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  GPtrArray *sleeps;
  gint64 before = conduit_clock_get_wall_us (fixture->clock);

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (items, "%s{\"i\":%u}", i > 0 ? "," : "", i);
  g_string_append (items, "]");
  g_string_printf (json,
    "{ \"version\": 1, \"name\": \"Wait\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"settings\": { \"items\": %s } },"
    "  { \"id\": \"wait\", \"type\": \"wait\", \"settings\": { \"seconds\": 30 } } ],"
    " \"links\": [ " LINK ("start", "out", "wait", "in") " ] }", items->str);
  flow = runner_test_flow (json->str);
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  assert_counts (run, "wait", 600, 600, 0);
  sleeps = conduit_clock_get_sleeps (fixture->clock);
  g_assert_cmpuint (sleeps->len, ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (sleeps, 0)), ==, 30000);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (sleeps, 1)), ==, 30000);
  g_assert_cmpint (conduit_clock_get_wall_us (fixture->clock) - before, >=, 60 * G_USEC_PER_SEC);
}

/* "until" waits for the latest item's time; a time in the past does not wait; an item whose
 * time cannot be read, or is more than a day away, goes to the error port, saying why. */
static void
test_wait_until (RunnerFixture *fixture,
                 gconstpointer  data)
{
  /* the fake clock starts at 1700000000 = 2023-11-14T22:13:20Z */
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Until\", \"nodes\": ["
    TRIGGER ("[ { \"at\": \"2023-11-14T22:14:20Z\" }, { \"at\": 1700000090 },"
             "  { \"at\": \"2020-01-01T00:00:00Z\" }, { \"at\": \"soon\" },"
             "  { \"at\": \"2023-11-20T00:00:00Z\" } ]")
    "  { \"id\": \"wait\", \"type\": \"wait\", \"settings\": { \"until\": \"at\" } } ],"
    " \"links\": [ " LINK ("start", "out", "wait", "in") " ] }");
  GPtrArray *sleeps = conduit_clock_get_sleeps (fixture->clock);
  g_autofree char *errors = outputs_of (fixture, run, "wait", "error");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
  assert_counts (run, "wait", 5, 3, 2);
  g_assert_cmpuint (sleeps->len, ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (sleeps, 0)), ==, 90000);
  g_assert_nonnull (strstr (errors, "not an ISO 8601 time"));
  g_assert_nonnull (strstr (errors, "more than a day away"));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  g_assert_no_error (error);
}

/* On the system clock, an hour's wait ends as soon as the run is cancelled (Stop, or a server
 * draining at its deadline): the run ends "cancelled", not an hour later. */
static void
test_wait_cancel (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Long wait\", \"nodes\": ["
    TRIGGER ("[ { \"n\": 1 } ]")
    "  { \"id\": \"wait\", \"type\": \"wait\", \"settings\": { \"seconds\": 3600 } } ],"
    " \"links\": [ " LINK ("start", "out", "wait", "in") " ] }");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ConduitRun) run = NULL;
  gint64 started = g_get_monotonic_time ();

  conduit_runner_set_clock (fixture->runner, conduit_clock_get_system ());
  conduit_runner_run_async (fixture->runner, flow, NULL, NULL, cancellable, run_done_cb, &run);
  g_timeout_add (200, cancel_cb, cancellable);
  while (run == NULL && g_get_monotonic_time () - started < 30 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (run);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 30 * G_USEC_PER_SEC);
  assert_counts (run, "wait", 1, 0, 0);
}

/* A Filter splits the items; Merge puts A's (no match) before B's (match), each in order. */
static void
test_merge_append (RunnerFixture *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Append\", \"nodes\": ["
    TRIGGER ("[ { \"n\": 1 }, { \"n\": 5 }, { \"n\": 2 }, { \"n\": 6 } ]")
    "  { \"id\": \"split\", \"type\": \"filter\", \"settings\": { \"condition\": \"n > 4\" } },"
    "  { \"id\": \"merge\", \"type\": \"merge\", \"settings\": { \"mode\": \"append\" } } ],"
    " \"links\": [ " LINK ("start", "out", "split", "in") ", "
    LINK ("split", "match", "merge", "b") ", " LINK ("split", "no_match", "merge", "a") " ] }");
  g_autofree char *out = outputs_of (fixture, run, "merge", "out");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (out, ==, "{\"n\":1}\n{\"n\":2}\n{\"n\":5}\n{\"n\":6}");
  assert_counts (run, "merge", 4, 4, 0);
}

#define JOIN_ITEMS \
  "[ { \"kind\": \"customer\", \"cid\": 1, \"name\": \"Ada\" }," \
  "  { \"kind\": \"customer\", \"cid\": 2, \"name\": \"Bob\" }," \
  "  { \"kind\": \"customer\", \"name\": \"No id\" }," \
  "  { \"kind\": \"order\", \"cid\": 1, \"total\": 10 }," \
  "  { \"kind\": \"order\", \"cid\": 1, \"total\": 20 }," \
  "  { \"kind\": \"order\", \"cid\": 3, \"total\": 30 }," \
  "  { \"kind\": \"order\", \"cid\": \"1\", \"total\": 40 } ]"

static ConduitRun *
run_join (RunnerFixture *fixture,
          const char    *mode)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Join\", \"nodes\": ["
    TRIGGER (JOIN_ITEMS)
    "  { \"id\": \"split\", \"type\": \"filter\","
    "    \"settings\": { \"condition\": \"kind == \\\"order\\\"\" } },"
    "  { \"id\": \"merge\", \"type\": \"merge\","
    "    \"settings\": { \"mode\": \"%s\", \"key\": \"cid\" } } ],"
    " \"links\": [ " LINK ("start", "out", "split", "in") ", "
    LINK ("split", "match", "merge", "b") ", " LINK ("split", "no_match", "merge", "a") " ] }",
    mode);

  return run_json (fixture, json);
}

/* Pairs with equal keys, A's fields first and kept; every item without a partner leaves
 * through "unmatched" (the text "1" is not the number 1). */
static void
test_merge_inner (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_join (fixture, "inner");
  g_autofree char *out = outputs_of (fixture, run, "merge", "out");
  g_autofree char *unmatched = outputs_of (fixture, run, "merge", "unmatched");

  g_assert_cmpstr (out, ==,
    "{\"kind\":\"customer\",\"cid\":1,\"name\":\"Ada\",\"total\":10}\n"
    "{\"kind\":\"customer\",\"cid\":1,\"name\":\"Ada\",\"total\":20}");
  g_assert_cmpstr (unmatched, ==,
    "{\"kind\":\"customer\",\"cid\":2,\"name\":\"Bob\"}\n"
    "{\"kind\":\"customer\",\"name\":\"No id\"}\n"
    "{\"kind\":\"order\",\"cid\":3,\"total\":30}\n"
    "{\"kind\":\"order\",\"cid\":\"1\",\"total\":40}");
  assert_counts (run, "merge", 7, 6, 0);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
}

static void
test_merge_left (RunnerFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_join (fixture, "left");
  g_autofree char *out = outputs_of (fixture, run, "merge", "out");
  g_autofree char *unmatched = outputs_of (fixture, run, "merge", "unmatched");

  g_assert_cmpstr (out, ==,
    "{\"kind\":\"customer\",\"cid\":1,\"name\":\"Ada\",\"total\":10}\n"
    "{\"kind\":\"customer\",\"cid\":1,\"name\":\"Ada\",\"total\":20}\n"
    "{\"kind\":\"customer\",\"cid\":2,\"name\":\"Bob\"}\n"
    "{\"kind\":\"customer\",\"name\":\"No id\"}");
  g_assert_cmpstr (unmatched, ==,
    "{\"kind\":\"order\",\"cid\":3,\"total\":30}\n"
    "{\"kind\":\"order\",\"cid\":\"1\",\"total\":40}");
}

/* Matching by key without a key fails the node, naming the setting; its items are failed,
 * not lost. */
static void
test_merge_needs_key (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"No key\", \"nodes\": ["
    TRIGGER ("[ { \"n\": 1 }, { \"n\": 5 } ]")
    "  { \"id\": \"split\", \"type\": \"filter\", \"settings\": { \"condition\": \"n > 4\" } },"
    "  { \"id\": \"merge\", \"type\": \"merge\", \"settings\": { \"mode\": \"inner\" } } ],"
    " \"links\": [ " LINK ("start", "out", "split", "in") ", "
    LINK ("split", "match", "merge", "b") ", " LINK ("split", "no_match", "merge", "a") " ] }");
  g_autofree char *errors = outputs_of (fixture, run, "merge", "error");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  assert_counts (run, "merge", 2, 0, 2);
  g_assert_nonnull (strstr (errors, "needs a key"));
}

/* First matching rule wins; an item no rule meets goes to fallback; one a rule cannot be
 * worked out for goes to error; items stay in order on each port. */
static void
test_switch (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_json (fixture,
    "{ \"version\": 1, \"name\": \"Switch\", \"nodes\": ["
    TRIGGER ("[ { \"c\": \"DE\", \"t\": 5 }, { \"c\": \"FR\", \"t\": 500 },"
             "  { \"c\": \"DE\", \"t\": 500 }, { \"c\": \"US\", \"t\": 1 },"
             "  { \"c\": \"IT\", \"t\": \"lots\" } ]")
    "  { \"id\": \"sw\", \"type\": \"switch\", \"settings\": {"
    "      \"rule_1\": \"c == \\\"DE\\\"\", \"rule_2\": \"\","
    "      \"rule_3\": \"to_number(t) > 100\", \"rule_4\": \"c == \\\"FR\\\"\" } } ],"
    " \"links\": [ " LINK ("start", "out", "sw", "in") " ] }");
  g_autofree char *r1 = outputs_of (fixture, run, "sw", "rule_1");
  g_autofree char *r2 = outputs_of (fixture, run, "sw", "rule_2");
  g_autofree char *r3 = outputs_of (fixture, run, "sw", "rule_3");
  g_autofree char *r4 = outputs_of (fixture, run, "sw", "rule_4");
  g_autofree char *fallback = outputs_of (fixture, run, "sw", "fallback");
  g_autofree char *errors = outputs_of (fixture, run, "sw", "error");

  g_assert_cmpstr (r1, ==, "{\"c\":\"DE\",\"t\":5}\n{\"c\":\"DE\",\"t\":500}");
  g_assert_cmpstr (r2, ==, "");
  g_assert_cmpstr (r3, ==, "{\"c\":\"FR\",\"t\":500}");
  g_assert_cmpstr (r4, ==, "");
  g_assert_cmpstr (fallback, ==, "{\"c\":\"US\",\"t\":1}");
  g_assert_nonnull (strstr (errors, "rule 3 could not be worked out"));
  assert_counts (run, "sw", 5, 4, 1);
}

/* A Switch without its first rule is refused when the flow is loaded, naming the setting. */
static void
test_switch_no_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (
    conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Switch\", \"nodes\": ["
    TRIGGER ("[ { \"c\": \"DE\" } ]")
    "  { \"id\": \"sw\", \"type\": \"switch\", \"settings\": { \"rule_1\": \" \" } } ],"
    " \"links\": [ " LINK ("start", "out", "sw", "in") " ] }", -1, NULL, &error);

  g_assert_null (flow);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nodes/1/settings/rule_1"));
}

static int
run_cli (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (g_getenv ("CONDUIT_CLI"));
  g_ptr_array_add (argv, (char *)g_getenv ("CONDUIT_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (err != NULL && err[0] != '\0')
    g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

#define CLI_FLOW(rule) \
  "{ \"version\": 1, \"name\": \"Flow control\", \"nodes\": [" \
  TRIGGER ("[ { \"n\": 1 }, { \"n\": 2 }, { \"n\": 3 } ]") \
  "  { \"id\": \"sw\", \"type\": \"switch\", \"settings\": { \"rule_1\": \"" rule "\" } }," \
  "  { \"id\": \"hold\", \"type\": \"wait\", \"settings\": { \"seconds\": 3600 } }," \
  "  { \"id\": \"call\", \"type\": \"http-request\", \"disabled\": true," \
  "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:1/never\" } }," \
  "  { \"id\": \"join\", \"type\": \"merge\", \"settings\": { \"mode\": \"append\" } } ]," \
  " \"links\": [ " LINK ("start", "out", "sw", "in") ", " LINK ("sw", "rule_1", "hold", "in") ", " \
  LINK ("sw", "fallback", "call", "in") ", " LINK ("hold", "out", "join", "a") ", " \
  LINK ("call", "out", "join", "b") " ] }"

/* `conduit-cli test` replays a flow with all four: the hour's Wait does not hold the replay
 * (it waits on a fake clock), the disabled HTTP Request calls nothing and needs no
 * recording, and a changed rule fails the test, naming the step. */
static void
test_cli_replay (RunnerFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (CLI_FLOW ("n > 1"));
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  g_autofree char *flow_path = g_build_filename (fixture->dir, "control.conduit", NULL);
  g_autofree char *tests_path = g_build_filename (fixture->dir, "control.tests.json", NULL);
  g_autofree char *db = g_build_filename (fixture->dir, "history.db", NULL);
  g_autofree char *run_text = g_strdup_printf ("%" G_GINT64_FORMAT, conduit_run_get_id (run));
  g_autofree char *join_out = outputs_of (fixture, run, "join", "out");
  g_autoptr(GError) error = NULL;
  gint64 started;

  g_assert_cmpstr (join_out, ==, "{\"n\":2}\n{\"n\":3}\n{\"n\":1}");
  g_assert_true (g_file_set_contents (flow_path, CLI_FLOW ("n > 1"), -1, &error));
  g_assert_no_error (error);

  {
    const char *args[] = { "test", "save", run_text, "--flow", flow_path, "--history", db,
                           "--name", "flow control", NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_true (g_file_test (tests_path, G_FILE_TEST_EXISTS));
  }

  started = g_get_monotonic_time ();
  {
    const char *args[] = { "test", flow_path, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, "PASS"));
  }
  g_assert_cmpint (g_get_monotonic_time () - started, <, 60 * G_USEC_PER_SEC);

  g_assert_true (g_file_set_contents (flow_path, CLI_FLOW ("n > 2"), -1, &error));
  {
    const char *args[] = { "test", flow_path, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (args, &out), !=, 0);
    g_assert_nonnull (strstr (out, "FAIL"));
    g_assert_nonnull (strstr (out, "(sw), port rule_1"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, RunnerFixture, NULL, runner_fixture_set_up, func, runner_fixture_tear_down)

  ADD ("/conduit/flowctl/disabled/pass-through", test_disabled_pass_through);
  ADD ("/conduit/flowctl/disabled/enabled-works", test_disabled_enabled_works);
  g_test_add_func ("/conduit/flowctl/disabled/flow-file", test_disabled_flow_file);
  ADD ("/conduit/flowctl/wait/seconds", test_wait_seconds);
  ADD ("/conduit/flowctl/wait/until", test_wait_until);
  ADD ("/conduit/flowctl/wait/cancel", test_wait_cancel);
  ADD ("/conduit/flowctl/merge/append", test_merge_append);
  ADD ("/conduit/flowctl/merge/inner", test_merge_inner);
  ADD ("/conduit/flowctl/merge/left", test_merge_left);
  ADD ("/conduit/flowctl/merge/needs-key", test_merge_needs_key);
  ADD ("/conduit/flowctl/switch/rules", test_switch);
  g_test_add_func ("/conduit/flowctl/switch/no-rules", test_switch_no_rules);
  ADD ("/conduit/flowctl/cli-test/replay", test_cli_replay);

  return g_test_run ();
}
