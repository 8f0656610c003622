/* fuzz-expression.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* The mapping language, whose text a person types and a flow file from anyone carries: the
 * parser (as an expression and as a field path) and the evaluator over a few records. A syntax
 * error must point inside the text; every result must be JSON that can be written out, every
 * message UTF-8. And the word completion reads at a cursor (conduit_expression_find_word()). */

static const char *record_texts[] = {
  "{\"First Name\": \"  ada \", \"last\": \"LOVELACE\", \"email\": \" Ada@Example.COM \","
  " \"phone\": \"+44 (20) 7946-0958\", \"age\": \"36\", \"score\": 7.5, \"n\": 3,"
  " \"big\": 9223372036854775807, \"small\": -9223372036854775808, \"tiny\": 5e-324,"
  " \"empty\": \"\", \"nothing\": null, \"yes\": \"Yes\", \"when\": \"15/03/2024\","
  " \"utm\": {\"source\": \"newsletter\", \"a.b\": 1},"
  " \"items\": [{\"sku\": \"A1\", \"price\": 9.5, \"qty\": 2}, {\"sku\": \"B2\", \"price\": 1}],"
  " \"tags\": [\"x\", \"y\", \"z\"], \"country\": \"fr\", \"name\": \"o'neil jean-luc\"}",
  "{}",
  "[1, \"two\", [3]]",
  "null",
};

static JsonNode *records[G_N_ELEMENTS (record_texts)];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  for (guint i = 0; i < G_N_ELEMENTS (record_texts); i++)
    {
      g_autoptr(GError) error = NULL;

      records[i] = json_from_string (record_texts[i], &error);
      g_assert_no_error (error);
    }
  return 0;
}

static void
check_error (const GError *error,
             const char   *text)
{
  g_assert_nonnull (error);
  if (!g_utf8_validate (error->message, -1, NULL) &&
      strstr (error->message, "is not a date code") == NULL)
    g_error ("an expression error is not UTF-8: %s", error->message);
  if (g_error_matches (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX))
    g_assert_cmpuint (conduit_expression_error_get_column (error), <=,
                      g_utf8_strlen (text, -1) + 1);
}

static void
check_value (JsonNode *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return;
  text = json_to_string (value, FALSE);
  if (!g_utf8_validate (text, -1, NULL))
    g_error ("an expression made text that is not UTF-8: %s", text);
}

static void
evaluate (ConduitExpression *expression,
          const char        *text)
{
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr(JsonNode) value = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *string = NULL;
      gboolean boolean = FALSE;

      value = conduit_expression_evaluate (expression, records[i], &error);
      if (value == NULL && error != NULL)
        check_error (error, text);
      check_value (value);
      g_clear_error (&error);

      if (!conduit_expression_evaluate_boolean (expression, records[i], &boolean, &error))
        check_error (error, text);
      g_clear_error (&error);

      string = conduit_expression_evaluate_string (expression, records[i], &error);
      if (string == NULL && error != NULL)
        check_error (error, text);
      if (string != NULL && !g_utf8_validate (string, -1, NULL))
        g_error ("an expression made text that is not UTF-8: %s", string);
    }
}

/* The editors' completion reads the word at any cursor of any text: it must stay inside the
 * text and end at the cursor. */
static void
find_words (const char *text)
{
  glong n_chars = g_utf8_strlen (text, -1);
  glong step = MAX (n_chars / 64, 1);

  for (glong cursor = 0; cursor <= n_chars + 1; cursor += step)
    for (int is_template = 0; is_template <= 1; is_template++)
      {
        glong start = -1;
        g_autofree char *word = conduit_expression_find_word (text, cursor, is_template, &start);
        const char *end;

        if (word == NULL)
          continue;
        g_assert_cmpint (cursor, <=, n_chars);
        g_assert_cmpint (start, >=, 0);
        g_assert_cmpint (start, <=, cursor);
        g_assert_true (g_utf8_validate (word, -1, NULL));
        g_assert_cmpint (g_utf8_strlen (word, -1), ==, cursor - start);
        end = g_utf8_offset_to_pointer (text, start);
        g_assert_true (strncmp (end, word, strlen (word)) == 0);
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr(ConduitExpression) expression = NULL;
  g_autoptr(ConduitExpression) path = NULL;
  g_autoptr(GError) error = NULL;

  /* Expressions come from JSON files and text fields: always UTF-8 by then. */
  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  expression = conduit_expression_new (text, &error);
  if (expression == NULL)
    check_error (error, text);
  else
    evaluate (expression, text);
  g_clear_error (&error);

  path = conduit_expression_new_path (text, &error);
  if (path == NULL)
    check_error (error, text);
  else
    evaluate (path, text);

  /* the same text as a template: its errors are placed over the whole text */
  {
    g_autoptr(ConduitTemplate) template = NULL;

    g_clear_error (&error);
    template = conduit_template_new (text, &error);
    if (template == NULL)
      check_error (error, text);
  }

  find_words (text);
  return 0;
}
