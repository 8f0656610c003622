/* test-history-full-disk.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "conduit.h"

/* The run history on a disk that fills up and then has room again (issue #14 point 10). The
 * full disk is a file size limit (RLIMIT_FSIZE, what `ulimit -f` sets) on this process: every
 * write past it fails as a write to a full disk does, raising it again is the space coming
 * back, and nothing else on the machine fills up. The limit lives in this test binary of its
 * own, as it holds for every file the process writes. */

static guint n_warnings;

/* The writer's warnings are what this test counts: they are expected, so not fatal here. */
static void
count_warning_cb (const char     *domain,
                  GLogLevelFlags  level,
                  const char     *message,
                  gpointer        user_data)
{
  if ((level & G_LOG_LEVEL_WARNING) != 0)
    n_warnings++;
  g_printerr ("%s: %s\n", domain, message);
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

static gint64
begin_run (ConduitHistoryStore *store)
{
  ConduitRunRecord run = { 0 };
  gint64 id = 0;

  run.flow = (char *)"full-disk";
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)"manual";
  run.started_us = g_get_real_time ();
  conduit_history_store_begin_run_async (store, &run, NULL, NULL, NULL, begin_cb, &id);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  return id;
}

static char *
run_status (const char *path,
            gint64      id)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  char *status;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT status FROM runs WHERE id = ?1", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  status = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return status;
}

static void
set_file_limit (rlim_t bytes)
{
  struct rlimit limit;

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  limit.rlim_cur = MIN (bytes, limit.rlim_max);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
}

static void
test_full_disk (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-full-disk-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(ConduitHistoryStore) store = NULL;
  ConduitRunRecord end = { 0 };
  struct rlimit before;
  struct stat st;
  gint64 id;

  g_assert_no_error (error);
  store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  id = begin_run (store);

  /* The disk is full: every write past the first 4 KiB of a file fails. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &before), ==, 0);
  signal (SIGXFSZ, SIG_IGN);
  set_file_limit (4096);

  end.id = id;
  end.flow = (char *)"full-disk";
  end.finished_us = g_get_real_time ();
  end.status = CONDUIT_RUN_STATUS_SUCCEEDED;
  end.items_in = 1;
  end.items_ok = 1;
  conduit_history_store_finish_run (store, &end);
  g_assert_true (conduit_history_store_flush (store, &error));

  /* Under load: a step and a commit after another, every one failing. */
  for (guint i = 0; i < 50; i++)
    {
      ConduitStepRecord step = { 0 };

      step.run_id = id;
      step.node_id = (char *)"call";
      step.item_index = (gint)i;
      step.attempt = 1;
      step.status = (char *)"ok";
      step.started_us = step.finished_us = g_get_real_time ();
      conduit_history_store_add_step (store, &step);
      g_assert_true (conduit_history_store_flush (store, &error));
    }

  /* One warning, not one per failed commit; the rest are counted in a later line. */
  g_assert_cmpuint (n_warnings, ==, 1);
  {
    g_autofree char *status = run_status (path, id);
    g_assert_cmpstr (status, ==, "running");
  }

  /* Room again: the next commit writes the run's end, and the WAL the failed stretch left is
   * emptied. */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &before), ==, 0);
  g_assert_true (conduit_history_store_flush (store, &error));
  {
    g_autofree char *status = run_status (path, id);
    g_assert_cmpstr (status, ==, "succeeded");
  }
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_cmpuint (n_warnings, ==, 1);

  conduit_history_store_close (store);
  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

/* With nothing else to write, the writer tries the lost ends again by itself. */
static void
test_retried_unprompted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-full-disk-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(ConduitHistoryStore) store = NULL;
  ConduitRunRecord end = { 0 };
  struct rlimit before;
  gint64 id;
  gint64 deadline;
  g_autofree char *status = NULL;

  g_assert_no_error (error);
  store = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  id = begin_run (store);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &before), ==, 0);
  signal (SIGXFSZ, SIG_IGN);
  set_file_limit (4096);
  end.id = id;
  end.flow = (char *)"full-disk";
  end.finished_us = g_get_real_time ();
  end.status = CONDUIT_RUN_STATUS_FAILED;
  conduit_history_store_finish_run (store, &end);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &before), ==, 0);

  /* No flush, no new record: the writer's own retry (every second) must write it. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  do
    {
      g_free (status);
      status = run_status (path, id);
      if (g_str_equal (status, "failed"))
        break;
      g_usleep (50 * 1000);
    }
  while (g_get_monotonic_time () < deadline);
  g_assert_cmpstr (status, ==, "failed");

  conduit_history_store_close (store);
  g_clear_object (&store);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_log_set_handler ("conduit-history-store", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE,
                     count_warning_cb, NULL);

  g_test_add_func ("/conduit/history/full-disk/end-written-later", test_full_disk);
  g_test_add_func ("/conduit/history/full-disk/retried-unprompted", test_retried_unprompted);

  return g_test_run ();
}
