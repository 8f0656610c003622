/* conduit-node.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_NODE (conduit_node_get_type ())

G_DECLARE_FINAL_TYPE (ConduitNode, conduit_node, CONDUIT, NODE, GObject)

ConduitNode *conduit_node_new               (const char   *id,
                                             const char   *connector_id);
ConduitNode *conduit_node_copy              (ConduitNode  *self,
                                             const char   *new_id);
const char  *conduit_node_get_id            (ConduitNode  *self);
const char  *conduit_node_get_connector_id  (ConduitNode  *self);
const char  *conduit_node_get_title         (ConduitNode  *self);
void         conduit_node_set_title         (ConduitNode  *self,
                                             const char   *title);
const char  *conduit_node_get_notes         (ConduitNode  *self);
void         conduit_node_set_notes         (ConduitNode  *self,
                                             const char   *notes);
gboolean     conduit_node_get_disabled      (ConduitNode  *self);
void         conduit_node_set_disabled      (ConduitNode  *self,
                                             gboolean      disabled);
double       conduit_node_get_x             (ConduitNode  *self);
double       conduit_node_get_y             (ConduitNode  *self);
void         conduit_node_set_position      (ConduitNode  *self,
                                             double        x,
                                             double        y);
JsonObject  *conduit_node_get_settings      (ConduitNode  *self);
JsonNode    *conduit_node_get_setting       (ConduitNode  *self,
                                             const char   *key);
const char  *conduit_node_get_setting_string (ConduitNode *self,
                                             const char   *key);
void         conduit_node_set_setting       (ConduitNode  *self,
                                             const char   *key,
                                             JsonNode     *value);
JsonNode    *conduit_node_get_mapping       (ConduitNode  *self);
void         conduit_node_set_mapping       (ConduitNode  *self,
                                             JsonNode     *mapping);
JsonNode    *conduit_node_get_pinned        (ConduitNode  *self);
void         conduit_node_set_pinned        (ConduitNode  *self,
                                             JsonNode     *pinned);
GPtrArray   *conduit_node_dup_pinned_items  (ConduitNode  *self,
                                             const char   *port);
JsonNode    *conduit_node_to_json           (ConduitNode  *self);

G_END_DECLS
