/* test-pins-editor.c — pinned output and Run This Step in the window (issue #20)
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
#include "conduit-mapping-editor.h"
#include "conduit-pin-panel.h"
#include "conduit-resources.h"
#include "conduit-run-panel.h"
#include "conduit-window.h"
#include "test-util.h"
#include "test-screenshot.h"

/* The buttons are found in the widget tree by their label and role, as a screen reader user
 * finds them, and clicked; the CRM is a libsoup server on 127.0.0.1 that counts its requests,
 * so "nothing upstream was called" is a count that stays put. */

typedef struct
{
  SoupServer          *server;
  char                *base_url;
  guint                requests;
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
  static const char body[] = "{\"id\": 7, \"created\": true}";

  fixture->requests++;
  if (!g_str_equal (path, "/contacts"))
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 201, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  GSList *uris;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, NULL, server_cb, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  fixture->history_dir = g_dir_make_tmp ("conduit-pins-editor-XXXXXX", &error);
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

  json = g_strdup_printf (
    "{\"version\": 1, \"name\": \"Pins\", \"nodes\": ["
    " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "  \"settings\": {\"items\": [{\"name\": \"Ada\"}]}},"
    " {\"id\": \"crm\", \"type\": \"http-request\", \"title\": \"Create contact\","
    "  \"position\": [300, 0],"
    "  \"settings\": {\"method\": \"POST\", \"url\": \"%s/contacts\", \"max_attempts\": 1}},"
    " {\"id\": \"map\", \"type\": \"mapping\", \"title\": \"Contact id\", \"position\": [600, 0],"
    "  \"settings\": {}, \"mapping\": {\"rows\": ["
    "    {\"destination\": \"contact_id\", \"field\": \"response.body.id\"}]}}],"
    " \"links\": [{\"from\": \"start\", \"from_port\": \"out\", \"to\": \"crm\", \"to_port\": \"in\"},"
    "             {\"from\": \"crm\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\"}]}",
    fixture->base_url);
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_strdup (conduit_history_store_get_path (fixture->history));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);

  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_free (fixture->base_url);

  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->history_dir);
  g_free (fixture->history_dir);
}

static ConduitEditor *
editor_of (Fixture *fixture)
{
  return conduit_window_get_editor (fixture->window);
}

static ConduitFlow *
flow_of (Fixture *fixture)
{
  return conduit_document_get_flow (conduit_window_get_document (fixture->window));
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

static void
spin_while_running (Fixture *fixture)
{
  g_assert_true (test_spin_until (editor_is_idle, editor_of (fixture), 20));
}

static ConduitPinPanel *
select_node (Fixture    *fixture,
             const char *node_id)
{
  ConduitEditor *editor = editor_of (fixture);
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));

  conduit_graph_view_select_node (view, conduit_flow_lookup_node (flow_of (fixture), node_id));
  test_spin_idle ();
  return CONDUIT_PIN_PANEL (conduit_editor_get_pin_panel (editor));
}

/* The visible button whose label reads @label, with the accessible role of a button. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autoptr(GString) text = g_string_new (gtk_button_get_label (GTK_BUTTON (widget)));

      g_string_replace (text, "_", "", 0);
      if (g_str_equal (text->str, label))
        {
          g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_ROLE_BUTTON));
          return widget;
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Clicks the button as a person would; it must be there and usable. */
static void
click (Fixture    *fixture,
       const char *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (fixture->window), label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  test_spin_idle ();
}

static gboolean
button_is_usable (Fixture    *fixture,
                  const char *label)
{
  GtkWidget *button = find_button (GTK_WIDGET (fixture->window), label);

  return button != NULL && gtk_widget_is_sensitive (button);
}

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

static gboolean
card_shows_pinned (Fixture    *fixture,
                   const char *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor_of (fixture)));
  ConduitGraphNode *card = conduit_graph_view_get_card (view, conduit_flow_lookup_node (flow_of (fixture),
                                                                                        node_id));

  g_assert_nonnull (card);
  return widget_shows (GTK_WIDGET (card), "Pinned");
}

static char *
pinned_text (Fixture    *fixture,
             const char *node_id)
{
  JsonNode *pinned = conduit_node_get_pinned (conduit_flow_lookup_node (flow_of (fixture), node_id));

  return pinned != NULL ? json_to_string (pinned, FALSE) : NULL;
}

/* Run, Pin This Output on the HTTP step, the badge on its card; a second run sends the pinned
 * items on without calling the CRM and the history says "pinned"; undo and Unpin. */
static void
test_pin_unpin (Fixture       *fixture,
                gconstpointer  data)
{
  ConduitUndoStack *undo = conduit_document_get_undo_stack (conduit_window_get_document (fixture->window));
  ConduitPinPanel *panel = select_node (fixture, "crm");
  g_autofree char *pinned = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) error = NULL;
  ConduitRun *run;

  g_assert_cmpstr (conduit_pin_panel_get_status_text (panel), ==,
                   "Not pinned: test runs run this step.");
  /* nothing has run yet: there is no output to pin */
  g_assert_false (button_is_usable (fixture, "Pin This Output"));
  g_assert_false (button_is_usable (fixture, "Unpin"));
  g_assert_false (card_shows_pinned (fixture, "crm"));

  conduit_editor_start_run (editor_of (fixture));
  spin_while_running (fixture);
  g_assert_cmpuint (fixture->requests, ==, 1);

  click (fixture, "Pin This Output");
  pinned = pinned_text (fixture, "crm");
  g_assert_nonnull (pinned);
  g_test_message ("pinned: %s", pinned);
  g_assert_true (g_str_has_prefix (pinned, "{\"out\":[{\"name\":\"Ada\",\"response\":{\"status\":201,"));
  g_assert_nonnull (strstr (pinned, "\"body\":{\"id\":7,\"created\":true}"));
  g_assert_cmpstr (conduit_pin_panel_get_status_text (panel), ==,
                   "Pinned: 1 item on “out”. Test runs send it on instead of running this step.");
  g_assert_true (card_shows_pinned (fixture, "crm"));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==,
                   "Pin the output of “Create contact”");
  test_save_shot (GTK_WIDGET (fixture->window), "pins-editor-pinned");

  /* a test run with the pin: the CRM is not called, map gets the pinned item */
  conduit_editor_start_run (editor_of (fixture));
  spin_while_running (fixture);
  g_assert_cmpuint (fixture->requests, ==, 1);
  run = conduit_editor_get_last_run (editor_of (fixture));
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (conduit_run_get_node_state (run, "crm"), ==, "pinned");
  g_assert_cmpstr (conduit_run_panel_get_status_text (CONDUIT_RUN_PANEL (conduit_editor_get_run_panel (editor_of (fixture)))),
                   ==, "Not run: its pinned data was sent on");
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  steps = conduit_history_store_list_steps (fixture->history, conduit_run_get_id (run), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      if (g_str_equal (step->node_id, "crm") && step->attempt == 0)
        g_assert_cmpstr (step->status, ==, "pinned");
    }

  conduit_undo_stack_undo (undo);
  test_spin_idle ();
  g_assert_null (conduit_node_get_pinned (conduit_flow_lookup_node (flow_of (fixture), "crm")));
  g_assert_false (card_shows_pinned (fixture, "crm"));
  conduit_undo_stack_redo (undo);
  test_spin_idle ();
  g_assert_true (card_shows_pinned (fixture, "crm"));

  click (fixture, "Unpin");
  g_assert_null (conduit_node_get_pinned (conduit_flow_lookup_node (flow_of (fixture), "crm")));
  g_assert_false (card_shows_pinned (fixture, "crm"));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==, "Unpin “Create contact”");
}

/* A past run opened from the history (shown on the canvas) offers its outputs to pin, as the
 * history kept them, though this editor has no test run of its own. */
static void
test_pin_from_past_run (Fixture       *fixture,
                        gconstpointer  data)
{
  ConduitEditor *editor = editor_of (fixture);
  g_autoptr(ConduitDocument) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pinned = NULL;
  gint64 run_id;

  conduit_editor_start_run (editor);
  spin_while_running (fixture);
  run_id = conduit_run_get_id (conduit_editor_get_last_run (editor));
  g_assert_cmpint (run_id, >, 0);
  g_assert_true (conduit_history_store_flush (fixture->history, &error));

  /* the same flow opened again: no test run of its own, nothing to pin */
  reopened = conduit_document_new (flow_of (fixture), NULL);
  conduit_window_set_document (fixture->window, reopened);
  select_node (fixture, "crm");
  g_assert_false (button_is_usable (fixture, "Pin This Output"));

  g_assert_true (conduit_editor_show_past_run (editor, fixture->history, run_id, &error));
  g_assert_no_error (error);
  test_spin_idle ();
  click (fixture, "Pin This Output");
  pinned = pinned_text (fixture, "crm");
  g_assert_nonnull (pinned);
  g_assert_nonnull (strstr (pinned, "\"body\":{\"id\":7,\"created\":true}"));

  /* Back to Editing: the past run's outputs go with it */
  conduit_editor_leave_past_run (editor);
  test_spin_idle ();
  g_assert_false (button_is_usable (fixture, "Pin This Output"));
  g_assert_cmpuint (fixture->requests, ==, 1);
}

/* Edit Pinned Data: a typing mistake is named with its line and column as in the sample box,
 * Pin stays unusable; a good list pins on the main output; undo takes it back. */
static void
test_edit_pinned (Fixture       *fixture,
                  gconstpointer  data)
{
  ConduitUndoStack *undo = conduit_document_get_undo_stack (conduit_window_get_document (fixture->window));
  ConduitPinPanel *panel = select_node (fixture, "crm");
  g_autofree char *pinned = NULL;

  click (fixture, "Edit Pinned Data");
  /* the box is labelled for a screen reader, and described by the error under it */
  {
    GtkWidget *view = gtk_window_get_focus (GTK_WINDOW (fixture->window));
    g_autofree char *differs = NULL;

    g_assert_true (GTK_IS_TEXT_VIEW (view));
    differs = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view),
                                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "Pinned data");
    g_assert_null (differs);
    g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (view),
                                                     GTK_ACCESSIBLE_RELATION_DESCRIBED_BY));
  }
  conduit_pin_panel_set_edit_text (panel, "[\n  { \"status\": 201, }\n]");
  test_spin_idle ();
  g_assert_cmpstr (conduit_pin_panel_get_error_text (panel), ==,
                   "Line 2, column 18: a comma comes after the last value; remove it");
  g_assert_false (button_is_usable (fixture, "Pin"));
  test_save_shot (GTK_WIDGET (fixture->window), "pins-editor-edit-error");

  conduit_pin_panel_set_edit_text (panel, "{ \"result\": [] }");
  test_spin_idle ();
  g_assert_nonnull (strstr (conduit_pin_panel_get_error_text (panel),
                            "“result” is not an output of HTTP Request"));

  conduit_pin_panel_set_edit_text (panel, "[ { \"status\": 201, \"body\": { \"id\": 42 } } ]");
  test_spin_idle ();
  g_assert_cmpstr (conduit_pin_panel_get_error_text (panel), ==, "");
  click (fixture, "Pin");
  pinned = pinned_text (fixture, "crm");
  g_assert_cmpstr (pinned, ==, "{\"out\":[{\"status\":201,\"body\":{\"id\":42}}]}");
  g_assert_true (card_shows_pinned (fixture, "crm"));
  g_assert_cmpstr (conduit_undo_stack_get_undo_label (undo), ==,
                   "Pin the output of “Create contact”");

  conduit_undo_stack_undo (undo);
  test_spin_idle ();
  g_assert_null (conduit_node_get_pinned (conduit_flow_lookup_node (flow_of (fixture), "crm")));
  g_assert_cmpuint (fixture->requests, ==, 0);
}

/* Run This Step: with nothing before it to run on it says so; on the pinned data of the step
 * before it (from the card's menu this time) runs the map alone (the CRM is not called) and
 * the run panel shows its output. */
static void
test_run_step (Fixture       *fixture,
               gconstpointer  data)
{
  ConduitPinPanel *panel = select_node (fixture, "map");
  ConduitRunPanel *run_panel = CONDUIT_RUN_PANEL (conduit_editor_get_run_panel (editor_of (fixture)));
  g_autoptr(JsonNode) pins = json_from_string ("{\"out\": [{\"response\": {\"body\": {\"id\": 42}}}, {\"response\": {\"body\": {\"id\": 43}}}]}",
                                               NULL);
  g_autofree char *output = NULL;
  ConduitRun *run;

  click (fixture, "Run This Step");
  spin_while_running (fixture);
  g_assert_true (g_str_has_prefix (conduit_pin_panel_get_message_text (panel),
                                   "“Contact id” has no input to run on: “Create contact” before "
                                   "it has neither pinned data nor output"));
  g_assert_null (conduit_editor_get_last_run (editor_of (fixture)));

  conduit_undo_stack_set_pinned (conduit_document_get_undo_stack (conduit_window_get_document (fixture->window)),
                                 conduit_flow_lookup_node (flow_of (fixture), "crm"), pins);
  /* this time from the card's menu, which offers it */
  {
    g_autoptr(GMenuModel) menu = _conduit_graph_view_build_context_menu (TRUE);
    GtkWidget *view = conduit_editor_get_graph_view (editor_of (fixture));
    gboolean found = FALSE;

    for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
      {
        g_autofree char *action = NULL;

        g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
        found |= g_strcmp0 (action, "editor.run-step") == 0;
      }
    g_assert_true (found);
    g_assert_true (gtk_widget_activate_action (view, "editor.run-step", NULL));
  }
  spin_while_running (fixture);
  g_assert_cmpstr (conduit_pin_panel_get_message_text (panel), ==, "");
  run = conduit_editor_get_last_run (editor_of (fixture));
  g_assert_nonnull (run);
  g_assert_cmpstr (conduit_run_get_step_id (run), ==, "map");
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fixture->requests, ==, 0);
  output = conduit_run_panel_dup_output_text (run_panel);
  g_test_message ("output: %s", output);
  g_assert_nonnull (strstr (output, "\"contact_id\" : 42"));
  g_assert_nonnull (strstr (output, "\"contact_id\" : 43"));
}

/* The mapping table of the step after a pinned one offers the pinned items as its samples,
 * and follows a change of them. */
static void
test_mapping_samples (Fixture       *fixture,
                      gconstpointer  data)
{
  ConduitDocument *document = conduit_window_get_document (fixture->window);
  ConduitNode *crm = conduit_flow_lookup_node (flow_of (fixture), "crm");
  g_autoptr(JsonNode) pins = json_from_string ("{\"out\": [{\"response\": {\"body\": {\"id\": 42}}}, {\"response\": {\"body\": {\"id\": 43}}}]}",
                                               NULL);
  g_autoptr(JsonNode) fewer = json_from_string ("{\"out\": [{\"response\": {\"body\": {\"id\": 44}}}]}", NULL);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ConduitMappingEditor *editor = CONDUIT_MAPPING_EDITOR (conduit_mapping_editor_new ());

  gtk_window_set_child (window, GTK_WIDGET (editor));
  gtk_window_set_default_size (window, 1200, 700);
  conduit_mapping_editor_set_node (editor, document, conduit_flow_lookup_node (flow_of (fixture), "map"));
  gtk_window_present (window);
  test_spin_idle ();
  /* no pins: the trigger's one sample */
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (editor), ==, 1);
  g_assert_true (widget_shows (GTK_WIDGET (editor), "Sample items of “start”"));

  conduit_undo_stack_set_pinned (conduit_document_get_undo_stack (document), crm, pins);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (editor), ==, 2);
  g_assert_true (widget_shows (GTK_WIDGET (editor), "Pinned data of “Create contact”"));
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (editor), ==,
                   "2 would be sent, 0 rejected");

  conduit_undo_stack_set_pinned (conduit_document_get_undo_stack (document), crm, fewer);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (editor), ==, 1);

  gtk_window_destroy (window);
  test_spin_idle ();
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

  g_test_add ("/conduit/pins-editor/pin-unpin", Fixture, NULL, fixture_setup, test_pin_unpin,
              fixture_teardown);
  g_test_add ("/conduit/pins-editor/past-run", Fixture, NULL, fixture_setup,
              test_pin_from_past_run, fixture_teardown);
  g_test_add ("/conduit/pins-editor/edit", Fixture, NULL, fixture_setup, test_edit_pinned,
              fixture_teardown);
  g_test_add ("/conduit/pins-editor/run-step", Fixture, NULL, fixture_setup, test_run_step,
              fixture_teardown);
  g_test_add ("/conduit/pins-editor/mapping-samples", Fixture, NULL, fixture_setup,
              test_mapping_samples, fixture_teardown);

  return g_test_run ();
}
