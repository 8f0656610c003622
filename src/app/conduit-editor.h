/* conduit-editor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"
#include "conduit-inspector.h"
#include "conduit-palette.h"
#include "conduit-run-overlay.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EDITOR (conduit_editor_get_type ())

G_DECLARE_FINAL_TYPE (ConduitEditor, conduit_editor, CONDUIT, EDITOR, AdwBin)

GtkWidget        *conduit_editor_new            (void);
ConduitDocument  *conduit_editor_get_document   (ConduitEditor   *self);
void              conduit_editor_set_document   (ConduitEditor   *self,
                                                 ConduitDocument *document);
ConduitPalette   *conduit_editor_get_palette    (ConduitEditor   *self);
ConduitInspector *conduit_editor_get_inspector  (ConduitEditor   *self);
GtkWidget        *conduit_editor_get_graph_view (ConduitEditor   *self);
const char       *conduit_editor_get_missing_credentials_text (ConduitEditor *self);
ConduitRunner    *conduit_editor_get_runner     (ConduitEditor   *self);
void              conduit_editor_set_runner     (ConduitEditor   *self,
                                                 ConduitRunner   *runner);
void              conduit_editor_start_run      (ConduitEditor   *self);
void              conduit_editor_stop_run       (ConduitEditor   *self);
void              conduit_editor_run_step       (ConduitEditor   *self,
                                                 const char      *node_id);
GtkWidget        *conduit_editor_get_pin_panel  (ConduitEditor   *self);
gboolean          conduit_editor_get_running    (ConduitEditor   *self);
ConduitRun       *conduit_editor_get_last_run   (ConduitEditor   *self);
GtkWidget        *conduit_editor_get_run_panel  (ConduitEditor   *self);
GtkWidget        *conduit_editor_get_test_listener (ConduitEditor *self);
void              conduit_editor_set_show_run_button (ConduitEditor *self,
                                                      gboolean       show);
void              conduit_editor_update_run_button   (ConduitEditor *self,
                                                      GtkWidget     *button,
                                                      AdwButtonContent *content);

/* a run from the history on the canvas */
gboolean           conduit_editor_show_past_run       (ConduitEditor        *self,
                                                       ConduitHistoryStore  *store,
                                                       gint64                run_id,
                                                       GError              **error);
void               conduit_editor_leave_past_run      (ConduitEditor        *self);
ConduitRunOverlay *conduit_editor_get_past_run        (ConduitEditor        *self);
const char        *conduit_editor_get_past_run_banner (ConduitEditor        *self);

G_END_DECLS
