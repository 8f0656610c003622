/* sink.c — the API the benchmark's flows call: answers every POST with 201 and counts them.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-sink PORT_FILE
 * Listens on 127.0.0.1 (a free port, written to PORT_FILE); GET /count answers the number of
 * POSTs received so far. */

#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

static guint64 received;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  static const char created[] = "{\"id\":1,\"ok\":true}";

  if (g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      char *text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", received);

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_TAKE, text, strlen (text));
      return;
    }

  received++;
  soup_server_message_set_status (msg, 201, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, created,
                                    strlen (created));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  GSList *uris;

  if (argc != 2)
    {
      fprintf (stderr, "usage: bench-sink PORT_FILE\n");
      return 1;
    }

  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    {
      fprintf (stderr, "bench-sink: %s\n", error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  port = g_strdup_printf ("%d\n", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  if (!g_file_set_contents (argv[1], port, -1, &error))
    {
      fprintf (stderr, "bench-sink: %s\n", error->message);
      return 1;
    }

  g_main_loop_run (loop);
  return 0;
}
