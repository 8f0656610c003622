/* conduit-jwt-bearer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-jwt-bearer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "conduit-jwt-bearer.h"
#include "conduit-redactor.h"

/* jwt-bearer credentials (RFC 7523 §2.1): the service account's key file — Google's JSON with
 * `client_email`, `private_key` (PEM), `private_key_id` and `token_uri` — signs a short-lived
 * JSON Web Token (RS256, RFC 7515/7519) that the token endpoint trades for an access token.
 * The signing is GnuTLS's, which the GNOME runtime has; nothing here parses keys by hand.
 */

typedef struct
{
  JsonParser *parser;
  const char *client_email;
  const char *private_key;
  const char *private_key_id;
  const char *token_uri;
} KeyFile;

static void
key_file_clear (KeyFile *key)
{
  g_clear_object (&key->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeyFile, key_file_clear)

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING || *json_node_get_string (node) == '\0')
    return NULL;

  return json_node_get_string (node);
}

/* Never quotes the key file in a message: it is one big secret. */
static gboolean
read_key_file (ConduitCredential  *credential,
               KeyFile            *key,
               GError            **error)
{
  const char *id = conduit_credential_get_id (credential);
  const char *text = conduit_credential_get_secret (credential, "key");
  JsonObject *object;
  JsonNode *root;

  key->parser = json_parser_new_immutable ();
  if (text == NULL || !json_parser_load_from_data (key->parser, text, -1, NULL) ||
      (root = json_parser_get_root (key->parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the service account key of credential “%s” is not a JSON key file: paste "
                     "the whole file the service gave you"), id);
      return FALSE;
    }

  object = json_node_get_object (root);
  key->client_email = string_member (object, "client_email");
  key->private_key = string_member (object, "private_key");
  key->private_key_id = string_member (object, "private_key_id");
  key->token_uri = string_member (object, "token_uri");

  if (key->client_email == NULL || key->private_key == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the service account key of credential “%s” has no “%s”: is it the key "
                     "file of a service account?"), id,
                   key->client_email == NULL ? "client_email" : "private_key");
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_jwt_bearer_dup_token_url:
 * @credential: a jwt-bearer credential with its key
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the token URL: the field when set, else the key file's
 *   `token_uri`; checked like every token URL (https://, or http:// to this computer)
 */
char *
conduit_jwt_bearer_dup_token_url (ConduitCredential  *credential,
                                  GError            **error)
{
  g_auto(KeyFile) key = { 0 };
  const char *token_url;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_JWT_BEARER, NULL);

  token_url = conduit_credential_get_field (credential, "token_url");
  if (token_url == NULL)
    {
      if (!read_key_file (credential, &key, error))
        return NULL;
      token_url = key.token_uri;
    }

  if (token_url == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("credential “%s” has no token URL: its key file names none, so fill in "
                     "“Token URL”"), conduit_credential_get_id (credential));
      return NULL;
    }

  if (!conduit_credential_check_token_url (credential, token_url, error))
    return NULL;

  return g_strdup (token_url);
}

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *end = strchr (text, '=');

  if (end != NULL)
    *end = '\0';
  g_strdelimit (text, "+", '-');
  g_strdelimit (text, "/", '_');
  return text;
}

static char *
encode_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  return base64url ((const guint8 *)text, strlen (text));
}

static char *
sign_rs256 (ConduitCredential  *credential,
            const char         *private_key,
            const char         *input,
            GError            **error)
{
  gnutls_privkey_t key = NULL;
  gnutls_datum_t pem = { (unsigned char *)private_key, (unsigned int)strlen (private_key) };
  gnutls_datum_t data = { (unsigned char *)input, (unsigned int)strlen (input) };
  gnutls_datum_t signature = { NULL, 0 };
  char *encoded = NULL;
  int status;

  status = gnutls_privkey_init (&key);
  if (status == GNUTLS_E_SUCCESS)
    status = gnutls_privkey_import_x509_raw (key, &pem, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (status != GNUTLS_E_SUCCESS)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the private key in the service account key of credential “%s” cannot be "
                     "read: %s"), conduit_credential_get_id (credential), gnutls_strerror (status));
      goto out;
    }

  if (gnutls_privkey_get_pk_algorithm (key, NULL) != GNUTLS_PK_RSA)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the private key of credential “%s” is not an RSA key; Conduit signs "
                     "service account tokens with RS256"), conduit_credential_get_id (credential));
      goto out;
    }

  status = gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &signature);
  if (status != GNUTLS_E_SUCCESS)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("could not sign the token request of credential “%s”: %s"),
                   conduit_credential_get_id (credential), gnutls_strerror (status));
      goto out;
    }

  encoded = base64url (signature.data, signature.size);

out:
  gnutls_free (signature.data);
  if (key != NULL)
    gnutls_privkey_deinit (key);
  return encoded;
}

/**
 * conduit_jwt_bearer_create_assertion:
 * @credential: a jwt-bearer credential with its key
 * @now: the wall-clock time in seconds since 1970
 * @error: return location for an error; %CONDUIT_CREDENTIAL_ERROR_INVALID for a key file
 *   that cannot be used, never quoting it
 *
 * The signed JWT for the token request: issued by the key's `client_email`, for the token URL
 * as audience, with the credential's `scope` and, when set, `subject` (the user the account
 * acts for), valid from @now for an hour. It is added to the default redactor.
 *
 * Returns: (transfer full) (nullable): the assertion, `header.claims.signature`
 */
char *
conduit_jwt_bearer_create_assertion (ConduitCredential  *credential,
                                     gint64              now,
                                     GError            **error)
{
  g_auto(KeyFile) key = { 0 };
  g_autoptr(JsonBuilder) header = json_builder_new ();
  g_autoptr(JsonBuilder) claims = json_builder_new ();
  g_autofree char *token_url = NULL;
  g_autofree char *header_text = NULL;
  g_autofree char *claims_text = NULL;
  g_autofree char *input = NULL;
  g_autofree char *signature = NULL;
  const char *scope;
  const char *subject;
  char *assertion;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_JWT_BEARER, NULL);

  if (!read_key_file (credential, &key, error))
    return NULL;
  token_url = conduit_jwt_bearer_dup_token_url (credential, error);
  if (token_url == NULL)
    return NULL;

  json_builder_begin_object (header);
  json_builder_set_member_name (header, "alg");
  json_builder_add_string_value (header, "RS256");
  json_builder_set_member_name (header, "typ");
  json_builder_add_string_value (header, "JWT");
  if (key.private_key_id != NULL)
    {
      json_builder_set_member_name (header, "kid");
      json_builder_add_string_value (header, key.private_key_id);
    }
  json_builder_end_object (header);

  scope = conduit_credential_get_field (credential, "scope");
  subject = conduit_credential_get_field (credential, "subject");
  json_builder_begin_object (claims);
  json_builder_set_member_name (claims, "iss");
  json_builder_add_string_value (claims, key.client_email);
  if (scope != NULL)
    {
      json_builder_set_member_name (claims, "scope");
      json_builder_add_string_value (claims, scope);
    }
  if (subject != NULL)
    {
      json_builder_set_member_name (claims, "sub");
      json_builder_add_string_value (claims, subject);
    }
  json_builder_set_member_name (claims, "aud");
  json_builder_add_string_value (claims, token_url);
  json_builder_set_member_name (claims, "iat");
  json_builder_add_int_value (claims, now);
  json_builder_set_member_name (claims, "exp");
  json_builder_add_int_value (claims, now + CONDUIT_JWT_BEARER_LIFETIME_SECONDS);
  json_builder_end_object (claims);

  header_text = encode_json (header);
  claims_text = encode_json (claims);
  input = g_strconcat (header_text, ".", claims_text, NULL);
  signature = sign_rs256 (credential, key.private_key, input, error);
  if (signature == NULL)
    return NULL;

  assertion = g_strconcat (input, ".", signature, NULL);
  /* good for an hour to whoever holds it: never in a log */
  conduit_redactor_add_secret (conduit_redactor_get_default (), assertion);
  conduit_redactor_add_secret (conduit_redactor_get_default (), signature);
  return assertion;
}
