/* test-mapping-preview.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

/* The preview the mapping table shows comes from the engine: per row a value, a status and
 * reasons that name their row. */

static ConduitMapping *
mapping_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_no_error (error);
  return conduit_mapping_load_json (node, &problems);
}

static ConduitMappingPreviewRow *
row_of (GPtrArray *preview,
        guint      i)
{
  g_assert_cmpuint (i, <, preview->len);
  return g_ptr_array_index (preview, i);
}

static void
test_statuses (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"name\", \"field\": \"name\"},"
    " {\"destination\": \"email\", \"field\": \"email\", \"required\": true},"
    " {\"destination\": \"age\", \"field\": \"age\", \"type\": \"integer\"},"
    " {\"destination\": \"shout\", \"expression\": \"upper(name\"},"
    " {\"destination\": \"city\", \"field\": \"city\", \"suggested\": true},"
    " {\"destination\": \"tag\", \"constant\": \"vip\"}"
    "]}");
  g_autoptr(JsonNode) record = json_from_string ("{\"name\": \"Ada\", \"age\": \"old\", "
                                                 "\"city\": \"Paris\"}", NULL);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) preview = conduit_mapping_preview (mapping, record, &problems);
  g_autofree char *name = NULL;
  ConduitMappingPreviewReason *reason;

  g_assert_cmpuint (preview->len, ==, 6);
  g_assert_cmpuint (problems->len, ==, 0);

  g_assert_cmpint (row_of (preview, 0)->status, ==, CONDUIT_MAPPING_ROW_STATUS_OK);
  name = json_to_string (row_of (preview, 0)->value, FALSE);
  g_assert_cmpstr (name, ==, "\"Ada\"");
  g_assert_cmpuint (row_of (preview, 0)->reasons->len, ==, 0);

  g_assert_cmpint (row_of (preview, 1)->status, ==, CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED);
  reason = g_ptr_array_index (row_of (preview, 1)->reasons, 0);
  g_assert_cmpuint (reason->row, ==, 1);
  g_assert_cmpstr (reason->field, ==, "email");

  g_assert_cmpint (row_of (preview, 2)->status, ==, CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR);
  reason = g_ptr_array_index (row_of (preview, 2)->reasons, 0);
  g_assert_cmpuint (reason->row, ==, 2);

  /* a broken expression is a problem of the row: no value, the member and column at fault */
  g_assert_cmpint (row_of (preview, 3)->status, ==, CONDUIT_MAPPING_ROW_STATUS_PROBLEM);
  g_assert_null (row_of (preview, 3)->value);
  reason = g_ptr_array_index (row_of (preview, 3)->reasons, 0);
  g_assert_cmpuint (reason->row, ==, 3);
  g_assert_cmpstr (reason->member, ==, "expression");
  g_assert_cmpuint (reason->column, >, 0);

  g_assert_cmpint (row_of (preview, 4)->status, ==, CONDUIT_MAPPING_ROW_STATUS_SUGGESTED);
  g_assert_cmpint (row_of (preview, 5)->status, ==, CONDUIT_MAPPING_ROW_STATUS_OK);
}

/* Without a record, rows have their problems but no values. */
static void
test_no_record (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"a\", \"field\": \"a\"},"
    " {\"destination\": \"\", \"field\": \"b\"}]}");
  g_autoptr(GPtrArray) preview = conduit_mapping_preview (mapping, NULL, NULL);

  g_assert_cmpuint (preview->len, ==, 2);
  g_assert_null (row_of (preview, 0)->value);
  g_assert_cmpint (row_of (preview, 0)->status, ==, CONDUIT_MAPPING_ROW_STATUS_OK);
  g_assert_cmpint (row_of (preview, 1)->status, ==, CONDUIT_MAPPING_ROW_STATUS_PROBLEM);
}

/* A constant the engine refuses is refused by the preview too (the table used to read it as
 * text and show it as a good value). */
static void
test_constant_as_engine (void)
{
  g_autoptr(ConduitMapping) mapping = conduit_mapping_new ();
  g_autoptr(ConduitMappingRow) row = conduit_mapping_row_new ("tag", CONDUIT_MAPPING_SOURCE_CONSTANT,
                                                              "{not json");
  g_autoptr(JsonNode) record = json_from_string ("{}", NULL);
  g_autoptr(GPtrArray) preview = NULL;
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  gboolean engine_accepts;

  conduit_mapping_append_row (mapping, row);
  preview = conduit_mapping_preview (mapping, record, NULL);
  engine_accepts = conduit_mapping_apply (mapping, record, &output, &reasons);

  g_assert_false (engine_accepts);
  g_assert_cmpint (row_of (preview, 0)->status, !=, CONDUIT_MAPPING_ROW_STATUS_OK);
  g_assert_null (row_of (preview, 0)->value);
}

/* The rows without problems, and where each sits in the whole mapping. */
static void
test_usable (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"a\", \"expression\": \"(\"},"
    " {\"destination\": \"b\", \"field\": \"b\"}]}");
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(ConduitMapping) usable = conduit_mapping_preview_usable (mapping, positions);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (usable)), ==, 1);
  g_assert_cmpuint (positions->len, ==, 1);
  g_assert_cmpuint (g_array_index (positions, guint, 0), ==, 1);
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (usable, 0)), ==,
                   "b");
}

/* Issue #21: the preview tells a null that is sent from a field that is left out. */
static void
test_null_or_absent (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"fax\", \"field\": \"fax\"},"
    " {\"destination\": \"fax_kept\", \"field\": \"fax\", \"keep_null\": true},"
    " {\"destination\": \"cleared\", \"expression\": \"null\"},"
    " {\"destination\": \"nickname\", \"expression\": \"trim(nickname)\"},"
    " {\"destination\": \"name\", \"field\": \"name\"},"
    " {\"destination\": \"age\", \"expression\": \"to_integer(name)\"}"
    "]}");
  g_autoptr(JsonNode) record = json_from_string ("{\"name\": \"Ada\", \"fax\": null}", NULL);
  g_autoptr(GPtrArray) preview = conduit_mapping_preview (mapping, record, NULL);

  /* a null read from the record is left out; keep_null and the null literal send it */
  g_assert_true (JSON_NODE_HOLDS_NULL (row_of (preview, 0)->value));
  g_assert_false (row_of (preview, 0)->written);
  g_assert_true (JSON_NODE_HOLDS_NULL (row_of (preview, 1)->value));
  g_assert_true (row_of (preview, 1)->written);
  g_assert_true (JSON_NODE_HOLDS_NULL (row_of (preview, 2)->value));
  g_assert_true (row_of (preview, 2)->written);
  g_assert_false (row_of (preview, 3)->written);
  g_assert_true (row_of (preview, 4)->written);
  /* a source that cannot be computed has no value to send */
  g_assert_null (row_of (preview, 5)->value);
  g_assert_false (row_of (preview, 5)->written);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/mapping/preview/statuses", test_statuses);
  g_test_add_func ("/conduit/mapping/preview/no-record", test_no_record);
  g_test_add_func ("/conduit/mapping/preview/constant-as-engine", test_constant_as_engine);
  g_test_add_func ("/conduit/mapping/preview/usable", test_usable);
  g_test_add_func ("/conduit/mapping/preview/null-or-absent", test_null_or_absent);

  return g_test_run ();
}
