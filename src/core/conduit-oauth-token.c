/* conduit-oauth-token.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-oauth"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "conduit-oauth-token.h"
#include "conduit-redactor.h"

/* The token endpoint of a browser sign-in (oauth2-authorization-code): trading the code for
 * tokens, and renewing the access token with the refresh token.
 *
 * Everything here blocks and runs in worker threads. A refresh holds a lock per credential —
 * within the process and, through a lock file, across processes (the app and `conduit-cli
 * serve` may run at once) — and reads the keyring again under it: a provider that rotates
 * refresh tokens invalidates the old one on first use, so two refreshes with the same refresh
 * token would sign the user out. Whoever comes second finds the fresh token and uses it.
 */

/* how much of a token endpoint's answer an error message quotes */
#define ANSWER_BYTES 300

/**
 * conduit_oauth_session_new_like:
 * @session: the session whose network settings to follow
 *
 * A #SoupSession is tied to the thread that uses it; a worker thread makes its own with the
 * same proxy resolver, TLS database and timeout.
 *
 * Returns: (transfer full): a new session
 */
SoupSession *
conduit_oauth_session_new_like (SoupSession *session)
{
  SoupSession *copy;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  copy = soup_session_new ();
  soup_session_set_proxy_resolver (copy, soup_session_get_proxy_resolver (session));
  soup_session_set_tls_database (copy, soup_session_get_tls_database (session));
  soup_session_set_timeout (copy, soup_session_get_timeout (session) ? soup_session_get_timeout (session) : 60);

  return copy;
}

/**
 * conduit_oauth_read_expires_in:
 * @object: a token endpoint's answer
 *
 * Returns: the `expires_in` of @object in seconds (a number, or text as some servers send),
 *   or -1 when it has none usable
 */
gint64
conduit_oauth_read_expires_in (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "expires_in");
  gint64 seconds = -1;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return -1;

  /* some servers send it as text */
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    seconds = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    seconds = (gint64)CLAMP (json_node_get_double (node), -1.0, (double)G_MAXINT32);
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    seconds = g_ascii_strtoll (json_node_get_string (node), NULL, 10);

  /* ten years is no expiry at all; it also keeps the sums below from overflowing */
  return seconds > 0 && seconds < 10 * 365 * 24 * 3600 ? seconds : -1;
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

/**
 * conduit_oauth_parse_token_response:
 * @credential: an oauth2-authorization-code credential; its token secrets are replaced
 * @data: (array length=length): a token endpoint's successful answer (RFC 6749 §5.1)
 * @length: the length of @data
 * @now: the wall-clock time in seconds since 1970, for the expiry
 * @error: return location for an error
 *
 * Takes `access_token`, `token_type` (only Bearer), `expires_in` and, when the server sends
 * one, a new `refresh_token` (rotation); the old refresh token is kept otherwise. Every token
 * is added to the default redactor before anything can log it.
 *
 * Returns: %TRUE if @credential now holds the answer's tokens
 */
gboolean
conduit_oauth_parse_token_response (ConduitCredential  *credential,
                                    const char         *data,
                                    gsize               length,
                                    gint64              now,
                                    GError            **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  ConduitRedactor *redactor = conduit_redactor_get_default ();
  const char *id;
  const char *access_token;
  const char *refresh_token;
  const char *token_type;
  JsonObject *object;
  gint64 expires_in;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  id = conduit_credential_get_id (credential);

  if (length == 0 || length > G_MAXSSIZE ||
      !json_parser_load_from_data (parser, data, (gssize)length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint of credential “%s” did not answer with a JSON object"),
                   id);
      return FALSE;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  access_token = string_member (object, "access_token");
  refresh_token = string_member (object, "refresh_token");
  token_type = string_member (object, "token_type");

  if (access_token == NULL || *access_token == '\0' || !g_utf8_validate (access_token, -1, NULL))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint of credential “%s” sent no access token"), id);
      return FALSE;
    }

  if (token_type != NULL && g_ascii_strcasecmp (token_type, "bearer") != 0)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint of credential “%s” sent a “%s” token; Conduit only "
                     "uses Bearer tokens"), id, token_type);
      return FALSE;
    }

  if (refresh_token != NULL && (*refresh_token == '\0' || !g_utf8_validate (refresh_token, -1, NULL)))
    refresh_token = NULL;

  conduit_redactor_add_secret (redactor, access_token);
  if (refresh_token != NULL)
    conduit_redactor_add_secret (redactor, refresh_token);

  conduit_credential_set_secret (credential, "access_token", access_token, NULL);
  if (refresh_token != NULL)
    conduit_credential_set_secret (credential, "refresh_token", refresh_token, NULL);

  expires_in = conduit_oauth_read_expires_in (object);
  if (expires_in > 0)
    {
      g_autofree char *expires_at = g_strdup_printf ("%" G_GINT64_FORMAT, now + expires_in);

      conduit_credential_set_secret (credential, "expires_at", expires_at, NULL);
    }
  else
    {
      conduit_credential_set_secret (credential, "expires_at", NULL, NULL);
    }

  return TRUE;
}

static char *
describe_refusal (guint         status,
                  const char   *data,
                  gsize         length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *text = NULL;

  if (data != NULL && length > 0 && length < G_MAXSSIZE &&
      json_parser_load_from_data (parser, data, (gssize)length, NULL) &&
      json_parser_get_root (parser) != NULL &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *object = json_node_get_object (json_parser_get_root (parser));
      const char *code = string_member (object, "error");
      const char *description = string_member (object, "error_description");

      if (code != NULL)
        text = description ? g_strdup_printf ("%s (%s)", code, description) : g_strdup (code);
    }

  if (text == NULL)
    text = data && length ? g_utf8_make_valid (data, MIN (length, ANSWER_BYTES)) : g_strdup ("");

  g_strstrip (text);
  return conduit_redactor_redact (conduit_redactor_get_default (),
                                  *text ? text : soup_status_get_phrase (status));
}

/**
 * conduit_oauth_token_request_sync:
 * @session: a session usable in this thread
 * @credential: an oauth2-authorization-code credential; gets the answer's tokens
 * @form: (element-type utf8 utf8): the form to post (`grant_type` and what goes with it)
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error; %CONDUIT_CREDENTIAL_ERROR_REJECTED when the endpoint
 *   refused the grant (400 or 401, RFC 6749 §5.2)
 *
 * Posts @form to the credential's `token_url` and takes the tokens of the answer. The client
 * id and secret go in the form, which Google, Microsoft and most others accept for native
 * apps. Redirects are not followed: they would carry the code and the secret elsewhere.
 *
 * Returns: %TRUE if @credential holds fresh tokens
 */
gboolean
conduit_oauth_token_request_sync (SoupSession        *session,
                                  ConduitCredential  *credential,
                                  GHashTable         *form,
                                  GCancellable       *cancellable,
                                  GError            **error)
{
  const char *id = conduit_credential_get_id (credential);
  const char *token_url = conduit_credential_get_field (credential, "token_url");
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  char *encoded;
  const char *data;
  gsize length = 0;
  guint status;

  g_return_val_if_fail (SOUP_IS_SESSION (session), FALSE);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), FALSE);
  g_return_val_if_fail (form != NULL, FALSE);

  if (!conduit_credential_check (credential, error))
    return FALSE;

  if (g_str_has_prefix (token_url, "http://") || g_str_has_prefix (token_url, "https://"))
    msg = soup_message_new (SOUP_METHOD_POST, token_url);
  if (msg == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the token URL “%s” of credential “%s” is not a web address"), token_url, id);
      return FALSE;
    }

  encoded = soup_form_encode_hash (form);
  body = g_bytes_new_with_free_func (encoded, strlen (encoded), g_free, encoded);
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);

  answer = soup_session_send_and_read (session, msg, cancellable, &local_error);
  explicit_bzero (encoded, strlen (encoded));
  if (answer == NULL)
    {
      g_autofree char *message = conduit_redactor_redact (conduit_redactor_get_default (),
                                                          local_error->message);

      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("could not reach the token endpoint %s for credential “%s”: %s"),
                   token_url, id, message);
      return FALSE;
    }

  status = soup_message_get_status (msg);
  data = g_bytes_get_data (answer, &length);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the token endpoint %s of credential “%s” redirects elsewhere; put the "
                     "final token URL in the credential"), token_url, id);
      return FALSE;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *why = describe_refusal (status, data, length);
      gboolean refused = status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_UNAUTHORIZED;

      g_set_error (error, CONDUIT_CREDENTIAL_ERROR,
                   refused ? CONDUIT_CREDENTIAL_ERROR_REJECTED : CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint %s refused credential “%s”: HTTP %u: %s"),
                   token_url, id, status, why);
      return FALSE;
    }

  return conduit_oauth_parse_token_response (credential, data, length,
                                             g_get_real_time () / G_USEC_PER_SEC, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Refreshing under a lock                                                                     */

static GMutex locks_mutex;
static GHashTable *locks; /* credential id → GMutex, never freed: a handful per process */

static GMutex *
get_process_lock (const char *id)
{
  GMutex *lock;

  g_mutex_lock (&locks_mutex);
  if (locks == NULL)
    locks = g_hash_table_new (g_str_hash, g_str_equal);
  lock = g_hash_table_lookup (locks, id);
  if (lock == NULL)
    {
      lock = g_new0 (GMutex, 1);
      g_mutex_init (lock);
      g_hash_table_insert (locks, g_strdup (id), lock);
    }
  g_mutex_unlock (&locks_mutex);

  return lock;
}

/* A lock file in the user's runtime directory keeps the app and a `serve` from refreshing at
 * once. Without a usable runtime directory only the process lock holds, which is logged. */
static int
take_file_lock (const char *id)
{
  g_autofree char *directory = g_build_filename (g_get_user_runtime_dir (), "conduit", NULL);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, id, -1);
  g_autofree char *name = g_strdup_printf ("oauth-%.32s.lock", hash);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  int fd;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_debug ("No lock directory %s: %s", directory, g_strerror (errno));
      return -1;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("No lock file %s: %s", path, g_strerror (errno));
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          g_debug ("Could not lock %s: %s", path, g_strerror (errno));
          close (fd);
          return -1;
        }
    }

  return fd;
}

static void
release_file_lock (int fd)
{
  if (fd < 0)
    return;

  flock (fd, LOCK_UN);
  close (fd);
}

static gboolean
token_still_fresh (ConduitCredential *credential,
                   const char        *stale_token)
{
  const char *access_token = conduit_credential_get_secret (credential, "access_token");
  const char *expires_at = conduit_credential_get_secret (credential, "expires_at");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (access_token == NULL || g_strcmp0 (access_token, stale_token) == 0)
    return FALSE;

  return expires_at == NULL ||
         g_ascii_strtoll (expires_at, NULL, 10) > now + CONDUIT_OAUTH_REFRESH_MARGIN_SECONDS;
}

static ConduitCredential *
refresh_locked (SoupSession             *session,
                ConduitCredentialStore  *store,
                ConduitCredential       *credential,
                const char              *stale_token,
                GCancellable            *cancellable,
                GError                 **error)
{
  const char *id = conduit_credential_get_id (credential);
  g_autoptr(ConduitCredential) current = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean keep = store != NULL && !conduit_credential_get_from_environment (credential);
  const char *refresh_token;
  const char *client_secret;

  /* the keyring has the last word: another run may have refreshed meanwhile */
  if (keep)
    {
      current = conduit_credential_store_lookup_sync (store, id, cancellable, &local_error);
      if (current == NULL && g_error_matches (local_error, CONDUIT_CREDENTIAL_ERROR,
                                              CONDUIT_CREDENTIAL_ERROR_NOT_FOUND))
        {
          /* used without being saved (a test, a credential being edited): refresh in memory */
          keep = FALSE;
          g_clear_error (&local_error);
        }
      else if (current == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  if (current == NULL)
    current = conduit_credential_copy (credential);

  if (conduit_credential_get_needs_sign_in (current))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN,
                   _("credential “%s” needs you to sign in again: open it in Conduit and choose "
                     "Sign In, or run “conduit-cli credential sign-in %s”"), id, id);
      return NULL;
    }

  if (token_still_fresh (current, stale_token))
    return g_steal_pointer (&current);

  refresh_token = conduit_credential_get_secret (current, "refresh_token");
  if (refresh_token == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN,
                   _("credential “%s” has no sign-in to renew (the service gave no refresh "
                     "token): sign in again with “conduit-cli credential sign-in %s” or in "
                     "Conduit"), id, id);
      return NULL;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, (char *)"grant_type", (char *)"refresh_token");
  g_hash_table_insert (form, (char *)"refresh_token", (char *)refresh_token);
  g_hash_table_insert (form, (char *)"client_id",
                       (char *)conduit_credential_get_field (current, "client_id"));
  client_secret = conduit_credential_get_secret (current, "client_secret");
  if (client_secret != NULL)
    g_hash_table_insert (form, (char *)"client_secret", (char *)client_secret);

  if (!conduit_oauth_token_request_sync (session, current, form, cancellable, &local_error))
    {
      if (!g_error_matches (local_error, CONDUIT_CREDENTIAL_ERROR,
                            CONDUIT_CREDENTIAL_ERROR_REJECTED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      /* revoked, expired or the password changed: only the person can fix it, in a browser.
       * The dead tokens go, the mark stays until a sign-in succeeds. */
      g_clear_pointer (&form, g_hash_table_unref);
      conduit_credential_set_secret (current, "refresh_token", NULL, NULL);
      conduit_credential_set_secret (current, "access_token", NULL, NULL);
      conduit_credential_set_secret (current, "expires_at", NULL, NULL);
      conduit_credential_set_needs_sign_in (current, TRUE);
      conduit_credential_set_attention (current, local_error->message);
      if (keep)
        {
          g_autoptr(GError) save_error = NULL;

          if (!conduit_credential_store_save_sync (store, current, cancellable, &save_error))
            g_message ("Could not mark credential “%s” as needing a new sign-in: %s",
                       id, save_error->message);
        }

      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN,
                   _("credential “%s” needs you to sign in again: the service refused to renew "
                     "its sign-in (%s)"), id, local_error->message);
      return NULL;
    }
  g_clear_pointer (&form, g_hash_table_unref);

  /* a rotated refresh token is the only one that works from now on: keep it at once */
  if (keep && !conduit_credential_store_save_sync (store, current, cancellable, &local_error))
    g_message ("Could not keep the renewed tokens of credential “%s” in the keyring; they "
               "last until Conduit quits: %s", id, local_error->message);

  return g_steal_pointer (&current);
}

/**
 * conduit_oauth_refresh_sync:
 * @session: a session usable in this thread
 * @store: (nullable): where @credential is kept; %NULL keeps nothing
 * @credential: an oauth2-authorization-code credential
 * @stale_token: (nullable): the access token the caller found too old or refused
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error; %CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN when the
 *   service refused the refresh token (the credential is then marked in @store)
 *
 * Blocks; call it from a worker thread. Under the credential's lock, reads it again from
 * @store: when another run has renewed it meanwhile, that token is used; otherwise the refresh
 * token gets a new access token and the result is saved at once.
 *
 * Returns: (transfer full) (nullable): the credential with a usable access token
 */
ConduitCredential *
conduit_oauth_refresh_sync (SoupSession             *session,
                            ConduitCredentialStore  *store,
                            ConduitCredential       *credential,
                            const char              *stale_token,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  ConduitCredential *result;
  GMutex *lock;
  int fd;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (store == NULL || CONDUIT_IS_CREDENTIAL_STORE (store), NULL);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (conduit_credential_get_kind (credential) ==
                        CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE, NULL);

  lock = get_process_lock (conduit_credential_get_id (credential));
  g_mutex_lock (lock);
  fd = take_file_lock (conduit_credential_get_id (credential));

  result = refresh_locked (session, store, credential, stale_token, cancellable, error);

  release_file_lock (fd);
  g_mutex_unlock (lock);

  return result;
}
