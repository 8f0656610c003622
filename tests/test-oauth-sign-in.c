/* test-oauth-sign-in.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE

#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>

#include "conduit.h"
#include "oauth-test-server.h"
#include "runner-test-util.h"
#include "test-keyring.h"

/* Browser sign-in (oauth2-authorization-code) against a local authorization server the test
 * runs: its authorize endpoint sends the "browser" back to Conduit's loopback listener with a
 * code, its token endpoint checks the PKCE verifier, the redirect URI and the client, rotates
 * refresh tokens and can revoke them. The test plays the browser by following the redirect. */

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

#define CLIENT_ID "conduit-desktop"
#define CLIENT_SECRET "desktop-secret-77"

typedef struct
{
  OAuthTestServer *auth;
  SoupSession     *session;    /* the authorizer's */
  SoupSession     *browser;    /* follows redirects, like a browser */
  gint64           now;        /* µs, the authorizers' clock */
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  Fixture *fixture = user_data;

  return fixture->now;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->auth = oauth_test_server_new (CLIENT_ID, CLIENT_SECRET);
  fixture->session = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->session, NULL);
  fixture->browser = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->browser, NULL);
  fixture->now = 1000 * G_USEC_PER_SEC;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  soup_session_abort (fixture->session);
  soup_session_abort (fixture->browser);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->browser);
  g_clear_pointer (&fixture->auth, oauth_test_server_free);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
fixture_url (Fixture    *fixture,
             const char *path)
{
  return oauth_test_server_url (fixture->auth, path);
}

static ConduitCredential *
new_credential (Fixture    *fixture,
                const char *id)
{
  ConduitCredential *credential = conduit_credential_new (id,
                                                          CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autofree char *authorize_url = fixture_url (fixture, "/authorize");
  g_autofree char *token_url = fixture_url (fixture, "/token");
  g_autoptr(GError) error = NULL;

  conduit_credential_set_field (credential, "authorize_url", authorize_url, &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "token_url", token_url, &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "client_id", CLIENT_ID, &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "scopes", "sheets mail.send", &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "extra_params", "access_type=offline&prompt=consent",
                                &error);
  g_assert_no_error (error);
  conduit_credential_set_secret (credential, "client_secret", CLIENT_SECRET, &error);
  g_assert_no_error (error);

  return credential;
}

/* Plays the browser: opens the sign-in address and follows the redirect to the listener. */
typedef struct
{
  SoupMessage *msg;
  GBytes      *page;
  gboolean     done;
} BrowserVisit;

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  BrowserVisit *visit = user_data;

  visit->page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  visit->done = TRUE;
}

static ConduitCredential *
sign_in_with (Fixture             *fixture,
              ConduitOAuthSignIn  *sign_in,
              guint               *page_status,
              GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  BrowserVisit visit = { 0 };
  ConduitCredential *signed_in;

  visit.msg = soup_message_new (SOUP_METHOD_GET, conduit_oauth_sign_in_get_uri (sign_in));
  g_assert_nonnull (visit.msg);
  soup_session_send_and_read_async (fixture->browser, visit.msg, G_PRIORITY_DEFAULT, NULL,
                                    on_page, &visit);
  conduit_oauth_sign_in_wait_async (sign_in, NULL, test_keyring_on_done, &result);
  signed_in = conduit_oauth_sign_in_wait_finish (sign_in, test_keyring_wait (&result), error);
  while (!visit.done)
    g_main_context_iteration (NULL, TRUE);

  if (page_status != NULL)
    *page_status = soup_message_get_status (visit.msg);
  /* the page sends the person back to Conduit */
  g_assert_nonnull (visit.page);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (visit.page, NULL), g_bytes_get_size (visit.page),
                                  "Conduit"));
  g_clear_pointer (&visit.page, g_bytes_unref);
  g_clear_object (&visit.msg);

  return signed_in;
}

static ConduitCredential *
sign_in (Fixture            *fixture,
         ConduitCredential  *credential,
         guint              *page_status,
         GError            **error)
{
  g_autoptr(ConduitOAuthSignIn) sign_in = conduit_oauth_sign_in_new (fixture->session, credential);

  g_assert_true (conduit_oauth_sign_in_start (sign_in, error));
  return sign_in_with (fixture, sign_in, page_status, error);
}

/* Sends a request to /api through @authorizer; returns the HTTP status, 0 on an error. */
static guint
call_api (Fixture            *fixture,
          ConduitAuthorizer  *authorizer,
          ConduitCredential  *credential,
          GError            **error)
{
  g_autofree char *url = fixture_url (fixture, "/api");
  g_autoptr(SoupMessage) msg = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  conduit_authorizer_send_and_read_async (authorizer, credential, msg, G_PRIORITY_DEFAULT, NULL,
                                          test_keyring_on_done, &result);
  body = conduit_authorizer_send_and_read_finish (authorizer, test_keyring_wait (&result), error);
  return body ? soup_message_get_status (msg) : 0;
}

static ConduitAuthorizer *
new_authorizer (Fixture *fixture)
{
  ConduitAuthorizer *authorizer = conduit_authorizer_new (fixture->session);

  conduit_authorizer_set_clock (authorizer, fixture_clock, fixture);
  return authorizer;
}

static void
test_happy_path (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-happy");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *redacted = NULL;
  guint status = 0;

  g_assert_false (conduit_credential_is_signed_in (credential));

  signed_in = sign_in (fixture, credential, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  /* the scopes and the descriptor's extra parameters reached the authorize endpoint */
  g_assert_cmpstr (g_hash_table_lookup (fixture->auth->last_authorize, "scope"), ==,
                   "sheets mail.send");
  g_assert_cmpstr (g_hash_table_lookup (fixture->auth->last_authorize, "access_type"), ==,
                   "offline");
  g_assert_cmpstr (g_hash_table_lookup (fixture->auth->last_authorize, "prompt"), ==, "consent");
  g_assert_true (conduit_credential_is_signed_in (signed_in));
  g_assert_cmpstr (conduit_credential_get_secret (signed_in, "access_token"), ==, "access-token-1");
  g_assert_cmpstr (conduit_credential_get_secret (signed_in, "refresh_token"), ==, "refresh-token-1");
  g_assert_nonnull (conduit_credential_get_secret (signed_in, "expires_at"));
  /* the code was used once, with the right verifier and redirect */
  g_assert_cmpuint (g_hash_table_size (fixture->auth->codes), ==, 0);

  /* the tokens work on an API, without a refresh */
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 0);

  /* and never reach a log */
  redacted = conduit_redactor_redact (conduit_redactor_get_default (),
                                      "access-token-1 refresh-token-1 code-1");
  g_assert_null (strstr (redacted, "token-1"));
  /* the code the browser brought back, too */
  g_assert_null (strstr (redacted, "code-1"));
}

static void
test_listener_closes (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-closes");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitOAuthSignIn) sign_in = conduit_oauth_sign_in_new (fixture->session, credential);
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(GBytes) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *redirect = NULL;

  g_assert_true (conduit_oauth_sign_in_start (sign_in, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (conduit_oauth_sign_in_get_redirect_uri (sign_in),
                                   "http://127.0.0.1:"));
  g_assert_nonnull (strstr (conduit_oauth_sign_in_get_uri (sign_in), "/authorize?"));
  g_assert_nonnull (strstr (conduit_oauth_sign_in_get_uri (sign_in), "code_challenge_method=S256"));

  signed_in = sign_in_with (fixture, sign_in, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signed_in);

  /* one answer only: the listener is gone once its page went out */
  redirect = g_strdup (conduit_oauth_sign_in_get_redirect_uri (sign_in));
  for (guint i = 0; i < 100; i++)
    g_main_context_iteration (NULL, FALSE);
  again = soup_message_new (SOUP_METHOD_GET, redirect);
  page = soup_session_send_and_read (fixture->browser, again, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_wrong_state (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-state");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  fixture->auth->wrong_state = TRUE;
  signed_in = sign_in (fixture, credential, &status, &error);
  g_assert_null (signed_in);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "“t-oauth-state”"));
  g_assert_nonnull (strstr (error->message, "state"));
  g_assert_cmpuint (status, ==, SOUP_STATUS_BAD_REQUEST);
  /* the forged answer's code was never traded */
  g_assert_cmpuint (g_hash_table_size (fixture->auth->codes), ==, 1);
  g_assert_cmpuint (fixture->auth->issued, ==, 0);
}

static void
test_denied (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-denied");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(GError) error = NULL;

  fixture->auth->deny = TRUE;
  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_null (signed_in);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_REJECTED);
  g_assert_nonnull (strstr (error->message, "declined"));
  g_assert_nonnull (strstr (error->message, "The user said no"));
  g_assert_cmpuint (fixture->auth->issued, ==, 0);
}

static void
test_timeout (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-timeout");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitOAuthSignIn) sign_in = conduit_oauth_sign_in_new (fixture->session, credential);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupMessage) late = NULL;
  g_autoptr(GBytes) page = NULL;
  g_autoptr(GError) error = NULL;

  conduit_oauth_sign_in_set_timeout (sign_in, 1);
  g_assert_true (conduit_oauth_sign_in_start (sign_in, &error));

  /* nobody opens the address */
  conduit_oauth_sign_in_wait_async (sign_in, NULL, test_keyring_on_done, &result);
  signed_in = conduit_oauth_sign_in_wait_finish (sign_in, test_keyring_wait (&result), &error);
  g_assert_null (signed_in);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "1 second"));
  g_clear_error (&error);

  /* and the listener closed with it */
  late = soup_message_new (SOUP_METHOD_GET, conduit_oauth_sign_in_get_redirect_uri (sign_in));
  page = soup_session_send_and_read (fixture->browser, late, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-cancel");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitOAuthSignIn) sign_in = conduit_oauth_sign_in_new (fixture->session, credential);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SoupMessage) late = NULL;
  g_autoptr(GBytes) page = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_oauth_sign_in_start (sign_in, &error));
  conduit_oauth_sign_in_wait_async (sign_in, cancellable, test_keyring_on_done, &result);
  /* the person closes the dialog */
  g_cancellable_cancel (cancellable);
  signed_in = conduit_oauth_sign_in_wait_finish (sign_in, test_keyring_wait (&result), &error);
  g_assert_null (signed_in);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  late = soup_message_new (SOUP_METHOD_GET, conduit_oauth_sign_in_get_redirect_uri (sign_in));
  page = soup_session_send_and_read (fixture->browser, late, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_port_in_use (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-port");
  g_autoptr(ConduitOAuthSignIn) first = conduit_oauth_sign_in_new (fixture->session, credential);
  g_autoptr(ConduitOAuthSignIn) second = conduit_oauth_sign_in_new (fixture->session, credential);
  g_autoptr(GUri) redirect = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_oauth_sign_in_start (first, &error));
  g_assert_no_error (error);
  redirect = g_uri_parse (conduit_oauth_sign_in_get_redirect_uri (first), G_URI_FLAGS_NONE, NULL);

  conduit_oauth_sign_in_set_port (second, g_uri_get_port (redirect));
  g_assert_false (conduit_oauth_sign_in_start (second, &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1 port"));
  g_assert_nonnull (strstr (error->message, "“t-oauth-port”"));
  g_assert_null (conduit_oauth_sign_in_get_uri (second));
}

static void
test_refresh_before_expiry (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-refresh");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 0);

  /* more than a minute left: the same token */
  fixture->now += (gint64)(3600 - 70) * G_USEC_PER_SEC;
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 0);

  /* within the last minute: renewed before it dies */
  fixture->now += (gint64)20 * G_USEC_PER_SEC;
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  /* the caller's credential holds the rotated tokens */
  g_assert_cmpstr (conduit_credential_get_secret (signed_in, "access_token"), ==, "access-token-2");
  g_assert_cmpstr (conduit_credential_get_secret (signed_in, "refresh_token"), ==, "refresh-token-2");
}

/* After a restart the token comes from the keyring with its wall-clock expiry: it is still
 * renewed about a minute before that. */
static void
test_refresh_after_restart (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-restart");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;
  g_autofree char *expires_at = NULL;

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);
  /* as kept an hour ago: 90 seconds left */
  expires_at = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC + 90);
  conduit_credential_set_secret (signed_in, "expires_at", expires_at, NULL);

  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  fixture->now += (gint64)25 * G_USEC_PER_SEC;
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 0);

  /* 55 seconds left: renewed */
  fixture->now += (gint64)10 * G_USEC_PER_SEC;
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
}

static void
test_revoked_token_refused_once (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-401");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);

  /* the API forgets the access token early: one refresh, one resend */
  g_hash_table_remove_all (fixture->auth->access_tokens);
  g_assert_cmpuint (call_api (fixture, authorizer, signed_in, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  g_assert_cmpuint (fixture->auth->api_calls, ==, 2);
}

static void
save (ConduitCredential *credential)
{
  test_keyring_save (credential);
}

static void
forget (const char *id)
{
  test_keyring_delete (id);
}

static ConduitCredential *
lookup (const char *id)
{
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential = test_keyring_lookup (id, &error);

  g_assert_no_error (error);
  return credential;
}

typedef struct
{
  SoupMessage *msg;
  GError      *error;
  gboolean     done;
} Authorization;

static void
on_authorized (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Authorization *authorization = user_data;

  conduit_authorizer_authorize_finish (CONDUIT_AUTHORIZER (source), result, &authorization->error);
  authorization->done = TRUE;
}

static void
test_concurrent_runs_refresh_once (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-concurrent");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitCredential) run_a = NULL;
  g_autoptr(ConduitCredential) run_b = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(ConduitAuthorizer) authorizer_a = new_authorizer (fixture);
  g_autoptr(ConduitAuthorizer) authorizer_b = new_authorizer (fixture);
  g_autofree char *url = fixture_url (fixture, "/api");
  Authorization a = { 0 }, b = { 0 };
  g_autoptr(GError) error = NULL;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);
  save (signed_in);

  /* two runs, each with its own authorizer and its own copy from the keyring */
  run_a = lookup ("t-oauth-concurrent");
  run_b = lookup ("t-oauth-concurrent");
  g_assert_cmpstr (conduit_credential_get_secret (run_a, "refresh_token"), ==, "refresh-token-1");

  /* both runs use the token while it is fresh, then see it about to expire at one moment */
  g_assert_cmpuint (call_api (fixture, authorizer_a, run_a, &error), ==, SOUP_STATUS_OK);
  g_assert_cmpuint (call_api (fixture, authorizer_b, run_b, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);
  fixture->now += (gint64)(3600 - 30) * G_USEC_PER_SEC;
  a.msg = soup_message_new (SOUP_METHOD_GET, url);
  b.msg = soup_message_new (SOUP_METHOD_GET, url);
  conduit_authorizer_authorize_async (authorizer_a, run_a, a.msg, NULL, on_authorized, &a);
  conduit_authorizer_authorize_async (authorizer_b, run_b, b.msg, NULL, on_authorized, &b);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (a.error);
  g_assert_no_error (b.error);

  /* one refresh: the second run found the first one's token under the lock */
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (a.msg),
                                                 "Authorization"), ==, "Bearer access-token-2");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_request_headers (b.msg),
                                                 "Authorization"), ==, "Bearer access-token-2");

  /* the rotated refresh token is in the keyring: the old one is dead on the server */
  kept = lookup ("t-oauth-concurrent");
  g_assert_cmpstr (conduit_credential_get_secret (kept, "refresh_token"), ==, "refresh-token-2");
  g_assert_cmpstr (conduit_credential_get_secret (kept, "access_token"), ==, "access-token-2");
  g_assert_false (g_hash_table_contains (fixture->auth->refresh_tokens, "refresh-token-1"));
  forget ("t-oauth-concurrent");

  g_clear_object (&a.msg);
  g_clear_object (&b.msg);
}

static void
test_revoked_needs_sign_in (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-revoked");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitCredential) run = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(ConduitCredential) again = NULL;
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);
  save (signed_in);
  run = lookup ("t-oauth-revoked");

  g_assert_cmpuint (call_api (fixture, authorizer, run, &error), ==, SOUP_STATUS_OK);
  g_assert_no_error (error);

  /* the person revoked Conduit's access at the service */
  fixture->auth->revoked = TRUE;
  fixture->now += (gint64)3600 * G_USEC_PER_SEC;
  g_assert_cmpuint (call_api (fixture, authorizer, run, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN);
  g_assert_cmpstr (conduit_credential_error_kind (error), ==, "credential-needs-sign-in");
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_assert_nonnull (strstr (error->message, "invalid_grant"));
  g_assert_null (strstr (error->message, "refresh-token-1"));
  g_clear_error (&error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);

  /* kept: the keyring says so, the dead tokens are gone, the server's answer is there */
  kept = lookup ("t-oauth-revoked");
  g_assert_true (conduit_credential_get_needs_sign_in (kept));
  g_assert_false (conduit_credential_is_signed_in (kept));
  g_assert_null (conduit_credential_get_secret (kept, "refresh_token"));
  g_assert_cmpstr (conduit_credential_get_secret (kept, "client_secret"), ==, CLIENT_SECRET);
  g_assert_nonnull (strstr (conduit_credential_get_attention (kept), "invalid_grant"));

  /* the next run fails at once, without asking the server again */
  g_assert_cmpuint (call_api (fixture, authorizer, kept, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN);
  g_clear_error (&error);
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);

  /* signing in again clears the mark */
  fixture->auth->revoked = FALSE;
  again = sign_in (fixture, kept, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (conduit_credential_get_needs_sign_in (again));
  g_assert_null (conduit_credential_get_attention (again));
  save (again);
  g_clear_object (&kept);
  kept = lookup ("t-oauth-revoked");
  g_assert_false (conduit_credential_get_needs_sign_in (kept));
  g_assert_true (conduit_credential_is_signed_in (kept));
  forget ("t-oauth-revoked");
}

static char *
serve_event_body (guint    index,
                  gpointer user_data)
{
  return g_strdup ("{\"row\": 1}");
}

static gboolean
serve_event_answered (guint     index,
                      guint     status,
                      GBytes   *body,
                      gpointer  user_data)
{
  *(guint *)user_data = status;
  return TRUE;
}

static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  char *out = NULL;
  char *err = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &out, &err, NULL);
  g_object_set_data_full (object, "out", out, g_free);
  g_object_set_data_full (object, "err", err, g_free);
  *(gboolean *)user_data = TRUE;
}

static void
on_serve_exited (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (object), result, NULL);
  *(gboolean *)user_data = TRUE;
}

/* A revoked sign-in, end to end: `conduit-cli serve` runs a flow whose HTTP step uses the
 * credential; the refresh is refused, the run fails with the kind "credential-needs-sign-in"
 * in the history, the keyring marks the credential, and nothing opened a browser. */
static void
test_serve_revoked (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-serve");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *flow_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  ConduitHistoryQuery query = { .status = -1, .limit = 10 };
  ConduitRunRecord *run;
  gboolean exited = FALSE;
  gboolean found = FALSE;
  guint status = 0;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);
  /* its access token has expired, and the person revoked the sign-in meanwhile */
  conduit_credential_set_secret (signed_in, "expires_at", "1000", NULL);
  save (signed_in);
  fixture->auth->revoked = TRUE;

  dir = g_dir_make_tmp ("conduit-oauth-serve-XXXXXX", &error);
  g_assert_no_error (error);
  flow_path = g_build_filename (dir, "sheet.conduit", NULL);
  db_path = g_build_filename (dir, "history.db", NULL);
  api_url = fixture_url (fixture, "/api");
  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Append rows\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/rows\", \"port\": 0 } },"
    "  { \"id\": \"append\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1,"
    "                    \"credential\": \"t-oauth-serve\" } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"append\","
    " \"to_port\": \"in\" } ] }", api_url);
  g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

  serve = runner_test_start_serve (NULL, flow_path, db_path, NULL, &url);
  runner_test_post_events (url, 1, 1, serve_event_body, serve_event_answered, &status);
  g_assert_cmpuint (status, ==, 202);

  /* stopping finishes the accepted run; the test's servers keep answering meanwhile */
  g_subprocess_send_signal (serve, SIGTERM);
  g_subprocess_wait_async (serve, NULL, on_serve_exited, &exited);
  while (!exited)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);

  /* one refresh was tried and refused; the API never saw a request */
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  g_assert_cmpuint (fixture->auth->api_calls, ==, 0);

  history = conduit_history_store_new (db_path, &error);
  g_assert_no_error (error);
  runs = conduit_history_store_list_runs (history, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_cmpint (run->status, ==, CONDUIT_RUN_STATUS_FAILED);
  steps = conduit_history_store_list_steps (history, run->id, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      g_test_message ("step %s %s: %s: %s", step->node_id, step->status, step->error_kind,
                      step->error_message);
      if (g_strcmp0 (step->error_kind, "credential-needs-sign-in") != 0)
        continue;
      found = TRUE;
      g_assert_cmpstr (step->node_id, ==, "append");
      g_assert_nonnull (strstr (step->error_message, "sign in again"));
      g_assert_null (strstr (step->error_message, "refresh-token-1"));
    }
  g_assert_true (found);
  conduit_history_store_close (history);

  kept = lookup ("t-oauth-serve");
  g_assert_true (conduit_credential_get_needs_sign_in (kept));

  /* serve --check, before a deployment, says so too */
  {
    const char *argv[] = { g_getenv ("CONDUIT_CLI"), "serve", "--check", flow_path, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int wait_status = 0;

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                  &wait_status, &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_nonnull (strstr (out ? out : "", "conduit-cli credential sign-in t-oauth-serve") ?
                      out : strstr (err, "conduit-cli credential sign-in t-oauth-serve"));
  }

  forget ("t-oauth-serve");
  g_unlink (flow_path);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* Two processes (the app and serve, two `conduit-cli run`s) renewing the same sign-in at the
 * same moment: the lock file lets one of them renew and the other find its token, so the
 * rotated refresh token is used once. */
static void
test_processes_refresh_once (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-processes");
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(ConduitCredential) kept = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *flow_path = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *flow = NULL;
  GSubprocess *runs[2] = { NULL, NULL };
  gboolean exited[2] = { FALSE, FALSE };
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  signed_in = sign_in (fixture, credential, NULL, &error);
  g_assert_no_error (error);
  conduit_credential_set_secret (signed_in, "expires_at", "1000", NULL);
  save (signed_in);
  /* the token endpoint takes its time: both processes are waiting for a token at once */
  fixture->auth->token_delay_ms = 400;

  dir = g_dir_make_tmp ("conduit-oauth-processes-XXXXXX", &error);
  g_assert_no_error (error);
  flow_path = g_build_filename (dir, "append.conduit", NULL);
  api_url = fixture_url (fixture, "/api");
  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Append\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"row\": 1 } ] } },"
    "  { \"id\": \"append\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1,"
    "                    \"credential\": \"t-oauth-processes\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"append\","
    " \"to_port\": \"in\" } ] }", api_url);
  g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_autofree char *db_path = g_strdup_printf ("%s/history-%u.db", dir, i);

      g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
      g_subprocess_launcher_unsetenv (launcher, "http_proxy");
      runs[i] = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                             flow_path, "--history", db_path, NULL);
      g_assert_no_error (error);
      g_subprocess_wait_async (runs[i], NULL, on_serve_exited, &exited[i]);
    }
  /* bounded by the runs themselves (one attempt each, the session's timeout) */
  while (!exited[0] || !exited[1])
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_assert_true (g_subprocess_get_if_exited (runs[i]));
      g_assert_cmpint (g_subprocess_get_exit_status (runs[i]), ==, 0);
      g_clear_object (&runs[i]);
    }

  /* one renewal, and both runs reached the API with its token */
  g_assert_cmpuint (fixture->auth->refreshes, ==, 1);
  g_assert_cmpuint (fixture->auth->api_calls, ==, 2);
  kept = lookup ("t-oauth-processes");
  g_assert_cmpstr (conduit_credential_get_secret (kept, "refresh_token"), ==, "refresh-token-2");
  forget ("t-oauth-processes");

  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (dir);
}

/* Writes the app's descriptor, pointed at the test's server, as a user descriptor under
 * @data_dir (ids end in "-local": a user descriptor cannot replace a built-in app). */
static void
write_local_app (Fixture    *fixture,
                 const char *data_dir,
                 const char *app_id)
{
  g_autofree char *source = g_strdup_printf ("%s/data/connectors/apps/%s.json",
                                             g_getenv ("CONDUIT_SOURCE_DIR"), app_id);
  g_autofree char *dir = g_build_filename (data_dir, "conduit", "connectors", NULL);
  g_autofree char *name = g_strdup_printf ("%s-local.json", app_id);
  g_autofree char *target = g_build_filename (dir, name, NULL);
  g_autofree char *local_id = g_strdup_printf ("%s-local", app_id);
  g_autofree char *base_url = fixture_url (fixture, "/api");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *root;

  g_assert_true (json_parser_load_from_file (parser, source, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (json_object_get_object_member (root, "meta"), "id", local_id);
  json_object_set_string_member (json_object_get_object_member (root, "connection"), "base_url",
                                 base_url);
  text = json_to_string (json_parser_get_root (parser), TRUE);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (target, text, -1, &error));
}

/* The "done when", through the loopback sign-in: a Google Sheets "append rows" flow and
 * an Outlook "send mail" flow run with `conduit-cli run`, each with a credential signed in by
 * the browser whose access token has run out, so the run renews it first. */
static void
test_apps_after_sign_in (Fixture       *fixture,
                         gconstpointer  data)
{
  static const struct
  {
    const char *app;
    const char *step;
    const char *item;
  } apps[] = {
    { "google-sheets", "google-sheets-local.append-rows",
      "{ \"spreadsheet_id\": \"1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms\","
      "  \"range\": \"Sheet1!A:B\", \"values\": [ [ \"Ada\", 1042 ] ] }" },
    { "outlook", "outlook-local.send-mail",
      "{ \"to\": \"ada@example.com\", \"subject\": \"Order 1042\", \"body\": \"Shipped.\" }" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  const char *reason = test_keyring_unavailable_reason ();

  if (reason != NULL)
    {
      g_test_skip (reason);
      return;
    }

  dir = g_dir_make_tmp ("conduit-oauth-apps-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      g_autofree char *id = g_strdup_printf ("t-oauth-%s", apps[i].app);
      g_autoptr(ConduitCredential) credential = new_credential (fixture, id);
      g_autoptr(ConduitCredential) signed_in = NULL;
      g_autoptr(ConduitCredential) kept = NULL;
      g_autoptr(GSubprocessLauncher) launcher = NULL;
      g_autoptr(GSubprocess) run = NULL;
      g_autofree char *flow_path = g_strdup_printf ("%s/%s.conduit", dir, apps[i].app);
      g_autofree char *db_path = g_strdup_printf ("%s/%s.db", dir, apps[i].app);
      g_autofree char *flow = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *expected_token = NULL;
      guint refreshes = fixture->auth->refreshes;
      guint api_calls = fixture->auth->api_calls;
      gboolean exited = FALSE;

      write_local_app (fixture, dir, apps[i].app);
      signed_in = sign_in (fixture, credential, NULL, &error);
      g_assert_no_error (error);
      conduit_credential_set_secret (signed_in, "expires_at", "1000", NULL);
      save (signed_in);

      flow = g_strdup_printf (
        "{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
        "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
        "    \"settings\": { \"items\": [ %s ] } },"
        "  { \"id\": \"app\", \"type\": \"%s\", \"position\": [200, 0],"
        "    \"settings\": { \"credential\": \"%s\" } } ],"
        " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"app\","
        " \"to_port\": \"in\" } ] }", apps[i].app, apps[i].item, apps[i].step, id);
      g_assert_true (g_file_set_contents (flow_path, flow, -1, &error));

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                            G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", dir, TRUE);
      g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
      g_subprocess_launcher_unsetenv (launcher, "http_proxy");
      run = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("CONDUIT_CLI"), "run",
                                         flow_path, "--history", db_path, NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8_async (run, NULL, NULL, on_communicated, &exited);
      while (!exited)
        g_main_context_iteration (NULL, TRUE);
      out = g_object_steal_data (G_OBJECT (run), "out");
      err = g_object_steal_data (G_OBJECT (run), "err");
      g_test_message ("%s: %s%s", apps[i].app, out, err);
      /* under the sanitizers, a leak report ends the process with a signal */
      g_assert_true (g_subprocess_get_if_exited (run));
      g_assert_cmpint (g_subprocess_get_exit_status (run), ==, 0);

      /* renewed once, then the app's request went out with the new token and was taken */
      g_assert_cmpuint (fixture->auth->refreshes, ==, refreshes + 1);
      g_assert_cmpuint (fixture->auth->api_calls, ==, api_calls + 1);
      kept = lookup (id);
      expected_token = g_strdup_printf ("access-token-%u", fixture->auth->issued);
      g_assert_cmpstr (conduit_credential_get_secret (kept, "access_token"), ==, expected_token);
      forget (id);
    }

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  }
}

static void
test_token_response_parsing (void)
{
  static const struct
  {
    const char *body;
    gboolean    ok;
  } cases[] = {
    { "{\"access_token\": \"a-1\", \"token_type\": \"bearer\", \"expires_in\": \"60\"}", TRUE },
    { "{\"access_token\": \"a-1\"}", TRUE },
    { "{\"access_token\": \"\"}", FALSE },
    { "{\"access_token\": 5}", FALSE },
    { "{\"access_token\": \"a-1\", \"token_type\": \"mac\"}", FALSE },
    { "[]", FALSE },
    { "not json", FALSE },
    /* valid JSON text without a value: the parser has no root (found by fuzzing) */
    { "\n", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConduitCredential) credential =
        conduit_credential_new ("t-parse", CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      conduit_credential_set_secret (credential, "refresh_token", "kept-refresh", NULL);
      ok = conduit_oauth_parse_token_response (credential, cases[i].body, strlen (cases[i].body),
                                               1000, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        {
          g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
          g_assert_nonnull (strstr (error->message, "“t-parse”"));
          continue;
        }

      /* without a new refresh token the old one stays */
      g_assert_cmpstr (conduit_credential_get_secret (credential, "refresh_token"), ==,
                       "kept-refresh");
      if (i == 0)
        g_assert_cmpstr (conduit_credential_get_secret (credential, "expires_at"), ==, "1060");
      else
        g_assert_null (conduit_credential_get_secret (credential, "expires_at"));
    }
}

/* An app descriptor's auth object (the connectors' format) fills the sign-in fields. */
static void
test_fill_from_descriptor (void)
{
  g_autoptr(ConduitCredential) credential =
    conduit_credential_new ("t-fill", CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *auth;

  g_assert_true (json_parser_load_from_data (parser,
    "{\"kind\": \"oauth2-authorization-code\","
    " \"authorize_url\": \"https://accounts.google.com/o/oauth2/v2/auth\","
    " \"token_url\": \"https://oauth2.googleapis.com/token\","
    " \"scopes\": [\"https://www.googleapis.com/auth/spreadsheets\", \"openid\"],"
    " \"params\": {\"prompt\": \"consent\", \"access_type\": \"offline\"}}", -1, &error));
  auth = json_node_get_object (json_parser_get_root (parser));

  /* the person chose another token address: it stays */
  g_assert_true (conduit_credential_set_field (credential, "token_url",
                                               "https://tokens.example.com/token", NULL));
  g_assert_true (conduit_oauth_fill_credential_from_auth (credential, auth, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_field (credential, "authorize_url"), ==,
                   "https://accounts.google.com/o/oauth2/v2/auth");
  g_assert_cmpstr (conduit_credential_get_field (credential, "token_url"), ==,
                   "https://tokens.example.com/token");
  g_assert_cmpstr (conduit_credential_get_field (credential, "scopes"), ==,
                   "https://www.googleapis.com/auth/spreadsheets openid");
  g_assert_cmpstr (conduit_credential_get_field (credential, "extra_params"), ==,
                   "access_type=offline&prompt=consent");
  g_assert_null (conduit_credential_get_field (credential, "client_id"));
}

static void
test_not_signed_in (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = new_credential (fixture, "t-oauth-never");
  g_autoptr(ConduitAuthorizer) authorizer = new_authorizer (fixture);
  g_autoptr(GError) error = NULL;

  /* a credential that never signed in fails without network, saying what to do */
  g_assert_cmpuint (call_api (fixture, authorizer, credential, &error), ==, 0);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "conduit-cli credential sign-in t-oauth-never"));
  g_assert_cmpuint (fixture->auth->api_calls, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/conduit/oauth/sign-in/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("happy-path", test_happy_path);
  ADD ("listener-closes", test_listener_closes);
  ADD ("wrong-state", test_wrong_state);
  ADD ("denied", test_denied);
  ADD ("timeout", test_timeout);
  ADD ("port-in-use", test_port_in_use);
  ADD ("cancelled", test_cancelled);
  ADD ("not-signed-in", test_not_signed_in);
  ADD ("refresh-before-expiry", test_refresh_before_expiry);
  ADD ("refused-token-refreshes-once", test_revoked_token_refused_once);
  ADD ("refresh-after-restart", test_refresh_after_restart);
  ADD ("concurrent-runs-refresh-once", test_concurrent_runs_refresh_once);
  ADD ("revoked-needs-sign-in", test_revoked_needs_sign_in);
  ADD ("serve-revoked", test_serve_revoked);
  ADD ("processes-refresh-once", test_processes_refresh_once);
  ADD ("apps-after-sign-in", test_apps_after_sign_in);
  g_test_add_func ("/conduit/oauth/token-response", test_token_response_parsing);
  g_test_add_func ("/conduit/oauth/fill-from-descriptor", test_fill_from_descriptor);

#undef ADD

  return g_test_run ();
}
