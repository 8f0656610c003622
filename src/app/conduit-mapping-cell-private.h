/* conduit-mapping-cell-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-mapping-cell.h"

G_BEGIN_DECLS

/* Shared by the cell files only. */
void       _conduit_mapping_cell_mark_problem         (GtkWidget                     *entry,
                                                       const ConduitMappingCellState *state,
                                                       const char                    *member);
GtkWidget *_conduit_mapping_cell_translated_drop_down (const char                   **labels);

G_END_DECLS
