/* conduit-mapping-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-editor.h"
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

typedef struct
{
  char                    *preview;
  ConduitMappingRowStatus  status;
  char                    *reason;
  char                    *problem_member;  /* "destination", "field", "expression", … */
  guint                    problem_column;  /* 1-based, 0 for none */
  guint                    problem_length;
} RowState;

struct _ConduitMappingEditor
{
  AdwBin             parent_instance;

  ConduitDocument   *document;
  ConduitNode       *node;
  ConduitMapping    *mapping;
  GHashTable        *states;       /* ConduitMappingRow → RowState */
  GPtrArray         *cells;        /* bound cell widgets */
  GPtrArray         *records;      /* JsonNode, the sample records */
  ConduitSchema     *schema;       /* of the sample records */
  ConduitNode       *trigger;      /* whose sample items are shown, followed while shown */
  guint              record_index;
  guint              focus_source;
  guint              focus_tries;
  char              *summary_text;
  char              *rejected_text;

  /* template children */
  GtkLabel          *record_label;
  GtkLabel          *origin_label;
  GtkInscription    *record_text;
  GtkLabel          *summary_label;
  GtkMenuButton     *rejected_button;
  GtkLabel          *rejected_label;
  GtkLabel          *sample_error_label;
  GtkPopover        *paste_popover;
  GtkTextView       *paste_view;
  GtkLabel          *paste_error_label;
  GtkColumnView     *column_view;
  GtkSingleSelection *selection;
  GtkLabel          *problems_label;
  GtkLabel          *action_label;

  guint              updating : 1;
  guint              committing : 1;
};

G_DEFINE_FINAL_TYPE (ConduitMappingEditor, conduit_mapping_editor, ADW_TYPE_BIN)

static void refresh (ConduitMappingEditor *self);
static void on_selection_changed (ConduitMappingEditor *self);

/* The order of ConduitMappingType. */
static const char *type_labels[] = {
  N_("Any"), N_("Text"), N_("Number"), N_("Whole number"), N_("Yes or no"), N_("Date"),
  N_("Date and time"), N_("Email address"), N_("Web address"), N_("One of a list"), NULL
};

/* The order of ConduitMappingSourceKind. */
static const char *kind_labels[] = { N_("Field"), N_("Fixed value"), N_("Expression"), NULL };

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

/* ---- the samples ---------------------------------------------------------------------- */

/* Reads every record it can; the ones it cannot are listed in @errors, one a line. */
static GPtrArray *
read_records (const char  *text,
              gsize        length,
              ConduitRecordFormat format,
              GString     *errors)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_memdup2 (text, length),
                                                                         length, g_free);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, format);

  while (records->len < MAX_SAMPLES)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *record = conduit_record_reader_next (reader, &error);

      if (record != NULL)
        {
          g_ptr_array_add (records, record);
          continue;
        }
      if (error == NULL)
        break;

      if (errors->len > 0)
        g_string_append_c (errors, '\n');
      /* Translators: a sample record that could not be read, with the reader's reason */
      g_string_append_printf (errors, _("Left out a sample: %s"), error->message);
      if (!g_error_matches (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD))
        break;
    }
  return g_steal_pointer (&records);
}

/* The sample items of the nearest trigger upstream of @node, found by following links
 * backwards, with that trigger's node. */
static ConduitNode *
find_upstream_samples (ConduitFlow *flow,
                       ConduitNode *node,
                       GPtrArray   *records)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GQueue) queue = g_queue_new ();
  GListModel *links = conduit_flow_get_links (flow);

  g_queue_push_tail (queue, (gpointer)conduit_node_get_id (node));
  g_hash_table_add (seen, (gpointer)conduit_node_get_id (node));

  while (!g_queue_is_empty (queue))
    {
      const char *id = g_queue_pop_head (queue);

      for (guint i = 0; i < g_list_model_get_n_items (links); i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          ConduitNode *from;
          JsonNode *items;

          if (g_strcmp0 (conduit_link_get_to_node (link), id) != 0 ||
              g_hash_table_contains (seen, conduit_link_get_from_node (link)))
            continue;

          from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
          if (from == NULL)
            continue;
          g_hash_table_add (seen, (gpointer)conduit_node_get_id (from));

          items = conduit_node_get_setting (from, "items");
          if (items != NULL && JSON_NODE_HOLDS_ARRAY (items) &&
              json_array_get_length (json_node_get_array (items)) > 0)
            {
              JsonArray *array = json_node_get_array (items);

              for (guint j = 0; j < json_array_get_length (array) && j < MAX_SAMPLES; j++)
                g_ptr_array_add (records, json_node_copy (json_array_get_element (array, j)));
              return from;
            }
          g_queue_push_tail (queue, (gpointer)conduit_node_get_id (from));
        }
    }
  return NULL;
}

static const char *
node_name (ConduitNode *node)
{
  const char *title = conduit_node_get_title (node);

  return title != NULL && *title != '\0' ? title : conduit_node_get_id (node);
}

/* Applies @mapping to every record; counts and describes the rejected ones. */
static void
count_outcomes (ConduitMapping *mapping,
                GPtrArray      *records,
                guint          *sent,
                guint          *rejected,
                GString        *details)
{
  *sent = *rejected = 0;

  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonNode) output = NULL;
      g_autoptr(GPtrArray) reasons = NULL;

      if (conduit_mapping_apply (mapping, g_ptr_array_index (records, i), &output, &reasons))
        {
          (*sent)++;
          continue;
        }

      (*rejected)++;
      if (details == NULL || *rejected > MAX_LISTED)
        continue;

      {
        g_autofree char *text = json_to_string (g_ptr_array_index (records, i), FALSE);

        if (details->len > 0)
          g_string_append (details, "\n\n");
        if (g_utf8_strlen (text, -1) > 160)
          {
            /* the three characters cut make room for the three bytes of "…" */
            char *end = g_utf8_offset_to_pointer (text, 157);

            strcpy (end, "…");
          }
        g_string_append_printf (details, _("Record %u: %s"), i + 1, text);
        for (guint r = 0; reasons != NULL && r < reasons->len; r++)
          {
            ConduitMappingReason *reason = g_ptr_array_index (reasons, r);

            g_string_append_printf (details, "\n  • %s: %s",
                                    *reason->field ? reason->field : _("the mapping"), reason->message);
          }
      }
    }

  if (details != NULL && *rejected > MAX_LISTED)
    {
      g_string_append (details, "\n\n");
      g_string_append_printf (details, ngettext ("…and %u more rejected record.", "…and %u more rejected records.",
                                                 *rejected - MAX_LISTED), *rejected - MAX_LISTED);
    }
}

static char *
describe_outcomes (guint n_records,
                   guint sent,
                   guint rejected)
{
  if (n_records == 0)
    return g_strdup (_("No sample records yet: paste some or open a file to see what would be sent."));

  /* Translators: the sample strip's summary; the two numbers add up to the sample records */
  return g_strdup_printf (_("%u would be sent, %u rejected"), sent, rejected);
}

static void
show_record (ConduitMappingEditor *self)
{
  g_autofree char *position = NULL;
  g_autofree char *text = NULL;

  if (self->records->len == 0)
    {
      gtk_label_set_text (self->record_label, _("No samples"));
      gtk_inscription_set_text (self->record_text, _("Samples come from the trigger before this step, a pasted text or a file."));
    }
  else
    {
      g_autofree char *long_position = NULL;

      /* Translators: which sample record the preview column shows, "2 of 5" */
      position = g_strdup_printf (_("%u of %u"), self->record_index + 1, self->records->len);
      /* Translators: the same for screen readers, "Sample record 2 of 5" */
      long_position = g_strdup_printf (_("Sample record %u of %u"), self->record_index + 1, self->records->len);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->record_label), long_position);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->record_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      long_position, -1);
      text = json_to_string (g_ptr_array_index (self->records, self->record_index), FALSE);
      gtk_label_set_text (self->record_label, position);
      gtk_inscription_set_text (self->record_text, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->record_text), text);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.previous-record", self->record_index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mapping.next-record",
                                 self->record_index + 1 < self->records->len);
}

static void
take_records (ConduitMappingEditor *self,
              GPtrArray            *records,
              const char           *origin)
{
  g_ptr_array_unref (self->records);
  self->records = records;
  self->record_index = 0;

  g_clear_pointer (&self->schema, conduit_schema_unref);
  self->schema = conduit_schema_new ();
  for (guint i = 0; i < records->len; i++)
    conduit_schema_add_record (self->schema, g_ptr_array_index (records, i));

  gtk_label_set_text (self->origin_label, origin);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->origin_label), origin);
  refresh (self);
}

static void
show_sample_errors (ConduitMappingEditor *self,
                    const char           *errors)
{
  gtk_label_set_text (self->sample_error_label, errors ? errors : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sample_error_label), errors != NULL && *errors != '\0');
}

static void load_upstream_samples (ConduitMappingEditor *self);

static void
on_trigger_items_changed (ConduitMappingEditor *self)
{
  guint index = self->record_index;

  load_upstream_samples (self);
  /* editing the items keeps the record in view; refresh() clamps it */
  self->record_index = index;
  refresh (self);
}

static void
follow_trigger (ConduitMappingEditor *self,
                ConduitNode          *trigger)
{
  if (self->trigger != NULL)
    g_signal_handlers_disconnect_by_func (self->trigger, on_trigger_items_changed, self);
  g_set_object (&self->trigger, trigger);
  if (trigger != NULL)
    g_signal_connect_swapped (trigger, "setting-changed::items", G_CALLBACK (on_trigger_items_changed), self);
}

static void
load_upstream_samples (ConduitMappingEditor *self)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ConduitNode *trigger = NULL;
  g_autofree char *origin = NULL;

  if (self->document != NULL && self->node != NULL)
    trigger = find_upstream_samples (conduit_document_get_flow (self->document), self->node, records);

  if (trigger != NULL)
    origin = g_strdup_printf (_("Sample items of “%s”"), node_name (trigger));
  else
    origin = g_strdup (_("No step before this one has sample items"));

  show_sample_errors (self, NULL);
  take_records (self, records, origin);
  follow_trigger (self, trigger);
}

/**
 * conduit_mapping_editor_set_samples_text:
 * @self: a mapping editor
 * @text: sample records: a JSON list or object, NDJSON, or CSV with a header line
 * @error: where it goes when no record could be read
 *
 * Uses the records of @text as the samples, as pasting them does. Records that cannot be read
 * are listed under the sample strip; the others are used.
 *
 * Returns: whether at least one record was read
 */
gboolean
conduit_mapping_editor_set_samples_text (ConduitMappingEditor  *self,
                                         const char            *text,
                                         GError               **error)
{
  g_autoptr(GString) errors = g_string_new (NULL);
  GPtrArray *records;

  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  records = read_records (text, strlen (text), CONDUIT_RECORD_FORMAT_AUTO, errors);
  if (records->len == 0)
    {
      g_ptr_array_unref (records);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                   errors->len > 0 ? errors->str : _("The text holds no records."));
      return FALSE;
    }

  show_sample_errors (self, errors->str);
  take_records (self, records, _("Pasted samples"));
  follow_trigger (self, NULL);
  return TRUE;
}

static void
on_use_pasted_clicked (ConduitMappingEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->paste_view);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);

  if (!conduit_mapping_editor_set_samples_text (self, text, &error))
    {
      gtk_label_set_text (self->paste_error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), TRUE);
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), FALSE);
  gtk_popover_popdown (self->paste_popover);
}

static void
on_file_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConduitMappingEditor) self = user_data;
  GFile *file = G_FILE (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) errors = g_string_new (NULL);
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *origin = NULL;
  GPtrArray *records;
  gsize length;

  if (!g_file_load_contents_finish (file, result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not read “%s”: %s"), name, error->message);

      show_sample_errors (self, message);
      return;
    }

  records = read_records (contents, length, conduit_record_format_guess (name), errors);
  if (records->len == MAX_SAMPLES)
    origin = g_strdup_printf (_("The first %u records of “%s”"), MAX_SAMPLES, name);
  else
    origin = g_strdup_printf (_("Records of “%s”"), name);

  show_sample_errors (self, errors->str);
  take_records (self, records, origin);
  follow_trigger (self, NULL);
}

static void
on_file_chosen (GtkNativeDialog      *dialog,
                int                   response,
                ConduitMappingEditor *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_load_contents_async (file, NULL, on_file_loaded, g_object_ref (self));
    }
  g_object_unref (dialog);
}

static void
load_samples_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Open Sample Records"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Records (JSON, NDJSON, CSV)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "ndjson");
  gtk_file_filter_add_suffix (filter, "jsonl");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
step_record_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);

  if (g_str_equal (action_name, "mapping.next-record"))
    {
      if (self->record_index + 1 < self->records->len)
        self->record_index++;
    }
  else if (self->record_index > 0)
    {
      self->record_index--;
    }
  refresh (self);
}

/* ---- computing what the table shows --------------------------------------------------- */

static char *
value_to_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup (_("(no value)"));
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      return g_strdup (*text ? text : _("(empty text)"));
    }
  return json_to_string (value, FALSE);
}

static ConduitExpression *
row_expression (ConduitMappingRow  *row,
                GError            **error)
{
  const char *source = conduit_mapping_row_get_source (row);

  switch (conduit_mapping_row_get_source_kind (row))
    {
    case CONDUIT_MAPPING_SOURCE_FIELD:
      return conduit_expression_new_path (source, error);
    case CONDUIT_MAPPING_SOURCE_EXPRESSION:
      return conduit_expression_new (source, error);
    case CONDUIT_MAPPING_SOURCE_CONSTANT:
      {
        g_autoptr(JsonNode) value = json_from_string (source, NULL);

        if (value == NULL)
          {
            value = json_node_new (JSON_NODE_VALUE);
            json_node_set_string (value, source);
          }
        return conduit_expression_new_constant (value);
      }
    default:
      g_assert_not_reached ();
    }
}

/* Destinations in reasons carry item numbers ("lines[2].sku"); rows do not ("lines[].sku"). */
static char *
strip_indices (const char *field)
{
  GString *out = g_string_new (NULL);

  for (const char *p = field; *p; p++)
    {
      g_string_append_c (out, *p);
      if (*p == '[' && g_ascii_isdigit (p[1]))
        while (g_ascii_isdigit (p[1]))
          p++;
    }
  return g_string_free (out, FALSE);
}

static ConduitMappingRowStatus
status_for_rule (const char *rule)
{
  if (g_strcmp0 (rule, "required") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED;
  if (g_strcmp0 (rule, "type") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR;
  if (g_strcmp0 (rule, "mapping") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_PROBLEM;
  return CONDUIT_MAPPING_ROW_STATUS_INVALID;
}

/* The rows that have no problem, as a mapping of their own, so that one broken row does not
 * hide how the others fare. @positions gets the table row of each of its rows. */
static ConduitMapping *
mapping_without_problems (ConduitMappingEditor *self,
                          GArray               *positions)
{
  g_autoptr(JsonNode) json = conduit_mapping_to_json (self->mapping);
  JsonArray *rows = json_object_get_array_member (json_node_get_object (json), "rows");
  g_autoptr(GPtrArray) problems = NULL;

  for (int i = (int)json_array_get_length (rows) - 1; i >= 0; i--)
    {
      RowState *state = state_of (self, conduit_mapping_get_row (self->mapping, i));

      if (state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM)
        json_array_remove_element (rows, i);
    }
  for (guint i = 0; i < n_rows (self); i++)
    if (state_of (self, conduit_mapping_get_row (self->mapping, i))->status != CONDUIT_MAPPING_ROW_STATUS_PROBLEM)
      g_array_append_val (positions, i);

  return conduit_mapping_load_json (json, &problems);
}

static void
compute_states (ConduitMappingEditor *self,
                GString              *mapping_problems)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMapping) usable = NULL;
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  JsonNode *record = self->records->len > 0 ? g_ptr_array_index (self->records, self->record_index) : NULL;

  g_hash_table_remove_all (self->states);
  conduit_mapping_compile (self->mapping, &problems);

  for (guint i = 0; i < problems->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (problems, i);
      RowState *state;
      const char *member;

      if (problem->row < 0 || (guint)problem->row >= n_rows (self))
        {
          if (mapping_problems->len > 0)
            g_string_append_c (mapping_problems, '\n');
          g_string_append (mapping_problems, problem->message);
          continue;
        }

      state = state_of (self, conduit_mapping_get_row (self->mapping, problem->row));
      if (state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM)
        continue;
      member = strrchr (problem->pointer, '/');
      state->status = CONDUIT_MAPPING_ROW_STATUS_PROBLEM;
      state->reason = g_strdup (problem->message);
      state->problem_member = g_strdup (member ? member + 1 : "");
      state->problem_column = problem->column;
      state->problem_length = problem->length;
    }

  for (guint i = 0; i < n_rows (self); i++)
    {
      ConduitMappingRow *row = conduit_mapping_get_row (self->mapping, i);
      RowState *state = state_of (self, row);
      g_autoptr(ConduitExpression) expression = NULL;
      g_autoptr(JsonNode) value = NULL;
      g_autoptr(GError) error = NULL;

      if (record == NULL)
        {
          state->preview = g_strdup ("");
          continue;
        }
      if (state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM ||
          (expression = row_expression (row, NULL)) == NULL)
        {
          state->preview = g_strdup ("—");
          continue;
        }
      value = conduit_expression_evaluate (expression, record, &error);
      state->preview = error ? g_strdup ("—") : value_to_text (value);
    }

  if (record == NULL)
    return;

  usable = mapping_without_problems (self, positions);
  if (!conduit_mapping_apply (usable, record, &output, &reasons))
    for (guint r = 0; reasons != NULL && r < reasons->len; r++)
      {
        ConduitMappingReason *reason = g_ptr_array_index (reasons, r);
        g_autofree char *field = strip_indices (reason->field);
        ConduitMappingRow *row = conduit_mapping_find_destination (usable, field);
        guint at;
        RowState *state;

        for (at = 0; at < positions->len; at++)
          if (conduit_mapping_get_row (usable, at) == row)
            break;
        if (row == NULL || at == positions->len)
          continue;

        state = state_of (self, conduit_mapping_get_row (self->mapping, g_array_index (positions, guint, at)));
        if (state->status != CONDUIT_MAPPING_ROW_STATUS_OK)
          continue;
        state->status = status_for_rule (reason->rule);
        state->reason = g_strdup_printf ("%s: %s", reason->field, reason->message);
      }

  for (guint i = 0; i < n_rows (self); i++)
    {
      ConduitMappingRow *row = conduit_mapping_get_row (self->mapping, i);
      RowState *state = state_of (self, row);

      if (state->status == CONDUIT_MAPPING_ROW_STATUS_OK && conduit_mapping_row_get_suggested (row))
        state->status = CONDUIT_MAPPING_ROW_STATUS_SUGGESTED;
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
  refresh (self);
}

/* A person changing a suggested row has looked at it. */
static void
confirm (ConduitMappingRow *row)
{
  conduit_mapping_row_set_suggested (row, FALSE);
}

/* ---- cells ---------------------------------------------------------------------------- */

static ConduitMappingRow *
cell_row (GtkWidget *cell)
{
  while (cell != NULL && g_object_get_data (G_OBJECT (cell), "conduit-column") == NULL)
    cell = gtk_widget_get_parent (cell);
  return cell ? g_object_get_data (G_OBJECT (cell), "conduit-row") : NULL;
}

static void
on_cell_focus_enter (GtkEventControllerFocus *controller,
                     ConduitMappingEditor    *self)
{
  ConduitMappingRow *row = cell_row (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller)));
  guint position;

  if (row != NULL && row_position (self, row, &position))
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
}

static void
cell_init (ConduitMappingEditor *self,
           GtkListItem          *item,
           GtkWidget            *cell,
           const char           *column)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_object_set_data (G_OBJECT (cell), "conduit-column", (gpointer)column);
  g_signal_connect_object (focus, "enter", G_CALLBACK (on_cell_focus_enter), self, 0);
  gtk_widget_add_controller (cell, focus);
  gtk_list_item_set_child (item, cell);
}

static void
on_destination_changed (ConduitMappingEditor *self,
                        GtkEditable          *entry)
{
  ConduitMappingRow *row = cell_row (GTK_WIDGET (entry));

  if (self->updating || row == NULL)
    return;
  conduit_mapping_row_set_destination (row, gtk_editable_get_text (entry));
  confirm (row);
  commit (self);
}

static void
setup_destination_cell (ConduitMappingEditor *self,
                        GtkListItem          *item)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Field name"));
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 14);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_destination_changed), self, G_CONNECT_SWAPPED);
  cell_init (self, item, entry, "destination");
}

static void
on_required_toggled (ConduitMappingEditor *self,
                     GParamSpec           *pspec,
                     GtkCheckButton       *check)
{
  ConduitMappingRow *row = cell_row (GTK_WIDGET (check));

  if (self->updating || row == NULL)
    return;
  conduit_mapping_row_set_required (row, gtk_check_button_get_active (check));
  confirm (row);
  commit (self);
}

static void
setup_required_cell (ConduitMappingEditor *self,
                     GtkListItem          *item)
{
  GtkWidget *check = gtk_check_button_new ();

  gtk_widget_set_halign (check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (check, _("A record without a value here is rejected"));
  g_signal_connect_object (check, "notify::active", G_CALLBACK (on_required_toggled), self, G_CONNECT_SWAPPED);
  cell_init (self, item, check, "required");
}

static GtkWidget *
translated_drop_down (const char **labels)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (list, _(labels[i]));
  return gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL);
}

static void
on_type_selected (ConduitMappingEditor *self,
                  GParamSpec           *pspec,
                  GtkDropDown          *drop_down)
{
  ConduitMappingRow *row = cell_row (GTK_WIDGET (drop_down));

  if (self->updating || row == NULL)
    return;
  conduit_mapping_row_set_value_type (row, gtk_drop_down_get_selected (drop_down));
  confirm (row);
  commit (self);
}

static void
setup_type_cell (ConduitMappingEditor *self,
                 GtkListItem          *item)
{
  GtkWidget *drop_down = translated_drop_down (type_labels);

  g_signal_connect_object (drop_down, "notify::selected", G_CALLBACK (on_type_selected), self, G_CONNECT_SWAPPED);
  cell_init (self, item, drop_down, "type");
}

/* A constant is JSON text in the mapping; people type plain text, so text that is not JSON is
 * taken as text, and a text constant is shown without its quotes. */
static char *
constant_to_display (const char *json_text)
{
  g_autoptr(JsonNode) value = json_from_string (json_text, NULL);

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
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
on_source_changed (ConduitMappingEditor *self,
                   GtkEditable          *entry)
{
  ConduitMappingRow *row = cell_row (GTK_WIDGET (entry));
  const char *text = gtk_editable_get_text (entry);

  if (self->updating || row == NULL)
    return;

  if (conduit_mapping_row_get_source_kind (row) == CONDUIT_MAPPING_SOURCE_CONSTANT)
    {
      g_autofree char *json = constant_from_display (text);

      conduit_mapping_row_set_source (row, json);
    }
  else
    conduit_mapping_row_set_source (row, text);
  confirm (row);
  commit (self);
}

static void
on_kind_selected (ConduitMappingEditor *self,
                  GParamSpec           *pspec,
                  GtkDropDown          *drop_down)
{
  ConduitMappingRow *row = cell_row (GTK_WIDGET (drop_down));
  GtkWidget *entry = g_object_get_data (G_OBJECT (gtk_widget_get_parent (GTK_WIDGET (drop_down))), "entry");

  if (self->updating || row == NULL)
    return;

  /* what is in the entry stays, read the new way */
  conduit_mapping_row_set_source_kind (row, gtk_drop_down_get_selected (drop_down));
  on_source_changed (self, GTK_EDITABLE (entry));
}

static void
on_field_picked (ConduitMappingEditor *self,
                 GtkListBoxRow        *list_row,
                 GtkListBox           *list)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (list), "button");
  ConduitMappingRow *row = cell_row (button);
  const char *path = g_object_get_data (G_OBJECT (list_row), "path");

  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  if (row == NULL)
    return;

  conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_FIELD);
  conduit_mapping_row_set_source (row, path);
  confirm (row);
  commit (self);
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
  ConduitMappingEditor *self = user_data;
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
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
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
        example = g_strdup_printf (_("%s, e.g. %s"), field->type, (char *)g_ptr_array_index (field->examples, 0));
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

  g_object_set_data (G_OBJECT (list), "button", button);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (list), filter_fields, search, NULL);
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (on_search_changed), list);
  g_signal_connect_swapped (search, "activate", G_CALLBACK (on_search_activate), list);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_field_picked), self, G_CONNECT_SWAPPED);
  gtk_menu_button_set_popover (button, popover);
}

static void
setup_source_cell (ConduitMappingEditor *self,
                   GtkListItem          *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *kind = translated_drop_down (kind_labels);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *pick = gtk_menu_button_new ();

  gtk_widget_set_hexpand (entry, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 20);
  gtk_widget_add_css_class (entry, "monospace");
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (pick), "edit-find-symbolic");
  gtk_widget_set_tooltip_text (pick, _("Choose a field of the sample records"));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (pick), create_field_picker, self, NULL);
  gtk_widget_set_tooltip_text (kind, _("Where the value comes from: a field of the record, a fixed value or an expression"));

  gtk_box_append (GTK_BOX (box), kind);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), pick);
  g_object_set_data (G_OBJECT (box), "kind", kind);
  g_object_set_data (G_OBJECT (box), "entry", entry);
  g_object_set_data (G_OBJECT (box), "pick", pick);

  g_signal_connect_object (entry, "changed", G_CALLBACK (on_source_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (kind, "notify::selected", G_CALLBACK (on_kind_selected), self, G_CONNECT_SWAPPED);
  cell_init (self, item, box, "source");
}

static char *
describe_rules (ConduitMappingRow *row)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  int min_length = conduit_mapping_row_get_min_length (row);
  int max_length = conduit_mapping_row_get_max_length (row);
  const char * const *values = conduit_mapping_row_get_allowed_values (row);
  double limit;

  if (min_length >= 0 && max_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%d–%d characters"), min_length, max_length));
  else if (min_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("at least %d characters"), min_length));
  else if (max_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("at most %d characters"), max_length));
  if (conduit_mapping_row_get_minimum (row, &limit))
    g_ptr_array_add (parts, g_strdup_printf ("≥ %g", limit));
  if (conduit_mapping_row_get_maximum (row, &limit))
    g_ptr_array_add (parts, g_strdup_printf ("≤ %g", limit));
  if (conduit_mapping_row_get_pattern (row) != NULL)
    g_ptr_array_add (parts, g_strdup (_("pattern")));
  if (values != NULL && values[0] != NULL)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u value", "%u values", g_strv_length ((char **)values)),
                                             g_strv_length ((char **)values)));

  if (parts->len == 0)
    return g_strdup (_("None"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **)parts->pdata);
}

/* Empty text clears the rule; text that is no number leaves it alone and is marked. */
static gboolean
parse_limit (GtkEditable *entry,
             gboolean     integer,
             gboolean    *has_value,
             double      *value)
{
  const char *text = gtk_editable_get_text (entry);
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end = NULL;

  *has_value = *stripped != '\0';
  if (!*has_value)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return TRUE;
    }

  *value = g_ascii_strtod (stripped, &end);
  if (*end != '\0' || (integer && (*value < 0 || *value != (int)*value)))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return TRUE;
}

static void
on_rule_changed (GtkEditable *entry,
                 gpointer     user_data)
{
  ConduitMappingEditor *self = user_data;
  GtkWidget *button = g_object_get_data (G_OBJECT (entry), "button");
  const char *rule = g_object_get_data (G_OBJECT (entry), "rule");
  ConduitMappingRow *row = cell_row (button);
  gboolean has_value;
  double value = 0;

  if (row == NULL)
    return;

  if (g_str_equal (rule, "pattern"))
    {
      const char *text = gtk_editable_get_text (entry);

      conduit_mapping_row_set_pattern (row, *text ? text : NULL);
    }
  else if (g_str_equal (rule, "values"))
    {
      g_auto(GStrv) values = g_strsplit (gtk_editable_get_text (entry), ",", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();

      for (guint i = 0; values[i] != NULL; i++)
        if (*g_strstrip (values[i]) != '\0')
          g_ptr_array_add (kept, values[i]);
      g_ptr_array_add (kept, NULL);
      conduit_mapping_row_set_allowed_values (row, kept->len > 1 ? (const char * const *)kept->pdata : NULL);
    }
  else if (!parse_limit (entry, g_str_has_suffix (rule, "length"), &has_value, &value))
    return;
  else if (g_str_equal (rule, "min_length"))
    conduit_mapping_row_set_min_length (row, has_value ? (int)value : -1);
  else if (g_str_equal (rule, "max_length"))
    conduit_mapping_row_set_max_length (row, has_value ? (int)value : -1);
  else if (g_str_equal (rule, "minimum"))
    conduit_mapping_row_set_minimum (row, has_value, value);
  else if (g_str_equal (rule, "maximum"))
    conduit_mapping_row_set_maximum (row, has_value, value);

  confirm (row);
  commit (self);
}

static void
add_rule_entry (ConduitMappingEditor *self,
                GtkGrid              *grid,
                GtkWidget            *button,
                const char           *rule,
                const char           *label,
                const char           *text)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();
  int line = 0;

  while (gtk_grid_get_child_at (grid, 0, line) != NULL)
    line++;

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  gtk_widget_set_hexpand (entry, TRUE);
  g_object_set_data (G_OBJECT (entry), "button", button);
  g_object_set_data (G_OBJECT (entry), "rule", (gpointer)rule);
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rule_changed), self, 0);
  gtk_grid_attach (grid, title, 0, line, 1, 1);
  gtk_grid_attach (grid, entry, 1, line, 1, 1);
}

static char *
limit_text (gboolean has,
            double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return has ? g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)) : NULL;
}

static void
create_rules_editor (GtkMenuButton *button,
                     gpointer       user_data)
{
  ConduitMappingEditor *self = user_data;
  ConduitMappingRow *row = cell_row (GTK_WIDGET (button));
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  const char * const *values;
  g_autofree char *values_text = NULL;
  g_autofree char *min_length = NULL;
  g_autofree char *max_length = NULL;
  g_autofree char *minimum = NULL;
  g_autofree char *maximum = NULL;
  double limit;
  gboolean has;

  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  gtk_menu_button_set_popover (button, popover);
  if (row == NULL)
    return;

  values = conduit_mapping_row_get_allowed_values (row);
  values_text = values ? g_strjoinv (", ", (char **)values) : NULL;
  if (conduit_mapping_row_get_min_length (row) >= 0)
    min_length = g_strdup_printf ("%d", conduit_mapping_row_get_min_length (row));
  if (conduit_mapping_row_get_max_length (row) >= 0)
    max_length = g_strdup_printf ("%d", conduit_mapping_row_get_max_length (row));
  has = conduit_mapping_row_get_minimum (row, &limit);
  minimum = limit_text (has, limit);
  has = conduit_mapping_row_get_maximum (row, &limit);
  maximum = limit_text (has, limit);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "min_length", _("_Fewest characters"), min_length);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "max_length", _("_Most characters"), max_length);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "minimum", _("_Smallest number"), minimum);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "maximum", _("_Largest number"), maximum);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "values", _("_Allowed values"), values_text);
  add_rule_entry (self, GTK_GRID (grid), GTK_WIDGET (button), "pattern", _("_Pattern"),
                  conduit_mapping_row_get_pattern (row));
  {
    GtkWidget *hint = gtk_label_new (_("Leave a box empty for no rule. Allowed values are separated by commas and used with the type “One of a list”; the pattern is a regular expression."));

    gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
    gtk_label_set_max_width_chars (GTK_LABEL (hint), 40);
    gtk_label_set_xalign (GTK_LABEL (hint), 0);
    gtk_widget_add_css_class (hint, "dim-label");
    gtk_widget_add_css_class (hint, "caption");
    gtk_grid_attach (GTK_GRID (grid), hint, 0, 6, 2, 1);
  }
}

static void
setup_validation_cell (ConduitMappingEditor *self,
                       GtkListItem          *item)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_rules_editor, self, NULL);
  gtk_widget_set_tooltip_text (button, _("Rules the value must follow"));
  cell_init (self, item, button, "validation");
}

static void
setup_preview_cell (ConduitMappingEditor *self,
                    GtkListItem          *item)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 8);
  /* one line, ellipsized: a row is as tall as its entries, and a wrapped value reads badly */
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (inscription), 1);
  gtk_widget_set_valign (inscription, GTK_ALIGN_CENTER);
  cell_init (self, item, inscription, "preview");
}

static void
setup_status_cell (ConduitMappingEditor *self,
                   GtkListItem          *item)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *image = gtk_image_new ();
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (inscription), 6);
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (inscription), 1);
  gtk_widget_set_valign (inscription, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (inscription, TRUE);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), inscription);
  g_object_set_data (G_OBJECT (box), "image", image);
  g_object_set_data (G_OBJECT (box), "text", inscription);
  cell_init (self, item, box, "status");
}

static void
mark_problem (GtkWidget  *entry,
              RowState   *state,
              const char *member)
{
  gboolean at_fault = state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM &&
                      g_strcmp0 (state->problem_member, member) == 0;
  PangoAttrList *attributes = NULL;

  if (at_fault && state->problem_column > 0)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
      glong chars = g_utf8_strlen (text, -1);
      glong first = MIN ((glong)state->problem_column - 1, MAX (chars - 1, 0));
      glong last = MIN (first + MAX ((glong)state->problem_length, 1), chars);
      PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);

      /* the wavy line takes the entry's text colour, which the error style makes red */
      underline->start_index = g_utf8_offset_to_pointer (text, first) - text;
      underline->end_index = g_utf8_offset_to_pointer (text, last) - text;
      attributes = pango_attr_list_new ();
      pango_attr_list_insert (attributes, underline);
    }

  gtk_entry_set_attributes (GTK_ENTRY (entry), attributes);
  g_clear_pointer (&attributes, pango_attr_list_unref);
  if (at_fault)
    gtk_widget_add_css_class (entry, "error");
  else
    gtk_widget_remove_css_class (entry, "error");
  gtk_widget_set_tooltip_text (entry, at_fault ? state->reason : NULL);
}

static void set_label (GtkWidget  *widget,
                       const char *format,
                       ...) G_GNUC_PRINTF (2, 3);

static void
set_label (GtkWidget  *widget,
           const char *format,
           ...)
{
  g_autofree char *label = NULL;
  va_list args;

  va_start (args, format);
  label = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
status_appearance (ConduitMappingEditor     *self,
                   ConduitMappingRowStatus   status,
                   const char              **text,
                   const char              **icon,
                   const char              **style)
{
  *style = "error";
  *icon = "dialog-warning-symbolic";
  switch (status)
    {
    case CONDUIT_MAPPING_ROW_STATUS_OK:
      *text = self->records->len > 0 ? _("OK") : _("No sample");
      *icon = "emblem-ok-symbolic";
      *style = "success";
      break;
    case CONDUIT_MAPPING_ROW_STATUS_SUGGESTED:
      *text = _("Suggested: check it");
      *icon = "dialog-information-symbolic";
      *style = "accent";
      break;
    case CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED:
      *text = _("Missing required");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR:
      *text = _("Type error");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_INVALID:
      *text = _("Not valid");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_PROBLEM:
    default:
      *text = _("Fix this row");
      *icon = "dialog-error-symbolic";
      break;
    }
}

static const char *
status_reason (ConduitMappingEditor *self,
               ConduitMappingRow    *row,
               RowState             *state)
{
  if (state->reason != NULL)
    return state->reason;
  if (state->status == CONDUIT_MAPPING_ROW_STATUS_SUGGESTED)
    return _("Auto-map chose this source by its name. Change anything in the row to confirm it.");
  if (self->records->len == 0)
    return _("There is no sample record to check this row with.");
  return _("The value of this sample record passes every rule of the row.");
}

static void
update_cell (ConduitMappingEditor *self,
             GtkWidget            *cell)
{
  const char *column = g_object_get_data (G_OBJECT (cell), "conduit-column");
  ConduitMappingRow *row = g_object_get_data (G_OBJECT (cell), "conduit-row");
  RowState *state;
  const char *name;
  g_autofree char *fallback = NULL;
  guint position = 0;

  if (row == NULL)
    return;

  state = state_of (self, row);
  row_position (self, row, &position);
  name = conduit_mapping_row_get_destination (row);
  if (*name == '\0')
    name = fallback = g_strdup_printf (_("row %u"), position + 1);

  self->updating = TRUE;

  if (g_str_equal (column, "destination"))
    {
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (cell)), conduit_mapping_row_get_destination (row)) != 0)
        gtk_editable_set_text (GTK_EDITABLE (cell), conduit_mapping_row_get_destination (row));
      mark_problem (cell, state, "destination");
      set_label (cell, _("Destination field of %s"), name);
    }
  else if (g_str_equal (column, "required"))
    {
      gtk_check_button_set_active (GTK_CHECK_BUTTON (cell), conduit_mapping_row_get_required (row));
      set_label (cell, _("Required: %s"), name);
    }
  else if (g_str_equal (column, "type"))
    {
      gtk_drop_down_set_selected (GTK_DROP_DOWN (cell), conduit_mapping_row_get_value_type (row));
      set_label (cell, _("Type of %s"), name);
    }
  else if (g_str_equal (column, "source"))
    {
      GtkWidget *kind = g_object_get_data (G_OBJECT (cell), "kind");
      GtkWidget *entry = g_object_get_data (G_OBJECT (cell), "entry");
      ConduitMappingSourceKind source_kind = conduit_mapping_row_get_source_kind (row);
      g_autofree char *text = NULL;

      if (source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT)
        text = constant_to_display (conduit_mapping_row_get_source (row));
      else
        text = g_strdup (conduit_mapping_row_get_source (row));

      gtk_drop_down_set_selected (GTK_DROP_DOWN (kind), source_kind);
      /* only when it differs, so that typing keeps the cursor where it is */
      if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0)
        {
          g_autofree char *shown = constant_from_display (gtk_editable_get_text (GTK_EDITABLE (entry)));

          if (source_kind != CONDUIT_MAPPING_SOURCE_CONSTANT ||
              g_strcmp0 (shown, conduit_mapping_row_get_source (row)) != 0)
            gtk_editable_set_text (GTK_EDITABLE (entry), text);
        }
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                      source_kind == CONDUIT_MAPPING_SOURCE_FIELD ? _("Field of the record") :
                                      source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT ? _("Value sent every time") :
                                      _("e.g. lower(trim(Email))"));
      mark_problem (entry, state, source_kind == CONDUIT_MAPPING_SOURCE_FIELD ? "field" :
                                  source_kind == CONDUIT_MAPPING_SOURCE_CONSTANT ? "constant" : "expression");
      set_label (kind, _("Kind of source of %s"), name);
      set_label (entry, _("Source of %s"), name);
      set_label (g_object_get_data (G_OBJECT (cell), "pick"), _("Choose a sample field for %s"), name);
    }
  else if (g_str_equal (column, "validation"))
    {
      g_autofree char *rules = describe_rules (row);
      gboolean at_fault = state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM &&
                          state->problem_member != NULL &&
                          strstr ("destination field expression constant", state->problem_member) == NULL;

      gtk_menu_button_set_label (GTK_MENU_BUTTON (cell), rules);
      /* a column of "None" buttons is noise; rows with rules stand out */
      if (g_strcmp0 (rules, _("None")) == 0)
        gtk_widget_add_css_class (cell, "flat");
      else
        gtk_widget_remove_css_class (cell, "flat");
      if (at_fault)
        gtk_widget_add_css_class (cell, "error");
      else
        gtk_widget_remove_css_class (cell, "error");
      gtk_widget_set_tooltip_text (cell, at_fault ? state->reason : _("Rules the value must follow"));
      set_label (cell, _("Rules of %s"), name);
    }
  else if (g_str_equal (column, "preview"))
    {
      gtk_inscription_set_text (GTK_INSCRIPTION (cell), state->preview);
      gtk_widget_set_tooltip_text (cell, state->preview && *state->preview ? state->preview : NULL);
      set_label (cell, _("Preview of %s"), name);
    }
  else if (g_str_equal (column, "status"))
    {
      const char *text, *icon, *style;
      const char *reason = status_reason (self, row, state);

      status_appearance (self, state->status, &text, &icon, &style);
      gtk_inscription_set_text (g_object_get_data (G_OBJECT (cell), "text"), text);
      gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (cell), "image"), icon);
      for (guint i = 0; i < 3; i++)
        gtk_widget_remove_css_class (cell, (const char *[]) { "error", "success", "accent" }[i]);
      gtk_widget_add_css_class (cell, style);
      gtk_widget_set_tooltip_text (cell, reason);
      set_label (cell, _("Status of %s"), name);
      gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, reason, -1);
    }

  self->updating = FALSE;
}

static void
bind_cell (ConduitMappingEditor *self,
           GtkListItem          *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);

  g_object_set_data_full (G_OBJECT (cell), "conduit-row", g_object_ref (gtk_list_item_get_item (item)),
                          g_object_unref);
  g_ptr_array_add (self->cells, cell);
  update_cell (self, cell);
}

static void
unbind_cell (ConduitMappingEditor *self,
             GtkListItem          *item)
{
  GtkWidget *cell = gtk_list_item_get_child (item);

  g_ptr_array_remove_fast (self->cells, cell);
  g_object_set_data (G_OBJECT (cell), "conduit-row", NULL);
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
                                 self->schema != NULL && self->node != NULL &&
                                 conduit_schema_get_fields (self->schema)->len > 0);
}

static void
refresh (ConduitMappingEditor *self)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GString) details = g_string_new (NULL);
  guint sent = 0, rejected = 0;

  if (self->mapping == NULL)
    return;

  if (self->record_index >= self->records->len)
    self->record_index = self->records->len > 0 ? self->records->len - 1 : 0;

  compute_states (self, problems);
  for (guint i = 0; i < self->cells->len; i++)
    update_cell (self, g_ptr_array_index (self->cells, i));

  gtk_label_set_text (self->problems_label, problems->str);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), problems->len > 0);

  count_outcomes (self->mapping, self->records, &sent, &rejected, details);
  if (!conduit_mapping_compile (self->mapping, NULL) && self->records->len > 0)
    {
      /* every record fails on the mapping itself; what else is wrong with them is more use */
      g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(ConduitMapping) usable = mapping_without_problems (self, positions);
      guint usable_sent, usable_rejected;

      g_string_assign (details, _("The mapping has rows to fix (marked “Fix this row”): until they are fixed, every record is rejected."));
      count_outcomes (usable, self->records, &usable_sent, &usable_rejected, details);
    }
  g_free (self->summary_text);
  self->summary_text = describe_outcomes (self->records->len, sent, rejected);
  g_free (self->rejected_text);
  self->rejected_text = g_string_free (g_steal_pointer (&details), FALSE);
  gtk_label_set_text (self->summary_label, self->summary_text);
  gtk_label_set_text (self->rejected_label, self->rejected_text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rejected_button), rejected > 0);

  show_record (self);
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

/* Fills the rows that have a destination but no source, and never changes another row; a
 * mapping without rows gets one row per sample field. The engine's auto-map adds rows, so it
 * runs on a scratch mapping of the rows that have a source (whose sources are taken). */
static void
auto_map_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitMappingEditor *self = CONDUIT_MAPPING_EDITOR (widget);
  g_autoptr(ConduitMapping) scratch = conduit_mapping_new ();
  g_autoptr(GPtrArray) sources = g_ptr_array_new ();
  g_autoptr(GPtrArray) destinations = g_ptr_array_new ();
  GPtrArray *fields = conduit_schema_get_fields (self->schema);
  gboolean empty_mapping = n_rows (self) == 0;
  guint filled = 0;
  g_autofree char *message = NULL;

  for (guint i = 0; i < fields->len; i++)
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
  if (empty_mapping)
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
  if (filled > 0)
    commit (self);
  conduit_undo_stack_end_group (undo_stack (self));

  if (filled > 0)
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
  refresh (self);
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
 * Shows @node's mapping, with the sample items of the trigger upstream of it as samples.
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

  follow_trigger (self, NULL);
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
      load_upstream_samples (self);
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
 * For tests and accessibility tools: the widget of a cell on screen. The source cell is a box
 * of the kind drop-down, the entry and the field picker; the status cell a box of an icon and
 * a #GtkInscription.
 *
 * Returns: (transfer none) (nullable): the cell, or %NULL when it is not on screen
 */
GtkWidget *
conduit_mapping_editor_get_cell (ConduitMappingEditor *self,
                                 guint                 row,
                                 const char           *column)
{
  ConduitMappingRow *wanted;

  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  g_return_val_if_fail (column != NULL, NULL);

  if (row >= n_rows (self))
    return NULL;

  wanted = conduit_mapping_get_row (self->mapping, row);
  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);

      if (g_object_get_data (G_OBJECT (cell), "conduit-row") == wanted &&
          g_str_equal (g_object_get_data (G_OBJECT (cell), "conduit-column"), column))
        return cell;
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

guint
conduit_mapping_editor_get_n_records (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), 0);
  return self->records->len;
}

guint
conduit_mapping_editor_get_record_index (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), 0);
  return self->record_index;
}

/**
 * conduit_mapping_editor_get_summary_text:
 * @self: a mapping editor
 *
 * Returns: "N would be sent, M rejected" for the sample records, as the strip shows it
 */
const char *
conduit_mapping_editor_get_summary_text (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  return self->summary_text ? self->summary_text : "";
}

/**
 * conduit_mapping_editor_get_rejected_text:
 * @self: a mapping editor
 *
 * Returns: the rejected sample records with their reasons, as "Show Rejected" lists them
 */
const char *
conduit_mapping_editor_get_rejected_text (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);
  return self->rejected_text ? self->rejected_text : "";
}

/**
 * conduit_mapping_editor_describe:
 * @flow: a flow
 * @node: a "mapping" node of @flow
 *
 * The short account of a mapping that the inspector shows beside "Edit Mapping": rows,
 * problems, and what would become of the sample records of the trigger upstream.
 *
 * Returns: (transfer full): a sentence or two
 */
char *
conduit_mapping_editor_describe (ConduitFlow *flow,
                                 ConduitNode *node)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMapping) mapping = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *rows = NULL;
  g_autofree char *outcome = NULL;
  guint n, sent, rejected;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  if (conduit_node_get_mapping (node) == NULL)
    return g_strdup (_("No fields are mapped yet."));

  mapping = conduit_mapping_load_json (conduit_node_get_mapping (node), &problems);
  n = g_list_model_get_n_items (G_LIST_MODEL (mapping));
  if (problems->len == 0)
    rows = g_strdup_printf (ngettext ("%u row, no problems.", "%u rows, no problems.", n), n);
  else
    {
      g_autofree char *n_rows_text = g_strdup_printf (ngettext ("%u row", "%u rows", n), n);
      g_autofree char *n_problems = g_strdup_printf (ngettext ("%u problem", "%u problems", problems->len),
                                                     problems->len);

      /* Translators: "7 rows, 2 problems." */
      rows = g_strdup_printf (_("%s, %s."), n_rows_text, n_problems);
    }

  find_upstream_samples (flow, node, records);
  if (records->len == 0)
    return g_strdup_printf ("%s %s", rows, _("No sample records upstream."));

  count_outcomes (mapping, records, &sent, &rejected, NULL);
  outcome = describe_outcomes (records->len, sent, rejected);
  /* Translators: "7 rows, no problems. Samples: 1 would be sent, 0 rejected." */
  return g_strdup_printf (_("%s Samples: %s."), rows, outcome);
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
  title = g_strdup_printf (_("Map Fields — %s"), node_name (node));

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
      RowState *state = state_of (self, row);

      g_autofree char *message = NULL;

      if (state->status != CONDUIT_MAPPING_ROW_STATUS_OK)
        {
          const char *text, *icon, *style;

          status_appearance (self, state->status, &text, &icon, &style);
          /* Translators: the selected row's status and why, under the table */
          message = g_strdup_printf (_("%s — %s"), text, status_reason (self, row, state));
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
  gtk_widget_class_bind_template_callback (widget_class, on_use_pasted_clicked);
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
  gtk_widget_class_install_action (widget_class, "mapping.previous-record", NULL, step_record_action);
  gtk_widget_class_install_action (widget_class, "mapping.next-record", NULL, step_record_action);
  gtk_widget_class_install_action (widget_class, "mapping.load-samples", NULL, load_samples_action);
  gtk_widget_class_install_action (widget_class, "mapping.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "mapping.redo", NULL, undo_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "mapping.add-row", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK, "mapping.remove-row", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_ALT_MASK, "mapping.move-up", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_ALT_MASK, "mapping.move-down", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK, "mapping.previous-record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK, "mapping.next-record", NULL);
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
  show_record (self);
  update_actions (self);
}
