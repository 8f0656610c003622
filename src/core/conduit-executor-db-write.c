/* conduit-executor-db-write.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-db-write"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-db-writer.h"
#include "conduit-history-store.h"
#include "conduit-executor-db-common.h"
#include "conduit-executor-db-write.h"
#include "conduit-run.h"
#include "conduit-step-status.h"

/* Write Rows: inserts, updates or upserts the items as rows of a table (see
 * conduit-db-writer.c for the batches and savepoints). An item leaves through "out" only once
 * its transaction is committed; a row the database refused, a key that matched no row, and
 * every row of a batch cut off by a lost connection leave through "error", each with why.
 *
 * The step takes its input in the runner's batches (CONDUIT_EXECUTOR_INPUT_BATCHES), so a long
 * input never sits in memory whole; one connection and its writer serve every batch of a run
 * and go back to the pool at the end. */

struct _ConduitExecutorDbWrite
{
  GObject             parent_instance;

  ConduitDbTarget     target;
  char               *table;
  ConduitDbWriteMode  mode;
  GStrv               keys;
  guint               batch_size;
  ConduitDbParams    *params;
  GPtrArray          *items;
  ConduitRun         *run;       /* while executing */
  char               *node_id;
  guint               batch_start; /* the position of the current batch's first item */

  /* kept from one batch to the next, used by one worker thread at a time */
  ConduitDbConnection *connection;
  ConduitDbWriter    *writer;
  gboolean            reusable;
  const char         *stop_kind;   /* once set, later rows are not sent */
  char               *stop_message;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDbWrite, conduit_executor_db_write, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_db_write_finalize (GObject *object)
{
  ConduitExecutorDbWrite *self = (ConduitExecutorDbWrite *)object;

  conduit_db_target_clear (&self->target);
  g_free (self->table);
  g_strfreev (self->keys);
  g_clear_pointer (&self->params, conduit_db_params_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->run);
  g_free (self->node_id);
  g_clear_pointer (&self->writer, conduit_db_writer_free);
  if (self->connection != NULL)
    conduit_db_pool_release (g_steal_pointer (&self->connection), self->reusable);
  g_free (self->stop_message);

  G_OBJECT_CLASS (conduit_executor_db_write_parent_class)->finalize (object);
}

static void
conduit_executor_db_write_class_init (ConduitExecutorDbWriteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_db_write_finalize;
}

static void
conduit_executor_db_write_init (ConduitExecutorDbWrite *self)
{
  self->reusable = TRUE;
}

static gboolean
conduit_executor_db_write_prepare (ConduitExecutor  *executor,
                                   ConduitRun       *run,
                                   ConduitNode      *node,
                                   GError          **error)
{
  ConduitExecutorDbWrite *self = CONDUIT_EXECUTOR_DB_WRITE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *mode = conduit_node_dup_string_setting (node, connector, "mode");
  g_autoptr(JsonNode) keys = conduit_node_dup_setting_or_default (node, connector, "key_columns");
  g_autoptr(GPtrArray) key_list = g_ptr_array_new ();

  if (!conduit_db_target_read (&self->target, node, connector, error))
    return FALSE;

  self->table = conduit_node_dup_string_setting (node, connector, "table");
  if (self->table == NULL || *self->table == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a table to write to"), conduit_node_get_id (node));
      return FALSE;
    }

  if (!conduit_db_write_mode_from_string (mode != NULL ? mode : "insert", &self->mode))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s”: “%s” is not insert, update or upsert"), conduit_node_get_id (node),
                   mode);
      return FALSE;
    }

  if (keys != NULL && JSON_NODE_HOLDS_ARRAY (keys))
    {
      JsonArray *array = json_node_get_array (keys);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *key = json_array_get_string_element (array, i);
          if (key == NULL || *key == '\0')
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                           _("“%s”: key column %u is not a column name"),
                           conduit_node_get_id (node), i + 1);
              return FALSE;
            }
          g_ptr_array_add (key_list, g_strdup (key));
        }
    }
  g_ptr_array_add (key_list, NULL);
  self->keys = (GStrv)g_ptr_array_free (g_steal_pointer (&key_list), FALSE);

  self->batch_size = CLAMP (conduit_node_get_int_setting (node, connector, "batch_size", 5000),
                            1, 100000);
  return TRUE;
}

/* A batch's "sent" marks, committed before the batch goes out (the worker thread waits for the
 * commit), so a process killed in the middle of a batch leaves its rows "sent, outcome unknown"
 * and the later ones "not sent" (conduit_run_replay_send_states()). Without a history (or a run
 * not recorded) there is nothing to mark. */
static gboolean
write_marks (ConduitExecutorDbWrite *self,
             guint                   first,
             guint                   n)
{
  ConduitHistoryStore *history = conduit_run_get_history (self->run);
  ConduitStepRecord mark = { 0 };
  g_autoptr(GError) error = NULL;

  if (history == NULL || conduit_run_get_id (self->run) == 0)
    return TRUE;

  mark.run_id = conduit_run_get_id (self->run);
  mark.node_id = self->node_id;
  mark.item_index = (gint)first;
  mark.attempt = 1;
  mark.started_us = conduit_clock_get_wall_us (conduit_run_get_clock (self->run));
  mark.status = (char *)conduit_step_status_to_string (CONDUIT_STEP_STATUS_STARTED);
  if (!conduit_history_store_start_attempts (history, &mark, n, &error))
    {
      g_debug ("the sent marks could not be written: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* The end of each attempt of a batch, recorded on the run's thread; it replaces the marks. */
typedef struct
{
  ConduitRun          *run;
  char                *node_id;
  guint                first;
  guint                n;
  gint64               started_us;
  gint64               finished_us;
  ConduitDbRowOutcome *outcomes;
} Ends;

static gboolean
record_ends_cb (gpointer user_data)
{
  Ends *ends = user_data;
  ConduitHistoryStore *history = conduit_run_get_history (ends->run);
  ConduitStepRecord written = { 0 };

  /* the rows that did not land one by one, with why; then the written ones at once */
  for (guint i = 0; i < ends->n; i++)
    {
      ConduitDbRowOutcome *outcome = &ends->outcomes[i];
      ConduitStepRecord step = { 0 };
      ConduitStepStatus status;
      ConduitErrorKind kind;

      if (outcome->written)
        continue;
      if (outcome->sent && g_strcmp0 (outcome->kind, "connection-lost") == 0)
        /* the connection broke with the batch open: rolled back, unless the break came
         * during its COMMIT, which nobody can tell */
        status = CONDUIT_STEP_STATUS_UNKNOWN, kind = CONDUIT_ERROR_KIND_OUTCOME_UNKNOWN;
      else if (outcome->sent)
        status = CONDUIT_STEP_STATUS_FAILED, kind = CONDUIT_ERROR_KIND_NODE;
      else
        status = CONDUIT_STEP_STATUS_FAILED, kind = CONDUIT_ERROR_KIND_INVALID;

      step.node_id = ends->node_id;
      step.item_index = (gint)(ends->first + i);
      step.attempt = 1;
      step.started_us = ends->started_us;
      step.finished_us = ends->finished_us;
      step.status = (char *)conduit_step_status_to_string (status);
      step.error_kind = (char *)conduit_error_kind_to_string (kind);
      step.error_message = outcome->message;
      conduit_run_record_attempt (ends->run, &step);
    }

  if (history == NULL || conduit_run_get_id (ends->run) == 0)
    return G_SOURCE_REMOVE;
  written.run_id = conduit_run_get_id (ends->run);
  written.node_id = ends->node_id;
  written.item_index = (gint)ends->first;
  written.attempt = 1;
  written.finished_us = ends->finished_us;
  written.status = (char *)conduit_step_status_to_string (CONDUIT_STEP_STATUS_OK);
  conduit_history_store_end_attempts (history, &written, ends->n);
  return G_SOURCE_REMOVE;
}

static void
ends_free (gpointer data)
{
  Ends *ends = data;

  conduit_db_row_outcomes_free (ends->outcomes, ends->n);
  g_object_unref (ends->run);
  g_free (ends->node_id);
  g_free (ends);
}

static void
record_ends (ConduitExecutorDbWrite *self,
             GMainContext           *context,
             guint                   first,
             guint                   n,
             gint64                  started_us,
             ConduitDbRowOutcome    *outcomes)
{
  ConduitHistoryStore *history = conduit_run_get_history (self->run);
  gboolean all_written = TRUE;
  Ends *ends;

  for (guint i = 0; i < n && all_written; i++)
    all_written = outcomes[i].written;

  /* the common case needs no trip to the run's thread: one statement for the whole batch */
  if (all_written)
    {
      ConduitStepRecord written = { 0 };

      if (history != NULL && conduit_run_get_id (self->run) != 0)
        {
          written.run_id = conduit_run_get_id (self->run);
          written.node_id = self->node_id;
          written.item_index = (gint)first;
          written.attempt = 1;
          written.finished_us = conduit_clock_get_wall_us (conduit_run_get_clock (self->run));
          written.status = (char *)conduit_step_status_to_string (CONDUIT_STEP_STATUS_OK);
          conduit_history_store_end_attempts (history, &written, n);
        }
      conduit_db_row_outcomes_free (outcomes, n);
      return;
    }

  /* rows that did not land carry messages to redact: the run does that on its thread */
  ends = g_new0 (Ends, 1);

  ends->run = g_object_ref (self->run);
  ends->node_id = g_strdup (self->node_id);
  ends->first = first;
  ends->n = n;
  ends->started_us = started_us;
  ends->finished_us = conduit_clock_get_wall_us (conduit_run_get_clock (self->run));
  ends->outcomes = outcomes;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, record_ends_cb, ends, ends_free);
}

/* Writes the items a batch at a time: the batch's "sent" marks are committed to the history,
 * then the batch goes to the database (conduit-db-writer.c: one transaction, refused rows told
 * apart by savepoints), then each row's end is recorded. The writer holds one batch. */
static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ConduitExecutorDbWrite *self = source_object;
  GMainContext *context = g_task_get_context (task);
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  GError *error = NULL;

  if (self->connection == NULL && self->stop_message == NULL)
    {
      self->connection = conduit_db_pool_acquire (self->params, &error);
      if (self->connection == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      self->writer = conduit_db_writer_new (self->connection, self->table, self->mode,
                                            (const char * const *)self->keys, &error);
      if (self->writer == NULL)
        {
          gboolean alive = conduit_db_connection_is_alive (self->connection);

          conduit_db_pool_release (g_steal_pointer (&self->connection), alive);
          g_task_return_error (task, error);
          return;
        }
      conduit_db_writer_set_batch_size (self->writer, self->batch_size);
    }

  for (guint start = 0; start < self->items->len; start += self->batch_size)
    {
      guint n = MIN (self->batch_size, self->items->len - start);
      guint first = self->batch_start + start;
      g_autoptr(GPtrArray) batch = g_ptr_array_new_full (n, NULL);
      ConduitDbRowOutcome *outcomes;
      gint64 started_us;
      gint64 batch_us;
      gint64 marked_us;

      batch_us = g_get_monotonic_time ();
      if (self->stop_message == NULL && g_cancellable_is_cancelled (cancellable))
        {
          self->stop_kind = "cancelled";
          self->stop_message = g_strdup (_("The run was stopped before this row was written"));
        }
      if (self->stop_message == NULL && !write_marks (self, first, n))
        {
          /* sending without the mark would break the promise that a cut-off run tells what
           * left; the history says why it failed */
          self->stop_kind = "history";
          self->stop_message = g_strdup (_("Not sent: the history could not record that the "
                                           "rows were about to be sent"));
        }
      if (self->stop_message != NULL)
        {
          for (guint i = start; i < start + n; i++)
            conduit_executor_output_add_error (output, "error",
                                               g_ptr_array_index (self->items, i),
                                               self->stop_kind, self->stop_message, 0, 0);
          continue;
        }

      for (guint i = start; i < start + n; i++)
        g_ptr_array_add (batch, g_ptr_array_index (self->items, i));
      started_us = conduit_clock_get_wall_us (conduit_run_get_clock (self->run));
      marked_us = g_get_monotonic_time ();
      /* a stop is looked at above, before the marks: a marked batch is sent whole, so that no
       * row marked as sent stays unsent */
      outcomes = conduit_db_writer_write (self->writer, batch, NULL);
      g_debug ("“%s”, rows %u to %u: marked in %.1f ms, written in %.1f ms", self->node_id,
               first + 1, first + n, (marked_us - batch_us) / 1e3,
               (g_get_monotonic_time () - marked_us) / 1e3);

      for (guint i = 0; i < n; i++)
        {
          JsonNode *item = g_ptr_array_index (batch, i);

          if (outcomes[i].written)
            conduit_executor_output_add (output, "out", json_node_ref (item));
          else
            {
              conduit_executor_output_add_error (output, "error", item, outcomes[i].kind,
                                                 outcomes[i].message, 0,
                                                 outcomes[i].sent ? 1 : 0);
              if (g_strcmp0 (outcomes[i].kind, "connection-lost") == 0 &&
                  self->stop_message == NULL)
                {
                  /* the later batches are not sent: they say so, and stay "not sent" */
                  self->reusable = FALSE;
                  self->stop_kind = "connection-lost";
                  self->stop_message = g_strdup (outcomes[i].message);
                }
            }
        }
      record_ends (self, context, first, n, started_us, outcomes);
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
params_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitExecutorDbWrite *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->params = conduit_db_target_params_finish (result, &error);
  if (self->params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, write_thread);
}

static void
conduit_executor_db_write_execute_async (ConduitExecutor     *executor,
                                         ConduitRun          *run,
                                         ConduitNode         *node,
                                         GPtrArray           *items,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  ConduitExecutorDbWrite *self = CONDUIT_EXECUTOR_DB_WRITE (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_db_write_execute_async);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_ptr_array_ref (items);
  self->batch_start = conduit_run_get_batch_start (run, node);
  g_set_object (&self->run, run);
  if (self->node_id == NULL)
    self->node_id = g_strdup (conduit_node_get_id (node));

  /* the credential is looked up once per run, at the first batch */
  if (self->params != NULL)
    g_task_run_in_thread (task, write_thread);
  else
    conduit_db_target_params_async (&self->target, run, cancellable, params_cb,
                                    g_steal_pointer (&task));
}

static ConduitExecutorInput
conduit_executor_db_write_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

/* What piled up while a transaction was out goes in the next one, up to the step's batch size:
 * a step that falls behind pays its marks, round trips and commit once per batch_size rows,
 * not once per runner batch. */
static guint
conduit_executor_db_write_get_batch_limit (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_DB_WRITE (executor)->batch_size;
}

/* After the last batch the connection goes back to the pool (not when it broke). */
static void
conduit_executor_db_write_end_async (ConduitExecutor     *executor,
                                     ConduitRun          *run,
                                     ConduitNode         *node,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ConduitExecutorDbWrite *self = CONDUIT_EXECUTOR_DB_WRITE (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_db_write_end_async);
  g_clear_pointer (&self->writer, conduit_db_writer_free);
  if (self->connection != NULL)
    conduit_db_pool_release (g_steal_pointer (&self->connection), self->reusable);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_task_return_boolean (task, TRUE);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_db_write_prepare;
  iface->execute_async = conduit_executor_db_write_execute_async;
  iface->get_input_mode = conduit_executor_db_write_get_input_mode;
  iface->get_batch_limit = conduit_executor_db_write_get_batch_limit;
  iface->end_async = conduit_executor_db_write_end_async;
}
