/* conduit-db-sql.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-sql"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-db-sql.h"

/* A query names its parameters (`WHERE email = :email`); each driver wants positions ($1, ?,
 * ?1). The rewrite walks the SQL as the databases lex it, so a colon inside a string, a quoted
 * name, a comment, a PostgreSQL dollar-quoted body or a `::` cast is left alone. Values never
 * enter the SQL text: they are bound by position. */

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '.';
}

/* PostgreSQL and MySQL let a name go on with digits and $ (a$b is one name): a $ or a : there
 * starts no quote and no parameter. */
static gboolean
is_identifier_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '$';
}

/* Skips a quoted run starting at @p (on the quote), where a doubled quote stands for one
 * (and, for MySQL strings, a backslash escapes). Returns the position after the closing quote,
 * or NULL when it never closes. */
static const char *
skip_quoted (const char *p,
             char        quote,
             gboolean    backslash)
{
  for (p++; *p != '\0'; p++)
    {
      if (backslash && *p == '\\' && p[1] != '\0')
        {
          p++;
          continue;
        }
      if (*p == quote)
        {
          if (p[1] == quote)
            {
              p++;
              continue;
            }
          return p + 1;
        }
    }
  return NULL;
}

/* PostgreSQL's $tag$ … $tag$. Returns FALSE when @p does not start a dollar quote; else @end
 * is set after the closing tag, or to NULL when it never closes. */
static gboolean
skip_dollar_quote (const char  *p,
                   const char **end)
{
  const char *tag_end = p + 1;
  g_autofree char *tag = NULL;
  const char *close;

  while (*tag_end != '\0' && *tag_end != '$' && (g_ascii_isalnum (*tag_end) || *tag_end == '_'))
    tag_end++;
  if (*tag_end != '$' || (tag_end > p + 1 && g_ascii_isdigit (p[1])))
    return FALSE;

  tag = g_strndup (p, tag_end - p + 1);
  close = strstr (tag_end + 1, tag);
  *end = close != NULL ? close + strlen (tag) : NULL;
  return TRUE;
}

/**
 * conduit_db_sql_bind_names:
 * @sql: a query with named parameters (`:email`, `:customer.id`)
 * @kind: the database it is for
 * @names: (out) (transfer full) (element-type utf8): the item field bound to each position
 * @error: return location for an error
 *
 * Rewrites named parameters into the driver's positional ones. With PostgreSQL and SQLite a
 * name used twice is one parameter; MySQL's `?` is one per use.
 *
 * Returns: (transfer full): the SQL to prepare, or %NULL with @error (an unclosed quote or
 *   comment, or a positional `?` where names are expected)
 */
char *
conduit_db_sql_bind_names (const char     *sql,
                           ConduitDbKind   kind,
                           GPtrArray     **names,
                           GError        **error)
{
  g_autoptr(GString) out = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *p;

  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (names != NULL, NULL);

  out = g_string_sized_new (strlen (sql) + 16);
  found = g_ptr_array_new_with_free_func (g_free);

  for (p = sql; *p != '\0';)
    {
      const char *end = NULL;

      if (*p == '\'' || *p == '"' || (*p == '`' && kind == CONDUIT_DB_KIND_MARIADB))
        {
          /* MySQL strings take backslash escapes; standard SQL's do not */
          end = skip_quoted (p, *p, kind == CONDUIT_DB_KIND_MARIADB && *p != '`');
          if (end == NULL)
            {
              g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                           _("The SQL has a quote (%c) at character %ld that is never closed"),
                           *p, (long)(g_utf8_pointer_to_offset (sql, p) + 1));
              return NULL;
            }
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          end = strchr (p, '\n');
          end = end != NULL ? end : p + strlen (p);
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (*p == '#' && kind == CONDUIT_DB_KIND_MARIADB)
        {
          end = strchr (p, '\n');
          end = end != NULL ? end : p + strlen (p);
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          end = strstr (p + 2, "*/");
          if (end == NULL)
            {
              g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                           _("The SQL has a comment (/*) at character %ld that is never closed"),
                           (long)(g_utf8_pointer_to_offset (sql, p) + 1));
              return NULL;
            }
          end += 2;
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (*p == '$' && kind == CONDUIT_DB_KIND_POSTGRESQL &&
               (p == sql || !is_identifier_char (p[-1])) && skip_dollar_quote (p, &end))
        {
          if (end == NULL)
            {
              g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                           _("The SQL has a dollar quote at character %ld that is never closed"),
                           (long)(g_utf8_pointer_to_offset (sql, p) + 1));
              return NULL;
            }
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (p[0] == ':' && p[1] == ':')
        {
          /* a PostgreSQL cast */
          g_string_append (out, "::");
          p += 2;
        }
      else if (p[0] == ':' && is_name_start (p[1]) &&
               (p == sql || (!is_name_char (p[-1]) && !is_identifier_char (p[-1]))))
        {
          const char *start = p + 1;
          g_autofree char *name = NULL;
          guint position = 0;

          for (end = start; is_name_char (*end); end++)
            ;
          /* a sentence-ending dot is not part of the name */
          while (end > start && end[-1] == '.')
            end--;
          name = g_strndup (start, end - start);

          if (kind != CONDUIT_DB_KIND_MARIADB)
            for (guint i = 0; i < found->len; i++)
              if (g_str_equal (g_ptr_array_index (found, i), name))
                position = i + 1;

          if (position == 0)
            {
              g_ptr_array_add (found, g_steal_pointer (&name));
              position = found->len;
            }

          if (kind == CONDUIT_DB_KIND_MARIADB)
            g_string_append_c (out, '?');
          else if (kind == CONDUIT_DB_KIND_SQLITE)
            g_string_append_printf (out, "?%u", position);
          else
            g_string_append_printf (out, "$%u", position);
          p = end;
        }
      else if (*p == '?' && kind != CONDUIT_DB_KIND_POSTGRESQL)
        {
          /* (PostgreSQL's JSON operators ?, ?| and ?& are operators, not parameters) */
          g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                       _("The SQL has a “?” at character %ld: name each parameter instead, "
                         "like :email, so it is bound from the item's field"),
                       (long)(g_utf8_pointer_to_offset (sql, p) + 1));
          return NULL;
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  *names = g_steal_pointer (&found);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * conduit_db_item_lookup:
 * @item: an item (a JSON object)
 * @path: a field name, or a dotted path into nested objects (`customer.email`)
 *
 * Returns: (transfer none) (nullable): the value, %NULL when the item has no such field
 */
JsonNode *
conduit_db_item_lookup (JsonNode   *item,
                        const char *path)
{
  JsonNode *node = item;
  const char *p = path;

  g_return_val_if_fail (path != NULL, NULL);

  if (item == NULL || !JSON_NODE_HOLDS_OBJECT (item))
    return NULL;

  /* a field whose own name has dots wins over the path reading */
  if (json_object_has_member (json_node_get_object (item), path))
    return json_object_get_member (json_node_get_object (item), path);

  while (node != NULL)
    {
      const char *dot = strchr (p, '.');
      g_autofree char *part = dot ? g_strndup (p, dot - p) : g_strdup (p);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      object = json_node_get_object (node);
      node = json_object_get_member (object, part);
      if (dot == NULL)
        return node;
      p = dot + 1;
    }
  return NULL;
}

static gboolean
type_is_binary (const char *type)
{
  return g_str_equal (type, "bytea") || g_str_has_suffix (type, "blob") ||
         g_str_has_prefix (type, "binary") || g_str_has_prefix (type, "varbinary");
}

static gboolean
decode_base64 (const char  *text,
               guchar     **bytes,
               gsize       *length)
{
  gsize n = strlen (text);

  if (n % 4 != 0 || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789+/=") != n)
    return FALSE;
  /* padding only at the end */
  if (n > 0 && strchr (text, '=') != NULL && strchr (text, '=') < text + n - 2)
    return FALSE;

  *bytes = g_base64_decode (text, length);
  return TRUE;
}

/**
 * conduit_db_value_from_json:
 * @node: (nullable): an item's value; %NULL or JSON null for SQL NULL
 * @column: (nullable): the column it goes to, when known
 * @kind: the database
 * @value: (out caller-allocates): the parameter; clear with conduit_db_value_clear()
 * @error: return location for an error
 *
 * Turns an item's value into a statement parameter: numbers exactly as JSON has them, booleans
 * in the database's spelling, objects and arrays as JSON text, base64 text as bytes for a
 * bytea/blob column; MySQL DATETIME and TIMESTAMP columns get ISO 8601 times in UTC, as
 * MariaDB cannot read a zone.
 *
 * Returns: %FALSE with @error when the value cannot go to @column (bad base64)
 */
gboolean
conduit_db_value_from_json (JsonNode               *node,
                            const ConduitDbColumn  *column,
                            ConduitDbKind           kind,
                            ConduitDbValue         *value,
                            GError                **error)
{
  memset (value, 0, sizeof *value);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      value->is_null = TRUE;
      return TRUE;
    }

  if (JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node))
    {
      value->data = json_to_string (node, FALSE);
      value->length = strlen (value->data);
      return TRUE;
    }

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_BOOLEAN:
      if (kind == CONDUIT_DB_KIND_POSTGRESQL)
        value->data = g_strdup (json_node_get_boolean (node) ? "true" : "false");
      else
        value->data = g_strdup (json_node_get_boolean (node) ? "1" : "0");
      break;

    case G_TYPE_INT64:
      value->data = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
      break;

    case G_TYPE_DOUBLE:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        value->data = g_strdup (g_ascii_dtostr (buffer, sizeof buffer, json_node_get_double (node)));
      }
      break;

    case G_TYPE_STRING:
    default:
      {
        const char *text = json_node_get_string (node);

        if (text == NULL)
          text = "";

        if (column != NULL && type_is_binary (column->type))
          {
            guchar *bytes = NULL;
            gsize length = 0;

            if (!decode_base64 (text, &bytes, &length))
              {
                g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_REFUSED,
                             _("The column “%s” holds bytes, and its value is not base64 text"),
                             column->name);
                return FALSE;
              }
            value->data = (char *)bytes;
            value->length = length;
            value->is_binary = TRUE;
            return TRUE;
          }

        if (column != NULL && kind == CONDUIT_DB_KIND_MARIADB &&
            (g_str_has_prefix (column->type, "datetime") ||
             g_str_has_prefix (column->type, "timestamp")))
          {
            g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
            g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (text, utc);

            if (time != NULL)
              {
                g_autoptr(GDateTime) in_utc = g_date_time_to_utc (time);

                value->data = g_date_time_format (in_utc, "%Y-%m-%d %H:%M:%S.%f");
                break;
              }
          }

        value->data = g_strdup (text);
      }
      break;
    }

  value->length = strlen (value->data);
  return TRUE;
}

/**
 * conduit_db_value_clear:
 * @value: a parameter
 *
 * Frees what @value holds.
 */
void
conduit_db_value_clear (ConduitDbValue *value)
{
  if (value->is_borrowed)
    value->data = NULL;
  g_clear_pointer (&value->data, g_free);
  value->length = 0;
  value->is_borrowed = FALSE;
}

/**
 * conduit_db_value_is_plain_text:
 * @column: a column
 * @kind: the database
 *
 * Whether a string value goes to @column as it is, as conduit_db_value_from_json() would send
 * it: not bytes decoded from base64, not a time MariaDB must get in UTC.
 *
 * Returns: whether @column takes strings unchanged
 */
gboolean
conduit_db_value_is_plain_text (const ConduitDbColumn *column,
                                ConduitDbKind          kind)
{
  g_return_val_if_fail (column != NULL, FALSE);

  if (type_is_binary (column->type))
    return FALSE;
  if (kind == CONDUIT_DB_KIND_MARIADB &&
      (g_str_has_prefix (column->type, "datetime") || g_str_has_prefix (column->type, "timestamp")))
    return FALSE;
  return TRUE;
}

/**
 * conduit_db_sql_is_parameter_name:
 * @path: a field path, e.g. `customer.email`
 *
 * For the inspector's field picker on SQL: whether `:path` in the SQL is read as one parameter
 * naming that field (by the rule conduit_db_sql_bind_names() follows).
 *
 * Returns: whether @path can be written as a `:name` parameter
 */
gboolean
conduit_db_sql_is_parameter_name (const char *path)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (!is_name_start (*path))
    return FALSE;
  for (const char *p = path; *p; p++)
    if (!is_name_char (*p))
      return FALSE;
  /* a dot at the end would be read as the end of a sentence */
  return path[strlen (path) - 1] != '.';
}
