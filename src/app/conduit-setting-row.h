/* conduit-setting-row.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_SETTING_ROW (conduit_setting_row_get_type ())

G_DECLARE_FINAL_TYPE (ConduitSettingRow, conduit_setting_row, CONDUIT, SETTING_ROW, AdwBin)

GtkWidget                *conduit_setting_row_new             (const ConduitSettingSpec  *spec);
const ConduitSettingSpec *conduit_setting_row_get_spec        (ConduitSettingRow         *self);
void                      conduit_setting_row_set_value       (ConduitSettingRow         *self,
                                                               JsonNode                  *value);
JsonNode                 *conduit_setting_row_dup_value       (ConduitSettingRow         *self);
void                      conduit_setting_row_set_message     (ConduitSettingRow         *self,
                                                               const char                *message);
const char               *conduit_setting_row_get_message     (ConduitSettingRow         *self);
GtkWidget                *conduit_setting_row_get_editor      (ConduitSettingRow         *self);
void                      conduit_setting_row_set_suggestions (ConduitSettingRow         *self,
                                                               const char * const        *values);
void                      conduit_setting_row_set_suggestion_names (ConduitSettingRow *self,
                                                                    GHashTable        *names);
const char               *conduit_setting_row_get_suggestion_name  (ConduitSettingRow *self,
                                                                    const char        *value);
const char * const       *conduit_setting_row_get_suggestions (ConduitSettingRow         *self);
void                      conduit_setting_row_set_sample_source (ConduitSettingRow       *self,
                                                                 ConduitFlow             *flow,
                                                                 ConduitNode             *node);
GtkWidget                *conduit_setting_row_get_field_picker (ConduitSettingRow        *self);
void                      conduit_setting_row_pass_wheel_unless_focused (GtkWidget *scrolled,
                                                                         GtkWidget *editor);

G_END_DECLS
