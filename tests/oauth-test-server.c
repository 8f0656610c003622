/* oauth-test-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "oauth-test-server.h"

/* RFC 7636 §4.2: BASE64URL(SHA256(verifier)), without padding. */
char *
oauth_test_s256 (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;
  char *text;

  g_checksum_update (checksum, (const guchar *)(verifier ? verifier : ""), -1);
  g_checksum_get_digest (checksum, digest, &length);
  text = g_base64_encode (digest, length);
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  if (strchr (text, '=') != NULL)
    *strchr (text, '=') = '\0';
  return text;
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

static GHashTable *
copy_query (GHashTable *query)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  if (query == NULL)
    return copy;
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_strdup (value));
  return copy;
}

static void
handle_authorize (SoupServer        *server,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  OAuthTestServer *self = user_data;
  const char *redirect_uri = query ? g_hash_table_lookup (query, "redirect_uri") : NULL;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;

  g_clear_pointer (&self->last_authorize, g_hash_table_unref);
  self->last_authorize = copy_query (query);
  g_free (self->challenge);
  self->challenge = g_strdup (query ? g_hash_table_lookup (query, "code_challenge") : NULL);
  g_free (self->redirect_uri);
  self->redirect_uri = g_strdup (redirect_uri);

  /* what RFC 8252 asks of the app: code flow, S256, its own client, a loopback literal */
  if (redirect_uri == NULL || !g_str_has_prefix (redirect_uri, "http://127.0.0.1:") ||
      g_strcmp0 (g_hash_table_lookup (query, "response_type"), "code") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "code_challenge_method"), "S256") != 0 ||
      g_strcmp0 (g_hash_table_lookup (query, "client_id"), self->client_id) != 0 ||
      state == NULL)
    {
      reply (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\": \"invalid_request\"}");
      return;
    }

  if (self->deny)
    {
      location = g_strdup_printf ("%s?error=access_denied&error_description=The+user+said+no"
                                  "&state=%s", redirect_uri, state);
    }
  else
    {
      code = g_strdup_printf ("code-%u", g_hash_table_size (self->codes) + 1);
      g_hash_table_add (self->codes, g_strdup (code));
      location = g_strdup_printf ("%s?code=%s&state=%s", redirect_uri, code,
                                  self->wrong_state ? "forged-state" : state);
    }

  soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, location);
}

static void
issue_tokens (OAuthTestServer   *self,
              SoupServerMessage *msg)
{
  g_autofree char *access_token = NULL;
  g_autofree char *refresh_token = NULL;
  g_autofree char *body = NULL;

  self->issued++;
  access_token = g_strdup_printf ("access-token-%u", self->issued);
  refresh_token = g_strdup_printf ("refresh-token-%u", self->issued);
  g_hash_table_add (self->access_tokens, g_strdup (access_token));
  g_hash_table_add (self->refresh_tokens, g_strdup (refresh_token));

  body = g_strdup_printf ("{\"access_token\": \"%s\", \"token_type\": \"Bearer\", "
                          "\"expires_in\": %" G_GINT64_FORMAT ", \"refresh_token\": \"%s\"}",
                          access_token, self->expires_in, refresh_token);
  reply (msg, SOUP_STATUS_OK, body);
}

static gboolean
answer_late (gpointer data)
{
  soup_server_message_unpause (data);
  return G_SOURCE_REMOVE;
}

static void
handle_token_answer (OAuthTestServer   *self,
                     SoupServerMessage *msg);

static void
handle_token (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  OAuthTestServer *self = user_data;

  handle_token_answer (self, msg);
  /* slow, so that two clients asking at once would overlap */
  if (self->token_delay_ms > 0)
    {
      soup_server_message_pause (msg);
      g_timeout_add_full (G_PRIORITY_DEFAULT, self->token_delay_ms, answer_late,
                          g_object_ref (msg), g_object_unref);
    }
}

static void
handle_token_answer (OAuthTestServer   *self,
                     SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  const char *grant_type = g_hash_table_lookup (form, "grant_type");

  if (g_strcmp0 (g_hash_table_lookup (form, "client_id"), self->client_id) != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "client_secret"), self->client_secret) != 0)
    {
      reply (msg, SOUP_STATUS_UNAUTHORIZED, "{\"error\": \"invalid_client\"}");
      return;
    }

  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    {
      const char *code = g_hash_table_lookup (form, "code");
      g_autofree char *challenge = oauth_test_s256 (g_hash_table_lookup (form, "code_verifier"));

      /* RFC 7636 §4.6 and RFC 6749 §4.1.3: the verifier, the one-use code, the same redirect */
      if (code == NULL || !g_hash_table_remove (self->codes, code) ||
          g_hash_table_lookup (form, "code_verifier") == NULL ||
          g_strcmp0 (challenge, self->challenge) != 0 ||
          g_strcmp0 (g_hash_table_lookup (form, "redirect_uri"), self->redirect_uri) != 0)
        {
          reply (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\": \"invalid_grant\"}");
          return;
        }

      issue_tokens (self, msg);
      return;
    }

  if (g_strcmp0 (grant_type, "refresh_token") == 0)
    {
      const char *refresh_token = g_hash_table_lookup (form, "refresh_token");

      self->refreshes++;
      /* rotation: a refresh token works once */
      if (self->revoked || refresh_token == NULL ||
          !g_hash_table_remove (self->refresh_tokens, refresh_token))
        {
          reply (msg, SOUP_STATUS_BAD_REQUEST,
                 "{\"error\": \"invalid_grant\", \"error_description\": \"Token has been "
                 "expired or revoked.\"}");
          return;
        }

      issue_tokens (self, msg);
      return;
    }

  reply (msg, SOUP_STATUS_BAD_REQUEST, "{\"error\": \"unsupported_grant_type\"}");
}

static void
handle_api (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  OAuthTestServer *self = user_data;
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  self->api_calls++;
  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer ") &&
      g_hash_table_contains (self->access_tokens, authorization + strlen ("Bearer ")))
    reply (msg, SOUP_STATUS_OK, "{\"ok\": true}");
  else
    reply (msg, SOUP_STATUS_UNAUTHORIZED, "{\"error\": \"invalid_token\"}");
}

OAuthTestServer *
oauth_test_server_new (const char *client_id,
                       const char *client_secret)
{
  OAuthTestServer *self = g_new0 (OAuthTestServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->client_id = g_strdup (client_id);
  self->client_secret = g_strdup (client_secret);
  self->expires_in = 3600;
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, "/authorize", handle_authorize, self, NULL);
  soup_server_add_handler (self->server, "/token", handle_token, self, NULL);
  soup_server_add_handler (self->server, "/api", handle_api, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->base = g_strdup_printf ("http://127.0.0.1:%u", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  return self;
}

void
oauth_test_server_free (OAuthTestServer *self)
{
  if (self == NULL)
    return;

  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_free (self->base);
  g_free (self->client_id);
  g_free (self->client_secret);
  g_clear_pointer (&self->last_authorize, g_hash_table_unref);
  g_free (self->challenge);
  g_free (self->redirect_uri);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_free (self);
}

char *
oauth_test_server_url (OAuthTestServer *self,
                       const char      *path)
{
  return g_strconcat (self->base, path, NULL);
}
