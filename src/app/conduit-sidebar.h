/* conduit-sidebar.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONDUIT_TYPE_SIDEBAR (conduit_sidebar_get_type ())

G_DECLARE_FINAL_TYPE (ConduitSidebar, conduit_sidebar, CONDUIT, SIDEBAR, AdwBin)

GtkWidget *conduit_sidebar_new               (void);
int        conduit_sidebar_get_natural_width (ConduitSidebar *self);
void       conduit_sidebar_set_natural_width (ConduitSidebar *self,
                                              int             natural_width);

G_END_DECLS
