/* conduit-graph-port.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-port"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-graph-port.h"

/* The dot on a node card where a link starts or ends. It has no input handling of its own:
 * the graph view's drag gesture picks it and tells a connection drag from a node move. */

struct _ConduitGraphPort
{
  GtkWidget    parent_instance;

  ConduitNode *node;   /* weak: the card that holds this port holds the node */
  char        *port_id;
  guint        is_output : 1;
  guint        is_error : 1;
};

G_DEFINE_FINAL_TYPE (ConduitGraphPort, conduit_graph_port, GTK_TYPE_WIDGET)

#define PORT_SIZE 12

static void
conduit_graph_port_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = *natural = PORT_SIZE;
}

static void
conduit_graph_port_finalize (GObject *object)
{
  ConduitGraphPort *self = (ConduitGraphPort *)object;

  g_free (self->port_id);

  G_OBJECT_CLASS (conduit_graph_port_parent_class)->finalize (object);
}

static void
conduit_graph_port_class_init (ConduitGraphPortClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = conduit_graph_port_finalize;
  widget_class->measure = conduit_graph_port_measure;

  gtk_widget_class_set_css_name (widget_class, "graphport");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
conduit_graph_port_init (ConduitGraphPort *self)
{
}

/**
 * conduit_graph_port_new:
 * @node: the node the port belongs to
 * @spec: the port as its connector describes it
 * @is_output: whether it is an output port
 *
 * Returns: (transfer floating): a port dot
 */
GtkWidget *
conduit_graph_port_new (ConduitNode           *node,
                        const ConduitPortSpec *spec,
                        gboolean               is_output)
{
  ConduitGraphPort *self;
  g_autofree char *label = NULL;

  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_GRAPH_PORT, NULL);
  self->node = node;
  self->port_id = g_strdup (spec->id);
  self->is_output = !!is_output;
  self->is_error = !!spec->is_error;

  gtk_widget_add_css_class (GTK_WIDGET (self), is_output ? "output" : "input");
  if (spec->is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self), "error");

  label = g_strdup_printf (is_output ? _("Output “%s”") : _("Input “%s”"), spec->label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  return GTK_WIDGET (self);
}

ConduitNode *
conduit_graph_port_get_node (ConduitGraphPort *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_PORT (self), NULL);
  return self->node;
}

const char *
conduit_graph_port_get_port_id (ConduitGraphPort *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_PORT (self), NULL);
  return self->port_id;
}

gboolean
conduit_graph_port_get_is_output (ConduitGraphPort *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_PORT (self), FALSE);
  return self->is_output;
}

gboolean
conduit_graph_port_get_is_error (ConduitGraphPort *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_PORT (self), FALSE);
  return self->is_error;
}

/**
 * conduit_graph_port_set_hint:
 * @self: a port
 * @hint: (nullable): "compatible" or "incompatible" while a link is being dragged
 *
 * Marks the port so a person sees where the link they drag may go.
 */
void
conduit_graph_port_set_hint (ConduitGraphPort *self,
                             const char       *hint)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_PORT (self));

  gtk_widget_remove_css_class (GTK_WIDGET (self), "compatible");
  gtk_widget_remove_css_class (GTK_WIDGET (self), "incompatible");
  if (hint != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), hint);
}
