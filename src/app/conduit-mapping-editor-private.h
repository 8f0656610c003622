/* conduit-mapping-editor-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-mapping-cell.h"
#include "conduit-mapping-editor.h"

G_BEGIN_DECLS

/* The mapping table is a family: the table itself (conduit-mapping-editor.c), the sample strip
 * (conduit-mapping-editor-samples.c) and the cells (conduit-mapping-cell*.c, a widget class a
 * column). The first two share this struct. */

#define MAX_SAMPLES 1000
#define MAX_LISTED  100   /* rejected records spelt out; the rest are counted */

typedef struct
{
  char                    *preview;
  ConduitMappingRowStatus  status;
  char                    *reason;
  char                    *problem_member;  /* "destination", "field", "expression", … */
  guint                    problem_column;  /* 1-based, 0 for none */
  guint                    problem_length;
} RowState;

struct _ConduitMappingEditor
{
  AdwBin             parent_instance;

  ConduitDocument   *document;
  ConduitNode       *node;
  ConduitMapping    *mapping;
  GHashTable        *states;       /* ConduitMappingRow → RowState */
  GPtrArray         *cells;        /* bound cell widgets */
  GPtrArray         *records;      /* JsonNode, the sample records */
  ConduitSchema     *schema;       /* of the sample records */
  ConduitNode       *trigger;      /* whose sample items are shown, followed while shown */
  guint              record_index;
  guint              focus_source;
  guint              focus_tries;
  char              *summary_text;
  char              *rejected_text;

  /* template children */
  GtkLabel          *record_label;
  GtkLabel          *origin_label;
  GtkInscription    *record_text;
  GtkLabel          *summary_label;
  GtkMenuButton     *rejected_button;
  GtkLabel          *rejected_label;
  GtkLabel          *sample_error_label;
  GtkPopover        *paste_popover;
  GtkTextView       *paste_view;
  GtkLabel          *paste_error_label;
  GtkColumnView     *column_view;
  GtkSingleSelection *selection;
  GtkLabel          *problems_label;
  GtkLabel          *action_label;

  guint              committing : 1;
  guint              keeping_samples : 1;
  /* narrow: the table leaves out the columns only a wide window has room for */
  guint              narrow : 1;
  guint              layout_source;
  GtkWidget         *details_button;   /* narrow only: the selected row's other columns */
};

/* conduit-mapping-editor.c */
void            _conduit_mapping_editor_refresh                  (ConduitMappingEditor *self);

/* conduit-mapping-editor-samples.c */
const char     *_conduit_mapping_editor_node_name                (ConduitNode          *node);
void            _conduit_mapping_editor_show_record              (ConduitMappingEditor *self);
void            _conduit_mapping_editor_show_outcomes            (ConduitMappingEditor *self);
void            _conduit_mapping_editor_follow_trigger           (ConduitMappingEditor *self,
                                                                  ConduitNode          *trigger);
void            _conduit_mapping_editor_load_upstream_samples    (ConduitMappingEditor *self);
void            _conduit_mapping_editor_class_samples_init       (GtkWidgetClass       *widget_class);

G_END_DECLS
