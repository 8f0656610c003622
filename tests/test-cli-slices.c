/* test-cli-slices.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <gio/gio.h>

/* conduit-cli runs itself again with G_SLICE=always-malloc on GLib before 2.76, where the
 * slice allocator's per-thread magazines make a streaming run cost ~40 % more processor time
 * (conduit_use_malloc_for_slices()). The process keeps its id: seen in /proc/PID/environ of a
 * conduit-cli map --input - waiting on its standard input. */

static gboolean
environ_has (GPid        pid,
             const char *entry)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/environ", (int)pid);
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize at = 0; at < length; at += strlen (contents + at) + 1)
    if (g_str_equal (contents + at, entry))
      return TRUE;
  return FALSE;
}

static void
test_runs_with_malloc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *mapping = g_test_build_filename (G_TEST_DIST, "..", "bench", "mapping",
                                                    "mapping.json", NULL);
  g_autofree char *printed = NULL;
  const char *pid_text;
  GPid pid;
  gint64 until;
  gboolean seen = FALSE;

  if (glib_check_version (2, 76, 0) == NULL)
    {
      g_test_skip ("GLib 2.76 and newer allocate slices with malloc already");
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "G_SLICE");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "map",
                                         mapping, "--input", "-", NULL);
  g_assert_no_error (error);
  pid_text = g_subprocess_get_identifier (process);
  g_assert_nonnull (pid_text);
  pid = (GPid)g_ascii_strtoll (pid_text, NULL, 10);

  /* the first image sets the variable and runs itself again under the same id */
  until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!(seen = environ_has (pid, "G_SLICE=always-malloc")) && g_get_monotonic_time () < until)
    g_usleep (10 * 1000);
  g_assert_true (seen);

  /* and it still does its job: one record in, one mapped record out */
  g_assert_true (g_subprocess_communicate_utf8 (process,
                                                "{\"first_name\": \"ada\", \"last_name\": \"lovelace\", "
                                                "\"email\": \"ADA@example.com\"}\n",
                                                NULL, &printed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_nonnull (printed);
}

/* A G_SLICE the user set, even empty, is left as it is: no second run. */
static void
test_user_setting_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *mapping = g_test_build_filename (G_TEST_DIST, "..", "bench", "mapping",
                                                    "mapping.json", NULL);
  const char *pid_text;
  GPid pid;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "G_SLICE", "", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "map",
                                         mapping, "--input", "-", NULL);
  g_assert_no_error (error);
  pid_text = g_subprocess_get_identifier (process);
  pid = (GPid)g_ascii_strtoll (pid_text, NULL, 10);
  g_usleep (300 * 1000);
  g_assert_true (environ_has (pid, "G_SLICE="));
  g_assert_false (environ_has (pid, "G_SLICE=always-malloc"));
  g_assert_true (g_subprocess_communicate_utf8 (process, "", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/slices/runs-with-malloc", test_runs_with_malloc);
  g_test_add_func ("/conduit/cli/slices/user-setting-kept", test_user_setting_kept);

  return g_test_run ();
}
