/* test-run-export.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "test-util.h"

/* The app's "Export Run" and `conduit-cli history show --json` write one JSON form of a run:
 * the engine's conduit_run_export_to_json(). */

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

static void
test_app_and_cli_agree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-run-export-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *id_text = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *logged = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(JsonNode) ours = NULL;
  g_autoptr(JsonNode) theirs = NULL;
  g_autoptr(GSubprocess) process = NULL;
  JsonObject *object;
  JsonArray *steps;
  gint64 until;

  g_assert_no_error (error);
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Export\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ { \"name\": \"Ada\" }, { \"name\": \"Bob\" } ] } } ],"
    " \"links\": [] }", -1, &problems, &error);
  g_assert_no_error (error);

  store = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), store);
  conduit_runner_run_async (runner, flow, NULL, NULL, NULL, run_done_cb, &run);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (run == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (run);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);

  ours = conduit_run_export_to_json (store, conduit_run_get_id (run), &error);
  g_assert_no_error (error);
  object = json_node_get_object (ours);
  g_assert_true (json_object_has_member (object, "started_at"));
  g_assert_false (json_object_has_member (object, "started_us"));
  steps = json_object_get_array_member (object, "steps");
  g_assert_cmpuint (json_array_get_length (steps), >, 0);
  g_assert_true (json_object_has_member (json_array_get_object_element (steps, 0), "item"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "items")), >, 0);
  conduit_history_store_close (store);

  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, conduit_run_get_id (run));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("CONDUIT_CLI"), "history", "show", id_text,
                              "--json", "--history", db_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &printed, &logged, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", logged);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  theirs = json_from_string (printed, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (ours, theirs));

  g_clear_object (&store);
  test_remove_tree (dir);
}

/* The run list: the app's "Export List…" and `conduit-cli history list --csv` both write it
 * through conduit_run_list_write(); a flow name with a comma, a quote and a line break comes
 * back whole when the CSV is read again by the one record reader. */
static void
test_list_csv_app_and_cli_agree (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-run-list-XXXXXX", &error);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *printed = NULL;
  g_autofree char *logged = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(JsonNode) record = NULL;
  ConduitHistoryQuery query = { 0 };
  JsonObject *object;
  gint64 until;

  g_assert_no_error (error);
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Orders, \\\"EU\\\"\\nand UK\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ { \"name\": \"Ada\" } ] } } ],"
    " \"links\": [] }", -1, &problems, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_flow_get_name (flow), ==, "Orders, \"EU\"\nand UK");

  store = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), store);
  conduit_runner_run_async (runner, flow, NULL, NULL, NULL, run_done_cb, &run);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (run == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (run);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);

  query.status = -1;
  query.limit = 50;
  runs = conduit_history_store_list_runs (store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_true (conduit_run_list_write (runs, CONDUIT_RECORD_FORMAT_CSV, memory, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (memory, "", 1, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (memory, NULL, &error));
  conduit_history_store_close (store);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("CONDUIT_CLI"), "history", "list", "--csv",
                              "--history", db_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &printed, &logged, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", logged);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (printed, ==, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)));

  input = g_memory_input_stream_new_from_data (g_strdup (printed), strlen (printed), g_free);
  reader = conduit_record_reader_new (input, CONDUIT_RECORD_FORMAT_CSV);
  record = conduit_record_reader_next (reader, &error);
  g_assert_no_error (error);
  g_assert_nonnull (record);
  object = json_node_get_object (record);
  g_assert_cmpstr (json_object_get_string_member (object, "flow"), ==, "Orders, \"EU\"\nand UK");
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "succeeded");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "started"), "Z"));

  g_clear_object (&store);
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/history/export/app-and-cli-agree", test_app_and_cli_agree);
  g_test_add_func ("/conduit/history/export/list-csv", test_list_csv_app_and_cli_agree);

  return g_test_run ();
}
