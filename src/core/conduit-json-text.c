/* conduit-json-text.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-json-text"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "conduit-json-text.h"

/* json-glib parses JSON into a tree but forgets where each value stood in the text, and its
 * generator writes doubles with 17 digits and "key" : value spacing. Flow files need both: error
 * messages that name a line, and a canonical pretty form that a load/save reproduces byte for
 * byte. This file holds the two small pieces of text handling that give us that.
 */

static inline void
advance (const char *text,
         gsize      *pos,
         guint      *line,
         guint      *column)
{
  if (text[*pos] == '\n')
    {
      (*line)++;
      *column = 1;
    }
  else if (((guchar)text[*pos] & 0xC0) != 0x80)
    {
      (*column)++;
    }
  (*pos)++;
}

static void
skip_whitespace (const char *text,
                 gsize       length,
                 gsize      *pos,
                 guint      *line,
                 guint      *column)
{
  while (*pos < length && (text[*pos] == ' ' || text[*pos] == '\t' ||
                           text[*pos] == '\n' || text[*pos] == '\r'))
    advance (text, pos, line, column);
}

/* Reads a JSON string at *pos (which points at the opening quote) and appends it to @out in
 * JSON-pointer escaping (~0, ~1). Only needs to be as good as the texts json-glib accepted. */
static void
read_key (const char *text,
          gsize       length,
          gsize      *pos,
          guint      *line,
          guint      *column,
          GString    *out)
{
  advance (text, pos, line, column);   /* opening quote */

  while (*pos < length && text[*pos] != '"')
    {
      char c = text[*pos];

      if (c == '\\' && *pos + 1 < length)
        {
          char e = text[*pos + 1];

          advance (text, pos, line, column);
          switch (e)
            {
            case 'n': g_string_append_c (out, '\n'); break;
            case 't': g_string_append_c (out, '\t'); break;
            case 'r': g_string_append_c (out, '\r'); break;
            case 'b': g_string_append_c (out, '\b'); break;
            case 'f': g_string_append_c (out, '\f'); break;
            case '/': g_string_append_c (out, '/'); break;
            case '"': g_string_append_c (out, '"'); break;
            case '\\': g_string_append_c (out, '\\'); break;
            case 'u':
              if (*pos + 4 < length)
                {
                  char hex[5] = { text[*pos + 1], text[*pos + 2], text[*pos + 3], text[*pos + 4], 0 };
                  gunichar ch = (gunichar)g_ascii_strtoull (hex, NULL, 16);

                  if (ch == '~')
                    g_string_append (out, "~0");
                  else if (ch == '/')
                    g_string_append (out, "~1");
                  else
                    g_string_append_unichar (out, ch);
                  for (guint i = 0; i < 4; i++)
                    advance (text, pos, line, column);
                }
              break;
            default:
              g_string_append_c (out, e);
              break;
            }
          advance (text, pos, line, column);
          continue;
        }

      if (c == '~')
        g_string_append (out, "~0");
      else if (c == '/')
        g_string_append (out, "~1");
      else
        g_string_append_c (out, c);

      advance (text, pos, line, column);
    }

  if (*pos < length)
    advance (text, pos, line, column);  /* closing quote */
}

static void
skip_scalar (const char *text,
             gsize       length,
             gsize      *pos,
             guint      *line,
             guint      *column)
{
  if (text[*pos] == '"')
    {
      advance (text, pos, line, column);
      while (*pos < length && text[*pos] != '"')
        {
          if (text[*pos] == '\\' && *pos + 1 < length)
            advance (text, pos, line, column);
          advance (text, pos, line, column);
        }
      if (*pos < length)
        advance (text, pos, line, column);
      return;
    }

  while (*pos < length && strchr (",}] \t\r\n", text[*pos]) == NULL)
    advance (text, pos, line, column);
}

typedef struct
{
  gboolean is_object;
  guint    index;
  gsize    path_length;
} Frame;

/**
 * conduit_json_text_locate:
 * @text: JSON text that json-glib parsed without error
 * @length: the length of @text
 * @pointer: a JSON pointer (RFC 6901), "" for the whole document
 * @line: (out): the 1-based line where the value (or its member name) starts
 * @column: (out): the 1-based column there
 *
 * Finds where the value named by @pointer stands in @text. For a member of an object the
 * position of its name is given, which is where a person looks.
 *
 * Returns: %TRUE when @pointer names a value of @text
 */
gboolean
conduit_json_text_locate (const char *text,
                          gsize       length,
                          const char *pointer,
                          guint      *line,
                          guint      *column)
{
  g_autoptr(GString) path = g_string_new (NULL);
  g_autoptr(GArray) stack = g_array_new (FALSE, FALSE, sizeof (Frame));
  gsize pos = 0;
  guint cur_line = 1;
  guint cur_column = 1;
  gboolean want_value = TRUE;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (pointer != NULL, FALSE);

  skip_whitespace (text, length, &pos, &cur_line, &cur_column);
  if (*pointer == '\0')
    {
      *line = cur_line;
      *column = cur_column;
      return TRUE;
    }

  while (pos < length)
    {
      skip_whitespace (text, length, &pos, &cur_line, &cur_column);
      if (pos >= length)
        break;

      if (want_value)
        {
          char c = text[pos];

          want_value = FALSE;

          if (c == '{' || c == '[')
            {
              Frame frame = { c == '{', 0, path->len };

              advance (text, &pos, &cur_line, &cur_column);
              g_array_append_val (stack, frame);
              skip_whitespace (text, length, &pos, &cur_line, &cur_column);

              if (pos < length && (text[pos] == '}' || text[pos] == ']'))
                continue;   /* empty container: the closing bracket is handled below */

              if (frame.is_object)
                {
                  guint key_line = cur_line, key_column = cur_column;

                  g_string_append_c (path, '/');
                  read_key (text, length, &pos, &cur_line, &cur_column, path);
                  if (g_str_equal (path->str, pointer))
                    {
                      *line = key_line;
                      *column = key_column;
                      return TRUE;
                    }
                  skip_whitespace (text, length, &pos, &cur_line, &cur_column);
                  if (pos < length && text[pos] == ':')
                    advance (text, &pos, &cur_line, &cur_column);
                }
              else
                {
                  g_string_append (path, "/0");
                  if (g_str_equal (path->str, pointer))
                    {
                      *line = cur_line;
                      *column = cur_column;
                      return TRUE;
                    }
                }

              want_value = TRUE;
              continue;
            }

          skip_scalar (text, length, &pos, &cur_line, &cur_column);
          continue;
        }

      /* after a value: a comma or the end of the enclosing container */
      if (stack->len == 0)
        break;

      {
        Frame *frame = &g_array_index (stack, Frame, stack->len - 1);
        char c = text[pos];

        if (c == ',')
          {
            advance (text, &pos, &cur_line, &cur_column);
            skip_whitespace (text, length, &pos, &cur_line, &cur_column);
            g_string_truncate (path, frame->path_length);

            if (frame->is_object)
              {
                guint key_line = cur_line, key_column = cur_column;

                g_string_append_c (path, '/');
                read_key (text, length, &pos, &cur_line, &cur_column, path);
                if (g_str_equal (path->str, pointer))
                  {
                    *line = key_line;
                    *column = key_column;
                    return TRUE;
                  }
                skip_whitespace (text, length, &pos, &cur_line, &cur_column);
                if (pos < length && text[pos] == ':')
                  advance (text, &pos, &cur_line, &cur_column);
              }
            else
              {
                frame->index++;
                g_string_append_printf (path, "/%u", frame->index);
                if (g_str_equal (path->str, pointer))
                  {
                    *line = cur_line;
                    *column = cur_column;
                    return TRUE;
                  }
              }
            want_value = TRUE;
          }
        else if (c == '}' || c == ']')
          {
            advance (text, &pos, &cur_line, &cur_column);
            g_string_truncate (path, frame->path_length);
            g_array_set_size (stack, stack->len - 1);
          }
        else
          {
            /* Not JSON that json-glib would have accepted; give up rather than guess. */
            break;
          }
      }
    }

  return FALSE;
}

/**
 * conduit_json_pointer_append:
 * @pointer: a JSON pointer
 * @segment: an object member name
 *
 * Returns: (transfer full): @pointer extended by @segment, escaped as RFC 6901 asks
 */
char *
conduit_json_pointer_append (const char *pointer,
                             const char *segment)
{
  GString *str = g_string_new (pointer);

  g_string_append_c (str, '/');
  for (const char *p = segment; *p; p++)
    {
      if (*p == '~')
        g_string_append (str, "~0");
      else if (*p == '/')
        g_string_append (str, "~1");
      else
        g_string_append_c (str, *p);
    }

  return g_string_free (str, FALSE);
}

/**
 * conduit_json_pointer_append_index:
 * @pointer: a JSON pointer
 * @index: an array index
 *
 * Returns: (transfer full): @pointer extended by @index
 */
char *
conduit_json_pointer_append_index (const char *pointer,
                                   guint       index)
{
  return g_strdup_printf ("%s/%u", pointer, index);
}

static void
write_string (GString    *out,
              const char *str)
{
  g_string_append_c (out, '"');
  for (const char *p = str; *p; p++)
    {
      guchar c = (guchar)*p;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char)c);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_double (GString *out,
              double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest form that reads back as the same double, so 0.1 stays "0.1". */
  for (int precision = 15; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  g_string_append (out, buf);

  /* keep the value a double when it is read back */
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

static void
write_indent (GString *out,
              guint    indent)
{
  for (guint i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

static gboolean
is_scalar (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node);
}

/**
 * conduit_json_text_write_pretty:
 * @out: where to write
 * @node: a JSON value
 * @indent: the indentation level of @node
 *
 * Writes @node in Conduit's canonical layout: two spaces per level, one member per line,
 * arrays of plain values on one line, UTF-8 kept as it is, shortest round-trip numbers.
 */
void
conduit_json_text_write_pretty (GString  *out,
                                JsonNode *node,
                                guint     indent)
{
  if (JSON_NODE_HOLDS_NULL (node))
    {
      g_string_append (out, "null");
    }
  else if (JSON_NODE_HOLDS_VALUE (node))
    {
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        default:
          g_string_append (out, "null");
          break;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);
      gboolean inline_array = TRUE;

      if (n == 0)
        {
          g_string_append (out, "[]");
          return;
        }

      for (guint i = 0; i < n && inline_array; i++)
        inline_array = is_scalar (json_array_get_element (array, i));

      g_string_append_c (out, '[');
      for (guint i = 0; i < n; i++)
        {
          if (inline_array)
            {
              if (i > 0)
                g_string_append (out, ", ");
            }
          else
            {
              g_string_append (out, i > 0 ? ",\n" : "\n");
              write_indent (out, indent + 1);
            }
          conduit_json_text_write_pretty (out, json_array_get_element (array, i), indent + 1);
        }
      if (!inline_array)
        {
          g_string_append_c (out, '\n');
          write_indent (out, indent);
        }
      g_string_append_c (out, ']');
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *member_name;
      JsonNode *member;
      gboolean first = TRUE;

      if (json_object_get_size (object) == 0)
        {
          g_string_append (out, "{}");
          return;
        }

      g_string_append_c (out, '{');
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &member_name, &member))
        {
          g_string_append (out, first ? "\n" : ",\n");
          first = FALSE;
          write_indent (out, indent + 1);
          write_string (out, member_name);
          g_string_append (out, ": ");
          conduit_json_text_write_pretty (out, member, indent + 1);
        }
      g_string_append_c (out, '\n');
      write_indent (out, indent);
      g_string_append_c (out, '}');
    }
}

/**
 * conduit_json_text_to_pretty:
 * @node: a JSON value
 *
 * Returns: (transfer full): @node in canonical layout, ending in a newline
 */
char *
conduit_json_text_to_pretty (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  conduit_json_text_write_pretty (out, node, 0);
  g_string_append_c (out, '\n');

  return g_string_free (out, FALSE);
}

/**
 * conduit_json_node_depth:
 * @node: a JSON value
 * @limit: stop counting past this depth
 *
 * Returns: how deeply @node nests, at most @limit + 1
 */
guint
conduit_json_node_depth (JsonNode *node,
                         guint     limit)
{
  guint deepest = 0;

  if (limit == 0)
    return 1;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        deepest = MAX (deepest, conduit_json_node_depth (json_array_get_element (array, i), limit - 1));
      return deepest + 1;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        deepest = MAX (deepest, conduit_json_node_depth (member, limit - 1));
      return deepest + 1;
    }

  return 0;
}

/**
 * conduit_json_text_check_depth:
 * @text: JSON text (not yet parsed)
 * @length: the length of @text
 * @max_depth: how deeply arrays and objects may nest
 * @line: (out) (optional): the line where the limit was passed
 *
 * json-glib parses recursively, so a hostile document nested ten thousand levels deep could
 * exhaust the stack. This scan, iterative and string-aware, refuses such text first.
 *
 * Returns: %TRUE when @text nests no deeper than @max_depth
 */
gboolean
conduit_json_text_check_depth (const char *text,
                               gsize       length,
                               guint       max_depth,
                               guint      *line)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  guint cur_line = 1;

  /* A text no longer than the limit cannot nest deeper than it (a level is a byte): webhook
   * events and API answers are mostly that short, and this would be a second pass over them. */
  if (length <= max_depth)
    return TRUE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '\n')
        cur_line++;

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > max_depth)
            {
              if (line)
                *line = cur_line;
              return FALSE;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }

  return TRUE;
}

/**
 * conduit_json_text_check_numbers:
 * @text: JSON text (not yet parsed)
 * @length: the length of @text
 * @line: (out) (optional): the line of the first number out of range
 * @token: (out) (optional) (transfer full): that number as written
 *
 * json-glib reads an integer past 2^63 as -1 and 1e400 as infinity, which would silently change
 * a value or save a file that is not JSON. This scan finds such numbers first.
 *
 * Returns: %TRUE when every number in @text fits a 64-bit integer or a finite double
 */
gboolean
conduit_json_text_check_numbers (const char  *text,
                                 gsize        length,
                                 guint       *line,
                                 char       **token)
{
  gboolean in_string = FALSE;
  guint cur_line = 1;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      gboolean is_integer = TRUE;
      gboolean in_range;
      gsize start, end;
      char *copy;

      if (c == '\n')
        cur_line++;

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        {
          in_string = TRUE;
          continue;
        }

      if (c != '-' && !g_ascii_isdigit (c))
        continue;

      start = i;
      end = i;
      while (end < length && (g_ascii_isdigit (text[end]) || strchr ("+-.eE", text[end]) != NULL))
        {
          if (strchr (".eE", text[end]) != NULL)
            is_integer = FALSE;
          end++;
        }

      copy = g_strndup (text + start, end - start);
      errno = 0;
      if (is_integer)
        {
          g_ascii_strtoll (copy, NULL, 10);
          in_range = errno != ERANGE;
        }
      else
        {
          in_range = isfinite (g_ascii_strtod (copy, NULL));
        }

      if (!in_range)
        {
          if (line)
            *line = cur_line;
          if (token)
            *token = copy;
          else
            g_free (copy);
          return FALSE;
        }

      g_free (copy);
      i = end - 1;
    }

  return TRUE;
}

static gboolean
is_all_utf8 (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_utf8_validate (json_node_get_string (node), -1, NULL);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint length = json_array_get_length (array);

      for (guint i = 0; i < length; i++)
        if (!is_all_utf8 (json_array_get_element (array, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        if (!g_utf8_validate (name, -1, NULL) || !is_all_utf8 (member))
          return FALSE;
    }

  return TRUE;
}

static char *
find_invalid_utf8 (JsonNode   *node,
                   const char *pointer)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_utf8_validate (json_node_get_string (node), -1, NULL) ? NULL : g_strdup (pointer);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *child = conduit_json_pointer_append_index (pointer, i);
          char *found = find_invalid_utf8 (json_array_get_element (array, i), child);

          if (found)
            return found;
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init_ordered (&iter, json_node_get_object (node));
      while (json_object_iter_next_ordered (&iter, &name, &member))
        {
          g_autofree char *child = NULL;
          char *found;

          if (!g_utf8_validate (name, -1, NULL))
            return g_strdup (pointer);

          child = conduit_json_pointer_append (pointer, name);
          found = find_invalid_utf8 (member, child);
          if (found)
            return found;
        }
    }

  return NULL;
}

/**
 * conduit_json_node_find_invalid_utf8:
 * @node: a parsed JSON value
 *
 * json-glib turns a lone surrogate escape ("\\ud83d") into bytes that are not UTF-8. This walk
 * finds the first such string (or member name) so it can be refused with its place.
 *
 * Returns: (transfer full) (nullable): the JSON pointer of the first string that is not UTF-8
 */
char *
conduit_json_node_find_invalid_utf8 (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  /* Every webhook event is checked, and nearly all are UTF-8: the pointers of the places
   * (a string made per member and element) are made only to name a bad one. */
  if (is_all_utf8 (node))
    return NULL;
  return find_invalid_utf8 (node, "");
}
