/* conduit-flow-samples.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-flow.h"

G_BEGIN_DECLS

ConduitNode *conduit_flow_find_upstream_samples (ConduitFlow *flow,
                                                 ConduitNode *node,
                                                 guint        max_records,
                                                 GPtrArray   *records);

JsonNode    *conduit_pinned_data_from_text      (ConduitConnector *connector,
                                                 const char       *text,
                                                 GError          **error);

G_END_DECLS
