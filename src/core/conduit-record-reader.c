/* conduit-record-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-record-reader"

#include "config.h"

#include <inttypes.h>
#include <math.h>

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-csv-reader.h"
#include "conduit-record-reader-private.h"
#include "conduit-xlsx-reader.h"
#include "conduit-xml-reader.h"

/* NDJSON lines are parsed straight from the read buffer into the caller's arena, strings
 * pointing into the buffer, so a record costs no copy of its text. The buffer only grows for
 * a line longer than it, up to MAX_LINE. */

#define BUFFER_SIZE (256 * 1024)
#define MAX_LINE    (64 * 1024 * 1024)
/* a file with a duplicate key on every line warns once per line; the first ones tell it all */
#define MAX_WARNINGS 20

/* The NDJSON reading buffer. Its lines can be held past the next call
 * (conduit_record_reader_keep_lines()): the reader then reads on into another buffer rather
 * than move the partial line over them. */
struct _ConduitLineBuffer
{
  ConduitLineBuffer *next;      /* among the reader's spare ones */
  guint              holders;   /* conduit_record_reader_hold_lines() not yet released */
  gsize              size;
  char               data[];
};

struct _ConduitRecordReader
{
  GObject              parent_instance;

  GInputStream        *stream;
  ConduitRecordFormat  format;
  char                 csv_delimiter;
  gboolean             format_known;
  guint64              position;
  GString             *raw;

  /* NDJSON */
  ConduitLineBuffer   *line_buffer;  /* the one being read into */
  ConduitLineBuffer   *spare_buffers;   /* released ones, for the next switch */
  gboolean             keep_lines;
  char                *buffer;       /* line_buffer->data */
  gsize                buffer_size;
  gsize                start;
  gsize                end;
  gboolean             eof;
  gboolean             skipping;
  ConduitJsonReader   *json;

  /* JSON */
  ConduitArena        *document_arena;
  char                *document;
  ConduitValue        *items;
  guint                next_item;

  /* CSV and XLSX */
  ConduitCsvReader    *csv;
  GPtrArray           *header;       /* (element-type utf8) */
  guint               *header_lengths;  /* CSV: their lengths */
  char                 csv_row_delimiter;   /* CSV: the delimiter in use, once the header is read */

  /* XLSX */
  char                *sheet;
  guint                header_row;   /* 0: the first row with a value */
  ConduitXlsxReader   *xlsx;

  /* XML */
  char                *xml_path;
  ConduitXmlReader    *xml;

  /* conduit_record_reader_next() */
  ConduitArena        *arena;

  /* what was read other than written, for the preview and conduit-cli map */
  GPtrArray           *warnings;     /* (element-type utf8) the first MAX_WARNINGS */
  guint64              n_warnings;
};

G_DEFINE_FINAL_TYPE (ConduitRecordReader, conduit_record_reader, G_TYPE_OBJECT)

G_DEFINE_QUARK (conduit-record-reader-error-quark, conduit_record_reader_error)

G_GNUC_PRINTF (2, 3)
static void
add_warning (ConduitRecordReader *self,
             const char          *format,
             ...)
{
  va_list args;

  self->n_warnings++;
  if (self->warnings == NULL)
    self->warnings = g_ptr_array_new_with_free_func (g_free);
  if (self->warnings->len >= MAX_WARNINGS)
    return;
  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
warn_duplicate (ConduitRecordReader *self,
                const char          *where,
                guint64              position,
                const char          *key,
                gsize                length)
{
  g_autofree char *name = NULL;

  if (key == NULL)
    return;
  name = g_utf8_make_valid (key, length);
  add_warning (self, _("%s %" PRIu64 ": the key “%s” appears more than once in an "
                       "object; the last value is used"), where, position, name);
}

/* A record is an object; a line holding a list or a single value is not one. */
static const char *
value_kind_name (const ConduitValue *value)
{
  switch (value->kind)
    {
    case CONDUIT_VALUE_ARRAY: return _("a list");
    case CONDUIT_VALUE_STRING: return _("a text");
    case CONDUIT_VALUE_INTEGER:
    case CONDUIT_VALUE_DOUBLE: return _("a number");
    case CONDUIT_VALUE_BOOLEAN: return _("true or false");
    case CONDUIT_VALUE_NULL: return _("null");
    case CONDUIT_VALUE_OBJECT:
    default:
      return _("an object");
    }
}

static void
conduit_record_reader_finalize (GObject *object)
{
  ConduitRecordReader *self = (ConduitRecordReader *)object;

  g_clear_object (&self->stream);
  g_string_free (self->raw, TRUE);
  g_free (self->line_buffer);
  while (self->spare_buffers != NULL)
    {
      ConduitLineBuffer *next = self->spare_buffers->next;

      g_free (self->spare_buffers);
      self->spare_buffers = next;
    }
  g_clear_pointer (&self->json, conduit_json_reader_free);
  g_clear_pointer (&self->document_arena, conduit_arena_free);
  g_free (self->document);
  g_clear_pointer (&self->csv, conduit_csv_reader_free);
#ifndef CONDUIT_RECORD_READER_TEXT_ONLY
  g_clear_pointer (&self->xlsx, conduit_xlsx_reader_free);
  g_clear_pointer (&self->xml, conduit_xml_reader_free);
#endif
  g_free (self->xml_path);
  g_free (self->sheet);
  g_clear_pointer (&self->header, g_ptr_array_unref);
  g_free (self->header_lengths);
  g_clear_pointer (&self->arena, conduit_arena_free);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_record_reader_parent_class)->finalize (object);
}

static void
conduit_record_reader_class_init (ConduitRecordReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_record_reader_finalize;
}

static void
conduit_record_reader_init (ConduitRecordReader *self)
{
  self->raw = g_string_new (NULL);
}

/**
 * conduit_record_format_from_name:
 * @name: "ndjson", "jsonl", "json", "csv", "tsv", "xlsx", "xml" or "auto"
 * @format: (out): the format
 *
 * Returns: whether @name is a format
 */
gboolean
conduit_record_format_from_name (const char          *name,
                                 ConduitRecordFormat *format)
{
  g_return_val_if_fail (name != NULL, FALSE);

  if (g_ascii_strcasecmp (name, "ndjson") == 0 || g_ascii_strcasecmp (name, "jsonl") == 0)
    *format = CONDUIT_RECORD_FORMAT_NDJSON;
  else if (g_ascii_strcasecmp (name, "json") == 0)
    *format = CONDUIT_RECORD_FORMAT_JSON;
  else if (g_ascii_strcasecmp (name, "csv") == 0 || g_ascii_strcasecmp (name, "tsv") == 0)
    *format = CONDUIT_RECORD_FORMAT_CSV;
  else if (g_ascii_strcasecmp (name, "xlsx") == 0)
    *format = CONDUIT_RECORD_FORMAT_XLSX;
  else if (g_ascii_strcasecmp (name, "xml") == 0)
    *format = CONDUIT_RECORD_FORMAT_XML;
  else if (g_ascii_strcasecmp (name, "auto") == 0)
    *format = CONDUIT_RECORD_FORMAT_AUTO;
  else
    return FALSE;
  return TRUE;
}

/**
 * conduit_record_format_guess:
 * @filename: (nullable): a file name
 *
 * Returns: the format its extension names, or %CONDUIT_RECORD_FORMAT_AUTO
 */
ConduitRecordFormat
conduit_record_format_guess (const char *filename)
{
  const char *dot = filename ? strrchr (filename, '.') : NULL;
  ConduitRecordFormat format = CONDUIT_RECORD_FORMAT_AUTO;

  if (dot == NULL || !conduit_record_format_from_name (dot + 1, &format))
    return CONDUIT_RECORD_FORMAT_AUTO;
  return format;
}

/**
 * conduit_record_reader_new:
 * @stream: the input
 * @format: its format; %CONDUIT_RECORD_FORMAT_AUTO looks at the first character: "[" is JSON,
 *   "{" NDJSON when the first line holds the whole object and JSON when it goes on over
 *   several lines (pretty-printed), a zip ("PK") XLSX, "<" XML, anything else CSV
 *
 * Returns: (transfer full): a reader
 */
ConduitRecordReader *
conduit_record_reader_new (GInputStream        *stream,
                           ConduitRecordFormat  format)
{
  ConduitRecordReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self = g_object_new (CONDUIT_TYPE_RECORD_READER, NULL);
  self->format = format;
  self->format_known = format != CONDUIT_RECORD_FORMAT_AUTO;
  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    self->stream = g_buffered_input_stream_new_sized (stream, 4096);
  else
    self->stream = g_object_ref (stream);
  return self;
}

/**
 * conduit_record_reader_set_csv_delimiter:
 * @self: a reader
 * @delimiter: ',', ';', '\t', or 0 to guess from the header line (the default)
 */
void
conduit_record_reader_set_csv_delimiter (ConduitRecordReader *self,
                                         char                 delimiter)
{
  g_return_if_fail (CONDUIT_IS_RECORD_READER (self));
  self->csv_delimiter = delimiter;
}

/**
 * conduit_record_reader_set_xml_path:
 * @self: a reader
 * @path: (nullable): the path of an XML document's record elements ("/orders/order"), or
 *   %NULL for the root element's children (see conduit_xml_reader_new())
 */
void
conduit_record_reader_set_xml_path (ConduitRecordReader *self,
                                    const char          *path)
{
  g_return_if_fail (CONDUIT_IS_RECORD_READER (self));
  g_free (self->xml_path);
  self->xml_path = g_strdup (path);
}

/**
 * conduit_record_reader_set_header_row:
 * @self: a reader
 * @row: the row of a sheet that names the columns, from 1; 0 (the default) for the first row
 *   with a value. The rows above it are not read.
 */
void
conduit_record_reader_set_header_row (ConduitRecordReader *self,
                                      guint                row)
{
  g_return_if_fail (CONDUIT_IS_RECORD_READER (self));
  self->header_row = row;
}

/**
 * conduit_record_reader_set_sheet:
 * @self: a reader
 * @sheet: (nullable): the sheet of a workbook to read, or %NULL for the first one
 */
void
conduit_record_reader_set_sheet (ConduitRecordReader *self,
                                 const char          *sheet)
{
  g_return_if_fail (CONDUIT_IS_RECORD_READER (self));
  g_free (self->sheet);
  self->sheet = g_strdup (sheet);
}

/* Pretty-printed JSON (an object over several lines, as pasted from an API's documentation)
 * is one document, not NDJSON: NDJSON's first line holds a whole object. A first line longer
 * than what was read is taken for NDJSON, the format meant for long inputs. */
static gboolean
first_line_closes_object (const char *data,
                          gsize       available)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < available; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        {
          if (--depth == 0)
            return TRUE;
        }
      else if (c == '\n')
        return FALSE;
    }
  return TRUE;
}

static gboolean
decide_format (ConduitRecordReader  *self,
               GError              **error)
{
  GBufferedInputStream *buffered = G_BUFFERED_INPUT_STREAM (self->stream);
  const char *data;
  gsize available;

  if (g_buffered_input_stream_fill (buffered, -1, NULL, error) < 0)
    return FALSE;
  data = g_buffered_input_stream_peek_buffer (buffered, &available);
  if (available >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    {
      self->format = CONDUIT_RECORD_FORMAT_XLSX;
      self->format_known = TRUE;
      return TRUE;
    }
  if (available >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    data += 3, available -= 3;
  while (available > 0 && g_ascii_isspace (*data))
    data++, available--;

  if (available > 0 && *data == '[')
    self->format = CONDUIT_RECORD_FORMAT_JSON;
  else if (available > 0 && *data == '<')
    self->format = CONDUIT_RECORD_FORMAT_XML;
  else if (available > 0 && *data == '{')
    self->format = first_line_closes_object (data, available) ? CONDUIT_RECORD_FORMAT_NDJSON
                                                              : CONDUIT_RECORD_FORMAT_JSON;
  else
    self->format = CONDUIT_RECORD_FORMAT_CSV;
  self->format_known = TRUE;
  return TRUE;
}

/**
 * conduit_record_reader_get_format:
 * @self: a reader
 *
 * Returns: the format, known once the first record is read when it was guessed
 */
ConduitRecordFormat
conduit_record_reader_get_format (ConduitRecordReader *self)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (self), CONDUIT_RECORD_FORMAT_AUTO);
  return self->format;
}

/**
 * conduit_record_reader_get_position:
 * @self: a reader
 *
 * Returns: where the last record (or bad record) was: its line in NDJSON, its row in CSV
 *   (the header is row 1), its item number from 1 in JSON
 */
guint64
conduit_record_reader_get_position (ConduitRecordReader *self)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (self), 0);
  return self->position;
}

/**
 * conduit_record_reader_get_raw:
 * @self: a reader
 * @length: (out) (optional): its length
 *
 * Returns: the text of the last record that could not be read, to keep it with the reason
 */
const char *
conduit_record_reader_get_raw (ConduitRecordReader *self,
                               gsize               *length)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (self), NULL);
  if (length)
    *length = self->raw->len;
  return self->raw->str;
}

static gboolean next_csv_text (ConduitRecordReader  *self,
                               const char          **text,
                               gsize                *length,
                               GError              **error);

/* ---- NDJSON --------------------------------------------------------------------------- */

static ConduitLineBuffer *
line_buffer_new (gsize size)
{
  ConduitLineBuffer *buffer = g_malloc (sizeof (ConduitLineBuffer) + size);

  buffer->next = NULL;
  buffer->holders = 0;
  buffer->size = size;
  return buffer;
}

/* Reads on in a spare buffer, the partial line moved to its start, and leaves the current one
 * to its holders, who give it back with conduit_record_reader_release_lines(). */
static void
switch_buffer (ConduitRecordReader *self)
{
  ConduitLineBuffer *next;

  /* spares given back before a long line made the buffer grow are too small now */
  while ((next = self->spare_buffers) != NULL && next->size != self->buffer_size)
    {
      self->spare_buffers = next->next;
      g_free (next);
    }
  if (next != NULL)
    self->spare_buffers = next->next;
  else
    next = line_buffer_new (self->buffer_size);
  next->next = NULL;
  memcpy (next->data, self->buffer + self->start, self->end - self->start);
  self->end -= self->start;
  self->start = 0;
  self->line_buffer = next;
  self->buffer = next->data;
}

static gboolean
read_line (ConduitRecordReader  *self,
           const char          **line,
           gsize                *length,
           GError              **error)
{
  for (;;)
    {
      char *newline = self->start < self->end ?
                      memchr (self->buffer + self->start, '\n', self->end - self->start) : NULL;
      gssize n;

      if (newline != NULL)
        {
          gsize line_start = self->start;

          self->start = newline - self->buffer + 1;
          self->position++;
          if (self->skipping)
            {
              self->skipping = FALSE;
              continue;
            }
          *line = self->buffer + line_start;
          *length = newline - *line;
          if (*length > 0 && (*line)[*length - 1] == '\r')
            (*length)--;
          return TRUE;
        }

      if (self->eof)
        {
          if (self->start < self->end && !self->skipping)
            {
              *line = self->buffer + self->start;
              *length = self->end - self->start;
              self->start = self->end;
              self->position++;
              return TRUE;
            }
          return FALSE;
        }

      if (self->skipping)
        self->start = self->end;

      /* keep the partial line, and make room: in another buffer when lines of this one are
       * held */
      if (self->line_buffer->holders > 0)
        switch_buffer (self);
      else if (self->start > 0)
        {
          memmove (self->buffer, self->buffer + self->start, self->end - self->start);
          self->end -= self->start;
          self->start = 0;
        }
      if (self->end == self->buffer_size)
        {
          if (self->buffer_size >= MAX_LINE)
            {
              self->skipping = TRUE;
              self->start = self->end = 0;
              g_string_assign (self->raw, "");
              g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                           _("line %" PRIu64 " is longer than %d MB"), self->position + 1,
                           MAX_LINE / (1024 * 1024));
              return FALSE;
            }
          self->buffer_size *= 2;
          self->line_buffer = g_realloc (self->line_buffer,
                                         sizeof (ConduitLineBuffer) + self->buffer_size);
          self->line_buffer->size = self->buffer_size;
          self->buffer = self->line_buffer->data;
        }

      n = g_input_stream_read (self->stream, self->buffer + self->end,
                               self->buffer_size - self->end, NULL, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        self->eof = TRUE;
      self->end += n;
    }
}

/**
 * conduit_record_reader_next_line:
 * @self: a reader of NDJSON or CSV
 * @line: (out): the next line that is not blank, without its line end (and the byte order
 *   mark on the first line); valid until the next call. In CSV, the next row's text after
 *   the header (which may hold line ends inside quotes)
 * @length: (out): its length
 * @error: %CONDUIT_RECORD_READER_ERROR_RECORD for a line that is too long (call again for the
 *   next one; conduit_record_reader_get_raw() is empty), other errors end the input
 *
 * The first half of reading an NDJSON record, so that the mapping stream's threads can parse
 * lines (conduit_record_reader_parse_line()) while this thread finds the next ones; in CSV,
 * of reading a row, parsed by conduit_record_reader_parse_row().
 *
 * Returns: %FALSE at the end (without @error) or on error
 */
gboolean
conduit_record_reader_next_line (ConduitRecordReader  *self,
                                 const char          **line,
                                 gsize                *length,
                                 GError              **error)
{
  if (self->format == CONDUIT_RECORD_FORMAT_CSV)
    return next_csv_text (self, line, length, error);
  g_return_val_if_fail (self->format == CONDUIT_RECORD_FORMAT_NDJSON, FALSE);

  if (self->buffer == NULL)
    {
      self->buffer_size = BUFFER_SIZE;
      self->line_buffer = line_buffer_new (self->buffer_size);
      self->buffer = self->line_buffer->data;
      self->json = conduit_json_reader_new ();
    }

  for (;;)
    {
      gboolean blank = TRUE;

      if (!read_line (self, line, length, error))
        return FALSE;

      if (self->position == 1 && *length >= 3 && memcmp (*line, "\xEF\xBB\xBF", 3) == 0)
        *line += 3, *length -= 3;
      for (gsize i = 0; i < *length && blank; i++)
        blank = g_ascii_isspace ((*line)[i]);
      if (!blank)
        return TRUE;
    }
}

/**
 * conduit_record_reader_keep_lines:
 * @self: a reader of NDJSON
 *
 * Lets the lines conduit_record_reader_next_line() gives stay where they are past the next
 * call, when conduit_record_reader_hold_lines() is called for them: the mapping stream's
 * batches take lines without copying them.
 */
void
conduit_record_reader_keep_lines (ConduitRecordReader *self)
{
  g_return_if_fail (CONDUIT_IS_RECORD_READER (self));
  self->keep_lines = TRUE;
}

/**
 * conduit_record_reader_hold_lines:
 * @self: a reader of NDJSON that keeps lines (conduit_record_reader_keep_lines())
 *
 * Keeps the last line conduit_record_reader_next_line() gave, and every other line of the
 * buffer it is in, where they are until conduit_record_reader_release_lines(); a caller holds
 * a buffer once for all its lines in it (the same buffer comes back until lines come from
 * another). Every buffer must be released before @self is freed.
 *
 * Returns: (transfer none): the buffer, to release
 */
ConduitLineBuffer *
conduit_record_reader_hold_lines (ConduitRecordReader *self)
{
  g_return_val_if_fail (self->keep_lines && self->line_buffer != NULL, NULL);
  self->line_buffer->holders++;
  return self->line_buffer;
}

/**
 * conduit_record_reader_get_line_buffer:
 * @self: a reader of NDJSON
 *
 * Returns: (transfer none): the buffer the last line is in, to compare with one held
 */
ConduitLineBuffer *
conduit_record_reader_get_line_buffer (ConduitRecordReader *self)
{
  return self->line_buffer;
}

/**
 * conduit_record_reader_release_lines:
 * @self: the reader @buffer came from
 * @buffer: a buffer held with conduit_record_reader_hold_lines()
 *
 * Its lines may be read over once no one holds them.
 */
void
conduit_record_reader_release_lines (ConduitRecordReader *self,
                                     ConduitLineBuffer   *buffer)
{
  g_return_if_fail (buffer->holders > 0);
  if (--buffer->holders > 0 || buffer == self->line_buffer)
    return;
  /* one of the size in use, for the next switch; a smaller one, from before a long line
   * made the buffer grow, is not */
  if (buffer->size != self->buffer_size)
    {
      g_free (buffer);
      return;
    }
  buffer->next = self->spare_buffers;
  self->spare_buffers = buffer;
}

/**
 * conduit_record_reader_parse_line:
 * @json: a parser of the calling thread's own
 * @arena: where the record is made
 * @line: a line conduit_record_reader_next_line() gave, which must outlive the record
 * @length: its length
 * @position: its line number, for the message
 * @record: (out): the record
 * @error: %CONDUIT_RECORD_READER_ERROR_RECORD when the line is not a JSON object
 *
 * The second half of reading an NDJSON record; the caller warns of a duplicate key
 * (conduit_json_reader_get_duplicate()) with conduit_record_reader_warn_duplicate().
 *
 * Returns: %TRUE for a record
 */
gboolean
conduit_record_reader_parse_line (ConduitJsonReader  *json,
                                  ConduitArena       *arena,
                                  const char         *line,
                                  gsize               length,
                                  guint64             position,
                                  ConduitValue      **record,
                                  GError            **error)
{
  gsize offset = 0;
  const char *message = NULL;

  *record = conduit_json_reader_parse (json, arena, line, length, &offset, &message);
  if (*record != NULL && (*record)->kind == CONDUIT_VALUE_OBJECT)
    return TRUE;

  if (*record != NULL)
    g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                 _("line %" PRIu64 " is %s, not a record; each line must be one JSON "
                   "object {…}"), position, value_kind_name (*record));
  else
    g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                 _("line %" PRIu64 ", character %zu: not valid JSON (%s)"),
                 position, offset + 1, message);
  *record = NULL;
  return FALSE;
}

/**
 * conduit_record_reader_warn_duplicate:
 * @self: a reader of NDJSON
 * @position: the line
 * @key: (nullable): the key given twice, or %NULL for none
 * @length: its length
 *
 * Keeps the warning a line parsed by conduit_record_reader_parse_line() calls for; called in
 * input order, the warnings are the same as conduit_record_reader_next_value()'s.
 */
void
conduit_record_reader_warn_duplicate (ConduitRecordReader *self,
                                      guint64              position,
                                      const char          *key,
                                      gsize                length)
{
  warn_duplicate (self, _("line"), position, key, length);
}

static gboolean
next_ndjson (ConduitRecordReader  *self,
             ConduitArena         *arena,
             ConduitValue        **record,
             GError              **error)
{
  const char *line, *key;
  gsize length, key_length;

  if (!conduit_record_reader_next_line (self, &line, &length, error))
    return FALSE;
  if (conduit_record_reader_parse_line (self->json, arena, line, length, self->position, record,
                                        error))
    {
      /* only then: _() is a call, and this runs for every record */
      key = conduit_json_reader_get_duplicate (self->json, &key_length);
      if (key != NULL)
        warn_duplicate (self, _("line"), self->position, key, key_length);
      return TRUE;
    }
  g_string_assign (self->raw, "");
  g_string_append_len (self->raw, line, length);
  return FALSE;
}

/* ---- JSON ----------------------------------------------------------------------------- */

static gboolean
load_document (ConduitRecordReader  *self,
               GError              **error)
{
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(ConduitJsonReader) json = conduit_json_reader_new ();
  const char *text, *message = NULL;
  gsize length, offset = 0;
  ConduitValue *root;

  if (g_output_stream_splice (memory, self->stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL,
                              error) < 0)
    return FALSE;
  length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (memory));
  self->document = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
  text = self->document;
  if (length >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    text += 3, length -= 3;

  self->document_arena = conduit_arena_new ();
  root = conduit_json_reader_parse (json, self->document_arena, text, length, &offset, &message);
  if (root == NULL)
    {
      guint line = 1;

      for (gsize i = 0; i < offset && i < length; i++)
        line += text[i] == '\n';
      g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
                   _("line %u: not valid JSON (%s)"), line, message);
      return FALSE;
    }

  if (conduit_json_reader_get_duplicate (json, &offset) != NULL)
    {
      g_autofree char *name = g_utf8_make_valid (conduit_json_reader_get_duplicate (json, &offset),
                                                 offset);

      add_warning (self, _("the key “%s” appears more than once in an object; the last value "
                           "is used"), name);
    }

  if (root->kind == CONDUIT_VALUE_ARRAY)
    self->items = root;
  else
    {
      self->items = conduit_arena_alloc (self->document_arena, sizeof (ConduitValue));
      self->items->kind = CONDUIT_VALUE_ARRAY;
      self->items->len = 1;
      self->items->items = conduit_arena_alloc (self->document_arena, sizeof (ConduitValue *));
      self->items->items[0] = root;
    }
  return TRUE;
}

static gboolean
next_json (ConduitRecordReader  *self,
           ConduitValue        **record,
           GError              **error)
{
  if (self->items == NULL && !load_document (self, error))
    return FALSE;
  if (self->next_item >= self->items->len)
    return FALSE;
  *record = self->items->items[self->next_item++];
  self->position = self->next_item;
  if ((*record)->kind != CONDUIT_VALUE_OBJECT)
    {
      g_string_assign (self->raw, "");
      conduit_value_write_json (self->raw, *record);
      g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                   _("item %" PRIu64 " is %s, not a record (a JSON object {…})"),
                   self->position, value_kind_name (*record));
      *record = NULL;
      return FALSE;
    }
  return TRUE;
}

/* ---- CSV ------------------------------------------------------------------------------ */

/* The names of the columns, for CSV and XLSX alike. */
static void
set_header (ConduitRecordReader *self,
            const char * const  *fields,
            const gsize         *lengths,
            guint                n_fields)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  /* a repeated name → the next suffix to try, so that n repeats are not n² tries */
  g_autoptr(GHashTable) next_suffix = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  self->header = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_fields; i++)
    {
      char *name = g_strstrip (g_strndup (fields[i], lengths[i]));

      /* Spreadsheets pad headers ("Email "), and a user types "Email": the name is trimmed,
       * and said so, since the same key in NDJSON keeps its spaces. */
      if (strlen (name) != lengths[i] && *name != '\0')
        add_warning (self, _("row 1, column %u: the header “%.*s” has spaces around it; the field "
                             "is called “%s”"), i + 1, (int)lengths[i], fields[i], name);

      /* an unnamed or repeated column still gets a name of its own, so no value is lost */
      if (*name == '\0')
        {
          g_free (name);
          name = g_strdup_printf ("column_%u", i + 1);
        }
      if (g_hash_table_contains (seen, name))
        {
          char *base = name;
          guint k = GPOINTER_TO_UINT (g_hash_table_lookup (next_suffix, base));

          for (k = MAX (k, 2);; k++)
            {
              name = g_strdup_printf ("%s_%u", base, k);
              if (!g_hash_table_contains (seen, name))
                break;
              g_free (name);
            }
          g_hash_table_insert (next_suffix, base, GUINT_TO_POINTER (k + 1));
        }
      g_ptr_array_add (self->header, name);
      g_hash_table_add (seen, name);
    }
}

static gboolean
read_header (ConduitRecordReader  *self,
             GError              **error)
{
  const char *const *fields;
  const gsize *lengths;
  guint n_fields;

  self->csv = conduit_csv_reader_new (self->stream, self->csv_delimiter);
  if (!conduit_csv_reader_next_row (self->csv, &fields, &lengths, &n_fields, error))
    return FALSE;
  self->position = 1;

  set_header (self, fields, lengths, n_fields);
  self->header_lengths = g_new (guint, self->header->len);
  for (guint i = 0; i < self->header->len; i++)
    self->header_lengths[i] = strlen (g_ptr_array_index (self->header, i));
  self->csv_row_delimiter = conduit_csv_reader_get_delimiter (self->csv);
  return TRUE;
}

/* The first half of a CSV record: the header is read first, then a row's text. */
static gboolean
next_csv_text (ConduitRecordReader  *self,
               const char          **text,
               gsize                *length,
               GError              **error)
{
  GError *local_error = NULL;

  if (self->csv == NULL)
    {
      if (!read_header (self, &local_error))
        {
          if (local_error != NULL)
            {
              g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
                           "%s", local_error->message);
              g_error_free (local_error);
            }
          return FALSE;
        }
    }
  /* after a header that could not be read, the input has ended */
  if (self->header == NULL)
    return FALSE;

  if (!conduit_csv_reader_next_record (self->csv, text, length, &local_error))
    {
      if (local_error != NULL)
        {
          g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
                       "%s", local_error->message);
          g_error_free (local_error);
        }
      return FALSE;
    }
  self->position = conduit_csv_reader_get_row_number (self->csv);
  return TRUE;
}

/* A row that is not a record: not text, or more fields than the header names. It keeps its
 * fields, joined by the delimiter, for the rejected output; the first field that is not text
 * is named first, wherever it is. */
static gboolean
refuse_row (ConduitRecordReader  *self,
            ConduitArena         *arena,
            const char           *text,
            gsize                 length,
            guint64               position,
            const char          **raw,
            gsize                *raw_length,
            GError              **error)
{
  char delimiter = self->csv_row_delimiter;
  guint n = conduit_csv_split_row (text, length, delimiter, NULL, 0);
  g_autofree ConduitCsvSpan *spans = g_new (ConduitCsvSpan, n);
  g_autoptr(GString) joined = g_string_new (NULL);
  guint bad_column = 0;

  conduit_csv_split_row (text, length, delimiter, spans, n);
  for (guint i = 0; i < n; i++)
    {
      gsize start;

      if (i > 0)
        g_string_append_c (joined, delimiter);
      start = joined->len;
      g_string_set_size (joined, start + spans[i].length);
      if (spans[i].escaped)
        g_string_truncate (joined, start + conduit_csv_unescape (joined->str + start,
                                                                 text + spans[i].start,
                                                                 spans[i].length));
      else
        memcpy (joined->str + start, text + spans[i].start, spans[i].length);
      if (bad_column == 0 && !g_utf8_validate (joined->str + start, joined->len - start, NULL))
        bad_column = i + 1;
    }
  *raw = conduit_arena_strndup (arena, joined->str, joined->len);
  *raw_length = joined->len;

  if (bad_column > 0)
    g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                 _("row %" PRIu64 ", column %u: this file is not UTF-8 text; "
                   "save it as UTF-8 (CSV UTF-8 in spreadsheet apps)"), position, bad_column);
  else
    g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                 _("row %" PRIu64 " has %u fields but the header names %u"),
                 position, n, self->header->len);
  return FALSE;
}

/**
 * conduit_record_reader_parse_row:
 * @self: a reader of CSV whose header is read
 * @arena: where the record is made
 * @text: a row's text that conduit_record_reader_next_line() gave, which must outlive the
 *   record (its fields point into it)
 * @length: its length
 * @position: its row number, for the message
 * @record: (out): the record
 * @raw: (out): for a row that is not a record, its fields joined by the delimiter, in @arena
 * @raw_length: (out): the length of @raw
 * @error: %CONDUIT_RECORD_READER_ERROR_RECORD when the row is not text or has more fields
 *   than the header
 *
 * The second half of reading a CSV record. It reads only what the header made of @self, so
 * mapping threads call it while the reading thread goes on.
 *
 * Returns: %TRUE for a record
 */
gboolean
conduit_record_reader_parse_row (ConduitRecordReader  *self,
                                 ConduitArena         *arena,
                                 const char           *text,
                                 gsize                 length,
                                 guint64               position,
                                 ConduitValue        **record,
                                 const char          **raw,
                                 gsize                *raw_length,
                                 GError              **error)
{
  guint n_header = self->header->len;
  /* the object, its members and their values in one piece; one span more than the header
   * tells a row with too many fields */
  gsize size = sizeof (ConduitValue) + (sizeof (ConduitMember) + sizeof (ConduitValue) +
                                        sizeof (ConduitCsvSpan)) * n_header +
               sizeof (ConduitCsvSpan);
  ConduitValue *object = conduit_arena_alloc (arena, size);
  ConduitMember *members = (ConduitMember *)(object + 1);
  ConduitValue *values = (ConduitValue *)(members + n_header);
  ConduitCsvSpan *spans = (ConduitCsvSpan *)(values + n_header);

  const char *const *names = (const char *const *)self->header->pdata;
  const guint *name_lengths = self->header_lengths;
  gsize *ends = (gsize *)(gpointer)spans;   /* the spans' room holds the delimiters instead */
  guint n, bad_column = 0;
  gboolean plain;

  /* the commonest row, without a quote: its fields are the bytes between its delimiters,
   * found in one pass that also tells whether it is plain ASCII */
  if (G_LIKELY (conduit_csv_find_delimiters (text, length, self->csv_row_delimiter, ends,
                                             n_header, &n, &plain)))
    {
      gsize start = 0;

      n++;
      if (G_UNLIKELY (n > n_header))
        {
          *record = NULL;
          return refuse_row (self, arena, text, length, position, raw, raw_length, error);
        }
      ends[n - 1] = length;
      /* pointers walked to an end computed once: n's address was taken, and each store
       * could change it as far as the compiler knows */
      for (ConduitValue *value = values, *last = values + n; value < last; value++)
        {
          gsize i = value - values;
          gsize end = ends[i];
          ConduitValue field = { CONDUIT_VALUE_STRING, end - start, { .string = text + start } };
          ConduitMember member = { names[i], name_lengths[i], value };

          *value = field;
          members[i] = member;
          start = end + 1;
        }
    }
  else
    {
      n = conduit_csv_split_row (text, length, self->csv_row_delimiter, spans, n_header + 1);
      /* locals, not self's arrays: the stores below could alias them as far as the compiler
       * knows, and this runs for every field */
      for (guint i = 0; i < MIN (n, n_header); i++)
        {
          const char *field = text + spans[i].start;
          gsize field_length = spans[i].length;

          if (G_UNLIKELY (spans[i].escaped))
            {
              char *copy = conduit_arena_alloc (arena, field_length);

              field_length = conduit_csv_unescape (copy, field, field_length);
              field = copy;
            }
          values[i].kind = CONDUIT_VALUE_STRING;
          values[i].len = field_length;
          values[i].string = field;
          members[i].key = names[i];
          members[i].key_len = name_lengths[i];
          members[i].value = &values[i];
        }
      plain = conduit_csv_is_plain (text, length);
    }

  /* A Latin-1 export would otherwise put bytes that are not text into every record. As with
   * a line of NDJSON that is not text, only this row is refused. */
  if (G_UNLIKELY (!plain))
    for (guint i = 0; i < MIN (n, n_header) && bad_column == 0; i++)
      if (!g_utf8_validate (values[i].string, values[i].len, NULL))
        bad_column = i + 1;

  if (G_UNLIKELY (bad_column > 0 || n > n_header))
    {
      *record = NULL;
      return refuse_row (self, arena, text, length, position, raw, raw_length, error);
    }

  object->kind = CONDUIT_VALUE_OBJECT;
  object->len = n;
  object->members = members;
  *record = object;
  return TRUE;
}

static gboolean
next_csv (ConduitRecordReader  *self,
          ConduitArena         *arena,
          ConduitValue        **record,
          GError              **error)
{
  const char *text, *raw;
  gsize length, raw_length;

  if (!next_csv_text (self, &text, &length, error))
    return FALSE;
  if (conduit_record_reader_parse_row (self, arena, text, length, self->position, record, &raw,
                                       &raw_length, error))
    return TRUE;
  g_string_assign (self->raw, "");
  g_string_append_len (self->raw, raw, raw_length);
  return FALSE;
}

#ifndef CONDUIT_RECORD_READER_TEXT_ONLY

/* ---- XLSX ----------------------------------------------------------------------------- */

static void
xlsx_raw (ConduitRecordReader   *self,
          const ConduitXlsxCell *cells,
          guint                  n_cells)
{
  g_string_assign (self->raw, "");
  for (guint i = 0; i < n_cells; i++)
    {
      if (i > 0)
        g_string_append_c (self->raw, '\t');
      g_string_append_len (self->raw, cells[i].text, cells[i].length);
    }
}

static ConduitValue *
xlsx_value (ConduitArena          *arena,
            const ConduitXlsxCell *cell)
{
  switch (cell->kind)
    {
    case CONDUIT_XLSX_CELL_NUMBER:
      /* whole numbers are integers, as the same value typed in JSON would be */
      if (cell->number == floor (cell->number) && fabs (cell->number) < 9007199254740992.0)
        return conduit_value_new_integer (arena, (gint64)cell->number);
      return conduit_value_new_double (arena, cell->number);
    case CONDUIT_XLSX_CELL_BOOLEAN:
      return conduit_value_new_boolean (cell->number != 0);
    case CONDUIT_XLSX_CELL_STRING:
    case CONDUIT_XLSX_CELL_DATE:
    case CONDUIT_XLSX_CELL_ERROR:
      return conduit_value_new_string (arena, cell->text, cell->length);
    case CONDUIT_XLSX_CELL_EMPTY:
    default:
      return (ConduitValue *)&conduit_value_explicit_null;
    }
}

static gboolean
next_xlsx (ConduitRecordReader  *self,
           ConduitArena         *arena,
           ConduitValue        **record,
           GError              **error)
{
  const ConduitXlsxCell *cells;
  guint n_cells;
  GError *local_error = NULL;
  ConduitValue *object;

  if (self->xlsx == NULL)
    {
      self->xlsx = conduit_xlsx_reader_new (self->stream, self->sheet, &local_error);
      if (self->xlsx == NULL)
        {
          g_set_error_literal (error, CONDUIT_RECORD_READER_ERROR,
                               CONDUIT_RECORD_READER_ERROR_FAILED, local_error->message);
          g_error_free (local_error);
          return FALSE;
        }
    }

  for (;;)
    {
      gboolean empty = TRUE;

      if (!conduit_xlsx_reader_next_row (self->xlsx, &cells, &n_cells, &local_error))
        {
          if (local_error != NULL)
            {
              g_set_error_literal (error, CONDUIT_RECORD_READER_ERROR,
                                   CONDUIT_RECORD_READER_ERROR_FAILED, local_error->message);
              g_error_free (local_error);
            }
          return FALSE;
        }
      self->position = conduit_xlsx_reader_get_row_number (self->xlsx);
      if (self->header == NULL && self->header_row > 0)
        {
          if (self->position < self->header_row)
            continue;
          if (self->position > self->header_row)
            {
              g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
                           _("row %u of the sheet is empty; it cannot name the columns"),
                           self->header_row);
              return FALSE;
            }
        }
      for (guint i = 0; i < n_cells && empty; i++)
        empty = cells[i].kind == CONDUIT_XLSX_CELL_EMPTY;
      if (empty && !(self->header == NULL && self->header_row > 0))
        continue;

      /* the header row, or the first row with a value, names the columns */
      if (self->header == NULL)
        {
          g_autofree const char **texts = g_new0 (const char *, n_cells + 1);
          g_autofree gsize *lengths = g_new0 (gsize, n_cells + 1);

          for (guint i = 0; i < n_cells; i++)
            {
              texts[i] = cells[i].text;
              lengths[i] = cells[i].length;
            }
          set_header (self, texts, lengths, n_cells);
          continue;
        }
      break;
    }

  for (guint i = self->header->len; i < n_cells; i++)
    if (cells[i].kind != CONDUIT_XLSX_CELL_EMPTY)
      {
        xlsx_raw (self, cells, n_cells);
        g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                     _("row %" PRIu64 " has a value in column %u, but the header row "
                       "names %u columns"), self->position, i + 1, self->header->len);
        return FALSE;
      }

  /* every column of the header, so that an empty cell keeps its place as null */
  object = conduit_arena_alloc (arena, sizeof (ConduitValue));
  object->kind = CONDUIT_VALUE_OBJECT;
  object->len = self->header->len;
  object->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (self->header->len, 1));
  for (guint i = 0; i < self->header->len; i++)
    {
      const char *key = g_ptr_array_index (self->header, i);
      static const ConduitXlsxCell empty = { CONDUIT_XLSX_CELL_EMPTY, "", 0, 0 };

      object->members[i].key = key;
      object->members[i].key_len = strlen (key);
      object->members[i].value = xlsx_value (arena, i < n_cells ? &cells[i] : &empty);
    }
  *record = object;
  return TRUE;
}

/* ---- XML ------------------------------------------------------------------------------ */

static gboolean
next_xml (ConduitRecordReader  *self,
          ConduitArena         *arena,
          ConduitValue        **record,
          GError              **error)
{
  GError *local_error = NULL;

  if (self->xml == NULL)
    self->xml = conduit_xml_reader_new (self->stream, self->xml_path);
  if (conduit_xml_reader_next (self->xml, arena, record, &local_error))
    {
      self->position = conduit_xml_reader_get_position (self->xml);
      return TRUE;
    }
  self->position = conduit_xml_reader_get_position (self->xml);
  if (local_error == NULL)
    return FALSE;
  g_string_assign (self->raw, "");
  if (g_error_matches (local_error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_RECORD))
    g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                 _("record %" PRIu64 ", %s"), self->position, local_error->message);
  else
    g_set_error_literal (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
                         local_error->message);
  g_error_free (local_error);
  return FALSE;
}

#else /* CONDUIT_RECORD_READER_TEXT_ONLY */

/* conduit-cli's front (src/cli/conduit-cli-front.c) is built with the text formats alone, so
 * that `conduit-cli map` starts without libzip, libxml2 and what they load (ICU, libcrypto,
 * libstdc++); it hands spreadsheets and XML to the full program before it reads. */
static gboolean
next_unsupported (ConduitRecordReader  *self,
                  GError              **error)
{
  g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED,
               _("this program reads NDJSON, JSON and CSV; %s is read by the full program, "
                 "conduit-cli-full"),
               self->format == CONDUIT_RECORD_FORMAT_XLSX ? "XLSX" : "XML");
  return FALSE;
}

#define next_xlsx(self, arena, record, error) next_unsupported (self, error)
#define next_xml(self, arena, record, error) next_unsupported (self, error)

#endif /* CONDUIT_RECORD_READER_TEXT_ONLY */

/**
 * conduit_record_reader_decide_format:
 * @self: a reader
 * @error: the input could not be read
 *
 * Reads the input's start when its format is to be guessed.
 *
 * Returns: the format, or %CONDUIT_RECORD_FORMAT_AUTO with @error
 */
ConduitRecordFormat
conduit_record_reader_decide_format (ConduitRecordReader  *self,
                                     GError              **error)
{
  if (!self->format_known && !decide_format (self, error))
    return CONDUIT_RECORD_FORMAT_AUTO;
  return self->format;
}

gboolean
conduit_record_reader_next_value (ConduitRecordReader  *self,
                                  ConduitArena         *arena,
                                  ConduitValue        **record,
                                  GError              **error)
{
  if (!self->format_known && !decide_format (self, error))
    return FALSE;

  switch (self->format)
    {
    case CONDUIT_RECORD_FORMAT_NDJSON:
      return next_ndjson (self, arena, record, error);
    case CONDUIT_RECORD_FORMAT_JSON:
      return next_json (self, record, error);
    case CONDUIT_RECORD_FORMAT_CSV:
      return next_csv (self, arena, record, error);
    case CONDUIT_RECORD_FORMAT_XLSX:
      return next_xlsx (self, arena, record, error);
    case CONDUIT_RECORD_FORMAT_XML:
      return next_xml (self, arena, record, error);
    case CONDUIT_RECORD_FORMAT_AUTO:
    default:
      g_assert_not_reached ();
    }
}

/**
 * conduit_record_reader_next:
 * @self: a reader
 * @error: %CONDUIT_RECORD_READER_ERROR_RECORD for a bad record (call again for the next
 *   one; conduit_record_reader_get_raw() has its text), other errors end the input
 *
 * Returns: (transfer full) (nullable): the next record, or %NULL at the end or on error
 */
JsonNode *
conduit_record_reader_next (ConduitRecordReader  *self,
                            GError              **error)
{
  ConduitValue *record = NULL;

  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->arena == NULL)
    self->arena = conduit_arena_new ();
  conduit_arena_reset (self->arena);
  if (!conduit_record_reader_next_value (self, self->arena, &record, error))
    return NULL;

  /* JSON-GLib's nodes hold C strings: a U+0000 ("\u0000") would cut the text short there.
   * The streaming mapping carries it; a step's item cannot, so the record is refused by itself
   * rather than passed on shortened. */
  if (conduit_value_holds_nul (record))
    {
      g_set_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD,
                   _("a text or a field name in this record holds the character U+0000 "
                     "(\\u0000), which a step cannot carry"));
      return NULL;
    }

  return conduit_value_to_json_node (record);
}

/**
 * conduit_record_reader_get_warnings:
 * @self: a reader
 * @n_warnings: (out) (optional): how many there were in all; only the first 20 are kept
 *
 * What was read differently from how it was written, without refusing a record: a CSV
 * header name with spaces around it (trimmed), a JSON key given twice in an object (the last
 * value is used). The preview and conduit-cli map show them.
 *
 * Returns: (transfer none) (element-type utf8) (nullable): the warnings so far, or %NULL
 */
GPtrArray *
conduit_record_reader_get_warnings (ConduitRecordReader *self,
                                    guint64             *n_warnings)
{
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (self), NULL);

  if (n_warnings != NULL)
    *n_warnings = self->n_warnings;
  return self->warnings;
}
