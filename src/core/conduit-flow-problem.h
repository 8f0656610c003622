/* conduit-flow-problem.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "conduit-types.h"

G_BEGIN_DECLS

/**
 * ConduitFlowProblem:
 * @pointer: a JSON pointer to the value at fault ("" for the whole file)
 * @line: the 1-based line in the file, or 0 when the flow was not read from text
 * @column: the 1-based column, or 0
 * @node_id: (nullable): the node the problem belongs to
 * @message: a sentence for a person, translated
 *
 * One thing wrong with a flow.
 */
struct _ConduitFlowProblem
{
  char  *pointer;
  guint  line;
  guint  column;
  char  *node_id;
  char  *message;
};

#define CONDUIT_TYPE_FLOW_PROBLEM (conduit_flow_problem_get_type ())

GType               conduit_flow_problem_get_type (void) G_GNUC_CONST;
ConduitFlowProblem *conduit_flow_problem_new      (const char               *pointer,
                                                   const char               *node_id,
                                                   const char               *message);
ConduitFlowProblem *conduit_flow_problem_copy     (const ConduitFlowProblem *problem);
void                conduit_flow_problem_free     (ConduitFlowProblem       *problem);
char               *conduit_flow_problem_format   (const ConduitFlowProblem *problem);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitFlowProblem, conduit_flow_problem_free)

G_END_DECLS
