/* test-openapi-flow.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "conduit.h"
#include "conduit-openapi-import-private.h"
#include "test-util.h"

/* The whole way a person takes: `conduit-cli connector import openapi FILE` into the connector
 * folder, then `conduit-cli run` on a flow with two of the API's operations, against a server
 * on 127.0.0.1 made from the description itself. The mock knows nothing of Conduit: it finds
 * the operation by method and path template, checks what the description requires (path,
 * required query parameters and body members, the API key where the operation's security asks
 * for it, a JSON or form body) and answers with the description's own examples, or a value made
 * from the response schema's examples and types. No edit to the imported descriptor. */

typedef struct
{
  JsonNode   *root;
  JsonObject *doc;
  int         version;
  const char *base_path;    /* the server's path, "/api/v3" */
  const char *key_scheme;   /* the security scheme the credential answers, or NULL */
  const char *key_header;
  const char *key_value;
  GPtrArray  *requests;     /* "METHOD /path" */
  GPtrArray  *problems;
} Mock;

static JsonNode *
lookup_ref (Mock     *mock,
            JsonNode *node)
{
  for (guint hops = 0; hops < 16 && node != NULL && JSON_NODE_HOLDS_OBJECT (node); hops++)
    {
      JsonObject *object = json_node_get_object (node);
      const char *ref = json_object_get_string_member_with_default (object, "$ref", NULL);
      g_auto(GStrv) parts = NULL;

      if (ref == NULL || !g_str_has_prefix (ref, "#/"))
        return node;
      parts = g_strsplit (ref + 2, "/", -1);
      node = mock->root;
      for (guint i = 0; parts[i] && node; i++)
        node = JSON_NODE_HOLDS_OBJECT (node) ? json_object_get_member (json_node_get_object (node), parts[i])
                                             : NULL;
    }
  return node;
}

/* A value that fits the schema, from its examples where it has them. */
static JsonNode *
synthesize (Mock     *mock,
            JsonNode *schema_node,
            guint     depth)
{
  JsonObject *schema;
  const char *type;
  const char *format;
  JsonNode *choice;

  schema_node = lookup_ref (mock, schema_node);
  if (schema_node == NULL || !JSON_NODE_HOLDS_OBJECT (schema_node) || depth > 6)
    return json_node_init_null (json_node_alloc ());
  schema = json_node_get_object (schema_node);
  if (json_object_has_member (schema, "example"))
    return json_node_copy (json_object_get_member (schema, "example"));
  if (json_object_has_member (schema, "allOf"))
    {
      JsonArray *parts = json_object_get_array_member (schema, "allOf");
      JsonObject *merged = json_object_new ();

      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          g_autoptr(JsonNode) part = synthesize (mock, json_array_get_element (parts, i), depth + 1);
          g_autoptr(GList) members = JSON_NODE_HOLDS_OBJECT (part)
                                       ? json_object_get_members (json_node_get_object (part)) : NULL;

          for (GList *l = members; l; l = l->next)
            json_object_set_member (merged, l->data,
                                    json_node_copy (json_object_get_member (json_node_get_object (part), l->data)));
        }
      return conduit_json_node_take_object (merged);
    }
  if ((choice = json_object_get_member (schema, "oneOf")) || (choice = json_object_get_member (schema, "anyOf")))
    return synthesize (mock, json_array_get_element (json_node_get_array (choice), 0), depth + 1);
  if (json_object_has_member (schema, "enum"))
    return json_node_copy (json_array_get_element (json_object_get_array_member (schema, "enum"), 0));

  type = json_object_get_string_member_with_default (schema, "type", NULL);
  format = json_object_get_string_member_with_default (schema, "format", "");
  if (g_strcmp0 (type, "object") == 0 || json_object_has_member (schema, "properties"))
    {
      JsonObject *object = json_object_new ();
      JsonObject *properties = json_object_has_member (schema, "properties")
                                 ? json_object_get_object_member (schema, "properties") : NULL;
      g_autoptr(GList) members = properties ? json_object_get_members (properties) : NULL;

      for (GList *l = members; l; l = l->next)
        json_object_set_member (object, l->data,
                                synthesize (mock, json_object_get_member (properties, l->data), depth + 1));
      return conduit_json_node_take_object (object);
    }
  if (g_strcmp0 (type, "array") == 0)
    {
      JsonArray *array = json_array_new ();

      json_array_add_element (array, synthesize (mock, json_object_get_member (schema, "items"), depth + 1));
      return conduit_json_node_take_array (array);
    }
  if (g_strcmp0 (type, "integer") == 0)
    return json_node_init_int (json_node_alloc (), 1);
  if (g_strcmp0 (type, "number") == 0)
    return json_node_init_double (json_node_alloc (), 1.5);
  if (g_strcmp0 (type, "boolean") == 0)
    return json_node_init_boolean (json_node_alloc (), TRUE);
  if (g_str_equal (format, "date-time"))
    return json_node_init_string (json_node_alloc (), "2026-01-01T00:00:00Z");
  return json_node_init_string (json_node_alloc (), "text");
}

static gboolean
match_path (const char *template,
            const char *path)
{
  g_auto(GStrv) want = g_strsplit (template, "/", -1);
  g_auto(GStrv) got = g_strsplit (path, "/", -1);

  if (g_strv_length (want) != g_strv_length (got))
    return FALSE;
  for (guint i = 0; want[i]; i++)
    if (!(want[i][0] == '{' && got[i][0] != '\0') && !g_str_equal (want[i], got[i]))
      return FALSE;
  return TRUE;
}

static void G_GNUC_PRINTF (2, 3)
problem (Mock       *mock,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (mock->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The operation's parameters (its own and its path's), resolved. */
static void
check_parameters (Mock               *mock,
                  JsonObject         *item,
                  JsonObject         *operation,
                  SoupServerMessage  *msg,
                  GHashTable         *query,
                  const char         *label)
{
  for (guint pass = 0; pass < 2; pass++)
    {
      JsonObject *owner = pass == 0 ? operation : item;
      JsonArray *list = json_object_has_member (owner, "parameters")
                          ? json_object_get_array_member (owner, "parameters") : NULL;

      for (guint i = 0; list && i < json_array_get_length (list); i++)
        {
          JsonObject *parameter = json_node_get_object (lookup_ref (mock, json_array_get_element (list, i)));
          const char *in = json_object_get_string_member (parameter, "in");
          const char *name = json_object_get_string_member (parameter, "name");

          if (!json_object_get_boolean_member_with_default (parameter, "required", FALSE))
            continue;
          if (g_str_equal (in, "query") && (query == NULL || !g_hash_table_contains (query, name)))
            problem (mock, "%s: the required query parameter “%s” is missing", label, name);
          if (g_str_equal (in, "header") &&
              !soup_message_headers_get_one (soup_server_message_get_request_headers (msg), name))
            problem (mock, "%s: the required header “%s” is missing", label, name);
        }
    }
}

static void
check_security (Mock              *mock,
                JsonObject        *operation,
                SoupServerMessage *msg,
                const char        *label)
{
  JsonNode *security = json_object_get_member (operation, "security");
  const char *sent;

  if (security == NULL)
    security = json_object_get_member (mock->doc, "security");
  if (mock->key_scheme == NULL || security == NULL || !JSON_NODE_HOLDS_ARRAY (security))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (security)); i++)
    if (json_object_has_member (json_array_get_object_element (json_node_get_array (security), i),
                                mock->key_scheme))
      {
        sent = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), mock->key_header);
        if (g_strcmp0 (sent, mock->key_value) != 0)
          problem (mock, "%s: the API key header “%s” is “%s”", label, mock->key_header, sent ? sent : "(none)");
        return;
      }
}

static void
check_body (Mock              *mock,
            JsonObject        *operation,
            SoupServerMessage *msg,
            const char        *label)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  JsonNode *schema = NULL;
  gboolean required = FALSE;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *required_list;
  JsonNode *resolved;

  if (mock->version == 3 && json_object_has_member (operation, "requestBody"))
    {
      JsonObject *request_body = json_node_get_object (lookup_ref (mock, json_object_get_member (operation, "requestBody")));
      JsonObject *content = json_object_get_object_member (request_body, "content");
      JsonObject *media = json_object_get_object_member (content, type ? type : "application/json");

      required = json_object_get_boolean_member_with_default (request_body, "required", FALSE);
      if (media == NULL)
        {
          problem (mock, "%s: the body is “%s”, which the description does not list", label, type ? type : "(none)");
          return;
        }
      schema = json_object_get_member (media, "schema");
    }
  else if (mock->version == 2)
    {
      JsonArray *list = json_object_has_member (operation, "parameters")
                          ? json_object_get_array_member (operation, "parameters") : NULL;

      for (guint i = 0; list && i < json_array_get_length (list); i++)
        {
          JsonObject *parameter = json_node_get_object (lookup_ref (mock, json_array_get_element (list, i)));

          if (g_str_equal (json_object_get_string_member (parameter, "in"), "body"))
            {
              schema = json_object_get_member (parameter, "schema");
              required = json_object_get_boolean_member_with_default (parameter, "required", FALSE);
            }
        }
    }
  if (schema == NULL)
    return;
  if (!required && *text == '\0')
    return;

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
    {
      g_autoptr(GHashTable) form = soup_form_decode (text);
      JsonObject *object = json_object_new ();
      g_autoptr(GList) names = g_hash_table_get_keys (form);

      for (GList *l = names; l; l = l->next)
        json_object_set_string_member (object, l->data, g_hash_table_lookup (form, l->data));
      json_parser_load_from_data (parser, "{}", -1, NULL);
      json_node_take_object (json_parser_get_root (parser), object);
    }
  else if (g_strcmp0 (type, "application/json") != 0 || !json_parser_load_from_data (parser, text, -1, NULL))
    {
      problem (mock, "%s: the body is not JSON (%s): %s", label, type ? type : "no type", text);
      return;
    }

  resolved = lookup_ref (mock, schema);
  required_list = JSON_NODE_HOLDS_OBJECT (resolved) ? json_object_get_member (json_node_get_object (resolved), "required") : NULL;
  if (required_list != NULL && JSON_NODE_HOLDS_ARRAY (required_list))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (required_list)); i++)
      {
        const char *name = json_array_get_string_element (json_node_get_array (required_list), i);

        if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
            !json_object_has_member (json_node_get_object (json_parser_get_root (parser)), name))
          problem (mock, "%s: the body lacks the required “%s”: %s", label, name, text);
      }
}

static void
respond (Mock              *mock,
         JsonObject        *operation,
         SoupServerMessage *msg)
{
  JsonObject *responses = json_object_get_object_member (operation, "responses");
  g_autoptr(GList) codes = json_object_get_members (responses);
  g_autoptr(JsonNode) body = NULL;

  codes = g_list_sort (codes, (GCompareFunc)g_strcmp0);
  for (GList *l = codes; l; l = l->next)
    {
      JsonObject *response;
      JsonObject *media = NULL;
      guint status = g_ascii_strtoull (l->data, NULL, 10);

      if (((const char *)l->data)[0] != '2')
        continue;
      response = json_node_get_object (lookup_ref (mock, json_object_get_member (responses, l->data)));
      if (mock->version == 3 && json_object_has_member (response, "content"))
        media = json_object_get_object_member (json_object_get_object_member (response, "content"),
                                               "application/json");
      if (media != NULL && json_object_has_member (media, "example"))
        body = json_node_copy (json_object_get_member (media, "example"));
      else if (media != NULL && json_object_has_member (media, "examples"))
        {
          JsonObject *examples = json_object_get_object_member (media, "examples");
          g_autoptr(GList) names = json_object_get_members (examples);
          JsonObject *example = json_node_get_object (lookup_ref (mock, json_object_get_member (examples, names->data)));

          body = json_node_copy (json_object_get_member (example, "value"));
        }
      else if (media != NULL)
        body = synthesize (mock, json_object_get_member (media, "schema"), 0);
      else if (mock->version == 2 && json_object_has_member (response, "schema"))
        body = synthesize (mock, json_object_get_member (response, "schema"), 0);

      if (body != NULL)
        {
          g_autofree char *text = json_to_string (body, FALSE);

          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
        }
      soup_server_message_set_status (msg, status >= 200 && status < 300 ? status : 200, NULL);
      return;
    }
  soup_server_message_set_status (msg, 204, NULL);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Mock *mock = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *lower = g_ascii_strdown (method, -1);
  g_autofree char *label = g_strdup_printf ("%s %s", method, path);
  JsonObject *paths = json_object_get_object_member (mock->doc, "paths");
  g_autoptr(GList) templates = json_object_get_members (paths);
  const char *rest;

  g_ptr_array_add (mock->requests, g_strdup (label));
  if (!g_str_has_prefix (path, mock->base_path))
    {
      problem (mock, "%s: not under the server's path %s", label, mock->base_path);
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  rest = path + strlen (mock->base_path);
  if (*rest == '\0')
    rest = "/";

  for (GList *l = templates; l; l = l->next)
    {
      JsonObject *item = json_object_get_object_member (paths, l->data);

      if (!match_path (l->data, rest) || !json_object_has_member (item, lower))
        continue;
      check_parameters (mock, item, json_object_get_object_member (item, lower), msg, query, label);
      check_security (mock, json_object_get_object_member (item, lower), msg, label);
      check_body (mock, json_object_get_object_member (item, lower), msg, label);
      if (mock->problems->len > 0)
        {
          soup_server_message_set_status (msg, 400, NULL);
          return;
        }
      respond (mock, json_object_get_object_member (item, lower), msg);
      return;
    }
  problem (mock, "%s: the description has no such operation", label);
  soup_server_message_set_status (msg, 404, NULL);
}

typedef struct
{
  const char *file;
  const char *app_id;
  const char *base_path;
  const char *credential;     /* CONDUIT_CREDENTIAL_OPENAPI_TEST, or NULL */
  const char *key_scheme;
  const char *key_header;
  const char *key_value;      /* what the mock expects in it */
  const char *item;           /* what the trigger sends */
  const char *first;          /* operation id and its settings (besides server, credential) */
  const char *first_settings;
  const char *second;
  const char *second_settings;
  const char *map_rows;       /* a Map Fields step between the two, or NULL */
  const char *first_request;  /* what the mock must see */
  const char *second_request;
  gboolean    wrong_key;      /* the credential's key is not the mock's: the run must fail */
} FlowCase;

static const FlowCase cases[] = {
  { "petstore3.json", "swagger-petstore-openapi-3-0", "/api/v3",
    "{\"kind\": \"api-key\", \"fields\": {\"header\": \"api_key\"}, \"secret\": \"k-123\"}", "api_key", "api_key", "k-123",
    "{\"name\": \"doggie\", \"photoUrls\": [\"https://pets.example/doggie.jpg\"], \"status\": \"available\"}",
    "addPet", "", "getPetById", "",
    "[ { \"destination\": \"petId\", \"expression\": \"id\", \"required\": true } ]",
    "POST /api/v3/pet", "GET /api/v3/pet/10" },
  { "tictactoe-3.1.yaml", "tic-tac-toe", "",
    "{\"kind\": \"api-key\", \"fields\": {\"header\": \"api-key\"}, \"secret\": \"t-1\"}", NULL, NULL, NULL,
    "{\"row\": 1, \"column\": 2}",
    "put-square", "\"body\": \"X\"", "get-board", "", NULL,
    "PUT /board/1/2", "GET /board" },
  { "petstore-expanded-2.0.json", "swagger-petstore", "/api", NULL, NULL, NULL, NULL,
    "{\"name\": \"Rex\", \"tag\": \"dog\"}",
    "addPet", "", "find-pet-by-id", "", NULL,
    "POST /api/pets", "GET /api/pets/1" },
  { "uspto-3.0.yaml", "uspto-data-set-api", "/ds-api", NULL, NULL, NULL, NULL,
    "{\"criteria\": \"*:*\"}",
    "list-data-sets", "", "perform-search", "\"dataset\": \"oa_citations\", \"version\": \"v1\", \"criteria\": \"*:*\"", NULL,
    "GET /ds-api/", "POST /ds-api/oa_citations/v1/records" },
  /* the mock checks what it says it checks: a wrong key fails the second step */
  { "petstore3.json", "swagger-petstore-openapi-3-0", "/api/v3",
    "{\"kind\": \"api-key\", \"fields\": {\"header\": \"api_key\"}, \"secret\": \"k-999\"}", "api_key", "api_key",
    "k-123",
    "{\"name\": \"doggie\", \"photoUrls\": [\"https://pets.example/doggie.jpg\"]}",
    "addPet", "", "getPetById", "",
    "[ { \"destination\": \"petId\", \"expression\": \"id\", \"required\": true } ]",
    "POST /api/v3/pet", "GET /api/v3/pet/10", TRUE },
};

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
  int       status;
} Child;

static void
child_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &child->out, &child->err, &error);
  g_assert_no_error (error);
  child->status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  child->done = TRUE;
}

static gboolean
child_is_done (gpointer data)
{
  return ((Child *)data)->done;
}

/* Runs conduit-cli with @data_home as XDG_DATA_HOME while the main loop serves the mock. */
static int
run_cli (const char  *data_home,
         const char  *credential,
         char       **out,
         char       **err,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  Child child = { 0 };
  const char *arg;
  va_list ap;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  if (credential != NULL)
    g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_OPENAPI_TEST", credential, TRUE);
  g_ptr_array_add (args, (char *)g_getenv ("CONDUIT_CLI"));
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (process, NULL, NULL, child_done, &child);
  g_assert_true (test_spin_until (child_is_done, &child, 60));
  *out = child.out;
  *err = child.err;
  return child.status;
}

static void
test_flow (gconstpointer data)
{
  const FlowCase *c = data;
  g_autofree char *home = g_dir_make_tmp ("conduit-openapi-flow-XXXXXX", NULL);
  g_autofree char *fixture = g_build_filename (TEST_DATA_DIR, "fixtures", "openapi", c->file, NULL);
  g_autofree char *flow_path = g_build_filename (home, "flow.json", NULL);
  g_autofree char *descriptor = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *base = NULL;
  g_autofree char *server = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;
  gsize length;
  Mock mock = { 0 };
  int status;

  /* the import, into the user's connector folder as a person does it */
  status = run_cli (home, NULL, &out, &err, "connector", "import", "openapi", fixture, NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  descriptor = g_strdup_printf ("%s/conduit/connectors/%s.json", home, c->app_id);
  g_assert_true (g_file_test (descriptor, G_FILE_TEST_EXISTS));
  g_assert_nonnull (strstr (out, "Not carried over:"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the mock, from the description */
  g_assert_true (g_file_get_contents (fixture, &text, &length, &error));
  {
    gboolean is_yaml;

    mock.root = conduit_openapi_read_text (text, length, &is_yaml, &error);
    g_assert_no_error (error);
  }
  mock.doc = json_node_get_object (mock.root);
  mock.version = json_object_has_member (mock.doc, "swagger") ? 2 : 3;
  mock.base_path = c->base_path;
  mock.key_scheme = c->key_scheme;
  mock.key_header = c->key_header;
  mock.key_value = c->key_value;
  mock.requests = g_ptr_array_new_with_free_func (g_free);
  mock.problems = g_ptr_array_new_with_free_func (g_free);
  soup_server_add_handler (soup, NULL, handler, &mock, NULL);
  g_assert_true (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (soup);
  base = g_uri_to_string (uris->data);
  base[strlen (base) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  server = g_strconcat (base, c->base_path, NULL);

  {
    g_autofree char *map = c->map_rows
      ? g_strdup_printf ("  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [300, 0],"
                         "    \"settings\": {}, \"mapping\": { \"rows\": %s } },", c->map_rows)
      : g_strdup ("");
    g_autofree char *links = c->map_rows
      ? g_strdup ("{ \"from\": \"first\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
                  "{ \"from\": \"map\", \"from_port\": \"out\", \"to\": \"second\", \"to_port\": \"in\" }")
      : g_strdup ("{ \"from\": \"first\", \"from_port\": \"out\", \"to\": \"second\", \"to_port\": \"in\" }");

    flow = g_strdup_printf ("{ \"version\": 1, \"name\": \"OpenAPI %s\", \"nodes\": ["
                            "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                            "    \"settings\": { \"items\": [ %s ] } },"
                            "  { \"id\": \"first\", \"type\": \"%s.%s\", \"position\": [200, 0],"
                            "    \"settings\": { \"server\": \"%s\"%s%s%s } },"
                            "%s"
                            "  { \"id\": \"second\", \"type\": \"%s.%s\", \"position\": [400, 0],"
                            "    \"settings\": { \"server\": \"%s\"%s%s%s } } ],"
                            " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"first\", \"to_port\": \"in\" },"
                            "              %s ] }",
                            c->file, c->item,
                            c->app_id, c->first, server,
                            c->credential ? ", \"credential\": \"openapi-test\"" : "",
                            *c->first_settings ? ", " : "", c->first_settings,
                            map,
                            c->app_id, c->second, server,
                            c->credential ? ", \"credential\": \"openapi-test\"" : "",
                            *c->second_settings ? ", " : "", c->second_settings,
                            links);
  }
  g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

  status = run_cli (home, c->credential, &out, &err, "run", flow_path, "--no-history", NULL);
  g_test_message ("%s%s", out, err);
  for (guint i = 0; i < mock.problems->len; i++)
    g_test_message ("mock: %s", (const char *)g_ptr_array_index (mock.problems, i));
  if (c->wrong_key)
    {
      g_assert_cmpuint (mock.problems->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (mock.problems, 0), ==,
                       "GET /api/v3/pet/10: the API key header “api_key” is “k-999”");
      g_assert_cmpint (status, !=, 0);
    }
  else
    {
      g_assert_cmpuint (mock.problems->len, ==, 0);
      g_assert_cmpint (status, ==, 0);
    }
  g_assert_cmpuint (mock.requests->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (mock.requests, 0), ==, c->first_request);
  g_assert_cmpstr (g_ptr_array_index (mock.requests, 1), ==, c->second_request);

  soup_server_disconnect (soup);
  g_ptr_array_unref (mock.requests);
  g_ptr_array_unref (mock.problems);
  json_node_unref (mock.root);
  test_remove_tree (home);
}

static void
serve_file (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const char *text = user_data;

  if (!g_str_equal (path, "/api/v3/openapi.json"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
  soup_server_message_set_status (msg, 200, NULL);
}

/* From an address: the relative server "/api/v3" is relative to where the description is. */
static void
test_import_from_address (void)
{
  g_autofree char *home = g_dir_make_tmp ("conduit-openapi-url-XXXXXX", NULL);
  g_autofree char *fixture = g_build_filename (TEST_DATA_DIR, "fixtures", "openapi", "petstore3.json", NULL);
  g_autofree char *text = NULL;
  g_autofree char *base = NULL;
  g_autofree char *address = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *descriptor = NULL;
  g_autofree char *written = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GString) relative = NULL;
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_assert_true (g_file_get_contents (fixture, &text, NULL, &error));
  relative = g_string_new (text);
  g_assert_cmpuint (g_string_replace (relative, "\"url\": \"https://petstore3.swagger.io/api/v3\"",
                                      "\"url\": \"/api/v3\"", 1), ==, 1);
  soup_server_add_handler (soup, NULL, serve_file, relative->str, NULL);
  g_assert_true (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (soup);
  base = g_uri_to_string (uris->data);
  base[strlen (base) - 1] = '\0';
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  address = g_strconcat (base, "/api/v3/openapi.json", NULL);

  g_assert_cmpint (run_cli (home, NULL, &out, &err, "connector", "import", "openapi", address,
                            "--id", "pets", "--output", home, NULL), ==, 0);
  descriptor = g_build_filename (home, "pets.json", NULL);
  g_assert_true (g_file_get_contents (descriptor, &written, NULL, &error));
  expected = g_strdup_printf ("\"default\": \"%s/api/v3\"", base);
  g_assert_nonnull (strstr (written, expected));

  /* a missing address names itself and what the server said */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  missing = g_strconcat (base, "/nothing.yaml", NULL);
  g_assert_cmpint (run_cli (home, NULL, &out, &err, "connector", "import", "openapi", missing, NULL), ==, 1);
  g_assert_true (g_str_has_prefix (err, missing));
  g_assert_nonnull (strstr (err, "404"));

  soup_server_disconnect (soup);
  test_remove_tree (home);
}

/* A malformed file: one line, "FILE:LINE: /pointer: message", and nothing written. */
static void
test_cli_malformed (void)
{
  g_autofree char *home = g_dir_make_tmp ("conduit-openapi-bad-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (home, "bad.yaml", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *folder = g_build_filename (home, "conduit", "connectors", NULL);

  g_assert_true (g_file_set_contents (bad, "openapi: 3.0.0\ninfo: { title: X }\npaths:\n  - /a\n", -1, NULL));
  g_assert_cmpint (run_cli (home, NULL, &out, &err, "connector", "import", "openapi", bad, NULL), ==, 1);
  expected = g_strdup_printf ("%s:3: /paths: must be an object of paths, not a list\n", bad);
  g_assert_cmpstr (err, ==, expected);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  test_remove_tree (home);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conduit/openapi/flow/%s%s", cases[i].file,
                                               cases[i].wrong_key ? "/wrong-key" : "");

      g_test_add_data_func (path, &cases[i], test_flow);
    }
  g_test_add_func ("/conduit/openapi/import-from-address", test_import_from_address);
  g_test_add_func ("/conduit/openapi/cli-malformed", test_cli_malformed);

  return g_test_run ();
}
