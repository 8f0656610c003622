/* test-run-panel.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "conduit-graph-node.h"
#include "conduit-graph-view-private.h"
#include "conduit-resources.h"
#include "conduit-run-panel.h"
#include "conduit-window.h"
#include "test-util.h"

/* Test runs from the window against a server this test starts on 127.0.0.1: one path refuses
 * with 401, one accepts, one never answers until the test lets it. */

typedef struct
{
  SoupServer          *server;
  char                *base_url;
  GPtrArray           *paused;     /* SoupServerMessage of /slow, held back */
  char                *history_dir;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitWindow       *window;
} Fixture;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *fixture = user_data;
  static const char ok_body[] = "{\"id\": 7, \"created\": true}";

  if (g_str_equal (path, "/deny"))
    {
      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"message\": \"bad key\"}", 22);
    }
  else if (g_str_equal (path, "/ok"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, ok_body,
                                        strlen (ok_body));
    }
  else if (g_str_equal (path, "/slow"))
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (fixture->paused, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GSList *uris;

  /* The flows name the credential "hubspot-key": give it from the environment, as a server
   * without a keyring would, so the request is sent with a (wrong) token. */
  g_setenv ("CONDUIT_CREDENTIAL_HUBSPOT_KEY",
            "{\"id\": \"hubspot-key\", \"kind\": \"bearer\", \"secret\": \"not-the-right-token\"}",
            TRUE);

  fixture->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  /* An explicit history in a throwaway directory, whatever XDG_DATA_HOME says. */
  fixture->history_dir = g_dir_make_tmp ("conduit-run-panel-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->history_dir, "history.sqlite", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  conduit_editor_set_runner (conduit_window_get_editor (fixture->window), fixture->runner);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_strdup (conduit_history_store_get_path (fixture->history));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  for (guint i = 0; i < fixture->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (fixture->paused, i));

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);

  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  g_ptr_array_unref (fixture->paused);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->base_url);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->history_dir);
  g_free (fixture->history_dir);
}

/* A manual trigger with two sample items feeding one HTTP request to @path on the server. */
static ConduitDocument *
open_flow (Fixture    *fixture,
           const char *path)
{
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  json = g_strdup_printf (
    "{\"version\": 1, \"name\": \"Test run\", \"nodes\": ["
    " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "  \"settings\": {\"items\": [{\"name\": \"Ada\"}, {\"name\": \"Grace\"}]}},"
    " {\"id\": \"crm\", \"type\": \"http-request\", \"title\": \"Create contact\","
    "  \"position\": [300, 0],"
    "  \"settings\": {\"method\": \"POST\", \"url\": \"%s%s\", \"credential\": \"hubspot-key\","
    "               \"max_attempts\": 1, \"timeout_seconds\": 60}}],"
    " \"links\": [{\"from\": \"start\", \"from_port\": \"out\", \"to\": \"crm\","
    "              \"to_port\": \"in\"}]}",
    fixture->base_url, path);

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
  return conduit_window_get_document (fixture->window);
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

static void
spin_while_running (ConduitEditor *editor)
{
  g_assert_true (test_spin_until (editor_is_idle, editor, 20));
}

static ConduitGraphNode *
card_of (ConduitEditor *editor,
         const char    *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  ConduitFlow *flow = conduit_document_get_flow (conduit_editor_get_document (editor));
  ConduitGraphNode *card = conduit_graph_view_get_card (view, conduit_flow_lookup_node (flow, node_id));

  g_assert_nonnull (card);
  return card;
}

/* Whether the card shows @text in one of its labels: the counts are only in its badge. */
static gboolean
widget_shows (GtkWidget  *widget,
              const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (widget_shows (child, text))
      return TRUE;
  return FALSE;
}

#define assert_card_counts(editor, id, text) \
  g_assert_true (widget_shows (GTK_WIDGET (card_of ((editor), (id))), (text)))

static ConduitRunPanel *
select_node (ConduitEditor *editor,
             const char    *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  ConduitFlow *flow = conduit_document_get_flow (conduit_editor_get_document (editor));

  conduit_graph_view_select_node (view, conduit_flow_lookup_node (flow, node_id));
  return CONDUIT_RUN_PANEL (conduit_editor_get_run_panel (editor));
}

static void
test_unauthorized (Fixture       *fixture,
                   gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitRunPanel *panel;
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autofree char *expected = NULL;
  ConduitRun *run;

  open_flow (fixture, "/deny");

  /* F5 and the Run button both go through win.run */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  g_assert_true (conduit_editor_get_running (editor));
  spin_while_running (editor);

  run = conduit_editor_get_last_run (editor);
  g_assert_nonnull (run);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpint (conduit_run_get_id (run), >, 0);

  g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, "start")), ==, "succeeded");
  assert_card_counts (editor, "start", "2 ok");
  g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, "crm")), ==, "failed");
  assert_card_counts (editor, "crm", "0 ok · 2 failed");

  panel = select_node (editor, "crm");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==, "Failed");
  g_assert_cmpstr (conduit_run_panel_get_counts_text (panel), ==,
                   "2 in · 0 ok · 2 failed · 0 rejected");
  g_assert_cmpstr (conduit_run_panel_get_explanation_text (panel), ==,
                   "2 items failed. The first: The server answered 401 Unauthorized — check the "
                   "credential “hubspot-key”");

  /* what went in is the trigger's sample, pretty-printed */
  input = conduit_run_panel_dup_input_text (panel);
  g_assert_cmpstr (input, ==,
                   "[\n  {\n    \"name\" : \"Ada\"\n  },\n  {\n    \"name\" : \"Grace\"\n  }\n]");
  /* what came out is the two items on the error port, with the server's reason */
  output = conduit_run_panel_dup_output_text (panel);
  g_assert_nonnull (strstr (output, "\"http_status\" : 401"));
  g_assert_nonnull (strstr (output, "\"name\" : \"Grace\""));
  expected = g_strdup_printf ("%s/deny answered 401 Unauthorized", fixture->base_url);
  g_assert_nonnull (strstr (output, expected));

  /* the trigger's panel shows its items out and no items in */
  panel = select_node (editor, "start");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==, "Succeeded");
  g_assert_cmpstr (conduit_run_panel_get_explanation_text (panel), ==, "");
}

static void
test_missing_credential (Fixture       *fixture,
                         gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitRunPanel *panel;
  ConduitRun *run;

  g_unsetenv ("CONDUIT_CREDENTIAL_HUBSPOT_KEY");
  open_flow (fixture, "/ok");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  spin_while_running (editor);

  run = conduit_editor_get_last_run (editor);
  g_assert_nonnull (run);
  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, "crm")), ==, "failed");

  panel = select_node (editor, "crm");
  g_assert_nonnull (strstr (conduit_run_panel_get_explanation_text (panel),
                            "The credential “hubspot-key” is not in your keyring"));
}

static void
test_succeeded (Fixture       *fixture,
                gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitRunPanel *panel;
  g_autofree char *output = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  ConduitHistoryQuery query = { .status = -1 };

  open_flow (fixture, "/ok");
  conduit_editor_start_run (editor);
  spin_while_running (editor);

  g_assert_cmpint (conduit_run_get_status (conduit_editor_get_last_run (editor)), ==,
                   CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, "crm")), ==, "succeeded");
  assert_card_counts (editor, "crm", "2 ok");

  panel = select_node (editor, "crm");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==, "Succeeded");
  g_assert_cmpstr (conduit_run_panel_get_counts_text (panel), ==,
                   "2 in · 2 ok · 0 failed · 0 rejected");
  g_assert_cmpstr (conduit_run_panel_get_explanation_text (panel), ==, "");
  output = conduit_run_panel_dup_output_text (panel);
  g_assert_nonnull (strstr (output, "\"created\" : true"));

  /* the run is in the history the editor was given */
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (fixture->history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpstr (((ConduitRunRecord *)runs->pdata[0])->trigger_kind, ==, "manual");
}

static void
test_stop (Fixture       *fixture,
           gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  ConduitRunPanel *panel;

  open_flow (fixture, "/slow");
  conduit_editor_start_run (editor);

  /* wait until the server holds the request, so Stop cancels a request in flight */
  while (fixture->paused->len == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->paused->len, >, 0);
  g_assert_true (conduit_editor_get_running (editor));
  g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, "crm")), ==, "running");

  /* the same action stops it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  spin_while_running (editor);

  g_assert_cmpint (conduit_run_get_status (conduit_editor_get_last_run (editor)), ==,
                   CONDUIT_RUN_STATUS_CANCELLED);
  panel = select_node (editor, "crm");
  g_assert_cmpstr (conduit_run_panel_get_status_text (panel), ==, "Stopped before it finished");
}

/* At 360 px the header bar has no room for Run: it moves onto the canvas and still works. */
static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  int minimum = 0;

  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 640);
  open_flow (fixture, "/ok");
  while (g_main_context_iteration (NULL, FALSE))
    ;

  gtk_widget_measure (GTK_WIDGET (fixture->window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL,
                      NULL, NULL);
  g_assert_cmpint (minimum, <=, 360);
  g_assert_true (widget_shows (GTK_WIDGET (editor), "Run"));

  /* F5 reaches the editor's action from anywhere in the window */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.run", NULL));
  g_assert_true (widget_shows (GTK_WIDGET (editor), "Stop"));
  spin_while_running (editor);
  g_assert_true (widget_shows (GTK_WIDGET (editor), "Run"));
  g_assert_cmpint (conduit_run_get_status (conduit_editor_get_last_run (editor)), ==,
                   CONDUIT_RUN_STATUS_SUCCEEDED);

  /* and back in the header bar once there is room */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1000, 640);
  g_assert_false (widget_shows (GTK_WIDGET (editor), "Run"));
}

static void
test_webhook_address (void)
{
  g_autoptr(ConduitRunPanel) panel = g_object_ref_sink (CONDUIT_RUN_PANEL (conduit_run_panel_new ()));
  g_autoptr(ConduitNode) node = conduit_node_new ("form", "webhook-trigger");
  g_autoptr(JsonNode) items = json_from_string ("[{\"Email\": \"ada@example.com\", \"Note\": \"it's\"}]",
                                                NULL);
  g_autoptr(JsonNode) port = json_node_init_int (json_node_alloc (), 0);
  g_autoptr(JsonNode) path = json_node_init_string (json_node_alloc (), "/hooks/web-form");

  conduit_node_set_setting (node, "items", items);
  conduit_node_set_setting (node, "path", path);
  conduit_run_panel_set_node (panel, node);

  /* default port 8787 */
  g_assert_cmpstr (conduit_run_panel_get_webhook_url (panel), ==,
                   "http://127.0.0.1:8787/hooks/web-form");
  g_assert_cmpstr (conduit_run_panel_get_curl_command (panel), ==,
                   "curl -X POST -H 'Content-Type: application/json' --data "
                   "'{\"Email\":\"ada@example.com\",\"Note\":\"it'\\''s\"}' "
                   "'http://127.0.0.1:8787/hooks/web-form'");

  /* port 0 is picked when served: no address to show yet, and it follows the setting */
  conduit_node_set_setting (node, "port", port);
  g_assert_null (conduit_run_panel_get_webhook_url (panel));
  g_assert_null (conduit_run_panel_get_curl_command (panel));

  /* other steps have no address */
  {
    g_autoptr(ConduitNode) other = conduit_node_new ("x", "manual-trigger");
    conduit_run_panel_set_node (panel, other);
    g_assert_null (conduit_run_panel_get_webhook_url (panel));
  }

  conduit_run_panel_set_node (panel, NULL);
  g_assert_finalize_object (g_steal_pointer (&panel));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (conduit_get_resource ());

  g_test_add ("/conduit/run-panel/unauthorized", Fixture, NULL, fixture_setup, test_unauthorized,
              fixture_teardown);
  g_test_add ("/conduit/run-panel/succeeded", Fixture, NULL, fixture_setup, test_succeeded,
              fixture_teardown);
  g_test_add ("/conduit/run-panel/missing-credential", Fixture, NULL, fixture_setup,
              test_missing_credential, fixture_teardown);
  g_test_add ("/conduit/run-panel/stop", Fixture, NULL, fixture_setup, test_stop, fixture_teardown);
  g_test_add ("/conduit/run-panel/narrow", Fixture, NULL, fixture_setup, test_narrow, fixture_teardown);
  g_test_add_func ("/conduit/run-panel/webhook-address", test_webhook_address);

  return g_test_run ();
}
