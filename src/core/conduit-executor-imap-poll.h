/* conduit-executor-imap-poll.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_IMAP_POLL (conduit_executor_imap_poll_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorImapPoll, conduit_executor_imap_poll, CONDUIT,
                      EXECUTOR_IMAP_POLL, GObject)

G_END_DECLS
