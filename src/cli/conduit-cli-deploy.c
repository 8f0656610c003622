/* conduit-cli-deploy.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-cli-commands.h"
#include "conduit-deployment.h"

/* conduit-cli deploy FLOW… --to DIR: what a server needs to serve the flows, written by the
 * same core function as the app's Deploy…. Secrets stay in the keyring unless the person asks
 * for them with --with-secrets and confirms (or says --yes): a file of secrets is a decision. */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
confirm_secrets (const char *dir,
                 GPtrArray  *ids)
{
  char answer[16] = { 0, };

  if (!isatty (STDIN_FILENO))
    return FALSE;

  fprintf (stderr, _("This writes the secrets of %u credentials into %s/conduit.env and "
                     "container.env (mode 600). Anyone who can read those files can use them.\n"
                     "Type “yes” to go on: "), ids->len, dir);
  fflush (stderr);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  return g_str_equal (answer, "yes") || g_str_equal (answer, _("yes"));
}

/* Loads each credential from the keyring (or the environment), secret included, into the
 * deployment. A credential that cannot be loaded is named and left to fill in by hand. */
static guint
fill_credentials (ConduitDeployment *deployment,
                  GPtrArray         *ids,
                  const char        *prgname)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  guint filled = 0;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(JsonNode) json = NULL;
      g_autofree char *text = NULL;

      conduit_credential_store_lookup_async (store, id, NULL, on_done, &result);
      credential = conduit_credential_store_lookup_finish (store, wait_for_result (&result), &error);
      if (credential == NULL)
        {
          fprintf (stderr, _("%s: credential “%s” stays to fill in: %s\n"), prgname, id,
                   error->message);
          continue;
        }

      json = conduit_credential_to_json (credential, TRUE);
      text = json_to_string (json, FALSE);
      conduit_deployment_set_credential_json (deployment, id, text);
      explicit_bzero (text, strlen (text));
      filled++;
    }
  return filled;
}

int
conduit_cli_deploy (int    argc,
                    char **argv)
{
  g_autofree char *to = NULL;
  gboolean with_secrets = FALSE;
  gboolean yes = FALSE;
  const GOptionEntry entries[] = {
    { "to", 't', 0, G_OPTION_ARG_FILENAME, &to,
      N_("The folder to write (new, empty, or an earlier deployment)"), N_("DIR") },
    { "with-secrets", 0, 0, G_OPTION_ARG_NONE, &with_secrets,
      N_("Copy the credentials' secrets from the keyring into the environment files (asks first)"),
      NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
      N_("With --with-secrets: do not ask (for scripts)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FLOW… --to DIR — prepare flows "
                                                              "for a server"));
  g_autoptr(ConduitDeployment) deployment = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *self_path = NULL;

  g_option_context_set_summary (context,
                                _("Writes what a server needs to serve the flows with "
                                  "“conduit-cli serve”: the flows, conduit-cli, a hardened systemd "
                                  "unit, an environment file naming the credentials (mode 600), a "
                                  "container file and a README with the commands to start it. "
                                  "Exits with 0 when written, 1 otherwise."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_set_prgname ("conduit-cli deploy");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  if (argc < 2)
    {
      fprintf (stderr, _("%s: name at least one flow file\n"), g_get_prgname ());
      return 1;
    }
  if (to == NULL)
    {
      fprintf (stderr, _("%s: say where to write with --to DIR\n"), g_get_prgname ());
      return 1;
    }

  deployment = conduit_deployment_new (conduit_connector_registry_get_default ());
  for (int i = 1; i < argc; i++)
    {
      if (!conduit_deployment_add_flow (deployment, argv[i], &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }

  ids = conduit_deployment_list_credential_ids (deployment);
  if (with_secrets && ids->len > 0)
    {
      if (!yes && !confirm_secrets (to, ids))
        {
          fprintf (stderr, _("%s: not writing secrets without a confirmation: type “yes” at the "
                             "question, or add --yes; nothing was written\n"), g_get_prgname ());
          return 1;
        }
      fill_credentials (deployment, ids, g_get_prgname ());
    }

  /* the server gets this very conduit-cli, the one the flows were checked with */
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  conduit_deployment_set_executable (deployment, self_path);

  if (!conduit_deployment_write (deployment, to, notes, &error))
    {
      fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  printf (_("Wrote the deployment of %u flows to %s; its README.md says how to start it.\n"),
          (guint)(argc - 1), to);
  if (ids->len > 0)
    {
      printf (_("Credentials the server needs (in conduit.env):"));
      for (guint i = 0; i < ids->len; i++)
        printf (" %s", (char *)g_ptr_array_index (ids, i));
      printf ("\n");
    }
  for (guint i = 0; i < notes->len; i++)
    printf (_("Note: %s\n"), (char *)g_ptr_array_index (notes, i));

  return 0;
}
