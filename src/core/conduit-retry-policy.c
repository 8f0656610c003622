/* conduit-retry-policy.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-retry-policy"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "conduit-retry-policy.h"

/* When to try an item again, and how long to wait first.
 *
 * Only failures that another attempt can cure are retried: network errors, timeouts, 5xx and
 * 429. Any other 4xx means the request itself is wrong and would fail the same way again.
 * Waits grow exponentially from the first wait, are capped, and carry "equal jitter" (half the
 * wait fixed, half random) so that many items failing together do not all come back together.
 * A Retry-After on 429 or 503 replaces the computed wait: the server knows best. When the server
 * asks for a longer wait than the cap the item fails now, with that reason, rather than blocking
 * the run for longer than the person allowed.
 */

struct _ConduitRetryPolicy
{
  GObject parent_instance;

  guint   max_attempts;
  guint   initial_ms;
  guint   max_ms;
  GRand  *rand;
};

G_DEFINE_FINAL_TYPE (ConduitRetryPolicy, conduit_retry_policy, G_TYPE_OBJECT)

static void
conduit_retry_policy_finalize (GObject *object)
{
  ConduitRetryPolicy *self = (ConduitRetryPolicy *)object;

  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (conduit_retry_policy_parent_class)->finalize (object);
}

static void
conduit_retry_policy_class_init (ConduitRetryPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_retry_policy_finalize;
}

static void
conduit_retry_policy_init (ConduitRetryPolicy *self)
{
}

/* Made on first use: g_rand_new() reads /dev/urandom, and most policies never wait at all. */
static GRand *
get_rand (ConduitRetryPolicy *self)
{
  if (self->rand == NULL)
    self->rand = g_rand_new_with_seed (g_random_int ());
  return self->rand;
}

/**
 * conduit_retry_policy_new:
 * @max_attempts: attempts in all, at least 1
 * @initial_ms: the wait before the first retry
 * @max_ms: no wait is longer than this
 *
 * Returns: (transfer full): a new retry policy
 */
ConduitRetryPolicy *
conduit_retry_policy_new (guint max_attempts,
                          guint initial_ms,
                          guint max_ms)
{
  ConduitRetryPolicy *self = g_object_new (CONDUIT_TYPE_RETRY_POLICY, NULL);

  self->max_attempts = MAX (max_attempts, 1);
  self->initial_ms = initial_ms;
  self->max_ms = max_ms;

  return self;
}

/**
 * conduit_retry_policy_set_seed:
 * @self: a policy
 * @seed: a seed for the jitter
 *
 * Makes the jitter repeatable, for tests.
 */
void
conduit_retry_policy_set_seed (ConduitRetryPolicy *self,
                               guint32             seed)
{
  g_return_if_fail (CONDUIT_IS_RETRY_POLICY (self));

  g_rand_set_seed (get_rand (self), seed);
}

/**
 * conduit_retry_policy_get_max_attempts:
 * @self: a policy
 *
 * Returns: the number of attempts in all
 */
guint
conduit_retry_policy_get_max_attempts (ConduitRetryPolicy *self)
{
  g_return_val_if_fail (CONDUIT_IS_RETRY_POLICY (self), 1);

  return self->max_attempts;
}

/**
 * conduit_retry_policy_get_initial_ms:
 * @self: a policy
 *
 * Returns: the wait before the first retry, before jitter
 */
guint
conduit_retry_policy_get_initial_ms (ConduitRetryPolicy *self)
{
  g_return_val_if_fail (CONDUIT_IS_RETRY_POLICY (self), 0);

  return self->initial_ms;
}

/**
 * conduit_retry_policy_get_max_ms:
 * @self: a policy
 *
 * Returns: the longest wait
 */
guint
conduit_retry_policy_get_max_ms (ConduitRetryPolicy *self)
{
  g_return_val_if_fail (CONDUIT_IS_RETRY_POLICY (self), 0);

  return self->max_ms;
}

/**
 * conduit_retry_policy_is_retryable_status:
 * @status: an HTTP status
 *
 * Returns: whether another attempt may get a different answer (5xx, 429, and 408: the server
 *   gave up waiting for the request, so it did not act on it)
 */
gboolean
conduit_retry_policy_is_retryable_status (guint status)
{
  return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

/**
 * conduit_retry_policy_is_retryable_error:
 * @error: a transport error (no HTTP answer was received)
 *
 * Returns: whether the error is a network failure or timeout that may pass
 */
gboolean
conduit_retry_policy_is_retryable_error (const GError *error)
{
  g_return_val_if_fail (error != NULL, FALSE);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;

  /* A bad certificate or a malformed URL fails the same way every time. */
  if (error->domain == G_TLS_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED))
    return FALSE;

  return error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR ||
         error->domain == SOUP_SESSION_ERROR;
}

/**
 * conduit_retry_policy_parse_retry_after:
 * @value: a Retry-After header value: seconds, or an HTTP date
 * @now_wall_us: the current time, for dates
 * @delay_ms: (out): the wait it asks for
 *
 * Returns: whether @value could be understood
 */
gboolean
conduit_retry_policy_parse_retry_after (const char *value,
                                        gint64      now_wall_us,
                                        guint      *delay_ms)
{
  g_autoptr(GDateTime) date = NULL;
  g_autofree char *trimmed = NULL;
  guint64 seconds;
  gint64 diff_ms;

  g_return_val_if_fail (delay_ms != NULL, FALSE);

  if (value == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (value));
  if (g_ascii_string_to_unsigned (trimmed, 10, 0, G_MAXUINT / 1000, &seconds, NULL))
    {
      *delay_ms = (guint)seconds * 1000;
      return TRUE;
    }

  date = soup_date_time_new_from_http_string (trimmed);
  if (date == NULL)
    return FALSE;

  diff_ms = (g_date_time_to_unix (date) * G_USEC_PER_SEC - now_wall_us) / 1000;
  *delay_ms = (guint)CLAMP (diff_ms, 0, G_MAXUINT);
  return TRUE;
}

/**
 * conduit_retry_policy_next_delay:
 * @self: a policy
 * @attempt: the attempt that just failed, counting from 1
 * @status: its HTTP status, or 0 when no answer came
 * @retry_after: (nullable): its Retry-After header
 * @now_wall_us: the current time
 * @delay_ms: (out): how long to wait before the next attempt
 * @why_not: (out) (optional) (nullable): why there is no next attempt
 *
 * Decides whether to try again after a retryable failure.
 *
 * Returns: %TRUE to wait @delay_ms and try again
 */
gboolean
conduit_retry_policy_next_delay (ConduitRetryPolicy  *self,
                                 guint                attempt,
                                 guint                status,
                                 const char          *retry_after,
                                 gint64               now_wall_us,
                                 guint               *delay_ms,
                                 char               **why_not)
{
  guint64 wait;
  guint asked;

  g_return_val_if_fail (CONDUIT_IS_RETRY_POLICY (self), FALSE);
  g_return_val_if_fail (delay_ms != NULL, FALSE);

  *delay_ms = 0;
  if (why_not != NULL)
    *why_not = NULL;

  if (attempt >= self->max_attempts)
    {
      if (why_not != NULL)
        *why_not = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "gave up after %u attempt",
                                                 "gave up after %u attempts", attempt),
                                    attempt);
      return FALSE;
    }

  if ((status == 429 || status == 503) &&
      conduit_retry_policy_parse_retry_after (retry_after, now_wall_us, &asked))
    {
      if (asked > self->max_ms)
        {
          if (why_not != NULL)
            *why_not = g_strdup_printf (_("the server asked to wait %.1f s before trying again, "
                                          "longer than this node’s longest wait (%.1f s)"),
                                        asked / 1000.0, self->max_ms / 1000.0);
          return FALSE;
        }
      *delay_ms = asked;
      return TRUE;
    }

  wait = self->initial_ms;
  for (guint i = 1; i < attempt && wait < self->max_ms; i++)
    wait *= 2;
  wait = MIN (wait, self->max_ms);

  /* Equal jitter: at least half the wait, so backoff still grows. */
  if (wait > 1)
    wait = wait / 2 + (guint64)g_rand_int_range (get_rand (self), 0, (gint32)MIN (wait / 2 + 1,
                                                                             G_MAXINT32));
  *delay_ms = (guint)wait;
  return TRUE;
}
