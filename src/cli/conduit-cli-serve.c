/* conduit-cli-serve.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-serve"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli serve FLOW... [--history DB] [--keep-runs N] [--keep-days D] [--workers N]
 *                           [--drain-seconds S] [--admin [ADDRESS:]PORT]
 *                           [--queue nats://HOST:PORT [--role receiver|worker]
 *                            [--max-deliver N] [--ack-wait S]]
 *
 * Serves the flows' webhook, schedule and poll triggers until SIGINT or SIGTERM. Then it drains:
 * every connection stops taking events (503 and Connection: close), accepted events and
 * running runs get up to --drain-seconds to finish, those still going then end as
 * interrupted, and it exits. A second signal exits at once: nothing acknowledged is lost (a
 * 202 went out only once its event was in the history), and the runs cut short show as
 * interrupted at the next start. The history is pruned in the background to the retention
 * asked for.
 *
 * Webhooks are served by worker threads, one per processor by default: each has its own main
 * context, runner (with its HTTP session) and webhook server, and its own copy of the flows;
 * their servers share each port (SO_REUSEPORT), so the kernel spreads the connections over
 * them. They share the history, whose single writer thread orders every write. Schedules run
 * on the main thread.
 *
 * With --admin, an admin server on the main thread answers /healthz, /readyz and /metrics
 * (conduit-serve-admin.c); the workers' runners and webhook servers feed its counters.
 *
 * With --queue, serve is one of several processes sharing a NATS JetStream stream: as a
 * receiver (the default role) its webhooks publish each accepted event to the stream and answer
 * 202 once it is there, without running it; as a worker (--role worker) it serves no webhook
 * and runs the events of the stream on its main thread (conduit-queue-worker.c). */

#define PRUNE_INTERVAL_SECONDS (10 * 60)
#define MAX_WORKERS 16

typedef struct _Serve Serve;

typedef struct
{
  Serve                *serve;
  guint                 index;
  GThread              *thread;
  GMainContext         *context;
  GMainLoop            *loop;
  ConduitRunner        *runner;
  ConduitWebhookServer *webhooks;
  GPtrArray            *flows;      /* this worker's own copies, parallel to serve->paths */
  guint                 drain_id;

  /* Set up in the worker, read by the main thread once `ready` */
  GError               *error;
  const char           *failed_path;
  gboolean              ready;
  gint                  finished;   /* atomic: its thread is done */
} Worker;

struct _Serve
{
  GMainLoop            *loop;
  ConduitHistoryStore  *history;
  ConduitRunner        *runner;     /* the schedules' */
  ConduitScheduler     *scheduler;
  ConduitServeMetrics  *metrics;    /* (nullable) without --admin */
  ConduitQueue         *queue;      /* (nullable) without --queue */
  ConduitQueueWorker   *queue_worker; /* (nullable) unless --role worker */
  GPtrArray            *paths;      /* flow files with a webhook trigger */
  guint                *ports;      /* per webhook flow, as the first worker bound it */
  GPtrArray            *workers;
  GMutex                mutex;
  GCond                 cond;
  gint                  n_workers_running;
  gboolean              stopping;
  guint                 drain_id;
  guint                 deadline_id;
  guint                 drain_seconds;
  guint                 item_samples;   /* --keep-items, for every runner */
};

/* Worker threads */

static gboolean
worker_drain_cb (gpointer user_data)
{
  Worker *worker = user_data;

  if (conduit_webhook_server_get_n_pending (worker->webhooks) > 0 ||
      conduit_webhook_server_get_n_executing (worker->webhooks) > 0 ||
      conduit_runner_get_n_active (worker->runner) > 0)
    return G_SOURCE_CONTINUE;

  worker->drain_id = 0;
  g_main_loop_quit (worker->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
worker_stop_cb (gpointer user_data)
{
  Worker *worker = user_data;
  GSource *source;

  if (worker->drain_id != 0)
    return G_SOURCE_REMOVE;

  conduit_webhook_server_drain (worker->webhooks);
  source = g_timeout_source_new (20);
  g_source_set_callback (source, worker_drain_cb, worker, NULL);
  worker->drain_id = g_source_attach (source, worker->context);
  g_source_unref (source);
  return G_SOURCE_REMOVE;
}

/* The drain ran out of time: the runs still going end as interrupted. */
static gboolean
worker_interrupt_cb (gpointer user_data)
{
  Worker *worker = user_data;

  conduit_webhook_server_interrupt_runs (worker->webhooks);
  return G_SOURCE_REMOVE;
}

static gboolean add_first_webhook_flow (ConduitWebhookServer  *webhooks,
                                        ConduitFlow           *flow,
                                        GError               **error);
static gboolean join_webhook_flow      (ConduitWebhookServer  *webhooks,
                                        ConduitFlow           *flow,
                                        guint                  port,
                                        GError               **error);

static gboolean
worker_setup (Worker  *worker,
              GError **error)
{
  Serve *serve = worker->serve;

  worker->runner = conduit_runner_new (conduit_connector_registry_get_default (), serve->history);
  conduit_runner_set_item_samples (worker->runner, serve->item_samples);
  worker->webhooks = conduit_webhook_server_new (worker->runner);
  conduit_webhook_server_set_shared_ports (worker->webhooks, TRUE);
  if (serve->metrics != NULL)
    {
      conduit_serve_metrics_watch_runner (serve->metrics, worker->runner);
      conduit_webhook_server_set_metrics (worker->webhooks, serve->metrics);
    }
  if (serve->queue != NULL)
    conduit_webhook_server_set_queue (worker->webhooks, serve->queue);

  for (guint i = 0; i < serve->paths->len; i++)
    {
      const char *path = g_ptr_array_index (serve->paths, i);
      g_autoptr(ConduitFlow) flow = conduit_cli_load_flow (path, error);

      worker->failed_path = path;
      if (flow == NULL)
        return FALSE;
      /* The first worker binds the flow's port (perhaps a free one, for port 0); the others
       * join it. */
      if (worker->index == 0)
        {
          if (!add_first_webhook_flow (worker->webhooks, flow, error))
            return FALSE;
          serve->ports[i] = conduit_webhook_server_get_port (worker->webhooks, flow);
        }
      else if (!join_webhook_flow (worker->webhooks, flow, serve->ports[i], error))
        return FALSE;
      g_ptr_array_add (worker->flows, g_steal_pointer (&flow));
    }

  worker->failed_path = NULL;
  return TRUE;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Serve *serve = worker->serve;
  gboolean ok;

  g_main_context_push_thread_default (worker->context);

  ok = worker_setup (worker, &worker->error);

  g_mutex_lock (&serve->mutex);
  worker->ready = TRUE;
  g_cond_broadcast (&serve->cond);
  g_mutex_unlock (&serve->mutex);

  if (ok)
    g_main_loop_run (worker->loop);

  /* The history hands its finished tasks back to this context: wait for them, then let them
   * go, and everything the worker made, in the worker's thread and context. */
  conduit_history_store_flush (serve->history, NULL);
  g_clear_object (&worker->webhooks);
  g_clear_object (&worker->runner);
  g_ptr_array_set_size (worker->flows, 0);
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_main_context_pop_thread_default (worker->context);

  g_atomic_int_set (&worker->finished, TRUE);
  g_atomic_int_dec_and_test (&serve->n_workers_running);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
worker_free (Worker *worker)
{
  if (worker->thread != NULL)
    g_thread_join (worker->thread);
  g_clear_pointer (&worker->flows, g_ptr_array_unref);
  g_clear_pointer (&worker->loop, g_main_loop_unref);
  g_clear_pointer (&worker->context, g_main_context_unref);
  g_clear_error (&worker->error);
  g_free (worker);
}

/* Starts a worker and waits until it serves its flows, or failed to. */
static gboolean
start_worker (Serve   *serve,
              guint    index,
              GError **error)
{
  Worker *worker = g_new0 (Worker, 1);
  g_autofree char *name = g_strdup_printf ("conduit-worker-%u", index);

  worker->serve = serve;
  worker->index = index;
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->flows = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (serve->workers, worker);

  g_atomic_int_inc (&serve->n_workers_running);
  worker->thread = g_thread_new (name, worker_thread, worker);

  g_mutex_lock (&serve->mutex);
  while (!worker->ready)
    g_cond_wait (&serve->cond, &serve->mutex);
  g_mutex_unlock (&serve->mutex);

  if (worker->error != NULL)
    {
      g_set_error (error, worker->error->domain, worker->error->code, "%s: %s",
                   worker->failed_path ? worker->failed_path : "", worker->error->message);
      return FALSE;
    }

  return TRUE;
}

/* The main thread */

static gboolean
drain_cb (gpointer user_data)
{
  Serve *serve = user_data;

  /* the scheduler's count, not only the runner's: a poll's run is not active on the runner
   * until recorded, and an empty poll's run is deleted after it ended */
  if (g_atomic_int_get (&serve->n_workers_running) > 0 ||
      conduit_runner_get_n_active (serve->runner) > 0 ||
      conduit_scheduler_get_n_active (serve->scheduler) > 0 ||
      (serve->queue_worker != NULL && conduit_queue_worker_get_n_active (serve->queue_worker) > 0))
    return G_SOURCE_CONTINUE;

  serve->drain_id = 0;
  g_main_loop_quit (serve->loop);
  return G_SOURCE_REMOVE;
}

static void
stop_workers (Serve *serve)
{
  for (guint i = 0; i < serve->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (serve->workers, i);

      /* A worker that is done has nothing left to stop, and nobody iterates its context. */
      if (worker->ready && worker->error == NULL && !g_atomic_int_get (&worker->finished))
        g_main_context_invoke (worker->context, worker_stop_cb, worker);
    }
}

/* Once the runs were told to stop, they have this long to write their end. */
#define INTERRUPT_GRACE_SECONDS 5

static gboolean
give_up_cb (gpointer user_data)
{
  fprintf (stderr, "%s\n", _("Runs still going did not stop; they show as interrupted at the "
                              "next start."));
  fflush (stderr);
  _exit (1);
}

static gboolean
deadline_cb (gpointer user_data)
{
  Serve *serve = user_data;

  serve->deadline_id = 0;
  fprintf (stderr, _("The runs in flight did not finish within %u seconds; they end as "
                     "interrupted.\n"), serve->drain_seconds);
  for (guint i = 0; i < serve->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (serve->workers, i);

      if (worker->ready && worker->error == NULL && !g_atomic_int_get (&worker->finished))
        g_main_context_invoke (worker->context, worker_interrupt_cb, worker);
    }
  if (serve->queue_worker != NULL)
    conduit_queue_worker_interrupt_runs (serve->queue_worker);
  conduit_scheduler_interrupt_runs (serve->scheduler);
  g_timeout_add_seconds (INTERRUPT_GRACE_SECONDS, give_up_cb, serve);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_cb (gpointer user_data)
{
  Serve *serve = user_data;

  if (serve->stopping)
    {
      /* Every 202 went out after its event was committed: exiting loses nothing acknowledged. */
      fprintf (stderr, "%s\n", _("Stopping at once: runs still going show as interrupted at the "
                                  "next start."));
      fflush (stderr);
      _exit (1);
    }

  serve->stopping = TRUE;
  if (serve->metrics != NULL)
    conduit_serve_metrics_set_unready (serve->metrics,
                                       "stopping: no more events taken, finishing the runs in "
                                       "flight");
  fprintf (stderr, _("Stopping: no more events taken; finishing the runs in flight (at most "
                     "%u seconds)…\n"), serve->drain_seconds);
  stop_workers (serve);
  conduit_scheduler_stop (serve->scheduler);
  if (serve->queue_worker != NULL)
    conduit_queue_worker_stop (serve->queue_worker);
  serve->drain_id = g_timeout_add (20, drain_cb, serve);
  serve->deadline_id = g_timeout_add_seconds (serve->drain_seconds, deadline_cb, serve);
  return G_SOURCE_CONTINUE;
}

static void
prune_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint deleted = 0;

  if (!conduit_history_store_prune_finish (CONDUIT_HISTORY_STORE (object), result, &deleted,
                                           &error))
    g_warning ("Pruning the run history failed: %s", error->message);
}

static gboolean
prune_cb (gpointer user_data)
{
  Serve *serve = user_data;

  conduit_history_store_prune_async (serve->history, g_get_real_time (), NULL, prune_done_cb,
                                     NULL);
  return G_SOURCE_CONTINUE;
}

/* Serves @flow's webhook, with its signature secret when it checks signatures. */
static gboolean
add_first_webhook_flow (ConduitWebhookServer  *webhooks,
                              ConduitFlow           *flow,
                              GError               **error)
{
  return conduit_serve_add_webhook_flow (webhooks, flow, 0, error);
}

/* Serves @flow's webhook on @port too, for another worker thread. */
static gboolean
join_webhook_flow (ConduitWebhookServer  *webhooks,
                               ConduitFlow           *flow,
                               guint                  port,
                               GError               **error)
{
  return conduit_serve_add_webhook_flow (webhooks, flow, port, error);
}

int
conduit_cli_serve (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(ConduitServeMetrics) metrics = NULL;
  g_autoptr(ConduitServeAdmin) admin = NULL;
  g_autofree char *admin_address = NULL;
  g_autofree char *queue_url = NULL;
  g_autofree char *role = NULL;
  g_autoptr(ConduitQueue) queue = NULL;
  g_autoptr(ConduitQueueWorker) queue_worker = NULL;
  gint max_deliver = 5;
  gint ack_wait = 30;
  g_autoptr(GPtrArray) flows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) webhook_paths = g_ptr_array_new ();
  g_autoptr(GPtrArray) workers = g_ptr_array_new_with_free_func ((GDestroyNotify)worker_free);
  g_autofree guint *ports = NULL;
  g_autofree char *history_path = NULL;
  gint keep_runs = 10000;
  gint keep_days = 30;
  gint n_workers = 0;
  gint drain_seconds = 30;
  gint keep_items = CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES;
  gboolean check = FALSE;
  guint served = 0;
  guint sigint_id, sigterm_id, prune_id;
  int status = 0;
  Serve serve = { 0 };
  const GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Record runs in DB instead of the usual run history"), N_("DB") },
    { "keep-runs", 0, 0, G_OPTION_ARG_INT, &keep_runs,
      N_("Keep the last N runs of each flow (0: no limit; default 10000)"), N_("N") },
    { "keep-days", 0, 0, G_OPTION_ARG_INT, &keep_days,
      N_("Keep runs for D days (0: no limit; default 30)"), N_("D") },
    { "keep-items", 0, 0, G_OPTION_ARG_INT, &keep_items,
      N_("Keep the first N items that went well per step and port of each run in the history "
         "(default 100); failed and rejected items are always all kept"), N_("N") },
    { "workers", 0, 0, G_OPTION_ARG_INT, &n_workers,
      N_("Serve webhooks with N threads (default: one per processor)"), N_("N") },
    { "drain-seconds", 0, 0, G_OPTION_ARG_INT, &drain_seconds,
      N_("On SIGTERM, give the runs in flight S seconds to finish (default 30)"), N_("S") },
    { "admin", 0, 0, G_OPTION_ARG_STRING, &admin_address,
      N_("Answer /healthz, /readyz and /metrics on [ADDRESS:]PORT (address 127.0.0.1 unless "
         "given; off by default)"), N_("[ADDRESS:]PORT") },
    { "queue", 0, 0, G_OPTION_ARG_STRING, &queue_url,
      N_("Share the events with other serve processes through NATS JetStream at URL"),
      N_("nats://HOST:PORT") },
    { "role", 0, 0, G_OPTION_ARG_STRING, &role,
      N_("With --queue: receiver (take webhook events into the queue; the default) or worker "
         "(run the queued events)"), N_("ROLE") },
    { "max-deliver", 0, 0, G_OPTION_ARG_INT, &max_deliver,
      N_("With --queue: deliveries of an event before it goes to the dead-letter stream "
         "(default 5)"), N_("N") },
    { "ack-wait", 0, 0, G_OPTION_ARG_INT, &ack_wait,
      N_("With --queue: seconds after which an event a worker stopped answering for goes to "
         "another (default 30)"), N_("S") },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      N_("Only check that serving can start: flows, credentials, ports, history, queue; list every "
         "problem"),
      NULL },
    { NULL }
  };

  context = g_option_context_new (_("FLOW… — serve the flows’ webhook, schedule and poll triggers"));
  g_option_context_set_summary (context,
                                _("Runs the flows whenever their webhooks receive an event or "
                                  "their schedules fire, until interrupted (Ctrl+C or SIGTERM); "
                                  "then finishes the runs in flight and exits."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc < 2)
    {
      fprintf (stderr, _("%s: name at least one flow file\n"), argv[0]);
      return 1;
    }

  if (check)
    return conduit_cli_serve_check (argv + 1, history_path, admin_address, queue_url, role);

  if (n_workers < 0 || n_workers > MAX_WORKERS)
    {
      fprintf (stderr, _("%s: --workers takes a number from 1 to %d\n"), argv[0], MAX_WORKERS);
      return 1;
    }
  if (drain_seconds < 0 || drain_seconds > 24 * 3600)
    {
      fprintf (stderr, _("%s: --drain-seconds takes a number from 0 to 86400\n"), argv[0]);
      return 1;
    }
  if (keep_items < 0)
    {
      fprintf (stderr, _("%s: --keep-items must be 0 or more\n"), argv[0]);
      return 1;
    }
  if (n_workers == 0)
    n_workers = CLAMP (g_get_num_processors (), 1, MAX_WORKERS);
  if (role != NULL && !g_str_equal (role, "receiver") && !g_str_equal (role, "worker"))
    {
      fprintf (stderr, _("%s: --role is receiver or worker, not “%s”\n"), argv[0], role);
      return 1;
    }
  if (role != NULL && queue_url == NULL)
    {
      fprintf (stderr, _("%s: --role needs --queue nats://HOST:PORT\n"), argv[0]);
      return 1;
    }
  if (max_deliver < 1 || max_deliver > 1000 || ack_wait < 1 || ack_wait > 3600)
    {
      fprintf (stderr, _("%s: --max-deliver takes 1 to 1000, --ack-wait 1 to 3600 seconds\n"),
               argv[0]);
      return 1;
    }

  for (int i = 1; i < argc; i++)
    {
      ConduitFlow *flow = conduit_cli_load_flow (argv[i], &error);

      if (flow == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (flows, flow);
    }

  history = conduit_cli_open_history (history_path, &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  conduit_history_store_set_retention (history, (guint)MAX (keep_runs, 0),
                                       (guint)MAX (keep_days, 0));

  if (queue_url != NULL)
    {
      queue = conduit_queue_new (queue_url, &error);
      if (queue == NULL)
        {
          fprintf (stderr, "%s: --queue: %s\n", argv[0], error->message);
          return 1;
        }
    }

  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
  conduit_runner_set_item_samples (runner, (guint)keep_items);
  scheduler = conduit_scheduler_new (runner);
  /* A receiver queues its schedules' ticks: with several receivers a tick still runs once. */
  if (queue != NULL)
    conduit_scheduler_set_queue (scheduler, queue);

  if (admin_address != NULL)
    {
      g_autofree char *admin_url = NULL;

      metrics = conduit_serve_metrics_new ();
      for (guint i = 0; i < flows->len; i++)
        conduit_serve_metrics_add_flow (metrics,
                                        conduit_flow_get_name (g_ptr_array_index (flows, i)));
      conduit_serve_metrics_watch_runner (metrics, runner);
      admin = conduit_serve_admin_new (metrics, history);
      conduit_serve_admin_set_queue (admin, queue);
      if (!conduit_serve_admin_listen (admin, admin_address, &error))
        {
          fprintf (stderr, "%s: --admin: %s\n", argv[0], error->message);
          return 1;
        }
      admin_url = conduit_serve_admin_dup_url (admin);
      printf (_("Admin: %s (healthz, readyz, metrics)\n"), admin_url);
    }

  /* Before the first URL is printed, so that a signal right after it is handled cleanly. */
  loop = g_main_loop_new (NULL, FALSE);
  serve.loop = loop;
  serve.runner = runner;
  serve.item_samples = (guint)keep_items;
  serve.history = history;
  serve.scheduler = scheduler;
  serve.metrics = metrics;
  serve.queue = queue;
  serve.paths = webhook_paths;
  serve.workers = workers;
  serve.drain_seconds = (guint)drain_seconds;
  g_mutex_init (&serve.mutex);
  g_cond_init (&serve.cond);
  sigint_id = g_unix_signal_add (SIGINT, stop_cb, &serve);
  sigterm_id = g_unix_signal_add (SIGTERM, stop_cb, &serve);

  if (queue != NULL && g_strcmp0 (role, "worker") == 0)
    {
      ConduitQueueConsumerOptions options = {
        .max_in_flight = 64,
        .max_deliver = (guint)max_deliver,
        .ack_wait_s = (guint)ack_wait,
      };

      queue_worker = conduit_queue_worker_new (queue, runner);
      serve.queue_worker = queue_worker;
      for (guint i = 0; i < flows->len; i++)
        {
          ConduitFlow *flow = g_ptr_array_index (flows, i);

          conduit_queue_worker_add_flow (queue_worker, flow);
          printf (_("%s: running its events from %s\n"), conduit_flow_get_name (flow), queue_url);
          served++;
        }
      if (!conduit_queue_worker_start (queue_worker, &options, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          status = 1;
          goto out;
        }
    }

  for (guint i = 0; i < flows->len && queue_worker == NULL; i++)
    {
      ConduitFlow *flow = g_ptr_array_index (flows, i);
      gboolean has_webhook = FALSE, has_schedule = FALSE;
      guint n_polls = 0;

      conduit_serve_find_triggers (flow, &has_webhook, NULL);
      if (has_webhook)
        {
          g_ptr_array_add (webhook_paths, argv[i + 1]);
        }

      /* schedules, and poll triggers (New E-mail, New File on SFTP, apps' new records) that
       * poll on their own */
      if (!conduit_serve_add_timed_triggers (scheduler, flow, &has_schedule, &n_polls, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[i + 1], error->message);
          status = 1;
          goto out;
        }

      if (has_schedule)
        {
          g_autoptr(GDateTime) next = NULL;
          g_autofree char *when = NULL;

          next = g_date_time_new_from_unix_local (conduit_scheduler_get_next_us (scheduler, flow) /
                                                  G_USEC_PER_SEC);
          when = g_date_time_format (next, "%Y-%m-%d %H:%M");
          printf (_("%s: scheduled, next run at %s\n"), conduit_flow_get_name (flow), when);
          served++;
        }

      if (n_polls > 0)
        {
          printf (g_dngettext (GETTEXT_PACKAGE, "%s: polling %u trigger\n",
                               "%s: polling %u triggers\n", n_polls),
                  conduit_flow_get_name (flow), n_polls);
          served++;
        }

      if (!has_webhook && !has_schedule && n_polls == 0)
        fprintf (stderr, _("%s: has no webhook, schedule or poll trigger; nothing to serve\n"),
                 argv[i + 1]);
    }

  if (webhook_paths->len > 0)
    {
      Worker *first;

      ports = g_new0 (guint, webhook_paths->len);
      serve.ports = ports;
      for (guint i = 0; i < (guint)n_workers; i++)
        if (!start_worker (&serve, i, &error))
          {
            fprintf (stderr, "%s\n", error->message);
            status = 1;
            goto out;
          }

      first = g_ptr_array_index (workers, 0);
      for (guint i = 0; i < webhook_paths->len; i++)
        {
          ConduitFlow *flow = g_ptr_array_index (first->flows, i);
          g_autofree char *url = NULL;
          g_autofree char *curl = NULL;

          /* Read once the worker is set up; it no longer changes what it serves. */
          url = conduit_webhook_server_dup_url (first->webhooks, flow);
          curl = conduit_webhook_server_dup_curl_command (first->webhooks, flow);
          printf (_("%s: listening on %s\n"), conduit_flow_get_name (flow), url);
          printf (_("  try: %s\n"), curl);
          served++;
        }
    }
  fflush (stdout);

  if (served == 0)
    {
      status = 1;
      goto out;
    }

  /* Every listener is up: events are taken from now on. */
  if (metrics != NULL)
    conduit_serve_metrics_set_unready (metrics, NULL);

  prune_cb (&serve);
  prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_SECONDS, prune_cb, &serve);

  g_main_loop_run (loop);

  g_source_remove (prune_id);
  g_clear_handle_id (&serve.deadline_id, g_source_remove);

out:
  /* Workers that started stop and finish their runs before the history closes. */
  stop_workers (&serve);
  while (g_atomic_int_get (&serve.n_workers_running) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_ptr_array_set_size (workers, 0);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  conduit_history_store_close (history);
  g_mutex_clear (&serve.mutex);
  g_cond_clear (&serve.cond);
  if (status == 0 && queue != NULL && queue_worker == NULL)
    fprintf (stderr, "%s\n", _("Stopped; every accepted event is in the queue."));
  else if (status == 0)
    fprintf (stderr, "%s\n", _("Stopped; every accepted event is in the history."));
  return status;
}
