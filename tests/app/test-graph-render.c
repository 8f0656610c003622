/* test-graph-render.c — the canvas drawn to pixels: nodes and links where they must be
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "graph-test-common.h"

typedef struct
{
  guchar *pixels;
  gsize   stride;
  int     width;
  int     height;
} Pixels;

static void
download (GdkTexture *texture,
          Pixels     *out)
{
  out->width = gdk_texture_get_width (texture);
  out->height = gdk_texture_get_height (texture);
  out->stride = out->width * 4;
  out->pixels = g_malloc (out->stride * out->height);
  gdk_texture_download (texture, out->pixels, out->stride);
}

/* ARGB32 premultiplied, native endian: on little endian the bytes are B G R A. */
static void
pixel_at (Pixels  *pixels,
          double   x,
          double   y,
          GdkRGBA *rgba)
{
  int px = CLAMP ((int)round (x), 0, pixels->width - 1);
  int py = CLAMP ((int)round (y), 0, pixels->height - 1);
  guint32 value = *(guint32 *)(pixels->pixels + py * pixels->stride + px * 4);

  rgba->alpha = ((value >> 24) & 0xff) / 255.0;
  rgba->red = ((value >> 16) & 0xff) / 255.0;
  rgba->green = ((value >> 8) & 0xff) / 255.0;
  rgba->blue = (value & 0xff) / 255.0;
}

static double
distance (const GdkRGBA *a,
          const GdkRGBA *b)
{
  return fabs (a->red - b->red) + fabs (a->green - b->green) + fabs (a->blue - b->blue);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * c->red + 0.7152 * c->green + 0.0722 * c->blue;
}

static void
maybe_save (GdkTexture *texture,
            const char *name)
{
  const char *dir = g_getenv ("CONDUIT_SCREENSHOT_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  path = g_build_filename (dir, name, NULL);
  gdk_texture_save_to_png (texture, path);
  g_test_message ("saved %s", path);
}

typedef struct
{
  GdkRGBA background;   /* open canvas, away from nodes and links */
  GdkRGBA card;         /* inside a card, where there is no text */
  GdkRGBA link;         /* on the middle of a link */
  GdkRGBA selected_link;
  GdkRGBA minimap;      /* the overview map's background, in a corner */
  GdkRGBA minimap_card; /* the middle of a card's shape in the overview map */
} Samples;

static void
sample_example (const char *png_name,
                Samples    *samples)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  ConduitFlow *flow = conduit_document_get_flow (document);
  ConduitNode *form = conduit_flow_lookup_node (flow, "form");
  ConduitNode *map = conduit_flow_lookup_node (flow, "map");
  ConduitGraphView *view;
  GtkWindow *window = graph_test_show (document, 1100, 500, &view);
  ConduitGraphViewport *viewport = conduit_graph_view_get_viewport (view);
  ConduitGraphNode *card = conduit_graph_view_get_card (view, map);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) selected = NULL;
  g_autofree guchar *data = NULL;
  Pixels pixels;
  double x1, y1, x2, y2, cx, cy, card_x, card_y;
  double zoom = conduit_graph_viewport_get_zoom (viewport);

  /* zoom to fit has run: every card is on screen */
  g_assert_cmpuint (conduit_graph_view_get_n_shown_cards (view), ==, 4);

  texture = graph_test_render (view);
  maybe_save (texture, png_name);
  download (texture, &pixels);
  data = pixels.pixels;

  /* the form→map link runs straight across between two cards at the same height */
  g_assert_true (conduit_graph_view_get_port_point (view, form, TRUE, "out", &x1, &y1));
  g_assert_true (conduit_graph_view_get_port_point (view, map, FALSE, "in", &x2, &y2));
  g_assert_cmpfloat (x2 - x1, >, 30);
  pixel_at (&pixels, (x1 + x2) / 2, (y1 + y2) / 2, &samples->link);

  /* the bottom padding of the mapping card, in the middle: card background only */
  conduit_graph_viewport_to_widget (viewport, conduit_node_get_x (map), conduit_node_get_y (map),
                                    &card_x, &card_y);
  pixel_at (&pixels, card_x + CONDUIT_GRAPH_NODE_WIDTH * zoom / 2,
            card_y + (conduit_graph_node_get_height (card) - 3) * zoom, &samples->card);

  /* below the cards, half-way between two grid lines */
  conduit_graph_viewport_to_canvas (viewport, (x1 + x2) / 2,
                                    gtk_widget_get_height (GTK_WIDGET (view)) - 20,
                                    &cx, &cy);
  conduit_graph_viewport_to_widget (viewport, floor (cx / 20) * 20 + 10, floor (cy / 20) * 20 + 10,
                                    &cx, &cy);
  pixel_at (&pixels, cx, cy, &samples->background);

  /* a selected link is drawn in the accent colour */
  conduit_graph_view_select_link (view, g_list_model_get_item (conduit_flow_get_links (flow), 0));
  g_object_unref (conduit_graph_view_get_selected_link (view));  /* the flow keeps it */
  selected = graph_test_render (view);
  g_free (g_steal_pointer (&data));
  download (selected, &pixels);
  data = pixels.pixels;
  pixel_at (&pixels, (x1 + x2) / 2, (y1 + y2) / 2, &samples->selected_link);

  /* the overview map, in the canvas's corner once the flow no longer fits */
  conduit_graph_viewport_set_zoom (viewport, 2.5);
  {
    g_autoptr(GdkTexture) zoomed = graph_test_render (view);
    graphene_rect_t box;
    graphene_rect_t r = _conduit_graph_view_card_canvas_rect (card);
    double scale, ox, oy;

    g_free (g_steal_pointer (&data));
    download (zoomed, &pixels);
    data = pixels.pixels;
    g_assert_true (_conduit_graph_view_minimap_rect (view, &box));
    _conduit_graph_view_minimap_transform (view, &box, &scale, &ox, &oy);
    pixel_at (&pixels, box.origin.x + 4, box.origin.y + box.size.height - 4, &samples->minimap);
    pixel_at (&pixels, ox + (r.origin.x + r.size.width / 2) * scale,
              oy + (r.origin.y + r.size.height / 2) * scale, &samples->minimap_card);
  }

  graph_test_destroy (window);
}

static void
check_samples (const Samples *samples)
{
  g_test_message ("background %s card %s link %s selected %s",
                  gdk_rgba_to_string (&samples->background), gdk_rgba_to_string (&samples->card),
                  gdk_rgba_to_string (&samples->link),
                  gdk_rgba_to_string (&samples->selected_link));

  /* a card stands out from the canvas, and a link from both */
  g_assert_cmpfloat (distance (&samples->card, &samples->background), >, 0.04);
  g_assert_cmpfloat (distance (&samples->link, &samples->background), >, 0.6);
  g_assert_cmpfloat (distance (&samples->link, &samples->card), >, 0.6);
  /* the overview map's cards show on its background */
  g_test_message ("minimap %s, its cards %s", gdk_rgba_to_string (&samples->minimap),
                  gdk_rgba_to_string (&samples->minimap_card));
  g_assert_cmpfloat (distance (&samples->minimap_card, &samples->minimap), >, 0.3);
  /* selection changes the link's colour: the accent is blue */
  g_assert_cmpfloat (distance (&samples->selected_link, &samples->link), >, 0.3);
  g_assert_cmpfloat (samples->selected_link.blue, >, samples->selected_link.red + 0.2);
}

static void
test_light (void)
{
  Samples samples;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_LIGHT);
  sample_example ("canvas-light.png", &samples);
  check_samples (&samples);

  g_assert_cmpfloat (luminance (&samples.background), >, 0.85);
  /* dark links on a light canvas */
  g_assert_cmpfloat (luminance (&samples.link), <, luminance (&samples.background) - 0.3);
}

static void
test_dark (void)
{
  Samples samples;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  sample_example ("canvas-dark.png", &samples);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  check_samples (&samples);

  g_assert_cmpfloat (luminance (&samples.background), <, 0.25);
  /* light links on a dark canvas, and cards lighter than the canvas */
  g_assert_cmpfloat (luminance (&samples.link), >, luminance (&samples.background) + 0.3);
  g_assert_cmpfloat (luminance (&samples.card), >, luminance (&samples.background));
  /* a dark overview map (it was a white box hiding its light shapes) */
  g_assert_cmpfloat (luminance (&samples.minimap), <, 0.35);
}

/* Off-screen cards are not drawn at all, and panning brings them back. */
static void
test_culling (void)
{
  g_autoptr(ConduitDocument) document = graph_test_load_example ();
  ConduitGraphView *view;
  GtkWindow *window = graph_test_show (document, 800, 500, &view);
  ConduitGraphViewport *viewport = conduit_graph_view_get_viewport (view);

  conduit_graph_viewport_set_zoom (viewport, 1);
  conduit_graph_viewport_set_origin (viewport, 0, 0);
  graph_test_layout (view);
  /* form (80), map (360) and crm (640) are in 0..800; slack (920) is not */
  g_assert_cmpuint (conduit_graph_view_get_n_shown_cards (view), ==, 3);

  conduit_graph_viewport_pan (viewport, -500, 0);
  graph_test_layout (view);
  g_assert_cmpuint (conduit_graph_view_get_n_shown_cards (view), ==, 3);
  g_assert_false (gtk_widget_get_child_visible (GTK_WIDGET (
    conduit_graph_view_get_card (view,
                                 conduit_flow_lookup_node (conduit_document_get_flow (document),
                                                           "form")))));

  conduit_graph_viewport_set_origin (viewport, 5000, 5000);
  graph_test_layout (view);
  g_assert_cmpuint (conduit_graph_view_get_n_shown_cards (view), ==, 0);

  graph_test_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  graph_test_init (&argc, &argv);

  g_test_add_func ("/conduit/graph-render/light", test_light);
  g_test_add_func ("/conduit/graph-render/dark", test_dark);
  g_test_add_func ("/conduit/graph-render/culling", test_culling);

  return g_test_run ();
}
