/* csv-reference.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-csv-reader.h"

G_BEGIN_DECLS

/* The libcsv-based CSV reader the engine had before (csv-reference.c), to compare with. Its
 * errors are in CONDUIT_CSV_READER_ERROR with the same codes and messages. */

typedef struct _CsvReference CsvReference;

CsvReference *csv_reference_new            (GInputStream       *stream,
                                            char                delimiter);
void          csv_reference_free           (CsvReference       *self);
gboolean      csv_reference_next_row       (CsvReference       *self,
                                            const char *const **fields,
                                            const gsize       **lengths,
                                            guint              *n_fields,
                                            GError            **error);
char          csv_reference_get_delimiter  (CsvReference       *self);
guint64       csv_reference_get_row_number (CsvReference       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsvReference, csv_reference_free)

G_END_DECLS
