/* test-exprs-core.c — what the editors' field pickers and completion ask of the engine (#22)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

/* The fields of sample items as paths with types; the sample items a step would see, carried
 * through a Map Fields step; every function described for completion; the word at the cursor;
 * and the one check of a setting's expression or template that the flow check and the
 * inspector share. */

static ConduitFlow *
flow_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  ConduitFlow *flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), text,
                                                  -1, &problems, &error);

  g_assert_no_error (error);
  g_assert_nonnull (flow);
  return flow;
}

static JsonNode *
json (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static const ConduitSchemaField *
field (ConduitSchema *schema,
       const char    *path)
{
  const ConduitSchemaField *found = conduit_schema_lookup (schema, path);

  if (found == NULL)
    g_error ("no field %s in the schema", path);
  return found;
}

/* ---- fields of sample items ---- */

static void
test_fields_nested (void)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(ConduitSchema) schema = NULL;

  g_ptr_array_add (records, json ("{\"id\": 7, \"customer\": {\"email\": \"ada@example.com\","
                                  " \"First Name\": \"Ada\"}, \"items\": [{\"sku\": \"A-1\"}],"
                                  " \"paid\": true}"));
  g_ptr_array_add (records, json ("{\"id\": 8, \"customer\": {\"email\": \"bob@example.com\"},"
                                  " \"items\": [{\"sku\": \"B-2\", \"qty\": 2.5}]}"));
  schema = conduit_schema_new_for_records (records);

  g_assert_cmpuint (conduit_schema_get_n_records (schema), ==, 2);
  g_assert_cmpstr (field (schema, "id")->type, ==, "integer");
  g_assert_cmpstr (field (schema, "customer")->type, ==, "object");
  g_assert_cmpstr (field (schema, "customer.email")->type, ==, "email");
  g_assert_cmpuint (field (schema, "customer.email")->present, ==, 2);
  /* a name that is no identifier is written as the expression language reads it */
  g_assert_cmpstr (field (schema, "customer.`First Name`")->type, ==, "string");
  g_assert_cmpuint (field (schema, "customer.`First Name`")->present, ==, 1);
  g_assert_cmpstr (field (schema, "items[].sku")->type, ==, "string");
  g_assert_cmpstr (field (schema, "items[].qty")->type, ==, "number");
  g_assert_cmpstr (field (schema, "paid")->type, ==, "boolean");
  g_assert_cmpstr (g_ptr_array_index (field (schema, "customer.email")->examples, 0), ==,
                   "ada@example.com");

  /* every path the schema lists reads its value back as an expression */
  for (guint i = 0; i < conduit_schema_get_fields (schema)->len; i++)
    {
      const ConduitSchemaField *f = g_ptr_array_index (conduit_schema_get_fields (schema), i);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitExpression) expression = conduit_expression_new (f->path, &error);

      g_assert_no_error (error);
      g_assert_nonnull (expression);
    }
}

/* ---- the sample items a step sees ---- */

#define SAMPLE_FLOW \
  "{ \"version\": 1, \"name\": \"Samples\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\"," \
  "    \"settings\": { \"items\": [ {\"Email\": \" Ada@Example.com \", \"n\": 1}," \
  "                              {\"Email\": \"bob@example.com\", \"n\": 2} ] } }," \
  "  { \"id\": \"keep\", \"type\": \"filter\", \"settings\": { \"condition\": \"n > 0\" } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"mapping\": { \"rows\": [" \
  "      { \"destination\": \"contact.email\", \"expression\": \"lower(trim(Email))\" } ] } }," \
  "  { \"id\": \"post\", \"type\": \"http-request\"," \
  "    \"settings\": { \"url\": \"http://127.0.0.1:9/{{ contact.email }}\" } }," \
  "  { \"id\": \"after\", \"type\": \"http-request\"," \
  "    \"settings\": { \"url\": \"http://127.0.0.1:9/\" } }," \
  "  { \"id\": \"own\", \"type\": \"mapping\", \"settings\": { \"samples\": [ {\"z\": 1} ] } } ]," \
  " \"links\": [" \
  "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"keep\", \"to_port\": \"in\" }," \
  "   { \"from\": \"keep\", \"from_port\": \"match\", \"to\": \"map\", \"to_port\": \"in\" }," \
  "   { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"post\", \"to_port\": \"in\" }," \
  "   { \"from\": \"post\", \"from_port\": \"out\", \"to\": \"after\", \"to_port\": \"in\" }," \
  "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"own\", \"to_port\": \"in\" } ] }"

static void
test_samples_through_mapping (void)
{
  g_autoptr(ConduitFlow) flow = flow_from (SAMPLE_FLOW);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ConduitNode *origin = NULL;
  ConduitSampleOrigin kind;
  JsonObject *contact;

  /* the HTTP step after Map Fields sees the mapped records, not the trigger's */
  kind = conduit_flow_collect_input_samples (flow, conduit_flow_lookup_node (flow, "post"), NULL,
                                             10, records, &origin);
  g_assert_cmpint (kind, ==, CONDUIT_SAMPLE_ORIGIN_UPSTREAM);
  g_assert_cmpstr (conduit_node_get_id (origin), ==, "start");
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_false (json_object_has_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                          "Email"));
  contact = json_object_get_object_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                           "contact");
  g_assert_cmpstr (json_object_get_string_member (contact, "email"), ==, "ada@example.com");

  /* Map Fields itself sees the trigger's items, through the filter; at most one asked for */
  g_ptr_array_set_size (records, 0);
  kind = conduit_flow_collect_input_samples (flow, conduit_flow_lookup_node (flow, "map"), NULL,
                                             1, records, &origin);
  g_assert_cmpint (kind, ==, CONDUIT_SAMPLE_ORIGIN_UPSTREAM);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                                  "Email"), ==, " Ada@Example.com ");

  /* past an HTTP request the items are its answers: not known without a run */
  g_ptr_array_set_size (records, 0);
  kind = conduit_flow_collect_input_samples (flow, conduit_flow_lookup_node (flow, "after"), NULL,
                                             10, records, &origin);
  g_assert_cmpint (kind, ==, CONDUIT_SAMPLE_ORIGIN_NONE);
  g_assert_null (origin);
  g_assert_cmpuint (records->len, ==, 0);

  /* a step's own (pasted) samples come first */
  kind = conduit_flow_collect_input_samples (flow, conduit_flow_lookup_node (flow, "own"), NULL,
                                             10, records, &origin);
  g_assert_cmpint (kind, ==, CONDUIT_SAMPLE_ORIGIN_OWN);
  g_assert_cmpstr (conduit_node_get_id (origin), ==, "own");
  g_assert_cmpuint (records->len, ==, 1);
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* After a test run, a step past the HTTP request knows its fields: what reached it. */
static void
test_samples_last_run (void)
{
  g_autoptr(ConduitFlow) flow = flow_from (
    "{ \"version\": 1, \"name\": \"Run\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ {\"n\": 1, \"deep\": {\"x\": \"y\"}}, {\"n\": 2} ] } },"
    "  { \"id\": \"keep\", \"type\": \"filter\", \"settings\": { \"condition\": \"n > 1\" } } ],"
    " \"links\": ["
    "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"keep\", \"to_port\": \"in\" } ] }");
  g_autoptr(ConduitRunner) runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                                        NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  ConduitNode *origin = NULL;

  run = conduit_runner_create_run (runner, flow, NULL, "manual", NULL, &error);
  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, on_run_done, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (result);
  g_assert_true (conduit_run_execute_finish (run, result, &error));
  g_assert_no_error (error);

  /* the filter's input in the run: both trigger items, taken from the run */
  g_assert_cmpint (conduit_flow_collect_input_samples (flow, conduit_flow_lookup_node (flow, "keep"),
                                                       run, 10, records, &origin),
                   ==, CONDUIT_SAMPLE_ORIGIN_LAST_RUN);
  g_assert_cmpstr (conduit_node_get_id (origin), ==, "keep");
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_true (json_object_has_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                         "deep"));
}

/* ---- functions, for completion ---- */

static void
test_functions_described (void)
{
  const char *const *names = conduit_expression_list_functions ();
  guint n = 0;

  for (; names[n] != NULL; n++)
    {
      const ConduitExpressionFunctionInfo *info = conduit_expression_describe_function (names[n]);
      g_autofree char *call = g_strconcat (names[n], "(", NULL);

      if (info == NULL)
        g_error ("the function %s has no signature for completion", names[n]);
      g_assert_cmpstr (info->name, ==, names[n]);
      g_assert_true (g_str_has_prefix (info->signature, call));
      g_assert_true (info->description != NULL && *info->description != '\0');
    }
  g_assert_cmpuint (n, >, 30);
  g_assert_null (conduit_expression_describe_function ("lowr"));
  g_assert_cmpstr (conduit_expression_describe_function ("lower")->signature, ==, "lower(s)");
}

/* ---- the word at the cursor ---- */

static void
assert_word (const char *text,
             glong       cursor,
             gboolean    is_template,
             const char *expected,
             glong       expected_start)
{
  glong start = -1;
  g_autofree char *word = conduit_expression_find_word (text, cursor, is_template, &start);

  g_assert_cmpstr (word, ==, expected);
  if (expected != NULL)
    g_assert_cmpint (start, ==, expected_start);
}

static void
test_find_word (void)
{
  /* an expression: all of it is */
  assert_word ("low", 3, FALSE, "low", 0);
  assert_word ("trim(customer.em", 16, FALSE, "customer.em", 5);
  assert_word ("a + ", 4, FALSE, "", 4);
  assert_word ("concat(\"low", 11, FALSE, NULL, 0);           /* inside quotes */
  assert_word ("concat(\"a\", low", 15, FALSE, "low", 12);   /* after them */
  assert_word ("items[].sk", 10, FALSE, "items[].sk", 0);
  assert_word ("`First Na", 9, FALSE, "`First Na", 0);         /* a quoted name being typed */
  assert_word ("customer.`First Name`.x", 23, FALSE, "customer.`First Name`.x", 0);

  /* a template: only inside {{ }} */
  assert_word ("https://x/{{ low", 16, TRUE, "low", 13);
  assert_word ("https://x/low", 13, TRUE, NULL, 0);
  assert_word ("{{ a }} low", 11, TRUE, NULL, 0);
  assert_word ("Dear {{", 7, TRUE, "", 7);
  assert_word ("\\{{ low", 7, TRUE, NULL, 0);                 /* an escaped {{ is text */
  assert_word ("{{ \"}}\" + na", 12, TRUE, "na", 10);           /* }} in quotes does not close */
  assert_word ("Grüße {{ kundé", 14, TRUE, "kundé", 9);       /* columns are characters */

  /* the cursor in the middle: the word before it */
  assert_word ("{{ lower(x) }}", 6, TRUE, "low", 3);
  assert_word ("abc", 9, FALSE, NULL, 0);
}

/* ---- the shared check of a setting's text ---- */

static ConduitConnector *
connector (const char *id)
{
  ConduitConnector *found = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                               id);
  g_assert_nonnull (found);
  return found;
}

static void
test_check_text (void)
{
  const ConduitSettingSpec *url = conduit_connector_find_setting (connector ("http-request"), "url");
  const ConduitSettingSpec *condition = conduit_connector_find_setting (connector ("filter"),
                                                                        "condition");
  const ConduitSettingSpec *path = conduit_connector_find_setting (connector ("read-file"), "path");
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_setting_spec_holds_expressions (url));
  g_assert_true (conduit_setting_spec_holds_expressions (condition));
  g_assert_false (conduit_setting_spec_holds_expressions (path));

  g_assert_true (conduit_setting_spec_check_text (url, "https://x/{{ lower(email) }}", NULL));
  g_assert_false (conduit_setting_spec_check_text (url, "https://x/{{ lowr(email) }}", &error));
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  /* the column is in the whole text: "lowr" starts at the 14th character */
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 14);
  g_assert_cmpuint (conduit_expression_error_get_length (error), ==, 4);
  g_assert_true (g_str_has_prefix (error->message, "column 14: "));
  g_assert_nonnull (strstr (error->message, "lowr"));
  g_clear_error (&error);

  g_assert_false (conduit_setting_spec_check_text (url, "https://x/{{ email", &error));
  g_assert_cmpuint (conduit_expression_error_get_column (error), >, 0);
  g_clear_error (&error);

  /* a template of several lines (a message) names the line, and keeps the column in the whole
   * text for underlining */
  g_assert_false (conduit_setting_spec_check_text (url, "Hello,\n\nnew lead: {{ lowr(name) }}",
                                                   &error));
  g_assert_true (g_str_has_prefix (error->message, "line 3, column 14: "));
  g_assert_nonnull (strstr (error->message, "lowr"));
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 22);
  g_clear_error (&error);
  g_assert_false (conduit_setting_spec_check_text (url, "a\n{{ b\n + }}", &error));
  g_assert_true (g_str_has_prefix (error->message, "line 3, column "));
  g_clear_error (&error);
  g_assert_false (conduit_setting_spec_check_text (url, "a\nb {{ c", &error));
  g_assert_true (g_str_has_prefix (error->message, "line 2, column 3: "));
  g_clear_error (&error);

  g_assert_true (conduit_setting_spec_check_text (condition, "", NULL));  /* none */
  g_assert_false (conduit_setting_spec_check_text (condition, "n >", &error));
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 4);
  g_clear_error (&error);

  /* plain text takes {{ as it is */
  g_assert_true (conduit_setting_spec_check_text (path, "reports/{{ lowr(", NULL));
}

/* SQL names a field as :customer.email; the picker offers only what SQL can name. */
static void
test_sql_parameters (void)
{
  const ConduitSettingSpec *sql = conduit_connector_find_setting (connector ("db-query"), "sql");

  g_assert_true (sql->binds_fields);
  g_assert_false (conduit_setting_spec_holds_expressions (sql));
  g_assert_true (conduit_db_sql_is_parameter_name ("customer.email"));
  g_assert_true (conduit_db_sql_is_parameter_name ("_id2"));
  g_assert_false (conduit_db_sql_is_parameter_name ("customer.`First Name`"));
  g_assert_false (conduit_db_sql_is_parameter_name ("items[].sku"));
  g_assert_false (conduit_db_sql_is_parameter_name ("2nd"));
  g_assert_false (conduit_db_sql_is_parameter_name ("kundé"));
  g_assert_false (conduit_db_sql_is_parameter_name ("a."));
  g_assert_false (conduit_db_sql_is_parameter_name (""));
}

/* An app's action fields are templates over the item: checked like the URL. */
static void
test_app_fields_are_templates (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (registry));
  guint checked = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitConnector) c = g_list_model_get_item (G_LIST_MODEL (registry), i);
      GPtrArray *settings = conduit_connector_get_settings (c);

      if (strchr (conduit_connector_get_id (c), '.') == NULL ||
          conduit_connector_get_category (c) == CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
        continue;
      for (guint j = 0; j < settings->len; j++)
        {
          const ConduitSettingSpec *spec = g_ptr_array_index (settings, j);

          if (spec->type == CONDUIT_SETTING_STRING && g_strcmp0 (spec->key, "credential") != 0 &&
              spec->allowed_values == NULL && conduit_setting_spec_holds_expressions (spec))
            checked++;
        }
    }
  g_assert_cmpuint (checked, >, 10);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/exprs/fields/nested", test_fields_nested);
  g_test_add_func ("/conduit/exprs/samples/through-mapping", test_samples_through_mapping);
  g_test_add_func ("/conduit/exprs/samples/last-run", test_samples_last_run);
  g_test_add_func ("/conduit/exprs/functions/described", test_functions_described);
  g_test_add_func ("/conduit/exprs/find-word", test_find_word);
  g_test_add_func ("/conduit/exprs/check-text", test_check_text);
  g_test_add_func ("/conduit/exprs/app-fields-are-templates", test_app_fields_are_templates);
  g_test_add_func ("/conduit/exprs/sql-parameters", test_sql_parameters);

  return g_test_run ();
}
