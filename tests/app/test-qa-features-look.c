/* test-qa-features-look.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "conduit-activation.h"
#include "conduit-graph-view.h"
#include "conduit-test-listener.h"
#include "conduit-tests-pane.h"
#include "conduit-window.h"
#include "graph-test-common.h"
#include "test-diff-table.h"
#include "test-screenshot.h"
#include "test-util.h"

/* Today's features as a person sees them, in English and in German, light and dark, on a
 * 1280 px and a 360 px window: a test event caught by Listen for Test Event, the Active switch
 * on, the Tests pane with a failed test. Nothing may be wider than its window (a row of two
 * German buttons was), and the German pages show German. With CONDUIT_SCREENSHOT_DIR set the
 * states are photographed as features-LANG-SCHEME-WIDTH-WHAT.png. */

typedef struct
{
  char                *dir;
  char                *flow_path;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitWindow       *window;
  guint                port;
} Fixture;

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

  fixture->dir = g_dir_make_tmp ("conduit-qa-look-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.sqlite", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
  fixture->port = free_port ();
  fixture->flow_path = g_build_filename (fixture->dir, "signups.conduit", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->flow_path);
  g_setenv ("LANGUAGE", "en", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
}

static ConduitDocument *
open_window (Fixture *fixture,
             int      width)
{
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (fixture->flow_path);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;

  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Sign-ups\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"title\": \"Web form\","
    "    \"position\": [0, 0], \"settings\": { \"path\": \"/hooks/signup\", \"port\": %u } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"title\": \"Map contact fields\","
    "    \"position\": [300, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"email\", \"expression\": \"lower(trim(email))\" },"
    "      { \"destination\": \"source\", \"expression\": \"'web form'\" } ] } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"map\","
    "                \"to_port\": \"in\" } ] }",
    fixture->port);
  g_file_set_contents (fixture->flow_path, json, -1, &error);
  g_assert_no_error (error);
  flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, file);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  conduit_editor_set_runner (conduit_window_get_editor (fixture->window), fixture->runner);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  conduit_window_set_document (fixture->window, document);
  test_spin_idle ();
  return conduit_window_get_document (fixture->window);
}

static void
close_window (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);
  fixture->window = NULL;
}

static void
shot (GtkWidget  *widget,
      const char *lang,
      gboolean    dark,
      int         width,
      const char *what)
{
  g_autofree char *name = g_strdup_printf ("features-%s-%s-%d-%s.png", lang,
                                           dark ? "dark" : "light", width, what);

  if (g_getenv ("CONDUIT_SCREENSHOT_DIR") != NULL)
    {
      test_spin_for (300);
      test_save_shot (widget, name);
    }
}

/* The widgets that need most of a narrow window, to say which one is too wide. */
static void
report_wide (GtkWidget *widget,
             int        depth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum = 0;

      if (!gtk_widget_get_visible (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      if (minimum > 300)
        {
          g_test_message ("%*s%s %s: %d", depth, "", G_OBJECT_TYPE_NAME (child),
                          gtk_widget_get_name (child), minimum);
          report_wide (child, depth + 1);
        }
    }
}

/* No widget needs more room than its window gives: what a 360 px window cuts off. */
static void
assert_fits (GtkWidget  *window,
             const char *what)
{
  int minimum = 0;

  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  /* the window's own width may be a few pixels short of its request under Xvfb */
  g_test_message ("%s: needs %d px, has %d", what, minimum, gtk_widget_get_width (window));
  if (minimum > MAX (360, gtk_widget_get_width (window)))
    report_wide (window, 0);
  g_assert_cmpint (minimum, <=, MAX (360, gtk_widget_get_width (window)));
}

/* Every control a person can reach in @widget has a name a screen reader can say: its own
 * accessible label, or a button's label. The window controls of a header bar are GTK's. */
static void
assert_named (GtkWidget  *widget,
              const char *where)
{
  if (!gtk_widget_get_visible (widget) || GTK_IS_WINDOW_CONTROLS (widget))
    return;
  if (GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_TEXT_VIEW (widget) ||
      GTK_IS_LIST_BOX_ROW (widget) || GTK_IS_EDITABLE (widget))
    {
      gboolean named = gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                                         GTK_ACCESSIBLE_PROPERTY_LABEL) ||
                       gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                                         GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
                       (GTK_IS_BUTTON (widget) &&
                        gtk_button_get_label (GTK_BUTTON (widget)) != NULL) ||
                       (ADW_IS_PREFERENCES_ROW (widget) &&
                        adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))[0] != '\0');

      if (!named)
        g_test_message ("%s: an unnamed %s (%s, parent %s)", where, G_OBJECT_TYPE_NAME (widget),
                        gtk_widget_get_name (widget),
                        G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)));
      g_assert_true (named);
      if (GTK_IS_BUTTON (widget) || GTK_IS_SWITCH (widget))
        return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_named (child, where);
}

static gboolean
has_event (gpointer data)
{
  return conduit_test_listener_get_event (data) != NULL;
}

typedef struct
{
  gboolean done;
  guint    status;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GBytes) bytes = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  reply->status = soup_message_get_status (soup_session_get_async_result_message (
                                             SOUP_SESSION (object), result));
  reply->done = TRUE;
}

static gboolean
reply_done (gpointer data)
{
  return ((Reply *)data)->done;
}

static guint
post (guint       port,
      const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/hooks/signup", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  Reply reply = { FALSE, 0 };

  soup_session_set_proxy_resolver (session, NULL);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &reply);
  g_assert_true (test_spin_until (reply_done, &reply, 20));
  return reply.status;
}

static gboolean
pane_idle (gpointer data)
{
  return conduit_tests_pane_get_n_running (data) == 0;
}

static gboolean
pane_has_tests (gpointer data)
{
  return conduit_tests_pane_get_n_tests (data) > 0;
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(gint64 *)user_data = conduit_flow_test_save_event_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
saved (gpointer data)
{
  return *(gint64 *)data != 0;
}

static void
use_language (const char *lang)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_setenv ("LANGUAGE", lang, TRUE);
  setlocale (LC_ALL, "C.UTF-8");
}

/* One pass: listen and catch an event, switch Active on, a failing test in the Tests pane. */
static void
walk (Fixture    *fixture,
      const char *lang,
      gboolean    dark,
      int         width)
{
  ConduitDocument *document = open_window (fixture, width);
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitTestListener *listener = CONDUIT_TEST_LISTENER (conduit_editor_get_test_listener (editor));
  ConduitActivation *activation = conduit_window_get_activation (fixture->window);
  ConduitFlow *flow = conduit_document_get_flow (document);
  g_autoptr(JsonNode) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("%s, %s, %d px", lang, dark ? "dark" : "light", width);
  ConduitTestsPane *pane;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                           : ADW_COLOR_SCHEME_FORCE_LIGHT);

  /* a test event: shown in the inspector */
  conduit_graph_view_select_node (CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor)),
                                  conduit_flow_lookup_node (flow, "hook"));
  test_spin_idle ();
  g_assert_true (conduit_test_listener_start (listener, &error));
  g_assert_no_error (error);
  shot (GTK_WIDGET (fixture->window), lang, dark, width, "listening");
  assert_fits (GTK_WIDGET (fixture->window), what);
  g_assert_cmpuint (post (fixture->port, "{\"email\": \" Ada@Example.org \"}"), ==, 202);
  g_assert_true (test_spin_until (has_event, listener, 10));
  test_spin_for (300);
  assert_named (GTK_WIDGET (listener), "the test listener");
  shot (GTK_WIDGET (fixture->window), lang, dark, width, "event");
  assert_fits (GTK_WIDGET (fixture->window), what);

  /* kept as a test, then Active */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-tests", NULL);
  pane = conduit_window_get_tests_pane (fixture->window);
  g_assert_nonnull (pane);
  if (width < 600)
    gtk_window_set_default_size (GTK_WINDOW (pane), width, 640);
  g_assert_true (conduit_activation_activate (activation, &error));
  g_assert_no_error (error);
  test_spin_idle ();
  shot (GTK_WIDGET (fixture->window), lang, dark, width, "active");
  assert_fits (GTK_WIDGET (fixture->window), what);
  g_assert_cmpuint (post (fixture->port, "{\"email\": \" Grace@Example.org \"}"), ==, 202);
  conduit_activation_deactivate (activation);

  /* a test saved from the event, a mapping changed: the pane shows the difference */
  {
    g_autofree char *tests_path = conduit_flow_test_path_for_flow (fixture->flow_path);
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    JsonNode *event = conduit_test_listener_get_event (listener);
    JsonArray *array = json_object_get_array_member (json_node_get_object (event), "items");
    gint64 run_id = 0;

    for (guint i = 0; i < json_array_get_length (array); i++)
      g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));

    conduit_flow_test_save_event_async (fixture->runner, flow, tests_path, "hook", items,
                                        "sign-up", NULL, saved_cb, &run_id);
    g_assert_true (test_spin_until (saved, &run_id, 20));
    g_assert_cmpint (run_id, >, 0);
  }
  /* the open pane follows the tests file */
  g_assert_true (test_spin_until (pane_has_tests, pane, 10));
  changed = json_from_string ("{ \"rows\": ["
                              "  { \"destination\": \"email\", \"expression\": \"trim(email)\" },"
                              "  { \"destination\": \"source\","
                              "    \"expression\": \"'web form'\" } ] }",
                              &error);
  g_assert_no_error (error);
  conduit_node_set_mapping (conduit_flow_lookup_node (flow, "map"), changed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pane), "tests.run-all", NULL));
  g_assert_true (test_spin_until (pane_idle, pane, 30));
  g_assert_cmpuint (g_list_model_get_n_items (conduit_tests_pane_get_diffs (pane)), >, 0);
  test_spin_for (300);
  assert_named (GTK_WIDGET (pane), "the Tests pane");
  assert_named (GTK_WIDGET (activation), "the Active switch");
  shot (GTK_WIDGET (pane), lang, dark, width, "tests-pane");
  assert_fits (GTK_WIDGET (pane), what);
  /* its differences read whole, titles included: a German title was cut off at 360 px */
  test_assert_diffs_readable (pane);

  close_window (fixture);
}

static void
test_english (Fixture       *fixture,
              gconstpointer  data)
{
  use_language ("en");
  walk (fixture, "en", FALSE, 1280);
  walk (fixture, "en", TRUE, 360);
}

/* The German pages are German: the Tests pane's and Save as Test's strings were missing. */
static void
test_german (Fixture       *fixture,
             gconstpointer  data)
{
  use_language ("de");
  if (g_strcmp0 (_("Listen for Test Event"), "Listen for Test Event") == 0)
    {
      g_test_skip ("the German translation is not compiled in this build");
      return;
    }
  g_assert_cmpstr (_("Run _All"), ==, "_Alle ausführen");
  g_assert_cmpstr (_("Save as _Test…"), ==, "Als _Test speichern …");
  g_assert_cmpstr (_("Not run yet"), ==, "Noch nicht ausgeführt");
  walk (fixture, "de", FALSE, 360);
  walk (fixture, "de", TRUE, 1280);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  /* GTK, libadwaita and the app's style sheet: the pictures show the app as it looks */
  graph_test_init (&argc, &argv);

  g_test_add ("/conduit/qa/features-look/english", Fixture, NULL, fixture_set_up, test_english,
              fixture_tear_down);
  g_test_add ("/conduit/qa/features-look/german", Fixture, NULL, fixture_set_up, test_german,
              fixture_tear_down);
  return g_test_run ();
}
