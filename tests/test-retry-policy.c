/* test-retry-policy.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

static void
test_retryable (void)
{
  g_autoptr(GError) network = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "x");
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "x");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "x");
  g_autoptr(GError) tls = g_error_new_literal (G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, "x");

  for (guint status = 100; status < 600; status++)
    g_assert_cmpint (conduit_retry_policy_is_retryable_status (status), ==,
                     status == 408 || status == 429 || status >= 500);

  g_assert_true (conduit_retry_policy_is_retryable_error (network));
  g_assert_true (conduit_retry_policy_is_retryable_error (timeout));
  g_assert_false (conduit_retry_policy_is_retryable_error (cancelled));
  g_assert_false (conduit_retry_policy_is_retryable_error (tls));
}

static void
test_backoff (void)
{
  g_autoptr(ConduitRetryPolicy) policy = conduit_retry_policy_new (10, 100, 1000);
  guint delay;

  for (guint32 seed = 0; seed < 50; seed++)
    {
      conduit_retry_policy_set_seed (policy, seed);
      for (guint attempt = 1; attempt < 10; attempt++)
        {
          guint base = MIN (100u << (attempt - 1), 1000u);

          g_assert_true (conduit_retry_policy_next_delay (policy, attempt, 500, NULL, 0, &delay,
                                                          NULL));
          g_assert_cmpuint (delay, >=, base / 2);
          g_assert_cmpuint (delay, <=, base);
        }
    }
}

static void
test_jitter_spreads (void)
{
  g_autoptr(ConduitRetryPolicy) policy = conduit_retry_policy_new (5, 1000, 10000);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint delay;

  for (guint i = 0; i < 50; i++)
    {
      g_assert_true (conduit_retry_policy_next_delay (policy, 1, 503, NULL, 0, &delay, NULL));
      g_hash_table_add (seen, GUINT_TO_POINTER (delay));
    }
  g_assert_cmpuint (g_hash_table_size (seen), >, 10);
}

static void
test_gives_up (void)
{
  g_autoptr(ConduitRetryPolicy) policy = conduit_retry_policy_new (3, 100, 1000);
  g_autofree char *why = NULL;
  guint delay;

  g_assert_true (conduit_retry_policy_next_delay (policy, 2, 500, NULL, 0, &delay, NULL));
  g_assert_false (conduit_retry_policy_next_delay (policy, 3, 500, NULL, 0, &delay, &why));
  g_assert_nonnull (strstr (why, "3 attempts"));
}

static void
test_retry_after (void)
{
  g_autoptr(ConduitRetryPolicy) policy = conduit_retry_policy_new (5, 100, 60000);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);
  gint64 now_us = g_date_time_to_unix (now) * G_USEC_PER_SEC;
  g_autofree char *why = NULL;
  guint delay;

  g_assert_true (conduit_retry_policy_next_delay (policy, 1, 429, " 7 ", now_us, &delay, NULL));
  g_assert_cmpuint (delay, ==, 7000);
  g_assert_true (conduit_retry_policy_next_delay (policy, 1, 503, "Sun, 01 Mar 2026 12:00:30 GMT",
                                                  now_us, &delay, NULL));
  g_assert_cmpuint (delay, ==, 30000);
  /* A date in the past means "now". */
  g_assert_true (conduit_retry_policy_parse_retry_after ("Sun, 01 Mar 2026 11:00:00 GMT", now_us,
                                                         &delay));
  g_assert_cmpuint (delay, ==, 0);
  /* Garbage is ignored: the normal backoff applies. */
  g_assert_true (conduit_retry_policy_next_delay (policy, 1, 429, "soon", now_us, &delay, NULL));
  g_assert_cmpuint (delay, <=, 100);
  /* Only 429 and 503 carry a Retry-After worth honouring. */
  g_assert_true (conduit_retry_policy_next_delay (policy, 1, 500, "30", now_us, &delay, NULL));
  g_assert_cmpuint (delay, <=, 100);
  /* Longer than the longest wait: give up now, and say why. */
  g_assert_false (conduit_retry_policy_next_delay (policy, 1, 429, "3600", now_us, &delay, &why));
  g_assert_nonnull (strstr (why, "3600"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/retry/retryable", test_retryable);
  g_test_add_func ("/conduit/retry/backoff", test_backoff);
  g_test_add_func ("/conduit/retry/jitter-spreads", test_jitter_spreads);
  g_test_add_func ("/conduit/retry/gives-up", test_gives_up);
  g_test_add_func ("/conduit/retry/retry-after", test_retry_after);

  return g_test_run ();
}
