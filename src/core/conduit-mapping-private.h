/* conduit-mapping-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-mapping.h"
#include "conduit-mapping-value.h"

G_BEGIN_DECLS

/* The streaming path: records stay arena values from the reader to the writer. */
gboolean conduit_mapping_apply_value (ConduitMapping     *self,
                                      ConduitArena       *arena,
                                      const ConduitValue *record,
                                      ConduitValue      **output,
                                      GPtrArray          *reasons);

/* Validation of one value against a row's rules (conduit-mapping-validation.c). */
typedef struct
{
  gboolean            required;
  ConduitMappingType  type;
  GRegex             *pattern;
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

G_END_DECLS
