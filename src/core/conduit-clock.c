/* conduit-clock.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-clock"

#include "config.h"

#include "conduit-clock.h"

/* Everything in the runner that waits or reads the time goes through a ConduitClock, so that a
 * test can replace hours of backoff and schedules with a fake clock. The fake clock's sleeps
 * finish at once (from an idle, so that callers still see asynchronous completion), move the
 * fake time forward by the delay and are remembered, so a test can assert every wait.
 */

struct _ConduitClock
{
  GObject    parent_instance;

  gboolean   fake;
  gint64     wall_us;
  gint64     monotonic_us;
  GPtrArray *sleeps;       /* of GUINT_TO_POINTER (delay_ms), fake clocks only */
};

G_DEFINE_FINAL_TYPE (ConduitClock, conduit_clock, G_TYPE_OBJECT)

static void
conduit_clock_finalize (GObject *object)
{
  ConduitClock *self = (ConduitClock *)object;

  g_clear_pointer (&self->sleeps, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_clock_parent_class)->finalize (object);
}

static void
conduit_clock_class_init (ConduitClockClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_clock_finalize;
}

static void
conduit_clock_init (ConduitClock *self)
{
}

/**
 * conduit_clock_get_system:
 *
 * The real clock: g_get_real_time(), g_get_monotonic_time() and main-loop timeouts.
 *
 * Returns: (transfer none): the shared system clock
 */
ConduitClock *
conduit_clock_get_system (void)
{
  static ConduitClock *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, g_object_new (CONDUIT_TYPE_CLOCK, NULL));

  return instance;
}

/**
 * conduit_clock_new_fake:
 * @wall_us: the fake wall-clock time to start at, in microseconds since the epoch
 *
 * Creates a clock for tests whose sleeps return at once and advance its time.
 *
 * Returns: (transfer full): a new fake clock
 */
ConduitClock *
conduit_clock_new_fake (gint64 wall_us)
{
  ConduitClock *self = g_object_new (CONDUIT_TYPE_CLOCK, NULL);

  self->fake = TRUE;
  self->wall_us = wall_us;
  self->monotonic_us = 1;
  self->sleeps = g_ptr_array_new ();

  return self;
}

/**
 * conduit_clock_is_fake:
 * @self: a clock
 *
 * Returns: whether @self is a test clock
 */
gboolean
conduit_clock_is_fake (ConduitClock *self)
{
  g_return_val_if_fail (CONDUIT_IS_CLOCK (self), FALSE);

  return self->fake;
}

/**
 * conduit_clock_get_wall_us:
 * @self: a clock
 *
 * Returns: the wall-clock time in microseconds since the epoch
 */
gint64
conduit_clock_get_wall_us (ConduitClock *self)
{
  g_return_val_if_fail (CONDUIT_IS_CLOCK (self), 0);

  return self->fake ? self->wall_us : g_get_real_time ();
}

/**
 * conduit_clock_get_monotonic_us:
 * @self: a clock
 *
 * Returns: a monotonic time in microseconds, for measuring durations
 */
gint64
conduit_clock_get_monotonic_us (ConduitClock *self)
{
  g_return_val_if_fail (CONDUIT_IS_CLOCK (self), 0);

  return self->fake ? self->monotonic_us : g_get_monotonic_time ();
}

/**
 * conduit_clock_advance:
 * @self: a fake clock
 * @delta_us: how far to move time forward
 *
 * Moves a fake clock forward; does nothing to the system clock.
 */
void
conduit_clock_advance (ConduitClock *self,
                       gint64        delta_us)
{
  g_return_if_fail (CONDUIT_IS_CLOCK (self));
  g_return_if_fail (delta_us >= 0);

  if (!self->fake)
    return;

  self->wall_us += delta_us;
  self->monotonic_us += delta_us;
}

/**
 * conduit_clock_get_sleeps:
 * @self: a fake clock
 *
 * Every delay a fake clock was asked to sleep, in order, as GUINT_TO_POINTER (milliseconds).
 *
 * Returns: (transfer none) (nullable): the delays, or %NULL for the system clock
 */
GPtrArray *
conduit_clock_get_sleeps (ConduitClock *self)
{
  g_return_val_if_fail (CONDUIT_IS_CLOCK (self), NULL);

  return self->sleeps;
}

/* A sleep ends by its timeout or by its cancellable, whichever comes first; both sources run in
 * the task's main context, so there is no race between them. */
typedef struct
{
  GSource *timeout;
  GSource *cancelled;
} SleepData;

static void
sleep_data_free (gpointer data)
{
  SleepData *sleep = data;

  if (sleep->timeout != NULL)
    g_source_destroy (sleep->timeout);
  if (sleep->cancelled != NULL)
    g_source_destroy (sleep->cancelled);
  g_clear_pointer (&sleep->timeout, g_source_unref);
  g_clear_pointer (&sleep->cancelled, g_source_unref);
  g_free (sleep);
}

static gboolean
sleep_done_cb (gpointer user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);

  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);

  /* Drop both sources now, so that the other one cannot fire after completion. */
  g_task_set_task_data (task, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  return sleep_done_cb (user_data);
}

/**
 * conduit_clock_sleep_async:
 * @self: a clock
 * @delay_ms: how long to wait
 * @cancellable: (nullable): cancels the wait
 * @callback: called when the wait is over
 * @user_data: data for @callback
 *
 * Waits @delay_ms without blocking the main loop. A fake clock records the delay, moves its time
 * forward and finishes at once.
 */
void
conduit_clock_sleep_async (ConduitClock        *self,
                           guint                delay_ms,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SleepData *sleep;

  g_return_if_fail (CONDUIT_IS_CLOCK (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_clock_sleep_async);

  sleep = g_new0 (SleepData, 1);
  g_task_set_task_data (task, sleep, sleep_data_free);

  if (self->fake)
    {
      g_ptr_array_add (self->sleeps, GUINT_TO_POINTER (delay_ms));
      conduit_clock_advance (self, (gint64)delay_ms * 1000);
      sleep->timeout = g_idle_source_new ();
    }
  else
    {
      sleep->timeout = g_timeout_source_new (delay_ms);
    }

  /* The sources hold the task, and the task's data holds the sources: sleep_done_cb() breaks
   * that cycle by dropping the data. */
  g_source_set_callback (sleep->timeout, sleep_done_cb, g_object_ref (task), g_object_unref);
  g_source_attach (sleep->timeout, g_main_context_get_thread_default ());

  if (cancellable != NULL)
    {
      sleep->cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (sleep->cancelled, G_SOURCE_FUNC (sleep_cancelled_cb),
                             g_object_ref (task), g_object_unref);
      g_source_attach (sleep->cancelled, g_main_context_get_thread_default ());
    }
}

/**
 * conduit_clock_sleep_finish:
 * @self: a clock
 * @result: the result passed to the callback
 * @error: the error when the wait was cancelled
 *
 * Returns: %TRUE when the whole delay passed, %FALSE when cancelled
 */
gboolean
conduit_clock_sleep_finish (ConduitClock  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
