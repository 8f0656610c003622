/* conduit-run-export.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-history-store.h"
#include "conduit-record-writer.h"

G_BEGIN_DECLS

JsonNode *conduit_run_record_to_json (const ConduitRunRecord  *run);
JsonNode *conduit_run_export_to_json (ConduitHistoryStore     *store,
                                      gint64                   run_id,
                                      GError                 **error);
gboolean  conduit_run_list_write     (GPtrArray               *runs,
                                      ConduitRecordFormat      format,
                                      GOutputStream           *stream,
                                      GError                 **error);

void      conduit_run_group_items_by_node   (GPtrArray  *items);
char     *conduit_run_describe_item_samples (GPtrArray  *steps,
                                             GPtrArray  *items,
                                             const char *node_id);

G_END_DECLS
