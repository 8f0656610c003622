/* test-cli-validate.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"

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

static char *
source_path (const char *first,
             ...)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  const char *part;
  va_list ap;

  g_ptr_array_add (parts, (char *)g_getenv ("CONDUIT_SOURCE_DIR"));
  va_start (ap, first);
  for (part = first; part; part = va_arg (ap, const char *))
    g_ptr_array_add (parts, (char *)part);
  va_end (ap);
  g_ptr_array_add (parts, NULL);

  return g_build_filenamev ((char **)parts->pdata);
}

static void
test_help_and_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "validate"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&out, &err, "--version", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "conduit-cli " PACKAGE_VERSION "\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&out, &err, "frobnicate", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "unknown command “frobnicate”"));
}

static void
test_valid_examples (void)
{
  g_autofree char *example = source_path ("data", "examples", "web-form-to-crm.conduit", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: ok\n", example);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "validate", example, NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_broken_files (void)
{
  g_autofree char *example = source_path ("data", "examples", "web-form-to-crm.conduit", NULL);
  g_autofree char *links = source_path ("tests", "fixtures", "flows", "broken-links.conduit", NULL);
  g_autofree char *not_json = source_path ("tests", "fixtures", "flows", "not-json.conduit", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "validate", example, links, not_json, "/nonexistent.conduit",
                            NULL), ==, 1);

  expected = g_strdup_printf (
    "%s: ok\n"
    "%s:12: /nodes/1/settings: node “call”: required setting “url” (URL) is missing\n"
    "%s:21: /links/0/to: link 1 goes to node “ghost”, which does not exist\n",
    example, links, links);
  g_assert_true (g_str_has_prefix (out, expected));

  g_assert_nonnull (strstr (out, not_json));
  g_assert_nonnull (strstr (out, ":5: /: not valid JSON"));
  g_assert_nonnull (strstr (out, "/nonexistent.conduit: "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/help-and-version", test_help_and_version);
  g_test_add_func ("/conduit/cli/validate/valid", test_valid_examples);
  g_test_add_func ("/conduit/cli/validate/broken", test_broken_files);

  return g_test_run ();
}
