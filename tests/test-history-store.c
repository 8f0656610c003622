/* test-history-store.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "conduit.h"

#include "conduit-history-store-private.h"
#include "history-test-fixture.h"


static void
test_schema (Fixture       *fixture,
             gconstpointer  data)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   CONDUIT_HISTORY_SCHEMA_VERSION);
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_too_new (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) again = NULL;
  sqlite3 *db = NULL;

  conduit_history_store_close (fixture->store);
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  again = conduit_history_store_new (fixture->path, &error);
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW);
  g_assert_null (again);
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(ConduitHistoryStore) store = NULL;

  g_assert_true (g_file_set_contents (path, "this is not sqlite, just some text that is long "
                                      "enough to have a header of a hundred bytes or so, and "
                                      "then some more words", -1, NULL));
  store = conduit_history_store_new (path, &error);
  g_assert_null (store);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_unlink (path);
  g_rmdir (dir);
}

/* Opens a history in a fresh folder, writes a run and closes it; in a test's subprocess. */
static void
write_one_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-history-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(ConduitHistoryStore) store = conduit_history_store_new (path, &error);
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_assert_no_error (error);
  finish_run (store, begin_run (store, "Orders", 1000, "{\"order\":1}"),
              CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
  conduit_history_store_close (store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
}

/* The first history a process opens turns SQLite's memory statistics off: with them on, every
 * allocation in SQLite takes a process-wide mutex. Nothing counted, nothing allocated. */
static void
test_sqlite_memstatus_off (void)
{
  if (g_test_subprocess ())
    {
      sqlite3_int64 used = -1;
      sqlite3_int64 highest = -1;

      write_one_run ();
      g_assert_cmpint (sqlite3_status64 (SQLITE_STATUS_MEMORY_USED, &used, &highest, 0), ==,
                       SQLITE_OK);
      g_assert_cmpint (highest, ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* SQLite initialised by someone else first (a database step, the app): the settings can no
 * longer change, and the history works all the same, without a warning. */
static void
test_sqlite_initialised_first (void)
{
  if (g_test_subprocess ())
    {
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
      write_one_run ();
      sqlite3_close (db);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*WARNING*");
}

static void
test_runs_steps_items (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  ConduitStepRecord step = { 0 };
  ConduitItemRecord *item;
  gint64 id;

  id = begin_run (fixture->store, "Orders", 1000, "{\"order\":1}");
  g_assert_cmpint (id, >, 0);

  /* Committed before the callback: another connection sees the run already. */
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs WHERE status = 'running'"),
                   ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM items"), ==, 1);

  step.run_id = id;
  step.node_id = (char *)"call";
  step.item_index = 0;
  step.attempt = 1;
  step.status = (char *)"retry";
  step.http_status = 503;
  step.delay_ms = 0;
  step.error_kind = (char *)"http";
  step.error_message = (char *)"answered 503";
  conduit_history_store_add_step (fixture->store, &step);
  step.attempt = 2;
  step.status = (char *)"ok";
  step.http_status = 201;
  step.delay_ms = 480;
  step.error_kind = NULL;
  step.error_message = NULL;
  conduit_history_store_add_step (fixture->store, &step);
  conduit_history_store_add_item (fixture->store, id, "call", "out", TRUE, 0, "{\"id\":7}");
  finish_run (fixture->store, id, CONDUIT_RUN_STATUS_PARTIAL, "one failed");

  run = conduit_history_store_get_run (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->flow, ==, "Orders");
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_PARTIAL);
  g_assert_cmpuint (run->items_failed, ==, 1);
  g_assert_cmpstr (run->error, ==, "one failed");
  g_assert_cmpint (run->started_us, ==, 1000);
  g_assert_cmpint (run->finished_us, >, 0);

  steps = conduit_history_store_list_steps (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 2);
  g_assert_cmpuint (((ConduitStepRecord *)g_ptr_array_index (steps, 1))->delay_ms, ==, 480);
  g_assert_cmpuint (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->http_status, ==, 503);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->error_message, ==,
                   "answered 503");

  items = conduit_history_store_list_items (fixture->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->node_id, ==, "start");
  g_assert_cmpstr (item->data, ==, "{\"order\":1}");
  g_assert_false (item->truncated);

  g_clear_pointer (&run, conduit_run_record_free);
  run = conduit_history_store_get_run (fixture->store, id + 100, &error);
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND);
}

static void
test_truncation (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GString) big = g_string_new ("{\"text\":\"");
  ConduitItemRecord *item;
  gint64 id;

  for (guint i = 0; i < 500; i++)
    g_string_append (big, "é");   /* two bytes each: the cut must not split one */
  g_string_append (big, "\"}");

  conduit_history_store_set_max_item_bytes (fixture->store, 101);
  id = begin_run (fixture->store, "Big", 1, big->str);
  conduit_history_store_add_item (fixture->store, id, "n", "out", TRUE, 0, big->str);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));

  items = conduit_history_store_list_items (fixture->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      item = g_ptr_array_index (items, i);
      g_assert_true (item->truncated);
      g_assert_cmpuint (item->size, ==, big->len);
      g_assert_cmpuint (strlen (item->data), <=, 101);
      g_assert_cmpuint (strlen (item->data), >=, 99);
      g_assert_true (g_utf8_validate (item->data, -1, NULL));
    }
}

static void
test_list_filters (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  ConduitHistoryQuery query = { .status = -1 };
  gint64 ids[6];

  for (guint i = 0; i < 6; i++)
    {
      ids[i] = begin_run (fixture->store, i % 2 ? "Orders" : "Leads", (i + 1) * 1000,
                          i == 4 ? "{\"email\":\"needle@example.com\"}" : "{}");
      finish_run (fixture->store, ids[i],
                  i % 3 == 0 ? CONDUIT_RUN_STATUS_FAILED : CONDUIT_RUN_STATUS_SUCCEEDED,
                  i == 3 ? "CRM said 401" : NULL);
    }

  runs = conduit_history_store_list_runs (fixture->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 6);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[5]);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query.flow = "Orders";
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query.status = CONDUIT_RUN_STATUS_FAILED;
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[3]);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query = (ConduitHistoryQuery) { .status = -1, .text = "needle@" };
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[4]);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query = (ConduitHistoryQuery) { .status = -1, .text = "401" };
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query = (ConduitHistoryQuery) { .status = -1, .text = "100%_" };
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 0);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query = (ConduitHistoryQuery) { .status = -1, .since_us = 2500, .until_us = 5500 };
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->store, &query, &error), ==, 3);
  g_clear_pointer (&runs, g_ptr_array_unref);

  query = (ConduitHistoryQuery) { .status = -1, .offset = 2, .limit = 3 };
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[3]);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 2))->id, ==, ids[1]);
}

static void
list_async_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GPtrArray **runs = user_data;
  g_autoptr(GError) error = NULL;

  *runs = conduit_history_store_list_runs_finish (CONDUIT_HISTORY_STORE (object), result, &error);
  g_assert_no_error (error);
}

static void
test_list_async (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) runs = NULL;
  ConduitHistoryQuery query = { .status = -1, .flow = "A" };

  begin_run (fixture->store, "A", 1, NULL);
  begin_run (fixture->store, "B", 2, NULL);
  conduit_history_store_list_runs_async (fixture->store, &query, NULL, list_async_cb, &runs);
  while (runs == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->status, ==,
                   CONDUIT_RUN_STATUS_RUNNING);
}

static void
test_interrupted (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) again = NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autofree char *sql = NULL;
  gint64 dead_pid;
  gint64 id, other;
  sqlite3 *db = NULL;

  /* A run of a process that no longer exists, and one of a process that is alive (this one). */
  {
    const char *argv[] = { "true", NULL };
    GPid pid;
    int status;

    g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                   NULL, &pid, &error);
    g_assert_no_error (error);
    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    dead_pid = pid;
  }

  id = begin_run (fixture->store, "Cut short", 1, "{\"event\":1}");
  other = begin_run (fixture->store, "Still running", 2, NULL);
  conduit_history_store_close (fixture->store);

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE runs SET pid = %" G_GINT64_FORMAT " WHERE id = %" G_GINT64_FORMAT,
                         dead_pid, id);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_free (sql);
  sql = g_strdup_printf ("UPDATE runs SET pid = %d WHERE id = %" G_GINT64_FORMAT, 1, other);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  again = conduit_history_store_new (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conduit_history_store_get_n_interrupted (again), ==, 1);

  run = conduit_history_store_get_run (again, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  g_assert_nonnull (run->error);
  g_clear_pointer (&run, conduit_run_record_free);

  /* pid 1 is alive: its run is another process's business. */
  run = conduit_history_store_get_run (again, other, &error);
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_RUNNING);
}

static void
prune_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gint *deleted = user_data;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_assert_true (conduit_history_store_prune_finish (CONDUIT_HISTORY_STORE (object), result, &n,
                                                     &error));
  g_assert_no_error (error);
  *deleted = (gint)n;
}

static gint
prune (ConduitHistoryStore *store,
       gint64               now_us)
{
  gint deleted = -1;

  conduit_history_store_prune_async (store, now_us, NULL, prune_cb, &deleted);
  while (deleted < 0)
    g_main_context_iteration (NULL, TRUE);
  return deleted;
}

static void
test_retention (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  ConduitHistoryQuery query = { .status = -1, .flow = "Keep" };
  gint64 day = G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC;
  gint64 now = 100 * day;
  gint64 ids[5];

  for (guint i = 0; i < 5; i++)
    {
      ids[i] = begin_run (fixture->store, "Keep", now - (5 - i) * day, "{\"x\":1}");
      finish_run (fixture->store, ids[i], CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
    }
  begin_run (fixture->store, "Other", now - 50 * day, NULL);   /* old but still running */

  conduit_history_store_set_retention (fixture->store, 3, 0);
  g_assert_cmpint (prune (fixture->store, now), ==, 2);
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 2))->id, ==, ids[2]);
  g_clear_pointer (&runs, g_ptr_array_unref);

  /* The items of pruned runs went with them. */
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM items"), ==, 3);

  /* Older than two days: ids[2] goes; ids[3], ids[4] and the old running run stay. */
  conduit_history_store_set_retention (fixture->store, 0, 2);
  g_assert_cmpint (prune (fixture->store, now), ==, 1);
  runs = conduit_history_store_list_runs (fixture->store, NULL, &error);
  g_assert_cmpuint (runs->len, ==, 3);

  /* The WAL was checkpointed. */
  {
    g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
    GStatBuf st;

    if (g_stat (wal, &st) == 0)
      g_assert_cmpint (st.st_size, ==, 0);
  }
}

static void
test_retention_keeps_unhandled (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  ConduitHistoryQuery attention = { .status = -1, .unhandled = TRUE };
  gint64 day = G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC;
  gint64 now = 100 * day;
  gint64 interrupted, failed, partial, newest;

  interrupted = begin_run (fixture->store, "Keep", now - 9 * day, "{}");
  finish_run (fixture->store, interrupted, CONDUIT_RUN_STATUS_INTERRUPTED, "cut short");
  failed = begin_run (fixture->store, "Keep", now - 8 * day, "{}");
  finish_run (fixture->store, failed, CONDUIT_RUN_STATUS_FAILED, "503");
  partial = begin_run (fixture->store, "Keep", now - 7 * day, "{}");
  finish_run (fixture->store, partial, CONDUIT_RUN_STATUS_PARTIAL, NULL);
  for (guint i = 0; i < 3; i++)
    {
      newest = begin_run (fixture->store, "Keep", now - (3 - i) * day, "{}");
      finish_run (fixture->store, newest, CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
    }

  /* Keep one run per flow and one day: the failed and the interrupted run stay all the same. */
  conduit_history_store_set_retention (fixture->store, 1, 1);
  g_assert_cmpint (prune (fixture->store, now), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM items"), ==, 3);

  runs = conduit_history_store_list_runs (fixture->store, &attention, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, failed);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 1))->id, ==, interrupted);
  g_clear_pointer (&runs, g_ptr_array_unref);
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->store, &attention, &error), ==, 2);

  /* Handled: no longer in the list, and retention may take it. */
  g_assert_true (conduit_history_store_mark_handled (fixture->store, &failed, 1, &error));
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (fixture->store, &attention, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, interrupted);
  g_assert_cmpint (prune (fixture->store, now), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs WHERE id = 2"), ==, 0);
}

typedef struct
{
  guint    done;
  gboolean is_new[8];
} Claims;

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Claims *claims = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_history_store_claim_key_finish (CONDUIT_HISTORY_STORE (object), result,
                                                         &claims->is_new[claims->done], &error));
  g_assert_no_error (error);
  claims->done++;
}

static void
test_dedupe_keys (Fixture       *fixture,
                  gconstpointer  data)
{
  Claims claims = { 0 };
  gint64 hour = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;

  /* Two deliveries in the same instant: exactly one is new. */
  conduit_history_store_claim_key_async (fixture->store, "flow/dedupe", "order-1", 0, hour, NULL,
                                         claim_cb, &claims);
  conduit_history_store_claim_key_async (fixture->store, "flow/dedupe", "order-1", 0, hour, NULL,
                                         claim_cb, &claims);
  conduit_history_store_claim_key_async (fixture->store, "other/dedupe", "order-1", 0, hour, NULL,
                                         claim_cb, &claims);
  conduit_history_store_claim_key_async (fixture->store, "flow/dedupe", "order-1", 2 * hour, hour,
                                         NULL, claim_cb, &claims);
  while (claims.done < 4)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (claims.is_new[0]);
  g_assert_false (claims.is_new[1]);
  g_assert_true (claims.is_new[2]);     /* another node's keys are its own */
  g_assert_true (claims.is_new[3]);     /* expired */
}

static void
test_burst (Fixture       *fixture,
            gconstpointer  data)
{
  ConduitRunRecord run = { 0 };
  gint64 ids[500] = { 0 };
  guint done = 0;

  run.flow = (char *)"Burst";
  run.trigger_kind = (char *)"webhook";
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    conduit_history_store_begin_run_async (fixture->store, &run, NULL, NULL, NULL, begin_cb, &ids[i]);
  while (done < G_N_ELEMENTS (ids))
    {
      g_main_context_iteration (NULL, TRUE);
      for (done = 0; done < G_N_ELEMENTS (ids) && ids[done] != 0; done++)
        ;
    }

  /* Every one got its own id, in order. */
  for (guint i = 1; i < G_N_ELEMENTS (ids); i++)
    g_assert_cmpint (ids[i], ==, ids[i - 1] + 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 500);
}

/* Records nobody waits for (steps, items) do not wake the writer while it lingers for company;
 * they must still reach the database on their own, without a flush, and a run begun among them
 * (which somebody waits for) must still be answered. */
static void
test_unwaited_records (Fixture       *fixture,
                       gconstpointer  data)
{
  gint64 first = begin_run (fixture->store, "Quiet", g_get_real_time (), "{\"n\":0}");
  gint64 deadline;
  guint n_runs = 1;

  for (guint i = 0; i < 50; i++)
    {
      ConduitStepRecord step = { 0 };

      step.run_id = first;
      step.node_id = (char *)"send";
      step.item_index = (gint)i;
      step.status = (char *)"ok";
      conduit_history_store_add_step (fixture->store, &step);
      conduit_history_store_add_item (fixture->store, first, "send", "out", TRUE, i, "{}");
    }

  /* No flush: the writer's linger ends by itself. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (query_int (fixture->path, "SELECT COUNT(*) FROM steps") < 50 ||
         query_int (fixture->path, "SELECT COUNT(*) FROM items WHERE node_id = 'send'") < 50)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (1000);
    }

  /* Runs begun between records: each is answered, and no record is lost. */
  for (guint i = 0; i < 200; i++)
    {
      conduit_history_store_add_item (fixture->store, first, "map", "in", FALSE, i, "{}");
      g_assert_cmpint (begin_run (fixture->store, "Quiet", g_get_real_time (), NULL), >, first);
      n_runs++;
    }
  g_assert_true (conduit_history_store_flush (fixture->store, NULL));
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, n_runs);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM items WHERE node_id = 'map'"),
                   ==, 200);
}

/* Items queued together are inserted several rows to a statement: each row as it was queued
 * (its run, node, port, position, text, size and cut), the rows in the order queued, across
 * runs and around a run begun among them, whatever the number of rows left for a statement. */
static void
test_items_queued_together (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *long_text = g_strdup_printf ("{\"note\":\"%s\"}", "0123456789abcdef0123456789");
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) stored = g_string_new (NULL);
  gint64 first = begin_run (fixture->store, "Items", g_get_real_time (), NULL);
  gint64 second = begin_run (fixture->store, "Items", g_get_real_time (), NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 third;

  conduit_history_store_set_max_item_bytes (fixture->store, 24);
  /* 19 rows: two statements of 8 and one of 3 */
  for (guint i = 0; i < 19; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"n\":%u}", i);
      gint64 run = i % 3 == 0 ? second : first;
      const char *item = i == 5 ? long_text : text;

      conduit_history_store_add_item (fixture->store, run, i % 2 ? "map" : "send",
                                      i % 2 ? "in" : "out", i % 2 == 0, i, item);
      g_string_append_printf (expected, "%" G_GINT64_FORMAT " %s %s %d %u %.*s %zu %d\n", run,
                              i % 2 ? "map" : "send", i % 2 ? "in" : "out", i % 2 == 0, i,
                              (int)MIN (strlen (item), 24), item, strlen (item),
                              strlen (item) > 24);
    }
  /* A run begun now: its item comes after the ones queued before it */
  third = begin_run (fixture->store, "Items", g_get_real_time (), "{\"t\":1}");
  g_string_append_printf (expected, "%" G_GINT64_FORMAT " start out 1 0 {\"t\":1} 7 0\n", third);
  for (guint i = 0; i < 2; i++)
    {
      conduit_history_store_add_item (fixture->store, third, "send", "in", FALSE, i, "[]");
      g_string_append_printf (expected, "%" G_GINT64_FORMAT " send in 0 %u [] 2 0\n", third, i);
    }
  g_assert_true (conduit_history_store_flush (fixture->store, NULL));

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT run_id, node_id, port, is_output, seq, data, "
                                           "size, truncated FROM items ORDER BY id", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (stored, "%" G_GINT64_FORMAT " %s %s %d %d %s %" G_GINT64_FORMAT " %d\n",
                            (gint64)sqlite3_column_int64 (stmt, 0),
                            (const char *)sqlite3_column_text (stmt, 1),
                            (const char *)sqlite3_column_text (stmt, 2),
                            sqlite3_column_int (stmt, 3), sqlite3_column_int (stmt, 4),
                            (const char *)sqlite3_column_text (stmt, 5),
                            (gint64)sqlite3_column_int64 (stmt, 6), sqlite3_column_int (stmt, 7));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpstr (stored->str, ==, expected->str);
}

static void
attempt_marked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *marked = user_data;
  g_autoptr(GError) error = NULL;

  *marked = conduit_history_store_start_attempt_finish (CONDUIT_HISTORY_STORE (object), result,
                                                         &error);
  g_assert_no_error (error);
}

/* The end of an attempt whose mark an earlier commit wrote joins the rows queued around it:
 * the mark is gone, and the rows keep the order they were queued in. */
static void
test_attempt_end_queued (Fixture       *fixture,
                         gconstpointer  data)
{
  gint64 run = begin_run (fixture->store, "Steps", g_get_real_time (), NULL);
  const char *nodes[] = { "hook", "send", "map", "send" };
  ConduitStepRecord step = { 0 };
  gboolean marked = FALSE;
  g_autofree char *order = NULL;
  GString *stored = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  step.run_id = run;
  step.node_id = (char *)"send";
  step.item_index = 0;
  step.attempt = 1;
  step.status = (char *)"started";
  conduit_history_store_start_attempt_async (fixture->store, &step, attempt_marked_cb, &marked);
  while (!marked)
    g_main_context_iteration (NULL, TRUE);

  /* one batch: a node's row, the attempt's end, another node's row, the node's row */
  for (guint i = 0; i < G_N_ELEMENTS (nodes); i++)
    {
      gboolean end = i == 1;

      step.node_id = (char *)nodes[i];
      step.item_index = end ? 0 : -1;
      step.attempt = end ? 1 : 0;
      step.status = (char *)"ok";
      step.started_us = i;
      conduit_history_store_add_step (fixture->store, &step);
    }
  g_assert_true (conduit_history_store_flush (fixture->store, NULL));

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT node_id, attempt, status, started_at"
                                           " FROM steps ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (stored, "%s %d %s %d;", sqlite3_column_text (stmt, 0),
                            sqlite3_column_int (stmt, 1), sqlite3_column_text (stmt, 2),
                            sqlite3_column_int (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  order = g_string_free (stored, FALSE);
  g_assert_cmpstr (order, ==, "hook 0 ok 0;send 1 ok 1;map 0 ok 2;send 0 ok 3;");
}

/* Steps queued together are inserted several rows to a statement too: in the order queued,
 * every column kept, and the end of an attempt still replaces its "started" mark when the mark
 * was queued in the same transaction. */
static void
test_steps_queued_together (Fixture       *fixture,
                            gconstpointer  data)
{
  gint64 run = begin_run (fixture->store, "Steps", g_get_real_time (), NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GString) stored = g_string_new (NULL);
  ConduitStepRecord step = { 0 };
  gboolean marked = FALSE;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  step.run_id = run;
  for (guint i = 0; i < 23; i++)
    {
      if (i == 11)
        {
          /* a mark, then its end a few rows later */
          step.node_id = (char *)"send";
          step.item_index = 0;
          step.attempt = 1;
          step.started_us = 100;
          step.finished_us = 0;
          step.status = (char *)"started";
          step.error_kind = NULL;
          step.error_message = NULL;
          conduit_history_store_start_attempt_async (fixture->store, &step, attempt_marked_cb,
                                                     &marked);
          continue;
        }
      if (i == 14)
        {
          step.node_id = (char *)"send";
          step.item_index = 0;
          step.attempt = 1;
          step.started_us = 100;
          step.finished_us = 200;
          step.status = (char *)"failed";
          step.http_status = 503;
          step.delay_ms = 0;
          step.items_in = step.items_out = step.items_failed = 0;
          step.error_kind = (char *)"http";
          step.error_message = (char *)"503 Service Unavailable";
          conduit_history_store_add_step (fixture->store, &step);
          g_string_append_printf (expected, "send 0 1 100 200 failed 503 0 0 0 0 http "
                                  "503 Service Unavailable\n");
          continue;
        }
      step.node_id = (char *)(i % 2 ? "map" : "hook");
      step.item_index = -1;
      step.attempt = 0;
      step.started_us = i;
      step.finished_us = i + 1;
      step.status = (char *)"ok";
      step.http_status = 0;
      step.delay_ms = i;
      step.items_in = i;
      step.items_out = i + 1;
      step.items_failed = i % 3;
      step.error_kind = NULL;
      step.error_message = i % 5 == 0 ? (char *)"a note" : NULL;
      conduit_history_store_add_step (fixture->store, &step);
      g_string_append_printf (expected, "%s -1 0 %u %u ok 0 %u %u %u %u (null) %s\n",
                              step.node_id, i, i + 1, i, i, i + 1, i % 3,
                              i % 5 == 0 ? "a note" : "(null)");
    }
  g_assert_true (conduit_history_store_flush (fixture->store, NULL));
  while (!marked)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT node_id, item_index, attempt, started_at, "
                                           "finished_at, status, http_status, delay_ms, items_in, "
                                           "items_out, items_failed, error_kind, error_message "
                                           "FROM steps ORDER BY id", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int i = 0; i < 13; i++)
        g_string_append_printf (stored, i == 0 ? "%s" : " %s",
                                sqlite3_column_type (stmt, i) == SQLITE_NULL
                                  ? "(null)" : (const char *)sqlite3_column_text (stmt, i));
      g_string_append_c (stored, '\n');
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpstr (stored->str, ==, expected->str);
}

/* An item of 3 KB: a page of the WAL each */
static char *
dup_big_item (void)
{
  g_autofree char *big = g_strnfill (3000, 'x');

  return g_strdup_printf ("{\"note\": \"%s\"}", big);
}

/* Under a steady stream of commits, with no pause for a checkpoint to catch up, the WAL must
 * still start over now and then instead of growing without end; and the records end up in the
 * database file itself. */
static void
test_wal_bounded (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *item = dup_big_item ();
  g_autoptr(GError) error = NULL;
  goffset peak = 0;
  GStatBuf info;

  for (guint i = 0; i < 4000; i++)
    {
      gint64 id = begin_run (fixture->store, "Steady", g_get_real_time (), item);

      conduit_history_store_add_item (fixture->store, id, "send", "in", FALSE, 0, item);
      if (g_stat (wal, &info) == 0)
        peak = MAX (peak, info.st_size);
    }
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_no_error (error);

  g_test_message ("WAL peaked at %.1f MB", peak / 1048576.0);
  /* Without the writer completing checkpoints this is over 60 MB; it starts over past 32 MB. */
  g_assert_cmpint (peak, <, 40 * 1024 * 1024);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 4000);
  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_size, >, 4000 * 3000);
}

static guint
checkpoint_passes (ConduitHistoryStore *store)
{
  guint passes;

  g_mutex_lock (&store->checkpoint_lock);
  passes = store->checkpoint_passes;
  g_mutex_unlock (&store->checkpoint_lock);
  return passes;
}

/* A checkpoint pass goes through every frame of the WAL: once a WAL is past the mark, the next
 * pass waits for it to grow by the mark again, not for the next commit (a pass every 100 ms
 * under steady load went through each frame 16 times). A reader's snapshot keeps the WAL from
 * starting over, as a long read or a writer that never pauses does. */
static void
test_checkpoint_paced (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *item = dup_big_item ();
  sqlite3 *reader = NULL;
  GStatBuf info = { 0 };
  guint before;

  begin_run (fixture->store, "Steady", g_get_real_time (), "{}");
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &reader, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN; SELECT COUNT(*) FROM runs", NULL, NULL, NULL),
                   ==, SQLITE_OK);

  /* Past the mark (4 MB), then a pass */
  while (g_stat (wal, &info) != 0 || info.st_size < 5 * 1024 * 1024)
    begin_run (fixture->store, "Steady", g_get_real_time (), item);
  /* The pass comes by itself within 100 ms of the WAL passing the mark. Committing while
   * waiting for it would let a starved checkpointer (a busy machine) see the WAL reach the
   * writer's RESTART mark, which waits for this test's reader: each commit then took the busy
   * timeout, and the test hung. */
  for (guint waited_ms = 0; checkpoint_passes (fixture->store) == 0; waited_ms += 5)
    {
      g_assert_cmpuint (waited_ms, <, 60 * 1000);
      g_usleep (5 * 1000);
    }

  /* A second of small commits, far from another 4 MB: no pass, where there was one every
   * 100 ms. */
  before = checkpoint_passes (fixture->store);
  for (guint i = 0; i < 50; i++)
    {
      begin_run (fixture->store, "Steady", g_get_real_time (), "{}");
      g_usleep (20 * 1000);
    }
  g_assert_cmpuint (checkpoint_passes (fixture->store) - before, <=, 1);

  sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (reader);
}

/* Rewrites the runs of a current history as schema 7 and before kept them: AUTOINCREMENT, which
 * counts in sqlite_sequence, and no run_ids. */
#define DOWNGRADE_RUNS_TO_7 \
  "DROP TRIGGER runs_deleted; DROP TABLE run_ids;" \
  "CREATE TABLE runs_7 (id INTEGER PRIMARY KEY AUTOINCREMENT, flow TEXT NOT NULL," \
  "  trigger_node TEXT, trigger_kind TEXT, started_at INTEGER NOT NULL, finished_at INTEGER," \
  "  status TEXT NOT NULL, items_in INTEGER NOT NULL DEFAULT 0," \
  "  items_ok INTEGER NOT NULL DEFAULT 0, items_failed INTEGER NOT NULL DEFAULT 0," \
  "  items_rejected INTEGER NOT NULL DEFAULT 0, error TEXT, pid INTEGER," \
  "  handled INTEGER NOT NULL DEFAULT 0);" \
  "INSERT INTO runs_7 SELECT id, flow, trigger_node, trigger_kind, started_at, finished_at," \
  "  status, items_in, items_ok, items_failed, items_rejected, error, pid, handled FROM runs;" \
  "DROP TABLE runs; ALTER TABLE runs_7 RENAME TO runs;" \
  "CREATE INDEX runs_by_flow ON runs (flow, started_at);" \
  "CREATE INDEX runs_by_status ON runs (status)" \
  "  WHERE status = 'running' OR status = 'partial' OR status = 'failed'" \
  "  OR status = 'interrupted' OR status = 'cancelled';"

/* Turns the closed store's database back into an older schema with @downgrade, then opens it
 * again, which migrates it to the current schema. */
static void
migrate_from (Fixture    *fixture,
              const char *downgrade)
{
  sqlite3 *db = NULL;

  conduit_history_store_close (fixture->store);
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, downgrade, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  reopen (fixture);
  g_assert_cmpint (query_int (fixture->path, "PRAGMA user_version"), ==,
                   CONDUIT_HISTORY_SCHEMA_VERSION);
}

static void
test_migrate_from_1 (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 id = begin_run (fixture->store, "orders", g_get_real_time (), "{}");

  /* Turn the database back into what schema 1 wrote. */
  migrate_from (fixture, DOWNGRADE_RUNS_TO_7
                "DROP TABLE trigger_cursors; DROP TABLE trigger_seen;"
                "ALTER TABLE runs DROP COLUMN handled;"
                "DROP INDEX steps_started;"
                "ALTER TABLE steps DROP COLUMN item_count;"
                "PRAGMA user_version = 1");
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT MAX(id) FROM runs"), ==, id);
  g_assert_true (mark (fixture->store, "orders", "poll", "k"));
  g_assert_false (mark (fixture->store, "orders", "poll", "k"));
}

/* A new history has SQLite's 4 KB pages; one made with other pages keeps them and works as
 * before (its checkpoints follow the WAL's size in bytes). */
static void
test_page_size (Fixture       *fixture,
                gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *old_path = g_build_filename (fixture->dir, "old.db", NULL);
  g_autoptr(ConduitHistoryStore) old = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 id;

  g_assert_cmpint (query_int (fixture->path, "PRAGMA page_size"), ==, 4096);

  g_assert_cmpint (sqlite3_open_v2 (old_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA page_size = 1024; CREATE TABLE t (a); DROP TABLE t",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  old = conduit_history_store_new (old_path, &error);
  g_assert_no_error (error);
  id = begin_run (old, "orders", 1000, "{}");
  finish_run (old, id, CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
  conduit_history_store_close (old);
  g_assert_cmpint (query_int (old_path, "PRAGMA page_size"), ==, 1024);
  g_assert_cmpint (query_int (old_path, "SELECT COUNT(*) FROM runs WHERE status = 'succeeded'"),
                   ==, 1);

  g_clear_object (&old);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (old_path, suffixes[i], NULL);
      g_unlink (file);
    }
}

/* The details of @sql's query plan, one line each. */
static char *
query_plan (const char *path,
            const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  GString *plan = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_text (stmt, 1, "failed", -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *)sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (plan, FALSE);
}

/* Schema 7: runs_by_status leaves out succeeded runs, and what looks runs up by another status
 * still finds them through it. */
static void
test_migrate_from_6 (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *lookups[] = {
    "SELECT DISTINCT pid FROM runs WHERE status = 'running'",
    "SELECT id FROM runs WHERE status = ?1 ORDER BY id DESC LIMIT 50",
    "SELECT COUNT(*) FROM runs WHERE ((status = 'failed' OR status = 'interrupted') AND handled = 0)",
  };
  ConduitRunStatus statuses[] = {
    CONDUIT_RUN_STATUS_SUCCEEDED, CONDUIT_RUN_STATUS_FAILED, CONDUIT_RUN_STATUS_SUCCEEDED,
    CONDUIT_RUN_STATUS_PARTIAL, CONDUIT_RUN_STATUS_RUNNING,
  };
  ConduitHistoryQuery query = { .status = -1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  gint64 ids[G_N_ELEMENTS (statuses)];

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      ids[i] = begin_run (fixture->store, "orders", (i + 1) * 1000, "{}");
      if (statuses[i] != CONDUIT_RUN_STATUS_RUNNING)
        finish_run (fixture->store, ids[i], statuses[i], NULL);
    }

  /* Turn the database back into what schema 6 wrote: every run in runs_by_status. */
  migrate_from (fixture, DOWNGRADE_RUNS_TO_7 "DROP INDEX runs_by_status;"
                "CREATE INDEX runs_by_status ON runs (status);"
                "PRAGMA user_version = 6");
  /* the run left running (this process's, so gone) became interrupted through the index */
  g_assert_cmpuint (conduit_history_store_get_n_interrupted (fixture->store), ==, 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs INDEXED BY runs_by_status"
                              " WHERE status = 'failed' OR status = 'partial'"
                              " OR status = 'interrupted'"), ==, 3);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM sqlite_schema"
                              " WHERE name = 'runs_by_status' AND sql LIKE '%WHERE%'"), ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (lookups); i++)
    {
      g_autofree char *plan = query_plan (fixture->path, lookups[i]);
      g_assert_nonnull (strstr (plan, "runs_by_status"));
    }

  /* The history's filters give what they gave: succeeded runs too, newest first. */
  query.status = CONDUIT_RUN_STATUS_SUCCEEDED;
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[2]);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 1))->id, ==, ids[0]);
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->store, &query, &error), ==, 2);
  g_clear_pointer (&runs, g_ptr_array_unref);
  query.status = CONDUIT_RUN_STATUS_INTERRUPTED;
  runs = conduit_history_store_list_runs (fixture->store, &query, &error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, ids[4]);
  g_clear_pointer (&runs, g_ptr_array_unref);
  query = (ConduitHistoryQuery) { .status = -1, .unhandled = TRUE };
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->store, &query, &error), ==, 2);
  g_assert_no_error (error);

  /* a run that succeeds now leaves the index; one that fails stays in it */
  ids[0] = begin_run (fixture->store, "orders", 9000, "{}");
  finish_run (fixture->store, ids[0], CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
  ids[1] = begin_run (fixture->store, "orders", 9001, "{}");
  finish_run (fixture->store, ids[1], CONDUIT_RUN_STATUS_FAILED, NULL);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs INDEXED BY runs_by_status"
                              " WHERE status = 'failed'"), ==, 2);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"
                              " WHERE status = 'succeeded'"), ==, 3);
}

/* Schema 8: runs without AUTOINCREMENT (no sqlite_sequence to write with every run), and still
 * no id given twice: not after the newest runs are deleted, nor after the migration of a
 * history whose newest run was deleted under AUTOINCREMENT. */
static void
test_run_ids_not_reused (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  gint64 ids[3];
  gint64 id;

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ids[i] = begin_run (fixture->store, "orders", 1000 + i, "{}");
      finish_run (fixture->store, ids[i], CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
    }
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM sqlite_schema"
                              " WHERE sql LIKE '%AUTOINCREMENT%'"), ==, 0);
  /* the new id from the end of the runs' table, not a scan of it */
  plan = query_plan (fixture->path, "SELECT max ((SELECT coalesce (max (id), 0) FROM runs),"
                                    " (SELECT largest_deleted FROM run_ids)) + 1");
  g_assert_nonnull (strstr (plan, "SEARCH runs"));
  g_assert_null (strstr (plan, "SCAN runs"));

  /* the newest deleted, then the one before it and the newest again */
  g_assert_cmpint (conduit_history_store_delete_runs (fixture->store, &ids[2], 1, &error), ==, 1);
  g_assert_no_error (error);
  id = begin_run (fixture->store, "orders", 2000, "{}");
  g_assert_cmpint (id, ==, ids[2] + 1);
  finish_run (fixture->store, id, CONDUIT_RUN_STATUS_SUCCEEDED, NULL);
  g_assert_cmpint (conduit_history_store_delete_runs (fixture->store, &ids[1], 1, &error), ==, 1);
  g_assert_cmpint (conduit_history_store_delete_runs (fixture->store, &id, 1, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (begin_run (fixture->store, "orders", 3000, "{}"), ==, id + 1);

  /* Schema 7 kept the largest id given in sqlite_sequence: the newest run deleted there, its id
   * is not given again after the migration either. */
  migrate_from (fixture, DOWNGRADE_RUNS_TO_7
                "INSERT INTO runs (id, flow, started_at, status) VALUES (40, 'orders', 1, 'failed');"
                "DELETE FROM runs WHERE id = 40;"
                "PRAGMA user_version = 7");
  g_assert_cmpint (query_int (fixture->path, "SELECT MAX(id) FROM runs"), ==, id + 1);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM sqlite_sequence"), ==, 0);
  g_assert_cmpint (begin_run (fixture->store, "orders", 4000, "{}"), ==, 41);
}

static void
test_step_status_strings (void)
{
  /* The forms older histories hold: they must read back as the same values. */
  static const struct { ConduitStepStatus status; const char *text; } statuses[] = {
    { CONDUIT_STEP_STATUS_PENDING, "pending" }, { CONDUIT_STEP_STATUS_RUNNING, "running" },
    { CONDUIT_STEP_STATUS_OK, "ok" }, { CONDUIT_STEP_STATUS_PARTIAL, "partial" },
    { CONDUIT_STEP_STATUS_FAILED, "failed" }, { CONDUIT_STEP_STATUS_SKIPPED, "skipped" },
    { CONDUIT_STEP_STATUS_CANCELLED, "cancelled" }, { CONDUIT_STEP_STATUS_RETRY, "retry" },
    { CONDUIT_STEP_STATUS_REJECTED, "rejected" }, { CONDUIT_STEP_STATUS_DUPLICATE, "duplicate" },
  };
  static const struct { ConduitErrorKind kind; const char *text; } kinds[] = {
    { CONDUIT_ERROR_KIND_HTTP, "http" }, { CONDUIT_ERROR_KIND_TIMEOUT, "timeout" },
    { CONDUIT_ERROR_KIND_NETWORK, "network" }, { CONDUIT_ERROR_KIND_INVALID, "invalid" },
    { CONDUIT_ERROR_KIND_BAD_RESPONSE, "bad_response" }, { CONDUIT_ERROR_KIND_AUTH, "auth" },
    { CONDUIT_ERROR_KIND_CREDENTIAL, "credential" },
    { CONDUIT_ERROR_KIND_CREDENTIAL_MISSING, "credential-missing" },
    { CONDUIT_ERROR_KIND_CREDENTIAL_LOCKED, "credential-locked" },
    { CONDUIT_ERROR_KIND_CREDENTIAL_REJECTED, "credential-rejected" },
    { CONDUIT_ERROR_KIND_CREDENTIAL_NEEDS_SIGN_IN, "credential-needs-sign-in" },
    { CONDUIT_ERROR_KIND_FILE, "file" }, { CONDUIT_ERROR_KIND_SETTING, "setting" },
    { CONDUIT_ERROR_KIND_NODE, "node" }, { CONDUIT_ERROR_KIND_MAIL, "mail" },
  };
  ConduitStepRecord record = { 0 };
  ConduitStepStatus status;
  ConduitErrorKind kind;

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_assert_cmpstr (conduit_step_status_to_string (statuses[i].status), ==, statuses[i].text);
      g_assert_true (conduit_step_status_from_string (statuses[i].text, &status));
      g_assert_cmpint (status, ==, statuses[i].status);
    }
  for (guint i = 0; i <= CONDUIT_STEP_STATUS_LAST; i++)
    {
      g_assert_true (conduit_step_status_from_string (conduit_step_status_to_string (i), &status));
      g_assert_cmpint (status, ==, i);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_assert_cmpstr (conduit_error_kind_to_string (kinds[i].kind), ==, kinds[i].text);
      g_assert_true (conduit_error_kind_from_string (kinds[i].text, &kind));
      g_assert_cmpint (kind, ==, kinds[i].kind);
    }
  for (guint i = 0; i <= CONDUIT_ERROR_KIND_LAST; i++)
    {
      g_assert_true (conduit_error_kind_from_string (conduit_error_kind_to_string (i), &kind));
      g_assert_cmpint (kind, ==, i);
    }
  g_assert_null (conduit_error_kind_to_string (CONDUIT_ERROR_KIND_NONE));
  g_assert_false (conduit_step_status_from_string ("OK", NULL));
  g_assert_false (conduit_step_status_from_string (NULL, NULL));
  g_assert_false (conduit_error_kind_from_string ("gremlins", NULL));

  /* A form a newer Conduit wrote reads as the safe side, not as success. */
  record.status = (char *)"teleported";
  record.error_kind = (char *)"gremlins";
  g_assert_cmpint (conduit_step_record_get_status (&record), ==, CONDUIT_STEP_STATUS_FAILED);
  g_assert_cmpint (conduit_step_record_get_error_kind (&record), ==, CONDUIT_ERROR_KIND_NODE);
  record.status = (char *)"retry";
  record.error_kind = NULL;
  g_assert_cmpint (conduit_step_record_get_status (&record), ==, CONDUIT_STEP_STATUS_RETRY);
  g_assert_cmpint (conduit_step_record_get_error_kind (&record), ==, CONDUIT_ERROR_KIND_NONE);
}

static guint
file_mode (const char *path,
           const char *suffix)
{
  g_autofree char *file = g_strconcat (path, suffix, NULL);
  GStatBuf info;

  g_assert_cmpint (g_stat (file, &info), ==, 0);
  return info.st_mode & 0777;
}

static void
test_private_files (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "in-existing-folder.db", NULL);
  g_autofree char *older = g_build_filename (fixture->dir, "older.db", NULL);
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitHistoryStore) again = NULL;
  g_autoptr(GError) error = NULL;
  mode_t saved = umask (022);
  const char *suffixes[] = { "", "-wal", "-shm" };

  /* --history pointing into a folder that exists, with the usual umask. */
  store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  begin_run (store, "private", g_get_real_time (), "{\"email\": \"ada@example.com\"}");
  g_assert_cmpuint (file_mode (path, ""), ==, 0600);
  g_assert_cmpuint (file_mode (path, "-wal"), ==, 0600);
  g_assert_cmpuint (file_mode (path, "-shm"), ==, 0600);
  conduit_history_store_close (store);

  /* A history an older version left readable to others is made private. */
  g_assert_true (g_file_set_contents (older, "", 0, &error));
  g_assert_cmpint (g_chmod (older, 0644), ==, 0);
  again = conduit_history_store_new (older, &error);
  g_assert_no_error (error);
  begin_run (again, "private", g_get_real_time (), "{}");
  g_assert_cmpuint (file_mode (older, ""), ==, 0600);
  g_assert_cmpuint (file_mode (older, "-wal"), ==, 0600);
  conduit_history_store_close (again);
  umask (saved);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *a = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *b = g_strconcat (older, suffixes[i], NULL);
      g_unlink (a);
      g_unlink (b);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, set_up, func, tear_down)
  ADD ("/conduit/history/schema", test_schema);
  ADD ("/conduit/history/too-new", test_too_new);
  g_test_add_func ("/conduit/history/not-a-database", test_not_a_database);
  g_test_add_func ("/conduit/history/step-status-strings", test_step_status_strings);
  g_test_add_func ("/conduit/history/sqlite-memstatus-off", test_sqlite_memstatus_off);
  g_test_add_func ("/conduit/history/sqlite-initialised-first", test_sqlite_initialised_first);
  ADD ("/conduit/history/runs-steps-items", test_runs_steps_items);
  ADD ("/conduit/history/truncation", test_truncation);
  ADD ("/conduit/history/list-filters", test_list_filters);
  ADD ("/conduit/history/list-async", test_list_async);
  ADD ("/conduit/history/interrupted", test_interrupted);
  ADD ("/conduit/history/retention", test_retention);
  ADD ("/conduit/history/retention-keeps-unhandled", test_retention_keeps_unhandled);
  ADD ("/conduit/history/dedupe-keys", test_dedupe_keys);
  ADD ("/conduit/history/burst", test_burst);
  ADD ("/conduit/history/wal-bounded", test_wal_bounded);
  ADD ("/conduit/history/checkpoint-paced", test_checkpoint_paced);
  ADD ("/conduit/history/migrate-from-1", test_migrate_from_1);
  ADD ("/conduit/history/migrate-from-6", test_migrate_from_6);
  ADD ("/conduit/history/run-ids-not-reused", test_run_ids_not_reused);
  ADD ("/conduit/history/page-size", test_page_size);
  ADD ("/conduit/history/private-files", test_private_files);
  ADD ("/conduit/history/unwaited-records", test_unwaited_records);
  ADD ("/conduit/history/items-queued-together", test_items_queued_together);
  ADD ("/conduit/history/steps-queued-together", test_steps_queued_together);
  ADD ("/conduit/history/attempt-end-queued", test_attempt_end_queued);

  return g_test_run ();
}
