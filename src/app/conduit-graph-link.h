/* conduit-graph-link.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_GRAPH_LINK (conduit_graph_link_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphLink, conduit_graph_link, CONDUIT, GRAPH_LINK, GtkWidget)

GtkWidget   *conduit_graph_link_new          (ConduitLink      *link,
                                              const char       *label);
ConduitLink *conduit_graph_link_get_link     (ConduitGraphLink *self);
void         conduit_graph_link_set_selected (ConduitGraphLink *self,
                                              gboolean          selected);

G_END_DECLS
