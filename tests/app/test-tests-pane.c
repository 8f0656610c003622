/* test-tests-pane.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"
#include "conduit-history-view.h"
#include "conduit-tests-pane.h"
#include "conduit-window.h"
#include "test-diff-table.h"
#include "test-util.h"

/* Save as Test from the run history writes the flow's tests file; the Tests pane runs the
 * saved test (passes), shows the differences of a changed mapping by step and field, passes
 * again once the field is volatile, and deletes a test with Undo. The flow is run for real
 * once (it writes a file in a temporary folder); the tests replay it without touching the
 * file. */

typedef struct
{
  char                *dir;
  char                *flow_path;
  char                *out_path;
  ConduitHistoryStore *store;
  ConduitRunner       *runner;
  GtkWidget           *window;
  ConduitHistoryView  *view;
} Fixture;

#define FLOW_JSON \
  "{ \"version\": 1, \"name\": \"Leads\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": [ { \"Email\": \" ADA@Example.com \", \"Name\": \"Ada\" }," \
  "                                 { \"Email\": \"grace@example.com\", \"Name\": \"Grace\" } ] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"title\": \"Map contact fields\"," \
  "    \"position\": [200, 0], \"settings\": {}," \
  "    \"mapping\": { \"rows\": [" \
  "      { \"destination\": \"email\", \"expression\": \"lower(trim(Email))\" }," \
  "      { \"destination\": \"name\", \"expression\": \"Name\" } ] } }," \
  "  { \"id\": \"save\", \"type\": \"write-file\", \"title\": \"Keep the leads\"," \
  "    \"position\": [400, 0], \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" }," \
  "              { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\" } ] }"

static ConduitFlow *
load_flow (Fixture *fixture)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  ConduitFlow *flow;

  flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, &problems,
                                     NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (flow);
  return flow;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  g_assert_no_error (error);
}

static gint64
run_flow (Fixture     *fixture,
          ConduitFlow *flow)
{
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;

  conduit_runner_run_async (fixture->runner, flow, NULL, NULL, NULL, run_done, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  return conduit_run_get_id (run);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-tests-pane-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (), fixture->store);
  fixture->flow_path = g_build_filename (fixture->dir, "leads.conduit", NULL);
  fixture->out_path = g_build_filename (fixture->dir, "leads.ndjson", NULL);
  json = g_strdup_printf (FLOW_JSON, fixture->out_path);
  g_assert_true (g_file_set_contents (fixture->flow_path, json, -1, &error));
  g_assert_no_error (error);

  fixture->window = gtk_window_new ();
  fixture->view = CONDUIT_HISTORY_VIEW (conduit_history_view_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->view));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  conduit_history_view_set_runner (fixture->view, fixture->runner);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->store);
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->flow_path);
  g_free (fixture->out_path);
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* Selects @run_id in the history and saves it as a test called @name from the dialog. */
static void
save_from_history (Fixture    *fixture,
                   gint64      run_id,
                   const char *name)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *default_name = g_strdup_printf ("run %" G_GINT64_FORMAT, run_id);

  conduit_run_list_model_refresh (conduit_history_view_get_model (fixture->view));
  g_assert_true (conduit_history_view_select_run (fixture->view, run_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "history.save-as-test",
                                             NULL));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = adw_message_dialog_get_extra_child (dialog);
  /* the name proposed is the run's */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, default_name);
  gtk_editable_set_text (GTK_EDITABLE (entry), name);
  adw_message_dialog_response (dialog, "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_save_as_test (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = load_flow (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitDocument) unsaved = conduit_document_new (flow, NULL);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);
  g_autofree char *tests_path = g_build_filename (fixture->dir, "leads.tests.json", NULL);
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *items = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *recordings = NULL;
  ConduitFlowTest *test;
  gint64 run_id;

  conduit_history_view_set_flow (fixture->view, flow);
  run_id = run_flow (fixture, flow);
  g_assert_true (g_file_test (fixture->out_path, G_FILE_TEST_EXISTS));
  conduit_run_list_model_refresh (conduit_history_view_get_model (fixture->view));
  g_assert_true (conduit_history_view_select_run (fixture->view, run_id));

  /* a flow never saved has no place for tests: it says so, and asks nothing */
  conduit_history_view_set_document (fixture->view, unsaved);
  g_test_expect_message ("conduit-history-view", G_LOG_LEVEL_MESSAGE,
                         "Save the flow first (Ctrl+S): its tests are kept in a file beside it");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "history.save-as-test",
                                             NULL));
  g_test_assert_expected_messages ();
  g_assert_null (find_dialog ());
  g_assert_false (g_file_test (tests_path, G_FILE_TEST_EXISTS));

  conduit_history_view_set_document (fixture->view, document);
  g_test_expect_message ("conduit-history-view", G_LOG_LEVEL_MESSAGE,
                         "Saved the test “first leads” in leads.tests.json beside the flow");
  save_from_history (fixture, run_id, "first leads");
  g_test_assert_expected_messages ();

  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 1);
  test = g_ptr_array_index (tests, 0);
  g_assert_cmpstr (test->name, ==, "first leads");
  g_assert_cmpstr (test->trigger_node, ==, "start");
  g_assert_cmpuint (test->trigger_items->len, ==, 2);
  items = json_to_string (g_ptr_array_index (test->trigger_items, 0), FALSE);
  g_assert_cmpstr (items, ==, "{\"Email\":\" ADA@Example.com \",\"Name\":\"Ada\"}");
  /* the mapping's output is expected, the file step (an edge step) recorded */
  expected = json_to_string (test->expected, FALSE);
  g_assert_nonnull (strstr (expected, "\"map\":{\"out\":[{\"email\":\"ada@example.com\",\"name\":\"Ada\"},"
                                      "{\"email\":\"grace@example.com\",\"name\":\"Grace\"}]}"));
  recordings = json_to_string (test->recordings, FALSE);
  g_assert_nonnull (strstr (recordings, "\"node\":\"save\""));
  g_assert_null (strstr (recordings, "\"node\":\"map\""));
}

static gboolean
pane_idle (gpointer data)
{
  return conduit_tests_pane_get_n_running (data) == 0;
}

static gboolean
pane_has_tests (gpointer data)
{
  return conduit_tests_pane_get_n_tests (data) > 0;
}

static gboolean
pane_has_two_tests (gpointer data)
{
  return conduit_tests_pane_get_n_tests (data) == 2;
}

static void
run_all (ConduitTestsPane *pane)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.run-all", NULL));
  g_assert_cmpuint (conduit_tests_pane_get_n_running (pane), ==, 1);
  g_assert_true (test_spin_until (pane_idle, pane, 30));
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static char *
diff_cell (GListModel *diffs,
           guint       position,
           const char *property)
{
  g_autoptr(GObject) row = g_list_model_get_item (diffs, position);
  char *value = NULL;

  g_object_get (row, property, &value, NULL);
  return value;
}

static void
test_pane (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = load_flow (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);
  g_autoptr(ConduitDocument) unsaved = conduit_document_new (flow, NULL);
  g_autofree char *tests_path = g_build_filename (fixture->dir, "leads.tests.json", NULL);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *tests_text = NULL;
  ConduitTestsPane *pane;
  GListModel *diffs;
  GtkWidget *entry;
  gboolean found = FALSE;
  gint64 run_id;

  /* a flow that was never saved, then one without tests: each page explains itself */
  pane = g_object_ref_sink (conduit_tests_pane_new (GTK_WINDOW (fixture->window), unsaved));
  gtk_window_present (GTK_WINDOW (pane));
  g_assert_cmpstr (conduit_tests_pane_get_page_name (pane), ==, "unsaved");
  conduit_tests_pane_set_document (pane, document);
  g_assert_cmpstr (conduit_tests_pane_get_page_name (pane), ==, "empty");
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.run-all", NULL) &&
                  conduit_tests_pane_get_n_running (pane) > 0);

  /* a good run, saved as a test the way Save as Test does */
  conduit_history_view_set_flow (fixture->view, flow);
  conduit_history_view_set_document (fixture->view, document);
  run_id = run_flow (fixture, flow);
  g_unlink (fixture->out_path);
  g_test_expect_message ("conduit-history-view", G_LOG_LEVEL_MESSAGE, "Saved the test*");
  save_from_history (fixture, run_id, "two leads");
  g_test_assert_expected_messages ();

  /* the open pane shows the test saved from the history by itself */
  g_assert_true (test_spin_until (pane_has_tests, pane, 10));
  g_assert_cmpstr (conduit_tests_pane_get_page_name (pane), ==, "tests");
  g_assert_cmpuint (conduit_tests_pane_get_n_tests (pane), ==, 1);
  status = conduit_tests_pane_dup_status (pane, "two leads");
  g_assert_cmpstr (status, ==, "Not run yet");
  g_clear_pointer (&status, g_free);

  /* the flow as it was: the test passes, and the replay wrote no file */
  run_all (pane);
  status = conduit_tests_pane_dup_status (pane, "two leads");
  g_assert_cmpstr (status, ==, "Passed");
  g_clear_pointer (&status, g_free);
  g_assert_false (g_file_test (fixture->out_path, G_FILE_TEST_EXISTS));

  /* a changed mapping, not even saved: the table names the step and the field */
  changed = json_from_string ("{ \"rows\": ["
                              "  { \"destination\": \"email\", \"expression\": \"trim(Email)\" },"
                              "  { \"destination\": \"name\", \"expression\": \"Name\" } ] }",
                              &error);
  g_assert_no_error (error);
  conduit_node_set_mapping (conduit_flow_lookup_node (flow, "map"), changed);
  run_all (pane);
  status = conduit_tests_pane_dup_status (pane, "two leads");
  g_assert_true (g_str_has_prefix (status, "Failed: "));
  g_clear_pointer (&status, g_free);
  diffs = conduit_tests_pane_get_diffs (pane);
  g_assert_cmpuint (g_list_model_get_n_items (diffs), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (diffs); i++)
    {
      g_autofree char *step = diff_cell (diffs, i, "step");
      g_autofree char *field = diff_cell (diffs, i, "field");
      g_autofree char *expected = diff_cell (diffs, i, "expected");
      g_autofree char *actual = diff_cell (diffs, i, "actual");

      g_test_message ("%s | %s | %s | %s", step, field, expected, actual);
      if (g_str_equal (step, "Map contact fields (map)") && g_str_equal (field, "item 1, email") &&
          g_str_equal (expected, "\"ada@example.com\"") && g_str_equal (actual, "\"ADA@Example.com\""))
        found = TRUE;
    }
  g_assert_true (found);

  /* the field made volatile from the pane: saved in the file, and the test passes again */
  entry = find_widget (GTK_WIDGET (pane), ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "email");
  g_signal_emit_by_name (entry, "apply");
  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (((ConduitFlowTest *)g_ptr_array_index (tests, 0))->volatile_fields,
                    ((const char *[]){ "email", NULL }));
  g_clear_pointer (&tests, g_ptr_array_unref);
  run_all (pane);
  status = conduit_tests_pane_dup_status (pane, "two leads");
  g_assert_cmpstr (status, ==, "Passed");
  g_clear_pointer (&status, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_tests_pane_get_diffs (pane)), ==, 0);

  /* and removed again: the difference is back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.remove-volatile", "s",
                                             "email"));
  run_all (pane);
  status = conduit_tests_pane_dup_status (pane, "two leads");
  g_assert_true (g_str_has_prefix (status, "Failed: "));
  g_clear_pointer (&status, g_free);

  /* deleted, then back with Undo */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.delete", "s", "two leads"));
  g_assert_cmpstr (conduit_tests_pane_get_page_name (pane), ==, "empty");
  g_assert_true (g_file_get_contents (tests_path, &tests_text, NULL, NULL));
  g_assert_null (strstr (tests_text, "two leads"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.undo-delete", NULL));
  g_assert_cmpuint (conduit_tests_pane_get_n_tests (pane), ==, 1);
  g_assert_cmpstr (conduit_tests_pane_get_page_name (pane), ==, "tests");

  /* closed while its test runs: it goes at once, and the test's end finds nothing to update */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.run-all", NULL));
  g_assert_cmpuint (conduit_tests_pane_get_n_running (pane), ==, 1);
  gtk_window_destroy (GTK_WINDOW (pane));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (pane);
  test_spin_for (1000);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action,
             const char *target)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    {
      GVariant *value = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

      if (target == NULL ||
          (value != NULL && g_str_equal (g_variant_get_string (value, NULL), target)))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action, target);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The pane from the keyboard: a test run with its ▶ keeps the focus there while the row says
 * Running… and Passed; a volatile field removed with its − leaves the focus in the entry; a
 * deleted test leaves it on the test selected, not nowhere. A test saved from outside (a
 * second name written by save_run, as the CLI would) shows up without reopening the pane. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = load_flow (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);
  g_autoptr(GError) error = NULL;
  g_autofree char *tests_path = NULL;
  g_autofree char *status = NULL;
  ConduitTestsPane *pane;
  GtkWidget *run_button;
  GtkWidget *remove_button;
  GtkWidget *delete_button;
  GtkWidget *focus;
  gint64 run_id;

  conduit_history_view_set_flow (fixture->view, flow);
  conduit_history_view_set_document (fixture->view, document);
  run_id = run_flow (fixture, flow);
  tests_path = conduit_flow_test_save_run (fixture->store, run_id, fixture->flow_path, flow,
                                           conduit_connector_registry_get_default (), "first",
                                           NULL, NULL, &error);
  g_assert_no_error (error);

  pane = g_object_ref_sink (conduit_tests_pane_new (GTK_WINDOW (fixture->window), document));
  gtk_window_present (GTK_WINDOW (pane));
  g_assert_cmpuint (conduit_tests_pane_get_n_tests (pane), ==, 1);

  run_button = find_button (GTK_WIDGET (pane), "tests.run", "first");
  g_assert_nonnull (run_button);
  g_object_add_weak_pointer (G_OBJECT (run_button), (gpointer *)&run_button);
  g_assert_true (gtk_widget_grab_focus (run_button));
  g_signal_emit_by_name (run_button, "clicked");
  g_assert_nonnull (run_button);
  /* the focus is on the button, and the button is still in the pane (GTK 4.8 keeps the focus
   * on a widget taken out of the window) */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (pane)) == run_button);
  g_assert_true (gtk_widget_get_root (run_button) == GTK_ROOT (pane));
  g_assert_true (test_spin_until (pane_idle, pane, 30));
  status = conduit_tests_pane_dup_status (pane, "first");
  g_assert_cmpstr (status, ==, "Passed");
  g_assert_nonnull (run_button);
  /* the focus is on the button, and the button is still in the pane (GTK 4.8 keeps the focus
   * on a widget taken out of the window) */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (pane)) == run_button);
  g_assert_true (gtk_widget_get_root (run_button) == GTK_ROOT (pane));

  /* saved elsewhere while the pane is open */
  g_clear_pointer (&tests_path, g_free);
  tests_path = conduit_flow_test_save_run (fixture->store, run_id, fixture->flow_path, flow,
                                           conduit_connector_registry_get_default (), "second",
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (test_spin_until (pane_has_two_tests, pane, 10));
  g_clear_pointer (&status, g_free);
  status = conduit_tests_pane_dup_status (pane, "first");
  g_assert_cmpstr (status, ==, "Passed");

  /* a volatile field removed with its − button */
  conduit_tests_pane_select (pane, "first");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (pane), ADW_TYPE_ENTRY_ROW)),
                         "email");
  g_signal_emit_by_name (find_widget (GTK_WIDGET (pane), ADW_TYPE_ENTRY_ROW), "apply");
  remove_button = find_button (GTK_WIDGET (pane), "tests.remove-volatile", "email");
  g_assert_nonnull (remove_button);
  g_assert_true (gtk_widget_grab_focus (remove_button));
  g_signal_emit_by_name (remove_button, "clicked");
  g_assert_null (find_button (GTK_WIDGET (pane), "tests.remove-volatile", "email"));
  focus = gtk_root_get_focus (GTK_ROOT (pane));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus,
                                         find_widget (GTK_WIDGET (pane), ADW_TYPE_ENTRY_ROW)));

  /* a test deleted with its button: the focus goes on from the selected test */
  delete_button = find_button (GTK_WIDGET (pane), "tests.delete", "first");
  g_assert_nonnull (delete_button);
  g_assert_true (gtk_widget_grab_focus (delete_button));
  g_signal_emit_by_name (delete_button, "clicked");
  g_assert_cmpuint (conduit_tests_pane_get_n_tests (pane), ==, 1);
  focus = gtk_root_get_focus (GTK_ROOT (pane));
  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_LIST_BOX_ROW (focus));
  g_assert_true (gtk_widget_get_root (focus) == GTK_ROOT (pane));

  gtk_window_destroy (GTK_WINDOW (pane));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (pane);
}

/* The differences table at @width: see test_assert_diffs_readable(). */
static void
assert_diffs_readable (ConduitTestsPane *pane,
                       int               width)
{
  gtk_window_set_default_size (GTK_WINDOW (pane), width, 640);
  test_spin_for (500);
  test_spin_idle ();
  g_test_message ("%d px", width);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (pane)), <=, MAX (width, 360));
  test_assert_diffs_readable (pane);
}

/* The file step, given another item than in the saved run, has no recorded answer: its error
 * item is told in a sentence that says so, not shown as the item's JSON ({"item": …, "error":
 * {"kind": "not-recorded", …}}). */
static void
assert_failed_items_in_words (GListModel *diffs)
{
  gboolean seen = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (diffs); i++)
    {
      g_autofree char *field = diff_cell (diffs, i, "field");
      g_autofree char *actual = diff_cell (diffs, i, "actual");

      g_test_message ("%s: %s", field, actual);
      g_assert_false (g_str_has_prefix (actual, "{\"item\""));
      if (g_str_has_prefix (field, "port error"))
        {
          g_assert_true (g_str_has_prefix (actual, "Failed: this step got other items than in "
                                                   "the saved run"));
          g_assert_nonnull (strstr (actual, "Keep the leads"));
          seen = TRUE;
        }
    }
  g_assert_true (seen);
}

/* A failed test's differences at the pane's default width, made narrow (360 px) and wide again,
 * and in a pane opened narrow: the Step column was cut off ("Map contact fi…"), the whole value
 * only in its tooltip. */
static void
test_diffs_readable (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = load_flow (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tests_path = NULL;
  const int widths[][3] = { { 760, 360, 760 }, { 360, 360, 360 } };
  gint64 run_id;

  run_id = run_flow (fixture, flow);
  tests_path = conduit_flow_test_save_run (fixture->store, run_id, fixture->flow_path, flow,
                                           conduit_connector_registry_get_default (), "two leads",
                                           NULL, NULL, &error);
  g_assert_no_error (error);
  changed = json_from_string ("{ \"rows\": ["
                              "  { \"destination\": \"email\", \"expression\": \"trim(Email)\" },"
                              "  { \"destination\": \"name\", \"expression\": \"Name\" } ] }",
                              &error);
  g_assert_no_error (error);
  conduit_node_set_mapping (conduit_flow_lookup_node (flow, "map"), changed);

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      ConduitTestsPane *pane =
        g_object_ref_sink (conduit_tests_pane_new (GTK_WINDOW (fixture->window), document));

      gtk_window_set_default_size (GTK_WINDOW (pane), widths[i][0], 640);
      gtk_window_present (GTK_WINDOW (pane));
      g_assert_true (test_spin_until (pane_has_tests, pane, 10));
      run_all (pane);
      assert_failed_items_in_words (conduit_tests_pane_get_diffs (pane));
      for (guint j = 0; j < G_N_ELEMENTS (widths[i]); j++)
        assert_diffs_readable (pane, widths[i][j]);
      gtk_window_destroy (GTK_WINDOW (pane));
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_finalize_object (pane);
    }
}

/* Ctrl+T's action opens the pane of the open flow from the window. */
static void
test_window_action (Fixture       *fixture,
                    gconstpointer  data)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  g_autoptr(ConduitFlow) flow = load_flow (fixture);
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);

  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (conduit_window_get_tests_pane (window));
  conduit_window_set_document (window, document);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-tests", NULL);
  g_assert_nonnull (conduit_window_get_tests_pane (window));
  g_assert_true (conduit_tests_pane_get_document (conduit_window_get_tests_pane (window)) == document);
  g_assert_cmpstr (conduit_tests_pane_get_page_name (conduit_window_get_tests_pane (window)), ==,
                   "empty");
  /* closed, it opens anew; with no flow open, it goes */
  gtk_window_destroy (GTK_WINDOW (conduit_window_get_tests_pane (window)));
  g_assert_null (conduit_window_get_tests_pane (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-tests", NULL);
  g_assert_nonnull (conduit_window_get_tests_pane (window));
  conduit_window_set_document (window, NULL);
  g_assert_null (conduit_window_get_tests_pane (window));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/tests-pane/save-as-test", Fixture, NULL, fixture_set_up,
              test_save_as_test, fixture_tear_down);
  g_test_add ("/conduit/tests-pane/run-diff-volatile-delete", Fixture, NULL, fixture_set_up,
              test_pane, fixture_tear_down);
  g_test_add ("/conduit/tests-pane/keyboard-and-outside-saves", Fixture, NULL, fixture_set_up,
              test_keyboard, fixture_tear_down);
  g_test_add ("/conduit/tests-pane/window-action", Fixture, NULL, fixture_set_up,
              test_window_action, fixture_tear_down);
  g_test_add ("/conduit/tests-pane/diffs-readable", Fixture, NULL, fixture_set_up,
              test_diffs_readable, fixture_tear_down);
  return g_test_run ();
}
