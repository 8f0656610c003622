/* conduit-link.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-link"

#include "config.h"

#include "conduit-link.h"

/* A link carries items from one node's output port to another node's input port. Links are
 * immutable: reconnecting one is removing it and adding another, which keeps undo simple.
 */

struct _ConduitLink
{
  GObject  parent_instance;

  char    *from_node;
  char    *from_port;
  char    *to_node;
  char    *to_port;
};

G_DEFINE_FINAL_TYPE (ConduitLink, conduit_link, G_TYPE_OBJECT)

static void
conduit_link_finalize (GObject *object)
{
  ConduitLink *self = (ConduitLink *)object;

  g_clear_pointer (&self->from_node, g_free);
  g_clear_pointer (&self->from_port, g_free);
  g_clear_pointer (&self->to_node, g_free);
  g_clear_pointer (&self->to_port, g_free);

  G_OBJECT_CLASS (conduit_link_parent_class)->finalize (object);
}

static void
conduit_link_class_init (ConduitLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_link_finalize;
}

static void
conduit_link_init (ConduitLink *self)
{
}

/**
 * conduit_link_new:
 * @from_node: the id of the node items leave
 * @from_port: the output port they leave by
 * @to_node: the id of the node they reach
 * @to_port: the input port they arrive at
 *
 * Returns: (transfer full): a new link
 */
ConduitLink *
conduit_link_new (const char *from_node,
                  const char *from_port,
                  const char *to_node,
                  const char *to_port)
{
  ConduitLink *self;

  g_return_val_if_fail (from_node != NULL && from_port != NULL, NULL);
  g_return_val_if_fail (to_node != NULL && to_port != NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_LINK, NULL);
  self->from_node = g_strdup (from_node);
  self->from_port = g_strdup (from_port);
  self->to_node = g_strdup (to_node);
  self->to_port = g_strdup (to_port);

  return self;
}

const char *
conduit_link_get_from_node (ConduitLink *self)
{
  g_return_val_if_fail (CONDUIT_IS_LINK (self), NULL);
  return self->from_node;
}

const char *
conduit_link_get_from_port (ConduitLink *self)
{
  g_return_val_if_fail (CONDUIT_IS_LINK (self), NULL);
  return self->from_port;
}

const char *
conduit_link_get_to_node (ConduitLink *self)
{
  g_return_val_if_fail (CONDUIT_IS_LINK (self), NULL);
  return self->to_node;
}

const char *
conduit_link_get_to_port (ConduitLink *self)
{
  g_return_val_if_fail (CONDUIT_IS_LINK (self), NULL);
  return self->to_port;
}

/**
 * conduit_link_equal:
 * @self: a link
 * @other: another link
 *
 * Returns: %TRUE when both links join the same ports
 */
gboolean
conduit_link_equal (ConduitLink *self,
                    ConduitLink *other)
{
  g_return_val_if_fail (CONDUIT_IS_LINK (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_LINK (other), FALSE);

  return g_str_equal (self->from_node, other->from_node) &&
         g_str_equal (self->from_port, other->from_port) &&
         g_str_equal (self->to_node, other->to_node) &&
         g_str_equal (self->to_port, other->to_port);
}

/**
 * conduit_link_to_json:
 * @self: a link
 *
 * Returns: (transfer full): the link as the flow file stores it
 */
JsonNode *
conduit_link_to_json (ConduitLink *self)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "from", self->from_node);
  json_object_set_string_member (object, "from_port", self->from_port);
  json_object_set_string_member (object, "to", self->to_node);
  json_object_set_string_member (object, "to_port", self->to_port);
  json_node_take_object (node, object);

  return node;
}
