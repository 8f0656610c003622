/* conduit-history-store-schema.c
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

static const char * const stmt_sql[N_STMTS] = {
  /* A new id is past both the runs' and the deleted runs' (run_ids): never one that was
   * given before, as AUTOINCREMENT did, which wrote sqlite_sequence's page at each commit. */
  [STMT_INSERT_RUN] =
    "INSERT INTO runs (id, flow, trigger_node, trigger_kind, started_at, status, items_in, pid) "
    "VALUES (max ((SELECT coalesce (max (id), 0) FROM runs), "
    "(SELECT largest_deleted FROM run_ids)) + 1, ?1, ?2, ?3, ?4, 'running', ?5, ?6)",
  /* OR FAIL: see PendingRows in -writer.c. One row, checked before it is written: the same. */
  [STMT_FINISH_RUN] =
    "UPDATE OR FAIL runs SET finished_at = ?2, status = ?3, items_in = ?4, items_ok = ?5, "
    "items_failed = ?6, items_rejected = ?7, error = ?8 WHERE id = ?1",
  [STMT_INSERT_STEP] =
    "INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status, "
    "http_status, delay_ms, items_in, items_out, items_failed, error_kind, error_message) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
  [STMT_DELETE_STARTED] =
    "DELETE FROM steps WHERE run_id = ?1 AND node_id = ?2 AND item_index = ?3 AND attempt = ?4 "
    "AND status = 'started' AND item_count IS NULL",
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
  /* A batch's marks as one row: items ?3 … ?3 + ?7 - 1 (a database step's batch). One row per
   * item cost the writer an insert and two index entries per item, then an update of each: a
   * third of a 200,000-row flow's processor time. Readers expand it (list_steps). */
  [STMT_START_RANGE] =
    "INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status, "
    "http_status, delay_ms, items_in, items_out, items_failed, item_count) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, 0, 0, 0, 0, 0, ?7)",
  /* Its end. Items of the range whose end was written one by one keep their own rows, which
   * win over the range's when read. */
  [STMT_END_RANGE] =
    "UPDATE steps SET status = ?6, finished_at = ?5 WHERE run_id = ?1 AND node_id = ?2 "
    "AND item_index = ?3 AND attempt = ?4 AND item_count = ?7 AND status = 'started'",
};

/* The runs' columns after their id as schema 1 made them, which 7 → 8 makes again. Never to
 * change: a migration does what it did when it was written. */
#define RUNS_COLUMNS_1 \
  "  flow TEXT NOT NULL," \
  "  trigger_node TEXT," \
  "  trigger_kind TEXT," \
  "  started_at INTEGER NOT NULL," \
  "  finished_at INTEGER," \
  "  status TEXT NOT NULL," \
  "  items_in INTEGER NOT NULL DEFAULT 0," \
  "  items_ok INTEGER NOT NULL DEFAULT 0," \
  "  items_failed INTEGER NOT NULL DEFAULT 0," \
  "  items_rejected INTEGER NOT NULL DEFAULT 0," \
  "  error TEXT," \
  "  pid INTEGER"

/* Each migration takes the schema from version N to N + 1, in one transaction. */
static const char * const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE runs ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  RUNS_COLUMNS_1 ");"
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
  /* 2 → 3: a run that failed or was cut short needs someone to look at it; until then, retention
   * keeps it. */
  "ALTER TABLE runs ADD COLUMN handled INTEGER NOT NULL DEFAULT 0;",
  /* 3 → 4: an attempt is written as "started" before its request leaves, and its end replaces
   * that row; this finds the row without reading every step of the run. */
  "CREATE INDEX steps_by_attempt ON steps (run_id, node_id, item_index, attempt);",
  /* 4 → 5: a batch's attempts (a database step's transaction) as one row for item_count items
   * from item_index on; NULL for a row of one item, as every row written before. */
  "ALTER TABLE steps ADD COLUMN item_count INTEGER;",
  /* 5 → 6: only a "started" row is ever looked up by its attempt (its end replaces or updates
   * it), so only those are indexed: a run's other rows (ends, node summaries) no longer enter
   * an index of every step, and a row leaves it when its attempt ends. */
  "DROP INDEX steps_by_attempt;"
  "CREATE INDEX steps_started ON steps (run_id, node_id, item_index, attempt)"
  "  WHERE status = 'started';",
  /* 6 → 7: runs_by_status leaves out the succeeded runs, nearly all of them: a run enters it
   * as "running" and, succeeding, only leaves it instead of moving to another of its pages, so
   * a run writes one index entry less, and the commits of run ends a page less (12k of the
   * writer's 269k instructions per run, two commits a run). What looks runs up by status names one status at a
   * time, which the planner matches against the terms of the index's WHERE (a bound :status
   * too; IN () it would not match): marking runs interrupted, the unhandled runs, the history's
   * filter of a status other than succeeded. Succeeded runs are found by scanning the runs,
   * newest first, where they are the most. */
  "DROP INDEX runs_by_status;"
  "CREATE INDEX runs_by_status ON runs (status)"
  "  WHERE status = 'running' OR status = 'partial' OR status = 'failed'"
  "  OR status = 'interrupted' OR status = 'cancelled';",
  /* 7 → 8: runs without AUTOINCREMENT, which wrote the runs' row of sqlite_sequence in every
   * commit that began a run (a WAL frame, 4-5k instructions a run). A run's id must still
   * never be given again once the run is gone (retention, the history pane's deleting: what
   * named it, a log line, a notification, must not come to name another): run_ids keeps the
   * largest id of a deleted run, from the trigger on every delete, and a new run's id is past
   * it (STMT_INSERT_RUN); sqlite_sequence's count, the largest id ever given, is where it
   * starts. */
  "CREATE TABLE run_ids (largest_deleted INTEGER NOT NULL);"
  "INSERT INTO run_ids (largest_deleted)"
  "  SELECT coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'runs'), 0);"
  "CREATE TABLE runs_8 ("
  "  id INTEGER PRIMARY KEY,"
  RUNS_COLUMNS_1 ","
  "  handled INTEGER NOT NULL DEFAULT 0);"
  "INSERT INTO runs_8 (id, flow, trigger_node, trigger_kind, started_at, finished_at, status,"
  "  items_in, items_ok, items_failed, items_rejected, error, pid, handled)"
  "  SELECT id, flow, trigger_node, trigger_kind, started_at, finished_at, status, items_in,"
  "  items_ok, items_failed, items_rejected, error, pid, handled FROM runs ORDER BY id;"
  "DROP TABLE runs;"
  "ALTER TABLE runs_8 RENAME TO runs;"
  "CREATE INDEX runs_by_flow ON runs (flow, started_at);"
  "CREATE INDEX runs_by_status ON runs (status)"
  "  WHERE status = 'running' OR status = 'partial' OR status = 'failed'"
  "  OR status = 'interrupted' OR status = 'cancelled';"
  "DELETE FROM sqlite_sequence WHERE name = 'runs';"
  "CREATE TRIGGER runs_deleted AFTER DELETE ON runs"
  "  WHEN old.id > (SELECT largest_deleted FROM run_ids) BEGIN"
  "  UPDATE run_ids SET largest_deleted = old.id;"
  "  END;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == CONDUIT_HISTORY_SCHEMA_VERSION);

gboolean
conduit_history_set_sqlite_error (sqlite3     *db,
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

gboolean
conduit_history_exec_sql (sqlite3     *db,
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

/* Binds @text without a copy (SQLITE_STATIC), as the writer binds all its text: every caller's
 * text outlives the statement's step, and the statement is cleared, rebound or finalized
 * before the text goes. A copy was a malloc, a memcpy and a free for each run's trigger, kind
 * and trigger item. */
void
conduit_history_bind_text_or_null (sqlite3_stmt *stmt,
                                   int           index,
                                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

/* SQLite's global settings, once per process, before its first connection. With memory
 * statistics on (Debian's SQLite has them on by default), every allocation and free in SQLite
 * takes a process-wide mutex and asks the allocator for the block's size, to keep figures
 * nothing in Conduit reads. Settings can only change before SQLite initialises itself: if
 * another part of the process (a database step, the app) opened a database first,
 * sqlite3_config() refuses with SQLITE_MISUSE and SQLite keeps its defaults, which work the
 * same, only dearer. */
static gpointer
configure_sqlite_once (gpointer data)
{
  int rc = sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  if (rc != SQLITE_OK)
    g_debug ("SQLite was initialised before the run history: its memory statistics stay on (%s)",
             sqlite3_errstr (rc));
  return NULL;
}

/**
 * conduit_history_configure_sqlite:
 *
 * Sets SQLite's process-wide settings the history's writer is cheaper with, if SQLite is not
 * initialised yet; harmless otherwise. Called before the history opens a connection.
 */
void
conduit_history_configure_sqlite (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, configure_sqlite_once, NULL);
}

gboolean
conduit_history_open_connection (const char  *path,
                                 int          flags,
                                 sqlite3    **db,
                                 GError     **error)
{
  int rc;

  conduit_history_configure_sqlite ();
  rc = sqlite3_open_v2 (path, db, flags | SQLITE_OPEN_NOMUTEX, NULL);

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

gboolean
conduit_history_migrate (ConduitHistoryStore  *self,
                         GError              **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int version;

  if (!conduit_history_exec_sql (self->writer, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->writer, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    {
      conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                        _("could not read the schema version"), error);
      conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }
  version = sqlite3_column_int (stmt, 0);
  /* a statement still open keeps its tables locked: DROP INDEX would fail */
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (version > CONDUIT_HISTORY_SCHEMA_VERSION)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
                   _("The run history “%s” was written by a newer Conduit (schema %d; this "
                     "version reads up to %d). Update Conduit or use another history file."),
                   self->path, version, CONDUIT_HISTORY_SCHEMA_VERSION);
      conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
      return FALSE;
    }

  for (; version < CONDUIT_HISTORY_SCHEMA_VERSION; version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!conduit_history_exec_sql (self->writer, migrations[version], error) ||
          !conduit_history_exec_sql (self->writer, bump, error))
        {
          conduit_history_exec_sql (self->writer, "ROLLBACK", NULL);
          return FALSE;
        }
    }

  return conduit_history_exec_sql (self->writer, "COMMIT", error);
}

gboolean
conduit_history_mark_interrupted (ConduitHistoryStore  *self,
                                  GError              **error)
{
  g_autoptr(sqlite3_stmt) pids = NULL;
  g_autoptr(sqlite3_stmt) update = NULL;
  g_autoptr(GArray) dead = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (sqlite3_prepare_v2 (self->writer,
                          "SELECT DISTINCT pid FROM runs WHERE status = 'running'", -1, &pids,
                          NULL) != SQLITE_OK)
    return conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
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
    return conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                             _("could not mark interrupted runs"), error);

  for (guint i = 0; i < dead->len; i++)
    {
      sqlite3_bind_int64 (update, 1, g_array_index (dead, gint64, i));
      sqlite3_bind_int64 (update, 2, g_get_real_time ());
      sqlite3_bind_text (update, 3,
                         _("The run was cut short: Conduit stopped before it finished"), -1,
                         SQLITE_TRANSIENT);
      if (sqlite3_step (update) != SQLITE_DONE)
        return conduit_history_set_sqlite_error (self->writer, sqlite3_errcode (self->writer),
                                                 _("could not mark interrupted runs"), error);
      self->n_interrupted += sqlite3_changes (self->writer);
      sqlite3_reset (update);
    }

  return TRUE;
}

/**
 * conduit_history_prepare_statements:
 * @self: a store whose schema is up to date
 * @error: return location for an error
 *
 * Prepares the writer's statements once, for the writer thread to reuse.
 *
 * Returns: whether all were prepared
 */
gboolean
conduit_history_prepare_statements (ConduitHistoryStore  *self,
                                    GError              **error)
{
  for (guint i = 0; i < N_STMTS; i++)
    {
      int rc = sqlite3_prepare_v3 (self->writer, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                   &self->stmts[i], NULL);
      if (rc != SQLITE_OK)
        return conduit_history_set_sqlite_error (self->writer, rc, _("could not prepare"), error);
    }

  return TRUE;
}
