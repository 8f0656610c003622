/* conduit-run-panel.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"
#include "conduit-item-table.h"
#include "conduit-run-overlay.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_RUN_PANEL (conduit_run_panel_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRunPanel, conduit_run_panel, CONDUIT, RUN_PANEL, AdwBin)

GtkWidget   *conduit_run_panel_new                  (void);
ConduitNode *conduit_run_panel_get_node             (ConduitRunPanel *self);
void         conduit_run_panel_set_node             (ConduitRunPanel *self,
                                                     ConduitNode     *node);
ConduitRun  *conduit_run_panel_get_run              (ConduitRunPanel *self);
void         conduit_run_panel_set_run              (ConduitRunPanel *self,
                                                     ConduitRun      *run);
void         conduit_run_panel_update               (ConduitRunPanel *self);
const char  *conduit_run_panel_get_status_text      (ConduitRunPanel *self);
const char  *conduit_run_panel_get_counts_text      (ConduitRunPanel *self);
const char  *conduit_run_panel_get_explanation_text (ConduitRunPanel *self);
char        *conduit_run_panel_dup_input_text       (ConduitRunPanel *self);
char        *conduit_run_panel_dup_output_text      (ConduitRunPanel *self);
const char  *conduit_run_panel_get_webhook_url      (ConduitRunPanel *self);
const char  *conduit_run_panel_get_curl_command     (ConduitRunPanel *self);

/* a run from the history, shown on the canvas */
void              conduit_run_panel_set_past_run     (ConduitRunPanel   *self,
                                                      ConduitRunOverlay *past_run);
ConduitItemTable *conduit_run_panel_get_input_table  (ConduitRunPanel   *self);
ConduitItemTable *conduit_run_panel_get_output_table (ConduitRunPanel   *self);

G_END_DECLS
