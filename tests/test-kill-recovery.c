/* test-kill-recovery.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>

#include "conduit.h"
#include "runner-test-util.h"

/* Kills `conduit-cli serve` with SIGKILL at random points (seeded: the seed is printed, and
 * CONDUIT_KILL_SEED=N replays a run) of bursts of webhook events whose flow appends each event
 * to an NDJSON file, restarting it on the same history each time. Afterwards: every event that
 * was answered 202 is in the history and no run is left "running"; the history database passes
 * PRAGMA integrity_check; the output file holds only whole lines, each a whole JSON event. */

#define N_ROUNDS    4
#define N_EVENTS    120
#define CONCURRENCY 8

typedef struct
{
  GSubprocess *serve;
  guint        accepted;
  guint        round;
  guint        kill_after;
  gboolean     killed;
  GArray      *run_ids;    /* every accepted event's run, over all rounds */
} Burst;

static char *
event_body (guint    index,
            gpointer user_data)
{
  Burst *burst = user_data;

  return g_strdup_printf ("{\"round\": %u, \"seq\": %u, \"note\": \"%s\"}", burst->round, index,
                          "a line long enough that writing it takes a while");
}

static gboolean
event_answered (guint     index,
                guint     status,
                GBytes   *body,
                gpointer  user_data)
{
  Burst *burst = user_data;

  if (status == SOUP_STATUS_ACCEPTED)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
      g_autoptr(JsonNode) answer = json_from_string (text, NULL);
      gint64 run_id;

      g_assert_nonnull (answer);
      run_id = json_object_get_int_member (json_node_get_object (answer), "run_id");
      g_assert_cmpint (run_id, >, 0);
      g_array_append_val (burst->run_ids, run_id);
      burst->accepted++;
    }

  if (!burst->killed && burst->accepted >= burst->kill_after)
    {
      g_subprocess_send_signal (burst->serve, SIGKILL);
      burst->killed = TRUE;
    }

  /* After the kill nothing new is sent: the answers in flight still come (or fail). */
  return !burst->killed;
}

static void
check_integrity (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Whole lines only, each a JSON event, none twice. */
static guint
check_output (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
      return 0;
    }
  g_assert_true (*text == '\0' || g_str_has_suffix (text, "\n"));

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++, n++)
    {
      g_autoptr(JsonNode) line = json_from_string (lines[i], &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (line));
      g_assert_true (json_object_has_member (json_node_get_object (line), "seq"));
      g_assert_false (g_hash_table_contains (seen, lines[i]));
      g_hash_table_add (seen, g_strdup (lines[i]));
    }

  return n;
}

static void
test_kill_at_random_points (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-kill-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *out_path = g_build_filename (dir, "orders.ndjson", NULL);
  g_autofree char *flow = NULL;
  g_autofree char *last_url = NULL;
  g_autoptr(GSubprocess) last = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GArray) run_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) rand = NULL;
  const char *seed_text = g_getenv ("CONDUIT_KILL_SEED");
  guint32 seed = seed_text ? (guint32)g_ascii_strtoull (seed_text, NULL, 10)
                                   : (guint32)g_test_rand_int ();
  guint n_interrupted = 0;

  g_assert_no_error (error);
  g_test_message ("seed %u (CONDUIT_KILL_SEED=%u replays this run)", seed, seed);
  rand = g_rand_new_with_seed (seed);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Kill test\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\","
    "    \"settings\": { \"path\": \"/hooks/kill\", \"port\": 0 } },"
    "  { \"id\": \"save\", \"type\": \"write-file\","
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\", \"mode\": \"append\" } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"save\", \"to_port\": \"in\" } ] }",
    out_path);
  g_file_set_contents (flow_path, flow, -1, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autofree char *url = NULL;
      Burst burst = { 0 };

      burst.run_ids = run_ids;
      burst.round = round;
      burst.kill_after = g_rand_int_range (rand, 1, N_EVENTS / 2);
      burst.serve = runner_test_start_serve (NULL, flow_path, db_path, NULL, &url);
      g_test_message ("round %u: kill after %u accepted events", round + 1, burst.kill_after);

      runner_test_post_events (url, N_EVENTS, CONCURRENCY, event_body, event_answered, &burst);
      if (!burst.killed)
        g_subprocess_send_signal (burst.serve, SIGKILL);
      g_subprocess_wait (burst.serve, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_term_sig (burst.serve), ==, SIGKILL);

      /* Between kills the file must already be whole: a reader may look at any time. */
      check_output (out_path);
      check_integrity (db_path);

      g_clear_object (&burst.serve);
    }

  /* A clean start marks what the kills interrupted; a clean stop finishes what it started. */
  last = runner_test_start_serve (NULL, flow_path, db_path, NULL, &last_url);
  g_subprocess_send_signal (last, SIGTERM);
  g_subprocess_wait (last, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (last));
  g_assert_cmpint (g_subprocess_get_exit_status (last), ==, 0);

  check_integrity (db_path);
  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < run_ids->len; i++)
    {
      g_autoptr(ConduitRunRecord) run = conduit_history_store_get_run (history,
                                                                       g_array_index (run_ids, gint64, i),
                                                                       &error);

      g_assert_no_error (error);
      g_assert_nonnull (run);
      g_assert_cmpint (run->status, !=, CONDUIT_RUN_STATUS_RUNNING);
      if (run->status == CONDUIT_RUN_STATUS_INTERRUPTED)
        n_interrupted++;
    }
  conduit_history_store_close (history);

  g_test_message ("%u events accepted over %u kills, %u runs marked interrupted, %u lines written",
                  run_ids->len, N_ROUNDS, n_interrupted, check_output (out_path));
  g_assert_cmpuint (run_ids->len, >=, N_ROUNDS);

  {
    const char *names[] = { "orders.conduit", "orders.ndjson", "history.db", "history.db-wal",
                            "history.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/robustness/kill/random-points", test_kill_at_random_points);

  return g_test_run ();
}
