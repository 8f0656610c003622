/* conduit-credential-store-list.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-credential-store"

#include "config.h"

/* for secret_collection_new_for_dbus_path_sync(), unchanged since libsecret 0.7 */
#define SECRET_API_SUBJECT_TO_CHANGE

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "conduit-credential-store.h"
#include "conduit-credential-store-private.h"

/* Listing credentials (attributes only, so a locked keyring still lists) and finding which of
 * a flow's credentials exist nowhere. */

static int
compare_credentials (gconstpointer a,
                     gconstpointer b)
{
  ConduitCredential *ca = *(ConduitCredential * const *)a;
  ConduitCredential *cb = *(ConduitCredential * const *)b;
  int order;

  order = g_utf8_collate (conduit_credential_get_name (ca), conduit_credential_get_name (cb));
  if (order != 0)
    return order;

  return strcmp (conduit_credential_get_id (ca), conduit_credential_get_id (cb));
}

/* Ids that share an environment variable name are the same credential to a lookup. */
static gboolean
find_by_env_name (GPtrArray  *credentials,
                  const char *env_name,
                  guint      *position)
{
  for (guint i = 0; i < credentials->len; i++)
    {
      ConduitCredential *credential = g_ptr_array_index (credentials, i);
      g_autofree char *other = conduit_credential_dup_env_name (conduit_credential_get_id (credential));

      if (g_str_equal (env_name, other))
        {
          *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static void
list_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitCredentialStore *self = source_object;
  StoreOp *op = task_data;
  g_autoptr(GPtrArray) credentials = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) service_error = NULL;
  g_autoptr(GError) error = NULL;
  GList *items = NULL;

  g_mutex_lock (&self->keyring_mutex);
  service = _conduit_credential_store_get_service (cancellable, &service_error);
  if (service != NULL)
    items = _conduit_credential_store_search_items (service, NULL, FALSE, cancellable, &error);
  g_mutex_unlock (&self->keyring_mutex);

  for (const GList *l = items; l; l = l->next)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GError) item_error = NULL;

      credential = _conduit_credential_store_credential_from_item (l->data, FALSE, &item_error);
      if (credential == NULL)
        {
          g_warning ("%s", item_error->message);
          continue;
        }

      g_ptr_array_add (credentials, g_steal_pointer (&credential));
    }
  g_list_free_full (items, g_object_unref);

  /* the environment's credentials replace the keyring's, as in a lookup */
  for (guint i = 0; op->environ[i] != NULL; i++)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GError) env_error = NULL;
      g_auto(GStrv) pair = g_strsplit (op->environ[i], "=", 2);
      g_autofree char *fallback_id = NULL;
      guint position;

      if (!g_str_has_prefix (pair[0], "CONDUIT_CREDENTIAL_") || pair[1] == NULL)
        continue;

      /* without an "id" in the JSON, the keyring item it replaces or the variable's name
       * stands for it */
      if (find_by_env_name (credentials, pair[0], &position))
        fallback_id = g_strdup (conduit_credential_get_id (g_ptr_array_index (credentials,
                                                                              position)));
      else
        fallback_id = g_ascii_strdown (pair[0] + strlen ("CONDUIT_CREDENTIAL_"), -1);

      credential = _conduit_credential_store_credential_from_env (self, fallback_id, pair[0], pair[1], &env_error);
      if (credential == NULL)
        {
          g_warning ("%s", env_error->message);
          continue;
        }

      if (find_by_env_name (credentials, pair[0], &position))
        g_ptr_array_remove_index_fast (credentials, position);
      g_ptr_array_add (credentials, g_steal_pointer (&credential));
    }

  /* a server without a keyring still lists its environment credentials */
  if (service == NULL && credentials->len == 0)
    error = g_steal_pointer (&service_error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_ptr_array_sort (credentials, compare_credentials);
  g_task_return_pointer (task, g_steal_pointer (&credentials), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * conduit_credential_store_list_async:
 * @self: a credential store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the credentials
 * @user_data: data for @callback
 *
 * Lists every credential in the keyring and the environment, without loading secrets, so
 * nothing needs unlocking.
 */
void
conduit_credential_store_list_async (ConduitCredentialStore *self,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  StoreOp *op;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));

  op = g_new0 (StoreOp, 1);
  op->environ = g_get_environ ();
  _conduit_credential_store_run_in_thread (self, conduit_credential_store_list_async, op, list_thread, FALSE,
                 cancellable, callback, user_data);
}

/**
 * conduit_credential_store_list_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ConduitCredential): the credentials sorted by name,
 *   without their secrets
 */
GPtrArray *
conduit_credential_store_list_finish (ConduitCredentialStore  *self,
                                      GAsyncResult            *result,
                                      GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_list_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
find_missing_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ConduitCredentialStore *self = source_object;
  StoreOp *op = task_data;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  GList *items = NULL;

  g_mutex_lock (&self->keyring_mutex);
  service = _conduit_credential_store_get_service (cancellable, NULL);
  if (service != NULL)
    items = _conduit_credential_store_search_items (service, NULL, FALSE, cancellable, &error);
  g_mutex_unlock (&self->keyring_mutex);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (const GList *l = items; l; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_item_get_attributes (l->data);
      const char *id = g_hash_table_lookup (attributes, ATTRIBUTE_ID);

      if (id != NULL)
        g_hash_table_add (present, g_strdup (id));
    }
  g_list_free_full (items, g_object_unref);

  for (guint i = 0; i < op->ids->len; i++)
    {
      const char *id = g_ptr_array_index (op->ids, i);

      if (!op->in_env[i] && !g_hash_table_contains (present, id))
        g_ptr_array_add (missing, g_strdup (id));
    }

  g_task_return_pointer (task, g_steal_pointer (&missing), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * conduit_credential_store_find_missing_async:
 * @self: a credential store
 * @ids: (element-type utf8): credential ids, e.g. from conduit_flow_list_credential_ids()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the missing ids
 * @user_data: data for @callback
 *
 * Finds which of @ids are neither in the keyring nor in the environment, so that opening a
 * flow can say which credentials to create. A credential in a locked keyring is not missing.
 */
void
conduit_credential_store_find_missing_async (ConduitCredentialStore *self,
                                             GPtrArray              *ids,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  StoreOp *op;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (ids != NULL);

  op = g_new0 (StoreOp, 1);
  op->ids = g_ptr_array_new_with_free_func (g_free);
  op->in_env = g_new0 (gboolean, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *env_name = conduit_credential_dup_env_name (id);

      g_ptr_array_add (op->ids, g_strdup (id));
      op->in_env[i] = g_getenv (env_name) != NULL;
    }

  _conduit_credential_store_run_in_thread (self, conduit_credential_store_find_missing_async, op, find_missing_thread,
                 FALSE, cancellable, callback, user_data);
}

/**
 * conduit_credential_store_find_missing_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type utf8): the ids that are nowhere to be found, in the
 *   order given
 */
GPtrArray *
conduit_credential_store_find_missing_finish (ConduitCredentialStore  *self,
                                              GAsyncResult            *result,
                                              GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_find_missing_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
