/* test-crash-safety.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "conduit.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* Kills `conduit-cli serve` with SIGKILL in the middle of a burst of webhook events, starts it
 * again, and checks that every event that was answered 202 is in the history, and that no run
 * is left "running". */

#define N_EVENTS    400
#define CONCURRENCY 16
#define KILL_AFTER  120

typedef struct
{
  GSubprocess *serve;
  guint        accepted;
  gint64       run_ids[N_EVENTS];
  gboolean     answered[N_EVENTS];
  gboolean     killed;
} Burst;

static char *
event_body (guint    index,
            gpointer user_data)
{
  return g_strdup_printf ("{\"seq\": %u, \"order_id\": \"crash-%u\"}", index, index);
}

static gboolean
event_answered (guint     index,
                guint     status,
                GBytes   *body,
                gpointer  user_data)
{
  Burst *burst = user_data;

  if (status == 202)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                 (gssize)g_bytes_get_size (body), NULL));
      burst->run_ids[index] = json_object_get_int_member (
        json_node_get_object (json_parser_get_root (parser)), "run_id");
      g_assert_cmpint (burst->run_ids[index], >, 0);
      burst->answered[index] = TRUE;
      burst->accepted++;
    }

  if (!burst->killed && burst->accepted >= KILL_AFTER)
    {
      /* No warning, no clean-up: the process is simply gone. */
      g_subprocess_send_signal (burst->serve, SIGKILL);
      burst->killed = TRUE;
    }

  /* The rest is sent too, to a server that is gone. */
  return TRUE;
}

static void
test_kill_during_burst (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-crash-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *sink_url = fault_server_url (sink, "/slow");
  g_autofree char *flow = NULL;
  g_autofree char *url = NULL;
  g_autofree char *second_url = NULL;
  g_autoptr(GSubprocess) again = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  GString *script = g_string_new ("");
  Burst burst = { 0 };
  guint n_interrupted = 0;

  /* The sink is slow, so that runs are still going when the process dies. */
  for (guint i = 0; i < N_EVENTS; i++)
    g_string_append_printf (script, "%sslow:200", i ? "," : "");
  fault_server_script (sink, "/slow", script->str);
  g_string_free (script, TRUE);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Crash test\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/crash\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink_url);
  g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

  burst.serve = runner_test_start_serve (NULL, flow_path, db_path, NULL, &url);
  runner_test_post_events (url, N_EVENTS, CONCURRENCY, event_body, event_answered, &burst);
  g_subprocess_wait (burst.serve, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (burst.killed);
  g_assert_cmpint (g_subprocess_get_term_sig (burst.serve), ==, SIGKILL);
  g_assert_cmpuint (burst.accepted, >=, KILL_AFTER);

  /* Start again on the same history, then stop cleanly. */
  again = runner_test_start_serve (NULL, flow_path, db_path, NULL, &second_url);
  g_subprocess_send_signal (again, SIGTERM);
  g_subprocess_wait (again, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (again));
  g_assert_cmpint (g_subprocess_get_exit_status (again), ==, 0);

  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < N_EVENTS; i++)
    {
      g_autoptr(ConduitRunRecord) run = NULL;
      g_autoptr(GPtrArray) items = NULL;
      g_autofree char *expected = NULL;

      if (!burst.answered[i])
        continue;

      run = conduit_history_store_get_run (history, burst.run_ids[i], &error);
      g_assert_no_error (error);
      g_assert_cmpint (run->status, !=, CONDUIT_RUN_STATUS_RUNNING);
      if (run->status == CONDUIT_RUN_STATUS_INTERRUPTED)
        n_interrupted++;
      else
        g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);

      items = conduit_history_store_list_items (history, run->id, "hook", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, 1);
      expected = g_strdup_printf ("\"seq\":%u,", i);
      g_assert_nonnull (strstr (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, expected));
    }

  g_test_message ("%u events accepted before the kill, %u runs interrupted", burst.accepted,
                  n_interrupted);
  g_assert_cmpuint (n_interrupted, >, 0);

  conduit_history_store_close (history);
  g_clear_object (&burst.serve);
  {
    const char *names[] = { "orders.conduit", "history.db", "history.db-wal", "history.db-shm" };
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

  g_test_add_func ("/conduit/crash-safety/kill-during-burst", test_kill_during_burst);

  return g_test_run ();
}
