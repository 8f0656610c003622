/* conduit-executor-switch.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-switch"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-switch.h"
#include "conduit-expression.h"
#include "conduit-run.h"

/* The Switch node: each item leaves through the output of the first rule (a condition in the
 * mapping language) it meets, or through "fallback" when it meets none. The rules are a fixed
 * set of four, as the registry describes a connector's ports statically; an empty rule is
 * skipped. An item a rule cannot be worked out for goes to "error" with the reason, rather
 * than on to a later rule: a later rule would be a guess. */

#define N_RULES 4

struct _ConduitExecutorSwitch
{
  GObject            parent_instance;

  ConduitExpression *rules[N_RULES];
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorSwitch, conduit_executor_switch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static const char * const rule_ports[N_RULES] = { "rule_1", "rule_2", "rule_3", "rule_4" };

static void
conduit_executor_switch_finalize (GObject *object)
{
  ConduitExecutorSwitch *self = (ConduitExecutorSwitch *)object;

  for (guint i = 0; i < N_RULES; i++)
    g_clear_pointer (&self->rules[i], conduit_expression_unref);

  G_OBJECT_CLASS (conduit_executor_switch_parent_class)->finalize (object);
}

static void
conduit_executor_switch_class_init (ConduitExecutorSwitchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_switch_finalize;
}

static void
conduit_executor_switch_init (ConduitExecutorSwitch *self)
{
}

static gboolean
conduit_executor_switch_prepare (ConduitExecutor  *executor,
                                 ConduitRun       *run,
                                 ConduitNode      *node,
                                 GError          **error)
{
  ConduitExecutorSwitch *self = CONDUIT_EXECUTOR_SWITCH (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  guint n_rules = 0;

  for (guint i = 0; i < N_RULES; i++)
    {
      g_autofree char *text = conduit_node_dup_string_setting (node, connector, rule_ports[i]);
      g_autoptr(GError) local_error = NULL;

      if (text == NULL || *g_strstrip (text) == '\0')
        continue;

      self->rules[i] = conduit_expression_new (text, &local_error);
      if (self->rules[i] == NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("rule %u: %s"), i + 1, local_error->message);
          return FALSE;
        }
      n_rules++;
    }

  if (n_rules == 0)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("every rule is empty; give rule 1 a condition"));
      return FALSE;
    }

  return TRUE;
}

static void
conduit_executor_switch_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ConduitExecutorSwitch *self = CONDUIT_EXECUTOR_SWITCH (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();

  g_task_set_source_tag (task, conduit_executor_switch_execute_async);

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      const char *port = "fallback";
      gboolean failed = FALSE;

      for (guint r = 0; r < N_RULES; r++)
        {
          g_autoptr(GError) error = NULL;
          gboolean matches = FALSE;

          if (self->rules[r] == NULL)
            continue;

          if (!conduit_expression_evaluate_boolean (self->rules[r], item, &matches, &error))
            {
              g_autofree char *message =
                g_strdup_printf (_("rule %u could not be worked out: %s"), r + 1, error->message);

              conduit_executor_output_add_error (output, "error", item, "condition", message, 0, 0);
              failed = TRUE;
              break;
            }
          if (matches)
            {
              port = rule_ports[r];
              break;
            }
        }

      if (!failed)
        conduit_executor_output_add (output, port, json_node_ref (item));
    }

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static ConduitExecutorInput
conduit_executor_switch_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_switch_prepare;
  iface->execute_async = conduit_executor_switch_execute_async;
  iface->get_input_mode = conduit_executor_switch_get_input_mode;
}
