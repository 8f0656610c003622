/* fuzz-csv-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "conduit-csv-reader.h"
#include "csv-reference.h"
#include "fuzz-common.h"
#include "fuzz-trickle-stream.h"

/* CSV exports from anywhere. The first byte picks the delimiter (guessed, ',', ';', tab), the
 * second how many bytes each read gets (1–255, 0 = all at once); the rest is the file. Every
 * row must come with consistent lengths and increasing row numbers, and the reader must stop
 * with an error or at the end, never loop. And it must read the file as libcsv did (the
 * reader it replaced, tests/csv-reference.c): the same rows, fields, errors and numbers. */

#define MAX_ROWS 100000

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

static const char delimiters[] = { 0, ',', ';', '\t', '|' };

/* What the reader before made of the file, row by row, the way compare_row() checks it. */
static GPtrArray *
read_with_libcsv (const uint8_t *data,
                  size_t         size)
{
  g_autoptr(GInputStream) stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  g_autoptr(CsvReference) reference = csv_reference_new (stream, delimiters[data[0] % 5]);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < MAX_ROWS; i++)
    {
      g_autoptr(GError) error = NULL;
      const char *const *fields;
      const gsize *lengths;
      guint n_fields = 0;
      gboolean got = csv_reference_next_row (reference, &fields, &lengths, &n_fields, &error);
      gboolean with_fields = got || g_error_matches (error, CONDUIT_CSV_READER_ERROR,
                                                     CONDUIT_CSV_READER_ERROR_ENCODING);
      GString *row;

      if (!got && error == NULL)
        break;
      row = g_string_new (NULL);
      g_string_append_printf (row, "%" G_GUINT64_FORMAT " %d %s|",
                              csv_reference_get_row_number (reference), error ? error->code : -1,
                              error ? error->message : "");
      for (guint j = 0; with_fields && j < n_fields; j++)
        {
          g_string_append_printf (row, "%zu:", lengths[j]);
          g_string_append_len (row, fields[j], lengths[j]);
        }
      g_ptr_array_add (rows, g_string_free (row, FALSE));
      if (!with_fields)
        break;
    }
  return rows;
}

static void
compare_row (GPtrArray          *expected,
             guint               index,
             guint64             row_number,
             const GError       *error,
             const char *const  *fields,
             const gsize        *lengths,
             guint               n_fields)
{
  g_autoptr(GString) row = g_string_new (NULL);
  gboolean with_fields = error == NULL || error->code == CONDUIT_CSV_READER_ERROR_ENCODING;

  g_string_append_printf (row, "%" G_GUINT64_FORMAT " %d %s|", row_number,
                          error ? error->code : -1, error ? error->message : "");
  for (guint j = 0; j < n_fields && with_fields; j++)
    {
      g_string_append_printf (row, "%zu:", lengths[j]);
      g_string_append_len (row, fields[j], lengths[j]);
    }
  if (index >= expected->len)
    g_error ("libcsv read %u rows, this reader more: %s", expected->len, row->str);
  if (!g_str_equal (row->str, g_ptr_array_index (expected, index)))
    g_error ("row %u: libcsv read\n%s\nthis reader\n%s", index,
             (char *)g_ptr_array_index (expected, index), row->str);
}

/* conduit_csv_find_delimiters(), the one pass that cuts a row without quotes for the record
 * reader, must cut the file's first line as conduit_csv_split_row() and conduit_csv_is_plain()
 * do, with room for all its delimiters or some. */
static void
check_find_delimiters (const char *text,
                       gsize       length,
                       char        delimiter,
                       guint       max_ends)
{
  g_autofree ConduitCsvSpan *spans = NULL;
  g_autofree gsize *ends = g_new (gsize, max_ends + 1);
  guint n_spans, n_ends = 0;
  gboolean plain = FALSE;

  if (length == 0)
    return;
  n_spans = conduit_csv_split_row (text, length, delimiter, NULL, 0);
  spans = g_new (ConduitCsvSpan, n_spans);
  conduit_csv_split_row (text, length, delimiter, spans, n_spans);
  if (!conduit_csv_find_delimiters (text, length, delimiter, ends, max_ends, &n_ends, &plain))
    {
      g_assert_nonnull (memchr (text, '"', length));
      return;
    }
  g_assert_null (memchr (text, '"', length));
  g_assert_cmpuint (n_ends + 1, ==, n_spans);
  g_assert_cmpint (plain, ==, conduit_csv_is_plain (text, length));
  for (guint i = 0; i < MIN (n_ends, max_ends); i++)
    g_assert_cmpuint (ends[i], ==, spans[i].start + spans[i].length);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = NULL;
  const char *const *fields = NULL;
  const gsize *lengths = NULL;
  guint n_fields = 0;
  guint64 last_row = 0;
  guint rows = 0;

  if (size < 2)
    return 0;

  {
    const char *text = (const char *)data + 2;
    gsize line = 0;

    while (line < size - 2 && text[line] != '\n' && text[line] != '\r')
      line++;
    check_find_delimiters (text, line, delimiters[data[0] % 5] ? delimiters[data[0] % 5] : ',',
                           data[1] % 64);
  }

  expected = read_with_libcsv (data, size);
  stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  reader = conduit_csv_reader_new (stream, delimiters[data[0] % 5]);

  for (;;)
    {
      guint64 row;
      gsize total = 0;

      if (!conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, &error))
        {
          if (error == NULL)
            break;
          if (!g_utf8_validate (error->message, -1, NULL))
            g_error ("a CSV error is not UTF-8: %s", error->message);
          compare_row (expected, rows++, conduit_csv_reader_get_row_number (reader), error,
                       fields, lengths, n_fields);
          /* a row that is not text is refused alone; other errors end the file */
          if (error->code != CONDUIT_CSV_READER_ERROR_ENCODING)
            break;
          g_clear_error (&error);
          continue;
        }
      compare_row (expected, rows, conduit_csv_reader_get_row_number (reader), NULL, fields,
                   lengths, n_fields);

      row = conduit_csv_reader_get_row_number (reader);
      g_assert_cmpuint (row, >, last_row);
      last_row = row;
      g_assert_cmpuint (n_fields, >, 0);
      for (guint i = 0; i < n_fields; i++)
        {
          g_assert_nonnull (fields[i]);
          g_assert_cmpint (fields[i][lengths[i]], ==, '\0');
          total += lengths[i];
        }
      g_assert_cmpuint (total, <=, size);
      g_assert_cmpuint (++rows, <=, MAX_ROWS);
    }

  if (rows != expected->len)
    g_error ("libcsv read %u rows, this reader %u", expected->len, rows);

  return 0;
}
