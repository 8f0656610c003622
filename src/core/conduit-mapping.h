/* conduit-mapping.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-mapping-row.h"

G_BEGIN_DECLS

/* A field mapping: an ordered list of rows (a GListModel of ConduitMappingRow) that turns
 * each source record into a destination record, or refuses it with every reason. The JSON
 * form (a flow node's "mapping" member) is documented in docs/mapping.md.
 *
 * A mapping keeps scratch space for the record being applied: apply it from one thread at a
 * time (expressions and templates, which keep none, can be shared). */

#define CONDUIT_MAPPING_ERROR (conduit_mapping_error_quark ())

typedef enum
{
  CONDUIT_MAPPING_ERROR_FAILED,
  CONDUIT_MAPPING_ERROR_INVALID,   /* the mapping has problems; the message names the first */
} ConduitMappingError;

/**
 * ConduitMappingReason:
 * @field: the destination field, with the item number in arrays (`lines[2].sku`)
 * @rule: "required", "type", "pattern", "min_length", "max_length", "minimum",
 *   "maximum", "enum", "expression" (the source could not be computed) or "mapping"
 *   (the mapping itself has a problem)
 * @value: (nullable): the value at fault
 * @message: a sentence for a person, translated
 *
 * Why a record was refused.
 */
typedef struct
{
  char     *field;
  char     *rule;
  JsonNode *value;
  char     *message;
} ConduitMappingReason;

/**
 * ConduitMappingProblem:
 * @pointer: a JSON pointer into the mapping's JSON ("/rows/2/expression")
 * @row: the 0-based row, or -1 for the whole mapping
 * @column: for expressions and paths, the 1-based column of the error in that text, or 0
 * @length: how many characters from @column are at fault
 * @message: a sentence for a person, translated
 *
 * One thing wrong with a mapping, found when it is loaded.
 */
typedef struct
{
  char  *pointer;
  int    row;
  guint  column;
  guint  length;
  char  *message;
} ConduitMappingProblem;

#define CONDUIT_TYPE_MAPPING_REASON  (conduit_mapping_reason_get_type ())
#define CONDUIT_TYPE_MAPPING_PROBLEM (conduit_mapping_problem_get_type ())
#define CONDUIT_TYPE_MAPPING         (conduit_mapping_get_type ())

GType                  conduit_mapping_reason_get_type   (void) G_GNUC_CONST;
ConduitMappingReason  *conduit_mapping_reason_new        (const char                 *field,
                                                          const char                 *rule,
                                                          JsonNode                   *value,
                                                          const char                 *message);
ConduitMappingReason  *conduit_mapping_reason_copy       (const ConduitMappingReason *reason);
void                   conduit_mapping_reason_free       (ConduitMappingReason       *reason);
JsonNode              *conduit_mapping_reason_to_json    (const ConduitMappingReason *reason);

GType                  conduit_mapping_problem_get_type  (void) G_GNUC_CONST;
ConduitMappingProblem *conduit_mapping_problem_copy      (const ConduitMappingProblem *problem);
void                   conduit_mapping_problem_free      (ConduitMappingProblem      *problem);

G_DECLARE_FINAL_TYPE (ConduitMapping, conduit_mapping, CONDUIT, MAPPING, GObject)

GQuark             conduit_mapping_error_quark       (void);
ConduitMapping    *conduit_mapping_new               (void);
ConduitMapping    *conduit_mapping_new_from_json     (JsonNode          *json,
                                                      GError           **error);
ConduitMapping    *conduit_mapping_load_json         (JsonNode          *json,
                                                      GPtrArray        **problems);
JsonNode          *conduit_mapping_to_json           (ConduitMapping    *self);
ConduitMappingRow *conduit_mapping_get_row           (ConduitMapping    *self,
                                                      guint              position);
void               conduit_mapping_append_row        (ConduitMapping    *self,
                                                      ConduitMappingRow *row);
void               conduit_mapping_insert_row        (ConduitMapping    *self,
                                                      guint              position,
                                                      ConduitMappingRow *row);
void               conduit_mapping_remove_row        (ConduitMapping    *self,
                                                      guint              position);
void               conduit_mapping_move_row          (ConduitMapping    *self,
                                                      guint              from,
                                                      guint              to);
ConduitMappingRow *conduit_mapping_find_destination  (ConduitMapping    *self,
                                                      const char        *destination);
gboolean           conduit_mapping_get_keep_unmapped (ConduitMapping    *self);
void               conduit_mapping_set_keep_unmapped (ConduitMapping    *self,
                                                      gboolean           keep_unmapped);
gboolean           conduit_mapping_compile           (ConduitMapping    *self,
                                                      GPtrArray        **problems);
gboolean           conduit_mapping_apply             (ConduitMapping    *self,
                                                      JsonNode          *record,
                                                      JsonNode         **output,
                                                      GPtrArray        **reasons);
JsonNode          *conduit_mapping_preview_row       (ConduitMapping    *self,
                                                      guint              position,
                                                      JsonNode          *record,
                                                      GPtrArray        **reasons);
JsonNode          *conduit_mapping_preview_row_full  (ConduitMapping    *self,
                                                      guint              position,
                                                      JsonNode          *record,
                                                      gboolean          *written,
                                                      GPtrArray        **reasons);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitMappingReason, conduit_mapping_reason_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitMappingProblem, conduit_mapping_problem_free)

G_END_DECLS
