/* conduit-json-tree.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-json"

#include "config.h"

#include <string.h>

#include "conduit-json-tree.h"

/* JSON text into a JsonNode tree, the same tree json-glib 1.6's JsonParser builds, at a
 * fraction of its cost: `serve` parses every webhook event and every JSON answer of an HTTP
 * step, and json-glib's parser reads a byte at a time through a GScanner and emits a signal
 * for every member and element (≈35k instructions for a 100-byte event).
 *
 * Only strict JSON (RFC 8259) is read here, and only the part of it where json-glib's result
 * is plain: numbers of at most 18 integer digits or with a fraction or exponent, the escapes
 * of RFC 8259 without \u0000 and lone surrogates, no BOM, nothing after the value. Any other
 * text — json-glib's leniencies ("- 1", '#' comments, octal escapes, .5), its odd results
 * (2^64 as -1, embedded NULs) and every error — goes to json-glib itself, so that its tree and
 * its error messages stay what they were. The trees are compared with json-glib's by the test
 * json-tree and the fuzz target json-tree.
 *
 * What json-glib does with strict JSON, and this does alike:
 *  - an integer is g_ascii_strtoull() of its digits, negated when '-' came before;
 *  - a number with '.', 'e' or 'E' is a double, g_strtod() of its text without the '-',
 *    negated (g_ascii_strtod() here: the same for these texts in any locale);
 *  - a member name seen twice keeps its first place and its last value;
 *  - every node's parent is set; an immutable parse seals every node. */

/* Deeper than any caller lets through (they check the depth first): json-glib takes it. */
#define MAX_DEPTH 1000

typedef struct
{
  const char *p;
  const char *end;
  GString    *scratch;
  gboolean    immutable;
  guint       depth;
} Reader;

/* Bytes a string holds as they are: not '"', '\\' or a control byte. */
static const guint8 plain_byte[256] = {
  [0x20 ... 0x21] = 1,
  [0x23 ... 0x5b] = 1,
  [0x5d ... 0xff] = 1,
};

static inline void
skip_spaces (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static int
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

/* Four hex digits at @p (which has at least four bytes before the end), or -1. */
static gint32
read_hex4 (const char *p)
{
  gint32 value = 0;

  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* The string at r->p (its opening quote) into r->scratch; FALSE for what is left to
 * json-glib. */
static gboolean
read_string (Reader *r)
{
  const char *p = r->p + 1;
  const char *end = r->end;

  g_string_truncate (r->scratch, 0);
  for (;;)
    {
      const char *run = p;
      char c;

      while (p < end && plain_byte[(guchar)*p])
        p++;
      if (p > run)
        g_string_append_len (r->scratch, run, p - run);
      if (p >= end)
        return FALSE;

      c = *p;
      if (c == '"')
        {
          r->p = p + 1;
          return TRUE;
        }
      if (c != '\\' || end - p < 2)
        return FALSE;   /* a raw control byte: json-glib keeps it, strict JSON does not */

      p++;
      switch (*p)
        {
        case '"': g_string_append_c (r->scratch, '"'); break;
        case '\\': g_string_append_c (r->scratch, '\\'); break;
        case '/': g_string_append_c (r->scratch, '/'); break;
        case 'b': g_string_append_c (r->scratch, '\b'); break;
        case 'f': g_string_append_c (r->scratch, '\f'); break;
        case 'n': g_string_append_c (r->scratch, '\n'); break;
        case 'r': g_string_append_c (r->scratch, '\r'); break;
        case 't': g_string_append_c (r->scratch, '\t'); break;
        case 'u':
          {
            gint32 unit;

            if (end - p < 5 || (unit = read_hex4 (p + 1)) <= 0)
              return FALSE;   /* \u0000 would end json-glib's string there */
            p += 4;
            if (unit >= 0xdc00 && unit <= 0xdfff)
              return FALSE;
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                gint32 low;

                if (end - p < 7 || p[1] != '\\' || p[2] != 'u' ||
                    (low = read_hex4 (p + 3)) < 0xdc00 || low > 0xdfff)
                  return FALSE;
                unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                p += 6;
              }
            g_string_append_unichar (r->scratch, (gunichar)unit);
          }
          break;
        default:
          return FALSE;
        }
      p++;
    }
}

static inline gboolean
is_digit (const char *p,
          const char *end)
{
  return p < end && *p >= '0' && *p <= '9';
}

static JsonNode *
read_number (Reader *r)
{
  const char *p = r->p;
  const char *digits;
  gboolean negative = FALSE;
  gboolean is_double = FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  digits = p;
  if (!is_digit (p, r->end))
    return NULL;
  if (*p == '0')
    {
      p++;
      if (is_digit (p, r->end))
        return NULL;
    }
  else
    while (is_digit (p, r->end))
      p++;

  if (p < r->end && *p == '.')
    {
      is_double = TRUE;
      p++;
      if (!is_digit (p, r->end))
        return NULL;
      while (is_digit (p, r->end))
        p++;
    }
  if (p < r->end && (*p == 'e' || *p == 'E'))
    {
      is_double = TRUE;
      p++;
      if (p < r->end && (*p == '+' || *p == '-'))
        p++;
      if (!is_digit (p, r->end))
        return NULL;
      while (is_digit (p, r->end))
        p++;
    }

  if (!is_double)
    {
      guint64 value = 0;

      /* more digits may not fit: json-glib's result (saturated, then wrapped) is its own */
      if (p - digits > 18)
        return NULL;
      for (const char *d = digits; d < p; d++)
        value = value * 10 + (guint64)(*d - '0');
      r->p = p;
      return json_node_init_int (json_node_alloc (),
                                 negative ? (gint64)value * -1 : (gint64)value);
    }
  else
    {
      char buf[64];
      char *text = buf;
      g_autofree char *long_text = NULL;
      char *text_end = NULL;
      gsize length = (gsize)(p - digits);
      double value;

      if (length >= sizeof buf)
        text = long_text = g_malloc (length + 1);
      memcpy (text, digits, length);
      text[length] = '\0';
      value = g_ascii_strtod (text, &text_end);
      if (text_end != text + length)
        return NULL;
      r->p = p;
      return json_node_init_double (json_node_alloc (), negative ? value * -1.0 : value);
    }
}

static gboolean
read_word (Reader     *r,
           const char *word,
           gsize       length)
{
  if ((gsize)(r->end - r->p) < length || memcmp (r->p, word, length) != 0)
    return FALSE;
  r->p += length;
  return TRUE;
}

static JsonNode *read_value (Reader *r);

static JsonNode *
read_array (Reader *r)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_init_array (json_node_alloc (), array);

  json_array_unref (array);
  r->p++;
  skip_spaces (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return node;
    }
  for (;;)
    {
      JsonNode *element = read_value (r);

      if (element == NULL)
        break;
      json_node_set_parent (element, node);
      json_array_add_element (array, element);
      skip_spaces (r);
      if (r->p >= r->end)
        break;
      if (*r->p == ',')
        {
          r->p++;
          skip_spaces (r);
          continue;
        }
      if (*r->p == ']')
        {
          r->p++;
          return node;
        }
      break;
    }
  json_node_unref (node);
  return NULL;
}

static JsonNode *
read_object (Reader *r)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  r->p++;
  skip_spaces (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return node;
    }
  for (;;)
    {
      g_autofree char *name = NULL;
      JsonNode *member;

      if (r->p >= r->end || *r->p != '"' || !read_string (r))
        break;
      name = g_strndup (r->scratch->str, r->scratch->len);
      skip_spaces (r);
      if (r->p >= r->end || *r->p != ':')
        break;
      r->p++;
      skip_spaces (r);
      member = read_value (r);
      if (member == NULL)
        break;
      json_node_set_parent (member, node);
      json_object_set_member (object, name, member);
      skip_spaces (r);
      if (r->p >= r->end)
        break;
      if (*r->p == ',')
        {
          r->p++;
          skip_spaces (r);
          continue;
        }
      if (*r->p == '}')
        {
          r->p++;
          return node;
        }
      break;
    }
  json_node_unref (node);
  return NULL;
}

/* What may follow a literal or a number in strict JSON; json-glib would read on otherwise
 * ("truex", "1a", "1.2.3"), so such text is left to it. */
static inline gboolean
at_delimiter (Reader *r)
{
  if (r->p >= r->end)
    return TRUE;
  switch (*r->p)
    {
    case ' ': case '\n': case '\r': case '\t': case ',': case ']': case '}':
      return TRUE;
    default:
      return FALSE;
    }
}

static JsonNode *
read_value (Reader *r)
{
  JsonNode *node = NULL;

  if (r->p >= r->end)
    return NULL;

  switch (*r->p)
    {
    case '{':
    case '[':
      if (r->depth >= MAX_DEPTH)
        return NULL;
      r->depth++;
      node = *r->p == '{' ? read_object (r) : read_array (r);
      r->depth--;
      return node;

    case '"':
      if (!read_string (r))
        return NULL;
      return json_node_init_string (json_node_alloc (), r->scratch->str);

    case 't':
      if (read_word (r, "true", 4))
        node = json_node_init_boolean (json_node_alloc (), TRUE);
      break;

    case 'f':
      if (read_word (r, "false", 5))
        node = json_node_init_boolean (json_node_alloc (), FALSE);
      break;

    case 'n':
      if (read_word (r, "null", 4))
        node = json_node_init_null (json_node_alloc ());
      break;

    default:
      node = read_number (r);
      break;
    }

  if (node != NULL && !at_delimiter (r))
    g_clear_pointer (&node, json_node_unref);
  return node;
}

static JsonNode *
read_strict (const char *data,
             gsize       length,
             gboolean    immutable)
{
  g_autoptr(GString) scratch = g_string_sized_new (64);
  Reader r = { data, data + length, scratch, immutable, 0 };
  JsonNode *root;

  /* json-glib refuses text that is not UTF-8, skips a BOM and stops at a NUL: its own */
  if (!g_utf8_validate (data, (gssize)length, NULL) ||
      (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0))
    return NULL;

  skip_spaces (&r);
  root = read_value (&r);
  if (root == NULL)
    return NULL;
  skip_spaces (&r);
  if (r.p != r.end)
    {
      json_node_unref (root);
      return NULL;
    }
  if (immutable)
    json_node_seal (root);
  return root;
}

/**
 * conduit_json_tree_parse:
 * @data: JSON text
 * @length: its length in bytes
 * @immutable: whether the tree is sealed, as json_parser_new_immutable()'s is
 * @root: (out) (transfer full) (nullable): where the tree goes; %NULL when the text holds
 *   only spaces, which json-glib takes as valid
 * @error: where json-glib's error goes
 *
 * Parses @data to the same tree and the same error as json_parser_load_from_data() and
 * json_parser_get_root() of a JsonParser (immutable or not, as asked) give.
 *
 * Returns: %TRUE when @data is JSON
 */
gboolean
conduit_json_tree_parse (const char  *data,
                         gsize        length,
                         gboolean     immutable,
                         JsonNode   **root,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *parsed;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (root != NULL, FALSE);

  *root = NULL;
  if (length > 0 && (*root = read_strict (data, length, immutable)) != NULL)
    return TRUE;

  parser = immutable ? json_parser_new_immutable () : json_parser_new ();
  if (!json_parser_load_from_data (parser, data != NULL ? data : "", (gssize)length, error))
    return FALSE;
  parsed = json_parser_get_root (parser);
  *root = parsed != NULL ? json_node_ref (parsed) : NULL;
  return TRUE;
}
