/* test-google-sign-in-port.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A sign-in on a fixed loopback port: Salesforce compares the callback address exactly, port
 * included, so a credential can name the port registered there ("redirect_port"). The whole
 * loopback flow runs against tests/oauth-test-server.c, the test playing the browser; a port
 * that is not one is refused before anything listens. */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "oauth-test-server.h"

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static ConduitCredential *
credential_with_port (OAuthTestServer *auth,
                      const char      *port)
{
  ConduitCredential *credential = conduit_credential_new ("t-fixed-port",
                                                          CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autofree char *authorize_url = oauth_test_server_url (auth, "/authorize");
  g_autofree char *token_url = oauth_test_server_url (auth, "/token");

  g_assert_true (conduit_credential_set_field (credential, "authorize_url", authorize_url, NULL));
  g_assert_true (conduit_credential_set_field (credential, "token_url", token_url, NULL));
  g_assert_true (conduit_credential_set_field (credential, "client_id", "3MVG9-connected-app", NULL));
  g_assert_true (conduit_credential_set_field (credential, "scopes", "api refresh_token", NULL));
  g_assert_true (conduit_credential_set_field (credential, "redirect_port", port, NULL));
  return credential;
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConduitCredential **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = conduit_oauth_sign_in_wait_finish (CONDUIT_OAUTH_SIGN_IN (source), result, &error);
  g_assert_no_error (error);
}

static void
on_page (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GBytes) page = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  (void)page;  /* only read to finish the exchange; the listener is what is checked */

  *(gboolean *)user_data = TRUE;
}

static void
test_fixed_port (void)
{
  g_autoptr(OAuthTestServer) auth = oauth_test_server_new ("3MVG9-connected-app", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupSession) browser = soup_session_new ();
  g_autoptr(SoupMessage) visit = NULL;
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port = free_port ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *escaped = g_uri_escape_string (expected, NULL, FALSE);
  g_autoptr(ConduitCredential) credential = credential_with_port (auth, port_text);
  g_autoptr(ConduitOAuthSignIn) sign_in = NULL;
  gboolean visited = FALSE;

  soup_session_set_proxy_resolver (session, NULL);
  soup_session_set_proxy_resolver (browser, NULL);
  sign_in = conduit_oauth_sign_in_new (session, credential);
  g_assert_true (conduit_oauth_sign_in_start (sign_in, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_oauth_sign_in_get_redirect_uri (sign_in), ==, expected);
  g_assert_nonnull (strstr (conduit_oauth_sign_in_get_uri (sign_in), escaped));

  conduit_oauth_sign_in_wait_async (sign_in, NULL, on_signed_in, &signed_in);
  visit = soup_message_new (SOUP_METHOD_GET, conduit_oauth_sign_in_get_uri (sign_in));
  soup_session_send_and_read_async (browser, visit, G_PRIORITY_DEFAULT, NULL, on_page, &visited);
  for (guint i = 0; (signed_in == NULL || !visited) && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);

  /* the authorization server saw the fixed address, and the code was traded at it */
  g_assert_nonnull (signed_in);
  g_assert_cmpstr (auth->redirect_uri, ==, expected);
  g_assert_cmpuint (auth->issued, ==, 1);
  g_assert_cmpstr (conduit_credential_get_secret (signed_in, "refresh_token"), ==, "refresh-token-1");

  soup_session_abort (browser);
  soup_session_abort (session);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_not_a_port (void)
{
  static const char * const bad[] = { "http", "0", "65536", "80a", "-1" };
  g_autoptr(OAuthTestServer) auth = oauth_test_server_new ("3MVG9-connected-app", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(ConduitCredential) credential = credential_with_port (auth, bad[i]);
      g_autoptr(ConduitOAuthSignIn) sign_in = conduit_oauth_sign_in_new (session, credential);
      g_autoptr(GError) error = NULL;

      g_assert_false (conduit_oauth_sign_in_start (sign_in, &error));
      g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED);
      g_assert_nonnull (strstr (error->message, "t-fixed-port"));
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_assert_null (conduit_oauth_sign_in_get_uri (sign_in));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/oauth/sign-in/fixed-port", test_fixed_port);
  g_test_add_func ("/conduit/oauth/sign-in/not-a-port", test_not_a_port);

  return g_test_run ();
}
