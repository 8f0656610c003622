/* conduit-app-body.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* the fields of a "mime" body's content */
extern const char * const conduit_app_body_mime_fields[];


gboolean  conduit_app_body_is_built_type (const char  *type);
char     *conduit_app_body_check         (JsonObject  *body,
                                          char       **member);
gboolean  conduit_app_body_build         (JsonObject  *body,
                                          JsonNode    *content,
                                          JsonNode    *scope,
                                          char       **content_type,
                                          GBytes     **bytes,
                                          GError     **error);
char     *conduit_app_body_encode        (GBytes      *data,
                                          const char  *encoding);

G_END_DECLS
