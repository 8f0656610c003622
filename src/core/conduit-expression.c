/* conduit-expression.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression-private.h"

typedef struct
{
  guint column;
  guint length;
  char *detail;   /* the message without its place, to say the place again another way */
} ConduitExpressionErrorPrivate;

static void
conduit_expression_error_private_init (ConduitExpressionErrorPrivate *priv)
{
  priv->column = 0;
  priv->length = 0;
  priv->detail = NULL;
}

static void
conduit_expression_error_private_copy (const ConduitExpressionErrorPrivate *src,
                                       ConduitExpressionErrorPrivate       *dest)
{
  *dest = *src;
  dest->detail = g_strdup (src->detail);
}

static void
conduit_expression_error_private_clear (ConduitExpressionErrorPrivate *priv)
{
  g_clear_pointer (&priv->detail, g_free);
}

/* The macro's pointer arithmetic is aligned by construction; clang cannot see it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (ConduitExpressionError, conduit_expression_error)
#pragma GCC diagnostic pop


G_DEFINE_BOXED_TYPE (ConduitExpression, conduit_expression,
                     conduit_expression_ref, conduit_expression_unref)

/**
 * conduit_expression_error_get_column:
 * @error: an error of the %CONDUIT_EXPRESSION_ERROR domain
 *
 * Returns: the 1-based column (in characters) where a syntax error is, or 0
 */
guint
conduit_expression_error_get_column (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != CONDUIT_EXPRESSION_ERROR)
    return 0;
  return conduit_expression_error_get_private (error)->column;
}

/**
 * conduit_expression_error_get_length:
 * @error: an error of the %CONDUIT_EXPRESSION_ERROR domain
 *
 * Returns: how many characters from the column are at fault (at least 1 with a column)
 */
guint
conduit_expression_error_get_length (const GError *error)
{
  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != CONDUIT_EXPRESSION_ERROR)
    return 0;
  return conduit_expression_error_get_private (error)->length;
}

/* @line is 0 for an expression of one line; otherwise the message says the line and the
 * column within it, while the error keeps the column from the start for underlining. */
void
conduit_expression_syntax_error_at (GError     **error,
                                    guint        line,
                                    guint        line_column,
                                    guint        column,
                                    guint        length,
                                    const char  *detail)
{
  g_autofree char *valid = NULL;
  GError *new_error;
  ConduitExpressionErrorPrivate *priv;

  /* The first error is the one to show; GLib warns about setting a second over it. */
  if (error == NULL || *error != NULL)
    return;

  /* A message may quote the user's text cut anywhere: it must still be UTF-8. */
  valid = g_utf8_make_valid (detail, -1);

  if (line > 1)
    /* TRANSLATORS: "line 2, column 5: “)” is missing" */
    new_error = g_error_new (CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX,
                             _("line %u, column %u: %s"), line, line_column, valid);
  else
    /* TRANSLATORS: "column 12: “)” is missing" */
    new_error = g_error_new (CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX,
                             _("column %u: %s"), column, valid);
  priv = conduit_expression_error_get_private (new_error);
  priv->column = column;
  priv->length = MAX (length, 1);
  priv->detail = g_steal_pointer (&valid);
  g_propagate_error (error, new_error);
}

/* A {{ }} part is parsed on its own, so its errors count columns over the whole template but
 * lines only within the part. In a template of several lines (a message, an e-mail body) the
 * place is said again as line and column of the whole text. */
void
conduit_expression_error_relocate (GError     **error,
                                   const char  *text)
{
  ConduitExpressionErrorPrivate *priv;
  const char *at;
  guint line = 1;
  const char *line_start = text;
  GError *moved = NULL;

  if (error == NULL || *error == NULL || (*error)->domain != CONDUIT_EXPRESSION_ERROR)
    return;
  priv = conduit_expression_error_get_private (*error);
  if (priv->column == 0 || priv->detail == NULL ||
      (glong)priv->column > g_utf8_strlen (text, -1) + 1)
    return;

  at = g_utf8_offset_to_pointer (text, priv->column - 1);
  for (const char *p = text; p < at; p++)
    if (*p == '\n')
      line++, line_start = p + 1;
  if (line == 1)
    return;

  conduit_expression_syntax_error_at (&moved, line, g_utf8_pointer_to_offset (line_start, at) + 1,
                                      priv->column, priv->length, priv->detail);
  g_clear_error (error);
  g_propagate_error (error, moved);
}

void
conduit_expression_syntax_error (GError     **error,
                                 guint        column,
                                 guint        length,
                                 const char  *format,
                                 ...)
{
  g_autofree char *formatted = NULL;
  va_list args;

  if (error == NULL || *error != NULL)
    return;

  va_start (args, format);
  formatted = g_strdup_vprintf (format, args);
  va_end (args);
  conduit_expression_syntax_error_at (error, 0, column, column, length, formatted);
}

/**
 * conduit_expression_new:
 * @text: an expression, e.g. `lower(trim(Email))`
 * @error: where a syntax error goes; conduit_expression_error_get_column() says where
 *
 * Parses @text and checks everything that can be checked before a record arrives: the
 * syntax, the function names and their number of values, regular expressions and date
 * formats written as fixed text.
 *
 * Returns: (transfer full) (nullable): the expression, or %NULL with @error set
 */
ConduitExpression *
conduit_expression_new (const char  *text,
                        GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return conduit_expression_new_full (text, FALSE, 0, NULL, error);
}

/**
 * conduit_expression_new_path:
 * @text: a field path, e.g. `utm.source`, `items[0].price`, `` `First Name` ``
 * @error: where a syntax error goes
 *
 * Makes an expression that reads one field. A text without dots, brackets or quotes is one
 * field name even with spaces in it.
 *
 * Returns: (transfer full) (nullable): the expression, or %NULL with @error set
 */
ConduitExpression *
conduit_expression_new_path (const char  *text,
                             GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return conduit_expression_new_full (text, TRUE, 0, NULL, error);
}

/**
 * conduit_expression_new_constant:
 * @value: a JSON value, copied
 *
 * Returns: (transfer full): an expression that always gives @value
 */
ConduitExpression *
conduit_expression_new_constant (JsonNode *value)
{
  ConduitExpression *self;

  g_return_val_if_fail (value != NULL, NULL);

  self = g_new0 (ConduitExpression, 1);
  self->ref_count = 1;
  self->arena = conduit_arena_new ();
  self->calls = g_ptr_array_new ();
  self->root = conduit_arena_alloc (self->arena, sizeof (ExprNode));
  memset (self->root, 0, sizeof (ExprNode));
  self->root->kind = EXPR_LITERAL;
  self->root->column = 1;
  self->root->literal = JSON_NODE_HOLDS_NULL (value)
                        ? (ConduitValue *)&conduit_value_explicit_null
                        : conduit_value_from_json_node (self->arena, value);
  self->text = json_to_string (value, FALSE);
  return self;
}

/**
 * conduit_expression_ref:
 * @self: an expression
 *
 * Returns: (transfer full): @self
 */
ConduitExpression *
conduit_expression_ref (ConduitExpression *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * conduit_expression_unref:
 * @self: (transfer full): an expression
 */
void
conduit_expression_unref (ConduitExpression *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_ptr_array_unref (self->calls);
  conduit_arena_free (self->arena);
  g_free (self->text);
  g_free (self);
}

/**
 * conduit_expression_get_text:
 * @self: an expression
 *
 * Returns: the text it was made from (JSON for a constant)
 */
const char *
conduit_expression_get_text (ConduitExpression *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->text;
}

/**
 * conduit_expression_is_constant:
 * @self: an expression
 *
 * Returns: whether the expression is a fixed value
 */
gboolean
conduit_expression_is_constant (ConduitExpression *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->root->kind == EXPR_LITERAL;
}

/* The destination of a mapping row is parsed as a path; the mapping walks its segments. */
const ConduitPath *
conduit_expression_get_path (ConduitExpression *self)
{
  return self->root->kind == EXPR_PATH ? &self->root->path : NULL;
}

/**
 * conduit_expression_walk:
 * @node: a node of an expression's tree
 * @visit: called for @node and every node below it, parents first
 * @data: for @visit
 */
void
conduit_expression_walk (ExprNode         *node,
                         ExprNodeVisitor   visit,
                         gpointer          data)
{
  if (node == NULL)
    return;
  visit (node, data);
  switch (node->kind)
    {
    case EXPR_CALL:
      for (guint i = 0; i < node->call.n_args; i++)
        conduit_expression_walk (node->call.args[i], visit, data);
      break;
    case EXPR_NOT:
    case EXPR_NEGATE:
      conduit_expression_walk (node->operand, visit, data);
      break;
    case EXPR_AND:
    case EXPR_OR:
    case EXPR_COMPARE:
    case EXPR_ARITHMETIC:
      conduit_expression_walk (node->binary.left, visit, data);
      conduit_expression_walk (node->binary.right, visit, data);
      break;
    case EXPR_LET:
      conduit_expression_walk (node->let.value, visit, data);
      conduit_expression_walk (node->let.body, visit, data);
      break;
    case EXPR_PATH:
    case EXPR_VARIABLE:
    case EXPR_LITERAL:
    default:
      break;
    }
}

static void
collect_field (ExprNode *node,
               gpointer  names)
{
  if (node->kind == EXPR_PATH && node->path.n_segments > 0 &&
      node->path.segments[0].kind == SEGMENT_KEY)
    g_hash_table_add (names, g_strndup (node->path.segments[0].key,
                                        node->path.segments[0].key_len));
}

/* Adds the top-level field names the expression reads to @names (a set of strings), so
 * that "keep unmapped fields" knows which ones are mapped. */
void
conduit_expression_collect_fields (ConduitExpression *self,
                                   GHashTable        *names)
{
  conduit_expression_walk (self->root, collect_field, names);
}
