/* test-flow-samples.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

/* Which sample items a step sees: those of the nearest node upstream that has any. */

static ConduitFlow *
flow_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  ConduitFlow *flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), text,
                                                  -1, &problems, &error);

  g_assert_no_error (error);
  return flow;
}

static void
test_nearest (void)
{
  g_autoptr(ConduitFlow) flow = flow_from (
    "{ \"version\": 1, \"name\": \"Samples\", \"nodes\": ["
    "  { \"id\": \"far\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [ {\"n\": 1}, {\"n\": 2}, {\"n\": 3} ] } },"
    "  { \"id\": \"near\", \"type\": \"manual-trigger\","
    "    \"settings\": { \"items\": [] } },"
    "  { \"id\": \"map\", \"type\": \"mapping\" },"
    "  { \"id\": \"alone\", \"type\": \"mapping\" } ],"
    " \"links\": [ { \"from\": \"far\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
    "              { \"from\": \"near\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }");
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  ConduitNode *found;

  /* "near" has no items, so the search goes on to "far"; at most two are taken */
  found = conduit_flow_find_upstream_samples (flow, conduit_flow_lookup_node (flow, "map"), 2,
                                              records);
  g_assert_nonnull (found);
  g_assert_cmpstr (conduit_node_get_id (found), ==, "far");
  g_assert_cmpuint (records->len, ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (records, 1)), "n"),
                   ==, 2);

  g_ptr_array_set_size (records, 0);
  g_assert_null (conduit_flow_find_upstream_samples (flow, conduit_flow_lookup_node (flow, "alone"),
                                                     10, records));
  g_assert_cmpuint (records->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/flow/samples/nearest-upstream", test_nearest);

  return g_test_run ();
}
