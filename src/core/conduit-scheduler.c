/* conduit-scheduler.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-scheduler"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "conduit-executor.h"
#include "conduit-history-store.h"
#include "conduit-queue.h"
#include "conduit-run.h"
#include "conduit-scheduler.h"

/* Fires schedule triggers: every N minutes, or daily or weekly at a local time. The wait goes
 * through the runner's clock, so tests can run a week of schedules in an instant. The next time
 * is computed from the wall clock each time (not by adding intervals), so a daily run stays at
 * 09:00 across daylight-saving changes and a suspended laptop does not fire a backlog.
 *
 * Interval ticks fall on multiples of the interval counted from the Unix epoch, not from the
 * moment the scheduler started: every receiver of `serve --queue` then names the same ticks.
 * With a queue (conduit_scheduler_set_queue()) a tick is not run here but published to the
 * event stream with a message id made of the flow, the trigger and the tick's scheduled time;
 * the stream drops the copies the other receivers publish for the same tick within its
 * duplicate window, so a worker runs each tick once however many receivers fire it.
 */

G_DEFINE_QUARK (conduit-scheduler-error-quark, conduit_scheduler_error)

typedef struct
{
  ConduitScheduler *scheduler;   /* unowned; NULL once the scheduler is gone */
  ConduitFlow      *flow;
  gint64            poll_seconds;  /* 0: a schedule trigger */
  gboolean          running;       /* a poll's run has not ended yet */
  char             *trigger_id;
  char             *mode;
  gint64            every_seconds;  /* the interval, whether given in minutes or seconds */
  char             *time;
  char             *weekday;
  gint64            next_us;
  GCancellable     *cancellable;
} Entry;

struct _ConduitScheduler
{
  GObject        parent_instance;

  ConduitRunner *runner;
  ConduitQueue  *queue;      /* (nullable) ticks go to the event stream */
  GPtrArray     *entries;
  GCancellable  *cancellable;       /* stops firing: the waits for the next tick or poll */
  GCancellable  *runs_cancellable;  /* interrupts the runs it started */
  guint          n_active;          /* runs started and not ended, empty polls not yet forgotten */
};

/* A receiver publishes a tick no later than this after its scheduled time (half the stream's
 * duplicate window): a late copy (a receiver suspended, or NATS away for long) would otherwise
 * reach the stream after the other receivers' copy left the window, and run the tick twice. */
#define TICK_PUBLISH_DEADLINE_US (CONDUIT_QUEUE_DUPLICATE_WINDOW_S * G_USEC_PER_SEC / 2)

G_DEFINE_FINAL_TYPE (ConduitScheduler, conduit_scheduler, G_TYPE_OBJECT)

static const char * const weekdays[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

/* Entries are reference-counted boxes: a poll's run, which may end after the scheduler is
 * gone, holds its entry. */
static void
entry_clear (Entry *entry)
{
  g_clear_object (&entry->flow);
  g_free (entry->trigger_id);
  g_free (entry->mode);
  g_free (entry->time);
  g_free (entry->weekday);
}

static void
entry_free (Entry *entry)
{
  entry->scheduler = NULL;
  g_rc_box_release_full (entry, (GDestroyNotify)entry_clear);
}

/* The runs it started go on without it (they hold their entries and the runs' cancellable). */
static void
conduit_scheduler_dispose (GObject *object)
{
  ConduitScheduler *self = (ConduitScheduler *)object;

  conduit_scheduler_stop (self);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_object (&self->runner);
  g_clear_object (&self->queue);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->runs_cancellable);

  G_OBJECT_CLASS (conduit_scheduler_parent_class)->dispose (object);
}

static void
conduit_scheduler_class_init (ConduitSchedulerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_scheduler_dispose;
}

static void
conduit_scheduler_init (ConduitScheduler *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  self->cancellable = g_cancellable_new ();
  self->runs_cancellable = g_cancellable_new ();
}

/**
 * conduit_scheduler_new:
 * @runner: the runner that runs the flows
 *
 * Returns: (transfer full): a scheduler with nothing scheduled
 */
ConduitScheduler *
conduit_scheduler_new (ConduitRunner *runner)
{
  ConduitScheduler *self;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);

  self = g_object_new (CONDUIT_TYPE_SCHEDULER, NULL);
  self->runner = g_object_ref (runner);
  return self;
}

static gboolean
parse_time (const char *text,
            int        *hour,
            int        *minute)
{
  guint64 h, m;
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return FALSE;
  parts = g_strsplit (text, ":", -1);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 23, &h, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 59, &m, NULL))
    return FALSE;
  *hour = (int)h;
  *minute = (int)m;
  return TRUE;
}

/**
 * conduit_schedule_next_fire:
 * @mode: "interval", "daily" or "weekly"
 * @every_minutes: the interval, for "interval"
 * @time: (nullable): "HH:MM" local time, for "daily" and "weekly"
 * @weekday: (nullable): "monday" … "sunday", for "weekly"
 * @now: the current time, in the time zone the schedule is read in
 * @next: (out): when the schedule fires next, after @now
 * @error: return location for an error
 *
 * Returns: %FALSE with @error when the schedule's settings make no sense
 */
gboolean
conduit_schedule_next_fire (const char  *mode,
                            gint64       every_minutes,
                            const char  *time,
                            const char  *weekday,
                            GDateTime   *now,
                            GDateTime  **next,
                            GError     **error)
{
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (next != NULL, FALSE);

  if ((mode == NULL || g_str_equal (mode, "interval")) && every_minutes < 1)
    {
      g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_INVALID,
                   _("A schedule must repeat at least every minute"));
      return FALSE;
    }
  return conduit_schedule_next_fire_seconds (mode, MIN (every_minutes, G_MAXINT64 / 60) * 60, time,
                                             weekday, now, next, error);
}

/**
 * conduit_schedule_next_fire_seconds:
 * @mode: "interval", "daily" or "weekly"
 * @every_seconds: the interval in seconds, for "interval"
 * @time: (nullable): "HH:MM" local time, for "daily" and "weekly"
 * @weekday: (nullable): "monday" … "sunday", for "weekly"
 * @now: the current time, in the time zone the schedule is read in
 * @next: (out): when the schedule fires next, after @now
 * @error: return location for an error
 *
 * As conduit_schedule_next_fire() with the interval in seconds. Interval ticks fall on
 * multiples of the interval since the Unix epoch, so two processes agree on them.
 *
 * Returns: %FALSE with @error when the schedule's settings make no sense
 */
gboolean
conduit_schedule_next_fire_seconds (const char  *mode,
                                    gint64       every_seconds,
                                    const char  *time,
                                    const char  *weekday,
                                    GDateTime   *now,
                                    GDateTime  **next,
                                    GError     **error)
{
  g_autoptr(GDateTime) candidate = NULL;
  int hour = 0, minute = 0;
  int target_day = 0;

  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (next != NULL, FALSE);

  if (mode == NULL || g_str_equal (mode, "interval"))
    {
      gint64 now_s = g_date_time_to_unix (now);

      if (every_seconds < 1)
        {
          g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_INVALID,
                       _("A schedule must repeat at least every second"));
          return FALSE;
        }
      *next = g_date_time_add_seconds (now, (gdouble)((now_s / every_seconds + 1) * every_seconds -
                                                      now_s));
      return TRUE;
    }

  if (!g_str_equal (mode, "daily") && !g_str_equal (mode, "weekly"))
    {
      g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_INVALID,
                   _("“%s” is not a kind of schedule (interval, daily or weekly)"), mode);
      return FALSE;
    }

  if (!parse_time (time, &hour, &minute))
    {
      g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_INVALID,
                   _("“%s” is not a time of day; write it as HH:MM, for example 09:30"),
                   time ? time : "");
      return FALSE;
    }

  if (g_str_equal (mode, "weekly"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (weekdays); i++)
        if (g_strcmp0 (weekday, weekdays[i]) == 0)
          target_day = (int)i + 1;
      if (target_day == 0)
        {
          g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_INVALID,
                       _("“%s” is not a day of the week"), weekday ? weekday : "");
          return FALSE;
        }
    }

  /* Walk day by day from today; at most eight steps find the next matching day. */
  for (int days = 0; days <= 8; days++)
    {
      g_autoptr(GDateTime) day = g_date_time_add_days (now, days);

      g_clear_pointer (&candidate, g_date_time_unref);
      candidate = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (day),
                                   g_date_time_get_month (day), g_date_time_get_day_of_month (day),
                                   hour, minute, 0);
      if (candidate == NULL || g_date_time_compare (candidate, now) <= 0)
        continue;
      if (target_day != 0 && g_date_time_get_day_of_week (candidate) != target_day)
        continue;
      *next = g_steal_pointer (&candidate);
      return TRUE;
    }

  g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_FAILED,
               _("Could not work out when the schedule fires next"));
  return FALSE;
}

static gboolean
entry_compute_next (Entry   *entry,
                    GError **error)
{
  ConduitClock *clock = conduit_runner_get_clock (entry->scheduler->runner);
  gint64 wall_us = conduit_clock_get_wall_us (clock);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) next = NULL;

  if (entry->poll_seconds > 0)
    {
      entry->next_us = wall_us + entry->poll_seconds * G_USEC_PER_SEC;
      return TRUE;
    }

  /* From the tick just fired at the earliest: a timer that woke a moment before its tick's
   * second must not name the same tick again. */
  now = g_date_time_new_from_unix_local (MAX (wall_us, entry->next_us) / G_USEC_PER_SEC);
  if (!conduit_schedule_next_fire_seconds (entry->mode, entry->every_seconds, entry->time,
                                           entry->weekday, now, &next, error))
    return FALSE;

  entry->next_us = g_date_time_to_unix (next) * G_USEC_PER_SEC;
  return TRUE;
}

static void schedule_entry (Entry *entry);
static void publish_tick (ConduitScheduler *self,
                          Entry            *entry,
                          gint64            tick_us);

/* One of the entry's runs (or the clean-up after an empty poll) is over. */
static void
entry_run_ended (Entry *entry)
{
  if (entry->scheduler != NULL)
    {
      g_assert (entry->scheduler->n_active > 0);
      entry->scheduler->n_active--;
    }
  g_rc_box_release_full (entry, (GDestroyNotify)entry_clear);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Entry *entry = user_data;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;

  run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  if (run == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("A scheduled run could not start: %s", error->message);
  entry_run_ended (entry);
}

static void
delete_run_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  gint64 *id = task_data;
  g_autoptr(GError) error = NULL;

  if (conduit_history_store_delete_runs (CONDUIT_HISTORY_STORE (source_object), id, 1, &error) < 0)
    g_debug ("An empty poll stays in the history: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
forgotten_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  entry_run_ended (user_data);
}

/* A poll that found nothing new and went well is no event: it leaves no run behind, as a
 * polling trigger's run recorded with conduit_run_set_poll() would not be, so the history
 * shows what the polls brought in rather than one run every poll_seconds. The poll counts as
 * active until its run is deleted: `serve` must not close the history and exit before.
 *
 * Returns: whether the run is being deleted; then forgotten_cb() ends the entry's run */
static gboolean
forget_empty_poll (ConduitScheduler *self,
                   Entry            *entry,
                   ConduitRun       *run)
{
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  g_autoptr(GTask) task = NULL;
  guint found = 0;

  if (history == NULL || conduit_run_get_id (run) <= 0 ||
      conduit_run_get_status (run) != CONDUIT_RUN_STATUS_SUCCEEDED ||
      !conduit_run_get_node_counts (run, entry->trigger_id, NULL, &found, NULL, NULL) ||
      found > 0)
    return FALSE;

  task = g_task_new (history, NULL, forgotten_cb, entry);
  g_task_set_task_data (task, g_memdup2 (&(gint64) { conduit_run_get_id (run) }, sizeof (gint64)),
                        g_free);
  g_task_run_in_thread (task, delete_run_thread);
  return TRUE;
}

static void
poll_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Entry *entry = user_data;
  ConduitRun *run = CONDUIT_RUN (object);
  g_autoptr(GError) error = NULL;
  gboolean forgetting = FALSE;

  if (!conduit_run_execute_finish (run, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("A poll of “%s” could not start: %s", entry->trigger_id, error->message);
  else if (error == NULL && entry->scheduler != NULL)
    forgetting = forget_empty_poll (entry->scheduler, entry, run);
  g_object_unref (run);

  entry->running = FALSE;
  /* the next poll counts from now, the end of this one */
  if (entry->scheduler != NULL && !g_cancellable_is_cancelled (entry->scheduler->cancellable) &&
      entry_compute_next (entry, NULL))
    schedule_entry (entry);
  if (!forgetting)
    entry_run_ended (entry);
}

static void
sleep_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Entry *entry = user_data;
  g_autoptr(GError) error = NULL;
  ConduitScheduler *self;
  ConduitRun *run;

  if (!conduit_clock_sleep_finish (CONDUIT_CLOCK (object), result, &error))
    return;   /* stopped; the entry may be gone */

  self = entry->scheduler;
  if (entry->poll_seconds > 0)
    {
      if (entry->running)
        {
          g_debug ("“%s” is still polling; this tick is skipped", entry->trigger_id);
          if (entry_compute_next (entry, NULL))
            schedule_entry (entry);
          return;
        }
      /* created here rather than by conduit_runner_run_async() to be told apart in the
       * history: started by a poll, not by a person */
      run = conduit_runner_create_run (self->runner, entry->flow, entry->trigger_id, "poll", NULL,
                                       &error);
      if (run == NULL)
        {
          g_warning ("A poll of “%s” could not start: %s", entry->trigger_id, error->message);
          if (entry_compute_next (entry, NULL))
            schedule_entry (entry);
          return;
        }
      /* not self->cancellable: stopping the scheduler lets a poll under way end (and be
       * forgotten if it found nothing) instead of cutting it into a cancelled run */
      entry->running = TRUE;
      self->n_active++;
      conduit_run_execute_async (run, self->runs_cancellable, poll_done_cb,
                                 g_rc_box_acquire (entry));
      return;
    }

  if (self->queue != NULL)
    publish_tick (self, entry, entry->next_us);
  else
    {
      self->n_active++;
      conduit_runner_run_async (self->runner, entry->flow, entry->trigger_id, NULL,
                                self->runs_cancellable, run_done_cb, g_rc_box_acquire (entry));
    }

  if (entry_compute_next (entry, &error))
    schedule_entry (entry);
  else
    g_warning ("%s", error->message);
}

typedef struct
{
  char *flow;
  char *tick;   /* the scheduled time, ISO 8601 */
} Tick;

static void
tick_free (Tick *tick)
{
  g_free (tick->flow);
  g_free (tick->tick);
  g_free (tick);
}

static void
tick_published_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Tick *tick = user_data;
  g_autoptr(GError) error = NULL;
  gboolean duplicate = FALSE;

  /* Only the receiver whose copy the stream took says so; the others' copies were dropped. */
  if (!conduit_queue_publish_finish (CONDUIT_QUEUE (object), result, &duplicate, &error))
    g_message ("The schedule of “%s” at %s could not be queued here (another receiver may "
               "have queued it): %s", tick->flow, tick->tick, error->message);
  else if (!duplicate)
    g_message ("The schedule of “%s” at %s is queued", tick->flow, tick->tick);
  tick_free (tick);
}

/* A receiver's tick: to the event stream, named by its flow, trigger and scheduled time, so
 * that every receiver's copy of it is the same message and the stream keeps one. */
static void
publish_tick (ConduitScheduler *self,
              Entry            *entry,
              gint64            tick_us)
{
  ConduitClock *clock = conduit_runner_get_clock (self->runner);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (tick_us / G_USEC_PER_SEC);
  g_autoptr(GBytes) payload = NULL;
  g_autofree char *name = g_strescape (conduit_flow_get_name (entry->flow), NULL);
  g_autofree char *message_id = NULL;
  gint64 late_us = conduit_clock_get_wall_us (clock) - tick_us;
  Tick *tick;
  char *text;

  tick = g_new0 (Tick, 1);
  tick->flow = g_strdup (conduit_flow_get_name (entry->flow));
  tick->tick = g_date_time_format_iso8601 (when);
  if (late_us > TICK_PUBLISH_DEADLINE_US)
    {
      g_message ("The schedule of “%s” at %s is skipped here: it is %" G_GINT64_FORMAT " s late, "
                 "past what the event stream can tell apart from another receiver's copy",
                 tick->flow, tick->tick, late_us / G_USEC_PER_SEC);
      tick_free (tick);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "flow");
  json_builder_add_string_value (builder, tick->flow);
  json_builder_set_member_name (builder, "trigger");
  json_builder_add_string_value (builder, entry->trigger_id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "schedule");
  json_builder_set_member_name (builder, "received_us");
  json_builder_add_int_value (builder, conduit_clock_get_wall_us (clock));
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fired_at");
  json_builder_add_string_value (builder, tick->tick);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  payload = g_bytes_new_take (text, strlen (text));

  message_id = g_strdup_printf ("schedule:%s:%s:%" G_GINT64_FORMAT, name, entry->trigger_id,
                                tick_us / G_USEC_PER_SEC);
  conduit_queue_publish_async (self->queue, message_id, payload, NULL, tick_published_cb, tick);
}

static void
schedule_entry (Entry *entry)
{
  ConduitScheduler *self = entry->scheduler;
  ConduitClock *clock = conduit_runner_get_clock (self->runner);
  gint64 wait_us = entry->next_us - conduit_clock_get_wall_us (clock);

  conduit_clock_sleep_async (clock, (guint)CLAMP ((wait_us + 999) / 1000, 0, G_MAXUINT),
                             self->cancellable, sleep_done_cb, entry);
}

/**
 * conduit_scheduler_add_flow:
 * @self: a scheduler
 * @flow: a valid flow with a schedule trigger
 * @trigger_id: (nullable): the schedule trigger, %NULL for the first
 * @error: return location for an error
 *
 * Starts firing the flow's schedule.
 *
 * Returns: whether the flow is scheduled
 */
gboolean
conduit_scheduler_add_flow (ConduitScheduler  *self,
                            ConduitFlow       *flow,
                            const char        *trigger_id,
                            GError           **error)
{
  ConduitConnector *connector;
  ConduitNode *node = NULL;
  GListModel *nodes;
  Entry *entry;

  g_return_val_if_fail (CONDUIT_IS_SCHEDULER (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);

  nodes = conduit_flow_get_nodes (flow);
  for (guint i = 0; node == NULL && i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) candidate = g_list_model_get_item (nodes, i);

      if (g_str_equal (conduit_node_get_connector_id (candidate), "schedule-trigger") &&
          (trigger_id == NULL || g_str_equal (conduit_node_get_id (candidate), trigger_id)))
        node = candidate;
    }

  if (node == NULL)
    {
      g_set_error (error, CONDUIT_SCHEDULER_ERROR, CONDUIT_SCHEDULER_ERROR_NO_TRIGGER,
                   _("The flow “%s” has no schedule trigger"), conduit_flow_get_name (flow));
      return FALSE;
    }

  connector = conduit_connector_registry_lookup (conduit_runner_get_registry (self->runner),
                                                 "schedule-trigger");
  entry = g_rc_box_new0 (Entry);
  entry->scheduler = self;
  entry->flow = g_object_ref (flow);
  entry->trigger_id = g_strdup (conduit_node_get_id (node));
  entry->mode = conduit_node_dup_string_setting (node, connector, "mode");
  entry->every_seconds = conduit_node_get_int_setting (node, connector, "every_seconds", 0);
  if (entry->every_seconds <= 0)
    entry->every_seconds = MIN (conduit_node_get_int_setting (node, connector, "every_minutes", 15),
                                G_MAXINT64 / 60) * 60;
  entry->time = conduit_node_dup_string_setting (node, connector, "time");
  entry->weekday = conduit_node_dup_string_setting (node, connector, "weekday");

  if (!entry_compute_next (entry, error))
    {
      g_prefix_error (error, "%s: ", conduit_node_get_id (node));
      entry_free (entry);
      return FALSE;
    }

  g_ptr_array_add (self->entries, entry);
  schedule_entry (entry);
  return TRUE;
}

/**
 * conduit_scheduler_get_poll_seconds:
 * @registry: the registry the flow's node types come from
 * @node: a node
 *
 * A poll trigger is a trigger whose description has a "poll_seconds" setting: the registry
 * says which node types poll, no list here does.
 *
 * Returns: how often @node polls, in seconds, or 0 when it is no poll trigger
 */
gint64
conduit_scheduler_get_poll_seconds (ConduitConnectorRegistry *registry,
                                    ConduitNode              *node)
{
  ConduitConnector *connector;

  g_return_val_if_fail (CONDUIT_IS_NODE (node), 0);

  connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
  if (connector == NULL ||
      conduit_connector_get_category (connector) != CONDUIT_CONNECTOR_CATEGORY_TRIGGER ||
      conduit_connector_find_setting (connector, "poll_seconds") == NULL)
    return 0;
  return MAX (conduit_node_get_int_setting (node, connector, "poll_seconds", 300), 1);
}

/**
 * conduit_scheduler_add_poll_triggers:
 * @self: a scheduler
 * @flow: a valid flow
 *
 * Starts polling each poll trigger of @flow (see conduit_scheduler_get_poll_seconds()): a run
 * from it now, then every poll_seconds after the previous run ended, never two at once.
 *
 * Returns: how many poll triggers the flow has
 */
guint
conduit_scheduler_add_poll_triggers (ConduitScheduler *self,
                                     ConduitFlow      *flow)
{
  ConduitConnectorRegistry *registry;
  GListModel *nodes;
  guint added = 0;

  g_return_val_if_fail (CONDUIT_IS_SCHEDULER (self), 0);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), 0);

  registry = conduit_runner_get_registry (self->runner);
  nodes = conduit_flow_get_nodes (flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      gint64 seconds = conduit_scheduler_get_poll_seconds (registry, node);
      Entry *entry;

      if (seconds == 0)
        continue;
      entry = g_rc_box_new0 (Entry);
      entry->scheduler = self;
      entry->flow = g_object_ref (flow);
      entry->trigger_id = g_strdup (conduit_node_get_id (node));
      entry->poll_seconds = seconds;
      /* the first poll now: what came while nothing was polling is not kept waiting */
      entry->next_us = conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner));
      g_ptr_array_add (self->entries, entry);
      schedule_entry (entry);
      added++;
    }
  return added;
}

/**
 * conduit_scheduler_get_next_us:
 * @self: a scheduler
 * @flow: a scheduled flow
 *
 * Returns: when the flow fires next (wall clock, µs since the epoch), or 0 if it is not scheduled
 */
gint64
conduit_scheduler_get_next_us (ConduitScheduler *self,
                               ConduitFlow      *flow)
{
  g_return_val_if_fail (CONDUIT_IS_SCHEDULER (self), 0);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = g_ptr_array_index (self->entries, i);
      if (entry->flow == flow)
        return entry->next_us;
    }
  return 0;
}

/**
 * conduit_scheduler_set_queue:
 * @self: a scheduler
 * @queue: (nullable): the event stream of `serve --queue`, or %NULL to run ticks here
 *
 * With a queue, the schedule triggers' ticks are published to the event stream for a worker
 * to run, once per tick however many receivers fire it (see the top of this file); poll
 * triggers still poll here.
 */
void
conduit_scheduler_set_queue (ConduitScheduler *self,
                             ConduitQueue     *queue)
{
  g_return_if_fail (CONDUIT_IS_SCHEDULER (self));
  g_return_if_fail (queue == NULL || CONDUIT_IS_QUEUE (queue));

  g_set_object (&self->queue, queue);
}

/**
 * conduit_scheduler_stop:
 * @self: a scheduler
 *
 * Stops firing; runs already started go on (see conduit_scheduler_get_n_active() and
 * conduit_scheduler_interrupt_runs()).
 */
void
conduit_scheduler_stop (ConduitScheduler *self)
{
  g_return_if_fail (CONDUIT_IS_SCHEDULER (self));

  g_cancellable_cancel (self->cancellable);
}

/**
 * conduit_scheduler_interrupt_runs:
 * @self: a scheduler
 *
 * Cancels the runs it started that are still going: they end as cancelled, and are recorded
 * so. For a drain that ran out of time.
 */
void
conduit_scheduler_interrupt_runs (ConduitScheduler *self)
{
  g_return_if_fail (CONDUIT_IS_SCHEDULER (self));

  g_cancellable_cancel (self->runs_cancellable);
}

/**
 * conduit_scheduler_get_n_active:
 * @self: a scheduler
 *
 * The runs it started that have not ended, counting a poll that found nothing until its run
 * is deleted from the history: what a drain waits for before the history closes.
 *
 * Returns: how many of its runs are still going
 */
guint
conduit_scheduler_get_n_active (ConduitScheduler *self)
{
  g_return_val_if_fail (CONDUIT_IS_SCHEDULER (self), 0);

  return self->n_active;
}
