/* fuzz-webhook-event.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* What a webhook sender controls: the body and its media type. The first byte picks the type
 * (JSON, form data, none, something else); the rest is the body. The body is either refused
 * with a reason (which becomes the 400 answer, so it must be UTF-8), or becomes at least one
 * item, each a JSON object whose every string is UTF-8: items go on to HTTP bodies, files and
 * the history as they are. Nothing may be lost quietly: a form body's fields all arrive. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const types[] = {
    "application/json", "application/x-www-form-urlencoded", NULL, "text/plain",
  };
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *problem = NULL;
  const char *type;

  if (size < 1)
    return 0;
  type = types[data[0] % G_N_ELEMENTS (types)];
  body = g_bytes_new (data + 1, size - 1);

  items = conduit_webhook_server_parse_event (type, body, &problem);
  if (items == NULL)
    {
      if (problem == NULL || !g_utf8_validate (problem, -1, NULL))
        abort ();
      return 0;
    }

  if (problem != NULL || items->len == 0)
    abort ();
  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);

      if (!JSON_NODE_HOLDS_OBJECT (item) || !fuzz_json_is_utf8 (item))
        abort ();
    }

  /* Form data: one item holding every field: each non-empty name=value pair is a value of its
   * name (names given more than once hold an array). A field dropped on the way is lost data. */
  if (type != NULL && g_str_equal (type, "application/x-www-form-urlencoded"))
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (items, 0));
      g_autofree char *text = g_strndup ((const char *)data + 1, size - 1);
      g_auto(GStrv) pairs = g_strsplit (text, "&", -1);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;
      guint n_pairs = 0, n_values = 0;

      if (items->len != 1)
        abort ();
      for (guint i = 0; pairs[i] != NULL; i++)
        {
          char *equals = strchr (pairs[i], '=');
          g_autofree char *decoded = NULL;

          if (pairs[i][0] == '\0')
            continue;
          n_pairs++;
          if (equals != NULL)
            *equals = '\0';
          g_strdelimit (pairs[i], "+", ' ');
          decoded = g_uri_unescape_string (pairs[i], NULL);
          if (decoded == NULL || !json_object_has_member (object, decoded))
            abort ();
        }

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        n_values += JSON_NODE_HOLDS_ARRAY (member) ? json_array_get_length (json_node_get_array (member)) : 1;
      if (n_values != n_pairs)
        abort ();
    }

  return 0;
}
