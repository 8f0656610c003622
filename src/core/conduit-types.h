/* conduit-types.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ConduitAppDescriptor      ConduitAppDescriptor;
typedef struct _ConduitConnector          ConduitConnector;
typedef struct _ConduitConnectorRegistry  ConduitConnectorRegistry;
typedef struct _ConduitFlow               ConduitFlow;
typedef struct _ConduitFlowProblem        ConduitFlowProblem;
typedef struct _ConduitLink               ConduitLink;
typedef struct _ConduitNode               ConduitNode;
typedef struct _ConduitNote               ConduitNote;
typedef struct _ConduitPortSpec           ConduitPortSpec;
typedef struct _ConduitSettingSpec        ConduitSettingSpec;

G_END_DECLS
