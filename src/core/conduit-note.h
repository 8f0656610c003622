/* conduit-note.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

/* A new note's size, and the smallest a note may be made, in canvas units. */
#define CONDUIT_NOTE_DEFAULT_WIDTH   200
#define CONDUIT_NOTE_DEFAULT_HEIGHT  120
#define CONDUIT_NOTE_MIN_WIDTH       100
#define CONDUIT_NOTE_MIN_HEIGHT      48

#define CONDUIT_TYPE_NOTE (conduit_note_get_type ())

G_DECLARE_FINAL_TYPE (ConduitNote, conduit_note, CONDUIT, NOTE, GObject)

ConduitNote        *conduit_note_new              (const char   *id);
ConduitNote        *conduit_note_copy             (ConduitNote  *self,
                                                   const char   *new_id);
const char         *conduit_note_get_id           (ConduitNote  *self);
const char         *conduit_note_get_text         (ConduitNote  *self);
void                conduit_note_set_text         (ConduitNote  *self,
                                                   const char   *text);
const char         *conduit_note_get_color        (ConduitNote  *self);
void                conduit_note_set_color        (ConduitNote  *self,
                                                   const char   *color);
double              conduit_note_get_x            (ConduitNote  *self);
double              conduit_note_get_y            (ConduitNote  *self);
double              conduit_note_get_width        (ConduitNote  *self);
double              conduit_note_get_height       (ConduitNote  *self);
void                conduit_note_set_position     (ConduitNote  *self,
                                                   double        x,
                                                   double        y);
void                conduit_note_set_size         (ConduitNote  *self,
                                                   double        width,
                                                   double        height);
JsonNode           *conduit_note_to_json          (ConduitNote  *self);
const char * const *conduit_note_list_colors      (void);
gboolean            conduit_note_color_is_known   (const char   *color);

G_END_DECLS
