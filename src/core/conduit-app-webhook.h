/* conduit-app-webhook.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What to answer an app's webhook handshake. */
typedef struct
{
  guint  status;        /* 200 with the challenge, 403 when the verify token does not match */
  char  *content_type;
  char  *body;
} ConduitAppChallengeAnswer;

gboolean conduit_app_webhook_challenge        (JsonObject                 *trigger,
                                               const char                 *method,
                                               GHashTable                 *query,
                                               GBytes                     *body,
                                               const char                 *verify_token,
                                               ConduitAppChallengeAnswer  *answer);
void     conduit_app_challenge_answer_clear   (ConduitAppChallengeAnswer  *answer);

G_END_DECLS
