/* test-stream-ui.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "conduit-graph-node.h"
#include "conduit-graph-view-private.h"
#include "conduit-resources.h"
#include "conduit-window.h"
#include "test-util.h"

/* A big test run in the window (issue #21): a file of 200,000 records streams through Read File
 * → Map Fields → Write File; while it goes the window keeps turning its main loop, the cards
 * count up batch by batch, and Stop cancels it. Files in a temporary folder. */

#define N_RECORDS 200000

typedef struct
{
  char                *dir;
  ConduitHistoryStore *history;
  ConduitRunner       *runner;
  ConduitWindow       *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *input = NULL;
  GString *text = g_string_new (NULL);

  fixture->dir = g_dir_make_tmp ("conduit-stream-ui-XXXXXX", &error);
  g_assert_no_error (error);

  input = g_build_filename (fixture->dir, "in.ndjson", NULL);
  for (guint i = 0; i < N_RECORDS; i++)
    g_string_append_printf (text, "{\"id\": %u, \"name\": \" Ada %u \"}\n", i, i);
  g_file_set_contents (input, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);

  path = g_build_filename (fixture->dir, "history.sqlite", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  conduit_editor_set_runner (conduit_window_get_editor (fixture->window), fixture->runner);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);

  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->runner);
  g_clear_object (&fixture->history);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static void
open_flow (Fixture *fixture)
{
  g_autofree char *input = g_build_filename (fixture->dir, "in.ndjson", NULL);
  g_autofree char *output = g_build_filename (fixture->dir, "out.ndjson", NULL);
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  json = g_strdup_printf (
    "{\"version\": 1, \"name\": \"Big export\", \"nodes\": ["
    " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "  \"settings\": {\"items\": [{}]}},"
    " {\"id\": \"read\", \"type\": \"read-file\", \"position\": [250, 0],"
    "  \"settings\": {\"path\": \"%s\", \"format\": \"ndjson\"}},"
    " {\"id\": \"map\", \"type\": \"mapping\", \"position\": [500, 0], \"settings\": {},"
    "  \"mapping\": {\"rows\": [{\"destination\": \"id\", \"field\": \"id\"},"
    "                          {\"destination\": \"name\", \"expression\": \"trim(name)\"}]}},"
    " {\"id\": \"write\", \"type\": \"write-file\", \"position\": [750, 0],"
    "  \"settings\": {\"path\": \"%s\", \"format\": \"ndjson\", \"mode\": \"replace\"}}],"
    " \"links\": ["
    "  {\"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\"},"
    "  {\"from\": \"read\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\"},"
    "  {\"from\": \"map\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\"}]}",
    input, output);

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (fixture->window, document);
}

static ConduitGraphNode *
card_of (ConduitEditor *editor,
         const char    *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  ConduitFlow *flow = conduit_document_get_flow (conduit_editor_get_document (editor));
  ConduitGraphNode *card = conduit_graph_view_get_card (view, conduit_flow_lookup_node (flow, node_id));

  g_assert_nonnull (card);
  return card;
}

/* The count a card's badge shows while its step runs ("Running… N done"), or -1. */
static gint64
running_count (GtkWidget *widget)
{
  if (!gtk_widget_get_visible (widget))
    return -1;
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)),
                                                 "Running… "))
    return g_ascii_strtoll (gtk_label_get_text (GTK_LABEL (widget)) + strlen ("Running… "),
                            NULL, 10);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gint64 count = running_count (child);
      if (count >= 0)
        return count;
    }
  return -1;
}

static void
test_counts_move_and_stop (Fixture       *fixture,
                           gconstpointer  data)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  ConduitRun *run;
  guint read_ok = 0;

  open_flow (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  g_assert_true (conduit_editor_get_running (editor));

  /* the main loop goes on while the run does: the map card's count climbs, batch by batch */
  while (seen->len < 3 && conduit_editor_get_running (editor) &&
         g_get_monotonic_time () < deadline)
    {
      gint64 count;

      g_main_context_iteration (NULL, TRUE);
      count = running_count (GTK_WIDGET (card_of (editor, "map")));
      if (count > 0 && (seen->len == 0 || count > g_array_index (seen, gint64, seen->len - 1)))
        g_array_append_val (seen, count);
    }
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_true (conduit_editor_get_running (editor));
  g_assert_cmpint (g_array_index (seen, gint64, 2), <, N_RECORDS);

  /* the same action stops it */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.run", NULL));
  while (conduit_editor_get_running (editor) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (conduit_editor_get_running (editor));

  run = conduit_editor_get_last_run (editor);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_CANCELLED);
  conduit_run_get_node_counts (run, "read", NULL, &read_ok, NULL, NULL);
  g_assert_cmpuint (read_ok, <, N_RECORDS);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (conduit_get_resource ());

  g_test_add ("/conduit/stream-ui/counts-move-and-stop", Fixture, NULL, fixture_setup,
              test_counts_move_and_stop, fixture_teardown);

  return g_test_run ();
}
