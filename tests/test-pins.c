/* test-pins.c
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

/* Pinned output and runs of one step (issue #20): the real runner with a real history in a
 * temporary folder. The steps that must not run are HTTP Requests to a port nobody listens on
 * (127.0.0.1:1): had one run, its items would have failed and the run with them. */

#define LINK(from, from_port, to, to_port) \
  "{ \"from\": \"" from "\", \"from_port\": \"" from_port "\", \"to\": \"" to "\"," \
  " \"to_port\": \"" to_port "\" }"

/* start → fetch (would fail) → crm (pinned, would fail) → map;  start → side (a branch of its
 * own, which must still run) */
#define PINNED_FLOW(pinned) \
  "{ \"version\": 1, \"name\": \"Pins\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"settings\": { \"items\": [ { \"n\": 1 } ] } }," \
  "  { \"id\": \"fetch\", \"type\": \"http-request\"," \
  "    \"settings\": { \"method\": \"GET\", \"url\": \"http://127.0.0.1:1/fetch\" } }," \
  "  { \"id\": \"crm\", \"type\": \"http-request\", \"title\": \"Create contact\"," \
  "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:1/contacts\" }" pinned " }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"settings\": {}," \
  "    \"mapping\": { \"rows\": [ { \"destination\": \"contact_id\", \"field\": \"body.id\" } ] } }," \
  "  { \"id\": \"side\", \"type\": \"mapping\", \"settings\": {}," \
  "    \"mapping\": { \"rows\": [ { \"destination\": \"m\", \"field\": \"n\" } ] } } ]," \
  " \"links\": [ " LINK ("start", "out", "fetch", "in") ", " LINK ("fetch", "out", "crm", "in") ", " \
  LINK ("crm", "out", "map", "in") ", " LINK ("start", "out", "side", "in") " ] }"

#define PINS ", \"pinned\": { \"out\": [ { \"status\": 201, \"body\": { \"id\": 7 } }," \
             " { \"status\": 201, \"body\": { \"id\": 8 } } ] }"

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

/* The node's own record in the history (attempt 0), or NULL when the run left it out. */
static char *
step_status (RunnerFixture *fixture,
             ConduitRun    *run,
             const char    *node_id)
{
  g_autoptr(GPtrArray) steps = runner_test_steps (fixture, run, node_id, FALSE);

  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      if (step->attempt == 0)
        return g_strdup (step->status);
    }
  return NULL;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_run_execute_finish (CONDUIT_RUN (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
execute (RunnerFixture *fixture,
         ConduitRun    *run)
{
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;

  conduit_run_execute_async (run, NULL, run_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
}

static ConduitRun *
run_flow (RunnerFixture *fixture,
          ConduitFlow   *flow,
          gboolean       use_pins)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL,
                                                         &error);

  g_assert_no_error (error);
  conduit_run_set_use_pins (run, use_pins);
  g_assert_true (conduit_run_get_use_pins (run) == use_pins);
  conduit_run_set_keep_outputs (run, TRUE);
  execute (fixture, run);
  return g_steal_pointer (&run);
}

/* A run with pins does not execute the pinned step nor the step that only feeds it: the map
 * after it works on the pinned items, the other branch runs as always, the history shows the
 * pinned step as "pinned" and has no record of the step before it. */
static void
test_skip_execution (RunnerFixture *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (PINNED_FLOW (PINS));
  g_autoptr(ConduitRun) run = run_flow (fixture, flow, TRUE);
  g_autofree char *map_out = outputs_of (fixture, run, "map", "out");
  g_autofree char *crm_out = outputs_of (fixture, run, "crm", "out");
  g_autofree char *side_out = outputs_of (fixture, run, "side", "out");
  g_autofree char *crm_status = step_status (fixture, run, "crm");
  g_autofree char *fetch_status = step_status (fixture, run, "fetch");
  g_autofree char *map_status = step_status (fixture, run, "map");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (map_out, ==, "{\"contact_id\":7}\n{\"contact_id\":8}");
  g_assert_cmpstr (crm_out, ==,
                   "{\"status\":201,\"body\":{\"id\":7}}\n{\"status\":201,\"body\":{\"id\":8}}");
  g_assert_cmpstr (side_out, ==, "{\"m\":1}");
  g_assert_cmpstr (crm_status, ==, "pinned");
  g_assert_cmpstr (conduit_run_get_node_state (run, "crm"), ==, "pinned");
  g_assert_null (fetch_status);
  g_assert_cmpstr (conduit_run_get_node_state (run, "fetch"), ==, "skipped");
  g_assert_cmpstr (map_status, ==, "ok");
}

/* The same flow without pins calls the upstream steps, which fail: the test above could not
 * pass by a runner that ignores where fetch leads. */
static void
test_without_pins_calls (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (PINNED_FLOW (PINS));
  g_autoptr(ConduitRun) run = run_flow (fixture, flow, FALSE);
  g_autofree char *fetch_status = step_status (fixture, run, "fetch");
  g_autofree char *map_out = outputs_of (fixture, run, "map", "out");

  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (fetch_status, ==, "failed");
  g_assert_cmpstr (map_out, ==, "");
}

/* A pinned trigger sends its pinned items instead of its samples. */
static void
test_pinned_trigger (RunnerFixture *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Pinned trigger\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"settings\": { \"items\": [ { \"n\": 1 } ] },"
    "    \"pinned\": { \"out\": [ { \"n\": 5 }, { \"n\": 6 } ] } },"
    "  { \"id\": \"side\", \"type\": \"mapping\", \"settings\": {},"
    "    \"mapping\": { \"rows\": [ { \"destination\": \"m\", \"field\": \"n\" } ] } } ],"
    " \"links\": [ " LINK ("start", "out", "side", "in") " ] }");
  g_autoptr(ConduitRun) run = run_flow (fixture, flow, TRUE);
  g_autofree char *side_out = outputs_of (fixture, run, "side", "out");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (side_out, ==, "{\"m\":5}\n{\"m\":6}");
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

/* A Merge fed by a pinned branch and a live one waits for both: the pinned step starts on its
 * own, the step before it is left out, the live branch runs, and Merge appends them. */
static void
test_merge_with_pin (RunnerFixture *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Merge\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"settings\": { \"items\": [ { \"n\": 1 } ] } },"
    "  { \"id\": \"fetch\", \"type\": \"http-request\","
    "    \"settings\": { \"method\": \"GET\", \"url\": \"http://127.0.0.1:1/fetch\" } },"
    "  { \"id\": \"crm\", \"type\": \"http-request\","
    "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:1/contacts\" },"
    "    \"pinned\": { \"out\": [ { \"p\": 1 }, { \"p\": 2 } ] } },"
    "  { \"id\": \"side\", \"type\": \"mapping\", \"settings\": {},"
    "    \"mapping\": { \"rows\": [ { \"destination\": \"m\", \"field\": \"n\" } ] } },"
    "  { \"id\": \"join\", \"type\": \"merge\", \"settings\": { \"mode\": \"append\" } } ],"
    " \"links\": [ " LINK ("start", "out", "fetch", "in") ", " LINK ("fetch", "out", "crm", "in") ", "
    LINK ("crm", "out", "join", "a") ", " LINK ("start", "out", "side", "in") ", "
    LINK ("side", "out", "join", "b") " ] }");
  g_autoptr(ConduitRun) run = run_flow (fixture, flow, TRUE);
  g_autofree char *join_out = outputs_of (fixture, run, "join", "out");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (join_out, ==, "{\"p\":1}\n{\"p\":2}\n{\"m\":1}");
  g_assert_cmpstr (conduit_run_get_node_state (run, "fetch"), ==, "skipped");
  g_assert_cmpuint (conduit_run_get_record (run)->items_ok, ==, 3);
}

/* "pinned" is kept through a load and a save byte for byte, changes the flow (so a document
 * is marked unsaved), and is refused on a port the step does not have or when not an array. */
static void
test_flow_file (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  g_autoptr(ConduitFlow) flow = runner_test_flow (PINNED_FLOW (PINS));
  g_autoptr(ConduitFlow) again = NULL;
  g_autoptr(ConduitFlow) bad = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = conduit_flow_to_data (flow, NULL);
  g_autofree char *saved_again = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  ConduitNode *crm;
  guint changes = 0;
  gboolean port_found = FALSE, array_found = FALSE;

  g_assert_nonnull (strstr (saved, "\"pinned\": {\n        \"out\": [\n"));
  again = conduit_flow_new_from_data (registry, saved, -1, NULL, &error);
  g_assert_no_error (error);
  saved_again = conduit_flow_to_data (again, NULL);
  g_assert_cmpstr (saved, ==, saved_again);

  crm = conduit_flow_lookup_node (again, "crm");
  items = conduit_node_dup_pinned_items (crm, "out");
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_null (conduit_node_dup_pinned_items (crm, "error"));
  g_assert_null (conduit_node_get_pinned (conduit_flow_lookup_node (again, "map")));

  g_signal_connect_swapped (again, "changed", G_CALLBACK (count_change), &changes);
  conduit_node_set_pinned (crm, NULL);
  g_assert_cmpuint (changes, ==, 1);
  g_clear_pointer (&saved_again, g_free);
  saved_again = conduit_flow_to_data (again, NULL);
  g_assert_null (strstr (saved_again, "pinned"));

  bad = conduit_flow_new_from_data (registry,
                                    PINNED_FLOW (", \"pinned\": { \"result\": [], \"out\": 3 }"), -1,
                                    &problems, &error);
  g_assert_null (bad);
  g_assert_nonnull (problems);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *problem = conduit_flow_problem_format (g_ptr_array_index (problems, i));

      g_string_append_printf (text, "%s\n", problem);
      if (strstr (problem, "/nodes/2/pinned/result") != NULL &&
          strstr (problem, "data is pinned on “result”, which is not an output of HTTP Request "
                           "(it has “out”, “error”)") != NULL)
        port_found = TRUE;
      if (strstr (problem, "/nodes/2/pinned/out") != NULL &&
          strstr (problem, "must be an array of items, not a whole number") != NULL)
        array_found = TRUE;
    }
  g_test_message ("%s", text->str);
  g_assert_true (port_found);
  g_assert_true (array_found);
}

/* Run one step: on its upstream step's pinned data; on the upstream step's output in an
 * earlier run; with a clear message when there is nothing to run on; a trigger on its samples. */
static void
test_run_step (RunnerFixture *fixture,
               gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (PINNED_FLOW (PINS));
  g_autoptr(ConduitFlow) unpinned = runner_test_flow (PINNED_FLOW (""));
  g_autoptr(GHashTable) outputs = conduit_step_outputs_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autofree char *map_out = NULL;
  g_autofree char *fetch_status = NULL;

  run = conduit_run_new_for_step (fixture->runner, flow, "map", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_run_get_step_id (run), ==, "map");
  execute (fixture, run);
  map_out = outputs_of (fixture, run, "map", "out");
  fetch_status = step_status (fixture, run, "fetch");
  g_assert_cmpstr (map_out, ==, "{\"contact_id\":7}\n{\"contact_id\":8}");
  g_assert_null (fetch_status);
  g_assert_cmpstr (conduit_run_get_node_state (run, "crm"), ==, "skipped");
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (conduit_run_get_trigger_kind (run), ==, "step");
  g_assert_cmpuint (conduit_run_get_record (run)->items_in, ==, 2);
  g_assert_nonnull (conduit_run_get_node_output (run, "map", "out"));

  /* unpinned, nothing before it has run: say so, naming the step before */
  g_clear_object (&run);
  run = conduit_run_new_for_step (fixture->runner, unpinned, "map", NULL, NULL, &error);
  g_assert_null (run);
  g_assert_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“map” has no input to run on: “Create contact” "
                                            "before it has neither pinned data nor output"));
  g_clear_error (&error);

  /* a step right after the trigger runs on the trigger's samples */
  run = conduit_run_new_for_step (fixture->runner, unpinned, "side", NULL, NULL, &error);
  g_assert_no_error (error);
  execute (fixture, run);
  g_clear_pointer (&map_out, g_free);
  map_out = outputs_of (fixture, run, "side", "out");
  g_assert_cmpstr (map_out, ==, "{\"m\":1}");

  /* the output of the step before in an earlier run: a run of crm's pins fills the table,
   * then map runs on it in the unpinned flow */
  g_clear_object (&run);
  run = run_flow (fixture, flow, TRUE);
  conduit_run_collect_outputs (run, outputs);
  g_assert_true (g_hash_table_contains (outputs, "crm"));
  g_assert_false (g_hash_table_contains (outputs, "fetch"));
  g_clear_object (&run);
  run = conduit_run_new_for_step (fixture->runner, unpinned, "map", outputs, NULL, &error);
  g_assert_no_error (error);
  execute (fixture, run);
  g_clear_pointer (&map_out, g_free);
  map_out = outputs_of (fixture, run, "map", "out");
  g_assert_cmpstr (map_out, ==, "{\"contact_id\":7}\n{\"contact_id\":8}");
}

/* The mapping table's samples: pinned data upstream wins over the trigger's samples. */
static void
test_samples (void)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (PINNED_FLOW (PINS));
  g_autoptr(ConduitFlow) unpinned = runner_test_flow (PINNED_FLOW (""));
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ConduitNode *found;

  found = conduit_flow_find_upstream_samples (flow, conduit_flow_lookup_node (flow, "map"), 10,
                                              records);
  g_assert_nonnull (found);
  g_assert_cmpstr (conduit_node_get_id (found), ==, "crm");
  g_assert_cmpuint (records->len, ==, 2);

  g_ptr_array_set_size (records, 0);
  found = conduit_flow_find_upstream_samples (unpinned, conduit_flow_lookup_node (unpinned, "map"),
                                              10, records);
  g_assert_cmpstr (conduit_node_get_id (found), ==, "start");
  g_assert_cmpuint (records->len, ==, 1);
}

static int
run_cli (const char * const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (g_getenv ("CONDUIT_CLI"));
  g_ptr_array_add (argv, (char *)g_getenv ("CONDUIT_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* conduit-cli run --use-pins, --step and --step --from-run. */
static void
test_cli (RunnerFixture *fixture,
          gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "pins.conduit", NULL);
  g_autofree char *unpinned_path = g_build_filename (fixture->dir, "unpinned.conduit", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, PINNED_FLOW (PINS), -1, &error));
  g_assert_true (g_file_set_contents (unpinned_path, PINNED_FLOW (""), -1, &error));
  g_assert_no_error (error);

  {
    const char *args[] = { "run", path, "--no-history", "--use-pins", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_test_message ("%s", out);
    g_assert_true (g_regex_match_simple ("^crm +http-request +pinned +0 +2 ", out,
                                         G_REGEX_MULTILINE, 0));
    g_assert_true (g_regex_match_simple ("^map +mapping +ok +2 +2 ", out, G_REGEX_MULTILINE, 0));
  }
  {
    /* serve's rule by default: pins are used only when asked for */
    const char *args[] = { "run", path, "--no-history", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), !=, 0);
    g_assert_true (g_regex_match_simple ("^fetch +http-request +failed ", out,
                                         G_REGEX_MULTILINE, 0));
  }
  {
    const char *args[] = { "run", path, "--no-history", "--step", "map", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 0);
    g_assert_true (g_regex_match_simple ("^map +mapping +ok +2 +2 ", out, G_REGEX_MULTILINE, 0));
    g_assert_null (strstr (out, "fetch"));
  }
  {
    const char *args[] = { "run", unpinned_path, "--no-history", "--step", "map", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "“map” has no input to run on"));
  }
  {
    /* a past run's recorded output of crm (here its pins) feeds map in the unpinned flow */
    g_autofree char *db = g_build_filename (fixture->dir, "cli-history.db", NULL);
    const char *record[] = { "run", path, "--history", db, "--use-pins", NULL };
    const char *step[] = { "run", unpinned_path, "--history", db, "--step", "map", "--from-run",
                           "1", NULL };
    const char *missing[] = { "run", unpinned_path, "--history", db, "--step", "map",
                              "--from-run", "99", NULL };
    const char *no_step[] = { "run", unpinned_path, "--history", db, "--from-run", "1", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (record, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "Run 1: succeeded"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (step, &out, &err), ==, 0);
    g_assert_true (g_regex_match_simple ("^map +mapping +ok +2 +2 ", out, G_REGEX_MULTILINE, 0));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (missing, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "run 99 cannot be used"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (run_cli (no_step, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "--from-run needs --step"));
  }
  {
    const char *args[] = { "run", unpinned_path, "--no-history", "--step", "ghost", NULL };
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (run_cli (args, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "has no step “ghost”"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, RunnerFixture, NULL, runner_fixture_set_up, func, runner_fixture_tear_down)

  ADD ("/conduit/pins/run/skip-execution", test_skip_execution);
  ADD ("/conduit/pins/run/without-pins-calls", test_without_pins_calls);
  ADD ("/conduit/pins/run/pinned-trigger", test_pinned_trigger);
  ADD ("/conduit/pins/run/merge-with-pin", test_merge_with_pin);
  g_test_add_func ("/conduit/pins/flow-file", test_flow_file);
  ADD ("/conduit/pins/step/run", test_run_step);
  g_test_add_func ("/conduit/pins/samples", test_samples);
  ADD ("/conduit/pins/cli", test_cli);

  return g_test_run ();
}
