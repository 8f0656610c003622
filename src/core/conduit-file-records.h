/* conduit-file-records.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-connector.h"
#include "conduit-node.h"

G_BEGIN_DECLS

typedef enum
{
  CONDUIT_FILE_FORMAT_AUTO,
  CONDUIT_FILE_FORMAT_CSV,
  CONDUIT_FILE_FORMAT_JSON,
  CONDUIT_FILE_FORMAT_NDJSON,
} ConduitFileFormat;

ConduitFileFormat  conduit_file_format_from_string (const char         *text);
ConduitFileFormat  conduit_file_format_for_path    (const char         *path,
                                                    ConduitFileFormat   format);
GPtrArray         *conduit_file_records_parse      (const char         *data,
                                                    gsize               length,
                                                    ConduitFileFormat   format,
                                                    char                delimiter,
                                                    const char         *name,
                                                    GError            **error);
char              *conduit_file_records_serialize  (GPtrArray          *records,
                                                    ConduitFileFormat   format,
                                                    gsize              *length);
gboolean           conduit_file_records_write      (const char         *path,
                                                    GPtrArray          *records,
                                                    ConduitFileFormat   format,
                                                    gboolean            append,
                                                    GError            **error);

gboolean           conduit_file_records_node_target (ConduitNode       *node,
                                                     ConduitConnector  *connector,
                                                     char             **path,
                                                     ConduitFileFormat *format,
                                                     GError           **error);

G_END_DECLS
