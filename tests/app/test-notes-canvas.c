/* test-notes-canvas.c — sticky notes, Tidy Up, link routing round a port column and the
 * overview map, on the real canvas (#22)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "graph-test-common.h"
#include "conduit-graph-layout.h"
#include "test-screenshot.h"
#include "conduit-editor.h"
#include "conduit-window.h"

typedef struct
{
  ConduitDocument  *document;
  ConduitFlow      *flow;
  ConduitUndoStack *undo;
  ConduitGraphView *view;
  GtkWindow        *window;
} Fixture;

static void
fixture_set_up_with (Fixture         *fixture,
                     ConduitDocument *document)
{
  fixture->document = document;
  fixture->flow = conduit_document_get_flow (document);
  fixture->undo = conduit_document_get_undo_stack (document);
  fixture->window = graph_test_show (document, 1200, 700, &fixture->view);
  conduit_graph_viewport_set_zoom (conduit_graph_view_get_viewport (fixture->view), 1);
  conduit_graph_viewport_set_origin (conduit_graph_view_get_viewport (fixture->view), 0, 0);
  graph_test_layout (fixture->view);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture_set_up_with (fixture, graph_test_load_example ());
}

static void
fixture_set_up_empty (Fixture       *fixture,
                      gconstpointer  data)
{
  fixture_set_up_with (fixture, conduit_document_new_untitled ());
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  graph_test_destroy (fixture->window);
  g_assert_finalize_object (fixture->document);
}

static guint
n_notes (Fixture *fixture)
{
  return g_list_model_get_n_items (conduit_flow_get_notes (fixture->flow));
}

static ConduitNote *
note_at (Fixture *fixture,
         guint    position)
{
  g_autoptr(ConduitNote) note = g_list_model_get_item (conduit_flow_get_notes (fixture->flow),
                                                       position);

  return note;   /* the flow keeps it */
}

/* Types into a note being edited and ends the edit as Escape would. */
static void
type_into (ConduitGraphNote *widget,
           const char       *text)
{
  GtkTextView *text_view = conduit_graph_note_get_text_view (widget);

  g_assert_nonnull (text_view);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (text_view), text, -1);
  conduit_graph_note_end_edit (widget);
  g_assert_false (conduit_graph_note_get_editing (widget));
}

static void
note_centre (Fixture     *fixture,
             ConduitNote *note,
             double      *x,
             double      *y)
{
  conduit_graph_viewport_to_widget (conduit_graph_view_get_viewport (fixture->view),
                                    conduit_note_get_x (note) + conduit_note_get_width (note) / 2,
                                    conduit_note_get_y (note) + conduit_note_get_height (note) / 2,
                                    x, y);
}

static void
drag (Fixture *fixture,
      double   x1,
      double   y1,
      double   dx,
      double   dy)
{
  g_assert_true (conduit_graph_view_drag_begin (fixture->view, x1, y1, 0));
  conduit_graph_view_drag_update (fixture->view, dx / 2, dy / 2);
  graph_test_layout (fixture->view);
  conduit_graph_view_drag_end (fixture->view, dx, dy);
  graph_test_layout (fixture->view);
}

static void
test_add_edit_undo (Fixture       *fixture,
                    gconstpointer  data)
{
  ConduitGraphNote *widget;
  g_autoptr(GPtrArray) selected = NULL;
  ConduitNote *note;

  /* Shift+S's action: a note in the middle of the view, selected, being edited */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.add-note", NULL);
  graph_test_layout (fixture->view);
  g_assert_cmpuint (n_notes (fixture), ==, 1);
  note = note_at (fixture, 0);
  g_assert_cmpstr (conduit_note_get_id (note), ==, "note");
  g_assert_cmpfloat (conduit_note_get_x (note), ==, round (conduit_note_get_x (note)));
  selected = conduit_graph_view_dup_selected_notes (fixture->view);
  g_assert_cmpuint (selected->len, ==, 1);
  widget = conduit_graph_view_get_note_widget (fixture->view, note);
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (widget)));
  g_assert_true (conduit_graph_note_get_editing (widget));

  /* several lines, one undo step, and the note reads as "Note: …" */
  type_into (widget, "Ask Anna first.\nShe owns the CRM.");
  g_assert_cmpstr (conduit_note_get_text (note), ==, "Ask Anna first.\nShe owns the CRM.");
  gtk_test_accessible_assert_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Note: Ask Anna first.\nShe owns the CRM.");
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (fixture->undo), ==, "Edit Note");
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpstr (conduit_note_get_text (note), ==, "");
  gtk_test_accessible_assert_property (widget, GTK_ACCESSIBLE_PROPERTY_LABEL, "Note: empty");
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpuint (n_notes (fixture), ==, 0);
  conduit_undo_stack_redo (fixture->undo);
  conduit_undo_stack_redo (fixture->undo);
  g_assert_cmpuint (n_notes (fixture), ==, 1);
  g_assert_cmpstr (conduit_note_get_text (note_at (fixture, 0)), ==,
                   "Ask Anna first.\nShe owns the CRM.");

  /* Enter on the selected note edits it again; a second edit is a step of its own */
  conduit_graph_view_select_node (fixture->view, NULL);
  widget = conduit_graph_view_get_note_widget (fixture->view, note_at (fixture, 0));
  gtk_widget_grab_focus (GTK_WIDGET (widget));
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.activate", NULL);
  g_assert_true (conduit_graph_note_get_editing (widget));
  type_into (widget, "Changed");
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpstr (conduit_note_get_text (note_at (fixture, 0)), ==,
                   "Ask Anna first.\nShe owns the CRM.");
}

static void
test_move_resize_colour_delete (Fixture       *fixture,
                                gconstpointer  data)
{
  ConduitNote *note = conduit_graph_view_add_note_at (fixture->view, 600, 400);
  ConduitGraphNote *widget = conduit_graph_view_get_note_widget (fixture->view, note);
  double x, y;

  conduit_graph_note_end_edit (widget);
  graph_test_layout (fixture->view);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 600);

  /* moved by a drag, undone in one step */
  note_centre (fixture, note, &x, &y);
  drag (fixture, x, y, 40, -30);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 640);
  g_assert_cmpfloat (conduit_note_get_y (note), ==, 370);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (fixture->undo), ==, "Move");
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 600);
  g_assert_cmpfloat (conduit_note_get_y (note), ==, 400);

  /* resized by its corner grip, at another zoom, to whole units */
  conduit_graph_viewport_set_zoom (conduit_graph_view_get_viewport (fixture->view), 0.7);
  graph_test_layout (fixture->view);
  conduit_graph_viewport_to_widget (conduit_graph_view_get_viewport (fixture->view),
                                    600 + CONDUIT_NOTE_DEFAULT_WIDTH - 4,
                                    400 + CONDUIT_NOTE_DEFAULT_HEIGHT - 4, &x, &y);
  drag (fixture, x, y, 70, 35);
  g_assert_cmpfloat (conduit_note_get_width (note), ==, CONDUIT_NOTE_DEFAULT_WIDTH + 100);
  g_assert_cmpfloat (conduit_note_get_height (note), ==, CONDUIT_NOTE_DEFAULT_HEIGHT + 50);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 600);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (fixture->undo), ==, "Resize Note");
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpfloat (conduit_note_get_width (note), ==, CONDUIT_NOTE_DEFAULT_WIDTH);

  /* a colour from the palette, from the note's menu action */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.note-color", "s", "green");
  g_assert_cmpstr (conduit_note_get_color (note), ==, "green");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (widget), "note-green"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (widget), "note-yellow"));
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpstr (conduit_note_get_color (note), ==, "yellow");

  /* duplicated and deleted with the cards' commands */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.duplicate", NULL);
  g_assert_cmpuint (n_notes (fixture), ==, 2);
  g_assert_cmpfloat (conduit_note_get_x (note_at (fixture, 1)), >, 600);
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.delete", NULL);
  g_assert_cmpuint (n_notes (fixture), ==, 1);
  g_assert_true (note_at (fixture, 0) == note);
  conduit_graph_view_select_node (fixture->view, NULL);
  note_centre (fixture, note, &x, &y);
  conduit_graph_view_click (fixture->view, GDK_BUTTON_PRIMARY, 1, x, y);
  drag (fixture, x, y, 0, 0);   /* a press that does not move selects the note */
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.delete", NULL);
  g_assert_cmpuint (n_notes (fixture), ==, 0);
  conduit_undo_stack_undo (fixture->undo);
  g_assert_cmpuint (n_notes (fixture), ==, 1);
  g_assert_true (note_at (fixture, 0) == note);
  g_assert_cmpfloat (conduit_note_get_x (note), ==, 600);
}

static void
test_save_reopen (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-notes-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.conduit", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) reopened = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *again = NULL;
  ConduitNote *note = conduit_graph_view_add_note_at (fixture->view, 333.4, -20.6);
  ConduitNote *copy;

  type_into (conduit_graph_view_get_note_widget (fixture->view, note), "Line one\nLine two");
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.note-color", "s", "purple");

  g_assert_true (conduit_flow_save_to_file (fixture->flow, file, NULL, &error));
  g_assert_no_error (error);
  reopened = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, NULL,
                                         NULL, &error);
  g_assert_no_error (error);
  copy = conduit_flow_lookup_note (reopened, "note");
  g_assert_nonnull (copy);
  g_assert_cmpstr (conduit_note_get_text (copy), ==, "Line one\nLine two");
  g_assert_cmpstr (conduit_note_get_color (copy), ==, "purple");
  /* whole canvas units in the file */
  g_assert_cmpfloat (conduit_note_get_x (copy), ==, 333);
  g_assert_cmpfloat (conduit_note_get_y (copy), ==, -21);
  g_assert_cmpuint (conduit_flow_get_n_nodes (reopened), ==, conduit_flow_get_n_nodes (fixture->flow));

  saved = conduit_flow_to_data (fixture->flow, NULL);
  again = conduit_flow_to_data (reopened, NULL);
  g_assert_cmpstr (again, ==, saved);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
rects_overlap (const graphene_rect_t *a,
               const graphene_rect_t *b)
{
  graphene_rect_t inside;

  return graphene_rect_intersection (a, b, &inside) &&
         inside.size.width > 0 && inside.size.height > 0;
}

/* Tidy Up on the example with a branch added: no two cards overlap, every link runs left to
 * right, positions are whole, the note beside a step goes with it, and one undo puts it back. */
static void
test_tidy_up (Fixture       *fixture,
              gconstpointer  data)
{
  GListModel *nodes = conduit_flow_get_nodes (fixture->flow);
  GListModel *links = conduit_flow_get_links (fixture->flow);
  guint n = g_list_model_get_n_items (nodes);
  g_autoptr(GArray) before = g_array_new (FALSE, FALSE, sizeof (double));
  ConduitNode *form = conduit_flow_lookup_node (fixture->flow, "form");
  ConduitNode *extra;
  ConduitNote *beside, *far;
  double note_dx, note_dy, far_x;
  g_autoptr(ConduitLink) link = NULL;

  g_assert_nonnull (form);
  /* a step dropped on top of another and linked backwards on screen */
  extra = conduit_graph_view_add_node_at (fixture->view, "notify", 10, 10);
  conduit_undo_stack_move_node (fixture->undo, extra, conduit_node_get_x (form) + 7.5,
                                conduit_node_get_y (form) + 3);
  link = conduit_link_new ("form", "out", conduit_node_get_id (extra), "in");
  conduit_undo_stack_add_link (fixture->undo, link);
  n = g_list_model_get_n_items (nodes);

  /* above the trigger: nearer to it than to the step dropped 3 units below it */
  beside = conduit_graph_view_add_note_at (fixture->view, conduit_node_get_x (form),
                                           conduit_node_get_y (form) - 160);
  conduit_graph_note_end_edit (conduit_graph_view_get_note_widget (fixture->view, beside));
  note_dx = conduit_note_get_x (beside) - conduit_node_get_x (form);
  note_dy = conduit_note_get_y (beside) - conduit_node_get_y (form);
  far = conduit_graph_view_add_note_at (fixture->view, -5000, -5000);
  conduit_graph_note_end_edit (conduit_graph_view_get_note_widget (fixture->view, far));
  far_x = conduit_note_get_x (far);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      double x = conduit_node_get_x (node), y = conduit_node_get_y (node);

      g_array_append_val (before, x);
      g_array_append_val (before, y);
    }

  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.tidy-up", NULL);
  graph_test_layout (fixture->view);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (fixture->undo), ==, "Tidy Up");

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) a = g_list_model_get_item (nodes, i);
      graphene_rect_t ra = _conduit_graph_view_card_canvas_rect (conduit_graph_view_get_card (fixture->view, a));

      g_assert_cmpfloat (conduit_node_get_x (a), ==, round (conduit_node_get_x (a)));
      g_assert_cmpfloat (conduit_node_get_y (a), ==, round (conduit_node_get_y (a)));
      for (guint j = i + 1; j < n; j++)
        {
          g_autoptr(ConduitNode) b = g_list_model_get_item (nodes, j);
          graphene_rect_t rb = _conduit_graph_view_card_canvas_rect (conduit_graph_view_get_card (fixture->view, b));

          if (rects_overlap (&ra, &rb))
            g_error ("after Tidy Up, “%s” and “%s” overlap", conduit_node_get_id (a),
                     conduit_node_get_id (b));
        }
    }
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) l = g_list_model_get_item (links, i);
      ConduitNode *from = conduit_flow_lookup_node (fixture->flow, conduit_link_get_from_node (l));
      ConduitNode *to = conduit_flow_lookup_node (fixture->flow, conduit_link_get_to_node (l));

      g_assert_cmpfloat (conduit_node_get_x (from) + CONDUIT_GRAPH_NODE_WIDTH, <,
                         conduit_node_get_x (to));
    }
  /* the note kept its place beside the trigger; the far one stayed */
  g_assert_cmpfloat (conduit_note_get_x (beside) - conduit_node_get_x (form), ==, note_dx);
  g_assert_cmpfloat (conduit_note_get_y (beside) - conduit_node_get_y (form), ==, note_dy);
  g_assert_cmpfloat (conduit_note_get_x (far), ==, far_x);

  conduit_undo_stack_undo (fixture->undo);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);

      g_assert_cmpfloat (conduit_node_get_x (node), ==, g_array_index (before, double, 2 * i));
      g_assert_cmpfloat (conduit_node_get_y (node), ==, g_array_index (before, double, 2 * i + 1));
    }
  g_assert_cmpfloat (conduit_note_get_x (beside) - conduit_node_get_x (form), ==, note_dx);
}

/* The layout alone: a diamond with a crossing drawn in is laid out without one. */
static void
test_layout_crossings (Fixture       *fixture,
                       gconstpointer  data)
{
  /* a → c, a → d, b → c, b → d would not cross; a → d, b → c drawn with a below b do */
  ConduitLayoutBox boxes[] = {
    { 0, 300, 220, 100 },   /* a */
    { 0, 0, 220, 100 },     /* b */
    { 400, 0, 220, 100 },   /* c */
    { 400, 300, 220, 100 }, /* d */
    { 800, 150, 220, 100 }, /* e, fed by c */
  };
  const guint edges[] = { 0, 2, 1, 3, 2, 4 };

  g_assert_cmpuint (conduit_graph_layout_count_crossings (boxes, edges, 3), ==, 1);
  conduit_graph_layout_layered (boxes, G_N_ELEMENTS (boxes), edges, 3);
  g_assert_cmpuint (conduit_graph_layout_count_crossings (boxes, edges, 3), ==, 0);
  for (guint e = 0; e < 3; e++)
    g_assert_cmpfloat (boxes[edges[2 * e]].x + 220, <, boxes[edges[2 * e + 1]].x);
}

/* Defect 14: a link from Map Fields' first output to a step straight below went through the
 * Rejected port's dot. */
static void
test_link_avoids_rejected_port (Fixture       *fixture,
                                gconstpointer  data)
{
  ConduitNode *map = conduit_graph_view_add_node_at (fixture->view, "mapping", 300, 100);
  ConduitNode *below = conduit_graph_view_add_node_at (fixture->view, "notify", 300, 500);
  g_autoptr(ConduitLink) link = NULL;
  double rejected_x, rejected_y, ends[4], simple[4];
  gboolean simple_hits = FALSE;
  LinkRoute route;
  ConduitGraphNode *card;

  conduit_undo_stack_move_node (fixture->undo, map, 300, 100);
  conduit_undo_stack_move_node (fixture->undo, below, 300, 300);
  link = conduit_link_new (conduit_node_get_id (map), "out", conduit_node_get_id (below), "in");
  conduit_undo_stack_add_link (fixture->undo, link);
  graph_test_layout (fixture->view);

  card = conduit_graph_view_get_card (fixture->view, map);
  g_assert_true (conduit_graph_node_get_port_anchor (card, TRUE, "rejected", &rejected_x,
                                                     &rejected_y));
  rejected_x += 300;
  rejected_y += 100;

  g_assert_true (_conduit_graph_view_link_ends (fixture->view, link, ends));
  g_assert_true (_conduit_graph_view_link_route (fixture->view,
                                                 conduit_flow_find_link (fixture->flow, link),
                                                 &route));

  /* the plain S-curve would cross the dot: the case is the defect's */
  _conduit_graph_view_curve_controls (ends, simple);
  for (guint i = 0; i <= 200; i++)
    {
      double x, y;

      _conduit_graph_view_curve_point (ends, simple, i / 200.0, &x, &y);
      simple_hits |= fabs (x - rejected_x) <= PORT_CLEARANCE && fabs (y - rejected_y) <= PORT_CLEARANCE;
    }
  g_assert_true (simple_hits);

  /* the route keeps out of the Rejected port's box, line width included */
  g_assert_cmpuint (route.n_segments, >, 1);
  for (guint i = 0; i <= 600; i++)
    {
      double x, y;

      _conduit_graph_view_route_point (&route, i / 600.0, &x, &y);
      if (fabs (x - rejected_x) <= PORT_CLEARANCE + LINK_WIDTH / 2 &&
          fabs (y - rejected_y) <= PORT_CLEARANCE + LINK_WIDTH / 2)
        g_error ("the link passes the Rejected port at (%.1f, %.1f), t = %.3f", x, y, i / 600.0);
    }
  if (g_getenv ("CONDUIT_SCREENSHOT_DIR"))
    {
      g_autoptr(GdkTexture) texture = graph_test_render (fixture->view);
      g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SCREENSHOT_DIR"),
                                                "route-from-mapped.png", NULL);

      gdk_texture_save_to_png (texture, path);
    }
  /* and it still starts and ends at its ports */
  g_assert_cmpfloat (route.p[0], ==, ends[0]);
  g_assert_cmpfloat (route.p[6 * route.n_segments], ==, ends[2]);
  g_assert_cmpfloat (route.p[6 * route.n_segments + 1], ==, ends[3]);

  /* a link to a step on the right, clear of the column, keeps the plain curve */
  {
    ConduitNode *right = conduit_graph_view_add_node_at (fixture->view, "notify", 900, 100);
    g_autoptr(ConduitLink) straight = NULL;

    conduit_undo_stack_move_node (fixture->undo, right, 700, 60);
    straight = conduit_link_new (conduit_node_get_id (map), "out", conduit_node_get_id (right),
                                 "in");
    conduit_undo_stack_add_link (fixture->undo, straight);
    graph_test_layout (fixture->view);
    g_assert_true (_conduit_graph_view_link_route (fixture->view,
                                                   conduit_flow_find_link (fixture->flow, straight),
                                                   &route));
    g_assert_cmpuint (route.n_segments, ==, 1);
  }
}

/* The same at the other end: a link into Merge's second input from a step above it passed
 * through the first input's dot. */
static void
test_link_avoids_other_input (Fixture       *fixture,
                              gconstpointer  data)
{
  ConduitNode *source = conduit_graph_view_add_node_at (fixture->view, "manual-trigger", 300, 100);
  ConduitNode *merge = conduit_graph_view_add_node_at (fixture->view, "merge", 300, 500);
  g_autoptr(ConduitLink) link = NULL;
  double a_x, a_y, ends[4], simple[4];
  gboolean simple_hits = FALSE;
  LinkRoute route;

  conduit_undo_stack_move_node (fixture->undo, source, 300, 100);
  conduit_undo_stack_move_node (fixture->undo, merge, 300, 300);
  link = conduit_link_new (conduit_node_get_id (source), "out", conduit_node_get_id (merge), "b");
  conduit_undo_stack_add_link (fixture->undo, link);
  graph_test_layout (fixture->view);

  g_assert_true (conduit_graph_node_get_port_anchor (conduit_graph_view_get_card (fixture->view,
                                                                                  merge),
                                                     FALSE, "a", &a_x, &a_y));
  a_x += 300;
  a_y += 300;
  g_assert_true (_conduit_graph_view_link_ends (fixture->view, link, ends));
  _conduit_graph_view_curve_controls (ends, simple);
  for (guint i = 0; i <= 400; i++)
    {
      double x, y;

      _conduit_graph_view_curve_point (ends, simple, i / 400.0, &x, &y);
      simple_hits |= fabs (x - a_x) <= PORT_CLEARANCE + LINK_WIDTH / 2 &&
                     fabs (y - a_y) <= PORT_CLEARANCE + LINK_WIDTH / 2;
    }
  g_assert_true (simple_hits);

  g_assert_true (_conduit_graph_view_link_route (fixture->view,
                                                 conduit_flow_find_link (fixture->flow, link),
                                                 &route));
  for (guint i = 0; i <= 600; i++)
    {
      double x, y;

      _conduit_graph_view_route_point (&route, i / 600.0, &x, &y);
      if (fabs (x - a_x) <= PORT_CLEARANCE + LINK_WIDTH / 2 &&
          fabs (y - a_y) <= PORT_CLEARANCE + LINK_WIDTH / 2)
        g_error ("the link passes input “a” at (%.1f, %.1f)", x, y);
    }
  g_assert_cmpfloat (route.p[0], ==, ends[0]);
  g_assert_cmpfloat (route.p[1], ==, ends[1]);
  g_assert_cmpfloat (route.p[6 * route.n_segments], ==, ends[2]);
  g_assert_cmpfloat (route.p[6 * route.n_segments + 1], ==, ends[3]);

  if (g_getenv ("CONDUIT_SCREENSHOT_DIR"))
    {
      g_autoptr(GdkTexture) texture = graph_test_render (fixture->view);
      g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SCREENSHOT_DIR"),
                                                "route-into-merge.png", NULL);

      gdk_texture_save_to_png (texture, path);
    }
}

/* The overview map is hidden while the whole flow, notes included, is in view. */
static void
test_minimap_hidden_when_fitted (Fixture       *fixture,
                                 gconstpointer  data)
{
  graphene_rect_t box;
  ConduitNote *note;

  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.zoom-fit", NULL);
  graph_test_layout (fixture->view);
  g_assert_false (_conduit_graph_view_minimap_rect (fixture->view, &box));

  conduit_graph_viewport_set_zoom (conduit_graph_view_get_viewport (fixture->view), 2);
  graph_test_layout (fixture->view);
  g_assert_true (_conduit_graph_view_minimap_rect (fixture->view, &box));

  /* a note beyond the steps counts: fitted, it is in view, and the map stays hidden */
  note = conduit_graph_view_add_note_at (fixture->view, 1500, 900);
  conduit_graph_note_end_edit (conduit_graph_view_get_note_widget (fixture->view, note));
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.zoom-fit", NULL);
  graph_test_layout (fixture->view);
  g_assert_true (gtk_widget_get_child_visible (
    GTK_WIDGET (conduit_graph_view_get_note_widget (fixture->view, note))));
  g_assert_false (_conduit_graph_view_minimap_rect (fixture->view, &box));

  /* zoomed in, the map shows the note as a faint box */
  conduit_graph_viewport_set_zoom (conduit_graph_view_get_viewport (fixture->view), 2.5);
  graph_test_layout (fixture->view);
  g_assert_true (_conduit_graph_view_minimap_rect (fixture->view, &box));
  {
    g_autoptr(GdkTexture) texture = graph_test_render (fixture->view);
    int width = gdk_texture_get_width (texture);
    g_autofree guchar *pixels = g_malloc ((gsize)width * gdk_texture_get_height (texture) * 4);
    double scale, ox, oy;
    int nx, ny, ex, ey;

    gdk_texture_download (texture, pixels, width * 4);
    _conduit_graph_view_minimap_transform (fixture->view, &box, &scale, &ox, &oy);
    nx = (int)(ox + (1500 + CONDUIT_NOTE_DEFAULT_WIDTH / 2.0) * scale);
    ny = (int)(oy + (900 + CONDUIT_NOTE_DEFAULT_HEIGHT / 2.0) * scale);
    ex = (int)box.origin.x + 3;   /* the map's own background, in its corner */
    ey = (int)box.origin.y + 3;
    g_assert_cmpint (memcmp (pixels + (ny * width + nx) * 4, pixels + (ey * width + ex) * 4, 3),
                     !=, 0);
  }
}

/* How many pixels of two renderings differ by more than a little in any channel. */
static guint
count_differences (GdkTexture *a,
                   GdkTexture *b)
{
  int width = gdk_texture_get_width (a), height = gdk_texture_get_height (a);
  g_autofree guchar *pa = g_malloc ((gsize)width * height * 4);
  g_autofree guchar *pb = g_malloc ((gsize)width * height * 4);
  guint differing = 0;

  g_assert_cmpint (gdk_texture_get_width (b), ==, width);
  g_assert_cmpint (gdk_texture_get_height (b), ==, height);
  gdk_texture_download (a, pa, width * 4);
  gdk_texture_download (b, pb, width * 4);
  for (gsize i = 0; i < (gsize)width * height; i++)
    for (guint c = 0; c < 4; c++)
      if (ABS ((int)pa[4 * i + c] - (int)pb[4 * i + c]) > 96)
        {
          differing++;
          break;
        }
  return differing;
}

/* With the software renderer, cards on screen are drawn once into images at the current zoom
 * (the zoom-0.6 profile of bench/canvas): the frame must look the same as drawn directly, and
 * what is drawn after the cards (a link being drawn) must stay in place. */
static void
test_card_images_match (Fixture       *fixture,
                        gconstpointer  data)
{
  ConduitGraphViewport *viewport = conduit_graph_view_get_viewport (fixture->view);
  ConduitNode *map = conduit_flow_lookup_node (fixture->flow, "map");
  g_autoptr(GdkTexture) direct = NULL;
  g_autoptr(GdkTexture) cached = NULL;
  double x, y;
  guint differing;

  if (!GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (GTK_NATIVE (fixture->window))))
    {
      g_test_skip ("card images are made for the cairo renderer only");
      return;
    }

  conduit_graph_viewport_set_zoom (viewport, 0.6);
  conduit_graph_viewport_set_origin (viewport, -30.3, -40.7);
  graph_test_layout (fixture->view);
  /* a link being drawn from Map Fields' output: drawn after the cards */
  g_assert_true (conduit_graph_view_get_port_point (fixture->view, map, TRUE, "out", &x, &y));
  g_assert_true (conduit_graph_view_drag_begin (fixture->view, x, y, 0));
  conduit_graph_view_drag_update (fixture->view, 120, 160);

  _conduit_graph_view_set_card_cache (fixture->view, FALSE);
  direct = graph_test_render (fixture->view);
  _conduit_graph_view_set_card_cache (fixture->view, TRUE);
  g_clear_object (&cached);
  cached = graph_test_render (fixture->view);   /* the zoom is new to the cache: drawn directly */
  g_clear_object (&cached);
  cached = graph_test_render (fixture->view);   /* from the images */
  g_assert_cmpuint (g_hash_table_size (fixture->view->card_textures), >, 0);

  differing = count_differences (direct, cached);
  g_test_message ("%u of %d pixels differ", differing,
                  gdk_texture_get_width (direct) * gdk_texture_get_height (direct));
  if (g_getenv ("CONDUIT_SCREENSHOT_DIR"))
    {
      g_autofree char *a = g_build_filename (g_getenv ("CONDUIT_SCREENSHOT_DIR"), "cards-direct.png", NULL);
      g_autofree char *b = g_build_filename (g_getenv ("CONDUIT_SCREENSHOT_DIR"), "cards-images.png", NULL);

      gdk_texture_save_to_png (direct, a);
      gdk_texture_save_to_png (cached, b);
    }
  /* a card lands on a whole pixel, up to half a pixel from where it was drawn directly: text
   * edges differ, nothing more (under 0.1 % of the pixels; a card out of place is thousands) */
  g_assert_cmpuint (differing, <, gdk_texture_get_width (direct) * gdk_texture_get_height (direct) / 1000);

  conduit_graph_view_drag_end (fixture->view, 120, 160);
}

/* data/screenshots/editor-notes.png (with CONDUIT_SCREENSHOT_DIR): the example with two notes,
 * tidied up; the notes are checked as the picture shows them. */
static void
shoot (Fixture    *fixture,
       const char *name)
{
  ConduitNode *crm = conduit_flow_lookup_node (fixture->flow, "crm");
  ConduitNode *form = conduit_flow_lookup_node (fixture->flow, "form");
  ConduitNote *a, *b;

  a = conduit_graph_view_add_note_at (fixture->view, conduit_node_get_x (crm),
                                      conduit_node_get_y (crm) + 170);
  type_into (conduit_graph_view_get_note_widget (fixture->view, a),
             "The CRM answers 409 for a known e-mail address: that is no failure.");
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.note-color", "s", "blue");
  b = conduit_graph_view_add_note_at (fixture->view, conduit_node_get_x (form),
                                      conduit_node_get_y (form) - 150);
  type_into (conduit_graph_view_get_note_widget (fixture->view, b),
             "Form on the website's contact page.\nAsk Anna before changing the fields.");
  conduit_graph_view_select_node (fixture->view, NULL);
  gtk_widget_activate_action (GTK_WIDGET (fixture->view), "graph.tidy-up", NULL);
  graph_test_layout (fixture->view);

  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (conduit_graph_view_get_note_widget (fixture->view, a))));
  g_assert_true (gtk_widget_get_child_visible (GTK_WIDGET (conduit_graph_view_get_note_widget (fixture->view, b))));
  {
    graphene_rect_t box;
    const graphene_rect_t *graph = _conduit_graph_view_get_graph_bounds (fixture->view);
    graphene_rect_t visible = _conduit_graph_view_visible_canvas_rect (fixture->view);

    /* fitted after Tidy Up: the overview map stays away (it showed here, by a rounding error) */
    g_test_message ("graph %g %g %g %g visible %g %g %g %g", graph->origin.x, graph->origin.y,
                    graph->size.width, graph->size.height, visible.origin.x, visible.origin.y,
                    visible.size.width, visible.size.height);
    g_assert_false (_conduit_graph_view_minimap_rect (fixture->view, &box));
  }
  test_save_shot (GTK_WIDGET (fixture->view), name);
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  shoot (fixture, "editor-notes.png");
}

static void
test_screenshot_dark (Fixture       *fixture,
                      gconstpointer  data)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  graph_test_drain ();
  shoot (fixture, "editor-notes-dark.png");
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
  graph_test_drain ();
}

/* In a flow of more than 200 steps a card is hidden until first on screen (its style is then
 * computed, not before the first frame); Tab still reaches every card and shows it. */
static void
test_big_flow_cards_shown_when_reached (Fixture       *fixture,
                                        gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (fixture->view);
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitDocument) document = NULL;
  ConduitGraphNode *first, *far;
  guint hidden = 0;

  conduit_flow_set_name (flow, "Big");
  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%u", i);
      g_autoptr(ConduitNode) node = conduit_node_new (id, "manual-trigger");

      conduit_node_set_position (node, (i % 25) * 300, (i / 25) * 200);
      conduit_flow_add_node (flow, node);
    }
  document = conduit_document_new (flow, NULL);
  conduit_graph_view_set_document (fixture->view, document);
  conduit_graph_viewport_set_zoom (conduit_graph_view_get_viewport (fixture->view), 1);
  conduit_graph_viewport_set_origin (conduit_graph_view_get_viewport (fixture->view), 0, 0);
  graph_test_layout (fixture->view);

  first = conduit_graph_view_get_card (fixture->view, conduit_flow_lookup_node (flow, "n0"));
  far = conduit_graph_view_get_card (fixture->view, conduit_flow_lookup_node (flow, "n1"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (first)));
  for (guint i = 0; i < 250; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%u", i);

      hidden += !gtk_widget_get_visible (GTK_WIDGET (conduit_graph_view_get_card (fixture->view,
                                                                                  conduit_flow_lookup_node (flow, id))));
    }
  g_test_message ("%u of 250 cards hidden", hidden);
  g_assert_cmpuint (hidden, >, 150);   /* those never in view: the fitted first view shows 56 */

  /* Tab from the canvas: every card in turn, each shown and focused, off-screen ones too */
  gtk_widget_grab_focus (view);
  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *id = g_strdup_printf ("n%u", i);
      ConduitGraphNode *card = conduit_graph_view_get_card (fixture->view,
                                                            conduit_flow_lookup_node (flow, id));

      g_assert_true (gtk_widget_child_focus (view, GTK_DIR_TAB_FORWARD));
      g_assert_true (gtk_widget_has_focus (GTK_WIDGET (card)));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (card)));
    }
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (far)));
  conduit_graph_view_set_document (fixture->view, fixture->document);
}

static GtkWidget *
find_button_with_action (GtkWidget  *widget,
                         const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_with_action (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The other ways in: the palette's Add a Note button, and the main menu's Add a Note and Tidy
 * Up, in the real window. */
static void
test_palette_and_menu (void)
{
  g_autoptr(ConduitWindow) window = g_object_ref_sink (conduit_window_new (NULL));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  ConduitDocument *document = graph_test_load_example ();
  ConduitEditor *editor;
  ConduitFlow *flow;
  ConduitUndoStack *undo;
  GtkWidget *button;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_set_document (window, document);
  g_object_unref (document);
  while (g_strcmp0 (conduit_window_get_page_name (window), "editor") != 0 &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  editor = CONDUIT_EDITOR (gtk_widget_get_template_child (GTK_WIDGET (window), CONDUIT_TYPE_WINDOW,
                                                          "editor"));
  flow = conduit_document_get_flow (conduit_window_get_document (window));
  undo = conduit_document_get_undo_stack (conduit_window_get_document (window));
  graph_test_drain ();

  button = find_button_with_action (GTK_WIDGET (conduit_editor_get_palette (editor)),
                                    "editor.add-note");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");   /* "activate" would click after a delay */
  graph_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_notes (flow)), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL);
  graph_test_drain ();
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_notes (flow)), ==, 2);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.tidy-up", NULL);
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Tidy Up");

  gtk_window_destroy (GTK_WINDOW (window));
  graph_test_drain ();
}

int
main (int    argc,
      char **argv)
{
  graph_test_init (&argc, &argv);

#define ADD(path, setup, func) \
  g_test_add ("/conduit/notes/canvas/" path, Fixture, NULL, setup, func, fixture_tear_down)

  ADD ("add-edit-undo", fixture_set_up_empty, test_add_edit_undo);
  ADD ("move-resize-colour-delete", fixture_set_up, test_move_resize_colour_delete);
  ADD ("save-reopen", fixture_set_up, test_save_reopen);
  ADD ("tidy-up", fixture_set_up, test_tidy_up);
  ADD ("layout-crossings", fixture_set_up_empty, test_layout_crossings);
  ADD ("link-avoids-rejected-port", fixture_set_up_empty, test_link_avoids_rejected_port);
  ADD ("link-avoids-other-input", fixture_set_up_empty, test_link_avoids_other_input);
  ADD ("minimap-hidden-when-fitted", fixture_set_up, test_minimap_hidden_when_fitted);
  ADD ("card-images-match", fixture_set_up, test_card_images_match);
  ADD ("big-flow-cards-shown-when-reached", fixture_set_up_empty,
       test_big_flow_cards_shown_when_reached);
  ADD ("screenshot", fixture_set_up, test_screenshot);
  g_test_add_func ("/conduit/notes/canvas/palette-and-menu", test_palette_and_menu);
  ADD ("screenshot-dark", fixture_set_up, test_screenshot_dark);

  return g_test_run ();
}
