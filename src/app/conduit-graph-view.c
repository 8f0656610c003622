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

#define GRID_STEP       20.0
#define CHUNK_SIZE      800.0
#define LINK_WIDTH      2.5
#define HIT_TOLERANCE   6.0
#define DRAG_THRESHOLD  4.0
#define ZOOM_STEP       1.2
#define MINIMAP_WIDTH   200.0
#define MINIMAP_HEIGHT  130.0
#define MINIMAP_MARGIN  12.0
#define NUDGE_STEP      GRID_STEP
#define MAX_CONNECT_TARGETS 24
#define HANDLE_SIZE     14
/* Below this zoom a card's text is too small to read, so cards are drawn as plain shapes:
 * a tenth of the cost when a hundred of them are on screen. */
#define DETAIL_ZOOM     0.5
/* The least zoom a flow opens at, where card text is still comfortable to read. */
#define OPEN_ZOOM       0.8

typedef enum
{
  DRAG_NONE,
  DRAG_PAN,
  DRAG_MOVE,
  DRAG_CONNECT,
  DRAG_RECONNECT,
  DRAG_RUBBER_BAND,
  DRAG_MINIMAP,
} DragMode;

typedef struct
{
  GPtrArray       *links;   /* of ConduitLink, borrowed from the flow */
  graphene_rect_t  bounds;
  GskRenderNode   *node;    /* NULL while it must be drawn again */
} Chunk;

typedef struct
{
  ConduitNode *node;
  double       x, y;
} Origin;

/* Where a link's ends sit on its cards, found once per change of the links rather than
 * with two id lookups and a port search every frame. */
typedef struct
{
  ConduitNode *from, *to;
  double       from_x, from_y, to_x, to_y;   /* offsets from the cards' corners */
} LinkEnds;

struct _ConduitGraphView
{
  GtkWidget                 parent_instance;

  ConduitDocument          *document;
  ConduitFlow              *flow;
  ConduitUndoStack         *undo_stack;
  ConduitConnectorRegistry *registry;
  ConduitGraphViewport     *viewport;

  GPtrArray                *cards;          /* of ConduitGraphNode, in flow order */
  GHashTable               *card_of_node;   /* ConduitNode → ConduitGraphNode */
  GPtrArray                *handles;        /* of ConduitGraphLink, in flow order */
  GHashTable               *handle_of_link; /* ConduitLink → ConduitGraphLink */
  GListStore               *selection;      /* of ConduitNode */
  ConduitLink              *selected_link;
  ConduitNode              *reported_selected;

  /* the link cache */
  GPtrArray                *chunks;         /* of Chunk */
  GHashTable               *chunk_of_link;  /* ConduitLink → Chunk */
  GHashTable               *links_of_node;  /* node id → GPtrArray of ConduitLink */
  GHashTable               *link_ends;      /* ConduitLink → LinkEnds */
  GPtrArray                *shown_handles;  /* of ConduitGraphLink, child-visible now */
  gboolean                  chunks_valid;
  GskRenderNode            *minimap_node;
  graphene_rect_t           minimap_bounds; /* the canvas area the minimap shows */
  graphene_rect_t           graph_bounds;
  gboolean                  graph_bounds_valid;

  /* colours from the style, for what cairo draws */
  GdkRGBA                   link_color;
  GdkRGBA                   accent_color;
  GdkRGBA                   error_color;
  GdkRGBA                   grid_color;
  GdkRGBA                   card_color;
  GdkRGBA                   card_border_color;
  GdkRGBA                   warning_color;

  /* the drag in progress */
  DragMode                  drag_mode;
  double                    drag_x, drag_y;           /* where it began, widget coordinates */
  double                    drag_dx, drag_dy;
  double                    drag_origin_x, drag_origin_y;  /* the viewport when it began */
  GArray                   *drag_origins;             /* of Origin */
  ConduitGraphPort         *drag_port;                /* where a new link starts */
  ConduitLink              *detached;                 /* the link whose end is dragged */
  ConduitGraphPort         *hover_port;
  gboolean                  hover_ok;
  GdkModifierType           drag_modifiers;
  GPtrArray                *rubber_base;              /* selection before the band */

  double                    pointer_x, pointer_y;
  double                    zoom_gesture_start;

  GtkWidget                 *popover;
  GtkWidget                 *rename_entry;
  ConduitNode               *renaming;

  guint                     snap_to_grid : 1;
  guint                     fit_pending : 1;
  guint                     naive : 1;
};

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

static void update_actions (ConduitGraphView *self);
static void invalidate_links (ConduitGraphView *self);

static void
chunk_free (Chunk *chunk)
{
  g_ptr_array_unref (chunk->links);
  g_clear_pointer (&chunk->node, gsk_render_node_unref);
  g_free (chunk);
}

/* ------------------------------------------------------------------------------------------ */
/* Geometry                                                                                    */

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

static ConduitGraphNode *
card_by_id (ConduitGraphView *self,
            const char       *node_id)
{
  ConduitNode *node = self->flow ? conduit_flow_lookup_node (self->flow, node_id) : NULL;

  return conduit_graph_view_get_card (self, node);
}

static const char *
card_title (ConduitGraphNode *card)
{
  ConduitNode *node = conduit_graph_node_get_node (card);
  ConduitConnector *connector = conduit_graph_node_get_connector (card);
  const char *title = conduit_node_get_title (node);

  if (title != NULL && *title != '\0')
    return title;
  return connector ? conduit_connector_get_name (connector) : conduit_node_get_id (node);
}

/* Where a port is, in canvas units. */
static gboolean
port_canvas_point (ConduitGraphView *self,
                   ConduitGraphNode *card,
                   gboolean          is_output,
                   const char       *port_id,
                   double           *x,
                   double           *y)
{
  ConduitNode *node;
  double ax, ay;

  if (card == NULL || !conduit_graph_node_get_port_anchor (card, is_output, port_id, &ax, &ay))
    return FALSE;

  node = conduit_graph_node_get_node (card);
  *x = conduit_node_get_x (node) + ax;
  *y = conduit_node_get_y (node) + ay;
  return TRUE;
}

gboolean
conduit_graph_view_get_port_point (ConduitGraphView *self,
                                   ConduitNode      *node,
                                   gboolean          is_output,
                                   const char       *port_id,
                                   double           *x,
                                   double           *y)
{
  double cx, cy;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), FALSE);

  if (!port_canvas_point (self, conduit_graph_view_get_card (self, node), is_output, port_id, &cx,
                          &cy))
    return FALSE;
  conduit_graph_viewport_to_widget (self->viewport, cx, cy, x, y);
  return TRUE;
}

static gboolean
link_ends (ConduitGraphView *self,
           ConduitLink      *link,
           double            ends[4])
{
  LinkEnds *cached;

  if (self->chunks_valid && (cached = g_hash_table_lookup (self->link_ends, link)))
    {
      ends[0] = conduit_node_get_x (cached->from) + cached->from_x;
      ends[1] = conduit_node_get_y (cached->from) + cached->from_y;
      ends[2] = conduit_node_get_x (cached->to) + cached->to_x;
      ends[3] = conduit_node_get_y (cached->to) + cached->to_y;
      return TRUE;
    }

  return port_canvas_point (self, card_by_id (self, conduit_link_get_from_node (link)), TRUE,
                            conduit_link_get_from_port (link), &ends[0], &ends[1]) &&
         port_canvas_point (self, card_by_id (self, conduit_link_get_to_node (link)), FALSE,
                            conduit_link_get_to_port (link), &ends[2], &ends[3]);
}

/* The control points of the curve from an output (x1, y1) to an input (x2, y2): leave the
 * output going right and arrive at the input from the left, further out for a link that
 * runs backwards. */
static void
curve_controls (const double ends[4],
                double       controls[4])
{
  double dx = ends[2] - ends[0];
  double reach = dx >= 0 ? MAX (40, dx / 2) : MAX (80, -dx / 2);

  controls[0] = ends[0] + reach;
  controls[1] = ends[1];
  controls[2] = ends[2] - reach;
  controls[3] = ends[3];
}

static void
curve_point (const double ends[4],
             const double c[4],
             double       t,
             double      *x,
             double      *y)
{
  double u = 1 - t;

  *x = u * u * u * ends[0] + 3 * u * u * t * c[0] + 3 * u * t * t * c[2] + t * t * t * ends[2];
  *y = u * u * u * ends[1] + 3 * u * u * t * c[1] + 3 * u * t * t * c[3] + t * t * t * ends[3];
}

static graphene_rect_t
curve_bounds (const double ends[4],
              const double c[4])
{
  double x0 = MIN (MIN (ends[0], ends[2]), MIN (c[0], c[2])) - LINK_WIDTH * 2;
  double x1 = MAX (MAX (ends[0], ends[2]), MAX (c[0], c[2])) + LINK_WIDTH * 2;
  double y0 = MIN (ends[1], ends[3]) - LINK_WIDTH * 2;
  double y1 = MAX (ends[1], ends[3]) + LINK_WIDTH * 2;

  return GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);
}

static graphene_rect_t
visible_canvas_rect (ConduitGraphView *self)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);

  return GRAPHENE_RECT_INIT (conduit_graph_viewport_get_x (self->viewport),
                             conduit_graph_viewport_get_y (self->viewport),
                             gtk_widget_get_width (GTK_WIDGET (self)) / zoom,
                             gtk_widget_get_height (GTK_WIDGET (self)) / zoom);
}

static graphene_rect_t
card_canvas_rect (ConduitGraphNode *card)
{
  ConduitNode *node = conduit_graph_node_get_node (card);

  return GRAPHENE_RECT_INIT (conduit_node_get_x (node), conduit_node_get_y (node),
                             CONDUIT_GRAPH_NODE_WIDTH, conduit_graph_node_get_height (card));
}

static const graphene_rect_t *
get_graph_bounds (ConduitGraphView *self)
{
  if (!self->graph_bounds_valid)
    {
      graphene_rect_init (&self->graph_bounds, 0, 0, 0, 0);
      for (guint i = 0; i < self->cards->len; i++)
        {
          graphene_rect_t rect = card_canvas_rect (g_ptr_array_index (self->cards, i));

          if (i == 0)
            self->graph_bounds = rect;
          else
            graphene_rect_union (&self->graph_bounds, &rect, &self->graph_bounds);
        }
      self->graph_bounds_valid = TRUE;
    }
  return &self->graph_bounds;
}

static double
snap (ConduitGraphView *self,
      double            value)
{
  return self->snap_to_grid ? round (value / GRID_STEP) * GRID_STEP : value;
}

/* ------------------------------------------------------------------------------------------ */
/* Selection                                                                                   */

static gboolean
is_selected (ConduitGraphView *self,
             ConduitNode      *node)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);

  return card != NULL && conduit_graph_node_get_selected (card);
}

static void
selection_changed (ConduitGraphView *self)
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

  update_actions (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_link_selected (ConduitGraphView *self,
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

static void
clear_selection_quietly (ConduitGraphView *self)
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
}

static void
set_node_selected (ConduitGraphView *self,
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

  clear_selection_quietly (self);
  set_link_selected (self, NULL);
  if (node != NULL)
    set_node_selected (self, node, TRUE);
  selection_changed (self);
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

  clear_selection_quietly (self);
  set_link_selected (self, link);
  selection_changed (self);
}

static GPtrArray *
dup_selection (ConduitGraphView *self)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (nodes, g_list_model_get_item (G_LIST_MODEL (self->selection), i));
  return nodes;
}

/* ------------------------------------------------------------------------------------------ */
/* Following the flow                                                                          */

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
      g_ptr_array_insert (self->cards, position + i, card);
      check_node (self, node);
      sibling = card;
    }

  self->graph_bounds_valid = FALSE;
  g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
  invalidate_links (self);
  if (removed > 0)
    selection_changed (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static char *
describe_link (ConduitGraphView *self,
               ConduitLink      *link)
{
  ConduitGraphNode *from = card_by_id (self, conduit_link_get_from_node (link));
  ConduitGraphNode *to = card_by_id (self, conduit_link_get_to_node (link));
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
        set_link_selected (self, NULL);
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

  invalidate_links (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_can_undo_changed (ConduitGraphView *self)
{
  update_actions (self);
}

static void
disconnect_document (ConduitGraphView *self)
{
  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (conduit_flow_get_nodes (self->flow), self);
      g_signal_handlers_disconnect_by_data (conduit_flow_get_links (self->flow), self);
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

  clear_selection_quietly (self);
  set_link_selected (self, NULL);
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
      g_signal_connect_object (nodes, "items-changed", G_CALLBACK (on_nodes_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (links, "items-changed", G_CALLBACK (on_links_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->undo_stack, "notify::can-undo",
                               G_CALLBACK (on_can_undo_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->undo_stack, "notify::can-redo",
                               G_CALLBACK (on_can_undo_changed), self, G_CONNECT_SWAPPED);
      self->fit_pending = TRUE;
    }

  selection_changed (self);
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

/* ------------------------------------------------------------------------------------------ */
/* Link drawing                                                                                */

static void
invalidate_links (ConduitGraphView *self)
{
  self->chunks_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
add_link_to_index (GHashTable  *index,
                   const char  *node_id,
                   ConduitLink *link)
{
  GPtrArray *links = g_hash_table_lookup (index, node_id);

  if (links == NULL)
    {
      links = g_ptr_array_new ();
      g_hash_table_insert (index, (char *)node_id, links);
    }
  g_ptr_array_add (links, link);
}

/* Sorts the links into chunks by where their middle is. Membership stays until the links
 * themselves change; a chunk whose link moved only loses its recording. */
static void
build_chunks (ConduitGraphView *self)
{
  g_autoptr(GHashTable) by_tile = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_ptr_array_set_size (self->chunks, 0);
  g_hash_table_remove_all (self->chunk_of_link);
  g_hash_table_remove_all (self->links_of_node);
  g_hash_table_remove_all (self->link_ends);

  g_array_set_size (keys, self->handles->len);
  for (guint i = 0; i < self->handles->len; i++)
    {
      ConduitLink *link = conduit_graph_link_get_link (g_ptr_array_index (self->handles, i));
      gint64 *key = &g_array_index (keys, gint64, i);
      double ends[4];
      Chunk *chunk;

      add_link_to_index (self->links_of_node, conduit_link_get_from_node (link), link);
      add_link_to_index (self->links_of_node, conduit_link_get_to_node (link), link);

      if (!link_ends (self, link, ends))
        continue;

      {
        LinkEnds *cached = g_new (LinkEnds, 1);

        cached->from =
          conduit_graph_node_get_node (card_by_id (self, conduit_link_get_from_node (link)));
        cached->to =
          conduit_graph_node_get_node (card_by_id (self, conduit_link_get_to_node (link)));
        cached->from_x = ends[0] - conduit_node_get_x (cached->from);
        cached->from_y = ends[1] - conduit_node_get_y (cached->from);
        cached->to_x = ends[2] - conduit_node_get_x (cached->to);
        cached->to_y = ends[3] - conduit_node_get_y (cached->to);
        g_hash_table_insert (self->link_ends, link, cached);
      }

      *key = ((gint64)floor ((ends[0] + ends[2]) / 2 / CHUNK_SIZE) << 32) ^
             (gint64)(guint32)(gint32)floor ((ends[1] + ends[3]) / 2 / CHUNK_SIZE);
      chunk = g_hash_table_lookup (by_tile, key);
      if (chunk == NULL)
        {
          chunk = g_new0 (Chunk, 1);
          chunk->links = g_ptr_array_new ();
          g_ptr_array_add (self->chunks, chunk);
          g_hash_table_insert (by_tile, key, chunk);
        }
      g_ptr_array_add (chunk->links, link);
      g_hash_table_insert (self->chunk_of_link, link, chunk);
    }

  self->chunks_valid = TRUE;
}

static gboolean
link_is_error (ConduitGraphView *self,
               ConduitLink      *link)
{
  ConduitGraphNode *from = card_by_id (self, conduit_link_get_from_node (link));
  ConduitGraphPort *port =
    from ? conduit_graph_node_get_port (from, TRUE, conduit_link_get_from_port (link)) : NULL;

  return port != NULL && conduit_graph_port_get_is_error (port);
}

/* Draws @links in canvas units: one path per colour, stroked once. */
static void
draw_links (ConduitGraphView *self,
            cairo_t          *cr,
            GPtrArray        *links,
            const GdkRGBA    *color,
            graphene_rect_t  *bounds)
{
  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean any = FALSE;

      for (guint i = 0; i < links->len; i++)
        {
          ConduitLink *link = g_ptr_array_index (links, i);
          double ends[4], c[4];

          if (link == self->detached || link_is_error (self, link) != (pass == 1))
            continue;
          if (!link_ends (self, link, ends))
            continue;

          curve_controls (ends, c);
          cairo_move_to (cr, ends[0], ends[1]);
          cairo_curve_to (cr, c[0], c[1], c[2], c[3], ends[2], ends[3]);
          any = TRUE;

          if (bounds != NULL)
            {
              graphene_rect_t rect = curve_bounds (ends, c);

              if (bounds->size.width == 0)
                *bounds = rect;
              else
                graphene_rect_union (bounds, &rect, bounds);
            }
        }

      if (!any)
        continue;

      cairo_set_line_width (cr, LINK_WIDTH);
      if (pass == 1 && color == NULL)
        {
          static const double dashes[] = { 6, 4 };

          cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
          gdk_cairo_set_source_rgba (cr, &self->error_color);
        }
      else
        {
          cairo_set_dash (cr, NULL, 0, 0);
          gdk_cairo_set_source_rgba (cr, color ? color : &self->link_color);
        }
      cairo_stroke (cr);
    }
}

static void
chunk_record (ConduitGraphView *self,
              Chunk            *chunk)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, 0, 0);
  cairo_surface_t *surface;
  cairo_t *cr;

  /* bounds first, from a throwaway context, because a cairo node needs them up front */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1, 1);
  cr = cairo_create (surface);
  draw_links (self, cr, chunk->links, NULL, &bounds);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  chunk->bounds = bounds;
  if (bounds.size.width <= 0 || bounds.size.height <= 0)
    {
      chunk->node = gsk_container_node_new (NULL, 0);
      return;
    }

  chunk->node = gsk_cairo_node_new (&bounds);
  cr = gsk_cairo_node_get_draw_context (chunk->node);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  draw_links (self, cr, chunk->links, NULL, NULL);
  cairo_destroy (cr);
}

static void
push_canvas_transform (ConduitGraphView *self,
                       GtkSnapshot      *snapshot)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double x = conduit_graph_viewport_get_x (self->viewport);
  double y = conduit_graph_viewport_get_y (self->viewport);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-x * zoom, -y * zoom));
  gtk_snapshot_scale (snapshot, zoom, zoom);
}

static void
snapshot_links (ConduitGraphView *self,
                GtkSnapshot      *snapshot)
{
  graphene_rect_t visible = visible_canvas_rect (self);
  g_autoptr(GPtrArray) highlighted = g_ptr_array_new ();

  if (!self->chunks_valid)
    build_chunks (self);

  push_canvas_transform (self, snapshot);

  if (self->naive)
    {
      /* the benchmark's baseline: every link, drawn again each frame */
      g_autoptr(GPtrArray) all = g_ptr_array_new ();
      const graphene_rect_t *graph = get_graph_bounds (self);
      cairo_t *cr;

      for (guint i = 0; i < self->handles->len; i++)
        g_ptr_array_add (all, conduit_graph_link_get_link (g_ptr_array_index (self->handles, i)));
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (graph->origin.x - 200,
                                                                     graph->origin.y - 200,
                                                                     graph->size.width + 400,
                                                                     graph->size.height + 400));
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      draw_links (self, cr, all, NULL, NULL);
      cairo_destroy (cr);
    }
  else
    {
      for (guint i = 0; i < self->chunks->len; i++)
        {
          Chunk *chunk = g_ptr_array_index (self->chunks, i);

          if (chunk->node == NULL)
            chunk_record (self, chunk);
          if (graphene_rect_intersection (&chunk->bounds, &visible, NULL))
            gtk_snapshot_append_node (snapshot, chunk->node);
        }
    }

  /* the selected link and the links of selected nodes, on top in the accent colour */
  if (self->selected_link != NULL)
    g_ptr_array_add (highlighted, self->selected_link);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->selection), i);
      GPtrArray *links = g_hash_table_lookup (self->links_of_node, conduit_node_get_id (node));

      if (links != NULL)
        g_ptr_array_extend (highlighted, links, NULL, NULL);
    }
  if (highlighted->len > 0)
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &visible);

      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      draw_links (self, cr, highlighted, &self->accent_color, NULL);
      cairo_destroy (cr);
    }

  gtk_snapshot_restore (snapshot);
}

/* The link being drawn or reconnected, from its fixed end to the pointer. */
static void
snapshot_pending_link (ConduitGraphView *self,
                       GtkSnapshot      *snapshot)
{
  double fixed_x, fixed_y, ends[4], c[4];
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  gboolean from_output;
  cairo_t *cr;

  if (self->drag_port == NULL)
    return;

  from_output = conduit_graph_port_get_is_output (self->drag_port);
  if (!conduit_graph_view_get_port_point (self, conduit_graph_port_get_node (self->drag_port),
                                          from_output,
                                          conduit_graph_port_get_port_id (self->drag_port),
                                          &fixed_x, &fixed_y))
    return;

  if (from_output)
    {
      ends[0] = fixed_x; ends[1] = fixed_y;
      ends[2] = self->drag_x + self->drag_dx; ends[3] = self->drag_y + self->drag_dy;
    }
  else
    {
      ends[0] = self->drag_x + self->drag_dx; ends[1] = self->drag_y + self->drag_dy;
      ends[2] = fixed_x; ends[3] = fixed_y;
    }
  curve_controls (ends, c);

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (0, 0,
                                                       gtk_widget_get_width (GTK_WIDGET (self)),
                                                       gtk_widget_get_height (GTK_WIDGET (self))));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width (cr, LINK_WIDTH * zoom);
  if (self->hover_port != NULL && !self->hover_ok)
    {
      static const double dashes[] = { 4, 4 };

      cairo_set_dash (cr, dashes, G_N_ELEMENTS (dashes), 0);
      gdk_cairo_set_source_rgba (cr, &self->error_color);
    }
  else
    gdk_cairo_set_source_rgba (cr, &self->accent_color);
  cairo_move_to (cr, ends[0], ends[1]);
  cairo_curve_to (cr, c[0], c[1], c[2], c[3], ends[2], ends[3]);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
snapshot_grid (ConduitGraphView *self,
               GtkSnapshot      *snapshot)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double step = GRID_STEP * zoom;
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  double ox, oy;

  while (step < 12)
    step *= 5;   /* a grid finer than this is noise */

  ox = -fmod (conduit_graph_viewport_get_x (self->viewport) * zoom, step);
  oy = -fmod (conduit_graph_viewport_get_y (self->viewport) * zoom, step);
  if (ox > 0)
    ox -= step;
  if (oy > 0)
    oy -= step;

  /* whole-pixel lines: the renderer fills them without antialiasing, much faster than a
   * repeat pattern */
  for (double x = ox; x < width; x += step)
    gtk_snapshot_append_color (snapshot, &self->grid_color,
                               &GRAPHENE_RECT_INIT (round (x), 0, 1, height));
  for (double y = oy; y < height; y += step)
    gtk_snapshot_append_color (snapshot, &self->grid_color,
                               &GRAPHENE_RECT_INIT (0, round (y), width, 1));
}

static gboolean
minimap_rect (ConduitGraphView *self,
              graphene_rect_t  *rect)
{
  graphene_rect_t visible = visible_canvas_rect (self);
  const graphene_rect_t *graph = get_graph_bounds (self);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->cards->len == 0 || graphene_rect_contains_rect (&visible, graph) ||
      width < MINIMAP_WIDTH * 2.5 || height < MINIMAP_HEIGHT * 2.5)
    return FALSE;

  graphene_rect_init (rect, width - MINIMAP_WIDTH - MINIMAP_MARGIN,
                      height - MINIMAP_HEIGHT - MINIMAP_MARGIN, MINIMAP_WIDTH, MINIMAP_HEIGHT);
  return TRUE;
}

/* The minimap maps the graph's bounds, with room around, into its box. */
static void
minimap_transform (ConduitGraphView      *self,
                   const graphene_rect_t *box,
                   double                *scale,
                   double                *ox,
                   double                *oy)
{
  graphene_rect_t area;

  graphene_rect_inset_r (get_graph_bounds (self), -100, -100, &area);
  *scale = MIN (box->size.width / area.size.width, box->size.height / area.size.height);
  *ox = box->origin.x + (box->size.width - area.size.width * *scale) / 2 - area.origin.x * *scale;
  *oy = box->origin.y + (box->size.height - area.size.height * *scale) / 2 - area.origin.y * *scale;
}

static void
snapshot_minimap (ConduitGraphView *self,
                  GtkSnapshot      *snapshot)
{
  graphene_rect_t box, visible = visible_canvas_rect (self);
  double scale, ox, oy;

  if (!minimap_rect (self, &box))
    return;

  minimap_transform (self, &box, &scale, &ox, &oy);

  if (self->minimap_node == NULL || !graphene_rect_equal (&box,
                                                          &self->minimap_bounds) || self->naive)
    {
      g_autoptr(GtkSnapshot) inner = gtk_snapshot_new ();
      GdkRGBA background = self->card_color;
      GdkRGBA shape = self->link_color;
      GdkRGBA edge = self->link_color;
      cairo_t *cr;

      /* over the grid and links, so it must be opaque: the card colour can be translucent */
      background.alpha = 1;
      shape.alpha = 0.35;
      edge.alpha = 0.3;
      gtk_snapshot_append_color (inner, &self->grid_color, &box);
      gtk_snapshot_append_color (inner, &background, &box);
      gtk_snapshot_append_border (inner, &GSK_ROUNDED_RECT_INIT (box.origin.x, box.origin.y,
                                                                 box.size.width, box.size.height),
                                  (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { edge, edge, edge, edge });
      cr = gtk_snapshot_append_cairo (inner, &box);
      for (guint i = 0; i < self->cards->len; i++)
        {
          graphene_rect_t r = card_canvas_rect (g_ptr_array_index (self->cards, i));

          cairo_rectangle (cr, ox + r.origin.x * scale, oy + r.origin.y * scale,
                           MAX (1, r.size.width * scale), MAX (1, r.size.height * scale));
        }
      gdk_cairo_set_source_rgba (cr, &shape);
      cairo_fill (cr);
      cairo_destroy (cr);

      g_clear_pointer (&self->minimap_node, gsk_render_node_unref);
      self->minimap_node = gtk_snapshot_free_to_node (g_steal_pointer (&inner));
      self->minimap_bounds = box;
    }

  gtk_snapshot_push_clip (snapshot, &box);
  gtk_snapshot_append_node (snapshot, self->minimap_node);
  gtk_snapshot_append_border (snapshot,
                              &GSK_ROUNDED_RECT_INIT (ox + visible.origin.x * scale,
                                                      oy + visible.origin.y * scale,
                                                      visible.size.width * scale,
                                                      visible.size.height * scale),
                              (float[4]) { 2, 2, 2, 2 },
                              (GdkRGBA[4]) { self->accent_color, self->accent_color,
                                             self->accent_color, self->accent_color });
  gtk_snapshot_pop (snapshot);
}

/* Cards seen from afar: their shape, selection and warning only. */
static void
snapshot_overview_cards (ConduitGraphView *self,
                         GtkSnapshot      *snapshot)
{
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  GdkRGBA border = self->card_border_color;

  border.alpha = MAX (border.alpha, 0.35);

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = card_canvas_rect (card);
      const GdkRGBA *edge = &border;
      float width = 1;
      double x, y;
      GskRoundedRect outline;

      if (!gtk_widget_get_child_visible (GTK_WIDGET (card)))
        continue;

      if (conduit_graph_node_get_selected (card))
        {
          edge = &self->accent_color;
          width = 2;
        }
      else if (conduit_graph_node_get_has_problems (card))
        edge = &self->warning_color;

      conduit_graph_viewport_to_widget (self->viewport, rect.origin.x, rect.origin.y, &x, &y);
      gsk_rounded_rect_init_from_rect (&outline,
                                       &GRAPHENE_RECT_INIT (x, y, rect.size.width * zoom,
                                                            rect.size.height * zoom),
                                       4);
      gtk_snapshot_append_color (snapshot, &self->card_color, &outline.bounds);
      gtk_snapshot_append_border (snapshot, &outline, (float[4]) { width, width, width, width },
                                  (GdkRGBA[4]) { *edge, *edge, *edge, *edge });
      /* a stripe where the title is, so the shape still reads as a card */
      gtk_snapshot_append_color (snapshot, edge,
                                 &GRAPHENE_RECT_INIT (x, y + CONDUIT_GRAPH_NODE_HEADER * zoom,
                                                      rect.size.width * zoom, 1));
    }
}

static void
conduit_graph_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  snapshot_grid (self, snapshot);
  snapshot_links (self, snapshot);

  for (guint i = 0; i < self->handles->len; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->handles, i), snapshot);
  if (conduit_graph_viewport_get_zoom (self->viewport) < DETAIL_ZOOM && !self->naive)
    snapshot_overview_cards (self, snapshot);
  else
    for (guint i = 0; i < self->cards->len; i++)
      gtk_widget_snapshot_child (widget, g_ptr_array_index (self->cards, i), snapshot);

  snapshot_pending_link (self, snapshot);

  if (self->drag_mode == DRAG_RUBBER_BAND)
    {
      GdkRGBA fill = self->accent_color;
      GskRoundedRect outline;
      graphene_rect_t band = GRAPHENE_RECT_INIT (self->drag_x, self->drag_y, self->drag_dx,
                                                 self->drag_dy);

      graphene_rect_normalize (&band);
      fill.alpha = 0.15;
      gtk_snapshot_append_color (snapshot, &fill, &band);
      gsk_rounded_rect_init_from_rect (&outline, &band, 0);
      gtk_snapshot_append_border (snapshot, &outline,
                                  (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { self->accent_color, self->accent_color,
                                                 self->accent_color, self->accent_color });
    }

  snapshot_minimap (self, snapshot);

  gtk_snapshot_pop (snapshot);
}

static void
read_colors (ConduitGraphView *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA fg;

  gtk_style_context_get_color (context, &fg);
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

/* ------------------------------------------------------------------------------------------ */
/* Layout                                                                                      */

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

static void
place_child (GtkWidget *child,
             double     x,
             double     y,
             double     zoom,
             int        width,
             int        height)
{
  GskTransform *transform;

  gtk_widget_set_child_visible (child, TRUE);
  transform = gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (x, y));
  transform = gsk_transform_scale (transform, zoom, zoom);
  gtk_widget_allocate (child, width, height, -1, transform);
}

static gboolean
place_handle (ConduitGraphView      *self,
              ConduitGraphLink      *handle,
              const graphene_rect_t *visible,
              double                 zoom)
{
  double ends[4], c[4], mx, my, x, y;

  if (!link_ends (self, conduit_graph_link_get_link (handle), ends))
    return FALSE;

  curve_controls (ends, c);
  curve_point (ends, c, 0.5, &mx, &my);
  if (!self->naive && !graphene_rect_contains_point (visible, &GRAPHENE_POINT_INIT (mx, my)) &&
      !gtk_widget_has_focus (GTK_WIDGET (handle)))
    return FALSE;

  conduit_graph_viewport_to_widget (self->viewport, mx, my, &x, &y);
  place_child (GTK_WIDGET (handle), x - HANDLE_SIZE * zoom / 2, y - HANDLE_SIZE * zoom / 2, zoom,
               HANDLE_SIZE, HANDLE_SIZE);
  return TRUE;
}

/* The link handles: only those of chunks in view are even looked at. */
static void
place_handles (ConduitGraphView      *self,
               const graphene_rect_t *visible,
               double                 zoom)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  GtkWidget *focus = gtk_widget_get_focus_child (GTK_WIDGET (self));

  if (!self->chunks_valid)
    build_chunks (self);

  if (self->naive)
    {
      for (guint i = 0; i < self->handles->len; i++)
        if (place_handle (self, g_ptr_array_index (self->handles, i), visible, zoom))
          g_ptr_array_add (shown, g_ptr_array_index (self->handles, i));
    }
  else
    {
      for (guint i = 0; i < self->chunks->len; i++)
        {
          Chunk *chunk = g_ptr_array_index (self->chunks, i);

          if (chunk->node == NULL)
            chunk_record (self, chunk);
          if (!graphene_rect_intersection (&chunk->bounds, visible, NULL))
            continue;

          for (guint j = 0; j < chunk->links->len; j++)
            {
              ConduitGraphLink *handle = g_hash_table_lookup (self->handle_of_link,
                                                              g_ptr_array_index (chunk->links, j));

              if (handle != NULL && place_handle (self, handle, visible, zoom))
                g_ptr_array_add (shown, handle);
            }
        }

      /* the focused handle stays, wherever it is */
      if (focus != NULL && CONDUIT_IS_GRAPH_LINK (focus) &&
          !g_ptr_array_find (shown, focus, NULL) &&
          place_handle (self, CONDUIT_GRAPH_LINK (focus), visible, zoom))
        g_ptr_array_add (shown, focus);
    }

  for (guint i = 0; i < self->shown_handles->len; i++)
    {
      GtkWidget *handle = g_ptr_array_index (self->shown_handles, i);

      if (!g_ptr_array_find (shown, handle, NULL))
        gtk_widget_set_child_visible (handle, FALSE);
    }
  g_ptr_array_set_size (self->shown_handles, 0);
  g_ptr_array_extend (self->shown_handles, shown, NULL, NULL);
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
      if (self->cards->len > 0)
        {
          const graphene_rect_t *graph = get_graph_bounds (self);

          conduit_graph_viewport_fit (self->viewport, graph->origin.x, graph->origin.y,
                                      graph->size.width, graph->size.height, width, height, 48);

          /* a flow opened in a small window: rather readable cards from the start of the
           * flow (triggers sit on the left) than the whole flow too small to read */
          if (conduit_graph_viewport_get_zoom (self->viewport) < OPEN_ZOOM)
            {
              double y = graph->origin.y + graph->size.height / 2 - height / 2.0 / OPEN_ZOOM;

              conduit_graph_viewport_set_zoom (self->viewport, OPEN_ZOOM);
              conduit_graph_viewport_set_origin (self->viewport, graph->origin.x - 48 / OPEN_ZOOM,
                                                 MAX (y, graph->origin.y - 48 / OPEN_ZOOM));
            }
        }
    }

  zoom = conduit_graph_viewport_get_zoom (self->viewport);
  visible = visible_canvas_rect (self);
  /* room for the run status above a card */
  graphene_rect_inset (&visible, 0, -30);

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = card_canvas_rect (card);
      double x, y;

      if (!self->naive && !graphene_rect_intersection (&rect, &visible, NULL) &&
          !gtk_widget_has_focus (GTK_WIDGET (card)))
        {
          gtk_widget_set_child_visible (GTK_WIDGET (card), FALSE);
          continue;
        }

      conduit_graph_viewport_to_widget (self->viewport, rect.origin.x, rect.origin.y, &x, &y);
      place_child (GTK_WIDGET (card), x, y, zoom, rect.size.width, rect.size.height);
    }

  place_handles (self, &visible, zoom);

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

void
conduit_graph_view_set_naive (ConduitGraphView *self,
                              gboolean          naive)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  self->naive = !!naive;
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
on_viewport_changed (ConduitGraphView *self)
{
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Brings a card into view, for keyboard focus on a card that is off-screen. */
static void
reveal_card (ConduitGraphView *self,
             ConduitGraphNode *card)
{
  graphene_rect_t rect = card_canvas_rect (card);
  graphene_rect_t visible = visible_canvas_rect (self);

  if (!graphene_rect_contains_rect (&visible, &rect))
    conduit_graph_viewport_set_origin (self->viewport,
                                       rect.origin.x + (rect.size.width - visible.size.width) / 2,
                                       rect.origin.y + (rect.size.height - visible.size.height) / 2);
  gtk_widget_set_child_visible (GTK_WIDGET (card), TRUE);
}

/* ------------------------------------------------------------------------------------------ */
/* Editing                                                                                     */

/* A free spot for a new card near (x, y): step down-right past cards already there, so that
 * adding several nodes in a row does not stack them. */
static void
find_free_spot (ConduitGraphView *self,
                double           *x,
                double           *y)
{
  for (guint attempt = 0; attempt < 50; attempt++)
    {
      gboolean taken = FALSE;

      for (guint i = 0; i < self->cards->len && !taken; i++)
        {
          ConduitNode *node = conduit_graph_node_get_node (g_ptr_array_index (self->cards, i));

          taken = fabs (conduit_node_get_x (node) - *x) < 10
                  && fabs (conduit_node_get_y (node) - *y) < 10;
        }
      if (!taken)
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

  x = snap (self, x);
  y = snap (self, y);
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

  visible = visible_canvas_rect (self);
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
  const graphene_rect_t *graph;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  if (self->cards->len == 0)
    return;

  if (gtk_widget_get_width (GTK_WIDGET (self)) <= 1)
    {
      self->fit_pending = TRUE;
      return;
    }

  graph = get_graph_bounds (self);
  conduit_graph_viewport_fit (self->viewport, graph->origin.x, graph->origin.y,
                              graph->size.width, graph->size.height,
                              gtk_widget_get_width (GTK_WIDGET (self)),
                              gtk_widget_get_height (GTK_WIDGET (self)), 48);
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

  if ((card = card_by_id (self, node_id)))
    conduit_graph_node_set_status (card, status, ok, failed, rejected);
}

void
conduit_graph_view_clear_node_statuses (ConduitGraphView *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  for (guint i = 0; i < self->cards->len; i++)
    conduit_graph_node_set_status (g_ptr_array_index (self->cards, i), NULL, 0, 0, 0);
}

static void
delete_selection (ConduitGraphView *self,
                  const char       *label)
{
  g_autoptr(GPtrArray) nodes = dup_selection (self);

  if (nodes->len == 0 && self->selected_link != NULL)
    {
      g_autoptr(ConduitLink) link = g_object_ref (self->selected_link);

      conduit_graph_view_select_link (self, NULL);
      conduit_undo_stack_remove_link (self->undo_stack, link);
      return;
    }

  if (nodes->len == 0)
    return;

  conduit_undo_stack_begin_group (self->undo_stack, label);
  for (guint i = 0; i < nodes->len; i++)
    conduit_undo_stack_remove_node (self->undo_stack, g_ptr_array_index (nodes, i));
  conduit_undo_stack_end_group (self->undo_stack);
}

static void
select_nodes (ConduitGraphView *self,
              GPtrArray        *nodes)
{
  clear_selection_quietly (self);
  set_link_selected (self, NULL);
  for (guint i = 0; i < nodes->len; i++)
    set_node_selected (self, g_ptr_array_index (nodes, i), TRUE);
  selection_changed (self);
}

static gboolean
paste_data (ConduitGraphView *self,
            const char       *data,
            double            dx,
            double            dy)
{
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;

  added = conduit_flow_clipboard_paste (self->undo_stack, data, dx, dy, &error);
  if (added == NULL)
    {
      g_signal_emit (self, signals[MESSAGE], 0, error->message);
      return FALSE;
    }

  select_nodes (self, added);
  return TRUE;
}

static void
action_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  delete_selection (CONDUIT_GRAPH_VIEW (widget), _("Delete"));
}

static void
action_duplicate (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = dup_selection (self);
  g_autofree char *data = NULL;

  if (nodes->len == 0)
    return;

  data = conduit_flow_clipboard_serialize (self->flow, nodes);
  paste_data (self, data, 2 * GRID_STEP, 2 * GRID_STEP);
}

static void
copy_selection (ConduitGraphView *self)
{
  g_autoptr(GPtrArray) nodes = dup_selection (self);
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkContentProvider *providers[2];
  char *data;

  if (nodes->len == 0)
    return;

  data = conduit_flow_clipboard_serialize (self->flow, nodes);
  bytes = g_bytes_new_take (data, strlen (data));
  providers[0] = gdk_content_provider_new_for_bytes (CONDUIT_FLOW_MIME_TYPE, bytes);
  providers[1] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
}

static void
action_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  copy_selection (CONDUIT_GRAPH_VIEW (widget));
}

static void
action_cut (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  copy_selection (self);
  delete_selection (self, _("Cut"));
}

static void
paste_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitGraphView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);

  if (text == NULL || self->flow == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[MESSAGE], 0, _("The clipboard does not hold Conduit nodes"));
      return;
    }

  paste_data (self, text, 2 * GRID_STEP, 2 * GRID_STEP);
}

static void
action_paste (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->flow == NULL)
    return;
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, paste_read_cb,
                                 g_object_ref (self));
}

static void
action_select_all (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  for (guint i = 0; i < self->cards->len; i++)
    g_ptr_array_add (nodes, conduit_graph_node_get_node (g_ptr_array_index (self->cards, i)));
  select_nodes (self, nodes);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->undo_stack)
    conduit_undo_stack_undo (self->undo_stack);
}

static void
action_redo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->undo_stack)
    conduit_undo_stack_redo (self->undo_stack);
}

static void
zoom_by (ConduitGraphView *self,
         double            factor)
{
  conduit_graph_viewport_zoom_at (self->viewport,
                                  conduit_graph_viewport_get_zoom (self->viewport) * factor,
                                  gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                  gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (g_str_equal (action_name, "graph.zoom-in"))
    zoom_by (self, ZOOM_STEP);
  else if (g_str_equal (action_name, "graph.zoom-out"))
    zoom_by (self, 1 / ZOOM_STEP);
  else if (g_str_equal (action_name, "graph.zoom-reset"))
    zoom_by (self, 1 / conduit_graph_viewport_get_zoom (self->viewport));
  else
    conduit_graph_view_zoom_to_fit (self);
}

static void
action_nudge (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = dup_selection (self);
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);

  if (nodes->len == 0)
    {
      conduit_graph_viewport_pan (self->viewport, -dx * 2, -dy * 2);
      return;
    }

  conduit_undo_stack_begin_group (self->undo_stack, _("Move"));
  for (guint i = 0; i < nodes->len; i++)
    {
      ConduitNode *node = g_ptr_array_index (nodes, i);

      conduit_undo_stack_move_node (self->undo_stack, node,
                                    conduit_node_get_x (node) + dx, conduit_node_get_y (node) + dy);
    }
  conduit_undo_stack_end_group (self->undo_stack);
}

static void
clear_popover (ConduitGraphView *self)
{
  if (self->popover != NULL)
    {
      GtkWidget *popover = g_steal_pointer (&self->popover);

      self->rename_entry = NULL;
      self->renaming = NULL;
      gtk_widget_unparent (popover);
    }
}

static gboolean
clear_popover_idle (gpointer data)
{
  ConduitGraphView *self = data;

  clear_popover (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (ConduitGraphView *self,
                   GtkPopover       *popover)
{
  /* a menu item's action runs after "closed": unparent once it has */
  if (self->popover == GTK_WIDGET (popover))
    g_idle_add (clear_popover_idle, g_object_ref (self));
}

static void
show_popover (ConduitGraphView *self,
              GtkWidget        *popover,
              double            x,
              double            y,
              double            width,
              double            height)
{
  clear_popover (self);
  self->popover = popover;
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (popover),
                               &(GdkRectangle) { (int)x, (int)y,
                                                 MAX (1, (int)width), MAX (1, (int)height) });
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self,
                           G_CONNECT_SWAPPED);
  gtk_popover_popup (GTK_POPOVER (popover));
}

GtkPopover *
conduit_graph_view_get_popover (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->popover ? GTK_POPOVER (self->popover) : NULL;
}

static void
card_widget_rect (ConduitGraphView *self,
                  ConduitGraphNode *card,
                  graphene_rect_t  *rect)
{
  graphene_rect_t canvas = card_canvas_rect (card);
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double x, y;

  conduit_graph_viewport_to_widget (self->viewport, canvas.origin.x, canvas.origin.y, &x, &y);
  graphene_rect_init (rect, x, y, canvas.size.width * zoom, canvas.size.height * zoom);
}

static void
on_rename_activate (ConduitGraphView *self,
                    GtkEntry         *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (self->renaming != NULL && *text != '\0')
    conduit_undo_stack_set_title (self->undo_stack, self->renaming, text);
  if (self->popover)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static void
action_rename (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  GtkWidget *popover, *entry;
  graphene_rect_t rect;

  if (card == NULL)
    return;

  reveal_card (self, card);
  card_widget_rect (self, card, &rect);

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), card_title (card));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Node name"), -1);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_rename_activate), self,
                           G_CONNECT_SWAPPED);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), entry);
  show_popover (self, popover, rect.origin.x, rect.origin.y, rect.size.width,
                CONDUIT_GRAPH_NODE_HEADER);
  self->rename_entry = entry;
  self->renaming = node;
  gtk_widget_grab_focus (entry);
}

static void
action_link (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  const char *from, *from_port, *to, *to_port;
  g_autoptr(ConduitLink) link = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (parameter, "(&s&s&s&s)", &from, &from_port, &to, &to_port);
  link = conduit_link_new (from, from_port, to, to_port);
  if (!conduit_flow_can_link (self->flow, self->registry, link, &error))
    {
      g_signal_emit (self, signals[MESSAGE], 0, error->message);
      return;
    }
  conduit_undo_stack_add_link (self->undo_stack, link);
}

static int
compare_distance (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  ConduitNode *origin = user_data;
  ConduitNode *na = *(ConduitNode **)a, *nb = *(ConduitNode **)b;
  double da = hypot (conduit_node_get_x (na) - conduit_node_get_x (origin),
                     conduit_node_get_y (na) - conduit_node_get_y (origin));
  double db = hypot (conduit_node_get_x (nb) - conduit_node_get_x (origin),
                     conduit_node_get_y (nb) - conduit_node_get_y (origin));

  return (da > db) - (da < db);
}

/* The keyboard way to connect: a menu of the input ports the selected node's outputs may
 * link to, nearest nodes first. */
static GMenuModel *
build_connect_menu (ConduitGraphView *self,
                    ConduitNode      *node)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  ConduitConnector *connector = conduit_graph_node_get_connector (card);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  GPtrArray *outputs;

  if (connector == NULL)
    return G_MENU_MODEL (g_steal_pointer (&menu));

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitNode *other = conduit_graph_node_get_node (g_ptr_array_index (self->cards, i));

      if (other != node)
        g_ptr_array_add (others, other);
    }
  g_ptr_array_sort_with_data (others, compare_distance, node);

  outputs = conduit_connector_get_outputs (connector);
  for (guint o = 0; o < outputs->len; o++)
    {
      const ConduitPortSpec *out = g_ptr_array_index (outputs, o);
      g_autoptr(GMenu) section = g_menu_new ();
      g_autofree char *heading = g_strdup_printf (_("From “%s”"), out->label);
      guint n_items = 0;

      for (guint i = 0; i < others->len && n_items < MAX_CONNECT_TARGETS; i++)
        {
          ConduitNode *other = g_ptr_array_index (others, i);
          ConduitGraphNode *other_card = conduit_graph_view_get_card (self, other);
          ConduitConnector *other_connector = conduit_graph_node_get_connector (other_card);
          GPtrArray *inputs = other_connector
                              ? conduit_connector_get_inputs (other_connector) : NULL;

          for (guint p = 0; inputs != NULL && p < inputs->len; p++)
            {
              const ConduitPortSpec *in = g_ptr_array_index (inputs, p);
              g_autoptr(ConduitLink) link = conduit_link_new (conduit_node_get_id (node), out->id,
                                                              conduit_node_get_id (other), in->id);
              g_autoptr(GMenuItem) item = NULL;
              g_autofree char *label = NULL;

              if (!conduit_flow_can_link (self->flow, self->registry, link, NULL))
                continue;

              label = inputs->len > 1 ? g_strdup_printf ("%s — %s", card_title (other_card),
                                                         in->label)
                                      : g_strdup (card_title (other_card));
              item = g_menu_item_new (label, NULL);
              g_menu_item_set_action_and_target (item, "graph.link", "(ssss)",
                                                 conduit_node_get_id (node), out->id,
                                                 conduit_node_get_id (other), in->id);
              g_menu_append_item (section, item);
              n_items++;
            }
        }

      if (n_items == 0)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (_("Nothing to connect to"), "graph.nothing");

          g_menu_append_item (section, item);
        }
      g_menu_append_section (menu, heading, G_MENU_MODEL (section));
    }

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
action_connect_to (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  g_autoptr(GMenuModel) menu = NULL;
  graphene_rect_t rect;

  if (card == NULL)
    return;

  reveal_card (self, card);
  card_widget_rect (self, card, &rect);
  menu = build_connect_menu (self, node);
  show_popover (self, gtk_popover_menu_new_from_model (menu),
                rect.origin.x + rect.size.width, rect.origin.y, 1, rect.size.height);
}

static void
update_actions (ConduitGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n_selected = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  gboolean has_flow = self->flow != NULL;

  gtk_widget_action_set_enabled (widget, "graph.delete",
                                 n_selected > 0 || self->selected_link != NULL);
  gtk_widget_action_set_enabled (widget, "graph.duplicate", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.copy", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.cut", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.paste", has_flow);
  gtk_widget_action_set_enabled (widget, "graph.select-all", has_flow && self->cards->len > 0);
  gtk_widget_action_set_enabled (widget, "graph.connect-to", n_selected == 1);
  gtk_widget_action_set_enabled (widget, "graph.rename", n_selected == 1);
  gtk_widget_action_set_enabled (widget, "graph.link", has_flow);
  gtk_widget_action_set_enabled (widget, "graph.undo",
                                 self->undo_stack
                                   && conduit_undo_stack_get_can_undo (self->undo_stack));
  gtk_widget_action_set_enabled (widget, "graph.redo",
                                 self->undo_stack
                                   && conduit_undo_stack_get_can_redo (self->undo_stack));
}

/* ------------------------------------------------------------------------------------------ */
/* Pointer                                                                                     */

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
      double ends[4], c[4], px, py, prev_x, prev_y;
      graphene_rect_t bounds;

      if (!link_ends (self, link, ends))
        continue;
      curve_controls (ends, c);
      bounds = curve_bounds (ends, c);
      graphene_rect_inset (&bounds, -tolerance, -tolerance);
      if (!graphene_rect_contains_point (&bounds, &GRAPHENE_POINT_INIT (cx, cy)))
        continue;

      prev_x = ends[0];
      prev_y = ends[1];
      for (guint s = 1; s <= 24; s++)
        {
          double vx, vy, wx, wy, t, len2, dist;

          curve_point (ends, c, s / 24.0, &px, &py);
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

      if (!show && !gtk_widget_get_child_visible (GTK_WIDGET (card)) && !self->naive)
        {
          /* hints are only ever set on visible cards, but a card may have scrolled away */
        }

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

static void
end_connection (ConduitGraphView *self)
{
  set_port_hints (self, FALSE);
  self->drag_port = NULL;
  self->hover_port = NULL;
  if (self->detached != NULL)
    {
      g_clear_object (&self->detached);
      invalidate_links (self);
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

  if (minimap_rect (self, &minimap) &&
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
                card_by_id (self, moving_output ? conduit_link_get_to_node (link)
                                                : conduit_link_get_from_node (link));

              self->detached = g_object_ref (link);
              self->drag_port =
                conduit_graph_node_get_port (fixed, !moving_output,
                                             moving_output ? conduit_link_get_to_port (link)
                                                           : conduit_link_get_from_port (link));
              self->drag_mode = DRAG_RECONNECT;
              invalidate_links (self);
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
          set_link_selected (self, NULL);
          set_node_selected (self, node, !is_selected (self, node));
          selection_changed (self);
          if (!is_selected (self, node))
            return TRUE;
        }
      else if (!is_selected (self, node))
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
      self->rubber_base = dup_selection (self);
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

  clear_selection_quietly (self);
  for (guint i = 0; self->rubber_base && i < self->rubber_base->len; i++)
    set_node_selected (self, g_ptr_array_index (self->rubber_base, i), TRUE);
  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
      graphene_rect_t rect = card_canvas_rect (card);

      if (graphene_rect_intersection (&rect, &band, NULL))
        set_node_selected (self, conduit_graph_node_get_node (card), TRUE);
    }
  selection_changed (self);
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

          conduit_node_set_position (origin->node,
                                     snap (self, origin->x + offset_x / zoom),
                                     snap (self, origin->y + offset_y / zoom));
        }
      conduit_undo_stack_end_preview (self->undo_stack);
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
        graphene_rect_t box, visible = visible_canvas_rect (self);
        double scale, ox, oy, x, y;

        if (minimap_rect (self, &box))
          {
            minimap_transform (self, &box, &scale, &ox, &oy);
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
        card_by_id (self, moving_output ? conduit_link_get_from_node (detached)
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
      g_signal_emit (self, signals[MESSAGE], 0, message);
      return;
    }

  if (target == NULL)
    return;

  if (!target_ok (self, target, &message))
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      g_signal_emit (self, signals[MESSAGE], 0, message);
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
              double x = conduit_node_get_x (origin->node);
              double y = conduit_node_get_y (origin->node);

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
      end_connection (self);
      break;

    case DRAG_PAN:
      if (!moved)
        conduit_graph_view_select_node (self, NULL);
      break;

    case DRAG_RUBBER_BAND:
      g_clear_pointer (&self->rubber_base, g_ptr_array_unref);
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
    end_connection (self);
  if (self->drag_mode == DRAG_MOVE)
    put_back_dragged_nodes (self);
  g_array_set_size (self->drag_origins, 0);
  self->drag_mode = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GMenuModel *
build_context_menu (gboolean on_node)
{
  GMenu *menu = g_menu_new ();

  if (on_node)
    {
      g_menu_append (menu, _("_Rename…"), "graph.rename");
      g_menu_append (menu, _("_Connect To…"), "graph.connect-to");
      g_menu_append (menu, _("D_uplicate"), "graph.duplicate");
      g_menu_append (menu, _("_Copy"), "graph.copy");
      g_menu_append (menu, _("_Delete"), "graph.delete");
    }
  else
    {
      g_menu_append (menu, _("_Paste"), "graph.paste");
      g_menu_append (menu, _("Select _All"), "graph.select-all");
      g_menu_append (menu, _("Zoom to _Fit"), "graph.zoom-fit");
    }
  return G_MENU_MODEL (menu);
}

void
conduit_graph_view_click (ConduitGraphView *self,
                          guint             button,
                          int               n_press,
                          double            x,
                          double            y)
{
  GtkWidget *card;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  card = pick_canvas_child (self, x, y, CONDUIT_TYPE_GRAPH_NODE);

  if (button == GDK_BUTTON_SECONDARY)
    {
      g_autoptr(GMenuModel) menu = NULL;
      ConduitLink *link = card ? NULL : link_at (self, x, y);

      if (card != NULL)
        {
          ConduitNode *node = conduit_graph_node_get_node (CONDUIT_GRAPH_NODE (card));

          if (!is_selected (self, node))
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
        menu = build_context_menu (card != NULL);
      show_popover (self, gtk_popover_menu_new_from_model (menu), x, y, 1, 1);
      return;
    }

  if (button == GDK_BUTTON_PRIMARY && n_press == 2 && card != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0,
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

/* ------------------------------------------------------------------------------------------ */
/* Keyboard focus                                                                              */

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

  if (focus_child != NULL && !CONDUIT_IS_GRAPH_NODE (focus_child)
      && !CONDUIT_IS_GRAPH_LINK (focus_child))
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
    reveal_card (self, CONDUIT_GRAPH_NODE (next));
  else
    {
      ConduitLink *link = conduit_graph_link_get_link (CONDUIT_GRAPH_LINK (next));
      ConduitGraphNode *from = card_by_id (self, conduit_link_get_from_node (link));

      if (from != NULL)
        reveal_card (self, from);
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

      if (!is_selected (self, node))
        conduit_graph_view_select_node (self, node);
    }
  else if (child != NULL && CONDUIT_IS_GRAPH_LINK (child) && self->drag_mode == DRAG_NONE)
    {
      ConduitLink *link = conduit_graph_link_get_link (CONDUIT_GRAPH_LINK (child));

      if (self->selected_link != link)
        conduit_graph_view_select_link (self, link);
    }
}

static void
action_activate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);

  if (node != NULL)
    g_signal_emit (self, signals[NODE_ACTIVATED], 0, node);
}

/* ------------------------------------------------------------------------------------------ */
/* GObject                                                                                     */

static void
conduit_graph_view_dispose (GObject *object)
{
  ConduitGraphView *self = (ConduitGraphView *)object;

  clear_popover (self);
  clear_selection_quietly (self);
  set_link_selected (self, NULL);
  end_connection (self);
  disconnect_document (self);
  g_clear_object (&self->viewport);

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
add_nudge_bindings (GtkWidgetClass *widget_class,
                    guint           keyval,
                    double          dx,
                    double          dy)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "graph.nudge", "(dd)", dx, dy);
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_SHIFT_MASK, "graph.nudge", "(dd)",
                                       dx / GRID_STEP, dy / GRID_STEP);
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
  widget_class->snapshot = conduit_graph_view_snapshot;
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

  gtk_widget_class_install_action (widget_class, "graph.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "graph.duplicate", NULL, action_duplicate);
  gtk_widget_class_install_action (widget_class, "graph.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "graph.cut", NULL, action_cut);
  gtk_widget_class_install_action (widget_class, "graph.paste", NULL, action_paste);
  gtk_widget_class_install_action (widget_class, "graph.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "graph.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "graph.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.connect-to", NULL, action_connect_to);
  gtk_widget_class_install_action (widget_class, "graph.rename", NULL, action_rename);
  gtk_widget_class_install_action (widget_class, "graph.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "graph.link", "(ssss)", action_link);
  gtk_widget_class_install_action (widget_class, "graph.nudge", "(dd)", action_nudge);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "graph.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "graph.copy",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "graph.cut",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "graph.paste",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "graph.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "graph.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "graph.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "graph.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "graph.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "graph.connect-to", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "graph.connect-to", NULL);
  add_nudge_bindings (widget_class, GDK_KEY_Left, -NUDGE_STEP, 0);
  add_nudge_bindings (widget_class, GDK_KEY_Right, NUDGE_STEP, 0);
  add_nudge_bindings (widget_class, GDK_KEY_Up, 0, -NUDGE_STEP);
  add_nudge_bindings (widget_class, GDK_KEY_Down, 0, NUDGE_STEP);

  gtk_widget_class_set_css_name (widget_class, "graphview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (CONDUIT_TYPE_GRAPH_NODE);
}

static void
conduit_graph_view_init (ConduitGraphView *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;
  GtkDropTarget *drop;

  self->registry = g_object_ref (conduit_connector_registry_get_default ());
  self->viewport = conduit_graph_viewport_new ();
  self->cards = g_ptr_array_new ();
  self->handles = g_ptr_array_new ();
  self->card_of_node = g_hash_table_new (NULL, NULL);
  self->handle_of_link = g_hash_table_new (NULL, NULL);
  self->selection = g_list_store_new (CONDUIT_TYPE_NODE);
  self->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify)chunk_free);
  self->chunk_of_link = g_hash_table_new (NULL, NULL);
  self->links_of_node = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                               (GDestroyNotify)g_ptr_array_unref);
  self->drag_origins = g_array_new (FALSE, FALSE, sizeof (Origin));
  self->link_ends = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->shown_handles = g_ptr_array_new ();

  g_signal_connect_object (self->viewport, "changed", G_CALLBACK (on_viewport_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow diagram"),
                                  -1);

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

  drop = gtk_drop_target_new (G_TYPE_STRING, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  read_colors (self);
  update_actions (self);
}

GtkWidget *
conduit_graph_view_new (void)
{
  return g_object_new (CONDUIT_TYPE_GRAPH_VIEW, NULL);
}
