/* conduit-openapi-import-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-openapi-import.h"

G_BEGIN_DECLS

/* Nesting past this many levels is refused, in JSON and YAML alike. */
#define CONDUIT_OPENAPI_MAX_DEPTH 64

/* The state of one import, shared by the reader, the schema walker and the mapper. */
typedef struct
{
  const char *text;         /* the description as given, for line numbers */
  gsize       length;
  gboolean    is_yaml;
  JsonNode   *root;         /* the whole description */
  GPtrArray  *report;       /* char *: what was not carried over, one sentence each */
  GHashTable *reported;     /* char *: sentences already in the report */
  GHashTable *resolving;    /* char *: $ref targets being expanded, to cut recursion */
  GHashTable *tags;         /* operation id → GStrv of its tags, for conduit_openapi_import_keep_tags() */
  int         version;      /* 2 for Swagger 2.0, 3 for OpenAPI 3.x */
} ConduitOpenapiImporter;

/* Reading hostile JSON without a critical: NULL or FALSE when the value has another type. */
static inline const char *
conduit_openapi_string_at (JsonArray *array,
                           guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static inline gboolean
conduit_openapi_is_true (JsonObject *object,
                         const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* Members in the order the description gives them (JsonObjectIter's order is a hash table's):
 * the order of operations and fields is the order a person wrote them in. */
typedef struct
{
  JsonObject *object;
  GList      *members;
  GList      *next;
} ConduitOpenapiIter;

static inline void
conduit_openapi_iter_init (ConduitOpenapiIter *iter,
                           JsonObject         *object)
{
  iter->object = object;
  iter->members = json_object_get_members (object);
  iter->next = iter->members;
}

static inline gboolean
conduit_openapi_iter_next (ConduitOpenapiIter  *iter,
                           const char         **name,
                           JsonNode           **node)
{
  if (iter->next == NULL)
    return FALSE;
  *name = iter->next->data;
  *node = json_object_get_member (iter->object, *name);
  iter->next = iter->next->next;
  return TRUE;
}

static inline void
conduit_openapi_iter_clear (ConduitOpenapiIter *iter)
{
  g_clear_pointer (&iter->members, g_list_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ConduitOpenapiIter, conduit_openapi_iter_clear)

/* conduit-openapi-import-read.c */
JsonNode *conduit_openapi_read_text     (const char              *text,
                                         gsize                    length,
                                         gboolean                *is_yaml,
                                         GError                 **error);
guint     conduit_openapi_locate        (ConduitOpenapiImporter  *importer,
                                         const char              *pointer);
void      conduit_openapi_set_error_at  (ConduitOpenapiImporter  *importer,
                                         GError                 **error,
                                         int                      code,
                                         const char              *pointer,
                                         const char              *format,
                                         ...) G_GNUC_PRINTF (5, 6);

/* conduit-openapi-import-schema.c */
void      conduit_openapi_note          (ConduitOpenapiImporter  *importer,
                                         const char              *format,
                                         ...) G_GNUC_PRINTF (2, 3);
JsonNode *conduit_openapi_resolve       (ConduitOpenapiImporter  *importer,
                                         JsonNode                *node,
                                         const char              *where,
                                         char                   **target,
                                         GError                 **error);
JsonObject *conduit_openapi_flatten     (ConduitOpenapiImporter  *importer,
                                         JsonNode                *schema,
                                         const char              *where,
                                         GError                 **error);
const char *conduit_openapi_field_type  (JsonObject              *schema,
                                         const char             **format);
JsonObject *conduit_openapi_make_field  (ConduitOpenapiImporter  *importer,
                                         const char              *key,
                                         const char              *name,
                                         JsonObject              *schema,
                                         const char              *description,
                                         gboolean                 required);
char      *conduit_openapi_make_key     (const char              *name,
                                         GHashTable              *taken);

/* conduit-openapi-import-operation.c */
JsonObject *conduit_openapi_map_operation (ConduitOpenapiImporter *importer,
                                           const char             *path,
                                           const char             *method,
                                           JsonArray              *path_parameters,
                                           const char             *path_parameters_where,
                                           JsonNode               *node,
                                           const char             *where,
                                           GHashTable             *ids,
                                           gboolean                app_has_auth,
                                           GError                **error);

G_END_DECLS
