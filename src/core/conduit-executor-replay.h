/* conduit-executor-replay.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"
#include "conduit-flow.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_REPLAY (conduit_executor_replay_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorReplay, conduit_executor_replay, CONDUIT, EXECUTOR_REPLAY,
                      GObject)

gboolean conduit_connector_is_edge        (ConduitConnector   *connector);
void     conduit_executor_replay_install  (ConduitRunner      *runner,
                                           ConduitFlow        *flow,
                                           const char         *trigger_node,
                                           JsonNode           *recordings,
                                           const char * const *volatile_fields);
GPtrArray *conduit_executor_replay_get_notes (ConduitRunner   *runner);

G_END_DECLS
