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
#include "conduit-mapping.h"

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
 * Checks a node's mapping with the mapping engine and adds every problem it finds, each with
 * a JSON pointer into the flow file; a problem in an expression or a path also names the
 * column in that text.
 */
void
conduit_flow_mapping_check (JsonNode   *mapping,
                            const char *pointer,
                            const char *node_id,
                            GPtrArray  *problems)
{
  g_autoptr(ConduitMapping) loaded = NULL;
  g_autoptr(GPtrArray) found = NULL;

  g_return_if_fail (mapping != NULL);
  g_return_if_fail (pointer != NULL);
  g_return_if_fail (problems != NULL);

  loaded = conduit_mapping_load_json (mapping, &found);
  for (guint i = 0; i < found->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (found, i);
      g_autofree char *problem_pointer = g_strconcat (pointer, problem->pointer, NULL);
      /* TRANSLATORS: "node “map”: row 2, expression: column 7: …" */
      g_autofree char *message = g_strdup_printf (_("node “%s”: %s"), node_id, problem->message);

      g_ptr_array_add (problems, conduit_flow_problem_new (problem_pointer, node_id, message));
    }
}
