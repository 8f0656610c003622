/* conduit-mapping-preview.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-mapping.h"

G_BEGIN_DECLS

/* How a row of a mapping fares with one sample record. */
typedef enum
{
  CONDUIT_MAPPING_ROW_STATUS_OK,
  CONDUIT_MAPPING_ROW_STATUS_SUGGESTED,         /* added by auto-map, not yet confirmed */
  CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED,
  CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR,
  CONDUIT_MAPPING_ROW_STATUS_INVALID,           /* another rule refused the value */
  CONDUIT_MAPPING_ROW_STATUS_PROBLEM,           /* the row itself is wrong: fix it first */
} ConduitMappingRowStatus;

/**
 * ConduitMappingPreviewReason:
 * @row: the 0-based row the reason belongs to
 * @status: what the reason makes of the row
 * @field: the destination field, with the item number in arrays (`lines[2].sku`); "" for a
 *   problem of the row itself
 * @member: for a problem of the row itself, the row's member at fault ("destination",
 *   "field", "constant", "expression", "pattern", …); otherwise %NULL
 * @column: for a problem in an expression or a path, the 1-based column in it, or 0
 * @length: how many characters from @column are at fault
 * @message: a sentence for a person, translated
 *
 * Why a row does not pass with the sample record.
 */
typedef struct
{
  guint                    row;
  ConduitMappingRowStatus  status;
  char                    *field;
  char                    *member;
  guint                    column;
  guint                    length;
  char                    *message;
} ConduitMappingPreviewReason;

/**
 * ConduitMappingPreviewRow:
 * @value: (nullable): what the row writes for the record (JSON null when it writes nothing),
 *   or %NULL when there is no record, the row has a problem or its source cannot be computed
 * @status: how the row fares
 * @reasons: (element-type ConduitMappingPreviewReason): why, the first one deciding @status;
 *   empty when the row passes
 * @written: whether the record sent would hold the row's field: %FALSE when the value is
 *   missing and the field left out, %TRUE for a value and for a null that is written (the
 *   `null` literal, a null constant, a row that keeps nulls), so that a preview can show a
 *   null and a field left out apart
 *
 * One row of a mapping applied to one sample record.
 */
typedef struct
{
  JsonNode                *value;
  ConduitMappingRowStatus  status;
  GPtrArray               *reasons;
  gboolean                 written;
} ConduitMappingPreviewRow;

void            conduit_mapping_preview_reason_free (ConduitMappingPreviewReason *reason);
void            conduit_mapping_preview_row_free    (ConduitMappingPreviewRow    *row);
GPtrArray      *conduit_mapping_preview             (ConduitMapping              *mapping,
                                                     JsonNode                    *record,
                                                     GPtrArray                  **problems);
ConduitMapping *conduit_mapping_preview_usable      (ConduitMapping              *mapping,
                                                     GArray                      *positions);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitMappingPreviewReason, conduit_mapping_preview_reason_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitMappingPreviewRow, conduit_mapping_preview_row_free)

G_END_DECLS
