/* conduit-cli-front.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conduit-cli-commands.h"

/* conduit-cli is a small front (as git's): it runs `map` itself, linked with the mapping library
 * alone (src/core/meson.build), and runs the full program, conduit-cli-full, for every other
 * command. The full program needs about 70 shared libraries (libpq, libsoup, libcurl, gmime, …)
 * whose loading and relocation cost about 13 ms of processor time at each start, more than
 * mapping 20,000 records (#21). The full program replaces this process (execv), so it keeps
 * the process id, descriptors and arguments: messages still say conduit-cli. */

#define FULL_PROGRAM "conduit-cli-full"

static char **original_argv;

/* The build tree has the full program next to the front; an installed front finds it in
 * libexecdir/conduit. */
static char *
find_full_program (GError **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "conduit", FULL_PROGRAM, NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, FULL_PROGRAM, NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
               _("the program for this command, %s, is missing (not next to conduit-cli, "
                 "nor “%s”)"), FULL_PROGRAM, installed);
  return NULL;
}

/**
 * conduit_cli_front_run_full:
 * @error: where a failure goes
 *
 * Replaces this process by the full program with the arguments main() got.
 *
 * Returns: only on failure, FALSE with @error set
 */
gboolean
conduit_cli_front_run_full (GError **error)
{
  g_autofree char *path = find_full_program (error);
  int saved;

  if (path == NULL)
    return FALSE;
  /* the full program would run itself again to get malloc for GLib's slices
   * (conduit_use_malloc_for_slices()); set before this execv, its start-up is paid once */
  if (getenv ("G_SLICE") == NULL && glib_check_version (2, 76, 0) != NULL)
    setenv ("G_SLICE", "always-malloc", 1);
  fflush (stdout);
  fflush (stderr);
  execv (path, original_argv);
  saved = errno;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
               _("cannot run “%s”: %s"), path, g_strerror (saved));
  return FALSE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("conduit-cli");

  /* map's option parsing reorders its argv: the full program gets them as they came */
  original_argv = g_new0 (char *, argc + 1);
  memcpy (original_argv, argv, sizeof (char *) * (gsize)argc);

  if (argc >= 2 && strcmp (argv[1], "map") == 0)
    {
      g_autofree char *prgname = g_strdup_printf ("conduit-cli %s", argv[1]);
      int status;

      argv[1] = prgname;
      status = conduit_cli_map (argc - 1, argv + 1);
      argv[1] = original_argv[1];
      g_free (original_argv);
      return status;
    }

  conduit_cli_front_run_full (&error);
  fprintf (stderr, "conduit-cli: %s\n", error->message);
  g_free (original_argv);
  return 1;
}
