/* conduit-flow-samples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-samples"

#include "config.h"

#include "conduit-flow-samples.h"
#include "conduit-link.h"
#include "conduit-node.h"

/**
 * conduit_flow_find_upstream_samples:
 * @flow: a flow
 * @node: a node of @flow
 * @max_records: the most records to copy
 * @records: (element-type JsonNode): gets copies of the sample items found
 *
 * The sample items a step would see in a test run: those of the nearest node upstream of
 * @node (following links backwards, breadth first) that has sample items — a manual trigger's
 * "items". The mapping table shows them, and the inspector counts what would become of them.
 *
 * Returns: (transfer none) (nullable): the node whose items were taken, or %NULL when no node
 *   upstream has any
 */
ConduitNode *
conduit_flow_find_upstream_samples (ConduitFlow *flow,
                                    ConduitNode *node,
                                    guint        max_records,
                                    GPtrArray   *records)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GQueue) queue = g_queue_new ();
  GListModel *links;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);
  g_return_val_if_fail (records != NULL, NULL);

  links = conduit_flow_get_links (flow);

  g_queue_push_tail (queue, (gpointer)conduit_node_get_id (node));
  g_hash_table_add (seen, (gpointer)conduit_node_get_id (node));

  while (!g_queue_is_empty (queue))
    {
      const char *id = g_queue_pop_head (queue);

      for (guint i = 0; i < g_list_model_get_n_items (links); i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          ConduitNode *from;
          JsonNode *items;

          if (g_strcmp0 (conduit_link_get_to_node (link), id) != 0 ||
              g_hash_table_contains (seen, conduit_link_get_from_node (link)))
            continue;

          from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
          if (from == NULL)
            continue;
          g_hash_table_add (seen, (gpointer)conduit_node_get_id (from));

          items = conduit_node_get_setting (from, "items");
          if (items != NULL && JSON_NODE_HOLDS_ARRAY (items) &&
              json_array_get_length (json_node_get_array (items)) > 0)
            {
              JsonArray *array = json_node_get_array (items);

              for (guint j = 0; j < json_array_get_length (array) && j < max_records; j++)
                g_ptr_array_add (records, json_node_copy (json_array_get_element (array, j)));
              return from;
            }
          g_queue_push_tail (queue, (gpointer)conduit_node_get_id (from));
        }
    }
  return NULL;
}
