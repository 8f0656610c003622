/* conduit-runner.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "conduit-clock.h"
#include "conduit-authorizer.h"
#include "conduit-connector-registry.h"
#include "conduit-credential-store.h"
#include "conduit-flow.h"
#include "conduit-history-store.h"
#include "conduit-run.h"
#include "conduit-step-context.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_RUNNER (conduit_runner_get_type ())

/* Items that went well kept in the history per node and port, unless set otherwise. */
#define CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES 100

G_DECLARE_FINAL_TYPE (ConduitRunner, conduit_runner, CONDUIT, RUNNER, GObject)

ConduitRunner            *conduit_runner_new            (ConduitConnectorRegistry *registry,
                                                         ConduitHistoryStore      *history);
ConduitConnectorRegistry *conduit_runner_get_registry   (ConduitRunner            *self);
ConduitHistoryStore      *conduit_runner_get_history    (ConduitRunner            *self);
SoupSession              *conduit_runner_get_session    (ConduitRunner            *self);
ConduitClock             *conduit_runner_get_clock      (ConduitRunner            *self);
void                      conduit_runner_set_clock      (ConduitRunner            *self,
                                                         ConduitClock             *clock);
guint                     conduit_runner_get_n_active   (ConduitRunner            *self);
ConduitCredentialStore   *conduit_runner_get_credential_store (ConduitRunner      *self);
void                      conduit_runner_set_credential_store (ConduitRunner      *self,
                                                         ConduitCredentialStore   *store);
ConduitAuthorizer        *conduit_runner_get_authorizer (ConduitRunner            *self);
ConduitStepContext       *conduit_runner_get_step_context (ConduitRunner        *self);
void                      conduit_runner_set_executor   (ConduitRunner            *self,
                                                         const char               *connector_id,
                                                         GType                     executor_type);
GType                     conduit_runner_lookup_executor (ConduitRunner           *self,
                                                         ConduitConnector         *connector);
ConduitRun               *conduit_runner_create_run     (ConduitRunner            *self,
                                                         ConduitFlow              *flow,
                                                         const char               *trigger_id,
                                                         const char               *trigger_kind,
                                                         GPtrArray                *items,
                                                         GError                  **error);
void                      conduit_runner_run_async      (ConduitRunner            *self,
                                                         ConduitFlow              *flow,
                                                         const char               *trigger_id,
                                                         GPtrArray                *items,
                                                         GCancellable             *cancellable,
                                                         GAsyncReadyCallback       callback,
                                                         gpointer                  user_data);
ConduitRun               *conduit_runner_run_finish     (ConduitRunner            *self,
                                                         GAsyncResult             *result,
                                                         GError                  **error);

/* For ConduitRun: progress signals are emitted on the runner. */
void                      conduit_runner_emit_run_started   (ConduitRunner *self,
                                                             ConduitRun    *run);
void                      conduit_runner_emit_node_started  (ConduitRunner *self,
                                                             ConduitRun    *run,
                                                             const char    *node_id);
void                      conduit_runner_emit_node_finished (ConduitRunner *self,
                                                             ConduitRun    *run,
                                                             const char    *node_id,
                                                             guint          items_ok,
                                                             guint          items_failed,
                                                             guint          items_rejected);
void                      conduit_runner_emit_run_finished  (ConduitRunner *self,
                                                             ConduitRun    *run);
void                      conduit_runner_emit_node_progress (ConduitRunner *self,
                                                             ConduitRun    *run,
                                                             const char    *node_id,
                                                             guint          items_in,
                                                             guint          items_ok,
                                                             guint          items_failed,
                                                             guint          items_rejected);
void                      conduit_runner_set_item_samples   (ConduitRunner *self,
                                                             guint          n_items);
guint                     conduit_runner_get_item_samples   (ConduitRunner *self);

G_END_DECLS
