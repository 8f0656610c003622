/* test-serve-scale.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <nats/nats.h>
#include <signal.h>
#include <sys/prctl.h>

#include "conduit.h"
#include "conduit-history-store-postgresql-private.h"
#include "nats-test-server.h"
#include "db-test-servers.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* Past one server (issue #23): receivers and workers of `conduit-cli serve --queue` sharing one
 * run history in PostgreSQL. Real servers only: `nats-server -js` on a private port and store
 * folder, PostgreSQL 15 from tests/db-test-servers.c, receivers and workers as processes, the
 * app as a local HTTP server in this process that honours Idempotency-Key (tests/fault-server.c
 * creates one record per key).
 *
 * - the store against PostgreSQL: runs, steps, items, the event dedup, read-only opening, the
 *   schema created by several processes at once, `history list/show`;
 * - 3 receivers and 3 workers, a burst of events (10,000; 500 under the sanitizers), random
 *   workers and one receiver killed (-9) during it: every acknowledged event has exactly one
 *   succeeded run, the app received its key at least once and created its record once;
 * - PostgreSQL stopped the hard way during a burst and started again: nothing is lost;
 * - an event no worker can run ends in the dead-letter stream and as a failed run in
 *   PostgreSQL. */

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_SANITIZER 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#  define UNDER_SANITIZER 1
# endif
#endif
#ifndef UNDER_SANITIZER
# define UNDER_SANITIZER 0
#endif

#define N_RECEIVERS 3
#define N_WORKERS   3
#define CONCURRENCY 24
#define MAX_TRIES   10

/* NATS (tests/nats-test-server.c) */

/* PostgreSQL */

static char *
history_url (DbTestServer *server)
{
  return g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test", DB_TEST_PASSWORD,
                          db_test_server_get_port (server));
}

/* Each test starts from an empty database: the history's tables go. */
static void
drop_history (DbTestServer *server)
{
  db_test_server_exec (server, "DROP TABLE IF EXISTS conduit_runs, conduit_steps, conduit_items,"
                               " conduit_events, conduit_dedupe_keys, conduit_trigger_cursors,"
                               " conduit_history_meta");
}

static PGresult *
query (DbTestServer *server,
       const char   *sql)
{
  g_autofree char *url = history_url (server);
  PGconn *conn = PQconnectdb (url);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQfinish (conn);
  return result;
}

static gint64
query_count (DbTestServer *server,
             const char   *sql)
{
  PGresult *result = query (server, sql);
  gint64 n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);

  PQclear (result);
  return n;
}

/* Processes */

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
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 3 } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    name, sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* Starts `serve --queue` and waits for the line that says it serves. */
static GSubprocess *
start_serve (const char  *flow_path,
             const char  *history,
             const char  *nats_url,
             const char  *role,
             const char  *max_deliver,
             char       **url)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *serve;

  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* A worker that loses PostgreSQL warns that it writes again later, and must live on. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
  serve = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "serve",
                                       flow_path, "--history", history, "--queue", nats_url,
                                       "--role", role, "--workers", "2", "--ack-wait", "2",
                                       "--max-deliver", max_deliver, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
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

/* The sender: a burst spread over the receivers, each event with its own X-Event-Id, sent again
 * to another receiver when one does not answer 202 (a receiver killed under it), as a sender
 * with retries does. */

typedef struct _Sender Sender;
typedef void (*SenderProgress) (Sender *sender, gpointer user_data);

struct _Sender
{
  SoupSession    *client;
  char           *urls[N_RECEIVERS];
  gboolean        dead[N_RECEIVERS];
  guint           n_events;
  guint           next;
  guint           in_flight;
  guint          *tries;
  gboolean       *accepted;
  GQueue          again;
  guint           n_accepted;
  guint           n_given_up;
  SenderProgress  progress;
  gpointer        user_data;
};

typedef struct
{
  Sender      *sender;
  guint        index;
  SoupMessage *msg;
} Post;

static void send_more (Sender *sender);

static void
post_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Post *post = user_data;
  Sender *sender = post->sender;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                              NULL);
  guint status = body != NULL ? soup_message_get_status (post->msg) : 0;

  sender->in_flight--;
  if (status == 202)
    {
      sender->accepted[post->index] = TRUE;
      sender->n_accepted++;
    }
  else if (++sender->tries[post->index] < MAX_TRIES)
    g_queue_push_tail (&sender->again, GUINT_TO_POINTER (post->index));
  else
    sender->n_given_up++;

  g_object_unref (post->msg);
  g_free (post);
  if (sender->progress != NULL)
    sender->progress (sender, sender->user_data);
  send_more (sender);
}

static void
send_more (Sender *sender)
{
  while (sender->in_flight < CONCURRENCY &&
         (sender->next < sender->n_events || !g_queue_is_empty (&sender->again)))
    {
      guint index = !g_queue_is_empty (&sender->again)
                    ? GPOINTER_TO_UINT (g_queue_pop_head (&sender->again)) : sender->next++;
      g_autofree char *text = g_strdup_printf ("{\"seq\": %u}", index);
      g_autofree char *event_id = g_strdup_printf ("scale-%u", index);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
      guint receiver = (index + sender->tries[index]) % N_RECEIVERS;
      Post *post = g_new0 (Post, 1);

      while (sender->dead[receiver])
        receiver = (receiver + 1) % N_RECEIVERS;
      post->sender = sender;
      post->index = index;
      post->msg = soup_message_new ("POST", sender->urls[receiver]);
      soup_message_headers_replace (soup_message_get_request_headers (post->msg), "X-Event-Id",
                                    event_id);
      soup_message_set_request_body_from_bytes (post->msg, "application/json", bytes);
      sender->in_flight++;
      soup_session_send_and_read_async (sender->client, post->msg, G_PRIORITY_DEFAULT, NULL,
                                        post_done_cb, post);
    }
}

static void
sender_run (Sender *sender)
{
  sender->client = soup_session_new_with_options ("max-conns", CONCURRENCY * 2,
                                                  "max-conns-per-host", CONCURRENCY, NULL);
  soup_session_set_proxy_resolver (sender->client, NULL);
  sender->tries = g_new0 (guint, sender->n_events);
  sender->accepted = g_new0 (gboolean, sender->n_events);
  send_more (sender);
  while (sender->in_flight > 0 || !g_queue_is_empty (&sender->again) ||
         sender->next < sender->n_events)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&sender->client);
}

static void
sender_clear (Sender *sender)
{
  for (guint i = 0; i < N_RECEIVERS; i++)
    g_free (sender->urls[i]);
  g_free (sender->tries);
  g_free (sender->accepted);
  g_queue_clear (&sender->again);
}

/* Waits (bounded) until the stream is empty and no run is left running: every event ran, and
 * the runs the killed workers left behind were settled by the redeliveries. */
static void
wait_drained (DbTestServer *server,
              const char   *nats_url,
              guint         seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64)seconds * G_USEC_PER_SEC;
  guint64 left = 1;
  gint64 running = 1;

  while (g_get_monotonic_time () < until)
    {
      for (guint i = 0; i < 50; i++)
        g_main_context_iteration (NULL, FALSE);
      left = test_stream_length (nats_url);
      running = query_count (server, "SELECT count(*) FROM conduit_runs"
                                     " WHERE status = 'running'");
      if (left == 0 && running == 0)
        break;
      g_usleep (20 * 1000);
    }
  g_assert_cmpuint (left, ==, 0);
  g_assert_cmpint (running, ==, 0);
}

/* Every acknowledged event has exactly one succeeded run; no event has two. The app got each
 * acknowledged event's key at least once, every request of an event carried the same key, and
 * it created one record per event. Returns how many requests repeated a key. */
static guint
check_exactly_once (DbTestServer *server,
                    FaultServer  *sink,
                    Sender       *sender)
{
  g_autofree guint *succeeded = g_new0 (guint, sender->n_events);
  g_autofree guint *requests = g_new0 (guint, sender->n_events);
  g_autofree guint *created = g_new0 (guint, sender->n_events);
  PGresult *result;
  GPtrArray *keys = fault_server_keys (sink);
  GPtrArray *records = fault_server_created (sink);
  guint repeated = 0;

  result = query (server, "SELECT event_id, count(*) FROM conduit_runs"
                          " WHERE status = 'succeeded' GROUP BY event_id");
  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *event_id = PQgetvalue (result, i, 0);
      guint64 index;

      g_assert_true (g_str_has_prefix (event_id, "scale-"));
      index = g_ascii_strtoull (event_id + strlen ("scale-"), NULL, 10);
      g_assert_cmpuint (index, <, sender->n_events);
      succeeded[index] = (guint)g_ascii_strtoull (PQgetvalue (result, i, 1), NULL, 10);
    }
  PQclear (result);

  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      guint64 index;
      g_autofree char *expected = NULL;

      g_assert_true (g_str_has_prefix (key, "scale-"));
      index = g_ascii_strtoull (key + strlen ("scale-"), NULL, 10);
      g_assert_cmpuint (index, <, sender->n_events);
      expected = g_strdup_printf ("scale-%u/send/0", (guint)index);
      g_assert_cmpstr (key, ==, expected);
      if (requests[index]++ > 0)
        repeated++;
    }
  for (guint i = 0; i < records->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));
      gint64 seq = json_object_get_int_member (record, "seq");

      g_assert_cmpint (seq, >=, 0);
      g_assert_cmpint (seq, <, sender->n_events);
      created[seq]++;
    }

  for (guint i = 0; i < sender->n_events; i++)
    {
      g_assert_cmpuint (succeeded[i], <=, 1);
      g_assert_cmpuint (created[i], <=, 1);
      if (!sender->accepted[i])
        continue;
      g_assert_cmpuint (succeeded[i], ==, 1);
      g_assert_cmpuint (requests[i], >=, 1);
      g_assert_cmpuint (created[i], ==, 1);
    }
  return repeated;
}

static guint
n_events_for_burst (guint full)
{
  const char *env = g_getenv ("CONDUIT_SCALE_EVENTS");

  if (env != NULL)
    return (guint)g_ascii_strtoull (env, NULL, 10);
  /* Instrumented, a run costs several times the CPU: 2,000 events took three minutes. */
  return UNDER_SANITIZER ? MAX (full / 20, 100) : full;
}

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

/* The burst with kills */

typedef struct
{
  const char  *flow_path;
  const char  *history;
  const char  *nats_url;
  GSubprocess *workers[N_WORKERS];
  GSubprocess *receivers[N_RECEIVERS];
  guint        milestones[4];
  guint        next_milestone;
  guint        workers_killed;
  guint        receivers_killed;
  DbTestServer *postgresql;   /* the PostgreSQL restart test: stopped at the first milestone */
  guint        postgresql_restarts;
} Chaos;

static void
chaos_progress (Sender   *sender,
                gpointer  user_data)
{
  Chaos *chaos = user_data;
  g_autofree char *unused = NULL;
  guint milestone;

  if (chaos->next_milestone >= G_N_ELEMENTS (chaos->milestones) ||
      chaos->milestones[chaos->next_milestone] == 0 ||
      sender->n_accepted < chaos->milestones[chaos->next_milestone])
    return;

  /* Taken first: what follows spins the main loop, whose answers call this again. */
  milestone = chaos->next_milestone++;
  if (chaos->postgresql != NULL)
    {
      g_autoptr(GError) error = NULL;

      /* Down for a second and a half (immediate shutdown: as a crash), then back. */
      db_test_server_kill (chaos->postgresql);
      for (guint i = 0; i < 150; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10 * 1000);
        }
      db_test_server_restart (chaos->postgresql, &error);
      g_assert_no_error (error);
      chaos->postgresql_restarts++;
      return;
    }

  /* The second milestone kills a receiver, the others a random worker, started again. */
  if (milestone == 1)
    {
      guint victim = (guint)g_test_rand_int_range (0, N_RECEIVERS);

      sender->dead[victim] = TRUE;
      test_stop_serve (chaos->receivers[victim], SIGKILL);
      chaos->receivers_killed++;
    }
  else
    {
      guint victim = (guint)g_test_rand_int_range (0, N_WORKERS);

      test_stop_serve (chaos->workers[victim], SIGKILL);
      g_object_unref (chaos->workers[victim]);
      chaos->workers[victim] = start_serve (chaos->flow_path, chaos->history, chaos->nats_url,
                                            "worker", "20", &unused);
      chaos->workers_killed++;
    }
}

static void
run_burst (Chaos        *chaos,
           DbTestServer *server,
           FaultServer  *sink,
           NatsTestServer         *nats,
           Sender       *sender,
           guint         n_receivers,
           guint         n_workers)
{
  g_autofree char *receiver_history = NULL;

  for (guint i = 0; i < n_workers; i++)
    {
      g_autofree char *unused = NULL;

      chaos->workers[i] = start_serve (chaos->flow_path, chaos->history, nats->url, "worker",
                                       "20", &unused);
      g_assert_null (unused);
    }
  for (guint i = 0; i < N_RECEIVERS; i++)
    {
      if (i >= n_receivers)
        {
          sender->dead[i] = TRUE;
          continue;
        }
      /* The receivers of the PostgreSQL restart test keep a file history of their own: they
       * record no run of a queued event, and this test is about the workers. */
      g_clear_pointer (&receiver_history, g_free);
      receiver_history = chaos->postgresql != NULL
                         ? g_strdup_printf ("%s/receiver%u.db", nats->dir, i)
                         : g_strdup (chaos->history);
      chaos->receivers[i] = start_serve (chaos->flow_path, receiver_history, nats->url,
                                         "receiver", "20", &sender->urls[i]);
      g_assert_nonnull (sender->urls[i]);
    }

  sender->progress = chaos_progress;
  sender->user_data = chaos;
  sender_run (sender);
  g_assert_cmpuint (sender->n_given_up, ==, 0);

  wait_drained (server, nats->url, 240);
  for (guint i = 0; i < N_RECEIVERS; i++)
    if (chaos->receivers[i] != NULL && !sender->dead[i])
      test_stop_serve (chaos->receivers[i], SIGTERM);
  for (guint i = 0; i < N_WORKERS; i++)
    if (chaos->workers[i] != NULL)
      test_stop_serve (chaos->workers[i], SIGTERM);
  for (guint i = 0; i < N_RECEIVERS; i++)
    g_clear_object (&chaos->receivers[i]);
  for (guint i = 0; i < N_WORKERS; i++)
    g_clear_object (&chaos->workers[i]);
}

static void
test_kill_burst (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = NULL;
  g_autofree char *url = NULL;
  Sender sender = { 0 };
  Chaos chaos = { 0 };
  NatsTestServer nats = { 0 };
  guint n = n_events_for_burst (10000);
  guint repeated;
  gint64 runs, interrupted, succeeded;
  gint64 started_us = g_get_monotonic_time ();

  if (server == NULL || !nats_test_server_set_up (&nats, "conduit-scale-XXXXXX"))
    return;
  drop_history (server);
  url = history_url (server);
  flow_path = write_flow (nats.dir, "orders.conduit", "Orders", sink_url);

  chaos.flow_path = flow_path;
  chaos.history = url;
  chaos.nats_url = nats.url;
  chaos.milestones[0] = n / 5;
  chaos.milestones[1] = 2 * n / 5;
  chaos.milestones[2] = 3 * n / 5;
  chaos.milestones[3] = 4 * n / 5;
  sender.n_events = n;
  run_burst (&chaos, server, sink, &nats, &sender, N_RECEIVERS, N_WORKERS);
  g_assert_cmpuint (chaos.workers_killed, ==, 3);
  g_assert_cmpuint (chaos.receivers_killed, ==, 1);

  repeated = check_exactly_once (server, sink, &sender);
  runs = query_count (server, "SELECT count(*) FROM conduit_runs");
  succeeded = query_count (server, "SELECT count(*) FROM conduit_runs WHERE status = 'succeeded'");
  interrupted = query_count (server, "SELECT count(*) FROM conduit_runs"
                                     " WHERE status = 'interrupted'");
  g_test_message ("kill burst: %u events sent, %u acknowledged (202), %u workers and %u receiver "
                  "killed (-9); runs in PostgreSQL: %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT
                  " succeeded, %" G_GINT64_FORMAT " interrupted by a kill and run again); "
                  "requests that repeated a key: %u; events with two succeeded runs: 0; "
                  "%.1f s", n, sender.n_accepted, chaos.workers_killed, chaos.receivers_killed,
                  runs, succeeded, interrupted, repeated,
                  (g_get_monotonic_time () - started_us) / (double)G_USEC_PER_SEC);
  g_assert_cmpint (succeeded, >=, sender.n_accepted);

  sender_clear (&sender);
  nats_test_server_tear_down (&nats);
}

static void
test_postgresql_restart (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *flow_path = NULL;
  g_autofree char *url = NULL;
  Sender sender = { 0 };
  Chaos chaos = { 0 };
  NatsTestServer nats = { 0 };
  guint n = n_events_for_burst (2000);
  guint repeated;

  if (server == NULL || !nats_test_server_set_up (&nats, "conduit-scale-XXXXXX"))
    return;
  drop_history (server);
  url = history_url (server);
  flow_path = write_flow (nats.dir, "orders.conduit", "Orders", sink_url);

  chaos.flow_path = flow_path;
  chaos.history = url;
  chaos.nats_url = nats.url;
  chaos.postgresql = server;
  chaos.milestones[0] = n / 3;
  sender.n_events = n;
  run_burst (&chaos, server, sink, &nats, &sender, 1, 2);
  g_assert_cmpuint (chaos.postgresql_restarts, ==, 1);

  repeated = check_exactly_once (server, sink, &sender);
  g_test_message ("PostgreSQL restart: %u events, %u acknowledged, PostgreSQL stopped "
                  "(immediate) and started again once; requests that repeated a key: %u",
                  n, sender.n_accepted, repeated);
  g_assert_cmpuint (sender.n_accepted, ==, n);

  sender_clear (&sender);
  nats_test_server_tear_down (&nats);
}

static void
test_dead_letter (void)
{
  DbTestServer *server = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(FaultServer) sink = fault_server_new ();
  g_autofree char *sink_url = fault_server_url (sink, "/orders");
  g_autofree char *orders = NULL;
  g_autofree char *other = NULL;
  g_autofree char *url = NULL;
  g_autofree char *unused = NULL;
  g_autoptr(GSubprocess) receiver = NULL;
  g_autoptr(GSubprocess) worker = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  ConduitHistoryQuery failed = { .status = CONDUIT_RUN_STATUS_FAILED, .limit = 10 };
  ConduitRunRecord *run = NULL;
  Sender sender = { 0 };
  NatsTestServer nats = { 0 };

  if (server == NULL || !nats_test_server_set_up (&nats, "conduit-scale-XXXXXX"))
    return;
  drop_history (server);
  url = history_url (server);

  /* The receiver takes events for "Orders"; the only worker serves another flow. */
  orders = write_flow (nats.dir, "orders.conduit", "Orders", sink_url);
  other = write_flow (nats.dir, "other.conduit", "Other", sink_url);
  worker = start_serve (other, url, nats.url, "worker", "2", &unused);
  receiver = start_serve (orders, url, nats.url, "receiver", "2", &sender.urls[0]);
  sender.dead[1] = sender.dead[2] = TRUE;
  sender.n_events = 1;
  sender_run (&sender);
  g_assert_cmpuint (sender.n_accepted, ==, 1);

  /* Given back twice, then dead-lettered; the worker writes that as a failed run into the
   * shared history (bounded wait). */
  history = conduit_history_store_new_read_only (url, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 300; i++)
    {
      g_clear_pointer (&runs, g_ptr_array_unref);
      runs = conduit_history_store_list_runs (history, &failed, &error);
      g_assert_no_error (error);
      if (runs->len > 0)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50 * 1000);
    }
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpstr (run->flow, ==, "Orders");
  g_assert_nonnull (strstr (run->error, "was delivered 2 times and no worker could run it"));
  g_assert_nonnull (strstr (run->error, CONDUIT_QUEUE_DEAD_STREAM));
  g_assert_cmpuint (fault_server_n_requests (sink, "/orders"), ==, 0);
  conduit_history_store_close (history);

  test_stop_serve (receiver, SIGTERM);
  test_stop_serve (worker, SIGTERM);
  sender_clear (&sender);
  nats_test_server_tear_down (&nats);
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

  g_test_add_func ("/conduit/serve-scale/pg-param-int", test_pg_param_int);
  g_test_add_func ("/conduit/serve-scale/history-postgresql", test_history_postgresql);
  g_test_add_func ("/conduit/serve-scale/history-postgresql-held-rows",
                   test_history_postgresql_held_rows);
  g_test_add_func ("/conduit/serve-scale/history-postgresql-claims",
                   test_history_postgresql_claims);
  g_test_add_func ("/conduit/serve-scale/history-postgresql-ends", test_history_postgresql_ends);
  g_test_add_func ("/conduit/serve-scale/history-postgresql-schema-1",
                   test_history_postgresql_schema_1);
  g_test_add_func ("/conduit/serve-scale/history-postgresql-schema-2",
                   test_history_postgresql_schema_2);
  g_test_add_func ("/conduit/serve-scale/kill-burst", test_kill_burst);
  g_test_add_func ("/conduit/serve-scale/postgresql-restart", test_postgresql_restart);
  g_test_add_func ("/conduit/serve-scale/dead-letter", test_dead_letter);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
