/* test-google-app-body.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The request bodies that are not a JSON value or a form (src/core/conduit-app-body.c): an
 * e-mail message built with GMime and sent base64url-encoded inside JSON (Gmail), a file as
 * the whole body (OneDrive), and multipart/related metadata plus content (Google Drive). Each
 * built body is read back with a real parser (GMime, libsoup's multipart reader), and the
 * descriptor loader's checks refuse the members that do not go together. */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "conduit.h"
#include "conduit-app-body.h"
#include "conduit-app-request.h"
#include "conduit-json-text.h"
#include "conduit-mail.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static JsonNode *
parse_bytes (GBytes *bytes)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  return parse (text);
}

static GBytes *
decode_base64url (const char *text)
{
  g_autofree char *standard = g_strdup (text);
  gsize length;
  guchar *data;

  for (char *p = standard; *p; p++)
    {
      g_assert_true (*p != '+' && *p != '/');
      if (*p == '-')
        *p = '+';
      else if (*p == '_')
        *p = '/';
    }
  data = g_base64_decode (standard, &length);
  return g_bytes_new_take (data, length);
}

static GMimeMessage *
parse_message (GBytes *bytes)
{
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) parser = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  conduit_mail_init ();
  stream = g_mime_stream_mem_new_with_buffer (data, size);
  parser = g_mime_parser_new_with_stream (stream);
  return g_mime_parser_construct_message (parser, NULL);
}

static char *
part_text (GMimeObject *object)
{
  g_assert_true (GMIME_IS_TEXT_PART (object));
  return g_mime_text_part_get_text (GMIME_TEXT_PART (object));
}

static gboolean
build (const char  *body_json,
       const char  *scope_json,
       char       **content_type,
       GBytes     **bytes,
       GError     **error)
{
  g_autoptr(JsonNode) body = parse (body_json);
  g_autoptr(JsonNode) scope = parse (scope_json);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) content = conduit_app_render_value (json_object_get_member (json_node_get_object (body), "content"),
                                                          scope, &local_error);

  g_assert_no_error (local_error);
  return conduit_app_body_build (json_node_get_object (body), content, scope, content_type, bytes,
                                 error);
}

#define GMAIL_BODY \
  "{ \"type\": \"mime\", \"encoding\": \"base64url\"," \
  "  \"content\": { \"to\": \"{{ input.to }}\", \"cc\": \"{{ input.cc }}\"," \
  "               \"subject\": \"{{ input.subject }}\", \"text\": \"{{ input.text }}\"," \
  "               \"html\": \"{{ input.html }}\" }," \
  "  \"wrap\": { \"raw\": \"{{ body }}\", \"threadId\": \"{{ input.thread }}\" } }"

/* Gmail's shape: the message, base64url, in {"raw": …}; non-ASCII headers encoded, text and
 * HTML as multipart/alternative; an input left empty leaves its header and member out. */
static void
test_mime_base64url_wrapped (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GBytes) message_bytes = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *content_type_again = NULL;
  g_autofree char *text = NULL;
  g_autofree char *html = NULL;
  g_autofree char *to = NULL;
  const char *scope = "{ \"input\": { \"to\": \"Zoë Ödegaard <zoe@example.com>, ada@example.com\","
                      "  \"subject\": \"Bestellung 1042 – versandt ✓\","
                      "  \"text\": \"Grüße\\nLine two\", \"html\": \"<p>Grüße</p>\" } }";
  GMimeObject *part;
  JsonObject *object;

  g_assert_true (build (GMAIL_BODY, scope, &content_type, &bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, "application/json");
  sent = parse_bytes (bytes);
  object = json_node_get_object (sent);
  /* no thread was given: no threadId member at all, not an empty one */
  g_assert_false (json_object_has_member (object, "threadId"));
  g_assert_cmpuint (json_object_get_size (object), ==, 1);

  message_bytes = decode_base64url (json_object_get_string_member (object, "raw"));
  message = parse_message (message_bytes);
  g_assert_nonnull (message);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Bestellung 1042 – versandt ✓");
  to = internet_address_list_to_string (g_mime_message_get_to (message), NULL, FALSE);
  g_assert_cmpstr (to, ==, "Zoë Ödegaard <zoe@example.com>, ada@example.com");
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_cc (message)), ==, 0);
  /* 7-bit throughout: headers RFC 2047 encoded, text quoted-printable or base64 */
  {
    gsize size;
    const guchar *raw = g_bytes_get_data (message_bytes, &size);

    for (gsize i = 0; i < size; i++)
      g_assert_cmpuint (raw[i], <, 0x80);
    g_assert_nonnull (g_strstr_len ((const char *)raw, size, "Subject: Bestellung 1042 =?UTF-8?B?"));
  }
  /* CRLF line ends, as RFC 5322 wants */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (message_bytes, NULL),
                                  g_bytes_get_size (message_bytes), "\r\nTo: "));

  part = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_MULTIPART (part));
  {
    g_autofree char *mime_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
    g_assert_cmpstr (mime_type, ==, "multipart/alternative");
  }
  g_assert_cmpint (g_mime_multipart_get_count (GMIME_MULTIPART (part)), ==, 2);
  text = part_text (g_mime_multipart_get_part (GMIME_MULTIPART (part), 0));
  html = part_text (g_mime_multipart_get_part (GMIME_MULTIPART (part), 1));
  g_assert_cmpstr (text, ==, "Grüße\nLine two");
  g_assert_cmpstr (html, ==, "<p>Grüße</p>");

  /* the same item builds the same bytes (a retry sends the same message) */
  g_assert_true (build (GMAIL_BODY, scope, &content_type_again, &again, &error));
  g_assert_true (g_bytes_equal (bytes, again));
}

/* Text only, a thread given, sent as message/rfc822 or plain base64 without a wrap. */
static void
test_mime_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) plain_bytes = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autoptr(GMimeMessage) message = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *text = NULL;
  const char *scope = "{ \"input\": { \"to\": \"ada@example.com\", \"subject\": \"Hi\","
                      "  \"text\": \"Hello\", \"thread\": \"18f0c2a9e3b4d5c6\" } }";
  gsize size;

  g_assert_true (build (GMAIL_BODY, scope, &content_type, &bytes, &error));
  sent = parse_bytes (bytes);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sent), "threadId"), ==,
                   "18f0c2a9e3b4d5c6");
  decoded = decode_base64url (json_object_get_string_member (json_node_get_object (sent), "raw"));
  message = parse_message (decoded);
  g_assert_true (GMIME_IS_TEXT_PART (g_mime_message_get_mime_part (message)));
  text = part_text (g_mime_message_get_mime_part (message));
  /* a 7-bit body ends with the line end RFC 5322 wants */
  g_assert_cmpstr (g_strchomp (text), ==, "Hello");
  g_clear_object (&message);
  g_clear_pointer (&content_type, g_free);

  /* without an encoding: the message itself */
  g_assert_true (build ("{ \"type\": \"mime\", \"content\": { \"from\": \"me@example.com\","
                        "  \"to\": [ \"a@example.com\", \"b@example.com\" ], \"html\": \"<b>x</b>\" } }",
                        "{}", &content_type, &plain_bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, "message/rfc822");
  message = parse_message (plain_bytes);
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (message)), ==, 2);
  {
    GMimeObject *part = g_mime_message_get_mime_part (message);
    g_autofree char *mime_type = g_mime_content_type_get_mime_type (g_mime_object_get_content_type (part));
    g_assert_cmpstr (mime_type, ==, "text/html");
  }
  g_bytes_get_data (plain_bytes, &size);
  g_assert_cmpuint (size, >, 0);
}

/* An address that is not one fails the item with the field's name; nothing is sent. */
static void
test_mime_bad_address (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;

  g_assert_false (build (GMAIL_BODY, "{ \"input\": { \"to\": \"not an address\", \"text\": \"x\" } }",
                         &content_type, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "“to”"));
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_assert_null (bytes);
}

/* OneDrive's upload: the file is the body; bytes given in base64 arrive as the bytes. */
static void
test_raw (void)
{
  static const guchar png_start[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0x00, 0xff };
  g_autofree char *png_base64 = g_base64_encode (png_start, sizeof png_start);
  g_autofree char *body = g_strdup_printf ("{ \"type\": \"raw\", \"encoding\": \"base64\","
                                           "  \"content_type\": \"{{ input.type }}\","
                                           "  \"content\": \"{{ input.data }}\" }");
  g_autofree char *scope = g_strdup_printf ("{ \"input\": { \"type\": \"image/png\", \"data\": \"%s\" } }",
                                            png_base64);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) text_bytes = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *text_type = NULL;
  gsize size;
  const guchar *data;

  build (body, scope, &content_type, &bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, "image/png");
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpmem (data, size, png_start, sizeof png_start);

  /* text as it is, with a text type when none is named */
  g_assert_true (build ("{ \"type\": \"raw\", \"content\": \"{{ input.csv }}\" }",
                        "{ \"input\": { \"csv\": \"order,total\\n1042,99.50\\n\" } }",
                        &text_type, &text_bytes, &error));
  g_assert_cmpstr (text_type, ==, "text/plain; charset=UTF-8");
  data = g_bytes_get_data (text_bytes, &size);
  g_assert_cmpmem (data, size, "order,total\n1042,99.50\n", strlen ("order,total\n1042,99.50\n"));
}

/* Base64 with a stray character or cut short is refused, not decoded with bytes missing; a
 * missing content is refused, not sent as an empty file. */
static void
test_raw_refused (void)
{
  static const char * const bad[] = { "iVBORw0K*GgoAAAA", "iVBORw0KGgoAAA", "aGk=aGk=", "iVBO€RwK" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *scope = g_strdup_printf ("{ \"input\": { \"data\": \"%s\" } }", bad[i]);

      g_assert_false (build ("{ \"type\": \"raw\", \"encoding\": \"base64\", \"content\": \"{{ input.data }}\" }",
                             scope, &content_type, &bytes, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "not base64"));
      /* a character outside ASCII is named whole: the message stays UTF-8 */
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  g_assert_false (build ("{ \"type\": \"raw\", \"content\": \"{{ input.data }}\" }", "{ \"input\": {} }",
                         &content_type, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_clear_error (&error);

  /* a content type an item gives cannot start another header of the request */
  g_assert_false (build ("{ \"type\": \"raw\", \"content_type\": \"{{ input.type }}\", \"content\": \"a,b\" }",
                         "{ \"input\": { \"type\": \"text/csv\\r\\nX-Injected: 1\" } }",
                         &content_type, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "not a media type"));
  g_assert_nonnull (strstr (error->message, "\\r\\n"));
  g_clear_error (&error);
  g_assert_false (build ("{ \"type\": \"raw\", \"content_type\": \"{{ input.type }}\", \"content\": \"a,b\" }",
                         "{ \"input\": { \"type\": \"csv\" } }", &content_type, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

/* Google Drive's multipart upload: JSON metadata, then the content with its own type. */
static void
test_related (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr(SoupMultipart) multipart = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  g_autofree char *content_type = NULL;
  SoupMessageHeaders *part_headers;
  GBytes *part_body;
  gsize size;
  const char *data;

  g_assert_true (build ("{ \"type\": \"related\", \"content\": ["
                        "  { \"content\": { \"name\": \"{{ input.name }}\", \"parents\": [ \"{{ input.folder }}\" ] } },"
                        "  { \"content_type\": \"{{ input.type }}\", \"content\": \"{{ input.text }}\" } ] }",
                        "{ \"input\": { \"name\": \"orders.csv\", \"folder\": \"0BwwA4oUTeiV1TGRPeTVjaWRDY1E\","
                        "  \"type\": \"text/csv\", \"text\": \"order\\n1042\\n\" } }",
                        &content_type, &bytes, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (content_type, "multipart/related; boundary="));

  soup_message_headers_replace (headers, "Content-Type", content_type);
  multipart = soup_multipart_new_from_message (headers, bytes);
  g_assert_nonnull (multipart);
  g_assert_cmpint (soup_multipart_get_length (multipart), ==, 2);

  g_assert_true (soup_multipart_get_part (multipart, 0, &part_headers, &part_body));
  g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==, "application/json");
  metadata = parse_bytes (part_body);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (metadata), "name"), ==,
                   "orders.csv");

  g_assert_true (soup_multipart_get_part (multipart, 1, &part_headers, &part_body));
  g_assert_cmpstr (soup_message_headers_get_content_type (part_headers, NULL), ==, "text/csv");
  data = g_bytes_get_data (part_body, &size);
  g_assert_cmpmem (data, size, "order\n1042\n", strlen ("order\n1042\n"));

  /* a part whose content is missing fails the item instead of uploading less */
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&content_type, g_free);
  g_assert_false (build ("{ \"type\": \"related\", \"content\": [ { \"content\": { \"name\": \"x\" } },"
                         "  { \"content\": \"{{ input.text }}\" } ] }",
                         "{ \"input\": {} }", &content_type, &bytes, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "part 2"));
}

/* What the descriptor loader refuses, and where. */
static void
test_check (void)
{
  static const struct
  {
    const char *body;
    const char *member;
    const char *words;
  } cases[] = {
    { "{ \"type\": \"json\", \"content\": {}, \"encoding\": \"base64\" }", "encoding", "no “encoding”" },
    { "{ \"type\": \"mime\", \"content\": { \"to\": \"x\", \"subjekt\": \"y\" } }", "content/subjekt", "subjekt" },
    { "{ \"type\": \"mime\", \"content\": [] }", "content", "object" },
    { "{ \"type\": \"mime\", \"content\": {}, \"wrap\": { \"raw\": \"{{ body }}\" } }", "wrap", "encoding" },
    { "{ \"type\": \"mime\", \"content\": {}, \"encoding\": \"hex\" }", "encoding", "base64url" },
    { "{ \"type\": \"raw\", \"content\": \"x\", \"encoding\": \"base64url\" }", "encoding", "base64" },
    { "{ \"type\": \"related\", \"content\": [ { \"content\": \"x\", \"encoding\": \"hex\" } ] }",
      "content/0/encoding", "base64" },
    { "{ \"type\": \"related\", \"content\": {} }", "content", "list of parts" },
    { "{ \"type\": \"related\", \"content\": [ { \"content\": 1 }, { \"type\": \"x\" } ] }", "content/1/type", "unknown" },
    { "{ \"type\": \"related\", \"content\": [ { \"content_type\": \"text/plain\" } ] }", "content/0", "missing" },
    { "{ \"type\": \"related\", \"content\": [ { \"content\": \"x\" } ], \"content_type\": \"a/b\" }",
      "content_type", "raw" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) body = parse (cases[i].body);
      g_autofree char *member = NULL;
      g_autofree char *problem = conduit_app_body_check (json_node_get_object (body), &member);

      g_test_message ("%s → %s: %s", cases[i].body, member, problem);
      g_assert_nonnull (problem);
      g_assert_cmpstr (member, ==, cases[i].member);
      g_assert_nonnull (strstr (problem, cases[i].words));
    }

  {
    g_autoptr(JsonNode) good = parse (GMAIL_BODY);
    g_autofree char *member = NULL;
    g_autofree char *problem = conduit_app_body_check (json_node_get_object (good), &member);

    g_assert_null (problem);
    g_assert_null (member);
  }
}

/* Through the descriptor loader and the request builder: a descriptor's "mime" body reaches
 * the request, and the loader names a wrong member with its JSON pointer. */
static void
test_descriptor (void)
{
#define MAILER_DESCRIPTOR \
    "{ \"format\": 1, \"meta\": { \"id\": \"mailer\", \"version\": \"1.0.0\", \"title\": \"Mailer\"," \
    "  \"icon\": \"mail-send-symbolic\", \"category\": \"Communication\"," \
    "  \"docs_url\": \"https://example.com/api\", \"description\": \"Sends mail\" }," \
    "  \"connection\": { \"base_url\": \"https://mail.example.com/v1\", \"auth\": { \"kind\": \"bearer\" } }," \
    "  \"operations\": [ { \"id\": \"send\", \"title\": \"Send\", \"kind\": \"action\"," \
    "    \"input\": [ { \"key\": \"to\", \"label\": \"To\", \"type\": \"email\", \"required\": true } ]," \
    "    \"request\": { \"method\": \"POST\", \"path\": \"/send\", \"body\": %s } } ] }"
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autofree char *good = g_strdup_printf (MAILER_DESCRIPTOR,
                                           "{ \"type\": \"mime\", \"encoding\": \"base64url\","
                                           "  \"content\": { \"to\": \"{{ input.to }}\", \"text\": \"hi\" },"
                                           "  \"wrap\": { \"raw\": \"{{ body }}\" } }");
  g_autofree char *bad = g_strdup_printf (MAILER_DESCRIPTOR,
                                          "{ \"type\": \"mime\", \"content\": { \"too\": \"{{ input.to }}\" } }");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) scope = parse ("{ \"input\": { \"to\": \"ada@example.com\" } }");
  g_autoptr(ConduitHttpRequest) request = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GMimeMessage) parsed = NULL;
  ConduitAppDescriptor *app;
  ConduitConnector *connector;

  app = conduit_connector_registry_load_app_from_data (registry, good, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (app);
  connector = conduit_connector_registry_lookup (registry, "mailer.send");
  request = conduit_app_build_request (app, conduit_connector_get_operation (connector), scope, NULL,
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->content_type, ==, "application/json");
  sent = parse_bytes (request->body);
  message = decode_base64url (json_object_get_string_member (json_node_get_object (sent), "raw"));
  parsed = parse_message (message);
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (parsed)), ==, 1);

  g_assert_null (conduit_connector_registry_load_app_from_data (registry, bad, -1, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "/operations/0/request/body/content/too"));
}

/* A next page given as a path (Salesforce's nextRecordsUrl) is fetched from the API's host. */
static void
test_relative_next_url (void)
{
  const char *descriptor =
    "{ \"format\": 1, \"meta\": { \"id\": \"records\", \"version\": \"1.0.0\", \"title\": \"Records\","
    "  \"icon\": \"x-office-spreadsheet-symbolic\", \"category\": \"Sales\","
    "  \"docs_url\": \"https://example.com/api\", \"description\": \"Lists records\" },"
    "  \"connection\": { \"base_url\": \"https://acme.my.example.com/services/data/v59.0\","
    "                    \"auth\": { \"kind\": \"bearer\" } },"
    "  \"operations\": [ { \"id\": \"query\", \"title\": \"Query\", \"kind\": \"list\","
    "    \"request\": { \"method\": \"GET\", \"path\": \"/query\", \"query\": { \"q\": \"SELECT Id FROM Account\" } },"
    "    \"response\": { \"records\": \"records\" },"
    "    \"pagination\": { \"style\": \"next_url\", \"next\": \"nextRecordsUrl\" } } ] }";
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) scope = parse ("{ \"input\": {} }");
  g_autoptr(JsonNode) answer = parse ("{ \"done\": false, \"records\": [ { \"Id\": \"001\" } ],"
                                      "  \"nextRecordsUrl\": \"/services/data/v59.0/query/01gD0000002HU6KIAW-2000\" }");
  g_autoptr(ConduitHttpRequest) first = NULL;
  g_autoptr(ConduitHttpRequest) second = NULL;
  ConduitAppPage page = { 0 };
  ConduitAppDescriptor *app;
  JsonObject *operation;
  gboolean capped = FALSE;

  app = conduit_connector_registry_load_app_from_data (registry, descriptor, -1, NULL, &error);
  g_assert_no_error (error);
  operation = conduit_connector_get_operation (conduit_connector_registry_lookup (registry, "records.query"));
  first = conduit_app_build_request (app, operation, scope, &page, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->url, ==, "https://acme.my.example.com/services/data/v59.0/query?q=SELECT%20Id%20FROM%20Account");
  g_assert_true (conduit_app_next_page (operation, answer, NULL, 1, &page, &capped));
  second = conduit_app_build_request (app, operation, scope, &page, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->url, ==, "https://acme.my.example.com/services/data/v59.0/query/01gD0000002HU6KIAW-2000");
  conduit_app_page_clear (&page);
}

/* What a path template renders is escaped where an address needs it (OneDrive's file names),
 * and only there: Sheets' "Sheet1!A:C", an id with '@' and escapes already made stay. */
static void
test_path_escaping (void)
{
  static const struct
  {
    const char *value;
    const char *path;
  } cases[] = {
    { "Reports/Q1 #2 Über?.csv", "/root:/Reports/Q1%20%232%20%C3%9Cber%3F.csv:/x" },
    { "Sheet1!A:C", "/root:/Sheet1!A:C:/x" },
    { "team@example.com", "/root:/team@example.com:/x" },
    { "already%20escaped 100%", "/root:/already%20escaped%20100%25:/x" },
  };
  const char *descriptor =
    "{ \"format\": 1, \"meta\": { \"id\": \"files\", \"version\": \"1.0.0\", \"title\": \"Files\","
    "  \"icon\": \"folder-symbolic\", \"category\": \"Files\","
    "  \"docs_url\": \"https://example.com/api\", \"description\": \"Puts files\" },"
    "  \"connection\": { \"base_url\": \"https://files.example.com/v1\", \"auth\": { \"kind\": \"bearer\" } },"
    "  \"operations\": [ { \"id\": \"put\", \"title\": \"Put\", \"kind\": \"action\","
    "    \"input\": [ { \"key\": \"path\", \"label\": \"Path\", \"type\": \"string\", \"required\": true } ],"
    "    \"request\": { \"method\": \"PUT\", \"path\": \"/root:/{{ input.path }}:/x\" } } ] }";
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  ConduitAppDescriptor *app;
  JsonObject *operation;

  app = conduit_connector_registry_load_app_from_data (registry, descriptor, -1, NULL, &error);
  g_assert_no_error (error);
  operation = conduit_connector_get_operation (conduit_connector_registry_lookup (registry, "files.put"));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) input = json_object_new ();
      g_autoptr(JsonObject) scope_object = json_object_new ();
      g_autoptr(JsonNode) scope = NULL;
      g_autoptr(ConduitHttpRequest) request = NULL;
      g_autofree char *expected = g_strconcat ("https://files.example.com/v1", cases[i].path, NULL);
      g_autoptr(GUri) parsed = NULL;

      json_object_set_string_member (input, "path", cases[i].value);
      json_object_set_object_member (scope_object, "input", json_object_ref (input));
      scope = conduit_json_node_take_object (json_object_ref (scope_object));
      request = conduit_app_build_request (app, operation, scope, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (request->url, ==, expected);
      /* and it is an address libsoup takes */
      parsed = g_uri_parse (request->url, SOUP_HTTP_URI_FLAGS, &error);
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/app-body/mime/base64url-wrapped", test_mime_base64url_wrapped);
  g_test_add_func ("/conduit/app-body/mime/forms", test_mime_forms);
  g_test_add_func ("/conduit/app-body/mime/bad-address", test_mime_bad_address);
  g_test_add_func ("/conduit/app-body/raw", test_raw);
  g_test_add_func ("/conduit/app-body/raw/refused", test_raw_refused);
  g_test_add_func ("/conduit/app-body/related", test_related);
  g_test_add_func ("/conduit/app-body/check", test_check);
  g_test_add_func ("/conduit/app-body/descriptor", test_descriptor);
  g_test_add_func ("/conduit/app-request/relative-next-url", test_relative_next_url);
  g_test_add_func ("/conduit/app-request/path-escaping", test_path_escaping);

  return g_test_run ();
}
