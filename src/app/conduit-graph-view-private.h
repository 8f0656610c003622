/* conduit-graph-view-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-graph-link.h"
#include "conduit-graph-node.h"
#include "conduit-graph-view.h"

G_BEGIN_DECLS

/* What the gestures call, exposed so tests and the benchmark can drive the real code paths:
 * GTK 4.8 cannot synthesise pointer events. Coordinates are the view's. */
gboolean          conduit_graph_view_drag_begin        (ConduitGraphView *self,
                                                        double            x,
                                                        double            y,
                                                        GdkModifierType   modifiers);
void              conduit_graph_view_drag_update       (ConduitGraphView *self,
                                                        double            offset_x,
                                                        double            offset_y);
void              conduit_graph_view_drag_end          (ConduitGraphView *self,
                                                        double            offset_x,
                                                        double            offset_y);
void              conduit_graph_view_click             (ConduitGraphView *self,
                                                        guint             button,
                                                        int               n_press,
                                                        double            x,
                                                        double            y);
void              conduit_graph_view_scroll            (ConduitGraphView *self,
                                                        double            dx,
                                                        double            dy,
                                                        double            pointer_x,
                                                        double            pointer_y,
                                                        GdkModifierType   modifiers);
void              conduit_graph_view_zoom_gesture_begin (ConduitGraphView *self);
void              conduit_graph_view_zoom_gesture      (ConduitGraphView *self,
                                                        double            scale,
                                                        double            x,
                                                        double            y);
gboolean          conduit_graph_view_drop              (ConduitGraphView *self,
                                                        const char       *value,
                                                        double            x,
                                                        double            y);
ConduitGraphNode *conduit_graph_view_get_card          (ConduitGraphView *self,
                                                        ConduitNode      *node);
ConduitGraphLink *conduit_graph_view_get_link_handle   (ConduitGraphView *self,
                                                        ConduitLink      *link);
gboolean          conduit_graph_view_get_port_point    (ConduitGraphView *self,
                                                        ConduitNode      *node,
                                                        gboolean          is_output,
                                                        const char       *port_id,
                                                        double           *x,
                                                        double           *y);
GtkPopover       *conduit_graph_view_get_popover       (ConduitGraphView *self);
guint             conduit_graph_view_get_n_shown_cards (ConduitGraphView *self);
void              conduit_graph_view_set_naive         (ConduitGraphView *self,
                                                        gboolean          naive);

G_END_DECLS
