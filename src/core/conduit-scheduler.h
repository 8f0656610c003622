/* conduit-scheduler.h
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

#define CONDUIT_SCHEDULER_ERROR (conduit_scheduler_error_quark ())

typedef enum
{
  CONDUIT_SCHEDULER_ERROR_FAILED,
  CONDUIT_SCHEDULER_ERROR_NO_TRIGGER,
  CONDUIT_SCHEDULER_ERROR_INVALID,
} ConduitSchedulerError;

#define CONDUIT_TYPE_SCHEDULER (conduit_scheduler_get_type ())

G_DECLARE_FINAL_TYPE (ConduitScheduler, conduit_scheduler, CONDUIT, SCHEDULER, GObject)

GQuark            conduit_scheduler_error_quark  (void);
gboolean          conduit_schedule_next_fire     (const char        *mode,
                                                  gint64             every_minutes,
                                                  const char        *time,
                                                  const char        *weekday,
                                                  GDateTime         *now,
                                                  GDateTime        **next,
                                                  GError           **error);
gboolean          conduit_schedule_next_fire_seconds (const char    *mode,
                                                      gint64         every_seconds,
                                                      const char    *time,
                                                      const char    *weekday,
                                                      GDateTime     *now,
                                                      GDateTime    **next,
                                                      GError       **error);
ConduitScheduler *conduit_scheduler_new          (ConduitRunner     *runner);
gboolean          conduit_scheduler_add_flow     (ConduitScheduler  *self,
                                                  ConduitFlow       *flow,
                                                  const char        *trigger_id,
                                                  GError           **error);
gint64            conduit_scheduler_get_next_us  (ConduitScheduler  *self,
                                                  ConduitFlow       *flow);
gint64            conduit_scheduler_get_poll_seconds (ConduitConnectorRegistry *registry,
                                                      ConduitNode              *node);
guint             conduit_scheduler_add_poll_triggers (ConduitScheduler *self,
                                                       ConduitFlow      *flow);
void              conduit_scheduler_set_queue    (ConduitScheduler  *self,
                                                  ConduitQueue      *queue);
void              conduit_scheduler_stop         (ConduitScheduler  *self);
void              conduit_scheduler_interrupt_runs (ConduitScheduler *self);
guint             conduit_scheduler_get_n_active (ConduitScheduler  *self);

G_END_DECLS
