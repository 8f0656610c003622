/* conduit-app-descriptor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-descriptor"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "conduit-app-descriptor.h"
#include "conduit-app-descriptor-private.h"
#include "conduit-expression.h"
#include "conduit-template.h"
#include "conduit-connector.h"
#include "conduit-flow-problem.h"
#include "conduit-json-text.h"

/* An app descriptor (data/connectors/apps/ID.json, docs/connectors.md) describes one web app:
 * how to connect to it, its operations and triggers, and recorded examples. It is data only:
 * every value that varies per item is a template or an expression of the mapping language.
 * This file is the model; conduit-app-descriptor-loader.c reads and checks the text. The parsed
 * JSON is kept as it is: the executor reads requests, pagination and error rules from it.
 */


G_DEFINE_FINAL_TYPE (ConduitAppDescriptor, conduit_app_descriptor, G_TYPE_OBJECT)
G_DEFINE_QUARK (conduit-app-descriptor-error-quark, conduit_app_descriptor_error)

static void
conduit_app_descriptor_finalize (GObject *object)
{
  ConduitAppDescriptor *self = (ConduitAppDescriptor *)object;

  g_clear_pointer (&self->operations, g_ptr_array_unref);
  g_clear_pointer (&self->triggers, g_ptr_array_unref);
  g_clear_pointer (&self->root, json_node_unref);

  G_OBJECT_CLASS (conduit_app_descriptor_parent_class)->finalize (object);
}

static void
conduit_app_descriptor_class_init (ConduitAppDescriptorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_app_descriptor_finalize;
}

static void
conduit_app_descriptor_init (ConduitAppDescriptor *self)
{
  self->operations = g_ptr_array_new ();
  self->triggers = g_ptr_array_new ();
}

/**
 * conduit_app_descriptor_get_id:
 * @self: a descriptor
 *
 * Returns: the app's id, e.g. "slack"
 */
const char *
conduit_app_descriptor_get_id (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->meta, "id");
}

/**
 * conduit_app_descriptor_get_title:
 * @self: a descriptor
 *
 * Returns: the app's name for people, e.g. "Slack"
 */
const char *
conduit_app_descriptor_get_title (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->meta, "title");
}

/**
 * conduit_app_descriptor_get_version:
 * @self: a descriptor
 *
 * Returns: the descriptor's version
 */
const char *
conduit_app_descriptor_get_version (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->meta, "version");
}

/**
 * conduit_app_descriptor_get_icon_name:
 * @self: a descriptor
 *
 * Returns: the app's icon name (a generic one when the descriptor names none)
 */
const char *
conduit_app_descriptor_get_icon_name (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member_with_default (self->meta, "icon",
                                                     "application-x-addon-symbolic");
}

/**
 * conduit_app_descriptor_get_category:
 * @self: a descriptor
 *
 * Returns: the palette group, e.g. "Communication"
 */
const char *
conduit_app_descriptor_get_category (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->meta, "category");
}

/**
 * conduit_app_descriptor_get_docs_url:
 * @self: a descriptor
 *
 * Returns: the vendor's API documentation the descriptor follows
 */
const char *
conduit_app_descriptor_get_docs_url (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->meta, "docs_url");
}

/**
 * conduit_app_descriptor_get_description:
 * @self: a descriptor
 *
 * Returns: one sentence about the app, or ""
 */
const char *
conduit_app_descriptor_get_description (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member_with_default (self->meta, "description", "");
}

/**
 * conduit_app_descriptor_get_connection:
 * @self: a descriptor
 *
 * Returns: (transfer none): the "connection" object (fields, base_url, auth, test)
 */
JsonObject *
conduit_app_descriptor_get_connection (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->connection;
}

/**
 * conduit_app_descriptor_get_auth:
 * @self: a descriptor
 *
 * Returns: (transfer none): the "connection/auth" object
 */
JsonObject *
conduit_app_descriptor_get_auth (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->auth;
}

/**
 * conduit_app_descriptor_get_auth_kind:
 * @self: a descriptor
 *
 * Returns: the credential kind the app takes ("bearer", "oauth2-authorization-code", …) or "none"
 */
const char *
conduit_app_descriptor_get_auth_kind (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return json_object_get_string_member (self->auth, "kind");
}

/**
 * conduit_app_descriptor_get_defaults:
 * @self: a descriptor
 *
 * Returns: (transfer none): the "defaults" object, empty when the descriptor has none
 */
JsonObject *
conduit_app_descriptor_get_defaults (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->defaults;
}

/**
 * conduit_app_descriptor_get_operations:
 * @self: a descriptor
 *
 * Returns: (transfer none) (element-type JsonObject): the operations, in file order
 */
GPtrArray *
conduit_app_descriptor_get_operations (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->operations;
}

static JsonObject *
find_by_id (GPtrArray  *list,
            const char *id)
{
  for (guint i = 0; id != NULL && i < list->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (list, i), "id"), id) == 0)
      return g_ptr_array_index (list, i);
  return NULL;
}

/**
 * conduit_app_descriptor_find_operation:
 * @self: a descriptor
 * @operation_id: an operation id
 *
 * Returns: (transfer none) (nullable): the operation
 */
JsonObject *
conduit_app_descriptor_find_operation (ConduitAppDescriptor *self,
                                       const char           *operation_id)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return find_by_id (self->operations, operation_id);
}

/**
 * conduit_app_descriptor_get_triggers:
 * @self: a descriptor
 *
 * Returns: (transfer none) (element-type JsonObject): the triggers, in file order
 */
GPtrArray *
conduit_app_descriptor_get_triggers (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->triggers;
}

/**
 * conduit_app_descriptor_find_trigger:
 * @self: a descriptor
 * @trigger_id: a trigger id
 *
 * Returns: (transfer none) (nullable): the trigger
 */
JsonObject *
conduit_app_descriptor_find_trigger (ConduitAppDescriptor *self,
                                     const char           *trigger_id)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return find_by_id (self->triggers, trigger_id);
}

/**
 * conduit_app_descriptor_get_examples:
 * @self: a descriptor
 *
 * Returns: (transfer none) (nullable): the recorded request/response pairs
 */
JsonArray *
conduit_app_descriptor_get_examples (ConduitAppDescriptor *self)
{
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (self), NULL);
  return self->examples;
}
