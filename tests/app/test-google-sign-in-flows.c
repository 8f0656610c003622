/* test-google-sign-in-flows.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sign-in issue's "done when", in the app: a person signs in with the browser from the
 * Credentials window (the test plays the browser: it follows the sign-in address, and the local
 * authorization server sends it back to Conduit's loopback listener with a code), then runs a
 * Google Sheets "append rows" flow and an Outlook "send mail" flow from the main window. The
 * bundled descriptors run unchanged but for their base URL, which points at a local mock of
 * the Sheets and Graph APIs that checks what the vendors document (method, path, query, the
 * JSON body) and that the bearer token is one the authorization server issued and still
 * honours. The Outlook run starts with the access token run out, so the app renews it first. */

#define SECRET_API_SUBJECT_TO_CHANGE

#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>

#include "conduit-credentials-window.h"
#include "conduit-editor.h"
#include "conduit-resources.h"
#include "conduit-window.h"
#include "../oauth-test-server.h"
#include "../test-keyring.h"
#include "test-util.h"

#define SHEET "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"

typedef struct
{
  OAuthTestServer *auth;
  SoupServer      *api;
  char            *api_base;
  GPtrArray       *problems;   /* what the mock saw that the vendor would refuse */
  guint            sheets_calls;
  guint            mail_calls;
  char            *last_token;
} Fixture;

static void
problem (Fixture    *fixture,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (Fixture    *fixture,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (fixture->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static JsonObject *
request_json (Fixture           *fixture,
              SoupServerMessage *msg,
              JsonParser        *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                                            NULL);

  if (g_strcmp0 (type, "application/json") != 0)
    problem (fixture, "Content-Type is %s, not application/json", type);
  if (!json_parser_load_from_data (parser, body->data, body->length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      problem (fixture, "the body is not a JSON object");
      return NULL;
    }
  return json_node_get_object (json_parser_get_root (parser));
}

/* spreadsheets.values.append and Graph's user: sendMail, as the vendors document them */
static void
api_cb (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                            "Authorization");
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *method = soup_server_message_get_method (msg);
  JsonObject *body;

  if (authorization == NULL || !g_str_has_prefix (authorization, "Bearer ") ||
      !g_hash_table_contains (fixture->auth->access_tokens, authorization + strlen ("Bearer ")))
    {
      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\": {\"code\": 401, \"status\": \"UNAUTHENTICATED\"}}",
                                        strlen ("{\"error\": {\"code\": 401, \"status\": \"UNAUTHENTICATED\"}}"));
      return;
    }
  g_free (fixture->last_token);
  fixture->last_token = g_strdup (authorization + strlen ("Bearer "));

  if (g_str_equal (path, "/v4/spreadsheets/" SHEET "/values/Sheet1!A:B:append"))
    {
      static const char answer[] =
        "{\"spreadsheetId\": \"" SHEET "\", \"tableRange\": \"Sheet1!A1:B7\","
        " \"updates\": {\"updatedRange\": \"Sheet1!A8:B8\", \"updatedRows\": 1}}";
      JsonArray *values;

      fixture->sheets_calls++;
      if (g_strcmp0 (method, "POST") != 0)
        problem (fixture, "append: method %s", method);
      if (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "valueInputOption"), "USER_ENTERED") != 0 ||
          g_strcmp0 (g_hash_table_lookup (query, "insertDataOption"), "INSERT_ROWS") != 0)
        problem (fixture, "append: valueInputOption or insertDataOption missing");
      if ((body = request_json (fixture, msg, parser)) == NULL)
        return;
      values = json_object_get_array_member (body, "values");
      if (values == NULL || json_array_get_length (values) != 1 ||
          g_strcmp0 (json_array_get_string_element (json_array_get_array_element (values, 0), 0), "Ada Lovelace") != 0 ||
          json_array_get_int_element (json_array_get_array_element (values, 0), 1) != 1042)
        problem (fixture, "append: values are not [[\"Ada Lovelace\", 1042]]");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, answer,
                                        strlen (answer));
      return;
    }

  if (g_str_equal (path, "/v1.0/me/sendMail"))
    {
      JsonObject *message;
      JsonArray *to;

      fixture->mail_calls++;
      if (g_strcmp0 (method, "POST") != 0)
        problem (fixture, "sendMail: method %s", method);
      if ((body = request_json (fixture, msg, parser)) == NULL)
        return;
      message = json_object_get_object_member (body, "message");
      to = message ? json_object_get_array_member (message, "toRecipients") : NULL;
      if (message == NULL || g_strcmp0 (json_object_get_string_member (message, "subject"), "Order 1042 shipped") != 0)
        problem (fixture, "sendMail: no message, or not its subject");
      if (to == NULL || json_array_get_length (to) != 1 ||
          g_strcmp0 (json_object_get_string_member (json_object_get_object_member (json_array_get_object_element (to, 0),
                                                                                   "emailAddress"), "address"),
                     "ada@example.com") != 0)
        problem (fixture, "sendMail: toRecipients is not ada@example.com");
      /* 202 Accepted with no body: the message is queued for sending */
      soup_server_message_set_status (msg, 202, NULL);
      return;
    }

  problem (fixture, "%s %s is not an address the test expects", method, path);
  soup_server_message_set_status (msg, 404, NULL);
}

/* The bundled descriptor, its base URL on the mock */
static void
point_app_at (const char *app_id,
              const char *base_url)
{
  g_autofree char *path = g_strdup_printf ("%s/data/connectors/apps/%s.json", g_getenv ("CONDUIT_SOURCE_DIR"),
                                           app_id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *descriptor;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  descriptor = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (json_object_get_object_member (descriptor, "connection"), "base_url",
                                 base_url);
  text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_nonnull (conduit_connector_registry_load_app_from_data (conduit_connector_registry_get_default (),
                                                                   text, -1, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sheets = NULL;
  g_autofree char *graph = NULL;
  GSList *uris;

  fixture->problems = g_ptr_array_new_with_free_func (g_free);
  fixture->auth = oauth_test_server_new ("1234-desktop.apps.googleusercontent.com", NULL);
  fixture->api = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->api, NULL, api_cb, fixture, NULL);
  soup_server_listen_local (fixture->api, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->api);
  fixture->api_base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  sheets = g_strconcat (fixture->api_base, "/v4", NULL);
  graph = g_strconcat (fixture->api_base, "/v1.0", NULL);
  point_app_at ("google-sheets", sheets);
  point_app_at ("outlook", graph);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  soup_server_disconnect (fixture->api);
  g_clear_object (&fixture->api);
  g_clear_pointer (&fixture->auth, oauth_test_server_free);
  g_free (fixture->api_base);
  g_free (fixture->last_token);
  g_ptr_array_unref (fixture->problems);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

static gboolean
window_loaded (gpointer data)
{
  return !conduit_credentials_window_get_loading (data);
}

static gboolean
sign_in_started (gpointer data)
{
  return conduit_credential_editor_get_sign_in_dialog (data) != NULL &&
         conduit_credential_editor_get_sign_in_uri (data) != NULL;
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  *(gboolean *)user_data = page != NULL;
}

static void
set_text (ConduitCredentialEditor *editor,
          const char              *key,
          const char              *text)
{
  GtkWidget *row = conduit_credential_editor_get_row (editor, key);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

/* Adds a credential in the Credentials window and signs in with the "browser"; the editor
 * closes when the tokens are kept. */
static void
sign_in_from_the_app (Fixture    *fixture,
                      const char *id,
                      const char *scopes)
{
  ConduitCredentialsWindow *window = g_object_ref_sink (conduit_credentials_window_new (NULL));
  g_autofree char *authorize_url = oauth_test_server_url (fixture->auth, "/authorize");
  g_autofree char *token_url = oauth_test_server_url (fixture->auth, "/token");
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) visit = NULL;
  ConduitCredentialEditor *editor;
  gboolean visited = FALSE;
  gpointer weak;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_spin_until (window_loaded, window, 20));
  editor = conduit_credentials_window_add (window);
  conduit_credential_editor_set_open_browser (editor, FALSE);
  conduit_credential_editor_set_kind (editor, CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  set_text (editor, "id", id);
  set_text (editor, "name", id);
  set_text (editor, "authorize_url", authorize_url);
  set_text (editor, "token_url", token_url);
  set_text (editor, "client_id", "1234-desktop.apps.googleusercontent.com");
  set_text (editor, "scopes", scopes);

  conduit_credential_editor_sign_in (editor);
  g_assert_true (test_spin_until (sign_in_started, editor, 20));
  g_assert_true (g_str_has_prefix (conduit_credential_editor_get_sign_in_uri (editor), authorize_url));

  weak = editor;
  g_object_add_weak_pointer (G_OBJECT (editor), &weak);
  soup_session_set_proxy_resolver (browser, NULL);
  visit = soup_message_new (SOUP_METHOD_GET, conduit_credential_editor_get_sign_in_uri (editor));
  soup_session_send_and_read_async (browser, visit, G_PRIORITY_DEFAULT, NULL, on_page, &visited);
  g_assert_true (test_spin_until (flag_set, &visited, 20));
  g_assert_true (test_spin_until (pointer_is_null, &weak, 20));

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

/* Opens the flow in a main window and runs it with the Run action, as the Run button does. */
static void
run_in_window (const char  *flow_text,
               ConduitRunStatus *status,
               char       **output)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                            flow_text, -1, NULL, &error);
  g_autoptr(ConduitDocument) document = NULL;
  ConduitEditor *editor;
  ConduitRun *run;
  GPtrArray *out;
  GPtrArray *failed;

  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_set_document (window, document);
  test_spin_for (200);

  editor = conduit_window_get_editor (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (test_spin_until (editor_is_idle, editor, 30));
  run = conduit_editor_get_last_run (editor);
  g_assert_nonnull (run);
  *status = conduit_run_get_status (run);
  failed = conduit_run_get_node_output (run, "app", "error");
  for (guint i = 0; failed != NULL && i < failed->len; i++)
    {
      g_autofree char *item = json_to_string (g_ptr_array_index (failed, i), FALSE);
      g_test_message ("failed: %s", item);
    }
  out = conduit_run_get_node_output (run, "app", "out");
  *output = out != NULL && out->len == 1 ? json_to_string (g_ptr_array_index (out, 0), FALSE) : NULL;

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

static char *
flow_for (const char *step,
          const char *credential,
          const char *item)
{
  return g_strdup_printf ("{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
                          "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                          "    \"settings\": { \"items\": [ %s ] } },"
                          "  { \"id\": \"app\", \"type\": \"%s\", \"position\": [240, 0],"
                          "    \"settings\": { \"credential\": \"%s\" } } ],"
                          " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"app\","
                          " \"to_port\": \"in\" } ] }", step, item, step, credential);
}

static void
test_sheets_append_rows (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("t-sheets-%d", (int)getpid ());
  g_autofree char *flow = flow_for ("google-sheets.append-rows", id,
                                    "{ \"spreadsheet_id\": \"" SHEET "\", \"range\": \"Sheet1!A:B\","
                                    "  \"values\": [ [ \"Ada Lovelace\", 1042 ] ] }");
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  ConduitRunStatus status;

  sign_in_from_the_app (fixture, id, "https://www.googleapis.com/auth/spreadsheets");
  g_assert_cmpuint (fixture->auth->issued, ==, 1);
  kept = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_credential_is_signed_in (kept));

  run_in_window (flow, &status, &output);
  for (guint i = 0; i < fixture->problems->len; i++)
    g_printerr ("the Sheets mock: %s\n", (char *)g_ptr_array_index (fixture->problems, i));
  g_assert_cmpuint (fixture->problems->len, ==, 0);
  g_assert_cmpuint (fixture->sheets_calls, ==, 1);
  /* the token the sign-in got, used as it is: it has not run out */
  g_assert_cmpstr (fixture->last_token, ==, "access-token-1");
  g_assert_cmpuint (fixture->auth->refreshes, ==, 0);
  g_assert_cmpint (status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_nonnull (output);
  g_assert_nonnull (strstr (output, "Sheet1!A8:B8"));

  test_keyring_delete (id);
}

static void
test_outlook_send_mail (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = g_strdup_printf ("t-outlook-%d", (int)getpid ());
  g_autofree char *flow = flow_for ("outlook.send-mail", id,
                                    "{ \"to\": \"ada@example.com\", \"subject\": \"Order 1042 shipped\","
                                    "  \"body\": \"Your order is on its way.\" }");
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(ConduitCredential) renewed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  ConduitRunStatus status;

  sign_in_from_the_app (fixture, id, "offline_access User.Read Mail.Send");
  kept = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_secret (kept, "refresh_token"), ==, "refresh-token-1");
  /* an hour later: the access token has run out, the run must renew it first */
  g_assert_true (conduit_credential_set_secret (kept, "expires_at", "1000", NULL));
  test_keyring_save (kept);

  run_in_window (flow, &status, &output);
  for (guint i = 0; i < fixture->problems->len; i++)
    g_printerr ("the Graph mock: %s\n", (char *)g_ptr_array_index (fixture->problems, i));
  g_assert_cmpuint (fixture->problems->len, ==, 0);
  g_assert_cmpuint (fixture->mail_calls, ==, 1);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  g_assert_cmpstr (fixture->last_token, ==, "access-token-2");
  g_assert_cmpint (status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);

  /* the rotated refresh token was kept at once */
  renewed = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_secret (renewed, "refresh_token"), ==, "refresh-token-2");
  g_assert_cmpstr (conduit_credential_get_secret (renewed, "access_token"), ==, "access-token-2");

  test_keyring_delete (id);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  int status;

  /* the servers are on 127.0.0.1: no proxy may stand in between */
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  /* GtkRecentManager and the history write under the data folder: a private one */
  data_dir = g_dir_make_tmp ("conduit-sign-in-flows-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_dir, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  if (test_keyring_skip_all_if_unavailable ())
    return 0;
  adw_init ();
  g_assert_nonnull (conduit_get_resource ());

  g_test_add ("/conduit/sign-in-flows/google-sheets-append-rows", Fixture, NULL, fixture_setup,
              test_sheets_append_rows, fixture_teardown);
  g_test_add ("/conduit/sign-in-flows/outlook-send-mail", Fixture, NULL, fixture_setup,
              test_outlook_send_mail, fixture_teardown);

  status = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", data_dir);
    g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
  }
  return status;
}
