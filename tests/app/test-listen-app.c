/* test-listen-app.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "conduit-activation.h"
#include "conduit-graph-view.h"
#include "conduit-resources.h"
#include "conduit-test-listener.h"
#include "conduit-window.h"
#include "graph-test-common.h"
#include "test-screenshot.h"
#include "test-util.h"

/* "Listen for a Test Event" under a webhook trigger and the header bar's "Active" switch, in a
 * window, found and pressed through the accessibility tree. The test sends its events to the
 * flow's address on 127.0.0.1 and reads the history the runs go into. */

typedef struct
{
  char                *dir;
  char                *flow_path;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitClock        *clock;
  ConduitWindow       *window;
  SoupSession         *client;
  guint                port;
  guint                finished;
} Fixture;

static void
run_finished_cb (ConduitRunner *runner,
                 ConduitRun    *run,
                 Fixture       *fixture)
{
  fixture->finished++;
}

/* A port nobody listens on now, for the flow's own address. */
static guint
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-listen-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.sqlite", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);
  /* Schedules fire on this clock when the test moves it. */
  fixture->clock = conduit_clock_new_fake (g_get_real_time ());
  conduit_runner_set_clock (fixture->runner, fixture->clock);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
  g_signal_connect (fixture->runner, "run-finished", G_CALLBACK (run_finished_cb), fixture);

  fixture->client = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->client, NULL);
  fixture->port = free_port ();
  fixture->flow_path = g_build_filename (fixture->dir, "signups.conduit", NULL);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  conduit_editor_set_runner (conduit_window_get_editor (fixture->window), fixture->runner);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->runner, fixture);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);

  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->clock);
  g_clear_object (&fixture->client);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->flow_path);
}

/* Writes the flow file (a webhook on the fixture's port into Map Fields, or @other_nodes in
 * its place) and opens it in the window. */
static ConduitDocument *
open_flow (Fixture    *fixture,
           const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;

  g_file_set_contents (fixture->flow_path, json, -1, &error);
  g_assert_no_error (error);
  flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, file);
  conduit_window_set_document (fixture->window, document);
  return conduit_window_get_document (fixture->window);
}

static char *
signup_json (guint port)
{
  return g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Sign-ups\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"title\": \"Web form\","
    "    \"position\": [0, 0], \"settings\": { \"path\": \"/hooks/signup\", \"port\": %u } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [300, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(email))\", \"required\": true },"
    "      { \"destination\": \"source\", \"expression\": \"'web form'\" } ] } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }",
    port);
}

static ConduitDocument *
open_signup_flow (Fixture *fixture)
{
  g_autofree char *json = signup_json (fixture->port);

  return open_flow (fixture, json);
}

static void
select_node (Fixture    *fixture,
             const char *id)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitFlow *flow = conduit_document_get_flow (conduit_window_get_document (fixture->window));

  conduit_graph_view_select_node (CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor)),
                                  conduit_flow_lookup_node (flow, id));
  test_spin_idle ();
}

/* The first visible widget of @type under @widget whose accessible label is @name: what a
 * screen reader finds. */
static GtkWidget *
find_named (GtkWidget  *widget,
            GType       type,
            const char *name)
{
  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      gboolean labelled = gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                                            GTK_ACCESSIBLE_PROPERTY_LABEL);
      g_autofree char *differs =
        labelled ? gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL, name)
                 : NULL;

      /* A button without an explicit name is read by its label. */
      if ((labelled && differs == NULL) ||
          (!labelled && GTK_IS_BUTTON (widget) &&
           g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), name) == 0))
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
press (Fixture    *fixture,
       const char *name)
{
  GtkWidget *button = find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, name);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  test_spin_idle ();
}

static ConduitTestListener *
listener (Fixture *fixture)
{
  return CONDUIT_TEST_LISTENER (
    conduit_editor_get_test_listener (conduit_window_get_editor (fixture->window)));
}

static GtkSwitch *
active_switch (Fixture *fixture)
{
  GtkWidget *toggle = find_named (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, "Active");

  g_assert_nonnull (toggle);
  return GTK_SWITCH (toggle);
}

typedef struct
{
  guint    status;
  char    *body;
  gboolean done;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->done = TRUE;
}

static gboolean
reply_done (gpointer data)
{
  return ((Reply *)data)->done;
}

static guint
post (Fixture     *fixture,
      const char  *body,
      char       **answer)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/hooks/signup", fixture->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { 0 };

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Sender", "web form");
  soup_session_send_and_read_async (fixture->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb,
                                    &reply);
  g_assert_true (test_spin_until (reply_done, &reply, 20));
  if (answer != NULL)
    *answer = g_steal_pointer (&reply.body);
  g_free (reply.body);
  return reply.status;
}

static gboolean
connection_refused (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16)port, NULL, &error);
  return connection == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static char *
view_text (GtkWidget  *root,
           const char *name)
{
  GtkWidget *view = find_named (root, GTK_TYPE_TEXT_VIEW, name);
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_assert_nonnull (view);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static gboolean
has_event (gpointer data)
{
  return conduit_test_listener_get_event (data) != NULL;
}

static gboolean
saved_as_test (gpointer data)
{
  const char *status = conduit_test_listener_get_status_text (data);

  return status != NULL && (g_str_has_prefix (status, "Saved as a test") ||
                            g_str_has_prefix (status, "The test was not saved"));
}

typedef struct
{
  gboolean done;
  GError  *error;
} Saved;

static void
document_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Saved *saved = user_data;

  conduit_document_save_finish (CONDUIT_DOCUMENT (object), result, &saved->error);
  saved->done = TRUE;
}

static gboolean
saved_done (gpointer data)
{
  return ((Saved *)data)->done;
}

static void
save_document (ConduitDocument *document)
{
  Saved saved = { 0 };

  conduit_document_save_async (document, NULL, NULL, document_saved_cb, &saved);
  g_assert_true (test_spin_until (saved_done, &saved, 20));
  g_assert_no_error (saved.error);
}

/* Listen → the test POSTs to the flow's own URL → the event shows with its headers and items,
 * nothing runs; Use as Sample is undoable and saved with the flow; Save as Test Fixture writes
 * the flow's tests file. */
static void
test_listen_event (Fixture       *fixture,
                   gconstpointer  data)
{
  ConduitDocument *document = open_signup_flow (fixture);
  ConduitTestListener *the_listener = listener (fixture);
  g_autofree char *expected_url = g_strdup_printf ("http://127.0.0.1:%u/hooks/signup",
                                                   fixture->port);
  g_autofree char *answer = NULL;
  g_autofree char *headers = NULL;
  g_autofree char *items = NULL;
  g_autofree char *saved_items = NULL;
  g_autofree char *tests_path = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitFlow) reopened = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;
  ConduitNode *hook;
  JsonNode *sample;
  GtkWidget *fixture_button;

  /* Only a webhook trigger has it. */
  select_node (fixture, "map");
  g_assert_null (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                             "Listen for Test Event"));
  select_node (fixture, "hook");
  press (fixture, "Listen for Test Event");
  g_assert_true (conduit_test_listener_get_listening (the_listener));
  /* one URL: the flow's own, as Active and serve use it */
  g_assert_cmpstr (conduit_test_listener_get_url (the_listener), ==, expected_url);
  g_assert_true (g_str_has_prefix (conduit_test_listener_get_status_text (the_listener),
                                   "Listening for a test event — nothing runs."));
  g_assert_nonnull (strstr (conduit_test_listener_get_status_text (the_listener), expected_url));
  g_assert_nonnull (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON, "Stop Listening"));

  g_assert_cmpuint (post (fixture, "{\"email\": \" Ada@Example.org \", \"plan\": \"team\"}",
                          &answer), ==, 202);
  g_assert_nonnull (strstr (answer, "nothing ran"));
  g_assert_true (test_spin_until (has_event, the_listener, 10));

  /* shown in the inspector, headers and items */
  headers = view_text (GTK_WIDGET (fixture->window), "Headers of the test event");
  g_assert_nonnull (strstr (headers, "X-Sender: web form"));
  items = view_text (GTK_WIDGET (fixture->window), "Items of the test event");
  g_assert_nonnull (strstr (items, "\" Ada@Example.org \""));
  g_assert_nonnull (strstr (items, "\"team\""));
  /* one event, and the port is free again; nothing ran */
  g_assert_false (conduit_test_listener_get_listening (the_listener));
  g_assert_true (connection_refused (fixture->port));
  g_assert_true (conduit_history_store_flush (fixture->history, NULL));
  g_assert_cmpuint (conduit_history_store_count_runs (fixture->history, NULL, NULL), ==, 0);

  /* the text views lay their text out in idle time */
  test_spin_for (500);
  test_save_shot (GTK_WIDGET (the_listener), "listen-test-event.png");

  /* Use as Sample: the trigger's sample, one undoable edit */
  hook = conduit_flow_lookup_node (conduit_document_get_flow (document), "hook");
  press (fixture, "Use as Sample");
  sample = conduit_node_get_setting (hook, "items");
  g_assert_nonnull (sample);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (sample)), ==, 1);
  g_assert_true (conduit_document_get_modified (document));
  conduit_undo_stack_undo (conduit_document_get_undo_stack (document));
  sample = conduit_node_get_setting (hook, "items");
  g_assert_true (sample == NULL || json_array_get_length (json_node_get_array (sample)) == 0);
  conduit_undo_stack_redo (conduit_document_get_undo_stack (document));

  /* persists after save and reopen */
  save_document (document);
  reopened = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, NULL,
                                         NULL, &error);
  g_assert_no_error (error);
  saved_items = json_to_string (conduit_node_get_setting (conduit_flow_lookup_node (reopened,
                                                                                    "hook"),
                                                          "items"), FALSE);
  g_assert_nonnull (strstr (saved_items, " Ada@Example.org "));

  /* Save as Test Fixture: a test in the flow's tests file, as `conduit-cli test save` writes;
   * pressed from the keyboard, the button has the focus again once the test is saved */
  fixture_button = find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                               "Save as Test Fixture");
  g_assert_nonnull (fixture_button);
  g_assert_true (gtk_widget_grab_focus (fixture_button));
  press (fixture, "Save as Test Fixture");
  g_assert_true (test_spin_until (saved_as_test, the_listener, 20));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (fixture->window)) == fixture_button);
  g_assert_true (g_str_has_prefix (conduit_test_listener_get_status_text (the_listener),
                                   "Saved as a test"));
  tests_path = conduit_flow_test_path_for_flow (fixture->flow_path);
  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 1);
  {
    ConduitFlowTest *test = g_ptr_array_index (tests, 0);
    g_autofree char *expected = json_to_string (test->expected, FALSE);
    g_autofree char *fixture_item = json_to_string (g_ptr_array_index (test->trigger_items, 0),
                                                    FALSE);

    g_assert_cmpstr (test->trigger_node, ==, "hook");
    g_assert_nonnull (strstr (fixture_item, " Ada@Example.org "));
    g_assert_nonnull (strstr (expected, "ada@example.org"));
  }
}

static gboolean
not_listening (gpointer data)
{
  return !conduit_test_listener_get_listening (data);
}

/* Listening lasts as long as it says; then the port is closed and it says why. */
static void
test_listen_timeout (Fixture       *fixture,
                     gconstpointer  data)
{
  ConduitTestListener *the_listener = listener (fixture);

  open_signup_flow (fixture);
  select_node (fixture, "hook");
  conduit_test_listener_set_duration (the_listener, 1);
  press (fixture, "Listen for Test Event");
  g_assert_true (conduit_test_listener_get_listening (the_listener));
  g_assert_false (connection_refused (fixture->port));
  g_assert_nonnull (strstr (conduit_test_listener_get_status_text (the_listener),
                            "(stops in 0:01)"));

  g_assert_true (test_spin_until (not_listening, the_listener, 10));
  g_assert_cmpstr (conduit_test_listener_get_status_text (the_listener), ==,
                   "Stopped listening: no event came within 1 second.");
  g_assert_true (connection_refused (fixture->port));
  g_assert_nonnull (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                                "Listen for Test Event"));
}

static gboolean
runner_idle (gpointer data)
{
  return conduit_runner_get_n_active (data) == 0;
}

static gboolean
one_run_finished (gpointer data)
{
  return ((Fixture *)data)->finished >= 1;
}

/* Active serves the saved flow like serve: an event is a run in the history with the mapped
 * output; the subtitle says so; listening is refused meanwhile; edits wait for Save; off (and
 * closing the flow) closes the port. */
static void
test_activate_webhook (Fixture       *fixture,
                       gconstpointer  data)
{
  ConduitDocument *document = open_signup_flow (fixture);
  ConduitActivation *activation = conduit_window_get_activation (fixture->window);
  g_autofree char *serving = g_strdup_printf ("Active — each event sent to "
                                              "http://127.0.0.1:%u/hooks/signup runs the flow",
                                              fixture->port);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *answer = NULL;
  GtkWidget *listen_button;
  gboolean mapped = FALSE;
  gint64 run_id;

  g_assert_true (connection_refused (fixture->port));
  gtk_switch_set_active (active_switch (fixture), TRUE);
  test_spin_idle ();
  g_assert_true (conduit_activation_get_active (activation));
  g_assert_cmpstr (conduit_activation_get_status (activation), ==, serving);
  /* the window's subtitle says it too */
  g_assert_cmpstr (adw_window_title_get_subtitle (
                     ADW_WINDOW_TITLE (adw_header_bar_get_title_widget (
                       ADW_HEADER_BAR (gtk_widget_get_ancestor (GTK_WIDGET (activation),
                                                                ADW_TYPE_HEADER_BAR))))),
                   ==, serving);
  /* the start page's crossfade to the editor ends first (on a busy machine it was caught
   * half way) */
  test_spin_for (1000);
  test_save_shot (GTK_WIDGET (fixture->window), "flow-active.png");

  g_assert_cmpuint (post (fixture, "{\"email\": \" Grace@Example.org \"}", &answer), ==, 202);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  run_id = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)),
                                       "run_id");
  g_assert_cmpint (run_id, >, 0);
  g_assert_true (test_spin_until (one_run_finished, fixture, 20));
  g_assert_true (conduit_history_store_flush (fixture->history, NULL));
  run = conduit_history_store_get_run (fixture->history, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (run->flow, ==, "Sign-ups");
  g_assert_cmpstr (run->trigger_kind, ==, "webhook");
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  items = conduit_history_store_list_items (fixture->history, run_id, "map", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (item->is_output && g_str_equal (item->port, "out"))
        mapped = strstr (item->data, "\"grace@example.org\"") != NULL;
    }
  g_assert_true (mapped);

  /* Listening would take the same address: not offered while Active, and the line under the
   * button says why before anyone presses it; asked anyway, it is refused, saying why. */
  select_node (fixture, "hook");
  listen_button = find_named (GTK_WIDGET (fixture->window), GTK_TYPE_BUTTON,
                              "Listen for Test Event");
  g_assert_nonnull (listen_button);
  g_assert_false (gtk_widget_is_sensitive (listen_button));
  g_assert_true (g_str_has_prefix (conduit_test_listener_get_status_text (listener (fixture)),
                                   "The flow is Active: each event sent to its address runs the "
                                   "flow."));
  g_assert_false (conduit_test_listener_start (listener (fixture), &error));
  g_assert_nonnull (strstr (error->message, "cannot share a port"));
  g_clear_error (&error);
  g_assert_false (conduit_test_listener_get_listening (listener (fixture)));

  /* An edit is not served until saved. */
  conduit_undo_stack_set_title (conduit_document_get_undo_stack (document),
                                conduit_flow_lookup_node (conduit_document_get_flow (document),
                                                          "map"), "Clean up");
  test_spin_idle ();
  g_assert_nonnull (strstr (conduit_activation_get_status (activation), "save to apply"));
  save_document (document);
  test_spin_idle ();
  g_assert_true (conduit_activation_get_active (activation));
  g_assert_cmpstr (conduit_activation_get_status (activation), ==, serving);
  g_assert_cmpstr (conduit_node_get_title (conduit_flow_lookup_node (
                     conduit_flow_service_get_flow (conduit_activation_get_service (activation)),
                     "map")), ==, "Clean up");

  /* off: the port is closed, and listening is offered again */
  gtk_switch_set_active (active_switch (fixture), FALSE);
  test_spin_idle ();
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_true (connection_refused (fixture->port));
  g_assert_true (gtk_widget_is_sensitive (listen_button));
  g_assert_null (conduit_test_listener_get_status_text (listener (fixture)));

  /* on again, then the flow closes: off, port closed */
  gtk_switch_set_active (active_switch (fixture), TRUE);
  g_assert_true (conduit_activation_get_active (activation));
  g_assert_false (connection_refused (fixture->port));
  conduit_window_set_document (fixture->window, NULL);
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_true (connection_refused (fixture->port));
}

/* A schedule fires while Active, on the runner's clock, into the history. */
static void
test_activate_schedule (Fixture       *fixture,
                        gconstpointer  data)
{
  ConduitActivation *activation = conduit_window_get_activation (fixture->window);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  g_autofree char *first_status = NULL;
  gint64 next;

  open_flow (fixture,
             "{ \"version\": 1, \"name\": \"Ticks\", \"nodes\": ["
             "  { \"id\": \"tick\", \"type\": \"schedule-trigger\", \"position\": [0, 0],"
             "    \"settings\": { \"every_minutes\": 1 } } ], \"links\": [] }");
  gtk_switch_set_active (active_switch (fixture), TRUE);
  g_assert_true (conduit_activation_get_active (activation));
  g_assert_true (g_str_has_prefix (conduit_activation_get_status (activation),
                                   "Active, next scheduled run at "));
  next = conduit_flow_service_get_next_us (conduit_activation_get_service (activation));
  g_assert_cmpint (next, >, 0);
  first_status = g_strdup (conduit_activation_get_status (activation));

  /* The fake clock moves on by itself when the scheduler sleeps until its time. */
  g_assert_true (test_spin_until (one_run_finished, fixture, 20));
  /* the subtitle names the next run, not the one gone by */
  g_assert_true (g_str_has_prefix (conduit_activation_get_status (activation),
                                   "Active, next scheduled run at "));
  g_assert_cmpstr (conduit_activation_get_status (activation), !=, first_status);
  /* On the fake clock the next one is due at once: off, and let the run going on end. */
  gtk_switch_set_active (active_switch (fixture), FALSE);
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_true (test_spin_until (runner_idle, fixture->runner, 20));
  g_assert_true (conduit_history_store_flush (fixture->history, NULL));
  runs = conduit_history_store_list_runs (fixture->history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, >=, 1);
  for (guint i = 0; i < runs->len; i++)
    g_assert_cmpstr (((ConduitRunRecord *)g_ptr_array_index (runs, i))->trigger_kind, ==,
                     "schedule");
}

/* Refusals say what and where: a port another program holds (for Active and for listening),
 * a flow with problems, a flow never saved. */
static void
test_refusals (Fixture       *fixture,
               gconstpointer  data)
{
  ConduitActivation *activation = conduit_window_get_activation (fixture->window);
  g_autoptr(GSocketListener) squatter = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("port %u", fixture->port);
  g_autofree char *json = NULL;
  g_autoptr(ConduitDocument) untitled = conduit_document_new_untitled ();

  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback,
                                                                 (guint16)fixture->port);

  /* another program on the flow's port */
  g_socket_listener_add_address (squatter, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, NULL, &error);
  g_assert_no_error (error);

  open_signup_flow (fixture);
  gtk_switch_set_active (active_switch (fixture), TRUE);
  test_spin_idle ();
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_false (gtk_switch_get_active (active_switch (fixture)));
  g_assert_nonnull (strstr (conduit_activation_get_message (activation), port_text));

  select_node (fixture, "hook");
  press (fixture, "Listen for Test Event");
  g_assert_false (conduit_test_listener_get_listening (listener (fixture)));
  g_assert_nonnull (strstr (conduit_test_listener_get_status_text (listener (fixture)),
                            port_text));

  /* a flow check problem: a mapping expression cut short */
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Broken\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/broken\", \"port\": %u } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [300, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": [ { \"destination\": \"email\", \"expression\": \"lower(email\" } ] } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }",
    free_port ());
  /* saved with a problem, as the editor lets one save a flow half done */
  g_file_set_contents (fixture->flow_path, json, -1, &error);
  g_assert_no_error (error);
  gtk_switch_set_active (active_switch (fixture), TRUE);
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_nonnull (strstr (conduit_activation_get_message (activation),
                            "to fix before it can be Active"));
  g_assert_nonnull (strstr (conduit_activation_get_message (activation), "“map”"));

  conduit_window_set_document (fixture->window, untitled);
  gtk_switch_set_active (active_switch (fixture), TRUE);
  g_assert_false (conduit_activation_get_active (activation));
  g_assert_true (g_str_has_prefix (conduit_activation_get_message (activation),
                                   "Save the flow first"));
}

static gboolean
menu_has_action (GMenuModel *menu,
                 const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      if (section != NULL && menu_has_action (section, action))
        return TRUE;
    }
  return FALSE;
}

static GtkWidget *
find_menu_button (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* At 360 px the header bar has no room for the Active switch while it is off: the main menu
 * has it (there was no way to switch a flow Active on a narrow window). Wide, the item is
 * hidden, the switch being in sight. */
static void
test_narrow_menu_active (Fixture       *fixture,
                         gconstpointer  data)
{
  ConduitActivation *activation = conduit_window_get_activation (fixture->window);
  GtkWidget *menu_button;

  open_signup_flow (fixture);
  test_spin_idle ();
  menu_button = find_menu_button (GTK_WIDGET (fixture->window));
  g_assert_nonnull (menu_button);
  g_assert_true (menu_has_action (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button)),
                                  "win.flow-active"));

  /* wide: the switch is there, the menu's item is not offered */
  g_assert_nonnull (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, "Active"));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.flow-active", NULL);
  test_spin_idle ();
  g_assert_false (conduit_activation_get_active (activation));

  /* narrow: no switch; the menu's item switches the flow Active, and off again */
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 760);
  test_spin_for (500);
  test_spin_idle ();
  g_assert_null (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, "Active"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.flow-active",
                                             NULL));
  test_spin_idle ();
  g_assert_true (conduit_activation_get_active (activation));
  g_assert_false (connection_refused (fixture->port));
  /* Active, the switch is back in the header bar as the sign of it */
  g_assert_nonnull (find_named (GTK_WIDGET (fixture->window), GTK_TYPE_SWITCH, "Active"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.flow-active",
                                             NULL));
  test_spin_idle ();
  g_assert_false (conduit_activation_get_active (activation));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  /* GTK, libadwaita and the app's style sheet: the pictures show the app as it looks */
  graph_test_init (&argc, &argv);

  g_test_add ("/conduit/listen/app/listen-event", Fixture, NULL, fixture_set_up,
              test_listen_event, fixture_tear_down);
  g_test_add ("/conduit/listen/app/listen-timeout", Fixture, NULL, fixture_set_up,
              test_listen_timeout, fixture_tear_down);
  g_test_add ("/conduit/listen/app/activate-webhook", Fixture, NULL, fixture_set_up,
              test_activate_webhook, fixture_tear_down);
  g_test_add ("/conduit/listen/app/activate-schedule", Fixture, NULL, fixture_set_up,
              test_activate_schedule, fixture_tear_down);
  g_test_add ("/conduit/listen/app/refusals", Fixture, NULL, fixture_set_up, test_refusals,
              fixture_tear_down);
  g_test_add ("/conduit/listen/app/narrow-menu-active", Fixture, NULL, fixture_set_up,
              test_narrow_menu_active, fixture_tear_down);

  return g_test_run ();
}
