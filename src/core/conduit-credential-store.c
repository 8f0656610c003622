/* conduit-credential-store.c
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
#include "conduit-redactor.h"

/* Credentials live in the desktop's keyring through the Secret Service (libsecret), one item
 * per credential: the non-secret fields as attributes (so a listing and `secret-tool search`
 * see them without unlocking anything), the secret fields as a JSON object in the secret.
 *
 * On a server without a keyring, a credential can come from the environment variable
 * CONDUIT_CREDENTIAL_<ID> holding its JSON; such a credential wins over a keyring item with
 * the same id, so that what a service's unit file says is what runs.
 *
 * The keyring is only ever searched without SECRET_SEARCH_UNLOCK: unlocking pops up a password
 * prompt, which must not happen behind the back of a running flow or on a headless server. A
 * locked item is reported as CONDUIT_CREDENTIAL_ERROR_LOCKED instead.
 *
 * libsecret's synchronous calls run in GTask's worker threads; a mutex keeps them one at a time
 * so that they never race over the shared SecretService proxy.
 */

#define MAX_ATTENTION_BYTES 1000


G_DEFINE_FINAL_TYPE (ConduitCredentialStore, conduit_credential_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * conduit_credential_store_get_schema:
 *
 * Every non-secret field of every kind is an attribute, as libsecret only accepts the
 * attributes a schema declares.
 *
 * Returns: (transfer none): the libsecret schema `io.conduit.Conduit.Credential`
 */
const SecretSchema *
conduit_credential_store_get_schema (void)
{
  static const SecretSchema schema = {
    CONDUIT_CREDENTIAL_SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_KIND, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_NAME, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_ATTENTION, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "in", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "header", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "parameter", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "username", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "token_url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client_id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "scope", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "audience", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "client_auth", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "prefix", SECRET_SCHEMA_ATTRIBUTE_STRING },
      /* oauth2-authorization-code */
      { ATTRIBUTE_SIGN_IN, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "authorize_url", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "scopes", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "extra_params", SECRET_SCHEMA_ATTRIBUTE_STRING },
      /* jwt-bearer */
      { "subject", SECRET_SCHEMA_ATTRIBUTE_STRING },
      /* hmac timestamps, databases, e-mail servers, sftp: libsecret refuses to store an
       * attribute the schema does not declare (32 at most) */
      { "timestamp", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "tolerance", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "host", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "port", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "database", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "tls", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "ca_file", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "security", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "host_key", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "private_key_file", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static void
conduit_credential_store_finalize (GObject *object)
{
  ConduitCredentialStore *self = (ConduitCredentialStore *)object;

  g_clear_pointer (&self->collection, g_free);
  g_clear_pointer (&self->env_attention, g_hash_table_unref);
  g_mutex_clear (&self->keyring_mutex);
  g_mutex_clear (&self->attention_mutex);

  G_OBJECT_CLASS (conduit_credential_store_parent_class)->finalize (object);
}

static void
conduit_credential_store_class_init (ConduitCredentialStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_credential_store_finalize;

  /**
   * ConduitCredentialStore::changed:
   * @self: the store
   * @id: the id of the credential that was saved, deleted or marked
   *
   * Emitted in the caller's main context once a save, delete or attention mark through this
   * store has succeeded, before its callback runs: lists of credentials refresh on it.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
conduit_credential_store_init (ConduitCredentialStore *self)
{
  g_mutex_init (&self->keyring_mutex);
  g_mutex_init (&self->attention_mutex);
  self->env_attention = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * conduit_credential_store_new:
 * @collection: (nullable): where new credentials go: a collection alias or D-Bus object path;
 *   %NULL for the default keyring
 *
 * Lookups search every collection; only saving a new credential uses @collection.
 *
 * Returns: (transfer full): a credential store
 */
ConduitCredentialStore *
conduit_credential_store_new (const char *collection)
{
  ConduitCredentialStore *self = g_object_new (CONDUIT_TYPE_CREDENTIAL_STORE, NULL);

  self->collection = g_strdup (collection ? collection : SECRET_COLLECTION_DEFAULT);
  return self;
}

/**
 * conduit_credential_store_get_default:
 *
 * Returns: (transfer none): the store over the default keyring, shared by the whole process
 */
ConduitCredentialStore *
conduit_credential_store_get_default (void)
{
  static ConduitCredentialStore *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, conduit_credential_store_new (NULL));

  return instance;
}

/**
 * conduit_credential_store_get_collection:
 * @self: a credential store
 *
 * Returns: the alias or object path of the collection new credentials go to
 */
const char *
conduit_credential_store_get_collection (ConduitCredentialStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self), NULL);

  return self->collection;
}

/* ------------------------------------------------------------------------------------------ */
/* Work done in threads                                                                        */


void
_conduit_credential_store_store_op_free (gpointer data)
{
  StoreOp *op = data;

  g_free (op->id);
  g_free (op->env_name);
  if (op->env_value != NULL)
    explicit_bzero (op->env_value, strlen (op->env_value));
  g_free (op->env_value);
  g_clear_object (&op->credential);
  g_free (op->answer);
  g_clear_pointer (&op->ids, g_ptr_array_unref);
  g_free (op->in_env);
  g_strfreev (op->environ);
  g_free (op);
}

StoreOp *
_conduit_credential_store_store_op_new_for_id (const char *id)
{
  StoreOp *op = g_new0 (StoreOp, 1);

  op->id = g_strdup (id);
  op->env_name = conduit_credential_dup_env_name (id);
  op->env_value = g_strdup (g_getenv (op->env_name));

  return op;
}

typedef struct
{
  GAsyncReadyCallback callback;
  gpointer            user_data;
} Forward;

static void
on_change_done (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Forward *forward = data;
  StoreOp *op = g_task_get_task_data (G_TASK (result));

  if (!g_task_had_error (G_TASK (result)))
    g_signal_emit (source, signals[CHANGED], 0, op->id);

  if (forward->callback != NULL)
    forward->callback (source, result, forward->user_data);
  g_free (forward);
}

/* Runs @func in a worker thread with @op (taken); an invalid id fails at once. For what
 * @changes the keyring, ::changed is emitted on success. */
void
_conduit_credential_store_run_in_thread (ConduitCredentialStore *self,
               gpointer                source_tag,
               StoreOp                *op,
               GTaskThreadFunc         func,
               gboolean                changes,
               GCancellable           *cancellable,
               GAsyncReadyCallback     callback,
               gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;

  if (changes)
    {
      Forward *forward = g_new0 (Forward, 1);

      forward->callback = callback;
      forward->user_data = user_data;
      callback = on_change_done;
      user_data = forward;
    }

  task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, _conduit_credential_store_store_op_free);

  if (op->id != NULL && !conduit_credential_id_is_valid (op->id))
    {
      g_task_return_new_error (task, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND,
                               _("credential “%s” is not in your keyring"), op->id);
      return;
    }

  g_task_run_in_thread (task, func);
}

gboolean
_conduit_credential_store_is_result_of (ConduitCredentialStore *self,
              GAsyncResult           *result,
              gpointer                source_tag)
{
  return CONDUIT_IS_CREDENTIAL_STORE (self) && g_task_is_valid (result, self) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

static void
return_boolean (GTask  *task,
                GError *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

SecretService *
_conduit_credential_store_get_service (GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  SecretService *service;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, cancellable, &local_error);
  if (service == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NO_KEYRING,
                   _("no keyring answers in this session (%s); on a server, give credentials "
                     "in CONDUIT_CREDENTIAL_<ID> environment variables"),
                   local_error->message);
      return NULL;
    }

  return service;
}

static gboolean
keyring_error (GError  *local_error,
               GError **error)
{
  if (local_error == NULL)
    return FALSE;

  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_error_copy (local_error));
      return TRUE;
    }

  g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
               _("the keyring refused the request: %s"), local_error->message);
  return TRUE;
}

static gboolean
is_vanished_item_error (const GError *error)
{
  /* libsecret reports an item without properties at its path as an unknown method */
  return g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD) ||
         g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT);
}

/* Unlocked items first, as libsecret's own search does. secret_service_search_sync() is not
 * used: one item deleted by another program between finding and loading it would fail the
 * whole search, so here such an item is just left out. */
GList *
_conduit_credential_store_search_items (SecretService  *service,
              const char     *id,
              gboolean        load_secrets,
              GCancellable   *cancellable,
              GError        **error)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) unlocked = NULL;
  g_auto(GStrv) locked = NULL;
  GList *items = NULL;

  if (id != NULL)
    g_hash_table_insert (attributes, (char *)ATTRIBUTE_ID, (char *)id);

  if (!secret_service_search_for_dbus_paths_sync (service, conduit_credential_store_get_schema (),
                                                  attributes, cancellable, &unlocked, &locked,
                                                  &local_error))
    {
      keyring_error (local_error, error);
      return NULL;
    }

  for (guint pass = 0; pass < 2; pass++)
    {
      char **paths = pass == 0 ? unlocked : locked;

      for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
        {
          SecretItem *item;

          item = secret_item_new_for_dbus_path_sync (service, paths[i], SECRET_ITEM_NONE,
                                                     cancellable, &local_error);
          if (item != NULL)
            {
              items = g_list_prepend (items, item);
              continue;
            }

          if (!is_vanished_item_error (local_error))
            {
              g_list_free_full (items, g_object_unref);
              keyring_error (local_error, error);
              return NULL;
            }
          g_clear_error (&local_error);
        }
    }
  items = g_list_reverse (items);

  if (load_secrets)
    {
      g_autoptr(GList) to_load = NULL;

      for (const GList *l = items; l; l = l->next)
        if (!secret_item_get_locked (l->data))
          to_load = g_list_prepend (to_load, l->data);

      if (to_load != NULL && !secret_item_load_secrets_sync (to_load, cancellable, &local_error))
        {
          g_list_free_full (items, g_object_unref);
          keyring_error (local_error, error);
          return NULL;
        }
    }

  return items;
}

static void
set_locked_error (GError     **error,
                  const char  *id)
{
  if (id != NULL)
    g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED,
                 _("the keyring that holds credential “%s” is locked: unlock it (log in again, "
                   "or use Passwords and Keys) and try again"), id);
  else
    g_set_error_literal (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED,
                         _("your keyring is locked: unlock it (log in again, or use Passwords "
                           "and Keys) and try again"));
}

static void
set_not_found_error (GError     **error,
                     const char  *id,
                     const char  *env_name,
                     gboolean     have_keyring)
{
  if (have_keyring)
    g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND,
                 _("credential “%s” is not in your keyring"), id);
  else
    g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND,
                 _("credential “%s” is not in your keyring: no keyring runs here, and %s is not "
                   "set"), id, env_name);
}

static gboolean
secrets_from_text (ConduitCredential  *credential,
                   const char         *text,
                   GError            **error)
{
  const ConduitCredentialFieldSpec *secret_field;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  secret_field = conduit_credential_kind_get_secret_field (conduit_credential_get_kind (credential));

  /* an item written by hand (secret-tool store …) holds the bare secret */
  if (text[0] != '{' || !json_parser_load_from_data (parser, text, -1, NULL))
    return conduit_credential_set_secret (credential, secret_field->key, text, error);

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return conduit_credential_set_secret (credential, secret_field->key, text, error);

  {
    JsonObject *object = json_node_get_object (root);
    g_autoptr(GList) members = json_object_get_members (object);

    for (const GList *l = members; l; l = l->next)
      {
        JsonNode *value = json_object_get_member (object, l->data);

        if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
          {
            g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                         _("the keyring item of credential “%s” holds a malformed secret “%s”"),
                         conduit_credential_get_id (credential), (const char *)l->data);
            return FALSE;
          }

        if (!conduit_credential_set_secret (credential, l->data, json_node_get_string (value),
                                            error))
          return FALSE;
      }
  }

  return TRUE;
}

ConduitCredential *
_conduit_credential_store_credential_from_item (SecretItem  *item,
                      gboolean     with_secrets,
                      GError     **error)
{
  g_autoptr(GHashTable) attributes = secret_item_get_attributes (item);
  g_autoptr(ConduitCredential) credential = NULL;
  ConduitCredentialKind kind;
  GHashTableIter iter;
  gpointer key, value;
  const char *id;

  id = g_hash_table_lookup (attributes, ATTRIBUTE_ID);
  if (!conduit_credential_id_is_valid (id) ||
      !conduit_credential_kind_from_string (g_hash_table_lookup (attributes, ATTRIBUTE_KIND),
                                            &kind))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("the keyring item “%s” has no valid credential id or kind"),
                   secret_item_get_label (item));
      return NULL;
    }

  credential = conduit_credential_new (id, kind);
  conduit_credential_set_name (credential, g_hash_table_lookup (attributes, ATTRIBUTE_NAME));
  conduit_credential_set_attention (credential,
                                    g_hash_table_lookup (attributes, ATTRIBUTE_ATTENTION));
  conduit_credential_set_locked (credential, secret_item_get_locked (item));
  conduit_credential_set_needs_sign_in (credential,
                                        g_hash_table_contains (attributes, ATTRIBUTE_SIGN_IN));

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (conduit_credential_kind_find_field (kind, key) == NULL)
        continue;

      if (!conduit_credential_set_field (credential, key, value, error))
        return NULL;
    }

  if (with_secrets)
    {
      g_autoptr(SecretValue) secret = secret_item_get_secret (item);
      const char *text;

      if (secret == NULL)
        {
          set_locked_error (error, id);
          return NULL;
        }

      text = secret_value_get_text (secret);
      if (text == NULL)
        {
          g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                       _("the keyring item of credential “%s” does not hold text"), id);
          return NULL;
        }

      if (!secrets_from_text (credential, text, error))
        return NULL;
    }

  return g_steal_pointer (&credential);
}

ConduitCredential *
_conduit_credential_store_credential_from_env (ConduitCredentialStore  *self,
                     const char              *id,
                     const char              *env_name,
                     const char              *env_value,
                     GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  ConduitCredential *credential;

  credential = conduit_credential_new_from_data (env_value, id, &local_error);
  if (credential == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("%s does not hold a usable credential: %s"), env_name, local_error->message);
      return NULL;
    }

  conduit_credential_set_from_environment (credential, TRUE);
  g_mutex_lock (&self->attention_mutex);
  conduit_credential_set_attention (credential,
                                    g_hash_table_lookup (self->env_attention,
                                                         conduit_credential_get_id (credential)));
  g_mutex_unlock (&self->attention_mutex);

  return credential;
}

static ConduitCredential *
lookup_credential (ConduitCredentialStore  *self,
                   StoreOp                 *op,
                   GCancellable            *cancellable,
                   GError                 **out_error)
{
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  GList *items;

  if (op->env_value != NULL)
    {
      credential = _conduit_credential_store_credential_from_env (self, op->id, op->env_name, op->env_value, &error);
    }
  else
    {
      g_mutex_lock (&self->keyring_mutex);
      service = _conduit_credential_store_get_service (cancellable, NULL);
      if (service == NULL)
        {
          set_not_found_error (&error, op->id, op->env_name, FALSE);
        }
      else
        {
          items = _conduit_credential_store_search_items (service, op->id, TRUE, cancellable, &error);
          if (error == NULL && items == NULL)
            set_not_found_error (&error, op->id, op->env_name, TRUE);
          else if (items != NULL)
            credential = _conduit_credential_store_credential_from_item (items->data, TRUE, &error);
          g_list_free_full (items, g_object_unref);
        }
      g_mutex_unlock (&self->keyring_mutex);
    }

  if (credential == NULL)
    {
      g_propagate_error (out_error, g_steal_pointer (&error));
      return NULL;
    }

  /* an unsafe setting (an http:// token URL) must not keep it from loading, or nobody could
   * load it to correct that without typing the secret again; saving and using it refuse it */
  if (!conduit_credential_check_complete (credential, out_error))
    return NULL;

  /* whatever leaves the store is known to the redactor before anyone can log it */
  conduit_redactor_add_credential (conduit_redactor_get_default (), credential);
  return g_steal_pointer (&credential);
}

static void
lookup_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  ConduitCredential *credential;

  credential = lookup_credential (source_object, task_data, cancellable, &error);
  if (credential == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, credential, g_object_unref);
}

/**
 * conduit_credential_store_lookup_sync:
 * @self: a credential store
 * @id: the credential's id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error, as conduit_credential_store_lookup_finish()
 *
 * The blocking form of conduit_credential_store_lookup_async(), for code that already runs in
 * a worker thread (a token refresh under its lock). Never call it from the main thread.
 *
 * Returns: (transfer full) (nullable): the credential with its secrets
 */
ConduitCredential *
conduit_credential_store_lookup_sync (ConduitCredentialStore  *self,
                                      const char              *id,
                                      GCancellable            *cancellable,
                                      GError                 **error)
{
  g_autoptr(StoreOp) op = NULL;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  op = _conduit_credential_store_store_op_new_for_id (id);
  if (!conduit_credential_id_is_valid (id))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND,
                   _("credential “%s” is not in your keyring"), id);
      return NULL;
    }

  return lookup_credential (self, op, cancellable, error);
}

/**
 * conduit_credential_store_lookup_async:
 * @self: a credential store
 * @id: the credential's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the credential
 * @user_data: data for @callback
 *
 * Loads a credential with its secrets, from `CONDUIT_CREDENTIAL_<ID>` when that is set,
 * otherwise from the keyring. Never prompts to unlock the keyring. The credential is complete
 * (conduit_credential_check_complete()), not necessarily safe to use: using it,
 * conduit_authorizer_authorize_async() applies conduit_credential_check().
 */
void
conduit_credential_store_lookup_async (ConduitCredentialStore *self,
                                       const char             *id,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (id != NULL);

  _conduit_credential_store_run_in_thread (self, conduit_credential_store_lookup_async, _conduit_credential_store_store_op_new_for_id (id),
                 lookup_thread, FALSE, cancellable, callback, user_data);
}

/**
 * conduit_credential_store_lookup_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error: %CONDUIT_CREDENTIAL_ERROR_NOT_FOUND (“credential “X”
 *   is not in your keyring”), %CONDUIT_CREDENTIAL_ERROR_LOCKED, %CONDUIT_CREDENTIAL_ERROR_INVALID
 *
 * The credential's secrets have been added to conduit_redactor_get_default().
 *
 * Returns: (transfer full) (nullable): the credential with its secrets
 */
ConduitCredential *
conduit_credential_store_lookup_finish (ConduitCredentialStore  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_lookup_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static GHashTable *
attributes_for (ConduitCredential *credential,
                const char        *attention)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) keys = conduit_credential_list_field_keys (credential);

  /* the table borrows strings that @credential owns */
  g_hash_table_insert (attributes, (char *)ATTRIBUTE_ID,
                       (char *)conduit_credential_get_id (credential));
  g_hash_table_insert (attributes, (char *)ATTRIBUTE_KIND,
                       (char *)conduit_credential_kind_to_string (conduit_credential_get_kind (credential)));
  /* get_name() falls back to the id; only a real name is stored */
  if (!g_str_equal (conduit_credential_get_name (credential), conduit_credential_get_id (credential)))
    g_hash_table_insert (attributes, (char *)ATTRIBUTE_NAME,
                         (char *)conduit_credential_get_name (credential));
  if (attention != NULL)
    g_hash_table_insert (attributes, (char *)ATTRIBUTE_ATTENTION, (char *)attention);
  /* kept in an attribute, so that a listing without secrets can show it */
  if (conduit_credential_get_needs_sign_in (credential))
    {
      g_hash_table_insert (attributes, (char *)ATTRIBUTE_SIGN_IN, (char *)"true");
      if (conduit_credential_get_attention (credential) != NULL)
        g_hash_table_insert (attributes, (char *)ATTRIBUTE_ATTENTION,
                             (char *)conduit_credential_get_attention (credential));
    }

  for (guint i = 0; i < keys->len; i++)
    g_hash_table_insert (attributes, keys->pdata[i],
                         (char *)conduit_credential_get_field (credential, keys->pdata[i]));

  return attributes;
}

static SecretValue *
secret_value_for (ConduitCredential *credential)
{
  g_autoptr(JsonNode) node = conduit_credential_to_json (credential, TRUE);
  JsonNode *secrets = json_object_get_member (json_node_get_object (node), "secrets");
  g_autofree char *text = json_to_string (secrets, FALSE);
  SecretValue *value;

  value = secret_value_new (text, -1, "text/plain");
  explicit_bzero (text, strlen (text));
  return value;
}

static char *
label_for (ConduitCredential *credential)
{
  /* what Passwords and Keys shows */
  return g_strdup_printf (_("Conduit credential “%s”"), conduit_credential_get_name (credential));
}

static gboolean
check_collection_unlocked (ConduitCredentialStore  *self,
                           SecretService           *service,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->collection[0] == '/')
    collection = secret_collection_new_for_dbus_path_sync (service, self->collection,
                                                           SECRET_COLLECTION_NONE, cancellable,
                                                           &local_error);
  else
    collection = secret_collection_for_alias_sync (service, self->collection,
                                                   SECRET_COLLECTION_NONE, cancellable,
                                                   &local_error);
  if (keyring_error (local_error, error))
    return FALSE;

  if (collection == NULL)
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NO_KEYRING,
                   _("there is no keyring “%s” to keep credentials in: create one in Passwords "
                     "and Keys"), self->collection);
      return FALSE;
    }

  if (secret_collection_get_locked (collection))
    {
      set_locked_error (error, NULL);
      return FALSE;
    }

  return TRUE;
}

static gboolean
update_item (SecretItem         *item,
             ConduitCredential  *credential,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autoptr(GHashTable) attributes = attributes_for (credential, NULL);
  g_autoptr(SecretValue) value = secret_value_for (credential);
  g_autofree char *label = label_for (credential);
  g_autoptr(GError) local_error = NULL;

  if (secret_item_get_locked (item))
    {
      set_locked_error (error, conduit_credential_get_id (credential));
      return FALSE;
    }

  /* a fresh save means somebody fixed the credential: the attention mark goes */
  if (secret_item_set_secret_sync (item, value, cancellable, &local_error) &&
      secret_item_set_attributes_sync (item, conduit_credential_store_get_schema (), attributes,
                                       cancellable, &local_error))
    secret_item_set_label_sync (item, label, cancellable, &local_error);

  return !keyring_error (local_error, error);
}

static GError *
save_credential (ConduitCredentialStore *self,
                 StoreOp                *op,
                 GCancellable           *cancellable)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  GList *items = NULL;

  g_mutex_lock (&self->keyring_mutex);

  service = _conduit_credential_store_get_service (cancellable, &error);
  if (service != NULL)
    items = _conduit_credential_store_search_items (service, op->id, FALSE, cancellable, &error);

  if (error != NULL)
    {
      /* nothing */
    }
  else if (items != NULL)
    {
      if (update_item (items->data, op->credential, cancellable, &error))
        {
          /* an item stored twice by hand would shadow this one in later lookups */
          for (const GList *l = items->next; l && error == NULL; l = l->next)
            {
              g_autoptr(GError) local_error = NULL;

              secret_item_delete_sync (l->data, cancellable, &local_error);
              keyring_error (local_error, &error);
            }
        }
    }
  else if (check_collection_unlocked (self, service, cancellable, &error))
    {
      g_autoptr(GHashTable) attributes = attributes_for (op->credential, NULL);
      g_autoptr(SecretValue) value = secret_value_for (op->credential);
      g_autofree char *label = label_for (op->credential);
      g_autoptr(GError) local_error = NULL;

      secret_service_store_sync (service, conduit_credential_store_get_schema (), attributes,
                                 self->collection, label, value, cancellable, &local_error);
      keyring_error (local_error, &error);
    }

  g_list_free_full (items, g_object_unref);
  g_mutex_unlock (&self->keyring_mutex);

  return g_steal_pointer (&error);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  return_boolean (task, save_credential (source_object, task_data, cancellable));
}

/**
 * conduit_credential_store_save_sync:
 * @self: a credential store
 * @credential: a complete credential
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for an error
 *
 * The blocking form of conduit_credential_store_save_async(), for a worker thread that must
 * keep a rotated refresh token before anything else happens. It emits no ::changed.
 *
 * Returns: %TRUE if the credential is in the keyring
 */
gboolean
conduit_credential_store_save_sync (ConduitCredentialStore  *self,
                                    ConduitCredential       *credential,
                                    GCancellable            *cancellable,
                                    GError                 **error)
{
  g_autoptr(StoreOp) op = NULL;
  GError *local_error;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), FALSE);

  if (!conduit_credential_check (credential, error))
    return FALSE;

  op = _conduit_credential_store_store_op_new_for_id (conduit_credential_get_id (credential));
  op->credential = conduit_credential_copy (credential);
  local_error = save_credential (self, op, cancellable);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_credential_store_emit_changed:
 * @self: a credential store
 * @id: the id of a credential that changed
 *
 * Emits ::changed for a change made with conduit_credential_store_save_sync() in a thread;
 * call it in the main context.
 */
void
conduit_credential_store_emit_changed (ConduitCredentialStore *self,
                                       const char             *id)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (id != NULL);

  g_signal_emit (self, signals[CHANGED], 0, id);
}

/**
 * conduit_credential_store_save_async:
 * @self: a credential store
 * @credential: a complete credential, see conduit_credential_check()
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is stored
 * @user_data: data for @callback
 *
 * Stores @credential in the keyring, replacing the one with the same id, and clears its
 * “needs attention” mark. Fails with %CONDUIT_CREDENTIAL_ERROR_LOCKED rather than prompting.
 */
void
conduit_credential_store_save_async (ConduitCredentialStore *self,
                                     ConduitCredential      *credential,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data)
{
  GError *error = NULL;
  StoreOp *op;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));

  if (!conduit_credential_check (credential, &error))
    {
      g_task_report_error (self, callback, user_data, conduit_credential_store_save_async, error);
      return;
    }

  op = _conduit_credential_store_store_op_new_for_id (conduit_credential_get_id (credential));
  op->credential = conduit_credential_copy (credential);
  _conduit_credential_store_run_in_thread (self, conduit_credential_store_save_async, op, save_thread, TRUE, cancellable,
                 callback, user_data);
}

/**
 * conduit_credential_store_save_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: %TRUE if the credential is in the keyring
 */
gboolean
conduit_credential_store_save_finish (ConduitCredentialStore  *self,
                                      GAsyncResult            *result,
                                      GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_save_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The unlocked keyring items of @op's credential, or %NULL with @error set: a credential that
 * only lives in the environment cannot be changed, one in a locked keyring not either. */
static GList *
find_items_to_change (StoreOp       *op,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *items = NULL;

  service = _conduit_credential_store_get_service (cancellable, &local_error);
  if (service != NULL)
    items = _conduit_credential_store_search_items (service, op->id, FALSE, cancellable, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (items == NULL && op->env_value != NULL)
    g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_READ_ONLY,
                 _("credential “%s” comes from the environment variable %s: unset it there"),
                 op->id, op->env_name);
  else if (items == NULL)
    set_not_found_error (error, op->id, op->env_name, TRUE);

  for (const GList *l = items; l; l = l->next)
    {
      if (secret_item_get_locked (l->data))
        {
          set_locked_error (error, op->id);
          g_list_free_full (g_steal_pointer (&items), g_object_unref);
          break;
        }
    }

  return items;
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ConduitCredentialStore *self = source_object;
  StoreOp *op = task_data;
  g_autoptr(GError) error = NULL;
  GList *items = NULL;

  g_mutex_lock (&self->keyring_mutex);

  items = find_items_to_change (op, cancellable, &error);
  for (const GList *l = items; l && error == NULL; l = l->next)
    {
      g_autoptr(GError) local_error = NULL;

      secret_item_delete_sync (l->data, cancellable, &local_error);
      keyring_error (local_error, &error);
    }

  g_list_free_full (items, g_object_unref);
  g_mutex_unlock (&self->keyring_mutex);

  return_boolean (task, g_steal_pointer (&error));
}

/**
 * conduit_credential_store_delete_async:
 * @self: a credential store
 * @id: the credential's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is gone
 * @user_data: data for @callback
 *
 * Removes the credential from the keyring.
 */
void
conduit_credential_store_delete_async (ConduitCredentialStore *self,
                                       const char             *id,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (id != NULL);

  _conduit_credential_store_run_in_thread (self, conduit_credential_store_delete_async, _conduit_credential_store_store_op_new_for_id (id),
                 delete_thread, TRUE, cancellable, callback, user_data);
}

/**
 * conduit_credential_store_delete_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: %TRUE if the credential was removed
 */
gboolean
conduit_credential_store_delete_finish (ConduitCredentialStore  *self,
                                        GAsyncResult            *result,
                                        GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_delete_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
mark_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitCredentialStore *self = source_object;
  StoreOp *op = task_data;
  g_autoptr(GError) error = NULL;
  GList *items = NULL;

  if (op->env_value != NULL)
    {
      /* an environment variable cannot be written back: remember it for this process */
      g_mutex_lock (&self->attention_mutex);
      if (op->answer != NULL)
        g_hash_table_insert (self->env_attention, g_strdup (op->id), g_strdup (op->answer));
      else
        g_hash_table_remove (self->env_attention, op->id);
      g_mutex_unlock (&self->attention_mutex);
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_mutex_lock (&self->keyring_mutex);

  items = find_items_to_change (op, cancellable, &error);
  for (const GList *l = items; l && error == NULL; l = l->next)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GHashTable) attributes = NULL;
      g_autoptr(GError) local_error = NULL;

      credential = _conduit_credential_store_credential_from_item (l->data, FALSE, &error);
      if (credential == NULL)
        break;

      attributes = attributes_for (credential, op->answer);
      secret_item_set_attributes_sync (l->data, conduit_credential_store_get_schema (),
                                       attributes, cancellable, &local_error);
      keyring_error (local_error, &error);
    }

  g_list_free_full (items, g_object_unref);
  g_mutex_unlock (&self->keyring_mutex);

  return_boolean (task, g_steal_pointer (&error));
}

/**
 * conduit_credential_store_mark_needs_attention_async:
 * @self: a credential store
 * @id: the credential's id
 * @server_answer: (nullable): what the server said when it refused the credential (status
 *   line and message); %NULL clears the mark
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the mark is stored
 * @user_data: data for @callback
 *
 * Keeps the mark in the keyring item, so the credential manager shows it after a restart.
 * Known secrets in @server_answer are redacted and it is cut to 1000 bytes.
 */
void
conduit_credential_store_mark_needs_attention_async (ConduitCredentialStore *self,
                                                     const char             *id,
                                                     const char             *server_answer,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data)
{
  StoreOp *op;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (self));
  g_return_if_fail (id != NULL);

  op = _conduit_credential_store_store_op_new_for_id (id);
  if (server_answer != NULL && *server_answer != '\0')
    {
      g_autofree char *valid = g_utf8_make_valid (server_answer, -1);
      char *answer = conduit_redactor_redact (conduit_redactor_get_default (), valid);

      if (strlen (answer) > MAX_ATTENTION_BYTES)
        {
          const char *end = answer + MAX_ATTENTION_BYTES;

          end = g_utf8_find_prev_char (answer, end + 1);
          *(char *)end = '\0';
        }
      op->answer = answer;
    }

  _conduit_credential_store_run_in_thread (self, conduit_credential_store_mark_needs_attention_async, op, mark_thread,
                 TRUE, cancellable, callback, user_data);
}

/**
 * conduit_credential_store_mark_needs_attention_finish:
 * @self: a credential store
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: %TRUE if the mark is stored
 */
gboolean
conduit_credential_store_mark_needs_attention_finish (ConduitCredentialStore  *self,
                                                      GAsyncResult            *result,
                                                      GError                 **error)
{
  g_return_val_if_fail (_conduit_credential_store_is_result_of (self, result, conduit_credential_store_mark_needs_attention_async), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

