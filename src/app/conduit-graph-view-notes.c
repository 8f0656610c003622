/* conduit-graph-view-notes.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conduit-graph-view-private.h"

/* Sticky notes on the graph view: one ConduitGraphNote child per note of the flow, placed
 * like cards but beneath them (the first children, drawn before the links), selected along
 * with cards, moved by the same drag, resized by their corner grip, edited in place. Every
 * change goes through the undo stack. */

graphene_rect_t
_conduit_graph_view_note_canvas_rect (ConduitNote *note)
{
  return GRAPHENE_RECT_INIT (conduit_note_get_x (note), conduit_note_get_y (note),
                             conduit_note_get_width (note), conduit_note_get_height (note));
}

ConduitGraphNote *
conduit_graph_view_get_note_widget (ConduitGraphView *self,
                                    ConduitNote      *note)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return note ? g_hash_table_lookup (self->widget_of_note, note) : NULL;
}

void
_conduit_graph_view_set_note_selected (ConduitGraphView *self,
                                       ConduitNote      *note,
                                       gboolean          selected)
{
  ConduitGraphNote *widget = conduit_graph_view_get_note_widget (self, note);

  if (widget == NULL || conduit_graph_note_get_selected (widget) == !!selected)
    return;

  conduit_graph_note_set_selected (widget, selected);
  if (selected)
    g_ptr_array_add (self->selected_notes, g_object_ref (note));
  else
    g_ptr_array_remove (self->selected_notes, note);
}

void
_conduit_graph_view_clear_note_selection (ConduitGraphView *self)
{
  for (guint i = 0; i < self->selected_notes->len; i++)
    {
      ConduitGraphNote *widget =
        conduit_graph_view_get_note_widget (self, g_ptr_array_index (self->selected_notes, i));

      if (widget != NULL)
        conduit_graph_note_set_selected (widget, FALSE);
    }
  g_ptr_array_set_size (self->selected_notes, 0);
}

GPtrArray *
_conduit_graph_view_dup_selected_notes (ConduitGraphView *self)
{
  GPtrArray *notes = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->selected_notes->len; i++)
    g_ptr_array_add (notes, g_object_ref (g_ptr_array_index (self->selected_notes, i)));
  return notes;
}

static void
on_note_notify (ConduitGraphView *self,
                GParamSpec       *pspec,
                ConduitNote      *note)
{
  if (g_str_equal (pspec->name, "x") || g_str_equal (pspec->name, "y") ||
      g_str_equal (pspec->name, "width") || g_str_equal (pspec->name, "height"))
    {
      self->graph_bounds_valid = FALSE;
      g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
}

static void
on_note_edited (ConduitGraphView *self,
                const char       *text,
                ConduitGraphNote *widget)
{
  ConduitNote *note = conduit_graph_note_get_note (widget);

  if (self->undo_stack == NULL || g_strcmp0 (conduit_note_get_text (note), text) == 0)
    return;

  /* one edit session is one step: a group does not merge with the previous edit */
  conduit_undo_stack_begin_group (self->undo_stack, _("Edit Note"));
  conduit_undo_stack_set_note_text (self->undo_stack, note, text);
  conduit_undo_stack_end_group (self->undo_stack);
}

static void
destroy_note_widget (ConduitGraphView *self,
                     ConduitGraphNote *widget)
{
  ConduitNote *note = conduit_graph_note_get_note (widget);

  g_signal_handlers_disconnect_by_data (note, self);
  g_signal_handlers_disconnect_by_data (widget, self);
  _conduit_graph_view_set_note_selected (self, note, FALSE);
  if (self->resizing == note)
    {
      self->resizing = NULL;
      self->drag_mode = DRAG_NONE;
    }
  for (guint i = self->drag_origins->len; i > 0; i--)
    if (g_array_index (self->drag_origins, Origin, i - 1).note == note)
      g_array_remove_index (self->drag_origins, i - 1);
  g_hash_table_remove (self->widget_of_note, note);
  gtk_widget_unparent (GTK_WIDGET (widget));
}

static void
on_notes_changed (ConduitGraphView *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *notes)
{
  GtkWidget *sibling;

  for (guint i = 0; i < removed; i++)
    destroy_note_widget (self, g_ptr_array_index (self->note_widgets, position + i));
  g_ptr_array_remove_range (self->note_widgets, position, removed);

  /* notes are the first children: drawn and picked beneath the cards */
  sibling = position > 0 ? g_ptr_array_index (self->note_widgets, position - 1) : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(ConduitNote) note = g_list_model_get_item (notes, position + i);
      GtkWidget *widget = conduit_graph_note_new (note);

      g_hash_table_insert (self->widget_of_note, note, widget);
      g_signal_connect_object (note, "notify", G_CALLBACK (on_note_notify), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (widget, "edited", G_CALLBACK (on_note_edited), self,
                               G_CONNECT_SWAPPED);
      gtk_widget_insert_after (widget, GTK_WIDGET (self), sibling);
      gtk_widget_set_child_visible (widget, FALSE);
      g_ptr_array_insert (self->note_widgets, position + i, widget);
      sibling = widget;
    }

  self->graph_bounds_valid = FALSE;
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  if (removed > 0)
    _conduit_graph_view_selection_changed (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

void
_conduit_graph_view_notes_init (ConduitGraphView *self)
{
  self->note_widgets = g_ptr_array_new ();
  self->widget_of_note = g_hash_table_new (NULL, NULL);
  self->selected_notes = g_ptr_array_new_with_free_func (g_object_unref);
}

void
_conduit_graph_view_notes_finalize (ConduitGraphView *self)
{
  g_clear_pointer (&self->note_widgets, g_ptr_array_unref);
  g_clear_pointer (&self->widget_of_note, g_hash_table_unref);
  g_clear_pointer (&self->selected_notes, g_ptr_array_unref);
}

void
_conduit_graph_view_notes_attach (ConduitGraphView *self)
{
  GListModel *notes = conduit_flow_get_notes (self->flow);

  on_notes_changed (self, 0, 0, g_list_model_get_n_items (notes), notes);
  g_signal_connect_object (notes, "items-changed", G_CALLBACK (on_notes_changed), self,
                           G_CONNECT_SWAPPED);
}

void
_conduit_graph_view_notes_detach (ConduitGraphView *self)
{
  GListModel *notes = conduit_flow_get_notes (self->flow);

  g_signal_handlers_disconnect_by_data (notes, self);
  on_notes_changed (self, 0, self->note_widgets->len, 0, notes);
}

void
_conduit_graph_view_place_notes (ConduitGraphView      *self,
                                 const graphene_rect_t *visible,
                                 double                 zoom)
{
  for (guint i = 0; i < self->note_widgets->len; i++)
    {
      GtkWidget *widget = g_ptr_array_index (self->note_widgets, i);
      ConduitNote *note = conduit_graph_note_get_note (CONDUIT_GRAPH_NOTE (widget));
      graphene_rect_t rect = _conduit_graph_view_note_canvas_rect (note);
      double x, y;

      if (!graphene_rect_intersection (&rect, visible, NULL) &&
          gtk_widget_get_focus_child (widget) == NULL && !gtk_widget_has_focus (widget))
        {
          gtk_widget_set_child_visible (widget, FALSE);
          continue;
        }

      conduit_graph_viewport_to_widget (self->viewport, rect.origin.x, rect.origin.y, &x, &y);
      _conduit_graph_view_place_child (widget, x, y, zoom, rect.size.width, rect.size.height);
    }
}

void
_conduit_graph_view_snapshot_notes (ConduitGraphView *self,
                                    GtkSnapshot      *snapshot)
{
  for (guint i = 0; i < self->note_widgets->len; i++)
    gtk_widget_snapshot_child (GTK_WIDGET (self), g_ptr_array_index (self->note_widgets, i),
                               snapshot);
}

/**
 * conduit_graph_view_add_note_at:
 * @self: a graph view
 * @x: where, in canvas units (the note's top-left corner)
 * @y: likewise
 *
 * Adds an empty note as one undoable step, selects it and starts editing its text.
 *
 * Returns: (transfer none) (nullable): the new note
 */
ConduitNote *
conduit_graph_view_add_note_at (ConduitGraphView *self,
                                double            x,
                                double            y)
{
  g_autoptr(ConduitNote) note = NULL;
  g_autofree char *id = NULL;
  ConduitGraphNote *widget;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);

  if (self->flow == NULL)
    return NULL;

  id = conduit_flow_dup_unique_note_id (self->flow);
  note = conduit_note_new (id);
  conduit_note_set_position (note, _conduit_graph_view_snap (self, x),
                             _conduit_graph_view_snap (self, y));
  conduit_undo_stack_add_note (self->undo_stack, note);

  conduit_graph_view_select_node (self, NULL);
  _conduit_graph_view_set_note_selected (self, note, TRUE);
  _conduit_graph_view_selection_changed (self);

  widget = conduit_graph_view_get_note_widget (self, note);
  if (widget != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gtk_widget_set_child_visible (GTK_WIDGET (widget), TRUE);
      conduit_graph_note_begin_edit (widget);
    }
  return note;
}

/**
 * conduit_graph_view_add_note:
 * @self: a graph view
 *
 * Adds a note in the middle of the view (see conduit_graph_view_add_note_at()).
 *
 * Returns: (transfer none) (nullable): the new note
 */
ConduitNote *
conduit_graph_view_add_note (ConduitGraphView *self)
{
  graphene_rect_t visible;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);

  visible = _conduit_graph_view_visible_canvas_rect (self);
  return conduit_graph_view_add_note_at (self,
                                         visible.origin.x + (visible.size.width -
                                                             CONDUIT_NOTE_DEFAULT_WIDTH) / 2,
                                         visible.origin.y + (visible.size.height -
                                                             CONDUIT_NOTE_DEFAULT_HEIGHT) / 2);
}

/* A press on a note: its corner grip resizes it; elsewhere it joins (or, with Shift or Ctrl,
 * toggles in) the selection and the drag moves the selection. */
gboolean
_conduit_graph_view_note_drag_begin (ConduitGraphView *self,
                                     GtkWidget        *picked,
                                     double            x,
                                     double            y,
                                     GdkModifierType   modifiers)
{
  ConduitNote *note = conduit_graph_note_get_note (CONDUIT_GRAPH_NOTE (picked));
  graphene_rect_t rect = _conduit_graph_view_note_canvas_rect (note);
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double cx, cy;
  guint n;

  conduit_graph_viewport_to_canvas (self->viewport, x, y, &cx, &cy);

  if (conduit_graph_note_get_editing (CONDUIT_GRAPH_NOTE (picked)) &&
      cx < rect.origin.x + rect.size.width - CONDUIT_GRAPH_NOTE_GRIP / MIN (zoom, 1))
    return FALSE;   /* the text view takes the press: selecting text, placing the cursor */

  if (cx >= rect.origin.x + rect.size.width - CONDUIT_GRAPH_NOTE_GRIP / MIN (zoom, 1) &&
      cy >= rect.origin.y + rect.size.height - CONDUIT_GRAPH_NOTE_GRIP / MIN (zoom, 1))
    {
      self->drag_mode = DRAG_NOTE_RESIZE;
      self->resizing = note;
      self->resize_box[0] = rect.origin.x;
      self->resize_box[1] = rect.origin.y;
      self->resize_box[2] = rect.size.width;
      self->resize_box[3] = rect.size.height;
      conduit_graph_view_select_node (self, NULL);
      _conduit_graph_view_set_note_selected (self, note, TRUE);
      _conduit_graph_view_selection_changed (self);
      gtk_widget_grab_focus (picked);
      return TRUE;
    }

  if (modifiers & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
    {
      gboolean was = conduit_graph_note_get_selected (CONDUIT_GRAPH_NOTE (picked));

      _conduit_graph_view_set_link_selected (self, NULL);
      _conduit_graph_view_set_note_selected (self, note, !was);
      _conduit_graph_view_selection_changed (self);
      if (was)
        return TRUE;
    }
  else if (!conduit_graph_note_get_selected (CONDUIT_GRAPH_NOTE (picked)))
    {
      conduit_graph_view_select_node (self, NULL);
      _conduit_graph_view_set_note_selected (self, note, TRUE);
      _conduit_graph_view_selection_changed (self);
    }

  gtk_widget_grab_focus (picked);

  self->drag_mode = DRAG_MOVE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) selected = g_list_model_get_item (G_LIST_MODEL (self->selection), i);
      Origin origin = { selected, conduit_node_get_x (selected), conduit_node_get_y (selected),
                        NULL };

      g_array_append_val (self->drag_origins, origin);
    }
  for (guint i = 0; i < self->selected_notes->len; i++)
    {
      ConduitNote *selected = g_ptr_array_index (self->selected_notes, i);
      Origin origin = { NULL, conduit_note_get_x (selected), conduit_note_get_y (selected),
                        selected };

      g_array_append_val (self->drag_origins, origin);
    }
  return TRUE;
}

void
_conduit_graph_view_note_resize_update (ConduitGraphView *self,
                                        double            offset_x,
                                        double            offset_y)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);

  if (self->resizing == NULL)
    return;

  conduit_undo_stack_begin_preview (self->undo_stack);
  conduit_note_set_size (self->resizing,
                         _conduit_graph_view_snap (self, self->resize_box[2] + offset_x / zoom),
                         _conduit_graph_view_snap (self, self->resize_box[3] + offset_y / zoom));
  conduit_undo_stack_end_preview (self->undo_stack);
}

void
_conduit_graph_view_note_resize_end (ConduitGraphView *self,
                                     gboolean          moved)
{
  ConduitNote *note = self->resizing;
  double width, height;

  if (note == NULL)
    return;
  self->resizing = NULL;

  width = conduit_note_get_width (note);
  height = conduit_note_get_height (note);
  conduit_undo_stack_begin_preview (self->undo_stack);
  conduit_note_set_size (note, self->resize_box[2], self->resize_box[3]);
  conduit_undo_stack_end_preview (self->undo_stack);
  if (moved)
    conduit_undo_stack_set_note_box (self->undo_stack, note, self->resize_box[0],
                                     self->resize_box[1], width, height);
}

/* Enter or F2 on a focused note: edit its text. */
gboolean
_conduit_graph_view_edit_focused_note (ConduitGraphView *self)
{
  GtkWidget *focus = gtk_widget_get_focus_child (GTK_WIDGET (self));
  ConduitGraphNote *widget = NULL;

  if (focus != NULL && CONDUIT_IS_GRAPH_NOTE (focus))
    widget = CONDUIT_GRAPH_NOTE (focus);
  else if (self->selected_notes->len == 1 &&
           g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    widget = conduit_graph_view_get_note_widget (self, g_ptr_array_index (self->selected_notes, 0));

  if (widget == NULL)
    return FALSE;

  gtk_widget_set_child_visible (GTK_WIDGET (widget), TRUE);
  conduit_graph_note_begin_edit (widget);
  return TRUE;
}

static void
action_add_note (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  conduit_graph_view_add_note (CONDUIT_GRAPH_VIEW (widget));
}

/* The canvas's context menu adds a note where it was opened. */
static void
action_add_note_at (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  double x, y;

  g_variant_get (parameter, "(dd)", &x, &y);
  conduit_graph_view_add_note_at (CONDUIT_GRAPH_VIEW (widget), x, y);
}

static void
action_edit_note (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  _conduit_graph_view_edit_focused_note (CONDUIT_GRAPH_VIEW (widget));
}

static void
action_note_color (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  const char *color = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) notes = _conduit_graph_view_dup_selected_notes (self);

  if (!conduit_note_color_is_known (color) || notes->len == 0)
    return;

  conduit_undo_stack_begin_group (self->undo_stack, _("Change Note Colour"));
  for (guint i = 0; i < notes->len; i++)
    conduit_undo_stack_set_note_color (self->undo_stack, g_ptr_array_index (notes, i), color);
  conduit_undo_stack_end_group (self->undo_stack);
}

void
_conduit_graph_view_update_note_actions (ConduitGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "graph.add-note", self->flow != NULL);
  gtk_widget_action_set_enabled (widget, "graph.add-note-at", self->flow != NULL);
  gtk_widget_action_set_enabled (widget, "graph.edit-note", self->selected_notes->len == 1);
  gtk_widget_action_set_enabled (widget, "graph.note-color", self->selected_notes->len > 0);
}

void
_conduit_graph_view_class_notes_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.add-note", NULL, action_add_note);
  gtk_widget_class_install_action (widget_class, "graph.add-note-at", "(dd)", action_add_note_at);
  gtk_widget_class_install_action (widget_class, "graph.edit-note", NULL, action_edit_note);
  gtk_widget_class_install_action (widget_class, "graph.note-color", "s", action_note_color);

  /* Shift+S adds a sticky note in n8n's editor, which many of our users come from */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_SHIFT_MASK, "graph.add-note",
                                       NULL);
}

/**
 * conduit_graph_view_dup_selected_notes:
 * @self: a graph view
 *
 * Returns: (transfer container) (element-type ConduitNote): the selected sticky notes
 */
GPtrArray *
conduit_graph_view_dup_selected_notes (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return _conduit_graph_view_dup_selected_notes (self);
}
