/* conduit-executor-db-query.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-db-query"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "conduit-db-sql.h"
#include "conduit-executor-db-common.h"
#include "conduit-executor-db-query.h"
#include "conduit-run.h"

/* Database Query: runs its SQL once per item, with the named parameters (:email) bound from
 * the item's fields, and sends every result row out as an item. Rows are read from the server
 * one by one; a result larger than max_rows fails that item (never cut short silently). A
 * failed statement sends its item to the error port with the database's message; a database
 * that cannot be reached at all fails the node. */

struct _ConduitExecutorDbQuery
{
  GObject          parent_instance;

  ConduitDbTarget  target;
  char            *sql;
  gint64           max_rows;
  ConduitDbParams *params;
  GPtrArray       *items;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDbQuery, conduit_executor_db_query, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_db_query_finalize (GObject *object)
{
  ConduitExecutorDbQuery *self = (ConduitExecutorDbQuery *)object;

  conduit_db_target_clear (&self->target);
  g_free (self->sql);
  g_clear_pointer (&self->params, conduit_db_params_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_executor_db_query_parent_class)->finalize (object);
}

static void
conduit_executor_db_query_class_init (ConduitExecutorDbQueryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_db_query_finalize;
}

static void
conduit_executor_db_query_init (ConduitExecutorDbQuery *self)
{
}

static gboolean
conduit_executor_db_query_prepare (ConduitExecutor  *executor,
                                   ConduitRun       *run,
                                   ConduitNode      *node,
                                   GError          **error)
{
  ConduitExecutorDbQuery *self = CONDUIT_EXECUTOR_DB_QUERY (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);

  if (!conduit_db_target_read (&self->target, node, connector, error))
    return FALSE;

  self->sql = conduit_node_dup_string_setting (node, connector, "sql");
  if (self->sql == NULL || *g_strstrip (self->sql) == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” has no SQL to run"), conduit_node_get_id (node));
      return FALSE;
    }
  self->max_rows = conduit_node_get_int_setting (node, connector, "max_rows", 100000);
  return TRUE;
}

typedef struct
{
  GPtrArray *rows;
  gint64     max_rows;
} Collect;

static gboolean
collect_row (JsonNode  *row,
             gpointer   user_data,
             GError   **error)
{
  Collect *collect = user_data;

  if ((gint64)collect->rows->len >= collect->max_rows)
    {
      json_node_unref (row);
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("The query returned more than %" PRId64 " rows, the step's "
                     "limit: narrow it (WHERE, LIMIT) or raise the limit"), collect->max_rows);
      return FALSE;
    }
  g_ptr_array_add (collect->rows, row);
  return TRUE;
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ConduitExecutorDbQuery *self = source_object;
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  ConduitDbConnection *connection = NULL;
  GError *error = NULL;

  sql = conduit_db_sql_bind_names (self->sql, self->params->kind, &names, &error);
  if (sql == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  connection = conduit_db_pool_acquire (self->params, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (self->items, i);
      g_autoptr(GError) item_error = NULL;
      g_autofree ConduitDbValue *values = g_new0 (ConduitDbValue, names->len + 1);
      Collect collect = { g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref),
                          self->max_rows };
      gboolean ok = TRUE;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        {
          g_ptr_array_unref (collect.rows);
          conduit_db_pool_release (connection, TRUE);
          g_task_return_error (task, error);
          return;
        }

      if (connection == NULL)
        connection = conduit_db_pool_acquire (self->params, &item_error);
      ok = connection != NULL;

      for (guint n = 0; ok && n < names->len; n++)
        {
          const char *name = g_ptr_array_index (names, n);
          JsonNode *value = conduit_db_item_lookup (item, name);

          if (value == NULL)
            {
              g_set_error (&item_error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                           _("The item has no field “%s” for the parameter :%s"), name, name);
              ok = FALSE;
            }
          else
            ok = conduit_db_value_from_json (value, NULL, self->params->kind, &values[n],
                                             &item_error);
        }

      if (ok)
        ok = conduit_db_connection_run (connection, sql, values, names->len, collect_row,
                                        &collect, NULL, &item_error);

      for (guint n = 0; n < names->len; n++)
        conduit_db_value_clear (&values[n]);

      if (ok)
        {
          for (guint r = 0; r < collect.rows->len; r++)
            conduit_executor_output_add (output, "out",
                                         json_node_ref (g_ptr_array_index (collect.rows, r)));
        }
      else
        {
          const char *kind = item_error->domain == CONDUIT_DB_ERROR
                               ? conduit_db_error_kind (item_error) : "invalid";

          conduit_executor_output_add_error (output, "error", item, kind, item_error->message, 0,
                                             1);
          /* a connection that broke is not reused; the next item gets a new one */
          if (connection != NULL && !conduit_db_connection_is_alive (connection))
            {
              conduit_db_pool_release (connection, FALSE);
              connection = NULL;
            }
        }
      g_ptr_array_unref (collect.rows);
    }

  conduit_db_pool_release (connection, TRUE);
  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
params_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitExecutorDbQuery *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->params = conduit_db_target_params_finish (result, &error);
  if (self->params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, query_thread);
}

static void
conduit_executor_db_query_execute_async (ConduitExecutor     *executor,
                                         ConduitRun          *run,
                                         ConduitNode         *node,
                                         GPtrArray           *items,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  ConduitExecutorDbQuery *self = CONDUIT_EXECUTOR_DB_QUERY (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_db_query_execute_async);
  self->items = g_ptr_array_ref (items);
  conduit_db_target_params_async (&self->target, run, cancellable, params_cb,
                                  g_steal_pointer (&task));
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_db_query_prepare;
  iface->execute_async = conduit_executor_db_query_execute_async;
}
