/* conduit-db-table-picker.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_DB_TABLE_PICKER (conduit_db_table_picker_get_type ())

G_DECLARE_FINAL_TYPE (ConduitDbTablePicker, conduit_db_table_picker, CONDUIT, DB_TABLE_PICKER,
                      AdwBin)

GtkWidget  *conduit_db_table_picker_new          (void);
void        conduit_db_table_picker_set_node     (ConduitDbTablePicker *self,
                                                  ConduitDocument      *document,
                                                  ConduitNode          *node);
void        conduit_db_table_picker_refresh      (ConduitDbTablePicker *self);
gboolean    conduit_db_table_picker_is_busy      (ConduitDbTablePicker *self);
GListModel *conduit_db_table_picker_get_tables   (ConduitDbTablePicker *self);
GPtrArray  *conduit_db_table_picker_get_columns  (ConduitDbTablePicker *self);
const char *conduit_db_table_picker_get_status   (ConduitDbTablePicker *self);
void        conduit_db_table_picker_select_table (ConduitDbTablePicker *self,
                                                  const char           *table);
ConduitNode *conduit_db_table_picker_get_mapping_node (ConduitDbTablePicker *self);
gboolean    conduit_db_table_picker_apply_to_mapping (ConduitDbTablePicker *self);

void        conduit_db_step_destination_fields_async  (ConduitNode         *node,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonNode   *conduit_db_step_destination_fields_finish (GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
