/* test-sftp-example-app.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>

#include "conduit-graph-node.h"
#include "conduit-graph-view-private.h"
#include "conduit-mail.h"
#include "conduit-record-file.h"
#include "conduit-resources.h"
#include "conduit-window.h"
#include "../mail-test-servers.h"
#include "../sftp-test-server.h"
#include "test-util.h"

/* The example "New orders workbook on SFTP to an e-mail summary", opened from the start page's
 * examples and run with the window's Run, against OpenSSH's sshd and the aiosmtpd SMTP server on
 * 127.0.0.1: the workbook in the watched folder is mailed once, and every card ends green. Only
 * the folder is pointed at the test server's; the credentials come from CONDUIT_CREDENTIAL_*. */

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

static ConduitGraphNode *
card_of (ConduitEditor *editor,
         const char    *node_id)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  ConduitFlow *flow = conduit_document_get_flow (conduit_editor_get_document (editor));

  return conduit_graph_view_get_card (view, conduit_flow_lookup_node (flow, node_id));
}

static void
run_and_wait (ConduitWindow *window)
{
  ConduitEditor *editor = conduit_window_get_editor (window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (test_spin_until (editor_is_idle, editor, 60));
}

static void
test_example_in_app (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-sftp-app-XXXXXX", NULL);
  g_autofree char *history_path = g_build_filename (dir, "history.sqlite", NULL);
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(JsonNode) mail = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *workbook = NULL;
  g_autofree char *sftp_json = NULL;
  g_autofree char *smtp_json = NULL;
  ConduitWindow *window;
  ConduitEditor *editor;
  ConduitFlow *flow;
  SftpTestServer *sftp;
  SmtpTestServer *smtp;

  if (!sftp_test_require () || !mail_test_require ("smtp"))
    return;
  sftp = sftp_test_server_start (dir);
  smtp = smtp_test_server_start (dir, NULL);

  folder = sftp_test_server_path (sftp, "incoming");
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *row = g_strdup_printf ("{\"order\": \"SO-%u\", \"total\": %u}", i, i * 5);

      g_ptr_array_add (records, json_from_string (row, NULL));
    }
  workbook = g_build_filename (folder, "orders-app.xlsx", NULL);
  g_assert_true (conduit_records_write_path (workbook, records, CONDUIT_RECORD_FORMAT_XLSX, NULL,
                                             FALSE, &error));
  sftp_json = sftp_test_server_credential (sftp, "orders-sftp", sftp->fingerprint, NULL);
  g_setenv ("CONDUIT_CREDENTIAL_ORDERS_SFTP", sftp_json, TRUE);
  smtp_json = g_strdup_printf ("{\"id\": \"orders-smtp\", \"kind\": \"smtp\", \"fields\": "
                               "{\"host\": \"127.0.0.1\", \"port\": \"%u\", \"security\": "
                               "\"none\"}}", smtp->port);
  g_setenv ("CONDUIT_CREDENTIAL_ORDERS_SMTP", smtp_json, TRUE);

  history = conduit_history_store_new (history_path, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
  window = g_object_ref_sink (conduit_window_new (NULL));
  editor = conduit_window_get_editor (window);
  conduit_editor_set_runner (editor, runner);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-example", "s",
                                             "new-xlsx-on-sftp-to-email.conduit"));
  flow = conduit_document_get_flow (conduit_window_get_document (window));
  g_assert_cmpstr (conduit_flow_get_name (flow), ==,
                   "New orders workbook on SFTP to an e-mail summary");
  {
    ConduitNode *trigger = conduit_flow_lookup_node (flow, "new");
    g_autoptr(JsonNode) where = json_node_init_string (json_node_alloc (), folder);
    g_autoptr(JsonNode) settled = json_node_init_int (json_node_alloc (), 0);

    conduit_node_set_setting (trigger, "folder", where);
    conduit_node_set_setting (trigger, "min_age_seconds", settled);
  }

  run_and_wait (window);
  g_assert_cmpint (conduit_run_get_status (conduit_editor_get_last_run (editor)), ==,
                   CONDUIT_RUN_STATUS_SUCCEEDED);
  for (guint i = 0; i < 4; i++)
    {
      const char *ids[] = { "new", "download", "summary", "email" };

      g_assert_cmpstr (conduit_graph_node_get_status (card_of (editor, ids[i])), ==, "succeeded");
    }
  g_assert_cmpuint (smtp_test_server_count (smtp), ==, 1);
  message = smtp_test_server_message (smtp, 1);
  mail = conduit_mail_parse_message (message, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (mail), "subject"), ==,
                   "New orders workbook: orders-app.xlsx");
  g_assert_nonnull (strstr (json_object_get_string_member (json_node_get_object (mail), "text"),
                            "Order rows: 4"));

  /* Run again: the workbook was mailed; nothing new */
  run_and_wait (window);
  g_assert_cmpuint (smtp_test_server_count (smtp), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
  conduit_history_store_close (history);
  smtp_test_server_stop (smtp);
  sftp_test_server_stop (sftp);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_assert_nonnull (conduit_get_resource ());

  g_test_add_func ("/conduit/sftp/example/app", test_example_in_app);

  return g_test_run ();
}
