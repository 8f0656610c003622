/* fault-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fault-server.h"

#define GATHER_TIMEOUT_MS 20000

struct _FaultServer
{
  SoupServer *server;
  char       *base;
  GHashTable *scripts;     /* path → GQueue of char * */
  GHashTable *counts;      /* path → count */
  GHashTable *by_key;      /* Idempotency-Key → response text */
  GPtrArray  *created;     /* of JsonNode: bodies recorded */
  GPtrArray  *keys;        /* Idempotency-Key of every request, "" when none */
  GPtrArray  *headers;     /* "Name: value" lines of every request, joined by \n */
  GPtrArray  *gathered;    /* of Delayed: "gather" requests held, not yet answered */
  guint       peak_gathered;
  guint       next_id;
};

typedef struct
{
  FaultServer       *server; /* for a "gather" request while it is held; else NULL */
  SoupServerMessage *msg;
  guint              source;
  guint              remaining;
  guint              interval;
  gboolean           finished;
  char              *response;
} Delayed;

static void
delayed_free (Delayed *delayed)
{
  if (delayed->server != NULL)
    g_ptr_array_remove (delayed->server->gathered, delayed);
  g_clear_handle_id (&delayed->source, g_source_remove);
  g_clear_object (&delayed->msg);
  g_free (delayed->response);
  g_free (delayed);
}

static void
queue_free (GQueue *queue)
{
  g_queue_free_full (queue, g_free);
}

/* Records the item (once per idempotency key) and returns the "ok" answer. */
static char *
create_record (FaultServer       *self,
               SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *received;
  char *response;

  if (key != NULL && g_hash_table_contains (self->by_key, key))
    return g_strdup (g_hash_table_lookup (self->by_key, key));

  if (g_bytes_get_size (bytes) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                  (gssize)g_bytes_get_size (bytes), NULL))
    received = json_node_copy (json_parser_get_root (parser));
  else
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      received = json_node_init_string (json_node_alloc (), text);
    }

  g_ptr_array_add (self->created, json_node_ref (received));
  {
    g_autofree char *text = json_to_string (received, FALSE);
    response = g_strdup_printf ("{\"id\":%u,\"received\":%s}", ++self->next_id, text);
  }
  json_node_unref (received);

  if (key != NULL)
    g_hash_table_insert (self->by_key, g_strdup (key), g_strdup (response));
  return response;
}

static void
respond_text (SoupServerMessage *msg,
              guint              status,
              const char        *type,
              const char        *text)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_io_stream_close (stream, NULL, NULL);
}

/* The delayed answer lives until the message is done, answered or abandoned. */
static void
message_finished_cb (SoupServerMessage *msg,
                     Delayed           *delayed)
{
  delayed->finished = TRUE;
  g_signal_handlers_disconnect_by_data (msg, delayed);
  delayed_free (delayed);
}

static gboolean
slow_answer_cb (gpointer user_data)
{
  Delayed *delayed = user_data;

  delayed->source = 0;
  if (delayed->server != NULL)
    {
      g_ptr_array_remove (delayed->server->gathered, delayed);
      delayed->server = NULL;
    }
  if (!delayed->finished)
    {
      respond_text (delayed->msg, 201, "application/json", delayed->response);
      soup_server_message_unpause (delayed->msg);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
slow_body_cb (gpointer user_data)
{
  Delayed *delayed = user_data;
  SoupMessageBody *body;

  if (delayed->finished)
    {
      delayed->source = 0;
      return G_SOURCE_REMOVE;
    }

  body = soup_server_message_get_response_body (delayed->msg);
  if (delayed->remaining == 0)
    {
      soup_message_body_append (body, SOUP_MEMORY_STATIC, "}", 1);
      soup_message_body_complete (body);
      soup_server_message_unpause (delayed->msg);
      delayed->source = 0;
      return G_SOURCE_REMOVE;
    }

  delayed->remaining--;
  soup_message_body_append (body, SOUP_MEMORY_STATIC, " ", 1);
  soup_server_message_unpause (delayed->msg);
  return G_SOURCE_CONTINUE;
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  FaultServer *self = user_data;
  GQueue *script = g_hash_table_lookup (self->scripts, path);
  g_autofree char *step = script ? g_queue_pop_head (script) : NULL;
  SoupMessageHeaders *request_headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (request_headers, "Idempotency-Key");
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, path));
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GString *headers = g_string_new (NULL);

  g_hash_table_insert (self->counts, g_strdup (path), GUINT_TO_POINTER (count + 1));
  g_ptr_array_add (self->keys, g_strdup (key ? key : ""));
  soup_message_headers_iter_init (&iter, request_headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (headers, "%s: %s\n", name, value);
  g_ptr_array_add (self->headers, g_string_free (headers, FALSE));

  if (step == NULL || g_str_equal (step, "ok"))
    {
      g_autofree char *response = create_record (self, msg);
      respond_text (msg, 201, "application/json", response);
    }
  else if (g_str_equal (step, "drop"))
    drop_connection (msg);
  else if (g_str_equal (step, "created+drop"))
    {
      g_free (create_record (self, msg));
      drop_connection (msg);
    }
  else if (g_str_equal (step, "badjson"))
    respond_text (msg, 200, "application/json", "{\"id\": 1, oops");
  else if (g_str_equal (step, "deepjson"))
    {
      g_autofree char *bomb = g_strnfill (1000000, '[');
      respond_text (msg, 200, "application/json", bomb);
    }
  else if (g_str_has_prefix (step, "slow:") || g_str_has_prefix (step, "slowbody:") ||
           g_str_has_prefix (step, "gather:"))
    {
      Delayed *delayed = g_new0 (Delayed, 1);
      /* milliseconds, or for "gather" the number of requests */
      guint argument = (guint)g_ascii_strtoull (strchr (step, ':') + 1, NULL, 10);

      delayed->msg = g_object_ref (msg);
      g_signal_connect (msg, "finished", G_CALLBACK (message_finished_cb), delayed);
      g_signal_connect (msg, "disconnected", G_CALLBACK (message_finished_cb), delayed);

      if (g_str_has_prefix (step, "gather:"))
        {
          delayed->response = create_record (self, msg);
          delayed->server = self;
          soup_server_message_pause (msg);
          g_ptr_array_add (self->gathered, delayed);
          self->peak_gathered = MAX (self->peak_gathered, self->gathered->len);
          /* Never held for ever: a client that cannot send them all at once gets its answers
           * late, and the test its count. */
          delayed->source = g_timeout_add (GATHER_TIMEOUT_MS, slow_answer_cb, delayed);
          if (self->gathered->len >= argument)
            while (self->gathered->len > 0)
              {
                Delayed *held = g_ptr_array_index (self->gathered, 0);

                g_source_remove (held->source);
                slow_answer_cb (held);
              }
        }
      else if (g_str_has_prefix (step, "slow:"))
        {
          delayed->response = create_record (self, msg);
          soup_server_message_pause (msg);
          delayed->source = g_timeout_add (argument, slow_answer_cb, delayed);
        }
      else
        {
          soup_server_message_set_status (msg, 200, NULL);
          soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                             SOUP_ENCODING_CHUNKED);
          soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                                 "application/json", NULL);
          soup_message_body_append (soup_server_message_get_response_body (msg),
                                    SOUP_MEMORY_STATIC, "{", 1);
          delayed->remaining = 20;
          delayed->source = g_timeout_add (MAX (argument / 20, 1), slow_body_cb, delayed);
        }
    }
  else
    {
      guint status = (guint)g_ascii_strtoull (step, NULL, 10);
      const char *colon = strchr (step, ':');

      if (colon != NULL)
        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", colon + 1);
      respond_text (msg, status, "application/json", "{\"error\":\"injected fault\"}");
    }
}

FaultServer *
fault_server_new (void)
{
  FaultServer *self = g_new0 (FaultServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *sockets;
  g_autoptr(GSocketAddress) local = NULL;

  self->server = soup_server_new (NULL, NULL);
  self->scripts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)queue_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->created = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->gathered = g_ptr_array_new ();

  soup_server_add_handler (self->server, NULL, handler, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  /* Not soup_server_get_uris(): libsoup 3.2 leaks a socket address in it. */
  sockets = soup_server_get_listeners (self->server);
  local = g_socket_get_local_address (sockets->data, &error);
  g_assert_no_error (error);
  g_slist_free (sockets);
  self->base = g_strdup_printf ("http://127.0.0.1:%u",
                                g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  return self;
}

void
fault_server_free (FaultServer *self)
{
  for (guint i = 0; i < self->gathered->len; i++)
    ((Delayed *)g_ptr_array_index (self->gathered, i))->server = NULL;
  g_ptr_array_unref (self->gathered);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_hash_table_unref (self->scripts);
  g_hash_table_unref (self->counts);
  g_hash_table_unref (self->by_key);
  g_ptr_array_unref (self->created);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->headers);
  g_free (self->base);
  g_free (self);
}

/* The most "gather" requests held at once. */
guint
fault_server_peak_gathered (FaultServer *self)
{
  return self->peak_gathered;
}

char *
fault_server_url (FaultServer *self,
                  const char  *path)
{
  return g_strconcat (self->base, path, NULL);
}

void
fault_server_script (FaultServer *self,
                     const char  *path,
                     const char  *script)
{
  g_auto(GStrv) steps = g_strsplit (script, ",", -1);
  GQueue *queue = g_queue_new ();

  for (guint i = 0; steps[i] != NULL; i++)
    g_queue_push_tail (queue, g_strdup (g_strstrip (steps[i])));
  g_hash_table_insert (self->scripts, g_strdup (path), queue);
}

guint
fault_server_n_requests (FaultServer *self,
                         const char  *path)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, path));
}

guint
fault_server_n_created (FaultServer *self)
{
  return self->created->len;
}

GPtrArray *
fault_server_created (FaultServer *self)
{
  return self->created;
}

GPtrArray *
fault_server_keys (FaultServer *self)
{
  return self->keys;
}

GPtrArray *
fault_server_headers (FaultServer *self)
{
  return self->headers;
}
