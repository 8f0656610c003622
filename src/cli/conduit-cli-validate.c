/* conduit-cli-validate.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-validate"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli validate FILE...
 *
 * Prints "FILE: ok" for a good flow, and "FILE:LINE: /pointer: message" for each problem of a
 * bad one, the form compilers use so that editors can jump to the line. */

int
conduit_cli_validate (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  ConduitConnectorRegistry *registry;
  int status = 0;

  context = g_option_context_new (_("FILE… — check flow files"));
  g_option_context_set_summary (context,
                                _("Prints “FILE: ok” for each valid flow, or each problem as "
                                  "“FILE:LINE: /json/pointer: message”. Exits with 0 when all "
                                  "files are valid, 1 otherwise."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc < 2)
    {
      fprintf (stderr, _("%s: name at least one flow file\n"), argv[0]);
      return 1;
    }

  registry = conduit_connector_registry_get_default ();

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[i]);
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(ConduitFlow) flow = NULL;
      g_autoptr(GError) load_error = NULL;

      flow = conduit_flow_new_from_file (registry, file, &problems, NULL, &load_error);
      if (flow != NULL)
        {
          printf ("%s: %s\n", argv[i], _("ok"));
          continue;
        }

      status = 1;
      if (problems == NULL)
        {
          printf ("%s: %s\n", argv[i], load_error->message);
          continue;
        }

      for (guint j = 0; j < problems->len; j++)
        {
          ConduitFlowProblem *problem = g_ptr_array_index (problems, j);
          g_autofree char *text = conduit_flow_problem_format (problem);

          printf ("%s:%s\n", argv[i], text);
        }
    }

  return status;
}
