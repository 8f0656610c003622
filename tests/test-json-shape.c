/* test-json-shape.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "conduit-mapping-value.h"
#include "conduit-mapping-value-private.h"

/* The JSON reader recognises a record's member names by comparing them with the names of the
 * record before, and skips the duplicate search when all of them are the same. Whatever the
 * lines before, a line must read exactly as it reads on its own: each line is read by one
 * reader that keeps going (as a stream does) and by a new reader, and both answers compared. */

static const char *lines[] = {
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3}",
  "{\"a\":\"x\",\"b\":\"y\",\"c\":4}",
  /* the same first names, then one given again */
  "{\"a\":\"x\",\"b\":\"y\",\"a\":5}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3}",
  /* a name through an escape: "ab", not "a" */
  "{\"a\\u0062\":1,\"b\":\"2\",\"c\":3}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3}",
  /* fewer names, more names, a duplicate after all of the last record's names */
  "{\"a\":\"1\",\"b\":\"2\"}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4,\"a\":0}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4,\"b\":[1,2]}",
  /* a nested object keeps its own duplicate search */
  "{\"a\":\"1\",\"b\":\"2\",\"c\":{\"a\":1,\"a\":2},\"d\":4}",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":{\"a\":1,\"a\":2},\"d\":4}",
  /* spaces, broken and cut-off lines after a known shape */
  "{ \"a\" : \"1\" , \"b\":\"2\",\"c\":3,\"d\":4 }",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4",
  "{\"a\":\"1\",\"b\":\"2\",\"c\"",
  "{\"a\":\"1\",\"b",
  "{\"a",
  "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"d\":4}",
  /* a name that starts like a known one, a name with an escaped quote */
  "{\"ab\":1,\"b\":\"2\",\"c\":3,\"d\":4}",
  "{\"abc\":1,\"b\":\"2\",\"c\":3,\"d\":4}",
  "{\"a\":\"1\",\"b\\\"\":2}",
  "{\"a\":\"1\",\"b\\\"\":2}",
  "{\"a\":\"1\",\"b\\\"\":2,\"b\\\"\":3}",
  /* non-ASCII names, and bytes that are not UTF-8 */
  "{\"\xc3\xa9t\xc3\xa9\":1,\"b\":\"2\"}",
  "{\"\xc3\xa9t\xc3\xa9\":1,\"b\":\"2\",\"\xc3\xa9t\xc3\xa9\":3}",
  "{\"\xc3\xa9t\xc3\xa9\":1,\"b\":\"2\"}",
  "{\"\xc3\xa9t\xc3\xa9\":1,\"b\":\"2\"}",
  "{\"\xc3\xa9t\xff\":1,\"b\":\"2\"}",
  /* long names (beyond the 16 bytes compared without a call) */
  "{\"a_name_longer_than_sixteen_bytes\":1,\"another_long_member_name\":2}",
  "{\"a_name_longer_than_sixteen_bytes\":1,\"another_long_member_name\":2}",
  "{\"a_name_longer_than_sixteen_bytes\":1,\"another_long_member_name_\":2}",
  "{\"a_name_longer_than_sixteen_bytes\":1,\"another_long_member_name\":2,"
  "\"a_name_longer_than_sixteen_bytes\":3}",
  /* empty objects, a list, a scalar, an object inside a list */
  "{}",
  "{}",
  "{\"a\":1}",
  "[{\"a\":1,\"a\":2}]",
  "{\"a\":1}",
  "\"a\"",
  "{\"a\":1,\"a\":2}",
  "{\"a\":1,\"a\":2}",
  "{\"a\":1}",
  "{\"a\":1}",
};

static char *
describe (ConduitJsonReader  *reader,
          const ConduitValue *value,
          gsize               offset,
          const char         *message)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *duplicate;
  gsize duplicate_len;

  if (value == NULL)
    {
      g_string_printf (text, "refused at %" G_GSIZE_FORMAT ": %s", offset, message);
      return g_string_free (g_steal_pointer (&text), FALSE);
    }
  conduit_value_write_json (text, value);
  duplicate = conduit_json_reader_get_duplicate (reader, &duplicate_len);
  if (duplicate != NULL)
    {
      g_string_append (text, " duplicate ");
      g_string_append_len (text, duplicate, duplicate_len);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
check_lines (const char **texts,
             guint        n_texts)
{
  g_autoptr(ConduitJsonReader) stream = conduit_json_reader_new ();
  g_autoptr(ConduitArena) stream_arena = conduit_arena_new ();

  for (guint i = 0; i < n_texts; i++)
    {
      g_autoptr(ConduitJsonReader) alone = conduit_json_reader_new ();
      g_autoptr(ConduitArena) alone_arena = conduit_arena_new ();
      /* a copy each, so that nothing can point into an earlier line's text */
      g_autofree char *text = g_strdup (texts[i]);
      gsize length = strlen (text);
      gsize stream_offset = 0, alone_offset = 0;
      const char *stream_message = NULL, *alone_message = NULL;
      ConduitValue *stream_value, *alone_value;
      g_autofree char *stream_text = NULL;
      g_autofree char *alone_text = NULL;

      conduit_arena_reset (stream_arena);
      stream_value = conduit_json_reader_parse (stream, stream_arena, text, length,
                                                &stream_offset, &stream_message);
      alone_value = conduit_json_reader_parse (alone, alone_arena, text, length,
                                               &alone_offset, &alone_message);
      stream_text = describe (stream, stream_value, stream_offset, stream_message);
      alone_text = describe (alone, alone_value, alone_offset, alone_message);
      if (g_strcmp0 (stream_text, alone_text) != 0)
        g_error ("line %u (%s): read after the lines before as %s, alone as %s", i + 1, texts[i],
                 stream_text, alone_text);
    }
}

static void
test_lines (void)
{
  check_lines (lines, G_N_ELEMENTS (lines));
}

typedef struct
{
  const char *line;
  const char *expected;   /* describe()'s words for what it reads as */
} ExpectedLine;

/* Reads each line, one reader for all as a stream does, and compares with what it must give. */
static void
check_expected (const ExpectedLine *cases,
                guint               n_cases)
{
  g_autoptr(ConduitJsonReader) reader = conduit_json_reader_new ();
  g_autoptr(ConduitArena) arena = conduit_arena_new ();

  for (guint i = 0; i < n_cases; i++)
    {
      gsize offset = 0;
      const char *message = NULL;
      ConduitValue *value;
      g_autofree char *got = NULL;

      conduit_arena_reset (arena);
      value = conduit_json_reader_parse (reader, arena, cases[i].line, strlen (cases[i].line),
                                         &offset, &message);
      got = describe (reader, value, offset, message);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* What the comparison must give, written out: a duplicate after a line with the same first
 * names is still found (last value, first position), and a name through an escape is decoded. */
static void
test_expected (void)
{
  static const ExpectedLine cases[] = {
    { "{\"a\":\"1\",\"b\":\"2\",\"c\":3}", "{\"a\":\"1\",\"b\":\"2\",\"c\":3}" },
    { "{\"a\":\"1\",\"b\":\"2\",\"c\":3}", "{\"a\":\"1\",\"b\":\"2\",\"c\":3}" },
    { "{\"a\":\"1\",\"b\":\"2\",\"a\":3}", "{\"a\":3,\"b\":\"2\"} duplicate a" },
    { "{\"a\":\"1\",\"b\":\"2\",\"c\":3}", "{\"a\":\"1\",\"b\":\"2\",\"c\":3}" },
    { "{\"a\":\"1\",\"b\":\"2\",\"c\":3,\"c\":4}", "{\"a\":\"1\",\"b\":\"2\",\"c\":4} duplicate c" },
    { "{\"a\\u0062\":1,\"b\":\"2\",\"c\":3}", "{\"ab\":1,\"b\":\"2\",\"c\":3}" },
    { "{\"a\":\"1\",\"b\":\"2\",\"c\"", "refused at 20: expected : after a member name" },
  };

  check_expected (cases, G_N_ELEMENTS (cases));
}

/* Every ordering of a few lines that differ in one name each: the reader's memory of the last
 * names must never carry over a wrong answer, whichever line comes before which. */
static void
test_orders (void)
{
  static const char *variants[] = {
    "{\"id\":1,\"name\":\"a\",\"mail\":\"x\"}",
    "{\"id\":1,\"name\":\"a\",\"mail\":\"x\",\"id\":2}",
    "{\"id\":1,\"nam\\u0065\":\"a\",\"mail\":\"x\"}",
    "{\"id\":1,\"name\":\"a\"}",
    "{\"id\":1,\"name\":\"a\",\"mail\":\"x\",\"zip\":\"1\"}",
    "{\"id\":1,\"mail\":\"x\",\"name\":\"a\"}",
  };
  guint n = G_N_ELEMENTS (variants);

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      for (guint k = 0; k < n; k++)
        {
          const char *order[] = { variants[i], variants[j], variants[k], variants[i] };

          check_lines (order, G_N_ELEMENTS (order));
        }
}

/* Short strings are written with one 16-byte store into the output's spare room: every
 * length around 16, texts ending at every alignment in a block of their own size, outputs at
 * every fill level of their room, with and without escapes. */
static void
test_write_short (void)
{
  for (gsize length = 0; length <= 40; length++)
    for (gsize fill = 0; fill < 40; fill++)
      {
        g_autofree char *text = g_malloc (MAX (length, 1));
        g_autoptr(GString) out = g_string_sized_new (1);
        g_autoptr(GString) want = g_string_new (NULL);

        for (gsize i = 0; i < length; i++)
          text[i] = (char)('a' + (i + fill) % 26);
        /* every fifth case a quote inside, which takes the escaping path */
        if (length > 0 && fill % 5 == 0)
          text[(length + fill) % length] = '"';
        for (gsize i = 0; i < fill; i++)
          g_string_append_c (out, 'x');
        g_string_append (want, out->str);
        g_string_append_c (want, '"');
        for (gsize i = 0; i < length; i++)
          {
            if (text[i] == '"')
              g_string_append_c (want, '\\');
            g_string_append_c (want, text[i]);
          }
        g_string_append_c (want, '"');

        conduit_value_write_json_string (out, text, length);
        g_assert_cmpuint (out->len, ==, want->len);
        g_assert_cmpmem (out->str, out->len + 1, want->str, want->len + 1);
        /* and another after it, as the members of a record follow each other */
        conduit_value_write_json_string (out, text, length);
        g_assert_cmpuint (out->len, ==, want->len + (want->len - fill));
        g_assert_cmpint (out->str[out->len], ==, '\0');
      }
}

/* conduit_json_scan_plain() on texts that end just before a page's end, where the last
 * bytes are not read 16 at a time (the load would cross the page) but by the out-of-line
 * rest of the scan: the byte it stops at and whether a high byte came before it, against
 * the same texts away from the page's end and against the rule byte by byte. */
static void
test_scan_page_end (void)
{
  const gsize page = 4096;
  char *memory = NULL;
  static const char stops[] = { '"', '\\', '\n', '\x01', '\x1f' };

  g_assert_cmpint (posix_memalign ((void **)&memory, page, 2 * page), ==, 0);
  for (gsize length = 1; length <= 40; length++)
    for (gsize at = 0; at <= length; at++)
      for (guint kind = 0; kind < G_N_ELEMENTS (stops) + 1; kind++)
        {
          /* at the page's end, and in the middle of the next page */
          char *texts[] = { memory + page - length, memory + page + 1000 };

          for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
            {
              char *text = texts[t];
              gsize want_end = length;
              guint64 want_high = 0, high = 0;

              for (gsize i = 0; i < length; i++)
                text[i] = (char)('a' + i % 26);
              /* a stop byte at @at (none when @at is the end), a high byte before it */
              if (at > 0 && kind == G_N_ELEMENTS (stops))
                text[at - 1] = (char)0xC3;
              if (at < length && kind < G_N_ELEMENTS (stops))
                text[at] = stops[kind];
              for (gsize i = 0; i < length; i++)
                {
                  guchar c = text[i];

                  if (c == '"' || c == '\\' || c < 0x20)
                    {
                      want_end = i;
                      break;
                    }
                  want_high |= c & 0x80;
                }
              g_assert_cmpuint (conduit_json_scan_plain (text, 0, length, &high), ==, want_end);
              g_assert_cmpint (high != 0, ==, want_high != 0);
            }
        }
  free (memory);
}

/* Integers are written two digits a step: every number to 100,000 and around each power
 * of ten, both signs, and the ends of 64 bits, against printf. */
static void
test_write_integers (void)
{
  g_autoptr(ConduitArena) arena = conduit_arena_new ();
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 power = 1;

  for (gint64 n = 0; n <= 100000; n++)
    g_array_append_val (numbers, n);
  for (int i = 0; i < 19; i++)
    {
      for (gint64 d = -1; d <= 1; d++)
        {
          gint64 n = power + d;

          g_array_append_val (numbers, n);
        }
      /* 10^18 is the last power of ten within 64 bits */
      if (i < 18)
        power *= 10;
    }
  g_array_append_vals (numbers, (gint64[]) { G_MAXINT64, G_MININT64, G_MININT64 + 1 }, 3);
  for (guint i = 0; i < numbers->len; i++)
    for (int sign = 1; sign >= -1; sign -= 2)
      {
        gint64 n = g_array_index (numbers, gint64, i);
        g_autoptr(GString) out = g_string_new ("x");
        g_autofree char *want = NULL;

        if (sign < 0 && n != G_MININT64)
          n = -n;
        want = g_strdup_printf ("x%" G_GINT64_FORMAT, n);
        conduit_value_write_json (out, conduit_value_new_integer (arena, n));
        g_assert_cmpstr (out->str, ==, want);
      }
}

/* Numbers, whole ones read without a check per digit (19 digits cannot pass 64 bits): what
 * each line reads as, or where and why it is refused, as the reader gave before. */
#define BEYOND "the whole number is beyond the 64-bit range (-9223372036854775808 to " \
               "9223372036854775807); write it in quotes to keep it as text"

static void
test_numbers (void)
{
  static const ExpectedLine cases[] = {
    { "{\"n\":0}",
      "{\"n\":0}" },
    { "{\"n\":-0}",
      "{\"n\":0}" },
    { "{\"n\":7}",
      "{\"n\":7}" },
    { "{\"n\":-7}",
      "{\"n\":-7}" },
    { "{\"n\":20000}",
      "{\"n\":20000}" },
    { "{\"n\":1234567890123456789}",
      "{\"n\":1234567890123456789}" },
    { "{\"n\":9223372036854775807}",
      "{\"n\":9223372036854775807}" },
    { "{\"n\":9223372036854775808}",
      "refused at 5: " BEYOND },
    { "{\"n\":-9223372036854775808}",
      "{\"n\":-9223372036854775808}" },
    { "{\"n\":-9223372036854775809}",
      "refused at 5: " BEYOND },
    { "{\"n\":9999999999999999999}",
      "refused at 5: " BEYOND },
    { "{\"n\":10000000000000000000}",
      "refused at 5: " BEYOND },
    { "{\"n\":18446744073709551615}",
      "refused at 5: " BEYOND },
    { "{\"n\":18446744073709551616}",
      "refused at 5: " BEYOND },
    { "{\"n\":123456789012345678901234567890}",
      "refused at 5: " BEYOND },
    { "{\"n\":-123456789012345678901234567890}",
      "refused at 5: " BEYOND },
    { "{\"n\":1.5}",
      "{\"n\":1.5}" },
    { "{\"n\":-2.25}",
      "{\"n\":-2.25}" },
    { "{\"n\":1e10}",
      "{\"n\":10000000000.0}" },
    { "{\"n\":1E-10}",
      "{\"n\":1e-10}" },
    { "{\"n\":6.02e+23}",
      "{\"n\":6.02e+23}" },
    { "{\"n\":12345678901234567890.5}",
      "{\"n\":1.2345678901234567e+19}" },
    { "{\"n\":1e400}",
      "refused at 5: the number is too large; numbers go up to about 1.8e308" },
    { "{\"n\":-1e400}",
      "refused at 5: the number is too large; numbers go up to about 1.8e308" },
    { "{\"n\":0.1}",
      "{\"n\":0.1}" },
    { "{\"n\":01}",
      "refused at 5: numbers may not start with 0" },
    { "{\"n\":-01}",
      "refused at 5: numbers may not start with 0" },
    { "{\"n\":-}",
      "refused at 5: unexpected character" },
    { "{\"n\":1.}",
      "refused at 7: a digit must follow the decimal point" },
    { "{\"n\":1.e5}",
      "refused at 7: a digit must follow the decimal point" },
    { "{\"n\":1e}",
      "refused at 7: a digit must follow the exponent" },
    { "{\"n\":1e+}",
      "refused at 8: a digit must follow the exponent" },
    { "{\"n\":.5}",
      "refused at 5: unexpected character" },
    { "{\"n\":+1}",
      "refused at 5: unexpected character" },
    { "{\"n\":1a}",
      "refused at 6: expected , or } in an object" },
    { "{\"n\":1,\"m\":2}",
      "{\"n\":1,\"m\":2}" },
    { "{\"n\":1 }",
      "{\"n\":1}" },
    { "{\"n\":-x}",
      "refused at 5: unexpected character" },
    { "{\"n\":1.5e3,\"m\":-0.0}",
      "{\"n\":1500.0,\"m\":0.0}" },
    { "[0,-0,7,1.5,9223372036854775808,1e400]",
      "refused at 12: " BEYOND },
    { "5",
      "5" },
    { "-5",
      "-5" },
    { "1.25",
      "1.25" },
    { "12345678901234567890",
      "refused at 0: " BEYOND },
    { "{\"a\":{\"n\":42,\"m\":[1,2.5,-3]}}",
      "{\"a\":{\"n\":42,\"m\":[1,2.5,-3]}}" },
  };

  check_expected (cases, G_N_ELEMENTS (cases));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/json-shape/lines", test_lines);
  g_test_add_func ("/conduit/json-shape/expected", test_expected);
  g_test_add_func ("/conduit/json-shape/orders", test_orders);
  g_test_add_func ("/conduit/json-shape/write-short", test_write_short);
  g_test_add_func ("/conduit/json-shape/scan-page-end", test_scan_page_end);
  g_test_add_func ("/conduit/json-shape/write-integers", test_write_integers);
  g_test_add_func ("/conduit/json-shape/numbers", test_numbers);

  return g_test_run ();
}
