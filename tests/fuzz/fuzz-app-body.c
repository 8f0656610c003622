/* fuzz-app-body.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "conduit.h"
#include "conduit-app-body.h"
#include "conduit-app-request.h"
#include "conduit-json-text.h"
#include "fuzz-common.h"

/* Feeds an item's field — any text, as it comes from a webhook or a file — into the request
 * bodies that parse what they are given (src/core/conduit-app-body.c): e-mail addresses and
 * headers for a "mime" message, base64 content for "raw" and "related" bodies. The first byte
 * picks the body and the field; the rest is the value. A body that builds must read back: a
 * message parses, a multipart body splits into its parts, base64 content keeps its length. */

static const char * const bodies[] = {
  "{ \"type\": \"mime\", \"encoding\": \"base64url\", \"content\": { \"to\": \"{{ input.v }}\","
  "  \"subject\": \"{{ input.v }}\", \"text\": \"{{ input.v }}\" }, \"wrap\": { \"raw\": \"{{ body }}\" } }",
  "{ \"type\": \"mime\", \"content\": { \"to\": \"a@example.com\", \"cc\": \"{{ input.v }}\","
  "  \"text\": \"{{ input.v }}\", \"html\": \"{{ input.v }}\", \"references\": \"{{ input.v }}\" } }",
  "{ \"type\": \"raw\", \"encoding\": \"base64\", \"content\": \"{{ input.v }}\" }",
  "{ \"type\": \"raw\", \"content_type\": \"{{ input.v }}\", \"content\": \"{{ input.v }}\" }",
  "{ \"type\": \"related\", \"content\": [ { \"content\": { \"name\": \"{{ input.v }}\" } },"
  "  { \"content_type\": \"application/octet-stream\", \"encoding\": \"base64\", \"content\": \"{{ input.v }}\" } ] }",
};

static JsonNode *bodies_parsed[G_N_ELEMENTS (bodies)];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    bodies_parsed[i] = json_from_string (bodies[i], NULL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) input = NULL;
  g_autoptr(JsonObject) scope = NULL;
  g_autoptr(JsonNode) scope_node = NULL;
  g_autoptr(JsonNode) content = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *value = NULL;
  JsonObject *body;

  if (size < 1)
    return 0;
  body = json_node_get_object (bodies_parsed[data[0] % G_N_ELEMENTS (bodies)]);
  /* an item's text is UTF-8 by the time it reaches a step */
  value = g_utf8_make_valid ((const char *)data + 1, size - 1);

  input = json_object_new ();
  json_object_set_string_member (input, "v", value);
  scope = json_object_new ();
  json_object_set_object_member (scope, "input", json_object_ref (input));
  scope_node = conduit_json_node_take_object (json_object_ref (scope));

  content = conduit_app_render_value (json_object_get_member (body, "content"), scope_node, &error);
  if (error != NULL)
    return 0;
  if (!conduit_app_body_build (body, content, scope_node, &content_type, &bytes, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_nonnull (bytes);
  g_assert_nonnull (content_type);

  /* a "related" body is ours to split; a raw body may carry any media type an item names */
  if (g_str_equal (json_object_get_string_member (body, "type"), "related"))
    {
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
      g_autoptr(SoupMultipart) multipart = NULL;

      soup_message_headers_replace (headers, "Content-Type", content_type);
      multipart = soup_multipart_new_from_message (headers, bytes);
      g_assert_nonnull (multipart);
      g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);
    }
  else if (g_str_equal (json_object_get_string_member (body, "type"), "raw") &&
           g_strcmp0 (json_object_get_string_member_with_default (body, "encoding", NULL), "base64") == 0)
    {
      gsize decoded_length = 0;
      g_autofree guchar *decoded = g_base64_decode (value, &decoded_length);

      g_assert_cmpmem (decoded, decoded_length, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }
  return 0;
}
