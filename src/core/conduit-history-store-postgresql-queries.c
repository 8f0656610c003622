/* conduit-history-store-postgresql-queries.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-history-store-postgresql-private.h"

/* Reading a PostgreSQL history: the queries of `history list/show` and of the app's history
 * pane, on the store's reader connection (under its reader_lock), made anew once when the
 * server dropped it. Deleting runs is here too: it is the pane's, and runs on that
 * connection. */

#define DEFAULT_LIMIT 50

/* Runs @sql on the reader connection, making it anew once when it was lost. Called with the
 * store's reader_lock held. */
static PGresult *
read_query (ConduitHistoryStore  *self,
            const char           *sql,
            const Params         *params,
            GError              **error)
{
  PgHistory *pg = pg_of (self);

  for (guint round = 0; round < 2; round++)
    {
      PGresult *result;

      if (pg->reader == NULL || PQstatus (pg->reader) != CONNECTION_OK)
        {
          g_clear_pointer (&pg->reader, PQfinish);
          if ((pg->reader = conduit_history_pg_connect (self, error)) == NULL)
            return NULL;
        }
      result = PQexecParams (pg->reader, sql, params->n, NULL, params->values, NULL, NULL, 0);
      if (PQresultStatus (result) == PGRES_TUPLES_OK ||
          PQresultStatus (result) == PGRES_COMMAND_OK)
        return result;
      if (round == 0 && PQstatus (pg->reader) != CONNECTION_OK)
        {
          PQclear (result);
          continue;
        }
      conduit_history_pg_set_error (self, pg->reader, _("could not read"), error);
      PQclear (result);
      return NULL;
    }
  return NULL;
}

static char *
dup_value (PGresult *result,
           int       row,
           int       column)
{
  return PQgetisnull (result, row, column) ? NULL : g_strdup (PQgetvalue (result, row, column));
}

static gint64
int_value (PGresult *result,
           int       row,
           int       column)
{
  return g_ascii_strtoll (PQgetvalue (result, row, column), NULL, 10);
}

#define RUN_COLUMNS "id, flow, trigger_node, trigger_kind, started_us, finished_us, status, " \
                    "items_in, items_ok, items_failed, items_rejected, error"

static ConduitRunRecord *
run_from_row (PGresult *result,
              int       row)
{
  ConduitRunRecord *run = g_new0 (ConduitRunRecord, 1);
  ConduitRunStatus status = CONDUIT_RUN_STATUS_FAILED;

  run->id = int_value (result, row, 0);
  run->flow = dup_value (result, row, 1);
  run->trigger_node = dup_value (result, row, 2);
  run->trigger_kind = dup_value (result, row, 3);
  run->started_us = int_value (result, row, 4);
  run->finished_us = int_value (result, row, 5);
  conduit_run_status_from_string (PQgetvalue (result, row, 6), &status);
  run->status = status;
  run->items_in = (guint)int_value (result, row, 7);
  run->items_ok = (guint)int_value (result, row, 8);
  run->items_failed = (guint)int_value (result, row, 9);
  run->items_rejected = (guint)int_value (result, row, 10);
  run->error = dup_value (result, row, 11);
  return run;
}

/* The WHERE of a run query, with its parameters; the patterns live in @texts. */
static GString *
query_where (const ConduitHistoryQuery *query,
             Params                    *p,
             GPtrArray                 *texts)
{
  GString *sql = g_string_new (" WHERE TRUE");

  if (query == NULL)
    return sql;
  if (query->flow != NULL)
    {
      param_text (p, query->flow);
      g_string_append_printf (sql, " AND flow = $%d", p->n);
    }
  if (query->status >= 0)
    {
      param_text (p, conduit_run_status_to_string (query->status));
      g_string_append_printf (sql, " AND status = $%d", p->n);
    }
  if (query->since_us > 0)
    {
      param_int (p, query->since_us);
      g_string_append_printf (sql, " AND started_us >= $%d", p->n);
    }
  if (query->until_us > 0)
    {
      param_int (p, query->until_us);
      g_string_append_printf (sql, " AND started_us < $%d", p->n);
    }
  if (query->unhandled)
    g_string_append (sql, " AND (status IN ('failed', 'interrupted') AND NOT handled)");
  if (query->text != NULL && *query->text != '\0')
    {
      GString *pattern = g_string_new ("%");
      int text, exact;

      for (const char *c = query->text; *c; c++)
        {
          if (*c == '%' || *c == '_' || *c == '\\')
            g_string_append_c (pattern, '\\');
          g_string_append_c (pattern, *c);
        }
      g_string_append_c (pattern, '%');
      g_ptr_array_add (texts, g_string_free (pattern, FALSE));
      param_text (p, g_ptr_array_index (texts, texts->len - 1));
      text = p->n;
      param_text (p, query->text);
      exact = p->n;
      g_string_append_printf (sql, " AND (flow ILIKE $%d OR error ILIKE $%d"
                                   " OR CAST (id AS TEXT) = $%d"
                                   " OR EXISTS (SELECT 1 FROM conduit_items i WHERE"
                                   " i.run_id = conduit_runs.id AND i.data ILIKE $%d)"
                                   " OR EXISTS (SELECT 1 FROM conduit_steps s WHERE"
                                   " s.run_id = conduit_runs.id AND s.error_message ILIKE $%d))",
                              text, text, exact, text, text);
    }
  return sql;
}

GPtrArray *
conduit_history_pg_list_runs (ConduitHistoryStore        *self,
              const ConduitHistoryQuery  *query,
              GError                    **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) sql = NULL;
  GPtrArray *runs;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  sql = query_where (query, &p, texts);
  g_string_prepend (sql, "SELECT " RUN_COLUMNS " FROM conduit_runs");
  param_int (&p, query != NULL && query->limit > 0 ? query->limit : DEFAULT_LIMIT);
  param_int (&p, query != NULL ? query->offset : 0);
  g_string_append_printf (sql, " ORDER BY id DESC LIMIT $%d OFFSET $%d", p.n - 1, p.n);

  if (!(result = read_query (self, sql->str, &p, error)))
    return NULL;
  runs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_run_record_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (runs, run_from_row (result, i));
  return runs;
}

guint
conduit_history_pg_count_runs (ConduitHistoryStore        *self,
               const ConduitHistoryQuery  *query,
               GError                    **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) sql = NULL;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  sql = query_where (query, &p, texts);
  g_string_prepend (sql, "SELECT count(*) FROM conduit_runs");
  if (!(result = read_query (self, sql->str, &p, error)))
    return 0;
  return (guint)int_value (result, 0, 0);
}

ConduitRunRecord *
conduit_history_pg_get_run (ConduitHistoryStore  *self,
            gint64                run_id,
            GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  param_int (&p, run_id);
  if (!(result = read_query (self, "SELECT " RUN_COLUMNS " FROM conduit_runs WHERE id = $1", &p,
                             error)))
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND,
                   _("There is no run %" PRId64 " in the history"), run_id);
      return NULL;
    }
  return run_from_row (result, 0);
}

GPtrArray *
conduit_history_pg_list_steps (ConduitHistoryStore  *self,
               gint64                run_id,
               GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  GPtrArray *steps;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  param_int (&p, run_id);
  result = read_query (self, "SELECT id, run_id, node_id, item_index, attempt, started_us,"
                             " finished_us, status, http_status, delay_ms, items_in, items_out,"
                             " items_failed, error_kind, error_message"
                             " FROM conduit_steps WHERE run_id = $1 ORDER BY id", &p, error);
  if (result == NULL)
    return NULL;

  steps = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_step_record_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      ConduitStepRecord *step = g_new0 (ConduitStepRecord, 1);

      step->id = int_value (result, i, 0);
      step->run_id = int_value (result, i, 1);
      step->node_id = dup_value (result, i, 2);
      step->item_index = (gint)int_value (result, i, 3);
      step->attempt = (guint)int_value (result, i, 4);
      step->started_us = int_value (result, i, 5);
      step->finished_us = int_value (result, i, 6);
      step->status = dup_value (result, i, 7);
      step->http_status = (guint)int_value (result, i, 8);
      step->delay_ms = (guint)int_value (result, i, 9);
      step->items_in = (guint)int_value (result, i, 10);
      step->items_out = (guint)int_value (result, i, 11);
      step->items_failed = (guint)int_value (result, i, 12);
      step->error_kind = dup_value (result, i, 13);
      step->error_message = dup_value (result, i, 14);
      g_ptr_array_add (steps, step);
    }
  return steps;
}

GPtrArray *
conduit_history_pg_list_items (ConduitHistoryStore  *self,
               gint64                run_id,
               const char           *node_id,
               GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  GPtrArray *items;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  param_int (&p, run_id);
  param_text (&p, node_id);
  result = read_query (self, "SELECT id, run_id, node_id, port, is_output, seq, data, size,"
                             " truncated FROM conduit_items WHERE run_id = $1"
                             " AND ($2::text IS NULL OR node_id = $2) ORDER BY id", &p, error);
  if (result == NULL)
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_item_record_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      ConduitItemRecord *item = g_new0 (ConduitItemRecord, 1);

      item->id = int_value (result, i, 0);
      item->run_id = int_value (result, i, 1);
      item->node_id = dup_value (result, i, 2);
      item->port = dup_value (result, i, 3);
      item->is_output = g_str_equal (PQgetvalue (result, i, 4), "t");
      item->seq = (guint)int_value (result, i, 5);
      item->data = dup_value (result, i, 6);
      item->size = (gsize)int_value (result, i, 7);
      item->truncated = g_str_equal (PQgetvalue (result, i, 8), "t");
      g_ptr_array_add (items, item);
    }
  return items;
}

gboolean
conduit_history_pg_get_cursor (ConduitHistoryStore  *self,
               const char           *flow_id,
               const char           *trigger_id,
               char                **value,
               GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  Params p = { 0 };

  locker = g_mutex_locker_new (&self->reader_lock);
  param_text (&p, flow_id);
  param_text (&p, trigger_id);
  result = read_query (self, "SELECT value FROM conduit_trigger_cursors"
                             " WHERE flow = $1 AND trigger = $2", &p, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0)
    *value = dup_value (result, 0, 0);
  return TRUE;
}

gint
conduit_history_pg_delete_runs (ConduitHistoryStore  *self,
                const gint64         *ids,
                guint                 n_ids,
                GError              **error)
{
  g_autoptr(GArray) array = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *text = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(PGresult) result = NULL;
  Params p = { 0 };

  if (self->read_only)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_READ_ONLY,
                   _("The run history “%s” is open read-only: runs cannot be deleted"),
                   self->path);
      return -1;
    }
  if (!conduit_history_store_flush (self, error))
    return -1;

  g_array_append_vals (array, ids, n_ids);
  text = conduit_history_pg_ids_array (array);
  param_text (&p, text);
  locker = g_mutex_locker_new (&self->reader_lock);
  result = read_query (self, "WITH gone AS (DELETE FROM conduit_runs WHERE id = ANY ($1::bigint[])"
                             "  AND status <> 'running' RETURNING id),"
                             " s AS (DELETE FROM conduit_steps WHERE run_id IN (SELECT id FROM gone)),"
                             " i AS (DELETE FROM conduit_items WHERE run_id IN (SELECT id FROM gone))"
                             " SELECT count(*) FROM gone", &p, error);
  if (result == NULL)
    return -1;
  return (gint)int_value (result, 0, 0);
}
