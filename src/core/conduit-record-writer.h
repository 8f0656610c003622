/* conduit-record-writer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-record-reader.h"

G_BEGIN_DECLS

/* Writes records as NDJSON, JSON (an array of objects), CSV (a header line, then one line a
 * record, quoted by libcsv), an Excel sheet (libxlsxwriter) or XML (libxml2's xmlTextWriter),
 * streamed record by record. The one writer of records: the Write
 * File step, the history's list export and the CLI use it. */

#define CONDUIT_RECORD_WRITER_ERROR (conduit_record_writer_error_quark ())

typedef enum
{
  CONDUIT_RECORD_WRITER_ERROR_FAILED,   /* the output cannot be written */
  CONDUIT_RECORD_WRITER_ERROR_RECORD,   /* this record cannot be written in this format */
} ConduitRecordWriterError;

#define CONDUIT_TYPE_RECORD_WRITER (conduit_record_writer_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRecordWriter, conduit_record_writer, CONDUIT, RECORD_WRITER, GObject)

GQuark               conduit_record_writer_error_quark       (void);
ConduitRecordWriter *conduit_record_writer_new               (GOutputStream        *stream,
                                                              ConduitRecordFormat   format);
void                 conduit_record_writer_set_columns       (ConduitRecordWriter  *self,
                                                              const char * const   *columns);
void                 conduit_record_writer_set_xml_path      (ConduitRecordWriter  *self,
                                                              const char           *path);
gboolean             conduit_record_writer_set_xml_template  (ConduitRecordWriter  *self,
                                                              const char           *template_xml,
                                                              GError              **error);
void                 conduit_record_writer_set_csv_delimiter (ConduitRecordWriter  *self,
                                                              char                  delimiter);
gboolean             conduit_record_writer_write             (ConduitRecordWriter  *self,
                                                              JsonNode             *record,
                                                              GError              **error);
gboolean             conduit_record_writer_write_row         (ConduitRecordWriter  *self,
                                                              const char * const   *fields,
                                                              guint                 n_fields,
                                                              GError              **error);
gboolean             conduit_record_writer_finish            (ConduitRecordWriter  *self,
                                                              GError              **error);
GStrv                conduit_record_columns_of               (GPtrArray            *records);

G_END_DECLS
