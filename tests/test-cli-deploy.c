/* test-cli-deploy.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "conduit.h"

/* `conduit-cli deploy`: the folder a server needs, as a person would use it — the flows as
 * tested, a unit systemd accepts, environment files of mode 600 naming the credentials, secrets
 * only when asked for and confirmed, and a refusal to write into a folder of something else. */

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

static void
run_command (Run                *run,
             const char * const *env_pairs,
             const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  run_clear (run);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        G_SUBPROCESS_FLAGS_STDIN_PIPE);
  for (guint i = 0; env_pairs != NULL && env_pairs[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env_pairs[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
  g_test_message ("%s → %d\n%s%s", argv[1], run->status, run->out, run->err);
}

#define CLI(run, env, ...) \
  G_STMT_START { \
    const char *_argv[] = { g_getenv ("CONDUIT_CLI"), __VA_ARGS__, NULL }; \
    run_command (run, env, _argv); \
  } G_STMT_END

static char *
example (const char *name)
{
  return g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples", name, NULL);
}

/* not inlined: gcc 12's -Wdangling-pointer then took a pointer into the text returned for a
 * pointer to this function's local variable (release builds only) */
static G_NO_INLINE char *
read_text (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static guint
file_mode (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                   G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                   NULL, NULL);
  GFileInfo *info;

  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)))
    {
      g_autoptr(GFile) child = g_file_get_child (file, g_file_info_get_name (info));
      g_autofree char *child_path = g_file_get_path (child);

      g_object_unref (info);
      remove_tree (child_path);
    }
  g_file_delete (file, NULL, NULL);
}

static void
test_deploy_examples (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("conduit-deploy-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "orders-server", NULL);
  g_autofree char *systemd_analyze = NULL;
  g_autofree char *web_form = example ("web-form-to-crm.conduit");
  g_autofree char *order = example ("webhook-order-to-fulfilment.conduit");
  g_autofree char *unit = NULL;
  g_autofree char *env = NULL;
  g_autofree char *container_env = NULL;
  g_autofree char *containerfile = NULL;
  g_autofree char *readme = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *original = NULL;
  g_autofree char *bin = NULL;
  g_autofree char *deployed_flow = NULL;
  g_auto(Run) run = { 0, };

  g_assert_no_error (error);
  CLI (&run, NULL, "deploy", web_form, order, "--to", dir);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Credentials the server needs (in conduit.env): crm-api-key"));
  /* the examples' webhooks listen on this computer only: the person is told */
  g_assert_nonnull (strstr (run.out, "listens on 127.0.0.1 only"));

  unit = read_text (dir, "conduit.service");
  g_assert_nonnull (strstr (unit, "\nExecStart=/usr/local/bin/conduit-cli serve --history "
                                  "/var/lib/conduit/history.db --admin 127.0.0.1:8790 "
                                  "/etc/conduit/flows/web-form-to-crm.conduit "
                                  "/etc/conduit/flows/webhook-order-to-fulfilment.conduit\n"));
  g_assert_nonnull (strstr (unit, "\nProtectSystem=strict\n"));
  g_assert_nonnull (strstr (unit, "\nNoNewPrivileges=yes\n"));
  g_assert_nonnull (strstr (unit, "\nDynamicUser=yes\n"));
  g_assert_nonnull (strstr (unit, "\nStateDirectory=conduit\n"));
  g_assert_nonnull (strstr (unit, "\nEnvironmentFile=/etc/conduit/conduit.env\n"));

  /* names only: the secret is for the person to fill in */
  env = read_text (dir, "conduit.env");
  container_env = read_text (dir, "container.env");
  g_assert_nonnull (strstr (env, "\n#CONDUIT_CREDENTIAL_CRM_API_KEY='{"));
  g_assert_nonnull (strstr (container_env, "\n#CONDUIT_CREDENTIAL_CRM_API_KEY={"));
  g_assert_cmpuint (file_mode (dir, "conduit.env"), ==, 0600);
  g_assert_cmpuint (file_mode (dir, "container.env"), ==, 0600);

  containerfile = read_text (dir, "Containerfile");
  g_assert_nonnull (strstr (containerfile, "FROM debian:bookworm-slim\n"));
  g_assert_nonnull (strstr (containerfile, "\nEXPOSE 8787\nEXPOSE 8789\n"));
  g_assert_nonnull (strstr (containerfile, "\"/etc/conduit/flows/web-form-to-crm.conduit\""));

  readme = read_text (dir, "README.md");
  g_assert_nonnull (strstr (readme, "sudo systemctl daemon-reload && sudo systemctl enable --now conduit"));
  g_assert_nonnull (strstr (readme, "podman build -t conduit-flows ."));
  g_assert_nonnull (strstr (readme, "`crm-api-key` in `CONDUIT_CREDENTIAL_CRM_API_KEY` (to fill in)"));

  /* the flow as tested, byte for byte, and the copied conduit-cli accepts it */
  g_file_get_contents (web_form, &original, NULL, &error);
  g_assert_no_error (error);
  copied = read_text (dir, "flows/web-form-to-crm.conduit");
  g_assert_cmpstr (copied, ==, original);
  bin = g_build_filename (dir, "bin", "conduit-cli", NULL);
  deployed_flow = g_build_filename (dir, "flows", "web-form-to-crm.conduit", NULL);
  g_assert_true (g_file_test (bin, G_FILE_TEST_IS_EXECUTABLE));
  {
    const char *argv[] = { bin, "validate", deployed_flow, NULL };

    run_command (&run, NULL, argv);
    g_assert_cmpint (run.status, ==, 0);
  }

  /* systemd accepts the unit (its command pointed at the copied binary, which exists here) */
  if ((systemd_analyze = g_find_program_in_path ("systemd-analyze")) != NULL)
    {
      g_autofree char *check_dir = g_build_filename (tmp, "unit-check", NULL);
      g_autofree char *check_unit = g_build_filename (check_dir, "conduit.service", NULL);
      g_autoptr(GString) local = g_string_new (unit);
      const char *argv[] = { "systemd-analyze", "verify", check_unit, NULL };

      g_string_replace (local, "/usr/local/bin/conduit-cli", bin, 0);
      g_assert_cmpint (g_mkdir (check_dir, 0700), ==, 0);
      g_file_set_contents (check_unit, local->str, -1, &error);
      g_assert_no_error (error);
      run_command (&run, NULL, argv);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpint (run.status, ==, 0);
    }

  /* deploying again replaces the earlier deployment */
  CLI (&run, NULL, "deploy", web_form, "--to", dir);
  g_assert_cmpint (run.status, ==, 0);

  remove_tree (tmp);
}

static void
test_deploy_refusals (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("conduit-deploy-XXXXXX", &error);
  g_autofree char *other = g_build_filename (tmp, "photos", NULL);
  g_autofree char *photo = g_build_filename (other, "holiday.jpg", NULL);
  g_autofree char *dir = g_build_filename (tmp, "server", NULL);
  g_autofree char *web_form = example ("web-form-to-crm.conduit");
  g_autofree char *broken = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "tests", "fixtures",
                                              "flows", "broken-links.conduit", NULL);
  g_auto(Run) run = { 0, };

  g_assert_no_error (error);

  /* a folder of something else is never written into */
  g_assert_cmpint (g_mkdir (other, 0755), ==, 0);
  g_file_set_contents (photo, "JPEG", -1, &error);
  g_assert_no_error (error);
  CLI (&run, NULL, "deploy", web_form, "--to", other);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "already holds other files"));

  /* a flow serve would refuse is refused here, with its problems */
  CLI (&run, NULL, "deploy", broken, "--to", dir);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "broken-links.conduit:12: /nodes/1/settings"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* secrets only with a confirmation: no terminal and no --yes writes nothing */
  CLI (&run, NULL, "deploy", web_form, "--to", dir, "--with-secrets");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "not writing secrets without a confirmation"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  remove_tree (tmp);
}

/* With --with-secrets --yes the credential goes into the environment files whole, in a form
 * the deployed conduit-cli reads back. */
static void
test_deploy_with_secrets (void)
{
  const char *env[] = {
    "CONDUIT_CREDENTIAL_CRM_API_KEY={\"id\": \"crm-api-key\", \"kind\": \"api-key\", "
    "\"fields\": {\"header\": \"X-CRM-Key\"}, \"secret\": \"it's-deploy-secret-9\"}",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("conduit-deploy-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (tmp, "server", NULL);
  g_autofree char *web_form = example ("web-form-to-crm.conduit");
  g_autofree char *container_env = NULL;
  g_autofree char *systemd_env = NULL;
  g_autofree char *line = NULL;
  g_autofree char *variable = NULL;
  g_auto(Run) run = { 0, };
  const char *start;

  g_assert_no_error (error);
  CLI (&run, env, "deploy", web_form, "--to", dir, "--with-secrets", "--yes");
  g_assert_cmpint (run.status, ==, 0);

  systemd_env = read_text (dir, "conduit.env");
  /* a single quote in the JSON is escaped, so the single-quoted value stays whole */
  g_assert_nonnull (strstr (systemd_env, "\nCONDUIT_CREDENTIAL_CRM_API_KEY='{"));
  g_assert_nonnull (strstr (systemd_env, "it\\u0027s-deploy-secret-9"));

  container_env = read_text (dir, "container.env");
  start = strstr (container_env, "\nCONDUIT_CREDENTIAL_CRM_API_KEY=");
  g_assert_nonnull (start);
  line = g_strndup (start + 1, strcspn (start + 1, "\n"));
  variable = g_strdup (line);
  {
    const char *read_back[] = { variable, NULL };

    CLI (&run, read_back, "credential", "show", "crm-api-key");
    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "source:        environment variable"));
    g_assert_nonnull (strstr (run.out, "header:        X-CRM-Key"));
    g_assert_nonnull (strstr (run.out, "status:        ok"));
  }

  remove_tree (tmp);
}

/* serve --check lists every problem that would stop serve or fail its runs, and exits 1; with
 * none it says the flows are ready and exits 0. */
static void
test_serve_check (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("conduit-serve-check-XXXXXX", &error);
  g_autofree char *web_form = example ("web-form-to-crm.conduit");
  g_autofree char *broken = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "tests", "fixtures",
                                              "flows", "broken-links.conduit", NULL);
  g_autofree char *original = NULL;
  g_autofree char *busy_flow = g_build_filename (tmp, "busy.conduit", NULL);
  g_autofree char *bad_history = g_build_filename (tmp, "busy.conduit", "history.db", NULL);
  g_autofree char *good_history = g_build_filename (tmp, "state", "history.db", NULL);
  g_autofree char *port_text = NULL;
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GString) flow = NULL;
  g_auto(Run) run = { 0, };
  const char *no_secret[] = { "CONDUIT_CREDENTIAL_CRM_API_KEY={\"kind\": \"bearer\"}", NULL };
  const char *complete[] = { "CONDUIT_CREDENTIAL_CRM_API_KEY={\"kind\": \"bearer\", \"secret\": \"t\"}",
                             NULL };
  guint16 port;

  g_assert_no_error (error);

  /* another program holds the webhook's port */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (web_form, &original, NULL, &error);
  g_assert_no_error (error);
  flow = g_string_new (original);
  port_text = g_strdup_printf ("\"port\": %u", port);
  g_assert_cmpuint (g_string_replace (flow, "\"port\": 8787", port_text, 1), ==, 1);
  g_file_set_contents (busy_flow, flow->str, -1, &error);
  g_assert_no_error (error);

  CLI (&run, no_secret, "serve", "--check", busy_flow, broken, "--history", bad_history);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.out, "credential “crm-api-key”"));
  g_assert_nonnull (strstr (run.out, "cannot listen on 127.0.0.1:"));
  g_assert_nonnull (strstr (run.out, "broken-links.conduit:12: /nodes/1/settings"));
  g_assert_nonnull (strstr (run.out, "broken-links.conduit:21: /links/0/to"));
  g_assert_nonnull (strstr (run.out, "is a file, not a folder"));
  g_assert_nonnull (strstr (run.err, "5 problems"));

  /* the port freed, the credential complete, a history that can be made: ready */
  g_socket_listener_close (listener);
  CLI (&run, complete, "serve", "--check", busy_flow, "--history", good_history);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpstr (run.out, ==, "serve --check: 1 flow ready to serve\n");
  /* it checks, it does not create */
  g_assert_false (g_file_test (good_history, G_FILE_TEST_EXISTS));

  remove_tree (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/deploy/examples", test_deploy_examples);
  g_test_add_func ("/conduit/cli/deploy/refusals", test_deploy_refusals);
  g_test_add_func ("/conduit/cli/deploy/with-secrets", test_deploy_with_secrets);
  g_test_add_func ("/conduit/cli/serve/check", test_serve_check);

  return g_test_run ();
}
