/* conduit-app-descriptor-connectors.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-descriptor"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector.h"

/* An app becomes node types the rest of Conduit already understands: one connector per
 * operation ("slack.send-message") and per poll trigger ("slack.new-message"). Their settings
 * are the credential, the connection's fields and the operation's inputs, so flow files, the
 * flow checker, the inspector and `conduit-cli validate` handle app steps with no special case.
 */

static const char *
setting_type_for (const char *field_type)
{
  if (field_type == NULL)
    return "string";
  if (g_str_equal (field_type, "text") || g_str_equal (field_type, "integer") ||
      g_str_equal (field_type, "number") || g_str_equal (field_type, "boolean") ||
      g_str_equal (field_type, "object") || g_str_equal (field_type, "array"))
    return field_type;
  if (g_str_equal (field_type, "enum"))
    return "choice";
  /* date, datetime, email, url: text that may hold {{templates}}; checked per item */
  return "string";
}

/* Inputs are never required as settings: an item can bring the value itself (a Map Fields step
 * before the app step fills the operation's fields by name). The executor checks per item. */
static void
add_field_settings (JsonArray *settings,
                    JsonArray *fields,
                    gboolean   templates)
{
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);
      JsonObject *setting = json_object_new ();
      const char *type = json_object_get_string_member_with_default (field, "type", "string");
      const char *help = json_object_get_string_member_with_default (field, "help", NULL);

      json_object_set_string_member (setting, "key", json_object_get_string_member (field, "key"));
      json_object_set_string_member (setting, "label",
                                     json_object_get_string_member_with_default (field, "label",
                                                                                 json_object_get_string_member (field, "key")));
      json_object_set_string_member (setting, "type", setting_type_for (type));
      /* an action's text inputs are rendered over each item (conduit_app_render_value()):
       * marked so, the flow check compiles them and the inspector helps write them */
      if (templates && (g_str_equal (setting_type_for (type), "string") ||
                        g_str_equal (setting_type_for (type), "text")) &&
          !json_object_has_member (field, "values"))
        json_object_set_boolean_member (setting, "template", TRUE);
      if (help != NULL)
        json_object_set_string_member (setting, "help", help);
      if (json_object_has_member (field, "values"))
        json_object_set_array_member (setting, "allowed",
                                      json_array_ref (json_object_get_array_member (field, "values")));
      if (json_object_has_member (field, "default"))
        json_object_set_member (setting, "default",
                                json_node_copy (json_object_get_member (field, "default")));
      json_array_add_object_element (settings, setting);
    }
}

static JsonObject *
port (const char *id,
      const char *label,
      gboolean    is_error)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "label", label);
  if (is_error)
    json_object_set_boolean_member (object, "error", TRUE);
  return object;
}

static ConduitConnector *
make_connector (ConduitAppDescriptor  *self,
                JsonObject            *part,
                JsonObject            *operation,
                gboolean               is_trigger,
                GError               **error)
{
  g_autoptr(JsonObject) description = json_object_new ();
  JsonObject *connection = conduit_app_descriptor_get_connection (self);
  JsonArray *inputs = json_array_new ();
  JsonArray *outputs = json_array_new ();
  JsonArray *settings = json_array_new ();
  JsonArray *input_fields = NULL;
  const char *part_id = json_object_get_string_member (part, "id");
  g_autofree char *id = g_strdup_printf ("%s%c%s", conduit_app_descriptor_get_id (self),
                                         CONDUIT_APP_OPERATION_SEPARATOR, part_id);
  /* "Slack → Send a message": the palette, the card and the CLI show app and operation; each
   * half is translated on its own (po/extract-connector-strings.py carries both) */
  g_autofree char *name = g_strdup_printf ("%s → %s",
                                           g_dgettext (GETTEXT_PACKAGE, conduit_app_descriptor_get_title (self)),
                                           g_dgettext (GETTEXT_PACKAGE, json_object_get_string_member (part, "title")));
  const char *text = json_object_get_string_member_with_default (part, "description", NULL);
  g_autoptr(ConduitConnector) connector = NULL;

  json_object_set_string_member (description, "id", id);
  json_object_set_string_member (description, "name", name);
  json_object_set_string_member (description, "description",
                                 text ? text : conduit_app_descriptor_get_description (self));
  json_object_set_string_member (description, "icon", conduit_app_descriptor_get_icon_name (self));
  json_object_set_string_member (description, "category", is_trigger ? "trigger" : "action");

  if (!is_trigger)
    json_array_add_object_element (inputs, port ("in", N_("Items"), FALSE));
  json_array_add_object_element (outputs, port ("out", is_trigger ? N_("New records") : N_("Result"),
                                                FALSE));
  if (!is_trigger)
    json_array_add_object_element (outputs, port ("error", N_("Failed"), TRUE));
  json_object_set_array_member (description, "inputs", inputs);
  json_object_set_array_member (description, "outputs", outputs);

  if (g_strcmp0 (conduit_app_descriptor_get_auth_kind (self), "none") != 0 &&
      g_strcmp0 (json_object_get_string_member_with_default (operation, "auth", NULL), "none") != 0)
    {
      JsonObject *credential = json_object_new ();
      g_autofree char *help = g_strdup_printf (_("Your %s connection from the keyring"),
                                               conduit_app_descriptor_get_title (self));

      json_object_set_string_member (credential, "key", "credential");
      json_object_set_string_member (credential, "label", N_("Connection"));
      json_object_set_string_member (credential, "type", "credential");
      json_object_set_boolean_member (credential, "required", TRUE);
      json_object_set_string_member (credential, "help", help);
      json_array_add_object_element (settings, credential);
    }

  if (json_object_has_member (connection, "fields"))
    add_field_settings (settings, json_object_get_array_member (connection, "fields"), FALSE);

  if (json_object_has_member (operation, "input"))
    input_fields = json_object_get_array_member (operation, "input");
  add_field_settings (settings, input_fields, !is_trigger);
  if (is_trigger)
    {
      /* conduit_scheduler_get_poll_seconds(): what makes `serve` poll the trigger on its own */
      JsonObject *poll = json_object_new ();

      json_object_set_string_member (poll, "key", "poll_seconds");
      json_object_set_string_member (poll, "label", N_("Check every (seconds)"));
      json_object_set_string_member (poll, "type", "integer");
      json_object_set_int_member (poll, "default", 300);
      json_object_set_int_member (poll, "minimum", 1);
      json_object_set_int_member (poll, "maximum", 86400);
      json_object_set_string_member (poll, "help",
                                     N_("How often `conduit-cli serve` looks for new records"));
      json_array_add_object_element (settings, poll);
    }
  json_object_set_array_member (description, "settings", settings);

  /* A poll that starts from its cursor's initial value needs no starting point from the user:
   * the input of the cursor's name (Pipedrive's since_timestamp) is optional on the trigger. */
  if (is_trigger && json_object_has_member (part, "cursor") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (part, "cursor")) &&
      json_object_has_member (json_object_get_object_member (part, "cursor"), "initial"))
    {
      const char *param = json_object_get_string_member_with_default (json_object_get_object_member (part, "cursor"),
                                                                      "param", NULL);

      for (guint i = 0; i < json_array_get_length (settings); i++)
        {
          JsonObject *setting = json_array_get_object_element (settings, i);

          if (g_strcmp0 (json_object_get_string_member (setting, "key"), param) == 0)
            json_object_remove_member (setting, "required");
        }
    }

  /* The card's one-line summary: the first required input, e.g. the channel */
  for (guint i = 0; input_fields != NULL && i < json_array_get_length (input_fields); i++)
    {
      JsonObject *field = json_array_get_object_element (input_fields, i);

      if (json_object_get_boolean_member_with_default (field, "required", FALSE))
        {
          json_object_set_string_member (description, "summary",
                                         json_object_get_string_member (field, "key"));
          break;
        }
    }

  if (!(connector = conduit_connector_new_from_json (description, error)))
    return NULL;
  conduit_connector_set_app (connector, self, part_id);
  return g_steal_pointer (&connector);
}

/**
 * conduit_app_descriptor_create_connectors:
 * @self: a descriptor
 * @error: a location for a #GError
 *
 * Makes the node types of the app: one per operation and one per poll trigger, with ids
 * "APP.OPERATION".
 *
 * Returns: (transfer full) (element-type ConduitConnector): the connectors, or %NULL with @error
 */
GPtrArray *
conduit_app_descriptor_create_connectors (ConduitAppDescriptor  *self,
                                          GError               **error)
{
  g_autoptr(GPtrArray) connectors = g_ptr_array_new_with_free_func (g_object_unref);
  GPtrArray *operations;
  GPtrArray *triggers;

  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);

  operations = conduit_app_descriptor_get_operations (self);
  for (guint i = 0; i < operations->len; i++)
    {
      JsonObject *operation = g_ptr_array_index (operations, i);
      ConduitConnector *connector = make_connector (self, operation, operation, FALSE, error);

      if (connector == NULL)
        return NULL;
      g_ptr_array_add (connectors, connector);
    }

  triggers = conduit_app_descriptor_get_triggers (self);
  for (guint i = 0; i < triggers->len; i++)
    {
      JsonObject *trigger = g_ptr_array_index (triggers, i);
      JsonObject *operation;
      ConduitConnector *connector;

      /* Webhook triggers arrive through the Webhook Trigger step; only polling makes a step. */
      if (g_strcmp0 (json_object_get_string_member (trigger, "kind"), "poll") != 0)
        continue;
      operation = conduit_app_descriptor_find_operation (self,
                                                         json_object_get_string_member (trigger, "operation"));
      if (!(connector = make_connector (self, trigger, operation, TRUE, error)))
        return NULL;
      g_ptr_array_add (connectors, connector);
    }

  return g_steal_pointer (&connectors);
}
