/* graph-test-common.h — what the graph editor's widget tests share
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-graph-view-private.h"
#include "conduit-resources.h"

static inline void
graph_test_init (int    *argc,
                 char ***argv)
{
  g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* linking the resources in registers them; the application loads the style sheet for the
   * app, and a test has no application */
  g_assert_nonnull (conduit_get_resource ());
  gtk_css_provider_load_from_resource (provider, "/io/conduit/Conduit/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline void
graph_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static inline ConduitDocument *
graph_test_load_example (void)
{
  /* the Web form example with HTTP Request and Notify steps (tests/test-util.h) */
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"),
                                            "tests", "fixtures", "web-form-to-crm-http.conduit", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow =
    conduit_flow_new_from_file (conduit_connector_registry_get_default (),
                                                            file, NULL, NULL, &error);

  g_assert_no_error (error);
  return conduit_document_new (flow, file);
}

/* A window showing @document in a graph view, mapped and laid out. */
static inline GtkWindow *
graph_test_show (ConduitDocument   *document,
                 int                width,
                 int                height,
                 ConduitGraphView **view_out)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *view = conduit_graph_view_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_object_ref_sink (window);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, view);
  conduit_graph_view_set_document (CONDUIT_GRAPH_VIEW (view), document);
  gtk_window_present (window);

  while ((!gtk_widget_get_mapped (view) || gtk_widget_get_width (view) < width / 2) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  graph_test_drain ();

  g_assert_true (gtk_widget_get_mapped (view));
  *view_out = CONDUIT_GRAPH_VIEW (view);
  return window;
}

/* Runs a layout pass now, as the frame clock would before the next frame. */
static inline void
graph_test_layout (ConduitGraphView *view)
{
  GtkWidget *widget = GTK_WIDGET (view);

  graph_test_drain ();
  gtk_widget_size_allocate (widget,
                            &(GtkAllocation) { 0, 0, gtk_widget_get_width (widget),
                                               gtk_widget_get_height (widget) }, -1);
}

static inline void
graph_test_destroy (GtkWindow *window)
{
  gtk_window_destroy (window);
  graph_test_drain ();
  g_assert_finalize_object (window);
}

/* The view drawn exactly as a frame would draw it, then rendered with the window's renderer. */
static inline GdkTexture *
graph_test_render (ConduitGraphView *view)
{
  GtkWidget *widget = GTK_WIDGET (view);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                               gtk_widget_get_height (widget));
  GdkRGBA background;

  /* the CSS background is drawn by GTK around the class snapshot; do the same */
  gdk_rgba_parse (&background, "#ff00ff");
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color",
                                       &background))
    g_assert_not_reached ();
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &background, &bounds);
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (renderer, node, &bounds);
}
