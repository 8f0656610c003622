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
