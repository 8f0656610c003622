/* conduit-graph-view.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit-document.h"
#include "conduit-graph-viewport.h"

G_BEGIN_DECLS

#define CONDUIT_GRAPH_VIEW_DROP_PREFIX "conduit-connector:"

#define CONDUIT_TYPE_GRAPH_VIEW (conduit_graph_view_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphView, conduit_graph_view, CONDUIT, GRAPH_VIEW, GtkWidget)

GtkWidget            *conduit_graph_view_new                 (void);
ConduitDocument      *conduit_graph_view_get_document        (ConduitGraphView *self);
void                  conduit_graph_view_set_document        (ConduitGraphView *self,
                                                              ConduitDocument  *document);
ConduitGraphViewport *conduit_graph_view_get_viewport        (ConduitGraphView *self);
ConduitNode          *conduit_graph_view_get_selected_node   (ConduitGraphView *self);
GListModel           *conduit_graph_view_get_selection       (ConduitGraphView *self);
void                  conduit_graph_view_select_node         (ConduitGraphView *self,
                                                              ConduitNode      *node);
ConduitLink          *conduit_graph_view_get_selected_link   (ConduitGraphView *self);
void                  conduit_graph_view_select_link         (ConduitGraphView *self,
                                                              ConduitLink      *link);
ConduitNode          *conduit_graph_view_add_node            (ConduitGraphView *self,
                                                              const char       *connector_id);
ConduitNode          *conduit_graph_view_add_node_at         (ConduitGraphView *self,
                                                              const char       *connector_id,
                                                              double            x,
                                                              double            y);
void                  conduit_graph_view_zoom_to_fit         (ConduitGraphView *self);
ConduitNote          *conduit_graph_view_add_note            (ConduitGraphView *self);
GPtrArray            *conduit_graph_view_dup_selected_notes  (ConduitGraphView *self);
void                  conduit_graph_view_tidy_up             (ConduitGraphView *self);
gboolean              conduit_graph_view_get_snap_to_grid    (ConduitGraphView *self);
void                  conduit_graph_view_set_snap_to_grid    (ConduitGraphView *self,
                                                              gboolean          snap);
void                  conduit_graph_view_set_node_status     (ConduitGraphView *self,
                                                              const char       *node_id,
                                                              const char       *status,
                                                              guint             ok,
                                                              guint             failed,
                                                              guint             rejected);
void                  conduit_graph_view_clear_node_statuses (ConduitGraphView *self);

G_END_DECLS
