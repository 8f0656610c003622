/* test-flowctl-editor.c — flow control steps in the editor (issue #22)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "graph-test-common.h"
#include "conduit-inspector.h"
#include "conduit-palette.h"
#include "conduit-setting-row.h"

/* Wait, Merge and Switch are added from the palette and show the ports and settings of their
 * descriptions (nothing in the editor names them); a step is disabled from the card's menu
 * action or the inspector, drawn greyed with its badge, and undo enables it again. */

typedef struct
{
  ConduitDocument  *document;
  ConduitFlow      *flow;
  ConduitUndoStack *undo;
  ConduitGraphView *view;
  GtkWindow        *window;
  GtkWindow        *side_window;
  ConduitPalette   *palette;
  ConduitInspector *inspector;
} Fixture;

static void
on_connector_activated (ConduitPalette   *palette,
                        ConduitConnector *connector,
                        Fixture          *fixture)
{
  conduit_graph_view_add_node (fixture->view, conduit_connector_get_id (connector));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  fixture->document = conduit_document_new_untitled ();
  fixture->flow = conduit_document_get_flow (fixture->document);
  fixture->undo = conduit_document_get_undo_stack (fixture->document);
  fixture->window = graph_test_show (fixture->document, 1200, 700, &fixture->view);

  fixture->palette = CONDUIT_PALETTE (conduit_palette_new ());
  fixture->inspector = CONDUIT_INSPECTOR (conduit_inspector_new ());
  conduit_inspector_set_document (fixture->inspector, fixture->document);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->palette));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->inspector));
  fixture->side_window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (fixture->side_window);
  gtk_window_set_child (fixture->side_window, box);
  gtk_window_set_default_size (fixture->side_window, 700, 800);
  gtk_window_present (fixture->side_window);
  g_signal_connect (fixture->palette, "connector-activated", G_CALLBACK (on_connector_activated),
                    fixture);
  graph_test_drain ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->side_window);
  graph_test_drain ();
  g_assert_finalize_object (fixture->side_window);
  graph_test_destroy (fixture->window);
  g_assert_finalize_object (fixture->document);
}

/* The palette's row for @id, activated as a click or Enter would. */
static ConduitNode *
add_from_palette (Fixture    *fixture,
                  const char *id)
{
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  GtkListBoxRow *row;

  for (guint i = 0; (row = gtk_list_box_get_row_at_index (list, i)) != NULL; i++)
    {
      ConduitConnector *connector = g_object_get_data (G_OBJECT (row), "conduit-connector");

      if (connector != NULL && g_str_equal (conduit_connector_get_id (connector), id))
        {
          g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
          graph_test_layout (fixture->view);
          g_assert_cmpstr (conduit_node_get_connector_id (
                             conduit_graph_view_get_selected_node (fixture->view)), ==, id);
          return conduit_graph_view_get_selected_node (fixture->view);
        }
    }
  g_error ("the palette has no row for %s", id);
  return NULL;
}

static void
assert_ports (Fixture            *fixture,
              ConduitNode        *node,
              const char * const *inputs,
              const char * const *outputs)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (fixture->view, node);
  guint n = 0;

  g_assert_nonnull (card);
  for (guint i = 0; inputs[i] != NULL; i++, n++)
    g_assert_nonnull (conduit_graph_node_get_port (card, FALSE, inputs[i]));
  for (guint i = 0; outputs[i] != NULL; i++, n++)
    g_assert_nonnull (conduit_graph_node_get_port (card, TRUE, outputs[i]));
  g_assert_cmpuint (conduit_graph_node_get_ports (card)->len, ==, n);
}

static void
assert_settings (Fixture            *fixture,
                 ConduitNode        *node,
                 const char * const *keys)
{
  conduit_inspector_set_node (fixture->inspector, node);
  graph_test_drain ();
  for (guint i = 0; keys[i] != NULL; i++)
    {
      ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, keys[i]);

      g_assert_nonnull (row);
      g_assert_cmpstr (conduit_setting_row_get_spec (row)->key, ==, keys[i]);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
    }
}

static void
test_add_from_palette (Fixture       *fixture,
                       gconstpointer  data)
{
  ConduitNode *wait = add_from_palette (fixture, "wait");
  ConduitNode *merge = add_from_palette (fixture, "merge");
  ConduitNode *sw = add_from_palette (fixture, "switch");

  g_assert_cmpuint (conduit_flow_get_n_nodes (fixture->flow), ==, 3);
  assert_ports (fixture, wait, (const char *[]) { "in", NULL },
                (const char *[]) { "out", "error", NULL });
  assert_ports (fixture, merge, (const char *[]) { "a", "b", NULL },
                (const char *[]) { "out", "unmatched", "error", NULL });
  assert_ports (fixture, sw, (const char *[]) { "in", NULL },
                (const char *[]) { "rule_1", "rule_2", "rule_3", "rule_4", "fallback", "error",
                                   NULL });

  assert_settings (fixture, wait, (const char *[]) { "seconds", "until", NULL });
  assert_settings (fixture, merge, (const char *[]) { "mode", "key", "key_b", NULL });
  assert_settings (fixture, sw, (const char *[]) { "rule_1", "rule_2", "rule_3", "rule_4", NULL });

  /* a new Switch has no rule yet: its card says so */
  g_assert_true (conduit_graph_node_get_has_problems (conduit_graph_view_get_card (fixture->view,
                                                                                     sw)));
}

/* The inspector's "Disabled" switch: the GtkSwitch in the row titled so. */
static GtkSwitch *
find_disabled_switch (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSwitch *found;

      if (GTK_IS_SWITCH (child))
        {
          GtkWidget *row = gtk_widget_get_ancestor (child, ADW_TYPE_ACTION_ROW);

          if (row != NULL &&
              g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                         _("_Disabled")) == 0)
            return GTK_SWITCH (child);
        }
      if ((found = find_disabled_switch (child)) != NULL)
        return found;
    }
  return NULL;
}

static void
test_disable (Fixture       *fixture,
              gconstpointer  data)
{
  ConduitNode *wait = add_from_palette (fixture, "wait");
  ConduitGraphNode *card = conduit_graph_view_get_card (fixture->view, wait);
  GtkSwitch *toggle;
  g_autofree char *saved = NULL;

  conduit_inspector_set_node (fixture->inspector, wait);
  graph_test_drain ();
  toggle = find_disabled_switch (GTK_WIDGET (fixture->inspector));
  g_assert_nonnull (toggle);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (card), "disabled-step"));

  /* the card's menu action: greyed with its badge, the inspector follows, undoable */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.toggle-disabled",
                                             NULL));
  graph_test_layout (fixture->view);
  g_assert_true (conduit_node_get_disabled (wait));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (card), "disabled-step"));
  g_assert_true (gtk_switch_get_active (toggle));
  saved = conduit_flow_to_data (fixture->flow, NULL);
  g_assert_nonnull (strstr (saved, "\"disabled\": true"));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (fixture->undo), ==, "Disable Steps");

  conduit_undo_stack_undo (fixture->undo);
  g_assert_false (conduit_node_get_disabled (wait));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (card), "disabled-step"));
  g_assert_false (gtk_switch_get_active (toggle));

  /* the inspector's switch does the same, as one undoable step */
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (conduit_node_get_disabled (wait));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (card), "disabled-step"));
  conduit_undo_stack_undo (fixture->undo);
  g_assert_false (conduit_node_get_disabled (wait));
  conduit_undo_stack_redo (fixture->undo);
  g_assert_true (conduit_node_get_disabled (wait));
}

int
main (int    argc,
      char **argv)
{
  graph_test_init (&argc, &argv);

  g_test_add ("/conduit/flowctl/editor/add-from-palette", Fixture, NULL, fixture_set_up,
              test_add_from_palette, fixture_tear_down);
  g_test_add ("/conduit/flowctl/editor/disable", Fixture, NULL, fixture_set_up, test_disable,
              fixture_tear_down);

  return g_test_run ();
}
