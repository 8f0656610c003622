/* conduit-oauth-sign-in.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* how long a sign-in waits for the browser by default */
#define CONDUIT_OAUTH_SIGN_IN_DEFAULT_TIMEOUT_SECONDS (5 * 60)

#define CONDUIT_TYPE_OAUTH_SIGN_IN (conduit_oauth_sign_in_get_type ())

G_DECLARE_FINAL_TYPE (ConduitOAuthSignIn, conduit_oauth_sign_in, CONDUIT, OAUTH_SIGN_IN, GObject)

ConduitOAuthSignIn *conduit_oauth_sign_in_new              (SoupSession         *session,
                                                            ConduitCredential   *credential);
void                conduit_oauth_sign_in_set_timeout      (ConduitOAuthSignIn  *self,
                                                            guint                seconds);
void                conduit_oauth_sign_in_set_port         (ConduitOAuthSignIn  *self,
                                                            guint16              port);
gboolean            conduit_oauth_sign_in_start            (ConduitOAuthSignIn  *self,
                                                            GError             **error);
const char         *conduit_oauth_sign_in_get_uri          (ConduitOAuthSignIn  *self);
const char         *conduit_oauth_sign_in_get_redirect_uri (ConduitOAuthSignIn  *self);
void                conduit_oauth_sign_in_wait_async       (ConduitOAuthSignIn  *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
ConduitCredential  *conduit_oauth_sign_in_wait_finish      (ConduitOAuthSignIn  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

gboolean            conduit_oauth_fill_credential_from_auth (ConduitCredential  *credential,
                                                             JsonObject         *auth,
                                                             GError            **error);

G_END_DECLS
