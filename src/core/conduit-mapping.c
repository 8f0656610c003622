/* conduit-mapping.c
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

/* Rows are compiled once (on load, and again after an edit) into expressions, rules and an
 * output plan: the tree of destination objects and arrays. Applying then evaluates each row
 * into the record's arena and walks the plan to build the output, so nothing is parsed or
 * looked up by name per record. */

struct _ConduitMapping
{
  GObject    parent_instance;

  GPtrArray *rows;               /* (element-type ConduitMappingRow) */
  gboolean   keep_unmapped;

  /* compiled state, rebuilt when dirty */
  gboolean   dirty;
  GPtrArray *compiled;           /* (element-type CompiledRow) */
  GPtrArray *problems;           /* (element-type ConduitMappingProblem) */
  struct _PlanNode *plan;
  GHashTable *read_fields;       /* top-level source names the rows read */

  /* per-record scratch, reused */
  GArray    *values;             /* (element-type ConduitValue*) one per compiled row */
  GArray    *lengths;            /* (element-type gint64) items of array rows, -1 otherwise */
};

typedef struct
{
  ConduitExpression   *source;
  char                *destination;
  char                *field_prefix;   /* "lines" of lines[].sku, or the whole destination */
  char                *field_suffix;   /* ".sku" of lines[].sku, or "" */
  gboolean             array_row;      /* the destination has [] */
  gboolean             iterates;       /* ...and the source has [] too: one value per item */
  ConduitMappingRules  rules;
  gboolean             has_rules;
} CompiledRow;

typedef struct _PlanNode PlanNode;

struct _PlanNode
{
  char      *key;
  guint      key_len;
  gboolean   is_array;
  int        row;         /* a leaf's compiled row, or -1 for a group */
  GPtrArray *children;    /* (element-type PlanNode) */
  GArray    *iterating;   /* (element-type int) for arrays: rows that give the item count */
};

static void conduit_mapping_list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitMapping, conduit_mapping, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      conduit_mapping_list_model_iface_init))

G_DEFINE_QUARK (conduit-mapping-error-quark, conduit_mapping_error)

G_DEFINE_BOXED_TYPE (ConduitMappingReason, conduit_mapping_reason,
                     conduit_mapping_reason_copy, conduit_mapping_reason_free)
G_DEFINE_BOXED_TYPE (ConduitMappingProblem, conduit_mapping_problem,
                     conduit_mapping_problem_copy, conduit_mapping_problem_free)

enum {
  PROP_0,
  PROP_KEEP_UNMAPPED,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- reasons and problems -------------------------------------------------------------- */

/**
 * conduit_mapping_reason_new:
 * @field: the destination field
 * @rule: the rule that failed
 * @value: (nullable): the value at fault, copied
 * @message: the sentence for a person
 *
 * Returns: (transfer full): a new reason
 */
ConduitMappingReason *
conduit_mapping_reason_new (const char *field,
                            const char *rule,
                            JsonNode   *value,
                            const char *message)
{
  ConduitMappingReason *reason = g_new0 (ConduitMappingReason, 1);

  reason->field = g_strdup (field);
  reason->rule = g_strdup (rule);
  reason->value = value ? json_node_copy (value) : NULL;
  reason->message = g_strdup (message);
  return reason;
}

/**
 * conduit_mapping_reason_copy:
 * @reason: a reason
 *
 * Returns: (transfer full): a copy
 */
ConduitMappingReason *
conduit_mapping_reason_copy (const ConduitMappingReason *reason)
{
  return conduit_mapping_reason_new (reason->field, reason->rule, reason->value, reason->message);
}

/**
 * conduit_mapping_reason_free:
 * @reason: (transfer full): a reason
 */
void
conduit_mapping_reason_free (ConduitMappingReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->field);
  g_free (reason->rule);
  g_clear_pointer (&reason->value, json_node_unref);
  g_free (reason->message);
  g_free (reason);
}

/**
 * conduit_mapping_reason_to_json:
 * @reason: a reason
 *
 * Returns: (transfer full): `{"field": …, "rule": …, "value": …, "message": …}`
 */
JsonNode *
conduit_mapping_reason_to_json (const ConduitMappingReason *reason)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (reason != NULL, NULL);

  json_object_set_string_member (object, "field", reason->field);
  json_object_set_string_member (object, "rule", reason->rule);
  json_object_set_member (object, "value",
                          reason->value ? json_node_copy (reason->value) : json_node_new (JSON_NODE_NULL));
  json_object_set_string_member (object, "message", reason->message);
  json_node_take_object (node, object);
  return node;
}

static ConduitMappingProblem *
problem_new (const char *pointer,
             int         row,
             guint       column,
             guint       length,
             const char *message)
{
  ConduitMappingProblem *problem = g_new0 (ConduitMappingProblem, 1);

  problem->pointer = g_strdup (pointer);
  problem->row = row;
  problem->column = column;
  problem->length = length;
  problem->message = g_strdup (message);
  return problem;
}

/**
 * conduit_mapping_problem_copy:
 * @problem: a problem
 *
 * Returns: (transfer full): a copy
 */
ConduitMappingProblem *
conduit_mapping_problem_copy (const ConduitMappingProblem *problem)
{
  return problem_new (problem->pointer, problem->row, problem->column, problem->length,
                      problem->message);
}

/**
 * conduit_mapping_problem_free:
 * @problem: (transfer full): a problem
 */
void
conduit_mapping_problem_free (ConduitMappingProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->pointer);
  g_free (problem->message);
  g_free (problem);
}

G_GNUC_PRINTF (5, 6)
static void
add_problem (GPtrArray  *problems,
             int         row,
             const char *member,
             guint       column,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *pointer = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (row < 0)
    pointer = g_strdup (member ? member : "");
  else if (member != NULL)
    pointer = g_strdup_printf ("/rows/%d/%s", row, member);
  else
    pointer = g_strdup_printf ("/rows/%d", row);

  g_ptr_array_add (problems, problem_new (pointer, row, column, 0, message));
}

static void
add_expression_problem (GPtrArray  *problems,
                        int         row,
                        const char *member,
                        const char *what,
                        GError     *error)
{
  ConduitMappingProblem *problem;

  /* TRANSLATORS: "row 3, expression: column 5: …" */
  add_problem (problems, row, member, conduit_expression_error_get_column (error),
               _("row %d, %s: %s"), row + 1, what, error->message);
  problem = g_ptr_array_index (problems, problems->len - 1);
  problem->length = conduit_expression_error_get_length (error);
}

/* ---- the plan ------------------------------------------------------------------------- */

static void
plan_node_free (PlanNode *node)
{
  if (node == NULL)
    return;
  g_free (node->key);
  g_clear_pointer (&node->children, g_ptr_array_unref);
  g_clear_pointer (&node->iterating, g_array_unref);
  g_free (node);
}

static PlanNode *
plan_node_new (const char *key,
               guint       key_len)
{
  PlanNode *node = g_new0 (PlanNode, 1);

  node->key = g_strndup (key, key_len);
  node->key_len = key_len;
  node->row = -1;
  node->children = g_ptr_array_new_with_free_func ((GDestroyNotify)plan_node_free);
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

static void
compiled_row_free (CompiledRow *row)
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
      add_problem (problems, index, "destination", 1,
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
          add_problem (problems, index, "destination", 1,
                       _("row %d: a destination cannot name one item ([%d]); use [] to make "
                         "a list from a source list"), index + 1, (int)segment->index);
          goto fail;
        }
      if (segment->kind == SEGMENT_ALL)
        continue;
      if (is_array && seen_all)
        {
          add_problem (problems, index, "destination", 1,
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
          add_problem (problems, index, "destination", 1,
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
          add_problem (problems, index, "field", 0, _("row %d: no source field is chosen"), index + 1);
          return NULL;
        }
      expression = conduit_expression_new_path (source, &error);
      if (expression == NULL)
        add_expression_problem (problems, index, "field", _("source field"), error);
      return expression;

    case CONDUIT_MAPPING_SOURCE_EXPRESSION:
      expression = conduit_expression_new (source, &error);
      if (expression == NULL)
        add_expression_problem (problems, index, "expression", _("expression"), error);
      return expression;

    case CONDUIT_MAPPING_SOURCE_CONSTANT:
      {
        g_autoptr(JsonParser) parser = json_parser_new ();
        JsonNode *root;

        if (!json_parser_load_from_data (parser, source, -1, &error) ||
            (root = json_parser_get_root (parser)) == NULL)
          {
            add_problem (problems, index, "constant", 0,
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

      rules->pattern = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, &error);
      if (rules->pattern == NULL)
        {
          add_problem (problems, index, "pattern", 0,
                       _("row %d: the pattern is not a valid regular expression: %s"), index + 1,
                       error->message);
          ok = FALSE;
        }
    }

  if (values != NULL && values[0] != NULL)
    rules->values = g_strdupv ((char **)values);
  else if (rules->type == CONDUIT_MAPPING_TYPE_ENUM)
    {
      add_problem (problems, index, "values", 0,
                   _("row %d: the type “enum” needs the list of allowed values"), index + 1);
      ok = FALSE;
    }

  if (rules->min_length >= 0 && rules->max_length >= 0 && rules->min_length > rules->max_length)
    {
      add_problem (problems, index, "min_length", 0,
                   _("row %d: the least length is more than the greatest"), index + 1);
      ok = FALSE;
    }
  if (rules->has_minimum && rules->has_maximum && rules->minimum > rules->maximum)
    {
      add_problem (problems, index, "minimum", 0,
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
  g_clear_pointer (&self->plan, plan_node_free);
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
              add_problem (self->problems, i, "destination", 0, _("row %u has no destination"), i + 1);
              continue;
            }
          destination = conduit_expression_new_path (text, &error);
          if (destination == NULL)
            {
              add_expression_problem (self->problems, i, "destination", _("destination"), error);
              continue;
            }
          plan_add (self, compiled, i, conduit_expression_get_path (destination), self->problems);
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

      /* a missing value leaves the field out rather than sending null */
      if (CONDUIT_VALUE_IS_NULL (value))
        continue;
      members[n].key = child->key;
      members[n].key_len = child->key_len;
      members[n].value = value;
      n++;
    }

  if (n == 0)
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

gboolean
conduit_mapping_apply_value (ConduitMapping     *self,
                             ConduitArena       *arena,
                             const ConduitValue *record,
                             ConduitValue      **output,
                             GPtrArray          *reasons)
{
  guint reasons_before = reasons->len;
  ConduitValue *result;

  if (!conduit_mapping_compile (self, NULL))
    {
      for (guint i = 0; i < self->problems->len; i++)
        {
          ConduitMappingProblem *problem = g_ptr_array_index (self->problems, i);
          const char *field = "";

          if (problem->row >= 0)
            field = ((CompiledRow *)g_ptr_array_index (self->compiled, problem->row))->destination;
          conduit_mapping_add_reason (reasons, field, -1, "", "mapping", NULL, problem->message);
        }
      *output = NULL;
      return FALSE;
    }

  for (guint i = 0; i < self->compiled->len; i++)
    {
      gint64 length;
      ConduitValue *value = evaluate_row (g_ptr_array_index (self->compiled, i), arena, record,
                                          &length, reasons);

      g_array_index (self->values, ConduitValue *, i) = value;
      g_array_index (self->lengths, gint64, i) = length;
    }

  if (reasons->len > reasons_before)
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
  g_autoptr(ConduitArena) arena = NULL;
  g_autoptr(GPtrArray) found = NULL;
  CompiledRow *row;
  ConduitValue *value;
  gint64 length;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);
  g_return_val_if_fail (position < self->rows->len, NULL);

  if (reasons != NULL)
    *reasons = NULL;
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
  return conduit_value_to_json_node (value);
}

/* ---- JSON ----------------------------------------------------------------------------- */

static const char *const row_members[] = {
  "destination", "field", "constant", "expression", "required", "type", "pattern",
  "min_length", "max_length", "minimum", "maximum", "values", "suggested", "notes", NULL,
};

static gboolean
member_is (JsonObject *object,
           const char *name,
           GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (type == G_TYPE_DOUBLE)
    return json_node_get_value_type (node) == G_TYPE_DOUBLE ||
           json_node_get_value_type (node) == G_TYPE_INT64;
  return json_node_get_value_type (node) == type;
}

static ConduitMappingRow *
row_from_json (JsonNode  *node,
               int        index,
               GPtrArray *problems)
{
  g_autoptr(ConduitMappingRow) row = NULL;
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  guint sources = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      add_problem (problems, index, NULL, 0, _("row %d must be an object"), index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  row = conduit_mapping_row_new ("", CONDUIT_MAPPING_SOURCE_FIELD, "");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (row_members, name))
      add_problem (problems, index, name, 0, _("row %d: “%s” is not a row setting"), index + 1, name);

  if (member_is (object, "destination", G_TYPE_STRING))
    conduit_mapping_row_set_destination (row, json_object_get_string_member (object, "destination"));
  else
    add_problem (problems, index, "destination", 0,
                 _("row %d: “destination” must be text, the destination field"), index + 1);

  if (json_object_has_member (object, "field"))
    {
      sources++;
      if (member_is (object, "field", G_TYPE_STRING))
        conduit_mapping_row_set_source (row, json_object_get_string_member (object, "field"));
      else
        add_problem (problems, index, "field", 0, _("row %d: “field” must be text, a field path"),
                     index + 1);
    }
  if (json_object_has_member (object, "expression"))
    {
      sources++;
      conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_EXPRESSION);
      if (member_is (object, "expression", G_TYPE_STRING))
        conduit_mapping_row_set_source (row, json_object_get_string_member (object, "expression"));
      else
        add_problem (problems, index, "expression", 0, _("row %d: “expression” must be text"),
                     index + 1);
    }
  if (json_object_has_member (object, "constant"))
    {
      g_autofree char *text = json_to_string (json_object_get_member (object, "constant"), FALSE);

      sources++;
      conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_CONSTANT);
      conduit_mapping_row_set_source (row, text);
    }
  if (sources != 1)
    add_problem (problems, index, NULL, 0,
                 _("row %d needs exactly one source: “field”, “constant” or “expression”"),
                 index + 1);

  if (json_object_has_member (object, "required"))
    {
      if (member_is (object, "required", G_TYPE_BOOLEAN))
        conduit_mapping_row_set_required (row, json_object_get_boolean_member (object, "required"));
      else
        add_problem (problems, index, "required", 0, _("row %d: “required” must be true or false"),
                     index + 1);
    }

  if (json_object_has_member (object, "type"))
    {
      ConduitMappingType type;

      if (member_is (object, "type", G_TYPE_STRING) &&
          conduit_mapping_type_from_string (json_object_get_string_member (object, "type"), &type))
        conduit_mapping_row_set_value_type (row, type);
      else
        add_problem (problems, index, "type", 0,
                     _("row %d: “type” must be one of string, number, integer, boolean, date, "
                       "datetime, email, url, enum"), index + 1);
    }

  if (json_object_has_member (object, "pattern"))
    {
      if (member_is (object, "pattern", G_TYPE_STRING))
        conduit_mapping_row_set_pattern (row, json_object_get_string_member (object, "pattern"));
      else
        add_problem (problems, index, "pattern", 0, _("row %d: “pattern” must be text"), index + 1);
    }

  for (guint i = 0; i < 2; i++)
    {
      const char *key = i == 0 ? "min_length" : "max_length";

      if (!json_object_has_member (object, key))
        continue;
      if (member_is (object, key, G_TYPE_INT64) && json_object_get_int_member (object, key) >= 0 &&
          json_object_get_int_member (object, key) <= G_MAXINT)
        {
          int value = json_object_get_int_member (object, key);

          if (i == 0)
            conduit_mapping_row_set_min_length (row, value);
          else
            conduit_mapping_row_set_max_length (row, value);
        }
      else
        add_problem (problems, index, key, 0, _("row %d: “%s” must be a whole number, 0 or more"),
                     index + 1, key);
    }

  for (guint i = 0; i < 2; i++)
    {
      const char *key = i == 0 ? "minimum" : "maximum";

      if (!json_object_has_member (object, key))
        continue;
      if (member_is (object, key, G_TYPE_DOUBLE))
        {
          double value = json_object_get_double_member (object, key);

          if (i == 0)
            conduit_mapping_row_set_minimum (row, TRUE, value);
          else
            conduit_mapping_row_set_maximum (row, TRUE, value);
        }
      else
        add_problem (problems, index, key, 0, _("row %d: “%s” must be a number"), index + 1, key);
    }

  if (json_object_has_member (object, "values"))
    {
      JsonNode *values = json_object_get_member (object, "values");
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) strv = NULL;
      gboolean ok = JSON_NODE_HOLDS_ARRAY (values);

      if (ok)
        {
          JsonArray *array = json_node_get_array (values);

          for (guint i = 0; i < json_array_get_length (array) && ok; i++)
            {
              JsonNode *item = json_array_get_element (array, i);

              if (JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING)
                g_strv_builder_add (builder, json_node_get_string (item));
              else if (JSON_NODE_HOLDS_VALUE (item))
                {
                  g_autofree char *text = json_to_string (item, FALSE);

                  g_strv_builder_add (builder, text);
                }
              else
                ok = FALSE;
            }
        }
      if (ok)
        {
          strv = g_strv_builder_end (builder);
          conduit_mapping_row_set_allowed_values (row, (const char * const *)strv);
        }
      else
        add_problem (problems, index, "values", 0,
                     _("row %d: “values” must be a list of allowed values"), index + 1);
    }

  if (json_object_has_member (object, "suggested"))
    conduit_mapping_row_set_suggested (row, member_is (object, "suggested", G_TYPE_BOOLEAN) &&
                                            json_object_get_boolean_member (object, "suggested"));

  return g_steal_pointer (&row);
}

static int
compare_problem_rows (gconstpointer a,
                      gconstpointer b)
{
  const ConduitMappingProblem *pa = *(ConduitMappingProblem **)a;
  const ConduitMappingProblem *pb = *(ConduitMappingProblem **)b;

  return pa->row < pb->row ? -1 : pa->row > pb->row;
}

/**
 * conduit_mapping_load_json:
 * @json: (nullable): a flow node's "mapping" member
 * @problems: (out) (transfer container) (element-type ConduitMappingProblem): every problem
 *   of the JSON and of the rows, each with a JSON pointer relative to @json and, for
 *   expressions and paths, the column in that text
 *
 * Loads as much of the mapping as can be read, so that an editor can show it with its
 * problems marked.
 *
 * Returns: (transfer full): the mapping
 */
ConduitMapping *
conduit_mapping_load_json (JsonNode   *json,
                           GPtrArray **problems)
{
  g_autoptr(ConduitMapping) self = conduit_mapping_new ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_problem_free);
  g_autoptr(GPtrArray) compile_problems = NULL;
  JsonObject *object;
  JsonNode *rows;

  g_return_val_if_fail (problems != NULL, NULL);

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json))
    {
      add_problem (found, -1, "", 0, _("the mapping must be an object with “rows”"));
      *problems = g_steal_pointer (&found);
      return g_steal_pointer (&self);
    }

  object = json_node_get_object (json);
  {
    JsonObjectIter iter;
    const char *name;
    JsonNode *member;

    json_object_iter_init (&iter, object);
    while (json_object_iter_next (&iter, &name, &member))
      if (!g_str_equal (name, "rows") && !g_str_equal (name, "keep_unmapped"))
        {
          g_autofree char *pointer = g_strconcat ("/", name, NULL);

          add_problem (found, -1, pointer, 0, _("“%s” is not a mapping setting"), name);
        }
  }

  if (json_object_has_member (object, "keep_unmapped"))
    conduit_mapping_set_keep_unmapped (self, member_is (object, "keep_unmapped", G_TYPE_BOOLEAN) &&
                                             json_object_get_boolean_member (object, "keep_unmapped"));

  rows = json_object_get_member (object, "rows");
  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    add_problem (found, -1, "/rows", 0, _("the mapping’s “rows” must be a list"));
  else
    {
      JsonArray *array = json_node_get_array (rows);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(ConduitMappingRow) row = row_from_json (json_array_get_element (array, i), i, found);

          if (row == NULL)
            row = conduit_mapping_row_new ("", CONDUIT_MAPPING_SOURCE_FIELD, "");
          conduit_mapping_append_row (self, row);
        }
    }

  /* A member already found wrong, or a row that is not one (not an object, two sources),
   * would only be reported again, in other words, by compiling. */
  conduit_mapping_compile (self, &compile_problems);
  for (guint i = 0; i < compile_problems->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (compile_problems, i);
      g_autofree char *row_pointer = g_strdup_printf ("/rows/%d", problem->row);
      gboolean known = FALSE;

      for (guint j = 0; j < found->len && !known; j++)
        {
          ConduitMappingProblem *other = g_ptr_array_index (found, j);

          known = other->row == problem->row && problem->row >= 0 &&
                  (g_str_equal (other->pointer, problem->pointer) ||
                   g_str_equal (other->pointer, row_pointer));
        }
      if (!known)
        g_ptr_array_add (found, conduit_mapping_problem_copy (problem));
    }

  /* g_ptr_array_sort() is a stable merge sort: problems of a row stay in their order */
  g_ptr_array_sort (found, compare_problem_rows);
  *problems = g_steal_pointer (&found);
  return g_steal_pointer (&self);
}

/**
 * conduit_mapping_new_from_json:
 * @json: a flow node's "mapping" member
 * @error: where the first problem goes (%CONDUIT_MAPPING_ERROR_INVALID)
 *
 * Returns: (transfer full) (nullable): the mapping ready to apply, or %NULL when it has a
 *   problem (use conduit_mapping_load_json() to get all of them)
 */
ConduitMapping *
conduit_mapping_new_from_json (JsonNode  *json,
                               GError   **error)
{
  g_autoptr(ConduitMapping) self = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = conduit_mapping_load_json (json, &problems);
  if (problems->len > 0)
    {
      ConduitMappingProblem *first = g_ptr_array_index (problems, 0);

      g_set_error (error, CONDUIT_MAPPING_ERROR, CONDUIT_MAPPING_ERROR_INVALID, "%s: %s",
                   *first->pointer ? first->pointer : "/", first->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * conduit_mapping_to_json:
 * @self: a mapping
 *
 * Returns: (transfer full): the mapping as a flow node's "mapping" member
 */
JsonNode *
conduit_mapping_to_json (ConduitMapping *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);

  json_builder_begin_object (builder);
  if (self->keep_unmapped)
    {
      json_builder_set_member_name (builder, "keep_unmapped");
      json_builder_add_boolean_value (builder, TRUE);
    }
  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->rows->len; i++)
    {
      ConduitMappingRow *row = g_ptr_array_index (self->rows, i);
      const char *source = conduit_mapping_row_get_source (row);
      const char * const *values = conduit_mapping_row_get_allowed_values (row);
      double limit;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "destination");
      json_builder_add_string_value (builder, conduit_mapping_row_get_destination (row));
      switch (conduit_mapping_row_get_source_kind (row))
        {
        case CONDUIT_MAPPING_SOURCE_FIELD:
          json_builder_set_member_name (builder, "field");
          json_builder_add_string_value (builder, source);
          break;
        case CONDUIT_MAPPING_SOURCE_EXPRESSION:
          json_builder_set_member_name (builder, "expression");
          json_builder_add_string_value (builder, source);
          break;
        case CONDUIT_MAPPING_SOURCE_CONSTANT:
          {
            JsonNode *constant = json_from_string (source, NULL);

            json_builder_set_member_name (builder, "constant");
            if (constant == NULL)
              {
                constant = json_node_new (JSON_NODE_VALUE);
                json_node_set_string (constant, source);
              }
            json_builder_add_value (builder, constant);
          }
          break;
        default:
          g_assert_not_reached ();
        }
      if (conduit_mapping_row_get_required (row))
        {
          json_builder_set_member_name (builder, "required");
          json_builder_add_boolean_value (builder, TRUE);
        }
      if (conduit_mapping_row_get_value_type (row) != CONDUIT_MAPPING_TYPE_ANY)
        {
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder,
                                         conduit_mapping_type_to_string (conduit_mapping_row_get_value_type (row)));
        }
      if (conduit_mapping_row_get_pattern (row) != NULL)
        {
          json_builder_set_member_name (builder, "pattern");
          json_builder_add_string_value (builder, conduit_mapping_row_get_pattern (row));
        }
      if (conduit_mapping_row_get_min_length (row) >= 0)
        {
          json_builder_set_member_name (builder, "min_length");
          json_builder_add_int_value (builder, conduit_mapping_row_get_min_length (row));
        }
      if (conduit_mapping_row_get_max_length (row) >= 0)
        {
          json_builder_set_member_name (builder, "max_length");
          json_builder_add_int_value (builder, conduit_mapping_row_get_max_length (row));
        }
      if (conduit_mapping_row_get_minimum (row, &limit))
        {
          json_builder_set_member_name (builder, "minimum");
          if (limit == (gint64)limit)
            json_builder_add_int_value (builder, (gint64)limit);
          else
            json_builder_add_double_value (builder, limit);
        }
      if (conduit_mapping_row_get_maximum (row, &limit))
        {
          json_builder_set_member_name (builder, "maximum");
          if (limit == (gint64)limit)
            json_builder_add_int_value (builder, (gint64)limit);
          else
            json_builder_add_double_value (builder, limit);
        }
      if (values != NULL)
        {
          json_builder_set_member_name (builder, "values");
          json_builder_begin_array (builder);
          for (guint j = 0; values[j]; j++)
            json_builder_add_string_value (builder, values[j]);
          json_builder_end_array (builder);
        }
      if (conduit_mapping_row_get_suggested (row))
        {
          json_builder_set_member_name (builder, "suggested");
          json_builder_add_boolean_value (builder, TRUE);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ---- rows as a list model -------------------------------------------------------------- */

static GType
conduit_mapping_get_item_type (GListModel *model)
{
  return CONDUIT_TYPE_MAPPING_ROW;
}

static guint
conduit_mapping_get_n_items (GListModel *model)
{
  return CONDUIT_MAPPING (model)->rows->len;
}

static gpointer
conduit_mapping_get_item (GListModel *model,
                          guint       position)
{
  ConduitMapping *self = CONDUIT_MAPPING (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->rows, position));
}

static void
conduit_mapping_list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = conduit_mapping_get_item_type;
  iface->get_n_items = conduit_mapping_get_n_items;
  iface->get_item = conduit_mapping_get_item;
}

static void
on_row_notify (ConduitMapping *self)
{
  self->dirty = TRUE;
}

static void
rows_changed (ConduitMapping *self,
              guint           position,
              guint           removed,
              guint           added)
{
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
conduit_mapping_dispose (GObject *object)
{
  ConduitMapping *self = (ConduitMapping *)object;

  for (guint i = 0; self->rows && i < self->rows->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->rows, i), on_row_notify, self);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->compiled, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_mapping_parent_class)->dispose (object);
}

static void
conduit_mapping_finalize (GObject *object)
{
  ConduitMapping *self = (ConduitMapping *)object;

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->plan, plan_node_free);
  g_clear_pointer (&self->read_fields, g_hash_table_unref);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->lengths, g_array_unref);

  G_OBJECT_CLASS (conduit_mapping_parent_class)->finalize (object);
}

static void
conduit_mapping_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConduitMapping *self = CONDUIT_MAPPING (object);

  switch (prop_id)
    {
    case PROP_KEEP_UNMAPPED:
      g_value_set_boolean (value, self->keep_unmapped);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rows->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConduitMapping *self = CONDUIT_MAPPING (object);

  switch (prop_id)
    {
    case PROP_KEEP_UNMAPPED:
      conduit_mapping_set_keep_unmapped (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_mapping_class_init (ConduitMappingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_mapping_dispose;
  object_class->finalize = conduit_mapping_finalize;
  object_class->get_property = conduit_mapping_get_property;
  object_class->set_property = conduit_mapping_set_property;

  properties[PROP_KEEP_UNMAPPED] =
    g_param_spec_boolean ("keep-unmapped", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_mapping_init (ConduitMapping *self)
{
  self->rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->compiled = g_ptr_array_new_with_free_func ((GDestroyNotify)compiled_row_free);
  self->problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_problem_free);
  self->read_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->values = g_array_new (FALSE, TRUE, sizeof (ConduitValue *));
  self->lengths = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->dirty = TRUE;
}

/**
 * conduit_mapping_new:
 *
 * Returns: (transfer full): a mapping without rows
 */
ConduitMapping *
conduit_mapping_new (void)
{
  return g_object_new (CONDUIT_TYPE_MAPPING, NULL);
}

/**
 * conduit_mapping_get_row:
 * @self: a mapping
 * @position: a row number from 0
 *
 * Returns: (transfer none) (nullable): the row
 */
ConduitMappingRow *
conduit_mapping_get_row (ConduitMapping *self,
                         guint           position)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);

  return position < self->rows->len ? g_ptr_array_index (self->rows, position) : NULL;
}

/**
 * conduit_mapping_insert_row:
 * @self: a mapping
 * @position: where, clamped to the number of rows
 * @row: the row, referenced
 */
void
conduit_mapping_insert_row (ConduitMapping    *self,
                            guint              position,
                            ConduitMappingRow *row)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (CONDUIT_IS_MAPPING_ROW (row));

  position = MIN (position, self->rows->len);
  g_ptr_array_insert (self->rows, position, g_object_ref (row));
  g_signal_connect_swapped (row, "notify", G_CALLBACK (on_row_notify), self);
  rows_changed (self, position, 0, 1);
}

/**
 * conduit_mapping_append_row:
 * @self: a mapping
 * @row: the row, referenced
 */
void
conduit_mapping_append_row (ConduitMapping    *self,
                            ConduitMappingRow *row)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));

  conduit_mapping_insert_row (self, self->rows->len, row);
}

/**
 * conduit_mapping_remove_row:
 * @self: a mapping
 * @position: the row number
 */
void
conduit_mapping_remove_row (ConduitMapping *self,
                            guint           position)
{
  ConduitMappingRow *row;

  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (position < self->rows->len);

  row = g_ptr_array_index (self->rows, position);
  g_signal_handlers_disconnect_by_func (row, on_row_notify, self);
  g_ptr_array_remove_index (self->rows, position);
  rows_changed (self, position, 1, 0);
}

/**
 * conduit_mapping_move_row:
 * @self: a mapping
 * @from: the row number
 * @to: its new number
 */
void
conduit_mapping_move_row (ConduitMapping *self,
                          guint           from,
                          guint           to)
{
  gpointer row;

  g_return_if_fail (CONDUIT_IS_MAPPING (self));
  g_return_if_fail (from < self->rows->len && to < self->rows->len);

  if (from == to)
    return;
  row = g_ptr_array_steal_index (self->rows, from);
  g_ptr_array_insert (self->rows, to, row);
  self->dirty = TRUE;
  g_list_model_items_changed (G_LIST_MODEL (self), MIN (from, to), ABS ((int)from - (int)to) + 1,
                              ABS ((int)from - (int)to) + 1);
}

/**
 * conduit_mapping_find_destination:
 * @self: a mapping
 * @destination: a destination path
 *
 * Returns: (transfer none) (nullable): the row writing @destination
 */
ConduitMappingRow *
conduit_mapping_find_destination (ConduitMapping *self,
                                  const char     *destination)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      ConduitMappingRow *row = g_ptr_array_index (self->rows, i);

      if (g_str_equal (conduit_mapping_row_get_destination (row), destination))
        return row;
    }
  return NULL;
}

/**
 * conduit_mapping_get_keep_unmapped:
 * @self: a mapping
 *
 * Returns: whether source fields no row reads are passed on
 */
gboolean
conduit_mapping_get_keep_unmapped (ConduitMapping *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (self), FALSE);

  return self->keep_unmapped;
}

/**
 * conduit_mapping_set_keep_unmapped:
 * @self: a mapping
 * @keep_unmapped: whether source fields no row reads are passed on after the mapped ones
 */
void
conduit_mapping_set_keep_unmapped (ConduitMapping *self,
                                   gboolean        keep_unmapped)
{
  g_return_if_fail (CONDUIT_IS_MAPPING (self));

  keep_unmapped = !!keep_unmapped;
  if (self->keep_unmapped == keep_unmapped)
    return;
  self->keep_unmapped = keep_unmapped;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEEP_UNMAPPED]);
}
