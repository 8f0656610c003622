/* fuzz-csv-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "conduit-csv-reader.h"
#include "fuzz-common.h"
#include "fuzz-trickle-stream.h"

/* CSV exports from anywhere. The first byte picks the delimiter (guessed, ',', ';', tab), the
 * second how many bytes each read gets (1–255, 0 = all at once); the rest is the file. Every
 * row must come with consistent lengths and increasing row numbers, and the reader must stop
 * with an error or at the end, never loop. */

#define MAX_ROWS 100000

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char delimiters[] = { 0, ',', ';', '\t' };
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const char *const *fields;
  const gsize *lengths;
  guint n_fields;
  guint64 last_row = 0;
  guint rows = 0;

  if (size < 2)
    return 0;

  stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  reader = conduit_csv_reader_new (stream, delimiters[data[0] % 4]);

  while (conduit_csv_reader_next_row (reader, &fields, &lengths, &n_fields, &error))
    {
      guint64 row = conduit_csv_reader_get_row_number (reader);
      gsize total = 0;

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

  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    g_error ("a CSV error is not UTF-8: %s", error->message);

  return 0;
}
