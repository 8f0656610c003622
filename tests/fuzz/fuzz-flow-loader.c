/* fuzz-flow-loader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* Feeds any bytes to the flow loader, the way a flow file from a colleague reaches it. Besides
 * "no crash, no leak, no critical", a flow that loads must survive a save/load round trip
 * unchanged: the saved text must load again and save to the same bytes. */

static ConduitConnectorRegistry *registry;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  registry = conduit_connector_registry_get_default ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitFlow) again = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *saved_again = NULL;
  gsize saved_length = 0;

  flow = conduit_flow_new_from_data (registry, (const char *)data, size, &problems, &error);
  if (flow == NULL)
    {
      /* A refusal must say why and where. */
      g_assert_nonnull (error);
      g_assert_nonnull (problems);
      g_assert_cmpuint (problems->len, >, 0);
      for (guint i = 0; i < problems->len; i++)
        {
          ConduitFlowProblem *problem = g_ptr_array_index (problems, i);
          g_autofree char *text = conduit_flow_problem_format (problem);

          g_assert_cmpuint (problem->line, >=, 1);
          if (!g_utf8_validate (text, -1, NULL))
            g_error ("a problem message is not UTF-8: %s", text);
        }
      return 0;
    }

  g_assert_no_error (error);
  saved = conduit_flow_to_data (flow, &saved_length);
  again = conduit_flow_new_from_data (registry, saved, saved_length, NULL, &error);
  if (again == NULL)
    g_error ("a loaded flow did not load again after saving: %s\n%s", error->message, saved);
  saved_again = conduit_flow_to_data (again, NULL);
  g_assert_cmpstr (saved, ==, saved_again);

  return 0;
}
