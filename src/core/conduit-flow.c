/* conduit-flow.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "conduit-flow.h"
#include "conduit-flow-mapping-check.h"
#include "conduit-json-text.h"
#include "conduit-template.h"

/* A flow is the document a person edits: nodes and the links between them, plus a name, a
 * description and an owner. The model is lenient (it holds whatever the editor puts in it, an
 * unknown node type included) and conduit_flow_check() is strict; loading a file runs the
 * check and refuses a flow with problems, each problem naming its JSON pointer and line.
 */

/* Deep enough for any real sample data, shallow enough that json-glib's recursive parser and
 * our own recursive walks cannot exhaust the stack. */
#define MAX_JSON_DEPTH 256
#define MAX_PROBLEMS   200

struct _ConduitFlow
{
  GObject     parent_instance;

  char       *name;
  char       *description;
  char       *owner;
  GListStore *nodes;
  GListStore *links;
  GHashTable *nodes_by_id;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_OWNER,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitFlow, conduit_flow, G_TYPE_OBJECT)
G_DEFINE_QUARK (conduit-flow-error-quark, conduit_flow_error)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
emit_changed (ConduitFlow *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
conduit_flow_dispose (GObject *object)
{
  ConduitFlow *self = (ConduitFlow *)object;

  if (self->nodes != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->nodes));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
          g_signal_handlers_disconnect_by_data (node, self);
        }
    }

  g_clear_pointer (&self->nodes_by_id, g_hash_table_unref);
  g_clear_object (&self->nodes);
  g_clear_object (&self->links);

  G_OBJECT_CLASS (conduit_flow_parent_class)->dispose (object);
}

static void
conduit_flow_finalize (GObject *object)
{
  ConduitFlow *self = (ConduitFlow *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->owner, g_free);

  G_OBJECT_CLASS (conduit_flow_parent_class)->finalize (object);
}

static void
conduit_flow_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ConduitFlow *self = CONDUIT_FLOW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_OWNER:
      g_value_set_string (value, self->owner);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_flow_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ConduitFlow *self = CONDUIT_FLOW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      conduit_flow_set_name (self, g_value_get_string (value));
      break;
    case PROP_DESCRIPTION:
      conduit_flow_set_description (self, g_value_get_string (value));
      break;
    case PROP_OWNER:
      conduit_flow_set_owner (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_flow_class_init (ConduitFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_flow_dispose;
  object_class->finalize = conduit_flow_finalize;
  object_class->get_property = conduit_flow_get_property;
  object_class->set_property = conduit_flow_set_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_OWNER] =
    g_param_spec_string ("owner", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConduitFlow::changed:
   *
   * Emitted after any change to the flow, its nodes or its links: what a document needs to
   * know to mark itself unsaved.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
conduit_flow_init (ConduitFlow *self)
{
  self->nodes = g_list_store_new (CONDUIT_TYPE_NODE);
  self->links = g_list_store_new (CONDUIT_TYPE_LINK);
  self->nodes_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * conduit_flow_new:
 *
 * Returns: (transfer full): an empty flow
 */
ConduitFlow *
conduit_flow_new (void)
{
  return g_object_new (CONDUIT_TYPE_FLOW, NULL);
}

static void
set_string (ConduitFlow  *self,
            char        **field,
            const char   *value,
            GParamSpec   *pspec)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  emit_changed (self);
}

/**
 * conduit_flow_get_name:
 * @self: a flow
 *
 * Returns: (nullable): the flow's name
 */
const char *
conduit_flow_get_name (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return self->name;
}

void
conduit_flow_set_name (ConduitFlow *self,
                       const char  *name)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  set_string (self, &self->name, name, properties[PROP_NAME]);
}

/**
 * conduit_flow_get_description:
 * @self: a flow
 *
 * Returns: (nullable): what the flow is for
 */
const char *
conduit_flow_get_description (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return self->description;
}

void
conduit_flow_set_description (ConduitFlow *self,
                              const char  *description)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  set_string (self, &self->description, description, properties[PROP_DESCRIPTION]);
}

/**
 * conduit_flow_get_owner:
 * @self: a flow
 *
 * Returns: (nullable): the person responsible when the flow fails
 */
const char *
conduit_flow_get_owner (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return self->owner;
}

void
conduit_flow_set_owner (ConduitFlow *self,
                        const char  *owner)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  set_string (self, &self->owner, owner, properties[PROP_OWNER]);
}

/**
 * conduit_flow_get_nodes:
 * @self: a flow
 *
 * Returns: (transfer none): a #GListModel of #ConduitNode, in file order
 */
GListModel *
conduit_flow_get_nodes (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return G_LIST_MODEL (self->nodes);
}

/**
 * conduit_flow_get_links:
 * @self: a flow
 *
 * Returns: (transfer none): a #GListModel of #ConduitLink, in file order
 */
GListModel *
conduit_flow_get_links (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return G_LIST_MODEL (self->links);
}

guint
conduit_flow_get_n_nodes (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->nodes));
}

/**
 * conduit_flow_lookup_node:
 * @self: a flow
 * @id: a node id
 *
 * Returns: (transfer none) (nullable): the node called @id
 */
ConduitNode *
conduit_flow_lookup_node (ConduitFlow *self,
                          const char  *id)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->nodes_by_id, id);
}

static void
on_node_changed (ConduitFlow *self)
{
  emit_changed (self);
}

/**
 * conduit_flow_insert_node:
 * @self: a flow
 * @position: where in the node list
 * @node: a node whose id is not yet in the flow
 */
void
conduit_flow_insert_node (ConduitFlow *self,
                          guint        position,
                          ConduitNode *node)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));
  g_return_if_fail (conduit_flow_lookup_node (self, conduit_node_get_id (node)) == NULL);

  g_hash_table_insert (self->nodes_by_id, (char *)conduit_node_get_id (node), node);
  g_signal_connect_swapped (node, "notify", G_CALLBACK (on_node_changed), self);
  g_signal_connect_swapped (node, "setting-changed", G_CALLBACK (on_node_changed), self);
  g_signal_connect_swapped (node, "mapping-changed", G_CALLBACK (on_node_changed), self);
  g_list_store_insert (self->nodes, MIN (position, conduit_flow_get_n_nodes (self)), node);
  emit_changed (self);
}

/**
 * conduit_flow_add_node:
 * @self: a flow
 * @node: a node whose id is not yet in the flow
 */
void
conduit_flow_add_node (ConduitFlow *self,
                       ConduitNode *node)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  conduit_flow_insert_node (self, conduit_flow_get_n_nodes (self), node);
}

/**
 * conduit_flow_find_node_position:
 * @self: a flow
 * @node: a node
 * @position: (out) (optional): its index in the node list
 *
 * Returns: %TRUE when @node is in the flow
 */
gboolean
conduit_flow_find_node_position (ConduitFlow *self,
                                 ConduitNode *node,
                                 guint       *position)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), FALSE);
  return g_list_store_find (self->nodes, node, position);
}

/**
 * conduit_flow_list_links_of_node:
 * @self: a flow
 * @node_id: a node id
 *
 * Returns: (transfer container) (element-type ConduitLink): the links into and out of the node
 */
GPtrArray *
conduit_flow_list_links_of_node (ConduitFlow *self,
                                 const char  *node_id)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), result);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->links));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (G_LIST_MODEL (self->links), i);

      if (g_strcmp0 (conduit_link_get_from_node (link), node_id) == 0 ||
          g_strcmp0 (conduit_link_get_to_node (link), node_id) == 0)
        g_ptr_array_add (result, g_steal_pointer (&link));
    }

  return result;
}

/**
 * conduit_flow_remove_node:
 * @self: a flow
 * @node: a node of the flow
 *
 * Removes @node and every link into or out of it.
 */
void
conduit_flow_remove_node (ConduitFlow *self,
                          ConduitNode *node)
{
  g_autoptr(ConduitNode) hold = NULL;
  g_autoptr(GPtrArray) links = NULL;
  guint position;

  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  if (!g_list_store_find (self->nodes, node, &position))
    return;

  hold = g_object_ref (node);
  links = conduit_flow_list_links_of_node (self, conduit_node_get_id (node));
  for (guint i = 0; i < links->len; i++)
    conduit_flow_remove_link (self, g_ptr_array_index (links, i));

  g_signal_handlers_disconnect_by_data (node, self);
  g_hash_table_remove (self->nodes_by_id, conduit_node_get_id (node));
  g_list_store_remove (self->nodes, position);
  emit_changed (self);
}

/**
 * conduit_flow_dup_unique_node_id:
 * @self: a flow
 * @base: what the id should look like, e.g. the connector id
 *
 * Returns: (transfer full): @base, or @base followed by a number, not yet used in @self
 */
char *
conduit_flow_dup_unique_node_id (ConduitFlow *self,
                                 const char  *base)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (conduit_flow_lookup_node (self, base) == NULL)
    return g_strdup (base);

  for (guint i = 2; ; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("%s-%u", base, i);

      if (conduit_flow_lookup_node (self, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

/**
 * conduit_flow_find_link:
 * @self: a flow
 * @like: a link
 *
 * Returns: (transfer none) (nullable): the link of @self joining the same ports as @like
 */
ConduitLink *
conduit_flow_find_link (ConduitFlow *self,
                        ConduitLink *like)
{
  guint n;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  g_return_val_if_fail (CONDUIT_IS_LINK (like), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->links));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (G_LIST_MODEL (self->links), i);

      if (conduit_link_equal (link, like))
        return link;  /* the store keeps its reference */
    }

  return NULL;
}

/* Is @target reachable from @start along the flow's links? */
static gboolean
reaches (ConduitFlow *self,
         const char  *start,
         const char  *target)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) stack = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->links));

  g_ptr_array_add (stack, (char *)start);
  while (stack->len > 0)
    {
      const char *current = g_ptr_array_steal_index_fast (stack, stack->len - 1);

      if (g_str_equal (current, target))
        return TRUE;
      if (!g_hash_table_add (seen, (char *)current))
        continue;

      for (guint i = 0; i < n; i++)
        {
          ConduitLink *link = g_list_model_get_item (G_LIST_MODEL (self->links), i);

          if (g_str_equal (conduit_link_get_from_node (link), current))
            g_ptr_array_add (stack, (char *)conduit_link_get_to_node (link));
          g_object_unref (link);  /* the store keeps the strings alive */
        }
    }

  return FALSE;
}

/**
 * conduit_flow_can_link:
 * @self: a flow
 * @registry: the connectors
 * @link: a link that is not yet in the flow
 * @error: a location for a #GError, saying why not
 *
 * Checks that @link joins an existing output port to an existing input port, is not there
 * already and would not make the flow loop.
 *
 * Returns: %TRUE when @link may be added
 */
gboolean
conduit_flow_can_link (ConduitFlow               *self,
                       ConduitConnectorRegistry  *registry,
                       ConduitLink               *link,
                       GError                   **error)
{
  ConduitNode *from, *to;
  ConduitConnector *from_connector, *to_connector;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), FALSE);
  g_return_val_if_fail (CONDUIT_IS_LINK (link), FALSE);

  from = conduit_flow_lookup_node (self, conduit_link_get_from_node (link));
  to = conduit_flow_lookup_node (self, conduit_link_get_to_node (link));
  if (from == NULL || to == NULL)
    {
      g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                   _("There is no node “%s”"),
                   from == NULL ? conduit_link_get_from_node (link) : conduit_link_get_to_node (link));
      return FALSE;
    }

  if (from == to)
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                           _("A node cannot be linked to itself"));
      return FALSE;
    }

  from_connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (from));
  to_connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (to));
  if (from_connector == NULL ||
      conduit_connector_find_output (from_connector, conduit_link_get_from_port (link)) == NULL)
    {
      g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                   _("“%s” has no output port “%s”"),
                   conduit_link_get_from_node (link), conduit_link_get_from_port (link));
      return FALSE;
    }
  if (to_connector == NULL ||
      conduit_connector_find_input (to_connector, conduit_link_get_to_port (link)) == NULL)
    {
      g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                   _("“%s” has no input port “%s”"),
                   conduit_link_get_to_node (link), conduit_link_get_to_port (link));
      return FALSE;
    }

  if (conduit_flow_find_link (self, link) != NULL)
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                           _("These ports are linked already"));
      return FALSE;
    }

  if (reaches (self, conduit_link_get_to_node (link), conduit_link_get_from_node (link)))
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK,
                           _("This link would make the flow go round in a loop"));
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_flow_add_link:
 * @self: a flow
 * @link: a link
 *
 * Adds @link as it is; use conduit_flow_can_link() first for links a person draws.
 */
void
conduit_flow_add_link (ConduitFlow *self,
                       ConduitLink *link)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_LINK (link));

  g_list_store_append (self->links, link);
  emit_changed (self);
}

/**
 * conduit_flow_remove_link:
 * @self: a flow
 * @link: a link of the flow (or one joining the same ports)
 */
void
conduit_flow_remove_link (ConduitFlow *self,
                          ConduitLink *link)
{
  ConduitLink *existing;
  guint position;

  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_LINK (link));

  existing = conduit_flow_find_link (self, link);
  if (existing == NULL || !g_list_store_find (self->links, existing, &position))
    return;

  g_list_store_remove (self->links, position);
  emit_changed (self);
}

/**
 * conduit_flow_list_credential_ids:
 * @self: a flow
 * @registry: the connectors, to know which settings hold credentials
 *
 * Returns: (transfer full) (element-type utf8): the distinct credential ids the flow refers to
 */
GPtrArray *
conduit_flow_list_credential_ids (ConduitFlow              *self,
                                  ConduitConnectorRegistry *registry)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint n;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), ids);

  n = conduit_flow_get_n_nodes (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      ConduitConnector *connector;
      GPtrArray *settings;

      connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
      if (connector == NULL)
        continue;

      settings = conduit_connector_get_settings (connector);
      for (guint j = 0; j < settings->len; j++)
        {
          const ConduitSettingSpec *spec = g_ptr_array_index (settings, j);
          const char *id;

          if (spec->type != CONDUIT_SETTING_CREDENTIAL)
            continue;

          id = conduit_node_get_setting_string (node, spec->key);
          if (id != NULL && *id != '\0' &&
              !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
            g_ptr_array_add (ids, g_strdup (id));
        }
    }

  return ids;
}

/* ------------------------------------------------------------------------------------------ */
/* Checking                                                                                    */

static void
add_problem (GPtrArray  *problems,
             const char *pointer,
             const char *node_id,
             const char *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
add_problem (GPtrArray  *problems,
             const char *pointer,
             const char *node_id,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (problems->len >= MAX_PROBLEMS)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, conduit_flow_problem_new (pointer, node_id, message));
}

static char *
list_connector_ids (ConduitConnectorRegistry *registry)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (registry));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (G_LIST_MODEL (registry), i);

      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append (str, conduit_connector_get_id (connector));
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* Compiles @text as the expression or template @spec says it is, so that a flow with a typo in
 * a condition or a {{template}} is refused when it is loaded (by `validate`, the inspector and
 * `serve`), not when its first item reaches the step. */
static void
check_text_compiles (const ConduitSettingSpec *spec,
                     const char               *text,
                     const char               *pointer,
                     const char               *node_id,
                     GPtrArray                *problems)
{
  g_autoptr(GError) error = NULL;

  if (spec->type == CONDUIT_SETTING_EXPRESSION)
    {
      g_autoptr(ConduitExpression) expression = conduit_expression_new (text, &error);

      if (expression == NULL)
        add_problem (problems, pointer, node_id, _("node “%s”: %s (%s): %s"),
                     node_id, spec->label, spec->key, error->message);
    }
  else
    {
      g_autoptr(ConduitTemplate) template = conduit_template_new (text, &error);

      if (template == NULL)
        add_problem (problems, pointer, node_id, _("node “%s”: %s (%s): %s"),
                     node_id, spec->label, spec->key, error->message);
    }
}

static void
check_setting_compiles (const ConduitSettingSpec *spec,
                        JsonNode                 *value,
                        const char               *pointer,
                        const char               *node_id,
                        GPtrArray                *problems)
{
  if (spec->type != CONDUIT_SETTING_EXPRESSION && !spec->is_template)
    return;

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      /* An empty optional expression means "none" (e.g. no idempotency key). */
      if (*text != '\0' || spec->type != CONDUIT_SETTING_EXPRESSION)
        check_text_compiles (spec, text, pointer, node_id, problems);
    }
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *member_name;
      JsonNode *member;

      /* Header and query values: each one is a template, as the HTTP step compiles them. */
      json_object_iter_init_ordered (&iter, json_node_get_object (value));
      while (json_object_iter_next_ordered (&iter, &member_name, &member))
        {
          g_autofree char *member_pointer = conduit_json_pointer_append (pointer, member_name);
          g_autofree char *text = NULL;

          if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
            text = g_strdup (json_node_get_string (member));
          else
            text = json_to_string (member, FALSE);
          check_text_compiles (spec, text, member_pointer, node_id, problems);
        }
    }
}

static void
check_node (ConduitFlow              *self,
            ConduitConnectorRegistry *registry,
            ConduitNode              *node,
            const char               *pointer,
            GPtrArray                *problems)
{
  const char *node_id = conduit_node_get_id (node);
  const char *type = conduit_node_get_connector_id (node);
  ConduitConnector *connector = conduit_connector_registry_lookup (registry, type);
  g_autofree char *settings_pointer = conduit_json_pointer_append (pointer, "settings");
  JsonObject *settings = conduit_node_get_settings (node);
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  GPtrArray *specs;

  if (connector == NULL)
    {
      g_autofree char *type_pointer = conduit_json_pointer_append (pointer, "type");
      g_autofree char *known = list_connector_ids (registry);

      add_problem (problems, type_pointer, node_id,
                   _("node “%s” has unknown type “%s” (known types: %s)"), node_id, type, known);
      return;
    }

  json_object_iter_init_ordered (&iter, settings);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      g_autofree char *setting_pointer = conduit_json_pointer_append (settings_pointer, key);
      const ConduitSettingSpec *spec = conduit_connector_find_setting (connector, key);
      g_autofree char *message = NULL;

      if (spec == NULL)
        {
          add_problem (problems, setting_pointer, node_id,
                       _("node “%s” (%s) has no setting “%s”"),
                       node_id, conduit_connector_get_name (connector), key);
          continue;
        }

      if (JSON_NODE_HOLDS_NULL (value) && !spec->required)
        continue;

      if (!conduit_setting_spec_check_value (spec, value, &message))
        {
          add_problem (problems, setting_pointer, node_id,
                       _("node “%s”: %s"), node_id, message);
          continue;
        }

      if (spec->required && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING &&
          *json_node_get_string (value) == '\0')
        {
          add_problem (problems, setting_pointer, node_id,
                       _("node “%s”: required setting “%s” (%s) is empty"),
                       node_id, spec->key, spec->label);
          continue;
        }

      check_setting_compiles (spec, value, setting_pointer, node_id, problems);
    }

  specs = conduit_connector_get_settings (connector);
  for (guint i = 0; i < specs->len; i++)
    {
      const ConduitSettingSpec *spec = g_ptr_array_index (specs, i);

      if (spec->required && spec->default_value == NULL &&
          !json_object_has_member (settings, spec->key))
        add_problem (problems, settings_pointer, node_id,
                     _("node “%s”: required setting “%s” (%s) is missing"),
                     node_id, spec->key, spec->label);
    }

  if (conduit_node_get_mapping (node) != NULL)
    {
      g_autofree char *mapping_pointer = conduit_json_pointer_append (pointer, "mapping");
      GPtrArray *mapping_problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

      conduit_flow_mapping_check (conduit_node_get_mapping (node), mapping_pointer, node_id,
                                  mapping_problems);
      while (mapping_problems->len > 0 && problems->len < MAX_PROBLEMS)
        g_ptr_array_add (problems, g_ptr_array_steal_index (mapping_problems, 0));
      g_ptr_array_unref (mapping_problems);
    }
}

static void
check_links (ConduitFlow              *self,
             ConduitConnectorRegistry *registry,
             GPtrArray                *link_pointers,
             GPtrArray                *problems)
{
  g_autoptr(GPtrArray) valid = g_ptr_array_new ();
  g_autoptr(GHashTable) seen_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) adjacency = NULL;
  g_autoptr(GHashTable) state = NULL;
  GListModel *links = G_LIST_MODEL (self->links);
  guint n = g_list_model_get_n_items (links);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      g_autofree char *fallback = g_strdup_printf ("/links/%u", i);
      const char *pointer = link_pointers ? g_ptr_array_index (link_pointers, i) : fallback;
      const char *ends[2][2] = {
        { conduit_link_get_from_node (link), conduit_link_get_from_port (link) },
        { conduit_link_get_to_node (link), conduit_link_get_to_port (link) },
      };
      gboolean ok = TRUE;

      for (guint end = 0; end < 2; end++)
        {
          ConduitNode *node = conduit_flow_lookup_node (self, ends[end][0]);
          g_autofree char *node_pointer = conduit_json_pointer_append (pointer, end == 0 ? "from" : "to");
          g_autofree char *port_pointer = conduit_json_pointer_append (pointer, end == 0 ? "from_port" : "to_port");
          ConduitConnector *connector;
          const ConduitPortSpec *port;

          if (node == NULL)
            {
              add_problem (problems, node_pointer, NULL,
                           _("link %u goes %s node “%s”, which does not exist"),
                           i + 1, end == 0 ? _("from") : _("to"), ends[end][0]);
              ok = FALSE;
              continue;
            }

          connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
          if (connector == NULL)
            {
              ok = FALSE;   /* reported at the node already */
              continue;
            }

          port = end == 0 ? conduit_connector_find_output (connector, ends[end][1])
                          : conduit_connector_find_input (connector, ends[end][1]);
          if (port == NULL)
            {
              GPtrArray *ports = end == 0 ? conduit_connector_get_outputs (connector)
                                          : conduit_connector_get_inputs (connector);
              g_autoptr(GString) names = g_string_new (NULL);

              for (guint p = 0; p < ports->len; p++)
                {
                  const ConduitPortSpec *spec = g_ptr_array_index (ports, p);
                  g_string_append_printf (names, "%s“%s”", p ? ", " : "", spec->id);
                }

              if (ports->len == 0)
                add_problem (problems, port_pointer, ends[end][0],
                             end == 0 ? _("link %u: node “%s” (%s) has no output ports")
                                      : _("link %u: node “%s” (%s) has no input ports"),
                             i + 1, ends[end][0], conduit_connector_get_name (connector));
              else
                add_problem (problems, port_pointer, ends[end][0],
                             end == 0 ? _("link %u: node “%s” (%s) has no output port “%s” (it has %s)")
                                      : _("link %u: node “%s” (%s) has no input port “%s” (it has %s)"),
                             i + 1, ends[end][0], conduit_connector_get_name (connector),
                             ends[end][1], names->str);
              ok = FALSE;
            }
        }

      if (ok && g_str_equal (ends[0][0], ends[1][0]))
        {
          add_problem (problems, pointer, ends[0][0],
                       _("link %u joins node “%s” to itself"), i + 1, ends[0][0]);
          ok = FALSE;
        }

      if (ok)
        {
          /* a hash of the four ends keeps this linear for flows with many links */
          char *key = g_strjoin ("\x1f", ends[0][0], ends[0][1], ends[1][0], ends[1][1], NULL);

          if (!g_hash_table_add (seen_links, key))
            {
              add_problem (problems, pointer, NULL,
                           _("link %u repeats an earlier link"), i + 1);
              ok = FALSE;
            }
        }

      if (ok)
        g_ptr_array_add (valid, link);  /* the store keeps it alive */
    }

  /* Cycles: a depth-first walk over the valid links; the link that closes a loop is named. */
  adjacency = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < valid->len; i++)
    {
      ConduitLink *link = g_ptr_array_index (valid, i);
      GPtrArray *out = g_hash_table_lookup (adjacency, conduit_link_get_from_node (link));

      if (out == NULL)
        {
          out = g_ptr_array_new ();
          g_hash_table_insert (adjacency, (char *)conduit_link_get_from_node (link), out);
        }
      g_ptr_array_add (out, link);
    }

  state = g_hash_table_new (g_str_hash, g_str_equal);   /* 1 = on the path, 2 = done */
  {
    guint n_nodes = conduit_flow_get_n_nodes (self);

    for (guint start = 0; start < n_nodes; start++)
      {
        g_autoptr(ConduitNode) start_node = g_list_model_get_item (G_LIST_MODEL (self->nodes), start);
        g_autoptr(GArray) stack = NULL;
        typedef struct { const char *id; guint next; } Visit;
        Visit first = { conduit_node_get_id (start_node), 0 };

        if (g_hash_table_contains (state, first.id))
          continue;

        stack = g_array_new (FALSE, FALSE, sizeof (Visit));
        g_array_append_val (stack, first);
        g_hash_table_insert (state, (char *)first.id, GUINT_TO_POINTER (1));

        while (stack->len > 0)
          {
            Visit *top = &g_array_index (stack, Visit, stack->len - 1);
            GPtrArray *out = g_hash_table_lookup (adjacency, top->id);

            if (out == NULL || top->next >= out->len)
              {
                g_hash_table_insert (state, (char *)top->id, GUINT_TO_POINTER (2));
                g_array_set_size (stack, stack->len - 1);
                continue;
              }

            {
              ConduitLink *link = g_ptr_array_index (out, top->next++);
              const char *to = conduit_link_get_to_node (link);
              guint to_state = GPOINTER_TO_UINT (g_hash_table_lookup (state, to));

              if (to_state == 1)
                {
                  g_autoptr(GString) path = g_string_new (to);
                  guint position = 0;
                  const char *pointer;
                  g_autofree char *fallback = NULL;

                  guint loop_start = 0;

                  for (guint k = 0; k < stack->len; k++)
                    if (g_str_equal (g_array_index (stack, Visit, k).id, to))
                      loop_start = k;

                  for (guint k = loop_start + 1; k < stack->len; k++)
                    {
                      const char *id = g_array_index (stack, Visit, k).id;
                      guint loop_length = stack->len - loop_start;

                      /* A long loop is named by its ends: the message must stay readable. */
                      if (loop_length > 12 && k == loop_start + 6)
                        {
                          g_string_append_printf (path, " → … (%u more) …", loop_length - 11);
                          k = stack->len - 6;
                          continue;
                        }
                      g_string_append_printf (path, " → %s", id);
                    }
                  g_string_append_printf (path, " → %s", to);

                  g_list_store_find (self->links, link, &position);
                  fallback = g_strdup_printf ("/links/%u", position);
                  pointer = link_pointers ? g_ptr_array_index (link_pointers, position) : fallback;
                  add_problem (problems, pointer, NULL,
                               _("link %u makes the flow go round in a loop (%s); flows must not loop"),
                               position + 1, path->str);
                }
              else if (to_state == 0)
                {
                  Visit next = { to, 0 };

                  g_hash_table_insert (state, (char *)to, GUINT_TO_POINTER (1));
                  g_array_append_val (stack, next);
                }
            }
          }
      }
  }
}

static GPtrArray *
check_flow (ConduitFlow              *self,
            ConduitConnectorRegistry *registry,
            GPtrArray                *node_pointers,
            GPtrArray                *link_pointers,
            GPtrArray                *problems)
{
  guint n = conduit_flow_get_n_nodes (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      g_autofree char *fallback = g_strdup_printf ("/nodes/%u", i);

      check_node (self, registry, node,
                  node_pointers ? g_ptr_array_index (node_pointers, i) : fallback,
                  problems);
    }

  check_links (self, registry, link_pointers, problems);

  return problems;
}

/**
 * conduit_flow_check:
 * @self: a flow
 * @registry: the connectors
 *
 * Checks node types, settings, mappings and links, and that the flow does not loop.
 *
 * Returns: (transfer full) (element-type ConduitFlowProblem): the problems, empty when none
 */
GPtrArray *
conduit_flow_check (ConduitFlow              *self,
                    ConduitConnectorRegistry *registry)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), problems);
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), problems);

  return check_flow (self, registry, NULL, NULL, problems);
}

/**
 * conduit_flow_check_node:
 * @self: a flow
 * @registry: the connectors
 * @node: a node of @self
 *
 * Checks one node's type, settings and mapping, as the editor does for a warning badge.
 *
 * Returns: (transfer full) (element-type ConduitFlowProblem): the problems, empty when none
 */
GPtrArray *
conduit_flow_check_node (ConduitFlow              *self,
                         ConduitConnectorRegistry *registry,
                         ConduitNode              *node)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);
  g_autofree char *pointer = NULL;
  guint position = 0;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), problems);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), problems);

  conduit_flow_find_node_position (self, node, &position);
  pointer = g_strdup_printf ("/nodes/%u", position);
  check_node (self, registry, node, pointer, problems);

  return problems;
}

/* ------------------------------------------------------------------------------------------ */
/* Loading                                                                                     */

static gboolean
is_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) &&
         (json_node_get_value_type (value) == G_TYPE_INT64 ||
          json_node_get_value_type (value) == G_TYPE_DOUBLE);
}

/* Reads an optional (or required) string member, reporting a wrong type or absence. */
static const char *
read_string (JsonObject *object,
             const char *member,
             const char *pointer,
             gboolean    required,
             const char *node_id,
             GPtrArray  *problems)
{
  JsonNode *value = json_object_get_member (object, member);
  g_autofree char *member_pointer = conduit_json_pointer_append (pointer, member);

  if (value == NULL)
    {
      if (required)
        add_problem (problems, pointer, node_id, _("“%s” is missing: expected text"), member);
      return NULL;
    }

  if (!is_string (value))
    {
      add_problem (problems, member_pointer, node_id, _("“%s” must be text, not %s"),
                   member, conduit_json_node_describe_type (value));
      return NULL;
    }

  if (required && *json_node_get_string (value) == '\0')
    {
      add_problem (problems, member_pointer, node_id, _("“%s” must not be empty"), member);
      return NULL;
    }

  return json_node_get_string (value);
}

static void
check_members (JsonObject         *object,
               const char         *pointer,
               const char * const *known,
               const char         *what,
               const char         *node_id,
               GPtrArray          *problems)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (!g_strv_contains (known, name))
        {
          g_autofree char *member_pointer = conduit_json_pointer_append (pointer, name);
          g_autofree char *expected = g_strjoinv (", ", (char **)known);

          add_problem (problems, member_pointer, node_id,
                       _("unknown member “%s” in %s (expected one of: %s)"), name, what, expected);
        }
    }
}

static ConduitNode *
read_node (JsonNode   *value,
           const char *pointer,
           GHashTable *seen_ids,
           GPtrArray  *problems)
{
  static const char * const known[] = { "id", "type", "title", "position", "notes", "settings",
                                        "mapping", NULL };
  g_autoptr(ConduitNode) node = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *id;
  const char *type;
  const char *str;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      add_problem (problems, pointer, NULL, _("a node must be an object, not %s"),
                   conduit_json_node_describe_type (value));
      return NULL;
    }

  object = json_node_get_object (value);
  id = read_string (object, "id", pointer, TRUE, NULL, problems);
  type = read_string (object, "type", pointer, TRUE, id, problems);
  check_members (object, pointer, known, _("a node"), id, problems);

  if (id != NULL)
    {
      const char *first = g_hash_table_lookup (seen_ids, id);

      if (first != NULL)
        {
          g_autofree char *id_pointer = conduit_json_pointer_append (pointer, "id");

          add_problem (problems, id_pointer, id,
                       _("duplicate node id “%s” (first used at %s); node ids must be unique"),
                       id, first);
          return NULL;
        }
      g_hash_table_insert (seen_ids, g_strdup (id), g_strdup (pointer));
    }

  if (id == NULL || type == NULL)
    return NULL;

  node = conduit_node_new (id, type);

  if ((str = read_string (object, "title", pointer, FALSE, id, problems)))
    conduit_node_set_title (node, str);
  if ((str = read_string (object, "notes", pointer, FALSE, id, problems)))
    conduit_node_set_notes (node, str);

  if ((member = json_object_get_member (object, "position")))
    {
      g_autofree char *position_pointer = conduit_json_pointer_append (pointer, "position");

      if (!JSON_NODE_HOLDS_ARRAY (member) ||
          json_array_get_length (json_node_get_array (member)) != 2 ||
          !is_number (json_array_get_element (json_node_get_array (member), 0)) ||
          !is_number (json_array_get_element (json_node_get_array (member), 1)))
        add_problem (problems, position_pointer, id,
                     _("“position” must be two numbers [x, y], not %s"), conduit_json_node_describe_type (member));
      else
        conduit_node_set_position (node,
                                   json_array_get_double_element (json_node_get_array (member), 0),
                                   json_array_get_double_element (json_node_get_array (member), 1));
    }

  if ((member = json_object_get_member (object, "settings")))
    {
      g_autofree char *settings_pointer = conduit_json_pointer_append (pointer, "settings");

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          add_problem (problems, settings_pointer, id, _("“settings” must be an object, not %s"),
                       conduit_json_node_describe_type (member));
        }
      else
        {
          JsonObjectIter iter;
          const char *key;
          JsonNode *setting;

          json_object_iter_init_ordered (&iter, json_node_get_object (member));
          while (json_object_iter_next_ordered (&iter, &key, &setting))
            conduit_node_set_setting (node, key, setting);
        }
    }

  if ((member = json_object_get_member (object, "mapping")))
    {
      g_autofree char *mapping_pointer = conduit_json_pointer_append (pointer, "mapping");

      if (!JSON_NODE_HOLDS_OBJECT (member))
        add_problem (problems, mapping_pointer, id, _("“mapping” must be an object, not %s"),
                     conduit_json_node_describe_type (member));
      else
        conduit_node_set_mapping (node, member);
    }

  /* A node with an id and a type joins the flow even when some of its other members are wrong
   * (those are reported above and the load fails all the same), so that the checks of its
   * settings and links still run and every problem is reported at once. */
  return g_steal_pointer (&node);
}

static ConduitLink *
read_link (JsonNode   *value,
           const char *pointer,
           GPtrArray  *problems)
{
  static const char * const known[] = { "from", "from_port", "to", "to_port", NULL };
  JsonObject *object;
  const char *from, *from_port, *to, *to_port;
  guint problems_before = problems->len;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      add_problem (problems, pointer, NULL, _("a link must be an object, not %s"),
                   conduit_json_node_describe_type (value));
      return NULL;
    }

  object = json_node_get_object (value);
  from = read_string (object, "from", pointer, TRUE, NULL, problems);
  from_port = read_string (object, "from_port", pointer, TRUE, NULL, problems);
  to = read_string (object, "to", pointer, TRUE, NULL, problems);
  to_port = read_string (object, "to_port", pointer, TRUE, NULL, problems);
  check_members (object, pointer, known, _("a link"), NULL, problems);

  if (problems->len > problems_before)
    return NULL;

  return conduit_link_new (from, from_port, to, to_port);
}

static void
locate_problems (GPtrArray  *problems,
                 const char *data,
                 gsize       length)
{
  for (guint i = 0; i < problems->len; i++)
    {
      ConduitFlowProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *parent = NULL;
      const char *pointer = problem->pointer;

      if (problem->line > 0)
        continue;

      /* A missing member is reported at its parent; walk up until something is found. */
      while (!conduit_json_text_locate (data, length, pointer, &problem->line, &problem->column))
        {
          char *slash = strrchr (pointer, '/');

          if (slash == NULL)
            {
              problem->line = 1;
              problem->column = 1;
              break;
            }
          {
            char *up = g_strndup (pointer, slash - pointer);

            /* pointer may point into parent: make the new one before freeing the old */
            g_free (parent);
            parent = up;
            pointer = parent;
          }
        }
    }
}

static gboolean
fail_with_problems (GPtrArray  *problems,
                    GPtrArray **problems_out,
                    GError    **error)
{
  ConduitFlowProblem *first = g_ptr_array_index (problems, 0);
  g_autofree char *text = conduit_flow_problem_format (first);

  if (problems->len == 1)
    g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID, _("line %s"), text);
  else
    g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID,
                 g_dngettext (GETTEXT_PACKAGE, "line %s (and %u more problem)",
                              "line %s (and %u more problems)",
                           problems->len - 1),
                 text, problems->len - 1);

  if (problems_out)
    *problems_out = g_ptr_array_ref (problems);

  return FALSE;
}

/* json-glib reports "<data>:LINE:COL: Parse error: ..." */
static ConduitFlowProblem *
problem_from_parse_error (const GError *parse_error)
{
  const char *message = parse_error->message;
  guint line = 0, column = 0;
  const char *rest = message;
  ConduitFlowProblem *problem;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;

  if (g_str_has_prefix (message, "<data>:") &&
      sscanf (message, "<data>:%u:%u:", &line, &column) == 2)
    {
      rest = strstr (message + 7, ": ");
      rest = rest ? rest + 2 : message;
    }

  if (g_str_has_prefix (rest, "Parse error: "))
    rest += strlen ("Parse error: ");
  /* json-glib may quote a token cut inside a character: keep the message UTF-8 */
  valid = g_utf8_make_valid (rest, -1);
  text = g_strdup_printf (_("not valid JSON: %s"), valid);
  problem = conduit_flow_problem_new ("", NULL, text);
  problem->line = MAX (line, 1);
  problem->column = MAX (column, 1);

  return problem;
}

/**
 * conduit_flow_new_from_data:
 * @registry: the connectors
 * @data: the text of a `.conduit` file
 * @length: the length of @data, or -1 when nul-terminated
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): every problem
 *   found, each with its JSON pointer and line, when loading fails
 * @error: a location for a #GError; its message is the first problem
 *
 * Reads a flow document and checks it fully (see `docs/flow-format.md`).
 *
 * Returns: (transfer full): the flow, or %NULL when the document has problems
 */
ConduitFlow *
conduit_flow_new_from_data (ConduitConnectorRegistry  *registry,
                            const char                *data,
                            gssize                     length,
                            GPtrArray                **problems_out,
                            GError                   **error)
{
  static const char * const known[] = { "version", "name", "description", "owner", "nodes",
                                        "links", NULL };
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) node_pointers = NULL;
  g_autoptr(GPtrArray) link_pointers = NULL;
  g_autoptr(GHashTable) seen_ids = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ConduitFlow) self = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonObject *root_object;
  JsonNode *root;
  JsonNode *member;
  const char *str;
  guint deep_line = 0;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

  if (!g_utf8_validate (data, length, NULL))
    {
      const char *end = NULL;
      ConduitFlowProblem *problem;

      g_utf8_validate (data, length, &end);
      problem = conduit_flow_problem_new ("", NULL, _("the file is not UTF-8 text"));
      problem->line = 1;
      for (const char *p = data; p < end; p++)
        if (*p == '\n')
          problem->line++;
      g_ptr_array_add (problems, problem);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (!conduit_json_text_check_depth (data, length, MAX_JSON_DEPTH, &deep_line))
    {
      g_autofree char *text = g_strdup_printf (_("values nest more than %u levels deep"),
                                               MAX_JSON_DEPTH);
      ConduitFlowProblem *problem = conduit_flow_problem_new ("", NULL, text);

      problem->line = deep_line;
      g_ptr_array_add (problems, problem);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  {
    g_autofree char *token = NULL;
    guint number_line = 0;

    if (!conduit_json_text_check_numbers (data, length, &number_line, &token))
      {
        g_autofree char *shown = g_utf8_substring (token, 0, MIN (g_utf8_strlen (token, -1), 40));
        g_autofree char *text = g_strdup_printf (_("the number %s is too large to be kept exactly"),
                                                 shown);
        ConduitFlowProblem *problem = conduit_flow_problem_new ("", NULL, text);

        problem->line = number_line;
        g_ptr_array_add (problems, problem);
        return fail_with_problems (problems, problems_out, error), NULL;
      }
  }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_ptr_array_add (problems, problem_from_parse_error (parse_error));
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (json_parser_get_root (parser) != NULL)
    {
      g_autofree char *bad_pointer = conduit_json_node_find_invalid_utf8 (json_parser_get_root (parser));

      if (bad_pointer != NULL)
        {
          add_problem (problems, bad_pointer, NULL,
                       _("this text is not UTF-8 (a broken \\u escape?)"));
          locate_problems (problems, data, length);
          return fail_with_problems (problems, problems_out, error), NULL;
        }
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      add_problem (problems, "", NULL, _("the file is empty: expected a flow (a JSON object)"));
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      add_problem (problems, "", NULL, _("a flow must be a JSON object, not %s"),
                   conduit_json_node_describe_type (root));
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  root_object = json_node_get_object (root);
  member = json_object_get_member (root_object, "version");
  if (member == NULL)
    {
      add_problem (problems, "", NULL, _("“version” is missing: expected %d"),
                   CONDUIT_FLOW_FORMAT_VERSION);
    }
  else if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    {
      add_problem (problems, "/version", NULL, _("“version” must be a whole number, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else if (json_node_get_int (member) != CONDUIT_FLOW_FORMAT_VERSION)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));

      add_problem (problems, "/version", NULL,
                   _("unsupported flow format version %s (this Conduit reads version %d)"),
                   version, CONDUIT_FLOW_FORMAT_VERSION);
    }

  if (problems->len > 0)
    {
      /* An unknown version may mean anything below it: say only that. */
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  self = conduit_flow_new ();
  check_members (root_object, "", known, _("the flow"), NULL, problems);

  if ((str = read_string (root_object, "name", "", TRUE, NULL, problems)))
    self->name = g_strdup (str);
  if ((str = read_string (root_object, "description", "", FALSE, NULL, problems)))
    self->description = g_strdup (str);
  if ((str = read_string (root_object, "owner", "", FALSE, NULL, problems)))
    self->owner = g_strdup (str);

  node_pointers = g_ptr_array_new_with_free_func (g_free);
  link_pointers = g_ptr_array_new_with_free_func (g_free);
  seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  member = json_object_get_member (root_object, "nodes");
  if (member == NULL)
    {
      add_problem (problems, "", NULL, _("“nodes” is missing: expected an array of nodes"));
    }
  else if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      add_problem (problems, "/nodes", NULL, _("“nodes” must be an array, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *pointer = g_strdup_printf ("/nodes/%u", i);
          g_autoptr(ConduitNode) node = read_node (json_array_get_element (array, i), pointer,
                                                   seen_ids, problems);

          if (node != NULL)
            {
              conduit_flow_add_node (self, node);
              g_ptr_array_add (node_pointers, g_steal_pointer (&pointer));
            }
        }
    }

  member = json_object_get_member (root_object, "links");
  if (member != NULL && !JSON_NODE_HOLDS_ARRAY (member))
    {
      add_problem (problems, "/links", NULL, _("“links” must be an array, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else if (member != NULL)
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *pointer = g_strdup_printf ("/links/%u", i);
          g_autoptr(ConduitLink) link = read_link (json_array_get_element (array, i), pointer,
                                                   problems);

          if (link != NULL)
            {
              conduit_flow_add_link (self, link);
              g_ptr_array_add (link_pointers, g_steal_pointer (&pointer));
            }
        }
    }

  check_flow (self, registry, node_pointers, link_pointers, problems);

  if (problems->len > 0)
    {
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_flow_new_from_file:
 * @registry: the connectors
 * @file: a `.conduit` file
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): the problems
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Reads and checks a flow file. Blocks: call it from a thread, or load the contents
 * asynchronously and use conduit_flow_new_from_data().
 *
 * Returns: (transfer full): the flow, or %NULL
 */
ConduitFlow *
conduit_flow_new_from_file (ConduitConnectorRegistry  *registry,
                            GFile                     *file,
                            GPtrArray                **problems,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    return NULL;

  return conduit_flow_new_from_data (registry, contents, length, problems, error);
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                      */

/**
 * conduit_flow_to_json:
 * @self: a flow
 *
 * Returns: (transfer full): the flow document as JSON
 */
JsonNode *
conduit_flow_to_json (ConduitFlow *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *nodes = json_array_new ();
  JsonArray *links = json_array_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  guint n;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);

  json_object_set_int_member (object, "version", CONDUIT_FLOW_FORMAT_VERSION);
  json_object_set_string_member (object, "name", self->name ? self->name : "");
  if (self->description)
    json_object_set_string_member (object, "description", self->description);
  if (self->owner)
    json_object_set_string_member (object, "owner", self->owner);

  n = conduit_flow_get_n_nodes (self);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      json_array_add_element (nodes, conduit_node_to_json (node));
    }
  json_object_set_array_member (object, "nodes", nodes);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->links));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (G_LIST_MODEL (self->links), i);
      json_array_add_element (links, conduit_link_to_json (link));
    }
  json_object_set_array_member (object, "links", links);

  json_node_take_object (root, object);
  return root;
}

/**
 * conduit_flow_to_data:
 * @self: a flow
 * @length: (out) (optional): the length of the result
 *
 * Returns: (transfer full): the flow document in Conduit's canonical layout
 */
char *
conduit_flow_to_data (ConduitFlow *self,
                      gsize       *length)
{
  g_autoptr(JsonNode) root = NULL;
  char *data;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);

  root = conduit_flow_to_json (self);
  data = conduit_json_text_to_pretty (root);
  if (length)
    *length = strlen (data);

  return data;
}

/**
 * conduit_flow_save_to_file:
 * @self: a flow
 * @file: where to save
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Saves atomically: the document is written to a temporary file beside @file and renamed over
 * it, so a crash leaves either the old file or the new one, never half of one.
 *
 * Returns: %TRUE on success
 */
gboolean
conduit_flow_save_to_file (ConduitFlow   *self,
                           GFile         *file,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = conduit_flow_to_data (self, &length);

  return g_file_replace_contents (file, data, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, cancellable, error);
}

static void
save_replace_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * conduit_flow_save_to_file_async:
 * @self: a flow
 * @file: where to save
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Saves atomically without blocking; see conduit_flow_save_to_file().
 */
void
conduit_flow_save_to_file_async (ConduitFlow         *self,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *data;
  gsize length;

  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_flow_save_to_file_async);

  data = conduit_flow_to_data (self, &length);
  bytes = g_bytes_new_take (data, length);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE,
                                       cancellable, save_replace_cb, g_steal_pointer (&task));
}

gboolean
conduit_flow_save_to_file_finish (ConduitFlow   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
