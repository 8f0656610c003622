/* test-sched-queue.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "conduit.h"
#include "nats-test-server.h"

/* A schedule served by several receivers of `conduit-cli serve --queue`: a real
 * `nats-server -js` on a private port and store folder, three receivers and one worker as real
 * processes, a schedule every second. Each tick runs exactly once on the worker (the stream
 * drops the other receivers' copies), no tick between the first and the last is missing, only
 * one receiver says it queued a tick, and when a receiver is killed (-9) the others go on. */

#define N_RECEIVERS 3


/* Starts `serve --queue` and waits for the line that says it serves (a receiver's schedule, or
 * a worker's events). Its standard error is kept for the end. */
static GSubprocess *
start_serve (const char *flow_path,
             const char *db_path,
             const char *nats_url,
             const char *role)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *serve;

  g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
  serve = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "serve",
                                       flow_path, "--history", db_path, "--queue", nats_url,
                                       "--role", role, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (strstr (line, "scheduled, next run at ") != NULL ||
          strstr (line, "running its events from ") != NULL)
        break;
    }
  return serve;
}

/* Stops @serve with @signal_number and returns what it wrote on standard error. */
static char *
stop_serve (GSubprocess *serve,
            int          signal_number)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  char nul = '\0';

  g_subprocess_send_signal (serve, signal_number);
  g_subprocess_wait (serve, NULL, &error);
  g_assert_no_error (error);
  if (signal_number == SIGTERM)
    {
      g_assert_true (g_subprocess_get_if_exited (serve));
      g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
    }
  g_output_stream_splice (sink, g_subprocess_get_stderr_pipe (serve),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write (sink, &nul, 1, NULL, NULL);
  g_output_stream_close (sink, NULL, NULL);
  err = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
  return g_strdup (g_bytes_get_data (err, NULL));
}

static guint
count_lines_with (const char *text,
                  const char *needle)
{
  guint n = 0;

  for (const char *at = text; (at = strstr (at, needle)) != NULL; at += strlen (needle))
    n++;
  return n;
}

static gint
compare_seconds (gconstpointer a,
                 gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return x < y ? -1 : x > y;
}

static void
test_once_per_tick (void)
{
  g_autofree char *flow_path = NULL;
  g_autofree char *worker_db = NULL;
  g_autofree char *logs = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  GSubprocess *receivers[N_RECEIVERS] = { NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GArray) ticks = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GString) all_logs = g_string_new ("");
  ConduitHistoryQuery query = { .status = -1, .limit = 1000 };
  gint64 killed_s;
  NatsTestServer nats = { 0 };

  if (!nats_test_server_set_up (&nats, "conduit-sched-XXXXXX"))
    return;

  flow_path = g_build_filename (nats.dir, "ticks.conduit", NULL);
  g_assert_true (g_file_set_contents (flow_path,
    "{ \"version\": 1, \"name\": \"Ticks\", \"nodes\": ["
    "  { \"id\": \"tick\", \"type\": \"schedule-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"mode\": \"interval\", \"every_seconds\": 1 } } ], \"links\": [] }",
    -1, &error));
  g_assert_no_error (error);

  worker_db = g_build_filename (nats.dir, "worker.db", NULL);
  worker = start_serve (flow_path, worker_db, nats.url, "worker");
  for (guint i = 0; i < N_RECEIVERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("receiver%u.db", i);
      g_autofree char *db = g_build_filename (nats.dir, name, NULL);

      receivers[i] = start_serve (flow_path, db, nats.url, "receiver");
    }

  /* About five periods with three receivers, then one dies without a word, then three more
   * periods with two. */
  g_usleep (5500 * 1000);
  g_string_append (all_logs, logs = stop_serve (receivers[0], SIGKILL));
  g_clear_pointer (&logs, g_free);
  killed_s = g_get_real_time () / G_USEC_PER_SEC;
  g_usleep (3500 * 1000);
  for (guint i = 1; i < N_RECEIVERS; i++)
    {
      g_string_append (all_logs, logs = stop_serve (receivers[i], SIGTERM));
      g_clear_pointer (&logs, g_free);
    }
  /* the last ticks' runs end on the worker (in milliseconds; a loaded machine gets seconds) */
  g_usleep (2000 * 1000);
  g_free (stop_serve (worker, SIGTERM));
  for (guint i = 0; i < N_RECEIVERS; i++)
    g_object_unref (receivers[i]);

  history = conduit_history_store_new (worker_db, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(JsonNode) item = NULL;
      g_autoptr(GDateTime) fired = NULL;
      gint64 seconds;

      g_assert_cmpstr (run->trigger_kind, ==, "schedule");
      g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
      items = conduit_history_store_list_items (history, run->id, "tick", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, 1);
      item = json_from_string (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, &error);
      g_assert_no_error (error);
      fired = g_date_time_new_from_iso8601 (
        json_object_get_string_member (json_node_get_object (item), "fired_at"), NULL);
      g_assert_nonnull (fired);
      seconds = g_date_time_to_unix (fired);
      g_array_append_val (ticks, seconds);
    }
  conduit_history_store_close (history);

  /* one run a tick, none missing from the first to the last, and ticks after the kill */
  g_array_sort (ticks, compare_seconds);
  g_assert_cmpuint (ticks->len, >=, 7);
  for (guint i = 1; i < ticks->len; i++)
    g_assert_cmpint (g_array_index (ticks, gint64, i), ==, g_array_index (ticks, gint64, i - 1) + 1);
  g_assert_cmpint (g_array_index (ticks, gint64, ticks->len - 1), >=, killed_s + 2);

  /* Each tick was said queued by one receiver only; the others' copies were duplicates. */
  g_assert_cmpuint (count_lines_with (all_logs->str, "is queued"), ==, ticks->len);
  g_assert_cmpuint (count_lines_with (all_logs->str, "could not be queued"), ==, 0);

  nats_test_server_tear_down (&nats);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/sched-queue/once-per-tick", test_once_per_tick);

  return g_test_run ();
}
