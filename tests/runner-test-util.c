/* runner-test-util.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>

#include <libsoup/soup.h>

#include "runner-test-util.h"

void
runner_fixture_set_up (RunnerFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("conduit-runner-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "history.db", NULL);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (),
                                        fixture->history);
  fixture->clock = conduit_clock_new_fake (G_GINT64_CONSTANT (1700000000) * G_USEC_PER_SEC);
  conduit_runner_set_clock (fixture->runner, fixture->clock);
  soup_session_set_proxy_resolver (conduit_runner_get_session (fixture->runner), NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

void
runner_fixture_tear_down (RunnerFixture *fixture,
                          gconstpointer  data)
{
  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->history);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->history);
  g_clear_object (&fixture->clock);
  remove_tree (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
}

ConduitFlow *
runner_test_flow (const char *json)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1,
                                     &problems, &error);
  if (flow == NULL && problems != NULL)
    for (guint i = 0; i < problems->len; i++)
      {
        g_autofree char *text = conduit_flow_problem_format (g_ptr_array_index (problems, i));
        g_printerr ("%s\n", text);
      }
  g_assert_no_error (error);
  g_assert_nonnull (flow);
  return flow;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  g_assert_no_error (error);
}

ConduitRun *
runner_test_run (RunnerFixture *fixture,
                 ConduitFlow   *flow,
                 GPtrArray     *items)
{
  ConduitRun *run = NULL;
  g_autoptr(GError) error = NULL;

  conduit_runner_run_async (fixture->runner, flow, NULL, items, NULL, run_done_cb, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  return run;
}

GPtrArray *
runner_test_steps (RunnerFixture *fixture,
                   ConduitRun    *run,
                   const char    *node_id,
                   gboolean       attempts_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) all = conduit_history_store_list_steps (fixture->history,
                                                               conduit_run_get_id (run), &error);
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_step_record_free);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (all, i);

      if (node_id != NULL && g_strcmp0 (step->node_id, node_id) != 0)
        continue;
      if (attempts_only && step->attempt == 0)
        continue;
      g_ptr_array_add (steps, conduit_step_record_copy (step));
    }
  return steps;
}

GPtrArray *
runner_test_parse_items (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  JsonArray *array;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));
  return items;
}

/* A server must not outlive a test that fails half-way. */
static void
die_with_parent (gpointer user_data)
{
  guint max_files = GPOINTER_TO_UINT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (max_files > 0)
    {
      struct rlimit limit = { max_files, max_files };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/**
 * runner_test_start_serve:
 * @launcher: (nullable): how to start it (its stdout must be a pipe), %NULL for the usual
 * @flow_path: the flow to serve
 * @db_path: its history
 * @workers: (nullable): the --workers argument, %NULL for serve's default
 * @url: (out): the URL serve printed
 *
 * Starts `conduit-cli serve` ($CONDUIT_CLI) and returns once it listens. It never looks up a
 * system proxy (everything is on 127.0.0.1) and dies with the test.
 *
 * Returns: (transfer full): the process
 */
GSubprocess *
runner_test_start_serve (GSubprocessLauncher  *launcher,
                         const char           *flow_path,
                         const char           *db_path,
                         const char           *workers,
                         char                **url)
{
  const char *extra[] = { "--workers", workers, NULL };

  return runner_test_start_serve_full (launcher, flow_path, db_path,
                                       workers != NULL ? extra : NULL, 0, url);
}

/**
 * runner_test_start_serve_full:
 * @launcher: (nullable): as for runner_test_start_serve()
 * @flow_path: the flow to serve
 * @db_path: its history
 * @extra_args: (nullable): more options for serve
 * @max_files: the child's limit of open files (ulimit -n), 0 to keep the usual
 * @url: (out): the flow's URL as serve printed it
 *
 * Returns: (transfer full): the running `conduit-cli serve`
 */
GSubprocess *
runner_test_start_serve_full (GSubprocessLauncher  *launcher,
                              const char           *flow_path,
                              const char           *db_path,
                              const char * const   *extra_args,
                              guint                 max_files,
                              char                **url)
{
  g_autoptr(GSubprocessLauncher) usual = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  GSubprocess *serve;

  if (launcher == NULL)
    launcher = usual = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, GUINT_TO_POINTER (max_files),
                                         NULL);
  g_ptr_array_add (argv, (gpointer)g_getenv ("CONDUIT_CLI"));
  g_ptr_array_add (argv, (gpointer)"serve");
  g_ptr_array_add (argv, (gpointer)flow_path);
  g_ptr_array_add (argv, (gpointer)"--history");
  g_ptr_array_add (argv, (gpointer)db_path);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)extra_args[i]);
  g_ptr_array_add (argv, NULL);
  serve = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error);
  g_assert_no_error (error);

  *url = NULL;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  while (*url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if ((at = strstr (line, "listening on ")) != NULL)
        *url = g_strdup (at + strlen ("listening on "));
    }

  return serve;
}

typedef struct
{
  SoupSession        *client;
  const char         *url;
  guint               n_events;
  guint               concurrency;
  char             *(*body_for) (guint, gpointer);
  RunnerTestAnswered  answered;
  gpointer            user_data;
  guint               next;
  guint               in_flight;
  gboolean            stopped;
} Burst;

typedef struct
{
  Burst       *burst;
  guint        index;
  SoupMessage *msg;
} Event;

static void send_next (Burst *burst);

static void
event_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Event *event = user_data;
  Burst *burst = event->burst;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  burst->in_flight--;
  if (!burst->answered (event->index, body != NULL ? soup_message_get_status (event->msg) : 0,
                        body, burst->user_data))
    burst->stopped = TRUE;

  g_object_unref (event->msg);
  g_free (event);
  send_next (burst);
}

static void
send_next (Burst *burst)
{
  while (!burst->stopped && burst->in_flight < burst->concurrency &&
         burst->next < burst->n_events)
    {
      Event *event = g_new0 (Event, 1);
      g_autofree char *text = burst->body_for (burst->next, burst->user_data);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

      event->burst = burst;
      event->index = burst->next++;
      event->msg = soup_message_new ("POST", burst->url);
      soup_message_set_request_body_from_bytes (event->msg, "application/json", bytes);
      burst->in_flight++;
      soup_session_send_and_read_async (burst->client, event->msg, G_PRIORITY_DEFAULT, NULL,
                                        event_done_cb, event);
    }
}

/**
 * runner_test_post_events:
 * @url: where to post
 * @n_events: how many events
 * @concurrency: how many at once, each on a kept-alive connection of its own
 * @body_for: the JSON body of event N
 * @answered: told each answer; may stop the sending
 * @user_data: for both
 *
 * Posts a burst of webhook events as a busy sender would, and returns once every event sent
 * was answered (or failed). Connection attempts still going to a server that was killed
 * meanwhile are ended, so nothing is left half-done when the test ends.
 */
void
runner_test_post_events (const char          *url,
                         guint                n_events,
                         guint                concurrency,
                         char              *(*body_for) (guint, gpointer),
                         RunnerTestAnswered   answered,
                         gpointer             user_data)
{
  Burst burst = { 0 };
  gint64 until;

  burst.client = soup_session_new_with_options ("max-conns", concurrency * 2,
                                                "max-conns-per-host", concurrency * 2, NULL);
  soup_session_set_proxy_resolver (burst.client, NULL);
  burst.url = url;
  burst.n_events = n_events;
  burst.concurrency = concurrency;
  burst.body_for = body_for;
  burst.answered = answered;
  burst.user_data = user_data;

  send_next (&burst);
  while (burst.in_flight > 0 || (!burst.stopped && burst.next < n_events))
    g_main_context_iteration (NULL, TRUE);

  soup_session_abort (burst.client);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_object_unref (burst.client);
}
