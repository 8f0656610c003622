/* test-mail-send.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <string.h>

#include "conduit.h"
#include "conduit-mail.h"
#include "mail-test-servers.h"
#include "runner-test-util.h"

/* Send E-mail in flows run by the real runner, against a real SMTP server (aiosmtpd) on
 * 127.0.0.1 that stores what it receives: headers and MIME structure as GMime reads them back,
 * attachments byte for byte, an RFC 2047 subject, Bcc only in the envelope, a recipient the
 * server refuses (550), greylisting (451, retried), STARTTLS and implicit TLS with a
 * certificate the test made, AUTH, and a wrong password. */

static char *cert_path;
static char *key_path;

static void
set_credential (const char *id,
                const char *json)
{
  g_autofree char *name = conduit_credential_dup_env_name (id);

  g_setenv (name, json, TRUE);
}

static char *
smtp_credential (SmtpTestServer *server,
                 const char     *security,
                 const char     *user,
                 const char     *password,
                 const char     *ca_file)
{
  g_autoptr(GString) json = g_string_new (NULL);

  g_string_append_printf (json, "{\"id\": \"test-smtp\", \"kind\": \"smtp\", \"fields\": "
                                "{\"host\": \"127.0.0.1\", \"port\": \"%u\", \"security\": \"%s\"",
                          server->port, security);
  if (user != NULL)
    g_string_append_printf (json, ", \"user\": \"%s\"", user);
  if (ca_file != NULL)
    g_string_append_printf (json, ", \"ca_file\": \"%s\"", ca_file);
  g_string_append (json, "}");
  if (password != NULL)
    g_string_append_printf (json, ", \"secrets\": {\"password\": \"%s\"}", password);
  g_string_append (json, "}");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static ConduitRun *
run_flow (RunnerFixture *fixture,
          const char    *settings,
          const char    *items_json)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Mail\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"send\", \"type\": \"send-email\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"test-smtp\", %s } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    settings);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GPtrArray) items = runner_test_parse_items (items_json);
  g_autoptr(GError) error = NULL;
  ConduitRun *run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, items, &error);

  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, NULL, NULL);
  /* bounded: every SMTP exchange has a timeout of its own */
  for (guint i = 0; i < 6000 && conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_RUNNING);
  return run;
}

static guint
n_output (ConduitRun *run,
          const char *port)
{
  GPtrArray *items = conduit_run_get_node_output (run, "send", port);

  return items ? items->len : 0;
}

static JsonObject *
error_of (ConduitRun *run,
          guint       index)
{
  GPtrArray *items = conduit_run_get_node_output (run, "send", "error");

  g_assert_nonnull (items);
  g_assert_cmpuint (index, <, items->len);
  return json_object_get_object_member (json_node_get_object (g_ptr_array_index (items, index)),
                                        "error");
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static GMimeMessage *
parse_mime (GBytes *bytes)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (data, size);
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

static GBytes *
part_bytes (GMimeObject *object)
{
  GMimeStream *stream = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (GMIME_PART (object)), stream);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (stream));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (stream);
  return bytes;
}

static void
assert_type (GMimeObject *object,
             const char  *type,
             const char  *subtype)
{
  GMimeContentType *content_type = g_mime_object_get_content_type (object);

  if (!g_mime_content_type_is_type (content_type, type, subtype))
    g_error ("expected %s/%s, found %s", type, subtype,
             g_mime_content_type_get_mime_type (content_type));
}

/* One message with everything: its bytes as the server stored them, read back by GMime. */
static void
test_message (RunnerFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *binary_path = g_build_filename (fixture->dir, "every-byte.bin", NULL);
  g_autofree char *settings = NULL;
  g_autofree char *items = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *envelope_text = NULL;
  g_autofree char *notes64 = g_base64_encode ((const guchar *)"hello\0world", 11);
  g_autoptr(JsonObject) envelope = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GBytes) stored = NULL;
  GMimeMessage *message;
  GMimeMultipart *mixed;
  GMimeMultipart *alternative;
  JsonArray *rcpt;
  SmtpTestServer *server;
  const char *header_end;
  guchar every_byte[256];
  g_autofree char *headers = NULL;

  if (!mail_test_require ("smtp"))
    return;
  server = smtp_test_server_start (fixture->dir, NULL);

  for (guint i = 0; i < 256; i++)
    every_byte[i] = (guchar)i;
  g_file_set_contents (binary_path, (const char *)every_byte, sizeof every_byte, &error);
  g_assert_no_error (error);

  credential = smtp_credential (server, "none", NULL, NULL, NULL);
  set_credential ("test-smtp", credential);
  settings = g_strdup_printf (
    "\"from\": \"Bestell-Büro <orders@example.com>\","
    "\"to\": \"{{ name }} <{{ email }}>\", \"cc\": \"boss@example.com\","
    "\"bcc\": \"audit@example.com\", \"reply_to\": \"help@example.com\","
    "\"subject\": \"Bestellung {{ order }} — Grüße ✓\","
    "\"text\": \"Hello {{ name }},\\nyour order {{ order }} is on its way.\\n.\\nA line with a dot.\","
    "\"html\": \"<p>Hello <b>{{ name }}</b></p>\","
    "\"attachment_files\": \"%s\", \"attachments_field\": \"files\"", binary_path);
  items = g_strdup_printf ("[{\"name\": \"Ada Lovelace\", \"email\": \"ada@example.com\","
                           " \"order\": \"A-17\", \"files\": [{\"name\": \"Résumé notes.txt\","
                           " \"type\": \"text/plain\", \"content\": \"%s\"}]}]", notes64);
  run = run_flow (fixture, settings, items);

  g_assert_cmpuint (n_output (run, "out"), ==, 1);
  g_assert_cmpuint (n_output (run, "error"), ==, 0);
  g_assert_cmpuint (smtp_test_server_count (server), ==, 1);

  /* the envelope carries every recipient, Bcc too */
  envelope_text = smtp_test_server_envelope (server, 1);
  envelope = parse_object (envelope_text);
  g_assert_cmpstr (json_object_get_string_member (envelope, "mail_from"), ==, "orders@example.com");
  rcpt = json_object_get_array_member (envelope, "rcpt_tos");
  g_assert_cmpuint (json_array_get_length (rcpt), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (rcpt, 0), ==, "ada@example.com");
  g_assert_cmpstr (json_array_get_string_element (rcpt, 1), ==, "boss@example.com");
  g_assert_cmpstr (json_array_get_string_element (rcpt, 2), ==, "audit@example.com");

  /* the header is ASCII: the subject and the sender's name RFC 2047-encoded, no Bcc */
  stored = smtp_test_server_message (server, 1);
  header_end = g_strstr_len (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), "\r\n\r\n");
  g_assert_nonnull (header_end);
  headers = g_strndup (g_bytes_get_data (stored, NULL),
                       header_end - (const char *)g_bytes_get_data (stored, NULL));
  for (const char *p = headers; *p; p++)
    g_assert_cmpuint ((guchar)*p, <, 128);
  g_assert_nonnull (strstr (headers, "\r\nSubject: Bestellung A-17 =?UTF-8?"));
  g_assert_null (strstr (headers, "Bcc:"));
  g_assert_nonnull (strstr (headers, "Reply-To: help@example.com"));
  g_assert_nonnull (strstr (headers, "Message-Id: <"));
  g_assert_nonnull (strstr (headers, "MIME-Version: 1.0"));

  message = parse_mime (stored);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Bestellung A-17 — Grüße ✓");
  {
    g_autofree char *from = internet_address_list_to_string (g_mime_message_get_from (message),
                                                             NULL, FALSE);
    g_autofree char *to = internet_address_list_to_string (g_mime_message_get_to (message),
                                                           NULL, FALSE);
    g_assert_cmpstr (from, ==, "Bestell-Büro <orders@example.com>");
    g_assert_cmpstr (to, ==, "Ada Lovelace <ada@example.com>");
  }

  /* multipart/mixed: multipart/alternative (text, then HTML), then the attachments */
  assert_type (g_mime_message_get_mime_part (message), "multipart", "mixed");
  mixed = GMIME_MULTIPART (g_mime_message_get_mime_part (message));
  g_assert_cmpint (g_mime_multipart_get_count (mixed), ==, 3);
  assert_type (g_mime_multipart_get_part (mixed, 0), "multipart", "alternative");
  alternative = GMIME_MULTIPART (g_mime_multipart_get_part (mixed, 0));
  g_assert_cmpint (g_mime_multipart_get_count (alternative), ==, 2);
  assert_type (g_mime_multipart_get_part (alternative, 0), "text", "plain");
  assert_type (g_mime_multipart_get_part (alternative, 1), "text", "html");
  {
    g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_multipart_get_part (alternative, 0)));
    g_autofree char *html = g_mime_text_part_get_text (GMIME_TEXT_PART (g_mime_multipart_get_part (alternative, 1)));

    /* the lone dot survived the SMTP dot-stuffing */
    g_assert_cmpstr (text, ==, "Hello Ada Lovelace,\r\nyour order A-17 is on its way.\r\n.\r\nA line with a dot.");
    g_assert_cmpstr (html, ==, "<p>Hello <b>Ada Lovelace</b></p>");
  }

  {
    GMimeObject *file = g_mime_multipart_get_part (mixed, 1);
    GMimeObject *notes = g_mime_multipart_get_part (mixed, 2);
    g_autoptr(GBytes) file_bytes = part_bytes (file);
    g_autoptr(GBytes) notes_bytes = part_bytes (notes);

    g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (file)), ==, "every-byte.bin");
    g_assert_cmpint (g_mime_part_get_content_encoding (GMIME_PART (file)), ==,
                     GMIME_CONTENT_ENCODING_BASE64);
    g_assert_cmpmem (g_bytes_get_data (file_bytes, NULL), g_bytes_get_size (file_bytes),
                     every_byte, sizeof every_byte);
    g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (notes)), ==, "Résumé notes.txt");
    assert_type (notes, "text", "plain");
    g_assert_cmpmem (g_bytes_get_data (notes_bytes, NULL), g_bytes_get_size (notes_bytes),
                     "hello\0world", 11);
  }
  g_object_unref (message);

  /* the engine's own reader, which New E-mail uses, agrees */
  {
    g_autoptr(JsonNode) item = conduit_mail_parse_message (stored, &error);
    JsonObject *object;
    JsonArray *attachments;
    g_autofree guchar *decoded = NULL;
    gsize size;

    g_assert_no_error (error);
    object = json_node_get_object (item);
    g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==, "Bestellung A-17 — Grüße ✓");
    g_assert_cmpstr (json_object_get_string_member (object, "from_address"), ==, "orders@example.com");
    g_assert_cmpstr (json_object_get_string_member (object, "html"), ==, "<p>Hello <b>Ada Lovelace</b></p>");
    /* line ends as the item's text has them */
    g_assert_cmpstr (json_object_get_string_member (object, "text"), ==,
                     "Hello Ada Lovelace,\nyour order A-17 is on its way.\n.\nA line with a dot.");
    attachments = json_object_get_array_member (object, "attachments");
    g_assert_cmpuint (json_array_get_length (attachments), ==, 2);
    decoded = g_base64_decode (json_object_get_string_member (json_array_get_object_element (attachments, 0), "content"), &size);
    g_assert_cmpmem (decoded, size, every_byte, sizeof every_byte);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (attachments, 0), "size"), ==, 256);
  }

  smtp_test_server_stop (server);
}

/* A refused recipient fails its item with the server's answer; the others are sent; a 451
 * is tried again until the node's attempts run out. */
static void
test_refused_and_greylisted (RunnerFixture *fixture,
                             gconstpointer  data)
{
  const char *args[] = { "--refuse", "nobody@example.com", "--tempfail", "slow@example.com:1",
                         "--tempfail", "never@example.com:100", "--tempfail", "later@example.com:1",
                         NULL };
  g_autoptr(ConduitRun) run = NULL;
  g_autofree char *credential = NULL;
  SmtpTestServer *server;
  JsonObject *error;

  if (!mail_test_require ("smtp"))
    return;
  server = smtp_test_server_start (fixture->dir, args);
  credential = smtp_credential (server, "none", NULL, NULL, NULL);
  set_credential ("test-smtp", credential);

  run = run_flow (fixture,
                  "\"from\": \"orders@example.com\", \"to\": \"{{ email }}\","
                  "\"subject\": \"Order {{ n }}\", \"text\": \"Order {{ n }}\","
                  "\"max_attempts\": 3, \"backoff_initial_ms\": 10, \"backoff_max_ms\": 50",
                  "[{\"n\": 1, \"email\": \"first@example.com\"},"
                  " {\"n\": 2, \"email\": \"nobody@example.com\"},"
                  " {\"n\": 3, \"email\": \"slow@example.com\"},"
                  " {\"n\": 4, \"email\": \"never@example.com\"},"
                  " {\"n\": 5, \"email\": \"not an address\"}]");

  g_assert_cmpuint (n_output (run, "out"), ==, 2);
  g_assert_cmpuint (n_output (run, "error"), ==, 3);
  g_assert_cmpuint (smtp_test_server_count (server), ==, 2);

  error = error_of (run, 0);
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "mail");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "<nobody@example.com>"));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"),
                            "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown"));
  g_assert_cmpint (json_object_get_int_member (error, "attempts"), ==, 1);

  error = error_of (run, 1);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "451 4.7.1"));
  g_assert_cmpint (json_object_get_int_member (error, "attempts"), ==, 3);

  error = error_of (run, 2);
  g_assert_cmpstr (json_object_get_string_member (error, "kind"), ==, "invalid");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "not an address"));

  {
    g_autofree char *second = smtp_test_server_envelope (server, 2);
    g_assert_nonnull (strstr (second, "slow@example.com"));
  }

  /* a recorded run keeps every attempt: the 451 with the server's words, then the success */
  {
    g_autoptr(ConduitFlow) flow = runner_test_flow (
      "{ \"version\": 1, \"name\": \"Later\", \"nodes\": ["
      "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
      "  { \"id\": \"send\", \"type\": \"send-email\", \"position\": [200, 0],"
      "    \"settings\": { \"credential\": \"test-smtp\", \"from\": \"orders@example.com\","
      "      \"to\": \"later@example.com\", \"subject\": \"Later\", \"text\": \"x\","
      "      \"backoff_initial_ms\": 10 } } ],"
      " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }");
    g_autoptr(GPtrArray) items = runner_test_parse_items ("[{}]");
    g_autoptr(ConduitRun) recorded = runner_test_run (fixture, flow, items);
    g_autoptr(GPtrArray) steps = runner_test_steps (fixture, recorded, "send", TRUE);
    ConduitStepRecord *first;
    ConduitStepRecord *second;

    g_assert_cmpint (conduit_run_get_status (recorded), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
    g_assert_cmpuint (steps->len, ==, 2);
    first = g_ptr_array_index (steps, 0);
    second = g_ptr_array_index (steps, 1);
    g_assert_cmpuint (first->attempt, ==, 1);
    g_assert_cmpstr (first->status, ==, "retry");
    g_assert_cmpstr (first->error_kind, ==, "mail");
    g_assert_nonnull (strstr (first->error_message, "451 4.7.1 <later@example.com>"));
    g_assert_cmpuint (second->attempt, ==, 2);
    g_assert_cmpstr (second->status, ==, "ok");
    g_assert_null (second->error_kind);
    g_assert_cmpuint (second->delay_ms, >, 0);
    g_assert_cmpuint (smtp_test_server_count (server), ==, 3);
  }
  smtp_test_server_stop (server);
}

static void
test_tls (RunnerFixture *fixture,
          gboolean       implicit)
{
  const char *args[] = { "--cert", cert_path, "--key", key_path, "--auth", "mailer:pa55word",
                         implicit ? "--implicit-tls" : NULL, NULL };
  const char *security = implicit ? "tls" : "starttls";
  const char *settings = "\"from\": \"orders@example.com\", \"to\": \"ada@example.com\","
                         "\"subject\": \"Signed in\", \"html\": \"<p>hi</p>\", \"max_attempts\": 1";
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitRun) wrong = NULL;
  g_autoptr(ConduitRun) untrusted = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *envelope_text = NULL;
  g_autoptr(JsonObject) envelope = NULL;
  SmtpTestServer *server;
  JsonObject *error;

  if (!mail_test_require ("smtp"))
    return;
  server = smtp_test_server_start (fixture->dir, args);

  credential = smtp_credential (server, security, "mailer", "pa55word", cert_path);
  set_credential ("test-smtp", credential);
  run = run_flow (fixture, settings, "[{}]");
  if (n_output (run, "error") > 0)
    g_test_message ("%s", json_object_get_string_member (error_of (run, 0), "message"));
  g_assert_cmpuint (n_output (run, "out"), ==, 1);
  envelope_text = smtp_test_server_envelope (server, 1);
  envelope = parse_object (envelope_text);
  g_assert_true (json_object_get_boolean_member (envelope, "tls"));
  g_assert_true (json_object_get_boolean_member (envelope, "authenticated"));

  g_free (credential);
  credential = smtp_credential (server, security, "mailer", "wrong", cert_path);
  set_credential ("test-smtp", credential);
  wrong = run_flow (fixture, settings, "[{}]");
  g_assert_cmpuint (n_output (wrong, "out"), ==, 0);
  error = error_of (wrong, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "mailer"));
  g_assert_nonnull (strstr (json_object_get_string_member (error, "message"), "535"));

  /* without the test's certificate as CA, the server is not trusted: nothing is sent */
  g_free (credential);
  credential = smtp_credential (server, security, "mailer", "pa55word", NULL);
  set_credential ("test-smtp", credential);
  untrusted = run_flow (fixture, settings, "[{}]");
  g_assert_cmpuint (n_output (untrusted, "out"), ==, 0);
  g_assert_cmpuint (n_output (untrusted, "error"), ==, 1);
  g_assert_cmpuint (smtp_test_server_count (server), ==, 1);

  smtp_test_server_stop (server);
}

static void
test_starttls_auth (RunnerFixture *fixture,
                    gconstpointer  data)
{
  test_tls (fixture, FALSE);
}

static void
test_implicit_tls_auth (RunnerFixture *fixture,
                        gconstpointer  data)
{
  test_tls (fixture, TRUE);
}

/* Plain text to a server not on this computer would give the password away. */
static void
test_refuses_cleartext_password (RunnerFixture *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConduitCredential) credential = conduit_credential_new_from_data (
    "{\"id\": \"far\", \"kind\": \"smtp\", \"fields\": {\"host\": \"mail.example.com\","
    " \"security\": \"none\", \"user\": \"u\"}, \"secrets\": {\"password\": \"p\"}}", "far", NULL);
  g_autoptr(ConduitMailServer) server = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (credential);
  server = conduit_mail_server_new_from_credential (credential, &error);
  g_assert_null (server);
  g_assert_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL);
  g_assert_nonnull (strstr (error->message, "mail.example.com"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  conduit_mail_init ();

  dir = g_dir_make_tmp ("conduit-mail-cert-XXXXXX", NULL);
  g_assert_nonnull (dir);
  mail_test_make_certificate (dir, &cert_path, &key_path);

  g_test_add ("/conduit/mail/send/message", RunnerFixture, NULL, runner_fixture_set_up,
              test_message, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/send/refused-and-greylisted", RunnerFixture, NULL,
              runner_fixture_set_up, test_refused_and_greylisted, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/send/starttls-auth", RunnerFixture, NULL, runner_fixture_set_up,
              test_starttls_auth, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/send/implicit-tls-auth", RunnerFixture, NULL, runner_fixture_set_up,
              test_implicit_tls_auth, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/send/refuses-cleartext-password", RunnerFixture, NULL,
              runner_fixture_set_up, test_refuses_cleartext_password, runner_fixture_tear_down);

  status = g_test_run ();

  g_unlink (cert_path);
  g_unlink (key_path);
  g_rmdir (dir);
  g_free (cert_path);
  g_free (key_path);
  return status;
}
