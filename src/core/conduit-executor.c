/* conduit-executor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor"

#include "config.h"

#include <string.h>

#include "conduit-executor.h"
#include "conduit-executor-app.h"
#include "conduit-executor-read-file.h"
#include "conduit-executor-write-file.h"
#include "conduit-executor-db-poll.h"
#include "conduit-executor-db-query.h"
#include "conduit-executor-db-write.h"
#include "conduit-executor-dedupe.h"
#include "conduit-executor-filter.h"
#include "conduit-executor-merge.h"
#include "conduit-executor-switch.h"
#include "conduit-executor-wait.h"
#include "conduit-executor-http.h"
#include "conduit-executor-imap-poll.h"
#include "conduit-executor-send-email.h"
#include "conduit-executor-sftp.h"
#include "conduit-executor-mapping.h"
#include "conduit-executor-notify.h"
#include "conduit-executor-trigger.h"

/* The interface between the runner and the node types. A connector (the JSON files in data/connectors)
 * describes a node type; the runner's table (filled by conduit_executors_add_builtin()) binds each
 * one to the GType that does its work. The runner makes one executor per node per run.
 */

G_DEFINE_QUARK (conduit-executor-error-quark, conduit_executor_error)
G_DEFINE_INTERFACE (ConduitExecutor, conduit_executor, G_TYPE_OBJECT)

static void
conduit_executor_default_init (ConduitExecutorInterface *iface)
{
}

/**
 * conduit_executor_prepare:
 * @self: an executor
 * @run: the run it works for
 * @node: its node
 * @error: return location for an error
 *
 * Readies the executor for @node: reads and checks settings, compiles templates.
 *
 * Returns: %FALSE with @error when the node cannot work as configured
 */
gboolean
conduit_executor_prepare (ConduitExecutor  *self,
                          ConduitRun       *run,
                          ConduitNode      *node,
                          GError          **error)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), FALSE);

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->prepare == NULL)
    return TRUE;
  return iface->prepare (self, run, node, error);
}

/**
 * conduit_executor_execute_async:
 * @self: an executor
 * @run: the run it works for
 * @node: its node
 * @items: (element-type JsonNode): the batch that arrived at the node's input
 * @cancellable: (nullable): cancels the work
 * @callback: called with the output
 * @user_data: data for @callback
 *
 * Works through @items.
 */
void
conduit_executor_execute_async (ConduitExecutor     *self,
                                ConduitRun          *run,
                                ConduitNode         *node,
                                GPtrArray           *items,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CONDUIT_IS_EXECUTOR (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));
  g_return_if_fail (items != NULL);

  CONDUIT_EXECUTOR_GET_IFACE (self)->execute_async (self, run, node, items, cancellable, callback,
                                                    user_data);
}

/**
 * conduit_executor_execute_finish:
 * @self: an executor
 * @result: the result
 * @error: return location for an error
 *
 * Returns: (transfer full): the items per output port, or %NULL with @error when the node failed
 *   as a whole
 */
ConduitExecutorOutput *
conduit_executor_execute_finish (ConduitExecutor  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), NULL);

  /* Most executors return their output from a GTask; they need not say so. */
  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->execute_finish == NULL)
    return g_task_propagate_pointer (G_TASK (result), error);
  return iface->execute_finish (self, result, error);
}

/**
 * conduit_executor_execute_now:
 * @self: an executor
 * @run: the run it works for
 * @node: its node
 * @items: (element-type JsonNode): the batch that arrived at the node's input
 * @output: (out) (transfer full) (nullable): the items per output port, when it worked them
 * @error: return location for an error: the node failed as a whole
 *
 * Works through @items before returning, when the step can: a step whose work is at hand
 * (a trigger, a small mapping) spares the run a GTask and a trip through the main loop per
 * batch, which a webhook's run of one item feels. A step that waits for something
 * (the network, a thread, a timer) says no, and the run calls
 * conduit_executor_execute_async() instead.
 *
 * Returns: %FALSE when the step did not work the batch; %TRUE when it did, with @output set,
 *   or %NULL and @error set when it failed
 */
gboolean
conduit_executor_execute_now (ConduitExecutor        *self,
                              ConduitRun             *run,
                              ConduitNode            *node,
                              GPtrArray              *items,
                              ConduitExecutorOutput **output,
                              GError                **error)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), FALSE);
  g_return_val_if_fail (items != NULL, FALSE);
  g_return_val_if_fail (output != NULL, FALSE);

  *output = NULL;
  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  return iface->execute_now != NULL && iface->execute_now (self, run, node, items, output, error);
}

/**
 * conduit_executor_get_input_mode:
 * @self: a prepared executor
 *
 * Returns: whether the step takes its input in batches or all at once
 */
ConduitExecutorInput
conduit_executor_get_input_mode (ConduitExecutor *self)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), CONDUIT_EXECUTOR_INPUT_ALL);

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->get_input_mode == NULL)
    return CONDUIT_EXECUTOR_INPUT_ALL;
  return iface->get_input_mode (self);
}

/**
 * conduit_executor_has_more:
 * @self: an executor between two batches
 *
 * Returns: whether the step has more output to give without more input
 */
gboolean
conduit_executor_has_more (ConduitExecutor *self)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), FALSE);

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  return iface->has_more != NULL && iface->has_more (self);
}

/**
 * conduit_executor_get_batch_limit:
 * @self: a prepared executor that takes batches
 *
 * Returns: the most items the step takes in one batch when more are waiting, at least
 *   %CONDUIT_RUN_BATCH_SIZE
 */
guint
conduit_executor_get_batch_limit (ConduitExecutor *self)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), CONDUIT_RUN_BATCH_SIZE);

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->get_batch_limit == NULL)
    return CONDUIT_RUN_BATCH_SIZE;
  return MAX (iface->get_batch_limit (self), CONDUIT_RUN_BATCH_SIZE);
}

/**
 * conduit_executor_end_async:
 * @self: an executor whose last batch is done
 * @run: the run
 * @node: its node
 * @cancellable: (nullable): a cancellable
 * @callback: called when the step has ended
 * @user_data: data for @callback
 *
 * Ends the step's work: what it did batch by batch is completed (a file is put in place).
 * Completes at once for a step without an end.
 */
void
conduit_executor_end_async (ConduitExecutor     *self,
                            ConduitRun          *run,
                            ConduitNode         *node,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  ConduitExecutorInterface *iface;

  g_return_if_fail (CONDUIT_IS_EXECUTOR (self));

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->end_async == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, conduit_executor_end_async);
      g_task_return_boolean (task, TRUE);
      return;
    }
  iface->end_async (self, run, node, cancellable, callback, user_data);
}

/**
 * conduit_executor_end_finish:
 * @self: an executor
 * @result: the result
 * @error: return location for an error that fails the node as a whole
 *
 * Returns: whether the step ended well
 */
gboolean
conduit_executor_end_finish (ConduitExecutor  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  ConduitExecutorInterface *iface;

  g_return_val_if_fail (CONDUIT_IS_EXECUTOR (self), FALSE);

  iface = CONDUIT_EXECUTOR_GET_IFACE (self);
  if (iface->end_finish == NULL || iface->end_async == NULL)
    return g_task_propagate_boolean (G_TASK (result), error);
  return iface->end_finish (self, result, error);
}

static const struct {
  const char *connector;
  GType     (*get_type) (void);
} builtin_bindings[] = {
  { "manual-trigger", conduit_executor_trigger_get_type },
  { "webhook-trigger", conduit_executor_trigger_get_type },
  { "schedule-trigger", conduit_executor_trigger_get_type },
  { "http-request", conduit_executor_http_get_type },
  { "notify", conduit_executor_notify_get_type },
  { "mapping", conduit_executor_mapping_get_type },
  { "filter", conduit_executor_filter_get_type },
  { "deduplicate", conduit_executor_dedupe_get_type },
  { "read-file", conduit_executor_read_file_get_type },
  { "write-file", conduit_executor_write_file_get_type },
  { "db-query", conduit_executor_db_query_get_type },
  { "db-write", conduit_executor_db_write_get_type },
  { "db-new-rows", conduit_executor_db_poll_get_type },
  { "send-email", conduit_executor_send_email_get_type },
  { "imap-new-mail", conduit_executor_imap_poll_get_type },
  { "sftp-upload", conduit_executor_sftp_upload_get_type },
  { "sftp-download", conduit_executor_sftp_download_get_type },
  { "sftp-new-file", conduit_executor_sftp_poll_get_type },
  { "wait", conduit_executor_wait_get_type },
  { "merge", conduit_executor_merge_get_type },
  { "switch", conduit_executor_switch_get_type },
};

/**
 * conduit_executors_add_builtin:
 * @table: (element-type utf8 GType): a table of connector id → executor type
 *
 * Fills @table with the executors of the bundled node types; for the runner, which owns the
 * table. Adding them registers their types, so only code that runs flows calls this.
 */
void
conduit_executors_add_builtin (GHashTable *table)
{
  g_return_if_fail (table != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_bindings); i++)
    g_hash_table_replace (table, g_strdup (builtin_bindings[i].connector),
                          GSIZE_TO_POINTER (builtin_bindings[i].get_type ()));
}

/**
 * conduit_executors_lookup_builtin_for:
 * @connector: a connector
 *
 * The executor of a node type that is not bound by id: app operations (connectors made from an
 * app descriptor) all run on the generic app executor.
 *
 * Returns: an executor type, or %G_TYPE_INVALID
 */
GType
conduit_executors_lookup_builtin_for (ConduitConnector *connector)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (connector), G_TYPE_INVALID);

  if (conduit_connector_get_app (connector) != NULL)
    return CONDUIT_TYPE_EXECUTOR_APP;
  return G_TYPE_INVALID;
}

/* Output */

struct _ConduitExecutorOutput
{
  GPtrArray  *ports;   /* of char *, in the order they were first used */
  GHashTable *items;   /* port → GPtrArray of JsonNode */
  /* the port added to last and its items: a step sends its items out of one port in a row,
   * and a string compare costs less than a hash lookup per item */
  const char *last_port;
  GPtrArray  *last_items;
};

/**
 * conduit_executor_output_new:
 *
 * Returns: (transfer full): an empty output
 */
ConduitExecutorOutput *
conduit_executor_output_new (void)
{
  ConduitExecutorOutput *self = g_new0 (ConduitExecutorOutput, 1);

  self->ports = g_ptr_array_new_with_free_func (g_free);
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref);
  return self;
}

/**
 * conduit_executor_output_free:
 * @self: an output
 *
 * Frees @self and drops its items.
 */
void
conduit_executor_output_free (ConduitExecutorOutput *self)
{
  if (self == NULL)
    return;

  g_hash_table_unref (self->items);
  g_ptr_array_unref (self->ports);
  g_free (self);
}

/**
 * conduit_executor_output_add:
 * @self: an output
 * @port: an output port id
 * @item: (transfer full): the item
 *
 * Sends @item out of @port.
 */
void
conduit_executor_output_add (ConduitExecutorOutput *self,
                             const char            *port,
                             JsonNode              *item)
{
  GPtrArray *items;
  char *key;

  g_return_if_fail (self != NULL);
  g_return_if_fail (port != NULL);
  g_return_if_fail (item != NULL);

  if (self->last_port != NULL && strcmp (self->last_port, port) == 0)
    {
      g_ptr_array_add (self->last_items, item);
      return;
    }

  if (!g_hash_table_lookup_extended (self->items, port, (gpointer *)&key, (gpointer *)&items))
    {
      key = g_strdup (port);
      items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_ptr_array_add (self->ports, key);
      g_hash_table_insert (self->items, key, items);
    }
  /* the key belongs to self->ports, which keeps it as long as the output lives */
  self->last_port = key;
  self->last_items = items;
  g_ptr_array_add (items, item);
}

/**
 * conduit_executor_output_add_error:
 * @self: an output
 * @port: the error port
 * @item: (transfer none): the item that failed
 * @kind: what went wrong, in one word: "http", "timeout", "network", "invalid", …
 * @message: what went wrong, for a person
 * @http_status: the last HTTP status, or 0
 * @attempts: how many attempts were made, or 0 when not applicable
 *
 * Sends `{"item": ITEM, "error": {"kind", "message", "http_status", "attempts"}}` out of @port.
 *
 * Returns: (transfer none): the error item
 */
JsonNode *
conduit_executor_output_add_error (ConduitExecutorOutput *self,
                                   const char            *port,
                                   JsonNode              *item,
                                   const char            *kind,
                                   const char            *message,
                                   guint                  http_status,
                                   guint                  attempts)
{
  JsonObject *object = json_object_new ();
  JsonObject *error = json_object_new ();
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (item != NULL, NULL);

  json_object_set_string_member (error, "kind", kind);
  json_object_set_string_member (error, "message", message);
  if (http_status > 0)
    json_object_set_int_member (error, "http_status", http_status);
  else
    json_object_set_null_member (error, "http_status");
  json_object_set_int_member (error, "attempts", attempts);

  json_object_set_member (object, "item", json_node_ref (item));
  json_object_set_object_member (object, "error", error);

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  conduit_executor_output_add (self, port, node);
  return node;
}

/**
 * conduit_executor_output_get:
 * @self: an output
 * @port: a port id
 *
 * Returns: (transfer none) (nullable) (element-type JsonNode): the items sent out of @port
 */
GPtrArray *
conduit_executor_output_get (ConduitExecutorOutput *self,
                             const char            *port)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_hash_table_lookup (self->items, port);
}

/**
 * conduit_executor_output_dup_ports:
 * @self: an output
 *
 * Returns: (transfer full): the ports that items were sent out of
 */
GStrv
conduit_executor_output_dup_ports (ConduitExecutorOutput *self)
{
  GStrv ports;

  g_return_val_if_fail (self != NULL, NULL);

  ports = g_new0 (char *, self->ports->len + 1);
  for (guint i = 0; i < self->ports->len; i++)
    ports[i] = g_strdup (g_ptr_array_index (self->ports, i));
  return ports;
}

/* Settings */

/**
 * conduit_node_dup_setting_or_default:
 * @node: a node
 * @connector: (nullable): its connector
 * @key: a setting key
 *
 * Returns: (transfer full) (nullable): the node's setting, or the connector's default for it
 */
JsonNode *
conduit_node_dup_setting_or_default (ConduitNode      *node,
                                     ConduitConnector *connector,
                                     const char       *key)
{
  JsonNode *value = conduit_node_get_setting (node, key);
  const ConduitSettingSpec *spec;

  if (value != NULL && !JSON_NODE_HOLDS_NULL (value))
    return json_node_ref (value);

  if (connector == NULL || (spec = conduit_connector_find_setting (connector, key)) == NULL ||
      spec->default_value == NULL)
    return NULL;

  return json_node_ref (spec->default_value);
}

/**
 * conduit_node_dup_string_setting:
 * @node: a node
 * @connector: (nullable): its connector
 * @key: a setting key
 *
 * Returns: (transfer full) (nullable): the setting as text, %NULL when unset, empty or not text
 */
char *
conduit_node_dup_string_setting (ConduitNode      *node,
                                 ConduitConnector *connector,
                                 const char       *key)
{
  g_autoptr(JsonNode) value = conduit_node_dup_setting_or_default (node, connector, key);
  const char *text;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;

  text = json_node_get_string (value);
  if (text == NULL || *text == '\0')
    return NULL;

  return g_strdup (text);
}

/**
 * conduit_node_get_int_setting:
 * @node: a node
 * @connector: (nullable): its connector
 * @key: a setting key
 * @fallback: the value when the setting is unset and has no default
 *
 * Returns: the setting as a whole number
 */
gint64
conduit_node_get_int_setting (ConduitNode      *node,
                              ConduitConnector *connector,
                              const char       *key,
                              gint64            fallback)
{
  g_autoptr(JsonNode) value = conduit_node_dup_setting_or_default (node, connector, key);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return fallback;

  switch (json_node_get_value_type (value))
    {
    case G_TYPE_INT64:
      return json_node_get_int (value);
    case G_TYPE_DOUBLE:
      return (gint64)json_node_get_double (value);
    default:
      return fallback;
    }
}

/**
 * conduit_node_get_bool_setting:
 * @node: a node
 * @connector: (nullable): its connector
 * @key: a setting key
 * @fallback: the value when the setting is unset and has no default
 *
 * Returns: the setting as true or false
 */
gboolean
conduit_node_get_bool_setting (ConduitNode      *node,
                               ConduitConnector *connector,
                               const char       *key,
                               gboolean          fallback)
{
  g_autoptr(JsonNode) value = conduit_node_dup_setting_or_default (node, connector, key);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (value);
}
