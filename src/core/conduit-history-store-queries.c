/* conduit-history-store-queries.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "conduit-history-store-private.h"

#define DEFAULT_LIMIT     50

char *
conduit_history_dup_column_text (sqlite3_stmt *stmt,
                                 int           column)
{
  return g_strdup ((const char *)sqlite3_column_text (stmt, column));
}

static ConduitRunRecord *
run_from_row (sqlite3_stmt *stmt)
{
  ConduitRunRecord *run = g_new0 (ConduitRunRecord, 1);
  ConduitRunStatus status = CONDUIT_RUN_STATUS_FAILED;

  run->id = sqlite3_column_int64 (stmt, 0);
  run->flow = conduit_history_dup_column_text (stmt, 1);
  run->trigger_node = conduit_history_dup_column_text (stmt, 2);
  run->trigger_kind = conduit_history_dup_column_text (stmt, 3);
  run->started_us = sqlite3_column_int64 (stmt, 4);
  run->finished_us = sqlite3_column_int64 (stmt, 5);
  conduit_run_status_from_string ((const char *)sqlite3_column_text (stmt, 6), &status);
  run->status = status;
  run->items_in = sqlite3_column_int (stmt, 7);
  run->items_ok = sqlite3_column_int (stmt, 8);
  run->items_failed = sqlite3_column_int (stmt, 9);
  run->items_rejected = sqlite3_column_int (stmt, 10);
  run->error = conduit_history_dup_column_text (stmt, 11);
  return run;
}

#define RUN_COLUMNS "id, flow, trigger_node, trigger_kind, started_at, finished_at, status, " \
                    "items_in, items_ok, items_failed, items_rejected, error"

static GString *
query_where (const ConduitHistoryQuery *query)
{
  GString *sql = g_string_new (" WHERE 1");

  if (query == NULL)
    return sql;
  if (query->flow != NULL)
    g_string_append (sql, " AND flow = :flow");
  if (query->status >= 0)
    g_string_append (sql, " AND status = :status");
  if (query->since_us > 0)
    g_string_append (sql, " AND started_at >= :since");
  if (query->until_us > 0)
    g_string_append (sql, " AND started_at < :until");
  if (query->unhandled)
    g_string_append (sql, " AND " CONDUIT_HISTORY_UNHANDLED_SQL);
  if (query->text != NULL && *query->text != '\0')
    g_string_append (sql, " AND (flow LIKE :text ESCAPE '\\' OR error LIKE :text ESCAPE '\\'"
                          " OR CAST (id AS TEXT) = :exact"
                          " OR EXISTS (SELECT 1 FROM items WHERE items.run_id = runs.id"
                          " AND items.data LIKE :text ESCAPE '\\')"
                          " OR EXISTS (SELECT 1 FROM steps WHERE steps.run_id = runs.id"
                          " AND steps.error_message LIKE :text ESCAPE '\\'))");
  return sql;
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *text)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
bind_named_int64 (sqlite3_stmt *stmt,
                  const char   *name,
                  gint64        value)
{
  int index = sqlite3_bind_parameter_index (stmt, name);

  if (index > 0)
    sqlite3_bind_int64 (stmt, index, value);
}

static void
query_bind (sqlite3_stmt              *stmt,
            const ConduitHistoryQuery *query)
{
  if (query == NULL)
    {
      bind_named_int64 (stmt, ":limit", DEFAULT_LIMIT);
      bind_named_int64 (stmt, ":offset", 0);
      return;
    }

  bind_named_text (stmt, ":flow", query->flow);
  if (query->status >= 0)
    bind_named_text (stmt, ":status", conduit_run_status_to_string (query->status));
  bind_named_int64 (stmt, ":since", query->since_us);
  bind_named_int64 (stmt, ":until", query->until_us);
  if (query->text != NULL)
    {
      GString *pattern = g_string_new ("%");

      for (const char *p = query->text; *p; p++)
        {
          if (*p == '%' || *p == '_' || *p == '\\')
            g_string_append_c (pattern, '\\');
          g_string_append_c (pattern, *p);
        }
      g_string_append_c (pattern, '%');
      bind_named_text (stmt, ":text", pattern->str);
      bind_named_text (stmt, ":exact", query->text);
      g_string_free (pattern, TRUE);
    }
  bind_named_int64 (stmt, ":limit", query->limit > 0 ? query->limit : DEFAULT_LIMIT);
  bind_named_int64 (stmt, ":offset", query->offset);
}

sqlite3_stmt *
conduit_history_prepare_read (ConduitHistoryStore  *self,
                              const char           *sql,
                              GError              **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (self->reader == NULL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                   _("The run history “%s” is closed"), self->path);
      return NULL;
    }

  rc = sqlite3_prepare_v2 (self->reader, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      conduit_history_set_sqlite_error (self->reader, rc, _("could not read"), error);
      return NULL;
    }

  return stmt;
}

gboolean
conduit_history_finish_read (ConduitHistoryStore  *self,
                             int                   rc,
                             GError              **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  return conduit_history_set_sqlite_error (self->reader, rc, _("could not read"), error);
}

/**
 * conduit_history_store_list_runs:
 * @self: a store
 * @query: (nullable): filters and paging; %NULL for the newest 50 runs
 * @error: return location for an error
 *
 * Lists runs, newest first.
 *
 * Returns: (transfer container) (element-type ConduitRunRecord): the runs, or %NULL with @error
 */
GPtrArray *
conduit_history_store_list_runs (ConduitHistoryStore        *self,
                                 const ConduitHistoryQuery  *query,
                                 GError                    **error)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GString) sql = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  if (self->backend != NULL)
    return self->backend->list_runs (self, query, error);

  sql = query_where (query);
  g_string_prepend (sql, "SELECT " RUN_COLUMNS " FROM runs");
  g_string_append (sql, " ORDER BY id DESC LIMIT :limit OFFSET :offset");

  locker = g_mutex_locker_new (&self->reader_lock);
  if (!(stmt = conduit_history_prepare_read (self, sql->str, error)))
    return NULL;
  query_bind (stmt, query);

  runs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_run_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (stmt));

  if (!conduit_history_finish_read (self, rc, error))
    return NULL;

  return g_steal_pointer (&runs);
}

/**
 * conduit_history_store_count_runs:
 * @self: a store
 * @query: (nullable): filters; paging is ignored
 * @error: return location for an error
 *
 * Returns: how many runs match @query
 */
guint
conduit_history_store_count_runs (ConduitHistoryStore        *self,
                                  const ConduitHistoryQuery  *query,
                                  GError                    **error)
{
  g_autoptr(GString) sql = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint count;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), 0);

  if (self->backend != NULL)
    return self->backend->count_runs (self, query, error);

  sql = query_where (query);
  g_string_prepend (sql, "SELECT COUNT(*) FROM runs");

  locker = g_mutex_locker_new (&self->reader_lock);
  if (!(stmt = conduit_history_prepare_read (self, sql->str, error)))
    return 0;
  query_bind (stmt, query);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      conduit_history_set_sqlite_error (self->reader, sqlite3_errcode (self->reader),
                                        _("could not read"), error);
      return 0;
    }
  count = sqlite3_column_int (stmt, 0);
  return count;
}

static void
list_runs_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *runs = conduit_history_store_list_runs (source_object, task_data, &error);

  if (runs == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, runs, (GDestroyNotify)g_ptr_array_unref);
}

static void
query_free (ConduitHistoryQuery *query)
{
  g_free ((char *)query->flow);
  g_free ((char *)query->text);
  g_free (query);
}

/**
 * conduit_history_store_list_runs_async:
 * @self: a store
 * @query: (nullable): filters and paging
 * @cancellable: (nullable): a cancellable
 * @callback: called with the runs
 * @user_data: data for @callback
 *
 * Like conduit_history_store_list_runs(), in a worker thread.
 */
void
conduit_history_store_list_runs_async (ConduitHistoryStore       *self,
                                       const ConduitHistoryQuery *query,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data)
{
  g_autoptr(GTask) task = NULL;
  ConduitHistoryQuery *copy = g_new0 (ConduitHistoryQuery, 1);

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  if (query != NULL)
    *copy = *query;
  else
    copy->status = -1;
  copy->flow = g_strdup (copy->flow);
  copy->text = g_strdup (copy->text);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_history_store_list_runs_async);
  g_task_set_task_data (task, copy, (GDestroyNotify)query_free);
  g_task_run_in_thread (task, list_runs_thread);
}

/**
 * conduit_history_store_list_runs_finish:
 * @self: a store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type ConduitRunRecord): the runs, or %NULL with @error
 */
GPtrArray *
conduit_history_store_list_runs_finish (ConduitHistoryStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * conduit_history_store_get_run:
 * @self: a store
 * @run_id: a run id
 * @error: return location for an error
 *
 * Returns: (transfer full): the run, or %NULL with @error (NOT_FOUND when there is no such run)
 */
ConduitRunRecord *
conduit_history_store_get_run (ConduitHistoryStore  *self,
                               gint64                run_id,
                               GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  if (self->backend != NULL)
    return self->backend->get_run (self, run_id, error);

  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = conduit_history_prepare_read (self, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1",
                                       error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return run_from_row (stmt);

  if (conduit_history_finish_read (self, rc, error))
    g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND,
                 _("There is no run %" PRId64 " in the history “%s”"), run_id,
                 self->path);
  return NULL;
}

/* A step row's attempt of one item: what a batch's row (item_count items) gives way to. */
typedef struct
{
  const char *node_id;
  gint        item_index;
  guint       attempt;
} AttemptKey;

static guint
attempt_key_hash (gconstpointer data)
{
  const AttemptKey *key = data;

  return g_str_hash (key->node_id) ^ ((guint)key->item_index * 2654435761u) ^ key->attempt;
}

static gboolean
attempt_key_equal (gconstpointer a,
                   gconstpointer b)
{
  const AttemptKey *x = a, *y = b;

  return x->item_index == y->item_index && x->attempt == y->attempt &&
         g_str_equal (x->node_id, y->node_id);
}

/* A batch's attempts are one row (schema 5: item_count items from item_index on); readers see
 * one record per item, as when each item had its row. An item whose attempt ended otherwise (a
 * refused row) has a row of its own, which takes its place. Records come in row order. */
static GPtrArray *
expand_ranges (GPtrArray *rows,
               GArray    *counts)
{
  g_autoptr(GHashTable) own = g_hash_table_new (attempt_key_hash, attempt_key_equal);
  g_autofree AttemptKey *keys = g_new (AttemptKey, MAX (rows->len, 1));
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree ConduitStepRecord **row = NULL;  /* taken from @rows: each moved on or freed */
  gsize n_rows = 0;
  gsize n_records = 0;

  row = (ConduitStepRecord **)g_ptr_array_steal (rows, &n_rows);
  for (gsize i = 0; i < n_rows; i++)
    {
      ConduitStepRecord *step = row[i];
      gint64 count = g_array_index (counts, gint64, i);

      n_records += count < 0 ? 1 : (gsize)count;
      if (count >= 0 || step->attempt == 0 || step->item_index < 0)
        continue;
      keys[i] = (AttemptKey) { step->node_id, step->item_index, step->attempt };
      g_hash_table_add (own, &keys[i]);
    }

  steps = g_ptr_array_new_full (MIN (n_records, G_MAXUINT),
                                (GDestroyNotify)conduit_step_record_free);
  for (gsize i = 0; i < n_rows; i++)
    {
      ConduitStepRecord *step = row[i];
      gint64 count = g_array_index (counts, gint64, i);

      if (count < 0)
        {
          g_ptr_array_add (steps, step);
          continue;
        }
      for (gint64 k = 0; k < count; k++)
        {
          AttemptKey key = { step->node_id, (gint)(step->item_index + k), step->attempt };
          ConduitStepRecord *item;

          if (g_hash_table_contains (own, &key))
            continue;
          item = conduit_step_record_copy (step);
          item->item_index = key.item_index;
          g_ptr_array_add (steps, item);
        }
    }
  /* the ranges' rows are copied out; the rows of one item live on in @steps */
  for (gsize i = 0; i < n_rows; i++)
    if (g_array_index (counts, gint64, i) >= 0)
      conduit_step_record_free (row[i]);

  return g_steal_pointer (&steps);
}

/**
 * conduit_history_store_list_steps:
 * @self: a store
 * @run_id: a run id
 * @error: return location for an error
 *
 * A batch's attempts (conduit_history_store_start_attempts()) come out as one record per item.
 *
 * Returns: (transfer container) (element-type ConduitStepRecord): the run's steps in the order
 *   they were recorded, or %NULL with @error
 */
GPtrArray *
conduit_history_store_list_steps (ConduitHistoryStore  *self,
                                  gint64                run_id,
                                  GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GArray) counts = NULL;
  gboolean any_range = FALSE;
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  if (self->backend != NULL)
    return self->backend->list_steps (self, run_id, error);

  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = conduit_history_prepare_read (self,
                                       "SELECT id, run_id, node_id, item_index, attempt,"
                                       " started_at, finished_at, status, http_status, delay_ms,"
                                       " items_in, items_out, items_failed, error_kind,"
                                       " error_message, item_count"
                                       " FROM steps WHERE run_id = ?1 ORDER BY id",
                                       error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);

  steps = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_step_record_free);
  counts = g_array_new (FALSE, FALSE, sizeof (gint64));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConduitStepRecord *step = g_new0 (ConduitStepRecord, 1);
      gint64 count = -1;  /* a row of one item */

      step->id = sqlite3_column_int64 (stmt, 0);
      step->run_id = sqlite3_column_int64 (stmt, 1);
      step->node_id = conduit_history_dup_column_text (stmt, 2);
      step->item_index = sqlite3_column_int (stmt, 3);
      step->attempt = sqlite3_column_int (stmt, 4);
      step->started_us = sqlite3_column_int64 (stmt, 5);
      step->finished_us = sqlite3_column_int64 (stmt, 6);
      step->status = conduit_history_dup_column_text (stmt, 7);
      step->http_status = sqlite3_column_int (stmt, 8);
      step->delay_ms = sqlite3_column_int (stmt, 9);
      step->items_in = sqlite3_column_int (stmt, 10);
      step->items_out = sqlite3_column_int (stmt, 11);
      step->items_failed = sqlite3_column_int (stmt, 12);
      step->error_kind = conduit_history_dup_column_text (stmt, 13);
      step->error_message = conduit_history_dup_column_text (stmt, 14);
      if (sqlite3_column_type (stmt, 15) != SQLITE_NULL)
        {
          /* a damaged file must not make item positions overflow */
          count = CLAMP (sqlite3_column_int64 (stmt, 15), 0,
                         (gint64)G_MAXINT - MAX (step->item_index, 0));
          any_range = TRUE;
        }
      g_ptr_array_add (steps, step);
      g_array_append_val (counts, count);
    }

  if (!conduit_history_finish_read (self, rc, error))
    return NULL;

  if (any_range)
    return expand_ranges (steps, counts);
  return g_steal_pointer (&steps);
}

/**
 * conduit_history_store_list_items:
 * @self: a store
 * @run_id: a run id
 * @node_id: (nullable): only this node's items
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type ConduitItemRecord): the items, or %NULL with @error
 */
GPtrArray *
conduit_history_store_list_items (ConduitHistoryStore  *self,
                                  gint64                run_id,
                                  const char           *node_id,
                                  GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) items = NULL;
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  if (self->backend != NULL)
    return self->backend->list_items (self, run_id, node_id, error);

  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = conduit_history_prepare_read (self,
                                       "SELECT id, run_id, node_id, port, is_output, seq, data,"
                                       " size, truncated FROM items"
                                       " WHERE run_id = ?1 AND (?2 IS NULL OR node_id = ?2)"
                                       " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  conduit_history_bind_text_or_null (stmt, 2, node_id);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_item_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConduitItemRecord *item = g_new0 (ConduitItemRecord, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->run_id = sqlite3_column_int64 (stmt, 1);
      item->node_id = conduit_history_dup_column_text (stmt, 2);
      item->port = conduit_history_dup_column_text (stmt, 3);
      item->is_output = sqlite3_column_int (stmt, 4);
      item->seq = sqlite3_column_int (stmt, 5);
      item->data = conduit_history_dup_column_text (stmt, 6);
      item->size = sqlite3_column_int64 (stmt, 7);
      item->truncated = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (items, item);
    }

  if (!conduit_history_finish_read (self, rc, error))
    return NULL;

  return g_steal_pointer (&items);
}

/* run history pane: deleting runs the user picked.
 *
 * The writer thread keeps its own connection; this opens a short-lived one after a flush, and
 * SQLite's lock (with the busy timeout) orders it after anything the writer commits meanwhile. */

static gint
delete_runs_in (sqlite3       *db,
                const gint64  *ids,
                guint          n_ids,
                GError       **error)
{
  g_autoptr(sqlite3_stmt) runs = NULL;
  g_autoptr(sqlite3_stmt) steps = NULL;
  g_autoptr(sqlite3_stmt) items = NULL;
  gint deleted = 0;

  if (!conduit_history_exec_sql (db, "BEGIN IMMEDIATE", error))
    return -1;

  if (sqlite3_prepare_v2 (db, "DELETE FROM runs WHERE id = ?1 AND status != 'running'", -1,
                          &runs, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "DELETE FROM steps WHERE run_id = ?1", -1, &steps, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "DELETE FROM items WHERE run_id = ?1", -1, &items, NULL) != SQLITE_OK)
    goto failed;

  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_reset (runs);
      sqlite3_bind_int64 (runs, 1, ids[i]);
      if (sqlite3_step (runs) != SQLITE_DONE)
        goto failed;
      if (sqlite3_changes (db) == 0)
        continue;
      deleted++;
      sqlite3_reset (steps);
      sqlite3_bind_int64 (steps, 1, ids[i]);
      sqlite3_reset (items);
      sqlite3_bind_int64 (items, 1, ids[i]);
      if (sqlite3_step (steps) != SQLITE_DONE || sqlite3_step (items) != SQLITE_DONE)
        goto failed;
    }

  if (!conduit_history_exec_sql (db, "COMMIT", error))
    return -1;
  return deleted;

failed:
  conduit_history_set_sqlite_error (db, sqlite3_errcode (db), _("could not delete runs"), error);
  conduit_history_exec_sql (db, "ROLLBACK", NULL);
  return -1;
}

/**
 * conduit_history_store_delete_runs:
 * @self: a store
 * @ids: the runs to delete
 * @n_ids: how many
 * @error: return location for an error
 *
 * Deletes finished runs with their steps and items; a run still going is kept.
 *
 * Returns: how many runs were deleted, or -1 with @error
 */
gint
conduit_history_store_delete_runs (ConduitHistoryStore  *self,
                                   const gint64         *ids,
                                   guint                 n_ids,
                                   GError              **error)
{
  sqlite3 *db = NULL;
  gint deleted;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), -1);
  g_return_val_if_fail (ids != NULL || n_ids == 0, -1);

  if (self->backend != NULL)
    return self->backend->delete_runs (self, ids, n_ids, error);
  if (!conduit_history_store_flush (self, error))
    return -1;
  if (!conduit_history_open_connection (self->path, SQLITE_OPEN_READWRITE, &db, error))
    return -1;
  deleted = delete_runs_in (db, ids, n_ids, error);
  sqlite3_close (db);
  return deleted;
}
