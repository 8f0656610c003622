/* conduit-cli.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "conduit-cli-commands.h"
#include "conduit-slice.h"

/* conduit-cli runs the same engine as the app, headless: check flows, map records, run and
 * serve flows, read the run history and manage credentials on a server. */

typedef struct
{
  const char            *name;
  ConduitCliCommandFunc  func;
  const char            *summary;
} ConduitCliCommand;

static const ConduitCliCommand commands[] = {
  { "validate", conduit_cli_validate, N_("Check flow files and report every problem") },
  { "connector", conduit_cli_connector, N_("List the app catalogue, show an app, check app descriptors") },

  /* field mapping */
  { "map", conduit_cli_map, N_("Stream records through a field mapping") },

  /* runner and history */
  { "run", conduit_cli_run, N_("Run a flow once and print what each node did") },
  { "serve", conduit_cli_serve, N_("Serve flows’ webhooks and schedules until stopped") },
  { "history", conduit_cli_history, N_("List past runs, or show one run in detail") },

  /* credentials */
  { "credential", conduit_cli_credential, N_("List, show, store and delete credentials in the keyring") },

  /* deployment */
  { "deploy", conduit_cli_deploy, N_("Write what a server needs to serve flows") },

  /* saved tests */
  { "test", conduit_cli_test, N_("Run flows’ saved tests offline, or save a run as a test") },

};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage: conduit-cli COMMAND [OPTION…]"));
  fprintf (stream, "\n%s\n", _("Build, check and run Conduit integration flows without the desktop app."));
  fprintf (stream, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (stream, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (stream, "\n%s\n", _("Options:"));
  fprintf (stream, "  %-12s %s\n", "--help", _("Show this help"));
  fprintf (stream, "  %-12s %s\n", "--version", _("Show the version"));
  fprintf (stream, "\n%s\n", _("Run “conduit-cli COMMAND --help” for the options of a command."));
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  /* map streams arena values in one thread per batch and makes no slices to speak of: the
   * second start-up would cost it about as much processor time as 10,000 records */
  if (argc < 2 || strcmp (argv[1], "map") != 0)
    conduit_use_malloc_for_slices (argv);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("conduit-cli");

  if (argc < 2)
    {
      print_usage (stderr);
      return 1;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_usage (stdout);
      return 0;
    }

  if (g_str_equal (name, "--version") || g_str_equal (name, "-V"))
    {
      printf ("conduit-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (name, commands[i].name))
        {
          g_autofree char *prgname = g_strdup_printf ("conduit-cli %s", name);
          int status;

          argv[1] = prgname;
          status = commands[i].func (argc - 1, argv + 1);
          argv[1] = (char *)name;
          return status;
        }
    }

  fprintf (stderr, _("conduit-cli: unknown command “%s”\n"), name);
  fprintf (stderr, "%s\n", _("Run “conduit-cli --help” to see the commands."));
  return 1;
}
