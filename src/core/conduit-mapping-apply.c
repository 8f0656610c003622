/* conduit-mapping-apply.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-mapping-private.h"
#include "conduit-mapping-value-private.h"

/* Applying evaluates each compiled row into the record's arena and walks the plan to build
 * the output record, collecting every reason a record is rejected for. */

/* ---- applying ------------------------------------------------------------------------- */

static ConduitValue *
row_value (ConduitMapping *self,
           int             row,
           gint64          item)
{
  ConduitValue *value = g_array_index (self->values, ConduitValue *, row);
  gint64 length = g_array_index (self->lengths, gint64, row);

  if (item < 0 || length < 0)
    return value;   /* a plain row, or a constant-like row repeated in every item */
  return item < value->len ? value->items[item] : NULL;
}

static ConduitValue *build_object (ConduitMapping *self,
                                   ConduitArena   *arena,
                                   PlanNode       *node,
                                   gint64          item);

static ConduitValue *
build_child (ConduitMapping *self,
             ConduitArena   *arena,
             PlanNode       *child,
             gint64          item)
{
  if (child->is_array && item < 0)
    {
      gint64 count = 0;
      ConduitValue *array;

      for (guint i = 0; i < child->iterating->len; i++)
        count = MAX (count, g_array_index (self->lengths, gint64,
                                           g_array_index (child->iterating, int, i)));
      if (count == 0)
        return NULL;

      array = conduit_arena_alloc (arena, sizeof (ConduitValue));
      array->kind = CONDUIT_VALUE_ARRAY;
      array->len = count;
      array->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * count);
      for (gint64 k = 0; k < count; k++)
        {
          ConduitValue *element = child->row >= 0 ? row_value (self, child->row, k)
                                                  : build_object (self, arena, child, k);

          if (element == NULL && child->row < 0)
            {
              element = conduit_arena_alloc (arena, sizeof (ConduitValue));
              element->kind = CONDUIT_VALUE_OBJECT;
              element->len = 0;
              element->members = NULL;
            }
          array->items[k] = element ? element : (ConduitValue *)&conduit_value_null;
        }
      return array;
    }

  if (child->row >= 0)
    return row_value (self, child->row, item);
  return build_object (self, arena, child, item);
}

static ConduitValue *
build_object (ConduitMapping *self,
              ConduitArena   *arena,
              PlanNode       *node,
              gint64          item)
{
  ConduitMember *members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (node->children->len, 1));
  ConduitValue *object;
  guint n = 0;

  for (guint i = 0; i < node->children->len; i++)
    {
      PlanNode *child = g_ptr_array_index (node->children, i);
      ConduitValue *value = build_child (self, arena, child, item);

      /* A missing value leaves the field out rather than sending null, unless the row
       * keeps nulls or the expression wrote null on purpose. */
      if (CONDUIT_VALUE_IS_NULL (value))
        {
          if (value != &conduit_value_explicit_null &&
              (child->row < 0 ||
               !((CompiledRow *)g_ptr_array_index (self->compiled, child->row))->keep_null))
            continue;
          value = (ConduitValue *)&conduit_value_explicit_null;
        }
      members[n].key = child->key;
      members[n].key_len = child->key_len;
      members[n].value = value;
      n++;
    }

  if (n == 0 && !node->keep_empty)
    return NULL;

  object = conduit_arena_alloc (arena, sizeof (ConduitValue));
  object->kind = CONDUIT_VALUE_OBJECT;
  object->len = n;
  object->members = members;
  return object;
}

static void
add_unmapped (ConduitMapping     *self,
              ConduitArena       *arena,
              const ConduitValue *record,
              ConduitValue      **output)
{
  ConduitValue *mapped = *output;
  ConduitValue *object;
  guint mapped_len = mapped ? mapped->len : 0;
  guint n = 0;

  if (record == NULL || record->kind != CONDUIT_VALUE_OBJECT)
    return;

  object = conduit_arena_alloc (arena, sizeof (ConduitValue));
  object->kind = CONDUIT_VALUE_OBJECT;
  object->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * (mapped_len + record->len + 1));
  for (guint i = 0; i < mapped_len; i++)
    object->members[n++] = mapped->members[i];
  for (guint i = 0; i < record->len; i++)
    {
      const ConduitMember *member = &record->members[i];
      g_autofree char *key = g_strndup (member->key, member->key_len);

      if (g_hash_table_contains (self->read_fields, key) ||
          (mapped && conduit_value_object_get (mapped, member->key, member->key_len)))
        continue;
      object->members[n++] = *member;
    }
  object->len = n;
  *output = object;
}

/* Computes and checks one row's value: for an array row that walks a source list, a list
 * with an item each (*length is its length), otherwise the value itself (*length is -1). */
static ConduitValue *
evaluate_row (CompiledRow        *row,
              ConduitArena       *arena,
              const ConduitValue *record,
              gint64             *length,
              GPtrArray          *reasons)
{
  g_autoptr(GError) error = NULL;
  ConduitValue *value;

  *length = -1;
  if (row->array_row && row->iterates)
    {
      guint count = 0;

      conduit_expression_iteration_length (row->source, record, &count);
      value = conduit_arena_alloc (arena, sizeof (ConduitValue));
      value->kind = CONDUIT_VALUE_ARRAY;
      value->len = count;
      value->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * MAX (count, 1));
      for (guint k = 0; k < count; k++)
        {
          ConduitValue *item = conduit_expression_eval (row->source, arena, record, k, &error);

          if (item == NULL)
            {
              conduit_mapping_add_reason (reasons, row->field_prefix, k, row->field_suffix,
                                          "expression", NULL, error->message);
              g_clear_error (&error);
              item = (ConduitValue *)&conduit_value_null;
            }
          else if (row->has_rules)
            item = conduit_mapping_rules_check (&row->rules, arena, item, row->field_prefix, k,
                                                row->field_suffix, reasons);
          value->items[k] = item;
        }
      *length = count;
      return value;
    }

  value = conduit_expression_eval (row->source, arena, record, -1, &error);
  if (value == NULL)
    {
      conduit_mapping_add_reason (reasons, row->destination, -1, "", "expression", NULL,
                                  error->message);
      return (ConduitValue *)&conduit_value_null;
    }
  if (row->has_rules)
    value = conduit_mapping_rules_check (&row->rules, arena, value, row->destination, -1, "",
                                         reasons);
  return value;
}

/* Computes every row's value for @record into the mapping's scratch; FALSE when the record
 * is refused (the reasons are added). */
static gboolean
evaluate_rows (ConduitMapping     *self,
               ConduitArena       *arena,
               const ConduitValue *record,
               GPtrArray          *reasons)
{
  guint reasons_before = reasons->len;
  ConduitValue **memo = NULL;
  GError *error = NULL;
  EvalContext context = { arena, record, -1, &error, NULL, NULL };

  /* compiled already, the usual case: without the call and its type check, once a record */
  if ((self->dirty || self->problems->len > 0) && !conduit_mapping_compile (self, NULL))
    {
      for (guint i = 0; i < self->problems->len; i++)
        {
          ConduitMappingProblem *problem = g_ptr_array_index (self->problems, i);
          const char *field = "";

          if (problem->row >= 0)
            field = ((CompiledRow *)g_ptr_array_index (self->compiled, problem->row))->destination;
          conduit_mapping_add_reason (reasons, field, -1, "", "mapping", NULL, problem->message);
        }
      return FALSE;
    }

  /* the values of the calls several rows make alike, for this record */
  if (self->n_shared_calls > 0)
    {
      memo = conduit_arena_alloc (arena, sizeof (ConduitValue *) * self->n_shared_calls);
      memset (memo, 0, sizeof (ConduitValue *) * self->n_shared_calls);
      context.memo = memo;
    }

  for (guint i = 0; i < self->compiled->len; i++)
    {
      CompiledRow *row = g_ptr_array_index (self->compiled, i);
      gint64 length = -1;
      ConduitValue *value;

      /* a plain row, the commonest, as evaluate_row() does it but without its call and its
       * GError cleanup per row: a dozen rows per record; one call of fields and literals
       * (trim(first_name)), most rows, without conduit_expression_eval_shared()'s call */
      if (!(row->array_row && row->iterates))
        {
          ExprNode *root = row->source->root;

          if (row->source->plain_call)
            value = conduit_expression_eval_plain_call (row->source, &context);
          else if (row->source->plain_shared_call && memo != NULL)
            {
              /* such a call that other rows make too: computed once per record (a failed
               * one is not kept) */
              ConduitValue **kept = &memo[root->memo - 1];

              value = *kept;
              if (value == NULL)
                value = *kept = conduit_expression_eval_plain_node (root, &context);
            }
          /* a constant, and a field of the record ("field" rows), as they are */
          else if (root != NULL && root->kind == EXPR_LITERAL)
            value = root->literal;
          else if (root != NULL && root->kind == EXPR_PATH)
            value = conduit_expression_path_get_root (&context, &root->path);
          /* another call (concat() of calls, lower(trim(email))) without let names, which
           * would need their places: straight to the call's evaluation */
          else if (root != NULL && root->kind == EXPR_CALL && row->source->n_slots == 0)
            value = conduit_expression_eval_call (&context, root);
          else
            value = conduit_expression_eval_shared (row->source, arena, record, -1, memo, &error);
          if (G_UNLIKELY (value == NULL))
            {
              conduit_expression_set_failed (&error);
              conduit_mapping_add_reason (reasons, row->destination, -1, "", "expression", NULL,
                                          error->message);
              g_clear_error (&error);
              value = (ConduitValue *)&conduit_value_null;
            }
          else if (row->has_rules)
            value = conduit_mapping_rules_check (&row->rules, arena, value, row->destination, -1,
                                                 "", reasons);
        }
      else
        value = evaluate_row (row, arena, record, &length, reasons);

      g_array_index (self->values, ConduitValue *, i) = value;
      g_array_index (self->lengths, gint64, i) = length;
    }

  return reasons->len == reasons_before;
}

gboolean
conduit_mapping_apply_value (ConduitMapping     *self,
                             ConduitArena       *arena,
                             const ConduitValue *record,
                             ConduitValue      **output,
                             GPtrArray          *reasons)
{
  ConduitValue *result;

  if (!evaluate_rows (self, arena, record, reasons))
    {
      *output = NULL;
      return FALSE;
    }

  result = build_object (self, arena, self->plan, -1);
  if (self->keep_unmapped)
    add_unmapped (self, arena, record, &result);
  if (result == NULL)
    {
      result = conduit_arena_alloc (arena, sizeof (ConduitValue));
      result->kind = CONDUIT_VALUE_OBJECT;
      result->len = 0;
      result->members = NULL;
    }
  *output = result;
  return TRUE;
}

/* What build_object() makes, written as JSON text straight from the rows' values: the
 * streaming path makes no output objects and writes each key as compiled. A group that ends
 * up without a member is taken back out of @out. Returns whether the object was written. */
static gboolean
write_object (ConduitMapping *self,
              ConduitArena   *arena,
              PlanNode       *node,
              gint64          item,
              GString        *out)
{
  gsize start = out->len;
  guint n = 0;

  g_string_append_c (out, '{');
  for (guint i = 0; i < node->children->len; i++)
    {
      PlanNode *child = g_ptr_array_index (node->children, i);
      gsize before = out->len;

      /* the comma and the key in one piece */
      conduit_string_append_short (out, child->key_json + (n == 0), child->key_json_len - (n == 0));

      if (child->row < 0 && !(child->is_array && item < 0))
        {
          if (!write_object (self, arena, child, item, out))
            {
              g_string_truncate (out, before);
              continue;
            }
        }
      else
        {
          ConduitValue *value = build_child (self, arena, child, item);

          /* as build_object(): a missing value leaves the field out, unless kept as null */
          if (CONDUIT_VALUE_IS_NULL (value) &&
              value != &conduit_value_explicit_null &&
              (child->row < 0 ||
               !((CompiledRow *)g_ptr_array_index (self->compiled, child->row))->keep_null))
            {
              g_string_truncate (out, before);
              continue;
            }
          /* a string, most values, and a whole number without the dispatch on its kind */
          if (value != NULL && value->kind == CONDUIT_VALUE_STRING)
            conduit_value_write_json_string (out, value->string, value->len);
          else if (value != NULL && value->kind == CONDUIT_VALUE_INTEGER)
            conduit_value_write_integer (out, value->integer);
          else
            conduit_value_write_json (out, value);
        }
      n++;
    }

  if (n == 0 && !node->keep_empty)
    {
      g_string_truncate (out, start);
      return FALSE;
    }
  g_string_append_c (out, '}');
  return TRUE;
}

/* conduit_mapping_apply_value() and conduit_value_write_json() of its output in one: on
 * success the mapped record is appended to @out as one line of JSON text (without the line
 * break); on refusal @out is left as it was and the reasons are added. */
gboolean
conduit_mapping_write_value (ConduitMapping     *self,
                             ConduitArena       *arena,
                             const ConduitValue *record,
                             GString            *out,
                             GPtrArray          *reasons)
{
  if (self->keep_unmapped)
    {
      ConduitValue *mapped = NULL;

      if (!conduit_mapping_apply_value (self, arena, record, &mapped, reasons))
        return FALSE;
      conduit_value_write_json (out, mapped);
      return TRUE;
    }

  if (!evaluate_rows (self, arena, record, reasons))
    return FALSE;
  if (!write_object (self, arena, self->plan, -1, out))
    g_string_append (out, "{}");
  return TRUE;
}

/**
 * conduit_mapping_apply:
 * @self: a mapping
 * @record: the source record
 * @output: (out) (transfer full) (optional): the destination record when it passes
 * @reasons: (out) (transfer container) (element-type ConduitMappingReason) (optional): every
 *   reason when it is refused
 *
 * Applies the mapping to one record. A record is never dropped: it either passes or comes
 * back with the reasons it was refused, a problem of the mapping itself included.
 *
 * Returns: %TRUE when the record passes
 */
gboolean
conduit_mapping_apply (ConduitMapping  *self,
                       JsonNode        *record,
                       JsonNode       **output,
                       GPtrArray      **reasons)
{
  g_autoptr(ConduitArena) arena = NULL;
  g_autoptr(GPtrArray) found = NULL;
  ConduitValue *root, *result = NULL;
  gboolean passed;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), FALSE);

  arena = conduit_arena_new ();
  found = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);
  root = conduit_value_from_json_node (arena, record);
  passed = conduit_mapping_apply_value (self, arena, root, &result, found);

  if (output != NULL)
    *output = passed ? conduit_value_to_json_node (result) : NULL;
  if (reasons != NULL)
    *reasons = passed ? NULL : g_steal_pointer (&found);
  return passed;
}

/**
 * conduit_mapping_preview_row:
 * @self: a mapping
 * @position: a row number
 * @record: a sample record
 * @reasons: (out) (transfer container) (element-type ConduitMappingReason) (optional): why
 *   the row's value would refuse the record, or %NULL when it would not
 *
 * What one row writes for @record, for the preview column of the mapping table: the value
 * after its type rule's conversion, a list of one value per item for an array row.
 * conduit_mapping_preview_row_full() also tells a null that is written from no value.
 *
 * Returns: (transfer full) (nullable): the value (JSON null when it writes nothing), or %NULL
 *   when the mapping has a problem in this row
 */
JsonNode *
conduit_mapping_preview_row (ConduitMapping  *self,
                             guint            position,
                             JsonNode        *record,
                             GPtrArray      **reasons)
{
  return conduit_mapping_preview_row_full (self, position, record, NULL, reasons);
}

/**
 * conduit_mapping_preview_row_full:
 * @self: a mapping
 * @position: a row number
 * @record: a sample record
 * @written: (out) (optional): whether the field is written at all: %FALSE when the value is
 *   missing and the field left out, %TRUE for a value and for a null that is written (the
 *   `null` literal, a null constant, a row that keeps nulls)
 * @reasons: (out) (transfer container) (element-type ConduitMappingReason) (optional): why
 *   the row's value would refuse the record, or %NULL when it would not
 *
 * Like conduit_mapping_preview_row(), so that a preview can show absent and null apart.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL when the mapping has a problem in
 *   this row
 */
JsonNode *
conduit_mapping_preview_row_full (ConduitMapping  *self,
                                  guint            position,
                                  JsonNode        *record,
                                  gboolean        *written,
                                  GPtrArray      **reasons)
{
  g_autoptr(ConduitArena) arena = NULL;
  g_autoptr(GPtrArray) found = NULL;
  CompiledRow *row;
  ConduitValue *value;
  gint64 length;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);

  if (reasons != NULL)
    *reasons = NULL;
  if (written != NULL)
    *written = FALSE;
  conduit_mapping_compile (self, NULL);
  row = g_ptr_array_index (self->compiled, position);
  for (guint i = 0; i < self->problems->len; i++)
    if (((ConduitMappingProblem *)g_ptr_array_index (self->problems, i))->row == (int)position)
      return NULL;

  arena = conduit_arena_new ();
  found = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);
  value = evaluate_row (row, arena, conduit_value_from_json_node (arena, record), &length, found);
  if (reasons != NULL && found->len > 0)
    *reasons = g_steal_pointer (&found);
  if (written != NULL)
    *written = !CONDUIT_VALUE_IS_NULL (value) || value == &conduit_value_explicit_null ||
               row->keep_null;
  return conduit_value_to_json_node (value);
}
