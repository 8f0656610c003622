/* conduit-history-view.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"
#include "conduit-runner.h"
#include "conduit-run-list-model.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_HISTORY_VIEW (conduit_history_view_get_type ())

typedef enum
{
  CONDUIT_HISTORY_RANGE_ALL,
  CONDUIT_HISTORY_RANGE_HOUR,
  CONDUIT_HISTORY_RANGE_DAY,
  CONDUIT_HISTORY_RANGE_WEEK,
} ConduitHistoryRange;

G_DECLARE_FINAL_TYPE (ConduitHistoryView, conduit_history_view, CONDUIT, HISTORY_VIEW, GtkWidget)

GtkWidget           *conduit_history_view_new              (void);
void                 conduit_history_view_set_runner       (ConduitHistoryView  *self,
                                                            ConduitRunner       *runner);
void                 conduit_history_view_set_store        (ConduitHistoryView  *self,
                                                            ConduitHistoryStore *store);
void                 conduit_history_view_set_flow         (ConduitHistoryView  *self,
                                                            ConduitFlow         *flow);
ConduitRunListModel *conduit_history_view_get_model        (ConduitHistoryView  *self);
void                 conduit_history_view_set_filters      (ConduitHistoryView  *self,
                                                            const char          *flow,
                                                            int                  status,
                                                            ConduitHistoryRange  range,
                                                            const char          *text);
gboolean             conduit_history_view_select_run       (ConduitHistoryView  *self,
                                                            gint64               run_id);
gint64               conduit_history_view_get_selected_run (ConduitHistoryView  *self);
char                *conduit_history_view_describe_rerun   (ConduitHistoryView  *self,
                                                            gint64               run_id,
                                                            gboolean             failed_only);
void                 conduit_history_view_rerun_async      (ConduitHistoryView  *self,
                                                            gint64               run_id,
                                                            gboolean             failed_only,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
ConduitRun          *conduit_history_view_rerun_finish     (ConduitHistoryView  *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void                 conduit_history_view_set_document     (ConduitHistoryView  *self,
                                                            ConduitDocument     *document);

void                 conduit_history_view_set_attention    (ConduitHistoryView  *self,
                                                            gboolean             attention);

/* a past run on the canvas */
ConduitHistoryStore *conduit_history_view_get_store        (ConduitHistoryView  *self);

G_END_DECLS
