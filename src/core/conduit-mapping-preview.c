/* conduit-mapping-preview.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-preview"

#include "config.h"

#include <string.h>

#include "conduit-mapping-preview.h"

/* What the mapping table shows of each row for one sample record, computed by the engine
 * that runs the mapping, so that the table and a run never disagree: the row's problems from
 * compiling the mapping, its value from the engine's own evaluation (with the type rule's
 * conversion), and the rules it breaks, each reason tagged with its row. */

void
conduit_mapping_preview_reason_free (ConduitMappingPreviewReason *reason)
{
  if (reason == NULL)
    return;
  g_free (reason->field);
  g_free (reason->member);
  g_free (reason->message);
  g_free (reason);
}

void
conduit_mapping_preview_row_free (ConduitMappingPreviewRow *row)
{
  if (row == NULL)
    return;
  g_clear_pointer (&row->value, json_node_unref);
  g_clear_pointer (&row->reasons, g_ptr_array_unref);
  g_free (row);
}

static ConduitMappingRowStatus
status_for_rule (const char *rule)
{
  if (g_strcmp0 (rule, "required") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED;
  if (g_strcmp0 (rule, "type") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR;
  if (g_strcmp0 (rule, "mapping") == 0)
    return CONDUIT_MAPPING_ROW_STATUS_PROBLEM;
  return CONDUIT_MAPPING_ROW_STATUS_INVALID;
}

static void
add_reason (ConduitMappingPreviewRow *row,
            guint                     position,
            ConduitMappingRowStatus   status,
            const char               *field,
            const char               *member,
            guint                     column,
            guint                     length,
            const char               *message)
{
  ConduitMappingPreviewReason *reason = g_new0 (ConduitMappingPreviewReason, 1);

  reason->row = position;
  reason->status = status;
  reason->field = g_strdup (field);
  reason->member = g_strdup (member);
  reason->column = column;
  reason->length = length;
  reason->message = g_strdup (message);
  if (row->reasons->len == 0)
    row->status = status;
  g_ptr_array_add (row->reasons, reason);
}

/**
 * conduit_mapping_preview:
 * @mapping: a mapping
 * @record: (nullable): a sample record, or %NULL when there is none
 * @problems: (out) (optional) (transfer container) (element-type ConduitMappingProblem): the
 *   problems of the mapping as a whole, tied to no row
 *
 * How each row of @mapping fares with @record: its value, its status and why. A row with a
 * problem (found when the mapping is compiled) has status
 * %CONDUIT_MAPPING_ROW_STATUS_PROBLEM and no value; the others are evaluated by the engine as
 * a run would evaluate them, so the preview refuses what a run refuses. A row that passes but
 * was filled by auto-map and not yet confirmed is %CONDUIT_MAPPING_ROW_STATUS_SUGGESTED.
 *
 * Returns: (transfer container) (element-type ConduitMappingPreviewRow): one entry a row, in
 *   the mapping's order
 */
GPtrArray *
conduit_mapping_preview (ConduitMapping  *mapping,
                         JsonNode        *record,
                         GPtrArray      **problems)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) compile_problems = NULL;
  g_autoptr(GPtrArray) general = NULL;
  guint n;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (mapping), NULL);

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_preview_row_free);
  general = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_problem_free);

  n = g_list_model_get_n_items (G_LIST_MODEL (mapping));
  for (guint i = 0; i < n; i++)
    {
      ConduitMappingPreviewRow *row = g_new0 (ConduitMappingPreviewRow, 1);

      row->status = CONDUIT_MAPPING_ROW_STATUS_OK;
      row->reasons =
        g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_preview_reason_free);
      g_ptr_array_add (rows, row);
    }

  conduit_mapping_compile (mapping, &compile_problems);
  for (guint i = 0; compile_problems != NULL && i < compile_problems->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (compile_problems, i);
      ConduitMappingPreviewRow *row;
      const char *member;

      if (problem->row < 0 || (guint)problem->row >= n)
        {
          g_ptr_array_add (general, conduit_mapping_problem_copy (problem));
          continue;
        }

      row = g_ptr_array_index (rows, problem->row);
      /* the pointer is "/rows/2/expression": the member at fault is its last step */
      member = strrchr (problem->pointer, '/');
      add_reason (row, problem->row, CONDUIT_MAPPING_ROW_STATUS_PROBLEM, "",
                  member ? member + 1 : "", problem->column, problem->length, problem->message);
    }

  for (guint i = 0; record != NULL && i < n; i++)
    {
      ConduitMappingPreviewRow *row = g_ptr_array_index (rows, i);
      g_autoptr(GPtrArray) reasons = NULL;
      gboolean computed = TRUE;

      if (row->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM)
        continue;

      row->value = conduit_mapping_preview_row_full (mapping, i, record, &row->written,
                                                     &reasons);
      for (guint r = 0; reasons != NULL && r < reasons->len; r++)
        {
          ConduitMappingReason *reason = g_ptr_array_index (reasons, r);

          add_reason (row, i, status_for_rule (reason->rule), reason->field, NULL, 0, 0,
                      reason->message);
          if (g_strcmp0 (reason->rule, "expression") == 0)
            computed = FALSE;
        }
      if (!computed)
        {
          g_clear_pointer (&row->value, json_node_unref);
          row->written = FALSE;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      ConduitMappingPreviewRow *row = g_ptr_array_index (rows, i);

      if (row->status == CONDUIT_MAPPING_ROW_STATUS_OK &&
          conduit_mapping_row_get_suggested (conduit_mapping_get_row (mapping, i)))
        row->status = CONDUIT_MAPPING_ROW_STATUS_SUGGESTED;
    }

  if (problems != NULL)
    *problems = g_steal_pointer (&general);
  return g_steal_pointer (&rows);
}

/**
 * conduit_mapping_preview_usable:
 * @mapping: a mapping
 * @positions: (nullable) (element-type guint): gets, for each row of the result, its row in
 *   @mapping
 *
 * The rows of @mapping that have no problem, as a mapping of their own, so that one broken
 * row does not hide how the sample records fare with the others.
 *
 * Returns: (transfer full): a new mapping
 */
ConduitMapping *
conduit_mapping_preview_usable (ConduitMapping *mapping,
                                GArray         *positions)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autofree gboolean *broken = NULL;
  JsonArray *rows;
  guint n;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (mapping), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (mapping));
  broken = g_new0 (gboolean, MAX (n, 1));
  conduit_mapping_compile (mapping, &problems);
  for (guint i = 0; problems != NULL && i < problems->len; i++)
    {
      ConduitMappingProblem *problem = g_ptr_array_index (problems, i);

      if (problem->row >= 0 && (guint)problem->row < n)
        broken[problem->row] = TRUE;
    }

  /* through the JSON form, which carries every member of a row */
  json = conduit_mapping_to_json (mapping);
  rows = json_object_get_array_member (json_node_get_object (json), "rows");
  for (int i = (int)n - 1; i >= 0; i--)
    if (broken[i])
      json_array_remove_element (rows, i);
  for (guint i = 0; positions != NULL && i < n; i++)
    if (!broken[i])
      g_array_append_val (positions, i);

  return conduit_mapping_load_json (json, &left);
}
