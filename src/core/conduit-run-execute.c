/* conduit-run-execute.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-run.h"
#include "conduit-run-private.h"
#include "conduit-step-status.h"
#include "conduit-credential.h"
#include "conduit-runner.h"
#include "conduit-executor-disabled.h"
#include "conduit-executor-pinned.h"

/* Executing a run: items stream through the flow in batches.
 *
 * A step that takes its input in batches (conduit_executor_get_input_mode()) runs once per
 * batch of at most CONDUIT_RUN_BATCH_SIZE items, one batch at a time and in order, while the
 * steps before it still work; a step that needs all of its input runs once, when every step
 * upstream of it has finished, as every step did before batches. What a batch sends out is
 * routed by port into the inboxes of the next steps at once, so a file of a million records
 * goes through Read File → Map Fields → Write File a batch at a time.
 *
 * Back-pressure: a step starts a batch only while each batched step after it holds fewer than
 * two of its batches waiting; when one of those takes a batch from its inbox it wakes the steps
 * before it. So at most a few batches per link are in memory, whatever the size of the input.
 * A step that needs all of its input takes everything that comes (it said so).
 *
 * A step that works better on more items at once (Write Rows: one transaction per batch) says
 * how many it takes (conduit_executor_get_batch_limit()): it still starts as soon as a batch of
 * CONDUIT_RUN_BATCH_SIZE waits, but takes up to its limit of what has piled up meanwhile. While
 * it keeps up, its batches stay small and nothing waits for a big one to fill; when it falls
 * behind, its batches grow and cost it less per item.
 *
 * A step that has more output without more input (Read File: a batch of the file at a time)
 * says so with conduit_executor_has_more() and is called again with no items while there is
 * room. After its last batch a batched step is ended (conduit_executor_end_async(): Write File
 * puts its file in place); the step is done when the steps before it are and its inbox is
 * empty. */

/* however big a step says its batches may be: what waits before it stays bounded */
#define MAX_BATCH_LIMIT (4 * CONDUIT_RUN_BATCH_SIZE)

static guint
batch_limit_of (NodeData *data)
{
  return data->batch_limit > 0 ? data->batch_limit : CONDUIT_RUN_BATCH_SIZE;
}

static void pump (ConduitRun *self,
                  NodeData   *data);

static gboolean
is_cancelled (ConduitRun *self)
{
  GCancellable *cancellable = self->task != NULL ? g_task_get_cancellable (self->task) : NULL;

  return cancellable != NULL && g_cancellable_is_cancelled (cancellable);
}

static void
finish_run (ConduitRun *self)
{
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  GCancellable *cancellable = g_task_get_cancellable (self->task);
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  ConduitRunRecord *record = &self->record;

  record->finished_us = conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner));
  record->items_ok = self->items_ended_ok;

  if (cancellable != NULL && g_cancellable_is_cancelled (cancellable) && self->interrupted)
    {
      record->status = CONDUIT_RUN_STATUS_INTERRUPTED;
      if (record->error == NULL)
        record->error = g_strdup (_("The run was interrupted: the server stopped before it "
                                    "finished"));
    }
  else if (cancellable != NULL && g_cancellable_is_cancelled (cancellable))
    {
      record->status = CONDUIT_RUN_STATUS_CANCELLED;
      if (record->error == NULL)
        record->error = g_strdup (_("The run was cancelled"));
    }
  else if (self->node_failed)
    record->status = CONDUIT_RUN_STATUS_FAILED;
  else if (record->items_failed == 0 && record->items_rejected == 0)
    record->status = CONDUIT_RUN_STATUS_SUCCEEDED;
  else if (record->items_ok > 0)
    record->status = CONDUIT_RUN_STATUS_PARTIAL;
  else
    record->status = CONDUIT_RUN_STATUS_FAILED;

  if (history != NULL && record->id > 0)
    {
      g_autofree char *error = conduit_run_redact (self, record->error);
      char *original = record->error;

      record->error = error;
      conduit_history_store_finish_run (history, record);
      record->error = original;
    }

  conduit_runner_emit_run_finished (self->runner, self);
  g_task_return_boolean (task, TRUE);
}

/* The node's final state, from what happened to it. */
static void
settle_state (NodeData *data)
{
  if (data->cancelled)
    data->state = CONDUIT_STEP_STATUS_CANCELLED;
  else if (data->error != NULL)
    data->state = CONDUIT_STEP_STATUS_FAILED;
  else if (!data->started)
    data->state = CONDUIT_STEP_STATUS_SKIPPED;
  else if (data->pinned)
    data->state = CONDUIT_STEP_STATUS_PINNED;
  else if (data->items_failed + data->items_rejected == 0)
    data->state = CONDUIT_STEP_STATUS_OK;
  else if (data->items_ok > 0)
    data->state = CONDUIT_STEP_STATUS_PARTIAL;
  else
    data->state = CONDUIT_STEP_STATUS_FAILED;
}

static void
node_done (ConduitRun *self,
           NodeData   *data)
{
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);

  g_assert (!data->done);
  data->done = TRUE;
  settle_state (data);
  g_ptr_array_set_size (data->inbox, 0);
  g_ptr_array_set_size (data->inbox_ports, 0);

  if (history != NULL && self->record.id > 0)
    {
      ConduitStepRecord step = { 0 };

      step.run_id = self->record.id;
      step.node_id = (char *)conduit_node_get_id (data->node);
      step.item_index = -1;
      step.attempt = 0;
      step.started_us = data->started_us;
      step.finished_us = conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner));
      step.status = (char *)conduit_step_status_to_string (data->state);
      step.items_in = data->items_in;
      step.items_out = data->items_ok;
      step.items_failed = data->items_failed + data->items_rejected;
      step.error_kind = data->error != NULL
                          ? (char *)conduit_error_kind_to_string (CONDUIT_ERROR_KIND_NODE) : NULL;
      step.error_message = data->error;
      conduit_run_record_attempt (self, &step);
    }

  conduit_runner_emit_node_finished (self->runner, self, conduit_node_get_id (data->node),
                                     data->items_ok, data->items_failed, data->items_rejected);

  g_clear_object (&data->executor);
  self->n_done++;

  for (guint i = 0; i < data->downstream->len; i++)
    {
      NodeData *next = g_ptr_array_index (data->downstream, i);

      /* a pinned step, or one a run with pins or of one step leaves out, waits for nobody */
      if (!next->reachable || next->source)
        continue;
      g_assert (next->pending > 0);
      next->pending--;
      pump (self, next);
    }

  if (self->n_done == self->n_reachable && self->task != NULL)
    finish_run (self);
}

static void
keep_output (ConduitRun *self,
             NodeData   *data,
             const char *port,
             GPtrArray  *items)
{
  GPtrArray *kept;

  if (data->outputs == NULL)
    data->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
  kept = g_hash_table_lookup (data->outputs, port);
  if (kept == NULL)
    {
      kept = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_hash_table_insert (data->outputs, g_strdup (port), kept);
    }
  for (guint i = 0; i < items->len && kept->len < self->keep_outputs_limit; i++)
    g_ptr_array_add (kept, json_node_ref (g_ptr_array_index (items, i)));
}

/* Sends @output on by port, and adds the nodes it reached to @fed (to be pumped by the caller:
 * pumping the sender first lets a node whose last batch this was finish before the nodes after
 * it start, as a small run always did). */
static void
route_output (ConduitRun            *self,
              NodeData              *data,
              ConduitExecutorOutput *output,
              GPtrArray             *fed)
{
  g_auto(GStrv) ports = conduit_executor_output_dup_ports (output);
  const char *node_id = conduit_node_get_id (data->node);
  GListModel *links = conduit_flow_get_links (self->flow);
  guint n_links = g_list_model_get_n_items (links);
  gboolean is_trigger = data == self->trigger;

  for (guint p = 0; ports[p] != NULL; p++)
    {
      GPtrArray *items = conduit_executor_output_get (output, ports[p]);
      const ConduitPortSpec *spec = conduit_connector_find_output (data->connector, ports[p]);
      gboolean is_error = spec != NULL && spec->is_error;
      gboolean is_rejected = is_error && g_str_equal (ports[p], "rejected");
      gboolean linked = FALSE;

      if (spec == NULL)
        g_critical ("Node %s sent items out of an unknown port %s", node_id, ports[p]);

      /* A trigger's items were recorded with the run's start, unless it found them itself,
       * as a poll trigger (New E-mail, New File on SFTP) does: then they are recorded here,
       * so the history shows them and `conduit-cli test save` keeps them as the test's input. */
      if (!is_trigger || data->pinned || self->trigger_items == NULL ||
          self->trigger_items->len == 0)
        conduit_run_record_items (self, data, ports[p], TRUE, is_error, items);

      if (self->keep_outputs)
        keep_output (self, data, ports[p], items);

      for (guint i = 0; i < n_links; i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          const char *to_port;
          NodeData *to;

          if (!g_str_equal (conduit_link_get_from_node (link), node_id) ||
              !g_str_equal (conduit_link_get_from_port (link), ports[p]))
            continue;

          to = g_hash_table_lookup (self->nodes, conduit_link_get_to_node (link));
          if (to == NULL)
            continue;
          linked = TRUE;
          /* a pinned step's data stands in for what comes in; a step the run leaves out
           * (conduit-run-pins.c) does not run */
          if (!to->reachable || to->pinned)
            continue;
          /* a step with two inputs (Merge) must know which one an item came in by */
          to_port = g_intern_string (conduit_link_get_to_port (link));
          for (guint j = 0; j < items->len; j++)
            {
              g_ptr_array_add (to->inbox, json_node_ref (g_ptr_array_index (items, j)));
              g_ptr_array_add (to->inbox_ports, (gpointer)to_port);
            }
          if (items->len > 0 && !g_ptr_array_find (fed, to, NULL))
            g_ptr_array_add (fed, to);
        }

      if (is_rejected)
        data->items_rejected += items->len;
      else if (is_error)
        data->items_failed += items->len;
      else
        data->items_ok += items->len;

      if (is_rejected)
        self->record.items_rejected += items->len;
      else if (is_error)
        self->record.items_failed += items->len;
      else if (!linked)
        {
          self->items_ended_ok += items->len;
          data->items_ended += items->len;
        }
    }
}

static void
pump_all (ConduitRun *self,
          GPtrArray  *nodes)
{
  for (guint i = 0; i < nodes->len; i++)
    pump (self, g_ptr_array_index (nodes, i));
}

/* What kind of failure @error is, in words that do not depend on the language. */
static ConduitErrorKind
error_kind_of (const GError *error)
{
  ConduitErrorKind kind = CONDUIT_ERROR_KIND_CREDENTIAL;

  if (error->domain == CONDUIT_CREDENTIAL_ERROR)
    {
      conduit_error_kind_from_string (conduit_credential_error_kind (error), &kind);
      return kind;
    }
  if (error->domain != CONDUIT_EXECUTOR_ERROR)
    return CONDUIT_ERROR_KIND_NODE;

  switch (error->code)
    {
    case CONDUIT_EXECUTOR_ERROR_FILE:
      return CONDUIT_ERROR_KIND_FILE;
    case CONDUIT_EXECUTOR_ERROR_CREDENTIAL:
      return CONDUIT_ERROR_KIND_CREDENTIAL;
    case CONDUIT_EXECUTOR_ERROR_SETTING:
      return CONDUIT_ERROR_KIND_SETTING;
    default:
      return CONDUIT_ERROR_KIND_NODE;
    }
}

/* @items (taken in already) leave through the node's error port with the node's error. */
static void
fail_items (ConduitRun *self,
            NodeData   *data,
            GPtrArray  *items,
            GPtrArray  *fed)
{
  const ConduitPortSpec *error_port = NULL;
  GPtrArray *outputs = conduit_connector_get_outputs (data->connector);
  g_autoptr(ConduitExecutorOutput) output = NULL;

  if (items == NULL || items->len == 0)
    return;

  for (guint i = 0; outputs != NULL && i < outputs->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (outputs, i);
      if (port->is_error)
        {
          error_port = port;
          break;
        }
    }

  if (error_port == NULL)
    {
      data->items_failed += items->len;
      self->record.items_failed += items->len;
      return;
    }

  output = conduit_executor_output_new ();
  for (guint i = 0; i < items->len; i++)
    conduit_executor_output_add_error (output, error_port->id, g_ptr_array_index (items, i),
                                       data->error_kind, data->error, 0, 0);
  route_output (self, data, output, fed);
}

static void
set_node_error (ConduitRun   *self,
                NodeData     *data,
                const GError *error)
{
  g_autofree char *message = conduit_run_redact (self, error->message);

  if (data->error != NULL)
    return;
  data->error = g_strdup (message);
  data->error_kind = conduit_error_kind_to_string (error_kind_of (error));
  self->node_failed = TRUE;
  if (self->record.error == NULL)
    self->record.error = g_strdup_printf (_("%s: %s"), conduit_node_get_id (data->node), message);
}

/* A step that completes its work only at its end (Write File puts its file in place then)
 * and fails before: the items it sent on did not get where they were going, so they count as
 * failed, not as done. */
static void
revoke_ok (ConduitRun *self,
           NodeData   *data)
{
  if (data->executor == NULL || CONDUIT_EXECUTOR_GET_IFACE (data->executor)->end_async == NULL)
    return;
  self->items_ended_ok -= data->items_ended;
  self->record.items_failed += data->items_ok;
  data->items_failed += data->items_ok;
  data->items_ok = 0;
  data->items_ended = 0;
}

/* Counts @items as taken in by the node and writes them to the history. */
static void
take_in (ConduitRun *self,
         NodeData   *data,
         GPtrArray  *items)
{
  data->batch_start = data->items_in;
  data->items_in += items->len;
  if (data != self->trigger && items->len > 0)
    conduit_run_record_items (self, data, "in", FALSE, FALSE, items);
}

/* Takes up to @max_items from the inbox; their input ports go to data->batch_ports. */
static GPtrArray *
take_batch (NodeData *data,
            guint     max_items)
{
  GPtrArray *batch;

  g_assert (data->inbox_ports->len == data->inbox->len);
  g_ptr_array_set_size (data->batch_ports, 0);

  if (data->inbox->len <= max_items)
    {
      GPtrArray *ports = g_steal_pointer (&data->inbox_ports);

      data->inbox_ports = g_steal_pointer (&data->batch_ports);
      data->batch_ports = ports;
      batch = g_steal_pointer (&data->inbox);
      data->inbox = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      return batch;
    }

  batch = g_ptr_array_new_full (max_items, (GDestroyNotify)json_node_unref);
  for (guint i = 0; i < max_items; i++)
    {
      g_ptr_array_add (batch, json_node_ref (g_ptr_array_index (data->inbox, i)));
      g_ptr_array_add (data->batch_ports, g_ptr_array_index (data->inbox_ports, i));
    }
  g_ptr_array_remove_range (data->inbox, 0, max_items);
  g_ptr_array_remove_range (data->inbox_ports, 0, max_items);
  return batch;
}

/* The node's inbox shrank: the steps before it may go on. */
static void
wake_upstream (ConduitRun *self,
               NodeData   *data)
{
  for (guint i = 0; i < data->upstream->len; i++)
    pump (self, g_ptr_array_index (data->upstream, i));
}

static gboolean
has_room (NodeData *data)
{
  for (guint i = 0; i < data->downstream->len; i++)
    {
      NodeData *next = g_ptr_array_index (data->downstream, i);

      /* a step that needs all its input takes it all; one not started yet starts as soon as
       * items reach it, and then says which it is */
      if (next->done || (next->started && !next->batched))
        continue;
      if (next->inbox->len >= 2 * batch_limit_of (next))
        return FALSE;
    }
  return TRUE;
}

/* The node worked its batch: @output, or @error. */
static void
batch_done (ConduitRun            *self,
            NodeData              *data,
            ConduitExecutorOutput *output,
            const GError          *error)
{
  g_autoptr(GPtrArray) batch = g_steal_pointer (&data->batch);
  g_autoptr(GPtrArray) fed = g_ptr_array_new ();

  data->busy = FALSE;

  if (output == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        data->cancelled = TRUE;
      else
        {
          set_node_error (self, data, error);
          revoke_ok (self, data);
          fail_items (self, data, batch, fed);
        }
    }
  else
    route_output (self, data, output, fed);

  if (!data->done)
    conduit_runner_emit_node_progress (self->runner, self, conduit_node_get_id (data->node),
                                       data->items_in, data->items_ok, data->items_failed,
                                       data->items_rejected);
  g_clear_pointer (&batch, g_ptr_array_unref);
  pump (self, data);
  pump_all (self, fed);
}

static void
execute_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  NodeData *data = user_data;
  g_autoptr(ConduitRun) self = g_object_ref (data->run);
  g_autoptr(ConduitExecutorOutput) output = NULL;
  g_autoptr(GError) error = NULL;

  output = conduit_executor_execute_finish (CONDUIT_EXECUTOR (object), result, &error);
  batch_done (self, data, output, error);
  /* The run held itself while a batch was worked. */
  g_object_unref (self);
}

/* A step that works its batch at once (conduit_executor_execute_now()) goes on from inside
 * the previous one's end, so a chain of them nests: past this depth a batch goes through the
 * main loop after all, which keeps the stack bounded for a long flow or many batches. */
#define MAX_NESTED_BATCHES 16

static void
run_batch (ConduitRun *self,
           NodeData   *data,
           GPtrArray  *batch)
{
  g_autoptr(ConduitExecutorOutput) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) hold = NULL;
  gboolean took_items = batch->len > 0;

  data->busy = TRUE;
  data->ran = TRUE;
  data->batch = batch;
  take_in (self, data, batch);

  if (self->nested_batches < MAX_NESTED_BATCHES &&
      conduit_executor_execute_now (data->executor, self, data->node, batch, &output, &error))
    {
      /* the run may end inside, and its last owner let go of it */
      hold = g_object_ref (self);
      self->nested_batches++;
      batch_done (self, data, output, error);
      self->nested_batches--;
    }
  else
    {
      g_object_ref (self);
      conduit_executor_execute_async (data->executor, self, data->node, batch,
                                      g_task_get_cancellable (self->task), execute_cb, data);
    }
  if (took_items)
    wake_upstream (self, data);
}

static void
end_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  NodeData *data = user_data;
  g_autoptr(ConduitRun) self = g_object_ref (data->run);
  g_autoptr(GError) error = NULL;

  data->busy = FALSE;
  if (!conduit_executor_end_finish (CONDUIT_EXECUTOR (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        data->cancelled = TRUE;
      else
        {
          /* what the step did batch by batch did not take (a file that could not be put in
           * place) */
          set_node_error (self, data, error);
          revoke_ok (self, data);
        }
    }

  node_done (self, data);
  g_object_unref (self);
}

/* Everything has reached the node and it has worked it all. */
static void
end_node (ConduitRun *self,
          NodeData   *data)
{
  if (data->batched && data->ran && data->error == NULL && !data->cancelled &&
      CONDUIT_EXECUTOR_GET_IFACE (data->executor)->end_async != NULL)
    {
      data->busy = TRUE;
      g_object_ref (self);
      conduit_executor_end_async (data->executor, self, data->node,
                                  g_task_get_cancellable (self->task), end_cb, data);
      return;
    }
  node_done (self, data);
}

/* Makes and prepares the node's executor; on failure its waiting items leave with the reason. */
static gboolean
start_executor (ConduitRun *self,
                NodeData   *data)
{
  g_autoptr(GError) error = NULL;
  GType type;

  data->started = TRUE;
  data->started_us = conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner));
  conduit_runner_emit_node_started (self->runner, self, conduit_node_get_id (data->node));
  data->state = CONDUIT_STEP_STATUS_RUNNING;

  /* a pinned step sends its pinned items on; a disabled one passes its items through;
   * neither does its work */
  if (data->pinned)
    type = CONDUIT_TYPE_EXECUTOR_PINNED;
  else if (conduit_node_get_disabled (data->node))
    type = CONDUIT_TYPE_EXECUTOR_DISABLED;
  else
    type = conduit_runner_lookup_executor (self->runner, data->connector);
  if (type == G_TYPE_INVALID || !g_type_is_a (type, CONDUIT_TYPE_EXECUTOR))
    g_set_error (&error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_NO_EXECUTOR,
                 _("Conduit cannot run nodes of type “%s” yet"),
                 conduit_node_get_connector_id (data->node));
  else
    {
      data->executor = g_object_new (type, NULL);
      if (conduit_executor_prepare (data->executor, self, data->node, &error))
        {
          data->batched = conduit_executor_get_input_mode (data->executor)
                            == CONDUIT_EXECUTOR_INPUT_BATCHES;
          if (data->batched)
            data->batch_limit = MIN (conduit_executor_get_batch_limit (data->executor),
                                     MAX_BATCH_LIMIT);
          return TRUE;
        }
    }

  set_node_error (self, data, error);
  return FALSE;
}

/* Moves the node on as far as it can go now: fails, cancels, skips, starts a batch or ends
 * it. Called whenever something changed for it: items arrived, a batch ended, a step before it
 * finished, a step after it took a batch. */
static void
pump (ConduitRun *self,
      NodeData   *data)
{
  gboolean just_started = FALSE;

  if (data->done || data->busy || !data->reachable || self->task == NULL)
    return;

  if (!data->cancelled && is_cancelled (self))
    data->cancelled = TRUE;
  if (data->cancelled)
    {
      /* no new batch starts; what has not been worked is not counted as worked; the steps
       * before, perhaps waiting for room here, must hear of it too */
      g_ptr_array_set_size (data->inbox, 0);
      g_ptr_array_set_size (data->inbox_ports, 0);
      wake_upstream (self, data);
      if (data->pending == 0 && !data->done && !data->busy)
        node_done (self, data);
      return;
    }

  if (!data->started)
    {
      if (data->inbox->len == 0 && !data->source)
        {
          if (data->pending == 0)
            node_done (self, data);
          return;
        }
      start_executor (self, data);
      just_started = TRUE;
    }

  if (data->error != NULL)
    {
      /* failed as a whole: whatever still reaches it leaves through its error port */
      g_autoptr(GPtrArray) items = take_batch (data, G_MAXUINT);
      g_autoptr(GPtrArray) fed = g_ptr_array_new ();

      take_in (self, data, items);
      fail_items (self, data, items, fed);
      if (data->pending == 0 && !data->done)
        node_done (self, data);
      pump_all (self, fed);
      if (items->len > 0)
        wake_upstream (self, data);
      return;
    }

  if (!data->batched)
    {
      if (data->pending > 0)
        {
          /* It takes all it gets: a step before it, held back for room here before it said
           * so (a batch worked at once looks for room before its items' next step starts),
           * goes on. */
          if (just_started)
            wake_upstream (self, data);
          return;
        }
      if (!data->ran)
        {
          run_batch (self, data, take_batch (data, G_MAXUINT));
          return;
        }
      if (conduit_executor_has_more (data->executor))
        {
          if (has_room (data))
            run_batch (self, data, take_batch (data, 0));
          return;
        }
      end_node (self, data);
      return;
    }

  if (conduit_executor_has_more (data->executor))
    {
      if (has_room (data))
        run_batch (self, data, take_batch (data, 0));
      return;
    }
  if (data->inbox->len >= CONDUIT_RUN_BATCH_SIZE ||
      (data->inbox->len > 0 && data->pending == 0) ||
      (!data->ran && data->source))
    {
      if (has_room (data))
        run_batch (self, data, take_batch (data, batch_limit_of (data)));
      return;
    }
  if (data->pending == 0 && data->inbox->len == 0)
    end_node (self, data);
}

/**
 * conduit_run_get_batch_start:
 * @self: a run
 * @node: a node working a batch
 *
 * Items keep their position through a flow; a step that records something per item (an HTTP
 * attempt) adds this to the item's index in its batch.
 *
 * Returns: the position of the first item of @node's current batch among all the items that
 *   reached @node in this run
 */
guint
conduit_run_get_batch_start (ConduitRun  *self,
                             ConduitNode *node)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), 0);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), 0);

  data = g_hash_table_lookup (self->nodes, conduit_node_get_id (node));
  return data != NULL ? data->batch_start : 0;
}

/**
 * conduit_run_get_item_port:
 * @self: a run
 * @node: a node working a batch
 * @index: the position of an item in the batch
 *
 * A step with more than one input (Merge) tells its inputs apart by this.
 *
 * Returns: (nullable): the id of the input port the item came in by, %NULL for a trigger's
 *   items or an @index outside the batch
 */
const char *
conduit_run_get_item_port (ConduitRun  *self,
                           ConduitNode *node,
                           guint        index)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  data = g_hash_table_lookup (self->nodes, conduit_node_get_id (node));
  if (data == NULL || index >= data->batch_ports->len)
    return NULL;
  return g_ptr_array_index (data->batch_ports, index);
}

static void
begin_execution (ConduitRun *self)
{
  if (self->nothing_new)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);

      self->record.status = CONDUIT_RUN_STATUS_SUCCEEDED;
      g_task_return_boolean (task, TRUE);
      return;
    }

  conduit_runner_emit_run_started (self->runner, self);

  for (guint i = 0; i < self->trigger_items->len; i++)
    {
      g_ptr_array_add (self->trigger->inbox,
                       json_node_ref (g_ptr_array_index (self->trigger_items, i)));
      g_ptr_array_add (self->trigger->inbox_ports, NULL);
    }

  pump (self, self->trigger);

  /* a run with pins or of one step also starts where no step comes before */
  {
    GHashTableIter iter;
    NodeData *data;

    g_hash_table_iter_init (&iter, self->nodes);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&data))
      if (data != self->trigger && data->source && data->reachable && self->task != NULL)
        pump (self, data);
  }
}

static void
execute_recorded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConduitRun) self = user_data;
  GError *error = NULL;

  if (!conduit_run_record_finish (self, result, &error))
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, error);
      return;
    }

  begin_execution (self);
}

/**
 * conduit_run_execute_async:
 * @self: a run
 * @cancellable: (nullable): stops the run: no new batch starts, waits and requests in flight end
 * @callback: called when the run has ended
 * @user_data: data for @callback
 *
 * Executes the run, recording it first if conduit_run_record_async() was not called. Progress
 * is announced by the runner's signals.
 */
void
conduit_run_execute_async (ConduitRun          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (self->task == NULL);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, conduit_run_execute_async);
  /* A cancelled run still ends, with the status "cancelled", and is recorded as such. */
  g_task_set_check_cancellable (self->task, FALSE);

  if (!self->recorded)
    conduit_run_record_async (self, cancellable, execute_recorded_cb, g_object_ref (self));
  else
    begin_execution (self);
}

/**
 * conduit_run_execute_finish:
 * @self: a run
 * @result: the result
 * @error: return location for an error
 *
 * A run that ran always finishes with %TRUE, whatever its status; %FALSE means it could not
 * start (the history could not record it).
 *
 * Returns: whether the run ran
 */
gboolean
conduit_run_execute_finish (ConduitRun    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
