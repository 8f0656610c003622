/* test-histsql-ranges.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A batch's attempts (a database step's transaction) are one row in the SQLite history
 * (schema 5); every reader still sees one attempt per item: the step list, the send states of
 * an interrupted run, re-running the failed or the unsent items. A batch's rows that ended
 * otherwise keep rows of their own, which win. A schema-4 history, one row per item, opens and
 * reads as before. */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "conduit.h"

#define N_TRIGGER_ITEMS 20

/* a SQLite database's files */
static const char * const db_suffixes[] = { "", "-wal", "-shm" };

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-histsql-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "history.db", NULL);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, db_suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static ConduitHistoryStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  ConduitHistoryStore *store = conduit_history_store_new (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
close_store (ConduitHistoryStore *store)
{
  gpointer weak = store;

  conduit_history_store_close (store);
  g_object_add_weak_pointer (G_OBJECT (store), &weak);
  g_object_unref (store);
  for (guint spins = 0; weak != NULL && spins < 1000000; spins++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (weak);
}

static gint64
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
begin_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gint64 *id = user_data;
  g_autoptr(GError) error = NULL;

  *id = conduit_history_store_begin_run_finish (CONDUIT_HISTORY_STORE (object), result, &error);
  g_assert_no_error (error);
}

/* A run of N_TRIGGER_ITEMS trigger items {"n": 0} … {"n": 19}, each kept. */
static gint64
begin_run (ConduitHistoryStore *store)
{
  ConduitRunRecord run = { 0 };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  gint64 id = 0;

  run.flow = (char *)"Orders";
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)"manual";
  run.started_us = g_get_real_time ();
  for (guint i = 0; i < N_TRIGGER_ITEMS; i++)
    g_ptr_array_add (items, g_strdup_printf ("{\"n\":%u}", i));
  conduit_history_store_begin_run_async (store, &run, "out", items, NULL, begin_cb, &id);
  for (guint spins = 0; id == 0 && spins < 100000; spins++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
start_batch (ConduitHistoryStore *store,
             gint64               run_id,
             const char          *node_id,
             guint                first,
             guint                n)
{
  ConduitStepRecord mark = { 0 };
  g_autoptr(GError) error = NULL;

  mark.run_id = run_id;
  mark.node_id = (char *)node_id;
  mark.item_index = (gint)first;
  mark.attempt = 1;
  mark.started_us = 1000;
  mark.status = (char *)"started";
  g_assert_true (conduit_history_store_start_attempts (store, &mark, n, &error));
  g_assert_no_error (error);
}

static void
end_batch (ConduitHistoryStore *store,
           gint64               run_id,
           const char          *node_id,
           guint                first,
           guint                n)
{
  ConduitStepRecord end = { 0 };

  end.run_id = run_id;
  end.node_id = (char *)node_id;
  end.item_index = (gint)first;
  end.attempt = 1;
  end.finished_us = 2000;
  end.status = (char *)"ok";
  conduit_history_store_end_attempts (store, &end, n);
}

/* what Write Rows writes for a row the database refused, before the batch's end */
static void
refuse_row (ConduitHistoryStore *store,
            gint64               run_id,
            const char          *node_id,
            guint                item)
{
  ConduitStepRecord step = { 0 };

  step.run_id = run_id;
  step.node_id = (char *)node_id;
  step.item_index = (gint)item;
  step.attempt = 1;
  step.started_us = 1000;
  step.finished_us = 1500;
  step.status = (char *)"failed";
  step.error_kind = (char *)"node";
  step.error_message = (char *)"duplicate key value violates unique constraint";
  conduit_history_store_add_step (store, &step);
}

static void
flush (ConduitHistoryStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);
}

/* "node:item:status" for each attempt of the run, in the order listed, e.g. "write:3:ok". */
static char *
describe_steps (ConduitHistoryStore *store,
                gint64               run_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = conduit_history_store_list_steps (store, run_id, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      g_assert_cmpint (step->run_id, ==, run_id);
      g_string_append_printf (text, "%s%s:%d:%s", text->len > 0 ? " " : "", step->node_id,
                              step->item_index, step->status);
    }
  return g_string_free (text, FALSE);
}

/* one letter per trigger item: n(ot sent), u(nknown), a(nswered) */
static char *
describe_send_states (ConduitHistoryStore *store,
                      gint64               run_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) states = conduit_run_replay_send_states (store, run_id, N_TRIGGER_ITEMS,
                                                             &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < states->len; i++)
    switch (g_array_index (states, ConduitSendState, i))
      {
      case CONDUIT_SEND_STATE_NOT_SENT:
        g_string_append_c (text, 'n');
        break;
      case CONDUIT_SEND_STATE_UNKNOWN:
        g_string_append_c (text, 'u');
        break;
      case CONDUIT_SEND_STATE_ANSWERED:
      default:
        g_string_append_c (text, 'a');
        break;
      }
  return g_string_free (text, FALSE);
}

/* the "n" of each item a re-run would start with */
static char *
describe_replay (ConduitHistoryStore *store,
                 gint64               run_id,
                 ConduitReplayChoice  choice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = conduit_run_replay_select (store, run_id, choice, NULL, &error);
  GString *text = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (items, i));

      g_string_append_printf (text, "%s%" G_GINT64_FORMAT, text->len > 0 ? " " : "",
                              json_object_get_int_member (object, "n"));
    }
  return g_string_free (text, FALSE);
}

static void
assert_text (char       *text,
             const char *expected)
{
  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

/* Two batches at one node, rows refused in the second (its first row among them), a batch at
 * another node over the same items; one row per batch in the file. */
static void
test_mixed (Fixture       *fixture,
            gconstpointer  data)
{
  ConduitHistoryStore *store = open_store (fixture->path);
  gint64 run_id = begin_run (store);

  start_batch (store, run_id, "write", 0, 4);
  /* committed before the batch is sent: the reader sees the marks without a flush */
  assert_text (describe_steps (store, run_id),
               "write:0:started write:1:started write:2:started write:3:started");
  assert_text (describe_send_states (store, run_id), "uuuunnnnnnnnnnnnnnnn");
  end_batch (store, run_id, "write", 0, 4);

  start_batch (store, run_id, "write", 4, 5);
  refuse_row (store, run_id, "write", 4);
  refuse_row (store, run_id, "write", 7);
  end_batch (store, run_id, "write", 4, 5);
  start_batch (store, run_id, "audit", 2, 3);
  end_batch (store, run_id, "audit", 2, 3);
  flush (store);

  assert_text (describe_steps (store, run_id),
               "write:0:ok write:1:ok write:2:ok write:3:ok "
               "write:5:ok write:6:ok write:8:ok write:4:failed write:7:failed "
               "audit:2:ok audit:3:ok audit:4:ok");
  assert_text (describe_send_states (store, run_id), "aaaaaaaaannnnnnnnnnn");
  assert_text (describe_replay (store, run_id, CONDUIT_REPLAY_FAILED), "4 7");
  assert_text (describe_replay (store, run_id, CONDUIT_REPLAY_UNSENT),
               "9 10 11 12 13 14 15 16 17 18 19");

  /* 3 batch rows and 2 rows of their own: not one row per item */
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM steps"), ==, 5);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT COUNT(*) FROM steps WHERE item_count IS NOT NULL"), ==, 3);

  /* pruning a run deletes its batch rows with it */
  close_store (store);
  store = open_store (fixture->path);
  {
    g_autoptr(GError) error = NULL;
    gint64 ids[] = { run_id };
    ConduitRunRecord run = { .id = run_id, .flow = (char *)"Orders",
                             .finished_us = g_get_real_time (),
                             .status = CONDUIT_RUN_STATUS_FAILED };

    conduit_history_store_finish_run (store, &run);
    flush (store);
    g_assert_cmpint (conduit_history_store_delete_runs (store, ids, 1, &error), ==, 1);
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM steps"), ==, 0);
  close_store (store);
}

/* A run killed (SIGKILL) after its second batch's marks were committed, before its end: the
 * first batch's rows read as answered, the second's as sent with the answer unknown, the rest
 * as not sent, and a re-run of the unsent items takes exactly the rest. */
static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  ConduitHistoryStore *store;
  gint64 run_id;

  /* the subprocess has a fixture of its own: the history it writes is named by main() */
  const char *path = g_getenv ("CONDUIT_HISTSQL_KILLED_DB");

  if (g_test_subprocess ())
    {
      store = open_store (path);
      run_id = begin_run (store);
      start_batch (store, run_id, "write", 0, 6);
      refuse_row (store, run_id, "write", 2);
      end_batch (store, run_id, "write", 0, 6);
      start_batch (store, run_id, "write", 6, 6);
      /* the batch is on its way: nothing more is written, not even queued ends */
      raise (SIGKILL);
      g_assert_not_reached ();
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();

  store = open_store (path);
  g_assert_cmpuint (conduit_history_store_get_n_interrupted (store), ==, 1);
  run_id = query_int (path, "SELECT MAX(id) FROM runs");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ConduitRunRecord) run = conduit_history_store_get_run (store, run_id, &error);

    g_assert_no_error (error);
    g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  }
  /* the first batch's end was queued before the second batch's marks, which were waited for:
   * one writer applies the queue in order, so it is in the file as well */
  assert_text (describe_send_states (store, run_id), "aaaaaauuuuuunnnnnnnn");
  assert_text (describe_steps (store, run_id),
               "write:0:ok write:1:ok write:3:ok write:4:ok write:5:ok write:2:failed "
               "write:6:started write:7:started write:8:started write:9:started "
               "write:10:started write:11:started");
  assert_text (describe_replay (store, run_id, CONDUIT_REPLAY_UNSENT),
               "12 13 14 15 16 17 18 19");
  close_store (store);
  for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, db_suffixes[i], NULL);
      g_unlink (file);
    }
}

/* The columns of schema 4, as Conduit wrote them before batches had rows of their own. */
static const char schema_4[] =
  "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, flow TEXT NOT NULL,"
  "  trigger_node TEXT, trigger_kind TEXT, started_at INTEGER NOT NULL, finished_at INTEGER,"
  "  status TEXT NOT NULL, items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_ok INTEGER NOT NULL DEFAULT 0, items_failed INTEGER NOT NULL DEFAULT 0,"
  "  items_rejected INTEGER NOT NULL DEFAULT 0, error TEXT, pid INTEGER,"
  "  handled INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX runs_by_flow ON runs (flow, started_at);"
  "CREATE INDEX runs_by_status ON runs (status);"
  "CREATE TABLE steps (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, node_id TEXT NOT NULL,"
  "  item_index INTEGER NOT NULL, attempt INTEGER NOT NULL, started_at INTEGER,"
  "  finished_at INTEGER, status TEXT NOT NULL, http_status INTEGER, delay_ms INTEGER,"
  "  items_in INTEGER, items_out INTEGER, items_failed INTEGER, error_kind TEXT,"
  "  error_message TEXT);"
  "CREATE INDEX steps_by_run ON steps (run_id);"
  "CREATE TABLE items (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL, node_id TEXT NOT NULL,"
  "  port TEXT NOT NULL, is_output INTEGER NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,"
  "  size INTEGER NOT NULL, truncated INTEGER NOT NULL);"
  "CREATE INDEX items_by_run ON items (run_id, node_id);"
  "CREATE TABLE dedupe_keys (scope TEXT NOT NULL, key TEXT NOT NULL, seen_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID;"
  "CREATE INDEX dedupe_by_expiry ON dedupe_keys (expires_at);"
  "CREATE TABLE trigger_cursors (flow TEXT NOT NULL, trigger TEXT NOT NULL,"
  "  value TEXT NOT NULL, updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (flow, trigger)) WITHOUT ROWID;"
  "CREATE TABLE trigger_seen (flow TEXT NOT NULL, trigger TEXT NOT NULL, key TEXT NOT NULL,"
  "  first_seen_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL,"
  "  PRIMARY KEY (flow, trigger, key)) WITHOUT ROWID;"
  "CREATE INDEX trigger_seen_by_age ON trigger_seen (flow, trigger, last_seen_at);"
  "CREATE INDEX steps_by_attempt ON steps (run_id, node_id, item_index, attempt);"
  "PRAGMA user_version = 4;";

/* A run of a schema-4 history as the old writer left it when the process was killed: a batch
 * of items 0–4 written one row per item, its end applied (item 1 refused), then items 5–7
 * marked started. */
static const char old_run[] =
  "INSERT INTO runs (id, flow, trigger_node, trigger_kind, started_at, status, items_in, pid)"
  "  VALUES (1, 'Orders', 'start', 'manual', 1000, 'running', 20, 0);"
  "WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 20)"
  "  INSERT INTO items (run_id, node_id, port, is_output, seq, data, size, truncated)"
  "  SELECT 1, 'start', 'out', 1, i, '{\"n\":' || i || '}', 8, 0 FROM n;"
  "WITH RECURSIVE n (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 5)"
  "  INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status,"
  "  http_status, delay_ms, items_in, items_out, items_failed)"
  "  SELECT 1, 'write', i, 1, 1000, 0, 'started', 0, 0, 0, 0, 0 FROM n;"
  "DELETE FROM steps WHERE item_index = 1;"
  "INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status,"
  "  http_status, delay_ms, items_in, items_out, items_failed, error_kind, error_message)"
  "  VALUES (1, 'write', 1, 1, 1000, 1500, 'failed', 0, 0, 0, 0, 0, 'node', 'refused');"
  "UPDATE steps SET status = 'ok', finished_at = 2000 WHERE status = 'started';"
  "WITH RECURSIVE n (i) AS (SELECT 5 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < 8)"
  "  INSERT INTO steps (run_id, node_id, item_index, attempt, started_at, finished_at, status,"
  "  http_status, delay_ms, items_in, items_out, items_failed)"
  "  SELECT 1, 'write', i, 1, 1000, 0, 'started', 0, 0, 0, 0, 0 FROM n;";

/* A schema-4 history opens (migrated in place), its per-item rows read as before, and
 * the same file then takes batch rows. */
static void
test_migration (Fixture       *fixture,
                gconstpointer  data)
{
  ConduitHistoryStore *store;
  sqlite3 *db = NULL;
  gint64 run_id;

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, schema_4, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, old_run, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = open_store (fixture->path);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   CONDUIT_HISTORY_SCHEMA_VERSION);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM steps"), ==, 8);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT COUNT(*) FROM steps WHERE item_count IS NOT NULL"), ==, 0);
  /* schema 6: the started rows (5–7) are indexed by attempt, the others not */
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM steps INDEXED BY steps_started"
                                             " WHERE status = 'started'"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM sqlite_master"
                                             " WHERE name = 'steps_by_attempt'"), ==, 0);
  assert_text (describe_steps (store, 1),
               "write:0:ok write:2:ok write:3:ok write:4:ok write:1:failed "
               "write:5:started write:6:started write:7:started");
  assert_text (describe_send_states (store, 1), "aaaaauuunnnnnnnnnnnn");
  assert_text (describe_replay (store, 1, CONDUIT_REPLAY_FAILED), "1");
  assert_text (describe_replay (store, 1, CONDUIT_REPLAY_UNSENT),
               "8 9 10 11 12 13 14 15 16 17 18 19");

  run_id = begin_run (store);
  g_assert_cmpint (run_id, ==, 2);
  start_batch (store, run_id, "write", 0, 10);
  refuse_row (store, run_id, "write", 9);
  end_batch (store, run_id, "write", 0, 10);
  flush (store);
  assert_text (describe_send_states (store, run_id), "aaaaaaaaaannnnnnnnnn");
  assert_text (describe_replay (store, run_id, CONDUIT_REPLAY_FAILED), "9");
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM steps WHERE run_id = 2"), ==, 2);
  /* the old run is untouched by the new one */
  assert_text (describe_send_states (store, 1), "aaaaauuunnnnnnnnnnnn");
  close_store (store);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *killed_dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  /* set before any thread starts; the subprocess of /ranges/interrupted inherits it */
  if (g_getenv ("CONDUIT_HISTSQL_KILLED_DB") == NULL)
    {
      g_autofree char *path = NULL;

      killed_dir = g_dir_make_tmp ("conduit-histsql-killed-XXXXXX", NULL);
      g_assert_nonnull (killed_dir);
      path = g_build_filename (killed_dir, "history.db", NULL);
      g_setenv ("CONDUIT_HISTSQL_KILLED_DB", path, TRUE);
    }

  g_test_add ("/conduit/history/ranges/mixed", Fixture, NULL, set_up, test_mixed, tear_down);
  g_test_add ("/conduit/history/ranges/interrupted", Fixture, NULL, set_up, test_interrupted,
              tear_down);
  g_test_add ("/conduit/history/ranges/migration", Fixture, NULL, set_up, test_migration,
              tear_down);
  status = g_test_run ();
  if (killed_dir != NULL)
    g_rmdir (killed_dir);
  return status;
}
