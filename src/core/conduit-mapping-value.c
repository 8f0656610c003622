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

#include "conduit-mapping-value-private.h"

/* json-glib builds a GObject-ish tree with a hash table per object and a malloc per string;
 * mapping 200,000 records through it costs more than the mapping itself. Records here are
 * parsed into an arena instead, and written back with a writer that knows our values. */

#define ARENA_FIRST_CHUNK (16 * 1024)
#define ARENA_KEEP_MAX    (1024 * 1024)

typedef ConduitArenaChunk ArenaChunk;

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
 * conduit_arena_alloc_in_new_chunk:
 * @arena: an arena
 * @size: bytes
 *
 * conduit_arena_alloc() when the current chunk is full: a chunk twice as large (within
 * reason) becomes the current one.
 *
 * Returns: (transfer none): @size bytes, 8-aligned, valid until the next reset
 */
gpointer
conduit_arena_alloc_in_new_chunk (ConduitArena *arena,
                                  gsize         size)
{
  ArenaChunk *chunk = arena->chunks;
  gsize chunk_size = MAX (chunk->size * 2, size + 64);

  chunk = arena_chunk_new (MIN (chunk_size, MAX ((gsize)ARENA_KEEP_MAX, size + 64)));
  chunk->next = arena->chunks;
  arena->chunks = chunk;
  chunk->used = size;
  return chunk->data;
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
  return conduit_value_is_empty_inline (value);
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

  /* the usual text, digits alone (an id, a count from a CSV file), and at most 18 of them,
   * which cannot pass 2^63: without the checks for spaces, a sign and overflow */
  if (length - 1 < 18)
    {
      for (; i < length && (guint)((guchar)text[i] - '0') <= 9; i++)
        magnitude = magnitude * 10 + (guint)((guchar)text[i] - '0');
      if (i == length)
        {
          *out = (gint64)magnitude;
          return CONDUIT_TEXT_INTEGER;
        }
      i = 0;
      magnitude = 0;
    }

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

/* conduit_value_write_json() of a whole number, for the mapping's writer too */
void
conduit_value_write_integer (GString *out,
                             gint64   integer)
{
  /* the digits end at 24, with room after them for the 16-byte load of
   * conduit_string_append_short(), which copies them without a memcpy() call */
  static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";
  char buffer[40];
  char *end = buffer + 24;
  char *p = end;
  guint64 magnitude = integer < 0 ? -(guint64)integer : (guint64)integer;

  /* two digits a step, from a table: half the divisions of an id or a count */
  while (magnitude >= 100)
    {
      guint pair = (guint)(magnitude % 100);

      magnitude /= 100;
      p -= 2;
      memcpy (p, pairs + 2 * pair, 2);
    }
  if (magnitude >= 10)
    {
      p -= 2;
      memcpy (p, pairs + 2 * magnitude, 2);
    }
  else
    *--p = (char)('0' + magnitude);
  if (integer < 0)
    *--p = '-';

  conduit_string_append_short (out, p, end - p);
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
      conduit_value_write_integer (out, (gint64)number);
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

/**
 * conduit_value_write_json_string:
 * @out: where to append
 * @text: UTF-8 bytes
 * @length: how many
 *
 * Appends @text as a JSON string. Non-ASCII text is written as is, control characters
 * escaped.
 */
/* the out-of-line end of conduit_json_scan_plain() (conduit-mapping-value-private.h) */
ConduitJsonScan
conduit_json_scan_plain_rest (const char *text,
                              gsize       i,
                              gsize       length)
{
  ConduitJsonScan scan = { 0, 0 };

  scan.end = conduit_json_scan_plain_words (text, i, length, &scan.high);
  return scan;
}

/* Room for @extra more bytes and a nul after out->len, which stays. */
static G_GNUC_NO_INLINE void
string_make_room (GString *out,
                  gsize    extra)
{
  gsize len = out->len;

  g_string_set_size (out, len + extra);
  out->len = len;
}

static void write_json_string_escaped (GString    *out,
                                       const char *text,
                                       gsize       length,
                                       gsize       i);

void
conduit_value_write_json_string (GString    *out,
                                 const char *text,
                                 gsize       length)
{
  guint64 high = 0;
  gsize i = conduit_json_scan_plain (text, 0, length, &high);

  /* Nearly every string needs no escape: one room check and one copy, quotes included; a
   * short one (1 to 16 bytes, most values) in one 16-byte load and store, as
   * conduit_string_append_short() does (an empty one may have no text at all). The rest is
   * a function of its own, and so is growing @out: this way keeps few registers to save,
   * which had been a quarter of its instructions. */
  if (G_LIKELY (i >= length))
    {
      char *to;
#ifdef __SSE2__
      __m128i chunk;
#endif

      if (G_UNLIKELY (out->len + MAX (length, 16) + 3 > out->allocated_len))
        string_make_room (out, MAX (length, 16) + 2);
      to = out->str + out->len;
      to[0] = '"';
#ifdef __SSE2__
      if (length - 1 < 16 && conduit_json_load_within_page (text, &chunk))
        _mm_storeu_si128 ((__m128i *)(void *)(to + 1), chunk);
      else if (length - 17 < 16)
        {
          /* 17 to 32 bytes (an e-mail address, a full name): the first 16 and the last 16,
           * which overlap, instead of a memcpy() call */
          __m128i last = _mm_loadu_si128 ((const __m128i *)(const void *)(text + length - 16));

          chunk = _mm_loadu_si128 ((const __m128i *)(const void *)text);
          _mm_storeu_si128 ((__m128i *)(void *)(to + 1), chunk);
          _mm_storeu_si128 ((__m128i *)(void *)(to + 1 + length - 16), last);
        }
      else
#endif
        memcpy (to + 1, text, length);
      to[length + 1] = '"';
      to[length + 2] = '\0';
      out->len += length + 2;
      return;
    }
  write_json_string_escaped (out, text, length, i);
}

/* conduit_value_write_json_string() of a text with a byte to escape at @i */
static G_GNUC_NO_INLINE void
write_json_string_escaped (GString    *out,
                           const char *text,
                           gsize       length,
                           gsize       i)
{
  static const char hex[] = "0123456789abcdef";
  gsize start = 0;
  guint64 high = 0;

  out_append_c (out, '"');
  for (; i < length; i++)
    {
      guchar c;
      const char *escape;
      char unicode[7];

      i = conduit_json_scan_plain (text, i, length, &high);
      if (i >= length)
        break;
      c = text[i];

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
      conduit_value_write_integer (out, value->integer);
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
    conduit_value_write_integer (out, (gint64)value->number);   /* 3.0 reads as "3" in text */
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
