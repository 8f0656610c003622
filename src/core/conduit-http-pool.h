/* conduit-http-pool.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define CONDUIT_HTTP_POOL_SHARDS 4

typedef struct _ConduitHttpShard ConduitHttpShard;

GQuark            conduit_http_pool_quark           (void);
ConduitHttpShard *conduit_http_pool_pick            (SoupSession      *session,
                                                     ConduitHttpShard *preferred);
SoupSession      *conduit_http_shard_hold           (ConduitHttpShard *shard);
void              conduit_http_shard_release        (ConduitHttpShard *shard);
guint             conduit_http_shard_get_in_flight  (ConduitHttpShard *shard);

G_END_DECLS
