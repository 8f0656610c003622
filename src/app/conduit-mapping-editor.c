/* conduit-mapping-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-editor-private.h"
#include "conduit-resources.h"

/* The mapping table of a "mapping" node: one row per destination field, with its source, its
 * rules, what it makes of the sample record shown and whether that record would pass; above
 * it the sample strip (where the samples come from, stepping through them, how many would be
 * sent or rejected).
 *
 * The table edits a working copy of the node's mapping (a ConduitMapping, which is also the
 * column view's model). Every edit is written back at once through the document's undo stack;
 * a change of the node's mapping that did not come from here (undo, redo) is copied into the
 * working copy row by row, so that cells keep their widgets and the focus.
 */

#define MAX_SAMPLES 1000
#define MAX_LISTED  100   /* rejected records spelt out; the rest are counted */

G_DEFINE_FINAL_TYPE (ConduitMappingEditor, conduit_mapping_editor, ADW_TYPE_BIN)

static void on_selection_changed (ConduitMappingEditor *self);


static void
row_state_free (RowState *state)
{
  g_free (state->preview);
  g_free (state->reason);
  g_free (state->problem_member);
  g_free (state);
}

static RowState *
state_of (ConduitMappingEditor *self,
          ConduitMappingRow    *row)
{
  RowState *state = g_hash_table_lookup (self->states, row);

  if (state == NULL)
    {
      state = g_new0 (RowState, 1);
      g_hash_table_insert (self->states, g_object_ref (row), state);
    }
  return state;
}

static guint
n_rows (ConduitMappingEditor *self)
{
  return self->mapping ? g_list_model_get_n_items (G_LIST_MODEL (self->mapping)) : 0;
}

static gboolean
row_position (ConduitMappingEditor *self,
              ConduitMappingRow    *row,
              guint                *position)
{
  for (guint i = 0; i < n_rows (self); i++)
    if (conduit_mapping_get_row (self->mapping, i) == row)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- computing what the table shows --------------------------------------------------- */

/* A null that is sent and a field that is left out reach the destination differently (a
 * null can clear a field there), so the preview names them apart. */
static char *
value_to_text (JsonNode *value,
               gboolean  written)
{
  if (value == NULL || (JSON_NODE_HOLDS_NULL (value) && !written))
    /* Translators: the preview of a mapping row whose field is not sent at all */
    return g_strdup (_("(left out)"));
  if (JSON_NODE_HOLDS_NULL (value))
    /* Translators: the preview of a mapping row that sends its field as JSON null */
    return g_strdup (_("(null)"));
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      return g_strdup (*text ? text : _("(empty text)"));
    }
  return json_to_string (value, FALSE);
}

/* Everything but the display comes from the engine's preview: the table evaluates nothing. */
static void
compute_states (ConduitMappingEditor *self,
                GString              *mapping_problems)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) preview = NULL;
  JsonNode *record = NULL;

  if (self->records->len > 0)
    record = g_ptr_array_index (self->records, self->record_index);
  g_hash_table_remove_all (self->states);
  preview = conduit_mapping_preview (self->mapping, record, &problems);

  for (guint i = 0; i < problems->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (problems, i);

      if (mapping_problems->len > 0)
        g_string_append_c (mapping_problems, '\n');
      g_string_append (mapping_problems, problem->message);
    }

  for (guint i = 0; i < preview->len && i < n_rows (self); i++)
    {
      ConduitMappingPreviewRow *shown = g_ptr_array_index (preview, i);
      RowState *state = state_of (self, conduit_mapping_get_row (self->mapping, i));

      state->status = shown->status;
      if (record == NULL)
        state->preview = g_strdup ("");
      else if (shown->value == NULL)
        state->preview = g_strdup ("—");
      else
        state->preview = value_to_text (shown->value, shown->written);

      if (shown->reasons->len > 0)
        {
          ConduitMappingPreviewReason *reason = g_ptr_array_index (shown->reasons, 0);

          if (reason->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM)
            {
              state->reason = g_strdup (reason->message);
              state->problem_member = g_strdup (reason->member);
              state->problem_column = reason->column;
              state->problem_length = reason->length;
            }
          else
            state->reason = g_strdup_printf ("%s: %s", reason->field, reason->message);
        }
    }
}

/* ---- writing changes ------------------------------------------------------------------ */

static ConduitUndoStack *
undo_stack (ConduitMappingEditor *self)
{
  return conduit_document_get_undo_stack (self->document);
}

/* The one writer: the whole mapping goes to the node through the undo stack, which folds a
 * run of edits into one step; structural edits are wrapped in groups of their own. */
static void
commit (ConduitMappingEditor *self)
{
  g_autoptr(JsonNode) json = NULL;

  if (self->node == NULL || self->document == NULL)
    return;

  json = conduit_mapping_to_json (self->mapping);
  self->committing = TRUE;
  conduit_undo_stack_set_mapping (undo_stack (self), self->node, json);
  self->committing = FALSE;
  _conduit_mapping_editor_refresh (self);
}

/* A person changing a suggested row has looked at it. */
static void
confirm (ConduitMappingRow *row)
{
  conduit_mapping_row_set_suggested (row, FALSE);
}

/* ---- cells ---------------------------------------------------------------------------- */

/* The columns, by the names get_cell() takes, and the class of their cells. */
static const struct
{
  const char *column;
  GType     (*get_type) (void);
} columns[] = {
  { "destination", conduit_mapping_destination_cell_get_type },
  { "required", conduit_mapping_required_cell_get_type },
  { "type", conduit_mapping_type_cell_get_type },
  { "source", conduit_mapping_source_cell_get_type },
  { "validation", conduit_mapping_rules_cell_get_type },
  { "preview", conduit_mapping_preview_cell_get_type },
  { "status", conduit_mapping_status_cell_get_type },
};

/* What the cells of @row show besides the row; @fallback_name holds the name it makes up. */
static void
cell_state (ConduitMappingEditor     *self,
            ConduitMappingRow        *row,
            ConduitMappingCellState  *shown,
            char                    **fallback_name)
{
  RowState *state = state_of (self, row);
  const char *name = conduit_mapping_row_get_destination (row);
  guint position = 0;

  if (*name == '\0')
    {
      row_position (self, row, &position);
      name = *fallback_name = g_strdup_printf (_("row %u"), position + 1);
    }

  *shown = (ConduitMappingCellState) {
    .name = name,
    .preview = state->preview,
    .status = state->status,
    .reason = state->reason,
    .problem_member = state->problem_member,
    .problem_column = state->problem_column,
    .problem_length = state->problem_length,
    .has_records = self->records->len > 0,
    .schema = self->schema,
  };
}

static void
update_cell (ConduitMappingEditor *self,
             ConduitMappingCell   *cell)
{
  ConduitMappingRow *row = conduit_mapping_cell_get_row (cell);
  g_autofree char *fallback = NULL;
  ConduitMappingCellState shown;

  if (row == NULL)
    return;

  cell_state (self, row, &shown, &fallback);
  conduit_mapping_cell_update (cell, &shown);
}

static void
on_cell_focus_enter (GtkEventControllerFocus *controller,
                     ConduitMappingEditor    *self)
{
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  ConduitMappingRow *row = conduit_mapping_cell_get_row (CONDUIT_MAPPING_CELL (cell));
  guint position;

  if (row != NULL && row_position (self, row, &position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static JsonArray *fed_app_fields (ConduitMappingEditor  *self,
                                  ConduitConnector     **app_step);
static JsonObject *find_app_field (JsonArray  *fields,
                                   const char *key);
static void apply_app_field (ConduitMappingRow *row,
                             JsonObject        *field);

static void
on_cell_edited (ConduitMappingEditor *self,
                ConduitMappingRow    *row)
{
  JsonObject *field;

  /* a row named after a field of the app step it feeds, and not typed yet, takes its rules */
  if (conduit_mapping_row_get_value_type (row) == CONDUIT_MAPPING_TYPE_ANY &&
      !conduit_mapping_row_get_required (row) &&
      (field = find_app_field (fed_app_fields (self, NULL), conduit_mapping_row_get_destination (row))))
    apply_app_field (row, field);
  confirm (row);
  commit (self);
}

static void
setup_cell (ConduitMappingEditor *self,
            GtkListItem          *item,
            GType                 type)
{
  GtkWidget *cell = g_object_new (type, NULL);
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect_object (focus, "enter", G_CALLBACK (on_cell_focus_enter), self, 0);
  gtk_widget_add_controller (cell, focus);
  g_signal_connect_object (cell, "edited", G_CALLBACK (on_cell_edited), self, G_CONNECT_SWAPPED);
  gtk_list_item_set_child (item, cell);
}

static void
setup_destination_cell (ConduitMappingEditor *self,
                        GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_DESTINATION_CELL);
}

static void
setup_required_cell (ConduitMappingEditor *self,
                     GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_REQUIRED_CELL);
}

static void
setup_type_cell (ConduitMappingEditor *self,
                 GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_TYPE_CELL);
}

static void
setup_source_cell (ConduitMappingEditor *self,
                   GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_SOURCE_CELL);
}

static void
setup_validation_cell (ConduitMappingEditor *self,
                       GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_RULES_CELL);
}

static void
setup_preview_cell (ConduitMappingEditor *self,
                    GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_PREVIEW_CELL);
}

static void
setup_status_cell (ConduitMappingEditor *self,
                   GtkListItem          *item)
{
  setup_cell (self, item, CONDUIT_TYPE_MAPPING_STATUS_CELL);
}

static void
bind_cell (ConduitMappingEditor *self,
           GtkListItem          *item)
{
  ConduitMappingCell *cell = CONDUIT_MAPPING_CELL (gtk_list_item_get_child (item));

  conduit_mapping_cell_set_row (cell, gtk_list_item_get_item (item));
  g_ptr_array_add (self->cells, cell);
  update_cell (self, cell);
}

static void
unbind_cell (ConduitMappingEditor *self,
             GtkListItem          *item)
{
  ConduitMappingCell *cell = CONDUIT_MAPPING_CELL (gtk_list_item_get_child (item));

  g_ptr_array_remove_fast (self->cells, cell);
  conduit_mapping_cell_set_row (cell, NULL);
}

/* ---- the whole page ------------------------------------------------------------------- */

static void
update_actions (ConduitMappingEditor *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);
  gboolean has_selection = selected != GTK_INVALID_LIST_POSITION && selected < n_rows (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.add-row", self->mapping != NULL && self->node != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.remove-row", has_selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.move-up", has_selection && selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.move-down", has_selection && selected + 1 < n_rows (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.auto-map",
                                 self->node != NULL &&
                                 ((self->schema != NULL && conduit_schema_get_fields (self->schema)->len > 0) ||
                                  fed_app_fields (self, NULL) != NULL));
}

void
_conduit_mapping_editor_refresh (ConduitMappingEditor *self)
{
  g_autoptr(GString) problems = g_string_new (NULL);

  if (self->mapping == NULL)
    return;

  if (self->record_index >= self->records->len)
    self->record_index = self->records->len > 0 ? self->records->len - 1 : 0;

  compute_states (self, problems);
  for (guint i = 0; i < self->cells->len; i++)
    update_cell (self, g_ptr_array_index (self->cells, i));

  gtk_label_set_text (self->problems_label, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), problems->len > 0);

  _conduit_mapping_editor_show_outcomes (self);
  _conduit_mapping_editor_show_record (self);
  on_selection_changed (self);
}

/* ---- structural edits ----------------------------------------------------------------- */

static void
say (ConduitMappingEditor *self,
     const char           *message)
{
  gtk_label_set_text (self->action_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->action_label), message != NULL && *message != '\0');
}

static void
select_row (ConduitMappingEditor *self,
            guint                 position)
{
  if (position < n_rows (self))
    gtk_single_selection_set_selected (self->selection, position);
  update_actions (self);
}

/* The cells of a new row exist only once the column view has laid it out. */
static gboolean
focus_new_row (gpointer user_data)
{
  ConduitMappingEditor *self = user_data;
  guint position = gtk_single_selection_get_selected (self->selection);
  GtkWidget *cell = position < n_rows (self) ? conduit_mapping_editor_get_cell (self, position, "destination") : NULL;

  if (cell != NULL)
    gtk_widget_grab_focus (cell);
  if (cell != NULL || ++self->focus_tries > 20)
    {
      self->focus_source = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
add_row_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  g_autoptr(ConduitMappingRow) row = conduit_mapping_row_new ("", CONDUIT_MAPPING_SOURCE_FIELD, "");
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint position = selected < n_rows (self) ? selected + 1 : n_rows (self);

  conduit_undo_stack_begin_group (undo_stack (self), _("Add Mapping Row"));
  conduit_mapping_insert_row (self->mapping, position, row);
  commit (self);
  conduit_undo_stack_end_group (undo_stack (self));
  select_row (self, position);
  say (self, NULL);

  self->focus_tries = 0;
  g_clear_handle_id (&self->focus_source, g_source_remove);
  self->focus_source = g_timeout_add (25, focus_new_row, self);
}

static void
remove_row_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected >= n_rows (self))
    return;

  conduit_undo_stack_begin_group (undo_stack (self), _("Remove Mapping Row"));
  conduit_mapping_remove_row (self->mapping, selected);
  commit (self);
  conduit_undo_stack_end_group (undo_stack (self));
  select_row (self, MIN (selected, n_rows (self) - 1));
  say (self, NULL);
}

static void
move_row_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  guint selected = gtk_single_selection_get_selected (self->selection);
  gboolean up = g_str_equal (action_name, "mapping.move-up");
  guint to;

  if (selected >= n_rows (self) || (up && selected == 0) || (!up && selected + 1 >= n_rows (self)))
    return;

  to = up ? selected - 1 : selected + 1;
  conduit_undo_stack_begin_group (undo_stack (self), _("Move Mapping Row"));
  conduit_mapping_move_row (self->mapping, selected, to);
  commit (self);
  conduit_undo_stack_end_group (undo_stack (self));
  select_row (self, to);
}

static gboolean
row_is_empty (ConduitMappingRow *row)
{
  return conduit_mapping_row_get_source_kind (row) == CONDUIT_MAPPING_SOURCE_FIELD &&
         *conduit_mapping_row_get_source (row) == '\0';
}

/* ---- destination fields of an app step -------------------------------------------------- */

/* The input fields of the app step this mapping feeds ("HubSpot → Create a contact"), when it
 * feeds one: then the rows are that operation's fields, not made-up JSON members. */
static JsonArray *
fed_app_fields (ConduitMappingEditor  *self,
                ConduitConnector     **app_step)
{
  ConduitFlow *flow;
  g_autoptr(GPtrArray) links = NULL;
  const char *id;

  if (self->document == NULL || self->node == NULL)
    return NULL;
  flow = conduit_document_get_flow (self->document);
  id = conduit_node_get_id (self->node);
  links = conduit_flow_list_links_of_node (flow, id);
  for (guint i = 0; i < links->len; i++)
    {
      ConduitLink *link = g_ptr_array_index (links, i);
      ConduitNode *to;
      ConduitConnector *connector;
      JsonArray *fields;

      if (g_strcmp0 (conduit_link_get_from_node (link), id) != 0 ||
          g_strcmp0 (conduit_link_get_from_port (link), "out") != 0 ||
          !(to = conduit_flow_lookup_node (flow, conduit_link_get_to_node (link))))
        continue;
      connector = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                     conduit_node_get_connector_id (to));
      if (connector != NULL && (fields = conduit_connector_get_input_schema (connector)) != NULL &&
          json_array_get_length (fields) > 0)
        {
          if (app_step != NULL)
            *app_step = connector;
          return fields;
        }
    }
  return NULL;
}

static JsonObject *
find_app_field (JsonArray  *fields,
                const char *key)
{
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);

      if (g_strcmp0 (json_object_get_string_member (field, "key"), key) == 0)
        return field;
    }
  return NULL;
}

/* A row for an app's field takes the field's type, required rule and allowed values, so the
 * table checks a record the way the app will. */
static void
apply_app_field (ConduitMappingRow *row,
                 JsonObject        *field)
{
  static const struct { const char *app; ConduitMappingType type; } types[] = {
    { "string", CONDUIT_MAPPING_TYPE_STRING }, { "text", CONDUIT_MAPPING_TYPE_STRING },
    { "integer", CONDUIT_MAPPING_TYPE_INTEGER }, { "number", CONDUIT_MAPPING_TYPE_NUMBER },
    { "boolean", CONDUIT_MAPPING_TYPE_BOOLEAN }, { "date", CONDUIT_MAPPING_TYPE_DATE },
    { "datetime", CONDUIT_MAPPING_TYPE_DATETIME }, { "email", CONDUIT_MAPPING_TYPE_EMAIL },
    { "url", CONDUIT_MAPPING_TYPE_URL }, { "enum", CONDUIT_MAPPING_TYPE_ENUM },
  };
  const char *type = json_object_get_string_member_with_default (field, "type", "string");

  /* objects and arrays stay "any": the table has no type for them */
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i].app))
      conduit_mapping_row_set_value_type (row, types[i].type);
  conduit_mapping_row_set_required (row, json_object_get_boolean_member_with_default (field, "required", FALSE));
  if (g_str_equal (type, "enum") && json_object_has_member (field, "values"))
    {
      JsonArray *values = json_object_get_array_member (field, "values");
      g_autoptr(GPtrArray) allowed = g_ptr_array_new ();

      for (guint i = 0; i < json_array_get_length (values); i++)
        g_ptr_array_add (allowed, (gpointer)json_array_get_string_element (values, i));
      g_ptr_array_add (allowed, NULL);
      conduit_mapping_row_set_allowed_values (row, (const char * const *)allowed->pdata);
    }
}

/* Fills the rows that have a destination but no source, and never changes another row; a
 * mapping without rows gets one row per sample field. The engine's auto-map adds rows, so it
 * runs on a scratch mapping of the rows that have a source (whose sources are taken).
 *
 * Before an app step the destinations are the operation's input fields instead: each one the
 * table lacks gets its row (typed, required, allowed values), its source filled when a sample
 * field has its name, so a person maps into "HubSpot contact" fields. */
static void
auto_map_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  g_autoptr(ConduitMapping) scratch = conduit_mapping_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GPtrArray) destinations = g_ptr_array_new ();
  GPtrArray *fields = self->schema ? conduit_schema_get_fields (self->schema) : NULL;
  gboolean empty_mapping = n_rows (self) == 0;
  ConduitConnector *app_step = NULL;
  JsonArray *app_fields = fed_app_fields (self, &app_step);
  guint filled = 0;
  guint added = 0;
  g_autofree char *message = NULL;

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const ConduitSchemaField *field = g_ptr_array_index (fields, i);

      if (!g_str_equal (field->type, "object"))
        g_ptr_array_add (sources, field->path);
    }
  g_ptr_array_add (sources, NULL);

  for (guint i = 0; i < n_rows (self); i++)
    {
      ConduitMappingRow *row = conduit_mapping_get_row (self->mapping, i);
      const char *destination = conduit_mapping_row_get_destination (row);

      if (row_is_empty (row) && *destination != '\0')
        g_ptr_array_add (destinations, (gpointer)destination);
      else if (!row_is_empty (row))
        {
          g_autoptr(ConduitMappingRow) copy =
            conduit_mapping_row_new (destination, conduit_mapping_row_get_source_kind (row),
                                     conduit_mapping_row_get_source (row));
          conduit_mapping_append_row (scratch, copy);
        }
    }
  if (app_fields != NULL)
    for (guint i = 0; i < json_array_get_length (app_fields); i++)
      {
        const char *key = json_object_get_string_member (json_array_get_object_element (app_fields, i), "key");

        if (conduit_mapping_find_destination (self->mapping, key) == NULL)
          g_ptr_array_add (destinations, (gpointer)key);
      }
  else if (empty_mapping)
    for (guint i = 0; sources->pdata[i] != NULL; i++)
      {
        const char *path = sources->pdata[i];

        /* a field inside lists needs a destination list: left to the person */
        if (strstr (path, "[]") == NULL)
          g_ptr_array_add (destinations, (gpointer)path);
      }
  g_ptr_array_add (destinations, NULL);

  conduit_mapping_auto_map (scratch, (const char * const *)sources->pdata,
                            (const char * const *)destinations->pdata);

  conduit_undo_stack_begin_group (undo_stack (self), _("Auto-Map"));
  /* the app's fields the table lacks, in the operation's order, whether a source was found */
  for (guint i = 0; app_fields != NULL && i < json_array_get_length (app_fields); i++)
    {
      JsonObject *field = json_array_get_object_element (app_fields, i);
      const char *key = json_object_get_string_member (field, "key");
      g_autoptr(ConduitMappingRow) row = NULL;

      if (conduit_mapping_find_destination (self->mapping, key) != NULL)
        continue;
      row = conduit_mapping_row_new (key, CONDUIT_MAPPING_SOURCE_FIELD, "");
      apply_app_field (row, field);
      conduit_mapping_append_row (self->mapping, row);
      added++;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (scratch)); i++)
    {
      ConduitMappingRow *suggestion = conduit_mapping_get_row (scratch, i);
      ConduitMappingRow *row;

      if (!conduit_mapping_row_get_suggested (suggestion))
        continue;

      row = conduit_mapping_find_destination (self->mapping, conduit_mapping_row_get_destination (suggestion));
      if (row == NULL && empty_mapping)
        {
          row = conduit_mapping_row_new (conduit_mapping_row_get_destination (suggestion),
                                         CONDUIT_MAPPING_SOURCE_FIELD, "");
          conduit_mapping_append_row (self->mapping, row);
          g_object_unref (row);
        }
      if (row == NULL || !row_is_empty (row))
        continue;

      conduit_mapping_row_set_source (row, conduit_mapping_row_get_source (suggestion));
      conduit_mapping_row_set_suggested (row, TRUE);
      filled++;
    }
  if (filled > 0 || added > 0)
    commit (self);
  conduit_undo_stack_end_group (undo_stack (self));

  if (added > 0)
    /* Translators: the last %s is an app step, e.g. "HubSpot → Create a contact" */
    message = g_strdup_printf (ngettext ("Auto-map added %u field of %s and filled %u of its rows: check them.",
                                         "Auto-map added %u fields of %s and filled %u of their rows: check them.",
                                         added),
                               added, conduit_connector_get_name (app_step), filled);
  else if (filled > 0)
    message = g_strdup_printf (ngettext ("Auto-map filled %u row: check it.",
                                            "Auto-map filled %u rows: check them.", filled), filled);
  else if (destinations->len <= 1)
    message = g_strdup (_("Auto-map fills rows that have a destination field but no source: add such rows first."));
  else
    message = g_strdup (_("Auto-map found no sample field with the name of an empty row."));
  say (self, message);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);

  if (self->document == NULL)
    return;
  if (g_str_equal (action_name, "mapping.undo"))
    {
      if (conduit_undo_stack_get_can_undo (undo_stack (self)))
        conduit_undo_stack_undo (undo_stack (self));
    }
  else if (conduit_undo_stack_get_can_redo (undo_stack (self)))
    conduit_undo_stack_redo (undo_stack (self));
}

/* ---- following the node --------------------------------------------------------------- */

static void
copy_row (ConduitMappingRow *into,
          ConduitMappingRow *from)
{
  double limit;
  gboolean has;

  conduit_mapping_row_set_destination (into, conduit_mapping_row_get_destination (from));
  conduit_mapping_row_set_source_kind (into, conduit_mapping_row_get_source_kind (from));
  conduit_mapping_row_set_source (into, conduit_mapping_row_get_source (from));
  conduit_mapping_row_set_required (into, conduit_mapping_row_get_required (from));
  conduit_mapping_row_set_value_type (into, conduit_mapping_row_get_value_type (from));
  conduit_mapping_row_set_pattern (into, conduit_mapping_row_get_pattern (from));
  conduit_mapping_row_set_min_length (into, conduit_mapping_row_get_min_length (from));
  conduit_mapping_row_set_max_length (into, conduit_mapping_row_get_max_length (from));
  has = conduit_mapping_row_get_minimum (from, &limit);
  conduit_mapping_row_set_minimum (into, has, limit);
  has = conduit_mapping_row_get_maximum (from, &limit);
  conduit_mapping_row_set_maximum (into, has, limit);
  conduit_mapping_row_set_allowed_values (into, conduit_mapping_row_get_allowed_values (from));
  conduit_mapping_row_set_suggested (into, conduit_mapping_row_get_suggested (from));
}

static void
load_mapping (ConduitMappingEditor *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  JsonNode *json = conduit_node_get_mapping (self->node);
  /* a new step has no mapping yet, which is no problem */
  g_autoptr(ConduitMapping) loaded = json ? conduit_mapping_load_json (json, &problems) : conduit_mapping_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (loaded));

  if (self->mapping != NULL && n == n_rows (self))
    {
      /* the same rows edited elsewhere (undo, redo): keep the cells and the focus */
      for (guint i = 0; i < n; i++)
        copy_row (conduit_mapping_get_row (self->mapping, i), conduit_mapping_get_row (loaded, i));
      conduit_mapping_set_keep_unmapped (self->mapping, conduit_mapping_get_keep_unmapped (loaded));
    }
  else
    {
      guint selected = gtk_single_selection_get_selected (self->selection);

      g_set_object (&self->mapping, loaded);
      gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->mapping));
      if (selected != GTK_INVALID_LIST_POSITION)
        select_row (self, MIN (selected, n > 0 ? n - 1 : 0));
    }
  _conduit_mapping_editor_refresh (self);
}

static void
on_mapping_changed (ConduitMappingEditor *self)
{
  g_autoptr(JsonNode) ours = NULL;
  JsonNode *theirs;

  if (self->committing)
    return;

  theirs = conduit_node_get_mapping (self->node);
  ours = conduit_mapping_to_json (self->mapping);
  if (theirs == NULL || !json_node_equal (theirs, ours))
    load_mapping (self);
}

static void
on_nodes_changed (ConduitMappingEditor *self)
{
  ConduitFlow *flow = conduit_document_get_flow (self->document);
  GtkRoot *root;

  if (self->node == NULL || conduit_flow_find_node_position (flow, self->node, NULL))
    return;

  /* the node was deleted: a window showing only its mapping has nothing left to show */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root) && g_object_get_data (G_OBJECT (root), "conduit-mapping-editor") == self)
    gtk_window_destroy (GTK_WINDOW (root));
  else
    conduit_mapping_editor_set_node (self, NULL, NULL);
}

/* ---- public API ----------------------------------------------------------------------- */

GtkWidget *
conduit_mapping_editor_new (void)
{
  return g_object_new (CONDUIT_TYPE_MAPPING_EDITOR, NULL);
}

/**
 * conduit_mapping_editor_set_node:
 * @self: a mapping editor
 * @document: (nullable): the document holding @node, whose undo stack records the edits
 * @node: (nullable): a "mapping" node of @document's flow
 *
 * Shows @node's mapping, with the samples kept with @node (pasted or from a file) or else
 * the sample items of the trigger upstream of it.
 */
void
conduit_mapping_editor_set_node (ConduitMappingEditor *self,
                                 ConduitDocument      *document,
                                 ConduitNode          *node)
{
  g_return_if_fail (CONDUIT_IS_MAPPING_EDITOR (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));
  g_return_if_fail (!node || (CONDUIT_IS_NODE (node) && document != NULL));

  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (conduit_flow_get_nodes (conduit_document_get_flow (self->document)), self);

  _conduit_mapping_editor_follow_trigger (self, NULL);
  g_set_object (&self->document, document);
  g_set_object (&self->node, node);
  gtk_single_selection_set_model (self->selection, NULL);
  g_clear_object (&self->mapping);
  g_hash_table_remove_all (self->states);

  if (node != NULL)
    {
      g_signal_connect_swapped (node, "mapping-changed", G_CALLBACK (on_mapping_changed), self);
      g_signal_connect_swapped (conduit_flow_get_nodes (conduit_document_get_flow (document)),
                                "items-changed", G_CALLBACK (on_nodes_changed), self);
      load_mapping (self);
      _conduit_mapping_editor_load_upstream_samples (self);
    }
  update_actions (self);
}

/**
 * conduit_mapping_editor_get_node:
 * @self: a mapping editor
 *
 * Returns: (transfer none) (nullable): the node edited
 */
ConduitNode *
conduit_mapping_editor_get_node (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  return self->node;
}

/**
 * conduit_mapping_editor_get_mapping:
 * @self: a mapping editor
 *
 * Returns: (transfer none) (nullable): the mapping the table shows, also its model
 */
ConduitMapping *
conduit_mapping_editor_get_mapping (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  return self->mapping;
}

/**
 * conduit_mapping_editor_get_cell:
 * @self: a mapping editor
 * @row: a row of the table
 * @column: "destination", "required", "type", "source", "validation", "preview" or "status"
 *
 * For tests and accessibility tools: the widget of a cell on screen, a #ConduitMappingCell of
 * the column's class (#ConduitMappingSourceCell for "source", #ConduitMappingRulesCell for
 * "validation", and so on).
 *
 * Returns: (transfer none) (nullable): the cell, or %NULL when it is not on screen
 */
GtkWidget *
conduit_mapping_editor_get_cell (ConduitMappingEditor *self,
                                 guint                 row,
                                 const char           *column)
{
  ConduitMappingRow *wanted;
  GType type = G_TYPE_INVALID;

  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  g_return_val_if_fail (column != NULL, NULL);

  if (row >= n_rows (self))
    return NULL;

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    if (g_str_equal (columns[c].column, column))
      type = columns[c].get_type ();
  g_return_val_if_fail (type != G_TYPE_INVALID, NULL);

  wanted = conduit_mapping_get_row (self->mapping, row);
  for (guint i = 0; i < self->cells->len; i++)
    {
      ConduitMappingCell *cell = g_ptr_array_index (self->cells, i);

      if (conduit_mapping_cell_get_row (cell) == wanted &&
          G_TYPE_CHECK_INSTANCE_TYPE (cell, type))
        return GTK_WIDGET (cell);
    }
  return NULL;
}

/**
 * conduit_mapping_editor_get_row_status:
 * @self: a mapping editor
 * @row: a row of the table
 * @reason: (out) (optional) (transfer none): why, in words, or %NULL
 *
 * Returns: how @row fares with the sample record shown
 */
ConduitMappingRowStatus
conduit_mapping_editor_get_row_status (ConduitMappingEditor  *self,
                                       guint                  row,
                                       const char           **reason)
{
  RowState *state;

  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), CONDUIT_MAPPING_ROW_STATUS_PROBLEM);
  g_return_val_if_fail (row < n_rows (self), CONDUIT_MAPPING_ROW_STATUS_PROBLEM);

  state = state_of (self, conduit_mapping_get_row (self->mapping, row));
  if (reason != NULL)
    *reason = state->reason;
  return state->status;
}

static void
on_window_destroy (GtkWidget   *window,
                   ConduitNode *node)
{
  g_object_set_data (G_OBJECT (node), "conduit-mapping-window", NULL);
}

/**
 * conduit_mapping_editor_open_window:
 * @parent: the widget asking, whose window the new one belongs to
 * @document: the document holding @node
 * @node: a "mapping" node
 *
 * Shows the mapping table of @node in a large window of its own (the inspector is too narrow
 * for it), or raises the one already open.
 *
 * Returns: (transfer none): the window
 */
GtkWindow *
conduit_mapping_editor_open_window (GtkWidget       *parent,
                                    ConduitDocument *document,
                                    ConduitNode     *node)
{
  GtkWidget *window, *box, *header, *editor;
  GtkRoot *root;
  g_autofree char *title = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (parent), NULL);
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  window = g_object_get_data (G_OBJECT (node), "conduit-mapping-window");
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return GTK_WINDOW (window);
    }

  window = adw_window_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  editor = conduit_mapping_editor_new ();
  /* Translators: the mapping window's title, with the step's name */
  title = g_strdup_printf (_("Map Fields — %s"), _conduit_mapping_editor_node_name (node));

  gtk_widget_set_vexpand (editor, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), editor);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 1260, 680);
  root = gtk_widget_get_root (parent);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }

  conduit_mapping_editor_set_node (CONDUIT_MAPPING_EDITOR (editor), document, node);
  g_object_set_data (G_OBJECT (window), "conduit-mapping-editor", editor);
  g_object_set_data (G_OBJECT (node), "conduit-mapping-window", window);
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_window_destroy), node, 0);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* ---- GObject -------------------------------------------------------------------------- */

/* Hovering shows a row's reason; keyboard users get the selected row's here. */
static void
on_selection_changed (ConduitMappingEditor *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  update_actions (self);
  if (self->mapping != NULL && selected < n_rows (self))
    {
      ConduitMappingRow *row = conduit_mapping_get_row (self->mapping, selected);
      g_autofree char *fallback = NULL;
      g_autofree char *message = NULL;
      ConduitMappingCellState shown;

      cell_state (self, row, &shown, &fallback);
      if (shown.status != CONDUIT_MAPPING_ROW_STATUS_OK)
        {
          const char *text, *icon, *style;

          conduit_mapping_cell_state_appearance (&shown, &text, &icon, &style);
          /* Translators: the selected row's status and why, under the table */
          message = g_strdup_printf (_("%s — %s"), text,
                                     conduit_mapping_cell_state_explain (&shown));
        }
      say (self, message);
    }
}

static void
conduit_mapping_editor_dispose (GObject *object)
{
  ConduitMappingEditor *self = (ConduitMappingEditor *)object;

  g_clear_handle_id (&self->focus_source, g_source_remove);
  if (self->node != NULL)
    conduit_mapping_editor_set_node (self, NULL, NULL);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_MAPPING_EDITOR);
  g_clear_object (&self->mapping);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (conduit_mapping_editor_parent_class)->dispose (object);
}

static void
conduit_mapping_editor_finalize (GObject *object)
{
  ConduitMappingEditor *self = (ConduitMappingEditor *)object;

  g_clear_pointer (&self->states, g_hash_table_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);
  g_clear_pointer (&self->records, g_ptr_array_unref);
  g_clear_pointer (&self->schema, conduit_schema_unref);
  g_clear_pointer (&self->summary_text, g_free);
  g_clear_pointer (&self->rejected_text, g_free);

  G_OBJECT_CLASS (conduit_mapping_editor_parent_class)->finalize (object);
}

static void
conduit_mapping_editor_class_init (ConduitMappingEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_mapping_editor_dispose;
  object_class->finalize = conduit_mapping_editor_finalize;

  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-mapping-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, record_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, origin_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, record_text);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, rejected_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, rejected_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, sample_error_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, paste_popover);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, paste_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, paste_error_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, column_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, selection);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitMappingEditor, action_label);
  _conduit_mapping_editor_class_samples_init (widget_class);
  gtk_widget_class_bind_template_callback (widget_class, setup_destination_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_required_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_type_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_source_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_validation_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_preview_cell);
  gtk_widget_class_bind_template_callback (widget_class, setup_status_cell);
  gtk_widget_class_bind_template_callback (widget_class, bind_cell);
  gtk_widget_class_bind_template_callback (widget_class, unbind_cell);

  gtk_widget_class_install_action (widget_class, "mapping.add-row", NULL, add_row_action);
  gtk_widget_class_install_action (widget_class, "mapping.remove-row", NULL, remove_row_action);
  gtk_widget_class_install_action (widget_class, "mapping.move-up", NULL, move_row_action);
  gtk_widget_class_install_action (widget_class, "mapping.move-down", NULL, move_row_action);
  gtk_widget_class_install_action (widget_class, "mapping.auto-map", NULL, auto_map_action);
  gtk_widget_class_install_action (widget_class, "mapping.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "mapping.redo", NULL, undo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "mapping.add-row", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "mapping.remove-row", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "mapping.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "mapping.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "mapping.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "mapping.redo", NULL);
}

static void
conduit_mapping_editor_init (ConduitMappingEditor *self)
{
  self->states = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify)row_state_free);
  self->cells = g_ptr_array_new ();
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->selection, "notify::selected", G_CALLBACK (on_selection_changed), self);
  _conduit_mapping_editor_show_record (self);
  update_actions (self);
}
