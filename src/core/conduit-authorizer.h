/* conduit-authorizer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "conduit-credential.h"
#include "conduit-credential-store.h"
#include "conduit-redactor.h"

G_BEGIN_DECLS

/* Returns a monotonic time in microseconds, like g_get_monotonic_time(). */
typedef gint64 (*ConduitAuthorizerClockFunc) (gpointer user_data);

#define CONDUIT_TYPE_AUTHORIZER (conduit_authorizer_get_type ())

G_DECLARE_FINAL_TYPE (ConduitAuthorizer, conduit_authorizer, CONDUIT, AUTHORIZER, GObject)

ConduitAuthorizer *conduit_authorizer_new                  (SoupSession                *session);
SoupSession       *conduit_authorizer_get_session          (ConduitAuthorizer          *self);
void               conduit_authorizer_set_store            (ConduitAuthorizer          *self,
                                                            ConduitCredentialStore     *store);
void               conduit_authorizer_set_redactor         (ConduitAuthorizer          *self,
                                                            ConduitRedactor            *redactor);
void               conduit_authorizer_set_clock            (ConduitAuthorizer          *self,
                                                            ConduitAuthorizerClockFunc  clock,
                                                            gpointer                    user_data);
void               conduit_authorizer_authorize_async      (ConduitAuthorizer          *self,
                                                            ConduitCredential          *credential,
                                                            SoupMessage                *msg,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
gboolean           conduit_authorizer_authorize_finish     (ConduitAuthorizer          *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);
void               conduit_authorizer_authorize_id_async   (ConduitAuthorizer          *self,
                                                            const char                 *credential_id,
                                                            SoupMessage                *msg,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
ConduitCredential *conduit_authorizer_authorize_id_finish  (ConduitAuthorizer          *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);
void               conduit_authorizer_invalidate           (ConduitAuthorizer          *self,
                                                            ConduitCredential          *credential);
gboolean           conduit_authorizer_should_retry         (ConduitAuthorizer          *self,
                                                            ConduitCredential          *credential,
                                                            SoupMessage                *msg);
void               conduit_authorizer_note_answer_async    (ConduitAuthorizer          *self,
                                                            ConduitCredential          *credential,
                                                            SoupMessage                *msg,
                                                            GBytes                     *body,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
gboolean           conduit_authorizer_note_answer_finish   (ConduitAuthorizer          *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);
void               conduit_authorizer_send_and_read_async  (ConduitAuthorizer          *self,
                                                            ConduitCredential          *credential,
                                                            SoupMessage                *msg,
                                                            int                         io_priority,
                                                            GCancellable               *cancellable,
                                                            GAsyncReadyCallback         callback,
                                                            gpointer                    user_data);
GBytes            *conduit_authorizer_send_and_read_finish (ConduitAuthorizer          *self,
                                                            GAsyncResult               *result,
                                                            GError                    **error);

void               conduit_authorizer_set_request_body     (SoupMessage                *msg,
                                                            const char                 *content_type,
                                                            GBytes                     *body);

G_END_DECLS
