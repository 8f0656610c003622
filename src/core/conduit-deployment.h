/* conduit-deployment.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-types.h"

G_BEGIN_DECLS

/* What a server needs to serve tested flows with `conduit-cli serve`: the flows, a hardened
 * systemd unit, an environment file naming the credentials the flows use, a container file
 * and a README with the commands to start it. The app's Deploy… and `conduit-cli deploy`
 * both write it through conduit_deployment_write(). */

#define CONDUIT_DEPLOYMENT_ERROR (conduit_deployment_error_quark ())

typedef enum
{
  CONDUIT_DEPLOYMENT_ERROR_FAILED,
  CONDUIT_DEPLOYMENT_ERROR_NOT_EMPTY,   /* the target folder holds files of something else */
  CONDUIT_DEPLOYMENT_ERROR_FLOW,        /* a flow does not load or two flows share a file name */
} ConduitDeploymentError;

typedef struct _ConduitDeployment ConduitDeployment;

GQuark              conduit_deployment_error_quark      (void);
ConduitDeployment  *conduit_deployment_new              (ConduitConnectorRegistry *registry);
void                conduit_deployment_free             (ConduitDeployment        *self);
gboolean            conduit_deployment_add_flow         (ConduitDeployment        *self,
                                                         const char               *path,
                                                         GError                  **error);
GPtrArray          *conduit_deployment_list_credential_ids (ConduitDeployment     *self);
void                conduit_deployment_set_credential_json (ConduitDeployment     *self,
                                                         const char               *id,
                                                         const char               *json);
void                conduit_deployment_set_executable   (ConduitDeployment        *self,
                                                         const char               *path);
gboolean            conduit_deployment_write            (ConduitDeployment        *self,
                                                         const char               *dir,
                                                         GPtrArray                *notes,
                                                         GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitDeployment, conduit_deployment_free)

G_END_DECLS
