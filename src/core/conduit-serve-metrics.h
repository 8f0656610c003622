/* conduit-serve-metrics.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-history-store.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_SERVE_METRICS (conduit_serve_metrics_get_type ())

G_DECLARE_FINAL_TYPE (ConduitServeMetrics, conduit_serve_metrics, CONDUIT, SERVE_METRICS, GObject)

ConduitServeMetrics *conduit_serve_metrics_new              (void);
void                 conduit_serve_metrics_add_flow         (ConduitServeMetrics *self,
                                                             const char          *flow);
void                 conduit_serve_metrics_watch_runner     (ConduitServeMetrics *self,
                                                             ConduitRunner       *runner);
void                 conduit_serve_metrics_run_started      (ConduitServeMetrics *self,
                                                             const char          *flow);
void                 conduit_serve_metrics_run_finished     (ConduitServeMetrics *self,
                                                             const char          *flow,
                                                             ConduitRunStatus     status);
void                 conduit_serve_metrics_event_refused    (ConduitServeMetrics *self,
                                                             const char          *flow);
void                 conduit_serve_metrics_add_queued       (ConduitServeMetrics *self,
                                                             gint                 delta);
void                 conduit_serve_metrics_set_unready      (ConduitServeMetrics *self,
                                                             const char          *reason);
char                *conduit_serve_metrics_dup_unready      (ConduitServeMetrics *self);
char                *conduit_serve_metrics_dup_text         (ConduitServeMetrics *self);

G_END_DECLS
