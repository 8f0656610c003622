/* conduit-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-editor.h"
#include "conduit-resources.h"
#include "conduit-sidebar.h"
#include "conduit-graph-view.h"

/* The editor page: the palette of steps on the left, the canvas in the middle and the
 * inspector of the selected step on the right. Both sidebars are AdwFlaps, so that on a narrow
 * window they fold away over the canvas instead of squeezing it.
 */

struct _ConduitEditor
{
  AdwBin            parent_instance;

  ConduitDocument  *document;
  GtkWidget        *graph_view;

  /* template children */
  AdwFlap          *palette_flap;
  AdwFlap          *inspector_flap;
  GtkOverlay       *canvas_overlay;
  GtkWidget        *add_step_button;
  ConduitPalette   *palette;
  ConduitInspector *inspector;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_SHOW_PALETTE,
  PROP_SHOW_INSPECTOR,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitEditor, conduit_editor, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void
on_connector_activated (ConduitEditor    *self,
                        ConduitConnector *connector)
{
  ConduitNode *node;

  if (self->document == NULL)
    return;

  node = conduit_graph_view_add_node (CONDUIT_GRAPH_VIEW (self->graph_view),
                                      conduit_connector_get_id (connector));
  if (node == NULL)
    return;

  /* On a narrow window the palette covers the canvas: get it out of the way so the new step
   * (selected, so its settings are in the inspector) can be seen. */
  if (adw_flap_get_folded (self->palette_flap))
    adw_flap_set_reveal_flap (self->palette_flap, FALSE);
}

static void
on_selected_node_changed (ConduitEditor *self)
{
  conduit_inspector_set_node (self->inspector,
                              conduit_graph_view_get_selected_node (CONDUIT_GRAPH_VIEW (self->graph_view)));
}

/* The canvas refused something (a link that would loop…): say why without blocking. */
static void
on_graph_message (ConduitEditor *self,
                  const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void
on_node_activated (ConduitEditor *self,
                   ConduitNode   *node)
{
  conduit_inspector_set_node (self->inspector, node);
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
  gtk_widget_child_focus (GTK_WIDGET (self->inspector), GTK_DIR_TAB_FORWARD);
}

/**
 * conduit_editor_set_document:
 * @self: an editor
 * @document: (nullable): the document to edit
 */
void
conduit_editor_set_document (ConduitEditor   *self,
                             ConduitDocument *document)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  conduit_inspector_set_document (self->inspector, document);
  conduit_graph_view_set_document (CONDUIT_GRAPH_VIEW (self->graph_view), document);
  on_selected_node_changed (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * conduit_editor_get_document:
 * @self: an editor
 *
 * Returns: (transfer none) (nullable): the document edited
 */
ConduitDocument *
conduit_editor_get_document (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->document;
}

/**
 * conduit_editor_get_palette:
 * @self: an editor
 *
 * Returns: (transfer none): the palette of steps
 */
ConduitPalette *
conduit_editor_get_palette (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->palette;
}

/**
 * conduit_editor_get_inspector:
 * @self: an editor
 *
 * Returns: (transfer none): the inspector
 */
ConduitInspector *
conduit_editor_get_inspector (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->inspector;
}

/**
 * conduit_editor_get_graph_view:
 * @self: an editor
 *
 * Returns: (transfer none): the canvas, a #ConduitGraphView
 */
GtkWidget *
conduit_editor_get_graph_view (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->graph_view;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);

  adw_flap_set_reveal_flap (self->palette_flap, TRUE);
  conduit_palette_focus_search (self->palette);
}

static void
conduit_editor_dispose (GObject *object)
{
  ConduitEditor *self = (ConduitEditor *)object;

  if (self->graph_view != NULL)
    g_signal_handlers_disconnect_by_data (self->graph_view, self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_EDITOR);
  self->graph_view = NULL;
  g_clear_object (&self->document);

  G_OBJECT_CLASS (conduit_editor_parent_class)->dispose (object);
}

static void
conduit_editor_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConduitEditor *self = CONDUIT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_SHOW_PALETTE:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->palette_flap));
      break;

    case PROP_SHOW_INSPECTOR:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->inspector_flap));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_editor_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConduitEditor *self = CONDUIT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      conduit_editor_set_document (self, g_value_get_object (value));
      break;

    case PROP_SHOW_PALETTE:
      adw_flap_set_reveal_flap (self->palette_flap, g_value_get_boolean (value));
      break;

    case PROP_SHOW_INSPECTOR:
      adw_flap_set_reveal_flap (self->inspector_flap, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_editor_class_init (ConduitEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_editor_dispose;
  object_class->get_property = conduit_editor_get_property;
  object_class->set_property = conduit_editor_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CONDUIT_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether each sidebar is shown; the header bar's toggle buttons bind to these. */
  properties[PROP_SHOW_PALETTE] =
    g_param_spec_boolean ("show-palette", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHOW_INSPECTOR] =
    g_param_spec_boolean ("show-inspector", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CONDUIT_TYPE_PALETTE);
  g_type_ensure (CONDUIT_TYPE_INSPECTOR);
  g_type_ensure (CONDUIT_TYPE_SIDEBAR);

  /* keeps the resource (and its registering constructor) linked into tests that use only
   * this widget */
  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, palette_flap);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, inspector_flap);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, canvas_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, add_step_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, palette);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, inspector);
  gtk_widget_class_bind_template_callback (widget_class, on_connector_activated);

  gtk_widget_class_install_property_action (widget_class, "editor.show-palette", "show-palette");
  gtk_widget_class_install_property_action (widget_class, "editor.show-inspector", "show-inspector");
  gtk_widget_class_install_action (widget_class, "editor.search", NULL, search_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "editor.show-palette", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "editor.show-inspector", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "editor.search", NULL);
}

static void
forward_reveal_palette (ConduitEditor *self)
{
  /* the button stands in for the palette while it is away */
  gtk_widget_set_visible (self->add_step_button, !adw_flap_get_reveal_flap (self->palette_flap));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PALETTE]);
}

static void
forward_reveal_inspector (ConduitEditor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_INSPECTOR]);
}

static void
conduit_editor_init (ConduitEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->graph_view = conduit_graph_view_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->graph_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow canvas"), -1);
  gtk_overlay_set_child (self->canvas_overlay, self->graph_view);

  g_signal_connect_swapped (self->graph_view, "notify::selected-node",
                            G_CALLBACK (on_selected_node_changed), self);
  g_signal_connect_swapped (self->graph_view, "node-activated", G_CALLBACK (on_node_activated), self);
  g_signal_connect_swapped (self->graph_view, "message", G_CALLBACK (on_graph_message), self);
  g_signal_connect_swapped (self->palette_flap, "notify::reveal-flap",
                            G_CALLBACK (forward_reveal_palette), self);
  g_signal_connect_swapped (self->inspector_flap, "notify::reveal-flap",
                            G_CALLBACK (forward_reveal_inspector), self);
  forward_reveal_palette (self);
}

/**
 * conduit_editor_new:
 *
 * Returns: (transfer floating): an editor with no document
 */
GtkWidget *
conduit_editor_new (void)
{
  return g_object_new (CONDUIT_TYPE_EDITOR, NULL);
}
