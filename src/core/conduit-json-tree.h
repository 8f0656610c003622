/* conduit-json-tree.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean  conduit_json_tree_parse (const char  *data,
                                   gsize        length,
                                   gboolean     immutable,
                                   JsonNode   **root,
                                   GError     **error);

G_END_DECLS
