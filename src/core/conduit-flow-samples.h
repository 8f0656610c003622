/* conduit-flow-samples.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-flow.h"
#include "conduit-run.h"

G_BEGIN_DECLS

/**
 * ConduitSampleOrigin:
 * @CONDUIT_SAMPLE_ORIGIN_NONE: nothing is known of the step's items
 * @CONDUIT_SAMPLE_ORIGIN_OWN: the step's own sample records (pasted, kept with the flow)
 * @CONDUIT_SAMPLE_ORIGIN_LAST_RUN: what reached the step in the last test run
 * @CONDUIT_SAMPLE_ORIGIN_UPSTREAM: the sample items of a step upstream (a trigger's), carried
 *   through the steps between (Map Fields applied, filters and the like passed)
 *
 * Where the sample items of a step's input came from.
 */
typedef enum
{
  CONDUIT_SAMPLE_ORIGIN_NONE,
  CONDUIT_SAMPLE_ORIGIN_OWN,
  CONDUIT_SAMPLE_ORIGIN_LAST_RUN,
  CONDUIT_SAMPLE_ORIGIN_UPSTREAM,
} ConduitSampleOrigin;

ConduitNode *conduit_flow_find_upstream_samples (ConduitFlow *flow,
                                                 ConduitNode *node,
                                                 guint        max_records,
                                                 GPtrArray   *records);

JsonNode    *conduit_pinned_data_from_text      (ConduitConnector *connector,
                                                 const char       *text,
                                                 GError          **error);
ConduitSampleOrigin conduit_flow_collect_input_samples (ConduitFlow  *flow,
                                                        ConduitNode  *node,
                                                        ConduitRun   *run,
                                                        guint         max_records,
                                                        GPtrArray    *records,
                                                        ConduitNode **origin);

G_END_DECLS
