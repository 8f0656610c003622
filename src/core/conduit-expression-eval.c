/* conduit-expression-eval.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "conduit-expression-private.h"

/* Evaluation walks the tree made by the parser against arena values: one record at a time,
 * with no allocation outside the arena the caller resets per record. */

/* ---- evaluation ------------------------------------------------------------------------ */

void
conduit_expression_set_error (EvalContext *context,
                              ExprNode    *node,
                              const char  *format,
                              ...)
{
  g_autofree char *formatted = NULL;
  g_autofree char *message = NULL;
  va_list args;

  if (context->error == NULL || *context->error != NULL)
    return;

  va_start (args, format);
  formatted = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_utf8_make_valid (formatted, -1);

  if (node != NULL && node->kind == EXPR_CALL)
    g_set_error (context->error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_EVALUATION,
                 "%s(): %s", node->call.function->name, message);
  else
    g_set_error_literal (context->error, CONDUIT_EXPRESSION_ERROR,
                         CONDUIT_EXPRESSION_ERROR_EVALUATION, message);
}

const char *
conduit_expression_value_text (EvalContext        *context,
                               const ConduitValue *value,
                               gsize              *length)
{
  return conduit_value_to_text (context->arena, value, length);
}

/* the search of conduit_expression_object_get_hinted() when the hint misses */
ConduitValue *
conduit_expression_object_search (const ConduitValue *object,
                                  PathSegment        *segment)
{
  const ConduitMember *members = object->members;

  for (guint i = 0; i < object->len; i++)
    if (members[i].key_len == segment->key_len &&
        conduit_bytes_equal (members[i].key, segment->key, segment->key_len))
      {
        segment->hint = i;
        return members[i].value;
      }
  return NULL;
}


static ConduitValue *
path_project (EvalContext        *context,
              const ConduitPath  *path,
              guint               from,
              const ConduitValue *array)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  gboolean nested = FALSE;
  ConduitValue *value;

  for (guint i = from; i < path->n_segments; i++)
    if (path->segments[i].kind == SEGMENT_ALL)
      nested = TRUE;

  for (guint i = 0; i < array->len; i++)
    {
      ConduitValue *item = conduit_expression_path_get (context, path, from, array->items[i],
                                                         TRUE);

      /* orders[].items[].sku is one list of every sku, as jq gives it */
      if (nested && item->kind == CONDUIT_VALUE_ARRAY)
        for (guint j = 0; j < item->len; j++)
          g_ptr_array_add (results, item->items[j]);
      else
        g_ptr_array_add (results, item);
    }

  value = conduit_arena_alloc (context->arena, sizeof (ConduitValue));
  value->kind = CONDUIT_VALUE_ARRAY;
  value->len = results->len;
  value->items = conduit_arena_alloc (context->arena, sizeof (ConduitValue *) * MAX (results->len, 1));
  if (results->len > 0)
    memcpy (value->items, results->pdata, sizeof (ConduitValue *) * results->len);
  return value;
}

ConduitValue *
conduit_expression_path_get (EvalContext        *context,
                             const ConduitPath  *path,
                             guint               from,
                             const ConduitValue *value,
                             gboolean            current_used)
{
  for (guint i = from; i < path->n_segments && value != NULL; i++)
    {
      PathSegment *segment = &path->segments[i];

      switch (segment->kind)
        {
        case SEGMENT_KEY:
          value = conduit_expression_object_get_hinted (value, segment);
          break;
        case SEGMENT_INDEX:
          {
            gint64 index = segment->index;

            if (value->kind != CONDUIT_VALUE_ARRAY)
              return (ConduitValue *)&conduit_value_null;
            if (index < 0)
              index += value->len;
            value = index >= 0 && index < value->len ? value->items[index] : NULL;
          }
          break;
        case SEGMENT_ALL:
          if (value->kind != CONDUIT_VALUE_ARRAY)
            return (ConduitValue *)&conduit_value_null;
          if (context->current >= 0 && !current_used)
            {
              current_used = TRUE;
              value = context->current < value->len ? value->items[context->current] : NULL;
              break;
            }
          return path_project (context, path, i + 1, value);
        default:
          g_assert_not_reached ();
        }
    }

  return value != NULL ? (ConduitValue *)value : (ConduitValue *)&conduit_value_null;
}

static int
compare_text (const ConduitValue *a,
              const ConduitValue *b)
{
  int cmp = memcmp (a->string, b->string, MIN (a->len, b->len));

  if (cmp != 0)
    return cmp;
  return a->len < b->len ? -1 : a->len > b->len;
}

static gboolean
is_number (const ConduitValue *value)
{
  return value->kind == CONDUIT_VALUE_INTEGER || value->kind == CONDUIT_VALUE_DOUBLE;
}

/* Values from CSV files are all text, so "21" > 18 compares as numbers. */
static ConduitValue *
eval_compare (EvalContext  *context,
              ExprNode     *node,
              ConduitValue *a,
              ConduitValue *b)
{
  ExprOperator op = node->binary.op;
  int cmp = 0;
  gboolean ordered = TRUE;
  double x, y;

  if (CONDUIT_VALUE_IS_NULL (a) || CONDUIT_VALUE_IS_NULL (b))
    {
      gboolean both = CONDUIT_VALUE_IS_NULL (a) && CONDUIT_VALUE_IS_NULL (b);

      if (op == OP_EQ || op == OP_NE)
        return conduit_value_new_boolean ((op == OP_EQ) == both);
      return conduit_value_new_boolean (FALSE);
    }

  if ((is_number (a) || is_number (b)) &&
      conduit_value_get_number (a, &x) && conduit_value_get_number (b, &y))
    cmp = x < y ? -1 : x > y;
  else if (a->kind == CONDUIT_VALUE_STRING && b->kind == CONDUIT_VALUE_STRING)
    cmp = compare_text (a, b);
  else
    {
      ordered = FALSE;
      cmp = conduit_value_equal (a, b) ? 0 : 1;
    }

  switch (op)
    {
    case OP_EQ: return conduit_value_new_boolean (cmp == 0);
    case OP_NE: return conduit_value_new_boolean (cmp != 0);
    case OP_LT: return conduit_value_new_boolean (ordered && cmp < 0);
    case OP_LE: return conduit_value_new_boolean (ordered && cmp <= 0);
    case OP_GT: return conduit_value_new_boolean (ordered && cmp > 0);
    case OP_GE: return conduit_value_new_boolean (ordered && cmp >= 0);
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    default:
      g_assert_not_reached ();
    }
}

static ConduitValue *
eval_arithmetic (EvalContext  *context,
                 ExprNode     *node,
                 ConduitValue *a,
                 ConduitValue *b)
{
  char symbol = node->binary.op == OP_ADD ? '+' : node->binary.op == OP_SUB ? '-' :
                node->binary.op == OP_MUL ? '*' : '/';
  double x, y, result;
  gboolean integers;

  if (CONDUIT_VALUE_IS_NULL (a) || CONDUIT_VALUE_IS_NULL (b))
    return (ConduitValue *)&conduit_value_null;

  if (!conduit_value_get_number (a, &x) || !conduit_value_get_number (b, &y))
    {
      gsize len;
      const char *text = conduit_value_to_text (context->arena,
                                                conduit_value_get_number (a, &x) ? b : a, &len);

      conduit_expression_set_error (context, node, _("“%s” is not a number, so “%c” cannot use it"),
                                    text, symbol);
      return NULL;
    }

  integers = x == floor (x) && y == floor (y) && fabs (x) < 9e15 && fabs (y) < 9e15 &&
             !(a->kind == CONDUIT_VALUE_DOUBLE || b->kind == CONDUIT_VALUE_DOUBLE);

  switch (node->binary.op)
    {
    case OP_ADD: result = x + y; break;
    case OP_SUB: result = x - y; break;
    case OP_MUL: result = x * y; break;
    case OP_DIV:
      if (y == 0)
        {
          conduit_expression_set_error (context, node, _("division by zero"));
          return NULL;
        }
      result = x / y;
      integers = integers && result == floor (result);
      break;
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    default:
      g_assert_not_reached ();
    }

  if (integers && fabs (result) < 9e15)
    return conduit_value_new_integer (context->arena, (gint64)result);
  return conduit_value_new_double (context->arena, result);
}

/* A call of a function that computes all of its values (not if() or try()) whose arguments
 * are fields and literals, at most 8: conduit_expression_eval_plain_node() evaluates it. */
static inline gboolean
is_plain_call (ExprNode *node)
{
  if (node->kind != EXPR_CALL || node->call.function->impl == NULL ||
      node->call.function->lazy == EXPR_LAZY_TRY || node->call.n_args > 8)
    return FALSE;
  for (guint i = 0; i < node->call.n_args; i++)
    if (node->call.args[i]->kind != EXPR_PATH && node->call.args[i]->kind != EXPR_LITERAL)
      return FALSE;
  return TRUE;
}

/* A call: its own function, so that conduit_expression_eval_node()'s frame, which a long sum
 * stacks 4,000 deep, does not carry the arguments' array (a call nests 64 deep at most). */
ConduitValue *
conduit_expression_eval_call (EvalContext *context,
                              ExprNode    *node)
{
  ConduitValue *stack_args[8];
  ConduitValue **args = stack_args;

  if (node->call.function->lazy == EXPR_LAZY_TRY)
    {
      GError *local_error = NULL;
      GError **outer = context->error;
      ConduitValue *value;

      /* A failure of the first value (to_integer("many"), an impossible date) is
       * forgotten and the fallback computed instead; its own failure still counts. */
      context->error = &local_error;
      value = conduit_expression_eval_node (context, node->call.args[0]);
      context->error = outer;
      if (value != NULL)
        return value;
      g_clear_error (&local_error);
      return conduit_expression_eval_node (context, node->call.args[1]);
    }

  if (node->call.function->impl == NULL)   /* if(): only the chosen branch runs */
    {
      ConduitValue *condition = conduit_expression_eval_node (context, node->call.args[0]);

      if (condition == NULL)
        return NULL;
      if (conduit_value_is_truthy (condition))
        return conduit_expression_eval_node (context, node->call.args[1]);
      if (node->call.n_args > 2)
        return conduit_expression_eval_node (context, node->call.args[2]);
      return (ConduitValue *)&conduit_value_null;
    }

  /* computed already for this record by another row (conduit_expression_share_calls()) */
  if (node->memo != 0 && context->memo != NULL && context->memo[node->memo - 1] != NULL)
    return context->memo[node->memo - 1];
  if (node->call.n_args > G_N_ELEMENTS (stack_args))
    args = conduit_arena_alloc (context->arena, sizeof (ConduitValue *) * node->call.n_args);
  for (guint i = 0; i < node->call.n_args; i++)
    {
      ExprNode *arg = node->call.args[i];

      /* a field or a literal, the commonest arguments (trim(first_name)), without a
       * call of this function for each: path_get() never fails */
      if (arg->kind == EXPR_PATH)
        args[i] = conduit_expression_path_get_root (context, &arg->path);
      else if (arg->kind == EXPR_LITERAL)
        args[i] = arg->literal;
      else if (arg->memo != 0 && context->memo != NULL && context->memo[arg->memo - 1] != NULL)
        /* a call computed already for this record (the trims of a full name's concat()),
         * without going down a level for it */
        args[i] = context->memo[arg->memo - 1];
      else if (arg->memo == 0 && is_plain_call (arg))
        {
          /* a call of fields and literals (the trim() of lower(trim(email))), without a
           * frame of conduit_expression_eval_node() for it */
          args[i] = conduit_expression_eval_plain_node (arg, context);
          if (args[i] == NULL)
            return NULL;
        }
      else
        {
          args[i] = conduit_expression_eval_node (context, arg);
          if (args[i] == NULL)
            return NULL;
        }
    }
  if (node->memo != 0 && context->memo != NULL)
    return context->memo[node->memo - 1] = node->call.function->impl (context, node, args);
  return node->call.function->impl (context, node, args);
}

ConduitValue *
conduit_expression_eval_node (EvalContext *context,
                              ExprNode    *node)
{
  switch (node->kind)
    {
    case EXPR_LITERAL:
      return node->literal;

    case EXPR_PATH:
      return conduit_expression_path_get_root (context, &node->path);

    case EXPR_VARIABLE:
      return conduit_expression_path_get (context, &node->path, 1, context->slots[node->slot],
                                          FALSE);

    case EXPR_LET:
      {
        ConduitValue *value = conduit_expression_eval_node (context, node->let.value);

        if (value == NULL)
          return NULL;
        context->slots[node->slot] = value;
        return conduit_expression_eval_node (context, node->let.body);
      }

    case EXPR_CALL:
      return conduit_expression_eval_call (context, node);

    case EXPR_NOT:
      {
        ConduitValue *operand = conduit_expression_eval_node (context, node->operand);

        return operand ? conduit_value_new_boolean (!conduit_value_is_truthy (operand)) : NULL;
      }

    case EXPR_NEGATE:
      {
        ConduitValue *operand = conduit_expression_eval_node (context, node->operand);
        double number;

        if (operand == NULL)
          return NULL;
        if (CONDUIT_VALUE_IS_NULL (operand))
          return operand;
        if (operand->kind == CONDUIT_VALUE_INTEGER && operand->integer != G_MININT64)
          return conduit_value_new_integer (context->arena, -operand->integer);
        if (!conduit_value_get_number (operand, &number))
          {
            gsize len;

            conduit_expression_set_error (context, node, _("“%s” is not a number, so “-” cannot use it"),
                                          conduit_value_to_text (context->arena, operand, &len));
            return NULL;
          }
        return conduit_value_new_double (context->arena, -number);
      }

    case EXPR_AND:
    case EXPR_OR:
      {
        ConduitValue *left = conduit_expression_eval_node (context, node->binary.left);
        gboolean truth;

        if (left == NULL)
          return NULL;
        truth = conduit_value_is_truthy (left);
        if ((node->kind == EXPR_AND && !truth) || (node->kind == EXPR_OR && truth))
          return conduit_value_new_boolean (truth);
        left = conduit_expression_eval_node (context, node->binary.right);
        return left ? conduit_value_new_boolean (conduit_value_is_truthy (left)) : NULL;
      }

    case EXPR_COMPARE:
    case EXPR_ARITHMETIC:
      {
        ConduitValue *a = conduit_expression_eval_node (context, node->binary.left);
        ConduitValue *b;

        if (a == NULL)
          return NULL;
        b = conduit_expression_eval_node (context, node->binary.right);
        if (b == NULL)
          return NULL;
        return node->kind == EXPR_COMPARE ? eval_compare (context, node, a, b) :
                                            eval_arithmetic (context, node, a, b);
      }

    default:
      g_assert_not_reached ();
    }
}

/* Sets self->plain_call (see conduit-expression-private.h); at most 8 arguments, as the
 * stack of conduit_expression_eval_node() holds. */
void
conduit_expression_find_plain_call (ConduitExpression *self)
{
  ExprNode *node = self->root;

  self->plain_call = node != NULL && self->n_slots == 0 && is_plain_call (node);
}

/* Evaluates against an arena record. @current is the item index of an array row, or -1.
 * Returns NULL with @error set when the record's values do not fit. */
/* The plain call of conduit_expression_eval_shared() when other rows make it too: a
 * function of its own, so that the commonest way, a plain call made once, keeps its
 * registers. */
static G_GNUC_NO_INLINE ConduitValue *
eval_plain_shared_call (EvalContext *context,
                        ExprNode    *node)
{
  ConduitValue **kept = &context->memo[node->memo - 1];

  if (*kept != NULL)
    return *kept;
  return *kept = conduit_expression_eval_plain_node (node, context);
}

ConduitValue *
conduit_expression_eval (ConduitExpression  *self,
                         ConduitArena       *arena,
                         const ConduitValue *root,
                         gint64              current,
                         GError            **error)
{
  return conduit_expression_eval_shared (self, arena, root, current, NULL, error);
}

/* conduit_expression_eval() for the rows of one mapping: @memo (nullable) holds, for the
 * record, the values of the calls conduit_expression_share_calls() found in several rows,
 * all NULL before the first row; a call computed once is taken from it by the others. */
ConduitValue *
conduit_expression_eval_shared (ConduitExpression  *self,
                                ConduitArena       *arena,
                                const ConduitValue *root,
                                gint64              current,
                                ConduitValue      **memo,
                                GError            **error)
{
  EvalContext context = { arena, root, current, error, NULL, memo };
  ConduitValue *value;

  if (self->plain_call)
    value = conduit_expression_eval_plain_call (self, &context);
  else if (self->plain_shared_call && memo != NULL)
    value = eval_plain_shared_call (&context, self->root);
  else
    {
      if (self->n_slots > 0)
        context.slots = conduit_arena_alloc (arena, sizeof (ConduitValue *) * self->n_slots);
      value = conduit_expression_eval_node (&context, self->root);
    }

  if (value == NULL)
    conduit_expression_set_failed (error);
  return value;
}

/* For an evaluation that gave no value: the generic error, unless @error says why already. */
void
conduit_expression_set_failed (GError **error)
{
  if (error != NULL && *error == NULL)
    g_set_error_literal (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_FAILED,
                         _("the expression failed"));
}

/* A call whose value depends on the record alone: a function that gives the same value for
 * the same arguments (not one that varies, as now() and uuid()), whose arguments are literals
 * and fields of the record (not an array row's current item, not a let name). Its key says
 * what it computes. */
static gboolean
shareable_call_key (ExprNode *node,
                    GString  *key)
{
  const ExprFunction *function;

  if (node->kind != EXPR_CALL)
    return FALSE;
  function = node->call.function;
  if (function->impl == NULL || function->lazy != EXPR_LAZY_NONE || function->varies ||
      node->call.n_args > 8)
    return FALSE;

  g_string_assign (key, function->name);
  for (guint i = 0; i < node->call.n_args; i++)
    {
      ExprNode *arg = node->call.args[i];

      if (arg->kind == EXPR_LITERAL)
        {
          g_string_append (key, "|L");
          conduit_value_write_json (key, arg->literal);
        }
      else if (arg->kind == EXPR_PATH)
        {
          g_string_append (key, "|P");
          for (guint j = 0; j < arg->path.n_segments; j++)
            {
              const PathSegment *segment = &arg->path.segments[j];

              if (segment->kind == SEGMENT_ALL)
                return FALSE;
              if (segment->kind == SEGMENT_INDEX)
                g_string_append_printf (key, "[%" G_GINT64_FORMAT "]", segment->index);
              else
                {
                  /* length first: a key may hold any character */
                  g_string_append_printf (key, ".%u:", segment->key_len);
                  g_string_append_len (key, segment->key, segment->key_len);
                }
            }
        }
      else
        return FALSE;
    }
  return TRUE;
}

static void
collect_call (ExprNode *node,
              gpointer  calls)
{
  if (node->kind == EXPR_CALL)
    g_ptr_array_add (calls, node);
}

/**
 * conduit_expression_share_calls:
 * @expressions: (array length=n_expressions): the expressions of a mapping's rows
 * @n_expressions: their number
 *
 * Finds the calls that the expressions make alike, e.g. trim(first_name) in the row of the
 * first name and in the full name's concat(): each gets a place in a memo, so that
 * conduit_expression_eval_shared() computes it once per record. The expressions must not be
 * shared with another mapping (their calls are marked).
 *
 * Returns: the places the memo needs (0: nothing is shared)
 */
guint
conduit_expression_share_calls (ConduitExpression **expressions,
                                guint               n_expressions)
{
  g_autoptr(GPtrArray) calls = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) places = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) key = g_string_new (NULL);
  guint n_places = 0;

  for (guint i = 0; i < n_expressions; i++)
    if (expressions[i] != NULL)
      conduit_expression_walk (expressions[i]->root, collect_call, calls);

  for (guint i = 0; i < calls->len; i++)
    {
      ExprNode *node = g_ptr_array_index (calls, i);
      char *text = NULL;

      node->memo = 0;
      if (shareable_call_key (node, key))
        {
          guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key->str));

          text = g_strdup (key->str);
          g_hash_table_insert (counts, text, GUINT_TO_POINTER (count + 1));
        }
      g_ptr_array_add (keys, text);
    }

  for (guint i = 0; i < calls->len; i++)
    {
      ExprNode *node = g_ptr_array_index (calls, i);
      const char *text = g_ptr_array_index (keys, i);
      gpointer place;

      if (text == NULL || GPOINTER_TO_UINT (g_hash_table_lookup (counts, text)) < 2)
        continue;
      place = g_hash_table_lookup (places, text);
      if (place == NULL)
        {
          place = GUINT_TO_POINTER (++n_places);
          g_hash_table_insert (places, (gpointer)text, place);
        }
      node->memo = GPOINTER_TO_UINT (place);
    }

  /* A row that is one shared call goes its own short way, which keeps its value in the memo;
   * the others keep theirs without a memo check (conduit_expression_eval_shared()). */
  for (guint i = 0; i < n_expressions; i++)
    if (expressions[i] != NULL)
      {
        conduit_expression_find_plain_call (expressions[i]);
        expressions[i]->plain_shared_call = expressions[i]->plain_call &&
                                            expressions[i]->root->memo != 0;
        if (expressions[i]->plain_shared_call)
          expressions[i]->plain_call = FALSE;
      }
  return n_places;
}

gboolean
conduit_expression_uses_iteration (ConduitExpression *self)
{
  return self->iteration != NULL;
}

/* The number of items an array row makes: the length of the array its first [] walks. */
gboolean
conduit_expression_iteration_length (ConduitExpression  *self,
                                     const ConduitValue *root,
                                     guint              *length)
{
  const ConduitPath *path;
  const ConduitValue *value = root;

  if (self->iteration == NULL)
    return FALSE;

  path = &self->iteration->path;
  for (guint i = 0; i < path->n_segments && !CONDUIT_VALUE_IS_NULL (value); i++)
    {
      const PathSegment *segment = &path->segments[i];

      if (segment->kind == SEGMENT_ALL)
        break;
      if (segment->kind == SEGMENT_KEY)
        value = conduit_value_object_get (value, segment->key, segment->key_len);
      else if (value->kind == CONDUIT_VALUE_ARRAY)
        {
          gint64 index = segment->index < 0 ? segment->index + value->len : segment->index;

          value = index >= 0 && index < value->len ? value->items[index] : NULL;
        }
      else
        value = NULL;
    }

  *length = !CONDUIT_VALUE_IS_NULL (value) && value->kind == CONDUIT_VALUE_ARRAY ? value->len : 0;
  return TRUE;
}

/* The JsonNode API: the record is converted into a fresh arena, which the caller frees. */
static ConduitValue *
evaluate_json (ConduitExpression  *self,
               JsonNode           *record,
               ConduitArena      **arena,
               GError            **error)
{
  *arena = conduit_arena_new ();
  return conduit_expression_eval (self, *arena, conduit_value_from_json_node (*arena, record), -1,
                                  error);
}

/**
 * conduit_expression_evaluate:
 * @self: an expression
 * @record: (nullable): the record its fields are read from
 * @error: where a value that does not fit goes (%CONDUIT_EXPRESSION_ERROR_EVALUATION)
 *
 * Returns: (transfer full) (nullable): the value, JSON null when a field is missing
 */
JsonNode *
conduit_expression_evaluate (ConduitExpression  *self,
                             JsonNode           *record,
                             GError            **error)
{
  g_autoptr(ConduitArena) arena = NULL;
  ConduitValue *value;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  value = evaluate_json (self, record, &arena, error);
  return value ? conduit_value_to_json_node (value) : NULL;
}

/**
 * conduit_expression_evaluate_boolean:
 * @self: an expression, e.g. a filter condition
 * @record: (nullable): the record
 * @result: (out): whether the value is true (see docs/mapping.md for what counts as true)
 * @error: where a value that does not fit goes
 *
 * Returns: %TRUE when @result is set
 */
gboolean
conduit_expression_evaluate_boolean (ConduitExpression  *self,
                                     JsonNode           *record,
                                     gboolean           *result,
                                     GError            **error)
{
  g_autoptr(ConduitArena) arena = NULL;
  ConduitValue *value;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  value = evaluate_json (self, record, &arena, error);
  if (value == NULL)
    return FALSE;
  *result = conduit_value_is_truthy (value);
  return TRUE;
}

/**
 * conduit_expression_evaluate_string:
 * @self: an expression, e.g. a duplicate key
 * @record: (nullable): the record
 * @error: where a value that does not fit goes
 *
 * Returns: (transfer full) (nullable): the value as text ("" for null, JSON for lists and
 *   objects)
 */
char *
conduit_expression_evaluate_string (ConduitExpression  *self,
                                    JsonNode           *record,
                                    GError            **error)
{
  g_autoptr(ConduitArena) arena = NULL;
  ConduitValue *value;
  const char *text;
  gsize length;

  g_return_val_if_fail (self != NULL, NULL);

  value = evaluate_json (self, record, &arena, error);
  if (value == NULL)
    return NULL;
  text = conduit_value_to_text (arena, value, &length);
  return g_strndup (text, length);
}
