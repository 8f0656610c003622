/* test-diff-table.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit-tests-pane.h"

/* What the tests of the Tests pane check of its differences table: every text read whole. */

static inline const char *
test_cell_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_INSCRIPTION (widget))
    return gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  return NULL;
}

static inline void
test_collect_cells (GtkWidget *widget,
                    GPtrArray *cells)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (test_cell_text (widget) != NULL && test_cell_text (widget)[0] != '\0')
    g_ptr_array_add (cells, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    test_collect_cells (child, cells);
}

static inline GtkWidget *
test_find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = test_find_column_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every text of @pane's differences table, the column titles and the first row's step
 * included, is read whole without scrolling sideways or a tooltip: wrapped at its cell's width,
 * it needs no more height than the cell has, the frame the table is in cuts none of it off, and
 * leaves no empty room under the rows. */
static inline void
test_assert_diffs_readable (ConduitTestsPane *pane)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autofree char *step = NULL;
  g_autoptr(GObject) first = NULL;
  GtkWidget *view;
  GtkWidget *scroller;
  guint steps_seen = 0;
  float bottom = 0;

  g_assert_cmpuint (g_list_model_get_n_items (conduit_tests_pane_get_diffs (pane)), >, 0);
  first = g_list_model_get_item (conduit_tests_pane_get_diffs (pane), 0);
  g_object_get (first, "step", &step, NULL);

  view = test_find_column_view (GTK_WIDGET (pane));
  g_assert_nonnull (view);
  scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  g_test_message ("the pane is %d px, the table %d × %d px in %d × %d px",
                  gtk_widget_get_width (GTK_WIDGET (pane)), gtk_widget_get_width (view),
                  gtk_widget_get_height (view), gtk_widget_get_width (scroller),
                  gtk_widget_get_height (scroller));
  g_assert_cmpint (gtk_widget_get_width (view), <=, gtk_widget_get_width (scroller));

  test_collect_cells (view, cells);
  for (guint i = 0; i < cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (cells, i);
      const char *text = test_cell_text (cell);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (cell, text);
      graphene_rect_t bounds;
      int needed;

      if (GTK_IS_LABEL (cell))
        pango_layout_set_attributes (layout, gtk_label_get_attributes (GTK_LABEL (cell)));
      pango_layout_set_width (layout, gtk_widget_get_width (cell) * PANGO_SCALE);
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_get_pixel_size (layout, NULL, &needed);
      g_assert_true (gtk_widget_compute_bounds (cell, scroller, &bounds));
      g_test_message ("“%s”: %d × %d px at %.0f, %.0f, needs %d px high", text,
                      gtk_widget_get_width (cell), gtk_widget_get_height (cell),
                      bounds.origin.x, bounds.origin.y, needed);
      g_assert_cmpint (needed, <=, gtk_widget_get_height (cell));
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=,
                         gtk_widget_get_width (scroller) + 0.5);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=,
                         gtk_widget_get_height (scroller) + 0.5);
      if (g_str_equal (text, step))
        steps_seen++;
      bottom = MAX (bottom, bounds.origin.y + bounds.size.height);
    }
  g_assert_cmpuint (steps_seen, >, 0);
  g_assert_cmpfloat (gtk_widget_get_height (scroller) - bottom, <=, 12);
}
