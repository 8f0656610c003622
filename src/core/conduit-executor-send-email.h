/* conduit-executor-send-email.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_SEND_EMAIL (conduit_executor_send_email_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorSendEmail, conduit_executor_send_email, CONDUIT,
                      EXECUTOR_SEND_EMAIL, GObject)

G_END_DECLS
