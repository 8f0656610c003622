/* test-mapping.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-mapping-private.h"
#include "conduit-record-reader-private.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static ConduitMapping *
mapping_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse (json);
  ConduitMapping *mapping = conduit_mapping_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (mapping);
  return mapping;
}

static void
assert_json (JsonNode   *node,
             const char *expected)
{
  g_autoptr(JsonNode) want = parse (expected);

  if (!json_node_equal (node, want))
    {
      g_autofree char *got = json_to_string (node, FALSE);

      g_error ("expected %s, got %s", expected, got);
    }
}

static void
assert_maps (ConduitMapping *mapping,
             const char     *record,
             const char     *expected)
{
  g_autoptr(JsonNode) input = parse (record);
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;

  if (!conduit_mapping_apply (mapping, input, &output, &reasons))
    {
      ConduitMappingReason *first = g_ptr_array_index (reasons, 0);

      g_error ("%s refused: %s %s %s", record, first->field, first->rule, first->message);
    }
  g_assert_null (reasons);
  assert_json (output, expected);
}

/* Applies and expects a refusal with exactly these "field:rule" reasons, in order. */
static GPtrArray *
assert_refused (ConduitMapping *mapping,
                const char     *record,
                const char     *expected_reasons)
{
  g_autoptr(JsonNode) input = parse (record);
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GString) got = g_string_new (NULL);

  g_assert_false (conduit_mapping_apply (mapping, input, &output, &reasons));
  g_assert_null (output);
  g_assert_nonnull (reasons);
  for (guint i = 0; i < reasons->len; i++)
    {
      ConduitMappingReason *reason = g_ptr_array_index (reasons, i);

      g_assert_nonnull (reason->message);
      g_assert_cmpstr (reason->message, !=, "");
      g_string_append_printf (got, "%s%s:%s", i ? " " : "", reason->field, reason->rule);
    }
  g_assert_cmpstr (got->str, ==, expected_reasons);
  return g_steal_pointer (&reasons);
}

static void
test_apply_nested (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"contact.email\", \"expression\": \"lower(trim(Email))\", \"required\": true, \"type\": \"email\"},"
    " {\"destination\": \"contact.name\", \"field\": \"First Name\"},"
    " {\"destination\": \"source\", \"field\": \"utm.source\"},"
    " {\"destination\": \"price\", \"field\": \"items[0].price\"},"
    " {\"destination\": \"`odd.key`\", \"field\": \"`a.b`\"},"
    " {\"destination\": \"pipeline\", \"constant\": {\"stage\": \"new\", \"n\": 1}},"
    " {\"destination\": \"absent\", \"field\": \"nope\"}"
    "]}");

  assert_maps (mapping,
               "{\"Email\": \" A@B.io \", \"First Name\": \"Ada\", \"utm\": {\"source\": \"mail\"},"
               " \"items\": [{\"price\": 9.5}], \"a.b\": true}",
               "{\"contact\": {\"email\": \"a@b.io\", \"name\": \"Ada\"}, \"source\": \"mail\","
               " \"price\": 9.5, \"odd.key\": true, \"pipeline\": {\"stage\": \"new\", \"n\": 1}}");
}

static void
test_apply_order (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"b\", \"field\": \"x\"}, {\"destination\": \"a.z\", \"field\": \"x\"},"
    " {\"destination\": \"a.y\", \"field\": \"x\"}]}");
  g_autoptr(JsonNode) input = parse ("{\"x\": 1}");
  g_autoptr(JsonNode) output = NULL;
  g_autofree char *text = NULL;

  g_assert_true (conduit_mapping_apply (mapping, input, &output, NULL));
  text = json_to_string (output, FALSE);
  /* rows give the order of the output, nested fields grouped under their first row */
  g_assert_cmpstr (text, ==, "{\"b\":1,\"a\":{\"z\":1,\"y\":1}}");
}

static void
test_apply_arrays (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"order\", \"field\": \"id\"},"
    " {\"destination\": \"lines[].sku\", \"expression\": \"upper(items[].sku)\", \"required\": true},"
    " {\"destination\": \"lines[].quantity\", \"field\": \"items[].qty\", \"type\": \"integer\"},"
    " {\"destination\": \"lines[].currency\", \"constant\": \"EUR\"},"
    " {\"destination\": \"tags[]\", \"expression\": \"lower(labels[])\"},"
    " {\"destination\": \"skus\", \"expression\": \"join(items[].sku, \\\"+\\\")\"}"
    "]}");
  g_autoptr(GPtrArray) reasons = NULL;

  assert_maps (mapping,
               "{\"id\": 7, \"items\": [{\"sku\": \"a1\", \"qty\": \"2\"}, {\"sku\": \"b2\", \"qty\": 3}],"
               " \"labels\": [\"X\", \"Y\"]}",
               "{\"order\": 7, \"lines\": [{\"sku\": \"A1\", \"quantity\": 2, \"currency\": \"EUR\"},"
               " {\"sku\": \"B2\", \"quantity\": 3, \"currency\": \"EUR\"}], \"tags\": [\"x\", \"y\"],"
               " \"skus\": \"a1+b2\"}");

  /* no items: no lines, and nothing to refuse */
  assert_maps (mapping, "{\"id\": 8}", "{\"order\": 8}");

  /* the item number is in the field of each reason */
  reasons = assert_refused (mapping,
                            "{\"id\": 9, \"items\": [{\"sku\": \"a\", \"qty\": 1}, {\"qty\": \"two\"}]}",
                            "lines[1].sku:required lines[1].quantity:type");
  {
    ConduitMappingReason *reason = g_ptr_array_index (reasons, 1);
    g_autoptr(JsonNode) json = conduit_mapping_reason_to_json (reason);

    assert_json (json, "{\"field\": \"lines[1].quantity\", \"rule\": \"type\", \"value\": \"two\","
                       " \"message\": \"“two” is not a whole number\"}");
  }
}

static void
test_preview_row (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"age\", \"field\": \"age\", \"type\": \"integer\", \"minimum\": 18},"
    " {\"destination\": \"lines[].sku\", \"expression\": \"upper(items[].sku)\"}]}");
  g_autoptr(JsonNode) adult = parse ("{\"age\": \"36\", \"items\": [{\"sku\": \"a\"}, {\"sku\": \"b\"}]}");
  g_autoptr(JsonNode) child = parse ("{\"age\": \"7\"}");
  g_autoptr(JsonNode) age = NULL;
  g_autoptr(JsonNode) skus = NULL;
  g_autoptr(JsonNode) young = NULL;
  g_autoptr(GPtrArray) reasons = NULL;

  age = conduit_mapping_preview_row (mapping, 0, adult, &reasons);
  assert_json (age, "36");
  g_assert_null (reasons);
  skus = conduit_mapping_preview_row (mapping, 1, adult, NULL);
  assert_json (skus, "[\"A\", \"B\"]");

  young = conduit_mapping_preview_row (mapping, 0, child, &reasons);
  assert_json (young, "7");
  g_assert_cmpuint (reasons->len, ==, 1);
  g_assert_cmpstr (((ConduitMappingReason *)g_ptr_array_index (reasons, 0))->rule, ==, "minimum");
}

static void
test_validation_rules (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"email\", \"field\": \"email\", \"required\": true, \"type\": \"email\"},"
    " {\"destination\": \"code\", \"field\": \"code\", \"pattern\": \"^[A-Z]{3}$\"},"
    " {\"destination\": \"name\", \"field\": \"name\", \"min_length\": 2, \"max_length\": 5},"
    " {\"destination\": \"age\", \"field\": \"age\", \"type\": \"integer\", \"minimum\": 18, \"maximum\": 120},"
    " {\"destination\": \"score\", \"field\": \"score\", \"type\": \"number\", \"maximum\": 1.5},"
    " {\"destination\": \"ok\", \"field\": \"ok\", \"type\": \"boolean\"},"
    " {\"destination\": \"day\", \"field\": \"day\", \"type\": \"date\"},"
    " {\"destination\": \"at\", \"field\": \"at\", \"type\": \"datetime\"},"
    " {\"destination\": \"site\", \"field\": \"site\", \"type\": \"url\"},"
    " {\"destination\": \"plan\", \"field\": \"plan\", \"type\": \"enum\", \"values\": [\"free\", \"pro\"]},"
    " {\"destination\": \"label\", \"field\": \"label\", \"type\": \"string\"}"
    "]}");

  /* text from a CSV file is converted by the number, integer and boolean types */
  assert_maps (mapping,
               "{\"email\": \"a@b.co\", \"code\": \"ABC\", \"name\": \"Ada\", \"age\": \"36\", \"score\": \"1.25\","
               " \"ok\": \"yes\", \"day\": \"2024-02-29\", \"at\": \"2024-02-29T10:00:00+01:00\","
               " \"site\": \"https://example.org/x\", \"plan\": \"pro\", \"label\": 42}",
               "{\"email\": \"a@b.co\", \"code\": \"ABC\", \"name\": \"Ada\", \"age\": 36, \"score\": 1.25,"
               " \"ok\": true, \"day\": \"2024-02-29\", \"at\": \"2024-02-29T10:00:00+01:00\","
               " \"site\": \"https://example.org/x\", \"plan\": \"pro\", \"label\": \"42\"}");

  /* every reason at once, and a missing optional value is no reason */
  g_ptr_array_unref (assert_refused (mapping,
                                     "{\"email\": \"\", \"code\": \"abcd\", \"name\": \"A\", \"age\": 12.5}",
                                     "email:required code:pattern name:min_length age:type"));
  g_ptr_array_unref (assert_refused (mapping,
                                     "{\"email\": \"a@b\", \"name\": \"Adalove\", \"age\": 150, \"score\": 2,"
                                     " \"ok\": \"maybe\", \"day\": \"2023-02-29\", \"at\": \"2024-02-01\","
                                     " \"site\": \"ftp://x\", \"plan\": \"gold\", \"label\": [1]}",
                                     "email:type name:max_length age:maximum score:maximum ok:type day:type"
                                     " at:type site:type plan:enum label:type"));
  g_ptr_array_unref (assert_refused (mapping, "{\"email\": \"a b@c.de\", \"age\": 17}",
                                     "email:type age:minimum"));
  g_ptr_array_unref (assert_refused (mapping, "{}", "email:required"));
}

static void
test_email_rule (void)
{
  static const char *const good[] = { "a@b.co", "first.last+tag@mail.example.org", "é@ü.de" };
  static const char *const bad[] = { "a@b", "@b.co", "a@.co", "a@b.", "a@b..co", "a@@b.co",
                                     "a b@c.de", "ab.co", "a@b.co " };
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"e\", \"field\": \"e\", \"type\": \"email\"}]}");

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"e\": \"%s\"}", good[i]);
      g_autofree char *expected = g_strdup_printf ("{\"e\": \"%s\"}", good[i]);

      assert_maps (mapping, record, expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *record = g_strdup_printf ("{\"e\": \"%s\"}", bad[i]);

      g_ptr_array_unref (assert_refused (mapping, record, "e:type"));
    }
}

static void
test_expression_failure_refuses (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"n\", \"expression\": \"to_integer(n)\"},"
    " {\"destination\": \"d\", \"expression\": \"date(d, \\\"%d/%m/%Y\\\")\"}]}");
  g_autoptr(GPtrArray) reasons = NULL;
  ConduitMappingReason *reason;

  assert_maps (mapping, "{\"n\": \"12\", \"d\": \"01/02/2024\"}", "{\"n\": 12, \"d\": \"2024-02-01\"}");
  reasons = assert_refused (mapping, "{\"n\": \"twelve\", \"d\": \"2024-02-01\"}", "n:expression d:expression");
  reason = g_ptr_array_index (reasons, 0);
  g_assert_nonnull (strstr (reason->message, "to_integer()"));
  g_assert_nonnull (strstr (reason->message, "twelve"));
  /* each row's own message: the rows' calls share the record's error, cleared after each */
  reason = g_ptr_array_index (reasons, 1);
  g_assert_nonnull (strstr (reason->message, "date()"));
  g_assert_nonnull (strstr (reason->message, "2024-02-01"));
  g_ptr_array_unref (reasons);
  reasons = assert_refused (mapping, "{\"n\": \"12\", \"d\": \"31/02/2024\"}", "d:expression");
  reason = g_ptr_array_index (reasons, 0);
  g_assert_nonnull (strstr (reason->message, "31/02/2024"));
  g_ptr_array_unref (reasons);

  /* a call of calls, evaluated straight from the rows' loop: the inner call's failure */
  g_clear_object (&mapping);
  mapping = mapping_from ("{\"rows\": [{\"destination\": \"n\","
                          " \"expression\": \"concat(\\\"#\\\", to_integer(n))\"}]}");
  assert_maps (mapping, "{\"n\": \" 12\"}", "{\"n\": \"#12\"}");
  reasons = assert_refused (mapping, "{\"n\": \"twelve\"}", "n:expression");
  reason = g_ptr_array_index (reasons, 0);
  g_assert_nonnull (strstr (reason->message, "to_integer()"));
  g_assert_nonnull (strstr (reason->message, "twelve"));
}

static void
test_keep_unmapped (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"keep_unmapped\": true, \"rows\": [{\"destination\": \"email\", \"expression\": \"lower(Email)\"},"
    " {\"destination\": \"city\", \"field\": \"address.city\"}]}");

  g_assert_true (conduit_mapping_get_keep_unmapped (mapping));
  assert_maps (mapping, "{\"Email\": \"A@B.C\", \"address\": {\"city\": \"X\"}, \"other\": 1, \"email\": 2}",
               "{\"email\": \"a@b.c\", \"city\": \"X\", \"other\": 1}");
}

static void
assert_problem (GPtrArray  *problems,
                guint       index,
                const char *pointer,
                guint       column,
                const char *message_part)
{
  ConduitMappingProblem *problem;

  g_assert_cmpuint (index, <, problems->len);
  problem = g_ptr_array_index (problems, index);
  g_assert_cmpstr (problem->pointer, ==, pointer);
  g_assert_cmpuint (problem->column, ==, column);
  if (strstr (problem->message, message_part) == NULL)
    g_error ("problem “%s” lacks “%s”", problem->message, message_part);
}

static void
test_problems (void)
{
  g_autoptr(JsonNode) json = parse (
    "{\"rows\": ["
    " {\"destination\": \"a\", \"expression\": \"concat(x, trim(y)\"},"
    " {\"destination\": \"a\", \"field\": \"z\"},"
    " {\"destination\": \"b\", \"field\": \"items[x]\"},"
    " {\"destination\": \"c[0]\", \"field\": \"z\"},"
    " {\"destination\": \"d\", \"field\": \"z\", \"type\": \"colour\"},"
    " {\"destination\": \"e\", \"field\": \"z\", \"pattern\": \"(\"},"
    " {\"destination\": \"f\", \"field\": \"z\", \"constant\": 1},"
    " {\"destination\": \"g\", \"expression\": \"trim(\", \"requird\": true},"
    " {\"destination\": \"h\", \"field\": \"z\", \"type\": \"enum\"},"
    " {\"destination\": \"i.j\", \"field\": \"z\"}, {\"destination\": \"i\", \"field\": \"z\"},"
    " {\"destination\": \"k\", \"field\": \"z\", \"min_length\": 5, \"max_length\": 2},"
    " 3"
    "], \"extra\": 1}");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMapping) mapping = conduit_mapping_load_json (json, &problems);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitMapping) refused = NULL;
  g_autoptr(JsonNode) record = parse ("{}");
  g_autoptr(GPtrArray) reasons = NULL;

  g_assert_nonnull (mapping);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 13);
  assert_problem (problems, 0, "/extra", 0, "not a mapping setting");
  assert_problem (problems, 1, "/rows/0/expression", 18, "row 1, expression: column 18");
  assert_problem (problems, 2, "/rows/1/destination", 1, "already written");
  assert_problem (problems, 3, "/rows/2/field", 6, "item number");
  assert_problem (problems, 4, "/rows/3/destination", 1, "cannot name one item");
  assert_problem (problems, 5, "/rows/4/type", 0, "must be one of");
  assert_problem (problems, 6, "/rows/5/pattern", 0, "not a valid regular expression");
  assert_problem (problems, 7, "/rows/6", 0, "exactly one source");
  /* every problem of a row, not only the first */
  assert_problem (problems, 8, "/rows/7/requird", 0, "not a row setting");
  assert_problem (problems, 9, "/rows/7/expression", 6, "found the end");
  assert_problem (problems, 10, "/rows/8/values", 0, "needs the list");
  assert_problem (problems, 11, "/rows/10/destination", 1, "already written");
  assert_problem (problems, 12, "/rows/11/min_length", 0, "least length");
  assert_problem (problems, 13, "/rows/12", 0, "must be an object");
  g_assert_cmpuint (problems->len, ==, 14);

  refused = conduit_mapping_new_from_json (json, &error);
  g_assert_null (refused);
  g_assert_error (error, CONDUIT_MAPPING_ERROR, CONDUIT_MAPPING_ERROR_INVALID);

  /* a mapping with problems refuses records, naming the problem, and drops none */
  g_assert_false (conduit_mapping_apply (mapping, record, NULL, &reasons));
  g_assert_cmpuint (reasons->len, >, 0);
  g_assert_cmpstr (((ConduitMappingReason *)g_ptr_array_index (reasons, 0))->rule, ==, "mapping");
}

static void
test_json_roundtrip (void)
{
  const char *text =
    "{\"keep_unmapped\":true,\"rows\":["
    "{\"destination\":\"a\",\"field\":\"`First Name`\",\"required\":true,\"type\":\"string\","
    "\"pattern\":\"^.+$\",\"min_length\":1,\"max_length\":20},"
    "{\"destination\":\"b\",\"constant\":[1,\"x\"]},"
    "{\"destination\":\"c\",\"expression\":\"n + 1\",\"minimum\":0,\"maximum\":2.5},"
    "{\"destination\":\"d\",\"field\":\"p\",\"type\":\"enum\",\"values\":[\"x\",\"y\"],\"suggested\":true}]}";
  g_autoptr(ConduitMapping) mapping = mapping_from (text);
  g_autoptr(JsonNode) json = conduit_mapping_to_json (mapping);
  g_autofree char *saved = json_to_string (json, FALSE);

  g_assert_cmpstr (saved, ==, text);
}

static void
count_change (GListModel *model,
              guint       position,
              guint       removed,
              guint       added,
              guint      *changes)
{
  (*changes)++;
}

static void
test_rows_model (void)
{
  g_autoptr(ConduitMapping) mapping = conduit_mapping_new ();
  g_autoptr(ConduitMappingRow) row = conduit_mapping_row_new ("email", CONDUIT_MAPPING_SOURCE_FIELD, "Email");
  g_autoptr(ConduitMappingRow) second = conduit_mapping_row_new ("n", CONDUIT_MAPPING_SOURCE_EXPRESSION, "1 +");
  g_autoptr(JsonNode) record = parse ("{\"Email\": \"x\"}");
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMappingRow) item = NULL;
  guint changes = 0;

  conduit_mapping_append_row (mapping, row);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 1);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (mapping)) == CONDUIT_TYPE_MAPPING_ROW);
  item = g_list_model_get_item (G_LIST_MODEL (mapping), 0);
  g_assert_true (item == row);

  g_assert_true (conduit_mapping_apply (mapping, record, &output, NULL));
  assert_json (output, "{\"email\": \"x\"}");
  g_clear_pointer (&output, json_node_unref);

  /* an edit of a row is seen by the next apply */
  g_object_set (row, "required", TRUE, "value-type", CONDUIT_MAPPING_TYPE_EMAIL, NULL);
  g_assert_false (conduit_mapping_apply (mapping, record, &output, NULL));
  conduit_mapping_row_set_source (row, "missing");
  conduit_mapping_row_set_required (row, FALSE);
  g_assert_true (conduit_mapping_apply (mapping, record, &output, NULL));
  assert_json (output, "{}");
  g_clear_pointer (&output, json_node_unref);

  g_signal_connect (mapping, "items-changed", G_CALLBACK (count_change), &changes);
  conduit_mapping_insert_row (mapping, 0, second);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_false (conduit_mapping_compile (mapping, &problems));
  g_assert_cmpuint (problems->len, ==, 1);
  assert_problem (problems, 0, "/rows/0/expression", 4, "found the end");

  conduit_mapping_move_row (mapping, 0, 1);
  g_assert_true (conduit_mapping_get_row (mapping, 1) == second);
  conduit_mapping_remove_row (mapping, 1);
  g_assert_cmpuint (changes, ==, 3);
  g_assert_true (conduit_mapping_compile (mapping, NULL));
  g_assert_true (conduit_mapping_find_destination (mapping, "email") == row);
  g_assert_null (conduit_mapping_find_destination (mapping, "n"));
}

static void
test_schema (void)
{
  const char *sample =
    "{\"First Name\": \"Ada\", \"email\": \"ada@x.io\", \"age\": \"36\", \"score\": 1,"
    " \"utm\": {\"source\": \"mail\"}, \"items\": [{\"sku\": \"A\"}], \"when\": \"2024-01-02\"}\n"
    "{\"First Name\": \"Bob\", \"email\": null, \"age\": \"40\", \"score\": 2.5, \"utm\": {},"
    " \"items\": [{\"sku\": \"B\"}, {\"sku\": \"C\", \"qty\": 2}], \"when\": \"2024-01-02T10:00:00Z\"}\n"
    "not json\n"
    "{\"First Name\": \"Ada\", \"age\": \"x\", \"site\": \"https://x.org\"}\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (sample, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitSchema) schema = conduit_schema_infer (stream, CONDUIT_RECORD_FORMAT_NDJSON, 0, &error);
  const ConduitSchemaField *field;
  g_autoptr(JsonNode) json = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (conduit_schema_get_n_records (schema), ==, 3);

  field = conduit_schema_lookup (schema, "`First Name`");
  g_assert_nonnull (field);
  g_assert_cmpstr (field->type, ==, "string");
  g_assert_cmpuint (field->present, ==, 3);
  g_assert_cmpuint (field->examples->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (field->examples, 1), ==, "Bob");

  field = conduit_schema_lookup (schema, "email");
  g_assert_cmpstr (field->type, ==, "email");
  g_assert_cmpuint (field->present, ==, 1);

  g_assert_cmpstr (conduit_schema_lookup (schema, "age")->type, ==, "mixed");
  g_assert_cmpstr (conduit_schema_lookup (schema, "score")->type, ==, "number");
  g_assert_cmpstr (conduit_schema_lookup (schema, "utm")->type, ==, "object");
  g_assert_cmpuint (conduit_schema_lookup (schema, "utm.source")->present, ==, 1);
  g_assert_cmpstr (conduit_schema_lookup (schema, "items")->type, ==, "array");
  g_assert_cmpuint (conduit_schema_lookup (schema, "items[].sku")->present, ==, 2);
  g_assert_cmpuint (conduit_schema_lookup (schema, "items[].sku")->examples->len, ==, 3);
  g_assert_cmpstr (conduit_schema_lookup (schema, "items[].qty")->type, ==, "integer");
  g_assert_cmpstr (conduit_schema_lookup (schema, "when")->type, ==, "datetime");
  g_assert_cmpstr (conduit_schema_lookup (schema, "site")->type, ==, "url");

  json = conduit_schema_to_json (schema);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json), "records"), ==, 3);
}

static void
test_schema_csv (void)
{
  const char *sample = "\xEF\xBB\xBFid;Full Name;joined;vip\r\n1;\"Lovelace; Ada\";2024-01-02;true\r\n"
                       "2;Bob;2024-02-03;false\r\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (sample, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitSchema) schema = conduit_schema_infer (stream, CONDUIT_RECORD_FORMAT_AUTO, 0, &error);
  GPtrArray *fields;

  g_assert_no_error (error);
  fields = conduit_schema_get_fields (schema);
  g_assert_cmpuint (fields->len, ==, 4);
  g_assert_cmpstr (((ConduitSchemaField *)g_ptr_array_index (fields, 0))->path, ==, "id");
  g_assert_cmpstr (((ConduitSchemaField *)g_ptr_array_index (fields, 0))->type, ==, "integer");
  g_assert_cmpstr (((ConduitSchemaField *)g_ptr_array_index (fields, 1))->path, ==, "`Full Name`");
  g_assert_cmpstr (g_ptr_array_index (((ConduitSchemaField *)g_ptr_array_index (fields, 1))->examples, 0),
                   ==, "Lovelace; Ada");
  g_assert_cmpstr (((ConduitSchemaField *)g_ptr_array_index (fields, 2))->type, ==, "date");
  g_assert_cmpstr (((ConduitSchemaField *)g_ptr_array_index (fields, 3))->type, ==, "boolean");
}

static void
test_auto_map (void)
{
  static const char *const sources[] = { "`First Name`", "lastName", "E-Mail", "utm.source",
                                         "phone", "address.city", "billing.city", NULL };
  static const char *const destinations[] = { "first_name", "last_name", "email", "source",
                                               "phone", "city", "company", NULL };
  g_autoptr(ConduitMapping) mapping = conduit_mapping_new ();
  g_autoptr(ConduitMappingRow) mine = conduit_mapping_row_new ("phone", CONDUIT_MAPPING_SOURCE_EXPRESSION,
                                                               "digits(phone)");
  g_autofree char *a = conduit_mapping_normalize_name ("First Name");
  g_autofree char *b = conduit_mapping_normalize_name ("first_name");
  g_autofree char *c = conduit_mapping_normalize_name ("firstName");
  ConduitMappingRow *row;

  g_assert_cmpstr (a, ==, "firstname");
  g_assert_cmpstr (b, ==, a);
  g_assert_cmpstr (c, ==, a);

  conduit_mapping_append_row (mapping, mine);
  g_assert_cmpuint (conduit_mapping_auto_map (mapping, sources, destinations), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 5);

  /* the user's row is untouched */
  row = conduit_mapping_get_row (mapping, 0);
  g_assert_true (row == mine);
  g_assert_cmpstr (conduit_mapping_row_get_source (row), ==, "digits(phone)");
  g_assert_false (conduit_mapping_row_get_suggested (row));

  row = conduit_mapping_find_destination (mapping, "first_name");
  g_assert_cmpstr (conduit_mapping_row_get_source (row), ==, "`First Name`");
  g_assert_true (conduit_mapping_row_get_suggested (row));
  g_assert_cmpstr (conduit_mapping_row_get_source (conduit_mapping_find_destination (mapping, "last_name")),
                   ==, "lastName");
  g_assert_cmpstr (conduit_mapping_row_get_source (conduit_mapping_find_destination (mapping, "email")),
                   ==, "E-Mail");
  /* by the last segment when only one source has it */
  g_assert_cmpstr (conduit_mapping_row_get_source (conduit_mapping_find_destination (mapping, "source")),
                   ==, "utm.source");
  /* two sources end in "city": no guess */
  g_assert_null (conduit_mapping_find_destination (mapping, "city"));
  g_assert_null (conduit_mapping_find_destination (mapping, "company"));

  /* a second run adds nothing */
  g_assert_cmpuint (conduit_mapping_auto_map (mapping, sources, destinations), ==, 0);
  g_assert_true (conduit_mapping_compile (mapping, NULL));
}

static void
test_flow_check (void)
{
  const char *flow_text =
    "{\n"
    "  \"version\": 1,\n"
    "  \"name\": \"x\",\n"
    "  \"nodes\": [\n"
    "    {\n"
    "      \"id\": \"map\",\n"
    "      \"type\": \"mapping\",\n"
    "      \"title\": \"Map\",\n"
    "      \"position\": [0, 0],\n"
    "      \"settings\": {},\n"
    "      \"mapping\": {\n"
    "        \"rows\": [\n"
    "          { \"destination\": \"ok\", \"field\": \"a\" },\n"
    "          { \"destination\": \"email\", \"expression\": \"lower(trim(Email)\" }\n"
    "        ]\n"
    "      }\n"
    "    }\n"
    "  ],\n"
    "  \"links\": []\n"
    "}\n";
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                            flow_text, -1, &problems, &error);
  ConduitFlowProblem *problem;

  g_assert_null (flow);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = g_ptr_array_index (problems, 0);
  g_assert_cmpstr (problem->pointer, ==, "/nodes/0/mapping/rows/1/expression");
  g_assert_cmpstr (problem->node_id, ==, "map");
  g_assert_cmpuint (problem->line, ==, 14);
  g_assert_nonnull (strstr (problem->message, "column 18"));
}

/* Issue #14 point 18: what the reader changed without refusing a record is told, so that the
 * preview can show it as conduit-cli map does. */
static void
test_reader_warnings (void)
{
  const char *csv = " Email ,Name\nada@example.com,Ada\n";
  const char *json = "[{\"email\": \"a@b.c\", \"email\": \"d@e.f\", \"n\": {\"x\": 1, \"x\": 2}}]";
  g_autoptr(GInputStream) csv_stream = g_memory_input_stream_new_from_data (csv, -1, NULL);
  g_autoptr(GInputStream) json_stream = g_memory_input_stream_new_from_data (json, -1, NULL);
  g_autoptr(ConduitRecordReader) csv_reader = conduit_record_reader_new (csv_stream,
                                                                         CONDUIT_RECORD_FORMAT_CSV);
  g_autoptr(ConduitRecordReader) json_reader = conduit_record_reader_new (json_stream,
                                                                          CONDUIT_RECORD_FORMAT_JSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) csv_record = conduit_record_reader_next (csv_reader, &error);
  g_autoptr(JsonNode) json_record = conduit_record_reader_next (json_reader, &error);
  g_autofree char *json_text = json_to_string (json_record, FALSE);
  GPtrArray *warnings;
  guint64 n_warnings = 0;

  g_assert_no_error (error);
  g_assert_true (json_object_has_member (json_node_get_object (csv_record), "Email"));
  warnings = conduit_record_reader_get_warnings (csv_reader, &n_warnings);
  g_assert_nonnull (warnings);
  g_assert_cmpuint (n_warnings, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==,
                   "row 1, column 1: the header “ Email ” has spaces around it; the field is "
                   "called “Email”");

  /* the last value of a repeated key, at the place of the first */
  g_assert_cmpstr (json_text, ==, "{\"email\":\"d@e.f\",\"n\":{\"x\":2}}");
  warnings = conduit_record_reader_get_warnings (json_reader, &n_warnings);
  g_assert_cmpuint (n_warnings, ==, 1);
  /* the inner object is complete first */
  g_assert_cmpstr (g_ptr_array_index (warnings, 0), ==,
                   "the key “x” appears more than once in an object; the last value is used");
}

/* A call several rows make alike (trim(first_name) in its own row and in a full name's
 * concat()) is computed once per record and its value shared; never across records, never a
 * call that gives a new value each time (uuid()), and a failed one fails in every row. */
static void
test_shared_calls (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{ \"rows\": ["
    "  { \"destination\": \"first\", \"expression\": \"trim(first_name)\" },"
    "  { \"destination\": \"full\", \"expression\": "
    "      \"concat(trim(first_name), \\\" \\\", trim(last_name))\" },"
    "  { \"destination\": \"last\", \"expression\": \"lower(trim(last_name))\" },"
    "  { \"destination\": \"seats\", \"expression\": \"to_integer(seats)\" },"
    "  { \"destination\": \"billed\", \"expression\": \"to_integer(seats) * 10\" },"
    "  { \"destination\": \"a\", \"expression\": \"uuid()\" },"
    "  { \"destination\": \"b\", \"expression\": \"uuid()\" },"
    "  { \"destination\": \"tags[].upper\", \"expression\": \"upper(tags[])\" },"
    "  { \"destination\": \"tags[].again\", \"expression\": \"upper(tags[])\" },"
    "  { \"destination\": \"first_tag\", \"expression\": \"upper(tags[0])\" } ] }");
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  JsonObject *object;

  g_assert_true (conduit_mapping_compile (mapping, NULL));
  /* trim(first_name), trim(last_name), to_integer(seats); not uuid(), not tags[] (the item of
   * an array row), not upper(tags[0]) (made once) */
  g_assert_cmpuint (mapping->n_shared_calls, ==, 3);

  input = parse ("{ \"first_name\": \" Ada \", \"last_name\": \" Lovelace\", \"seats\": \"3\","
                 "  \"tags\": [\"x\", \"Y\"] }");
  g_assert_true (conduit_mapping_apply (mapping, input, &output, &reasons));
  object = json_node_get_object (output);
  g_assert_cmpstr (json_object_get_string_member (object, "first"), ==, "Ada");
  g_assert_cmpstr (json_object_get_string_member (object, "full"), ==, "Ada Lovelace");
  g_assert_cmpstr (json_object_get_string_member (object, "last"), ==, "lovelace");
  g_assert_cmpint (json_object_get_int_member (object, "seats"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (object, "billed"), ==, 30);
  g_assert_cmpstr (json_object_get_string_member (object, "a"), !=,
                   json_object_get_string_member (object, "b"));
  /* upper(tags[]) twice, each item its own value */
  assert_json (json_object_get_member (object, "tags"),
               "[{\"upper\": \"X\", \"again\": \"X\"}, {\"upper\": \"Y\", \"again\": \"Y\"}]");
  g_clear_pointer (&output, json_node_unref);
  g_clear_pointer (&input, json_node_unref);

  /* the next record gets its own values */
  input = parse ("{ \"first_name\": \"Grace \", \"last_name\": \"Hopper \", \"seats\": 5,"
                 "  \"tags\": [] }");
  g_assert_true (conduit_mapping_apply (mapping, input, &output, &reasons));
  object = json_node_get_object (output);
  g_assert_cmpstr (json_object_get_string_member (object, "full"), ==, "Grace Hopper");
  g_assert_cmpint (json_object_get_int_member (object, "billed"), ==, 50);
  g_clear_pointer (&input, json_node_unref);

  /* a failed call is not kept: each row that makes it is refused with its reason */
  input = parse ("{ \"first_name\": \"A\", \"last_name\": \"B\", \"seats\": \"many\", \"tags\": [] }");
  g_clear_pointer (&output, json_node_unref);
  g_clear_pointer (&reasons, g_ptr_array_unref);
  g_assert_false (conduit_mapping_apply (mapping, input, &output, &reasons));
  g_assert_cmpuint (reasons->len, ==, 2);
  g_assert_cmpstr (((ConduitMappingReason *)g_ptr_array_index (reasons, 0))->field, ==, "seats");
  g_assert_cmpstr (((ConduitMappingReason *)g_ptr_array_index (reasons, 1))->field, ==, "billed");
}

/* Issue #21: a null can be written on purpose, per row, and told from a missing value. */
static void
test_explicit_null (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"a\", \"field\": \"a\"},"
    " {\"destination\": \"b\", \"expression\": \"null\"},"
    " {\"destination\": \"c\", \"expression\": \"if(x == 1, x, null)\"},"
    " {\"destination\": \"d\", \"constant\": null},"
    " {\"destination\": \"e\", \"field\": \"missing\", \"keep_null\": true},"
    " {\"destination\": \"f\", \"expression\": \"trim(missing)\"},"
    " {\"destination\": \"company.name\", \"field\": \"company\"},"
    " {\"destination\": \"company.size\", \"field\": \"size\"},"
    " {\"destination\": \"kept.name\", \"field\": \"company\", \"keep_empty\": true},"
    " {\"destination\": \"nulls.name\", \"field\": \"company\", \"keep_null\": true}]}");
  g_autoptr(JsonNode) record = parse ("{\"a\": null, \"x\": 2}");
  g_autoptr(JsonNode) written_null = NULL;
  g_autoptr(JsonNode) absent = NULL;
  g_autoptr(JsonNode) saved = conduit_mapping_to_json (mapping);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitMapping) reloaded = conduit_mapping_new_from_json (saved, &error);
  gboolean written = TRUE;

  /* a source null and a missing value leave the field out; the null literal, a null constant
   * and keep_null write it; an object with no field is dropped, or kept by keep_empty as {} */
  assert_maps (mapping, "{\"a\": null, \"x\": 2}",
               "{\"b\": null, \"c\": null, \"d\": null, \"e\": null, \"kept\": {},"
               " \"nulls\": {\"name\": null}}");
  assert_maps (mapping, "{\"a\": 1, \"x\": 1, \"company\": \"ACME\"}",
               "{\"a\": 1, \"b\": null, \"c\": 1, \"d\": null, \"e\": null,"
               " \"company\": {\"name\": \"ACME\"}, \"kept\": {\"name\": \"ACME\"},"
               " \"nulls\": {\"name\": \"ACME\"}}");

  /* the preview tells a written null from a field left out */
  written_null = conduit_mapping_preview_row_full (mapping, 1, record, &written, NULL);
  assert_json (written_null, "null");
  g_assert_true (written);
  absent = conduit_mapping_preview_row_full (mapping, 5, record, &written, NULL);
  assert_json (absent, "null");
  g_assert_false (written);

  /* the switches are saved and loaded */
  g_assert_no_error (error);
  g_assert_true (conduit_mapping_row_get_keep_null (conduit_mapping_get_row (reloaded, 4)));
  g_assert_true (conduit_mapping_row_get_keep_empty (conduit_mapping_get_row (reloaded, 8)));
  g_assert_false (conduit_mapping_row_get_keep_null (conduit_mapping_get_row (reloaded, 0)));
}

/* Issue #21: a rejected reason says in words what the pattern checks. */
static void
test_pattern_description (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": ["
    " {\"destination\": \"phone\", \"field\": \"phone\", \"pattern\": \"^\\\\+1[0-9]{10}$\","
    "  \"pattern_description\": \"a US phone number (+1 and ten digits)\"},"
    " {\"destination\": \"zip\", \"field\": \"zip\", \"pattern\": \"^[0-9]{5}$\"}]}");
  g_autoptr(JsonNode) input = parse ("{\"phone\": \"555-0100\", \"zip\": \"ABCDE\"}");
  g_autoptr(JsonNode) output = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(JsonNode) saved = conduit_mapping_to_json (mapping);
  ConduitMappingReason *reason;

  g_assert_false (conduit_mapping_apply (mapping, input, &output, &reasons));
  g_assert_cmpuint (reasons->len, ==, 2);
  reason = g_ptr_array_index (reasons, 0);
  g_assert_cmpstr (reason->field, ==, "phone");
  g_assert_cmpstr (reason->rule, ==, "pattern");
  g_assert_cmpstr (reason->message, ==, "“555-0100” is not a US phone number (+1 and ten digits)");
  /* without a description, the pattern is quoted as before */
  reason = g_ptr_array_index (reasons, 1);
  g_assert_cmpstr (reason->message, ==, "“ABCDE” does not match the pattern ^[0-9]{5}$");
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (json_node_get_object (saved), "rows"), 0),
                     "pattern_description"), ==, "a US phone number (+1 and ten digits)");
}

/* conduit_mapping_stream_run_threads(): one batch after another, several threads write the
 * same bytes as one; an output that fills up stops the run with its error (no thread is left
 * waiting), and a cancelled run says so. */
static gboolean
stream_threads (ConduitMapping             *mapping,
                const char                 *input,
                guint                       n_threads,
                GOutputStream              *output,
                GOutputStream              *rejected,
                GCancellable               *cancellable,
                ConduitMappingStreamCounts *counts,
                GError                    **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (input, -1, NULL);
  g_autoptr(ConduitRecordReader) reader =
    conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_NDJSON);

  return conduit_mapping_stream_run_threads (mapping, NULL, reader, output, rejected, n_threads,
                                             counts, cancellable, error);
}

static void
test_stream_threads (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"n\", \"field\": \"n\", \"required\": true},"
    " {\"destination\": \"who.name\", \"expression\": \"upper(name)\"}]}");
  g_autoptr(GString) input = g_string_new (NULL);
  char *texts[2][2] = { { NULL } };
  ConduitMappingStreamCounts counts[2];
  const guint n_records = 5000;

  for (guint i = 0; i < n_records; i++)
    if (i % 101 == 50)
      g_string_append (input, "{not json\n");
    else if (i % 17 == 3)
      g_string_append_printf (input, "{\"name\": \"no number %u\"}\n", i);
    else
      g_string_append_printf (input, "{\"n\": %u, \"name\": \"name %u\"}\n", i, i);

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
      g_autoptr(GError) error = NULL;

      g_assert_true (stream_threads (mapping, input->str, t == 0 ? 1 : 4, output, rejected, NULL,
                                     &counts[t], &error));
      g_assert_no_error (error);
      g_assert_true (g_output_stream_close (output, NULL, NULL));
      g_assert_true (g_output_stream_close (rejected, NULL, NULL));
      texts[t][0] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      texts[t][1] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (rejected));
    }
  g_assert_cmpuint (counts[0].records, ==, n_records);
  g_assert_cmpuint (counts[0].rejected, ==, 50 + 291);
  g_assert_cmpuint (counts[1].records, ==, counts[0].records);
  g_assert_cmpuint (counts[1].mapped, ==, counts[0].mapped);
  g_assert_cmpuint (counts[1].rejected, ==, counts[0].rejected);
  g_assert_cmpstr (texts[1][0], ==, texts[0][0]);
  g_assert_cmpstr (texts[1][1], ==, texts[0][1]);
  g_assert_true (g_str_has_prefix (texts[0][0], "{\"n\":0,\"who\":{\"name\":\"NAME 0\"}}\n"));

  /* records of 100 KB: batches are cut by size, and still come out in order */
  {
    g_autoptr(GString) big = g_string_new (NULL);
    g_autofree char *filler = g_strnfill (100 * 1024, 'x');
    char *big_texts[2] = { NULL, NULL };

    for (guint i = 0; i < 60; i++)
      g_string_append_printf (big, "{\"n\": %u, \"name\": \"%s%u\"}\n", i, filler, i);
    for (guint t = 0; t < 2; t++)
      {
        g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
        g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
        g_autoptr(GError) error = NULL;
        ConduitMappingStreamCounts big_counts;

        g_assert_true (stream_threads (mapping, big->str, t == 0 ? 1 : 3, output, rejected, NULL,
                                       &big_counts, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (big_counts.mapped, ==, 60);
        g_assert_true (g_output_stream_close (output, NULL, NULL));
        big_texts[t] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      }
    g_assert_cmpstr (big_texts[1], ==, big_texts[0]);
    g_free (big_texts[0]);
    g_free (big_texts[1]);
  }

  /* lines of every size, some longer than the reading buffer: the batches hold the lines in
   * the reader's buffers, which it reads on past (and grows) while they are mapped */
  {
    g_autoptr(GString) mixed = g_string_new (NULL);
    char *mixed_texts[2] = { NULL, NULL };

    /* the buffer grows for a line of 300 KB near the start and for one of 600 KB later,
     * when buffers of the size before are spare */
    for (guint i = 0; i < 20000; i++)
      {
        guint size = i == 7 ? 300 * 1024 : i == 12000 ? 600 * 1024 :
                     i % 13 == 0 ? 2000 + i % 700 : i % 50;
        g_autofree char *filler = g_strnfill (size, 'a' + i % 26);

        g_string_append_printf (mixed, "{\"n\": %u, \"name\": \"%s\"}\n", i, filler);
      }
    for (guint t = 0; t < 2; t++)
      {
        g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
        g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
        g_autoptr(GError) error = NULL;
        ConduitMappingStreamCounts mixed_counts;

        g_assert_true (stream_threads (mapping, mixed->str, t == 0 ? 1 : 3, output, rejected,
                                       NULL, &mixed_counts, &error));
        g_assert_no_error (error);
        g_assert_cmpuint (mixed_counts.mapped, ==, 20000);
        g_assert_true (g_output_stream_close (output, NULL, NULL));
        mixed_texts[t] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      }
    g_assert_cmpstr (mixed_texts[1], ==, mixed_texts[0]);
    g_free (mixed_texts[0]);
    g_free (mixed_texts[1]);
  }

  /* an output that can take 10 KB: the run stops with its error, whatever was read */
  {
    g_autofree char *room = g_malloc (10 * 1024);
    g_autoptr(GOutputStream) output = g_memory_output_stream_new (room, 10 * 1024, NULL, NULL);
    g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
    g_autoptr(GError) error = NULL;
    ConduitMappingStreamCounts full;

    g_assert_false (stream_threads (mapping, input->str, 3, output, rejected, NULL, &full,
                                    &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_cmpuint (full.records, <=, n_records);
  }

  /* cancelled before it starts */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
    g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
    g_autoptr(GError) error = NULL;
    ConduitMappingStreamCounts none;

    g_cancellable_cancel (cancellable);
    g_assert_false (stream_threads (mapping, input->str, 2, output, rejected, cancellable,
                                    &none, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_cmpuint (none.records, ==, 0);
  }

  for (guint t = 0; t < 2; t++)
    for (guint k = 0; k < 2; k++)
      g_free (texts[t][k]);
}

/* Lines held (conduit_record_reader_hold_lines()) stay as they were while the reader reads
 * on in other buffers, also across a line longer than the buffer, which makes it grow while
 * buffers of the size before are spare. */
static void
test_reader_held_lines (void)
{
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(GPtrArray) held = g_ptr_array_new ();
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) places = g_ptr_array_new ();
  const char *line;
  gsize length;
  guint n = 0;

  for (guint i = 0; i < 20000; i++)
    {
      guint size = i == 6010 ? 700 * 1024 : 60 + i % 90;
      g_autofree char *filler = g_strnfill (size, 'a' + i % 26);

      g_string_append_printf (input, "{\"n\": %u, \"s\": \"%s\"}\n", i, filler);
    }
  stream = g_memory_input_stream_new_from_data (input->str, input->len, NULL);
  reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_NDJSON);
  conduit_record_reader_keep_lines (reader);

  while (conduit_record_reader_next_line (reader, &line, &length, NULL))
    {
      g_autofree char *expected_start = g_strdup_printf ("{\"n\": %u, ", n);

      /* the line is not nul-terminated */
      g_assert_cmpuint (length, >=, strlen (expected_start));
      g_assert_cmpmem (line, strlen (expected_start), expected_start, strlen (expected_start));
      if (held->len == 0 ||
          g_ptr_array_index (held, held->len - 1) != conduit_record_reader_get_line_buffer (reader))
        g_ptr_array_add (held, conduit_record_reader_hold_lines (reader));
      /* the line and where it is, to check it is still there when its buffer is released */
      g_ptr_array_add (copies, g_strndup (line, length));
      g_ptr_array_add (places, (gpointer)line);
      n++;
      /* every 6,000 lines, all but the last buffer are given back (several at once, which
       * are spare when the line of 700 KB comes), after their lines are checked */
      if (n % 6000 == 0)
        {
          for (guint i = 0; i < copies->len; i++)
            {
              const char *copy = g_ptr_array_index (copies, i);

              g_assert_cmpmem (copy, strlen (copy), g_ptr_array_index (places, i), strlen (copy));
            }
          g_ptr_array_set_size (copies, 0);
          g_ptr_array_set_size (places, 0);
          for (guint i = 0; i + 1 < held->len; i++)
            conduit_record_reader_release_lines (reader, g_ptr_array_index (held, i));
          g_ptr_array_remove_range (held, 0, held->len - 1);
        }
    }
  g_assert_cmpuint (n, ==, 20000);
  for (guint i = 0; i < held->len; i++)
    conduit_record_reader_release_lines (reader, g_ptr_array_index (held, i));
}

/* The value of a reason in the rejected output is the JSON json_to_string() writes for it,
 * whatever the text holds: plain ASCII (written without json-glib), a quote, a backslash,
 * controls, DEL, non-ASCII. */
static void
test_stream_reason_values (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"email\", \"field\": \"email\", \"type\": \"email\"}]}");
  const char *const values[] = { "not an address", "a\"b", "back\\slash", "tab\there",
                                 "bell\001", "del\177", "caf\303\251", "~ !#$%&'()*+,-./" };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  ConduitMappingStreamCounts counts;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), values[i]);
      g_autofree char *json = json_to_string (node, FALSE);

      g_string_append_printf (input, "{\"email\": %s}\n", json);
    }
  g_assert_true (stream_threads (mapping, input->str, 1, output, rejected, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (counts.rejected, ==, G_N_ELEMENTS (values));
  g_assert_true (g_output_stream_close (rejected, NULL, NULL));
  text = g_strndup (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (rejected)),
                    g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (rejected)));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), values[i]);
      g_autofree char *json = json_to_string (node, FALSE);
      g_autofree char *expected = g_strdup_printf (",\"value\":%s,\"message\":", json);

      g_assert_nonnull (strstr (lines[i], expected));
    }
}

/* NDJSON lines are parsed by the mapping threads, not the reading one: what a line can hold
 * (a byte order mark, CR LF, blank lines, a list, broken JSON, bytes that are not UTF-8, a
 * key given twice) comes out the same as from one thread, warnings in line order included,
 * also when the format is guessed. */
static void
test_stream_threads_lines (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"n\", \"field\": \"n\", \"required\": true},"
    " {\"destination\": \"who.name\", \"expression\": \"upper(name)\"}]}");
  g_autoptr(ConduitMapping) shaping = mapping_from (
    "{\"rows\": [{\"destination\": \"at\", \"field\": \"line\"},"
    " {\"destination\": \"why\", \"expression\": \"reasons[0].message\"}]}");
  g_autoptr(GString) input = g_string_new ("\xEF\xBB\xBF");
  const guint n_lines = 3000;
  char *texts[2][2] = { { NULL } };
  char *warnings[2] = { NULL, NULL };
  guint64 n_warnings[2] = { 0 };

  for (guint i = 0; i < n_lines; i++)
    switch (i % 37)
      {
      case 1: g_string_append (input, "   \n"); break;
      case 5: g_string_append (input, "[1, 2]\n"); break;
      case 9: g_string_append (input, "{\"n\": 1, \"name\": \"cut\n"); break;
      case 13: g_string_append (input, "{\"n\": 2, \"name\": \"\xFF\xFE\"}\n"); break;
      case 17: g_string_append_printf (input, "{\"n\": %u, \"name\": \"a\", \"name\": \"b\"}\n", i); break;
      case 21: g_string_append_printf (input, "{\"n\": %u, \"name\": \"crlf %u\"}\r\n", i, i); break;
      case 25: g_string_append (input, "{\"name\": \"no number\"}\n"); break;
      default: g_string_append_printf (input, "{\"n\": %u, \"name\": \"name %u\"}\n", i, i); break;
      }
  g_string_append (input, "{\"n\": 7, \"name\": \"no line end\"}");

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (input->str,
                                                                            input->len, NULL);
      /* guessed with threads: the format is decided before the first line goes to a worker */
      g_autoptr(ConduitRecordReader) reader =
        conduit_record_reader_new (stream, t == 0 ? CONDUIT_RECORD_FORMAT_NDJSON
                                                  : CONDUIT_RECORD_FORMAT_AUTO);
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
      g_autoptr(GError) error = NULL;
      ConduitMappingStreamCounts counts;
      GPtrArray *list;

      g_assert_true (conduit_mapping_stream_run_threads (mapping, shaping, reader, output,
                                                         rejected, t == 0 ? 1 : 3, &counts,
                                                         NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counts.records, ==, n_lines + 1 - (n_lines + 35) / 37);
      g_assert_true (g_output_stream_close (output, NULL, NULL));
      g_assert_true (g_output_stream_close (rejected, NULL, NULL));
      texts[t][0] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      texts[t][1] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (rejected));
      list = conduit_record_reader_get_warnings (reader, &n_warnings[t]);
      g_assert_nonnull (list);
      g_ptr_array_add (list, NULL);
      warnings[t] = g_strjoinv ("\n", (char **)list->pdata);
      g_ptr_array_remove_index (list, list->len - 1);
    }
  /* one line in 37 gives a key twice; the first 20 warnings are kept, in line order */
  g_assert_cmpuint (n_warnings[0], ==, (n_lines + 19) / 37);
  g_assert_cmpuint (n_warnings[1], ==, n_warnings[0]);
  g_assert_true (g_str_has_prefix (warnings[0], "line 18: the key “name” appears more than once"));
  g_assert_cmpstr (warnings[1], ==, warnings[0]);
  g_assert_cmpstr (texts[1][0], ==, texts[0][0]);
  g_assert_cmpstr (texts[1][1], ==, texts[0][1]);
  g_assert_true (g_str_has_prefix (texts[0][0], "{\"n\":0,\"who\":{\"name\":\"NAME 0\"}}\n"));
  g_assert_nonnull (strstr (texts[0][0], "{\"n\":21,\"who\":{\"name\":\"CRLF 21\"}}\n"));
  g_assert_nonnull (strstr (texts[0][0], "\"NO LINE END\"}}\n"));
  g_assert_true (g_str_has_prefix (texts[0][1],
                                   "{\"at\":6,\"why\":\"line 6 is a list, not a record; each line "
                                   "must be one JSON object {…}\"}\n"));
  g_assert_nonnull (strstr (texts[0][1], "{\"at\":10,\"why\":\"line 10, character "));
  g_assert_nonnull (strstr (texts[0][1], "{\"at\":14,\"why\":\"line 14, character "));

  for (guint t = 0; t < 2; t++)
    {
      g_free (warnings[t]);
      for (guint k = 0; k < 2; k++)
        g_free (texts[t][k]);
    }
}

/* The email rule as docs/mapping.md states it, byte by byte: no space, one @ that is not the
 * first byte, and after it parts between dots that are not empty, at least two of them. */
static gboolean
reference_is_email (const char *text,
                    gsize       length)
{
  gsize at = length, part = 0, parts = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isspace (text[i]))
        return FALSE;
      if (text[i] == '@')
        {
          if (at != length)
            return FALSE;
          at = i;
        }
    }
  if (at == length || at == 0)
    return FALSE;
  for (gsize i = at + 1; i <= length; i++)
    {
      if (i < length && text[i] != '.')
        {
          part++;
          continue;
        }
      if (part == 0)
        return FALSE;
      parts++;
      part = 0;
    }
  return parts >= 2;
}

/* conduit_mapping_is_email() (16 bytes a step up to 64 bytes, the last ones too with the
 * bytes after them masked off, byte by byte beyond) against the rule, for texts of every
 * length to 80 made of the bytes that matter, at every place; each also at the very end of a
 * page, where its last bytes are read one by one. */
static void
test_email_rule_lengths (void)
{
  static const char bytes[] = "a@.\t\v\f\r\n -é";
  guint32 seed = 1;
  const gsize page = 4096;
  char *memory = NULL;

  g_assert_cmpint (posix_memalign ((void **)&memory, page, 2 * page), ==, 0);
  memset (memory, '@', 2 * page);

  for (guint length = 0; length <= 80; length++)
    for (guint round = 0; round < 400; round++)
      {
        char text[81];

        for (guint i = 0; i < length; i++)
          {
            seed = seed * 1103515245u + 12345u;
            /* mostly letters, so that valid addresses come up too */
            text[i] = (seed >> 16) % 4 != 0 ? 'a' : bytes[(seed >> 20) % (sizeof bytes - 1)];
          }
        if (length >= 6 && round % 3 == 0)
          {
            /* a valid shape, then maybe broken by the bytes above */
            text[length / 3] = '@';
            text[length - 3] = '.';
          }
        if (conduit_mapping_is_email (text, length) != reference_is_email (text, length))
          g_error ("email rule: \"%.*s\" (%u bytes): %d, the rule says %d", (int)length, text,
                   length, conduit_mapping_is_email (text, length),
                   reference_is_email (text, length));
        memcpy (memory + page - length, text, length);
        g_assert_cmpint (conduit_mapping_is_email (memory + page - length, length), ==,
                         reference_is_email (text, length));
      }
  free (memory);
  g_assert_true (conduit_mapping_is_email ("ada@example.org", 15));
  g_assert_true (conduit_mapping_is_email ("a_rather_long_name.with.parts@mail.example.co.uk", 48));
  g_assert_false (conduit_mapping_is_email ("ada@example..org", 16));
  g_assert_false (conduit_mapping_is_email ("ada@example.org.", 16));
  g_assert_false (conduit_mapping_is_email ("ada@.example.org", 16));
  g_assert_false (conduit_mapping_is_email ("@example.org", 12));
  g_assert_false (conduit_mapping_is_email ("ada@example", 11));
  g_assert_false (conduit_mapping_is_email ("ada @example.org", 16));
  g_assert_true (conduit_mapping_is_email ("ada\v@example.org", 16));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/mapping/apply/nested", test_apply_nested);
  g_test_add_func ("/conduit/mapping/apply/order", test_apply_order);
  g_test_add_func ("/conduit/mapping/apply/arrays", test_apply_arrays);
  g_test_add_func ("/conduit/mapping/preview-row", test_preview_row);
  g_test_add_func ("/conduit/mapping/validation/rules", test_validation_rules);
  g_test_add_func ("/conduit/mapping/validation/email", test_email_rule);
  g_test_add_func ("/conduit/mapping/validation/expression", test_expression_failure_refuses);
  g_test_add_func ("/conduit/mapping/keep-unmapped", test_keep_unmapped);
  g_test_add_func ("/conduit/mapping/problems", test_problems);
  g_test_add_func ("/conduit/mapping/json-roundtrip", test_json_roundtrip);
  g_test_add_func ("/conduit/mapping/rows-model", test_rows_model);
  g_test_add_func ("/conduit/mapping/schema/ndjson", test_schema);
  g_test_add_func ("/conduit/mapping/schema/csv", test_schema_csv);
  g_test_add_func ("/conduit/mapping/auto-map", test_auto_map);
  g_test_add_func ("/conduit/mapping/flow-check", test_flow_check);
  g_test_add_func ("/conduit/mapping/reader-warnings", test_reader_warnings);
  g_test_add_func ("/conduit/mapping/explicit-null", test_explicit_null);
  g_test_add_func ("/conduit/mapping/shared-calls", test_shared_calls);
  g_test_add_func ("/conduit/mapping/pattern-description", test_pattern_description);
  g_test_add_func ("/conduit/mapping/stream-threads", test_stream_threads);
  g_test_add_func ("/conduit/mapping/stream-threads-lines", test_stream_threads_lines);
  g_test_add_func ("/conduit/mapping/stream-reason-values", test_stream_reason_values);
  g_test_add_func ("/conduit/mapping/reader-held-lines", test_reader_held_lines);
  g_test_add_func ("/conduit/mapping/validation/email-lengths", test_email_rule_lengths);

  return g_test_run ();
}
