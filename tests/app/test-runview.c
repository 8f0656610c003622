/* test-runview.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <locale.h>

#include "conduit-graph-node.h"
#include "conduit-graph-view-private.h"
#include "conduit-item-table.h"
#include "conduit-resources.h"
#include "conduit-run-panel.h"
#include "conduit-window.h"
#include "test-screenshot.h"
#include "test-util.h"

/* A past run on the canvas (#20) and items as tables (#22), in a real window: runs of a flow
 * that maps records (one is rejected) into files in a temporary folder, recorded in a history
 * in that folder. The history's Show on Canvas lays one of them over the flow; the cards, the
 * banner and the inspector's tables show it, and Back to Editing brings the last test run back.
 * With CONDUIT_SCREENSHOT_DIR set, the canvas and the inspector are saved as PNGs there. */

typedef struct
{
  char                *dir;
  char                *old_cwd;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitWindow       *window;
  ConduitEditor       *editor;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-runview-XXXXXX", &error);
  g_assert_no_error (error);
  /* the flow's files are named relative to the working folder: the cards (and the screenshot)
   * show short names, not a temporary path */
  fixture->old_cwd = g_get_current_dir ();
  g_assert_cmpint (g_chdir (fixture->dir), ==, 0);
  path = g_build_filename (fixture->dir, "history.sqlite", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  fixture->editor = conduit_window_get_editor (fixture->window);
  conduit_editor_set_runner (fixture->editor, fixture->runner);
  conduit_history_view_set_runner (conduit_window_get_history_view (fixture->window),
                                   fixture->runner);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  conduit_history_view_set_runner (conduit_window_get_history_view (fixture->window), NULL);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);
  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  g_assert_cmpint (g_chdir (fixture->old_cwd), ==, 0);
  g_free (fixture->old_cwd);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Three contacts into a mapping that needs a name and a real e-mail address: Bob's is not one.
 * What passes is written to a file; what is rejected to another; the file step's error port
 * feeds a step that never runs. */
static void
open_flow (Fixture *fixture)
{
  const char *json;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  json =
    "{\"version\": 1, \"name\": \"Contacts\", \"nodes\": ["
    " {\"id\": \"start\", \"type\": \"manual-trigger\", \"title\": \"New contacts\","
    "  \"position\": [0, 100], \"settings\": {\"items\": ["
    "   {\"name\": \"Ada\", \"email\": \"ada@example.com\", \"address\": {\"city\": \"Berlin\"},"
    "    \"note\": null},"
    "   {\"name\": \"Bob\", \"email\": \"not an address\"},"
    "   {\"name\": \"Cy\", \"email\": \"cy@example.com\", \"note\": \"\"}]}},"
    " {\"id\": \"map\", \"type\": \"mapping\", \"title\": \"Check contacts\","
    "  \"position\": [280, 100],"
    "  \"settings\": {}, \"mapping\": {\"rows\": ["
    "   {\"destination\": \"name\", \"field\": \"name\", \"required\": true},"
    "   {\"destination\": \"email\", \"field\": \"email\", \"required\": true,"
    "    \"type\": \"email\"},"
    "   {\"destination\": \"address\", \"field\": \"address\"},"
    "   {\"destination\": \"note\", \"field\": \"note\"}]}},"
    " {\"id\": \"save\", \"type\": \"write-file\", \"title\": \"Save contacts\","
    "  \"position\": [560, 0],"
    "  \"settings\": {\"path\": \"contacts.ndjson\", \"format\": \"ndjson\"}},"
    " {\"id\": \"rejects\", \"type\": \"write-file\", \"title\": \"Keep refused\","
    "  \"position\": [560, 220],"
    "  \"settings\": {\"path\": \"refused.ndjson\", \"format\": \"ndjson\"}},"
    " {\"id\": \"errors\", \"type\": \"write-file\", \"title\": \"Keep errors\","
    "  \"position\": [840, 0],"
    "  \"settings\": {\"path\": \"errors.ndjson\", \"format\": \"ndjson\"}}],"
    " \"links\": ["
    "  {\"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\"},"
    "  {\"from\": \"map\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\"},"
    "  {\"from\": \"map\", \"from_port\": \"rejected\", \"to\": \"rejects\", \"to_port\": \"in\"},"
    "  {\"from\": \"save\", \"from_port\": \"error\", \"to\": \"errors\", \"to_port\": \"in\"}]}";
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
}

static ConduitFlow *
flow_of (Fixture *fixture)
{
  return conduit_document_get_flow (conduit_window_get_document (fixture->window));
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

/* A test run from the editor, as F5 starts it; returns its id in the history. */
static gint64
test_run (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  conduit_editor_start_run (fixture->editor);
  g_assert_true (test_spin_until (editor_is_idle, fixture->editor, 120));
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
  return conduit_run_get_id (conduit_editor_get_last_run (fixture->editor));
}

static ConduitGraphNode *
card_of (Fixture    *fixture,
         const char *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (fixture->editor));
  ConduitNode *node = conduit_flow_lookup_node (flow_of (fixture), node_id);
  ConduitGraphNode *card = conduit_graph_view_get_card (view, node);

  g_assert_nonnull (card);
  return card;
}

/* The text a visible label inside @widget shows, if one shows exactly @text. */
static gboolean
widget_shows (GtkWidget  *widget,
              const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (widget_shows (child, text))
      return TRUE;
  return FALSE;
}

#define assert_card(fixture, id, status, badge) G_STMT_START {                          \
    g_assert_cmpstr (conduit_graph_node_get_status (card_of ((fixture), (id))), ==, (status)); \
    if ((badge) != NULL)                                                                \
      g_assert_true (widget_shows (GTK_WIDGET (card_of ((fixture), (id))), (badge)));    \
  } G_STMT_END

static ConduitRunPanel *
select_node (Fixture    *fixture,
             const char *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (fixture->editor));

  conduit_graph_view_select_node (view, conduit_flow_lookup_node (flow_of (fixture), node_id));
  return CONDUIT_RUN_PANEL (conduit_editor_get_run_panel (fixture->editor));
}

/* The first visible button under @widget with @label (as it reads, or as it clicks: its
 * action's name). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget) &&
      (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0 ||
       g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), label) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A click: GtkButton's activate signal clicks only after a press animation. */
static void
click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

/* The history's list of runs (the filter drop-downs have lists of their own). */
static GtkWidget *
find_run_list (GtkWidget *widget)
{
  if (GTK_IS_LIST_VIEW (widget) &&
      GTK_IS_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (widget))) &&
      CONDUIT_IS_RUN_LIST_MODEL (gtk_single_selection_get_model (
        GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (widget))))))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_run_list (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The first cell the table's widgets show with @text. */
static GtkWidget *
find_cell (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_INSCRIPTION (widget) &&
      g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_cell (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* How many cells the table's widgets show with @text: what is on screen, not the model. */
static guint
count_cells (GtkWidget  *widget,
             const char *text,
             guint      *n_cells)
{
  guint found = 0;

  if (GTK_IS_INSCRIPTION (widget))
    {
      (*n_cells)++;
      return g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    found += count_cells (child, text, n_cells);
  return found;
}

static guint
column_of (ConduitItemTable *table,
           const char       *title)
{
  for (guint i = 0; i < conduit_item_table_get_n_columns (table); i++)
    if (g_strcmp0 (conduit_item_table_get_column_title (table, i), title) == 0)
      return i;
  g_error ("no column “%s”", title);
  return 0;
}

/* The row whose @column shows @text. */
static guint
row_of (ConduitItemTable *table,
        guint             column,
        const char       *text)
{
  guint n = g_list_model_get_n_items (conduit_item_table_get_model (table));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *cell = conduit_item_table_dup_cell_text (table, i, column);

      if (g_strcmp0 (cell, text) == 0)
        return i;
    }
  g_error ("no row shows “%s”", text);
  return 0;
}

static void
assert_cell (ConduitItemTable *table,
             guint             row,
             const char       *column,
             const char       *text)
{
  g_autofree char *cell = conduit_item_table_dup_cell_text (table, row, column_of (table, column));

  g_assert_cmpstr (cell, ==, text);
}

static void
settle (Fixture *fixture)
{
  test_spin_for (200);
  test_spin_idle ();
}

/* The history's Show on Canvas, on @run_id as a user picks it in the list. */
static void
show_from_history (Fixture *fixture,
                   gint64   run_id,
                   gboolean by_enter)
{
  ConduitHistoryView *view = conduit_window_get_history_view (fixture->window);

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-history", NULL);
  g_assert_cmpstr (conduit_window_get_page_name (fixture->window), ==, "history");
  conduit_history_view_set_filters (view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, NULL);
  g_assert_true (conduit_history_view_select_run (view, run_id));
  if (by_enter)
    {
      /* Enter (or a double-click) on the selected row activates it */
      GtkWidget *list = find_run_list (GTK_WIDGET (view));
      GtkSelectionModel *model;
      guint position;

      g_assert_nonnull (list);
      model = gtk_list_view_get_model (GTK_LIST_VIEW (list));
      position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
      g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
      g_signal_emit_by_name (list, "activate", position);
    }
  else
    {
      GtkWidget *button = find_button (GTK_WIDGET (view), "history.show-on-canvas");

      click (button);
    }
  g_assert_cmpstr (conduit_window_get_page_name (fixture->window), ==, "editor");
  g_assert_nonnull (conduit_editor_get_past_run (fixture->editor));
}

static void
test_canvas (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *expected_banner = NULL;
  g_autofree char *run_heading = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) one_contact = NULL;
  ConduitRunPanel *panel;
  ConduitItemTable *input;
  ConduitItemTable *output;
  ConduitNode *start;
  ConduitUndoStack *stack;
  gint64 first;
  guint ada, cy, n_cells = 0;

  open_flow (fixture);
  first = test_run (fixture);
  assert_card (fixture, "map", "failed", "2 ok · 1 rejected");

  /* a second test run, after the sample changed: one contact, all well */
  start = conduit_flow_lookup_node (flow_of (fixture), "start");
  one_contact = json_from_string ("[{\"name\": \"Dee\", \"email\": \"dee@example.com\"}]", NULL);
  stack = conduit_document_get_undo_stack (conduit_window_get_document (fixture->window));
  conduit_undo_stack_set_setting (stack, start, "items", one_contact);
  test_run (fixture);
  assert_card (fixture, "map", "succeeded", "1 ok");
  g_assert_null (conduit_editor_get_past_run_banner (fixture->editor));

  /* the first run, from the history: the cards show it, with the badges a live run shows */
  show_from_history (fixture, first, FALSE);
  expected_banner = g_strdup_printf ("Showing run #%" G_GINT64_FORMAT " of ", first);
  g_assert_true (g_str_has_prefix (conduit_editor_get_past_run_banner (fixture->editor),
                                   expected_banner));
  g_assert_true (widget_shows (GTK_WIDGET (fixture->editor),
                               conduit_editor_get_past_run_banner (fixture->editor)));
  g_assert_nonnull (find_button (GTK_WIDGET (fixture->editor), "_Back to Editing"));
  assert_card (fixture, "start", "succeeded", "3 ok");
  assert_card (fixture, "map", "failed", "2 ok · 1 rejected");
  assert_card (fixture, "save", "succeeded", "2 ok");
  assert_card (fixture, "rejects", "succeeded", "1 ok");
  assert_card (fixture, "errors", "skipped", "skipped");

  /* the inspector: the mapping's items in and out of that run, as tables */
  panel = select_node (fixture, "map");
  run_heading = g_strdup_printf ("Run #%" G_GINT64_FORMAT, first);
  g_assert_true (widget_shows (GTK_WIDGET (panel), run_heading));
  g_assert_cmpstr (conduit_run_panel_get_counts_text (panel), ==,
                   "3 in · 2 ok · 0 failed · 1 rejected");
  input = conduit_run_panel_get_input_table (panel);
  output = conduit_run_panel_get_output_table (panel);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (input)), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (output)), ==, 3);
  g_assert_cmpstr (conduit_item_table_get_column_title (input, 0), ==, "#");
  g_assert_cmpstr (conduit_item_table_get_column_title (input, 1), ==, "name");
  g_assert_cmpstr (conduit_item_table_get_column_title (input, 2), ==, "email");
  g_assert_cmpstr (conduit_item_table_get_column_title (input, 3), ==, "address");
  g_assert_cmpstr (conduit_item_table_get_column_title (input, 4), ==, "note");
  ada = row_of (input, column_of (input, "name"), "Ada");
  cy = row_of (input, column_of (input, "name"), "Cy");
  assert_cell (input, ada, "address", "{…}");
  assert_cell (input, ada, "note", "(null)");
  assert_cell (input, cy, "address", "—");
  assert_cell (input, cy, "note", "(empty text)");
  assert_cell (input, row_of (input, column_of (input, "name"), "Bob"), "email", "not an address");
  /* the output left by two ports: a column says which */
  g_assert_cmpstr (conduit_item_table_get_column_title (output, 1), ==, "Port");
  /* by the names the card gives the ports */
  row_of (output, 1, "Rejected");
  assert_cell (output, row_of (output, column_of (output, "name"), "Ada"), "Port", "Mapped");
  {
    g_autofree char *text = conduit_run_panel_dup_output_text (panel);

    /* the JSON keeps the ports' ids */
    g_assert_nonnull (strstr (text, "\"rejected\" : ["));
  }

  /* the table is drawn, and named for a screen reader, as is its toggle */
  settle (fixture);
  g_assert_cmpuint (count_cells (GTK_WIDGET (input), "Berlin", &n_cells), ==, 0);
  g_assert_cmpuint (count_cells (GTK_WIDGET (input), "Ada", &n_cells), ==, 1);
  g_assert_cmpuint (count_cells (GTK_WIDGET (input), "{…}", &n_cells), ==, 1);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (conduit_item_table_get_column_view (input)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Items that went in, as a table");
  /* a screen reader hears each cell with its field, the nested value whole, and "not in this
   * item" apart from null */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (find_cell (GTK_WIDGET (input), "{…}")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "address: {\"city\":\"Berlin\"}");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (find_cell (GTK_WIDGET (input), "(null)")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "note: (null)");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (find_cell (GTK_WIDGET (input), "—")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, "address: not in this item");
  /* the history's page fades out: photograph the editor once it has */
  test_spin_for (800);
  test_save_shot (GTK_WIDGET (fixture->window), "run-on-canvas.png");
  test_save_shot (GTK_WIDGET (conduit_editor_get_inspector (fixture->editor)),
                  "inspector-table.png");

  /* JSON: the toggle shows the items as they are, and every table follows the choice */
  g_assert_cmpint (conduit_item_table_get_view (input), ==, CONDUIT_ITEM_VIEW_TABLE);
  {
    GtkWidget *toggle = find_button (GTK_WIDGET (input), "JSON");
    GtkWidget *view = conduit_item_table_get_json_view (input);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter begin, end;

    g_assert_nonnull (toggle);
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                         "Show the items as JSON");
    click (toggle);
    g_assert_cmpint (conduit_item_table_get_view (input), ==, CONDUIT_ITEM_VIEW_JSON);
    g_assert_cmpint (conduit_item_table_get_view (output), ==, CONDUIT_ITEM_VIEW_JSON);
    gtk_text_buffer_get_bounds (buffer, &begin, &end);
    json = gtk_text_buffer_get_text (buffer, &begin, &end, FALSE);
    g_assert_nonnull (strstr (json, "\"city\" : \"Berlin\""));
    g_assert_nonnull (strstr (json, "\"note\" : null"));
    click (find_button (GTK_WIDGET (input), "Table"));
    g_assert_cmpint (conduit_item_table_get_view (output), ==, CONDUIT_ITEM_VIEW_TABLE);
  }

  /* a step that did not run says so */
  panel = select_node (fixture, "errors");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==,
                   "Did not run: nothing reached this step");

  /* Back to Editing: the last test run again, on the cards and in the inspector */
  click (find_button (GTK_WIDGET (fixture->editor), "_Back to Editing"));
  g_assert_null (conduit_editor_get_past_run (fixture->editor));
  g_assert_null (conduit_editor_get_past_run_banner (fixture->editor));
  assert_card (fixture, "map", "succeeded", "1 ok");
  assert_card (fixture, "errors", NULL, NULL);
  panel = select_node (fixture, "map");
  g_assert_true (widget_shows (GTK_WIDGET (panel), "Last Test Run"));
  g_assert_cmpstr (conduit_run_panel_get_counts_text (panel), ==,
                   "1 in · 1 ok · 0 failed · 0 rejected");
  input = conduit_run_panel_get_input_table (panel);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (input)), ==, 1);
}

/* A run of the flow before it lost a step and gained another: the banner names both, the
 * steps both have show the run, the new one says it was not in it. The history kept only the
 * first item of each port that went well, and the table says so. */
static void
test_lost_step (Fixture       *fixture,
                gconstpointer  data)
{
  ConduitUndoStack *stack;
  g_autoptr(ConduitNode) added = conduit_node_new ("later", "write-file");
  ConduitRunPanel *panel;
  ConduitItemTable *input;
  const char *banner;
  gint64 run_id;

  conduit_runner_set_item_samples (fixture->runner, 1);
  open_flow (fixture);
  run_id = test_run (fixture);

  stack = conduit_document_get_undo_stack (conduit_window_get_document (fixture->window));
  conduit_undo_stack_remove_node (stack, conduit_flow_lookup_node (flow_of (fixture), "rejects"));
  conduit_node_set_title (added, "Archive");
  conduit_node_set_position (added, 840, 220);
  conduit_undo_stack_add_node (stack, added);

  show_from_history (fixture, run_id, TRUE);
  banner = conduit_editor_get_past_run_banner (fixture->editor);
  g_assert_nonnull (strstr (banner, "its step “rejects” is gone"));
  g_assert_nonnull (strstr (banner, "Not in this run (added since, or never reached): “Archive”"));
  assert_card (fixture, "map", "failed", "2 ok · 1 rejected");
  assert_card (fixture, "save", "succeeded", "2 ok");
  assert_card (fixture, "later", NULL, NULL);

  panel = select_node (fixture, "later");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==,
                   "Not in this run: the step was added since, or the run never reached it");

  /* one of two items kept: said, not passed off as the whole */
  panel = select_node (fixture, "save");
  input = conduit_run_panel_get_input_table (panel);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (input)), ==, 1);
  g_assert_true (g_str_has_prefix (conduit_item_table_get_note (input), "Showing 1 of 2 items"));
  g_assert_true (widget_shows (GTK_WIDGET (panel), conduit_item_table_get_note (input)));

  /* undoing the removal while the run shows: the banner follows */
  conduit_undo_stack_undo (stack);
  conduit_undo_stack_undo (stack);
  g_assert_null (strstr (conduit_editor_get_past_run_banner (fixture->editor), "gone"));
  test_spin_idle ();
  assert_card (fixture, "rejects", "succeeded", "1 ok");

  /* a test run leaves the past run for the live one */
  test_run (fixture);
  g_assert_null (conduit_editor_get_past_run (fixture->editor));
}

/* The table alone: nested, null, absent and empty values told apart; items that are not
 * objects; ten thousand rows without ten thousand rows of widgets. */
static void
test_item_table (void)
{
  GtkWidget *window = gtk_window_new ();
  ConduitItemTable *table = CONDUIT_ITEM_TABLE (conduit_item_table_new ());
  g_autoptr(JsonNode) json = json_from_string (
    "[{\"id\": 1, \"name\": \"Ada\", \"tags\": [\"a\", \"b\"], \"address\": {\"city\": \"Berlin\"},"
    "  \"note\": null, \"ok\": true},"
    " {\"id\": 2.5, \"name\": \"\", \"tags\": [], \"address\": {},"
    "  \"text\": \"two\\nlines\"}]", NULL);
  g_autoptr(JsonNode) scalars = json_from_string ("[1, \"x\", null, {\"a\": 1}]", NULL);
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *text = NULL;
  guint n_cells = 0;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (table));
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 400);
  gtk_window_present (GTK_WINDOW (window));
  conduit_item_table_set_view (table, CONDUIT_ITEM_VIEW_TABLE);

  conduit_item_table_set_json (table, json);
  g_assert_cmpuint (conduit_item_table_get_n_columns (table), ==, 8);
  assert_cell (table, 0, "#", "1");
  assert_cell (table, 0, "id", "1");
  assert_cell (table, 1, "id", "2.5");
  assert_cell (table, 0, "tags", "[…]");
  assert_cell (table, 1, "tags", "[]");
  assert_cell (table, 0, "address", "{…}");
  assert_cell (table, 1, "address", "{}");
  assert_cell (table, 0, "note", "(null)");
  assert_cell (table, 1, "note", "—");
  assert_cell (table, 1, "name", "(empty text)");
  assert_cell (table, 0, "ok", "true");
  assert_cell (table, 0, "text", "—");
  assert_cell (table, 1, "text", "two ⏎ lines");
  g_assert_null (conduit_item_table_dup_cell_text (table, 2, 0));
  text = conduit_item_table_dup_json_text (table);
  g_assert_nonnull (strstr (text, "\"city\" : \"Berlin\""));

  /* items that are not objects are one column of values */
  conduit_item_table_set_json (table, scalars);
  g_assert_cmpuint (conduit_item_table_get_n_columns (table), ==, 3);
  assert_cell (table, 0, "Value", "1");
  assert_cell (table, 1, "Value", "x");
  assert_cell (table, 2, "Value", "(null)");
  assert_cell (table, 3, "Value", "{…}");
  assert_cell (table, 3, "a", "1");
  assert_cell (table, 0, "a", "—");

  /* a run's progress shows more items: the rows shown stay (their cells are not made again),
   * the new ones are added; a changed item is a new row */
  {
    g_autoptr(GPtrArray) some = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    g_autoptr(GObject) first = NULL;
    g_autoptr(GObject) again = NULL;

    for (guint i = 0; i < 3; i++)
      g_ptr_array_add (some, json_from_string ("{\"n\": 1}", NULL));
    conduit_item_table_set_items (table, some, NULL);
    first = g_list_model_get_item (conduit_item_table_get_model (table), 0);
    g_ptr_array_add (some, json_from_string ("{\"n\": 2}", NULL));
    conduit_item_table_set_items (table, some, NULL);
    g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (table)), ==, 4);
    again = g_list_model_get_item (conduit_item_table_get_model (table), 0);
    g_assert_true (first == again);
    assert_cell (table, 3, "n", "2");
    g_clear_object (&again);
    g_ptr_array_remove_index (some, 0);
    g_ptr_array_insert (some, 0, json_from_string ("{\"n\": 0}", NULL));
    conduit_item_table_set_items (table, some, NULL);
    again = g_list_model_get_item (conduit_item_table_get_model (table), 0);
    g_assert_true (first != again);
    assert_cell (table, 0, "n", "0");
  }

  /* ten thousand items: a model of ten thousand, a screenful of cells */
  for (guint i = 0; i < 10000; i++)
    {
      g_autofree char *item = g_strdup_printf ("{\"n\": %u, \"name\": \"contact %u\"}", i, i);

      g_ptr_array_add (many, json_from_string (item, NULL));
    }
  conduit_item_table_set_items (table, many, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_item_table_get_model (table)), ==, 10000);
  assert_cell (table, 9999, "name", "contact 9999");
  test_spin_for (300);
  test_spin_idle ();
  g_assert_cmpuint (count_cells (GTK_WIDGET (table), "contact 0", &n_cells), ==, 1);
  g_assert_cmpuint (n_cells, >, 0);
  g_assert_cmpuint (n_cells, <, 3 * 1000);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The past-run banner, the run panel's heading and an item table's note in German: their
 * strings hold a 64-bit number, and once held it with G_GINT64_FORMAT, which ends the message
 * xgettext extracts, so they stayed English; the banner's list of lost steps was built from
 * pieces around the names. */
static void
test_german (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  g_autofree char *expected_banner = NULL;
  g_autofree char *run_heading = NULL;
  ConduitUndoStack *stack;
  ConduitRunPanel *panel;
  ConduitItemTable *input;
  const char *banner;
  gint64 run_id;

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "de", TRUE);
  if (g_strcmp0 (_("_Back to Editing"), "_Back to Editing") == 0)
    {
      g_setenv ("LANGUAGE", "en", TRUE);
      g_test_skip ("the German translation is not compiled in this build");
      return;
    }

  conduit_runner_set_item_samples (fixture->runner, 1);
  open_flow (fixture);
  run_id = test_run (fixture);
  stack = conduit_document_get_undo_stack (conduit_window_get_document (fixture->window));
  conduit_undo_stack_remove_node (stack, conduit_flow_lookup_node (flow_of (fixture), "rejects"));

  show_from_history (fixture, run_id, TRUE);
  banner = conduit_editor_get_past_run_banner (fixture->editor);
  g_test_message ("banner: %s", banner);
  expected_banner = g_strdup_printf ("Ausführung Nr. %" PRId64 " vom ", run_id);
  g_assert_true (g_str_has_prefix (banner, expected_banner));
  g_assert_nonnull (strstr (banner, " wird gezeigt. Der Flow hat sich seitdem geändert: "
                                    "Sein Schritt „rejects“ ist nicht mehr da."));

  panel = select_node (fixture, "map");
  run_heading = g_strdup_printf ("Ausführung Nr. %" PRId64, run_id);
  g_assert_true (widget_shows (GTK_WIDGET (panel), run_heading));

  /* one of two items kept */
  panel = select_node (fixture, "save");
  input = conduit_run_panel_get_input_table (panel);
  g_test_message ("note: %s", conduit_item_table_get_note (input));
  g_assert_true (g_str_has_prefix (conduit_item_table_get_note (input),
                                   "1 von 2 Elementen werden gezeigt: Der Verlauf behält"));
  g_setenv ("LANGUAGE", "en", TRUE);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

static gboolean
window_is_hidden (gpointer window)
{
  return !gtk_widget_get_visible (GTK_WIDGET (window));
}

/* Closing the window while a test run goes on asks first; Cancel keeps both, Stop and Close
 * stops the run, lets its end reach the history ("cancelled", not left to be found
 * "interrupted" at the next start) and only then closes the window. */
static void
test_close_stops_run (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *json =
    "{\"version\": 1, \"name\": \"Slow\", \"nodes\": ["
    " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "  \"settings\": {\"items\": [{\"name\": \"Ada\"}]}},"
    " {\"id\": \"pause\", \"type\": \"wait\", \"position\": [280, 0],"
    "  \"settings\": {\"seconds\": 600}}],"
    " \"links\": [{\"from\": \"start\", \"from_port\": \"out\", \"to\": \"pause\","
    "  \"to_port\": \"in\"}]}";
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(ConduitRunRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  gint64 run_id;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
  conduit_editor_start_run (fixture->editor);
  test_spin_idle ();
  g_assert_true (conduit_editor_get_running (fixture->editor));
  run_id = conduit_run_get_id (conduit_editor_get_last_run (fixture->editor));

  /* Cancel: the window and the run stay */
  gtk_window_close (GTK_WINDOW (fixture->window));
  test_spin_idle ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Stop the Test Run?");
  g_assert_true (adw_message_dialog_has_response (dialog, "stop"));
  test_save_shot (GTK_WIDGET (dialog), "close-running-flow.png");
  adw_message_dialog_response (dialog, "cancel");
  test_spin_idle ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (conduit_editor_get_running (fixture->editor));

  /* Stop and Close */
  gtk_window_close (GTK_WINDOW (fixture->window));
  test_spin_idle ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "stop");
  g_assert_true (test_spin_until (window_is_hidden, fixture->window, 60));
  g_assert_false (conduit_editor_get_running (fixture->editor));

  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
  record = conduit_history_store_get_run (fixture->history, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->status, ==, CONDUIT_RUN_STATUS_CANCELLED);
  g_assert_cmpint (record->finished_us, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* the application loads its style sheet by itself; this test has no application */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    (void)conduit_get_resource ();
    gtk_css_provider_load_from_resource (provider, "/io/conduit/Conduit/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  g_test_add ("/conduit/runview/canvas", Fixture, NULL, fixture_setup, test_canvas,
              fixture_teardown);
  g_test_add ("/conduit/runview/lost-step", Fixture, NULL, fixture_setup, test_lost_step,
              fixture_teardown);
  g_test_add_func ("/conduit/runview/item-table", test_item_table);
  g_test_add ("/conduit/runview/german", Fixture, NULL, fixture_setup, test_german,
              fixture_teardown);
  g_test_add ("/conduit/runview/close-stops-run", Fixture, NULL, fixture_setup,
              test_close_stops_run, fixture_teardown);
  return g_test_run ();
}
