/* conduit-flow-service.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-service"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector-registry.h"
#include "conduit-credential-store.h"
#include "conduit-flow-service.h"

/* Serving flows: what `conduit-cli serve` does for each flow it is given (its webhook with
 * secrets and handshakes, its schedule, its poll triggers), and ConduitFlowService, which
 * serves one flow that way in the caller's main context, for the app's Active switch. The
 * CLI adds worker threads, draining and an admin server around the same functions. */

typedef struct
{
  ConduitCredential *credential;
  GError            *error;
  gboolean           done;
} Lookup;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->credential = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (object),
                                                               result, &lookup->error);
  lookup->done = TRUE;
}

/* A webhook that receives an app's events ("app_events": "whatsapp-business.events") answers
 * the app's handshake as its descriptor says, with the verify token from the keyring. */
static gboolean
set_app_events (ConduitWebhookServer  *webhooks,
                ConduitFlow           *flow,
                GError               **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  GListModel *nodes = conduit_flow_get_nodes (flow);

  for (guint j = 0; j < g_list_model_get_n_items (nodes); j++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, j);
      g_autoptr(ConduitCredential) credential = NULL;
      g_auto(GStrv) parts = NULL;
      const char *events;
      const char *verify_id;
      const char *token = NULL;
      ConduitAppDescriptor *app;
      JsonObject *trigger;

      if (!g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger") ||
          (events = conduit_node_get_setting_string (node, "app_events")) == NULL || *events == '\0')
        continue;

      parts = g_strsplit (events, ".", 2);
      app = parts[1] ? conduit_connector_registry_lookup_app (conduit_connector_registry_get_default (), parts[0])
                     : NULL;
      trigger = app ? conduit_app_descriptor_find_trigger (app, parts[1]) : NULL;
      if (trigger == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (trigger, "kind", NULL), "webhook") != 0)
        {
          g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
                       _("the webhook “%s” receives the app events “%s”, which no app has: give "
                         "APP.TRIGGER, such as whatsapp-business.events (conduit-cli connector show APP)"),
                       conduit_node_get_id (node), events);
          return FALSE;
        }

      if ((verify_id = conduit_node_get_setting_string (node, "verify_credential")) != NULL &&
          *verify_id != '\0')
        {
          const ConduitCredentialFieldSpec *field;
          Lookup lookup = { 0 };

          conduit_credential_store_lookup_async (conduit_credential_store_get_default (), verify_id,
                                                 NULL, lookup_cb, &lookup);
          while (!lookup.done)
            g_main_context_iteration (context, TRUE);
          if (lookup.credential == NULL)
            {
              g_propagate_prefixed_error (error, lookup.error, _("the verify token: "));
              return FALSE;
            }
          credential = lookup.credential;
          field = conduit_credential_kind_get_secret_field (conduit_credential_get_kind (credential));
          token = field != NULL ? conduit_credential_get_secret (credential, field->key) : NULL;
        }
      conduit_webhook_server_set_app_trigger (webhooks, flow, trigger, token);
    }
  return TRUE;
}

/**
 * conduit_serve_add_webhook_flow:
 * @webhooks: a webhook server
 * @flow: a flow with a webhook trigger
 * @join_port: the port another server (another worker thread of `serve`) already listens on
 *   with shared ports, or 0 to bind the trigger's own port
 * @error: return location for an error
 *
 * Serves @flow's webhook as `conduit-cli serve` does: with its signature secret from the
 * keyring when it checks signatures (a flow that checks them does not start without it), its
 * signed timestamp scheme, and the handshake of the app whose events it receives. Credentials
 * are looked up while the thread-default main context is iterated.
 *
 * Returns: whether the flow is served
 */
gboolean
conduit_serve_add_webhook_flow (ConduitWebhookServer  *webhooks,
                                ConduitFlow           *flow,
                                guint                  join_port,
                                GError               **error)
{
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  GListModel *nodes = conduit_flow_get_nodes (flow);
  g_autoptr(ConduitCredential) credential = NULL;
  const char *secret = NULL;
  ConduitSignatureTimestamp scheme = CONDUIT_SIGNATURE_TIMESTAMP_NONE;
  guint64 tolerance = 300;
  gboolean served;

  for (guint j = 0; j < g_list_model_get_n_items (nodes); j++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, j);
      const char *id;
      const ConduitCredentialFieldSpec *field;
      Lookup lookup = { 0 };

      if (!g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger") ||
          (id = conduit_node_get_setting_string (node, "signature_credential")) == NULL)
        continue;

      /* Before serving: a flow that checks signatures must not start without its secret. */
      conduit_credential_store_lookup_async (conduit_credential_store_get_default (), id, NULL,
                                             lookup_cb, &lookup);
      while (!lookup.done)
        g_main_context_iteration (context, TRUE);
      if (lookup.credential == NULL)
        {
          g_propagate_prefixed_error (error, lookup.error, _("the signature secret: "));
          return FALSE;
        }

      credential = lookup.credential;
      field = conduit_credential_kind_get_secret_field (conduit_credential_get_kind (credential));
      secret = field != NULL ? conduit_credential_get_secret (credential, field->key) : NULL;
      if (secret == NULL || *secret == '\0')
        {
          g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
                       _("the credential “%s” holds no secret to check signatures with"), id);
          return FALSE;
        }
      if (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_HMAC)
        {
          const char *timestamp = conduit_credential_get_field (credential, "timestamp");
          const char *within = conduit_credential_get_field (credential, "tolerance");

          if (g_strcmp0 (timestamp, "stripe") == 0)
            scheme = CONDUIT_SIGNATURE_TIMESTAMP_STRIPE;
          else if (g_strcmp0 (timestamp, "slack") == 0)
            scheme = CONDUIT_SIGNATURE_TIMESTAMP_SLACK;
          if (scheme != CONDUIT_SIGNATURE_TIMESTAMP_NONE &&
              !g_ascii_string_to_unsigned (within, 10, 1, 86400, &tolerance, NULL))
            {
              g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR,
                           CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
                           _("the credential “%s” has a tolerance “%s”; give a number of "
                             "seconds from 1 to 86400"), id, within ? within : "");
              return FALSE;
            }
        }
      break;
    }

  if (join_port != 0)
    served = conduit_webhook_server_join_flow (webhooks, flow, NULL, secret, join_port, error);
  else
    served = conduit_webhook_server_add_flow (webhooks, flow, NULL, secret, error);
  if (served && scheme != CONDUIT_SIGNATURE_TIMESTAMP_NONE)
    conduit_webhook_server_set_signature_timestamp (webhooks, flow, scheme, (guint)tolerance);
  return served && set_app_events (webhooks, flow, error);
}

/**
 * conduit_serve_find_triggers:
 * @flow: a flow
 * @webhook: (out) (optional): whether it has a webhook trigger
 * @schedule: (out) (optional): whether it has a schedule trigger
 *
 * Returns: whether @flow has either
 */
gboolean
conduit_serve_find_triggers (ConduitFlow *flow,
                             gboolean    *webhook,
                             gboolean    *schedule)
{
  GListModel *nodes;
  gboolean has_webhook = FALSE, has_schedule = FALSE;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);

  nodes = conduit_flow_get_nodes (flow);
  for (guint j = 0; j < g_list_model_get_n_items (nodes); j++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, j);
      const char *type = conduit_node_get_connector_id (node);

      has_webhook |= g_str_equal (type, "webhook-trigger");
      has_schedule |= g_str_equal (type, "schedule-trigger");
    }

  if (webhook != NULL)
    *webhook = has_webhook;
  if (schedule != NULL)
    *schedule = has_schedule;
  return has_webhook || has_schedule;
}

/**
 * conduit_serve_add_timed_triggers:
 * @scheduler: a scheduler
 * @flow: a flow
 * @scheduled: (out) (optional): whether its schedule trigger was scheduled
 * @n_polls: (out) (optional): how many of its poll triggers (New E-mail, New File on SFTP, apps'
 *   new records) now poll
 * @error: return location for an error
 *
 * Schedules @flow's schedule trigger, if it has one, and starts polling its poll triggers, as
 * `conduit-cli serve` does.
 *
 * Returns: %FALSE when its schedule cannot be used (then nothing of @flow was added)
 */
gboolean
conduit_serve_add_timed_triggers (ConduitScheduler  *scheduler,
                                  ConduitFlow       *flow,
                                  gboolean          *scheduled,
                                  guint             *n_polls,
                                  GError           **error)
{
  gboolean has_schedule = FALSE;
  guint polls;

  g_return_val_if_fail (CONDUIT_IS_SCHEDULER (scheduler), FALSE);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);

  if (scheduled != NULL)
    *scheduled = FALSE;
  if (n_polls != NULL)
    *n_polls = 0;

  conduit_serve_find_triggers (flow, NULL, &has_schedule);
  if (has_schedule && !conduit_scheduler_add_flow (scheduler, flow, NULL, error))
    return FALSE;

  polls = conduit_scheduler_add_poll_triggers (scheduler, flow);
  if (scheduled != NULL)
    *scheduled = has_schedule;
  if (n_polls != NULL)
    *n_polls = polls;
  return TRUE;
}

/* ConduitFlowService */

struct _ConduitFlowService
{
  GObject               parent_instance;

  ConduitRunner        *runner;
  ConduitFlow          *flow;       /* (nullable) while not started */
  ConduitWebhookServer *webhooks;   /* (nullable) without a webhook trigger */
  ConduitScheduler     *scheduler;  /* (nullable) */
  /* stopped schedulers whose runs had not ended yet: conduit_flow_service_get_n_active() */
  GPtrArray            *stopped_schedulers;
  gboolean              scheduled;
  guint                 n_polls;
};

G_DEFINE_FINAL_TYPE (ConduitFlowService, conduit_flow_service, G_TYPE_OBJECT)

static void
conduit_flow_service_dispose (GObject *object)
{
  ConduitFlowService *self = (ConduitFlowService *)object;

  conduit_flow_service_stop (self);
  g_clear_pointer (&self->stopped_schedulers, g_ptr_array_unref);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (conduit_flow_service_parent_class)->dispose (object);
}

static void
conduit_flow_service_class_init (ConduitFlowServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_flow_service_dispose;
}

static void
conduit_flow_service_init (ConduitFlowService *self)
{
}

/**
 * conduit_flow_service_new:
 * @runner: the runner that runs (and records) what the triggers start
 *
 * Returns: (transfer full): a service serving nothing yet
 */
ConduitFlowService *
conduit_flow_service_new (ConduitRunner *runner)
{
  ConduitFlowService *self;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);

  self = g_object_new (CONDUIT_TYPE_FLOW_SERVICE, NULL);
  self->runner = g_object_ref (runner);
  return self;
}

/**
 * conduit_flow_service_start:
 * @self: a service that is not started
 * @flow: the flow to serve; the service keeps it as it is now (a copy)
 * @error: return location for an error
 *
 * Serves @flow's webhook, schedule and poll triggers in the thread-default main context, as
 * `conduit-cli serve` does: every run goes through the service's runner and into its history.
 * Fails, serving nothing, when the webhook's port cannot be listened on, a secret is missing,
 * the schedule is wrong, or the flow has no trigger to serve.
 *
 * Returns: whether the flow is served
 */
gboolean
conduit_flow_service_start (ConduitFlowService  *self,
                            ConduitFlow         *flow,
                            GError             **error)
{
  g_autoptr(ConduitFlow) copy = NULL;
  g_autoptr(ConduitWebhookServer) webhooks = NULL;
  g_autoptr(ConduitScheduler) scheduler = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  gboolean has_webhook = FALSE;

  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), FALSE);
  g_return_val_if_fail (self->flow == NULL, FALSE);

  /* Edits in the editor must not reach the flow being served half-way through a run. */
  data = conduit_flow_to_data (flow, &length);
  copy = conduit_flow_new_from_data (conduit_runner_get_registry (self->runner), data,
                                     (gssize)length, NULL, error);
  if (copy == NULL)
    return FALSE;

  conduit_serve_find_triggers (copy, &has_webhook, NULL);
  if (has_webhook)
    {
      webhooks = conduit_webhook_server_new (self->runner);
      if (!conduit_serve_add_webhook_flow (webhooks, copy, 0, error))
        return FALSE;
    }

  scheduler = conduit_scheduler_new (self->runner);
  if (!conduit_serve_add_timed_triggers (scheduler, copy, &self->scheduled, &self->n_polls,
                                         error))
    {
      if (webhooks != NULL)
        conduit_webhook_server_stop (webhooks);
      return FALSE;
    }

  if (webhooks == NULL && !self->scheduled && self->n_polls == 0)
    {
      conduit_scheduler_stop (scheduler);
      g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_NO_TRIGGER,
                   _("“%s” has no webhook, schedule or poll trigger; nothing to serve"),
                   conduit_flow_get_name (copy));
      return FALSE;
    }

  self->flow = g_steal_pointer (&copy);
  self->webhooks = g_steal_pointer (&webhooks);
  self->scheduler = g_steal_pointer (&scheduler);
  return TRUE;
}

/**
 * conduit_flow_service_stop:
 * @self: a service
 *
 * Stops serving: the webhook's port is closed at once and the schedules and polls stop. Runs
 * already going finish, and are recorded, on the runner.
 */
void
conduit_flow_service_stop (ConduitFlowService *self)
{
  g_return_if_fail (CONDUIT_IS_FLOW_SERVICE (self));

  if (self->webhooks != NULL)
    conduit_webhook_server_stop (self->webhooks);
  if (self->scheduler != NULL)
    {
      conduit_scheduler_stop (self->scheduler);
      /* its runs go on: kept to count them until they end */
      if (conduit_scheduler_get_n_active (self->scheduler) > 0)
        {
          if (self->stopped_schedulers == NULL)
            self->stopped_schedulers = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (self->stopped_schedulers, g_object_ref (self->scheduler));
        }
    }
  g_clear_object (&self->webhooks);
  g_clear_object (&self->scheduler);
  g_clear_object (&self->flow);
  self->scheduled = FALSE;
  self->n_polls = 0;
}

/**
 * conduit_flow_service_get_n_active:
 * @self: a service
 *
 * The runs its schedules and polls started that have not ended, counting those of a stopped
 * service: a run starts on the runner a moment after its tick (see
 * conduit_runner_get_n_active()), so the runner alone can look idle while one is on its way.
 *
 * Returns: how many runs it started are going on
 */
guint
conduit_flow_service_get_n_active (ConduitFlowService *self)
{
  guint n_active = 0;

  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), 0);

  if (self->scheduler != NULL)
    n_active += conduit_scheduler_get_n_active (self->scheduler);
  for (guint i = 0; self->stopped_schedulers != NULL && i < self->stopped_schedulers->len; )
    {
      guint n = conduit_scheduler_get_n_active (g_ptr_array_index (self->stopped_schedulers, i));

      if (n == 0)
        g_ptr_array_remove_index_fast (self->stopped_schedulers, i);
      else
        {
          n_active += n;
          i++;
        }
    }
  return n_active;
}

/**
 * conduit_flow_service_get_started:
 * @self: a service
 *
 * Returns: whether it serves a flow
 */
gboolean
conduit_flow_service_get_started (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), FALSE);

  return self->flow != NULL;
}

/**
 * conduit_flow_service_get_flow:
 * @self: a service
 *
 * Returns: (transfer none) (nullable): the copy of the flow being served
 */
ConduitFlow *
conduit_flow_service_get_flow (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), NULL);

  return self->flow;
}

/**
 * conduit_flow_service_dup_url:
 * @self: a service
 *
 * Returns: (transfer full) (nullable): the address the webhook is served on, as it is bound
 *   (with the port picked for port 0), or %NULL without a webhook
 */
char *
conduit_flow_service_dup_url (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), NULL);

  if (self->webhooks == NULL)
    return NULL;
  return conduit_webhook_server_dup_url (self->webhooks, self->flow);
}

/**
 * conduit_flow_service_get_next_us:
 * @self: a service
 *
 * Returns: when the schedule fires next (wall clock, µs), or 0 without a schedule
 */
gint64
conduit_flow_service_get_next_us (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), 0);

  if (self->scheduler == NULL || !self->scheduled)
    return 0;
  return conduit_scheduler_get_next_us (self->scheduler, self->flow);
}

/**
 * conduit_flow_service_get_n_polls:
 * @self: a service
 *
 * Returns: how many poll triggers poll
 */
guint
conduit_flow_service_get_n_polls (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), 0);

  return self->n_polls;
}

/**
 * conduit_flow_service_get_webhook_server:
 * @self: a service
 *
 * Returns: (transfer none) (nullable): the webhook server, while a webhook is served
 */
ConduitWebhookServer *
conduit_flow_service_get_webhook_server (ConduitFlowService *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW_SERVICE (self), NULL);

  return self->webhooks;
}
