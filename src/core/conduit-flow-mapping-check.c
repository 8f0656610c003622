/* conduit-flow-mapping-check.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-mapping-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-flow-mapping-check.h"
#include "conduit-flow-problem.h"

/* The bridge between the flow checker and the mapping engine: a node's mapping is compiled
 * when the flow is loaded, so that a broken expression is reported then, with its position,
 * and not when a record arrives. */

/**
 * conduit_flow_mapping_check:
 * @mapping: a node's "mapping" member
 * @pointer: the JSON pointer of @mapping in the flow file
 * @node_id: the node's id
 * @problems: (element-type ConduitFlowProblem): where to add problems
 *
 * Checks a node's mapping.
 */
void
conduit_flow_mapping_check (JsonNode   *mapping,
                            const char *pointer,
                            const char *node_id,
                            GPtrArray  *problems)
{
  JsonNode *rows;

  if (!JSON_NODE_HOLDS_OBJECT (mapping))
    return;

  rows = json_object_get_member (json_node_get_object (mapping), "rows");
  if (rows != NULL && !JSON_NODE_HOLDS_ARRAY (rows))
    {
      g_autofree char *rows_pointer = g_strconcat (pointer, "/rows", NULL);
      g_autofree char *message = g_strdup_printf (_("node “%s”: the mapping’s “rows” must be an array"),
                                                  node_id);

      g_ptr_array_add (problems, conduit_flow_problem_new (rows_pointer, node_id, message));
    }
}
