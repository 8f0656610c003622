/* test-interrupted-sends.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "conduit.h"
#include "fault-server.h"

/* Issue #14 point 8: `conduit-cli run` is killed (SIGKILL) while a local server holds the answers
 * of the requests it sent. Afterwards the history tells per item: answered, sent with the answer
 * unknown (the held ones), not sent (the rest); `history list --interrupted` counts them and
 * `history rerun --only-unsent` sends exactly the items that were not sent, and marks the run
 * handled. */

#define N_ANSWERED 2
#define N_HELD     8    /* the HTTP step's requests in flight at most (MAX_IN_FLIGHT) */
#define N_UNSENT   5
#define N_ITEMS    (N_ANSWERED + N_HELD + N_UNSENT)

typedef struct
{
  gboolean  done;
  char     *out;
  GError   *error;
} Output;

static void
communicated_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Output *output = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &output->out, NULL,
                                        &output->error);
  output->done = TRUE;
}

/* Runs conduit-cli to its end; the fault server answers in this thread's context, so that
 * keeps turning meanwhile. */
static char *
run_cli (const char * const *argv,
         int                *exit_status)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Output output = { 0 };

  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, communicated_cb, &output);
  while (!output.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (output.error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (process);
  return output.out;
}

static void
test_killed_mid_send (void)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-interrupted-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "hold.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *url = fault_server_url (server, "/hold");
  g_autoptr(GString) items = g_string_new ("[");
  g_autoptr(GString) script = g_string_new ("ok,ok");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) run = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GArray) states = NULL;
  g_autoptr(GHashTable) unsent = g_hash_table_new (NULL, NULL);
  ConduitHistoryQuery query = { 0 };
  ConduitRunRecord *record;
  guint counts[3] = { 0 };
  g_autofree char *json = NULL;
  g_autofree char *run_id = NULL;
  gint64 deadline;

  g_assert_no_error (error);
  for (guint i = 0; i < N_ITEMS; i++)
    g_string_append_printf (items, "%s{\"n\": %u}", i ? ", " : "", i);
  g_string_append (items, "]");
  for (guint i = 0; i < N_HELD; i++)
    g_string_append (script, ",slow:600000");
  fault_server_script (server, "/hold", script->str);
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Held answers\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": %s } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"timeout_seconds\": 600 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\","
    "    \"to_port\": \"in\" } ] }", items->str, url);
  g_assert_true (g_file_set_contents (flow_path, json, -1, &error));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  run = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run", flow_path,
                                     "--history", db_path, NULL);
  g_assert_no_error (error);

  /* Every request that will leave has reached the server: two answered, eight held. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (fault_server_n_requests (server, "/hold") < N_ANSWERED + N_HELD &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fault_server_n_requests (server, "/hold"), ==, N_ANSWERED + N_HELD);
  g_subprocess_send_signal (run, SIGKILL);
  g_subprocess_wait (run, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (run));

  /* Opening the history marks the run interrupted; its items say what became of them. */
  store = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  query.status = CONDUIT_RUN_STATUS_INTERRUPTED;
  query.unhandled = TRUE;
  query.limit = 10;
  runs = conduit_history_store_list_runs (store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  record = g_ptr_array_index (runs, 0);
  g_assert_cmpuint (record->items_in, ==, N_ITEMS);
  states = conduit_run_replay_send_states (store, record->id, N_ITEMS, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < states->len; i++)
    {
      ConduitSendState state = g_array_index (states, ConduitSendState, i);

      counts[state]++;
      if (state == CONDUIT_SEND_STATE_NOT_SENT)
        g_hash_table_add (unsent, GUINT_TO_POINTER (i));
    }
  g_assert_cmpuint (counts[CONDUIT_SEND_STATE_ANSWERED], ==, N_ANSWERED);
  g_assert_cmpuint (counts[CONDUIT_SEND_STATE_UNKNOWN], ==, N_HELD);
  g_assert_cmpuint (counts[CONDUIT_SEND_STATE_NOT_SENT], ==, N_UNSENT);
  run_id = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
  conduit_history_store_close (store);

  /* The command line says the same. */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "list", "--interrupted",
                           "--json", "--history", db_path, NULL };
    int status;
    g_autofree char *out = run_cli (argv, &status);
    g_autoptr(JsonNode) root = json_from_string (out, &error);
    JsonObject *object;

    g_assert_cmpint (status, ==, 0);
    g_assert_no_error (error);
    object = json_array_get_object_element (json_node_get_array (root), 0);
    g_assert_cmpint (json_object_get_int_member (object, "items_not_sent"), ==, N_UNSENT);
    g_assert_cmpint (json_object_get_int_member (object, "items_sent_answer_unknown"), ==, N_HELD);
    g_assert_cmpint (json_object_get_int_member (object, "items_answered"), ==, N_ANSWERED);
  }

  /* history show lists each item's state */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "show", run_id,
                           "--history", db_path, NULL };
    int status;
    g_autofree char *out = run_cli (argv, &status);
    guint n_not_sent = 0, n_unknown = 0, n_answered = 0;
    g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

    g_assert_cmpint (status, ==, 0);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        if (!g_str_has_prefix (g_strstrip (lines[i]), "item "))
          continue;
        if (g_str_has_suffix (lines[i], ": not sent"))
          n_not_sent++;
        else if (g_str_has_suffix (lines[i], ": sent, answer unknown"))
          n_unknown++;
        else if (g_str_has_suffix (lines[i], ": answered"))
          n_answered++;
      }
    g_assert_cmpuint (n_not_sent, ==, N_UNSENT);
    g_assert_cmpuint (n_unknown, ==, N_HELD);
    g_assert_cmpuint (n_answered, ==, N_ANSWERED);
  }

  /* Sending again only what never left: exactly the unsent items reach the server. */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "rerun", run_id, "--file",
                           flow_path, "--only-unsent", "--history", db_path, NULL };
    int status;
    g_autofree char *out = run_cli (argv, &status);
    GPtrArray *created = fault_server_created (server);

    g_test_message ("%s", out);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpuint (fault_server_n_requests (server, "/hold"), ==, N_ITEMS);
    for (guint i = N_ANSWERED + N_HELD; i < created->len; i++)
      {
        JsonObject *item = json_node_get_object (g_ptr_array_index (created, i));
        guint n = (guint)json_object_get_int_member (item, "n");

        g_assert_true (g_hash_table_remove (unsent, GUINT_TO_POINTER (n)));
      }
    g_assert_cmpuint (g_hash_table_size (unsent), ==, 0);
  }

  /* The old run is handled: it no longer needs attention. */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "list", "--interrupted",
                           "--json", "--history", db_path, NULL };
    int status;
    g_autofree char *out = run_cli (argv, &status);
    g_autoptr(JsonNode) root = json_from_string (out, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 0);
  }

  /* Without --only-unsent a re-run sends every item of the run again. */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "rerun", run_id, "--file",
                           flow_path, "--history", db_path, NULL };
    int status;
    g_autofree char *out = run_cli (argv, &status);

    g_test_message ("%s", out);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpuint (fault_server_n_requests (server, "/hold"), ==, 2 * N_ITEMS);
  }

  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (db_path, suffixes[i], NULL);
        g_unlink (file);
      }
    g_unlink (flow_path);
    g_rmdir (dir);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/history/interrupted/killed-mid-send", test_killed_mid_send);

  return g_test_run ();
}
