/* bench-history.c — what opening a long run history costs.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes N runs into a fresh history with the store, then measures, in separate child processes
 * so that one's memory does not hide the other's:
 *   - Conduit: ConduitRunListModel — time until the first 50 rows can be shown (model creation,
 *     count, first page), then resident memory growth after 2,000 reads at random positions;
 *   - the baseline: every run read into a GListStore at once, the obvious way to back a list.
 * Output is bench/run's table rows.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conduit-history-store.h"
#include "conduit-run-list-model.h"

#define FIRST_ROWS 50
#define SCROLL_READS 2000

static double
rss_mb (void)
{
  g_autofree char *text = NULL;
  long pages_total = 0, pages_resident = 0;

  if (!g_file_get_contents ("/proc/self/statm", &text, NULL, NULL) ||
      sscanf (text, "%ld %ld", &pages_total, &pages_resident) != 2)
    return 0;
  return pages_resident * (double)sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0);
}

typedef struct
{
  ConduitHistoryStore *store;
  guint                pending;
} Generator;

static void
begun (GObject      *object,
       GAsyncResult *result,
       gpointer      user_data)
{
  Generator *gen = user_data;
  g_autoptr(GError) error = NULL;
  gint64 id = conduit_history_store_begin_run_finish (CONDUIT_HISTORY_STORE (object), result, &error);
  ConduitRunRecord run = { 0 };

  if (id <= 0)
    g_error ("%s", error->message);
  run.id = id;
  run.flow = (char *)(id % 3 == 0 ? "Invoices to accounting" : "Web form lead to CRM contact");
  run.trigger_node = (char *)"start";
  run.trigger_kind = (char *)(id % 2 ? "webhook" : "schedule");
  run.started_us = g_get_real_time () - (gint64)(200000 - id) * 60 * G_USEC_PER_SEC;
  run.finished_us = run.started_us + (id % 97) * 10000;
  run.status = id % 11 == 0 ? CONDUIT_RUN_STATUS_FAILED
             : id % 7 == 0 ? CONDUIT_RUN_STATUS_PARTIAL : CONDUIT_RUN_STATUS_SUCCEEDED;
  run.items_in = id % 20;
  run.items_ok = run.items_in;
  run.error = run.status == CONDUIT_RUN_STATUS_FAILED
    ? (char *)"The CRM answered 503 Service Unavailable after 5 attempts" : NULL;
  conduit_history_store_finish_run (gen->store, &run);
  gen->pending--;
}

static void
generate (const char *path,
          guint       n)
{
  g_autoptr(GError) error = NULL;
  Generator gen = { 0 };

  gen.store = conduit_history_store_new (path, &error);
  if (gen.store == NULL)
    g_error ("%s", error->message);
  conduit_history_store_set_retention (gen.store, 0, 0);
  for (guint i = 0; i < n; i++)
    {
      ConduitRunRecord run = { 0 };

      run.flow = (char *)"generated";
      run.trigger_node = (char *)"start";
      run.trigger_kind = (char *)"webhook";
      run.started_us = g_get_real_time ();
      run.status = CONDUIT_RUN_STATUS_RUNNING;
      gen.pending++;
      conduit_history_store_begin_run_async (gen.store, &run, NULL, NULL, NULL, begun, &gen);
      if (gen.pending > 5000)
        while (gen.pending > 1000)
          g_main_context_iteration (NULL, TRUE);
    }
  while (gen.pending > 0)
    g_main_context_iteration (NULL, TRUE);
  if (!conduit_history_store_flush (gen.store, &error))
    g_error ("%s", error->message);
  conduit_history_store_close (gen.store);
  g_object_unref (gen.store);
}

/* Prints "ms MB" for one approach; runs in its own process. */
static void
measure (const char *path,
         gboolean    naive)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitHistoryStore) store = conduit_history_store_new (path, &error);
  g_autoptr(GListModel) model = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  double rss_before, rss_after;
  gint64 start, first_rows_us;
  guint n;

  if (store == NULL)
    g_error ("%s", error->message);
  /* Warm the page cache and the connection in both cases alike: what is measured is the model. */
  conduit_history_store_count_runs (store, NULL, NULL);
  rss_before = rss_mb ();

  start = g_get_monotonic_time ();
  if (naive)
    {
      ConduitHistoryQuery query = { .status = -1, .limit = G_MAXUINT };
      g_autoptr(GPtrArray) runs = conduit_history_store_list_runs (store, &query, &error);
      GListStore *list = g_list_store_new (CONDUIT_TYPE_RUN_ROW);

      if (runs == NULL)
        g_error ("%s", error->message);
      for (guint i = 0; i < runs->len; i++)
        {
          g_autoptr(ConduitRunRow) row =
            conduit_run_row_new (conduit_run_record_copy (g_ptr_array_index (runs, i)));
          g_list_store_append (list, row);
        }
      model = G_LIST_MODEL (list);
    }
  else
    model = G_LIST_MODEL (conduit_run_list_model_new (store));

  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < FIRST_ROWS && i < n; i++)
    g_object_unref (g_list_model_get_item (model, i));
  first_rows_us = g_get_monotonic_time () - start;

  for (guint i = 0; i < SCROLL_READS && n > 0; i++)
    g_object_unref (g_list_model_get_item (model, g_rand_int_range (rand, 0, n)));
  rss_after = rss_mb ();

  printf ("%.2f %.2f %u\n", first_rows_us / 1000.0, rss_after - rss_before, n);
}

static void
run_child (const char *self_exe,
           const char *path,
           const char *which,
           double     *ms,
           double     *mb)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_exe, "--measure", which, path, NULL };
  int status = 0;
  guint n = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error))
    g_error ("%s", error->message);
  if (!g_spawn_check_wait_status (status, &error) || sscanf (out, "%lf %lf %u", ms, mb, &n) != 3)
    g_error ("the %s measurement failed: %s", which, error != NULL ? error->message : out);
  g_printerr ("%s: %u runs, first rows %.2f ms, RSS growth %.2f MB\n", which, n, *ms, *mb);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;
  g_autofree char *self_exe = NULL;
  double conduit_ms, conduit_mb, naive_ms, naive_mb;
  guint n;

  if (argc == 4 && g_str_equal (argv[1], "--measure"))
    {
      measure (argv[3], g_str_equal (argv[2], "naive"));
      return 0;
    }
  if (argc != 3)
    {
      g_printerr ("usage: bench-history SCRATCH_DIR N_RUNS\n");
      return 2;
    }

  n = (guint)g_ascii_strtoull (argv[2], NULL, 10);
  path = g_build_filename (argv[1], "history.db", NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_printerr ("writing %u runs\n", n);
  generate (path, n);

  run_child (self_exe, path, "conduit", &conduit_ms, &conduit_mb);
  run_child (self_exe, path, "naive", &naive_ms, &naive_mb);

  /* RSS growth can be 0 for the paging model; bench/run needs a positive figure for a ratio. */
  printf ("time to first rows, %u runs\t%.2f\tms\tall runs into a GListStore\t%.2f\tlower\n",
          n, conduit_ms, naive_ms);
  printf ("RSS growth after %u random reads\t%.2f\tMB\tall runs into a GListStore\t%.2f\tlower\n",
          SCROLL_READS, MAX (conduit_mb, 0.01), naive_mb);
  return 0;
}
