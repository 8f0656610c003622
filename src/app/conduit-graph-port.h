/* conduit-graph-port.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_GRAPH_PORT (conduit_graph_port_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphPort, conduit_graph_port, CONDUIT, GRAPH_PORT, GtkWidget)

GtkWidget   *conduit_graph_port_new           (ConduitNode           *node,
                                               const ConduitPortSpec *spec,
                                               gboolean               is_output);
ConduitNode *conduit_graph_port_get_node      (ConduitGraphPort      *self);
const char  *conduit_graph_port_get_port_id   (ConduitGraphPort      *self);
gboolean     conduit_graph_port_get_is_output (ConduitGraphPort      *self);
gboolean     conduit_graph_port_get_is_error  (ConduitGraphPort      *self);
void         conduit_graph_port_set_hint      (ConduitGraphPort      *self,
                                               const char            *hint);

G_END_DECLS
