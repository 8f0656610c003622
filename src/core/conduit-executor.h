/* conduit-executor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-connector-registry.h"
#include "conduit-node.h"

G_BEGIN_DECLS

#define CONDUIT_EXECUTOR_ERROR (conduit_executor_error_quark ())

typedef enum
{
  CONDUIT_EXECUTOR_ERROR_FAILED,
  CONDUIT_EXECUTOR_ERROR_SETTING,     /* a setting cannot be used as it is */
  CONDUIT_EXECUTOR_ERROR_FILE,        /* a file cannot be read or written */
  CONDUIT_EXECUTOR_ERROR_CREDENTIAL,  /* a credential is missing or refused */
} ConduitExecutorError;

/**
 * ConduitExecutorInput:
 * @CONDUIT_EXECUTOR_INPUT_ALL: the step needs every item at once (a merge, a sort, a step not
 *   yet written for batches): it runs once, when everything upstream has finished, with all
 *   of its input
 * @CONDUIT_EXECUTOR_INPUT_BATCHES: the step works batch by batch: it runs once per batch of at
 *   most %CONDUIT_RUN_BATCH_SIZE items, in order, one batch at a time, while the steps before
 *   it still work
 *
 * How a step takes its input.
 */
typedef enum
{
  CONDUIT_EXECUTOR_INPUT_ALL,
  CONDUIT_EXECUTOR_INPUT_BATCHES,
} ConduitExecutorInput;

/* At most this many items go into one call of a batched step; a step's input waits while the
 * inboxes of the batched steps after it hold twice as many (back-pressure). */
#define CONDUIT_RUN_BATCH_SIZE 512

typedef struct _ConduitRun            ConduitRun;
typedef struct _ConduitExecutorOutput ConduitExecutorOutput;
typedef struct _ConduitStepContext    ConduitStepContext;

#define CONDUIT_TYPE_EXECUTOR (conduit_executor_get_type ())

G_DECLARE_INTERFACE (ConduitExecutor, conduit_executor, CONDUIT, EXECUTOR, GObject)

/**
 * ConduitExecutorInterface:
 * @prepare: checks the node's settings and compiles templates and expressions once per run;
 *   an error fails the node before any item is touched
 * @execute_async: works through a batch of items (#JsonNode objects; they are shared, so copy
 *   before changing one) and sorts the results into output ports
 * @execute_finish: returns the output, or an error that fails the node as a whole; when
 *   %NULL, the result must be a #GTask returning the output as its pointer
 * @get_input_mode: (nullable): whether the step takes its input in batches; %NULL means
 *   %CONDUIT_EXECUTOR_INPUT_ALL, so a step not written for batches sees what it always saw.
 *   Asked once, after @prepare
 * @has_more: (nullable): whether the step has more output to give without more input (Read
 *   File gives a big file a batch at a time): the runner then calls @execute_async again with
 *   no items when the steps after it have room
 * @end_async: (nullable): called once after the last batch (a file written in batches is put
 *   in place here); an error fails the node as a whole
 * @end_finish: (nullable): the result of @end_async; when %NULL, a #GTask returning a boolean
 * @get_batch_limit: (nullable): for a step that takes batches, the most items it takes at once
 *   when more are waiting (Write Rows: its rows per transaction); %NULL or 0 for
 *   %CONDUIT_RUN_BATCH_SIZE. A batch still starts as soon as %CONDUIT_RUN_BATCH_SIZE items
 *   wait. Asked once, after @prepare
 *
 * What the runner calls to make one type of node do its work.
 */
struct _ConduitExecutorInterface
{
  GTypeInterface parent_iface;

  gboolean               (*prepare)        (ConduitExecutor      *self,
                                            ConduitRun           *run,
                                            ConduitNode          *node,
                                            GError              **error);
  void                   (*execute_async)  (ConduitExecutor      *self,
                                            ConduitRun           *run,
                                            ConduitNode          *node,
                                            GPtrArray            *items,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  ConduitExecutorOutput *(*execute_finish) (ConduitExecutor      *self,
                                            GAsyncResult         *result,
                                            GError              **error);
  ConduitExecutorInput   (*get_input_mode) (ConduitExecutor      *self);
  gboolean               (*has_more)       (ConduitExecutor      *self);
  void                   (*end_async)      (ConduitExecutor      *self,
                                            ConduitRun           *run,
                                            ConduitNode          *node,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
  gboolean               (*end_finish)     (ConduitExecutor      *self,
                                            GAsyncResult         *result,
                                            GError              **error);
  guint                  (*get_batch_limit) (ConduitExecutor     *self);
  gboolean               (*execute_now)    (ConduitExecutor      *self,
                                            ConduitRun           *run,
                                            ConduitNode          *node,
                                            GPtrArray            *items,
                                            ConduitExecutorOutput **output,
                                            GError              **error);
};

GQuark                 conduit_executor_error_quark   (void);
gboolean               conduit_executor_prepare       (ConduitExecutor      *self,
                                                       ConduitRun           *run,
                                                       ConduitNode          *node,
                                                       GError              **error);
void                   conduit_executor_execute_async (ConduitExecutor      *self,
                                                       ConduitRun           *run,
                                                       ConduitNode          *node,
                                                       GPtrArray            *items,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
ConduitExecutorOutput *conduit_executor_execute_finish (ConduitExecutor     *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
gboolean               conduit_executor_execute_now   (ConduitExecutor      *self,
                                                       ConduitRun           *run,
                                                       ConduitNode          *node,
                                                       GPtrArray            *items,
                                                       ConduitExecutorOutput **output,
                                                       GError              **error);
ConduitExecutorInput   conduit_executor_get_input_mode (ConduitExecutor     *self);
gboolean               conduit_executor_has_more      (ConduitExecutor      *self);
guint                  conduit_executor_get_batch_limit (ConduitExecutor    *self);
void                   conduit_executor_end_async     (ConduitExecutor      *self,
                                                       ConduitRun           *run,
                                                       ConduitNode          *node,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean               conduit_executor_end_finish    (ConduitExecutor      *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
void                   conduit_executors_add_builtin  (GHashTable           *table);
GType                  conduit_executors_lookup_builtin_for (ConduitConnector *connector);

/* What an executor hands back: items per output port. */
ConduitExecutorOutput *conduit_executor_output_new       (void);
void                   conduit_executor_output_free      (ConduitExecutorOutput *self);
void                   conduit_executor_output_add       (ConduitExecutorOutput *self,
                                                          const char            *port,
                                                          JsonNode              *item);
JsonNode              *conduit_executor_output_add_error (ConduitExecutorOutput *self,
                                                          const char            *port,
                                                          JsonNode              *item,
                                                          const char            *kind,
                                                          const char            *message,
                                                          guint                  http_status,
                                                          guint                  attempts);
GPtrArray             *conduit_executor_output_get       (ConduitExecutorOutput *self,
                                                          const char            *port);
GStrv                  conduit_executor_output_dup_ports (ConduitExecutorOutput *self);

/* Helpers every executor needs. */
JsonNode              *conduit_node_dup_setting_or_default (ConduitNode      *node,
                                                            ConduitConnector *connector,
                                                            const char       *key);
char                  *conduit_node_dup_string_setting  (ConduitNode         *node,
                                                         ConduitConnector    *connector,
                                                         const char          *key);
gint64                 conduit_node_get_int_setting     (ConduitNode         *node,
                                                         ConduitConnector    *connector,
                                                         const char          *key,
                                                         gint64               fallback);
gboolean               conduit_node_get_bool_setting    (ConduitNode         *node,
                                                         ConduitConnector    *connector,
                                                         const char          *key,
                                                         gboolean             fallback);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitExecutorOutput, conduit_executor_output_free)

G_END_DECLS
