/* fuzz-json-text.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* The text helpers behind every flow file: the depth guard that runs on untrusted bytes, the
 * locator that turns a JSON pointer into a line, and the canonical pretty printer. Properties
 * checked on any input json-glib accepts:
 *  - the pretty form parses again and pretty-prints to the same bytes;
 *  - every value of the document can be located in its pretty form, the layout Conduit saves.
 * The locator also runs over the text as it came, where json-glib's leniency ("- 1" for -1,
 * "\/" in names) may hide a value from it: there it only must not crash. */

#define MAX_DEPTH    64
#define MAX_POINTERS 256

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

static void
collect_pointers (JsonNode   *node,
                  const char *pointer,
                  GPtrArray  *pointers)
{
  if (pointers->len >= MAX_POINTERS)
    return;

  g_ptr_array_add (pointers, g_strdup (pointer));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *child = conduit_json_pointer_append_index (pointer, i);
          collect_pointers (json_array_get_element (array, i), child, pointers);
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
          g_autofree char *child = conduit_json_pointer_append (pointer, name);
          collect_pointers (member, child, pointers);
        }
    }
}

static JsonNode *
parse (const char *text,
       gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, length, NULL))
    return NULL;
  root = json_parser_get_root (parser);

  return root ? json_node_copy (root) : NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *)data;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GPtrArray) pointers = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *pretty_again = NULL;
  guint line = 0, column = 0;

  /* The guard sees raw bytes, NULs and broken UTF-8 included. */
  if (!conduit_json_text_check_depth (text, size, MAX_DEPTH, &line))
    {
      g_assert_cmpuint (line, >=, 1);
      return 0;
    }

  /* Past the guard the text is what the flow loader hands on: UTF-8 without NULs. */
  if (!g_utf8_validate (text, size, NULL))
    return 0;

  root = parse (text, size);
  if (root == NULL)
    return 0;

  g_assert_cmpuint (conduit_json_node_depth (root, MAX_DEPTH), <=, MAX_DEPTH);

  if (fuzz_json_has_known_issue (root))
    return 0;

  pointers = g_ptr_array_new_with_free_func (g_free);
  collect_pointers (root, "", pointers);
  for (guint i = 0; i < pointers->len; i++)
    conduit_json_text_locate (text, size, g_ptr_array_index (pointers, i), &line, &column);

  pretty = conduit_json_text_to_pretty (root);
  reparsed = parse (pretty, strlen (pretty));
  if (reparsed == NULL)
    g_error ("the pretty form does not parse:\n%s", pretty);
  pretty_again = conduit_json_text_to_pretty (reparsed);
  g_assert_cmpstr (pretty, ==, pretty_again);

  for (guint i = 0; i < pointers->len; i++)
    {
      const char *pointer = g_ptr_array_index (pointers, i);

      if (!conduit_json_text_locate (pretty, strlen (pretty), pointer, &line, &column))
        g_error ("“%s” is in the document but was not located in:\n%s", pointer, pretty);
      g_assert_cmpuint (line, >=, 1);
      g_assert_cmpuint (column, >=, 1);
    }

  return 0;
}
