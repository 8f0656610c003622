/* conduit-graph-node.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"
#include "conduit-graph-port.h"

G_BEGIN_DECLS

/* A card's geometry in canvas units is fixed, so the view can place link ends on ports of
 * cards it has not laid out (they are off-screen). */
#define CONDUIT_GRAPH_NODE_WIDTH      220
#define CONDUIT_GRAPH_NODE_HEADER     40
#define CONDUIT_GRAPH_NODE_SUMMARY    26
#define CONDUIT_GRAPH_NODE_PORT_ROW   26
#define CONDUIT_GRAPH_NODE_PADDING    8

#define CONDUIT_TYPE_GRAPH_NODE (conduit_graph_node_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphNode, conduit_graph_node, CONDUIT, GRAPH_NODE, GtkWidget)

GtkWidget        *conduit_graph_node_new           (ConduitNode      *node,
                                                    ConduitConnector *connector);
ConduitNode      *conduit_graph_node_get_node      (ConduitGraphNode *self);
ConduitConnector *conduit_graph_node_get_connector (ConduitGraphNode *self);
double            conduit_graph_node_get_height    (ConduitGraphNode *self);
gboolean          conduit_graph_node_get_port_anchor (ConduitGraphNode *self,
                                                    gboolean          is_output,
                                                    const char       *port_id,
                                                    double           *x,
                                                    double           *y);
ConduitGraphPort *conduit_graph_node_get_port      (ConduitGraphNode *self,
                                                    gboolean          is_output,
                                                    const char       *port_id);
GPtrArray        *conduit_graph_node_get_ports     (ConduitGraphNode *self);
void              conduit_graph_node_set_selected  (ConduitGraphNode *self,
                                                    gboolean          selected);
gboolean          conduit_graph_node_get_selected  (ConduitGraphNode *self);
void              conduit_graph_node_set_problems  (ConduitGraphNode *self,
                                                    GPtrArray        *problems);
gboolean          conduit_graph_node_get_has_problems (ConduitGraphNode *self);
void              conduit_graph_node_set_status    (ConduitGraphNode *self,
                                                    const char       *status,
                                                    guint             ok,
                                                    guint             failed,
                                                    guint             rejected);
const char       *conduit_graph_node_get_status    (ConduitGraphNode *self);
char             *conduit_graph_node_dup_summary   (ConduitGraphNode *self);

G_END_DECLS
