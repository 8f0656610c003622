/* conduit-inspector.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-db-table-picker.h"
#include "conduit-inspector.h"
#include "conduit-mapping-editor.h"
#include "conduit-palette.h"
#include "conduit-resources.h"

/* The sidebar that edits what is selected: a node's name, settings and notes, or, when
 * nothing is selected, the flow's name, owner and description. The settings form is generated
 * from the connector's setting specs, one ConduitSettingRow each.
 *
 * Every edit goes through the commit_*() functions below and nowhere else, so that one place
 * decides how changes are recorded (the document's undo stack). The inspector then learns of
 * the change like any other view, from the node's and the flow's signals, which is also how
 * undo, redo and edits on the canvas reach it.
 */

struct _ConduitInspector
{
  AdwBin            parent_instance;

  ConduitDocument  *document;
  ConduitFlow      *flow;
  ConduitNode      *node;
  ConduitConnector *connector;
  GHashTable       *rows;            /* setting key → ConduitSettingRow */
  GStrv             credential_ids;
  GHashTable       *credential_names;  /* (nullable): id → name or id, of those in the keyring */

  /* template children */
  GtkStack         *stack;
  AdwEntryRow      *flow_name_row;
  AdwEntryRow      *flow_owner_row;
  GtkTextView      *flow_description_view;
  GtkImage         *node_icon;
  GtkLabel         *node_kind_label;
  GtkLabel         *node_kind_description;
  GtkLabel         *problems_label;
  AdwEntryRow      *title_row;
  GtkSwitch        *disabled_switch;
  GtkTextView      *notes_view;
  GtkBox           *mapping_slot;
  GtkLabel         *mapping_summary_label;
  GtkButton        *edit_mapping_button;
  GtkBox           *run_slot;
  GtkLabel         *no_settings_label;
  GtkBox           *settings_box;

  guint             updating : 1;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_NODE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitInspector, conduit_inspector, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

/* ---- recording changes ---------------------------------------------------------------- */

/* These four functions are the only writers. Each change is one step on the document's undo
 * stack; the stack merges consecutive edits of one field, so typing a word is one undo step. */

static ConduitUndoStack *
undo_stack (ConduitInspector *self)
{
  return conduit_document_get_undo_stack (self->document);
}

static void
commit_setting (ConduitInspector *self,
                const char       *key,
                JsonNode         *value)
{
  conduit_undo_stack_set_setting (undo_stack (self), self->node, key, value);
}

static void
commit_title (ConduitInspector *self,
              const char       *title)
{
  conduit_undo_stack_set_title (undo_stack (self), self->node, title);
}

static void
commit_notes (ConduitInspector *self,
              const char       *notes)
{
  conduit_undo_stack_set_notes (undo_stack (self), self->node, notes);
}

static void
commit_flow_property (ConduitInspector *self,
                      const char       *property,
                      const char       *value)
{
  conduit_undo_stack_set_flow_property (undo_stack (self), property, value);
}

/* ---- small helpers -------------------------------------------------------------------- */

static char *
text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Only touches the field when its text differs, so that the echo of a person's own typing does
 * not move the cursor. */
static void
show_text (ConduitInspector *self,
           GtkWidget        *widget,
           const char       *text)
{
  self->updating = TRUE;

  if (text == NULL)
    text = "";

  if (GTK_IS_TEXT_VIEW (widget))
    {
      g_autofree char *current = text_view_dup_text (GTK_TEXT_VIEW (widget));

      if (g_strcmp0 (current, text) != 0)
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
    }
  else if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) != 0)
    {
      gtk_editable_set_text (GTK_EDITABLE (widget), text);
    }

  self->updating = FALSE;
}

static const char *
empty_to_null (const char *text)
{
  return (text != NULL && *text != '\0') ? text : NULL;
}

/* ---- the flow page -------------------------------------------------------------------- */

static void
update_flow_page (ConduitInspector *self)
{
  if (self->flow == NULL)
    return;

  show_text (self, GTK_WIDGET (self->flow_name_row), conduit_flow_get_name (self->flow));
  show_text (self, GTK_WIDGET (self->flow_owner_row), conduit_flow_get_owner (self->flow));
  show_text (self, GTK_WIDGET (self->flow_description_view), conduit_flow_get_description (self->flow));
}

static void
on_flow_name_changed (ConduitInspector *self)
{
  if (!self->updating && self->flow != NULL)
    commit_flow_property (self, "name", gtk_editable_get_text (GTK_EDITABLE (self->flow_name_row)));
}

static void
on_flow_owner_changed (ConduitInspector *self)
{
  if (!self->updating && self->flow != NULL)
    commit_flow_property (self, "owner", gtk_editable_get_text (GTK_EDITABLE (self->flow_owner_row)));
}

static void
on_flow_description_changed (ConduitInspector *self)
{
  g_autofree char *text = NULL;

  if (self->updating || self->flow == NULL)
    return;

  text = text_view_dup_text (self->flow_description_view);
  commit_flow_property (self, "description", text);
}

/* ---- the node page -------------------------------------------------------------------- */

static char *
required_message (const ConduitSettingSpec *spec)
{
  return g_strdup_printf (_("Fill in “%s”: the step cannot run without it."), spec->label);
}

/* What is wrong with one setting's value, in words, or NULL. */
static char *
check_setting (ConduitInspector         *self,
               const ConduitSettingSpec *spec)
{
  JsonNode *value = conduit_node_get_setting (self->node, spec->key);
  char *message = NULL;

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return (spec->required && spec->default_value == NULL) ? required_message (spec) : NULL;

  if (!conduit_setting_spec_check_value (spec, value, &message))
    return message;

  if (spec->required && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING && *json_node_get_string (value) == '\0')
    return required_message (spec);

  return NULL;
}

/* The rows show their own messages; the rest of what the flow check finds about this node (an
 * unknown setting, a broken mapping) is listed at the top of the page. */
static void
validate (ConduitInspector *self)
{
  g_autoptr(GString) others = g_string_new (NULL);
  g_autoptr(GPtrArray) problems = NULL;
  GHashTableIter iter;
  gpointer row;

  if (self->node == NULL)
    return;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    {
      g_autofree char *message = check_setting (self, conduit_setting_row_get_spec (row));
      conduit_setting_row_set_message (row, message);
    }

  if (self->flow != NULL)
    problems = conduit_flow_check_node (self->flow, conduit_connector_registry_get_default (),
                                        self->node);

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      ConduitFlowProblem *problem = g_ptr_array_index (problems, i);
      const char *settings = strstr (problem->pointer, "/settings");
      g_autofree char *key = NULL;

      /* ".../settings" (a required setting is missing) and ".../settings/<key>" of a setting
       * with a row (or one of its values, ".../settings/headers/<name>") are already shown
       * beside that setting. */
      if (settings != NULL && settings[strlen ("/settings")] == '/')
        key = g_strndup (settings + strlen ("/settings/"),
                         strcspn (settings + strlen ("/settings/"), "/"));
      if (settings != NULL &&
          (settings[strlen ("/settings")] == '\0' ||
           (key != NULL && g_hash_table_contains (self->rows, key))))
        continue;

      if (others->len > 0)
        g_string_append_c (others, '\n');
      g_string_append (others, problem->message);
    }

  gtk_label_set_text (self->problems_label, others->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), others->len > 0);

  if (self->flow != NULL && g_strcmp0 (conduit_node_get_connector_id (self->node), "mapping") == 0)
    {
      g_autofree char *summary = conduit_mapping_editor_describe (self->flow, self->node);

      gtk_label_set_text (self->mapping_summary_label, summary);
    }
}

/* The table needs more room than the sidebar has. */
static void
on_edit_mapping_clicked (ConduitInspector *self)
{
  if (self->node != NULL && self->document != NULL)
    conduit_mapping_editor_open_window (GTK_WIDGET (self), self->document, self->node);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
update_credential_suggestions (ConduitInspector *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer row;

  if (self->flow != NULL)
    {
      g_autoptr(GPtrArray) used = conduit_flow_list_credential_ids (self->flow,
                                                                   conduit_connector_registry_get_default ());

      for (guint i = 0; i < used->len; i++)
        g_ptr_array_add (ids, g_strdup (g_ptr_array_index (used, i)));
    }

  for (guint i = 0; self->credential_ids != NULL && self->credential_ids[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (ids, self->credential_ids[i], g_str_equal, NULL))
      g_ptr_array_add (ids, g_strdup (self->credential_ids[i]));

  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    if (conduit_setting_row_get_spec (row)->type == CONDUIT_SETTING_CREDENTIAL)
      {
        conduit_setting_row_set_suggestion_names (row, self->credential_names);
        conduit_setting_row_set_suggestions (row, (const char * const *)ids->pdata);
      }
}

static void
on_setting_row_changed (ConduitInspector  *self,
                        JsonNode          *value,
                        ConduitSettingRow *row)
{
  if (self->node != NULL)
    commit_setting (self, conduit_setting_row_get_spec (row)->key, value);
}

static void
on_node_setting_changed (ConduitInspector *self,
                         const char       *key)
{
  ConduitSettingRow *row = g_hash_table_lookup (self->rows, key);

  if (row != NULL)
    conduit_setting_row_set_value (row, conduit_node_get_setting (self->node, key));
  validate (self);
}

static void
on_node_title_changed (ConduitInspector *self)
{
  show_text (self, GTK_WIDGET (self->title_row), conduit_node_get_title (self->node));
}

static void
on_node_disabled_changed (ConduitInspector *self)
{
  self->updating = TRUE;
  gtk_switch_set_active (self->disabled_switch, conduit_node_get_disabled (self->node));
  self->updating = FALSE;
}

/* Switching a step off or on is one undoable step, as from the card's menu. */
static void
on_disabled_switch_changed (ConduitInspector *self)
{
  if (!self->updating && self->node != NULL)
    conduit_undo_stack_set_disabled (undo_stack (self), self->node,
                                     gtk_switch_get_active (self->disabled_switch));
}

static void
on_node_notes_changed (ConduitInspector *self)
{
  show_text (self, GTK_WIDGET (self->notes_view), conduit_node_get_notes (self->node));
}

static void
on_title_changed (ConduitInspector *self)
{
  if (!self->updating && self->node != NULL)
    commit_title (self, empty_to_null (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
}

static void
on_notes_changed (ConduitInspector *self)
{
  g_autofree char *text = NULL;

  if (self->updating || self->node == NULL)
    return;

  text = text_view_dup_text (self->notes_view);
  commit_notes (self, empty_to_null (text));
}

static void
clear_settings (ConduitInspector *self)
{
  GtkWidget *child;

  g_hash_table_remove_all (self->rows);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->settings_box))) != NULL)
    gtk_box_remove (self->settings_box, child);
}

static void
build_node_page (ConduitInspector *self)
{
  const char *connector_id = conduit_node_get_connector_id (self->node);
  GPtrArray *specs;

  clear_settings (self);
  g_set_object (&self->connector,
                conduit_connector_registry_lookup (conduit_connector_registry_get_default (), connector_id));

  if (self->connector != NULL)
    {
      gtk_image_set_from_icon_name (self->node_icon, conduit_palette_icon_name_for (self->connector));
      gtk_label_set_text (self->node_kind_label, conduit_connector_get_name (self->connector));
      gtk_label_set_text (self->node_kind_description, conduit_connector_get_description (self->connector));
      specs = conduit_connector_get_settings (self->connector);
    }
  else
    {
      g_autofree char *description =
        g_strdup_printf (_("Conduit does not know steps of the kind “%s”, so their settings cannot be shown. The flow may come from a newer version of Conduit."),
                         connector_id);

      gtk_image_set_from_icon_name (self->node_icon, "dialog-question-symbolic");
      gtk_label_set_text (self->node_kind_label, _("Unknown Kind of Step"));
      gtk_label_set_text (self->node_kind_description, description);
      specs = NULL;
    }

  for (guint i = 0; specs != NULL && i < specs->len; i++)
    {
      const ConduitSettingSpec *spec = g_ptr_array_index (specs, i);
      GtkWidget *row = conduit_setting_row_new (spec);

      conduit_setting_row_set_value (CONDUIT_SETTING_ROW (row),
                                     conduit_node_get_setting (self->node, spec->key));
      conduit_setting_row_set_sample_source (CONDUIT_SETTING_ROW (row), self->flow, self->node);
      g_signal_connect_swapped (row, "changed", G_CALLBACK (on_setting_row_changed), self);
      gtk_box_append (self->settings_box, row);
      g_hash_table_insert (self->rows, g_strdup (spec->key), row);
    }

  /* a database step that writes or watches a table offers the database's tables */
  if (self->document != NULL &&
      (g_strcmp0 (connector_id, "db-write") == 0 || g_strcmp0 (connector_id, "db-new-rows") == 0))
    {
      GtkWidget *picker = conduit_db_table_picker_new ();
      GtkWidget *table_row = g_hash_table_lookup (self->rows, "table");

      /* right under the table's own field, which stays for typing a name */
      gtk_box_insert_child_after (self->settings_box, picker, table_row);
      conduit_db_table_picker_set_node (CONDUIT_DB_TABLE_PICKER (picker), self->document,
                                        self->node);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->no_settings_label), specs != NULL && specs->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->mapping_slot), g_strcmp0 (connector_id, "mapping") == 0);

  on_node_title_changed (self);
  on_node_notes_changed (self);
  on_node_disabled_changed (self);
  update_credential_suggestions (self);
  validate (self);
}

/* ---- public API ----------------------------------------------------------------------- */

/**
 * conduit_inspector_set_node:
 * @self: an inspector
 * @node: (nullable): the node to edit, or %NULL to edit the flow itself
 */
void
conduit_inspector_set_node (ConduitInspector *self,
                            ConduitNode      *node)
{
  g_return_if_fail (CONDUIT_IS_INSPECTOR (self));
  g_return_if_fail (!node || CONDUIT_IS_NODE (node));

  if (self->node == node)
    return;

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);

  g_set_object (&self->node, node);

  if (node != NULL)
    {
      g_signal_connect_swapped (node, "setting-changed", G_CALLBACK (on_node_setting_changed), self);
      g_signal_connect_swapped (node, "mapping-changed", G_CALLBACK (validate), self);
      g_signal_connect_swapped (node, "notify::title", G_CALLBACK (on_node_title_changed), self);
      g_signal_connect_swapped (node, "notify::notes", G_CALLBACK (on_node_notes_changed), self);
      g_signal_connect_swapped (node, "notify::disabled", G_CALLBACK (on_node_disabled_changed),
                                self);
      build_node_page (self);
      gtk_stack_set_visible_child_name (self->stack, "node");
    }
  else
    {
      clear_settings (self);
      g_clear_object (&self->connector);
      gtk_stack_set_visible_child_name (self->stack, "flow");
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

/**
 * conduit_inspector_get_node:
 * @self: an inspector
 *
 * Returns: (transfer none) (nullable): the node shown, or %NULL when the flow is shown
 */
ConduitNode *
conduit_inspector_get_node (ConduitInspector *self)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  return self->node;
}

/* A node deleted on the canvas (or by undo) must not stay in the inspector. */
static void
on_nodes_changed (ConduitInspector *self)
{
  if (self->node != NULL && !conduit_flow_find_node_position (self->flow, self->node, NULL))
    conduit_inspector_set_node (self, NULL);
  else
    update_credential_suggestions (self);
}

/**
 * conduit_inspector_set_document:
 * @self: an inspector
 * @document: (nullable): the document whose flow and nodes are edited
 */
void
conduit_inspector_set_document (ConduitInspector *self,
                                ConduitDocument  *document)
{
  g_return_if_fail (CONDUIT_IS_INSPECTOR (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  conduit_inspector_set_node (self, NULL);

  if (self->flow != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->flow, self);
      g_signal_handlers_disconnect_by_data (conduit_flow_get_nodes (self->flow), self);
    }

  g_set_object (&self->document, document);
  g_clear_object (&self->flow);
  if (document != NULL)
    self->flow = g_object_ref (conduit_document_get_flow (document));

  if (self->flow != NULL)
    {
      g_signal_connect_swapped (self->flow, "notify::name", G_CALLBACK (update_flow_page), self);
      g_signal_connect_swapped (self->flow, "notify::owner", G_CALLBACK (update_flow_page), self);
      g_signal_connect_swapped (self->flow, "notify::description", G_CALLBACK (update_flow_page), self);
      g_signal_connect_swapped (conduit_flow_get_nodes (self->flow), "items-changed",
                                G_CALLBACK (on_nodes_changed), self);
      update_flow_page (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * conduit_inspector_get_document:
 * @self: an inspector
 *
 * Returns: (transfer none) (nullable): the document edited
 */
ConduitDocument *
conduit_inspector_get_document (ConduitInspector *self)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  return self->document;
}

/**
 * conduit_inspector_get_setting_row:
 * @self: an inspector
 * @key: a setting key of the node shown
 *
 * Returns: (transfer none) (nullable): the row editing @key
 */
ConduitSettingRow *
conduit_inspector_get_setting_row (ConduitInspector *self,
                                   const char       *key)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->rows, key);
}

/**
 * conduit_inspector_get_mapping_slot:
 * @self: an inspector
 *
 * The place for the mapping table: a vertical box, shown only for "mapping" nodes, holding a
 * heading and an explanation that the table should replace.
 *
 * Returns: (transfer none): the box
 */
GtkBox *
conduit_inspector_get_mapping_slot (ConduitInspector *self)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  return self->mapping_slot;
}

/**
 * conduit_inspector_get_run_slot:
 * @self: an inspector
 *
 * The place for the selected step's test-run results, under its problems: an empty vertical box.
 *
 * Returns: (transfer none): the box
 */
GtkBox *
conduit_inspector_get_run_slot (ConduitInspector *self)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  return self->run_slot;
}

/**
 * conduit_inspector_set_credential_ids:
 * @self: an inspector
 * @ids: (nullable) (array zero-terminated=1): the credentials saved in the keyring
 *
 * Credential settings offer these ids, and those the flow already uses, in a menu beside the
 * field; typing an id stays possible. The editor calls conduit_inspector_set_credentials()
 * with what conduit_credential_store_list_async() found.
 */
void
conduit_inspector_set_credential_ids (ConduitInspector   *self,
                                      const char * const *ids)
{
  g_return_if_fail (CONDUIT_IS_INSPECTOR (self));

  g_strfreev (self->credential_ids);
  self->credential_ids = g_strdupv ((char **)ids);
  update_credential_suggestions (self);
}

/**
 * conduit_inspector_set_credentials:
 * @self: an inspector
 * @credentials: (element-type ConduitCredential): what conduit_credential_store_list_async()
 *   found
 *
 * Like conduit_inspector_set_credential_ids(), and the picker also shows each one's name and
 * marks the flow's ids that are not among them.
 */
void
conduit_inspector_set_credentials (ConduitInspector *self,
                                   GPtrArray        *credentials)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  g_return_if_fail (CONDUIT_IS_INSPECTOR (self));
  g_return_if_fail (credentials != NULL);

  g_clear_pointer (&self->credential_names, g_hash_table_unref);
  self->credential_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < credentials->len; i++)
    {
      ConduitCredential *credential = g_ptr_array_index (credentials, i);
      const char *id = conduit_credential_get_id (credential);
      const char *name = conduit_credential_get_name (credential);

      g_hash_table_insert (self->credential_names, g_strdup (id), g_strdup (name ? name : id));
      g_ptr_array_add (ids, (gpointer)id);
    }
  g_ptr_array_add (ids, NULL);

  conduit_inspector_set_credential_ids (self, (const char * const *)ids->pdata);
}

/**
 * conduit_inspector_get_problems_text:
 * @self: an inspector
 *
 * Returns: the node's problems listed above its settings, one a line; "" when none
 */
const char *
conduit_inspector_get_problems_text (ConduitInspector *self)
{
  g_return_val_if_fail (CONDUIT_IS_INSPECTOR (self), NULL);
  return gtk_label_get_text (self->problems_label);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
conduit_inspector_dispose (GObject *object)
{
  ConduitInspector *self = (ConduitInspector *)object;

  conduit_inspector_set_document (self, NULL);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_INSPECTOR);

  G_OBJECT_CLASS (conduit_inspector_parent_class)->dispose (object);
}

static void
conduit_inspector_finalize (GObject *object)
{
  ConduitInspector *self = (ConduitInspector *)object;

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->credential_ids, g_strfreev);
  g_clear_pointer (&self->credential_names, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_inspector_parent_class)->finalize (object);
}

static void
conduit_inspector_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ConduitInspector *self = CONDUIT_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_inspector_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ConduitInspector *self = CONDUIT_INSPECTOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      conduit_inspector_set_document (self, g_value_get_object (value));
      break;

    case PROP_NODE:
      conduit_inspector_set_node (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_inspector_class_init (ConduitInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_inspector_dispose;
  object_class->finalize = conduit_inspector_finalize;
  object_class->get_property = conduit_inspector_get_property;
  object_class->set_property = conduit_inspector_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CONDUIT_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, CONDUIT_TYPE_NODE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* keeps the resource (and its registering constructor) linked into tests that use only
   * this widget */
  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, flow_name_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, flow_owner_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, flow_description_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, node_icon);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, node_kind_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, node_kind_description);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, problems_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, title_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, disabled_switch);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, notes_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, mapping_slot);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, mapping_summary_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, edit_mapping_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, run_slot);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, no_settings_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitInspector, settings_box);
  gtk_widget_class_bind_template_callback (widget_class, on_edit_mapping_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_flow_name_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_flow_owner_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_title_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_disabled_switch_changed);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
conduit_inspector_init (ConduitInspector *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (gtk_text_view_get_buffer (self->flow_description_view), "changed",
                            G_CALLBACK (on_flow_description_changed), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->notes_view), "changed",
                            G_CALLBACK (on_notes_changed), self);
  /* the wheel scrolls the inspector, not the small boxes it passes over */
  conduit_setting_row_pass_wheel_unless_focused (
    gtk_widget_get_parent (GTK_WIDGET (self->flow_description_view)),
    GTK_WIDGET (self->flow_description_view));
  conduit_setting_row_pass_wheel_unless_focused (gtk_widget_get_parent (GTK_WIDGET (self->notes_view)),
                                                 GTK_WIDGET (self->notes_view));

  gtk_stack_set_visible_child_name (self->stack, "flow");
}

/**
 * conduit_inspector_new:
 *
 * Returns: (transfer floating): an inspector showing nothing until given a document
 */
GtkWidget *
conduit_inspector_new (void)
{
  return g_object_new (CONDUIT_TYPE_INSPECTOR, NULL);
}
