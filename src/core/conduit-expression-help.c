/* conduit-expression-help.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression.h"

/* What the editors need to help a person write an expression: each function's signature and
 * one line about it, and the word being typed at the cursor. The parser stays the only judge of
 * what is valid; this file never decides that. */

/* The order and the names are those of the function table (conduit-expression-functions.c);
 * test-exprs-core checks that every function there has a line here. */
static const ConduitExpressionFunctionInfo infos[] = {
  { "coalesce", "coalesce(a, b, …)", N_("the first value that is not missing, null or empty") },
  { "concat", "concat(a, b, …)", N_("the texts one after the other") },
  { "contains", "contains(s, part)", N_("whether the text (or list) holds part") },
  { "date", "date(v, \"format\")", N_("a date read in a format, as ISO 8601") },
  { "default", "default(v, fallback)", N_("v, or fallback when v is missing, null or empty") },
  { "digits", "digits(s)", N_("only the digits 0–9 of the text") },
  { "ends_with", "ends_with(s, part)", N_("whether the text ends with part") },
  { "format_date", "format_date(v, \"format\")", N_("an ISO 8601 date written in another form") },
  { "if", "if(condition, then, else)", N_("then when the condition is true, else else") },
  { "is_empty", "is_empty(v)", N_("whether v is missing, null, empty text or an empty list") },
  { "join", "join(list, sep)", N_("the items of a list as text between sep") },
  { "length", "length(v)", N_("characters of text, items of a list") },
  { "lookup", "lookup(v, {table}, default)", N_("the table's value for v") },
  { "lower", "lower(s)", N_("the text in lower case") },
  { "lower_ascii", "lower_ascii(s)", N_("only A–Z in lower case") },
  { "matches", "matches(s, pattern)", N_("whether a regular expression matches the text") },
  { "now", "now()", N_("the current date and time, UTC") },
  { "regex_replace", "regex_replace(s, pattern, new)", N_("every match of a pattern replaced") },
  { "replace", "replace(s, old, new)", N_("every old replaced by new, plain text") },
  { "round", "round(n, decimals)", N_("the number rounded half away from zero") },
  { "sha256", "sha256(a, b, …)", N_("the SHA-256 of the values' text, in hex") },
  { "split", "split(s, sep)", N_("a list of the parts of the text between sep") },
  { "starts_with", "starts_with(s, part)", N_("whether the text begins with part") },
  { "substring", "substring(s, start, length)", N_("characters from start, length optional") },
  { "title", "title(s)", N_("the first letter of each word in upper case") },
  { "to_boolean", "to_boolean(v)", N_("true or false from yes/no, 1/0, on/off…") },
  { "to_integer", "to_integer(v)", N_("a whole number") },
  { "to_number", "to_number(v)", N_("the number in a text") },
  { "to_string", "to_string(v)", N_("the value as text; lists and tables as JSON") },
  { "trim", "trim(s)", N_("the text without spaces at either end") },
  { "trim_ascii", "trim_ascii(s)", N_("the text without ASCII spaces at either end") },
  { "try", "try(v, fallback)", N_("v, or fallback when computing v fails") },
  { "upper", "upper(s)", N_("the text in upper case") },
  { "upper_ascii", "upper_ascii(s)", N_("only a–z in upper case") },
  { "uuid", "uuid()", N_("a random UUID") },
};

/**
 * conduit_expression_describe_function:
 * @name: a function name, e.g. `lower`
 *
 * For the editors' completion: how the function is written and what it gives. The
 * description is translated.
 *
 * Returns: (transfer none) (nullable): the function's signature and description, or %NULL
 *   when @name is not a function of the language
 */
const ConduitExpressionFunctionInfo *
conduit_expression_describe_function (const char *name)
{
  static ConduitExpressionFunctionInfo translated[G_N_ELEMENTS (infos)];
  static gsize initialized = 0;

  g_return_val_if_fail (name != NULL, NULL);

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
        {
          translated[i] = infos[i];
          translated[i].description = _(infos[i].description);
        }
      g_once_init_leave (&initialized, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (infos); i++)
    if (g_str_equal (infos[i].name, name) &&
        g_strv_contains (conduit_expression_list_functions (), name))
      return &translated[i];
  return NULL;
}

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_' || c == '.' || c == '[' || c == ']';
}

/**
 * conduit_expression_find_word:
 * @text: the whole text of a setting
 * @cursor: the cursor, in characters from the start
 * @is_template: %TRUE when @text is a template (text with `{{ expression }}` parts), %FALSE
 *   when all of it is one expression
 * @word_start: (out) (optional): where the word ends before the cursor starts, in characters
 *
 * The field name or function name being typed at @cursor, for completion: the letters, digits,
 * `_`, dots and brackets right before the cursor (`customer.em`, `low`), or "" right after
 * `{{`, a space or `(`. Nothing is offered outside an expression — in a template's plain text,
 * inside quotes, after a closing `}}` — so that completion never pops up over plain text.
 *
 * Returns: (transfer full) (nullable): the word, possibly "", or %NULL when @cursor is not
 *   in an expression
 */
char *
conduit_expression_find_word (const char *text,
                              glong       cursor,
                              gboolean    is_template,
                              glong      *word_start)
{
  gboolean in_expression = !is_template;
  gunichar quote = 0;
  const char *p = text;
  const char *cursor_p;
  const char *start;
  glong n_chars;

  g_return_val_if_fail (text != NULL, NULL);

  n_chars = g_utf8_strlen (text, -1);
  if (cursor < 0 || cursor > n_chars)
    return NULL;
  cursor_p = g_utf8_offset_to_pointer (text, cursor);

  /* Walk to the cursor keeping track of {{ }} and quotes, as the parser reads them. */
  while (p < cursor_p)
    {
      gunichar c = g_utf8_get_char (p);

      if (quote != 0)
        {
          if (c == '\\' && p + 1 < cursor_p)
            p++;
          else if (c == quote)
            quote = 0;
        }
      else if (is_template && !in_expression)
        {
          if (c == '\\' && p[1] == '{' && p[2] == '{')
            p += 2;
          else if (c == '{' && p[1] == '{')
            {
              in_expression = TRUE;
              p++;
            }
        }
      else if (c == '"' || c == '\'' || c == '`')
        quote = c;
      else if (is_template && c == '}' && p[1] == '}')
        {
          in_expression = FALSE;
          p++;
        }
      p = g_utf8_next_char (p);
    }

  /* A field name in backquotes is a name being typed too: `First Na */
  if (quote == '`')
    {
      start = cursor_p;
      while (start > text && g_utf8_get_char (g_utf8_prev_char (start)) != '`')
        start = g_utf8_prev_char (start);
      start = g_utf8_prev_char (start);
    }
  else if (quote != 0 || !in_expression)
    return NULL;
  else
    start = cursor_p;

  while (start > text)
    {
      const char *prev = g_utf8_prev_char (start);
      gunichar c = g_utf8_get_char (prev);

      if (c == '`')
        {
          /* a quoted segment before a dot: walk over it to its opening backquote */
          const char *open = prev;

          while (open > text && g_utf8_get_char (g_utf8_prev_char (open)) != '`')
            open = g_utf8_prev_char (open);
          if (open == text)
            break;
          start = g_utf8_prev_char (open);
          continue;
        }
      if (!is_word_char (c))
        break;
      start = prev;
    }

  if (word_start != NULL)
    *word_start = g_utf8_pointer_to_offset (text, start);
  return g_strndup (start, cursor_p - start);
}
