/* conduit-json-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-json"

#include "config.h"

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
        g_string_append_len (out, (const char *)run, p - run);
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
      g_string_append_len (out, escape, escape_length);
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
  g_string_append_len (out, p, end - p);
}

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buf, sizeof buf, value);
  g_string_append (out, buf);
  /* json-glib keeps a double from reading back as an integer this way, whatever the text */
  if (strchr (buf, '.') == NULL)
    g_string_append_len (out, ".0", 2);
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
        g_string_append_len (out, "true", 4);
      else
        g_string_append_len (out, "false", 5);
      break;

    case G_TYPE_STRING:
      {
        const char *text = json_node_get_string (node);

        /* json-glib would crash on a string value set to NULL: written as "" */
        g_string_append_c (out, '"');
        conduit_json_writer_append_escaped (out, text);
        g_string_append_c (out, '"');
      }
      break;

    default:
      /* a value node never given a value; json-glib would crash on it */
      g_string_append_len (out, "null", 4);
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
      g_string_append_len (out, "null", 4);
      break;

    case JSON_NODE_VALUE:
      append_value (out, node);
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            conduit_json_writer_append (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            g_string_append_c (out, '"');
            conduit_json_writer_append_escaped (out, name);
            g_string_append_len (out, "\":", 2);
            conduit_json_writer_append (out, member);
          }
        g_string_append_c (out, '}');
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
