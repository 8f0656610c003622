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
#include "conduit-mapping.h"
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

/* Steps whose output items are their input items, unchanged: what reaches a step after them
 * is a subset of what reached them. */
static gboolean
passes_items_through (ConduitNode *node)
{
  static const char *const kinds[] = { "filter", "switch", "wait", "deduplicate", "merge", NULL };

  return conduit_node_get_disabled (node) ||
         g_strv_contains (kinds, conduit_node_get_connector_id (node));
}

static gboolean
is_mapping (ConduitNode *node)
{
  return g_strcmp0 (conduit_node_get_connector_id (node), "mapping") == 0 &&
         !conduit_node_get_disabled (node);
}

/* The records @node's mapping makes of @records; those it rejects are left out. FALSE when the
 * mapping cannot be compiled: then nothing is known of its output. */
static gboolean
apply_mapping (ConduitNode *node,
               GPtrArray   *records)
{
  JsonNode *json = conduit_node_get_mapping (node);
  g_autoptr(ConduitMapping) mapping = NULL;
  g_autoptr(GPtrArray) mapped = NULL;

  if (json == NULL || !(mapping = conduit_mapping_new_from_json (json, NULL)))
    return FALSE;

  mapped = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(GPtrArray) reasons = NULL;
      JsonNode *output = NULL;

      if (conduit_mapping_apply (mapping, g_ptr_array_index (records, i), &output, &reasons) &&
          output != NULL)
        g_ptr_array_add (mapped, output);
      else
        g_clear_pointer (&output, json_node_unref);
    }

  g_ptr_array_set_size (records, 0);
  for (guint i = 0; i < mapped->len; i++)
    g_ptr_array_add (records, json_node_ref (g_ptr_array_index (mapped, i)));
  return TRUE;
}

static guint
copy_array (JsonNode  *value,
            guint      max_records,
            GPtrArray *records)
{
  JsonArray *array;
  guint n = 0;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return 0;
  array = json_node_get_array (value);
  for (; n < json_array_get_length (array) && n < max_records; n++)
    g_ptr_array_add (records, json_node_copy (json_array_get_element (array, n)));
  return n;
}

/* What reached @node in @run along its incoming links. */
static guint
copy_run_input (ConduitFlow *flow,
                ConduitNode *node,
                ConduitRun  *run,
                guint        max_records,
                GPtrArray   *records)
{
  GListModel *links = conduit_flow_get_links (flow);

  for (guint i = 0; i < g_list_model_get_n_items (links) && records->len < max_records; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      GPtrArray *items;

      if (g_strcmp0 (conduit_link_get_to_node (link), conduit_node_get_id (node)) != 0)
        continue;
      items = conduit_run_get_node_output (run, conduit_link_get_from_node (link),
                                           conduit_link_get_from_port (link));
      for (guint j = 0; items != NULL && j < items->len && records->len < max_records; j++)
        g_ptr_array_add (records, json_node_ref (g_ptr_array_index (items, j)));
    }
  return records->len;
}

/**
 * conduit_flow_collect_input_samples:
 * @flow: a flow
 * @node: a node of @flow
 * @run: (nullable): the last test run of @flow (of a copy of it: nodes are matched by id),
 *   one that kept its outputs
 * @max_records: the most records to give
 * @records: (element-type JsonNode): an empty array, freeing with json_node_unref(), that gets
 *   the sample items
 * @origin: (out) (optional) (transfer none): the node whose samples were taken (@node itself
 *   for its own samples and the run's), or %NULL
 *
 * The items @node will most likely see, for the editors' field pickers and completion, from
 * the best source there is: the step's own samples (a Map Fields step's pasted records); else
 * what reached it in @run; else the sample items of the nearest step upstream that has some (a
 * trigger's "items", or a Map Fields step's own samples put through its mapping), carried
 * through the steps between. A Map Fields step between is applied; Filter, Switch, Wait,
 * Deduplicate, Merge and disabled steps pass items as they are; past any other step (an HTTP
 * request's answer, say) the items are not known without a run, so none are given.
 *
 * Returns: where the records came from
 */
ConduitSampleOrigin
conduit_flow_collect_input_samples (ConduitFlow  *flow,
                                    ConduitNode  *node,
                                    ConduitRun   *run,
                                    guint         max_records,
                                    GPtrArray    *records,
                                    ConduitNode **origin)
{
  g_autoptr(GHashTable) next = g_hash_table_new (g_str_hash, g_str_equal);  /* id → downstream id */
  g_autoptr(GQueue) queue = g_queue_new ();
  GListModel *links;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), CONDUIT_SAMPLE_ORIGIN_NONE);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), CONDUIT_SAMPLE_ORIGIN_NONE);
  g_return_val_if_fail (run == NULL || CONDUIT_IS_RUN (run), CONDUIT_SAMPLE_ORIGIN_NONE);
  g_return_val_if_fail (records != NULL, CONDUIT_SAMPLE_ORIGIN_NONE);

  if (origin != NULL)
    *origin = NULL;

  if (copy_array (conduit_node_get_setting (node, "samples"), max_records, records) > 0)
    {
      if (origin != NULL)
        *origin = node;
      return CONDUIT_SAMPLE_ORIGIN_OWN;
    }

  if (run != NULL &&
      copy_run_input (flow, node, run, max_records, records) > 0)
    {
      if (origin != NULL)
        *origin = node;
      return CONDUIT_SAMPLE_ORIGIN_LAST_RUN;
    }

  /* Breadth first upstream, remembering for each node the one it leads to, so the found
   * samples can be carried down that path. */
  links = conduit_flow_get_links (flow);
  g_queue_push_tail (queue, (gpointer)conduit_node_get_id (node));
  g_hash_table_insert (next, (gpointer)conduit_node_get_id (node), NULL);

  while (!g_queue_is_empty (queue))
    {
      const char *id = g_queue_pop_head (queue);

      for (guint i = 0; i < g_list_model_get_n_items (links); i++)
        {
          g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
          ConduitNode *from;
          gboolean found = FALSE;

          if (g_strcmp0 (conduit_link_get_to_node (link), id) != 0 ||
              g_hash_table_contains (next, conduit_link_get_from_node (link)))
            continue;
          from = conduit_flow_lookup_node (flow, conduit_link_get_from_node (link));
          if (from == NULL)
            continue;
          g_hash_table_insert (next, (gpointer)conduit_node_get_id (from), (gpointer)id);

          if (copy_array (conduit_node_get_setting (from, "items"), max_records, records) > 0)
            found = TRUE;
          else if (is_mapping (from) &&
                   copy_array (conduit_node_get_setting (from, "samples"), max_records, records) > 0)
            found = apply_mapping (from, records);

          if (found)
            {
              /* carry them down to @node through the steps between */
              for (const char *step = id; step != NULL && records->len > 0;
                   step = g_hash_table_lookup (next, step))
                {
                  ConduitNode *between = conduit_flow_lookup_node (flow, step);

                  if (between == node)
                    break;
                  if (is_mapping (between) && !apply_mapping (between, records))
                    g_ptr_array_set_size (records, 0);
                }
              if (records->len == 0)
                return CONDUIT_SAMPLE_ORIGIN_NONE;
              if (origin != NULL)
                *origin = from;
              return CONDUIT_SAMPLE_ORIGIN_UPSTREAM;
            }
          g_ptr_array_set_size (records, 0);

          /* only steps whose output is known from their input are walked past */
          if (is_mapping (from) || passes_items_through (from))
            g_queue_push_tail (queue, (gpointer)conduit_node_get_id (from));
        }
    }
  return CONDUIT_SAMPLE_ORIGIN_NONE;
}
