/* test-cli-connector.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "conduit.h"

/* conduit-cli connector list | show | validate, as a user runs it. */

static int
run_cli (char       **out,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = 0;

  g_ptr_array_add (args, (char *)g_getenv ("CONDUIT_CLI"));
  va_start (ap, first);
  for (arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  g_spawn_sync (NULL, (char **)args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status,
                &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_list_and_show (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *show = NULL;
  g_autofree char *show_err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "connector", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "slack\tSlack\tCommunication\tbearer\t"));
  g_assert_nonnull (strstr (out, "http-request\tHTTP Request"));

  g_assert_cmpint (run_cli (&show, &show_err, "connector", "show", "slack", NULL), ==, 0);
  g_assert_nonnull (strstr (show, "slack.send-message — Send a message (POST /chat.postMessage)"));
  g_assert_nonnull (strstr (show, "channel (string, required)"));
  g_assert_nonnull (strstr (show, "slack.new-message"));

  g_clear_pointer (&show_err, g_free);
  g_assert_cmpint (run_cli (NULL, &show_err, "connector", "show", "nope", NULL), ==, 1);
  g_assert_nonnull (strstr (show_err, "nope"));
}

static void
test_validate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-cli-connector-XXXXXX", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.json", NULL);
  g_autofree char *good = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "connectors",
                                            "apps", "slack.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (g_file_set_contents (bad,
                                      "{\n"
                                      "  \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\",\n"
                                      "            \"category\": \"T\", \"docs_url\": \"https://x\" },\n"
                                      "  \"connection\": { \"base_url\": \"https://x\",\n"
                                      "                  \"auth\": { \"kind\": \"bearer\" } },\n"
                                      "  \"operations\": [ { \"id\": \"a\", \"title\": \"A\",\n"
                                      "    \"request\": { \"method\": \"FETCH\", \"path\": \"/a\" } } ]\n"
                                      "}\n", -1, NULL));

  g_assert_cmpint (run_cli (&out, &err, "connector", "validate", good, bad, NULL), ==, 1);
  expected = g_strdup_printf ("%s: ok (slack,", good);
  g_assert_nonnull (strstr (out, expected));
  g_free (expected);
  expected = g_strdup_printf ("%s:7: /operations/0/request/method: unknown method “FETCH”", bad);
  g_assert_nonnull (strstr (out, expected));

  g_unlink (bad);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/connector/list-and-show", test_list_and_show);
  g_test_add_func ("/conduit/cli/connector/validate", test_validate);

  return g_test_run ();
}
