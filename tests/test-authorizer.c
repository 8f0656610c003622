/* test-authorizer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE

#include <locale.h>

#include "conduit.h"
#include "test-keyring.h"

/* Every kind of credential is sent to a local server that checks it the way a real API
 * would; OAuth 2.0 goes against a local token endpoint that issues short-lived tokens. Token
 * lifetimes run on a clock the test moves, shared by server and authorizer. */

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
/* libsoup's own server leaks (see tests/lsan.supp); its suppressions match only on stacks
 * that reach through GLib, which the fast unwinder does not. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}
#endif
#endif

typedef struct
{
  SoupServer        *server;
  SoupSession       *session;
  ConduitAuthorizer *authorizer;
  GUri              *base;
  gint64             now;            /* µs, the clock of both sides */

  /* what /check expects */
  const char        *expect_header;
  const char        *expect_value;
  const char        *expect_query_name;
  const char        *expect_query_value;
  const char        *hmac_secret;
  char              *seen_query;
  guint              checks;

  /* the token endpoint */
  const char        *client_id;
  const char        *client_secret;
  gint64             expires_in;     /* seconds */
  guint              token_fetches;
  GHashTable        *tokens;         /* token → expiry (µs, boxed in a gint64 pointer) */
  gboolean           reject_all_tokens;
  guint              api_calls;
  char              *last_token;
  char              *last_body;
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static void
reply (SoupServerMessage *msg,
       guint              status,
       const char        *content_type,
       const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, strlen (body));
}

static void
handle_check (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  gboolean ok = TRUE;

  fixture->checks++;
  g_free (fixture->seen_query);
  fixture->seen_query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));

  if (fixture->expect_header != NULL)
    ok = ok && g_strcmp0 (soup_message_headers_get_one (headers, fixture->expect_header),
                          fixture->expect_value) == 0;

  if (fixture->expect_query_name != NULL)
    ok = ok && query != NULL &&
         g_strcmp0 (g_hash_table_lookup (query, fixture->expect_query_name),
                    fixture->expect_query_value) == 0;

  if (fixture->hmac_secret != NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autofree char *digest = NULL;
      g_autofree char *expected = NULL;

      digest = g_compute_hmac_for_data (G_CHECKSUM_SHA256, (const guchar *)fixture->hmac_secret,
                                        strlen (fixture->hmac_secret),
                                        g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
      expected = g_strconcat ("sha256=", digest, NULL);
      ok = ok && g_strcmp0 (soup_message_headers_get_one (headers, "X-Signature"), expected) == 0;
    }

  if (ok)
    reply (msg, SOUP_STATUS_OK, "text/plain", "ok");
  else
    reply (msg, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"error\":\"bad credentials\"}");
}

static void
handle_token (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(GHashTable) form = soup_form_decode (text);
  g_autofree char *pair = g_strdup_printf ("%s:%s", fixture->client_id, fixture->client_secret);
  g_autofree char *basic = g_base64_encode ((const guchar *)pair, strlen (pair));
  g_autofree char *expected = g_strconcat ("Basic ", basic, NULL);
  g_autofree char *token = NULL;
  g_autofree char *answer = NULL;
  gint64 *expiry;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0 ||
      g_strcmp0 (g_hash_table_lookup (form, "grant_type"), "client_credentials") != 0)
    {
      reply (msg, SOUP_STATUS_BAD_REQUEST, "application/json",
             "{\"error\":\"unsupported_grant_type\"}");
      return;
    }

  if (g_strcmp0 (soup_message_headers_get_one (headers, "Authorization"), expected) != 0)
    {
      reply (msg, SOUP_STATUS_UNAUTHORIZED, "application/json",
             "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}");
      return;
    }

  fixture->token_fetches++;
  token = g_strdup_printf ("access-%u-%s", fixture->token_fetches,
                           (const char *)g_hash_table_lookup (form, "scope"));
  expiry = g_new (gint64, 1);
  *expiry = fixture->now + fixture->expires_in * G_USEC_PER_SEC;
  g_hash_table_insert (fixture->tokens, g_strdup (token), expiry);

  answer = g_strdup_printf ("{\"access_token\":\"%s\",\"token_type\":\"bearer\","
                            "\"expires_in\":%" G_GINT64_FORMAT "}", token, fixture->expires_in);
  reply (msg, SOUP_STATUS_OK, "application/json", answer);
}

static char *fixture_url (Fixture    *fixture,
                          const char *path_and_query);

/* A token endpoint that moved: answers with a redirect elsewhere. */
static void
handle_moved (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *target = fixture_url (fixture, "/token");

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                target);
  reply (msg, SOUP_STATUS_FOUND, "text/plain", "moved");
}

/* Answers with a body that is JSON whitespace: no value at all. */
static void
handle_blank (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  reply (msg, g_str_has_suffix (path, "-refused") ? SOUP_STATUS_BAD_REQUEST : SOUP_STATUS_OK,
         "application/json", "\n");
}

static void
handle_api (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *fixture = user_data;
  const char *authorization;
  const gint64 *expiry = NULL;

  fixture->api_calls++;
  {
    g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));

    g_free (fixture->last_body);
    fixture->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");
  if (authorization != NULL && g_str_has_prefix (authorization, "Bearer "))
    {
      g_free (fixture->last_token);
      fixture->last_token = g_strdup (authorization + strlen ("Bearer "));
      expiry = g_hash_table_lookup (fixture->tokens, fixture->last_token);
    }

  if (expiry == NULL || *expiry <= fixture->now || fixture->reject_all_tokens)
    {
      reply (msg, SOUP_STATUS_UNAUTHORIZED, "application/json", "{\"error\":\"invalid_token\"}");
      return;
    }

  reply (msg, SOUP_STATUS_OK, "application/json", "{\"items\":[]}");
}

/* A careless server: refuses everything and quotes the request back, headers and all. */
static void
handle_echo (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  g_autoptr(GString) answer = g_string_new ("you sent ");
  SoupMessageHeadersIter iter;
  const char *name, *value;

  g_string_append_printf (answer, "%s?%s;", path,
                          g_uri_get_query (soup_server_message_get_uri (msg)) ?: "");
  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (msg));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (answer, " %s: %s;", name, value);

  reply (msg, SOUP_STATUS_UNAUTHORIZED, "text/plain", answer->str);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/check", handle_check, fixture, NULL);
  soup_server_add_handler (fixture->server, "/token", handle_token, fixture, NULL);
  soup_server_add_handler (fixture->server, "/api", handle_api, fixture, NULL);
  soup_server_add_handler (fixture->server, "/echo", handle_echo, fixture, NULL);
  soup_server_add_handler (fixture->server, "/moved-token", handle_moved, fixture, NULL);
  soup_server_add_handler (fixture->server, "/blank-token", handle_blank, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fixture->server);
  fixture->base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  fixture->session = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->session, NULL);
  fixture->authorizer = conduit_authorizer_new (fixture->session);
  fixture->now = 1000 * G_USEC_PER_SEC;
  conduit_authorizer_set_clock (fixture->authorizer, fixture_clock, fixture);

  fixture->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fixture->client_id = "conduit-client";
  fixture->client_secret = "client-secret-Q9";
  fixture->expires_in = 100;
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
  /* let both ends finish closing their connections, so nothing outlives the test */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->base, g_uri_unref);
  g_clear_pointer (&fixture->tokens, g_hash_table_unref);
  g_clear_pointer (&fixture->seen_query, g_free);
  g_clear_pointer (&fixture->last_token, g_free);
  g_clear_pointer (&fixture->last_body, g_free);
}

static char *
fixture_url (Fixture    *fixture,
             const char *path_and_query)
{
  g_autofree char *base = g_uri_to_string (fixture->base);

  /* the base ends in "/" */
  return g_strconcat (base, path_and_query + 1, NULL);
}

/* Authorizes and sends @msg through the authorizer; returns the HTTP status. */
static guint
send (Fixture           *fixture,
      ConduitCredential *credential,
      SoupMessage       *msg,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  conduit_authorizer_send_and_read_async (fixture->authorizer, credential, msg, G_PRIORITY_DEFAULT,
                                          NULL, test_keyring_on_done, &result);
  body = conduit_authorizer_send_and_read_finish (fixture->authorizer, test_keyring_wait (&result), error);

  return body ? soup_message_get_status (msg) : 0;
}

static guint
get (Fixture           *fixture,
     ConduitCredential *credential,
     const char        *path_and_query)
{
  g_autofree char *url = fixture_url (fixture, path_and_query);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  guint status;

  status = send (fixture, credential, msg, &error);
  g_assert_no_error (error);
  return status;
}

static ConduitCredential *
credential_from_json (const char *id,
                      const char *json)
{
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential = conduit_credential_new_from_data (json, id, &error);

  g_assert_no_error (error);
  return credential;
}

static void
test_api_key_header (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) wrong = NULL;

  credential = credential_from_json ("shop", "{\"kind\": \"api-key\", \"fields\": {\"header\":"
                                     " \"X-Shop-Key\"}, \"secret\": \"key-abc-123\"}");
  wrong = credential_from_json ("shop", "{\"kind\": \"api-key\", \"fields\": {\"header\":"
                                " \"X-Shop-Key\"}, \"secret\": \"key-abc-124\"}");
  fixture->expect_header = "X-Shop-Key";
  fixture->expect_value = "key-abc-123";

  g_assert_cmpuint (get (fixture, credential, "/check"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (get (fixture, wrong, "/check"), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (fixture->checks, ==, 2);
}

static void
test_api_key_query (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;

  credential = credential_from_json ("maps", "{\"kind\": \"api-key\", \"fields\": {\"in\": \"query\","
                                     " \"parameter\": \"key\"}, \"secret\": \"q&k=1 2\"}");
  fixture->expect_query_name = "key";
  fixture->expect_query_value = "q&k=1 2";

  /* a stale key= that a flow left in the URL is replaced, the other parameters stay */
  g_assert_cmpuint (get (fixture, credential, "/check?page=2&key=old&sort=name%20asc"),
                    ==, SOUP_STATUS_OK);
  g_assert_cmpstr (fixture->seen_query, ==, "page=2&sort=name%20asc&key=q%26k%3D1%202");

  g_assert_cmpuint (get (fixture, credential, "/check"), ==, SOUP_STATUS_OK);
  g_assert_cmpstr (fixture->seen_query, ==, "key=q%26k%3D1%202");
}

static void
test_bearer (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;

  credential = credential_from_json ("crm", "{\"kind\": \"bearer\", \"secret\": \"pat_98765\"}");
  fixture->expect_header = "Authorization";
  fixture->expect_value = "Bearer pat_98765";

  g_assert_cmpuint (get (fixture, credential, "/check"), ==, SOUP_STATUS_OK);
}

static void
test_basic (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;
  const char *pair = "ops@example.com:pä55:word";
  g_autofree char *encoded = g_base64_encode ((const guchar *)pair, strlen (pair));
  g_autofree char *expected = g_strconcat ("Basic ", encoded, NULL);

  credential = credential_from_json ("erp", "{\"kind\": \"basic\", \"fields\": {\"username\":"
                                     " \"ops@example.com\"}, \"secret\": \"pä55:word\"}");
  fixture->expect_header = "Authorization";
  fixture->expect_value = expected;

  g_assert_cmpuint (get (fixture, credential, "/check"), ==, SOUP_STATUS_OK);
}

static void
test_hmac (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autofree char *url = fixture_url (fixture, "/check");
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(SoupMessage) tampered = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"order\":42}", 12);
  g_autoptr(GBytes) other_body = g_bytes_new_static ("{\"order\":43}", 12);
  g_autoptr(GError) error = NULL;

  credential = credential_from_json ("hook", "{\"kind\": \"hmac\", \"secret\": \"whsec_xyz\"}");
  fixture->hmac_secret = "whsec_xyz";

  conduit_authorizer_set_request_body (msg, "application/json", body);
  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);

  /* signed for one body, sent with another: the server must refuse */
  conduit_authorizer_set_request_body (tampered, "application/json", body);
  {
    g_autoptr(GAsyncResult) result = NULL;

    conduit_authorizer_authorize_async (fixture->authorizer, credential, tampered, NULL, test_keyring_on_done,
                                        &result);
    g_assert_true (conduit_authorizer_authorize_finish (fixture->authorizer, test_keyring_wait (&result),
                                                        &error));
    g_assert_no_error (error);
  }
  soup_message_set_request_body_from_bytes (tampered, "application/json", other_body);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GBytes) answer = NULL;

    soup_session_send_and_read_async (fixture->session, tampered, G_PRIORITY_DEFAULT, NULL,
                                      test_keyring_on_done, &result);
    answer = soup_session_send_and_read_finish (fixture->session, test_keyring_wait (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (tampered), ==, SOUP_STATUS_UNAUTHORIZED);
  }
}

static ConduitCredential *
oauth2_credential (Fixture    *fixture,
                   const char *client_secret)
{
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"kind\": \"oauth2-client-credentials\", \"fields\": {\"token_url\":"
                          " \"%s\", \"client_id\": \"%s\", \"scope\": \"orders\"},"
                          " \"secret\": \"%s\"}", token_url, fixture->client_id, client_secret);
  return credential_from_json ("orders-api", json);
}

static void
test_oauth2_refresh_before_expiry (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = oauth2_credential (fixture, fixture->client_secret);
  gint64 first_expiry;

  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 1);
  g_assert_cmpstr (fixture->last_token, ==, "access-1-orders");
  first_expiry = *(gint64 *)g_hash_table_lookup (fixture->tokens, "access-1-orders");

  /* half-way through its life the cached token is reused */
  fixture->now += 50 * G_USEC_PER_SEC;
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 1);

  /* 9 s before expiry (inside the last tenth) a new token is fetched, while the old one is
   * still good: the request never meets an expired token */
  fixture->now += 41 * G_USEC_PER_SEC;
  g_assert_cmpint (fixture->now, <, first_expiry);
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 2);
  g_assert_cmpstr (fixture->last_token, ==, "access-2-orders");
  g_assert_cmpuint (fixture->api_calls, ==, 3);   /* no request was refused and retried */

  /* long after the second token expired: one fetch, no 401 first */
  fixture->now += 1000 * G_USEC_PER_SEC;
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 3);
  g_assert_cmpuint (fixture->api_calls, ==, 4);
}

static void
test_oauth2_refresh_once_on_401 (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = oauth2_credential (fixture, fixture->client_secret);

  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 1);

  /* the server revokes the token before it expires: 401, one new token, one retry */
  g_hash_table_remove_all (fixture->tokens);
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 2);
  g_assert_cmpuint (fixture->api_calls, ==, 3);
  g_assert_cmpstr (fixture->last_token, ==, "access-2-orders");

  /* the retry sends the body again */
  g_hash_table_remove_all (fixture->tokens);
  {
    g_autofree char *url = fixture_url (fixture, "/api");
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
    g_autoptr(GBytes) body = g_bytes_new_static ("{\"order\":7}", 11);
    g_autoptr(GError) error = NULL;

    conduit_authorizer_set_request_body (msg, "application/json", body);
    g_assert_cmpuint (send (fixture, credential, msg, &error), ==, SOUP_STATUS_OK);
    g_assert_no_error (error);
    g_assert_cmpstr (fixture->last_body, ==, "{\"order\":7}");
    g_assert_cmpuint (fixture->token_fetches, ==, 3);
    g_assert_cmpuint (fixture->api_calls, ==, 5);
  }

  /* a server that refuses every token gets exactly one retry, not a loop */
  fixture->reject_all_tokens = TRUE;
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_UNAUTHORIZED);
  g_assert_cmpuint (fixture->token_fetches, ==, 4);
  g_assert_cmpuint (fixture->api_calls, ==, 7);

  /* invalidate() alone also makes the next request fetch */
  fixture->reject_all_tokens = FALSE;
  conduit_authorizer_invalidate (fixture->authorizer, credential);
  g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->token_fetches, ==, 5);
}

static void
test_oauth2_shared_fetch (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = oauth2_credential (fixture, fixture->client_secret);
  GAsyncResult *results[4] = { NULL, };
  SoupMessage *msgs[4] = { NULL, };
  g_autofree char *url = fixture_url (fixture, "/api");

  for (guint i = 0; i < G_N_ELEMENTS (msgs); i++)
    {
      msgs[i] = soup_message_new ("GET", url);
      conduit_authorizer_authorize_async (fixture->authorizer, credential, msgs[i], NULL, test_keyring_on_done,
                                          &results[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (msgs); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (conduit_authorizer_authorize_finish (fixture->authorizer,
                                                          test_keyring_wait (&results[i]), &error));
      g_assert_no_error (error);
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (msgs[i]),
                                                     "Authorization"), ==,
                       "Bearer access-1-orders");
      g_clear_object (&results[i]);
      g_clear_object (&msgs[i]);
    }

  g_assert_cmpuint (fixture->token_fetches, ==, 1);
}

static void
test_oauth2_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = oauth2_credential (fixture, "wrong-secret-77");
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_REJECTED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "refused credential “orders-api”: HTTP 401"));
  g_assert_nonnull (strstr (error->message, "invalid_client (Client authentication failed)"));
  g_assert_null (strstr (error->message, "wrong-secret-77"));
  g_assert_cmpuint (fixture->api_calls, ==, 0);
}

static ConduitCredential *
oauth2_credential_at (const char *id,
                      const char *token_url,
                      const char *client_id,
                      const char *client_secret)
{
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"kind\": \"oauth2-client-credentials\", \"fields\":"
                          " {\"token_url\": \"%s\", \"client_id\": \"%s\"},"
                          " \"secret\": \"%s\"}", token_url, client_id, client_secret);
  return credential_from_json (id, json);
}

static void
test_oauth2_bad_token_url (Fixture       *fixture,
                           gconstpointer  data)
{
  const char *urls[] = { "not a web address", "ftp://127.0.0.1/token", "/token" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr(ConduitCredential) credential = oauth2_credential_at ("bad-url", urls[i], "c", "s");
      g_autofree char *url = fixture_url (fixture, "/api");
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;

      g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
      g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
      expected = g_strdup_printf ("the token URL “%s” of credential “bad-url” is not a web address",
                                  urls[i]);
      g_assert_cmpstr (error->message, ==, expected);
    }

  g_assert_cmpuint (fixture->api_calls, ==, 0);
}

/* The client secret must never leave this computer unencrypted: refused before any request. */
static void
test_oauth2_http_token_url_refused (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;

  credential = oauth2_credential_at ("crm", "http://example.com/token", fixture->client_id,
                                     fixture->client_secret);
  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "the token URL “http://example.com/token” of credential “crm” must start with "
                   "https://: over http:// the client secret would be sent unencrypted (http:// "
                   "is only allowed to this computer: localhost, 127.0.0.1 or ::1)");
  g_assert_null (strstr (error->message, fixture->client_secret));
  g_assert_cmpuint (fixture->api_calls, ==, 0);
}

/* A token endpoint's redirect is not followed with the secret, even to a good address (libsoup
 * would follow a 302 as a GET, with the Authorization header that carries the secret). */
static void
test_oauth2_token_redirect_not_followed (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autofree char *token_url = fixture_url (fixture, "/moved-token");
  g_autofree char *target = fixture_url (fixture, "/token");
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;

  credential = oauth2_credential_at ("moved", token_url, fixture->client_id,
                                     fixture->client_secret);
  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "redirects to"));
  g_assert_nonnull (strstr (error->message, target));
  g_assert_null (strstr (error->message, fixture->client_secret));
  g_assert_cmpuint (fixture->token_fetches, ==, 0);
  g_assert_cmpuint (fixture->api_calls, ==, 0);
}

/* A token endpoint answering blank JSON (no value at all), with success or refusal: a clear
 * error, no critical from the JSON parser (found by fuzzing the sign-in's token parser). */
static void
test_oauth2_blank_token_answer (Fixture       *fixture,
                                gconstpointer  data)
{
  const char *paths[] = { "/blank-token", "/blank-token-refused" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autofree char *token_url = fixture_url (fixture, paths[i]);
      g_autofree char *url = fixture_url (fixture, "/api");
      g_autofree char *id = g_strdup_printf ("blank-%u", i);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GError) error = NULL;
      int expected;

      credential = oauth2_credential_at (id, token_url, fixture->client_id,
                                         fixture->client_secret);
      g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
      expected = i == 0 ? CONDUIT_CREDENTIAL_ERROR_FAILED : CONDUIT_CREDENTIAL_ERROR_REJECTED;

      g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, expected);
      g_assert_nonnull (strstr (error->message, id));
      g_assert_cmpuint (fixture->api_calls, ==, 0);
    }
}

/* Plain http:// to this computer is how tests and local development servers run. */
static void
test_oauth2_loopback_http_token_url (Fixture       *fixture,
                                     gconstpointer  data)
{
  const char *hosts[] = { "127.0.0.1", "localhost" };

  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    {
      g_autoptr(GUri) token_uri = NULL;
      g_autoptr(ConduitCredential) credential = NULL;
      g_autofree char *token_url = NULL;
      g_autofree char *id = g_strdup_printf ("loopback-%u", i);

      token_uri = g_uri_build (G_URI_FLAGS_NONE, "http", NULL, hosts[i],
                               g_uri_get_port (fixture->base), "/token", NULL, NULL);
      token_url = g_uri_to_string (token_uri);
      credential = oauth2_credential_at (id, token_url, fixture->client_id,
                                         fixture->client_secret);
      g_assert_cmpuint (get (fixture, credential, "/api"), ==, SOUP_STATUS_OK);
      g_assert_cmpuint (fixture->token_fetches, ==, i + 1);
    }
}

static gboolean
on_tls_incoming (GSocketService    *service,
                 GSocketConnection *connection,
                 GObject           *source,
                 gpointer           user_data)
{
  guint *connections = user_data;

  (*connections)++;
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

/* https:// is let through: the authorizer connects to the token endpoint (a loopback listener
 * that hangs up, so the TLS handshake fails at once) instead of refusing it as unsafe. */
static void
test_oauth2_https_token_url (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GSocketService) service = g_socket_service_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  guint connections = 0;

  g_socket_listener_add_address (G_SOCKET_LISTENER (service), any_port, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "incoming", G_CALLBACK (on_tls_incoming), &connections);

  token_url = g_strdup_printf ("https://127.0.0.1:%u/token",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  credential = oauth2_credential_at ("secure", token_url, fixture->client_id,
                                     fixture->client_secret);
  g_assert_true (conduit_credential_check (credential, NULL));

  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
  expected = g_strdup_printf ("could not reach the token endpoint %s for credential “secure”: ",
                              token_url);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_assert_cmpuint (connections, >=, 1);
  g_assert_cmpuint (fixture->api_calls, ==, 0);

  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
}

/* Which token URLs count as this computer; only the host decides, however the URL is spelled. */
static void
test_oauth2_token_url_hosts (void)
{
  const struct
  {
    const char *url;
    gboolean    safe;
  } cases[] = {
    { "https://id.example.com/token", TRUE },
    { "HTTPS://id.example.com/token", TRUE },
    { "http://127.0.0.1:8080/token", TRUE },
    { "http://127.4.5.6/token", TRUE },
    { "http://localhost/token", TRUE },
    { "http://LocalHost:3000/token", TRUE },
    { "http://[::1]:8080/token", TRUE },
    { "http://example.com/token", FALSE },
    { "HTTP://example.com/token", FALSE },
    { "http://192.168.1.20/token", FALSE },
    { "http://[::2]/token", FALSE },
    { "http://localhost.example.com/token", FALSE },
    { "http://127.0.0.1.example.com/token", FALSE },
    { "http://127.0.0.1@example.com/token", FALSE },
    { "http://localhost:80@example.com/token", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GError) error = NULL;

      credential = oauth2_credential_at ("hosts", cases[i].url, "c", "s");
      g_test_message ("%s", cases[i].url);
      g_assert_cmpint (conduit_credential_check (credential, &error), ==, cases[i].safe);
      if (cases[i].safe)
        {
          g_assert_no_error (error);
        }
      else
        {
          g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, cases[i].url));
          g_assert_nonnull (strstr (error->message, "must start with https://"));
        }
      /* complete either way: a stored one still loads so that it can be corrected */
      g_assert_true (conduit_credential_check_complete (credential, NULL));
    }
}

static void
test_incomplete_credential (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = conduit_credential_new ("empty", CONDUIT_CREDENTIAL_KIND_BEARER);
  g_autofree char *url = fixture_url (fixture, "/check");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (send (fixture, credential, msg, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "credential “empty” (Bearer token) has no “Token”"));
  g_assert_cmpuint (fixture->checks, ==, 0);
}

static ConduitCredential *
lookup_in (ConduitCredentialStore *store,
           const char             *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential;

  conduit_credential_store_lookup_async (store, id, NULL, test_keyring_on_done, &result);
  credential = conduit_credential_store_lookup_finish (store, test_keyring_wait (&result), &error);
  g_assert_no_error (error);
  return credential;
}

static void
test_rejection_marks_attention (Fixture       *fixture,
                                gconstpointer  data)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) stored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  credential = credential_from_json ("t-auth-attention", "{\"kind\": \"bearer\","
                                     " \"secret\": \"attention-token-9\"}");
  conduit_credential_store_save_async (store, credential, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, test_keyring_wait (&result), &error));
  g_assert_no_error (error);
  conduit_authorizer_set_store (fixture->authorizer, store);

  /* the server refuses it and quotes it back: marked, with the answer, secret redacted */
  stored = lookup_in (store, "t-auth-attention");
  g_assert_cmpuint (get (fixture, stored, "/echo"), ==, SOUP_STATUS_UNAUTHORIZED);
  g_clear_object (&stored);
  stored = lookup_in (store, "t-auth-attention");
  g_assert_nonnull (conduit_credential_get_attention (stored));
  g_test_message ("attention: %s", conduit_credential_get_attention (stored));
  g_assert_true (g_str_has_prefix (conduit_credential_get_attention (stored),
                                   "HTTP 401 Unauthorized: you sent /echo?;"));
  g_assert_nonnull (strstr (conduit_credential_get_attention (stored), "Bearer ••••"));
  g_assert_null (strstr (conduit_credential_get_attention (stored), "attention-token-9"));

  /* the next success clears it */
  fixture->expect_header = "Authorization";
  fixture->expect_value = "Bearer attention-token-9";
  g_assert_cmpuint (get (fixture, stored, "/check"), ==, SOUP_STATUS_OK);
  g_clear_object (&stored);
  stored = lookup_in (store, "t-auth-attention");
  g_assert_null (conduit_credential_get_attention (stored));

  g_clear_object (&result);
  conduit_credential_store_delete_async (store, "t-auth-attention", NULL, test_keyring_on_done,
                                         &result);
  g_assert_true (conduit_credential_store_delete_finish (store, test_keyring_wait (&result),
                                                         &error));
  g_assert_no_error (error);
}

static guint
get_by_id (Fixture     *fixture,
           const char  *credential_id,
           GError     **error)
{
  g_autofree char *url = fixture_url (fixture, "/check");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(ConduitCredential) used = NULL;
  g_autoptr(GAsyncResult) authorized = NULL;
  g_autoptr(GAsyncResult) sent = NULL;
  g_autoptr(GBytes) body = NULL;

  conduit_authorizer_authorize_id_async (fixture->authorizer, credential_id, msg, NULL,
                                         test_keyring_on_done, &authorized);
  used = conduit_authorizer_authorize_id_finish (fixture->authorizer,
                                                 test_keyring_wait (&authorized), error);
  if (used == NULL)
    return 0;
  g_assert_cmpstr (conduit_credential_get_id (used), ==, credential_id);

  soup_session_send_and_read_async (fixture->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    test_keyring_on_done, &sent);
  body = soup_session_send_and_read_finish (fixture->session, test_keyring_wait (&sent), error);
  return body ? soup_message_get_status (msg) : 0;
}

static void
save_in (ConduitCredentialStore *store,
         const char             *id,
         const char             *json)
{
  g_autoptr(ConduitCredential) credential = credential_from_json (id, json);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  conduit_credential_store_save_async (store, credential, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, test_keyring_wait (&result), &error));
  g_assert_no_error (error);
}

static void
delete_in (ConduitCredentialStore *store,
           const char             *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  conduit_credential_store_delete_async (store, id, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_delete_finish (store, test_keyring_wait (&result),
                                                         &error));
  g_assert_no_error (error);
}

static void
test_authorize_by_id (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitCredentialStore) store = conduit_credential_store_new (NULL);
  g_autoptr(ConduitCredentialStore) elsewhere = conduit_credential_store_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  conduit_authorizer_set_store (fixture->authorizer, store);
  save_in (store, "t-auth-by-id", "{\"kind\": \"bearer\", \"secret\": \"by-id-token-1\"}");
  fixture->expect_header = "Authorization";
  fixture->expect_value = "Bearer by-id-token-1";
  g_assert_cmpuint (get_by_id (fixture, "t-auth-by-id", &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);

  /* kept for the next request: removed behind its back, it still works from memory */
  delete_in (elsewhere, "t-auth-by-id");
  g_assert_cmpuint (get_by_id (fixture, "t-auth-by-id", &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);

  /* saved anew through its store: the new secret is used at once */
  save_in (store, "t-auth-by-id", "{\"kind\": \"bearer\", \"secret\": \"by-id-token-2\"}");
  fixture->expect_value = "Bearer by-id-token-2";
  g_assert_cmpuint (get_by_id (fixture, "t-auth-by-id", &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);

  /* deleted through it: the node fails with the message people see */
  delete_in (store, "t-auth-by-id");
  g_assert_cmpuint (get_by_id (fixture, "t-auth-by-id", &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "credential “t-auth-by-id” is not in your keyring");
  g_assert_cmpuint (fixture->checks, ==, 3);
}

static const char * const escape_secrets[] = {
  "esc-header-key-1", "esc query/key=2", "esc-bearer-3", "esc-basic-pass-4",
  "esc-client-secret-5", "esc-hmac-secret-6",
};

/* Runs every kind against a server that quotes requests back, and logs what a careless runner
 * would: answers, errors, the request headers as the history keeps them. */
static void
run_escape_attempts (Fixture *fixture)
{
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autofree char *oauth2 = NULL;
  g_autofree char *refused = NULL;
  const char *jsons[] = {
    "{\"kind\": \"api-key\", \"secret\": \"esc-header-key-1\"}",
    "{\"kind\": \"api-key\", \"fields\": {\"in\": \"query\"}, \"secret\": \"esc query/key=2\"}",
    "{\"kind\": \"bearer\", \"secret\": \"esc-bearer-3\"}",
    "{\"kind\": \"basic\", \"fields\": {\"username\": \"ops\"}, \"secret\": \"esc-basic-pass-4\"}",
    NULL,
    NULL,
    "{\"kind\": \"hmac\", \"secret\": \"esc-hmac-secret-6\"}",
  };

  /* the endpoint hands out access-N tokens; one client is right, one is refused */
  fixture->client_secret = "esc-client-secret-5";
  oauth2 = g_strdup_printf ("{\"kind\": \"oauth2-client-credentials\", \"fields\": {\"token_url\":"
                            " \"%s\", \"client_id\": \"conduit-client\"}, \"secret\":"
                            " \"esc-client-secret-5\"}", token_url);
  refused = g_strdup_printf ("{\"kind\": \"oauth2-client-credentials\", \"fields\": {\"token_url\":"
                             " \"%s\", \"client_id\": \"esc-client-secret-5\"}, \"secret\":"
                             " \"wrong\"}", token_url);
  jsons[4] = oauth2;
  jsons[5] = refused;

  for (guint i = 0; i < G_N_ELEMENTS (jsons); i++)
    {
      g_autoptr(ConduitCredential) credential = credential_from_json ("escape", jsons[i]);
      g_autofree char *url = fixture_url (fixture, "/echo?page=1");
      g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
      g_autoptr(GBytes) body = g_bytes_new_static ("{\"a\":1}", 7);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) answer = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) headers = NULL;
      g_autofree char *headers_text = NULL;
      g_autofree char *uri = NULL;

      conduit_authorizer_set_request_body (msg, "application/json", body);
      conduit_authorizer_send_and_read_async (fixture->authorizer, credential, msg,
                                              G_PRIORITY_DEFAULT, NULL, test_keyring_on_done,
                                              &result);
      answer = conduit_authorizer_send_and_read_finish (fixture->authorizer,
                                                        test_keyring_wait (&result), &error);
      headers = conduit_redactor_redact_headers (conduit_redactor_get_default (),
                                                 soup_message_get_request_headers (msg));
      headers_text = json_to_string (headers, FALSE);
      uri = g_uri_to_string (soup_message_get_uri (msg));

      if (answer != NULL)
        g_message ("%s → HTTP %u: %.*s", uri, soup_message_get_status (msg),
                   (int)g_bytes_get_size (answer), (const char *)g_bytes_get_data (answer, NULL));
      else
        g_message ("%s failed: %s", uri, error->message);
      g_message ("request headers: %s", headers_text);
      g_debug ("authorization was %s",
               soup_message_headers_get_one (soup_message_get_request_headers (msg),
                                             "Authorization"));
    }
}

static void
test_no_secret_escapes (Fixture       *fixture,
                        gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
      conduit_redactor_install_log_writer (conduit_redactor_get_default ());
      run_escape_attempts (fixture);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();

  /* the requests did carry the secrets and the server did quote them: only as •••• */
  g_test_trap_assert_stderr ("*you sent /echo?page=1&api_key=••••;*");
  g_test_trap_assert_stderr ("*Authorization: Basic ••••;*");
  g_test_trap_assert_stderr ("*\"Authorization\":\"••••\"*");
  g_test_trap_assert_stderr ("*X-Signature: sha256=*");
  g_test_trap_assert_stderr ("*refused credential “escape”: HTTP 401*");
  g_test_trap_assert_stdout ("*Fetched an access token*");
  g_test_trap_assert_stdout ("*authorization was Bearer ••••*");

  for (guint i = 0; i < G_N_ELEMENTS (escape_secrets); i++)
    {
      g_autofree char *pattern = g_strdup_printf ("*%s*", escape_secrets[i]);
      g_autofree char *escaped = g_uri_escape_string (escape_secrets[i], NULL, FALSE);
      g_autofree char *escaped_pattern = g_strdup_printf ("*%s*", escaped);

      g_test_trap_assert_stderr_unmatched (pattern);
      g_test_trap_assert_stdout_unmatched (pattern);
      g_test_trap_assert_stderr_unmatched (escaped_pattern);
    }

  /* the access tokens the endpoint handed out, and the Basic form of the password */
  g_test_trap_assert_stderr_unmatched ("*access-1*");
  g_test_trap_assert_stdout_unmatched ("*access-1*");
  g_test_trap_assert_stderr_unmatched ("*b3BzOmVzYy1iYXNpYy1wYXNzLTQ=*");
}

int
main (int   argc,
      char *argv[])
{
  /* the log writer converts to the locale's charset; •••• needs UTF-8 */
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/conduit/authorizer/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("api-key/header", test_api_key_header);
  ADD ("api-key/query", test_api_key_query);
  ADD ("bearer", test_bearer);
  ADD ("basic", test_basic);
  ADD ("hmac", test_hmac);
  ADD ("oauth2/refresh-before-expiry", test_oauth2_refresh_before_expiry);
  ADD ("oauth2/refresh-once-on-401", test_oauth2_refresh_once_on_401);
  ADD ("oauth2/shared-fetch", test_oauth2_shared_fetch);
  ADD ("oauth2/refused", test_oauth2_refused);
  ADD ("oauth2/bad-token-url", test_oauth2_bad_token_url);
  ADD ("oauth2/http-token-url-refused", test_oauth2_http_token_url_refused);
  ADD ("oauth2/loopback-http-token-url", test_oauth2_loopback_http_token_url);
  ADD ("oauth2/https-token-url", test_oauth2_https_token_url);
  ADD ("oauth2/token-redirect-not-followed", test_oauth2_token_redirect_not_followed);
  ADD ("incomplete", test_incomplete_credential);
  ADD ("no-secret-escapes", test_no_secret_escapes);
  ADD ("rejection-marks-attention", test_rejection_marks_attention);
  ADD ("by-id", test_authorize_by_id);

#undef ADD

  g_test_add_func ("/conduit/authorizer/oauth2/token-url-hosts", test_oauth2_token_url_hosts);
  g_test_add ("/conduit/authorizer/oauth2/blank-token-answer", Fixture, NULL, fixture_set_up,
              test_oauth2_blank_token_answer, fixture_tear_down);

  return g_test_run ();
}
