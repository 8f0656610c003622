/* history-test-fixture.h — what the history store's tests share: a store in a temporary
 * folder, runs begun and finished the short way, and reads of the database behind its back.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "conduit.h"

typedef struct
{
  char                *dir;
  char                *path;
  ConduitHistoryStore *store;
} Fixture;

static G_GNUC_UNUSED void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-history-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "history.db", NULL);
  fixture->store = conduit_history_store_new (fixture->path, &error);
  g_assert_no_error (error);
}

static G_GNUC_UNUSED void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *sub = g_path_get_dirname (fixture->path);

  gpointer weak = fixture->store;

  /* A worker thread of an async read may still hold the store for a moment. */
  conduit_history_store_close (fixture->store);
  g_object_add_weak_pointer (G_OBJECT (fixture->store), &weak);
  g_clear_object (&fixture->store);
  while (weak != NULL)
    g_main_context_iteration (NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);
      g_unlink (file);
    }
  g_rmdir (sub);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static G_GNUC_UNUSED void
begin_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gint64 *id = user_data;
  g_autoptr(GError) error = NULL;

  *id = conduit_history_store_begin_run_finish (CONDUIT_HISTORY_STORE (object), result, &error);
  g_assert_no_error (error);
}

static G_GNUC_UNUSED gint64
begin_run (ConduitHistoryStore *store,
           const char          *flow,
           gint64               started_us,
           const char          *item)
{
  ConduitRunRecord run = { 0 };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  gint64 id = 0;

  run.flow = (char *)flow;
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)"manual";
  run.started_us = started_us;
  if (item != NULL)
    g_ptr_array_add (items, (char *)item);
  conduit_history_store_begin_run_async (store, &run, NULL, items, NULL, begin_cb, &id);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  return id;
}

static G_GNUC_UNUSED void
finish_run (ConduitHistoryStore *store,
            gint64               id,
            ConduitRunStatus     status,
            const char          *error)
{
  ConduitRunRecord run = { 0 };
  g_autoptr(GError) local_error = NULL;

  run.id = id;
  run.flow = (char *)"x";
  run.finished_us = g_get_real_time ();
  run.status = status;
  run.items_in = 3;
  run.items_ok = 2;
  run.items_failed = status == CONDUIT_RUN_STATUS_SUCCEEDED ? 0 : 1;
  run.error = (char *)error;
  conduit_history_store_finish_run (store, &run);
  g_assert_true (conduit_history_store_flush (store, &local_error));
}

static G_GNUC_UNUSED int
query_int (const char *path,
           const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static G_GNUC_UNUSED ConduitHistoryStore *
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  conduit_history_store_close (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = conduit_history_store_new (fixture->path, &error);
  g_assert_no_error (error);
  return fixture->store;
}

static G_GNUC_UNUSED gboolean
mark (ConduitHistoryStore *store,
      const char          *flow,
      const char          *trigger,
      const char          *key)
{
  g_autoptr(GError) error = NULL;
  gboolean newly_seen = TRUE;

  g_assert_true (conduit_history_store_mark_seen (store, flow, trigger, key, &newly_seen, &error));
  g_assert_no_error (error);
  return newly_seen;
}
