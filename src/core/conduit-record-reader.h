/* conduit-record-reader.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Reads records from NDJSON (one JSON value a line), JSON (one object, or an array of them),
 * CSV with a header line, or a sheet of an Excel workbook (XLSX) with a header row. NDJSON and CSV are streamed record by record in bounded memory;
 * JSON is read whole. A record that cannot be read (a line that is not JSON, a CSV row with
 * more fields than the header) is reported on its own, and reading goes on after it. */

#define CONDUIT_RECORD_READER_ERROR (conduit_record_reader_error_quark ())

typedef enum
{
  CONDUIT_RECORD_READER_ERROR_FAILED,   /* the input cannot be read further */
  CONDUIT_RECORD_READER_ERROR_RECORD,   /* this record is bad; the next one can be read */
} ConduitRecordReaderError;

typedef enum
{
  CONDUIT_RECORD_FORMAT_AUTO,
  CONDUIT_RECORD_FORMAT_NDJSON,
  CONDUIT_RECORD_FORMAT_JSON,
  CONDUIT_RECORD_FORMAT_CSV,
  CONDUIT_RECORD_FORMAT_XLSX,
  CONDUIT_RECORD_FORMAT_XML,
} ConduitRecordFormat;

#define CONDUIT_TYPE_RECORD_READER (conduit_record_reader_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRecordReader, conduit_record_reader, CONDUIT, RECORD_READER, GObject)

GQuark               conduit_record_reader_error_quark      (void);
gboolean             conduit_record_format_from_name        (const char          *name,
                                                             ConduitRecordFormat *format);
ConduitRecordFormat  conduit_record_format_guess            (const char          *filename);
ConduitRecordFormat  conduit_record_reader_decide_format    (ConduitRecordReader *self,
                                                             GError             **error);
ConduitRecordReader *conduit_record_reader_new              (GInputStream        *stream,
                                                             ConduitRecordFormat  format);
void                 conduit_record_reader_set_csv_delimiter (ConduitRecordReader *self,
                                                             char                 delimiter);
void                 conduit_record_reader_set_xml_path     (ConduitRecordReader *self,
                                                             const char          *path);
void                 conduit_record_reader_set_header_row   (ConduitRecordReader *self,
                                                             guint                row);
void                 conduit_record_reader_set_sheet        (ConduitRecordReader *self,
                                                             const char          *sheet);
ConduitRecordFormat  conduit_record_reader_get_format       (ConduitRecordReader *self);
JsonNode            *conduit_record_reader_next             (ConduitRecordReader *self,
                                                             GError             **error);
guint64              conduit_record_reader_get_position     (ConduitRecordReader *self);
const char          *conduit_record_reader_get_raw          (ConduitRecordReader *self,
                                                             gsize               *length);
GPtrArray           *conduit_record_reader_get_warnings     (ConduitRecordReader *self,
                                                             guint64             *n_warnings);

G_END_DECLS
