/* test-runner.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-http-pool.h"
#include "fault-server.h"
#include "runner-test-util.h"

/* Runs flows against a local server that injects faults, on a fake clock, and checks attempts,
 * waits, final states and that every item is accounted for. */

static ConduitFlow *
http_flow_method (FaultServer *server,
                  const char  *method,
                  const char  *path,
           const char  *items,
           const char  *extra_settings,
           gboolean     error_to_file,
           const char  *file)
{
  g_autofree char *url = fault_server_url (server, path);
  g_autofree char *json = NULL;
  g_autofree char *error_node = NULL;

  if (error_to_file)
    error_node = g_strdup_printf (", { \"id\": \"errors\", \"type\": \"write-file\", \"position\": [400, 0],"
                                  " \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } }", file);
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Fault test\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": %s } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"%s\", \"url\": \"%s\", \"backoff_initial_ms\": 400,"
    "                  \"backoff_max_ms\": 5000 %s } }"
    "  %s ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" }"
    "  %s ] }",
    items, method, url, extra_settings ? extra_settings : "",
    error_to_file ? error_node : "",
    error_to_file ? ", { \"from\": \"call\", \"from_port\": \"error\", \"to\": \"errors\", \"to_port\": \"in\" }" : "");
  return runner_test_flow (json);
}

static ConduitFlow *
http_flow (FaultServer *server,
           const char  *path,
           const char  *items,
           const char  *extra_settings,
           gboolean     error_to_file,
           const char  *file)
{
  return http_flow_method (server, "POST", path, items, extra_settings, error_to_file, file);
}

static guint
sleep_at (RunnerFixture *fixture,
          guint          index)
{
  GPtrArray *sleeps = conduit_clock_get_sleeps (fixture->clock);

  g_assert_cmpuint (index, <, sleeps->len);
  return GPOINTER_TO_UINT (g_ptr_array_index (sleeps, index));
}

static void
test_succeeds (RunnerFixture *fixture,
               gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = http_flow (server, "/contacts",
                                           "[{\"email\": \"a@example.com\"}, {\"email\": \"b@example.com\"}]",
                                           NULL, FALSE, NULL);
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  g_autoptr(GPtrArray) attempts = runner_test_steps (fixture, run, "call", TRUE);
  g_autoptr(ConduitRunRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  guint in, ok, failed, rejected;

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_true (conduit_run_get_node_counts (run, "call", &in, &ok, &failed, &rejected));
  g_assert_cmpuint (in, ==, 2);
  g_assert_cmpuint (ok, ==, 2);
  g_assert_cmpuint (failed + rejected, ==, 0);
  g_assert_cmpuint (fault_server_n_created (server), ==, 2);
  g_assert_cmpuint (attempts->len, ==, 2);
  g_assert_cmpuint (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->http_status, ==, 201);

  record = conduit_history_store_get_run (fixture->history, conduit_run_get_id (run), &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->status, ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (record->items_in, ==, 2);
  g_assert_cmpuint (record->items_ok, ==, 2);
  g_assert_cmpuint (conduit_clock_get_sleeps (fixture->clock)->len, ==, 0);
}

static void
test_retries_408 (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;

  /* 408: the server gave up waiting for the request, so it did not act on it. */
  fault_server_script (server, "/slow-reader", "408");
  flow = http_flow (server, "/slow-reader", "[{\"n\": 1}]", ", \"max_attempts\": 3", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_requests (server, "/slow-reader"), ==, 2);
  g_assert_cmpuint (fault_server_n_created (server), ==, 1);
  g_assert_cmpuint (attempts->len, ==, 2);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->status, ==, "retry");
  g_assert_cmpuint (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->http_status, ==, 408);
}

static void
test_retries_5xx (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  ConduitStepRecord *step;

  fault_server_script (server, "/flaky", "500,503");
  flow = http_flow (server, "/flaky", "[{\"n\": 1}]", ", \"max_attempts\": 3", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_requests (server, "/flaky"), ==, 3);
  g_assert_cmpuint (fault_server_n_created (server), ==, 1);

  /* Two waits: the first in [200, 400] ms, the second in [400, 800] ms (equal jitter). */
  g_assert_cmpuint (conduit_clock_get_sleeps (fixture->clock)->len, ==, 2);
  g_assert_cmpuint (sleep_at (fixture, 0), >=, 200);
  g_assert_cmpuint (sleep_at (fixture, 0), <=, 400);
  g_assert_cmpuint (sleep_at (fixture, 1), >=, 400);
  g_assert_cmpuint (sleep_at (fixture, 1), <=, 800);

  g_assert_cmpuint (attempts->len, ==, 3);
  step = g_ptr_array_index (attempts, 0);
  g_assert_cmpstr (step->status, ==, "retry");
  g_assert_cmpuint (step->http_status, ==, 500);
  g_assert_cmpuint (step->delay_ms, ==, 0);
  step = g_ptr_array_index (attempts, 1);
  g_assert_cmpstr (step->status, ==, "retry");
  g_assert_cmpuint (step->http_status, ==, 503);
  g_assert_cmpuint (step->delay_ms, ==, sleep_at (fixture, 0));
  step = g_ptr_array_index (attempts, 2);
  g_assert_cmpstr (step->status, ==, "ok");
  g_assert_cmpuint (step->attempt, ==, 3);
  g_assert_cmpuint (step->delay_ms, ==, sleep_at (fixture, 1));
}

static void
test_retry_after (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;

  fault_server_script (server, "/limited", "429:2,503:1");
  flow = http_flow (server, "/limited", "[{\"n\": 1}]", ", \"max_attempts\": 5", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_requests (server, "/limited"), ==, 3);
  g_assert_cmpuint (conduit_clock_get_sleeps (fixture->clock)->len, ==, 2);
  g_assert_cmpuint (sleep_at (fixture, 0), ==, 2000);
  g_assert_cmpuint (sleep_at (fixture, 1), ==, 1000);
}

static void
test_retry_after_too_long (RunnerFixture *fixture,
                           gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  ConduitStepRecord *step;

  fault_server_script (server, "/limited", "429:3600");
  flow = http_flow (server, "/limited", "[{\"n\": 1}]", ", \"max_attempts\": 5", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpuint (fault_server_n_requests (server, "/limited"), ==, 1);
  g_assert_cmpuint (attempts->len, ==, 1);
  step = g_ptr_array_index (attempts, 0);
  g_assert_cmpstr (step->status, ==, "failed");
  g_assert_cmpuint (step->http_status, ==, 429);
  g_assert_nonnull (strstr (step->error_message, "longest wait"));
}

static void
test_gives_up (RunnerFixture *fixture,
               gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  const ConduitRunRecord *record;
  gboolean found = FALSE;

  fault_server_script (server, "/down", "500,500,500,500");
  flow = http_flow (server, "/down", "[{\"n\": 1}]", ", \"max_attempts\": 3", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);
  record = conduit_run_get_record (run);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpuint (record->items_failed, ==, 1);
  g_assert_cmpuint (record->items_ok, ==, 0);
  g_assert_cmpuint (fault_server_n_requests (server, "/down"), ==, 3);
  g_assert_cmpuint (attempts->len, ==, 3);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 2))->status, ==, "failed");

  /* The failed item is in the history on the error port, with its error. */
  items = conduit_history_store_list_items (fixture->history, record->id, "call", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);
      if (item->is_output && g_str_equal (item->port, "error"))
        {
          g_assert_nonnull (strstr (item->data, "\"http_status\":500"));
          g_assert_nonnull (strstr (item->data, "\"attempts\":3"));
          g_assert_nonnull (strstr (item->data, "\"kind\":\"http\""));
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_no_retry_on_4xx (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;

  fault_server_script (server, "/bad", "400,422");
  flow = http_flow (server, "/bad", "[{\"n\": 1}]", ", \"max_attempts\": 5", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpuint (fault_server_n_requests (server, "/bad"), ==, 1);
  g_assert_cmpuint (conduit_clock_get_sleeps (fixture->clock)->len, ==, 0);
}

static void
test_timeout (RunnerFixture *fixture,
              gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;

  /* A server that answers too late, then one that trickles its body too slowly. The POST
   * carries an idempotency key, so retrying it after a timeout cannot act twice. */
  fault_server_script (server, "/slow", "slow:3000,slowbody:3000");
  flow = http_flow (server, "/slow", "[{\"key\": \"order-1\"}]",
                    ", \"max_attempts\": 3, \"timeout_seconds\": 1, \"idempotency_key\": \"key\"",
                    FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (attempts->len, ==, 3);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->error_kind, ==, "timeout");
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 1))->error_kind, ==, "timeout");
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 2))->status, ==, "ok");
  g_assert_cmpuint (fault_server_n_requests (server, "/slow"), ==, 3);
}

/* Issue #14 point 11: a POST without an idempotency key that timed out after it was sent may
 * have been acted on; it is not retried, and the history says the outcome is unknown. An
 * idempotent method (PUT) is still retried. */
static void
test_timeout_outcome_unknown (RunnerFixture *fixture,
                              gconstpointer  data)
{
  const char *method = data;
  gboolean idempotent = g_str_equal (method, "PUT");
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  ConduitStepRecord *step;

  fault_server_script (server, "/late", "slow:3000,slow:3000,slow:3000");
  flow = http_flow_method (server, method, "/late", "[{\"n\": 1}]",
                           ", \"max_attempts\": 3, \"timeout_seconds\": 1", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  if (idempotent)
    {
      g_assert_cmpuint (fault_server_n_requests (server, "/late"), ==, 3);
      g_assert_cmpuint (attempts->len, ==, 3);
      step = g_ptr_array_index (attempts, 2);
      g_assert_cmpstr (step->error_kind, ==, "timeout");
      return;
    }

  g_assert_cmpuint (fault_server_n_requests (server, "/late"), ==, 1);
  g_assert_cmpuint (attempts->len, ==, 1);
  step = g_ptr_array_index (attempts, 0);
  g_assert_cmpstr (step->status, ==, "unknown");
  g_assert_cmpstr (step->error_kind, ==, "outcome-unknown");
  g_assert_nonnull (strstr (step->error_message,
                            "outcome unknown: timed out after the request was sent"));
  g_assert_cmpuint (conduit_clock_get_sleeps (fixture->clock)->len, ==, 0);
}

static void
test_dropped_connection (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;

  fault_server_script (server, "/drop", "drop,drop");
  flow = http_flow (server, "/drop", "[{\"n\": 1}]", ", \"max_attempts\": 3", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (attempts->len, ==, 3);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->error_kind, ==, "network");
  g_assert_cmpuint (fault_server_n_created (server), ==, 1);
}

/* The server acted (200) but its answer cannot be read: no retry, and the item does not pass
 * as a success either. A hostile answer nested a million levels deep must fail the step the
 * same way, not overflow the runner's stack. */
static void
test_bad_answer (RunnerFixture *fixture,
                 gconstpointer  data)
{
  const char *const *fault = data;   /* script step, then what the message must say */
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) attempts = NULL;
  ConduitStepRecord *step;

  fault_server_script (server, "/garbled", fault[0]);
  flow = http_flow (server, "/garbled", "[{\"n\": 1}]", ", \"max_attempts\": 3", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpuint (fault_server_n_requests (server, "/garbled"), ==, 1);
  g_assert_cmpuint (attempts->len, ==, 1);
  step = g_ptr_array_index (attempts, 0);
  g_assert_cmpstr (step->error_kind, ==, "bad_response");
  g_assert_cmpuint (step->http_status, ==, 200);
  g_assert_nonnull (strstr (step->error_message, fault[1]));
}

static void
test_partial_with_error_port (RunnerFixture *fixture,
                              gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autofree char *file = g_build_filename (fixture->dir, "errors.ndjson", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const ConduitRunRecord *record;
  guint in, ok, failed;

  /* Items go one after another through a server that refuses every third. */
  fault_server_script (server, "/some", "ok,ok,400,ok,ok,400");
  flow = http_flow (server, "/some", "[{\"n\":1},{\"n\":2},{\"n\":3},{\"n\":4},{\"n\":5},{\"n\":6}]",
                    ", \"max_attempts\": 1", TRUE, file);
  run = runner_test_run (fixture, flow, NULL);
  record = conduit_run_get_record (run);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
  conduit_run_get_node_counts (run, "call", &in, &ok, &failed, NULL);
  g_assert_cmpuint (in, ==, 6);
  g_assert_cmpuint (ok + failed, ==, 6);
  g_assert_cmpuint (failed, ==, 2);
  g_assert_cmpuint (fault_server_n_created (server), ==, 4);
  g_assert_cmpuint (record->items_failed, ==, 2);

  /* The failed items reached the error file with what went wrong. */
  g_assert_true (g_file_get_contents (file, &text, NULL, NULL));
  lines = g_strsplit (g_strstrip (text), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_nonnull (strstr (lines[i], "\"http_status\":400"));
      g_assert_nonnull (strstr (lines[i], "\"item\":{\"n\":"));
    }
}

static void
test_nothing_lost (RunnerFixture *fixture,
                   gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  GString *items = g_string_new ("[");
  GString *script = g_string_new ("");
  const char *faults[] = { "ok", "500", "drop", "400", "429:1", "badjson", "created+drop", "503" };
  g_autofree char *items_text = NULL;
  const ConduitRunRecord *record;

  for (guint i = 0; i < 40; i++)
    {
      g_string_append_printf (items, "%s{\"n\": %u}", i ? "," : "", i);
      g_string_append_printf (script, "%s%s", i ? "," : "", faults[i % G_N_ELEMENTS (faults)]);
    }
  g_string_append (items, "]");
  items_text = g_string_free (items, FALSE);

  fault_server_script (server, "/mixed", script->str);
  g_string_free (script, TRUE);
  flow = http_flow (server, "/mixed", items_text, ", \"max_attempts\": 4", FALSE, NULL);
  run = runner_test_run (fixture, flow, NULL);
  record = conduit_run_get_record (run);

  /* Every item ended somewhere, and the history agrees with the run. */
  g_assert_cmpuint (record->items_in, ==, 40);
  g_assert_cmpuint (record->items_ok + record->items_failed, ==, 40);
  g_assert_cmpuint (record->items_failed, >, 0);
  g_assert_cmpint (record->status, ==, CONDUIT_RUN_STATUS_PARTIAL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ConduitRunRecord) stored = conduit_history_store_get_run (fixture->history,
                                                                         record->id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stored->items_ok, ==, record->items_ok);
    g_assert_cmpuint (stored->items_failed, ==, record->items_failed);
  }
}

static void
cancel_soon_cb (ConduitRunner *runner,
                ConduitRun    *run,
                const char    *node_id,
                GCancellable  *cancellable)
{
  if (g_str_equal (node_id, "call"))
    g_cancellable_cancel (cancellable);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitRun **run = user_data;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, NULL);
}

static void
test_cancel (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  gulong handler;

  fault_server_script (server, "/slow", "slow:10000");
  flow = http_flow (server, "/slow", "[{\"n\": 1}]", NULL, FALSE, NULL);
  handler = g_signal_connect (fixture->runner, "node-started", G_CALLBACK (cancel_soon_cb),
                              cancellable);
  conduit_runner_run_async (fixture->runner, flow, NULL, NULL, cancellable, run_done_cb, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (fixture->runner, handler);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_CANCELLED);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 5.0);
}

typedef struct
{
  GPtrArray *events;
} Progress;

static void
node_started_cb (ConduitRunner *runner,
                 ConduitRun    *run,
                 const char    *node_id,
                 Progress      *progress)
{
  g_ptr_array_add (progress->events, g_strdup_printf ("start %s", node_id));
}

static void
node_finished_cb (ConduitRunner *runner,
                  ConduitRun    *run,
                  const char    *node_id,
                  guint          ok,
                  guint          failed,
                  guint          rejected,
                  Progress      *progress)
{
  g_ptr_array_add (progress->events, g_strdup_printf ("done %s %u/%u/%u", node_id, ok, failed,
                                                      rejected));
}

static void
test_progress_signals (RunnerFixture *fixture,
                       gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  Progress progress = { g_ptr_array_new_with_free_func (g_free) };

  fault_server_script (server, "/p", "ok,400");
  flow = http_flow (server, "/p", "[{\"n\": 1}, {\"n\": 2}]", ", \"max_attempts\": 1", FALSE, NULL);
  g_signal_connect (fixture->runner, "node-started", G_CALLBACK (node_started_cb), &progress);
  g_signal_connect (fixture->runner, "node-finished", G_CALLBACK (node_finished_cb), &progress);
  run = runner_test_run (fixture, flow, NULL);
  g_signal_handlers_disconnect_by_data (fixture->runner, &progress);

  g_assert_cmpuint (progress.events->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (progress.events, 0), ==, "start start");
  g_assert_cmpstr (g_ptr_array_index (progress.events, 1), ==, "done start 2/0/0");
  g_assert_cmpstr (g_ptr_array_index (progress.events, 2), ==, "start call");
  g_assert_cmpstr (g_ptr_array_index (progress.events, 3), ==, "done call 1/1/0");
  g_ptr_array_unref (progress.events);
}

static void
test_given_input (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = http_flow (server, "/in", "[{\"sample\": true}]", NULL, FALSE, NULL);
  g_autoptr(GPtrArray) items = runner_test_parse_items ("[{\"given\": 1}, {\"given\": 2}, {\"given\": 3}]");
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, items);
  JsonNode *first;

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpstr (conduit_run_get_trigger_kind (run), ==, "input");
  g_assert_cmpuint (fault_server_n_created (server), ==, 3);
  first = g_ptr_array_index (fault_server_created (server), 0);
  g_assert_true (json_object_has_member (json_node_get_object (first), "given"));
}

static void
test_unreachable_url (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"Bad URL\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {\"n\": 1} ] } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"ftp://example.com/x\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }");
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  g_autoptr(GPtrArray) attempts = runner_test_steps (fixture, run, "call", TRUE);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  g_assert_cmpuint (attempts->len, ==, 1);
  g_assert_cmpstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->error_kind, ==, "invalid");
  g_assert_nonnull (strstr (((ConduitStepRecord *)g_ptr_array_index (attempts, 0))->error_message,
                            "ftp://example.com/x"));
}

/* Calls go out on a few sessions (conduit-http-pool.c), each a part of the connections: a
 * call takes the shard with the fewest calls in flight, the first on a tie, so one call at a
 * time keeps to one session and its kept-alive connection. */
static void
test_pool_shards (RunnerFixture *fixture,
                  gconstpointer  data)
{
  SoupSession *session = conduit_runner_get_session (fixture->runner);
  ConduitHttpShard *held[CONDUIT_HTTP_POOL_SHARDS + 1];
  ConduitHttpShard *first = conduit_http_pool_pick (session, NULL);
  SoupSession *shard_session;

  g_assert_nonnull (first);
  g_assert_true (conduit_http_pool_pick (session, NULL) == first);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    {
      held[i] = conduit_http_pool_pick (session, NULL);
      for (guint j = 0; j < i && i < CONDUIT_HTTP_POOL_SHARDS; j++)
        g_assert_true (held[i] != held[j]);
      shard_session = conduit_http_shard_hold (held[i]);
      g_assert_true (shard_session != session);
    }
  /* all busy with one: the first again */
  g_assert_true (held[CONDUIT_HTTP_POOL_SHARDS] == first);
  g_assert_cmpuint (conduit_http_shard_get_in_flight (first), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (held); i++)
    conduit_http_shard_release (held[i]);
  g_assert_cmpuint (conduit_http_shard_get_in_flight (first), ==, 0);
  g_assert_true (conduit_http_pool_pick (session, NULL) == first);

  /* a batch keeps to its shard while it has room for one host's share, then moves on */
  g_assert_true (conduit_http_pool_pick (session, held[1]) == held[1]);
  shard_session = conduit_http_shard_hold (held[1]);
  while (conduit_http_pool_pick (session, held[1]) == held[1])
    conduit_http_shard_hold (held[1]);
  g_assert_cmpint (conduit_http_shard_get_in_flight (held[1]) * CONDUIT_HTTP_POOL_SHARDS, ==,
                   soup_session_get_max_conns_per_host (session));
  g_assert_true (conduit_http_pool_pick (session, held[1]) == first);
  while (conduit_http_shard_get_in_flight (held[1]) > 0)
    conduit_http_shard_release (held[1]);

  /* together as many connections as the runner's session allows; its proxy and user agent */
  shard_session = conduit_http_shard_hold (first);
  g_assert_cmpint (soup_session_get_max_conns_per_host (shard_session) * CONDUIT_HTTP_POOL_SHARDS,
                   ==, soup_session_get_max_conns_per_host (session));
  g_assert_cmpint (soup_session_get_max_conns (shard_session) * CONDUIT_HTTP_POOL_SHARDS,
                   ==, soup_session_get_max_conns (session));
  g_assert_null (soup_session_get_proxy_resolver (shard_session));
  g_assert_cmpstr (soup_session_get_user_agent (shard_session), ==,
                   soup_session_get_user_agent (session));
  conduit_http_shard_release (first);
}

static void
burst_run_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRun) run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);

  g_assert_no_error (error);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  (*done)++;
}

/* A burst against a slow API is not held back by the pool: 6 runs of 8 items have all their
 * calls in flight at once (the runner's session took 64 to a host; so do the shards together),
 * where one session of 16 would send them in three waves. */
static void
test_pool_burst (RunnerFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(GString) script = g_string_new ("gather:48");
  g_autoptr(GString) items = g_string_new ("[");
  g_autoptr(ConduitFlow) flow = NULL;
  guint done = 0;

  for (guint i = 1; i < 48; i++)
    g_string_append (script, ",gather:48");
  fault_server_script (server, "/slow", script->str);
  for (guint i = 0; i < 8; i++)
    g_string_append_printf (items, "%s{\"n\": %u}", i > 0 ? ", " : "", i);
  g_string_append (items, "]");
  flow = http_flow (server, "/slow", items->str, NULL, FALSE, NULL);

  for (guint r = 0; r < 6; r++)
    conduit_runner_run_async (fixture->runner, flow, NULL, NULL, NULL, burst_run_done_cb, &done);
  while (done < 6)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpuint (fault_server_n_created (server), ==, 48);
  g_assert_cmpuint (fault_server_peak_gathered (server), ==, 48);
}

/* The calls, now on the pool's sessions, still say who sends them. */
static void
test_user_agent (RunnerFixture *fixture,
                 gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autoptr(ConduitFlow) flow = http_flow (server, "/contacts", "[{\"email\": \"a@example.com\"}]",
                                           NULL, FALSE, NULL);
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, NULL);
  GPtrArray *headers = fault_server_headers (server);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (headers->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (headers, 0), "User-Agent: Conduit/"));
}

int
main (int    argc,
      char **argv)
{
  static const char *const bad_json[] = { "badjson", "its JSON is not valid" };
  static const char *const deep_json[] = { "deepjson", "nests more than 256 levels deep" };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, RunnerFixture, NULL, runner_fixture_set_up, func, runner_fixture_tear_down)

  ADD ("/conduit/runner/http/succeeds", test_succeeds);
  ADD ("/conduit/runner/http/retries-5xx", test_retries_5xx);
  ADD ("/conduit/runner/http/retries-408", test_retries_408);
  ADD ("/conduit/runner/http/retry-after", test_retry_after);
  ADD ("/conduit/runner/http/retry-after-too-long", test_retry_after_too_long);
  ADD ("/conduit/runner/http/gives-up", test_gives_up);
  ADD ("/conduit/runner/http/no-retry-on-4xx", test_no_retry_on_4xx);
  ADD ("/conduit/runner/http/timeout", test_timeout);
  ADD ("/conduit/runner/http/dropped-connection", test_dropped_connection);
  g_test_add ("/conduit/runner/http/timeout-outcome-unknown", RunnerFixture, "POST",
              runner_fixture_set_up, test_timeout_outcome_unknown, runner_fixture_tear_down);
  g_test_add ("/conduit/runner/http/timeout-idempotent-retried", RunnerFixture, "PUT",
              runner_fixture_set_up, test_timeout_outcome_unknown, runner_fixture_tear_down);
  g_test_add ("/conduit/runner/http/bad-json", RunnerFixture, bad_json, runner_fixture_set_up,
              test_bad_answer, runner_fixture_tear_down);
  g_test_add ("/conduit/runner/http/deep-json", RunnerFixture, deep_json, runner_fixture_set_up,
              test_bad_answer, runner_fixture_tear_down);
  ADD ("/conduit/runner/http/invalid-url", test_unreachable_url);
  ADD ("/conduit/runner/http/pool-shards", test_pool_shards);
  ADD ("/conduit/runner/http/user-agent", test_user_agent);
  ADD ("/conduit/runner/http/pool-burst", test_pool_burst);
  ADD ("/conduit/runner/partial-with-error-port", test_partial_with_error_port);
  ADD ("/conduit/runner/nothing-lost", test_nothing_lost);
  ADD ("/conduit/runner/cancel", test_cancel);
  ADD ("/conduit/runner/progress-signals", test_progress_signals);
  ADD ("/conduit/runner/given-input", test_given_input);

  return g_test_run ();
}
