/* test-notes-document.c — sticky notes in the editing model without a display: undo of every
 * note command, copy and paste with notes, and Tidy Up on a thousand steps (#22)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "conduit-flow-clipboard.h"
#include "conduit-graph-layout.h"

static void
test_undo_commands (void)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(ConduitNote) note = conduit_note_new ("note");
  GListModel *notes = conduit_flow_get_notes (flow);

  conduit_undo_stack_add_note (undo, note);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 1);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Add Note");

  /* typing merges into one step */
  conduit_undo_stack_set_note_text (undo, note, "H");
  conduit_undo_stack_set_note_text (undo, note, "Hello");
  conduit_undo_stack_set_note_color (undo, note, "red");
  conduit_undo_stack_set_note_box (undo, note, 10, 20, 300, 200);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Resize Note");
  conduit_undo_stack_set_note_box (undo, note, 15, 20, 300, 200);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Move Note");

  conduit_undo_stack_undo (undo);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 10);
  conduit_undo_stack_undo (undo);
  g_assert_cmpfloat (conduit_note_get_width (note), ==, CONDUIT_NOTE_DEFAULT_WIDTH);
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_note_get_color (note), ==, "yellow");
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (conduit_note_get_text (note), ==, "");

  conduit_undo_stack_redo (undo);
  conduit_undo_stack_redo (undo);
  g_assert_cmpstr (conduit_note_get_text (note), ==, "Hello");
  g_assert_cmpstr (conduit_note_get_color (note), ==, "red");

  conduit_undo_stack_remove_note (undo, note);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 0);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Delete Note “Hello”");
  conduit_undo_stack_undo (undo);
  g_assert_cmpuint (g_list_model_get_n_items (notes), ==, 1);
  g_assert_true (conduit_flow_lookup_note (flow, "note") == note);
}

static void
test_clipboard (void)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  g_autoptr(ConduitNode) node = conduit_node_new ("go", "manual-trigger");
  g_autoptr(ConduitNote) note = conduit_note_new ("note");
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new ();
  g_autoptr(GPtrArray) pasted = NULL;
  g_autoptr(GPtrArray) pasted_notes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  ConduitNote *copy;

  conduit_note_set_text (note, "Two\nlines");
  conduit_note_set_color (note, "green");
  conduit_note_set_position (note, 100, 50);
  conduit_flow_add_node (flow, node);
  conduit_flow_add_note (flow, note);
  g_ptr_array_add (nodes, node);
  g_ptr_array_add (notes, note);

  data = conduit_flow_clipboard_serialize_with_notes (flow, nodes, notes);
  pasted = conduit_flow_clipboard_paste_with_notes (undo, data, 40, 40, &pasted_notes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 1);
  g_assert_cmpuint (pasted_notes->len, ==, 1);
  copy = g_ptr_array_index (pasted_notes, 0);
  g_assert_cmpstr (conduit_note_get_id (copy), ==, "note-2");
  g_assert_cmpstr (conduit_note_get_text (copy), ==, "Two\nlines");
  g_assert_cmpstr (conduit_note_get_color (copy), ==, "green");
  g_assert_cmpfloat (conduit_note_get_x (copy), ==, 140);
  /* one step */
  conduit_undo_stack_undo (undo);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_notes (flow)), ==, 1);
  g_assert_cmpuint (conduit_flow_get_n_nodes (flow), ==, 1);
  g_clear_pointer (&pasted, g_ptr_array_unref);
  g_clear_pointer (&pasted_notes, g_ptr_array_unref);

  /* notes alone paste too; a clipboard with neither is refused */
  g_free (data);
  g_ptr_array_set_size (nodes, 0);
  data = conduit_flow_clipboard_serialize_with_notes (flow, nodes, notes);
  pasted = conduit_flow_clipboard_paste_with_notes (undo, data, 0, 0, &pasted_notes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pasted->len, ==, 0);
  g_assert_cmpuint (pasted_notes->len, ==, 1);
  g_clear_pointer (&pasted, g_ptr_array_unref);
  g_clear_pointer (&pasted_notes, g_ptr_array_unref);
  pasted = conduit_flow_clipboard_paste_with_notes (undo, "{\"nodes\": [], \"notes\": []}", 0, 0,
                                                    NULL, &error);
  g_assert_null (pasted);
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID);
}

static double
fixed_height (ConduitNode *node,
              gpointer     user_data)
{
  return 130;
}

/* Tidy Up on 1,000 steps and 1,500 links: one step, every link left to right, no two cards
 * overlapping; how long it takes is printed (bench/canvas measures it too). */
static void
test_tidy_up_thousand (void)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitUndoStack) undo = conduit_undo_stack_new (flow);
  GListModel *nodes = conduit_flow_get_nodes (flow);
  GListModel *links = conduit_flow_get_links (flow);
  g_autoptr(GHashTable) columns = g_hash_table_new (NULL, NULL);
  guint n_links = 0;
  gint64 start;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%u", i);
      g_autoptr(ConduitNode) node = conduit_node_new (id, i < 10 ? "manual-trigger" : "filter");

      /* scattered by a fixed rule, on top of one another */
      conduit_node_set_position (node, (i * 7919) % 3000, (i * 104729) % 2000);
      conduit_flow_add_node (flow, node);
    }
  for (guint i = 10; i < 1000 && n_links < 1500; i++)
    {
      guint parents[2] = { (i * 31) % i, (i * 17 + 3) % i };

      for (guint p = 0; p < 2 && n_links < 1500; p++)
        {
          g_autofree char *from = g_strdup_printf ("n%u", parents[p]);
          g_autofree char *to = g_strdup_printf ("n%u", i);
          g_autoptr(ConduitLink) link = conduit_link_new (from, parents[p] < 10 ? "out" : "match",
                                                          to, "in");

          if (p == 1 && parents[1] == parents[0])
            continue;
          conduit_flow_add_link (flow, link);
          n_links++;
        }
    }

  start = g_get_monotonic_time ();
  conduit_graph_layout_tidy_up (undo, 220, fixed_height, NULL);
  g_test_message ("Tidy Up of %u steps and %u links: %.1f ms", conduit_flow_get_n_nodes (flow),
                  n_links, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Tidy Up");

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      ConduitNode *from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
      ConduitNode *to = conduit_flow_lookup_node (flow, conduit_link_get_to_node (link));

      g_assert_cmpfloat (conduit_node_get_x (from) + 220, <, conduit_node_get_x (to));
    }
  /* cards of one column are apart: sort each column by y and check the gaps */
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      gpointer key = GINT_TO_POINTER ((int)conduit_node_get_x (node));
      GPtrArray *column = g_hash_table_lookup (columns, key);

      g_assert_cmpfloat (conduit_node_get_y (node), ==, round (conduit_node_get_y (node)));
      if (column == NULL)
        g_hash_table_insert (columns, key, column = g_ptr_array_new ());
      g_ptr_array_add (column, node);
    }
  {
    GHashTableIter iter;
    GPtrArray *column;

    g_hash_table_iter_init (&iter, columns);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&column))
      {
        for (guint a = 0; a < column->len; a++)
          for (guint b = a + 1; b < column->len; b++)
            {
              double ya = conduit_node_get_y (g_ptr_array_index (column, a));
              double yb = conduit_node_get_y (g_ptr_array_index (column, b));

              g_assert_cmpfloat (fabs (ya - yb), >=, 130);
            }
        g_ptr_array_unref (column);
      }
  }

  conduit_undo_stack_undo (undo);
  {
    g_autoptr(ConduitNode) first = g_list_model_get_item (nodes, 1);

    g_assert_cmpfloat (conduit_node_get_x (first), ==, 7919 % 3000);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/notes/document/undo-commands", test_undo_commands);
  g_test_add_func ("/conduit/notes/document/clipboard", test_clipboard);
  g_test_add_func ("/conduit/notes/document/tidy-up-thousand", test_tidy_up_thousand);

  return g_test_run ();
}
