/* conduit-palette.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_PALETTE_DRAG_PREFIX "conduit-connector:"

#define CONDUIT_TYPE_PALETTE (conduit_palette_get_type ())

G_DECLARE_FINAL_TYPE (ConduitPalette, conduit_palette, CONDUIT, PALETTE, AdwBin)

GtkWidget                *conduit_palette_new              (void);
ConduitConnectorRegistry *conduit_palette_get_registry     (ConduitPalette           *self);
void                      conduit_palette_set_registry     (ConduitPalette           *self,
                                                            ConduitConnectorRegistry *registry);
GtkEditable              *conduit_palette_get_search_entry (ConduitPalette           *self);
GListModel               *conduit_palette_get_visible      (ConduitPalette           *self);
GtkListBox               *conduit_palette_get_list         (ConduitPalette           *self);
void                      conduit_palette_focus_search     (ConduitPalette           *self);
const char               *conduit_palette_icon_name_for    (ConduitConnector         *connector);

G_END_DECLS
