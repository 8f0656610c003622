/* conduit-mapping-compile.c
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

/* Compiling turns the rows into expressions, rules and the output plan once, after a load
 * or an edit, so that applying parses and looks up nothing per record. */

/* ---- the plan ------------------------------------------------------------------------- */

void
conduit_mapping_plan_node_free (PlanNode *node)
{
  if (node == NULL)
    return;
  g_free (node->key);
  g_free (node->key_json);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->iterating, g_array_unref);
  g_free (node);
}

static PlanNode *
plan_node_new (const char *key,
               guint       key_len)
{
  PlanNode *node = g_new0 (PlanNode, 1);
  g_autoptr(GString) json = g_string_new (",");

  node->key = g_strndup (key, key_len);
  node->key_len = key_len;
  conduit_value_write_json_string (json, key, key_len);
  g_string_append_c (json, ':');
  node->key_json_len = json->len;
  node->key_json = g_string_free (g_steal_pointer (&json), FALSE);
  node->row = -1;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_plan_node_free);
  node->iterating = g_array_new (FALSE, FALSE, sizeof (int));
  return node;
}

static PlanNode *
plan_child (PlanNode   *node,
            const char *key,
            guint       key_len)
{
  for (guint i = 0; i < node->children->len; i++)
    {
      PlanNode *child = g_ptr_array_index (node->children, i);

      if (child->key_len == key_len && memcmp (child->key, key, key_len) == 0)
        return child;
    }
  return NULL;
}

void
conduit_mapping_compiled_row_free (CompiledRow *row)
{
  g_clear_pointer (&row->source, conduit_expression_unref);
  g_free (row->destination);
  g_free (row->field_prefix);
  g_free (row->field_suffix);
  conduit_mapping_rules_clear (&row->rules);
  g_free (row);
}

/* Places a row's destination in the plan, reporting conflicts with earlier rows. */
static gboolean
plan_add (ConduitMapping    *self,
          CompiledRow       *compiled,
          int                index,
          const ConduitPath *path,
          GPtrArray         *problems)
{
  PlanNode *node = self->plan;
  PlanNode *array_node = NULL;
  GString *prefix = g_string_new (NULL);
  GString *suffix = g_string_new (NULL);
  gboolean seen_all = FALSE;

  if (path->n_segments == 0 || path->segments[0].kind != SEGMENT_KEY)
    {
      conduit_mapping_add_problem (problems, index, "destination", 1,
                   _("row %d: the destination must start with a field name"), index + 1);
      goto fail;
    }

  for (guint i = 0; i < path->n_segments; i++)
    {
      const PathSegment *segment = &path->segments[i];
      gboolean is_array = i + 1 < path->n_segments && path->segments[i + 1].kind == SEGMENT_ALL;
      gboolean last = i + 1 == path->n_segments || (is_array && i + 2 == path->n_segments);
      g_autofree char *quoted = NULL;
      GString *part = seen_all ? suffix : prefix;
      PlanNode *child;

      if (segment->kind == SEGMENT_INDEX)
        {
          conduit_mapping_add_problem (problems, index, "destination", 1,
                       _("row %d: a destination cannot name one item ([%d]); use [] to make "
                         "a list from a source list"), index + 1, (int)segment->index);
          goto fail;
        }
      if (segment->kind == SEGMENT_ALL)
        continue;
      if (is_array && seen_all)
        {
          conduit_mapping_add_problem (problems, index, "destination", 1,
                       _("row %d: a destination can have only one []"), index + 1);
          goto fail;
        }

      quoted = conduit_path_quote_segment (segment->key);
      if (part->len > 0 || seen_all)
        g_string_append_c (part, '.');
      g_string_append (part, quoted);

      child = plan_child (node, segment->key, segment->key_len);
      if (child == NULL)
        {
          child = plan_node_new (segment->key, segment->key_len);
          child->is_array = is_array;
          g_ptr_array_add (node->children, child);
        }
      else if (child->row >= 0 || last || child->is_array != is_array)
        {
          conduit_mapping_add_problem (problems, index, "destination", 1,
                       _("row %d: “%s” is already written by another row"), index + 1,
                       compiled->destination);
          goto fail;
        }

      if (is_array)
        {
          array_node = child;
          seen_all = TRUE;
        }
      if (last)
        child->row = index;
      else if (compiled->keep_empty)
        child->keep_empty = TRUE;
      node = child;
    }

  compiled->array_row = seen_all;
  compiled->field_prefix = g_string_free (prefix, FALSE);
  compiled->field_suffix = g_string_free (suffix, FALSE);
  if (array_node != NULL && compiled->iterates)
    g_array_append_val (array_node->iterating, index);
  return TRUE;

fail:
  g_string_free (prefix, TRUE);
  g_string_free (suffix, TRUE);
  return FALSE;
}

static ConduitExpression *
compile_source (ConduitMappingRow *row,
                int                index,
                GPtrArray         *problems)
{
  g_autoptr(GError) error = NULL;
  ConduitExpression *expression = NULL;
  const char *source = conduit_mapping_row_get_source (row);

  switch (conduit_mapping_row_get_source_kind (row))
    {
    case CONDUIT_MAPPING_SOURCE_FIELD:
      if (*source == '\0')
        {
          conduit_mapping_add_problem (problems, index, "field", 0, _("row %d: no source field is chosen"), index + 1);
          return NULL;
        }
      expression = conduit_expression_new_path (source, &error);
      if (expression == NULL)
        conduit_mapping_add_expression_problem (problems, index, "field", _("source field"), error);
      return expression;

    case CONDUIT_MAPPING_SOURCE_EXPRESSION:
      expression = conduit_expression_new (source, &error);
      if (expression == NULL)
        conduit_mapping_add_expression_problem (problems, index, "expression", _("expression"), error);
      return expression;

    case CONDUIT_MAPPING_SOURCE_CONSTANT:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        JsonNode *root;

        if (!json_parser_load_from_data (parser, source, -1, &error) ||
            (root = json_parser_get_root (parser)) == NULL)
          {
            conduit_mapping_add_problem (problems, index, "constant", 0,
                         _("row %d: the constant is not a JSON value (put text in double quotes)"),
                         index + 1);
            return NULL;
          }
        return conduit_expression_new_constant (root);
      }

    default:
      g_assert_not_reached ();
    }
}

static gboolean
compile_rules (ConduitMappingRow   *row,
               int                  index,
               ConduitMappingRules *rules,
               GPtrArray           *problems)
{
  const char *pattern = conduit_mapping_row_get_pattern (row);
  const char * const *values = conduit_mapping_row_get_allowed_values (row);
  gboolean ok = TRUE;

  rules->required = conduit_mapping_row_get_required (row);
  rules->type = conduit_mapping_row_get_value_type (row);
  rules->min_length = conduit_mapping_row_get_min_length (row);
  rules->max_length = conduit_mapping_row_get_max_length (row);
  rules->has_minimum = conduit_mapping_row_get_minimum (row, &rules->minimum);
  rules->has_maximum = conduit_mapping_row_get_maximum (row, &rules->maximum);

  if (pattern != NULL)
    {
      g_autoptr(GError) error = NULL;

      rules->pattern = conduit_pattern_new (pattern, &error);
      rules->pattern_description = g_strdup (conduit_mapping_row_get_pattern_description (row));
      if (rules->pattern == NULL)
        {
          conduit_mapping_add_problem (problems, index, "pattern", 0,
                       _("row %d: the pattern is not a valid regular expression: %s"), index + 1,
                       error->message);
          ok = FALSE;
        }
    }

  if (values != NULL && values[0] != NULL)
    rules->values = g_strdupv ((char **)values);
  else if (rules->type == CONDUIT_MAPPING_TYPE_ENUM)
    {
      conduit_mapping_add_problem (problems, index, "values", 0,
                   _("row %d: the type “enum” needs the list of allowed values"), index + 1);
      ok = FALSE;
    }

  if (rules->min_length >= 0 && rules->max_length >= 0 && rules->min_length > rules->max_length)
    {
      conduit_mapping_add_problem (problems, index, "min_length", 0,
                   _("row %d: the least length is more than the greatest"), index + 1);
      ok = FALSE;
    }
  if (rules->has_minimum && rules->has_maximum && rules->minimum > rules->maximum)
    {
      conduit_mapping_add_problem (problems, index, "minimum", 0,
                   _("row %d: the minimum is more than the maximum"), index + 1);
      ok = FALSE;
    }

  return ok;
}

static void
clear_compiled (ConduitMapping *self)
{
  g_ptr_array_set_size (self->compiled, 0);
  g_ptr_array_set_size (self->problems, 0);
  g_clear_pointer (&self->plan, conduit_mapping_plan_node_free);
  g_hash_table_remove_all (self->read_fields);
}

/**
 * conduit_mapping_compile:
 * @self: a mapping
 * @problems: (out) (optional) (transfer container) (element-type ConduitMappingProblem):
 *   every problem, each with a JSON pointer into conduit_mapping_to_json()
 *
 * Checks every row and prepares the mapping to be applied. Applying compiles by itself when
 * rows changed; call this to show the problems.
 *
 * Returns: %TRUE when the mapping has no problem
 */
gboolean
conduit_mapping_compile (ConduitMapping  *self,
                         GPtrArray      **problems)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), FALSE);

  if (self->dirty)
    {
      clear_compiled (self);
      self->plan = plan_node_new ("", 0);

      for (guint i = 0; i < self->rows->len; i++)
        {
          ConduitMappingRow *row = g_ptr_array_index (self->rows, i);
          CompiledRow *compiled = g_new0 (CompiledRow, 1);
          g_autoptr(ConduitExpression) destination = NULL;
          g_autoptr(GError) error = NULL;
          const char *text = conduit_mapping_row_get_destination (row);

          g_ptr_array_add (self->compiled, compiled);
          compiled->destination = g_strdup (text);
          compiled->keep_null = conduit_mapping_row_get_keep_null (row);
          compiled->keep_empty = conduit_mapping_row_get_keep_empty (row);
          compiled->source = compile_source (row, i, self->problems);
          compiled->has_rules = compile_rules (row, i, &compiled->rules, self->problems) &&
                                !conduit_mapping_rules_is_empty (&compiled->rules);
          if (compiled->source != NULL)
            {
              compiled->iterates = conduit_expression_uses_iteration (compiled->source);
              conduit_expression_collect_fields (compiled->source, self->read_fields);
            }

          if (*text == '\0')
            {
              conduit_mapping_add_problem (self->problems, i, "destination", 0, _("row %u has no destination"), i + 1);
              continue;
            }
          destination = conduit_expression_new_path (text, &error);
          if (destination == NULL)
            {
              conduit_mapping_add_expression_problem (self->problems, i, "destination", _("destination"), error);
              continue;
            }
          plan_add (self, compiled, i, conduit_expression_get_path (destination), self->problems);
        }

      /* trim(first_name) in a row of its own and in a full name's concat(): computed once per
       * record (conduit_mapping_apply_value()) */
      {
        g_autofree ConduitExpression **sources = g_new (ConduitExpression *,
                                                        self->compiled->len);

        for (guint i = 0; i < self->compiled->len; i++)
          sources[i] = ((CompiledRow *)g_ptr_array_index (self->compiled, i))->source;
        self->n_shared_calls = conduit_expression_share_calls (sources, self->compiled->len);
      }
      g_array_set_size (self->values, self->compiled->len);
      g_array_set_size (self->lengths, self->compiled->len);
      self->dirty = FALSE;
    }

  if (problems != NULL)
    {
      *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_problem_free);
      for (guint i = 0; i < self->problems->len; i++)
        g_ptr_array_add (*problems, conduit_mapping_problem_copy (g_ptr_array_index (self->problems, i)));
    }

  return self->problems->len == 0;
}
