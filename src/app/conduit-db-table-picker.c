/* conduit-db-table-picker.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-table-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-db-table-picker.h"
#include "conduit-db.h"
#include "conduit-undo-stack.h"

/* The database part of a database step's inspector: the tables of the step's database in a
 * dropdown (read from the server when the step is shown, again with the refresh button), the
 * chosen table's columns with their type, NOT NULL, default and key, and a button that makes
 * them the destination fields of the Map Fields step feeding this one — each column a row,
 * required when the database refuses NULL without a default, with the type rule that fits
 * (conduit_db_columns_to_mapping_rows()). Choosing a table writes the "table" setting through
 * the undo stack, like every other edit. The server is asked in a worker thread, on a
 * connection of its own, never the runner's pool. */

struct _ConduitDbTablePicker
{
  AdwBin            parent_instance;

  ConduitDocument  *document;
  ConduitNode      *node;
  GCancellable     *cancellable;
  GtkStringList    *tables;
  GPtrArray        *columns;        /* of ConduitDbColumn, of the chosen table */
  char             *status;

  AdwPreferencesGroup *group;
  AdwComboRow      *table_row;
  GtkButton        *refresh_button;
  GtkLabel         *status_label;
  AdwExpanderRow   *columns_row;
  GPtrArray        *column_rows;
  GtkButton        *apply_button;

  guint             busy : 1;
  guint             updating : 1;
};

G_DEFINE_FINAL_TYPE (ConduitDbTablePicker, conduit_db_table_picker, ADW_TYPE_BIN)

/* ---- asking the server ---------------------------------------------------------------- */

typedef struct
{
  ConduitDbParams *params;
  char            *table;      /* (nullable) whose columns to read */
  gboolean         want_tables;
  GPtrArray       *tables;     /* out */
  GPtrArray       *columns;    /* out */
  char            *columns_error;
} Read;

static void
read_free (Read *read)
{
  g_clear_pointer (&read->params, conduit_db_params_free);
  g_free (read->table);
  g_clear_pointer (&read->tables, g_ptr_array_unref);
  g_clear_pointer (&read->columns, g_ptr_array_unref);
  g_free (read->columns_error);
  g_free (read);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Read *read = task_data;
  GError *error = NULL;
  ConduitDbConnection *connection;

  connection = conduit_db_connection_open (read->params, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (read->want_tables)
    {
      read->tables = conduit_db_connection_list_tables (connection, &error);
      if (read->tables == NULL)
        {
          conduit_db_connection_close (connection);
          g_task_return_error (task, error);
          return;
        }
    }

  if (read->table != NULL && *read->table != '\0')
    {
      g_autoptr(GError) columns_error = NULL;

      read->columns = conduit_db_connection_list_columns (connection, read->table,
                                                          &columns_error);
      if (read->columns == NULL)
        read->columns_error = g_strdup (columns_error->message);
    }

  conduit_db_connection_close (connection);
  g_task_return_boolean (task, TRUE);
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConduitCredential) credential = NULL;
  Read *read = g_task_get_task_data (task);
  GError *error = NULL;

  credential = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (object), result,
                                                       &error);
  if (credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  read->params = conduit_db_params_new_from_credential (credential, &error);
  if (read->params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, read_thread);
}

/* Reads what the node's database has: its tables (when @want_tables) and the columns of
 * @table. The database is the node's credential, or else its SQLite file. */
static void
read_async (ConduitNode         *node,
            gboolean             want_tables,
            const char          *table,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  const char *credential = conduit_node_get_setting_string (node, "credential");
  const char *sqlite_file = conduit_node_get_setting_string (node, "sqlite_file");
  Read *read = g_new0 (Read, 1);

  g_task_set_source_tag (task, read_async);
  read->want_tables = want_tables;
  read->table = g_strdup (table);
  g_task_set_task_data (task, read, (GDestroyNotify)read_free);

  if (credential != NULL && *credential != '\0')
    conduit_credential_store_lookup_async (conduit_credential_store_get_default (), credential,
                                           cancellable, credential_cb, g_steal_pointer (&task));
  else if (sqlite_file != NULL && *sqlite_file != '\0')
    {
      read->params = conduit_db_params_new_sqlite (sqlite_file);
      g_task_run_in_thread (task, read_thread);
    }
  else
    g_task_return_new_error (task, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                             _("Choose the database first: a credential, or a SQLite file"));
}

static Read *
read_finish (GAsyncResult  *result,
             GError       **error)
{
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_task_get_task_data (G_TASK (result));
}

static void
destination_fields_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  Read *read = read_finish (result, &error);

  if (read == NULL)
    g_task_return_error (task, error);
  else if (read->columns == NULL)
    g_task_return_new_error (task, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_NOT_FOUND, "%s",
                             read->columns_error);
  else
    g_task_return_pointer (task, conduit_db_columns_to_mapping_rows (read->columns),
                           (GDestroyNotify)json_node_unref);
}

/**
 * conduit_db_step_destination_fields_async:
 * @node: a database write step (db-write)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the fields
 * @user_data: data for @callback
 *
 * The destination fields a step gives the Map Fields step that feeds it: for a database
 * write step, its table's columns, read from the server, as mapping rows.
 */
void
conduit_db_step_destination_fields_async (ConduitNode         *node,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (CONDUIT_IS_NODE (node));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_db_step_destination_fields_async);
  read_async (node, FALSE, conduit_node_get_setting_string (node, "table"), cancellable,
              destination_fields_cb, task);
}

/**
 * conduit_db_step_destination_fields_finish:
 * @result: the result
 * @error: return location for an error (no database chosen, unreachable, no such table)
 *
 * Returns: (transfer full) (nullable): a JSON array of mapping rows
 */
JsonNode *
conduit_db_step_destination_fields_finish (GAsyncResult  *result,
                                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- showing it ----------------------------------------------------------------------- */

static void
set_status (ConduitDbTablePicker *self,
            const char           *status,
            gboolean              is_error)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL && *status != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
}

static char *
describe_column (const ConduitDbColumn *column)
{
  g_autoptr(GString) text = g_string_new (column->type);

  if (column->is_key)
    g_string_append_printf (text, " · %s", _("key"));
  if (column->not_null && !column->has_default)
    g_string_append_printf (text, " · %s", _("required"));
  else if (column->has_default)
    g_string_append_printf (text, " · %s", _("has a default"));
  else
    g_string_append_printf (text, " · %s", _("may be empty"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_apply_button (ConduitDbTablePicker *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button),
                            self->columns != NULL &&
                            conduit_db_table_picker_get_mapping_node (self) != NULL);
}

static void
show_columns (ConduitDbTablePicker *self)
{
  for (guint i = 0; i < self->column_rows->len; i++)
    adw_expander_row_remove (self->columns_row, g_ptr_array_index (self->column_rows, i));
  g_ptr_array_set_size (self->column_rows, 0);

  for (guint i = 0; self->columns != NULL && i < self->columns->len; i++)
    {
      const ConduitDbColumn *column = g_ptr_array_index (self->columns, i);
      g_autofree char *subtitle = describe_column (column);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), column->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_expander_row_add_row (self->columns_row, row);
      g_ptr_array_add (self->column_rows, row);
    }

  if (self->columns != NULL)
    {
      g_autofree char *subtitle =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u column", "%u columns",
                                      self->columns->len), self->columns->len);
      adw_expander_row_set_subtitle (self->columns_row, subtitle);
    }
  else
    adw_expander_row_set_subtitle (self->columns_row, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->columns_row), self->columns != NULL);
  update_apply_button (self);
}

static void
select_current_table (ConduitDbTablePicker *self)
{
  const char *table = self->node ? conduit_node_get_setting_string (self->node, "table") : NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tables));
  guint position = GTK_INVALID_LIST_POSITION;

  for (guint i = 0; table != NULL && i < n; i++)
    if (g_str_equal (gtk_string_list_get_string (self->tables, i), table))
      position = i;

  self->updating = TRUE;
  adw_combo_row_set_selected (self->table_row, position);
  self->updating = FALSE;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  ConduitDbTablePicker *self = user_data;
  g_autoptr(GError) error = NULL;
  Read *read = read_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  self->busy = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), TRUE);
  g_clear_pointer (&self->columns, g_ptr_array_unref);

  if (read == NULL)
    set_status (self, error->message, TRUE);
  else
    {
      if (read->tables != NULL)
        {
          self->updating = TRUE;
          gtk_string_list_splice (self->tables, 0,
                                  g_list_model_get_n_items (G_LIST_MODEL (self->tables)),
                                  (const char * const *)read->tables->pdata);
          self->updating = FALSE;
          select_current_table (self);
        }
      self->columns = g_steal_pointer (&read->columns);
      set_status (self, read->columns_error, read->columns_error != NULL);
      if (read->columns_error == NULL && g_list_model_get_n_items (G_LIST_MODEL (self->tables)) == 0)
        set_status (self, _("The database has no table this user can see"), FALSE);
    }
  show_columns (self);
  g_object_unref (self);
}

static void
load (ConduitDbTablePicker *self,
      gboolean              want_tables)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->node == NULL)
    return;

  self->cancellable = g_cancellable_new ();
  self->busy = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button), FALSE);
  set_status (self, want_tables ? _("Reading the tables…") : _("Reading the columns…"), FALSE);
  read_async (self->node, want_tables, conduit_node_get_setting_string (self->node, "table"),
              self->cancellable, read_cb, g_object_ref (self));
}

/**
 * conduit_db_table_picker_refresh:
 * @self: a table picker
 *
 * Reads the tables and the chosen table's columns from the server again.
 */
void
conduit_db_table_picker_refresh (ConduitDbTablePicker *self)
{
  g_return_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self));
  load (self, TRUE);
}

static void
on_table_selected (ConduitDbTablePicker *self)
{
  guint position = adw_combo_row_get_selected (self->table_row);
  g_autoptr(JsonNode) value = NULL;

  if (self->updating || self->node == NULL || self->document == NULL ||
      position == GTK_INVALID_LIST_POSITION)
    return;

  value = json_node_init_string (json_node_alloc (),
                                 gtk_string_list_get_string (self->tables, position));
  conduit_undo_stack_set_setting (conduit_document_get_undo_stack (self->document), self->node,
                                  "table", value);
}

static void
on_setting_changed (ConduitDbTablePicker *self,
                    const char           *key)
{
  if (g_strcmp0 (key, "credential") == 0 || g_strcmp0 (key, "sqlite_file") == 0)
    load (self, TRUE);
  else if (g_strcmp0 (key, "table") == 0)
    {
      select_current_table (self);
      load (self, FALSE);
    }
}

/* ---- the mapping ---------------------------------------------------------------------- */

/**
 * conduit_db_table_picker_get_mapping_node:
 * @self: a table picker
 *
 * Returns: (transfer none) (nullable): the Map Fields step linked into this step, if any
 */
ConduitNode *
conduit_db_table_picker_get_mapping_node (ConduitDbTablePicker *self)
{
  ConduitFlow *flow;
  GListModel *links;

  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), NULL);

  if (self->document == NULL || self->node == NULL)
    return NULL;

  flow = conduit_document_get_flow (self->document);
  links = conduit_flow_get_links (flow);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      ConduitNode *from;

      if (!g_str_equal (conduit_link_get_to_node (link), conduit_node_get_id (self->node)))
        continue;
      from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
      if (from != NULL && g_strcmp0 (conduit_node_get_connector_id (from), "mapping") == 0)
        return from;
    }
  return NULL;
}

/* The columns become the mapping's destination fields: a column that already has a row keeps
 * its source and gets the column's required and type rules; the others get a row taking the
 * field of the same name. */
static JsonNode *
merge_rows (JsonNode *mapping,
            JsonNode *column_rows)
{
  JsonObject *merged = json_object_new ();
  JsonArray *rows = json_array_new ();
  JsonArray *columns = json_node_get_array (column_rows);
  JsonArray *existing = NULL;
  JsonNode *result;

  if (mapping != NULL && JSON_NODE_HOLDS_OBJECT (mapping))
    {
      JsonObject *object = json_node_get_object (mapping);
      g_autoptr(GList) members = json_object_get_members (object);

      /* whatever else the mapping holds stays as it is */
      for (GList *m = members; m != NULL; m = m->next)
        if (!g_str_equal (m->data, "rows"))
          json_object_set_member (merged, m->data,
                                  json_node_copy (json_object_get_member (object, m->data)));
      if (json_object_has_member (object, "rows") &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "rows")))
        existing = json_object_get_array_member (object, "rows");
    }

  for (guint i = 0; existing != NULL && i < json_array_get_length (existing); i++)
    {
      JsonNode *row = json_node_copy (json_array_get_element (existing, i));

      if (JSON_NODE_HOLDS_OBJECT (row))
        {
          JsonObject *object = json_node_get_object (row);
          const char *destination = json_object_get_string_member_with_default (object,
                                                                                "destination",
                                                                                "");

          for (guint c = 0; c < json_array_get_length (columns); c++)
            {
              JsonObject *column = json_array_get_object_element (columns, c);

              if (!g_str_equal (json_object_get_string_member (column, "destination"),
                                destination))
                continue;
              if (json_object_has_member (column, "required"))
                json_object_set_boolean_member (object, "required", TRUE);
              if (json_object_has_member (column, "type"))
                json_object_set_string_member (object, "type",
                                               json_object_get_string_member (column, "type"));
            }
        }
      json_array_add_element (rows, row);
    }

  for (guint c = 0; c < json_array_get_length (columns); c++)
    {
      JsonObject *column = json_array_get_object_element (columns, c);
      const char *destination = json_object_get_string_member (column, "destination");
      gboolean found = FALSE;

      for (guint i = 0; existing != NULL && i < json_array_get_length (existing) && !found; i++)
        {
          JsonNode *row = json_array_get_element (existing, i);

          found = JSON_NODE_HOLDS_OBJECT (row) &&
                  g_strcmp0 (json_object_get_string_member_with_default (
                               json_node_get_object (row), "destination", ""), destination) == 0;
        }
      if (!found)
        json_array_add_element (rows, json_node_copy (json_array_get_element (columns, c)));
    }

  json_object_set_array_member (merged, "rows", rows);
  result = json_node_init_object (json_node_alloc (), merged);
  json_object_unref (merged);
  return result;
}

/**
 * conduit_db_table_picker_apply_to_mapping:
 * @self: a table picker
 *
 * Makes the chosen table's columns the destination fields of the Map Fields step feeding
 * this step (one undo step).
 *
 * Returns: whether there was a Map Fields step and columns to give it
 */
gboolean
conduit_db_table_picker_apply_to_mapping (ConduitDbTablePicker *self)
{
  ConduitNode *mapping_node;
  g_autoptr(JsonNode) column_rows = NULL;
  g_autoptr(JsonNode) merged = NULL;

  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), FALSE);

  mapping_node = conduit_db_table_picker_get_mapping_node (self);
  if (mapping_node == NULL || self->columns == NULL)
    return FALSE;

  column_rows = conduit_db_columns_to_mapping_rows (self->columns);
  merged = merge_rows (conduit_node_get_mapping (mapping_node), column_rows);
  conduit_undo_stack_set_mapping (conduit_document_get_undo_stack (self->document), mapping_node,
                                  merged);
  return TRUE;
}

/* ---- the widget ----------------------------------------------------------------------- */

static void
conduit_db_table_picker_dispose (GObject *object)
{
  ConduitDbTablePicker *self = (ConduitDbTablePicker *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (conduit_db_table_picker_parent_class)->dispose (object);
}

static void
conduit_db_table_picker_finalize (GObject *object)
{
  ConduitDbTablePicker *self = (ConduitDbTablePicker *)object;

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->column_rows, g_ptr_array_unref);
  g_free (self->status);

  G_OBJECT_CLASS (conduit_db_table_picker_parent_class)->finalize (object);
}

static void
conduit_db_table_picker_class_init (ConduitDbTablePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_db_table_picker_dispose;
  object_class->finalize = conduit_db_table_picker_finalize;
}

static void
conduit_db_table_picker_init (ConduitDbTablePicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->column_rows = g_ptr_array_new ();
  self->tables = gtk_string_list_new (NULL);

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("Table in the Database"));
  adw_preferences_group_set_description (self->group,
                                         _("The tables this credential can see, read from the "
                                           "server"));

  self->refresh_button = GTK_BUTTON (gtk_button_new_from_icon_name ("view-refresh-symbolic"));
  gtk_widget_add_css_class (GTK_WIDGET (self->refresh_button), "flat");
  gtk_widget_set_valign (GTK_WIDGET (self->refresh_button), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->refresh_button),
                               _("Read the tables from the database again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Refresh the tables"), -1);
  g_signal_connect_swapped (self->refresh_button, "clicked",
                            G_CALLBACK (conduit_db_table_picker_refresh), self);
  adw_preferences_group_set_header_suffix (self->group, GTK_WIDGET (self->refresh_button));

  self->table_row = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->table_row), _("Table"));
  adw_combo_row_set_model (self->table_row, G_LIST_MODEL (self->tables));
  g_object_unref (self->tables);    /* the row holds it */
  g_signal_connect_swapped (self->table_row, "notify::selected",
                            G_CALLBACK (on_table_selected), self);
  adw_preferences_group_add (self->group, GTK_WIDGET (self->table_row));

  self->columns_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->columns_row), _("Columns"));
  adw_expander_row_set_expanded (self->columns_row, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->columns_row), FALSE);
  adw_preferences_group_add (self->group, GTK_WIDGET (self->columns_row));

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_label_set_xalign (self->status_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "caption");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);

  self->apply_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Use the Columns in Map "
                                                                   "Fields")));
  gtk_widget_set_halign (GTK_WIDGET (self->apply_button), GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->apply_button),
                               _("Make the columns the destination fields of the Map Fields "
                                 "step before this one, with their required and type rules"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->apply_button), FALSE);
  g_signal_connect_swapped (self->apply_button, "clicked",
                            G_CALLBACK (conduit_db_table_picker_apply_to_mapping), self);

  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->group));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->status_label));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->apply_button));
  gtk_widget_set_margin_top (box, 12);
  adw_bin_set_child (ADW_BIN (self), box);
}

/**
 * conduit_db_table_picker_new:
 *
 * Returns: (transfer floating): a table picker, empty until a node is set
 */
GtkWidget *
conduit_db_table_picker_new (void)
{
  return g_object_new (CONDUIT_TYPE_DB_TABLE_PICKER, NULL);
}

/**
 * conduit_db_table_picker_set_node:
 * @self: a table picker
 * @document: the document the node is in (its undo stack records the choices)
 * @node: a database step with "credential", "sqlite_file" and "table" settings
 *
 * Shows @node's database and starts reading its tables.
 */
void
conduit_db_table_picker_set_node (ConduitDbTablePicker *self,
                                  ConduitDocument      *document,
                                  ConduitNode          *node)
{
  g_return_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self));
  g_return_if_fail (CONDUIT_IS_DOCUMENT (document));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_set_object (&self->document, document);
  g_set_object (&self->node, node);
  g_signal_connect_swapped (node, "setting-changed", G_CALLBACK (on_setting_changed), self);
  load (self, TRUE);
}

/**
 * conduit_db_table_picker_is_busy:
 * @self: a table picker
 *
 * Returns: whether the server is being asked
 */
gboolean
conduit_db_table_picker_is_busy (ConduitDbTablePicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), FALSE);
  return self->busy;
}

/**
 * conduit_db_table_picker_get_tables:
 * @self: a table picker
 *
 * Returns: (transfer none): the tables offered, a list of #GtkStringObject
 */
GListModel *
conduit_db_table_picker_get_tables (ConduitDbTablePicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), NULL);
  return G_LIST_MODEL (self->tables);
}

/**
 * conduit_db_table_picker_get_columns:
 * @self: a table picker
 *
 * Returns: (transfer none) (nullable) (element-type ConduitDbColumn): the chosen table's columns
 */
GPtrArray *
conduit_db_table_picker_get_columns (ConduitDbTablePicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), NULL);
  return self->columns;
}

/**
 * conduit_db_table_picker_get_status:
 * @self: a table picker
 *
 * Returns: (nullable): what the picker says under the table: reading, or why it cannot
 */
const char *
conduit_db_table_picker_get_status (ConduitDbTablePicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self), NULL);
  return self->status;
}

/**
 * conduit_db_table_picker_select_table:
 * @self: a table picker
 * @table: one of the tables offered
 *
 * Chooses @table in the dropdown, as a person would.
 */
void
conduit_db_table_picker_select_table (ConduitDbTablePicker *self,
                                      const char           *table)
{
  g_return_if_fail (CONDUIT_IS_DB_TABLE_PICKER (self));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tables)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->tables, i), table))
      adw_combo_row_set_selected (self->table_row, i);
}
