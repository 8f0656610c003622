/* conduit-authorizer-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-authorizer.h"

G_BEGIN_DECLS

/* Shared by the family: conduit-authorizer.c (applying credentials, client credentials) and
 * conduit-authorizer-sign-in.c (tokens from a browser sign-in). */

typedef struct
{
  char      *fingerprint;   /* what the token was fetched with; a changed credential drops it */
  char      *access_token;  /* NULL when there is none or it was invalidated */
  gint64     refresh_at;    /* monotonic µs; G_MAXINT64 when the endpoint gave no expiry */
  GPtrArray *waiters;       /* GTasks waiting for the fetch in flight, NULL when idle */
  char      *stale_token;   /* the last token a server refused: a refresh must not reuse it */
  ConduitCredential *latest; /* a sign-in's credential with its newest tokens */
} TokenEntry;

struct _ConduitAuthorizer
{
  GObject                     parent_instance;

  SoupSession                *session;
  ConduitCredentialStore     *store;
  ConduitRedactor            *redactor;
  ConduitAuthorizerClockFunc  clock;
  gpointer                    clock_data;
  GHashTable                 *tokens;   /* credential id → TokenEntry */
  GHashTable                 *credentials; /* id → ConduitCredential looked up by id */
  ConduitCredentialStore     *watched;  /* the store they came from, for its ::changed */
  gulong                      changed_id;
};

void        _conduit_authorizer_set_authorization  (SoupMessage       *msg,
                                                    const char        *scheme,
                                                    const char        *value);
TokenEntry *_conduit_authorizer_lookup_token_entry (ConduitAuthorizer *self,
                                                    ConduitCredential *credential);
void        _conduit_authorizer_complete_waiters   (ConduitAuthorizer *self,
                                                    const char        *id,
                                                    const GError      *error);
ConduitCredentialStore *_conduit_authorizer_get_lookup_store (ConduitAuthorizer *self);
void        _conduit_authorizer_authorize_sign_in  (ConduitAuthorizer *self,
                                                    ConduitCredential *credential,
                                                    GTask             *task);

G_END_DECLS
