/* conduit-authorizer-sign-in.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-authorizer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-authorizer-private.h"
#include "conduit-oauth-token.h"

/* Access tokens of oauth2-authorization-code credentials (a browser sign-in). The tokens live
 * in the credential's secret. An access token is used until about a minute before it expires
 * (measured on the authorizer's clock, so tests can step over an hour), then renewed with the
 * refresh token in a worker thread under the credential's lock (conduit_oauth_refresh_sync()).
 * Requests that need a token meanwhile wait for that one refresh. A refused refresh marks the
 * credential “needs sign-in again”; nothing here ever opens a browser.
 */

typedef struct
{
  ConduitAuthorizer      *self;
  ConduitCredential      *credential;  /* the one the caller passed: it gets the new tokens */
  ConduitCredential      *base;        /* the newest tokens known in this authorizer */
  ConduitCredentialStore *store;       /* NULL for a credential from the environment */
  SoupSession            *session;
  char                   *stale_token;
} RefreshOp;

static void
refresh_op_free (gpointer data)
{
  RefreshOp *op = data;

  g_clear_object (&op->self);
  g_clear_object (&op->credential);
  g_clear_object (&op->base);
  g_clear_object (&op->store);
  g_clear_object (&op->session);
  g_free (op->stale_token);
  g_free (op);
}

static void
set_needs_sign_in_error (GError            **error,
                         ConduitCredential  *credential)
{
  const char *id = conduit_credential_get_id (credential);

  g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN,
               _("credential “%s” needs you to sign in again: open it in Conduit and choose "
                 "Sign In, or run “conduit-cli credential sign-in %s”"), id, id);
}

/* Takes the access token a credential brings (from the keyring) when the entry has none. */
static void
seed_entry (ConduitAuthorizer *self,
            TokenEntry        *entry,
            ConduitCredential *credential)
{
  const char *access_token = conduit_credential_get_secret (credential, "access_token");
  const char *expires_at = conduit_credential_get_secret (credential, "expires_at");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 margin;
  gint64 left;

  if (access_token == NULL || g_strcmp0 (access_token, entry->stale_token) == 0)
    return;

  g_free (entry->access_token);
  entry->access_token = g_strdup (access_token);
  conduit_redactor_add_secret (self->redactor, access_token);

  if (expires_at == NULL)
    {
      entry->refresh_at = G_MAXINT64;
      return;
    }

  /* the keyring holds wall-clock time (it outlives the process); the entry the clock's time */
  left = g_ascii_strtoll (expires_at, NULL, 10) - now;
  left = CLAMP (left, 0, G_MAXINT32);
  /* a minute early; a token with less than that left halfway, so that one living only seconds
   * is not renewed on every request */
  margin = left > CONDUIT_OAUTH_REFRESH_MARGIN_SECONDS ? CONDUIT_OAUTH_REFRESH_MARGIN_SECONDS
                                                        : left / 2;
  entry->refresh_at = self->clock (self->clock_data) + (left - margin) * G_USEC_PER_SEC;
}

static void
refresh_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RefreshOp *op = task_data;
  g_autoptr(SoupSession) session = conduit_oauth_session_new_like (op->session);
  GError *error = NULL;
  ConduitCredential *fresh;

  fresh = conduit_oauth_refresh_sync (session, op->store, op->base, op->stale_token,
                                      cancellable, &error);
  if (fresh == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, fresh, g_object_unref);
}

static void
copy_tokens (ConduitCredential *to,
             ConduitCredential *from)
{
  static const char * const keys[] = { "refresh_token", "access_token", "expires_at" };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    conduit_credential_set_secret (to, keys[i], conduit_credential_get_secret (from, keys[i]),
                                   NULL);
}

static void
on_refreshed (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ConduitAuthorizer *self = CONDUIT_AUTHORIZER (source);
  RefreshOp *op = g_task_get_task_data (G_TASK (result));
  const char *id = conduit_credential_get_id (op->credential);
  g_autoptr(ConduitCredential) fresh = NULL;
  g_autoptr(GError) error = NULL;
  TokenEntry *entry = g_hash_table_lookup (self->tokens, id);

  g_assert (entry != NULL);

  fresh = g_task_propagate_pointer (G_TASK (result), &error);
  if (fresh == NULL)
    {
      if (g_error_matches (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NEEDS_SIGN_IN))
        {
          /* later runs fail at once instead of asking the server again */
          conduit_credential_set_needs_sign_in (op->credential, TRUE);
          if (entry->latest != NULL)
            conduit_credential_set_needs_sign_in (entry->latest, TRUE);
          /* the credential manager shows the banner */
          if (op->store != NULL)
            conduit_credential_store_emit_changed (op->store, id);
        }

      g_debug ("Could not renew the sign-in of credential “%s”: %s", id, error->message);
      _conduit_authorizer_complete_waiters (self, id, error);
      return;
    }

  conduit_redactor_add_credential (self->redactor, fresh);
  copy_tokens (op->credential, fresh);
  g_set_object (&entry->latest, fresh);
  g_clear_pointer (&entry->access_token, g_free);
  seed_entry (self, entry, fresh);

  if (entry->access_token == NULL)
    {
      g_autoptr(GError) stale = NULL;

      /* the endpoint answered with the very token a server just refused */
      g_set_error (&stale, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_FAILED,
                   _("the token endpoint of credential “%s” sent back a token that was "
                     "already refused"), id);
      _conduit_authorizer_complete_waiters (self, id, stale);
      return;
    }

  _conduit_authorizer_complete_waiters (self, id, NULL);
}

/* Called by conduit_authorizer_authorize_async() for an oauth2-authorization-code credential;
 * takes @task, whose task data is the message to authorize. */
void
_conduit_authorizer_authorize_sign_in (ConduitAuthorizer *self,
                                       ConduitCredential *credential,
                                       GTask             *task)
{
  g_autoptr(GTask) owned = task;
  g_autoptr(GTask) refresh = NULL;
  GError *error = NULL;
  TokenEntry *entry;
  ConduitCredential *base;
  RefreshOp *op;

  g_assert (CONDUIT_IS_AUTHORIZER (self));
  g_assert (G_IS_TASK (task));

  entry = _conduit_authorizer_lookup_token_entry (self, credential);
  base = entry->latest ? entry->latest : credential;

  if (conduit_credential_get_needs_sign_in (credential) || !conduit_credential_is_signed_in (base))
    {
      set_needs_sign_in_error (&error, credential);
      g_task_return_error (owned, error);
      return;
    }

  if (entry->waiters == NULL && entry->access_token == NULL)
    seed_entry (self, entry, base);

  if (entry->waiters == NULL && entry->access_token != NULL &&
      self->clock (self->clock_data) < entry->refresh_at)
    {
      _conduit_authorizer_set_authorization (g_task_get_task_data (owned), "Bearer",
                                             entry->access_token);
      g_task_return_boolean (owned, TRUE);
      return;
    }

  if (entry->waiters != NULL)
    {
      g_ptr_array_add (entry->waiters, g_steal_pointer (&owned));
      return;
    }

  entry->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (entry->waiters, g_steal_pointer (&owned));

  op = g_new0 (RefreshOp, 1);
  op->self = g_object_ref (self);
  op->credential = g_object_ref (credential);
  op->base = conduit_credential_copy (base);
  if (!conduit_credential_get_from_environment (credential))
    op->store = g_object_ref (_conduit_authorizer_get_lookup_store (self));
  op->session = g_object_ref (self->session);
  /* the token in hand is too old (or was refused): the thread must not settle for it */
  op->stale_token = g_strdup (entry->access_token ? entry->access_token : entry->stale_token);
  if (op->stale_token == NULL)
    op->stale_token = g_strdup (conduit_credential_get_secret (base, "access_token"));

  /* one waiter giving up must not cancel the refresh the others wait for */
  refresh = g_task_new (self, NULL, on_refreshed, NULL);
  g_task_set_source_tag (refresh, _conduit_authorizer_authorize_sign_in);
  g_task_set_task_data (refresh, op, refresh_op_free);
  g_task_run_in_thread (refresh, refresh_thread);
}
