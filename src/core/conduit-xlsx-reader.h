/* conduit-xlsx-reader.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Streams the rows of one sheet of an Excel workbook (XLSX, Office Open XML) with typed cells:
 * the zip is read by libzip and the XML by libxml2's streaming reader, so the sheet is never
 * held whole in memory (the shared strings and the styles are). */

#define CONDUIT_XLSX_READER_ERROR (conduit_xlsx_reader_error_quark ())

typedef enum
{
  CONDUIT_XLSX_READER_ERROR_FAILED,
  CONDUIT_XLSX_READER_ERROR_NOT_XLSX,      /* not a zip, or a zip without a workbook */
  CONDUIT_XLSX_READER_ERROR_NO_SHEET,      /* the sheet asked for is not in the workbook */
  CONDUIT_XLSX_READER_ERROR_TOO_LARGE,     /* a zip bomb: a part inflates past the limits */
  CONDUIT_XLSX_READER_ERROR_MALFORMED,     /* a part is not the XML it should be */
} ConduitXlsxReaderError;

typedef enum
{
  CONDUIT_XLSX_CELL_EMPTY,
  CONDUIT_XLSX_CELL_STRING,
  CONDUIT_XLSX_CELL_NUMBER,
  CONDUIT_XLSX_CELL_BOOLEAN,
  CONDUIT_XLSX_CELL_DATE,      /* text holds the ISO 8601 date, date-time or time */
  CONDUIT_XLSX_CELL_ERROR,     /* text holds the error, e.g. "#DIV/0!" */
} ConduitXlsxCellKind;

typedef struct
{
  ConduitXlsxCellKind  kind;
  const char          *text;     /* UTF-8, for every kind but EMPTY */
  gsize                length;
  double               number;   /* NUMBER; BOOLEAN is 0 or 1 */
} ConduitXlsxCell;

typedef struct _ConduitXlsxReader ConduitXlsxReader;

GQuark             conduit_xlsx_reader_error_quark    (void);
ConduitXlsxReader *conduit_xlsx_reader_new            (GInputStream       *stream,
                                                       const char         *sheet,
                                                       GError            **error);
void               conduit_xlsx_reader_free           (ConduitXlsxReader  *self);
gboolean           conduit_xlsx_reader_next_row       (ConduitXlsxReader  *self,
                                                       const ConduitXlsxCell **cells,
                                                       guint              *n_cells,
                                                       GError            **error);
guint64            conduit_xlsx_reader_get_row_number (ConduitXlsxReader  *self);
const char        *conduit_xlsx_reader_get_sheet_name (ConduitXlsxReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitXlsxReader, conduit_xlsx_reader_free)

G_END_DECLS
