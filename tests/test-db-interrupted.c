/* test-db-interrupted.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>

#include "conduit.h"
#include "conduit-db.h"
#include "db-test-servers.h"

/* Issue #14 point 8 for Write Rows: `conduit-cli run` is killed (SIGKILL) while PostgreSQL holds
 * its second batch (another transaction has inserted, not yet committed, a row with a key of that
 * batch, so the server makes the batch wait for it). Afterwards the history tells per row: the
 * first batch answered, the second sent with the outcome unknown, the third not sent; `history
 * rerun --only-unsent` writes exactly the third batch, and nothing is written twice. */

#define BATCH      10
#define N_ITEMS    25
#define HELD_KEY   15      /* in the second batch */

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

static char *
run_cli (const char * const *argv,
         int                *exit_status)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Output output = { 0 };

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
remove_history (const char *db_path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db_path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static void
test_killed_mid_batch (void)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *flow_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *json = NULL;
  g_autofree char *run_id = NULL;
  g_autoptr(GString) items = g_string_new ("[");
  g_autoptr(ConduitDbParams) params = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) run = NULL;
  g_autoptr(ConduitHistoryStore) store = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GArray) states = NULL;
  ConduitDbConnection *holder;
  ConduitHistoryQuery query = { 0 };
  ConduitRunRecord *record;
  gint64 deadline;

  if (postgresql == NULL)
    return;

  dir = g_dir_make_tmp ("conduit-db-interrupted-XXXXXX", &error);
  g_assert_no_error (error);
  flow_path = g_build_filename (dir, "bulk.conduit", NULL);
  db_path = g_build_filename (dir, "history.db", NULL);

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS held");
  db_test_server_exec (postgresql, "CREATE TABLE held (id int PRIMARY KEY, label text NOT NULL)");
  db_test_server_exec (postgresql, "GRANT ALL ON held TO app");

  for (guint i = 1; i <= N_ITEMS; i++)
    g_string_append_printf (items, "%s{\"id\": %u, \"label\": \"row %u\"}", i > 1 ? ", " : "",
                            i, i);
  g_string_append (items, "]");
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Held batch\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": %s } },"
    "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"pg\", \"table\": \"held\", \"batch_size\": %u } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"write\","
    "    \"to_port\": \"in\" } ] }", items->str, BATCH);
  g_assert_true (g_file_set_contents (flow_path, json, -1, &error));

  /* The held row: a unique key another transaction inserted and has not committed makes the
   * server wait with every insert of the same key until that transaction ends. */
  params = db_test_server_params (postgresql, NULL, NULL);
  holder = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_db_connection_exec (holder, "BEGIN", &error));
  g_assert_true (conduit_db_connection_exec (holder, "INSERT INTO held VALUES (15, 'holder')",
                                             &error));
  g_assert_no_error (error);

  credential = db_test_server_credential_json (postgresql, "pg");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_PG", credential, TRUE);
  run = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run", flow_path,
                                     "--history", db_path, NULL);
  g_assert_no_error (error);

  /* the first batch committed and the second waiting on the held key: then kill */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((db_test_server_count (postgresql, "SELECT count(*) FROM held") < BATCH ||
          db_test_server_count (postgresql, "SELECT count(*) FROM pg_stat_activity WHERE "
                                            "wait_event_type = 'Lock' AND usename = 'app'") < 1) &&
         g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM held"), ==, BATCH);
  g_subprocess_send_signal (run, SIGKILL);
  g_subprocess_wait (run, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (run));

  /* the holder gives way; the killed client's batch was never committed */
  g_assert_true (conduit_db_connection_exec (holder, "ROLLBACK", &error));
  conduit_db_connection_close (holder);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (db_test_server_count (postgresql, "SELECT count(*) FROM pg_stat_activity WHERE "
                                           "usename = 'app' AND state <> 'idle'") > 0 &&
         g_get_monotonic_time () < deadline)
    g_usleep (20 * 1000);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM held"), ==, BATCH);

  /* Opening the history marks the run interrupted; per row: answered, unknown, not sent. */
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
  for (guint i = 0; i < N_ITEMS; i++)
    {
      ConduitSendState expected = i < BATCH ? CONDUIT_SEND_STATE_ANSWERED
                                  : i < 2 * BATCH ? CONDUIT_SEND_STATE_UNKNOWN
                                  : CONDUIT_SEND_STATE_NOT_SENT;

      g_assert_cmpint (g_array_index (states, ConduitSendState, i), ==, expected);
    }
  run_id = g_strdup_printf ("%" G_GINT64_FORMAT, record->id);
  conduit_history_store_close (store);

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
    g_assert_cmpint (json_object_get_int_member (object, "items_not_sent"), ==,
                     N_ITEMS - 2 * BATCH);
    g_assert_cmpint (json_object_get_int_member (object, "items_sent_answer_unknown"), ==, BATCH);
    g_assert_cmpint (json_object_get_int_member (object, "items_answered"), ==, BATCH);
  }

  /* Only the rows that never left: rows 21…25 land, rows 11…20 stay for the user to check. */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "history", "rerun", run_id, "--file",
                           flow_path, "--only-unsent", "--history", db_path, NULL };
    g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "CONDUIT_CREDENTIAL_PG", credential,
                                           TRUE);
    g_autoptr(GSubprocessLauncher) rerun = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_autoptr(GSubprocess) process = NULL;
    g_autofree char *out = NULL;

    g_subprocess_launcher_set_environ (rerun, envp);
    process = g_subprocess_launcher_spawnv (rerun, argv, &error);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
    g_assert_no_error (error);
    g_test_message ("%s", out);
    g_assert_true (g_subprocess_get_if_exited (process));
    g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  }
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM held"), ==,
                   N_ITEMS - BATCH);
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(*) FROM held WHERE id > 20"), ==,
                   N_ITEMS - 2 * BATCH);
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(*) FROM held WHERE id BETWEEN 11 AND 20"),
                   ==, 0);

  remove_history (db_path);
  g_unlink (flow_path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/db/interrupted/killed-mid-batch", test_killed_mid_batch);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
