/* conduit-app-body.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-body"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "conduit-app-body.h"
#include "conduit-app-request.h"
#include "conduit-json-text.h"
#include "conduit-mail.h"

/* The request bodies of an app descriptor that are more than a JSON value or a form: APIs that
 * take an e-mail message or a file rather than fields.
 *
 * - "mime": an e-mail message built from fields (from, to, subject, text, html, …) by GMime, so
 *   headers get their RFC 2047 encoding and the text its transfer encoding. Sent as it is
 *   (message/rfc822), or "encoding" base64 / base64url, optionally placed into a JSON body by
 *   "wrap", a JSON template that reads the encoded message as {{ body }} (Gmail wants
 *   {"raw": "<base64url>"}).
 * - "raw": one value as the whole body (a file's text, or its bytes given in base64 with
 *   "encoding": "base64"), with its "content_type" (a template): OneDrive's and Drive's uploads.
 * - "related": multipart/related, a list of parts each with "content" (a JSON value is sent as
 *   JSON), "content_type" and "encoding": Google's upload of metadata and content together.
 *
 * Nothing is dropped quietly: a part without content, base64 that is not base64 or an address
 * that does not parse is an error naming the member.
 */

/**
 * conduit_app_body_encode:
 * @data: bytes
 * @encoding: "base64" or "base64url" (RFC 4648 §4 and §5, with padding)
 *
 * Returns: (transfer full): the text
 */
char *
conduit_app_body_encode (GBytes     *data,
                         const char *encoding)
{
  gsize size;
  const guchar *bytes = g_bytes_get_data (data, &size);
  char *text = g_base64_encode (bytes, size);

  if (g_strcmp0 (encoding, "base64url") == 0)
    for (char *p = text; *p; p++)
      {
        if (*p == '+')
          *p = '-';
        else if (*p == '/')
          *p = '_';
      }
  return text;
}

/* g_base64_decode() skips what is not base64; a file's content must not lose bytes quietly */
static GBytes *
decode_base64 (const char  *text,
               const char  *where,
               GError     **error)
{
  gsize length = 0;
  gsize padding = 0;
  guchar *data;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        continue;
      if (*p == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (*p) || *p == '+' || *p == '/'))
        {
          /* name the whole character, not a byte of it: the message must stay UTF-8 */
          gunichar c = g_utf8_get_char_validated (p, -1);
          char shown[8] = { 0 };

          if ((guchar)*p < 0x80)
            shown[0] = *p;
          else if (c >= (gunichar)-2)
            g_snprintf (shown, sizeof shown, "\\x%02x", (guchar)*p);
          else
            g_unichar_to_utf8 (c, shown);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s is not base64: “%s” at byte %d"), where, shown, (int)(p - text) + 1);
          return NULL;
        }
      length++;
    }
  if (padding > 2 || length % 4 != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s is not base64: its length does not fit (cut short?)"), where);
      return NULL;
    }
  data = g_base64_decode (text, &length);
  return g_bytes_new_take (data, length);
}

/* Whether a rendered "encoding" says base64; "text" or nothing is text as it is. */
static gboolean
is_base64 (const char  *encoding,
           const char  *where,
           gboolean    *base64,
           GError     **error)
{
  *base64 = g_strcmp0 (encoding, "base64") == 0;
  if (*base64 || encoding == NULL || *encoding == '\0' || g_str_equal (encoding, "text"))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("%s: the encoding “%s” is neither “text” nor “base64”"), where, encoding);
  return FALSE;
}

/* A value as the bytes of a body or part: text as it is, JSON as JSON, base64 decoded. */
static GBytes *
value_to_bytes (JsonNode    *value,
                gboolean     base64,
                const char  *where,
                const char **default_type,
                GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value))
    {
      char *text = json_to_string (value, FALSE);

      *default_type = "application/json; charset=UTF-8";
      return g_bytes_new_take (text, strlen (text));
    }
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      if (base64)
        {
          *default_type = "application/octet-stream";
          return decode_base64 (text, where, error);
        }
      *default_type = "text/plain; charset=UTF-8";
      return g_bytes_new (text, strlen (text));
    }
  {
    char *text = json_to_string (value, FALSE);

    *default_type = "text/plain; charset=UTF-8";
    return g_bytes_new_take (text, strlen (text));
  }
}

static char *
field_text (JsonObject *content,
            const char *name)
{
  JsonNode *value = json_object_get_member (content, name);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (value))
    {
      /* a list of addresses */
      JsonArray *array = json_node_get_array (value);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (json_node_get_value_type (element) != G_TYPE_STRING)
            continue;
          g_string_append_printf (joined, "%s%s", joined->len ? ", " : "",
                                  json_node_get_string (element));
        }
      return joined->len ? g_string_free (g_steal_pointer (&joined), FALSE) : NULL;
    }
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    return *json_node_get_string (value) ? g_strdup (json_node_get_string (value)) : NULL;
  return json_to_string (value, FALSE);
}

static gboolean
add_addresses (InternetAddressList  *into,
               JsonObject           *content,
               const char           *field,
               GError              **error)
{
  g_autofree char *text = field_text (content, field);
  g_autoptr(InternetAddressList) list = NULL;
  guint n;

  if (text == NULL)
    return TRUE;
  list = internet_address_list_parse (NULL, text);
  n = list != NULL ? (guint)internet_address_list_length (list) : 0;
  for (guint i = 0; i < n; i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);

      if (!INTERNET_ADDRESS_IS_MAILBOX (address) ||
          strchr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address)), '@') == NULL)
        n = 0;
    }
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the message's “%s” is not a list of e-mail addresses: “%s”"), field, text);
      return FALSE;
    }
  internet_address_list_append (into, list);
  return TRUE;
}

static GMimeObject *
text_part (const char *subtype,
           const char *text)
{
  GMimeTextPart *part = g_mime_text_part_new_with_subtype (subtype);

  g_mime_text_part_set_text (part, text);
  g_mime_part_set_content_encoding (GMIME_PART (part),
                                    g_mime_part_get_best_content_encoding (GMIME_PART (part),
                                                                          GMIME_ENCODING_CONSTRAINT_7BIT));
  return GMIME_OBJECT (part);
}

static GBytes *
build_message (JsonObject  *content,
               GError     **error)
{
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autofree char *subject = field_text (content, "subject");
  g_autofree char *text = field_text (content, "text");
  g_autofree char *html = field_text (content, "html");
  static const char * const threading[][2] = { { "in_reply_to", "In-Reply-To" },
                                               { "references", "References" } };
  GMimeFormatOptions *options;
  GByteArray *array;
  GMimeObject *body;

  conduit_mail_init ();
  message = g_mime_message_new (TRUE);
  if (!add_addresses (g_mime_message_get_from (message), content, "from", error) ||
      !add_addresses (g_mime_message_get_to (message), content, "to", error) ||
      !add_addresses (g_mime_message_get_cc (message), content, "cc", error) ||
      !add_addresses (g_mime_message_get_bcc (message), content, "bcc", error) ||
      !add_addresses (g_mime_message_get_reply_to (message), content, "reply_to", error))
    return NULL;
  if (subject != NULL)
    g_mime_message_set_subject (message, subject, "utf-8");
  for (guint i = 0; i < G_N_ELEMENTS (threading); i++)
    {
      g_autofree char *value = field_text (content, threading[i][0]);

      if (value != NULL)
        g_mime_object_set_header (GMIME_OBJECT (message), threading[i][1], value, "utf-8");
    }

  /* No Date or Message-ID: the API adds them when it sends, and leaving them out keeps the
   * message the same on every retry. */
  if (text != NULL && html != NULL)
    {
      GMimeMultipart *alternative = g_mime_multipart_new_with_subtype ("alternative");
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *boundary = NULL;
      GMimeObject *plain = text_part ("plain", text);
      GMimeObject *rich = text_part ("html", html);

      /* A boundary from the content rather than random: the same message builds the same
       * bytes. "=_" cannot occur in quoted-printable or base64 text. */
      g_checksum_update (checksum, (const guchar *)text, -1);
      g_checksum_update (checksum, (const guchar *)"", 1);
      g_checksum_update (checksum, (const guchar *)html, -1);
      boundary = g_strdup_printf ("=_conduit_%.32s", g_checksum_get_string (checksum));
      g_mime_multipart_set_boundary (alternative, boundary);
      g_mime_multipart_add (alternative, plain);
      g_mime_multipart_add (alternative, rich);
      g_object_unref (plain);
      g_object_unref (rich);
      body = GMIME_OBJECT (alternative);
    }
  else
    body = text_part (html != NULL ? "html" : "plain", html != NULL ? html : text ? text : "");
  g_mime_message_set_mime_part (message, body);
  g_object_unref (body);

  options = g_mime_format_options_new ();
  g_mime_format_options_set_newline_format (options, GMIME_NEWLINE_FORMAT_DOS);
  stream = g_mime_stream_mem_new ();
  g_mime_object_write_to_stream (GMIME_OBJECT (message), options, stream);
  g_mime_format_options_free (options);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  return g_bytes_new (array->data, array->len);
}

static gboolean
build_mime (JsonObject  *body,
            JsonNode    *content,
            JsonNode    *scope,
            char       **content_type,
            GBytes     **bytes,
            GError     **error)
{
  const char *encoding = json_object_get_string_member_with_default (body, "encoding", NULL);
  JsonNode *wrap = json_object_get_member (body, "wrap");
  g_autoptr(GBytes) message = NULL;
  g_autofree char *encoded = NULL;
  g_autoptr(JsonNode) wrapped = NULL;
  g_autoptr(JsonObject) wrap_scope = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  char *text;

  if (!JSON_NODE_HOLDS_OBJECT (content))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the message's content is not an object of fields"));
      return FALSE;
    }
  if (!(message = build_message (json_node_get_object (content), error)))
    return FALSE;

  if (encoding == NULL)
    {
      *content_type = g_strdup ("message/rfc822");
      *bytes = g_steal_pointer (&message);
      return TRUE;
    }
  encoded = conduit_app_body_encode (message, encoding);
  if (wrap == NULL)
    {
      *content_type = g_strdup ("text/plain");
      *bytes = g_bytes_new_take (g_steal_pointer (&encoded), strlen (encoded));
      return TRUE;
    }

  /* the wrap template reads the scope and the encoded message as {{ body }} */
  wrap_scope = json_object_new ();
  if (scope != NULL && JSON_NODE_HOLDS_OBJECT (scope))
    {
      json_object_iter_init (&iter, json_node_get_object (scope));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (wrap_scope, name, json_node_copy (value));
    }
  json_object_set_string_member (wrap_scope, "body", encoded);
  {
    g_autoptr(JsonNode) wrap_scope_node = conduit_json_node_take_object (json_object_ref (wrap_scope));
    g_autoptr(GError) local_error = NULL;

    wrapped = conduit_app_render_value (wrap, wrap_scope_node, &local_error);
    if (local_error != NULL)
      {
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "wrap: ");
        return FALSE;
      }
  }
  if (wrapped == NULL)
    wrapped = json_node_init_string (json_node_alloc (), encoded);
  text = json_to_string (wrapped, FALSE);
  *content_type = g_strdup ("application/json");
  *bytes = g_bytes_new_take (text, strlen (text));
  return TRUE;
}

static gboolean
build_related (JsonNode    *content,
               char       **content_type,
               GBytes     **bytes,
               GError     **error)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new ("multipart/related");
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  JsonArray *parts;
  GBytes *out = NULL;

  if (!JSON_NODE_HOLDS_ARRAY (content))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the body's content is not a list of parts"));
      return FALSE;
    }
  parts = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *part_node = json_array_get_element (parts, i);
      g_autoptr(SoupMessageHeaders) part_headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_MULTIPART);
      g_autoptr(GBytes) part_bytes = NULL;
      g_autofree char *where = g_strdup_printf (_("part %u of the body"), i + 1);
      const char *default_type = NULL;
      gboolean base64 = FALSE;
      JsonObject *part;
      JsonNode *value;

      if (!JSON_NODE_HOLDS_OBJECT (part_node))
        continue;
      part = json_node_get_object (part_node);
      value = json_object_get_member (part, "content");
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("%s has no content (its template gave nothing)"), where);
          return FALSE;
        }
      if (!is_base64 (json_object_get_string_member_with_default (part, "encoding", NULL), where,
                      &base64, error) ||
          !(part_bytes = value_to_bytes (value, base64, where, &default_type, error)))
        return FALSE;
      soup_message_headers_replace (part_headers, "Content-Type",
                                    json_object_get_string_member_with_default (part, "content_type", NULL)
                                    ?: default_type);
      soup_multipart_append_part (multipart, part_headers, part_bytes);
    }
  soup_multipart_to_message (multipart, headers, &out);
  *content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  *bytes = out;
  return TRUE;
}

/* A Content-Type an item gave: type/subtype and parameters, no control characters (a line
 * break would start another header of the request). */
static gboolean
is_media_type (const char *text)
{
  const char *slash = strchr (text, '/');

  if (slash == NULL || slash == text || slash[1] == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar)*p < 0x20 || (guchar)*p == 0x7f)
      return FALSE;
  return TRUE;
}

/**
 * conduit_app_body_build:
 * @body: a request's "body" object of a type conduit_app_body_is_built_type() accepts
 * @content: (nullable): its content, rendered; %NULL when the template gave nothing
 * @scope: the scope the templates read
 * @content_type: (out) (transfer full): the body's Content-Type
 * @bytes: (out) (transfer full): the body
 * @error: a location for a #GError
 *
 * Returns: %TRUE with the body, %FALSE with @error
 */
gboolean
conduit_app_body_build (JsonObject  *body,
                        JsonNode    *content,
                        JsonNode    *scope,
                        char       **content_type,
                        GBytes     **bytes,
                        GError     **error)
{
  const char *type = json_object_get_string_member (body, "type");

  g_return_val_if_fail (conduit_app_body_is_built_type (type), FALSE);

  *content_type = NULL;
  *bytes = NULL;
  if (content == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("the body is empty: its content's template gave nothing"));
      return FALSE;
    }

  if (g_str_equal (type, "mime"))
    return build_mime (body, content, scope, content_type, bytes, error);
  if (g_str_equal (type, "related"))
    return build_related (content, content_type, bytes, error);

  /* raw */
  {
    const char *type_template = json_object_get_string_member_with_default (body, "content_type",
                                                                            NULL);
    const char *default_type = NULL;
    g_autofree char *rendered_type = NULL;
    const char *encoding_template = json_object_get_string_member_with_default (body, "encoding",
                                                                                NULL);
    g_autofree char *encoding = NULL;
    g_autoptr(GBytes) data = NULL;
    gboolean base64 = FALSE;

    if (encoding_template != NULL &&
        !(encoding = conduit_app_render_text (encoding_template, scope, error)))
      return FALSE;
    if (!is_base64 (encoding, _("the body"), &base64, error) ||
        !(data = value_to_bytes (content, base64, _("the body"), &default_type, error)))
      return FALSE;
    if (type_template != NULL &&
        !(rendered_type = conduit_app_render_text (type_template, scope, error)))
      return FALSE;
    if (rendered_type != NULL && *rendered_type != '\0' && !is_media_type (rendered_type))
      {
        g_autofree char *shown = g_strescape (rendered_type, NULL);

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("the body's content type “%s” is not a media type such as text/csv"),
                     shown);
        return FALSE;
      }
    *content_type = g_strdup (rendered_type && *rendered_type ? rendered_type : default_type);
    *bytes = g_steal_pointer (&data);
    return TRUE;
  }
}
