/* test-mail-trigger.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-mail.h"
#include "mail-test-servers.h"
#include "runner-test-util.h"

/* The New E-mail trigger in flows run by the real runner, against dovecot on 127.0.0.1 with a
 * temporary mailbox: each message once across polls and a restart, a renumbered folder
 * (new UIDVALIDITY) not firing old messages again, the fields of an item (decoded subject and
 * names, text, HTML, attachments byte for byte), leaving messages unread, marking them read,
 * moving them, and a refused password. */

#define MESSAGE_A \
  "From: =?UTF-8?Q?Bob_M=C3=BCller?= <bob@example.com>\r\n" \
  "To: Alice <alice@example.com>, ops@example.com\r\n" \
  "Cc: boss@example.com\r\n" \
  "Subject: =?UTF-8?B?QmVzdGVsbHVuZyDinJMgR3LDvMOfZQ==?=\r\n" \
  "Date: Sun, 06 Dec 2026 10:15:00 +0100\r\n" \
  "Message-ID: <order-a@example.com>\r\n" \
  "MIME-Version: 1.0\r\n" \
  "Content-Type: text/plain; charset=iso-8859-1\r\n" \
  "Content-Transfer-Encoding: quoted-printable\r\n" \
  "\r\n" \
  "Gr=FC=DFe aus K=F6ln\r\n" \
  "Zeile zwei\r\n"

/* "every byte" attachment: 0x00 0x01 0xfe 0xff 'Z' */
#define MESSAGE_B \
  "From: shop@example.com\r\n" \
  "To: alice@example.com\r\n" \
  "Subject: Invoice 42\r\n" \
  "Date: Sun, 06 Dec 2026 11:00:00 +0000\r\n" \
  "Message-ID: <invoice-42@example.com>\r\n" \
  "MIME-Version: 1.0\r\n" \
  "Content-Type: multipart/mixed; boundary=\"outer\"\r\n" \
  "\r\n" \
  "--outer\r\n" \
  "Content-Type: multipart/alternative; boundary=\"inner\"\r\n" \
  "\r\n" \
  "--inner\r\n" \
  "Content-Type: text/plain; charset=utf-8\r\n" \
  "\r\n" \
  "Your invoice\r\n" \
  "--inner\r\n" \
  "Content-Type: text/html; charset=utf-8\r\n" \
  "\r\n" \
  "<p>Your <b>invoice</b></p>\r\n" \
  "--inner--\r\n" \
  "--outer\r\n" \
  "Content-Type: application/octet-stream\r\n" \
  "Content-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.bin\r\n" \
  "Content-Transfer-Encoding: base64\r\n" \
  "\r\n" \
  "AAH+/1o=\r\n" \
  "--outer--\r\n"

static char *
simple_message (const char *id)
{
  return g_strdup_printf ("From: sender@example.com\r\nTo: alice@example.com\r\n"
                          "Subject: Message %s\r\nMessage-ID: <%s@example.com>\r\n\r\n"
                          "Body of %s\r\n", id, id, id);
}

static void
append_simple (ImapTestServer *server,
               const char     *folder,
               const char     *id)
{
  g_autofree char *message = simple_message (id);

  imap_test_server_append (server, folder, message);
}

static void
set_credential (ImapTestServer *server,
                const char     *password)
{
  g_autofree char *json = imap_test_server_credential (server, "test-imap");
  g_autofree char *name = conduit_credential_dup_env_name ("test-imap");

  if (password != NULL)
    {
      g_autofree char *right = g_strdup_printf ("\"%s\"", IMAP_TEST_PASSWORD);
      g_autofree char *wrong = g_strdup_printf ("\"%s\"", password);
      g_auto(GStrv) parts = g_strsplit (json, right, -1);

      g_free (json);
      json = g_strjoinv (wrong, parts);
    }
  g_setenv (name, json, TRUE);
}

static ConduitFlow *
trigger_flow (const char *name,
              const char *settings)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
    "  { \"id\": \"mail\", \"type\": \"imap-new-mail\", \"position\": [0, 0],"
    "    \"settings\": { \"credential\": \"test-imap\", %s } },"
    "  { \"id\": \"all\", \"type\": \"filter\", \"position\": [200, 0],"
    "    \"settings\": { \"condition\": \"true\" } } ],"
    " \"links\": [ { \"from\": \"mail\", \"from_port\": \"out\", \"to\": \"all\", \"to_port\": \"in\" } ] }",
    name, settings);

  return runner_test_flow (json);
}

static ConduitRun *
poll (RunnerFixture *fixture,
      ConduitFlow   *flow)
{
  g_autoptr(GError) error = NULL;
  ConduitRun *run = conduit_runner_create_run (fixture->runner, flow, "mail", NULL, NULL, &error);

  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, NULL, NULL);
  /* bounded: every IMAP exchange has a timeout of its own */
  for (guint i = 0; i < 6000 && conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_RUNNING);
  return run;
}

static GPtrArray *
messages (ConduitRun *run)
{
  GPtrArray *items = conduit_run_get_node_output (run, "mail", "out");

  if (conduit_run_get_node_error (run, "mail") != NULL)
    g_test_message ("%s", conduit_run_get_node_error (run, "mail"));
  g_assert_null (conduit_run_get_node_error (run, "mail"));
  return items;
}

static guint
poll_count (RunnerFixture *fixture,
            ConduitFlow   *flow)
{
  g_autoptr(ConduitRun) run = poll (fixture, flow);
  GPtrArray *items = messages (run);

  return items ? items->len : 0;
}

static const char *
subject_of (GPtrArray *items,
            guint      index)
{
  return json_object_get_string_member (json_node_get_object (g_ptr_array_index (items, index)),
                                        "subject");
}

/* A new runner and history over the same database: what starting the app again does. */
static void
restart (RunnerFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "history.db", NULL);
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->history);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->history);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);
  conduit_runner_set_clock (fixture->runner, fixture->clock);
}

static void
test_each_once (RunnerFixture *fixture,
                gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) first = NULL;
  g_autoptr(ConduitRun) renumbered = NULL;
  g_autofree char *flags = NULL;
  ImapTestServer *server;
  GPtrArray *items;
  JsonObject *a;
  JsonObject *b;
  JsonArray *to;
  JsonArray *attachments;
  JsonObject *attachment;
  g_autofree guchar *bytes = NULL;
  gint64 old_validity;
  gsize size;

  if (!mail_test_require ("imap"))
    return;
  server = imap_test_server_start (fixture->dir);
  set_credential (server, NULL);
  g_free (imap_test_server_run (server, NULL, "CREATE Orders"));
  imap_test_server_append (server, "Orders", MESSAGE_A);
  imap_test_server_append (server, "Orders", MESSAGE_B);

  flow = trigger_flow ("Orders mail", "\"folder\": \"Orders\"");
  first = poll (fixture, flow);
  items = messages (first);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 2);

  a = json_node_get_object (g_ptr_array_index (items, 0));
  g_assert_cmpstr (json_object_get_string_member (a, "subject"), ==, "Bestellung ✓ Grüße");
  g_assert_cmpstr (json_object_get_string_member (a, "from"), ==, "Bob Müller <bob@example.com>");
  g_assert_cmpstr (json_object_get_string_member (a, "from_address"), ==, "bob@example.com");
  g_assert_cmpstr (json_object_get_string_member (a, "message_id"), ==, "order-a@example.com");
  g_assert_cmpstr (json_object_get_string_member (a, "date"), ==, "2026-12-06T10:15:00+01");
  /* ISO-8859-1 quoted-printable, read as UTF-8 with LF line ends */
  g_assert_cmpstr (json_object_get_string_member (a, "text"), ==, "Grüße aus Köln\nZeile zwei\n");
  g_assert_true (json_object_get_null_member (a, "html"));
  to = json_object_get_array_member (a, "to");
  g_assert_cmpuint (json_array_get_length (to), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (to, 1), ==, "ops@example.com");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (a, "cc"), 0), ==,
                   "boss@example.com");
  g_assert_cmpstr (json_object_get_string_member (a, "folder"), ==, "Orders");
  g_assert_cmpint (json_object_get_int_member (a, "uid"), ==, 1);
  g_assert_false (json_object_get_boolean_member (a, "was_read"));
  old_validity = json_object_get_int_member (a, "uidvalidity");
  g_assert_cmpint (old_validity, >, 0);

  b = json_node_get_object (g_ptr_array_index (items, 1));
  g_assert_cmpstr (json_object_get_string_member (b, "text"), ==, "Your invoice");
  g_assert_cmpstr (json_object_get_string_member (b, "html"), ==, "<p>Your <b>invoice</b></p>");
  attachments = json_object_get_array_member (b, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==, "Résumé.bin");
  g_assert_cmpstr (json_object_get_string_member (attachment, "type"), ==, "application/octet-stream");
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, 5);
  bytes = g_base64_decode (json_object_get_string_member (attachment, "content"), &size);
  g_assert_cmpmem (bytes, size, "\x00\x01\xfe\xff" "Z", 5);

  /* "leave": reading them did not mark them read */
  flags = imap_test_server_run (server, "Orders", "UID FETCH 1:* (FLAGS)");
  g_assert_null (strstr (flags, "\\Seen"));

  /* polled again: nothing new; one new message: only it */
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);
  append_simple (server, "Orders", "c");
  {
    g_autoptr(ConduitRun) run = poll (fixture, flow);
    items = messages (run);
    g_assert_cmpuint (items->len, ==, 1);
    g_assert_cmpstr (subject_of (items, 0), ==, "Message c");
  }

  /* the place survives a restart */
  restart (fixture);
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);
  append_simple (server, "Orders", "d");
  g_assert_cmpuint (poll_count (fixture, flow), ==, 1);

  /* The folder is recreated: new UIDVALIDITY, UIDs from 1 again. The messages already passed
   * on do not fire again; the one that is new does. */
  g_free (imap_test_server_run (server, NULL, "DELETE Orders"));
  g_free (imap_test_server_run (server, NULL, "CREATE Orders"));
  imap_test_server_append (server, "Orders", MESSAGE_A);
  imap_test_server_append (server, "Orders", MESSAGE_B);
  append_simple (server, "Orders", "c");
  append_simple (server, "Orders", "d");
  append_simple (server, "Orders", "e");
  renumbered = poll (fixture, flow);
  items = messages (renumbered);
  g_assert_nonnull (items);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (subject_of (items, 0), ==, "Message e");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (items, 0)),
                                               "uidvalidity"), !=, old_validity);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (items, 0)),
                                               "uid"), ==, 5);
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);

  /* started and recorded as the scheduler and `conduit-cli run` start it */
  append_simple (server, "Orders", "f");
  {
    g_autoptr(ConduitRun) recorded = runner_test_run (fixture, flow, NULL);
    guint ok = 0;

    g_assert_cmpint (conduit_run_get_id (recorded), >, 0);
    g_assert_true (conduit_run_get_node_counts (recorded, "mail", NULL, &ok, NULL, NULL));
    g_assert_cmpuint (ok, ==, 1);
    g_assert_true (conduit_run_get_node_counts (recorded, "all", NULL, &ok, NULL, NULL));
    g_assert_cmpuint (ok, ==, 1);
  }

  imap_test_server_stop (server);
}

static void
test_mark_read_and_move (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConduitFlow) mark = NULL;
  g_autoptr(ConduitFlow) move = NULL;
  g_autofree char *flags = NULL;
  g_autofree char *left = NULL;
  g_autofree char *moved = NULL;
  ImapTestServer *server;

  if (!mail_test_require ("imap"))
    return;
  server = imap_test_server_start (fixture->dir);
  set_credential (server, NULL);
  g_free (imap_test_server_run (server, NULL, "CREATE Done"));
  append_simple (server, "INBOX", "one");
  append_simple (server, "INBOX", "two");

  mark = trigger_flow ("Mark read", "\"after_reading\": \"mark-read\"");
  g_assert_cmpuint (poll_count (fixture, mark), ==, 2);
  flags = imap_test_server_run (server, "INBOX", "UID FETCH 1:* (FLAGS)");
  g_assert_nonnull (strstr (flags, "* 1 FETCH (UID 1 FLAGS (\\Seen"));
  g_assert_nonnull (strstr (flags, "* 2 FETCH (UID 2 FLAGS (\\Seen"));

  /* another flow has its own place: it reads them too, and moves them */
  move = trigger_flow ("Move", "\"after_reading\": \"move\", \"move_to\": \"Done\"");
  g_assert_cmpuint (poll_count (fixture, move), ==, 2);
  left = imap_test_server_run (server, "INBOX", "UID SEARCH ALL");
  g_assert_nonnull (strstr (left, "* SEARCH"));
  g_assert_null (strstr (left, "* SEARCH 1"));
  moved = imap_test_server_run (server, "Done", "UID SEARCH ALL");
  g_assert_nonnull (strstr (moved, "* SEARCH 1 2"));
  g_assert_cmpuint (poll_count (fixture, move), ==, 0);

  imap_test_server_stop (server);
}

static void
test_wrong_password (RunnerFixture *fixture,
                     gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  ImapTestServer *server;
  const char *error;

  if (!mail_test_require ("imap"))
    return;
  server = imap_test_server_start (fixture->dir);
  set_credential (server, "not-the-password");
  append_simple (server, "INBOX", "one");

  flow = trigger_flow ("Wrong", "\"folder\": \"INBOX\"");
  run = poll (fixture, flow);
  error = conduit_run_get_node_error (run, "mail");
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, IMAP_TEST_USER));
  g_assert_nonnull (strstr (error, "sign-in"));
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);

  imap_test_server_stop (server);
}

/* IMAPS and STARTTLS with the test's own certificate as the CA; without it, nothing is read. */
static void
test_tls (RunnerFixture *fixture,
          gconstpointer  data)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *name = conduit_credential_dup_env_name ("test-imap");
  g_autoptr(ConduitFlow) implicit = NULL;
  g_autoptr(ConduitFlow) upgraded = NULL;
  g_autoptr(ConduitFlow) untrusted = NULL;
  g_autoptr(ConduitRun) refused = NULL;
  ImapTestServer *server;

  if (!mail_test_require ("imap"))
    return;
  mail_test_make_certificate (fixture->dir, &cert, &key);
  server = imap_test_server_start_tls (fixture->dir, cert, key);
  append_simple (server, "INBOX", "secure");

  {
    g_autofree char *json = g_strdup_printf (
      "{\"id\": \"test-imap\", \"kind\": \"imap\", \"fields\": {\"host\": \"127.0.0.1\", "
      "\"port\": \"%u\", \"security\": \"tls\", \"ca_file\": \"%s\", \"user\": \"%s\"}, "
      "\"secrets\": {\"password\": \"%s\"}}", server->tls_port, cert, IMAP_TEST_USER,
      IMAP_TEST_PASSWORD);
    g_setenv (name, json, TRUE);
  }
  implicit = trigger_flow ("IMAPS", "\"folder\": \"INBOX\"");
  g_assert_cmpuint (poll_count (fixture, implicit), ==, 1);

  {
    g_autofree char *json = g_strdup_printf (
      "{\"id\": \"test-imap\", \"kind\": \"imap\", \"fields\": {\"host\": \"127.0.0.1\", "
      "\"port\": \"%u\", \"security\": \"starttls\", \"ca_file\": \"%s\", \"user\": \"%s\"}, "
      "\"secrets\": {\"password\": \"%s\"}}", server->port, cert, IMAP_TEST_USER,
      IMAP_TEST_PASSWORD);
    g_setenv (name, json, TRUE);
  }
  upgraded = trigger_flow ("STARTTLS", "\"folder\": \"INBOX\"");
  g_assert_cmpuint (poll_count (fixture, upgraded), ==, 1);

  {
    g_autofree char *json = g_strdup_printf (
      "{\"id\": \"test-imap\", \"kind\": \"imap\", \"fields\": {\"host\": \"127.0.0.1\", "
      "\"port\": \"%u\", \"security\": \"tls\", \"user\": \"%s\"}, "
      "\"secrets\": {\"password\": \"%s\"}}", server->tls_port, IMAP_TEST_USER,
      IMAP_TEST_PASSWORD);
    g_setenv (name, json, TRUE);
  }
  untrusted = trigger_flow ("Untrusted", "\"folder\": \"INBOX\"");
  refused = poll (fixture, untrusted);
  g_assert_nonnull (conduit_run_get_node_error (refused, "mail"));
  g_assert_nonnull (strstr (conduit_run_get_node_error (refused, "mail"), "certificate"));
  g_assert_cmpint (conduit_run_get_status (refused), ==, CONDUIT_RUN_STATUS_FAILED);

  imap_test_server_stop (server);
}

/* A forwarded message is an attachment holding the whole inner message, as an .eml file would. */
static void
test_read_forwarded (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "fuzz", "corpus",
                                            "mime-message", "forwarded-message.eml", NULL);
  g_autofree char *data = NULL;
  g_autofree guchar *inner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) item = NULL;
  JsonObject *object;
  JsonObject *attachment;
  JsonArray *attachments;
  gsize size;

  g_file_get_contents (path, &data, &size, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (data, size);
  item = conduit_mail_parse_message (bytes, &error);
  g_assert_no_error (error);
  object = json_node_get_object (item);
  g_assert_cmpstr (json_object_get_string_member (object, "text"), ==, "see below");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "to")), ==, 0);
  attachments = json_object_get_array_member (object, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  attachment = json_array_get_object_element (attachments, 0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==, "message.eml");
  g_assert_cmpstr (json_object_get_string_member (attachment, "type"), ==, "message/rfc822");
  inner = g_base64_decode (json_object_get_string_member (attachment, "content"), &size);
  g_assert_cmpint (json_object_get_int_member (attachment, "size"), ==, (gint64)size);
  g_assert_true (size > 20 && memcmp (inner, "From: c@example.com", 19) == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  conduit_mail_init ();

  g_test_add ("/conduit/mail/trigger/each-once", RunnerFixture, NULL, runner_fixture_set_up,
              test_each_once, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/trigger/mark-read-and-move", RunnerFixture, NULL,
              runner_fixture_set_up, test_mark_read_and_move, runner_fixture_tear_down);
  g_test_add ("/conduit/mail/trigger/wrong-password", RunnerFixture, NULL, runner_fixture_set_up,
              test_wrong_password, runner_fixture_tear_down);

  g_test_add ("/conduit/mail/trigger/tls", RunnerFixture, NULL, runner_fixture_set_up,
              test_tls, runner_fixture_tear_down);
  g_test_add_func ("/conduit/mail/read/forwarded", test_read_forwarded);

  return g_test_run ();
}
