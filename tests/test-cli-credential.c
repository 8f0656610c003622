/* test-cli-credential.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <unistd.h>

#define SECRET_API_SUBJECT_TO_CHANGE

#include "conduit.h"
#include "oauth-test-server.h"
#include "test-keyring.h"

/* Drives `conduit-cli credential` as a person or a deployment script would, with the secret on
 * standard input, against the throwaway keyring of tests/run-headless, and reads the keyring
 * back with secret-tool, a client that is not Conduit. */

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs argv with @input on standard input and @env_pairs ("NAME=VALUE", NULL-terminated)
 * added to the environment. */
static void
run_command (Run                *run,
             const char         *input,
             const char * const *env_pairs,
             const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *input_path = NULL;
  int fd;

  /* Standard input from a file, not a pipe: a command that refuses before it reads its input
   * exits at once, and writing to a pipe it closed would fail the test by chance (EPIPE). */
  fd = g_file_open_tmp ("conduit-cli-input-XXXXXX", &input_path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (input_path, input ? input : "", -1, &error));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_stdin_file_path (launcher, input_path);
  for (guint i = 0; env_pairs != NULL && env_pairs[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env_pairs[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  g_unlink (input_path);

  g_test_message ("%s %s → %d\n%s%s", argv[0], argv[1] ? argv[1] : "", run->status, run->out,
                  run->err);
}

#define CLI(run, input, env, ...) \
  G_STMT_START { \
    const char *_argv[] = { g_getenv ("CONDUIT_CLI"), "credential", __VA_ARGS__, NULL }; \
    run_clear (run); \
    run_command (run, input, env, _argv); \
  } G_STMT_END

static void
test_set_show_list_delete (void)
{
  g_auto(Run) run = { 0, };
  g_autofree char *search = NULL;
  const char *search_argv[] = { "secret-tool", "search", "--all", "conduit-id", "t-cli-key", NULL };
  const char *lookup_argv[] = { "secret-tool", "lookup", "conduit-id", "t-cli-key", NULL };

  CLI (&run, "cli-secret-7777\n", NULL, "set", "t-cli-key", "--kind", "api-key", "--name",
       "CLI key", "--field", "header=X-Cli-Key");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Stored credential “t-cli-key” (API key) in the keyring.\n");

  CLI (&run, NULL, NULL, "show", "t-cli-key");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "name:          CLI key\n"));
  g_assert_nonnull (strstr (run.out, "kind:          api-key (API key)\n"));
  g_assert_nonnull (strstr (run.out, "header:        X-Cli-Key\n"));
  g_assert_nonnull (strstr (run.out, "key:           ••••\n"));
  g_assert_nonnull (strstr (run.out, "status:        ok\n"));
  g_assert_null (strstr (run.out, "cli-secret-7777"));
  g_assert_null (strstr (run.err, "cli-secret-7777"));

  CLI (&run, NULL, NULL, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^t-cli-key +api-key +ok +CLI key$", run.out,
                                       G_REGEX_MULTILINE, 0));
  g_assert_null (strstr (run.out, "cli-secret-7777"));

  /* another client sees Conduit's item with its attributes… */
  run_clear (&run);
  run_command (&run, NULL, NULL, search_argv);
  g_assert_cmpint (run.status, ==, 0);
  search = g_strconcat (run.out, run.err, NULL);
  g_assert_nonnull (strstr (search, "schema = io.conduit.Conduit.Credential"));
  g_assert_nonnull (strstr (search, "label = Conduit credential “CLI key”"));
  g_assert_nonnull (strstr (search, "attribute.conduit-id = t-cli-key"));
  g_assert_nonnull (strstr (search, "attribute.kind = api-key"));
  g_assert_nonnull (strstr (search, "attribute.header = X-Cli-Key"));
  g_assert_nonnull (strstr (search, "attribute.name = CLI key"));

  /* …and the secret, without the newline `echo` added */
  run_clear (&run);
  run_command (&run, NULL, NULL, lookup_argv);
  g_assert_cmpstr (run.out, ==, "{\"key\":\"cli-secret-7777\"}");

  /* changing a field with nothing on standard input keeps the secret */
  CLI (&run, "", NULL, "set", "t-cli-key", "--field", "header=X-Other-Key");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  run_command (&run, NULL, NULL, lookup_argv);
  g_assert_cmpstr (run.out, ==, "{\"key\":\"cli-secret-7777\"}");
  CLI (&run, NULL, NULL, "show", "t-cli-key");
  g_assert_nonnull (strstr (run.out, "header:        X-Other-Key\n"));
  g_assert_nonnull (strstr (run.out, "name:          CLI key\n"));

  CLI (&run, NULL, NULL, "delete", "t-cli-key");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "Deleted credential “t-cli-key” from the keyring.\n");

  CLI (&run, NULL, NULL, "show", "t-cli-key");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==,
                   "conduit-cli credential show: credential “t-cli-key” is not in your keyring\n");

  CLI (&run, NULL, NULL, "delete", "t-cli-key");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "credential “t-cli-key” is not in your keyring"));
}

/* A service account's key file is the secret: piped in whole, never printed. */
static void
test_service_account_key (void)
{
  g_auto(Run) run = { 0, };
  const char *key = "{\n  \"type\": \"service_account\",\n  \"client_email\": "
                    "\"sync@example.iam.gserviceaccount.com\",\n  \"private_key\": "
                    "\"-----BEGIN PRIVATE KEY-----\\nMIIEvQ-private-part-7731\\n-----END "
                    "PRIVATE KEY-----\\n\"\n}\n";
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredentialStore *store = conduit_credential_store_get_default ();

  CLI (&run, key, NULL, "set", "t-cli-sa", "--kind", "jwt-bearer", "--field",
       "scope=https://www.googleapis.com/auth/spreadsheets");
  g_assert_cmpint (run.status, ==, 0);

  CLI (&run, NULL, NULL, "show", "t-cli-sa");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "scope:"));
  g_assert_null (strstr (run.out, "private-part-7731"));

  conduit_credential_store_lookup_async (store, "t-cli-sa", NULL, test_keyring_on_done, &result);
  kept = conduit_credential_store_lookup_finish (store, test_keyring_wait (&result), &error);
  g_assert_no_error (error);
  /* the whole multi-line file, without the final newline */
  g_assert_true (g_str_has_prefix (conduit_credential_get_secret (kept, "key"), "{\n  \"type\""));
  g_assert_true (g_str_has_suffix (conduit_credential_get_secret (kept, "key"), "\n}"));

  CLI (&run, NULL, NULL, "delete", "t-cli-sa");
}

static void
test_bad_use (void)
{
  g_auto(Run) run = { 0, };

  CLI (&run, NULL, NULL, "set", "t-cli-bad", "--kind", "bearer", "--field", "token=on-the-line");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "“token” is the secret: give it on standard input, never on "
                                     "the command line"));

  CLI (&run, "x", NULL, "set", "t-cli-bad");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "say which kind of credential “t-cli-bad” is with --kind"));

  CLI (&run, "x", NULL, "set", "t-cli-bad", "--kind", "kerberos");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "unknown kind “kerberos”"));

  CLI (&run, "x", NULL, "set", "t-cli-bad", "--kind", "bearer", "--field", "colour=red");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "a credential of kind bearer has no field “colour”"));

  CLI (&run, "", NULL, "set", "t-cli-bad", "--kind", "bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "standard input is empty: pipe in the “Token”"));

  CLI (&run, "pw", NULL, "set", "t-cli-bad", "--kind", "basic");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "credential “t-cli-bad” (User name and password) has no "
                                     "“User name”"));

  CLI (&run, "client-secret-8\n", NULL, "set", "t-cli-bad", "--kind", "oauth2-client-credentials",
       "--field", "token_url=http://example.com/token", "--field", "client_id=c");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==,
                   "conduit-cli credential set: the token URL “http://example.com/token” of "
                   "credential “t-cli-bad” must start with https://: over http:// the client "
                   "secret would be sent unencrypted (http:// is only allowed to this computer: "
                   "localhost, 127.0.0.1 or ::1)\n");
  g_assert_null (strstr (run.err, "client-secret-8"));

  CLI (&run, "x", NULL, "set", "bad id!", "--kind", "bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "“bad id!” cannot be a credential id"));

  CLI (&run, NULL, NULL, "rotate", "t-cli-bad");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "unknown command “rotate”"));

  CLI (&run, NULL, NULL, "show");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "wrong number of arguments"));

  /* none of the refused commands left anything behind */
  CLI (&run, NULL, NULL, "show", "t-cli-bad");
  g_assert_cmpint (run.status, ==, 1);
}

static void
test_environment (void)
{
  g_auto(Run) run = { 0, };
  const char *env[] = {
    "CONDUIT_CREDENTIAL_T_CLI_ENV={\"id\": \"t-cli-env\", \"kind\": \"bearer\", \"name\": \"Server token\","
    " \"secret\": \"env-cli-secret-3\"}",
    NULL
  };

  CLI (&run, NULL, env, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^t-cli-env +bearer +environment +Server token$", run.out,
                                       G_REGEX_MULTILINE, 0));

  CLI (&run, NULL, env, "show", "t-cli-env");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "source:        environment variable "
                                     "CONDUIT_CREDENTIAL_T_CLI_ENV\n"));
  g_assert_nonnull (strstr (run.out, "token:         ••••\n"));
  g_assert_null (strstr (run.out, "env-cli-secret-3"));

  CLI (&run, NULL, env, "delete", "t-cli-env");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "comes from the environment variable "
                                     "CONDUIT_CREDENTIAL_T_CLI_ENV: unset it there"));

  /* `set` refuses the same id as `delete` does: a keyring item would be shadowed, never used */
  CLI (&run, "keyring-secret-4", env, "set", "t-cli-env", "--kind", "bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "comes from the environment variable "
                                     "CONDUIT_CREDENTIAL_T_CLI_ENV, which wins over the keyring"));
  CLI (&run, NULL, NULL, "show", "t-cli-env");
  g_assert_cmpint (run.status, ==, 1);
}

/* An environment credential without its secret is not "ok": show says what is missing. */
static void
test_environment_incomplete (void)
{
  g_auto(Run) run = { 0, };
  const char *env[] = { "CONDUIT_CREDENTIAL_T_CLI_NOSECRET={\"kind\": \"bearer\"}", NULL };

  CLI (&run, NULL, env, "show", "t-cli-nosecret");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "token:         (missing)\n"));
  g_assert_null (strstr (run.out, "status:        ok"));
  g_assert_nonnull (strstr (run.out, "status:        incomplete: "));

  CLI (&run, NULL, env, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^t_cli_nosecret +bearer +environment, incomplete", run.out,
                                       G_REGEX_MULTILINE, 0));
}

static void
test_no_keyring (void)
{
  g_auto(Run) run = { 0, };
  /* a server: no session bus at all (a bad address, so that GLib does not autolaunch one) */
  const char *no_bus[] = { "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/conduit-test", NULL };
  const char *no_bus_with_env[] = {
    "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/conduit-test",
    "CONDUIT_CREDENTIAL_T_CLI_SERVER={\"kind\": \"api-key\", \"secret\": \"server-secret-8\"}",
    NULL
  };

  CLI (&run, NULL, no_bus_with_env, "show", "t-cli-server");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "key:           ••••\n"));
  g_assert_null (strstr (run.out, "server-secret-8"));

  /* without "id" in the JSON, a listing names it after the variable */
  CLI (&run, NULL, no_bus_with_env, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_regex_match_simple ("^t_cli_server +api-key +environment +t_cli_server$",
                                       run.out, G_REGEX_MULTILINE, 0));

  CLI (&run, NULL, no_bus, "show", "t-cli-server");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, "conduit-cli credential show: credential “t-cli-server” is not in "
                                "your keyring: no keyring runs here, and "
                                "CONDUIT_CREDENTIAL_T_CLI_SERVER is not set\n");

  CLI (&run, NULL, no_bus, "list");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no keyring answers in this session"));
  g_assert_nonnull (strstr (run.err, "CONDUIT_CREDENTIAL_<ID>"));

  CLI (&run, "x", no_bus, "set", "t-cli-server2", "--kind", "bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "no keyring answers in this session"));
}

static void
test_written_by_another_client (void)
{
  g_auto(Run) run = { 0, };
  const char *store_argv[] = { "secret-tool", "store", "--label=typed by hand",
                               "xdg:schema", "io.conduit.Conduit.Credential",
                               "conduit-id", "t-cli-by-hand", "kind", "bearer", NULL };

  run_command (&run, "hand-token-4", NULL, store_argv);
  g_assert_cmpint (run.status, ==, 0);

  CLI (&run, NULL, NULL, "show", "t-cli-by-hand");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "kind:          bearer (Bearer token)\n"));
  g_assert_null (strstr (run.out, "hand-token-4"));

  CLI (&run, NULL, NULL, "delete", "t-cli-by-hand");
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_locked_keyring (void)
{
  g_auto(Run) run = { 0, };
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *collection = NULL;
  const char *message = "the keyring that holds credential “t-cli-locked” is locked: unlock it "
                        "(log in again, or use Passwords and Keys) and try again\n";
  g_autofree char *set_error = g_strconcat ("conduit-cli credential set: ", message, NULL);
  g_autofree char *delete_error = g_strconcat ("conduit-cli credential delete: ", message, NULL);

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_assert_no_error (error);
  collection = test_keyring_locked_collection_new (service, "t-cli-locked",
                                                   "{\"kind\": \"bearer\", \"secret\": \"locked-7\"}",
                                                   &error);
  if (collection == NULL)
    {
      g_test_skip (error->message);
      return;
    }

  CLI (&run, NULL, NULL, "show", "t-cli-locked");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "token:         (locked)\n"));
  g_assert_nonnull (strstr (run.out, "status:        locked\n"));

  CLI (&run, NULL, NULL, "list");
  g_assert_true (g_regex_match_simple ("^t-cli-locked +bearer +locked +t-cli-locked$", run.out,
                                       G_REGEX_MULTILINE, 0));

  CLI (&run, "new-secret", NULL, "set", "t-cli-locked", "--kind", "bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, set_error);

  CLI (&run, NULL, NULL, "delete", "t-cli-locked");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.err, ==, delete_error);

  test_keyring_collection_delete (service, collection);
}

typedef struct
{
  GDataInputStream *out;
  SoupSession      *browser;
  char             *uri;
  gboolean          exited;
  gboolean          visited;
  GString          *printed;
} SignInRun;

static void on_line (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
on_visited (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SignInRun *sign_in_run = user_data;
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  g_assert_nonnull (page);
  sign_in_run->visited = TRUE;
}

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SignInRun *sign_in_run = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, NULL);

  if (line == NULL)
    return;

  g_string_append_printf (sign_in_run->printed, "%s\n", line);
  /* the address is alone on its line: play the browser with it */
  if (sign_in_run->uri == NULL && g_str_has_prefix (line, "http://"))
    {
      g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, line);

      sign_in_run->uri = g_strdup (line);
      soup_session_send_and_read_async (sign_in_run->browser, msg, G_PRIORITY_DEFAULT, NULL,
                                        on_visited, sign_in_run);
    }

  g_data_input_stream_read_line_async (sign_in_run->out, G_PRIORITY_DEFAULT, NULL, on_line,
                                       sign_in_run);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SignInRun *sign_in_run = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  sign_in_run->exited = TRUE;
}

static void
test_sign_in (void)
{
  g_auto(Run) run = { 0, };
  g_autoptr(OAuthTestServer) auth = oauth_test_server_new ("cli-public-client", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *authorize_field = NULL;
  g_autofree char *token_field = NULL;
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  SignInRun sign_in_run = { 0 };

  authorize_field = g_strdup_printf ("authorize_url=%s/authorize", auth->base);
  token_field = g_strdup_printf ("token_url=%s/token", auth->base);

  /* a public client: no secret on standard input */
  CLI (&run, "", NULL, "set", "t-cli-sign-in", "--kind", "oauth2-authorization-code",
       "--field", authorize_field, "--field", token_field, "--field", "client_id=cli-public-client");
  g_assert_cmpint (run.status, ==, 0);

  /* a timeout must be a real one */
  CLI (&run, NULL, NULL, "sign-in", "t-cli-sign-in", "--timeout", "0");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "--timeout"));

  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "credential", "sign-in", "t-cli-sign-in",
                           "--timeout", "60", NULL };
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    /* loopback only: no proxy from the environment, no system proxy lookup (libproxy aborts
     * under the sanitizers) */
    g_subprocess_launcher_unsetenv (launcher, "http_proxy");
    g_subprocess_launcher_unsetenv (launcher, "HTTP_PROXY");
    g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
    process = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
  }

  sign_in_run.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  sign_in_run.browser = soup_session_new ();
  soup_session_set_proxy_resolver (sign_in_run.browser, NULL);
  sign_in_run.printed = g_string_new (NULL);
  g_data_input_stream_read_line_async (sign_in_run.out, G_PRIORITY_DEFAULT, NULL, on_line,
                                       &sign_in_run);
  g_subprocess_wait_async (process, NULL, on_exited, &sign_in_run);
  /* bounded by the command's own --timeout */
  while (!sign_in_run.exited || !sign_in_run.visited)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("sign-in printed:\n%s", sign_in_run.printed->str);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (sign_in_run.uri);
  g_assert_nonnull (strstr (sign_in_run.uri, "code_challenge_method=S256"));
  g_assert_cmpuint (auth->issued, ==, 1);

  /* the tokens are kept; show prints none of them */
  conduit_credential_store_lookup_async (store, "t-cli-sign-in", NULL, test_keyring_on_done, &result);
  kept = conduit_credential_store_lookup_finish (store, test_keyring_wait (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_secret (kept, "refresh_token"), ==, "refresh-token-1");
  g_assert_true (conduit_credential_is_signed_in (kept));
  CLI (&run, NULL, NULL, "show", "t-cli-sign-in");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.out, "refresh-token-1"));
  g_assert_null (strstr (run.out, "access-token-1"));

  /* a revoked sign-in shows in the list */
  conduit_credential_set_needs_sign_in (kept, TRUE);
  g_clear_object (&result);
  conduit_credential_store_save_async (store, kept, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, test_keyring_wait (&result), &error));
  CLI (&run, NULL, NULL, "list");
  g_assert_true (g_regex_match_simple ("^t-cli-sign-in +oauth2-authorization-code +needs sign-in again",
                                       run.out, G_REGEX_MULTILINE, 0));

  /* another kind cannot sign in */
  CLI (&run, "tok-123456\n", NULL, "set", "t-cli-bearer", "--kind", "bearer");
  CLI (&run, NULL, NULL, "sign-in", "t-cli-bearer");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "only oauth2-authorization-code credentials sign in"));
  CLI (&run, NULL, NULL, "delete", "t-cli-bearer");
  CLI (&run, NULL, NULL, "delete", "t-cli-sign-in");

  g_clear_object (&sign_in_run.out);
  soup_session_abort (sign_in_run.browser);
  g_clear_object (&sign_in_run.browser);
  g_free (sign_in_run.uri);
  g_string_free (sign_in_run.printed, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  if (test_keyring_skip_all_if_unavailable ())
    return 0;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/credential/set-show-list-delete", test_set_show_list_delete);
  g_test_add_func ("/conduit/cli/credential/bad-use", test_bad_use);
  g_test_add_func ("/conduit/cli/credential/environment", test_environment);
  g_test_add_func ("/conduit/cli/credential/environment-incomplete", test_environment_incomplete);
  g_test_add_func ("/conduit/cli/credential/no-keyring", test_no_keyring);
  g_test_add_func ("/conduit/cli/credential/written-by-another-client",
                   test_written_by_another_client);
  g_test_add_func ("/conduit/cli/credential/locked-keyring", test_locked_keyring);
  g_test_add_func ("/conduit/cli/credential/sign-in", test_sign_in);
  g_test_add_func ("/conduit/cli/credential/service-account-key", test_service_account_key);

  return g_test_run ();
}
