/* conduit-mapping-json.c
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

/* The mapping's JSON form in a flow file: loading reports every problem with its JSON
 * pointer, saving writes only what differs from the defaults. */

/* ---- JSON ----------------------------------------------------------------------------- */

static const char *const row_members[] = {
  "destination", "field", "constant", "expression", "required", "type", "pattern",
  "min_length", "max_length", "minimum", "maximum", "values", "suggested", "notes", "keep_null",
  "keep_empty", "pattern_description", NULL,
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
      conduit_mapping_add_problem (problems, index, NULL, 0, _("row %d must be an object"), index + 1);
      return NULL;
    }
  object = json_node_get_object (node);
  row = conduit_mapping_row_new ("", CONDUIT_MAPPING_SOURCE_FIELD, "");

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_strv_contains (row_members, name))
      conduit_mapping_add_problem (problems, index, name, 0, _("row %d: “%s” is not a row setting"), index + 1, name);

  if (member_is (object, "destination", G_TYPE_STRING))
    conduit_mapping_row_set_destination (row, json_object_get_string_member (object, "destination"));
  else
    conduit_mapping_add_problem (problems, index, "destination", 0,
                 _("row %d: “destination” must be text, the destination field"), index + 1);

  if (json_object_has_member (object, "field"))
    {
      sources++;
      if (member_is (object, "field", G_TYPE_STRING))
        conduit_mapping_row_set_source (row, json_object_get_string_member (object, "field"));
      else
        conduit_mapping_add_problem (problems, index, "field", 0, _("row %d: “field” must be text, a field path"),
                     index + 1);
    }
  if (json_object_has_member (object, "expression"))
    {
      sources++;
      conduit_mapping_row_set_source_kind (row, CONDUIT_MAPPING_SOURCE_EXPRESSION);
      if (member_is (object, "expression", G_TYPE_STRING))
        conduit_mapping_row_set_source (row, json_object_get_string_member (object, "expression"));
      else
        conduit_mapping_add_problem (problems, index, "expression", 0, _("row %d: “expression” must be text"),
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
    conduit_mapping_add_problem (problems, index, NULL, 0,
                 _("row %d needs exactly one source: “field”, “constant” or “expression”"),
                 index + 1);

  if (json_object_has_member (object, "required"))
    {
      if (member_is (object, "required", G_TYPE_BOOLEAN))
        conduit_mapping_row_set_required (row, json_object_get_boolean_member (object, "required"));
      else
        conduit_mapping_add_problem (problems, index, "required", 0, _("row %d: “required” must be true or false"),
                     index + 1);
    }

  if (json_object_has_member (object, "type"))
    {
      ConduitMappingType type;

      if (member_is (object, "type", G_TYPE_STRING) &&
          conduit_mapping_type_from_string (json_object_get_string_member (object, "type"), &type))
        conduit_mapping_row_set_value_type (row, type);
      else
        conduit_mapping_add_problem (problems, index, "type", 0,
                     _("row %d: “type” must be one of string, number, integer, boolean, date, "
                       "datetime, email, url, enum"), index + 1);
    }

  if (json_object_has_member (object, "pattern_description"))
    {
      if (member_is (object, "pattern_description", G_TYPE_STRING))
        conduit_mapping_row_set_pattern_description (
          row, json_object_get_string_member (object, "pattern_description"));
      else
        conduit_mapping_add_problem (problems, index, "pattern_description", 0,
                                     _("row %d: “pattern_description” must be text"), index + 1);
    }
  if (json_object_has_member (object, "pattern"))
    {
      if (member_is (object, "pattern", G_TYPE_STRING))
        conduit_mapping_row_set_pattern (row, json_object_get_string_member (object, "pattern"));
      else
        conduit_mapping_add_problem (problems, index, "pattern", 0, _("row %d: “pattern” must be text"), index + 1);
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
        conduit_mapping_add_problem (problems, index, key, 0, _("row %d: “%s” must be a whole number, 0 or more"),
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
        conduit_mapping_add_problem (problems, index, key, 0, _("row %d: “%s” must be a number"), index + 1, key);
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
        conduit_mapping_add_problem (problems, index, "values", 0,
                     _("row %d: “values” must be a list of allowed values"), index + 1);
    }

  for (guint k = 0; k < 2; k++)
    {
      const char *flag = k == 0 ? "keep_null" : "keep_empty";

      if (!json_object_has_member (object, flag))
        continue;
      if (!member_is (object, flag, G_TYPE_BOOLEAN))
        {
          conduit_mapping_add_problem (problems, index, flag, 0,
                                       _("row %d: “%s” must be true or false"), index + 1, flag);
          continue;
        }
      if (k == 0)
        conduit_mapping_row_set_keep_null (row, json_object_get_boolean_member (object, flag));
      else
        conduit_mapping_row_set_keep_empty (row, json_object_get_boolean_member (object, flag));
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
      conduit_mapping_add_problem (found, -1, "", 0, _("the mapping must be an object with “rows”"));
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

          conduit_mapping_add_problem (found, -1, pointer, 0, _("“%s” is not a mapping setting"), name);
        }
  }

  if (json_object_has_member (object, "keep_unmapped"))
    conduit_mapping_set_keep_unmapped (self, member_is (object, "keep_unmapped", G_TYPE_BOOLEAN) &&
                                             json_object_get_boolean_member (object, "keep_unmapped"));

  rows = json_object_get_member (object, "rows");
  if (rows == NULL || !JSON_NODE_HOLDS_ARRAY (rows))
    conduit_mapping_add_problem (found, -1, "/rows", 0, _("the mapping’s “rows” must be a list"));
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
      if (conduit_mapping_row_get_pattern_description (row) != NULL)
        {
          json_builder_set_member_name (builder, "pattern_description");
          json_builder_add_string_value (builder, conduit_mapping_row_get_pattern_description (row));
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
      if (conduit_mapping_row_get_keep_null (row))
        {
          json_builder_set_member_name (builder, "keep_null");
          json_builder_add_boolean_value (builder, TRUE);
        }
      if (conduit_mapping_row_get_keep_empty (row))
        {
          json_builder_set_member_name (builder, "keep_empty");
          json_builder_add_boolean_value (builder, TRUE);
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
