/* conduit-flow-samples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-samples"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-flow-samples.h"
#include "conduit-json-error.h"
#include "conduit-json-text.h"
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
 * "items" — or pinned data on the port linked towards @node (which a test run sends on in
 * place of the step's work, so it wins over a trigger's own samples). The mapping table shows
 * them, and the inspector counts what would become of them.
 *
 * Returns: (transfer none) (nullable): the node whose items were taken (pinned ones when
 *   conduit_node_get_pinned() is not %NULL), or %NULL when no node upstream has any
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

          {
            g_autoptr(GPtrArray) pinned = conduit_node_dup_pinned_items (from,
                                                                         conduit_link_get_from_port (link));

            if (pinned != NULL && pinned->len > 0)
              {
                for (guint j = 0; j < pinned->len && j < max_records; j++)
                  g_ptr_array_add (records, json_node_ref (g_ptr_array_index (pinned, j)));
                return from;
              }
          }

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

/* The first output that is not an error port: where a list of items typed by hand goes. */
static const ConduitPortSpec *
main_output (ConduitConnector *connector)
{
  GPtrArray *outputs = conduit_connector_get_outputs (connector);

  for (guint i = 0; outputs != NULL && i < outputs->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (outputs, i);

      if (!port->is_error)
        return port;
    }
  return NULL;
}

/**
 * conduit_pinned_data_from_text:
 * @connector: the step's connector, for its output ports
 * @text: what a person typed: a JSON list of items (for the step's main output), or an object
 *   of output port → list of items
 * @error: return location for an error saying what is wrong and where, in words: the JSON
 *   text's line and column, or the port
 *
 * Reads pinned data typed by hand ("Edit Pinned Data" in the inspector), with the same worded
 * messages the sample records box gives, and the same checks the flow file gets.
 *
 * Returns: (transfer full): the pinned data as the flow keeps it (see conduit_node_set_pinned()),
 *   or %NULL with @error
 */
JsonNode *
conduit_pinned_data_from_text (ConduitConnector  *connector,
                               const char        *text,
                               GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) pinned = NULL;
  const ConduitPortSpec *main_port;
  JsonObjectIter iter;
  const char *port;
  JsonNode *items;
  JsonNode *root;
  guint deep_line = 0;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (connector), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  /* the depth a flow file may have, so that what is pinned can be saved and loaded again */
  if (!conduit_json_text_check_depth (text, strlen (text), 200, &deep_line))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Line %u: values nest too deep"), deep_line);
      return NULL;
    }

  {
    g_autofree char *token = NULL;

    /* the flow file refuses such numbers: what is pinned must load again */
    if (!conduit_json_text_check_numbers (text, strlen (text), &deep_line, &token))
      {
        g_autofree char *shown = g_utf8_make_valid (token, MIN (strlen (token), 40));

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("Line %u: the number %s is too large to be kept exactly; write it as "
                       "text, in quotes"), deep_line, shown);
        return NULL;
      }
  }

  if (!json_parser_load_from_data (parser, text, -1, &parse_error))
    {
      g_autofree char *words = conduit_json_parse_error_describe (parse_error);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, words);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root != NULL)
    {
      g_autofree char *bad = conduit_json_node_find_invalid_utf8 (root);

      if (bad != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The text at %s is not UTF-8 (a broken \\u escape?)"), bad);
          return NULL;
        }
    }
  main_port = main_output (connector);
  if (root == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("There is nothing to pin: type a list of items, like [ { \"id\": 1 } ]"));
      return NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonObject *object;

      if (main_port == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s has no output to pin items on"), conduit_connector_get_name (connector));
          return NULL;
        }
      object = json_object_new ();
      json_object_set_member (object, main_port->id, json_node_copy (root));
      pinned = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      return g_steal_pointer (&pinned);
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("Pinned data is a list of items, like [ { \"id\": 1 } ], not %s"),
                   conduit_json_node_describe_type (root));
      return NULL;
    }

  json_object_iter_init_ordered (&iter, json_node_get_object (root));
  while (json_object_iter_next_ordered (&iter, &port, &items))
    {
      if (conduit_connector_find_output (connector, port) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is not an output of %s: give a list of items, or an object of "
                         "its outputs (“%s”…) each with a list of items"),
                       port, conduit_connector_get_name (connector),
                       main_port != NULL ? main_port->id : "out");
          return NULL;
        }
      if (!JSON_NODE_HOLDS_ARRAY (items))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The data pinned on “%s” must be a list of items, not %s"),
                       port, conduit_json_node_describe_type (items));
          return NULL;
        }
    }

  return json_node_copy (root);
}
