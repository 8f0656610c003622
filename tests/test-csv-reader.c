/* test-csv-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-csv-reader.h"
#include "csv-reference.h"
#include "fuzz/fuzz-trickle-stream.h"

/* Reads @text and returns its rows as "a|b|c" lines joined by "\n", fields escaped so that
 * an embedded newline or bar shows. */
static char *
read_rows (const char *text,
           gssize      length,
           char        delimiter,
           GError    **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, length, NULL);
  g_autoptr(ConduitCsvReader) reader = conduit_csv_reader_new (stream, delimiter);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *const *fields;
  const gsize *lengths;
  guint n_fields;

  while (conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, error))
    {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (guint i = 0; i < n_fields; i++)
        {
          g_assert_cmpuint (strlen (fields[i]), ==, lengths[i]);
          if (i > 0)
            g_string_append_c (out, '|');
          for (gsize j = 0; j < lengths[i]; j++)
            {
              char c = fields[i][j];

              if (c == '\n')
                g_string_append (out, "\\n");
              else if (c == '\r')
                g_string_append (out, "\\r");
              else if (c == '"')
                g_string_append (out, "\\\"");
              else
                g_string_append_c (out, c);
            }
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_rows (const char *text,
             char        delimiter,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = read_rows (text, -1, delimiter, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rows, ==, expected);
}

static void
test_simple (void)
{
  assert_rows ("a,b,c\n1,2,3\n", ',', "a|b|c\n1|2|3");
  assert_rows ("a,b,c\r\n1,2,3\r\n", ',', "a|b|c\n1|2|3");
  /* no newline at the end */
  assert_rows ("a,b\n1,2", ',', "a|b\n1|2");
  /* empty fields and empty lines */
  assert_rows ("a,,c\n\n,,\n", ',', "a||c\n||");
  /* spaces are part of unquoted fields */
  assert_rows (" a , b \n", ',', " a | b ");
  assert_rows ("", ',', "");
}

static void
test_quoted (void)
{
  assert_rows ("\"a,b\",\"c\"\"d\"\n", ',', "a,b|c\\\"d");
  assert_rows ("\"line\none\",x\r\n\"cr\r\nlf\",y\n", ',', "line\\none|x\ncr\\r\\nlf|y");
  assert_rows ("\"\",\"\"\"\"\n", ',', "|\\\"");
  assert_rows ("\"é\",ü\n", ',', "é|ü");
}

static void
test_bom_and_delimiters (void)
{
  assert_rows ("\xEF\xBB\xBF" "a;b\n1;2\n", 0, "a|b\n1|2");
  assert_rows ("a\tb\tc\n1\t2\t3\n", 0, "a|b|c\n1|2|3");
  /* the delimiter the header uses most, quotes not counted */
  assert_rows ("\"x,y\";b;c\n1;2,5;3\n", 0, "x,y|b|c\n1|2,5|3");
  assert_rows ("a,b\n", 0, "a|b");
  assert_rows ("a;b\n1,2;3\n", ';', "a|b\n1,2|3");
}

static void
test_large (void)
{
  g_autoptr(GString) text = g_string_new ("id,text\n");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  const gsize *lengths;
  guint n_fields, rows = 0;

  /* rows that cross the reader's 64 KiB chunks, with a quoted field spanning several */
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "%u,\"row %u, with \"\"quotes\"\"\nand a newline\"\n", i, i);
  g_string_append (text, "big,\"");
  for (guint i = 0; i < 20000; i++)
    g_string_append (text, "0123456789");
  g_string_append (text, "\"\n");

  stream = g_memory_input_stream_new_from_data (text->str, text->len, NULL);
  reader = conduit_csv_reader_new (stream, ',');
  g_assert_true (conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, &error));
  while (conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, &error))
    {
      g_assert_cmpuint (n_fields, ==, 2);
      if (rows < 5000)
        {
          g_autofree char *expected = g_strdup_printf ("row %u, with \"quotes\"\nand a newline", rows);

          g_assert_cmpuint (g_ascii_strtoull (fields[0], NULL, 10), ==, rows);
          g_assert_cmpstr (fields[1], ==, expected);
        }
      else
        g_assert_cmpuint (lengths[1], ==, 200000);
      rows++;
      g_assert_cmpuint (conduit_csv_reader_get_row_number (reader), ==, rows + 1);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 5001);
}

static void
test_unclosed_quote (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rows = read_rows ("a,b\n1,\"never closed\n2,3\n", -1, ',', &error);

  /* the rows before are read */
  g_assert_cmpstr (rows, ==, "a|b");
  g_assert_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "record 2"));
  g_assert_nonnull (strstr (error->message, "never closed"));
}

static void
test_records (void)
{
  const char *text = "name,age,\"first name\",name\nAda,36,\"A\"\n\"Bob\",,B,x,extra\nCy\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_CSV);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) third = NULL;
  g_autoptr(JsonNode) last = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *third_text = NULL;
  const char *raw;

  first = conduit_record_reader_next (reader, &error);
  g_assert_no_error (error);
  first_text = json_to_string (first, FALSE);
  /* a repeated column keeps its value under a name of its own */
  g_assert_cmpstr (first_text, ==, "{\"name\":\"Ada\",\"age\":\"36\",\"first name\":\"A\"}");
  g_assert_cmpuint (conduit_record_reader_get_position (reader), ==, 2);

  /* more fields than the header: this record is reported, the next one is read */
  g_assert_null (conduit_record_reader_next (reader, &error));
  g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD);
  g_assert_nonnull (strstr (error->message, "row 3 has 5 fields but the header names 4"));
  raw = conduit_record_reader_get_raw (reader, NULL);
  g_assert_cmpstr (raw, ==, "Bob,,B,x,extra");
  g_clear_error (&error);

  third = conduit_record_reader_next (reader, &error);
  g_assert_no_error (error);
  third_text = json_to_string (third, FALSE);
  g_assert_cmpstr (third_text, ==, "{\"name\":\"Cy\"}");

  last = conduit_record_reader_next (reader, &error);
  g_assert_null (last);
  g_assert_no_error (error);
}

static void
test_duplicate_header (void)
{
  const char *text = "a,a,,a\n1,2,3,4\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_CSV);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = conduit_record_reader_next (reader, &error);
  g_autofree char *record_text = json_to_string (record, FALSE);

  g_assert_no_error (error);
  g_assert_cmpstr (record_text, ==, "{\"a\":\"1\",\"a_2\":\"2\",\"column_3\":\"3\",\"a_3\":\"4\"}");
}

static void
test_not_utf8 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *latin1 = read_rows ("name,email\nAda,ada@example.com\nJos\xe9,jose@example.com\n",
                                       -1, ',', &error);
  g_autofree char *utf16 = NULL;
  g_autofree char *nul = NULL;

  /* the rows before are read, then the row and the field are named */
  g_assert_cmpstr (latin1, ==, "name|email\nAda|ada@example.com");
  g_assert_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_ENCODING);
  g_assert_cmpstr (error->message, ==, "row 3, column 1: this file is not UTF-8 text; save it as "
                   "UTF-8 (CSV UTF-8 in spreadsheet apps)");
  g_clear_error (&error);

  utf16 = read_rows ("\xff\xfen\0a\0m\0e\0\n\0", 10, ',', &error);
  g_assert_cmpstr (utf16, ==, "");
  g_assert_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "this file is UTF-16 text"));
  g_clear_error (&error);

  /* UTF-16 without its mark: the zero bytes are not text either */
  nul = read_rows ("a,b\n1,x\0y\n", 11, ',', &error);
  g_assert_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "row 2, column 2"));
}

static void
test_many_repeated_names (void)
{
  g_autoptr(GString) text = g_string_new ("a");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = NULL;
  JsonObject *object;

  /* names that a repeat would take come first: a_2 is taken, so the repeats go on from a_3 */
  g_string_append (text, ",a_2");
  for (guint i = 0; i < 20000; i++)
    g_string_append (text, ",a");
  g_string_append_c (text, '\n');
  for (guint i = 0; i < 20002; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? "," : "", i);
  g_string_append_c (text, '\n');

  stream = g_memory_input_stream_new_from_data (text->str, text->len, NULL);
  reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_CSV);
  record = conduit_record_reader_next (reader, &error);
  g_assert_no_error (error);
  object = json_node_get_object (record);
  g_assert_cmpuint (json_object_get_size (object), ==, 20002);
  g_assert_cmpstr (json_object_get_string_member (object, "a"), ==, "0");
  g_assert_cmpstr (json_object_get_string_member (object, "a_2"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (object, "a_3"), ==, "2");
  g_assert_cmpstr (json_object_get_string_member (object, "a_20002"), ==, "20001");
}

static void
test_ndjson_out_of_range (void)
{
  const char *text = "{\"v\": 1e308}\n{\"v\": 1e400}\n{\"v\": -1e400}\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_NDJSON);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) first = conduit_record_reader_next (reader, &error);
  g_autoptr(JsonNode) second = NULL;
  g_autoptr(JsonNode) third = NULL;

  g_assert_no_error (error);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (first), "v"), ==, 1e308);

  /* not read as null: the record is refused, naming the line and the number */
  second = conduit_record_reader_next (reader, &error);
  g_assert_null (second);
  g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD);
  g_assert_nonnull (strstr (error->message, "line 2, character 7"));
  g_assert_nonnull (strstr (error->message, "the number is too large"));
  g_clear_error (&error);

  third = conduit_record_reader_next (reader, &error);
  g_assert_null (third);
  g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD);
  g_assert_nonnull (strstr (error->message, "line 3, character 7"));
}

static void
test_ndjson_records (void)
{
  const char *text = "\xEF\xBB\xBF{\"a\": 1}\r\n\n  \n{\"a\": \"\\u00e9\\ud83d\\ude00\"}\n{\"a\": tru}\n[1, 2]\n"
                     "{\"a\": 1} x\n{\"a\": 2.5e3}";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_AUTO);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) seen = g_string_new (NULL);

  for (;;)
    {
      g_autoptr(JsonNode) record = conduit_record_reader_next (reader, &error);

      if (record != NULL)
        {
          g_autofree char *record_text = json_to_string (record, FALSE);

          g_string_append_printf (seen, "%" G_GUINT64_FORMAT ":%s ",
                                  conduit_record_reader_get_position (reader), record_text);
        }
      else if (error != NULL)
        {
          g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD);
          g_string_append_printf (seen, "%" G_GUINT64_FORMAT ":bad ",
                                  conduit_record_reader_get_position (reader));
          g_clear_error (&error);
        }
      else
        break;
    }

  g_assert_true (conduit_record_reader_get_format (reader) == CONDUIT_RECORD_FORMAT_NDJSON);
  /* a line holding a list is not a record (issue #14 point 16) */
  g_assert_cmpstr (seen->str, ==, "1:{\"a\":1} 4:{\"a\":\"é😀\"} 5:bad 6:bad 7:bad 8:{\"a\":2500.0} ");
}

static void
test_json_records (void)
{
  const char *text = "[\n {\"a\": 1},\n {\"a\": [true, null]}\n]\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (text, -1, NULL);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, CONDUIT_RECORD_FORMAT_AUTO);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) a = conduit_record_reader_next (reader, &error);
  g_autoptr(JsonNode) b = conduit_record_reader_next (reader, &error);
  g_autoptr(JsonNode) end = conduit_record_reader_next (reader, &error);
  g_autofree char *b_text = json_to_string (b, FALSE);
  g_autoptr(GInputStream) broken_stream = g_memory_input_stream_new_from_data ("{\n\"a\": }", -1, NULL);
  g_autoptr(ConduitRecordReader) broken = conduit_record_reader_new (broken_stream, CONDUIT_RECORD_FORMAT_JSON);
  g_autoptr(JsonNode) none = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_cmpstr (b_text, ==, "{\"a\":[true,null]}");
  g_assert_null (end);
  g_assert_true (conduit_record_reader_get_format (reader) == CONDUIT_RECORD_FORMAT_JSON);

  none = conduit_record_reader_next (broken, &error);
  g_assert_null (none);
  g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "line 2"));
}

static void
test_format_names (void)
{
  ConduitRecordFormat format;

  g_assert_true (conduit_record_format_guess ("leads.ndjson") == CONDUIT_RECORD_FORMAT_NDJSON);
  g_assert_true (conduit_record_format_guess ("leads.JSONL") == CONDUIT_RECORD_FORMAT_NDJSON);
  g_assert_true (conduit_record_format_guess ("a.b/leads.csv") == CONDUIT_RECORD_FORMAT_CSV);
  g_assert_true (conduit_record_format_guess ("leads.json") == CONDUIT_RECORD_FORMAT_JSON);
  g_assert_true (conduit_record_format_guess ("leads") == CONDUIT_RECORD_FORMAT_AUTO);
  g_assert_true (conduit_record_format_from_name ("csv", &format) && format == CONDUIT_RECORD_FORMAT_CSV);
  g_assert_false (conduit_record_format_from_name ("yaml", &format));
}

/* What a reader (the engine's, or the libcsv one it replaced) makes of @text read @step bytes
 * at a time: each row's number and fields, each error, the delimiter. A long field is shown
 * by its length and a hash. */
static char *
describe_reading (gboolean    reference,
                  const char *text,
                  gsize       length,
                  char        delimiter,
                  gsize       step)
{
  g_autoptr(GInputStream) stream = fuzz_trickle_stream_new ((const guint8 *)text, length, step);
  g_autoptr(ConduitCsvReader) reader = NULL;
  g_autoptr(CsvReference) libcsv = NULL;
  GString *out = g_string_new (NULL);

  if (reference)
    libcsv = csv_reference_new (stream, delimiter);
  else
    reader = conduit_csv_reader_new (stream, delimiter);

  for (guint rows = 0; rows < 100000; rows++)
    {
      g_autoptr(GError) error = NULL;
      const char *const *fields = NULL;
      const gsize *lengths = NULL;
      guint n_fields = 0;   /* none with an error about the whole file (UTF-16) */
      gboolean got;

      got = reference ? csv_reference_next_row (libcsv, &fields, &lengths, &n_fields, &error)
                      : conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, &error);
      if (!got && error == NULL)
        break;
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ":",
                              reference ? csv_reference_get_row_number (libcsv)
                                        : conduit_csv_reader_get_row_number (reader));
      if (error != NULL)
        g_string_append_printf (out, " error %d %s;", error->code, error->message);
      if (got || g_error_matches (error, CONDUIT_CSV_READER_ERROR,
                                  CONDUIT_CSV_READER_ERROR_ENCODING))
        for (guint i = 0; i < n_fields; i++)
          {
            g_assert_cmpint (fields[i][lengths[i]], ==, '\0');
            if (lengths[i] > 64)
              {
                g_autoptr(GBytes) bytes = g_bytes_new_static (fields[i], lengths[i]);

                g_string_append_printf (out, " [%zu bytes, %08x]", lengths[i],
                                        g_bytes_hash (bytes));
              }
            else
              {
                g_string_append (out, " [");
                for (gsize j = 0; j < lengths[i]; j++)
                  if (g_ascii_isprint (fields[i][j]) && fields[i][j] != '\\')
                    g_string_append_c (out, fields[i][j]);
                  else
                    g_string_append_printf (out, "\\x%02x", (guchar)fields[i][j]);
                g_string_append (out, "]");
              }
          }
      g_string_append_c (out, '\n');
      if (!got && !g_error_matches (error, CONDUIT_CSV_READER_ERROR,
                                    CONDUIT_CSV_READER_ERROR_ENCODING))
        break;
    }
  g_string_append_printf (out, "delimiter %d\n",
                          reference ? csv_reference_get_delimiter (libcsv)
                                    : conduit_csv_reader_get_delimiter (reader));
  return g_string_free (out, FALSE);
}

static void
assert_same_as_libcsv (const char *text,
                       gsize       length,
                       char        delimiter,
                       gsize       step)
{
  g_autofree char *expected = describe_reading (TRUE, text, length, delimiter, step);
  g_autofree char *got = describe_reading (FALSE, text, length, delimiter, step);

  if (g_strcmp0 (expected, got) != 0)
    {
      g_autofree char *shown = g_strescape (length < 500 ? text : "(long)", NULL);

      g_test_message ("text \"%s\", delimiter %d, %zu bytes a read", shown, delimiter, step);
      g_assert_cmpstr (got, ==, expected);
    }
}

/* libcsv grows its buffer 128 bytes at a time, and under AddressSanitizer every realloc()
 * moves it: reading a 16 MB field takes it minutes there. So the sanitizer build checks what
 * the plain build checked against libcsv: whether the big row is refused. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void
assert_big_as_libcsv (const char *text,
                      gsize       length,
                      gboolean    refused)
{
  g_autofree char *got = describe_reading (FALSE, text, length, ',', 0);

  g_assert_cmpint (strstr (got, "is larger than 16 MB") != NULL, ==, refused);
#ifndef UNDER_ASAN
  assert_same_as_libcsv (text, length, ',', 0);
#endif
}

/* The reader cuts rows and fields itself since rows are parsed by the mapping threads; it
 * must read every file as libcsv did: odd files written by hand, then thousands made of the
 * bytes that matter, each with every delimiter and read a few bytes at a time. */
static void
test_same_as_libcsv (void)
{
#define FILE_OF(text) { text, sizeof (text) - 1 }
  static const struct { const char *text; gsize length; } files[] = {
    FILE_OF ("a,b\n5\" screen,x\n"), FILE_OF ("\"a\"b\",c\n"), FILE_OF ("\"a\"\"\"\n"),
    FILE_OF ("\"\"\"\"\n\"\"\n"), FILE_OF ("a\rb\r\nc\n\r\n"), FILE_OF ("\"x\r\ny\",\"\"\r\n"),
    FILE_OF ("a,\n,\n,,\n"), FILE_OF ("\"never closed\n"), FILE_OF ("\"a\" ,b\n"),
    FILE_OF ("\"a\"\"b\"c\"d\n"), FILE_OF ("\xEF\xBB\xBF\"a\";b\n"), FILE_OF ("\xEF\xBB\xBF"),
    FILE_OF ("\xFF\xFE" "a\0"), FILE_OF ("\xEF\xBB\xBF\xFE\xFF"), FILE_OF ("a\tb;c|d,e\n"),
    FILE_OF ("\"a,b\";c;d\n"), FILE_OF ("x\xe9,y\nz,\"\xc3\"\n"), FILE_OF ("a\0b,c\n"),
    FILE_OF ("\n\n\n"), FILE_OF ("\""), FILE_OF ("\"\""), FILE_OF (","), FILE_OF ("\",\""),
    FILE_OF ("a\""), FILE_OF ("\r\"a\"\r"), FILE_OF ("h\n\"a\"\"\""), FILE_OF ("h\n\"a\"x"),
  };
#undef FILE_OF
  static const char *const pieces[] = {
    "a", "bc", ",", ";", "\t", "|", "\"", "\"\"", "\r", "\n", "\r\n", " ", "\xc3\xa9", "\xff",
    "0123456789abcdef", "\x01",
  };
  static const char delimiters[] = { 0, ',', ';', '\t', '|' };
  static const gsize steps[] = { 0, 1, 2, 5 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    for (guint d = 0; d < G_N_ELEMENTS (delimiters); d++)
      for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
        assert_same_as_libcsv (files[f].text, files[f].length, delimiters[d], steps[s]);

  for (guint i = 0; i < 1500; i++)
    {
      g_autoptr(GString) text = g_string_new (g_rand_int_range (rand, 0, 8) == 0 ?
                                              "\xEF\xBB\xBF" : "");
      guint n = g_rand_int_range (rand, 0, 40);

      for (guint j = 0; j < n; j++)
        {
          guint piece = g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces) + 1);

          /* a NUL byte, which is not text */
          if (piece == G_N_ELEMENTS (pieces))
            g_string_append_c (text, '\0');
          else
            g_string_append (text, pieces[piece]);
        }
      for (guint d = 0; d < G_N_ELEMENTS (delimiters); d++)
        assert_same_as_libcsv (text->str, text->len, delimiters[d],
                               steps[g_rand_int_range (rand, 0, G_N_ELEMENTS (steps))]);
    }
}

/* Appends @piece to @text until it is @length bytes long (the last piece cut short), by
 * doubling: the big files below are built fast enough for the sanitizer build too. */
static void
append_until (GString    *text,
              const char *piece,
              gsize       length)
{
  gsize start = text->len;
  gsize piece_length = strlen (piece);

  if (length <= start)
    return;
  g_string_set_size (text, length);
  for (gsize i = 0; i < piece_length && start + i < length; i++)
    text->str[start + i] = piece[i];
  for (gsize done = MIN (piece_length, length - start); done < length - start; done *= 2)
    memcpy (text->str + start + done, text->str + start, MIN (done, length - start - done));
}

/* A row over 16 MB is refused as libcsv's buffer measured it, after every 64 KiB read that
 * ended no row: the bytes of the fields it completed and its buffer, which grew by 128 bytes
 * for the longest field so far and never shrank. The same rows must pass and be refused. */
static void
test_too_large_as_libcsv (void)
{
  const gsize limit = 16 * 1024 * 1024;
  g_autoptr(GString) text = g_string_new (NULL);

  /* a quote never closed */
  g_string_assign (text, "a,b\n1,\"");
  append_until (text, "0123456789abcdef", limit + 100000);
  assert_big_as_libcsv (text->str, text->len, TRUE);

  /* many short fields */
  g_string_assign (text, "a,b\n");
  append_until (text, "ab,", limit + 100000);
  g_string_append (text, "\n1,2\n");
  assert_big_as_libcsv (text->str, text->len, TRUE);

  /* just under: read */
  g_string_assign (text, "a,b\n");
  append_until (text, "ab,", limit - 200000);
  g_string_append (text, "\n1,2\n");
  assert_big_as_libcsv (text->str, text->len, FALSE);

  /* "" kept as one quote: 18 MB of text, 9 MB held, also by the buffer a later long row
   * finds */
  g_string_assign (text, "a\n\"");
  append_until (text, "\"\"", limit + 2000001);
  g_string_append (text, "\"\n");
  append_until (text, "cd,", text->len + 300000);
  g_string_append (text, "\n1\n");
  assert_big_as_libcsv (text->str, text->len, FALSE);

  /* a long field earlier leaves libcsv's buffer big: a later row of 150 KB is refused; the
   * same with the long field unquoted and ended by a delimiter, which the reading thread
   * measures once a step of 64 or 16 bytes, not once a field */
  for (guint quoted = 0; quoted <= 1; quoted++)
    {
      g_string_assign (text, quoted ? "a,b\n1,\"" : "a,b\n");
      append_until (text, "x", limit - 40000);
      g_string_append (text, quoted ? "\"\n" : ",2\n");
      append_until (text, "cd,", text->len + 150000);
      g_string_append (text, "\n3,4\n");
      assert_big_as_libcsv (text->str, text->len, TRUE);
    }

  /* a quoted field whose text starts at 64 KiB and holds exactly 16 MiB when a read ends in
   * it: refused; starting one byte later, it holds one byte less there: read */
  for (guint later = 0; later <= 1; later++)
    {
      g_string_assign (text, "a\n");
      append_until (text, "y", 65536 - 2 + later);
      g_string_append (text, "\n\"");
      g_assert_cmpuint (text->len, ==, 65536 + later);
      append_until (text, "z", 65536 * 257 + 1000);
      g_string_append (text, "\"\nlast\n");
      assert_big_as_libcsv (text->str, text->len, later == 0);
    }

  /* the same with a field of 99 bytes before: its 100 bytes and the buffer, rounded up to
   * 128 bytes, pass the limit when the long field holds 100 bytes less than 16 MiB, not when
   * it holds 200 less */
  for (guint less = 100; less <= 200; less += 100)
    {
      g_string_assign (text, "a\n");
      append_until (text, "y", 65536 + less - 101 - 1);
      g_string_append_c (text, '\n');
      append_until (text, "k", text->len + 99);
      g_string_append (text, ",\"");
      g_assert_cmpuint (text->len, ==, 65536 + less);
      append_until (text, "z", 65536 * 257 + 1000);
      g_string_append (text, "\"\nlast\n");
      assert_big_as_libcsv (text->str, text->len, less == 100);
    }
}

static ConduitMapping *
mapping_from (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  ConduitMapping *mapping = conduit_mapping_new_from_json (node, NULL);

  g_assert_nonnull (mapping);
  g_assert_true (conduit_mapping_compile (mapping, NULL));
  return mapping;
}

/* With threads, the reading thread only finds where rows end and the mapping threads cut them
 * into fields: the mapped and rejected bytes and the warnings are those of one thread. */
static void
test_stream_threads (void)
{
  g_autoptr(ConduitMapping) mapping = mapping_from (
    "{\"rows\": [{\"destination\": \"n\", \"field\": \"n\", \"required\": true},"
    " {\"destination\": \"who.name\", \"expression\": \"upper(name)\"}]}");
  g_autoptr(ConduitMapping) shaping = mapping_from (
    "{\"rows\": [{\"destination\": \"at\", \"field\": \"row\"},"
    " {\"destination\": \"raw\", \"field\": \"raw\"},"
    " {\"destination\": \"why\", \"expression\": \"reasons[0].message\"}]}");
  g_autoptr(GString) input = g_string_new ("\xEF\xBB\xBF" "n, name ,n\r\n");
  const guint n_rows = 3000;
  char *texts[2][2] = { { NULL } };
  char *warnings[2] = { NULL, NULL };
  guint64 n_warnings[2] = { 0 };

  for (guint i = 0; i < n_rows; i++)
    switch (i % 37)
      {
      case 1: g_string_append (input, "\r\n\n"); break;
      case 5: g_string_append_printf (input, "%u,\"two\nlines, \"\"quoted\"\"\",x\r\n", i); break;
      case 9: g_string_append_printf (input, "%u,Jos\xe9,x\n", i); break;
      case 13: g_string_append_printf (input, "%u,a,b,\"c\"\"\",d\r\n", i); break;
      case 17: g_string_append_printf (input, "%u,5\" screen\r", i); break;
      case 21: g_string_append (input, ",no number,\r\n"); break;
      case 25: g_string_append_printf (input, "\"%u\",\"a\"b\",c\r\n", i); break;
      default: g_string_append_printf (input, "%u,name %u,%u\r\n", i, i, i); break;
      }
  g_string_append (input, "7,\"no line end\"");

  for (guint t = 0; t < 2; t++)
    {
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (input->str,
                                                                            input->len, NULL);
      /* guessed with threads: the format is decided before the first row goes to a worker */
      g_autoptr(ConduitRecordReader) reader =
        conduit_record_reader_new (stream, t == 0 ? CONDUIT_RECORD_FORMAT_CSV
                                                  : CONDUIT_RECORD_FORMAT_AUTO);
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
      g_autoptr(GError) error = NULL;
      ConduitMappingStreamCounts counts;
      GPtrArray *list;

      g_assert_true (conduit_mapping_stream_run_threads (mapping, shaping, reader, output,
                                                         rejected, t == 0 ? 1 : 3, &counts,
                                                         NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (counts.records, ==, n_rows + 1 - (n_rows + 35) / 37);
      g_assert_true (g_output_stream_close (output, NULL, NULL));
      g_assert_true (g_output_stream_close (rejected, NULL, NULL));
      texts[t][0] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (output));
      texts[t][1] = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (rejected));
      list = conduit_record_reader_get_warnings (reader, &n_warnings[t]);
      g_assert_nonnull (list);
      g_ptr_array_add (list, NULL);
      warnings[t] = g_strjoinv ("\n", (char **)list->pdata);
      g_ptr_array_remove_index (list, list->len - 1);
    }
  g_assert_cmpuint (n_warnings[0], ==, 1);
  g_assert_cmpuint (n_warnings[1], ==, n_warnings[0]);
  g_assert_cmpstr (warnings[0], ==, "row 1, column 2: the header “ name ” has spaces around it; "
                   "the field is called “name”");
  g_assert_cmpstr (warnings[1], ==, warnings[0]);
  g_assert_cmpstr (texts[1][0], ==, texts[0][0]);
  g_assert_cmpstr (texts[1][1], ==, texts[0][1]);
  g_assert_true (g_str_has_prefix (texts[0][0], "{\"n\":\"0\",\"who\":{\"name\":\"NAME 0\"}}\n"));
  /* rows are counted, not lines: the blank lines are not rows */
  g_assert_nonnull (strstr (texts[0][0], "{\"n\":\"5\",\"who\":{\"name\":\"TWO\\nLINES, "
                                         "\\\"QUOTED\\\"\"}}\n"));
  g_assert_nonnull (strstr (texts[0][0], "{\"n\":\"17\",\"who\":{\"name\":\"5\\\" SCREEN\"}}\n"));
  g_assert_nonnull (strstr (texts[0][0], "{\"n\":\"25\",\"who\":{\"name\":\"A\\\"B\"}}\n"));
  g_assert_true (g_str_has_suffix (texts[0][0], "{\"n\":\"7\",\"who\":{\"name\":\"NO LINE END\"}}\n"));
  /* the row that is not text keeps its fields joined, the bad byte replaced */
  g_assert_true (g_str_has_prefix (texts[0][1],
                                   "{\"at\":10,\"raw\":\"9,Jos\xEF\xBF\xBD,x\",\"why\":\"row 10, "
                                   "column 2: this file is not UTF-8 text; save it as UTF-8 (CSV "
                                   "UTF-8 in spreadsheet apps); "));
  g_assert_nonnull (strstr (texts[0][1], "\n{\"at\":14,\"raw\":\"13,a,b,c\\\",d\",\"why\":\"row 14 "
                                         "has 5 fields but the header names 3\"}\n"));
  g_assert_nonnull (strstr (texts[0][1], "\n{\"at\":22,\"why\":\"a value is required\"}\n"));

  for (guint t = 0; t < 2; t++)
    {
      g_free (warnings[t]);
      for (guint k = 0; k < 2; k++)
        g_free (texts[t][k]);
    }
}

/* conduit_csv_find_delimiters(), the one pass over a row without quotes that parsing a record
 * takes, must cut every row as conduit_csv_split_row() and conduit_csv_is_plain() do: rows of
 * every length around its 16-byte blocks, made of delimiters, quotes, NULs, high bytes and
 * text, with room for all their delimiters or fewer. */
static void
test_find_delimiters (void)
{
  static const char bytes[] = { 'a', ',', ';', '"', '\0', '\xe9', ' ', '\x7f' };
  GRand *rand = g_rand_new_with_seed (21);

  for (guint round = 0; round < 20000; round++)
    {
      char text[80];
      gsize length = g_rand_int_range (rand, 1, sizeof text);
      char delimiter = g_rand_boolean (rand) ? ',' : ';';
      guint max_ends = g_rand_int_range (rand, 0, 12);
      ConduitCsvSpan spans[80];
      gsize ends[80];
      guint n_spans, n_ends = G_MAXUINT;
      gboolean plain = FALSE, found;
      /* most rows hold no quote, the case the pass is for */
      guint n_kinds = round % 4 == 0 ? G_N_ELEMENTS (bytes) : 3;

      for (gsize i = 0; i < length; i++)
        text[i] = g_rand_int_range (rand, 0, 3) == 0 ? bytes[g_rand_int_range (rand, 0, n_kinds)]
                                                     : 'a';
      if (round % 4 != 0 && g_rand_int_range (rand, 0, 3) == 0)
        text[g_rand_int_range (rand, 0, length)] = g_rand_boolean (rand) ? '\xe9' : '\0';

      found = conduit_csv_find_delimiters (text, length, delimiter, ends, max_ends, &n_ends,
                                           &plain);
      n_spans = conduit_csv_split_row (text, length, delimiter, spans, G_N_ELEMENTS (spans));
      g_assert_cmpint (found, ==, memchr (text, '"', length) == NULL);
      if (!found)
        continue;
      g_assert_cmpuint (n_ends + 1, ==, n_spans);
      g_assert_cmpint (plain, ==, conduit_csv_is_plain (text, length));
      for (guint i = 0; i < MIN (n_ends, max_ends); i++)
        {
          g_assert_false (spans[i].escaped);
          g_assert_cmpuint (ends[i], ==, spans[i].start + spans[i].length);
          g_assert_cmpuint (ends[i] + 1, ==, spans[i + 1].start);
        }
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/csv/simple", test_simple);
  g_test_add_func ("/conduit/csv/quoted", test_quoted);
  g_test_add_func ("/conduit/csv/bom-and-delimiters", test_bom_and_delimiters);
  g_test_add_func ("/conduit/csv/large", test_large);
  g_test_add_func ("/conduit/csv/unclosed-quote", test_unclosed_quote);
  g_test_add_func ("/conduit/csv/records", test_records);
  g_test_add_func ("/conduit/csv/duplicate-header", test_duplicate_header);
  g_test_add_func ("/conduit/csv/not-utf8", test_not_utf8);
  g_test_add_func ("/conduit/csv/many-repeated-names", test_many_repeated_names);
  g_test_add_func ("/conduit/csv/same-as-libcsv", test_same_as_libcsv);
  g_test_add_func ("/conduit/csv/too-large-as-libcsv", test_too_large_as_libcsv);
  g_test_add_func ("/conduit/csv/stream-threads", test_stream_threads);
  g_test_add_func ("/conduit/csv/find-delimiters", test_find_delimiters);
  g_test_add_func ("/conduit/records/ndjson-out-of-range", test_ndjson_out_of_range);
  g_test_add_func ("/conduit/records/ndjson", test_ndjson_records);
  g_test_add_func ("/conduit/records/json", test_json_records);
  g_test_add_func ("/conduit/records/format-names", test_format_names);

  return g_test_run ();
}
