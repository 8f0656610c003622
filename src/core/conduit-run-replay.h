/* conduit-run-replay.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-history-store.h"

G_BEGIN_DECLS

/* What became of one trigger item's requests to the outside, read from its attempts. */
typedef enum
{
  CONDUIT_SEND_STATE_NOT_SENT,   /* no request of it left */
  CONDUIT_SEND_STATE_UNKNOWN,    /* a request left and its answer never came (or was late) */
  CONDUIT_SEND_STATE_ANSWERED,   /* every request that left got its answer */
} ConduitSendState;

/* Which items of a run a re-run sends again. */
typedef enum
{
  CONDUIT_REPLAY_ALL,
  CONDUIT_REPLAY_FAILED,         /* failed or rejected at some step */
  CONDUIT_REPLAY_UNSENT,         /* no request of the item left: safe to send again */
} ConduitReplayChoice;

const char *conduit_send_state_to_string   (ConduitSendState      state);
GArray     *conduit_run_replay_send_states (ConduitHistoryStore  *store,
                                            gint64                run_id,
                                            guint                 n_items,
                                            GError              **error);
GPtrArray  *conduit_run_replay_select      (ConduitHistoryStore  *store,
                                            gint64                run_id,
                                            ConduitReplayChoice   choice,
                                            ConduitRunRecord    **run_out,
                                            GError              **error);
GPtrArray *conduit_run_replay_items (ConduitHistoryStore  *store,
                                     gint64                run_id,
                                     gboolean              failed_only,
                                     ConduitRunRecord    **run_out,
                                     GError              **error);

G_END_DECLS
