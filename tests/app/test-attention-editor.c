/* test-attention-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Defects of the editor from the usability test (#22) that the other tests did not cover: a
 * flow opened fitted beside the inspector, a readable Fit, the palette's search by word, the
 * window subtitle, accessible names. Each failed before its fix. */

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "conduit-application.h"
#include "conduit-editor.h"
#include "conduit-graph-node.h"
#include "conduit-graph-view.h"
#include "conduit-history-view.h"
#include "conduit-inspector.h"
#include "conduit-mapping-cell.h"
#include "conduit-mapping-editor.h"
#include "conduit-palette.h"
#include "conduit-run-panel.h"
#include "conduit-window.h"
#include "test-util.h"
#include "graph-test-common.h"

static char *test_home;

typedef struct
{
  ConduitWindow *window;
  const char    *page;
} PageWait;

static gboolean
page_is_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (conduit_window_get_page_name (wait->window), wait->page) == 0 ||
         g_strcmp0 (conduit_window_get_page_name (wait->window), "error") == 0;
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static ConduitWindow *
open_window (GFile *file,
             int    width,
             int    height)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  PageWait wait = { window, "editor" };
  guint waker;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_open_file (window, file);
  waker = g_timeout_add (100, wake, NULL);

  test_spin_until (page_is_shown, &wait, 60);
  g_source_remove (waker);
  if (g_strcmp0 (conduit_window_get_page_name (window), "error") == 0)
    g_error ("%s", conduit_window_get_error_text (window));
  g_assert_cmpstr (conduit_window_get_page_name (window), ==, "editor");
  /* the sidebars slide in: let them take their width */
  test_spin_for (800);
  test_spin_idle ();
  return window;
}

static void
destroy_window (ConduitWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  test_spin_idle ();
  g_assert_finalize_object (window);
}

/* Every card of the canvas (or only the trigger, "form") lies inside it and outside the
 * inspector. */
static void
assert_cards_uncovered (ConduitWindow *window,
                        gboolean       all)
{
  ConduitEditor *editor = conduit_window_get_editor (window);
  GtkWidget *view = conduit_editor_get_graph_view (editor);
  GtkWidget *inspector = GTK_WIDGET (conduit_editor_get_inspector (editor));
  graphene_rect_t covered = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  guint n = 0;

  g_assert_true (gtk_widget_get_mapped (view));
  if (gtk_widget_get_mapped (inspector))
    g_assert_true (gtk_widget_compute_bounds (inspector, view, &covered));
  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t card;

      if (!CONDUIT_IS_GRAPH_NODE (child) ||
          (!all && g_strcmp0 (conduit_node_get_id (conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (child))), "form") != 0))
        continue;
      n++;
      g_assert_true (gtk_widget_get_child_visible (child));
      g_assert_true (gtk_widget_compute_bounds (child, view, &card));
      g_test_message ("%s at %.0f,%.0f %.0f×%.0f; inspector from x %.0f",
                      conduit_node_get_id (conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (child))),
                      card.origin.x, card.origin.y, card.size.width, card.size.height,
                      covered.origin.x);
      g_assert_cmpfloat (card.origin.x, >=, 0);
      g_assert_cmpfloat (card.origin.y, >=, 0);
      g_assert_cmpfloat (card.origin.x + card.size.width, <=, gtk_widget_get_width (view));
      g_assert_cmpfloat (card.origin.y + card.size.height, <=, gtk_widget_get_height (view));
      g_assert_false (graphene_rect_intersection (&card, &covered, NULL));
    }
  g_assert_cmpuint (n, >=, all ? 4 : 1);
}

/* An example opens with every step in sight beside the inspector where the window is wide
 * enough, at a zoom where the cards show their content; where it is not (narrow, the inspector
 * folded over the canvas) with its start in sight, not under the inspector. */
static void
test_open_fitted (void)
{
  g_autofree char *path = test_example_path ("web-form-to-crm.conduit");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  const int widths[] = { 1280, 900, 640 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      ConduitWindow *window = open_window (file, widths[i], 760);
      ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (conduit_window_get_editor (window)));

      g_test_message ("window %d px wide", widths[i]);
      assert_cards_uncovered (window, widths[i] >= 1280);
      g_assert_cmpfloat (conduit_graph_viewport_get_zoom (conduit_graph_view_get_viewport (view)), >=, 0.5);
      destroy_window (window);
    }
}

/* Zoom to Fit on a flow too big to show readable stops at a zoom where cards show their
 * content and shows the flow's start; the rest is a pan away. */
static void
test_fit_readable (void)
{
  g_autofree char *path = g_build_filename (test_home, "big.conduit", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) json = g_string_new ("{ \"version\": 1, \"name\": \"Big\", \"nodes\": [");
  g_autoptr(GError) error = NULL;
  ConduitWindow *window;
  ConduitGraphView *view;
  ConduitGraphViewport *viewport;
  double x, y;

  for (guint i = 0; i < 300; i++)
    g_string_append_printf (json, "%s{ \"id\": \"n%u\", \"type\": \"%s\", \"position\": [%u, %u]%s }",
                            i == 0 ? "" : ",", i, i == 0 ? "manual-trigger" : "filter",
                            (i % 30) * 260, (i / 30) * 160,
                            i == 0 ? "" : ", \"settings\": { \"condition\": \"true\" }");
  g_string_append (json, "], \"links\": [] }");
  g_assert_true (g_file_set_contents (path, json->str, -1, &error));
  g_assert_no_error (error);

  window = open_window (file, 1280, 800);
  view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (conduit_window_get_editor (window)));
  viewport = conduit_graph_view_get_viewport (view);
  conduit_graph_viewport_set_zoom (viewport, 1.7);
  conduit_graph_view_zoom_to_fit (view);
  g_assert_cmpfloat (conduit_graph_viewport_get_zoom (viewport), >=, 0.5);
  /* the trigger, top left, is in sight */
  conduit_graph_viewport_to_widget (viewport, 0, 0, &x, &y);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (y, >=, 0);
  g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (view)) / 2.0);

  destroy_window (window);
  g_unlink (path);
}

static void
mark_true (gboolean *flag)
{
  *flag = TRUE;
}

/* The palette finds words by their start: "file" lists Read File and Write File, and no
 * Outlook step (whose descriptions speak of "profile"). */
static void
test_palette_word_start (void)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ConduitPalette *palette = CONDUIT_PALETTE (conduit_palette_new ());
  GListModel *visible;
  gboolean read_file = FALSE;

  gulong handler;
  gboolean searched = FALSE;

  gtk_window_set_child (window, GTK_WIDGET (palette));
  gtk_window_present (window);
  /* the search runs a moment after the typing, as for a person; a slow (sanitizer) build may
   * not get there in any given time, so the test says "now", as the delay's end would */
  handler = g_signal_connect_swapped (conduit_palette_get_search_entry (palette), "search-changed",
                                      G_CALLBACK (mark_true), &searched);
  gtk_editable_set_text (conduit_palette_get_search_entry (palette), "file");
  g_signal_emit_by_name (conduit_palette_get_search_entry (palette), "search-changed");
  g_signal_handler_disconnect (conduit_palette_get_search_entry (palette), handler);
  g_assert_true (searched);
  test_spin_idle ();
  visible = conduit_palette_get_visible (palette);

  g_assert_cmpuint (g_list_model_get_n_items (visible), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);
      const char *id = conduit_connector_get_id (connector);

      g_test_message ("“file” finds %s", id);
      g_assert_null (strstr (id, "outlook"));
      read_file |= g_str_equal (id, "read-file");
    }
  g_assert_true (read_file);
  gtk_window_destroy (window);
  test_spin_idle ();
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A flow in the home folder is shown as "~/Flows", not by its full path. */
static void
test_subtitle_home (void)
{
  g_autofree char *folder = g_build_filename (g_get_home_dir (), "Flows", NULL);
  g_autofree char *path = g_build_filename (folder, "leads.conduit", NULL);
  g_autofree char *example = test_example_path ("web-form-to-crm.conduit");
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ConduitWindow *window;
  GtkWidget *title;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_get_contents (example, &contents, NULL, &error));
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);

  window = open_window (file, 1000, 700);
  title = find_type (GTK_WIDGET (window), ADW_TYPE_WINDOW_TITLE);
  g_assert_nonnull (title);
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (title)), ==,
                   "leads.conduit — ~/Flows");
  destroy_window (window);
  g_unlink (path);
  g_rmdir (folder);
}

/* ---- accessible names ---- */

static gboolean
has_label (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* What a screen reader can call @widget, the way GTK 4.8 gets it: its accessible label, or for
 * a plain button or check its label text — not a mnemonic's raw "_New Flow", not an icon, not
 * a label widget of an expander, and not the inner toggle of a drop-down or a menu button
 * (those read "GtkToggleButton" or their label alone). */
static gboolean
is_named (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (has_label (widget))
    return TRUE;
  if (GTK_IS_TOGGLE_BUTTON (widget) && parent != NULL &&
      (GTK_IS_DROP_DOWN (parent) || GTK_IS_MENU_BUTTON (parent)))
    return FALSE;
  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));

      return label != NULL && *label != '\0' && gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL &&
             !gtk_button_get_use_underline (GTK_BUTTON (widget));
    }
  if (GTK_IS_CHECK_BUTTON (widget))
    return gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL;
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != NULL;
  return FALSE;
}

static gboolean
is_interactive (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_EXPANDER (widget) || GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget) ||
         GTK_IS_TEXT_VIEW (widget) || GTK_IS_SCALE (widget);
}

/* Walks what is shown under @widget and lists every control a screen reader cannot name. The
 * canvas's cards and ports are checked by the graph view's own tests. */
static guint
check_names (GtkWidget *widget,
             GString   *missing)
{
  guint checked = 0;

  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget) ||
      CONDUIT_IS_GRAPH_VIEW (widget))
    return 0;
  /* a drop-down's or a menu button's focus, and name, is its inner toggle: checked below */
  if (is_interactive (widget) && !GTK_IS_DROP_DOWN (widget) && !GTK_IS_MENU_BUTTON (widget))
    {
      checked++;
      if (!is_named (widget))
        g_string_append_printf (missing, "%s under %s (tooltip “%s”)\n", G_OBJECT_TYPE_NAME (widget),
                                G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                gtk_widget_get_tooltip_text (widget));
      /* an entry's text, a spin button's text, a search entry's insides are named by it */
      if (!GTK_IS_EXPANDER (widget))
        return checked;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += check_names (child, missing);
  return checked;
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

/* The start page, the editor, the history, the mapping table and the run panel after a run:
 * every control there has a name a screen reader can say. */
static void
test_accessible_names (void)
{
  g_autofree char *path = test_example_path ("web-form-to-crm.conduit");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autofree char *db = g_build_filename (test_home, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitRun) run = NULL;
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  ConduitDocument *document;
  GtkWindow *table_window;
  GtkWidget *table;
  GtkWidget *panel;
  guint checked;

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  test_spin_idle ();
  checked = check_names (GTK_WIDGET (window), missing);
  destroy_window (window);

  window = open_window (file, 1280, 800);
  document = conduit_window_get_document (window);
  checked += check_names (GTK_WIDGET (window), missing);

  /* the history, with the runs of a flow run here */
  store = conduit_history_store_new (db, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), store);
  {
    g_autoptr(GPtrArray) problems = NULL;
    g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
      "{ \"version\": 1, \"name\": \"Local\", \"nodes\": ["
      "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
      "    \"settings\": { \"items\": [{\"n\": 1}, {\"n\": 2}] } },"
      "  { \"id\": \"keep\", \"type\": \"filter\", \"position\": [240, 0],"
      "    \"settings\": { \"condition\": \"n > 1\" } } ],"
      " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"keep\", \"to_port\": \"in\" } ] }",
      -1, &problems, &error);

    g_assert_no_error (error);
    conduit_runner_run_async (runner, flow, NULL, NULL, NULL, run_done, &run);
    while (run == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (conduit_history_store_flush (store, &error));

    panel = conduit_run_panel_new ();
    gtk_window_set_child (table_window = GTK_WINDOW (gtk_window_new ()), panel);
    gtk_window_present (table_window);
    conduit_run_panel_set_run (CONDUIT_RUN_PANEL (panel), run);
    conduit_run_panel_set_node (CONDUIT_RUN_PANEL (panel), conduit_flow_lookup_node (flow, "keep"));
    test_spin_idle ();
    checked += check_names (panel, missing);
    gtk_window_destroy (table_window);
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-history", NULL);
  conduit_history_view_set_runner (conduit_window_get_history_view (window), runner);
  conduit_history_view_select_run (conduit_window_get_history_view (window), conduit_run_get_id (run));
  test_spin_idle ();
  checked += check_names (GTK_WIDGET (window), missing);

  /* the mapping table of the example's Map Fields step */
  table = conduit_mapping_editor_new ();
  table_window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (table_window, table);
  gtk_window_set_default_size (table_window, 1400, 900);
  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (table), document,
                                   conduit_flow_lookup_node (conduit_document_get_flow (document), "map"));
  gtk_window_present (table_window);
  test_spin_idle ();
  checked += check_names (table, missing);
  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (table), NULL, NULL);
  gtk_window_destroy (table_window);

  conduit_history_view_set_runner (conduit_window_get_history_view (window), NULL);
  destroy_window (window);
  conduit_history_store_close (store);

  g_test_message ("%u controls checked", checked);
  g_assert_cmpuint (checked, >, 60);
  g_assert_cmpstr (missing->str, ==, "");
}

/* ---- German ---- */

static GtkWidget *
find_class (GtkWidget  *widget,
            const char *css_class)
{
  if (gtk_widget_has_css_class (widget, css_class))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_class (child, css_class);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect_row_titles (GtkWidget *widget,
                    GPtrArray *titles)
{
  if (ADW_IS_ACTION_ROW (widget))
    g_ptr_array_add (titles, (gpointer)adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_row_titles (child, titles);
}

/* In German a card's badge after a test run fits the card, and the start page's examples are
 * in German. Uses the translation the build compiled. */
static void
test_german (void)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  g_autofree char *examples = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples", NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(ConduitNode) node = conduit_node_new ("crm", "http-request");
  g_autoptr(GPtrArray) titles = g_ptr_array_new ();
  ConduitConnector *connector = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                                  "http-request");
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ConduitWindow *main_window;
  GtkWidget *card = conduit_graph_node_new (node, connector);
  GtkWidget *badge;
  int natural = 0;
  const char *name;
  guint n_examples = 0;

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "de", TRUE);
  if (g_strcmp0 (_("Runs That Need Attention"), "Runs That Need Attention") == 0)
    {
      g_test_skip ("the German translation is not compiled in this build");
      g_setenv ("LANGUAGE", "en", TRUE);
      gtk_window_destroy (window);
      return;
    }

  /* the badge of a step where both items failed */
  gtk_window_set_child (window, card);
  gtk_window_present (window);
  conduit_graph_node_set_status (CONDUIT_GRAPH_NODE (card), "failed", 0, 2, 1);
  test_spin_idle ();
  badge = find_class (card, "node-status");
  g_assert_nonnull (badge);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (badge)), ==, "0 ok · 2 Fehler · 1 abgelehnt");
  gtk_widget_measure (badge, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("badge needs %d px of %d", natural, gtk_widget_get_width (badge));
  g_assert_cmpint (natural, <=, gtk_widget_get_width (badge));
  gtk_window_destroy (window);

  /* the examples on the start page */
  main_window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_present (GTK_WINDOW (main_window));
  test_spin_idle ();
  collect_row_titles (GTK_WIDGET (main_window), titles);
  dir = g_dir_open (examples, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(ConduitFlow) flow = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *json = NULL;

      if (!g_str_has_suffix (name, ".conduit"))
        continue;
      path = g_build_filename (examples, name, NULL);
      g_assert_true (g_file_get_contents (path, &json, NULL, &error));
      flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1,
                                         &problems, &error);
      g_assert_no_error (error);
      n_examples++;
      g_test_message ("%s: “%s”", name, conduit_flow_get_name (flow));
      /* translated, and listed so (the recent flows may list the English name: the file's) */
      g_assert_cmpstr (_(conduit_flow_get_name (flow)), !=, conduit_flow_get_name (flow));
      g_assert_cmpstr (_(conduit_flow_get_description (flow)), !=, conduit_flow_get_description (flow));
      g_assert_true (g_ptr_array_find_with_equal_func (titles, _(conduit_flow_get_name (flow)),
                                                       g_str_equal, NULL));
    }
  g_assert_cmpuint (n_examples, >=, 4);
  destroy_window (main_window);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  setlocale (LC_ALL, "C.UTF-8");
}

/* ---- steps added or pasted ---- */

/* No two cards of @view overlap. */
static void
assert_no_overlap (ConduitGraphView *view)
{
  g_autoptr(GPtrArray) rects = g_ptr_array_new_with_free_func (g_free);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (view)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ConduitNode *node;
      graphene_rect_t *rect;

      if (!CONDUIT_IS_GRAPH_NODE (child))
        continue;
      node = conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (child));
      rect = g_new (graphene_rect_t, 1);
      *rect = GRAPHENE_RECT_INIT (conduit_node_get_x (node), conduit_node_get_y (node),
                                  CONDUIT_GRAPH_NODE_WIDTH,
                                  conduit_graph_node_get_height (CONDUIT_GRAPH_NODE (child)));
      for (guint i = 0; i < rects->len; i++)
        if (graphene_rect_intersection (rect, g_ptr_array_index (rects, i), NULL))
          g_error ("%s at %.0f,%.0f lies on another card", conduit_node_get_id (node),
                   rect->origin.x, rect->origin.y);
      g_ptr_array_add (rects, rect);
    }
  g_assert_cmpuint (rects->len, >, 4);
}

/* Steps added by keyboard (the palette's Enter) and duplicated or pasted twice land beside the
 * cards already there, not on them. */
static void
test_added_not_stacked (void)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  ConduitGraphView *view;
  g_autoptr(GtkWindow) window = graph_test_show (document, 1000, 700, &view);

  for (guint i = 0; i < 3; i++)
    g_assert_nonnull (conduit_graph_view_add_node (view, "filter"));
  graph_test_drain ();
  assert_no_overlap (view);

  conduit_graph_view_select_node (view, conduit_flow_lookup_node (conduit_document_get_flow (document), "map"));
  for (guint i = 0; i < 2; i++)
    {
      conduit_graph_view_select_node (view, conduit_flow_lookup_node (conduit_document_get_flow (document), "map"));
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "graph.duplicate", NULL));
      graph_test_drain ();
    }
  assert_no_overlap (view);
  gtk_window_destroy (window);
  graph_test_drain ();
}

/* ---- the inspector's text boxes and the wheel ---- */

static GtkEventController *
capture_scroll_controller (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_SCROLL (controller) &&
          gtk_event_controller_get_propagation_phase (controller) == GTK_PHASE_CAPTURE)
        return controller;
    }
  return NULL;
}

/* A setting's text box (the sample items), not the flow's description. */
static GtkWidget *
find_setting_text (GtkWidget *widget)
{
  if (GTK_IS_TEXT_VIEW (widget) && gtk_widget_get_mapped (widget) &&
      GTK_IS_SCROLLED_WINDOW (gtk_widget_get_parent (widget)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_setting_text (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The wheel over a JSON box scrolls the inspector's form until the box is clicked into. */
static void
test_json_box_wheel (void)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *inspector = conduit_inspector_new ();
  GtkWidget *editor, *inner, *outer;
  GtkEventController *scroll;
  GtkAdjustment *form;
  gboolean handled = FALSE;
  double before;

  gtk_window_set_default_size (window, 360, 420);
  gtk_window_set_child (window, inspector);
  conduit_inspector_set_document (CONDUIT_INSPECTOR (inspector), document);
  conduit_inspector_set_node (CONDUIT_INSPECTOR (inspector),
                              conduit_flow_lookup_node (conduit_document_get_flow (document), "form"));
  gtk_window_present (window);
  test_spin_idle ();

  editor = find_setting_text (inspector);
  g_assert_nonnull (editor);
  inner = gtk_widget_get_ancestor (editor, GTK_TYPE_SCROLLED_WINDOW);
  outer = gtk_widget_get_ancestor (gtk_widget_get_parent (inner), GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (outer);
  form = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (outer));
  g_assert_cmpfloat (gtk_adjustment_get_upper (form) - gtk_adjustment_get_page_size (form), >, 100);
  gtk_adjustment_set_value (form, 0);

  /* not focused: the form scrolls, the box does not take the wheel */
  scroll = capture_scroll_controller (inner);
  g_assert_nonnull (scroll);
  before = gtk_adjustment_get_value (form);
  g_signal_emit_by_name (scroll, "scroll", 0.0, 2.0, &handled);
  g_assert_true (handled);
  g_assert_cmpfloat (gtk_adjustment_get_value (form), >, before);

  /* clicked into: the wheel is the box's */
  gtk_widget_grab_focus (editor);
  before = gtk_adjustment_get_value (form);
  g_signal_emit_by_name (scroll, "scroll", 0.0, 2.0, &handled);
  g_assert_false (handled);
  g_assert_cmpfloat (gtk_adjustment_get_value (form), ==, before);

  conduit_inspector_set_node (CONDUIT_INSPECTOR (inspector), NULL);
  gtk_window_destroy (window);
  test_spin_idle ();
}

/* ---- the mapping table when narrow ---- */

static GtkColumnViewColumn *
column_titled (GtkWidget  *editor,
               const char *title)
{
  GtkWidget *view = find_type (editor, GTK_TYPE_COLUMN_VIEW);
  GListModel *columns;

  g_assert_nonnull (view);
  columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), title) == 0)
        return column;
    }
  return NULL;
}

static GtkWidget *
find_menu_button (GtkWidget  *widget,
                  const char *label)
{
  if (GTK_IS_MENU_BUTTON (widget) &&
      g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The mapping window opens no wider than the window it comes from; a narrow table shows
 * destination, source and status, and the selected row's other columns in Row Details. */
static void
test_mapping_narrow (void)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  ConduitNode *map = conduit_flow_lookup_node (conduit_document_get_flow (document), "map");
  GtkWindow *parent = GTK_WINDOW (gtk_window_new ());
  GtkWidget *anchor = gtk_label_new ("");
  GtkWindow *window;
  GtkWidget *editor;
  int width = 0, height = 0;

  gtk_window_set_default_size (parent, 800, 600);
  gtk_window_set_child (parent, anchor);
  gtk_window_present (parent);
  test_spin_idle ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (parent)), <=, 800);

  window = conduit_mapping_editor_open_window (anchor, document, map);
  gtk_window_get_default_size (window, &width, &height);
  g_assert_cmpint (width, <=, 800);
  g_assert_cmpint (height, <=, 600);
  editor = find_type (GTK_WIDGET (window), CONDUIT_TYPE_MAPPING_EDITOR);
  g_assert_nonnull (editor);

  gtk_window_set_default_size (window, 560, 600);
  test_spin_for (200);
  test_spin_idle ();
  g_test_message ("table %d px wide in a window of %d", gtk_widget_get_width (editor),
                  gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_true (conduit_mapping_editor_get_narrow (CONDUIT_MAPPING_EDITOR (editor)));
  g_assert_false (gtk_column_view_column_get_visible (column_titled (editor, "Preview")));
  g_assert_false (gtk_column_view_column_get_visible (column_titled (editor, "Type")));
  g_assert_false (gtk_column_view_column_get_visible (column_titled (editor, "Required")));
  g_assert_false (gtk_column_view_column_get_visible (column_titled (editor, "Validation")));
  g_assert_true (gtk_column_view_column_get_visible (column_titled (editor, "Source")));

  /* the hidden columns of the selected row are in Row Details, and edit it */
  {
    GtkWidget *details = find_menu_button (editor, "Row _Details");
    ConduitMapping *mapping = conduit_mapping_editor_get_mapping (CONDUIT_MAPPING_EDITOR (editor));
    GtkWidget *popover, *type_cell;
    GtkDropDown *drop_down;
    GtkSelectionModel *rows;

    g_assert_nonnull (details);
    g_assert_true (gtk_widget_get_visible (details));
    rows = gtk_column_view_get_model (GTK_COLUMN_VIEW (find_type (editor, GTK_TYPE_COLUMN_VIEW)));
    gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (rows), 0);
    test_spin_idle ();
    g_assert_true (gtk_widget_get_sensitive (details));
    gtk_menu_button_popup (GTK_MENU_BUTTON (details));
    test_spin_idle ();
    popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (details)));
    g_assert_nonnull (popover);
    type_cell = find_type (popover, CONDUIT_TYPE_MAPPING_TYPE_CELL);
    g_assert_nonnull (type_cell);
    drop_down = GTK_DROP_DOWN (find_type (type_cell, GTK_TYPE_DROP_DOWN));
    g_assert_cmpuint (gtk_drop_down_get_selected (drop_down), ==,
                      conduit_mapping_row_get_value_type (conduit_mapping_get_row (mapping, 0)));
    gtk_drop_down_set_selected (drop_down, CONDUIT_MAPPING_TYPE_DATE);
    test_spin_idle ();
    mapping = conduit_mapping_editor_get_mapping (CONDUIT_MAPPING_EDITOR (editor));
    g_assert_cmpint (conduit_mapping_row_get_value_type (conduit_mapping_get_row (mapping, 0)), ==,
                     CONDUIT_MAPPING_TYPE_DATE);
    gtk_menu_button_popdown (GTK_MENU_BUTTON (details));
    test_spin_idle ();
  }

  gtk_window_set_default_size (window, 1300, 600);
  test_spin_for (200);
  test_spin_idle ();
  g_assert_false (conduit_mapping_editor_get_narrow (CONDUIT_MAPPING_EDITOR (editor)));
  g_assert_true (gtk_column_view_column_get_visible (column_titled (editor, "Preview")));
  g_assert_true (gtk_column_view_column_get_visible (column_titled (editor, "Type")));
  g_assert_false (gtk_widget_get_visible (find_menu_button (editor, "Row _Details")));

  gtk_window_destroy (window);
  gtk_window_destroy (parent);
  test_spin_idle ();
}

/* Changing a row's type does not change the Type column's width. */
static void
test_mapping_type_width (void)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  ConduitNode *map = conduit_flow_lookup_node (conduit_document_get_flow (document), "map");
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *editor = conduit_mapping_editor_new ();
  GtkWidget *type_cell;
  GtkDropDown *drop_down;
  int before, after;

  gtk_window_set_default_size (window, 1400, 700);
  gtk_window_set_child (window, editor);
  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (editor), document, map);
  gtk_window_present (window);
  test_spin_for (200);
  test_spin_idle ();

  type_cell = conduit_mapping_editor_get_cell (CONDUIT_MAPPING_EDITOR (editor), 0, "type");
  g_assert_nonnull (type_cell);
  drop_down = GTK_DROP_DOWN (find_type (type_cell, GTK_TYPE_DROP_DOWN));
  before = gtk_widget_get_width (type_cell);
  for (guint choice = 0; choice < 10; choice++)
    {
      gtk_drop_down_set_selected (drop_down, choice);
      test_spin_idle ();
      type_cell = conduit_mapping_editor_get_cell (CONDUIT_MAPPING_EDITOR (editor), 0, "type");
      drop_down = GTK_DROP_DOWN (find_type (type_cell, GTK_TYPE_DROP_DOWN));
      after = gtk_widget_get_width (type_cell);
      g_test_message ("type %u: %d px (was %d)", choice, after, before);
      g_assert_cmpint (after, ==, before);
    }

  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (editor), NULL, NULL);
  gtk_window_destroy (window);
  test_spin_idle ();
}

/* Auto-Map on an empty table names destinations after the sample's fields as people write
 * them: "First Name", not "`First Name`". */
static void
test_auto_map_names (void)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Leads\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [240, 0] } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }",
    -1, &problems, &error);
  g_autoptr(ConduitDocument) document = NULL;
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *editor = conduit_mapping_editor_new ();
  ConduitMapping *mapping;
  gboolean first_name = FALSE;

  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  gtk_window_set_child (window, editor);
  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (editor), document,
                                   conduit_flow_lookup_node (conduit_document_get_flow (document), "map"));
  gtk_window_present (window);
  g_assert_true (conduit_mapping_editor_set_samples_text (CONDUIT_MAPPING_EDITOR (editor),
                                                          "{\"First Name\": \"Ada\", \"utm\": {\"a.b\": 1}, \"email\": \"ada@example.com\"}",
                                                          &error));
  g_assert_no_error (error);
  test_spin_idle ();
  g_assert_true (gtk_widget_activate_action (editor, "mapping.auto-map", NULL));
  test_spin_idle ();

  mapping = conduit_mapping_editor_get_mapping (CONDUIT_MAPPING_EDITOR (editor));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), >=, 2);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (mapping)); i++)
    {
      ConduitMappingRow *row = conduit_mapping_get_row (mapping, i);
      const char *destination = conduit_mapping_row_get_destination (row);

      g_test_message ("%s ← %s", destination, conduit_mapping_row_get_source (row));
      g_assert_null (strchr (destination, '`'));
      first_name |= g_str_equal (destination, "First Name");
    }
  g_assert_true (first_name);

  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (editor), NULL, NULL);
  gtk_window_destroy (window);
  test_spin_idle ();
}

/* ---- how it looks ---- */

/* Renders @widget into CONDUIT_SCREENSHOT_DIR/@name when that is set: the pictures the
 * usability review looks at (light, dark, German, 360 px). */
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
report_wide (GtkWidget *widget,
             int        depth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum = 0;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      if (minimum > 300)
        {
          g_test_message ("%*s%s %s: %d", depth, "", G_OBJECT_TYPE_NAME (child),
                          gtk_widget_get_name (child), minimum);
          report_wide (child, depth + 1);
        }
    }
}

typedef struct
{
  const char *name;
  gboolean    dark;
  int         width;
} Shot;

/* The example in the editor as the review sees it, in the language the process started with;
 * at 360 px the window still fits (the history page included) and the flow's start is in sight. */
static void
shoot (const Shot *shots,
       guint       n_shots)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  g_autofree char *example = test_example_path ("web-form-to-crm.conduit");
  g_autofree char *folder = g_build_filename (g_get_home_dir (), "Documents", NULL);
  g_autofree char *path = g_build_filename (folder, "web-form-to-crm.conduit", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  /* a copy in ~/Documents: the pictures show no path of this machine */
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_get_contents (example, &contents, NULL, &error));
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  setlocale (LC_ALL, "C.UTF-8");
  for (guint i = 0; i < n_shots; i++)
    {
      ConduitWindow *window;
      int minimum = 0;

      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          shots[i].dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                        : ADW_COLOR_SCHEME_FORCE_LIGHT);
      window = open_window (file, shots[i].width, 760);
      /* the page's cross-fade from the start page is over */
      test_spin_for (1000);
      test_spin_idle ();
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      /* wide, the header bar holds everything; at 360 px it makes room */
      if (shots[i].width <= 360 && minimum > 360)
        report_wide (GTK_WIDGET (window), 0);
      if (shots[i].width <= 360)
        g_assert_cmpint (minimum, <=, 360);
      assert_cards_uncovered (window, shots[i].width >= 1200);
      save_shot (GTK_WIDGET (window), shots[i].name);
      destroy_window (window);
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_unlink (path);
  g_rmdir (folder);
}

static void
test_looks (void)
{
  static const Shot shots[] = {
    { "editor-light.png", FALSE, 1200 },
    { "editor-dark.png", TRUE, 1200 },
    { "editor-360.png", FALSE, 360 },
  };

  shoot (shots, G_N_ELEMENTS (shots));
}

/* The same in German, in a process of its own: the step descriptions are translated once, when
 * the registry loads. */
static void
test_looks_german (void)
{
  static const Shot shots[] = {
    { "editor-de.png", FALSE, 1200 },
    { "editor-360-de.png", FALSE, 360 },
  };

  if (g_test_subprocess ())
    {
      shoot (shots, G_N_ELEMENTS (shots));
      return;
    }
  g_setenv ("LANGUAGE", "de", TRUE);
  g_test_trap_subprocess (NULL, 600 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  /* A home of its own, made before GLib reads $HOME, for the files this test writes there. */
  test_home = g_dir_make_tmp ("conduit-attention-editor-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("HOME", test_home, TRUE);

  /* GTK, libadwaita and the app's style sheet, as the app has it */
  graph_test_init (&argc, &argv);

  g_test_add_func ("/conduit/attention/editor/open-fitted", test_open_fitted);
  g_test_add_func ("/conduit/attention/editor/fit-readable", test_fit_readable);
  g_test_add_func ("/conduit/attention/editor/palette-word-start", test_palette_word_start);
  g_test_add_func ("/conduit/attention/editor/subtitle-home", test_subtitle_home);
  g_test_add_func ("/conduit/attention/editor/accessible-names", test_accessible_names);
  g_test_add_func ("/conduit/attention/editor/german", test_german);
  g_test_add_func ("/conduit/attention/editor/added-not-stacked", test_added_not_stacked);
  g_test_add_func ("/conduit/attention/editor/json-box-wheel", test_json_box_wheel);
  g_test_add_func ("/conduit/attention/editor/mapping-narrow", test_mapping_narrow);
  g_test_add_func ("/conduit/attention/editor/mapping-type-width", test_mapping_type_width);
  g_test_add_func ("/conduit/attention/editor/auto-map-names", test_auto_map_names);
  g_test_add_func ("/conduit/attention/editor/looks", test_looks);
  g_test_add_func ("/conduit/attention/editor/looks-german", test_looks_german);
  status = g_test_run ();
  test_remove_tree (test_home);
  g_free (test_home);
  return status;
}
