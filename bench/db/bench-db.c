/* bench-db.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-slice.h"
#include "db-test-servers.h"

/* bench-db SCRATCH ROWS: the same ROWS records (a CSV file) loaded into one PostgreSQL three
 * ways, each into an empty table: by a Conduit flow (Read File → Map Fields → Write Rows,
 * in-process, as conduit-cli run would), by `psql \copy` (the limit), and by a python3
 * psycopg2 execute_batch script (what a scripter would write). Prints bench/run's rows. The
 * server is started for the run, like the tests' (tests/db-test-servers.c). */

static const char flow_template[] =
  "{ \"version\": 1, \"name\": \"Bench\", \"nodes\": ["
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
  "    \"settings\": { \"items\": [ { \"go\": true } ] } },"
  "  { \"id\": \"read\", \"type\": \"read-file\", \"position\": [200, 0],"
  "    \"settings\": { \"path\": \"%s\" } },"
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [400, 0], \"settings\": {},"
  "    \"mapping\": { \"rows\": ["
  "      { \"destination\": \"id\", \"expression\": \"to_integer(order_id)\", \"required\": true,"
  "        \"type\": \"integer\" },"
  "      { \"destination\": \"email\", \"expression\": \"lower(email)\", \"required\": true },"
  "      { \"destination\": \"amount\", \"field\": \"amount\", \"required\": true },"
  "      { \"destination\": \"placed_at\", \"field\": \"placed_at\", \"required\": true },"
  "      { \"destination\": \"note\", \"field\": \"note\" } ] } },"
  "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [600, 0],"
  "    \"settings\": { \"credential\": \"bench-pg\", \"table\": \"orders\", \"batch_size\": 5000 } } ],"
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\" },"
  "              { \"from\": \"read\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" }%s ] }";

/* the link that feeds Write Rows; without it the flow reads and maps only (Write Rows gets
 * nothing), which is what the DB step's share of the memory is measured against */
static const char write_link[] =
  ", { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" }";

static const char python_script[] =
  "import csv, sys, psycopg2, psycopg2.extras\n"
  "port, path = sys.argv[1], sys.argv[2]\n"
  "conn = psycopg2.connect(host='127.0.0.1', port=port, dbname='conduit_test', user='app',\n"
  "                        password='" DB_TEST_PASSWORD "')\n"
  "with open(path, newline='') as f:\n"
  "    rows = [(int(r['order_id']), r['email'].lower(), r['amount'], r['placed_at'], r['note'])\n"
  "            for r in csv.DictReader(f)]\n"
  "with conn, conn.cursor() as cur:\n"
  "    psycopg2.extras.execute_batch(cur,\n"
  "        'INSERT INTO orders (id, email, amount, placed_at, note) VALUES (%s, %s, %s, %s, %s)',\n"
  "        rows)\n";

static void
reset_table (DbTestServer *server)
{
  db_test_server_exec (server, "DROP TABLE IF EXISTS orders");
  db_test_server_exec (server, "CREATE TABLE orders (id bigint PRIMARY KEY, email text NOT NULL, "
                               "amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, "
                               "note text)");
  db_test_server_exec (server, "GRANT ALL ON orders TO app");
}

static double
run_command (const char * const *argv,
             const char         *password)
{
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "PGPASSWORD", password, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 start = g_get_monotonic_time ();
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("%s failed: %s\n", argv[0], error ? error->message : err);
      exit (1);
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  if (*run == NULL)
    g_error ("run: %s", error->message);
}

/* Each flow process starts with an empty history and leaves none: the flows do not read each
 * other's runs, and a baseline build (DB_BASELINE_EXE) of an older schema can open the file. */
static void
remove_history (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static double
run_flow (const char   *scratch,
          const char   *csv,
          gboolean      with_write,
          guint         rows,
          long         *peak_kib)
{
  g_autofree char *json = g_strdup_printf (flow_template, csv, with_write ? write_link : "");
  g_autofree char *history_path = g_build_filename (scratch, "history.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) history = NULL;
  g_autoptr(ConduitRunner) runner = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  ConduitRun *run = NULL;
  guint ok = 0;
  gint64 start;
  double seconds;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), json, -1, NULL,
                                     &error);
  g_assert_no_error (error);
  /* the history is part of what a flow run costs: Conduit records every item */
  remove_history (history_path);
  history = conduit_history_store_new (history_path, &error);
  g_assert_no_error (error);
  runner = conduit_runner_new (conduit_connector_registry_get_default (), history);

  start = g_get_monotonic_time ();
  conduit_runner_run_async (runner, flow, NULL, NULL, NULL, run_done_cb, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - start) / 1e6;

  /* the flow's peak, before the timing printout below reads every step record back */
  {
    struct rusage usage;

    getrusage (RUSAGE_SELF, &usage);
    *peak_kib = usage.ru_maxrss;
  }
  conduit_run_get_node_counts (run, with_write ? "write" : "map", NULL, &ok, NULL, NULL);
  if (ok != rows)
    g_error ("the flow wrote %u of %u rows: %s", ok, rows,
             conduit_run_get_error (run) ? conduit_run_get_error (run) : "");
  conduit_history_store_flush (history, NULL);
  {
    g_autoptr(GPtrArray) steps = conduit_history_store_list_steps (history, conduit_run_get_id (run),
                                                                   NULL);

    for (guint i = 0; steps != NULL && i < steps->len; i++)
      {
        ConduitStepRecord *step = g_ptr_array_index (steps, i);

        if (step->item_index < 0)
          g_printerr ("  node %-6s %.2f s\n", step->node_id,
                      (step->finished_us - step->started_us) / 1e6);
      }
  }
  g_object_unref (run);
  conduit_history_store_close (history);
  remove_history (history_path);
  return seconds;
}

/* The database part of Write Rows alone: the mapped items (built here) through the writer, as
 * the step's worker thread does, without the runner and its history around it. */
static double
run_writer (DbTestServer *server,
            guint         rows)
{
  g_autoptr(ConduitDbParams) params = db_test_server_params (server, NULL, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(ConduitDbWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  ConduitDbConnection *connection;
  ConduitDbRowOutcome *outcomes;
  struct rusage before, after;
  gint64 start;
  double seconds;

  for (guint i = 0; i < rows; i++)
    {
      JsonObject *object = json_object_new ();
      g_autofree char *email = g_strdup_printf ("customer%u@example.com", i);
      g_autofree char *amount = g_strdup_printf ("%u.%02u", i % 1000, i % 100);
      g_autofree char *placed = g_strdup_printf ("2026-05-%02uT%02u:%02u:00Z", 1 + i % 28, i % 24,
                                                 i % 60);
      g_autofree char *note = g_strdup_printf ("note, with a comma %u", i);

      json_object_set_int_member (object, "id", i + 1);
      json_object_set_string_member (object, "email", email);
      json_object_set_string_member (object, "amount", amount);
      json_object_set_string_member (object, "placed_at", placed);
      json_object_set_string_member (object, "note", note);
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
    }

  getrusage (RUSAGE_SELF, &before);
  start = g_get_monotonic_time ();
  connection = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  writer = conduit_db_writer_new (connection, "orders", CONDUIT_DB_WRITE_INSERT, NULL, &error);
  g_assert_no_error (error);
  conduit_db_writer_set_batch_size (writer,
                                    g_getenv ("DB_BATCH") ? atoi (g_getenv ("DB_BATCH")) : 5000);
  outcomes = conduit_db_writer_write (writer, items, NULL);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  getrusage (RUSAGE_SELF, &after);
  g_printerr ("  the writer's own CPU time: %.2f s\n",
              (after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
              (after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
              (after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
              (after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6);

  for (guint i = 0; i < rows; i++)
    g_assert_true (outcomes[i].written);
  conduit_db_row_outcomes_free (outcomes, rows);
  g_clear_pointer (&writer, conduit_db_writer_free);
  conduit_db_connection_close (connection);
  return seconds;
}

/* The flow runs in a process of its own (as `conduit-cli run` would), so that its peak memory
 * is its own: the parent reads it from wait4(). */
static double
spawn_flow (const char *self,
            const char *scratch,
            const char *csv,
            gboolean    with_write,
            guint       rows,
            long       *peak_kib,
            double     *cpu_s)
{
  g_autofree char *rows_text = g_strdup_printf ("%u", rows);
  const char *flow_argv[] = { self, "--flow", scratch, csv, with_write ? "write" : "map-only",
                              rows_text, NULL };
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) prefix = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  GPid pid;
  int out = -1;
  int status = 0;
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[4096];
  const char *last;
  ssize_t n;

  /* DB_FLOW_PREFIX: a command the flow process runs under, to profile it (`perf record -g
   * -o FILE --`, `valgrind --tool=callgrind`); its figures then include that tool's cost */
  if (g_getenv ("DB_FLOW_PREFIX") != NULL &&
      !g_shell_parse_argv (g_getenv ("DB_FLOW_PREFIX"), NULL, &prefix, &error))
    g_error ("DB_FLOW_PREFIX: %s", error->message);
  if (prefix != NULL)
    g_strv_builder_addv (builder, (const char **)prefix);
  g_strv_builder_addv (builder, flow_argv);
  argv = g_strv_builder_end (builder);
  if (!g_spawn_async_with_pipes (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                                 NULL, NULL, &pid, NULL, &out, NULL, &error))
    g_error ("%s", error->message);
  /* the seconds are the last line: debug messages (G_MESSAGES_DEBUG) go to stdout too */
  while ((n = read (out, buffer, sizeof buffer - 1)) > 0)
    g_string_append_len (text, buffer, n);
  close (out);
  if (wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status) ||
      WEXITSTATUS (status) != 0 || text->len == 0)
    g_error ("the flow process failed");
  g_strchomp (text->str);
  last = strrchr (text->str, '\n');
  last = last != NULL ? last + 1 : text->str;
  /* the child's peak when its run ended; the process's own (usage) also counts reading the
   * history back for the timings */
  {
    char *end = NULL;
    double seconds = g_ascii_strtod (last, &end);

    *peak_kib = strtol (end, NULL, 10);
    if (*peak_kib <= 0)
      *peak_kib = usage.ru_maxrss;
    /* on a busy machine the wall time says little: the processor time the flow took says
     * more (the server's share is not in it) */
    *cpu_s = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
             usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
    return seconds;
  }
}

int
main (int   argc,
      char *argv[])
{
  const char *scratch;
  guint rows;
  g_autofree char *csv = NULL;
  g_autofree char *script = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GString) data = g_string_new ("order_id,email,amount,placed_at,note\n");
  g_autoptr(GError) error = NULL;
  DbTestServer *server;
  double flow_s, copy_s, python_s, writer_s, map_only_s, flow_cpu_s, map_only_cpu_s;
  long flow_kib = 0, map_only_kib = 0;

  if (argc == 6 && g_str_equal (argv[1], "--flow"))
    {
      /* the child: one flow run; the seconds and the peak on stdout, messages on stderr */
      long peak_kib = 0;
      double seconds;

      /* as conduit-cli run does: a streaming run frees its items on other threads than made
       * them, which GLib 2.74's slice magazines make slow (the child re-executes itself once) */
      conduit_use_malloc_for_slices (argv);
      g_log_writer_default_set_use_stderr (TRUE);
      seconds = run_flow (argv[2], argv[3], g_str_equal (argv[4], "write"), atoi (argv[5]),
                          &peak_kib);
      printf ("%.3f %ld\n", seconds, peak_kib);
      return 0;
    }

  if (argc != 3)
    {
      g_printerr ("usage: bench-db SCRATCH ROWS\n");
      return 2;
    }
  scratch = argv[1];
  rows = atoi (argv[2]);

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (data, "%u,Customer%u@Example.com,%u.%02u,2026-05-%02uT%02u:%02u:00Z,"
                            "\"note, with a comma %u\"\n",
                            i + 1, i, i % 1000, i % 100, 1 + i % 28, i % 24, i % 60, i);
  csv = g_build_filename (scratch, "orders.csv", NULL);
  script = g_build_filename (scratch, "load.py", NULL);
  g_file_set_contents (csv, data->str, data->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (script, python_script, -1, &error);
  g_assert_no_error (error);

  g_printerr ("starting PostgreSQL\n");
  server = db_test_server_start (CONDUIT_DB_KIND_POSTGRESQL, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", db_test_server_get_port (server));

  {
    g_autofree char *credential = db_test_server_credential_json (server, "bench-pg");

    g_setenv ("CONDUIT_CREDENTIAL_BENCH_PG", credential, TRUE);
  }

  /* DB_FLOW_ONLY: the flow alone (and DB_BASELINE_EXE's), to profile or compare a change
   * without the rest of the table */
  if (g_getenv ("DB_FLOW_ONLY") != NULL)
    {
      double baseline_s = 0, baseline_cpu_s = 0;
      long baseline_kib = 0;

      if (g_getenv ("DB_BASELINE_EXE") != NULL)
        {
          reset_table (server);
          baseline_s = spawn_flow (g_getenv ("DB_BASELINE_EXE"), scratch, csv, TRUE, rows,
                                   &baseline_kib, &baseline_cpu_s);
          g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
          g_printerr ("the baseline build's flow: %.2f s (processor %.2f s), peak %ld MiB\n",
                      baseline_s, baseline_cpu_s, baseline_kib / 1024);
        }
      reset_table (server);
      flow_s = spawn_flow (argv[0], scratch, csv, TRUE, rows, &flow_kib, &flow_cpu_s);
      g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
      g_printerr ("Conduit flow: %.2f s (processor %.2f s), peak %ld MiB\n", flow_s, flow_cpu_s,
                  flow_kib / 1024);
      db_test_server_stop (server);
      printf ("%u rows, the flow's processor time (s)\t%.2f\ts\tthe baseline build\t%.2f\tlower\n",
              rows, flow_cpu_s, baseline_cpu_s);
      return 0;
    }

  /* \copy: the limit (the CSV straight into the table, no mapping) */
  reset_table (server);
  copy = g_strdup_printf ("\\copy orders FROM '%s' CSV HEADER", csv);
  {
    const char *copy_argv[] = { "psql", "-h", "127.0.0.1", "-p", port, "-U", "app",
                                "-d", "conduit_test", "-v", "ON_ERROR_STOP=1", "-c", copy, NULL };
    copy_s = run_command (copy_argv, DB_TEST_PASSWORD);
  }
  g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
  g_printerr ("psql \\copy: %.2f s\n", copy_s);

  /* psycopg2 execute_batch: Debian's python3 (where python3-psycopg2 lives) */
  reset_table (server);
  {
    const char *python_argv[] = { "/usr/bin/python3", script, port, csv, NULL };
    python_s = run_command (python_argv, DB_TEST_PASSWORD);
  }
  g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
  g_printerr ("psycopg2 execute_batch: %.2f s\n", python_s);

  /* the flow, and the same flow without Write Rows: what the database step adds to the memory */
  reset_table (server);
  map_only_s = spawn_flow (argv[0], scratch, csv, FALSE, rows, &map_only_kib, &map_only_cpu_s);
  g_printerr ("the flow without Write Rows: %.2f s (processor %.2f s), peak %ld MiB\n",
              map_only_s, map_only_cpu_s, map_only_kib / 1024);
  /* DB_BASELINE_EXE: another build's bench-db, whose flow runs here too, against the same
   * server in the same run (to compare a change) */
  if (g_getenv ("DB_BASELINE_EXE") != NULL)
    {
      long baseline_kib = 0;
      double baseline_cpu_s = 0;
      double baseline_s;

      reset_table (server);
      baseline_s = spawn_flow (g_getenv ("DB_BASELINE_EXE"), scratch, csv, TRUE, rows,
                               &baseline_kib, &baseline_cpu_s);
      g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
      g_printerr ("the baseline build's flow: %.2f s (processor %.2f s), peak %ld MiB\n",
                  baseline_s, baseline_cpu_s, baseline_kib / 1024);
    }
  reset_table (server);
  flow_s = spawn_flow (argv[0], scratch, csv, TRUE, rows, &flow_kib, &flow_cpu_s);
  g_printerr ("the flow: peak %ld MiB\n", flow_kib / 1024);
  g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
  g_printerr ("Conduit flow: %.2f s (processor %.2f s)\n", flow_s, flow_cpu_s);

  /* the writer alone */
  reset_table (server);
  writer_s = run_writer (server, rows);
  g_assert_cmpint (db_test_server_count (server, "SELECT count(*) FROM orders"), ==, rows);
  g_printerr ("Write Rows' database part alone: %.2f s\n", writer_s);

  db_test_server_stop (server);

  printf ("%u rows into PostgreSQL (s)\t%.2f\ts\tpsql \\copy\t%.2f\tlower\n", rows, flow_s, copy_s);
  printf ("%u rows into PostgreSQL (s)\t%.2f\ts\tpsycopg2 execute_batch\t%.2f\tlower\n", rows,
          flow_s, python_s);
  printf ("%u rows, Write Rows alone (s)\t%.2f\ts\tpsql \\copy\t%.2f\tlower\n", rows, writer_s,
          copy_s);
  printf ("peak memory of the flow process\t%ld\tMiB\tthe flow without Write Rows\t%ld\tlower\n",
          flow_kib / 1024, map_only_kib / 1024);
  return 0;
}
