/* conduit-cli-credential.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-credential"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli credential list | show ID | set ID --kind KIND [--field k=v…] | delete ID |
 *                        sign-in ID [--timeout SECONDS]
 *
 * Manages the credentials flows refer to, on a machine without the desktop app. A secret is
 * only ever read from standard input: a command line shows up in `ps`, shell history and
 * audit logs. `show` prints which secret is set, never its value.
 */

#define MAX_SECRET_BYTES (64 * 1024)

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n", _("Usage:"));
  fprintf (stream, "  conduit-cli credential list\n");
  fprintf (stream, "  conduit-cli credential show ID\n");
  fprintf (stream, "  conduit-cli credential set ID --kind KIND [--name NAME] [--field KEY=VALUE…]\n");
  fprintf (stream, "  conduit-cli credential delete ID\n");
  fprintf (stream, "  conduit-cli credential sign-in ID [--timeout SECONDS]\n");
  fprintf (stream, "\n%s\n", _("Keeps credentials in the keyring. “set” reads the secret from standard "
                               "input, never from the command line; “show” never prints it."));
  fprintf (stream, "\n%s\n", _("Kinds and their fields (* the secret, read from standard input):"));
  for (guint k = 0; k < CONDUIT_CREDENTIAL_N_KINDS; k++)
    {
      const ConduitCredentialFieldSpec *fields;
      guint n_fields;

      fields = conduit_credential_kind_get_fields (k, &n_fields);
      fprintf (stream, "  %-26s", conduit_credential_kind_to_string (k));
      for (guint i = 0; i < n_fields; i++)
        if (!fields[i].managed)
          fprintf (stream, " %s%s", fields[i].key, fields[i].secret ? "*" : "");
      fprintf (stream, "\n");
    }
  fprintf (stream, "\n%s\n", _("Without a keyring (on a server), set CONDUIT_CREDENTIAL_<ID> to the "
                               "credential’s JSON; see the README."));
}

static GPtrArray *
list_credentials (GError **error)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_list_async (store, NULL, on_done, &result);
  return conduit_credential_store_list_finish (store, wait_for_result (&result), error);
}

/* Returns (transfer full) the status column. An environment credential is loaded whole, secret
 * included, so it can be checked here; a keyring item's secret is not loaded by a listing. */
static char *
describe_status (ConduitCredential *credential,
                 gboolean           details)
{
  g_autoptr(GError) error = NULL;

  if (conduit_credential_get_locked (credential))
    return g_strdup (_("locked"));
  if (conduit_credential_get_needs_sign_in (credential))
    return g_strdup (_("needs sign-in again"));
  if (conduit_credential_get_attention (credential) != NULL)
    return g_strdup (_("needs attention"));
  if (conduit_credential_get_from_environment (credential) &&
      !conduit_credential_check (credential, &error))
    return details ? g_strdup_printf (_("incomplete: %s"), error->message)
                   : g_strdup (_("incomplete"));
  return g_strdup (_("ok"));
}

static int
command_list (const char *prgname)
{
  g_autoptr(GPtrArray) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = list_credentials (&error);
  if (credentials == NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  if (credentials->len == 0)
    {
      fprintf (stderr, "%s\n", _("No credentials yet. Add one with “conduit-cli credential set”."));
      return 0;
    }

  printf ("%-24s %-26s %-16s %s\n", _("ID"), _("KIND"), _("STATUS"), _("NAME"));
  for (guint i = 0; i < credentials->len; i++)
    {
      ConduitCredential *credential = g_ptr_array_index (credentials, i);
      g_autofree char *status = describe_status (credential, FALSE);

      if (conduit_credential_get_from_environment (credential))
        {
          gboolean complete = g_str_equal (status, _("ok"));

          g_free (status);
          status = g_strdup (complete ? _("environment") : _("environment, incomplete"));
        }

      printf ("%-24s %-26s %-16s %s\n", conduit_credential_get_id (credential),
              conduit_credential_kind_to_string (conduit_credential_get_kind (credential)),
              status, conduit_credential_get_name (credential));
    }

  return 0;
}

static int
command_show (const char *prgname,
              const char *id)
{
  g_autoptr(GPtrArray) credentials = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential = NULL;
  const ConduitCredentialFieldSpec *fields;
  ConduitCredentialKind kind;
  guint n_fields;

  credentials = list_credentials (&error);
  if (credentials == NULL &&
      g_error_matches (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NO_KEYRING))
    {
      g_autofree char *env_name = conduit_credential_dup_env_name (id);

      fprintf (stderr, _("%s: credential “%s” is not in your keyring: no keyring runs here, and "
                         "%s is not set\n"), prgname, id, env_name);
      return 1;
    }
  else if (credentials == NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  for (guint i = 0; i < credentials->len && credential == NULL; i++)
    if (g_str_equal (conduit_credential_get_id (g_ptr_array_index (credentials, i)), id))
      credential = g_ptr_array_index (credentials, i);

  /* an environment credential without "id" is listed under its variable's name */
  for (guint i = 0; i < credentials->len && credential == NULL; i++)
    {
      ConduitCredential *candidate = g_ptr_array_index (credentials, i);
      g_autofree char *env_name = conduit_credential_dup_env_name (id);
      g_autofree char *other = conduit_credential_dup_env_name (conduit_credential_get_id (candidate));

      if (conduit_credential_get_from_environment (candidate) && g_str_equal (env_name, other))
        credential = candidate;
    }

  if (credential == NULL)
    {
      fprintf (stderr, _("%s: credential “%s” is not in your keyring\n"), prgname, id);
      return 1;
    }

  kind = conduit_credential_get_kind (credential);
  printf ("%-14s %s\n", "id:", conduit_credential_get_id (credential));
  printf ("%-14s %s\n", "name:", conduit_credential_get_name (credential));
  printf ("%-14s %s (%s)\n", "kind:", conduit_credential_kind_to_string (kind),
          conduit_credential_kind_get_label (kind));
  if (conduit_credential_get_from_environment (credential))
    {
      g_autofree char *env_name = conduit_credential_dup_env_name (id);

      printf ("%-14s %s %s\n", "source:", _("environment variable"), env_name);
    }
  else
    {
      printf ("%-14s %s\n", "source:", _("keyring"));
    }

  fields = conduit_credential_kind_get_fields (kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *label = g_strdup_printf ("%s:", fields[i].key);
      const char *value;

      if (fields[i].secret)
        {
          /* a listing does not load a keyring item's secrets (only a locked item might lack
           * one); an environment credential is loaded whole, so a missing secret shows */
          if (conduit_credential_get_locked (credential))
            printf ("%-14s %s\n", label, _("(locked)"));
          else if (conduit_credential_get_from_environment (credential) &&
                   conduit_credential_get_secret (credential, fields[i].key) == NULL)
            printf ("%-14s %s\n", label, _("(missing)"));
          else
            printf ("%-14s %s\n", label, CONDUIT_REDACTED);
          continue;
        }

      value = conduit_credential_get_field (credential, fields[i].key);
      if (value != NULL && *value != '\0')
        printf ("%-14s %s\n", label, value);
      else
        printf ("%s\n", label);
    }

  {
    g_autofree char *status = describe_status (credential, TRUE);

    printf ("%-14s %s\n", "status:", status);
  }
  if (conduit_credential_get_attention (credential) != NULL)
    printf ("%-14s %s\n", "server said:", conduit_credential_get_attention (credential));

  return 0;
}

static char *
read_secret (const char  *prompt,
             GError     **error)
{
  g_autoptr(GString) secret = g_string_new (NULL);
  struct termios saved, quiet;
  gboolean restore = FALSE;
  char buffer[4096];
  gsize n;

  if (isatty (STDIN_FILENO))
    {
      fprintf (stderr, "%s", prompt);
      fflush (stderr);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t)ECHO;
          restore = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    {
      g_string_append_len (secret, buffer, n);
      explicit_bzero (buffer, sizeof buffer);
      if (secret->len > MAX_SECRET_BYTES)
        break;
      /* typed at a terminal, one line is the whole secret */
      if (restore && memchr (secret->str, '\n', secret->len) != NULL)
        break;
    }

  if (restore)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      fprintf (stderr, "\n");
    }

  if (secret->len > MAX_SECRET_BYTES)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the secret on standard input is longer than %d bytes"), MAX_SECRET_BYTES);
      explicit_bzero (secret->str, secret->len);
      return NULL;
    }

  /* `echo secret |` and a typed line both end in a newline that is not part of the secret */
  if (secret->len > 0 && secret->str[secret->len - 1] == '\n')
    g_string_truncate (secret, secret->len - 1);
  if (secret->len > 0 && secret->str[secret->len - 1] == '\r')
    g_string_truncate (secret, secret->len - 1);

  if (memchr (secret->str, '\0', secret->len) != NULL || !g_utf8_validate (secret->str, secret->len, NULL))
    {
      g_set_error_literal (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                           _("the secret on standard input is not text"));
      explicit_bzero (secret->str, secret->len);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&secret), FALSE);
}

static ConduitCredential *
lookup_existing (const char  *id,
                 GError     **error)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  ConduitCredential *credential;

  conduit_credential_store_lookup_async (store, id, NULL, on_done, &result);
  credential = conduit_credential_store_lookup_finish (store, wait_for_result (&result),
                                                       &local_error);
  if (credential == NULL &&
      !g_error_matches (local_error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND) &&
      !g_error_matches (local_error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return credential;
}

static int
command_set (const char  *prgname,
             int          argc,
             char       **argv)
{
  g_autofree char *kind_name = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) field_args = NULL;
  const GOptionEntry entries[] = {
    { "kind", 'k', 0, G_OPTION_ARG_STRING, &kind_name,
      N_("api-key, bearer, basic, oauth2-client-credentials, hmac, oauth2-authorization-code or "
         "jwt-bearer"), N_("KIND") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, N_("A name for people"), N_("NAME") },
    { "field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &field_args,
      N_("A non-secret field, such as header=X-API-Key; repeat for more"), N_("KEY=VALUE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID — store a credential"));
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) existing = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const ConduitCredentialFieldSpec *secret_field;
  ConduitCredentialKind kind;
  g_autofree char *prompt = NULL;
  char *secret;
  const char *id;

  g_option_context_set_summary (context, _("The secret is read from standard input. Leave standard "
                                           "input empty to keep the secret of an existing "
                                           "credential of the same kind."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* --help says "Usage: conduit-cli credential set …" */
  g_set_prgname (prgname);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  if (argc != 2)
    {
      fprintf (stderr, _("%s: name exactly one credential id\n"), prgname);
      return 1;
    }
  id = argv[1];

  if (!conduit_credential_id_is_valid (id))
    {
      fprintf (stderr, _("%s: “%s” cannot be a credential id: use letters, digits, “-”, “_” "
                         "and “.”\n"), prgname, id);
      return 1;
    }

  existing = lookup_existing (id, &error);
  if (error != NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  /* The variable wins over the keyring, so an item stored now would never be used: refuse, as
   * `delete` does, instead of reporting a success that changes nothing. */
  if (existing != NULL && conduit_credential_get_from_environment (existing))
    {
      g_autofree char *env_name = conduit_credential_dup_env_name (id);

      fprintf (stderr, _("%s: credential “%s” comes from the environment variable %s, which wins "
                         "over the keyring: change or unset the variable instead\n"),
               prgname, id, env_name);
      return 1;
    }

  if (kind_name != NULL)
    {
      if (!conduit_credential_kind_from_string (kind_name, &kind))
        {
          fprintf (stderr, _("%s: unknown kind “%s”; use api-key, bearer, basic, "
                             "oauth2-client-credentials, hmac, oauth2-authorization-code or "
                             "jwt-bearer\n"), prgname, kind_name);
          return 1;
        }
    }
  else if (existing != NULL)
    {
      kind = conduit_credential_get_kind (existing);
    }
  else
    {
      fprintf (stderr, _("%s: say which kind of credential “%s” is with --kind\n"), prgname, id);
      return 1;
    }

  /* an update of the same kind starts from what is stored */
  if (existing != NULL && conduit_credential_get_kind (existing) == kind)
    credential = conduit_credential_copy (existing);
  else
    credential = conduit_credential_new (id, kind);
  conduit_credential_set_attention (credential, NULL);

  if (name != NULL)
    conduit_credential_set_name (credential, name);

  for (guint i = 0; field_args != NULL && field_args[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (field_args[i], "=", 2);
      const ConduitCredentialFieldSpec *spec;

      if (pair[0] == NULL || pair[1] == NULL)
        {
          fprintf (stderr, _("%s: --field needs KEY=VALUE, not “%s”\n"), prgname, field_args[i]);
          return 1;
        }

      spec = conduit_credential_kind_find_field (kind, pair[0]);
      if (spec != NULL && spec->secret)
        {
          /* the value is already in this process's argv; at least do not store it */
          fprintf (stderr, _("%s: “%s” is the secret: give it on standard input, never on the "
                             "command line\n"), prgname, pair[0]);
          return 1;
        }

      if (!conduit_credential_set_field (credential, pair[0], pair[1], &error))
        {
          fprintf (stderr, "%s: %s\n", prgname, error->message);
          return 1;
        }
    }

  secret_field = conduit_credential_kind_get_secret_field (kind);
  prompt = g_strdup_printf (_("%s for “%s”: "), _(secret_field->label), id);
  secret = read_secret (prompt, &error);
  if (secret == NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  if (*secret != '\0')
    conduit_credential_set_secret (credential, secret_field->key, secret, NULL);
  explicit_bzero (secret, strlen (secret));
  g_free (secret);

  /* a sign-in credential of a public client has no secret to give: its tokens come later */
  if (!conduit_credential_has_secrets (credential) && secret_field->required)
    {
      fprintf (stderr, _("%s: standard input is empty: pipe in the “%s”, for example: "
                         "printf %%s \"$TOKEN\" | conduit-cli credential set %s …\n"),
               prgname, _(secret_field->label), id);
      return 1;
    }

  conduit_credential_store_save_async (store, credential, NULL, on_done, &result);
  if (!conduit_credential_store_save_finish (store, wait_for_result (&result), &error))
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  printf (_("Stored credential “%s” (%s) in the keyring.\n"), id,
          conduit_credential_kind_get_label (kind));
  return 0;
}

static int
command_delete (const char *prgname,
                const char *id)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  conduit_credential_store_delete_async (store, id, NULL, on_done, &result);
  if (!conduit_credential_store_delete_finish (store, wait_for_result (&result), &error))
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  printf (_("Deleted credential “%s” from the keyring.\n"), id);
  return 0;
}

static int
command_sign_in (const char *prgname,
                 int         argc,
                 char      **argv)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitOAuthSignIn) sign_in = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int timeout = CONDUIT_OAUTH_SIGN_IN_DEFAULT_TIMEOUT_SECONDS;
  const char *id;
  GOptionEntry entries[] = {
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      N_("How long to wait for the browser, in seconds (300)"), N_("SECONDS") },
    { NULL }
  };

  context = g_option_context_new (_("ID"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }
  if (argc != 2)
    {
      fprintf (stderr, _("%s: name exactly one credential id\n"), prgname);
      return 1;
    }
  if (timeout <= 0)
    {
      fprintf (stderr, _("%s: --timeout must be a number of seconds above 0\n"), prgname);
      return 1;
    }
  id = argv[1];

  conduit_credential_store_lookup_async (store, id, NULL, on_done, &result);
  credential = conduit_credential_store_lookup_finish (store, wait_for_result (&result), &error);
  g_clear_object (&result);
  if (credential == NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  if (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE)
    {
      fprintf (stderr, _("%s: credential “%s” is of kind %s; only %s credentials sign in with "
                         "the browser\n"), prgname, id,
               conduit_credential_kind_to_string (conduit_credential_get_kind (credential)),
               conduit_credential_kind_to_string (CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE));
      return 1;
    }

  if (conduit_credential_get_from_environment (credential))
    {
      g_autofree char *env_name = conduit_credential_dup_env_name (id);

      fprintf (stderr, _("%s: credential “%s” comes from %s, where new tokens cannot be kept; "
                         "sign in where a keyring runs and move the credential with its tokens "
                         "into the variable\n"), prgname, id, env_name);
      return 1;
    }

  session = soup_session_new ();
  sign_in = conduit_oauth_sign_in_new (session, credential);
  conduit_oauth_sign_in_set_timeout (sign_in, (guint)timeout);
  if (!conduit_oauth_sign_in_start (sign_in, &error))
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  /* the address goes to standard output alone on its line, so a script can pick it up */
  printf (_("Open this address in a browser to sign in to “%s”:\n"), id);
  printf ("%s\n", conduit_oauth_sign_in_get_uri (sign_in));
  printf (_("Waiting for the browser to come back to %s …\n"),
          conduit_oauth_sign_in_get_redirect_uri (sign_in));
  fflush (stdout);

  conduit_oauth_sign_in_wait_async (sign_in, NULL, on_done, &result);
  signed_in = conduit_oauth_sign_in_wait_finish (sign_in, wait_for_result (&result), &error);
  g_clear_object (&result);
  if (signed_in == NULL)
    {
      fprintf (stderr, "%s: %s\n", prgname, error->message);
      return 1;
    }

  conduit_credential_store_save_async (store, signed_in, NULL, on_done, &result);
  if (!conduit_credential_store_save_finish (store, wait_for_result (&result), &error))
    {
      fprintf (stderr, _("%s: signed in, but the tokens could not be kept: %s\n"), prgname,
               error->message);
      return 1;
    }

  printf (_("Signed in: the tokens of “%s” are in the keyring.\n"), id);
  return 0;
}

int
conduit_cli_credential (int    argc,
                        char **argv)
{
  g_autofree char *prgname = NULL;
  const char *command;

  /* a library warning that quotes a secret must not print it */
  conduit_redactor_install_log_writer (conduit_redactor_get_default ());

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 1 : 0;
    }

  command = argv[1];
  prgname = g_strdup_printf ("%s %s", argv[0], command);

  if (g_str_equal (command, "list") && argc == 2)
    return command_list (prgname);

  if (g_str_equal (command, "show") && argc == 3)
    return command_show (prgname, argv[2]);

  if (g_str_equal (command, "delete") && argc == 3)
    return command_delete (prgname, argv[2]);

  if (g_str_equal (command, "set"))
    {
      argv[1] = prgname;
      return command_set (prgname, argc - 1, argv + 1);
    }

  if (g_str_equal (command, "sign-in"))
    {
      argv[1] = prgname;
      return command_sign_in (prgname, argc - 1, argv + 1);
    }

  if (g_str_equal (command, "list") || g_str_equal (command, "show") ||
      g_str_equal (command, "delete"))
    fprintf (stderr, _("%s: wrong number of arguments\n"), prgname);
  else
    fprintf (stderr, _("%s: unknown command “%s”\n"), argv[0], command);
  print_usage (stderr);
  return 1;
}
