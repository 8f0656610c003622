/* conduit-retry-policy.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CONDUIT_TYPE_RETRY_POLICY (conduit_retry_policy_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRetryPolicy, conduit_retry_policy, CONDUIT, RETRY_POLICY, GObject)

ConduitRetryPolicy *conduit_retry_policy_new                  (guint                max_attempts,
                                                               guint                initial_ms,
                                                               guint                max_ms);
void                conduit_retry_policy_set_seed             (ConduitRetryPolicy  *self,
                                                               guint32              seed);
guint               conduit_retry_policy_get_max_attempts     (ConduitRetryPolicy  *self);
guint               conduit_retry_policy_get_initial_ms       (ConduitRetryPolicy  *self);
guint               conduit_retry_policy_get_max_ms           (ConduitRetryPolicy  *self);
gboolean            conduit_retry_policy_is_retryable_status  (guint                status);
gboolean            conduit_retry_policy_is_retryable_error   (const GError        *error);
gboolean            conduit_retry_policy_parse_retry_after    (const char          *value,
                                                               gint64               now_wall_us,
                                                               guint               *delay_ms);
gboolean            conduit_retry_policy_next_delay           (ConduitRetryPolicy  *self,
                                                               guint                attempt,
                                                               guint                status,
                                                               const char          *retry_after,
                                                               gint64               now_wall_us,
                                                               guint               *delay_ms,
                                                               char               **why_not);

G_END_DECLS
