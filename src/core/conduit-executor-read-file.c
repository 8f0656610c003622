/* conduit-executor-read-file.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-read-file"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-executor-read-file.h"
#include "conduit-record-file.h"
#include "conduit-run.h"

/* Reads the records of a CSV, JSON or NDJSON file, once per batch that reaches it (a trigger's
 * tick or click), in a worker thread, with the one record reader (ConduitRecordReader), as the
 * mapping table's sample picker and conduit-cli do. The file is read a batch of records at a
 * time (conduit_executor_has_more()), so a file of a million records is never in memory at
 * once: the runner asks for the next batch when the steps after this one have room. A file
 * that cannot be opened fails the node, and the items that started it leave through the error
 * port with the reason; one that breaks off in the middle fails the node too, after the
 * records before the break went on. A record that cannot be read (a CSV row with too many
 * fields, a line that is not JSON) leaves through the error port by itself, with its position
 * and text, and the others go on. */

struct _ConduitExecutorReadFile
{
  GObject           parent_instance;

  char               *path;
  ConduitRecordFormat format;
  char                delimiter;
  char               *sheet;
  guint               header_row;

  /* while a file is being read, between batches */
  GInputStream        *stream;
  ConduitRecordReader *reader;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorReadFile, conduit_executor_read_file, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_read_file_finalize (GObject *object)
{
  ConduitExecutorReadFile *self = (ConduitExecutorReadFile *)object;

  g_free (self->path);
  g_free (self->sheet);
  g_clear_object (&self->reader);
  g_clear_object (&self->stream);

  G_OBJECT_CLASS (conduit_executor_read_file_parent_class)->finalize (object);
}

static void
conduit_executor_read_file_class_init (ConduitExecutorReadFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_read_file_finalize;
}

static void
conduit_executor_read_file_init (ConduitExecutorReadFile *self)
{
}

static gboolean
conduit_executor_read_file_prepare (ConduitExecutor  *executor,
                                    ConduitRun       *run,
                                    ConduitNode      *node,
                                    GError          **error)
{
  ConduitExecutorReadFile *self = CONDUIT_EXECUTOR_READ_FILE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *delimiter = conduit_node_dup_string_setting (node, connector, "delimiter");

  if (!conduit_records_node_target (node, connector, &self->path, &self->format, error))
    return FALSE;

  self->delimiter = conduit_records_delimiter_from_name (delimiter);
  self->header_row = (guint)CLAMP (conduit_node_get_int_setting (node, connector, "header_row", 0),
                                   0, G_MAXINT32);
  self->sheet = conduit_node_dup_string_setting (node, connector, "sheet");
  if (self->sheet != NULL && *self->sheet == '\0')
    g_clear_pointer (&self->sheet, g_free);
  if (self->sheet == NULL)
    {
      /* the sheet is a workbook's, the record path an XML document's */
      self->sheet = conduit_node_dup_string_setting (node, connector, "record_path");
      if (self->sheet != NULL && *self->sheet == '\0')
        g_clear_pointer (&self->sheet, g_free);
    }
  return TRUE;
}

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
  json_builder_set_member_name (builder, "raw");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
open_file (ConduitExecutorReadFile  *self,
           GError                  **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->path);
  g_autoptr(GError) local_error = NULL;
  ConduitRecordFormat format = self->format;

  g_clear_object (&self->reader);
  g_clear_object (&self->stream);
  self->stream = G_INPUT_STREAM (g_file_read (file, NULL, &local_error));
  if (self->stream == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot read %s: %s"), self->path, local_error->message);
      return FALSE;
    }

  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = conduit_record_format_guess (self->path);
  self->reader = conduit_record_reader_new (self->stream, format);
  conduit_record_reader_set_header_row (self->reader, self->header_row);
  conduit_record_reader_set_csv_delimiter (self->reader, self->delimiter);
  /* the one of the two that the format has */
  conduit_record_reader_set_sheet (self->reader, self->sheet);
  conduit_record_reader_set_xml_path (self->reader, self->sheet);
  return TRUE;
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorReadFile *self = source_object;
  gboolean open_new = GPOINTER_TO_INT (task_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  guint n_out = 0;

  if (open_new && !open_file (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  while (self->reader != NULL && n_out < CONDUIT_RUN_BATCH_SIZE)
    {
      g_autoptr(GError) local_error = NULL;
      JsonNode *record = conduit_record_reader_next (self->reader, &local_error);
      const char *raw;
      gsize raw_length;
      g_autofree char *message = NULL;

      if (record != NULL)
        {
          conduit_executor_output_add (output, "out", record);
          n_out++;
          continue;
        }
      if (local_error == NULL)
        {
          /* the end of the file */
          g_clear_object (&self->reader);
          g_clear_object (&self->stream);
          break;
        }
      if (!g_error_matches (local_error, CONDUIT_RECORD_READER_ERROR,
                            CONDUIT_RECORD_READER_ERROR_RECORD))
        {
          g_clear_object (&self->reader);
          g_clear_object (&self->stream);
          g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                                   "%s: %s", self->path, local_error->message);
          return;
        }

      raw = conduit_record_reader_get_raw (self->reader, &raw_length);
      message = g_strdup_printf ("%s: %s", self->path, local_error->message);
      {
        g_autoptr(JsonNode) item = problem_new (conduit_record_reader_get_position (self->reader),
                                                local_error->message, raw, raw_length);

        conduit_executor_output_add_error (output, "error", item, "record", message, 0, 0);
      }
      n_out++;
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
conduit_executor_read_file_execute_async (ConduitExecutor     *executor,
                                          ConduitRun          *run,
                                          ConduitNode         *node,
                                          GPtrArray           *items,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_read_file_execute_async);
  /* items that reach the step start a reading of the file; no items, the next batch of it */
  g_task_set_task_data (task, GINT_TO_POINTER (items->len > 0), NULL);
  g_task_run_in_thread (task, read_thread);
}

static ConduitExecutorInput
conduit_executor_read_file_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static gboolean
conduit_executor_read_file_has_more (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_READ_FILE (executor)->reader != NULL;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_read_file_prepare;
  iface->execute_async = conduit_executor_read_file_execute_async;
  iface->get_input_mode = conduit_executor_read_file_get_input_mode;
  iface->has_more = conduit_executor_read_file_has_more;
}
