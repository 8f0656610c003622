/* conduit-openapi-import-schema.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-json-text.h"
#include "conduit-openapi-import-private.h"

/* JSON Schemas, as OpenAPI uses them, turned into the flat typed fields of an app descriptor.
 * An app step's fields are one level deep (a nested object is one field holding the whole
 * object), so a schema is only ever flattened at its top: `$ref` followed, `allOf` merged,
 * `oneOf`/`anyOf` reduced to their first choice (and said so in the report). A `$ref` chain that
 * comes back to itself can never be resolved and is an error; a schema that contains itself
 * through its properties (a tree of categories) is fine, since only its top is expanded. */

/**
 * conduit_openapi_note:
 * @importer: an import
 * @format: a sentence for the report
 *
 * Adds a sentence to the report of what was not carried over, once.
 */
void
conduit_openapi_note (ConduitOpenapiImporter *importer,
                      const char             *format,
                      ...)
{
  char *sentence;
  va_list args;

  va_start (args, format);
  sentence = g_strdup_vprintf (format, args);
  va_end (args);

  if (g_hash_table_contains (importer->reported, sentence))
    {
      g_free (sentence);
      return;
    }
  g_hash_table_add (importer->reported, sentence);
  g_ptr_array_add (importer->report, g_strdup (sentence));
}

static JsonNode *
lookup_pointer (JsonNode   *root,
                const char *pointer)
{
  JsonNode *node = root;
  g_auto(GStrv) segments = NULL;

  if (*pointer == '\0')
    return root;
  if (*pointer != '/')
    return NULL;

  segments = g_strsplit (pointer + 1, "/", -1);
  for (guint i = 0; segments[i] != NULL && node != NULL; i++)
    {
      g_autoptr(GString) segment = g_string_new (segments[i]);

      g_string_replace (segment, "~1", "/", 0);
      g_string_replace (segment, "~0", "~", 0);
      if (JSON_NODE_HOLDS_OBJECT (node))
        node = json_object_get_member (json_node_get_object (node), segment->str);
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          guint64 index;
          JsonArray *array = json_node_get_array (node);

          if (!g_ascii_string_to_unsigned (segment->str, 10, 0, G_MAXUINT, &index, NULL) ||
              index >= json_array_get_length (array))
            return NULL;
          node = json_array_get_element (array, index);
        }
      else
        return NULL;
    }
  return node;
}

static const char *
ref_of (JsonNode *node)
{
  JsonNode *ref;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  ref = json_object_get_member (json_node_get_object (node), "$ref");
  if (ref == NULL || json_node_get_value_type (ref) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (ref);
}

/**
 * conduit_openapi_resolve:
 * @importer: an import
 * @node: (nullable): a node that may be a `{"$ref": …}`
 * @where: @node's JSON pointer, for messages
 * @target: (out) (optional) (transfer full): the last `$ref` followed, or %NULL
 * @error: set for a `$ref` cycle
 *
 * Follows `$ref`s within the description. A reference to another file is never fetched; it
 * and a reference to nothing are reported, and give %NULL without an error.
 *
 * Returns: (transfer none) (nullable): the node referred to, inside the description
 */
JsonNode *
conduit_openapi_resolve (ConduitOpenapiImporter  *importer,
                         JsonNode                *node,
                         const char              *where,
                         char                   **target,
                         GError                 **error)
{
  g_autoptr(GPtrArray) chain = g_ptr_array_new_with_free_func (g_free);
  const char *ref;

  while ((ref = ref_of (node)) != NULL)
    {
      g_autofree char *pointer = NULL;

      if (ref[0] != '#')
        {
          conduit_openapi_note (importer,
                                _("%s refers to “%s” in another file, which is not fetched: left untyped"),
                                where, ref);
          return NULL;
        }
      for (guint i = 0; i < chain->len; i++)
        if (g_str_equal (g_ptr_array_index (chain, i), ref))
          {
            g_autoptr(GString) path = g_string_new (NULL);

            for (guint j = i; j < chain->len; j++)
              g_string_append_printf (path, "%s → ", (const char *)g_ptr_array_index (chain, j));
            g_string_append (path, ref);
            conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                                          where, _("a $ref cycle never reaches a schema: %s"),
                                          path->str);
            return NULL;
          }
      g_ptr_array_add (chain, g_strdup (ref));

      pointer = g_uri_unescape_string (ref + 1, NULL);
      node = pointer ? lookup_pointer (importer->root, pointer) : NULL;
      if (node == NULL)
        {
          conduit_openapi_note (importer, _("%s refers to “%s”, which is not in the description: left untyped"),
                                where, ref);
          return NULL;
        }
    }

  if (target != NULL)
    *target = chain->len > 0 ? g_strdup (g_ptr_array_index (chain, chain->len - 1)) : NULL;
  return node;
}

static void
merge_required (JsonObject *into,
                JsonObject *from)
{
  JsonNode *required = json_object_get_member (from, "required");
  JsonArray *list;

  if (required == NULL || !JSON_NODE_HOLDS_ARRAY (required))
    return;
  if (!json_object_has_member (into, "required") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (into, "required")))
    json_object_set_array_member (into, "required", json_array_new ());
  list = json_object_get_array_member (into, "required");
  for (guint i = 0; i < json_array_get_length (json_node_get_array (required)); i++)
    json_array_add_element (list, json_node_copy (json_array_get_element (json_node_get_array (required), i)));
}

/* Copies @from's members into @into: properties are merged one by one, the rest only where
 * @into has none yet, so the schema that says it first wins. */
static void
merge_schema (JsonObject *into,
              JsonObject *from)
{
  g_auto(ConduitOpenapiIter) iter = { 0 };
  const char *member;
  JsonNode *value;

  conduit_openapi_iter_init (&iter, from);
  while (conduit_openapi_iter_next (&iter, &member, &value))
    {
      if (g_str_equal (member, "required"))
        merge_required (into, from);
      else if (g_str_equal (member, "properties") && JSON_NODE_HOLDS_OBJECT (value))
        {
          g_auto(ConduitOpenapiIter) inner = { 0 };
          const char *name;
          JsonNode *property;

          if (!json_object_has_member (into, "properties") ||
              !JSON_NODE_HOLDS_OBJECT (json_object_get_member (into, "properties")))
            json_object_set_object_member (into, "properties", json_object_new ());
          conduit_openapi_iter_init (&inner, json_node_get_object (value));
          while (conduit_openapi_iter_next (&inner, &name, &property))
            json_object_set_member (json_object_get_object_member (into, "properties"), name,
                                    json_node_ref (property));
        }
      else if (!g_str_equal (member, "allOf") && !g_str_equal (member, "oneOf") &&
               !g_str_equal (member, "anyOf") && !g_str_equal (member, "$ref") &&
               !json_object_has_member (into, member))
        json_object_set_member (into, member, json_node_ref (value));
    }
}

static gboolean
flatten_into (ConduitOpenapiImporter  *importer,
              JsonObject              *into,
              JsonNode                *node,
              const char              *where,
              guint                    depth,
              GError                 **error)
{
  g_autofree char *target = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *schema;
  JsonNode *parts;

  /* a $ref's siblings (OpenAPI 3.1) describe the use, so they come first */
  if (ref_of (node) != NULL)
    {
      g_autoptr(JsonObject) siblings = json_object_new ();

      merge_schema (siblings, json_node_get_object (node));
      json_object_remove_member (siblings, "$ref");
      merge_schema (into, siblings);
    }

  node = conduit_openapi_resolve (importer, node, where, &target, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  if (depth > CONDUIT_OPENAPI_MAX_DEPTH)
    {
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, where,
                                    _("schemas combine more than %u levels deep"),
                                    CONDUIT_OPENAPI_MAX_DEPTH);
      return FALSE;
    }
  if (target != NULL)
    {
      if (g_hash_table_contains (importer->resolving, target))
        {
          conduit_openapi_note (importer,
                                _("%s: the schema “%s” contains itself; the inner one is passed as a whole object"),
                                where, target);
          return TRUE;
        }
      g_hash_table_add (importer->resolving, g_strdup (target));
    }

  schema = json_node_get_object (node);
  merge_schema (into, schema);

  /* a tree (a category with subcategories): the property is passed as a whole object */
  if (target != NULL && json_object_has_member (schema, "properties") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (schema, "properties")))
    {
      g_auto(ConduitOpenapiIter) iter = { 0 };
      const char *name;
      JsonNode *property;

      conduit_openapi_iter_init (&iter, json_object_get_object_member (schema, "properties"));
      while (conduit_openapi_iter_next (&iter, &name, &property))
        {
          JsonNode *items = JSON_NODE_HOLDS_OBJECT (property)
                              ? json_object_get_member (json_node_get_object (property), "items") : NULL;

          if (g_strcmp0 (ref_of (property), target) == 0 || g_strcmp0 (ref_of (items), target) == 0)
            conduit_openapi_note (importer,
                                  _("%s: the schema “%s” contains itself (“%s”); the inner one is passed as a whole object"),
                                  where, target, name);
        }
    }

  if ((parts = json_object_get_member (schema, "allOf")) != NULL && JSON_NODE_HOLDS_ARRAY (parts))
    {
      g_autofree char *parts_where = conduit_json_pointer_append (where, "allOf");

      for (guint i = 0; i < json_array_get_length (json_node_get_array (parts)); i++)
        {
          g_autofree char *part_where = conduit_json_pointer_append_index (parts_where, i);

          if (!flatten_into (importer, into, json_array_get_element (json_node_get_array (parts), i),
                             part_where, depth + 1, error))
            goto fail;
        }
    }

  for (guint k = 0; k < 2; k++)
    {
      const char *keyword = k == 0 ? "oneOf" : "anyOf";

      if ((parts = json_object_get_member (schema, keyword)) != NULL && JSON_NODE_HOLDS_ARRAY (parts) &&
          json_array_get_length (json_node_get_array (parts)) > 0)
        {
          g_autofree char *parts_where = conduit_json_pointer_append (where, keyword);
          g_autofree char *first_where = conduit_json_pointer_append_index (parts_where, 0);
          guint n = json_array_get_length (json_node_get_array (parts));

          if (n > 1)
            conduit_openapi_note (importer,
                                  _("%s: “%s” offers %u schemas; the first one is used"),
                                  where, keyword, n);
          if (!flatten_into (importer, into, json_array_get_element (json_node_get_array (parts), 0),
                             first_where, depth + 1, error))
            goto fail;
        }
    }

  if (target != NULL)
    g_hash_table_remove (importer->resolving, target);
  return TRUE;

fail:
  if (target != NULL)
    g_hash_table_remove (importer->resolving, target);
  return FALSE;
}

/**
 * conduit_openapi_flatten:
 * @importer: an import
 * @schema: (nullable): a schema node
 * @where: its JSON pointer
 * @error: set for a `$ref` cycle or nesting past the limit
 *
 * Returns: (transfer full) (nullable): the schema with `$ref`, `allOf`, `oneOf` and `anyOf`
 *   resolved at its top; its member values are shared with the description, and a schema
 *   with nothing to resolve is the description's own object: read it, never change it
 */
JsonObject *
conduit_openapi_flatten (ConduitOpenapiImporter  *importer,
                         JsonNode                *schema,
                         const char              *where,
                         GError                 **error)
{
  g_autoptr(JsonObject) into = json_object_new ();

  if (schema == NULL)
    return g_steal_pointer (&into);
  /* most schemas (a property's { "type": "string" }) have nothing to resolve: shared as they
   * are, which keeps a description of thousands of operations fast to import */
  if (JSON_NODE_HOLDS_OBJECT (schema))
    {
      JsonObject *object = json_node_get_object (schema);

      if (!json_object_has_member (object, "$ref") && !json_object_has_member (object, "allOf") &&
          !json_object_has_member (object, "oneOf") && !json_object_has_member (object, "anyOf"))
        return json_object_ref (object);
    }
  if (!flatten_into (importer, into, schema, where, 0, error))
    return NULL;
  return g_steal_pointer (&into);
}

static const char *
schema_type (JsonObject *schema)
{
  JsonNode *type = json_object_get_member (schema, "type");

  if (type != NULL && json_node_get_value_type (type) == G_TYPE_STRING)
    return json_node_get_string (type);
  /* OpenAPI 3.1: ["string", "null"] */
  if (type != NULL && JSON_NODE_HOLDS_ARRAY (type))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (type)); i++)
      {
        JsonNode *element = json_array_get_element (json_node_get_array (type), i);

        if (json_node_get_value_type (element) == G_TYPE_STRING &&
            !g_str_equal (json_node_get_string (element), "null"))
          return json_node_get_string (element);
      }
  if (json_object_has_member (schema, "properties"))
    return "object";
  if (json_object_has_member (schema, "items"))
    return "array";
  return NULL;
}

static gboolean
enum_is_text (JsonObject *schema)
{
  JsonNode *values = json_object_get_member (schema, "enum");
  guint n = 0;

  if (values == NULL || !JSON_NODE_HOLDS_ARRAY (values))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (values)); i++)
    {
      JsonNode *value = json_array_get_element (json_node_get_array (values), i);

      if (JSON_NODE_HOLDS_NULL (value))
        continue;
      if (json_node_get_value_type (value) != G_TYPE_STRING)
        return FALSE;
      n++;
    }
  return n > 0;
}

/**
 * conduit_openapi_field_type:
 * @schema: a flattened schema
 * @format: (out): the schema's format, or %NULL
 *
 * Returns: the app descriptor field type for @schema
 */
const char *
conduit_openapi_field_type (JsonObject  *schema,
                            const char **format)
{
  const char *type = schema_type (schema);
  JsonNode *format_node = json_object_get_member (schema, "format");

  *format = format_node && json_node_get_value_type (format_node) == G_TYPE_STRING
              ? json_node_get_string (format_node) : NULL;

  if (enum_is_text (schema) && (type == NULL || g_str_equal (type, "string")))
    return "enum";
  if (type == NULL)
    return "string";
  if (g_str_equal (type, "string"))
    {
      if (g_strcmp0 (*format, "date") == 0)
        return "date";
      if (g_strcmp0 (*format, "date-time") == 0)
        return "datetime";
      if (g_strcmp0 (*format, "email") == 0)
        return "email";
      if (g_strcmp0 (*format, "uri") == 0 || g_strcmp0 (*format, "url") == 0)
        return "url";
      return "string";
    }
  if (g_str_equal (type, "integer") || g_str_equal (type, "number") ||
      g_str_equal (type, "boolean") || g_str_equal (type, "object") || g_str_equal (type, "array"))
    return type;
  return "string";
}

/* Words the mapping language reads as itself, not as a member name. */
static const char * const reserved[] = {
  "and", "or", "not", "true", "false", "null", "in", "if", "item", "input", "connection", NULL
};

/**
 * conduit_openapi_make_key:
 * @name: a parameter or property name as the API spells it
 * @taken: the keys in use; the new one is added
 *
 * Returns: (transfer full): a key the mapping language can name (`input.KEY`): letters,
 *   digits and "_", starting with a letter, at most 64, not yet in @taken
 */
char *
conduit_openapi_make_key (const char *name,
                          GHashTable *taken)
{
  GString *key = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = name; *p && key->len < 56; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (key, *p);
      else if (key->len > 0 && key->str[key->len - 1] != '_')
        g_string_append_c (key, '_');
    }
  while (key->len > 0 && key->str[key->len - 1] == '_')
    g_string_truncate (key, key->len - 1);
  if (key->len == 0 || !g_ascii_isalpha (key->str[0]))
    g_string_prepend (key, "p");
  if (g_strv_contains (reserved, key->str))
    g_string_append (key, "_value");

  base = g_string_free (key, FALSE);
  for (guint n = 1; ; n++)
    {
      char *candidate = n == 1 ? g_strdup (base) : g_strdup_printf ("%s_%u", base, n);

      if (!g_hash_table_contains (taken, candidate))
        {
          g_hash_table_add (taken, g_strdup (candidate));
          return candidate;
        }
      g_free (candidate);
    }
}

/* Help is a line under a field, not documentation: the first sentence, at most 200 characters. */
static char *
first_sentence (const char *text)
{
  const char *end = strstr (text, "\n\n");
  g_autofree char *paragraph = g_strndup (text, end ? (gsize)(end - text) : strlen (text));
  char *stripped = g_strstrip (g_strdelimit (paragraph, "\n\r\t", ' '));
  char *stop = strstr (stripped, ". ");

  if (stop != NULL)
    stop[1] = '\0';
  if (g_utf8_strlen (stripped, -1) > 200)
    {
      g_autofree char *cut = g_utf8_substring (stripped, 0, 199);
      return g_strconcat (cut, "…", NULL);
    }
  return g_strdup (stripped);
}

static gboolean
default_fits (JsonNode   *value,
              const char *type,
              JsonObject *schema)
{
  GType value_type = json_node_get_value_type (value);

  if (g_str_equal (type, "integer"))
    return value_type == G_TYPE_INT64;
  if (g_str_equal (type, "number"))
    return value_type == G_TYPE_INT64 || value_type == G_TYPE_DOUBLE;
  if (g_str_equal (type, "boolean"))
    return value_type == G_TYPE_BOOLEAN;
  if (g_str_equal (type, "object") || g_str_equal (type, "array"))
    return FALSE;
  if (value_type != G_TYPE_STRING)
    return FALSE;
  if (g_str_equal (type, "enum"))
    {
      JsonArray *values = json_object_get_array_member (schema, "enum");

      for (guint i = 0; i < json_array_get_length (values); i++)
        if (g_strcmp0 (conduit_openapi_string_at (values, i), json_node_get_string (value)) == 0)
          return TRUE;
      return FALSE;
    }
  return TRUE;
}

/**
 * conduit_openapi_make_field:
 * @importer: an import
 * @key: the field's key (see conduit_openapi_make_key())
 * @name: the name as the API spells it, shown as the label
 * @schema: the field's flattened schema
 * @description: (nullable): help text from the parameter, else the schema's
 * @required: whether the API requires it
 *
 * Returns: (transfer full): an app descriptor field
 */
JsonObject *
conduit_openapi_make_field (ConduitOpenapiImporter *importer,
                            const char             *key,
                            const char             *name,
                            JsonObject             *schema,
                            const char             *description,
                            gboolean                required)
{
  JsonObject *field = json_object_new ();
  const char *format = NULL;
  const char *type = conduit_openapi_field_type (schema, &format);
  JsonNode *fallback = json_object_get_member (schema, "description");
  JsonNode *value;

  json_object_set_string_member (field, "key", key);
  /* without a label the key is shown: a descriptor of thousands of fields stays small */
  if (!g_str_equal (key, name))
    json_object_set_string_member (field, "label", name);
  json_object_set_string_member (field, "type", type);
  if (required)
    json_object_set_boolean_member (field, "required", TRUE);
  if (format != NULL && !g_str_equal (type, "date") && !g_str_equal (type, "datetime"))
    json_object_set_string_member (field, "format", format);

  if (g_str_equal (type, "enum"))
    {
      JsonArray *values = json_array_new ();
      JsonArray *from = json_object_get_array_member (schema, "enum");

      for (guint i = 0; i < json_array_get_length (from); i++)
        if (json_node_get_value_type (json_array_get_element (from, i)) == G_TYPE_STRING)
          json_array_add_string_element (values, json_array_get_string_element (from, i));
      json_object_set_array_member (field, "values", values);
    }

  if (description == NULL && fallback != NULL && json_node_get_value_type (fallback) == G_TYPE_STRING)
    description = json_node_get_string (fallback);
  if (description != NULL && *description != '\0')
    {
      g_autofree char *help = first_sentence (description);

      if (*help != '\0')
        json_object_set_string_member (field, "help", help);
    }

  if ((value = json_object_get_member (schema, "default")) != NULL && default_fits (value, type, schema))
    json_object_set_member (field, "default", json_node_copy (value));

  return field;
}
