/* conduit-mapping-stream.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-mapping.h"
#include "conduit-record-reader.h"

G_BEGIN_DECLS

/* What a streamed mapping did, for the one-line summary. */
typedef struct
{
  guint64 records;
  guint64 mapped;
  guint64 rejected;
} ConduitMappingStreamCounts;

gboolean conduit_mapping_stream_run (ConduitMapping             *mapping,
                                     ConduitMapping             *rejected_mapping,
                                     ConduitRecordReader        *reader,
                                     GOutputStream              *output,
                                     GOutputStream              *rejected,
                                     ConduitMappingStreamCounts *counts,
                                     GCancellable               *cancellable,
                                     GError                    **error);
gboolean conduit_mapping_stream_run_threads (ConduitMapping             *mapping,
                                             ConduitMapping             *rejected_mapping,
                                             ConduitRecordReader        *reader,
                                             GOutputStream              *output,
                                             GOutputStream              *rejected,
                                             guint                       n_threads,
                                             ConduitMappingStreamCounts *counts,
                                             GCancellable               *cancellable,
                                             GError                    **error);

G_END_DECLS
