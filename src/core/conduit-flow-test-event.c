/* conduit-flow-test-event.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-test"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-flow-test.h"
#include "conduit-runner.h"

/* A webhook event caught by "Listen for a Test Event" kept as a saved test: the flow runs once
 * with the event (a test run, recorded in the history like the Run button's), and that run is
 * saved exactly as `conduit-cli test save RUN` saves one — the event as the fixture, what the
 * edge steps answered as the recording, every step's output as the expected result. */

typedef struct
{
  ConduitRunner *runner;
  ConduitFlow   *flow;
  ConduitRun    *run;
  char          *tests_path;
  char          *name;
} SaveEvent;

static void
save_event_free (SaveEvent *save)
{
  g_clear_object (&save->runner);
  g_clear_object (&save->flow);
  g_clear_object (&save->run);
  g_free (save->tests_path);
  g_free (save->name);
  g_free (save);
}

static void
event_run_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveEvent *save = g_task_get_task_data (task);
  ConduitHistoryStore *history = conduit_runner_get_history (save->runner);
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(GError) error = NULL;

  /* A run that ended with failed items is still what the flow did with the event: the test
   * keeps it, as `test save` would. Only a run that did not get to run at all is no test. */
  if (!conduit_run_execute_finish (CONDUIT_RUN (object), result, &error) &&
      (conduit_run_get_id (save->run) <= 0 ||
       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  if (!conduit_history_store_flush (history, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  test = conduit_flow_test_new_from_run (history, conduit_run_get_id (save->run), save->flow,
                                         conduit_runner_get_registry (save->runner), save->name,
                                         NULL, &error);
  if (test == NULL || !conduit_flow_test_save (test, save->tests_path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (task, conduit_run_get_id (save->run));
}

/**
 * conduit_flow_test_save_event_async:
 * @runner: the runner to run the flow on; it must record into a history
 * @flow: the flow, as it is to be tested
 * @tests_path: the flow's tests file (conduit_flow_test_path_for_flow())
 * @trigger_id: the webhook trigger that received the event
 * @items: (element-type JsonNode): the event's items, as the trigger gives them to a run
 * @name: the test's name; a test of the same name is replaced
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the test is saved, or could not be
 * @user_data: data for @callback
 *
 * Runs @flow once from @trigger_id with @items (its steps are called, as in a test run), then
 * keeps that run as the test @name in @tests_path with conduit_flow_test_new_from_run() and
 * conduit_flow_test_save(), as `conduit-cli test save` does.
 */
void
conduit_flow_test_save_event_async (ConduitRunner       *runner,
                                    ConduitFlow         *flow,
                                    const char          *tests_path,
                                    const char          *trigger_id,
                                    GPtrArray           *items,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;
  SaveEvent *save;

  g_return_if_fail (CONDUIT_IS_RUNNER (runner));
  g_return_if_fail (CONDUIT_IS_FLOW (flow));
  g_return_if_fail (tests_path != NULL);
  g_return_if_fail (items != NULL);
  g_return_if_fail (name != NULL && name[0] != '\0');

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_flow_test_save_event_async);

  if (conduit_runner_get_history (runner) == NULL)
    {
      g_task_return_new_error (task, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_FAILED,
                               _("A test is saved from a recorded run, and runs are not "
                                 "recorded here"));
      return;
    }

  save = g_new0 (SaveEvent, 1);
  save->runner = g_object_ref (runner);
  save->tests_path = g_strdup (tests_path);
  save->name = g_strdup (name);
  g_task_set_task_data (task, save, (GDestroyNotify)save_event_free);

  /* A copy: edits while it runs change neither the run nor what the test compares with. */
  data = conduit_flow_to_data (flow, &length);
  save->flow = conduit_flow_new_from_data (conduit_runner_get_registry (runner), data,
                                           (gssize)length, NULL, &error);
  if (save->flow != NULL)
    save->run = conduit_runner_create_run (runner, save->flow, trigger_id, "webhook", items,
                                           &error);
  if (save->run == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  conduit_run_set_keep_outputs (save->run, TRUE);
  conduit_run_execute_async (save->run, cancellable, event_run_done_cb, g_steal_pointer (&task));
}

/**
 * conduit_flow_test_save_event_finish:
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: the id of the run the test was saved from, or 0 with @error
 */
gint64
conduit_flow_test_save_event_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == conduit_flow_test_save_event_async, 0);

  return (gint64)g_task_propagate_int (G_TASK (result), error);
}
