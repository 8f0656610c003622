/* conduit-executor-pinned.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-pinned"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-pinned.h"
#include "conduit-run.h"

/* What runs in place of a pinned step in a run that uses pins (docs/flow-format.md, "Pinned
 * output"): the step's pinned items leave by their ports, and nothing the step would do
 * happens. The steps after it are tested against the same data every time, without calling
 * anything upstream. */

struct _ConduitExecutorPinned
{
  GObject   parent_instance;

  JsonNode *pinned;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorPinned, conduit_executor_pinned, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_pinned_finalize (GObject *object)
{
  ConduitExecutorPinned *self = (ConduitExecutorPinned *)object;

  g_clear_pointer (&self->pinned, json_node_unref);

  G_OBJECT_CLASS (conduit_executor_pinned_parent_class)->finalize (object);
}

static void
conduit_executor_pinned_class_init (ConduitExecutorPinnedClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_pinned_finalize;
}

static void
conduit_executor_pinned_init (ConduitExecutorPinned *self)
{
}

static gboolean
conduit_executor_pinned_prepare (ConduitExecutor  *executor,
                                 ConduitRun       *run,
                                 ConduitNode      *node,
                                 GError          **error)
{
  ConduitExecutorPinned *self = CONDUIT_EXECUTOR_PINNED (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  JsonNode *pinned = conduit_node_get_pinned (node);
  JsonObjectIter iter;
  const char *port;
  JsonNode *items;

  /* a loaded flow was checked; a flow built in code may not have been */
  if (pinned == NULL || !JSON_NODE_HOLDS_OBJECT (pinned))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the step’s pinned data is not an object of output ports; edit or unpin it"));
      return FALSE;
    }

  json_object_iter_init_ordered (&iter, json_node_get_object (pinned));
  while (json_object_iter_next_ordered (&iter, &port, &items))
    {
      if (conduit_connector_find_output (connector, port) == NULL || !JSON_NODE_HOLDS_ARRAY (items))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("the data pinned on “%s” is not an array of items for an output of the "
                         "step; edit or unpin it"), port);
          return FALSE;
        }
    }

  self->pinned = json_node_copy (pinned);
  return TRUE;
}

static void
conduit_executor_pinned_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ConduitExecutorPinned *self = CONDUIT_EXECUTOR_PINNED (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();
  JsonObjectIter iter;
  const char *port;
  JsonNode *pinned_items;

  g_task_set_source_tag (task, conduit_executor_pinned_execute_async);

  /* The pinned step runs once, with whatever reached it (a trigger's own items): its output is
   * the pinned data, whatever the input. */
  json_object_iter_init_ordered (&iter, json_node_get_object (self->pinned));
  while (json_object_iter_next_ordered (&iter, &port, &pinned_items))
    {
      JsonArray *array = json_node_get_array (pinned_items);

      for (guint i = 0; i < json_array_get_length (array); i++)
        conduit_executor_output_add (output, port, json_node_copy (json_array_get_element (array, i)));
    }

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_pinned_prepare;
  iface->execute_async = conduit_executor_pinned_execute_async;
}
