/* test-util.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the tests share, once: turning the main loop (always bounded), the shipped example
 * flow, temporary folders and credentials from JSON. GLib and the engine only, so the widget
 * tests, the document tests and the engine's tests can all use it. */

#include <glib/gstdio.h>

#include "conduit.h"

static inline gboolean
test_spin_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Turns the main loop until @done says so or @seconds pass; returns what @done says last.
 * A tick wakes the loop, so that the bound holds when nothing else happens (a test waiting for
 * what never comes would otherwise block for ever instead of failing). */
static inline gboolean
test_spin_until (gboolean (*done) (gpointer data),
                 gpointer   data,
                 guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  GMainContext *context = g_main_context_ref_thread_default ();
  GSource *tick = g_timeout_source_new (100);

  g_source_set_callback (tick, test_spin_wake, NULL, NULL);
  g_source_attach (tick, context);
  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (tick);
  g_source_unref (tick);
  g_main_context_unref (context);
  return done (data);
}

/* Turns the main loop for @milliseconds, without waiting for events between. */
static inline void
test_spin_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* Lets pending work settle: what is ready is run, a few times over with short pauses, so that
 * idles and layout that queue more work get theirs done too. */
static inline void
test_spin_idle (void)
{
  for (guint i = 0; i < 5; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

/* The path of a shipped example flow, data/examples/@name. */
static inline char *
test_example_path (const char *name)
{
  return g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples", name, NULL);
}

/* A shipped example flow, loaded as the app loads it; @file gets where it came from. */
static inline ConduitFlow *
test_load_example (const char  *name,
                   GFile      **file)
{
  g_autofree char *path = test_example_path (name);
  g_autoptr(GFile) from = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), from,
                                                  NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (flow);
  if (file != NULL)
    *file = g_steal_pointer (&from);
  return flow;
}

/* A flow of tests/fixtures/, loaded as the app loads it; @file gets where it came from. The
 * widget tests use web-form-to-crm-http.conduit, the Web form example as it was before it
 * used app steps: an HTTP Request and a Notify step, whose settings they edit. */
static inline ConduitFlow *
test_load_fixture_flow (const char  *name,
                        GFile      **file)
{
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "tests", "fixtures",
                                            name, NULL);
  g_autoptr(GFile) from = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), from,
                                                  NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (flow);
  if (file != NULL)
    *file = g_steal_pointer (&from);
  return flow;
}

/* Removes @path and everything under it. */
static inline void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static inline ConduitCredential *
test_credential_from_json (const char *id,
                           const char *json)
{
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential = conduit_credential_new_from_data (json, id, &error);

  g_assert_no_error (error);
  return credential;
}
