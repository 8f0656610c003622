/* conduit-json-writer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void   conduit_json_writer_append        (GString     *out,
                                          JsonNode    *node);
void   conduit_json_writer_append_escaped (GString    *out,
                                          const char  *text);
char  *conduit_json_writer_to_string     (JsonNode    *node,
                                          gsize       *length);

G_END_DECLS
