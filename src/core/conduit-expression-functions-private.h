/* conduit-expression-functions-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-expression-private.h"
#include "conduit-mapping-value-private.h"

G_BEGIN_DECLS

/* What the mapping language's functions share: conduit-expression-functions.c holds the
 * function table and the text, number and key functions, conduit-expression-dates.c the
 * date functions. */

static inline ConduitValue *
null_value (void)
{
  return (ConduitValue *)&conduit_value_null;
}

/* Text to work on: string values as they are, which may be slices of the input line and
 * so not nul-terminated. */
static inline const char *
text_of (EvalContext        *context,
         const ConduitValue *value,
         gsize              *length)
{
  if (value != NULL && value->kind == CONDUIT_VALUE_STRING)
    {
      *length = value->len;
      return value->string;
    }
  return conduit_value_to_text (context->arena, value, length);
}

/* Nul-terminated text, for messages and for GLib calls that need it. */
static inline const char *
shown (EvalContext        *context,
       const ConduitValue *value)
{
  gsize length;

  return conduit_value_to_text (context->arena, value, &length);
}

static inline gboolean
literal_string (ExprNode    *node,
                const char **text)
{
  if (node->kind != EXPR_LITERAL || node->literal->kind != CONDUIT_VALUE_STRING)
    return FALSE;
  *text = node->literal->string;
  return TRUE;
}

/* conduit-expression-dates.c */
ConduitValue *conduit_expression_fn_date            (EvalContext   *c,
                                                    ExprNode      *call,
                                                    ConduitValue **args);
gboolean      conduit_expression_check_date         (ExprNode      *call,
                                                    guint         *bad_argument,
                                                    char         **message);
ConduitValue *conduit_expression_fn_format_date     (EvalContext   *c,
                                                    ExprNode      *call,
                                                    ConduitValue **args);
gboolean      conduit_expression_check_format_date  (ExprNode      *call,
                                                    guint         *bad_argument,
                                                    char         **message);
ConduitValue *conduit_expression_fn_now             (EvalContext   *c,
                                                    ExprNode      *call,
                                                    ConduitValue **args);

G_END_DECLS
