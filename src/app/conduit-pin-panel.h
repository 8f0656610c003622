/* conduit-pin-panel.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"
#include "conduit-document.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_PIN_PANEL (conduit_pin_panel_get_type ())

G_DECLARE_FINAL_TYPE (ConduitPinPanel, conduit_pin_panel, CONDUIT, PIN_PANEL, AdwBin)

GtkWidget   *conduit_pin_panel_new               (void);
void         conduit_pin_panel_set_document      (ConduitPinPanel *self,
                                                  ConduitDocument *document);
ConduitNode *conduit_pin_panel_get_node          (ConduitPinPanel *self);
void         conduit_pin_panel_set_node          (ConduitPinPanel *self,
                                                  ConduitNode     *node);
void         conduit_pin_panel_set_outputs       (ConduitPinPanel *self,
                                                  GHashTable      *outputs);
void         conduit_pin_panel_update            (ConduitPinPanel *self);
void         conduit_pin_panel_set_message       (ConduitPinPanel *self,
                                                  const char      *message);
const char  *conduit_pin_panel_get_status_text   (ConduitPinPanel *self);
const char  *conduit_pin_panel_get_message_text  (ConduitPinPanel *self);
const char  *conduit_pin_panel_get_error_text    (ConduitPinPanel *self);
void         conduit_pin_panel_set_edit_text     (ConduitPinPanel *self,
                                                  const char      *text);
void         conduit_pin_panel_set_compact       (ConduitPinPanel *self,
                                                  gboolean         compact);

G_END_DECLS
