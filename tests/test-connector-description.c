/* test-connector-description.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Linked against the description library only (no libsoup, no executors, no runner): if the
 * registry called into the runner's side again, this test would not link. */

#include "config.h"

#include "conduit-connector-registry.h"

static void
test_describes_without_runner (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();

  g_assert_nonnull (conduit_connector_registry_lookup (registry, "http-request"));
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "notify"));

  /* Nothing in this process made an HTTP session or an executor type. */
  g_assert_cmpuint (g_type_from_name ("SoupSession"), ==, 0);
  g_assert_cmpuint (g_type_from_name ("ConduitExecutorHttp"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/connector-description/without-runner", test_describes_without_runner);

  return g_test_run ();
}
