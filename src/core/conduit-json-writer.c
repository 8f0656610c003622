/* conduit-json-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "conduit-json-writer.h"

/* JSON text of a JsonNode, byte for byte what json-glib 1.6's json_generator_to_data() and
 * json_to_string (node, FALSE) give. The history keeps items as that text, tests and
 * md5 sums of histories compare it, and the redactor finds secrets in it, so it must not
 * change; what changes is the cost: json-glib makes a GObject and a copy of the root per call
 * and appends escaped text a byte at a time, about 10k instructions for a small item on
 * `serve`'s path, where this copies runs of plain bytes at once.
 *
 * json-glib 1.6's rules, kept here on purpose even where they are odd:
 *  - escaped: '"' and '\\', \b \f \n \r \t by their short forms, the other bytes 0x01 to 0x1e
 *    and 0x7f as \u00xx in lower case; 0x1f is written as it is (its test is "< 0x1f"), and so
 *    is every byte from 0x80 on, UTF-8 or not;
 *  - member names are escaped as strings are; members in the object's order of insertion;
 *  - integers in decimal; doubles as g_ascii_dtostr() gives them ("%.17g"), with ".0" added
 *    when that text has no '.' (so 1e+20 becomes "1e+20.0" and infinity "inf.0");
 *  - no space anywhere, "[]" and "{}" for empty containers. */

/* g_string_append_len() is a call into GLib 2.74 for every piece: most pieces here are a few
 * bytes, so the copy is done in place when there is room. */
static inline void
put (GString    *out,
     const char *bytes,
     gsize       length)
{
  if (G_UNLIKELY (out->len + length >= out->allocated_len))
    {
      g_string_append_len (out, bytes, (gssize)length);
      return;
    }
  memcpy (out->str + out->len, bytes, length);
  out->len += length;
  out->str[out->len] = '\0';
}

static inline void
put_char (GString *out,
          char     c)
{
  if (G_UNLIKELY (out->len + 1 >= out->allocated_len))
    {
      g_string_append_c (out, c);
      return;
    }
  out->str[out->len++] = c;
  out->str[out->len] = '\0';
}

/* 1: written escaped; 2: the end of the text. */
static const guint8 escape_class[256] = {
  [0x00] = 2,
  [0x01 ... 0x1e] = 1,
  ['"'] = 1,
  ['\\'] = 1,
  [0x7f] = 1,
};

/**
 * conduit_json_writer_append_escaped:
 * @out: where to write
 * @text: (nullable): a NUL-terminated string
 *
 * Appends @text escaped as json-glib 1.6 escapes strings and member names, without the quotes
 * around it; %NULL appends nothing.
 */
void
conduit_json_writer_append_escaped (GString    *out,
                                    const char *text)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *p = (const guchar *)text;

  if (p == NULL)
    return;
  for (;;)
    {
      const guchar *run = p;
      char escape[6] = { '\\', 'u', '0', '0', 0, 0 };
      gsize escape_length = 2;

      while (escape_class[*p] == 0)
        p++;
      if (p > run)
        put (out, (const char *)run, p - run);
      if (*p == '\0')
        return;

      switch (*p)
        {
        case '"': escape[1] = '"'; break;
        case '\\': escape[1] = '\\'; break;
        case '\b': escape[1] = 'b'; break;
        case '\f': escape[1] = 'f'; break;
        case '\n': escape[1] = 'n'; break;
        case '\r': escape[1] = 'r'; break;
        case '\t': escape[1] = 't'; break;
        default:
          escape[4] = hex[*p >> 4];
          escape[5] = hex[*p & 0xf];
          escape_length = 6;
          break;
        }
      put (out, escape, escape_length);
      p++;
    }
}

static void
append_int (GString *out,
            gint64   value)
{
  char buf[24];
  char *end = buf + sizeof buf;
  char *p = end;
  /* through unsigned, so that G_MININT64 has a magnitude too */
  guint64 magnitude = value < 0 ? (guint64)0 - (guint64)value : (guint64)value;

  do
    {
      *--p = (char)('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';
  put (out, p, end - p);
}

/* Doubles that are n / 2^k for a small k (12.5, 0.25, 3.0) have a short exact decimal form,
 * which is what "%.17g" prints when it has at most 17 significant digits: written here
 * without printf's multi-precision conversion (≈2k instructions a double). */
static gboolean
append_short_double (GString *out,
                     double   value)
{
  double magnitude = fabs (value);
  char buf[48];
  char *end = buf + sizeof buf;
  char *p = end;
  double scaled = magnitude;
  guint64 units = 0, whole, fraction = 0;
  guint whole_digits = 0;
  guint k;

  /* at most 2^53: every step below is exact; 2^-10 and up: "%.17g" does not use an exponent
   * (that starts below 1e-4), and the fraction's digits fit in 17 significant ones */
  if (!(magnitude <= 9007199254740992.0) || (magnitude != 0 && magnitude < 1.0 / 1024))
    return FALSE;
  /* the smallest k with magnitude · 2^k whole (doubling is exact; below 2^63, so the
   * conversion is too) */
  for (k = 0; k <= 10; k++, scaled *= 2)
    {
      units = (guint64)scaled;
      if ((double)units == scaled)
        break;
    }
  if (k > 10)
    return FALSE;

  whole = units >> k;
  if (k > 0)
    {
      static const guint32 powers_of_5[] = { 1, 5, 25, 125, 625, 3125, 15625, 78125, 390625,
                                             1953125, 9765625 };

      /* numerator / 2^k = numerator · 5^k / 10^k: k decimal digits, exactly */
      fraction = (units & ((G_GUINT64_CONSTANT (1) << k) - 1)) * powers_of_5[k];
    }

  /* "%.17g" keeps 17 significant digits: the whole part's and the k of the fraction */
  for (guint64 w = whole; w != 0; w /= 10)
    whole_digits++;
  if (whole_digits + k > 17)
    return FALSE;

  if (k == 0)
    {
      *--p = '0';
      *--p = '.';
    }
  else
    for (guint i = 0; i < k; i++)
      {
        *--p = (char)('0' + fraction % 10);
        fraction /= 10;
      }
  if (k > 0)
    *--p = '.';
  do
    {
      *--p = (char)('0' + whole % 10);
      whole /= 10;
    }
  while (whole != 0);
  if (signbit (value))
    *--p = '-';
  put (out, p, end - p);
  return TRUE;
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (append_short_double (out, value))
    return;
  g_ascii_dtostr (buf, sizeof buf, value);
  put (out, buf, strlen (buf));
  /* json-glib keeps a double from reading back as an integer this way, whatever the text */
  if (strchr (buf, '.') == NULL)
    put (out, ".0", 2);
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      append_int (out, json_node_get_int (node));
      break;

    case G_TYPE_DOUBLE:
      append_double (out, json_node_get_double (node));
      break;

    case G_TYPE_BOOLEAN:
      if (json_node_get_boolean (node))
        put (out, "true", 4);
      else
        put (out, "false", 5);
      break;

    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        /* json-glib would crash on a string value set to NULL: written as "" */
        put_char (out, '"');
        conduit_json_writer_append_escaped (out, text);
        put_char (out, '"');
      }
      break;

    default:
      /* a value node never given a value; json-glib would crash on it */
      put (out, "null", 4);
      break;
    }
}

/**
 * conduit_json_writer_append:
 * @out: where to write
 * @node: a JSON node
 *
 * Appends @node as compact JSON text, the same bytes as json-glib 1.6's
 * json_to_string (@node, %FALSE).
 */
void
conduit_json_writer_append (GString  *out,
                            JsonNode *node)
{
  g_return_if_fail (out != NULL);
  g_return_if_fail (node != NULL);

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_NULL:
      put (out, "null", 4);
      break;

    case JSON_NODE_VALUE:
      append_value (out, node);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        put_char (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              put_char (out, ',');
            conduit_json_writer_append (out, json_array_get_element (array, i));
          }
        put_char (out, ']');
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        put_char (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              put_char (out, ',');
            first = FALSE;
            put_char (out, '"');
            conduit_json_writer_append_escaped (out, name);
            put (out, "\":", 2);
            conduit_json_writer_append (out, member);
          }
        put_char (out, '}');
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * conduit_json_writer_to_string:
 * @node: a JSON node
 * @length: (out) (optional): where to store the text's length
 *
 * The same as json_to_string (@node, %FALSE) and json_generator_to_data() of a generator
 * that is not pretty, at a fraction of their cost.
 *
 * Returns: (transfer full): @node as compact JSON text
 */
char *
conduit_json_writer_to_string (JsonNode *node,
                               gsize    *length)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (128);
  conduit_json_writer_append (out, node);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
