/* test-serve-admin.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conduit.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* `conduit-cli serve --admin`: a real serve process, scraped over real HTTP. Its counters move
 * by exactly the runs that happened, by how they ended; /readyz turns 503 while it stops, and
 * /healthz stays 200 until it exits. */

#define N_OK     7
#define N_FAILED 3

typedef struct
{
  GSubprocess *process;
  char        *url;     /* the flow's webhook */
  char        *admin;   /* http://127.0.0.1:PORT/ */
} Serve;

static void
serve_clear (Serve *serve)
{
  g_clear_object (&serve->process);
  g_clear_pointer (&serve->url, g_free);
  g_clear_pointer (&serve->admin, g_free);
}

static char *
write_flow (const char *dir,
            const char *sink_url)
{
  g_autofree char *flow = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "orders.conduit", NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Orders \\\"admin\\\"\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* Starts serve with an admin port the kernel picks, and reads both URLs it prints. */
static void
start_serve (Serve      *serve,
             const char *flow_path,
             const char *db_path)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  serve->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"),
                                                "serve", flow_path, "--history", db_path,
                                                "--workers", "2", "--admin", "127.0.0.1:0",
                                                NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve->process));
  while (serve->url == NULL || serve->admin == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if ((at = strstr (line, "listening on ")) != NULL)
        serve->url = g_strdup (at + strlen ("listening on "));
      else if (g_str_has_prefix (line, "Admin: "))
        {
          g_auto(GStrv) words = g_strsplit (line, " ", 3);

          serve->admin = g_strdup (words[1]);
        }
    }
  g_assert_true (g_str_has_prefix (serve->admin, "http://127.0.0.1:"));
}

typedef struct
{
  GBytes  *body;
  GError  *error;
  gboolean done;
} Fetch;

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fetch *fetch = user_data;

  fetch->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &fetch->error);
  fetch->done = TRUE;
}

/* Asks serve's admin port for @path, keeping this process's main loop (the sink) going. */
static char *
fetch (Serve      *serve,
       const char *method,
       const char *path,
       guint      *status,
       char      **content_type)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (serve->admin, path + 1, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Fetch fetch = { 0 };
  gsize size;
  const char *data;
  char *text;

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, fetch_cb, &fetch);
  while (!fetch.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (fetch.error);

  *status = soup_message_get_status (msg);
  if (content_type != NULL)
    *content_type = g_strdup (soup_message_headers_get_content_type (
                                soup_message_get_response_headers (msg), NULL));
  data = g_bytes_get_data (fetch.body, &size);
  text = g_strndup (data, size);
  g_bytes_unref (fetch.body);
  return text;
}

/* One sample of the exposition text: the value on the line that starts with @series. */
static gint64
sample (const char *text,
        const char *series)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gint64 found = -1;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], series) && lines[i][strlen (series)] == ' ')
      {
        g_assert_cmpint (found, ==, -1);
        found = g_ascii_strtoll (lines[i] + strlen (series) + 1, NULL, 10);
      }
  g_assert_cmpint (found, >=, 0);
  return found;
}

static char *
scrape (Serve *serve)
{
  g_autofree char *content_type = NULL;
  guint status = 0;
  char *text = fetch (serve, "GET", "/metrics", &status, &content_type);

  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (content_type, ==, "text/plain");
  return text;
}

#define FLOW "{flow=\"Orders \\\"admin\\\"\"}"

static char *
event_body (guint    index,
            gpointer user_data)
{
  return g_strdup_printf ("{\"seq\": %u}", index);
}

static gboolean
event_answered (guint     index,
                guint     status,
                GBytes   *body,
                gpointer  user_data)
{
  g_assert_cmpuint (status, ==, 202);
  (*(guint *)user_data)++;
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

static void
wait_exit (Serve *serve)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (serve->process, NULL, wait_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (serve->process));
  g_assert_cmpint (g_subprocess_get_exit_status (serve->process), ==, 0);
}

static void
remove_dir (const char *dir)
{
  const char *names[] = { "orders.conduit", "history.db", "history.db-wal", "history.db-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_counters_move_exactly (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-admin-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_flow (dir, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GString) script = g_string_new ("");
  g_autoptr(ConduitHistoryStore) history = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 100 };
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *content_type = NULL;
  guint accepted = 0, status = 0, n_failed = 0;
  Serve serve = { 0 };

  /* The sink refuses N_FAILED of the events: those runs fail, whichever they are. */
  for (guint i = 0; i < N_OK + N_FAILED; i++)
    g_string_append (script, i < N_FAILED ? "400," : "ok,");
  g_string_truncate (script, script->len - 1);
  fault_server_script (sink, "/orders", script->str);

  start_serve (&serve, flow_path, db_path);

  text = fetch (&serve, "GET", "/healthz", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&text, g_free);
  text = fetch (&serve, "GET", "/readyz", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (text, ==, "ready\n");
  g_clear_pointer (&text, g_free);

  /* The served flow is listed at zero before its first event. */
  before = scrape (&serve);
  g_assert_nonnull (strstr (before, "# TYPE conduit_runs_accepted_total counter\n"));
  g_assert_nonnull (strstr (before, "# HELP conduit_queue_depth "));
  g_assert_nonnull (strstr (before, "# TYPE conduit_queue_depth gauge\n"));
  g_assert_cmpint (sample (before, "conduit_runs_accepted_total" FLOW), ==, 0);
  g_assert_cmpint (sample (before, "conduit_runs_completed_total" FLOW), ==, 0);
  g_assert_cmpint (sample (before, "conduit_runs_failed_total" FLOW), ==, 0);
  g_assert_cmpint (sample (before, "conduit_ready"), ==, 1);

  runner_test_post_events (serve.url, N_OK + N_FAILED, 4, event_body, event_answered, &accepted);
  g_assert_cmpuint (accepted, ==, N_OK + N_FAILED);

  /* The runs end after their 202: wait (bounded) until none is in progress. */
  for (guint i = 0; i < 500; i++)
    {
      g_clear_pointer (&after, g_free);
      after = scrape (&serve);
      if (sample (after, "conduit_runs_in_progress") == 0 &&
          sample (after, "conduit_runs_completed_total" FLOW) +
          sample (after, "conduit_runs_failed_total" FLOW) == N_OK + N_FAILED)
        break;
      g_usleep (10000);
    }
  g_assert_cmpint (sample (after, "conduit_runs_accepted_total" FLOW), ==, N_OK + N_FAILED);
  g_assert_cmpint (sample (after, "conduit_runs_completed_total" FLOW), ==, N_OK);
  g_assert_cmpint (sample (after, "conduit_runs_failed_total" FLOW), ==, N_FAILED);
  g_assert_cmpint (sample (after, "conduit_runs_partial_total" FLOW), ==, 0);
  g_assert_cmpint (sample (after, "conduit_runs_interrupted_total" FLOW), ==, 0);
  g_assert_cmpint (sample (after, "conduit_events_refused_total" FLOW), ==, 0);
  g_assert_cmpint (sample (after, "conduit_runs_in_progress"), ==, 0);
  g_assert_cmpint (sample (after, "conduit_queue_depth"), ==, 0);

  /* Only GET and HEAD, only the three paths. */
  g_clear_pointer (&text, g_free);
  text = fetch (&serve, "POST", "/metrics", &status, NULL);
  g_assert_cmpuint (status, ==, 405);
  g_clear_pointer (&text, g_free);
  text = fetch (&serve, "GET", "/runs", &status, &content_type);
  g_assert_cmpuint (status, ==, 404);
  g_assert_nonnull (strstr (text, "/healthz, /readyz and /metrics"));

  g_subprocess_send_signal (serve.process, SIGTERM);
  wait_exit (&serve);

  /* The counters told what the history holds. */
  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, N_OK + N_FAILED);
  for (guint i = 0; i < runs->len; i++)
    n_failed += ((ConduitRunRecord *)g_ptr_array_index (runs, i))->status ==
                CONDUIT_RUN_STATUS_FAILED;
  g_assert_cmpuint (n_failed, ==, N_FAILED);
  g_assert_cmpuint (fault_server_n_requests (sink, "/orders"), ==, N_OK + N_FAILED);

  conduit_history_store_close (history);
  serve_clear (&serve);
  remove_dir (dir);
}

static void
test_not_ready_while_stopping (void)
{
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-admin-XXXXXX", &error);
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = write_flow (dir, sink_url);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *text = NULL;
  guint accepted = 0, status = 0;
  Serve serve = { 0 };

  /* One run that takes its time: serve must drain it before exiting. */
  fault_server_script (sink, "/orders", "slow:3000");
  start_serve (&serve, flow_path, db_path);
  runner_test_post_events (serve.url, 1, 1, event_body, event_answered, &accepted);
  g_assert_cmpuint (accepted, ==, 1);
  for (guint i = 0; i < 500 && fault_server_n_requests (sink, "/orders") == 0; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fault_server_n_requests (sink, "/orders"), ==, 1);

  text = fetch (&serve, "GET", "/readyz", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&text, g_free);

  g_subprocess_send_signal (serve.process, SIGTERM);
  for (guint i = 0; i < 500; i++)
    {
      g_clear_pointer (&text, g_free);
      text = fetch (&serve, "GET", "/readyz", &status, NULL);
      if (status != 200)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (status, ==, 503);
  g_assert_true (g_str_has_prefix (text, "not ready: stopping"));

  /* Alive all the same, and the run still counted as going. */
  g_clear_pointer (&text, g_free);
  text = fetch (&serve, "GET", "/healthz", &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&text, g_free);
  text = scrape (&serve);
  g_assert_cmpint (sample (text, "conduit_ready"), ==, 0);
  g_assert_cmpint (sample (text, "conduit_runs_in_progress"), ==, 1);
  g_assert_cmpint (sample (text, "conduit_runs_accepted_total" FLOW), ==, 1);

  wait_exit (&serve);
  g_assert_cmpuint (fault_server_n_created (sink), ==, 1);
  serve_clear (&serve);
  remove_dir (dir);
}

static void
test_addresses (void)
{
  const char *good[][2] = {
    { "9464", "127.0.0.1" }, { "0.0.0.0:9464", "0.0.0.0" }, { "localhost:1", "127.0.0.1" },
    { "[::1]:9464", "::1" },
  };
  const char *bad[] = { "", "x", "70000", "host.example:80", "127.0.0.1:", "[::1]9464",
                        "127.0.0.1:-1", ":80" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GInetSocketAddress) address = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;

      g_assert_true (conduit_serve_admin_parse_address (good[i][0], &address, &error));
      g_assert_no_error (error);
      host = g_inet_address_to_string (g_inet_socket_address_get_address (address));
      g_assert_cmpstr (host, ==, good[i][1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GInetSocketAddress) address = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (conduit_serve_admin_parse_address (bad[i], &address, &error));
      g_assert_error (error, CONDUIT_SERVE_ADMIN_ERROR, CONDUIT_SERVE_ADMIN_ERROR_ADDRESS);
      g_assert_nonnull (strstr (error->message, "ADDRESS:PORT"));
      g_assert_null (address);
    }
}

/* An admin port another program holds stops serve before it takes any event. */
static void
test_admin_port_taken (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-admin-XXXXXX", &error);
  g_autofree char *flow_path = write_flow (dir, "http://127.0.0.1:9/orders");
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autoptr(GSocketService) holder = g_socket_service_new ();
  g_autoptr(GSubprocess) serve = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *address = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (holder), NULL, &error);
  g_assert_no_error (error);
  address = g_strdup_printf ("127.0.0.1:%u", port);

  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, g_getenv ("CONDUIT_CLI"), "serve", flow_path, "--history",
                            db_path, "--admin", address, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (serve, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 1);
  g_assert_nonnull (strstr (err, "cannot listen on the admin address"));
  g_assert_nonnull (strstr (err, address));
  g_assert_null (strstr (out, "listening on"));
  g_clear_object (&serve);

  /* serve --check finds it first */
  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, g_getenv ("CONDUIT_CLI"), "serve", "--check", flow_path,
                            "--history", db_path, "--admin", address, NULL);
  g_assert_no_error (error);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_subprocess_communicate_utf8 (serve, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 1);
  g_assert_nonnull (strstr (out, "--admin: cannot listen on the admin address"));
  g_assert_nonnull (strstr (err, "serve --check: 1 problem"));
  g_clear_object (&serve);

  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, g_getenv ("CONDUIT_CLI"), "serve", flow_path, "--history",
                            db_path, "--admin", "somewhere:80", NULL);
  g_assert_no_error (error);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_subprocess_communicate_utf8 (serve, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 1);
  g_assert_nonnull (strstr (err, "--admin: “somewhere:80” is not an admin address"));

  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/serve-admin/counters-move-exactly", test_counters_move_exactly);
  g_test_add_func ("/conduit/serve-admin/not-ready-while-stopping",
                   test_not_ready_while_stopping);
  g_test_add_func ("/conduit/serve-admin/addresses", test_addresses);
  g_test_add_func ("/conduit/serve-admin/port-taken", test_admin_port_taken);

  return g_test_run ();
}
