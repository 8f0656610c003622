/* test-openapi-import-dialog.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* "Import an API Description…" as a person uses it: from the main menu's action, a file or an
 * address (served on 127.0.0.1), the report on the result page, and the imported operations in
 * the palette at once. A malformed file names its line. With CONDUIT_SCREENSHOT_DIR set, the
 * result page and the palette are saved as PNGs there. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "conduit-openapi-import-dialog.h"
#include "conduit-palette.h"
#include "conduit-resources.h"
#include "conduit-window.h"
#include "test-util.h"
#include "test-screenshot.h"

/* Done, and the page transition over, so that a screenshot shows the result page alone. */
static gboolean
import_done (gpointer data)
{
  GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (data, CONDUIT_TYPE_OPENAPI_IMPORT_DIALOG,
                                                              "stack"));

  return !conduit_openapi_import_dialog_get_busy (data) && !gtk_stack_get_transition_running (stack);
}

static gboolean
palette_filtered (gpointer data)
{
  return g_list_model_get_n_items (conduit_palette_get_visible (data)) <= 3;
}

static GtkWidget *
template_child (GtkWidget  *dialog,
                const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (dialog, CONDUIT_TYPE_OPENAPI_IMPORT_DIALOG, name));
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list)); child;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

static gboolean
palette_shows (ConduitPalette *palette,
               const char     *id)
{
  GListModel *visible = conduit_palette_get_visible (palette);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);

      if (g_str_equal (conduit_connector_get_id (connector), id))
        return TRUE;
    }
  return FALSE;
}

static char *
fixture_path (const char *name)
{
  return g_build_filename (TEST_DATA_DIR, "fixtures", "openapi", name, NULL);
}

/* A file: the report lists what the importer reported, the palette offers the steps. */
static void
test_import_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-dialog-XXXXXX", NULL);
  g_autofree char *path = fixture_path ("tictactoe-3.1.yaml");
  g_autofree char *written = g_build_filename (dir, "tic-tac-toe.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *palette_window = gtk_window_new ();
  GtkWidget *palette = conduit_palette_new ();
  GtkWidget *dialog;
  ConduitOpenapiImport *import;

  g_assert_true (conduit_connector_registry_load_builtin (registry, &error));
  conduit_palette_set_registry (CONDUIT_PALETTE (palette), registry);
  gtk_window_set_child (GTK_WINDOW (palette_window), palette);
  gtk_window_set_default_size (GTK_WINDOW (palette_window), 320, 700);
  gtk_window_present (GTK_WINDOW (palette_window));
  g_assert_false (palette_shows (CONDUIT_PALETTE (palette), "tic-tac-toe.get-board"));

  dialog = g_object_ref_sink (conduit_openapi_import_dialog_new (NULL, registry, dir));
  gtk_window_present (GTK_WINDOW (dialog));
  /* nothing to import yet: the action is off, the dialog stays on its first page */
  gtk_widget_activate_action (dialog, "import-dialog.import", NULL);
  g_assert_false (conduit_openapi_import_dialog_get_busy (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog)));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (dialog, "stack"))), ==, "source");

  conduit_openapi_import_dialog_set_file (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog), file);
  g_assert_true (gtk_widget_activate_action (dialog, "import-dialog.import", NULL));
  g_assert_true (test_spin_until (import_done, dialog, 30));

  g_assert_null (conduit_openapi_import_dialog_get_error (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog)));
  import = conduit_openapi_import_dialog_get_import (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog));
  g_assert_nonnull (import);
  g_assert_cmpuint (conduit_openapi_import_get_report (import)->len, >, 0);
  g_assert_cmpuint (count_rows (conduit_openapi_import_dialog_get_report_list (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog))),
                    ==, conduit_openapi_import_get_report (import)->len);
  g_assert_true (g_file_test (written, G_FILE_TEST_EXISTS));
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "tic-tac-toe.put-square"));
  test_spin_idle ();
  g_assert_true (palette_shows (CONDUIT_PALETTE (palette), "tic-tac-toe.get-board"));
  /* the result page: no second import from it, Close instead of Cancel */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (template_child (dialog, "stack"))), ==, "result");
  g_assert_false (gtk_widget_get_visible (template_child (dialog, "import_button")));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (template_child (dialog, "cancel_button"))), ==, "_Close");
  test_save_shot (dialog, "openapi-import-report.png");

  gtk_editable_set_text (conduit_palette_get_search_entry (CONDUIT_PALETTE (palette)), "tic tac");
  g_assert_true (test_spin_until (palette_filtered, palette, 10));
  g_assert_cmpuint (g_list_model_get_n_items (conduit_palette_get_visible (CONDUIT_PALETTE (palette))), ==, 3);
  test_save_shot (palette, "openapi-import-palette.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
  gtk_window_destroy (GTK_WINDOW (palette_window));
  test_remove_tree (dir);
}

static void
serve_file (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const char *text = user_data;

  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
  soup_server_message_set_status (msg, 200, NULL);
}

/* An address, downloaded from a server on 127.0.0.1. */
static void
test_import_address (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-dialog-XXXXXX", NULL);
  g_autofree char *path = fixture_path ("petstore-expanded-2.0.json");
  g_autofree char *text = NULL;
  g_autofree char *address = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *entry;
  GSList *uris;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  soup_server_add_handler (server, NULL, serve_file, text, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  address = g_strdup_printf ("http://127.0.0.1:%d/api/swagger.json", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  g_assert_true (conduit_connector_registry_load_builtin (registry, &error));

  dialog = g_object_ref_sink (conduit_openapi_import_dialog_new (NULL, registry, dir));
  gtk_window_present (GTK_WINDOW (dialog));
  entry = template_child (dialog, "address_row");
  gtk_editable_set_text (GTK_EDITABLE (entry), address);
  g_assert_true (gtk_widget_activate_action (dialog, "import-dialog.import", NULL));
  g_assert_true (test_spin_until (import_done, dialog, 30));
  g_assert_null (conduit_openapi_import_dialog_get_error (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog)));
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "swagger-petstore.find-pet-by-id"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
  soup_server_disconnect (server);
  test_remove_tree (dir);
}

/* A malformed file: the result page names the file, the line and the pointer. */
static void
test_malformed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-dialog-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.yaml", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (bad);
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  GtkWidget *dialog;

  g_assert_true (g_file_set_contents (bad, "openapi: 3.0.0\ninfo: { title: X }\npaths:\n  - /a\n", -1, NULL));
  dialog = g_object_ref_sink (conduit_openapi_import_dialog_new (NULL, registry, dir));
  gtk_window_present (GTK_WINDOW (dialog));
  conduit_openapi_import_dialog_set_file (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog), file);
  g_assert_true (gtk_widget_activate_action (dialog, "import-dialog.import", NULL));
  g_assert_true (test_spin_until (import_done, dialog, 30));
  g_assert_null (conduit_openapi_import_dialog_get_import (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog)));
  expected = g_strdup_printf ("%s:3: /paths: must be an object of paths, not a list", bad);
  g_assert_cmpstr (conduit_openapi_import_dialog_get_error (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog)), ==, expected);
  test_save_shot (dialog, "openapi-import-error.png");

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_finalize_object (dialog);
  test_remove_tree (dir);
}

static gboolean
registry_has_usp (gpointer data)
{
  return conduit_connector_registry_lookup (data, "uspto-data-set-api.perform-search") != NULL;
}

/* Closed while importing: no warning, and the app written still reaches the palette. */
static void
test_close_while_importing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-openapi-dialog-XXXXXX", NULL);
  g_autofree char *path = fixture_path ("uspto-3.0.yaml");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  GtkWidget *dialog;

  dialog = g_object_ref_sink (conduit_openapi_import_dialog_new (NULL, registry, dir));
  gtk_window_present (GTK_WINDOW (dialog));
  conduit_openapi_import_dialog_set_file (CONDUIT_OPENAPI_IMPORT_DIALOG (dialog), file);
  g_assert_true (gtk_widget_activate_action (dialog, "import-dialog.import", NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);

  /* Whether the file was read before the close cancelled it depends on timing; either way no
   * callback may touch the disposed dialog (a critical, fatal here; a use after free under
   * ASan), and an import that got as far as writing reaches the registry. */
  test_spin_for (2000);
  g_test_message (registry_has_usp (registry) ? "the import finished after the close, into the registry"
                                              : "the close cancelled the import");
  test_remove_tree (dir);
}

/* The main menu's item opens the dialog over the window. */
static void
test_window_action (void)
{
  ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
  GtkWidget *dialog = NULL;
  g_autoptr(GListModel) toplevels = NULL;

  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.import-api-description", NULL));
  test_spin_idle ();
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (item))
        dialog = GTK_WIDGET (item);
    }
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
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

  g_test_add_func ("/conduit/openapi-dialog/import-file", test_import_file);
  g_test_add_func ("/conduit/openapi-dialog/import-address", test_import_address);
  g_test_add_func ("/conduit/openapi-dialog/malformed", test_malformed);
  g_test_add_func ("/conduit/openapi-dialog/window-action", test_window_action);
  g_test_add_func ("/conduit/openapi-dialog/close-while-importing", test_close_while_importing);

  return g_test_run ();
}
