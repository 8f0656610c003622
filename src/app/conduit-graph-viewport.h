/* conduit-graph-viewport.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM 0.2
#define CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM 3.0

#define CONDUIT_TYPE_GRAPH_VIEWPORT (conduit_graph_viewport_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphViewport, conduit_graph_viewport, CONDUIT, GRAPH_VIEWPORT,
                      GObject)

ConduitGraphViewport *conduit_graph_viewport_new              (void);
double                conduit_graph_viewport_get_zoom         (ConduitGraphViewport *self);
void                  conduit_graph_viewport_set_zoom         (ConduitGraphViewport *self,
                                                               double                zoom);
double                conduit_graph_viewport_get_x            (ConduitGraphViewport *self);
double                conduit_graph_viewport_get_y            (ConduitGraphViewport *self);
void                  conduit_graph_viewport_set_origin       (ConduitGraphViewport *self,
                                                               double                x,
                                                               double                y);
void                  conduit_graph_viewport_pan              (ConduitGraphViewport *self,
                                                               double                dx,
                                                               double                dy);
void                  conduit_graph_viewport_zoom_at          (ConduitGraphViewport *self,
                                                               double                zoom,
                                                               double                widget_x,
                                                               double                widget_y);
void                  conduit_graph_viewport_fit              (ConduitGraphViewport *self,
                                                               double                x,
                                                               double                y,
                                                               double                width,
                                                               double                height,
                                                               double                view_width,
                                                               double                view_height,
                                                               double                margin);
void                  conduit_graph_viewport_to_canvas        (ConduitGraphViewport *self,
                                                               double                widget_x,
                                                               double                widget_y,
                                                               double               *canvas_x,
                                                               double               *canvas_y);
void                  conduit_graph_viewport_to_widget        (ConduitGraphViewport *self,
                                                               double                canvas_x,
                                                               double                canvas_y,
                                                               double               *widget_x,
                                                               double               *widget_y);

G_END_DECLS
