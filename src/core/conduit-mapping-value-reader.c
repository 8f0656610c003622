/* conduit-mapping-value-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-value"

#include "config.h"

#include <math.h>
#include <string.h>

#include "conduit-mapping-value-private.h"

/* JSON text read straight into arena values, strings pointing into the text where they
 * need no unescaping: the reader of NDJSON lines and JSON documents for the mapping. */

#define JSON_MAX_DEPTH 256

/* ---- JSON text → values ---------------------------------------------------------------- */

struct _ConduitJsonReader
{
  GPtrArray  *items;     /* (element-type ConduitValue) array items being collected */
  /* object members being collected: a plain stack, as pushing one is the commonest step of
   * reading a record */
  ConduitMember *members;
  guint       n_members;
  guint       members_size;
  const char *text;
  gsize       length;
  gsize       pos;
  guint       depth;
  const char *error;
  const char *duplicate;      /* the first member name given twice in an object, or NULL */
  guint       duplicate_len;
  /* The member names of the last top-level object that had no duplicate and no escape in a
   * name, each followed by its closing quote: NDJSON lines mostly repeat the same names in the
   * same order, so a name is recognised by comparing bytes instead of scanning a string, and
   * an object whose names are all the same as before has no duplicate to look for. */
  GString    *shape_text;
  GArray     *shape;          /* (element-type ShapeName) */
};

typedef struct
{
  guint offset;   /* in shape_text */
  guint len;      /* the name's bytes, without the quote */
} ShapeName;

#define SHAPE_MAX_NAMES 256

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
  reader->members_size = 64;
  reader->members = g_new (ConduitMember, reader->members_size);
  reader->shape_text = g_string_new (NULL);
  reader->shape = g_array_new (FALSE, FALSE, sizeof (ShapeName));
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
  g_free (reader->members);
  g_string_free (reader->shape_text, TRUE);
  g_array_unref (reader->shape);
  g_free (reader);
}

static inline void
skip_space (ConduitJsonReader *r)
{
  /* compact JSON, the usual kind, has no space at all: one test */
  if (G_LIKELY (r->pos < r->length && (guchar)r->text[r->pos] > ' '))
    return;
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

static gboolean read_string_slow (ConduitJsonReader  *r,
                                  ConduitArena       *arena,
                                  gsize               i,
                                  guint64             non_ascii,
                                  const char        **out,
                                  guint              *out_len);

/* Reads a string at r->pos (after the opening quote). Strings without escapes point into the
 * input text; the caller keeps the text alive as long as the values. Inlined: a record is
 * mostly strings (names and values), and most are plain ASCII without escapes. */
static inline gboolean
read_string (ConduitJsonReader  *r,
             ConduitArena       *arena,
             const char        **out,
             guint              *out_len)
{
  gsize start = r->pos;
  const char *text = r->text;
  guint64 non_ascii = 0;
  gsize i = conduit_json_scan_plain (text, start, r->length, &non_ascii);

  if (G_LIKELY (i < r->length && text[i] == '"' && non_ascii == 0))
    {
      *out = text + start;
      *out_len = i - start;
      r->pos = i + 1;
      return TRUE;
    }
  return read_string_slow (r, arena, i, non_ascii, out, out_len);
}

/* The rest of read_string(): text with high bytes, escapes, errors; @i is where the plain
 * scan stopped. */
static G_GNUC_NO_INLINE gboolean
read_string_slow (ConduitJsonReader  *r,
                  ConduitArena       *arena,
                  gsize               i,
                  guint64             non_ascii,
                  const char        **out,
                  guint              *out_len)
{
  gsize start = r->pos;
  const char *text = r->text;
  GString *decoded;

  if (i < r->length && text[i] == '"')
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
  if (i < r->length && text[i] != '\\')
    {
      r->pos = i;
      r->error = "control character inside a string";
      return FALSE;
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

/* The number at @start (to @end) that is not a whole one, as a double: a function of its
 * own, so that reading a whole number (ids, counts) does not set up its buffer. */
static G_GNUC_NO_INLINE ConduitValue *
read_fraction (ConduitJsonReader *r,
               ConduitArena      *arena,
               gsize              start,
               gsize              end)
{
  const char *text = r->text;
  char buffer[128];
  double number;

  if (end - start >= sizeof buffer)
    {
      g_autofree char *copy = g_strndup (text + start, end - start);
      number = g_ascii_strtod (copy, NULL);
    }
  else
    {
      memcpy (buffer, text + start, end - start);
      buffer[end - start] = '\0';
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

static inline gboolean
is_digit (char c)
{
  return (guint)(guchar)c - '0' < 10;
}

static ConduitValue *
read_number (ConduitJsonReader *r,
             ConduitArena      *arena)
{
  const char *text = r->text;
  gsize start = r->pos, i = r->pos, digits;
  guint64 magnitude = 0;
  gboolean negative = FALSE;

  if (i < r->length && text[i] == '-')
    negative = TRUE, i++;
  if (i >= r->length || !is_digit (text[i]))
    {
      r->error = "unexpected character";
      return NULL;
    }
  if (text[i] == '0' && i + 1 < r->length && is_digit (text[i + 1]))
    {
      r->error = "numbers may not start with 0";
      return NULL;
    }
  /* 19 digits cannot pass 64 bits: no check per digit; a number of more (it cannot start
   * with 0) is beyond the range of a whole number, below */
  digits = i;
  while (i < r->length && is_digit (text[i]))
    magnitude = magnitude * 10 + (guint)(text[i++] - '0');
  digits = i - digits;
  if (i < r->length && (text[i] == '.' || text[i] == 'e' || text[i] == 'E'))
    {
      if (text[i] == '.')
        {
          i++;
          if (i >= r->length || !is_digit (text[i]))
            {
              r->pos = i;
              r->error = "a digit must follow the decimal point";
              return NULL;
            }
          while (i < r->length && is_digit (text[i]))
            i++;
        }
      if (i < r->length && (text[i] == 'e' || text[i] == 'E'))
        {
          i++;
          if (i < r->length && (text[i] == '+' || text[i] == '-'))
            i++;
          if (i >= r->length || !is_digit (text[i]))
            {
              r->pos = i;
              r->error = "a digit must follow the exponent";
              return NULL;
            }
          while (i < r->length && is_digit (text[i]))
            i++;
        }
      r->pos = i;
      return read_fraction (r, arena, start, i);
    }
  r->pos = i;

  if (digits <= 19 &&
      magnitude <= (negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64))
    return conduit_value_new_integer (arena,
                                      negative ? (gint64)(0 - magnitude) : (gint64)magnitude);
  /* As a double it would lose its last digits without a word: an order or account number
   * must arrive exactly or not at all. */
  r->pos = start;
  r->error = "the whole number is beyond the 64-bit range (-9223372036854775808 to "
             "9223372036854775807); write it in quotes to keep it as text";
  return NULL;
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
  return a->key_len == b->key_len && conduit_bytes_equal (a->key, b->key, a->key_len);
}

/* A name given twice in an object keeps the position of its first and the value of its last,
 * as JavaScript, Python and json-glib (which reads flow files) do, so that a record reads the
 * same everywhere. The reader remembers the name, for the warning the user is shown. */
static void
remove_duplicates (ConduitJsonReader *r,
                   guint              start)
{
  ConduitMember *members = r->members + start;
  guint n = r->n_members - start;
  guint kept = 0;
  guint64 seen[4] = { 0, 0, 0, 0 };

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
        /* a name whose length, first, middle and last bytes no earlier name has is new,
         * without a search: 256 bits, so that a dozen names seldom meet by chance */
        guint len = members[i].key_len;
        const guchar *key = (const guchar *)members[i].key;
        guint32 hash = len > 0 ? (len * 0x9E3779B1u) ^ (key[0] * 0x85EBCA77u) ^
                                 (key[len / 2] * 0x27D4EB2Fu) ^ (key[len - 1] * 0xC2B2AE3Du)
                               : 0;
        guint64 bit = G_GUINT64_CONSTANT (1) << ((hash >> 24) & 63);
        guint word = hash >> 30;
        guint j = kept;

        if ((seen[word] & bit) != 0)
          for (j = 0; j < kept && !member_name_equal (&members[j], &members[i]); j++)
            ;
        seen[word] |= bit;
        if (j < kept)
          {
            members[j].value = members[i].value;
            if (r->duplicate == NULL)
              r->duplicate = members[i].key, r->duplicate_len = members[i].key_len;
            continue;
          }
        members[kept++] = members[i];
      }

  r->n_members = start + kept;
}

/* Remembers the names of a top-level object that had no duplicate, for read_shape_name(). */
static void
save_shape (ConduitJsonReader *r,
            guint              start)
{
  guint n = r->n_members - start;

  g_string_truncate (r->shape_text, 0);
  g_array_set_size (r->shape, 0);
  if (n > SHAPE_MAX_NAMES)
    return;
  for (guint i = 0; i < n; i++)
    {
      const ConduitMember *member = &r->members[start + i];
      ShapeName name = { r->shape_text->len, member->key_len };

      /* a name read through an escape is a copy, not the text's bytes */
      if (member->key < r->text || member->key + member->key_len >= r->text + r->length ||
          member->key[member->key_len] != '"')
        {
          g_string_truncate (r->shape_text, 0);
          g_array_set_size (r->shape, 0);
          return;
        }
      g_string_append_len (r->shape_text, member->key, member->key_len + 1);
      g_array_append_val (r->shape, name);
    }
}

/* skip_space() at @pos, for read_object()'s own position */
static inline gsize
skip_space_at (const char *text,
               gsize       pos,
               gsize       length)
{
  if (G_LIKELY (pos < length && (guchar)text[pos] > ' '))
    return pos;
  while (pos < length && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' ||
                          text[pos] == '\r'))
    pos++;
  return pos;
}

/* Keeps its place in the text in a local, not in the reader: the reader's fields would be
 * read again from memory after every store of a member or a value (a char store may change
 * any memory, for the compiler), and an object is most of a record's reading. r->pos is
 * brought up to date before every call that reads on, and taken back after it. */
static ConduitValue *
read_object (ConduitJsonReader *r,
             ConduitArena      *arena)
{
  const char *text = r->text;
  const gsize length = r->length;
  gsize pos = r->pos + 1;   /* { */
  guint start = r->n_members;
  ConduitValue *value;
  /* only the record itself (depth 1) is compared with the last record's names; they do not
   * change while it is read (save_shape() runs at its end) */
  gboolean same_shape = r->depth == 1;
  const ShapeName *shape = (const ShapeName *)(void *)r->shape->data;
  const guint shape_len = r->shape->len;
  const char *shape_text = r->shape_text->str;

  pos = skip_space_at (text, pos, length);
  if (pos < length && text[pos] == '}')
    pos++;
  else
    for (;;)
      {
        ConduitMember member;
        guint k = r->n_members - start;

        if (pos >= length || text[pos] != '"')
          {
            r->pos = pos;
            r->error = "expected a member name in quotes";
            return NULL;
          }
        pos++;
        /* the k-th name of the last record and its closing quote: the name is taken from the
         * text as read_string() would give it (the bytes are the same, and they held no
         * quote, backslash or control and were valid UTF-8) */
        if (same_shape && k < shape_len && length - pos >= shape[k].len + 1 &&
            conduit_bytes_equal (text + pos, shape_text + shape[k].offset, shape[k].len + 1))
          {
            member.key = text + pos;
            member.key_len = shape[k].len;
            pos += shape[k].len + 1;
          }
        else
          {
            same_shape = FALSE;
            r->pos = pos;
            if (!read_string (r, arena, &member.key, &member.key_len))
              return NULL;
            pos = r->pos;
          }
        pos = skip_space_at (text, pos, length);
        if (pos >= length || text[pos] != ':')
          {
            r->pos = pos;
            r->error = "expected : after a member name";
            return NULL;
          }
        pos = skip_space_at (text, pos + 1, length);
        /* a string value, the commonest, read here rather than through read_value() (which
         * would count it one level deeper: past the limit, read_value() says so) */
        if (pos < length && text[pos] == '"' && r->depth < JSON_MAX_DEPTH)
          {
            guint64 non_ascii = 0;
            gsize i = conduit_json_scan_plain (text, pos + 1, length, &non_ascii);
            const char *string;
            guint string_len;

            if (G_LIKELY (i < length && text[i] == '"' && non_ascii == 0))
              {
                string = text + pos + 1;
                string_len = i - pos - 1;
                pos = i + 1;
              }
            else
              {
                r->pos = pos + 1;
                if (!read_string_slow (r, arena, i, non_ascii, &string, &string_len))
                  return NULL;
                pos = r->pos;
              }
            member.value = conduit_arena_alloc (arena, sizeof (ConduitValue));
            member.value->kind = CONDUIT_VALUE_STRING;
            member.value->len = string_len;
            member.value->string = string;
          }
        else
          {
            r->pos = pos;
            /* a number, as read_value() reads it, without its dispatch (which would count
             * it one level deeper too) */
            if (pos < length && (text[pos] == '-' || is_digit (text[pos])) &&
                r->depth < JSON_MAX_DEPTH)
              member.value = read_number (r, arena);
            else
              member.value = read_value (r, arena);
            if (member.value == NULL)
              return NULL;
            pos = r->pos;
          }
        if (G_UNLIKELY (r->n_members == r->members_size))
          {
            r->members_size *= 2;
            r->members = g_renew (ConduitMember, r->members, r->members_size);
          }
        r->members[r->n_members++] = member;
        pos = skip_space_at (text, pos, length);
        if (pos < length && text[pos] == ',')
          {
            pos = skip_space_at (text, pos + 1, length);
            continue;
          }
        if (pos < length && text[pos] == '}')
          {
            pos++;
            break;
          }
        r->pos = pos;
        r->error = "expected , or } in an object";
        return NULL;
      }
  r->pos = pos;

  /* the same names in the same order as an object that had no duplicate: none here either */
  if (!same_shape || r->n_members - start != r->shape->len)
    {
      guint n = r->n_members;

      remove_duplicates (r, start);
      if (r->depth == 1)
        {
          if (r->n_members == n)
            save_shape (r, start);
          else
            {
              g_string_truncate (r->shape_text, 0);
              g_array_set_size (r->shape, 0);
            }
        }
    }

  value = conduit_arena_alloc (arena, sizeof (ConduitValue));
  value->kind = CONDUIT_VALUE_OBJECT;
  value->len = r->n_members - start;
  value->members = conduit_arena_alloc (arena, sizeof (ConduitMember) * MAX (value->len, 1));
  if (value->len > 0)
    memcpy (value->members, r->members + start, sizeof (ConduitMember) * value->len);
  r->n_members = start;
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
          {
            /* conduit_value_new_string_take(), inlined: most values of a record are strings */
            value = conduit_arena_alloc (arena, sizeof (ConduitValue));
            value->kind = CONDUIT_VALUE_STRING;
            value->len = len;
            value->string = text;
          }
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
  reader->n_members = 0;

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
