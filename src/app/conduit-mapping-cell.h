/* conduit-mapping-cell.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-mapping-editor.h"

G_BEGIN_DECLS

/* What a cell shows of its row besides the row itself: the preview and the status the table
 * computed for the sample record in view. Borrowed for the length of one update. */
typedef struct
{
  const char              *name;            /* the destination, or "row 3" when it has none */
  const char              *preview;
  ConduitMappingRowStatus  status;
  const char              *reason;          /* why, in words; NULL when there is nothing to say */
  const char              *problem_member;  /* the member at fault when status is PROBLEM */
  guint                    problem_column;  /* 1-based, 0 for none */
  guint                    problem_length;
  gboolean                 has_records;
  ConduitSchema           *schema;          /* of the sample records, or NULL */
} ConduitMappingCellState;

void        conduit_mapping_cell_state_appearance (const ConduitMappingCellState  *state,
                                                   const char                    **text,
                                                   const char                    **icon,
                                                   const char                    **style);
const char *conduit_mapping_cell_state_explain    (const ConduitMappingCellState  *state);

#define CONDUIT_TYPE_MAPPING_CELL (conduit_mapping_cell_get_type ())

G_DECLARE_DERIVABLE_TYPE (ConduitMappingCell, conduit_mapping_cell, CONDUIT, MAPPING_CELL, AdwBin)

struct _ConduitMappingCellClass
{
  AdwBinClass parent_class;

  /* show @row and @state; what the cell changes while this runs is not an edit */
  void (*update) (ConduitMappingCell            *self,
                  ConduitMappingRow             *row,
                  const ConduitMappingCellState *state);
};

ConduitMappingRow *conduit_mapping_cell_get_row  (ConduitMappingCell            *self);
void               conduit_mapping_cell_set_row  (ConduitMappingCell            *self,
                                                  ConduitMappingRow             *row);
void               conduit_mapping_cell_update   (ConduitMappingCell            *self,
                                                  const ConduitMappingCellState *state);
ConduitMappingRow *conduit_mapping_cell_begin_edit (ConduitMappingCell          *self);
void               conduit_mapping_cell_end_edit (ConduitMappingCell            *self);
void               conduit_mapping_cell_set_label (GtkWidget                    *widget,
                                                   const char                   *format,
                                                   ...) G_GNUC_PRINTF (2, 3);

/* The cells, one class a column. */
#define CONDUIT_TYPE_MAPPING_DESTINATION_CELL (conduit_mapping_destination_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingDestinationCell, conduit_mapping_destination_cell, CONDUIT,
                      MAPPING_DESTINATION_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_REQUIRED_CELL (conduit_mapping_required_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingRequiredCell, conduit_mapping_required_cell, CONDUIT,
                      MAPPING_REQUIRED_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_TYPE_CELL (conduit_mapping_type_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingTypeCell, conduit_mapping_type_cell, CONDUIT,
                      MAPPING_TYPE_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_PREVIEW_CELL (conduit_mapping_preview_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingPreviewCell, conduit_mapping_preview_cell, CONDUIT,
                      MAPPING_PREVIEW_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_STATUS_CELL (conduit_mapping_status_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingStatusCell, conduit_mapping_status_cell, CONDUIT,
                      MAPPING_STATUS_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_SOURCE_CELL (conduit_mapping_source_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingSourceCell, conduit_mapping_source_cell, CONDUIT,
                      MAPPING_SOURCE_CELL, ConduitMappingCell)
#define CONDUIT_TYPE_MAPPING_RULES_CELL (conduit_mapping_rules_cell_get_type ())
G_DECLARE_FINAL_TYPE (ConduitMappingRulesCell, conduit_mapping_rules_cell, CONDUIT,
                      MAPPING_RULES_CELL, ConduitMappingCell)

GtkEditable    *conduit_mapping_destination_cell_get_entry (ConduitMappingDestinationCell *self);
GtkCheckButton *conduit_mapping_required_cell_get_check    (ConduitMappingRequiredCell    *self);
GtkDropDown    *conduit_mapping_type_cell_get_drop_down    (ConduitMappingTypeCell        *self);
const char     *conduit_mapping_preview_cell_get_text      (ConduitMappingPreviewCell     *self);
const char     *conduit_mapping_status_cell_get_text       (ConduitMappingStatusCell      *self);
GtkEditable    *conduit_mapping_source_cell_get_entry      (ConduitMappingSourceCell      *self);
GtkDropDown    *conduit_mapping_source_cell_get_kind       (ConduitMappingSourceCell      *self);
GtkSwitch      *conduit_mapping_rules_cell_get_keep_null   (ConduitMappingRulesCell       *self);

G_END_DECLS
