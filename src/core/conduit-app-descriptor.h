/* conduit-app-descriptor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

#define CONDUIT_APP_DESCRIPTOR_ERROR (conduit_app_descriptor_error_quark ())

typedef enum
{
  CONDUIT_APP_DESCRIPTOR_ERROR_FAILED,
  CONDUIT_APP_DESCRIPTOR_ERROR_INVALID,  /* the descriptor has problems; see the problem list */
} ConduitAppDescriptorError;

/* Where an operation's or trigger's connector id is split: "slack.send-message". */
#define CONDUIT_APP_OPERATION_SEPARATOR '.'

#define CONDUIT_TYPE_APP_DESCRIPTOR (conduit_app_descriptor_get_type ())

G_DECLARE_FINAL_TYPE (ConduitAppDescriptor, conduit_app_descriptor, CONDUIT, APP_DESCRIPTOR, GObject)

GQuark                conduit_app_descriptor_error_quark      (void);
ConduitAppDescriptor *conduit_app_descriptor_new_from_data    (const char            *data,
                                                               gssize                 length,
                                                               GPtrArray            **problems,
                                                               GError               **error);
const char           *conduit_app_descriptor_get_id           (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_title        (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_version      (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_icon_name    (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_category     (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_docs_url     (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_description  (ConduitAppDescriptor  *self);
JsonObject           *conduit_app_descriptor_get_connection   (ConduitAppDescriptor  *self);
JsonObject           *conduit_app_descriptor_get_auth         (ConduitAppDescriptor  *self);
const char           *conduit_app_descriptor_get_auth_kind    (ConduitAppDescriptor  *self);
JsonObject           *conduit_app_descriptor_get_defaults     (ConduitAppDescriptor  *self);
GPtrArray            *conduit_app_descriptor_get_operations   (ConduitAppDescriptor  *self);
JsonObject           *conduit_app_descriptor_find_operation   (ConduitAppDescriptor  *self,
                                                               const char            *operation_id);
GPtrArray            *conduit_app_descriptor_get_triggers     (ConduitAppDescriptor  *self);
JsonObject           *conduit_app_descriptor_find_trigger     (ConduitAppDescriptor  *self,
                                                               const char            *trigger_id);
JsonArray            *conduit_app_descriptor_get_examples     (ConduitAppDescriptor  *self);
GPtrArray            *conduit_app_descriptor_create_connectors (ConduitAppDescriptor *self,
                                                               GError               **error);

G_END_DECLS
