/* test-credentials-window.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The credentials manager against the throwaway keyring of tests/run-headless: adding, editing
 * and deleting through the dialogs, the test request against a local server, and the banner
 * over a flow whose credential is missing. Other test programs use the same keyring at the
 * same time, so every credential here has an id of its own. */

#define SECRET_API_SUBJECT_TO_CHANGE

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <unistd.h>

#include "conduit-credentials-window.h"
#include "conduit-editor.h"
#include "conduit-window.h"
#include "../oauth-test-server.h"
#include "../test-keyring.h"
#include "test-util.h"
#include "test-screenshot.h"

#define GOOD_KEY  "good-key-7f3a9c"
#define WRONG_KEY "wrong-key-51d2e8"

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *)data == NULL;
}

static char *
unique_id (const char *what)
{
  return g_strdup_printf ("t-%s-%d", what, (int)getpid ());
}

static ConduitCredential *
api_key_new (const char *id,
             const char *key)
{
  ConduitCredential *credential = conduit_credential_new (id, CONDUIT_CREDENTIAL_KIND_API_KEY);

  conduit_credential_set_name (credential, "Test service");
  g_assert_true (conduit_credential_set_field (credential, "header", "X-Test-Key", NULL));
  g_assert_true (conduit_credential_set_secret (credential, "key", key, NULL));
  return credential;
}

static gboolean
window_loaded (gpointer data)
{
  return !conduit_credentials_window_get_loading (data);
}

static ConduitCredentialsWindow *
credentials_window_new (void)
{
  ConduitCredentialsWindow *window = g_object_ref_sink (conduit_credentials_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (test_spin_until (window_loaded, window, 20));
  return window;
}

static void
destroy_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

typedef struct
{
  ConduitCredentialsWindow *window;
  const char               *id;
} RowWait;

static gboolean
row_listed (gpointer data)
{
  RowWait *wait = data;
  return conduit_credentials_window_get_row (wait->window, wait->id) != NULL;
}

static gboolean
row_gone (gpointer data)
{
  return !row_listed (data);
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

/* Saves through the dialog and waits for it to close. */
static void
save_and_wait (ConduitCredentialEditor *editor)
{
  gpointer weak = editor;

  g_object_add_weak_pointer (G_OBJECT (editor), &weak);
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.save", NULL);
  g_assert_true (test_spin_until (pointer_is_null, &weak, 20));
}

static char *
run_secret_tool (const char *command,
                 const char *id)
{
  const char *argv[] = { "secret-tool", command, "conduit-id", id, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  /* search prints the attributes on stderr */
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               &err, &status, &error));
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

static void
test_add_and_edit (void)
{
  g_autofree char *id = unique_id ("add");
  g_autoptr(ConduitCredential) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *looked_up = NULL;
  g_autofree char *searched = NULL;
  ConduitCredentialsWindow *window = credentials_window_new ();
  ConduitCredentialEditor *editor;
  RowWait wait = { window, id };
  GtkWidget *row;

  g_assert_null (conduit_credentials_window_get_row (window, id));

  /* add: the secret is typed in a password row */
  editor = conduit_credentials_window_add (window);
  g_assert_true (conduit_credential_editor_get_is_new (editor));
  g_assert_true (ADW_IS_PASSWORD_ENTRY_ROW (conduit_credential_editor_get_row (editor, "key")));
  g_assert_false (ADW_IS_PASSWORD_ENTRY_ROW (conduit_credential_editor_get_row (editor, "header")));
  set_text (editor, "name", "CRM production");
  set_text (editor, "id", id);
  set_text (editor, "header", "X-CRM-Key");

  /* no secret yet: the dialog says what is missing and stays */
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.save", NULL);
  g_assert_nonnull (strstr (conduit_credential_editor_get_message (editor), "API key"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));

  set_text (editor, "key", GOOD_KEY);
  save_and_wait (editor);

  g_assert_true (test_spin_until (row_listed, &wait, 20));
  row = conduit_credentials_window_get_row (window, id);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "CRM production");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            "API key in the header “X-CRM-Key”"));

  stored = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_secret (stored, "key"), ==, GOOD_KEY);
  g_assert_cmpstr (conduit_credential_get_field (stored, "header"), ==, "X-CRM-Key");
  g_clear_object (&stored);

  /* another program sees it in the keyring */
  searched = run_secret_tool ("search", id);
  g_assert_nonnull (strstr (searched, "attribute.kind = api-key"));
  g_assert_nonnull (strstr (searched, "attribute.header = X-CRM-Key"));
  looked_up = run_secret_tool ("lookup", id);
  g_assert_nonnull (strstr (looked_up, GOOD_KEY));

  /* a second credential with the same id is refused, not swapped in */
  editor = conduit_credentials_window_add (window);
  set_text (editor, "id", id);
  set_text (editor, "key", "another-key-000");
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.save", NULL);
  while (g_main_context_iteration (NULL, FALSE) ||
         *conduit_credential_editor_get_message (editor) == '\0')
    ;
  g_assert_nonnull (strstr (conduit_credential_editor_get_message (editor), "already"));
  gtk_window_destroy (GTK_WINDOW (editor));

  /* edit: the id stays, the secret row starts empty and an empty one keeps the stored key */
  editor = conduit_credentials_window_edit (window, id);
  g_assert_nonnull (editor);
  g_assert_false (conduit_credential_editor_get_is_new (editor));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (conduit_credential_editor_get_row (editor, "id"))));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (conduit_credential_editor_get_row (editor, "key"))), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (conduit_credential_editor_get_row (editor, "header"))), ==,
                   "X-CRM-Key");
  set_text (editor, "name", "CRM staging");
  set_text (editor, "header", "X-Staging-Key");
  save_and_wait (editor);

  stored = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_name (stored), ==, "CRM staging");
  g_assert_cmpstr (conduit_credential_get_field (stored, "header"), ==, "X-Staging-Key");
  g_assert_cmpstr (conduit_credential_get_secret (stored, "key"), ==, GOOD_KEY);
  while (g_main_context_iteration (NULL, FALSE) || conduit_credentials_window_get_loading (window))
    ;
  row = conduit_credentials_window_get_row (window, id);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "CRM staging");

  test_keyring_delete (id);
  g_assert_true (test_spin_until (row_gone, &wait, 20));
  destroy_window (window);
}

/* ---- test request ---------------------------------------------------------------------- */

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "X-Test-Key");
  g_autofree char *body = NULL;

  if (g_strcmp0 (key, GOOD_KEY) == 0)
    {
      body = g_strdup ("{\"hello\": \"welcome back\"}");
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    }
  else
    {
      /* servers do echo what they were sent; the dialog must not show it */
      body = g_strdup_printf ("{\"error\": \"unknown key %s\"}", key ? key : "(none)");
      soup_server_message_set_status (msg, SOUP_STATUS_UNAUTHORIZED, NULL);
    }

  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* The dialog refuses an OAuth 2.0 token URL over plain http:// to another computer with the
 * engine's message, and lets a credential stored that way before be corrected without typing
 * the client secret again. */
static void
test_http_token_url (void)
{
  g_autofree char *id = unique_id ("http-token");
  g_autofree char *old_id = unique_id ("http-token-old");
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(ConduitCredential) stored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  ConduitCredentialsWindow *window;
  ConduitCredentialEditor *editor;

  /* as an older Conduit could have stored it */
  attributes = secret_attributes_build (conduit_credential_store_get_schema (),
                                        "conduit-id", old_id, "kind", "oauth2-client-credentials",
                                        "token_url", "http://example.com/token", "client_id", "c",
                                        NULL);
  g_assert_true (secret_password_storev_sync (conduit_credential_store_get_schema (), attributes,
                                              NULL, "stored before", "old-client-secret", NULL,
                                              &error));
  g_assert_no_error (error);
  window = credentials_window_new ();

  editor = conduit_credentials_window_add (window);
  conduit_credential_editor_set_kind (editor, CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS);
  set_text (editor, "id", id);
  set_text (editor, "token_url", "http://example.com/token");
  set_text (editor, "client_id", "c");
  set_text (editor, "client_secret", "new-client-secret");
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.save", NULL);
  expected = g_strdup_printf ("the token URL “http://example.com/token” of credential “%s” must "
                              "start with https://: over http:// the client secret would be sent "
                              "unencrypted (http:// is only allowed to this computer: localhost, "
                              "127.0.0.1 or ::1)", id);
  g_assert_cmpstr (conduit_credential_editor_get_message (editor), ==, expected);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  gtk_window_destroy (GTK_WINDOW (editor));
  stored = test_keyring_lookup (id, &error);
  g_assert_null (stored);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  editor = conduit_credentials_window_edit (window, old_id);
  g_assert_nonnull (editor);
  set_text (editor, "token_url", "https://example.com/token");
  save_and_wait (editor);

  stored = test_keyring_lookup (old_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_field (stored, "token_url"), ==,
                   "https://example.com/token");
  g_assert_cmpstr (conduit_credential_get_secret (stored, "client_secret"), ==,
                   "old-client-secret");

  test_keyring_delete (old_id);
  destroy_window (window);
}

static gboolean
test_finished (gpointer data)
{
  return *(gboolean *)data;
}

static void
on_test_finished (gboolean *finished)
{
  *finished = TRUE;
}

static void
run_test_request (ConduitCredentialEditor *editor,
                  const char              *url)
{
  gboolean finished = FALSE;
  gulong handler;

  handler = g_signal_connect_swapped (editor, "test-finished", G_CALLBACK (on_test_finished), &finished);
  set_text (editor, "test-url", url);
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.test", NULL);
  g_assert_cmpstr (conduit_credential_editor_get_message (editor), ==, "");
  g_assert_true (test_spin_until (test_finished, &finished, 20));
  g_signal_handler_disconnect (editor, handler);
}

typedef struct
{
  ConduitCredentialsWindow *window;
  const char               *id;
} AttentionWait;

static gboolean
attention_listed (gpointer data)
{
  AttentionWait *wait = data;
  ConduitCredential *credential = conduit_credentials_window_lookup (wait->window, wait->id);

  return credential != NULL && conduit_credential_get_attention (credential) != NULL &&
         !conduit_credentials_window_get_loading (wait->window);
}

static void
test_request (void)
{
  g_autofree char *id = unique_id ("try");
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  ConduitCredentialsWindow *window;
  ConduitCredentialEditor *editor;
  AttentionWait wait;
  const char *result;
  GtkWidget *row;

  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, server_callback, NULL, NULL);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_foreach (uris, (GFunc)g_uri_unref, NULL);

  credential = api_key_new (id, GOOD_KEY);
  test_keyring_save (credential);
  window = credentials_window_new ();
  wait = (AttentionWait) { window, id };

  /* the stored key: the server takes it */
  editor = conduit_credentials_window_edit (window, id);
  g_assert_nonnull (editor);
  run_test_request (editor, url);
  result = conduit_credential_editor_get_test_result (editor);
  g_assert_nonnull (strstr (result, "accepted"));
  g_assert_nonnull (strstr (result, "HTTP 200"));
  g_assert_nonnull (strstr (result, "welcome back"));

  /* a wrong key typed in: refused, the echo redacted, the credential marked */
  set_text (editor, "key", WRONG_KEY);
  run_test_request (editor, url);
  result = conduit_credential_editor_get_test_result (editor);
  g_assert_nonnull (strstr (result, "refused"));
  g_assert_nonnull (strstr (result, "HTTP 401"));
  g_assert_null (strstr (result, WRONG_KEY));
  g_assert_nonnull (strstr (result, CONDUIT_REDACTED));

  g_assert_true (test_spin_until (attention_listed, &wait, 20));
  row = conduit_credentials_window_get_row (window, id);
  g_assert_true (gtk_widget_has_css_class (row, "conduit-credential-attention"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "401"));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), WRONG_KEY));

  /* a web address that is not one is said so, nothing is sent */
  set_text (editor, "test-url", "not a web address");
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.test", NULL);
  g_assert_nonnull (strstr (conduit_credential_editor_get_message (editor), "not a web address"));

  gtk_window_destroy (GTK_WINDOW (editor));
  test_keyring_delete (id);
  destroy_window (window);
}

/* ---- delete ---------------------------------------------------------------------------- */

static char *
write_flow (const char *dir,
            const char *name,
            const char *flow_name,
            const char *credential_id)
{
  g_autofree char *example = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples",
                                               "web-form-to-crm.conduit", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_get_contents (example, &contents, NULL, NULL));
  text = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (text, "crm-api-key", credential_id, 0), ==, 1);
  g_assert_cmpuint (g_string_replace (text, "Web form lead to CRM contact", flow_name, 1), ==, 1);
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return path;
}

static void
add_recent (const char *path)
{
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  GtkRecentData data = {
    .mime_type = (char *)CONDUIT_FLOW_MIME_TYPE,
    .app_name = (char *)"test-credentials-window",
    .app_exec = (char *)"true",
  };

  g_assert_true (gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data));
}

static gboolean
window_on_editor (gpointer data)
{
  return g_strcmp0 (conduit_window_get_page_name (data), "editor") == 0;
}

static void
test_delete_names_flows (void)
{
  g_autofree char *id = unique_id ("del");
  g_autofree char *tmpdir = g_dir_make_tmp ("conduit-credentials-XXXXXX", NULL);
  g_autofree char *open_path = write_flow (tmpdir, "open.conduit", "Open leads", id);
  g_autofree char *recent_path = write_flow (tmpdir, "recent-leads.conduit", "Recent leads", id);
  g_autofree char *other_path = write_flow (tmpdir, "other.conduit", "Other leads", "t-unrelated");
  g_autoptr(GFile) open_file = g_file_new_for_path (open_path);
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) stored = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredentialsWindow *window;
  ConduitWindow *flow_window;
  AdwMessageDialog *dialog = NULL;
  RowWait wait;
  const char *body;

  credential = api_key_new (id, GOOD_KEY);
  test_keyring_save (credential);
  add_recent (recent_path);
  add_recent (other_path);
  add_recent (open_path);

  flow_window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_present (GTK_WINDOW (flow_window));
  conduit_window_open_file (flow_window, open_file);
  g_assert_true (test_spin_until (window_on_editor, flow_window, 20));

  window = credentials_window_new ();
  wait = (RowWait) { window, id };
  g_assert_true (test_spin_until (row_listed, &wait, 20));

  /* the question names the open flow once and the recent one, not the unrelated one */
  conduit_credentials_window_delete (window, id);
  while ((dialog = conduit_credentials_window_get_delete_dialog (window)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete “Test service”?");
  body = adw_message_dialog_get_body (dialog);
  g_assert_nonnull (strstr (body, "“Open leads” (open)"));
  g_assert_null (strstr (body, "open.conduit"));
  g_assert_nonnull (strstr (body, "“Recent leads” (recent-leads.conduit)"));
  g_assert_null (strstr (body, "Other leads"));

  /* cancel keeps it */
  adw_message_dialog_response (dialog, "cancel");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  stored = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_clear_object (&stored);

  /* delete removes it from the keyring and the list */
  conduit_credentials_window_delete (window, id);
  while ((dialog = conduit_credentials_window_get_delete_dialog (window)) == NULL)
    g_main_context_iteration (NULL, TRUE);
  adw_message_dialog_response (dialog, "delete");
  g_assert_true (test_spin_until (row_gone, &wait, 20));
  stored = test_keyring_lookup (id, &error);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);
  g_assert_null (stored);

  destroy_window (window);
  destroy_window (flow_window);
  g_unlink (open_path);
  g_unlink (recent_path);
  g_unlink (other_path);
  g_rmdir (tmpdir);
}

/* ---- the missing-credential banner ------------------------------------------------------- */

static ConduitEditor *
find_editor (GtkWidget *widget)
{
  if (CONDUIT_IS_EDITOR (widget))
    return CONDUIT_EDITOR (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ConduitEditor *editor = find_editor (child);
      if (editor != NULL)
        return editor;
    }

  return NULL;
}

static gboolean
banner_shown (gpointer data)
{
  return conduit_editor_get_missing_credentials_text (data) != NULL;
}

static gboolean
banner_hidden (gpointer data)
{
  return !banner_shown (data);
}

static gboolean
suggestion_named (gpointer data)
{
  return g_strcmp0 (conduit_setting_row_get_suggestion_name (data, "crm-api-key"), "CRM") == 0;
}

static ConduitCredentialEditor *
find_credential_editor (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (const GList *l = toplevels; l != NULL; l = l->next)
    if (CONDUIT_IS_CREDENTIAL_EDITOR (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static void
test_missing_banner (void)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  ConduitCredentialEditor *dialog;
  ConduitEditor *editor;
  ConduitSettingRow *row;
  ConduitFlow *flow;

  /* the example flow names crm-api-key, which no test keeps in the keyring */
  test_keyring_delete ("crm-api-key");
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_open_example (window, "web-form-to-crm.conduit");
  g_assert_true (test_spin_until (window_on_editor, window, 20));

  editor = find_editor (GTK_WIDGET (window));
  g_assert_nonnull (editor);
  g_assert_true (test_spin_until (banner_shown, editor, 20));
  g_assert_cmpstr (conduit_editor_get_missing_credentials_text (editor), ==,
                   "This flow uses the credential “crm-api-key”, which is not in your keyring.");

  /* “Create…” opens the dialog with the id filled in */
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.new-credential", "s", "crm-api-key");
  dialog = find_credential_editor ();
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (conduit_credential_editor_get_row (dialog, "id"))), ==,
                   "crm-api-key");
  set_text (dialog, "name", "CRM");
  set_text (dialog, "key", GOOD_KEY);
  save_and_wait (dialog);

  g_assert_true (test_spin_until (banner_hidden, editor, 20));

  /* the inspector's picker names it now */
  flow = conduit_document_get_flow (conduit_window_get_document (window));
  conduit_inspector_set_node (conduit_editor_get_inspector (editor), conduit_flow_lookup_node (flow, "crm"));
  row = conduit_inspector_get_setting_row (conduit_editor_get_inspector (editor), "credential");
  g_assert_nonnull (row);
  g_assert_true (test_spin_until (suggestion_named, row, 20));

  test_keyring_delete ("crm-api-key");
  g_assert_true (test_spin_until (banner_shown, editor, 20));
  destroy_window (window);
}

/* The same banner in German: the credential's id in German quotation marks (quote_ids() wrote
 * English ones into every language) */
static void
test_missing_banner_german (void)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);
  ConduitWindow *window;
  ConduitEditor *editor;

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "de", TRUE);
  if (g_strcmp0 (_("Credentials"), "Credentials") == 0)
    {
      g_setenv ("LANGUAGE", "en", TRUE);
      g_test_skip ("the German translation is not compiled in this build");
      return;
    }

  test_keyring_delete ("crm-api-key");
  window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_open_example (window, "web-form-to-crm.conduit");
  g_assert_true (test_spin_until (window_on_editor, window, 20));
  editor = find_editor (GTK_WIDGET (window));
  g_assert_nonnull (editor);
  g_assert_true (test_spin_until (banner_shown, editor, 20));
  g_assert_cmpstr (conduit_editor_get_missing_credentials_text (editor), ==,
                   "Dieser Flow verwendet die Zugangsdaten „crm-api-key“, die nicht in Ihrem "
                   "Schlüsselbund sind.");
  destroy_window (window);
  g_setenv ("LANGUAGE", "en", TRUE);
}

/* ---- browser sign-in ---------------------------------------------------------------------- */

static gboolean
sign_in_started (gpointer data)
{
  return conduit_credential_editor_get_sign_in_dialog (data) != NULL &&
         conduit_credential_editor_get_sign_in_uri (data) != NULL;
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  *(gboolean *)user_data = page != NULL;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *)data;
}

static gboolean
signed_in_shown (gpointer data)
{
  return g_str_has_prefix (conduit_credential_editor_get_sign_in_state (data), "Signed in.");
}

static void
test_sign_in (void)
{
  g_autofree char *id = unique_id ("sign-in");
  g_autoptr(OAuthTestServer) auth = oauth_test_server_new ("1234-desktop.apps.googleusercontent.com",
                                                          NULL);
  g_autofree char *authorize_url = oauth_test_server_url (auth, "/authorize");
  g_autofree char *token_url = oauth_test_server_url (auth, "/token");
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) visit = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredentialsWindow *window;
  ConduitCredentialEditor *editor;
  AdwMessageDialog *dialog;
  GtkWidget *address;
  gpointer weak;
  gboolean visited = FALSE;

  soup_session_set_proxy_resolver (browser, NULL);

  window = credentials_window_new ();
  editor = conduit_credentials_window_add (window);
  conduit_credential_editor_set_open_browser (editor, FALSE);
  conduit_credential_editor_set_kind (editor, CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  /* only what a person types: the tokens have no rows */
  g_assert_null (conduit_credential_editor_get_row (editor, "refresh_token"));
  g_assert_null (conduit_credential_editor_get_row (editor, "access_token"));
  set_text (editor, "id", id);
  set_text (editor, "name", "Team sheets");
  set_text (editor, "authorize_url", authorize_url);
  set_text (editor, "token_url", token_url);
  set_text (editor, "client_id", "1234-desktop.apps.googleusercontent.com");
  set_text (editor, "scopes", "https://www.googleapis.com/auth/spreadsheets");

  conduit_credential_editor_sign_in (editor);
  g_assert_true (test_spin_until (sign_in_started, editor, 20));
  dialog = conduit_credential_editor_get_sign_in_dialog (editor);

  /* the dialog shows the address to copy when no browser opens */
  address = find_named (GTK_WIDGET (dialog), "sign-in-address");
  g_assert_nonnull (address);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (address)), ==,
                   conduit_credential_editor_get_sign_in_uri (editor));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (address)), authorize_url));
  test_save_shot (GTK_WIDGET (dialog), "sign-in-dialog.png");

  /* the test is the browser */
  weak = editor;
  g_object_add_weak_pointer (G_OBJECT (editor), &weak);
  visit = soup_message_new (SOUP_METHOD_GET, conduit_credential_editor_get_sign_in_uri (editor));
  soup_session_send_and_read_async (browser, visit, G_PRIORITY_DEFAULT, NULL, on_page, &visited);
  g_assert_true (test_spin_until (flag_set, &visited, 20));
  /* signed in, saved, the editor closed */
  g_assert_true (test_spin_until (pointer_is_null, &weak, 20));
  g_assert_cmpuint (auth->issued, ==, 1);

  kept = test_keyring_lookup (id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_name (kept), ==, "Team sheets");
  g_assert_cmpstr (conduit_credential_get_secret (kept, "refresh_token"), ==, "refresh-token-1");
  g_assert_true (conduit_credential_is_signed_in (kept));

  /* editing it again says it is signed in */
  {
    RowWait wait = { window, id };

    g_assert_true (test_spin_until (row_listed, &wait, 20));
    editor = conduit_credentials_window_edit (window, id);
    g_assert_nonnull (editor);
    g_assert_true (test_spin_until (signed_in_shown, editor, 20));
    gtk_window_destroy (GTK_WINDOW (editor));
  }

  test_keyring_delete (id);
  destroy_window (window);
}

static gboolean
sign_in_banner_shown (gpointer data)
{
  return conduit_credentials_window_get_sign_in_banner_text (data) != NULL;
}

static gboolean
sign_in_banner_hidden (gpointer data)
{
  return !sign_in_banner_shown (data);
}

static GtkWidget *
find_revealer (GtkWidget *widget)
{
  if (GTK_IS_REVEALER (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_revealer (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* the banner slides in: the picture waits for the end of it */
static gboolean
banner_revealed (gpointer data)
{
  GtkWidget *revealer = find_revealer (data);

  return revealer != NULL && gtk_revealer_get_child_revealed (GTK_REVEALER (revealer));
}

static gboolean
message_shown (gpointer data)
{
  return *conduit_credential_editor_get_message (data) != '\0';
}

static gboolean
dialog_gone (gpointer data)
{
  return conduit_credential_editor_get_sign_in_dialog (data) == NULL;
}

static void
test_sign_in_banner (void)
{
  g_autofree char *id = unique_id ("revoked");
  g_autoptr(ConduitCredential) credential =
    conduit_credential_new (id, CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autofree char *expected = NULL;
  ConduitCredentialsWindow *window;
  ConduitCredentialEditor *editor;

  conduit_credential_set_name (credential, "Outlook mail");
  g_assert_true (conduit_credential_set_field (credential, "authorize_url",
                                               "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                                               NULL));
  g_assert_true (conduit_credential_set_field (credential, "token_url",
                                               "https://login.microsoftonline.com/common/oauth2/v2.0/token",
                                               NULL));
  g_assert_true (conduit_credential_set_field (credential, "client_id", "a1b2c3d4-client", NULL));
  conduit_credential_set_needs_sign_in (credential, TRUE);
  conduit_credential_set_attention (credential, "invalid_grant (AADSTS70008: the refresh token has expired)");
  test_keyring_save (credential);

  /* the application loads its style sheet by itself; this test has no application */
  {
    g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (provider, "/io/conduit/Conduit/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (provider),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  window = credentials_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 420);
  g_assert_true (test_spin_until (sign_in_banner_shown, window, 20));
  expected = g_strdup_printf ("The service ended the sign-in of “Outlook mail”: flows using it "
                              "fail until you sign in again.");
  /* other test programs share the keyring: one of theirs may need a sign-in just now too */
  if (!g_str_has_prefix (conduit_credentials_window_get_sign_in_banner_text (window), "2 "))
    g_assert_cmpstr (conduit_credentials_window_get_sign_in_banner_text (window), ==, expected);
  g_assert_nonnull (strstr (conduit_credentials_window_get_sign_in_banner_text (window),
                            "“Outlook mail”"));
  g_assert_true (test_spin_until (banner_revealed, window, 20));
  test_save_shot (GTK_WIDGET (window), "sign-in-banner.png");

  /* Sign In opens the editor with the sign-in started; its hint names Microsoft's portal */
  gtk_widget_activate_action (GTK_WIDGET (window), "credentials.sign-in", "s", id);
  editor = find_credential_editor ();
  g_assert_nonnull (editor);
  g_assert_true (test_spin_until (sign_in_started, editor, 20));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_named (GTK_WIDGET (editor), "sign-in-row"))),
                            "Microsoft Entra"));

  /* cancelling closes the dialog and the listener */
  adw_message_dialog_response (conduit_credential_editor_get_sign_in_dialog (editor), "cancel");
  g_assert_true (test_spin_until (dialog_gone, editor, 20));
  gtk_window_destroy (GTK_WINDOW (editor));

  /* a new credential cannot sign in under an id that is taken: nothing would be replaced */
  editor = conduit_credentials_window_add (window);
  conduit_credential_editor_set_open_browser (editor, FALSE);
  conduit_credential_editor_set_kind (editor, CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  set_text (editor, "id", id);
  set_text (editor, "authorize_url", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
  set_text (editor, "token_url", "https://login.microsoftonline.com/common/oauth2/v2.0/token");
  set_text (editor, "client_id", "another-client");
  conduit_credential_editor_sign_in (editor);
  g_assert_true (test_spin_until (message_shown, editor, 20));
  g_assert_nonnull (strstr (conduit_credential_editor_get_message (editor), "already"));
  g_assert_null (conduit_credential_editor_get_sign_in_dialog (editor));
  gtk_window_destroy (GTK_WINDOW (editor));

  test_keyring_delete (id);
  g_assert_true (test_spin_until (sign_in_banner_hidden, window, 20));
  destroy_window (window);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *recent_dir = NULL;
  g_autofree char *recent_file = NULL;
  int status;

  /* the test server is on 127.0.0.1: no proxy may stand in between */
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");

  /* GtkRecentManager writes one file for the whole session: other test programs adding recent
   * flows at the same time must not drop the ones this test adds */
  recent_dir = g_dir_make_tmp ("conduit-credentials-data-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", recent_dir, TRUE);

  g_test_init (&argc, &argv, NULL);
  if (test_keyring_skip_all_if_unavailable ())
    return 0;
  adw_init ();

  g_test_add_func ("/conduit/credentials-window/add-and-edit", test_add_and_edit);
  g_test_add_func ("/conduit/credentials-window/test-request", test_request);
  g_test_add_func ("/conduit/credentials-window/delete-names-flows", test_delete_names_flows);
  g_test_add_func ("/conduit/credentials-window/missing-banner", test_missing_banner);
  g_test_add_func ("/conduit/credentials-window/http-token-url", test_http_token_url);
  g_test_add_func ("/conduit/credentials-window/sign-in", test_sign_in);
  g_test_add_func ("/conduit/credentials-window/sign-in-banner", test_sign_in_banner);
  g_test_add_func ("/conduit/credentials-window/missing-banner-german",
                   test_missing_banner_german);

  status = g_test_run ();

  recent_file = g_build_filename (recent_dir, "recently-used.xbel", NULL);
  g_unlink (recent_file);
  g_rmdir (recent_dir);
  return status;
}
