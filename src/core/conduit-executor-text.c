/* conduit-executor-text.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-text"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor.h"
#include "conduit-executor-text.h"
#include "conduit-expression.h"
#include "conduit-template.h"

/* URLs, headers, messages and keys that depend on the item. Templates and expressions are the
 * mapping language's; this only compiles them once per node and names the setting in errors. */

struct _ConduitExecutorText
{
  char              *where;
  ConduitTemplate   *template;
  ConduitExpression *expression;
};

static ConduitExecutorText *
text_new (const char *where)
{
  ConduitExecutorText *self = g_new0 (ConduitExecutorText, 1);

  self->where = g_strdup (where);
  return self;
}

/**
 * conduit_executor_text_new_template:
 * @text: text with `{{ expression }}` parts
 * @where: the setting, for error messages
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the compiled template, or %NULL with @error
 */
ConduitExecutorText *
conduit_executor_text_new_template (const char  *text,
                                    const char  *where,
                                    GError     **error)
{
  g_autoptr(ConduitExecutorText) self = text_new (where);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  self->template = conduit_template_new (text, &local_error);
  if (self->template == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING, "%s: %s", where,
                   local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_executor_text_new_expression:
 * @text: an expression
 * @where: the setting, for error messages
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the compiled expression, or %NULL with @error
 */
ConduitExecutorText *
conduit_executor_text_new_expression (const char  *text,
                                      const char  *where,
                                      GError     **error)
{
  g_autoptr(ConduitExecutorText) self = text_new (where);
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  self->expression = conduit_expression_new (text, &local_error);
  if (self->expression == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING, "%s: %s", where,
                   local_error->message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_executor_text_render:
 * @self: a template or expression
 * @item: the item to take values from
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the text for @item, or %NULL with @error
 */
char *
conduit_executor_text_render (ConduitExecutorText  *self,
                              JsonNode             *item,
                              GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->template != NULL)
    text = conduit_template_render (self->template, item, &local_error);
  else
    text = conduit_expression_evaluate_string (self->expression, item, &local_error);

  if (text == NULL)
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED, "%s: %s",
                 self->where, local_error ? local_error->message : _("no value"));
  return text;
}

/**
 * conduit_executor_text_dup_constant:
 * @self: a template or expression
 *
 * Returns: (transfer full) (nullable): the text when it is the same for every item (a template
 *   without {{ }} parts), else %NULL
 */
char *
conduit_executor_text_dup_constant (ConduitExecutorText *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->template == NULL || !conduit_template_is_constant (self->template))
    return NULL;
  return conduit_template_render (self->template, NULL, NULL);
}

/**
 * conduit_executor_text_free:
 * @self: a template or expression
 *
 * Frees @self.
 */
void
conduit_executor_text_free (ConduitExecutorText *self)
{
  if (self == NULL)
    return;
  g_free (self->where);
  g_clear_pointer (&self->template, conduit_template_unref);
  g_clear_pointer (&self->expression, conduit_expression_unref);
  g_free (self);
}
