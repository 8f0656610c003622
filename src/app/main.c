/* main.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "conduit-application.h"
#include "conduit-slice.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(ConduitApplication) application = NULL;

  conduit_use_malloc_for_slices (argv);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = conduit_application_new ();

  return g_application_run (G_APPLICATION (application), argc, argv);
}
