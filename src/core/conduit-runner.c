/* conduit-runner.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-runner"

#include "config.h"

#include "conduit-runner.h"
#include "conduit-executor.h"

/* The runner is what the app's Run button and `conduit-cli` hold: it owns what runs share (the
 * connector registry, the history, one HTTP session with its connection pool, the clock) and
 * announces every run's progress through its signals, so the editor can light up nodes as items
 * pass. The work of one run is in ConduitRun.
 *
 * The runner, not the registry, knows which executor does the work of a connector type: the
 * registry only describes node types (so `conduit-cli validate` and the palette never load an
 * executor or libsoup's machinery), and the runner binds them when it starts a node.
 */

struct _ConduitRunner
{
  GObject                   parent_instance;

  ConduitConnectorRegistry *registry;
  ConduitHistoryStore      *history;
  SoupSession              *session;
  ConduitClock             *clock;
  ConduitCredentialStore   *credentials;
  ConduitAuthorizer        *authorizer;
  ConduitStepContext       *context;
  GHashTable               *executors;  /* connector id → GType */
  guint                     n_active;
  guint                     item_samples;
};

enum {
  RUN_STARTED,
  NODE_STARTED,
  NODE_FINISHED,
  RUN_FINISHED,
  NODE_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ConduitRunner, conduit_runner, G_TYPE_OBJECT)

static void
conduit_runner_dispose (GObject *object)
{
  ConduitRunner *self = (ConduitRunner *)object;

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->history);
  g_clear_object (&self->registry);
  g_clear_object (&self->clock);
  g_clear_object (&self->authorizer);
  g_clear_object (&self->credentials);
  g_clear_object (&self->context);
  g_clear_pointer (&self->executors, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_runner_parent_class)->dispose (object);
}

static void
conduit_runner_class_init (ConduitRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_runner_dispose;

  /**
   * ConduitRunner::run-started:
   * @run: the run
   *
   * A run has been recorded and its trigger fires.
   */
  signals[RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, CONDUIT_TYPE_RUN);

  /**
   * ConduitRunner::node-started:
   * @run: the run
   * @node_id: the node
   *
   * A node has received its batch and starts working.
   */
  signals[NODE_STARTED] =
    g_signal_new ("node-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, CONDUIT_TYPE_RUN, G_TYPE_STRING);

  /**
   * ConduitRunner::node-finished:
   * @run: the run
   * @node_id: the node
   * @items_ok: items it sent on
   * @items_failed: items that left through an error port
   * @items_rejected: items it rejected
   *
   * A node is done (or was skipped because nothing reached it).
   */
  signals[NODE_FINISHED] =
    g_signal_new ("node-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 5, CONDUIT_TYPE_RUN, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_UINT);

  /**
   * ConduitRunner::node-progress:
   * @run: the run
   * @node_id: the node
   * @items_in: items that reached it so far
   * @items_ok: items it sent on so far
   * @items_failed: items that left through an error port so far
   * @items_rejected: items it rejected so far
   *
   * A node finished a batch: its counts moved. A big run emits this once per batch of each
   * node, so a window can show the counts while the run goes on.
   */
  signals[NODE_PROGRESS] =
    g_signal_new ("node-progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 6, CONDUIT_TYPE_RUN, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT,
                  G_TYPE_UINT, G_TYPE_UINT);

  /**
   * ConduitRunner::run-finished:
   * @run: the run, with its final status
   *
   * A run has ended.
   */
  signals[RUN_FINISHED] =
    g_signal_new ("run-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, CONDUIT_TYPE_RUN);
}

static void
conduit_runner_init (ConduitRunner *self)
{
  self->item_samples = CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES;
  /* Many runs share the pool; the defaults (2 per host) would queue a burst of webhook events
   * behind each other. */
  self->session = soup_session_new_with_options ("max-conns", 256,
                                                 "max-conns-per-host", 64,
                                                 "user-agent", "Conduit/" PACKAGE_VERSION " ",
                                                 NULL);
  self->clock = g_object_ref (conduit_clock_get_system ());
  self->executors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  conduit_executors_add_builtin (self->executors);
}

/**
 * conduit_runner_new:
 * @registry: the node types, bound to their executors
 * @history: (nullable): where runs are recorded; %NULL to record nothing
 *
 * Returns: (transfer full): a new runner
 */
ConduitRunner *
conduit_runner_new (ConduitConnectorRegistry *registry,
                    ConduitHistoryStore      *history)
{
  ConduitRunner *self;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (!history || CONDUIT_IS_HISTORY_STORE (history), NULL);

  self = g_object_new (CONDUIT_TYPE_RUNNER, NULL);
  self->registry = g_object_ref (registry);
  if (history != NULL)
    self->history = g_object_ref (history);
  return self;
}

/**
 * conduit_runner_get_registry:
 * @self: a runner
 *
 * Returns: (transfer none): the connector registry
 */
ConduitConnectorRegistry *
conduit_runner_get_registry (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  return self->registry;
}

/**
 * conduit_runner_get_history:
 * @self: a runner
 *
 * Returns: (transfer none) (nullable): the history store
 */
ConduitHistoryStore *
conduit_runner_get_history (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  return self->history;
}

/**
 * conduit_runner_get_session:
 * @self: a runner
 *
 * The HTTP session of every request the runner's runs make. It uses the system's proxy settings
 * (GProxyResolver); tests against 127.0.0.1 turn that off.
 *
 * Returns: (transfer none): the session
 */
SoupSession *
conduit_runner_get_session (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  return self->session;
}

/**
 * conduit_runner_get_clock:
 * @self: a runner
 *
 * Returns: (transfer none): the clock
 */
ConduitClock *
conduit_runner_get_clock (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  return self->clock;
}

/**
 * conduit_runner_set_clock:
 * @self: a runner
 * @clock: a clock, for example a fake one in tests
 *
 * Sets the clock that retries, timestamps and schedules use.
 */
void
conduit_runner_set_clock (ConduitRunner *self,
                          ConduitClock  *clock)
{
  g_return_if_fail (CONDUIT_IS_RUNNER (self));
  g_return_if_fail (CONDUIT_IS_CLOCK (clock));

  g_set_object (&self->clock, clock);
  if (self->context != NULL)
    conduit_step_context_set_clock (self->context, clock);
}

/**
 * conduit_runner_get_credential_store:
 * @self: a runner
 *
 * Returns: (transfer none): where credentials are read from; the default store unless set
 */
ConduitCredentialStore *
conduit_runner_get_credential_store (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  if (self->credentials == NULL)
    self->credentials = g_object_ref (conduit_credential_store_get_default ());
  return self->credentials;
}

/**
 * conduit_runner_set_credential_store:
 * @self: a runner
 * @store: a credential store, for example one on a test collection
 *
 * Sets where credentials are read from.
 */
void
conduit_runner_set_credential_store (ConduitRunner          *self,
                                     ConduitCredentialStore *store)
{
  g_return_if_fail (CONDUIT_IS_RUNNER (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_STORE (store));

  g_set_object (&self->credentials, store);
  if (self->authorizer != NULL)
    conduit_authorizer_set_store (self->authorizer, store);
}

/**
 * conduit_runner_get_authorizer:
 * @self: a runner
 *
 * Returns: (transfer none): what puts credentials on requests, with its token cache
 */
ConduitAuthorizer *
conduit_runner_get_authorizer (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  if (self->authorizer == NULL)
    {
      self->authorizer = conduit_authorizer_new (self->session);
      conduit_authorizer_set_store (self->authorizer, conduit_runner_get_credential_store (self));
    }
  return self->authorizer;
}

/**
 * conduit_runner_get_step_context:
 * @self: a runner
 *
 * What the runner's steps may use: its HTTP session, clock, authorizer and history.
 *
 * Returns: (transfer none): the context shared by the runner's runs
 */
ConduitStepContext *
conduit_runner_get_step_context (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);

  if (self->context == NULL)
    self->context = conduit_step_context_new (self->session, self->clock,
                                              conduit_runner_get_authorizer (self),
                                              self->history);
  return self->context;
}

/**
 * conduit_runner_set_executor:
 * @self: a runner
 * @connector_id: a connector id
 * @executor_type: a type implementing #ConduitExecutor, or %G_TYPE_INVALID to unbind
 *
 * Binds the node type @connector_id to the executor that does its work, replacing the built-in
 * binding if there is one.
 */
void
conduit_runner_set_executor (ConduitRunner *self,
                             const char    *connector_id,
                             GType          executor_type)
{
  g_return_if_fail (CONDUIT_IS_RUNNER (self));
  g_return_if_fail (connector_id != NULL);
  g_return_if_fail (executor_type == G_TYPE_INVALID ||
                    g_type_is_a (executor_type, CONDUIT_TYPE_EXECUTOR));

  if (executor_type == G_TYPE_INVALID)
    g_hash_table_remove (self->executors, connector_id);
  else
    g_hash_table_replace (self->executors, g_strdup (connector_id), GSIZE_TO_POINTER (executor_type));
}

/**
 * conduit_runner_lookup_executor:
 * @self: a runner
 * @connector: a connector of the runner's registry
 *
 * Which executor does the work of @connector's nodes: the one bound to its id, or for an app
 * operation (a connector made from an app descriptor) the generic app executor.
 *
 * Returns: the executor type, or %G_TYPE_INVALID when nothing can run such nodes
 */
GType
conduit_runner_lookup_executor (ConduitRunner    *self,
                                ConduitConnector *connector)
{
  gpointer type;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), G_TYPE_INVALID);
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (connector), G_TYPE_INVALID);

  if (g_hash_table_lookup_extended (self->executors, conduit_connector_get_id (connector), NULL,
                                    &type))
    return GPOINTER_TO_SIZE (type);

  return conduit_executors_lookup_builtin_for (connector);
}

/**
 * conduit_runner_get_n_active:
 * @self: a runner
 *
 * Returns: how many runs are executing now
 */
guint
conduit_runner_get_n_active (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), 0);

  return self->n_active;
}

/**
 * conduit_runner_create_run:
 * @self: a runner
 * @flow: a valid flow
 * @trigger_id: (nullable): the trigger to start from, %NULL for the first manual trigger
 * @trigger_kind: (nullable): "manual", "webhook", "schedule", "poll" or "input"; %NULL to
 *   derive it
 * @items: (nullable) (element-type JsonNode): the trigger's items; %NULL for its sample items
 * @error: return location for an error
 *
 * Prepares a run without starting it; see conduit_run_record_async() and
 * conduit_run_execute_async().
 *
 * Returns: (transfer full): the run, or %NULL with @error
 */
ConduitRun *
conduit_runner_create_run (ConduitRunner  *self,
                           ConduitFlow    *flow,
                           const char     *trigger_id,
                           const char     *trigger_kind,
                           GPtrArray      *items,
                           GError        **error)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), NULL);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);

  return conduit_run_new (self, flow, trigger_id, trigger_kind, items, error);
}

static void
run_executed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitRun *run = CONDUIT_RUN (object);
  GError *error = NULL;

  if (!conduit_run_execute_finish (run, result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (run), g_object_unref);
}

/**
 * conduit_runner_run_async:
 * @self: a runner
 * @flow: a valid flow
 * @trigger_id: (nullable): the trigger to start from, %NULL for the first manual trigger
 * @items: (nullable) (element-type JsonNode): the trigger's items; %NULL for its sample items
 * @cancellable: (nullable): stops the run cleanly
 * @callback: called when the run has ended
 * @user_data: data for @callback
 *
 * Records and executes one run of @flow, without blocking the main loop.
 */
void
conduit_runner_run_async (ConduitRunner       *self,
                          ConduitFlow         *flow,
                          const char          *trigger_id,
                          GPtrArray           *items,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConduitRun) run = NULL;
  GError *error = NULL;

  g_return_if_fail (CONDUIT_IS_RUNNER (self));
  g_return_if_fail (CONDUIT_IS_FLOW (flow));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_runner_run_async);
  g_task_set_check_cancellable (task, FALSE);

  run = conduit_run_new (self, flow, trigger_id, NULL, items, &error);
  if (run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  conduit_run_execute_async (run, cancellable, run_executed_cb, g_steal_pointer (&task));
}

/**
 * conduit_runner_run_finish:
 * @self: a runner
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the ended run with its status and counts, or %NULL with @error when
 *   it could not start
 */
ConduitRun *
conduit_runner_run_finish (ConduitRunner  *self,
                           GAsyncResult   *result,
                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * conduit_runner_emit_run_started:
 * @self: a runner
 * @run: the run
 *
 * For ConduitRun.
 */
void
conduit_runner_emit_run_started (ConduitRunner *self,
                                 ConduitRun    *run)
{
  self->n_active++;
  if (g_signal_has_handler_pending (self, signals[RUN_STARTED], 0, TRUE))
    g_signal_emit (self, signals[RUN_STARTED], 0, run);
}

/**
 * conduit_runner_emit_node_started:
 * @self: a runner
 * @run: the run
 * @node_id: the node
 *
 * For ConduitRun.
 */
void
conduit_runner_emit_node_started (ConduitRunner *self,
                                  ConduitRun    *run,
                                  const char    *node_id)
{
  /* Served webhooks run thousands of times a second with nobody listening: skip the marshalling. */
  if (g_signal_has_handler_pending (self, signals[NODE_STARTED], 0, TRUE))
    g_signal_emit (self, signals[NODE_STARTED], 0, run, node_id);
}

/**
 * conduit_runner_emit_node_finished:
 * @self: a runner
 * @run: the run
 * @node_id: the node
 * @items_ok: items sent on
 * @items_failed: items that failed
 * @items_rejected: items rejected
 *
 * For ConduitRun.
 */
void
conduit_runner_emit_node_finished (ConduitRunner *self,
                                   ConduitRun    *run,
                                   const char    *node_id,
                                   guint          items_ok,
                                   guint          items_failed,
                                   guint          items_rejected)
{
  if (g_signal_has_handler_pending (self, signals[NODE_FINISHED], 0, TRUE))
    g_signal_emit (self, signals[NODE_FINISHED], 0, run, node_id, items_ok, items_failed,
                   items_rejected);
}

/**
 * conduit_runner_emit_run_finished:
 * @self: a runner
 * @run: the run
 *
 * For ConduitRun.
 */
void
conduit_runner_emit_run_finished (ConduitRunner *self,
                                  ConduitRun    *run)
{
  g_assert (self->n_active > 0);
  self->n_active--;
  if (g_signal_has_handler_pending (self, signals[RUN_FINISHED], 0, TRUE))
    g_signal_emit (self, signals[RUN_FINISHED], 0, run);
}

/**
 * conduit_runner_emit_node_progress:
 * @self: a runner
 * @run: the run
 * @node_id: the node that finished a batch
 * @items_in: its items in so far
 * @items_ok: its items sent on so far
 * @items_failed: its failed items so far
 * @items_rejected: its rejected items so far
 *
 * Emits #ConduitRunner::node-progress.
 */
void
conduit_runner_emit_node_progress (ConduitRunner *self,
                                   ConduitRun    *run,
                                   const char    *node_id,
                                   guint          items_in,
                                   guint          items_ok,
                                   guint          items_failed,
                                   guint          items_rejected)
{
  g_return_if_fail (CONDUIT_IS_RUNNER (self));

  if (g_signal_has_handler_pending (self, signals[NODE_PROGRESS], 0, TRUE))
    g_signal_emit (self, signals[NODE_PROGRESS], 0, run, node_id, items_in, items_ok,
                   items_failed, items_rejected);
}

/**
 * conduit_runner_set_item_samples:
 * @self: a runner
 * @n_items: how many items per node and port the history keeps of the items that went well
 *
 * A run's history keeps every item that failed or was rejected, with its reasons (re-running
 * the failed items needs them), but of the items that went well only the first @n_items per
 * node and port (%CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES unless set): a run of a million records
 * must not write a million records into the history. The counts are always whole.
 */
void
conduit_runner_set_item_samples (ConduitRunner *self,
                                 guint          n_items)
{
  g_return_if_fail (CONDUIT_IS_RUNNER (self));

  self->item_samples = n_items;
}

/**
 * conduit_runner_get_item_samples:
 * @self: a runner
 *
 * Returns: how many items that went well the history keeps per node and port
 */
guint
conduit_runner_get_item_samples (ConduitRunner *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUNNER (self), CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES);

  return self->item_samples;
}
