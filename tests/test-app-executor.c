/* test-app-executor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The generic app executor against a real HTTP server (libsoup's, on 127.0.0.1, a private
 * port): every pagination style over several pages, the page cap, the rate limit measured on
 * the fake clock, an error inside a 200 answer, and a poll trigger's cursor and seen keys across
 * a restart of the runner and history. The apps are descriptors written here, pointed at the
 * server. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"

#define N_RECORDS 5
#define PAGE_SIZE 2

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *requests;   /* "METHOD /path?query" */
  GPtrArray  *poll_records;  /* JsonNode, what /poll serves */
  char       *dir;
  char       *history_path;
  ConduitConnectorRegistry *registry;
  ConduitHistoryStore *history;
  ConduitRunner *runner;
  ConduitClock *clock;
} Fixture;

static JsonNode *
record (guint id)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "id", id);
  json_object_set_string_member (object, "name", "thing");
  return conduit_json_node_take_object (object);
}

static JsonArray *
slice (guint from,
       guint count)
{
  JsonArray *array = json_array_new ();

  for (guint i = from; i < MIN (from + count, N_RECORDS); i++)
    json_array_add_element (array, record (i + 1));
  return array;
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonNode          *body)
{
  g_autofree char *text = json_to_string (body, FALSE);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static gint64
query_int (GHashTable *query,
           const char *name,
           gint64      fallback)
{
  const char *value = query ? g_hash_table_lookup (query, name) : NULL;

  return value ? g_ascii_strtoll (value, NULL, 10) : fallback;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  GUri *uri = soup_server_message_get_uri (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autoptr(JsonObject) body = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  g_ptr_array_add (fixture->requests,
                   g_strdup_printf ("%s %s%s%s", soup_server_message_get_method (msg), path,
                                    g_uri_get_query (uri) ? "?" : "",
                                    g_uri_get_query (uri) ? g_uri_get_query (uri) : ""));

  if (g_strcmp0 (auth, "Bearer tok-123") != 0)
    {
      json_object_set_string_member (body, "message", "no token");
      reply_json (msg, 401, node = json_node_init_object (json_node_alloc (), body));
      return;
    }

  if (g_str_equal (path, "/offset"))
    json_object_set_array_member (body, "data", slice (query_int (query, "offset", 0),
                                                       query_int (query, "limit", 100)));
  else if (g_str_equal (path, "/page"))
    json_object_set_array_member (body, "data", slice ((query_int (query, "page", 1) - 1) * PAGE_SIZE,
                                                       query_int (query, "per_page", 100)));
  else if (g_str_equal (path, "/cursor"))
    {
      gint64 from = query_int (query, "cursor", 0);

      json_object_set_array_member (body, "data", slice (from, PAGE_SIZE));
      if (from + PAGE_SIZE < N_RECORDS)
        {
          g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, from + PAGE_SIZE);
          json_object_set_string_member (body, "next_cursor", next);
        }
      else
        json_object_set_string_member (body, "next_cursor", "");
    }
  else if (g_str_equal (path, "/next") || g_str_equal (path, "/link"))
    {
      gint64 from = query_int (query, "from", 0);
      g_autofree char *next = g_strdup_printf ("%s%s?from=%" G_GINT64_FORMAT, fixture->base, path,
                                               from + PAGE_SIZE);

      json_object_set_array_member (body, "data", slice (from, PAGE_SIZE));
      if (from + PAGE_SIZE < N_RECORDS && g_str_equal (path, "/next"))
        json_object_set_string_member (body, "next", next);
      else if (from + PAGE_SIZE < N_RECORDS)
        {
          g_autofree char *link = g_strdup_printf ("<%s>; rel=\"next\", <%s?from=0>; rel=\"first\"",
                                                   next, path);
          soup_message_headers_append (soup_server_message_get_response_headers (msg), "Link", link);
        }
    }
  else if (g_str_equal (path, "/message"))
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
      JsonObject *sent;

      g_assert_true (json_parser_load_from_data (parser, request_body->data, request_body->length, NULL));
      sent = json_node_get_object (json_parser_get_root (parser));
      if (g_str_equal (json_object_get_string_member (sent, "channel"), "C404"))
        {
          json_object_set_boolean_member (body, "ok", FALSE);
          json_object_set_string_member (body, "error", "channel_not_found");
        }
      else
        {
          json_object_set_boolean_member (body, "ok", TRUE);
          json_object_set_string_member (body, "channel", json_object_get_string_member (sent, "channel"));
          /* the typed input arrives as a number */
          json_object_set_int_member (body, "count", json_object_get_int_member_with_default (sent, "count", 0));
        }
    }
  else if (g_str_equal (path, "/rooms"))
    {
      JsonArray *array = json_array_new ();
      const char *names[] = { "general", "random" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          JsonObject *room = json_object_new ();
          g_autofree char *id = g_strdup_printf ("C%u", i + 1);

          json_object_set_string_member (room, "id", id);
          json_object_set_string_member (room, "name", names[i]);
          json_array_add_object_element (array, room);
        }
      json_object_set_array_member (body, "data", array);
    }
  else if (g_str_equal (path, "/poll"))
    {
      const char *since = query ? g_hash_table_lookup (query, "since") : NULL;
      JsonArray *array = json_array_new ();

      /* inclusive of the cursor, as some APIs are: the seen keys must catch the repeat */
      for (guint i = 0; i < fixture->poll_records->len; i++)
        {
          JsonNode *element = g_ptr_array_index (fixture->poll_records, i);
          const char *ts = json_object_get_string_member (json_node_get_object (element), "ts");

          if (since == NULL || g_ascii_strtod (ts, NULL) >= g_ascii_strtod (since, NULL))
            json_array_add_element (array, json_node_copy (element));
        }
      json_object_set_array_member (body, "messages", array);
    }
  else
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }

  node = json_node_init_object (json_node_alloc (), body);
  reply_json (msg, 200, node);
}

#define APP_TEMPLATE \
  "{ \"meta\": { \"id\": \"%s\", \"version\": \"1\", \"title\": \"Test App\", \"category\": \"Test\",\n" \
  "              \"docs_url\": \"https://example.com/docs\" },\n" \
  "  \"connection\": { \"base_url\": \"%s\", \"auth\": { \"kind\": \"bearer\" } },\n" \
  "  \"defaults\": { \"error\": { \"when\": \"ok == false\", \"message\": \"error\" }%s },\n" \
  "  \"operations\": [\n" \
  "    { \"id\": \"offset\", \"title\": \"Offset\", \"request\": { \"method\": \"GET\", \"path\": \"/offset\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"offset\", \"offset_param\": \"offset\", \"limit_param\": \"limit\", \"limit\": 2 } },\n" \
  "    { \"id\": \"page\", \"title\": \"Page\", \"request\": { \"method\": \"GET\", \"path\": \"/page\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"page\", \"page_param\": \"page\", \"limit_param\": \"per_page\", \"limit\": 2 } },\n" \
  "    { \"id\": \"cursor\", \"title\": \"Cursor\", \"request\": { \"method\": \"GET\", \"path\": \"/cursor\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"cursor\", \"cursor_param\": \"cursor\", \"next\": \"next_cursor\" } },\n" \
  "    { \"id\": \"next\", \"title\": \"Next URL\", \"request\": { \"method\": \"GET\", \"path\": \"/next\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"next_url\", \"next\": \"next\" } },\n" \
  "    { \"id\": \"link\", \"title\": \"Link\", \"request\": { \"method\": \"GET\", \"path\": \"/link\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"link_header\" } },\n" \
  "    { \"id\": \"capped\", \"title\": \"Capped\", \"request\": { \"method\": \"GET\", \"path\": \"/cursor\" },\n" \
  "      \"response\": { \"records\": \"data\" },\n" \
  "      \"pagination\": { \"style\": \"cursor\", \"cursor_param\": \"cursor\", \"next\": \"next_cursor\", \"max_pages\": 2 } },\n" \
  "    { \"id\": \"send\", \"title\": \"Send\",\n" \
  "      \"input\": [ { \"key\": \"channel\", \"type\": \"string\", \"required\": true,\n" \
  "                   \"options\": { \"operation\": \"rooms\", \"value\": \"id\", \"label\": \"concat(\\\"#\\\", name)\" } },\n" \
  "                 { \"key\": \"count\", \"type\": \"integer\" } ],\n" \
  "      \"request\": { \"method\": \"POST\", \"path\": \"/message\",\n" \
  "                   \"body\": { \"type\": \"json\", \"content\": { \"channel\": \"{{ input.channel }}\",\n" \
  "                                                            \"count\": \"{{ input.count }}\" } } } },\n" \
  "    { \"id\": \"rooms\", \"title\": \"Rooms\", \"request\": { \"method\": \"GET\", \"path\": \"/rooms\" },\n" \
  "      \"response\": { \"records\": \"data\" } },\n" \
  "    { \"id\": \"history\", \"title\": \"History\", \"request\": { \"method\": \"GET\", \"path\": \"/poll\" },\n" \
  "      \"response\": { \"records\": \"messages\" } }\n" \
  "  ],\n" \
  "  \"triggers\": [ { \"id\": \"new-message\", \"title\": \"New message\", \"kind\": \"poll\",\n" \
  "                  \"operation\": \"history\", \"cursor\": { \"param\": \"since\", \"value\": \"ts\" },\n" \
  "                  \"dedup_key\": \"ts\" } ]\n" \
  "}\n"

static void
open_runner (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->history = conduit_history_store_new (fixture->history_path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (fixture->registry, fixture->history);
  conduit_runner_set_clock (fixture->runner, fixture->clock);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
}

static void
close_runner (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->history);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *text = NULL;
  g_autofree char *slow = NULL;

  fixture->requests = g_ptr_array_new_with_free_func (g_free);
  fixture->poll_records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
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
  text = g_strdup_printf (APP_TEMPLATE, "testapp", fixture->base, "");
  g_assert_nonnull (conduit_connector_registry_load_app_from_data (fixture->registry, text, -1, NULL, &error));
  g_assert_no_error (error);
  slow = g_strdup_printf (APP_TEMPLATE, "slowapp", fixture->base,
                          ", \"rate_limit\": { \"requests_per_second\": 2, \"concurrency\": 1 }");
  g_assert_nonnull (conduit_connector_registry_load_app_from_data (fixture->registry, slow, -1, NULL, &error));
  g_assert_no_error (error);

  fixture->dir = g_dir_make_tmp ("conduit-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->history_path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->clock = conduit_clock_new_fake (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC);
  open_runner (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  close_runner (fixture);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->registry);
  g_clear_object (&fixture->clock);
  g_clear_pointer (&fixture->requests, g_ptr_array_unref);
  g_clear_pointer (&fixture->poll_records, g_ptr_array_unref);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->history_path);
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

/* Runs a flow of a manual trigger (with @items) into one step of type @type, or of the poll
 * trigger @type alone, and returns the run with its outputs kept. */
static ConduitRun *
run_step (Fixture    *fixture,
          const char *type,
          const char *settings,
          const char *items)
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
    json = g_strdup_printf ("{ \"version\": 1, \"name\": \"App test\", \"nodes\": ["
                            "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [0, 0], \"settings\": %s } ],"
                            " \"links\": [] }", type, settings);
  else
    json = g_strdup_printf ("{ \"version\": 1, \"name\": \"App test\", \"nodes\": ["
                            "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                            "    \"settings\": { \"items\": %s } },"
                            "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [200, 0], \"settings\": %s } ],"
                            " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"step\", \"to_port\": \"in\" } ] }",
                            items ? items : "[{}]", type, settings);

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

static guint
n_output (ConduitRun *run,
          const char *port)
{
  GPtrArray *items = conduit_run_get_node_output (run, "step", port);

  return items ? items->len : 0;
}

static guint
count_requests (Fixture    *fixture,
                const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < fixture->requests->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (fixture->requests, i), prefix))
      n++;
  return n;
}

static gboolean
has_request (Fixture    *fixture,
             const char *text)
{
  for (guint i = 0; i < fixture->requests->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->requests, i), text))
      return TRUE;
  return FALSE;
}

static void
check_all_records (ConduitRun *run)
{
  GPtrArray *out = conduit_run_get_node_output (run, "step", "out");

  g_assert_nonnull (out);
  g_assert_cmpuint (out->len, ==, N_RECORDS);
  for (guint i = 0; i < out->len; i++)
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (out, i)), "id"),
                     ==, i + 1);
  g_assert_cmpuint (n_output (run, "error"), ==, 0);
}

static void
test_pagination_offset (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.offset", "{ \"credential\": \"testapp-key\" }", NULL);

  check_all_records (run);
  g_assert_cmpuint (count_requests (fixture, "GET /offset"), ==, 3);
  g_assert_true (has_request (fixture, "GET /offset?limit=2&offset=0"));
  g_assert_true (has_request (fixture, "GET /offset?limit=2&offset=2"));
  g_assert_true (has_request (fixture, "GET /offset?limit=2&offset=4"));
}

static void
test_pagination_page (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.page", "{ \"credential\": \"testapp-key\" }", NULL);

  check_all_records (run);
  g_assert_cmpuint (count_requests (fixture, "GET /page"), ==, 3);
  g_assert_true (has_request (fixture, "GET /page?per_page=2&page=1"));
  g_assert_true (has_request (fixture, "GET /page?per_page=2&page=3"));
}

static void
test_pagination_cursor (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.cursor", "{ \"credential\": \"testapp-key\" }", NULL);

  check_all_records (run);
  g_assert_cmpuint (count_requests (fixture, "GET /cursor"), ==, 3);
  g_assert_true (has_request (fixture, "GET /cursor"));
  g_assert_true (has_request (fixture, "GET /cursor?cursor=2"));
  g_assert_true (has_request (fixture, "GET /cursor?cursor=4"));
}

static void
test_pagination_next_url (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.next", "{ \"credential\": \"testapp-key\" }", NULL);

  check_all_records (run);
  g_assert_cmpuint (count_requests (fixture, "GET /next"), ==, 3);
  g_assert_true (has_request (fixture, "GET /next?from=4"));
}

static void
test_pagination_link_header (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.link", "{ \"credential\": \"testapp-key\" }", NULL);

  check_all_records (run);
  g_assert_cmpuint (count_requests (fixture, "GET /link"), ==, 3);
  g_assert_true (has_request (fixture, "GET /link?from=2"));
  g_assert_true (has_request (fixture, "GET /link?from=4"));
}

static void
test_page_cap (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(ConduitRun) run = run_step (fixture, "testapp.capped", "{ \"credential\": \"testapp-key\" }", NULL);
  GPtrArray *errors;
  JsonObject *error;

  /* two pages kept, and the stop said out loud instead of a silently short list */
  g_assert_cmpuint (n_output (run, "out"), ==, 2 * PAGE_SIZE);
  g_assert_cmpuint (count_requests (fixture, "GET /cursor"), ==, 2);
  errors = conduit_run_get_node_output (run, "step", "error");
  g_assert_nonnull (errors);
  g_assert_cmpuint (errors->len, ==, 1);
  error = json_object_get_object_member (json_node_get_object (g_ptr_array_index (errors, 0)), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "page_cap");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "more records remain"));
}

static void
test_error_in_200 (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConduitRun) run = NULL;
  GPtrArray *out;
  GPtrArray *errors;
  JsonObject *error;

  /* the channel from the item, the count mapped in as text and sent as a number */
  run = run_step (fixture, "testapp.send", "{ \"credential\": \"testapp-key\", \"channel\": \"{{ room }}\" }",
                  "[ { \"room\": \"C1\", \"count\": \"3\" }, { \"room\": \"C404\" }, { \"other\": 1 } ]");

  out = conduit_run_get_node_output (run, "step", "out");
  g_assert_nonnull (out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (out, 0)), "count"), ==, 3);

  errors = conduit_run_get_node_output (run, "step", "error");
  g_assert_nonnull (errors);
  g_assert_cmpuint (errors->len, ==, 2);
  error = json_object_get_object_member (json_node_get_object (g_ptr_array_index (errors, 0)), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "app");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "channel_not_found"));
  /* the third item has no channel: refused before any call, naming the field */
  error = json_object_get_object_member (json_node_get_object (g_ptr_array_index (errors, 1)), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "invalid");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "channel"));
  g_assert_cmpuint (count_requests (fixture, "POST /message"), ==, 2);
}

static void
test_rate_limit (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ConduitRun) run = NULL;
  GPtrArray *sleeps;
  guint total = 0;
  guint waits = 0;

  /* 2 requests per second: five calls take two seconds of the (fake) clock, in 500 ms waits */
  run = run_step (fixture, "slowapp.send", "{ \"credential\": \"testapp-key\", \"channel\": \"C1\" }",
                  "[ {}, {}, {}, {}, {} ]");
  g_assert_cmpuint (n_output (run, "out"), ==, 5);

  sleeps = conduit_clock_get_sleeps (fixture->clock);
  for (guint i = 0; i < sleeps->len; i++)
    {
      guint ms = GPOINTER_TO_UINT (g_ptr_array_index (sleeps, i));

      total += ms;
      if (ms > 0)
        {
          g_assert_cmpuint (ms, ==, 500);
          waits++;
        }
    }
  g_assert_cmpuint (waits, ==, 4);
  g_assert_cmpuint (total, ==, 2000);

  /* without a limit, no wait at all */
  g_ptr_array_set_size (sleeps, 0);
  g_clear_object (&run);
  run = run_step (fixture, "testapp.send", "{ \"credential\": \"testapp-key\", \"channel\": \"C1\" }",
                  "[ {}, {}, {}, {}, {} ]");
  g_assert_cmpuint (n_output (run, "out"), ==, 5);
  for (guint i = 0; i < sleeps->len; i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_ptr_array_index (sleeps, i)), ==, 0);
}

static void
add_message (Fixture    *fixture,
             const char *ts)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "ts", ts);
  json_object_set_string_member (object, "text", "hello");
  g_ptr_array_add (fixture->poll_records, conduit_json_node_take_object (object));
}

static void
check_fired (ConduitRun *run,
             const char *expected)
{
  GPtrArray *out = conduit_run_get_node_output (run, "step", "out");
  g_autoptr(GString) fired = g_string_new (NULL);

  for (guint i = 0; out != NULL && i < out->len; i++)
    g_string_append_printf (fired, "%s%s", i ? " " : "",
                            json_object_get_string_member (json_node_get_object (g_ptr_array_index (out, i)), "ts"));
  g_assert_cmpstr (fired->str, ==, expected);
}

static void
test_poll_across_restart (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *settings = "{ \"credential\": \"testapp-key\" }";
  g_autoptr(ConduitRun) first = NULL;
  g_autoptr(ConduitRun) second = NULL;
  g_autoptr(ConduitRun) third = NULL;
  g_autoptr(ConduitRun) fourth = NULL;

  add_message (fixture, "100.000001");
  add_message (fixture, "100.000002");
  first = run_step (fixture, "testapp.new-message", settings, NULL);
  check_fired (first, "100.000001 100.000002");
  g_assert_true (has_request (fixture, "GET /poll"));

  /* nothing new: nothing fires, although the server repeats the cursor's record */
  second = run_step (fixture, "testapp.new-message", settings, NULL);
  check_fired (second, "");
  g_assert_true (has_request (fixture, "GET /poll?since=100.000002"));

  /* restart: a new runner on a newly opened history finds the cursor and the seen keys */
  close_runner (fixture);
  open_runner (fixture);
  add_message (fixture, "100.000003");
  third = run_step (fixture, "testapp.new-message", settings, NULL);
  check_fired (third, "100.000003");

  /* a record the server brings back from before the cursor still fires only once */
  g_ptr_array_set_size (fixture->requests, 0);
  fourth = run_step (fixture, "testapp.new-message", settings, NULL);
  check_fired (fourth, "");
  g_assert_true (has_request (fixture, "GET /poll?since=100.000003"));
}

static void
test_missing_connection (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *json = "{ \"version\": 1, \"name\": \"No connection\", \"nodes\": ["
                     "  { \"id\": \"step\", \"type\": \"testapp.new-message\", \"position\": [0, 0],"
                     "    \"settings\": {} } ], \"links\": [] }";
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autofree char *text = NULL;

  /* an app step without a connection is refused when the flow loads, naming the setting */
  flow = conduit_flow_new_from_data (fixture->registry, json, -1, &problems, &error);
  g_assert_null (flow);
  g_assert_nonnull (problems);
  text = conduit_flow_problem_format (g_ptr_array_index (problems, 0));
  g_assert_nonnull (strstr (text, "/nodes/0/settings"));
  g_assert_nonnull (strstr (text, "Connection"));
  g_assert_cmpuint (fixture->requests->len, ==, 0);
}

static void
options_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_dynamic_options (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(JsonObject) settings = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) bad_result = NULL;
  g_autoptr(JsonArray) none = NULL;
  JsonObject *second;

  /* the channel picker of "send" lists the rooms, with the step's connection */
  json_object_set_string_member (settings, "credential", "testapp-key");
  conduit_app_options_async (fixture->runner, "testapp.send", "channel", settings, NULL, options_cb,
                             &result);
  for (guint i = 0; result == NULL && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  options = conduit_app_options_finish (fixture->runner, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (options), ==, 2);
  second = json_array_get_object_element (options, 1);
  g_assert_cmpstr (json_object_get_string_member (second, "value"), ==, "C2");
  g_assert_cmpstr (json_object_get_string_member (second, "label"), ==, "#random");
  g_assert_true (has_request (fixture, "GET /rooms"));

  /* without a connection the app refuses, and the reason comes back */
  json_object_set_string_member (settings, "credential", "no-such-connection");
  conduit_app_options_async (fixture->runner, "testapp.send", "channel", settings, NULL, options_cb,
                             &bad_result);
  for (guint i = 0; bad_result == NULL && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  none = conduit_app_options_finish (fixture->runner, bad_result, &error);
  g_assert_null (none);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-connection"));
}

int
main (int   argc,
      char *argv[])
{
  /* the connection every test app step uses; set before any thread starts */
  g_setenv ("CONDUIT_CREDENTIAL_TESTAPP_KEY", "{\"kind\": \"bearer\", \"secret\": \"tok-123\"}", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/conduit/app-executor/pagination/offset", test_pagination_offset);
  ADD ("/conduit/app-executor/pagination/page", test_pagination_page);
  ADD ("/conduit/app-executor/pagination/cursor", test_pagination_cursor);
  ADD ("/conduit/app-executor/pagination/next-url", test_pagination_next_url);
  ADD ("/conduit/app-executor/pagination/link-header", test_pagination_link_header);
  ADD ("/conduit/app-executor/pagination/page-cap", test_page_cap);
  ADD ("/conduit/app-executor/error-in-200", test_error_in_200);
  ADD ("/conduit/app-executor/rate-limit", test_rate_limit);
  ADD ("/conduit/app-executor/poll-across-restart", test_poll_across_restart);
  ADD ("/conduit/app-executor/missing-connection", test_missing_connection);
  ADD ("/conduit/app-executor/dynamic-options", test_dynamic_options);

  return g_test_run ();
}
