/* conduit-queue-worker.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-flow.h"
#include "conduit-queue.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_QUEUE_WORKER (conduit_queue_worker_get_type ())

G_DECLARE_FINAL_TYPE (ConduitQueueWorker, conduit_queue_worker, CONDUIT, QUEUE_WORKER, GObject)

ConduitQueueWorker *conduit_queue_worker_new             (ConduitQueue        *queue,
                                                          ConduitRunner       *runner);
void                conduit_queue_worker_add_flow        (ConduitQueueWorker  *self,
                                                          ConduitFlow         *flow);
gboolean            conduit_queue_worker_start           (ConduitQueueWorker  *self,
                                                          const ConduitQueueConsumerOptions *options,
                                                          GError             **error);
void                conduit_queue_worker_stop            (ConduitQueueWorker  *self);
guint               conduit_queue_worker_get_n_active    (ConduitQueueWorker  *self);
void                conduit_queue_worker_interrupt_runs  (ConduitQueueWorker  *self);
guint64             conduit_queue_worker_get_n_dead      (ConduitQueueWorker  *self);
guint64             conduit_queue_worker_get_n_already_ran (ConduitQueueWorker *self);

G_END_DECLS
