/* conduit-flow-problem.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-problem"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-flow-problem.h"

G_DEFINE_BOXED_TYPE (ConduitFlowProblem, conduit_flow_problem,
                     conduit_flow_problem_copy, conduit_flow_problem_free)

/**
 * conduit_flow_problem_new:
 * @pointer: a JSON pointer
 * @node_id: (nullable): the node concerned
 * @message: the sentence for a person
 *
 * Returns: (transfer full): a new problem with no line yet
 */
ConduitFlowProblem *
conduit_flow_problem_new (const char *pointer,
                          const char *node_id,
                          const char *message)
{
  ConduitFlowProblem *problem = g_new0 (ConduitFlowProblem, 1);

  problem->pointer = g_strdup (pointer ? pointer : "");
  problem->node_id = g_strdup (node_id);
  problem->message = g_strdup (message);

  return problem;
}

ConduitFlowProblem *
conduit_flow_problem_copy (const ConduitFlowProblem *problem)
{
  ConduitFlowProblem *copy = conduit_flow_problem_new (problem->pointer, problem->node_id,
                                                       problem->message);

  copy->line = problem->line;
  copy->column = problem->column;

  return copy;
}

void
conduit_flow_problem_free (ConduitFlowProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->pointer);
  g_free (problem->node_id);
  g_free (problem->message);
  g_free (problem);
}

/**
 * conduit_flow_problem_format:
 * @problem: a problem
 *
 * Returns: (transfer full): "LINE: POINTER: message", the form `conduit-cli validate` prints
 * after the file name, or "POINTER: message" when there is no line
 */
char *
conduit_flow_problem_format (const ConduitFlowProblem *problem)
{
  const char *pointer = problem->pointer && *problem->pointer ? problem->pointer : "/";

  if (problem->line > 0)
    return g_strdup_printf ("%u: %s: %s", problem->line, pointer, problem->message);

  return g_strdup_printf ("%s: %s", pointer, problem->message);
}
