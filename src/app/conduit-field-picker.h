/* conduit-field-picker.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_FIELD_PICKER (conduit_field_picker_get_type ())

G_DECLARE_FINAL_TYPE (ConduitFieldPicker, conduit_field_picker, CONDUIT, FIELD_PICKER, AdwBin)

/**
 * ConduitFieldPickerFunc:
 * @picker: the picker that opens
 * @user_data: what was given with the function
 *
 * Called each time the picker opens, so the list follows the samples: set the fields with
 * conduit_field_picker_set_schema() and say where they come from with _set_origin().
 */
typedef void (*ConduitFieldPickerFunc) (ConduitFieldPicker *picker,
                                        gpointer            user_data);

/**
 * ConduitFieldPickerFilter:
 * @path: a field's path
 *
 * Returns: whether the field can be offered
 */
typedef gboolean (*ConduitFieldPickerFilter) (const char *path);

GtkWidget     *conduit_field_picker_new          (void);
void           conduit_field_picker_set_filter   (ConduitFieldPicker     *self,
                                                  ConduitFieldPickerFilter filter);
void           conduit_field_picker_set_schema   (ConduitFieldPicker     *self,
                                                  ConduitSchema          *schema);
ConduitSchema *conduit_field_picker_get_schema   (ConduitFieldPicker     *self);
void           conduit_field_picker_set_origin   (ConduitFieldPicker     *self,
                                                  const char             *origin);
void           conduit_field_picker_set_placeholder_text (ConduitFieldPicker *self,
                                                  const char             *text);
void           conduit_field_picker_set_opening_func (ConduitFieldPicker *self,
                                                  ConduitFieldPickerFunc  func,
                                                  gpointer                user_data);
void           conduit_field_picker_set_label    (ConduitFieldPicker     *self,
                                                  const char             *label);
GtkWidget     *conduit_field_picker_get_button   (ConduitFieldPicker     *self);
GtkListBox    *conduit_field_picker_get_list     (ConduitFieldPicker     *self);
GtkPopover    *conduit_field_picker_get_popover  (ConduitFieldPicker     *self);
char          *conduit_field_picker_display_path (const char             *path);

G_END_DECLS
