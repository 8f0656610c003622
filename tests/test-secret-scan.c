/* test-secret-scan.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "conduit.h"

/* Issue 6's promise, checked from the outside: run flows with known secrets through
 * `conduit-cli run`, against a local server that refuses one of them, then read every byte
 * Conduit left behind — the history database with its WAL, the flow file and everything printed
 * on stdout and stderr with debug logging on — and find none of the secrets. */

#define BEARER_SECRET "bearer-Zq81-s3cret"
#define API_KEY_SECRET "apikey-77Hx-s3cret"
/* a browser sign-in's tokens: the stored ones, and the ones a refresh brings */
#define CLIENT_SECRET "client-Pw3-s3cret"
#define OLD_ACCESS_TOKEN "access-Old9-s3cret"
#define OLD_REFRESH_TOKEN "refresh-Old4-s3cret"
#define NEW_ACCESS_TOKEN "access-New2-s3cret"
#define NEW_REFRESH_TOKEN "refresh-New7-s3cret"

static guint token_requests;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  /* Echo the request headers back, as a careless server would, and refuse the API key. */
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *auth = soup_message_headers_get_one (headers, "Authorization");
  const char *key = soup_message_headers_get_one (headers, "X-Api-Key");
  g_autofree char *body = g_strdup_printf ("{\"you_sent\": \"%s %s\"}", auth ? auth : "",
                                           key ? key : "");

  /* the sign-in's token endpoint: renews, rotating the refresh token */
  if (g_str_equal (path, "/token"))
    {
      const char *answer = "{\"access_token\": \"" NEW_ACCESS_TOKEN "\", \"expires_in\": 3600,"
                           " \"refresh_token\": \"" NEW_REFRESH_TOKEN "\"}";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer,
                                        strlen (answer));
      token_requests++;
      return;
    }

  soup_server_message_set_status (msg, g_str_equal (path, "/refuse") ? 401 : 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
communicate_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GBytes **out = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *stdout_bytes = NULL, *stderr_bytes = NULL;

  g_subprocess_communicate_finish (G_SUBPROCESS (object), result, &stdout_bytes, &stderr_bytes,
                                   &error);
  g_assert_no_error (error);
  out[0] = stdout_bytes;
  out[1] = stderr_bytes;
}

/* Binary-safe: database pages are full of NUL bytes, where g_strstr_len() would stop. */
static gboolean
contains (const char *data,
          gsize       length,
          const char *needle)
{
  return data != NULL && memmem (data, length, needle, strlen (needle)) != NULL;
}

static void
assert_no_secret (const char *what,
                  const char *data,
                  gsize       length)
{
  const char *secrets[] = { BEARER_SECRET, API_KEY_SECRET, CLIENT_SECRET, OLD_ACCESS_TOKEN,
                            OLD_REFRESH_TOKEN, NEW_ACCESS_TOKEN, NEW_REFRESH_TOKEN };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      if (contains (data, length, secrets[i]))
        g_error ("%s contains the secret %s", what, secrets[i]);
    }
}

static void
assert_file_has_no_secret (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  assert_no_secret (path, contents, length);
}

static void
test_secrets_stay_out (void)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-secret-scan-XXXXXX", &error);
  g_autofree char *flow_path = g_build_filename (dir, "secrets.conduit", NULL);
  g_autofree char *db_path = g_build_filename (dir, "history.db", NULL);
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *flow_text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GFile) flow_file = NULL;
  GBytes *output[2] = { NULL, NULL };
  GSList *uris;
  int port;

  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  /* The item itself carries a secret too: a person pasted it into sample data. */
  flow_text = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Secrets\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ { \"name\": \"Ada\" } ] } },"
    "  { \"id\": \"ok\", \"type\": \"http-request\","
    "    \"settings\": { \"url\": \"http://127.0.0.1:%d/ok\", \"credential\": \"scan-bearer\","
    "                  \"max_attempts\": 1 } },"
    "  { \"id\": \"refused\", \"type\": \"http-request\","
    "    \"settings\": { \"url\": \"http://127.0.0.1:%d/refuse\", \"credential\": \"scan-key\","
    "                  \"max_attempts\": 1 } },"
    "  { \"id\": \"signed-in\", \"type\": \"http-request\","
    "    \"settings\": { \"url\": \"http://127.0.0.1:%d/ok\", \"credential\": \"scan-signin\","
    "                  \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"ok\", \"to_port\": \"in\" },"
    "              { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"refused\", \"to_port\": \"in\" },"
    "              { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"signed-in\", \"to_port\": \"in\" } ] }",
    port, port, port);

  /* Saved through the engine, as the app saves it. */
  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), flow_text, -1,
                                     &problems, &error);
  g_assert_no_error (error);
  flow_file = g_file_new_for_path (flow_path);
  g_assert_true (conduit_flow_save_to_file (flow, flow_file, NULL, &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_SCAN_BEARER",
                                "{\"kind\": \"bearer\", \"secret\": \"" BEARER_SECRET "\"}", TRUE);
  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_SCAN_KEY",
                                "{\"kind\": \"api-key\", \"fields\": {\"header\": \"X-Api-Key\"},"
                                " \"secret\": \"" API_KEY_SECRET "\"}", TRUE);
  {
    /* its access token has expired: the run renews it through /token first */
    g_autofree char *signin = g_strdup_printf (
      "{\"kind\": \"oauth2-authorization-code\", \"fields\": {"
      " \"authorize_url\": \"http://127.0.0.1:%d/authorize\","
      " \"token_url\": \"http://127.0.0.1:%d/token\", \"client_id\": \"scan-client\"},"
      " \"secrets\": {\"client_secret\": \"" CLIENT_SECRET "\","
      " \"access_token\": \"" OLD_ACCESS_TOKEN "\", \"refresh_token\": \"" OLD_REFRESH_TOKEN "\","
      " \"expires_at\": \"1000\"}}", port, port);

    g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_SCAN_SIGNIN", signin, TRUE);
  }
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  /* Loopback only: no system proxy lookup (libproxy aborts under the sanitizers). */
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  g_subprocess_launcher_unsetenv (launcher, "http_proxy");
  g_subprocess_launcher_unsetenv (launcher, "HTTP_PROXY");
  process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                         flow_path, "--history", db_path, NULL);
  g_assert_no_error (error);

  /* Serve the requests while the run goes on. */
  g_subprocess_communicate_async (process, NULL, NULL, communicate_cb, output);
  while (output[0] == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* The run really happened: one step passed, one was refused. */
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);   /* one step failed */
  {
    g_autofree char *printed = g_strndup (g_bytes_get_data (output[0], NULL),
                                          g_bytes_get_size (output[0]));
    g_autofree char *logged = g_strndup (g_bytes_get_data (output[1], NULL),
                                         g_bytes_get_size (output[1]));

    g_test_message ("stdout: %s\nstderr: %s", printed, logged);
    g_assert_nonnull (strstr (printed, "partial"));
  }

  assert_no_secret ("stdout", g_bytes_get_data (output[0], NULL), g_bytes_get_size (output[0]));
  assert_no_secret ("stderr", g_bytes_get_data (output[1], NULL), g_bytes_get_size (output[1]));
  assert_file_has_no_secret (db_path);
  assert_file_has_no_secret (wal_path);
  assert_file_has_no_secret (flow_path);

  /* The run kept as a saved test (issue 20): the tests file holds the servers' answers, and
   * no secret. */
  {
    g_autofree char *tests_path = g_build_filename (dir, "secrets.tests.json", NULL);
    g_autofree char *tests = NULL;
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "test", "save", "1", "--flow", flow_path,
                           "--history", db_path, NULL };
    int status = -1;

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL,
                  &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    assert_file_has_no_secret (tests_path);
    g_assert_true (g_file_get_contents (tests_path, &tests, NULL, NULL));
    g_assert_nonnull (strstr (tests, "you_sent"));
    g_unlink (tests_path);
  }

  /* The history did record the server's echo of the headers, redacted: the scan read real data. */
  {
    g_autofree char *db = NULL;
    g_autofree char *wal = NULL;
    gsize db_length = 0, wal_length = 0;

    g_assert_true (g_file_get_contents (db_path, &db, &db_length, NULL));
    g_file_get_contents (wal_path, &wal, &wal_length, NULL);
    g_assert_true (contains (db, db_length, "you_sent") || contains (wal, wal_length, "you_sent"));
    g_assert_true (contains (db, db_length, "Bearer ••••") || contains (wal, wal_length, "Bearer ••••"));
    /* the sign-in was renewed through /token, and its new token went out */
    g_assert_cmpuint (token_requests, ==, 1);
  }

  g_bytes_unref (output[0]);
  g_bytes_unref (output[1]);
  g_unlink (wal_path);
  {
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
    g_unlink (shm);
  }
  g_unlink (db_path);
  g_unlink (flow_path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/credentials/secrets-stay-out", test_secrets_stay_out);

  return g_test_run ();
}
