/* conduit-record-reader-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-mapping-value.h"
#include "conduit-record-reader.h"

G_BEGIN_DECLS

/* The streaming path: the record is made in @arena, and its strings may point into the
 * reader's buffer, so it is valid until the next call. */
gboolean conduit_record_reader_next_value (ConduitRecordReader  *self,
                                           ConduitArena         *arena,
                                           ConduitValue        **record,
                                           GError              **error);

/* NDJSON read in two halves, for the mapping stream's threads: the lines here, parsed there. */
gboolean            conduit_record_reader_next_line      (ConduitRecordReader  *self,
                                                          const char          **line,
                                                          gsize                *length,
                                                          GError              **error);
/* Lines held by those who have not parsed them yet, rather than copied for them. */
typedef struct _ConduitLineBuffer ConduitLineBuffer;
void                conduit_record_reader_keep_lines     (ConduitRecordReader  *self);
ConduitLineBuffer  *conduit_record_reader_hold_lines     (ConduitRecordReader  *self);
ConduitLineBuffer  *conduit_record_reader_get_line_buffer (ConduitRecordReader *self);
void                conduit_record_reader_release_lines  (ConduitRecordReader  *self,
                                                          ConduitLineBuffer    *buffer);
gboolean            conduit_record_reader_parse_line     (ConduitJsonReader    *json,
                                                          ConduitArena         *arena,
                                                          const char           *line,
                                                          gsize                 length,
                                                          guint64               position,
                                                          ConduitValue        **record,
                                                          GError              **error);
/* CSV likewise: the rows' text from conduit_record_reader_next_line(), their fields here. */
gboolean            conduit_record_reader_parse_row      (ConduitRecordReader  *self,
                                                          ConduitArena         *arena,
                                                          const char           *text,
                                                          gsize                 length,
                                                          guint64               position,
                                                          ConduitValue        **record,
                                                          const char          **raw,
                                                          gsize                *raw_length,
                                                          GError              **error);
void                conduit_record_reader_warn_duplicate (ConduitRecordReader  *self,
                                                          guint64               position,
                                                          const char           *key,
                                                          gsize                 length);

G_END_DECLS
