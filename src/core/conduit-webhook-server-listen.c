/* conduit-webhook-server-listen.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-webhook-server"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "conduit-webhook-server-private.h"

/* Listening and the connections: the server accepts connections itself and hands each to
 * libsoup (soup_server_accept_iostream()), because libsoup 3.2's own listener gives up for
 * good the first time accept() fails (out of file descriptors, EMFILE), and has no timeouts.
 *
 * Here: accepting pauses while the process is out of descriptors and tries again a moment
 * later; at most `max_connections` connections at once, the others wait in the kernel's
 * queue; a connection waiting for a request longer than `idle_timeout_s`, a request whose
 * headers take longer than `header_timeout_s` or whose body takes longer than
 * `body_timeout_s` is cut off. Draining (conduit_webhook_server_drain()) closes the idle
 * connections at once; the busy ones close after their answer (Connection: close).
 */

#define ACCEPT_RETRY_MS 100
#define ACCEPTS_PER_WAKEUP 32
#define REAP_DELAY_MS 100     /* for libsoup to see the end of a stream before it is closed */

typedef struct
{
  ConduitWebhookServer *server;       /* unowned */
  GSocket              *socket;
  GObject              *stream;       /* unowned: libsoup's, weakly referenced */
  GSocketAddress       *remote;       /* libsoup's key back to us: see connection_for_message() */
  GSource              *timer;
  gboolean              timer_lazy;   /* @timer only looks at @deadline: see connection_arm() */
  gint64                timer_due;    /* (lazy @timer) when it fires, monotonic µs */
  gint64                deadline;     /* (lazy @timer) when the armed wait ends; -1: none */
  GSource              *discard;      /* reading what a refused sender still sends */
  GSource              *idle_watch;   /* noticing a client that closes between requests */
  SoupServerMessage    *last;         /* the request answered last, while waiting for the next */
  gboolean              reaping;
  GIOStream            *refused;      /* taken back from libsoup to refuse its request */
  gboolean              busy;         /* a request is being read or answered */
} Connection;


static const char connection_key[] = "conduit-webhook-connection";

static gboolean accept_cb        (GSocket      *socket,
                                  GIOCondition  condition,
                                  gpointer      user_data);
static void     resume_accepting (ConduitWebhookServer *self);

static void
listener_start_accepting (Listener *listener)
{
  if (listener->accept_source != NULL || listener->socket == NULL ||
      g_socket_is_closed (listener->socket))
    return;

  listener->accept_source = g_socket_create_source (listener->socket, G_IO_IN, NULL);
  g_source_set_callback (listener->accept_source, (GSourceFunc)(GCallback)accept_cb, listener,
                         NULL);
  g_source_attach (listener->accept_source, listener->server->context);
}

static void
listener_pause_accepting (Listener *listener)
{
  if (listener->accept_source != NULL)
    {
      g_source_destroy (listener->accept_source);
      g_clear_pointer (&listener->accept_source, g_source_unref);
    }
}

static gboolean
retry_accept_cb (gpointer user_data)
{
  Listener *listener = user_data;

  g_clear_pointer (&listener->retry_source, g_source_unref);
  listener_start_accepting (listener);
  return G_SOURCE_REMOVE;
}

/* Connections */

static void
connection_disarm (Connection *connection)
{
  connection->timer_lazy = FALSE;
  connection->deadline = -1;
  if (connection->timer != NULL)
    {
      g_source_destroy (connection->timer);
      g_clear_pointer (&connection->timer, g_source_unref);
    }
}

static void
connection_unwatch (Connection *connection)
{
  if (connection->idle_watch != NULL)
    {
      g_source_destroy (connection->idle_watch);
      g_clear_pointer (&connection->idle_watch, g_source_unref);
    }
}

/* Cuts a connection that is in the middle of a request off: libsoup sees the end of its
 * stream, ends the request and lets the connection go. */
static void
connection_cut (Connection *connection)
{
  connection_disarm (connection);
  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
}

static void connection_let_go (Connection *connection);
static void connection_reap    (Connection *connection);

static void connection_start_lazy_timer (Connection *connection,
                                         gint64      now,
                                         gint64      wait_us);

static gboolean
connection_timeout_cb (gpointer user_data)
{
  Connection *connection = user_data;

  g_clear_pointer (&connection->timer, g_source_unref);
  if (connection->timer_lazy)
    {
      gint64 now = g_get_monotonic_time ();

      /* nothing armed since (a request is being answered), or armed again for later */
      connection->timer_lazy = FALSE;
      if (connection->deadline < 0)
        return G_SOURCE_REMOVE;
      if (now < connection->deadline)
        {
          connection_start_lazy_timer (connection, now, connection->deadline - now);
          return G_SOURCE_REMOVE;
        }
    }
  if (connection->refused != NULL || connection->reaping)
    {
      connection_let_go (connection);
      return G_SOURCE_REMOVE;
    }

  g_debug ("Closing a webhook connection that went quiet for too long");
  if (connection->busy)
    connection_cut (connection);
  else
    connection_reap (connection);
  return G_SOURCE_REMOVE;
}

static void
connection_arm_source (Connection *connection,
                       GSource    *timer)
{
  connection_disarm (connection);
  connection->timer = timer;
  g_source_set_callback (connection->timer, connection_timeout_cb, connection, NULL);
  g_source_attach (connection->timer, connection->server->context);
}

/* The shortest of the waits a request goes through: how long a lazy timer waits at most. */
static guint
lazy_step_s (ConduitWebhookServer *self)
{
  guint step = G_MAXUINT;

  if (self->limits.header_timeout_s > 0)
    step = MIN (step, self->limits.header_timeout_s);
  if (self->limits.body_timeout_s > 0)
    step = MIN (step, self->limits.body_timeout_s);
  if (self->limits.idle_timeout_s > 0)
    step = MIN (step, self->limits.idle_timeout_s);
  return CLAMP (step, 1, 3600);
}

static void
connection_start_lazy_timer (Connection *connection,
                             gint64      now,
                             gint64      wait_us)
{
  guint seconds = (guint)MIN ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC,
                              (gint64)lazy_step_s (connection->server));

  seconds = MAX (seconds, 1);
  connection->timer = g_timeout_source_new_seconds (seconds);
  connection->timer_lazy = TRUE;
  connection->timer_due = now + (gint64)seconds * G_USEC_PER_SEC;
  g_source_set_callback (connection->timer, connection_timeout_cb, connection, NULL);
  g_source_attach (connection->timer, connection->server->context);
}

/* Every request arms three waits in turn (headers, body, then the next request), and each
 * would make and destroy a timer source. Instead one timer fires at most every lazy_step_s()
 * and looks at the deadline, which arming only moves: a deadline later than the timer's
 * firing costs nothing; the timer, when the deadline is still ahead, waits again. */
static void
connection_arm (Connection *connection,
                guint       seconds)
{
  gint64 now;
  gint64 deadline;

  if (seconds == 0)
    {
      connection_disarm (connection);
      return;
    }

  now = g_get_monotonic_time ();
  deadline = now + (gint64)seconds * G_USEC_PER_SEC;
  if (connection->timer != NULL && connection->timer_lazy && connection->timer_due <= deadline)
    {
      connection->deadline = deadline;
      return;
    }

  connection_disarm (connection);
  connection->deadline = deadline;
  connection_start_lazy_timer (connection, now, deadline - now);
}

/* Nothing to wait for now (the request is being answered): a lazy timer stays, to be armed
 * again for the next wait. */
static void
connection_relax (Connection *connection)
{
  if (connection->timer_lazy)
    connection->deadline = -1;
  else
    connection_disarm (connection);
}

void
conduit_webhook_connection_free (gpointer data)
{
  Connection *connection = data;

  connection_disarm (connection);
  connection_unwatch (connection);
  g_clear_object (&connection->last);
  if (connection->discard != NULL)
    {
      g_source_destroy (connection->discard);
      g_clear_pointer (&connection->discard, g_source_unref);
    }
  g_object_set_data (G_OBJECT (connection->remote), connection_key, NULL);
  g_clear_object (&connection->remote);
  g_clear_object (&connection->socket);
  g_free (connection);
}

/* libsoup has let the connection go (its stream is finalized). */
static void
connection_gone_cb (gpointer  user_data,
                    GObject  *where_the_stream_was)
{
  Connection *connection = user_data;
  ConduitWebhookServer *self = connection->server;

  connection->stream = NULL;
  g_hash_table_remove (self->connections, connection);
  resume_accepting (self);
}

/* libsoup offers no way from a message to its connection, but the message's remote address
 * is the very object we handed to soup_server_accept_iostream(). */
static Connection *
connection_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_data (G_OBJECT (remote), connection_key) : NULL;
}

/* The end of a connection libsoup no longer reads: a refused one (dropping the stream taken
 * from libsoup finalizes it, and with it the connection: connection_gone_cb()), or a reaped
 * one, which libsoup may never let go (see connection_reap()): its descriptor is closed and
 * the connection forgotten here. */
static void
connection_let_go (Connection *connection)
{
  g_autoptr(GIOStream) stream = g_steal_pointer (&connection->refused);
  ConduitWebhookServer *self = connection->server;

  connection_disarm (connection);
  connection_unwatch (connection);
  if (connection->discard != NULL)
    {
      g_source_destroy (connection->discard);
      g_clear_pointer (&connection->discard, g_source_unref);
    }
  g_socket_close (connection->socket, NULL);
  if (stream == NULL && connection->stream != NULL)
    {
      g_object_weak_unref (connection->stream, connection_gone_cb, connection);
      connection->stream = NULL;
      g_hash_table_remove (self->connections, connection);
      resume_accepting (self);
    }
}

/* Ends a connection that waits for its next request. libsoup 3.2 never lets such a connection
 * go when its stream ends (fixed in libsoup 3.3, d20c6601): it would stay in the server's list,
 * descriptor and buffers with it, for the life of the process. So the connection is taken back
 * from libsoup through the request answered last (which lets go of everything libsoup held for
 * it) and closed here. Without such a request (none answered yet) the stream is ended instead,
 * which libsoup handles while a request is awaited, and the descriptor closed a moment later.
 *
 * @connection may be gone when this returns. */
static void
connection_reap (Connection *connection)
{
  if (connection->reaping || connection->refused != NULL)
    return;
  connection->reaping = TRUE;
  connection_unwatch (connection);
  connection_disarm (connection);

  if (connection->last != NULL)
    {
      g_autoptr(SoupServerMessage) last = g_steal_pointer (&connection->last);
      g_autoptr(GIOStream) stream = NULL;

      g_socket_close (connection->socket, NULL);
      /* Dropping these finalizes the stream, and with it the connection
       * (connection_gone_cb()). */
      stream = soup_server_message_steal_connection (last);
      return;
    }

  g_socket_shutdown (connection->socket, TRUE, TRUE, NULL);
  connection_arm_source (connection, g_timeout_source_new (REAP_DELAY_MS));
}

/* Readable while no request is under way: either the next request's first bytes (libsoup
 * reads them) or the client's end of the connection, which libsoup 3.2 would not notice. */
static gboolean
idle_watch_cb (GSocket      *socket,
               GIOCondition  condition,
               gpointer      user_data)
{
  Connection *connection = user_data;
  char byte;
  gssize n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&connection->idle_watch, g_source_unref);
  if (n <= 0)
    connection_reap (connection);
  return G_SOURCE_REMOVE;
}

static void
connection_watch_idle (Connection *connection)
{
  connection_unwatch (connection);
  connection->idle_watch = g_socket_create_source (connection->socket, G_IO_IN | G_IO_HUP, NULL);
  /* Before libsoup's own watch of the stream: once libsoup has seen the end of it, the
   * connection can no longer be taken back (see connection_reap()). */
  g_source_set_priority (connection->idle_watch, G_PRIORITY_HIGH);
  g_source_set_callback (connection->idle_watch, (GSourceFunc)(GCallback)idle_watch_cb,
                         connection, NULL);
  g_source_attach (connection->idle_watch, connection->server->context);
}

static gboolean
discard_cb (GSocket      *socket,
            GIOCondition  condition,
            gpointer      user_data)
{
  Connection *connection = user_data;
  char scratch[16384];
  gssize n = g_socket_receive (socket, scratch, sizeof scratch, NULL, NULL);

  if (n > 0)
    return G_SOURCE_CONTINUE;
  /* The sender is done (or gone): it has read the answer by now. */
  g_clear_pointer (&connection->discard, g_source_unref);
  connection_let_go (connection);
  return G_SOURCE_REMOVE;
}

/**
 * conduit_webhook_connection_refuse:
 * @msg: a request being read
 * @status: the answer's status
 * @json: the answer's body
 *
 * Answers @msg at once, without reading (the rest of) its body, and closes its connection:
 * the connection is taken back from libsoup, which would read a body of any length first.
 * Whatever the sender still sends is read and dropped (for as long as a body may take to
 * arrive), so that closing does not reset the connection before the answer is read.
 *
 * Returns: whether @msg was answered (%FALSE: it came from no connection of ours)
 */
gboolean
conduit_webhook_connection_refuse (SoupServerMessage *msg,
                                   guint              status,
                                   const char        *json)
{
  Connection *connection = connection_for_message (msg);
  g_autofree char *text = NULL;
  const char *data;
  gsize length;

  if (connection == NULL || connection->refused != NULL)
    return FALSE;

  connection->refused = soup_server_message_steal_connection (msg);
  connection->busy = FALSE;
  if (connection->refused == NULL)
    return FALSE;

  text = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n%s",
                          status, soup_status_get_phrase (status), strlen (json), json);
  data = text;
  length = strlen (text);
  /* A few hundred bytes on a fresh connection: the socket's buffer takes them at once. */
  while (length > 0)
    {
      gssize sent = g_socket_send (connection->socket, data, length, NULL, NULL);

      if (sent <= 0)
        break;
      data += sent;
      length -= (gsize)sent;
    }
  g_socket_shutdown (connection->socket, FALSE, TRUE, NULL);

  connection_arm (connection, MAX (connection->server->limits.body_timeout_s, 1));
  connection->discard = g_socket_create_source (connection->socket, G_IO_IN | G_IO_HUP, NULL);
  g_source_set_callback (connection->discard, (GSourceFunc)(GCallback)discard_cb, connection,
                         NULL);
  g_source_attach (connection->discard, connection->server->context);
  return TRUE;
}

static void
got_headers_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  Connection *connection = connection_for_message (msg);

  if (connection == NULL || connection->refused != NULL)
    return;
  /* The flows' paths checked this already; any other path too. */
  if (conduit_webhook_refuse_bad_framing (connection->server, msg))
    return;
  connection_arm (connection, connection->server->limits.body_timeout_s);
}

/* The server's "request-read": once for all requests, not a "got-body" handler for each. */
static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Connection *connection = connection_for_message (msg);

  /* From here on the server answers: recording the event may take its time. */
  if (connection != NULL && connection->refused == NULL && !connection->reaping)
    connection_relax (connection);
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  Connection *connection = connection_for_message (msg);

  if (connection == NULL || connection->reaping)
    return;
  connection->busy = TRUE;
  connection_unwatch (connection);
  g_clear_object (&connection->last);
  connection_arm (connection, connection->server->limits.header_timeout_s);
  g_signal_connect (msg, "got-headers", G_CALLBACK (got_headers_cb), NULL);
}

static void
last_disconnected_cb (SoupServerMessage *msg,
                      gpointer           user_data)
{
  Connection *connection = connection_for_message (msg);

  /* libsoup closed the connection itself: it must not be taken back. */
  if (connection != NULL && connection->last == msg)
    {
      connection_unwatch (connection);
      connection_disarm (connection);
      g_clear_object (&connection->last);
    }
}

static void
request_done_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  Connection *connection = connection_for_message (msg);

  if (connection == NULL || connection->refused != NULL || connection->reaping)
    return;
  connection->busy = FALSE;

  /* libsoup closes the connection itself after an aborted request. */
  if (user_data == NULL)
    return;

  /* Kept to take the connection back if it ends between requests, unless libsoup closes it
   * after this answer (Connection: close): then last_disconnected_cb() lets go of it. */
  g_set_object (&connection->last, msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (last_disconnected_cb), NULL);
  connection_watch_idle (connection);
  /* Not reaped from here: libsoup is still finishing this request. */
  if (connection->server->draining)
    connection_arm_source (connection, g_timeout_source_new (0));
  else
    connection_arm (connection, connection->server->limits.idle_timeout_s);
}

/**
 * conduit_webhook_connections_track:
 * @self: a server
 * @soup: one of its libsoup servers
 *
 * Follows the requests of @soup's connections, for their timeouts.
 */
void
conduit_webhook_connections_track (ConduitWebhookServer *self,
                                   SoupServer           *soup)
{
  g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (soup, "request-read", G_CALLBACK (request_read_cb), NULL);
  /* After an aborted request libsoup closes the connection itself (user_data NULL). */
  g_signal_connect (soup, "request-finished", G_CALLBACK (request_done_cb), self);
  g_signal_connect (soup, "request-aborted", G_CALLBACK (request_done_cb), NULL);
}

static gboolean
serve_socket (ConduitWebhookServer  *self,
              SoupServer            *soup,
              GSocket               *socket,
              GError               **error)
{
  g_autoptr(GSocketConnection) stream = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  Connection *connection;

  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  remote = g_socket_get_remote_address (socket, error);
  if (remote == NULL)
    return FALSE;

  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  g_socket_set_blocking (socket, FALSE);

  connection = g_new0 (Connection, 1);
  connection->server = self;
  connection->socket = g_object_ref (socket);
  connection->remote = g_object_ref (remote);
  g_object_set_data (G_OBJECT (remote), connection_key, connection);
  g_hash_table_add (self->connections, connection);

  stream = g_socket_connection_factory_create_connection (socket);
  connection->stream = G_OBJECT (stream);
  g_object_weak_ref (connection->stream, connection_gone_cb, connection);
  connection_arm (connection, self->draining ? 1 : self->limits.idle_timeout_s);

  return soup_server_accept_iostream (soup, G_IO_STREAM (stream), local, remote, error);
}

static void
resume_accepting (ConduitWebhookServer *self)
{
  if (g_hash_table_size (self->connections) >= self->limits.max_connections || self->draining)
    return;
  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (self->listeners, i);

      if (listener->retry_source == NULL)
        listener_start_accepting (listener);
    }
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  Listener *listener = user_data;
  ConduitWebhookServer *self = listener->server;

  for (guint i = 0; i < ACCEPTS_PER_WAKEUP; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = NULL;

      if (g_hash_table_size (self->connections) >= self->limits.max_connections)
        {
          /* The others wait in the kernel's queue until a connection closes. */
          g_clear_pointer (&listener->accept_source, g_source_unref);
          return G_SOURCE_REMOVE;
        }

      client = g_socket_accept (socket, NULL, &error);
      if (client != NULL)
        {
          g_autoptr(GError) serve_error = NULL;

          listener->short_of_files = FALSE;
          if (!serve_socket (self, listener->soup, client, &serve_error))
            {
              g_debug ("Could not serve a webhook connection: %s", serve_error->message);
              g_socket_close (client, NULL);
            }
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      /* Out of descriptors (EMFILE, ENFILE) or memory: libsoup would stop accepting for good.
       * Try again in a moment, when connections may have closed. */
      if (!listener->short_of_files)
        g_message ("Could not accept a webhook connection on port %u: %s; trying again every "
                   "%u ms", listener->port, error->message, ACCEPT_RETRY_MS);
      listener->short_of_files = TRUE;
      g_clear_pointer (&listener->accept_source, g_source_unref);
      listener->retry_source = g_timeout_source_new (ACCEPT_RETRY_MS);
      g_source_set_callback (listener->retry_source, retry_accept_cb, listener, NULL);
      g_source_attach (listener->retry_source, self->context);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

/* Listening sockets */

/* Listens with SO_REUSEPORT, so that the servers of several worker threads can share one port
 * and the kernel spreads the connections over them. A port someone else already listens on is
 * refused first, by a plain bind: SO_REUSEPORT alone would share it with a stranger. */
static GSocket *
listen_socket (GSocketAddress  *address,
               gboolean         shared,
               gboolean         joining,
               GError         **error)
{
  g_autoptr(GSocket) socket = NULL;
  GSocketFamily family = g_socket_address_get_family (address);
  struct sockaddr_storage native;
  guint port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));

  /* The first server of a port makes sure nobody listens there yet; the servers that join it
   * later would fail that test against the first. */
  if (shared && port != 0 && !joining)
    {
      g_autoptr(GSocket) probe = g_socket_new (family, G_SOCKET_TYPE_STREAM,
                                               G_SOCKET_PROTOCOL_TCP, error);

      if (probe == NULL || !g_socket_bind (probe, address, TRUE, error))
        return NULL;
      g_socket_close (probe, NULL);
    }

  socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL ||
      !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEADDR, 1, error) ||
      (shared && !g_socket_set_option (socket, SOL_SOCKET, SO_REUSEPORT, 1, error)) ||
      !g_socket_address_to_native (address, &native, sizeof native, error))
    return NULL;

  /* Not g_socket_bind(): it turns SO_REUSEPORT off again for TCP. */
  if (bind (g_socket_get_fd (socket), (struct sockaddr *)&native,
            g_socket_address_get_native_size (address)) != 0)
    {
      int saved = errno;
      g_autofree char *text = g_socket_connectable_to_string (G_SOCKET_CONNECTABLE (address));

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Error binding to address %s: %s"), text, g_strerror (saved));
      return NULL;
    }

  g_socket_set_listen_backlog (socket, 128);
  if (!g_socket_listen (socket, error))
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  return g_steal_pointer (&socket);
}

static GSocket *
anchor_socket (GError **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) discard = g_inet_socket_address_new (loopback, 9);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP,
                         error);
  if (socket == NULL || !g_socket_connect (socket, discard, NULL, error))
    return NULL;
  return g_steal_pointer (&socket);
}

/**
 * conduit_webhook_listener_new:
 * @self: a server
 * @host: the address to listen on
 * @port: the port, 0 for any free one
 * @joining: whether another server with shared ports already listens there
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): a listener accepting connections
 */
Listener *
conduit_webhook_listener_new (ConduitWebhookServer  *self,
                              const char            *host,
                              guint                  port,
                              gboolean               joining,
                              GError               **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GError) local_error = NULL;
  Listener *listener;

  if (g_str_equal (host, "0.0.0.0"))
    address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
                   _("“%s” is not an address to listen on"), host);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (address, port);

  listener = g_new0 (Listener, 1);
  listener->server = self;
  listener->key = g_strdup_printf ("%s:%u", host, port);
  listener->soup = soup_server_new ("server-header", "Conduit ", NULL);
  listener->socket = listen_socket (socket_address, self->shared_ports, joining, &local_error);

  /* libsoup 3.2 keeps a connection open after its answer only while the server has a listener
   * of its own (request_finished() checks it); without one every request would need a new
   * connection. Its listener gets a datagram socket connected to the discard port, which
   * nothing answers from: it never becomes readable, and if it did, libsoup's accept() would
   * fail and that listener stop watching it, which changes nothing here. */
  if (listener->socket != NULL)
    listener->anchor = anchor_socket (&local_error);
  if (listener->socket == NULL || listener->anchor == NULL ||
      !soup_server_listen_socket (listener->soup, listener->anchor, 0, &local_error))
    {
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_LISTEN,
                   _("Cannot listen for webhooks on %s port %u: %s"), host, port,
                   local_error->message);
      conduit_webhook_listener_free (listener);
      return NULL;
    }

  local = g_socket_get_local_address (listener->socket, NULL);
  listener->port = G_IS_INET_SOCKET_ADDRESS (local) ?
                   g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : port;
  conduit_webhook_connections_track (self, listener->soup);
  listener_start_accepting (listener);
  return listener;
}

/**
 * conduit_webhook_listener_stop:
 * @listener: a listener
 *
 * Closes the listening socket: connections already accepted go on.
 */
void
conduit_webhook_listener_stop (Listener *listener)
{
  listener_pause_accepting (listener);
  if (listener->retry_source != NULL)
    {
      g_source_destroy (listener->retry_source);
      g_clear_pointer (&listener->retry_source, g_source_unref);
    }
  if (listener->socket != NULL)
    g_socket_close (listener->socket, NULL);
}

void
conduit_webhook_listener_free (Listener *listener)
{
  conduit_webhook_listener_stop (listener);
  if (listener->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (listener->soup, listener->server);
      soup_server_disconnect (listener->soup);
    }
  g_clear_object (&listener->soup);
  g_clear_object (&listener->socket);
  g_clear_object (&listener->anchor);
  g_free (listener->key);
  g_free (listener);
}

/**
 * conduit_webhook_connections_drain:
 * @self: a server that is draining
 *
 * Closes every connection that waits for a request; the others close after their answer.
 */
void
conduit_webhook_connections_drain (ConduitWebhookServer *self)
{
  g_autoptr(GPtrArray) idle = g_ptr_array_new ();
  GHashTableIter iter;
  Connection *connection;

  /* Reaping may forget a connection at once: not while going through the table. */
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, (gpointer *)&connection, NULL))
    if (!connection->busy && connection->refused == NULL)
      g_ptr_array_add (idle, connection);
  for (guint i = 0; i < idle->len; i++)
    connection_reap (g_ptr_array_index (idle, i));
}

/**
 * conduit_webhook_connection_free_all:
 * @self: a server being disposed
 *
 * Forgets the connections: libsoup still holds their streams, which are closed with it.
 */
void
conduit_webhook_connection_free_all (ConduitWebhookServer *self)
{
  GHashTableIter iter;
  Connection *connection;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, (gpointer *)&connection, NULL))
    {
      if (connection->stream != NULL)
        g_object_weak_unref (connection->stream, connection_gone_cb, connection);
      g_clear_object (&connection->refused);
      g_hash_table_iter_remove (&iter);
    }
}

/**
 * conduit_webhook_server_serve_socket:
 * @self: a server
 * @flow: a flow being served
 * @socket: a connected socket
 * @error: return location for an error
 *
 * Serves requests arriving on @socket as if they had come to @flow's port, with the same
 * limits. Used where connections come from elsewhere than a listening socket (tests, socket
 * activation).
 *
 * Returns: whether the connection is being served
 */
gboolean
conduit_webhook_server_serve_socket (ConduitWebhookServer  *self,
                                     ConduitFlow           *flow,
                                     GSocket               *socket,
                                     GError               **error)
{
  g_return_val_if_fail (CONDUIT_IS_WEBHOOK_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_SOCKET (socket), FALSE);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      if (route->flow == flow)
        return serve_socket (self, route->listener->soup, socket, error);
    }

  g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
               _("The flow “%s” is not served"), conduit_flow_get_name (flow));
  return FALSE;
}
