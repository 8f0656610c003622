/* conduit-mapping-value.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-value"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "conduit-mapping-value.h"

/* json-glib builds a GObject-ish tree with a hash table per object and a malloc per string;
 * mapping 200,000 records through it costs more than the mapping itself. Records here are
 * parsed into an arena instead, and written back with a writer that knows our values. */

#define ARENA_FIRST_CHUNK (16 * 1024)
#define ARENA_KEEP_MAX    (1024 * 1024)
#define JSON_MAX_DEPTH    256

typedef struct _ArenaChunk ArenaChunk;

struct _ArenaChunk
{
  ArenaChunk *next;
  gsize       size;
  gsize       used;
  char        data[];
};

struct _ConduitArena
{
  ArenaChunk *chunks;   /* the current chunk first */
};

const ConduitValue conduit_value_null = { .kind = CONDUIT_VALUE_NULL };
/* The null a mapping writes: the `null` literal and a constant null, told apart from a
 * missing value by its address alone, so every function still sees a plain null. */
const ConduitValue conduit_value_explicit_null = { .kind = CONDUIT_VALUE_NULL };
const ConduitValue conduit_value_true = { .kind = CONDUIT_VALUE_BOOLEAN, .boolean = TRUE };
const ConduitValue conduit_value_false = { .kind = CONDUIT_VALUE_BOOLEAN, .boolean = FALSE };

static ArenaChunk *
arena_chunk_new (gsize size)
{
  ArenaChunk *chunk = g_malloc (sizeof (ArenaChunk) + size);

  chunk->next = NULL;
  chunk->size = size;
  chunk->used = 0;
  return chunk;
}

/**
 * conduit_arena_new:
 *
 * Returns: (transfer full): an empty arena for the values of one record at a time
 */
ConduitArena *
conduit_arena_new (void)
{
  ConduitArena *arena = g_new0 (ConduitArena, 1);

  arena->chunks = arena_chunk_new (ARENA_FIRST_CHUNK);
  return arena;
}

/**
 * conduit_arena_free:
 * @arena: (transfer full): an arena
 *
 * Frees the arena and every value in it.
 */
void
conduit_arena_free (ConduitArena *arena)
{
  if (arena == NULL)
    return;

  while (arena->chunks)
    {
      ArenaChunk *next = arena->chunks->next;

      g_free (arena->chunks);
      arena->chunks = next;
    }
  g_free (arena);
}

/**
 * conduit_arena_reset:
 * @arena: an arena
 *
 * Forgets every value in @arena, keeping one chunk big enough for the last record (within
 * reason, so that one huge record does not pin memory for the rest of a stream).
 */
void
conduit_arena_reset (ConduitArena *arena)
{
  gsize total = 0;

  g_return_if_fail (arena != NULL);

  if (arena->chunks->next == NULL)
    {
      arena->chunks->used = 0;
      return;
    }

  while (arena->chunks)
    {
      ArenaChunk *next = arena->chunks->next;

      total += arena->chunks->size;
      g_free (arena->chunks);
      arena->chunks = next;
    }
  arena->chunks = arena_chunk_new (CLAMP (total, ARENA_FIRST_CHUNK, ARENA_KEEP_MAX));
}

/**
 * conduit_arena_alloc:
 * @arena: an arena
 * @size: bytes
 *
 * Returns: (transfer none): @size bytes, 8-aligned, valid until the next reset
 */
gpointer
conduit_arena_alloc (ConduitArena *arena,
                     gsize         size)
{
  ArenaChunk *chunk = arena->chunks;
  gsize offset = (chunk->used + 7) & ~(gsize)7;

  if (G_UNLIKELY (offset + size > chunk->size))
    {
      gsize chunk_size = MAX (chunk->size * 2, size + 64);

      chunk = arena_chunk_new (MIN (chunk_size, MAX ((gsize)ARENA_KEEP_MAX, size + 64)));
      chunk->next = arena->chunks;
      arena->chunks = chunk;
      offset = 0;
    }

  chunk->used = offset + size;
  return chunk->data + offset;
}

/**
 * conduit_arena_strndup:
 * @arena: an arena
 * @text: bytes
 * @length: how many
 *
 * Returns: (transfer none): a nul-terminated copy of @text in @arena
 */
char *
conduit_arena_strndup (ConduitArena *arena,
                       const char   *text,
                       gsize         length)
{
  char *copy = conduit_arena_alloc (arena, length + 1);

  if (length > 0)
    memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

/**
 * conduit_value_new_string:
 * @arena: an arena
 * @text: UTF-8 bytes
 * @length: how many
 *
 * Returns: (transfer none): a string value holding a copy of @text
 */
ConduitValue *
conduit_value_new_string (ConduitArena *arena,
                          const char   *text,
                          gsize         length)
{
  return conduit_value_new_string_take (arena, conduit_arena_strndup (arena, text, length), length);
}

/**
 * conduit_value_new_string_take:
 * @arena: an arena
 * @text: UTF-8 bytes that live at least as long as the arena's values
 * @length: how many
 *
 * Returns: (transfer none): a string value pointing at @text, not copied
 */
ConduitValue *
conduit_value_new_string_take (ConduitArena *arena,
                               const char   *text,
                               gsize         length)
{
  ConduitValue *value = conduit_arena_alloc (arena, sizeof (ConduitValue));

  value->kind = CONDUIT_VALUE_STRING;
  value->len = length;
  value->string = text;
  return value;
}

/**
 * conduit_value_new_integer:
 * @arena: an arena
 * @integer: the number
 *
 * Returns: (transfer none): an integer value
 */
ConduitValue *
conduit_value_new_integer (ConduitArena *arena,
                           gint64        integer)
{
  ConduitValue *value = conduit_arena_alloc (arena, sizeof (ConduitValue));

  value->kind = CONDUIT_VALUE_INTEGER;
  value->len = 0;
  value->integer = integer;
  return value;
}

/**
 * conduit_value_new_double:
 * @arena: an arena
 * @number: the number; not finite becomes null, as JSON has no such numbers
 *
 * Returns: (transfer none): a number value
 */
ConduitValue *
conduit_value_new_double (ConduitArena *arena,
                          double        number)
{
  ConduitValue *value;

  if (!isfinite (number))
    return (ConduitValue *)&conduit_value_null;

  value = conduit_arena_alloc (arena, sizeof (ConduitValue));
  value->kind = CONDUIT_VALUE_DOUBLE;
  value->len = 0;
  value->number = number;
  return value;
}

/**
 * conduit_value_new_boolean:
 * @boolean: the truth
 *
 * Returns: (transfer none): the shared true or false value
 */
ConduitValue *
conduit_value_new_boolean (gboolean boolean)
{
  return (ConduitValue *)(boolean ? &conduit_value_true : &conduit_value_false);
}

/**
 * conduit_value_object_get:
 * @object: (nullable): a value
 * @key: a member name
 * @key_len: its length in bytes
 *
 * Objects keep their members in order and records are small, so a linear search beats
 * building a hash table for every record.
 *
 * Returns: (nullable) (transfer none): the member's value, or %NULL
 */
ConduitValue *
conduit_value_object_get (const ConduitValue *object,
                          const char         *key,
                          gsize               key_len)
{
  if (object == NULL || object->kind != CONDUIT_VALUE_OBJECT)
    return NULL;

  for (guint i = 0; i < object->len; i++)
    {
      const ConduitMember *member = &object->members[i];

      if (member->key_len == key_len && memcmp (member->key, key, key_len) == 0)
        return member->value;
    }

  return NULL;
}

/**
 * conduit_value_is_empty:
 * @value: (nullable): a value
 *
 * Returns: whether @value is missing, null, an empty string or an empty array: what
 * "required", default() and coalesce() treat as no value
 */
gboolean
conduit_value_is_empty (const ConduitValue *value)
{
  if (CONDUIT_VALUE_IS_NULL (value))
    return TRUE;
  if (value->kind == CONDUIT_VALUE_STRING || value->kind == CONDUIT_VALUE_ARRAY)
    return value->len == 0;
  return FALSE;
}

/**
 * conduit_value_is_truthy:
 * @value: (nullable): a value
 *
 * Returns: FALSE for missing, null, false, 0, "", "false", "0" and [], TRUE otherwise
 */
gboolean
conduit_value_is_truthy (const ConduitValue *value)
{
  if (CONDUIT_VALUE_IS_NULL (value))
    return FALSE;

  switch (value->kind)
    {
    case CONDUIT_VALUE_BOOLEAN:
      return value->boolean;
    case CONDUIT_VALUE_INTEGER:
      return value->integer != 0;
    case CONDUIT_VALUE_DOUBLE:
      return value->number != 0.0;
    case CONDUIT_VALUE_STRING:
      /* CSV files carry booleans as text. */
      return !(value->len == 0 ||
               (value->len == 5 && g_ascii_strncasecmp (value->string, "false", 5) == 0) ||
               (value->len == 1 && value->string[0] == '0'));
    case CONDUIT_VALUE_ARRAY:
      return value->len > 0;
    case CONDUIT_VALUE_OBJECT:
    case CONDUIT_VALUE_NULL:
    default:
      return value->kind == CONDUIT_VALUE_OBJECT;
    }
}

/* Reads a whole string as a JSON-style number, allowing surrounding spaces. */
static gboolean
parse_number_text (const char *text,
                   gsize       length,
                   double     *number)
{
  char buffer[64];
  char *end;

  while (length > 0 && g_ascii_isspace (*text))
    text++, length--;
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;
  if (length == 0 || length >= sizeof buffer)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    if (!(g_ascii_isdigit (text[i]) || text[i] == '-' || text[i] == '+' || text[i] == '.' ||
          text[i] == 'e' || text[i] == 'E'))
      return FALSE;

  memcpy (buffer, text, length);
  buffer[length] = '\0';
  *number = g_ascii_strtod (buffer, &end);
  return *end == '\0' && isfinite (*number);
}

/**
 * conduit_value_parse_integer_text:
 * @text: text
 * @length: its length in bytes
 * @out: (out): the integer
 *
 * Reads text of digits (spaces around, a sign) as a 64-bit integer, exactly: going through a
 * double would round anything beyond 2^53.
 *
 * Returns: whether @text is an integer, not one, or only digits beyond 64 bits
 */
ConduitTextInteger
conduit_value_parse_integer_text (const char *text,
                                  gsize       length,
                                  gint64     *out)
{
  gsize i = 0;
  guint64 magnitude = 0;
  gboolean negative = FALSE;
  gboolean overflow = FALSE;

  while (i < length && g_ascii_isspace (text[i]))
    i++;
  while (length > i && g_ascii_isspace (text[length - 1]))
    length--;
  if (i < length && (text[i] == '-' || text[i] == '+'))
    negative = text[i++] == '-';
  if (i >= length)
    return CONDUIT_TEXT_NOT_INTEGER;
  for (; i < length; i++)
    {
      guint digit;

      if (!g_ascii_isdigit (text[i]))
        return CONDUIT_TEXT_NOT_INTEGER;
      digit = text[i] - '0';
      if (magnitude > (G_MAXUINT64 - digit) / 10)
        overflow = TRUE;
      else
        magnitude = magnitude * 10 + digit;
    }
  if (overflow || magnitude > (negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64))
    return CONDUIT_TEXT_INTEGER_TOO_LARGE;
  *out = negative ? (gint64)(0 - magnitude) : (gint64)magnitude;
  return CONDUIT_TEXT_INTEGER;
}

/**
 * conduit_value_get_number:
 * @value: (nullable): a value
 * @number: (out): the number
 *
 * Reads a number, or text that holds exactly a number ("42", " 3.5 ").
 *
 * Returns: whether @value is or holds a number
 */
gboolean
conduit_value_get_number (const ConduitValue *value,
                          double             *number)
{
  if (CONDUIT_VALUE_IS_NULL (value))
    return FALSE;

  switch (value->kind)
    {
    case CONDUIT_VALUE_INTEGER:
      *number = (double)value->integer;
      return TRUE;
    case CONDUIT_VALUE_DOUBLE:
      *number = value->number;
      return TRUE;
    case CONDUIT_VALUE_STRING:
      return parse_number_text (value->string, value->len, number);
    case CONDUIT_VALUE_NULL:
    case CONDUIT_VALUE_BOOLEAN:
    case CONDUIT_VALUE_ARRAY:
    case CONDUIT_VALUE_OBJECT:
    default:
      return FALSE;
    }
}

/**
 * conduit_value_equal:
 * @a: (nullable): a value
 * @b: (nullable): another
 *
 * Returns: whether the two are the same JSON value (1 and 1.0 are equal)
 */
gboolean
conduit_value_equal (const ConduitValue *a,
                     const ConduitValue *b)
{
  gboolean a_number, b_number;

  if (CONDUIT_VALUE_IS_NULL (a) || CONDUIT_VALUE_IS_NULL (b))
    return CONDUIT_VALUE_IS_NULL (a) && CONDUIT_VALUE_IS_NULL (b);

  a_number = a->kind == CONDUIT_VALUE_INTEGER || a->kind == CONDUIT_VALUE_DOUBLE;
  b_number = b->kind == CONDUIT_VALUE_INTEGER || b->kind == CONDUIT_VALUE_DOUBLE;
  if (a_number && b_number)
    {
      if (a->kind == CONDUIT_VALUE_INTEGER && b->kind == CONDUIT_VALUE_INTEGER)
        return a->integer == b->integer;
      return (a->kind == CONDUIT_VALUE_INTEGER ? (double)a->integer : a->number) ==
             (b->kind == CONDUIT_VALUE_INTEGER ? (double)b->integer : b->number);
    }

  if (a->kind != b->kind)
    return FALSE;

  switch (a->kind)
    {
    case CONDUIT_VALUE_BOOLEAN:
      return !a->boolean == !b->boolean;
    case CONDUIT_VALUE_STRING:
      return a->len == b->len && memcmp (a->string, b->string, a->len) == 0;
    case CONDUIT_VALUE_ARRAY:
      if (a->len != b->len)
        return FALSE;
      for (guint i = 0; i < a->len; i++)
        if (!conduit_value_equal (a->items[i], b->items[i]))
          return FALSE;
      return TRUE;
    case CONDUIT_VALUE_OBJECT:
      if (a->len != b->len)
        return FALSE;
      for (guint i = 0; i < a->len; i++)
        {
          const ConduitMember *m = &a->members[i];

          if (!conduit_value_equal (m->value, conduit_value_object_get (b, m->key, m->key_len)))
            return FALSE;
        }
      return TRUE;
    case CONDUIT_VALUE_NULL:
    case CONDUIT_VALUE_INTEGER:
    case CONDUIT_VALUE_DOUBLE:
    default:
      g_assert_not_reached ();
    }
}

/* GLib 2.74's g_string_append_len() is not inlined; these are, for the JSON writer. */
static inline void
out_append (GString    *out,
            const char *data,
            gsize       length)
{
  if (G_UNLIKELY (out->len + length + 1 > out->allocated_len))
    {
      gsize len = out->len;

      g_string_set_size (out, len + length);
      out->len = len;
    }
  memcpy (out->str + out->len, data, length);
  out->len += length;
  out->str[out->len] = '\0';
}

static inline void
out_append_c (GString *out,
              char     c)
{
  if (G_UNLIKELY (out->len + 2 > out->allocated_len))
    {
      gsize len = out->len;

      g_string_set_size (out, len + 1);
      out->len = len;
    }
  out->str[out->len++] = c;
  out->str[out->len] = '\0';
}

#define out_append_literal(out, text) out_append ((out), (text), sizeof (text) - 1)

static void
write_integer (GString *out,
               gint64   integer)
{
  char buffer[24];
  char *p = buffer + sizeof buffer;
  guint64 magnitude = integer < 0 ? -(guint64)integer : (guint64)integer;

  do
    {
      *--p = '0' + (magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (integer < 0)
    *--p = '-';

  out_append (out, p, buffer + sizeof buffer - p);
}

/**
 * conduit_value_write_number:
 * @out: where to append
 * @number: a finite number
 *
 * Appends the shortest text that reads back as @number, as JavaScript and Python print it
 * ("0.1", not "0.10000000000000001"), "null" when it is not finite.
 */
void
conduit_value_write_number (GString *out,
                            double   number)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (number))
    {
      out_append_literal (out, "null");
      return;
    }

  if (number == floor (number) && fabs (number) < 1e15)
    {
      write_integer (out, (gint64)number);
      out_append_literal (out, ".0");
      return;
    }

  for (int precision = 15; precision <= 17; precision++)
    {
      g_ascii_formatd (buffer, sizeof buffer, precision == 15 ? "%.15g" :
                       precision == 16 ? "%.16g" : "%.17g", number);
      if (g_ascii_strtod (buffer, NULL) == number)
        break;
    }
  out_append (out, buffer, strlen (buffer));
}

/* Eight bytes at a time: text is mostly plain ASCII letters, and looking at each byte for a
 * quote, a backslash or a control character was the largest cost of reading and writing
 * records (perf, bench/mapping). Each macro sets the high bit of the bytes it matches. */
#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)
#define BYTES_BELOW(w, n)  (((w) - ONES * (n)) & ~(w) & HIGHS)
#define BYTES_EQUAL(w, c)  BYTES_BELOW ((w) ^ (ONES * (c)), 1)

static inline guint64
load_word (const char *text)
{
  guint64 word;

  memcpy (&word, text, sizeof word);
  return word;
}

/* The bytes a JSON string cannot hold as they are: ", \ and the controls. */
static inline guint64
json_special_bytes (guint64 word)
{
  return BYTES_BELOW (word, 0x20) | BYTES_EQUAL (word, '"') | BYTES_EQUAL (word, '\\');
}

/**
 * conduit_value_write_json_string:
 * @out: where to append
 * @text: UTF-8 bytes
 * @length: how many
 *
 * Appends @text as a JSON string. Non-ASCII text is written as is, control characters
 * escaped.
 */
void
conduit_value_write_json_string (GString    *out,
                                 const char *text,
                                 gsize       length)
{
  static const char hex[] = "0123456789abcdef";
  gsize start = 0;

  out_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c;
      const char *escape;
      char unicode[7];

      /* BYTES_BELOW can flag a byte above 0x80 after a borrow; such a word is looked at byte
       * by byte, which is only slower, never wrong */
      while (i + 8 <= length && json_special_bytes (load_word (text + i)) == 0)
        i += 8;
      if (i >= length)
        break;
      c = text[i];
      if (G_LIKELY (c >= 0x20 && c != '"' && c != '\\'))
        continue;

      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        default:
          unicode[0] = '\\';
          unicode[1] = 'u';
          unicode[2] = '0';
          unicode[3] = '0';
          unicode[4] = hex[c >> 4];
          unicode[5] = hex[c & 0xF];
          unicode[6] = '\0';
          escape = unicode;
          break;
        }

      out_append (out, text + start, i - start);
      out_append (out, escape, strlen (escape));
      start = i + 1;
    }
  out_append (out, text + start, length - start);
  out_append_c (out, '"');
}

/**
 * conduit_value_write_json:
 * @out: where to append
 * @value: (nullable): a value; %NULL is written as null
 *
 * Appends @value as compact JSON (no spaces), members in their order.
 */
void
conduit_value_write_json (GString            *out,
                          const ConduitValue *value)
{
  if (CONDUIT_VALUE_IS_NULL (value))
    {
      out_append_literal (out, "null");
      return;
    }

  switch (value->kind)
    {
    case CONDUIT_VALUE_BOOLEAN:
      if (value->boolean)
        out_append_literal (out, "true");
      else
        out_append_literal (out, "false");
      break;
    case CONDUIT_VALUE_INTEGER:
      write_integer (out, value->integer);
      break;
    case CONDUIT_VALUE_DOUBLE:
      conduit_value_write_number (out, value->number);
      break;
    case CONDUIT_VALUE_STRING:
      conduit_value_write_json_string (out, value->string, value->len);
      break;
    case CONDUIT_VALUE_ARRAY:
      out_append_c (out, '[');
      for (guint i = 0; i < value->len; i++)
        {
          if (i > 0)
            out_append_c (out, ',');
          conduit_value_write_json (out, value->items[i]);
        }
      out_append_c (out, ']');
      break;
    case CONDUIT_VALUE_OBJECT:
      out_append_c (out, '{');
      for (guint i = 0; i < value->len; i++)
        {
          if (i > 0)
            out_append_c (out, ',');
          conduit_value_write_json_string (out, value->members[i].key, value->members[i].key_len);
          out_append_c (out, ':');
          conduit_value_write_json (out, value->members[i].value);
        }
      out_append_c (out, '}');
      break;
    case CONDUIT_VALUE_NULL:
    default:
      g_assert_not_reached ();
    }
}

/**
 * conduit_value_to_text:
 * @arena: where a new text is made when needed
 * @value: (nullable): a value
 * @length: (out): its length in bytes
 *
 * The text functions (trim(), concat()…) work on this: strings as they are, numbers and
 * booleans as JSON writes them, null as "", arrays and objects as compact JSON.
 *
 * Returns: (transfer none): nul-terminated text
 */
const char *
conduit_value_to_text (ConduitArena       *arena,
                       const ConduitValue *value,
                       gsize              *length)
{
  GString *out;
  char *text;

  if (CONDUIT_VALUE_IS_NULL (value))
    {
      *length = 0;
      return "";
    }

  if (value->kind == CONDUIT_VALUE_STRING)
    {
      /* Strings from a parsed record are slices of the input line, so not terminated. */
      if (value->string[value->len] == '\0')
        {
          *length = value->len;
          return value->string;
        }
      *length = value->len;
      return conduit_arena_strndup (arena, value->string, value->len);
    }

  if (value->kind == CONDUIT_VALUE_BOOLEAN)
    {
      *length = value->boolean ? 4 : 5;
      return value->boolean ? "true" : "false";
    }

  out = g_string_sized_new (32);
  if (value->kind == CONDUIT_VALUE_DOUBLE && value->number == floor (value->number) &&
      fabs (value->number) < 1e15)
    write_integer (out, (gint64)value->number);   /* 3.0 reads as "3" in text */
  else
    conduit_value_write_json (out, value);
  *length = out->len;
  text = conduit_arena_strndup (arena, out->str, out->len);
  g_string_free (out, TRUE);
  return text;
}

/**
 * conduit_value_from_json_node:
 * @arena: where the values are made
 * @node: (nullable): a JSON node
 *
 * Returns: (transfer none): @node as a value in @arena
 */
ConduitValue *
conduit_value_from_json_node (ConduitArena *arena,
                              JsonNode     *node)
{
  ConduitValue *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return (ConduitValue *)&conduit_value_null;

  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType type = json_node_get_value_type (node);
      const char *text;

      if (type == G_TYPE_BOOLEAN)
        return conduit_value_new_boolean (json_node_get_boolean (node));
      if (type == G_TYPE_INT64 || type == G_TYPE_INT || type == G_TYPE_UINT ||
          type == G_TYPE_LONG || type == G_TYPE_ULONG || type == G_TYPE_UINT64)
        return conduit_value_new_integer (arena, json_node_get_int (node));
      if (type == G_TYPE_DOUBLE || type == G_TYPE_FLOAT)
        return conduit_value_new_double (arena, json_node_get_double (node));
      text = json_node_get_string (node);
      return conduit_value_new_string (arena, text ? text : "", text ? strlen (text) : 0);
    }

  value = conduit_arena_alloc (arena, sizeof (ConduitValue));
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      value->kind = CONDUIT_VALUE_ARRAY;
      value->len = json_array_get_length (array);
      value->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * MAX (value->len, 1));
      for (guint i = 0; i < value->len; i++)
        value->items[i] = conduit_value_from_json_node (arena, json_array_get_element (array, i));
    }
  else
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *key;
      JsonNode *member;
      guint i = 0;

      value->kind = CONDUIT_VALUE_OBJECT;
      value->len = json_object_get_size (object);
      value->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (value->len, 1));
      json_object_iter_init_ordered (&iter, object);
      while (json_object_iter_next_ordered (&iter, &key, &member))
        {
          value->members[i].key_len = strlen (key);
          value->members[i].key = conduit_arena_strndup (arena, key, value->members[i].key_len);
          value->members[i].value = conduit_value_from_json_node (arena, member);
          i++;
        }
    }

  return value;
}

/**
 * conduit_value_holds_nul:
 * @value: a value
 *
 * Returns: %TRUE if a string or an object key in @value holds a NUL byte (from a JSON
 *   "\u0000"), which conduit_value_to_json_node() could not carry
 */
gboolean
conduit_value_holds_nul (const ConduitValue *value)
{
  if (value == NULL || CONDUIT_VALUE_IS_NULL (value))
    return FALSE;

  switch (value->kind)
    {
    case CONDUIT_VALUE_STRING:
      return memchr (value->string, '\0', value->len) != NULL;
    case CONDUIT_VALUE_ARRAY:
      for (guint i = 0; i < value->len; i++)
        if (conduit_value_holds_nul (value->items[i]))
          return TRUE;
      return FALSE;
    case CONDUIT_VALUE_OBJECT:
      for (guint i = 0; i < value->len; i++)
        if (memchr (value->members[i].key, '\0', value->members[i].key_len) != NULL ||
            conduit_value_holds_nul (value->members[i].value))
          return TRUE;
      return FALSE;
    default:
      return FALSE;
    }
}

/**
 * conduit_value_to_json_node:
 * @value: (nullable): a value
 *
 * Returns: (transfer full): @value as a JSON node that outlives the arena
 */
JsonNode *
conduit_value_to_json_node (const ConduitValue *value)
{
  JsonNode *node;

  if (CONDUIT_VALUE_IS_NULL (value))
    return json_node_new (JSON_NODE_NULL);

  switch (value->kind)
    {
    case CONDUIT_VALUE_BOOLEAN:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, value->boolean);
      return node;
    case CONDUIT_VALUE_INTEGER:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, value->integer);
      return node;
    case CONDUIT_VALUE_DOUBLE:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, value->number);
      return node;
    case CONDUIT_VALUE_STRING:
      {
        g_autofree char *text = g_strndup (value->string, value->len);

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, text);
        return node;
      }
    case CONDUIT_VALUE_ARRAY:
      {
        JsonArray *array = json_array_sized_new (value->len);

        for (guint i = 0; i < value->len; i++)
          json_array_add_element (array, conduit_value_to_json_node (value->items[i]));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }
    case CONDUIT_VALUE_OBJECT:
      {
        JsonObject *object = json_object_new ();

        for (guint i = 0; i < value->len; i++)
          {
            g_autofree char *key = g_strndup (value->members[i].key, value->members[i].key_len);

            json_object_set_member (object, key,
                                    conduit_value_to_json_node (value->members[i].value));
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }
    case CONDUIT_VALUE_NULL:
    default:
      g_assert_not_reached ();
    }
}

/**
 * conduit_value_copy:
 * @arena: where the copy is made
 * @value: (nullable): a value from another arena
 *
 * Returns: (transfer none): a deep copy of @value in @arena
 */
ConduitValue *
conduit_value_copy (ConduitArena       *arena,
                    const ConduitValue *value)
{
  ConduitValue *copy;

  if (CONDUIT_VALUE_IS_NULL (value))
    return (ConduitValue *)&conduit_value_null;
  if (value->kind == CONDUIT_VALUE_BOOLEAN)
    return (ConduitValue *)value;

  copy = conduit_arena_alloc (arena, sizeof (ConduitValue));
  *copy = *value;
  switch (value->kind)
    {
    case CONDUIT_VALUE_STRING:
      copy->string = conduit_arena_strndup (arena, value->string, value->len);
      break;
    case CONDUIT_VALUE_ARRAY:
      copy->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * MAX (value->len, 1));
      for (guint i = 0; i < value->len; i++)
        copy->items[i] = conduit_value_copy (arena, value->items[i]);
      break;
    case CONDUIT_VALUE_OBJECT:
      copy->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (value->len, 1));
      for (guint i = 0; i < value->len; i++)
        {
          copy->members[i].key = conduit_arena_strndup (arena, value->members[i].key,
                                                        value->members[i].key_len);
          copy->members[i].key_len = value->members[i].key_len;
          copy->members[i].value = conduit_value_copy (arena, value->members[i].value);
        }
      break;
    case CONDUIT_VALUE_NULL:
    case CONDUIT_VALUE_BOOLEAN:
    case CONDUIT_VALUE_INTEGER:
    case CONDUIT_VALUE_DOUBLE:
    default:
      break;
    }
  return copy;
}

/* ---- JSON text → values ---------------------------------------------------------------- */

struct _ConduitJsonReader
{
  GPtrArray  *items;     /* (element-type ConduitValue) array items being collected */
  GArray     *members;   /* (element-type ConduitMember) object members being collected */
  const char *text;
  gsize       length;
  gsize       pos;
  guint       depth;
  const char *error;
  const char *duplicate;      /* the first member name given twice in an object, or NULL */
  guint       duplicate_len;
};

/**
 * conduit_json_reader_new:
 *
 * Returns: (transfer full): a parser to reuse for every record of a stream
 */
ConduitJsonReader *
conduit_json_reader_new (void)
{
  ConduitJsonReader *reader = g_new0 (ConduitJsonReader, 1);

  reader->items = g_ptr_array_sized_new (64);
  reader->members = g_array_sized_new (FALSE, FALSE, sizeof (ConduitMember), 64);
  return reader;
}

/**
 * conduit_json_reader_free:
 * @reader: (transfer full): a reader
 */
void
conduit_json_reader_free (ConduitJsonReader *reader)
{
  if (reader == NULL)
    return;

  g_ptr_array_unref (reader->items);
  g_array_unref (reader->members);
  g_free (reader);
}

static inline void
skip_space (ConduitJsonReader *r)
{
  while (r->pos < r->length)
    {
      char c = r->text[r->pos];

      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      r->pos++;
    }
}

static inline int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (ConduitJsonReader *r,
           gunichar          *out)
{
  gunichar value = 0;

  if (r->pos + 4 > r->length)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int h = hex_value (r->text[r->pos + i]);

      if (h < 0)
        return FALSE;
      value = value * 16 + h;
    }
  r->pos += 4;
  *out = value;
  return TRUE;
}

/* Like g_utf8_validate(), but a NUL byte counts as the character U+0000 it is: JSON may carry
 * it as "\u0000", and values keep their length, so it travels as any other character. */
static gboolean
utf8_validate_with_nul (const char *text,
                        gsize       length)
{
  const char *end;

  while (!g_utf8_validate (text, length, &end))
    {
      if (*end != '\0')
        return FALSE;
      length -= (gsize)(end - text) + 1;
      text = end + 1;
    }
  return TRUE;
}

/* Reads a string at r->pos (after the opening quote). Strings without escapes point into the
 * input text; the caller keeps the text alive as long as the values. */
static gboolean
read_string (ConduitJsonReader  *r,
             ConduitArena       *arena,
             const char        **out,
             guint              *out_len)
{
  gsize start = r->pos;
  const char *text = r->text;
  gsize i = start;
  guint64 non_ascii = 0;
  GString *decoded;

  while (i < r->length)
    {
      guchar c;

      while (i + 8 <= r->length)
        {
          guint64 word = load_word (text + i);

          if (json_special_bytes (word) != 0)
            break;
          non_ascii |= word & HIGHS;
          i += 8;
        }
      if (i >= r->length)
        break;
      c = text[i];
      non_ascii |= c & 0x80;

      if (c == '"')
        {
          /* plain ASCII is valid UTF-8: only text with high bytes is checked */
          if (non_ascii != 0 && !g_utf8_validate (text + start, i - start, NULL))
            {
              r->pos = start;
              r->error = "text is not valid UTF-8";
              return FALSE;
            }
          *out = text + start;
          *out_len = i - start;
          r->pos = i + 1;
          return TRUE;
        }
      if (c == '\\')
        break;
      if (c < 0x20)
        {
          r->pos = i;
          r->error = "control character inside a string";
          return FALSE;
        }
      i++;
    }

  if (i >= r->length)
    {
      r->pos = start;
      r->error = "unterminated string";
      return FALSE;
    }

  /* The slow path: escapes. */
  decoded = g_string_new_len (text + start, i - start);
  r->pos = i;
  while (r->pos < r->length)
    {
      guchar c = text[r->pos];
      gunichar unichar;

      if (c == '"')
        break;
      if (c < 0x20)
        {
          r->error = "control character inside a string";
          g_string_free (decoded, TRUE);
          return FALSE;
        }
      if (c != '\\')
        {
          g_string_append_c (decoded, c);
          r->pos++;
          continue;
        }

      if (r->pos + 1 >= r->length)
        break;
      r->pos += 2;
      switch (text[r->pos - 1])
        {
        case '"': g_string_append_c (decoded, '"'); break;
        case '\\': g_string_append_c (decoded, '\\'); break;
        case '/': g_string_append_c (decoded, '/'); break;
        case 'b': g_string_append_c (decoded, '\b'); break;
        case 'f': g_string_append_c (decoded, '\f'); break;
        case 'n': g_string_append_c (decoded, '\n'); break;
        case 'r': g_string_append_c (decoded, '\r'); break;
        case 't': g_string_append_c (decoded, '\t'); break;
        case 'u':
          if (!read_hex4 (r, &unichar))
            {
              r->error = "bad \\u escape";
              g_string_free (decoded, TRUE);
              return FALSE;
            }
          if (unichar >= 0xD800 && unichar <= 0xDBFF)
            {
              gunichar low;

              if (r->pos + 2 <= r->length && text[r->pos] == '\\' && text[r->pos + 1] == 'u')
                {
                  r->pos += 2;
                  if (!read_hex4 (r, &low) || low < 0xDC00 || low > 0xDFFF)
                    {
                      r->error = "bad \\u surrogate pair";
                      g_string_free (decoded, TRUE);
                      return FALSE;
                    }
                  unichar = 0x10000 + ((unichar - 0xD800) << 10) + (low - 0xDC00);
                }
              else
                unichar = 0xFFFD;
            }
          else if (unichar >= 0xDC00 && unichar <= 0xDFFF)
            unichar = 0xFFFD;
          g_string_append_unichar (decoded, unichar);
          break;
        default:
          r->pos--;
          r->error = "unknown escape in a string";
          g_string_free (decoded, TRUE);
          return FALSE;
        }
    }

  if (r->pos >= r->length)
    {
      r->pos = start;
      r->error = "unterminated string";
      g_string_free (decoded, TRUE);
      return FALSE;
    }
  r->pos++;

  if (!utf8_validate_with_nul (decoded->str, decoded->len))
    {
      r->pos = start;
      r->error = "text is not valid UTF-8";
      g_string_free (decoded, TRUE);
      return FALSE;
    }
  *out = conduit_arena_strndup (arena, decoded->str, decoded->len);
  *out_len = decoded->len;
  g_string_free (decoded, TRUE);
  return TRUE;
}

static ConduitValue *
read_number (ConduitJsonReader *r,
             ConduitArena      *arena)
{
  const char *text = r->text;
  gsize start = r->pos, i = r->pos;
  gboolean is_integer = TRUE;
  guint64 magnitude = 0;
  gboolean overflow = FALSE;
  gboolean negative = FALSE;
  char buffer[128];
  double number;

  if (i < r->length && text[i] == '-')
    negative = TRUE, i++;
  if (i >= r->length || !g_ascii_isdigit (text[i]))
    {
      r->error = "unexpected character";
      return NULL;
    }
  if (text[i] == '0' && i + 1 < r->length && g_ascii_isdigit (text[i + 1]))
    {
      r->error = "numbers may not start with 0";
      return NULL;
    }
  while (i < r->length && g_ascii_isdigit (text[i]))
    {
      guint digit = text[i] - '0';

      if (magnitude > (G_MAXUINT64 - digit) / 10)
        overflow = TRUE;
      else
        magnitude = magnitude * 10 + digit;
      i++;
    }
  if (i < r->length && text[i] == '.')
    {
      is_integer = FALSE;
      i++;
      if (i >= r->length || !g_ascii_isdigit (text[i]))
        {
          r->pos = i;
          r->error = "a digit must follow the decimal point";
          return NULL;
        }
      while (i < r->length && g_ascii_isdigit (text[i]))
        i++;
    }
  if (i < r->length && (text[i] == 'e' || text[i] == 'E'))
    {
      is_integer = FALSE;
      i++;
      if (i < r->length && (text[i] == '+' || text[i] == '-'))
        i++;
      if (i >= r->length || !g_ascii_isdigit (text[i]))
        {
          r->pos = i;
          r->error = "a digit must follow the exponent";
          return NULL;
        }
      while (i < r->length && g_ascii_isdigit (text[i]))
        i++;
    }
  r->pos = i;

  if (is_integer)
    {
      if (!overflow && magnitude <= (negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64))
        return conduit_value_new_integer (arena,
                                          negative ? (gint64)(0 - magnitude) : (gint64)magnitude);
      /* As a double it would lose its last digits without a word: an order or account number
       * must arrive exactly or not at all. */
      r->pos = start;
      r->error = "the whole number is beyond the 64-bit range (-9223372036854775808 to "
                 "9223372036854775807); write it in quotes to keep it as text";
      return NULL;
    }

  if (i - start >= sizeof buffer)
    {
      g_autofree char *copy = g_strndup (text + start, i - start);
      number = g_ascii_strtod (copy, NULL);
    }
  else
    {
      memcpy (buffer, text + start, i - start);
      buffer[i - start] = '\0';
      number = g_ascii_strtod (buffer, NULL);
    }
  /* 1e400 would become null: the value lost, and later reported as missing */
  if (!isfinite (number))
    {
      r->pos = start;
      r->error = "the number is too large; numbers go up to about 1.8e308";
      return NULL;
    }
  return conduit_value_new_double (arena, number);
}

static gboolean
read_literal (ConduitJsonReader *r,
              const char        *word,
              gsize              length)
{
  if (r->pos + length <= r->length && memcmp (r->text + r->pos, word, length) == 0)
    {
      r->pos += length;
      return TRUE;
    }
  r->error = "unexpected word";
  return FALSE;
}

static ConduitValue *read_value (ConduitJsonReader *r,
                                 ConduitArena      *arena);

static ConduitValue *
read_array (ConduitJsonReader *r,
            ConduitArena      *arena)
{
  guint start = r->items->len;
  ConduitValue *value;

  r->pos++;   /* [ */
  skip_space (r);
  if (r->pos < r->length && r->text[r->pos] == ']')
    r->pos++;
  else
    for (;;)
      {
        ConduitValue *item = read_value (r, arena);

        if (item == NULL)
          return NULL;
        g_ptr_array_add (r->items, item);
        skip_space (r);
        if (r->pos < r->length && r->text[r->pos] == ',')
          {
            r->pos++;
            continue;
          }
        if (r->pos < r->length && r->text[r->pos] == ']')
          {
            r->pos++;
            break;
          }
        r->error = "expected , or ] in an array";
        return NULL;
      }

  value = conduit_arena_alloc (arena, sizeof (ConduitValue));
  value->kind = CONDUIT_VALUE_ARRAY;
  value->len = r->items->len - start;
  value->items = conduit_arena_alloc (arena, sizeof (ConduitValue *) * MAX (value->len, 1));
  if (value->len > 0)
    memcpy (value->items, r->items->pdata + start, sizeof (ConduitValue *) * value->len);
  g_ptr_array_set_size (r->items, start);
  return value;
}

static gboolean
member_name_equal (const ConduitMember *a,
                   const ConduitMember *b)
{
  return a->key_len == b->key_len && memcmp (a->key, b->key, a->key_len) == 0;
}

/* A name given twice in an object keeps the position of its first and the value of its last,
 * as JavaScript, Python and json-glib (which reads flow files) do, so that a record reads the
 * same everywhere. The reader remembers the name, for the warning the user is shown. */
static void
remove_duplicates (ConduitJsonReader *r,
                   guint              start)
{
  ConduitMember *members = &g_array_index (r->members, ConduitMember, start);
  guint n = r->members->len - start;
  guint kept = 0;

  /* Records are small: comparing pairs beats hashing for the usual dozen fields, and the
   * lengths differ for most pairs. Large objects hash. */
  if (n > 64)
    {
      g_autoptr(GHashTable) first = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < n; i++)
        {
          char *key = g_strndup (members[i].key, members[i].key_len);
          gpointer at;

          /* a name with a NUL in it cannot be a hash key; it is kept as it is */
          if (strlen (key) != members[i].key_len)
            {
              g_free (key);
              members[kept++] = members[i];
              continue;
            }
          if (g_hash_table_lookup_extended (first, key, NULL, &at))
            {
              members[GPOINTER_TO_UINT (at)].value = members[i].value;
              if (r->duplicate == NULL)
                r->duplicate = members[i].key, r->duplicate_len = members[i].key_len;
              g_free (key);
              continue;
            }
          g_hash_table_insert (first, key, GUINT_TO_POINTER (kept));
          members[kept++] = members[i];
        }
    }
  else
    for (guint i = 0; i < n; i++)
      {
        guint j;

        for (j = 0; j < kept && !member_name_equal (&members[j], &members[i]); j++)
          ;
        if (j < kept)
          {
            members[j].value = members[i].value;
            if (r->duplicate == NULL)
              r->duplicate = members[i].key, r->duplicate_len = members[i].key_len;
            continue;
          }
        members[kept++] = members[i];
      }

  g_array_set_size (r->members, start + kept);
}

static ConduitValue *
read_object (ConduitJsonReader *r,
             ConduitArena      *arena)
{
  guint start = r->members->len;
  ConduitValue *value;

  r->pos++;   /* { */
  skip_space (r);
  if (r->pos < r->length && r->text[r->pos] == '}')
    r->pos++;
  else
    for (;;)
      {
        ConduitMember member;

        if (r->pos >= r->length || r->text[r->pos] != '"')
          {
            r->error = "expected a member name in quotes";
            return NULL;
          }
        r->pos++;
        if (!read_string (r, arena, &member.key, &member.key_len))
          return NULL;
        skip_space (r);
        if (r->pos >= r->length || r->text[r->pos] != ':')
          {
            r->error = "expected : after a member name";
            return NULL;
          }
        r->pos++;
        member.value = read_value (r, arena);
        if (member.value == NULL)
          return NULL;
        g_array_append_val (r->members, member);
        skip_space (r);
        if (r->pos < r->length && r->text[r->pos] == ',')
          {
            r->pos++;
            skip_space (r);
            continue;
          }
        if (r->pos < r->length && r->text[r->pos] == '}')
          {
            r->pos++;
            break;
          }
        r->error = "expected , or } in an object";
        return NULL;
      }

  remove_duplicates (r, start);

  value = conduit_arena_alloc (arena, sizeof (ConduitValue));
  value->kind = CONDUIT_VALUE_OBJECT;
  value->len = r->members->len - start;
  value->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (value->len, 1));
  if (value->len > 0)
    memcpy (value->members, &g_array_index (r->members, ConduitMember, start),
            sizeof (ConduitMember) * value->len);
  g_array_set_size (r->members, start);
  return value;
}

static ConduitValue *
read_value (ConduitJsonReader *r,
            ConduitArena      *arena)
{
  ConduitValue *value = NULL;

  skip_space (r);
  if (r->pos >= r->length)
    {
      r->error = "unexpected end of the text";
      return NULL;
    }

  if (++r->depth > JSON_MAX_DEPTH)
    {
      r->error = "values nested too deeply";
      return NULL;
    }

  switch (r->text[r->pos])
    {
    case '{':
      value = read_object (r, arena);
      break;
    case '[':
      value = read_array (r, arena);
      break;
    case '"':
      {
        const char *text;
        guint len;

        r->pos++;
        if (read_string (r, arena, &text, &len))
          value = conduit_value_new_string_take (arena, text, len);
      }
      break;
    case 't':
      if (read_literal (r, "true", 4))
        value = conduit_value_new_boolean (TRUE);
      break;
    case 'f':
      if (read_literal (r, "false", 5))
        value = conduit_value_new_boolean (FALSE);
      break;
    case 'n':
      if (read_literal (r, "null", 4))
        value = (ConduitValue *)&conduit_value_null;
      break;
    default:
      value = read_number (r, arena);
      break;
    }

  r->depth--;
  return value;
}

/**
 * conduit_json_reader_parse:
 * @reader: a reader
 * @arena: where the values are made
 * @text: one JSON document, which must outlive the values (strings point into it)
 * @length: its length in bytes
 * @error_offset: (out): where the text goes wrong, in bytes
 * @error_message: (out): what is wrong, in English (a detail after a translated sentence)
 *
 * Returns: (transfer none) (nullable): the value, or %NULL when @text is not JSON
 */
ConduitValue *
conduit_json_reader_parse (ConduitJsonReader  *reader,
                           ConduitArena       *arena,
                           const char         *text,
                           gsize               length,
                           gsize              *error_offset,
                           const char        **error_message)
{
  ConduitValue *value;

  reader->text = text;
  reader->length = length;
  reader->pos = 0;
  reader->depth = 0;
  reader->error = NULL;
  reader->duplicate = NULL;
  reader->duplicate_len = 0;
  g_ptr_array_set_size (reader->items, 0);
  g_array_set_size (reader->members, 0);

  value = read_value (reader, arena);
  if (value != NULL)
    {
      skip_space (reader);
      if (reader->pos < length)
        {
          reader->error = "unexpected text after the value";
          value = NULL;
        }
    }

  if (value == NULL)
    {
      *error_offset = reader->pos;
      *error_message = reader->error ? reader->error : "not JSON";
    }
  return value;
}

/**
 * conduit_json_reader_get_duplicate:
 * @reader: a reader
 * @length: (out): the name's length in bytes
 *
 * Returns: (nullable) (transfer none): the first member name that the last parsed text gave
 *   twice in one object (its last value was kept), or %NULL; it points into that text
 */
const char *
conduit_json_reader_get_duplicate (ConduitJsonReader *reader,
                                   gsize             *length)
{
  *length = reader->duplicate_len;
  return reader->duplicate;
}
