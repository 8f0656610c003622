/* test-cli-run-explain.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "conduit.h"

/* `conduit-cli run` prints, under a step that went wrong, the same plain sentence the app's
 * run panel shows: both come from conduit_run_explain_node(). A real HTTP server on loopback
 * refuses what the step sends. */

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *body = "{\"error\": \"email is not valid\"}";

  soup_server_message_set_status (msg, 422, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, body,
                                    strlen (body));
}

static void
run_executed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  conduit_run_execute_finish (CONDUIT_RUN (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GBytes **out = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &out[0], &out[1], &error);
  g_assert_no_error (error);
}

static void
test_same_sentence (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-run-explain-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "refused.conduit", NULL);
  g_autofree char *flow_text = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GFile) flow_file = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  ConduitNode *node;
  GBytes *output[2] = { NULL, NULL };
  gboolean done = FALSE;
  gint64 until;
  GSList *uris;
  int port;

  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  flow_text = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Refused\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ { \"email\": \"ada\" }, { \"email\": \"bob\" } ] } },"
    "  { \"id\": \"send\", \"type\": \"http-request\","
    "    \"settings\": { \"url\": \"http://127.0.0.1:%d/contacts\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"send\","
    "                \"to_port\": \"in\" } ] }", port);
  flow = conduit_flow_new_from_data (registry, flow_text, -1, &problems, &error);
  g_assert_no_error (error);
  flow_file = g_file_new_for_path (flow_path);
  g_assert_true (conduit_flow_save_to_file (flow, flow_file, NULL, &error));
  g_assert_no_error (error);

  /* the app's way: a runner in this process, the sentence of the run panel */
  runner = conduit_runner_new (registry, NULL);
  run = conduit_runner_create_run (runner, flow, NULL, "manual", NULL, &error);
  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, run_executed_cb, &done);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);
  node = conduit_flow_lookup_node (flow, "send");
  expected = conduit_run_explain_node (run, node,
                                       conduit_connector_registry_lookup (registry,
                                                                          "http-request"));
  g_assert_nonnull (expected);
  g_assert_nonnull (strstr (expected, "422"));
  g_assert_null (conduit_run_explain_node (run, conduit_flow_lookup_node (flow, "start"), NULL));

  /* the command line's way */
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "http_proxy");
  g_subprocess_launcher_unsetenv (launcher, "HTTP_PROXY");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                         flow_path, "--no-history", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_async (process, NULL, NULL, communicate_cb, output);
  until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (output[0] == NULL && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (output[0]);

  printed = g_strndup (g_bytes_get_data (output[0], NULL), g_bytes_get_size (output[0]));
  g_test_message ("stdout: %s", printed);
  g_assert_nonnull (strstr (printed, expected));

  g_bytes_unref (output[0]);
  g_bytes_unref (output[1]);
  g_unlink (flow_path);
  g_rmdir (dir);
}

/* Issue 22, defect 3: a mapping that rejects a record did not fail: the run's summary says
 * which step rejected how many, and not that a step failed. */
static void
test_summary_rejected_is_not_failed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autofree char *summary = NULL;
  gboolean done = FALSE;
  gint64 until;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Rejects\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ { \"email\": \"ada@example.com\" }, { \"name\": \"Bob\" } ] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"title\": \"Map Fields\","
    "    \"mapping\": { \"rows\": [ { \"destination\": \"email\", \"field\": \"email\","
    "                                 \"required\": true } ] } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\","
    "                \"to_port\": \"in\" } ] }", -1, &problems, &error);
  g_assert_no_error (error);

  runner = conduit_runner_new (conduit_connector_registry_get_default (), NULL);
  run = conduit_runner_create_run (runner, flow, NULL, "manual", NULL, &error);
  g_assert_no_error (error);
  conduit_run_execute_async (run, NULL, run_executed_cb, &done);
  until = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!done && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done);

  summary = conduit_run_summarize (run);
  g_test_message ("%s", summary);
  g_assert_nonnull (strstr (summary, "1 record rejected by Map Fields"));
  g_assert_null (strstr (summary, "failed"));
}

int
main (int    argc,
      char **argv)
{
  /* Loopback only: no system proxy lookup (libproxy aborts under the sanitizers). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/run/explains-like-the-app", test_same_sentence);
  g_test_add_func ("/conduit/run/summary/rejected-is-not-failed", test_summary_rejected_is_not_failed);

  return g_test_run ();
}
