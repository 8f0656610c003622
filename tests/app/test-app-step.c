/* test-app-step.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An app step, the way a person builds one: find “Slack → Send a message” in the palette, add
 * it, give it a connection and map the item's fields into the operation's fields in the
 * inspector, run the flow. The bundled Slack descriptor runs unchanged except for its base URL,
 * which points at a mock of Slack's Web API on 127.0.0.1 that checks what Slack documents for
 * chat.postMessage (POST, bearer token, JSON body with channel and text) and answers like Slack.
 * With CONDUIT_SCREENSHOT_DIR set, the palette and the inspector are saved as PNGs there. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "conduit-editor.h"
#include "conduit-graph-view.h"
#include "conduit-resources.h"
#include "conduit-window.h"
#include "test-util.h"
#include "test-screenshot.h"

#define TOKEN "xoxb-test-token"

typedef struct
{
  SoupServer    *server;
  char          *base_url;
  GPtrArray     *problems;   /* what the mock saw that Slack would refuse */
  guint          n_requests;
  char          *channel;    /* the last message the mock accepted */
  char          *text;
  ConduitWindow *window;
} Fixture;

static void
problem (Fixture    *fixture,
         const char *what,
         const char *detail)
{
  g_ptr_array_add (fixture->problems, g_strdup_printf ("%s: %s", what, detail ? detail : "(none)"));
}

/* chat.postMessage as https://api.slack.com/methods/chat.postMessage documents it */
static void
slack_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  JsonObject *object = NULL;

  fixture->n_requests++;
  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    problem (fixture, "method (not POST)", soup_server_message_get_method (msg));
  if (g_strcmp0 (path, "/chat.postMessage") != 0)
    problem (fixture, "path (not /chat.postMessage)", path);
  if (g_strcmp0 (authorization, "Bearer " TOKEN) != 0)
    problem (fixture, "Authorization (not the bearer token)", authorization);
  if (g_strcmp0 (soup_message_headers_get_content_type (headers, NULL), "application/json") != 0)
    problem (fixture, "Content-Type (not JSON)", soup_message_headers_get_content_type (headers, NULL));
  if (body->length > 0 && json_parser_load_from_data (parser, body->data, body->length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));
  if (object == NULL)
    problem (fixture, "body", "not a JSON object");

  if (object == NULL || !json_object_has_member (object, "channel") ||
      !json_object_has_member (object, "text"))
    {
      /* what Slack answers: 200 with ok false */
      answer = g_strdup ("{\"ok\": false, \"error\": \"no_text\"}");
    }
  else
    {
      g_free (fixture->channel);
      g_free (fixture->text);
      fixture->channel = g_strdup (json_object_get_string_member (object, "channel"));
      fixture->text = g_strdup (json_object_get_string_member (object, "text"));
      answer = g_strdup_printf ("{\"ok\": true, \"channel\": \"%s\", \"ts\": \"1503435956.000247\","
                                " \"message\": {\"type\": \"message\", \"text\": \"sent\"}}",
                                fixture->channel);
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer, strlen (answer));
}

/* The bundled Slack descriptor, with its base URL pointed at the mock, replaces Slack in the
 * registry the window uses. */
static void
point_slack_at (const char *base_url)
{
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "connectors",
                                            "apps", "slack.json", NULL);
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
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  GSList *uris;

  /* the connection the step names, as a server without a keyring gives it */
  g_setenv ("CONDUIT_CREDENTIAL_SLACK_BOT",
            "{\"id\": \"slack-bot\", \"kind\": \"bearer\", \"secret\": \"" TOKEN "\"}", TRUE);

  fixture->problems = g_ptr_array_new_with_free_func (g_free);
  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, slack_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  point_slack_at (fixture->base_url);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));

  /* a flow with only its trigger: an order, as a web form would send it */
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                     "{\"version\": 1, \"name\": \"Order notice\", \"nodes\": ["
                                     " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                                     "  \"settings\": {\"items\": [{\"room\": \"C123ABC456\","
                                     "                             \"order_id\": 1042}]}}],"
                                     " \"links\": []}",
                                     -1, NULL, &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
  test_spin_for (300);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);

  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->base_url);
  g_free (fixture->channel);
  g_free (fixture->text);
  g_ptr_array_unref (fixture->problems);
}

static void
on_search_changed (GtkSearchEntry *entry,
                   gboolean       *changed)
{
  *changed = TRUE;
}

/* Types @text into the palette's search field and waits for the list to follow. */
static void
search_palette (ConduitPalette *palette,
                const char     *text)
{
  GtkEditable *entry = conduit_palette_get_search_entry (palette);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean changed = FALSE;
  gulong id = g_signal_connect (entry, "search-changed", G_CALLBACK (on_search_changed), &changed);

  gtk_editable_set_text (entry, text);
  while ((!changed || g_strcmp0 (gtk_editable_get_text (entry), text) != 0) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (entry, id);
  g_assert_true (changed);
}

/* The row of @connector_id among the palette's visible rows, as a person would find it. */
static GtkListBoxRow *
palette_row (ConduitPalette *palette,
             const char     *connector_id)
{
  GListModel *visible = conduit_palette_get_visible (palette);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);

      if (g_strcmp0 (conduit_connector_get_id (connector), connector_id) == 0)
        return gtk_list_box_get_row_at_index (conduit_palette_get_list (palette), i);
    }
  return NULL;
}

/* Whether @widget or a visible descendant is a label showing @text. */
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

static void
type_into (ConduitInspector *inspector,
           const char       *key,
           const char       *text)
{
  ConduitSettingRow *row = conduit_inspector_get_setting_row (inspector, key);
  GtkWidget *editor;

  g_assert_nonnull (row);
  editor = conduit_setting_row_get_editor (row);
  if (GTK_IS_TEXT_VIEW (editor))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (editor), text);
  /* a text view hands its text to the step when idle, after a burst of typing */
  test_spin_idle ();
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

/* Adds “Slack → Send a message” from the palette and links the trigger to it; returns the new
 * step, selected and shown in the inspector. */
static ConduitNode *
add_slack_step (Fixture *fixture)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitPalette *palette = conduit_editor_get_palette (editor);
  ConduitInspector *inspector = conduit_editor_get_inspector (editor);
  ConduitGraphView *graph = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  ConduitDocument *document = conduit_editor_get_document (editor);
  ConduitFlow *flow = conduit_document_get_flow (document);
  g_autoptr(ConduitLink) link = NULL;
  GtkListBoxRow *row;
  ConduitNode *step;

  /* the palette finds the app by its name and lists its operations by what they do */
  search_palette (palette, "slack");
  g_assert_nonnull (palette_row (palette, "slack.send-message"));
  g_assert_nonnull (palette_row (palette, "slack.list-channels"));
  g_assert_null (palette_row (palette, "http-request"));
  row = palette_row (palette, "slack.send-message");
  g_assert_true (widget_shows (GTK_WIDGET (row), "Slack → Send a message"));
  test_save_shot (GTK_WIDGET (palette), "palette-apps.png");

  search_palette (palette, "slack send");
  row = palette_row (palette, "slack.send-message");
  g_assert_nonnull (row);
  g_signal_emit_by_name (conduit_palette_get_list (palette), "row-activated", row);

  step = conduit_graph_view_get_selected_node (graph);
  g_assert_nonnull (step);
  g_assert_cmpstr (conduit_node_get_connector_id (step), ==, "slack.send-message");
  g_assert_true (conduit_inspector_get_node (inspector) == step);

  /* the inspector shows the connection and the operation's own fields (an empty one takes the
   * item's field of the same name, so a required one is not flagged before the run) */
  g_assert_nonnull (conduit_inspector_get_setting_row (inspector, "credential"));
  g_assert_nonnull (conduit_inspector_get_setting_row (inspector, "channel"));
  g_assert_nonnull (conduit_inspector_get_setting_row (inspector, "text"));
  g_assert_nonnull (conduit_inspector_get_setting_row (inspector, "thread_ts"));
  g_assert_null (conduit_inspector_get_setting_row (inspector, "url"));

  link = conduit_link_new ("start", "out", conduit_node_get_id (step), "in");
  conduit_undo_stack_add_link (conduit_document_get_undo_stack (document), link);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 1);
  return step;
}

static ConduitRun *
run_flow (Fixture *fixture)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  g_assert_true (test_spin_until (editor_is_idle, editor, 20));
  g_assert_nonnull (conduit_editor_get_last_run (editor));
  return conduit_editor_get_last_run (editor);
}

static void
test_send_message (Fixture       *fixture,
                   gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitInspector *inspector = conduit_editor_get_inspector (editor);
  ConduitNode *step = add_slack_step (fixture);
  ConduitRun *run;
  GPtrArray *out;
  JsonObject *result;

  /* map the item into the operation's fields: a field by name, and a message around another */
  type_into (inspector, "credential", "slack-bot");
  type_into (inspector, "channel", "{{ room }}");
  type_into (inspector, "text", "Order {{ order_id }} shipped");
  g_assert_cmpstr (conduit_node_get_setting_string (step, "channel"), ==, "{{ room }}");
  g_assert_cmpstr (conduit_node_get_setting_string (step, "text"), ==, "Order {{ order_id }} shipped");
  test_spin_for (400);  /* the entry rows' labels finish moving up */
  test_save_shot (GTK_WIDGET (inspector), "app-step-inspector.png");

  run = run_flow (fixture);
  for (guint i = 0; i < fixture->problems->len; i++)
    g_printerr ("the Slack mock: %s\n", (char *)g_ptr_array_index (fixture->problems, i));
  g_assert_cmpuint (fixture->problems->len, ==, 0);
  g_assert_cmpuint (fixture->n_requests, ==, 1);
  g_assert_cmpstr (fixture->channel, ==, "C123ABC456");
  g_assert_cmpstr (fixture->text, ==, "Order 1042 shipped");

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  out = conduit_run_get_node_output (run, conduit_node_get_id (step), "out");
  g_assert_nonnull (out);
  g_assert_cmpuint (out->len, ==, 1);
  result = json_node_get_object (g_ptr_array_index (out, 0));
  g_assert_cmpstr (json_object_get_string_member (result, "ts"), ==, "1503435956.000247");
}

/* A required field the item cannot fill: the item goes to the error port naming the field,
 * and nothing is sent to Slack. */
static void
test_required_field_missing (Fixture       *fixture,
                             gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitInspector *inspector = conduit_editor_get_inspector (editor);
  ConduitNode *step = add_slack_step (fixture);
  g_autofree char *failure = NULL;
  ConduitRun *run;
  GPtrArray *failed;

  type_into (inspector, "credential", "slack-bot");
  type_into (inspector, "channel", "{{ room }}");
  /* no text, and the item has no field called text */

  run = run_flow (fixture);
  g_assert_cmpuint (fixture->n_requests, ==, 0);
  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_SUCCEEDED);
  failed = conduit_run_get_node_output (run, conduit_node_get_id (step), "error");
  g_assert_nonnull (failed);
  g_assert_cmpuint (failed->len, ==, 1);
  failure = json_to_string (g_ptr_array_index (failed, 0), FALSE);
  g_assert_nonnull (strstr (failure, "text"));
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

  g_test_add ("/conduit/app-step/send-message", Fixture, NULL, fixture_setup, test_send_message,
              fixture_teardown);
  g_test_add ("/conduit/app-step/required-field-missing", Fixture, NULL, fixture_setup,
              test_required_field_missing, fixture_teardown);

  return g_test_run ();
}
