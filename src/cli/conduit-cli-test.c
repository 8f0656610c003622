/* conduit-cli-test.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-test"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli test FLOW… [--junit FILE] [--name NAME]
 * conduit-cli test save RUN --flow FLOW [--name NAME] [--volatile FIELD]… [--history DB]
 *
 * Runs every saved test of each flow offline (the edge steps answer from the test's
 * recording), printing PASS or FAIL per test and, under a failure, each difference: step,
 * port, item, field, expected and actual. Exit status 0 when every test passed, 1 otherwise.
 * `save` turns a run of the history into a test in FLOW.tests.json. docs/testing.md. */

#define MAX_VALUE_SHOWN 600

typedef struct
{
  GMainLoop             *loop;
  ConduitFlowTestResult *result;
  GError                *error;
} Wait;

static void
test_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = conduit_flow_test_run_finish (result, &wait->error);
  g_main_loop_quit (wait->loop);
}

/* XML 1.0 has no way to write most control characters, even escaped: drop them. */
static char *
xml_text (const char *text)
{
  g_autoptr(GString) clean = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
        continue;
      if (c == 0xFFFE || c == 0xFFFF)
        continue;
      g_string_append_unichar (clean, c);
    }
  return g_markup_escape_text (clean->str, -1);
}

static const char *
step_title (ConduitFlow *flow,
            const char  *node_id)
{
  ConduitNode *node = conduit_flow_lookup_node (flow, node_id);
  const char *title = node != NULL ? conduit_node_get_title (node) : NULL;

  return title != NULL && title[0] != '\0' ? title : node_id;
}

/* A whole item can be long; a line that says where it differs needs only its start. */
static char *
shorten (const char *text)
{
  if (text == NULL || g_utf8_strlen (text, -1) <= MAX_VALUE_SHOWN)
    return g_strdup (text);
  {
    g_autofree char *start = g_utf8_substring (text, 0, MAX_VALUE_SHOWN);
    return g_strconcat (start, "…", NULL);
  }
}

static char *
format_diff (ConduitFlow               *flow,
             const ConduitFlowTestDiff *diff)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *expected = shorten (diff->expected);
  g_autofree char *actual = shorten (diff->actual);

  g_string_append_printf (line, _("step “%s” (%s)"), step_title (flow, diff->node_id),
                          diff->node_id);
  if (diff->port == NULL)
    {
      g_string_append_printf (line, _(": failed: %s"), diff->actual);
      return g_string_free (g_steal_pointer (&line), FALSE);
    }
  g_string_append_printf (line, _(", port %s"), diff->port);
  if (diff->index >= 0)
    g_string_append_printf (line, _(", item %d"), diff->index + 1);
  if (diff->field != NULL && diff->field[0] != '\0')
    g_string_append_printf (line, _(", field %s"), diff->field);
  if (expected == NULL)
    g_string_append_printf (line, _(": not expected, got %s"), actual);
  else if (actual == NULL)
    g_string_append_printf (line, _(": expected %s, got nothing"), expected);
  else
    g_string_append_printf (line, _(": expected %s, got %s"), expected, actual);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* A step answered from its app descriptor's example, not a recording: worth a line, since the
 * test then checks the flow against the vendor's documented answer, not a recorded one. */
static void
print_notes (ConduitFlowTestResult *result)
{
  for (guint i = 0; result->notes != NULL && i < result->notes->len; i++)
    printf (_("      note: %s\n"), (const char *)g_ptr_array_index (result->notes, i));
}

typedef struct
{
  guint    tests;
  guint    failures;
  guint    errors;
  GString *cases;
} Suite;

static void
junit_case (Suite      *suite,
            const char *class_name,
            const char *name,
            const char *kind,
            const char *message,
            const char *text)
{
  g_autofree char *c = xml_text (class_name);
  g_autofree char *n = xml_text (name);

  g_string_append_printf (suite->cases, "    <testcase classname=\"%s\" name=\"%s\"", c, n);
  if (kind == NULL)
    {
      g_string_append (suite->cases, "/>\n");
      return;
    }
  {
    g_autofree char *m = xml_text (message);
    g_autofree char *t = xml_text (text);

    g_string_append_printf (suite->cases, ">\n      <%s message=\"%s\">%s</%s>\n    </testcase>\n",
                            kind, m, t, kind);
  }
}

/* Runs the tests of one flow; returns FALSE when any failed or could not run. */
static gboolean
test_flow (const char *path,
           const char *only,
           GMainLoop  *loop,
           GString    *junit,
           guint      *n_run,
           guint      *totals)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autofree char *tests_path = conduit_flow_test_path_for_flow (path);
  g_autofree char *suite_name = xml_text (path);
  Suite suite = { 0, 0, 0, g_string_new (NULL) };
  gboolean ok = TRUE;

  flow = conduit_cli_load_flow (path, &error);
  if (flow != NULL)
    tests = conduit_flow_test_load_file (tests_path, &error);

  if (flow == NULL || tests == NULL)
    {
      if (flow != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        printf (_("%s: no saved tests (save a run as one with “conduit-cli test save RUN --flow %s”)\n"),
                path, path);
      else
        {
          printf ("ERROR %s\n      %s\n", path, error->message);
          suite.tests++;
          suite.errors++;
          junit_case (&suite, path, _("load"), "error", error->message, error->message);
          ok = FALSE;
        }
    }

  for (guint i = 0; tests != NULL && i < tests->len; i++)
    {
      ConduitFlowTest *test = g_ptr_array_index (tests, i);
      Wait wait = { loop, NULL, NULL };
      g_autoptr(ConduitFlowTestResult) result = NULL;
      g_autoptr(GString) details = g_string_new (NULL);

      if (only != NULL && g_strcmp0 (test->name, only) != 0)
        continue;

      conduit_flow_test_run_async (test, flow, conduit_connector_registry_get_default (), NULL,
                                   test_done_cb, &wait);
      g_main_loop_run (loop);
      result = wait.result;
      suite.tests++;
      (*n_run)++;

      if (result == NULL)
        {
          printf ("ERROR %s: %s\n      %s\n", path, test->name, wait.error->message);
          suite.errors++;
          junit_case (&suite, path, test->name, "error", wait.error->message, wait.error->message);
          g_clear_error (&wait.error);
          ok = FALSE;
          continue;
        }

      if (result->passed)
        {
          printf ("PASS  %s: %s\n", path, test->name);
          print_notes (result);
          junit_case (&suite, path, test->name, NULL, NULL, NULL);
          continue;
        }

      ok = FALSE;
      if (result->error != NULL)
        {
          printf ("ERROR %s: %s\n      %s\n", path, test->name, result->error);
          suite.errors++;
          junit_case (&suite, path, test->name, "error", result->error, result->error);
          continue;
        }

      printf ("FAIL  %s: %s\n", path, test->name);
      print_notes (result);
      for (guint d = 0; d < result->diffs->len; d++)
        {
          g_autofree char *line = format_diff (flow, g_ptr_array_index (result->diffs, d));

          printf ("      %s\n", line);
          g_string_append_printf (details, "%s\n", line);
        }
      suite.failures++;
      {
        g_autofree char *message =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u difference", "%u differences",
                                        result->diffs->len), result->diffs->len);
        junit_case (&suite, path, test->name, "failure", message, details->str);
      }
    }

  if (junit != NULL)
    g_string_append_printf (junit,
                            "  <testsuite name=\"%s\" tests=\"%u\" failures=\"%u\" errors=\"%u\">\n"
                            "%s  </testsuite>\n",
                            suite_name, suite.tests, suite.failures, suite.errors,
                            suite.cases->str);
  totals[0] += suite.tests;
  totals[1] += suite.failures;
  totals[2] += suite.errors;
  g_string_free (suite.cases, TRUE);
  return ok;
}

static int
run_tests (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GString) junit = NULL;
  g_autofree char *junit_path = NULL;
  g_autofree char *only = NULL;
  gboolean ok = TRUE;
  guint n_run = 0;
  guint totals[3] = { 0, 0, 0 };   /* tests, failures, errors */
  const GOptionEntry entries[] = {
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &junit_path,
      N_("Also write the results as JUnit XML to FILE, for CI systems"), N_("FILE") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &only, N_("Run only the test called NAME"),
      N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("FLOW… — run flows’ saved tests offline"));
  g_option_context_set_summary (context,
                                _("Runs every saved test of each FLOW (kept in FLOW.tests.json "
                                  "beside it) without reaching the network: steps that call "
                                  "apps, files or databases answer from the test’s recording. "
                                  "Prints PASS or FAIL per test, and under a failure what each "
                                  "step sent that differs from what the test expects. Exits with "
                                  "0 when every test passed and 1 otherwise.\n\n"
                                  "conduit-cli test save RUN --flow FLOW saves a run of the "
                                  "history as a test (see “conduit-cli test save --help”)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  if (argc < 2)
    {
      fprintf (stderr, _("%s: name at least one flow file\n"), argv[0]);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  if (junit_path != NULL)
    junit = g_string_new (NULL);
  for (int i = 1; i < argc; i++)
    if (!test_flow (argv[i], only, loop, junit, &n_run, totals))
      ok = FALSE;

  if (only != NULL && n_run == 0)
    {
      fprintf (stderr, _("%s: no flow has a test called “%s”\n"), argv[0], only);
      ok = FALSE;
    }

  if (junit != NULL)
    {
      g_autoptr(GString) xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
      g_string_append_printf (xml,
                              "<testsuites name=\"conduit-cli test\" tests=\"%u\" failures=\"%u\" "
                              "errors=\"%u\">\n%s</testsuites>\n",
                              totals[0], totals[1], totals[2], junit->str);
      if (!g_file_set_contents (junit_path, xml->str, -1, &error))
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          ok = FALSE;
        }
    }

  return ok ? 0 : 1;
}

static int
save_test (int    argc,
           char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autofree char *flow_path = NULL;
  g_autofree char *history_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *tests_path = NULL;
  g_auto(GStrv) volatile_fields = NULL;
  gint64 run_id;
  char *end = NULL;
  const GOptionEntry entries[] = {
    { "flow", 'f', 0, G_OPTION_ARG_FILENAME, &flow_path,
      N_("The flow the run ran; the test goes into its tests file"), N_("FLOW") },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name,
      N_("Call the test NAME (default “run RUN”); a test of that name is replaced"), N_("NAME") },
    { "volatile", 0, 0, G_OPTION_ARG_STRING_ARRAY, &volatile_fields,
      N_("Ignore this field when comparing and matching (a dotted path such as "
         "“created_at” or “lines.*.id”); may be given more than once"), N_("FIELD") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Read the run from DB instead of the usual run history"), N_("DB") },
    { NULL }
  };

  context = g_option_context_new (_("RUN --flow FLOW — save a run of the history as a test"));
  g_option_context_set_summary (context,
                                _("Keeps run RUN of the history as a saved test of FLOW: the "
                                  "trigger’s items as its input, what the steps that call apps, "
                                  "files or databases answered as its recording, and what every "
                                  "step sent out as the expected result. The test is added to "
                                  "FLOW.tests.json beside the flow, with secrets redacted."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  if (argc != 2 || flow_path == NULL)
    {
      fprintf (stderr, _("%s: name one run and the flow it ran (--flow FLOW)\n"), argv[0]);
      return 1;
    }
  run_id = g_ascii_strtoll (argv[1], &end, 10);
  if (end == argv[1] || *end != '\0' || run_id <= 0)
    {
      fprintf (stderr, _("%s: “%s” is not a run number (see “conduit-cli history list”)\n"),
               argv[0], argv[1]);
      return 1;
    }

  flow = conduit_cli_load_flow (flow_path, &error);
  if (flow == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  history = conduit_cli_open_history (history_path, &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  tests_path = conduit_flow_test_save_run (history, run_id, flow_path, flow,
                                           conduit_connector_registry_get_default (), name,
                                           (const char * const *)volatile_fields, &test, &error);
  conduit_history_store_close (history);
  if (tests_path == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  printf (_("Saved run %" PRId64 " as test “%s” in %s (%u steps recorded, %u steps expected)\n"),
          run_id, test->name, tests_path, json_array_get_length (json_node_get_array (test->recordings)),
          json_object_get_size (json_node_get_object (test->expected)));
  return 0;
}

int
conduit_cli_test (int    argc,
                  char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "save"))
    {
      g_autofree char *prgname = g_strdup_printf ("%s save", argv[0]);
      char *saved = argv[1];
      int status;

      argv[1] = prgname;
      status = save_test (argc - 1, argv + 1);
      argv[1] = saved;
      return status;
    }
  return run_tests (argc, argv);
}
