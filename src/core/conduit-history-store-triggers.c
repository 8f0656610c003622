/* conduit-history-store-triggers.c
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

/* Polling triggers: a cursor and a set of seen keys per trigger, written by the writer thread in
 * order with the runs, so a trigger's state and the runs it started are committed together. */

static Op *
trigger_op_new (OpType      type,
                const char *flow_id,
                const char *trigger_id)
{
  Op *op = g_new0 (Op, 1);

  op->type = type;
  op->flow_id = g_strdup (flow_id);
  op->trigger_id = g_strdup (trigger_id);
  op->now_us = g_get_real_time ();
  return op;
}

/**
 * conduit_history_store_get_cursor:
 * @self: a store
 * @flow_id: the flow
 * @trigger_id: the polling trigger's node
 * @value: (out) (transfer full) (nullable): the cursor, %NULL when none was set
 * @error: return location for an error
 *
 * Reads where a polling trigger got to, as last set with conduit_history_store_set_cursor().
 * Safe from any thread.
 *
 * Returns: whether the cursor could be read (a missing cursor is no error)
 */
gboolean
conduit_history_store_get_cursor (ConduitHistoryStore  *self,
                                  const char           *flow_id,
                                  const char           *trigger_id,
                                  char                **value,
                                  GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (flow_id != NULL && trigger_id != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  *value = NULL;
  if (self->backend != NULL)
    return self->backend->get_cursor (self, flow_id, trigger_id, value, error);
  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = conduit_history_prepare_read (self,
                                       "SELECT value FROM trigger_cursors"
                                       " WHERE flow = ?1 AND trigger = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, flow_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, trigger_id, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = conduit_history_dup_column_text (stmt, 0);
      return TRUE;
    }
  return conduit_history_finish_read (self, rc, error);
}

/**
 * conduit_history_store_set_cursor:
 * @self: a store
 * @flow_id: the flow
 * @trigger_id: the polling trigger's node
 * @value: (nullable): the new cursor, or %NULL to forget it
 * @error: return location for an error
 *
 * Records where a polling trigger got to. Goes through the writer thread in order with the
 * runs queued before it, and blocks until committed: once this returns %TRUE, the runs the
 * trigger started before are committed too, and the cursor survives a crash.
 *
 * Returns: whether the cursor was committed
 */
gboolean
conduit_history_store_set_cursor (ConduitHistoryStore  *self,
                                  const char           *flow_id,
                                  const char           *trigger_id,
                                  const char           *value,
                                  GError              **error)
{
  SyncWait wait = { 0 };
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (flow_id != NULL && trigger_id != NULL, FALSE);

  op = trigger_op_new (OP_SET_CURSOR, flow_id, trigger_id);
  op->value = g_strdup (value);
  return conduit_history_push_op_sync (self, op, &wait, error);
}

/**
 * conduit_history_store_mark_seen:
 * @self: a store
 * @flow_id: the flow
 * @trigger_id: the polling trigger's node
 * @key: the key of a record the trigger found
 * @newly_seen: (out): whether @key was not seen before
 * @error: return location for an error
 *
 * Remembers that the trigger saw @key, and says whether it is new. Marks are committed in the
 * order they are made, so of two marks of one key exactly one is new, also across processes
 * sharing the database and across restarts. A key seen again is remembered from its latest
 * sighting on, for conduit_history_store_prune_seen(). Blocks until committed.
 *
 * Returns: whether the mark was committed; on %FALSE, @newly_seen is %FALSE and the record must
 *   not be taken as seen
 */
gboolean
conduit_history_store_mark_seen (ConduitHistoryStore  *self,
                                 const char           *flow_id,
                                 const char           *trigger_id,
                                 const char           *key,
                                 gboolean             *newly_seen,
                                 GError              **error)
{
  SyncWait wait = { 0 };
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (flow_id != NULL && trigger_id != NULL && key != NULL, FALSE);
  g_return_val_if_fail (newly_seen != NULL, FALSE);

  *newly_seen = FALSE;
  op = trigger_op_new (OP_MARK_SEEN, flow_id, trigger_id);
  op->key = g_strdup (key);
  if (!conduit_history_push_op_sync (self, op, &wait, error))
    return FALSE;
  *newly_seen = wait.result_new;
  return TRUE;
}

/**
 * conduit_history_store_prune_seen:
 * @self: a store
 * @flow_id: the flow
 * @trigger_id: the polling trigger's node
 * @older_than_us: forget keys last seen before this wall-clock time (µs since the epoch), or 0
 * @keep_max: keep at most this many of the most recently seen keys, or 0 for no limit
 * @n_deleted: (out) (optional): how many keys were forgotten
 * @error: return location for an error
 *
 * Forgets seen keys of one trigger. Only the trigger knows how far back its source can return a
 * record, so it chooses the bounds: a forgotten key that comes back is new again. Blocks until
 * committed.
 *
 * Returns: whether the keys were pruned
 */
gboolean
conduit_history_store_prune_seen (ConduitHistoryStore  *self,
                                  const char           *flow_id,
                                  const char           *trigger_id,
                                  gint64                older_than_us,
                                  guint                 keep_max,
                                  guint                *n_deleted,
                                  GError              **error)
{
  SyncWait wait = { 0 };
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (flow_id != NULL && trigger_id != NULL, FALSE);

  if (n_deleted != NULL)
    *n_deleted = 0;
  op = trigger_op_new (OP_PRUNE_SEEN, flow_id, trigger_id);
  op->cutoff_us = older_than_us;
  op->keep_max = keep_max;
  if (!conduit_history_push_op_sync (self, op, &wait, error))
    return FALSE;
  if (n_deleted != NULL)
    *n_deleted = wait.result_deleted;
  return TRUE;
}

/**
 * conduit_history_store_begin_polled_run_async:
 * @self: a store
 * @run: the run: flow, trigger node (the polling trigger), trigger kind, start time
 * @trigger_port: (nullable): the trigger's output port, "out" when %NULL
 * @items: (element-type utf8): the JSON text of the records the poll found
 * @keys: (array zero-terminated=1): the key of each record, as many as @items
 * @cursor: (nullable): the trigger's cursor after this poll, or %NULL to leave it
 * @cancellable: (nullable): a cancellable
 * @callback: called once everything is committed
 * @user_data: data for @callback
 *
 * Starts a polling trigger's run with exactly the records not seen before, in one step: marks
 * every key seen (as conduit_history_store_mark_seen()), records a run with the records whose
 * keys were new (none when there are none), and sets the cursor. All of it is committed
 * together or not at all, so across crashes and restarts each record starts one run, once.
 */
void
conduit_history_store_begin_polled_run_async (ConduitHistoryStore    *self,
                                              const ConduitRunRecord *run,
                                              const char             *trigger_port,
                                              GPtrArray              *items,
                                              const char * const     *keys,
                                              const char             *cursor,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->flow != NULL && run->trigger_node != NULL);
  g_return_if_fail (items != NULL && keys != NULL);
  g_return_if_fail (g_strv_length ((char **)keys) == items->len);

  op = trigger_op_new (OP_BEGIN_POLLED_RUN, run->flow, run->trigger_node);
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_begin_polled_run_async);
  op->run = conduit_run_record_copy (run);
  op->port = g_strdup (trigger_port);
  op->items = g_ptr_array_ref (items);
  op->keys = g_strdupv ((char **)keys);
  op->value = g_strdup (cursor);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_begin_polled_run_finish:
 * @self: a store
 * @result: the result
 * @run_id: (out) (optional): the new run's id, 0 when no record was new
 * @fired: (out) (optional) (transfer full) (element-type guint): the positions in @items of
 *   the records the run started with, in order
 * @error: return location for an error
 *
 * Returns: whether it was committed; on %FALSE nothing was (no key marked, no run, no cursor)
 */
gboolean
conduit_history_store_begin_polled_run_finish (ConduitHistoryStore  *self,
                                               GAsyncResult         *result,
                                               gint64               *run_id,
                                               GArray              **fired,
                                               GError              **error)
{
  PolledRun *polled;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (run_id != NULL)
    *run_id = 0;
  if (fired != NULL)
    *fired = NULL;
  polled = g_task_propagate_pointer (G_TASK (result), error);
  if (polled == NULL)
    return FALSE;
  if (run_id != NULL)
    *run_id = polled->run_id;
  if (fired != NULL)
    *fired = g_steal_pointer (&polled->fired);
  conduit_history_polled_run_free (polled);
  return TRUE;
}
