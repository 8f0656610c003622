/* conduit-mapping-cell-source.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-cell-private.h"

/* The source of a row: what kind it is (a field, a fixed value, an expression), its text, and
 * a searchable picker of the fields found in the sample records. */

struct _ConduitMappingSourceCell
{
  ConduitMappingCell  parent_instance;

  GtkWidget          *kind;
  GtkWidget          *entry;
  GtkWidget          *pick;
  ConduitSchema      *schema;   /* of the samples at the last update */
};

G_DEFINE_FINAL_TYPE (ConduitMappingSourceCell, conduit_mapping_source_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

/* The order of ConduitMappingSourceKind. */
static const char *kind_labels[] = { N_("Field"), N_("Fixed value"), N_("Expression"), NULL };

/* A constant is JSON text in the mapping; people type plain text, so text that is not JSON is
 * taken as text, and a text constant is shown without its quotes. */
static char *
constant_to_display (const char *json_text)
{
  g_autoptr(JsonNode) value = json_from_string (json_text, NULL);

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return g_strdup (json_text);
}

static char *
constant_from_display (const char *text)
{
  g_autoptr(JsonNode) value = json_from_string (text, NULL);

  if (value != NULL)
    return g_strdup (text);

  value = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (value, text);
  return json_to_string (value, FALSE);
}

static void
write_source (ConduitMappingSourceCell *self,
              ConduitMappingRow        *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));

  if (conduit_mapping_row_get_source_kind (row) == CONDUIT_MAPPING_SOURCE_CONSTANT)
    {
      g_autofree char *json = constant_from_display (text);

      conduit_mapping_row_set_source (row, json);
    }
  else
    conduit_mapping_row_set_source (row, text);
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
on_source_changed (ConduitMappingSourceCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row != NULL)
    write_source (self, row);
}

static void
on_kind_selected (ConduitMappingSourceCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL)
    return;

  /* what is in the entry stays, read the new way */
  conduit_mapping_row_set_source_kind (row,
                                       gtk_drop_down_get_selected (GTK_DROP_DOWN (self->kind)));
  write_source (self, row);
}

static void
on_field_picked (ConduitMappingSourceCell *self,
                 GtkListBoxRow            *list_row)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));
  const char *path = g_object_get_data (G_OBJECT (list_row), "path");

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->pick));
  if (row == NULL)
    return;

  conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_FIELD);
  conduit_mapping_row_set_source (row, path);
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static gboolean
filter_fields (GtkListBoxRow *list_row,
               gpointer       user_data)
{
  GtkEditable *search = user_data;
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (search), -1);
  g_autofree char *path = g_utf8_casefold (g_object_get_data (G_OBJECT (list_row), "shown"), -1);

  return strstr (path, needle) != NULL;
}

static void
on_search_changed (GtkListBox *list)
{
  gtk_list_box_invalidate_filter (list);
}

static void
on_search_activate (GtkListBox *list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child))
      {
        g_signal_emit_by_name (list, "row-activated", child);
        return;
      }
}

/* People read "First Name", not the quoted path "`First Name`" the mapping stores. */
static char *
display_path (const char *path)
{
  GString *out = g_string_new (NULL);

  for (const char *p = path; *p; p++)
    if (*p != '`')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* The searchable list of the fields found in the samples, made each time it opens so that it
 * follows the samples. */
static void
create_field_picker (GtkMenuButton *button,
                     gpointer       user_data)
{
  ConduitMappingSourceCell *self = user_data;
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_list_box_new ();
  GPtrArray *fields = self->schema ? conduit_schema_get_fields (self->schema) : NULL;

  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search the fields of the sample records"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fields of the sample records"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (list),
                                gtk_label_new (_("No sample fields: load samples first")));
  gtk_box_append (GTK_BOX (box), search);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_widget_add_css_class (list, "conduit-field-picker");

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const ConduitSchemaField *field = g_ptr_array_index (fields, i);
      GtkWidget *row_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      g_autofree char *shown = display_path (field->path);
      GtkWidget *title = gtk_label_new (shown);
      g_autofree char *example = NULL;
      GtkWidget *detail;
      GtkWidget *list_row = gtk_list_box_row_new ();

      if (g_str_equal (field->type, "object"))
        continue;

      if (field->examples != NULL && field->examples->len > 0)
        /* Translators: a field's type and an example value in the field picker */
        example = g_strdup_printf (_("%s, e.g. %s"), field->type,
                                   (char *)g_ptr_array_index (field->examples, 0));
      else
        example = g_strdup (field->type);
      detail = gtk_label_new (example);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (detail), 36);
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_widget_add_css_class (detail, "caption");
      gtk_box_append (GTK_BOX (row_box), title);
      gtk_box_append (GTK_BOX (row_box), detail);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), row_box);
      g_object_set_data_full (G_OBJECT (list_row), "path", g_strdup (field->path), g_free);
      g_object_set_data_full (G_OBJECT (list_row), "shown", g_strdup (shown), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      shown, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, example, -1);
      gtk_list_box_append (GTK_LIST_BOX (list), list_row);
    }

  gtk_list_box_set_filter_func (GTK_LIST_BOX (list), filter_fields, search, NULL);
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (on_search_changed), list);
  g_signal_connect_swapped (search, "activate", G_CALLBACK (on_search_activate), list);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_field_picked), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_popover (button, popover);
}

static void
source_update (ConduitMappingCell            *cell,
               ConduitMappingRow             *row,
               const ConduitMappingCellState *state)
{
  ConduitMappingSourceCell *self = CONDUIT_MAPPING_SOURCE_CELL (cell);
  ConduitMappingSourceKind source_kind = conduit_mapping_row_get_source_kind (row);
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *text = NULL;

  if (state->schema != self->schema)
    {
      g_clear_pointer (&self->schema, conduit_schema_unref);
      self->schema = state->schema ? conduit_schema_ref (state->schema) : NULL;
    }

  if (source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT)
    text = constant_to_display (conduit_mapping_row_get_source (row));
  else
    text = g_strdup (conduit_mapping_row_get_source (row));

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->kind), source_kind);
  /* only when it differs, so that typing keeps the cursor where it is */
  if (g_strcmp0 (current, text) != 0)
    {
      g_autofree char *shown = constant_from_display (current);

      if (source_kind != CONDUIT_MAPPING_SOURCE_CONSTANT ||
          g_strcmp0 (shown, conduit_mapping_row_get_source (row)) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
    }
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry),
                                  source_kind == CONDUIT_MAPPING_SOURCE_FIELD
                                  ? _("Field of the record")
                                  : source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT
                                  ? _("Value sent every time")
                                  : _("e.g. lower(trim(Email))"));
  _conduit_mapping_cell_mark_problem (self->entry, state,
                                      source_kind == CONDUIT_MAPPING_SOURCE_FIELD ? "field"
                                      : source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT ? "constant"
                                      : "expression");
  conduit_mapping_cell_set_label (self->kind, _("Kind of source of %s"), state->name);
  conduit_mapping_cell_set_label (self->entry, _("Source of %s"), state->name);
  conduit_mapping_cell_set_label (self->pick, _("Choose a sample field for %s"), state->name);
}

static void
conduit_mapping_source_cell_finalize (GObject *object)
{
  ConduitMappingSourceCell *self = CONDUIT_MAPPING_SOURCE_CELL (object);

  g_clear_pointer (&self->schema, conduit_schema_unref);

  G_OBJECT_CLASS (conduit_mapping_source_cell_parent_class)->finalize (object);
}

static void
conduit_mapping_source_cell_class_init (ConduitMappingSourceCellClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_mapping_source_cell_finalize;
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = source_update;
}

static void
conduit_mapping_source_cell_init (ConduitMappingSourceCell *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  self->kind = _conduit_mapping_cell_translated_drop_down (kind_labels);
  self->entry = gtk_entry_new ();
  self->pick = gtk_menu_button_new ();

  gtk_widget_set_hexpand (self->entry, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 20);
  gtk_widget_add_css_class (self->entry, "monospace");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->pick), "edit-find-symbolic");
  gtk_widget_set_tooltip_text (self->pick, _("Choose a field of the sample records"));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->pick), create_field_picker, self,
                                         NULL);
  gtk_widget_set_tooltip_text (self->kind, _("Where the value comes from: a field of the record, a fixed value or an expression"));

  gtk_box_append (GTK_BOX (box), self->kind);
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), self->pick);
  adw_bin_set_child (ADW_BIN (self), box);

  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_source_changed), self);
  g_signal_connect_swapped (self->kind, "notify::selected", G_CALLBACK (on_kind_selected), self);
}

GtkEditable *
conduit_mapping_source_cell_get_entry (ConduitMappingSourceCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_SOURCE_CELL (self), NULL);
  return GTK_EDITABLE (self->entry);
}

GtkDropDown *
conduit_mapping_source_cell_get_kind (ConduitMappingSourceCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_SOURCE_CELL (self), NULL);
  return GTK_DROP_DOWN (self->kind);
}
