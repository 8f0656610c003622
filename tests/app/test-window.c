/* test-window.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit-application.h"
#include "conduit-window.h"
#include "test-util.h"

typedef struct
{
  ConduitWindow *window;
  const char    *page;
} PageWait;

static gboolean
page_is_shown (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (conduit_window_get_page_name (wait->window), wait->page) == 0;
}

/* The bound only stops a hang: with the tests run several at a time on two busy cores, one
 * turn of the main loop that lays out four windows took seconds, and a page 10 s. */
static void
spin_until_page (ConduitWindow *window,
                 const char    *page)
{
  PageWait wait = { window, page };

  test_spin_until (page_is_shown, &wait, 60);
  g_assert_cmpstr (conduit_window_get_page_name (window), ==, page);
}

static char *
source_path (const char *relative)
{
  return g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), relative, NULL);
}

static ConduitWindow *
new_window (void)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
destroy_window (ConduitWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
}

/* Opens the example from its file, as a saved flow, and returns its document. */
static ConduitDocument *
open_example_file (ConduitWindow *window)
{
  g_autofree char *path = test_example_path ("web-form-to-crm.conduit");
  g_autoptr(GFile) file = g_file_new_for_path (path);

  conduit_window_open_file (window, file);
  spin_until_page (window, "editor");
  return conduit_window_get_document (window);
}

static void
test_open_and_dirty_marker (void)
{
  ConduitWindow *window = new_window ();
  ConduitDocument *document;
  ConduitNode *node;

  g_assert_cmpstr (conduit_window_get_page_name (window), ==, "start");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Conduit");

  document = open_example_file (window);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "Web form lead to CRM contact — Conduit");
  g_assert_false (conduit_document_get_modified (document));

  /* an edit marks the flow unsaved */
  node = conduit_flow_lookup_node (conduit_document_get_flow (document), "crm");
  conduit_node_set_position (node, 700, 140);
  g_assert_true (conduit_document_get_modified (document));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "• Web form lead to CRM contact — Conduit");

  /* renaming the flow renames the window */
  conduit_flow_set_name (conduit_document_get_flow (document), "Leads");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Leads — Conduit");

  destroy_window (window);
}

static void
save_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_document_save_finish (CONDUIT_DOCUMENT (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_save_clears_marker (void)
{
  g_autofree char *tmpdir = g_dir_make_tmp ("conduit-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmpdir, "saved.conduit", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *original = NULL;
  g_autofree char *saved = NULL;
  ConduitWindow *window = new_window ();
  ConduitDocument *document;
  gboolean done = FALSE;

  conduit_window_open_example (window, "web-form-to-crm.conduit");
  spin_until_page (window, "editor");
  document = conduit_window_get_document (window);
  g_assert_null (conduit_document_get_file (document));

  conduit_flow_set_owner (conduit_document_get_flow (document), "Ops <ops@example.com>");
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));

  conduit_document_save_async (document, file, NULL, save_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (conduit_document_get_modified (document));
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (window)), "• "));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "\"owner\": \"Ops <ops@example.com>\""));

  g_unlink (path);
  g_rmdir (tmpdir);
  destroy_window (window);
}

static void
test_broken_file_shows_problems (void)
{
  g_autofree char *path = source_path ("tests/fixtures/flows/broken-links.conduit");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  ConduitWindow *window = new_window ();
  const char *text;

  conduit_window_open_file (window, file);
  spin_until_page (window, "error");

  text = conduit_window_get_error_text (window);
  g_assert_nonnull (strstr (text, "Line 12: /nodes/1/settings: node “call”: required setting “url” (URL) is missing"));
  g_assert_nonnull (strstr (text, "Line 21: /links/0/to: link 1 goes to node “ghost”"));
  g_assert_null (conduit_window_get_document (window));

  destroy_window (window);
}

static guint
n_windows (GtkApplication *app)
{
  return g_list_length (gtk_application_get_windows (app));
}

static ConduitWindow *
newest_window (GtkApplication *app)
{
  /* the application lists its windows most recently focused or added first */
  return CONDUIT_WINDOW (gtk_application_get_windows (app)->data);
}

/* One rule for New, Open, a recent flow and an example (issue 22, defect 12): a window keeps its
 * flow and another flow gets a window of its own, unless the window holds nothing of value; a
 * flow already open is shown where it is. */
/* The window adds a file to the recent list once it has looked up the file's type, which is
 * asynchronous: on a busy machine that takes longer than a few frames. */
static void
wait_for_recent (GtkRecentManager *recent,
                 const char       *uri)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!gtk_recent_manager_has_item (recent, uri) && g_get_monotonic_time () < deadline)
    test_spin_for (50);
}

/* The name is taken, by that connection (acquired) or by someone before it (lost): either way
 * another Conduit holds it. */
static void
name_taken (GDBusConnection *connection,
            const char      *name,
            gpointer         user_data)
{
  *(gboolean *)user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

static gboolean
is_saved (gpointer document)
{
  return conduit_document_get_file (document) != NULL && !conduit_document_get_modified (document);
}

static void
test_one_flow_per_window (void)
{
  g_autoptr(ConduitApplication) app = conduit_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *example = test_example_path ("web-form-to-crm.conduit");
  g_autoptr(GFile) example_file = g_file_new_for_path (example);
  g_autofree char *example_uri = g_file_get_uri (example_file);
  g_autofree char *broken = source_path ("tests/fixtures/flows/broken-links.conduit");
  g_autoptr(GFile) broken_file = g_file_new_for_path (broken);
  g_autofree char *broken_uri = g_file_get_uri (broken_file);
  g_autofree char *tmpdir = g_dir_make_tmp ("conduit-window-XXXXXX", NULL);
  g_autofree char *saved_path = g_build_filename (tmpdir, "Orders.conduit", NULL);
  g_autoptr(GFile) saved_file = g_file_new_for_path (saved_path);
  g_autofree char *saved_uri = g_file_get_uri (saved_file);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  GtkRecentManager *recent = gtk_recent_manager_get_default ();
  g_autoptr(GDBusConnection) other = NULL;
  gboolean name_is_taken = FALSE;
  guint other_id;
  ConduitWindow *first;
  ConduitWindow *second;
  GMenuModel *examples;

  /* Another Conduit on the same session bus (as test-notification, or another copy of this
   * test, run at the same time) owns the application's name: this one must still be an
   * instance with windows of its own. */
  other = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);
  other_id = g_bus_own_name_on_connection (other, APPLICATION_ID,
                                           G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, name_taken,
                                           name_taken, &name_is_taken, NULL);
  g_assert_true (test_spin_until (is_true, &name_is_taken, 10));

  /* Other test processes share run-headless's session bus, and test-notification registers
   * the same application id: owning the name would make whichever registers second a remote
   * instance, which has no windows (GTK crashes adding one, as the app itself never does). */
  g_application_set_flags (G_APPLICATION (app), g_application_get_flags (G_APPLICATION (app)) |
                                                G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  first = conduit_window_new (app);
  gtk_window_present (GTK_WINDOW (first));

  /* the start page takes an example */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.open-example", "s",
                                             "web-form-to-crm.conduit"));
  spin_until_page (first, "editor");
  g_assert_cmpuint (n_windows (gtk_app), ==, 1);

  /* New keeps that flow and opens a window; that empty window takes the next example */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.new-flow", NULL));
  g_assert_cmpuint (n_windows (gtk_app), ==, 2);
  second = newest_window (gtk_app);
  g_assert_true (second != first);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.open-example", "s",
                                             "csv-export-to-api.conduit"));
  spin_until_page (second, "editor");
  g_assert_cmpuint (n_windows (gtk_app), ==, 2);

  /* a recent flow, from a window with a flow: a window of its own; asked again, shown there */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.open-recent", "s",
                                             example_uri));
  g_assert_cmpuint (n_windows (gtk_app), ==, 3);
  spin_until_page (newest_window (gtk_app), "editor");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (second), "win.open-recent", "s",
                                             example_uri));
  g_assert_cmpuint (n_windows (gtk_app), ==, 3);

  /* opened, it is listed by the flow's name; a file that cannot be opened leaves the list */
  wait_for_recent (recent, example_uri);
  {
    g_autoptr(GtkRecentInfo) info = gtk_recent_manager_lookup_item (recent, example_uri, NULL);

    g_assert_nonnull (info);
    g_assert_cmpstr (gtk_recent_info_get_display_name (info), ==, "Web form lead to CRM contact");
  }
  {
    /* with its type given, the item is added at once (add_item looks the type up first) */
    GtkRecentData data = { .mime_type = (char *)"application/x-conduit-flow",
                           .app_name = (char *)"conduit", .app_exec = (char *)"conduit %u" };

    g_assert_true (gtk_recent_manager_add_full (recent, broken_uri, &data));
  }
  g_assert_true (gtk_recent_manager_has_item (recent, broken_uri));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.open-recent", "s",
                                             broken_uri));
  g_assert_cmpuint (n_windows (gtk_app), ==, 4);
  spin_until_page (newest_window (gtk_app), "error");
  g_assert_false (gtk_recent_manager_has_item (recent, broken_uri));

  /* the examples stay reachable from the main menu once a flow is open */
  examples = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (first), CONDUIT_TYPE_WINDOW,
                                                          "examples_menu"));
  g_assert_cmpint (g_menu_model_get_n_items (examples), >=, 3);
  {
    g_autofree char *action = NULL;

    g_assert_true (g_menu_model_get_item_attribute (examples, 0, G_MENU_ATTRIBUTE_ACTION, "s",
                                                    &action));
    g_assert_cmpstr (action, ==, "win.open-example");
  }

  /* Save As names a flow never named after its file */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first), "win.new-flow", NULL));
  second = newest_window (gtk_app);
  conduit_window_save_as_file (second, saved_file);
  g_assert_true (test_spin_until (is_saved, conduit_window_get_document (second), 60));
  g_assert_cmpstr (conduit_flow_get_name (conduit_document_get_flow (conduit_window_get_document (second))),
                   ==, "Orders");
  wait_for_recent (recent, saved_uri);
  {
    g_autoptr(GtkRecentInfo) info = gtk_recent_manager_lookup_item (recent, saved_uri, NULL);

    g_assert_nonnull (info);
    g_assert_cmpstr (gtk_recent_info_get_display_name (info), ==, "Orders");
  }

  while (gtk_application_get_windows (gtk_app) != NULL)
    gtk_window_destroy (GTK_WINDOW (gtk_application_get_windows (gtk_app)->data));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_unlink (saved_path);
  g_rmdir (tmpdir);
  g_bus_unown_name (other_id);
  g_dbus_connection_close_sync (other, NULL, NULL);
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
}

static void
test_undo_to_saved_clears_marker (void)
{
  ConduitWindow *window = new_window ();
  ConduitDocument *document = open_example_file (window);
  ConduitUndoStack *undo;
  ConduitFlow *flow;

  flow = conduit_document_get_flow (document);
  undo = conduit_document_get_undo_stack (document);

  conduit_undo_stack_move_node (undo, conduit_flow_lookup_node (flow, "crm"), 700, 140);
  conduit_undo_stack_set_flow_property (undo, "name", "Leads");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Leads — Conduit");

  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "• Web form lead to CRM contact — Conduit");
  conduit_undo_stack_undo (undo);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "Web form lead to CRM contact — Conduit");
  conduit_undo_stack_redo (undo);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "• Web form lead to CRM contact — Conduit");
  conduit_undo_stack_undo (undo);

  /* back as the file is, closing asks nothing */
  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_message_dialog ());
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_assert_finalize_object (window);
}

static void
test_close_prompt (void)
{
  ConduitWindow *window = new_window ();
  AdwMessageDialog *dialog;

  conduit_window_open_example (window, "web-form-to-crm.conduit");
  conduit_flow_set_name (conduit_document_get_flow (conduit_window_get_document (window)), "Changed");

  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save Changes?");
  g_assert_true (adw_message_dialog_has_response (dialog, "save"));
  g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* cancel keeps the window */
  adw_message_dialog_response (dialog, "cancel");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* discard closes it */
  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "discard");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));

  g_assert_finalize_object (window);
}

/* Issue 22, defect 5: as in the app, GTK alone holds the window; Discard closes and frees it
 * while its prompt is still answering, and that must log nothing (the tests run with
 * G_DEBUG=fatal-warnings, so a critical aborts). */
static void
test_discard_frees_window (void)
{
  ConduitWindow *window = conduit_window_new (NULL);
  AdwMessageDialog *dialog;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_open_example (window, "web-form-to-crm.conduit");
  conduit_flow_set_name (conduit_document_get_flow (conduit_window_get_document (window)), "Changed");

  gtk_window_close (GTK_WINDOW (window));
  test_spin_idle ();
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&dialog);

  adw_message_dialog_response (dialog, "discard");
  test_spin_idle ();

  g_assert_null (window);
  g_assert_null (dialog);
  g_assert_null (find_message_dialog ());
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/conduit/window/open-and-dirty-marker", test_open_and_dirty_marker);
  g_test_add_func ("/conduit/window/save-clears-marker", test_save_clears_marker);
  g_test_add_func ("/conduit/window/broken-file-shows-problems", test_broken_file_shows_problems);
  g_test_add_func ("/conduit/window/close-prompt", test_close_prompt);
  g_test_add_func ("/conduit/window/one-flow-per-window", test_one_flow_per_window);
  g_test_add_func ("/conduit/window/discard-frees-window", test_discard_frees_window);
  g_test_add_func ("/conduit/window/undo-to-saved-clears-marker",
                   test_undo_to_saved_clears_marker);

  return g_test_run ();
}
