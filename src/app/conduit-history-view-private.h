/* conduit-history-view-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-document.h"
#include "conduit-history-view.h"

G_BEGIN_DECLS

/* Shared by the history view's family: conduit-history-view.c (the list, the details, re-runs
 * and the runs that need attention) and -actions.c (export, delete, retention). */
struct _ConduitHistoryView
{
  GtkWidget            parent_instance;

  ConduitRunner       *runner;
  ConduitHistoryStore *store;
  ConduitFlow         *flow;
  ConduitRunListModel *model;
  GtkSingleSelection  *selection;
  GSettings           *settings;
  gint64               selected_id;
  gulong               run_started_id;
  gulong               run_finished_id;
  gulong               node_finished_id;
  guint                refresh_source;
  gboolean             reselecting;

  AdwLeaflet          *leaflet;
  GtkWidget           *list_side;
  GtkWidget           *details_side;
  GtkSearchEntry      *search_entry;
  GtkDropDown         *status_dropdown;
  GtkDropDown         *range_dropdown;
  GtkEntry            *flow_entry;
  GtkMenuButton       *filter_button;
  GtkToggleButton     *attention_button;
  GtkListView         *run_list;
  GtkStack            *list_stack;
  AdwStatusPage       *empty_page;
  GtkWidget           *back_button;
  GtkWidget           *attention_row;
  GtkWidget           *more_button;
  GtkWidget           *resolve_button;
  GtkLabel            *attention_label;
  GtkBox              *details_box;

  ConduitDocument     *document;   /* (nullable) the open flow: Save as Test writes beside it */
};

void       _conduit_history_view_show_toast          (ConduitHistoryView *self,
                                                      const char         *text);
GtkWindow *_conduit_history_view_parent_window       (ConduitHistoryView *self);
void       _conduit_history_view_runs_changed        (ConduitHistoryView *self);
void       _conduit_history_view_class_actions_init  (GtkWidgetClass     *widget_class);
gboolean   _conduit_history_view_show_on_canvas      (ConduitHistoryView *self);

G_END_DECLS
