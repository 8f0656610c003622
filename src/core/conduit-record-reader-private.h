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

G_END_DECLS
