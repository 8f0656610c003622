/* conduit-node.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-node"

#include "config.h"

#include <math.h>

#include "conduit-node.h"

/* One node of a flow: which connector it uses, where it sits on the canvas, and its settings
 * as the flow file holds them (JSON values, kept with their exact types so that a load and a
 * save reproduce the file). The node does not judge its settings; conduit_flow_check() does.
 */

struct _ConduitNode
{
  GObject     parent_instance;

  char       *id;
  char       *connector_id;
  char       *title;
  char       *notes;
  gboolean    disabled;
  double      x;
  double      y;
  JsonObject *settings;
  JsonNode   *mapping;
  JsonNode   *pinned;    /* (nullable) object: output port → array of items */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_CONNECTOR_ID,
  PROP_TITLE,
  PROP_NOTES,
  PROP_X,
  PROP_Y,
  PROP_DISABLED,
  PROP_PINNED,
  N_PROPS
};

enum {
  SETTING_CHANGED,
  MAPPING_CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitNode, conduit_node, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
conduit_node_finalize (GObject *object)
{
  ConduitNode *self = (ConduitNode *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->connector_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->notes, g_free);
  g_clear_pointer (&self->settings, json_object_unref);
  g_clear_pointer (&self->mapping, json_node_unref);
  g_clear_pointer (&self->pinned, json_node_unref);

  G_OBJECT_CLASS (conduit_node_parent_class)->finalize (object);
}

static void
conduit_node_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ConduitNode *self = CONDUIT_NODE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_CONNECTOR_ID:
      g_value_set_string (value, self->connector_id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_NOTES:
      g_value_set_string (value, self->notes);
      break;
    case PROP_X:
      g_value_set_double (value, self->x);
      break;
    case PROP_Y:
      g_value_set_double (value, self->y);
      break;
    case PROP_DISABLED:
      g_value_set_boolean (value, self->disabled);
      break;
    case PROP_PINNED:
      g_value_set_boxed (value, self->pinned);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_node_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ConduitNode *self = CONDUIT_NODE (object);

  switch (prop_id)
    {
    case PROP_ID:
      self->id = g_value_dup_string (value);
      break;
    case PROP_CONNECTOR_ID:
      self->connector_id = g_value_dup_string (value);
      break;
    case PROP_TITLE:
      conduit_node_set_title (self, g_value_get_string (value));
      break;
    case PROP_NOTES:
      conduit_node_set_notes (self, g_value_get_string (value));
      break;
    case PROP_X:
      conduit_node_set_position (self, g_value_get_double (value), self->y);
      break;
    case PROP_Y:
      conduit_node_set_position (self, self->x, g_value_get_double (value));
      break;
    case PROP_DISABLED:
      conduit_node_set_disabled (self, g_value_get_boolean (value));
      break;
    case PROP_PINNED:
      conduit_node_set_pinned (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_node_class_init (ConduitNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conduit_node_finalize;
  object_class->get_property = conduit_node_get_property;
  object_class->set_property = conduit_node_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CONNECTOR_ID] =
    g_param_spec_string ("connector-id", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NOTES] =
    g_param_spec_string ("notes", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_X] =
    g_param_spec_double ("x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_Y] =
    g_param_spec_double ("y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISABLED] =
    g_param_spec_boolean ("disabled", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ConduitNode:pinned:
   *
   * The step's pinned output: a JSON object whose members are output ports, each an array of
   * items. A test run that uses pins does not execute the step; these items go downstream.
   */
  properties[PROP_PINNED] =
    g_param_spec_boxed ("pinned", NULL, NULL, JSON_TYPE_NODE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConduitNode::setting-changed:
   * @key: the setting that changed
   */
  signals[SETTING_CHANGED] =
    g_signal_new ("setting-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[MAPPING_CHANGED] =
    g_signal_new ("mapping-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
conduit_node_init (ConduitNode *self)
{
  self->settings = json_object_new ();
}

/**
 * conduit_node_new:
 * @id: an id unique in its flow
 * @connector_id: the connector this node uses
 *
 * Returns: (transfer full): a new node with no settings
 */
ConduitNode *
conduit_node_new (const char *id,
                  const char *connector_id)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (connector_id != NULL, NULL);

  return g_object_new (CONDUIT_TYPE_NODE,
                       "id", id,
                       "connector-id", connector_id,
                       NULL);
}

/**
 * conduit_node_copy:
 * @self: a node
 * @new_id: the id of the copy
 *
 * Returns: (transfer full): a deep copy of @self under another id
 */
ConduitNode *
conduit_node_copy (ConduitNode *self,
                   const char  *new_id)
{
  ConduitNode *copy;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;

  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);

  copy = conduit_node_new (new_id, self->connector_id);
  copy->title = g_strdup (self->title);
  copy->notes = g_strdup (self->notes);
  copy->disabled = self->disabled;
  copy->x = self->x;
  copy->y = self->y;
  json_object_iter_init_ordered (&iter, self->settings);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    json_object_set_member (copy->settings, key, json_node_copy (value));
  if (self->mapping)
    copy->mapping = json_node_copy (self->mapping);
  if (self->pinned)
    copy->pinned = json_node_copy (self->pinned);

  return copy;
}

const char *
conduit_node_get_id (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->id;
}

const char *
conduit_node_get_connector_id (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->connector_id;
}

/**
 * conduit_node_get_title:
 * @self: a node
 *
 * Returns: (nullable): the title the user gave the node
 */
const char *
conduit_node_get_title (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->title;
}

void
conduit_node_set_title (ConduitNode *self,
                        const char  *title)
{
  g_return_if_fail (CONDUIT_IS_NODE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

/**
 * conduit_node_get_notes:
 * @self: a node
 *
 * Returns: (nullable): free-form notes about the node
 */
const char *
conduit_node_get_notes (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->notes;
}

void
conduit_node_set_notes (ConduitNode *self,
                        const char  *notes)
{
  g_return_if_fail (CONDUIT_IS_NODE (self));

  if (notes != NULL && *notes == '\0')
    notes = NULL;

  if (g_strcmp0 (self->notes, notes) == 0)
    return;

  g_free (self->notes);
  self->notes = g_strdup (notes);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES]);
}

/**
 * conduit_node_get_disabled:
 * @self: a node
 *
 * A disabled step is kept in the flow but does no work: the runner passes its input items
 * through to its main output untouched, so a step can be switched off without unlinking it.
 *
 * Returns: whether the step is disabled
 */
gboolean
conduit_node_get_disabled (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), FALSE);
  return self->disabled;
}

void
conduit_node_set_disabled (ConduitNode *self,
                           gboolean     disabled)
{
  g_return_if_fail (CONDUIT_IS_NODE (self));

  disabled = !!disabled;
  if (self->disabled == disabled)
    return;

  self->disabled = disabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISABLED]);
}

double
conduit_node_get_x (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), 0);
  return self->x;
}

double
conduit_node_get_y (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), 0);
  return self->y;
}

/**
 * conduit_node_set_position:
 * @self: a node
 * @x: canvas x of the node's top-left corner
 * @y: canvas y of the node's top-left corner
 */
void
conduit_node_set_position (ConduitNode *self,
                           double       x,
                           double       y)
{
  gboolean x_changed, y_changed;

  g_return_if_fail (CONDUIT_IS_NODE (self));

  x_changed = self->x != x;
  y_changed = self->y != y;
  self->x = x;
  self->y = y;

  if (x_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_X]);
  if (y_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_Y]);
}

/**
 * conduit_node_get_settings:
 * @self: a node
 *
 * Returns: (transfer none): the settings object; change it through conduit_node_set_setting()
 */
JsonObject *
conduit_node_get_settings (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->settings;
}

/**
 * conduit_node_get_setting:
 * @self: a node
 * @key: a setting key
 *
 * Returns: (transfer none) (nullable): the value the flow gives @key
 */
JsonNode *
conduit_node_get_setting (ConduitNode *self,
                          const char  *key)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return json_object_get_member (self->settings, key);
}

/**
 * conduit_node_get_setting_string:
 * @self: a node
 * @key: a setting key
 *
 * Returns: (nullable): the setting's text, or %NULL when it is unset or not text
 */
const char *
conduit_node_get_setting_string (ConduitNode *self,
                                 const char  *key)
{
  JsonNode *value = conduit_node_get_setting (self, key);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (value);
}

/**
 * conduit_node_set_setting:
 * @self: a node
 * @key: a setting key
 * @value: (nullable): the new value, copied; %NULL removes the setting
 */
void
conduit_node_set_setting (ConduitNode *self,
                          const char  *key,
                          JsonNode    *value)
{
  JsonNode *old;

  g_return_if_fail (CONDUIT_IS_NODE (self));
  g_return_if_fail (key != NULL);

  old = json_object_get_member (self->settings, key);
  if (old == NULL && value == NULL)
    return;
  if (old != NULL && value != NULL && json_node_equal (old, value))
    return;

  if (value == NULL)
    json_object_remove_member (self->settings, key);
  else
    json_object_set_member (self->settings, key, json_node_copy (value));

  g_signal_emit (self, signals[SETTING_CHANGED], g_quark_from_string (key), key);
}

/**
 * conduit_node_get_mapping:
 * @self: a node
 *
 * Returns: (transfer none) (nullable): the node's field mapping as JSON
 */
JsonNode *
conduit_node_get_mapping (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->mapping;
}

/**
 * conduit_node_set_mapping:
 * @self: a node
 * @mapping: (nullable): the mapping as JSON, copied
 */
void
conduit_node_set_mapping (ConduitNode *self,
                          JsonNode    *mapping)
{
  g_return_if_fail (CONDUIT_IS_NODE (self));

  if (self->mapping == mapping ||
      (self->mapping != NULL && mapping != NULL && json_node_equal (self->mapping, mapping)))
    return;

  g_clear_pointer (&self->mapping, json_node_unref);
  if (mapping)
    self->mapping = json_node_copy (mapping);

  g_signal_emit (self, signals[MAPPING_CHANGED], 0);
}

/**
 * conduit_node_get_pinned:
 * @self: a node
 *
 * Returns: (transfer none) (nullable): the step's pinned output, a JSON object of output
 *   port → array of items, or %NULL when it is not pinned
 */
JsonNode *
conduit_node_get_pinned (ConduitNode *self)
{
  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  return self->pinned;
}

/**
 * conduit_node_set_pinned:
 * @self: a node
 * @pinned: (nullable): a JSON object of output port → array of items, copied; %NULL unpins
 *
 * The model holds what it is given (an array that is no array included); the flow's check
 * judges it, as it judges settings.
 */
void
conduit_node_set_pinned (ConduitNode *self,
                         JsonNode    *pinned)
{
  g_return_if_fail (CONDUIT_IS_NODE (self));

  if (self->pinned == pinned ||
      (self->pinned != NULL && pinned != NULL && json_node_equal (self->pinned, pinned)))
    return;

  g_clear_pointer (&self->pinned, json_node_unref);
  if (pinned)
    self->pinned = json_node_copy (pinned);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

/**
 * conduit_node_dup_pinned_items:
 * @self: a node
 * @port: an output port id
 *
 * Returns: (transfer full) (nullable) (element-type JsonNode): copies of the items pinned on
 *   @port, or %NULL when the step is not pinned or has nothing pinned there
 */
GPtrArray *
conduit_node_dup_pinned_items (ConduitNode *self,
                               const char  *port)
{
  GPtrArray *items;
  JsonNode *member;
  JsonArray *array;

  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);
  g_return_val_if_fail (port != NULL, NULL);

  if (self->pinned == NULL || !JSON_NODE_HOLDS_OBJECT (self->pinned))
    return NULL;
  member = json_object_get_member (json_node_get_object (self->pinned), port);
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return NULL;

  array = json_node_get_array (member);
  items = g_ptr_array_new_full (json_array_get_length (array), (GDestroyNotify)json_node_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));
  return items;
}

static JsonNode *
position_to_json (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  /* Whole numbers stay integers in the file: what a person would write. */
  if (value == floor (value) && fabs (value) < 1e15)
    json_node_set_int (node, (gint64)value);
  else
    json_node_set_double (node, value);

  return node;
}

/**
 * conduit_node_to_json:
 * @self: a node
 *
 * Returns: (transfer full): the node as the flow file stores it
 */
JsonNode *
conduit_node_to_json (ConduitNode *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonArray *position = json_array_new ();
  JsonNode *node;

  g_return_val_if_fail (CONDUIT_IS_NODE (self), NULL);

  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "type", self->connector_id);
  if (self->title)
    json_object_set_string_member (object, "title", self->title);
  json_array_add_element (position, position_to_json (self->x));
  json_array_add_element (position, position_to_json (self->y));
  json_object_set_array_member (object, "position", position);
  if (self->notes)
    json_object_set_string_member (object, "notes", self->notes);
  if (self->disabled)
    json_object_set_boolean_member (object, "disabled", TRUE);
  json_object_set_object_member (object, "settings", json_object_ref (self->settings));
  if (self->mapping)
    json_object_set_member (object, "mapping", json_node_copy (self->mapping));
  if (self->pinned)
    json_object_set_member (object, "pinned", json_node_copy (self->pinned));

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}
