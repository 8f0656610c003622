/* fuzz-flow-tests-file.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* Feeds any bytes to the saved tests loader (FLOW.tests.json, docs/testing.md), the way a
 * hand-edited or merged tests file reaches `conduit-cli test`. Besides "no crash, no leak, no
 * critical": a refusal names the file, and a file that loads must write back to JSON that
 * loads again to the same tests. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autofree char *text = NULL;

  tests = conduit_flow_test_load_data ((const char *)data, size, "fuzz.tests.json", &error);
  if (tests == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_str_has_prefix (error->message, "fuzz.tests.json"));
      if (!g_utf8_validate (error->message, -1, NULL))
        g_error ("an error message is not UTF-8: %s", error->message);
      return 0;
    }

  for (guint i = 0; i < tests->len; i++)
    json_array_add_element (array, conduit_flow_test_to_json (g_ptr_array_index (tests, i)));
  json_object_set_int_member (root, "format", CONDUIT_FLOW_TEST_FORMAT);
  json_object_set_array_member (root, "tests", json_array_ref (array));
  node = json_node_init_object (json_node_alloc (), root);
  text = json_to_string (node, FALSE);
  again = conduit_flow_test_load_data (text, strlen (text), "again.tests.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, tests->len);
  for (guint i = 0; i < tests->len; i++)
    {
      ConduitFlowTest *a = g_ptr_array_index (tests, i);
      ConduitFlowTest *b = g_ptr_array_index (again, i);

      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpstr (a->trigger_node, ==, b->trigger_node);
      g_assert_cmpuint (a->trigger_items->len, ==, b->trigger_items->len);
      g_assert_true (json_node_equal (a->expected, b->expected));
    }
  return 0;
}
