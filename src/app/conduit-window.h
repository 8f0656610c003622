/* conduit-window.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-activation.h"
#include "conduit-application.h"
#include "conduit-document.h"
#include "conduit-editor.h"
#include "conduit-history-view.h"
#include "conduit-tests-pane.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_WINDOW (conduit_window_get_type ())

G_DECLARE_FINAL_TYPE (ConduitWindow, conduit_window, CONDUIT, WINDOW, AdwApplicationWindow)

ConduitWindow   *conduit_window_new            (ConduitApplication *application);
void             conduit_window_open_file      (ConduitWindow      *self,
                                                GFile              *file);
void             conduit_window_save_as_file   (ConduitWindow      *self,
                                                GFile              *file);
void             conduit_window_open_example   (ConduitWindow      *self,
                                                const char         *name);
ConduitDocument *conduit_window_get_document   (ConduitWindow      *self);
void             conduit_window_set_document   (ConduitWindow      *self,
                                                ConduitDocument    *document);
void             conduit_window_show_toast     (ConduitWindow      *self,
                                                const char         *message);
const char      *conduit_window_get_page_name  (ConduitWindow      *self);
const char      *conduit_window_get_error_text (ConduitWindow      *self);
ConduitEditor   *conduit_window_get_editor     (ConduitWindow      *self);
ConduitActivation *conduit_window_get_activation (ConduitWindow    *self);

/* run history pane */
void             conduit_window_show_run         (ConduitWindow      *self,
                                                  gint64              run_id);
ConduitHistoryView *conduit_window_get_history_view (ConduitWindow   *self);
ConduitTestsPane *conduit_window_get_tests_pane  (ConduitWindow      *self);

G_END_DECLS
