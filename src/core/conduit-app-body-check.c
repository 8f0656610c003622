/* conduit-app-body-check.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-body"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-app-body.h"

/* What the descriptor loader checks of the bodies conduit-app-body.c builds; kept in the
 * description library, which has neither GMime nor libsoup. */

const char * const conduit_app_body_mime_fields[] = { "from", "to", "cc", "bcc", "reply_to",
                                                      "subject", "text", "html", "in_reply_to",
                                                      "references", NULL };

/**
 * conduit_app_body_is_built_type:
 * @type: (nullable): a body's "type"
 *
 * Returns: %TRUE for the body types this file builds ("mime", "raw", "related")
 */
gboolean
conduit_app_body_is_built_type (const char *type)
{
  return g_strcmp0 (type, "mime") == 0 || g_strcmp0 (type, "raw") == 0 ||
         g_strcmp0 (type, "related") == 0;
}

/* How a file's content is given: "text", "base64", or a template that gives one of them (an
 * input the user picks) and is checked when it renders. */
static gboolean
content_encoding_ok (JsonNode *value)
{
  const char *text;

  if (json_node_get_value_type (value) != G_TYPE_STRING)
    return FALSE;
  text = json_node_get_string (value);
  return g_str_equal (text, "text") || g_str_equal (text, "base64") || strstr (text, "{{") != NULL;
}

static char *
check_part (JsonNode  *part_node,
            guint      index,
            char     **member)
{
  static const char * const part_known[] = { "content", "content_type", "encoding", NULL };
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  JsonObject *part;

  if (!JSON_NODE_HOLDS_OBJECT (part_node))
    {
      *member = g_strdup_printf ("content/%u", index);
      return g_strdup (_("a part is an object with “content”"));
    }
  part = json_node_get_object (part_node);
  json_object_iter_init (&iter, part);
  while (json_object_iter_next (&iter, &name, &value))
    if (!g_strv_contains (part_known, name))
      {
        *member = g_strdup_printf ("content/%u/%s", index, name);
        return g_strdup_printf (_("unknown member “%s” of a part"), name);
      }
  if (!json_object_has_member (part, "content"))
    {
      *member = g_strdup_printf ("content/%u", index);
      return g_strdup (_("“content” is missing"));
    }
  value = json_object_get_member (part, "encoding");
  if (value != NULL && !content_encoding_ok (value))
    {
      *member = g_strdup_printf ("content/%u/encoding", index);
      return g_strdup (_("a part's “encoding” says how its content is given: “text”, “base64” or "
                         "a template giving one of them"));
    }
  value = json_object_get_member (part, "content_type");
  if (value != NULL && json_node_get_value_type (value) != G_TYPE_STRING)
    {
      *member = g_strdup_printf ("content/%u/content_type", index);
      return g_strdup (_("must be a text (a template)"));
    }
  return NULL;
}

/**
 * conduit_app_body_check:
 * @body: a request's "body" object, whose "type" is known
 * @member: (out) (transfer full): where the problem is, below the body ("content/to")
 *
 * Checks what the loader cannot see from the member tables: which members go with which body
 * type, the fields of a "mime" body and the parts of a "related" one.
 *
 * Returns: (transfer full) (nullable): the first problem, %NULL when there is none
 */
char *
conduit_app_body_check (JsonObject  *body,
                        char       **member)
{
  const char *type = json_object_get_string_member_with_default (body, "type", "");
  JsonNode *content = json_object_get_member (body, "content");
  JsonNode *encoding = json_object_get_member (body, "encoding");
  const char *encoding_text = encoding && json_node_get_value_type (encoding) == G_TYPE_STRING
                              ? json_node_get_string (encoding) : NULL;
  gboolean built = conduit_app_body_is_built_type (type);

  *member = NULL;
  if (!built)
    {
      static const char * const only_built[] = { "content_type", "encoding", "wrap", NULL };

      for (guint i = 0; only_built[i] != NULL; i++)
        if (json_object_has_member (body, only_built[i]))
          {
            *member = g_strdup (only_built[i]);
            return g_strdup_printf (_("a “%s” body has no “%s”"), type, only_built[i]);
          }
      return NULL;
    }

  if (json_object_has_member (body, "wrap") &&
      (!g_str_equal (type, "mime") || encoding_text == NULL))
    {
      *member = g_strdup ("wrap");
      return g_strdup (_("only a “mime” body with an “encoding” is wrapped"));
    }
  if (json_object_has_member (body, "content_type") && !g_str_equal (type, "raw"))
    {
      *member = g_strdup ("content_type");
      return g_strdup (_("only a “raw” body has “content_type”; a part of a “related” body has "
                         "its own"));
    }
  if (encoding != NULL)
    {
      gboolean ok = g_str_equal (type, "mime")
                    ? g_strcmp0 (encoding_text, "base64") == 0 ||
                      g_strcmp0 (encoding_text, "base64url") == 0
                    : g_str_equal (type, "raw") && content_encoding_ok (encoding);

      if (!ok)
        {
          *member = g_strdup ("encoding");
          return g_str_equal (type, "mime")
                 ? g_strdup (_("a message's “encoding” is “base64” or “base64url”"))
                 : g_str_equal (type, "raw")
                 ? g_strdup (_("a raw body's “encoding” says how its content is given: “text”, "
                               "“base64” or a template giving one of them"))
                 : g_strdup (_("each part of a “related” body has its own “encoding”"));
        }
    }

  if (content == NULL)
    return NULL;  /* the loader says it is missing */

  if (g_str_equal (type, "mime"))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (content))
        {
          *member = g_strdup ("content");
          return g_strdup (_("a message's content is an object of its fields"));
        }
      json_object_iter_init (&iter, json_node_get_object (content));
      while (json_object_iter_next (&iter, &name, &value))
        if (!g_strv_contains (conduit_app_body_mime_fields, name))
          {
            g_autofree char *known = g_strjoinv ("”, “", (char **)conduit_app_body_mime_fields);

            *member = g_strdup_printf ("content/%s", name);
            return g_strdup_printf (_("a message has no field “%s” (it has “%s”)"), name, known);
          }
    }
  else if (g_str_equal (type, "related"))
    {
      JsonArray *parts;

      if (!JSON_NODE_HOLDS_ARRAY (content) ||
          json_array_get_length (parts = json_node_get_array (content)) == 0)
        {
          *member = g_strdup ("content");
          return g_strdup (_("a “related” body's content is a list of parts"));
        }
      for (guint i = 0; i < json_array_get_length (parts); i++)
        {
          char *problem = check_part (json_array_get_element (parts, i), i, member);

          if (problem != NULL)
            return problem;
        }
    }
  return NULL;
}

