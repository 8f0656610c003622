/* test-app-requests.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What an app step puts on the wire, checked by a real HTTP server (libsoup's, on 127.0.0.1,
 * a private port) that writes down every request: an API key goes where the descriptor says,
 * not where the saved credential says (while a plain HTTP Request keeps the credential's
 * placement); "Connect to <App>" starts from the descriptor's placement; a poll cursor takes
 * the place of the operation's own parameter instead of being sent a second time, and a first
 * poll starts from the cursor's initial value, which is kept until a record moves it. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "conduit-app-request.h"

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *requests;      /* "METHOD /path?query | header: value; …" */
  GPtrArray  *records;       /* JsonNode, what /changes serves */
  ConduitConnectorRegistry *registry;
  ConduitRunner *runner;
} Fixture;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  static const char * const watched[] = { "X-API-Key", "X-Shop-Token", "X-Custom", "Authorization" };
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_string_printf (line, "%s %s%s%s |", soup_server_message_get_method (msg), path,
                   g_uri_get_query (uri) ? "?" : "", g_uri_get_query (uri) ? g_uri_get_query (uri) : "");
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    if (soup_message_headers_get_one (headers, watched[i]) != NULL)
      g_string_append_printf (line, " %s: %s;", watched[i], soup_message_headers_get_one (headers, watched[i]));
  g_ptr_array_add (fixture->requests, g_strdup (line->str));

  if (g_str_equal (path, "/changes"))
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < fixture->records->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (fixture->records, i)));
      json_object_set_array_member (body, "data", array);
    }
  else
    json_object_set_boolean_member (body, "ok", TRUE);

  node = conduit_json_node_take_object (g_steal_pointer (&body));
  text = json_to_string (node, FALSE);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

/* Three apps: a key in a header, a key in the query, and a bearer app with a poll trigger whose
 * cursor parameter the operation also sends. */
#define KEY_APP \
  "{ \"meta\": { \"id\": \"%s\", \"version\": \"1\", \"title\": \"%s\", \"category\": \"Test\",\n" \
  "              \"docs_url\": \"https://example.com/docs\" },\n" \
  "  \"connection\": { \"base_url\": \"%s\", \"auth\": %s },\n" \
  "  \"operations\": [\n" \
  "    { \"id\": \"get\", \"title\": \"Get\", \"request\": { \"method\": \"GET\", \"path\": \"/thing\" } },\n" \
  "    { \"id\": \"changes\", \"title\": \"Changes\",\n" \
  "      \"input\": [ { \"key\": \"since\", \"type\": \"string\", \"required\": true },\n" \
  "                 { \"key\": \"start\", \"type\": \"string\" } ],\n" \
  "      \"request\": { \"method\": \"GET\", \"path\": \"/changes\",\n" \
  "                   \"query\": { \"since\": \"{{ input.since }}\", \"kind\": \"deal\" } },\n" \
  "      \"response\": { \"records\": \"data\" } }\n" \
  "  ],\n" \
  "  \"triggers\": [\n" \
  "    { \"id\": \"changed\", \"title\": \"Changed\", \"kind\": \"poll\", \"operation\": \"changes\",\n" \
  "      \"cursor\": { \"param\": \"since\", \"value\": \"ts\" }, \"dedup_key\": \"id\" },\n" \
  "    { \"id\": \"changed-from\", \"title\": \"Changed from a start\", \"kind\": \"poll\",\n" \
  "      \"operation\": \"changes\", \"dedup_key\": \"id\",\n" \
  "      \"cursor\": { \"param\": \"since\", \"value\": \"ts\", \"initial\": \"{{ input.start }}\" } }\n" \
  "  ]\n" \
  "}\n"

static void
load_app (Fixture    *fixture,
          const char *id,
          const char *title,
          const char *auth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf (KEY_APP, id, title, fixture->base, auth);

  g_assert_nonnull (conduit_connector_registry_load_app_from_data (fixture->registry, text, -1, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;

  fixture->requests = g_ptr_array_new_with_free_func (g_free);
  fixture->records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  g_assert_true (soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base = g_uri_to_string (uris->data);
  if (g_str_has_suffix (fixture->base, "/"))
    fixture->base[strlen (fixture->base) - 1] = '\0';
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  fixture->registry = conduit_connector_registry_new ();
  g_assert_true (conduit_connector_registry_load_builtin (fixture->registry, &error));
  load_app (fixture, "shop", "Shop", "{ \"kind\": \"api-key\", \"in\": \"header\", \"name\": \"X-Shop-Token\" }");
  load_app (fixture, "crm", "CRM", "{ \"kind\": \"api-key\", \"in\": \"query\", \"name\": \"api_token\" }");
  load_app (fixture, "feed", "Feed", "{ \"kind\": \"bearer\" }");

  /* no history: the poll's cursor and seen keys live on the runner's step context */
  fixture->runner = conduit_runner_new (fixture->registry, NULL);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->registry);
  g_clear_pointer (&fixture->requests, g_ptr_array_unref);
  g_clear_pointer (&fixture->records, g_ptr_array_unref);
  g_free (fixture->base);
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

/* Runs one step of type @type (after a manual trigger, unless it is a trigger itself). */
static ConduitRun *
run_step (Fixture    *fixture,
          const char *type,
          const char *settings)
{
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ConduitConnector *connector = conduit_connector_registry_lookup (fixture->registry, type);
  ConduitRun *run;
  gboolean done = FALSE;

  g_assert_nonnull (connector);
  if (conduit_connector_get_category (connector) == CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
    json = g_strdup_printf ("{ \"version\": 1, \"name\": \"Requests\", \"nodes\": ["
                            "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [0, 0], \"settings\": %s } ],"
                            " \"links\": [] }", type, settings);
  else
    json = g_strdup_printf ("{ \"version\": 1, \"name\": \"Requests\", \"nodes\": ["
                            "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                            "    \"settings\": { \"items\": [{}] } },"
                            "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [200, 0], \"settings\": %s } ],"
                            " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"step\", \"to_port\": \"in\" } ] }",
                            type, settings);

  flow = conduit_flow_new_from_data (fixture->registry, json, -1, &problems, &error);
  g_assert_no_error (error);
  run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, run_done_cb, &done);
  for (guint i = 0; !done && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  return run;
}

static const char *
last_request (Fixture *fixture)
{
  g_assert_cmpuint (fixture->requests->len, >, 0);
  return g_ptr_array_index (fixture->requests, fixture->requests->len - 1);
}

static guint
n_output (ConduitRun *run,
          const char *port)
{
  GPtrArray *items = conduit_run_get_node_output (run, "step", port);

  return items ? items->len : 0;
}

static void
test_key_in_descriptor_header (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConduitRun) plain = NULL;
  g_autoptr(ConduitRun) custom = NULL;

  /* saved with the default placement (X-API-Key): the app still gets its own header */
  plain = run_step (fixture, "shop.get", "{ \"credential\": \"plain-key\" }");
  g_assert_cmpuint (n_output (plain, "error"), ==, 0);
  g_assert_cmpstr (last_request (fixture), ==, "GET /thing | X-Shop-Token: k-plain;");

  /* saved for another use with another header: the descriptor wins for the app step */
  custom = run_step (fixture, "shop.get", "{ \"credential\": \"custom-key\" }");
  g_assert_cmpstr (last_request (fixture), ==, "GET /thing | X-Shop-Token: k-custom;");
}

static void
test_key_in_descriptor_query (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "crm.get", "{ \"credential\": \"custom-key\" }");

  g_assert_cmpuint (n_output (run, "error"), ==, 0);
  g_assert_cmpstr (last_request (fixture), ==, "GET /thing?api_token=k-custom |");
}

static void
test_plain_http_keeps_credential (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autofree char *settings = g_strdup_printf ("{ \"method\": \"GET\", \"url\": \"%s/thing\","
                                               "  \"credential\": \"custom-key\" }", fixture->base);
  g_autoptr(ConduitRun) run = run_step (fixture, "http-request", settings);

  g_assert_nonnull (run);

  /* no descriptor here: the credential's own header, as before */
  g_assert_cmpstr (last_request (fixture), ==, "GET /thing | X-Custom: k-custom;");
}

static void
test_new_credential (Fixture       *fixture,
                     gconstpointer  data)
{
  ConduitConnector *shop = conduit_connector_registry_lookup (fixture->registry, "shop.get");
  ConduitConnector *crm = conduit_connector_registry_lookup (fixture->registry, "crm.get");
  ConduitConnector *feed = conduit_connector_registry_lookup (fixture->registry, "feed.get");
  g_autoptr(ConduitCredential) shop_key = conduit_app_new_credential (conduit_connector_get_app (shop), "my-shop");
  g_autoptr(ConduitCredential) crm_key = conduit_app_new_credential (conduit_connector_get_app (crm), "my-crm");
  g_autoptr(ConduitCredential) feed_token = conduit_app_new_credential (conduit_connector_get_app (feed), "my-feed");

  g_assert_cmpint (conduit_credential_get_kind (shop_key), ==, CONDUIT_CREDENTIAL_KIND_API_KEY);
  g_assert_cmpstr (conduit_credential_get_id (shop_key), ==, "my-shop");
  g_assert_cmpstr (conduit_credential_get_name (shop_key), ==, "Shop");
  g_assert_cmpstr (conduit_credential_get_field (shop_key, "in"), ==, "header");
  g_assert_cmpstr (conduit_credential_get_field (shop_key, "header"), ==, "X-Shop-Token");
  g_assert_cmpstr (conduit_credential_get_field (crm_key, "in"), ==, "query");
  g_assert_cmpstr (conduit_credential_get_field (crm_key, "parameter"), ==, "api_token");
  g_assert_cmpint (conduit_credential_get_kind (feed_token), ==, CONDUIT_CREDENTIAL_KIND_BEARER);
}

static void
add_record (Fixture    *fixture,
            guint       id,
            const char *ts)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "ts", ts);
  g_ptr_array_add (fixture->records, conduit_json_node_take_object (object));
}

static void
test_cursor_substituted (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *settings = "{ \"credential\": \"feed-token\", \"since\": \"2024-01-01\" }";
  g_autoptr(ConduitRun) first = NULL;
  g_autoptr(ConduitRun) second = NULL;

  /* no cursor yet: the operation's own value */
  add_record (fixture, 1, "2024-02-01");
  first = run_step (fixture, "feed.changed", settings);
  g_assert_cmpuint (n_output (first, "out"), ==, 1);
  g_assert_cmpstr (last_request (fixture), ==,
                   "GET /changes?since=2024-01-01&kind=deal | Authorization: Bearer t-feed;");

  /* the cursor replaces it, in its place, once */
  second = run_step (fixture, "feed.changed", settings);
  g_assert_cmpuint (n_output (second, "out"), ==, 0);
  g_assert_cmpstr (last_request (fixture), ==,
                   "GET /changes?since=2024-02-01&kind=deal | Authorization: Bearer t-feed;");
}

static void
test_cursor_initial (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitRun) first = NULL;
  g_autoptr(ConduitRun) second = NULL;
  g_autoptr(ConduitRun) third = NULL;
  ConduitConnector *connector = conduit_connector_registry_lookup (fixture->registry, "feed.changed-from");

  /* the trigger fills "since" itself: not required of the user there */
  g_assert_false (conduit_connector_find_setting (connector, "since")->required);

  /* no "since" given: the first poll starts from the initial value */
  first = run_step (fixture, "feed.changed-from", "{ \"credential\": \"feed-token\", \"start\": \"2024-03-01\" }");
  g_assert_cmpuint (n_output (first, "out"), ==, 0);
  g_assert_cmpstr (last_request (fixture), ==,
                   "GET /changes?kind=deal&since=2024-03-01 | Authorization: Bearer t-feed;");

  /* nothing came: the starting point is kept, not rendered anew from a changed setting */
  add_record (fixture, 7, "2024-03-05");
  second = run_step (fixture, "feed.changed-from", "{ \"credential\": \"feed-token\", \"start\": \"2024-04-01\" }");
  g_assert_cmpuint (n_output (second, "out"), ==, 1);
  g_assert_cmpstr (last_request (fixture), ==,
                   "GET /changes?kind=deal&since=2024-03-01 | Authorization: Bearer t-feed;");

  /* and a record moves it on */
  third = run_step (fixture, "feed.changed-from", "{ \"credential\": \"feed-token\", \"start\": \"2024-04-01\" }");
  g_assert_cmpuint (n_output (third, "out"), ==, 0);
  g_assert_cmpstr (last_request (fixture), ==,
                   "GET /changes?kind=deal&since=2024-03-05 | Authorization: Bearer t-feed;");
}

int
main (int   argc,
      char *argv[])
{
  /* the connections; set before any thread starts */
  g_setenv ("CONDUIT_CREDENTIAL_PLAIN_KEY", "{\"kind\": \"api-key\", \"secret\": \"k-plain\"}", TRUE);
  g_setenv ("CONDUIT_CREDENTIAL_CUSTOM_KEY",
            "{\"kind\": \"api-key\", \"fields\": {\"in\": \"header\", \"header\": \"X-Custom\"},"
            " \"secret\": \"k-custom\"}", TRUE);
  g_setenv ("CONDUIT_CREDENTIAL_FEED_TOKEN", "{\"kind\": \"bearer\", \"secret\": \"t-feed\"}", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/conduit/app-requests/auth/descriptor-header", test_key_in_descriptor_header);
  ADD ("/conduit/app-requests/auth/descriptor-query", test_key_in_descriptor_query);
  ADD ("/conduit/app-requests/auth/plain-http-keeps-credential", test_plain_http_keeps_credential);
  ADD ("/conduit/app-requests/auth/new-credential", test_new_credential);
  ADD ("/conduit/app-requests/cursor/substituted", test_cursor_substituted);
  ADD ("/conduit/app-requests/cursor/initial", test_cursor_initial);

  return g_test_run ();
}
