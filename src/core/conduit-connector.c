/* conduit-connector.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-connector"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "conduit-connector.h"
#include "conduit-app-descriptor.h"
#include "conduit-template.h"

/* A connector describes one node type: what it is called, where it sits in the palette, its ports
 * and the settings it takes. Descriptions are data (the JSON files in data/connectors) so that the app and the
 * CLI learn node types from the registry alone; the code that runs a node is bound to it through
 * the executor type.
 */

struct _ConduitConnector
{
  GObject                   parent_instance;

  char                     *id;
  char                     *name;
  char                     *description;
  char                     *icon_name;
  char                     *summary_setting;
  ConduitConnectorCategory  category;
  GPtrArray                *inputs;    /* ConduitPortSpec */
  GPtrArray                *outputs;   /* ConduitPortSpec */
  GPtrArray                *settings;  /* ConduitSettingSpec */
  ConduitAppDescriptor     *app;       /* for app operations and triggers */
  char                     *app_part;  /* the operation or trigger id in @app */
};

G_DEFINE_FINAL_TYPE (ConduitConnector, conduit_connector, G_TYPE_OBJECT)
G_DEFINE_QUARK (conduit-connector-error-quark, conduit_connector_error)
G_DEFINE_BOXED_TYPE (ConduitPortSpec, conduit_port_spec, conduit_port_spec_copy, conduit_port_spec_free)
G_DEFINE_BOXED_TYPE (ConduitSettingSpec, conduit_setting_spec,
                     conduit_setting_spec_copy, conduit_setting_spec_free)

static const struct {
  ConduitConnectorCategory  category;
  const char               *id;
  const char               *label;
} categories[] = {
  { CONDUIT_CONNECTOR_CATEGORY_TRIGGER, "trigger", N_("Triggers") },
  { CONDUIT_CONNECTOR_CATEGORY_ACTION, "action", N_("Actions") },
  { CONDUIT_CONNECTOR_CATEGORY_TRANSFORM, "transform", N_("Transforms") },
  { CONDUIT_CONNECTOR_CATEGORY_FILE, "file", N_("Files") },
  { CONDUIT_CONNECTOR_CATEGORY_LOGIC, "logic", N_("Logic") },
};

static const struct {
  ConduitSettingType  type;
  const char         *id;
} setting_types[] = {
  { CONDUIT_SETTING_STRING, "string" },
  { CONDUIT_SETTING_TEXT, "text" },
  { CONDUIT_SETTING_INTEGER, "integer" },
  { CONDUIT_SETTING_NUMBER, "number" },
  { CONDUIT_SETTING_BOOLEAN, "boolean" },
  { CONDUIT_SETTING_CHOICE, "choice" },
  { CONDUIT_SETTING_CREDENTIAL, "credential" },
  { CONDUIT_SETTING_EXPRESSION, "expression" },
  { CONDUIT_SETTING_OBJECT, "object" },
  { CONDUIT_SETTING_ARRAY, "array" },
};

ConduitPortSpec *
conduit_port_spec_copy (const ConduitPortSpec *spec)
{
  ConduitPortSpec *copy = g_new0 (ConduitPortSpec, 1);

  copy->id = g_strdup (spec->id);
  copy->label = g_strdup (spec->label);
  copy->is_error = spec->is_error;

  return copy;
}

void
conduit_port_spec_free (ConduitPortSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->id);
  g_free (spec->label);
  g_free (spec);
}

ConduitSettingSpec *
conduit_setting_spec_copy (const ConduitSettingSpec *spec)
{
  ConduitSettingSpec *copy = g_new0 (ConduitSettingSpec, 1);

  copy->key = g_strdup (spec->key);
  copy->label = g_strdup (spec->label);
  copy->help = g_strdup (spec->help);
  copy->type = spec->type;
  copy->required = spec->required;
  copy->is_template = spec->is_template;
  copy->binds_fields = spec->binds_fields;
  copy->default_value = spec->default_value ? json_node_copy (spec->default_value) : NULL;
  copy->allowed_values = g_strdupv (spec->allowed_values);
  copy->minimum = spec->minimum;
  copy->maximum = spec->maximum;

  return copy;
}

void
conduit_setting_spec_free (ConduitSettingSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->key);
  g_free (spec->label);
  g_free (spec->help);
  g_clear_pointer (&spec->default_value, json_node_unref);
  g_strfreev (spec->allowed_values);
  g_free (spec);
}

/**
 * conduit_setting_type_to_string:
 * @type: a setting type
 *
 * Returns: the name of @type as written in connector descriptions
 */
const char *
conduit_setting_type_to_string (ConduitSettingType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (setting_types); i++)
    if (setting_types[i].type == type)
      return setting_types[i].id;

  g_return_val_if_reached ("string");
}

/**
 * conduit_json_node_describe_type:
 * @value: a JSON value
 *
 * Returns: what kind of value @value is, in words for a message ("text", "an array", …)
 */
const char *
conduit_json_node_describe_type (JsonNode *value)
{
  if (JSON_NODE_HOLDS_NULL (value))
    return _("null");
  if (JSON_NODE_HOLDS_OBJECT (value))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (value))
    return _("an array");

  switch (json_node_get_value_type (value))
    {
    case G_TYPE_BOOLEAN:
      return _("true or false");
    case G_TYPE_INT64:
      return _("a whole number");
    case G_TYPE_DOUBLE:
      return _("a number");
    case G_TYPE_STRING:
      return _("text");
    default:
      return _("a value");
    }
}

/**
 * conduit_setting_spec_check_value:
 * @spec: a setting spec
 * @value: the value a flow gives the setting
 * @message: (out) (optional): where to store a sentence saying what is wrong
 *
 * Checks that @value has the type, range and choices @spec allows.
 *
 * Returns: %TRUE when @value fits @spec
 */
gboolean
conduit_setting_spec_check_value (const ConduitSettingSpec  *spec,
                                  JsonNode                  *value,
                                  char                     **message)
{
  const char *expected = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  switch (spec->type)
    {
    case CONDUIT_SETTING_STRING:
    case CONDUIT_SETTING_TEXT:
    case CONDUIT_SETTING_CREDENTIAL:
    case CONDUIT_SETTING_EXPRESSION:
    case CONDUIT_SETTING_CHOICE:
      expected = _("text");
      ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
      break;

    case CONDUIT_SETTING_INTEGER:
      expected = _("a whole number");
      ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64;
      break;

    case CONDUIT_SETTING_NUMBER:
      expected = _("a number");
      ok = JSON_NODE_HOLDS_VALUE (value) &&
           (json_node_get_value_type (value) == G_TYPE_INT64 ||
            json_node_get_value_type (value) == G_TYPE_DOUBLE);
      break;

    case CONDUIT_SETTING_BOOLEAN:
      expected = _("true or false");
      ok = JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN;
      break;

    case CONDUIT_SETTING_OBJECT:
      expected = _("an object");
      ok = JSON_NODE_HOLDS_OBJECT (value);
      break;

    case CONDUIT_SETTING_ARRAY:
      expected = _("an array");
      ok = JSON_NODE_HOLDS_ARRAY (value);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      if (message)
        *message = g_strdup_printf (_("“%s” must be %s, not %s"),
                                    spec->key, expected, conduit_json_node_describe_type (value));
      return FALSE;
    }

  if (spec->type == CONDUIT_SETTING_CHOICE && spec->allowed_values != NULL)
    {
      const char *str = json_node_get_string (value);

      if (!g_strv_contains ((const char * const *)spec->allowed_values, str))
        {
          if (message)
            {
              g_autofree char *choices = g_strjoinv (", ", spec->allowed_values);
              *message = g_strdup_printf (_("“%s” must be one of %s, not “%s”"),
                                          spec->key, choices, str);
            }
          return FALSE;
        }
    }

  if (spec->type == CONDUIT_SETTING_INTEGER || spec->type == CONDUIT_SETTING_NUMBER)
    {
      double number = json_node_get_double (value);

      if (number < spec->minimum || number > spec->maximum)
        {
          if (message)
            {
              if (spec->maximum == G_MAXDOUBLE)
                *message = g_strdup_printf (_("“%s” must be at least %g, not %g"),
                                            spec->key, spec->minimum, number);
              else if (spec->minimum == -G_MAXDOUBLE)
                *message = g_strdup_printf (_("“%s” must be at most %g, not %g"),
                                            spec->key, spec->maximum, number);
              else
                *message = g_strdup_printf (_("“%s” must be between %g and %g, not %g"),
                                            spec->key, spec->minimum, spec->maximum, number);
            }
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * conduit_setting_spec_holds_expressions:
 * @spec: a setting spec
 *
 * Returns: whether the setting's text is an expression, or (for text and, for objects, each
 *   value) a template with `{{ expression }}` parts
 */
gboolean
conduit_setting_spec_holds_expressions (const ConduitSettingSpec *spec)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  return spec->type == CONDUIT_SETTING_EXPRESSION || spec->is_template;
}

/**
 * conduit_setting_spec_check_text:
 * @spec: a setting spec
 * @text: a text the setting would hold (for an object setting: one of its values)
 * @error: where the error goes, of the %CONDUIT_EXPRESSION_ERROR domain:
 *   conduit_expression_error_get_column() and _get_length() say where in @text it is
 *
 * Compiles @text as the expression or template @spec says it is, the way the step compiles it
 * when it runs. The flow check and the inspector's rows both ask here, so an editor can never
 * accept what a run refuses. An empty expression is accepted (an optional one means none);
 * settings of plain text accept anything.
 *
 * Returns: %TRUE when @text compiles
 */
gboolean
conduit_setting_spec_check_text (const ConduitSettingSpec  *spec,
                                 const char                *text,
                                 GError                   **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (spec->type == CONDUIT_SETTING_EXPRESSION)
    {
      g_autoptr(ConduitExpression) expression = NULL;

      if (*text == '\0')
        return TRUE;
      expression = conduit_expression_new (text, error);
      return expression != NULL;
    }
  if (spec->is_template)
    {
      g_autoptr(ConduitTemplate) template = conduit_template_new (text, error);

      return template != NULL;
    }
  return TRUE;
}

static void
conduit_connector_finalize (GObject *object)
{
  ConduitConnector *self = (ConduitConnector *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->icon_name, g_free);
  g_clear_pointer (&self->summary_setting, g_free);
  g_clear_pointer (&self->inputs, g_ptr_array_unref);
  g_clear_pointer (&self->outputs, g_ptr_array_unref);
  g_clear_pointer (&self->settings, g_ptr_array_unref);
  g_clear_object (&self->app);
  g_clear_pointer (&self->app_part, g_free);

  G_OBJECT_CLASS (conduit_connector_parent_class)->finalize (object);
}

static void
conduit_connector_class_init (ConduitConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conduit_connector_finalize;
}

static void
conduit_connector_init (ConduitConnector *self)
{
  self->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_port_spec_free);
  self->outputs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_port_spec_free);
  self->settings = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_setting_spec_free);
}

static const char *
get_string_member (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   const char  *where,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                     "%s: “%s” is missing", where, member);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                   "%s: “%s” must be a string", where, member);
      return NULL;
    }

  return json_node_get_string (node);
}

static char *
translated (const char *msgid)
{
  if (msgid == NULL || *msgid == '\0')
    return g_strdup (msgid);

  return g_strdup (g_dgettext (GETTEXT_PACKAGE, msgid));
}

static gboolean
parse_ports (ConduitConnector  *self,
             JsonObject        *object,
             const char        *member,
             GPtrArray         *ports,
             GError           **error)
{
  JsonArray *array;
  JsonNode *node;

  node = json_object_get_member (object, member);
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                   "connector “%s”: “%s” must be an array", self->id, member);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(ConduitPortSpec) port = g_new0 (ConduitPortSpec, 1);
      g_autofree char *where = g_strdup_printf ("connector “%s” %s[%u]", self->id, member, i);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *port_object;
      const char *str;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                       "%s: must be an object", where);
          return FALSE;
        }

      port_object = json_node_get_object (element);
      if (!(str = get_string_member (port_object, "id", TRUE, where, error)))
        return FALSE;
      port->id = g_strdup (str);
      port->label = translated (get_string_member (port_object, "label", FALSE, where, NULL));
      if (port->label == NULL)
        port->label = g_strdup (port->id);
      port->is_error = json_object_get_boolean_member_with_default (port_object, "error", FALSE);

      g_ptr_array_add (ports, g_steal_pointer (&port));
    }

  return TRUE;
}

static gboolean
parse_settings (ConduitConnector  *self,
                JsonObject        *object,
                GError           **error)
{
  JsonArray *array;
  JsonNode *node;

  node = json_object_get_member (object, "settings");
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                   "connector “%s”: “settings” must be an array", self->id);
      return FALSE;
    }

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(ConduitSettingSpec) spec = g_new0 (ConduitSettingSpec, 1);
      g_autofree char *where = g_strdup_printf ("connector “%s” settings[%u]", self->id, i);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *setting;
      const char *type_name;
      const char *str;
      gboolean found = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                       "%s: must be an object", where);
          return FALSE;
        }

      setting = json_node_get_object (element);
      if (!(str = get_string_member (setting, "key", TRUE, where, error)))
        return FALSE;
      spec->key = g_strdup (str);
      spec->label = translated (get_string_member (setting, "label", FALSE, where, NULL));
      if (spec->label == NULL)
        spec->label = g_strdup (spec->key);
      spec->help = translated (get_string_member (setting, "help", FALSE, where, NULL));
      spec->required = json_object_get_boolean_member_with_default (setting, "required", FALSE);
      spec->is_template = json_object_get_boolean_member_with_default (setting, "template", FALSE);
      spec->binds_fields = json_object_get_boolean_member_with_default (setting, "parameters", FALSE);
      spec->minimum = json_object_get_double_member_with_default (setting, "minimum", -G_MAXDOUBLE);
      spec->maximum = json_object_get_double_member_with_default (setting, "maximum", G_MAXDOUBLE);

      type_name = json_object_get_string_member_with_default (setting, "type", "string");
      for (guint j = 0; j < G_N_ELEMENTS (setting_types); j++)
        {
          if (g_strcmp0 (type_name, setting_types[j].id) == 0)
            {
              spec->type = setting_types[j].type;
              found = TRUE;
              break;
            }
        }
      if (!found)
        {
          g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                       "%s: unknown setting type “%s”", where, type_name);
          return FALSE;
        }

      if (json_object_has_member (setting, "allowed"))
        {
          JsonArray *allowed = json_object_get_array_member (setting, "allowed");
          guint n = allowed ? json_array_get_length (allowed) : 0;

          spec->allowed_values = g_new0 (char *, n + 1);
          for (guint j = 0; j < n; j++)
            spec->allowed_values[j] = g_strdup (json_array_get_string_element (allowed, j));
        }

      if (json_object_has_member (setting, "default"))
        {
          g_autofree char *message = NULL;

          spec->default_value = json_node_copy (json_object_get_member (setting, "default"));
          if (!conduit_setting_spec_check_value (spec, spec->default_value, &message))
            {
              g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                           "%s: default: %s", where, message);
              return FALSE;
            }
        }

      g_ptr_array_add (self->settings, g_steal_pointer (&spec));
    }

  return TRUE;
}

/**
 * conduit_connector_new_from_json:
 * @object: a connector description
 * @error: a location for a #GError
 *
 * Builds a connector from its JSON description (see `docs/connectors.md`).
 * Every action gets an error port even when its description forgets one.
 *
 * Returns: (transfer full): a new connector, or %NULL with @error set
 */
ConduitConnector *
conduit_connector_new_from_json (JsonObject  *object,
                                 GError     **error)
{
  g_autoptr(ConduitConnector) self = NULL;
  const char *str;
  gboolean found = FALSE;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_CONNECTOR, NULL);

  if (!(str = get_string_member (object, "id", TRUE, "connector", error)))
    return NULL;
  self->id = g_strdup (str);

  if (!(str = get_string_member (object, "name", TRUE, self->id, error)))
    return NULL;
  self->name = translated (str);
  self->description = translated (get_string_member (object, "description", FALSE, self->id, NULL));
  if (self->description == NULL)
    self->description = g_strdup ("");
  self->icon_name = g_strdup (json_object_get_string_member_with_default (object, "icon",
                                                                          "application-x-executable-symbolic"));
  self->summary_setting = g_strdup (json_object_get_string_member_with_default (object, "summary", NULL));

  str = json_object_get_string_member_with_default (object, "category", "action");
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      if (g_strcmp0 (str, categories[i].id) == 0)
        {
          self->category = categories[i].category;
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      g_set_error (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                   "connector “%s”: unknown category “%s”", self->id, str);
      return NULL;
    }

  if (!parse_ports (self, object, "inputs", self->inputs, error) ||
      !parse_ports (self, object, "outputs", self->outputs, error) ||
      !parse_settings (self, object, error))
    return NULL;

  if (self->category == CONDUIT_CONNECTOR_CATEGORY_ACTION &&
      conduit_connector_find_output (self, "error") == NULL)
    {
      ConduitPortSpec *port = g_new0 (ConduitPortSpec, 1);

      port->id = g_strdup ("error");
      port->label = g_strdup (_("Error"));
      port->is_error = TRUE;
      g_ptr_array_add (self->outputs, port);
    }

  return g_steal_pointer (&self);
}

const char *
conduit_connector_get_id (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->id;
}

const char *
conduit_connector_get_name (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->name;
}

const char *
conduit_connector_get_description (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->description;
}

const char *
conduit_connector_get_icon_name (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->icon_name;
}

ConduitConnectorCategory
conduit_connector_get_category (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), 0);
  return self->category;
}

/**
 * conduit_connector_category_to_string:
 * @category: a category
 *
 * Returns: the identifier used for @category in connector descriptions
 */
const char *
conduit_connector_category_to_string (ConduitConnectorCategory category)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (categories[i].category == category)
      return categories[i].id;

  g_return_val_if_reached (NULL);
}

/**
 * conduit_connector_category_get_label:
 * @category: a category
 *
 * Returns: the translated heading for @category, as the palette shows it
 */
const char *
conduit_connector_category_get_label (ConduitConnectorCategory category)
{
  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    if (categories[i].category == category)
      return g_dgettext (GETTEXT_PACKAGE, categories[i].label);

  g_return_val_if_reached (NULL);
}

/**
 * conduit_connector_get_inputs:
 * @self: a connector
 *
 * Returns: (transfer none) (element-type ConduitPortSpec): the input ports
 */
GPtrArray *
conduit_connector_get_inputs (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->inputs;
}

/**
 * conduit_connector_get_outputs:
 * @self: a connector
 *
 * Returns: (transfer none) (element-type ConduitPortSpec): the output ports, error port included
 */
GPtrArray *
conduit_connector_get_outputs (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->outputs;
}

/**
 * conduit_connector_get_settings:
 * @self: a connector
 *
 * Returns: (transfer none) (element-type ConduitSettingSpec): the settings schema
 */
GPtrArray *
conduit_connector_get_settings (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->settings;
}

static const ConduitPortSpec *
find_port (GPtrArray  *ports,
           const char *port_id)
{
  for (guint i = 0; i < ports->len; i++)
    {
      const ConduitPortSpec *port = g_ptr_array_index (ports, i);

      if (g_strcmp0 (port->id, port_id) == 0)
        return port;
    }

  return NULL;
}

/**
 * conduit_connector_find_input:
 * @self: a connector
 * @port_id: a port id
 *
 * Returns: (nullable): the input port called @port_id
 */
const ConduitPortSpec *
conduit_connector_find_input (ConduitConnector *self,
                              const char       *port_id)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return find_port (self->inputs, port_id);
}

/**
 * conduit_connector_find_output:
 * @self: a connector
 * @port_id: a port id
 *
 * Returns: (nullable): the output port called @port_id
 */
const ConduitPortSpec *
conduit_connector_find_output (ConduitConnector *self,
                               const char       *port_id)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return find_port (self->outputs, port_id);
}

/**
 * conduit_connector_find_setting:
 * @self: a connector
 * @key: a setting key
 *
 * Returns: (nullable): the spec of the setting called @key
 */
const ConduitSettingSpec *
conduit_connector_find_setting (ConduitConnector *self,
                                const char       *key)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);

  for (guint i = 0; i < self->settings->len; i++)
    {
      const ConduitSettingSpec *spec = g_ptr_array_index (self->settings, i);

      if (g_strcmp0 (spec->key, key) == 0)
        return spec;
    }

  return NULL;
}

/**
 * conduit_connector_get_summary_setting:
 * @self: a connector
 *
 * Returns: (nullable): the key of the setting a node card shows as its one-line summary
 */
const char *
conduit_connector_get_summary_setting (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->summary_setting;
}

/**
 * conduit_connector_set_app:
 * @self: a connector
 * @app: the app descriptor it was made from
 * @part_id: the operation or trigger of @app it runs
 *
 * For the registry: marks a connector made from an app descriptor.
 */
void
conduit_connector_set_app (ConduitConnector     *self,
                           ConduitAppDescriptor *app,
                           const char           *part_id)
{
  g_return_if_fail (CONDUIT_IS_CONNECTOR (self));
  g_return_if_fail (CONDUIT_IS_APP_DESCRIPTOR (app));
  g_return_if_fail (part_id != NULL);

  g_set_object (&self->app, app);
  g_free (self->app_part);
  self->app_part = g_strdup (part_id);
}

/**
 * conduit_connector_get_app:
 * @self: a connector
 *
 * Returns: (transfer none) (nullable): the app descriptor of an app step, %NULL for built-in
 *   node types
 */
ConduitAppDescriptor *
conduit_connector_get_app (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);
  return self->app;
}

/**
 * conduit_connector_get_operation:
 * @self: a connector
 *
 * Returns: (transfer none) (nullable): the app operation an app step runs (for a poll trigger,
 *   the operation it polls), as its descriptor object
 */
JsonObject *
conduit_connector_get_operation (ConduitConnector *self)
{
  JsonObject *trigger;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);

  if (self->app == NULL)
    return NULL;
  if ((trigger = conduit_app_descriptor_find_trigger (self->app, self->app_part)) != NULL &&
      self->category == CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
    return conduit_app_descriptor_find_operation (self->app,
                                                  json_object_get_string_member (trigger, "operation"));
  return conduit_app_descriptor_find_operation (self->app, self->app_part);
}

/**
 * conduit_connector_get_trigger:
 * @self: a connector
 *
 * Returns: (transfer none) (nullable): the app trigger of an app trigger step
 */
JsonObject *
conduit_connector_get_trigger (ConduitConnector *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);

  if (self->app == NULL || self->category != CONDUIT_CONNECTOR_CATEGORY_TRIGGER)
    return NULL;
  return conduit_app_descriptor_find_trigger (self->app, self->app_part);
}

/**
 * conduit_connector_get_input_schema:
 * @self: a connector
 *
 * The fields an app operation takes, with their types, required rules, enums and help: what the
 * mapping table offers as destination fields after an app step's input.
 *
 * Returns: (transfer none) (nullable): the operation's "input" list, %NULL for built-in node
 *   types
 */
JsonArray *
conduit_connector_get_input_schema (ConduitConnector *self)
{
  JsonObject *operation;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (self), NULL);

  operation = conduit_connector_get_operation (self);
  if (operation == NULL || !json_object_has_member (operation, "input"))
    return NULL;
  return json_object_get_array_member (operation, "input");
}
