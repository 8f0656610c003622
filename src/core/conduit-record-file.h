/* conduit-record-file.h
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
#include "conduit-record-reader.h"

G_BEGIN_DECLS

/* Whole files of records, on top of ConduitRecordReader and ConduitRecordWriter: what the
 * Read File and Write File steps, the mapping table's sample picker and `conduit-cli run -i`
 * share, so that one file gives the same records everywhere. */

GPtrArray *conduit_records_read        (GInputStream         *stream,
                                        ConduitRecordFormat   format,
                                        char                  delimiter,
                                        const char           *sheet,
                                        guint                 max_records,
                                        GPtrArray            *problems,
                                        GError              **error);
GPtrArray *conduit_records_read_noting (GInputStream         *stream,
                                        ConduitRecordFormat   format,
                                        guint                 max_records,
                                        GPtrArray            *problems,
                                        GPtrArray            *warnings,
                                        GError              **error);
GPtrArray *conduit_records_read_path   (const char           *path,
                                        ConduitRecordFormat   format,
                                        char                  delimiter,
                                        const char           *sheet,
                                        guint                 max_records,
                                        GPtrArray            *problems,
                                        GError              **error);
GPtrArray *conduit_records_read_path_full (const char         *path,
                                          ConduitRecordFormat format,
                                          char                delimiter,
                                          const char         *sheet,
                                          guint               header_row,
                                          guint               max_records,
                                          GPtrArray          *problems,
                                          GError            **error);
gboolean   conduit_records_write_path  (const char           *path,
                                        GPtrArray            *records,
                                        ConduitRecordFormat   format,
                                        const char           *xml_path,
                                        gboolean              append,
                                        GError              **error);
gboolean   conduit_records_write_path_full (const char        *path,
                                            GPtrArray         *records,
                                            ConduitRecordFormat format,
                                            const char        *xml_path,
                                            const char        *xml_template,
                                            gboolean           append,
                                            GError           **error);
gboolean   conduit_records_node_target (ConduitNode          *node,
                                        ConduitConnector     *connector,
                                        char                **path,
                                        ConduitRecordFormat  *format,
                                        GError              **error);
char       conduit_records_delimiter_from_name (const char *name);

G_END_DECLS
