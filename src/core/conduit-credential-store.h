/* conduit-credential-store.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* The libsecret schema of Conduit's keyring items; `secret-tool search xdg:schema` finds them. */
#define CONDUIT_CREDENTIAL_SCHEMA_NAME "io.conduit.Conduit.Credential"

#define CONDUIT_TYPE_CREDENTIAL_STORE (conduit_credential_store_get_type ())

G_DECLARE_FINAL_TYPE (ConduitCredentialStore, conduit_credential_store, CONDUIT, CREDENTIAL_STORE, GObject)

const SecretSchema     *conduit_credential_store_get_schema               (void);
ConduitCredentialStore *conduit_credential_store_get_default              (void);
ConduitCredentialStore *conduit_credential_store_new                      (const char              *collection);
const char             *conduit_credential_store_get_collection           (ConduitCredentialStore  *self);

void                    conduit_credential_store_lookup_async             (ConduitCredentialStore  *self,
                                                                           const char              *id,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
ConduitCredential      *conduit_credential_store_lookup_finish            (ConduitCredentialStore  *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                    conduit_credential_store_save_async               (ConduitCredentialStore  *self,
                                                                           ConduitCredential       *credential,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
gboolean                conduit_credential_store_save_finish              (ConduitCredentialStore  *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                    conduit_credential_store_delete_async             (ConduitCredentialStore  *self,
                                                                           const char              *id,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
gboolean                conduit_credential_store_delete_finish            (ConduitCredentialStore  *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                    conduit_credential_store_list_async               (ConduitCredentialStore  *self,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
GPtrArray              *conduit_credential_store_list_finish              (ConduitCredentialStore  *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                    conduit_credential_store_mark_needs_attention_async (ConduitCredentialStore *self,
                                                                           const char              *id,
                                                                           const char              *server_answer,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
gboolean                conduit_credential_store_mark_needs_attention_finish (ConduitCredentialStore *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
void                    conduit_credential_store_find_missing_async       (ConduitCredentialStore  *self,
                                                                           GPtrArray               *ids,
                                                                           GCancellable            *cancellable,
                                                                           GAsyncReadyCallback      callback,
                                                                           gpointer                 user_data);
GPtrArray              *conduit_credential_store_find_missing_finish      (ConduitCredentialStore  *self,
                                                                           GAsyncResult            *result,
                                                                           GError                 **error);
ConduitCredential      *conduit_credential_store_lookup_sync              (ConduitCredentialStore  *self,
                                                                           const char              *id,
                                                                           GCancellable            *cancellable,
                                                                           GError                 **error);
gboolean                conduit_credential_store_save_sync                (ConduitCredentialStore  *self,
                                                                           ConduitCredential       *credential,
                                                                           GCancellable            *cancellable,
                                                                           GError                 **error);
void                    conduit_credential_store_emit_changed             (ConduitCredentialStore  *self,
                                                                           const char              *id);

G_END_DECLS
