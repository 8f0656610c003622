/* conduit-link.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_LINK (conduit_link_get_type ())

G_DECLARE_FINAL_TYPE (ConduitLink, conduit_link, CONDUIT, LINK, GObject)

ConduitLink *conduit_link_new             (const char  *from_node,
                                           const char  *from_port,
                                           const char  *to_node,
                                           const char  *to_port);
const char  *conduit_link_get_from_node   (ConduitLink *self);
const char  *conduit_link_get_from_port   (ConduitLink *self);
const char  *conduit_link_get_to_node     (ConduitLink *self);
const char  *conduit_link_get_to_port     (ConduitLink *self);
gboolean     conduit_link_equal           (ConduitLink *self,
                                           ConduitLink *other);
JsonNode    *conduit_link_to_json         (ConduitLink *self);

G_END_DECLS
