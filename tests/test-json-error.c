/* test-json-error.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"

/* A JSON text's mistake in words, with its line and column, not json-glib's scanner jargon. */

static char *
describe (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_nonnull (error);
  return conduit_json_parse_error_describe (error);
}

static void
test_words (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "[{\"a\": \"b}]", "Line 1, column 12: this cannot be read" },
    { "[\n  {\"a\": 1,}\n]", "Line 2, column " },
    { "[{\"a\" 1}]", "a colon is missing" },
    { "[{\"a\": tru}]", "a word without quotes" },
    { "[{\"a\": 1 \"b\": 2}]", "a comma is missing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *said = describe (cases[i].text);

      g_test_message ("%s → %s", cases[i].text, said);
      g_assert_nonnull (strstr (said, cases[i].expected));
      g_assert_null (strstr (said, "<data>"));
      g_assert_null (strstr (said, "Parse error"));
      g_assert_null (strstr (said, "scanner"));
    }
}

static void
test_other_errors_kept (void)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "disk on fire");
  g_autofree char *said = conduit_json_parse_error_describe (error);

  g_assert_cmpstr (said, ==, "disk on fire");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/json/error/words", test_words);
  g_test_add_func ("/conduit/json/error/other-errors-kept", test_other_errors_kept);

  return g_test_run ();
}
