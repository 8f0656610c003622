/* conduit-run-overlay.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_RUN_OVERLAY (conduit_run_overlay_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRunOverlay, conduit_run_overlay, CONDUIT, RUN_OVERLAY, GObject)

ConduitRunOverlay      *conduit_run_overlay_new              (ConduitHistoryStore *store,
                                                              gint64               run_id,
                                                              ConduitFlow         *flow,
                                                              GError             **error);
gint64                  conduit_run_overlay_get_run_id       (ConduitRunOverlay   *self);
const ConduitRunRecord *conduit_run_overlay_get_record       (ConduitRunOverlay   *self);
ConduitFlow            *conduit_run_overlay_get_flow         (ConduitRunOverlay   *self);
void                    conduit_run_overlay_set_flow         (ConduitRunOverlay   *self,
                                                              ConduitFlow         *flow);
const char             *conduit_run_overlay_get_node_state   (ConduitRunOverlay   *self,
                                                              const char          *node_id);
const char             *conduit_run_overlay_get_card_status  (ConduitRunOverlay   *self,
                                                              const char          *node_id);
gboolean                conduit_run_overlay_get_node_counts  (ConduitRunOverlay   *self,
                                                              const char          *node_id,
                                                              guint               *items_in,
                                                              guint               *items_ok,
                                                              guint               *items_failed,
                                                              guint               *items_rejected);
const char             *conduit_run_overlay_get_node_error   (ConduitRunOverlay   *self,
                                                              const char          *node_id);
GPtrArray              *conduit_run_overlay_dup_node_items   (ConduitRunOverlay   *self,
                                                              const char          *node_id,
                                                              gboolean             is_output,
                                                              GPtrArray          **ports);
char                   *conduit_run_overlay_dup_items_note   (ConduitRunOverlay   *self,
                                                              const char          *node_id,
                                                              gboolean             is_output);
GPtrArray              *conduit_run_overlay_get_removed      (ConduitRunOverlay   *self);
GPtrArray              *conduit_run_overlay_get_added        (ConduitRunOverlay   *self);
char                   *conduit_run_overlay_dup_banner_text  (ConduitRunOverlay   *self);

G_END_DECLS
