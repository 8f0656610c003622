/* test-json-text.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

static const char *document =
  "{\n"
  "  \"name\": \"x\",\n"
  "  \"nodes\": [\n"
  "    {\n"
  "      \"id\": \"a/b\",\n"
  "      \"list\": [1, [2, 3], {\"k~\": true}]\n"
  "    },\n"
  "    { \"id\": \"c\" }\n"
  "  ],\n"
  "  \"empty\": {},\n"
  "  \"after\": \"y\"\n"
  "}\n";

static void
assert_located (const char *pointer,
                guint       expected_line,
                guint       expected_column)
{
  guint line = 0, column = 0;

  g_assert_true (conduit_json_text_locate (document, strlen (document), pointer, &line, &column));
  g_assert_cmpuint (line, ==, expected_line);
  g_assert_cmpuint (column, ==, expected_column);
}

static void
test_locate (void)
{
  guint line, column;

  assert_located ("", 1, 1);
  assert_located ("/name", 2, 3);
  assert_located ("/nodes", 3, 3);
  assert_located ("/nodes/0", 4, 5);
  assert_located ("/nodes/0/id", 5, 7);
  assert_located ("/nodes/0/list/1", 6, 19);
  assert_located ("/nodes/0/list/1/1", 6, 23);
  assert_located ("/nodes/0/list/2/k~0", 6, 28);
  assert_located ("/nodes/1", 8, 5);
  assert_located ("/nodes/1/id", 8, 7);
  assert_located ("/empty", 10, 3);
  assert_located ("/after", 11, 3);

  g_assert_false (conduit_json_text_locate (document, strlen (document), "/missing", &line, &column));
  g_assert_false (conduit_json_text_locate (document, strlen (document), "/nodes/2", &line, &column));
}

static void
test_pointer_escape (void)
{
  g_autofree char *a = conduit_json_pointer_append ("/x", "a/b~c");
  g_autofree char *b = conduit_json_pointer_append_index ("/x", 7);

  g_assert_cmpstr (a, ==, "/x/a~1b~0c");
  g_assert_cmpstr (b, ==, "/x/7");
}

static void
test_pretty_roundtrip (void)
{
  const char *canonical =
    "{\n"
    "  \"text\": \"ü \\\"q\\\" \\n\",\n"
    "  \"int\": 42,\n"
    "  \"double\": 0.1,\n"
    "  \"whole_double\": 3.0,\n"
    "  \"big\": 1e+300,\n"
    "  \"list\": [1, 2.5, null, true],\n"
    "  \"objects\": [\n"
    "    {\n"
    "      \"a\": []\n"
    "    },\n"
    "    {}\n"
    "  ]\n"
    "}\n";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  json_parser_load_from_data (parser, canonical, -1, &error);
  g_assert_no_error (error);

  out = conduit_json_text_to_pretty (json_parser_get_root (parser));
  g_assert_cmpstr (out, ==, canonical);
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  guint line = 0;

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (deep, ']');

  g_assert_false (conduit_json_text_check_depth (deep->str, deep->len, 256, &line));
  g_assert_cmpuint (line, ==, 1);
  g_assert_true (conduit_json_text_check_depth ("[\"[[[[\"]", 8, 2, NULL));
  g_assert_false (conduit_json_text_check_depth ("[[[]]]", 6, 2, NULL));
}

/* json-glib makes bytes that are not UTF-8 of a lone surrogate escape; the walk names the first
 * such place, a member name's or a value's, and nothing in a tree that is all UTF-8. */
static void
test_invalid_utf8 (void)
{
  struct { const char *json; const char *pointer; } cases[] = {
    { "{\"a\":[1,{\"b\":\"ok é\"}],\"c\":\"€\"}", NULL },
    { "{\"a\":[1,{\"b\":\"half \\ud83d a smile\"}]}", "/a/1/b" },
    { "[\"fine\",\"\\ude00 x\"]", "/1" },
    { "{\"x\":{\"\\ud83d x\":1}}", "/x" },
    { "\"\\ud83d x\"", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autofree char *found = NULL;

      g_assert_nonnull (node);
      found = conduit_json_node_find_invalid_utf8 (node);
      g_assert_cmpstr (found, ==, cases[i].pointer);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/json-text/locate", test_locate);
  g_test_add_func ("/conduit/json-text/pointer-escape", test_pointer_escape);
  g_test_add_func ("/conduit/json-text/pretty-roundtrip", test_pretty_roundtrip);
  g_test_add_func ("/conduit/json-text/depth", test_depth);
  g_test_add_func ("/conduit/json-text/invalid-utf8", test_invalid_utf8);

  return g_test_run ();
}
