/* conduit-executor-trigger.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-trigger"

#include "config.h"

#include "conduit-executor-trigger.h"

/* Manual, webhook and schedule triggers. The run has already worked out what the trigger
 * emits (the event, the sample items, or one tick) and recorded it before anything ran, so the
 * trigger node only passes its batch on. */

struct _ConduitExecutorTrigger
{
  GObject parent_instance;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorTrigger, conduit_executor_trigger, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static ConduitExecutorOutput *
pass_on (GPtrArray *items)
{
  ConduitExecutorOutput *output = conduit_executor_output_new ();

  for (guint i = 0; i < items->len; i++)
    conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (items, i)));
  return output;
}

static void
conduit_executor_trigger_execute_async (ConduitExecutor     *executor,
                                        ConduitRun          *run,
                                        ConduitNode         *node,
                                        GPtrArray           *items,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);

  g_task_set_source_tag (task, conduit_executor_trigger_execute_async);
  g_task_return_pointer (task, pass_on (items), (GDestroyNotify)conduit_executor_output_free);
}

static gboolean
conduit_executor_trigger_execute_now (ConduitExecutor        *executor,
                                      ConduitRun             *run,
                                      ConduitNode            *node,
                                      GPtrArray              *items,
                                      ConduitExecutorOutput **output,
                                      GError                **error)
{
  *output = pass_on (items);
  return TRUE;
}

static ConduitExecutorInput
conduit_executor_trigger_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->execute_async = conduit_executor_trigger_execute_async;
  iface->execute_now = conduit_executor_trigger_execute_now;
  iface->get_input_mode = conduit_executor_trigger_get_input_mode;
}

static void
conduit_executor_trigger_class_init (ConduitExecutorTriggerClass *klass)
{
}

static void
conduit_executor_trigger_init (ConduitExecutorTrigger *self)
{
}
