/* test-history-view.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"
#include "conduit-history-view.h"
#include "conduit-window.h"
#include "test-util.h"

typedef struct
{
  char                *dir;
  ConduitHistoryStore *store;
  ConduitRunner       *runner;
  GtkWidget           *window;
  ConduitHistoryView  *view;
} Fixture;

static ConduitFlow *
write_flow (const char *name,
            const char *path,
            const char *items)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"owner\": \"Dana in Sales Ops\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": %s } },"
    "  { \"id\": \"save\", \"type\": \"write-file\", \"position\": [200, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\" } ] }",
    name, items, path);
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
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  g_assert_no_error (error);
}

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
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
  return conduit_run_get_id (run);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-history-view-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (), fixture->store);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);

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
}

static gint64
id_at (ConduitHistoryView *view,
       guint               position)
{
  g_autoptr(ConduitRunRow) row =
    g_list_model_get_item (G_LIST_MODEL (conduit_history_view_get_model (view)), position);

  g_assert_nonnull (row);
  return conduit_run_row_get_id (row);
}

static guint
n_listed (ConduitHistoryView *view)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conduit_history_view_get_model (view)));
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
test_list_filters_details_rerun (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *good_path = g_build_filename (fixture->dir, "orders.ndjson", NULL);
  g_autofree char *bad_path = g_build_filename (fixture->dir, "missing", "dir", "invoices.ndjson", NULL);
  g_autoptr(ConduitFlow) orders = write_flow ("Orders", good_path,
                                              "[{\"sku\": \"needle-apple\"}, {\"sku\": \"pear\"}]");
  g_autoptr(ConduitFlow) invoices = write_flow ("Invoices", bad_path, "[{\"number\": 7}]");
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) rerun = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *failed_error = NULL;
  gint64 first, second, failed;

  g_assert_cmpuint (n_listed (fixture->view), ==, 0);
  g_assert_true (shows_text (GTK_WIDGET (fixture->view), "No Runs"));

  first = run_flow (fixture, orders);
  failed = run_flow (fixture, invoices);
  second = run_flow (fixture, orders);

  /* the runner's signals put each run in the list at once, newest first */
  g_assert_cmpuint (n_listed (fixture->view), ==, 3);
  g_assert_cmpint (id_at (fixture->view, 0), ==, second);
  g_assert_cmpint (id_at (fixture->view, 1), ==, failed);
  g_assert_cmpint (id_at (fixture->view, 2), ==, first);

  /* filters narrow it */
  conduit_history_view_set_filters (fixture->view, NULL, CONDUIT_RUN_STATUS_FAILED,
                                    CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_cmpuint (n_listed (fixture->view), ==, 1);
  g_assert_cmpint (id_at (fixture->view, 0), ==, failed);
  conduit_history_view_set_filters (fixture->view, "Orders", -1, CONDUIT_HISTORY_RANGE_HOUR, NULL);
  g_assert_cmpuint (n_listed (fixture->view), ==, 2);
  conduit_history_view_set_filters (fixture->view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, "needle-apple");
  g_assert_cmpuint (n_listed (fixture->view), ==, 2);
  g_assert_cmpint (id_at (fixture->view, 1), ==, first);
  conduit_history_view_set_filters (fixture->view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, "no-such-text");
  g_assert_cmpuint (n_listed (fixture->view), ==, 0);
  g_assert_true (shows_text (GTK_WIDGET (fixture->view), "No Matching Runs"));
  conduit_history_view_set_filters (fixture->view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_cmpuint (n_listed (fixture->view), ==, 3);

  /* the details of the failed run name the failed step's error and the flow's owner */
  steps = conduit_history_store_list_steps (fixture->store, failed, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);
      if (g_strcmp0 (step->status, "failed") == 0 && step->error_message != NULL)
        failed_error = step->error_message;
    }
  g_assert_nonnull (failed_error);
  g_assert_false (shows_text (GTK_WIDGET (fixture->view), failed_error));
  conduit_history_view_set_flow (fixture->view, invoices);
  g_assert_true (conduit_history_view_select_run (fixture->view, failed));
  g_assert_cmpint (conduit_history_view_get_selected_run (fixture->view), ==, failed);
  g_assert_true (shows_text (GTK_WIDGET (fixture->view), failed_error));
  g_assert_true (shows_text (GTK_WIDGET (fixture->view), "Dana in Sales Ops"));

  /* re-run creates a new run with the same input, and the dialog says so */
  conduit_history_view_set_flow (fixture->view, orders);
  {
    g_autofree char *said = conduit_history_view_describe_rerun (fixture->view, first, FALSE);

    g_assert_nonnull (strstr (said, "same 2 items"));
    g_assert_nonnull (strstr (said, "No step calls another system"));
  }
  g_assert_true (conduit_history_view_select_run (fixture->view, first));
  conduit_history_view_rerun_async (fixture->view, first, FALSE, NULL,
                                    keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  rerun = conduit_history_view_rerun_finish (fixture->view, result, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_cmpint (conduit_run_get_id (rerun), >, second);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (n_listed (fixture->view), ==, 4);
  g_assert_cmpint (id_at (fixture->view, 0), ==, conduit_run_get_id (rerun));

  before = conduit_history_store_list_items (fixture->store, first, "start", &error);
  g_assert_no_error (error);
  after = conduit_history_store_list_items (fixture->store, conduit_run_get_id (rerun), "start", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 2);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    {
      ConduitItemRecord *a = g_ptr_array_index (before, i);
      ConduitItemRecord *b = g_ptr_array_index (after, i);

      g_assert_cmpint (a->is_output, ==, b->is_output);
      g_assert_cmpstr (a->data, ==, b->data);
    }

  /* deleting a run takes it out of the list */
  {
    gint64 ids[] = { first };

    g_assert_cmpint (conduit_history_store_delete_runs (fixture->store, ids, 1, &error), ==, 1);
    g_assert_no_error (error);
    conduit_run_list_model_refresh (conduit_history_view_get_model (fixture->view));
    g_assert_cmpuint (n_listed (fixture->view), ==, 3);
    g_assert_null (conduit_history_store_get_run (fixture->store, first, NULL));
  }
}

/* The model reads pages on demand and keeps only a few, however long the history. */
static void
test_model_pages (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitRunListModel) model = conduit_run_list_model_new (fixture->store);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time ();
  guint n = 3 * CONDUIT_RUN_LIST_MODEL_PAGE_SIZE * 4 + 17;
  gint64 previous = G_MAXINT64;

  for (guint i = 0; i < n; i++)
    {
      ConduitRunRecord run = { 0 };

      run.flow = (char *)(i % 3 == 0 ? "Alpha" : "Beta");
      run.trigger_node = (char *)"start";
      run.trigger_kind = (char *)"schedule";
      run.started_us = now - (gint64)(n - i) * G_USEC_PER_SEC;
      run.status = CONDUIT_RUN_STATUS_RUNNING;
      conduit_history_store_begin_run_async (fixture->store, &run, NULL, NULL, NULL, NULL, NULL);
    }
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_no_error (error);

  conduit_run_list_model_refresh (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);
  g_assert_cmpuint (conduit_run_list_model_get_n_cached_pages (model), ==, 0);
  for (guint i = 0; i < n; i += 7)
    {
      g_autoptr(ConduitRunRow) row = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpint (conduit_run_row_get_id (row), <, previous);
      previous = conduit_run_row_get_id (row);
    }
  g_assert_cmpuint (conduit_run_list_model_get_n_cached_pages (model), <=, 6);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), n));

  conduit_run_list_model_set_filter (model, "Alpha", -1, 0, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, (n + 2) / 3);
}

static gint64
add_run (Fixture          *fixture,
         const char       *flow,
         const char       *kind,
         ConduitRunStatus  status,
         gint64            minutes_ago,
         const char       *error_text)
{
  ConduitRunRecord run = { 0 };
  ConduitStepRecord step = { 0 };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  run.flow = (char *)flow;
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)kind;
  run.started_us = g_get_real_time () - minutes_ago * 60 * G_USEC_PER_SEC;
  run.status = CONDUIT_RUN_STATUS_RUNNING;
  g_ptr_array_add (items, (char *)"{\"email\": \"ada@example.com\", \"name\": \"Ada\"}");
  g_ptr_array_add (items, (char *)"{\"email\": \"bob@example\", \"name\": \"Bob\"}");
  {
    GAsyncResult *result = NULL;

    conduit_history_store_begin_run_async (fixture->store, &run, NULL, items, NULL, keep_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    run.id = conduit_history_store_begin_run_finish (fixture->store, result, &error);
    g_assert_no_error (error);
    g_object_unref (result);
  }
  run.finished_us = run.started_us + 1840 * 1000;
  run.status = status;
  run.items_in = 2;
  run.items_ok = status == CONDUIT_RUN_STATUS_SUCCEEDED ? 2 : status == CONDUIT_RUN_STATUS_PARTIAL;
  run.items_failed = status == CONDUIT_RUN_STATUS_FAILED ? 2 : 0;
  run.items_rejected = status == CONDUIT_RUN_STATUS_PARTIAL;
  run.error = (char *)error_text;

  step.run_id = run.id;
  step.node_id = (char *)"crm";
  step.item_index = 1;
  step.attempt = 3;
  step.started_us = run.started_us;
  step.finished_us = run.started_us + 420000;
  step.status = (char *)(status == CONDUIT_RUN_STATUS_SUCCEEDED ? "ok" : status == CONDUIT_RUN_STATUS_PARTIAL ? "rejected" : "failed");
  step.http_status = status == CONDUIT_RUN_STATUS_FAILED ? 503 : 200;
  step.error_message = status == CONDUIT_RUN_STATUS_PARTIAL
    ? (char *)"The field “email” is not an email address: “bob@example”"
    : (char *)error_text;
  conduit_history_store_add_step (fixture->store, &step);
  conduit_history_store_finish_run (fixture->store, &run);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  return run.id;
}

static void
save_shot (GtkWidget  *widget,
           const char *name)
{
  const char *dir = g_getenv ("CONDUIT_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("saved %s", path);
}

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

/* Resizes the window and waits until it has been painted at that size. */
static void
settle (Fixture *fixture,
        int      width)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 640);
  while (!gtk_widget_get_mapped (fixture->window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (fixture->window);
  g_assert_nonnull (clock);
  /* the leaflet folds and unfolds with a 250 ms slide: let it end */
  test_spin_for (400);
  /* Two paints: the first may still be of the old size. */
  for (int i = 0; i < 2; i++)
    {
      painted = FALSE;
      handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
      gtk_widget_queue_draw (fixture->window);
      while (!painted && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      g_signal_handler_disconnect (clock, handler);
    }
  g_assert_true (painted);
}

/* A generated history of every kind of outcome, as it looks wide, narrow and dark. */
static void
test_looks (Fixture       *fixture,
            gconstpointer  data)
{
  gint64 failed;

  add_run (fixture, "Web form lead to CRM contact", "webhook", CONDUIT_RUN_STATUS_INTERRUPTED, 600,
           "Conduit stopped before this run finished");
  failed = add_run (fixture, "Invoices to accounting", "schedule", CONDUIT_RUN_STATUS_FAILED, 90,
                    "The accounting system answered 503 Service Unavailable three times; the items wait to be sent again");
  add_run (fixture, "Web form lead to CRM contact", "webhook", CONDUIT_RUN_STATUS_PARTIAL, 30, NULL);
  add_run (fixture, "Web form lead to CRM contact", "manual", CONDUIT_RUN_STATUS_SUCCEEDED, 2, NULL);
  conduit_run_list_model_refresh (conduit_history_view_get_model (fixture->view));
  g_assert_cmpuint (n_listed (fixture->view), ==, 4);
  g_assert_true (conduit_history_view_select_run (fixture->view, failed));
  g_assert_true (shows_text (GTK_WIDGET (fixture->view), "503 Service Unavailable"));

  settle (fixture, 1000);
  save_shot (fixture->window, "history-wide.png");
  settle (fixture, 360);
  save_shot (fixture->window, "history-narrow.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  settle (fixture, 1000);
  save_shot (fixture->window, "history-dark.png");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

/* Ctrl+H's action shows the history page and goes back to where the window was. */
static void
test_window_page (void)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  int minimum = 0;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpstr (conduit_window_get_page_name (window), ==, "start");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-history", NULL);
  g_assert_cmpstr (conduit_window_get_page_name (window), ==, "history");
  g_assert_nonnull (conduit_window_get_history_view (window));
  /* the history page fits a phone-sized window */
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-history", NULL);
  g_assert_cmpstr (conduit_window_get_page_name (window), ==, "start");

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

  g_test_add ("/conduit/history-view/list-filters-details-rerun", Fixture, NULL,
              fixture_set_up, test_list_filters_details_rerun, fixture_tear_down);
  g_test_add ("/conduit/history-view/model-pages", Fixture, NULL,
              fixture_set_up, test_model_pages, fixture_tear_down);
  g_test_add_func ("/conduit/history-view/window-page", test_window_page);
  g_test_add ("/conduit/history-view/looks", Fixture, NULL,
              fixture_set_up, test_looks, fixture_tear_down);
  return g_test_run ();
}
