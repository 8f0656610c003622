/* conduit-history-store.c
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

#include "conduit-history-store.h"

/* The run history: one SQLite database in WAL mode.
 *
 * All writes go through one writer thread fed by a queue. The thread takes whatever has queued
 * up, applies it in one transaction and commits, then completes the tasks of those writes: a
 * "group commit". So a webhook that waits for its event to be committed waits for one short
 * transaction shared with every other event that arrived meanwhile, and the main loop never
 * waits for the disk. synchronous=NORMAL in WAL mode makes a commit survive the process being
 * killed (the WAL is in the kernel's hands); only a power cut can lose the last commits.
 *
 * Reads use a second connection guarded by a mutex; WAL lets them run beside the writer.
 *
 * A run is written as "running" with the pid of the process running it. When a database is
 * opened, runs still "running" whose process is gone were cut short by a crash or kill, and
 * become "interrupted".
 */

#define DEFAULT_LIMIT     50
#define MAX_BATCH         8192
#define CHECKPOINT_PAGES  1000  /* WAL pages (4 MB) that set off a checkpoint */
#define CHECKPOINT_INTERVAL_US (100 * 1000)
#define WAL_RESTART_PAGES 8000  /* 32 MB: past this the writer completes a checkpoint itself */
#define LINGER_US         2000  /* how long records nobody waits for may wait for company */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_QUARK (conduit-history-store-error-quark, conduit_history_store_error)

typedef enum
{
  OP_BEGIN_RUN,
  OP_BEGIN_POLLED_RUN,
  OP_FINISH_RUN,
  OP_STEP,
  OP_ITEM,
  OP_CLAIM_KEY,
  OP_SET_CURSOR,
  OP_MARK_SEEN,
  OP_PRUNE_SEEN,
  OP_PRUNE,
  OP_FLUSH,
  OP_STOP,
} OpType;

/* A caller that blocks until its op is committed waits on this; it lives on the caller's stack
 * and takes the op's results, as the writer frees the op right after completing it. */
typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  gboolean  result_new;
  guint     result_deleted;
  GError   *error;
} SyncWait;

typedef struct
{
  OpType             type;
  GTask             *task;      /* (nullable) completed after the commit */
  ConduitRunRecord  *run;
  ConduitStepRecord *step;
  ConduitItemRecord *item;
  GPtrArray         *items;     /* of char * JSON text, for OP_BEGIN_RUN */
  char              *port;
  char              *scope;
  char              *key;
  gint64             now_us;
  gint64             ttl_us;
  char              *flow_id;   /* for the trigger ops */
  char              *trigger_id;
  char              *value;
  gint64             cutoff_us;
  guint              keep_max;
  char             **keys;      /* for OP_BEGIN_POLLED_RUN, one per item */
  GArray            *fired;     /* of guint: the items whose keys were new */
  SyncWait          *wait;      /* (nullable) a caller blocked until the commit */
  /* results, written by the writer thread */
  gint64             result_id;
  gboolean           result_new;
  guint              result_deleted;
  GError            *error;
  /* OP_FLUSH waits on these */
  GMutex            *mutex;
  GCond             *cond;
  gboolean          *done;
} Op;

enum {
  STMT_INSERT_RUN,
  STMT_FINISH_RUN,
  STMT_INSERT_STEP,
  STMT_INSERT_ITEM,
  STMT_CLAIM_KEY,
  STMT_SET_CURSOR,
  STMT_CLEAR_CURSOR,
  STMT_SEE_AGAIN,
  STMT_SEE_FIRST,
  N_STMTS
};

static const char * const stmt_sql[N_STMTS] = {
  [STMT_INSERT_RUN] =
    "INSERT INTO runs (flow, trigger_node, trigger_kind, started_at, status, items_in, pid) "
    "VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6)",
  [STMT_FINISH_RUN] =
    "UPDATE runs SET finished_at = ?2, status = ?3, items_in = ?4, items_ok = ?5, "
    "items_failed = ?6, items_rejected = ?7, error = ?8 WHERE id = ?1",
  [STMT_INSERT_STEP] =
    "INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status, "
    "http_status, delay_ms, items_in, items_out, items_failed, error_kind, error_message) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
  [STMT_INSERT_ITEM] =
    "INSERT INTO items (run_id, node_id, port, is_output, seq, data, size, truncated) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  [STMT_CLAIM_KEY] =
    "INSERT INTO dedupe_keys (scope, key, seen_at, expires_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (scope, key) DO UPDATE SET seen_at = excluded.seen_at, "
    "expires_at = excluded.expires_at WHERE dedupe_keys.expires_at <= excluded.seen_at",
  [STMT_SET_CURSOR] =
    "INSERT INTO trigger_cursors (flow, trigger, value, updated_at) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (flow, trigger) DO UPDATE SET value = excluded.value, "
    "updated_at = excluded.updated_at",
  [STMT_CLEAR_CURSOR] =
    "DELETE FROM trigger_cursors WHERE flow = ?1 AND trigger = ?2",
  [STMT_SEE_AGAIN] =
    "UPDATE trigger_seen SET last_seen_at = ?4 WHERE flow = ?1 AND trigger = ?2 AND key = ?3",
  [STMT_SEE_FIRST] =
    "INSERT INTO trigger_seen (flow, trigger, key, first_seen_at, last_seen_at) "
    "VALUES (?1, ?2, ?3, ?4, ?4)",
};

/* Each migration takes the schema from version N to N + 1, in one transaction. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  flow TEXT NOT NULL,"
  "  trigger_node TEXT,"
  "  trigger_kind TEXT,"
  "  started_at INTEGER NOT NULL,"
  "  finished_at INTEGER,"
  "  status TEXT NOT NULL,"
  "  items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_ok INTEGER NOT NULL DEFAULT 0,"
  "  items_failed INTEGER NOT NULL DEFAULT 0,"
  "  items_rejected INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT,"
  "  pid INTEGER);"
  "CREATE INDEX runs_by_flow ON runs (flow, started_at);"
  "CREATE INDEX runs_by_status ON runs (status);"
  "CREATE TABLE steps ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  item_index INTEGER NOT NULL,"
  "  attempt INTEGER NOT NULL,"
  "  started_at INTEGER,"
  "  finished_at INTEGER,"
  "  status TEXT NOT NULL,"
  "  http_status INTEGER,"
  "  delay_ms INTEGER,"
  "  items_in INTEGER,"
  "  items_out INTEGER,"
  "  items_failed INTEGER,"
  "  error_kind TEXT,"
  "  error_message TEXT);"
  "CREATE INDEX steps_by_run ON steps (run_id);"
  "CREATE TABLE items ("
  "  id INTEGER PRIMARY KEY,"
  "  run_id INTEGER NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  port TEXT NOT NULL,"
  "  is_output INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  size INTEGER NOT NULL,"
  "  truncated INTEGER NOT NULL);"
  "CREATE INDEX items_by_run ON items (run_id, node_id);"
  "CREATE TABLE dedupe_keys ("
  "  scope TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  seen_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  PRIMARY KEY (scope, key)) WITHOUT ROWID;"
  "CREATE INDEX dedupe_by_expiry ON dedupe_keys (expires_at);",
  /* 1 → 2: polling triggers. A key's last sighting, not its first, decides when it may be
   * forgotten: a source that keeps returning an old record must not see it fired again. */
  "CREATE TABLE trigger_cursors ("
  "  flow TEXT NOT NULL,"
  "  trigger TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (flow, trigger)) WITHOUT ROWID;"
  "CREATE TABLE trigger_seen ("
  "  flow TEXT NOT NULL,"
  "  trigger TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  first_seen_at INTEGER NOT NULL,"
  "  last_seen_at INTEGER NOT NULL,"
  "  PRIMARY KEY (flow, trigger, key)) WITHOUT ROWID;"
  "CREATE INDEX trigger_seen_by_age ON trigger_seen (flow, trigger, last_seen_at);",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CONDUIT_HISTORY_SCHEMA_VERSION);

struct _ConduitHistoryStore
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *writer;
  sqlite3_stmt *stmts[N_STMTS];
  sqlite3      *reader;
  GMutex        reader_lock;
  GAsyncQueue  *queue;
  GThread      *thread;
  gsize         max_item_bytes;
  guint         keep_runs;
  guint         keep_days;
  guint         n_interrupted;

  /* Checkpoints copy the WAL into the database in a thread of their own, so that the writer's
   * commits (and the webhook answers waiting on them) never stall behind one. */
  GThread      *checkpointer;
  GMutex        checkpoint_lock;
  GCond         checkpoint_cond;
  int           wal_pages;       /* as the writer last saw it, 0 once the checkpointer took it */
  int           wal_pages_total; /* the WAL's size in pages, after the last commit */
  gboolean      checkpoint_stop;
};

G_DEFINE_FINAL_TYPE (ConduitHistoryStore, conduit_history_store, G_TYPE_OBJECT)

/* Records */

G_DEFINE_BOXED_TYPE (ConduitRunRecord, conduit_run_record, conduit_run_record_copy,
                     conduit_run_record_free)
G_DEFINE_BOXED_TYPE (ConduitStepRecord, conduit_step_record, conduit_step_record_copy,
                     conduit_step_record_free)
G_DEFINE_BOXED_TYPE (ConduitItemRecord, conduit_item_record, conduit_item_record_copy,
                     conduit_item_record_free)

/**
 * conduit_run_record_copy:
 * @record: a run record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitRunRecord *
conduit_run_record_copy (const ConduitRunRecord *record)
{
  ConduitRunRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->flow = g_strdup (record->flow);
  copy->trigger_node = g_strdup (record->trigger_node);
  copy->trigger_kind = g_strdup (record->trigger_kind);
  copy->error = g_strdup (record->error);
  return copy;
}

/**
 * conduit_run_record_free:
 * @record: a run record
 *
 * Frees @record.
 */
void
conduit_run_record_free (ConduitRunRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->flow);
  g_free (record->trigger_node);
  g_free (record->trigger_kind);
  g_free (record->error);
  g_free (record);
}

/**
 * conduit_step_record_copy:
 * @record: a step record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitStepRecord *
conduit_step_record_copy (const ConduitStepRecord *record)
{
  ConduitStepRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->node_id = g_strdup (record->node_id);
  copy->status = g_strdup (record->status);
  copy->error_kind = g_strdup (record->error_kind);
  copy->error_message = g_strdup (record->error_message);
  return copy;
}

/**
 * conduit_step_record_free:
 * @record: a step record
 *
 * Frees @record.
 */
void
conduit_step_record_free (ConduitStepRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->node_id);
  g_free (record->status);
  g_free (record->error_kind);
  g_free (record->error_message);
  g_free (record);
}

/**
 * conduit_item_record_copy:
 * @record: an item record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitItemRecord *
conduit_item_record_copy (const ConduitItemRecord *record)
{
  ConduitItemRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->node_id = g_strdup (record->node_id);
  copy->port = g_strdup (record->port);
  copy->data = g_strdup (record->data);
  return copy;
}

/**
 * conduit_item_record_free:
 * @record: an item record
 *
 * Frees @record.
 */
void
conduit_item_record_free (ConduitItemRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->node_id);
  g_free (record->port);
  g_free (record->data);
  g_free (record);
}

static const char * const status_names[] = {
  [CONDUIT_RUN_STATUS_RUNNING] = "running",
  [CONDUIT_RUN_STATUS_SUCCEEDED] = "succeeded",
  [CONDUIT_RUN_STATUS_PARTIAL] = "partial",
  [CONDUIT_RUN_STATUS_FAILED] = "failed",
  [CONDUIT_RUN_STATUS_INTERRUPTED] = "interrupted",
  [CONDUIT_RUN_STATUS_CANCELLED] = "cancelled",
};

/**
 * conduit_run_status_to_string:
 * @status: a run status
 *
 * Returns: the status as the history and `--json` output spell it
 */
const char *
conduit_run_status_to_string (ConduitRunStatus status)
{
  g_return_val_if_fail ((guint)status < G_N_ELEMENTS (status_names), "failed");

  return status_names[status];
}

/**
 * conduit_run_status_from_string:
 * @text: a status name
 * @status: (out): the status
 *
 * Returns: whether @text names a status
 */
gboolean
conduit_run_status_from_string (const char       *text,
                                ConduitRunStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (text, status_names[i]))
        {
          *status = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Ops */

static gboolean
unref_task_cb (gpointer data)
{
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

static void
op_free (Op *op)
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
  g_clear_error (&op->error);
  g_free (op);
}

static gboolean
set_sqlite_error (sqlite3     *db,
                  int          rc,
                  const char  *what,
                  GError     **error)
{
  g_set_error (error, CONDUIT_HISTORY_STORE_ERROR,
               rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB
                 ? CONDUIT_HISTORY_STORE_ERROR_CORRUPT : CONDUIT_HISTORY_STORE_ERROR_FAILED,
               _("Run history: %s: %s"), what, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR,
                   rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB
                     ? CONDUIT_HISTORY_STORE_ERROR_CORRUPT : CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("Run history: %s"), message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
step_stmt (ConduitHistoryStore  *self,
           sqlite3_stmt         *stmt,
           GError              **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return set_sqlite_error (self->writer, rc, _("could not write"), error);

  return TRUE;
}

static void
apply_mark_seen (ConduitHistoryStore *self,
                 Op                  *op)
{
  sqlite3_stmt *stmt = self->stmts[STMT_SEE_AGAIN];

  /* Both statements run in the writer's transaction, so of two marks of one key exactly one
   * finds it new. */
  sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, op->key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, op->now_us);
  if (!step_stmt (self, stmt, &op->error))
    return;
  if (sqlite3_changes (self->writer) > 0)
    {
      op->result_new = FALSE;
      return;
    }

  stmt = self->stmts[STMT_SEE_FIRST];
  sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, op->key, -1, SQLITE_TRANSIENT);
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
          set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                            _("could not forget old keys"), &op->error);
          return;
        }
      sqlite3_bind_text (by_age, 1, op->flow_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (by_age, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
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
          set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                            _("could not forget old keys"), &op->error);
          return;
        }
      sqlite3_bind_text (by_count, 1, op->flow_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (by_count, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
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

  sqlite3_bind_text (stmt, 1, op->run->flow, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, op->run->trigger_node);
  bind_text_or_null (stmt, 3, op->run->trigger_kind);
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
      bind_text_or_null (stmt, 2, op->run->trigger_node ? op->run->trigger_node : "");
      sqlite3_bind_text (stmt, 3, op->port ? op->port : "out", -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 4, 1);
      sqlite3_bind_int64 (stmt, 5, i);
      sqlite3_bind_text (stmt, 6, text, (int)keep, SQLITE_TRANSIENT);
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

  if (!exec_sql (self->writer, "SAVEPOINT polled_run", &op->error))
    return;

  op->fired = g_array_new (FALSE, FALSE, sizeof (guint));
  op->flow_id = g_strdup (op->run->flow);
  op->trigger_id = g_strdup (op->run->trigger_node);
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
      sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, op->value, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, op->now_us);
      if (!step_stmt (self, stmt, &op->error))
        goto failed;
    }

  if (exec_sql (self->writer, "RELEASE polled_run", &op->error))
    return;

failed:
  op->result_id = 0;
  g_array_set_size (op->fired, 0);
  exec_sql (self->writer, "ROLLBACK TO polled_run; RELEASE polled_run", NULL);
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
      bind_text_or_null (stmt, 8, op->run->error);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_STEP:
      stmt = self->stmts[STMT_INSERT_STEP];
      sqlite3_bind_int64 (stmt, 1, op->step->run_id);
      sqlite3_bind_text (stmt, 2, op->step->node_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, op->step->item_index);
      sqlite3_bind_int (stmt, 4, op->step->attempt);
      sqlite3_bind_int64 (stmt, 5, op->step->started_us);
      sqlite3_bind_int64 (stmt, 6, op->step->finished_us);
      sqlite3_bind_text (stmt, 7, op->step->status, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 8, op->step->http_status);
      sqlite3_bind_int64 (stmt, 9, op->step->delay_ms);
      sqlite3_bind_int64 (stmt, 10, op->step->items_in);
      sqlite3_bind_int64 (stmt, 11, op->step->items_out);
      sqlite3_bind_int64 (stmt, 12, op->step->items_failed);
      bind_text_or_null (stmt, 13, op->step->error_kind);
      bind_text_or_null (stmt, 14, op->step->error_message);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_ITEM:
      stmt = self->stmts[STMT_INSERT_ITEM];
      sqlite3_bind_int64 (stmt, 1, op->item->run_id);
      sqlite3_bind_text (stmt, 2, op->item->node_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, op->item->port, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 4, op->item->is_output);
      sqlite3_bind_int64 (stmt, 5, op->item->seq);
      sqlite3_bind_text (stmt, 6, op->item->data, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 7, op->item->size);
      sqlite3_bind_int (stmt, 8, op->item->truncated);
      step_stmt (self, stmt, &op->error);
      break;

    case OP_CLAIM_KEY:
      stmt = self->stmts[STMT_CLAIM_KEY];
      sqlite3_bind_text (stmt, 1, op->scope, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, op->key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 3, op->now_us);
      sqlite3_bind_int64 (stmt, 4, op->now_us + op->ttl_us);
      if (step_stmt (self, stmt, &op->error))
        op->result_new = sqlite3_changes (self->writer) > 0;
      break;

    case OP_SET_CURSOR:
      stmt = self->stmts[op->value != NULL ? STMT_SET_CURSOR : STMT_CLEAR_CURSOR];
      sqlite3_bind_text (stmt, 1, op->flow_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, op->trigger_id, -1, SQLITE_TRANSIENT);
      if (op->value != NULL)
        {
          sqlite3_bind_text (stmt, 3, op->value, -1, SQLITE_TRANSIENT);
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

  if (!exec_sql (self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (self->keep_days > 0)
    {
      rc = sqlite3_prepare_v2 (self->writer,
                               "DELETE FROM runs WHERE status != 'running' AND started_at < ?1",
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
                               "DELETE FROM runs WHERE status != 'running' AND id IN ("
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
      (!exec_sql (self->writer,
                  "DELETE FROM steps WHERE run_id NOT IN (SELECT id FROM runs);"
                  "DELETE FROM items WHERE run_id NOT IN (SELECT id FROM runs);", error)))
    {
      exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->writer, "DELETE FROM dedupe_keys WHERE expires_at <= ?1", -1,
                           &keys, NULL);
  if (rc != SQLITE_OK)
    goto failed;
  sqlite3_bind_int64 (keys, 1, now_us);
  if (sqlite3_step (keys) != SQLITE_DONE)
    goto failed;

  if (!exec_sql (self->writer, "COMMIT", error))
    return FALSE;

  /* Hand the freed pages back: without a checkpoint the WAL keeps growing under steady load. */
  sqlite3_wal_checkpoint_v2 (self->writer, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  return TRUE;

failed:
  set_sqlite_error (self->writer, sqlite3_errcode (self->writer), _("could not prune"), error);
  exec_sql (self->writer, "ROLLBACK", NULL);
  return FALSE;
}

typedef struct
{
  gint64  run_id;
  GArray *fired;
} PolledRun;

static void
polled_run_free (PolledRun *result)
{
  g_clear_pointer (&result->fired, g_array_unref);
  g_free (result);
}

static void
complete_op (Op *op)
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

  if (op->error != NULL)
    {
      g_task_return_error (op->task, g_steal_pointer (&op->error));
      return;
    }

  switch (op->type)
    {
    case OP_BEGIN_RUN:
      g_task_return_pointer (op->task, g_memdup2 (&op->result_id, sizeof op->result_id), g_free);
      break;
    case OP_BEGIN_POLLED_RUN:
      {
        PolledRun *result = g_new0 (PolledRun, 1);

        result->run_id = op->result_id;
        result->fired = g_steal_pointer (&op->fired);
        g_task_return_pointer (op->task, result, (GDestroyNotify)polled_run_free);
      }
      break;
    case OP_CLAIM_KEY:
      g_task_return_int (op->task, op->result_new);
      break;
    case OP_PRUNE:
      g_task_return_int (op->task, op->result_deleted);
      break;
    default:
      g_task_return_boolean (op->task, TRUE);
      break;
    }
}

/* An op someone waits for: a webhook's answer waits for its run's start, a deduplicate node for
 * its claim, a flush for everything before it. */
static gboolean
op_is_urgent (Op *op)
{
  return op->task != NULL || op->wait != NULL || op->type == OP_FLUSH || op->type == OP_STOP;
}

static gpointer
writer_thread (gpointer data)
{
  ConduitHistoryStore *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Op *op = g_async_queue_pop (self->queue);
      g_autoptr(GError) error = NULL;
      gboolean in_transaction;
      gboolean urgent;
      gint64 linger_until;
      gint64 remaining;

      if (op->type == OP_PRUNE)
        {
          prune (self, op->now_us, &op->result_deleted, &op->error);
          complete_op (op);
          op_free (op);
          continue;
        }

      in_transaction = exec_sql (self->writer, "BEGIN IMMEDIATE", &error);
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
          if (in_transaction)
            apply_op (self, op);
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
          remaining = linger_until - g_get_monotonic_time ();
          if (remaining <= 0 ||
              (op = g_async_queue_timeout_pop (self->queue, (guint64)remaining)) == NULL)
            break;
        }

      if (in_transaction && !exec_sql (self->writer, "COMMIT", &error))
        {
          g_warning ("%s", error->message);
          exec_sql (self->writer, "ROLLBACK", NULL);
          for (guint i = 0; i < batch->len; i++)
            {
              Op *failed = g_ptr_array_index (batch, i);
              if (failed->error == NULL)
                failed->error = g_error_copy (error);
            }
        }
      else if (!in_transaction)
        g_warning ("%s", error->message);

      /* The checkpointer copies the WAL into the database alongside, but under a steady stream
       * of commits it never catches up with the WAL's end, and the WAL only starts over once a
       * checkpoint reached it. Past a size, the writer finishes the job itself: what is left
       * to copy is what came since the checkpointer's last pass. RESTART waits (busy timeout)
       * for a checkpoint the checkpointer has going, instead of giving up on it. */
      if (in_transaction && g_atomic_int_get (&self->wal_pages_total) >= WAL_RESTART_PAGES)
        sqlite3_wal_checkpoint_v2 (self->writer, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);

      /* Each op is freed right after it completes: when a flush completes, the tasks of the ops
       * before it have been handed back to their contexts, so a thread that flushed and then
       * iterates its context once more leaves nothing behind. */
      for (guint i = 0; i < batch->len; i++)
        {
          complete_op (g_ptr_array_index (batch, i));
          op_free (g_ptr_array_index (batch, i));
        }
      g_ptr_array_set_size (batch, 0);
    }

  return NULL;
}

/* The object */

/* Called by SQLite in the writer thread after each commit. */
static int
wal_hook_cb (void       *data,
             sqlite3    *db,
             const char *name,
             int         pages)
{
  ConduitHistoryStore *self = data;

  g_atomic_int_set (&self->wal_pages_total, pages);
  g_mutex_lock (&self->checkpoint_lock);
  self->wal_pages = pages;
  if (pages >= CHECKPOINT_PAGES)
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
      if (self->wal_pages < CHECKPOINT_PAGES)
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
      sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

      g_mutex_lock (&self->checkpoint_lock);
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

static void
conduit_history_store_finalize (GObject *object)
{
  ConduitHistoryStore *self = (ConduitHistoryStore *)object;

  conduit_history_store_close (self);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_mutex_clear (&self->reader_lock);
  g_mutex_clear (&self->checkpoint_lock);
  g_cond_clear (&self->checkpoint_cond);
  g_free (self->path);

  G_OBJECT_CLASS (conduit_history_store_parent_class)->finalize (object);
}

static void
conduit_history_store_class_init (ConduitHistoryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_history_store_finalize;
}

static void
conduit_history_store_init (ConduitHistoryStore *self)
{
  g_mutex_init (&self->reader_lock);
  g_mutex_init (&self->checkpoint_lock);
  g_cond_init (&self->checkpoint_cond);
  self->queue = g_async_queue_new ();
  self->max_item_bytes = CONDUIT_HISTORY_DEFAULT_MAX_ITEM_BYTES;
}

/**
 * conduit_history_store_dup_default_path:
 *
 * Where the history lives unless told otherwise: `$CONDUIT_HISTORY_DB` when set, else
 * `$XDG_DATA_HOME/conduit/history.db`.
 *
 * Returns: (transfer full): the path
 */
char *
conduit_history_store_dup_default_path (void)
{
  const char *env = g_getenv ("CONDUIT_HISTORY_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "conduit", "history.db", NULL);
}

static gboolean
open_connection (const char  *path,
                 int          flags,
                 sqlite3    **db,
                 GError     **error)
{
  int rc = sqlite3_open_v2 (path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("Could not open the run history “%s”: %s"), path,
                   *db != NULL ? sqlite3_errmsg (*db) : sqlite3_errstr (rc));
      g_clear_pointer (db, sqlite3_close);
      return FALSE;
    }

  /* Another process (the app and `conduit-cli serve`) may hold the write lock for a moment. */
  sqlite3_busy_timeout (*db, 10000);
  return TRUE;
}

static gboolean
migrate (ConduitHistoryStore  *self,
         GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;

  if (!exec_sql (self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->writer, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                        _("could not read the schema version"), error);
      exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }
  version = sqlite3_column_int (stmt, 0);

  if (version > CONDUIT_HISTORY_SCHEMA_VERSION)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
                   _("The run history “%s” was written by a newer Conduit (schema %d; this "
                     "version reads up to %d). Update Conduit or use another history file."),
                   self->path, version, CONDUIT_HISTORY_SCHEMA_VERSION);
      exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }

  for (; version < CONDUIT_HISTORY_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!exec_sql (self->writer, migrations[version], error) ||
          !exec_sql (self->writer, bump, error))
        {
          exec_sql (self->writer, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  return exec_sql (self->writer, "COMMIT", error);
}

static gboolean
mark_interrupted (ConduitHistoryStore  *self,
                  GError              **error)
{
  g_autoptr(sqlite3_stmt) pids = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) dead = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (sqlite3_prepare_v2 (self->writer,
                          "SELECT DISTINCT pid FROM runs WHERE status = 'running'", -1, &pids,
                          NULL) != SQLITE_OK)
    return set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                             _("could not look for interrupted runs"), error);

  while (sqlite3_step (pids) == SQLITE_ROW)
    {
      gint64 pid = sqlite3_column_int64 (pids, 0);

      /* A run whose process still lives belongs to another Conduit on this database. */
      if (pid <= 0 || pid == getpid () || (kill ((pid_t)pid, 0) != 0 && errno == ESRCH))
        g_array_append_val (dead, pid);
    }

  if (dead->len == 0)
    return TRUE;

  if (sqlite3_prepare_v2 (self->writer,
                          "UPDATE runs SET status = 'interrupted', finished_at = ?2, "
                          "error = ?3 WHERE status = 'running' AND pid IS ?1", -1, &update,
                          NULL) != SQLITE_OK)
    return set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                             _("could not mark interrupted runs"), error);

  for (guint i = 0; i < dead->len; i++)
    {
      sqlite3_bind_int64 (update, 1, g_array_index (dead, gint64, i));
      sqlite3_bind_int64 (update, 2, g_get_real_time ());
      sqlite3_bind_text (update, 3,
                         _("The run was cut short: Conduit stopped before it finished"), -1,
                         SQLITE_TRANSIENT);
      if (sqlite3_step (update) != SQLITE_DONE)
        return set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                 _("could not mark interrupted runs"), error);
      self->n_interrupted += sqlite3_changes (self->writer);
      sqlite3_reset (update);
    }

  return TRUE;
}

/**
 * conduit_history_store_new:
 * @path: (nullable): the database file, or %NULL for conduit_history_store_dup_default_path()
 * @error: return location for an error
 *
 * Opens (creating when needed) a run history, brings its schema up to date, and marks runs that
 * a crash cut short as interrupted.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
ConduitHistoryStore *
conduit_history_store_new (const char  *path,
                           GError     **error)
{
  g_autoptr(ConduitHistoryStore) self = NULL;
  g_autofree char *dir = NULL;

  self = g_object_new (CONDUIT_TYPE_HISTORY_STORE, NULL);
  self->path = path != NULL ? g_strdup (path) : conduit_history_store_dup_default_path ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder for the run history “%s”: %s"), dir,
                   g_strerror (saved));
      return NULL;
    }

  if (!open_connection (self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &self->writer,
                        error))
    return NULL;

  if (!exec_sql (self->writer,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA foreign_keys = OFF;"
                 "PRAGMA journal_size_limit = 67108864;"
                 "PRAGMA wal_autocheckpoint = 0;", error) ||
      !migrate (self, error) ||
      !mark_interrupted (self, error))
    {
      g_prefix_error (error, _("Run history “%s”: "), self->path);
      return NULL;
    }

  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (self->writer, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        {
          set_sqlite_error (self->writer, rc, _("could not prepare"), error);
          return NULL;
        }
    }

  if (!open_connection (self->path, SQLITE_OPEN_READONLY, &self->reader, error))
    return NULL;

  /* The writer no longer checkpoints as it commits (wal_autocheckpoint): this thread does. */
  sqlite3_wal_hook (self->writer, wal_hook_cb, self);
  self->checkpointer = g_thread_new ("conduit-checkpoint", checkpointer_thread, self);
  self->thread = g_thread_new ("conduit-history", writer_thread, self);

  return g_steal_pointer (&self);
}

/**
 * conduit_history_store_close:
 * @self: a store
 *
 * Writes what is queued, stops the writer and closes the database. Later writes are dropped
 * with a warning; the object stays valid.
 */
void
conduit_history_store_close (ConduitHistoryStore *self)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  if (self->thread != NULL)
    {
      Op *op = g_new0 (Op, 1);

      op->type = OP_STOP;
      g_async_queue_push (self->queue, op);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  stop_checkpointer (self);

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->writer, sqlite3_close);

  g_mutex_lock (&self->reader_lock);
  g_clear_pointer (&self->reader, sqlite3_close);
  g_mutex_unlock (&self->reader_lock);
}

/**
 * conduit_history_store_get_path:
 * @self: a store
 *
 * Returns: the database file
 */
const char *
conduit_history_store_get_path (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  return self->path;
}

/**
 * conduit_history_store_get_n_interrupted:
 * @self: a store
 *
 * Returns: how many runs were found cut short when the store was opened
 */
guint
conduit_history_store_get_n_interrupted (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), 0);

  return self->n_interrupted;
}

/**
 * conduit_history_store_set_max_item_bytes:
 * @self: a store
 * @max_bytes: the largest item text kept whole
 *
 * Longer items are cut at this size and marked truncated.
 */
void
conduit_history_store_set_max_item_bytes (ConduitHistoryStore *self,
                                          gsize                max_bytes)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  self->max_item_bytes = MAX (max_bytes, 16);
}

/**
 * conduit_history_store_get_max_item_bytes:
 * @self: a store
 *
 * Returns: the largest item text kept whole
 */
gsize
conduit_history_store_get_max_item_bytes (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), 0);

  return self->max_item_bytes;
}

/**
 * conduit_history_store_set_retention:
 * @self: a store
 * @keep_runs: runs to keep per flow, 0 for no limit
 * @keep_days: days to keep runs, 0 for no limit
 *
 * Sets what conduit_history_store_prune_async() keeps.
 */
void
conduit_history_store_set_retention (ConduitHistoryStore *self,
                                     guint                keep_runs,
                                     guint                keep_days)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  self->keep_runs = keep_runs;
  self->keep_days = keep_days;
}

static gboolean
push_op (ConduitHistoryStore *self,
         Op                  *op)
{
  if (self->thread == NULL)
    {
      if (op->task != NULL)
        g_task_return_new_error (op->task, CONDUIT_HISTORY_STORE_ERROR,
                                 CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                                 _("The run history “%s” is closed"), self->path);
      else
        g_warning ("Run history %s is closed; a record was not written", self->path);
      op_free (op);
      return FALSE;
    }

  g_async_queue_push (self->queue, op);
  return TRUE;
}

/**
 * conduit_history_store_begin_run_async:
 * @self: a store
 * @run: the run: flow, trigger, start time
 * @trigger_port: (nullable): the trigger's output port, "out" when %NULL
 * @items: (nullable) (element-type utf8): the JSON text of the items the trigger emits
 * @cancellable: (nullable): a cancellable
 * @callback: called once the run and its items are committed
 * @user_data: data for @callback
 *
 * Records the start of a run together with the items that started it. The callback runs only
 * after the commit, so a webhook can promise the sender that the event is safe.
 */
void
conduit_history_store_begin_run_async (ConduitHistoryStore    *self,
                                       const ConduitRunRecord *run,
                                       const char             *trigger_port,
                                       GPtrArray              *items,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->flow != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_BEGIN_RUN;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_begin_run_async);
  op->run = conduit_run_record_copy (run);
  op->port = g_strdup (trigger_port);
  if (items != NULL)
    op->items = g_ptr_array_ref (items);
  push_op (self, op);
}

/**
 * conduit_history_store_begin_run_finish:
 * @self: a store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: the new run's id, or 0 with @error set
 */
gint64
conduit_history_store_begin_run_finish (ConduitHistoryStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_pointer (G_TASK (result), error);
  return id != NULL ? *id : 0;
}

/**
 * conduit_history_store_add_step:
 * @self: a store
 * @step: the step
 *
 * Queues @step for writing.
 */
void
conduit_history_store_add_step (ConduitHistoryStore     *self,
                                const ConduitStepRecord *step)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (step != NULL && step->node_id != NULL && step->status != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_STEP;
  op->step = conduit_step_record_copy (step);
  push_op (self, op);
}

/**
 * conduit_history_store_add_item:
 * @self: a store
 * @run_id: the run
 * @node_id: the node
 * @port: the port the item came in or went out through
 * @is_output: whether the item left the node
 * @seq: the item's position in its batch
 * @json_text: the item as JSON text, already redacted
 *
 * Queues an item for writing, cut at the size cap and marked when it is longer.
 */
void
conduit_history_store_add_item (ConduitHistoryStore *self,
                                gint64               run_id,
                                const char          *node_id,
                                const char          *port,
                                gboolean             is_output,
                                guint                seq,
                                const char          *json_text)
{
  ConduitItemRecord *item;
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (node_id != NULL && port != NULL && json_text != NULL);

  item = g_new0 (ConduitItemRecord, 1);
  item->run_id = run_id;
  item->node_id = g_strdup (node_id);
  item->port = g_strdup (port);
  item->is_output = is_output;
  item->seq = seq;
  item->size = strlen (json_text);
  if (item->size > self->max_item_bytes)
    {
      const char *end = g_utf8_find_prev_char (json_text, json_text + self->max_item_bytes + 1);
      item->data = g_strndup (json_text, end - json_text);
      item->truncated = TRUE;
    }
  else
    item->data = g_strdup (json_text);

  op = g_new0 (Op, 1);
  op->type = OP_ITEM;
  op->item = item;
  push_op (self, op);
}

/**
 * conduit_history_store_finish_run:
 * @self: a store
 * @run: the finished run (id, end, status, counts)
 *
 * Queues the end of a run for writing.
 */
void
conduit_history_store_finish_run (ConduitHistoryStore    *self,
                                  const ConduitRunRecord *run)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->id > 0);

  op = g_new0 (Op, 1);
  op->type = OP_FINISH_RUN;
  op->run = conduit_run_record_copy (run);
  push_op (self, op);
}

/**
 * conduit_history_store_claim_key_async:
 * @self: a store
 * @scope: whose keys: a flow and node
 * @key: the key of an item
 * @now_us: the current time
 * @ttl_us: how long the key is remembered
 * @cancellable: (nullable): a cancellable
 * @callback: called once the claim is committed
 * @user_data: data for @callback
 *
 * Remembers @key unless it is remembered already and not expired. Claims are applied in the
 * order they were made, so of two deliveries of one event exactly one is new.
 */
void
conduit_history_store_claim_key_async (ConduitHistoryStore *self,
                                       const char          *scope,
                                       const char          *key,
                                       gint64               now_us,
                                       gint64               ttl_us,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (scope != NULL && key != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_CLAIM_KEY;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_claim_key_async);
  op->scope = g_strdup (scope);
  op->key = g_strdup (key);
  op->now_us = now_us;
  op->ttl_us = ttl_us;
  push_op (self, op);
}

/**
 * conduit_history_store_claim_key_finish:
 * @self: a store
 * @result: the result
 * @is_new: (out): whether the key was not remembered before
 * @error: return location for an error
 *
 * Returns: whether the claim was written
 */
gboolean
conduit_history_store_claim_key_finish (ConduitHistoryStore  *self,
                                        GAsyncResult         *result,
                                        gboolean             *is_new,
                                        GError              **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (is_new != NULL)
    *is_new = value != 0;
  return TRUE;
}

/**
 * conduit_history_store_prune_async:
 * @self: a store
 * @now_us: the current time
 * @cancellable: (nullable): a cancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes runs beyond the retention set with conduit_history_store_set_retention() and expired
 * duplicate keys, in the writer thread, then checkpoints the WAL.
 */
void
conduit_history_store_prune_async (ConduitHistoryStore *self,
                                   gint64               now_us,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  op = g_new0 (Op, 1);
  op->type = OP_PRUNE;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_prune_async);
  op->now_us = now_us;
  push_op (self, op);
}

/**
 * conduit_history_store_prune_finish:
 * @self: a store
 * @result: the result
 * @n_deleted: (out) (optional): how many runs were deleted
 * @error: return location for an error
 *
 * Returns: whether pruning worked
 */
gboolean
conduit_history_store_prune_finish (ConduitHistoryStore  *self,
                                    GAsyncResult         *result,
                                    guint                *n_deleted,
                                    GError              **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (n_deleted != NULL)
    *n_deleted = (guint)value;
  return TRUE;
}

/**
 * conduit_history_store_flush:
 * @self: a store
 * @error: return location for an error
 *
 * Blocks until everything queued so far is committed. For the end of a command-line run and
 * for tests; the app never needs it.
 *
 * Returns: %FALSE when the store is closed
 */
gboolean
conduit_history_store_flush (ConduitHistoryStore  *self,
                             GError              **error)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);

  if (self->thread == NULL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                   _("The run history “%s” is closed"), self->path);
      return FALSE;
    }

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  op = g_new0 (Op, 1);
  op->type = OP_FLUSH;
  op->mutex = &mutex;
  op->cond = &cond;
  op->done = &done;
  g_async_queue_push (self->queue, op);

  g_mutex_lock (&mutex);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);

  g_cond_clear (&cond);
  g_mutex_clear (&mutex);
  return TRUE;
}

/* Reading */

static char *
dup_column_text (sqlite3_stmt *stmt,
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
  run->flow = dup_column_text (stmt, 1);
  run->trigger_node = dup_column_text (stmt, 2);
  run->trigger_kind = dup_column_text (stmt, 3);
  run->started_us = sqlite3_column_int64 (stmt, 4);
  run->finished_us = sqlite3_column_int64 (stmt, 5);
  conduit_run_status_from_string ((const char *)sqlite3_column_text (stmt, 6), &status);
  run->status = status;
  run->items_in = sqlite3_column_int (stmt, 7);
  run->items_ok = sqlite3_column_int (stmt, 8);
  run->items_failed = sqlite3_column_int (stmt, 9);
  run->items_rejected = sqlite3_column_int (stmt, 10);
  run->error = dup_column_text (stmt, 11);
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

static sqlite3_stmt *
prepare_read (ConduitHistoryStore  *self,
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
      set_sqlite_error (self->reader, rc, _("could not read"), error);
      return NULL;
    }

  return stmt;
}

static gboolean
finish_read (ConduitHistoryStore  *self,
             int                   rc,
             GError              **error)
{
  if (rc == SQLITE_DONE)
    return TRUE;
  return set_sqlite_error (self->reader, rc, _("could not read"), error);
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

  sql = query_where (query);
  g_string_prepend (sql, "SELECT " RUN_COLUMNS " FROM runs");
  g_string_append (sql, " ORDER BY id DESC LIMIT :limit OFFSET :offset");

  locker = g_mutex_locker_new (&self->reader_lock);
  if (!(stmt = prepare_read (self, sql->str, error)))
    return NULL;
  query_bind (stmt, query);

  runs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_run_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (stmt));

  if (!finish_read (self, rc, error))
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

  sql = query_where (query);
  g_string_prepend (sql, "SELECT COUNT(*) FROM runs");

  locker = g_mutex_locker_new (&self->reader_lock);
  if (!(stmt = prepare_read (self, sql->str, error)))
    return 0;
  query_bind (stmt, query);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_sqlite_error (self->reader, sqlite3_errcode (self->reader), _("could not read"), error);
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

  locker = g_mutex_locker_new (&self->reader_lock);
  if (!(stmt = prepare_read (self, "SELECT " RUN_COLUMNS " FROM runs WHERE id = ?1", error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return run_from_row (stmt);

  if (finish_read (self, rc, error))
    g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND,
                 _("There is no run %" PRId64 " in the history “%s”"), run_id,
                 self->path);
  return NULL;
}

/**
 * conduit_history_store_list_steps:
 * @self: a store
 * @run_id: a run id
 * @error: return location for an error
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
  int rc;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = prepare_read (self,
                       "SELECT id, run_id, node_id, item_index, attempt, started_at, finished_at,"
                       " status, http_status, delay_ms, items_in, items_out, items_failed,"
                       " error_kind, error_message FROM steps WHERE run_id = ?1 ORDER BY id",
                       error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);

  steps = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_step_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConduitStepRecord *step = g_new0 (ConduitStepRecord, 1);

      step->id = sqlite3_column_int64 (stmt, 0);
      step->run_id = sqlite3_column_int64 (stmt, 1);
      step->node_id = dup_column_text (stmt, 2);
      step->item_index = sqlite3_column_int (stmt, 3);
      step->attempt = sqlite3_column_int (stmt, 4);
      step->started_us = sqlite3_column_int64 (stmt, 5);
      step->finished_us = sqlite3_column_int64 (stmt, 6);
      step->status = dup_column_text (stmt, 7);
      step->http_status = sqlite3_column_int (stmt, 8);
      step->delay_ms = sqlite3_column_int (stmt, 9);
      step->items_in = sqlite3_column_int (stmt, 10);
      step->items_out = sqlite3_column_int (stmt, 11);
      step->items_failed = sqlite3_column_int (stmt, 12);
      step->error_kind = dup_column_text (stmt, 13);
      step->error_message = dup_column_text (stmt, 14);
      g_ptr_array_add (steps, step);
    }

  if (!finish_read (self, rc, error))
    return NULL;

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

  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = prepare_read (self,
                       "SELECT id, run_id, node_id, port, is_output, seq, data, size, truncated"
                       " FROM items WHERE run_id = ?1 AND (?2 IS NULL OR node_id = ?2)"
                       " ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  bind_text_or_null (stmt, 2, node_id);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_item_record_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConduitItemRecord *item = g_new0 (ConduitItemRecord, 1);

      item->id = sqlite3_column_int64 (stmt, 0);
      item->run_id = sqlite3_column_int64 (stmt, 1);
      item->node_id = dup_column_text (stmt, 2);
      item->port = dup_column_text (stmt, 3);
      item->is_output = sqlite3_column_int (stmt, 4);
      item->seq = sqlite3_column_int (stmt, 5);
      item->data = dup_column_text (stmt, 6);
      item->size = sqlite3_column_int64 (stmt, 7);
      item->truncated = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (items, item);
    }

  if (!finish_read (self, rc, error))
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

  if (!exec_sql (db, "BEGIN IMMEDIATE", error))
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

  if (!exec_sql (db, "COMMIT", error))
    return -1;
  return deleted;

failed:
  set_sqlite_error (db, sqlite3_errcode (db), _("could not delete runs"), error);
  exec_sql (db, "ROLLBACK", NULL);
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

  if (!conduit_history_store_flush (self, error))
    return -1;
  if (!open_connection (self->path, SQLITE_OPEN_READWRITE, &db, error))
    return -1;
  deleted = delete_runs_in (db, ids, n_ids, error);
  sqlite3_close (db);
  return deleted;
}

/* Polling triggers */

/* Queues @op and blocks until the writer committed it (or failed to). */
static gboolean
run_op_sync (ConduitHistoryStore  *self,
             Op                   *op,
             SyncWait             *wait,
             GError              **error)
{
  if (self->thread == NULL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                   _("The run history “%s” is closed"), self->path);
      op_free (op);
      return FALSE;
    }

  g_mutex_init (&wait->mutex);
  g_cond_init (&wait->cond);
  op->wait = wait;
  g_async_queue_push (self->queue, op);

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
  locker = g_mutex_locker_new (&self->reader_lock);
  stmt = prepare_read (self,
                       "SELECT value FROM trigger_cursors WHERE flow = ?1 AND trigger = ?2",
                       error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, flow_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, trigger_id, -1, SQLITE_TRANSIENT);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = dup_column_text (stmt, 0);
      return TRUE;
    }
  return finish_read (self, rc, error);
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
  return run_op_sync (self, op, &wait, error);
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
  if (!run_op_sync (self, op, &wait, error))
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
  if (!run_op_sync (self, op, &wait, error))
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
  push_op (self, op);
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
  polled_run_free (polled);
  return TRUE;
}
