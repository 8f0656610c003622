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
#include <glib/gstdio.h>

/* conduit-cli runs itself again with G_SLICE=always-malloc on GLib before 2.76, where the
 * slice allocator's per-thread magazines make a streaming run cost ~40 % more processor time
 * (conduit_use_malloc_for_slices()). The process keeps its id: seen in /proc/PID/environ of a
 * conduit-cli run --input /dev/stdin waiting on its standard input. conduit-cli map is the
 * exception: it keeps its records in arenas, and a second start-up would cost it more than
 * the allocator. */

#define FLOW \
  "{ \"version\": 1, \"name\": \"Slices\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": [] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {}," \
  "    \"mapping\": { \"rows\": [ { \"destination\": \"email\", \"field\": \"email\" } ] } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }"


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
  g_autofree char *dir = NULL;
  g_autofree char *flow = NULL;
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

  dir = g_dir_make_tmp ("conduit-slices-XXXXXX", &error);
  g_assert_no_error (error);
  flow = g_build_filename (dir, "slices.conduit", NULL);
  g_assert_true (g_file_set_contents (flow, FLOW, -1, &error));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_unsetenv (launcher, "G_SLICE");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                         flow, "--input", "/dev/stdin", "--no-history", NULL);
  g_assert_no_error (error);
  pid_text = g_subprocess_get_identifier (process);
  g_assert_nonnull (pid_text);
  pid = (GPid)g_ascii_strtoll (pid_text, NULL, 10);

  /* the first image sets the variable and runs itself again under the same id */
  until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!(seen = environ_has (pid, "G_SLICE=always-malloc")) && g_get_monotonic_time () < until)
    g_usleep (10 * 1000);
  g_assert_true (seen);

  /* and it still does its job: one record in, one mapped item out */
  g_assert_true (g_subprocess_communicate_utf8 (process,
                                                "{\"first_name\": \"ada\", \"last_name\": \"lovelace\", "
                                                "\"email\": \"ADA@example.com\"}\n",
                                                NULL, &printed, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (printed);
  g_unlink (flow);
  g_rmdir (dir);
}

/* A G_SLICE the user set, even empty, is left as it is: no second run. */
static void
test_user_setting_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-slices-XXXXXX", NULL);
  g_autofree char *flow = g_build_filename (dir, "slices.conduit", NULL);
  const char *pid_text;
  GPid pid;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_assert_true (g_file_set_contents (flow, FLOW, -1, &error));
  g_subprocess_launcher_setenv (launcher, "G_SLICE", "", TRUE);
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                         flow, "--input", "/dev/stdin", "--no-history", NULL);
  g_assert_no_error (error);
  pid_text = g_subprocess_get_identifier (process);
  pid = (GPid)g_ascii_strtoll (pid_text, NULL, 10);
  g_usleep (300 * 1000);
  g_assert_true (environ_has (pid, "G_SLICE="));
  g_assert_false (environ_has (pid, "G_SLICE=always-malloc"));
  g_assert_true (g_subprocess_communicate_utf8 (process, "", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_unlink (flow);
  g_rmdir (dir);
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
