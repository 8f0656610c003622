/* test-history-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"
#include "conduit-history-view.h"
#include "db-test-servers.h"
#include "test-util.h"

/* The history pane opens a server's shared history (PostgreSQL, tests/db-test-servers.c) from
 * an address or from a PostgreSQL credential: the server's runs show, read-only — a row says
 * so, and re-run and delete are off even for a failed run — and Close goes back to this
 * computer's history. An address where no server answers is a message, not a crash. */

static ConduitFlow *
write_flow (const char *name,
            const char *path)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {\"email\": \"buyer@example.com\"} ] } },"
    "  { \"id\": \"save\", \"type\": \"write-file\", \"position\": [200, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\" } ] }",
    name, path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json,
                                                  -1, &problems, &error);

  g_assert_no_error (error);
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

/* Runs @flow into @store (a server's history, as a worker would). */
static void
run_into (ConduitHistoryStore *store,
          ConduitFlow         *flow)
{
  g_autoptr(ConduitRunner) runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                                        store);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;

  conduit_runner_run_async (runner, flow, NULL, NULL, NULL, run_done, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);
}

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
open_server (ConduitHistoryView  *view,
             const char          *location,
             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  conduit_history_view_open_server_async (view, location, NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return conduit_history_view_open_server_finish (view, result, error);
}

/* The button of @view bound to @action, found by walking its widgets. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static guint
n_runs (ConduitHistoryView *view)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conduit_history_view_get_model (view)));
}

static void
settle (void)
{
  for (guint i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10 * 1000);
    }
}

static void
test_open_server_history (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *local_path = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *bad_url = NULL;
  g_autofree char *credential = NULL;
  g_autoptr(ConduitHistoryStore) local = NULL;
  g_autoptr(ConduitHistoryStore) shared = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  ConduitHistoryQuery all = { .status = -1, .limit = 10 };
  ConduitHistoryView *view;
  GtkWidget *window;
  GtkWidget *rerun, *label;

  if (server == NULL)
    return;
  db_test_server_exec (server, "DROP TABLE IF EXISTS conduit_runs, conduit_steps, conduit_items,"
                               " conduit_events, conduit_dedupe_keys, conduit_trigger_cursors,"
                               " conduit_history_meta");
  url = g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test", DB_TEST_PASSWORD,
                         db_test_server_get_port (server));

  /* A server's history with two runs, written as a worker writes them. */
  dir = g_dir_make_tmp ("conduit-history-server-XXXXXX", &error);
  g_assert_no_error (error);
  out_path = g_build_filename (dir, "missing", "out.ndjson", NULL);
  flow = write_flow ("Server orders", out_path);
  shared = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  run_into (shared, flow);
  run_into (shared, flow);
  runs = conduit_history_store_list_runs (shared, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);

  /* The pane shows this computer's history, which is empty. */
  local_path = g_build_filename (dir, "history.db", NULL);
  local = conduit_history_store_new (local_path, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), local);
  window = gtk_window_new ();
  view = CONDUIT_HISTORY_VIEW (conduit_history_view_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  conduit_history_view_set_runner (view, runner);
  conduit_history_view_set_flow (view, flow);
  gtk_window_present (GTK_WINDOW (window));
  settle ();
  g_assert_cmpuint (n_runs (view), ==, 0);

  /* From the address: the server's runs, read-only, said above the list. */
  g_assert_true (open_server (view, url, &error));
  g_assert_no_error (error);
  settle ();
  g_assert_cmpuint (n_runs (view), ==, 2);
  label = find_label (GTK_WIDGET (view), "read-only");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_visible (label));
  g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (label)), DB_TEST_PASSWORD));
  g_assert_true (conduit_history_view_select_run (view, ((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id));
  settle ();
  rerun = find_action_button (GTK_WIDGET (view), "history.rerun");
  g_assert_nonnull (rerun);
  g_assert_false (gtk_widget_is_sensitive (rerun));
  g_assert_nonnull (find_action_button (GTK_WIDGET (view), "history.close-server"));
  g_assert_true (gtk_widget_is_sensitive (find_action_button (GTK_WIDGET (view),
                                                               "history.close-server")));

  /* Close: this computer's history again, where re-running is possible. */
  gtk_widget_activate_action (GTK_WIDGET (view), "history.close-server", NULL);
  settle ();
  g_assert_cmpuint (n_runs (view), ==, 0);
  g_assert_false (gtk_widget_is_visible (label));

  /* From a PostgreSQL credential (here from the environment, as on a server). */
  credential = db_test_server_credential_json (server, "server-history");
  g_setenv ("CONDUIT_CREDENTIAL_SERVER_HISTORY", credential, TRUE);
  g_assert_true (open_server (view, "server-history", &error));
  g_assert_no_error (error);
  settle ();
  g_assert_cmpuint (n_runs (view), ==, 2);
  g_assert_true (gtk_widget_is_visible (label));
  g_unsetenv ("CONDUIT_CREDENTIAL_SERVER_HISTORY");

  /* Nobody at the address: an error naming it, and the server history stays. */
  bad_url = g_strdup_printf ("postgresql://app:%s@127.0.0.1:1/conduit_test", DB_TEST_PASSWORD);
  g_assert_false (open_server (view, bad_url, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_null (strstr (error->message, DB_TEST_PASSWORD));
  g_clear_error (&error);
  g_assert_cmpuint (n_runs (view), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  conduit_history_store_close (shared);
  conduit_history_store_close (local);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/conduit/history-server/open-read-only", test_open_server_history);
  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
