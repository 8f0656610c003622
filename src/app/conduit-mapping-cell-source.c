/* conduit-mapping-cell-source.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-expression-entry.h"
#include "conduit-field-picker.h"
#include "conduit-mapping-cell-private.h"

/* The source of a row: what kind it is (a field, a fixed value, an expression), its text, and
 * a searchable picker of the fields found in the sample records. */

struct _ConduitMappingSourceCell
{
  ConduitMappingCell  parent_instance;

  GtkWidget          *kind;
  GtkWidget          *entry;
  GtkWidget          *pick;     /* ConduitFieldPicker, fed the samples' schema at each update */
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
                 const char               *path)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL)
    return;

  conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_FIELD);
  conduit_mapping_row_set_source (row, path);
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
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

  conduit_field_picker_set_schema (CONDUIT_FIELD_PICKER (self->pick), state->schema);
  conduit_expression_entry_set_completing_enabled (conduit_expression_entry_get_for (self->entry),
                                                   source_kind == CONDUIT_MAPPING_SOURCE_EXPRESSION);

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
  conduit_mapping_cell_set_label (conduit_field_picker_get_button (CONDUIT_FIELD_PICKER (self->pick)),
                                  _("Choose a sample field for %s"), state->name);
}

/* Completion in an expression source offers the samples' fields, as the picker does. */
static ConduitSchema *
completion_fields (gpointer user_data)
{
  ConduitMappingSourceCell *self = user_data;
  ConduitSchema *schema = conduit_field_picker_get_schema (CONDUIT_FIELD_PICKER (self->pick));

  return schema ? conduit_schema_ref (schema) : NULL;
}

static void
conduit_mapping_source_cell_class_init (ConduitMappingSourceCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = source_update;
}

static void
conduit_mapping_source_cell_init (ConduitMappingSourceCell *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);

  self->kind = _conduit_mapping_cell_translated_drop_down (kind_labels);
  self->entry = gtk_entry_new ();
  self->pick = conduit_field_picker_new ();

  gtk_widget_set_hexpand (self->entry, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 20);
  gtk_widget_add_css_class (self->entry, "monospace");
  g_signal_connect_object (self->pick, "field-chosen", G_CALLBACK (on_field_picked), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_tooltip_text (self->kind, _("Where the value comes from: a field of the record, a fixed value or an expression"));

  gtk_box_append (GTK_BOX (box), self->kind);
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), self->pick);
  adw_bin_set_child (ADW_BIN (self), box);

  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_source_changed), self);
  conduit_expression_entry_set_fields_func (conduit_expression_entry_attach (self->entry, FALSE),
                                            completion_fields, self);
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
