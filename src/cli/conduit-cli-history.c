/* conduit-cli-history.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-history"

#include "config.h"

#include <inttypes.h>

#include <gio/gunixoutputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli history list [--flow NAME] [--status STATUS] [--interrupted] [--search TEXT]
 *                          [--limit N] [--offset N] [--json] [--history DB]
 * conduit-cli history show RUN_ID [--json] [--history DB]
 * conduit-cli history rerun RUN_ID… --file FLOW [--only-unsent] [--history DB]
 */

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) time = NULL;

  if (us <= 0)
    return g_strdup ("-");
  time = g_date_time_new_from_unix_local (us / G_USEC_PER_SEC);
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

/* How many of a run's items were not sent, sent with the answer unknown, answered. */
static gboolean
count_send_states (ConduitHistoryStore *history,
                   ConduitRunRecord    *run,
                   guint                counts[3],
                   GArray             **states_out,
                   GError             **error)
{
  g_autoptr(GArray) states = conduit_run_replay_send_states (history, run->id, run->items_in,
                                                             error);

  if (states == NULL)
    return FALSE;
  counts[0] = counts[1] = counts[2] = 0;
  for (guint i = 0; i < states->len; i++)
    counts[g_array_index (states, ConduitSendState, i)]++;
  if (states_out != NULL)
    *states_out = g_steal_pointer (&states);
  return TRUE;
}

/* The runs that were cut off and nobody handled, with what became of their items. */
static int
history_list_interrupted (ConduitHistoryStore *history,
                          GPtrArray           *runs,
                          gboolean             as_json)
{
  g_autoptr(JsonArray) array = json_array_new ();

  if (!as_json)
    printf ("%-8s %-19s %5s %8s %13s %8s  %s\n", _("RUN"), _("STARTED"), _("IN"), _("NOT SENT"),
            _("SENT, UNKNOWN"), _("ANSWERED"), _("FLOW"));
  for (guint i = 0; i < runs->len; i++)
    {
      ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autoptr(GError) error = NULL;
      guint counts[3];

      if (!count_send_states (history, run, counts, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      if (as_json)
        {
          JsonNode *node = conduit_run_record_to_json (run);
          JsonObject *object = json_node_get_object (node);

          json_object_set_int_member (object, "items_not_sent", counts[CONDUIT_SEND_STATE_NOT_SENT]);
          json_object_set_int_member (object, "items_sent_answer_unknown",
                                      counts[CONDUIT_SEND_STATE_UNKNOWN]);
          json_object_set_int_member (object, "items_answered", counts[CONDUIT_SEND_STATE_ANSWERED]);
          json_array_add_element (array, node);
        }
      else
        {
          g_autofree char *started = format_time (run->started_us);

          printf ("%-8" G_GINT64_FORMAT " %-19s %5u %8u %13u %8u  %s\n", run->id, started,
                  run->items_in, counts[CONDUIT_SEND_STATE_NOT_SENT],
                  counts[CONDUIT_SEND_STATE_UNKNOWN], counts[CONDUIT_SEND_STATE_ANSWERED],
                  run->flow);
        }
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      json_node_set_array (root, array);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
    }
  else if (runs->len > 0)
    printf ("%s\n", _("“conduit-cli history rerun RUN --file FLOW --only-unsent” sends the items "
                      "not sent; check the “sent, unknown” ones on the other side first."));
  return 0;
}

static int
history_list (ConduitHistoryStore *history,
              ConduitHistoryQuery *query,
              gboolean             as_json,
              gboolean             as_csv)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = conduit_history_store_list_runs (history, query, &error);
  if (runs == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  if (query->status == CONDUIT_RUN_STATUS_INTERRUPTED && query->unhandled && !as_csv)
    return history_list_interrupted (history, runs, as_json);

  if (as_csv)
    {
      g_autoptr(GOutputStream) out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);

      if (!conduit_run_list_write (runs, CONDUIT_RECORD_FORMAT_CSV, out, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      return 0;
    }

  if (as_json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *text = NULL;

      for (guint i = 0; i < runs->len; i++)
        json_array_add_element (array, conduit_run_record_to_json (g_ptr_array_index (runs, i)));
      json_node_set_array (root, array);
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return 0;
    }

  printf ("%-8s %-19s %-11s %-9s %5s %5s %6s %8s  %s\n", _("RUN"), _("STARTED"), _("STATUS"),
          _("TRIGGER"), _("IN"), _("OK"), _("FAILED"), _("REJECTED"), _("FLOW"));
  for (guint i = 0; i < runs->len; i++)
    {
      ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autofree char *started = format_time (run->started_us);

      printf ("%-8" G_GINT64_FORMAT " %-19s %-11s %-9s %5u %5u %6u %8u  %s\n", run->id, started,
              conduit_run_status_to_string (run->status), run->trigger_kind ? run->trigger_kind : "",
              run->items_in, run->items_ok, run->items_failed, run->items_rejected, run->flow);
    }
  return 0;
}

static int
history_show (ConduitHistoryStore *history,
              const char          *id_text,
              gboolean             as_json)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  guint64 id;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      fprintf (stderr, _("“%s” is not a run number; “conduit-cli history list” shows them\n"),
               id_text);
      return 1;
    }

  if (!(run = conduit_history_store_get_run (history, (gint64)id, &error)) ||
      !(steps = conduit_history_store_list_steps (history, (gint64)id, &error)) ||
      !(items = conduit_history_store_list_items (history, (gint64)id, NULL, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = conduit_run_export_to_json (history, (gint64)id, &error);
      g_autofree char *text = NULL;

      if (root == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      text = json_to_string (root, TRUE);
      printf ("%s\n", text);
      return 0;
    }

  {
    g_autofree char *started = format_time (run->started_us);
    g_autofree char *finished = format_time (run->finished_us);

    printf (_("Run %" PRId64 " of “%s”: %s\n"), run->id, run->flow,
            conduit_run_status_to_string (run->status));
    printf (_("  started %s by %s (%s), ended %s\n"), started, run->trigger_node,
            run->trigger_kind, finished);
    printf (_("  items: %u in, %u ok, %u failed, %u rejected\n"), run->items_in, run->items_ok,
            run->items_failed, run->items_rejected);
    if (run->error != NULL)
      printf ("  %s\n", run->error);
  }

  printf ("\n%s\n", _("Steps:"));
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);
      double ms = (step->finished_us - step->started_us) / 1000.0;

      g_autofree char *http = step->http_status ? g_strdup_printf (" HTTP %u", step->http_status)
                                                : g_strdup ("");

      if (step->item_index < 0)
        printf ("  %-16s %-9s in %u, out %u, failed %u  (%.1f ms)\n", step->node_id, step->status,
                step->items_in, step->items_out, step->items_failed, ms);
      else
        printf ("  %-16s item %d attempt %u: %s%s  (after %u ms wait, %.1f ms)\n",
                step->node_id, step->item_index, step->attempt, step->status, http,
                step->delay_ms, ms);
      if (step->error_message != NULL)
        printf ("      %s\n", step->error_message);
    }

  if (run->status == CONDUIT_RUN_STATUS_INTERRUPTED)
    {
      g_autoptr(GArray) states = NULL;
      guint counts[3];

      if (!count_send_states (history, run, counts, &states, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("\n%s\n", _("Requests of the items (the run was cut off):"));
      for (guint i = 0; i < states->len; i++)
        printf (_("  item %u: %s\n"), i,
                conduit_send_state_to_string (g_array_index (states, ConduitSendState, i)));
    }

  printf ("\n%s\n", _("Items:"));
  conduit_run_group_items_by_node (items);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      /* before a node's first item: whether these are all of them, or a sample */
      if (i == 0 || g_strcmp0 (item->node_id,
                               ((ConduitItemRecord *)g_ptr_array_index (items, i - 1))->node_id) != 0)
        {
          g_autofree char *sample = conduit_run_describe_item_samples (steps, items, item->node_id);

          if (sample != NULL)
            printf (_("  %s: %s (the history keeps every failed and rejected item, and the "
                      "first of the others)\n"), item->node_id, sample);
        }

      printf ("  %-16s %-3s %-10s #%u %s%s\n", item->node_id, item->is_output ? "out" : "in",
              item->port, item->seq, item->data,
              item->truncated ? _(" … (cut short)") : "");
    }
  return 0;
}

typedef struct
{
  GMainLoop *loop;
  GError    *error;
  gboolean   done;
} Rerun;

static void
rerun_executed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Rerun *rerun = user_data;

  conduit_run_execute_finish (CONDUIT_RUN (object), result, &rerun->error);
  g_main_loop_quit (rerun->loop);
}

/* Runs @flow again with the items of each run that @choice picks, then marks the old run
 * handled: its items are in a new run now. Returns the exit status: 0 when every re-run
 * succeeded, 2 when one was partial, 1 when one failed or could not start. */
static int
history_rerun (ConduitHistoryStore  *history,
               const char           *flow_path,
               char                **ids,
               ConduitReplayChoice   choice)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  const char *flow_name;
  int status = 0;

  if (flow_path == NULL)
    {
      fprintf (stderr, "%s\n", _("history rerun: name the flow's file with --file FLOW (the "
                                 "history keeps the flow's name, not its file)"));
      return 1;
    }
  flow = conduit_cli_load_flow (flow_path, &error);
  if (flow == NULL)
    {
      fprintf (stderr, _("history rerun: %s: %s\n"), flow_path, error->message);
      return 1;
    }
  flow_name = conduit_flow_get_name (flow);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(ConduitRunRecord) old = NULL;
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(ConduitRun) run = NULL;
      Rerun rerun = { loop, NULL, FALSE };
      const ConduitRunRecord *record;
      guint64 id;
      gint64 old_id;

      if (!g_ascii_string_to_unsigned (ids[i], 10, 1, G_MAXINT64, &id, NULL))
        {
          fprintf (stderr, _("history rerun: “%s” is not a run number; “conduit-cli history "
                             "list --interrupted” shows them\n"), ids[i]);
          status = 1;
          continue;
        }
      old_id = (gint64)id;
      items = conduit_run_replay_select (history, old_id, choice, &old, &error);
      if (items == NULL)
        {
          fprintf (stderr, _("history rerun: run %s: %s\n"), ids[i], error->message);
          g_clear_error (&error);
          status = 1;
          continue;
        }
      if (flow_name != NULL && g_strcmp0 (old->flow, flow_name) != 0)
        {
          fprintf (stderr, _("history rerun: run %s is of the flow “%s”, not of “%s” (%s)\n"),
                   ids[i], old->flow, flow_name, flow_path);
          status = 1;
          continue;
        }

      if (items->len > 0)
        {
          run = conduit_runner_create_run (runner, flow,
                                           conduit_flow_lookup_node (flow, old->trigger_node)
                                             ? old->trigger_node : NULL,
                                           NULL, items, &error);
          if (run == NULL)
            {
              fprintf (stderr, _("history rerun: run %s could not start again: %s\n"), ids[i],
                       error->message);
              g_clear_error (&error);
              status = 1;
              continue;
            }
          conduit_run_execute_async (run, NULL, rerun_executed_cb, &rerun);
          g_main_loop_run (loop);
          g_clear_error (&rerun.error);
          record = conduit_run_get_record (run);
          printf (_("Run %s again as run %" PRId64 ": %u items, %s — %u ok, %u failed, %u "
                    "rejected\n"), ids[i], record->id, items->len,
                  conduit_run_status_to_string (record->status), record->items_ok,
                  record->items_failed, record->items_rejected);
          if (record->status == CONDUIT_RUN_STATUS_PARTIAL)
            status = MAX (status, 2);
          else if (record->status != CONDUIT_RUN_STATUS_SUCCEEDED)
            status = status == 0 || status == 2 ? 1 : status;
        }
      else
        printf (_("Run %s: no item to send again\n"), ids[i]);

      if (!conduit_history_store_flush (history, &error) ||
          !conduit_history_store_mark_handled (history, &old_id, 1, &error))
        {
          fprintf (stderr, _("history rerun: run %s could not be marked handled: %s\n"), ids[i],
                   error->message);
          g_clear_error (&error);
          status = 1;
        }
    }
  return status;
}

int
conduit_cli_history (int    argc,
                     char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autofree char *history_path = NULL;
  g_autofree char *flow = NULL;
  g_autofree char *status_text = NULL;
  g_autofree char *search = NULL;
  gboolean as_json = FALSE;
  gboolean as_csv = FALSE;
  gboolean interrupted = FALSE;
  gboolean only_unsent = FALSE;
  g_autofree char *flow_file = NULL;
  gint limit = 50;
  gint offset = 0;
  ConduitHistoryQuery query = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Read DB instead of the usual run history"), N_("DB") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &as_csv,
      N_("list: print the runs as CSV, as the app's “Export List…” writes them"), NULL },
    { "flow", 0, 0, G_OPTION_ARG_STRING, &flow, N_("Only runs of this flow"), N_("NAME") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_("Only runs with this status (succeeded, partial, failed, interrupted, cancelled, "
         "running)"), N_("STATUS") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only runs whose flow, errors or items contain TEXT"), N_("TEXT") },
    { "interrupted", 0, 0, G_OPTION_ARG_NONE, &interrupted,
      N_("Only runs that were cut off and not yet handled, with how many items were not sent, "
         "sent with the answer unknown, and answered"), NULL },
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &flow_file,
      N_("rerun: the flow's file"), N_("FLOW") },
    { "only-unsent", 0, 0, G_OPTION_ARG_NONE, &only_unsent,
      N_("rerun: only the items none of whose requests left"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N runs (default 50)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the newest N runs"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("list | show RUN | rerun RUN… — read the run history"));
  g_option_context_set_summary (context,
                                _("“list” shows runs, newest first; “show RUN” shows one run "
                                  "with every step and item; “rerun RUN…” runs the flow again "
                                  "with the runs' items (all, or --only-unsent) and marks the "
                                  "runs handled."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc < 2 ||
      (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "show") &&
       !g_str_equal (argv[1], "rerun")) ||
      (g_str_equal (argv[1], "show") && argc != 3) || (g_str_equal (argv[1], "list") && argc != 2) ||
      (g_str_equal (argv[1], "rerun") && argc < 3))
    {
      fprintf (stderr, _("%s: use “list”, “show RUN” or “rerun RUN… --file FLOW”\n"), argv[0]);
      return 1;
    }

  query.status = -1;
  if (status_text != NULL)
    {
      ConduitRunStatus wanted;

      if (!conduit_run_status_from_string (status_text, &wanted))
        {
          fprintf (stderr, _("%s: “%s” is not a run status\n"), argv[0], status_text);
          return 1;
        }
      query.status = (int)wanted;
    }
  if (interrupted)
    {
      query.status = CONDUIT_RUN_STATUS_INTERRUPTED;
      query.unhandled = TRUE;
    }
  query.flow = flow;
  query.text = search;
  query.limit = (guint)CLAMP (limit, 1, 100000);
  query.offset = (guint)MAX (offset, 0);

  history = conduit_cli_open_history (history_path, &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (g_str_equal (argv[1], "list"))
    status = history_list (history, &query, as_json, as_csv);
  else if (g_str_equal (argv[1], "rerun"))
    status = history_rerun (history, flow_file, argv + 2,
                            only_unsent ? CONDUIT_REPLAY_UNSENT : CONDUIT_REPLAY_ALL);
  else
    status = history_show (history, argv[2], as_json);

  conduit_history_store_close (history);
  return status;
}
