/* conduit-template.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-template"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-template.h"

typedef struct
{
  char              *text;        /* literal text before the expression */
  ConduitExpression *expression;  /* (nullable) for the trailing text */
} TemplatePart;

struct _ConduitTemplate
{
  gint    ref_count;
  GArray *parts;   /* (element-type TemplatePart) */
};

G_DEFINE_BOXED_TYPE (ConduitTemplate, conduit_template, conduit_template_ref, conduit_template_unref)

static void
template_part_clear (gpointer data)
{
  TemplatePart *part = data;

  g_clear_pointer (&part->text, g_free);
  g_clear_pointer (&part->expression, conduit_expression_unref);
}

/**
 * conduit_template_new:
 * @text: text with {{ expression }} parts; "\{{" writes "{{" literally
 * @error: where an error goes, with the column in @text
 *
 * Returns: (transfer full) (nullable): the template, or %NULL with @error set
 */
ConduitTemplate *
conduit_template_new (const char  *text,
                      GError     **error)
{
  g_autoptr(ConduitTemplate) self = NULL;
  g_autoptr(GString) literal = g_string_new (NULL);
  const char *p = text;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      conduit_expression_syntax_error (error, 1, 1, _("the text is not valid UTF-8"));
      return NULL;
    }

  self = g_new0 (ConduitTemplate, 1);
  self->ref_count = 1;
  self->parts = g_array_new (FALSE, TRUE, sizeof (TemplatePart));
  g_array_set_clear_func (self->parts, template_part_clear);

  while (*p)
    {
      TemplatePart part = { NULL, NULL };
      const char *start;
      gsize consumed = 0;
      guint column;

      if (p[0] == '\\' && p[1] == '{' && p[2] == '{')
        {
          g_string_append (literal, "{{");
          p += 3;
          continue;
        }
      if (!(p[0] == '{' && p[1] == '{'))
        {
          g_string_append_c (literal, *p++);
          continue;
        }

      start = p + 2;
      column = g_utf8_strlen (text, start - text);
      part.expression = conduit_expression_new_full (start, FALSE, column, &consumed, error);
      if (part.expression == NULL)
        {
          conduit_expression_error_relocate (error, text);
          return NULL;
        }
      if (!(start[consumed] == '}' && start[consumed + 1] == '}'))
        {
          g_clear_pointer (&part.expression, conduit_expression_unref);
          conduit_expression_syntax_error (error, g_utf8_strlen (text, p - text) + 1, 2,
                                           _("this “{{” has no closing “}}”"));
          conduit_expression_error_relocate (error, text);
          return NULL;
        }
      part.text = g_strdup (literal->str);
      g_string_truncate (literal, 0);
      g_array_append_val (self->parts, part);
      p = start + consumed + 2;
    }

  if (literal->len > 0 || self->parts->len == 0)
    {
      TemplatePart part = { g_strdup (literal->str), NULL };

      g_array_append_val (self->parts, part);
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_template_ref:
 * @self: a template
 *
 * Returns: (transfer full): @self
 */
ConduitTemplate *
conduit_template_ref (ConduitTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * conduit_template_unref:
 * @self: (transfer full): a template
 */
void
conduit_template_unref (ConduitTemplate *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_int_dec_and_test (&self->ref_count))
    {
      g_array_unref (self->parts);
      g_free (self);
    }
}

/**
 * conduit_template_is_constant:
 * @self: a template
 *
 * Returns: whether the template has no {{ }} part
 */
gboolean
conduit_template_is_constant (ConduitTemplate *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->parts->len == 1 && g_array_index (self->parts, TemplatePart, 0).expression == NULL;
}

/**
 * conduit_template_render:
 * @self: a template
 * @record: (nullable): the record the expressions read
 * @error: where an evaluation error goes
 *
 * Missing fields render as nothing; lists and objects as compact JSON.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with @error set
 */
char *
conduit_template_render (ConduitTemplate  *self,
                         JsonNode         *record,
                         GError          **error)
{
  g_autoptr(ConduitArena) arena = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  ConduitValue *root;

  g_return_val_if_fail (self != NULL, NULL);

  arena = conduit_arena_new ();
  root = conduit_value_from_json_node (arena, record);
  for (guint i = 0; i < self->parts->len; i++)
    {
      TemplatePart *part = &g_array_index (self->parts, TemplatePart, i);
      ConduitValue *value;
      const char *text;
      gsize length;

      g_string_append (out, part->text);
      if (part->expression == NULL)
        continue;
      value = conduit_expression_eval (part->expression, arena, root, -1, error);
      if (value == NULL)
        return NULL;
      text = conduit_value_to_text (arena, value, &length);
      g_string_append_len (out, text, length);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
