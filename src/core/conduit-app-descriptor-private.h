/* conduit-app-descriptor-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-app-descriptor.h"

G_BEGIN_DECLS

/* Shared by the model (conduit-app-descriptor.c) and the loader. */
struct _ConduitAppDescriptor
{
  GObject     parent_instance;

  JsonNode   *root;
  JsonObject *meta;
  JsonObject *connection;
  JsonObject *auth;
  JsonObject *defaults;
  GPtrArray  *operations;  /* JsonObject, borrowed from root */
  GPtrArray  *triggers;    /* JsonObject, borrowed from root */
  JsonArray  *examples;    /* nullable */
};

G_END_DECLS
