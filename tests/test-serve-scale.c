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
#include "postgresql-history-test-util.h"

/* Past one server (issue #23): receivers and workers of `conduit-cli serve --queue` sharing one
 * run history in PostgreSQL. Real servers only: `nats-server -js` on a private port and store
 * folder, PostgreSQL 15 from tests/db-test-servers.c, receivers and workers as processes, the
 * app as a local HTTP server in this process that honours Idempotency-Key (tests/fault-server.c
 * creates one record per key).
 *
 * - 3 receivers and 3 workers, a burst of events (10,000; 500 under the sanitizers), random
 *   workers and one receiver killed (-9) during it: every acknowledged event has exactly one
 *   succeeded run, the app received its key at least once and created its record once;
 * - PostgreSQL stopped the hard way during a burst and started again: nothing is lost;
 * - an event no worker can run ends in the dead-letter stream and as a failed run in
 *   PostgreSQL.
 * The store against PostgreSQL on its own is tested in test-history-postgresql.c. */

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

/* Processes */

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
int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/serve-scale/kill-burst", test_kill_burst);
  g_test_add_func ("/conduit/serve-scale/postgresql-restart", test_postgresql_restart);
  g_test_add_func ("/conduit/serve-scale/dead-letter", test_dead_letter);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
