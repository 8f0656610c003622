/* test-uipolish-text-boxes.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-editor.h"
#include "conduit-graph-view.h"
#include "conduit-inspector.h"
#include "conduit-window.h"
#include "graph-test-common.h"
#include "test-util.h"

/* The inspector's multi-line text boxes (the flow's description, a step's notes) keep a few
 * lines' height whatever happened before their first allocation. GTK 4.8's GtkTextView asks
 * for the height of its text at the width it was last laid out at, and lays the text out at
 * 1 px before it has a width: text set before the box is first shown (a flow opened into a
 * window not yet drawn, a step's page not yet visible) asked for one character a line, and
 * when the box then got its real width, the smaller height came while it was being allocated,
 * where GTK drops a new size request. The description box of the screenshot windows stayed
 * 1,505 px tall. */

#define DESCRIPTION \
  "Each web-form submission becomes a HubSpot contact, and the sales channel in Slack hears " \
  "about it."
#define NOTES \
  "Ask the sales team before changing the fields: their dashboard reads contact_source and " \
  "lead_status as they are."

/* No taller than a few lines of text: the boxes of the inspector are 72 px high to start with,
 * and the long texts here take three or four lines in the inspector's width. */
#define MAX_BOX_HEIGHT 160

static GtkWidget *
template_child (ConduitInspector *inspector,
                const char       *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (inspector), CONDUIT_TYPE_INSPECTOR,
                                                  name);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

/* The box a person sees around @view: its frame. */
static int
box_height (GtkWidget *view)
{
  GtkWidget *frame = gtk_widget_get_ancestor (view, GTK_TYPE_FRAME);

  g_assert_nonnull (frame);
  g_assert_true (gtk_widget_get_mapped (frame));
  return gtk_widget_get_height (frame);
}

static void
assert_box_fits (GtkWidget  *view,
                 const char *what)
{
  int height = box_height (view);

  g_test_message ("%s: %d × %d px", what, gtk_widget_get_width (view), height);
  g_assert_cmpint (gtk_widget_get_width (view), >, 100);
  g_assert_cmpint (height, >=, 60);
  g_assert_cmpint (height, <=, MAX_BOX_HEIGHT);
}

/* A flow with a description put into an inspector whose window is not shown yet, then shown:
 * the description box has a few lines' height. The same for a step's notes, whose page is not
 * shown until the step is selected. */
static void
test_inspector (void)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", &file);
  g_autoptr(ConduitDocument) document = NULL;
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ConduitInspector *inspector = CONDUIT_INSPECTOR (conduit_inspector_new ());
  ConduitNode *node;

  conduit_flow_set_description (flow, DESCRIPTION);
  node = conduit_flow_lookup_node (flow, "crm");
  g_assert_nonnull (node);
  conduit_node_set_notes (node, NOTES);
  document = conduit_document_new (flow, file);

  gtk_window_set_child (window, GTK_WIDGET (inspector));
  gtk_window_set_default_size (window, 320, 700);
  conduit_inspector_set_document (inspector, document);
  /* the text is laid out before the window has a size */
  test_spin_idle ();
  gtk_window_present (window);
  test_spin_for (300);
  test_spin_idle ();
  assert_box_fits (template_child (inspector, "flow_description_view"), "description");

  conduit_inspector_set_node (inspector, node);
  test_spin_for (300);
  test_spin_idle ();
  assert_box_fits (template_child (inspector, "notes_view"), "notes");

  gtk_window_destroy (window);
  test_spin_idle ();
}

static gboolean
editor_shown (gpointer data)
{
  const char *page = conduit_window_get_page_name (data);

  return g_strcmp0 (page, "editor") == 0 || g_strcmp0 (page, "error") == 0;
}

/* The example opened in the app's window, as the screenshot tests open it, wide and narrow:
 * the description box where the inspector is shown. */
static void
test_window (void)
{
  g_autofree char *example = test_example_path ("web-form-to-crm.conduit");
  g_autoptr(GFile) file = g_file_new_for_path (example);
  const int widths[] = { 1200, 360 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      ConduitWindow *window = g_object_ref_sink (conduit_window_new (NULL));
      ConduitInspector *inspector;
      GtkWidget *description;
      g_autofree char *what = g_strdup_printf ("description, %d px window", widths[i]);

      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 760);
      gtk_window_present (GTK_WINDOW (window));
      conduit_window_open_file (window, file);
      g_assert_true (test_spin_until (editor_shown, window, 60));
      g_assert_cmpstr (conduit_window_get_page_name (window), ==, "editor");
      test_spin_for (1000);
      test_spin_idle ();

      inspector = conduit_editor_get_inspector (conduit_window_get_editor (window));
      description = template_child (inspector, "flow_description_view");
      if (gtk_widget_get_mapped (description))
        assert_box_fits (description, what);
      else
        g_test_message ("%s: the inspector is folded away", what);

      gtk_window_destroy (GTK_WINDOW (window));
      test_spin_idle ();
      g_assert_finalize_object (window);
    }
}

int
main (int   argc,
      char *argv[])
{
  graph_test_init (&argc, &argv);

  g_test_add_func ("/conduit/uipolish/text-boxes/inspector", test_inspector);
  g_test_add_func ("/conduit/uipolish/text-boxes/window", test_window);
  return g_test_run ();
}
