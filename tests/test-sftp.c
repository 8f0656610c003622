/* test-sftp.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "conduit.h"
#include "conduit-record-file.h"
#include "runner-test-util.h"
#include "sftp-test-server.h"

/* Upload File, Download File and New File on SFTP in flows run by the real runner, against
 * OpenSSH's sshd on 127.0.0.1 (tests/sftp-test-server.c): items written as CSV and XLSX files
 * and read back, a local file uploaded byte for byte, records and whole files downloaded, a
 * missing file failing its item, each new file firing once across polls and a restart, and
 * the refusals: an unknown host key (with its fingerprint), a wrong one, a wrong password. */

static void
set_credential (SftpTestServer *server,
                const char     *host_key,
                const char     *password)
{
  g_autofree char *json = sftp_test_server_credential (server, "test-sftp", host_key, password);
  g_autofree char *name = conduit_credential_dup_env_name ("test-sftp");

  g_setenv (name, json, TRUE);
}

static ConduitFlow *
step_flow (const char *type,
           const char *settings)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"SFTP %s\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"step\", \"type\": \"%s\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"test-sftp\", %s } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"step\", \"to_port\": \"in\" } ] }",
    type, type, settings);

  return runner_test_flow (json);
}

static ConduitFlow *
trigger_flow (const char *settings)
{
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"New files\", \"nodes\": ["
    "  { \"id\": \"files\", \"type\": \"sftp-new-file\", \"position\": [0, 0],"
    "    \"settings\": { \"credential\": \"test-sftp\", %s } },"
    "  { \"id\": \"all\", \"type\": \"filter\", \"position\": [200, 0],"
    "    \"settings\": { \"condition\": \"true\" } } ],"
    " \"links\": [ { \"from\": \"files\", \"from_port\": \"out\", \"to\": \"all\", \"to_port\": \"in\" } ] }",
    settings);

  return runner_test_flow (json);
}

static ConduitRun *
run_from (RunnerFixture *fixture,
          ConduitFlow   *flow,
          const char    *trigger,
          const char    *items_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = items_json ? runner_test_parse_items (items_json) : NULL;
  ConduitRun *run = conduit_runner_create_run (fixture->runner, flow, trigger, NULL, items,
                                               &error);

  g_assert_no_error (error);
  conduit_run_set_keep_outputs (run, TRUE);
  conduit_run_execute_async (run, NULL, NULL, NULL);
  /* bounded: every exchange with sshd has a timeout of its own */
  for (guint i = 0; i < 6000 && conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (conduit_run_get_status (run), !=, CONDUIT_RUN_STATUS_RUNNING);
  return run;
}

static GPtrArray *
output_of (ConduitRun *run,
           const char *node,
           const char *port)
{
  GPtrArray *items = conduit_run_get_node_output (run, node, port);

  if (conduit_run_get_node_error (run, node) != NULL)
    g_test_message ("%s", conduit_run_get_node_error (run, node));
  g_assert_null (conduit_run_get_node_error (run, node));
  return items;
}

static guint
count (GPtrArray *items)
{
  return items != NULL ? items->len : 0;
}

static const char *
member (GPtrArray  *items,
        guint       index,
        const char *name)
{
  return json_object_get_string_member (json_node_get_object (g_ptr_array_index (items, index)),
                                        name);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

#define ORDERS \
  "[{\"id\": \"A-1\", \"customer\": \"Grüße GmbH\", \"total\": 12.5, \"size\": \"big\"}," \
  " {\"id\": \"A-2\", \"customer\": \"Ada, Ltd\", \"total\": 7, \"size\": \"small\"}," \
  " {\"id\": \"A-3\", \"customer\": \"Bob\", \"total\": 100, \"size\": \"big\"}]"

static void
test_upload (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(ConduitFlow) csv_flow = NULL;
  g_autoptr(ConduitFlow) xlsx_flow = NULL;
  g_autoptr(ConduitFlow) keep_flow = NULL;
  g_autoptr(ConduitFlow) local_flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitRun) xlsx_run = NULL;
  g_autoptr(ConduitRun) refused = NULL;
  g_autoptr(ConduitRun) local_run = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *text = NULL;
  g_autofree char *local = NULL;
  g_autofree char *local_settings = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *xlsx_path = NULL;
  GPtrArray *out;
  GPtrArray *failed;
  SftpTestServer *server;
  gsize n_bytes = 1024 * 1024 + 7;   /* several writes, the last a short one */
  g_autofree guint8 *every_byte = g_malloc (n_bytes);
  g_autofree char *copied_bytes = NULL;
  gsize copied_length = 0;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  set_credential (server, server->fingerprint, NULL);

  /* items grouped by the path they render to: two files */
  settings = g_strdup_printf ("\"remote_path\": \"%s/orders-{{size}}.csv\"", server->root);
  csv_flow = step_flow ("sftp-upload", settings);
  run = run_from (fixture, csv_flow, "start", ORDERS);
  out = output_of (run, "step", "out");
  g_assert_cmpuint (count (out), ==, 2);
  csv_path = sftp_test_server_path (server, "orders-big.csv");
  text = read_text (csv_path);
  g_assert_cmpstr (text, ==, "id,customer,total,size\r\nA-1,Grüße GmbH,12.5,big\r\nA-3,Bob,100,big\r\n");
  g_assert_cmpstr (member (out, 0, "path"), ==, csv_path);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (out, 0)),
                                               "records"), ==, 2);
  g_free (text);
  {
    g_autofree char *small = sftp_test_server_path (server, "orders-small.csv");
    g_autofree char *part = sftp_test_server_path (server, ".orders-big.csv.conduit-part");

    text = read_text (small);
    g_assert_cmpstr (text, ==, "id,customer,total,size\r\nA-2,\"Ada, Ltd\",7,small\r\n");
    /* no temporary file is left behind */
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }

  /* XLSX, read back from the server's disk by the record reader */
  g_free (settings);
  settings = g_strdup_printf ("\"remote_path\": \"%s/orders.xlsx\"", server->root);
  xlsx_flow = step_flow ("sftp-upload", settings);
  xlsx_run = run_from (fixture, xlsx_flow, "start", ORDERS);
  g_assert_cmpuint (count (output_of (xlsx_run, "step", "out")), ==, 1);
  xlsx_path = sftp_test_server_path (server, "orders.xlsx");
  records = conduit_records_read_path (xlsx_path, CONDUIT_RECORD_FORMAT_XLSX, 0, NULL, 0, NULL,
                                       &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (records, 0)),
                                                  "customer"), ==, "Grüße GmbH");

  /* "fail" keeps an existing file and fails every item meant for it */
  g_free (settings);
  settings = g_strdup_printf ("\"remote_path\": \"%s/orders-big.csv\", \"if_exists\": \"fail\"",
                              server->root);
  keep_flow = step_flow ("sftp-upload", settings);
  refused = run_from (fixture, keep_flow, "start", ORDERS);
  failed = output_of (refused, "step", "error");
  g_assert_cmpuint (count (failed), ==, 3);
  {
    JsonObject *error_object = json_object_get_object_member (
      json_node_get_object (g_ptr_array_index (failed, 0)), "error");
    g_assert_nonnull (strstr (json_object_get_string_member (error_object, "message"),
                              "exists already"));
  }
  g_free (text);
  text = read_text (csv_path);
  g_assert_cmpstr (text, ==, "id,customer,total,size\r\nA-1,Grüße GmbH,12.5,big\r\nA-3,Bob,100,big\r\n");

  /* a local file of every byte value, larger than one write */
  for (gsize i = 0; i < n_bytes; i++)
    every_byte[i] = (guint8)(i * 7 + i / 256);
  local = g_build_filename (fixture->dir, "bytes.bin", NULL);
  g_file_set_contents (local, (const char *)every_byte, (gssize)n_bytes, &error);
  g_assert_no_error (error);
  local_settings = g_strdup_printf ("\"source\": \"local-file\", \"local_path\": \"{{file}}\", "
                                    "\"remote_path\": \"%s/copy-{{n}}.bin\"", server->root);
  local_flow = step_flow ("sftp-upload", local_settings);
  {
    g_autofree char *items = g_strdup_printf ("[{\"file\": \"%s\", \"n\": 1}]", local);
    local_run = run_from (fixture, local_flow, "start", items);
  }
  g_assert_cmpuint (count (output_of (local_run, "step", "out")), ==, 1);
  copied = sftp_test_server_path (server, "copy-1.bin");
  g_file_get_contents (copied, &copied_bytes, &copied_length, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (copied_bytes, copied_length, every_byte, n_bytes);

  sftp_test_server_stop (server);
}

static void
test_download (RunnerFixture *fixture,
               gconstpointer  data)
{
  g_autoptr(ConduitFlow) records_flow = NULL;
  g_autoptr(ConduitFlow) file_flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitRun) file_run = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *items = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *missing = NULL;
  g_autofree guchar *content = NULL;
  GPtrArray *out;
  GPtrArray *failed;
  JsonObject *file;
  JsonObject *error_object;
  JsonArray *attachments;
  SftpTestServer *server;
  gsize length;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  set_credential (server, server->fingerprint, NULL);

  csv = sftp_test_server_path (server, "in.csv");
  write_text (csv, "id;amount\n1;10\n2;20,5\n3;x\n");
  missing = sftp_test_server_path (server, "nowhere.csv");

  /* records: one item per row, each path its own file; a missing file fails its item only */
  settings = g_strdup ("\"remote_path\": \"{{path}}\"");
  records_flow = step_flow ("sftp-download", settings);
  items = g_strdup_printf ("[{\"path\": \"%s\"}, {\"path\": \"%s\"}]", csv, missing);
  run = run_from (fixture, records_flow, "start", items);
  out = output_of (run, "step", "out");
  g_assert_cmpuint (count (out), ==, 3);
  g_assert_cmpstr (member (out, 1, "amount"), ==, "20,5");
  g_assert_cmpstr (member (out, 2, "id"), ==, "3");
  failed = conduit_run_get_node_output (run, "step", "error");
  g_assert_cmpuint (count (failed), ==, 1);
  error_object = json_object_get_object_member (json_node_get_object (g_ptr_array_index (failed, 0)),
                                                "error");
  g_assert_cmpstr (json_object_get_string_member (error_object, "kind"), ==, "sftp-not-found");
  g_assert_nonnull (strstr (json_object_get_string_member (error_object, "message"), missing));
  g_assert_nonnull (strstr (json_object_get_string_member (error_object, "message"),
                            "no such file"));

  /* the file as one item, its bytes as content and as an attachment Send E-mail takes */
  file_flow = step_flow ("sftp-download", "\"remote_path\": \"{{path}}\", \"output\": \"file\"");
  g_free (items);
  items = g_strdup_printf ("[{\"path\": \"%s\"}]", csv);
  file_run = run_from (fixture, file_flow, "start", items);
  out = output_of (file_run, "step", "out");
  g_assert_cmpuint (count (out), ==, 1);
  file = json_node_get_object (g_ptr_array_index (out, 0));
  g_assert_cmpstr (json_object_get_string_member (file, "name"), ==, "in.csv");
  g_assert_cmpint (json_object_get_int_member (file, "size"), ==, 26);
  g_assert_cmpint (json_object_get_int_member (file, "record_count"), ==, 3);
  content = g_base64_decode (json_object_get_string_member (file, "content"), &length);
  g_assert_cmpmem (content, length, "id;amount\n1;10\n2;20,5\n3;x\n", 26);
  attachments = json_object_get_array_member (file, "attachments");
  g_assert_cmpuint (json_array_get_length (attachments), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (attachments, 0),
                                                  "type"), ==, "text/csv");

  /* a file of many reads in flight at once, not a multiple of their size: byte for byte */
  {
    gsize size = 3 * 1024 * 1024 + 123;
    g_autofree guint8 *random = g_malloc (size);
    g_autofree char *big = sftp_test_server_path (server, "big.bin");
    g_autofree char *big_items = g_strdup_printf ("[{\"path\": \"%s\"}]", big);
    g_autofree guchar *got = NULL;
    g_autoptr(ConduitRun) big_run = NULL;
    g_autoptr(GError) error = NULL;
    gsize got_length;

    for (gsize i = 0; i < size; i++)
      random[i] = (guint8)g_random_int ();
    g_file_set_contents (big, (const char *)random, (gssize)size, &error);
    g_assert_no_error (error);
    big_run = run_from (fixture, file_flow, "start", big_items);
    out = output_of (big_run, "step", "out");
    g_assert_cmpuint (count (out), ==, 1);
    got = g_base64_decode (json_object_get_string_member (json_node_get_object (g_ptr_array_index (out, 0)),
                                                          "content"), &got_length);
    g_assert_cmpmem (got, got_length, random, size);

    /* past the step's limit: its item fails, saying so */
    {
      g_autoptr(ConduitFlow) limited = step_flow ("sftp-download", "\"remote_path\": \"{{path}}\", "
                                                                  "\"max_megabytes\": 1");
      g_autoptr(ConduitRun) refused = run_from (fixture, limited, "start", big_items);
      GPtrArray *too_large = conduit_run_get_node_output (refused, "step", "error");

      g_assert_cmpuint (count (too_large), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (json_node_get_object (g_ptr_array_index (too_large, 0)),
                                                        "error"), "kind"), ==, "sftp-too-large");
      g_assert_cmpuint (count (conduit_run_get_node_output (refused, "step", "out")), ==, 0);
    }
  }

  sftp_test_server_stop (server);
}

static guint
poll_count (RunnerFixture *fixture,
            ConduitFlow   *flow)
{
  g_autoptr(ConduitRun) run = run_from (fixture, flow, "files", NULL);

  return count (output_of (run, "files", "out"));
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
test_new_file_once (RunnerFixture *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) first = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *inbox = NULL;
  g_autofree char *path = NULL;
  SftpTestServer *server;
  GPtrArray *files;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  set_credential (server, server->fingerprint, NULL);
  inbox = sftp_test_server_path (server, "inbox");
  g_assert_cmpint (g_mkdir (inbox, 0755), ==, 0);

  path = g_build_filename (inbox, "a.xlsx", NULL);
  write_text (path, "a");
  g_free (path);
  path = g_build_filename (inbox, "b.xlsx", NULL);
  write_text (path, "bb");
  g_free (path);
  path = g_build_filename (inbox, "notes.txt", NULL);
  write_text (path, "not matching");
  g_free (path);
  path = g_build_filename (inbox, ".c.xlsx.conduit-part", NULL);
  write_text (path, "still being written");
  g_free (path);
  path = g_build_filename (inbox, "folder.xlsx", NULL);
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);

  settings = g_strdup_printf ("\"folder\": \"%s\", \"pattern\": \"*.xlsx\"", inbox);
  flow = trigger_flow (settings);
  first = run_from (fixture, flow, "files", NULL);
  files = output_of (first, "files", "out");
  g_assert_cmpuint (count (files), ==, 2);
  {
    g_autofree char *a = g_build_filename (inbox, "a.xlsx", NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < files->len; i++)
      g_ptr_array_add (names, (char *)member (files, i, "name"));
    g_assert_true (g_ptr_array_find_with_equal_func (names, "a.xlsx", g_str_equal, NULL));
    g_assert_true (g_ptr_array_find_with_equal_func (names, "b.xlsx", g_str_equal, NULL));
    for (guint i = 0; i < files->len; i++)
      if (g_str_equal (member (files, i, "name"), "a.xlsx"))
        {
          JsonObject *object = json_node_get_object (g_ptr_array_index (files, i));

          g_assert_cmpstr (json_object_get_string_member (object, "path"), ==, a);
          g_assert_cmpint (json_object_get_int_member (object, "size"), ==, 1);
          g_assert_cmpstr (json_object_get_string_member (object, "folder"), ==, inbox);
          g_assert_true (json_object_has_member (object, "modified"));
        }
  }

  /* polled again: nothing; a new file: only it; after a restart: nothing again */
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);
  g_free (path);
  path = g_build_filename (inbox, "d.xlsx", NULL);
  write_text (path, "ddd");
  g_assert_cmpuint (poll_count (fixture, flow), ==, 1);
  restart (fixture);
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);

  /* a file replaced by new data under the same name fires again */
  write_text (path, "dddd, longer");
  g_assert_cmpuint (poll_count (fixture, flow), ==, 1);
  g_assert_cmpuint (poll_count (fixture, flow), ==, 0);

  sftp_test_server_stop (server);
}

static void
test_host_key_refused (RunnerFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) unknown = NULL;
  g_autoptr(ConduitRun) wrong = NULL;
  g_autoptr(ConduitRun) accepted = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *other = NULL;
  g_autofree char *bare = NULL;
  SftpTestServer *server;
  const char *message;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  settings = g_strdup_printf ("\"folder\": \"%s\"", server->root);
  flow = trigger_flow (settings);

  /* no accepted key: refused, and the message shows the key's fingerprint to accept */
  set_credential (server, NULL, NULL);
  unknown = run_from (fixture, flow, "files", NULL);
  g_assert_cmpint (conduit_run_get_status (unknown), ==, CONDUIT_RUN_STATUS_FAILED);
  message = conduit_run_get_node_error (unknown, "files");
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, server->fingerprint));
  g_assert_nonnull (strstr (message, "not known"));

  /* another key accepted: refused, naming both */
  other = sftp_test_other_fingerprint (fixture->dir);
  g_assert_cmpstr (other, !=, server->fingerprint);
  set_credential (server, other, NULL);
  wrong = run_from (fixture, flow, "files", NULL);
  g_assert_cmpint (conduit_run_get_status (wrong), ==, CONDUIT_RUN_STATUS_FAILED);
  message = conduit_run_get_node_error (wrong, "files");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, server->fingerprint));
  g_assert_nonnull (strstr (message, other));

  /* the fingerprint as the message shows it, without its "SHA256:" prefix: accepted */
  bare = g_strdup (server->fingerprint + strlen ("SHA256:"));
  set_credential (server, bare, NULL);
  accepted = run_from (fixture, flow, "files", NULL);
  g_assert_null (conduit_run_get_node_error (accepted, "files"));
  g_assert_cmpint (conduit_run_get_status (accepted), ==, CONDUIT_RUN_STATUS_SUCCEEDED);

  sftp_test_server_stop (server);
}

static void
test_passwords_and_keys (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *name = conduit_credential_dup_env_name ("test-sftp");
  SftpTestServer *server;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  settings = g_strdup_printf ("\"folder\": \"%s\"", server->root);
  flow = trigger_flow (settings);

  /* a wrong password: refused by the server, naming the user */
  {
    g_autoptr(ConduitRun) run = NULL;
    const char *message;

    set_credential (server, server->fingerprint, "not-the-password");
    run = run_from (fixture, flow, "files", NULL);
    g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
    message = conduit_run_get_node_error (run, "files");
    g_assert_nonnull (message);
    g_test_message ("%s", message);
    g_assert_nonnull (strstr (message, "refused the user"));
    g_assert_nonnull (strstr (message, server->user));
    g_assert_null (strstr (message, "not-the-password"));
  }

  /* the right password, where the test server can have one (see sftp-test-server.c) */
  if (server->has_password)
    {
      g_autoptr(ConduitRun) run = NULL;

      set_credential (server, server->fingerprint, SFTP_TEST_PASSWORD);
      run = run_from (fixture, flow, "files", NULL);
      g_assert_null (conduit_run_get_node_error (run, "files"));
      g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
    }
  else
    g_test_message ("sshd runs as an ordinary user here: the right password is not tested");

  /* an encrypted key with its passphrase signs in; with a wrong one it is refused */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(ConduitRun) run = NULL;
      g_autofree char *json = NULL;
      g_autofree char *port = g_strdup_printf ("%u", server->port);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, "sftp");
      json_builder_set_member_name (builder, "fields");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "host");
      json_builder_add_string_value (builder, "127.0.0.1");
      json_builder_set_member_name (builder, "port");
      json_builder_add_string_value (builder, port);
      json_builder_set_member_name (builder, "user");
      json_builder_add_string_value (builder, server->user);
      json_builder_set_member_name (builder, "host_key");
      json_builder_add_string_value (builder, server->fingerprint);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "secrets");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "private_key");
      json_builder_add_string_value (builder, server->locked_key);
      json_builder_set_member_name (builder, "passphrase");
      json_builder_add_string_value (builder, i == 0 ? "pass phrase" : "wrong phrase");
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      g_setenv (name, json, TRUE);

      run = run_from (fixture, flow, "files", NULL);
      if (i == 0)
        {
          g_assert_null (conduit_run_get_node_error (run, "files"));
          g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
        }
      else
        {
          g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
          g_assert_nonnull (strstr (conduit_run_get_node_error (run, "files"), "passphrase"));
        }
    }

  sftp_test_server_stop (server);
}

/* Nothing listens on the port: a connection error naming the address, not a hang. */
static void
test_no_server (RunnerFixture *fixture,
                gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = trigger_flow ("\"folder\": \"/\", \"timeout_seconds\": 5");
  g_autoptr(ConduitRun) run = NULL;
  g_autofree char *name = conduit_credential_dup_env_name ("test-sftp");
  const char *message;

  /* port 9 (discard) is closed on 127.0.0.1 in the test machines */
  g_setenv (name, "{\"kind\": \"sftp\", \"fields\": {\"host\": \"127.0.0.1\", \"port\": \"9\", "
                  "\"user\": \"nobody\"}, \"secrets\": {\"password\": \"x\"}}", TRUE);
  run = run_from (fixture, flow, "files", NULL);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  message = conduit_run_get_node_error (run, "files");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "127.0.0.1:9"));
}

/* serve, with its admin port (whose /metrics counts the polls) at *admin_url */
static GSubprocess *
start_serve (const char     *flow_path,
             const char     *db_path,
             SftpTestServer *server,
             char          **admin_url)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autofree char *credential = sftp_test_server_credential (server, "test-sftp",
                                                             server->fingerprint, NULL);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *argv[] = { g_getenv ("CONDUIT_CLI"), "serve", flow_path, "--history", db_path,
                         "--drain-seconds", "30", "--admin", "127.0.0.1:0", NULL };
  GSubprocess *serve;

  g_subprocess_launcher_setenv (launcher, "CONDUIT_CREDENTIAL_TEST_SFTP", credential, TRUE);
  serve = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  /* "Admin: http://127.0.0.1:PORT/ (healthz, readyz, metrics)" */
  g_assert_true (g_str_has_prefix (line, "Admin: "));
  *admin_url = g_strndup (line + strlen ("Admin: "), strcspn (line + strlen ("Admin: "), " "));
  g_free (line);
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_nonnull (strstr (line, "polling 1 trigger"));
  return serve;
}

/* A counter of serve's /metrics for the flow "Poll files", or a gauge without labels */
static gint64
serve_metric (const char *admin_url,
              const char *series)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (admin_url, "metrics", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  soup_session_set_proxy_resolver (session, NULL);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], series) && lines[i][strlen (series)] == ' ')
      return g_ascii_strtoll (lines[i] + strlen (series) + 1, NULL, 10);
  g_error ("serve's metrics have no %s:\n%s", series, text);
}

#define POLLS_ENDED "conduit_runs_completed_total{flow=\"Poll files\"}"

/* Until serve has ended @n more polls than @since ended polls, waiting up to 30 s */
static void
wait_for_polls (const char *admin_url,
                gint64      since,
                gint64      n)
{
  for (guint i = 0; i < 600; i++)
    {
      if (serve_metric (admin_url, POLLS_ENDED) >= since + n)
        return;
      g_usleep (50 * 1000);
    }
  g_error ("serve did not end %" G_GINT64_FORMAT " more polls in 30 s", n);
}

/* serve, told to stop, ends well */
static void
wait_serve_stopped (GSubprocess *serve)
{
  g_subprocess_wait (serve, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (serve));
  g_assert_cmpint (g_subprocess_get_exit_status (serve), ==, 0);
  g_object_unref (serve);
}

static void
stop_serve (GSubprocess *serve)
{
  g_subprocess_send_signal (serve, SIGTERM);
  wait_serve_stopped (serve);
}

/* Stops serve while a poll is under way: sshd is paused so that the poll's sign-in waits,
 * serve is told to stop, then sshd goes on. The poll must end as it would have (and, finding
 * nothing, leave no run), not be cut into a cancelled run, and serve must wait for it. */
static void
stop_serve_mid_poll (GSubprocess    *serve,
                     const char     *admin_url,
                     SftpTestServer *server)
{
  guint i;

  g_subprocess_send_signal (server->process, SIGSTOP);
  for (i = 0; i < 600 && serve_metric (admin_url, "conduit_runs_in_progress") == 0; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (i, <, 600);
  g_subprocess_send_signal (serve, SIGTERM);
  /* serve took the signal (it says it is not ready while it drains) with the poll still
   * waiting for sshd */
  for (i = 0; i < 600 && serve_metric (admin_url, "conduit_ready") == 1; i++)
    g_usleep (50 * 1000);
  g_assert_cmpuint (i, <, 600);
  g_subprocess_send_signal (server->process, SIGCONT);
  wait_serve_stopped (serve);
}

/* The lines of @path once it holds @n of them, waiting up to 30 s; the file names seen */
static GStrv
wait_for_lines (const char *path,
                guint       n)
{
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (g_file_get_contents (path, &text, NULL, NULL))
        {
          lines = g_strsplit (g_strstrip (text), "\n", -1);
          if (*text != '\0' && g_strv_length (lines) >= n)
            {
              for (guint j = 0; lines[j] != NULL; j++)
                {
                  g_autoptr(JsonNode) node = json_from_string (lines[j], NULL);

                  g_assert_nonnull (node);
                  g_strv_builder_add (names, json_object_get_string_member (json_node_get_object (node),
                                                                            "name"));
                }
              return g_strv_builder_end (names);
            }
        }
      g_usleep (100 * 1000);
    }
  g_error ("%s never had %u lines", path, n);
}

/* `conduit-cli serve` polls New File on SFTP on its own every poll_seconds, each file once,
 * also after serve is restarted. */
static void
test_serve_polls (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autofree char *inbox = NULL;
  g_autofree char *seen = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *flow_path = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *path = NULL;
  g_autofree char *admin_url = NULL;
  g_auto(GStrv) names = NULL;
  g_autoptr(GError) error = NULL;
  SftpTestServer *server;
  GSubprocess *serve;
  gint64 polls;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (fixture->dir);
  inbox = sftp_test_server_path (server, "inbox");
  g_assert_cmpint (g_mkdir (inbox, 0755), ==, 0);
  path = g_build_filename (inbox, "a.csv", NULL);
  write_text (path, "x\n1\n");
  g_free (path);
  path = g_build_filename (inbox, "b.csv", NULL);
  write_text (path, "x\n2\n");

  seen = g_build_filename (fixture->dir, "seen.ndjson", NULL);
  db_path = g_build_filename (fixture->dir, "serve.db", NULL);
  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Poll files\", \"nodes\": ["
    "  { \"id\": \"files\", \"type\": \"sftp-new-file\", \"position\": [0, 0],"
    "    \"settings\": { \"credential\": \"test-sftp\", \"folder\": \"%s\","
    "                    \"pattern\": \"*.csv\", \"poll_seconds\": 1 } },"
    "  { \"id\": \"log\", \"type\": \"write-file\", \"position\": [200, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\", \"mode\": \"append\" } } ],"
    " \"links\": [ { \"from\": \"files\", \"from_port\": \"out\", \"to\": \"log\", \"to_port\": \"in\" } ] }",
    inbox, seen);
  flow_path = g_build_filename (fixture->dir, "poll.conduit", NULL);
  write_text (flow_path, flow);

  /* the first poll comes at once, the next a second after it ended */
  serve = start_serve (flow_path, db_path, server, &admin_url);
  names = wait_for_lines (seen, 2);
  g_assert_cmpuint (g_strv_length (names), ==, 2);
  g_free (path);
  path = g_build_filename (inbox, "c.csv", NULL);
  write_text (path, "x\n3\n");
  g_strfreev (names);
  names = wait_for_lines (seen, 3);
  g_assert_true (g_strv_contains ((const char * const *)names, "c.csv"));
  /* two more polls: nothing again */
  polls = serve_metric (admin_url, POLLS_ENDED);
  wait_for_polls (admin_url, polls, 2);
  g_strfreev (names);
  names = wait_for_lines (seen, 3);
  g_assert_cmpuint (g_strv_length (names), ==, 3);
  stop_serve_mid_poll (serve, admin_url, server);

  /* serve again over the same history: only the file that came meanwhile */
  g_free (path);
  path = g_build_filename (inbox, "d.csv", NULL);
  write_text (path, "x\n4\n");
  g_free (admin_url);
  serve = start_serve (flow_path, db_path, server, &admin_url);
  g_strfreev (names);
  names = wait_for_lines (seen, 4);
  polls = serve_metric (admin_url, POLLS_ENDED);
  wait_for_polls (admin_url, polls, 2);
  g_strfreev (names);
  names = wait_for_lines (seen, 4);
  g_assert_cmpuint (g_strv_length (names), ==, 4);
  g_assert_cmpstr (names[3], ==, "d.csv");
  for (guint i = 0; i < 4; i++)
    for (guint j = i + 1; j < 4; j++)
      g_assert_cmpstr (names[i], !=, names[j]);
  /* stopped right as a poll that found nothing ended: its run is deleted before serve exits */
  polls = serve_metric (admin_url, POLLS_ENDED);
  wait_for_polls (admin_url, polls, 1);
  stop_serve (serve);

  /* every poll was a run, but only the three that found files are kept */
  {
    g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (db_path, &error);
    g_autoptr(GPtrArray) runs = NULL;
    ConduitHistoryQuery query = { .status = -1 };

    g_assert_no_error (error);
    runs = conduit_history_store_list_runs (history, &query, &error);
    g_assert_no_error (error);
    /* a run more would be a poll cut short by a stop, or one deleted too late */
    for (guint i = 0; i < runs->len; i++)
      {
        ConduitRunRecord *record = g_ptr_array_index (runs, i);

        g_test_message ("run %" G_GINT64_FORMAT ": %s, %u items", record->id,
                        conduit_run_status_to_string (record->status), record->items_in);
        g_assert_cmpstr (record->trigger_kind, ==, "poll");
        g_assert_cmpint (record->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
      }
    g_assert_cmpuint (runs->len, ==, 3);
    conduit_history_store_close (history);
  }

  sftp_test_server_stop (server);
}

/* Which steps serve polls comes from the registry: a trigger with a poll_seconds setting. */
static void
test_poll_triggers_from_registry (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  static const struct { const char *type; gint64 seconds; } cases[] = {
    { "sftp-new-file", 300 },
    { "imap-new-mail", 300 },
    { "github.new-issue", 300 },
    { "schedule-trigger", 0 },
    { "webhook-trigger", 0 },
    { "manual-trigger", 0 },
    { "db-new-rows", 0 },      /* an action after a Schedule, polled by that */
    { "sftp-download", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConduitNode) node = conduit_node_new ("n", cases[i].type);

      g_assert_nonnull (conduit_connector_registry_lookup (registry, cases[i].type));
      g_assert_cmpint (conduit_scheduler_get_poll_seconds (registry, node), ==, cases[i].seconds);
    }

  {
    g_autoptr(ConduitNode) node = conduit_node_new ("n", "sftp-new-file");
    g_autoptr(JsonNode) value = json_node_init_int (json_node_alloc (), 45);

    conduit_node_set_setting (node, "poll_seconds", value);
    g_assert_cmpint (conduit_scheduler_get_poll_seconds (registry, node), ==, 45);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/sftp/upload", RunnerFixture, NULL, runner_fixture_set_up, test_upload,
              runner_fixture_tear_down);
  g_test_add ("/conduit/sftp/download", RunnerFixture, NULL, runner_fixture_set_up,
              test_download, runner_fixture_tear_down);
  g_test_add ("/conduit/sftp/new-file/each-once", RunnerFixture, NULL, runner_fixture_set_up,
              test_new_file_once, runner_fixture_tear_down);
  g_test_add ("/conduit/sftp/host-key/refused", RunnerFixture, NULL, runner_fixture_set_up,
              test_host_key_refused, runner_fixture_tear_down);
  g_test_add ("/conduit/sftp/sign-in", RunnerFixture, NULL, runner_fixture_set_up,
              test_passwords_and_keys, runner_fixture_tear_down);
  g_test_add ("/conduit/sftp/serve-polls", RunnerFixture, NULL, runner_fixture_set_up,
              test_serve_polls, runner_fixture_tear_down);
  g_test_add_func ("/conduit/sftp/poll-triggers-from-registry", test_poll_triggers_from_registry);
  g_test_add ("/conduit/sftp/no-server", RunnerFixture, NULL, runner_fixture_set_up,
              test_no_server, runner_fixture_tear_down);

  return g_test_run ();
}
