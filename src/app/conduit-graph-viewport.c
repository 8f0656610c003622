/* conduit-graph-viewport.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-viewport"

#include "config.h"

#include <math.h>

#include "conduit-graph-viewport.h"

/* Where the graph view looks: the canvas point shown at the widget's top-left corner and the
 * zoom factor (widget pixels per canvas unit). Kept apart from the widget, like libshumate's
 * ShumateViewport, so the arithmetic can be tested without a display. */

struct _ConduitGraphViewport
{
  GObject parent_instance;

  double  x;
  double  y;
  double  zoom;
};

enum {
  PROP_0,
  PROP_X,
  PROP_Y,
  PROP_ZOOM,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitGraphViewport, conduit_graph_viewport, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
conduit_graph_viewport_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  ConduitGraphViewport *self = CONDUIT_GRAPH_VIEWPORT (object);

  switch (prop_id)
    {
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_graph_viewport_class_init (ConduitGraphViewportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = conduit_graph_viewport_get_property;

  properties[PROP_X] =
    g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_Y] =
    g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL,
                         CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM, CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM, 1,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConduitGraphViewport::changed:
   *
   * Emitted once after the origin or the zoom changed, however many of them did.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
conduit_graph_viewport_init (ConduitGraphViewport *self)
{
  self->zoom = 1;
}

ConduitGraphViewport *
conduit_graph_viewport_new (void)
{
  return g_object_new (CONDUIT_TYPE_GRAPH_VIEWPORT, NULL);
}

double
conduit_graph_viewport_get_zoom (ConduitGraphViewport *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self), 1);
  return self->zoom;
}

double
conduit_graph_viewport_get_x (ConduitGraphViewport *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self), 0);
  return self->x;
}

double
conduit_graph_viewport_get_y (ConduitGraphViewport *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self), 0);
  return self->y;
}

static void
update (ConduitGraphViewport *self,
        double                x,
        double                y,
        double                zoom)
{
  gboolean changed = FALSE;

  zoom = CLAMP (zoom, CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM, CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM);
  if (!isfinite (x) || !isfinite (y))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->x != x)
    {
      self->x = x;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
      changed = TRUE;
    }
  if (self->y != y)
    {
      self->y = y;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
      changed = TRUE;
    }
  if (self->zoom != zoom)
    {
      self->zoom = zoom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
      changed = TRUE;
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (changed)
    g_signal_emit (self, signals[CHANGED], 0);
}

/**
 * conduit_graph_viewport_set_zoom:
 * @self: a viewport
 * @zoom: the zoom factor, clamped to the allowed range
 *
 * Zooms about the canvas origin shown at the top-left corner.
 */
void
conduit_graph_viewport_set_zoom (ConduitGraphViewport *self,
                                 double                zoom)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));
  update (self, self->x, self->y, zoom);
}

void
conduit_graph_viewport_set_origin (ConduitGraphViewport *self,
                                   double                x,
                                   double                y)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));
  update (self, x, y, self->zoom);
}

/**
 * conduit_graph_viewport_pan:
 * @self: a viewport
 * @dx: widget pixels to move the content right
 * @dy: widget pixels to move the content down
 */
void
conduit_graph_viewport_pan (ConduitGraphViewport *self,
                            double                dx,
                            double                dy)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));
  update (self, self->x - dx / self->zoom, self->y - dy / self->zoom, self->zoom);
}

/**
 * conduit_graph_viewport_zoom_at:
 * @self: a viewport
 * @zoom: the new zoom factor
 * @widget_x: the point, in widget coordinates, that stays where it is
 * @widget_y: likewise
 *
 * Zooms about a point, as Ctrl+scroll and pinch do about the pointer.
 */
void
conduit_graph_viewport_zoom_at (ConduitGraphViewport *self,
                                double                zoom,
                                double                widget_x,
                                double                widget_y)
{
  double cx, cy;

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));

  zoom = CLAMP (zoom, CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM, CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM);
  conduit_graph_viewport_to_canvas (self, widget_x, widget_y, &cx, &cy);
  update (self, cx - widget_x / zoom, cy - widget_y / zoom, zoom);
}

/**
 * conduit_graph_viewport_fit:
 * @self: a viewport
 * @x: left of the canvas rectangle to show
 * @y: top of it
 * @width: its width
 * @height: its height
 * @view_width: the widget's width
 * @view_height: the widget's height
 * @margin: widget pixels to keep free around the rectangle
 *
 * Shows the rectangle centred and as large as fits, but never larger than 1:1.
 */
void
conduit_graph_viewport_fit (ConduitGraphViewport *self,
                            double                x,
                            double                y,
                            double                width,
                            double                height,
                            double                view_width,
                            double                view_height,
                            double                margin)
{
  double zoom;
  double avail_w = MAX (1, view_width - 2 * margin);
  double avail_h = MAX (1, view_height - 2 * margin);

  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));

  width = MAX (width, 1);
  height = MAX (height, 1);
  zoom = MIN (1.0, MIN (avail_w / width, avail_h / height));
  zoom = CLAMP (zoom, CONDUIT_GRAPH_VIEWPORT_MIN_ZOOM, CONDUIT_GRAPH_VIEWPORT_MAX_ZOOM);

  update (self,
          x + width / 2 - view_width / 2 / zoom,
          y + height / 2 - view_height / 2 / zoom,
          zoom);
}

void
conduit_graph_viewport_to_canvas (ConduitGraphViewport *self,
                                  double                widget_x,
                                  double                widget_y,
                                  double               *canvas_x,
                                  double               *canvas_y)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));

  *canvas_x = self->x + widget_x / self->zoom;
  *canvas_y = self->y + widget_y / self->zoom;
}

void
conduit_graph_viewport_to_widget (ConduitGraphViewport *self,
                                  double                canvas_x,
                                  double                canvas_y,
                                  double               *widget_x,
                                  double               *widget_y)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_VIEWPORT (self));

  *widget_x = (canvas_x - self->x) * self->zoom;
  *widget_y = (canvas_y - self->y) * self->zoom;
}
