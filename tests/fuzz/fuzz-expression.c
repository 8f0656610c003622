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
 * message UTF-8. */

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

  return 0;
}
