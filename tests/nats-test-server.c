/* nats-test-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <nats/nats.h>
#include <signal.h>
#include <sys/prctl.h>

#include "conduit.h"
#include "nats-test-server.h"

/**
 * test_free_port:
 *
 * Returns: a TCP port of 127.0.0.1 that was free a moment ago
 */
guint
test_free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/**
 * test_port_answers:
 * @port: a port of 127.0.0.1
 *
 * Returns: whether something accepts connections on it
 */
gboolean
test_port_answers (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16)port, NULL, NULL);
  return connection != NULL;
}

/**
 * test_die_with_parent:
 * @user_data: unused
 *
 * A #GSpawnChildSetupFunc: a failed assertion aborts the test, and its servers must not
 * outlive it.
 */
void
test_die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * test_remove_tree:
 * @path: a folder
 *
 * Removes @path and everything in it (symbolic links are not followed).
 */
void
test_remove_tree (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, g_file_info_get_name (info), NULL);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        test_remove_tree (child);
      else
        g_unlink (child);
      g_object_unref (info);
    }
  g_rmdir (path);
}

/**
 * nats_test_server_start:
 * @nats: a server set up with nats_test_server_set_up()
 *
 * Starts (or starts again, on the same port and store) the server and waits until it accepts
 * connections.
 */
void
nats_test_server_start (NatsTestServer *nats)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", nats->port);

  g_subprocess_launcher_set_child_setup (launcher, test_die_with_parent, NULL, NULL);
  nats->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("NATS_SERVER"), "-js",
                                               "-a", "127.0.0.1", "-p", port, "-sd", nats->store,
                                               NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < 200 && !test_port_answers (nats->port); i++)
    g_usleep (50 * 1000);
  g_assert_true (test_port_answers (nats->port));
}

/**
 * nats_test_server_stop:
 * @nats: a running server
 *
 * Stops it (SIGTERM) and waits for it; its store stays.
 */
void
nats_test_server_stop (NatsTestServer *nats)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (nats->process, SIGTERM);
  g_subprocess_wait (nats->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&nats->process);
}

/**
 * nats_test_server_set_up:
 * @nats: (out caller-allocates): the server
 * @dir_template: the name of its temporary folder, as g_dir_make_tmp() takes it
 *
 * Starts a server. Without nats-server the test is skipped, but in CI it fails.
 *
 * Returns: whether the server runs
 */
gboolean
nats_test_server_set_up (NatsTestServer *nats,
                         const char     *dir_template)
{
  g_autoptr(GError) error = NULL;

  if (g_getenv ("NATS_SERVER") == NULL || !g_file_test (g_getenv ("NATS_SERVER"),
                                                        G_FILE_TEST_IS_EXECUTABLE))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("nats-server is missing (./conduit-dev deps installs it)");
      g_test_skip ("nats-server is not installed");
      return FALSE;
    }
  nats->dir = g_dir_make_tmp (dir_template, &error);
  g_assert_no_error (error);
  nats->store = g_build_filename (nats->dir, "jetstream", NULL);
  nats->port = test_free_port ();
  nats->url = g_strdup_printf ("nats://127.0.0.1:%u", nats->port);
  nats_test_server_start (nats);
  return TRUE;
}

/**
 * nats_test_server_tear_down:
 * @nats: a server set up with nats_test_server_set_up()
 *
 * Stops it if it runs and removes its store.
 */
void
nats_test_server_tear_down (NatsTestServer *nats)
{
  if (nats->process != NULL)
    nats_test_server_stop (nats);
  test_remove_tree (nats->dir);
  g_free (nats->dir);
  g_free (nats->store);
  g_free (nats->url);
}

static void
wait_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *)user_data = TRUE;
}

/**
 * test_stop_serve:
 * @serve: a `conduit-cli serve` process
 * @signal_number: SIGTERM (it drains, and must exit with 0) or SIGKILL
 *
 * Stops @serve while the thread-default main context keeps running, so that servers of this
 * process (a sink) go on answering the runs it drains.
 */
void
test_stop_serve (GSubprocess *serve,
                 int          signal_number)
{
  gboolean done = FALSE;

  g_subprocess_send_signal (serve, signal_number);
  g_subprocess_wait_async (serve, NULL, wait_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  if (signal_number == SIGTERM)
    {
      g_assert_true (g_subprocess_get_if_exited (serve));
      g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
    }
}

/**
 * test_stream_length:
 * @url: the NATS server
 *
 * Returns: the events in Conduit's stream: neither acknowledged by a worker nor dead-lettered
 */
guint64
test_stream_length (const char *url)
{
  natsConnection *connection = NULL;
  jsCtx *js = NULL;
  jsStreamInfo *info = NULL;
  guint64 n;

  g_assert_cmpint (natsConnection_ConnectTo (&connection, url), ==, NATS_OK);
  g_assert_cmpint (natsConnection_JetStream (&js, connection, NULL), ==, NATS_OK);
  g_assert_cmpint (js_GetStreamInfo (&info, js, CONDUIT_QUEUE_STREAM, NULL, NULL), ==, NATS_OK);
  n = info->State.Msgs;
  jsStreamInfo_Destroy (info);
  jsCtx_Destroy (js);
  natsConnection_Destroy (connection);
  return n;
}
