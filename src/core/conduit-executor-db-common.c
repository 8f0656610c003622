/* conduit-executor-db-common.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-db"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-db-common.h"
#include "conduit-run.h"

/**
 * conduit_db_target_read:
 * @target: (out caller-allocates): where the node's database is
 * @node: a database step
 * @connector: its connector
 * @error: return location for an error
 *
 * Reads the "credential" and "sqlite_file" settings; exactly one must be set.
 *
 * Returns: %FALSE with @error when neither or both are
 */
gboolean
conduit_db_target_read (ConduitDbTarget   *target,
                        ConduitNode       *node,
                        ConduitConnector  *connector,
                        GError           **error)
{
  g_autofree char *credential = conduit_node_dup_string_setting (node, connector, "credential");
  g_autofree char *file = conduit_node_dup_string_setting (node, connector, "sqlite_file");
  gboolean has_credential = credential != NULL && *credential != '\0';
  gboolean has_file = file != NULL && *file != '\0';

  if (has_credential == has_file)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   has_file ? _("“%s” names both a credential and a SQLite file: keep one")
                            : _("“%s” needs a database: a PostgreSQL or MySQL credential, or a "
                                "SQLite file"),
                   conduit_node_get_id (node));
      return FALSE;
    }

  target->credential_id = has_credential ? g_steal_pointer (&credential) : NULL;
  target->sqlite_file = has_file ? g_steal_pointer (&file) : NULL;
  return TRUE;
}

/**
 * conduit_db_target_clear:
 * @target: a target
 *
 * Frees what @target holds.
 */
void
conduit_db_target_clear (ConduitDbTarget *target)
{
  g_clear_pointer (&target->credential_id, g_free);
  g_clear_pointer (&target->sqlite_file, g_free);
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ConduitCredential) credential = NULL;
  ConduitDbParams *params;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  params = conduit_db_params_new_from_credential (credential, &error);
  if (params == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, params, (GDestroyNotify)conduit_db_params_free);
}

/**
 * conduit_db_target_params_async:
 * @target: a target
 * @run: the run
 * @cancellable: (nullable): cancels the lookup
 * @callback: called with the settings
 * @user_data: data for @callback
 *
 * Looks up the connection settings: the credential (from the keyring or the environment, its
 * password then redacted from the run's history) or the SQLite file.
 */
void
conduit_db_target_params_async (ConduitDbTarget     *target,
                                ConduitRun          *run,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_db_target_params_async);

  if (target->credential_id == NULL)
    {
      g_task_return_pointer (task, conduit_db_params_new_sqlite (target->sqlite_file),
                             (GDestroyNotify)conduit_db_params_free);
      return;
    }

  conduit_run_lookup_credential_async (run, target->credential_id, cancellable, credential_cb,
                                       g_steal_pointer (&task));
}

/**
 * conduit_db_target_params_finish:
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the connection settings, or %NULL with @error
 */
ConduitDbParams *
conduit_db_target_params_finish (GAsyncResult  *result,
                                 GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
