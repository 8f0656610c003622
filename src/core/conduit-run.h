/* conduit-run.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "conduit-clock.h"
#include "conduit-credential.h"
#include "conduit-executor.h"
#include "conduit-flow.h"
#include "conduit-history-store.h"

G_BEGIN_DECLS

#define CONDUIT_RUN_ERROR (conduit_run_error_quark ())

typedef enum
{
  CONDUIT_RUN_ERROR_FAILED,
  CONDUIT_RUN_ERROR_NO_TRIGGER,
  CONDUIT_RUN_ERROR_INVALID_INPUT,
  CONDUIT_RUN_ERROR_NO_EXECUTOR,
} ConduitRunError;

typedef struct _ConduitRunner ConduitRunner;

#define CONDUIT_TYPE_RUN (conduit_run_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRun, conduit_run, CONDUIT, RUN, GObject)

GQuark               conduit_run_error_quark         (void);

/* What the app and the CLI read. */
gint64               conduit_run_get_id              (ConduitRun          *self);
ConduitFlow         *conduit_run_get_flow            (ConduitRun          *self);
const char          *conduit_run_get_flow_name       (ConduitRun          *self);
const char          *conduit_run_get_trigger_id      (ConduitRun          *self);
const char          *conduit_run_get_trigger_kind    (ConduitRun          *self);
ConduitRunStatus     conduit_run_get_status          (ConduitRun          *self);
const char          *conduit_run_get_error           (ConduitRun          *self);
const ConduitRunRecord *conduit_run_get_record       (ConduitRun          *self);
gboolean             conduit_run_get_node_counts     (ConduitRun          *self,
                                                      const char          *node_id,
                                                      guint               *items_in,
                                                      guint               *items_ok,
                                                      guint               *items_failed,
                                                      guint               *items_rejected);
const char          *conduit_run_get_node_state      (ConduitRun          *self,
                                                      const char          *node_id);
const char          *conduit_run_get_node_error_kind (ConduitRun          *self,
                                                     const char          *node_id);
const char          *conduit_run_get_node_error      (ConduitRun          *self,
                                                      const char          *node_id);
GPtrArray           *conduit_run_get_node_output     (ConduitRun          *self,
                                                      const char          *node_id,
                                                      const char          *port);
void                 conduit_run_set_keep_outputs    (ConduitRun          *self,
                                                      gboolean             keep_outputs);
void                 conduit_run_set_keep_outputs_limit (ConduitRun       *self,
                                                      guint                max_items);

/* Starting: conduit_runner_run_async() does both steps; the webhook server records first and
 * answers the sender before executing. */
void                 conduit_run_record_async        (ConduitRun          *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void                 conduit_run_set_poll            (ConduitRun          *self,
                                                      const char * const  *keys,
                                                      const char          *cursor);
gboolean             conduit_run_record_finish       (ConduitRun          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
void                 conduit_run_execute_async       (ConduitRun          *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean             conduit_run_execute_finish      (ConduitRun          *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* What executors use. */
ConduitStepContext  *conduit_run_get_context         (ConduitRun          *self);
SoupSession         *conduit_run_get_session         (ConduitRun          *self);
ConduitClock        *conduit_run_get_clock           (ConduitRun          *self);
guint                conduit_run_get_batch_start     (ConduitRun          *self,
                                                      ConduitNode         *node);
ConduitHistoryStore *conduit_run_get_history         (ConduitRun          *self);
ConduitConnector    *conduit_run_get_connector       (ConduitRun          *self,
                                                      ConduitNode         *node);
const char          *conduit_run_get_item_port       (ConduitRun          *self,
                                                      ConduitNode         *node,
                                                      guint                index);
void                 conduit_run_set_interrupted     (ConduitRun          *self);
void                 conduit_run_set_event_id        (ConduitRun          *self,
                                                      const char          *event_id);
const char          *conduit_run_get_event_id        (ConduitRun          *self);
gboolean             conduit_run_get_already_ran     (ConduitRun          *self);
char                *conduit_run_dup_idempotency_key (ConduitRun          *self,
                                                      const char          *node_id,
                                                      guint                item_index);
void                 conduit_run_add_secret          (ConduitRun          *self,
                                                      const char          *secret);
char                *conduit_run_redact              (ConduitRun          *self,
                                                      const char          *text);
void                 conduit_run_start_attempt_async (ConduitRun          *self,
                                                      const char          *node_id,
                                                      guint                item_index,
                                                      guint                attempt,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean             conduit_run_start_attempt_finish (ConduitRun         *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);
void                 conduit_run_record_attempt      (ConduitRun          *self,
                                                      ConduitStepRecord   *step);
void                 conduit_run_lookup_credential_async  (ConduitRun          *self,
                                                      const char          *id,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
ConduitCredential   *conduit_run_lookup_credential_finish (ConduitRun         *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* Pinned output and runs of one step: conduit-run-pins.c */
void                 conduit_run_set_use_pins        (ConduitRun          *self,
                                                      gboolean             use_pins);
gboolean             conduit_run_get_use_pins        (ConduitRun          *self);
const char          *conduit_run_get_step_id         (ConduitRun          *self);
GHashTable          *conduit_step_outputs_new        (void);
void                 conduit_run_collect_outputs     (ConduitRun          *self,
                                                      GHashTable          *outputs);
gboolean             conduit_step_outputs_add_from_history (GHashTable          *outputs,
                                                      ConduitHistoryStore *history,
                                                      gint64               run_id,
                                                      GError             **error);
/* The text the history has of an item a node sent out (json_to_string's), for a step that
 * sends the same item on as JSON (conduit-run-record.c). */
char                *conduit_run_dup_item_text       (ConduitRun          *self,
                                                      JsonNode            *item,
                                                      gsize               *length);
ConduitRun          *conduit_run_new_for_step        (ConduitRunner       *runner,
                                                      ConduitFlow         *flow,
                                                      const char          *node_id,
                                                      GHashTable          *last_outputs,
                                                      GPtrArray           *input,
                                                      GError             **error);

/* For the runner. */
ConduitRun          *conduit_run_new                 (ConduitRunner       *runner,
                                                      ConduitFlow         *flow,
                                                      const char          *trigger_id,
                                                      const char          *trigger_kind,
                                                      GPtrArray           *items,
                                                      GError             **error);

G_END_DECLS
