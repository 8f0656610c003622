/* conduit-graph-view-layout.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-view"

#include "config.h"

#include "conduit-graph-layout.h"
#include "conduit-graph-view-private.h"

/* Tidy Up on the canvas: the layout itself is conduit-graph-layout.c (no GTK); the view gives it
 * the cards' heights and shows the result whole. */

static double
card_height (ConduitNode *node,
             gpointer     user_data)
{
  ConduitGraphView *self = user_data;
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);

  return card ? conduit_graph_node_get_height (card) : CONDUIT_GRAPH_NODE_HEADER * 2;
}

/**
 * conduit_graph_view_tidy_up:
 * @self: a graph view
 *
 * Lays the flow out left to right (conduit_graph_layout_tidy_up()) as one undoable step, then
 * shows the whole of it.
 */
void
conduit_graph_view_tidy_up (ConduitGraphView *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEW (self));

  if (self->undo_stack == NULL || self->cards->len == 0)
    return;

  conduit_graph_layout_tidy_up (self->undo_stack, CONDUIT_GRAPH_NODE_WIDTH, card_height, self);
  conduit_graph_view_zoom_to_fit (self);
}

static void
action_tidy_up (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  conduit_graph_view_tidy_up (CONDUIT_GRAPH_VIEW (widget));
}

void
_conduit_graph_view_class_layout_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.tidy-up", NULL, action_tidy_up);
  /* Shift+Alt+T tidies up in n8n's editor too */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_T, GDK_SHIFT_MASK | GDK_ALT_MASK,
                                       "graph.tidy-up", NULL);
}
