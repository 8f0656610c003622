/* fuzz-oauth-token.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "fuzz-common.h"

/* What a token endpoint controls: the body of its answer. It is either refused with a UTF-8
 * message naming the credential, or leaves the credential holding a non-empty UTF-8 access
 * token, an expiry in the future (or none), and a refresh token: the new one, or the old one
 * kept when the answer brought none. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ConduitCredential) credential =
    conduit_credential_new ("fuzz", CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autoptr(GError) error = NULL;
  const char *access_token;
  const char *refresh_token;
  const char *expires_at;
  const gint64 now = 1700000000;

  conduit_credential_set_secret (credential, "refresh_token", "old-refresh", NULL);

  if (!conduit_oauth_parse_token_response (credential, (const char *)data, size, now, &error))
    {
      if (error == NULL || !g_utf8_validate (error->message, -1, NULL) ||
          strstr (error->message, "“fuzz”") == NULL)
        abort ();
      /* a refused answer leaves the tokens alone */
      if (g_strcmp0 (conduit_credential_get_secret (credential, "refresh_token"), "old-refresh") != 0 ||
          conduit_credential_get_secret (credential, "access_token") != NULL)
        abort ();
      return 0;
    }

  access_token = conduit_credential_get_secret (credential, "access_token");
  refresh_token = conduit_credential_get_secret (credential, "refresh_token");
  expires_at = conduit_credential_get_secret (credential, "expires_at");
  if (access_token == NULL || *access_token == '\0' || !g_utf8_validate (access_token, -1, NULL))
    abort ();
  if (refresh_token == NULL || !g_utf8_validate (refresh_token, -1, NULL))
    abort ();
  if (expires_at != NULL && g_ascii_strtoll (expires_at, NULL, 10) <= now)
    abort ();

  return 0;
}
