/* conduit-graph-note.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"

G_BEGIN_DECLS

/* The grip in a note's lower-right corner that resizes it, in canvas units. */
#define CONDUIT_GRAPH_NOTE_GRIP 16

#define CONDUIT_TYPE_GRAPH_NOTE (conduit_graph_note_get_type ())

G_DECLARE_FINAL_TYPE (ConduitGraphNote, conduit_graph_note, CONDUIT, GRAPH_NOTE, GtkWidget)

GtkWidget   *conduit_graph_note_new          (ConduitNote      *note);
ConduitNote *conduit_graph_note_get_note     (ConduitGraphNote *self);
void         conduit_graph_note_set_selected (ConduitGraphNote *self,
                                              gboolean          selected);
gboolean     conduit_graph_note_get_selected (ConduitGraphNote *self);
void         conduit_graph_note_begin_edit   (ConduitGraphNote *self);
gboolean     conduit_graph_note_get_editing  (ConduitGraphNote *self);
void         conduit_graph_note_end_edit     (ConduitGraphNote *self);
GtkTextView *conduit_graph_note_get_text_view (ConduitGraphNote *self);
char        *conduit_graph_note_dup_accessible_label (ConduitGraphNote *self);

G_END_DECLS
