/* conduit-cli-history.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-history"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <stdio.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli history list [--flow NAME] [--status STATUS] [--search TEXT] [--limit N]
 *                          [--offset N] [--json] [--history DB]
 * conduit-cli history show RUN_ID [--json] [--history DB]
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

static int
history_list (ConduitHistoryStore *history,
              ConduitHistoryQuery *query,
              gboolean             as_json)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = conduit_history_store_list_runs (history, query, &error);
  if (runs == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
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

  printf ("\n%s\n", _("Items:"));
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      printf ("  %-16s %-3s %-10s #%u %s%s\n", item->node_id, item->is_output ? "out" : "in",
              item->port, item->seq, item->data,
              item->truncated ? _(" … (cut short)") : "");
    }
  return 0;
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
  gint limit = 50;
  gint offset = 0;
  ConduitHistoryQuery query = { 0 };
  int status;
  const GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Read DB instead of the usual run history"), N_("DB") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print JSON"), NULL },
    { "flow", 0, 0, G_OPTION_ARG_STRING, &flow, N_("Only runs of this flow"), N_("NAME") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status_text,
      N_("Only runs with this status (succeeded, partial, failed, interrupted, cancelled, "
         "running)"), N_("STATUS") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search,
      N_("Only runs whose flow, errors or items contain TEXT"), N_("TEXT") },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Show at most N runs (default 50)"), N_("N") },
    { "offset", 0, 0, G_OPTION_ARG_INT, &offset, N_("Skip the newest N runs"), N_("N") },
    { NULL }
  };

  context = g_option_context_new (_("list | show RUN — read the run history"));
  g_option_context_set_summary (context,
                                _("“list” shows runs, newest first; “show RUN” shows one run "
                                  "with every step and item."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc < 2 || (!g_str_equal (argv[1], "list") && !g_str_equal (argv[1], "show")) ||
      (g_str_equal (argv[1], "show") && argc != 3) || (g_str_equal (argv[1], "list") && argc != 2))
    {
      fprintf (stderr, _("%s: use “list” or “show RUN”\n"), argv[0]);
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
    status = history_list (history, &query, as_json);
  else
    status = history_show (history, argv[2], as_json);

  conduit_history_store_close (history);
  return status;
}
