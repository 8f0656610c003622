/* test-redactor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "conduit.h"

static ConduitCredential *
make_credential (const char            *id,
                 ConduitCredentialKind  kind,
                 const char            *first_key,
                 ...)
{
  g_autoptr(ConduitCredential) credential = conduit_credential_new (id, kind);
  const char *key;
  va_list ap;

  va_start (ap, first_key);
  for (key = first_key; key; key = va_arg (ap, const char *))
    {
      const char *value = va_arg (ap, const char *);
      const ConduitCredentialFieldSpec *spec = conduit_credential_kind_find_field (kind, key);
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (spec);
      if (spec->secret)
        conduit_credential_set_secret (credential, key, value, &error);
      else
        conduit_credential_set_field (credential, key, value, &error);
      g_assert_no_error (error);
    }
  va_end (ap);

  return g_steal_pointer (&credential);
}

/* A run's redactor skips its work while nobody has a secret; that shortcut must not outlive
 * the first secret: a token fetched mid-run goes to the process's redactor only (the
 * authorizer puts it there), a credential's to the run's, and both are hidden from the next
 * text on. Runs first, while the process knows no secret at all. */
static void
test_redact_secret_mid_run (void)
{
  g_autoptr(ConduitRedactor) run = conduit_redactor_new ();
  const char *text = "token=mid-run-token-1234 and own-secret-5678";
  g_autofree char *before = NULL;
  g_autofree char *fetched = NULL;
  g_autofree char *both = NULL;

  before = conduit_redactor_redact (run, text);
  g_assert_cmpstr (before, ==, text);
  g_assert_true (before != text);   /* the caller owns what it gets */

  conduit_redactor_add_secret (conduit_redactor_get_default (), "mid-run-token-1234");
  fetched = conduit_redactor_redact (run, text);
  g_assert_cmpstr (fetched, ==, "token=•••• and own-secret-5678");

  conduit_redactor_add_secret (run, "own-secret-5678");
  both = conduit_redactor_redact (run, text);
  g_assert_cmpstr (both, ==, "token=•••• and ••••");
}

/* One pass finds every secret, except one that a replacement makes: a secret holding the
 * replacement's own characters. The redactor then makes a second pass. */
static void
test_redact_marker_secret (void)
{
  g_autoptr(ConduitRedactor) run = conduit_redactor_new ();
  g_autofree char *text = NULL;

  /* in the process's redactor only, so the run's own pass does not do the first replacement */
  conduit_redactor_add_secret (conduit_redactor_get_default (), "inner-tok-1");
  conduit_redactor_add_secret (conduit_redactor_get_default (), "<" CONDUIT_REDACTED ">");
  text = conduit_redactor_redact (run, "a <inner-tok-1> b");
  g_assert_cmpstr (text, ==, "a •••• b");
}

static void
test_redact_text (void)
{
  g_autoptr(ConduitRedactor) redactor = conduit_redactor_new ();
  g_autofree char *none = NULL;
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autofree char *nested = NULL;

  none = conduit_redactor_redact (redactor, "key s3cr3t-value here");
  g_assert_cmpstr (none, ==, "key s3cr3t-value here");

  conduit_redactor_add_secret (redactor, "s3cr3t-value");
  conduit_redactor_add_secret (redactor, "");
  conduit_redactor_add_secret (redactor, NULL);
  conduit_redactor_add_secret (redactor, "e");   /* would make "h••••r••••" of "here" */
  g_assert_null (conduit_redactor_redact (redactor, NULL));

  once = conduit_redactor_redact (redactor, "key s3cr3t-value here");
  g_assert_cmpstr (once, ==, "key •••• here");

  twice = conduit_redactor_redact (redactor, "s3cr3t-values3cr3t-value");
  g_assert_cmpstr (twice, ==, "••••••••");

  /* a shorter secret inside a longer one must not leave the rest of the longer one behind */
  conduit_redactor_add_secret (redactor, "cr3t");
  conduit_redactor_add_secret (redactor, "AAAs3cr3t-valueBBB");
  nested = conduit_redactor_redact (redactor, "[AAAs3cr3t-valueBBB] [s3cr3t-value] [cr3t]");
  g_assert_cmpstr (nested, ==, "[••••] [••••] [••••]");
}

/* Issue #14 point 13: what one run's redactor learns, every other redactor of the process
 * redacts too: a secret of one flow may turn up in another flow's event. */
static void
test_redact_process_wide (void)
{
  g_autoptr(ConduitRedactor) first = conduit_redactor_new ();
  g_autoptr(ConduitRedactor) second = conduit_redactor_new ();
  g_autofree char *text = NULL;

  conduit_redactor_add_secret (first, "only-the-first-flow-knows-me");
  conduit_redactor_add_header (first, "X-First-Key");
  text = conduit_redactor_redact (second, "event: only-the-first-flow-knows-me!");
  g_assert_cmpstr (text, ==, "event: ••••!");
  g_assert_true (conduit_redactor_is_sensitive_header (second, "x-first-key"));
}

static void
test_redact_encoded_forms (void)
{
  g_autoptr(ConduitRedactor) redactor = conduit_redactor_new ();
  const char *secret = "p@ss w/\"quote\"&=";
  g_autofree char *url_form = g_uri_escape_string (secret, NULL, FALSE);
  g_autofree char *query = g_strdup_printf ("GET /items?api_key=%s&page=2", url_form);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *json = NULL;
  g_autofree char *redacted_query = NULL;
  g_autofree char *redacted_json = NULL;

  conduit_redactor_add_secret (redactor, secret);

  redacted_query = conduit_redactor_redact (redactor, query);
  g_assert_cmpstr (redacted_query, ==, "GET /items?api_key=••••&page=2");

  json_node_set_string (node, secret);
  json = json_to_string (node, FALSE);
  g_assert_null (strstr (json, secret));   /* escaped, so the raw form alone would miss it */
  redacted_json = conduit_redactor_redact (redactor, json);
  g_assert_cmpstr (redacted_json, ==, "\"••••\"");
}

static void
test_redact_credential (void)
{
  g_autoptr(ConduitRedactor) redactor = conduit_redactor_new ();
  g_autoptr(ConduitCredential) basic = NULL;
  g_autoptr(ConduitCredential) api_key = NULL;
  g_autoptr(ConduitCredential) hmac = NULL;
  g_autofree char *pair = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *line = NULL;
  g_autofree char *redacted = NULL;

  basic = make_credential ("crm-login", CONDUIT_CREDENTIAL_KIND_BASIC,
                           "username", "ops", "password", "hunter2-hunter2", NULL);
  api_key = make_credential ("shop-key", CONDUIT_CREDENTIAL_KIND_API_KEY,
                             "header", "X-Shop-Token", "key", "k-123456789", NULL);
  hmac = make_credential ("hook", CONDUIT_CREDENTIAL_KIND_HMAC,
                          "header", "X-Hub-Signature-256", "secret", "whsec_abcdef", NULL);

  conduit_redactor_add_credential (redactor, basic);
  conduit_redactor_add_credential (redactor, api_key);
  conduit_redactor_add_credential (redactor, hmac);

  pair = g_strdup ("ops:hunter2-hunter2");
  encoded = g_base64_encode ((const guchar *)pair, strlen (pair));
  line = g_strdup_printf ("Authorization: Basic %s; key k-123456789; secret whsec_abcdef", encoded);
  redacted = conduit_redactor_redact (redactor, line);
  g_assert_cmpstr (redacted, ==, "Authorization: Basic ••••; key ••••; secret ••••");

  g_assert_true (conduit_redactor_is_sensitive_header (redactor, "authorization"));
  g_assert_true (conduit_redactor_is_sensitive_header (redactor, "x-shop-token"));
  g_assert_true (conduit_redactor_is_sensitive_header (redactor, "X-HUB-SIGNATURE-256"));
  g_assert_false (conduit_redactor_is_sensitive_header (redactor, "Content-Type"));
}

static void
test_redact_headers (void)
{
  g_autoptr(ConduitRedactor) redactor = conduit_redactor_new ();
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *json = NULL;
  JsonObject *object;

  conduit_redactor_add_header (redactor, "X-API-Key");
  conduit_redactor_add_secret (redactor, "tok-42-secret");

  soup_message_headers_append (headers, "Authorization", "Bearer anything-at-all");
  soup_message_headers_append (headers, "x-api-key", "not-registered-as-secret");
  soup_message_headers_append (headers, "Content-Type", "application/json");
  soup_message_headers_append (headers, "X-Debug", "token=tok-42-secret");
  soup_message_headers_append (headers, "Accept", "text/plain");
  soup_message_headers_append (headers, "Accept", "application/json");

  node = conduit_redactor_redact_headers (redactor, headers);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "Authorization"), ==, CONDUIT_REDACTED);
  g_assert_cmpstr (json_object_get_string_member (object, "x-api-key"), ==, CONDUIT_REDACTED);
  g_assert_cmpstr (json_object_get_string_member (object, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (json_object_get_string_member (object, "X-Debug"), ==, "token=••••");
  g_assert_cmpstr (json_object_get_string_member (object, "Accept"), ==,
                   "text/plain, application/json");

  json = json_to_string (node, FALSE);
  g_assert_null (strstr (json, "anything-at-all"));
  g_assert_null (strstr (json, "not-registered-as-secret"));
  g_assert_null (strstr (json, "tok-42-secret"));
}

static void
test_log_writer (void)
{
  if (g_test_subprocess ())
    {
      ConduitRedactor *redactor = conduit_redactor_get_default ();

      conduit_redactor_add_secret (redactor, "log-line-secret-99");
      conduit_redactor_install_log_writer (redactor);
      g_message ("calling the API with key log-line-secret-99 now");
      g_printerr ("done\n");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*calling the API with key •••• now*");
  g_test_trap_assert_stderr_unmatched ("*log-line-secret-99*");
}

static void
test_hmac (void)
{
  g_autoptr(ConduitCredential) hmac = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *with_prefix = NULL;
  g_autofree char *upper = NULL;
  const char *body = "{\"order\":17}";

  hmac = make_credential ("hook", CONDUIT_CREDENTIAL_KIND_HMAC, "secret", "key", NULL);

  /* RFC 4231-style known answer: HMAC-SHA256 ("key", "The quick brown fox …") */
  digest = conduit_credential_compute_hmac_sha256_hex (
    hmac, (const guint8 *)"The quick brown fox jumps over the lazy dog", 43);
  g_assert_cmpstr (digest, ==, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");

  g_clear_pointer (&digest, g_free);
  digest = conduit_credential_compute_hmac_sha256_hex (hmac, (const guint8 *)body, strlen (body));
  with_prefix = g_strconcat ("sha256=", digest, NULL);
  upper = g_ascii_strup (digest, -1);

  g_assert_true (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)body, strlen (body),
                                                        digest));
  g_assert_true (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)body, strlen (body),
                                                        with_prefix));
  g_assert_true (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)body, strlen (body),
                                                        upper));
  g_assert_false (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)"{\"order\":18}",
                                                         strlen (body), digest));
  g_assert_false (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)body, strlen (body),
                                                         "sha256=00"));
  g_assert_false (conduit_credential_verify_hmac_sha256 (hmac, (const guint8 *)body, strlen (body),
                                                         NULL));
}

static void
test_credential_json (void)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) again = NULL;
  g_autoptr(JsonNode) public_form = NULL;
  g_autoptr(JsonNode) full_form = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_text = NULL;
  g_autofree char *full_text = NULL;
  g_autofree char *env_name = NULL;

  credential = conduit_credential_new_from_data (
    "{\"name\": \"Token service\", \"kind\": \"oauth2-client-credentials\","
    " \"fields\": {\"token_url\": \"https://id.example/token\", \"client_id\": \"conduit\","
    " \"scope\": \"read write\"}, \"secrets\": {\"client_secret\": \"cs-777\"}}",
    "id.example-api", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_id (credential), ==, "id.example-api");
  g_assert_cmpstr (conduit_credential_get_name (credential), ==, "Token service");
  g_assert_cmpstr (conduit_credential_get_field (credential, "client_auth"), ==, "basic");
  g_assert_cmpstr (conduit_credential_get_secret (credential, "client_secret"), ==, "cs-777");
  g_assert_true (conduit_credential_check (credential, NULL));

  public_form = conduit_credential_to_json (credential, FALSE);
  public_text = json_to_string (public_form, FALSE);
  g_assert_null (strstr (public_text, "cs-777"));

  full_form = conduit_credential_to_json (credential, TRUE);
  full_text = json_to_string (full_form, FALSE);
  again = conduit_credential_new_from_data (full_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_secret (again, "client_secret"), ==, "cs-777");
  g_assert_cmpstr (conduit_credential_get_field (again, "scope"), ==, "read write");

  env_name = conduit_credential_dup_env_name ("id.example-api");
  g_assert_cmpstr (env_name, ==, "CONDUIT_CREDENTIAL_ID_EXAMPLE_API");
}

typedef struct
{
  const char *json;
  const char *message_part;
} BadCredential;

static const BadCredential bad_credentials[] = {
  { "not json", "not valid JSON" },
  { "[]", "must be a JSON object" },
  { "{\"kind\": \"telepathy\"}", "“kind” must be one of" },
  { "{\"kind\": \"bearer\", \"fields\": {\"colour\": \"red\"}}", "has no field “colour”" },
  { "{\"kind\": \"bearer\", \"secrets\": {\"password\": \"x\"}}", "has no secret “password”" },
  { "{\"kind\": \"api-key\", \"fields\": {\"in\": \"body\"}}", "must be one of header, query" },
  { "{\"kind\": \"bearer\", \"fields\": []}", "“fields” must be an object" },
  { "{\"kind\": \"api-key\", \"fields\": {\"header\": \"X-Key: evil\\r\\nHost\"}}",
    "field “header” must be a header name" },
  { "{\"kind\": \"bearer\", \"secret\": 7}", "“secret” must be text" },
  { "{\"id\": \"other\", \"kind\": \"bearer\"}", "holds the credential “other”, not “mine”" },
  { "{\"id\": \"bad id!\", \"kind\": \"bearer\"}", "holds the credential “bad id!”" },
};

static void
test_credential_bad_json (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_credentials); i++)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GError) error = NULL;

      credential = conduit_credential_new_from_data (bad_credentials[i].json, "mine", &error);
      g_assert_null (credential);
      g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
      g_test_message ("%s → %s", bad_credentials[i].json, error->message);
      g_assert_nonnull (strstr (error->message, bad_credentials[i].message_part));
    }

  {
    g_autoptr(ConduitCredential) incomplete = NULL;
    g_autoptr(GError) error = NULL;

    incomplete = conduit_credential_new_from_data ("{\"kind\": \"basic\", \"secret\": \"pw\"}",
                                                   "login", &error);
    g_assert_no_error (error);
    g_assert_false (conduit_credential_check (incomplete, &error));
    g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "credential “login” (User name and password) has no “User name”"));
  }
}

int
main (int   argc,
      char *argv[])
{
  /* the log writer converts to the locale's charset; •••• needs UTF-8 */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/redactor/secret-mid-run", test_redact_secret_mid_run);
  g_test_add_func ("/conduit/redactor/marker-secret", test_redact_marker_secret);
  g_test_add_func ("/conduit/redactor/text", test_redact_text);
  g_test_add_func ("/conduit/redactor/encoded-forms", test_redact_encoded_forms);
  g_test_add_func ("/conduit/redactor/process-wide", test_redact_process_wide);
  g_test_add_func ("/conduit/redactor/credential", test_redact_credential);
  g_test_add_func ("/conduit/redactor/headers", test_redact_headers);
  g_test_add_func ("/conduit/redactor/log-writer", test_log_writer);
  g_test_add_func ("/conduit/credential/hmac", test_hmac);
  g_test_add_func ("/conduit/credential/json", test_credential_json);
  g_test_add_func ("/conduit/credential/bad-json", test_credential_bad_json);

  return g_test_run ();
}
