/* conduit-cli-serve.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-serve"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* conduit-cli serve FLOW... [--history DB] [--keep-runs N] [--keep-days D]
 *
 * Serves the flows' webhook and schedule triggers until SIGINT or SIGTERM. Then it stops
 * accepting events, lets accepted events and running runs finish, writes the history and
 * exits. The history is pruned in the background to the retention asked for. */

#define PRUNE_INTERVAL_SECONDS (10 * 60)

typedef struct
{
  GMainLoop            *loop;
  ConduitRunner        *runner;
  ConduitHistoryStore  *history;
  ConduitWebhookServer *webhooks;
  ConduitScheduler     *scheduler;
  gboolean              stopping;
  guint                 drain_id;
} Serve;

static gboolean
drain_cb (gpointer user_data)
{
  Serve *serve = user_data;

  if (conduit_webhook_server_get_n_pending (serve->webhooks) > 0 ||
      conduit_runner_get_n_active (serve->runner) > 0)
    return G_SOURCE_CONTINUE;

  serve->drain_id = 0;
  g_main_loop_quit (serve->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_cb (gpointer user_data)
{
  Serve *serve = user_data;

  if (serve->stopping)
    return G_SOURCE_CONTINUE;

  serve->stopping = TRUE;
  fprintf (stderr, "%s\n", _("Stopping: finishing the runs in flight…"));
  conduit_webhook_server_stop (serve->webhooks);
  conduit_scheduler_stop (serve->scheduler);
  serve->drain_id = g_timeout_add (20, drain_cb, serve);
  return G_SOURCE_CONTINUE;
}

static void
prune_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  guint deleted = 0;

  if (!conduit_history_store_prune_finish (CONDUIT_HISTORY_STORE (object), result, &deleted,
                                           &error))
    g_warning ("Pruning the run history failed: %s", error->message);
}

static gboolean
prune_cb (gpointer user_data)
{
  Serve *serve = user_data;

  conduit_history_store_prune_async (serve->history, g_get_real_time (), NULL, prune_done_cb,
                                     NULL);
  return G_SOURCE_CONTINUE;
}

/**
 * conduit_cli_add_webhook_flow:
 * @webhooks: the webhook server
 * @flow: a flow with a webhook trigger
 * @error: return location for an error
 *
 * Serves @flow's webhook, with its signature secret when it checks signatures.
 *
 * Returns: whether the flow is served
 */
typedef struct
{
  ConduitCredential *credential;
  GError            *error;
  gboolean           done;
} Lookup;

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->credential = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (object),
                                                               result, &lookup->error);
  lookup->done = TRUE;
}

gboolean
conduit_cli_add_webhook_flow (ConduitWebhookServer  *webhooks,
                              ConduitFlow           *flow,
                              GError               **error)
{
  GListModel *nodes = conduit_flow_get_nodes (flow);
  g_autoptr(ConduitCredential) credential = NULL;
  const char *secret = NULL;

  for (guint j = 0; j < g_list_model_get_n_items (nodes); j++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, j);
      const char *id;
      const ConduitCredentialFieldSpec *field;
      Lookup lookup = { 0 };

      if (!g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger") ||
          (id = conduit_node_get_setting_string (node, "signature_credential")) == NULL)
        continue;

      /* Before serving: a flow that checks signatures must not start without its secret. */
      conduit_credential_store_lookup_async (conduit_credential_store_get_default (), id, NULL,
                                             lookup_cb, &lookup);
      while (!lookup.done)
        g_main_context_iteration (NULL, TRUE);
      if (lookup.credential == NULL)
        {
          g_propagate_prefixed_error (error, lookup.error, _("the signature secret: "));
          return FALSE;
        }

      credential = lookup.credential;
      field = conduit_credential_kind_get_secret_field (conduit_credential_get_kind (credential));
      secret = field != NULL ? conduit_credential_get_secret (credential, field->key) : NULL;
      if (secret == NULL || *secret == '\0')
        {
          g_set_error (error, CONDUIT_WEBHOOK_SERVER_ERROR, CONDUIT_WEBHOOK_SERVER_ERROR_FAILED,
                       _("the credential “%s” holds no secret to check signatures with"), id);
          return FALSE;
        }
      break;
    }

  return conduit_webhook_server_add_flow (webhooks, flow, NULL, secret, error);
}

int
conduit_cli_serve (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitWebhookServer) webhooks = NULL;
  g_autoptr(ConduitScheduler) scheduler = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) flows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *history_path = NULL;
  gint keep_runs = 10000;
  gint keep_days = 30;
  guint served = 0;
  guint sigint_id, sigterm_id, prune_id;
  Serve serve = { 0 };
  const GOptionEntry entries[] = {
    { "history", 0, 0, G_OPTION_ARG_FILENAME, &history_path,
      N_("Record runs in DB instead of the usual run history"), N_("DB") },
    { "keep-runs", 0, 0, G_OPTION_ARG_INT, &keep_runs,
      N_("Keep the last N runs of each flow (0: no limit; default 10000)"), N_("N") },
    { "keep-days", 0, 0, G_OPTION_ARG_INT, &keep_days,
      N_("Keep runs for D days (0: no limit; default 30)"), N_("D") },
    { NULL }
  };

  context = g_option_context_new (_("FLOW… — serve the flows’ webhook and schedule triggers"));
  g_option_context_set_summary (context,
                                _("Runs the flows whenever their webhooks receive an event or "
                                  "their schedules fire, until interrupted (Ctrl+C or SIGTERM); "
                                  "then finishes the runs in flight and exits."));
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

  for (int i = 1; i < argc; i++)
    {
      ConduitFlow *flow = conduit_cli_load_flow (argv[i], &error);

      if (flow == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (flows, flow);
    }

  history = conduit_cli_open_history (history_path, &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  conduit_history_store_set_retention (history, (guint)MAX (keep_runs, 0),
                                       (guint)MAX (keep_days, 0));

  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
  webhooks = conduit_webhook_server_new (runner);
  scheduler = conduit_scheduler_new (runner);

  /* Before the first URL is printed, so that a signal right after it is handled cleanly. */
  loop = g_main_loop_new (NULL, FALSE);
  serve.loop = loop;
  serve.runner = runner;
  serve.history = history;
  serve.webhooks = webhooks;
  serve.scheduler = scheduler;
  sigint_id = g_unix_signal_add (SIGINT, stop_cb, &serve);
  sigterm_id = g_unix_signal_add (SIGTERM, stop_cb, &serve);

  for (guint i = 0; i < flows->len; i++)
    {
      ConduitFlow *flow = g_ptr_array_index (flows, i);
      GListModel *nodes = conduit_flow_get_nodes (flow);
      gboolean has_webhook = FALSE, has_schedule = FALSE;

      for (guint j = 0; j < g_list_model_get_n_items (nodes); j++)
        {
          g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, j);
          const char *type = conduit_node_get_connector_id (node);

          has_webhook |= g_str_equal (type, "webhook-trigger");
          has_schedule |= g_str_equal (type, "schedule-trigger");
        }

      if (has_webhook)
        {
          g_autofree char *url = NULL;
          g_autofree char *curl = NULL;

          if (!conduit_cli_add_webhook_flow (webhooks, flow, &error))
            {
              fprintf (stderr, "%s: %s\n", argv[i + 1], error->message);
              return 1;
            }
          url = conduit_webhook_server_dup_url (webhooks, flow);
          curl = conduit_webhook_server_dup_curl_command (webhooks, flow);
          printf (_("%s: listening on %s\n"), conduit_flow_get_name (flow), url);
          printf (_("  try: %s\n"), curl);
          served++;
        }

      if (has_schedule)
        {
          g_autoptr(GDateTime) next = NULL;
          g_autofree char *when = NULL;

          if (!conduit_scheduler_add_flow (scheduler, flow, NULL, &error))
            {
              fprintf (stderr, "%s: %s\n", argv[i + 1], error->message);
              return 1;
            }
          next = g_date_time_new_from_unix_local (conduit_scheduler_get_next_us (scheduler, flow) /
                                                  G_USEC_PER_SEC);
          when = g_date_time_format (next, "%Y-%m-%d %H:%M");
          printf (_("%s: scheduled, next run at %s\n"), conduit_flow_get_name (flow), when);
          served++;
        }

      if (!has_webhook && !has_schedule)
        fprintf (stderr, _("%s: has no webhook or schedule trigger; nothing to serve\n"),
                 argv[i + 1]);
    }
  fflush (stdout);

  if (served == 0)
    {
      g_source_remove (sigint_id);
      g_source_remove (sigterm_id);
      return 1;
    }

  prune_cb (&serve);
  prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_SECONDS, prune_cb, &serve);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_source_remove (prune_id);
  conduit_history_store_close (history);
  fprintf (stderr, "%s\n", _("Stopped; every accepted event is in the history."));
  return 0;
}
