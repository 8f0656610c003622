/* conduit-cli-run.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-run"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdio.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli run FLOW [--input FILE] [--trigger NODE] [--history DB] [--use-pins] [--step NODE]
 *
 * Runs a flow once, from its manual trigger's sample items or from a file of items, records
 * the run, and prints one line per node. Exit status: 0 succeeded, 2 partial (some items
 * failed), 1 failed, or the flow or input is invalid. --use-pins sends pinned steps' data on
 * instead of running them; --step runs one step alone (docs/flow-format.md, "Pinned output"). */

typedef struct
{
  GMainLoop  *loop;
  ConduitRun *run;
  GError     *error;
} RunState;

static void
run_executed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  RunState *state = user_data;

  if (!conduit_run_execute_finish (CONDUIT_RUN (object), result, &state->error))
    g_clear_object (&state->run);
  g_main_loop_quit (state->loop);
}

/**
 * conduit_cli_load_flow:
 * @path: a flow file named on the command line
 * @error: return location for an error, whose message lists every problem
 *
 * Returns: (transfer full) (nullable): the flow, or %NULL with @error
 */
ConduitFlow *
conduit_cli_load_flow (const char  *path,
                       GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) load_error = NULL;
  ConduitFlow *flow;
  GString *text;

  flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file, &problems,
                                     NULL, &load_error);
  if (flow != NULL)
    return flow;

  if (problems == NULL || problems->len == 0)
    {
      g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID, "%s: %s", path,
                   load_error->message);
      return NULL;
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *line = conduit_flow_problem_format (g_ptr_array_index (problems, i));
      g_string_append_printf (text, "%s%s:%s", i > 0 ? "\n" : "", path, line);
    }
  g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID, text->str);
  g_string_free (text, TRUE);
  return NULL;
}

/**
 * conduit_cli_open_history:
 * @path: (nullable): the --history option
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the history store
 */
ConduitHistoryStore *
conduit_cli_open_history (const char  *path,
                          GError     **error)
{
  ConduitHistoryStore *store = conduit_history_store_new (path, error);

  if (store != NULL && conduit_history_store_get_n_interrupted (store) > 0)
    fprintf (stderr,
             g_dngettext (GETTEXT_PACKAGE,
                          "%u run was cut short when Conduit last stopped; it is marked "
                          "interrupted in the history\n",
                          "%u runs were cut short when Conduit last stopped; they are marked "
                          "interrupted in the history\n",
                          conduit_history_store_get_n_interrupted (store)),
             conduit_history_store_get_n_interrupted (store));
  return store;
}

static GPtrArray *
load_input (const char  *path,
            GError     **error)
{
  /* every record is used, or none: a run on part of the file would look like a whole one */
  return conduit_records_read_path (path, CONDUIT_RECORD_FORMAT_AUTO, 0, NULL, 0, NULL, error);
}

int
conduit_cli_run (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *input = NULL;
  g_autofree char *history_path = NULL;
  g_autofree char *trigger = NULL;
  g_autofree char *step = NULL;
  gboolean no_history = FALSE;
  gboolean use_pins = FALSE;
  gint64 from_run = 0;
  g_autoptr(GHashTable) outputs = NULL;
  int keep_items = CONDUIT_RUNNER_DEFAULT_ITEM_SAMPLES;
  RunState state = { 0 };
  const ConduitRunRecord *record;
  GListModel *nodes;
  int status;
  const GOptionEntry entries[] = {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
      N_("Run with the items in FILE (JSON, NDJSON or CSV) instead of the trigger’s samples"),
      N_("FILE") },
    { "trigger", 't', 0, G_OPTION_ARG_STRING, &trigger, N_("Start from this trigger node"),
      N_("NODE") },
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Record the run in DB instead of the usual run history"), N_("DB") },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &no_history, N_("Do not record the run"), NULL },
    { "use-pins", 0, 0, G_OPTION_ARG_NONE, &use_pins,
      N_("Do not run pinned steps: send their pinned data on, and leave out the steps that only "
         "feed them"), NULL },
    { "step", 0, 0, G_OPTION_ARG_STRING, &step,
      N_("Run only this step, on the pinned data of the steps before it or the trigger’s "
         "samples (or the items of --input)"), N_("NODE") },
    { "from-run", 0, 0, G_OPTION_ARG_INT64, &from_run,
      N_("With --step: run it on what the steps before it sent out in this past run, as the "
         "history kept it"), N_("RUN") },
    { "keep-items", 0, 0, G_OPTION_ARG_INT, &keep_items,
      N_("Keep the first N items that went well per step and port in the history (default "
         "100); failed and rejected items are always all kept"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("FLOW — run a flow once"));
  g_option_context_set_summary (context,
                                _("Runs FLOW once and prints what each node did. Exits with 0 "
                                  "when every item got through, 2 when some items failed, and 1 "
                                  "when the run failed or the flow is invalid."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc != 2)
    {
      fprintf (stderr, _("%s: name one flow file\n"), argv[0]);
      return 1;
    }

  flow = conduit_cli_load_flow (argv[1], &error);
  if (flow == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  if (input != NULL && !(items = load_input (input, &error)))
    {
      fprintf (stderr, _("%s: the input cannot be used: %s\n"), argv[0], error->message);
      return 1;
    }

  if (!no_history && !(history = conduit_cli_open_history (history_path, &error)))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (keep_items < 0)
    {
      fprintf (stderr, _("%s: --keep-items must be 0 or more\n"), argv[0]);
      return 1;
    }

  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
  conduit_runner_set_item_samples (runner, (guint)keep_items);
  loop = g_main_loop_new (NULL, FALSE);
  state.loop = loop;
  if (step != NULL && trigger != NULL)
    {
      fprintf (stderr, _("%s: --step and --trigger cannot go together\n"), argv[0]);
      return 1;
    }
  if (from_run != 0 && (step == NULL || history == NULL))
    {
      fprintf (stderr, _("%s: --from-run needs --step and the history (not --no-history)\n"),
               argv[0]);
      return 1;
    }
  if (from_run != 0)
    {
      outputs = conduit_step_outputs_new ();
      if (!conduit_step_outputs_add_from_history (outputs, history, from_run, &error))
        {
          fprintf (stderr, _("%s: run %" PRId64 " cannot be used: %s\n"), argv[0],
                   from_run, error->message);
          return 1;
        }
    }
  if (step != NULL)
    state.run = conduit_run_new_for_step (runner, flow, step, outputs, items, &state.error);
  else
    state.run = conduit_runner_create_run (runner, flow, trigger, NULL, items, &state.error);
  if (state.run != NULL && use_pins && step == NULL)
    conduit_run_set_use_pins (state.run, TRUE);
  if (state.run != NULL)
    {
      /* the failed items are what the explanations under each step are made from; the first
       * few per port are all they read, and a run of a million records must not keep them all */
      conduit_run_set_keep_outputs (state.run, TRUE);
      conduit_run_set_keep_outputs_limit (state.run, 100);
      conduit_run_execute_async (state.run, NULL, run_executed_cb, &state);
      g_main_loop_run (loop);
    }

  if (state.run == NULL)
    {
      fprintf (stderr, _("%s: the run could not start: %s\n"), argv[0], state.error->message);
      g_clear_error (&state.error);
      return 1;
    }

  nodes = conduit_flow_get_nodes (flow);
  printf ("%-20s %-16s %-10s %6s %6s %6s %8s\n", _("NODE"), _("TYPE"), _("STATE"), _("IN"),
          _("OK"), _("FAILED"), _("REJECTED"));
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *id = conduit_node_get_id (node);
      guint in = 0, ok = 0, failed = 0, rejected = 0;
      ConduitConnector *connector =
        conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                           conduit_node_get_connector_id (node));
      g_autofree char *explanation = NULL;

      /* a run of one step says what that step did, not that every other one was left out */
      if (step != NULL && !g_str_equal (id, step))
        continue;

      conduit_run_get_node_counts (state.run, id, &in, &ok, &failed, &rejected);
      printf ("%-20s %-16s %-10s %6u %6u %6u %8u\n", id, conduit_node_get_connector_id (node),
              conduit_run_get_node_state (state.run, id), in, ok, failed, rejected);
      /* the same sentence the app's run panel shows for this step */
      explanation = conduit_run_explain_node (state.run, node, connector);
      if (explanation != NULL)
        printf ("  %s\n", explanation);
    }

  record = conduit_run_get_record (state.run);
  if (record->id > 0)
    printf (_("Run %" PRId64 ": %s — %u in, %u ok, %u failed, %u rejected\n"),
            record->id, conduit_run_status_to_string (record->status), record->items_in,
            record->items_ok, record->items_failed, record->items_rejected);
  else
    printf (_("Run: %s — %u in, %u ok, %u failed, %u rejected\n"),
            conduit_run_status_to_string (record->status), record->items_in, record->items_ok,
            record->items_failed, record->items_rejected);
  if (record->error != NULL)
    printf ("%s\n", record->error);

  switch (record->status)
    {
    case CONDUIT_RUN_STATUS_SUCCEEDED:
      status = 0;
      break;
    case CONDUIT_RUN_STATUS_PARTIAL:
      status = 2;
      break;
    default:
      status = 1;
      break;
    }

  g_clear_object (&state.run);
  if (history != NULL)
    conduit_history_store_close (history);
  return status;
}
