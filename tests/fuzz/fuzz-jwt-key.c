/* fuzz-jwt-key.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-jwt-bearer.h"
#include "fuzz-common.h"

/* What a person pastes as a service account key: any text. Signing with it either gives a
 * three-part assertion, or fails with a UTF-8 message naming the credential that never
 * quotes the key file (it is a secret). */

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
    conduit_credential_new ("fuzz-key", CONDUIT_CREDENTIAL_KIND_JWT_BEARER);
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autofree char *assertion = NULL;
  g_autoptr(GError) error = NULL;

  /* the store only keeps UTF-8 secrets */
  if (!g_utf8_validate (text, -1, NULL) || *text == '\0' ||
      !conduit_credential_set_secret (credential, "key", text, NULL))
    return 0;

  assertion = conduit_jwt_bearer_create_assertion (credential, 1700000000, &error);
  if (assertion == NULL)
    {
      if (error == NULL || !g_utf8_validate (error->message, -1, NULL) ||
          strstr (error->message, "“fuzz-key”") == NULL)
        abort ();
      /* a key file long enough to be recognised must not show up in the message (text quoting
       * the credential's name, as “fuzz-key”, is the message's own wording, not the key) */
      if (strlen (text) >= 16 && strstr (text, "“") == NULL && strstr (text, "”") == NULL &&
          strstr (error->message, text) != NULL)
        abort ();
      return 0;
    }

  {
    g_auto(GStrv) parts = g_strsplit (assertion, ".", -1);

    if (g_strv_length (parts) != 3)
      abort ();
  }

  return 0;
}
