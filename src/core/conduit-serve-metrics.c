/* conduit-serve-metrics.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-serve-metrics"

#include "config.h"

#include <string.h>

#include "conduit-run.h"
#include "conduit-serve-metrics.h"

/* What `conduit-cli serve` counts for its admin port: runs per flow by how they ended, the
 * events waiting to be committed, and whether it is ready. Worker threads feed it (their
 * runners' signals, their webhook servers' queues) while the admin server reads it on the main
 * thread, so everything is behind one mutex: a few additions per run, nothing to contend on.
 *
 * The run counters partition the accepted runs: every accepted run is in progress, or
 * counted once as completed (succeeded), partial, failed or interrupted (cancelled too). */

typedef struct
{
  guint64 accepted;
  guint64 completed;
  guint64 partial;
  guint64 failed;
  guint64 interrupted;
  guint64 refused;
} FlowCounts;

struct _ConduitServeMetrics
{
  GObject     parent_instance;

  GMutex      mutex;
  GHashTable *flows;        /* flow name → FlowCounts */
  GPtrArray  *order;        /* flow names, in the order first seen (owned by flows) */
  gint64      queued;
  gint64      in_progress;
  char       *unready;      /* why it is not ready, NULL when ready */
  gint64      start_time_s;
};

G_DEFINE_FINAL_TYPE (ConduitServeMetrics, conduit_serve_metrics, G_TYPE_OBJECT)

static void
conduit_serve_metrics_finalize (GObject *object)
{
  ConduitServeMetrics *self = (ConduitServeMetrics *)object;

  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_pointer (&self->flows, g_hash_table_unref);
  g_clear_pointer (&self->unready, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (conduit_serve_metrics_parent_class)->finalize (object);
}

static void
conduit_serve_metrics_class_init (ConduitServeMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_serve_metrics_finalize;
}

static void
conduit_serve_metrics_init (ConduitServeMetrics *self)
{
  g_mutex_init (&self->mutex);
  self->flows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->order = g_ptr_array_new ();
  self->unready = g_strdup ("starting");
  self->start_time_s = g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * conduit_serve_metrics_new:
 *
 * Makes the counters of a `serve` process, all at zero, not ready ("starting").
 *
 * Returns: (transfer full): the metrics
 */
ConduitServeMetrics *
conduit_serve_metrics_new (void)
{
  return g_object_new (CONDUIT_TYPE_SERVE_METRICS, NULL);
}

/* With the mutex held. */
static FlowCounts *
lookup_flow (ConduitServeMetrics *self,
             const char          *flow)
{
  FlowCounts *counts;

  if (flow == NULL)
    flow = "";
  counts = g_hash_table_lookup (self->flows, flow);
  if (counts == NULL)
    {
      char *name = g_strdup (flow);

      counts = g_new0 (FlowCounts, 1);
      g_hash_table_insert (self->flows, name, counts);
      g_ptr_array_add (self->order, name);
    }
  return counts;
}

/**
 * conduit_serve_metrics_add_flow:
 * @self: the metrics
 * @flow: a served flow's name
 *
 * Lists @flow with its counters at zero, so that a scrape shows it before its first event
 * (a counter that appears only once it is 1 hides its first increase from rate()).
 */
void
conduit_serve_metrics_add_flow (ConduitServeMetrics *self,
                                const char          *flow)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  lookup_flow (self, flow);
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_run_started:
 * @self: the metrics
 * @flow: the run's flow name
 *
 * Counts a run as accepted (its event is committed to the history) and in progress.
 */
void
conduit_serve_metrics_run_started (ConduitServeMetrics *self,
                                   const char          *flow)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  lookup_flow (self, flow)->accepted++;
  self->in_progress++;
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_run_finished:
 * @self: the metrics
 * @flow: the run's flow name
 * @status: how it ended
 *
 * Counts a run that was counted as started as ended with @status.
 */
void
conduit_serve_metrics_run_finished (ConduitServeMetrics *self,
                                    const char          *flow,
                                    ConduitRunStatus     status)
{
  FlowCounts *counts;

  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  counts = lookup_flow (self, flow);
  switch (status)
    {
    case CONDUIT_RUN_STATUS_SUCCEEDED:
      counts->completed++;
      break;
    case CONDUIT_RUN_STATUS_PARTIAL:
      counts->partial++;
      break;
    case CONDUIT_RUN_STATUS_FAILED:
      counts->failed++;
      break;
    case CONDUIT_RUN_STATUS_INTERRUPTED:
    case CONDUIT_RUN_STATUS_CANCELLED:
    case CONDUIT_RUN_STATUS_RUNNING:
    default:
      /* A run that ends "running" never wrote its end: the next start marks it interrupted. */
      counts->interrupted++;
      break;
    }
  if (self->in_progress > 0)
    self->in_progress--;
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_event_refused:
 * @self: the metrics
 * @flow: the flow whose webhook refused it
 *
 * Counts an event answered 503 because the history could not take it (the sender may send it
 * again; no run was made).
 */
void
conduit_serve_metrics_event_refused (ConduitServeMetrics *self,
                                     const char          *flow)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  lookup_flow (self, flow)->refused++;
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_add_queued:
 * @self: the metrics
 * @delta: +1 for an event received and waiting to be committed, -1 once it was answered
 *
 * Moves the queue depth gauge.
 */
void
conduit_serve_metrics_add_queued (ConduitServeMetrics *self,
                                  gint                 delta)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  self->queued += delta;
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_set_unready:
 * @self: the metrics
 * @reason: (nullable): why events are not taken now ("stopping"), %NULL once they are
 *
 * Sets what /readyz answers (besides the history's own state).
 */
void
conduit_serve_metrics_set_unready (ConduitServeMetrics *self,
                                   const char          *reason)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));

  g_mutex_lock (&self->mutex);
  g_free (self->unready);
  self->unready = g_strdup (reason);
  g_mutex_unlock (&self->mutex);
}

/**
 * conduit_serve_metrics_dup_unready:
 * @self: the metrics
 *
 * Returns: (transfer full) (nullable): why the process is not ready, %NULL when it is
 */
char *
conduit_serve_metrics_dup_unready (ConduitServeMetrics *self)
{
  char *reason;

  g_return_val_if_fail (CONDUIT_IS_SERVE_METRICS (self), NULL);

  g_mutex_lock (&self->mutex);
  reason = g_strdup (self->unready);
  g_mutex_unlock (&self->mutex);
  return reason;
}

static void
run_started_cb (ConduitRunner       *runner,
                ConduitRun          *run,
                ConduitServeMetrics *self)
{
  conduit_serve_metrics_run_started (self, conduit_flow_get_name (conduit_run_get_flow (run)));
}

static void
run_finished_cb (ConduitRunner       *runner,
                 ConduitRun          *run,
                 ConduitServeMetrics *self)
{
  conduit_serve_metrics_run_finished (self, conduit_flow_get_name (conduit_run_get_flow (run)),
                                      conduit_run_get_status (run));
}

/**
 * conduit_serve_metrics_watch_runner:
 * @self: the metrics
 * @runner: a runner of the served flows
 *
 * Counts @runner's runs: accepted once recorded and started, then by how they end (the
 * runner tells once the end went to the history). @self must outlive @runner, which may live
 * in another thread.
 */
void
conduit_serve_metrics_watch_runner (ConduitServeMetrics *self,
                                    ConduitRunner       *runner)
{
  g_return_if_fail (CONDUIT_IS_SERVE_METRICS (self));
  g_return_if_fail (CONDUIT_IS_RUNNER (runner));

  g_signal_connect (runner, "run-started", G_CALLBACK (run_started_cb), self);
  g_signal_connect (runner, "run-finished", G_CALLBACK (run_finished_cb), self);
}

/* A label value in the exposition format: backslash, double quote and line feed escaped. */
static void
append_label_value (GString    *out,
                    const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '"')
        g_string_append (out, "\\\"");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
}

static void
append_family (GString    *out,
               const char *name,
               const char *type,
               const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
append_counter (ConduitServeMetrics *self,
                GString             *out,
                const char          *name,
                const char          *help,
                gsize                offset)
{
  append_family (out, name, "counter", help);
  for (guint i = 0; i < self->order->len; i++)
    {
      const char *flow = g_ptr_array_index (self->order, i);
      FlowCounts *counts = g_hash_table_lookup (self->flows, flow);
      guint64 count;

      g_string_append_printf (out, "%s{flow=\"", name);
      append_label_value (out, flow);
      /* the counter's field, read by its offset in the struct */
      memcpy (&count, (guint8 *)counts + offset, sizeof count);
      g_string_append_printf (out, "\"} %" G_GUINT64_FORMAT "\n", count);
    }
}

/**
 * conduit_serve_metrics_dup_text:
 * @self: the metrics
 *
 * The metrics in Prometheus' text exposition format (version 0.0.4), as /metrics serves them.
 *
 * Returns: (transfer full): the text
 */
char *
conduit_serve_metrics_dup_text (ConduitServeMetrics *self)
{
  GString *out = g_string_sized_new (2048);

  g_return_val_if_fail (CONDUIT_IS_SERVE_METRICS (self), NULL);

  g_mutex_lock (&self->mutex);
  append_counter (self, out, "conduit_runs_accepted_total",
                  "Runs accepted: webhook events committed to the history and answered 202, "
                  "and schedule firings.", G_STRUCT_OFFSET (FlowCounts, accepted));
  append_counter (self, out, "conduit_runs_completed_total",
                  "Runs that ended succeeded.", G_STRUCT_OFFSET (FlowCounts, completed));
  append_counter (self, out, "conduit_runs_partial_total",
                  "Runs that ended with some items failed or rejected.",
                  G_STRUCT_OFFSET (FlowCounts, partial));
  append_counter (self, out, "conduit_runs_failed_total",
                  "Runs that ended failed.", G_STRUCT_OFFSET (FlowCounts, failed));
  append_counter (self, out, "conduit_runs_interrupted_total",
                  "Runs cut short by a stop (interrupted or cancelled).",
                  G_STRUCT_OFFSET (FlowCounts, interrupted));
  append_counter (self, out, "conduit_events_refused_total",
                  "Webhook events answered 503 because the history could not take them.",
                  G_STRUCT_OFFSET (FlowCounts, refused));
  append_family (out, "conduit_queue_depth", "gauge",
                 "Webhook events received and not answered yet: waiting for their turn or for "
                 "the history to commit them.");
  g_string_append_printf (out, "conduit_queue_depth %" G_GINT64_FORMAT "\n", self->queued);
  append_family (out, "conduit_runs_in_progress", "gauge", "Runs accepted and not ended yet.");
  g_string_append_printf (out, "conduit_runs_in_progress %" G_GINT64_FORMAT "\n",
                          self->in_progress);
  append_family (out, "conduit_ready", "gauge",
                 "1 when the webhook listeners are up and events are taken, else 0.");
  g_string_append_printf (out, "conduit_ready %d\n", self->unready == NULL ? 1 : 0);
  append_family (out, "process_start_time_seconds", "gauge",
                 "Start time of the process since the Unix epoch, in seconds.");
  g_string_append_printf (out, "process_start_time_seconds %" G_GINT64_FORMAT "\n",
                          self->start_time_s);
  g_mutex_unlock (&self->mutex);

  return g_string_free (out, FALSE);
}
