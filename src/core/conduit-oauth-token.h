/* conduit-oauth-token.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "conduit-credential.h"
#include "conduit-credential-store.h"

G_BEGIN_DECLS

/* how long before its expiry an access token from a sign-in is renewed */
#define CONDUIT_OAUTH_REFRESH_MARGIN_SECONDS 60

SoupSession       *conduit_oauth_session_new_like          (SoupSession             *session);
gint64             conduit_oauth_read_expires_in           (JsonObject              *object);
gboolean           conduit_oauth_parse_token_response      (ConduitCredential       *credential,
                                                            const char              *data,
                                                            gsize                    length,
                                                            gint64                   now,
                                                            GError                 **error);
gboolean           conduit_oauth_token_request_sync        (SoupSession             *session,
                                                            ConduitCredential       *credential,
                                                            GHashTable              *form,
                                                            GCancellable            *cancellable,
                                                            GError                 **error);
ConduitCredential *conduit_oauth_refresh_sync              (SoupSession             *session,
                                                            ConduitCredentialStore  *store,
                                                            ConduitCredential       *credential,
                                                            const char              *stale_token,
                                                            GCancellable            *cancellable,
                                                            GError                 **error);

G_END_DECLS
