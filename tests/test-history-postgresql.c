/* test-history-postgresql.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "conduit.h"
#include "conduit-history-store-postgresql-private.h"
#include "db-test-servers.h"
#include "nats-test-server.h"   /* test_free_port() */
#include "postgresql-history-test-util.h"

/* The run history in PostgreSQL (issue #23), against PostgreSQL 15 from
 * tests/db-test-servers.c: runs, steps, items, the event dedup, read-only opening, the schema
 * created by several processes at once, rows held for the batch's commit, claims of events
 * begun together, the ends of runs queued together, histories of older schemas taken over,
 * `history list/show` on it, and the numbers' text. The receivers and workers that share
 * such a history are in test-serve-scale.c. */


/* The store itself against PostgreSQL */

typedef struct
{
  const char *url;
  GError     *error;
} Opener;

static gpointer
open_thread (gpointer data)
{
  Opener *opener = data;
  ConduitHistoryStore *store = conduit_history_store_new (opener->url, &opener->error);

  g_clear_object (&store);
  return NULL;
}

static void
begun_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError **error = g_object_get_data (object, "test-error");
  gint64 *id = user_data;

  *id = conduit_history_store_begin_event_run_finish (CONDUIT_HISTORY_STORE (object), result,
                                                      error);
  if (*id == 0)
    *id = -1;
}

/* Begins a run of @event_id (or a plain run when %NULL) and waits: its id, 0 when the event
 * already ran. */
static gint64
begin (ConduitHistoryStore *store,
       const char          *event_id,
       GError             **error)
{
  ConduitRunRecord run = { .flow = (char *)"Orders", .trigger_node = (char *)"hook",
                           .trigger_kind = (char *)"webhook", .started_us = g_get_real_time (),
                           .items_in = 1 };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  gint64 id = 0;

  g_ptr_array_add (items, (char *)"{\"seq\": 7, \"email\": \"buyer@example.com\"}");
  g_object_set_data (G_OBJECT (store), "test-error", error);
  if (event_id != NULL)
    conduit_history_store_begin_event_run_async (store, &run, "out", items, event_id, NULL,
                                                 begun_cb, &id);
  else
    conduit_history_store_begin_run_async (store, &run, "out", items, NULL, begun_cb, &id);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  return id > 0 ? id : 0;
}

static void
finish (ConduitHistoryStore *store,
        gint64               id,
        ConduitRunStatus     status)
{
  ConduitRunRecord run = { .id = id, .flow = (char *)"Orders", .finished_us = g_get_real_time (),
                           .status = status, .items_in = 1, .items_ok = 1 };

  conduit_history_store_finish_run (store, &run);
}

static char *
run_cli (const char  *history,
         int         *status,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("CONDUIT_CLI"));
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, (char *)"--history");
  g_ptr_array_add (argv, (char *)history);
  g_ptr_array_add (argv, NULL);
  cli = g_subprocess_newv ((const char * const *)argv->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                           &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (cli, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (cli);
  return out;
}

static void
test_history_postgresql (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *url = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitHistoryStore) viewer = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitRunRecord) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *id_text = NULL;
  g_autofree char *bad_url = NULL;
  ConduitStepRecord step = { 0 };
  ConduitHistoryQuery all = { .status = -1, .limit = 100 };
  Opener openers[4] = { 0 };
  GThread *threads[4];
  gint64 id1, id2, id3, plain;
  gint status;

  if (server == NULL)
    return;
  drop_history (server);
  url = history_url (server);

  /* Several processes starting on an empty database at once all find the schema made. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      openers[i].url = url;
      threads[i] = g_thread_new ("opener", open_thread, &openers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (openers[i].error);
    }

  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_history_store_get_backend_name (store), ==, "postgresql");
  /* The address shown everywhere keeps the password out. */
  g_assert_null (strstr (conduit_history_store_get_path (store), DB_TEST_PASSWORD));
  g_assert_nonnull (strstr (conduit_history_store_get_path (store), "127.0.0.1"));

  /* An event's first delivery runs; a delivery while that run is recorded as running (its
   * worker died) runs again as the next attempt, and the first run becomes interrupted; once a
   * run ended, another delivery does not run. */
  id1 = begin (store, "event-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id1, >, 0);
  id2 = begin (store, "event-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id2, >, id1);
  first = conduit_history_store_get_run (store, id1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->status, ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  g_assert_nonnull (strstr (first->error, "attempt 2"));
  finish (store, id2, CONDUIT_RUN_STATUS_SUCCEEDED);
  id3 = begin (store, "event-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (id3, ==, 0);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'event-1' AND done"), ==, 2);

  /* A plain run with its steps and items, read back as `history show` does. */
  plain = begin (store, NULL, &error);
  g_assert_no_error (error);
  step.run_id = plain;
  step.node_id = (char *)"send";
  step.item_index = 0;
  step.attempt = 1;
  step.started_us = g_get_real_time ();
  step.status = (char *)"started";
  g_assert_true (conduit_history_store_start_attempts (store, &step, 1, &error));
  g_assert_no_error (error);
  step.status = (char *)"failed";
  step.http_status = 500;
  step.error_kind = (char *)"http";
  step.error_message = (char *)"The server answered 500";
  step.finished_us = g_get_real_time ();
  conduit_history_store_add_step (store, &step);
  /* quotes and backslashes survive the writer's combined INSERT (array literals) */
  conduit_history_store_add_item (store, plain, "send", "error", TRUE, 0,
                                  "{\"seq\": 7, \"error\": \"server \\\"x\\\" \\\\ {a,b}\"}");
  {
    ConduitRunRecord run = { .id = plain, .flow = (char *)"Orders",
                             .finished_us = g_get_real_time (),
                             .status = CONDUIT_RUN_STATUS_FAILED, .items_in = 1,
                             .items_failed = 1, .error = (char *)"one item failed" };

    conduit_history_store_finish_run (store, &run);
  }
  g_assert_true (conduit_history_store_set_cursor (store, "Orders", "poll", "42", &error));
  g_assert_no_error (error);
  g_assert_true (conduit_history_store_flush (store, &error));

  runs = conduit_history_store_list_runs (store, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id, ==, plain);
  g_assert_cmpint (((ConduitRunRecord *)g_ptr_array_index (runs, 0))->status, ==,
                   CONDUIT_RUN_STATUS_FAILED);
  all.text = "buyer@example";
  g_assert_cmpuint (conduit_history_store_count_runs (store, &all, &error), ==, 3);
  all.text = "one item";
  g_assert_cmpuint (conduit_history_store_count_runs (store, &all, &error), ==, 1);
  all.text = NULL;
  all.unhandled = TRUE;
  g_assert_cmpuint (conduit_history_store_count_runs (store, &all, &error), ==, 2);
  all.unhandled = FALSE;
  steps = conduit_history_store_list_steps (store, plain, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->status, ==, "failed");
  g_assert_cmpuint (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->http_status, ==, 500);
  items = conduit_history_store_list_items (store, plain, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((ConduitItemRecord *)g_ptr_array_index (items, 0))->node_id, ==, "hook");
  g_assert_cmpstr (((ConduitItemRecord *)g_ptr_array_index (items, 1))->data, ==,
                   "{\"seq\": 7, \"error\": \"server \\\"x\\\" \\\\ {a,b}\"}");
  g_assert_true (conduit_history_store_get_cursor (store, "Orders", "poll", &cursor, &error));
  g_assert_cmpstr (cursor, ==, "42");

  /* The command line reads it like a SQLite history. */
  out = run_cli (url, &status, "history", "list", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Orders"));
  g_assert_null (strstr (out, DB_TEST_PASSWORD));
  g_clear_pointer (&out, g_free);
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, plain);
  out = run_cli (url, &status, "history", "show", id_text, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "500"));
  g_clear_pointer (&out, g_free);

  /* serve --check connects, and names the server when it cannot. */
  {
    g_autoptr(GError) dir_error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("conduit-scale-check-XXXXXX", &dir_error);
    g_autofree char *flow = write_flow (dir, "orders.conduit", "Orders", "http://127.0.0.1:9/");
    g_autofree char *nobody = g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test",
                                               DB_TEST_PASSWORD, test_free_port ());

    out = run_cli (url, &status, "serve", "--check", flow, NULL);
    g_assert_cmpint (status, ==, 0);
    g_clear_pointer (&out, g_free);
    out = run_cli (nobody, &status, "serve", "--check", flow, NULL);
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (out, "the history cannot be used"));
    g_assert_null (strstr (out, DB_TEST_PASSWORD));
    g_clear_pointer (&out, g_free);
    g_unlink (flow);
    g_rmdir (dir);
  }

  /* Read-only: it reads, and refuses every write with a reason. */
  viewer = conduit_history_store_new_read_only (url, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_history_store_is_read_only (viewer));
  g_clear_pointer (&runs, g_ptr_array_unref);
  runs = conduit_history_store_list_runs (viewer, &all, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 3);
  g_assert_cmpint (conduit_history_store_delete_runs (viewer, &plain, 1, &error), ==, -1);
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (conduit_history_store_mark_handled (viewer, &plain, 1, &error));
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpint (begin (viewer, "event-2", &error), ==, 0);
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  conduit_history_store_close (viewer);

  /* The writable store deletes. */
  g_assert_cmpint (conduit_history_store_delete_runs (store, &plain, 1, &error), ==, 1);
  g_assert_no_error (error);
  conduit_history_store_close (store);

  /* A server that is not there: the message names it, without the password. */
  bad_url = g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test", DB_TEST_PASSWORD,
                             test_free_port ());
  g_clear_object (&viewer);
  viewer = conduit_history_store_new_read_only (bad_url, &error);
  g_assert_null (viewer);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_assert_null (strstr (error->message, DB_TEST_PASSWORD));
  g_clear_error (&error);
  viewer = conduit_history_store_new_read_only ("history.db", &error);
  g_assert_null (viewer);
  g_assert_nonnull (strstr (error->message, "postgresql://"));
}

/* The schema of the PostgreSQL history as conduit-cli made it before schema 2 (the tables,
 * their indexes and the version row), to see that a newer one takes such a history over. */
static const char schema_1_sql[] =
  "CREATE TABLE conduit_history_meta ("
  "  name TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE conduit_runs ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  flow TEXT NOT NULL,"
  "  trigger_node TEXT,"
  "  trigger_kind TEXT,"
  "  started_us BIGINT NOT NULL,"
  "  finished_us BIGINT NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'running',"
  "  items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_ok INTEGER NOT NULL DEFAULT 0,"
  "  items_failed INTEGER NOT NULL DEFAULT 0,"
  "  items_rejected INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT,"
  "  handled BOOLEAN NOT NULL DEFAULT FALSE,"
  "  event_id TEXT,"
  "  attempt INTEGER NOT NULL DEFAULT 1,"
  "  host TEXT,"
  "  pid INTEGER);"
  "CREATE INDEX conduit_runs_by_flow ON conduit_runs (flow, started_us);"
  "CREATE INDEX conduit_runs_by_status ON conduit_runs (status);"
  "CREATE INDEX conduit_runs_by_event ON conduit_runs (event_id);"
  "CREATE TABLE conduit_steps ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  run_id BIGINT NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  item_index INTEGER NOT NULL,"
  "  attempt INTEGER NOT NULL,"
  "  started_us BIGINT NOT NULL,"
  "  finished_us BIGINT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  http_status INTEGER NOT NULL DEFAULT 0,"
  "  delay_ms BIGINT NOT NULL DEFAULT 0,"
  "  items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_out INTEGER NOT NULL DEFAULT 0,"
  "  items_failed INTEGER NOT NULL DEFAULT 0,"
  "  error_kind TEXT,"
  "  error_message TEXT);"
  "CREATE INDEX conduit_steps_by_run"
  "  ON conduit_steps (run_id, node_id, item_index, attempt);"
  "CREATE TABLE conduit_items ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  run_id BIGINT NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  port TEXT NOT NULL,"
  "  is_output BOOLEAN NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  size BIGINT NOT NULL,"
  "  truncated BOOLEAN NOT NULL);"
  "CREATE INDEX conduit_items_by_run ON conduit_items (run_id, node_id);"
  "CREATE TABLE conduit_events ("
  "  event_id TEXT PRIMARY KEY,"
  "  flow TEXT NOT NULL,"
  "  first_us BIGINT NOT NULL,"
  "  run_id BIGINT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  done BOOLEAN NOT NULL DEFAULT FALSE);"
  "CREATE INDEX conduit_events_by_run ON conduit_events (run_id);"
  "CREATE TABLE conduit_dedupe_keys ("
  "  scope TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  seen_us BIGINT NOT NULL,"
  "  expires_us BIGINT NOT NULL,"
  "  PRIMARY KEY (scope, key));"
  "CREATE TABLE conduit_trigger_cursors ("
  "  flow TEXT NOT NULL,"
  "  trigger TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_us BIGINT NOT NULL,"
  "  PRIMARY KEY (flow, trigger));";

/* Runs @sql (any number of statements) as the history's user, who owns the tables. */
static void
exec_as_app (DbTestServer *server,
             const char   *sql)
{
  g_autofree char *url = history_url (server);
  PGconn *conn = PQconnectdb (url);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
}

/* The rows no later statement looks for (items, the ends of nodes) wait for the batch's COMMIT
 * and go several to a statement: they land whole, a run's steps keep the order they were
 * written in, and a row the server refuses fails alone, found by writing the batch again row by
 * row. */
static void
test_history_postgresql_held_rows (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *url = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 runs[2];

  if (server == NULL)
    return;
  drop_history (server);
  url = history_url (server);
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      runs[r] = begin (store, NULL, &error);
      g_assert_no_error (error);
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(GPtrArray) steps = NULL;
      g_autoptr(GPtrArray) items = NULL;
      guint n_items = pass == 0 ? 75 : 7;

      if (pass == 1)
        {
          exec_as_app (server, "ALTER TABLE conduit_items ADD CONSTRAINT conduit_test_refused"
                               " CHECK (data <> '\"refused\"')");
          g_test_expect_message ("conduit-history-store", G_LOG_LEVEL_WARNING,
                                 "*conduit_test_refused*");
        }
      for (guint i = 0; i < n_items; i++)
        {
          gint64 run_id = runs[i % 2];
          g_autofree char *data = g_strdup_printf ("{\"pass\": %u, \"i\": %u, \"text\": "
                                                   "\"a \\\"quote\\\" and \\\\\"}", pass, i);
          g_autofree char *node = g_strdup_printf ("node-%u-%u", pass, i);
          ConduitStepRecord step = { .run_id = run_id, .node_id = node, .item_index = 0,
                                     .attempt = 0, .started_us = i, .finished_us = i + 1,
                                     .status = (char *)"ok", .items_in = 1,
                                     .items_out = 1 };

          conduit_history_store_add_item (store, run_id, "map", "out", TRUE, i + pass * 100,
                                          pass == 1 && i == 3 ? "\"refused\"" : data);
          /* a run's attempt (its mark, then its end replacing it) between its nodes' ends */
          if (i % 10 == 4)
            {
              ConduitStepRecord attempt = step;

              attempt.attempt = 1;
              attempt.status = (char *)"started";
              conduit_history_store_add_step (store, &attempt);
              attempt.status = (char *)"failed";
              attempt.error_kind = (char *)"http";
              attempt.error_message = (char *)"The server answered 500";
              conduit_history_store_add_step (store, &attempt);
            }
          conduit_history_store_add_step (store, &step);
        }
      g_assert_true (conduit_history_store_flush (store, &error));
      g_assert_no_error (error);
      if (pass == 1)
        g_test_assert_expected_messages ();

      for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
        {
          guint expected_item = 0, expected_step = 0;

          g_clear_pointer (&items, g_ptr_array_unref);
          items = conduit_history_store_list_items (store, runs[r], "map", &error);
          g_assert_no_error (error);
          g_clear_pointer (&steps, g_ptr_array_unref);
          steps = conduit_history_store_list_steps (store, runs[r], &error);
          g_assert_no_error (error);
          for (guint i = r; i < n_items; i += 2)
            {
              g_autofree char *data = g_strdup_printf ("{\"pass\": %u, \"i\": %u, \"text\": "
                                                       "\"a \\\"quote\\\" and \\\\\"}", pass, i);
              g_autofree char *node = g_strdup_printf ("node-%u-%u", pass, i);
              ConduitItemRecord *item;
              ConduitStepRecord *step;

              /* the steps of the earlier pass come first */
              while (expected_step < steps->len &&
                     !g_str_has_prefix (((ConduitStepRecord *)
                                         g_ptr_array_index (steps, expected_step))->node_id,
                                        pass == 0 ? "node-0-" : "node-1-"))
                expected_step++;
              if (i % 10 == 4)
                {
                  g_assert_cmpuint (expected_step, <, steps->len);
                  step = g_ptr_array_index (steps, expected_step++);
                  g_assert_cmpstr (step->node_id, ==, node);
                  g_assert_cmpint (step->attempt, ==, 1);
                  g_assert_cmpstr (step->status, ==, "failed");
                }
              g_assert_cmpuint (expected_step, <, steps->len);
              step = g_ptr_array_index (steps, expected_step++);
              g_assert_cmpstr (step->node_id, ==, node);
              g_assert_cmpint (step->attempt, ==, 0);
              g_assert_cmpstr (step->status, ==, "ok");

              if (pass == 1 && i == 3)
                continue;
              while (expected_item < items->len &&
                     ((ConduitItemRecord *)g_ptr_array_index (items, expected_item))->seq <
                     100 * pass)
                expected_item++;
              g_assert_cmpuint (expected_item, <, items->len);
              item = g_ptr_array_index (items, expected_item++);
              g_assert_cmpuint (item->seq, ==, i + pass * 100);
              g_assert_cmpstr (item->data, ==, data);
            }
          g_assert_cmpuint (expected_item, ==, items->len);
          g_assert_cmpuint (expected_step, ==, steps->len);
        }
    }
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_items"), ==,
                   2 + 75 + 6);
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_steps"), ==,
                   75 + 8 + 7 + 1);
  conduit_history_store_close (store);
}

/* Events begun together, new ones and ones seen before, as a worker's batch has them: a new
 * event's claim and run go out as one statement, answered at the COMMIT; one seen before is
 * decided after it, claimed again (its run ended: no run; cut short: the next attempt). */
static void
test_history_postgresql_claims (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  const char *events[] = { "new-1", "ended", "new-2", "cut-short", "new-3", "new-1" };
  ConduitRunRecord run = { .flow = (char *)"Orders", .trigger_node = (char *)"hook",
                           .trigger_kind = (char *)"webhook", .items_in = 1 };
  g_autofree char *url = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRunRecord) cut = NULL;
  gint64 ids[G_N_ELEMENTS (events)] = { 0 };
  gint64 ended, cut_short;
  guint n_done;

  if (server == NULL)
    return;
  drop_history (server);
  url = history_url (server);
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  ended = begin (store, "ended", &error);
  g_assert_no_error (error);
  finish (store, ended, CONDUIT_RUN_STATUS_SUCCEEDED);
  cut_short = begin (store, "cut-short", &error);
  g_assert_no_error (error);
  g_assert_true (conduit_history_store_flush (store, &error));

  g_ptr_array_add (items, (char *)"{\"seq\": 7}");
  g_object_set_data (G_OBJECT (store), "test-error", &error);
  run.started_us = g_get_real_time ();
  for (guint i = 0; i < G_N_ELEMENTS (events); i++)
    conduit_history_store_begin_event_run_async (store, &run, "out", items, events[i], NULL,
                                                 begun_cb, &ids[i]);
  do
    {
      g_main_context_iteration (NULL, TRUE);
      n_done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (events); i++)
        n_done += ids[i] != 0;
    }
  while (n_done < G_N_ELEMENTS (events));
  g_assert_no_error (error);

  g_assert_cmpint (ids[0], >, cut_short);
  g_assert_cmpint (ids[1], ==, -1);
  g_assert_cmpint (ids[2], >, cut_short);
  g_assert_cmpint (ids[3], >, cut_short);
  g_assert_cmpint (ids[4], >, cut_short);
  /* the same event twice in a batch: the second finds the first's run running */
  g_assert_cmpint (ids[5], >, ids[0]);
  cut = conduit_history_store_get_run (store, cut_short, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cut->status, ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'cut-short'"), ==, 2);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'new-1'"), ==, 2);
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_runs"), ==, 7);
  /* each run has the item it started with */
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_runs r WHERE NOT EXISTS"
                                        " (SELECT 1 FROM conduit_items i WHERE i.run_id = r.id)"),
                   ==, 0);
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_events e JOIN conduit_runs r"
                                        " ON r.id = e.run_id AND r.event_id = e.event_id"), ==, 5);
  conduit_history_store_close (store);
}

/* A writable history on the test server, its tables dropped first */
static ConduitHistoryStore *
open_empty_history (DbTestServer *server)
{
  g_autofree char *url = history_url (server);
  g_autoptr(GError) error = NULL;
  ConduitHistoryStore *store;

  drop_history (server);
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  return store;
}

/* The ends of runs queued together (as a worker's ended runs are): each run gets its own end
 * (texts that need quoting too), its event is done, a run cut short leaves its event to run
 * again, a claim of an event whose run ended in the same batch does not run it again, and an
 * end the server refuses is left out alone. */
static void
test_history_postgresql_ends (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  const ConduitRunStatus statuses[] = {
    CONDUIT_RUN_STATUS_SUCCEEDED, CONDUIT_RUN_STATUS_FAILED, CONDUIT_RUN_STATUS_PARTIAL,
    CONDUIT_RUN_STATUS_INTERRUPTED, CONDUIT_RUN_STATUS_SUCCEEDED, CONDUIT_RUN_STATUS_FAILED,
  };
  const char *errors[] = {
    NULL, "a \"quoted\" {brace}, a back\\slash, NULL and ünïcode", NULL, "cut short", NULL,
    "refused",
  };
  ConduitRunRecord again = { .flow = (char *)"Orders", .trigger_node = (char *)"hook",
                             .trigger_kind = (char *)"webhook", .items_in = 1 };
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  gint64 ids[G_N_ELEMENTS (statuses)];
  gint64 again_id = 0;

  if (server == NULL)
    return;
  store = open_empty_history (server);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *event_id = g_strdup_printf ("end-%u", i);

      ids[i] = begin (store, event_id, &error);
      g_assert_no_error (error);
    }
  g_assert_true (conduit_history_store_flush (store, &error));
  exec_as_app (server, "ALTER TABLE conduit_runs ADD CONSTRAINT conduit_test_refused"
                       " CHECK (error IS NULL OR error <> 'refused')");
  g_test_expect_message ("conduit-history-store", G_LOG_LEVEL_WARNING, "*conduit_test_refused*");

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      ConduitRunRecord run = { .id = ids[i], .flow = (char *)"Orders",
                               .finished_us = 1000 + i, .status = statuses[i], .items_in = 1,
                               .items_ok = i, .items_failed = i + 1, .items_rejected = i + 2,
                               .error = (char *)errors[i] };

      conduit_history_store_finish_run (store, &run);
    }
  /* end-4 delivered again, right behind its run's end */
  g_ptr_array_add (items, (char *)"{\"seq\": 7}");
  g_object_set_data (G_OBJECT (store), "test-error", &error);
  again.started_us = g_get_real_time ();
  conduit_history_store_begin_event_run_async (store, &again, "out", items, "end-4", NULL,
                                               begun_cb, &again_id);
  while (again_id == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpint (again_id, ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(ConduitRunRecord) run = conduit_history_store_get_run (store, ids[i], &error);
      g_autofree char *done_sql = g_strdup_printf ("SELECT COUNT(*) FROM conduit_events"
                                                   " WHERE event_id = 'end-%u' AND done", i);
      gboolean refused = i == 5;

      g_assert_no_error (error);
      g_assert_nonnull (run);
      g_assert_cmpint (run->status, ==, refused ? CONDUIT_RUN_STATUS_RUNNING : statuses[i]);
      if (refused)
        continue;
      g_assert_cmpint (run->finished_us, ==, 1000 + i);
      g_assert_cmpuint (run->items_ok, ==, i);
      g_assert_cmpuint (run->items_failed, ==, i + 1);
      g_assert_cmpuint (run->items_rejected, ==, i + 2);
      g_assert_cmpstr (run->error, ==, errors[i]);
      /* an event whose run was cut short runs again when it comes back */
      g_assert_cmpint (query_count (server, done_sql), ==,
                       statuses[i] == CONDUIT_RUN_STATUS_INTERRUPTED ? 0 : 1);
    }
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_events"
                                        " WHERE event_id = 'end-5' AND done"), ==, 0);
  g_assert_cmpint (query_count (server, "SELECT COUNT(*) FROM conduit_runs"), ==, 6);
  conduit_history_store_close (store);
}

static void
test_history_postgresql_schema_1 (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *url = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitRunRecord) old_run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  ConduitStepRecord step = { 0 };
  gint64 old_id, done_id, new_id;

  if (server == NULL)
    return;
  drop_history (server);
  url = history_url (server);

  /* A history of schema 1 with two queued events: one whose run another host's worker left
   * running, one done; the first run has a step's started row and its end, and two items. */
  exec_as_app (server, schema_1_sql);
  exec_as_app (server,
    "INSERT INTO conduit_history_meta VALUES ('schema_version', '1');"
    "INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in, host, pid,"
    " event_id) VALUES ('Orders', 'hook', 'webhook', 1000, 1, 'elsewhere', 1, 'event-old'),"
    " ('Orders', 'hook', 'webhook', 2000, 1, 'elsewhere', 1, 'event-done');"
    "UPDATE conduit_runs SET status = 'succeeded', finished_us = 2500"
    " WHERE event_id = 'event-done';"
    "INSERT INTO conduit_events (event_id, flow, first_us, run_id, attempts, done)"
    " SELECT event_id, flow, started_us, id, 1, status = 'succeeded' FROM conduit_runs;"
    "INSERT INTO conduit_steps (run_id, node_id, item_index, attempt, started_us, finished_us,"
    " status) SELECT id, 'send', 0, 1, 1100, 0, 'started' FROM conduit_runs"
    " WHERE event_id = 'event-old';"
    "INSERT INTO conduit_steps (run_id, node_id, item_index, attempt, started_us, finished_us,"
    " status, http_status, error_kind, error_message) SELECT id, 'send', 0, 2, 1200, 1300,"
    " 'failed', 503, 'http', 'old step' FROM conduit_runs WHERE event_id = 'event-old';"
    "INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size, truncated)"
    " SELECT id, 'hook', 'out', TRUE, 0, '{\"n\": 1}', 8, FALSE FROM conduit_runs"
    " WHERE event_id = 'event-old';"
    "INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size, truncated)"
    " SELECT id, 'send', 'error', TRUE, 0, '{\"n\": 2}', 8, FALSE FROM conduit_runs"
    " WHERE event_id = 'event-old'");
  old_id = query_count (server, "SELECT id FROM conduit_runs WHERE event_id = 'event-old'");
  done_id = query_count (server, "SELECT id FROM conduit_runs WHERE event_id = 'event-done'");

  /* Opening it for writing brings it to schema 3: one index per step, item and event, none on
   * a run's status; the runs' pages leave room for their ends. */
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_count (server, "SELECT value::integer FROM conduit_history_meta"
                                        " WHERE name = 'schema_version'"), ==, 3);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_class WHERE relname IN"
                                        " ('conduit_runs', 'conduit_events')"
                                        " AND 'fillfactor=50' = ANY (reloptions)"), ==, 2);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_indexes"
                                        " WHERE tablename = 'conduit_steps'"), ==, 1);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_indexes"
                                        " WHERE tablename = 'conduit_items'"), ==, 1);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_indexes"
                                        " WHERE tablename = 'conduit_events'"), ==, 1);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_indexes"
                                        " WHERE tablename = 'conduit_runs'"), ==, 2);

  /* What was there reads back as before, in its order. */
  old_run = conduit_history_store_get_run (store, old_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old_run->status, ==, CONDUIT_RUN_STATUS_RUNNING);
  steps = conduit_history_store_list_steps (store, old_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 2);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->status, ==, "started");
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (steps, 1))->error_message, ==,
                   "old step");
  items = conduit_history_store_list_items (store, old_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, ==, "{\"n\": 1}");
  g_assert_cmpstr (((ConduitItemRecord *)g_ptr_array_index (items, 1))->data, ==, "{\"n\": 2}");
  g_clear_pointer (&items, g_ptr_array_unref);
  items = conduit_history_store_list_items (store, old_id, "send", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);

  /* The events keep their promises: the done one does not run again; the other runs as its
   * second attempt, and the first run's late end does not make it done. */
  g_assert_cmpint (begin (store, "event-done", &error), ==, 0);
  g_assert_no_error (error);
  new_id = begin (store, "event-old", &error);
  g_assert_no_error (error);
  g_assert_cmpint (new_id, >, done_id);
  g_clear_pointer (&old_run, conduit_run_record_free);
  old_run = conduit_history_store_get_run (store, old_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old_run->status, ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  finish (store, old_id, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM conduit_events"
                                        " WHERE event_id = 'event-old' AND done"), ==, 0);

  /* The new run's attempt: its end replaces its started row, after the new ids. */
  step.run_id = new_id;
  step.node_id = (char *)"send";
  step.attempt = 1;
  step.started_us = g_get_real_time ();
  step.status = (char *)"started";
  g_assert_true (conduit_history_store_start_attempts (store, &step, 1, &error));
  g_assert_no_error (error);
  step.status = (char *)"ok";
  step.http_status = 200;
  step.finished_us = g_get_real_time ();
  conduit_history_store_add_step (store, &step);
  finish (store, new_id, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'event-old' AND done"), ==, 2);
  g_clear_pointer (&steps, g_ptr_array_unref);
  steps = conduit_history_store_list_steps (store, new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->status, ==, "ok");
  g_assert_cmpint (((ConduitStepRecord *)g_ptr_array_index (steps, 0))->id, >,
                   query_count (server, "SELECT max(id) FROM conduit_steps WHERE run_id <> "
                                        "(SELECT max(id) FROM conduit_runs)"));
  g_clear_pointer (&items, g_ptr_array_unref);
  items = conduit_history_store_list_items (store, new_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  conduit_history_store_close (store);
}

/* A history of schema 2 (schema 3 but for the fillfactor 90 of conduit_runs and
 * conduit_events) becomes schema 3
 * in place: its rows stay, and the runs' new pages leave room for their ends, so that a run's
 * end is a HOT update. */
static void
test_history_postgresql_schema_2 (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *url = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(ConduitRunRecord) old_run = NULL;
  g_autoptr(GError) error = NULL;
  gint64 old_id, new_id;

  if (server == NULL)
    return;
  drop_history (server);
  url = history_url (server);

  /* A new history is schema 3 already */
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_count (server, "SELECT value::integer FROM conduit_history_meta"
                                        " WHERE name = 'schema_version'"), ==, 3);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_class WHERE relname IN"
                                        " ('conduit_runs', 'conduit_events')"
                                        " AND 'fillfactor=50' = ANY (reloptions)"), ==, 2);
  old_id = begin (store, "event-2", &error);
  g_assert_no_error (error);
  g_assert_cmpint (old_id, >, 0);
  conduit_history_store_close (store);
  g_clear_object (&store);

  /* … made schema 2, as conduit-cli wrote it before */
  exec_as_app (server, "ALTER TABLE conduit_runs SET (fillfactor = 90);"
                       "ALTER TABLE conduit_events SET (fillfactor = 90);"
                       "UPDATE conduit_history_meta SET value = '2'"
                       " WHERE name = 'schema_version'");
  store = conduit_history_store_new (url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_count (server, "SELECT value::integer FROM conduit_history_meta"
                                        " WHERE name = 'schema_version'"), ==, 3);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM pg_class WHERE relname IN"
                                        " ('conduit_runs', 'conduit_events')"
                                        " AND 'fillfactor=50' = ANY (reloptions)"), ==, 2);

  /* The run of schema 2 is there and ends; a new one runs and ends. */
  old_run = conduit_history_store_get_run (store, old_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old_run->status, ==, CONDUIT_RUN_STATUS_RUNNING);
  /* delivered again: its run was cut short, it runs as attempt 2 */
  g_assert_cmpint (begin (store, "event-2", &error), >, old_id);
  g_assert_no_error (error);
  new_id = begin (store, "event-3", &error);
  g_assert_no_error (error);
  finish (store, new_id, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_true (conduit_history_store_flush (store, &error));
  g_assert_no_error (error);
  g_clear_pointer (&old_run, conduit_run_record_free);
  old_run = conduit_history_store_get_run (store, new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (old_run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpint (query_count (server, "SELECT count(*) FROM conduit_events WHERE done"), ==, 1);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'event-2'"), ==, 2);
  /* a new event's row names its run and first attempt from its claim on */
  g_assert_cmpint (query_count (server, "SELECT run_id FROM conduit_events"
                                        " WHERE event_id = 'event-3'"), ==, new_id);
  g_assert_cmpint (query_count (server, "SELECT attempts FROM conduit_events"
                                        " WHERE event_id = 'event-3'"), ==, 1);
  conduit_history_store_close (store);
}


/* The PostgreSQL history writes its numbers with its own formatting: the text must be what
 * "%" G_GINT64_FORMAT gives, for every size and sign. */
static void
test_pg_param_int (void)
{
  static const gint64 values[] = { 0, 1, -1, 9, 10, -10, 99, 100, 1765000000000000,
                                   -1765000000000000, G_MAXINT32, G_MININT32,
                                   (gint64)G_MAXINT32 + 1, G_MAXINT64, G_MININT64,
                                   G_MAXINT64 - 1, G_MININT64 + 1 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);

  for (guint i = 0; i < G_N_ELEMENTS (values) + 10000; i++)
    {
      gint64 value = i < G_N_ELEMENTS (values)
                     ? values[i]
                     : (gint64)(((guint64)g_rand_int (rand) << 32) | g_rand_int (rand)) >>
                       g_rand_int_range (rand, 0, 63);
      g_autofree char *expected = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      Params p = { 0 };

      param_text (&p, "x");
      param_int (&p, value);
      g_assert_cmpint (p.n, ==, 2);
      g_assert_cmpstr (p.values[1], ==, expected);
      g_assert_true (p.values[1] == p.numbers[1]);
    }
}


int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/history-postgresql/pg-param-int", test_pg_param_int);
  g_test_add_func ("/conduit/history-postgresql/store", test_history_postgresql);
  g_test_add_func ("/conduit/history-postgresql/held-rows", test_history_postgresql_held_rows);
  g_test_add_func ("/conduit/history-postgresql/claims", test_history_postgresql_claims);
  g_test_add_func ("/conduit/history-postgresql/ends", test_history_postgresql_ends);
  g_test_add_func ("/conduit/history-postgresql/schema-1", test_history_postgresql_schema_1);
  g_test_add_func ("/conduit/history-postgresql/schema-2", test_history_postgresql_schema_2);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
