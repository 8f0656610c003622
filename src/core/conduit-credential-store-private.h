/* conduit-credential-store-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-credential-store.h"

G_BEGIN_DECLS

/* Shared by the family: conduit-credential-store.c (lookup, save, delete, marks) and
 * conduit-credential-store-list.c (listing, finding missing credentials). */

#define ATTRIBUTE_ID        "conduit-id"
#define ATTRIBUTE_KIND      "kind"
#define ATTRIBUTE_NAME      "name"
#define ATTRIBUTE_ATTENTION "attention"
#define ATTRIBUTE_SIGN_IN   "needs-sign-in"

/* long enough for a server's error message, short enough for a keyring attribute */

struct _ConduitCredentialStore
{
  GObject     parent_instance;

  char       *collection;   /* an alias ("default") or a D-Bus object path */
  GMutex      keyring_mutex;
  GMutex      attention_mutex;
  GHashTable *env_attention; /* id → answer, for credentials from the environment */
};

typedef struct
{
  char              *id;
  char              *env_name;
  char              *env_value;   /* the environment variable's JSON, read on the caller's thread */
  ConduitCredential *credential;
  char              *answer;
  GPtrArray         *ids;
  gboolean          *in_env;      /* for each of ids: whether its variable is set */
  char             **environ;     /* for listing */
} StoreOp;

void           _conduit_credential_store_store_op_free       (gpointer                 data);
StoreOp       *_conduit_credential_store_store_op_new_for_id (const char              *id);
void           _conduit_credential_store_run_in_thread       (ConduitCredentialStore  *self,
                                                              gpointer                 source_tag,
                                                              StoreOp                 *op,
                                                              GTaskThreadFunc          func,
                                                              gboolean                 changes,
                                                              GCancellable            *cancellable,
                                                              GAsyncReadyCallback      callback,
                                                              gpointer                 user_data);
gboolean       _conduit_credential_store_is_result_of        (ConduitCredentialStore  *self,
                                                              GAsyncResult            *result,
                                                              gpointer                 source_tag);
SecretService *_conduit_credential_store_get_service         (GCancellable            *cancellable,
                                                              GError                 **error);
GList         *_conduit_credential_store_search_items        (SecretService           *service,
                                                              const char              *id,
                                                              gboolean                 with_secrets,
                                                              GCancellable            *cancellable,
                                                              GError                 **error);
ConduitCredential *_conduit_credential_store_credential_from_item (SecretItem         *item,
                                                                   gboolean            with_secrets,
                                                                   GError            **error);
ConduitCredential *_conduit_credential_store_credential_from_env  (ConduitCredentialStore *self,
                                                                   const char             *id,
                                                                   const char             *env_name,
                                                                   const char             *env_value,
                                                                   GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoreOp, _conduit_credential_store_store_op_free)

G_END_DECLS
