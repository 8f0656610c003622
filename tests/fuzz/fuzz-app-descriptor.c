/* fuzz-app-descriptor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* Feeds any bytes to the app descriptor loader, the way a descriptor someone wrote reaches it
 * from $XDG_DATA_HOME/conduit/connectors/. Besides "no crash, no leak, no critical": a refusal
 * names each problem's line, and a descriptor that loads must also become connectors (the
 * registry adds it) with every operation reachable by its "APP.OPERATION" id. */

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
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ConduitAppDescriptor *app;
  GPtrArray *operations;

  app = conduit_connector_registry_load_app_from_data (registry, (const char *)data, size,
                                                       &problems, &error);
  if (app == NULL)
    {
      g_assert_nonnull (error);
      if (problems != NULL)
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

  operations = conduit_app_descriptor_get_operations (app);
  for (guint i = 0; i < operations->len; i++)
    {
      const char *id = json_object_get_string_member (g_ptr_array_index (operations, i), "id");
      g_autofree char *connector_id = g_strdup_printf ("%s.%s", conduit_app_descriptor_get_id (app), id);
      ConduitConnector *connector = conduit_connector_registry_lookup (registry, connector_id);

      g_assert_nonnull (connector);
      g_assert_true (conduit_connector_get_operation (connector) == g_ptr_array_index (operations, i));
      (void)conduit_connector_get_input_schema (connector);
    }

  return 0;
}
