/* conduit-run-list-model.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-history-store.h"
#include "conduit-run-row.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_RUN_LIST_MODEL (conduit_run_list_model_get_type ())
#define CONDUIT_RUN_LIST_MODEL_PAGE_SIZE 200

G_DECLARE_FINAL_TYPE (ConduitRunListModel, conduit_run_list_model, CONDUIT, RUN_LIST_MODEL, GObject)

ConduitRunListModel *conduit_run_list_model_new         (ConduitHistoryStore *store);
ConduitHistoryStore *conduit_run_list_model_get_store   (ConduitRunListModel *self);
void                 conduit_run_list_model_set_filter  (ConduitRunListModel *self,
                                                         const char          *flow,
                                                         int                  status,
                                                         gint64               since_us,
                                                         const char          *text);
void                 conduit_run_list_model_set_unhandled (ConduitRunListModel *self,
                                                           gboolean             unhandled);
void                 conduit_run_list_model_refresh     (ConduitRunListModel *self);
guint                conduit_run_list_model_get_n_cached_pages (ConduitRunListModel *self);
const char          *conduit_run_list_model_get_error   (ConduitRunListModel *self);

G_END_DECLS
