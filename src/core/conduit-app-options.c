/* conduit-app-options.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-options"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-app-options.h"
#include "conduit-app-request.h"
#include "conduit-executor.h"
#include "conduit-connector.h"

/* The choices of an input filled by another operation ("options": Slack's channels, Airtable's
 * bases) once the step has a connection. The listing operation runs as a throwaway one-step
 * run on a runner of its own that records nothing: it goes through exactly the same executor
 * (auth, pagination, rate limit, error detection) as any step, but never lands in the history.
 */

typedef struct
{
  ConduitRunner *scratch;
  char          *value;   /* expressions over each listed record */
  char          *label;
} OptionsData;

static void
options_data_free (OptionsData *data)
{
  g_clear_object (&data->scratch);
  g_free (data->value);
  g_free (data->label);
  g_free (data);
}

static char *
text_of (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OptionsData *data = g_task_get_task_data (task);
  ConduitRun *run = CONDUIT_RUN (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) options = json_array_new ();
  GPtrArray *records;
  GPtrArray *failed;

  if (!conduit_run_execute_finish (run, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (conduit_run_get_node_error (run, "list") != NULL)
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED, "%s",
                               conduit_run_get_node_error (run, "list"));
      return;
    }
  failed = conduit_run_get_node_output (run, "list", "error");
  if (failed != NULL && failed->len > 0)
    {
      JsonObject *item = json_node_get_object (g_ptr_array_index (failed, 0));
      JsonObject *why = json_object_get_object_member (item, "error");

      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED, "%s",
                               json_object_get_string_member_with_default (why, "message", ""));
      return;
    }

  records = conduit_run_get_node_output (run, "list", "out");
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      JsonNode *record = g_ptr_array_index (records, i);
      g_autoptr(JsonNode) value = conduit_app_evaluate (data->value, record, NULL);
      g_autoptr(JsonNode) label = data->label ? conduit_app_evaluate (data->label, record, NULL) : NULL;
      g_autofree char *value_text = text_of (value);
      g_autofree char *label_text = text_of (label);
      JsonObject *option;

      /* a record without a value cannot be chosen */
      if (value_text == NULL)
        continue;
      option = json_object_new ();
      json_object_set_string_member (option, "value", value_text);
      json_object_set_string_member (option, "label", label_text ? label_text : value_text);
      json_array_add_object_element (options, option);
    }

  g_task_return_pointer (task, g_steal_pointer (&options), (GDestroyNotify)json_array_unref);
}

/**
 * conduit_app_options_async:
 * @runner: the runner whose registry, credentials and clock to use
 * @connector_id: an app step type, e.g. "slack.send-message"
 * @field_key: one of its inputs that has "options", e.g. "channel"
 * @settings: (nullable): the step's settings (the connection and its fields)
 * @cancellable: (nullable): a cancellable
 * @callback: called with the choices
 * @user_data: data for @callback
 *
 * Lists the choices of @field_key by running the operation its "options" name.
 */
void
conduit_app_options_async (ConduitRunner       *runner,
                           const char          *connector_id,
                           const char          *field_key,
                           JsonObject          *settings,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConduitConnectorRegistry *registry;
  ConduitConnector *connector;
  JsonArray *schema;
  JsonObject *options = NULL;
  g_autoptr(JsonObject) node_settings = json_object_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) flow_json = NULL;
  g_autofree char *flow_text = NULL;
  g_autofree char *list_id = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  OptionsData *data;

  g_return_if_fail (CONDUIT_IS_RUNNER (runner));
  g_return_if_fail (connector_id != NULL && field_key != NULL);

  task = g_task_new (runner, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_app_options_async);

  registry = conduit_runner_get_registry (runner);
  connector = conduit_connector_registry_lookup (registry, connector_id);
  schema = connector ? conduit_connector_get_input_schema (connector) : NULL;
  for (guint i = 0; schema != NULL && i < json_array_get_length (schema); i++)
    {
      JsonObject *field = json_array_get_object_element (schema, i);

      if (g_strcmp0 (json_object_get_string_member (field, "key"), field_key) == 0 &&
          json_object_has_member (field, "options"))
        options = json_object_get_object_member (field, "options");
    }
  if (options == NULL)
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                               _("“%s” of %s has no list of choices"), field_key, connector_id);
      return;
    }

  list_id = g_strdup_printf ("%s.%s", conduit_app_descriptor_get_id (conduit_connector_get_app (connector)),
                             json_object_get_string_member (options, "operation"));

  /* The listing step gets the connection and the connection's fields of the step asking. */
  if (settings != NULL)
    {
      ConduitConnector *list = conduit_connector_registry_lookup (registry, list_id);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, settings);
      while (json_object_iter_next (&iter, &name, &value))
        if (list != NULL && conduit_connector_find_setting (list, name) != NULL)
          json_object_set_member (node_settings, name, json_node_copy (value));
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "Options");
  json_builder_set_member_name (builder, "nodes");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "start");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "manual-trigger");
  json_builder_set_member_name (builder, "position");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, 0);
  json_builder_add_int_value (builder, 0);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "settings");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, list_id);
  json_builder_set_member_name (builder, "position");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, 200);
  json_builder_add_int_value (builder, 0);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "settings");
  json_builder_add_value (builder, json_node_init_object (json_node_alloc (), node_settings));
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "links");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, "start");
  json_builder_set_member_name (builder, "from_port");
  json_builder_add_string_value (builder, "out");
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, "list");
  json_builder_set_member_name (builder, "to_port");
  json_builder_add_string_value (builder, "in");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  flow_json = json_builder_get_root (builder);
  flow_text = json_to_string (flow_json, FALSE);

  flow = conduit_flow_new_from_data (registry, flow_text, -1, NULL, &error);
  if (flow == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (OptionsData, 1);
  data->value = g_strdup (json_object_get_string_member (options, "value"));
  data->label = g_strdup (json_object_get_string_member_with_default (options, "label", NULL));
  data->scratch = conduit_runner_new (registry, NULL);
  conduit_runner_set_clock (data->scratch, conduit_runner_get_clock (runner));
  conduit_runner_set_credential_store (data->scratch, conduit_runner_get_credential_store (runner));
  soup_session_set_proxy_resolver (conduit_runner_get_session (data->scratch),
                                   soup_session_get_proxy_resolver (conduit_runner_get_session (runner)));
  g_task_set_task_data (task, data, (GDestroyNotify)options_data_free);

  run = conduit_runner_create_run (data->scratch, flow, NULL, NULL, NULL, &error);
  if (run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, cancellable, run_cb, g_steal_pointer (&task));
}

/**
 * conduit_app_options_finish:
 * @runner: the runner
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the choices, each {"value": …, "label": …}, or %NULL with @error
 *   (the app's own message when it refused)
 */
JsonArray *
conduit_app_options_finish (ConduitRunner  *runner,
                            GAsyncResult   *result,
                            GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, runner), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
