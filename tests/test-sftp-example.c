/* test-sftp-example.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-mail.h"
#include "conduit-record-file.h"
#include "mail-test-servers.h"
#include "sftp-test-server.h"
#include "test-util.h"

/* The example flow data/examples/new-xlsx-on-sftp-to-email.conduit run headless, as a server
 * runs it (`conduit-cli run`), against OpenSSH's sshd and the aiosmtpd SMTP server on
 * 127.0.0.1: a workbook dropped into the watched folder is mailed once, summarised, with the
 * workbook attached byte for byte; a second run (a new process over the same history) mails
 * nothing. Only what points at the world changes: the folder becomes the test server's, the
 * credentials come from CONDUIT_CREDENTIAL_* variables, and the files count at once (the
 * example waits 30 seconds for a file to settle). */

#define EXAMPLE "new-xlsx-on-sftp-to-email.conduit"

static char *
example_for (const char *folder,
             const char *dir)
{
  g_autofree char *source = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples",
                                              EXAMPLE, NULL);
  g_autofree char *path = g_build_filename (dir, EXAMPLE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *nodes;
  JsonObject *settings = NULL;

  json_parser_load_from_file (parser, source, &error);
  g_assert_no_error (error);
  nodes = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_str_equal (json_object_get_string_member (node, "type"), "sftp-new-file"))
        settings = json_object_get_object_member (node, "settings");
    }
  g_assert_nonnull (settings);
  json_object_set_string_member (settings, "folder", folder);
  json_object_set_int_member (settings, "min_age_seconds", 0);

  json_generator_set_root (generator, json_parser_get_root (parser));
  json_generator_to_file (generator, path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
set_credential (const char *id,
                const char *json)
{
  g_autofree char *name = conduit_credential_dup_env_name (id);

  g_setenv (name, json, TRUE);
}

static int
run_cli (const char *flow,
         const char *history,
         char      **output)
{
  const char *argv[] = { g_getenv ("CONDUIT_CLI"), "run", flow, "--history", history, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, output, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", *output);
  return g_subprocess_get_exit_status (process);
}

/* `conduit-cli test save` then `conduit-cli test`: how the shipped tests file is made */
static void
save_and_replay (const char *flow,
                 const char *history)
{
  const char *save[] = { g_getenv ("CONDUIT_CLI"), "test", "save", "1", "--flow", flow,
                         "--history", history, "--name", "new workbook mailed once", NULL };
  const char *replay[] = { g_getenv ("CONDUIT_CLI"), "test", flow, NULL };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GSubprocess) process = NULL;
      g_autofree char *out = NULL;

      process = g_subprocess_newv (i == 0 ? save : replay, G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                           G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_test_message ("%s", out);
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
      if (i == 1)
        g_assert_true (g_str_has_prefix (out, "PASS"));
    }
}

static void
test_example_headless (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-sftp-example-XXXXXX", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(JsonNode) mail = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *history = NULL;
  g_autofree char *output = NULL;
  g_autofree char *second = NULL;
  g_autofree char *sftp_json = NULL;
  g_autofree char *smtp_json = NULL;
  g_autofree char *bytes = NULL;
  g_autofree guchar *attached = NULL;
  JsonObject *object;
  JsonObject *attachment;
  SftpTestServer *sftp;
  SmtpTestServer *smtp;
  gsize length;
  gsize attached_length;

  if (!sftp_test_require () || !mail_test_require ("smtp"))
    return;
  sftp = sftp_test_server_start (dir);
  smtp = smtp_test_server_start (dir, NULL);

  /* the shop's export: three orders in a workbook */
  folder = sftp_test_server_path (sftp, "incoming");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *row = g_strdup_printf ("{\"order\": \"SO-%u\", \"total\": %u.5}", i, i * 10);

      g_ptr_array_add (records, json_from_string (row, NULL));
    }
  workbook = g_build_filename (folder, "orders-2026-12-06.xlsx", NULL);
  g_assert_true (conduit_records_write_path (workbook, records, CONDUIT_RECORD_FORMAT_XLSX, NULL,
                                             FALSE, &error));
  g_assert_no_error (error);

  flow = example_for (folder, dir);
  sftp_json = sftp_test_server_credential (sftp, "orders-sftp", sftp->fingerprint, NULL);
  set_credential ("orders-sftp", sftp_json);
  smtp_json = g_strdup_printf ("{\"id\": \"orders-smtp\", \"kind\": \"smtp\", \"fields\": "
                               "{\"host\": \"127.0.0.1\", \"port\": \"%u\", \"security\": "
                               "\"none\"}}", smtp->port);
  set_credential ("orders-smtp", smtp_json);
  history = g_build_filename (dir, "history.db", NULL);

  g_assert_cmpint (run_cli (flow, history, &output), ==, 0);
  g_assert_cmpuint (smtp_test_server_count (smtp), ==, 1);

  message = smtp_test_server_message (smtp, 1);
  mail = conduit_mail_parse_message (message, &error);
  g_assert_no_error (error);
  object = json_node_get_object (mail);
  g_assert_cmpstr (json_object_get_string_member (object, "subject"), ==,
                   "New orders workbook: orders-2026-12-06.xlsx");
  g_assert_nonnull (strstr (json_object_get_string_member (object, "text"), "Order rows: 3"));
  g_assert_nonnull (strstr (json_object_get_string_member (object, "text"),
                            "File: orders-2026-12-06.xlsx"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "attachments")),
                    ==, 1);
  attachment = json_array_get_object_element (json_object_get_array_member (object, "attachments"),
                                              0);
  g_assert_cmpstr (json_object_get_string_member (attachment, "name"), ==,
                   "orders-2026-12-06.xlsx");
  attached = g_base64_decode (json_object_get_string_member (attachment, "content"),
                              &attached_length);
  g_file_get_contents (workbook, &bytes, &length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (attached, attached_length, bytes, length);

  /* started again, as serve or cron would: the workbook was mailed already */
  g_assert_cmpint (run_cli (flow, history, &second), ==, 0);
  g_assert_cmpuint (smtp_test_server_count (smtp), ==, 1);

  smtp_test_server_stop (smtp);
  sftp_test_server_stop (sftp);

  /* the first run, kept as a test, replays with both servers gone */
  save_and_replay (flow, history);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/sftp/example/headless", test_example_headless);

  return g_test_run ();
}
