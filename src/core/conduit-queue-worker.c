/* conduit-queue-worker.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-queue-worker"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "conduit-history-store.h"
#include "conduit-json-tree.h"
#include "conduit-queue-worker.h"
#include "conduit-run.h"

/* The worker role of `serve --queue … --role worker`: runs the events the receivers put in the
 * NATS stream, in the thread-default main context it was started in.
 *
 * For each message: the run is recorded in this worker's history, runs, and its end is
 * committed; only then is the message acknowledged. While it runs, NATS hears "in progress"
 * every third of the ack wait, so a long run is not given to another worker. A message this
 * worker cannot run now (its flow is not served here, the history refused the run) goes back
 * with a growing delay (half a second, doubling, at most a minute); once it used up its
 * deliveries NATS moves it to the dead-letter stream (conduit-queue.c), and the worker that
 * gets that news writes it into its history as a failed run with the reason. A run stopped by
 * a drain that ran out of time is not acknowledged: another worker runs the event again.
 *
 * The run carries the event id: a PostgreSQL history shared by the workers decides from it
 * whether a redelivered event runs again (its run ended: it is acknowledged without running;
 * its run was cut short: it runs again as the next attempt), and the run's HTTP calls send an
 * Idempotency-Key made from it. */

#define MAX_NAK_DELAY_MS 60000

struct _ConduitQueueWorker
{
  GObject        parent_instance;

  ConduitQueue  *queue;
  ConduitRunner *runner;
  GHashTable    *flows;         /* name → ConduitFlow */
  GPtrArray     *active;        /* of Job */
  guint          in_progress_id;
  guint          ack_wait_s;
  GPtrArray     *ended;         /* of Job: run ended, waiting for the next flush */
  gboolean       flushing;
  guint64        n_dead;
  guint64        n_already_ran;
};

typedef struct
{
  ConduitQueueWorker   *worker;      /* (owned) */
  ConduitQueueDelivery *delivery;    /* until answered */
  ConduitRun           *run;
} Job;

G_DEFINE_FINAL_TYPE (ConduitQueueWorker, conduit_queue_worker, G_TYPE_OBJECT)

static void
conduit_queue_worker_dispose (GObject *object)
{
  ConduitQueueWorker *self = (ConduitQueueWorker *)object;

  conduit_queue_worker_stop (self);
  g_clear_handle_id (&self->in_progress_id, g_source_remove);
  g_clear_object (&self->queue);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->flows, g_hash_table_unref);
  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_pointer (&self->ended, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_queue_worker_parent_class)->dispose (object);
}

static void
conduit_queue_worker_class_init (ConduitQueueWorkerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_queue_worker_dispose;
}

static void
conduit_queue_worker_init (ConduitQueueWorker *self)
{
  self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->active = g_ptr_array_new ();
  self->ended = g_ptr_array_new ();
}

/**
 * conduit_queue_worker_new:
 * @queue: the event stream
 * @runner: runs the flows, into its history
 *
 * Returns: (transfer full): a worker, not consuming yet
 */
ConduitQueueWorker *
conduit_queue_worker_new (ConduitQueue  *queue,
                          ConduitRunner *runner)
{
  ConduitQueueWorker *self;

  g_return_val_if_fail (CONDUIT_IS_QUEUE (queue), NULL);
  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);

  self = g_object_new (CONDUIT_TYPE_QUEUE_WORKER, NULL);
  self->queue = g_object_ref (queue);
  self->runner = g_object_ref (runner);
  return self;
}

/**
 * conduit_queue_worker_add_flow:
 * @self: a worker
 * @flow: a flow whose events this worker runs (matched by name)
 */
void
conduit_queue_worker_add_flow (ConduitQueueWorker *self,
                               ConduitFlow        *flow)
{
  g_return_if_fail (CONDUIT_IS_QUEUE_WORKER (self));
  g_return_if_fail (CONDUIT_IS_FLOW (flow));

  g_hash_table_replace (self->flows, g_strdup (conduit_flow_get_name (flow)),
                        g_object_ref (flow));
}

static void
job_free (Job *job)
{
  g_ptr_array_remove_fast (job->worker->active, job);
  if (job->delivery != NULL)
    conduit_queue_delivery_free (job->delivery);
  g_clear_object (&job->run);
  g_object_unref (job->worker);
  g_free (job);
}

static guint
nak_delay_ms (ConduitQueueDelivery *delivery)
{
  guint n = MAX (conduit_queue_delivery_get_n_delivered (delivery), 1);

  return n > 8 ? MAX_NAK_DELAY_MS : MIN (500u << (n - 1), MAX_NAK_DELAY_MS);
}

static void
job_nak (Job *job)
{
  guint delay_ms = nak_delay_ms (job->delivery);

  conduit_queue_delivery_nak (g_steal_pointer (&job->delivery), delay_ms);
}

typedef struct
{
  GPtrArray           *jobs;      /* of Job, whose runs' ends this flush commits */
  ConduitHistoryStore *history;
} Flush;

static void
flush_free (Flush *flush)
{
  g_ptr_array_unref (flush->jobs);
  g_object_unref (flush->history);
  g_free (flush);
}

static void flush_ended (ConduitQueueWorker *self);

static void
flushed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Flush *flush = g_task_get_task_data (G_TASK (result));
  GPtrArray *jobs = flush->jobs;
  ConduitQueueWorker *self = CONDUIT_QUEUE_WORKER (object);

  /* Committed (or the history gave up, at a stop): nothing of these runs is left to wait for. */
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = g_ptr_array_index (jobs, i);

      conduit_queue_delivery_ack (g_steal_pointer (&job->delivery));
      job_free (job);
    }
  self->flushing = FALSE;
  if (self->ended->len > 0)
    flush_ended (self);
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Flush *flush = task_data;

  conduit_history_store_flush (flush->history, NULL);
  g_task_return_boolean (task, TRUE);
}

/* One flush for all the runs that ended since the last one began: a flush commits everything
 * written before it, so under load one commit and one thread hop serve many events. */
static void
flush_ended (ConduitQueueWorker *self)
{
  g_autoptr(GTask) task = NULL;
  Flush *flush = g_new0 (Flush, 1);

  g_assert (!self->flushing);
  flush->jobs = g_steal_pointer (&self->ended);
  flush->history = g_object_ref (conduit_runner_get_history (self->runner));
  self->ended = g_ptr_array_new ();
  task = g_task_new (self, NULL, flushed_cb, NULL);
  g_task_set_source_tag (task, flush_ended);
  g_task_set_task_data (task, flush, (GDestroyNotify)flush_free);
  self->flushing = TRUE;
  g_task_run_in_thread (task, flush_thread);
}

/* The run's end is committed before the ack, and that can take a while (a PostgreSQL history
 * that restarts): meanwhile the job stays active, so NATS keeps hearing "in progress" and does
 * not give the event to another worker, which would run it a second time. */
static void
flush_then_ack (Job *job)
{
  ConduitQueueWorker *self = job->worker;

  if (conduit_runner_get_history (self->runner) == NULL)
    {
      conduit_queue_delivery_ack (g_steal_pointer (&job->delivery));
      job_free (job);
      return;
    }
  g_ptr_array_add (self->ended, job);
  if (!self->flushing)
    flush_ended (self);
}

static void
executed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_run_execute_finish (CONDUIT_RUN (object), result, &error))
    g_warning ("A queued run could not run: %s", error->message);

  /* Cut short by a stop: another worker runs the event again. */
  if (conduit_run_get_status (job->run) == CONDUIT_RUN_STATUS_INTERRUPTED ||
      conduit_run_get_status (job->run) == CONDUIT_RUN_STATUS_CANCELLED)
    {
      job_free (job);
      return;
    }

  flush_then_ack (job);
}

static void
recorded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_run_record_finish (CONDUIT_RUN (object), result, &error))
    {
      g_warning ("A queued event could not be recorded (it is given back): %s", error->message);
      job_nak (job);
      job_free (job);
      return;
    }

  /* Delivered again after its run ended (the worker died before NATS heard the ack, or after
   * JetStream's dedup window): the shared history knows, and it does not run twice. */
  if (conduit_run_get_already_ran (job->run))
    {
      g_debug ("The event %s already ran; acknowledged without running",
               conduit_queue_delivery_get_event_id (job->delivery));
      job->worker->n_already_ran++;
      conduit_queue_delivery_ack (g_steal_pointer (&job->delivery));
      job_free (job);
      return;
    }

  conduit_run_execute_async (job->run, NULL, executed_cb, job);
}

/* The receiver's payload: {"flow", "trigger", "received_us", "items": [...]}. */
static gboolean
read_payload (GBytes      *payload,
              char       **flow,
              char       **trigger,
              char       **kind,
              GPtrArray  **items)
{
  g_autoptr(JsonNode) root = NULL;
  gsize size;
  const char *data = g_bytes_get_data (payload, &size);
  JsonObject *object;
  JsonArray *array;

  /* the same tree as a JsonParser's, in a third of its instructions (one parse a run) */
  if (!conduit_json_tree_parse (data, size, FALSE, &root, NULL) ||
      root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "flow") || !json_object_has_member (object, "items") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "items")) ||
      !JSON_NODE_HOLDS_VALUE (json_object_get_member (object, "flow")))
    return FALSE;

  *flow = g_strdup (json_object_get_string_member (object, "flow"));
  *trigger = g_strdup (json_object_get_string_member_with_default (object, "trigger", NULL));
  /* a schedule's tick queued by a receiver, else a webhook's event */
  *kind = g_strdup (g_strcmp0 (json_object_get_string_member_with_default (object, "kind", NULL),
                               "schedule") == 0 ? "schedule" : "webhook");
  array = json_object_get_array_member (object, "items");
  *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (*items, json_node_copy (json_array_get_element (array, i)));
  return *flow != NULL;
}

static void
deliver_cb (ConduitQueueDelivery *delivery,
            gpointer              user_data)
{
  ConduitQueueWorker *self = user_data;
  g_autofree char *flow_name = NULL;
  g_autofree char *trigger = NULL;
  g_autofree char *kind = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow;
  Job *job;

  job = g_new0 (Job, 1);
  job->worker = g_object_ref (self);
  job->delivery = delivery;
  g_ptr_array_add (self->active, job);

  if (!read_payload (conduit_queue_delivery_get_payload (delivery), &flow_name, &trigger,
                     &kind, &items))
    {
      g_warning ("The queued event %s is not an event Conduit's receivers publish; it is given "
                 "back until it goes to the dead-letter stream",
                 conduit_queue_delivery_get_event_id (delivery));
      job_nak (job);
      job_free (job);
      return;
    }

  /* Perhaps another worker serves it. */
  flow = g_hash_table_lookup (self->flows, flow_name);
  if (flow == NULL)
    {
      g_debug ("No flow “%s” here for event %s", flow_name,
               conduit_queue_delivery_get_event_id (delivery));
      job_nak (job);
      job_free (job);
      return;
    }

  job->run = conduit_runner_create_run (self->runner, flow, trigger, kind, items, &error);
  if (job->run == NULL)
    {
      g_warning ("The queued event %s cannot run: %s",
                 conduit_queue_delivery_get_event_id (delivery), error->message);
      job_nak (job);
      job_free (job);
      return;
    }
  /* Conduit's receivers always give one; a message published otherwise may lack it. */
  if (*conduit_queue_delivery_get_event_id (delivery) != '\0')
    conduit_run_set_event_id (job->run, conduit_queue_delivery_get_event_id (delivery));
  conduit_run_record_async (job->run, NULL, recorded_cb, job);
}

static gboolean
in_progress_cb (gpointer user_data)
{
  ConduitQueueWorker *self = user_data;

  for (guint i = 0; i < self->active->len; i++)
    {
      Job *job = g_ptr_array_index (self->active, i);

      if (job->delivery != NULL)
        conduit_queue_delivery_in_progress (job->delivery);
    }
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  ConduitHistoryStore *history;
  ConduitRunRecord     record;
} DeadRun;

static void
dead_recorded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  DeadRun *dead = user_data;
  g_autoptr(GError) error = NULL;

  dead->record.id = conduit_history_store_begin_run_finish (CONDUIT_HISTORY_STORE (object),
                                                            result, &error);
  if (dead->record.id > 0)
    {
      dead->record.finished_us = g_get_real_time ();
      dead->record.status = CONDUIT_RUN_STATUS_FAILED;
      dead->record.items_failed = dead->record.items_in;
      conduit_history_store_finish_run (dead->history, &dead->record);
    }
  else
    g_warning ("A dead-lettered event could not be written into the history: %s",
               error->message);

  g_object_unref (dead->history);
  g_free (dead->record.flow);
  g_free (dead->record.trigger_node);
  g_free (dead->record.error);
  g_free (dead);
}

/* An event used up its deliveries and is in the dead-letter stream: a failed run says so. */
static void
dead_cb (const char *event_id,
         GBytes     *payload,
         guint       n_delivered,
         gpointer    user_data)
{
  ConduitQueueWorker *self = user_data;
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *trigger = NULL;
  g_autofree char *kind = NULL;
  DeadRun *dead;

  self->n_dead++;
  if (history == NULL)
    return;
  if (!read_payload (payload, &flow, &trigger, &kind, &items))
    {
      flow = g_strdup (_("(unreadable event)"));
      items = g_ptr_array_new ();
    }
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (texts, json_to_string (g_ptr_array_index (items, i), FALSE));

  dead = g_new0 (DeadRun, 1);
  dead->history = g_object_ref (history);
  dead->record.flow = g_steal_pointer (&flow);
  dead->record.trigger_node = g_strdup (trigger != NULL ? trigger : "");
  dead->record.trigger_kind = (char *)(g_strcmp0 (kind, "schedule") == 0 ? "schedule" : "webhook");
  dead->record.started_us = g_get_real_time ();
  dead->record.status = CONDUIT_RUN_STATUS_RUNNING;
  dead->record.items_in = items->len;
  dead->record.error = g_strdup_printf (_("The event %s was delivered %u times and no worker "
                                          "could run it (is the flow “%s” served by a worker, "
                                          "and its history writable?); it is in the "
                                          "dead-letter stream %s"),
                                        event_id, n_delivered, dead->record.flow,
                                        CONDUIT_QUEUE_DEAD_STREAM);
  conduit_history_store_begin_run_async (history, &dead->record, "out", texts, NULL,
                                         dead_recorded_cb, dead);
}

/**
 * conduit_queue_worker_start:
 * @self: a worker
 * @options: how many events at once, deliveries, the ack wait
 * @error: return location for a #GError
 *
 * Starts running the queued events of the flows added, in the thread-default main context.
 *
 * Returns: whether it consumes the stream
 */
gboolean
conduit_queue_worker_start (ConduitQueueWorker                *self,
                            const ConduitQueueConsumerOptions *options,
                            GError                           **error)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE_WORKER (self), FALSE);

  if (!conduit_queue_consume (self->queue, options, deliver_cb, dead_cb, self, error))
    return FALSE;
  self->ack_wait_s = MAX (options->ack_wait_s, 1);
  self->in_progress_id = g_timeout_add (self->ack_wait_s * 1000 / 3, in_progress_cb, self);
  return TRUE;
}

/**
 * conduit_queue_worker_stop:
 * @self: a worker
 *
 * Takes no more events; the runs going on finish (see conduit_queue_worker_get_n_active()).
 */
void
conduit_queue_worker_stop (ConduitQueueWorker *self)
{
  g_return_if_fail (CONDUIT_IS_QUEUE_WORKER (self));

  if (self->queue != NULL)
    conduit_queue_stop_consuming (self->queue);
}

/**
 * conduit_queue_worker_get_n_active:
 * @self: a worker
 *
 * Returns: events taken and not answered yet, or still being acknowledged
 */
guint
conduit_queue_worker_get_n_active (ConduitQueueWorker *self)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE_WORKER (self), 0);

  return MAX (self->active->len, conduit_queue_get_n_in_flight (self->queue));
}

/**
 * conduit_queue_worker_interrupt_runs:
 * @self: a worker
 *
 * Stops the runs still going (a drain ran out of time): each ends as interrupted in this
 * history, and its event is left to another worker.
 */
void
conduit_queue_worker_interrupt_runs (ConduitQueueWorker *self)
{
  g_return_if_fail (CONDUIT_IS_QUEUE_WORKER (self));

  for (guint i = 0; i < self->active->len; i++)
    {
      Job *job = g_ptr_array_index (self->active, i);

      if (job->run != NULL)
        conduit_run_set_interrupted (job->run);
    }
}

/**
 * conduit_queue_worker_get_n_dead:
 * @self: a worker
 *
 * Returns: events this worker moved to the dead-letter stream
 */
guint64
conduit_queue_worker_get_n_dead (ConduitQueueWorker *self)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE_WORKER (self), 0);

  return self->n_dead;
}

/**
 * conduit_queue_worker_get_n_already_ran:
 * @self: a worker
 *
 * Returns: events delivered again after their run had ended, acknowledged without running
 */
guint64
conduit_queue_worker_get_n_already_ran (ConduitQueueWorker *self)
{
  g_return_val_if_fail (CONDUIT_IS_QUEUE_WORKER (self), 0);

  return self->n_already_ran;
}
