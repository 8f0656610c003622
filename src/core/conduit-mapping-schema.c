/* conduit-mapping-schema.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-schema"

#include "config.h"

#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-mapping-private.h"
#include "conduit-mapping-schema.h"
#include "conduit-record-reader-private.h"

/* Types are read from the values, and text is looked at too: a CSV file gives nothing but
 * text, yet a column of "42"s is an integer to the person mapping it. */

#define MAX_EXAMPLES 3
#define MAX_DEPTH    16

struct _ConduitSchema
{
  gint        ref_count;
  guint       n_records;
  GPtrArray  *fields;    /* (element-type ConduitSchemaField) in the order first seen */
  GHashTable *by_path;   /* path → ConduitSchemaField */
  GHashTable *seen;      /* paths with a value in the current record */
};

G_DEFINE_BOXED_TYPE (ConduitSchema, conduit_schema, conduit_schema_ref, conduit_schema_unref)

static void
schema_field_free (ConduitSchemaField *field)
{
  g_free (field->path);
  g_free (field->type);
  g_ptr_array_unref (field->examples);
  g_free (field);
}

/**
 * conduit_schema_new:
 *
 * Returns: (transfer full): a schema of no records
 */
ConduitSchema *
conduit_schema_new (void)
{
  ConduitSchema *self = g_new0 (ConduitSchema, 1);

  self->ref_count = 1;
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify)schema_field_free);
  self->by_path = g_hash_table_new (g_str_hash, g_str_equal);
  self->seen = g_hash_table_new (g_str_hash, g_str_equal);
  return self;
}

/**
 * conduit_schema_ref:
 * @self: a schema
 *
 * Returns: (transfer full): @self
 */
ConduitSchema *
conduit_schema_ref (ConduitSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

/**
 * conduit_schema_unref:
 * @self: (transfer full): a schema
 */
void
conduit_schema_unref (ConduitSchema *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_hash_table_unref (self->seen);
  g_hash_table_unref (self->by_path);
  g_ptr_array_unref (self->fields);
  g_free (self);
}

static gboolean
text_is (const char *text,
         gsize       length,
         const char *what)
{
  ConduitValue value = { .kind = CONDUIT_VALUE_STRING, .len = length, .string = text };
  double number;
  gboolean has_time;

  if (g_str_equal (what, "integer"))
    {
      gsize i = 0;

      if (length > 0 && (text[0] == '-' || text[0] == '+'))
        i++;
      if (i >= length || length - i > 18)
        return FALSE;
      for (; i < length; i++)
        if (!g_ascii_isdigit (text[i]))
          return FALSE;
      /* "007" is a code, not a number */
      return !(length > 1 && text[0] == '0');
    }
  if (g_str_equal (what, "number"))
    return conduit_value_get_number (&value, &number) && !g_ascii_isspace (text[0]);
  if (g_str_equal (what, "boolean"))
    return (length == 4 && g_ascii_strncasecmp (text, "true", 4) == 0) ||
           (length == 5 && g_ascii_strncasecmp (text, "false", 5) == 0);
  if (g_str_equal (what, "date") || g_str_equal (what, "datetime"))
    return length >= 10 && g_ascii_isdigit (text[0]) &&
           conduit_date_parse_iso (text, length, &has_time) &&
           has_time == g_str_equal (what, "datetime");
  if (g_str_equal (what, "email"))
    return conduit_mapping_is_email (text, length);
  if (g_str_equal (what, "url"))
    return (length > 8 && (g_ascii_strncasecmp (text, "http://", 7) == 0 ||
                           g_ascii_strncasecmp (text, "https://", 8) == 0));
  return FALSE;
}

static const char *
type_of (const ConduitValue *value)
{
  static const char *const text_types[] = { "integer", "number", "boolean", "date", "datetime",
                                            "email", "url" };

  switch (value->kind)
    {
    case CONDUIT_VALUE_NULL: return "null";
    case CONDUIT_VALUE_BOOLEAN: return "boolean";
    case CONDUIT_VALUE_INTEGER: return "integer";
    case CONDUIT_VALUE_DOUBLE: return "number";
    case CONDUIT_VALUE_ARRAY: return "array";
    case CONDUIT_VALUE_OBJECT: return "object";
    case CONDUIT_VALUE_STRING:
      for (guint i = 0; i < G_N_ELEMENTS (text_types); i++)
        if (text_is (value->string, value->len, text_types[i]))
          return text_types[i];
      return "string";
    default:
      g_assert_not_reached ();
    }
}

static const char *
merge_types (const char *a,
             const char *b)
{
  static const char *const texts[] = { "string", "date", "datetime", "email", "url" };
  gboolean a_text = FALSE, b_text = FALSE;

  if (a == NULL || g_str_equal (a, "null"))
    return b;
  if (g_str_equal (b, "null") || g_str_equal (a, b))
    return a;
  if ((g_str_equal (a, "integer") && g_str_equal (b, "number")) ||
      (g_str_equal (a, "number") && g_str_equal (b, "integer")))
    return "number";
  if ((g_str_equal (a, "date") && g_str_equal (b, "datetime")) ||
      (g_str_equal (a, "datetime") && g_str_equal (b, "date")))
    return "datetime";
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      a_text |= g_str_equal (a, texts[i]);
      b_text |= g_str_equal (b, texts[i]);
    }
  if (a_text && b_text)
    return "string";
  return "mixed";
}

static void
add_value (ConduitSchema      *self,
           ConduitArena       *arena,
           const char         *path,
           const ConduitValue *value,
           guint               depth)
{
  ConduitSchemaField *field = g_hash_table_lookup (self->by_path, path);
  const char *type = type_of (value);

  if (field == NULL)
    {
      field = g_new0 (ConduitSchemaField, 1);
      field->path = g_strdup (path);
      field->examples = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->fields, field);
      g_hash_table_insert (self->by_path, field->path, field);
    }

  {
    g_autofree char *old = field->type;

    field->type = g_strdup (merge_types (old, type));
  }

  if (!conduit_value_is_empty (value) && !g_hash_table_contains (self->seen, field->path))
    {
      g_hash_table_add (self->seen, field->path);
      field->present++;
    }

  if (!conduit_value_is_empty (value) && value->kind != CONDUIT_VALUE_OBJECT &&
      value->kind != CONDUIT_VALUE_ARRAY && field->examples->len < MAX_EXAMPLES)
    {
      gsize length;
      const char *text = conduit_value_to_text (arena, value, &length);
      gboolean known = FALSE;

      for (guint i = 0; i < field->examples->len && !known; i++)
        known = g_str_equal (g_ptr_array_index (field->examples, i), text);
      if (!known)
        g_ptr_array_add (field->examples, g_utf8_make_valid (text, MIN (length, 200)));
    }

  if (depth >= MAX_DEPTH)
    return;

  if (value->kind == CONDUIT_VALUE_OBJECT)
    for (guint i = 0; i < value->len; i++)
      {
        g_autofree char *key = g_strndup (value->members[i].key, value->members[i].key_len);
        g_autofree char *quoted = conduit_path_quote_segment (key);
        g_autofree char *child = *path ? g_strconcat (path, ".", quoted, NULL) : g_strdup (quoted);

        add_value (self, arena, child, value->members[i].value, depth + 1);
      }
  else if (value->kind == CONDUIT_VALUE_ARRAY)
    {
      g_autofree char *items = g_strconcat (path, "[]", NULL);

      for (guint i = 0; i < value->len; i++)
        if (value->items[i]->kind == CONDUIT_VALUE_OBJECT)
          for (guint j = 0; j < value->items[i]->len; j++)
            {
              const ConduitMember *member = &value->items[i]->members[j];
              g_autofree char *key = g_strndup (member->key, member->key_len);
              g_autofree char *quoted = conduit_path_quote_segment (key);
              g_autofree char *child = g_strconcat (items, ".", quoted, NULL);

              add_value (self, arena, child, member->value, depth + 1);
            }
    }
}

static void
add_record_value (ConduitSchema      *self,
                  ConduitArena       *arena,
                  const ConduitValue *record)
{
  self->n_records++;
  g_hash_table_remove_all (self->seen);
  if (record->kind != CONDUIT_VALUE_OBJECT)
    return;
  for (guint i = 0; i < record->len; i++)
    {
      g_autofree char *key = g_strndup (record->members[i].key, record->members[i].key_len);
      g_autofree char *quoted = conduit_path_quote_segment (key);

      add_value (self, arena, quoted, record->members[i].value, 1);
    }
}

/**
 * conduit_schema_add_record:
 * @self: a schema
 * @record: a sample record
 *
 * Counts the fields of one more record.
 */
void
conduit_schema_add_record (ConduitSchema *self,
                           JsonNode      *record)
{
  g_autoptr(ConduitArena) arena = conduit_arena_new ();

  g_return_if_fail (self != NULL);
  g_return_if_fail (record != NULL);

  add_record_value (self, arena, conduit_value_from_json_node (arena, record));
}

/**
 * conduit_schema_new_for_records:
 * @records: (element-type JsonNode): sample records
 *
 * The fields of @records: every path, nested ones as `customer.email` and `items[].sku`, with
 * its type and examples. What the mapping table's source picker and the inspector's field
 * pickers and completion list (one implementation for both).
 *
 * Returns: (transfer full): a schema of @records
 */
ConduitSchema *
conduit_schema_new_for_records (GPtrArray *records)
{
  ConduitSchema *self;

  g_return_val_if_fail (records != NULL, NULL);

  self = conduit_schema_new ();
  for (guint i = 0; i < records->len; i++)
    conduit_schema_add_record (self, g_ptr_array_index (records, i));
  return self;
}

/**
 * conduit_schema_infer:
 * @stream: sample records
 * @format: their format (JSON object or array, NDJSON, CSV with a header)
 * @max_records: how many to read at most, 0 for all
 * @error: where an unreadable input goes; single bad records are skipped
 *
 * Returns: (transfer full) (nullable): the schema of the sample
 */
ConduitSchema *
conduit_schema_infer (GInputStream         *stream,
                      ConduitRecordFormat   format,
                      guint                 max_records,
                      GError              **error)
{
  g_autoptr(ConduitSchema) self = conduit_schema_new ();
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(ConduitArena) arena = conduit_arena_new ();

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  reader = conduit_record_reader_new (stream, format);
  while (max_records == 0 || self->n_records < max_records)
    {
      g_autoptr(GError) local_error = NULL;
      ConduitValue *record;

      conduit_arena_reset (arena);
      if (!conduit_record_reader_next_value (reader, arena, &record, &local_error))
        {
          if (local_error == NULL)
            break;
          if (g_error_matches (local_error, CONDUIT_RECORD_READER_ERROR,
                               CONDUIT_RECORD_READER_ERROR_RECORD))
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      add_record_value (self, arena, record);
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_schema_get_n_records:
 * @self: a schema
 *
 * Returns: how many records it has seen
 */
guint
conduit_schema_get_n_records (ConduitSchema *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_records;
}

/**
 * conduit_schema_get_fields:
 * @self: a schema
 *
 * Returns: (transfer none) (element-type ConduitSchemaField): the fields in the order first
 *   seen, nested fields after their parent
 */
GPtrArray *
conduit_schema_get_fields (ConduitSchema *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fields;
}

/**
 * conduit_schema_lookup:
 * @self: a schema
 * @path: a field path as the schema writes it
 *
 * Returns: (transfer none) (nullable): the field
 */
const ConduitSchemaField *
conduit_schema_lookup (ConduitSchema *self,
                       const char    *path)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_hash_table_lookup (self->by_path, path);
}

/**
 * conduit_schema_to_json:
 * @self: a schema
 *
 * Returns: (transfer full): `{"records": N, "fields": [{"path", "type", "present",
 *   "examples"}…]}`
 */
JsonNode *
conduit_schema_to_json (ConduitSchema *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records");
  json_builder_add_int_value (builder, self->n_records);
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->fields->len; i++)
    {
      ConduitSchemaField *field = g_ptr_array_index (self->fields, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, field->path);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, field->type);
      json_builder_set_member_name (builder, "present");
      json_builder_add_int_value (builder, field->present);
      json_builder_set_member_name (builder, "examples");
      json_builder_begin_array (builder);
      for (guint j = 0; j < field->examples->len; j++)
        json_builder_add_string_value (builder, g_ptr_array_index (field->examples, j));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* ---- auto-map ------------------------------------------------------------------------- */

/**
 * conduit_mapping_normalize_name:
 * @name: a field name or path
 *
 * "First Name", "first_name", "firstName" and "FIRST-NAME" all become "firstname": letters
 * and digits only, in lower case.
 *
 * Returns: (transfer full): the name to compare
 */
char *
conduit_mapping_normalize_name (const char *name)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (name != NULL, NULL);

  for (const char *p = name; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (g_unichar_isalnum (ch))
        g_string_append_unichar (out, g_unichar_tolower (ch));
    }
  return g_string_free (out, FALSE);
}

/* The last segment of a path: "utm.source" → "source", "`a.b`" → "a.b". */
static const char *
last_segment (const char *path)
{
  gboolean quoted = FALSE;
  const char *last = path;

  for (const char *p = path; *p; p++)
    {
      if (*p == '\\' && quoted && p[1])
        p++;
      else if (*p == '`')
        quoted = !quoted;
      else if (*p == '.' && !quoted)
        last = p + 1;
    }
  return last;
}

/**
 * conduit_mapping_auto_map:
 * @mapping: a mapping
 * @sources: (array zero-terminated=1): source field paths, e.g. from a schema
 * @destinations: (array zero-terminated=1): destination fields, from the destination
 *   connector or typed by the user
 *
 * Adds a suggested row (conduit_mapping_row_get_suggested()) for each destination that no
 * row writes yet and whose normalised name matches a source field that no row reads yet:
 * the whole path first, then the last segment when only one source has it. Rows already in
 * the mapping are never changed.
 *
 * Returns: the number of rows added
 */
guint
conduit_mapping_auto_map (ConduitMapping     *mapping,
                          const char * const *sources,
                          const char * const *destinations)
{
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) full = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) tail = g_ptr_array_new_with_free_func (g_free);
  guint n_sources, added = 0;

  g_return_val_if_fail (CONDUIT_IS_MAPPING (mapping), 0);
  g_return_val_if_fail (sources != NULL && destinations != NULL, 0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (mapping)); i++)
    {
      ConduitMappingRow *row = conduit_mapping_get_row (mapping, i);

      if (conduit_mapping_row_get_source_kind (row) == CONDUIT_MAPPING_SOURCE_FIELD)
        g_hash_table_add (used, g_strdup (conduit_mapping_row_get_source (row)));
    }

  n_sources = g_strv_length ((char **)sources);
  for (guint i = 0; i < n_sources; i++)
    {
      g_ptr_array_add (full, conduit_mapping_normalize_name (sources[i]));
      g_ptr_array_add (tail, conduit_mapping_normalize_name (last_segment (sources[i])));
    }

  for (guint d = 0; destinations[d]; d++)
    {
      g_autofree char *want = conduit_mapping_normalize_name (destinations[d]);
      g_autofree char *want_tail = conduit_mapping_normalize_name (last_segment (destinations[d]));
      int match = -1;
      guint tail_matches = 0;

      if (*want == '\0' || conduit_mapping_find_destination (mapping, destinations[d]) != NULL)
        continue;

      for (guint s = 0; s < n_sources && match < 0; s++)
        if (!g_hash_table_contains (used, sources[s]) &&
            g_str_equal (g_ptr_array_index (full, s), want))
          match = s;

      if (match < 0)
        for (guint s = 0; s < n_sources; s++)
          if (!g_hash_table_contains (used, sources[s]) &&
              g_str_equal (g_ptr_array_index (tail, s), want_tail))
            {
              tail_matches++;
              if (match < 0)
                match = s;
            }
      if (match < 0 || tail_matches > 1)
        continue;

      {
        g_autoptr(ConduitMappingRow) row =
          conduit_mapping_row_new (destinations[d], CONDUIT_MAPPING_SOURCE_FIELD, sources[match]);

        conduit_mapping_row_set_suggested (row, TRUE);
        conduit_mapping_append_row (mapping, row);
        g_hash_table_add (used, g_strdup (sources[match]));
        added++;
      }
    }

  return added;
}
