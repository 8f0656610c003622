/* conduit-executor-filter.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-filter"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-filter.h"
#include "conduit-expression.h"
#include "conduit-run.h"

/* The Filter node: each item goes to "match" or "no_match" by its condition. An item the
 * condition cannot be worked out for (a field that is text where a number was expected) goes
 * to "error" with the reason, rather than silently to either side. */

struct _ConduitExecutorFilter
{
  GObject            parent_instance;

  ConduitExpression *condition;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorFilter, conduit_executor_filter, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_filter_finalize (GObject *object)
{
  ConduitExecutorFilter *self = (ConduitExecutorFilter *)object;

  g_clear_pointer (&self->condition, conduit_expression_unref);

  G_OBJECT_CLASS (conduit_executor_filter_parent_class)->finalize (object);
}

static void
conduit_executor_filter_class_init (ConduitExecutorFilterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_filter_finalize;
}

static void
conduit_executor_filter_init (ConduitExecutorFilter *self)
{
}

static gboolean
conduit_executor_filter_prepare (ConduitExecutor  *executor,
                                 ConduitRun       *run,
                                 ConduitNode      *node,
                                 GError          **error)
{
  ConduitExecutorFilter *self = CONDUIT_EXECUTOR_FILTER (executor);
  g_autofree char *text = conduit_node_dup_string_setting (node, conduit_run_get_connector (run, node),
                                                           "condition");
  g_autoptr(GError) local_error = NULL;

  if (text == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the condition is empty"));
      return FALSE;
    }

  self->condition = conduit_expression_new (text, &local_error);
  if (self->condition == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the condition: %s"), local_error->message);
      return FALSE;
    }

  return TRUE;
}

static void
conduit_executor_filter_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ConduitExecutorFilter *self = CONDUIT_EXECUTOR_FILTER (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();

  g_task_set_source_tag (task, conduit_executor_filter_execute_async);

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      gboolean matches = FALSE;

      if (!conduit_expression_evaluate_boolean (self->condition, item, &matches, &error))
        {
          g_autofree char *message = g_strdup_printf (_("the condition could not be worked out: %s"),
                                                      error->message);
          conduit_executor_output_add_error (output, "error", item, "condition", message, 0, 0);
          continue;
        }

      conduit_executor_output_add (output, matches ? "match" : "no_match", json_node_ref (item));
    }

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static ConduitExecutorInput
conduit_executor_filter_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_filter_prepare;
  iface->execute_async = conduit_executor_filter_execute_async;
  iface->get_input_mode = conduit_executor_filter_get_input_mode;
}
