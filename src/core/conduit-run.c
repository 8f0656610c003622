/* conduit-run.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-run.h"
#include "conduit-run-private.h"
#include "conduit-step-status.h"
#include "conduit-credential.h"
#include "conduit-credential-store.h"
#include "conduit-redactor.h"
#include "conduit-runner.h"

/* One run of a flow, from one trigger firing to its end.
 *
 * Items flow along links in batches: a node runs once, with every item that reached its input,
 * when all the nodes upstream of it (among those the trigger reaches) have finished. Nodes on
 * different branches run at the same time. What a node emits is routed by port; an item on an
 * error port with no link is counted as failed, a rejected one as rejected, and every item
 * leaving a port with no link has reached the end of the flow. A run never loses an item: each
 * one ends as ok, failed, rejected, or in the history of a node that failed as a whole.
 */

G_DEFINE_QUARK (conduit-run-error-quark, conduit_run_error)


G_DEFINE_FINAL_TYPE (ConduitRun, conduit_run, G_TYPE_OBJECT)

static void
node_data_free (NodeData *data)
{
  g_clear_object (&data->node);
  g_clear_object (&data->connector);
  g_clear_pointer (&data->inbox, g_ptr_array_unref);
  g_clear_pointer (&data->batch, g_ptr_array_unref);
  g_clear_pointer (&data->inbox_ports, g_ptr_array_unref);
  g_clear_pointer (&data->batch_ports, g_ptr_array_unref);
  g_clear_pointer (&data->downstream, g_ptr_array_unref);
  g_clear_pointer (&data->upstream, g_ptr_array_unref);
  g_clear_pointer (&data->recorded, g_hash_table_unref);
  g_clear_pointer (&data->outputs, g_hash_table_unref);
  g_clear_object (&data->executor);
  g_free (data->error);
  g_free (data);
}

static void
conduit_run_finalize (GObject *object)
{
  ConduitRun *self = (ConduitRun *)object;

  g_clear_object (&self->runner);
  g_clear_object (&self->flow);
  g_free (self->flow_name);
  g_free (self->trigger_id);
  g_free (self->trigger_kind);
  g_free (self->step_id);
  g_clear_pointer (&self->trigger_items, g_ptr_array_unref);
  g_clear_pointer (&self->trigger_texts, g_ptr_array_unref);
  g_clear_pointer (&self->item_texts, g_hash_table_unref);
  g_clear_pointer (&self->poll_keys, g_strfreev);
  g_clear_pointer (&self->poll_cursor, g_free);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_object (&self->redactor);
  g_clear_pointer (&self->credentials, g_hash_table_unref);
  g_clear_pointer (&self->late_trigger_items, g_hash_table_unref);
  g_free (self->event_id);
  g_clear_object (&self->task);
  g_free (self->record.error);

  G_OBJECT_CLASS (conduit_run_parent_class)->finalize (object);
}

static void
conduit_run_class_init (ConduitRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_run_finalize;
}

static void
conduit_run_init (ConduitRun *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)node_data_free);
  /* the redactor and the credentials are made when the run meets its first secret: most
   * runs (a webhook's) have none */
  self->keep_outputs_limit = G_MAXUINT;
}

static JsonNode *
make_tick_item (ConduitRun *self)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *text = NULL;
  JsonObject *object = json_object_new ();
  JsonNode *node;

  now = g_date_time_new_from_unix_local (
    conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner)) / G_USEC_PER_SEC);
  text = g_date_time_format_iso8601 (now);
  json_object_set_string_member (object, "fired_at", text);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static gboolean
collect_trigger_items (ConduitRun  *self,
                       GPtrArray   *items,
                       GError     **error)
{
  ConduitNode *node = self->trigger->node;
  const char *type = conduit_node_get_connector_id (node);

  self->trigger_items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  if (items == NULL && g_str_equal (type, "schedule-trigger"))
    {
      g_ptr_array_add (self->trigger_items, make_tick_item (self));
      return TRUE;
    }

  if (items == NULL)
    {
      /* Manual and webhook triggers keep sample items in the flow for test runs. */
      g_autoptr(JsonNode) sample = conduit_node_dup_setting_or_default (node, self->trigger->connector,
                                                                        "items");
      JsonArray *array;

      if (sample == NULL || !JSON_NODE_HOLDS_ARRAY (sample))
        return TRUE;

      array = json_node_get_array (sample);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                           _("Sample item %u of “%s” is not a record (a JSON object)"), i + 1,
                           conduit_node_get_id (node));
              return FALSE;
            }
          g_ptr_array_add (self->trigger_items, json_node_copy (element));
        }
      return TRUE;
    }

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *element = g_ptr_array_index (items, i);

      if (element == NULL || !JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                       _("Input item %u is not a record (a JSON object)"), i + 1);
          return FALSE;
        }
      g_ptr_array_add (self->trigger_items, json_node_ref (element));
    }

  return TRUE;
}

static NodeData *
find_trigger (ConduitRun  *self,
              const char  *trigger_id,
              GError     **error)
{
  GListModel *nodes = conduit_flow_get_nodes (self->flow);
  NodeData *data;

  if (trigger_id != NULL)
    {
      data = g_hash_table_lookup (self->nodes, trigger_id);
      if (data == NULL)
        {
          g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_NO_TRIGGER,
                       _("The flow “%s” has no node “%s” to start from"), self->flow_name,
                       trigger_id);
          return NULL;
        }
      if (conduit_connector_get_category (data->connector) != CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
        {
          g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_NO_TRIGGER,
                       _("“%s” is not a trigger, so a run cannot start there"), trigger_id);
          return NULL;
        }
      return data;
    }

  /* The first manual trigger, else the first trigger of any kind. */
  data = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      NodeData *candidate = g_hash_table_lookup (self->nodes, conduit_node_get_id (node));

      if (conduit_connector_get_category (candidate->connector) != CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
        continue;
      if (g_str_equal (conduit_node_get_connector_id (node), "manual-trigger"))
        return candidate;
      if (data == NULL)
        data = candidate;
    }

  if (data == NULL)
    g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_NO_TRIGGER,
                 _("The flow “%s” has no trigger; add a Manual, Webhook or Schedule trigger"),
                 self->flow_name);
  return data;
}

/* Which nodes this run reaches from its trigger, and how many steps before each it waits for.
 * conduit-run-pins.c works this out again when pins or a single step change the answer. */
void
conduit_run_mark_reachable (ConduitRun *self)
{
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();

  self->trigger->reachable = TRUE;
  self->trigger->source = TRUE;
  g_ptr_array_add (queue, self->trigger);
  for (guint i = 0; i < queue->len; i++)
    {
      NodeData *data = g_ptr_array_index (queue, i);

      self->n_reachable++;
      for (guint j = 0; j < data->downstream->len; j++)
        {
          NodeData *next = g_ptr_array_index (data->downstream, j);

          next->pending++;
          if (!next->reachable)
            {
              next->reachable = TRUE;
              g_ptr_array_add (queue, next);
            }
        }
    }
}

/**
 * conduit_run_new:
 * @runner: the runner
 * @flow: the flow to run; it must be valid (conduit_flow_check() finds no problem)
 * @trigger_id: (nullable): the trigger to start from; %NULL for the first manual trigger, else
 *   the first trigger
 * @trigger_kind: (nullable): "manual", "webhook", "schedule" or "input"; %NULL to derive it
 * @items: (nullable) (element-type JsonNode): the items the trigger emits; %NULL for its sample
 *   items (a schedule emits one tick)
 * @error: return location for an error
 *
 * Prepares a run. conduit_runner_create_run() is the usual way in.
 *
 * Returns: (transfer full): the run, or %NULL with @error
 */
ConduitRun *
conduit_run_new (ConduitRunner  *runner,
                 ConduitFlow    *flow,
                 const char     *trigger_id,
                 const char     *trigger_kind,
                 GPtrArray      *items,
                 GError        **error)
{
  g_autoptr(ConduitRun) self = NULL;
  ConduitConnectorRegistry *registry;
  GListModel *nodes;
  GListModel *links;
  const char *name;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);

  self = g_object_new (CONDUIT_TYPE_RUN, NULL);
  self->runner = g_object_ref (runner);
  self->flow = g_object_ref (flow);
  name = conduit_flow_get_name (flow);
  self->flow_name = g_strdup (name != NULL && *name != '\0' ? name : _("Untitled flow"));

  registry = conduit_runner_get_registry (runner);
  nodes = conduit_flow_get_nodes (flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      ConduitConnector *connector;
      NodeData *data;

      connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
      if (connector == NULL)
        {
          g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_NO_EXECUTOR,
                       _("Node “%s” has the unknown type “%s”"), conduit_node_get_id (node),
                       conduit_node_get_connector_id (node));
          return NULL;
        }

      data = g_new0 (NodeData, 1);
      data->run = self;
      data->node = g_object_ref (node);
      data->connector = g_object_ref (connector);
      data->inbox = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      data->inbox_ports = g_ptr_array_new ();
      data->batch_ports = g_ptr_array_new ();
      data->downstream = g_ptr_array_new ();
      data->upstream = g_ptr_array_new ();
      g_hash_table_insert (self->nodes, (char *)conduit_node_get_id (node), data);
    }

  links = conduit_flow_get_links (flow);
  for (guint i = 0; i < g_list_model_get_n_items (links); i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      NodeData *from = g_hash_table_lookup (self->nodes, conduit_link_get_from_node (link));
      NodeData *to = g_hash_table_lookup (self->nodes, conduit_link_get_to_node (link));

      if (from != NULL && to != NULL && !g_ptr_array_find (from->downstream, to, NULL))
        {
          g_ptr_array_add (from->downstream, to);
          g_ptr_array_add (to->upstream, from);
        }
    }

  self->trigger = find_trigger (self, trigger_id, error);
  if (self->trigger == NULL)
    return NULL;
  self->trigger_id = g_strdup (conduit_node_get_id (self->trigger->node));

  if (trigger_kind == NULL)
    {
      const char *type = conduit_node_get_connector_id (self->trigger->node);

      if (items != NULL)
        trigger_kind = "input";
      else if (g_str_equal (type, "schedule-trigger"))
        trigger_kind = "schedule";
      else
        trigger_kind = "manual";
    }
  self->trigger_kind = g_strdup (trigger_kind);

  if (!collect_trigger_items (self, items, error))
    return NULL;

  conduit_run_mark_reachable (self);

  self->record.flow = self->flow_name;
  self->record.trigger_node = self->trigger_id;
  self->record.trigger_kind = self->trigger_kind;
  self->record.status = CONDUIT_RUN_STATUS_RUNNING;
  self->record.items_in = self->trigger_items->len;

  return g_steal_pointer (&self);
}

/* Getters */

/**
 * conduit_run_get_id:
 * @self: a run
 *
 * Returns: the run's id in the history, or 0 before it is recorded or without history
 */
gint64
conduit_run_get_id (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), 0);

  return self->record.id;
}

/**
 * conduit_run_get_flow:
 * @self: a run
 *
 * Returns: (transfer none): the flow being run
 */
ConduitFlow *
conduit_run_get_flow (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->flow;
}

/**
 * conduit_run_get_flow_name:
 * @self: a run
 *
 * Returns: the flow's name as the history records it
 */
const char *
conduit_run_get_flow_name (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->flow_name;
}

/**
 * conduit_run_get_trigger_id:
 * @self: a run
 *
 * Returns: the id of the trigger node the run starts from
 */
const char *
conduit_run_get_trigger_id (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->trigger_id;
}

/**
 * conduit_run_get_trigger_kind:
 * @self: a run
 *
 * Returns: how the run was started: "manual", "webhook", "schedule" or "input"
 */
const char *
conduit_run_get_trigger_kind (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->trigger_kind;
}

/**
 * conduit_run_get_status:
 * @self: a run
 *
 * Returns: the run's status; %CONDUIT_RUN_STATUS_RUNNING until it ends
 */
ConduitRunStatus
conduit_run_get_status (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), CONDUIT_RUN_STATUS_FAILED);

  return self->record.status;
}

/**
 * conduit_run_get_error:
 * @self: a run
 *
 * Returns: (nullable): why the run failed as a whole, if it did
 */
const char *
conduit_run_get_error (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->record.error;
}

/**
 * conduit_run_get_record:
 * @self: a run
 *
 * Returns: (transfer none): the run as the history records it, with its item counts
 */
const ConduitRunRecord *
conduit_run_get_record (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return &self->record;
}

/**
 * conduit_run_get_node_counts:
 * @self: a run
 * @node_id: a node id
 * @items_in: (out) (optional): items that reached the node
 * @items_ok: (out) (optional): items it sent out of its normal ports
 * @items_failed: (out) (optional): items it sent out of an error port
 * @items_rejected: (out) (optional): items it rejected (a mapping's rejected port)
 *
 * Returns: %FALSE when the flow has no such node
 */
gboolean
conduit_run_get_node_counts (ConduitRun *self,
                             const char *node_id,
                             guint      *items_in,
                             guint      *items_ok,
                             guint      *items_failed,
                             guint      *items_rejected)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), FALSE);
  g_return_val_if_fail (node_id != NULL, FALSE);

  data = g_hash_table_lookup (self->nodes, node_id);
  if (data == NULL)
    return FALSE;

  if (items_in != NULL)
    *items_in = data->items_in;
  if (items_ok != NULL)
    *items_ok = data->items_ok;
  if (items_failed != NULL)
    *items_failed = data->items_failed;
  if (items_rejected != NULL)
    *items_rejected = data->items_rejected;
  return TRUE;
}

/**
 * conduit_run_get_node_state:
 * @self: a run
 * @node_id: a node id
 *
 * Returns: (nullable): "pending", "running", "ok", "partial", "failed", "skipped" or
 *   "cancelled"; %NULL when the flow has no such node
 */
const char *
conduit_run_get_node_state (ConduitRun *self,
                            const char *node_id)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  data = g_hash_table_lookup (self->nodes, node_id);
  return data != NULL ? conduit_step_status_to_string (data->state) : NULL;
}

/**
 * conduit_run_get_node_error:
 * @self: a run
 * @node_id: a node id
 *
 * Returns: (nullable): why the node failed as a whole
 */
const char *
conduit_run_get_node_error (ConduitRun *self,
                            const char *node_id)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  data = g_hash_table_lookup (self->nodes, node_id);
  return data != NULL ? data->error : NULL;
}

/**
 * conduit_run_get_node_error_kind:
 * @self: a run
 * @node_id: a node
 *
 * Returns: (nullable): what kind of failure failed the node as a whole ("credential-missing",
 *   "credential-locked", "credential-rejected", "credential-needs-sign-in", "credential",
 *   "file", "setting" or "node"), or %NULL when it did not fail so
 */
const char *
conduit_run_get_node_error_kind (ConduitRun *self,
                                 const char *node_id)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  data = g_hash_table_lookup (self->nodes, node_id);
  return data != NULL ? data->error_kind : NULL;
}

/**
 * conduit_run_set_keep_outputs:
 * @self: a run, before it executes
 * @keep_outputs: whether to keep every node's output items in memory
 *
 * For previews in the editor and for tests; headless serving leaves it off.
 */
void
conduit_run_set_keep_outputs (ConduitRun *self,
                              gboolean    keep_outputs)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));

  self->keep_outputs = keep_outputs;
}

/**
 * conduit_run_set_keep_outputs_limit:
 * @self: a run, before it executes
 * @max_items: keep at most this many items per node and port
 *
 * With conduit_run_set_keep_outputs(), keeps only the first @max_items of each port, so that a
 * run of a million records does not keep them all; `conduit-cli run` keeps a few, which is all
 * its explanations need. Unlimited unless set.
 */
void
conduit_run_set_keep_outputs_limit (ConduitRun *self,
                                    guint       max_items)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));

  self->keep_outputs_limit = max_items;
}

/**
 * conduit_run_get_node_output:
 * @self: a run that kept its outputs
 * @node_id: a node id
 * @port: an output port
 *
 * Returns: (transfer none) (nullable) (element-type JsonNode): the items the node sent out of
 *   @port
 */
GPtrArray *
conduit_run_get_node_output (ConduitRun *self,
                             const char *node_id,
                             const char *port)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  data = g_hash_table_lookup (self->nodes, node_id);
  if (data == NULL || data->outputs == NULL)
    return NULL;
  return g_hash_table_lookup (data->outputs, port);
}

/* For executors */

/**
 * conduit_run_get_context:
 * @self: a run
 *
 * What a step may use while it works: the HTTP session, the clock, the authorizer and the
 * history. Executors get these here, never through the runner.
 *
 * Returns: (transfer none): the step context
 */
ConduitStepContext *
conduit_run_get_context (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return conduit_runner_get_step_context (self->runner);
}

/**
 * conduit_run_get_session:
 * @self: a run
 *
 * Returns: (transfer none): the HTTP session shared by the runner's runs
 */
SoupSession *
conduit_run_get_session (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return conduit_runner_get_session (self->runner);
}

/**
 * conduit_run_get_clock:
 * @self: a run
 *
 * Returns: (transfer none): the clock that waits and timestamps go through
 */
ConduitClock *
conduit_run_get_clock (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return conduit_runner_get_clock (self->runner);
}

/**
 * conduit_run_get_history:
 * @self: a run
 *
 * Returns: (transfer none) (nullable): the history store, if the runner has one
 */
ConduitHistoryStore *
conduit_run_get_history (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return conduit_runner_get_history (self->runner);
}

/**
 * conduit_run_get_connector:
 * @self: a run
 * @node: a node of the run's flow
 *
 * Returns: (transfer none) (nullable): the node's connector
 */
ConduitConnector *
conduit_run_get_connector (ConduitRun  *self,
                           ConduitNode *node)
{
  NodeData *data;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  data = g_hash_table_lookup (self->nodes, conduit_node_get_id (node));
  return data != NULL ? data->connector : NULL;
}

/**
 * conduit_run_set_event_id:
 * @self: a run not yet recorded
 * @event_id: (nullable): the id of the queued event the run is for
 *
 * Makes the run a queued event's: recording it asks the history whether the event already ran
 * (conduit_history_store_begin_event_run_async()), and HTTP steps without an idempotency key
 * of their own send one made from the event id (conduit_run_dup_idempotency_key()), the same
 * at every delivery of the event.
 */
void
conduit_run_set_event_id (ConduitRun *self,
                          const char *event_id)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (!self->recorded);

  g_free (self->event_id);
  self->event_id = g_strdup (event_id);
}

/**
 * conduit_run_get_event_id:
 * @self: a run
 *
 * Returns: (nullable): the queued event's id
 */
const char *
conduit_run_get_event_id (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  return self->event_id;
}

/**
 * conduit_run_get_already_ran:
 * @self: a recorded run
 *
 * Returns: whether the history found that the run's event had a run that ended, so this one
 *   was not recorded and must not run
 */
gboolean
conduit_run_get_already_ran (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), FALSE);

  return self->already_ran;
}

/**
 * conduit_run_dup_idempotency_key:
 * @self: a run
 * @node_id: the step sending
 * @item_index: the item's position in the step's input
 *
 * The key a call of a queued event's run carries when its step sets none: the event id, the
 * step and the item, so that it is the same at every delivery of the event (a worker killed
 * after sending leaves the next one sending the same key) and differs between the calls of
 * one event.
 *
 * Returns: (transfer full) (nullable): the key, or %NULL when the run is not a queued event's
 */
char *
conduit_run_dup_idempotency_key (ConduitRun *self,
                                 const char *node_id,
                                 guint       item_index)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);

  if (self->event_id == NULL)
    return NULL;
  return g_strdup_printf ("%s/%s/%u", self->event_id, node_id, item_index);
}

/**
 * conduit_run_set_interrupted:
 * @self: a run
 *
 * When the run is cancelled from now on, it is because the process stops (a server's drain
 * ran out of time): it ends as interrupted, not cancelled, so that it shows among the runs
 * that need a person's attention.
 */
void
conduit_run_set_interrupted (ConduitRun *self)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));

  self->interrupted = TRUE;
}

static ConduitRedactor *
get_redactor (ConduitRun *self)
{
  if (self->redactor == NULL)
    self->redactor = conduit_redactor_new ();
  return self->redactor;
}

/**
 * conduit_run_add_secret:
 * @self: a run
 * @secret: a value that must never be written down (a token, a password)
 *
 * Everything the run writes to the history or the log has @secret replaced.
 */
void
conduit_run_add_secret (ConduitRun *self,
                        const char *secret)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));

  if (secret != NULL)
    conduit_redactor_add_secret (get_redactor (self), secret);
}

/**
 * conduit_run_redact:
 * @self: a run
 * @text: (nullable): text about to be written down
 *
 * Returns: (transfer full) (nullable): @text with every secret the run knows replaced
 */
char *
conduit_run_redact (ConduitRun *self,
                    const char *text)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);

  if (text == NULL)
    return NULL;

  /* Tokens fetched while the run goes on (OAuth client credentials, a renewed sign-in, a
   * service account's) are only known to the default redactor, where the authorizer puts them:
   * conduit_redactor_redact() makes the default redactor's pass after the run's own. */
  return conduit_redactor_redact (self->redactor != NULL ? self->redactor
                                                        : conduit_redactor_get_default (),
                                  text);
}

static void
credential_found_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitRun *self = g_task_get_source_object (task);
  GError *error = NULL;
  ConduitCredential *credential;

  credential = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (object), result,
                                                       &error);
  if (credential == NULL)
    {
      /* As it is: its code (missing, locked, refused) says what the user can do about it. */
      g_task_return_error (task, error);
      return;
    }

  /* From now on its secrets are blanked out of everything this run writes down. */
  conduit_redactor_add_credential (get_redactor (self), credential);
  if (self->credentials == NULL)
    self->credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_replace (self->credentials, g_strdup (conduit_credential_get_id (credential)),
                        g_object_ref (credential));
  g_task_return_pointer (task, credential, g_object_unref);
}

/**
 * conduit_run_lookup_credential_async:
 * @self: a run
 * @id: a credential id from a node's settings
 * @cancellable: (nullable): a cancellable
 * @callback: called with the credential
 * @user_data: data for @callback
 *
 * Reads a credential from the keyring (once per run) and adds its secrets to the run's
 * redaction.
 */
void
conduit_run_lookup_credential_async (ConduitRun          *self,
                                     const char          *id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConduitCredential *known;

  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_run_lookup_credential_async);

  known = self->credentials != NULL ? g_hash_table_lookup (self->credentials, id) : NULL;
  if (known != NULL)
    {
      g_task_return_pointer (task, g_object_ref (known), g_object_unref);
      return;
    }

  conduit_credential_store_lookup_async (conduit_runner_get_credential_store (self->runner), id,
                                         cancellable, credential_found_cb, g_steal_pointer (&task));
}

/**
 * conduit_run_lookup_credential_finish:
 * @self: a run
 * @result: the result
 * @error: return location for an error (a #CONDUIT_CREDENTIAL_ERROR: not found, locked …)
 *
 * Returns: (transfer full): the credential, or %NULL with @error
 */
ConduitCredential *
conduit_run_lookup_credential_finish (ConduitRun    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * conduit_run_record_attempt:
 * @self: a run
 * @step: one attempt of one item; its run id is filled in and its error message redacted
 *
 * Writes one attempt to the history.
 */
void
conduit_run_record_attempt (ConduitRun        *self,
                            ConduitStepRecord *step)
{
  ConduitHistoryStore *history;
  g_autofree char *message = NULL;
  char *original;

  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (step != NULL);

  history = conduit_runner_get_history (self->runner);
  if (history == NULL || self->record.id == 0)
    return;

  message = conduit_run_redact (self, step->error_message);
  original = step->error_message;
  step->error_message = message;
  step->run_id = self->record.id;
  conduit_history_store_add_step (history, step);
  step->error_message = original;

  /* Re-running the failed items starts from the trigger's item at the failed item's position;
   * the history keeps the first MAX_RECORDED_ITEMS a run starts with, so a later one that
   * failed is kept now. */
  if (step->item_index >= MAX_RECORDED_ITEMS && (guint)step->item_index < self->trigger_items->len &&
      (g_strcmp0 (step->status, "failed") == 0 || g_strcmp0 (step->status, "rejected") == 0 ||
       g_strcmp0 (step->status, "unknown") == 0))
    conduit_run_record_trigger_item (self, (guint)step->item_index);
}

/**
 * conduit_run_start_attempt_async:
 * @self: a run
 * @node_id: the node about to send
 * @item_index: the item
 * @attempt: the attempt's number, from 1
 * @callback: called once the mark is committed (at once without a history); its source object
 *   may be the history rather than the run: finish with conduit_run_start_attempt_finish()
 * @user_data: data for @callback
 *
 * Writes to the history that an attempt is about to send its request to the outside, durably
 * (the commit survives the process being killed), before it is sent: a run cut off afterwards
 * then tells "sent, answer unknown" from "not sent". Call conduit_run_record_attempt() with the
 * attempt's end as usual; it replaces the mark.
 */
void
conduit_run_start_attempt_async (ConduitRun          *self,
                                 const char          *node_id,
                                 guint                item_index,
                                 guint                attempt,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConduitHistoryStore *history;
  ConduitStepRecord step = { 0 };

  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (node_id != NULL && attempt > 0);

  history = conduit_runner_get_history (self->runner);
  if (history == NULL || self->record.id == 0)
    {
      task = g_task_new (self, NULL, callback, user_data);
      g_task_set_source_tag (task, conduit_run_start_attempt_async);
      g_task_return_boolean (task, TRUE);
      return;
    }

  step.run_id = self->record.id;
  step.node_id = (char *)node_id;
  step.item_index = (gint)item_index;
  step.attempt = attempt;
  step.started_us = conduit_clock_get_wall_us (conduit_run_get_clock (self));
  step.status = (char *)conduit_step_status_to_string (CONDUIT_STEP_STATUS_STARTED);
  /* the history's own result reaches @callback: a GTask of our own around it would cost
   * each request one more object */
  conduit_history_store_start_attempt_async (history, &step, callback, user_data);
}

/**
 * conduit_run_start_attempt_finish:
 * @self: a run
 * @result: the result
 * @error: return location for an error: the mark could not be written
 *
 * Returns: whether the mark is written
 */
gboolean
conduit_run_start_attempt_finish (ConduitRun    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), FALSE);

  if (g_task_is_valid (result, self))
    return g_task_propagate_boolean (G_TASK (result), error);
  return conduit_history_store_start_attempt_finish (conduit_runner_get_history (self->runner),
                                                     result, error);
}
