/* conduit-connector-registry.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_CONNECTOR_REGISTRY (conduit_connector_registry_get_type ())

G_DECLARE_FINAL_TYPE (ConduitConnectorRegistry, conduit_connector_registry,
                      CONDUIT, CONNECTOR_REGISTRY, GObject)

ConduitConnectorRegistry *conduit_connector_registry_new            (void);
ConduitConnectorRegistry *conduit_connector_registry_get_default    (void);
gboolean                  conduit_connector_registry_load_builtin   (ConduitConnectorRegistry  *self,
                                                                     GError                   **error);
gboolean                  conduit_connector_registry_load_from_data (ConduitConnectorRegistry  *self,
                                                                     const char                *data,
                                                                     gssize                     length,
                                                                     GError                   **error);
void                      conduit_connector_registry_add            (ConduitConnectorRegistry  *self,
                                                                     ConduitConnector          *connector);
ConduitConnector         *conduit_connector_registry_lookup         (ConduitConnectorRegistry  *self,
                                                                     const char                *id);

gboolean                  conduit_connector_registry_add_app        (ConduitConnectorRegistry  *self,
                                                                     ConduitAppDescriptor      *app,
                                                                     GError                   **error);
ConduitAppDescriptor     *conduit_connector_registry_load_app_from_data (ConduitConnectorRegistry *self,
                                                                     const char                *data,
                                                                     gssize                     length,
                                                                     GPtrArray                **problems,
                                                                     GError                   **error);
guint                     conduit_connector_registry_load_user_apps (ConduitConnectorRegistry  *self,
                                                                     const char                *directory);
GPtrArray                *conduit_connector_registry_get_apps       (ConduitConnectorRegistry  *self);
ConduitAppDescriptor     *conduit_connector_registry_lookup_app     (ConduitConnectorRegistry  *self,
                                                                     const char                *id);
GPtrArray                *conduit_connector_registry_get_load_problems (ConduitConnectorRegistry *self);
JsonArray                *conduit_connector_registry_get_input_schema (ConduitConnectorRegistry *self,
                                                                     const char                *connector_id);

G_END_DECLS
