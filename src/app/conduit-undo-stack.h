/* conduit-undo-stack.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_UNDO_STACK (conduit_undo_stack_get_type ())

G_DECLARE_FINAL_TYPE (ConduitUndoStack, conduit_undo_stack, CONDUIT, UNDO_STACK, GObject)

ConduitUndoStack *conduit_undo_stack_new               (ConduitFlow      *flow);
ConduitFlow      *conduit_undo_stack_get_flow          (ConduitUndoStack *self);
gboolean          conduit_undo_stack_get_can_undo      (ConduitUndoStack *self);
gboolean          conduit_undo_stack_get_can_redo      (ConduitUndoStack *self);
const char       *conduit_undo_stack_get_undo_label    (ConduitUndoStack *self);
const char       *conduit_undo_stack_get_redo_label    (ConduitUndoStack *self);
void              conduit_undo_stack_undo              (ConduitUndoStack *self);
void              conduit_undo_stack_redo              (ConduitUndoStack *self);
void              conduit_undo_stack_clear             (ConduitUndoStack *self);
gboolean          conduit_undo_stack_get_at_save_point (ConduitUndoStack *self);
guint64           conduit_undo_stack_checkpoint        (ConduitUndoStack *self);
void              conduit_undo_stack_set_save_point    (ConduitUndoStack *self,
                                                        guint64           position);
gboolean          conduit_undo_stack_get_applying      (ConduitUndoStack *self);
void              conduit_undo_stack_begin_preview     (ConduitUndoStack *self);
void              conduit_undo_stack_end_preview       (ConduitUndoStack *self);
void              conduit_undo_stack_begin_group       (ConduitUndoStack *self,
                                                        const char       *label);
void              conduit_undo_stack_end_group         (ConduitUndoStack *self);
void              conduit_undo_stack_add_node          (ConduitUndoStack *self,
                                                        ConduitNode      *node);
void              conduit_undo_stack_remove_node       (ConduitUndoStack *self,
                                                        ConduitNode      *node);
void              conduit_undo_stack_add_link          (ConduitUndoStack *self,
                                                        ConduitLink      *link);
void              conduit_undo_stack_remove_link       (ConduitUndoStack *self,
                                                        ConduitLink      *link);
void              conduit_undo_stack_move_node         (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        double            x,
                                                        double            y);
void              conduit_undo_stack_set_setting       (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        const char       *key,
                                                        JsonNode         *value);
void              conduit_undo_stack_set_title         (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        const char       *title);
void              conduit_undo_stack_set_notes         (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        const char       *notes);
void              conduit_undo_stack_set_mapping       (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        JsonNode         *mapping);
void              conduit_undo_stack_set_flow_property (ConduitUndoStack *self,
                                                        const char       *property,
                                                        const char       *value);
void              conduit_undo_stack_set_disabled      (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        gboolean          disabled);
void              conduit_undo_stack_set_pinned        (ConduitUndoStack *self,
                                                        ConduitNode      *node,
                                                        JsonNode         *pinned);
void              conduit_undo_stack_add_note          (ConduitUndoStack *self,
                                                        ConduitNote      *note);
void              conduit_undo_stack_remove_note       (ConduitUndoStack *self,
                                                        ConduitNote      *note);
void              conduit_undo_stack_set_note_box      (ConduitUndoStack *self,
                                                        ConduitNote      *note,
                                                        double            x,
                                                        double            y,
                                                        double            width,
                                                        double            height);
void              conduit_undo_stack_set_note_text     (ConduitUndoStack *self,
                                                        ConduitNote      *note,
                                                        const char       *text);
void              conduit_undo_stack_set_note_color    (ConduitUndoStack *self,
                                                        ConduitNote      *note,
                                                        const char       *color);

G_END_DECLS
