/* conduit-db-sql.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-db.h"

G_BEGIN_DECLS

/* SQL text the steps build or read: named parameters in a query, and item values as
 * statement parameters. */

char     *conduit_db_sql_bind_names   (const char            *sql,
                                       ConduitDbKind          kind,
                                       GPtrArray            **names,
                                       GError               **error);

gboolean  conduit_db_value_from_json  (JsonNode              *node,
                                       const ConduitDbColumn *column,
                                       ConduitDbKind          kind,
                                       ConduitDbValue        *value,
                                       GError               **error);
void      conduit_db_value_clear      (ConduitDbValue        *value);
gboolean  conduit_db_value_is_plain_text (const ConduitDbColumn *column,
                                          ConduitDbKind          kind);
JsonNode *conduit_db_item_lookup      (JsonNode              *item,
                                       const char            *path);
gboolean  conduit_db_sql_is_parameter_name (const char       *path);

G_END_DECLS
