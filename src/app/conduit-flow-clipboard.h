/* conduit-flow-clipboard.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-undo-stack.h"

G_BEGIN_DECLS

char      *conduit_flow_clipboard_serialize (ConduitFlow      *flow,
                                             GPtrArray        *nodes);
GPtrArray *conduit_flow_clipboard_paste     (ConduitUndoStack *undo_stack,
                                             const char       *data,
                                             double            dx,
                                             double            dy,
                                             GError          **error);
char      *conduit_flow_clipboard_serialize_with_notes (ConduitFlow      *flow,
                                                        GPtrArray        *nodes,
                                                        GPtrArray        *notes);
GPtrArray *conduit_flow_clipboard_paste_with_notes (ConduitUndoStack *undo_stack,
                                                    const char       *data,
                                                    double            dx,
                                                    double            dy,
                                                    GPtrArray       **notes,
                                                    GError          **error);

G_END_DECLS
