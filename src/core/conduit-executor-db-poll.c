/* conduit-executor-db-poll.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-db-poll"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-db-sql.h"
#include "conduit-executor-db-common.h"
#include "conduit-executor-db-poll.h"
#include "conduit-history-store.h"
#include "conduit-run.h"

/* New or Changed Rows: each time a batch reaches it (a Schedule trigger's tick), reads the rows
 * of a table past a cursor — an increasing column such as an id or an updated_at — in cursor
 * order, a page at a time, and sends them out. The cursor (the last row's cursor and key
 * values) is kept in the history database per flow and node, so a row fires once across
 * restarts; a row whose updated_at moves on fires again, as a change. Ties on the cursor are
 * broken by the key, so rows sharing a timestamp are neither skipped nor repeated. */

struct _ConduitExecutorDbPoll
{
  GObject              parent_instance;

  ConduitDbTarget      target;
  char                *table;
  char                *cursor_column;
  char                *key_column;
  gint64               page_size;
  char                *flow_name;
  char                *node_id;
  ConduitHistoryStore *history;
  ConduitDbParams     *params;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDbPoll, conduit_executor_db_poll, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_db_poll_finalize (GObject *object)
{
  ConduitExecutorDbPoll *self = (ConduitExecutorDbPoll *)object;

  conduit_db_target_clear (&self->target);
  g_free (self->table);
  g_free (self->cursor_column);
  g_free (self->key_column);
  g_free (self->flow_name);
  g_free (self->node_id);
  g_clear_object (&self->history);
  g_clear_pointer (&self->params, conduit_db_params_free);

  G_OBJECT_CLASS (conduit_executor_db_poll_parent_class)->finalize (object);
}

static void
conduit_executor_db_poll_class_init (ConduitExecutorDbPollClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_db_poll_finalize;
}

static void
conduit_executor_db_poll_init (ConduitExecutorDbPoll *self)
{
}

static gboolean
conduit_executor_db_poll_prepare (ConduitExecutor  *executor,
                                  ConduitRun       *run,
                                  ConduitNode      *node,
                                  GError          **error)
{
  ConduitExecutorDbPoll *self = CONDUIT_EXECUTOR_DB_POLL (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);

  if (!conduit_db_target_read (&self->target, node, connector, error))
    return FALSE;

  self->table = conduit_node_dup_string_setting (node, connector, "table");
  self->cursor_column = conduit_node_dup_string_setting (node, connector, "cursor_column");
  self->key_column = conduit_node_dup_string_setting (node, connector, "key_column");
  if (self->key_column != NULL && *self->key_column == '\0')
    g_clear_pointer (&self->key_column, g_free);
  self->page_size = conduit_node_get_int_setting (node, connector, "max_rows", 1000);

  if (self->table == NULL || *self->table == '\0' ||
      self->cursor_column == NULL || *self->cursor_column == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a table and its cursor column"), conduit_node_get_id (node));
      return FALSE;
    }

  self->history = conduit_run_get_history (run) ? g_object_ref (conduit_run_get_history (run))
                                                : NULL;
  if (self->history == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” keeps its place in the run history, and this runner has none"),
                   conduit_node_get_id (node));
      return FALSE;
    }

  self->flow_name = g_strdup (conduit_run_get_flow_name (run));
  self->node_id = g_strdup (conduit_node_get_id (node));
  return TRUE;
}

static ConduitDbColumn *
find_column (GPtrArray  *columns,
             const char *name)
{
  for (guint i = 0; i < columns->len; i++)
    {
      ConduitDbColumn *column = g_ptr_array_index (columns, i);

      if (g_str_equal (column->name, name))
        return column;
    }
  return NULL;
}

static gboolean
collect_row (JsonNode  *row,
             gpointer   user_data,
             GError   **error)
{
  g_ptr_array_add (user_data, row);
  return TRUE;
}

static void
poll_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorDbPoll *self = source_object;
  g_autoptr(ConduitExecutorOutput) output = NULL;
  g_autoptr(GPtrArray) columns = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(JsonNode) saved = NULL;
  g_autofree char *cursor_text = NULL;
  g_autofree char *quoted_table = NULL;
  g_autofree char *quoted_cursor = NULL;
  g_autofree char *quoted_key = NULL;
  g_autofree char *template = NULL;
  g_autofree char *sql = NULL;
  g_autofree ConduitDbValue *values = NULL;
  ConduitDbColumn *cursor_column;
  ConduitDbColumn *key_column = NULL;
  ConduitDbConnection *connection;
  GError *error = NULL;
  gboolean ok;

  if (!conduit_history_store_get_cursor (self->history, self->flow_name, self->node_id,
                                         &cursor_text, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (cursor_text != NULL)
    {
      saved = json_from_string (cursor_text, NULL);
      if (saved == NULL || !JSON_NODE_HOLDS_OBJECT (saved))
        {
          g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                                   _("The saved place of “%s” in the history cannot be read: "
                                     "%s"), self->node_id, cursor_text);
          return;
        }
    }

  connection = conduit_db_pool_acquire (self->params, &error);
  if (connection == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  columns = conduit_db_connection_list_columns (connection, self->table, &error);
  if (columns == NULL)
    goto failed;

  cursor_column = find_column (columns, self->cursor_column);
  if (self->key_column != NULL)
    key_column = find_column (columns, self->key_column);
  else
    for (guint i = 0; i < columns->len; i++)
      {
        ConduitDbColumn *column = g_ptr_array_index (columns, i);

        /* the key breaks ties: only a one-column primary key can */
        if (column->is_key)
          key_column = key_column == NULL ? column : NULL;
      }

  if (cursor_column == NULL || (self->key_column != NULL && key_column == NULL))
    {
      g_set_error (&error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("The table “%s” has no column “%s”"), self->table,
                   cursor_column == NULL ? self->cursor_column : self->key_column);
      goto failed;
    }
  if (key_column == cursor_column)
    key_column = NULL;

  {
    const char *dot = strchr (self->table, '.');

    if (dot != NULL && self->params->kind != CONDUIT_DB_KIND_SQLITE)
      {
        g_autofree char *schema = g_strndup (self->table, dot - self->table);
        g_autofree char *a = conduit_db_connection_quote_identifier (connection, schema);
        g_autofree char *b = conduit_db_connection_quote_identifier (connection, dot + 1);

        quoted_table = g_strdup_printf ("%s.%s", a, b);
      }
    else
      quoted_table = conduit_db_connection_quote_identifier (connection, self->table);
  }
  quoted_cursor = conduit_db_connection_quote_identifier (connection, cursor_column->name);
  if (key_column != NULL)
    quoted_key = conduit_db_connection_quote_identifier (connection, key_column->name);

  /* rows with a NULL cursor never fire: they have no place in the order */
  if (saved == NULL)
    template = g_strdup_printf ("SELECT * FROM %s WHERE %s IS NOT NULL ORDER BY %s%s%s LIMIT %"
                                G_GINT64_FORMAT, quoted_table, quoted_cursor, quoted_cursor,
                                quoted_key ? ", " : "", quoted_key ? quoted_key : "",
                                self->page_size);
  else if (quoted_key != NULL)
    template = g_strdup_printf ("SELECT * FROM %s WHERE %s > :cursor OR (%s = :cursor AND %s > :key) "
                                "ORDER BY %s, %s LIMIT %" G_GINT64_FORMAT, quoted_table,
                                quoted_cursor, quoted_cursor, quoted_key, quoted_cursor,
                                quoted_key, self->page_size);
  else
    template = g_strdup_printf ("SELECT * FROM %s WHERE %s > :cursor ORDER BY %s LIMIT %"
                                G_GINT64_FORMAT, quoted_table, quoted_cursor, quoted_cursor,
                                self->page_size);

  sql = conduit_db_sql_bind_names (template, self->params->kind, &names, &error);
  if (sql == NULL)
    goto failed;

  values = g_new0 (ConduitDbValue, names->len + 1);
  ok = TRUE;
  for (guint i = 0; ok && i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      gboolean is_cursor = g_str_equal (name, "cursor");

      ok = conduit_db_value_from_json (json_object_get_member (json_node_get_object (saved), name),
                                       is_cursor ? cursor_column : key_column,
                                       self->params->kind, &values[i], &error);
    }
  if (ok)
    ok = conduit_db_connection_run (connection, sql, values, names->len, collect_row, rows, NULL,
                                    &error);
  for (guint i = 0; i < names->len; i++)
    conduit_db_value_clear (&values[i]);
  if (!ok)
    goto failed;

  if (rows->len > 0)
    {
      JsonObject *last = json_node_get_object (g_ptr_array_index (rows, rows->len - 1));
      JsonObject *place = json_object_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      json_object_set_member (place, "cursor",
                              json_node_copy (json_object_get_member (last, cursor_column->name)));
      if (key_column != NULL)
        json_object_set_member (place, "key",
                                json_node_copy (json_object_get_member (last, key_column->name)));
      node = json_node_init_object (json_node_alloc (), place);
      json_object_unref (place);
      text = json_to_string (node, FALSE);

      /* Committed before the rows leave, so a restart never fires them again. (A crash in the
       * moment between this commit and the run recording the rows would skip them: the
       * history's begin_polled_run, which commits both at once, is the way to close that.) */
      if (!conduit_history_store_set_cursor (self->history, self->flow_name, self->node_id, text,
                                             &error))
        goto failed;
    }

  output = conduit_executor_output_new ();
  for (guint i = 0; i < rows->len; i++)
    conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (rows, i)));

  conduit_db_pool_release (connection, TRUE);
  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
  return;

failed:
  conduit_db_pool_release (connection, conduit_db_connection_is_alive (connection));
  g_task_return_error (task, error);
}

static void
params_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitExecutorDbPoll *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->params = conduit_db_target_params_finish (result, &error);
  if (self->params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, poll_thread);
}

static void
conduit_executor_db_poll_execute_async (ConduitExecutor     *executor,
                                        ConduitRun          *run,
                                        ConduitNode         *node,
                                        GPtrArray           *items,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  ConduitExecutorDbPoll *self = CONDUIT_EXECUTOR_DB_POLL (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_db_poll_execute_async);
  conduit_db_target_params_async (&self->target, run, cancellable, params_cb,
                                  g_steal_pointer (&task));
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_db_poll_prepare;
  iface->execute_async = conduit_executor_db_poll_execute_async;
}
