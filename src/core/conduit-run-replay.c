/* conduit-run-replay.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-replay"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "conduit-run-replay.h"
#include "conduit-step-status.h"

/**
 * conduit_send_state_to_string:
 * @state: a send state
 *
 * Returns: the state in words, for people (translated)
 */
const char *
conduit_send_state_to_string (ConduitSendState state)
{
  switch (state)
    {
    case CONDUIT_SEND_STATE_NOT_SENT:
      return _("not sent");
    case CONDUIT_SEND_STATE_UNKNOWN:
      return _("sent, answer unknown");
    case CONDUIT_SEND_STATE_ANSWERED:
    default:
      return _("answered");
    }
}

/**
 * conduit_run_replay_send_states:
 * @store: a history store
 * @run_id: a run
 * @n_items: how many trigger items the run had
 * @error: return location for an error
 *
 * Says per trigger item whether its requests left and were answered. Each attempt of an HTTP or
 * app step is written as "started" (and committed) before its request leaves, and replaced by
 * its end: an item whose last attempt at some node is still "started", or ended "unknown" (sent,
 * no answer in time), is %CONDUIT_SEND_STATE_UNKNOWN; one with no attempt at all was not sent.
 * Items keep their position through a flow, so an attempt's item index is the trigger item's.
 *
 * Returns: (transfer full) (element-type ConduitSendState) (nullable): @n_items states
 */
GArray *
conduit_run_replay_send_states (ConduitHistoryStore  *store,
                                gint64                run_id,
                                guint                 n_items,
                                GError              **error)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GHashTable) last = NULL;   /* "node\x1fitem" → the item's last attempt there */
  g_autoptr(GArray) states = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);

  steps = conduit_history_store_list_steps (store, run_id, error);
  if (steps == NULL)
    return NULL;

  last = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);
      ConduitStepRecord *seen;
      g_autofree char *key = NULL;

      /* attempt 0 is a node's summary, or a check that failed before anything was sent */
      if (step->item_index < 0 || step->attempt == 0)
        continue;
      key = g_strdup_printf ("%s\x1f%d", step->node_id, step->item_index);
      seen = g_hash_table_lookup (last, key);
      if (seen == NULL || step->attempt >= seen->attempt)
        g_hash_table_replace (last, g_steal_pointer (&key), step);
    }

  states = g_array_new (FALSE, TRUE, sizeof (ConduitSendState));
  g_array_set_size (states, n_items);
  g_hash_table_iter_init (&iter, last);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ConduitStepRecord *step = value;
      ConduitStepStatus status = conduit_step_record_get_status (step);
      ConduitSendState *state;

      if ((guint)step->item_index >= n_items)
        continue;
      state = &g_array_index (states, ConduitSendState, step->item_index);
      if (status == CONDUIT_STEP_STATUS_STARTED || status == CONDUIT_STEP_STATUS_UNKNOWN)
        *state = CONDUIT_SEND_STATE_UNKNOWN;
      else if (*state == CONDUIT_SEND_STATE_NOT_SENT)
        *state = CONDUIT_SEND_STATE_ANSWERED;
    }

  return g_steal_pointer (&states);
}

/**
 * conduit_run_replay_items:
 * @store: a history store
 * @run_id: the run to repeat
 * @failed_only: only the items that failed or were rejected at some step
 * @run_out: (out) (optional) (transfer full): the run's record
 * @error: return location for an error
 *
 * conduit_run_replay_select() with %CONDUIT_REPLAY_FAILED or %CONDUIT_REPLAY_ALL.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items
 */
GPtrArray *
conduit_run_replay_items (ConduitHistoryStore  *store,
                          gint64                run_id,
                          gboolean              failed_only,
                          ConduitRunRecord    **run_out,
                          GError              **error)
{
  return conduit_run_replay_select (store, run_id,
                                    failed_only ? CONDUIT_REPLAY_FAILED : CONDUIT_REPLAY_ALL,
                                    run_out, error);
}

/**
 * conduit_run_replay_select:
 * @store: a history store
 * @run_id: the run to repeat
 * @choice: all items, those that failed, or those none of whose requests left
 * @run_out: (out) (optional) (transfer full): the run's record
 * @error: return location for an error, when the run or its items cannot be read, or an item
 *   was larger than the history keeps (a repeat with a cut item would not be the same run)
 *
 * The trigger items a repeat of @run_id starts with: all of them, those that failed, or those
 * not sent (see conduit_run_replay_send_states()). Items
 * keep their position through a flow, so an item that failed at any step is the trigger's item
 * at the same position.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items, or %NULL with
 *   @error
 */
GPtrArray *
conduit_run_replay_select (ConduitHistoryStore  *store,
                           gint64                run_id,
                           ConduitReplayChoice   choice,
                           ConduitRunRecord    **run_out,
                           GError              **error)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) failed = NULL;
  g_autoptr(GArray) states = NULL;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);

  run = conduit_history_store_get_run (store, run_id, error);
  if (run == NULL)
    return NULL;
  stored = conduit_history_store_list_items (store, run_id, run->trigger_node, error);
  if (stored == NULL)
    return NULL;

  if (choice == CONDUIT_REPLAY_UNSENT)
    {
      guint n_items = 0;

      for (guint i = 0; i < stored->len; i++)
        {
          ConduitItemRecord *item = g_ptr_array_index (stored, i);
          if (item->is_output)
            n_items = MAX (n_items, item->seq + 1);
        }
      states = conduit_run_replay_send_states (store, run_id, n_items, error);
      if (states == NULL)
        return NULL;
    }

  if (choice == CONDUIT_REPLAY_FAILED)
    {
      g_autoptr(GPtrArray) steps = conduit_history_store_list_steps (store, run_id, error);

      if (steps == NULL)
        return NULL;
      failed = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < steps->len; i++)
        {
          ConduitStepRecord *step = g_ptr_array_index (steps, i);

          if (step->item_index >= 0 &&
              (g_strcmp0 (step->status, "failed") == 0 || g_strcmp0 (step->status, "rejected") == 0))
            g_hash_table_add (failed, GINT_TO_POINTER (step->item_index));
        }
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < stored->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (stored, i);
      JsonNode *node;

      if (!item->is_output)
        continue;
      if (failed != NULL && !g_hash_table_contains (failed, GINT_TO_POINTER (item->seq)))
        continue;
      if (states != NULL &&
          g_array_index (states, ConduitSendState, item->seq) != CONDUIT_SEND_STATE_NOT_SENT)
        continue;
      if (item->truncated)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Item %u of run %" PRId64 " was larger than the history keeps, "
                         "so the run cannot be repeated with the same input"), item->seq + 1, run_id);
          return NULL;
        }
      node = json_from_string (item->data, error);
      if (node == NULL)
        return NULL;
      g_ptr_array_add (items, node);
    }

  if (run_out != NULL)
    *run_out = g_steal_pointer (&run);
  return g_steal_pointer (&items);
}
