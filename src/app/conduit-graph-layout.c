/* conduit-graph-layout.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-layout"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conduit-graph-layout.h"

/* Tidy Up: a layered left-to-right layout of the flow, the usual one for data-flow graphs
 * (Sugiyama's method, kept small):
 *
 * 1. Layers: every step sits one column right of its furthest upstream step (longest path from
 *    the triggers, which have no input), so every link runs left to right.
 * 2. Order within a column: a few sweeps down and up the columns, each putting a step at the
 *    barycentre (mean position) of its neighbours in the columns already placed, which removes
 *    most link crossings. The first order is the person's own, top to bottom.
 * 3. Coordinates: columns a card's width plus a gap apart; in each column cards keep their
 *    order and a gap, and the column is shifted so that its cards sit, on average, level with
 *    their upstream steps. Everything lands on whole pixels, at the old top-left corner.
 *
 * No dummy nodes for links that skip columns: for the flows people draw (tens of steps, few
 * long links) the barycentres of the real ends do as well, and a thousand steps take a few
 * milliseconds. Links that would close a loop (a flow may not have one, but the model is
 * lenient) are left out of the layering. */

typedef struct
{
  guint  n;
  guint *start;   /* n + 1 offsets into items */
  guint *items;
} Adjacency;

static void
adjacency_init (Adjacency   *adj,
                guint        n,
                const guint *edges,
                guint        n_edges,
                gboolean     forward)
{
  g_autofree guint *fill = g_new0 (guint, n + 1);

  adj->n = n;
  adj->start = g_new0 (guint, n + 1);
  adj->items = g_new (guint, MAX (n_edges, 1));
  for (guint e = 0; e < n_edges; e++)
    adj->start[(forward ? edges[2 * e] : edges[2 * e + 1]) + 1]++;
  for (guint i = 0; i < n; i++)
    adj->start[i + 1] += adj->start[i];
  for (guint e = 0; e < n_edges; e++)
    {
      guint from = forward ? edges[2 * e] : edges[2 * e + 1];
      guint to = forward ? edges[2 * e + 1] : edges[2 * e];

      adj->items[adj->start[from] + fill[from]++] = to;
    }
}

static void
adjacency_clear (Adjacency *adj)
{
  g_clear_pointer (&adj->start, g_free);
  g_clear_pointer (&adj->items, g_free);
}

typedef struct
{
  const ConduitLayoutBox *boxes;
  const double           *key;
  const guint            *rank;
} SortContext;

static int
compare_by_key (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const SortContext *context = user_data;
  guint va = *(const guint *)a, vb = *(const guint *)b;

  if (context->key[va] != context->key[vb])
    return context->key[va] < context->key[vb] ? -1 : 1;
  /* ties keep the current order, so sweeps never shuffle for nothing */
  return (context->rank[va] > context->rank[vb]) - (context->rank[va] < context->rank[vb]);
}

static int
compare_by_position (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  const SortContext *context = user_data;
  const ConduitLayoutBox *ba = &context->boxes[*(const guint *)a];
  const ConduitLayoutBox *bb = &context->boxes[*(const guint *)b];

  if (ba->y != bb->y)
    return ba->y < bb->y ? -1 : 1;
  return (ba->x > bb->x) - (ba->x < bb->x);
}

/**
 * conduit_graph_layout_layered:
 * @boxes: (array length=n_boxes): the cards: their size, and where they are now; on return,
 *   where they go
 * @n_boxes: how many
 * @edges: (array): pairs of box indices, from and to, one pair per link
 * @n_edges: how many pairs
 *
 * Lays the boxes out left to right in layers (see the comment at the top of the file).
 */
void
conduit_graph_layout_layered (ConduitLayoutBox *boxes,
                              guint             n_boxes,
                              const guint      *edges,
                              guint             n_edges)
{
  Adjacency succ = { 0 }, pred = { 0 };
  g_autofree guint *layer = NULL;
  g_autofree guint *indegree = NULL;
  g_autofree guint *queue = NULL;
  g_autofree gboolean *done = NULL;
  g_autofree guint *rank = NULL;
  g_autofree double *key = NULL;
  g_autofree double *column_x = NULL;
  g_autofree guint *by_position = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  double origin_x = G_MAXDOUBLE, origin_y = G_MAXDOUBLE, top = G_MAXDOUBLE;
  guint head = 0, tail = 0, n_layers = 0, processed = 0, next_forced = 0;
  SortContext context;

  g_return_if_fail (boxes != NULL || n_boxes == 0);

  if (n_boxes == 0)
    return;

  for (guint i = 0; i < n_edges; i++)
    g_return_if_fail (edges[2 * i] < n_boxes && edges[2 * i + 1] < n_boxes);

  for (guint i = 0; i < n_boxes; i++)
    {
      origin_x = MIN (origin_x, boxes[i].x);
      origin_y = MIN (origin_y, boxes[i].y);
    }

  adjacency_init (&succ, n_boxes, edges, n_edges, TRUE);
  adjacency_init (&pred, n_boxes, edges, n_edges, FALSE);

  /* 1. longest-path layers, in topological order; a loop is broken at its topmost step */
  layer = g_new0 (guint, n_boxes);
  indegree = g_new0 (guint, n_boxes);
  queue = g_new (guint, n_boxes);
  done = g_new0 (gboolean, n_boxes);
  by_position = g_new (guint, n_boxes);
  for (guint i = 0; i < n_boxes; i++)
    {
      indegree[i] = pred.start[i + 1] - pred.start[i];
      by_position[i] = i;
    }
  context.boxes = boxes;
  g_qsort_with_data (by_position, n_boxes, sizeof (guint), compare_by_position, &context);
  for (guint i = 0; i < n_boxes; i++)
    if (indegree[by_position[i]] == 0)
      queue[tail++] = by_position[i];

  while (processed < n_boxes)
    {
      guint v;

      if (head == tail)
        {
          while (done[by_position[next_forced]])
            next_forced++;
          queue[tail++] = by_position[next_forced];
        }
      v = queue[head++];
      if (done[v])
        continue;
      done[v] = TRUE;
      processed++;
      n_layers = MAX (n_layers, layer[v] + 1);
      for (guint k = succ.start[v]; k < succ.start[v + 1]; k++)
        {
          guint w = succ.items[k];

          if (done[w])
            continue;   /* a link back into a loop already broken */
          layer[w] = MAX (layer[w], layer[v] + 1);
          if (--indegree[w] == 0)
            queue[tail++] = w;
        }
    }

  /* 2. order within each layer: the person's order first, then barycentre sweeps */
  layers = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  for (guint l = 0; l < n_layers; l++)
    g_ptr_array_add (layers, g_array_new (FALSE, FALSE, sizeof (guint)));
  for (guint i = 0; i < n_boxes; i++)
    g_array_append_val (g_ptr_array_index (layers, layer[by_position[i]]), by_position[i]);

  rank = g_new0 (guint, n_boxes);
  key = g_new0 (double, n_boxes);
  context.key = key;
  context.rank = rank;
  for (guint l = 0; l < n_layers; l++)
    {
      GArray *members = g_ptr_array_index (layers, l);

      for (guint k = 0; k < members->len; k++)
        rank[g_array_index (members, guint, k)] = k;
    }

  for (guint sweep = 0; sweep < 8; sweep++)
    {
      gboolean down = sweep % 2 == 0;
      Adjacency *neighbours = down ? &pred : &succ;

      for (guint step = 1; step < n_layers; step++)
        {
          guint l = down ? step : n_layers - 1 - step;
          GArray *members = g_ptr_array_index (layers, l);

          for (guint k = 0; k < members->len; k++)
            {
              guint v = g_array_index (members, guint, k);
              double sum = 0;
              guint count = 0;

              for (guint j = neighbours->start[v]; j < neighbours->start[v + 1]; j++)
                {
                  guint u = neighbours->items[j];
                  GArray *their = g_ptr_array_index (layers, layer[u]);

                  /* positions as fractions of their column, so columns of different
                   * lengths compare */
                  sum += (rank[u] + 0.5) / their->len;
                  count++;
                }
              key[v] = count > 0 ? sum / count : (rank[v] + 0.5) / members->len;
            }
          g_qsort_with_data (members->data, members->len, sizeof (guint), compare_by_key, &context);
          for (guint k = 0; k < members->len; k++)
            rank[g_array_index (members, guint, k)] = k;
        }
    }

  /* 3. coordinates */
  column_x = g_new0 (double, n_layers + 1);
  column_x[0] = origin_x;
  for (guint l = 0; l < n_layers; l++)
    {
      GArray *members = g_ptr_array_index (layers, l);
      double widest = 0;

      for (guint k = 0; k < members->len; k++)
        widest = MAX (widest, boxes[g_array_index (members, guint, k)].width);
      column_x[l + 1] = column_x[l] + widest + CONDUIT_GRAPH_LAYOUT_LAYER_GAP;
    }

  for (guint l = 0; l < n_layers; l++)
    {
      GArray *members = g_ptr_array_index (layers, l);
      double bottom = -G_MAXDOUBLE, shift = 0;
      guint wanted = 0;

      for (guint k = 0; k < members->len; k++)
        {
          guint v = g_array_index (members, guint, k);
          double want = bottom == -G_MAXDOUBLE ? 0 : bottom;
          double sum = 0;
          guint count = 0;

          /* level with the upstream steps' middles, already placed */
          for (guint j = pred.start[v]; j < pred.start[v + 1]; j++)
            {
              guint u = pred.items[j];

              if (layer[u] < l)
                {
                  sum += boxes[u].y + boxes[u].height / 2;
                  count++;
                }
            }
          if (count > 0)
            {
              want = sum / count - boxes[v].height / 2;
              shift += want;
              wanted++;
            }
          boxes[v].y = bottom == -G_MAXDOUBLE ? want : MAX (want, bottom);
          if (count > 0)
            shift -= boxes[v].y;
          bottom = boxes[v].y + boxes[v].height + CONDUIT_GRAPH_LAYOUT_CARD_GAP;
          boxes[v].x = column_x[l];
        }

      /* pushing cards apart moved them down: lift the column by the mean of that */
      shift = wanted > 0 ? shift / wanted : 0;
      for (guint k = 0; k < members->len; k++)
        {
          guint v = g_array_index (members, guint, k);

          boxes[v].y += shift;
          top = MIN (top, boxes[v].y);
        }
    }

  for (guint i = 0; i < n_boxes; i++)
    {
      boxes[i].x = round (boxes[i].x);
      boxes[i].y = round (boxes[i].y - top + origin_y);
    }

  adjacency_clear (&succ);
  adjacency_clear (&pred);
}

static gboolean
segments_cross (double ax, double ay, double bx, double by,
                double cx, double cy, double dx, double dy)
{
  double d1 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  double d2 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  double d3 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  double d4 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);

  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/**
 * conduit_graph_layout_count_crossings:
 * @boxes: the boxes
 * @edges: pairs of box indices
 * @n_edges: how many pairs
 *
 * Counts the pairs of links that cross, each drawn straight from the middle of its source's
 * right edge to the middle of its target's left edge: how tidy a layout is.
 *
 * Returns: the number of crossing pairs
 */
guint
conduit_graph_layout_count_crossings (const ConduitLayoutBox *boxes,
                                      const guint            *edges,
                                      guint                   n_edges)
{
  guint crossings = 0;

  for (guint i = 0; i < n_edges; i++)
    for (guint j = i + 1; j < n_edges; j++)
      {
        const ConduitLayoutBox *a = &boxes[edges[2 * i]], *b = &boxes[edges[2 * i + 1]];
        const ConduitLayoutBox *c = &boxes[edges[2 * j]], *d = &boxes[edges[2 * j + 1]];

        crossings += segments_cross (a->x + a->width, a->y + a->height / 2, b->x,
                                     b->y + b->height / 2, c->x + c->width,
                                     c->y + c->height / 2, d->x, d->y + d->height / 2);
      }
  return crossings;
}

/* How far apart two rectangles are: 0 when they touch or overlap. */
static double
box_distance (const ConduitLayoutBox *a,
              const ConduitLayoutBox *b)
{
  double dx = MAX (0, MAX (a->x - (b->x + b->width), b->x - (a->x + a->width)));
  double dy = MAX (0, MAX (a->y - (b->y + b->height), b->y - (a->y + a->height)));

  return hypot (dx, dy);
}

/**
 * conduit_graph_layout_tidy_up:
 * @undo_stack: the flow's undo stack
 * @node_width: a card's width, in canvas units
 * @height_func: a card's height
 * @user_data: for @height_func
 *
 * Lays the flow out with conduit_graph_layout_layered(), as one undoable step "Tidy Up".
 * Each sticky note goes with the step nearest to it (keeping its place beside that step), or
 * stays where it is when no step is within %CONDUIT_GRAPH_LAYOUT_NOTE_REACH.
 */
void
conduit_graph_layout_tidy_up (ConduitUndoStack        *undo_stack,
                              double                   node_width,
                              ConduitLayoutHeightFunc  height_func,
                              gpointer                 user_data)
{
  ConduitFlow *flow;
  GListModel *nodes, *links, *notes;
  g_autoptr(GHashTable) index_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree ConduitLayoutBox *boxes = NULL;
  g_autofree ConduitLayoutBox *before = NULL;
  g_autofree int *anchor = NULL;
  guint n_nodes, n_notes;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (undo_stack));
  g_return_if_fail (height_func != NULL);

  flow = conduit_undo_stack_get_flow (undo_stack);
  nodes = conduit_flow_get_nodes (flow);
  links = conduit_flow_get_links (flow);
  notes = conduit_flow_get_notes (flow);
  n_nodes = g_list_model_get_n_items (nodes);
  n_notes = g_list_model_get_n_items (notes);
  if (n_nodes == 0)
    return;

  boxes = g_new0 (ConduitLayoutBox, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);

      boxes[i] = (ConduitLayoutBox) { conduit_node_get_x (node), conduit_node_get_y (node),
                                      node_width, height_func (node, user_data) };
      g_hash_table_insert (index_of, (char *)conduit_node_get_id (node), GUINT_TO_POINTER (i + 1));
    }
  before = g_memdup2 (boxes, sizeof (ConduitLayoutBox) * n_nodes);

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      guint from = GPOINTER_TO_UINT (g_hash_table_lookup (index_of,
                                                          conduit_link_get_from_node (link)));
      guint to = GPOINTER_TO_UINT (g_hash_table_lookup (index_of, conduit_link_get_to_node (link)));

      if (from == 0 || to == 0 || from == to)
        continue;
      from--;
      to--;
      g_array_append_val (edges, from);
      g_array_append_val (edges, to);
    }

  /* each note's nearest step, before anything moves */
  anchor = g_new (int, MAX (n_notes, 1));
  for (guint i = 0; i < n_notes; i++)
    {
      g_autoptr(ConduitNote) note = g_list_model_get_item (notes, i);
      ConduitLayoutBox box = { conduit_note_get_x (note), conduit_note_get_y (note),
                               conduit_note_get_width (note), conduit_note_get_height (note) };
      double best = CONDUIT_GRAPH_LAYOUT_NOTE_REACH;

      anchor[i] = -1;
      for (guint j = 0; j < n_nodes; j++)
        {
          double distance = box_distance (&box, &before[j]);

          if (distance <= best)
            {
              best = distance;
              anchor[i] = (int)j;
            }
        }
    }

  conduit_graph_layout_layered (boxes, n_nodes, (const guint *)edges->data, edges->len / 2);

  conduit_undo_stack_begin_group (undo_stack, _("Tidy Up"));
  for (guint i = 0; i < n_nodes; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);

      conduit_undo_stack_move_node (undo_stack, node, boxes[i].x, boxes[i].y);
    }
  for (guint i = 0; i < n_notes; i++)
    {
      g_autoptr(ConduitNote) note = g_list_model_get_item (notes, i);
      int j = anchor[i];

      if (j < 0)
        continue;
      conduit_undo_stack_set_note_box (undo_stack, note,
                                       round (conduit_note_get_x (note) + boxes[j].x - before[j].x),
                                       round (conduit_note_get_y (note) + boxes[j].y - before[j].y),
                                       conduit_note_get_width (note),
                                       conduit_note_get_height (note));
    }
  conduit_undo_stack_end_group (undo_stack);
}
