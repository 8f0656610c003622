/* conduit-credentials-window.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-credential-editor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_CREDENTIALS_WINDOW (conduit_credentials_window_get_type ())

G_DECLARE_FINAL_TYPE (ConduitCredentialsWindow, conduit_credentials_window, CONDUIT, CREDENTIALS_WINDOW, AdwWindow)

ConduitCredentialsWindow *conduit_credentials_window_new                (GtkApplication           *application);
void                      conduit_credentials_window_reload             (ConduitCredentialsWindow *self);
gboolean                  conduit_credentials_window_get_loading        (ConduitCredentialsWindow *self);
ConduitCredential        *conduit_credentials_window_lookup             (ConduitCredentialsWindow *self,
                                                                         const char               *id);
GtkWidget                *conduit_credentials_window_get_row            (ConduitCredentialsWindow *self,
                                                                         const char               *id);
ConduitCredentialEditor  *conduit_credentials_window_add                (ConduitCredentialsWindow *self);
ConduitCredentialEditor  *conduit_credentials_window_edit               (ConduitCredentialsWindow *self,
                                                                         const char               *id);
void                      conduit_credentials_window_delete             (ConduitCredentialsWindow *self,
                                                                         const char               *id);
AdwMessageDialog         *conduit_credentials_window_get_delete_dialog  (ConduitCredentialsWindow *self);

void                      conduit_credentials_find_users_async          (const char               *id,
                                                                         GCancellable             *cancellable,
                                                                         GAsyncReadyCallback       callback,
                                                                         gpointer                  user_data);
GPtrArray                *conduit_credentials_find_users_finish         (GAsyncResult             *result,
                                                                         GError                  **error);

const char               *conduit_credentials_window_get_sign_in_banner_text (ConduitCredentialsWindow *self);

G_END_DECLS
