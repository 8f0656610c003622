/* conduit-executor-sftp-poll.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-sftp-poll"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-executor-sftp.h"
#include "conduit-history-store.h"
#include "conduit-run.h"
#include "conduit-sftp.h"

/* New File on SFTP: a trigger that, each time a run starts from it (the scheduler polls it
 * every poll_seconds), lists a folder and passes on the files matching a pattern that it has
 * not passed on before, oldest first. A file's key is its path, size and modification time,
 * marked seen in the history database before the file is passed on: each file fires once,
 * across restarts; a file replaced by a new one under the same name (another size or time)
 * fires again, as new data. A file changed less than min_age_seconds ago is left for the next
 * poll, so one still being written is not read half-way.
 *
 * A run without a history (a test run that records nothing) shows the newest matching files
 * and marks none of them. */

struct _ConduitExecutorSftpPoll
{
  GObject              parent_instance;

  char                *credential_id;
  char                *folder;
  GPatternSpec        *pattern;
  guint                max_files;
  gint64               min_age_s;
  guint                timeout_s;
  char                *flow_name;
  char                *node_id;
  ConduitHistoryStore *history;    /* (nullable) */
  ConduitSftpServer   *server;
  gint64               now_s;      /* the run's clock when it started */
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorSftpPoll, conduit_executor_sftp_poll, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_sftp_poll_finalize (GObject *object)
{
  ConduitExecutorSftpPoll *self = (ConduitExecutorSftpPoll *)object;

  g_free (self->credential_id);
  g_free (self->folder);
  g_clear_pointer (&self->pattern, g_pattern_spec_free);
  g_free (self->flow_name);
  g_free (self->node_id);
  g_clear_object (&self->history);
  g_clear_pointer (&self->server, conduit_sftp_server_free);

  G_OBJECT_CLASS (conduit_executor_sftp_poll_parent_class)->finalize (object);
}

static void
conduit_executor_sftp_poll_class_init (ConduitExecutorSftpPollClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_sftp_poll_finalize;
}

static void
conduit_executor_sftp_poll_init (ConduitExecutorSftpPoll *self)
{
}

static gboolean
conduit_executor_sftp_poll_prepare (ConduitExecutor  *executor,
                                    ConduitRun       *run,
                                    ConduitNode      *node,
                                    GError          **error)
{
  ConduitExecutorSftpPoll *self = CONDUIT_EXECUTOR_SFTP_POLL (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *pattern = conduit_node_dup_string_setting (node, connector, "pattern");

  self->node_id = g_strdup (conduit_node_get_id (node));
  self->flow_name = g_strdup (conduit_run_get_flow_name (run));
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  self->folder = conduit_node_dup_string_setting (node, connector, "folder");
  self->pattern = g_pattern_spec_new (pattern != NULL && *pattern != '\0' ? pattern : "*");
  self->max_files = (guint)CLAMP (conduit_node_get_int_setting (node, connector, "max_files", 50),
                                  1, 10000);
  self->min_age_s = CLAMP (conduit_node_get_int_setting (node, connector, "min_age_seconds", 0),
                           0, 86400);
  self->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 60), 1, 600);
  if (conduit_run_get_history (run) != NULL)
    self->history = g_object_ref (conduit_run_get_history (run));

  if (self->credential_id == NULL || *self->credential_id == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a file server credential (sftp)"), self->node_id);
      return FALSE;
    }
  if (self->folder == NULL || *self->folder == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs the folder to watch"), self->node_id);
      return FALSE;
    }
  return TRUE;
}

static char *
file_key (ConduitSftpEntry *entry)
{
  return g_strdup_printf ("file:%s|%" G_GUINT64_FORMAT "|%" G_GINT64_FORMAT, entry->path,
                          entry->size, entry->modified);
}

static void
poll_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ConduitExecutorSftpPoll *self = source_object;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  g_autoptr(ConduitSftpSession) session = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) matching = g_ptr_array_new ();
  GError *error = NULL;
  guint first = 0;
  guint fired = 0;

  session = conduit_sftp_session_open (self->server, self->timeout_s, NULL, &error);
  if (session == NULL)
    {
      int code = error->domain == CONDUIT_SFTP_ERROR &&
                 (error->code == CONDUIT_SFTP_ERROR_AUTH ||
                  error->code == CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN ||
                  error->code == CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED)
                 ? CONDUIT_EXECUTOR_ERROR_CREDENTIAL : CONDUIT_EXECUTOR_ERROR_FAILED;

      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, code, "%s", error->message);
      g_error_free (error);
      return;
    }

  entries = conduit_sftp_session_list (session, self->folder, &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  for (guint i = 0; i < entries->len; i++)
    {
      ConduitSftpEntry *entry = g_ptr_array_index (entries, i);

      /* hidden files are the ones uploads are written to before they are renamed */
      if (!entry->is_regular || entry->name[0] == '.' ||
          !g_pattern_spec_match_string (self->pattern, entry->name))
        continue;
      if (self->min_age_s > 0 && self->now_s - entry->modified < self->min_age_s)
        continue;
      g_ptr_array_add (matching, entry);
    }

  /* a test run without history shows the newest; a poll goes on oldest first */
  if (self->history == NULL && matching->len > self->max_files)
    first = matching->len - self->max_files;

  for (guint i = first; i < matching->len && fired < self->max_files; i++)
    {
      ConduitSftpEntry *entry = g_ptr_array_index (matching, i);
      g_autofree char *key = file_key (entry);
      JsonNode *item;
      gboolean newly_seen = TRUE;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;
      if (self->history != NULL &&
          !conduit_history_store_mark_seen (self->history, self->flow_name, self->node_id, key,
                                            &newly_seen, &error))
        break;
      if (!newly_seen)
        continue;

      item = conduit_sftp_entry_to_json (entry);
      json_object_set_string_member (json_node_get_object (item), "folder", self->folder);
      conduit_executor_output_add (output, "out", item);
      fired++;
    }

  if (error != NULL && fired == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  if (error != NULL)
    {
      /* the files marked so far are passed on; the rest are not marked and come next time */
      g_debug ("“%s” stopped after %u files: %s", self->node_id, fired, error->message);
      g_error_free (error);
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitExecutorSftpPoll *self = g_task_get_source_object (task);
  g_autoptr(ConduitCredential) credential = NULL;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_clear_pointer (&self->server, conduit_sftp_server_free);
  self->server = conduit_sftp_server_new_from_credential (credential, &error);
  if (self->server == NULL)
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                               "%s", error->message);
      g_error_free (error);
      return;
    }
  g_task_run_in_thread (task, poll_thread);
}

static void
conduit_executor_sftp_poll_execute_async (ConduitExecutor     *executor,
                                          ConduitRun          *run,
                                          ConduitNode         *node,
                                          GPtrArray           *items,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  ConduitExecutorSftpPoll *self = CONDUIT_EXECUTOR_SFTP_POLL (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  /* Whatever started the run, the trigger lists the folder once. */
  g_task_set_source_tag (task, conduit_executor_sftp_poll_execute_async);
  self->now_s = conduit_clock_get_wall_us (conduit_run_get_clock (run)) / G_USEC_PER_SEC;
  conduit_run_lookup_credential_async (run, self->credential_id, cancellable, credential_cb,
                                       g_steal_pointer (&task));
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_sftp_poll_prepare;
  iface->execute_async = conduit_executor_sftp_poll_execute_async;
}
