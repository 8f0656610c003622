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
  g_test_add_func ("/conduit/records/ndjson-out-of-range", test_ndjson_out_of_range);
  g_test_add_func ("/conduit/records/ndjson", test_ndjson_records);
  g_test_add_func ("/conduit/records/json", test_json_records);
  g_test_add_func ("/conduit/records/format-names", test_format_names);

  return g_test_run ();
}
