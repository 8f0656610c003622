/* test-openapi-import.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "test-util.h"

/* Importing OpenAPI descriptions: every public description in tests/fixtures/openapi/ becomes
 * a descriptor that loads and registers its steps, with the mappings the issue asks for; each
 * malformed description is refused with its line; a re-import keeps the user's edits. */

static char *
fixture_text (const char *name,
              gsize      *length)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "fixtures", "openapi", name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, length, &error));
  g_assert_no_error (error);
  return text;
}

static JsonObject *
find_operation (JsonNode   *descriptor,
                const char *id)
{
  JsonArray *operations = json_object_get_array_member (json_node_get_object (descriptor), "operations");

  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      JsonObject *operation = json_array_get_object_element (operations, i);

      if (g_str_equal (json_object_get_string_member (operation, "id"), id))
        return operation;
    }
  return NULL;
}

static JsonObject *
find_field (JsonObject *operation,
            const char *key)
{
  JsonArray *input = json_object_get_array_member (operation, "input");

  for (guint i = 0; input != NULL && i < json_array_get_length (input); i++)
    {
      JsonObject *field = json_array_get_object_element (input, i);

      if (g_str_equal (json_object_get_string_member (field, "key"), key))
        return field;
    }
  return NULL;
}

static gboolean
report_has (ConduitOpenapiImport *import,
            const char           *words)
{
  GPtrArray *report = conduit_openapi_import_get_report (import);

  for (guint i = 0; i < report->len; i++)
    if (strstr (g_ptr_array_index (report, i), words) != NULL)
      return TRUE;
  return FALSE;
}

typedef struct
{
  const char *file;
  const char *app_id;
  guint       n_operations;
  const char *auth_kind;
  const char *server_default;  /* NULL: relative, no default */
  const char *report_words;    /* a line the report must have */
} Fixture;

static const Fixture fixtures[] = {
  { "petstore3.json", "swagger-petstore-openapi-3-0", 19, "api-key",
    "https://petstore3.swagger.io/api/v3",
    "the security scheme “petstore_auth” is not supported: OAuth 2.0 with only the implicit or password flow" },
  { "tictactoe-3.1.yaml", "tic-tac-toe", 3, "api-key", NULL,
    "the security scheme “user2AppOauth” is not carried over" },
  { "petstore-expanded-2.0.json", "swagger-petstore", 4, "none", "http://petstore.swagger.io/api",
    "GET /pets (findPets): the list “tags” is sent as one comma-separated value" },
  { "uspto-3.0.yaml", "uspto-data-set-api", 3, "none", "{scheme}://developer.uspto.gov/ds-api",
    "pagination is not described by OpenAPI" },
};

/* Each fixture imports, the descriptor loads, and the registry makes a step of every operation. */
static void
test_fixtures (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      const Fixture *f = &fixtures[i];
      gsize length;
      g_autofree char *text = fixture_text (f->file, &length);
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitOpenapiImport) import = conduit_openapi_import_new (text, length, NULL, NULL, &error);
      g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
      g_autoptr(GPtrArray) problems = NULL;
      g_autofree char *descriptor_text = NULL;
      ConduitAppDescriptor *app;
      JsonObject *connection;
      JsonObject *server;

      g_test_message ("%s", f->file);
      g_assert_no_error (error);
      g_assert_nonnull (import);
      g_assert_cmpstr (conduit_openapi_import_get_app_id (import), ==, f->app_id);
      g_assert_cmpuint (conduit_openapi_import_get_n_operations (import), ==, f->n_operations);
      g_assert_true (report_has (import, f->report_words));
      g_assert_true (report_has (import, "idempotency keys are not described by OpenAPI"));

      descriptor_text = conduit_openapi_import_to_text (import);
      g_assert_true (conduit_connector_registry_load_builtin (registry, &error));
      app = conduit_connector_registry_load_app_from_data (registry, descriptor_text, -1, &problems, &error);
      g_assert_no_error (error);
      g_assert_nonnull (app);
      g_assert_cmpuint (conduit_app_descriptor_get_operations (app)->len, ==, f->n_operations);
      g_assert_cmpstr (conduit_app_descriptor_get_auth_kind (app), ==, f->auth_kind);

      connection = conduit_app_descriptor_get_connection (app);
      server = json_array_get_object_element (json_object_get_array_member (connection, "fields"), 0);
      g_assert_cmpstr (json_object_get_string_member (server, "key"), ==, "server");
      g_assert_cmpstr (json_object_get_string_member_with_default (server, "default", NULL), ==,
                       f->server_default);

      for (guint j = 0; j < conduit_app_descriptor_get_operations (app)->len; j++)
        {
          JsonObject *operation = g_ptr_array_index (conduit_app_descriptor_get_operations (app), j);
          g_autofree char *id = g_strdup_printf ("%s.%s", f->app_id,
                                                 json_object_get_string_member (operation, "id"));

          g_assert_nonnull (conduit_connector_registry_lookup (registry, id));
        }
    }
}

/* What the issue names, on the pet store: path and query parameters, a JSON body from a
 * $ref'd schema with its required fields, enums, formats, help, the tag, output fields. */
static void
test_petstore_mapping (void)
{
  gsize length;
  g_autofree char *text = fixture_text ("petstore3.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) import = conduit_openapi_import_new (text, length, NULL, "pets", &error);
  JsonNode *descriptor;
  JsonObject *operation;
  JsonObject *field;
  JsonObject *request;
  JsonObject *auth;

  g_assert_no_error (error);
  descriptor = conduit_openapi_import_get_descriptor (import);
  g_assert_cmpstr (conduit_openapi_import_get_app_id (import), ==, "pets");

  auth = json_object_get_object_member (json_object_get_object_member (json_node_get_object (descriptor),
                                                                       "connection"), "auth");
  g_assert_cmpstr (json_object_get_string_member (auth, "in"), ==, "header");
  g_assert_cmpstr (json_object_get_string_member (auth, "name"), ==, "api_key");

  /* findPetsByStatus: a query enum with a default, a list answer */
  operation = find_operation (descriptor, "findPetsByStatus");
  g_assert_nonnull (operation);
  g_assert_cmpstr (json_object_get_string_member (operation, "title"), ==, "Finds Pets by status.");
  g_assert_cmpstr (json_object_get_string_member (operation, "kind"), ==, "list");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (operation, "description"), "pet · "));
  field = find_field (operation, "status");
  g_assert_cmpstr (json_object_get_string_member (field, "type"), ==, "enum");
  g_assert_cmpstr (json_object_get_string_member (field, "default"), ==, "available");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (field, "values")), ==, 3);
  request = json_object_get_object_member (operation, "request");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "query"), "status"),
                   ==, "{{ input.status }}");

  /* addPet: the body's top level from #/components/schemas/Pet */
  operation = find_operation (descriptor, "addPet");
  field = find_field (operation, "name");
  g_assert_true (json_object_get_boolean_member (field, "required"));
  g_assert_cmpstr (json_object_get_string_member (find_field (operation, "id"), "format"), ==, "int64");
  g_assert_cmpstr (json_object_get_string_member (find_field (operation, "category"), "type"), ==, "object");
  g_assert_cmpstr (json_object_get_string_member (find_field (operation, "photoUrls"), "type"), ==, "array");
  g_assert_cmpstr (json_object_get_string_member (find_field (operation, "status"), "help"), ==,
                   "pet status in the store");
  request = json_object_get_object_member (operation, "request");
  g_assert_cmpstr (json_object_get_string_member (request, "method"), ==, "POST");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "body"), "type"),
                   ==, "json");

  /* getPetById: a path parameter, required, its output from the answer's schema */
  operation = find_operation (descriptor, "getPetById");
  request = json_object_get_object_member (operation, "request");
  g_assert_cmpstr (json_object_get_string_member (request, "path"), ==, "/pet/{{ input.petId }}");
  g_assert_true (json_object_get_boolean_member (find_field (operation, "petId"), "required"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (operation, "response"), "output")), ==, 6);

  /* the header parameter api_key of deletePet is a header template */
  operation = find_operation (descriptor, "deletePet");
  request = json_object_get_object_member (operation, "request");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (request, "headers"), "api_key"),
                   ==, "{{ input.api_key }}");
}

/* Server variables become connection fields the base URL fills in; oneOf is reported. */
static void
test_variables_and_choices (void)
{
  const char *text =
    "openapi: 3.0.3\n"
    "info: { title: Shop, version: '2' }\n"
    "servers:\n"
    "  - url: https://{tenant}.shop.example:{port}/v1\n"
    "    variables:\n"
    "      tenant: { default: demo, description: Your tenant }\n"
    "      port: { enum: ['443', '8443'], default: '443' }\n"
    "components:\n"
    "  securitySchemes:\n"
    "    cc: { type: oauth2, flows: { clientCredentials: { tokenUrl: /oauth/token, scopes: {} } } }\n"
    "  schemas:\n"
    "    Card: { type: object, properties: { number: { type: string } }, required: [number] }\n"
    "    Iban: { type: object, properties: { iban: { type: string } } }\n"
    "    Base: { type: object, properties: { amount: { type: integer, x-money: true } }, required: [amount] }\n"
    "security: [ { cc: [] } ]\n"
    "paths:\n"
    "  /payments:\n"
    "    post:\n"
    "      operationId: createPayment\n"
    "      requestBody:\n"
    "        required: true\n"
    "        content:\n"
    "          application/json:\n"
    "            schema:\n"
    "              allOf:\n"
    "                - $ref: '#/components/schemas/Base'\n"
    "                - oneOf: [ { $ref: '#/components/schemas/Card' }, { $ref: '#/components/schemas/Iban' } ]\n"
    "      responses: { '201': { description: created } }\n"
    "  /status:\n"
    "    get:\n"
    "      security: []\n"
    "      responses: { '200': { description: ok } }\n"
    "    head:\n"
    "      responses: { '200': { description: ok } }\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) import = conduit_openapi_import_new (text, -1, NULL, NULL, &error);
  g_autoptr(ConduitAppDescriptor) app = NULL;
  g_autofree char *descriptor_text = NULL;
  JsonNode *descriptor;
  JsonObject *connection;
  JsonObject *operation;

  g_assert_no_error (error);
  descriptor = conduit_openapi_import_get_descriptor (import);
  connection = json_object_get_object_member (json_node_get_object (descriptor), "connection");
  g_assert_cmpstr (json_object_get_string_member (connection, "base_url"), ==,
                   "{{ replace(replace(connection.server, \"{tenant}\", to_string(connection.tenant)), "
                   "\"{port}\", to_string(connection.port)) }}");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (connection, "fields")), ==, 3);

  /* the server's default goes through the template engine as a setting does, unchanged, and
   * the base URL puts the variables into it */
  {
    const char *server = json_object_get_string_member (
      json_array_get_object_element (json_object_get_array_member (connection, "fields"), 0), "default");
    g_autoptr(ConduitTemplate) as_setting = conduit_template_new (server, &error);
    g_autoptr(ConduitTemplate) base_url = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autofree char *rendered = NULL;
    g_autofree char *scope = NULL;

    g_assert_no_error (error);
    rendered = conduit_template_render (as_setting, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rendered, ==, "https://{tenant}.shop.example:{port}/v1");
    g_clear_pointer (&rendered, g_free);

    scope = g_strdup_printf ("{\"connection\": {\"server\": \"%s\", \"tenant\": \"acme\", \"port\": \"8443\"}}",
                             server);
    g_assert_true (json_parser_load_from_data (parser, scope, -1, &error));
    base_url = conduit_template_new (json_object_get_string_member (connection, "base_url"), &error);
    g_assert_no_error (error);
    rendered = conduit_template_render (base_url, json_parser_get_root (parser), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rendered, ==, "https://acme.shop.example:8443/v1");
  }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (connection, "auth"), "kind"),
                   ==, "oauth2-client-credentials");
  /* a relative token address is relative to the server */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (connection, "auth"), "token_url"),
                   ==, "https://{tenant}.shop.example:{port}/oauth/token");

  operation = find_operation (descriptor, "createPayment");
  g_assert_true (json_object_get_boolean_member (find_field (operation, "amount"), "required"));
  g_assert_true (json_object_get_boolean_member (find_field (operation, "number"), "required"));
  g_assert_null (find_field (operation, "iban"));
  g_assert_true (report_has (import, "“oneOf” offers 2 schemas; the first one is used"));
  g_assert_true (report_has (import, "HEAD /status skipped"));

  operation = find_operation (descriptor, "get-status");
  g_assert_nonnull (operation);
  g_assert_cmpstr (json_object_get_string_member (operation, "auth"), ==, "none");

  descriptor_text = conduit_openapi_import_to_text (import);
  app = conduit_app_descriptor_new_from_data (descriptor_text, -1, NULL, &error);
  g_assert_no_error (error);
}

/* A schema that contains itself is cut and reported; a cookie and a file part are reported. */
static void
test_recursion_cookies_files (void)
{
  const char *text =
    "{\n"
    "  \"openapi\": \"3.1.0\",\n"
    "  \"info\": { \"title\": \"Tree\", \"version\": \"1\" },\n"
    "  \"paths\": { \"/nodes\": { \"post\": {\n"
    "    \"operationId\": \"add-node\",\n"
    "    \"parameters\": [ { \"name\": \"session\", \"in\": \"cookie\", \"schema\": { \"type\": \"string\" } } ],\n"
    "    \"requestBody\": { \"content\": { \"multipart/form-data\": { \"schema\": {\n"
    "      \"type\": \"object\", \"properties\": { \"name\": { \"type\": \"string\" },\n"
    "        \"picture\": { \"type\": \"string\", \"format\": \"binary\" } } } } } },\n"
    "    \"responses\": { \"200\": { \"description\": \"ok\", \"content\": { \"application/json\": {\n"
    "      \"schema\": { \"$ref\": \"#/components/schemas/Node\" } } } } } } } },\n"
    "  \"components\": { \"schemas\": { \"Node\": { \"type\": \"object\", \"properties\": {\n"
    "    \"name\": { \"type\": \"string\" },\n"
    "    \"parent\": { \"$ref\": \"#/components/schemas/Node\" } } } } }\n"
    "}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) import = conduit_openapi_import_new (text, -1, NULL, NULL, &error);
  JsonObject *operation;
  JsonObject *body;

  g_assert_no_error (error);
  operation = find_operation (conduit_openapi_import_get_descriptor (import), "add-node");
  body = json_object_get_object_member (json_object_get_object_member (operation, "request"), "body");
  g_assert_cmpstr (json_object_get_string_member (body, "type"), ==, "multipart");
  g_assert_true (json_object_has_member (json_object_get_object_member (body, "content"), "name"));
  g_assert_false (json_object_has_member (json_object_get_object_member (body, "content"), "picture"));
  g_assert_true (report_has (import, "the file part “picture” of the body is not carried over"));
  g_assert_true (report_has (import, "the cookie “session” is not sent"));
  g_assert_true (report_has (import, "the schema “#/components/schemas/Node” contains itself"));
}

typedef struct
{
  const char *title;
  const char *text;
  const char *message;  /* the start of the error: "LINE: /pointer: …" */
} Malformed;

static const Malformed malformed[] = {
  { "broken JSON", "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\n}}}\n", "4: /: not valid JSON" },
  { "broken YAML", "openapi: 3.0.0\ninfo:\n  title: [a, b\npaths: {}\n", "4: /: not valid YAML" },
  { "not OpenAPI", "{\n  \"name\": \"a flow?\"\n}\n", "1: /: not an OpenAPI description" },
  { "a list", "- openapi: 3.0.0\n", "1: /: an OpenAPI description is an object, not a list" },
  { "OpenAPI 4", "info: { title: X }\nopenapi: '4.0'\npaths: {}\n",
    "2: /openapi: OpenAPI “4.0” is not a version Conduit reads" },
  { "Swagger 1.2", "{\n  \"swagger\": \"1.2\"\n}\n", "2: /swagger: Swagger “1.2” is not a version" },
  { "paths a list", "openapi: 3.0.0\ninfo: { title: X, version: '1' }\npaths:\n  - /a\n",
    "3: /paths: must be an object of paths, not a list" },
  { "no paths", "openapi: 3.1.0\ninfo: { title: X, version: '1' }\n", "1: /: there is no “paths”" },
  { "no operation", "openapi: 3.0.0\ninfo: { title: X, version: '1' }\npaths:\n  /a:\n    trace: {}\n",
    "3: /paths: no operation could be imported" },
  { "$ref cycle",
    "openapi: 3.0.0\ninfo: { title: X, version: '1' }\n"
    "paths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/A'\n"
    "      responses: {}\n"
    "components:\n  parameters:\n    A: { $ref: '#/components/parameters/B' }\n"
    "    B: { $ref: '#/components/parameters/A' }\n",
    "7: /paths/~1a/get/parameters/0: a $ref cycle never reaches a schema: #/components/parameters/A → "
    "#/components/parameters/B → #/components/parameters/A" },
  { "duplicate key", "openapi: 3.0.0\ninfo: { title: X }\ninfo: { title: Y }\npaths: {}\n",
    "3: /: the key “info” is given twice" },
  { "alias bomb",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
    "1: /: the YAML aliases expand past 1000000 values" },
  { "not UTF-8", "openapi: 3.0.0\ninfo:\n  title: \xff\xfe\n", "3: /: the file is not UTF-8 text" },
  { "empty", "", "1: /: the file is empty" },
};

static void
test_malformed (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitOpenapiImport) import = NULL;

      g_test_message ("%s", malformed[i].title);
      import = conduit_openapi_import_new (malformed[i].text, -1, NULL, NULL, &error);
      g_assert_null (import);
      g_assert_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, error->code);
      if (!g_str_has_prefix (error->message, malformed[i].message))
        g_error ("%s: expected “%s…”, got “%s”", malformed[i].title, malformed[i].message,
                 error->message);
    }
}

/* Nesting past the limit, in JSON and in YAML, and a file over 20 MB. */
static void
test_limits (void)
{
  g_autoptr(GString) json = g_string_new ("{\"openapi\": \"3.0.0\", \"x\": ");
  g_autoptr(GString) yaml = g_string_new ("openapi: 3.0.0\nx: ");
  g_autoptr(GError) error = NULL;
  g_autofree char *large = NULL;
  gsize size = CONDUIT_OPENAPI_IMPORT_MAX_BYTES + 1;

  for (guint i = 0; i < 100; i++)
    g_string_append (json, "[");
  for (guint i = 0; i < 100; i++)
    g_string_append (json, "]");
  g_string_append (json, "}");
  g_assert_null (conduit_openapi_import_new (json->str, -1, NULL, NULL, &error));
  g_assert_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "1: /: values nest more than 64 levels deep");
  g_clear_error (&error);

  for (guint i = 0; i < 100; i++)
    g_string_append (yaml, "[");
  for (guint i = 0; i < 100; i++)
    g_string_append (yaml, "]");
  g_string_append (yaml, "\n");
  g_assert_null (conduit_openapi_import_new (yaml->str, -1, NULL, NULL, &error));
  g_assert_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID);
  g_assert_true (g_str_has_suffix (error->message, "values nest more than 64 levels deep"));
  g_clear_error (&error);

  large = g_malloc (size + 1);
  memset (large, ' ', size);
  large[size] = '\0';
  g_assert_null (conduit_openapi_import_new (large, size, NULL, NULL, &error));
  g_assert_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==,
                   "1: /: the description is 20.0 MB; Conduit imports descriptions of up to 20 MB");
}

/* A reference to another file is never fetched: reported, the field stays untyped. */
static void
test_remote_ref_not_fetched (void)
{
  const char *text =
    "openapi: 3.0.0\ninfo: { title: X, version: '1' }\n"
    "paths:\n  /a:\n    post:\n      operationId: a\n"
    "      requestBody:\n        content:\n          application/json:\n"
    "            schema: { $ref: 'https://schemas.example/thing.json' }\n"
    "      responses: {}\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) import = conduit_openapi_import_new (text, -1, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (report_has (import, "refers to “https://schemas.example/thing.json” in another file, which is not fetched"));
  g_assert_nonnull (find_field (find_operation (conduit_openapi_import_get_descriptor (import), "a"), "body"));
}

/* A re-import keeps titles the user changed and operations the user deleted. */
static void
test_reimport_keeps_edits (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-XXXXXX", NULL);
  gsize length;
  g_autofree char *text = fixture_text ("petstore3.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) first = conduit_openapi_import_new (text, length, NULL, "pets", &error);
  g_autoptr(ConduitOpenapiImport) second = NULL;
  g_autofree char *path = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *again = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *operations;
  JsonArray *kept;

  g_assert_no_error (error);
  path = conduit_openapi_import_write (first, dir, &error);
  g_assert_no_error (error);

  /* the user renames getPetById and deletes deleteUser */
  g_assert_true (json_parser_load_from_file (parser, path, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  operations = json_object_get_array_member (root, "operations");
  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      JsonObject *operation = json_array_get_object_element (operations, i);

      if (g_str_equal (json_object_get_string_member (operation, "id"), "getPetById"))
        json_object_set_string_member (operation, "title", "Look up one pet");
      if (!g_str_equal (json_object_get_string_member (operation, "id"), "deleteUser"))
        json_array_add_element (kept, json_node_copy (json_array_get_element (operations, i)));
    }
  json_object_set_array_member (root, "operations", kept);
  edited = json_to_string (json_parser_get_root (parser), TRUE);
  g_assert_true (g_file_set_contents (path, edited, -1, &error));

  second = conduit_openapi_import_new (text, length, NULL, "pets", &error);
  g_assert_no_error (error);
  g_free (path);
  path = conduit_openapi_import_write (second, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conduit_openapi_import_get_n_operations (second), ==, 18);
  g_assert_cmpstr (json_object_get_string_member (find_operation (conduit_openapi_import_get_descriptor (second),
                                                                  "getPetById"), "title"),
                   ==, "Look up one pet");
  g_assert_null (find_operation (conduit_openapi_import_get_descriptor (second), "deleteUser"));
  g_assert_true (report_has (second, "“Delete user resource.” stays hidden, as you left it"));
  g_assert_true (report_has (second, "“Find pet by ID.” keeps your title “Look up one pet”"));
  /* an untouched title follows the description */
  g_assert_cmpstr (json_object_get_string_member (find_operation (conduit_openapi_import_get_descriptor (second),
                                                                  "addPet"), "title"),
                   ==, "Add a new pet to the store.");

  g_assert_true (g_file_get_contents (path, &again, NULL, &error));
  g_assert_nonnull (strstr (again, "Look up one pet"));
  test_remove_tree (dir);
}

/* --tag: only a part of the API; a later full import offers the rest as new, not hidden. */
static void
test_keep_tags (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-XXXXXX", NULL);
  gsize length;
  g_autofree char *text = fixture_text ("petstore3.json", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) part = conduit_openapi_import_new (text, length, NULL, "pets", &error);
  g_autoptr(ConduitOpenapiImport) whole = NULL;
  g_autofree char *path = NULL;
  const char * const store[] = { "store", NULL };
  const char * const none[] = { "nothing", NULL };

  g_assert_no_error (error);
  g_assert_false (conduit_openapi_import_keep_tags (part, none, &error));
  g_assert_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "no operation has the tag nothing");
  g_clear_error (&error);
  g_assert_cmpuint (conduit_openapi_import_get_n_operations (part), ==, 19);

  g_assert_true (conduit_openapi_import_keep_tags (part, store, &error));
  g_assert_cmpuint (conduit_openapi_import_get_n_operations (part), ==, 4);
  g_assert_nonnull (find_operation (conduit_openapi_import_get_descriptor (part), "placeOrder"));
  g_assert_null (find_operation (conduit_openapi_import_get_descriptor (part), "addPet"));
  path = conduit_openapi_import_write (part, dir, &error);
  g_assert_no_error (error);

  whole = conduit_openapi_import_new (text, length, NULL, "pets", &error);
  g_free (path);
  path = conduit_openapi_import_write (whole, dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conduit_openapi_import_get_n_operations (whole), ==, 19);
  g_assert_false (report_has (whole, "stays hidden"));
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/openapi/fixtures", test_fixtures);
  g_test_add_func ("/conduit/openapi/petstore-mapping", test_petstore_mapping);
  g_test_add_func ("/conduit/openapi/variables-and-choices", test_variables_and_choices);
  g_test_add_func ("/conduit/openapi/recursion-cookies-files", test_recursion_cookies_files);
  g_test_add_func ("/conduit/openapi/malformed", test_malformed);
  g_test_add_func ("/conduit/openapi/limits", test_limits);
  g_test_add_func ("/conduit/openapi/remote-ref-not-fetched", test_remote_ref_not_fetched);
  g_test_add_func ("/conduit/openapi/reimport-keeps-edits", test_reimport_keeps_edits);
  g_test_add_func ("/conduit/openapi/keep-tags", test_keep_tags);

  return g_test_run ();
}
