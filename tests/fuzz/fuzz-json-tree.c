/* fuzz-json-tree.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* conduit_json_tree_parse() must give json-glib's JsonParser result for any bytes: the same
 * acceptance, the same error message, and a tree of the same types, values (doubles bit for
 * bit), member order, parents and sealing. The input's first byte chooses an immutable parse
 * or not; the depth is checked first, as every caller does (json-glib recurses unbounded). */

#define MAX_DEPTH 64

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

static void
assert_same_node (JsonNode *mine,
                  JsonNode *theirs)
{
  g_assert_cmpint (JSON_NODE_TYPE (mine), ==, JSON_NODE_TYPE (theirs));
  g_assert_cmpint (json_node_is_immutable (mine), ==, json_node_is_immutable (theirs));

  if (JSON_NODE_HOLDS_VALUE (theirs))
    {
      g_assert_true (json_node_get_value_type (mine) == json_node_get_value_type (theirs));
      switch (json_node_get_value_type (theirs))
        {
        case G_TYPE_INT64:
          g_assert_cmpint (json_node_get_int (mine), ==, json_node_get_int (theirs));
          break;
        case G_TYPE_DOUBLE:
          {
            double a = json_node_get_double (mine), b = json_node_get_double (theirs);
            g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
          }
          break;
        case G_TYPE_BOOLEAN:
          g_assert_cmpint (json_node_get_boolean (mine), ==, json_node_get_boolean (theirs));
          break;
        case G_TYPE_STRING:
          g_assert_cmpstr (json_node_get_string (mine), ==, json_node_get_string (theirs));
          break;
        default:
          break;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (theirs))
    {
      JsonArray *a = json_node_get_array (mine), *b = json_node_get_array (theirs);

      g_assert_cmpuint (json_array_get_length (a), ==, json_array_get_length (b));
      for (guint i = 0; i < json_array_get_length (b); i++)
        {
          g_assert_true (json_node_get_parent (json_array_get_element (a, i)) == mine);
          assert_same_node (json_array_get_element (a, i), json_array_get_element (b, i));
        }
    }
  else if (JSON_NODE_HOLDS_OBJECT (theirs))
    {
      JsonObjectIter ia, ib;
      const char *na, *nb;
      JsonNode *ma, *mb;

      g_assert_cmpuint (json_object_get_size (json_node_get_object (mine)), ==,
                        json_object_get_size (json_node_get_object (theirs)));
      json_object_iter_init_ordered (&ia, json_node_get_object (mine));
      json_object_iter_init_ordered (&ib, json_node_get_object (theirs));
      while (json_object_iter_next_ordered (&ib, &nb, &mb))
        {
          g_assert_true (json_object_iter_next_ordered (&ia, &na, &ma));
          g_assert_cmpstr (na, ==, nb);
          g_assert_true (json_node_get_parent (ma) == mine);
          assert_same_node (ma, mb);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) their_error = NULL;
  g_autoptr(GError) my_error = NULL;
  g_autoptr(JsonNode) mine = NULL;
  const char *text = (const char *)data + 1;
  gboolean immutable, theirs_ok, mine_ok;
  guint line = 0;

  if (size == 0)
    return 0;
  immutable = data[0] & 1;
  if (!conduit_json_text_check_depth (text, size - 1, MAX_DEPTH, &line))
    return 0;

  parser = immutable ? json_parser_new_immutable () : json_parser_new ();
  theirs_ok = json_parser_load_from_data (parser, text, (gssize)(size - 1), &their_error);
  mine_ok = conduit_json_tree_parse (text, size - 1, immutable, &mine, &my_error);
  if (theirs_ok != mine_ok)
    g_error ("json-glib %s the text, conduit_json_tree_parse() %s it",
             theirs_ok ? "takes" : "refuses", mine_ok ? "takes" : "refuses");
  if (!theirs_ok)
    {
      g_assert_error (my_error, their_error->domain, their_error->code);
      g_assert_cmpstr (my_error->message, ==, their_error->message);
      return 0;
    }
  if (json_parser_get_root (parser) == NULL)
    g_assert_null (mine);
  else
    assert_same_node (mine, json_parser_get_root (parser));
  return 0;
}
