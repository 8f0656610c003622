/* conduit-mapping-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-expression.h"
#include "conduit-mapping.h"
#include "conduit-mapping-value.h"
#include "conduit-pattern.h"

G_BEGIN_DECLS

/* The streaming path: records stay arena values from the reader to the writer. */
gboolean conduit_mapping_apply_value (ConduitMapping     *self,
                                      ConduitArena       *arena,
                                      const ConduitValue *record,
                                      ConduitValue      **output,
                                      GPtrArray          *reasons);
gboolean conduit_mapping_write_value (ConduitMapping     *self,
                                      ConduitArena       *arena,
                                      const ConduitValue *record,
                                      GString            *out,
                                      GPtrArray          *reasons);

/* Validation of one value against a row's rules (conduit-mapping-validation.c). */
typedef struct
{
  gboolean            required;
  ConduitMappingType  type;
  ConduitPattern     *pattern;
  char               *pattern_description;   /* (nullable) the pattern in words */
  int                 min_length;
  int                 max_length;
  gboolean            has_minimum;
  double              minimum;
  gboolean            has_maximum;
  double              maximum;
  char              **values;
} ConduitMappingRules;

void          conduit_mapping_rules_clear    (ConduitMappingRules       *rules);
gboolean      conduit_mapping_rules_is_empty (const ConduitMappingRules *rules);
ConduitValue *conduit_mapping_rules_check    (const ConduitMappingRules *rules,
                                              ConduitArena              *arena,
                                              ConduitValue              *value,
                                              const char                *field_prefix,
                                              gint64                     item,
                                              const char                *field_suffix,
                                              GPtrArray                 *reasons);
void          conduit_mapping_add_reason     (GPtrArray                 *reasons,
                                              const char                *field_prefix,
                                              gint64                     item,
                                              const char                *field_suffix,
                                              const char                *rule,
                                              const ConduitValue        *value,
                                              const char                *message);
gboolean      conduit_mapping_is_email       (const char                *text,
                                              gsize                      length);

/* The mapping's state, shared by its family of files: the object and its rows
 * (conduit-mapping.c), compiling (-compile.c), applying (-apply.c) and JSON (-json.c). */

typedef struct _PlanNode PlanNode;

struct _PlanNode
{
  char      *key;
  guint      key_len;
  char      *key_json;    /* ,"key": as JSON text, for conduit_mapping_write_value(); the
                           * comma is left out before an object's first member */
  guint      key_json_len;
  gboolean   is_array;
  int        row;         /* a leaf's compiled row, or -1 for a group */
  GPtrArray *children;    /* (element-type PlanNode) */
  GArray    *iterating;   /* (element-type int) for arrays: rows that give the item count */
  gboolean   keep_empty;  /* a group written as {} when none of its fields has a value */
};

typedef struct
{
  ConduitExpression   *source;
  char                *destination;
  char                *field_prefix;   /* "lines" of lines[].sku, or the whole destination */
  char                *field_suffix;   /* ".sku" of lines[].sku, or "" */
  gboolean             array_row;      /* the destination has [] */
  gboolean             iterates;       /* ...and the source has [] too: one value per item */
  ConduitMappingRules  rules;
  gboolean             has_rules;
  gboolean             keep_null;      /* a missing or null value writes null */
  gboolean             keep_empty;     /* the groups it writes into are kept as {} */
} CompiledRow;

struct _ConduitMapping
{
  GObject    parent_instance;

  GPtrArray *rows;               /* (element-type ConduitMappingRow) */
  gboolean   keep_unmapped;

  /* compiled state, rebuilt when dirty */
  gboolean   dirty;
  GPtrArray *compiled;           /* (element-type CompiledRow) */
  GPtrArray *problems;           /* (element-type ConduitMappingProblem) */
  PlanNode  *plan;
  GHashTable *read_fields;       /* top-level source names the rows read */
  guint      n_shared_calls;     /* calls rows make alike (conduit_expression_share_calls()) */

  /* per-record scratch, reused */
  GArray    *values;             /* (element-type ConduitValue*) one per compiled row */
  GArray    *lengths;            /* (element-type gint64) items of array rows, -1 otherwise */
};

/* Shared within the family: freeing compiled state (-compile.c), and problems found while
 * loading or compiling, with the row and member at fault (conduit-mapping.c). */
void     conduit_mapping_plan_node_free         (PlanNode    *node);
void     conduit_mapping_compiled_row_free      (CompiledRow *row);
void     conduit_mapping_add_problem            (GPtrArray   *problems,
                                                 int          row,
                                                 const char  *member,
                                                 guint        column,
                                                 const char  *format,
                                                 ...) G_GNUC_PRINTF (5, 6);
void     conduit_mapping_add_expression_problem (GPtrArray   *problems,
                                                 int          row,
                                                 const char  *member,
                                                 const char  *what,
                                                 GError      *error);

G_END_DECLS
