/* conduit-history-store-writer.c
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

#define MAX_BATCH         8192
#define ROWS_PER_INSERT   8     /* items or steps queued together that one statement inserts */
#define CHECKPOINT_BYTES  (4 * 1024 * 1024)  /* of WAL, that set off a checkpoint */
#define CHECKPOINT_INTERVAL_US (100 * 1000)
#define WAL_RESTART_BYTES (32 * 1024 * 1024) /* past this the writer completes a checkpoint itself */
#define LINGER_US         2000  /* how long records nobody waits for may wait for company */
#define RETRY_US          (1000 * 1000)       /* after a failed write: how often to try again */
#define WARNING_US        (10 * 1000 * 1000)  /* after the first, one warning at most this often */

/* What the writer keeps after a failed write (a full disk, most often), in its thread only.
 * The ends of runs are written again until they stick: a run whose end was lost would stay
 * "running" until the next start marks it interrupted, although it finished. Steps and items
 * are not kept: a full disk must not also fill the memory. */
typedef struct
{
  GPtrArray *unwritten_ends;   /* of ConduitRunRecord */
  guint      failures;         /* failed commits since the last one that worked */
  guint      unwarned;         /* of those, the ones not yet in a warning */
  gint64     next_warning_us;
  gboolean   wal_truncate_due; /* a commit failed since the WAL was last truncated */
} Trouble;

static void
move_records (GPtrArray *to,
              GPtrArray *from)
{
  for (guint i = 0; i < from->len; i++)
    g_ptr_array_add (to, g_ptr_array_index (from, i));
  g_ptr_array_set_free_func (from, NULL);
  g_ptr_array_set_size (from, 0);
  g_ptr_array_set_free_func (from, (GDestroyNotify)conduit_run_record_free);
}

/* The first failure is a warning at once; after it, one line with a count every WARNING_US, so
 * that a full disk under load does not print a line per commit (issue #14: 10,000 lines). */
static void
warn_write_failed (ConduitHistoryStore *self,
                   Trouble             *trouble,
                   const GError        *error)
{
  gint64 now = g_get_monotonic_time ();

  trouble->failures++;
  trouble->wal_truncate_due = TRUE;
  if (trouble->failures == 1)
    {
      g_warning ("Run history %s: could not write (%s); ends of runs are kept to write again, "
                 "further failures are counted in a line every %d s", self->path, error->message,
                 (int)(WARNING_US / G_USEC_PER_SEC));
      trouble->unwarned = 0;
      trouble->next_warning_us = now + WARNING_US;
      return;
    }

  trouble->unwarned++;
  if (now < trouble->next_warning_us)
    return;

  /* Log lines, like the other warnings of the writer: not translated. */
  g_warning ("Run history %s: writes that failed since the last warning: %u (%u in a row); "
             "the last: %s", self->path, trouble->unwarned, trouble->failures, error->message);
  trouble->unwarned = 0;
  trouble->next_warning_us = now + WARNING_US;
}

/* A commit worked again: say so once, and give the disk back the WAL a failed stretch left
 * behind (it only ever grows otherwise; TRUNCATE empties it once every frame is copied). */
static void
writes_work_again (ConduitHistoryStore *self,
                   Trouble             *trouble,
                   guint                ends_written)
{
  int rc;

  if (trouble->failures > 0)
    {
      g_message ("Run history %s: writing again; writes that had failed: %u", self->path,
                 trouble->failures);
      trouble->failures = 0;
      trouble->unwarned = 0;
    }
  if (ends_written > 0)
    g_message ("Run history %s: ends of runs written late: %u", self->path, ends_written);

  if (!trouble->wal_truncate_due)
    return;
  g_mutex_lock (&self->checkpoint_pass_lock);
  rc = sqlite3_wal_checkpoint_v2 (self->writer, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  g_mutex_unlock (&self->checkpoint_pass_lock);
  if (rc == SQLITE_OK)
    trouble->wal_truncate_due = FALSE;
}

static gboolean
unref_task_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

void
conduit_history_op_free (Op *op)
{
  /* A task holds the store; its last reference must not go in the writer thread, or the store
   * could be finalized there and wait for itself to stop. */
  if (op->task != NULL)
    {
      GTask *task = g_steal_pointer (&op->task);
      g_main_context_invoke (g_task_get_context (task), unref_task_cb, task);
    }
  g_clear_pointer (&op->run, conduit_run_record_free);
  g_clear_pointer (&op->step, conduit_step_record_free);
  g_clear_pointer (&op->item, conduit_item_record_free);
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op->port);
  g_free (op->scope);
  g_free (op->key);
  g_free (op->flow_id);
  g_free (op->trigger_id);
  g_free (op->value);
  g_strfreev (op->keys);
  g_clear_pointer (&op->fired, g_array_unref);
  g_clear_pointer (&op->ids, g_array_unref);
  g_clear_error (&op->error);
  g_free (op);
}

/* Steps @stmt once and resets it; @clear drops its bindings too. */
static gboolean
step_stmt_and_reset (ConduitHistoryStore  *self,
                     sqlite3_stmt         *stmt,
                     gboolean              clear,
                     GError              **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (clear)
    sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return conduit_history_set_sqlite_error (self->writer, rc, _("could not write"), error);

  return TRUE;
}

/* Text is bound SQLITE_STATIC throughout: it belongs to the op, which outlives the statement's
 * step; step_stmt() clears the bindings before anything is freed, so SQLite need not copy. */
static gboolean
step_stmt (ConduitHistoryStore  *self,
           sqlite3_stmt         *stmt,
           GError              **error)
{
  return step_stmt_and_reset (self, stmt, TRUE, error);
}

/* BEGIN or COMMIT, prepared: fails with the message sqlite3_exec() of its text would give. */
static gboolean
step_transaction (ConduitHistoryStore  *self,
                  sqlite3_stmt         *stmt,
                  GError              **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

  g_set_error (error, CONDUIT_HISTORY_STORE_ERROR,
               rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB
                 ? CONDUIT_HISTORY_STORE_ERROR_CORRUPT : CONDUIT_HISTORY_STORE_ERROR_FAILED,
               _("Run history: %s"), sqlite3_errmsg (self->writer));
  return FALSE;
}

static void
apply_mark_seen (ConduitHistoryStore *self,
                 Op                  *op)
{
  sqlite3_stmt *stmt = self->stmts[STMT_SEE_AGAIN];

  /* Both statements run in the writer's transaction, so of two marks of one key exactly one
   * finds it new. */
  sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, op->key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, op->now_us);
  if (!step_stmt (self, stmt, &op->error))
    return;
  if (sqlite3_changes (self->writer) > 0)
    {
      op->result_new = FALSE;
      return;
    }

  stmt = self->stmts[STMT_SEE_FIRST];
  sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, op->key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, op->now_us);
  if (step_stmt (self, stmt, &op->error))
    op->result_new = TRUE;
}

static void
apply_prune_seen (ConduitHistoryStore *self,
                  Op                  *op)
{
  g_autoptr(sqlite3_stmt) by_age = NULL;
  g_autoptr(sqlite3_stmt) by_count = NULL;

  if (op->cutoff_us > 0)
    {
      if (sqlite3_prepare_v2 (self->writer,
                              "DELETE FROM trigger_seen WHERE flow = ?1 AND trigger = ?2"
                              " AND last_seen_at < ?3", -1, &by_age, NULL) != SQLITE_OK)
        {
          conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                            _("could not forget old keys"), &op->error);
          return;
        }
      sqlite3_bind_text (by_age, 1, op->flow_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (by_age, 2, op->trigger_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (by_age, 3, op->cutoff_us);
      if (!step_stmt (self, by_age, &op->error))
        return;
      op->result_deleted += sqlite3_changes (self->writer);
    }

  if (op->keep_max > 0)
    {
      if (sqlite3_prepare_v2 (self->writer,
                              "DELETE FROM trigger_seen WHERE flow = ?1 AND trigger = ?2"
                              " AND key IN (SELECT key FROM trigger_seen"
                              "  WHERE flow = ?1 AND trigger = ?2"
                              "  ORDER BY last_seen_at DESC, key DESC LIMIT -1 OFFSET ?3)",
                              -1, &by_count, NULL) != SQLITE_OK)
        {
          conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                            _("could not forget old keys"), &op->error);
          return;
        }
      sqlite3_bind_text (by_count, 1, op->flow_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (by_count, 2, op->trigger_id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (by_count, 3, op->keep_max);
      if (!step_stmt (self, by_count, &op->error))
        return;
      op->result_deleted += sqlite3_changes (self->writer);
    }
}

/* Writes a run and the items that started it; @only (nullable) picks which of op->items. */
static gboolean
insert_run (ConduitHistoryStore *self,
            Op                  *op,
            GArray              *only)
{
  sqlite3_stmt *stmt = self->stmts[STMT_INSERT_RUN];
  guint n_items = only != NULL ? only->len : op->items != NULL ? op->items->len : 0;

  sqlite3_bind_text (stmt, 1, op->run->flow, -1, SQLITE_STATIC);
  conduit_history_bind_text_or_null (stmt, 2, op->run->trigger_node);
  conduit_history_bind_text_or_null (stmt, 3, op->run->trigger_kind);
  sqlite3_bind_int64 (stmt, 4, op->run->started_us);
  sqlite3_bind_int64 (stmt, 5, n_items);
  sqlite3_bind_int64 (stmt, 6, getpid ());
  if (!step_stmt (self, stmt, &op->error))
    return FALSE;
  op->result_id = sqlite3_last_insert_rowid (self->writer);

  stmt = self->stmts[STMT_INSERT_ITEM];
  for (guint i = 0; i < n_items; i++)
    {
      guint index = only != NULL ? g_array_index (only, guint, i) : i;
      const char *text = g_ptr_array_index (op->items, index);
      gsize size = strlen (text);
      gsize keep = size;

      if (keep > self->max_item_bytes)
        keep = g_utf8_find_prev_char (text, text + self->max_item_bytes + 1) - text;
      sqlite3_bind_int64 (stmt, 1, op->result_id);
      conduit_history_bind_text_or_null (stmt, 2,
                                         op->run->trigger_node ? op->run->trigger_node : "");
      sqlite3_bind_text (stmt, 3, op->port ? op->port : "out", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 4, 1);
      sqlite3_bind_int64 (stmt, 5, i);
      sqlite3_bind_text (stmt, 6, text, (int)keep, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, size);
      sqlite3_bind_int (stmt, 8, keep < size);
      if (!step_stmt (self, stmt, &op->error))
        return FALSE;
    }

  return TRUE;
}

/* The keys, the run with the items whose keys were new, and the cursor, all or nothing: a crash
 * can neither fire a record twice nor mark one seen that never started a run. The savepoint
 * keeps a failure from leaving half of it in the batch's transaction. */
static void
apply_begin_polled_run (ConduitHistoryStore *self,
                        Op                  *op)
{
  sqlite3_stmt *stmt;

  if (!conduit_history_exec_sql (self->writer, "SAVEPOINT polled_run", &op->error))
    return;

  /* flow_id and trigger_id were set from the run when the op was made */
  op->fired = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; op->items != NULL && i < op->items->len; i++)
    {
      g_clear_pointer (&op->key, g_free);
      op->key = g_strdup (op->keys[i]);
      apply_mark_seen (self, op);
      if (op->error != NULL)
        goto failed;
      if (op->result_new)
        g_array_append_val (op->fired, i);
    }

  if (op->fired->len > 0 && !insert_run (self, op, op->fired))
    goto failed;

  if (op->value != NULL)
    {
      stmt = self->stmts[STMT_SET_CURSOR];
      sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, op->value, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, op->now_us);
      if (!step_stmt (self, stmt, &op->error))
        goto failed;
    }

  if (conduit_history_exec_sql (self->writer, "RELEASE polled_run", &op->error))
    return;

failed:
  op->result_id = 0;
  g_array_set_size (op->fired, 0);
  conduit_history_exec_sql (self->writer, "ROLLBACK TO polled_run; RELEASE polled_run", NULL);
}

static void
apply_mark_handled (ConduitHistoryStore *self,
                    Op                  *op)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (sqlite3_prepare_v2 (self->writer, "UPDATE runs SET handled = 1 WHERE id = ?1 AND handled = 0",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                        _("could not mark runs handled"), &op->error);
      return;
    }

  for (guint i = 0; i < op->ids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (op->ids, gint64, i));
      if (!step_stmt (self, stmt, &op->error))
        return;
      op->result_deleted += sqlite3_changes (self->writer);
    }
}

/* Binds an item's row from parameter @first on (STMT_INSERT_ITEM's order). */
static void
bind_item (sqlite3_stmt *stmt,
           int           first,
           Op           *op)
{
  sqlite3_bind_int64 (stmt, first, op->item->run_id);
  sqlite3_bind_text (stmt, first + 1, op->item->node_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, first + 2, op->item->port, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, first + 3, op->item->is_output);
  sqlite3_bind_int64 (stmt, first + 4, op->item->seq);
  sqlite3_bind_text (stmt, first + 5, op->item->data, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, first + 6, op->item->size);
  sqlite3_bind_int (stmt, first + 7, op->item->truncated);
}

/* Binds a step's row from parameter @first on (STMT_INSERT_STEP's order). */
static void
bind_step (sqlite3_stmt *stmt,
           int           first,
           Op           *op)
{
  sqlite3_bind_int64 (stmt, first, op->step->run_id);
  sqlite3_bind_text (stmt, first + 1, op->step->node_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, first + 2, op->step->item_index);
  sqlite3_bind_int (stmt, first + 3, op->step->attempt);
  sqlite3_bind_int64 (stmt, first + 4, op->step->started_us);
  sqlite3_bind_int64 (stmt, first + 5, op->step->finished_us);
  sqlite3_bind_text (stmt, first + 6, op->step->status, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, first + 7, op->step->http_status);
  sqlite3_bind_int64 (stmt, first + 8, op->step->delay_ms);
  sqlite3_bind_int64 (stmt, first + 9, op->step->items_in);
  sqlite3_bind_int64 (stmt, first + 10, op->step->items_out);
  sqlite3_bind_int64 (stmt, first + 11, op->step->items_failed);
  conduit_history_bind_text_or_null (stmt, first + 12, op->step->error_kind);
  conduit_history_bind_text_or_null (stmt, first + 13, op->step->error_message);
}

/* Rows of one table queued in the transaction and not yet inserted (the batch owns their ops),
 * with the statements that insert several at once, by their number of rows, prepared at first
 * use. A statement's own work (its cursors opened and closed, the table's end found again) was
 * about a third of a row's insert.
 *
 * INSERT OR FAIL, not the default ABORT: a statement of several rows that may abort on a
 * constraint (the NOT NULL columns) keeps a statement journal, copying each page it touches
 * that the transaction had already changed, to undo its own rows: 14k of the writer's 225k
 * instructions per webhook run. Nothing fails those constraints (the store's API checks
 * them), and a failure that does happen (a full disk, I/O) rolls the whole transaction back
 * either way; a constraint failure would keep the statement's rows before it, whose ops are
 * failed all the same. */
typedef struct
{
  const char   *insert;     /* the one-row statement up to its row of parameters */
  guint         n_columns;
  guint         single;     /* the one-row statement, in the store's stmts */
  void        (*bind) (sqlite3_stmt *stmt,
                       int           first,
                       Op           *op);
  GPtrArray    *ops;
  sqlite3_stmt *statements[ROWS_PER_INSERT + 1];
} PendingRows;

static sqlite3_stmt *
pending_rows_statement (ConduitHistoryStore  *self,
                        PendingRows          *rows,
                        guint                 n_rows,
                        GError              **error)
{
  g_autoptr(GString) sql = NULL;
  int rc;

  if (n_rows == 1)
    return self->stmts[rows->single];
  if (rows->statements[n_rows] != NULL)
    return rows->statements[n_rows];

  sql = g_string_new (rows->insert);
  for (guint i = 0; i < n_rows; i++)
    {
      g_string_append (sql, i == 0 ? "(" : ",(");
      for (guint j = 0; j < rows->n_columns; j++)
        g_string_append (sql, j == 0 ? "?" : ",?");
      g_string_append_c (sql, ')');
    }
  rc = sqlite3_prepare_v3 (self->writer, sql->str, (int)sql->len, SQLITE_PREPARE_PERSISTENT,
                           &rows->statements[n_rows], NULL);
  if (rc != SQLITE_OK)
    {
      conduit_history_set_sqlite_error (self->writer, rc, _("could not prepare"), error);
      return NULL;
    }
  return rows->statements[n_rows];
}

/* Inserts the queued rows in their order, as many to a statement as it can, and forgets them.
 * A statement that fails fails each of its rows' ops. */
static void
insert_pending_rows (ConduitHistoryStore *self,
                     PendingRows         *rows)
{
  for (guint i = 0; i < rows->ops->len;)
    {
      guint n_rows = MIN (rows->ops->len - i, ROWS_PER_INSERT);
      GError *error = NULL;
      sqlite3_stmt *stmt = pending_rows_statement (self, rows, n_rows, &error);

      if (stmt != NULL)
        {
          for (guint j = 0; j < n_rows; j++)
            rows->bind (stmt, 1 + (int)(j * rows->n_columns), g_ptr_array_index (rows->ops, i + j));
          /* Every parameter is bound again before each step, so the pointers left behind once
           * the ops are freed are never read: clearing 8 rows' 112 parameters cost 1.2k
           * instructions, 2k a run. */
          step_stmt_and_reset (self, stmt, FALSE, &error);
        }
      for (guint j = 0; error != NULL && j < n_rows; j++)
        {
          Op *op = g_ptr_array_index (rows->ops, i + j);
          op->error = j + 1 < n_rows ? g_error_copy (error) : g_steal_pointer (&error);
        }
      i += n_rows;
    }

  g_ptr_array_set_size (rows->ops, 0);
}

static void
queue_row (ConduitHistoryStore *self,
           PendingRows         *rows,
           Op                  *op)
{
  g_ptr_array_add (rows->ops, op);
  if (rows->ops->len == ROWS_PER_INSERT)
    insert_pending_rows (self, rows);
}

/* A step written as a new row only (not the end of an attempt, which replaces its mark) */
static gboolean
is_plain_step (Op *op)
{
  return op->type == OP_STEP &&
         (op->step->attempt == 0 || g_strcmp0 (op->step->status, "started") == 0);
}

/* The end of an attempt replaces the "started" row written before its request left: deletes
 * that row, if @op is such an end. */
static gboolean
delete_mark (ConduitHistoryStore *self,
             Op                  *op)
{
  sqlite3_stmt *stmt = self->stmts[STMT_DELETE_STARTED];

  if (op->step->attempt == 0 || g_strcmp0 (op->step->status, "started") == 0)
    return TRUE;

  sqlite3_bind_int64 (stmt, 1, op->step->run_id);
  sqlite3_bind_text (stmt, 2, op->step->node_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, op->step->item_index);
  sqlite3_bind_int (stmt, 4, op->step->attempt);
  return step_stmt (self, stmt, &op->error);
}

/* Whether the mark the end of an attempt @op replaces is still among the queued rows. */
static gboolean
mark_is_queued (PendingRows *rows,
                Op          *op)
{
  for (guint i = 0; i < rows->ops->len; i++)
    {
      ConduitStepRecord *queued = ((Op *)g_ptr_array_index (rows->ops, i))->step;

      if (queued->run_id == op->step->run_id && queued->item_index == op->step->item_index &&
          queued->attempt == op->step->attempt && g_str_equal (queued->node_id, op->step->node_id))
        return TRUE;
    }
  return FALSE;
}

static void
apply_op (ConduitHistoryStore *self,
          Op                  *op)
{
  sqlite3_stmt *stmt;

  switch (op->type)
    {
    case OP_BEGIN_RUN:
      insert_run (self, op, NULL);
      break;

    case OP_BEGIN_POLLED_RUN:
      apply_begin_polled_run (self, op);
      break;

    case OP_FINISH_RUN:
      stmt = self->stmts[STMT_FINISH_RUN];
      sqlite3_bind_int64 (stmt, 1, op->run->id);
      sqlite3_bind_int64 (stmt, 2, op->run->finished_us);
      sqlite3_bind_text (stmt, 3, conduit_run_status_to_string (op->run->status), -1,
                         SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, op->run->items_in);
      sqlite3_bind_int64 (stmt, 5, op->run->items_ok);
      sqlite3_bind_int64 (stmt, 6, op->run->items_failed);
      sqlite3_bind_int64 (stmt, 7, op->run->items_rejected);
      conduit_history_bind_text_or_null (stmt, 8, op->run->error);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_STEP:
      if (!delete_mark (self, op))
        break;
      stmt = self->stmts[STMT_INSERT_STEP];
      bind_step (stmt, 1, op);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_START_RANGE:
    case OP_END_RANGE:
      if (op->n_range == 0)
        break;
      stmt = self->stmts[op->type == OP_START_RANGE ? STMT_START_RANGE : STMT_END_RANGE];
      sqlite3_bind_int64 (stmt, 1, op->step->run_id);
      sqlite3_bind_text (stmt, 2, op->step->node_id, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 3, op->step->item_index);
      sqlite3_bind_int (stmt, 4, op->step->attempt);
      sqlite3_bind_int64 (stmt, 5, op->type == OP_START_RANGE ? op->step->started_us
                                                              : op->step->finished_us);
      sqlite3_bind_text (stmt, 6, op->step->status, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, op->n_range);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_ITEM:
      stmt = self->stmts[STMT_INSERT_ITEM];
      bind_item (stmt, 1, op);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_CLAIM_KEY:
      stmt = self->stmts[STMT_CLAIM_KEY];
      sqlite3_bind_text (stmt, 1, op->scope, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, op->key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, op->now_us);
      sqlite3_bind_int64 (stmt, 4, op->now_us + op->ttl_us);
      if (step_stmt (self, stmt, &op->error))
        op->result_new = sqlite3_changes (self->writer) > 0;
      break;

    case OP_SET_CURSOR:
      stmt = self->stmts[op->value != NULL ? STMT_SET_CURSOR : STMT_CLEAR_CURSOR];
      sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_STATIC);
      if (op->value != NULL)
        {
          sqlite3_bind_text (stmt, 3, op->value, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 4, op->now_us);
        }
      step_stmt (self, stmt, &op->error);
      break;

    case OP_MARK_SEEN:
      apply_mark_seen (self, op);
      break;

    case OP_PRUNE_SEEN:
      apply_prune_seen (self, op);
      break;

    case OP_MARK_HANDLED:
      apply_mark_handled (self, op);
      break;

    case OP_PRUNE:
    case OP_FLUSH:
    case OP_STOP:
    default:
      break;
    }
}

static gboolean
prune (ConduitHistoryStore  *self,
       gint64                now_us,
       guint                *n_deleted,
       GError              **error)
{
  g_autoptr(sqlite3_stmt) by_age = NULL;
  g_autoptr(sqlite3_stmt) by_count = NULL;
  g_autoptr(sqlite3_stmt) keys = NULL;
  int rc;

  *n_deleted = 0;

  if (!conduit_history_exec_sql (self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (self->keep_days > 0)
    {
      rc = sqlite3_prepare_v2 (self->writer,
                               "DELETE FROM runs WHERE status != 'running' AND started_at < ?1"
                               " AND NOT " CONDUIT_HISTORY_UNHANDLED_SQL,
                               -1, &by_age, NULL);
      if (rc != SQLITE_OK)
        goto failed;
      sqlite3_bind_int64 (by_age, 1, now_us - (gint64)self->keep_days * 24 * 3600 * G_USEC_PER_SEC);
      if (sqlite3_step (by_age) != SQLITE_DONE)
        goto failed;
      *n_deleted += sqlite3_changes (self->writer);
    }

  if (self->keep_runs > 0)
    {
      /* Per flow, everything older than its newest keep_runs runs. */
      rc = sqlite3_prepare_v2 (self->writer,
                               "DELETE FROM runs WHERE status != 'running'"
                               " AND NOT " CONDUIT_HISTORY_UNHANDLED_SQL " AND id IN ("
                               "  SELECT id FROM (SELECT id, ROW_NUMBER () OVER ("
                               "    PARTITION BY flow ORDER BY id DESC) AS n FROM runs)"
                               "  WHERE n > ?1)",
                               -1, &by_count, NULL);
      if (rc != SQLITE_OK)
        goto failed;
      sqlite3_bind_int64 (by_count, 1, self->keep_runs);
      if (sqlite3_step (by_count) != SQLITE_DONE)
        goto failed;
      *n_deleted += sqlite3_changes (self->writer);
    }

  if (*n_deleted > 0 &&
      (!conduit_history_exec_sql (self->writer,
                                  "DELETE FROM steps WHERE run_id NOT IN (SELECT id FROM runs);"
                                  "DELETE FROM items WHERE run_id NOT IN (SELECT id FROM runs);",
                                  error)))
    {
      conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->writer, "DELETE FROM dedupe_keys WHERE expires_at <= ?1", -1,
                           &keys, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  sqlite3_bind_int64 (keys, 1, now_us);
  if (sqlite3_step (keys) != SQLITE_DONE)
    goto failed;

  if (!conduit_history_exec_sql (self->writer, "COMMIT", error))
    return FALSE;

  /* Hand the freed pages back: without a checkpoint the WAL keeps growing under steady load. */
  sqlite3_wal_checkpoint_v2 (self->writer, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  return TRUE;

failed:
  conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                    _("could not prune"), error);
  conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
  return FALSE;
}

void
conduit_history_polled_run_free (PolledRun *result)
{
  g_clear_pointer (&result->fired, g_array_unref);
  g_free (result);
}

/* What a task is returned with, taken from its op in the writer thread. */
typedef struct
{
  GTask    *task;
  OpType    type;
  GError   *error;
  gint64    result_id;
  gboolean  result_new;
  guint     result_deleted;
  GArray   *fired;
} Returned;

/* In the task's own context: its main loop's current source, so the task completes here and
 * now instead of in another idle. */
static gboolean
return_task_cb (gpointer data)
{
  Returned *returned = data;
  GTask *task = returned->task;

  if (returned->error != NULL)
    g_task_return_error (task, g_steal_pointer (&returned->error));
  else
    {
      switch (returned->type)
        {
        case OP_BEGIN_RUN:
          g_task_return_pointer (task, g_memdup2 (&returned->result_id,
                                                  sizeof returned->result_id), g_free);
          break;
        case OP_BEGIN_POLLED_RUN:
          {
            PolledRun *result = g_new0 (PolledRun, 1);

            result->run_id = returned->result_id;
            result->fired = g_steal_pointer (&returned->fired);
            g_task_return_pointer (task, result, (GDestroyNotify)conduit_history_polled_run_free);
          }
          break;
        case OP_CLAIM_KEY:
          g_task_return_int (task, returned->result_new);
          break;
        case OP_PRUNE:
          g_task_return_int (task, returned->result_deleted);
          break;
        default:
          g_task_return_boolean (task, TRUE);
          break;
        }
    }

  g_clear_pointer (&returned->fired, g_array_unref);
  g_free (returned);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
conduit_history_complete_op (Op *op)
{
  if (op->wait != NULL)
    {
      SyncWait *wait = op->wait;

      g_mutex_lock (&wait->mutex);
      wait->result_new = op->result_new;
      wait->result_deleted = op->result_deleted;
      wait->error = g_steal_pointer (&op->error);
      wait->done = TRUE;
      g_cond_signal (&wait->cond);
      g_mutex_unlock (&wait->mutex);
      return;
    }

  if (op->type == OP_FLUSH && op->mutex != NULL)
    {
      g_mutex_lock (op->mutex);
      *op->done = TRUE;
      g_cond_signal (op->cond);
      g_mutex_unlock (op->mutex);
    }

  if (op->task == NULL)
    return;

  /* The task goes back to its context in one hop that returns it and drops the writer's
   * reference there (a GTask returned from this thread would take one hop to complete and the
   * reference another: two wake-ups of the waiting thread per webhook event). */
  {
    Returned *returned = g_new0 (Returned, 1);
    GSource *source = g_idle_source_new ();

    returned->task = g_steal_pointer (&op->task);
    returned->type = op->type;
    returned->error = g_steal_pointer (&op->error);
    returned->result_id = op->result_id;
    returned->result_new = op->result_new;
    returned->result_deleted = op->result_deleted;
    returned->fired = g_steal_pointer (&op->fired);

    g_source_set_priority (source, g_task_get_priority (returned->task));
    g_source_set_callback (source, return_task_cb, returned, NULL);
    g_source_set_static_name (source, "[conduit] history write done");
    g_source_attach (source, g_task_get_context (returned->task));
    g_source_unref (source);
  }
}

/* An op someone waits for: a webhook's answer waits for its run's start, a deduplicate node for
 * its claim, a flush for everything before it. */
static gboolean
op_is_urgent (Op *op)
{
  return op->task != NULL || op->wait != NULL || op->type == OP_FLUSH || op->type == OP_STOP;
}

/* Waits until @until or until an urgent op is queued. Ops nobody waits for do not wake the
 * writer here: they are taken when the wait ends (see conduit_history_push_op()). Both writers
 * (SQLite's and PostgreSQL's) linger with it. */
void
conduit_history_wait_for_company (ConduitHistoryStore *self,
                                  gint64               until)
{
  g_mutex_lock (&self->linger_lock);
  self->lingering = TRUE;
  while (!self->urgent_queued && g_cond_wait_until (&self->linger_cond, &self->linger_lock, until))
    ;
  self->lingering = FALSE;
  g_mutex_unlock (&self->linger_lock);
}

static gpointer
writer_thread (gpointer data)
{
  ConduitHistoryStore *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  GDestroyNotify free_record = (GDestroyNotify)conduit_run_record_free;
  Trouble trouble = { .unwritten_ends = g_ptr_array_new_with_free_func (free_record) };
  g_autoptr(GPtrArray) retrying = g_ptr_array_new_with_free_func (free_record);
  PendingRows items = {
    .insert = "INSERT OR FAIL INTO items (run_id, node_id, port, is_output, seq, data, size, "
              "truncated) VALUES ",
    .n_columns = 8, .single = STMT_INSERT_ITEM, .bind = bind_item, .ops = g_ptr_array_new (),
  };
  PendingRows steps = {
    .insert = "INSERT OR FAIL INTO steps (run_id, node_id, item_index, attempt, started_at, "
              "finished_at, status, http_status, delay_ms, items_in, items_out, items_failed, "
              "error_kind, error_message) VALUES ",
    .n_columns = 14, .single = STMT_INSERT_STEP, .bind = bind_step, .ops = g_ptr_array_new (),
  };
  /* Prepared once: parsing their text for every transaction was a tenth of the writer's time. */
  g_autoptr(sqlite3_stmt) begin = NULL;
  g_autoptr(sqlite3_stmt) commit = NULL;

  if (sqlite3_prepare_v3 (self->writer, "BEGIN IMMEDIATE", -1, SQLITE_PREPARE_PERSISTENT, &begin,
                          NULL) != SQLITE_OK ||
      sqlite3_prepare_v3 (self->writer, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT, &commit,
                          NULL) != SQLITE_OK)
    g_error ("Run history %s: cannot prepare BEGIN and COMMIT: %s", self->path,
             sqlite3_errmsg (self->writer));

  while (!stop)
    {
      Op *op = NULL;
      g_autoptr(GError) error = NULL;
      gboolean in_transaction;
      gboolean committed;
      guint ends_written;
      gboolean urgent;
      gint64 linger_until;

      /* After a failed write, try again now and then even when nothing new comes. */
      if (trouble.unwritten_ends->len > 0 || trouble.wal_truncate_due)
        op = g_async_queue_timeout_pop (self->queue, RETRY_US);
      if (op == NULL && (trouble.unwritten_ends->len > 0 || trouble.wal_truncate_due))
        {
          op = g_new0 (Op, 1);
          op->type = OP_FLUSH;
        }
      else if (op == NULL)
        op = g_async_queue_pop (self->queue);

      if (op->type == OP_PRUNE)
        {
          prune (self, op->now_us, &op->result_deleted, &op->error);
          conduit_history_complete_op (op);
          conduit_history_op_free (op);
          continue;
        }

      /* An urgent op queued before this point is in the queue, which this round empties. */
      g_mutex_lock (&self->linger_lock);
      self->urgent_queued = FALSE;
      g_mutex_unlock (&self->linger_lock);

      in_transaction = step_transaction (self, begin, &error);
      /* Ends of runs an earlier commit lost go first, in the order they came. */
      move_records (retrying, trouble.unwritten_ends);
      for (guint i = 0; in_transaction && i < retrying->len; i++)
        {
          Op retry = { .type = OP_FINISH_RUN, .run = g_ptr_array_index (retrying, i) };

          apply_op (self, &retry);
          if (retry.error != NULL)
            {
              g_ptr_array_add (trouble.unwritten_ends, g_ptr_array_steal_index (retrying, i--));
              g_error_free (retry.error);
            }
        }
      urgent = FALSE;
      linger_until = 0;
      for (;;)
        {
          g_ptr_array_add (batch, op);
          if (op->type == OP_STOP)
            {
              stop = TRUE;
              break;
            }
          if (op->type == OP_PRUNE)
            {
              /* Pruning runs in its own transaction; put it back for the next round. */
              g_ptr_array_steal_index (batch, batch->len - 1);
              g_async_queue_push_front (self->queue, op);
              break;
            }
          urgent |= op_is_urgent (op);
          if (in_transaction && op->type == OP_ITEM)
            queue_row (self, &items, op);
          else if (in_transaction && is_plain_step (op))
            queue_row (self, &steps, op);
          else if (in_transaction && op->type == OP_STEP && !mark_is_queued (&steps, op))
            {
              /* The end of an attempt whose mark is written: the mark goes now, and the end
               * joins the queued rows (a statement of its own cost 4k instructions a run). */
              if (delete_mark (self, op))
                queue_row (self, &steps, op);
            }
          else if (in_transaction)
            {
              /* Each table gets its rows in the order of the ops, as one by one; the end of an
               * attempt replaces a mark that may be queued. */
              if (op->type == OP_BEGIN_RUN || op->type == OP_BEGIN_POLLED_RUN)
                insert_pending_rows (self, &items);
              if (op->type == OP_STEP || op->type == OP_START_RANGE || op->type == OP_END_RANGE)
                insert_pending_rows (self, &steps);
              apply_op (self, op);
            }
          else if ((op->task != NULL || op->wait != NULL) && op->error == NULL)
            op->error = g_error_copy (error);

          if (batch->len >= MAX_BATCH)
            break;
          op = g_async_queue_try_pop (self->queue);
          if (op != NULL)
            continue;

          /* The queue is empty. Someone waits for an urgent op: commit now. The rest (steps,
           * items, ends of runs) waits a moment for more company: every commit writes each
           * page it touched, so a few commits of many records cost far less than many commits
           * of a few. */
          if (urgent || !in_transaction)
            break;
          if (linger_until == 0)
            linger_until = g_get_monotonic_time () + LINGER_US;
          conduit_history_wait_for_company (self, linger_until);
          if ((op = g_async_queue_try_pop (self->queue)) == NULL)
            break;
        }

      insert_pending_rows (self, &items);
      insert_pending_rows (self, &steps);
      committed = FALSE;
      if (in_transaction && !step_transaction (self, commit, &error))
        {
          warn_write_failed (self, &trouble, error);
          conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
          for (guint i = 0; i < batch->len; i++)
            {
              Op *failed = g_ptr_array_index (batch, i);
              if (failed->error == NULL)
                failed->error = g_error_copy (error);
            }
        }
      else if (!in_transaction)
        warn_write_failed (self, &trouble, error);
      else
        committed = TRUE;

      /* Keep the ends of runs that did not stick, to write them again. */
      ends_written = committed ? retrying->len : 0;
      if (committed)
        g_ptr_array_set_size (retrying, 0);
      else
        move_records (trouble.unwritten_ends, retrying);
      for (guint i = 0; i < batch->len; i++)
        {
          Op *done = g_ptr_array_index (batch, i);

          if (done->type == OP_FINISH_RUN && (!committed || done->error != NULL))
            g_ptr_array_add (trouble.unwritten_ends, conduit_run_record_copy (done->run));
        }
      if (committed)
        writes_work_again (self, &trouble, ends_written);

      g_mutex_lock (&self->problem_lock);
      g_clear_pointer (&self->write_problem, g_free);
      if (error != NULL)
        self->write_problem = g_strdup (error->message);
      g_mutex_unlock (&self->problem_lock);

      /* The checkpointer copies the WAL into the database alongside, but under a steady stream
       * of commits it never catches up with the WAL's end, and the WAL only starts over once a
       * checkpoint reached it. Past a size, the writer finishes the job itself: what is left
       * to copy is what came since the checkpointer's last pass. RESTART waits (busy timeout)
       * for a checkpoint the checkpointer has going, instead of giving up on it. */
      if (in_transaction && g_atomic_int_get (&self->wal_pages_total) >= self->wal_restart_pages)
        {
          /* A checkpoint another connection has going makes RESTART give up at once (SQLITE_BUSY)
           * instead of waiting; under load the checkpointer is nearly always in a pass, and the
           * WAL grew past 100 MB. Wait for the pass to end: it did most of the copying. */
          g_mutex_lock (&self->checkpoint_pass_lock);
          sqlite3_wal_checkpoint_v2 (self->writer, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
          g_mutex_unlock (&self->checkpoint_pass_lock);
        }

      /* Each op is freed right after it completes: when a flush completes, the tasks of the ops
       * before it have been handed back to their contexts, so a thread that flushed and then
       * iterates its context once more leaves nothing behind. */
      for (guint i = 0; i < batch->len; i++)
        {
          conduit_history_complete_op (g_ptr_array_index (batch, i));
          conduit_history_op_free (g_ptr_array_index (batch, i));
        }
      g_ptr_array_set_size (batch, 0);
    }

  for (guint i = 0; i <= ROWS_PER_INSERT; i++)
    {
      sqlite3_finalize (items.statements[i]);
      sqlite3_finalize (steps.statements[i]);
    }
  g_ptr_array_unref (items.ops);
  g_ptr_array_unref (steps.ops);

  /* Ends never written show as interrupted at the next start, as after a crash. */
  if (trouble.unwritten_ends->len > 0)
    g_warning ("Run history %s: ends of runs that could not be written: %u; those runs show as "
               "interrupted at the next start", self->path, trouble.unwritten_ends->len);
  g_ptr_array_unref (trouble.unwritten_ends);
  return NULL;
}

/* Called by SQLite in the writer thread after each commit. */
static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  ConduitHistoryStore *self = data;
  int before = g_atomic_int_get (&self->wal_pages_total);

  g_atomic_int_set (&self->wal_pages_total, pages);
  g_mutex_lock (&self->checkpoint_lock);
  /* A WAL only grows until it starts over: smaller than before, it is a new one. */
  if (pages < before || pages < self->pass_wal_pages)
    self->pass_wal_pages = 0;
  self->wal_pages = pages;
  if (pages - self->pass_wal_pages >= self->checkpoint_pages)
    g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
  return SQLITE_OK;
}

static gpointer
checkpointer_thread (gpointer data)
{
  ConduitHistoryStore *self = data;
  gint64 next_checkpoint_us = 0;
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
      SQLITE_OK)
    {
      g_warning ("Run history %s: cannot open it for checkpoints: %s", self->path,
                 db != NULL ? sqlite3_errmsg (db) : "out of memory");
      sqlite3_close (db);
      return NULL;
    }
  sqlite3_busy_timeout (db, 1000);
  /* A connection learns that the database is in WAL mode when it first reads it; until then
   * a checkpoint does nothing. */
  sqlite3_exec (db, "SELECT COUNT(*) FROM sqlite_master", NULL, NULL, NULL);

  g_mutex_lock (&self->checkpoint_lock);
  while (!self->checkpoint_stop)
    {
      int n_log = 0;
      int rc;

      /* A pass goes through every frame of the WAL, copied or not (SQLite sorts them by page
       * to copy each page once), so passes that each copied what a few commits added cost
       * far more than the copying: under the benchmark's steady load, a pass every 100 ms
       * went through each frame 16 times (35k instructions a run). The next pass waits for
       * the WAL to grow by the mark again, or to start over; a WAL that never does (a
       * commit starts before each pass ends) is still bounded by the writer's RESTART. */
      if (self->wal_pages - self->pass_wal_pages < self->checkpoint_pages)
        {
          g_cond_wait (&self->checkpoint_cond, &self->checkpoint_lock);
          continue;
        }
      /* At most every CHECKPOINT_INTERVAL_US: under load the WAL passes the mark again at once. */
      if (g_get_monotonic_time () < next_checkpoint_us)
        {
          g_cond_wait_until (&self->checkpoint_cond, &self->checkpoint_lock, next_checkpoint_us);
          continue;
        }
      next_checkpoint_us = g_get_monotonic_time () + CHECKPOINT_INTERVAL_US;
      self->wal_pages = 0;
      g_mutex_unlock (&self->checkpoint_lock);

      /* PASSIVE: copies what no reader still needs, and never waits for the writer. Once all
       * of it is copied, the writer starts the WAL over from its beginning. */
      g_mutex_lock (&self->checkpoint_pass_lock);
      rc = sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, NULL);
      g_mutex_unlock (&self->checkpoint_pass_lock);

      g_mutex_lock (&self->checkpoint_lock);
      /* A WAL that started over since (the writer's next commit after a complete pass) is
       * smaller than this: the writer's hook sets it back to 0 then. */
      if (rc == SQLITE_OK && n_log > 0)
        self->pass_wal_pages = n_log;
      self->checkpoint_passes++;
    }
  g_mutex_unlock (&self->checkpoint_lock);

  sqlite3_close (db);
  return NULL;
}

static void
stop_checkpointer (ConduitHistoryStore *self)
{
  if (self->checkpointer == NULL)
    return;

  g_mutex_lock (&self->checkpoint_lock);
  self->checkpoint_stop = TRUE;
  g_cond_signal (&self->checkpoint_cond);
  g_mutex_unlock (&self->checkpoint_lock);
  g_thread_join (g_steal_pointer (&self->checkpointer));
}

gboolean
conduit_history_push_op (ConduitHistoryStore *self,
                         Op                  *op)
{
  if (self->read_only)
    {
      if (op->task != NULL)
        g_task_return_new_error (op->task, CONDUIT_HISTORY_STORE_ERROR,
                                 CONDUIT_HISTORY_STORE_ERROR_READ_ONLY,
                                 _("The run history “%s” is open read-only"), self->path);
      else
        g_warning ("Run history %s is open read-only; a record was not written", self->path);
      conduit_history_op_free (op);
      return FALSE;
    }
  if (self->thread == NULL)
    {
      if (op->task != NULL)
        g_task_return_new_error (op->task, CONDUIT_HISTORY_STORE_ERROR,
                                 CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                                 _("The run history “%s” is closed"), self->path);
      else
        g_warning ("Run history %s is closed; a record was not written", self->path);
      conduit_history_op_free (op);
      return FALSE;
    }

  if (op_is_urgent (op))
    conduit_history_push_urgent (self, op);
  else
    g_async_queue_push (self->queue, op);
  return TRUE;
}

/* Queues @op and wakes the writer if it lingers for company: somebody waits for this one. */
void
conduit_history_push_urgent (ConduitHistoryStore *self,
                             Op                  *op)
{
  g_async_queue_push (self->queue, op);
  /* After the push (@op may be written and freed by now): a writer that sees the flag finds
   * the op in the queue. */
  g_mutex_lock (&self->linger_lock);
  self->urgent_queued = TRUE;
  if (self->lingering)
    g_cond_signal (&self->linger_cond);
  g_mutex_unlock (&self->linger_lock);
}

/* Queues @op and blocks until the writer committed it (or failed to). */
gboolean
conduit_history_push_op_sync (ConduitHistoryStore  *self,
                              Op                   *op,
                              SyncWait             *wait,
                              GError              **error)
{
  if (self->read_only)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_READ_ONLY,
                   _("The run history “%s” is open read-only"), self->path);
      conduit_history_op_free (op);
      return FALSE;
    }
  if (self->thread == NULL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                   _("The run history “%s” is closed"), self->path);
      conduit_history_op_free (op);
      return FALSE;
    }

  g_mutex_init (&wait->mutex);
  g_cond_init (&wait->cond);
  op->wait = wait;
  conduit_history_push_urgent (self, op);

  g_mutex_lock (&wait->mutex);
  while (!wait->done)
    g_cond_wait (&wait->cond, &wait->mutex);
  g_mutex_unlock (&wait->mutex);

  g_cond_clear (&wait->cond);
  g_mutex_clear (&wait->mutex);

  if (wait->error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&wait->error),
                                  _("Run history “%s”: "), self->path);
      return FALSE;
    }
  return TRUE;
}

/**
 * conduit_history_writer_start:
 * @self: a store with its writer connection open and statements prepared
 *
 * Starts the writer and checkpointer threads.
 */
void
conduit_history_writer_start (ConduitHistoryStore *self)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int page_size = 4096;

  /* The WAL's marks are sizes: a history's pages are 4 KB unless whoever made it chose other. */
  if (sqlite3_prepare_v2 (self->writer, "PRAGMA page_size", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0)
    page_size = sqlite3_column_int (stmt, 0);
  self->checkpoint_pages = CHECKPOINT_BYTES / page_size;
  self->wal_restart_pages = WAL_RESTART_BYTES / page_size;

  /* The writer no longer checkpoints as it commits (wal_autocheckpoint): this thread does. */
  sqlite3_wal_hook (self->writer, wal_hook_cb, self);
  self->checkpointer = g_thread_new ("conduit-checkpoint", checkpointer_thread, self);
  self->thread = g_thread_new ("conduit-history", writer_thread, self);
}

/**
 * conduit_history_writer_stop:
 * @self: a store
 *
 * Writes what is queued and stops the writer and checkpointer threads.
 */
void
conduit_history_writer_stop (ConduitHistoryStore *self)
{
  if (self->thread != NULL)
    {
      Op *op = g_new0 (Op, 1);

      op->type = OP_STOP;
      conduit_history_push_urgent (self, op);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  stop_checkpointer (self);
}
