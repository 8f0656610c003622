/* conduit-credential.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-credential"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-credential.h"

/* A credential as Conduit uses it: what kind of authentication it is, the non-secret fields
 * that say how to apply it (header name, user name, token URL…) and the secret fields. Flows
 * only ever name a credential by id; the value lives in the keyring (or, on a server, in an
 * environment variable). Secret values are wiped from memory when the object goes away.
 */

struct _ConduitCredential
{
  GObject                parent_instance;

  char                  *id;
  char                  *name;
  ConduitCredentialKind  kind;
  GHashTable            *fields;    /* key → value, only fields that are set */
  GHashTable            *secrets;   /* key → value, wiped on removal */
  char                  *attention; /* the server's answer when it refused the credential */
  guint                  from_environment : 1;
  guint                  locked : 1;
  guint                  needs_sign_in : 1;
};

G_DEFINE_FINAL_TYPE (ConduitCredential, conduit_credential, G_TYPE_OBJECT)

G_DEFINE_QUARK (conduit-credential-error-quark, conduit_credential_error)

static const char * const api_key_places[] = { "header", "query", NULL };
static const char * const client_auth_methods[] = { "basic", "body", NULL };
static const char * const hmac_timestamps[] = { "none", "stripe", "slack", NULL };

static const ConduitCredentialFieldSpec api_key_fields[] = {
  { "in", N_("Send the key in"), N_("“header” for a request header, “query” for a URL parameter"),
    FALSE, TRUE, "header", api_key_places },
  { "header", N_("Header name"), N_("The request header that carries the key"),
    FALSE, FALSE, "X-API-Key", NULL },
  { "parameter", N_("Query parameter"), N_("The URL parameter that carries the key"),
    FALSE, FALSE, "api_key", NULL },
  { "key", N_("API key"), N_("The key the service gave you"), TRUE, TRUE, NULL, NULL },
};

static const ConduitCredentialFieldSpec bearer_fields[] = {
  { "token", N_("Token"), N_("Sent as “Authorization: Bearer …”"), TRUE, TRUE, NULL, NULL },
};

static const ConduitCredentialFieldSpec basic_fields[] = {
  { "username", N_("User name"), NULL, FALSE, TRUE, NULL, NULL },
  { "password", N_("Password"), NULL, TRUE, TRUE, NULL, NULL },
};

static const ConduitCredentialFieldSpec oauth2_fields[] = {
  { "token_url", N_("Token URL"), N_("The address that hands out access tokens"),
    FALSE, TRUE, NULL, NULL },
  { "client_id", N_("Client ID"), NULL, FALSE, TRUE, NULL, NULL },
  { "scope", N_("Scopes"), N_("Space-separated scopes to ask for; empty for the default"),
    FALSE, FALSE, NULL, NULL },
  { "audience", N_("Audience"), N_("Only if the service asks for one"), FALSE, FALSE, NULL, NULL },
  { "client_auth", N_("Send the client secret"),
    N_("“basic” in an Authorization header (the standard), “body” in the form"),
    FALSE, FALSE, "basic", client_auth_methods },
  { "client_secret", N_("Client secret"), NULL, TRUE, TRUE, NULL, NULL },
};

static const ConduitCredentialFieldSpec hmac_fields[] = {
  { "header", N_("Signature header"), N_("The header that carries the signature of the body"),
    FALSE, FALSE, "X-Signature", NULL },
  { "prefix", N_("Signature prefix"), N_("Text before the hex digest, such as “sha256=”"),
    FALSE, FALSE, "sha256=", NULL, TRUE },
  /* Webhooks signed with a timestamp (Stripe, Slack) can be refused when old or replayed. */
  { "timestamp", N_("Signed timestamp"),
    N_("“none”; “stripe” for t=…,v1=… in the signature header; “slack” for "
       "X-Slack-Request-Timestamp with a v0= signature"),
    FALSE, FALSE, "none", hmac_timestamps },
  { "tolerance", N_("Timestamp tolerance (seconds)"),
    N_("How far from now a signed timestamp may be; older events are refused as replays"),
    FALSE, FALSE, "300", NULL },
  { "secret", N_("Shared secret"), N_("The secret both sides use to sign request bodies"),
    TRUE, TRUE, NULL, NULL },
};

/* oauth2-authorization-code: the user signs in with the browser (RFC 8252) and Conduit keeps
 * the tokens. The URLs, scopes and extra parameters come from the app's descriptor; the client
 * id (and, for providers that want one, the secret) is the user's own. The token fields are
 * managed: a sign-in or a refresh writes them, nobody types them. */
static const ConduitCredentialFieldSpec oauth2_code_fields[] = {
  { "authorize_url", N_("Authorization URL"), N_("The sign-in page of the service"),
    FALSE, TRUE, NULL, NULL },
  { "token_url", N_("Token URL"), N_("The address that hands out access tokens"),
    FALSE, TRUE, NULL, NULL },
  { "client_id", N_("Client ID"), N_("The id of the OAuth client you created with the service"),
    FALSE, TRUE, NULL, NULL },
  { "scopes", N_("Scopes"), N_("Space-separated scopes to ask for"), FALSE, FALSE, NULL, NULL },
  { "extra_params", N_("Extra parameters"),
    N_("Added to the sign-in address, such as “access_type=offline&prompt=consent”"),
    FALSE, FALSE, NULL, NULL },
  { "redirect_port", N_("Sign-in port"),
    N_("Empty lets the system pick a free port; set one only for a service that wants a fixed "
       "callback address, such as Salesforce (then register http://127.0.0.1:PORT/ there)"),
    FALSE, FALSE, NULL, NULL },
  { "client_secret", N_("Client secret"), N_("Only if the service gave the client one"),
    TRUE, FALSE, NULL, NULL },
  { "refresh_token", N_("Refresh token"), NULL, TRUE, FALSE, NULL, NULL, FALSE, TRUE },
  { "access_token", N_("Access token"), NULL, TRUE, FALSE, NULL, NULL, FALSE, TRUE },
  { "expires_at", N_("Access token expiry"), NULL, TRUE, FALSE, NULL, NULL, FALSE, TRUE },
};

/* jwt-bearer: a service account signs its own token request (RFC 7523), as Google's service
 * accounts do; nobody signs in. The key file's JSON is the secret; the token URL comes from
 * it unless the field says otherwise. */
static const ConduitCredentialFieldSpec jwt_bearer_fields[] = {
  { "scope", N_("Scopes"), N_("Space-separated scopes to ask for"), FALSE, FALSE, NULL, NULL },
  { "subject", N_("Act as"),
    N_("The e-mail of a user the service account acts for (domain-wide delegation); empty for "
       "the service account itself"), FALSE, FALSE, NULL, NULL },
  { "token_url", N_("Token URL"), N_("Empty for the one in the key file"), FALSE, FALSE, NULL, NULL },
  { "key", N_("Service account key (JSON)"),
    N_("The whole key file the service gave you, such as Google's “…-1a2b3c.json”"),
    TRUE, TRUE, NULL, NULL },
};

/* Databases: conduit_db_params_new_from_credential() reads these. */
static const char * const db_tls_modes[] = { "disable", "require", "verify-full", NULL };

static const ConduitCredentialFieldSpec postgresql_fields[] = {
  { "host", N_("Host"), N_("Server name or address, or the folder holding its socket"),
    FALSE, TRUE, "localhost", NULL },
  { "port", N_("Port"), NULL, FALSE, FALSE, "5432", NULL },
  { "database", N_("Database"), NULL, FALSE, TRUE, NULL, NULL },
  { "user", N_("User name"), NULL, FALSE, TRUE, NULL, NULL },
  { "tls", N_("TLS"), N_("“disable”, “require” (encrypted) or “verify-full” (encrypted, and the "
                         "server's certificate and name checked)"),
    FALSE, FALSE, "require", db_tls_modes },
  { "ca_file", N_("CA certificates"), N_("A file of the certificates that sign the server's, "
                                         "for verify-full; empty for the system's"),
    FALSE, FALSE, NULL, NULL },
  { "password", N_("Password"), NULL, TRUE, TRUE, NULL, NULL },
};

static const ConduitCredentialFieldSpec mysql_fields[] = {
  { "host", N_("Host"), N_("Server name or address, or the path of its socket"),
    FALSE, TRUE, "localhost", NULL },
  { "port", N_("Port"), NULL, FALSE, FALSE, "3306", NULL },
  { "database", N_("Database"), NULL, FALSE, TRUE, NULL, NULL },
  { "user", N_("User name"), NULL, FALSE, TRUE, NULL, NULL },
  { "tls", N_("TLS"), N_("“disable”, “require” (encrypted) or “verify-full” (encrypted, and the "
                         "server's certificate and name checked)"),
    FALSE, FALSE, "require", db_tls_modes },
  { "ca_file", N_("CA certificates"), N_("A file of the certificates that sign the server's, "
                                         "for verify-full; empty for the system's"),
    FALSE, FALSE, NULL, NULL },
  { "password", N_("Password"), NULL, TRUE, TRUE, NULL, NULL },
};

/* E-mail servers: conduit_mail_server_from_credential() reads these. "starttls" upgrades a
 * plain connection (port 587 for SMTP, 143 for IMAP), "tls" is TLS from the first byte (465,
 * 993); "none" sends the password in the clear and is only for a server on this computer. */
static const char * const mail_security_modes[] = { "starttls", "tls", "none", NULL };

static const ConduitCredentialFieldSpec smtp_fields[] = {
  { "host", N_("Host"), N_("The SMTP server's name or address"), FALSE, TRUE, NULL, NULL },
  { "port", N_("Port"), N_("Empty for the usual one: 587 with STARTTLS, 465 with TLS"),
    FALSE, FALSE, NULL, NULL },
  { "security", N_("Security"),
    N_("“starttls” (port 587), “tls” (port 465) or “none” (only for a server on this computer)"),
    FALSE, FALSE, "starttls", mail_security_modes },
  { "ca_file", N_("CA certificates"), N_("A file of the certificates that sign the server's; "
                                         "empty for the system's"), FALSE, FALSE, NULL, NULL },
  { "user", N_("User name"), N_("Empty for a server that needs no sign-in"),
    FALSE, FALSE, NULL, NULL },
  { "password", N_("Password"), NULL, TRUE, FALSE, NULL, NULL },
};

static const ConduitCredentialFieldSpec imap_fields[] = {
  { "host", N_("Host"), N_("The IMAP server's name or address"), FALSE, TRUE, NULL, NULL },
  { "port", N_("Port"), N_("Empty for the usual one: 143 with STARTTLS, 993 with TLS"),
    FALSE, FALSE, NULL, NULL },
  { "security", N_("Security"),
    N_("“tls” (port 993), “starttls” (port 143) or “none” (only for a server on this computer)"),
    FALSE, FALSE, "tls", mail_security_modes },
  { "ca_file", N_("CA certificates"), N_("A file of the certificates that sign the server's; "
                                         "empty for the system's"), FALSE, FALSE, NULL, NULL },
  { "user", N_("User name"), NULL, FALSE, TRUE, NULL, NULL },
  { "password", N_("Password"), NULL, TRUE, TRUE, NULL, NULL },
};

/* SFTP: conduit_sftp_server_new_from_credential() reads these. The host key is checked against
 * "host_key" only, never against ~/.ssh/known_hosts: a flow that runs on a server must not
 * depend on what someone once answered to ssh on it. The password is the first secret, so it
 * is what `conduit-cli credential set` reads from standard input. */
static const ConduitCredentialFieldSpec sftp_fields[] = {
  { "host", N_("Host"), N_("The SSH server's name or address"), FALSE, TRUE, NULL, NULL },
  { "port", N_("Port"), NULL, FALSE, FALSE, "22", NULL },
  { "user", N_("User name"), NULL, FALSE, TRUE, NULL, NULL },
  { "host_key", N_("Accepted host key"),
    N_("The server key's SHA256 fingerprint (SHA256:…) you checked with the server's admin; a "
       "test connection shows it"), FALSE, FALSE, NULL, NULL },
  { "private_key_file", N_("Private key file"),
    N_("An OpenSSH or PEM private key file, instead of the key itself or a password"),
    FALSE, FALSE, NULL, NULL },
  { "password", N_("Password"), N_("Empty when you sign in with a key"), TRUE, FALSE, NULL, NULL },
  { "private_key", N_("Private key"),
    N_("The private key itself (-----BEGIN OPENSSH PRIVATE KEY-----…), instead of a password"),
    TRUE, FALSE, NULL, NULL },
  { "passphrase", N_("Key passphrase"), N_("Only if the private key is encrypted"),
    TRUE, FALSE, NULL, NULL },
};

static const struct
{
  const char                       *name;
  const char                       *label;
  const ConduitCredentialFieldSpec *fields;
  guint                             n_fields;
} kinds[CONDUIT_CREDENTIAL_N_KINDS] = {
  [CONDUIT_CREDENTIAL_KIND_API_KEY] = { "api-key", N_("API key"),
                                        api_key_fields, G_N_ELEMENTS (api_key_fields) },
  [CONDUIT_CREDENTIAL_KIND_BEARER] = { "bearer", N_("Bearer token"),
                                       bearer_fields, G_N_ELEMENTS (bearer_fields) },
  [CONDUIT_CREDENTIAL_KIND_BASIC] = { "basic", N_("User name and password"),
                                      basic_fields, G_N_ELEMENTS (basic_fields) },
  [CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS] = { "oauth2-client-credentials",
                                                          N_("OAuth 2.0 client credentials"),
                                                          oauth2_fields,
                                                          G_N_ELEMENTS (oauth2_fields) },
  [CONDUIT_CREDENTIAL_KIND_HMAC] = { "hmac", N_("HMAC signing secret"),
                                     hmac_fields, G_N_ELEMENTS (hmac_fields) },
  [CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE] = { "oauth2-authorization-code",
                                                          N_("Sign in with the browser (OAuth 2.0)"),
                                                          oauth2_code_fields,
                                                          G_N_ELEMENTS (oauth2_code_fields) },
  [CONDUIT_CREDENTIAL_KIND_JWT_BEARER] = { "jwt-bearer", N_("Service account key (JWT)"),
                                           jwt_bearer_fields, G_N_ELEMENTS (jwt_bearer_fields) },
  [CONDUIT_CREDENTIAL_KIND_POSTGRESQL] = { "postgresql", N_("PostgreSQL database"),
                                           postgresql_fields, G_N_ELEMENTS (postgresql_fields) },
  [CONDUIT_CREDENTIAL_KIND_MYSQL] = { "mysql", N_("MySQL or MariaDB database"),
                                      mysql_fields, G_N_ELEMENTS (mysql_fields) },
  [CONDUIT_CREDENTIAL_KIND_SMTP] = { "smtp", N_("E-mail server for sending (SMTP)"),
                                     smtp_fields, G_N_ELEMENTS (smtp_fields) },
  [CONDUIT_CREDENTIAL_KIND_IMAP] = { "imap", N_("Mailbox (IMAP)"),
                                     imap_fields, G_N_ELEMENTS (imap_fields) },
  [CONDUIT_CREDENTIAL_KIND_SFTP] = { "sftp", N_("File server (SFTP)"),
                                     sftp_fields, G_N_ELEMENTS (sftp_fields) },
};

static void
secret_free (gpointer data)
{
  char *value = data;

  if (value == NULL)
    return;

  explicit_bzero (value, strlen (value));
  g_free (value);
}

static void
conduit_credential_finalize (GObject *object)
{
  ConduitCredential *self = (ConduitCredential *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->fields, g_hash_table_unref);
  g_clear_pointer (&self->secrets, g_hash_table_unref);
  g_clear_pointer (&self->attention, g_free);

  G_OBJECT_CLASS (conduit_credential_parent_class)->finalize (object);
}

static void
conduit_credential_class_init (ConduitCredentialClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_credential_finalize;
}

static void
conduit_credential_init (ConduitCredential *self)
{
  self->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, secret_free);
}

/**
 * conduit_credential_kind_to_string:
 * @kind: a kind of credential
 *
 * Returns: the name of @kind in flow files, keyring attributes and the CLI, e.g. "api-key"
 */
const char *
conduit_credential_kind_to_string (ConduitCredentialKind kind)
{
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);

  return kinds[kind].name;
}

/**
 * conduit_credential_kind_from_string:
 * @text: a kind's name, such as "bearer"
 * @kind: (out): where to store the kind
 *
 * Returns: %TRUE if @text names a kind
 */
gboolean
conduit_credential_kind_from_string (const char            *text,
                                     ConduitCredentialKind *kind)
{
  g_return_val_if_fail (kind != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < CONDUIT_CREDENTIAL_N_KINDS; i++)
    {
      if (g_str_equal (text, kinds[i].name))
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * conduit_credential_kind_get_label:
 * @kind: a kind of credential
 *
 * Returns: the translated name of @kind for people
 */
const char *
conduit_credential_kind_get_label (ConduitCredentialKind kind)
{
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);

  return _(kinds[kind].label);
}

/**
 * conduit_credential_kind_get_fields:
 * @kind: a kind of credential
 * @n_fields: (out): the number of fields
 *
 * Returns: (array length=n_fields) (transfer none): what a credential of @kind holds
 */
const ConduitCredentialFieldSpec *
conduit_credential_kind_get_fields (ConduitCredentialKind  kind,
                                    guint                 *n_fields)
{
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);
  g_return_val_if_fail (n_fields != NULL, NULL);

  *n_fields = kinds[kind].n_fields;
  return kinds[kind].fields;
}

/**
 * conduit_credential_kind_find_field:
 * @kind: a kind of credential
 * @key: a field's key
 *
 * Returns: (nullable): the field @key of @kind, or %NULL if it has none
 */
const ConduitCredentialFieldSpec *
conduit_credential_kind_find_field (ConduitCredentialKind  kind,
                                    const char            *key)
{
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < kinds[kind].n_fields; i++)
    if (g_str_equal (kinds[kind].fields[i].key, key))
      return &kinds[kind].fields[i];

  return NULL;
}

/**
 * conduit_credential_kind_get_secret_field:
 * @kind: a kind of credential
 *
 * Every kind has exactly one secret field; the CLI reads it from standard input.
 *
 * Returns: the secret field of @kind
 */
const ConduitCredentialFieldSpec *
conduit_credential_kind_get_secret_field (ConduitCredentialKind kind)
{
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);

  for (guint i = 0; i < kinds[kind].n_fields; i++)
    if (kinds[kind].fields[i].secret)
      return &kinds[kind].fields[i];

  g_assert_not_reached ();
}

/**
 * conduit_credential_id_is_valid:
 * @id: (nullable): a proposed credential id
 *
 * Ids become keyring attributes and environment variable names, so they are kept to letters,
 * digits, “-”, “_” and “.”.
 *
 * Returns: %TRUE if @id can name a credential
 */
gboolean
conduit_credential_id_is_valid (const char *id)
{
  gsize length;

  if (id == NULL)
    return FALSE;

  length = strlen (id);
  if (length == 0 || length > 128)
    return FALSE;

  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;

  return TRUE;
}

/**
 * conduit_credential_dup_env_name:
 * @id: a credential id
 *
 * Returns: (transfer full): the environment variable that may hold the credential on a
 *   server: `CONDUIT_CREDENTIAL_` and @id upper-cased, every other character turned into `_`
 */
char *
conduit_credential_dup_env_name (const char *id)
{
  GString *name;

  g_return_val_if_fail (id != NULL, NULL);

  name = g_string_new ("CONDUIT_CREDENTIAL_");
  for (const char *p = id; *p; p++)
    g_string_append_c (name, g_ascii_isalnum (*p) ? g_ascii_toupper (*p) : '_');

  return g_string_free (name, FALSE);
}

/**
 * conduit_credential_new:
 * @id: the credential's id, see conduit_credential_id_is_valid()
 * @kind: what kind of credential it is
 *
 * Returns: (transfer full): an empty credential
 */
ConduitCredential *
conduit_credential_new (const char            *id,
                        ConduitCredentialKind  kind)
{
  ConduitCredential *self;

  g_return_val_if_fail (conduit_credential_id_is_valid (id), NULL);
  g_return_val_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS, NULL);

  self = g_object_new (CONDUIT_TYPE_CREDENTIAL, NULL);
  self->id = g_strdup (id);
  self->kind = kind;

  return self;
}

/**
 * conduit_credential_copy:
 * @self: a credential
 *
 * Returns: (transfer full): an independent copy of @self, secrets included
 */
ConduitCredential *
conduit_credential_copy (ConduitCredential *self)
{
  ConduitCredential *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  copy = conduit_credential_new (self->id, self->kind);
  copy->name = g_strdup (self->name);
  copy->attention = g_strdup (self->attention);
  copy->from_environment = self->from_environment;
  copy->locked = self->locked;
  copy->needs_sign_in = self->needs_sign_in;

  g_hash_table_iter_init (&iter, self->fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->fields, g_strdup (key), g_strdup (value));

  g_hash_table_iter_init (&iter, self->secrets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->secrets, g_strdup (key), g_strdup (value));

  return copy;
}

static gboolean
read_string_members (ConduitCredential  *self,
                     JsonObject         *object,
                     const char         *member,
                     gboolean            secret,
                     GError            **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonObject *values;
  g_autoptr(GList) names = NULL;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("“%s” must be an object of text values"), member);
      return FALSE;
    }

  values = json_node_get_object (node);
  names = json_object_get_members (values);
  for (const GList *l = names; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (values, l->data);
      gboolean ok;

      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                       _("“%s/%s” must be text"), member, (const char *)l->data);
          return FALSE;
        }

      if (secret)
        ok = conduit_credential_set_secret (self, l->data, json_node_get_string (value), error);
      else
        ok = conduit_credential_set_field (self, l->data, json_node_get_string (value), error);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *member,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("“%s” must be text"), member);
      return NULL;
    }

  return json_node_get_string (node);
}

/**
 * conduit_credential_new_from_json:
 * @node: a JSON object: `{"id", "name", "kind", "fields": {…}, "secrets": {…}}`; `"secret"`
 *   may stand for the kind's one secret field
 * @id: (nullable): the id the caller expects, e.g. from the environment variable's name; used
 *   when the object has no "id"
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the credential, or %NULL with @error set
 */
ConduitCredential *
conduit_credential_new_from_json (JsonNode    *node,
                                  const char  *id,
                                  GError     **error)
{
  g_autoptr(ConduitCredential) self = NULL;
  g_autoptr(GError) local_error = NULL;
  ConduitCredentialKind kind;
  JsonObject *object;
  const char *json_id;
  const char *kind_name;
  const char *name;
  const char *secret;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                           _("a credential must be a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  json_id = get_string_member (object, "id", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (json_id != NULL && id != NULL)
    {
      g_autofree char *a = conduit_credential_dup_env_name (json_id);
      g_autofree char *b = conduit_credential_dup_env_name (id);

      if (!g_str_equal (a, b))
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                       _("it holds the credential “%s”, not “%s”"), json_id, id);
          return NULL;
        }
    }

  if (json_id == NULL)
    json_id = id;

  if (!conduit_credential_id_is_valid (json_id))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("“id” must be letters, digits, “-”, “_” or “.”, not “%s”"),
                   json_id ? json_id : "");
      return NULL;
    }

  kind_name = get_string_member (object, "kind", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!conduit_credential_kind_from_string (kind_name, &kind))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("“kind” must be one of api-key, bearer, basic, oauth2-client-credentials, "
                     "hmac, oauth2-authorization-code, jwt-bearer, not “%s”"), kind_name ? kind_name : "");
      return NULL;
    }

  self = conduit_credential_new (json_id, kind);

  name = get_string_member (object, "name", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  conduit_credential_set_name (self, name);

  if (!read_string_members (self, object, "fields", FALSE, error) ||
      !read_string_members (self, object, "secrets", TRUE, error))
    return NULL;

  secret = get_string_member (object, "secret", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (secret != NULL &&
      !conduit_credential_set_secret (self, conduit_credential_kind_get_secret_field (kind)->key,
                                      secret, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * conduit_credential_new_from_data:
 * @data: JSON text, as in an environment variable
 * @id: (nullable): the id the caller expects
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the credential, or %NULL with @error set
 */
ConduitCredential *
conduit_credential_new_from_data (const char  *data,
                                  const char  *id,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  if (!json_parser_load_from_data (parser, data, -1, &parse_error))
    {
      /* the parser's message quotes the text, which holds the secret */
      g_set_error_literal (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                           _("it is not valid JSON"));
      return NULL;
    }

  return conduit_credential_new_from_json (json_parser_get_root (parser), id, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

static GPtrArray *
list_table (GHashTable *table,
            gboolean    values)
{
  GPtrArray *list = g_ptr_array_sized_new (g_hash_table_size (table));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (list, values ? value : key);

  return list;
}

static JsonNode *
string_table_to_json (GHashTable *table)
{
  g_autoptr(GPtrArray) keys = list_table (table, FALSE);
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  /* sorted, so that the same credential always serialises the same way */
  g_ptr_array_sort (keys, compare_strings);
  for (guint i = 0; i < keys->len; i++)
    json_object_set_string_member (object, keys->pdata[i],
                                   g_hash_table_lookup (table, keys->pdata[i]));

  json_node_take_object (node, object);
  return node;
}

/**
 * conduit_credential_to_json:
 * @self: a credential
 * @with_secrets: whether to include the secret values (only for the environment-variable form)
 *
 * Returns: (transfer full): @self as a JSON object that conduit_credential_new_from_json() reads
 */
JsonNode *
conduit_credential_to_json (ConduitCredential *self,
                            gboolean           with_secrets)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "id", self->id);
  if (self->name != NULL)
    json_object_set_string_member (object, "name", self->name);
  json_object_set_string_member (object, "kind", kinds[self->kind].name);
  json_object_set_member (object, "fields", string_table_to_json (self->fields));
  if (with_secrets)
    json_object_set_member (object, "secrets", string_table_to_json (self->secrets));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}

/**
 * conduit_credential_check_complete:
 * @self: a credential
 * @error: return location for an error naming the first missing field
 *
 * Only says whether @self can be loaded as it is; conduit_credential_check() also says whether
 * it is safe to save and use.
 *
 * Returns: %TRUE if every required field and secret of the kind has a value
 */
gboolean
conduit_credential_check_complete (ConduitCredential  *self,
                                   GError            **error)
{
  const ConduitCredentialFieldSpec *fields;
  guint n_fields;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *value;

      if (!fields[i].required)
        continue;

      value = fields[i].secret ? conduit_credential_get_secret (self, fields[i].key)
                               : conduit_credential_get_field (self, fields[i].key);
      if (value == NULL || *value == '\0')
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                       _("credential “%s” (%s) has no “%s”"), self->id,
                       _(kinds[self->kind].label), _(fields[i].label));
          return FALSE;
        }
    }

  return TRUE;
}

/* Whether the client secret would cross a network unencrypted on its way to @url. Loopback
 * stays on this computer, where tests and local development servers speak plain http://. What
 * is no web address at all is left to the token fetch, which says so. */
static gboolean
sends_secret_in_clear (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) address = NULL;
  const char *host;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;

  /* IPv6 literals come without their brackets */
  host = g_uri_get_host (uri);
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return FALSE;

  address = g_inet_address_new_from_string (host);
  return address == NULL || !g_inet_address_get_is_loopback (address);
}

/**
 * conduit_credential_check:
 * @self: a credential
 * @error: return location for an error naming the first missing field or unsafe setting
 *
 * What must hold before @self is saved or used: it is complete (see
 * conduit_credential_check_complete()), and an OAuth 2.0 credential sends its client secret
 * only over https://, or over http:// to this computer (localhost, 127.0.0.1, ::1).
 *
 * Returns: %TRUE if @self is complete and safe to use
 */
gboolean
conduit_credential_check (ConduitCredential  *self,
                          GError            **error)
{
  const char *token_url;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  if (!conduit_credential_check_complete (self, error))
    return FALSE;

  if (self->kind != CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS &&
      self->kind != CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE &&
      self->kind != CONDUIT_CREDENTIAL_KIND_JWT_BEARER)
    return TRUE;

  /* a jwt-bearer key file names its own token URL; the fetch checks that one */
  token_url = conduit_credential_get_field (self, "token_url");
  if (token_url == NULL)
    return TRUE;

  return conduit_credential_check_token_url (self, token_url, error);
}

/**
 * conduit_credential_check_token_url:
 * @self: a credential
 * @token_url: where @self's secret (or an assertion signed with it) is to be sent
 * @error: return location for an error naming the credential and the URL
 *
 * Returns: %TRUE if @token_url is https://, or http:// to this computer
 */
gboolean
conduit_credential_check_token_url (ConduitCredential  *self,
                                    const char         *token_url,
                                    GError            **error)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (token_url != NULL, FALSE);

  if (sends_secret_in_clear (token_url))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the token URL “%s” of credential “%s” must start with https://: over "
                     "http:// the client secret would be sent unencrypted (http:// is only "
                     "allowed to this computer: localhost, 127.0.0.1 or ::1)"),
                   token_url, self->id);
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_credential_get_id:
 * @self: a credential
 *
 * Returns: the id flows use to name @self
 */
const char *
conduit_credential_get_id (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  return self->id;
}

/**
 * conduit_credential_get_kind:
 * @self: a credential
 *
 * Returns: what kind of authentication @self is
 */
ConduitCredentialKind
conduit_credential_get_kind (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), 0);

  return self->kind;
}

/**
 * conduit_credential_get_name:
 * @self: a credential
 *
 * Returns: the name people gave @self, or its id when it has none
 */
const char *
conduit_credential_get_name (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  return self->name ? self->name : self->id;
}

/**
 * conduit_credential_set_name:
 * @self: a credential
 * @name: (nullable): a name for people, such as "CRM production key"
 */
void
conduit_credential_set_name (ConduitCredential *self,
                             const char        *name)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (self));

  g_free (self->name);
  self->name = (name && *name) ? g_strdup (name) : NULL;
}

static const ConduitCredentialFieldSpec *
find_field_of_sort (ConduitCredential  *self,
                    const char         *key,
                    gboolean            secret,
                    GError            **error)
{
  const ConduitCredentialFieldSpec *spec = conduit_credential_kind_find_field (self->kind, key);

  if (spec == NULL || spec->secret != secret)
    {
      g_autoptr(GString) allowed = g_string_new (NULL);
      const ConduitCredentialFieldSpec *fields;
      guint n_fields;

      fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
      for (guint i = 0; i < n_fields; i++)
        {
          if (fields[i].secret != secret)
            continue;
          if (allowed->len > 0)
            g_string_append (allowed, ", ");
          g_string_append (allowed, fields[i].key);
        }

      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   secret ? _("a credential of kind %s has no secret “%s” (it has: %s)")
                          : _("a credential of kind %s has no field “%s” (it has: %s)"),
                   kinds[self->kind].name, key, allowed->len ? allowed->str : _("none"));
      return NULL;
    }

  return spec;
}

/**
 * conduit_credential_get_field:
 * @self: a credential
 * @key: a non-secret field of its kind
 *
 * Returns: (nullable): the field's value, its default when unset, or %NULL
 */
const char *
conduit_credential_get_field (ConduitCredential *self,
                              const char        *key)
{
  const ConduitCredentialFieldSpec *spec;
  const char *value;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  value = g_hash_table_lookup (self->fields, key);
  if (value != NULL)
    return value;

  spec = conduit_credential_kind_find_field (self->kind, key);
  return spec ? spec->default_value : NULL;
}

static gboolean
is_http_token (const char *text)
{
  if (*text == '\0')
    return FALSE;

  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return FALSE;

  return TRUE;
}

/**
 * conduit_credential_set_field:
 * @self: a credential
 * @key: a non-secret field of its kind
 * @value: (nullable): the new value; %NULL or "" unsets it, except that "" is kept for a
 *   field that allows it (an HMAC signature without prefix)
 * @error: return location for an error
 *
 * Returns: %TRUE, or %FALSE if the kind has no such field or @value is not allowed
 */
gboolean
conduit_credential_set_field (ConduitCredential  *self,
                              const char         *key,
                              const char         *value,
                              GError            **error)
{
  const ConduitCredentialFieldSpec *spec;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  spec = find_field_of_sort (self, key, FALSE, error);
  if (spec == NULL)
    return FALSE;

  if (value == NULL || (*value == '\0' && !spec->allow_empty))
    {
      g_hash_table_remove (self->fields, key);
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("field “%s” is not valid UTF-8 text"), key);
      return FALSE;
    }

  /* a header name goes on the wire as it is: no spaces, colons or line breaks */
  if (g_str_equal (key, "header") && !is_http_token (value))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("field “header” must be a header name such as X-API-Key, not “%s”"), value);
      return FALSE;
    }

  if (spec->allowed_values != NULL && !g_strv_contains (spec->allowed_values, value))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **)spec->allowed_values);

      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("field “%s” must be one of %s, not “%s”"), key, allowed, value);
      return FALSE;
    }

  g_hash_table_insert (self->fields, g_strdup (key), g_strdup (value));
  return TRUE;
}

/**
 * conduit_credential_get_secret:
 * @self: a credential
 * @key: a secret field of its kind
 *
 * Returns: (nullable): the secret value, or %NULL when it is not loaded or not set
 */
const char *
conduit_credential_get_secret (ConduitCredential *self,
                               const char        *key)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return g_hash_table_lookup (self->secrets, key);
}

/**
 * conduit_credential_set_secret:
 * @self: a credential
 * @key: a secret field of its kind
 * @value: (nullable): the secret; %NULL or "" unsets it
 * @error: return location for an error
 *
 * Returns: %TRUE, or %FALSE if the kind has no such secret
 */
gboolean
conduit_credential_set_secret (ConduitCredential  *self,
                               const char         *key,
                               const char         *value,
                               GError            **error)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (find_field_of_sort (self, key, TRUE, error) == NULL)
    return FALSE;

  if (value == NULL || *value == '\0')
    {
      g_hash_table_remove (self->secrets, key);
      return TRUE;
    }

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("secret “%s” is not valid UTF-8 text"), key);
      return FALSE;
    }

  g_hash_table_insert (self->secrets, g_strdup (key), g_strdup (value));
  return TRUE;
}

/**
 * conduit_credential_has_secrets:
 * @self: a credential
 *
 * Returns: %TRUE if secret values are loaded (a listing leaves them out)
 */
gboolean
conduit_credential_has_secrets (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  return g_hash_table_size (self->secrets) > 0;
}

/**
 * conduit_credential_list_secret_values:
 * @self: a credential
 *
 * Returns: (transfer container) (element-type utf8): the secret values, owned by @self; the
 *   redactor's input
 */
GPtrArray *
conduit_credential_list_secret_values (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  return list_table (self->secrets, TRUE);
}

/**
 * conduit_credential_list_field_keys:
 * @self: a credential
 *
 * Returns: (transfer container) (element-type utf8): the keys of the fields that are set, in
 *   the order of the kind's table
 */
GPtrArray *
conduit_credential_list_field_keys (ConduitCredential *self)
{
  const ConduitCredentialFieldSpec *fields;
  GPtrArray *keys;
  guint n_fields;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  keys = g_ptr_array_new ();
  fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    if (g_hash_table_contains (self->fields, fields[i].key))
      g_ptr_array_add (keys, (char *)fields[i].key);

  return keys;
}

/**
 * conduit_credential_get_attention:
 * @self: a credential
 *
 * Returns: (nullable): what a server answered when it last refused @self, or %NULL
 */
const char *
conduit_credential_get_attention (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);

  return self->attention;
}

/**
 * conduit_credential_set_attention:
 * @self: a credential
 * @answer: (nullable): the server's answer, or %NULL once the credential works again
 */
void
conduit_credential_set_attention (ConduitCredential *self,
                                  const char        *answer)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (self));

  g_free (self->attention);
  self->attention = (answer && *answer) ? g_strdup (answer) : NULL;
}

/**
 * conduit_credential_get_from_environment:
 * @self: a credential
 *
 * Returns: %TRUE if @self came from a `CONDUIT_CREDENTIAL_<ID>` variable, not the keyring
 */
gboolean
conduit_credential_get_from_environment (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  return self->from_environment;
}

/**
 * conduit_credential_set_from_environment:
 * @self: a credential
 * @from_environment: whether it came from an environment variable
 */
void
conduit_credential_set_from_environment (ConduitCredential *self,
                                         gboolean           from_environment)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (self));

  self->from_environment = !!from_environment;
}

/**
 * conduit_credential_get_locked:
 * @self: a credential
 *
 * Returns: %TRUE if a listing found @self in a locked keyring
 */
gboolean
conduit_credential_get_locked (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  return self->locked;
}

/**
 * conduit_credential_set_locked:
 * @self: a credential
 * @locked: whether the keyring holding it is locked
 */
void
conduit_credential_set_locked (ConduitCredential *self,
                               gboolean           locked)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (self));

  self->locked = !!locked;
}

/**
 * conduit_credential_get_needs_sign_in:
 * @self: a credential
 *
 * Returns: %TRUE if the service refused to renew @self's sign-in (or it never had one): only
 *   signing in with the browser again makes it work
 */
gboolean
conduit_credential_get_needs_sign_in (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  return self->needs_sign_in;
}

/**
 * conduit_credential_set_needs_sign_in:
 * @self: a credential
 * @needs_sign_in: whether only a new browser sign-in makes it work
 */
void
conduit_credential_set_needs_sign_in (ConduitCredential *self,
                                      gboolean           needs_sign_in)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (self));

  self->needs_sign_in = !!needs_sign_in;
}

/**
 * conduit_credential_is_signed_in:
 * @self: a credential with its secrets
 *
 * Returns: %TRUE if @self is not a sign-in kind, or holds tokens from a sign-in that the
 *   service has not refused
 */
gboolean
conduit_credential_is_signed_in (ConduitCredential *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);

  if (self->kind != CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE)
    return TRUE;

  return !self->needs_sign_in &&
         (conduit_credential_get_secret (self, "refresh_token") != NULL ||
          conduit_credential_get_secret (self, "access_token") != NULL);
}

/**
 * conduit_credential_compute_hmac_sha256_hex:
 * @self: a credential of kind %CONDUIT_CREDENTIAL_KIND_HMAC
 * @body: (array length=length) (nullable): the bytes to sign
 * @length: the length of @body
 *
 * Returns: (transfer full) (nullable): the lower-case hex HMAC-SHA256 of @body, without
 *   prefix, or %NULL if @self has no secret
 */
char *
conduit_credential_compute_hmac_sha256_hex (ConduitCredential *self,
                                            const guint8      *body,
                                            gsize              length)
{
  const char *secret;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), NULL);
  g_return_val_if_fail (self->kind == CONDUIT_CREDENTIAL_KIND_HMAC, NULL);
  g_return_val_if_fail (body != NULL || length == 0, NULL);

  secret = conduit_credential_get_secret (self, "secret");
  if (secret == NULL)
    return NULL;

  return g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guchar *)secret, strlen (secret),
                                  body ? body : (const guint8 *)"", length);
}

/**
 * conduit_credential_verify_hmac_sha256:
 * @self: a credential of kind %CONDUIT_CREDENTIAL_KIND_HMAC
 * @body: (array length=length) (nullable): the bytes that were signed
 * @length: the length of @body
 * @signature: (nullable): the signature header's value, with or without the prefix
 *
 * Compares in constant time, so a sender cannot guess the digest byte by byte.
 *
 * Returns: %TRUE if @signature is the HMAC-SHA256 of @body under @self's secret
 */
gboolean
conduit_credential_verify_hmac_sha256 (ConduitCredential *self,
                                       const guint8      *body,
                                       gsize              length,
                                       const char        *signature)
{
  g_autofree char *expected = NULL;
  const char *prefix;
  guint8 difference = 0;
  gsize n;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (self), FALSE);
  g_return_val_if_fail (self->kind == CONDUIT_CREDENTIAL_KIND_HMAC, FALSE);

  if (signature == NULL)
    return FALSE;

  while (g_ascii_isspace (*signature))
    signature++;

  prefix = conduit_credential_get_field (self, "prefix");
  if (prefix != NULL && g_ascii_strncasecmp (signature, prefix, strlen (prefix)) == 0)
    signature += strlen (prefix);

  expected = conduit_credential_compute_hmac_sha256_hex (self, body, length);
  if (expected == NULL)
    return FALSE;

  n = strlen (expected);
  if (strlen (signature) != n)
    return FALSE;

  for (gsize i = 0; i < n; i++)
    difference |= (guint8)(g_ascii_tolower (signature[i]) ^ expected[i]);

  return difference == 0;
}

/**
 * conduit_credential_error_kind:
 * @error: (nullable): why a credential could not be used
 *
 * The kind a failed item or node records for @error, so that the app can say what to do
 * about it in the user's language, whatever language the message is in.
 *
 * Returns: "credential-missing" (not in the keyring), "credential-locked" (the keyring is
 *   locked), "credential-rejected" (the server refused it), "credential-needs-sign-in" (a
 *   browser sign-in is missing or was revoked) or "credential" (anything else)
 */
const char *
conduit_credential_error_kind (const GError *error)
{
  if (error == NULL || error->domain != CONDUIT_CREDENTIAL_ERROR)
    return "credential";

  switch (error->code)
    {
    case CONDUIT_CREDENTIAL_ERROR_NOT_FOUND:
      return "credential-missing";
    case CONDUIT_CREDENTIAL_ERROR_LOCKED:
      return "credential-locked";
    case CONDUIT_CREDENTIAL_ERROR_REJECTED:
      return "credential-rejected";
    case CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN:
      return "credential-needs-sign-in";
    default:
      return "credential";
    }
}
