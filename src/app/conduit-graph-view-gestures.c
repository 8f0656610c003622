/* conduit-graph-view-gestures.c
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

/* The pointer on the graph view: dragging cards, drawing and re-attaching links, the rubber
 * band, panning, zooming and finding what is under the pointer. */

static GtkWidget *
pick_canvas_child (ConduitGraphView *self,
                   double            x,
                   double            y,
                   GType             type)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  for (; picked != NULL && picked != GTK_WIDGET (self); picked = gtk_widget_get_parent (picked))
    if (G_TYPE_CHECK_INSTANCE_TYPE (picked, type))
      return picked;
  return NULL;
}

/* The link whose curve passes within a few pixels of (x, y), widget coordinates. */
static ConduitLink *
link_at (ConduitGraphView *self,
         double            x,
         double            y)
{
  double cx, cy, zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double tolerance = HIT_TOLERANCE / zoom;

  conduit_graph_viewport_to_canvas (self->viewport, x, y, &cx, &cy);

  for (guint i = self->handles->len; i > 0; i--)
    {
      ConduitLink *link = conduit_graph_link_get_link (g_ptr_array_index (self->handles, i - 1));
      double px, py, prev_x, prev_y;
      graphene_rect_t bounds;
      LinkRoute route;
      guint samples;

      if (!_conduit_graph_view_link_route (self, link, &route))
        continue;
      bounds = _conduit_graph_view_route_bounds (&route);
      graphene_rect_inset (&bounds, -tolerance, -tolerance);
      if (!graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (cx, cy)))
        continue;

      prev_x = route.p[0];
      prev_y = route.p[1];
      samples = 24 * route.n_segments;
      for (guint s = 1; s <= samples; s++)
        {
          double vx, vy, wx, wy, t, len2, dist;

          _conduit_graph_view_route_point (&route, (double)s / samples, &px, &py);
          vx = px - prev_x; vy = py - prev_y;
          wx = cx - prev_x; wy = cy - prev_y;
          len2 = vx * vx + vy * vy;
          t = len2 > 0 ? CLAMP ((wx * vx + wy * vy) / len2, 0, 1) : 0;
          dist = hypot (wx - t * vx, wy - t * vy);
          if (dist <= tolerance)
            return link;
          prev_x = px;
          prev_y = py;
        }
    }

  return NULL;
}

static void
set_port_hints (ConduitGraphView *self,
                gboolean          show)
{
  gboolean want_output;
  const char *fixed_node, *fixed_port;

  if (self->drag_port == NULL)
    return;

  want_output = !conduit_graph_port_get_is_output (self->drag_port);
  fixed_node = conduit_node_get_id (conduit_graph_port_get_node (self->drag_port));
  fixed_port = conduit_graph_port_get_port_id (self->drag_port);

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      g_autoptr(GPtrArray) ports = NULL;

      ports = conduit_graph_node_get_ports (card);
      for (guint p = 0; p < ports->len; p++)
        {
          ConduitGraphPort *port = g_ptr_array_index (ports, p);
          const char *hint = NULL;

          if (show && conduit_graph_port_get_is_output (port) == want_output)
            {
              const char *id = conduit_node_get_id (conduit_graph_port_get_node (port));
              const char *port_id = conduit_graph_port_get_port_id (port);
              g_autoptr(ConduitLink) link = want_output
                ? conduit_link_new (id, port_id, fixed_node, fixed_port)
                : conduit_link_new (fixed_node, fixed_port, id, port_id);

              hint = conduit_flow_can_link (self->flow, self->registry, link, NULL)
                     ? "compatible" : "incompatible";
            }
          conduit_graph_port_set_hint (port, hint);
        }
    }
}

static ConduitLink *
pending_link (ConduitGraphView *self,
              ConduitGraphPort *target)
{
  ConduitGraphPort *out = self->drag_port, *in = target;

  if (!conduit_graph_port_get_is_output (self->drag_port))
    {
      out = target;
      in = self->drag_port;
    }
  if (conduit_graph_port_get_is_output (out) != TRUE
      || conduit_graph_port_get_is_output (in) != FALSE)
    return NULL;

  return conduit_link_new (conduit_node_get_id (conduit_graph_port_get_node (out)),
                           conduit_graph_port_get_port_id (out),
                           conduit_node_get_id (conduit_graph_port_get_node (in)),
                           conduit_graph_port_get_port_id (in));
}

static gboolean
target_ok (ConduitGraphView  *self,
           ConduitGraphPort  *target,
           char             **message)
{
  g_autoptr(ConduitLink) link = pending_link (self, target);
  g_autoptr(GError) error = NULL;

  if (link == NULL)
    {
      if (message)
        *message = g_strdup (_("A link goes from an output port (right) to an input port (left)"));
      return FALSE;
    }
  if (!conduit_flow_can_link (self->flow, self->registry, link, &error))
    {
      if (message)
        *message = g_strdup (error->message);
      return FALSE;
    }
  return TRUE;
}

void
_conduit_graph_view_end_connection (ConduitGraphView *self)
{
  set_port_hints (self, FALSE);
  self->drag_port = NULL;
  self->hover_port = NULL;
  if (self->detached != NULL)
    {
      g_clear_object (&self->detached);
      _conduit_graph_view_invalidate_links (self);
    }
}

/* The newest link that ends at @port. */
static ConduitLink *
find_link_at_port (ConduitGraphView *self,
                   ConduitGraphPort *port)
{
  const char *node_id = conduit_node_get_id (conduit_graph_port_get_node (port));
  const char *port_id = conduit_graph_port_get_port_id (port);
  gboolean is_output = conduit_graph_port_get_is_output (port);
  g_autoptr(GPtrArray) links = conduit_flow_list_links_of_node (self->flow, node_id);

  for (guint i = links->len; i > 0; i--)
    {
      ConduitLink *link = g_ptr_array_index (links, i - 1);
      const char *end_node = is_output ? conduit_link_get_from_node (link)
                                       : conduit_link_get_to_node (link);
      const char *end_port = is_output ? conduit_link_get_from_port (link)
                                       : conduit_link_get_to_port (link);

      if (g_strcmp0 (end_node, node_id) == 0 && g_strcmp0 (end_port, port_id) == 0)
        return link;   /* the flow keeps it */
    }

  return NULL;
}

gboolean
conduit_graph_view_drag_begin (ConduitGraphView *self,
                               double            x,
                               double            y,
                               GdkModifierType   modifiers)
{
  GtkWidget *port, *card, *handle;
  graphene_rect_t minimap;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), FALSE);

  self->drag_mode = DRAG_NONE;
  self->drag_x = x;
  self->drag_y = y;
  self->drag_dx = self->drag_dy = 0;
  self->drag_modifiers = modifiers;
  self->drag_origin_x = conduit_graph_viewport_get_x (self->viewport);
  self->drag_origin_y = conduit_graph_viewport_get_y (self->viewport);
  g_array_set_size (self->drag_origins, 0);

  if (self->flow == NULL)
    {
      self->drag_mode = DRAG_PAN;
      return TRUE;
    }

  if (_conduit_graph_view_minimap_rect (self, &minimap) &&
      graphene_rect_contains_point (&minimap, &GRAPHENE_POINT_INIT (x, y)))
    {
      self->drag_mode = DRAG_MINIMAP;
      conduit_graph_view_drag_update (self, 0, 0);
      return TRUE;
    }

  if ((port = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_PORT)))
    {
      ConduitGraphPort *graph_port = CONDUIT_GRAPH_PORT (port);

      self->drag_port = graph_port;
      self->drag_mode = DRAG_CONNECT;

      /* dragging the end of an existing link off an input picks that link up; off an output
       * a drag draws a new link, unless Shift is held, which picks up the newest link there */
      if (!conduit_graph_port_get_is_output (graph_port) || (modifiers & GDK_SHIFT_MASK))
        {
          ConduitLink *link = find_link_at_port (self, graph_port);

          if (link != NULL)
            {
              gboolean moving_output = conduit_graph_port_get_is_output (graph_port);
              ConduitGraphNode *fixed =
                _conduit_graph_view_card_by_id (self,
                                                moving_output ? conduit_link_get_to_node (link)
                                                              : conduit_link_get_from_node (link));

              self->detached = g_object_ref (link);
              self->drag_port =
                conduit_graph_node_get_port (fixed, !moving_output,
                                             moving_output ? conduit_link_get_to_port (link)
                                                           : conduit_link_get_from_port (link));
              self->drag_mode = DRAG_RECONNECT;
              _conduit_graph_view_invalidate_links (self);
            }
        }

      set_port_hints (self, TRUE);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return TRUE;
    }

  if ((card = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_NODE)))
    {
      ConduitNode *node = conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (card));
      guint n;

      if (modifiers & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
        {
          _conduit_graph_view_set_link_selected (self, NULL);
          _conduit_graph_view_set_node_selected (self, node,
                                                 !_conduit_graph_view_is_selected (self, node));
          _conduit_graph_view_selection_changed (self);
          if (!_conduit_graph_view_is_selected (self, node))
            return TRUE;
        }
      else if (!_conduit_graph_view_is_selected (self, node))
        conduit_graph_view_select_node (self, node);

      gtk_widget_grab_focus (card);

      self->drag_mode = DRAG_MOVE;
      n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ConduitNode) selected =
            g_list_model_get_item (G_LIST_MODEL (self->selection), i);
          Origin origin = { selected, conduit_node_get_x (selected),
                           conduit_node_get_y (selected) };

          g_array_append_val (self->drag_origins, origin);  /* the selection keeps it alive */
        }
      return TRUE;
    }

  {
    GtkWidget *note = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_NOTE);

    if (note != NULL)
      return _conduit_graph_view_note_drag_begin (self, note, x, y, modifiers);
  }

  if ((handle = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_LINK)))
    {
      conduit_graph_view_select_link (self,
                                      conduit_graph_link_get_link (CONDUIT_GRAPH_LINK (handle)));
      gtk_widget_grab_focus (handle);
      return TRUE;
    }

  {
    ConduitLink *link = link_at (self, x, y);

    if (link != NULL)
      {
        ConduitGraphLink *link_handle = conduit_graph_view_get_link_handle (self, link);

        conduit_graph_view_select_link (self, link);
        if (link_handle && gtk_widget_get_child_visible (GTK_WIDGET (link_handle)))
          gtk_widget_grab_focus (GTK_WIDGET (link_handle));
        return TRUE;
      }
  }

  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (modifiers & (GDK_SHIFT_MASK | GDK_CONTROL_MASK))
    {
      self->drag_mode = DRAG_RUBBER_BAND;
      g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
      self->rubber_base = _conduit_graph_view_dup_selection (self);
      return TRUE;
    }

  self->drag_mode = DRAG_PAN;
  return TRUE;
}

static void
update_rubber_band (ConduitGraphView *self)
{
  graphene_rect_t band = GRAPHENE_RECT_INIT (self->drag_x, self->drag_y, self->drag_dx,
                                             self->drag_dy);
  double x0, y0, x1, y1;

  graphene_rect_normalize (&band);
  conduit_graph_viewport_to_canvas (self->viewport, band.origin.x, band.origin.y, &x0, &y0);
  conduit_graph_viewport_to_canvas (self->viewport, band.origin.x + band.size.width,
                                    band.origin.y + band.size.height, &x1, &y1);
  band = GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);

  _conduit_graph_view_clear_selection_quietly (self);
  for (guint i = 0; self->rubber_base && i < self->rubber_base->len; i++)
    _conduit_graph_view_set_node_selected (self, g_ptr_array_index (self->rubber_base, i), TRUE);
  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);

      if (graphene_rect_intersection (&rect, &band, NULL))
        _conduit_graph_view_set_node_selected (self, conduit_graph_node_get_node (card), TRUE);
    }
  for (guint i = 0; i < self->note_widgets->len; i++)
    {
      ConduitNote *note = conduit_graph_note_get_note (g_ptr_array_index (self->note_widgets, i));
      graphene_rect_t rect = _conduit_graph_view_note_canvas_rect (note);

      if (graphene_rect_intersection (&rect, &band, NULL))
        _conduit_graph_view_set_note_selected (self, note, TRUE);
    }
  _conduit_graph_view_selection_changed (self);
}

void
conduit_graph_view_drag_update (ConduitGraphView *self,
                                double            offset_x,
                                double            offset_y)
{
  double zoom;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  zoom = conduit_graph_viewport_get_zoom (self->viewport);
  self->drag_dx = offset_x;
  self->drag_dy = offset_y;

  switch (self->drag_mode)
    {
    case DRAG_PAN:
      conduit_graph_viewport_set_origin (self->viewport,
                                         self->drag_origin_x - offset_x / zoom,
                                         self->drag_origin_y - offset_y / zoom);
      break;

    case DRAG_MOVE:
      /* The nodes follow the pointer as a preview: the move becomes an edit when dropped. */
      conduit_undo_stack_begin_preview (self->undo_stack);
      for (guint i = 0; i < self->drag_origins->len; i++)
        {
          Origin *origin = &g_array_index (self->drag_origins, Origin, i);
          double x = _conduit_graph_view_snap (self, origin->x + offset_x / zoom);
          double y = _conduit_graph_view_snap (self, origin->y + offset_y / zoom);

          if (origin->note != NULL)
            conduit_note_set_position (origin->note, x, y);
          else
            conduit_node_set_position (origin->node, x, y);
        }
      conduit_undo_stack_end_preview (self->undo_stack);
      break;

    case DRAG_NOTE_RESIZE:
      _conduit_graph_view_note_resize_update (self, offset_x, offset_y);
      break;

    case DRAG_CONNECT:
    case DRAG_RECONNECT:
      {
        GtkWidget *port = pick_canvas_child (self, self->drag_x + offset_x, self->drag_y + offset_y,
                                             CONDUIT_TYPE_GRAPH_PORT);

        self->hover_port = port && port != GTK_WIDGET (self->drag_port)
                           ? CONDUIT_GRAPH_PORT (port) : NULL;
        self->hover_ok = self->hover_port != NULL && target_ok (self, self->hover_port, NULL);
        gtk_widget_queue_draw (GTK_WIDGET (self));
      }
      break;

    case DRAG_RUBBER_BAND:
      update_rubber_band (self);
      break;

    case DRAG_MINIMAP:
      {
        graphene_rect_t box, visible = _conduit_graph_view_visible_canvas_rect (self);
        double scale, ox, oy, x, y;

        if (_conduit_graph_view_minimap_rect (self, &box))
          {
            _conduit_graph_view_minimap_transform (self, &box, &scale, &ox, &oy);
            x = (self->drag_x + offset_x - ox) / scale;
            y = (self->drag_y + offset_y - oy) / scale;

            conduit_graph_viewport_set_origin (self->viewport, x - visible.size.width / 2,
                                               y - visible.size.height / 2);
          }
      }
      break;

    case DRAG_NONE:
    default:
      break;
    }
}

static void
finish_connection (ConduitGraphView *self,
                   double            x,
                   double            y)
{
  GtkWidget *picked = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_PORT);
  ConduitGraphPort *target = picked ? CONDUIT_GRAPH_PORT (picked) : NULL;
  g_autoptr(ConduitLink) detached = self->detached ? g_object_ref (self->detached) : NULL;
  g_autofree char *message = NULL;

  if (target == self->drag_port)
    target = NULL;

  if (detached != NULL)
    {
      /* the end that moves is the one opposite the fixed drag_port */
      gboolean moving_output = !conduit_graph_port_get_is_output (self->drag_port);
      ConduitGraphNode *moving =
        _conduit_graph_view_card_by_id (self, moving_output ? conduit_link_get_from_node (detached)
                                                            : conduit_link_get_to_node (detached));
      ConduitGraphPort *old_end =
        conduit_graph_node_get_port (moving, moving_output,
                                     moving_output ? conduit_link_get_from_port (detached)
                                                   : conduit_link_get_to_port (detached));

      if (target == old_end)
        return;   /* put back where it was */

      if (target == NULL)
        {
          conduit_undo_stack_remove_link (self->undo_stack, detached);
          return;
        }

      /* judge the new end as if the old link were gone: it may go to the same node */
      g_clear_object (&self->detached);
      conduit_undo_stack_begin_group (self->undo_stack, _("Reconnect"));
      conduit_undo_stack_remove_link (self->undo_stack, detached);
      if (target_ok (self, target, &message))
        {
          g_autoptr(ConduitLink) link = pending_link (self, target);

          conduit_undo_stack_add_link (self->undo_stack, link);
          conduit_undo_stack_end_group (self->undo_stack);
          return;
        }
      conduit_undo_stack_end_group (self->undo_stack);
      conduit_undo_stack_undo (self->undo_stack);
      _conduit_graph_view_emit_message (self, message);
      return;
    }

  if (target == NULL)
    return;

  if (!target_ok (self, target, &message))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      _conduit_graph_view_emit_message (self, message);
      return;
    }

  {
    g_autoptr(ConduitLink) link = pending_link (self, target);

    conduit_undo_stack_add_link (self->undo_stack, link);
  }
}

/* A drag that did not move, or was cancelled: the preview goes, and no edit was made. */
static void
put_back_dragged_nodes (ConduitGraphView *self)
{
  conduit_undo_stack_begin_preview (self->undo_stack);
  for (guint i = 0; i < self->drag_origins->len; i++)
    {
      Origin *origin = &g_array_index (self->drag_origins, Origin, i);

      if (origin->note != NULL)
        conduit_note_set_position (origin->note, origin->x, origin->y);
      else
        conduit_node_set_position (origin->node, origin->x, origin->y);
    }
  conduit_undo_stack_end_preview (self->undo_stack);
}

void
conduit_graph_view_drag_end (ConduitGraphView *self,
                             double            offset_x,
                             double            offset_y)
{
  gboolean moved;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  conduit_graph_view_drag_update (self, offset_x, offset_y);
  moved = hypot (offset_x, offset_y) >= DRAG_THRESHOLD;

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      if (moved)
        {
          conduit_undo_stack_begin_group (self->undo_stack, _("Move"));
          for (guint i = 0; i < self->drag_origins->len; i++)
            {
              Origin *origin = &g_array_index (self->drag_origins, Origin, i);
              double x, y;

              if (origin->note != NULL)
                {
                  ConduitNote *note = origin->note;

                  x = conduit_note_get_x (note);
                  y = conduit_note_get_y (note);
                  conduit_undo_stack_begin_preview (self->undo_stack);
                  conduit_note_set_position (note, origin->x, origin->y);
                  conduit_undo_stack_end_preview (self->undo_stack);
                  conduit_undo_stack_set_note_box (self->undo_stack, note, x, y,
                                                   conduit_note_get_width (note),
                                                   conduit_note_get_height (note));
                  continue;
                }
              x = conduit_node_get_x (origin->node);
              y = conduit_node_get_y (origin->node);

              conduit_undo_stack_begin_preview (self->undo_stack);
              conduit_node_set_position (origin->node, origin->x, origin->y);
              conduit_undo_stack_end_preview (self->undo_stack);
              conduit_undo_stack_move_node (self->undo_stack, origin->node, x, y);
            }
          conduit_undo_stack_end_group (self->undo_stack);
        }
      else
        put_back_dragged_nodes (self);
      break;

    case DRAG_CONNECT:
    case DRAG_RECONNECT:
      finish_connection (self, self->drag_x + offset_x, self->drag_y + offset_y);
      _conduit_graph_view_end_connection (self);
      break;

    case DRAG_PAN:
      if (!moved)
        conduit_graph_view_select_node (self, NULL);
      break;

    case DRAG_RUBBER_BAND:
      g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
      break;

    case DRAG_NOTE_RESIZE:
      _conduit_graph_view_note_resize_end (self, moved);
      break;

    case DRAG_MINIMAP:
    case DRAG_NONE:
    default:
      break;
    }

  g_array_set_size (self->drag_origins, 0);
  self->drag_mode = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_begin (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               ConduitGraphView *self)
{
  GdkModifierType modifiers =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture));
  GdkEventSequence *sequence =
    gtk_gesture_single_get_current_sequence (GTK_GESTURE_SINGLE (gesture));

  if (button == GDK_BUTTON_MIDDLE)
    {
      /* the middle button always pans */
      self->drag_mode = DRAG_PAN;
      self->drag_x = x;
      self->drag_y = y;
      self->drag_origin_x = conduit_graph_viewport_get_x (self->viewport);
      self->drag_origin_y = conduit_graph_viewport_get_y (self->viewport);
      gtk_gesture_set_sequence_state (GTK_GESTURE (gesture), sequence, GTK_EVENT_SEQUENCE_CLAIMED);
      return;
    }

  if (button != GDK_BUTTON_PRIMARY || !conduit_graph_view_drag_begin (self, x, y, modifiers))
    {
      gtk_gesture_set_sequence_state (GTK_GESTURE (gesture), sequence, GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_sequence_state (GTK_GESTURE (gesture), sequence, GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag   *gesture,
                double            offset_x,
                double            offset_y,
                ConduitGraphView *self)
{
  conduit_graph_view_drag_update (self, offset_x, offset_y);
}

static void
on_drag_end (GtkGestureDrag   *gesture,
             double            offset_x,
             double            offset_y,
             ConduitGraphView *self)
{
  conduit_graph_view_drag_end (self, offset_x, offset_y);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                ConduitGraphView *self)
{
  if (self->drag_mode == DRAG_CONNECT || self->drag_mode == DRAG_RECONNECT)
    _conduit_graph_view_end_connection (self);
  if (self->drag_mode == DRAG_MOVE)
    put_back_dragged_nodes (self);
  if (self->drag_mode == DRAG_NOTE_RESIZE)
    _conduit_graph_view_note_resize_end (self, FALSE);
  g_array_set_size (self->drag_origins, 0);
  self->drag_mode = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
conduit_graph_view_click (ConduitGraphView *self,
                          guint             button,
                          int               n_press,
                          double            x,
                          double            y)
{
  GtkWidget *card, *note;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  card = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_NODE);
  note = card ? NULL : pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_NOTE);

  if (note != NULL && button == GDK_BUTTON_SECONDARY)
    {
      g_autoptr(GMenuModel) menu = _conduit_graph_view_build_note_menu ();
      ConduitNote *model = conduit_graph_note_get_note (CONDUIT_GRAPH_NOTE (note));

      if (!conduit_graph_note_get_selected (CONDUIT_GRAPH_NOTE (note)))
        {
          conduit_graph_view_select_node (self, NULL);
          _conduit_graph_view_set_note_selected (self, model, TRUE);
          _conduit_graph_view_selection_changed (self);
        }
      _conduit_graph_view_show_popover (self, gtk_popover_menu_new_from_model (menu), x, y, 1, 1);
      return;
    }

  if (note != NULL && button == GDK_BUTTON_PRIMARY && n_press == 2)
    {
      conduit_graph_note_begin_edit (CONDUIT_GRAPH_NOTE (note));
      return;
    }

  if (button == GDK_BUTTON_SECONDARY)
    {
      g_autoptr(GMenuModel) menu = NULL;
      ConduitLink *link = card ? NULL : link_at (self, x, y);
      double cx, cy;

      if (card != NULL)
        {
          ConduitNode *node = conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (card));

          if (!_conduit_graph_view_is_selected (self, node))
            conduit_graph_view_select_node (self, node);
        }
      else if (link != NULL)
        conduit_graph_view_select_link (self, link);

      if (link != NULL)
        {
          menu = G_MENU_MODEL (g_menu_new ());
          g_menu_append (G_MENU (menu), _("_Delete Link"), "graph.delete");
        }
      else
        {
          conduit_graph_viewport_to_canvas (self->viewport, x, y, &cx, &cy);
          menu = _conduit_graph_view_build_canvas_menu (card != NULL, card == NULL, round (cx),
                                                        round (cy));
        }
      _conduit_graph_view_show_popover (self, gtk_popover_menu_new_from_model (menu), x, y, 1, 1);
      return;
    }

  if (button == GDK_BUTTON_PRIMARY && n_press == 2 && card != NULL)
    _conduit_graph_view_emit_node_activated (self,
                                             conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (card)));
}

static void
on_click_pressed (GtkGestureClick  *gesture,
                  int               n_press,
                  double            x,
                  double            y,
                  ConduitGraphView *self)
{
  conduit_graph_view_click (self,
                            gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (gesture)),
                            n_press, x, y);
}

void
conduit_graph_view_scroll (ConduitGraphView *self,
                           double            dx,
                           double            dy,
                           double            pointer_x,
                           double            pointer_y,
                           GdkModifierType   modifiers)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  if (modifiers & GDK_CONTROL_MASK)
    {
      double zoom = conduit_graph_viewport_get_zoom (self->viewport) * pow (ZOOM_STEP, -dy);

      conduit_graph_viewport_zoom_at (self->viewport, zoom, pointer_x, pointer_y);
      return;
    }

  if (modifiers & GDK_SHIFT_MASK && dx == 0)
    {
      dx = dy;
      dy = 0;
    }
  conduit_graph_viewport_pan (self->viewport, -dx, -dy);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           ConduitGraphView         *self)
{
  GdkModifierType modifiers =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  /* wheel clicks move a fixed distance; touchpads report pixels already */
  if (gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL &&
      !(modifiers & GDK_CONTROL_MASK))
    {
      dx *= 50;
      dy *= 50;
    }
  else if (modifiers & GDK_CONTROL_MASK &&
           gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_SURFACE)
    dy /= 20;

  conduit_graph_view_scroll (self, dx, dy, self->pointer_x, self->pointer_y, modifiers);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           ConduitGraphView         *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

void
conduit_graph_view_zoom_gesture (ConduitGraphView *self,
                                 double            scale,
                                 double            x,
                                 double            y)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));
  conduit_graph_viewport_zoom_at (self->viewport, self->zoom_gesture_start * scale, x, y);
}

void
conduit_graph_view_zoom_gesture_begin (ConduitGraphView *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));
  self->zoom_gesture_start = conduit_graph_viewport_get_zoom (self->viewport);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               ConduitGraphView *self)
{
  conduit_graph_view_zoom_gesture_begin (self);
}

static void
on_zoom_scale_changed (GtkGestureZoom   *gesture,
                       double            scale,
                       ConduitGraphView *self)
{
  double x, y;

  gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y);
  conduit_graph_view_zoom_gesture (self, scale, x, y);
}

void
_conduit_graph_view_init_gestures (ConduitGraphView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (gesture, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_click_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
