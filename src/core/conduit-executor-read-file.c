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
 * tick or click), in a worker thread, with the one record reader (conduit_records_read_path()),
 * as the mapping table's sample picker and conduit-cli do. A file that cannot be read fails the
 * node, and the items that started it leave through the error port with the reason; a record
 * that cannot be read (a CSV row with too many fields, a line that is not JSON) leaves through
 * the error port by itself, with its position and text, and the others go on. */

struct _ConduitExecutorReadFile
{
  GObject           parent_instance;

  char               *path;
  ConduitRecordFormat format;
  char                delimiter;
  char               *sheet;
  guint               header_row;
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

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorReadFile *self = source_object;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) records = NULL;
  ConduitExecutorOutput *output;

  records = conduit_records_read_path_full (self->path, self->format, self->delimiter, self->sheet,
                                            self->header_row, 0, problems,
                                       &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  output = conduit_executor_output_new ();
  for (guint i = 0; i < records->len; i++)
    conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (records, i)));
  for (guint i = 0; i < problems->len; i++)
    {
      JsonObject *problem = json_node_get_object (g_ptr_array_index (problems, i));
      g_autofree char *message = g_strdup_printf ("%s: %s", self->path,
                                                  json_object_get_string_member (problem, "message"));
      g_autoptr(JsonNode) item = json_node_copy (g_ptr_array_index (problems, i));

      json_object_remove_member (json_node_get_object (item), "message");
      conduit_executor_output_add_error (output, "error", item, "record", message, 0, 0);
    }

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
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
  g_task_run_in_thread (task, read_thread);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_read_file_prepare;
  iface->execute_async = conduit_executor_read_file_execute_async;
}
