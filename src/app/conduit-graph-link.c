/* conduit-graph-link.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-link"

#include "config.h"

#include "conduit-graph-link.h"

/* The view draws links itself, all at once; this small handle at the middle of each curve is
 * what makes a link something a keyboard can reach and assistive technology can name. It
 * shows only when focused or selected. */

#define HANDLE_SIZE 14

struct _ConduitGraphLink
{
  GtkWidget    parent_instance;

  ConduitLink *link;
};

G_DEFINE_FINAL_TYPE (ConduitGraphLink, conduit_graph_link, GTK_TYPE_WIDGET)

static void
conduit_graph_link_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = *natural = HANDLE_SIZE;
}

static void
conduit_graph_link_dispose (GObject *object)
{
  ConduitGraphLink *self = (ConduitGraphLink *)object;

  g_clear_object (&self->link);

  G_OBJECT_CLASS (conduit_graph_link_parent_class)->dispose (object);
}

static void
conduit_graph_link_class_init (ConduitGraphLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_graph_link_dispose;
  widget_class->measure = conduit_graph_link_measure;

  gtk_widget_class_set_css_name (widget_class, "graphlink");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_BUTTON);
}

static void
conduit_graph_link_init (ConduitGraphLink *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

/**
 * conduit_graph_link_new:
 * @link: the link
 * @label: its name for assistive technology, e.g. "Link from Form (Items) to CRM (Items)"
 *
 * Returns: (transfer floating): a link handle
 */
GtkWidget *
conduit_graph_link_new (ConduitLink *link,
                        const char  *label)
{
  ConduitGraphLink *self;

  g_return_val_if_fail (CONDUIT_IS_LINK (link), NULL);

  self = g_object_new (CONDUIT_TYPE_GRAPH_LINK, NULL);
  self->link = g_object_ref (link);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return GTK_WIDGET (self);
}

ConduitLink *
conduit_graph_link_get_link (ConduitGraphLink *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_LINK (self), NULL);
  return self->link;
}

void
conduit_graph_link_set_selected (ConduitGraphLink *self,
                                 gboolean          selected)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_LINK (self));

  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
}
