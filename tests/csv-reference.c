/* csv-reference.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The CSV reader as it was before rows were cut and parsed apart (libcsv calling back per
 * field), kept as it was so that tests and the csv-reader fuzz target can require the reader
 * of src/core/ to read every file the same way: the same rows, fields, errors and row
 * numbers. Only its names differ. */

#define G_LOG_DOMAIN "csv-reference"

#include "config.h"

#include <inttypes.h>

#include <csv.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "csv-reference.h"

/* CSV parsing is libcsv's (Debian: libcsv-dev): a small, long-standing RFC 4180 parser that
 * takes input in chunks and calls back per field and per row, which is what streaming needs.
 * What it lacks is added here: the byte order mark, guessing the delimiter from the header
 * line, keeping spaces around unquoted fields (libcsv trims them by default, RFC 4180 does
 * not), and a limit on a row's size so that a quote that is never closed cannot take all
 * memory. Rows completed by one chunk are queued, since libcsv cannot stop mid-chunk. */

#define READ_SIZE     (64 * 1024)
#define MAX_ROW_BYTES (16 * 1024 * 1024)
#define LIBCSV_FIELD_BEGUN 2

typedef struct
{
  gsize start;
  gsize length;
} FieldSpan;

struct _CsvReference
{
  GInputStream      *stream;
  struct csv_parser  parser;
  char               delimiter;
  gboolean           started;
  gboolean           finished;
  GError            *stream_error;

  char              *chunk;
  GString           *text;        /* every pending field, nul-terminated */
  GArray            *spans;       /* (element-type FieldSpan) */
  GArray            *row_ends;    /* (element-type guint) index in spans after each row */
  guint              next_row;    /* the first row_ends entry not yet returned */
  guint              first_span;  /* the first span of that row */
  guint64            row_number;

  GPtrArray         *row_fields;  /* what the last row returned points at */
  GArray            *row_lengths;
};

static int
never_space (unsigned char c)
{
  return 0;
}

/**
 * csv_reference_new:
 * @stream: the CSV text
 * @delimiter: ',', ';' or '\t', or 0 to take the one the header line uses most
 *
 * Returns: (transfer full): a reader
 */
CsvReference *
csv_reference_new (GInputStream *stream,
                        char          delimiter)
{
  CsvReference *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_new0 (CsvReference, 1);
  self->stream = g_object_ref (stream);
  self->delimiter = delimiter;
  self->chunk = g_malloc (READ_SIZE);
  self->text = g_string_sized_new (READ_SIZE * 2);
  self->spans = g_array_new (FALSE, FALSE, sizeof (FieldSpan));
  self->row_ends = g_array_new (FALSE, FALSE, sizeof (guint));
  self->row_fields = g_ptr_array_new ();
  self->row_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));

  csv_init (&self->parser, CSV_APPEND_NULL);
  csv_set_space_func (&self->parser, never_space);
  return self;
}

/**
 * csv_reference_free:
 * @self: (transfer full): a reader
 */
void
csv_reference_free (CsvReference *self)
{
  if (self == NULL)
    return;

  csv_free (&self->parser);
  g_clear_object (&self->stream);
  g_clear_error (&self->stream_error);
  g_free (self->chunk);
  g_string_free (self->text, TRUE);
  g_array_unref (self->spans);
  g_array_unref (self->row_ends);
  g_ptr_array_unref (self->row_fields);
  g_array_unref (self->row_lengths);
  g_free (self);
}

static void
on_field (void   *field,
          size_t  length,
          void   *data)
{
  CsvReference *self = data;
  FieldSpan span = { self->text->len, length };
  GString *text = self->text;

  /* g_string_append_len() is not inlined in GLib 2.74, and this runs for every field */
  if (G_UNLIKELY (text->len + length + 2 > text->allocated_len))
    {
      gsize len = text->len;

      g_string_set_size (text, len + length + 1);
      text->len = len;
    }
  if (length > 0)
    memcpy (text->str + text->len, field, length);
  text->len += length + 1;
  text->str[text->len - 1] = '\0';
  text->str[text->len] = '\0';
  g_array_append_val (self->spans, span);
}

/* g_utf8_validate (text, length, NULL), which refuses a NUL byte too, called only for a field
 * with a byte that is NUL or above 0x7F: most fields are plain ASCII, checked here in a loop
 * without an early return that the compiler does 16 bytes a step. */
static inline gboolean
is_text (const char *text,
         gsize       length)
{
  guchar special = 0;

  for (gsize i = 0; i < length; i++)
    special |= (guchar)((guchar)text[i] - 1) >= 0x7F;
  return !special || g_utf8_validate (text, length, NULL);
}

static void
on_row (int   terminator,
        void *data)
{
  CsvReference *self = data;
  guint end = self->spans->len;

  g_array_append_val (self->row_ends, end);
}

/* The delimiter the first line uses most, counting outside quotes. */
static char
guess_delimiter (const char *text,
                 gsize       length)
{
  static const char candidates[] = { ',', ';', '\t' };
  guint counts[G_N_ELEMENTS (candidates)] = { 0 };
  gboolean quoted = FALSE;
  char best = ',';
  guint best_count = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (text[i] == '"')
        quoted = !quoted;
      else if (!quoted && (text[i] == '\n' || text[i] == '\r'))
        break;
      else if (!quoted)
        for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
          if (text[i] == candidates[j])
            counts[j]++;
    }

  for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
    if (counts[j] > best_count)
      {
        best = candidates[j];
        best_count = counts[j];
      }
  return best;
}

/* Drops the rows already returned, keeping the fields of a row in progress. */
static void
compact (CsvReference *self)
{
  gsize text_start;
  guint n_rows = self->next_row;

  if (n_rows == 0)
    return;

  text_start = self->first_span < self->spans->len ?
               g_array_index (self->spans, FieldSpan, self->first_span).start : self->text->len;
  g_string_erase (self->text, 0, text_start);
  g_array_remove_range (self->spans, 0, self->first_span);
  for (guint i = 0; i < self->spans->len; i++)
    g_array_index (self->spans, FieldSpan, i).start -= text_start;
  g_array_remove_range (self->row_ends, 0, n_rows);
  for (guint i = 0; i < self->row_ends->len; i++)
    g_array_index (self->row_ends, guint, i) -= self->first_span;
  self->next_row = 0;
  self->first_span = 0;
}

static gboolean
fill (CsvReference  *self,
      GError           **error)
{
  gssize n;
  const char *data = self->chunk;

  n = g_input_stream_read (self->stream, self->chunk, READ_SIZE, NULL, error);
  if (n < 0)
    return FALSE;

  if (n == 0)
    {
      /* libcsv reports an unclosed quote only in its strict mode, which also refuses a stray
       * quote inside an unquoted field (5" screen) and then stops the whole file. So the
       * lenient mode, and the test csv_fini() makes in strict mode: a quoted field begun and
       * not ended. 2 is libcsv's FIELD_BEGUN state, in its public struct but not its header. */
      if ((self->parser.pstate == LIBCSV_FIELD_BEGUN && self->parser.quoted) ||
          csv_fini (&self->parser, on_field, on_row, self) != 0)
        {
          g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_MALFORMED,
                       _("record %" PRIu64 ": a quoted field is never closed"),
                       self->row_number + 1);
          return FALSE;
        }
      self->finished = TRUE;
      return TRUE;
    }

  if (!self->started)
    {
      self->started = TRUE;
      if (n >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        {
          data += 3;
          n -= 3;
        }
      /* Spreadsheets offer "Unicode text" (UTF-16) next to CSV: name it rather than let its
       * bytes end up as a confusing error in some row. */
      if (n >= 2 && (memcmp (data, "\xFF\xFE", 2) == 0 || memcmp (data, "\xFE\xFF", 2) == 0))
        {
          g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_ENCODING,
                       _("this file is UTF-16 text, not UTF-8; save it as UTF-8 "
                         "(CSV UTF-8 in spreadsheet apps)"));
          return FALSE;
        }
      if (self->delimiter == 0)
        self->delimiter = guess_delimiter (data, n);
      csv_set_delim (&self->parser, self->delimiter);
    }

  if (csv_parse (&self->parser, data, n, on_field, on_row, self) != (gsize)n)
    {
      g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_MALFORMED,
                   _("record %" PRIu64 ": %s"), self->row_number + 1,
                   csv_strerror (csv_error (&self->parser)));
      return FALSE;
    }

  if (self->text->len + csv_get_buffer_size (&self->parser) > MAX_ROW_BYTES &&
      self->row_ends->len == self->next_row)
    {
      g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_TOO_LARGE,
                   _("record %" PRIu64 " is larger than %d MB; is a quote never closed?"),
                   self->row_number + 1, MAX_ROW_BYTES / (1024 * 1024));
      return FALSE;
    }

  return TRUE;
}

/**
 * csv_reference_next_row:
 * @self: a reader
 * @fields: (out) (transfer none): the fields, nul-terminated, valid until the next call
 * @lengths: (out) (transfer none): their lengths in bytes
 * @n_fields: (out): how many
 * @error: where a read error or malformed text goes
 *
 * Empty lines are skipped. The header is the first row like any other. With
 * %CONDUIT_CSV_READER_ERROR_ENCODING (a field that is not UTF-8) the row's fields are given
 * all the same and the next call reads the next row.
 *
 * Returns: %TRUE with a row; %FALSE at the end, or with @error set
 */
gboolean
csv_reference_next_row (CsvReference    *self,
                             const char *const  **fields,
                             const gsize        **lengths,
                             guint               *n_fields,
                             GError             **error)
{
  guint end;
  guint bad_column = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  while (self->next_row >= self->row_ends->len)
    {
      if (self->finished)
        return FALSE;
      compact (self);
      if (!fill (self, error))
        {
          self->finished = TRUE;
          return FALSE;
        }
    }

  end = g_array_index (self->row_ends, guint, self->next_row);
  /* sized once and filled in place: an append is a call, and this runs for every field */
  g_ptr_array_set_size (self->row_fields, end - self->first_span);
  g_array_set_size (self->row_lengths, end - self->first_span);
  for (guint i = self->first_span; i < end; i++)
    {
      FieldSpan *span = &g_array_index (self->spans, FieldSpan, i);
      const char *field = self->text->str + span->start;

      /* A Latin-1 export would otherwise put bytes that are not text into every record. As
       * with a line of NDJSON that is not text, only this row is refused; the caller gets its
       * fields for the rejected output and can read on. */
      if (bad_column == 0 && !is_text (field, span->length))
        bad_column = i - self->first_span + 1;
      self->row_fields->pdata[i - self->first_span] = (gpointer)field;
      g_array_index (self->row_lengths, gsize, i - self->first_span) = span->length;
    }

  *fields = (const char *const *)self->row_fields->pdata;
  *lengths = (const gsize *)(gpointer)self->row_lengths->data;
  *n_fields = end - self->first_span;
  self->first_span = end;
  self->next_row++;
  self->row_number++;
  if (bad_column > 0)
    {
      g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_ENCODING,
                   _("row %" PRIu64 ", column %u: this file is not UTF-8 text; "
                     "save it as UTF-8 (CSV UTF-8 in spreadsheet apps)"),
                   self->row_number, bad_column);
      return FALSE;
    }
  return TRUE;
}

/**
 * csv_reference_get_delimiter:
 * @self: a reader
 *
 * Returns: the delimiter in use (known after the first row)
 */
char
csv_reference_get_delimiter (CsvReference *self)
{
  g_return_val_if_fail (self != NULL, ',');
  return self->delimiter ? self->delimiter : ',';
}

/**
 * csv_reference_get_row_number:
 * @self: a reader
 *
 * Returns: the 1-based number of the last row returned, the header counting as 1
 */
guint64
csv_reference_get_row_number (CsvReference *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row_number;
}
