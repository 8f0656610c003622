/* fuzz-json-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* conduit_json_writer_to_string() must give json-glib's json_to_string() bytes for any tree.
 * Trees come two ways, chosen by the input's first byte:
 *  - even: the rest is JSON text parsed by json-glib, as a webhook's event is;
 *  - odd: the rest builds a tree directly, opcode by opcode, so that strings and member names
 *    hold any bytes (not UTF-8, control bytes) and doubles any bits (NaN, infinities,
 *    subnormals) or n / 2^k (which the writer prints itself), which no parsed text gives. */

#define MAX_DEPTH 64

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

typedef struct
{
  const guint8 *p;
  const guint8 *end;
} Input;

static guint8
take_byte (Input *in)
{
  return in->p < in->end ? *in->p++ : 0;
}

/* up to 15 bytes (the low nibble of the first), NUL-free since C strings end there */
static char *
take_text (Input *in)
{
  guint length = take_byte (in) & 0xf;
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < length && in->p < in->end; i++)
    {
      guint8 b = take_byte (in);
      g_string_append_c (out, (char)(b != 0 ? b : 'x'));
    }
  return g_string_free (out, FALSE);
}

static guint64
take_bits (Input *in)
{
  guint64 bits = 0;

  for (guint i = 0; i < 8; i++)
    bits = (bits << 8) | take_byte (in);
  return bits;
}

static JsonNode *
build (Input *in,
       guint  depth)
{
  guint8 op = take_byte (in);
  JsonNode *node;

  switch (depth >= MAX_DEPTH ? op % 5 : op % 7)
    {
    case 0:
      return json_node_new (JSON_NODE_NULL);
    case 1:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, op & 0x80);
      return node;
    case 2:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, (gint64)take_bits (in));
      return node;
    case 3:
      {
        union { guint64 bits; double value; } any = { .bits = take_bits (in) };
        node = json_node_new (JSON_NODE_VALUE);
        /* or n / 2^k, the doubles the writer prints without printf */
        if (op & 0x80)
          any.value = ldexp ((double)((gint64)any.bits >> (any.bits & 63)), -(int)(op & 15));
        json_node_set_double (node, any.value);
        return node;
      }
    case 4:
      {
        g_autofree char *text = take_text (in);
        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, text);
        return node;
      }
    case 5:
      {
        JsonArray *array = json_array_new ();
        guint n = take_byte (in) & 0x7;

        for (guint i = 0; i < n && in->p < in->end; i++)
          json_array_add_element (array, build (in, depth + 1));
        return conduit_json_node_take_array (array);
      }
    default:
      {
        JsonObject *object = json_object_new ();
        guint n = take_byte (in) & 0x7;

        for (guint i = 0; i < n && in->p < in->end; i++)
          {
            g_autofree char *name = take_text (in);
            json_object_set_member (object, name, build (in, depth + 1));
          }
        return conduit_json_node_take_object (object);
      }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *written = NULL;
  gsize length = 0;

  if (size == 0)
    return 0;

  if ((data[0] & 1) == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      const char *text = (const char *)data + 1;
      guint line = 0;

      /* json-glib's parser recurses without a bound: the webhook checks the depth first */
      if (!conduit_json_text_check_depth (text, size - 1, MAX_DEPTH, &line))
        return 0;
      if (!json_parser_load_from_data (parser, text, size - 1, NULL) ||
          json_parser_get_root (parser) == NULL)
        return 0;
      root = json_node_ref (json_parser_get_root (parser));
    }
  else
    {
      Input in = { data + 1, data + size };

      root = build (&in, 0);
    }

  expected = json_to_string (root, FALSE);
  written = conduit_json_writer_to_string (root, &length);
  if (strcmp (expected, written) != 0)
    g_error ("the writer gave\n%s\nwhere json-glib gave\n%s", written, expected);
  g_assert_cmpuint (length, ==, strlen (expected));

  return 0;
}
