/* conduit-csv-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-csv-reader"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "conduit-csv-reader.h"

/* Reading CSV is done in two halves, so that a mapping on several threads can parse rows
 * while one thread reads: conduit_csv_reader_next_record() only finds where each row ends (a
 * line end ends a row only outside quotes) and gives the row's text; conduit_csv_split_row() cuts
 * that text into fields, in any thread (conduit_csv_split_row()). conduit_csv_reader_next_row()
 * does both.
 *
 * What is read is what libcsv 3.0.3 read in its lenient mode, which this reader used before
 * (and which the tests compare it with): a field is quoted only when a quote is its first
 * byte; in a quoted field "" is one quote, and a quote followed by anything but a quote, the
 * delimiter or a line end stays in the field ("a"b" is a"b); a quote inside an unquoted field
 * is just a byte (5" screen); spaces are kept; blank lines are skipped; CR, LF and CR LF all
 * end a row. Added: the byte order mark, the delimiter guessed from the header line, and a
 * limit on a row's size so that a quote that is never closed cannot take all memory. */

#define READ_SIZE     (64 * 1024)
#define MAX_ROW_BYTES (16 * 1024 * 1024)
/* libcsv grew its field buffer by this much: see row_too_large() */
#define LIBCSV_BLOCK  128

typedef enum
{
  BETWEEN_ROWS,
  UNQUOTED,          /* in a row, not inside quotes: at a field's start or in an unquoted one */
  QUOTED,            /* inside a quoted field */
  QUOTE_IN_QUOTED,   /* just after a quote inside a quoted field: its end, or one of "" */
} ScanState;

/* What libcsv would hold of the row being read, measured byte by byte up to @measured. */
typedef struct
{
  gsize      measured;
  ScanState  state;
  gboolean   field_begun;
  gsize      held;       /* bytes of the field being read */
  gsize      kept;       /* of the fields before it, each with a nul */
  gsize      longest;    /* the most a field held as a byte came */
} Measure;

struct _ConduitCsvReader
{
  GInputStream      *stream;
  char               delimiter;
  gboolean           started;
  gboolean           eof;
  gboolean           finished;

  /* the row being scanned (from row_start) and what was read after it */
  char              *buffer;
  gsize              size;
  gsize              end;
  gsize              scan;          /* the next byte to look at */
  gsize              row_start;
  gsize              field_start;   /* of the field being scanned */
  gsize              pairs;         /* "" in the quoted field being scanned */
  ScanState          state;

  /* for the size limit, which is libcsv's (see row_too_large()) */
  gsize              longest;       /* the most a field held as a byte came (scan_unquoted()) */
  gboolean           row_in_chunk;  /* a row ended in the chunk read last */
  gboolean           chunk_read;
  Measure            measure;       /* of the row being read, once it is big */

  guint64            row_number;

  /* what conduit_csv_reader_next_row() returned last */
  GArray            *spans;         /* (element-type ConduitCsvSpan) */
  GString           *text;
  GPtrArray         *row_fields;
  GArray            *row_lengths;
};

G_DEFINE_QUARK (conduit-csv-reader-error-quark, conduit_csv_reader_error)

/**
 * conduit_csv_reader_new:
 * @stream: the CSV text
 * @delimiter: ',', ';', '|' or '\t' (any byte but a quote, CR or LF), or 0 to take the one the
 *   header line uses most of ',', ';' and '\t'
 *
 * Returns: (transfer full): a reader
 */
ConduitCsvReader *
conduit_csv_reader_new (GInputStream *stream,
                        char          delimiter)
{
  ConduitCsvReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (delimiter != '"' && delimiter != '\r' && delimiter != '\n', NULL);

  self = g_new0 (ConduitCsvReader, 1);
  self->stream = g_object_ref (stream);
  self->delimiter = delimiter;
  self->size = 2 * READ_SIZE;
  self->buffer = g_malloc (self->size);
  self->state = BETWEEN_ROWS;
  self->spans = g_array_sized_new (FALSE, FALSE, sizeof (ConduitCsvSpan), 64);
  g_array_set_size (self->spans, 64);
  self->text = g_string_sized_new (1024);
  self->row_fields = g_ptr_array_new ();
  self->row_lengths = g_array_new (FALSE, FALSE, sizeof (gsize));
  return self;
}

/**
 * conduit_csv_reader_free:
 * @self: (transfer full): a reader
 */
void
conduit_csv_reader_free (ConduitCsvReader *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->stream);
  g_free (self->buffer);
  g_array_unref (self->spans);
  g_string_free (self->text, TRUE);
  g_ptr_array_unref (self->row_fields);
  g_array_unref (self->row_lengths);
  g_free (self);
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

#ifdef __SSE2__
/* The delimiters and the stops (a quote, CR, LF) among the 16 bytes at @at, as bits. */
static inline void
find_in_row_block (const char   *at,
                   char          delimiter,
                   unsigned int *ends,
                   unsigned int *stops)
{
  __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)at);

  *ends = (unsigned int)_mm_movemask_epi8 (_mm_cmpeq_epi8 (bytes, _mm_set1_epi8 (delimiter)));
  *stops = (unsigned int)_mm_movemask_epi8 (
    _mm_or_si128 (_mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('"')),
                  _mm_or_si128 (_mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('\r')),
                                _mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('\n')))));
}

/* A step of scan_unquoted() over @width bytes from *p, whose delimiters and stops are the
 * bits @ends and @stops: the delimiters before the first stop end fields. The field the first
 * of them ends is measured, and the next field starts after the last; the fields between two
 * delimiters of one step are shorter than 64 bytes, and libcsv's buffer (see row_too_large())
 * grew by 128, so leaving them out of *most changes no decision and saves a step a field.
 * TRUE at a stop, with *p on it; otherwise *p moves on by @width. */
static inline gboolean
end_fields (guint64  ends,
            guint64  stops,
            guint    width,
            gsize   *p,
            gsize   *start,
            gsize   *most)
{
  if (stops != 0)
    ends &= (stops & -stops) - 1;
  if (ends != 0)
    {
      *most = MAX (*most, *p + __builtin_ctzll (ends) - *start);
      *start = *p + 64 - __builtin_clzll (ends);
    }
  if (stops != 0)
    {
      *p += __builtin_ctzll (stops);
      return TRUE;
    }
  *p += width;
  return FALSE;
}
#endif

/* Scans an unquoted stretch of a row from @p to the first quote or line end (or @end), ending
 * fields at each delimiter on the way (*field_start, *longest as in scan_row()). 64 and 16
 * bytes a step where the processor has SSE2 (every x86-64): this runs over every byte the
 * reading thread sees, and a row of short fields has a delimiter every few bytes. */
static inline gsize
scan_unquoted (const char *buffer,
               gsize       p,
               gsize       end,
               char        delimiter,
               gsize      *field_start,
               gsize      *longest)
{
  gsize start = *field_start;
  gsize most = *longest;

#ifdef __SSE2__
  /* 64 bytes a step first, then 16: a row of short fields has a delimiter in most blocks,
   * and one test of four blocks' stops is one branch a step instead of four */
  while (p + 64 <= end)
    {
      guint64 ends = 0, stops = 0;

      for (guint k = 0; k < 4; k++)
        {
          unsigned int block_ends, block_stops;

          find_in_row_block (buffer + p + 16 * k, delimiter, &block_ends, &block_stops);
          ends |= (guint64)block_ends << (16 * k);
          stops |= (guint64)block_stops << (16 * k);
        }
      if (end_fields (ends, stops, 64, &p, &start, &most))
        goto done;
    }
  while (p + 16 <= end)
    {
      unsigned int block_ends, block_stops;

      find_in_row_block (buffer + p, delimiter, &block_ends, &block_stops);
      if (end_fields (block_ends, block_stops, 16, &p, &start, &most))
        goto done;
    }
#endif
  for (; p < end; p++)
    {
      char c = buffer[p];

      if (c == delimiter)
        {
          most = MAX (most, p - start);
          start = p + 1;
        }
      else if (c == '"' || c == '\n' || c == '\r')
        break;
    }
#ifdef __SSE2__
done:
#endif
  *field_start = start;
  *longest = most;
  return p;
}

/* The first @c from @p, or @end. */
static inline gsize
find_byte (const char *buffer,
           gsize       p,
           gsize       end,
           char        c)
{
  const char *found;

#ifdef __SSE2__
  /* fields are short: one step here saves memchr's call for most of them */
  if (p + 16 <= end)
    {
      __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)(buffer + p));
      int mask = _mm_movemask_epi8 (_mm_cmpeq_epi8 (bytes, _mm_set1_epi8 (c)));

      if (mask != 0)
        return p + __builtin_ctz ((unsigned int)mask);
      p += 16;
    }
#endif
  found = p < end ? memchr (buffer + p, c, end - p) : NULL;
  return found != NULL ? (gsize)(found - buffer) : end;
}

/* Scans on from self->scan to the end of what was read; TRUE when a row ended, at the line
 * end *row_end. The state stays in @self across reads. A field's size in libcsv's terms (the
 * bytes it kept when the next byte came: a closing quote counted, the second of "" not) is
 * noted in self->longest. */
static gboolean
scan_row (ConduitCsvReader *self,
          gsize            *row_end)
{
  const char *buffer = self->buffer;
  const char delimiter = self->delimiter;
  const gsize end = self->end;
  gsize p = self->scan;
  gsize field_start = self->field_start;
  gsize pairs = self->pairs;
  gsize longest = self->longest;
  ScanState state = self->state;
  gboolean ended = FALSE;

  while (p < end && !ended)
    {
      switch (state)
        {
        case BETWEEN_ROWS:
          while (p < end && (buffer[p] == '\n' || buffer[p] == '\r'))
            p++;
          if (p == end)
            break;
          self->row_start = field_start = p;
          self->measure = (Measure) { .state = UNQUOTED };
          state = UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case UNQUOTED:
          p = scan_unquoted (buffer, p, end, delimiter, &field_start, &longest);
          if (p == end)
            break;
          if (buffer[p] == '"')
            {
              /* only a quote that starts a field opens quotes */
              if (p == field_start)
                {
                  state = QUOTED;
                  pairs = 0;
                }
            }
          else
            {
              longest = MAX (longest, p - field_start);
              ended = TRUE;
              *row_end = p;
            }
          p++;
          break;

        case QUOTED:
          p = find_byte (buffer, p, end, '"');
          if (p == end)
            break;
          state = QUOTE_IN_QUOTED;
          p++;
          break;

        case QUOTE_IN_QUOTED:
          if (buffer[p] == delimiter || buffer[p] == '\n' || buffer[p] == '\r')
            {
              longest = MAX (longest, p - field_start - 1 - pairs);
              if (buffer[p] == delimiter)
                {
                  field_start = p + 1;
                  state = UNQUOTED;
                }
              else
                {
                  ended = TRUE;
                  *row_end = p;
                }
            }
          else
            {
              pairs += buffer[p] == '"';
              state = QUOTED;
            }
          p++;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  self->scan = p;
  self->field_start = field_start;
  self->pairs = pairs;
  self->longest = longest;
  self->state = ended ? BETWEEN_ROWS : state;
  return ended;
}

/* Goes on measuring the row being read (from where the last call stopped) as libcsv held it:
 * its fields so far, each with a nul, and the most a field held when a byte came (what sized
 * libcsv's buffer). Byte by byte, so only for a big row. */
static void
measure_row (ConduitCsvReader *self)
{
  Measure *m = &self->measure;
  const char *text = self->buffer + self->row_start;
  gsize length = self->end - self->row_start;

  for (gsize i = m->measured; i < length; i++)
    {
      char c = text[i];

      m->longest = MAX (m->longest, m->held);
      if (m->state == UNQUOTED && c == self->delimiter)
        {
          m->kept += m->held + 1;
          m->held = 0;
          m->field_begun = FALSE;
        }
      else if (m->state == UNQUOTED)
        {
          /* a quote opens quotes only as a field's first byte, and is not kept then */
          if (c == '"' && !m->field_begun)
            m->state = QUOTED;
          else
            m->held++;
          m->field_begun = TRUE;
        }
      else if (m->state == QUOTED)
        {
          /* the quote is kept until the next byte says whether it closed the field */
          m->held++;
          if (c == '"')
            m->state = QUOTE_IN_QUOTED;
        }
      else if (c == self->delimiter)
        {
          m->kept += m->held;   /* the closing quote dropped, a nul added */
          m->held = 0;
          m->field_begun = FALSE;
          m->state = UNQUOTED;
        }
      else
        {
          m->held += c != '"';   /* "" keeps one quote */
          m->state = QUOTED;
        }
    }
  m->measured = length;
}

/* libcsv's test, which this reader had: after a chunk that ended no row, the row is too large
 * when the fields it completed (each with a nul) and libcsv's field buffer pass the limit.
 * That buffer grew by 128 bytes whenever a field held one byte less than it had room for as a
 * byte came, and never shrank: so its size follows from the most any field held, in the whole
 * file. Measuring exactly only when the bound (the row's bytes) could pass the limit keeps
 * this out of the way of ordinary rows while the same rows as before are refused. */
static gboolean
row_too_large (ConduitCsvReader *self)
{
  gsize kept = 0, longest = self->longest, buffer_size;

  if (self->state != BETWEEN_ROWS)
    {
      gsize row = self->end - self->row_start;
      gsize bound = MAX (longest, row);

      if (row + LIBCSV_BLOCK * ((bound + 1) / LIBCSV_BLOCK + 1) <= MAX_ROW_BYTES)
        return FALSE;
      measure_row (self);
      kept = self->measure.kept;
      longest = MAX (longest, self->measure.longest);
    }
  buffer_size = LIBCSV_BLOCK * ((longest + 1) / LIBCSV_BLOCK + 1);
  return kept + buffer_size > MAX_ROW_BYTES;
}

static gboolean
read_chunk (ConduitCsvReader  *self,
            GError           **error)
{
  gsize keep = self->state == BETWEEN_ROWS ? self->end : self->row_start;
  gssize n;
  const char *data;

  /* keep the row being read, and make room for a whole chunk */
  if (keep > 0)
    {
      memmove (self->buffer, self->buffer + keep, self->end - keep);
      self->end -= keep;
      self->scan -= keep;
      self->row_start -= MIN (self->row_start, keep);
      self->field_start -= MIN (self->field_start, keep);
    }
  if (self->size - self->end < READ_SIZE)
    {
      self->size = MAX (2 * self->size, self->end + READ_SIZE);
      self->buffer = g_realloc (self->buffer, self->size);
    }

  n = g_input_stream_read (self->stream, self->buffer + self->end, READ_SIZE, NULL, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    {
      self->eof = TRUE;
      return TRUE;
    }
  self->chunk_read = TRUE;
  self->row_in_chunk = FALSE;
  data = self->buffer + self->end;
  self->end += n;

  if (!self->started)
    {
      self->started = TRUE;
      if (n >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        {
          data += 3;
          n -= 3;
          self->scan += 3;
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
    }
  return TRUE;
}

/**
 * conduit_csv_reader_next_record:
 * @self: a reader
 * @text: (out) (transfer none): the next row's text, from its first byte to its line end
 *   (not included); valid until the next call
 * @length: (out): its length, never 0
 * @error: where a read error or malformed text goes; it ends the input
 *
 * The first half of conduit_csv_reader_next_row(): blank lines are skipped, the row is found
 * but not cut into fields (see conduit_csv_split_row()). The row number counts it.
 *
 * Returns: %TRUE with a row; %FALSE at the end, or with @error set
 */
gboolean
conduit_csv_reader_next_record (ConduitCsvReader  *self,
                                const char       **text,
                                gsize             *length,
                                GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  while (!self->finished)
    {
      gsize row_end;

      if (scan_row (self, &row_end))
        {
          self->row_in_chunk = TRUE;
          self->row_number++;
          *text = self->buffer + self->row_start;
          *length = row_end - self->row_start;
          return TRUE;
        }

      if (self->eof)
        {
          self->finished = TRUE;
          if (self->state == QUOTED)
            {
              g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_MALFORMED,
                           _("record %" PRIu64 ": a quoted field is never closed"),
                           self->row_number + 1);
              return FALSE;
            }
          if (self->state == BETWEEN_ROWS)
            return FALSE;
          /* the last row, without a line end */
          self->row_number++;
          *text = self->buffer + self->row_start;
          *length = self->end - self->row_start;
          return TRUE;
        }

      if (self->chunk_read && !self->row_in_chunk && row_too_large (self))
        {
          self->finished = TRUE;
          g_set_error (error, CONDUIT_CSV_READER_ERROR, CONDUIT_CSV_READER_ERROR_TOO_LARGE,
                       _("record %" PRIu64 " is larger than %d MB; is a quote never closed?"),
                       self->row_number + 1, MAX_ROW_BYTES / (1024 * 1024));
          return FALSE;
        }

      if (!read_chunk (self, error))
        self->finished = TRUE;
    }
  return FALSE;
}

/* A quoted field from @start (its opening quote): its closing quote is one followed by the
 * delimiter or the row's end; one followed by a quote is half of "", one followed by anything
 * else a quote in the text. Returns where the closing quote is (@end when there is none, which
 * a row from the reader never has). */
static inline gsize
find_closing_quote (const char *text,
                    gsize       start,
                    gsize       end,
                    char        delimiter,
                    gboolean   *escaped)
{
  for (gsize p = start + 1;; p++)
    {
      p = find_byte (text, p, end, '"');
      if (p + 1 >= end || text[p + 1] == delimiter)
        return p;
      if (text[p + 1] == '"')
        {
          *escaped = TRUE;
          p++;
        }
    }
}

/**
 * conduit_csv_split_row:
 * @text: a row's text, as conduit_csv_reader_next_record() gives it
 * @length: its length
 * @delimiter: the reader's delimiter (conduit_csv_reader_get_delimiter())
 * @spans: (out caller-allocates) (array length=max_spans): where the fields go
 * @max_spans: room in @spans
 *
 * Cuts a row into its fields, without a reader, so in any thread. A field's span is its
 * bytes in @text (for a quoted field, what is between its quotes); an escaped one holds ""
 * for each quote: conduit_csv_unescape() gives the field.
 *
 * Returns: how many fields the row has; only the first @max_spans are in @spans
 */
guint
conduit_csv_split_row (const char    *text,
                       gsize          length,
                       char           delimiter,
                       ConduitCsvSpan *spans,
                       guint          max_spans)
{
  guint n = 0;
  gsize start = 0;   /* of the field being cut */
  gsize p = 0;

#define ADD_SPAN(from, to, is_escaped) \
  G_STMT_START { \
    if (n < max_spans) \
      spans[n] = (ConduitCsvSpan) { from, (to) - (from), is_escaped }; \
    n++; \
  } G_STMT_END

  for (;;)
    {
      if (start < length && text[start] == '"')
        {
          gboolean escaped = FALSE;
          gsize closing = find_closing_quote (text, start, length, delimiter, &escaped);

          ADD_SPAN (start + 1, MIN (closing, length), escaped);
          if (closing + 1 >= length)
            return n;
          start = p = closing + 2;
          continue;
        }

      /* unquoted fields up to a quote that opens one, or the row's end; a quote inside an
       * unquoted field is a byte like any other */
#ifdef __SSE2__
      {
        const __m128i delimiters = _mm_set1_epi8 (delimiter);
        const __m128i quotes = _mm_set1_epi8 ('"');
        gboolean quote_opens = FALSE;

        for (; p + 16 <= length && !quote_opens; p += 16)
          {
            __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)(text + p));
            unsigned int hits = (unsigned int)_mm_movemask_epi8 (
              _mm_or_si128 (_mm_cmpeq_epi8 (bytes, delimiters), _mm_cmpeq_epi8 (bytes, quotes)));

            for (; hits != 0; hits &= hits - 1)
              {
                gsize q = p + __builtin_ctz (hits);

                if (text[q] == delimiter)
                  {
                    ADD_SPAN (start, q, FALSE);
                    start = q + 1;
                  }
                else if (q == start)
                  {
                    quote_opens = TRUE;
                    break;
                  }
              }
          }
        if (quote_opens)
          continue;
      }
#endif
      for (; p < length; p++)
        if (text[p] == delimiter)
          {
            ADD_SPAN (start, p, FALSE);
            start = p + 1;
          }
        else if (text[p] == '"' && p == start)
          break;
      if (p < length)
        continue;
      ADD_SPAN (start, length, FALSE);
      return n;
    }
#undef ADD_SPAN
}

#ifdef __SSE2__
/* The delimiters of the 16 bytes at @at, as bits; the quotes among them are added to
 * @quoted, the bytes that are not plain (a high bit, NUL) to @high. */
static inline guint64
find_in_block (const char *at,
               char        delimiter,
               __m128i    *quoted,
               __m128i    *high)
{
  __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)at);

  *quoted = _mm_or_si128 (*quoted, _mm_cmpeq_epi8 (bytes, _mm_set1_epi8 ('"')));
  *high = _mm_or_si128 (*high, _mm_or_si128 (bytes, _mm_cmpeq_epi8 (bytes, _mm_setzero_si128 ())));
  return (unsigned int)_mm_movemask_epi8 (_mm_cmpeq_epi8 (bytes, _mm_set1_epi8 (delimiter)));
}
#endif

/**
 * conduit_csv_find_delimiters:
 * @text: a row's text, as conduit_csv_reader_next_record() gives it
 * @length: its length
 * @delimiter: the reader's delimiter
 * @ends: (out caller-allocates) (array length=max_ends): where the delimiters are
 * @max_ends: room in @ends
 * @n_ends: (out): how many delimiters @text has; only the first @max_ends are in @ends
 * @plain: (out): conduit_csv_is_plain() of @text
 *
 * conduit_csv_split_row() and conduit_csv_is_plain() of the commonest row, one without a
 * quote, in one pass: its fields are then the bytes between the delimiters, as they are. A
 * row is cut into fields for every record a mapping reads, and the two passes and the spans
 * between them cost more than the mapping's trims and case changes (#21).
 *
 * Returns: %FALSE, leaving the outs unset, when @text holds a quote: then
 *   conduit_csv_split_row() cuts it
 */
gboolean
conduit_csv_find_delimiters (const char *text,
                             gsize       length,
                             char        delimiter,
                             gsize      *ends,
                             guint       max_ends,
                             guint      *n_ends,
                             gboolean   *plain)
{
  guint n = 0;
  guchar special = 0;
  gsize p = 0;

#ifdef __SSE2__
  if (length >= 16)
    {
      __m128i high = _mm_setzero_si128 (), quoted = _mm_setzero_si128 ();

#define ADD_ENDS(base, hits) \
  G_STMT_START { \
    for (guint64 h_ = (hits); h_ != 0; h_ &= h_ - 1) \
      { \
        if (n < max_ends) \
          ends[n] = (base) + __builtin_ctzll (h_); \
        n++; \
      } \
  } G_STMT_END

      /* 64 bytes a step: the loop over their delimiters ends once for four blocks, a branch
       * the processor cannot guess as a row's fields come */
      for (; p + 64 <= length; p += 64)
        {
          guint64 hits = find_in_block (text + p, delimiter, &quoted, &high) |
                         find_in_block (text + p + 16, delimiter, &quoted, &high) << 16 |
                         find_in_block (text + p + 32, delimiter, &quoted, &high) << 32 |
                         find_in_block (text + p + 48, delimiter, &quoted, &high) << 48;

          ADD_ENDS (p, hits);
        }
      for (; p + 16 <= length; p += 16)
        ADD_ENDS (p, find_in_block (text + p, delimiter, &quoted, &high));
      /* the last block ends at the row's end, overlapping the one before: its bytes seen
       * already are masked out of the delimiters, and looked at twice for the rest */
      if (p < length)
        ADD_ENDS (length - 16, find_in_block (text + length - 16, delimiter, &quoted, &high) &
                                 (~0ull << (16 - (length - p))));
#undef ADD_ENDS
      if (_mm_movemask_epi8 (quoted) != 0)
        return FALSE;
      *n_ends = n;
      *plain = _mm_movemask_epi8 (high) == 0;
      return TRUE;
    }
#endif
  for (; p < length; p++)
    {
      special |= (guchar)((guchar)text[p] - 1) >= 0x7F;
      if (text[p] == delimiter)
        {
          if (n < max_ends)
            ends[n] = p;
          n++;
        }
      else if (text[p] == '"')
        return FALSE;
    }
  *n_ends = n;
  *plain = !special;
  return TRUE;
}

/**
 * conduit_csv_unescape:
 * @dest: room for @length bytes
 * @field: a quoted field's bytes that conduit_csv_split_row() called escaped
 * @length: how many
 *
 * Returns: the length of the field written to @dest, each "" made one quote
 */
gsize
conduit_csv_unescape (char       *dest,
                      const char *field,
                      gsize       length)
{
  gsize n = 0;

  for (gsize i = 0; i < length; i++)
    {
      dest[n++] = field[i];
      if (field[i] == '"' && i + 1 < length && field[i + 1] == '"')
        i++;
    }
  return n;
}

/**
 * conduit_csv_is_plain:
 * @text: bytes
 * @length: how many
 *
 * Returns: whether @text is ASCII without a NUL, so text without checking it further
 */
gboolean
conduit_csv_is_plain (const char *text,
                      gsize       length)
{
  guchar special = 0;
  gsize i = 0;

#ifdef __SSE2__
  {
    /* a high bit, or a byte equal to zero, in any of the blocks; the last block ends at
     * the end, overlapping the one before, rather than a loop over the last bytes */
    __m128i found = _mm_setzero_si128 ();

    if (length >= 16)
      {
        for (; i + 16 <= length; i += 16)
          {
            __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)(text + i));

            found = _mm_or_si128 (found, _mm_or_si128 (bytes, _mm_cmpeq_epi8 (
                                                               bytes, _mm_setzero_si128 ())));
          }
        if (i < length)
          {
            __m128i bytes = _mm_loadu_si128 ((const __m128i *)(gconstpointer)(text + length - 16));

            found = _mm_or_si128 (found, _mm_or_si128 (bytes, _mm_cmpeq_epi8 (
                                                               bytes, _mm_setzero_si128 ())));
          }
        return _mm_movemask_epi8 (found) == 0;
      }
  }
#endif
  for (; i < length; i++)
    special |= (guchar)((guchar)text[i] - 1) >= 0x7F;
  return !special;
}

/**
 * conduit_csv_reader_next_row:
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
conduit_csv_reader_next_row (ConduitCsvReader    *self,
                             const char *const  **fields,
                             const gsize        **lengths,
                             guint               *n_fields,
                             GError             **error)
{
  const char *text;
  gsize length;
  gboolean plain;
  guint n, bad_column = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!conduit_csv_reader_next_record (self, &text, &length, error))
    return FALSE;

  n = conduit_csv_split_row (text, length, self->delimiter,
                             (ConduitCsvSpan *)(gpointer)self->spans->data, self->spans->len);
  if (n > self->spans->len)
    {
      g_array_set_size (self->spans, n);
      conduit_csv_split_row (text, length, self->delimiter,
                             (ConduitCsvSpan *)(gpointer)self->spans->data, n);
    }

  /* the fields one after the other, each with a nul; pointers only once the text has its
   * final size */
  plain = conduit_csv_is_plain (text, length);
  g_string_truncate (self->text, 0);
  g_array_set_size (self->row_lengths, n);
  for (guint i = 0; i < n; i++)
    {
      const ConduitCsvSpan *span = &g_array_index (self->spans, ConduitCsvSpan, i);
      gsize start = self->text->len;
      gsize field_length = span->length;

      g_string_set_size (self->text, start + field_length + 1);
      if (span->escaped)
        field_length = conduit_csv_unescape (self->text->str + start, text + span->start,
                                             field_length);
      else
        memcpy (self->text->str + start, text + span->start, field_length);
      self->text->str[start + field_length] = '\0';
      g_string_truncate (self->text, start + field_length + 1);
      g_array_index (self->row_lengths, gsize, i) = field_length;

      /* A Latin-1 export would otherwise put bytes that are not text into every record. As
       * with a line of NDJSON that is not text, only this row is refused; the caller gets its
       * fields for the rejected output and can read on. */
      if (!plain && bad_column == 0 &&
          !g_utf8_validate (self->text->str + start, field_length, NULL))
        bad_column = i + 1;
    }

  g_ptr_array_set_size (self->row_fields, n);
  for (gsize i = 0, start = 0; i < n; i++)
    {
      self->row_fields->pdata[i] = self->text->str + start;
      start += g_array_index (self->row_lengths, gsize, i) + 1;
    }

  *fields = (const char *const *)self->row_fields->pdata;
  *lengths = (const gsize *)(gpointer)self->row_lengths->data;
  *n_fields = n;
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
 * conduit_csv_reader_get_delimiter:
 * @self: a reader
 *
 * Returns: the delimiter in use (known after the first row)
 */
char
conduit_csv_reader_get_delimiter (ConduitCsvReader *self)
{
  g_return_val_if_fail (self != NULL, ',');
  return self->delimiter ? self->delimiter : ',';
}

/**
 * conduit_csv_reader_get_row_number:
 * @self: a reader
 *
 * Returns: the 1-based number of the last row returned, the header counting as 1
 */
guint64
conduit_csv_reader_get_row_number (ConduitCsvReader *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->row_number;
}
