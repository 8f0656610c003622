/* conduit-webhook-info.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit.h"

G_BEGIN_DECLS

char *conduit_webhook_info_dup_url          (ConduitNode *node);
char *conduit_webhook_info_dup_curl_command (ConduitNode *node);

G_END_DECLS
