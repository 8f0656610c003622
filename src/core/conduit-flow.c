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
#include "conduit-flow-private.h"
#include "conduit-json-text.h"

/* A flow is the document a person edits: nodes and the links between them, plus a name, a
 * description and an owner. The model is lenient (it holds whatever the editor puts in it, an
 * unknown node type included) and conduit_flow_check() is strict; loading a file runs the
 * check and refuses a flow with problems, each problem naming its JSON pointer and line.
 */

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

/* Drops the credential ids kept for a registry; @self's credential_lock is held. */
static void
forget_credential_ids_locked (ConduitFlow *self)
{
  g_clear_pointer (&self->credential_ids, g_ptr_array_unref);
  if (self->credential_registry != NULL)
    {
      g_clear_signal_handler (&self->credential_registry_changed_id, self->credential_registry);
      g_clear_object (&self->credential_registry);
    }
}

static void
forget_credential_ids (ConduitFlow *self)
{
  g_mutex_lock (&self->credential_lock);
  forget_credential_ids_locked (self);
  g_mutex_unlock (&self->credential_lock);
}

/* A connector added or replaced may hold credentials in other settings. */
static void
on_registry_changed (ConduitFlow *self)
{
  g_mutex_lock (&self->credential_lock);
  g_clear_pointer (&self->credential_ids, g_ptr_array_unref);
  g_mutex_unlock (&self->credential_lock);
}

static void
emit_changed (ConduitFlow *self)
{
  forget_credential_ids (self);
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

  if (self->notes != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->notes));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ConduitNote) note = g_list_model_get_item (G_LIST_MODEL (self->notes), i);
          g_signal_handlers_disconnect_by_data (note, self);
        }
    }

  forget_credential_ids (self);
  g_clear_pointer (&self->nodes_by_id, g_hash_table_unref);
  g_clear_object (&self->notes);
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
  g_mutex_clear (&self->credential_lock);

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
  self->notes = g_list_store_new (CONDUIT_TYPE_NOTE);
  self->nodes_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_mutex_init (&self->credential_lock);
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

static GPtrArray *
collect_credential_ids (ConduitFlow              *self,
                        ConduitConnectorRegistry *registry)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint n = conduit_flow_get_n_nodes (self);

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
  GPtrArray *ids;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), g_ptr_array_new_with_free_func (g_free));
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry),
                        g_ptr_array_new_with_free_func (g_free));

  g_mutex_lock (&self->credential_lock);
  if (self->credential_registry != registry)
    {
      forget_credential_ids_locked (self);
      self->credential_registry = g_object_ref (registry);
      self->credential_registry_changed_id =
        g_signal_connect_swapped (registry, "items-changed", G_CALLBACK (on_registry_changed),
                                  self);
    }
  if (self->credential_ids == NULL)
    self->credential_ids = collect_credential_ids (self, registry);
  /* a copy: callers own what they get */
  ids = g_ptr_array_copy (self->credential_ids, (GCopyFunc)(GCallback)g_strdup, NULL);
  g_ptr_array_set_free_func (ids, g_free);
  g_mutex_unlock (&self->credential_lock);

  return ids;
}

/* ------------------------------------------------------------------------------------------ */
/* Saving                                                                                      */

/**
 * conduit_flow_get_notes:
 * @self: a flow
 *
 * Returns: (transfer none): a #GListModel of #ConduitNote, the canvas's sticky notes, in file
 *   order (later ones lie on top)
 */
GListModel *
conduit_flow_get_notes (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);
  return G_LIST_MODEL (self->notes);
}

/**
 * conduit_flow_lookup_note:
 * @self: a flow
 * @id: a note id
 *
 * Returns: (transfer none) (nullable): the note called @id
 */
ConduitNote *
conduit_flow_lookup_note (ConduitFlow *self,
                          const char  *id)
{
  guint n;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);

  /* a flow has a handful of notes: a list walk is enough */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->notes));
  for (guint i = 0; id != NULL && i < n; i++)
    {
      g_autoptr(ConduitNote) note = g_list_model_get_item (G_LIST_MODEL (self->notes), i);

      if (g_str_equal (conduit_note_get_id (note), id))
        return note;  /* the store keeps its reference */
    }
  return NULL;
}

static void
on_note_changed (ConduitFlow *self)
{
  emit_changed (self);
}

/**
 * conduit_flow_insert_note:
 * @self: a flow
 * @position: where in the note list (later notes lie on top)
 * @note: a note whose id is not yet in the flow
 */
void
conduit_flow_insert_note (ConduitFlow *self,
                          guint        position,
                          ConduitNote *note)
{
  guint n;

  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));
  g_return_if_fail (conduit_flow_lookup_note (self, conduit_note_get_id (note)) == NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->notes));
  g_signal_connect_swapped (note, "notify", G_CALLBACK (on_note_changed), self);
  g_list_store_insert (self->notes, MIN (position, n), note);
  emit_changed (self);
}

/**
 * conduit_flow_add_note:
 * @self: a flow
 * @note: a note whose id is not yet in the flow
 */
void
conduit_flow_add_note (ConduitFlow *self,
                       ConduitNote *note)
{
  g_return_if_fail (CONDUIT_IS_FLOW (self));
  conduit_flow_insert_note (self, g_list_model_get_n_items (G_LIST_MODEL (self->notes)), note);
}

/**
 * conduit_flow_remove_note:
 * @self: a flow
 * @note: a note of the flow
 */
void
conduit_flow_remove_note (ConduitFlow *self,
                          ConduitNote *note)
{
  guint position;

  g_return_if_fail (CONDUIT_IS_FLOW (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  if (!g_list_store_find (self->notes, note, &position))
    return;

  g_signal_handlers_disconnect_by_data (note, self);
  g_list_store_remove (self->notes, position);
  emit_changed (self);
}

/**
 * conduit_flow_find_note_position:
 * @self: a flow
 * @note: a note
 * @position: (out) (optional): its index in the note list
 *
 * Returns: %TRUE when @note is in the flow
 */
gboolean
conduit_flow_find_note_position (ConduitFlow *self,
                                 ConduitNote *note,
                                 guint       *position)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), FALSE);
  return g_list_store_find (self->notes, note, position);
}

/**
 * conduit_flow_dup_unique_note_id:
 * @self: a flow
 *
 * Returns: (transfer full): "note", or "note-N", not yet used by a note of @self
 */
char *
conduit_flow_dup_unique_note_id (ConduitFlow *self)
{
  g_return_val_if_fail (CONDUIT_IS_FLOW (self), NULL);

  if (conduit_flow_lookup_note (self, "note") == NULL)
    return g_strdup ("note");

  for (guint i = 2; ; i++)
    {
      g_autofree char *candidate = g_strdup_printf ("note-%u", i);

      if (conduit_flow_lookup_note (self, candidate) == NULL)
        return g_steal_pointer (&candidate);
    }
}

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

  /* only when there are any, so that a flow without notes is saved as before */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->notes));
  if (n > 0)
    {
      JsonArray *notes = json_array_new ();

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(ConduitNote) note = g_list_model_get_item (G_LIST_MODEL (self->notes), i);
          json_array_add_element (notes, conduit_note_to_json (note));
        }
      json_object_set_array_member (object, "notes", notes);
    }

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
