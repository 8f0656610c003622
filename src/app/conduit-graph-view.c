/* conduit-graph-view.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include <adwaita.h>

#include "conduit-flow-clipboard.h"
#include "conduit-graph-view-private.h"

/* The node-graph canvas. Nodes are child widgets (ConduitGraphNode cards) placed in
 * size_allocate with a translate-and-scale transform, and hidden with
 * gtk_widget_set_child_visible() while off-screen, so a flow of a thousand nodes costs only
 * what is on screen. Links are drawn by the view with cairo; they are grouped into chunks
 * by where they lie, and each chunk is recorded once into a render node kept in canvas
 * units and re-used, scaled, until one of its links changes: panning and zooming redraw no
 * link, and only chunks that overlap the view are appended at all. Every edit goes through
 * the document's undo stack. Pan and zoom live in a ConduitGraphViewport. */


enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_SELECTED_NODE,
  PROP_SNAP_TO_GRID,
  N_PROPS
};

enum {
  NODE_ACTIVATED,
  MESSAGE,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitGraphView, conduit_graph_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];


ConduitGraphNode *
conduit_graph_view_get_card (ConduitGraphView *self,
                             ConduitNode      *node)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return node ? g_hash_table_lookup (self->card_of_node, node) : NULL;
}

ConduitGraphLink *
conduit_graph_view_get_link_handle (ConduitGraphView *self,
                                    ConduitLink      *link)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return link ? g_hash_table_lookup (self->handle_of_link, link) : NULL;
}

ConduitGraphNode *
_conduit_graph_view_card_by_id (ConduitGraphView *self,
                                const char       *node_id)
{
  ConduitNode *node = self->flow ? conduit_flow_lookup_node (self->flow, node_id) : NULL;

  return conduit_graph_view_get_card (self, node);
}

const char *
_conduit_graph_view_card_title (ConduitGraphNode *card)
{
  ConduitNode *node = conduit_graph_node_get_node (card);
  ConduitConnector *connector = conduit_graph_node_get_connector (card);
  const char *title = conduit_node_get_title (node);

  if (title != NULL && *title != '\0')
    return title;
  return connector ? conduit_connector_get_name (connector) : conduit_node_get_id (node);
}

graphene_rect_t
_conduit_graph_view_visible_canvas_rect (ConduitGraphView *self)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);

  return GRAPHENE_RECT_INIT (conduit_graph_viewport_get_x (self->viewport),
                             conduit_graph_viewport_get_y (self->viewport),
                             gtk_widget_get_width (GTK_WIDGET (self)) / zoom,
                             gtk_widget_get_height (GTK_WIDGET (self)) / zoom);
}

graphene_rect_t
_conduit_graph_view_card_canvas_rect (ConduitGraphNode *card)
{
  ConduitNode *node = conduit_graph_node_get_node (card);

  return GRAPHENE_RECT_INIT (conduit_node_get_x (node), conduit_node_get_y (node),
                             CONDUIT_GRAPH_NODE_WIDTH, conduit_graph_node_get_height (card));
}

const graphene_rect_t *
_conduit_graph_view_get_graph_bounds (ConduitGraphView *self)
{
  if (!self->graph_bounds_valid)
    {
      graphene_rect_init (&self->graph_bounds, 0, 0, 0, 0);
      for (guint i = 0; i < self->cards->len; i++)
        {
          ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
          graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);

          if (i == 0)
            self->graph_bounds = rect;
          else
            graphene_rect_union (&self->graph_bounds, &rect, &self->graph_bounds);
        }
      /* notes count too: fitting the flow shows them, and the overview map has them */
      for (guint i = 0; i < self->note_widgets->len; i++)
        {
          ConduitNote *note = conduit_graph_note_get_note (g_ptr_array_index (self->note_widgets, i));
          graphene_rect_t rect = _conduit_graph_view_note_canvas_rect (note);

          if (i == 0 && self->cards->len == 0)
            self->graph_bounds = rect;
          else
            graphene_rect_union (&self->graph_bounds, &rect, &self->graph_bounds);
        }
      self->graph_bounds_valid = TRUE;
    }
  return &self->graph_bounds;
}

double
_conduit_graph_view_snap (ConduitGraphView *self,
                          double            value)
{
  /* whole canvas units at least: a pointer move at a zoom like 0.7 would otherwise leave
   * positions such as 263.9999694824219 in the saved flow, and noisy diffs */
  return self->snap_to_grid ? round (value / GRID_STEP) * GRID_STEP : round (value);
}

gboolean
_conduit_graph_view_is_selected (ConduitGraphView *self,
                                 ConduitNode      *node)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);

  return card != NULL && conduit_graph_node_get_selected (card);
}

void
_conduit_graph_view_selection_changed (ConduitGraphView *self)
{
  ConduitNode *single = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 1)
    single = g_list_model_get_item (G_LIST_MODEL (self->selection), 0);

  if (self->reported_selected != single)
    {
      self->reported_selected = single;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_NODE]);
    }
  if (single)
    g_object_unref (single);   /* the selection store keeps it */

  _conduit_graph_view_update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_conduit_graph_view_set_link_selected (ConduitGraphView *self,
                                       ConduitLink      *link)
{
  ConduitGraphLink *handle;

  if (self->selected_link == link)
    return;

  if ((handle = conduit_graph_view_get_link_handle (self, self->selected_link)))
    conduit_graph_link_set_selected (handle, FALSE);
  g_set_object (&self->selected_link, link);
  if ((handle = conduit_graph_view_get_link_handle (self, link)))
    conduit_graph_link_set_selected (handle, TRUE);
}

void
_conduit_graph_view_clear_selection_quietly (ConduitGraphView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->selection), i);
      ConduitGraphNode *card = conduit_graph_view_get_card (self, node);

      if (card)
        conduit_graph_node_set_selected (card, FALSE);
    }
  g_list_store_remove_all (self->selection);
  _conduit_graph_view_clear_note_selection (self);
}

void
_conduit_graph_view_set_node_selected (ConduitGraphView *self,
                                       ConduitNode      *node,
                                       gboolean          selected)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  guint position;

  if (card == NULL || conduit_graph_node_get_selected (card) == selected)
    return;

  conduit_graph_node_set_selected (card, selected);
  if (selected)
    g_list_store_append (self->selection, node);
  else if (g_list_store_find (self->selection, node, &position))
    g_list_store_remove (self->selection, position);
}

void
conduit_graph_view_select_node (ConduitGraphView *self,
                                ConduitNode      *node)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));
  g_return_if_fail (!node || CONDUIT_IS_NODE (node));

  _conduit_graph_view_clear_selection_quietly (self);
  _conduit_graph_view_set_link_selected (self, NULL);
  if (node != NULL)
    _conduit_graph_view_set_node_selected (self, node, TRUE);
  _conduit_graph_view_selection_changed (self);
}

/**
 * conduit_graph_view_get_selected_node:
 * @self: a graph view
 *
 * Returns: (transfer none) (nullable): the selected node when exactly one is selected
 */
ConduitNode *
conduit_graph_view_get_selected_node (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->reported_selected;
}

/**
 * conduit_graph_view_get_selection:
 * @self: a graph view
 *
 * Returns: (transfer none): the selected nodes, a #GListModel of #ConduitNode
 */
GListModel *
conduit_graph_view_get_selection (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

ConduitLink *
conduit_graph_view_get_selected_link (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->selected_link;
}

void
conduit_graph_view_select_link (ConduitGraphView *self,
                                ConduitLink      *link)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  _conduit_graph_view_clear_selection_quietly (self);
  _conduit_graph_view_set_link_selected (self, link);
  _conduit_graph_view_selection_changed (self);
}

GPtrArray *
_conduit_graph_view_dup_selection (ConduitGraphView *self)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (nodes, g_list_model_get_item (G_LIST_MODEL (self->selection), i));
  return nodes;
}

static void
on_node_notify (ConduitGraphView *self,
                GParamSpec       *pspec,
                ConduitNode      *node)
{
  if (g_strcmp0 (pspec->name, "x") == 0 || g_strcmp0 (pspec->name, "y") == 0)
    {
      GPtrArray *links = self->links_of_node ?
                         g_hash_table_lookup (self->links_of_node,
                                              conduit_node_get_id (node)) : NULL;

      for (guint i = 0; links != NULL && i < links->len; i++)
        {
          Chunk *chunk = g_hash_table_lookup (self->chunk_of_link, g_ptr_array_index (links, i));

          if (chunk)
            g_clear_pointer (&chunk->node, gsk_render_node_unref);
        }
      self->graph_bounds_valid = FALSE;
      g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
}

static void
check_node (ConduitGraphView *self,
            ConduitNode      *node)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  g_autoptr(GPtrArray) problems = NULL;

  if (card == NULL)
    return;

  problems = conduit_flow_check_node (self->flow, self->registry, node);
  conduit_graph_node_set_problems (card, problems);
}

static void
on_node_setting_changed (ConduitNode      *node,
                         const char       *key,
                         ConduitGraphView *self)
{
  check_node (self, node);
}

static void
on_node_mapping_changed (ConduitNode      *node,
                         ConduitGraphView *self)
{
  check_node (self, node);
}

static GtkWidget *
create_card (ConduitGraphView *self,
             ConduitNode      *node)
{
  ConduitConnector *connector =
    conduit_connector_registry_lookup (self->registry, conduit_node_get_connector_id (node));
  GtkWidget *card = conduit_graph_node_new (node, connector);

  g_hash_table_insert (self->card_of_node, node, card);
  g_signal_connect_object (node, "notify", G_CALLBACK (on_node_notify), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (node, "setting-changed", G_CALLBACK (on_node_setting_changed), self, 0);
  g_signal_connect_object (node, "mapping-changed", G_CALLBACK (on_node_mapping_changed), self, 0);
  return card;
}

static void
destroy_card (ConduitGraphView *self,
              ConduitGraphNode *card)
{
  ConduitNode *node = conduit_graph_node_get_node (card);
  guint position;

  g_signal_handlers_disconnect_by_data (node, self);
  if (g_list_store_find (self->selection, node, &position))
    g_list_store_remove (self->selection, position);
  g_hash_table_remove (self->card_of_node, node);
  g_hash_table_remove (self->card_textures, card);
  if (self->renaming == node)
    self->renaming = NULL;
  gtk_widget_unparent (GTK_WIDGET (card));
}

static void
on_nodes_changed (ConduitGraphView *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *nodes)
{
  GtkWidget *sibling;

  for (guint i = 0; i < removed; i++)
    destroy_card (self, g_ptr_array_index (self->cards, position + i));
  g_ptr_array_remove_range (self->cards, position, removed);

  /* keep the children in flow order so focus moves through them in that order */
  sibling = position > 0 ? g_ptr_array_index (self->cards, position - 1) : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, position + i);
      GtkWidget *card = create_card (self, node);

      gtk_widget_insert_after (card, GTK_WIDGET (self), sibling);
      gtk_widget_set_child_visible (card, FALSE);
      /* In a big flow a card stays hidden until it is first on screen: GTK computes the style
       * of every visible widget, a card and its dozen labels and ports, before the first
       * frame, and for 1,000 cards that was more than half of the time to show the flow
       * (bench/canvas). A hidden card is out of the accessibility tree until then; Tab and
       * the connect menu still reach it (reveal_card shows it). */
      if (self->cards->len + added > LAZY_CARDS)
        gtk_widget_set_visible (card, FALSE);
      g_ptr_array_insert (self->cards, position + i, card);
      check_node (self, node);
      sibling = card;
    }

  self->graph_bounds_valid = FALSE;
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  _conduit_graph_view_invalidate_links (self);
  if (removed > 0)
    _conduit_graph_view_selection_changed (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static char *
describe_link (ConduitGraphView *self,
               ConduitLink      *link)
{
  ConduitGraphNode *from = _conduit_graph_view_card_by_id (self, conduit_link_get_from_node (link));
  ConduitGraphNode *to = _conduit_graph_view_card_by_id (self, conduit_link_get_to_node (link));
  const char *from_name = conduit_link_get_from_node (link);
  const char *to_name = conduit_link_get_to_node (link);
  const char *from_port = conduit_link_get_from_port (link);
  const char *to_port = conduit_link_get_to_port (link);

  if (from != NULL)
    {
      ConduitConnector *connector = conduit_graph_node_get_connector (from);
      const ConduitPortSpec *spec = connector
                                    ? conduit_connector_find_output (connector, from_port) : NULL;
      const char *title = conduit_node_get_title (conduit_graph_node_get_node (from));

      if (title && *title)
        from_name = title;
      if (spec)
        from_port = spec->label;
    }
  if (to != NULL)
    {
      ConduitConnector *connector = conduit_graph_node_get_connector (to);
      const ConduitPortSpec *spec = connector
                                    ? conduit_connector_find_input (connector, to_port) : NULL;
      const char *title = conduit_node_get_title (conduit_graph_node_get_node (to));

      if (title && *title)
        to_name = title;
      if (spec)
        to_port = spec->label;
    }

  return g_strdup_printf (_("Link from %s (%s) to %s (%s)"), from_name, from_port, to_name,
                          to_port);
}

static void
on_links_changed (ConduitGraphView *self,
                  guint             position,
                  guint             removed,
                  guint             added,
                  GListModel       *links)
{
  GtkWidget *sibling;

  for (guint i = 0; i < removed; i++)
    {
      ConduitGraphLink *handle = g_ptr_array_index (self->handles, position + i);
      ConduitLink *link = conduit_graph_link_get_link (handle);

      if (link == self->selected_link)
        _conduit_graph_view_set_link_selected (self, NULL);
      if (link == self->detached)
        g_clear_object (&self->detached);
      g_hash_table_remove (self->handle_of_link, link);
      g_hash_table_remove (self->link_ends, link);
      g_ptr_array_remove_fast (self->shown_handles, handle);
      gtk_widget_unparent (GTK_WIDGET (handle));
    }
  g_ptr_array_remove_range (self->handles, position, removed);

  sibling = position > 0 ? g_ptr_array_index (self->handles, position - 1)
                         : gtk_widget_get_last_child (GTK_WIDGET (self));
  /* link handles come after every card in the focus order */
  if (position == 0 && self->cards->len > 0)
    sibling = g_ptr_array_index (self->cards, self->cards->len - 1);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, position + i);
      g_autofree char *label = describe_link (self, link);
      GtkWidget *handle = conduit_graph_link_new (link, label);

      g_hash_table_insert (self->handle_of_link, link, handle);
      gtk_widget_insert_after (handle, GTK_WIDGET (self), sibling);
      gtk_widget_set_child_visible (handle, FALSE);
      g_ptr_array_insert (self->handles, position + i, handle);
      sibling = handle;
    }

  _conduit_graph_view_invalidate_links (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_can_undo_changed (ConduitGraphView *self)
{
  _conduit_graph_view_update_actions (self);
}

static void
disconnect_document (ConduitGraphView *self)
{
  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (conduit_flow_get_nodes (self->flow), self);
      g_signal_handlers_disconnect_by_data (conduit_flow_get_links (self->flow), self);
      _conduit_graph_view_notes_detach (self);
      on_links_changed (self, 0, self->handles->len, 0, conduit_flow_get_links (self->flow));
      on_nodes_changed (self, 0, self->cards->len, 0, conduit_flow_get_nodes (self->flow));
    }
  if (self->undo_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->undo_stack, self);

  g_clear_object (&self->undo_stack);
  g_clear_object (&self->flow);
  g_clear_object (&self->document);
}

/**
 * conduit_graph_view_set_document:
 * @self: a graph view
 * @document: (nullable): the document to show and edit
 */
void
conduit_graph_view_set_document (ConduitGraphView *self,
                                 ConduitDocument  *document)
{
  GListModel *nodes, *links;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  _conduit_graph_view_clear_selection_quietly (self);
  _conduit_graph_view_set_link_selected (self, NULL);
  disconnect_document (self);

  if (document != NULL)
    {
      self->document = g_object_ref (document);
      self->flow = g_object_ref (conduit_document_get_flow (document));
      self->undo_stack = g_object_ref (conduit_document_get_undo_stack (document));

      nodes = conduit_flow_get_nodes (self->flow);
      links = conduit_flow_get_links (self->flow);
      on_nodes_changed (self, 0, 0, g_list_model_get_n_items (nodes), nodes);
      on_links_changed (self, 0, 0, g_list_model_get_n_items (links), links);
      _conduit_graph_view_notes_attach (self);
      g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (links, "items-changed", G_CALLBACK (on_links_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->undo_stack, "notify::can-undo",
                               G_CALLBACK (on_can_undo_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->undo_stack, "notify::can-redo",
                               G_CALLBACK (on_can_undo_changed), self, G_CONNECT_SWAPPED);
      self->fit_pending = TRUE;
      self->fit_min_zoom = DETAIL_ZOOM;
    }

  _conduit_graph_view_selection_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

ConduitDocument *
conduit_graph_view_get_document (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->document;
}

ConduitGraphViewport *
conduit_graph_view_get_viewport (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->viewport;
}

static void
read_colors (ConduitGraphView *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg;
  GdkRGBA view;

  gtk_style_context_get_color (context, &fg);
  if (!gtk_style_context_lookup_color (context, "view_bg_color", &view))
    gdk_rgba_parse (&view, "#ffffff");
  if (!gtk_style_context_lookup_color (context, "accent_color", &self->accent_color))
    gdk_rgba_parse (&self->accent_color, "#3584e4");
  if (!gtk_style_context_lookup_color (context, "error_color", &self->error_color))
    gdk_rgba_parse (&self->error_color, "#e01b24");
  if (!gtk_style_context_lookup_color (context, "warning_color", &self->warning_color))
    gdk_rgba_parse (&self->warning_color, "#9c6e03");
  if (!gtk_style_context_lookup_color (context, "card_bg_color", &self->card_color))
    gdk_rgba_parse (&self->card_color, "#ffffff");
  if (!gtk_style_context_lookup_color (context, "card_shade_color", &self->card_border_color))
    gdk_rgba_parse (&self->card_border_color, "rgba(0,0,0,0.07)");
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The minimap lies over links and grid, so it must be opaque; the dark style's card colour is
   * a translucent white, which made it a white box hiding its light shapes. */
  self->minimap_color.red = view.red + (self->card_color.red - view.red) * self->card_color.alpha;
  self->minimap_color.green = view.green + (self->card_color.green - view.green) * self->card_color.alpha;
  self->minimap_color.blue = view.blue + (self->card_color.blue - view.blue) * self->card_color.alpha;
  self->minimap_color.alpha = 1;

  self->link_color = fg;
  self->link_color.alpha = 0.7;
  self->grid_color = fg;
  self->grid_color.alpha = 0.07;
}

static void
conduit_graph_view_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  GTK_WIDGET_CLASS (conduit_graph_view_parent_class)->css_changed (widget, change);

  read_colors (self);
  for (guint i = 0; i < self->chunks->len; i++)
    g_clear_pointer (&((Chunk *)g_ptr_array_index (self->chunks, i))->node, gsk_render_node_unref);
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  gtk_widget_queue_draw (widget);
}

static void
conduit_graph_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = 100;
  *natural = 600;
}

void
_conduit_graph_view_place_child (GtkWidget *child,
                                 double     x,
                                 double     y,
                                 double     zoom,
                                 int        width,
                                 int        height)
{
  GskTransform *transform;

  if (!gtk_widget_get_visible (child))
    gtk_widget_set_visible (child, TRUE);
  gtk_widget_set_child_visible (child, TRUE);
  transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, y));
  transform = gsk_transform_scale (transform, zoom, zoom);
  gtk_widget_allocate (child, width, height, -1, transform);
}

/* The part of the view no sidebar covers: a folded AdwFlap (the inspector or the palette in a
 * narrow window) lies over the canvas, and a flow fitted under it would hide steps. */
static void
uncovered_area (ConduitGraphView *self,
                int               width,
                double           *left,
                double           *right)
{
  *left = 0;
  *right = width;
  for (GtkWidget *w = gtk_widget_get_parent (GTK_WIDGET (self)); w != NULL;
       w = gtk_widget_get_parent (w))
    {
      AdwFlap *flap;
      GtkWidget *sidebar;
      int natural = 0;

      if (!ADW_IS_FLAP (w))
        continue;
      flap = ADW_FLAP (w);
      sidebar = adw_flap_get_flap (flap);
      if (sidebar == NULL || !adw_flap_get_folded (flap) || !adw_flap_get_reveal_flap (flap) ||
          !gtk_widget_get_visible (sidebar) || gtk_widget_is_ancestor (GTK_WIDGET (self), sidebar))
        continue;
      gtk_widget_measure (sidebar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
      natural = MAX (natural, gtk_widget_get_width (sidebar));
      if (adw_flap_get_flap_position (flap) == GTK_PACK_START)
        *left = MAX (*left, natural);
      else
        *right = MIN (*right, width - natural);
    }
  /* a sidebar wider than the canvas leaves nothing: fit to the whole canvas after all */
  if (*right - *left < 160)
    {
      *left = 0;
      *right = width;
    }
}

/* Shows the whole flow in the part of the view no sidebar covers, as large as fits but not below
 * @min_zoom: below it card text is too small to read, so the flow is shown from its start
 * (triggers sit on the left) and the rest stays a pan away. */
static void
fit (ConduitGraphView *self,
     int               width,
     int               height,
     double            min_zoom)
{
  const graphene_rect_t *graph;
  double left, right, zoom;

  self->fit_width = width;
  self->fit_height = height;
  if (self->cards->len == 0)
    return;

  graph = _conduit_graph_view_get_graph_bounds (self);
  uncovered_area (self, width, &left, &right);
  self->fitting = TRUE;
  conduit_graph_viewport_fit (self->viewport, graph->origin.x, graph->origin.y,
                              graph->size.width, graph->size.height, right - left, height, 48);
  zoom = conduit_graph_viewport_get_zoom (self->viewport);
  if (zoom < min_zoom)
    {
      double y = graph->origin.y + graph->size.height / 2 - height / 2.0 / min_zoom;

      zoom = min_zoom;
      conduit_graph_viewport_set_zoom (self->viewport, zoom);
      /* centred when it is short enough, else from its top */
      conduit_graph_viewport_set_origin (self->viewport, graph->origin.x - 48 / zoom,
                                         MIN (y, graph->origin.y - 48 / zoom));
    }
  /* shift the fitted flow right of a sidebar folded over the canvas's start */
  conduit_graph_viewport_set_origin (self->viewport,
                                     conduit_graph_viewport_get_x (self->viewport) - left / zoom,
                                     conduit_graph_viewport_get_y (self->viewport));
  self->fitting = FALSE;
  self->fit_sticky = TRUE;
}

static void
conduit_graph_view_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  double zoom;
  graphene_rect_t visible;

  if (self->fit_pending && width > 1 && height > 1)
    {
      self->fit_pending = FALSE;
      fit (self, width, height, self->fit_min_zoom);
    }
  else if (self->fit_sticky && width > 1 && height > 1 &&
           (width != self->fit_width || height != self->fit_height))
    fit (self, width, height, self->fit_min_zoom);

  zoom = conduit_graph_viewport_get_zoom (self->viewport);
  visible = _conduit_graph_view_visible_canvas_rect (self);
  /* room for the run status above a card */
  graphene_rect_inset (&visible, 0, -30);

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);
      double x, y;

      if (!graphene_rect_intersection (&rect, &visible, NULL) &&
          !gtk_widget_has_focus (GTK_WIDGET (card)))
        {
          gtk_widget_set_child_visible (GTK_WIDGET (card), FALSE);
          continue;
        }

      conduit_graph_viewport_to_widget (self->viewport, rect.origin.x, rect.origin.y, &x, &y);
      _conduit_graph_view_place_child (GTK_WIDGET (card), x, y, zoom,
                                       rect.size.width, rect.size.height);
    }

  _conduit_graph_view_place_handles (self, &visible, zoom);
  _conduit_graph_view_place_notes (self, &visible, zoom);

  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

guint
conduit_graph_view_get_n_shown_cards (ConduitGraphView *self)
{
  guint n = 0;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), 0);

  for (guint i = 0; i < self->cards->len; i++)
    n += gtk_widget_get_child_visible (g_ptr_array_index (self->cards, i));
  return n;
}

static void
on_viewport_changed (ConduitGraphView *self)
{
  /* the user panned or zoomed: a later resize keeps their view */
  if (!self->fitting)
    self->fit_sticky = FALSE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Brings a card into view, for keyboard focus on a card that is off-screen. */
void
_conduit_graph_view_reveal_card (ConduitGraphView *self,
                                 ConduitGraphNode *card)
{
  graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);
  graphene_rect_t visible = _conduit_graph_view_visible_canvas_rect (self);

  if (!graphene_rect_contains_rect (&visible, &rect))
    conduit_graph_viewport_set_origin (self->viewport,
                                       rect.origin.x + (rect.size.width - visible.size.width) / 2,
                                       rect.origin.y + (rect.size.height - visible.size.height) / 2);
  gtk_widget_set_visible (GTK_WIDGET (card), TRUE);
  gtk_widget_set_child_visible (GTK_WIDGET (card), TRUE);
}

/* Whether a card put at (x, y) would overlap none of the cards there (those of @ignore
 * aside), with a little room around so that their ports stay apart. */
gboolean
_conduit_graph_view_spot_is_free (ConduitGraphView *self,
                                  double            x,
                                  double            y,
                                  GPtrArray        *ignore)
{
  graphene_rect_t spot = GRAPHENE_RECT_INIT (x - GRID_STEP / 2, y - GRID_STEP / 2,
                                             CONDUIT_GRAPH_NODE_WIDTH + GRID_STEP,
                                             CONDUIT_GRAPH_NODE_HEADER * 2 + GRID_STEP);

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);

      if (ignore != NULL && g_ptr_array_find (ignore, conduit_graph_node_get_node (card), NULL))
        continue;
      if (graphene_rect_intersection (&spot, &rect, NULL))
        return FALSE;
    }
  return TRUE;
}

/* A free spot for a new card near (x, y): step down-right past cards already there, so that
 * adding several nodes in a row does not stack them — nor land one on another half-covered. */
static void
find_free_spot (ConduitGraphView *self,
                double           *x,
                double           *y)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      if (_conduit_graph_view_spot_is_free (self, *x, *y, NULL))
        return;
      *x += 2 * GRID_STEP;
      *y += 2 * GRID_STEP;
    }
}

static ConduitNode *
add_node_at_canvas (ConduitGraphView *self,
                    const char       *connector_id,
                    double            x,
                    double            y)
{
  ConduitConnector *connector;
  g_autoptr(ConduitNode) node = NULL;
  g_autofree char *id = NULL;

  if (self->flow == NULL)
    return NULL;

  connector = conduit_connector_registry_lookup (self->registry, connector_id);
  if (connector == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no node type “%s”"), connector_id);

      g_signal_emit (self, signals[MESSAGE], 0, message);
      return NULL;
    }

  x = _conduit_graph_view_snap (self, x);
  y = _conduit_graph_view_snap (self, y);
  find_free_spot (self, &x, &y);

  id = conduit_flow_dup_unique_node_id (self->flow, connector_id);
  node = conduit_node_new (id, connector_id);
  conduit_node_set_title (node, conduit_connector_get_name (connector));
  conduit_node_set_position (node, x, y);
  conduit_undo_stack_add_node (self->undo_stack, node);
  conduit_graph_view_select_node (self, node);

  return node;
}

/**
 * conduit_graph_view_add_node:
 * @self: a graph view
 * @connector_id: the type of node
 *
 * Adds a node near the middle of the view, as one undoable step, and selects it.
 *
 * Returns: (transfer none) (nullable): the new node
 */
ConduitNode *
conduit_graph_view_add_node (ConduitGraphView *self,
                             const char       *connector_id)
{
  graphene_rect_t visible;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  g_return_val_if_fail (connector_id != NULL, NULL);

  visible = _conduit_graph_view_visible_canvas_rect (self);
  return add_node_at_canvas (self, connector_id,
                             visible.origin.x + (visible.size.width - CONDUIT_GRAPH_NODE_WIDTH) / 2,
                             visible.origin.y + visible.size.height / 2 - CONDUIT_GRAPH_NODE_HEADER);
}

/**
 * conduit_graph_view_add_node_at:
 * @self: a graph view
 * @connector_id: the type of node
 * @x: where, in widget coordinates (a drop)
 * @y: likewise
 *
 * Returns: (transfer none) (nullable): the new node, selected
 */
ConduitNode *
conduit_graph_view_add_node_at (ConduitGraphView *self,
                                const char       *connector_id,
                                double            x,
                                double            y)
{
  double cx, cy;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  g_return_val_if_fail (connector_id != NULL, NULL);

  conduit_graph_viewport_to_canvas (self->viewport, x, y, &cx, &cy);
  return add_node_at_canvas (self, connector_id,
                             cx - CONDUIT_GRAPH_NODE_WIDTH / 2.0,
                             cy - CONDUIT_GRAPH_NODE_HEADER / 2.0);
}

gboolean
conduit_graph_view_drop (ConduitGraphView *self,
                         const char       *value,
                         double            x,
                         double            y)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), FALSE);

  if (value == NULL || !g_str_has_prefix (value, CONDUIT_GRAPH_VIEW_DROP_PREFIX))
    return FALSE;

  return conduit_graph_view_add_node_at (self, value + strlen (CONDUIT_GRAPH_VIEW_DROP_PREFIX), x,
                                         y) != NULL;
}

static gboolean
on_drop (GtkDropTarget    *target,
         const GValue     *value,
         double            x,
         double            y,
         ConduitGraphView *self)
{
  return conduit_graph_view_drop (self, g_value_get_string (value), x, y);
}

void
conduit_graph_view_zoom_to_fit (ConduitGraphView *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  if (self->cards->len == 0)
    return;

  /* Fit never goes below the zoom where cards show their content: a big flow shows its start
   * readable, and the minimap and panning reach the rest. */
  self->fit_min_zoom = DETAIL_ZOOM;
  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 1)
    {
      self->fit_pending = TRUE;
      return;
    }
  fit (self, gtk_widget_get_width (GTK_WIDGET (self)), gtk_widget_get_height (GTK_WIDGET (self)),
       DETAIL_ZOOM);
}

gboolean
conduit_graph_view_get_snap_to_grid (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), FALSE);
  return self->snap_to_grid;
}

void
conduit_graph_view_set_snap_to_grid (ConduitGraphView *self,
                                     gboolean          snap_to_grid)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  snap_to_grid = !!snap_to_grid;
  if (self->snap_to_grid == snap_to_grid)
    return;
  self->snap_to_grid = snap_to_grid;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAP_TO_GRID]);
}

/**
 * conduit_graph_view_set_node_status:
 * @self: a graph view
 * @node_id: the node
 * @status: (nullable): "running", "succeeded", "failed", or %NULL to clear
 * @ok: items that went through
 * @failed: items that failed
 * @rejected: items rejected by validation
 */
void
conduit_graph_view_set_node_status (ConduitGraphView *self,
                                    const char       *node_id,
                                    const char       *status,
                                    guint             ok,
                                    guint             failed,
                                    guint             rejected)
{
  ConduitGraphNode *card;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));
  g_return_if_fail (node_id != NULL);

  if ((card = _conduit_graph_view_card_by_id (self, node_id)))
    conduit_graph_node_set_status (card, status, ok, failed, rejected);
}

void
conduit_graph_view_clear_node_statuses (ConduitGraphView *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  for (guint i = 0; i < self->cards->len; i++)
    conduit_graph_node_set_status (g_ptr_array_index (self->cards, i), NULL, 0, 0, 0);
}

static gboolean
conduit_graph_view_focus (GtkWidget        *widget,
                          GtkDirectionType  direction)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  GtkWidget *focus_child = gtk_widget_get_focus_child (widget);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  guint index = G_MAXUINT;
  GtkWidget *next = NULL;

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return FALSE;

  /* Tab goes through the cards in flow order, then the links, even those off-screen */
  g_ptr_array_extend (order, self->cards, NULL, NULL);
  g_ptr_array_extend (order, self->handles, NULL, NULL);
  g_ptr_array_extend (order, self->note_widgets, NULL, NULL);

  if (focus_child != NULL && !CONDUIT_IS_GRAPH_NODE (focus_child)
      && !CONDUIT_IS_GRAPH_LINK (focus_child) && !CONDUIT_IS_GRAPH_NOTE (focus_child))
    return gtk_widget_child_focus (focus_child, direction);

  if (focus_child != NULL)
    g_ptr_array_find (order, focus_child, &index);

  if (direction == GTK_DIR_TAB_FORWARD)
    {
      if (!gtk_widget_is_focus (widget) && focus_child == NULL)
        {
          gtk_widget_grab_focus (widget);
          return TRUE;
        }
      if (index == G_MAXUINT)
        next = order->len > 0 ? g_ptr_array_index (order, 0) : NULL;
      else if (index + 1 < order->len)
        next = g_ptr_array_index (order, index + 1);
    }
  else
    {
      if (gtk_widget_is_focus (widget))
        return FALSE;
      if (focus_child == NULL)
        next = order->len > 0 ? g_ptr_array_index (order, order->len - 1) : NULL;
      else if (index != G_MAXUINT && index > 0)
        next = g_ptr_array_index (order, index - 1);
      else
        {
          gtk_widget_grab_focus (widget);
          return TRUE;
        }
    }

  if (next == NULL)
    return FALSE;

  if (CONDUIT_IS_GRAPH_NODE (next))
    _conduit_graph_view_reveal_card (self, CONDUIT_GRAPH_NODE (next));
  else if (CONDUIT_IS_GRAPH_NOTE (next))
    {
      ConduitNote *note = conduit_graph_note_get_note (CONDUIT_GRAPH_NOTE (next));
      graphene_rect_t rect = _conduit_graph_view_note_canvas_rect (note);
      graphene_rect_t visible = _conduit_graph_view_visible_canvas_rect (self);

      if (!graphene_rect_contains_rect (&visible, &rect))
        conduit_graph_viewport_set_origin (self->viewport,
                                           rect.origin.x + (rect.size.width - visible.size.width) / 2,
                                           rect.origin.y + (rect.size.height - visible.size.height) / 2);
      gtk_widget_set_child_visible (next, TRUE);
    }
  else
    {
      ConduitLink *link = conduit_graph_link_get_link (CONDUIT_GRAPH_LINK (next));
      const char *from_id = conduit_link_get_from_node (link);
      ConduitGraphNode *from = _conduit_graph_view_card_by_id (self, from_id);

      if (from != NULL)
        _conduit_graph_view_reveal_card (self, from);
      gtk_widget_set_child_visible (next, TRUE);
    }
  return gtk_widget_grab_focus (next);
}

static void
conduit_graph_view_set_focus_child (GtkWidget *widget,
                                    GtkWidget *child)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  GTK_WIDGET_CLASS (conduit_graph_view_parent_class)->set_focus_child (widget, child);

  /* a card reached by Tab becomes the selection; one clicked into a group stays in it */
  if (child != NULL && CONDUIT_IS_GRAPH_NODE (child) && self->drag_mode == DRAG_NONE)
    {
      ConduitNode *node = conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (child));

      if (!_conduit_graph_view_is_selected (self, node))
        conduit_graph_view_select_node (self, node);
    }
  else if (child != NULL && CONDUIT_IS_GRAPH_NOTE (child) && self->drag_mode == DRAG_NONE)
    {
      ConduitNote *note = conduit_graph_note_get_note (CONDUIT_GRAPH_NOTE (child));

      if (!conduit_graph_note_get_selected (CONDUIT_GRAPH_NOTE (child)))
        {
          conduit_graph_view_select_node (self, NULL);
          _conduit_graph_view_set_note_selected (self, note, TRUE);
          _conduit_graph_view_selection_changed (self);
        }
    }
  else if (child != NULL && CONDUIT_IS_GRAPH_LINK (child) && self->drag_mode == DRAG_NONE)
    {
      ConduitLink *link = conduit_graph_link_get_link (CONDUIT_GRAPH_LINK (child));

      if (self->selected_link != link)
        conduit_graph_view_select_link (self, link);
    }
}

void
_conduit_graph_view_emit_message (ConduitGraphView *self,
                                  const char       *message)
{
  g_signal_emit (self, signals[MESSAGE], 0, message);
}

void
_conduit_graph_view_emit_node_activated (ConduitGraphView *self,
                                         ConduitNode      *node)
{
  g_signal_emit (self, signals[NODE_ACTIVATED], 0, node);
}

static void
conduit_graph_view_dispose (GObject *object)
{
  ConduitGraphView *self = (ConduitGraphView *)object;

  _conduit_graph_view_clear_popover (self);
  _conduit_graph_view_clear_selection_quietly (self);
  _conduit_graph_view_set_link_selected (self, NULL);
  _conduit_graph_view_end_connection (self);
  disconnect_document (self);
  g_clear_object (&self->viewport);
  if (self->card_textures != NULL)
    g_hash_table_remove_all (self->card_textures);

  G_OBJECT_CLASS (conduit_graph_view_parent_class)->dispose (object);
}

static void
conduit_graph_view_finalize (GObject *object)
{
  ConduitGraphView *self = (ConduitGraphView *)object;

  g_clear_pointer (&self->cards, g_ptr_array_unref);
  g_clear_pointer (&self->handles, g_ptr_array_unref);
  g_clear_pointer (&self->card_of_node, g_hash_table_unref);
  g_clear_pointer (&self->handle_of_link, g_hash_table_unref);
  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->chunk_of_link, g_hash_table_unref);
  g_clear_pointer (&self->links_of_node, g_hash_table_unref);
  g_clear_pointer (&self->link_ends, g_hash_table_unref);
  g_clear_pointer (&self->shown_handles, g_ptr_array_unref);
  _conduit_graph_view_notes_finalize (self);
  g_clear_pointer (&self->card_textures, g_hash_table_unref);
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  g_clear_pointer (&self->drag_origins, g_array_unref);
  g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
  g_clear_object (&self->selection);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (conduit_graph_view_parent_class)->finalize (object);
}

static void
conduit_graph_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_SELECTED_NODE:
      g_value_set_object (value, self->reported_selected);
      break;
    case PROP_SNAP_TO_GRID:
      g_value_set_boolean (value, self->snap_to_grid);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_graph_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      conduit_graph_view_set_document (self, g_value_get_object (value));
      break;
    case PROP_SNAP_TO_GRID:
      conduit_graph_view_set_snap_to_grid (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_graph_view_class_init (ConduitGraphViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_graph_view_dispose;
  object_class->finalize = conduit_graph_view_finalize;
  object_class->get_property = conduit_graph_view_get_property;
  object_class->set_property = conduit_graph_view_set_property;

  widget_class->measure = conduit_graph_view_measure;
  widget_class->size_allocate = conduit_graph_view_size_allocate;
  widget_class->snapshot = _conduit_graph_view_snapshot;
  widget_class->css_changed = conduit_graph_view_css_changed;
  widget_class->focus = conduit_graph_view_focus;
  widget_class->set_focus_child = conduit_graph_view_set_focus_child;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CONDUIT_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SELECTED_NODE] =
    g_param_spec_object ("selected-node", NULL, NULL, CONDUIT_TYPE_NODE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SNAP_TO_GRID] =
    g_param_spec_boolean ("snap-to-grid", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConduitGraphView::node-activated:
   * @node: the node
   *
   * A node was double-clicked or Enter was pressed on it: show its settings.
   */
  signals[NODE_ACTIVATED] =
    g_signal_new ("node-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONDUIT_TYPE_NODE);

  /**
   * ConduitGraphView::message:
   * @message: a sentence for the person
   *
   * Something the person tried was refused (a link that would loop, a paste of something
   * that is not nodes): the window shows @message in a toast.
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  _conduit_graph_view_class_actions_init (widget_class);
  _conduit_graph_view_class_notes_init (widget_class);
  _conduit_graph_view_class_layout_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "graphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (CONDUIT_TYPE_GRAPH_NODE);
}

static void
conduit_graph_view_init (ConduitGraphView *self)
{
  GtkDropTarget *drop;

  self->registry = g_object_ref (conduit_connector_registry_get_default ());
  self->viewport = conduit_graph_viewport_new ();
  self->fit_min_zoom = DETAIL_ZOOM;
  self->cards = g_ptr_array_new ();
  self->handles = g_ptr_array_new ();
  self->card_of_node = g_hash_table_new (NULL, NULL);
  self->handle_of_link = g_hash_table_new (NULL, NULL);
  self->selection = g_list_store_new (CONDUIT_TYPE_NODE);
  self->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify)_conduit_graph_view_chunk_free);
  self->chunk_of_link = g_hash_table_new (NULL, NULL);
  self->links_of_node = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify)g_ptr_array_unref);
  self->drag_origins = g_array_new (FALSE, FALSE, sizeof (Origin));
  self->link_ends = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->shown_handles = g_ptr_array_new ();
  _conduit_graph_view_notes_init (self);
  self->card_textures = g_hash_table_new_full (NULL, NULL, NULL,
                                               _conduit_graph_view_card_texture_free);

  g_signal_connect_object (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow diagram"),
                                  -1);

  _conduit_graph_view_init_gestures (self);

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  read_colors (self);
  _conduit_graph_view_update_actions (self);
}

GtkWidget *
conduit_graph_view_new (void)
{
  return g_object_new (CONDUIT_TYPE_GRAPH_VIEW, NULL);
}
