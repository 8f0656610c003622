/* conduit-mapping-row.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  CONDUIT_MAPPING_SOURCE_FIELD,       /* a field path of the source record */
  CONDUIT_MAPPING_SOURCE_CONSTANT,    /* a fixed JSON value */
  CONDUIT_MAPPING_SOURCE_EXPRESSION,  /* an expression of the mapping language */
} ConduitMappingSourceKind;

typedef enum
{
  CONDUIT_MAPPING_TYPE_ANY,
  CONDUIT_MAPPING_TYPE_STRING,
  CONDUIT_MAPPING_TYPE_NUMBER,
  CONDUIT_MAPPING_TYPE_INTEGER,
  CONDUIT_MAPPING_TYPE_BOOLEAN,
  CONDUIT_MAPPING_TYPE_DATE,
  CONDUIT_MAPPING_TYPE_DATETIME,
  CONDUIT_MAPPING_TYPE_EMAIL,
  CONDUIT_MAPPING_TYPE_URL,
  CONDUIT_MAPPING_TYPE_ENUM,
} ConduitMappingType;

#define CONDUIT_TYPE_MAPPING_SOURCE_KIND (conduit_mapping_source_kind_get_type ())
#define CONDUIT_TYPE_MAPPING_TYPE        (conduit_mapping_type_get_type ())
#define CONDUIT_TYPE_MAPPING_ROW         (conduit_mapping_row_get_type ())

GType conduit_mapping_source_kind_get_type (void) G_GNUC_CONST;
GType conduit_mapping_type_get_type        (void) G_GNUC_CONST;

const char *conduit_mapping_type_to_string   (ConduitMappingType  type);
gboolean    conduit_mapping_type_from_string (const char         *text,
                                              ConduitMappingType *type);

G_DECLARE_FINAL_TYPE (ConduitMappingRow, conduit_mapping_row, CONDUIT, MAPPING_ROW, GObject)

ConduitMappingRow        *conduit_mapping_row_new                (const char               *destination,
                                                                  ConduitMappingSourceKind  kind,
                                                                  const char               *source);
const char               *conduit_mapping_row_get_destination    (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_destination    (ConduitMappingRow        *self,
                                                                  const char               *destination);
ConduitMappingSourceKind  conduit_mapping_row_get_source_kind    (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_source_kind    (ConduitMappingRow        *self,
                                                                  ConduitMappingSourceKind  kind);
const char               *conduit_mapping_row_get_source         (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_source         (ConduitMappingRow        *self,
                                                                  const char               *source);
gboolean                  conduit_mapping_row_get_required       (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_required       (ConduitMappingRow        *self,
                                                                  gboolean                  required);
ConduitMappingType        conduit_mapping_row_get_value_type     (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_value_type     (ConduitMappingRow        *self,
                                                                  ConduitMappingType        type);
const char               *conduit_mapping_row_get_pattern        (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_pattern        (ConduitMappingRow        *self,
                                                                  const char               *pattern);
int                       conduit_mapping_row_get_min_length     (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_min_length     (ConduitMappingRow        *self,
                                                                  int                       min_length);
int                       conduit_mapping_row_get_max_length     (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_max_length     (ConduitMappingRow        *self,
                                                                  int                       max_length);
gboolean                  conduit_mapping_row_get_minimum        (ConduitMappingRow        *self,
                                                                  double                   *minimum);
void                      conduit_mapping_row_set_minimum        (ConduitMappingRow        *self,
                                                                  gboolean                  has_minimum,
                                                                  double                    minimum);
gboolean                  conduit_mapping_row_get_maximum        (ConduitMappingRow        *self,
                                                                  double                   *maximum);
void                      conduit_mapping_row_set_maximum        (ConduitMappingRow        *self,
                                                                  gboolean                  has_maximum,
                                                                  double                    maximum);
const char * const       *conduit_mapping_row_get_allowed_values (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_allowed_values (ConduitMappingRow        *self,
                                                                  const char * const       *values);
gboolean                  conduit_mapping_row_get_suggested      (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_suggested      (ConduitMappingRow        *self,
                                                                  gboolean                  suggested);
const char               *conduit_mapping_row_get_pattern_description (ConduitMappingRow *self);
void                      conduit_mapping_row_set_pattern_description (ConduitMappingRow *self,
                                                                       const char        *description);
gboolean                  conduit_mapping_row_get_keep_null      (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_keep_null      (ConduitMappingRow        *self,
                                                                  gboolean                  keep_null);
gboolean                  conduit_mapping_row_get_keep_empty     (ConduitMappingRow        *self);
void                      conduit_mapping_row_set_keep_empty     (ConduitMappingRow        *self,
                                                                  gboolean                  keep_empty);

G_END_DECLS
