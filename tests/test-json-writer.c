/* test-json-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>

#include "conduit.h"

/* conduit_json_writer_to_string() must give json-glib's bytes exactly: the history keeps items
 * as that text. Every check here asks json-glib itself (json_to_string() and a generator, as
 * the code it replaces called them) and compares. */

static void
assert_same_as_json_glib (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *expected = json_to_string (node, FALSE);
  g_autofree char *from_generator = NULL;
  g_autofree char *written = NULL;
  g_autoptr(GString) appended = g_string_new ("prefix");
  gsize expected_length = 0;
  gsize length = 0;

  json_generator_set_root (generator, node);
  from_generator = json_generator_to_data (generator, &expected_length);
  g_assert_cmpstr (from_generator, ==, expected);

  written = conduit_json_writer_to_string (node, &length);
  g_assert_cmpstr (written, ==, expected);
  g_assert_cmpuint (length, ==, expected_length);

  conduit_json_writer_append (appended, node);
  g_assert_cmpstr (appended->str + strlen ("prefix"), ==, expected);
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

static JsonNode *
double_node (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_double (node, value);
  return node;
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

/* Every byte from 1 to 255 alone, after plain text and before it, as a value and as a member
 * name: the escapes, 0x1f and 0x7f (json-glib's odd ones out) and bytes that are not UTF-8. */
static void
test_every_byte (void)
{
  for (guint b = 1; b < 256; b++)
    {
      char text[8] = { 'a', (char)b, 'z', 0 };
      char alone[2] = { (char)b, 0 };
      g_autoptr(JsonNode) value = string_node (text);
      g_autoptr(JsonNode) single = string_node (alone);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(JsonNode) wrapped = json_node_new (JSON_NODE_OBJECT);

      assert_same_as_json_glib (value);
      assert_same_as_json_glib (single);
      json_object_set_member (object, text, string_node (alone));
      json_object_set_member (object, alone, int_node (b));
      json_node_set_object (wrapped, object);
      assert_same_as_json_glib (wrapped);
    }
}

/* What the writer must give, spelt out: a check that does not depend on json-glib agreeing. */
static void
test_known_bytes (void)
{
  struct { const char *in; const char *out; } strings[] = {
    { "", "\"\"" },
    { "plain", "\"plain\"" },
    { "q\"b\\", "\"q\\\"b\\\\\"" },
    { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
    { "\x01\x1e", "\"\\u0001\\u001e\"" },
    { "\x1f", "\"\x1f\"" },
    { "\x7f", "\"\\u007f\"" },
    { "/", "\"/\"" },
    { "é€😀", "\"é€😀\"" },
    { "\xff\xfe", "\"\xff\xfe\"" },
  };
  struct { double in; const char *out; } doubles[] = {
    { 0.1, "0.10000000000000001" },
    { 1.0, "1.0" },
    { 12.5, "12.5" },
    { -0.25, "-0.25" },
    { 0.0625, "0.0625" },
    { 1234567.0009765625, "1234567.0009765625" },
    { 1125899906842624.25, "1125899906842624.2" },
    { -0.0, "-0.0" },
    { 1e20, "1e+20.0" },
    { 2.5e-300, "2.5e-300" },
    { 1e300, "1.0000000000000001e+300" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autoptr(JsonNode) node = string_node (strings[i].in);
      g_autofree char *text = conduit_json_writer_to_string (node, NULL);

      g_assert_cmpstr (text, ==, strings[i].out);
      assert_same_as_json_glib (node);
    }
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      g_autoptr(JsonNode) node = double_node (doubles[i].in);
      g_autofree char *text = conduit_json_writer_to_string (node, NULL);

      g_assert_cmpstr (text, ==, doubles[i].out);
      assert_same_as_json_glib (node);
    }
}

static void
test_numbers (void)
{
  const gint64 ints[] = { 0, 1, -1, 9, 10, -10, 99, 100, 12345, G_MAXINT32, G_MININT32,
                          (gint64)G_MAXINT32 + 1, G_MAXINT64, G_MININT64, G_MININT64 + 1,
                          1000000000000000000, -999999999999999999 };
  const double doubles[] = { 0.0, -0.0, 0.5, -0.5, 1.0, 3.0, 1e15, 1e16, 1e17, 1e21, 1e22,
                             1e-5, 1e-7, 123.456, 1.0 / 3.0, DBL_MAX, -DBL_MAX, DBL_MIN,
                             DBL_MIN / 4, 4.9e-324, DBL_EPSILON, 9007199254740993.0,
                             INFINITY, -INFINITY, NAN };
  g_autoptr(GRand) rand = g_rand_new_with_seed (23);

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autoptr(JsonNode) node = int_node (ints[i]);

      assert_same_as_json_glib (node);
    }
  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      g_autoptr(JsonNode) node = double_node (doubles[i]);

      assert_same_as_json_glib (node);
    }
  for (guint i = 0; i < 5000; i++)
    {
      union { guint64 bits; double value; } any;
      g_autoptr(JsonNode) random_int = NULL;
      g_autoptr(JsonNode) random_double = NULL;
      g_autoptr(JsonNode) scaled = NULL;

      any.bits = ((guint64)g_rand_int (rand) << 32) | g_rand_int (rand);
      random_int = int_node ((gint64)any.bits >> g_rand_int_range (rand, 0, 63));
      random_double = double_node (any.value);
      scaled = double_node (g_rand_double_range (rand, -1e6, 1e6));
      assert_same_as_json_glib (random_int);
      assert_same_as_json_glib (random_double);
      assert_same_as_json_glib (scaled);
    }

  /* n / 2^k, written without printf when short: whole numbers up to and past 2^53 and 1e17,
   * halves, quarters … 2^-12, signs */
  for (guint i = 0; i < 20000; i++)
    {
      gint64 n = (gint64)(((guint64)g_rand_int (rand) << 32) | g_rand_int (rand)) >>
                 g_rand_int_range (rand, 0, 64);
      g_autoptr(JsonNode) dyadic = double_node (ldexp ((double)n, -g_rand_int_range (rand, 0, 13)));

      assert_same_as_json_glib (dyadic);
    }
  for (int e = 40; e <= 70; e++)
    for (int d = -2; d <= 2; d++)
      {
        g_autoptr(JsonNode) near = double_node (ldexp (1, e) + d);
        g_autoptr(JsonNode) near_negative = double_node (-ldexp (1, e) + d * 0.5);

        assert_same_as_json_glib (near);
        assert_same_as_json_glib (near_negative);
      }
  {
    const double edges[] = { 1e16, 1e16 + 2, 1e17, 99999999999999.5, 999999999999999.5,
                             9007199254740991.0, 9007199254740992.0, 9007199254740994.0,
                             1.0 / 1024, 1.0 / 2048, 3.0 / 2048, 1e-4, 0.0009765625,
                             1234567.0009765625, 0.5, 0.75, 12.5, -12.5, -0.25 };

    for (guint i = 0; i < G_N_ELEMENTS (edges); i++)
      {
        g_autoptr(JsonNode) edge = double_node (edges[i]);

        assert_same_as_json_glib (edge);
      }
  }
}

static void
test_containers (void)
{
  g_autoptr(JsonNode) empty_object = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) empty_array = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonNode) null = json_node_new (JSON_NODE_NULL);
  g_autoptr(JsonNode) yes = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) no = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) replaced = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (empty_object, json_object_new ());
  json_node_take_array (empty_array, json_array_new ());
  json_node_set_boolean (yes, TRUE);
  json_node_set_boolean (no, FALSE);
  assert_same_as_json_glib (empty_object);
  assert_same_as_json_glib (empty_array);
  assert_same_as_json_glib (null);
  assert_same_as_json_glib (yes);
  assert_same_as_json_glib (no);

  /* a replaced member keeps its place; a removed one's name, added again, goes last */
  json_object_set_string_member (object, "b", "1");
  json_object_set_string_member (object, "a", "2");
  json_object_set_string_member (object, "c", "3");
  json_object_set_int_member (object, "b", 4);
  json_object_remove_member (object, "a");
  json_object_set_null_member (object, "a");
  json_node_set_object (replaced, object);
  assert_same_as_json_glib (replaced);
  {
    g_autofree char *text = conduit_json_writer_to_string (replaced, NULL);
    g_assert_cmpstr (text, ==, "{\"b\":4,\"c\":\"3\",\"a\":null}");
  }
}

/* Texts parsed by json-glib, as the webhook's events are: duplicate names, escapes that
 * become control bytes, surrogate pairs, deep nesting. */
static void
test_parsed (void)
{
  const char *texts[] = {
    "{\"a\":1,\"b\":[true,false,null],\"a\":2}",
    "{\"k\\u0000ey\":\"v\\u0001\\u001f\\u007f\\u0080\"}",
    "[\"\\ud83d\\ude00\",\"\\u00e9\",\"\\/\"]",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[{}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "{\"order_id\":\"A-1\",\"email\":\" X@Example.com \",\"total\":12.5,\"n\":-0,\"e\":1E3}",
    "[0.30000000000000004, 1e-7, 123456789012345678901234567890, -9223372036854775808]",
    "\"top\"",
    "17",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (json_parser_load_from_data (parser, texts[i], -1, &error));
      g_assert_no_error (error);
      assert_same_as_json_glib (json_parser_get_root (parser));
    }
}

static char *
random_text (GRand *rand)
{
  /* mostly plain, some escapes, some UTF-8 and stray high bytes */
  static const char *pieces[] = { "a", "Z", "0", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f",
                                  "\x7f", "é", "€", "😀", "\xc3", "\xff", "/", "{", "name" };
  GString *out = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 0, 12);

  for (guint i = 0; i < n; i++)
    g_string_append (out, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  return g_string_free (out, FALSE);
}

static JsonNode *
random_tree (GRand *rand,
             guint  depth)
{
  guint kind = g_rand_int_range (rand, 0, depth >= 6 ? 6 : 8);

  switch (kind)
    {
    case 0:
      return json_node_new (JSON_NODE_NULL);
    case 1:
      {
        JsonNode *node = json_node_new (JSON_NODE_VALUE);
        json_node_set_boolean (node, g_rand_boolean (rand));
        return node;
      }
    case 2:
      return int_node ((gint64)g_rand_int (rand) - G_MAXINT32);
    case 3:
      return double_node (g_rand_double_range (rand, -1e9, 1e9) *
                          pow (10, g_rand_int_range (rand, -30, 30)));
    case 4:
    case 5:
      {
        g_autofree char *text = random_text (rand);
        return string_node (text);
      }
    case 6:
      {
        JsonArray *array = json_array_new ();
        guint n = g_rand_int_range (rand, 0, 5);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array, random_tree (rand, depth + 1));
        return conduit_json_node_take_array (array);
      }
    default:
      {
        JsonObject *object = json_object_new ();
        guint n = g_rand_int_range (rand, 0, 5);

        for (guint i = 0; i < n; i++)
          {
            g_autofree char *name = random_text (rand);
            json_object_set_member (object, name, random_tree (rand, depth + 1));
          }
        return conduit_json_node_take_object (object);
      }
    }
}

static void
test_random_trees (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1630);

  for (guint i = 0; i < 20000; i++)
    {
      g_autoptr(JsonNode) tree = random_tree (rand, 0);

      assert_same_as_json_glib (tree);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/json-writer/every-byte", test_every_byte);
  g_test_add_func ("/conduit/json-writer/known-bytes", test_known_bytes);
  g_test_add_func ("/conduit/json-writer/numbers", test_numbers);
  g_test_add_func ("/conduit/json-writer/containers", test_containers);
  g_test_add_func ("/conduit/json-writer/parsed", test_parsed);
  g_test_add_func ("/conduit/json-writer/random-trees", test_random_trees);

  return g_test_run ();
}
