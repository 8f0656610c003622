/* oauth-test-server.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A local OAuth 2.0 authorization server for the sign-in tests, on 127.0.0.1:
 *   /authorize  sends the "browser" back to the redirect URI with a code (or a refusal)
 *   /token      trades a code after checking the PKCE verifier (S256), the redirect URI and
 *               the client; renews with a refresh token, rotating it (one use each)
 *   /api        answers 200 to a live access token, 401 otherwise
 * Tokens are "access-token-N" and "refresh-token-N", N counting from 1. */
typedef struct
{
  SoupServer *server;
  char       *base;            /* http://127.0.0.1:PORT */
  char       *client_id;
  char       *client_secret;   /* (nullable): a public client sends none */

  /* how it behaves */
  gboolean    deny;            /* the person declines consent */
  gboolean    wrong_state;     /* the answer carries another state */
  gboolean    revoked;         /* every refresh is refused */
  gint64      expires_in;      /* seconds, 3600 unless set */
  guint       token_delay_ms;  /* how long the token endpoint takes to answer */

  /* what it saw and did */
  GHashTable *last_authorize;  /* the last /authorize query */
  char       *challenge;
  char       *redirect_uri;
  GHashTable *codes;           /* unused codes */
  GHashTable *refresh_tokens;  /* live ones */
  GHashTable *access_tokens;   /* live ones */
  guint       issued;
  guint       refreshes;
  guint       api_calls;
} OAuthTestServer;

OAuthTestServer *oauth_test_server_new  (const char      *client_id,
                                         const char      *client_secret);
void             oauth_test_server_free (OAuthTestServer *self);
char            *oauth_test_server_url  (OAuthTestServer *self,
                                         const char      *path);
char            *oauth_test_s256        (const char      *verifier);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OAuthTestServer, oauth_test_server_free)

G_END_DECLS
