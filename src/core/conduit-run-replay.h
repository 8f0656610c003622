/* conduit-run-replay.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-history-store.h"

G_BEGIN_DECLS

GPtrArray *conduit_run_replay_items (ConduitHistoryStore  *store,
                                     gint64                run_id,
                                     gboolean              failed_only,
                                     ConduitRunRecord    **run_out,
                                     GError              **error);

G_END_DECLS
