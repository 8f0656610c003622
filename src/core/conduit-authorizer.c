/* conduit-authorizer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-authorizer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-authorizer.h"
#include "conduit-authorizer-private.h"
#include "conduit-jwt-bearer.h"
#include "conduit-oauth-token.h"

/* Puts a credential on an outgoing request: a header, a query parameter, a Basic or Bearer
 * Authorization, an HMAC signature of the body, or an OAuth 2.0 access token obtained with the
 * client-credentials grant.
 *
 * Access tokens are cached in memory per credential id and fetched again shortly *before* they
 * expire (from the token endpoint's `expires_in`), so a request never goes out with a token
 * that dies on the way. Several requests that need a token at once share one fetch. After a 401
 * the caller invalidates the token; conduit_authorizer_send_and_read_async() does that and
 * retries exactly once by itself. A server that refuses a credential gets it marked “needs
 * attention” in the store, with the server's answer.
 */

#define BODY_DATA_KEY "conduit-authorizer-request-body"

/* how much of a refusing server's answer is kept for the credential manager */
#define ANSWER_SNIPPET_BYTES 400

G_DEFINE_FINAL_TYPE (ConduitAuthorizer, conduit_authorizer, G_TYPE_OBJECT)

static void
token_entry_free (gpointer data)
{
  TokenEntry *entry = data;

  g_free (entry->fingerprint);
  if (entry->access_token != NULL)
    explicit_bzero (entry->access_token, strlen (entry->access_token));
  g_free (entry->access_token);
  g_free (entry->stale_token);
  g_clear_object (&entry->latest);
  g_assert (entry->waiters == NULL);
  g_free (entry);
}

static gint64
default_clock (gpointer user_data)
{
  return g_get_monotonic_time ();
}

static void
conduit_authorizer_dispose (GObject *object)
{
  ConduitAuthorizer *self = (ConduitAuthorizer *)object;

  if (self->watched != NULL)
    g_clear_signal_handler (&self->changed_id, self->watched);
  g_clear_object (&self->watched);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_object (&self->redactor);

  G_OBJECT_CLASS (conduit_authorizer_parent_class)->dispose (object);
}

static void
conduit_authorizer_finalize (GObject *object)
{
  ConduitAuthorizer *self = (ConduitAuthorizer *)object;

  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->credentials, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_authorizer_parent_class)->finalize (object);
}

static void
conduit_authorizer_class_init (ConduitAuthorizerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_authorizer_dispose;
  object_class->finalize = conduit_authorizer_finalize;
}

static void
conduit_authorizer_init (ConduitAuthorizer *self)
{
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, token_entry_free);
  self->credentials = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->clock = default_clock;
  self->redactor = g_object_ref (conduit_redactor_get_default ());
}

/**
 * conduit_authorizer_new:
 * @session: the session requests and token fetches go through
 *
 * Returns: (transfer full): an authorizer with an empty token cache
 */
ConduitAuthorizer *
conduit_authorizer_new (SoupSession *session)
{
  ConduitAuthorizer *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  self = g_object_new (CONDUIT_TYPE_AUTHORIZER, NULL);
  self->session = g_object_ref (session);

  return self;
}

/**
 * conduit_authorizer_get_session:
 * @self: an authorizer
 *
 * Returns: (transfer none): the session it sends through
 */
SoupSession *
conduit_authorizer_get_session (ConduitAuthorizer *self)
{
  g_return_val_if_fail (CONDUIT_IS_AUTHORIZER (self), NULL);

  return self->session;
}

/**
 * conduit_authorizer_set_store:
 * @self: an authorizer
 * @store: (nullable): where to mark credentials that a server refuses, and where
 *   conduit_authorizer_authorize_id_async() looks them up; %NULL marks nothing and looks up in
 *   the default store
 */
void
conduit_authorizer_set_store (ConduitAuthorizer      *self,
                              ConduitCredentialStore *store)
{
  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (store == NULL || CONDUIT_IS_CREDENTIAL_STORE (store));

  g_set_object (&self->store, store);
}

/**
 * conduit_authorizer_set_redactor:
 * @self: an authorizer
 * @redactor: the redactor that learns every access token fetched; the default one until set
 */
void
conduit_authorizer_set_redactor (ConduitAuthorizer *self,
                                 ConduitRedactor   *redactor)
{
  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (CONDUIT_IS_REDACTOR (redactor));

  g_set_object (&self->redactor, redactor);
}

/**
 * conduit_authorizer_set_clock:
 * @self: an authorizer
 * @clock: (nullable): returns monotonic microseconds; %NULL for g_get_monotonic_time()
 * @user_data: data for @clock
 *
 * Token lifetimes are measured with @clock, which lets tests step over an hour-long token
 * without waiting for it.
 */
void
conduit_authorizer_set_clock (ConduitAuthorizer          *self,
                              ConduitAuthorizerClockFunc  clock,
                              gpointer                    user_data)
{
  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));

  self->clock = clock ? clock : default_clock;
  self->clock_data = clock ? user_data : NULL;
}

/**
 * conduit_authorizer_set_request_body:
 * @msg: an outgoing message
 * @content_type: (nullable): the body's media type
 * @body: the body
 *
 * Sets the request body and keeps a reference to it, so that an HMAC credential can sign it:
 * libsoup only keeps the body as a stream.
 */
void
conduit_authorizer_set_request_body (SoupMessage *msg,
                                     const char  *content_type,
                                     GBytes      *body)
{
  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (body != NULL);

  soup_message_set_request_body_from_bytes (msg, content_type, body);
  g_object_set_data_full (G_OBJECT (msg), BODY_DATA_KEY, g_bytes_ref (body),
                          (GDestroyNotify)g_bytes_unref);
}

static gboolean
is_result_of (ConduitAuthorizer *self,
              GAsyncResult      *result,
              gpointer           source_tag)
{
  return CONDUIT_IS_AUTHORIZER (self) && g_task_is_valid (result, self) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

static char *
redact (ConduitAuthorizer *self,
        const char        *text)
{
  return conduit_redactor_redact (self->redactor, text);
}

static char *
answer_snippet (SoupMessage *msg,
                GBytes      *body)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;

  g_string_printf (answer, "HTTP %u %s", soup_message_get_status (msg),
                   soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");

  if (length > 0)
    {
      g_autofree char *text = g_utf8_make_valid (data, MIN (length, ANSWER_SNIPPET_BYTES));

      g_strstrip (text);
      if (*text != '\0')
        g_string_append_printf (answer, ": %s", text);
    }

  return g_string_free (g_steal_pointer (&answer), FALSE);
}

/* ------------------------------------------------------------------------------------------ */
/* Applying a credential                                                                       */

static void
set_query_parameter (SoupMessage *msg,
                     const char  *name,
                     const char  *value)
{
  GUri *uri = soup_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  g_autoptr(GString) new_query = g_string_new (NULL);
  g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);
  g_autoptr(GUri) new_uri = NULL;

  /* drop a parameter of the same name a flow may have put there, keep all others as they are */
  if (query != NULL)
    {
      g_auto(GStrv) pairs = g_strsplit (query, "&", -1);

      for (guint i = 0; pairs[i] != NULL; i++)
        {
          g_autofree char *raw_name = g_strndup (pairs[i], strcspn (pairs[i], "="));
          g_autofree char *pair_name = g_uri_unescape_string (raw_name, NULL);

          if (*pairs[i] == '\0' || g_strcmp0 (pair_name, name) == 0)
            continue;

          if (new_query->len > 0)
            g_string_append_c (new_query, '&');
          g_string_append (new_query, pairs[i]);
        }
    }

  if (new_query->len > 0)
    g_string_append_c (new_query, '&');
  g_string_append_printf (new_query, "%s=%s", escaped_name, escaped_value);

  new_uri = soup_uri_copy (uri, SOUP_URI_QUERY, new_query->str, SOUP_URI_NONE);
  soup_message_set_uri (msg, new_uri);

  explicit_bzero (escaped_value, strlen (escaped_value));
  explicit_bzero (new_query->str, new_query->len);
}

void
_conduit_authorizer_set_authorization (SoupMessage *msg,
                   const char  *scheme,
                   const char  *value)
{
  g_autofree char *header = g_strdup_printf ("%s %s", scheme, value);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  explicit_bzero (header, strlen (header));
}

static char *
basic_credentials (const char *user,
                   const char *password)
{
  g_autofree char *pair = g_strdup_printf ("%s:%s", user, password);
  char *encoded = g_base64_encode ((const guchar *)pair, strlen (pair));

  explicit_bzero (pair, strlen (pair));
  return encoded;
}

/* Applies every kind but OAuth 2.0, which needs a token first. */
static void
apply_static (ConduitCredential *credential,
              SoupMessage       *msg)
{
  switch (conduit_credential_get_kind (credential))
    {
    case CONDUIT_CREDENTIAL_KIND_API_KEY:
      {
        const char *key = conduit_credential_get_secret (credential, "key");

        if (g_strcmp0 (conduit_credential_get_field (credential, "in"), "query") == 0)
          set_query_parameter (msg, conduit_credential_get_field (credential, "parameter"), key);
        else
          soup_message_headers_replace (soup_message_get_request_headers (msg),
                                        conduit_credential_get_field (credential, "header"), key);
      }
      break;

    case CONDUIT_CREDENTIAL_KIND_BEARER:
      _conduit_authorizer_set_authorization (msg, "Bearer", conduit_credential_get_secret (credential, "token"));
      break;

    case CONDUIT_CREDENTIAL_KIND_BASIC:
      {
        g_autofree char *encoded =
          basic_credentials (conduit_credential_get_field (credential, "username"),
                             conduit_credential_get_secret (credential, "password"));

        _conduit_authorizer_set_authorization (msg, "Basic", encoded);
      }
      break;

    case CONDUIT_CREDENTIAL_KIND_HMAC:
      {
        GBytes *body = g_object_get_data (G_OBJECT (msg), BODY_DATA_KEY);
        gsize length = 0;
        const guint8 *data = body ? g_bytes_get_data (body, &length) : NULL;
        g_autofree char *digest =
          conduit_credential_compute_hmac_sha256_hex (credential, data, length);
        g_autofree char *value = g_strconcat (conduit_credential_get_field (credential, "prefix"),
                                              digest, NULL);

        soup_message_headers_replace (soup_message_get_request_headers (msg),
                                      conduit_credential_get_field (credential, "header"), value);
      }
      break;

    case CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS:
    case CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE:
    case CONDUIT_CREDENTIAL_KIND_JWT_BEARER:
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------------------------ */
/* OAuth 2.0 client credentials                                                                */

typedef struct
{
  ConduitAuthorizer *self;
  ConduitCredential *credential;
  SoupMessage       *msg;
  char              *token_url;
  GError            *error;   /* the fetch's failure, kept while the refusal is being marked */
} FetchOp;

static void
fetch_op_free (FetchOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->credential);
  g_clear_object (&op->msg);
  g_free (op->token_url);
  g_clear_error (&op->error);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FetchOp, fetch_op_free)

static char *
oauth2_fingerprint (ConduitCredential *credential)
{
  static const char * const keys[] = { "token_url", "client_id", "scope", "audience",
                                       "client_auth", "subject" };
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  ConduitCredentialKind kind = conduit_credential_get_kind (credential);
  const char *secret = conduit_credential_get_secret (credential,
                                                      conduit_credential_kind_get_secret_field (kind)->key);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = conduit_credential_get_field (credential, keys[i]);

      g_checksum_update (checksum, (const guchar *)(value ? value : ""), -1);
      g_checksum_update (checksum, (const guchar *)"\n", 1);
    }
  g_checksum_update (checksum, (const guchar *)(secret ? secret : ""), -1);

  return g_strdup (g_checksum_get_string (checksum));
}

TokenEntry *
_conduit_authorizer_lookup_token_entry (ConduitAuthorizer *self,
                    ConduitCredential *credential)
{
  const char *id = conduit_credential_get_id (credential);
  g_autofree char *fingerprint = oauth2_fingerprint (credential);
  TokenEntry *entry = g_hash_table_lookup (self->tokens, id);

  if (entry == NULL)
    {
      entry = g_new0 (TokenEntry, 1);
      entry->fingerprint = g_steal_pointer (&fingerprint);
      g_hash_table_insert (self->tokens, g_strdup (id), entry);
    }
  else if (!g_str_equal (entry->fingerprint, fingerprint) && entry->waiters == NULL)
    {
      g_free (entry->fingerprint);
      entry->fingerprint = g_steal_pointer (&fingerprint);
      g_clear_pointer (&entry->access_token, g_free);
    }

  return entry;
}

void
_conduit_authorizer_complete_waiters (ConduitAuthorizer *self,
                  const char        *id,
                  const GError      *error)
{
  TokenEntry *entry = g_hash_table_lookup (self->tokens, id);
  g_autoptr(GPtrArray) waiters = NULL;

  g_assert (entry != NULL && entry->waiters != NULL);
  waiters = g_steal_pointer (&entry->waiters);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        {
          g_task_return_error (task, g_error_copy (error));
          continue;
        }

      _conduit_authorizer_set_authorization (g_task_get_task_data (task), "Bearer", entry->access_token);
      g_task_return_boolean (task, TRUE);
    }
}

static char *
describe_token_error (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;
  JsonObject *object;
  const char *code;
  const char *description;

  if (data == NULL || !json_parser_load_from_data (parser, data, length, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  object = json_node_get_object (json_parser_get_root (parser));
  code = json_object_get_string_member_with_default (object, "error", NULL);
  description = json_object_get_string_member_with_default (object, "error_description", NULL);
  if (code == NULL)
    return NULL;

  return description ? g_strdup_printf ("%s (%s)", code, description) : g_strdup (code);
}

static void
on_refusal_marked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FetchOp) op = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_credential_store_mark_needs_attention_finish (CONDUIT_CREDENTIAL_STORE (source),
                                                             result, &error))
    g_message ("Could not mark credential “%s” as needing attention: %s",
               conduit_credential_get_id (op->credential), error->message);

  _conduit_authorizer_complete_waiters (op->self, conduit_credential_get_id (op->credential), op->error);
}

static void
fail_fetch (FetchOp    *op,
            gboolean    refused,
            const char *answer)
{
  ConduitAuthorizer *self = op->self;

  g_assert (op->error != NULL);

  if (refused && self->store != NULL)
    {
      conduit_credential_store_mark_needs_attention_async (self->store,
                                                           conduit_credential_get_id (op->credential),
                                                           answer, NULL, on_refusal_marked, op);
      return;
    }

  _conduit_authorizer_complete_waiters (self, conduit_credential_get_id (op->credential), op->error);
  fetch_op_free (op);
}

static void
on_token_response (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FetchOp *op = user_data;
  ConduitAuthorizer *self = op->self;
  const char *id = conduit_credential_get_id (op->credential);
  const char *token_url = op->token_url;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *answer = NULL;
  JsonObject *object = NULL;
  const char *access_token = NULL;
  const char *token_type = NULL;
  TokenEntry *entry;
  guint status;
  gint64 expires_in;
  gsize length = 0;
  const char *data;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_autofree char *message = redact (self, error->message);

      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("could not reach the token endpoint %s for credential “%s”: %s"),
                   token_url, id, message);
      fail_fetch (op, FALSE, NULL);
      return;
    }

  status = soup_message_get_status (op->msg);
  answer = answer_snippet (op->msg, body);

  if (SOUP_STATUS_IS_REDIRECTION (status))
    {
      const char *location = soup_message_headers_get_one (
        soup_message_get_response_headers (op->msg), "Location");

      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the token endpoint %s of credential “%s” redirects to %s; Conduit does not "
                     "send the client secret on to another address: put the final token URL "
                     "in the credential"),
                   token_url, id, location != NULL ? location : _("another address"));
      fail_fetch (op, FALSE, answer);
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_autofree char *detail = describe_token_error (body);
      g_autofree char *shown = redact (self, detail ? detail : answer);
      gboolean refused = status == SOUP_STATUS_BAD_REQUEST || status == SOUP_STATUS_UNAUTHORIZED ||
                         status == SOUP_STATUS_FORBIDDEN;

      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR,
                   refused ? CONDUIT_CREDENTIAL_ERROR_REJECTED : CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint %s refused credential “%s”: HTTP %u: %s"),
                   token_url, id, status, shown);
      fail_fetch (op, refused, answer);
      return;
    }

  data = g_bytes_get_data (body, &length);
  if (data != NULL && json_parser_load_from_data (parser, data, length, NULL) &&
      json_parser_get_root (parser) != NULL &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    object = json_node_get_object (json_parser_get_root (parser));

  if (object != NULL)
    {
      access_token = json_object_get_string_member_with_default (object, "access_token", NULL);
      token_type = json_object_get_string_member_with_default (object, "token_type", "Bearer");
    }

  if (access_token == NULL || *access_token == '\0')
    {
      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint %s sent no access token for credential “%s”"),
                   token_url, id);
      fail_fetch (op, FALSE, NULL);
      return;
    }

  if (g_ascii_strcasecmp (token_type, "bearer") != 0)
    {
      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint %s sent a “%s” token for credential “%s”; Conduit "
                     "only uses Bearer tokens"), token_url, token_type, id);
      fail_fetch (op, FALSE, NULL);
      return;
    }

  conduit_redactor_add_secret (self->redactor, access_token);

  entry = g_hash_table_lookup (self->tokens, id);
  g_free (entry->access_token);
  entry->access_token = g_strdup (access_token);

  /* renew a tenth of the lifetime early, at most a minute: clocks differ and requests take time */
  expires_in = conduit_oauth_read_expires_in (object);
  if (expires_in > 0)
    {
      gint64 lifetime = expires_in * G_USEC_PER_SEC;

      entry->refresh_at = self->clock (self->clock_data) + lifetime -
                          MIN (lifetime / 10, 60 * G_USEC_PER_SEC);
    }
  else
    {
      entry->refresh_at = G_MAXINT64;
    }

  g_debug ("Fetched an access token for credential “%s” from %s, valid %" G_GINT64_FORMAT " s",
           id, token_url, expires_in);

  /* it works again: clear a mark left by an earlier refusal */
  if (self->store != NULL && conduit_credential_get_attention (op->credential) != NULL)
    {
      conduit_credential_set_attention (op->credential, NULL);
      op->error = NULL;
      conduit_credential_store_mark_needs_attention_async (self->store, id, NULL, NULL,
                                                           on_refusal_marked, op);
      return;
    }

  _conduit_authorizer_complete_waiters (self, id, NULL);
  fetch_op_free (op);
}

/* jwt-bearer (RFC 7523 §2.1): the signed assertion is the whole proof; no client secret. */
static void
fetch_token_with_assertion (FetchOp *op)
{
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *assertion = NULL;
  g_autoptr(GBytes) body = NULL;
  char *encoded;

  op->token_url = conduit_jwt_bearer_dup_token_url (op->credential, &op->error);
  if (op->token_url != NULL)
    assertion = conduit_jwt_bearer_create_assertion (op->credential,
                                                     g_get_real_time () / G_USEC_PER_SEC,
                                                     &op->error);
  if (assertion != NULL &&
      (g_str_has_prefix (op->token_url, "http://") || g_str_has_prefix (op->token_url, "https://")))
    op->msg = soup_message_new (SOUP_METHOD_POST, op->token_url);
  if (assertion != NULL && op->msg == NULL)
    g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                 _("the token URL “%s” of credential “%s” is not a web address"),
                 op->token_url, conduit_credential_get_id (op->credential));
  if (op->msg == NULL)
    {
      fail_fetch (op, FALSE, NULL);
      return;
    }

  g_hash_table_insert (form, (char *)"grant_type",
                       (char *)"urn:ietf:params:oauth:grant-type:jwt-bearer");
  g_hash_table_insert (form, (char *)"assertion", assertion);
  encoded = soup_form_encode_hash (form);
  body = g_bytes_new_take (encoded, strlen (encoded));
  soup_message_headers_replace (soup_message_get_request_headers (op->msg), "Accept",
                                "application/json");
  soup_message_set_request_body_from_bytes (op->msg, "application/x-www-form-urlencoded", body);
  soup_message_add_flags (op->msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (op->self->session, op->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_token_response, op);
}

static void
fetch_token (ConduitAuthorizer *self,
             ConduitCredential *credential)
{
  const char *token_url = conduit_credential_get_field (credential, "token_url");
  const char *client_id = conduit_credential_get_field (credential, "client_id");
  const char *client_secret = conduit_credential_get_secret (credential, "client_secret");
  const char *scope = conduit_credential_get_field (credential, "scope");
  const char *audience = conduit_credential_get_field (credential, "audience");
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *encoded = NULL;
  g_autoptr(GBytes) body = NULL;
  FetchOp *op;

  op = g_new0 (FetchOp, 1);
  op->self = g_object_ref (self);
  op->credential = g_object_ref (credential);
  if (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_JWT_BEARER)
    {
      fetch_token_with_assertion (op);
      return;
    }
  op->token_url = g_strdup (token_url);
  /* libsoup would also take ftp:// and the like, and fail later with a less helpful message */
  if (g_str_has_prefix (token_url, "http://") || g_str_has_prefix (token_url, "https://"))
    op->msg = soup_message_new (SOUP_METHOD_POST, token_url);

  if (op->msg == NULL)
    {
      g_set_error (&op->error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the token URL “%s” of credential “%s” is not a web address"),
                   token_url, conduit_credential_get_id (credential));
      fail_fetch (op, FALSE, NULL);
      return;
    }

  g_hash_table_insert (form, (char *)"grant_type", (char *)"client_credentials");
  if (scope != NULL)
    g_hash_table_insert (form, (char *)"scope", (char *)scope);
  if (audience != NULL)
    g_hash_table_insert (form, (char *)"audience", (char *)audience);

  if (g_strcmp0 (conduit_credential_get_field (credential, "client_auth"), "body") == 0)
    {
      g_hash_table_insert (form, (char *)"client_id", (char *)client_id);
      g_hash_table_insert (form, (char *)"client_secret", (char *)client_secret);
    }
  else
    {
      /* RFC 6749 §2.3.1: both parts form-encoded before they are joined */
      g_autofree char *user = g_uri_escape_string (client_id, NULL, FALSE);
      g_autofree char *password = g_uri_escape_string (client_secret, NULL, FALSE);
      g_autofree char *basic = basic_credentials (user, password);

      _conduit_authorizer_set_authorization (op->msg, "Basic", basic);
      explicit_bzero (password, strlen (password));
    }

  encoded = soup_form_encode_hash (form);
  body = g_bytes_new_take (encoded, strlen (encoded));
  encoded = NULL;
  soup_message_headers_replace (soup_message_get_request_headers (op->msg), "Accept",
                                "application/json");
  soup_message_set_request_body_from_bytes (op->msg, "application/x-www-form-urlencoded", body);

  /* A redirect would carry the client secret to wherever it points, http:// included: the
   * token URL must be the endpoint itself. (The answer is then shown as an error naming the
   * address it points to.) */
  soup_message_add_flags (op->msg, SOUP_MESSAGE_NO_REDIRECT);

  /* one waiter giving up must not cancel the fetch the others wait for */
  soup_session_send_and_read_async (self->session, op->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_token_response, op);
}

/* ------------------------------------------------------------------------------------------ */
/* Public API                                                                                  */

/**
 * conduit_authorizer_authorize_async:
 * @self: an authorizer
 * @credential: a credential with its secrets, e.g. from conduit_credential_store_lookup_async()
 * @msg: the request to authorize; its headers or URI are changed
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once @msg carries the credential
 * @user_data: data for @callback
 *
 * Only OAuth 2.0 credentials do I/O here: they fetch a token when there is none, or when the
 * cached one is about to expire.
 */
void
conduit_authorizer_authorize_async (ConduitAuthorizer   *self,
                                    ConduitCredential   *credential,
                                    SoupMessage         *msg,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  TokenEntry *entry;

  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_authorizer_authorize_async);
  g_task_set_task_data (task, g_object_ref (msg), g_object_unref);

  if (!conduit_credential_check (credential, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  conduit_redactor_add_credential (self->redactor, credential);

  if (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE)
    {
      _conduit_authorizer_authorize_sign_in (self, credential, g_steal_pointer (&task));
      return;
    }

  if (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS &&
      conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_JWT_BEARER)
    {
      apply_static (credential, msg);
      g_task_return_boolean (task, TRUE);
      return;
    }

  entry = _conduit_authorizer_lookup_token_entry (self, credential);
  if (entry->waiters == NULL && entry->access_token != NULL &&
      self->clock (self->clock_data) < entry->refresh_at)
    {
      _conduit_authorizer_set_authorization (msg, "Bearer", entry->access_token);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (entry->waiters != NULL)
    {
      g_ptr_array_add (entry->waiters, g_steal_pointer (&task));
      return;
    }

  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (entry->waiters, g_steal_pointer (&task));
  fetch_token (self, credential);
}

/**
 * conduit_authorizer_authorize_finish:
 * @self: an authorizer
 * @result: the #GAsyncResult
 * @error: return location for an error; %CONDUIT_CREDENTIAL_ERROR_REJECTED when the token
 *   endpoint refused the client credentials
 *
 * Returns: %TRUE if the message carries the credential
 */
gboolean
conduit_authorizer_authorize_finish (ConduitAuthorizer  *self,
                                     GAsyncResult       *result,
                                     GError            **error)
{
  g_return_val_if_fail (is_result_of (self, result, conduit_authorizer_authorize_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * conduit_authorizer_invalidate:
 * @self: an authorizer
 * @credential: a credential
 *
 * Forgets the cached access token of @credential, typically after a 401: the next
 * authorization fetches a fresh one.
 */
void
conduit_authorizer_invalidate (ConduitAuthorizer *self,
                               ConduitCredential *credential)
{
  TokenEntry *entry;

  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));

  entry = g_hash_table_lookup (self->tokens, conduit_credential_get_id (credential));
  if (entry != NULL && entry->access_token != NULL)
    {
      g_free (entry->stale_token);
      entry->stale_token = g_steal_pointer (&entry->access_token);
    }
}

static void
on_store_changed (ConduitCredentialStore *store,
                  const char             *id,
                  ConduitAuthorizer      *self)
{
  TokenEntry *entry = g_hash_table_lookup (self->tokens, id);

  /* saved anew or deleted: look it up again next time */
  g_hash_table_remove (self->credentials, id);
  /* a new sign-in brings new tokens; a refresh in flight finishes first */
  if (entry != NULL && entry->waiters == NULL)
    g_hash_table_remove (self->tokens, id);
}

static ConduitCredentialStore *
lookup_store (ConduitAuthorizer *self)
{
  ConduitCredentialStore *store = self->store ? self->store : conduit_credential_store_get_default ();

  if (self->watched != store)
    {
      if (self->watched != NULL)
        g_clear_signal_handler (&self->changed_id, self->watched);
      g_set_object (&self->watched, store);
      self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
      g_hash_table_remove_all (self->credentials);
    }

  return store;
}

ConduitCredentialStore *
_conduit_authorizer_get_lookup_store (ConduitAuthorizer *self)
{
  return lookup_store (self);
}

/* One request on its way: authorizing by id, or sending with retries. */
typedef struct
{
  ConduitCredential *credential;
  SoupMessage       *msg;
  int                io_priority;
  gboolean           retried;
  GBytes            *bytes;
} RequestOp;

static void
request_op_free (gpointer data)
{
  RequestOp *op = data;

  g_clear_object (&op->credential);
  g_clear_object (&op->msg);
  g_clear_pointer (&op->bytes, g_bytes_unref);
  g_free (op);
}

static void
on_id_authorized (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestOp *op = g_task_get_task_data (task);
  GError *error = NULL;

  if (!conduit_authorizer_authorize_finish (CONDUIT_AUTHORIZER (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (op->credential), g_object_unref);
}

static void
on_id_looked_up (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitAuthorizer *self = g_task_get_source_object (task);
  RequestOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  op->credential = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (source),
                                                          result, &error);
  if (op->credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  g_hash_table_replace (self->credentials, g_strdup (conduit_credential_get_id (op->credential)),
                        g_object_ref (op->credential));
  conduit_authorizer_authorize_async (self, op->credential, op->msg, cancellable,
                                      on_id_authorized, g_steal_pointer (&task));
}

/**
 * conduit_authorizer_authorize_id_async:
 * @self: an authorizer
 * @credential_id: the id a flow names, e.g. a node's "credential" setting
 * @msg: the request to authorize
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the credential used
 * @user_data: data for @callback
 *
 * Looks the credential up in the store (once: it is kept until the store says it changed) and
 * authorizes @msg with it. This is what a node calls before each attempt.
 */
void
conduit_authorizer_authorize_id_async (ConduitAuthorizer   *self,
                                       const char          *credential_id,
                                       SoupMessage         *msg,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConduitCredentialStore *store;
  ConduitCredential *cached;
  RequestOp *op;

  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (credential_id != NULL);
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_authorizer_authorize_id_async);
  op = g_new0 (RequestOp, 1);
  op->msg = g_object_ref (msg);
  g_task_set_task_data (task, op, request_op_free);

  store = lookup_store (self);
  cached = g_hash_table_lookup (self->credentials, credential_id);
  if (cached != NULL)
    {
      op->credential = g_object_ref (cached);
      conduit_authorizer_authorize_async (self, cached, msg, cancellable, on_id_authorized,
                                          g_steal_pointer (&task));
      return;
    }

  conduit_credential_store_lookup_async (store, credential_id, cancellable, on_id_looked_up,
                                         g_steal_pointer (&task));
}

/**
 * conduit_authorizer_authorize_id_finish:
 * @self: an authorizer
 * @result: the #GAsyncResult
 * @error: return location for an error: %CONDUIT_CREDENTIAL_ERROR_NOT_FOUND (“credential “X”
 *   is not in your keyring”), %CONDUIT_CREDENTIAL_ERROR_LOCKED, or one of authorizing
 *
 * Returns: (transfer full) (nullable): the credential @msg now carries, for
 *   conduit_authorizer_should_retry() and conduit_authorizer_note_answer_async()
 */
ConduitCredential *
conduit_authorizer_authorize_id_finish (ConduitAuthorizer  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (is_result_of (self, result, conduit_authorizer_authorize_id_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}


/* libsoup reads a request body once; a message sent again needs it set again. */
static void
rewind_request_body (SoupMessage *msg)
{
  GBytes *body = g_object_get_data (G_OBJECT (msg), BODY_DATA_KEY);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autofree char *content_type = NULL;

  if (body == NULL)
    return;

  content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  soup_message_set_request_body_from_bytes (msg, content_type, body);
}

static void on_send_authorized (GObject      *source,
                                GAsyncResult *result,
                                gpointer      user_data);

/**
 * conduit_authorizer_should_retry:
 * @self: an authorizer
 * @credential: the credential @msg was sent with
 * @msg: a message that got its answer
 *
 * For a caller with its own send loop (the runner's retries): after a 401 an OAuth 2.0 token
 * may have been revoked or the server's clock may run ahead, so the token is dropped and the
 * request is worth one more try with a fresh one. Call it once per request, not in a loop. The
 * body set with conduit_authorizer_set_request_body() is set again for the resend.
 *
 * Returns: %TRUE if @msg should be authorized again and resent once
 */
gboolean
conduit_authorizer_should_retry (ConduitAuthorizer *self,
                                 ConduitCredential *credential,
                                 SoupMessage       *msg)
{
  g_return_val_if_fail (CONDUIT_IS_AUTHORIZER (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), FALSE);
  g_return_val_if_fail (SOUP_IS_MESSAGE (msg), FALSE);

  if (soup_message_get_status (msg) != SOUP_STATUS_UNAUTHORIZED ||
      (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS &&
       conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE &&
       conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_JWT_BEARER))
    return FALSE;

  conduit_authorizer_invalidate (self, credential);
  rewind_request_body (msg);
  return TRUE;
}

static void
on_answer_marked (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!conduit_credential_store_mark_needs_attention_finish (CONDUIT_CREDENTIAL_STORE (source),
                                                             result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * conduit_authorizer_note_answer_async:
 * @self: an authorizer
 * @credential: the credential @msg was sent with
 * @msg: a message that got its final answer
 * @body: (nullable): the answer's body, quoted in the mark
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the mark is stored
 * @user_data: data for @callback
 *
 * With a store set: a 401 or 403 marks @credential “needs attention” with the server's answer;
 * a success clears an earlier mark. Does nothing otherwise.
 */
void
conduit_authorizer_note_answer_async (ConduitAuthorizer   *self,
                                      ConduitCredential   *credential,
                                      SoupMessage         *msg,
                                      GBytes              *body,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *answer = NULL;
  guint status;

  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_authorizer_note_answer_async);

  status = soup_message_get_status (msg);
  if (self->store != NULL && (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN))
    {
      answer = answer_snippet (msg, body);
    }
  else if (self->store == NULL || !SOUP_STATUS_IS_SUCCESSFUL (status) ||
           conduit_credential_get_attention (credential) == NULL)
    {
      /* nothing to mark, nothing to clear */
      g_task_return_boolean (task, TRUE);
      return;
    }

  conduit_credential_set_attention (credential, answer);
  conduit_credential_store_mark_needs_attention_async (self->store,
                                                       conduit_credential_get_id (credential),
                                                       answer, cancellable, on_answer_marked,
                                                       g_steal_pointer (&task));
}

/**
 * conduit_authorizer_note_answer_finish:
 * @self: an authorizer
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: %TRUE if the mark is up to date
 */
gboolean
conduit_authorizer_note_answer_finish (ConduitAuthorizer  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (is_result_of (self, result, conduit_authorizer_note_answer_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_send_noted (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RequestOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* the answer itself arrived; a keyring hiccup must not turn it into a failure */
  if (!conduit_authorizer_note_answer_finish (CONDUIT_AUTHORIZER (source), result, &error))
    g_message ("Could not update the attention mark of credential “%s”: %s",
               conduit_credential_get_id (op->credential), error->message);

  g_task_return_pointer (task, g_steal_pointer (&op->bytes), (GDestroyNotify)g_bytes_unref);
}

static void
on_send_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitAuthorizer *self = g_task_get_source_object (task);
  RequestOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  op->bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (op->bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!op->retried && conduit_authorizer_should_retry (self, op->credential, op->msg))
    {
      op->retried = TRUE;
      g_clear_pointer (&op->bytes, g_bytes_unref);
      conduit_authorizer_authorize_async (self, op->credential, op->msg, cancellable,
                                          on_send_authorized, g_steal_pointer (&task));
      return;
    }

  conduit_authorizer_note_answer_async (self, op->credential, op->msg, op->bytes, cancellable,
                                        on_send_noted, g_steal_pointer (&task));
}

static void
on_send_authorized (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitAuthorizer *self = CONDUIT_AUTHORIZER (source);
  RequestOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (!conduit_authorizer_authorize_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  soup_session_send_and_read_async (self->session, op->msg, op->io_priority, cancellable,
                                    on_send_done, g_steal_pointer (&task));
}

/**
 * conduit_authorizer_send_and_read_async:
 * @self: an authorizer
 * @credential: a credential with its secrets
 * @msg: the request; give a body with conduit_authorizer_set_request_body() so that a retry
 *   and an HMAC signature can use it
 * @io_priority: the I/O priority
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the response body
 * @user_data: data for @callback
 *
 * Authorizes @msg, sends it and reads the response. An OAuth 2.0 credential answered with 401
 * gets one fresh token and one more try. When the final answer is 401 or 403 and a store is
 * set, the credential is marked “needs attention” with the answer; a success clears the mark.
 */
void
conduit_authorizer_send_and_read_async (ConduitAuthorizer   *self,
                                        ConduitCredential   *credential,
                                        SoupMessage         *msg,
                                        int                  io_priority,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RequestOp *op;

  g_return_if_fail (CONDUIT_IS_AUTHORIZER (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_authorizer_send_and_read_async);

  op = g_new0 (RequestOp, 1);
  op->credential = g_object_ref (credential);
  op->msg = g_object_ref (msg);
  op->io_priority = io_priority;
  g_task_set_task_data (task, op, request_op_free);

  conduit_authorizer_authorize_async (self, credential, msg, cancellable, on_send_authorized,
                                      g_steal_pointer (&task));
}

/**
 * conduit_authorizer_send_and_read_finish:
 * @self: an authorizer
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the response body of any status; look at the
 *   message's status for the outcome
 */
GBytes *
conduit_authorizer_send_and_read_finish (ConduitAuthorizer  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  g_return_val_if_fail (is_result_of (self, result, conduit_authorizer_send_and_read_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
