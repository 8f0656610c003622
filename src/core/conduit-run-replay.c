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

/**
 * conduit_run_replay_items:
 * @store: a history store
 * @run_id: the run to repeat
 * @failed_only: only the items that failed or were rejected at some step
 * @run_out: (out) (optional) (transfer full): the run's record
 * @error: return location for an error, when the run or its items cannot be read, or an item
 *   was larger than the history keeps (a repeat with a cut item would not be the same run)
 *
 * The trigger items a repeat of @run_id starts with: all of them, or those that failed. Items
 * keep their position through a flow, so an item that failed at any step is the trigger's item
 * at the same position.
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the items, or %NULL with
 *   @error
 */
GPtrArray *
conduit_run_replay_items (ConduitHistoryStore  *store,
                          gint64                run_id,
                          gboolean              failed_only,
                          ConduitRunRecord    **run_out,
                          GError              **error)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) failed = NULL;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);

  run = conduit_history_store_get_run (store, run_id, error);
  if (run == NULL)
    return NULL;
  stored = conduit_history_store_list_items (store, run_id, run->trigger_node, error);
  if (stored == NULL)
    return NULL;

  if (failed_only)
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
