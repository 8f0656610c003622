/* bench-item-table.c — how long a window takes to show a step's items.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * N contact records (a few fields, one nested object, some nulls) are shown in a 360×400
 * window, and the main thread's CPU time is measured from handing them over to the end of the
 * first frame that shows them (CPU time: the machine may be shared, and waiting for it is not
 * the widget's cost):
 *   - Conduit: ConduitItemTable, a column view over a list model (cells made for the rows on
 *     screen only);
 *   - the baseline: what the run panel did before, the items as pretty JSON in a GtkTextView.
 * The median of ROUNDS rounds, each in a fresh window. Output is bench/run's table rows.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <adwaita.h>

#include "conduit-item-table.h"

static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static GPtrArray *
make_items (guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf (
        "{\"id\": %u, \"name\": \"Contact %u\", \"email\": \"contact%u@example.com\","
        " \"company\": %s, \"address\": {\"city\": \"Berlin\", \"zip\": \"1011%u\"},"
        " \"score\": %u.5, \"active\": %s}",
        i, i, i, i % 3 == 0 ? "null" : "\"Example GmbH\"", i % 10, i % 100,
        i % 2 == 0 ? "true" : "false");

      g_ptr_array_add (items, json_from_string (text, NULL));
    }
  return items;
}

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

/* Until @widget's window has painted a frame after now. */
static void
wait_for_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
}

static GtkWidget *
new_window (void)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 400);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
close_window (GtkWidget *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static double
show_table (GPtrArray *items)
{
  GtkWidget *window = new_window ();
  GtkWidget *table = conduit_item_table_new ();
  double start;
  double ms;

  gtk_window_set_child (GTK_WINDOW (window), table);
  wait_for_frame (window);
  start = cpu_ms ();
  conduit_item_table_set_items (CONDUIT_ITEM_TABLE (table), items, NULL);
  wait_for_frame (window);
  ms = cpu_ms () - start;
  if (g_getenv ("BENCH_ITEM_TABLE_DEBUG") != NULL)
    {
      /* the same items again, as a test run's progress shows them */
      double again = cpu_ms ();

      conduit_item_table_set_items (CONDUIT_ITEM_TABLE (table), items, NULL);
      wait_for_frame (window);
      g_printerr ("  again: %.1f ms\n", cpu_ms () - again);
    }
  close_window (window);
  return ms;
}

/* The run panel before the item table: every item, pretty-printed, in one text view. */
static double
show_text (GPtrArray *items)
{
  GtkWidget *window = new_window ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  double start;
  double ms;

  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  wait_for_frame (window);
  start = cpu_ms ();
  {
    g_autoptr(JsonArray) array = json_array_new ();
    g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
    g_autoptr(JsonGenerator) generator = json_generator_new ();
    g_autofree char *text = NULL;

    for (guint i = 0; i < items->len; i++)
      json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
    json_node_set_array (root, array);
    json_generator_set_root (generator, root);
    json_generator_set_pretty (generator, TRUE);
    json_generator_set_indent (generator, 2);
    text = json_generator_to_data (generator, NULL);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  }
  wait_for_frame (window);
  ms = cpu_ms () - start;
  close_window (window);
  return ms;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint)atoi (argv[1]) : 3;
  const guint sizes[] = { 1000, 10000, 100000 };

  gtk_init ();
  adw_init ();
  rounds = MAX (rounds, 1);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr(GPtrArray) items = make_items (sizes[s]);
      g_autoptr(GArray) table_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) text_ms = g_array_new (FALSE, FALSE, sizeof (double));

      /* alternate, so that neither always runs on a warmer machine */
      for (guint r = 0; r < rounds; r++)
        {
          double t = show_table (items);
          double x = show_text (items);

          g_array_append_val (table_ms, t);
          g_array_append_val (text_ms, x);
          g_printerr ("%u items, round %u: table %.1f ms, JSON text view %.1f ms\n",
                      sizes[s], r + 1, t, x);
        }
      printf ("first frame showing %u items\t%.1f\tms\tJSON in a text view\t%.1f\tlower\n",
              sizes[s], median (table_ms), median (text_ms));
    }
  return 0;
}
