/* conduit-run-pins.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "conduit-run.h"
#include "conduit-run-private.h"
#include "conduit-runner.h"

/* Two ways a test run does less than the whole flow (docs/flow-format.md, "Pinned output").
 *
 * A run that uses pins does not execute a pinned step: its pinned items go downstream, and the
 * steps that only feed pinned steps do not run at all, so nothing upstream is called. Which
 * nodes run: those the trigger reaches, cut at each pinned step (a pinned step starts on its
 * own, waiting for nobody), keeping only the nodes that lead somewhere other than into a pin —
 * a step with no link out, or one before a step that runs. The trigger itself is left out when
 * all it feeds is pinned.
 *
 * A run of one step (conduit_run_new_for_step()) executes that step alone on the items given
 * to it: its upstream steps' pinned data, their output in an earlier run, or a trigger's
 * sample items. */

static void
reset_reachability (ConduitRun *self)
{
  GHashTableIter iter;
  NodeData *data;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&data))
    {
      data->reachable = FALSE;
      data->pending = 0;
      data->pinned = FALSE;
      data->source = FALSE;
      /* what a run with pins or of one step leaves out shows so, not as waiting forever */
      data->state = CONDUIT_STEP_STATUS_SKIPPED;
    }
  self->n_reachable = 0;
}

static gboolean
is_pinned (NodeData *data)
{
  JsonNode *pinned = conduit_node_get_pinned (data->node);

  return pinned != NULL;
}

/* Does @data lead somewhere that runs? Memoized in @useful (NodeData → GINT_TO_POINTER (1 or 2)). */
static gboolean
leads_somewhere (NodeData   *data,
                 GHashTable *in_reach,
                 GHashTable *useful)
{
  gpointer known = g_hash_table_lookup (useful, data);
  gboolean result = FALSE;

  if (known != NULL)
    return GPOINTER_TO_INT (known) == 2;

  /* the flow has no loops (checked when it loads), so the walk ends */
  if (data->pinned || data->downstream->len == 0)
    result = TRUE;
  for (guint i = 0; !result && i < data->downstream->len; i++)
    {
      NodeData *next = g_ptr_array_index (data->downstream, i);

      if (g_hash_table_contains (in_reach, next) && !next->pinned &&
          leads_somewhere (next, in_reach, useful))
        result = TRUE;
    }

  g_hash_table_insert (useful, data, GINT_TO_POINTER (result ? 2 : 1));
  return result;
}

static void
count_pending (ConduitRun *self)
{
  GHashTableIter iter;
  NodeData *data;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&data))
    {
      if (!data->reachable)
        continue;
      data->state = CONDUIT_STEP_STATUS_PENDING;
      self->n_reachable++;
      for (guint i = 0; i < data->downstream->len; i++)
        {
          NodeData *next = g_ptr_array_index (data->downstream, i);

          if (next->reachable && !next->source)
            next->pending++;
        }
    }
}

/* conduit_run_mark_reachable() leaves the others as a run always did: pending */
static void
count_states (ConduitRun *self)
{
  GHashTableIter iter;
  NodeData *data;

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&data))
    data->state = CONDUIT_STEP_STATUS_PENDING;
}

static void
mark_reachable_with_pins (ConduitRun *self)
{
  g_autoptr(GHashTable) in_reach = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) useful = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) queue = g_ptr_array_new ();
  GHashTableIter iter;
  NodeData *data;

  reset_reachability (self);

  /* what the trigger reaches at all: a pin on another trigger's branch plays no part */
  g_hash_table_add (in_reach, self->trigger);
  g_ptr_array_add (queue, self->trigger);
  for (guint i = 0; i < queue->len; i++)
    {
      data = g_ptr_array_index (queue, i);
      data->pinned = is_pinned (data);
      data->source = data->pinned || data == self->trigger;
      for (guint j = 0; j < data->downstream->len; j++)
        {
          NodeData *next = g_ptr_array_index (data->downstream, j);

          if (g_hash_table_add (in_reach, next))
            g_ptr_array_add (queue, next);
        }
    }

  g_hash_table_iter_init (&iter, in_reach);
  while (g_hash_table_iter_next (&iter, (gpointer *)&data, NULL))
    data->reachable = leads_somewhere (data, in_reach, useful);

  count_pending (self);
}

/**
 * conduit_run_set_use_pins:
 * @self: a run not yet executed
 * @use_pins: whether pinned steps send their pinned items instead of running
 *
 * Test runs in the app and `conduit-cli run --use-pins` use pins; `conduit-cli serve` never
 * does (a server must call what the flow says). The history shows a pinned step as "pinned".
 */
void
conduit_run_set_use_pins (ConduitRun *self,
                          gboolean    use_pins)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (self->task == NULL);
  g_return_if_fail (self->step_id == NULL);

  use_pins = !!use_pins;
  if (self->use_pins == use_pins)
    return;
  self->use_pins = use_pins;

  if (use_pins)
    mark_reachable_with_pins (self);
  else
    {
      reset_reachability (self);
      conduit_run_mark_reachable (self);
      count_states (self);
    }
}

/**
 * conduit_run_get_use_pins:
 * @self: a run
 *
 * Returns: whether pinned steps send their pinned items instead of running
 */
gboolean
conduit_run_get_use_pins (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), FALSE);
  return self->use_pins;
}

/**
 * conduit_run_get_step_id:
 * @self: a run
 *
 * Returns: (nullable): the one step a run of one step executes, %NULL for a run of the flow
 */
const char *
conduit_run_get_step_id (ConduitRun *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);
  return self->step_id;
}

/**
 * conduit_step_outputs_new:
 *
 * What steps sent out in earlier runs, for conduit_run_new_for_step(): node id → (output port →
 * #GPtrArray of #JsonNode). Fill it with conduit_run_collect_outputs().
 *
 * Returns: (transfer full): an empty table
 */
GHashTable *
conduit_step_outputs_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify)g_hash_table_unref);
}

/* What is kept may be pinned, and so written into the flow file: never with a secret the run
 * used (a token in an answer). An item that does not read as JSON once redacted is left out
 * rather than kept unredacted. */
static GPtrArray *
redacted_copy (ConduitRun *self,
               GPtrArray  *items)
{
  GPtrArray *copy = g_ptr_array_new_full (items->len, (GDestroyNotify)json_node_unref);

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *text = json_to_string (g_ptr_array_index (items, i), FALSE);
      g_autofree char *redacted = conduit_run_redact (self, text);
      JsonNode *item;

      if (g_strcmp0 (text, redacted) == 0)
        {
          g_ptr_array_add (copy, json_node_ref (g_ptr_array_index (items, i)));
          continue;
        }
      item = json_from_string (redacted, NULL);
      if (item != NULL)
        g_ptr_array_add (copy, item);
    }
  return copy;
}

/**
 * conduit_run_collect_outputs:
 * @self: an ended run that kept its outputs (conduit_run_set_keep_outputs())
 * @outputs: a table from conduit_step_outputs_new()
 *
 * Puts what each step that ran in @self sent out into @outputs, in place of what an earlier
 * run of it left there; the steps that did not run keep their earlier output. The items are
 * redacted as the history's are: what is kept here may be pinned into the flow file.
 */
void
conduit_run_collect_outputs (ConduitRun *self,
                             GHashTable *outputs)
{
  GHashTableIter iter;
  const char *id;
  NodeData *data;

  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (outputs != NULL);

  g_hash_table_iter_init (&iter, self->nodes);
  while (g_hash_table_iter_next (&iter, (gpointer *)&id, (gpointer *)&data))
    {
      GHashTable *ports;
      GHashTableIter port_iter;
      const char *port;
      GPtrArray *items;

      if (!data->ran || data->outputs == NULL)
        continue;

      ports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify)g_ptr_array_unref);
      g_hash_table_iter_init (&port_iter, data->outputs);
      while (g_hash_table_iter_next (&port_iter, (gpointer *)&port, (gpointer *)&items))
        g_hash_table_insert (ports, g_strdup (port), redacted_copy (self, items));
      g_hash_table_replace (outputs, g_strdup (id), ports);
    }
}

/**
 * conduit_step_outputs_add_from_history:
 * @outputs: a table from conduit_step_outputs_new()
 * @history: the run history
 * @run_id: a run in @history
 * @error: return location for an error
 *
 * Puts what each step of a past run sent out into @outputs, as the history kept it (redacted,
 * and for items that went well only the first few per port: `--keep-items`). An item the
 * history cut short is left out: half an item is no item to run a step on.
 *
 * Returns: %TRUE, or %FALSE with @error when the history cannot be read or has no such run
 */
gboolean
conduit_step_outputs_add_from_history (GHashTable           *outputs,
                                       ConduitHistoryStore  *history,
                                       gint64                run_id,
                                       GError              **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) found = NULL;
  ConduitRunRecord *run;
  GHashTableIter iter;
  gpointer id, ports;

  g_return_val_if_fail (outputs != NULL, FALSE);
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (history), FALSE);

  run = conduit_history_store_get_run (history, run_id, error);
  if (run == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                     _("The history has no run %" PRId64), run_id);
      return FALSE;
    }
  conduit_run_record_free (run);

  items = conduit_history_store_list_items (history, run_id, NULL, error);
  if (items == NULL)
    return FALSE;

  found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify)g_hash_table_unref);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);
      GHashTable *by_port;
      GPtrArray *list;
      JsonNode *value;

      if (!item->is_output || item->truncated || item->data == NULL)
        continue;
      value = json_from_string (item->data, NULL);
      if (value == NULL)
        continue;

      by_port = g_hash_table_lookup (found, item->node_id);
      if (by_port == NULL)
        {
          by_port = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
          g_hash_table_insert (found, g_strdup (item->node_id), by_port);
        }
      list = g_hash_table_lookup (by_port, item->port);
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
          g_hash_table_insert (by_port, g_strdup (item->port), list);
        }
      g_ptr_array_add (list, value);
    }

  g_hash_table_iter_init (&iter, found);
  while (g_hash_table_iter_next (&iter, &id, &ports))
    {
      g_hash_table_replace (outputs, g_strdup (id), g_hash_table_ref (ports));
    }
  return TRUE;
}

/* The items a step before @to sends by @link: pinned, else from an earlier run, else a
 * trigger's sample items. %NULL when there are none to be had. */
static GPtrArray *
find_input (ConduitRun  *self,
            ConduitLink *link,
            GHashTable  *last_outputs)
{
  NodeData *from = g_hash_table_lookup (self->nodes, conduit_link_get_from_node (link));
  const char *port = conduit_link_get_from_port (link);
  GHashTable *ports;
  GPtrArray *items;

  if (from == NULL)
    return NULL;

  if ((items = conduit_node_dup_pinned_items (from->node, port)) != NULL)
    return items;

  if (conduit_node_get_pinned (from->node) == NULL && last_outputs != NULL &&
      (ports = g_hash_table_lookup (last_outputs, conduit_node_get_id (from->node))) != NULL)
    {
      GPtrArray *earlier = g_hash_table_lookup (ports, port);

      items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      for (guint i = 0; earlier != NULL && i < earlier->len; i++)
        g_ptr_array_add (items, json_node_ref (g_ptr_array_index (earlier, i)));
      return items;
    }

  /* a trigger's sample items, as a test run of the flow would start with them */
  if (conduit_connector_get_inputs (from->connector) == NULL ||
      conduit_connector_get_inputs (from->connector)->len == 0)
    {
      g_autoptr(JsonNode) sample = conduit_node_dup_setting_or_default (from->node, from->connector,
                                                                        "items");
      const ConduitPortSpec *first = NULL;
      GPtrArray *outputs = conduit_connector_get_outputs (from->connector);

      for (guint i = 0; outputs != NULL && i < outputs->len && first == NULL; i++)
        if (!((const ConduitPortSpec *)g_ptr_array_index (outputs, i))->is_error)
          first = g_ptr_array_index (outputs, i);

      if (sample != NULL && JSON_NODE_HOLDS_ARRAY (sample) && first != NULL &&
          g_str_equal (first->id, port))
        {
          JsonArray *array = json_node_get_array (sample);

          items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
          for (guint i = 0; i < json_array_get_length (array); i++)
            g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));
          return items;
        }
    }

  return NULL;
}

static const char *
node_name (ConduitNode *node)
{
  const char *title = conduit_node_get_title (node);

  return title != NULL && *title != '\0' ? title : conduit_node_get_id (node);
}

/**
 * conduit_run_new_for_step:
 * @runner: the runner
 * @flow: a valid flow
 * @node_id: the step to run
 * @last_outputs: (nullable): what steps sent out in earlier runs (conduit_step_outputs_new())
 * @input: (nullable) (element-type JsonNode): items for the step's first input, instead of
 *   what comes before it
 * @error: return location for an error
 *
 * Prepares a run that executes the one step @node_id and nothing else, as "Run This Step" in
 * the app and `conduit-cli run --step` do. What it runs on, for each link into it: the pinned
 * data of the step before, else that step's output in @last_outputs, else a trigger's sample
 * items; a trigger runs on its own sample items. The run is recorded with the trigger kind
 * "step" and keeps its outputs.
 *
 * Returns: (transfer full): the run, or %NULL with @error, which names the step and what is
 *   missing when there is nothing to run it on
 */
ConduitRun *
conduit_run_new_for_step (ConduitRunner  *runner,
                          ConduitFlow    *flow,
                          const char     *node_id,
                          GHashTable     *last_outputs,
                          GPtrArray      *input,
                          GError        **error)
{
  g_autoptr(ConduitRun) self = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) ports = g_ptr_array_new ();
  g_autoptr(GString) missing = g_string_new (NULL);
  ConduitNode *node;
  GPtrArray *inputs;
  GListModel *links;
  NodeData *step;
  gboolean is_trigger;
  gboolean found = FALSE;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (node_id != NULL, NULL);

  node = conduit_flow_lookup_node (flow, node_id);
  if (node == NULL)
    {
      g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                   _("The flow “%s” has no step “%s”"), conduit_flow_get_name (flow), node_id);
      return NULL;
    }

  {
    ConduitConnector *connector =
      conduit_connector_registry_lookup (conduit_runner_get_registry (runner),
                                         conduit_node_get_connector_id (node));

    inputs = connector != NULL ? conduit_connector_get_inputs (connector) : NULL;
    is_trigger = connector != NULL && (inputs == NULL || inputs->len == 0);
  }

  /* a trigger runs on its own samples, so the run starts there */
  self = conduit_run_new (runner, flow, is_trigger ? node_id : NULL, "step", NULL, error);
  if (self == NULL)
    return NULL;
  step = g_hash_table_lookup (self->nodes, node_id);
  g_assert (step != NULL);

  if (!is_trigger && input != NULL)
    {
      const ConduitPortSpec *first = g_ptr_array_index (inputs, 0);

      for (guint i = 0; i < input->len; i++)
        {
          g_ptr_array_add (items, json_node_ref (g_ptr_array_index (input, i)));
          g_ptr_array_add (ports, (gpointer)g_intern_string (first->id));
        }
      found = TRUE;
    }
  else if (!is_trigger)
    {
      links = conduit_flow_get_links (flow);
      for (guint i = 0; i < g_list_model_get_n_items (links); i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          g_autoptr(GPtrArray) from_items = NULL;
          ConduitNode *from;

          if (!g_str_equal (conduit_link_get_to_node (link), node_id))
            continue;

          from_items = find_input (self, link, last_outputs);
          if (from_items == NULL)
            {
              from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
              g_string_append_printf (missing, "%s“%s”", missing->len > 0 ? ", " : "",
                                      from != NULL ? node_name (from)
                                                   : conduit_link_get_from_node (link));
              continue;
            }

          found = TRUE;
          for (guint j = 0; j < from_items->len; j++)
            {
              g_ptr_array_add (items, json_node_ref (g_ptr_array_index (from_items, j)));
              g_ptr_array_add (ports, (gpointer)g_intern_string (conduit_link_get_to_port (link)));
            }
        }

      if (!found)
        {
          if (missing->len == 0)
            g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                         _("“%s” has no input to run on: no step is linked to it"),
                         node_name (node));
          else
            g_set_error (error, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                         _("“%s” has no input to run on: %s before it has neither pinned data "
                           "nor output from an earlier run; run the flow once, or pin that "
                           "step’s output"),
                         node_name (node), missing->str);
          return NULL;
        }
    }

  self->step_id = g_strdup (node_id);
  reset_reachability (self);
  step->reachable = TRUE;
  step->source = TRUE;
  step->state = CONDUIT_STEP_STATUS_PENDING;
  self->n_reachable = 1;

  if (!is_trigger)
    {
      g_ptr_array_extend_and_steal (step->inbox, g_steal_pointer (&items));
      g_ptr_array_extend (step->inbox_ports, ports, NULL, NULL);
      self->record.items_in = step->inbox->len;
    }

  conduit_run_set_keep_outputs (self, TRUE);
  return g_steal_pointer (&self);
}
