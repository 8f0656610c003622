/* test-app-examples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every bundled app against a mock of itself: for each recorded example of each descriptor in
 * data/connectors/apps/ (taken from the vendor's documentation), a local server on 127.0.0.1
 * expects exactly the request the vendor documents (method, path, query and pagination
 * parameters, auth header, body fields with their types) and answers with the recorded
 * response; the app step must send that request and sort the answer to the right port.
 * Data-driven: adding an app is adding its JSON file, with no change here. */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-app-request.h"

typedef struct
{
  char       *app_id;
  char       *path;      /* the descriptor file */
  guint       index;     /* the example's position */
  char       *title;
} Case;

static void
case_free (Case *c)
{
  g_free (c->app_id);
  g_free (c->path);
  g_free (c->title);
  g_free (c);
}

typedef struct
{
  SoupServer *server;
  char       *base;
  JsonObject *expected;  /* the example being replayed */
  GPtrArray  *problems;  /* what the server saw that differs from the example */
  guint       n_requests;
} Mock;

static char *
credential_id_for (const char *app_id,
                   guint       index)
{
  return g_strdup_printf ("example-%s-%u", app_id, index);
}

static JsonNode *
load_json_file (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

/* The subset check the mock makes: every member the example names is there with an equal
 * value of the same JSON type; the request may carry more (optional fields left at defaults). */
static void
compare (Mock       *mock,
         const char *where,
         JsonNode   *expected,
         JsonNode   *actual)
{
  if (actual == NULL)
    {
      g_ptr_array_add (mock->problems, g_strdup_printf ("%s: missing", where));
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (expected))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (actual))
        {
          g_ptr_array_add (mock->problems, g_strdup_printf ("%s: not an object", where));
          return;
        }
      json_object_iter_init (&iter, json_node_get_object (expected));
      while (json_object_iter_next (&iter, &name, &value))
        {
          g_autofree char *inner = g_strdup_printf ("%s.%s", where, name);
          compare (mock, inner, value, json_object_get_member (json_node_get_object (actual), name));
        }
      return;
    }
  if (!json_node_equal (expected, actual))
    {
      g_autofree char *want = json_to_string (expected, FALSE);
      g_autofree char *got = json_to_string (actual, FALSE);

      g_ptr_array_add (mock->problems, g_strdup_printf ("%s: expected %s, sent %s", where, want, got));
    }
}

static JsonNode *
string_map (GHashTable *table)
{
  JsonObject *object = json_object_new ();
  GHashTableIter iter;
  gpointer name, value;

  if (table != NULL)
    {
      g_hash_table_iter_init (&iter, table);
      while (g_hash_table_iter_next (&iter, &name, &value))
        json_object_set_string_member (object, name, value);
    }
  return conduit_json_node_take_object (object);
}

/* A body that is a file, as an example writes it: text as a string, other bytes as
 * {"content_type", "base64"}. */
static JsonNode *
file_content (const char *type,
              const char *data,
              gsize       length)
{
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *base64 = NULL;

  if (type != NULL && g_str_has_prefix (type, "text/") && g_utf8_validate (data, length, NULL))
    {
      g_autofree char *text = g_strndup (data, length);
      return json_node_init_string (json_node_alloc (), text);
    }
  object = json_object_new ();
  base64 = g_base64_encode ((const guchar *)data, length);
  json_object_set_string_member (object, "content_type", type ? type : "");
  json_object_set_string_member (object, "base64", base64);
  return json_node_init_object (json_node_alloc (), object);
}

/* multipart/related (a Google upload: metadata, then content) as the list of its parts, each
 * JSON when it is JSON, else as file_content() shows it. */
static JsonNode *
related_parts (SoupMessageHeaders *headers,
               SoupMessageBody    *body)
{
  g_autoptr(GBytes) bytes = g_bytes_new (body->data, body->length);
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, bytes);
  g_autoptr(JsonArray) parts = json_array_new ();

  if (multipart == NULL)
    return NULL;
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *part_type;
      gsize size;
      const char *data;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      part_type = soup_message_headers_get_content_type (part_headers, NULL);
      data = g_bytes_get_data (part_body, &size);
      if (g_strcmp0 (part_type, "application/json") == 0 &&
          json_parser_load_from_data (parser, data, size, NULL))
        json_array_add_element (parts, json_node_ref (json_parser_get_root (parser)));
      else
        json_array_add_element (parts, file_content (part_type, data, size));
    }
  return json_node_init_array (json_node_alloc (), parts);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Mock *mock = user_data;
  JsonObject *request = json_object_get_object_member (mock->expected, "request");
  JsonObject *response = json_object_get_object_member (mock->expected, "response");
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  JsonNode *answer = json_object_get_member (response, "body");

  mock->n_requests++;

  if (g_strcmp0 (soup_server_message_get_method (msg), json_object_get_string_member (request, "method")) != 0)
    g_ptr_array_add (mock->problems, g_strdup_printf ("method: expected %s, sent %s",
                                                      json_object_get_string_member (request, "method"),
                                                      soup_server_message_get_method (msg)));
  if (g_strcmp0 (path, json_object_get_string_member (request, "path")) != 0)
    g_ptr_array_add (mock->problems, g_strdup_printf ("path: expected %s, sent %s",
                                                      json_object_get_string_member (request, "path"),
                                                      path));

  if (json_object_has_member (request, "query"))
    {
      g_autoptr(JsonNode) sent = string_map (query);
      compare (mock, "query", json_object_get_member (request, "query"), sent);
    }

  if (json_object_has_member (request, "headers"))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_object_get_object_member (request, "headers"));
      while (json_object_iter_next (&iter, &name, &value))
        if (g_strcmp0 (soup_message_headers_get_one (headers, name), json_node_get_string (value)) != 0)
          g_ptr_array_add (mock->problems,
                           g_strdup_printf ("header %s: expected “%s”, sent “%s”", name,
                                            json_node_get_string (value),
                                            soup_message_headers_get_one (headers, name)));
    }

  if (json_object_has_member (request, "body"))
    {
      const char *type = soup_message_headers_get_content_type (headers, NULL);
      g_autoptr(JsonNode) sent = NULL;

      if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
        {
          g_autofree char *text = g_strndup (body->data, body->length);
          g_autoptr(GHashTable) form = soup_form_decode (text);
          sent = string_map (form);
        }
      else if (g_strcmp0 (type, "multipart/related") == 0)
        sent = related_parts (headers, body);
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new ();

          if (body->length > 0 && json_parser_load_from_data (parser, body->data, body->length, NULL))
            sent = json_node_ref (json_parser_get_root (parser));
          else if (body->length > 0)
            sent = file_content (type, body->data, body->length);
        }
      compare (mock, "body", json_object_get_member (request, "body"), sent);
    }

  soup_server_message_set_status (msg, json_object_get_int_member (response, "status"), NULL);
  if (json_object_has_member (response, "headers"))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_object_get_object_member (response, "headers"));
      while (json_object_iter_next (&iter, &name, &value))
        soup_message_headers_append (soup_server_message_get_response_headers (msg), name,
                                     json_node_get_string (value));
    }
  if (answer != NULL && json_node_get_value_type (answer) == G_TYPE_STRING)
    soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY,
                                      json_node_get_string (answer), strlen (json_node_get_string (answer)));
  else if (answer != NULL)
    {
      g_autofree char *text = json_to_string (answer, FALSE);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
    }
}

/* "{{server}}" in an example's input stands for the mock's address (an incoming-webhook URL). */
static JsonNode *
with_server (JsonNode   *node,
             const char *base)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *out = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (out, name, with_server (value, base));
      return conduit_json_node_take_object (out);
    }
  if (json_node_get_value_type (node) == G_TYPE_STRING && strstr (json_node_get_string (node), "{{server}}"))
    {
      g_autoptr(GString) text = g_string_new (json_node_get_string (node));

      g_string_replace (text, "{{server}}", base, 0);
      return json_node_init_string (json_node_alloc (), text->str);
    }
  return json_node_copy (node);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  conduit_run_execute_finish (CONDUIT_RUN (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_example (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(JsonNode) root = load_json_file (c->path);
  JsonObject *descriptor = json_node_get_object (root);
  JsonObject *example = json_array_get_object_element (json_object_get_array_member (descriptor, "examples"),
                                                       c->index);
  const char *operation = json_object_get_string_member (example, "operation");
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitClock) clock = conduit_clock_new_fake (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(JsonNode) input = NULL;
  g_autofree char *text = NULL;
  g_autofree char *input_text = NULL;
  g_autofree char *flow_text = NULL;
  g_autofree char *credential_id = credential_id_for (c->app_id, c->index);
  g_autofree char *connector_id = g_strdup_printf ("%s.%s", c->app_id, operation);
  ConduitAppDescriptor *app;
  ConduitConnector *connector;
  GPtrArray *out;
  GPtrArray *failed;
  g_autofree char *app_message = NULL;
  JsonObject *response = json_object_get_object_member (example, "response");
  gboolean expect_error;
  gboolean done = FALSE;
  Mock mock = { 0 };

  mock.problems = g_ptr_array_new_with_free_func (g_free);
  mock.expected = example;
  mock.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (mock.server, NULL, handler, &mock, NULL);
  g_assert_true (soup_server_listen_local (mock.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (mock.server);
  mock.base = g_uri_to_string (uris->data);
  mock.base[strlen (mock.base) - 1] = '\0';  /* no trailing "/" */
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  /* the same descriptor, pointed at the mock */
  json_object_set_string_member (json_object_get_object_member (descriptor, "connection"), "base_url",
                                 mock.base);
  text = json_to_string (root, FALSE);
  g_assert_true (conduit_connector_registry_load_builtin (registry, &error));
  app = conduit_connector_registry_load_app_from_data (registry, text, -1, NULL, &error);
  g_assert_no_error (error);
  connector = conduit_connector_registry_lookup (registry, connector_id);
  g_assert_nonnull (connector);

  runner = conduit_runner_new (registry, NULL);
  conduit_runner_set_clock (runner, clock);
  soup_session_set_proxy_resolver (conduit_runner_get_session (runner), NULL);

  input = with_server (json_object_has_member (example, "input") ? json_object_get_member (example, "input")
                                                                : conduit_json_node_take_object (json_object_new ()),
                       mock.base);
  input_text = json_to_string (input, FALSE);
  flow_text = g_strdup_printf ("{ \"version\": 1, \"name\": \"Example\", \"nodes\": ["
                               "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                               "    \"settings\": { \"items\": [ %s ] } },"
                               "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [200, 0], \"settings\": { %s%s%s } } ],"
                               " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"step\", \"to_port\": \"in\" } ] }",
                               input_text, connector_id,
                               conduit_connector_find_setting (connector, "credential") ? "\"credential\": \"" : "",
                               conduit_connector_find_setting (connector, "credential") ? credential_id : "",
                               conduit_connector_find_setting (connector, "credential") ? "\"" : "");
  flow = conduit_flow_new_from_data (registry, flow_text, -1, &problems, &error);
  g_assert_no_error (error);

  run = conduit_runner_create_run (runner, flow, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, run_done_cb, &done);
  for (guint i = 0; !done && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);

  for (guint i = 0; i < mock.problems->len; i++)
    g_printerr ("%s example %u (%s): %s\n", c->app_id, c->index, operation,
                (char *)g_ptr_array_index (mock.problems, i));
  g_assert_cmpuint (mock.problems->len, ==, 0);
  if (mock.n_requests == 0)
    {
      /* say why nothing was sent: the item's error */
      GPtrArray *refused = conduit_run_get_node_output (run, "step", "error");

      for (guint i = 0; refused != NULL && i < refused->len; i++)
        {
          g_autofree char *item = json_to_string (g_ptr_array_index (refused, i), FALSE);
          g_printerr ("%s example %u (%s) sent nothing: %s\n", c->app_id, c->index, operation, item);
        }
    }
  g_assert_cmpuint (mock.n_requests, ==, 1);

  /* an error the vendor documents (a status, or an error inside a 200) goes to the error port */
  expect_error = json_object_get_int_member (response, "status") >= 400 ||
                 conduit_app_find_error (app, conduit_connector_get_operation (connector),
                                         json_object_get_member (response, "body"), &app_message);
  out = conduit_run_get_node_output (run, "step", "out");
  failed = conduit_run_get_node_output (run, "step", "error");
  if (expect_error)
    {
      g_assert_nonnull (failed);
      g_assert_cmpuint (failed->len, ==, 1);
      g_assert_true (out == NULL || out->len == 0);
    }
  else
    {
      if (failed != NULL && failed->len > 0)
        {
          g_autofree char *item = json_to_string (g_ptr_array_index (failed, 0), FALSE);
          g_error ("%s example %u failed: %s", c->app_id, c->index, item);
        }
      g_assert_nonnull (out);
      g_assert_cmpuint (out->len, >, 0);
    }

  soup_server_disconnect (mock.server);
  g_clear_object (&mock.server);
  g_free (mock.base);
  g_ptr_array_unref (mock.problems);
}

/* Every operation of every app comes with at least one example. */
static void
test_coverage (gconstpointer data)
{
  const char *path = data;
  g_autoptr(JsonNode) root = load_json_file (path);
  JsonObject *descriptor = json_node_get_object (root);
  JsonArray *operations = json_object_get_array_member (descriptor, "operations");
  JsonArray *examples = json_object_get_array_member (descriptor, "examples");

  g_assert_nonnull (examples);
  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (operations, i), "id");
      gboolean found = FALSE;

      for (guint j = 0; j < json_array_get_length (examples); j++)
        if (g_str_equal (json_object_get_string_member (json_array_get_object_element (examples, j), "operation"), id))
          found = TRUE;
      if (!found)
        g_error ("%s: the operation “%s” has no example", path, id);
    }
}

/* The connection a replayed example uses: given in the example ("credential"), or the bearer
 * token of its Authorization header. Set before any thread starts. */
static void
set_credential (const char *app_id,
                guint       index,
                JsonObject *example)
{
  g_autofree char *id = credential_id_for (app_id, index);
  g_autofree char *name = conduit_credential_dup_env_name (id);
  JsonObject *headers = NULL;
  const char *authorization = NULL;

  if (json_object_has_member (example, "credential"))
    {
      g_autofree char *text = json_to_string (json_object_get_member (example, "credential"), FALSE);
      g_setenv (name, text, TRUE);
      return;
    }
  if (json_object_has_member (json_object_get_object_member (example, "request"), "headers"))
    headers = json_object_get_object_member (json_object_get_object_member (example, "request"), "headers");
  if (headers != NULL)
    authorization = json_object_get_string_member_with_default (headers, "Authorization", NULL);
  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    {
      g_autofree char *text = g_strdup_printf ("{\"kind\": \"bearer\", \"secret\": \"%s\"}",
                                               authorization + strlen ("Bearer "));
      g_setenv (name, text, TRUE);
    }
  else
    /* an example about something else than the connection: any token will do */
    g_setenv (name, "{\"kind\": \"bearer\", \"secret\": \"example-token\"}", TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "connectors",
                                           "apps", NULL);
  g_autoptr(GDir) apps = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (apps);
  while ((name = g_dir_read_name (apps)))
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);
  g_assert_cmpuint (names->len, >, 0);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(JsonNode) root = load_json_file (path);
      JsonObject *descriptor = json_node_get_object (root);
      const char *app_id = json_object_get_string_member (json_object_get_object_member (descriptor, "meta"), "id");
      JsonArray *examples = json_object_get_array_member (descriptor, "examples");

      for (guint j = 0; examples != NULL && j < json_array_get_length (examples); j++)
        set_credential (app_id, j, json_array_get_object_element (examples, j));
    }

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autoptr(JsonNode) root = load_json_file (path);
      JsonObject *descriptor = json_node_get_object (root);
      const char *app_id = json_object_get_string_member (json_object_get_object_member (descriptor, "meta"), "id");
      JsonArray *examples = json_object_get_array_member (descriptor, "examples");
      g_autofree char *coverage = g_strdup_printf ("/conduit/app-examples/%s/coverage", app_id);

      g_test_add_data_func_full (coverage, g_strdup (path), test_coverage, g_free);
      for (guint j = 0; examples != NULL && j < json_array_get_length (examples); j++)
        {
          JsonObject *example = json_array_get_object_element (examples, j);
          Case *c = g_new0 (Case, 1);
          g_autofree char *test_path = NULL;

          c->app_id = g_strdup (app_id);
          c->path = g_strdup (path);
          c->index = j;
          test_path = g_strdup_printf ("/conduit/app-examples/%s/%u-%s", app_id, j,
                                       json_object_get_string_member (example, "operation"));
          g_test_add_data_func_full (test_path, c, test_example, (GDestroyNotify)case_free);
        }
    }

  return g_test_run ();
}
