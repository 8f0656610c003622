/* conduit-jwt-bearer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-credential.h"

G_BEGIN_DECLS

/* how long an assertion is valid; Google accepts at most an hour */
#define CONDUIT_JWT_BEARER_LIFETIME_SECONDS 3600

char *conduit_jwt_bearer_dup_token_url        (ConduitCredential  *credential,
                                               GError            **error);
char *conduit_jwt_bearer_create_assertion     (ConduitCredential  *credential,
                                               gint64              now,
                                               GError            **error);

G_END_DECLS
