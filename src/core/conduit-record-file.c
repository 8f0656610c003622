/* conduit-record-file.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-record-file"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "conduit-executor.h"
#include "conduit-record-file.h"
#include "conduit-record-writer.h"

/* Writing never leaves a half-written file: the new content is made in memory (the batch is
 * there already) and replaces the old file in one step (g_file_replace_contents writes a
 * temporary file in the same folder and renames it), so a reader sees the old file or the new
 * one. Appending rewrites the file the same way; CSV gains columns when new items bring new
 * fields. */

static JsonNode *
problem_new (guint64     position,
             const char *message,
             const char *raw,
             gsize       raw_length)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = g_utf8_make_valid (raw, raw_length);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "position");
  json_builder_add_int_value (builder, (gint64)position);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "raw");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * conduit_records_read:
 * @stream: the input
 * @format: its format, or %CONDUIT_RECORD_FORMAT_AUTO to look at the content
 * @delimiter: the CSV delimiter, or 0 to guess it from the header line
 * @sheet: (nullable): the sheet of a workbook (%NULL for the first), or the record path of an
 *   XML document (%NULL for the root element's children)
 * @max_records: stop after this many records, or 0 for all
 * @problems: (nullable) (element-type JsonNode): where each record that cannot be read goes,
 *   as `{"position", "message", "raw"}`; without it the first such record is an error
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type JsonNode): the records, or %NULL with @error
 *   when the input cannot be read on
 */
static GPtrArray *read_records (GInputStream *stream, ConduitRecordFormat format, char delimiter,
                                const char *sheet, guint header_row, guint max_records,
                                GPtrArray *problems, GPtrArray *warnings, GError **error);

GPtrArray *
conduit_records_read (GInputStream         *stream,
                      ConduitRecordFormat   format,
                      char                  delimiter,
                      const char           *sheet,
                      guint                 max_records,
                      GPtrArray            *problems,
                      GError              **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return read_records (stream, format, delimiter, sheet, 0, max_records, problems, NULL, error);
}

/**
 * conduit_records_read_noting:
 * @stream: the input
 * @format: its format, or %CONDUIT_RECORD_FORMAT_AUTO to look at the content
 * @max_records: stop after this many records, or 0 for all
 * @problems: (nullable) (element-type JsonNode): as for conduit_records_read()
 * @warnings: (element-type utf8): where what was read differently from how it was written goes
 *   (a trimmed CSV header, a repeated JSON key; conduit_record_reader_get_warnings()), one
 *   sentence each, with a last one counting those left out
 * @error: return location for an error
 *
 * conduit_records_read() for the mapping table's samples, which shows the reader's warnings as
 * `conduit-cli map` prints them.
 *
 * Returns: (transfer container) (element-type JsonNode): the records, or %NULL with @error
 */
GPtrArray *
conduit_records_read_noting (GInputStream         *stream,
                             ConduitRecordFormat   format,
                             guint                 max_records,
                             GPtrArray            *problems,
                             GPtrArray            *warnings,
                             GError              **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (warnings != NULL, NULL);

  return read_records (stream, format, 0, NULL, 0, max_records, problems, warnings, error);
}

static GPtrArray *
read_records (GInputStream         *stream,
              ConduitRecordFormat   format,
              char                  delimiter,
              const char           *sheet,
              guint                 header_row,
              guint                 max_records,
              GPtrArray            *problems,
              GPtrArray            *warnings,
              GError              **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(ConduitRecordReader) reader = NULL;

  reader = conduit_record_reader_new (stream, format);
  conduit_record_reader_set_header_row (reader, header_row);
  conduit_record_reader_set_csv_delimiter (reader, delimiter);
  /* the one of the two that the format has */
  conduit_record_reader_set_sheet (reader, sheet);
  conduit_record_reader_set_xml_path (reader, sheet);

  while (max_records == 0 || records->len < max_records)
    {
      g_autoptr(GError) local_error = NULL;
      JsonNode *record = conduit_record_reader_next (reader, &local_error);
      const char *raw;
      gsize raw_length;

      if (record != NULL)
        {
          g_ptr_array_add (records, record);
          continue;
        }
      if (local_error == NULL)
        break;

      if (problems == NULL ||
          !g_error_matches (local_error, CONDUIT_RECORD_READER_ERROR,
                            CONDUIT_RECORD_READER_ERROR_RECORD))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      raw = conduit_record_reader_get_raw (reader, &raw_length);
      g_ptr_array_add (problems, problem_new (conduit_record_reader_get_position (reader),
                                              local_error->message, raw, raw_length));
    }

  if (warnings != NULL)
    {
      guint64 n_warnings = 0;
      GPtrArray *kept = conduit_record_reader_get_warnings (reader, &n_warnings);

      for (guint i = 0; kept != NULL && i < kept->len; i++)
        g_ptr_array_add (warnings, g_strdup (g_ptr_array_index (kept, i)));
      if (kept != NULL && n_warnings > kept->len)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("… and %" PRIu64 " more like these"),
                                          n_warnings - kept->len));
    }

  return g_steal_pointer (&records);
}

/**
 * conduit_records_read_path:
 * @path: a file
 * @format: its format; %CONDUIT_RECORD_FORMAT_AUTO takes it from the file name, or from the
 *   content when the name says nothing
 * @delimiter: the CSV delimiter, or 0 to guess it
 * @sheet: (nullable): the sheet of a workbook (%NULL for the first), or the record path of an
 *   XML document (%NULL for the root element's children)
 * @max_records: stop after this many records, or 0 for all
 * @problems: (nullable) (element-type JsonNode): as for conduit_records_read()
 * @error: return location for an error, naming the file
 *
 * Returns: (transfer container) (element-type JsonNode): the records, or %NULL with @error
 */
GPtrArray *
conduit_records_read_path (const char           *path,
                           ConduitRecordFormat   format,
                           char                  delimiter,
                           const char           *sheet,
                           guint                 max_records,
                           GPtrArray            *problems,
                           GError              **error)
{
  return conduit_records_read_path_full (path, format, delimiter, sheet, 0, max_records,
                                         problems, error);
}

/**
 * conduit_records_read_path_full:
 * @path: a file
 * @format: as for conduit_records_read_path()
 * @delimiter: the CSV delimiter, or 0 to guess it
 * @sheet: (nullable): the sheet of a workbook, or the record path of an XML document
 * @header_row: the row of a sheet that names the columns, or 0 for the first with a value
 * @max_records: stop after this many records, or 0 for all
 * @problems: (nullable) (element-type JsonNode): as for conduit_records_read()
 * @error: return location for an error, naming the file
 *
 * Returns: (transfer container) (element-type JsonNode): the records, or %NULL with @error
 */
GPtrArray *
conduit_records_read_path_full (const char           *path,
                                ConduitRecordFormat   format,
                                char                  delimiter,
                                const char           *sheet,
                                guint                 header_row,
                                guint                 max_records,
                                GPtrArray            *problems,
                                GError              **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *records;

  g_return_val_if_fail (path != NULL, NULL);

  stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot read %s: %s"), path, local_error->message);
      return NULL;
    }

  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = conduit_record_format_guess (path);
  records = read_records (G_INPUT_STREAM (stream), format, delimiter, sheet, header_row,
                          max_records, problems, NULL, &local_error);
  if (records == NULL)
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE, "%s: %s", path,
                 local_error->message);
  return records;
}

static gboolean
write_records (ConduitRecordWriter  *writer,
               GPtrArray            *records,
               GError              **error)
{
  for (guint i = 0; i < records->len; i++)
    if (!conduit_record_writer_write (writer, g_ptr_array_index (records, i), error))
      return FALSE;
  return TRUE;
}

/**
 * conduit_records_write_path:
 * @path: the file
 * @records: (element-type JsonNode): the records to write
 * @format: the format; %CONDUIT_RECORD_FORMAT_AUTO takes it from the file name, CSV when the
 *   name says nothing
 * @xml_path: (nullable): for XML, the path of the record elements ("/orders/order")
 * @append: add to the file's records instead of replacing them
 * @error: return location for an error
 *
 * Writes @records atomically: readers see either the old file or the new one. Blocks; call it
 * from a worker thread.
 *
 * Returns: whether the file was written
 */
gboolean
conduit_records_write_path (const char           *path,
                            GPtrArray            *records,
                            ConduitRecordFormat   format,
                            const char           *xml_path,
                            gboolean              append,
                            GError              **error)
{
  return conduit_records_write_path_full (path, records, format, xml_path, NULL, append, error);
}

/**
 * conduit_records_write_path_full:
 * @path: the file
 * @records: (element-type JsonNode): the records to write
 * @format: as for conduit_records_write_path()
 * @xml_path: (nullable): for XML, the path of the record elements
 * @xml_template: (nullable): for XML, a template element each record is written as (see
 *   conduit_record_writer_set_xml_template())
 * @append: add to the file's records instead of replacing them
 * @error: return location for an error
 *
 * Returns: whether the file was written
 */
gboolean
conduit_records_write_path_full (const char           *path,
                                 GPtrArray            *records,
                                 ConduitRecordFormat   format,
                                 const char           *xml_path,
                                 const char           *xml_template,
                                 gboolean              append,
                                 GError              **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(ConduitRecordWriter) writer = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *existing = NULL;
  gsize existing_length = 0;
  gboolean exists = FALSE;

  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = conduit_record_format_guess (path);
  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = CONDUIT_RECORD_FORMAT_CSV;

  if (append)
    {
      exists = g_file_load_contents (file, NULL, &existing, &existing_length, NULL, &local_error);
      if (!exists && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("Cannot read %s to add to it: %s"), path, local_error->message);
          return FALSE;
        }
      g_clear_error (&local_error);
    }

  writer = conduit_record_writer_new (memory, format);
  if (xml_path != NULL && *xml_path != '\0')
    conduit_record_writer_set_xml_path (writer, xml_path);
  if (xml_template != NULL && *xml_template != '\0' &&
      !conduit_record_writer_set_xml_template (writer, xml_template, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING, "%s",
                   local_error->message);
      return FALSE;
    }
  if (exists && format == CONDUIT_RECORD_FORMAT_NDJSON)
    {
      /* Lines stand alone: keep the old bytes exactly, and add ours after them. */
      g_output_stream_write_all (memory, existing, existing_length, NULL, NULL, NULL);
      if (existing_length > 0 && existing[existing_length - 1] != '\n')
        g_output_stream_write_all (memory, "\n", 1, NULL, NULL, NULL);
    }
  else if (exists)
    {
      g_autoptr(GInputStream) input = g_memory_input_stream_new_from_data (existing,
                                                                           existing_length, NULL);
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

      old = conduit_records_read (input, format, 0,
                                  format == CONDUIT_RECORD_FORMAT_XML ? xml_path : NULL, 0,
                                  problems, &local_error);
      if (old == NULL || problems->len > 0)
        {
          /* rewriting the file without a record it holds would lose it */
          const char *message = old == NULL ? local_error->message
            : json_object_get_string_member (json_node_get_object (g_ptr_array_index (problems, 0)),
                                             "message");

          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("Cannot add to %s: %s"), path, message);
          return FALSE;
        }
    }

  if (format == CONDUIT_RECORD_FORMAT_CSV || format == CONDUIT_RECORD_FORMAT_XLSX)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new ();
      g_auto(GStrv) columns = NULL;

      if (old != NULL)
        g_ptr_array_extend (all, old, NULL, NULL);
      g_ptr_array_extend (all, records, NULL, NULL);
      columns = conduit_record_columns_of (all);
      conduit_record_writer_set_columns (writer, (const char * const *)columns);
    }

  if ((old != NULL && !write_records (writer, old, &local_error)) ||
      !write_records (writer, records, &local_error) ||
      !conduit_record_writer_finish (writer, &local_error) ||
      !g_output_stream_close (memory, NULL, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), path, local_error->message);
      return FALSE;
    }

  if (!g_file_replace_contents (file,
                                g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                                g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory)),
                                NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_records_delimiter_from_name:
 * @name: (nullable): a delimiter setting: ",", ";", "|", "tab", or "auto"
 *
 * Returns: the delimiter, or 0 to guess it
 */
char
conduit_records_delimiter_from_name (const char *name)
{
  if (g_strcmp0 (name, "tab") == 0 || g_strcmp0 (name, "\\t") == 0)
    return '\t';
  if (name != NULL && strlen (name) == 1 && strchr (",;\t|", name[0]) != NULL)
    return name[0];
  return 0;
}

/**
 * conduit_records_node_target:
 * @node: a Read File or Write File node
 * @connector: its connector
 * @path: (out): the file, with a leading `~/` made the home folder
 * @format: (out): its format setting; %CONDUIT_RECORD_FORMAT_AUTO when it is "auto"
 * @error: return location for an error
 *
 * Returns: %FALSE with @error when no file is chosen or the format is unknown
 */
gboolean
conduit_records_node_target (ConduitNode          *node,
                             ConduitConnector     *connector,
                             char                **path,
                             ConduitRecordFormat  *format,
                             GError              **error)
{
  g_autofree char *chosen = conduit_node_dup_string_setting (node, connector, "path");
  g_autofree char *format_name = conduit_node_dup_string_setting (node, connector, "format");

  if (chosen == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("no file is chosen"));
      return FALSE;
    }

  *format = CONDUIT_RECORD_FORMAT_AUTO;
  if (format_name != NULL && !conduit_record_format_from_name (format_name, format))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the format “%s” is not one Conduit reads or writes"), format_name);
      return FALSE;
    }

  if (g_str_has_prefix (chosen, "~/"))
    *path = g_build_filename (g_get_home_dir (), chosen + 2, NULL);
  else
    *path = g_steal_pointer (&chosen);
  return TRUE;
}
