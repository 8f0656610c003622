/* conduit-executor-disabled.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-disabled"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-disabled.h"
#include "conduit-run.h"

/* What runs in place of a step marked "disabled" in the flow: its input items leave through
 * the step's main output (its first output that is not an error port) untouched, and nothing
 * the step would do (a request, a file, a wait) happens. A person switches a step off to try
 * the rest of the flow without it, without unlinking it. */

struct _ConduitExecutorDisabled
{
  GObject  parent_instance;

  char    *port;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDisabled, conduit_executor_disabled, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_disabled_finalize (GObject *object)
{
  ConduitExecutorDisabled *self = (ConduitExecutorDisabled *)object;

  g_clear_pointer (&self->port, g_free);

  G_OBJECT_CLASS (conduit_executor_disabled_parent_class)->finalize (object);
}

static void
conduit_executor_disabled_class_init (ConduitExecutorDisabledClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_disabled_finalize;
}

static void
conduit_executor_disabled_init (ConduitExecutorDisabled *self)
{
}

static gboolean
conduit_executor_disabled_prepare (ConduitExecutor  *executor,
                                   ConduitRun       *run,
                                   ConduitNode      *node,
                                   GError          **error)
{
  ConduitExecutorDisabled *self = CONDUIT_EXECUTOR_DISABLED (executor);
  GPtrArray *outputs = conduit_connector_get_outputs (conduit_run_get_connector (run, node));

  for (guint i = 0; outputs != NULL && i < outputs->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (outputs, i);

      if (!port->is_error)
        {
          self->port = g_strdup (port->id);
          return TRUE;
        }
    }

  /* items must not vanish at a step that has nowhere to send them */
  g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
               _("the step is disabled but has no output to pass its items through; enable it "
                 "or remove it"));
  return FALSE;
}

static void
conduit_executor_disabled_execute_async (ConduitExecutor     *executor,
                                         ConduitRun          *run,
                                         ConduitNode         *node,
                                         GPtrArray           *items,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  ConduitExecutorDisabled *self = CONDUIT_EXECUTOR_DISABLED (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();

  g_task_set_source_tag (task, conduit_executor_disabled_execute_async);

  for (guint i = 0; i < items->len; i++)
    conduit_executor_output_add (output, self->port, json_node_ref (g_ptr_array_index (items, i)));

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static ConduitExecutorInput
conduit_executor_disabled_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_disabled_prepare;
  iface->execute_async = conduit_executor_disabled_execute_async;
  iface->get_input_mode = conduit_executor_disabled_get_input_mode;
}
