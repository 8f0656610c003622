/* conduit-executor-http-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor-http.h"
#include "conduit-http-pool.h"

G_BEGIN_DECLS

/* Shared by the HTTP executor's files only. */

/* Called once with the outcome (transfer full), or with @error when the call was cancelled. */
typedef void (*ConduitHttpCallDone) (ConduitHttpOutcome *outcome,
                                     GError             *error,
                                     gpointer            user_data);

void _conduit_http_call_start (ConduitRun          *run,
                               const char          *node_id,
                               guint                item_index,
                               ConduitRetryPolicy  *policy,
                               ConduitHttpRequest  *request,
                               ConduitHttpShard    *shard,
                               GCancellable        *cancellable,
                               ConduitHttpCallDone  done,
                               gpointer             done_data);

G_END_DECLS
