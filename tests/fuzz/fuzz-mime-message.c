/* fuzz-mime-message.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "conduit-mail.h"
#include "fuzz-common.h"

/* Feeds any bytes to the reader of fetched e-mail (conduit_mail_parse_message()), the way a
 * message from an IMAP server reaches the New E-mail trigger: anyone can send one. Besides "no
 * crash, no leak, no critical": the bytes give an item or an error; an item has every member
 * the trigger documents, its text is UTF-8 (JSON can hold nothing else), and each attachment's
 * size is the length of its decoded content. */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  conduit_mail_init ();
  return 0;
}

static void
check_text (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return;
  g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) item = conduit_mail_parse_message (bytes, &error);
  g_autofree char *json = NULL;
  JsonObject *object;
  JsonArray *attachments;
  const char * const texts[] = { "message_id", "from", "from_address", "subject", "date", "text",
                                 "html" };
  const char * const lists[] = { "to", "cc", "reply_to" };

  if (item == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_null (error);

  object = json_node_get_object (item);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_text (object, texts[i]);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *array = json_object_get_array_member (object, lists[i]);

      for (guint j = 0; j < json_array_get_length (array); j++)
        g_assert_true (g_utf8_validate (json_array_get_string_element (array, j), -1, NULL));
    }

  attachments = json_object_get_array_member (object, "attachments");
  for (guint i = 0; i < json_array_get_length (attachments); i++)
    {
      JsonObject *attachment = json_array_get_object_element (attachments, i);
      g_autofree guchar *content = NULL;
      gsize length;

      check_text (attachment, "name");
      check_text (attachment, "type");
      content = g_base64_decode (json_object_get_string_member (attachment, "content"), &length);
      g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, (gint64)length);
    }

  json = json_to_string (item, FALSE);
  g_assert_nonnull (json);
  return 0;
}
