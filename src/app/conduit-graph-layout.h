/* conduit-graph-layout.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-undo-stack.h"

G_BEGIN_DECLS

/* Room between layers (columns) and between cards of a layer, in canvas units. */
#define CONDUIT_GRAPH_LAYOUT_LAYER_GAP  100
#define CONDUIT_GRAPH_LAYOUT_CARD_GAP   40
/* A note further than this from every step stays where it is. */
#define CONDUIT_GRAPH_LAYOUT_NOTE_REACH 400

typedef struct
{
  double x, y;            /* in: where the box is; out: where the layout puts it */
  double width, height;
} ConduitLayoutBox;

typedef double (*ConduitLayoutHeightFunc) (ConduitNode *node,
                                           gpointer     user_data);

void  conduit_graph_layout_layered    (ConduitLayoutBox        *boxes,
                                       guint                    n_boxes,
                                       const guint             *edges,
                                       guint                    n_edges);
guint conduit_graph_layout_count_crossings (const ConduitLayoutBox *boxes,
                                            const guint            *edges,
                                            guint                   n_edges);
void  conduit_graph_layout_tidy_up    (ConduitUndoStack        *undo_stack,
                                       double                   node_width,
                                       ConduitLayoutHeightFunc  height_func,
                                       gpointer                 user_data);

G_END_DECLS
