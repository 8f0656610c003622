/* conduit-step-context.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "conduit-authorizer.h"
#include "conduit-clock.h"
#include "conduit-history-store.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_STEP_CONTEXT (conduit_step_context_get_type ())

G_DECLARE_FINAL_TYPE (ConduitStepContext, conduit_step_context, CONDUIT, STEP_CONTEXT, GObject)

ConduitStepContext  *conduit_step_context_new           (SoupSession         *session,
                                                         ConduitClock        *clock,
                                                         ConduitAuthorizer   *authorizer,
                                                         ConduitHistoryStore *history);
SoupSession         *conduit_step_context_get_session    (ConduitStepContext  *self);
ConduitClock        *conduit_step_context_get_clock      (ConduitStepContext  *self);
void                 conduit_step_context_set_clock      (ConduitStepContext  *self,
                                                         ConduitClock        *clock);
ConduitAuthorizer   *conduit_step_context_get_authorizer (ConduitStepContext  *self);
ConduitHistoryStore *conduit_step_context_get_history    (ConduitStepContext  *self);

G_END_DECLS
