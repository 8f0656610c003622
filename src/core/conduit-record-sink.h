/* conduit-record-sink.h
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

typedef struct _ConduitRecordSink ConduitRecordSink;

ConduitRecordSink *conduit_record_sink_open   (const char           *path,
                                               ConduitRecordFormat   format,
                                               const char           *xml_path,
                                               const char           *xml_template,
                                               gboolean              append,
                                               GError              **error);
gboolean           conduit_record_sink_write  (ConduitRecordSink    *self,
                                               GPtrArray            *records,
                                               GError              **error);
gboolean           conduit_record_sink_commit (ConduitRecordSink    *self,
                                               GError              **error);
void               conduit_record_sink_free   (ConduitRecordSink    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitRecordSink, conduit_record_sink_free)

G_END_DECLS
