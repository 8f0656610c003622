/* conduit-run-panel.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "conduit-item-table.h"
#include "conduit-json-text.h"
#include "conduit-resources.h"
#include "conduit-run-overlay.h"
#include "conduit-run-panel.h"
#include "conduit-webhook-info.h"

/* What the selected step did in the last test run — its state in words, its counts, the items
 * that went in and came out, and why it failed in plain words — and, for a webhook trigger,
 * the address other apps send to. It sits in the inspector, under the step's name.
 *
 * Every text shown here went through the run's redactor first, so that neither the views nor
 * the Copy buttons can hand out a secret the run used.
 */

struct _ConduitRunPanel
{
  AdwBin       parent_instance;

  ConduitNode *node;
  ConduitRun  *run;
  ConduitRunOverlay *past_run;  /* (nullable) a run from the history, shown instead of run */
  char        *webhook_url;
  char        *curl_command;

  /* template children */
  GtkWidget   *webhook_box;
  GtkLabel    *url_label;
  GtkLabel    *curl_label;
  GtkWidget   *results_box;
  GtkLabel    *results_heading;
  GtkLabel    *status_label;
  GtkLabel    *counts_label;
  GtkLabel    *explanation_label;
  GtkWidget   *input_expander;
  GtkLabel    *input_heading;
  ConduitItemTable *input_table;
  GtkWidget   *output_expander;
  GtkLabel    *output_heading;
  ConduitItemTable *output_table;
};

enum {
  PROP_0,
  PROP_NODE,
  PROP_RUN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitRunPanel, conduit_run_panel, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static ConduitConnector *
node_connector (ConduitNode *node)
{
  return conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                            conduit_node_get_connector_id (node));
}

static char *
dup_pretty_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

static void
append_items (JsonArray *array,
              GPtrArray *items)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
}

/* What reached the node: the union of what its upstream steps sent along its incoming links. */
static JsonNode *
collect_input (ConduitRun  *run,
               ConduitNode *node)
{
  ConduitFlow *flow = conduit_run_get_flow (run);
  GListModel *links = conduit_flow_get_links (flow);
  JsonArray *array = json_array_new ();
  const char *id = conduit_node_get_id (node);

  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);

      if (g_strcmp0 (conduit_link_get_to_node (link), id) == 0)
        append_items (array, conduit_run_get_node_output (run, conduit_link_get_from_node (link),
                                                          conduit_link_get_from_port (link)));
    }

  return conduit_json_node_take_array (array);
}

/* One array when a single port sent items, else an object of arrays by port. */
static JsonNode *
collect_output (ConduitRun       *run,
                ConduitNode      *node,
                ConduitConnector *connector,
                guint            *n_items)
{
  GPtrArray *ports = connector ? conduit_connector_get_outputs (connector) : NULL;
  JsonObject *by_port = json_object_new ();
  JsonNode *result;

  *n_items = 0;
  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (ports, i);
      GPtrArray *items = conduit_run_get_node_output (run, conduit_node_get_id (node), port->id);
      JsonArray *array;

      if (items == NULL || items->len == 0)
        continue;

      array = json_array_new ();
      append_items (array, items);
      json_object_set_array_member (by_port, port->id, array);
      *n_items += items->len;
    }

  if (json_object_get_size (by_port) == 1)
    {
      g_autoptr(GList) members = json_object_get_members (by_port);
      result = json_node_copy (json_object_get_member (by_port, members->data));
    }
  else if (json_object_get_size (by_port) == 0)
    result = conduit_json_node_take_array (json_array_new ());
  else
    result = conduit_json_node_take_object (by_port);

  json_object_unref (by_port);
  return result;
}

/* The Port column says what the step's card says ("Rejected"), not the port's id. */
static void
set_port_titles (ConduitRunPanel  *self,
                 ConduitConnector *connector)
{
  GPtrArray *ports = connector != NULL ? conduit_connector_get_outputs (connector) : NULL;
  g_autoptr(GHashTable) titles = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; ports != NULL && i < ports->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (ports, i);

      if (port->label != NULL)
        g_hash_table_insert (titles, (gpointer)port->id, (gpointer)port->label);
    }
  conduit_item_table_set_port_titles (self->output_table, titles);
}

/* The table and its JSON show what the run's redactor left of the items: a secret the run
 * used is neither in a cell nor in what Copy hands out. */
static void
set_table_items (ConduitRunPanel  *self,
                 ConduitItemTable *table,
                 JsonNode         *json)
{
  g_autofree char *text = dup_pretty_json (json);
  g_autofree char *redacted = conduit_run_redact (self->run, text);
  g_autoptr(JsonNode) shown = json_from_string (redacted, NULL);

  if (shown == NULL)
    {
      shown = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (shown, redacted);
    }
  conduit_item_table_set_json (table, shown);
  conduit_item_table_set_note (table, NULL);
}

static const char *
state_in_words (const char *state)
{
  if (g_strcmp0 (state, "running") == 0)
    return _("Running…");
  if (g_strcmp0 (state, "ok") == 0)
    return _("Succeeded");
  if (g_strcmp0 (state, "partial") == 0)
    return _("Finished, but some items did not get through");
  if (g_strcmp0 (state, "failed") == 0)
    return _("Failed");
  if (g_strcmp0 (state, "skipped") == 0)
    return _("Did not run: nothing reached this step");
  if (g_strcmp0 (state, "cancelled") == 0)
    return _("Stopped before it finished");
  if (g_strcmp0 (state, "pinned") == 0)
    return _("Not run: its pinned data was sent on");
  return _("Waiting for the steps before it");
}

static const char *
state_style (const char *state)
{
  if (g_strcmp0 (state, "ok") == 0)
    return "success";
  if (g_strcmp0 (state, "partial") == 0 || g_strcmp0 (state, "cancelled") == 0)
    return "warning";
  if (g_strcmp0 (state, "failed") == 0)
    return "error";
  return NULL;
}

static char *
dup_explanation (ConduitRunPanel  *self,
                 ConduitConnector *connector)
{
  g_autofree char *sentence = conduit_run_explain_node (self->run, self->node, connector);

  return sentence ? conduit_run_redact (self->run, sentence) : NULL;
}

static void
update_webhook (ConduitRunPanel *self)
{
  gboolean is_webhook = self->node != NULL &&
                        g_strcmp0 (conduit_node_get_connector_id (self->node), "webhook-trigger") == 0;

  g_clear_pointer (&self->webhook_url, g_free);
  g_clear_pointer (&self->curl_command, g_free);

  if (is_webhook)
    {
      self->webhook_url = conduit_webhook_info_dup_url (self->node);
      self->curl_command = conduit_webhook_info_dup_curl_command (self->node);
    }

  gtk_widget_set_visible (self->webhook_box, is_webhook);
  gtk_label_set_text (self->url_label, self->webhook_url
                                         ? self->webhook_url
                                         : _("A free port is picked when the flow is served; set a port to get an address that stays the same."));
  gtk_label_set_text (self->curl_label, self->curl_command ? self->curl_command : "");
  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->curl_label)),
                          self->curl_command != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run-panel.copy-url", self->webhook_url != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "run-panel.copy-curl",
                                 self->curl_command != NULL);
}

static void
show_state (ConduitRunPanel *self,
            const char      *text,
            const char      *state)
{
  const char *style = state_style (state);

  gtk_label_set_text (self->status_label, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), style);
}

static void
set_heading (GtkWidget  *expander,
             GtkLabel   *heading,
             const char *text)
{
  gtk_label_set_text (heading, text);
  /* GTK 4.8's expander does not take its name from a label widget: a screen reader would say
   * "GtkExpander" */
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
}

/* The items of a run from the history are what the history kept: a big run keeps a sample,
 * and the table says so with the whole count. They were redacted before they were written. */
static void
show_past_items (ConduitItemTable  *table,
                 ConduitRunOverlay *past_run,
                 const char        *node_id,
                 gboolean           is_output)
{
  g_autoptr(GPtrArray) ports = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *note = conduit_run_overlay_dup_items_note (past_run, node_id, is_output);

  items = conduit_run_overlay_dup_node_items (past_run, node_id, is_output, &ports);

  conduit_item_table_set_items (table, items, ports);
  conduit_item_table_set_note (table, note);
}

/* The selected step in a run opened from the history, as the history recorded it. */
static void
update_past_run (ConduitRunPanel *self)
{
  g_autofree char *heading = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *in_heading = NULL;
  g_autofree char *out_heading = NULL;
  ConduitConnector *connector;
  const char *node_id;
  const char *state;
  const char *error;
  guint items_in = 0, items_ok = 0, items_failed = 0, items_rejected = 0;
  gboolean has_items;

  gtk_widget_set_visible (self->results_box, self->node != NULL);
  if (self->node == NULL)
    return;

  /* Translators: the heading of the run panel while the canvas shows a run from the history */
  heading = g_strdup_printf (_("Run #%" PRId64),
                             conduit_run_overlay_get_run_id (self->past_run));
  gtk_label_set_text (self->results_heading, heading);
  node_id = conduit_node_get_id (self->node);
  connector = node_connector (self->node);
  set_port_titles (self, connector);
  state = conduit_run_overlay_get_node_state (self->past_run, node_id);
  if (state == NULL)
    {
      /* a step added since the run, or one the run never reached: nothing to show, and no
       * guess either */
      show_state (self, _("Not in this run: the step was added since, or the run never reached it"),
                  NULL);
      gtk_label_set_text (self->counts_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), FALSE);
      gtk_widget_set_visible (self->input_expander, FALSE);
      gtk_widget_set_visible (self->output_expander, FALSE);
      return;
    }

  show_state (self, state_in_words (state), state);
  conduit_run_overlay_get_node_counts (self->past_run, node_id, &items_in, &items_ok,
                                       &items_failed, &items_rejected);
  counts = g_strdup_printf (_("%u in · %u ok · %u failed · %u rejected"),
                            items_in, items_ok, items_failed, items_rejected);
  gtk_label_set_text (self->counts_label, counts);
  error = conduit_run_overlay_get_node_error (self->past_run, node_id);
  gtk_label_set_text (self->explanation_label, error != NULL ? error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), error != NULL);

  has_items = g_strcmp0 (state, "skipped") != 0 && g_strcmp0 (state, "pending") != 0;
  show_past_items (self->input_table, self->past_run, node_id, FALSE);
  in_heading = g_strdup_printf (_("Items In (%u)"), items_in);
  set_heading (self->input_expander, self->input_heading, in_heading);
  gtk_widget_set_visible (self->input_expander,
                          has_items &&
                          (connector == NULL || conduit_connector_get_inputs (connector)->len > 0));
  show_past_items (self->output_table, self->past_run, node_id, TRUE);
  out_heading = g_strdup_printf (_("Items Out (%u)"), items_ok + items_failed + items_rejected);
  set_heading (self->output_expander, self->output_heading, out_heading);
  gtk_widget_set_visible (self->output_expander, has_items);
}

/**
 * conduit_run_panel_update:
 * @self: a run panel
 *
 * Shows the node's part in the run again; the editor calls it as the run makes progress.
 */
void
conduit_run_panel_update (ConduitRunPanel *self)
{
  const char *state;
  gboolean has_items;
  ConduitConnector *connector;
  guint items_in = 0, items_ok = 0, items_failed = 0, items_rejected = 0, n_out = 0;
  g_autofree char *counts = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *in_heading = NULL;
  g_autofree char *out_heading = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) output = NULL;

  g_return_if_fail (CONDUIT_IS_RUN_PANEL (self));

  update_webhook (self);
  if (self->past_run != NULL)
    {
      update_past_run (self);
      return;
    }
  gtk_label_set_text (self->results_heading, _("Last Test Run"));

  state = self->run && self->node
          ? conduit_run_get_node_state (self->run, conduit_node_get_id (self->node))
          : NULL;
  gtk_widget_set_visible (self->results_box, state != NULL);
  if (state == NULL)
    return;

  /* A step that was skipped, or is still waiting, has no items to show. */
  has_items = g_strcmp0 (state, "skipped") != 0 && g_strcmp0 (state, "pending") != 0;
  connector = node_connector (self->node);
  set_port_titles (self, connector);
  conduit_run_get_node_counts (self->run, conduit_node_get_id (self->node),
                               &items_in, &items_ok, &items_failed, &items_rejected);

  show_state (self, state_in_words (state), state);

  /* Translators: counts of one step in a test run */
  counts = g_strdup_printf (_("%u in · %u ok · %u failed · %u rejected"),
                            items_in, items_ok, items_failed, items_rejected);
  gtk_label_set_text (self->counts_label, counts);

  explanation = dup_explanation (self, connector);
  gtk_label_set_text (self->explanation_label, explanation ? explanation : "");
  gtk_widget_set_visible (GTK_WIDGET (self->explanation_label), explanation != NULL);

  input = collect_input (self->run, self->node);
  set_table_items (self, self->input_table, input);
  in_heading = g_strdup_printf (_("Items In (%u)"),
                                json_array_get_length (json_node_get_array (input)));
  gtk_label_set_text (self->input_heading, in_heading);
  /* GTK 4.8's expander does not take its name from a label widget: a screen reader would say
   * "GtkExpander" */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input_expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, in_heading, -1);
  gtk_widget_set_visible (self->input_expander,
                          has_items &&
                          (connector == NULL || conduit_connector_get_inputs (connector)->len > 0));

  output = collect_output (self->run, self->node, connector, &n_out);
  set_table_items (self, self->output_table, output);
  out_heading = g_strdup_printf (_("Items Out (%u)"), n_out);
  gtk_label_set_text (self->output_heading, out_heading);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->output_expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, out_heading, -1);
  gtk_widget_set_visible (self->output_expander, has_items);
}

static char *
dup_view_text (ConduitItemTable *table)
{
  return conduit_item_table_dup_json_text (table);
}

static void
copy_text (ConduitRunPanel *self,
           const char      *text)
{
  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitRunPanel *self = CONDUIT_RUN_PANEL (widget);

  if (g_str_equal (action_name, "run-panel.copy-url"))
    copy_text (self, self->webhook_url);
  else if (g_str_equal (action_name, "run-panel.copy-curl"))
    copy_text (self, self->curl_command);
  else
    {
      g_autofree char *text = dup_view_text (g_str_equal (action_name, "run-panel.copy-input")
                                             ? self->input_table : self->output_table);
      copy_text (self, text);
    }
}

static void
conduit_run_panel_dispose (GObject *object)
{
  ConduitRunPanel *self = (ConduitRunPanel *)object;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_RUN_PANEL);
  g_clear_object (&self->node);
  g_clear_object (&self->run);
  g_clear_object (&self->past_run);

  G_OBJECT_CLASS (conduit_run_panel_parent_class)->dispose (object);
}

static void
conduit_run_panel_finalize (GObject *object)
{
  ConduitRunPanel *self = (ConduitRunPanel *)object;

  g_free (self->webhook_url);
  g_free (self->curl_command);

  G_OBJECT_CLASS (conduit_run_panel_parent_class)->finalize (object);
}

static void
conduit_run_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ConduitRunPanel *self = CONDUIT_RUN_PANEL (object);

  switch (prop_id)
    {
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    case PROP_RUN:
      g_value_set_object (value, self->run);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_run_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ConduitRunPanel *self = CONDUIT_RUN_PANEL (object);

  switch (prop_id)
    {
    case PROP_NODE:
      conduit_run_panel_set_node (self, g_value_get_object (value));
      break;

    case PROP_RUN:
      conduit_run_panel_set_run (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_run_panel_class_init (ConduitRunPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_run_panel_dispose;
  object_class->finalize = conduit_run_panel_finalize;
  object_class->get_property = conduit_run_panel_get_property;
  object_class->set_property = conduit_run_panel_set_property;

  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, CONDUIT_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUN] =
    g_param_spec_object ("run", NULL, NULL, CONDUIT_TYPE_RUN,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  (void)conduit_get_resource ();
  g_type_ensure (CONDUIT_TYPE_ITEM_TABLE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/conduit/Conduit/conduit-run-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, webhook_box);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, url_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, curl_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, results_box);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, results_heading);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, counts_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, input_expander);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, input_heading);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, input_table);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, output_expander);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, output_heading);
  gtk_widget_class_bind_template_child (widget_class, ConduitRunPanel, output_table);

  gtk_widget_class_install_action (widget_class, "run-panel.copy-url", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "run-panel.copy-curl", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "run-panel.copy-input", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "run-panel.copy-output", NULL, copy_action);
}

static void
conduit_run_panel_init (ConduitRunPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  conduit_item_table_set_name (self->input_table, _("Items that went in"));
  conduit_item_table_set_name (self->output_table, _("Items that came out"));
  update_webhook (self);
}

/**
 * conduit_run_panel_new:
 *
 * Returns: (transfer floating): a panel with no node and no run
 */
GtkWidget *
conduit_run_panel_new (void)
{
  return g_object_new (CONDUIT_TYPE_RUN_PANEL, NULL);
}

/**
 * conduit_run_panel_get_node:
 * @self: a run panel
 *
 * Returns: (transfer none) (nullable): the node shown
 */
ConduitNode *
conduit_run_panel_get_node (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->node;
}

/**
 * conduit_run_panel_set_node:
 * @self: a run panel
 * @node: (nullable): the node to show
 */
void
conduit_run_panel_set_node (ConduitRunPanel *self,
                            ConduitNode     *node)
{
  g_return_if_fail (CONDUIT_IS_RUN_PANEL (self));
  g_return_if_fail (!node || CONDUIT_IS_NODE (node));

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  if (!g_set_object (&self->node, node))
    return;

  /* The address follows the port and path settings as they are typed. */
  if (node != NULL)
    g_signal_connect_swapped (node, "setting-changed", G_CALLBACK (update_webhook), self);

  conduit_run_panel_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

/**
 * conduit_run_panel_get_run:
 * @self: a run panel
 *
 * Returns: (transfer none) (nullable): the run shown
 */
ConduitRun *
conduit_run_panel_get_run (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->run;
}

/**
 * conduit_run_panel_set_run:
 * @self: a run panel
 * @run: (nullable): a run that keeps its outputs, see conduit_run_set_keep_outputs()
 */
void
conduit_run_panel_set_run (ConduitRunPanel *self,
                           ConduitRun      *run)
{
  g_return_if_fail (CONDUIT_IS_RUN_PANEL (self));
  g_return_if_fail (!run || CONDUIT_IS_RUN (run));

  if (!g_set_object (&self->run, run))
    return;

  conduit_run_panel_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUN]);
}

/**
 * conduit_run_panel_get_status_text:
 * @self: a run panel
 *
 * Returns: the node's state in the run, in words
 */
const char *
conduit_run_panel_get_status_text (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/**
 * conduit_run_panel_get_counts_text:
 * @self: a run panel
 *
 * Returns: the node's counts in the run
 */
const char *
conduit_run_panel_get_counts_text (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return gtk_label_get_text (self->counts_label);
}

/**
 * conduit_run_panel_get_explanation_text:
 * @self: a run panel
 *
 * Returns: why the node failed, in plain words, or "" when it did not
 */
const char *
conduit_run_panel_get_explanation_text (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return gtk_label_get_text (self->explanation_label);
}

/**
 * conduit_run_panel_dup_input_text:
 * @self: a run panel
 *
 * Returns: (transfer full): the items that went in, as shown
 */
char *
conduit_run_panel_dup_input_text (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return dup_view_text (self->input_table);
}

/**
 * conduit_run_panel_dup_output_text:
 * @self: a run panel
 *
 * Returns: (transfer full): the items that came out, as shown
 */
char *
conduit_run_panel_dup_output_text (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return dup_view_text (self->output_table);
}

/**
 * conduit_run_panel_get_webhook_url:
 * @self: a run panel
 *
 * Returns: (nullable): the address of the webhook trigger shown
 */
const char *
conduit_run_panel_get_webhook_url (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->webhook_url;
}

/**
 * conduit_run_panel_get_curl_command:
 * @self: a run panel
 *
 * Returns: (nullable): the command that sends the trigger's sample event
 */
const char *
conduit_run_panel_get_curl_command (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->curl_command;
}

/**
 * conduit_run_panel_set_past_run:
 * @self: a run panel
 * @past_run: (nullable): a run from the history to show instead of the test run, or %NULL to
 *   show the test run again
 */
void
conduit_run_panel_set_past_run (ConduitRunPanel   *self,
                                ConduitRunOverlay *past_run)
{
  g_return_if_fail (CONDUIT_IS_RUN_PANEL (self));
  g_return_if_fail (past_run == NULL || CONDUIT_IS_RUN_OVERLAY (past_run));

  if (g_set_object (&self->past_run, past_run))
    conduit_run_panel_update (self);
}

/**
 * conduit_run_panel_get_input_table:
 * @self: a run panel
 *
 * Returns: (transfer none): the table of the items that went in
 */
ConduitItemTable *
conduit_run_panel_get_input_table (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->input_table;
}

/**
 * conduit_run_panel_get_output_table:
 * @self: a run panel
 *
 * Returns: (transfer none): the table of the items that came out
 */
ConduitItemTable *
conduit_run_panel_get_output_table (ConduitRunPanel *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_PANEL (self), NULL);
  return self->output_table;
}
