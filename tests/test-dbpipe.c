/* test-dbpipe.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "db-test-servers.h"
#include "runner-test-util.h"

/* The fast path of a bulk flow (issue #18): Map Fields maps big batches in a worker thread, and
 * Write Rows builds a batch's rows in shared buffers and sends text values as the items hold
 * them. These tests check that nothing of that changes what lands: every byte of every row,
 * rows that set different columns in one batch, refused rows at the error port with the
 * database's message while the rest of their batch lands, and two runs of one node mapping at
 * the same time. */

#define N_ROWS      1500   /* three of the runner's batches */
#define REFUSED_DB  777    /* breaks the table's CHECK */
#define REFUSED_ROW 1000   /* has no label: refused before it is sent */

/* Row @i's label: every character COPY's text format escapes, quotes, non-ASCII, and plain. */
static char *
label_for (guint i)
{
  switch (i % 5)
    {
    case 0:
      return g_strdup_printf ("back\\slash %u \\N", i);
    case 1:
      return g_strdup_printf ("tab\there, newline\nthere, return\r %u", i);
    case 2:
      return g_strdup_printf ("\"quoted\", 'single' ; -- Ünïcødé ✓ %u", i);
    case 3:
      return g_strdup_printf ("%u", i);
    default:
      return g_strdup ("");
    }
}

static JsonNode *
item_for (guint i)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *label = label_for (i);

  json_object_set_int_member (object, "id", i);
  if (i != REFUSED_ROW)
    json_object_set_string_member (object, "label", label);
  /* odd rows leave the note out: the batch's rows do not all set the same columns */
  if (i % 2 == 0)
    json_object_set_string_member (object, "note", i % 4 == 0 ? "even" : "\\t is not a tab");
  json_object_set_int_member (object, "qty", i == REFUSED_DB ? -1 : (gint64)(i % 7) + 1);
  return json_node_init_object (json_node_alloc (), object);
}

static GPtrArray *
make_items (void)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint i = 0; i < N_ROWS; i++)
    g_ptr_array_add (items, item_for (i));
  return items;
}

static void
assert_counts (ConduitRun *run,
               const char *node,
               guint       ok,
               guint       failed)
{
  guint items_ok = 0;
  guint items_failed = 0;
  guint items_rejected = 0;

  g_assert_true (conduit_run_get_node_counts (run, node, NULL, &items_ok, &items_failed,
                                              &items_rejected));
  g_assert_cmpuint (items_ok, ==, ok);
  g_assert_cmpuint (items_failed + items_rejected, ==, failed);
}

static const char write_flow[] =
  "{ \"version\": 1, \"name\": \"Bulk\", \"nodes\": ["
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": {} },"
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
  "    \"mapping\": { \"rows\": ["
  "      { \"destination\": \"id\", \"field\": \"id\" },"
  "      { \"destination\": \"label\", \"field\": \"label\" },"
  "      { \"destination\": \"note\", \"field\": \"note\" },"
  "      { \"destination\": \"qty\", \"field\": \"qty\" } ] } },"
  "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [400, 0],"
  "    \"settings\": { \"credential\": \"pipe-pg\", \"table\": \"pipe\" } } ],"
  " \"links\": ["
  "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" },"
  "   { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" } ] }";

/* 1,500 rows through Map Fields (in worker threads: batches of 512) into PostgreSQL by COPY:
 * what lands is byte for byte what the items held; the row PostgreSQL refuses and the one
 * Write Rows refuses leave by the error port with why, and each row has one attempt. */
static void
test_rows_land_exactly (RunnerFixture *fixture,
                        gconstpointer  data)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *expected_md5 = NULL;
  g_autofree char *credential = NULL;
  g_autofree char *query = NULL;
  g_autofree guint *seen = g_new0 (guint, N_ROWS);

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS pipe");
  db_test_server_exec (postgresql, "CREATE TABLE pipe (id bigint PRIMARY KEY, label text NOT NULL, "
                                   "note text DEFAULT 'none', qty int NOT NULL CHECK (qty > 0))");
  db_test_server_exec (postgresql, "GRANT ALL ON pipe TO app");
  credential = db_test_server_credential_json (postgresql, "pipe-pg");
  g_setenv ("CONDUIT_CREDENTIAL_PIPE_PG", credential, TRUE);

  flow = runner_test_flow (write_flow);
  items = make_items ();
  run = runner_test_run (fixture, flow, items);

  assert_counts (run, "map", N_ROWS, 0);
  assert_counts (run, "write", N_ROWS - 2, 2);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM pipe"), ==, N_ROWS - 2);

  /* every stored row, compared through one checksum of all of them in order */
  for (guint i = 0; i < N_ROWS; i++)
    {
      g_autofree char *label = label_for (i);

      if (i == REFUSED_DB || i == REFUSED_ROW)
        continue;
      g_string_append_printf (expected, "%u|%s|%s|%u;", i, label,
                              i % 2 != 0 ? "none" : i % 4 == 0 ? "even" : "\\t is not a tab",
                              i % 7 + 1);
    }
  expected_md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, expected->str, expected->len);
  query = g_strdup_printf ("SELECT count(*) FROM (SELECT md5(string_agg(id || '|' || label || '|' "
                           "|| note || '|' || qty || ';', '' ORDER BY id)) AS sum FROM pipe) s "
                           "WHERE sum = '%s'", expected_md5);
  g_assert_cmpint (db_test_server_count (postgresql, query), ==, 1);

  steps = runner_test_steps (fixture, run, "write", TRUE);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      g_assert_cmpint (step->item_index, >=, 0);
      g_assert_cmpint (step->item_index, <, N_ROWS);
      seen[step->item_index]++;
      if (step->item_index == REFUSED_DB)
        {
          g_assert_cmpstr (step->status, ==, "failed");
          g_assert_nonnull (strstr (step->error_message, "check constraint"));
        }
      else if (step->item_index == REFUSED_ROW)
        {
          g_assert_cmpstr (step->status, ==, "failed");
          g_assert_nonnull (strstr (step->error_message, "label"));
        }
      else
        g_assert_cmpstr (step->status, ==, "ok");
    }
  for (guint i = 0; i < N_ROWS; i++)
    g_assert_cmpuint (seen[i], ==, 1);

  g_unsetenv ("CONDUIT_CREDENTIAL_PIPE_PG");
}

static const char map_flow[] =
  "{ \"version\": 1, \"name\": \"Map only\", \"nodes\": ["
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": {} },"
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {},"
  "    \"mapping\": { \"rows\": ["
  "      { \"destination\": \"n\", \"expression\": \"id * 3\", \"type\": \"integer\" },"
  "      { \"destination\": \"shout\", \"expression\": \"upper(label)\", \"required\": true },"
  "      { \"destination\": \"qty\", \"field\": \"qty\", \"type\": \"integer\" } ] } } ],"
  " \"links\": ["
  "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }";

static void
executed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  guint *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_run_execute_finish (CONDUIT_RUN (object), result, &error));
  g_assert_no_error (error);
  (*done)++;
}

/* Two runs of one flow at once share the node's compiled mapping, each mapping its batches in
 * worker threads: each run's every output is its own record's, in order, and each record
 * without a label is rejected, in order, as itself. */
static void
test_concurrent_runs (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (map_flow);
  g_autoptr(GPtrArray) items = make_items ();
  ConduitRun *runs[2];
  guint done = 0;

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr(GError) error = NULL;

      runs[r] = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, items, &error);
      g_assert_no_error (error);
      conduit_run_set_keep_outputs (runs[r], TRUE);
    }
  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    conduit_run_execute_async (runs[r], NULL, executed_cb, &done);
  while (done < G_N_ELEMENTS (runs))
    g_main_context_iteration (NULL, TRUE);

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      GPtrArray *out = conduit_run_get_node_output (runs[r], "map", "out");
      GPtrArray *rejected = conduit_run_get_node_output (runs[r], "map", "rejected");
      guint j = 0, k = 0;

      /* an empty label ("" is no value) is refused as a missing one is */
      assert_counts (runs[r], "map", N_ROWS - N_ROWS / 5 - 1, N_ROWS / 5 + 1);
      g_assert_nonnull (out);
      g_assert_nonnull (rejected);
      for (guint i = 0; i < N_ROWS; i++)
        {
          JsonObject *object;
          g_autofree char *label = NULL;
          g_autofree char *shout = NULL;

          if (i == REFUSED_ROW || i % 5 == 4)
            {
              JsonObject *refused = json_node_get_object (g_ptr_array_index (rejected, k++));
              JsonObject *error_object = json_object_get_object_member (refused, "error");

              g_assert_cmpint (json_object_get_int_member (
                                 json_object_get_object_member (refused, "item"), "id"), ==, i);
              g_assert_nonnull (strstr (json_object_get_string_member (error_object, "message"),
                                        "shout"));
              continue;
            }
          object = json_node_get_object (g_ptr_array_index (out, j++));
          label = label_for (i);
          shout = g_utf8_strup (label, -1);
          g_assert_cmpint (json_object_get_int_member (object, "n"), ==, (gint64)i * 3);
          g_assert_cmpstr (json_object_get_string_member (object, "shout"), ==, shout);
          g_assert_cmpint (json_object_get_int_member (object, "qty"), ==,
                           i == REFUSED_DB ? -1 : (gint64)(i % 7) + 1);
        }
      g_assert_cmpuint (j, ==, out->len);
      g_assert_cmpuint (k, ==, rejected->len);
      g_object_unref (runs[r]);
    }
}

static const char held_flow[] =
  "{ \"version\": 1, \"name\": \"Held\", \"nodes\": ["
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0], \"settings\": {} },"
  "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [200, 0],"
  "    \"settings\": { \"credential\": \"pipe-pg\", \"table\": \"held_pipe\" } } ],"
  " \"links\": ["
  "   { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" } ] }";

static void
spin_until (ConduitRun *run,
            gboolean  (*done) (ConduitRun *run, DbTestServer *server),
            DbTestServer *server)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!done (run, server) && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5 * 1000);
    }
  g_assert_true (done (run, server));
}

/* the first transaction waits on the held key, and every item has reached Write Rows */
static gboolean
first_batch_held (ConduitRun   *run,
                  DbTestServer *server)
{
  guint sent = 0;

  conduit_run_get_node_counts (run, "start", NULL, &sent, NULL, NULL);
  return sent == N_ROWS &&
         db_test_server_count (server, "SELECT count(*) FROM pg_stat_activity WHERE "
                                       "wait_event_type = 'Lock' AND usename = 'app'") > 0;
}

/* Write Rows falls behind (PostgreSQL holds its first transaction on a key another one has
 * inserted and not committed): the runner batches that piled up meanwhile go out together, in
 * one transaction, not one per runner batch. Every row lands once. */
static void
test_write_takes_what_waited (RunnerFixture *fixture,
                              gconstpointer  data)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitDbParams) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *credential = NULL;
  ConduitDbConnection *holder;
  guint done = 0;

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS held_pipe");
  db_test_server_exec (postgresql, "CREATE TABLE held_pipe (id bigint PRIMARY KEY, label text)");
  db_test_server_exec (postgresql, "GRANT ALL ON held_pipe TO app");
  credential = db_test_server_credential_json (postgresql, "pipe-pg");
  g_setenv ("CONDUIT_CREDENTIAL_PIPE_PG", credential, TRUE);

  params = db_test_server_params (postgresql, NULL, NULL);
  holder = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_db_connection_exec (holder, "BEGIN", &error));
  g_assert_true (conduit_db_connection_exec (holder, "INSERT INTO held_pipe VALUES (5, 'holder')",
                                             &error));

  flow = runner_test_flow (held_flow);
  items = make_items ();
  run = conduit_runner_create_run (fixture->runner, flow, NULL, NULL, items, &error);
  g_assert_no_error (error);
  conduit_run_execute_async (run, NULL, executed_cb, &done);

  spin_until (run, first_batch_held, postgresql);
  g_assert_true (conduit_db_connection_exec (holder, "ROLLBACK", &error));
  conduit_db_connection_close (holder);
  while (done == 0)
    g_main_context_iteration (NULL, TRUE);

  assert_counts (run, "write", N_ROWS, 0);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM held_pipe"), ==,
                   N_ROWS);
  /* rows of one transaction share its id: the first runner batch, then the rest at once (one
   * transaction per runner batch would make three) */
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(DISTINCT xmin::text) FROM held_pipe"),
                   ==, 2);
  g_unsetenv ("CONDUIT_CREDENTIAL_PIPE_PG");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/dbpipe/rows-land-exactly", RunnerFixture, NULL,
              runner_fixture_set_up, test_rows_land_exactly, runner_fixture_tear_down);
  g_test_add ("/conduit/dbpipe/concurrent-runs", RunnerFixture, NULL,
              runner_fixture_set_up, test_concurrent_runs, runner_fixture_tear_down);
  g_test_add ("/conduit/dbpipe/write-takes-what-waited", RunnerFixture, NULL,
              runner_fixture_set_up, test_write_takes_what_waited, runner_fixture_tear_down);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
