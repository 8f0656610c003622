/* conduit-json-text.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean  conduit_json_text_locate        (const char  *text,
                                           gsize        length,
                                           const char  *pointer,
                                           guint       *line,
                                           guint       *column);
char     *conduit_json_pointer_append     (const char  *pointer,
                                           const char  *segment);
char     *conduit_json_pointer_append_index (const char *pointer,
                                           guint        index);
void      conduit_json_text_write_pretty  (GString     *out,
                                           JsonNode    *node,
                                           guint        indent);
char     *conduit_json_text_to_pretty     (JsonNode    *node);
guint     conduit_json_node_depth         (JsonNode    *node,
                                           guint        limit);
gboolean  conduit_json_text_check_depth   (const char  *text,
                                           gsize        length,
                                           guint        max_depth,
                                           guint       *line);

gboolean  conduit_json_text_check_numbers (const char  *text,
                                           gsize        length,
                                           guint       *line,
                                           char       **token);
char     *conduit_json_node_find_invalid_utf8 (JsonNode *node);

/* json_node_init_object() and json_node_init_array() take a reference of their own: these
 * take the caller's instead, for a container made just to be wrapped. */
static inline JsonNode *
conduit_json_node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static inline JsonNode *
conduit_json_node_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

G_END_DECLS
