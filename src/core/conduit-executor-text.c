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

/* URLs, headers, messages and keys that depend on the item. Templates and expressions are the
 * mapping language's; this only compiles them once per node and names the setting in errors. */

struct _ConduitExecutorText
{
  char *where;
  char *literal;    /* text without any {{ }} */
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

  g_return_val_if_fail (text != NULL, NULL);

  if (strstr (text, "{{") != NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("%s: {{ }} templates are not available in this build"), where);
      return NULL;
    }

  self->literal = g_strdup (text);
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
  g_return_val_if_fail (text != NULL, NULL);

  g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
               _("%s: expressions are not available in this build"), where);
  return NULL;
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
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup (self->literal);
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
  g_free (self->literal);
  g_free (self);
}
