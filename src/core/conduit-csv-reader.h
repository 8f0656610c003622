/* conduit-csv-reader.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Streams the rows of a CSV file (RFC 4180: quoted fields with delimiters, newlines and
 * doubled quotes inside; CRLF or LF; a UTF-8 byte order mark; "," ";" or tab delimiters)
 * in bounded memory. A row can be read whole (conduit_csv_reader_next_row()) or in two
 * halves: its text here (conduit_csv_reader_next_record()), its fields anywhere
 * (conduit_csv_split_row()). */

#define CONDUIT_CSV_READER_ERROR (conduit_csv_reader_error_quark ())

typedef enum
{
  CONDUIT_CSV_READER_ERROR_FAILED,
  CONDUIT_CSV_READER_ERROR_MALFORMED,   /* e.g. a quote never closed */
  CONDUIT_CSV_READER_ERROR_TOO_LARGE,   /* a row larger than the limit */
  CONDUIT_CSV_READER_ERROR_ENCODING,    /* text that is not UTF-8 */
} ConduitCsvReaderError;

typedef struct _ConduitCsvReader ConduitCsvReader;

/* A field of a row's text; see conduit_csv_split_row(). */
typedef struct
{
  gsize    start;
  gsize    length;
  gboolean escaped;
} ConduitCsvSpan;

GQuark            conduit_csv_reader_error_quark     (void);
ConduitCsvReader *conduit_csv_reader_new             (GInputStream      *stream,
                                                      char               delimiter);
void              conduit_csv_reader_free            (ConduitCsvReader  *self);
gboolean          conduit_csv_reader_next_row        (ConduitCsvReader  *self,
                                                      const char *const **fields,
                                                      const gsize       **lengths,
                                                      guint              *n_fields,
                                                      GError            **error);
gboolean          conduit_csv_reader_next_record     (ConduitCsvReader  *self,
                                                      const char       **text,
                                                      gsize             *length,
                                                      GError           **error);
char              conduit_csv_reader_get_delimiter   (ConduitCsvReader  *self);
guint64           conduit_csv_reader_get_row_number  (ConduitCsvReader  *self);

guint             conduit_csv_split_row              (const char         *text,
                                                      gsize               length,
                                                      char                delimiter,
                                                      ConduitCsvSpan     *spans,
                                                      guint               max_spans);
gboolean          conduit_csv_find_delimiters        (const char         *text,
                                                      gsize               length,
                                                      char                delimiter,
                                                      gsize              *ends,
                                                      guint               max_ends,
                                                      guint              *n_ends,
                                                      gboolean           *plain);
gsize             conduit_csv_unescape               (char               *dest,
                                                      const char         *field,
                                                      gsize               length);
gboolean          conduit_csv_is_plain               (const char         *text,
                                                      gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitCsvReader, conduit_csv_reader_free)

G_END_DECLS
