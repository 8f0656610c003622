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
#include "conduit-file-records.h"
#include "conduit-run.h"

/* Reads the records of a CSV, JSON or NDJSON file, once per batch that reaches it (a trigger's
 * tick or click), in a worker thread. A file that cannot be read fails the node, and the items
 * that started it leave through the error port with the reason. */

struct _ConduitExecutorReadFile
{
  GObject           parent_instance;

  char             *path;
  ConduitFileFormat format;
  char              delimiter;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorReadFile, conduit_executor_read_file, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_read_file_finalize (GObject *object)
{
  ConduitExecutorReadFile *self = (ConduitExecutorReadFile *)object;

  g_free (self->path);

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

  if (!conduit_file_records_node_target (node, connector, &self->path, &self->format, error))
    return FALSE;

  if (g_strcmp0 (delimiter, "tab") == 0)
    self->delimiter = '\t';
  else if (delimiter != NULL && strlen (delimiter) == 1)
    self->delimiter = delimiter[0];
  else
    self->delimiter = 0;

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
  g_autofree char *data = NULL;
  gsize length = 0;
  GPtrArray *records;
  ConduitExecutorOutput *output;

  if (!g_file_get_contents (self->path, &data, &length, &error))
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                               _("Cannot read %s: %s"), self->path, error->message);
      return;
    }

  records = conduit_file_records_parse (data, length, self->format, self->delimiter, self->path,
                                        &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  output = conduit_executor_output_new ();
  for (guint i = 0; i < records->len; i++)
    conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (records, i)));
  g_ptr_array_unref (records);

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
