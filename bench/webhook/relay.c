/* relay.c — the ceiling of the webhook benchmark on this machine: libsoup and nothing else.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-relay SINK_URL PORT_FILE THREADS
 *
 * Receives each POST with a libsoup server, sends its body on to SINK_URL with a libsoup client
 * and answers 202 once the sink answered: what the benchmark's flow does, minus the mapping, the
 * run bookkeeping and the history. (Answering first and sending afterwards, as Conduit does, is
 * no faster in libsoup without a bound on the requests in flight: its queue then grows without
 * end and each request gets slower; with the bound, the bound is what waits.) One server and one session per thread, the threads sharing
 * the port (SO_REUSEPORT), as `conduit-cli serve` does. What it reaches is as fast as any runner
 * built on libsoup can go here, whatever else it does. */

#include "config.h"

#include <errno.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *sink_url;
static guint16 port;
static GMutex lock;
static GCond bound;
static guint n_bound;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  soup_server_message_set_status (msg, body != NULL ? 202 : 502, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
  soup_server_message_unpause (msg);
  g_object_unref (msg);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  SoupSession *session = user_data;
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(SoupMessage) out = soup_message_new ("POST", sink_url);

  soup_message_set_request_body_from_bytes (out, "application/json", body);
  /* As Conduit does: reuse kept-alive connections for POSTs too. */
  soup_message_add_flags (out, SOUP_MESSAGE_IDEMPOTENT);
  soup_server_message_pause (msg);
  soup_session_send_and_read_async (session, out, G_PRIORITY_DEFAULT, NULL, sent_cb,
                                    g_object_ref (msg));
}

static gpointer
serve_thread (gpointer data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  struct sockaddr_in address = { .sin_family = AF_INET };
  socklen_t length = sizeof address;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 64, NULL);
  soup_session_set_proxy_resolver (session, NULL);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handler, session, NULL);

  /* The first thread takes a free port; the others join it. */
  g_mutex_lock (&lock);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  address.sin_port = htons (port);
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (socket == NULL ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, &error) ||
      bind (g_socket_get_fd (socket), (struct sockaddr *)&address, sizeof address) != 0 ||
      getsockname (g_socket_get_fd (socket), (struct sockaddr *)&address, &length) != 0 ||
      !g_socket_listen (socket, &error) ||
      !soup_server_listen_socket (server, socket, 0, &error))
    g_error ("bench-relay: cannot listen: %s", error ? error->message : g_strerror (errno));
  port = ntohs (address.sin_port);
  n_bound++;
  g_cond_broadcast (&bound);
  g_mutex_unlock (&lock);

  g_main_loop_run (loop);
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint threads;

  if (argc != 4 || (threads = (guint)g_ascii_strtoull (argv[3], NULL, 10)) == 0)
    {
      fprintf (stderr, "usage: bench-relay SINK_URL PORT_FILE THREADS\n");
      return 1;
    }
  sink_url = argv[1];

  for (guint i = 0; i < threads; i++)
    {
      g_thread_unref (g_thread_new ("relay", serve_thread, NULL));
      g_mutex_lock (&lock);
      while (n_bound <= i)
        g_cond_wait (&bound, &lock);
      g_mutex_unlock (&lock);
    }

  text = g_strdup_printf ("%u\n", port);
  if (!g_file_set_contents (argv[2], text, -1, &error))
    {
      fprintf (stderr, "bench-relay: %s\n", error->message);
      return 1;
    }

  g_main_loop_run (loop);
  return 0;
}
