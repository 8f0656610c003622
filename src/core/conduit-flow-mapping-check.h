/* conduit-flow-mapping-check.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void conduit_flow_mapping_check (JsonNode   *mapping,
                                 const char *pointer,
                                 const char *node_id,
                                 GPtrArray  *problems);

G_END_DECLS
