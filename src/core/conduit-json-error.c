/* conduit-json-error.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-json-error"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "conduit-json-error.h"

/* json-glib says what its scanner saw ("<data>:1:24: Parse error: scanner: unterminated string
 * constant"), which is right for a programmer and jargon for the person typing sample records.
 * This says it in words, by the kind of error, with the line and column. */

static const char *
words_for (const GError *error)
{
  if (!g_error_matches (error, JSON_PARSER_ERROR, error->code))
    return NULL;

  switch (error->code)
    {
    case JSON_PARSER_ERROR_PARSE:
      return _("this cannot be read: is a text missing its closing quote, or is a character out of place?");
    case JSON_PARSER_ERROR_TRAILING_COMMA:
      return _("a comma comes after the last value; remove it");
    case JSON_PARSER_ERROR_MISSING_COMMA:
      return _("a comma is missing between two values, or a closing bracket is missing");
    case JSON_PARSER_ERROR_MISSING_COLON:
      return _("a colon is missing after a field name");
    case JSON_PARSER_ERROR_INVALID_BAREWORD:
      return _("a word without quotes: text goes in \"double quotes\", and true, false and null are written in lower case");
    case JSON_PARSER_ERROR_EMPTY_MEMBER_NAME:
      return _("a field name is empty");
    case JSON_PARSER_ERROR_INVALID_DATA:
      return _("the text has characters that are not valid UTF-8");
    default:
      return NULL;
    }
}

/**
 * conduit_json_parse_error_describe:
 * @error: an error from #JsonParser
 *
 * What is wrong with a JSON text, in words, with its line and column when json-glib gave them:
 * "Line 1, column 12: this cannot be read: …". An error of another kind keeps its message.
 *
 * Returns: (transfer full): the sentence
 */
char *
conduit_json_parse_error_describe (const GError *error)
{
  const char *words;
  guint line = 0, column = 0;

  g_return_val_if_fail (error != NULL, NULL);

  words = words_for (error);
  if (words == NULL)
    return g_utf8_make_valid (error->message, -1);

  /* json-glib gives the place only at the start of its message: "<data>:LINE:COLUMN: …" */
  if (g_str_has_prefix (error->message, "<data>:") &&
      sscanf (error->message, "<data>:%u:%u:", &line, &column) == 2 && line > 0)
    /* Translators: where a JSON text goes wrong, then what is wrong */
    return g_strdup_printf (_("Line %u, column %u: %s"), line, MAX (column, 1), words);

  return g_strdup (words);
}
