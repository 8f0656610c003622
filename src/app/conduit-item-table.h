/* conduit-item-table.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONDUIT_ITEM_VIEW_TABLE,
  CONDUIT_ITEM_VIEW_JSON,
} ConduitItemView;

#define CONDUIT_TYPE_ITEM_TABLE (conduit_item_table_get_type ())

G_DECLARE_FINAL_TYPE (ConduitItemTable, conduit_item_table, CONDUIT, ITEM_TABLE, GtkWidget)

GtkWidget       *conduit_item_table_new              (void);
void             conduit_item_table_set_items        (ConduitItemTable *self,
                                                      GPtrArray        *items,
                                                      GPtrArray        *ports);
void             conduit_item_table_set_json         (ConduitItemTable *self,
                                                      JsonNode         *json);
void             conduit_item_table_set_port_titles  (ConduitItemTable *self,
                                                      GHashTable       *titles);
void             conduit_item_table_set_note         (ConduitItemTable *self,
                                                      const char       *note);
const char      *conduit_item_table_get_note         (ConduitItemTable *self);
void             conduit_item_table_set_name         (ConduitItemTable *self,
                                                      const char       *name);
ConduitItemView  conduit_item_table_get_view         (ConduitItemTable *self);
void             conduit_item_table_set_view         (ConduitItemTable *self,
                                                      ConduitItemView   view);
GListModel      *conduit_item_table_get_model        (ConduitItemTable *self);
guint            conduit_item_table_get_n_columns    (ConduitItemTable *self);
const char      *conduit_item_table_get_column_title (ConduitItemTable *self,
                                                      guint             column);
char            *conduit_item_table_dup_cell_text    (ConduitItemTable *self,
                                                      guint             row,
                                                      guint             column);
char            *conduit_item_table_dup_json_text    (ConduitItemTable *self);
GtkWidget       *conduit_item_table_get_column_view  (ConduitItemTable *self);
GtkWidget       *conduit_item_table_get_json_view    (ConduitItemTable *self);

G_END_DECLS
