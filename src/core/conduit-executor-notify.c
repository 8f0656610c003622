/* conduit-executor-notify.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-notify"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-executor-http.h"
#include "conduit-executor-notify.h"
#include "conduit-executor-text.h"

/* Posts `{"text": MESSAGE}` per item to a Slack-compatible incoming webhook. Messages go one at
 * a time so that a channel reads them in the order the items came. */

struct _ConduitExecutorNotify
{
  GObject                parent_instance;

  ConduitRun            *run;
  ConduitNode           *node;
  ConduitRetryPolicy    *policy;
  ConduitExecutorText   *url;
  ConduitExecutorText   *message;
  char                  *credential_id;
  ConduitCredential     *credential;

  GTask                 *task;
  GPtrArray             *items;
  ConduitExecutorOutput *output;
  guint                  next;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorNotify, conduit_executor_notify, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_notify_finalize (GObject *object)
{
  ConduitExecutorNotify *self = (ConduitExecutorNotify *)object;

  g_clear_object (&self->run);
  g_clear_object (&self->node);
  g_clear_object (&self->policy);
  g_clear_pointer (&self->url, conduit_executor_text_free);
  g_clear_pointer (&self->message, conduit_executor_text_free);
  g_free (self->credential_id);
  g_clear_object (&self->credential);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->output, conduit_executor_output_free);

  G_OBJECT_CLASS (conduit_executor_notify_parent_class)->finalize (object);
}

static void
conduit_executor_notify_class_init (ConduitExecutorNotifyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_notify_finalize;
}

static void
conduit_executor_notify_init (ConduitExecutorNotify *self)
{
}

static gboolean
conduit_executor_notify_prepare (ConduitExecutor  *executor,
                                 ConduitRun       *run,
                                 ConduitNode      *node,
                                 GError          **error)
{
  ConduitExecutorNotify *self = CONDUIT_EXECUTOR_NOTIFY (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *url = conduit_node_dup_string_setting (node, connector, "webhook_url");
  g_autofree char *message = conduit_node_dup_string_setting (node, connector, "message");

  self->run = g_object_ref (run);
  self->node = g_object_ref (node);
  self->policy = conduit_retry_policy_new_for_node (node, connector);
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");

  if (url == NULL || message == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   url == NULL ? _("the webhook URL is empty") : _("the message is empty"));
      return FALSE;
    }

  self->url = conduit_executor_text_new_template (url, _("the webhook URL"), error);
  if (self->url == NULL)
    return FALSE;
  self->message = conduit_executor_text_new_template (message, _("the message"), error);
  return self->message != NULL;
}

static void send_next (ConduitExecutorNotify *self);

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ConduitExecutorNotify) self = user_data;
  JsonNode *item = g_ptr_array_index (self->items, self->next);
  g_autoptr(ConduitHttpOutcome) outcome = NULL;
  GError *error = NULL;

  outcome = conduit_http_send_finish (result, &error);
  if (outcome == NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, error);
      return;
    }

  if (outcome->ok)
    conduit_executor_output_add (self->output, "out", json_node_ref (item));
  else
    conduit_executor_output_add_error (self->output, "error", item, outcome->error_kind,
                                       outcome->error_message, outcome->status, outcome->attempts);

  self->next++;
  send_next (self);
}

static void
send_next (ConduitExecutorNotify *self)
{
  while (self->next < self->items->len)
    {
      JsonNode *item = g_ptr_array_index (self->items, self->next);
      g_autoptr(GError) error = NULL;
      g_autofree char *url = conduit_executor_text_render (self->url, item, &error);
      g_autofree char *text = url ? conduit_executor_text_render (self->message, item, &error) : NULL;
      g_autoptr(JsonBuilder) builder = NULL;
      g_autoptr(JsonNode) body = NULL;
      ConduitHttpRequest *request;
      char *data;

      if (text == NULL)
        {
          conduit_executor_output_add_error (self->output, "error", item, "invalid",
                                             error->message, 0, 0);
          self->next++;
          continue;
        }

      builder = json_builder_new_immutable ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      data = json_to_string (body, FALSE);

      request = conduit_http_request_new ("POST", url);
      request->content_type = g_strdup ("application/json");
      request->body = g_bytes_new_take (data, strlen (data));
      request->credential_id = g_strdup (self->credential_id);
      if (self->credential != NULL)
        request->credential = g_object_ref (self->credential);
      conduit_http_send_async (self->run, conduit_node_get_id (self->node), self->next,
                               self->policy, request, g_task_get_cancellable (self->task),
                               sent_cb, g_object_ref (self));
      return;
    }

  {
    g_autoptr(GTask) task = g_steal_pointer (&self->task);
    g_task_return_pointer (task, g_steal_pointer (&self->output),
                           (GDestroyNotify)conduit_executor_output_free);
  }
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitExecutorNotify) self = user_data;
  GError *error = NULL;

  self->credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (self->credential == NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, error);
      return;
    }

  send_next (self);
}

static void
conduit_executor_notify_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ConduitExecutorNotify *self = CONDUIT_EXECUTOR_NOTIFY (executor);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, conduit_executor_notify_execute_async);
  self->items = g_ptr_array_ref (items);
  self->output = conduit_executor_output_new ();

  if (self->credential_id != NULL)
    {
      conduit_run_lookup_credential_async (run, self->credential_id, cancellable, credential_cb,
                                           g_object_ref (self));
      return;
    }

  send_next (self);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_notify_prepare;
  iface->execute_async = conduit_executor_notify_execute_async;
}
