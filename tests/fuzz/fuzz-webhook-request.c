/* fuzz-webhook-request.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <sys/socket.h>

#include "conduit.h"
#include "fuzz-common.h"

/* What a webhook sender controls on the wire: the bytes of one connection, requests one after
 * the other on it (keep-alive), with any headers, Content-Length or chunked bodies, cut off
 * anywhere. They go through a real TCP connection on 127.0.0.1 to the webhook server (and
 * libsoup's request parsing under it), whose flow takes at most 256 bytes a body and NDJSON
 * batches when the first input byte is odd.
 *
 * Checked: no crash, leak or GLib warning; every answer starts with a status line; no more
 * events are accepted (202) than requests were sent; and once the sender is done, the server
 * lets the connection go (a connection kept forever is a descriptor lost). */

/* Longer than any of the server's timeouts (2 s here): a connection still open then is held. */
#define DEADLINE_US (6 * G_USEC_PER_SEC)

static ConduitRunner *runner;
static ConduitWebhookServer *servers[2];
static ConduitFlow *flows[2];
static GSocket *listening;

static ConduitFlow *
make_flow (const char *extra)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Fuzz\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hook\", \"port\": 0, \"max_body_bytes\": 256 %s } } ],"
    "  \"links\": [] }", extra);
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                  json, -1, NULL, &error);

  if (flow == NULL)
    abort ();
  return flow;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  ConduitWebhookLimits limits = { 2, 2, 2, 64 };

  fuzz_set_up_logging ();
  runner = conduit_runner_new (conduit_connector_registry_get_default (), NULL);
  flows[0] = make_flow ("");
  flows[1] = make_flow (", \"batch\": \"ndjson\"");
  for (guint i = 0; i < 2; i++)
    {
      servers[i] = conduit_webhook_server_new (runner);
      conduit_webhook_server_set_limits (servers[i], &limits);
      if (!conduit_webhook_server_add_flow (servers[i], flows[i], NULL, NULL, NULL))
        abort ();
    }

  /* The client's side of each connection comes from here. */
  listening = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                            NULL);
  if (!g_socket_bind (listening, any_port, TRUE, NULL) || !g_socket_listen (listening, NULL))
    abort ();
  return 0;
}

static guint
count (const char *haystack,
       const char *needle)
{
  guint n = 0;

  for (const char *p = haystack; (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (listening, NULL);
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocket) accepted = NULL;
  g_autoptr(GString) answers = g_string_new (NULL);
  g_autofree char *sent = NULL;
  ConduitWebhookServer *server;
  gsize written = 0;
  gboolean reading = TRUE;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  if (size < 1 || size > 8192)
    return 0;
  server = servers[data[0] & 1];

  client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (!g_socket_connect (client, address, NULL, NULL))
    abort ();
  accepted = g_socket_accept (listening, NULL, NULL);
  if (accepted == NULL ||
      !conduit_webhook_server_serve_socket (server, flows[data[0] & 1], accepted, NULL))
    abort ();
  g_socket_set_blocking (client, FALSE);

  /* Send everything (the server reads as it goes), then say so, then read every answer. */
  while (reading && g_get_monotonic_time () < deadline)
    {
      char buffer[4096];
      gssize n;

      if (written < size - 1)
        {
          n = g_socket_send (client, (const char *)data + 1 + written, size - 1 - written, NULL,
                             NULL);
          if (n > 0)
            written += (gsize)n;
          else if (n < 0 && !g_socket_condition_check (client, G_IO_OUT))
            ;
          else
            written = size - 1;   /* the server closed: the rest cannot go */
          if (written == size - 1)
            g_socket_shutdown (client, FALSE, TRUE, NULL);
        }

      n = g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);
      if (n > 0)
        g_string_append_len (answers, buffer, n);
      else if (n == 0)
        reading = FALSE;
      else if (!g_socket_condition_check (client, G_IO_IN))
        {
          if (!g_main_context_iteration (NULL, FALSE))
            g_usleep (100);
        }
      else
        reading = FALSE;   /* reset by the server */
    }
  if (reading)
    abort ();   /* the server held the connection although the sender was done */

  /* The runs of accepted events end; the server lets the connection go. */
  deadline = g_get_monotonic_time () + DEADLINE_US;
  while (conduit_webhook_server_get_n_connections (server) > 0 ||
         conduit_webhook_server_get_n_pending (server) > 0 ||
         conduit_webhook_server_get_n_executing (server) > 0)
    {
      if (g_get_monotonic_time () > deadline)
        abort ();
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (100);
    }

  if (answers->len > 0 && !g_str_has_prefix (answers->str, "HTTP/1."))
    abort ();
  sent = g_strndup ((const char *)data + 1, size - 1);
  if (count (answers->str, "HTTP/1.1 202") > count (sent, "POST") + count (sent, "PUT") +
                                              count (sent, "PATCH"))
    abort ();
  return 0;
}
