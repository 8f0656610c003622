/* conduit-clock.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONDUIT_TYPE_CLOCK (conduit_clock_get_type ())

G_DECLARE_FINAL_TYPE (ConduitClock, conduit_clock, CONDUIT, CLOCK, GObject)

ConduitClock *conduit_clock_get_system     (void);
ConduitClock *conduit_clock_new_fake       (gint64               wall_us);
gboolean      conduit_clock_is_fake        (ConduitClock        *self);
gint64        conduit_clock_get_wall_us    (ConduitClock        *self);
gint64        conduit_clock_get_monotonic_us (ConduitClock      *self);
void          conduit_clock_advance        (ConduitClock        *self,
                                            gint64               delta_us);
GPtrArray    *conduit_clock_get_sleeps     (ConduitClock        *self);
void          conduit_clock_sleep_async    (ConduitClock        *self,
                                            guint                delay_ms,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean      conduit_clock_sleep_finish   (ConduitClock        *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
