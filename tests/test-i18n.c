/* test-i18n.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <string.h>

#include "conduit.h"
#include "conduit-sftp.h"
#include "sftp-test-server.h"
#include "test-util.h"

/* Engine messages in German, from the catalogue this build compiled (build/po). Each was
 * English in every language before: a 64-bit number printed with G_GINT64_FORMAT ended the
 * message xgettext extracted at the macro, or a field's label was slotted into the sentence. */

/* Switches the engine's messages to German; FALSE (the test skipped) when this build has no
 * German catalogue. CI must not pass without it, so there the test fails instead. */
static gboolean
use_german (void)
{
  g_autofree char *po = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "po", NULL);

  bindtextdomain (GETTEXT_PACKAGE, po);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "de", TRUE);
  if (g_strcmp0 (_("Run"), "Run") != 0)
    return TRUE;

  g_setenv ("LANGUAGE", "C", TRUE);
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_test_fail_printf ("no German catalogue in %s: is po/de.po compiled in this build?", po);
  else
    g_test_skip ("the German translation is not compiled in this build");
  return FALSE;
}

/* "format %<PRId64> is not one this version of Conduit reads (it reads %d)", with a number
 * past 32 bits */
static void
test_flow_test_format (void)
{
  const char *data = "{\"format\": 5000000000, \"tests\": []}";
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;

  /* the same message in English first: the number is printed as it was */
  g_setenv ("LANGUAGE", "C", TRUE);
  tests = conduit_flow_test_load_data (data, (gsize)-1, "f.tests.json", &error);
  g_assert_null (tests);
  g_assert_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "format 5000000000 is not one this version of Conduit "
                                            "reads (it reads 1)"));
  g_clear_error (&error);

  if (use_german ())
    {
      tests = conduit_flow_test_load_data (data, (gsize)-1, "f.tests.json", &error);
      g_assert_null (tests);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, "Format 5000000000 ist keines, das diese Version "
                                                "von Conduit liest (sie liest 1)"));
      g_setenv ("LANGUAGE", "C", TRUE);
    }
}

/* "the Authorization URL “%s” of credential “%s” is not a web address": the field's name is
 * part of the sentence, so the German one agrees with it */
static void
test_authorize_url (void)
{
  g_autoptr(ConduitCredential) credential =
    conduit_credential_new ("crm-sign-in", CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(ConduitOAuthSignIn) sign_in = NULL;
  g_autoptr(GError) error = NULL;

  conduit_credential_set_field (credential, "authorize_url", "ftp://login.example.com/authorize",
                                &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "token_url", "https://login.example.com/token",
                                &error);
  g_assert_no_error (error);
  conduit_credential_set_field (credential, "client_id", "conduit-test", &error);
  g_assert_no_error (error);
  conduit_credential_set_secret (credential, "client_secret", "not-a-real-secret", &error);
  g_assert_no_error (error);
  sign_in = conduit_oauth_sign_in_new (session, credential);

  g_setenv ("LANGUAGE", "C", TRUE);
  g_assert_false (conduit_oauth_sign_in_start (sign_in, &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "the Authorization URL “ftp://login.example.com/authorize” "
                                       "of credential “crm-sign-in” is not a web address");
  g_clear_error (&error);

  if (use_german ())
    {
      g_assert_false (conduit_oauth_sign_in_start (sign_in, &error));
      g_assert_cmpstr (error->message, ==,
                       "die Autorisierungs-URL „ftp://login.example.com/authorize“ der "
                       "Zugangsdaten „crm-sign-in“ ist keine Webadresse");
      g_setenv ("LANGUAGE", "C", TRUE);
    }
}

/* An SFTP refusal is one whole sentence per operation (it was "Cannot %s …" with the verb
 * slotted in, so German could only say "Kann … nicht öffnen"), against a real sshd */
static void
test_sftp_operations (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-i18n-XXXXXX", NULL);
  g_autofree char *json = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  ConduitSftpServer *server_info = NULL;
  SftpTestServer *server;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (dir);
  if (!sftp_test_require ())
    {
      test_remove_tree (dir);
      return;
    }
  server = sftp_test_server_start (dir);
  json = sftp_test_server_credential (server, "i18n-sftp", server->fingerprint, NULL);
  credential = test_credential_from_json ("i18n-sftp", json);
  server_info = conduit_sftp_server_new_from_credential (credential, &error);
  g_assert_no_error (error);
  missing = sftp_test_server_path (server, "nowhere");

  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(ConduitSftpSession) session = NULL;
      g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
      g_autoptr(GPtrArray) entries = NULL;

      g_setenv ("LANGUAGE", "C", TRUE);
      if (pass == 1 && !use_german ())
        break;
      session = conduit_sftp_session_open (server_info, 10, NULL, &error);
      g_assert_no_error (error);

      g_assert_false (conduit_sftp_session_download (session, missing, output, 0, NULL, NULL,
                                                     &error));
      g_assert_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_NOT_FOUND);
      g_test_message ("%s", error->message);
      g_free (expected);
      expected = g_strdup_printf (pass == 0 ? "Cannot open “%s” on 127.0.0.1:%u: no such file "
                                              "or folder"
                                            : "„%s“ auf 127.0.0.1:%u kann nicht geöffnet werden: "
                                              "keine solche Datei und kein solcher Ordner",
                                  missing, server->port);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);

      entries = conduit_sftp_session_list (session, missing, &error);
      g_assert_null (entries);
      g_test_message ("%s", error->message);
      g_free (expected);
      expected = g_strdup_printf (pass == 0 ? "Cannot list the folder “%s” on 127.0.0.1:%u: "
                                              "no such file or folder"
                                            : "Der Ordner „%s“ auf 127.0.0.1:%u kann nicht "
                                              "aufgelistet werden: keine solche Datei und kein "
                                              "solcher Ordner",
                                  missing, server->port);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);

      g_assert_false (conduit_sftp_session_remove (session, missing, &error));
      g_test_message ("%s", error->message);
      g_free (expected);
      expected = g_strdup_printf (pass == 0 ? "Cannot delete “%s” on 127.0.0.1:%u: no such file "
                                              "or folder"
                                            : "„%s“ auf 127.0.0.1:%u kann nicht gelöscht werden: "
                                              "keine solche Datei und kein solcher Ordner",
                                  missing, server->port);
      g_assert_cmpstr (error->message, ==, expected);
      g_clear_error (&error);
    }

  g_setenv ("LANGUAGE", "C", TRUE);
  conduit_sftp_server_free (server_info);
  sftp_test_server_stop (server);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/i18n/flow-test-format", test_flow_test_format);
  g_test_add_func ("/conduit/i18n/authorize-url", test_authorize_url);
  g_test_add_func ("/conduit/i18n/sftp-operations", test_sftp_operations);

  return g_test_run ();
}
