/* conduit-graph-node.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-node"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-graph-node.h"

/* One node of the flow as a card on the canvas: the connector's icon, the title, a line
 * summing up its key setting, a warning badge when its settings are invalid, and its ports,
 * inputs on the left and outputs on the right. The card lays its children out itself on a
 * fixed grid (see the header) and the view scales the whole card with a transform. It has no
 * gestures: the view handles clicks and drags for every card at once. */

#define ICON_SIZE 16

struct _ConduitGraphNode
{
  GtkWidget         parent_instance;

  ConduitNode      *node;
  ConduitConnector *connector;   /* nullable: a node of an unknown type */

  GtkWidget        *icon;
  GtkWidget        *title;
  GtkWidget        *badge;
  GtkWidget        *disabled_badge;  /* "Disabled", shown while the step is switched off */
  GtkWidget        *pinned_badge;    /* "Pinned", while test runs send its pinned data on */
  GtkWidget        *summary;
  GtkWidget        *status;
  GPtrArray        *inputs;       /* of ConduitGraphPort */
  GPtrArray        *outputs;
  GPtrArray        *input_labels;  /* of GtkLabel */
  GPtrArray        *output_labels;

  char             *status_name;
  guint             selected : 1;
};

G_DEFINE_FINAL_TYPE (ConduitGraphNode, conduit_graph_node, GTK_TYPE_WIDGET)

static guint
n_rows (ConduitGraphNode *self)
{
  return MAX (1, MAX (self->inputs->len, self->outputs->len));
}

double
conduit_graph_node_get_height (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), 0);

  return CONDUIT_GRAPH_NODE_HEADER + CONDUIT_GRAPH_NODE_SUMMARY +
         n_rows (self) * CONDUIT_GRAPH_NODE_PORT_ROW + CONDUIT_GRAPH_NODE_PADDING;
}

static double
row_centre (guint row)
{
  return CONDUIT_GRAPH_NODE_HEADER + CONDUIT_GRAPH_NODE_SUMMARY +
         row * CONDUIT_GRAPH_NODE_PORT_ROW + CONDUIT_GRAPH_NODE_PORT_ROW / 2.0;
}

static void
conduit_graph_node_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ConduitGraphNode *self = CONDUIT_GRAPH_NODE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = CONDUIT_GRAPH_NODE_WIDTH;
  else
    *minimum = *natural = (int)conduit_graph_node_get_height (self);
}

static void
place (GtkWidget *child,
       int        x,
       int        y,
       int        width,
       int        height)
{
  int min_w, min_h;

  if (!gtk_widget_get_visible (child))
    return;

  /* children must get at least their minimum; labels ellipsize so theirs is small */
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, MAX (width, min_w), &min_h, NULL, NULL,
                      NULL);
  gtk_widget_size_allocate (child,
                            &(GtkAllocation) { x, y + MIN (0, (height - min_h) / 2),
                                               MAX (width, min_w), MAX (height, min_h) },
                            -1);
}

static void
conduit_graph_node_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ConduitGraphNode *self = CONDUIT_GRAPH_NODE (widget);
  const int header = CONDUIT_GRAPH_NODE_HEADER;
  const int pad = 12;
  int badge_space = gtk_widget_get_visible (self->badge) ? ICON_SIZE + 8 : 0;
  int half = width / 2;
  int disabled_width = 0;

  if (gtk_widget_get_visible (self->disabled_badge))
    {
      gtk_widget_measure (self->disabled_badge, GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                          &disabled_width, NULL, NULL);
      disabled_width = MIN (disabled_width, half);
      place (self->disabled_badge, width - pad - badge_space - disabled_width, (header - 20) / 2,
             disabled_width, 20);
      badge_space += disabled_width + 4;
    }
  if (gtk_widget_get_visible (self->pinned_badge))
    {
      int pinned_width = 0;

      gtk_widget_measure (self->pinned_badge, GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                          &pinned_width, NULL, NULL);
      pinned_width = MIN (pinned_width, half);
      place (self->pinned_badge, width - pad - badge_space - pinned_width, (header - 20) / 2,
             pinned_width, 20);
      badge_space += pinned_width + 4;
    }

  place (self->icon, pad, (header - ICON_SIZE) / 2, ICON_SIZE, ICON_SIZE);
  place (self->title, pad + ICON_SIZE + 8, 0, width - 2 * pad - ICON_SIZE - 8 - badge_space,
         header);
  place (self->badge, width - pad - ICON_SIZE, (header - ICON_SIZE) / 2, ICON_SIZE, ICON_SIZE);
  place (self->summary, pad, header, width - 2 * pad, CONDUIT_GRAPH_NODE_SUMMARY);
  /* the run status floats above the card, so showing it never moves the ports */
  place (self->status, 0, -24, width, 20);

  for (guint i = 0; i < self->inputs->len; i++)
    {
      int y = (int)row_centre (i);

      place (g_ptr_array_index (self->inputs, i), -6, y - 6, 12, 12);
      place (g_ptr_array_index (self->input_labels, i), pad, y - CONDUIT_GRAPH_NODE_PORT_ROW / 2,
             half - pad - 2, CONDUIT_GRAPH_NODE_PORT_ROW);
    }
  for (guint i = 0; i < self->outputs->len; i++)
    {
      int y = (int)row_centre (i);

      place (g_ptr_array_index (self->outputs, i), width - 6, y - 6, 12, 12);
      place (g_ptr_array_index (self->output_labels, i), half + 2,
             y - CONDUIT_GRAPH_NODE_PORT_ROW / 2,
             half - pad - 2, CONDUIT_GRAPH_NODE_PORT_ROW);
    }
}

static void
conduit_graph_node_dispose (GObject *object)
{
  ConduitGraphNode *self = (ConduitGraphNode *)object;
  GtkWidget *child;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);

  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  g_clear_pointer (&self->outputs, g_ptr_array_unref);
  g_clear_pointer (&self->input_labels, g_ptr_array_unref);
  g_clear_pointer (&self->output_labels, g_ptr_array_unref);
  g_clear_object (&self->node);
  g_clear_object (&self->connector);

  G_OBJECT_CLASS (conduit_graph_node_parent_class)->dispose (object);
}

static void
conduit_graph_node_finalize (GObject *object)
{
  ConduitGraphNode *self = (ConduitGraphNode *)object;

  g_free (self->status_name);

  G_OBJECT_CLASS (conduit_graph_node_parent_class)->finalize (object);
}

static void
conduit_graph_node_class_init (ConduitGraphNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_graph_node_dispose;
  object_class->finalize = conduit_graph_node_finalize;
  widget_class->measure = conduit_graph_node_measure;
  widget_class->size_allocate = conduit_graph_node_size_allocate;

  gtk_widget_class_set_css_name (widget_class, "graphnode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
conduit_graph_node_init (ConduitGraphNode *self)
{
  self->inputs = g_ptr_array_new ();
  self->outputs = g_ptr_array_new ();
  self->input_labels = g_ptr_array_new ();
  self->output_labels = g_ptr_array_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);
}

static GtkWidget *
add_label (ConduitGraphNode *self,
           const char       *css_class,
           float             xalign)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  return label;
}

/**
 * conduit_graph_node_dup_summary:
 * @self: a card
 *
 * Returns: (transfer full): one line about the node's key setting, for the card and for
 *   assistive technology
 */
char *
conduit_graph_node_dup_summary (ConduitGraphNode *self)
{
  const char *key;
  const ConduitSettingSpec *spec;
  JsonNode *value;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);

  if (self->connector == NULL)
    return g_strdup_printf (_("Unknown node type “%s”"),
                            conduit_node_get_connector_id (self->node));

  key = conduit_connector_get_summary_setting (self->connector);
  spec = key ? conduit_connector_find_setting (self->connector, key) : NULL;
  if (spec == NULL)
    return g_strdup (conduit_connector_get_name (self->connector));

  value = conduit_node_get_setting (self->node, key);
  if (value == NULL)
    value = spec->default_value;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup_printf (_("%s: not set"), spec->label);

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      if (*text == '\0')
        return g_strdup_printf (_("%s: not set"), spec->label);
      return g_strdup (text);
    }

  {
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    g_autofree char *text = NULL;

    json_generator_set_root (generator, value);
    text = json_generator_to_data (generator, NULL);
    return g_strdup_printf ("%s: %s", spec->label, text);
  }
}

static void
update_accessible (ConduitGraphNode *self)
{
  g_autofree char *summary = conduit_graph_node_dup_summary (self);
  g_autofree char *label = NULL;
  const char *title = gtk_label_get_text (GTK_LABEL (self->title));

  if (self->connector != NULL)
    label = g_strdup_printf (_("%s, %s node"), title, conduit_connector_get_name (self->connector));
  else
    label = g_strdup (title);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, summary,
                                  -1);
}

static void
update_title (ConduitGraphNode *self)
{
  const char *title = conduit_node_get_title (self->node);

  if (title == NULL || *title == '\0')
    title = self->connector ? conduit_connector_get_name (self->connector)
                            : conduit_node_get_id (self->node);
  gtk_label_set_text (GTK_LABEL (self->title), title);
  update_accessible (self);
}

static void
update_summary (ConduitGraphNode *self)
{
  g_autofree char *summary = conduit_graph_node_dup_summary (self);

  gtk_label_set_text (GTK_LABEL (self->summary), summary);
  update_accessible (self);
}

static void
add_ports (ConduitGraphNode *self,
           GPtrArray        *specs,
           gboolean          is_output)
{
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const ConduitPortSpec *spec = g_ptr_array_index (specs, i);
      GtkWidget *port = conduit_graph_port_new (self->node, spec, is_output);
      GtkWidget *label;

      gtk_widget_set_parent (port, GTK_WIDGET (self));
      label = add_label (self, "port-label", is_output ? 1.0 : 0.0);
      gtk_label_set_text (GTK_LABEL (label), spec->label);
      if (spec->is_error)
        gtk_widget_add_css_class (label, "error");

      g_ptr_array_add (is_output ? self->outputs : self->inputs, port);
      g_ptr_array_add (is_output ? self->output_labels : self->input_labels, label);
    }
}

/**
 * conduit_graph_node_new:
 * @node: the node to show
 * @connector: (nullable): its connector, %NULL when its type is unknown
 *
 * Returns: (transfer floating): a node card
 */
/* A disabled step is drawn greyed with a "Disabled" badge; the badge is a label, so screen
 * readers say it too. Not GTK_ACCESSIBLE_STATE_DISABLED: the card still works (select, move,
 * enable again). */
static void
update_disabled (ConduitGraphNode *self)
{
  gboolean disabled = conduit_node_get_disabled (self->node);

  if (gtk_widget_get_visible (self->disabled_badge) == disabled)
    return;

  gtk_widget_set_visible (self->disabled_badge, disabled);
  if (disabled)
    gtk_widget_add_css_class (GTK_WIDGET (self), "disabled-step");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "disabled-step");
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* A pinned step shows a "Pinned" badge (a label: screen readers say it), so nobody wonders
 * why a test run did not call it (docs/flow-format.md, "Pinned output"). */
static void
update_pinned (ConduitGraphNode *self)
{
  gboolean pinned = conduit_node_get_pinned (self->node) != NULL;

  if (gtk_widget_get_visible (self->pinned_badge) == pinned)
    return;

  gtk_widget_set_visible (self->pinned_badge, pinned);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

GtkWidget *
conduit_graph_node_new (ConduitNode      *node,
                        ConduitConnector *connector)
{
  ConduitGraphNode *self;

  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);
  g_return_val_if_fail (!connector || CONDUIT_IS_CONNECTOR (connector), NULL);

  self = g_object_new (CONDUIT_TYPE_GRAPH_NODE, NULL);
  self->node = g_object_ref (node);
  g_set_object (&self->connector, connector);

  self->icon = gtk_image_new_from_icon_name (connector ? conduit_connector_get_icon_name (connector)
                                                       : "dialog-question-symbolic");
  gtk_widget_add_css_class (self->icon, "node-icon");
  gtk_widget_set_parent (self->icon, GTK_WIDGET (self));
  if (connector != NULL)
    {
      ConduitConnectorCategory category = conduit_connector_get_category (connector);

      gtk_widget_add_css_class (GTK_WIDGET (self), conduit_connector_category_to_string (category));
    }

  self->title = add_label (self, "node-title", 0.0);

  self->badge = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->badge, "warning-badge");
  gtk_widget_set_visible (self->badge, FALSE);
  gtk_widget_set_parent (self->badge, GTK_WIDGET (self));

  self->disabled_badge = add_label (self, "disabled-badge", 0.5);
  gtk_label_set_text (GTK_LABEL (self->disabled_badge), C_("card badge", "Disabled"));
  gtk_widget_set_visible (self->disabled_badge, FALSE);

  self->pinned_badge = add_label (self, "pinned-badge", 0.5);
  /* Translators: on a step's card when its output is pinned */
  gtk_label_set_text (GTK_LABEL (self->pinned_badge), C_("card badge", "Pinned"));
  gtk_widget_set_tooltip_text (self->pinned_badge,
                               _("Test runs send this step’s pinned data on instead of running it"));
  gtk_widget_set_visible (self->pinned_badge, FALSE);

  self->summary = add_label (self, "node-summary", 0.0);
  self->status = add_label (self, "node-status", 0.0);
  gtk_widget_set_visible (self->status, FALSE);

  if (connector != NULL)
    {
      add_ports (self, conduit_connector_get_inputs (connector), FALSE);
      add_ports (self, conduit_connector_get_outputs (connector), TRUE);
    }

  update_title (self);
  update_summary (self);
  update_disabled (self);
  update_pinned (self);
  g_signal_connect_swapped (node, "notify::title", G_CALLBACK (update_title), self);
  g_signal_connect_swapped (node, "notify::disabled", G_CALLBACK (update_disabled), self);
  g_signal_connect_swapped (node, "notify::pinned", G_CALLBACK (update_pinned), self);
  g_signal_connect_swapped (node, "setting-changed", G_CALLBACK (update_summary), self);

  return GTK_WIDGET (self);
}

ConduitNode *
conduit_graph_node_get_node (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);
  return self->node;
}

ConduitConnector *
conduit_graph_node_get_connector (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);
  return self->connector;
}

static int
find_port (GPtrArray  *ports,
           const char *port_id)
{
  for (guint i = 0; i < ports->len; i++)
    if (g_strcmp0 (conduit_graph_port_get_port_id (g_ptr_array_index (ports, i)), port_id) == 0)
      return (int)i;
  return -1;
}

/**
 * conduit_graph_node_get_port_anchor:
 * @self: a card
 * @is_output: an output port or an input port
 * @port_id: the port
 * @x: (out): where a link meets the port, in canvas units from the card's top-left corner
 * @y: (out): likewise
 *
 * Returns: %TRUE when the card has that port
 */
gboolean
conduit_graph_node_get_port_anchor (ConduitGraphNode *self,
                                    gboolean          is_output,
                                    const char       *port_id,
                                    double           *x,
                                    double           *y)
{
  int row;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), FALSE);

  row = find_port (is_output ? self->outputs : self->inputs, port_id);
  if (row < 0)
    return FALSE;

  *x = is_output ? CONDUIT_GRAPH_NODE_WIDTH : 0;
  *y = row_centre (row);
  return TRUE;
}

/**
 * conduit_graph_node_get_port:
 * @self: a card
 * @is_output: an output port or an input port
 * @port_id: the port
 *
 * Returns: (transfer none) (nullable): the port's dot
 */
ConduitGraphPort *
conduit_graph_node_get_port (ConduitGraphNode *self,
                             gboolean          is_output,
                             const char       *port_id)
{
  GPtrArray *ports;
  int row;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);

  ports = is_output ? self->outputs : self->inputs;
  row = find_port (ports, port_id);
  return row < 0 ? NULL : g_ptr_array_index (ports, row);
}

/**
 * conduit_graph_node_get_ports:
 * @self: a card
 *
 * Returns: (transfer container) (element-type ConduitGraphPort): inputs, then outputs
 */
GPtrArray *
conduit_graph_node_get_ports (ConduitGraphNode *self)
{
  GPtrArray *ports;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);

  ports = g_ptr_array_new ();
  g_ptr_array_extend (ports, self->inputs, NULL, NULL);
  g_ptr_array_extend (ports, self->outputs, NULL, NULL);
  return ports;
}

void
conduit_graph_node_set_selected (ConduitGraphNode *self,
                                 gboolean          selected)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_NODE (self));

  selected = !!selected;
  if (self->selected == selected)
    return;

  self->selected = selected;
  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

gboolean
conduit_graph_node_get_selected (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), FALSE);
  return self->selected;
}

/**
 * conduit_graph_node_set_problems:
 * @self: a card
 * @problems: (nullable) (element-type ConduitFlowProblem): what is wrong with the node
 *
 * Shows the warning badge, with the problems as its tooltip, when there are any.
 */
void
conduit_graph_node_set_problems (ConduitGraphNode *self,
                                 GPtrArray        *problems)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean has_problems = problems != NULL && problems->len > 0;

  g_return_if_fail (CONDUIT_IS_GRAPH_NODE (self));

  for (guint i = 0; has_problems && i < problems->len; i++)
    {
      const ConduitFlowProblem *problem = g_ptr_array_index (problems, i);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, problem->message);
    }

  gtk_widget_set_tooltip_text (self->badge, has_problems ? text->str : NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  has_problems ? text->str : "",
                                  -1);
  if (gtk_widget_get_visible (self->badge) != has_problems)
    {
      gtk_widget_set_visible (self->badge, has_problems);
      if (has_problems)
        gtk_widget_add_css_class (GTK_WIDGET (self), "invalid");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), "invalid");
    }
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_INVALID,
                               has_problems
                                 ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
}

gboolean
conduit_graph_node_get_has_problems (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), FALSE);
  return gtk_widget_get_visible (self->badge);
}

/**
 * conduit_graph_node_set_status:
 * @self: a card
 * @status: (nullable): "running", "succeeded", "failed", "skipped", or %NULL to hide
 * @ok: items that went through
 * @failed: items that failed
 * @rejected: items rejected by validation
 *
 * Shows how the node did in the last test run, above the card.
 */
void
conduit_graph_node_set_status (ConduitGraphNode *self,
                               const char       *status,
                               guint             ok,
                               guint             failed,
                               guint             rejected)
{
  g_autofree char *text = NULL;
  g_autofree char *css_class = NULL;

  g_return_if_fail (CONDUIT_IS_GRAPH_NODE (self));

  if (self->status_name != NULL)
    {
      css_class = g_strconcat ("status-", self->status_name, NULL);
      gtk_widget_remove_css_class (GTK_WIDGET (self), css_class);
      g_clear_pointer (&css_class, g_free);
    }
  g_free (self->status_name);
  self->status_name = g_strdup (status);

  gtk_widget_set_visible (self->status, status != NULL);
  if (status == NULL)
    return;

  css_class = g_strconcat ("status-", status, NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self), css_class);

  if (g_str_equal (status, "running"))
    text = g_strdup_printf (_("Running… %u done"), ok + failed + rejected);
  else if (g_str_equal (status, "skipped"))
    /* Translators: a card's badge when a run never reached the step; keep it short */
    text = g_strdup (C_("card badge", "skipped"));
  else
    {
      /* Only the counts that happened, each short: the badge is as wide as the card, and
       * "0 ok · 0 failed · 0 rejected" in German was cut off at "0 fehlgeschlag…". */
      GString *line = g_string_new (NULL);

      /* Translators: a card's badge after a test run; keep it short, the card is narrow */
      g_string_append_printf (line, C_("card badge", "%u ok"), ok);
      if (failed > 0)
        {
          g_string_append (line, " · ");
          /* Translators: a card's badge after a test run; keep it short */
          g_string_append_printf (line, C_("card badge", "%u failed"), failed);
        }
      if (rejected > 0)
        {
          g_string_append (line, " · ");
          /* Translators: a card's badge after a test run; keep it short */
          g_string_append_printf (line, C_("card badge", "%u rejected"), rejected);
        }
      text = g_string_free (line, FALSE);
    }
  gtk_label_set_text (GTK_LABEL (self->status), text);
  gtk_widget_set_tooltip_text (self->status, text);
}

const char *
conduit_graph_node_get_status (ConduitGraphNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NODE (self), NULL);
  return self->status_name;
}
