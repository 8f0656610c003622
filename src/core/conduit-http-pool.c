/* conduit-http-pool.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-http-pool"

#include "config.h"

#include "conduit-http-pool.h"

/* The HTTP steps' calls go out over a few sessions instead of the runner's one.
 *
 * Before it gives out a kept-alive connection, libsoup 3.2 goes through every connection of the
 * session, and reads one byte from each idle one to see that it is still open (a failed read
 * and a GError each: about 2.4k instructions); it does so every time it looks at its queue,
 * two or three times a call, and looks at every queued message each time. A serve worker with
 * many calls overlapping kept 12 to 17 connections to the API, so every call paid for probing
 * them all (bench/webhook/callgrind-per-run.sh: about 50k instructions a run, against 6k for
 * the relay's 4 connections). Split into shards, each session holds a part of the connections
 * and of the queue, and a call probes only its shard's.
 *
 * The shards together allow as many connections as the runner's session did (256, 64 to a
 * host), and a call goes to the shard with the fewest calls in flight, so a burst against a
 * slow API still runs 64 calls to it at once; with one call at a time they all go to the first
 * shard, and its connection is reused. The shards follow the runner's session's proxy
 * resolver and user agent as they are when the first call is made. A session, its shards and
 * the calls belong to one thread. */

#define SHARD_MAX_CONNS          (256 / CONDUIT_HTTP_POOL_SHARDS)
#define SHARD_MAX_CONNS_PER_HOST (64 / CONDUIT_HTTP_POOL_SHARDS)

struct _ConduitHttpShard
{
  SoupSession *session;
  guint        in_flight;
};

typedef struct
{
  ConduitHttpShard shards[CONDUIT_HTTP_POOL_SHARDS];
} Pool;

static void
pool_free (gpointer data)
{
  Pool *pool = data;

  for (guint i = 0; i < CONDUIT_HTTP_POOL_SHARDS; i++)
    g_clear_object (&pool->shards[i].session);
  g_free (pool);
}

/* Only what Conduit sets on the runner's session is followed. The TLS database is left to
 * each session: asking the runner's for it would load the system's trust store (about 90M
 * instructions) in a worker that may never make an https call. */
static SoupSession *
shard_session_new (SoupSession *session)
{
  return soup_session_new_with_options ("max-conns", SHARD_MAX_CONNS,
                                        "max-conns-per-host", SHARD_MAX_CONNS_PER_HOST,
                                        "user-agent", soup_session_get_user_agent (session),
                                        "proxy-resolver", soup_session_get_proxy_resolver (session),
                                        NULL);
}

/**
 * conduit_http_pool_quark:
 *
 * Returns: the key a session's shards are kept under
 */
G_DEFINE_QUARK (conduit-http-pool, conduit_http_pool)

/**
 * conduit_http_pool_pick:
 * @session: the runner's session
 * @preferred: (nullable): the shard to keep to while it has room
 *
 * Picks the session HTTP calls go out on: @preferred while it has fewer calls in flight than
 * it takes to one host, else of @session's shards (made at the first pick) the one with the
 * fewest calls in flight, the first of them on a tie. A node's calls of one run keep to one
 * shard, so they leave in the items' order as from one session; but not to a full one, where
 * they would wait while another has room.
 *
 * Returns: (transfer none): the shard; it lives as long as @session
 */
ConduitHttpShard *
conduit_http_pool_pick (SoupSession      *session,
                        ConduitHttpShard *preferred)
{
  Pool *pool;
  ConduitHttpShard *best;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);

  if (preferred != NULL && preferred->in_flight < SHARD_MAX_CONNS_PER_HOST)
    return preferred;

  pool = g_object_get_qdata (G_OBJECT (session), conduit_http_pool_quark ());
  if (pool == NULL)
    {
      pool = g_new0 (Pool, 1);
      for (guint i = 0; i < CONDUIT_HTTP_POOL_SHARDS; i++)
        pool->shards[i].session = shard_session_new (session);
      g_object_set_qdata_full (G_OBJECT (session), conduit_http_pool_quark (), pool, pool_free);
    }

  best = &pool->shards[0];
  for (guint i = 1; i < CONDUIT_HTTP_POOL_SHARDS && best->in_flight > 0; i++)
    if (pool->shards[i].in_flight < best->in_flight)
      best = &pool->shards[i];
  return best;
}

/**
 * conduit_http_shard_hold:
 * @shard: a shard from conduit_http_pool_pick()
 *
 * Counts one call more in flight on @shard, until conduit_http_shard_release().
 *
 * Returns: (transfer none): the session to send the call on
 */
SoupSession *
conduit_http_shard_hold (ConduitHttpShard *shard)
{
  g_return_val_if_fail (shard != NULL, NULL);

  shard->in_flight++;
  return shard->session;
}

/**
 * conduit_http_shard_get_in_flight:
 * @shard: a shard from conduit_http_pool_pick()
 *
 * Returns: how many calls are in flight on @shard
 */
guint
conduit_http_shard_get_in_flight (ConduitHttpShard *shard)
{
  g_return_val_if_fail (shard != NULL, 0);

  return shard->in_flight;
}

/**
 * conduit_http_shard_release:
 * @shard: a shard from conduit_http_pool_pick()
 *
 * One call fewer in flight on @shard.
 */
void
conduit_http_shard_release (ConduitHttpShard *shard)
{
  g_return_if_fail (shard != NULL);
  g_return_if_fail (shard->in_flight > 0);

  shard->in_flight--;
}
