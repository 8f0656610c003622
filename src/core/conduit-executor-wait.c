/* conduit-executor-wait.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-wait"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "conduit-clock.h"
#include "conduit-executor-wait.h"
#include "conduit-expression.h"
#include "conduit-run.h"

/* The Wait node: each batch waits a number of seconds, or until a time worked out from its
 * items, before it goes on unchanged. The wait goes through the run's ConduitClock, so tests
 * use the fake clock, and ends at once when the run is cancelled: Stop, and a server draining
 * at its deadline, cancel the run, so a Wait never holds either past it. A wait is at most a
 * day, so a mistyped year cannot hold a run for ever. */

#define MAX_WAIT_SECONDS (24 * 60 * 60)

struct _ConduitExecutorWait
{
  GObject            parent_instance;

  gint64             seconds;
  ConduitExpression *until;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorWait, conduit_executor_wait, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_wait_finalize (GObject *object)
{
  ConduitExecutorWait *self = (ConduitExecutorWait *)object;

  g_clear_pointer (&self->until, conduit_expression_unref);

  G_OBJECT_CLASS (conduit_executor_wait_parent_class)->finalize (object);
}

static void
conduit_executor_wait_class_init (ConduitExecutorWaitClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_wait_finalize;
}

static void
conduit_executor_wait_init (ConduitExecutorWait *self)
{
}

static gboolean
conduit_executor_wait_prepare (ConduitExecutor  *executor,
                               ConduitRun       *run,
                               ConduitNode      *node,
                               GError          **error)
{
  ConduitExecutorWait *self = CONDUIT_EXECUTOR_WAIT (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *until = conduit_node_dup_string_setting (node, connector, "until");

  self->seconds = conduit_node_get_int_setting (node, connector, "seconds", 60);
  if (self->seconds < 0 || self->seconds > MAX_WAIT_SECONDS)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“seconds” must be between 0 and %d, not %" PRId64),
                   MAX_WAIT_SECONDS, self->seconds);
      return FALSE;
    }

  if (until != NULL && *g_strstrip (until) != '\0')
    {
      g_autoptr(GError) local_error = NULL;

      self->until = conduit_expression_new (until, &local_error);
      if (self->until == NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("“until”: %s"), local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

/* The time @item asks to wait for, in wall-clock microseconds. */
static gboolean
evaluate_until (ConduitExecutorWait  *self,
                JsonNode             *item,
                gint64               *until_us,
                GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) value = conduit_expression_evaluate (self->until, item, &local_error);

  if (value == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                   _("“until” could not be worked out: %s"), local_error->message);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, NULL);

      if (time == NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                       _("“until” is “%s”, not an ISO 8601 time with a time zone "
                         "(2026-12-24T09:00:00Z)"), text);
          return FALSE;
        }
      *until_us = g_date_time_to_unix (time) * G_USEC_PER_SEC +
                  g_date_time_get_microsecond (time);
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (value) &&
      (json_node_get_value_type (value) == G_TYPE_INT64 ||
       json_node_get_value_type (value) == G_TYPE_DOUBLE))
    {
      double seconds = json_node_get_double (value);

      if (seconds > -1e12 && seconds < 1e12)
        {
          *until_us = (gint64)(seconds * G_USEC_PER_SEC);
          return TRUE;
        }
    }

  g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
               _("“until” must be ISO 8601 text or Unix seconds, not %s"),
               JSON_NODE_HOLDS_NULL (value) ? "null" : json_node_type_name (value));
  return FALSE;
}

/* What a waiting batch holds: its output, handed on when the wait is over. */
typedef struct
{
  ConduitExecutorOutput *output;
} WaitData;

static void
wait_data_free (WaitData *data)
{
  g_clear_pointer (&data->output, conduit_executor_output_free);
  g_free (data);
}

static void
sleep_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WaitData *data;

  if (!conduit_clock_sleep_finish (CONDUIT_CLOCK (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_task_get_task_data (task);
  g_task_return_pointer (task, g_steal_pointer (&data->output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
conduit_executor_wait_execute_async (ConduitExecutor     *executor,
                                     ConduitRun          *run,
                                     ConduitNode         *node,
                                     GPtrArray           *items,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ConduitExecutorWait *self = CONDUIT_EXECUTOR_WAIT (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitClock *clock = conduit_run_get_clock (run);
  WaitData *data = g_new0 (WaitData, 1);
  ConduitExecutorOutput *output = data->output = conduit_executor_output_new ();
  gint64 now_us = conduit_clock_get_wall_us (clock);
  gint64 wait_us = self->seconds * G_USEC_PER_SEC;
  guint n_waiting = 0;

  g_task_set_source_tag (task, conduit_executor_wait_execute_async);
  g_task_set_task_data (task, data, (GDestroyNotify)wait_data_free);

  if (self->until != NULL)
    wait_us = 0;

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      gint64 until_us;

      if (self->until != NULL)
        {
          if (!evaluate_until (self, item, &until_us, &error))
            {
              conduit_executor_output_add_error (output, "error", item, "invalid",
                                                 error->message, 0, 0);
              continue;
            }
          if (until_us - now_us > (gint64)MAX_WAIT_SECONDS * G_USEC_PER_SEC)
            {
              g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (until_us / G_USEC_PER_SEC);
              g_autofree char *text = time != NULL ? g_date_time_format_iso8601 (time) : NULL;
              g_autofree char *message =
                g_strdup_printf (_("“until” is %s, more than a day away; a Wait waits at most "
                                   "a day"), text != NULL ? text : "?");

              conduit_executor_output_add_error (output, "error", item, "invalid", message, 0, 0);
              continue;
            }
          /* the batch waits for its latest item, so none leaves before its time */
          wait_us = MAX (wait_us, until_us - now_us);
        }

      conduit_executor_output_add (output, "out", json_node_ref (item));
      n_waiting++;
    }

  if (n_waiting == 0 || wait_us <= 0)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->output),
                             (GDestroyNotify)conduit_executor_output_free);
      return;
    }

  conduit_clock_sleep_async (clock, (guint)((wait_us + 999) / 1000), cancellable, sleep_cb,
                             g_steal_pointer (&task));
}

static ConduitExecutorOutput *
conduit_executor_wait_execute_finish (ConduitExecutor  *executor,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static ConduitExecutorInput
conduit_executor_wait_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_wait_prepare;
  iface->execute_async = conduit_executor_wait_execute_async;
  iface->execute_finish = conduit_executor_wait_execute_finish;
  iface->get_input_mode = conduit_executor_wait_get_input_mode;
}
