/* conduit-serve-admin.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-serve-admin"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <unistd.h>

#include "conduit-serve-admin.h"

/* The admin port of `conduit-cli serve`: what a supervisor and a monitoring system ask.
 *
 *   /healthz  200 while the process answers at all (a liveness probe: restart it if not)
 *   /readyz   200 while it takes events: its webhook listeners are up, it is not stopping and
 *             its history takes writes; else 503 with the reason (a readiness probe: send
 *             no traffic)
 *   /metrics  ConduitServeMetrics in Prometheus' text exposition format
 *
 * It is a separate SoupServer on the main thread, away from the webhook workers' ports, so a
 * flood of events neither delays a probe nor lets the senders of events read the metrics. The
 * bodies are plain text; nothing secret is in them (flow names and counts). */

struct _ConduitServeAdmin
{
  GObject              parent_instance;

  ConduitServeMetrics *metrics;
  ConduitHistoryStore *history;     /* (nullable) */
  SoupServer          *soup;
  char                *url;
};

G_DEFINE_QUARK (conduit-serve-admin-error-quark, conduit_serve_admin_error)

G_DEFINE_FINAL_TYPE (ConduitServeAdmin, conduit_serve_admin, G_TYPE_OBJECT)

static void
conduit_serve_admin_dispose (GObject *object)
{
  ConduitServeAdmin *self = (ConduitServeAdmin *)object;

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->metrics);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (conduit_serve_admin_parent_class)->dispose (object);
}

static void
conduit_serve_admin_finalize (GObject *object)
{
  ConduitServeAdmin *self = (ConduitServeAdmin *)object;

  g_free (self->url);

  G_OBJECT_CLASS (conduit_serve_admin_parent_class)->finalize (object);
}

static void
conduit_serve_admin_class_init (ConduitServeAdminClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_serve_admin_dispose;
  object_class->finalize = conduit_serve_admin_finalize;
}

static void
conduit_serve_admin_init (ConduitServeAdmin *self)
{
}

/**
 * conduit_serve_admin_parse_address:
 * @text: `PORT`, `ADDRESS:PORT` or `[IPV6]:PORT`; `localhost` is 127.0.0.1
 * @address: (out): where to listen
 * @error: return location for a #GError
 *
 * Reads an admin address. A bare port means 127.0.0.1: the admin port is for the machine's
 * own supervisor and scraper unless an address is given on purpose. Names other than
 * `localhost` are refused rather than resolved, so what is listened on is what was written.
 *
 * Returns: whether @text was an address
 */
gboolean
conduit_serve_admin_parse_address (const char          *text,
                                   GInetSocketAddress **address,
                                   GError             **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *port_text;
  const char *colon;
  guint64 port = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  colon = strrchr (text, ':');
  if (colon == NULL)
    {
      host = g_strdup ("127.0.0.1");
      port_text = text;
    }
  else if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end == NULL || end[1] != ':')
        goto bad;
      host = g_strndup (text + 1, end - text - 1);
      port_text = end + 2;
    }
  else
    {
      host = g_strndup (text, colon - text);
      port_text = colon + 1;
    }

  if (!g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &port, NULL))
    goto bad;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    goto bad;

  *address = G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, (guint16)port));
  return TRUE;

bad:
  g_set_error (error, CONDUIT_SERVE_ADMIN_ERROR, CONDUIT_SERVE_ADMIN_ERROR_ADDRESS,
               _("“%s” is not an admin address: give PORT (on 127.0.0.1), ADDRESS:PORT or "
                 "[IPV6-ADDRESS]:PORT, with a numeric address and a port from 0 to 65535"),
               text);
  return FALSE;
}

/**
 * conduit_serve_admin_new:
 * @metrics: what /metrics shows and /readyz asks first
 * @history: (nullable): the history /readyz checks takes writes
 *
 * Returns: (transfer full): an admin server, not listening yet
 */
ConduitServeAdmin *
conduit_serve_admin_new (ConduitServeMetrics *metrics,
                         ConduitHistoryStore *history)
{
  ConduitServeAdmin *self;

  g_return_val_if_fail (CONDUIT_IS_SERVE_METRICS (metrics), NULL);
  g_return_val_if_fail (history == NULL || CONDUIT_IS_HISTORY_STORE (history), NULL);

  self = g_object_new (CONDUIT_TYPE_SERVE_ADMIN, NULL);
  self->metrics = g_object_ref (metrics);
  self->history = history != NULL ? g_object_ref (history) : NULL;
  return self;
}

/**
 * conduit_serve_admin_dup_unready:
 * @self: an admin server
 *
 * What /readyz answers: why the process does not take events now (starting, stopping, a
 * history that cannot be written), or %NULL when it does.
 *
 * Returns: (transfer full) (nullable): the reason
 */
char *
conduit_serve_admin_dup_unready (ConduitServeAdmin *self)
{
  g_autofree char *problem = NULL;
  const char *path;

  g_return_val_if_fail (CONDUIT_IS_SERVE_ADMIN (self), NULL);

  problem = conduit_serve_metrics_dup_unready (self->metrics);
  if (problem != NULL || self->history == NULL)
    return g_steal_pointer (&problem);

  problem = conduit_history_store_dup_write_problem (self->history);
  if (problem != NULL)
    return g_strdup_printf (_("the run history cannot be written: %s"), problem);

  /* A commit failing tells only once an event came; a file made read-only (or a file system
   * remounted so) tells now, before an event is refused. */
  path = conduit_history_store_get_path (self->history);
  if (path != NULL && g_strcmp0 (path, ":memory:") != 0 && g_access (path, W_OK) != 0)
    {
      int saved = errno;

      return g_strdup_printf (_("the run history %s cannot be written: %s"), path,
                              g_strerror (saved));
    }

  return NULL;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  ConduitServeAdmin *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      respond_text (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain; charset=utf-8",
                    "only GET and HEAD are answered here\n");
      return;
    }

  if (g_str_equal (path, "/healthz"))
    respond_text (msg, SOUP_STATUS_OK, "text/plain; charset=utf-8", "ok\n");
  else if (g_str_equal (path, "/readyz"))
    {
      g_autofree char *reason = conduit_serve_admin_dup_unready (self);
      g_autofree char *text = NULL;

      if (reason == NULL)
        respond_text (msg, SOUP_STATUS_OK, "text/plain; charset=utf-8", "ready\n");
      else
        {
          text = g_strdup_printf ("not ready: %s\n", reason);
          respond_text (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                        text);
        }
    }
  else if (g_str_equal (path, "/metrics"))
    {
      g_autofree char *text = conduit_serve_metrics_dup_text (self->metrics);

      respond_text (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", text);
    }
  else
    respond_text (msg, SOUP_STATUS_NOT_FOUND, "text/plain; charset=utf-8",
                  "not found: the admin port answers /healthz, /readyz and /metrics\n");
}

/**
 * conduit_serve_admin_listen:
 * @self: an admin server
 * @address: as conduit_serve_admin_parse_address() reads it; port 0 takes a free one
 * @error: return location for a #GError
 *
 * Starts answering on @address, in the thread-default main context.
 *
 * Returns: whether it listens
 */
gboolean
conduit_serve_admin_listen (ConduitServeAdmin  *self,
                            const char         *address,
                            GError            **error)
{
  g_autoptr(GInetSocketAddress) where = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *host = NULL;
  GSList *listeners;

  g_return_val_if_fail (CONDUIT_IS_SERVE_ADMIN (self), FALSE);
  g_return_val_if_fail (self->soup == NULL, FALSE);

  if (!conduit_serve_admin_parse_address (address, &where, error))
    return FALSE;

  self->soup = soup_server_new ("server-header", "Conduit ", NULL);
  soup_server_add_handler (self->soup, NULL, handle_cb, self, NULL);
  if (!soup_server_listen (self->soup, G_SOCKET_ADDRESS (where), 0, &local_error))
    {
      g_set_error (error, CONDUIT_SERVE_ADMIN_ERROR, CONDUIT_SERVE_ADMIN_ERROR_LISTEN,
                   _("cannot listen on the admin address %s: %s"), address,
                   local_error->message);
      g_clear_object (&self->soup);
      return FALSE;
    }

  listeners = soup_server_get_listeners (self->soup);
  bound = g_socket_get_local_address (listeners->data, &local_error);
  g_slist_free (listeners);
  if (bound == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  host = g_inet_address_to_string (g_inet_socket_address_get_address (where));
  self->url = g_strdup_printf (g_inet_address_get_family (g_inet_socket_address_get_address (where))
                               == G_SOCKET_FAMILY_IPV6 ? "http://[%s]:%u/" : "http://%s:%u/",
                               host,
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  return TRUE;
}

/**
 * conduit_serve_admin_dup_url:
 * @self: an admin server
 *
 * Returns: (transfer full) (nullable): its URL once it listens, with the port as bound
 */
char *
conduit_serve_admin_dup_url (ConduitServeAdmin *self)
{
  g_return_val_if_fail (CONDUIT_IS_SERVE_ADMIN (self), NULL);

  return g_strdup (self->url);
}
