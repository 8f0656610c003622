/* conduit-mapping-schema.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-mapping.h"
#include "conduit-record-reader.h"

G_BEGIN_DECLS

/* What sample records hold: every field path (as a mapping row writes it), its type, how
 * often it has a value and a few example values, for the source column of the mapping
 * table. And auto-map, which pairs source and destination fields by their names. */

/**
 * ConduitSchemaField:
 * @path: the field as a mapping's source path: `utm.source`, `items[].sku`, `` `First Name` ``
 * @type: "string", "integer", "number", "boolean", "date", "datetime", "email", "url",
 *   "object", "array", "null" (never a value) or "mixed"
 * @present: in how many records the field has a value (not missing, not null)
 * @examples: (element-type utf8): up to three different values, as text
 *
 * One source field found in sample records.
 */
typedef struct
{
  char      *path;
  char      *type;
  guint      present;
  GPtrArray *examples;
} ConduitSchemaField;

typedef struct _ConduitSchema ConduitSchema;

#define CONDUIT_TYPE_SCHEMA (conduit_schema_get_type ())

GType          conduit_schema_get_type        (void) G_GNUC_CONST;
ConduitSchema *conduit_schema_new             (void);
ConduitSchema *conduit_schema_new_for_records (GPtrArray            *records);
ConduitSchema *conduit_schema_ref             (ConduitSchema        *self);
void           conduit_schema_unref           (ConduitSchema        *self);
ConduitSchema *conduit_schema_infer           (GInputStream         *stream,
                                               ConduitRecordFormat   format,
                                               guint                 max_records,
                                               GError              **error);
void           conduit_schema_add_record      (ConduitSchema        *self,
                                               JsonNode             *record);
guint          conduit_schema_get_n_records   (ConduitSchema        *self);
GPtrArray     *conduit_schema_get_fields      (ConduitSchema        *self);
const ConduitSchemaField *conduit_schema_lookup (ConduitSchema      *self,
                                               const char           *path);
JsonNode      *conduit_schema_to_json         (ConduitSchema        *self);

char          *conduit_mapping_normalize_name (const char           *name);
guint          conduit_mapping_auto_map       (ConduitMapping       *mapping,
                                               const char * const   *sources,
                                               const char * const   *destinations);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSchema, conduit_schema_unref)

G_END_DECLS
