/* conduit-expression-entry.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXPRESSION_ENTRY (conduit_expression_entry_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExpressionEntry, conduit_expression_entry, CONDUIT, EXPRESSION_ENTRY,
                      GObject)

/**
 * ConduitExpressionFieldsFunc:
 * @user_data: what was given with the function
 *
 * Returns: (transfer full) (nullable): the fields completion offers now
 */
typedef ConduitSchema *(*ConduitExpressionFieldsFunc) (gpointer user_data);

ConduitExpressionEntry *conduit_expression_entry_attach         (GtkWidget                  *editor,
                                                                 gboolean                    is_template);
ConduitExpressionEntry *conduit_expression_entry_get_for        (GtkWidget                  *editor);
void                    conduit_expression_entry_set_fields_func (ConduitExpressionEntry    *self,
                                                                 ConduitExpressionFieldsFunc func,
                                                                 gpointer                    user_data);
void                    conduit_expression_entry_set_completing_enabled (ConduitExpressionEntry *self,
                                                                 gboolean                    enabled);
void                    conduit_expression_entry_insert_text    (ConduitExpressionEntry     *self,
                                                                 const char                 *text);
void                    conduit_expression_entry_insert_field   (ConduitExpressionEntry     *self,
                                                                 const char                 *path);
char                   *conduit_expression_entry_dup_text       (ConduitExpressionEntry     *self);
gboolean                conduit_expression_entry_check          (ConduitExpressionEntry     *self,
                                                                 const ConduitSettingSpec   *spec,
                                                                 GError                    **error);
GtkPopover             *conduit_expression_entry_get_popover    (ConduitExpressionEntry     *self);
GtkListBox             *conduit_expression_entry_get_proposals  (ConduitExpressionEntry     *self);
gboolean                conduit_expression_entry_get_completing (ConduitExpressionEntry     *self);

G_END_DECLS
