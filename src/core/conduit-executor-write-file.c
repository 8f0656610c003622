/* conduit-executor-write-file.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-write-file"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-write-file.h"
#include "conduit-record-file.h"
#include "conduit-record-sink.h"
#include "conduit-record-writer.h"
#include "conduit-run.h"

/* Writes the items to a CSV, JSON or NDJSON file, appending or replacing, a batch at a time in a
 * worker thread (ConduitRecordSink: a spool next to the file), and puts the file in place in
 * one rename when the last batch is written (the step's end): a reader sees the old file or
 * the new one. The written items go on through "out" batch by batch; a batch that cannot be
 * written leaves through "error", and if the file cannot be put in place at the end the node
 * fails as a whole and its items count as failed. */

struct _ConduitExecutorWriteFile
{
  GObject            parent_instance;

  char              *path;
  ConduitRecordFormat format;
  gboolean           append;
  char              *xml_path;
  char              *xml_template;
  ConduitRecordSink *sink;          /* from the first batch to the end */
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorWriteFile, conduit_executor_write_file,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_write_file_finalize (GObject *object)
{
  ConduitExecutorWriteFile *self = (ConduitExecutorWriteFile *)object;

  g_free (self->path);
  g_free (self->xml_path);
  g_free (self->xml_template);
  g_clear_pointer (&self->sink, conduit_record_sink_free);

  G_OBJECT_CLASS (conduit_executor_write_file_parent_class)->finalize (object);
}

static void
conduit_executor_write_file_class_init (ConduitExecutorWriteFileClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_write_file_finalize;
}

static void
conduit_executor_write_file_init (ConduitExecutorWriteFile *self)
{
}

static gboolean
conduit_executor_write_file_prepare (ConduitExecutor  *executor,
                                     ConduitRun       *run,
                                     ConduitNode      *node,
                                     GError          **error)
{
  ConduitExecutorWriteFile *self = CONDUIT_EXECUTOR_WRITE_FILE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *mode = conduit_node_dup_string_setting (node, connector, "mode");

  if (!conduit_records_node_target (node, connector, &self->path, &self->format, error))
    return FALSE;

  self->append = g_strcmp0 (mode, "replace") != 0;
  self->xml_path = conduit_node_dup_string_setting (node, connector, "record_path");
  self->xml_template = conduit_node_dup_string_setting (node, connector, "xml_template");
  if (self->xml_template != NULL && *self->xml_template != '\0')
    {
      g_autoptr(GOutputStream) scratch = g_memory_output_stream_new_resizable ();
      g_autoptr(ConduitRecordWriter) check = conduit_record_writer_new (scratch, CONDUIT_RECORD_FORMAT_XML);

      /* a template that cannot be used is the step's setting error, before any item */
      if (!conduit_record_writer_set_xml_template (check, self->xml_template, error))
        return FALSE;
    }
  return TRUE;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ConduitExecutorWriteFile *self = source_object;
  GPtrArray *items = task_data;
  ConduitExecutorOutput *output;
  GError *error = NULL;

  if (self->sink == NULL)
    self->sink = conduit_record_sink_open (self->path, self->format, self->xml_path,
                                           self->xml_template, self->append, &error);
  if (self->sink == NULL || !conduit_record_sink_write (self->sink, items, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  output = conduit_executor_output_new ();
  for (guint i = 0; i < items->len; i++)
    conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (items, i)));
  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
conduit_executor_write_file_execute_async (ConduitExecutor     *executor,
                                           ConduitRun          *run,
                                           ConduitNode         *node,
                                           GPtrArray           *items,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_write_file_execute_async);
  g_task_set_task_data (task, g_ptr_array_ref (items), (GDestroyNotify)g_ptr_array_unref);
  g_task_run_in_thread (task, write_thread);
}

static void
commit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ConduitExecutorWriteFile *self = source_object;
  GError *error = NULL;

  if (self->sink != NULL && !conduit_record_sink_commit (self->sink, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
conduit_executor_write_file_end_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, NULL, callback, user_data);

  /* not cancellable: the batches are written, and the items counted as written */
  g_task_set_source_tag (task, conduit_executor_write_file_end_async);
  g_task_run_in_thread (task, commit_thread);
}

static ConduitExecutorInput
conduit_executor_write_file_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_write_file_prepare;
  iface->execute_async = conduit_executor_write_file_execute_async;
  iface->get_input_mode = conduit_executor_write_file_get_input_mode;
  iface->end_async = conduit_executor_write_file_end_async;
}
