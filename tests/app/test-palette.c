/* test-palette.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-palette.h"

typedef struct
{
  GtkWindow      *window;
  ConduitPalette *palette;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->palette = CONDUIT_PALETTE (conduit_palette_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->palette), (gpointer *)&fixture->palette);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->palette));
  gtk_window_set_default_size (fixture->window, 300, 600);
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (fixture->palette);
}

static guint
n_rows (ConduitPalette *palette)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (conduit_palette_get_list (palette), n) != NULL)
    n++;
  return n;
}

typedef struct
{
  const char *text;
  gboolean    changed;
} SearchWait;

/* set_text() deletes, then inserts: an emptied field reports at once, so wait for the text. */
static void
on_search_changed (GtkSearchEntry *entry,
                   SearchWait     *wait)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (entry)), wait->text) == 0)
    wait->changed = TRUE;
}

/* GtkSearchEntry reports a change after a short delay, as it does for a person typing. */
static void
type_search (ConduitPalette *palette,
             const char     *text)
{
  GtkEditable *entry = conduit_palette_get_search_entry (palette);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  SearchWait wait = { text, FALSE };
  gulong id = g_signal_connect (entry, "search-changed", G_CALLBACK (on_search_changed), &wait);

  gtk_editable_set_text (entry, text);
  while (!wait.changed && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (entry, id);
  g_assert_true (wait.changed);
}

static gboolean
visible_contains (ConduitPalette *palette,
                  const char     *id)
{
  GListModel *visible = conduit_palette_get_visible (palette);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);

      if (g_strcmp0 (conduit_connector_get_id (connector), id) == 0)
        return TRUE;
    }

  return FALSE;
}

static void
test_grouped_by_category (Fixture       *fixture,
                          gconstpointer  data)
{
  GListModel *registry = G_LIST_MODEL (conduit_connector_registry_get_default ());
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (registry);
  guint headers = 0;
  int previous = -1;

  g_assert_cmpuint (n, >, 5);
  g_assert_cmpuint (n_rows (fixture->palette), ==, n);

  /* every category is one run of rows with one heading naming it */
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);
      g_autoptr(ConduitConnector) connector =
        g_list_model_get_item (conduit_palette_get_visible (fixture->palette), i);
      int category = conduit_connector_get_category (connector);
      GtkWidget *header = gtk_list_box_row_get_header (row);

      if (category != previous)
        {
          g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (category)));
          g_hash_table_add (seen, GINT_TO_POINTER (category));
          g_assert_nonnull (header);
          g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (header)), ==,
                           conduit_connector_category_get_label (category));
          headers++;
        }
      else
        {
          g_assert_null (header);
        }
      previous = category;
    }

  g_assert_cmpuint (headers, ==, g_hash_table_size (seen));
  g_assert_cmpuint (headers, >=, 3);
}

static void
test_search_narrows (Fixture       *fixture,
                     gconstpointer  data)
{
  guint all = n_rows (fixture->palette);
  GListModel *visible = conduit_palette_get_visible (fixture->palette);

  type_search (fixture->palette, "HTTP");
  g_assert_true (visible_contains (fixture->palette, "http-request"));
  g_assert_false (visible_contains (fixture->palette, "read-file"));
  g_assert_cmpuint (n_rows (fixture->palette), ==, g_list_model_get_n_items (visible));
  g_assert_cmpuint (n_rows (fixture->palette), <, all);

  /* every word must match, in any order and any field (here: name and category) */
  type_search (fixture->palette, "file  write");
  g_assert_true (visible_contains (fixture->palette, "write-file"));
  g_assert_false (visible_contains (fixture->palette, "http-request"));

  type_search (fixture->palette, "no such step anywhere");
  g_assert_cmpuint (n_rows (fixture->palette), ==, 0);

  type_search (fixture->palette, "");
  g_assert_cmpuint (n_rows (fixture->palette), ==, all);
}

static void
on_activated (ConduitPalette    *palette,
              ConduitConnector  *connector,
              ConduitConnector **out)
{
  g_set_object (out, connector);
}

static void
test_activate_row (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConduitConnector) activated = NULL;
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  GtkListBoxRow *row;
  g_autoptr(ConduitConnector) third = NULL;

  g_signal_connect (fixture->palette, "connector-activated", G_CALLBACK (on_activated), &activated);

  /* double-click or Enter on a row */
  row = gtk_list_box_get_row_at_index (list, 2);
  third = g_list_model_get_item (conduit_palette_get_visible (fixture->palette), 2);
  g_signal_emit_by_name (list, "row-activated", row);
  g_assert_true (activated == third);

  /* Enter in the search field takes the first match */
  g_clear_object (&activated);
  type_search (fixture->palette, "schedule");
  g_signal_emit_by_name (conduit_palette_get_search_entry (fixture->palette), "activate");
  g_assert_nonnull (activated);
  g_assert_cmpstr (conduit_connector_get_id (activated), ==, "schedule-trigger");

  /* and with nothing found, Enter adds nothing */
  g_clear_object (&activated);
  type_search (fixture->palette, "no such step anywhere");
  g_signal_emit_by_name (conduit_palette_get_search_entry (fixture->palette), "activate");
  g_assert_null (activated);
}

static GtkListBoxRow *
row_of (ConduitPalette *palette,
        const char     *connector_id)
{
  GListModel *visible = conduit_palette_get_visible (palette);

  for (guint i = 0; i < g_list_model_get_n_items (visible); i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (visible, i);

      if (g_str_equal (conduit_connector_get_id (connector), connector_id))
        return gtk_list_box_get_row_at_index (conduit_palette_get_list (palette), i);
    }
  g_assert_not_reached ();
}

/* Issue 22, defect 1: Tab into the list, arrow to a step, Enter. The search field captures the
 * list's keys, so Enter reaches it as "activate": the focused step must be added, not the
 * search's first match. */
static void
test_enter_on_focused_row (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConduitConnector) activated = NULL;
  GtkListBoxRow *row = row_of (fixture->palette, "notify");

  g_signal_connect (fixture->palette, "connector-activated", G_CALLBACK (on_activated), &activated);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (row)));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (row)));

  g_signal_emit_by_name (conduit_palette_get_search_entry (fixture->palette), "activate");
  g_assert_nonnull (activated);
  g_assert_cmpstr (conduit_connector_get_id (activated), ==, "notify");
}

/* ...and Enter right after typing, before the search's delay has passed, takes the first
 * match of what was typed, not of the list as it was. */
static void
test_enter_right_after_typing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConduitConnector) activated = NULL;
  GtkEditable *search = conduit_palette_get_search_entry (fixture->palette);

  g_signal_connect (fixture->palette, "connector-activated", G_CALLBACK (on_activated), &activated);
  gtk_widget_grab_focus (GTK_WIDGET (search));
  gtk_editable_set_text (search, "webhook");
  g_signal_emit_by_name (search, "activate");
  g_assert_nonnull (activated);
  g_assert_cmpstr (conduit_connector_get_id (activated), ==, "webhook-trigger");
}

/* Down in the search field moves to the first match, as in GNOME's other searchable lists. */
static void
test_keyboard_from_search (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *entry = GTK_WIDGET (conduit_palette_get_search_entry (fixture->palette));
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (entry);
  GtkEventController *keys = NULL;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
          g_signal_has_handler_pending (controller, g_signal_lookup ("key-pressed", GTK_TYPE_EVENT_CONTROLLER_KEY), 0, FALSE))
        keys = GTK_EVENT_CONTROLLER (controller);
    }
  g_assert_nonnull (keys);

  type_search (fixture->palette, "file");
  conduit_palette_focus_search (fixture->palette);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
  g_assert_true (handled);
  g_assert_true (gtk_list_box_get_selected_row (list) == gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0))));

  /* other keys are the search field's */
  handled = FALSE;
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_a, 0, 0, &handled);
  g_assert_false (handled);
}

static void
test_drag_offers_connector (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkListBox *list = conduit_palette_get_list (fixture->palette);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, 0);
  g_autoptr(ConduitConnector) first = g_list_model_get_item (conduit_palette_get_visible (fixture->palette), 0);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (row));
  g_autoptr(GdkContentProvider) provider = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  GtkDragSource *source = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DRAG_SOURCE (controller))
        source = GTK_DRAG_SOURCE (controller);
    }
  g_assert_nonnull (source);

  g_signal_emit_by_name (source, "prepare", 4.0, 4.0, &provider);
  g_assert_nonnull (provider);

  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (provider, &value, &error));
  g_assert_no_error (error);
  expected = g_strconcat ("conduit-connector:", conduit_connector_get_id (first), NULL);
  g_assert_cmpstr (g_value_get_string (&value), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/palette/grouped", Fixture, NULL,
              fixture_set_up, test_grouped_by_category, fixture_tear_down);
  g_test_add ("/conduit/palette/search", Fixture, NULL,
              fixture_set_up, test_search_narrows, fixture_tear_down);
  g_test_add ("/conduit/palette/activate", Fixture, NULL,
              fixture_set_up, test_activate_row, fixture_tear_down);
  g_test_add ("/conduit/palette/keyboard", Fixture, NULL,
              fixture_set_up, test_keyboard_from_search, fixture_tear_down);
  g_test_add ("/conduit/palette/enter-on-focused-row", Fixture, NULL,
              fixture_set_up, test_enter_on_focused_row, fixture_tear_down);
  g_test_add ("/conduit/palette/enter-right-after-typing", Fixture, NULL,
              fixture_set_up, test_enter_right_after_typing, fixture_tear_down);
  g_test_add ("/conduit/palette/drag", Fixture, NULL,
              fixture_set_up, test_drag_offers_connector, fixture_tear_down);

  return g_test_run ();
}
