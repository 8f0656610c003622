/* test-stream-runs.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "conduit-run-export.h"
#include "runner-test-util.h"

/* Streaming runs (issue #21): items go through the steps in batches with back-pressure, a step
 * can ask for all of its input, the history keeps every failed item and a sample of the
 * others, re-running failed items still finds them, and a run can be cancelled midway. Files
 * in a temporary folder and a libsoup server on 127.0.0.1 that refuses some items. */

#define N_RECORDS 20000

static char *
write_records (RunnerFixture *fixture,
               const char    *name,
               guint          n)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  GString *text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* every tenth record has no e-mail: the mapping rejects it */
  for (guint i = 0; i < n; i++)
    if (i % 10 == 9)
      g_string_append_printf (text, "{\"id\": %u, \"name\": \" Ada %u \"}\n", i, i);
    else
      g_string_append_printf (text, "{\"id\": %u, \"name\": \" Ada %u \", \"email\": "
                              "\"ADA%u@EXAMPLE.COM\"}\n", i, i, i);
  g_file_set_contents (path, text->str, text->len, &error);
  g_assert_no_error (error);
  g_string_free (text, TRUE);
  return g_steal_pointer (&path);
}

static char *
file_flow (const char *input,
           const char *output,
           const char *rejected)
{
  return g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Stream\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {} ] } },"
    "  { \"id\": \"read\", \"type\": \"read-file\", \"position\": [200, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } },"
    "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [400, 0], \"settings\": {},"
    "    \"mapping\": { \"rows\": ["
    "      { \"destination\": \"id\", \"field\": \"id\" },"
    "      { \"destination\": \"name\", \"expression\": \"trim(name)\" },"
    "      { \"destination\": \"email\", \"expression\": \"lower(email)\", \"required\": true } ] } },"
    "  { \"id\": \"write\", \"type\": \"write-file\", \"position\": [600, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\", \"mode\": \"replace\" } },"
    "  { \"id\": \"refused\", \"type\": \"write-file\", \"position\": [600, 200],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\", \"mode\": \"replace\" } } ],"
    " \"links\": ["
    "  { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\" },"
    "  { \"from\": \"read\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
    "  { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" },"
    "  { \"from\": \"map\", \"from_port\": \"rejected\", \"to\": \"refused\", \"to_port\": \"in\" } ] }",
    input, output, rejected);
}

typedef struct
{
  guint    read_ok;
  guint    map_in;
  guint    map_ok;
  guint    write_in;
  guint    max_read_ahead;   /* read's items not yet taken by map */
  guint    max_map_ahead;    /* map's items not yet taken by write */
  guint    n_events;
  gboolean read_finished;
  gboolean write_before_read_finished;
  GCancellable *cancel_after_http;  /* (nullable) */
} Watch;

static void
progress_cb (ConduitRunner *runner,
             ConduitRun    *run,
             const char    *node_id,
             guint          items_in,
             guint          items_ok,
             guint          items_failed,
             guint          items_rejected,
             Watch         *watch)
{
  watch->n_events++;
  if (g_str_equal (node_id, "read"))
    watch->read_ok = items_ok;
  else if (g_str_equal (node_id, "map"))
    {
      watch->map_in = items_in;
      watch->map_ok = items_ok;
    }
  else if (g_str_equal (node_id, "write") || g_str_equal (node_id, "call"))
    {
      watch->write_in = items_in;
      if (!watch->read_finished)
        watch->write_before_read_finished = TRUE;
      if (watch->cancel_after_http != NULL)
        g_cancellable_cancel (watch->cancel_after_http);
    }

  /* the counts are those of finished batches: what one step sent on and the next has not yet
   * taken in is what waits between them */
  watch->max_read_ahead = MAX (watch->max_read_ahead,
                               watch->read_ok > watch->map_in ? watch->read_ok - watch->map_in : 0);
  watch->max_map_ahead = MAX (watch->max_map_ahead,
                              watch->map_ok > watch->write_in ? watch->map_ok - watch->write_in : 0);
}

static void
finished_cb (ConduitRunner *runner,
             ConduitRun    *run,
             const char    *node_id,
             guint          ok,
             guint          failed,
             guint          rejected,
             Watch         *watch)
{
  if (g_str_equal (node_id, "read"))
    watch->read_finished = TRUE;
}

static guint
count_lines (const char *path,
             guint      *first_bad)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;
  gint64 last = -1;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  *first_bad = G_MAXUINT;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      gint64 id;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], NULL);
      g_assert_nonnull (node);
      /* a rejected record is {"item": RECORD, "error": …} */
      if (json_object_has_member (json_node_get_object (node), "item"))
        id = json_object_get_int_member (json_object_get_object_member (json_node_get_object (node),
                                                                        "item"), "id");
      else
        id = json_object_get_int_member (json_node_get_object (node), "id");
      /* in the order they were read */
      if (id <= last && *first_bad == G_MAXUINT)
        *first_bad = i;
      last = id;
      n++;
    }
  return n;
}

/* A file flow of 20,000 records: the output is complete and in order, the steps overlap, and
 * between two steps there are never more than a few batches waiting. */
static void
test_file_backpressure (RunnerFixture *fixture,
                        gconstpointer  data)
{
  g_autofree char *input = write_records (fixture, "in.ndjson", N_RECORDS);
  g_autofree char *output = g_build_filename (fixture->dir, "out.ndjson", NULL);
  g_autofree char *rejected = g_build_filename (fixture->dir, "rejected.ndjson", NULL);
  g_autofree char *json = file_flow (input, output, rejected);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *read_sample = NULL;
  g_autofree char *map_sample = NULL;
  Watch watch = { 0 };
  guint in, ok, rejected_n, first_bad, kept_rejected = 0;

  g_signal_connect (fixture->runner, "node-progress", G_CALLBACK (progress_cb), &watch);
  g_signal_connect (fixture->runner, "node-finished", G_CALLBACK (finished_cb), &watch);
  run = runner_test_run (fixture, flow, NULL);
  g_signal_handlers_disconnect_by_data (fixture->runner, &watch);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);
  conduit_run_get_node_counts (run, "read", NULL, &ok, NULL, NULL);
  g_assert_cmpuint (ok, ==, N_RECORDS);
  conduit_run_get_node_counts (run, "map", &in, &ok, NULL, &rejected_n);
  g_assert_cmpuint (in, ==, N_RECORDS);
  g_assert_cmpuint (ok, ==, N_RECORDS / 10 * 9);
  g_assert_cmpuint (rejected_n, ==, N_RECORDS / 10);
  conduit_run_get_node_counts (run, "write", &in, &ok, NULL, NULL);
  g_assert_cmpuint (in, ==, N_RECORDS / 10 * 9);

  /* every record, in the order read, nothing lost or doubled */
  g_assert_cmpuint (count_lines (output, &first_bad), ==, N_RECORDS / 10 * 9);
  g_assert_cmpuint (first_bad, ==, G_MAXUINT);
  g_assert_cmpuint (count_lines (rejected, &first_bad), ==, N_RECORDS / 10);

  /* streaming: the last step wrote batches while the file was still being read; and
   * back-pressure: the reader never ran more than the waiting room ahead of the mapping */
  g_assert_true (watch.write_before_read_finished);
  g_assert_cmpuint (watch.n_events, >, 3 * N_RECORDS / CONDUIT_RUN_BATCH_SIZE);
  g_assert_cmpuint (watch.max_read_ahead, <=, 4 * CONDUIT_RUN_BATCH_SIZE);
  g_assert_cmpuint (watch.max_read_ahead, >, 0);
  g_assert_cmpuint (watch.max_map_ahead, <=, 4 * CONDUIT_RUN_BATCH_SIZE);

  /* the history: every rejected record with its reasons, the first 100 of the others */
  steps = conduit_history_store_list_steps (fixture->history, conduit_run_get_id (run), &error);
  g_assert_no_error (error);
  items = conduit_history_store_list_items (fixture->history, conduit_run_get_id (run), NULL,
                                            &error);
  g_assert_no_error (error);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->node_id, "map") && g_str_equal (item->port, "rejected"))
        {
          g_assert_nonnull (strstr (item->data, "\"reasons\""));
          kept_rejected++;
        }
    }
  g_assert_cmpuint (kept_rejected, ==, N_RECORDS / 10);
  read_sample = conduit_run_describe_item_samples (steps, items, "read");
  g_assert_cmpstr (read_sample, ==, "showing 100 of 20000 items out");
  map_sample = conduit_run_describe_item_samples (steps, items, "map");
  g_assert_cmpstr (map_sample, ==, "showing 100 of 20000 items in; showing 2100 of 20000 items out");
  g_assert_null (conduit_run_describe_item_samples (steps, items, "start"));
}

/* A Write File that cannot put its file in place at the end: nothing it sent on counts as
 * done, the run fails, and no spool is left behind. */
static void
test_write_fails_at_end (RunnerFixture *fixture,
                         gconstpointer  data)
{
  g_autofree char *input = write_records (fixture, "in.ndjson", 2000);
  g_autofree char *folder = g_build_filename (fixture->dir, "out", NULL);
  g_autofree char *output = g_build_filename (folder, "taken.ndjson", NULL);
  g_autofree char *rejected = g_build_filename (folder, "rejected.ndjson", NULL);
  g_autofree char *json = file_flow (input, output, rejected);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  guint ok, failed, n_files = 0;

  /* a folder where the file should go: the rename at the end fails */
  g_assert_cmpint (g_mkdir_with_parents (output, 0700), ==, 0);
  run = runner_test_run (fixture, flow, NULL);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_FAILED);
  conduit_run_get_node_counts (run, "write", NULL, &ok, &failed, NULL);
  g_assert_cmpuint (ok, ==, 0);
  g_assert_cmpuint (failed, ==, 1800);
  g_assert_cmpstr (conduit_run_get_node_state (run, "write"), ==, "failed");
  g_assert_nonnull (strstr (conduit_run_get_node_error (run, "write"), "taken.ndjson"));
  /* the other writer did its job */
  g_assert_cmpstr (conduit_run_get_node_state (run, "refused"), ==, "ok");
  g_assert_cmpuint (conduit_run_get_record (run)->items_ok, ==, 200);

  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_true (g_str_equal (name, "taken.ndjson") || g_str_equal (name, "rejected.ndjson"));
      n_files++;
    }
  g_assert_cmpuint (n_files, ==, 2);
}

/* Executors of the test's own: one that needs all its input, one that takes batches. */

typedef struct
{
  GObject  parent_instance;
  gboolean batches;
} TestCounter;

typedef struct
{
  GObjectClass parent_class;
} TestCounterClass;

static GArray *counter_calls;        /* sizes of the batches, in order */
static GArray *counter_starts;       /* conduit_run_get_batch_start() of each */
static gboolean counter_upstream_done;

static void test_counter_iface_init (ConduitExecutorInterface *iface);
GType test_counter_get_type (void);
GType test_batch_counter_get_type (void);

G_DEFINE_TYPE_WITH_CODE (TestCounter, test_counter, G_TYPE_OBJECT,
                         G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, test_counter_iface_init))

static void
test_counter_class_init (TestCounterClass *klass)
{
}

static void
test_counter_init (TestCounter *self)
{
}

static void
test_counter_execute_async (ConduitExecutor     *executor,
                            ConduitRun          *run,
                            ConduitNode         *node,
                            GPtrArray           *items,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();
  guint size = items->len;
  guint start = conduit_run_get_batch_start (run, node);

  g_array_append_val (counter_calls, size);
  g_array_append_val (counter_starts, start);
  counter_upstream_done = g_strcmp0 (conduit_run_get_node_state (run, "start"), "ok") == 0;
  for (guint i = 0; i < items->len; i++)
    conduit_executor_output_add (output, "match", json_node_ref (g_ptr_array_index (items, i)));
  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static ConduitExecutorInput
test_counter_get_input_mode (ConduitExecutor *executor)
{
  return ((TestCounter *)executor)->batches ? CONDUIT_EXECUTOR_INPUT_BATCHES
                                            : CONDUIT_EXECUTOR_INPUT_ALL;
}

static void
test_counter_iface_init (ConduitExecutorInterface *iface)
{
  iface->execute_async = test_counter_execute_async;
  iface->get_input_mode = test_counter_get_input_mode;
}

typedef TestCounter TestBatchCounter;
typedef TestCounterClass TestBatchCounterClass;

G_DEFINE_TYPE (TestBatchCounter, test_batch_counter, test_counter_get_type ())

static void
test_batch_counter_class_init (TestBatchCounterClass *klass)
{
}

static void
test_batch_counter_init (TestBatchCounter *self)
{
  self->batches = TRUE;
}

static GPtrArray *
numbered_items (guint n)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "n", i);
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
    }
  return items;
}

static const char counter_flow[] =
  "{ \"version\": 1, \"name\": \"Counter\", \"nodes\": ["
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": {} },"
  "  { \"id\": \"count\", \"type\": \"filter\", \"position\": [200, 0],"
  "    \"settings\": { \"condition\": \"true\" } } ],"
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"count\", \"to_port\": \"in\" } ] }";

static void
test_input_modes (RunnerFixture *fixture,
                  gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (counter_flow);
  g_autoptr(GPtrArray) items = numbered_items (1500);
  guint ok;

  counter_calls = g_array_new (FALSE, FALSE, sizeof (guint));
  counter_starts = g_array_new (FALSE, FALSE, sizeof (guint));

  /* a step that needs all of its input gets it in one call, once the steps before it ended */
  conduit_runner_set_executor (fixture->runner, "filter", test_counter_get_type ());
  {
    g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, items);

    conduit_run_get_node_counts (run, "count", NULL, &ok, NULL, NULL);
    g_assert_cmpuint (ok, ==, 1500);
    g_assert_cmpuint (counter_calls->len, ==, 1);
    g_assert_cmpuint (g_array_index (counter_calls, guint, 0), ==, 1500);
    g_assert_true (counter_upstream_done);
  }

  /* one that takes batches gets them in order, with their positions */
  g_array_set_size (counter_calls, 0);
  g_array_set_size (counter_starts, 0);
  conduit_runner_set_executor (fixture->runner, "filter", test_batch_counter_get_type ());
  {
    g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, items);

    conduit_run_get_node_counts (run, "count", NULL, &ok, NULL, NULL);
    g_assert_cmpuint (ok, ==, 1500);
    g_assert_cmpuint (counter_calls->len, ==, 3);
    g_assert_cmpuint (g_array_index (counter_calls, guint, 0), ==, CONDUIT_RUN_BATCH_SIZE);
    g_assert_cmpuint (g_array_index (counter_calls, guint, 1), ==, CONDUIT_RUN_BATCH_SIZE);
    g_assert_cmpuint (g_array_index (counter_calls, guint, 2), ==,
                      1500 - 2 * CONDUIT_RUN_BATCH_SIZE);
    g_assert_cmpuint (g_array_index (counter_starts, guint, 1), ==, CONDUIT_RUN_BATCH_SIZE);
    g_assert_cmpuint (g_array_index (counter_starts, guint, 2), ==, 2 * CONDUIT_RUN_BATCH_SIZE);
  }

  g_clear_pointer (&counter_calls, g_array_unref);
  g_clear_pointer (&counter_starts, g_array_unref);
}

/* A server that refuses (400) the items whose "n" is a multiple of 97. */
static void
refuse_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(JsonNode) item = json_from_string (text, NULL);
  gint64 n = item != NULL && JSON_NODE_HOLDS_OBJECT (item)
               ? json_object_get_int_member_with_default (json_node_get_object (item), "n", -1)
               : -1;

  if (n >= 0 && n % 97 == 0)
    soup_server_message_set_status (msg, 400, NULL);
  else
    soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

static SoupServer *
start_server (char **url)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, "/items", refuse_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *url = g_strdup_printf ("http://127.0.0.1:%d/items", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return server;
}

/* 1,300 items through an HTTP step in three batches: the failed ones are found by their
 * position across batches, and those past the first 1000 too, so a re-run gets exactly them. */
static void
test_rerun_failed (RunnerFixture *fixture,
                   gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = start_server (&url);
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Send\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": {} },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }",
    url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GPtrArray) items = numbered_items (1300);
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, items);
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  guint failed;

  /* 0, 97, …, 1261 */
  conduit_run_get_node_counts (run, "call", NULL, NULL, &failed, NULL);
  g_assert_cmpuint (failed, ==, 14);
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_PARTIAL);

  again = conduit_run_replay_select (fixture->history, conduit_run_get_id (run),
                                     CONDUIT_REPLAY_FAILED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 14);
  for (guint i = 0; i < again->len; i++)
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (g_ptr_array_index (again, i)),
                                                 "n"), ==, 97 * i);
}

/* Cancelled while it streams: it ends at once as cancelled, and the reader had not read the
 * whole file — back-pressure held it while the HTTP step worked. */
static void
test_cancel (RunnerFixture *fixture,
             gconstpointer  data)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupServer) server = start_server (&url);
  g_autofree char *input = write_records (fixture, "in.ndjson", N_RECORDS);
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Send\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {} ] } },"
    "  { \"id\": \"read\", \"type\": \"read-file\", \"position\": [200, 0],"
    "    \"settings\": { \"path\": \"%s\", \"format\": \"ndjson\" } },"
    "  { \"id\": \"call\", \"type\": \"http-request\", \"position\": [400, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": ["
    "  { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\" },"
    "  { \"from\": \"read\", \"from_port\": \"out\", \"to\": \"call\", \"to_port\": \"in\" } ] }",
    input, url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  Watch watch = { .cancel_after_http = cancellable };
  guint read_ok, call_in;

  run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->runner, "node-progress", G_CALLBACK (progress_cb), &watch);
  conduit_run_execute_async (run, cancellable, NULL, NULL);
  while (conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (fixture->runner, &watch);

  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_CANCELLED);
  conduit_run_get_node_counts (run, "read", NULL, &read_ok, NULL, NULL);
  conduit_run_get_node_counts (run, "call", &call_in, NULL, NULL, NULL);
  g_assert_cmpuint (call_in, >=, CONDUIT_RUN_BATCH_SIZE);
  g_assert_cmpuint (read_ok, <, N_RECORDS);
  g_assert_cmpuint (read_ok, <=, call_in + 4 * CONDUIT_RUN_BATCH_SIZE);
  g_assert_cmpstr (conduit_run_get_node_state (run, "call"), ==, "cancelled");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/stream/file-backpressure", RunnerFixture, NULL, runner_fixture_set_up,
              test_file_backpressure, runner_fixture_tear_down);
  g_test_add ("/conduit/stream/write-fails-at-end", RunnerFixture, NULL, runner_fixture_set_up,
              test_write_fails_at_end, runner_fixture_tear_down);
  g_test_add ("/conduit/stream/input-modes", RunnerFixture, NULL, runner_fixture_set_up,
              test_input_modes, runner_fixture_tear_down);
  g_test_add ("/conduit/stream/rerun-failed", RunnerFixture, NULL, runner_fixture_set_up,
              test_rerun_failed, runner_fixture_tear_down);
  g_test_add ("/conduit/stream/cancel", RunnerFixture, NULL, runner_fixture_set_up,
              test_cancel, runner_fixture_tear_down);

  return g_test_run ();
}
