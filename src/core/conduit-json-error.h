/* conduit-json-error.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char *conduit_json_parse_error_describe (const GError *error);

G_END_DECLS
