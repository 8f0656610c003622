/* conduit-mapping-editor-samples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-editor-private.h"

/* The sample strip above the mapping table: where the sample records come from (the trigger
 * upstream, a pasted text, a file), stepping through them, and how many of them the mapping
 * would send or reject. */

/* Reads every record it can; the ones it cannot are listed in @errors, one a line. */
static GPtrArray *
read_records (const char  *text,
              gsize        length,
              ConduitRecordFormat format,
              GString     *errors)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (g_memdup2 (text, length),
                                                                         length, g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  /* the same reading as the Read File step's and conduit-cli's (conduit_records_read()), with
   * what was read differently from how it was written said as `conduit-cli map` says it */
  records = conduit_records_read_noting (stream, format, MAX_SAMPLES, problems, warnings, &error);
  for (guint i = 0; i < warnings->len; i++)
    {
      if (errors->len > 0)
        g_string_append_c (errors, '\n');
      /* Translators: something in the samples read differently from how it was written,
       * e.g. a CSV header with spaces around it */
      g_string_append_printf (errors, _("Note: %s"), (const char *)g_ptr_array_index (warnings, i));
    }
  for (guint i = 0; i < problems->len; i++)
    {
      JsonObject *problem = json_node_get_object (g_ptr_array_index (problems, i));

      if (errors->len > 0)
        g_string_append_c (errors, '\n');
      /* Translators: a sample record that could not be read, with the reader's reason */
      g_string_append_printf (errors, _("Left out a sample: %s"),
                              json_object_get_string_member (problem, "message"));
    }
  if (records == NULL)
    {
      if (errors->len > 0)
        g_string_append_c (errors, '\n');
      g_string_append_printf (errors, _("Left out a sample: %s"), error->message);
      records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    }
  return records;
}

const char *
_conduit_mapping_editor_node_name (ConduitNode *node)
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

void
_conduit_mapping_editor_show_record (ConduitMappingEditor *self)
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
  self->schema = conduit_schema_new_for_records (records);

  gtk_label_set_text (self->origin_label, origin);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->origin_label), origin);
  _conduit_mapping_editor_refresh (self);
}

static void
show_sample_errors (ConduitMappingEditor *self,
                    const char           *errors)
{
  gtk_label_set_text (self->sample_error_label, errors ? errors : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sample_error_label), errors != NULL && *errors != '\0');
}

static void
on_trigger_items_changed (ConduitMappingEditor *self)
{
  guint index = self->record_index;

  _conduit_mapping_editor_load_upstream_samples (self);
  /* editing the items keeps the record in view; _conduit_mapping_editor_refresh() clamps it */
  self->record_index = index;
  _conduit_mapping_editor_refresh (self);
}

/* Pinned data upstream is what a test run sends here (docs/flow-format.md): pinning, editing or
 * unpinning any step before this one may change the samples, so each of them is watched while
 * the samples come from upstream. The nodes are kept in the editor's data, not its struct:
 * only this file knows of them. */
#define PIN_WATCH_KEY "conduit-mapping-editor-pin-watch"

static void
unwatch_pins (ConduitMappingEditor *self)
{
  GPtrArray *watched = g_object_get_data (G_OBJECT (self), PIN_WATCH_KEY);

  for (guint i = 0; watched != NULL && i < watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (watched, i), on_trigger_items_changed,
                                          self);
  g_object_set_data (G_OBJECT (self), PIN_WATCH_KEY, NULL);
}

static void
watch_pins (ConduitMappingEditor *self)
{
  GPtrArray *watched = g_ptr_array_new_with_free_func (g_object_unref);
  ConduitFlow *flow = conduit_document_get_flow (self->document);
  GListModel *links = conduit_flow_get_links (flow);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();

  g_ptr_array_add (queue, self->node);
  for (guint q = 0; q < queue->len; q++)
    {
      const char *id = conduit_node_get_id (g_ptr_array_index (queue, q));

      for (guint i = 0; i < g_list_model_get_n_items (links); i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          ConduitNode *from;

          if (g_strcmp0 (conduit_link_get_to_node (link), id) != 0)
            continue;
          from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
          /* the flow does not loop, but two paths may meet */
          if (from == NULL || g_ptr_array_find (queue, from, NULL))
            continue;
          g_ptr_array_add (queue, from);
          g_ptr_array_add (watched, g_object_ref (from));
          g_signal_connect_swapped (from, "notify::pinned", G_CALLBACK (on_trigger_items_changed),
                                    self);
        }
    }

  g_object_set_data_full (G_OBJECT (self), PIN_WATCH_KEY, watched,
                          (GDestroyNotify)g_ptr_array_unref);
}

void
_conduit_mapping_editor_follow_trigger (ConduitMappingEditor *self,
                                        ConduitNode          *trigger)
{
  if (self->trigger != NULL)
    g_signal_handlers_disconnect_by_func (self->trigger, on_trigger_items_changed, self);
  g_set_object (&self->trigger, trigger);
  unwatch_pins (self);
  if (trigger != NULL)
    g_signal_connect_swapped (trigger, "setting-changed::items", G_CALLBACK (on_trigger_items_changed), self);
}

/* The samples a person gave this step (pasted or from a file), which the flow keeps in the
 * node's "samples" setting; FALSE when it has none. */
static gboolean
own_samples (ConduitNode *node,
             GPtrArray   *records)
{
  JsonNode *samples = conduit_node_get_setting (node, "samples");
  JsonArray *array;

  if (samples == NULL || !JSON_NODE_HOLDS_ARRAY (samples))
    return FALSE;
  array = json_node_get_array (samples);
  for (guint i = 0; i < json_array_get_length (array) && records->len < MAX_SAMPLES; i++)
    g_ptr_array_add (records, json_node_copy (json_array_get_element (array, i)));
  return records->len > 0;
}

/* Keeps @records with the flow, as an edit that can be undone, so that they are there when
 * the table is opened again. */
static void
keep_samples (ConduitMappingEditor *self,
              GPtrArray            *records)
{
  g_autoptr(JsonNode) value = NULL;
  JsonArray *array = json_array_sized_new (records->len);

  if (self->document == NULL || self->node == NULL)
    {
      json_array_unref (array);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (records, i)));
  value = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (value, array);

  self->keeping_samples = TRUE;
  conduit_undo_stack_set_setting (conduit_document_get_undo_stack (self->document), self->node,
                                  "samples", value);
  self->keeping_samples = FALSE;
}

/* The node's own samples changed elsewhere (undo, redo, the inspector): show them. */
static void
on_samples_changed (ConduitMappingEditor *self)
{
  if (!self->keeping_samples)
    _conduit_mapping_editor_load_upstream_samples (self);
}

void
_conduit_mapping_editor_load_upstream_samples (ConduitMappingEditor *self)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ConduitNode *trigger = NULL;
  g_autofree char *origin = NULL;

  if (self->node != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->node, on_samples_changed, self);
      g_signal_connect_swapped (self->node, "setting-changed::samples",
                                G_CALLBACK (on_samples_changed), self);
      if (own_samples (self->node, records))
        {
          show_sample_errors (self, NULL);
          take_records (self, records, _("Samples kept with this step"));
          _conduit_mapping_editor_follow_trigger (self, NULL);
          return;
        }
    }

  if (self->document != NULL && self->node != NULL)
    trigger = conduit_flow_find_upstream_samples (conduit_document_get_flow (self->document),
                                                  self->node, MAX_SAMPLES, records);

  if (trigger != NULL && conduit_node_get_pinned (trigger) != NULL)
    origin = g_strdup_printf (_("Pinned data of “%s”"), _conduit_mapping_editor_node_name (trigger));
  else if (trigger != NULL)
    origin = g_strdup_printf (_("Sample items of “%s”"), _conduit_mapping_editor_node_name (trigger));
  else
    origin = g_strdup (_("No step before this one has sample items"));

  show_sample_errors (self, NULL);
  take_records (self, records, origin);
  _conduit_mapping_editor_follow_trigger (self, trigger);
  if (self->document != NULL && self->node != NULL)
    watch_pins (self);
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
/**
 * conduit_mapping_editor_get_sample_notes:
 * @self: a mapping editor
 *
 * Returns: (transfer none): what is shown under the sample strip: samples left out and how
 *   some were read (empty when there is nothing to say)
 */
const char *
conduit_mapping_editor_get_sample_notes (ConduitMappingEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_EDITOR (self), NULL);

  return gtk_label_get_text (self->sample_error_label);
}

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
  _conduit_mapping_editor_follow_trigger (self, NULL);
  keep_samples (self, self->records);
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
  _conduit_mapping_editor_follow_trigger (self, NULL);
  keep_samples (self, self->records);
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
  gtk_file_filter_set_name (filter, _("Records (JSON, NDJSON, CSV, Excel)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "ndjson");
  gtk_file_filter_add_suffix (filter, "jsonl");
  gtk_file_filter_add_suffix (filter, "csv");
  gtk_file_filter_add_suffix (filter, "tsv");
  gtk_file_filter_add_suffix (filter, "xlsx");
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
  _conduit_mapping_editor_refresh (self);
}

/* The strip's count of the samples that would be sent and rejected, with the reasons. */
void
_conduit_mapping_editor_show_outcomes (ConduitMappingEditor *self)
{
  g_autoptr(GString) details = g_string_new (NULL);
  guint sent = 0, rejected = 0;

  count_outcomes (self->mapping, self->records, &sent, &rejected, details);
  if (!conduit_mapping_compile (self->mapping, NULL) && self->records->len > 0)
    {
      /* every record fails on the mapping itself; what else is wrong with them is more use */
      g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(ConduitMapping) usable = conduit_mapping_preview_usable (self->mapping, positions);
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

  if (!own_samples (node, records))
    conduit_flow_find_upstream_samples (flow, node, MAX_SAMPLES, records);
  if (records->len == 0)
    return g_strdup_printf ("%s %s", rows, _("No sample records upstream."));

  count_outcomes (mapping, records, &sent, &rejected, NULL);
  outcome = describe_outcomes (records->len, sent, rejected);
  /* Translators: "7 rows, no problems. Samples: 1 would be sent, 0 rejected." */
  return g_strdup_printf (_("%s Samples: %s."), rows, outcome);
}

void
_conduit_mapping_editor_class_samples_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, on_use_pasted_clicked);
  gtk_widget_class_install_action (widget_class, "mapping.previous-record", NULL, step_record_action);
  gtk_widget_class_install_action (widget_class, "mapping.next-record", NULL, step_record_action);
  gtk_widget_class_install_action (widget_class, "mapping.load-samples", NULL, load_samples_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_ALT_MASK, "mapping.previous-record", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_ALT_MASK, "mapping.next-record", NULL);
}
