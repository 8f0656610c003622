/* test-cli-validate.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

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

/* Every expression and template setting is compiled when the flow is loaded: a typo in a
 * condition, a key or a {{template}} is a problem `validate` reports, with the setting's line
 * and the column inside the text, not a failure when the first item reaches the step. */
static void
test_expressions_compiled (void)
{
  g_autofree char *flow = source_path ("tests", "fixtures", "flows", "bad-expressions.conduit", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "validate", flow, NULL), ==, 1);
  expected = g_strdup_printf (
    "%s:7: /nodes/1/settings/condition: node “keep”: Condition (condition): column 1: "
    "“trimm” is not a function of the mapping language (see docs/mapping.md)\n"
    "%s:9: /nodes/2/settings/key: node “once”: Key (key): column 8: "
    "“emial” is not a function of the mapping language (see docs/mapping.md)\n"
    "%s:11: /nodes/3/settings/url: node “call”: URL (url): column 21: "
    "this “{{” has no closing “}}”\n"
    "%s:11: /nodes/3/settings/headers/X-Who: node “call”: Headers (headers): column 4: "
    "“nofn” is not a function of the mapping language (see docs/mapping.md)\n"
    "%s:12: /nodes/3/settings/idempotency_key: node “call”: Idempotency key (idempotency_key): "
    "column 11: a value, a field or a function expected, found the end\n"
    "%s:14: /nodes/4/settings/message: node “tell”: Message (message): column 20: "
    "“,” or “)” expected in the values of upper(), found the end\n",
    flow, flow, flow, flow, flow, flow);
  g_assert_cmpstr (out, ==, expected);
}

/* The parser's limits (nesting, operators) hold at load time too. */
static void
test_expression_limits (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) many = g_string_new ("x");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-validate-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < 64; i++)
    g_string_append (deep, "(");
  g_string_append (deep, "1");
  for (guint i = 0; i < 64; i++)
    g_string_append (deep, ")");
  for (guint i = 0; i < 4002; i++)
    g_string_append (many, " + 1");

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"limits\", \"nodes\": [\n"
    "  { \"id\": \"go\", \"type\": \"manual-trigger\", \"settings\": { \"items\": [] } },\n"
    "  { \"id\": \"deep\", \"type\": \"filter\", \"settings\": { \"condition\": \"%s\" } },\n"
    "  { \"id\": \"many\", \"type\": \"notify\", \"settings\": {\n"
    "      \"webhook_url\": \"https://chat.example/\", \"message\": \"{{ %s }}\" } }\n"
    "], \"links\": [] }\n", deep->str, many->str);
  path = g_build_filename (dir, "limits.conduit", NULL);
  g_file_set_contents (path, flow, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (&out, &err, "validate", path, NULL), ==, 1);
  g_assert_nonnull (strstr (out, ":3: /nodes/1/settings/condition: node “deep”: Condition (condition): "));
  g_assert_nonnull (strstr (out, ":5: /nodes/2/settings/message: node “many”: Message (message): "));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A node with a problem of its own (an unknown member, a bad position) still has its links
 * checked: every problem is reported at once. */
static void
test_all_problems_reported (void)
{
  g_autofree char *flow = source_path ("tests", "fixtures", "flows", "hidden-links.conduit", NULL);
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (&out, &err, "validate", flow, NULL), ==, 1);
  expected = g_strdup_printf (
    "%s:5: /nodes/0/colour: unknown member “colour” in a node (expected one of: id, type, title, "
    "position, notes, settings, mapping, disabled, pinned)\n"
    "%s:5: /nodes/0/position: “position” must be two numbers [x, y], not text\n"
    "%s:10: /links/0/to_port: link 1: node “go” (Manual Trigger) has no input ports\n",
    flow, flow, flow);
  g_assert_cmpstr (out, ==, expected);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/help-and-version", test_help_and_version);
  g_test_add_func ("/conduit/cli/validate/valid", test_valid_examples);
  g_test_add_func ("/conduit/cli/validate/broken", test_broken_files);
  g_test_add_func ("/conduit/cli/validate/expressions-compiled", test_expressions_compiled);
  g_test_add_func ("/conduit/cli/validate/expression-limits", test_expression_limits);
  g_test_add_func ("/conduit/cli/validate/all-problems", test_all_problems_reported);

  return g_test_run ();
}
