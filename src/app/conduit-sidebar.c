/* conduit-sidebar.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-sidebar"

#include "config.h"

#include "conduit-sidebar.h"

/* A bin that asks for a sidebar's width. Wrapped labels ask for the width of their whole text
 * on one line, and an AdwFlap gives its flap all the natural width it asks for: without a cap a
 * sidebar with long help texts takes most of the window, and a folded one covers all of it.
 * The child still gets at least its minimum width, so nothing is clipped.
 */

struct _ConduitSidebar
{
  AdwBin parent_instance;

  int    natural_width;
};

enum {
  PROP_0,
  PROP_NATURAL_WIDTH,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitSidebar, conduit_sidebar, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
sidebar_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  ConduitSidebar *self = CONDUIT_SIDEBAR (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (self));

  if (child == NULL || !gtk_widget_should_layout (child))
    {
      *minimum = *natural = 0;
      return;
    }

  gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);

  if (orientation == GTK_ORIENTATION_HORIZONTAL && self->natural_width > 0)
    *natural = MAX (*minimum, MIN (*natural, self->natural_width));
}

static void
sidebar_allocate (GtkWidget *widget,
                  int        width,
                  int        height,
                  int        baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

/**
 * conduit_sidebar_set_natural_width:
 * @self: a sidebar
 * @natural_width: the most width to ask for, or 0 for the child's own
 */
void
conduit_sidebar_set_natural_width (ConduitSidebar *self,
                                   int             natural_width)
{
  g_return_if_fail (CONDUIT_IS_SIDEBAR (self));

  if (self->natural_width == natural_width)
    return;

  self->natural_width = natural_width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NATURAL_WIDTH]);
}

/**
 * conduit_sidebar_get_natural_width:
 * @self: a sidebar
 *
 * Returns: the most width the sidebar asks for, or 0
 */
int
conduit_sidebar_get_natural_width (ConduitSidebar *self)
{
  g_return_val_if_fail (CONDUIT_IS_SIDEBAR (self), 0);
  return self->natural_width;
}

static void
conduit_sidebar_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConduitSidebar *self = CONDUIT_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_NATURAL_WIDTH:
      g_value_set_int (value, self->natural_width);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_sidebar_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConduitSidebar *self = CONDUIT_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_NATURAL_WIDTH:
      conduit_sidebar_set_natural_width (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_sidebar_class_init (ConduitSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = conduit_sidebar_get_property;
  object_class->set_property = conduit_sidebar_set_property;

  properties[PROP_NATURAL_WIDTH] =
    g_param_spec_int ("natural-width", NULL, NULL, 0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_sidebar_init (ConduitSidebar *self)
{
  /* AdwBin measures through its layout manager, not a vfunc: replace it. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self),
                                 gtk_custom_layout_new (NULL, sidebar_measure, sidebar_allocate));
}

/**
 * conduit_sidebar_new:
 *
 * Returns: (transfer floating): a sidebar bin with no width cap
 */
GtkWidget *
conduit_sidebar_new (void)
{
  return g_object_new (CONDUIT_TYPE_SIDEBAR, NULL);
}
