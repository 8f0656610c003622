/* test-connector-registry.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

static void
test_builtin (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  const char *expected[] = { "manual-trigger", "webhook-trigger", "schedule-trigger", "http-request",
                             "mapping", "filter", "deduplicate", "read-file", "write-file", "notify" };
  guint n = g_list_model_get_n_items (G_LIST_MODEL (registry));

  g_assert_cmpuint (n, >=, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      ConduitConnector *connector = conduit_connector_registry_lookup (registry, expected[i]);

      g_assert_nonnull (connector);
      g_assert_cmpstr (conduit_connector_get_id (connector), ==, expected[i]);
      g_assert_nonnull (conduit_connector_get_name (connector));
      g_assert_nonnull (conduit_connector_get_icon_name (connector));

      /* every action has an error port */
      if (conduit_connector_get_category (connector) == CONDUIT_CONNECTOR_CATEGORY_ACTION)
        {
          const ConduitPortSpec *port = conduit_connector_find_output (connector, "error");

          g_assert_nonnull (port);
          g_assert_true (port->is_error);
        }

      /* triggers take no input */
      if (conduit_connector_get_category (connector) == CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
        g_assert_cmpuint (conduit_connector_get_inputs (connector)->len, ==, 0);
    }

  g_assert_null (conduit_connector_registry_lookup (registry, "no-such-thing"));
}

static void
test_settings_schema (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  ConduitConnector *http = conduit_connector_registry_lookup (registry, "http-request");
  const ConduitSettingSpec *url = conduit_connector_find_setting (http, "url");
  const ConduitSettingSpec *method = conduit_connector_find_setting (http, "method");
  const ConduitSettingSpec *timeout = conduit_connector_find_setting (http, "timeout_seconds");
  g_autoptr(JsonNode) text = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) number = json_node_new (JSON_NODE_VALUE);
  g_autofree char *message = NULL;

  g_assert_nonnull (url);
  g_assert_true (url->required);
  g_assert_cmpint (url->type, ==, CONDUIT_SETTING_STRING);
  g_assert_nonnull (url->help);

  g_assert_nonnull (method);
  g_assert_cmpint (method->type, ==, CONDUIT_SETTING_CHOICE);
  g_assert_true (g_strv_contains ((const char * const *)method->allowed_values, "PATCH"));
  g_assert_cmpstr (json_node_get_string (method->default_value), ==, "POST");

  json_node_set_string (text, "TRACE");
  g_assert_false (conduit_setting_spec_check_value (method, text, &message));
  g_assert_nonnull (strstr (message, "must be one of"));
  g_clear_pointer (&message, g_free);

  json_node_set_int (number, 9000);
  g_assert_false (conduit_setting_spec_check_value (timeout, number, &message));
  g_assert_nonnull (strstr (message, "between 1 and 600"));
  g_clear_pointer (&message, g_free);

  g_assert_false (conduit_setting_spec_check_value (url, number, &message));
  g_assert_nonnull (strstr (message, "must be text"));
}

static void
test_bad_description (void)
{
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (conduit_connector_registry_load_from_data (registry, "{\"name\": \"x\"}", -1, &error));
  g_assert_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (conduit_connector_registry_load_from_data (registry,
    "{\"id\": \"x\", \"name\": \"X\", \"category\": \"weird\"}", -1, &error));
  g_assert_nonnull (strstr (error->message, "unknown category"));
  g_clear_error (&error);

  g_assert_false (conduit_connector_registry_load_from_data (registry,
    "{\"id\": \"x\", \"name\": \"X\", \"settings\": [{\"key\": \"n\", \"type\": \"integer\", \"default\": \"no\"}]}",
    -1, &error));
  g_assert_nonnull (strstr (error->message, "default"));
  g_clear_error (&error);

  g_assert_true (conduit_connector_registry_load_from_data (registry,
    "{\"id\": \"x\", \"name\": \"X\", \"category\": \"action\", \"inputs\": [{\"id\": \"in\"}]}",
    -1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (registry)), ==, 1);
  /* the error port was added although the description forgot it */
  g_assert_nonnull (conduit_connector_find_output (conduit_connector_registry_lookup (registry, "x"), "error"));
}

/* What `conduit-cli validate` does (load the registry, load flows) must not make an executor:
 * the runner binds executors, the registry only describes. In a subprocess, so that no other test
 * of this file has registered the types already. */
static void
test_validate_without_executors (void)
{
  if (g_test_subprocess ())
    {
      ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
      g_autofree char *dir = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples",
                                               NULL);
      g_autoptr(GDir) examples = g_dir_open (dir, 0, NULL);
      const char *name;
      guint loaded = 0;

      g_assert_nonnull (examples);
      while ((name = g_dir_read_name (examples)))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr(GFile) file = g_file_new_for_path (path);
          g_autoptr(ConduitFlow) flow = NULL;
          g_autoptr(GError) error = NULL;

          if (!g_str_has_suffix (name, ".conduit"))
            continue;
          flow = conduit_flow_new_from_file (registry, file, NULL, NULL, &error);
          g_assert_no_error (error);
          loaded++;
        }
      g_assert_cmpuint (loaded, >, 0);

      g_assert_cmpuint (g_type_from_name ("ConduitExecutorHttp"), ==, 0);
      g_assert_cmpuint (g_type_from_name ("ConduitExecutorTrigger"), ==, 0);
      g_assert_cmpuint (g_type_from_name ("SoupSession"), ==, 0);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* The runner owns the connector-type → executor table, and a test can rebind a type. */
static void
test_runner_binds_executors (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  g_autoptr(ConduitRunner) runner = conduit_runner_new (registry, NULL);
  ConduitConnector *http = conduit_connector_registry_lookup (registry, "http-request");
  ConduitConnector *filter = conduit_connector_registry_lookup (registry, "filter");
  GType http_type = conduit_runner_lookup_executor (runner, http);

  g_assert_true (g_type_is_a (http_type, CONDUIT_TYPE_EXECUTOR));
  g_assert_cmpstr (g_type_name (http_type), ==, "ConduitExecutorHttp");
  g_assert_true (g_type_is_a (conduit_runner_lookup_executor (runner, filter),
                              CONDUIT_TYPE_EXECUTOR));

  conduit_runner_set_executor (runner, "http-request", G_TYPE_INVALID);
  g_assert_cmpuint (conduit_runner_lookup_executor (runner, http), ==, G_TYPE_INVALID);
  conduit_runner_set_executor (runner, "http-request", http_type);
  g_assert_cmpuint (conduit_runner_lookup_executor (runner, http), ==, http_type);

  /* Steps see a narrow context, the same object for every run of the runner. */
  g_assert_true (CONDUIT_IS_STEP_CONTEXT (conduit_runner_get_step_context (runner)));
  g_assert_true (conduit_step_context_get_session (conduit_runner_get_step_context (runner)) ==
                 conduit_runner_get_session (runner));
  g_assert_null (conduit_step_context_get_history (conduit_runner_get_step_context (runner)));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/connector-registry/builtin", test_builtin);
  g_test_add_func ("/conduit/connector-registry/settings-schema", test_settings_schema);
  g_test_add_func ("/conduit/connector-registry/bad-description", test_bad_description);
  g_test_add_func ("/conduit/connector-registry/validate-without-executors",
                   test_validate_without_executors);
  g_test_add_func ("/conduit/connector-registry/runner-binds-executors",
                   test_runner_binds_executors);

  return g_test_run ();
}
