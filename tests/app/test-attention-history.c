/* test-attention-history.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The history's "Runs that need attention" view (#14, point 8) and its wording (#22, defect 8),
 * driven as a user would: the view's buttons and actions, checked through what it shows and
 * what a screen reader is told. */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"
#include "conduit-history-view.h"
#include "test-util.h"

typedef struct
{
  char                *dir;
  char                *out_path;
  ConduitHistoryStore *store;
  ConduitRunner       *runner;
  GtkWidget           *window;
  ConduitHistoryView  *view;
  ConduitFlow         *flow;
} Fixture;

/* A flow with titled steps: what the history should name them by. */
static ConduitFlow *
load_flow (const char *name,
           const char *owner,
           const char *path)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"owner\": \"%s\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"title\": \"Orders from the shop\","
    "    \"position\": [0, 0], \"settings\": { \"items\": [{\"sku\": \"apple\"}] } },"
    "  { \"id\": \"save\", \"type\": \"write-file\", \"title\": \"Save for accounting\","
    "    \"position\": [200, 0], \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\" } ] }",
    name, owner, path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1,
                                     &problems, &error);
  g_assert_no_error (error);
  g_assert_nonnull (flow);
  return flow;
}

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GtkWidget *overlay = adw_toast_overlay_new ();

  fixture->dir = g_dir_make_tmp ("conduit-attention-history-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->out_path = g_build_filename (fixture->dir, "orders.ndjson", NULL);
  fixture->store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (), fixture->store);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
  fixture->flow = load_flow ("Orders", "", fixture->out_path);

  fixture->window = gtk_window_new ();
  fixture->view = CONDUIT_HISTORY_VIEW (conduit_history_view_new ());
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (fixture->view));
  gtk_window_set_child (GTK_WINDOW (fixture->window), overlay);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 900, 600);
  conduit_history_view_set_runner (fixture->view, fixture->runner);
  conduit_history_view_set_flow (fixture->view, fixture->flow);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  test_spin_idle ();
  g_clear_object (&fixture->flow);
  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->store);
  g_clear_object (&fixture->store);
  test_remove_tree (fixture->dir);
  g_free (fixture->out_path);
  g_free (fixture->dir);
}

/* A run written into the history as the runner would leave it: three trigger items, the
 * attempts at "save" given by @attempts ("ok", "started" or NULL for none per item). */
static gint64
add_run (Fixture           *fixture,
         ConduitRunStatus   status,
         gint64             started_us,
         const char * const attempts[3])
{
  ConduitRunRecord run = { 0 };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  run.flow = (char *)"Orders";
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)"webhook";
  run.started_us = started_us;
  run.status = CONDUIT_RUN_STATUS_RUNNING;
  g_ptr_array_add (items, (char *)"{\"sku\": \"apple\"}");
  g_ptr_array_add (items, (char *)"{\"sku\": \"pear\"}");
  g_ptr_array_add (items, (char *)"{\"sku\": \"plum\"}");
  conduit_history_store_begin_run_async (fixture->store, &run, NULL, items, NULL, keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  run.id = conduit_history_store_begin_run_finish (fixture->store, result, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 3; i++)
    {
      ConduitStepRecord step = { 0 };

      if (attempts[i] == NULL)
        continue;
      step.run_id = run.id;
      step.node_id = (char *)"save";
      step.item_index = i;
      step.attempt = 1;
      step.started_us = started_us;
      step.finished_us = started_us + 1000;
      step.status = (char *)attempts[i];
      conduit_history_store_add_step (fixture->store, &step);
    }
  run.finished_us = started_us + 2 * G_USEC_PER_SEC;
  run.status = status;
  run.items_in = 3;
  run.items_ok = status == CONDUIT_RUN_STATUS_SUCCEEDED ? 3 : 1;
  run.items_failed = status == CONDUIT_RUN_STATUS_FAILED ? 2 : 0;
  run.error = status == CONDUIT_RUN_STATUS_SUCCEEDED ? NULL : (char *)"Conduit stopped before this run finished";
  conduit_history_store_finish_run (fixture->store, &run);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_no_error (error);
  conduit_run_list_model_refresh (conduit_history_view_get_model (fixture->view));
  return run.id;
}

static guint
n_listed (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conduit_history_view_get_model (fixture->view)));
}

static gboolean
is_listed (Fixture *fixture,
           gint64   id)
{
  GListModel *model = G_LIST_MODEL (conduit_history_view_get_model (fixture->view));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(ConduitRunRow) row = g_list_model_get_item (model, i);

      if (conduit_run_row_get_id (row) == id)
        return TRUE;
    }
  return FALSE;
}

/* The first visible label under @widget whose text holds @text, or NULL. */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return GTK_LABEL (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
shows (Fixture    *fixture,
       const char *text)
{
  return find_label (fixture->window, text) != NULL;
}

/* The first widget of @type under @widget whose accessible label is @name. */
static GtkWidget *
find_named (GtkWidget  *widget,
            GType       type,
            const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          name) == NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  Fixture *fixture;
  guint    n;
} ListWait;

static gboolean
has_n_runs (gpointer data)
{
  ListWait *wait = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = conduit_history_store_list_runs (wait->fixture->store, NULL, &error);

  return runs != NULL && runs->len >= wait->n &&
         ((ConduitRunRecord *)g_ptr_array_index (runs, 0))->status != CONDUIT_RUN_STATUS_RUNNING;
}

static gint64
newest_run (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = conduit_history_store_list_runs (fixture->store, NULL, &error);

  g_assert_no_error (error);
  return ((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id;
}

/* An interrupted run offers to send again only what never left, and a failed one to be marked
 * handled; either way it leaves the list of runs that need attention, and the header keeps to
 * a phone's width. */
static void
test_needs_attention (Fixture       *fixture,
                      gconstpointer  data)
{
  static const char * const cut_off[3] = { "ok", "started", NULL };
  static const char * const all_ok[3] = { "ok", "ok", "ok" };
  gint64 now = g_get_real_time ();
  gint64 interrupted, failed, succeeded, rerun;
  g_autoptr(ConduitRunRecord) record = NULL;
  g_autoptr(GPtrArray) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  GtkWidget *toggle;
  ListWait wait = { fixture, 4 };
  int minimum = 0;

  interrupted = add_run (fixture, CONDUIT_RUN_STATUS_INTERRUPTED, now - 600 * G_USEC_PER_SEC, cut_off);
  failed = add_run (fixture, CONDUIT_RUN_STATUS_FAILED, now - 300 * G_USEC_PER_SEC, all_ok);
  succeeded = add_run (fixture, CONDUIT_RUN_STATUS_SUCCEEDED, now - 60 * G_USEC_PER_SEC, all_ok);
  g_assert_cmpuint (n_listed (fixture), ==, 3);

  /* the view's button, by the name a screen reader reads */
  toggle = find_named (fixture->window, GTK_TYPE_TOGGLE_BUTTON,
                       "Show only the runs that need attention");
  g_assert_nonnull (toggle);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  g_assert_cmpuint (n_listed (fixture), ==, 2);
  g_assert_true (is_listed (fixture, interrupted));
  g_assert_true (is_listed (fixture, failed));
  g_assert_false (is_listed (fixture, succeeded));

  /* the interrupted run says what became of each item, and how to go on */
  g_assert_true (conduit_history_view_select_run (fixture->view, interrupted));
  g_assert_true (shows (fixture, "1 were answered, 1 sent with the answer unknown"));
  g_assert_true (shows (fixture, "and 1 not sent"));
  g_assert_nonnull (find_named (fixture->window, GTK_TYPE_MENU_BUTTON,
                                "Resolve this run: re-run its unsent or all items, or mark it handled"));
  gtk_widget_measure (fixture->window, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);

  /* Re-run Unsent sends only the item no request of which left: the third */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "history.rerun-unsent", NULL));
  g_assert_true (test_spin_until (has_n_runs, &wait, 20));
  test_spin_idle ();
  rerun = newest_run (fixture);
  record = conduit_history_store_get_run (fixture->store, rerun, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (record->items_in, ==, 1);
  g_assert_cmpstr (record->trigger_kind, ==, "rerun");
  g_assert_cmpint (record->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  sent = conduit_history_store_list_items (fixture->store, rerun, "start", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sent->len, >=, 1);
  g_assert_nonnull (strstr (((ConduitItemRecord *)g_ptr_array_index (sent, 0))->data, "plum"));
  g_assert_true (g_file_get_contents (fixture->out_path, &written, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (written, "plum"));
  g_assert_null (strstr (written, "pear"));

  /* ... and the run cut off is handled now: out of the list, and its row of choices gone */
  g_assert_false (is_listed (fixture, interrupted));
  g_assert_true (is_listed (fixture, failed));

  /* Mark Handled takes the failed run off the list too */
  g_assert_true (conduit_history_view_select_run (fixture->view, failed));
  g_assert_true (shows (fixture, "this run failed and nobody has re-run it"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "history.mark-handled", NULL));
  g_assert_cmpuint (n_listed (fixture), ==, 0);
  g_assert_true (shows (fixture, "Nothing Needs Attention"));

  /* the whole history still has them all, without the attention row */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  g_assert_cmpuint (n_listed (fixture), ==, 4);
  g_assert_true (conduit_history_view_select_run (fixture->view, interrupted));
  g_assert_false (shows (fixture, "Needs attention"));
  g_assert_true (conduit_history_view_select_run (fixture->view, rerun));
  g_assert_true (shows (fixture, "by Re-run"));
}

/* Steps and ports by the titles the canvas shows, dates without a double space, the owner
 * wording while the flow is open, an active filter on the Filter button, named rows, and a
 * re-run the filters hide still leaves a trace. */
static void
test_wording (Fixture       *fixture,
              gconstpointer  data)
{
  static const char * const all_ok[3] = { "ok", "ok", "ok" };
  static const char * const none_sent[3] = { NULL, NULL, NULL };
  g_autoptr(GDateTime) fifth = g_date_time_new_local (2026, 3, 5, 9, 30, 0);
  gint64 old_run, failed, cut_off;
  GtkLabel *meta;
  GtkWidget *filter;
  guint rows = 0;
  ListWait wait = { fixture, 4 };

  old_run = add_run (fixture, CONDUIT_RUN_STATUS_SUCCEEDED, g_date_time_to_unix (fifth) * G_USEC_PER_SEC,
                     all_ok);
  failed = add_run (fixture, CONDUIT_RUN_STATUS_FAILED, g_get_real_time () - 60 * G_USEC_PER_SEC, all_ok);
  cut_off = add_run (fixture, CONDUIT_RUN_STATUS_INTERRUPTED, g_get_real_time () - 30 * G_USEC_PER_SEC,
                     none_sent);

  /* a day below 10: no padding space in the list or the details */
  g_assert_true (conduit_history_view_select_run (fixture->view, old_run));
  meta = find_label (fixture->window, "Started ");
  g_assert_nonnull (meta);
  g_assert_null (strstr (gtk_label_get_text (meta), "  "));
  /* the list's row comes first: its date alone, not " 5 Mar 2026" */
  g_assert_nonnull (find_label (fixture->window, "5 Mar 2026"));
  g_assert_cmpstr (gtk_label_get_text (find_label (fixture->window, "5 Mar 2026")), ==, "5 Mar 2026");

  /* steps and ports by title, statuses in words */
  g_assert_true (shows (fixture, "Save for accounting — item 1, attempt 1 · ok ·"));
  g_assert_false (shows (fixture, "save · "));
  g_assert_true (shows (fixture, "Item 1 out of “Items”"));
  g_assert_false (shows (fixture, "“out”"));

  /* the run rows themselves are named for a screen reader */
  for (GtkWidget *w = find_label (fixture->window, "Orders") != NULL
                        ? GTK_WIDGET (find_label (fixture->window, "Orders")) : NULL;
       w != NULL && rows == 0; w = gtk_widget_get_parent (w))
    if (gtk_widget_has_css_class (w, "conduit-history-row"))
      {
        g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (gtk_widget_get_parent (w)),
                                                         GTK_ACCESSIBLE_PROPERTY_LABEL));
        rows++;
      }
  g_assert_cmpuint (rows, ==, 1);

  /* the flow is open and has no owner: no "open the flow" */
  g_assert_true (conduit_history_view_select_run (fixture->view, failed));
  g_assert_true (shows (fixture, "Owner of this flow: not set"));
  g_assert_false (shows (fixture, "open the flow"));

  /* an active filter shows on its button */
  filter = find_named (fixture->window, GTK_TYPE_MENU_BUTTON, "Filter runs by status, time and flow");
  g_assert_nonnull (filter);
  conduit_history_view_set_filters (fixture->view, NULL, CONDUIT_RUN_STATUS_FAILED,
                                    CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (filter)), ==, "_Filter (1)");
  gtk_test_accessible_assert_property (filter, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Filter runs by status, time and flow; 1 filter is on");

  /* re-running while only interrupted runs show: the new run succeeds, so the filter hides
   * it, and a toast says where it went */
  conduit_history_view_set_filters (fixture->view, NULL, CONDUIT_RUN_STATUS_INTERRUPTED,
                                    CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_true (conduit_history_view_select_run (fixture->view, cut_off));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "history.rerun-unsent", NULL));
  g_assert_true (test_spin_until (has_n_runs, &wait, 20));
  test_spin_idle ();
  g_assert_false (is_listed (fixture, newest_run (fixture)));
  {
    g_autofree char *trace = g_strdup_printf ("Re-run as run %" G_GINT64_FORMAT " (Succeeded); the "
                                              "filters hide it", newest_run (fixture));

    g_assert_true (shows (fixture, trace));
  }
  conduit_history_view_set_filters (fixture->view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (filter)), ==, "_Filter");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/attention/history/needs-attention", Fixture, NULL,
              fixture_set_up, test_needs_attention, fixture_tear_down);
  g_test_add ("/conduit/attention/history/wording", Fixture, NULL,
              fixture_set_up, test_wording, fixture_tear_down);
  return g_test_run ();
}
