/* conduit-flow-test-compare.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-test"

#include "config.h"

#include "conduit-flow-test.h"

/* Comparing what a step sent out with what a saved test expects, field by field, so that a
 * failing test can say "step Map to CRM fields, port out, item 1, field email: expected …, got
 * …" instead of "the output changed". The same comparison (without collecting differences)
 * decides whether a replayed call matches a recorded one. */

/**
 * conduit_flow_test_field_is_volatile:
 * @field: a dotted field path inside an item ("customer.email", "lines.0.sku")
 * @volatile_fields: (nullable): the test's volatile field paths
 *
 * A volatile path covers the field it names and everything inside it; a `*` segment stands
 * for any one member name or array position.
 *
 * Returns: whether differences at @field are to be ignored
 */
gboolean
conduit_flow_test_field_is_volatile (const char         *field,
                                     const char * const *volatile_fields)
{
  g_auto(GStrv) parts = NULL;
  guint n_parts;

  if (volatile_fields == NULL || field == NULL || field[0] == '\0')
    return FALSE;

  parts = g_strsplit (field, ".", -1);
  n_parts = g_strv_length (parts);
  for (guint v = 0; volatile_fields[v] != NULL; v++)
    {
      g_auto(GStrv) pattern = g_strsplit (volatile_fields[v], ".", -1);
      guint n_pattern = g_strv_length (pattern);
      gboolean match = n_pattern > 0 && n_pattern <= n_parts;

      for (guint i = 0; match && i < n_pattern; i++)
        if (!g_str_equal (pattern[i], "*") && !g_str_equal (pattern[i], parts[i]))
          match = FALSE;
      if (match)
        return TRUE;
    }
  return FALSE;
}

static char *
to_text (JsonNode *node)
{
  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

static void
add_diff (GPtrArray  *diffs,
          const char *node_id,
          const char *port,
          gint        index,
          const char *field,
          JsonNode   *expected,
          JsonNode   *actual)
{
  ConduitFlowTestDiff *diff;

  if (diffs == NULL)
    return;
  diff = g_new0 (ConduitFlowTestDiff, 1);
  diff->node_id = g_strdup (node_id);
  diff->port = g_strdup (port);
  diff->index = index;
  diff->field = g_strdup (field);
  diff->expected = to_text (expected);
  diff->actual = to_text (actual);
  g_ptr_array_add (diffs, diff);
}

static char *
child_path (const char *field,
            const char *segment)
{
  if (field[0] == '\0')
    return g_strdup (segment);
  return g_strconcat (field, ".", segment, NULL);
}

/* Numbers compare by value: an API answering 1.0 where it once answered 1 has not changed. */
static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  if (JSON_NODE_HOLDS_VALUE (a) && JSON_NODE_HOLDS_VALUE (b))
    {
      GType ta = json_node_get_value_type (a);
      GType tb = json_node_get_value_type (b);
      gboolean na = ta == G_TYPE_INT64 || ta == G_TYPE_DOUBLE;
      gboolean nb = tb == G_TYPE_INT64 || tb == G_TYPE_DOUBLE;

      if (na && nb)
        {
          if (ta == G_TYPE_INT64 && tb == G_TYPE_INT64)
            return json_node_get_int (a) == json_node_get_int (b);
          return json_node_get_double (a) == json_node_get_double (b);
        }
    }
  return json_node_equal (a, b);
}

static gboolean
compare_at (JsonNode           *expected,
            JsonNode           *actual,
            const char         *field,
            const char * const *volatile_fields,
            const char         *node_id,
            const char         *port,
            gint                index,
            GPtrArray          *diffs)
{
  gboolean same = TRUE;

  if (conduit_flow_test_field_is_volatile (field, volatile_fields))
    return TRUE;

  if (expected == NULL || actual == NULL)
    {
      add_diff (diffs, node_id, port, index, field, expected, actual);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_OBJECT (expected) && JSON_NODE_HOLDS_OBJECT (actual))
    {
      JsonObject *eo = json_node_get_object (expected);
      JsonObject *ao = json_node_get_object (actual);
      g_autoptr(GList) emembers = json_object_get_members (eo);
      g_autoptr(GList) amembers = json_object_get_members (ao);

      for (GList *l = emembers; l != NULL; l = l->next)
        {
          g_autofree char *path = child_path (field, l->data);

          if (!compare_at (json_object_get_member (eo, l->data), json_object_get_member (ao, l->data),
                           path, volatile_fields, node_id, port, index, diffs))
            {
              same = FALSE;
              if (diffs == NULL)
                return FALSE;
            }
        }
      for (GList *l = amembers; l != NULL; l = l->next)
        {
          g_autofree char *path = NULL;

          if (json_object_has_member (eo, l->data))
            continue;
          path = child_path (field, l->data);
          if (!compare_at (NULL, json_object_get_member (ao, l->data), path, volatile_fields,
                           node_id, port, index, diffs))
            {
              same = FALSE;
              if (diffs == NULL)
                return FALSE;
            }
        }
      return same;
    }

  if (JSON_NODE_HOLDS_ARRAY (expected) && JSON_NODE_HOLDS_ARRAY (actual))
    {
      JsonArray *ea = json_node_get_array (expected);
      JsonArray *aa = json_node_get_array (actual);
      guint ne = json_array_get_length (ea);
      guint na = json_array_get_length (aa);

      for (guint i = 0; i < MAX (ne, na); i++)
        {
          char segment[16];
          g_autofree char *path = NULL;

          g_snprintf (segment, sizeof segment, "%u", i);
          path = child_path (field, segment);
          if (!compare_at (i < ne ? json_array_get_element (ea, i) : NULL,
                           i < na ? json_array_get_element (aa, i) : NULL,
                           path, volatile_fields, node_id, port, index, diffs))
            {
              same = FALSE;
              if (diffs == NULL)
                return FALSE;
            }
        }
      return same;
    }

  if (JSON_NODE_TYPE (expected) != JSON_NODE_TYPE (actual) || !values_equal (expected, actual))
    {
      add_diff (diffs, node_id, port, index, field, expected, actual);
      return FALSE;
    }
  return TRUE;
}

/**
 * conduit_flow_test_compare_item:
 * @expected: the item a test expects
 * @actual: the item the step sent
 * @volatile_fields: (nullable): field paths whose values may change between runs
 * @node_id: the step, for the differences
 * @port: the port, for the differences
 * @index: the item's position in the port
 * @diffs: (nullable) (element-type ConduitFlowTestDiff): where to add each difference; with
 *   %NULL the comparison stops at the first one
 *
 * Returns: whether the items are the same, volatile fields aside
 */
gboolean
conduit_flow_test_compare_item (JsonNode           *expected,
                                JsonNode           *actual,
                                const char * const *volatile_fields,
                                const char         *node_id,
                                const char         *port,
                                gint                index,
                                GPtrArray          *diffs)
{
  g_return_val_if_fail (expected != NULL, FALSE);
  g_return_val_if_fail (actual != NULL, FALSE);

  return compare_at (expected, actual, "", volatile_fields, node_id, port, index, diffs);
}

/**
 * conduit_flow_test_compare_port:
 * @expected: (nullable): the items a test expects out of a port (%NULL: none)
 * @actual: (nullable) (element-type JsonNode): the items the step sent (%NULL: none)
 * @volatile_fields: (nullable): field paths whose values may change between runs
 * @node_id: the step
 * @port: the port
 * @diffs: (element-type ConduitFlowTestDiff): where to add each difference
 *
 * Items that are the same (volatile fields aside) pair up first, whatever their positions, so
 * one item going another way does not make every later item look changed; the rest pair up in
 * order and differ field by field; what is left over is a missing or an extra item (field "").
 * A difference is numbered by the expected item's position, or the actual one's for an extra.
 *
 * Returns: whether the port sent what was expected
 */
gboolean
conduit_flow_test_compare_port (JsonArray          *expected,
                                GPtrArray          *actual,
                                const char * const *volatile_fields,
                                const char         *node_id,
                                const char         *port,
                                GPtrArray          *diffs)
{
  guint ne = expected != NULL ? json_array_get_length (expected) : 0;
  guint na = actual != NULL ? actual->len : 0;
  g_autofree gboolean *e_used = g_new0 (gboolean, ne + 1);
  g_autofree gboolean *a_used = g_new0 (gboolean, na + 1);
  gboolean same = TRUE;
  guint j = 0;

  for (guint i = 0; i < ne; i++)
    for (guint k = 0; k < na; k++)
      if (!a_used[k] &&
          compare_at (json_array_get_element (expected, i), g_ptr_array_index (actual, k), "",
                      volatile_fields, node_id, port, (gint)i, NULL))
        {
          e_used[i] = a_used[k] = TRUE;
          break;
        }

  for (guint i = 0; i < ne; i++)
    {
      if (e_used[i])
        continue;
      while (j < na && a_used[j])
        j++;
      if (!compare_at (json_array_get_element (expected, i), j < na ? g_ptr_array_index (actual, j) : NULL,
                       "", volatile_fields, node_id, port, (gint)i, diffs))
        same = FALSE;
      if (j < na)
        a_used[j++] = TRUE;
    }
  for (guint k = 0; k < na; k++)
    if (!a_used[k])
      {
        compare_at (NULL, g_ptr_array_index (actual, k), "", volatile_fields, node_id, port,
                    (gint)k, diffs);
        same = FALSE;
      }
  return same;
}
