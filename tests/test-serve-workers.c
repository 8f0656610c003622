/* test-serve-workers.c
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

/* `conduit-cli serve --workers N`: several threads serve one port. Every event sent over many
 * connections is answered, run once, sent once with its credential, and recorded; a port
 * another program (or another `serve`) listens on is refused instead of shared. */

#define N_EVENTS    300
#define CONCURRENCY 24

typedef struct
{
  guint accepted;
  guint refused;
} Burst;

static GSubprocessLauncher *
make_launcher (void)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                             G_SUBPROCESS_FLAGS_STDERR_PIPE);

  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_ORDERS_API",
                                "{\"kind\": \"bearer\", \"secret\": \"s3cret-token-for-workers\"}",
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_HOOK_SECRET",
                                "{\"kind\": \"hmac\", \"secret\": \"shared-hook-secret\"}", TRUE);
  return launcher;
}

static char *
write_flow (const char *dir,
            guint       port,
            const char *sink_url)
{
  g_autofree char *flow = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "orders.conduit", NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Workers\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": %u } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"seq\", \"field\": \"seq\", \"required\": true, \"type\": \"number\" },"
    "      { \"destination\": \"email\", \"expression\": \"lower(email)\", \"type\": \"email\" } ] } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [400, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1,"
    "                    \"credential\": \"orders-api\" } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
    "   { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    port, sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, &error));
  g_assert_no_error (error);
  return path;
}

static char *
event_body (guint    index,
            gpointer user_data)
{
  return g_strdup_printf ("{\"seq\": %u, \"email\": \"Buyer%u@Example.COM\"}", index, index);
}

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
  return TRUE;
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error);
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

/* Stops serve; the sink lives in this process, so its main loop keeps running meanwhile. */
static void
stop_serve (GSubprocess *serve)
{
  gboolean done = FALSE;

  g_subprocess_send_signal (serve, SIGTERM);
  g_subprocess_wait_async (serve, NULL, wait_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "orders.conduit", "history.db", "history.db-wal", "history.db-shm",
                          "other.db", "other.db-wal", "other.db-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_workers_share_port (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_flow (dir, 0, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autofree char *url = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = N_EVENTS + 10 };
  GPtrArray *created, *headers;
  Burst burst = { 0 };

  /* More workers than this machine may have cores: they must still share without losing. */
  serve = runner_test_start_serve (launcher, flow_path, db_path, "3", &url);
  runner_test_post_events (url, N_EVENTS, CONCURRENCY, event_body, event_answered, &burst);
  g_assert_cmpuint (burst.refused, ==, 0);
  g_assert_cmpuint (burst.accepted, ==, N_EVENTS);

  /* Stopping finishes every accepted run before exiting. */
  stop_serve (serve);

  /* Each event reached the API exactly once, mapped, with the credential. */
  created = fault_server_created (sink);
  g_assert_cmpuint (created->len, ==, N_EVENTS);
  for (guint i = 0; i < created->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (created, i));
      gint64 seq = json_object_get_int_member (record, "seq");
      g_autofree char *email = g_strdup_printf ("buyer%" G_GINT64_FORMAT "@example.com", seq);

      g_assert_cmpint (seq, >=, 0);
      g_assert_cmpint (seq, <, N_EVENTS);
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (seq + 1)));
      g_hash_table_add (seen, GINT_TO_POINTER (seq + 1));
      g_assert_cmpstr (json_object_get_string_member (record, "email"), ==, email);
    }
  headers = fault_server_headers (sink);
  g_assert_cmpuint (headers->len, ==, N_EVENTS);
  for (guint i = 0; i < headers->len; i++)
    g_assert_nonnull (strstr (g_ptr_array_index (headers, i),
                              "Authorization: Bearer s3cret-token-for-workers"));

  /* And every run is in the one history, succeeded, with the secret nowhere in it. */
  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, N_EVENTS);
  for (guint i = 0; i < runs->len; i++)
    {
      ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(GPtrArray) items = conduit_history_store_list_items (history, run->id, "send",
                                                                     &error);

      g_assert_no_error (error);
      g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
      g_assert_cmpuint (items->len, >, 0);
      for (guint j = 0; j < items->len; j++)
        g_assert_null (strstr (((ConduitItemRecord *)g_ptr_array_index (items, j))->data,
                               "s3cret-token-for-workers"));
    }
  conduit_history_store_close (history);

  remove_dir (dir);
}

/* Runs serve on a flow whose port is taken and checks it refuses, naming the port. */
static void
assert_port_refused (const char *flow_path,
                     const char *db_path,
                     guint       port)
{
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = g_strdup_printf ("port %u", port);

  serve = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "serve",
                                       flow_path, "--history", db_path, "--workers", "2", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (serve, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 1);
  g_assert_nonnull (strstr (err, expected));
  g_assert_nonnull (strstr (err, "in use"));
}

static void
test_workers_refuse_taken_port (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *other_db = g_build_filename (dir, "other.db", NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) stranger = NULL;
  g_autoptr(GSubprocess) first = NULL;
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autofree char *flow_path = NULL;
  g_autofree char *url = NULL;
  guint port;

  /* Another program listens on the port. */
  stranger = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (stranger, any_port, TRUE, &error));
  g_assert_true (g_socket_listen (stranger, &error));
  bound = g_socket_get_local_address (stranger, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  flow_path = write_flow (dir, port, sink_url);
  assert_port_refused (flow_path, db_path, port);

  /* Another serve listens on it, with shared ports of its own: still not ours to share. */
  g_socket_close (stranger, NULL);
  g_clear_pointer (&flow_path, g_free);
  flow_path = write_flow (dir, port, sink_url);
  first = runner_test_start_serve (launcher, flow_path, db_path, "2", &url);
  assert_port_refused (flow_path, other_db, port);
  stop_serve (first);

  remove_dir (dir);
}

typedef struct
{
  SoupMessage *msg;
  guint        status;
  gboolean     done;
} Answer;

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Answer *answer = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  answer->status = body != NULL ? soup_message_get_status (answer->msg) : 0;
  answer->done = TRUE;
}

/* Posts @body with @signature (or none) on a new connection each time, so that every worker
 * gets some; returns the status. */
static guint
post_signed (const char *url,
             const char *body,
             const char *signature)
{
  g_autoptr(SoupSession) client = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Answer answer = { msg, 0, FALSE };

  soup_session_set_proxy_resolver (client, NULL);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  if (signature != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Signature",
                                  signature);
  soup_session_send_and_read_async (client, msg, G_PRIORITY_DEFAULT, NULL, answered_cb, &answer);
  while (!answer.done)
    g_main_context_iteration (NULL, TRUE);
  return answer.status;
}

/* Each worker looks the signature secret up in its own thread before serving. */
static void
test_workers_check_signatures (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *flow = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  const char *body = "{\"seq\": 1, \"email\": \"a@b.example\"}";
  g_autofree char *mac = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                    (const guchar *)"shared-hook-secret",
                                                    strlen ("shared-hook-secret"), body, -1);
  g_autofree char *good = g_strconcat ("sha256=", mac, NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Signed\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/signed\", \"port\": 0,"
    "                    \"signature_credential\": \"hook-secret\" } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink_url);
  g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

  serve = runner_test_start_serve (launcher, flow_path, db_path, "2", &url);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpuint (post_signed (url, body, good), ==, 202);
      g_assert_cmpuint (post_signed (url, body, "sha256=0000"), ==, 401);
      g_assert_cmpuint (post_signed (url, body, NULL), ==, 401);
    }
  stop_serve (serve);
  g_assert_cmpuint (fault_server_n_created (sink), ==, 6);

  g_free (g_steal_pointer (&url));
  remove_dir (dir);
}

/* A flow whose only step retries its failing request after a long back-off. */
static char *
write_retrying_flow (const char *dir,
                     const char *sink_url)
{
  g_autofree char *flow = NULL;
  char *path = g_build_filename (dir, "orders.conduit", NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Retrying\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 5,"
    "                    \"backoff_initial_ms\": 60000, \"backoff_max_ms\": 60000 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, NULL));
  return path;
}

/* Reads serve's standard error until a line holding @text. */
static void
wait_for_stderr (GSubprocess *serve,
                 const char  *text)
{
  g_autoptr(GDataInputStream) err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (serve));

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (err), FALSE);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, NULL);

      g_assert_nonnull (line);
      if (strstr (line, text) != NULL)
        return;
    }
  g_assert_not_reached ();
}

/* Waits for serve to exit, at most @seconds; returns how long it took (µs). */
static gint64
wait_exit (GSubprocess *serve,
           guint        seconds)
{
  gint64 start = g_get_monotonic_time ();
  gboolean done = FALSE;

  g_subprocess_wait_async (serve, NULL, wait_cb, &done);
  while (!done)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time () - start, <, (gint64)seconds * G_USEC_PER_SEC);
    }
  return g_get_monotonic_time () - start;
}

static ConduitRunStatus
only_run_status (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (db_path, &error);
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  g_autoptr(GPtrArray) runs = NULL;
  ConduitRunStatus status;

  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  status = ((ConduitRunRecord *)g_ptr_array_index (runs, 0))->status;
  conduit_history_store_close (history);
  return status;
}

/* Issue #14 point 3: after SIGTERM a client on a kept-alive connection gets no more events
 * accepted (503 or a closed connection, never 202), and serve exits. */
static void
test_drain_keep_alive (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_flow (dir, 0, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(SoupSession) client = soup_session_new ();
  g_autofree char *url = NULL;
  const char *body = "{\"seq\": 1, \"email\": \"a@b.example\"}";
  const char * const extra[] = { "--workers", "1", NULL };

  soup_session_set_proxy_resolver (client, NULL);
  serve = runner_test_start_serve_full (launcher, flow_path, db_path, extra, 0, &url);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (client, msg, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (soup_message_get_status (msg), ==, 202);
    }

  g_subprocess_send_signal (serve, SIGTERM);
  wait_for_stderr (serve, "Stopping");
  g_usleep (200 * 1000);
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) refused = NULL;

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      answer = soup_session_send_and_read (client, msg, NULL, &refused);
      g_assert_cmpuint (soup_message_get_status (msg), !=, 202);
    }
  wait_exit (serve, 30);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);

  {
    g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (db_path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (conduit_history_store_count_runs (history, NULL, NULL), ==, 3);
    conduit_history_store_close (history);
  }
  g_assert_cmpuint (fault_server_n_created (sink), ==, 3);
  remove_dir (dir);
}

/* Issue #14 point 3: a run waiting out a long retry back-off does not hold the drain past
 * --drain-seconds; it ends as interrupted, and serve exits. */
static void
test_drain_deadline (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_retrying_flow (dir, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autofree char *url = NULL;
  const char * const extra[] = { "--workers", "1", "--drain-seconds", "1", NULL };

  fault_server_script (sink, "/orders", "503,503,503,503,503");
  serve = runner_test_start_serve_full (launcher, flow_path, db_path, extra, 0, &url);
  g_assert_cmpuint (post_signed (url, "{\"seq\": 1}", NULL), ==, 202);
  for (guint i = 0; i < 1000 && fault_server_n_requests (sink, "/orders") == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_cmpuint (fault_server_n_requests (sink, "/orders"), ==, 1);

  g_subprocess_send_signal (serve, SIGTERM);
  g_assert_cmpint (wait_exit (serve, 20), <, 10 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
  g_assert_cmpint (only_run_status (db_path), ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  remove_dir (dir);
}

/* Issue #14 point 3: a second signal exits at once; the run cut short is interrupted. */
static void
test_drain_second_signal (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_retrying_flow (dir, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autofree char *url = NULL;
  const char * const extra[] = { "--workers", "1", NULL };

  fault_server_script (sink, "/orders", "503,503,503,503,503");
  serve = runner_test_start_serve_full (launcher, flow_path, db_path, extra, 0, &url);
  g_assert_cmpuint (post_signed (url, "{\"seq\": 1}", NULL), ==, 202);
  for (guint i = 0; i < 1000 && fault_server_n_requests (sink, "/orders") == 0; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }

  g_subprocess_send_signal (serve, SIGTERM);
  wait_for_stderr (serve, "Stopping");
  g_subprocess_send_signal (serve, SIGINT);
  g_assert_cmpint (wait_exit (serve, 20), <, 5 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), !=, 0);
  g_assert_cmpint (only_run_status (db_path), ==, CONDUIT_RUN_STATUS_INTERRUPTED);
  remove_dir (dir);
}

/* Issue #14 point 2: out of file descriptors (a low ulimit -n), serve accepts again once
 * connections close. */
static void
test_accepts_after_emfile (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GUri) uri = NULL;
  g_autofree char *url = NULL;
  const char * const extra[] = { "--workers", "1", NULL };
  guint status = 0;

  g_assert_true (g_file_set_contents (flow_path,
    "{ \"version\": 1, \"name\": \"Few files\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } } ], \"links\": [] }",
    -1, NULL));

  /* About 16 descriptors are in use once serve listens: room for a few connections only. */
  serve = runner_test_start_serve_full (launcher, flow_path, db_path, extra, 32, &url);
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  for (guint i = 0; i < 60; i++)
    {
      GSocketConnection *connection = g_socket_client_connect_to_host (
        connector, "127.0.0.1", (guint16)g_uri_get_port (uri), NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (held, connection);
    }
  g_usleep (300 * 1000);
  g_ptr_array_set_size (held, 0);

  /* Accepting resumes: the event is taken (libsoup alone would never accept again). */
  for (guint i = 0; i < 50 && status != 202; i++)
    {
      g_usleep (100 * 1000);
      status = post_signed (url, "{\"seq\": 1}", NULL);
    }
  g_assert_cmpuint (status, ==, 202);
  stop_serve (serve);
  remove_dir (dir);
}

/* Issue #14 point 7 through serve: an HMAC credential with "timestamp": "stripe" makes every
 * worker check the signed timestamp and refuse a replayed signature, whichever worker gets it. */
static void
test_timestamped_credential (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSubprocessLauncher) launcher = make_launcher ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autofree char *url = NULL;
  const char *body = "{\"seq\": 7}";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *signed_text = g_strdup_printf ("%" G_GINT64_FORMAT ".%s", now, body);
  g_autofree char *digest = g_compute_hmac_for_string (G_CHECKSUM_SHA256,
                                                       (const guchar *)"whsec-stripe-test",
                                                       strlen ("whsec-stripe-test"),
                                                       signed_text, -1);
  g_autofree char *header = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", now, digest);
  g_autofree char *stale = g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", now - 1000, digest);
  const char * const extra[] = { "--workers", "2", NULL };

  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_STRIPE_HOOK",
                                "{\"kind\": \"hmac\", \"secrets\": {\"secret\": \"whsec-stripe-test\"},"
                                " \"fields\": {\"header\": \"Stripe-Signature\", \"timestamp\": \"stripe\","
                                " \"tolerance\": \"300\"}}", TRUE);
  g_assert_true (g_file_set_contents (flow_path,
    "{ \"version\": 1, \"name\": \"Stripe\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/stripe\", \"port\": 0,"
    "                    \"signature_header\": \"X-Signature\","
    "                    \"signature_credential\": \"stripe-hook\" } } ], \"links\": [] }",
    -1, NULL));

  serve = runner_test_start_serve_full (launcher, flow_path, db_path, extra, 0, &url);
  g_assert_cmpuint (post_signed (url, body, stale), ==, 401);
  g_assert_cmpuint (post_signed (url, body, header), ==, 202);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpuint (post_signed (url, body, header), ==, 401);
  stop_serve (serve);

  {
    g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (db_path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (conduit_history_store_count_runs (history, NULL, NULL), ==, 1);
    conduit_history_store_close (history);
  }
  remove_dir (dir);
}

/* conduit-cli serve --keep-items N, like run --keep-items: each run keeps the first N items
 * that went well per step and port, and every rejected item. One event of 40 records, 10 of
 * them without the required e-mail. */
static char *
keep_items_body (guint    index,
                 gpointer user_data)
{
  GString *body = g_string_new ("[");

  for (guint i = 0; i < 40; i++)
    g_string_append_printf (body, "%s{\"seq\": %u%s}", i ? "," : "", i,
                            i % 4 == 3 ? "" : ", \"email\": \"a@example.com\"");
  g_string_append_c (body, ']');
  return g_string_free (body, FALSE);
}

static void
test_keep_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-workers-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "orders.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  const char *extra[] = { "--keep-items", "3", "--workers", "1", NULL };
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *url = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  guint n_out = 0, n_rejected = 0;
  Burst burst = { 0 };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (flow_path,
    "{ \"version\": 1, \"name\": \"Keep\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/keep\", \"port\": 0 } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"seq\", \"field\": \"seq\" },"
    "      { \"destination\": \"email\", \"field\": \"email\", \"required\": true } ] } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }",
    -1, &error));
  g_assert_no_error (error);

  serve = runner_test_start_serve_full (NULL, flow_path, db_path, extra, 0, &url);
  runner_test_post_events (url, 1, 1, keep_items_body, event_answered, &burst);
  g_assert_cmpuint (burst.accepted, ==, 1);
  stop_serve (serve);

  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  items = conduit_history_store_list_items (history,
                                            ((ConduitRunRecord *)g_ptr_array_index (runs, 0))->id,
                                            "map", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (item->is_output && g_str_equal (item->port, "out"))
        n_out++;
      else if (item->is_output && g_str_equal (item->port, "rejected"))
        n_rejected++;
    }
  g_assert_cmpuint (n_out, ==, 3);
  g_assert_cmpuint (n_rejected, ==, 10);
  conduit_history_store_close (history);

  remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/serve/workers/share-port", test_workers_share_port);
  g_test_add_func ("/conduit/serve/workers/refuse-taken-port", test_workers_refuse_taken_port);
  g_test_add_func ("/conduit/serve/workers/check-signatures", test_workers_check_signatures);
  g_test_add_func ("/conduit/serve/drain/keep-alive", test_drain_keep_alive);
  g_test_add_func ("/conduit/serve/drain/deadline", test_drain_deadline);
  g_test_add_func ("/conduit/serve/drain/second-signal", test_drain_second_signal);
  g_test_add_func ("/conduit/serve/accepts-after-emfile", test_accepts_after_emfile);
  g_test_add_func ("/conduit/serve/timestamped-credential", test_timestamped_credential);
  g_test_add_func ("/conduit/serve/keep-items", test_keep_items);

  return g_test_run ();
}
