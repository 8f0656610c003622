/* test-json-tree.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "conduit.h"

/* conduit_json_tree_parse() must give json-glib's JsonParser tree for every text, and its
 * error for every text json-glib refuses: each check parses with both and compares. */

static void
assert_same_node (JsonNode *mine,
                  JsonNode *theirs)
{
  g_assert_cmpint (JSON_NODE_TYPE (mine), ==, JSON_NODE_TYPE (theirs));
  g_assert_cmpint (json_node_is_immutable (mine), ==, json_node_is_immutable (theirs));

  switch (JSON_NODE_TYPE (theirs))
    {
    case JSON_NODE_NULL:
      break;

    case JSON_NODE_VALUE:
      g_assert_true (json_node_get_value_type (mine) == json_node_get_value_type (theirs));
      switch (json_node_get_value_type (theirs))
        {
        case G_TYPE_INT64:
          g_assert_cmpint (json_node_get_int (mine), ==, json_node_get_int (theirs));
          break;
        case G_TYPE_DOUBLE:
          {
            double a = json_node_get_double (mine), b = json_node_get_double (theirs);
            /* bit for bit: -0.0 is not 0.0 here */
            g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
          }
          break;
        case G_TYPE_BOOLEAN:
          g_assert_cmpint (json_node_get_boolean (mine), ==, json_node_get_boolean (theirs));
          break;
        case G_TYPE_STRING:
          g_assert_cmpstr (json_node_get_string (mine), ==, json_node_get_string (theirs));
          break;
        default:
          g_assert_not_reached ();
        }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (mine), *b = json_node_get_array (theirs);

        g_assert_cmpuint (json_array_get_length (a), ==, json_array_get_length (b));
        for (guint i = 0; i < json_array_get_length (b); i++)
          {
            g_assert_true (json_node_get_parent (json_array_get_element (a, i)) == mine);
            assert_same_node (json_array_get_element (a, i), json_array_get_element (b, i));
          }
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter ia, ib;
        const char *na, *nb;
        JsonNode *ma, *mb;

        g_assert_cmpuint (json_object_get_size (json_node_get_object (mine)), ==,
                          json_object_get_size (json_node_get_object (theirs)));
        json_object_iter_init_ordered (&ia, json_node_get_object (mine));
        json_object_iter_init_ordered (&ib, json_node_get_object (theirs));
        while (json_object_iter_next_ordered (&ib, &nb, &mb))
          {
            g_assert_true (json_object_iter_next_ordered (&ia, &na, &ma));
            g_assert_cmpstr (na, ==, nb);
            g_assert_true (json_node_get_parent (ma) == mine);
            assert_same_node (ma, mb);
          }
      }
      break;
    }
}

static void
assert_same_as_json_glib_len (const char *text,
                              gsize       length)
{
  for (guint immutable = 0; immutable < 2; immutable++)
    {
      g_autoptr(JsonParser) parser = immutable ? json_parser_new_immutable () : json_parser_new ();
      g_autoptr(GError) their_error = NULL;
      g_autoptr(GError) my_error = NULL;
      g_autoptr(JsonNode) mine = NULL;
      gboolean theirs_ok = json_parser_load_from_data (parser, text, (gssize)length, &their_error);
      gboolean mine_ok = conduit_json_tree_parse (text, length, immutable, &mine, &my_error);

      if (theirs_ok != mine_ok)
        g_error ("json-glib %s “%.*s”, the reader %s it", theirs_ok ? "takes" : "refuses",
                 (int)length, text, mine_ok ? "takes" : "refuses");
      if (!theirs_ok)
        {
          g_assert_error (my_error, their_error->domain, their_error->code);
          g_assert_cmpstr (my_error->message, ==, their_error->message);
          g_assert_null (mine);
          continue;
        }
      g_assert_no_error (my_error);
      if (json_parser_get_root (parser) == NULL)
        {
          g_assert_null (mine);
          continue;
        }
      g_assert_nonnull (mine);
      g_assert_null (json_node_get_parent (mine));
      assert_same_node (mine, json_parser_get_root (parser));
    }
}

static void
assert_same_as_json_glib (const char *text)
{
  assert_same_as_json_glib_len (text, strlen (text));
}

static void
test_strict (void)
{
  const char *texts[] = {
    "{}", "[]", " { } ", "\t[\n]\r\n", "0", "-0", "17", "-17", "true", "false", "null",
    "\"\"", "\"x\"",
    "{\"order_id\":\"A-1001\",\"email\":\"  Ada@Example.COM \",\"total\":\"12.50\","
    "\"items\":[{\"sku\":\"X-1\",\"qty\":2}]}",
    "{\"a\":1,\"b\":2,\"a\":3}",
    "{\"a\":{\"x\":1},\"a\":[1]}",
    "{\"\":0}",
    "[1, 2 ,3 , [4,[5,[6]]], {\"k\" : {\"l\":{}}}]",
    "[0.5, -0.5, 1e3, 1E3, 1e+3, 1e-3, -0.0, 0.0, 1.0, 12.50, 3.14159265358979323846]",
    "[123456789012345678, -123456789012345678, 999999999999999999]",
    "[1e308, 1e309, -1e400, 4.9e-324, 1e-400, 2.2250738585072014e-308]",
    "[0.1, 0.2, 0.30000000000000004, 9007199254740993.0, 123456789.123456789e10]",
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    "[\"\\u0041\\u00e9\\u20ac\\uffff\\u0001\\u001f\\u007f\"]",
    "[\"\\ud83d\\ude00\", \"\\uD83D\\uDE00\", \"\\udbff\\udfff\"]",
    "[\"é€😀\", \"mixed \\n é \\u00e9\"]",
    "{\"nested\":{\"deeper\":{\"deepest\":[true,false,null,\"s\",1,1.5]}}}",
    "  \"spaces around\"  ",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_same_as_json_glib (texts[i]);
}

/* Texts left to json-glib: its leniencies, its odd results and its errors. */
static void
test_left_to_json_glib (void)
{
  const char *texts[] = {
    "", "   ", "\n", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":}",
    "[1 2]", "{\"a\":1 \"b\":2}", "- 1", "-", "01", "1.", ".5", "+1", "1e", "1e+", "0x10",
    "1a", "truex", "nul", "True", "NULL", "[1.2.3]", "12345678901234567890",
    "18446744073709551616", "-9223372036854775808", "9223372036854775807",
    "1234567890123456789", "\"\\u0000\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"",
    "\"\\ud83d\\u0041\"", "\"\\x41\"", "\"\\101\"", "\"\\u12\"", "\"\\u12g4\"", "\"raw\ttab\"",
    "\"raw\x01\"", "\"unterminated", "\xef\xbb\xbf{}", "{} {}", "[] x", "# comment\n{}",
    "{\"a\":1} // c", "/* c */ []", "\"\xff\"", "[\"\xc3\"]", "[1,,2]", "{,}", "{\"a\"::1}",
    "[nan]", "[Infinity]", "[-Infinity]", "'single'", "{\"a\":[}", "[{]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_same_as_json_glib (texts[i]);

  /* a NUL inside the length */
  assert_same_as_json_glib_len ("[1,\0 2]", 7);
  assert_same_as_json_glib_len ("\"a\0b\"", 5);
}

static void
append_random_text (GString *out,
                    GRand   *rand)
{
  static const char *pieces[] = { "a", "Z", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b",
                                  "\\u0041", "\\u00e9", "\\u20ac", "\\ud83d\\ude00", "é", "€",
                                  "😀", "\\u001f", "\\u007f", "name" };
  guint n = g_rand_int_range (rand, 0, 8);

  g_string_append_c (out, '"');
  for (guint i = 0; i < n; i++)
    g_string_append (out, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  g_string_append_c (out, '"');
}

static void
append_space (GString *out,
              GRand   *rand)
{
  static const char *spaces[] = { "", "", "", " ", "\n", "\t", "\r\n  " };

  g_string_append (out, spaces[g_rand_int_range (rand, 0, G_N_ELEMENTS (spaces))]);
}

static void
append_random_json (GString *out,
                    GRand   *rand,
                    guint    depth)
{
  static const char *numbers[] = { "0", "-0", "7", "-7", "42", "1.5", "-2.25", "1e10", "1E-10",
                                   "6.02e+23", "0.1", "123456789012345678", "-1.0e0",
                                   "3.0000000000000004", "1e400" };

  append_space (out, rand);
  switch (g_rand_int_range (rand, 0, depth >= 5 ? 5 : 7))
    {
    case 0:
      g_string_append (out, g_rand_boolean (rand) ? "true" : "false");
      break;
    case 1:
      g_string_append (out, "null");
      break;
    case 2:
    case 3:
      g_string_append (out, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))]);
      break;
    case 4:
      append_random_text (out, rand);
      break;
    case 5:
      {
        guint n = g_rand_int_range (rand, 0, 5);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_random_json (out, rand, depth + 1);
          }
        append_space (out, rand);
        g_string_append_c (out, ']');
      }
      break;
    default:
      {
        guint n = g_rand_int_range (rand, 0, 5);

        g_string_append_c (out, '{');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_space (out, rand);
            /* few names, so that some repeat */
            if (g_rand_boolean (rand))
              g_string_append_printf (out, "\"k%u\"", g_rand_int_range (rand, 0, 3));
            else
              append_random_text (out, rand);
            append_space (out, rand);
            g_string_append_c (out, ':');
            append_random_json (out, rand, depth + 1);
          }
        append_space (out, rand);
        g_string_append_c (out, '}');
      }
      break;
    }
  append_space (out, rand);
}

static void
test_random_texts (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2323);

  for (guint i = 0; i < 10000; i++)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      append_random_json (text, rand, 0);
      assert_same_as_json_glib (text->str);

      /* and the same text cut short, or with one byte changed: mostly errors */
      if (text->len > 1)
        {
          gsize at = g_rand_int_range (rand, 0, text->len);

          assert_same_as_json_glib_len (text->str, at);
          text->str[at] = "{}[],:\"\\ 0-e.x"[g_rand_int_range (rand, 0, 15)];
          assert_same_as_json_glib (text->str);
        }
    }
}

/* Random doubles written as json-glib writes them read back to the same bits. */
static void
test_random_numbers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1630);

  for (guint i = 0; i < 5000; i++)
    {
      union { guint64 bits; double value; } any;
      char buf[G_ASCII_DTOSTR_BUF_SIZE + 8];

      any.bits = ((guint64)g_rand_int (rand) << 32) | g_rand_int (rand);
      if (!isfinite (any.value))
        continue;
      g_ascii_dtostr (buf, G_ASCII_DTOSTR_BUF_SIZE, any.value);
      assert_same_as_json_glib (buf);
      g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT,
                  (gint64)any.bits >> g_rand_int_range (rand, 0, 63));
      assert_same_as_json_glib (buf);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/json-tree/strict", test_strict);
  g_test_add_func ("/conduit/json-tree/left-to-json-glib", test_left_to_json_glib);
  g_test_add_func ("/conduit/json-tree/random-texts", test_random_texts);
  g_test_add_func ("/conduit/json-tree/random-numbers", test_random_numbers);

  return g_test_run ();
}
