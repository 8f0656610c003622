/* conduit-file-records.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-file-records"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-executor.h"
#include "conduit-file-records.h"

/* Records in files: CSV (RFC 4180, with the delimiter guessed from the header line when asked),
 * a JSON array of objects, or NDJSON (one object per line). Errors name the file and the line.
 *
 * Writing never leaves a half-written file: the new content goes to a temporary file in the
 * same folder that then replaces the old one (g_file_replace_contents), so a reader sees the
 * old file or the new one. Appending rewrites the file the same way; CSV gains columns when
 * new items bring new fields.
 */

/**
 * conduit_file_format_from_string:
 * @text: (nullable): "auto", "csv", "json" or "ndjson"
 *
 * Returns: the format, %CONDUIT_FILE_FORMAT_AUTO for anything else
 */
ConduitFileFormat
conduit_file_format_from_string (const char *text)
{
  if (g_strcmp0 (text, "csv") == 0)
    return CONDUIT_FILE_FORMAT_CSV;
  if (g_strcmp0 (text, "json") == 0)
    return CONDUIT_FILE_FORMAT_JSON;
  if (g_strcmp0 (text, "ndjson") == 0)
    return CONDUIT_FILE_FORMAT_NDJSON;
  return CONDUIT_FILE_FORMAT_AUTO;
}

/**
 * conduit_file_format_for_path:
 * @path: a file name
 * @format: the format asked for
 *
 * Returns: @format, or for %CONDUIT_FILE_FORMAT_AUTO the format the file name suggests (CSV
 *   when it suggests none)
 */
ConduitFileFormat
conduit_file_format_for_path (const char        *path,
                              ConduitFileFormat  format)
{
  g_autofree char *lower = NULL;

  if (format != CONDUIT_FILE_FORMAT_AUTO)
    return format;

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".ndjson") || g_str_has_suffix (lower, ".jsonl"))
    return CONDUIT_FILE_FORMAT_NDJSON;
  if (g_str_has_suffix (lower, ".json"))
    return CONDUIT_FILE_FORMAT_JSON;
  return CONDUIT_FILE_FORMAT_CSV;
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  return node;
}

static char
guess_delimiter (const char *data,
                 gsize       length)
{
  const char candidates[] = { ',', ';', '\t' };
  guint counts[3] = { 0 };
  gboolean quoted = FALSE;
  char best = ',';
  guint best_count = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted)
        for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
          if (c == candidates[j])
            counts[j]++;
    }

  for (guint j = 0; j < G_N_ELEMENTS (candidates); j++)
    if (counts[j] > best_count)
      {
        best = candidates[j];
        best_count = counts[j];
      }

  return best;
}

/* Reads one CSV row into @fields; FALSE at the end of the data. */
static gboolean
read_csv_row (const char  *data,
              gsize        length,
              gsize       *pos,
              char         delimiter,
              guint       *line,
              GPtrArray   *fields,
              const char  *name,
              GError     **error)
{
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE;
  gboolean was_quoted = FALSE;
  guint start_line = *line;

  g_ptr_array_set_size (fields, 0);

  if (*pos >= length)
    {
      g_string_free (field, TRUE);
      return FALSE;
    }

  while (*pos < length)
    {
      char c = data[(*pos)++];

      if (quoted)
        {
          if (c == '"')
            {
              if (*pos < length && data[*pos] == '"')
                {
                  g_string_append_c (field, '"');
                  (*pos)++;
                }
              else
                quoted = FALSE;
            }
          else
            {
              if (c == '\n')
                (*line)++;
              g_string_append_c (field, c);
            }
          continue;
        }

      if (c == '"' && field->len == 0 && !was_quoted)
        {
          quoted = TRUE;
          was_quoted = TRUE;
        }
      else if (c == delimiter)
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
          was_quoted = FALSE;
        }
      else if (c == '\r' || c == '\n')
        {
          if (c == '\r' && *pos < length && data[*pos] == '\n')
            (*pos)++;
          (*line)++;
          break;
        }
      else
        g_string_append_c (field, c);
    }

  if (quoted)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("%s, line %u: a quoted value is never closed (a \" is missing)"), name,
                   start_line);
      g_string_free (field, TRUE);
      return FALSE;
    }

  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return TRUE;
}

static GPtrArray *
parse_csv (const char  *data,
           gsize        length,
           char         delimiter,
           const char  *name,
           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  gsize pos = 0;
  guint line = 1;

  if (delimiter == 0)
    delimiter = guess_delimiter (data, length);

  if (!read_csv_row (data, length, &pos, delimiter, &line, header, name, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return g_steal_pointer (&records);
    }

  for (guint i = 0; i < header->len; i++)
    {
      char *column = g_ptr_array_index (header, i);

      g_strstrip (column);
      if (*column == '\0')
        {
          g_free (column);
          header->pdata[i] = g_strdup_printf ("column %u", i + 1);
        }
    }

  for (;;)
    {
      guint row_line = line;
      JsonObject *object;
      gboolean blank;

      if (!read_csv_row (data, length, &pos, delimiter, &line, fields, name, &local_error))
        {
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          break;
        }

      blank = fields->len == 1 && *(char *)g_ptr_array_index (fields, 0) == '\0';
      if (blank)
        continue;

      object = json_object_new ();
      for (guint i = 0; i < MAX (fields->len, header->len); i++)
        {
          g_autofree char *extra = NULL;
          const char *key;
          const char *value = i < fields->len ? g_ptr_array_index (fields, i) : "";

          if (i < header->len)
            key = g_ptr_array_index (header, i);
          else
            key = extra = g_strdup_printf ("column %u", i + 1);

          if (!g_utf8_validate (value, -1, NULL))
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                           _("%s, line %u, column “%s”: the text is not UTF-8; save the file "
                             "as UTF-8"), name, row_line, key);
              json_object_unref (object);
              return NULL;
            }
          json_object_set_string_member (object, key, value);
        }
      g_ptr_array_add (records, object_node (object));
    }

  return g_steal_pointer (&records);
}

static GPtrArray *
parse_json (const char  *data,
            gsize        length,
            const char  *name,
            GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length == 0)
    return g_steal_pointer (&records);

  if (!json_parser_load_from_data (parser, data, (gssize)length, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("%s is not valid JSON: %s"), name, local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      g_ptr_array_add (records, json_node_ref (root));
      return g_steal_pointer (&records);
    }

  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("%s must hold a list of records (a JSON array of objects)"), name);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (root), i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("%s: entry %u is not a record (a JSON object)"), name, i + 1);
          return NULL;
        }
      g_ptr_array_add (records, json_node_ref (element));
    }

  return g_steal_pointer (&records);
}

static GPtrArray *
parse_ndjson (const char  *data,
              gsize        length,
              const char  *name,
              GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *end = data + length;
  const char *line = data;
  guint number = 0;

  while (line < end)
    {
      const char *next = memchr (line, '\n', end - line);
      gsize size = (next ? next : end) - line;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *text = g_strndup (line, size);
      JsonNode *root;

      number++;
      line = next ? next + 1 : end;
      g_strstrip (text);
      if (*text == '\0')
        continue;

      if (!json_parser_load_from_data (parser, text, -1, &local_error))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("%s, line %u is not valid JSON: %s"), name, number,
                       local_error->message);
          return NULL;
        }

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("%s, line %u is not a record (a JSON object)"), name, number);
          return NULL;
        }
      g_ptr_array_add (records, json_node_copy (root));
    }

  return g_steal_pointer (&records);
}

/**
 * conduit_file_records_parse:
 * @data: the file's content
 * @length: its length
 * @format: its format (not AUTO)
 * @delimiter: the CSV delimiter, or 0 to guess it
 * @name: the file's name, for errors
 * @error: return location for an error
 *
 * Returns: (transfer container) (element-type JsonNode): the records, or %NULL with @error
 */
GPtrArray *
conduit_file_records_parse (const char         *data,
                            gsize               length,
                            ConduitFileFormat   format,
                            char                delimiter,
                            const char         *name,
                            GError            **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  if (!g_utf8_validate (data, (gssize)length, NULL) && format != CONDUIT_FILE_FORMAT_CSV)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("%s is not UTF-8 text"), name);
      return NULL;
    }

  switch (format)
    {
    case CONDUIT_FILE_FORMAT_JSON:
      return parse_json (data, length, name, error);
    case CONDUIT_FILE_FORMAT_NDJSON:
      return parse_ndjson (data, length, name, error);
    case CONDUIT_FILE_FORMAT_CSV:
    case CONDUIT_FILE_FORMAT_AUTO:
    default:
      return parse_csv (data, length, delimiter, name, error);
    }
}

static char *
value_to_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

static void
append_csv_field (GString    *out,
                  const char *text)
{
  if (strpbrk (text, ",;\t\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }

  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/**
 * conduit_file_records_serialize:
 * @records: (element-type JsonNode): the records
 * @format: the format (not AUTO)
 * @length: (out) (optional): the length of the result
 *
 * CSV columns are every field in the order first seen; nested values become JSON text.
 *
 * Returns: (transfer full): the file content
 */
char *
conduit_file_records_serialize (GPtrArray         *records,
                                ConduitFileFormat  format,
                                gsize             *length)
{
  GString *out = g_string_new (NULL);

  if (format == CONDUIT_FILE_FORMAT_JSON)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      for (guint i = 0; i < records->len; i++)
        json_array_add_element (array, json_node_ref (g_ptr_array_index (records, i)));
      json_node_set_array (root, array);
      text = json_to_string (root, TRUE);
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  else if (format == CONDUIT_FILE_FORMAT_NDJSON)
    {
      for (guint i = 0; i < records->len; i++)
        {
          g_autofree char *text = json_to_string (g_ptr_array_index (records, i), FALSE);
          g_string_append (out, text);
          g_string_append_c (out, '\n');
        }
    }
  else
    {
      g_autoptr(GPtrArray) columns = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < records->len; i++)
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *value;

          json_object_iter_init_ordered (&iter, json_node_get_object (g_ptr_array_index (records, i)));
          while (json_object_iter_next_ordered (&iter, &name, &value))
            if (g_hash_table_add (seen, (char *)name))
              g_ptr_array_add (columns, (char *)name);
        }

      for (guint c = 0; c < columns->len; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          append_csv_field (out, g_ptr_array_index (columns, c));
        }
      if (columns->len > 0)
        g_string_append (out, "\r\n");

      for (guint i = 0; i < records->len; i++)
        {
          JsonObject *object = json_node_get_object (g_ptr_array_index (records, i));

          for (guint c = 0; c < columns->len; c++)
            {
              g_autofree char *text = value_to_text (json_object_get_member (object,
                                                                            g_ptr_array_index (columns, c)));
              if (c > 0)
                g_string_append_c (out, ',');
              append_csv_field (out, text);
            }
          g_string_append (out, "\r\n");
        }
    }

  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/**
 * conduit_file_records_write:
 * @path: the file
 * @records: (element-type JsonNode): the records to write
 * @format: the format (not AUTO)
 * @append: add to the file's records instead of replacing them
 * @error: return location for an error
 *
 * Writes @records atomically: readers see either the old file or the new one. Blocks; call it
 * from a worker thread.
 *
 * Returns: whether the file was written
 */
gboolean
conduit_file_records_write (const char         *path,
                            GPtrArray          *records,
                            ConduitFileFormat   format,
                            gboolean            append,
                            GError            **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *existing = NULL;
  g_autofree char *content = NULL;
  gsize existing_length = 0;
  gsize length = 0;

  if (append && g_file_load_contents (file, NULL, &existing, &existing_length, NULL, &local_error))
    {
      g_autoptr(GPtrArray) old = NULL;

      if (format == CONDUIT_FILE_FORMAT_NDJSON)
        {
          /* Lines stand alone: keep the old bytes exactly, and add ours after them. */
          GString *text = g_string_new_len (existing, (gssize)existing_length);
          g_autofree char *added = conduit_file_records_serialize (records, format, NULL);

          if (text->len > 0 && text->str[text->len - 1] != '\n')
            g_string_append_c (text, '\n');
          g_string_append (text, added);
          length = text->len;
          content = g_string_free (text, FALSE);
        }
      else
        {
          old = conduit_file_records_parse (existing, existing_length, format, 0, path, error);
          if (old == NULL)
            {
              g_prefix_error (error, _("Cannot add to the existing file: "));
              return FALSE;
            }
          g_ptr_array_extend_and_steal (all, g_steal_pointer (&old));
        }
    }
  else if (local_error != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot read %s to add to it: %s"), path, local_error->message);
      return FALSE;
    }

  if (content == NULL)
    {
      for (guint i = 0; i < records->len; i++)
        g_ptr_array_add (all, json_node_ref (g_ptr_array_index (records, i)));
      content = conduit_file_records_serialize (all, format, &length);
    }

  g_clear_error (&local_error);
  if (!g_file_replace_contents (file, content, length, NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                NULL, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_file_records_node_target:
 * @node: a Read File or Write File node
 * @connector: its connector
 * @path: (out): the file, with a leading `~/` made the home folder
 * @format: (out): its format, from the setting or the file name
 * @error: return location for an error
 *
 * Returns: %FALSE with @error when no file is chosen
 */
gboolean
conduit_file_records_node_target (ConduitNode        *node,
                                  ConduitConnector   *connector,
                                  char              **path,
                                  ConduitFileFormat  *format,
                                  GError            **error)
{
  g_autofree char *chosen = conduit_node_dup_string_setting (node, connector, "path");
  g_autofree char *format_name = conduit_node_dup_string_setting (node, connector, "format");

  if (chosen == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("no file is chosen"));
      return FALSE;
    }

  if (g_str_has_prefix (chosen, "~/"))
    *path = g_build_filename (g_get_home_dir (), chosen + 2, NULL);
  else
    *path = g_steal_pointer (&chosen);
  *format = conduit_file_format_for_path (*path, conduit_file_format_from_string (format_name));
  return TRUE;
}
