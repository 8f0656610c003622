/* test-jwt-bearer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <locale.h>
#include <string.h>

#include "conduit.h"
#include "conduit-jwt-bearer.h"

/* jwt-bearer credentials (a Google-style service account key) against a local token endpoint
 * that checks what Google's does: the grant type, the claims, and the RS256 signature against
 * the service account's public key. The keys are made fresh by the test with GnuTLS. */

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
#endif
#endif

#define CLIENT_EMAIL "conduit-sync@example-project.iam.gserviceaccount.com"
#define KEY_ID "4f2a9c0d1e"

typedef struct
{
  SoupServer           *server;
  SoupSession          *session;
  ConduitAuthorizer    *authorizer;
  GUri                 *base;
  gnutls_x509_privkey_t key;          /* the service account's */
  gnutls_x509_privkey_t other_key;    /* someone else's */
  gnutls_pubkey_t       public_key;
  char                 *key_pem;
  char                 *other_key_pem;
  guint                 token_fetches;
  guint                 api_calls;
  char                 *last_subject;
  char                 *last_scope;
} Fixture;

static char *
export_pem (gnutls_x509_privkey_t key)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  text = g_strndup ((const char *)pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

static gnutls_x509_privkey_t
generate_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  return key;
}

static GBytes *
base64url_decode (const char *text)
{
  g_autoptr(GString) padded = g_string_new (text);
  gsize length = 0;
  guchar *data;

  g_strdelimit (padded->str, "-", '+');
  g_strdelimit (padded->str, "_", '/');
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  data = g_base64_decode (padded->str, &length);
  return g_bytes_new_take (data, length);
}

static JsonObject *
decode_part (const char *part,
             JsonParser *parser)
{
  g_autoptr(GBytes) bytes = base64url_decode (part);

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), NULL));
  return json_node_get_object (json_parser_get_root (parser));
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

static void
handle_token (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autoptr(JsonParser) header_parser = json_parser_new ();
  g_autoptr(JsonParser) claims_parser = json_parser_new ();
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *signed_part = NULL;
  g_autofree char *audience = g_uri_to_string (fixture->base);
  g_auto(GStrv) parts = NULL;
  JsonObject *header, *claims;
  gnutls_datum_t data, sig;
  gint64 iat, exp;

  fixture->token_fetches++;
  g_assert_cmpstr (g_hash_table_lookup (form, "grant_type"), ==,
                   "urn:ietf:params:oauth:grant-type:jwt-bearer");
  parts = g_strsplit (g_hash_table_lookup (form, "assertion"), ".", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 3);

  header = decode_part (parts[0], header_parser);
  g_assert_cmpstr (json_object_get_string_member (header, "alg"), ==, "RS256");
  g_assert_cmpstr (json_object_get_string_member (header, "typ"), ==, "JWT");
  g_assert_cmpstr (json_object_get_string_member (header, "kid"), ==, KEY_ID);

  claims = decode_part (parts[1], claims_parser);
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==, CLIENT_EMAIL);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (claims, "aud"), audience));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (claims, "aud"), "/token"));
  iat = json_object_get_int_member (claims, "iat");
  exp = json_object_get_int_member (claims, "exp");
  g_assert_cmpint (exp - iat, ==, 3600);
  g_assert_cmpint (ABS (iat - g_get_real_time () / G_USEC_PER_SEC), <, 60);
  g_free (fixture->last_scope);
  fixture->last_scope = g_strdup (json_object_get_string_member_with_default (claims, "scope", NULL));
  g_free (fixture->last_subject);
  fixture->last_subject = g_strdup (json_object_get_string_member_with_default (claims, "sub", NULL));

  /* the signature must be the service account's */
  signed_part = g_strconcat (parts[0], ".", parts[1], NULL);
  signature = base64url_decode (parts[2]);
  data.data = (unsigned char *)signed_part;
  data.size = strlen (signed_part);
  sig.data = (unsigned char *)g_bytes_get_data (signature, NULL);
  sig.size = g_bytes_get_size (signature);
  if (gnutls_pubkey_verify_data2 (fixture->public_key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig) < 0)
    {
      reply (msg, SOUP_STATUS_BAD_REQUEST,
             "{\"error\": \"invalid_grant\", \"error_description\": \"Invalid JWT Signature.\"}");
      return;
    }

  reply (msg, SOUP_STATUS_OK,
         "{\"access_token\": \"sa-token-1\", \"token_type\": \"Bearer\", \"expires_in\": 3599}");
}

static void
handle_api (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  fixture->api_calls++;
  reply (msg, g_strcmp0 (authorization, "Bearer sa-token-1") == 0 ? 200 : 401, "{}");
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gnutls_privkey_t private_key;
  GSList *uris;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/token", handle_token, fixture, NULL);
  soup_server_add_handler (fixture->server, "/api", handle_api, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  fixture->session = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->session, NULL);
  fixture->authorizer = conduit_authorizer_new (fixture->session);

  fixture->key = generate_key ();
  fixture->other_key = generate_key ();
  fixture->key_pem = export_pem (fixture->key);
  fixture->other_key_pem = export_pem (fixture->other_key);
  g_assert_cmpint (gnutls_privkey_init (&private_key), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (private_key, fixture->key, 0), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&fixture->public_key), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_privkey (fixture->public_key, private_key, 0, 0), ==, 0);
  gnutls_privkey_deinit (private_key);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->authorizer);
  soup_session_abort (fixture->session);
  g_clear_object (&fixture->session);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->base, g_uri_unref);
  gnutls_pubkey_deinit (fixture->public_key);
  gnutls_x509_privkey_deinit (fixture->key);
  gnutls_x509_privkey_deinit (fixture->other_key);
  g_free (fixture->key_pem);
  g_free (fixture->other_key_pem);
  g_free (fixture->last_subject);
  g_free (fixture->last_scope);
}

static char *
fixture_url (Fixture    *fixture,
             const char *path)
{
  g_autoptr(GUri) uri = g_uri_parse_relative (fixture->base, path, G_URI_FLAGS_NONE, NULL);

  return g_uri_to_string (uri);
}

/* A key file as Google's console hands it out. */
static char *
key_file (Fixture    *fixture,
          const char *pem,
          const char *token_uri)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "service_account");
  json_builder_set_member_name (builder, "project_id");
  json_builder_add_string_value (builder, "example-project");
  json_builder_set_member_name (builder, "private_key_id");
  json_builder_add_string_value (builder, KEY_ID);
  json_builder_set_member_name (builder, "private_key");
  json_builder_add_string_value (builder, pem);
  json_builder_set_member_name (builder, "client_email");
  json_builder_add_string_value (builder, CLIENT_EMAIL);
  if (token_uri != NULL)
    {
      json_builder_set_member_name (builder, "token_uri");
      json_builder_add_string_value (builder, token_uri);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, TRUE);
}

static ConduitCredential *
service_account (Fixture    *fixture,
                 const char *id,
                 const char *pem)
{
  ConduitCredential *credential = conduit_credential_new (id, CONDUIT_CREDENTIAL_KIND_JWT_BEARER);
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autofree char *key = key_file (fixture, pem, token_url);

  g_assert_true (conduit_credential_set_field (credential, "scope",
                                               "https://www.googleapis.com/auth/spreadsheets", NULL));
  g_assert_true (conduit_credential_set_secret (credential, "key", key, NULL));
  return credential;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static guint
call_api (Fixture            *fixture,
          ConduitCredential  *credential,
          GError            **error)
{
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  conduit_authorizer_send_and_read_async (fixture->authorizer, credential, msg,
                                          G_PRIORITY_DEFAULT, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = conduit_authorizer_send_and_read_finish (fixture->authorizer, result, error);
  return body ? soup_message_get_status (msg) : 0;
}

static void
test_signed_token (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = service_account (fixture, "t-sa", fixture->key_pem);
  g_autoptr(GError) error = NULL;
  g_autofree char *redacted = NULL;

  g_assert_cmpuint (call_api (fixture, credential, &error), ==, 200);
  g_assert_no_error (error);
  g_assert_cmpuint (call_api (fixture, credential, &error), ==, 200);
  /* one token for both requests */
  g_assert_cmpuint (fixture->token_fetches, ==, 1);
  g_assert_cmpstr (fixture->last_scope, ==, "https://www.googleapis.com/auth/spreadsheets");
  g_assert_null (fixture->last_subject);

  /* the key and the token never reach a log */
  redacted = conduit_redactor_redact (conduit_redactor_get_default (), "token sa-token-1");
  g_assert_null (strstr (redacted, "sa-token-1"));
}

static void
test_subject (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = service_account (fixture, "t-sa-sub", fixture->key_pem);
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_credential_set_field (credential, "subject", "ada@example.com", NULL));
  g_assert_cmpuint (call_api (fixture, credential, &error), ==, 200);
  g_assert_cmpstr (fixture->last_subject, ==, "ada@example.com");
}

static void
test_wrong_key (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = service_account (fixture, "t-sa-wrong",
                                                             fixture->other_key_pem);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (call_api (fixture, credential, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "“t-sa-wrong”"));
  g_assert_nonnull (strstr (error->message, "Invalid JWT Signature"));
  g_assert_null (strstr (error->message, "PRIVATE KEY"));
  g_assert_cmpuint (fixture->api_calls, ==, 0);
}

static void
test_bad_key_files (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autofree char *no_token_uri = key_file (fixture, fixture->key_pem, NULL);
  g_autofree char *remote_http = key_file (fixture, fixture->key_pem, "http://tokens.example.com/token");
  g_autofree char *not_a_key = key_file (fixture, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                                         token_url);
  const struct
  {
    const char *key;
    const char *expected;
  } cases[] = {
    { "{\"private_key\": \"secret-part-991\"", "is not a JSON key file" },
    { "{\"type\": \"service_account\", \"private_key\": \"secret-part-991\"}", "has no “client_email”" },
    { no_token_uri, "fill in “Token URL”" },
    { remote_http, "must start with https://" },
    { not_a_key, "cannot be read" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("t-sa-bad-%u", i);
      g_autoptr(ConduitCredential) credential = conduit_credential_new (id, CONDUIT_CREDENTIAL_KIND_JWT_BEARER);
      g_autoptr(GError) error = NULL;

      g_assert_true (conduit_credential_set_secret (credential, "key", cases[i].key, NULL));
      g_assert_cmpuint (call_api (fixture, credential, &error), ==, 0);
      g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
      g_assert_nonnull (strstr (error->message, id));
      /* a message never quotes the key file */
      g_assert_null (strstr (error->message, "secret-part-991"));
      g_assert_null (strstr (error->message, "PRIVATE KEY"));
    }

  g_assert_cmpuint (fixture->token_fetches, ==, 0);
}

static void
test_token_url_field_wins (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = conduit_credential_new ("t-sa-field",
                                                                    CONDUIT_CREDENTIAL_KIND_JWT_BEARER);
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autofree char *key = key_file (fixture, fixture->key_pem, "https://oauth2.example.com/token");
  g_autofree char *used = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_credential_set_secret (credential, "key", key, NULL));
  used = conduit_jwt_bearer_dup_token_url (credential, &error);
  g_assert_cmpstr (used, ==, "https://oauth2.example.com/token");
  g_clear_pointer (&used, g_free);

  g_assert_true (conduit_credential_set_field (credential, "token_url", token_url, NULL));
  g_assert_cmpuint (call_api (fixture, credential, &error), ==, 200);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/conduit/jwt-bearer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("signed-token", test_signed_token);
  ADD ("subject", test_subject);
  ADD ("wrong-key", test_wrong_key);
  ADD ("bad-key-files", test_bad_key_files);
  ADD ("token-url-field-wins", test_token_url_field_wins);

#undef ADD

  return g_test_run ();
}
