/* conduit-executor-db-write.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-db-write"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-db-writer.h"
#include "conduit-executor-db-common.h"
#include "conduit-executor-db-write.h"
#include "conduit-run.h"

/* Write Rows: inserts, updates or upserts the items as rows of a table (see
 * conduit-db-writer.c for the batches and savepoints). An item leaves through "out" only once
 * its transaction is committed; a row the database refused, a key that matched no row, and
 * every row of a batch cut off by a lost connection leave through "error", each with why. */

struct _ConduitExecutorDbWrite
{
  GObject             parent_instance;

  ConduitDbTarget     target;
  char               *table;
  ConduitDbWriteMode  mode;
  GStrv               keys;
  guint               batch_size;
  ConduitDbParams    *params;
  GPtrArray          *items;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDbWrite, conduit_executor_db_write, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_db_write_finalize (GObject *object)
{
  ConduitExecutorDbWrite *self = (ConduitExecutorDbWrite *)object;

  conduit_db_target_clear (&self->target);
  g_free (self->table);
  g_strfreev (self->keys);
  g_clear_pointer (&self->params, conduit_db_params_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_executor_db_write_parent_class)->finalize (object);
}

static void
conduit_executor_db_write_class_init (ConduitExecutorDbWriteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_db_write_finalize;
}

static void
conduit_executor_db_write_init (ConduitExecutorDbWrite *self)
{
}

static gboolean
conduit_executor_db_write_prepare (ConduitExecutor  *executor,
                                   ConduitRun       *run,
                                   ConduitNode      *node,
                                   GError          **error)
{
  ConduitExecutorDbWrite *self = CONDUIT_EXECUTOR_DB_WRITE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *mode = conduit_node_dup_string_setting (node, connector, "mode");
  g_autoptr(JsonNode) keys = conduit_node_dup_setting_or_default (node, connector, "key_columns");
  g_autoptr(GPtrArray) key_list = g_ptr_array_new ();

  if (!conduit_db_target_read (&self->target, node, connector, error))
    return FALSE;

  self->table = conduit_node_dup_string_setting (node, connector, "table");
  if (self->table == NULL || *self->table == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a table to write to"), conduit_node_get_id (node));
      return FALSE;
    }

  if (!conduit_db_write_mode_from_string (mode != NULL ? mode : "insert", &self->mode))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s”: “%s” is not insert, update or upsert"), conduit_node_get_id (node),
                   mode);
      return FALSE;
    }

  if (keys != NULL && JSON_NODE_HOLDS_ARRAY (keys))
    {
      JsonArray *array = json_node_get_array (keys);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *key = json_array_get_string_element (array, i);
          if (key == NULL || *key == '\0')
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                           _("“%s”: key column %u is not a column name"),
                           conduit_node_get_id (node), i + 1);
              return FALSE;
            }
          g_ptr_array_add (key_list, g_strdup (key));
        }
    }
  g_ptr_array_add (key_list, NULL);
  self->keys = (GStrv)g_ptr_array_free (g_steal_pointer (&key_list), FALSE);

  self->batch_size = CLAMP (conduit_node_get_int_setting (node, connector, "batch_size", 5000),
                            1, 100000);
  return TRUE;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ConduitExecutorDbWrite *self = source_object;
  g_autoptr(ConduitExecutorOutput) output = NULL;
  g_autoptr(ConduitDbWriter) writer = NULL;
  ConduitDbConnection *connection;
  ConduitDbRowOutcome *outcomes;
  gboolean reusable = TRUE;
  GError *error = NULL;

  connection = conduit_db_pool_acquire (self->params, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  writer = conduit_db_writer_new (connection, self->table, self->mode,
                                  (const char * const *)self->keys, &error);
  if (writer == NULL)
    {
      conduit_db_pool_release (connection, conduit_db_connection_is_alive (connection));
      g_task_return_error (task, error);
      return;
    }
  conduit_db_writer_set_batch_size (writer, self->batch_size);

  outcomes = conduit_db_writer_write (writer, self->items, cancellable);

  output = conduit_executor_output_new ();
  for (guint i = 0; i < self->items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (self->items, i);

      if (outcomes[i].written)
        conduit_executor_output_add (output, "out", json_node_ref (item));
      else
        {
          conduit_executor_output_add_error (output, "error", item, outcomes[i].kind,
                                             outcomes[i].message, 0, 1);
          if (g_strcmp0 (outcomes[i].kind, "connection-lost") == 0)
            reusable = FALSE;
        }
    }
  conduit_db_row_outcomes_free (outcomes, self->items->len);

  g_clear_pointer (&writer, conduit_db_writer_free);
  conduit_db_pool_release (connection, reusable);
  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
params_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitExecutorDbWrite *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->params = conduit_db_target_params_finish (result, &error);
  if (self->params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, write_thread);
}

static void
conduit_executor_db_write_execute_async (ConduitExecutor     *executor,
                                         ConduitRun          *run,
                                         ConduitNode         *node,
                                         GPtrArray           *items,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  ConduitExecutorDbWrite *self = CONDUIT_EXECUTOR_DB_WRITE (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_db_write_execute_async);
  self->items = g_ptr_array_ref (items);
  conduit_db_target_params_async (&self->target, run, cancellable, params_cb,
                                  g_steal_pointer (&task));
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_db_write_prepare;
  iface->execute_async = conduit_executor_db_write_execute_async;
}
