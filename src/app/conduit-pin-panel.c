/* conduit-pin-panel.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-pin-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-json-text.h"
#include "conduit-pin-panel.h"

/* The selected step's pinned data, in the inspector (docs/flow-format.md, "Pinned output"):
 * whether it is pinned and with what, "Pin This Output" (what the step sent out in the last
 * test run), "Edit Pinned Data" (a JSON box that says what is wrong, with line and column, as
 * the sample records box does), "Unpin", and "Run This Step", which the editor carries out.
 *
 * Every change is one step on the document's undo stack; the panel learns of it, as of undo
 * and redo, from the node's "pinned" property.
 */

struct _ConduitPinPanel
{
  AdwBin           parent_instance;

  ConduitDocument *document;
  ConduitNode     *node;
  GHashTable      *outputs;       /* (nullable) node id → (port → items), the editor's */

  GtkLabel        *status_label;
  GtkLabel        *message_label;
  GtkFlowBox      *buttons;
  GtkRevealer     *edit_revealer;
  GtkTextView     *edit_view;
  GtkLabel        *error_label;
};

enum {
  RUN_STEP,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitPinPanel, conduit_pin_panel, ADW_TYPE_BIN)

static guint signals[N_SIGNALS];

static ConduitConnector *
node_connector (ConduitNode *node)
{
  return conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                            conduit_node_get_connector_id (node));
}

/* What the step sent out in the last test run, by port: NULL when it has not run. */
static GHashTable *
last_output (ConduitPinPanel *self)
{
  if (self->outputs == NULL || self->node == NULL)
    return NULL;
  return g_hash_table_lookup (self->outputs, conduit_node_get_id (self->node));
}

static char *
describe_pinned (ConduitNode *node)
{
  JsonNode *pinned = conduit_node_get_pinned (node);
  g_autoptr(GString) ports = g_string_new (NULL);
  JsonObjectIter iter;
  const char *port;
  JsonNode *items;
  guint n_items = 0;

  if (pinned == NULL)
    return g_strdup (_("Not pinned: test runs run this step."));
  if (!JSON_NODE_HOLDS_OBJECT (pinned))
    return g_strdup (_("The pinned data cannot be used: edit it or unpin the step."));

  json_object_iter_init_ordered (&iter, json_node_get_object (pinned));
  while (json_object_iter_next_ordered (&iter, &port, &items))
    {
      if (JSON_NODE_HOLDS_ARRAY (items))
        n_items += json_array_get_length (json_node_get_array (items));
      g_string_append_printf (ports, "%s“%s”", ports->len > 0 ? ", " : "", port);
    }

  /* Translators: "Pinned: 2 items on “out”. Test runs send …" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Pinned: %u item on %s. Test runs send it on instead of "
                                       "running this step.",
                                       "Pinned: %u items on %s. Test runs send them on instead "
                                       "of running this step.", n_items),
                          n_items, ports->len > 0 ? ports->str : _("no output"));
}

/**
 * conduit_pin_panel_update:
 * @self: a pin panel
 *
 * Shows the node's pinned data and what can be done: call it when the last run's outputs
 * changed.
 */
void
conduit_pin_panel_update (ConduitPinPanel *self)
{
  GHashTable *output;
  g_autofree char *status = NULL;

  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));

  gtk_widget_set_visible (GTK_WIDGET (self), self->node != NULL);
  if (self->node == NULL)
    {
      gtk_revealer_set_reveal_child (self->edit_revealer, FALSE);
      return;
    }

  status = describe_pinned (self->node);
  gtk_label_set_text (self->status_label, status);

  output = last_output (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.pin-output",
                                 output != NULL && g_hash_table_size (output) > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.unpin",
                                 conduit_node_get_pinned (self->node) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.edit", self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.run-step", self->document != NULL);
}

static void
commit_pinned (ConduitPinPanel *self,
               JsonNode        *pinned)
{
  if (self->document == NULL || self->node == NULL)
    return;
  conduit_undo_stack_set_pinned (conduit_document_get_undo_stack (self->document), self->node,
                                 pinned);
}

/* The last run's output as pinned data: the step's ports in their declared order, so the
 * file's text does not depend on how a hash table iterates. */
static JsonNode *
pinned_from_output (ConduitPinPanel *self,
                    GHashTable      *output)
{
  ConduitConnector *connector = node_connector (self->node);
  GPtrArray *ports = connector != NULL ? conduit_connector_get_outputs (connector) : NULL;
  JsonObject *object = json_object_new ();

  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (ports, i);
      GPtrArray *items = g_hash_table_lookup (output, port->id);
      JsonArray *array;

      if (items == NULL)
        continue;
      array = json_array_sized_new (items->len);
      for (guint j = 0; j < items->len; j++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (items, j)));
      json_object_set_array_member (object, port->id, array);
    }

  return conduit_json_node_take_object (object);
}

static void
pin_output_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitPinPanel *self = CONDUIT_PIN_PANEL (widget);
  GHashTable *output = last_output (self);
  g_autoptr(JsonNode) pinned = NULL;

  if (output == NULL)
    return;
  pinned = pinned_from_output (self, output);
  commit_pinned (self, pinned);
}

static void
unpin_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitPinPanel *self = CONDUIT_PIN_PANEL (widget);

  commit_pinned (self, NULL);
  gtk_revealer_set_reveal_child (self->edit_revealer, FALSE);
}

/* The main output's items alone when that is all there is, as a person would type them; else
 * the whole object of ports. */
static char *
dup_edit_text (ConduitPinPanel *self)
{
  JsonNode *pinned = conduit_node_get_pinned (self->node);
  GHashTable *output = last_output (self);
  g_autoptr(JsonNode) from_run = NULL;
  ConduitConnector *connector = node_connector (self->node);
  GPtrArray *ports = connector != NULL ? conduit_connector_get_outputs (connector) : NULL;
  const char *main_port = NULL;

  for (guint i = 0; ports != NULL && i < ports->len && main_port == NULL; i++)
    if (!((const ConduitPortSpec *)g_ptr_array_index (ports, i))->is_error)
      main_port = ((const ConduitPortSpec *)g_ptr_array_index (ports, i))->id;

  if (pinned == NULL && output != NULL)
    pinned = from_run = pinned_from_output (self, output);
  if (pinned == NULL || !JSON_NODE_HOLDS_OBJECT (pinned))
    return g_strdup ("[\n]\n");

  if (main_port != NULL && json_object_get_size (json_node_get_object (pinned)) == 1 &&
      json_object_has_member (json_node_get_object (pinned), main_port))
    {
      g_autofree char *text =
        conduit_json_text_to_pretty (json_object_get_member (json_node_get_object (pinned), main_port));

      return g_strconcat (text, "\n", NULL);
    }

  {
    g_autofree char *text = conduit_json_text_to_pretty (pinned);

    return g_strconcat (text, "\n", NULL);
  }
}

static char *
edit_view_dup_text (ConduitPinPanel *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->edit_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Says what is wrong as the person types, and lets them pin only what can be pinned. */
static JsonNode *
check_edit_text (ConduitPinPanel *self)
{
  g_autofree char *text = edit_view_dup_text (self);
  g_autoptr(GError) error = NULL;
  ConduitConnector *connector = self->node != NULL ? node_connector (self->node) : NULL;
  JsonNode *pinned = NULL;

  if (connector == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("This step’s type is unknown, so nothing can be pinned on it"));
  else
    pinned = conduit_pinned_data_from_text (connector, text, &error);

  gtk_label_set_text (self->error_label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.save", pinned != NULL);
  return pinned;
}

static void
on_edit_text_changed (ConduitPinPanel *self)
{
  g_autoptr(JsonNode) pinned = check_edit_text (self);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitPinPanel *self = CONDUIT_PIN_PANEL (widget);
  g_autofree char *text = NULL;

  if (self->node == NULL)
    return;

  text = dup_edit_text (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->edit_view), text, -1);
  gtk_revealer_set_reveal_child (self->edit_revealer, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->edit_view));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitPinPanel *self = CONDUIT_PIN_PANEL (widget);
  g_autoptr(JsonNode) pinned = check_edit_text (self);

  if (pinned == NULL)
    return;
  commit_pinned (self, pinned);
  gtk_revealer_set_reveal_child (self->edit_revealer, FALSE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (CONDUIT_PIN_PANEL (widget)->edit_revealer, FALSE);
}

static void
run_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitPinPanel *self = CONDUIT_PIN_PANEL (widget);

  if (self->node != NULL)
    g_signal_emit (self, signals[RUN_STEP], 0, self->node);
}

static void
conduit_pin_panel_dispose (GObject *object)
{
  ConduitPinPanel *self = (ConduitPinPanel *)object;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_object (&self->document);
  g_clear_pointer (&self->outputs, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_pin_panel_parent_class)->dispose (object);
}

static void
conduit_pin_panel_class_init (ConduitPinPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_pin_panel_dispose;

  /**
   * ConduitPinPanel::run-step:
   * @node: the step to run
   *
   * "Run This Step" was asked for; the editor runs it (conduit_editor_run_step()).
   */
  signals[RUN_STEP] =
    g_signal_new ("run-step", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CONDUIT_TYPE_NODE);

  gtk_widget_class_install_action (widget_class, "pin.pin-output", NULL, pin_output_action);
  gtk_widget_class_install_action (widget_class, "pin.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "pin.unpin", NULL, unpin_action);
  gtk_widget_class_install_action (widget_class, "pin.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "pin.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "pin.run-step", NULL, run_step_action);
}

static GtkWidget *
action_button (const char *label,
               const char *action,
               const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkLabel *
wrapping_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return GTK_LABEL (label);
}

static void
conduit_pin_panel_init (ConduitPinPanel *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_("Pinned Data"));
  /* a flow box: the inspector may be as narrow as a phone's 360 px, and the buttons wrap */
  GtkWidget *buttons = gtk_flow_box_new ();
  GtkWidget *edit_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *edit_buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *run_button;
  GtkWidget *save_button;

  gtk_widget_set_margin_top (box, 12);
  gtk_widget_add_css_class (box, "pin-panel");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);

  self->status_label = wrapping_label ("dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (buttons), GTK_SELECTION_NONE);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (buttons), 6);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (buttons), 6);
  /* two a line: the step's settings come below, keep this short (one a line on a narrow
   * window: conduit_pin_panel_set_compact()) */
  self->buttons = GTK_FLOW_BOX (buttons);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (buttons), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (buttons), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (buttons), 4);
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       action_button (_("_Pin This Output"), "pin.pin-output",
                                      _("Keep what this step sent out in the last test run: later "
                                        "steps are tested against it without calling anything "
                                        "before")));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       action_button (_("_Edit Pinned Data"), "pin.edit",
                                      _("Type or change the items test runs send on from this "
                                        "step")));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons),
                       action_button (_("_Unpin"), "pin.unpin", _("Run this step again in test runs")));
  run_button = action_button (_("_Run This Step"), "pin.run-step",
                              _("Run only this step, on the pinned data or last output of the "
                                "steps before it, or the trigger’s sample items"));
  gtk_flow_box_append (GTK_FLOW_BOX (buttons), run_button);
  gtk_box_append (GTK_BOX (box), buttons);

  self->message_label = wrapping_label (NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->message_label));

  self->edit_view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_monospace (self->edit_view, TRUE);
  gtk_text_view_set_wrap_mode (self->edit_view, GTK_WRAP_WORD_CHAR);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->edit_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pinned data"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("A JSON list of items, or an object of output ports each "
                                    "with a list of items"),
                                  -1);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->edit_view));
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 160);
  gtk_widget_add_css_class (scroller, "card");
  gtk_box_append (GTK_BOX (edit_box), scroller);
  g_signal_connect_object (gtk_text_view_get_buffer (self->edit_view), "changed",
                           G_CALLBACK (on_edit_text_changed), self, G_CONNECT_SWAPPED);

  self->error_label = wrapping_label ("error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_box_append (GTK_BOX (edit_box), GTK_WIDGET (self->error_label));
  /* a screen reader reads what is wrong with the text along with the box */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->edit_view),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->error_label, NULL,
                                  -1);

  gtk_box_append (GTK_BOX (edit_buttons), action_button (_("_Cancel"), "pin.cancel", NULL));
  save_button = action_button (_("P_in"), "pin.save", _("Pin these items"));
  gtk_widget_add_css_class (save_button, "suggested-action");
  gtk_box_append (GTK_BOX (edit_buttons), save_button);
  gtk_box_append (GTK_BOX (edit_box), edit_buttons);

  self->edit_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->edit_revealer, edit_box);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->edit_revealer));

  adw_bin_set_child (ADW_BIN (self), box);
  conduit_pin_panel_update (self);
}

GtkWidget *
conduit_pin_panel_new (void)
{
  return g_object_new (CONDUIT_TYPE_PIN_PANEL, NULL);
}

/**
 * conduit_pin_panel_set_document:
 * @self: a pin panel
 * @document: (nullable): the document whose undo stack records the changes
 */
void
conduit_pin_panel_set_document (ConduitPinPanel *self,
                                ConduitDocument *document)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));

  if (g_set_object (&self->document, document))
    conduit_pin_panel_update (self);
}

ConduitNode *
conduit_pin_panel_get_node (ConduitPinPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_PIN_PANEL (self), NULL);
  return self->node;
}

/**
 * conduit_pin_panel_set_node:
 * @self: a pin panel
 * @node: (nullable): the selected step
 */
void
conduit_pin_panel_set_node (ConduitPinPanel *self,
                            ConduitNode     *node)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));

  if (self->node == node)
    return;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->node, node);
  if (node != NULL)
    g_signal_connect_swapped (node, "notify::pinned", G_CALLBACK (conduit_pin_panel_update), self);

  gtk_revealer_set_reveal_child (self->edit_revealer, FALSE);
  conduit_pin_panel_set_message (self, NULL);
  conduit_pin_panel_update (self);
}

/**
 * conduit_pin_panel_set_outputs:
 * @self: a pin panel
 * @outputs: (nullable): what steps sent out in the last test runs (conduit_step_outputs_new())
 */
void
conduit_pin_panel_set_outputs (ConduitPinPanel *self,
                               GHashTable      *outputs)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));

  if (outputs != NULL)
    g_hash_table_ref (outputs);
  g_clear_pointer (&self->outputs, g_hash_table_unref);
  self->outputs = outputs;
  conduit_pin_panel_update (self);
}

/**
 * conduit_pin_panel_set_message:
 * @self: a pin panel
 * @message: (nullable): why the step could not run, shown under its button
 */
void
conduit_pin_panel_set_message (ConduitPinPanel *self,
                               const char      *message)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
}

const char *
conduit_pin_panel_get_status_text (ConduitPinPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_PIN_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
}

const char *
conduit_pin_panel_get_message_text (ConduitPinPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_PIN_PANEL (self), NULL);
  return gtk_label_get_text (self->message_label);
}

/**
 * conduit_pin_panel_get_error_text:
 * @self: a pin panel
 *
 * Returns: what is wrong with the text in the pinned data box, empty when nothing is
 */
const char *
conduit_pin_panel_get_error_text (ConduitPinPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_PIN_PANEL (self), NULL);
  return gtk_label_get_text (self->error_label);
}

/**
 * conduit_pin_panel_set_edit_text:
 * @self: a pin panel
 * @text: what to put in the pinned data box, as typing it would
 */
void
conduit_pin_panel_set_edit_text (ConduitPinPanel *self,
                                 const char      *text)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->edit_view), text, -1);
}

/**
 * conduit_pin_panel_set_compact:
 * @self: a pin panel
 * @compact: whether the window is narrow
 *
 * A narrow window puts the buttons one a line: two side by side made a 360 px window's
 * inspector 374 px wide.
 */
void
conduit_pin_panel_set_compact (ConduitPinPanel *self,
                               gboolean         compact)
{
  g_return_if_fail (CONDUIT_IS_PIN_PANEL (self));
  gtk_flow_box_set_min_children_per_line (self->buttons, compact ? 1 : 2);
}
