/* test-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-editor.h"
#include "conduit-graph-view.h"
#include "conduit-window.h"
#include "test-util.h"

typedef struct
{
  ConduitWindow    *window;
  ConduitEditor    *editor;
  ConduitPalette   *palette;
  ConduitInspector *inspector;
  ConduitGraphView *graph;
  ConduitDocument  *document;
  ConduitFlow      *flow;
} Fixture;

static void
open_example (Fixture *fixture,
              int      width,
              int      height)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  gtk_window_present (GTK_WINDOW (fixture->window));

  {
    /* the Web form example with HTTP Request and Notify steps (tests/test-util.h) */
    g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", NULL);
    g_autoptr(ConduitDocument) document = conduit_document_new (flow, NULL);

    conduit_window_set_document (fixture->window, document);
  }
  while (g_strcmp0 (conduit_window_get_page_name (fixture->window), "editor") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (conduit_window_get_page_name (fixture->window), ==, "editor");

  fixture->editor = CONDUIT_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                                   CONDUIT_TYPE_WINDOW, "editor"));
  fixture->palette = conduit_editor_get_palette (fixture->editor);
  fixture->inspector = conduit_editor_get_inspector (fixture->editor);
  fixture->graph = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (fixture->editor));
  fixture->document = conduit_window_get_document (fixture->window);
  fixture->flow = conduit_document_get_flow (fixture->document);
  g_assert_true (conduit_editor_get_document (fixture->editor) == fixture->document);

  /* let the window map and lay out, so that the flaps know whether they fold */
  test_spin_for (300);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  open_example (fixture, 1200, 800);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);
}

static ConduitUndoStack *
undo_stack (Fixture *fixture)
{
  return conduit_document_get_undo_stack (fixture->document);
}

static const char *
url_shown (Fixture *fixture)
{
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, "url");

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (conduit_setting_row_get_editor (row)));
}

static void
on_search_changed (GtkSearchEntry *entry,
                   gboolean       *changed)
{
  *changed = TRUE;
}

static void
test_palette_search (Fixture       *fixture,
                     gconstpointer  data)
{
  GListModel *visible = conduit_palette_get_visible (fixture->palette);
  GtkEditable *entry = conduit_palette_get_search_entry (fixture->palette);
  guint all = g_list_model_get_n_items (visible);
  gboolean changed = FALSE;
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  g_assert_cmpuint (all, ==, g_list_model_get_n_items (G_LIST_MODEL (conduit_connector_registry_get_default ())));

  /* Ctrl+F (the editor.search action) reaches the search field from anywhere in the editor */
  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.search", NULL);
  g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (fixture->window)),
                                         GTK_WIDGET (entry)));

  g_signal_connect (entry, "search-changed", G_CALLBACK (on_search_changed), &changed);
  gtk_editable_set_text (entry, "trigger");
  while (!changed && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (changed);

  g_assert_cmpuint (g_list_model_get_n_items (visible), <, all);
  g_assert_cmpuint (g_list_model_get_n_items (visible), >=, 3);
  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);
      g_assert_cmpint (conduit_connector_get_category (connector), ==, CONDUIT_CONNECTOR_CATEGORY_TRIGGER);
    }
}

static void
test_palette_adds_node (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  guint before = conduit_flow_get_n_nodes (fixture->flow);
  g_autoptr(ConduitConnector) connector = NULL;
  GtkListBoxRow *row = NULL;
  ConduitNode *added;

  /* find the "Filter" row, as a person would, and double-click / Enter it */
  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      g_clear_object (&connector);
      connector = g_list_model_get_item (conduit_palette_get_visible (fixture->palette), i);
      if (g_strcmp0 (conduit_connector_get_id (connector), "filter") == 0)
        break;
    }
  g_assert_nonnull (row);
  g_signal_emit_by_name (list, "row-activated", row);

  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, before + 1);
  added = conduit_graph_view_get_selected_node (fixture->graph);
  g_assert_nonnull (added);
  g_assert_cmpstr (conduit_node_get_connector_id (added), ==, "filter");
  g_assert_true (conduit_flow_find_node_position (fixture->flow, added, NULL));

  /* the new node is selected, so its settings are in the inspector, and its required
   * condition is flagged */
  g_assert_true (conduit_inspector_get_node (fixture->inspector) == added);
  g_assert_nonnull (conduit_setting_row_get_message (conduit_inspector_get_setting_row (fixture->inspector,
                                                                                         "condition")));

  /* adding is one undo step, and the inspector lets go of the removed node */
  conduit_undo_stack_undo (undo_stack (fixture));
  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, before);
  g_assert_null (conduit_inspector_get_node (fixture->inspector));
}

static void
test_selection_shows_settings (Fixture       *fixture,
                               gconstpointer  data)
{
  ConduitNode *crm = conduit_flow_lookup_node (fixture->flow, "crm");
  ConduitNode *slack = conduit_flow_lookup_node (fixture->flow, "slack");

  g_assert_null (conduit_inspector_get_node (fixture->inspector));

  conduit_graph_view_select_node (fixture->graph, crm);
  g_assert_true (conduit_inspector_get_node (fixture->inspector) == crm);
  g_assert_cmpstr (url_shown (fixture), ==, conduit_node_get_setting_string (crm, "url"));

  conduit_graph_view_select_node (fixture->graph, slack);
  g_assert_true (conduit_inspector_get_node (fixture->inspector) == slack);
  g_assert_null (conduit_inspector_get_setting_row (fixture->inspector, "url"));
  g_assert_nonnull (conduit_inspector_get_setting_row (fixture->inspector, "message"));

  /* activating a node (double-click, Enter) brings the inspector out */
  g_object_set (fixture->editor, "show-inspector", FALSE, NULL);
  g_signal_emit_by_name (fixture->graph, "node-activated", crm);
  g_assert_true (conduit_inspector_get_node (fixture->inspector) == crm);
  {
    gboolean shown;
    g_object_get (fixture->editor, "show-inspector", &shown, NULL);
    g_assert_true (shown);
  }

  conduit_graph_view_select_node (fixture->graph, NULL);
  g_assert_null (conduit_inspector_get_node (fixture->inspector));
}

static void
test_edit_then_undo (Fixture       *fixture,
                     gconstpointer  data)
{
  ConduitNode *crm = conduit_flow_lookup_node (fixture->flow, "crm");
  g_autofree char *original = g_strdup (conduit_node_get_setting_string (crm, "url"));
  ConduitSettingRow *row;
  GtkEditable *entry;

  conduit_graph_view_select_node (fixture->graph, crm);
  row = conduit_inspector_get_setting_row (fixture->inspector, "url");
  entry = GTK_EDITABLE (conduit_setting_row_get_editor (row));

  /* typing, a character at a time, is one undoable change */
  gtk_editable_set_text (entry, "h");
  gtk_editable_set_text (entry, "ht");
  gtk_editable_set_text (entry, "https://crm.example.com/contacts");
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==, "https://crm.example.com/contacts");
  g_assert_true (conduit_undo_stack_get_can_undo (undo_stack (fixture)));

  conduit_undo_stack_undo (undo_stack (fixture));
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==, original);
  g_assert_cmpstr (url_shown (fixture), ==, original);

  conduit_undo_stack_redo (undo_stack (fixture));
  g_assert_cmpstr (conduit_node_get_setting_string (crm, "url"), ==, "https://crm.example.com/contacts");
  g_assert_cmpstr (url_shown (fixture), ==, "https://crm.example.com/contacts");

  /* a switch, and the flow's own name, go through the same stack */
  gtk_switch_set_active (GTK_SWITCH (conduit_setting_row_get_editor (conduit_inspector_get_setting_row (fixture->inspector,
                                                                                                         "verify_tls"))),
                         FALSE);
  g_assert_false (json_node_get_boolean (conduit_node_get_setting (crm, "verify_tls")));
  conduit_undo_stack_undo (undo_stack (fixture));
  g_assert_null (conduit_node_get_setting (crm, "verify_tls"));

  conduit_graph_view_select_node (fixture->graph, NULL);
  {
    GObject *name_row = gtk_widget_get_template_child (GTK_WIDGET (fixture->inspector),
                                                       CONDUIT_TYPE_INSPECTOR, "flow_name_row");
    g_autofree char *name = g_strdup (conduit_flow_get_name (fixture->flow));

    gtk_editable_set_text (GTK_EDITABLE (name_row), "Leads");
    g_assert_cmpstr (conduit_flow_get_name (fixture->flow), ==, "Leads");
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->window)), ==, "• Leads — Conduit");
    conduit_undo_stack_undo (undo_stack (fixture));
    g_assert_cmpstr (conduit_flow_get_name (fixture->flow), ==, name);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, name);
  }
}

static void
test_required_setting_message (Fixture       *fixture,
                               gconstpointer  data)
{
  ConduitNode *crm = conduit_flow_lookup_node (fixture->flow, "crm");
  ConduitSettingRow *row;
  GtkWidget *entry;

  conduit_graph_view_select_node (fixture->graph, crm);
  row = conduit_inspector_get_setting_row (fixture->inspector, "url");
  entry = conduit_setting_row_get_editor (row);
  g_assert_null (conduit_setting_row_get_message (row));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_null (conduit_node_get_setting (crm, "url"));
  g_assert_nonnull (conduit_setting_row_get_message (row));
  g_assert_nonnull (strstr (conduit_setting_row_get_message (row), "URL"));

  /* undo brings the value back, and the message goes */
  conduit_undo_stack_undo (undo_stack (fixture));
  g_assert_nonnull (conduit_node_get_setting (crm, "url"));
  g_assert_null (conduit_setting_row_get_message (row));
}

static gboolean
flap_folded (ConduitEditor *editor,
             const char    *name)
{
  GObject *flap = gtk_widget_get_template_child (GTK_WIDGET (editor), CONDUIT_TYPE_EDITOR, name);

  return adw_flap_get_folded (ADW_FLAP (flap));
}

/* Runs the widget's own keyboard shortcut for @accel (as a key press on it would, once focus
 * and the widgets below it let the key through); FALSE when it has none or it declined. */
static gboolean
press_shortcut (GtkWidget  *widget,
                const char *accel)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accel);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                 GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

static void
test_narrow_window (void)
{
  Fixture fixture = { 0 };
  int minimum = 0;
  int natural = 0;
  int width;
  gboolean shown;
  ConduitNode *crm;

  open_example (&fixture, 360, 640);

  /* with a node's settings showing, the window still fits in 360 px */
  crm = conduit_flow_lookup_node (fixture.flow, "crm");
  conduit_graph_view_select_node (fixture.graph, crm);
  g_signal_emit_by_name (fixture.graph, "node-activated", crm);
  test_spin_for (300);

  gtk_widget_measure (GTK_WIDGET (fixture.window), GTK_ORIENTATION_HORIZONTAL, -1,
                      &minimum, &natural, NULL, NULL);
  g_test_message ("window minimum width %d", minimum);
  g_assert_cmpint (minimum, <=, 360);

  gtk_widget_measure (GTK_WIDGET (fixture.window), GTK_ORIENTATION_VERTICAL, 360,
                      &minimum, &natural, NULL, NULL);
  g_test_message ("window minimum height at 360 px wide: %d", minimum);
  g_assert_cmpint (minimum, <=, 640);

  width = gtk_widget_get_width (GTK_WIDGET (fixture.window));
  g_assert_cmpint (width, <=, 360);

  /* both sidebars fold over the canvas instead of squeezing it */
  g_assert_true (flap_folded (fixture.editor, "palette_flap"));
  g_assert_true (flap_folded (fixture.editor, "inspector_flap"));
  g_object_get (fixture.editor, "show-inspector", &shown, NULL);
  g_assert_true (shown);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture.inspector)), <=, width);

  /* adding a step from the folded palette puts the palette away so the canvas shows */
  g_object_set (fixture.editor, "show-palette", TRUE, NULL);
  g_signal_emit_by_name (fixture.palette, "connector-activated",
                         conduit_connector_registry_lookup (conduit_connector_registry_get_default (), "notify"));
  g_object_get (fixture.editor, "show-palette", &shown, NULL);
  g_assert_false (shown);

  /* Escape puts the folded palette away: in its search field, the first Escape clears what was
   * typed and the next one closes it; elsewhere in the editor, one Escape */
  {
    GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (fixture.palette),
                                                                       CONDUIT_TYPE_PALETTE,
                                                                       "search_entry"));

    g_object_set (fixture.editor, "show-palette", TRUE, NULL);
    gtk_editable_set_text (search, "web");
    g_signal_emit_by_name (search, "stop-search");
    g_assert_cmpstr (gtk_editable_get_text (search), ==, "");
    g_object_get (fixture.editor, "show-palette", &shown, NULL);
    g_assert_true (shown);
    g_signal_emit_by_name (search, "stop-search");
    g_object_get (fixture.editor, "show-palette", &shown, NULL);
    g_assert_false (shown);
  }
  g_object_set (fixture.editor, "show-palette", TRUE, NULL);
  g_assert_true (press_shortcut (GTK_WIDGET (fixture.editor), "Escape"));
  g_object_get (fixture.editor, "show-palette", &shown, NULL);
  g_assert_false (shown);
  /* with nothing folded open, Escape is left to whoever else wants it */
  g_assert_false (press_shortcut (GTK_WIDGET (fixture.editor), "Escape"));

  fixture_tear_down (&fixture, NULL);
}

/* Ctrl+Z undoes a change to the flow whichever part of the editor has the focus, the palette
 * included (it did nothing there) */
static void
test_undo_from_anywhere (Fixture       *fixture,
                         gconstpointer  data)
{
  ConduitNode *crm = conduit_flow_lookup_node (fixture->flow, "crm");
  guint n = conduit_flow_get_n_nodes (fixture->flow);

  conduit_graph_view_select_node (fixture->graph, crm);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->graph), "graph.delete", NULL));
  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, n - 1);
  gtk_widget_grab_focus (GTK_WIDGET (fixture->palette));

  g_assert_true (press_shortcut (GTK_WIDGET (fixture->editor), "<Control>z"));
  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, n);
  g_assert_nonnull (conduit_flow_lookup_node (fixture->flow, "crm"));
  g_assert_true (press_shortcut (GTK_WIDGET (fixture->editor), "<Control><Shift>z"));
  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, n - 1);
}

static void
test_wide_window_unfolded (Fixture       *fixture,
                           gconstpointer  data)
{
  g_assert_false (flap_folded (fixture->editor, "palette_flap"));
  g_assert_false (flap_folded (fixture->editor, "inspector_flap"));

  /* the sidebars keep a sidebar's width and leave the rest to the canvas */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->inspector)), <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->palette)), <=, 280);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->graph)), >=, 500);

  /* the header bar's toggle hides and shows the inspector */
  {
    GObject *button = gtk_widget_get_template_child (GTK_WIDGET (fixture->window),
                                                     CONDUIT_TYPE_WINDOW, "inspector_button");
    gboolean shown;

    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (button)));
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), FALSE);
    g_object_get (fixture->editor, "show-inspector", &shown, NULL);
    g_assert_false (shown);
    gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.show-inspector", NULL);
    g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)));
  }

  /* F9 hides the palette; the canvas's "Add a Step" button stands in for it and brings it back */
  {
    GObject *add_step = gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                       CONDUIT_TYPE_EDITOR, "add_step_button");
    gboolean shown;

    g_assert_false (gtk_widget_get_visible (GTK_WIDGET (add_step)));
    gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "editor.show-palette", NULL);
    g_object_get (fixture->editor, "show-palette", &shown, NULL);
    g_assert_false (shown);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (add_step)));

    g_signal_emit_by_name (add_step, "clicked");
    g_object_get (fixture->editor, "show-palette", &shown, NULL);
    g_assert_true (shown);
    g_assert_true (gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (fixture->window)),
                                           GTK_WIDGET (conduit_palette_get_search_entry (fixture->palette))));
  }
}

/* A control without an accessible name is a blank to a screen reader. Checks the controls the
 * editor shell makes; libadwaita's and the canvas's insides are theirs to test. */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;

  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != NULL &&
           *adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)) != '\0';

  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (label != NULL && gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
        return TRUE;
      return ADW_IS_BUTTON_CONTENT (child) && adw_button_content_get_label (ADW_BUTTON_CONTENT (child)) != NULL;
    }

  return FALSE;
}

static guint
check_names (GtkWidget *widget,
             GString   *missing)
{
  guint checked = 0;

  if (!gtk_widget_get_visible (widget) || CONDUIT_IS_GRAPH_VIEW (widget))
    return 0;

  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
      GTK_IS_SPIN_BUTTON (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_ENTRY (widget) ||
      GTK_IS_SEARCH_ENTRY (widget) || ADW_IS_PREFERENCES_ROW (widget) ||
      (GTK_IS_LIST_BOX_ROW (widget) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)) &&
       gtk_widget_get_ancestor (widget, CONDUIT_TYPE_PALETTE) != NULL))
    {
      if (!has_accessible_name (widget))
        g_string_append_printf (missing, "%s (%s)\n", G_OBJECT_TYPE_NAME (widget),
                                gtk_widget_get_name (widget));
      /* their insides (a spin button's text, a row's labels) are named by them */
      return 1;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    checked += check_names (child, missing);

  return checked;
}

static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) missing = g_string_new (NULL);
  const char *nodes[] = { "form", "map", "crm", "slack", NULL };
  guint checked;

  /* the flow page, the palette and the header bar */
  checked = check_names (GTK_WIDGET (fixture->window), missing);

  /* and the settings of every kind of node in the example */
  for (guint i = 0; nodes[i] != NULL; i++)
    {
      conduit_graph_view_select_node (fixture->graph, conduit_flow_lookup_node (fixture->flow, nodes[i]));
      checked += check_names (GTK_WIDGET (fixture->inspector), missing);
    }

  g_test_message ("%u controls checked", checked);
  g_assert_cmpuint (checked, >, 40);
  g_assert_cmpstr (missing->str, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/editor/palette-search", Fixture, NULL,
              fixture_set_up, test_palette_search, fixture_tear_down);
  g_test_add ("/conduit/editor/palette-adds-node", Fixture, NULL,
              fixture_set_up, test_palette_adds_node, fixture_tear_down);
  g_test_add ("/conduit/editor/selection-shows-settings", Fixture, NULL,
              fixture_set_up, test_selection_shows_settings, fixture_tear_down);
  g_test_add ("/conduit/editor/edit-then-undo", Fixture, NULL,
              fixture_set_up, test_edit_then_undo, fixture_tear_down);
  g_test_add ("/conduit/editor/required-setting", Fixture, NULL,
              fixture_set_up, test_required_setting_message, fixture_tear_down);
  g_test_add ("/conduit/editor/wide", Fixture, NULL,
              fixture_set_up, test_wide_window_unfolded, fixture_tear_down);
  g_test_add_func ("/conduit/editor/narrow", test_narrow_window);
  g_test_add ("/conduit/editor/undo-from-anywhere", Fixture, NULL,
              fixture_set_up, test_undo_from_anywhere, fixture_tear_down);
  g_test_add ("/conduit/editor/accessible-names", Fixture, NULL,
              fixture_set_up, test_accessible_names, fixture_tear_down);

  return g_test_run ();
}
