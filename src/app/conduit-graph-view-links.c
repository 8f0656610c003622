/* conduit-graph-view-links.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-view"

#include "config.h"

#include <math.h>

#include "conduit-graph-view-private.h"

/* The links of the graph view: where their ends are, the chunk cache of recorded render
 * nodes, and drawing the grid, links, minimap and far-away cards. */

void
_conduit_graph_view_chunk_free (Chunk *chunk)
{
  g_ptr_array_unref (chunk->links);
  g_clear_pointer (&chunk->node, gsk_render_node_unref);
  g_free (chunk);
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

gboolean
_conduit_graph_view_link_ends (ConduitGraphView *self,
                               ConduitLink      *link,
                               double            ends[4])
{
  ConduitGraphNode *from, *to;
  LinkEnds *cached;

  if (self->chunks_valid && (cached = g_hash_table_lookup (self->link_ends, link)))
    {
      ends[0] = conduit_node_get_x (cached->from) + cached->from_x;
      ends[1] = conduit_node_get_y (cached->from) + cached->from_y;
      ends[2] = conduit_node_get_x (cached->to) + cached->to_x;
      ends[3] = conduit_node_get_y (cached->to) + cached->to_y;
      return TRUE;
    }

  from = _conduit_graph_view_card_by_id (self, conduit_link_get_from_node (link));
  to = _conduit_graph_view_card_by_id (self, conduit_link_get_to_node (link));
  return port_canvas_point (self, from, TRUE, conduit_link_get_from_port (link),
                            &ends[0], &ends[1]) &&
         port_canvas_point (self, to, FALSE, conduit_link_get_to_port (link), &ends[2], &ends[3]);
}

/* The control points of the curve from an output (x1, y1) to an input (x2, y2): leave the
 * output going right and arrive at the input from the left, further out for a link that
 * runs backwards. */
void
_conduit_graph_view_curve_controls (const double ends[4],
                                    double       controls[4])
{
  double dx = ends[2] - ends[0];
  double reach = dx >= 0 ? MAX (40, dx / 2) : MAX (80, -dx / 2);

  controls[0] = ends[0] + reach;
  controls[1] = ends[1];
  controls[2] = ends[2] - reach;
  controls[3] = ends[3];
}

/* How far the other ports of @link's end card reach above and below its own port, from port
 * centre to port centre: the source's outputs (@is_output) or the target's inputs. */
static void
port_column (ConduitGraphView *self,
             ConduitLink      *link,
             gboolean          is_output,
             double           *above,
             double           *below)
{
  ConduitGraphNode *card =
    _conduit_graph_view_card_by_id (self, is_output ? conduit_link_get_from_node (link)
                                                    : conduit_link_get_to_node (link));
  g_autoptr(GPtrArray) ports = NULL;
  double own_x, own_y;

  *above = *below = 0;
  if (card == NULL ||
      !conduit_graph_node_get_port_anchor (card, is_output,
                                           is_output ? conduit_link_get_from_port (link)
                                                     : conduit_link_get_to_port (link),
                                           &own_x, &own_y))
    return;

  ports = conduit_graph_node_get_ports (card);
  for (guint i = 0; i < ports->len; i++)
    {
      ConduitGraphPort *port = g_ptr_array_index (ports, i);
      double x, y;

      if (conduit_graph_port_get_is_output (port) != is_output ||
          !conduit_graph_node_get_port_anchor (card, is_output,
                                               conduit_graph_port_get_port_id (port), &x, &y))
        continue;
      *above = MAX (*above, own_y - y);
      *below = MAX (*below, y - own_y);
    }
}

static void
cubic_point (const double *p,
             double        t,
             double       *x,
             double       *y)
{
  double u = 1 - t;

  *x = u * u * u * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[4] + t * t * t * p[6];
  *y = u * u * u * p[1] + 3 * u * u * t * p[3] + 3 * u * t * t * p[5] + t * t * t * p[7];
}

void
_conduit_graph_view_route_point (const LinkRoute *route,
                                 double           t,
                                 double          *x,
                                 double          *y)
{
  guint segment = MIN ((guint)(CLAMP (t, 0, 1) * route->n_segments), route->n_segments - 1);

  cubic_point (route->p + 6 * segment, CLAMP (t, 0, 1) * route->n_segments - segment, x, y);
}

graphene_rect_t
_conduit_graph_view_route_bounds (const LinkRoute *route)
{
  double x0 = route->p[0], x1 = route->p[0], y0 = route->p[1], y1 = route->p[1];

  /* a Bézier segment lies inside the hull of its control points */
  for (guint i = 1; i <= 3 * route->n_segments; i++)
    {
      x0 = MIN (x0, route->p[2 * i]);
      x1 = MAX (x1, route->p[2 * i]);
      y0 = MIN (y0, route->p[2 * i + 1]);
      y1 = MAX (y1, route->p[2 * i + 1]);
    }
  return GRAPHENE_RECT_INIT (x0 - LINK_WIDTH * 2, y0 - LINK_WIDTH * 2,
                             x1 - x0 + LINK_WIDTH * 4, y1 - y0 + LINK_WIDTH * 4);
}

void
_conduit_graph_view_route_path (const LinkRoute *route,
                                cairo_t         *cr)
{
  cairo_move_to (cr, route->p[0], route->p[1]);
  for (guint s = 0; s < route->n_segments; s++)
    {
      const double *q = route->p + 6 * s;

      cairo_curve_to (cr, q[2], q[3], q[4], q[5], q[6], q[7]);
    }
}

/* Whether @route passes through the box of another port in its source's output column, which
 * reaches @above and @below the start. */
static gboolean
route_hits_column (const LinkRoute *route,
                   double           above,
                   double           below)
{
  double x0 = route->p[0], y0 = route->p[1];
  double reach = PORT_CLEARANCE + LINK_WIDTH;

  for (guint i = 1; i <= 48; i++)
    {
      double x, y, dy;

      _conduit_graph_view_route_point (route, i / 48.0, &x, &y);
      if (fabs (x - x0) > reach)
        continue;
      dy = y - y0;
      /* the nearest other port is a row away; the link's own port is no obstacle */
      if ((dy > 0 && dy >= CONDUIT_GRAPH_NODE_PORT_ROW - reach && dy <= below + reach) ||
          (dy < 0 && -dy >= CONDUIT_GRAPH_NODE_PORT_ROW - reach && -dy <= above + reach))
        return TRUE;
    }
  return FALSE;
}

static void
route_add (LinkRoute *route,
           double     c1x,
           double     c1y,
           double     c2x,
           double     c2y,
           double     x,
           double     y)
{
  double *q = route->p + 2 + 6 * route->n_segments++;

  q[0] = c1x; q[1] = c1y; q[2] = c2x; q[3] = c2y; q[4] = x; q[5] = y;
}

/**
 * _conduit_graph_view_route_from_ends:
 * @ends: the start (an output port) and the end (an input port)
 * @above: how far the source's other output ports reach above the start (0: none)
 * @below: likewise below
 * @route: (out): the curve
 *
 * The usual S-curve, unless it would cross another port of the source's column (a link from
 * Mapped to a step below, drawn through Rejected: defect 14). Then the link leaves its port
 * to the right, turns round the column's end a row clear of its last port (below it when the
 * target lies lower, else above), and only then heads for the target; a target level with the
 * column is reached by passing left of the column on the same clear row first.
 */
void
_conduit_graph_view_route_from_ends (const double  ends[4],
                                     double        above,
                                     double        below,
                                     LinkRoute    *route)
{
  double c[4], x0 = ends[0], y0 = ends[1], x1 = ends[2], y1 = ends[3];
  double dir, clear_y, turn_x, bend, reach;

  _conduit_graph_view_curve_controls (ends, c);
  route->n_segments = 0;
  route->p[0] = x0;
  route->p[1] = y0;
  route_add (route, c[0], c[1], c[2], c[3], x1, y1);
  if ((above <= 0 && below <= 0) || !route_hits_column (route, above, below))
    return;

  dir = y1 >= y0 ? 1 : -1;
  if ((dir > 0 && below <= 0) || (dir < 0 && above <= 0))
    dir = -dir;   /* the column has ports on one side only: go round the free end */
  clear_y = y0 + dir * ((dir > 0 ? below : above) + CONDUIT_GRAPH_NODE_PORT_ROW);
  turn_x = x0 + 40;

  route->n_segments = 0;
  route_add (route, x0 + 30, y0, turn_x, y0 + (clear_y - y0) * 0.3, turn_x, clear_y);

  if ((y1 - clear_y) * dir >= 0)
    {
      /* the target lies beyond the clear row: every control point does too, so the curve
       * cannot come back to the column */
      bend = MIN (80, fabs (y1 - clear_y) / 2 + 10);
      reach = MAX (40, fabs (x1 - turn_x) / 2);
      route_add (route, turn_x, clear_y + dir * bend, x1 - reach, y1, x1, y1);
      return;
    }

  /* the target is level with the column: along the clear row to its left, then up to it */
  {
    double left_x = MIN (x0 - 40, x1 - 60);

    route_add (route, turn_x, clear_y + dir * 20, left_x + 20, clear_y + dir * 20, left_x,
               clear_y);
    route_add (route, left_x - 20, clear_y - dir * 10, x1 - 30, y1, x1, y1);
  }
}

/* @route run backwards and mirrored left to right: the end becomes the start, so that a
 * column of ports at the end can be looked at as one at the start. */
static void
route_mirror (const LinkRoute *route,
              LinkRoute       *out)
{
  guint n_points = 1 + 3 * route->n_segments;

  out->n_segments = route->n_segments;
  for (guint i = 0; i < n_points; i++)
    {
      out->p[2 * i] = -route->p[2 * (n_points - 1 - i)];
      out->p[2 * i + 1] = route->p[2 * (n_points - 1 - i) + 1];
    }
}

gboolean
_conduit_graph_view_link_route (ConduitGraphView *self,
                                ConduitLink      *link,
                                LinkRoute        *route)
{
  double ends[4], above, below, to_above, to_below;
  LinkEnds *cached;

  if (!_conduit_graph_view_link_ends (self, link, ends))
    return FALSE;

  if (self->chunks_valid && (cached = g_hash_table_lookup (self->link_ends, link)))
    {
      above = cached->from_above;
      below = cached->from_below;
      to_above = cached->to_above;
      to_below = cached->to_below;
    }
  else
    {
      port_column (self, link, TRUE, &above, &below);
      port_column (self, link, FALSE, &to_above, &to_below);
    }

  _conduit_graph_view_route_from_ends (ends, above, below, route);

  /* the target's other inputs (Merge's second input) are the same problem seen from the other
   * end: route the mirrored link, then mirror it back, unless that would cross the source's
   * column instead */
  if ((to_above > 0 || to_below > 0))
    {
      LinkRoute mirrored_route, back;
      double mirrored[4] = { -ends[2], ends[3], -ends[0], ends[1] };

      route_mirror (route, &mirrored_route);
      if (route_hits_column (&mirrored_route, to_above, to_below))
        {
          _conduit_graph_view_route_from_ends (mirrored, to_above, to_below, &mirrored_route);
          route_mirror (&mirrored_route, &back);
          if (!route_hits_column (&back, above, below))
            *route = back;
        }
    }
  return TRUE;
}

void
_conduit_graph_view_curve_point (const double ends[4],
                                 const double c[4],
                                 double       t,
                                 double      *x,
                                 double      *y)
{
  double u = 1 - t;

  *x = u * u * u * ends[0] + 3 * u * u * t * c[0] + 3 * u * t * t * c[2] + t * t * t * ends[2];
  *y = u * u * u * ends[1] + 3 * u * u * t * c[1] + 3 * u * t * t * c[3] + t * t * t * ends[3];
}

graphene_rect_t
_conduit_graph_view_curve_bounds (const double ends[4],
                                  const double c[4])
{
  double x0 = MIN (MIN (ends[0], ends[2]), MIN (c[0], c[2])) - LINK_WIDTH * 2;
  double x1 = MAX (MAX (ends[0], ends[2]), MAX (c[0], c[2])) + LINK_WIDTH * 2;
  double y0 = MIN (ends[1], ends[3]) - LINK_WIDTH * 2;
  double y1 = MAX (ends[1], ends[3]) + LINK_WIDTH * 2;

  return GRAPHENE_RECT_INIT (x0, y0, x1 - x0, y1 - y0);
}

void
_conduit_graph_view_invalidate_links (ConduitGraphView *self)
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

      if (!_conduit_graph_view_link_ends (self, link, ends))
        continue;

      {
        LinkEnds *cached = g_new (LinkEnds, 1);

        cached->from =
          conduit_graph_node_get_node (_conduit_graph_view_card_by_id (self,
                                                                       conduit_link_get_from_node (link)));
        cached->to =
          conduit_graph_node_get_node (_conduit_graph_view_card_by_id (self,
                                                                       conduit_link_get_to_node (link)));
        cached->from_x = ends[0] - conduit_node_get_x (cached->from);
        cached->from_y = ends[1] - conduit_node_get_y (cached->from);
        cached->to_x = ends[2] - conduit_node_get_x (cached->to);
        cached->to_y = ends[3] - conduit_node_get_y (cached->to);
        port_column (self, link, TRUE, &cached->from_above, &cached->from_below);
        port_column (self, link, FALSE, &cached->to_above, &cached->to_below);
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
  ConduitGraphNode *from = _conduit_graph_view_card_by_id (self, conduit_link_get_from_node (link));
  ConduitGraphPort *port =
    from ? conduit_graph_node_get_port (from, TRUE, conduit_link_get_from_port (link)) : NULL;

  return port != NULL && conduit_graph_port_get_is_error (port);
}

/* Draws @links in canvas units: one path per colour, stroked once. */
void
_conduit_graph_view_draw_links (ConduitGraphView *self,
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
          LinkRoute route;

          if (link == self->detached || link_is_error (self, link) != (pass == 1))
            continue;
          if (!_conduit_graph_view_link_route (self, link, &route))
            continue;

          _conduit_graph_view_route_path (&route, cr);
          any = TRUE;

          if (bounds != NULL)
            {
              graphene_rect_t rect = _conduit_graph_view_route_bounds (&route);

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
  _conduit_graph_view_draw_links (self, cr, chunk->links, NULL, &bounds);
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
  _conduit_graph_view_draw_links (self, cr, chunk->links, NULL, NULL);
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

/* @source drawn at @zoom into an image, as a texture node of the image's size: drawing it is
 * one image blit. (Not a cairo node painting the image: with GTK 4.8's cairo renderer, vector
 * nodes drawn after such a node came out shifted by a few pixels.) @bounds: (out): where the
 * image sits, in pixels of the zoomed space. */
static GskRenderNode *
draw_to_image_node (GskRenderNode         *source,
                    const graphene_rect_t *source_bounds,
                    double                 zoom,
                    graphene_rect_t       *bounds)
{
  cairo_surface_t *image;
  GskRenderNode *node;
  cairo_t *cr;
  int width, height;

  bounds->origin.x = floor (source_bounds->origin.x * zoom);
  bounds->origin.y = floor (source_bounds->origin.y * zoom);
  width = (int)(ceil ((source_bounds->origin.x + source_bounds->size.width) * zoom) -
                bounds->origin.x);
  height = (int)(ceil ((source_bounds->origin.y + source_bounds->size.height) * zoom) -
                 bounds->origin.y);
  bounds->size.width = width;
  bounds->size.height = height;
  /* nothing to draw, or far larger than any view (a link across the whole flow) */
  if (width <= 0 || height <= 0 || (double)width * height > 4096.0 * 4096.0)
    return NULL;

  image = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (image);
  cairo_translate (cr, -bounds->origin.x, -bounds->origin.y);
  cairo_scale (cr, zoom, zoom);
  gsk_render_node_draw (source, cr);
  cairo_destroy (cr);
  cairo_surface_flush (image);

  {
    /* cairo's ARGB32 is premultiplied B, G, R, A in memory on a little-endian machine and
     * A, R, G, B on a big-endian one: GDK_MEMORY_DEFAULT either way */
    g_autoptr(GBytes) bytes = g_bytes_new (cairo_image_surface_get_data (image),
                                           (gsize)cairo_image_surface_get_stride (image) * height);
    g_autoptr(GdkTexture) texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT,
                                                            bytes,
                                                            cairo_image_surface_get_stride (image));

    node = gsk_texture_node_new (texture, &GRAPHENE_RECT_INIT (0, 0, width, height));
  }
  cairo_surface_destroy (image);
  return node;
}

/* Whether to keep cards as images at the current zoom: for GTK's cairo renderer
 * (the software path, no GPU), which replays every stroke, glyph and rounded corner of every
 * node each frame; the GL renderers cache what they draw themselves. */
gboolean
_conduit_graph_view_use_images (ConduitGraphView *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native ? gtk_native_get_renderer (native) : NULL;

  return !self->card_cache_off && renderer != NULL && GSK_IS_CAIRO_RENDERER (renderer);
}

static void
snapshot_links (ConduitGraphView *self,
                GtkSnapshot      *snapshot)
{
  graphene_rect_t visible = _conduit_graph_view_visible_canvas_rect (self);
  g_autoptr(GPtrArray) highlighted = g_ptr_array_new ();

  if (!self->chunks_valid)
    build_chunks (self);

  push_canvas_transform (self, snapshot);

  /* The links stay recordings: drawn as images at the current zoom they would cost less with
   * the software renderer, but with GTK 4.8's cairo renderer the vector nodes drawn after
   * such images came out shifted by a few pixels (test graph-render caught it), so only the
   * cards are kept as images (snapshot_cards ()). */
  for (guint i = 0; i < self->chunks->len; i++)
    {
      Chunk *chunk = g_ptr_array_index (self->chunks, i);

      if (chunk->node == NULL)
        chunk_record (self, chunk);
      if (graphene_rect_intersection (&chunk->bounds, &visible, NULL))
        gtk_snapshot_append_node (snapshot, chunk->node);
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
      _conduit_graph_view_draw_links (self, cr, highlighted, &self->accent_color, NULL);
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
  _conduit_graph_view_curve_controls (ends, c);

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

gboolean
_conduit_graph_view_minimap_rect (ConduitGraphView *self,
                                  graphene_rect_t  *rect)
{
  graphene_rect_t visible = _conduit_graph_view_visible_canvas_rect (self);
  const graphene_rect_t *graph = _conduit_graph_view_get_graph_bounds (self);
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));

  /* not graphene_rect_contains_rect (): it compares a union with float equality, and a fitted
   * flow was often "not contained" by a rounding error, so the map showed over a flow that
   * fits (#22) */
  gboolean fits = graph->origin.x >= visible.origin.x - 0.5 &&
                  graph->origin.y >= visible.origin.y - 0.5 &&
                  graph->origin.x + graph->size.width <=
                    visible.origin.x + visible.size.width + 0.5 &&
                  graph->origin.y + graph->size.height <=
                    visible.origin.y + visible.size.height + 0.5;

  if (self->cards->len == 0 || fits ||
      width < MINIMAP_WIDTH * 2.5 || height < MINIMAP_HEIGHT * 2.5)
    return FALSE;

  graphene_rect_init (rect, width - MINIMAP_WIDTH - MINIMAP_MARGIN,
                      height - MINIMAP_HEIGHT - MINIMAP_MARGIN, MINIMAP_WIDTH, MINIMAP_HEIGHT);
  return TRUE;
}

/* The minimap maps the graph's bounds, with room around, into its box. */
void
_conduit_graph_view_minimap_transform (ConduitGraphView      *self,
                                       const graphene_rect_t *box,
                                       double                *scale,
                                       double                *ox,
                                       double                *oy)
{
  graphene_rect_t area;

  graphene_rect_inset_r (_conduit_graph_view_get_graph_bounds (self), -100, -100, &area);
  *scale = MIN (box->size.width / area.size.width, box->size.height / area.size.height);
  *ox = box->origin.x + (box->size.width - area.size.width * *scale) / 2 - area.origin.x * *scale;
  *oy = box->origin.y + (box->size.height - area.size.height * *scale) / 2 - area.origin.y * *scale;
}

static void
snapshot_minimap (ConduitGraphView *self,
                  GtkSnapshot      *snapshot)
{
  graphene_rect_t box, visible = _conduit_graph_view_visible_canvas_rect (self);
  double scale, ox, oy;

  if (!_conduit_graph_view_minimap_rect (self, &box))
    return;

  _conduit_graph_view_minimap_transform (self, &box, &scale, &ox, &oy);

  if (self->minimap_node == NULL || !graphene_rect_equal (&box, &self->minimap_bounds))
    {
      g_autoptr(GtkSnapshot) inner = gtk_snapshot_new ();
      GdkRGBA background = self->minimap_color;
      GdkRGBA shape = self->link_color;
      GdkRGBA edge = self->link_color;
      cairo_t *cr;

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
          ConduitGraphNode *card = g_ptr_array_index (self->cards, i);
          graphene_rect_t r = _conduit_graph_view_card_canvas_rect (card);

          cairo_rectangle (cr, ox + r.origin.x * scale, oy + r.origin.y * scale,
                           MAX (1, r.size.width * scale), MAX (1, r.size.height * scale));
        }
      gdk_cairo_set_source_rgba (cr, &shape);
      cairo_fill (cr);
      /* notes, fainter than the steps: paper beside them */
      for (guint i = 0; i < self->note_widgets->len; i++)
        {
          ConduitNote *note = conduit_graph_note_get_note (g_ptr_array_index (self->note_widgets, i));
          graphene_rect_t r = _conduit_graph_view_note_canvas_rect (note);

          cairo_rectangle (cr, ox + r.origin.x * scale, oy + r.origin.y * scale,
                           MAX (1, r.size.width * scale), MAX (1, r.size.height * scale));
        }
      shape.alpha = 0.15;
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

/* A card as last drawn: the card's own render node (GTK keeps the same node until the card
 * changes) and a texture of it at one zoom. */
typedef struct
{
  GskRenderNode   *source;
  GskRenderNode   *image;     /* see draw_to_image_node () */
  double           zoom;
  graphene_rect_t  bounds;    /* the image's place, in the card's own units times zoom */
  gboolean         drawn;     /* in the frame being made */
} CardTexture;

void
_conduit_graph_view_card_texture_free (gpointer data)
{
  CardTexture *cached = data;

  g_clear_pointer (&cached->source, gsk_render_node_unref);
  g_clear_pointer (&cached->image, gsk_render_node_unref);
  g_free (cached);
}

/* For the benchmark's "before" figures. */
void
_conduit_graph_view_set_card_cache (ConduitGraphView *self,
                                    gboolean          enabled)
{
  self->card_cache_off = !enabled;
  g_hash_table_remove_all (self->card_textures);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Draws one card from its image, made anew when the card or the zoom changed. The software
 * renderer draws every node of every card each frame, text glyph by glyph and every rounded
 * corner as a path; at zoom 0.6 forty cards are on screen and they were half of a panning
 * frame's CPU time (bench/canvas, profiled with perf). An image is one blit. GTK keeps a
 * card's render node until the card changes (selection, status, style), so a new node is
 * what says the image is stale. Returns FALSE when the card must be drawn as usual. */
static gboolean
snapshot_card_cached (ConduitGraphView *self,
                      GtkWidget        *card,
                      GtkSnapshot      *snapshot,
                      double            zoom)
{
  g_autoptr(GtkSnapshot) probe = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) placed = NULL;
  GskRenderNode *source;
  CardTexture *cached;
  graphene_point_t origin;

  gtk_widget_snapshot_child (GTK_WIDGET (self), card, probe);
  placed = gtk_snapshot_free_to_node (g_steal_pointer (&probe));
  if (placed == NULL || gsk_render_node_get_node_type (placed) != GSK_TRANSFORM_NODE)
    return FALSE;
  source = gsk_transform_node_get_child (placed);

  cached = g_hash_table_lookup (self->card_textures, card);
  if (cached == NULL || cached->source != source || cached->zoom != zoom)
    {
      graphene_rect_t source_bounds;

      if (cached == NULL)
        {
          cached = g_new0 (CardTexture, 1);
          g_hash_table_insert (self->card_textures, card, cached);
        }
      gsk_render_node_get_bounds (source, &source_bounds);
      g_clear_pointer (&cached->image, gsk_render_node_unref);
      cached->image = draw_to_image_node (source, &source_bounds, zoom, &cached->bounds);
      g_clear_pointer (&cached->source, gsk_render_node_unref);
      cached->source = gsk_render_node_ref (source);
      cached->zoom = zoom;
    }
  cached->drawn = TRUE;
  if (cached->image == NULL)
    return FALSE;

  /* where the card's corner is: the translation of its transform, to a whole pixel */
  gsk_transform_transform_point (gsk_transform_node_get_transform (placed),
                                 &GRAPHENE_POINT_INIT (0, 0), &origin);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (round (origin.x) + cached->bounds.origin.x,
                                                round (origin.y) + cached->bounds.origin.y));
  gtk_snapshot_append_node (snapshot, cached->image);
  gtk_snapshot_restore (snapshot);
  return TRUE;
}

static void
snapshot_cards (ConduitGraphView *self,
                GtkSnapshot      *snapshot)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  /* while the zoom changes from frame to frame an image would be used once: draw directly; at
   * 1:1 text is drawn from cairo's glyph cache as it is, and making the image of each card that
   * pans into view cost more than it saved (bench/canvas: 9.3 ms CPU per frame drawn, 10.4
   * with images) */
  gboolean use_cache = _conduit_graph_view_use_images (self) && zoom == self->last_snapshot_zoom &&
                       zoom < 0.95;
  GHashTableIter iter;
  CardTexture *cached;

  for (guint i = 0; i < self->cards->len; i++)
    {
      GtkWidget *card = g_ptr_array_index (self->cards, i);

      if (!gtk_widget_get_child_visible (card))
        continue;
      if (!use_cache || gtk_widget_has_focus (card) ||
          !snapshot_card_cached (self, card, snapshot, zoom))
        gtk_widget_snapshot_child (widget, card, snapshot);
    }

  /* textures of cards not drawn in this frame go: a thousand cards would be a lot of memory */
  g_hash_table_iter_init (&iter, self->card_textures);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&cached))
    {
      if (!cached->drawn)
        g_hash_table_iter_remove (&iter);
      else
        cached->drawn = FALSE;
    }
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
      graphene_rect_t rect = _conduit_graph_view_card_canvas_rect (card);
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

void
_conduit_graph_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);

  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  snapshot_grid (self, snapshot);
  /* notes lie beneath the links and cards, as paper under the drawing */
  _conduit_graph_view_snapshot_notes (self, snapshot);
  snapshot_links (self, snapshot);

  for (guint i = 0; i < self->handles->len; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->handles, i), snapshot);
  if (conduit_graph_viewport_get_zoom (self->viewport) < DETAIL_ZOOM)
    snapshot_overview_cards (self, snapshot);
  else
    snapshot_cards (self, snapshot);

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
  self->last_snapshot_zoom = conduit_graph_viewport_get_zoom (self->viewport);
}

static gboolean
place_handle (ConduitGraphView      *self,
              ConduitGraphLink      *handle,
              const graphene_rect_t *visible,
              double                 zoom)
{
  double mx, my, x, y;
  LinkRoute route;

  if (!_conduit_graph_view_link_route (self, conduit_graph_link_get_link (handle), &route))
    return FALSE;

  _conduit_graph_view_route_point (&route, 0.5, &mx, &my);
  if (!graphene_rect_contains_point (visible, &GRAPHENE_POINT_INIT (mx, my)) &&
      !gtk_widget_has_focus (GTK_WIDGET (handle)))
    return FALSE;

  conduit_graph_viewport_to_widget (self->viewport, mx, my, &x, &y);
  _conduit_graph_view_place_child (GTK_WIDGET (handle),
                                   x - HANDLE_SIZE * zoom / 2, y - HANDLE_SIZE * zoom / 2,
                                   zoom, HANDLE_SIZE, HANDLE_SIZE);
  return TRUE;
}

/* The link handles: only those of chunks in view are even looked at. */
void
_conduit_graph_view_place_handles (ConduitGraphView      *self,
                                   const graphene_rect_t *visible,
                                   double                 zoom)
{
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  GtkWidget *focus = gtk_widget_get_focus_child (GTK_WIDGET (self));

  if (!self->chunks_valid)
    build_chunks (self);

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

  for (guint i = 0; i < self->shown_handles->len; i++)
    {
      GtkWidget *handle = g_ptr_array_index (self->shown_handles, i);

      if (!g_ptr_array_find (shown, handle, NULL))
        gtk_widget_set_child_visible (handle, FALSE);
    }
  g_ptr_array_set_size (self->shown_handles, 0);
  g_ptr_array_extend (self->shown_handles, shown, NULL, NULL);
}
