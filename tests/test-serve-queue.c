/* test-serve-queue.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <nats/nats.h>
#include <signal.h>
#include <sys/prctl.h>

#include "conduit.h"
#include "nats-test-server.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* `conduit-cli serve --queue`: a real `nats-server -js` on a private port and store folder, a
 * receiver and workers as real processes. Every event a receiver acknowledged (202) runs and
 * succeeds even when a worker is killed (-9) in the middle of the burst; an event no worker can
 * run ends in the dead-letter stream and as a failed run with the reason; while NATS is down the
 * receiver answers 503, and 202 again once it is back. */

#define N_EVENTS    300
#define CONCURRENCY 8


static char *
write_flow (const char *dir,
            const char *file,
            const char *name,
            const char *sink_url)
{
  g_autofree char *flow = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, file, NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    name, sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* Starts `serve --queue` and waits for the line that says it serves. */
static GSubprocess *
start_serve_full (const char  *flow_path,
                  const char  *db_path,
                  const char  *nats_url,
                  const char  *role,
                  const char  *max_deliver,
                  char       **url,
                  char       **admin)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *serve;

  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
  serve = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "serve",
                                       flow_path, "--history", db_path, "--queue", nats_url,
                                       "--role", role, "--workers", "2", "--ack-wait", "2",
                                       "--max-deliver", max_deliver, "--admin", "127.0.0.1:0",
                                       NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (admin != NULL && g_str_has_prefix (line, "Admin: "))
        {
          g_auto(GStrv) words = g_strsplit (line, " ", 3);

          *admin = g_strdup (words[1]);
        }
      if ((at = strstr (line, "listening on ")) != NULL)
        {
          *url = g_strdup (at + strlen ("listening on "));
          break;
        }
      if (strstr (line, "running its events from ") != NULL)
        break;
    }
  return serve;
}

static GSubprocess *
start_serve (const char  *flow_path,
             const char  *db_path,
             const char  *nats_url,
             const char  *role,
             const char  *max_deliver,
             char       **url)
{
  return start_serve_full (flow_path, db_path, nats_url, role, max_deliver, url, NULL);
}

/* /readyz of a serve's admin port: its status, keeping this process's loop going. */
static guint
readyz (const char *admin)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (admin, "readyz", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

  (void)body;  /* the status is what counts */

  return soup_message_get_status (msg);
}

static char *
event_body (guint    index,
            gpointer user_data)
{
  return g_strdup_printf ("{\"seq\": %u}", index);
}

typedef struct
{
  guint        accepted;
  guint        refused;
  guint        kill_after;
  GSubprocess *victim;
} Burst;

static gboolean
event_answered (guint     index,
                guint     status,
                GBytes   *body,
                gpointer  user_data)
{
  Burst *burst = user_data;

  if (status == 202)
    burst->accepted++;
  else
    burst->refused++;
  /* Mid-burst, one worker dies without a word. */
  if (burst->victim != NULL && burst->accepted == burst->kill_after)
    {
      g_subprocess_force_exit (burst->victim);
      burst->victim = NULL;
    }
  return TRUE;
}

/* How many succeeded runs each event (by its seq) has in @db_path. */
static void
count_succeeded (const char *db_path,
                 guint      *counts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (db_path, &error);
  ConduitHistoryQuery query = { .status = -1, .limit = 10 * N_EVENTS };
  g_autoptr(GPtrArray) runs = NULL;

  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < runs->len; i++)
    {
      ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(JsonNode) item = NULL;
      gint64 seq;

      if (run->status != CONDUIT_RUN_STATUS_SUCCEEDED)
        continue;
      items = conduit_history_store_list_items (history, run->id, "hook", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (items->len, ==, 1);
      item = json_from_string (((ConduitItemRecord *)g_ptr_array_index (items, 0))->data, &error);
      g_assert_no_error (error);
      seq = json_object_get_int_member (json_node_get_object (item), "seq");
      g_assert_cmpint (seq, >=, 0);
      g_assert_cmpint (seq, <, N_EVENTS);
      counts[seq]++;
    }
  conduit_history_store_close (history);
}

static void
test_worker_killed (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = NULL;
  g_autofree char *receiver_db = NULL;
  char *worker_db[2] = { NULL, NULL };
  g_autoptr(GSubprocess) receiver = NULL;
  GSubprocess *workers[2] = { NULL, NULL };
  g_autoptr(GString) script = g_string_new ("");
  g_autofree char *url = NULL;
  g_autofree guint *counts = g_new0 (guint, N_EVENTS);
  g_autofree guint *survivor_counts = g_new0 (guint, N_EVENTS);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  GPtrArray *created;
  guint duplicates = 0;
  Burst burst = { 0 };
  NatsTestServer nats = { 0 };

  if (!nats_test_server_set_up (&nats, "conduit-queue-XXXXXX"))
    return;

  /* Every call takes a while, so runs are in flight when the worker dies. */
  for (guint i = 0; i < N_EVENTS; i++)
    g_string_append (script, i + 1 < N_EVENTS ? "slow:20," : "slow:20");
  fault_server_script (sink, "/orders", script->str);

  flow_path = write_flow (nats.dir, "orders.conduit", "Orders", sink_url);
  receiver_db = g_build_filename (nats.dir, "receiver.db", NULL);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *name = g_strdup_printf ("worker%u.db", i);

      worker_db[i] = g_build_filename (nats.dir, name, NULL);
      workers[i] = start_serve (flow_path, worker_db[i], nats.url, "worker", "5", &url);
      g_assert_null (url);
    }
  receiver = start_serve (flow_path, receiver_db, nats.url, "receiver", "5", &url);

  burst.kill_after = N_EVENTS / 3;
  burst.victim = workers[0];
  runner_test_post_events (url, N_EVENTS, CONCURRENCY, event_body, event_answered, &burst);
  g_assert_null (burst.victim);
  g_assert_cmpuint (burst.refused, ==, 0);
  g_assert_cmpuint (burst.accepted, ==, N_EVENTS);

  /* The survivor runs the rest, the dead worker's unacknowledged events included once their
   * ack wait ran out: wait (bounded) until the stream holds no event (the workers' consumer
   * removes what it acknowledged) and the sink got every event. */
  for (guint i = 0; i < 3000; i++)
    {
      created = fault_server_created (sink);
      g_hash_table_remove_all (seen);
      for (guint j = 0; j < created->len; j++)
        g_hash_table_add (seen, GINT_TO_POINTER (1 + json_object_get_int_member (
                            json_node_get_object (g_ptr_array_index (created, j)), "seq")));
      if (g_hash_table_size (seen) == N_EVENTS && test_stream_length (nats.url) == 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_EVENTS);
  g_assert_cmpuint (test_stream_length (nats.url), ==, 0);

  test_stop_serve (receiver, SIGTERM);
  test_stop_serve (workers[1], SIGTERM);

  /* Every acknowledged event has a succeeded run. A second one can only come from the commit
   * of a run's end on the killed worker just before its acknowledgement would have gone out;
   * the survivor never ran an event twice. */
  count_succeeded (worker_db[0], counts);
  count_succeeded (worker_db[1], survivor_counts);
  for (guint i = 0; i < N_EVENTS; i++)
    {
      g_assert_cmpuint (survivor_counts[i], <=, 1);
      g_assert_cmpuint (counts[i], <=, 1);
      g_assert_cmpuint (counts[i] + survivor_counts[i], >=, 1);
      duplicates += counts[i] + survivor_counts[i] - 1;
    }
  g_test_message ("%u of %u events ran twice (ended on the killed worker, not acknowledged)",
                  duplicates, N_EVENTS);
  g_assert_cmpuint (duplicates, <=, 64);

  for (guint i = 0; i < 2; i++)
    {
      g_free (worker_db[i]);
      g_object_unref (workers[i]);
    }
  nats_test_server_tear_down (&nats);
}

/* Asks NATS for the last message of @stream, as a worker's dead letters leave it. */
static char *
last_message (const char *url,
              const char *stream,
              const char *subject)
{
  natsConnection *connection = NULL;
  jsCtx *js = NULL;
  natsMsg *msg = NULL;
  char *text = NULL;

  g_assert_cmpint (natsConnection_ConnectTo (&connection, url), ==, NATS_OK);
  g_assert_cmpint (natsConnection_JetStream (&js, connection, NULL), ==, NATS_OK);
  if (js_GetLastMsg (&msg, js, stream, subject, NULL, NULL) == NATS_OK)
    {
      text = g_strndup (natsMsg_GetData (msg), natsMsg_GetDataLength (msg));
      natsMsg_Destroy (msg);
    }
  jsCtx_Destroy (js);
  natsConnection_Destroy (connection);
  return text;
}

static void
test_dead_letter_and_nats_down (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *orders = NULL;
  g_autofree char *other = NULL;
  g_autofree char *receiver_db = NULL;
  g_autofree char *worker_db = NULL;
  g_autofree char *dead = NULL;
  g_autofree char *url = NULL;
  g_autofree char *unused = NULL;
  g_autofree char *admin = NULL;
  g_autoptr(GSubprocess) receiver = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  ConduitRunRecord *run;
  Burst burst = { 0 };
  NatsTestServer nats = { 0 };

  if (!nats_test_server_set_up (&nats, "conduit-queue-XXXXXX"))
    return;

  /* The receiver takes events for "Orders"; the only worker serves another flow. */
  orders = write_flow (nats.dir, "orders.conduit", "Orders", sink_url);
  other = write_flow (nats.dir, "other.conduit", "Other", sink_url);
  receiver_db = g_build_filename (nats.dir, "receiver.db", NULL);
  worker_db = g_build_filename (nats.dir, "worker.db", NULL);
  worker = start_serve (other, worker_db, nats.url, "worker", "2", &unused);
  receiver = start_serve_full (orders, receiver_db, nats.url, "receiver", "2", &url, &admin);
  g_assert_nonnull (admin);
  g_assert_cmpuint (readyz (admin), ==, 200);

  runner_test_post_events (url, 1, 1, event_body, event_answered, &burst);
  g_assert_cmpuint (burst.accepted, ==, 1);

  /* Given back twice, then moved to the dead-letter stream (bounded wait). */
  for (guint i = 0; i < 300 && dead == NULL; i++)
    {
      dead = last_message (nats.url, CONDUIT_QUEUE_DEAD_STREAM, CONDUIT_QUEUE_DEAD_SUBJECT);
      if (dead == NULL)
        g_usleep (50 * 1000);
    }
  g_assert_nonnull (dead);
  g_assert_nonnull (strstr (dead, "\"flow\":\"Orders\""));
  g_assert_nonnull (strstr (dead, "\"seq\":0"));
  g_assert_cmpuint (fault_server_n_requests (sink, "/orders"), ==, 0);

  /* NATS away: the receiver refuses (503), nothing is promised; back: it takes events again. */
  nats_test_server_stop (&nats);
  burst = (Burst){ 0 };
  runner_test_post_events (url, 1, 1, event_body, event_answered, &burst);
  g_assert_cmpuint (burst.refused, ==, 1);
  g_assert_cmpuint (burst.accepted, ==, 0);
  g_assert_cmpuint (readyz (admin), ==, 503);
  nats_test_server_start (&nats);
  burst = (Burst){ 0 };
  for (guint i = 0; i < 100 && burst.accepted == 0; i++)
    {
      runner_test_post_events (url, 1, 1, event_body, event_answered, &burst);
      if (burst.accepted == 0)
        g_usleep (100 * 1000);
    }
  g_assert_cmpuint (burst.accepted, ==, 1);
  g_assert_cmpuint (readyz (admin), ==, 200);

  test_stop_serve (receiver, SIGTERM);
  test_stop_serve (worker, SIGTERM);

  /* The worker wrote the dead letter into its history as a failed run, with the reason. */
  history = conduit_history_store_new (worker_db, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, >=, 1);
  run = g_ptr_array_index (runs, runs->len - 1);
  g_assert_cmpstr (run->flow, ==, "Orders");
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_nonnull (strstr (run->error, "was delivered 2 times and no worker could run it"));
  g_assert_nonnull (strstr (run->error, CONDUIT_QUEUE_DEAD_STREAM));
  conduit_history_store_close (history);

  nats_test_server_tear_down (&nats);
}

static void
test_bad_options (void)
{
  const char *cases[][3] = {
    { "--queue", "redis://127.0.0.1:6379", "is not a NATS address" },
    { "--role", "worker", "--role needs --queue" },
  };
  g_autoptr(GError) dir_error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-queue-XXXXXX", &dir_error);
  g_autofree char *flow = write_flow (dir, "orders.conduit", "Orders", "http://127.0.0.1:9/");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GSubprocess) serve = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;

      serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                &error, g_getenv ("CONDUIT_CLI"), "serve", "--history",
                                ":memory:", cases[i][0], cases[i][1],
                                flow, NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (serve, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 1);
      g_assert_nonnull (strstr (err, cases[i][2]));
    }
  g_unlink (flow);
  g_rmdir (dir);
}

/* Runs `serve --check` with ARGS (NULL-terminated) on FLOW; returns the exit status, the
 * problems (stdout) and the summary (stderr). */
static int
serve_check (const char  *history,
             const char  *flow,
             char       **out,
             char       **err,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) check = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *)g_getenv ("CONDUIT_CLI"));
  g_ptr_array_add (argv, (gpointer)"serve");
  g_ptr_array_add (argv, (gpointer)"--check");
  g_ptr_array_add (argv, (gpointer)"--history");
  g_ptr_array_add (argv, (char *)history);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *)arg);
  va_end (args);
  g_ptr_array_add (argv, (char *)flow);
  g_ptr_array_add (argv, NULL);

  check = g_subprocess_newv ((const char * const *)argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (check, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (check);
}

/* serve --check with --queue connects to NATS as serve would and names the address it could
 * not reach; --role is checked as serve checks it; a worker's flows may name a webhook port
 * that is taken (workers serve no webhook), a receiver's may not. */
static void
test_serve_check_queue (void)
{
  NatsTestServer nats = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *history = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *flow_json = NULL;
  g_autofree char *down_url = NULL;
  g_autoptr(GSocket) holder = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  guint taken_port;

  if (!nats_test_server_set_up (&nats, "conduit-queue-XXXXXX"))
    return;
  dir = g_dir_make_tmp ("conduit-queue-check-XXXXXX", &error);
  g_assert_no_error (error);
  history = g_build_filename (dir, "history.db", NULL);

  /* a webhook on a port another program holds */
  holder = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (holder, any, FALSE, &error));
  g_assert_true (g_socket_listen (holder, &error));
  bound = g_socket_get_local_address (holder, &error);
  g_assert_no_error (error);
  taken_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  flow = g_build_filename (dir, "orders.conduit", NULL);
  flow_json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Orders\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": %u } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:9/\" } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    taken_port);
  g_assert_true (g_file_set_contents (flow, flow_json, -1, &error));

  {
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *port_text = g_strdup_printf (":%u", taken_port);

    /* a worker with a reachable NATS: ready, the taken port is not its concern */
    g_assert_cmpint (serve_check (history, flow, &out, &err, "--queue", nats.url, "--role",
                                  "worker", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "1 flow ready to serve"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);

    /* a receiver: the same flow's port is a problem, NATS is not */
    g_assert_cmpint (serve_check (history, flow, &out, &err, "--queue", nats.url, NULL), ==, 1);
    g_assert_nonnull (strstr (out, port_text));
    g_assert_null (strstr (out, "--queue"));
    g_assert_nonnull (strstr (err, "1 problem"));
  }

  /* NATS gone: the address is named */
  down_url = g_strdup (nats.url);
  nats_test_server_stop (&nats);
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (serve_check (history, flow, &out, &err, "--queue", down_url, "--role",
                                  "worker", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "--queue: cannot connect to the NATS server"));
    g_assert_nonnull (strstr (out, down_url));
  }

  /* options serve would refuse, all listed at once */
  {
    g_autofree char *out = NULL, *err = NULL;

    g_assert_cmpint (serve_check (history, flow, &out, &err, "--queue", "redis://127.0.0.1:6379",
                                  "--role", "boss", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "--role is receiver or worker, not “boss”"));
    g_assert_nonnull (strstr (out, "is not a NATS address"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (serve_check (history, flow, &out, &err, "--role", "worker", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "--role needs --queue"));
  }

  g_socket_close (holder, NULL);
  g_unlink (flow);
  g_rmdir (dir);
  nats_test_server_tear_down (&nats);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/serve-queue/worker-killed", test_worker_killed);
  g_test_add_func ("/conduit/serve-queue/dead-letter-and-nats-down",
                   test_dead_letter_and_nats_down);
  g_test_add_func ("/conduit/serve-queue/bad-options", test_bad_options);
  g_test_add_func ("/conduit/serve-queue/check", test_serve_check_queue);

  return g_test_run ();
}
