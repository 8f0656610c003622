/* test-credential-editor-sftp.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "conduit-credential-editor.h"
#include "../sftp-test-server.h"
#include "test-util.h"

/* The credential editor's Test for an SFTP credential, against OpenSSH's sshd on 127.0.0.1:
 * an unknown host key is refused with its fingerprint and an Accept button; Accept puts the
 * fingerprint into the host key row, and the next Test signs in. Nothing is saved, so no
 * keyring is needed. */

static void
set_text (ConduitCredentialEditor *editor,
          const char              *key,
          const char              *text)
{
  GtkWidget *row = conduit_credential_editor_get_row (editor, key);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *)data;
}

static void
on_test_finished (gboolean *finished)
{
  *finished = TRUE;
}

static void
run_test (ConduitCredentialEditor *editor)
{
  gboolean finished = FALSE;
  gulong handler;

  handler = g_signal_connect_swapped (editor, "test-finished", G_CALLBACK (on_test_finished),
                                      &finished);
  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.test", NULL);
  g_assert_cmpstr (conduit_credential_editor_get_message (editor), ==, "");
  g_assert_true (test_spin_until (is_true, &finished, 40));
  g_signal_handler_disconnect (editor, handler);
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_accept_host_key (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-editor-sftp-XXXXXX", NULL);
  g_autofree char *port = NULL;
  g_autofree char *key_file = NULL;
  ConduitCredentialEditor *editor;
  SftpTestServer *server;
  GtkWidget *accept;
  const char *result;

  if (!sftp_test_require ())
    return;
  server = sftp_test_server_start (dir);
  port = g_strdup_printf ("%u", server->port);
  key_file = g_build_filename (server->dir, "client-key", NULL);

  editor = conduit_credential_editor_new (NULL, conduit_credential_store_get_default ());
  conduit_credential_editor_set_kind (editor, CONDUIT_CREDENTIAL_KIND_SFTP);
  gtk_window_present (GTK_WINDOW (editor));
  /* a web address means nothing to an SFTP credential */
  g_assert_false (gtk_widget_get_visible (conduit_credential_editor_get_row (editor, "test-url")));
  set_text (editor, "id", "editor-sftp");
  set_text (editor, "host", "127.0.0.1");
  set_text (editor, "port", port);
  set_text (editor, "user", server->user);
  set_text (editor, "private_key_file", key_file);

  /* unknown: refused, with the fingerprint and Accept */
  run_test (editor);
  result = conduit_credential_editor_get_test_result (editor);
  g_test_message ("%s", result);
  g_assert_nonnull (strstr (result, "not known yet"));
  g_assert_nonnull (strstr (result, server->fingerprint));
  accept = find_button (GTK_WIDGET (editor), "credential.accept-host-key");
  g_assert_nonnull (accept);
  g_assert_true (gtk_widget_get_visible (accept));

  gtk_widget_activate_action (GTK_WIDGET (editor), "credential.accept-host-key", NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (conduit_credential_editor_get_row (editor, "host_key"))),
                   ==, server->fingerprint);
  g_assert_false (gtk_widget_get_visible (accept));

  /* accepted: the server is the one, and signs the user in */
  run_test (editor);
  result = conduit_credential_editor_get_test_result (editor);
  g_assert_nonnull (strstr (result, "signed the user in"));
  g_assert_false (gtk_widget_get_visible (accept));

  /* another key accepted: refused, Accept offered again */
  {
    g_autofree char *other = sftp_test_other_fingerprint (dir);

    set_text (editor, "host_key", other);
    run_test (editor);
    result = conduit_credential_editor_get_test_result (editor);
    g_assert_nonnull (strstr (result, other));
    g_assert_nonnull (strstr (result, "another machine may be answering"));
    g_assert_true (gtk_widget_get_visible (accept));
  }

  gtk_window_destroy (GTK_WINDOW (editor));
  sftp_test_server_stop (server);
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/conduit/credential-editor/sftp/accept-host-key", test_accept_host_key);

  return g_test_run ();
}
