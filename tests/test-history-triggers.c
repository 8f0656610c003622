/* test-history-triggers.c — what the history keeps for triggers: a poll's cursor, the keys it
 * has seen, and a polled run that moves the cursor only with its items.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "history-test-fixture.h"

static void
test_trigger_cursor (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *value = (char *)"unset";

  g_assert_true (conduit_history_store_get_cursor (fixture->store, "orders", "poll", &value,
                                                   &error));
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (conduit_history_store_set_cursor (fixture->store, "orders", "poll",
                                                   "2026-12-01T10:00:00Z", &error));
  g_assert_true (conduit_history_store_set_cursor (fixture->store, "orders", "poll",
                                                   "2026-12-01T11:00:00Z", &error));
  g_assert_true (conduit_history_store_set_cursor (fixture->store, "orders", "other", "page-7",
                                                   &error));
  g_assert_true (conduit_history_store_set_cursor (fixture->store, "invoices", "poll", "42",
                                                   &error));
  g_assert_no_error (error);

  /* Committed before set_cursor returned: a restart keeps it. */
  reopen (fixture);
  g_assert_true (conduit_history_store_get_cursor (fixture->store, "orders", "poll", &value,
                                                   &error));
  g_assert_cmpstr (value, ==, "2026-12-01T11:00:00Z");
  g_free (value);
  g_assert_true (conduit_history_store_get_cursor (fixture->store, "orders", "other", &value,
                                                   &error));
  g_assert_cmpstr (value, ==, "page-7");
  g_free (value);
  g_assert_true (conduit_history_store_get_cursor (fixture->store, "invoices", "poll", &value,
                                                   &error));
  g_assert_cmpstr (value, ==, "42");
  g_free (value);

  /* NULL forgets the cursor; the empty string is a value like any other. */
  g_assert_true (conduit_history_store_set_cursor (fixture->store, "orders", "poll", NULL,
                                                   &error));
  g_assert_true (conduit_history_store_get_cursor (fixture->store, "orders", "poll", &value,
                                                   &error));
  g_assert_null (value);
  g_assert_true (conduit_history_store_set_cursor (fixture->store, "orders", "poll", "", &error));
  g_assert_true (conduit_history_store_get_cursor (fixture->store, "orders", "poll", &value,
                                                   &error));
  g_assert_cmpstr (value, ==, "");
  g_free (value);
  g_assert_no_error (error);

  conduit_history_store_close (fixture->store);
  g_assert_false (conduit_history_store_set_cursor (fixture->store, "orders", "poll", "x",
                                                    &error));
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED);
  g_clear_error (&error);
  value = (char *)"unset";
  g_assert_false (conduit_history_store_get_cursor (fixture->store, "orders", "poll", &value,
                                                    &error));
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED);
  g_assert_null (value);
}

static void
test_trigger_seen (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gboolean newly_seen = TRUE;

  g_assert_true (mark (fixture->store, "orders", "poll", "order-1"));
  g_assert_false (mark (fixture->store, "orders", "poll", "order-1"));
  g_assert_true (mark (fixture->store, "orders", "poll", "order-2"));
  /* Each trigger of each flow has keys of its own. */
  g_assert_true (mark (fixture->store, "orders", "other", "order-1"));
  g_assert_true (mark (fixture->store, "invoices", "poll", "order-1"));

  /* Across a restart, nothing fires twice. */
  reopen (fixture);
  g_assert_false (mark (fixture->store, "orders", "poll", "order-1"));
  g_assert_false (mark (fixture->store, "orders", "poll", "order-2"));
  g_assert_true (mark (fixture->store, "orders", "poll", "order-3"));

  conduit_history_store_close (fixture->store);
  g_assert_false (conduit_history_store_mark_seen (fixture->store, "orders", "poll", "order-9",
                                                   &newly_seen, &error));
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED);
  g_assert_false (newly_seen);
}

static void
wait_past (gint64 time_us)
{
  /* The wall clock moves on within microseconds; bounded all the same. */
  for (guint i = 0; i < 100000 && g_get_real_time () <= time_us; i++)
    g_usleep (10);
  g_assert_cmpint (g_get_real_time (), >, time_us);
}

static void
test_trigger_seen_prune (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_deleted = 99;
  gint64 cutoff;

  g_assert_true (mark (fixture->store, "orders", "poll", "a"));
  g_assert_true (mark (fixture->store, "orders", "poll", "b"));
  g_assert_true (mark (fixture->store, "orders", "other", "a"));
  cutoff = g_get_real_time ();
  wait_past (cutoff);
  /* Seen again after the cutoff: "a" is remembered from its latest sighting on. */
  g_assert_false (mark (fixture->store, "orders", "poll", "a"));
  g_assert_true (mark (fixture->store, "orders", "poll", "c"));

  g_assert_true (conduit_history_store_prune_seen (fixture->store, "orders", "poll", cutoff, 0,
                                                   &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 1);
  g_assert_true (mark (fixture->store, "orders", "poll", "b"));   /* forgotten: new again */
  g_assert_false (mark (fixture->store, "orders", "poll", "a"));
  g_assert_false (mark (fixture->store, "orders", "other", "a")); /* another trigger's keys stay */

  /* By count: the most recently seen stay. Order of sightings now: c, b, a. */
  wait_past (g_get_real_time ());
  g_assert_false (mark (fixture->store, "orders", "poll", "c"));
  g_assert_true (conduit_history_store_prune_seen (fixture->store, "orders", "poll", 0, 2,
                                                   &n_deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_deleted, ==, 1);
  g_assert_cmpint (query_int (fixture->path,
                              "SELECT COUNT(*) FROM trigger_seen WHERE trigger = 'poll'"), ==, 2);
  g_assert_false (mark (fixture->store, "orders", "poll", "c"));
  g_assert_false (mark (fixture->store, "orders", "poll", "a"));
  g_assert_true (mark (fixture->store, "orders", "poll", "b"));

  g_assert_true (conduit_history_store_prune_seen (fixture->store, "orders", "poll", 0, 0,
                                                   &n_deleted, &error));
  g_assert_cmpuint (n_deleted, ==, 0);
}

#define N_MARKERS 4
#define N_KEYS    200

typedef struct
{
  ConduitHistoryStore *store;
  guint                n_new;
} Marker;

static gpointer
marker_thread (gpointer data)
{
  Marker *marker = data;

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_autofree char *key = g_strdup_printf ("row-%u", i);
      g_autoptr(GError) error = NULL;
      gboolean newly_seen = FALSE;

      if (!conduit_history_store_mark_seen (marker->store, "orders", "poll", key, &newly_seen,
                                            &error))
        g_error ("%s", error->message);
      marker->n_new += newly_seen;
    }
  return NULL;
}

static void
test_trigger_seen_threads (Fixture       *fixture,
                           gconstpointer  data)
{
  Marker markers[N_MARKERS] = { 0 };
  GThread *threads[N_MARKERS];
  g_autoptr(GError) error = NULL;
  guint total = 0;

  /* Pollers in several threads while the writer also takes runs: each key is new exactly once. */
  for (guint i = 0; i < N_MARKERS; i++)
    {
      markers[i].store = fixture->store;
      threads[i] = g_thread_new ("marker", marker_thread, &markers[i]);
    }
  for (guint i = 0; i < 20; i++)
    begin_run (fixture->store, "orders", g_get_real_time (), "{\"n\":1}");
  for (guint i = 0; i < N_MARKERS; i++)
    {
      g_thread_join (threads[i]);
      total += markers[i].n_new;
    }

  g_assert_cmpuint (total, ==, N_KEYS);
  g_assert_true (conduit_history_store_flush (fixture->store, &error));
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM trigger_seen"), ==, N_KEYS);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 20);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  gint64    run_id;
  GArray   *fired;
  GError   *error;
} Polled;

static void
polled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Polled *polled = user_data;

  polled->ok = conduit_history_store_begin_polled_run_finish (CONDUIT_HISTORY_STORE (object),
                                                              result, &polled->run_id,
                                                              &polled->fired, &polled->error);
  polled->done = TRUE;
}

/* Polls "orders" with records given as "key=json" pairs; returns the fired positions as text. */
static char *
poll_once (ConduitHistoryStore  *store,
           const char           *cursor,
           const char * const   *records,
           gint64               *run_id,
           GError              **error)
{
  ConduitRunRecord run = { 0 };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) keys = g_strv_builder_new ();
  g_auto(GStrv) key_array = NULL;
  GString *fired = g_string_new ("");
  Polled polled = { 0 };

  for (guint i = 0; records[i] != NULL; i++)
    {
      const char *eq = strchr (records[i], '=');
      g_autofree char *key = NULL;

      g_assert_nonnull (eq);
      key = g_strndup (records[i], eq - records[i]);
      g_strv_builder_add (keys, key);
      g_ptr_array_add (items, g_strdup (eq + 1));
    }
  key_array = g_strv_builder_end (keys);

  run.flow = (char *)"orders";
  run.trigger_node = (char *)"poll";
  run.trigger_kind = (char *)"schedule";
  run.started_us = g_get_real_time ();
  conduit_history_store_begin_polled_run_async (store, &run, NULL, items,
                                                (const char * const *)key_array, cursor, NULL,
                                                polled_cb, &polled);
  for (guint i = 0; i < 100000 && !polled.done; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (polled.done);

  *run_id = polled.run_id;
  if (!polled.ok)
    {
      g_assert_null (polled.fired);
      g_propagate_error (error, polled.error);
      g_string_free (fired, TRUE);
      return NULL;
    }
  for (guint i = 0; i < polled.fired->len; i++)
    g_string_append_printf (fired, "%s%u", i > 0 ? "," : "", g_array_index (polled.fired, guint, i));
  g_array_unref (polled.fired);
  return g_string_free (fired, FALSE);
}

static char *
dup_cursor (ConduitHistoryStore *store)
{
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  g_assert_true (conduit_history_store_get_cursor (store, "orders", "poll", &value, &error));
  g_assert_no_error (error);
  return value;
}

static void
test_polled_run (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *first[] = { "k1={\"n\":1}", "k2={\"n\":2}", "k3={\"n\":3}", NULL };
  const char *second[] = { "k2={\"n\":2}", "k3={\"n\":3}", "k4={\"n\":4}", "k4={\"n\":4}",
                           NULL };
  const char *third[] = { "k3={\"n\":3}", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gint64 run_id = -1;
  char *fired;
  char *cursor;

  fired = poll_once (fixture->store, "c1", first, &run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fired, ==, "0,1,2");
  g_free (fired);
  g_assert_cmpint (run_id, >, 0);
  run = conduit_history_store_get_run (fixture->store, run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (run->items_in, ==, 3);
  g_assert_cmpstr (run->trigger_node, ==, "poll");
  g_clear_pointer (&run, conduit_run_record_free);

  /* Only the new record starts a run, once even when the page repeats it; its seq counts
   * within the run. */
  fired = poll_once (fixture->store, "c2", second, &run_id, &error);
  g_assert_cmpstr (fired, ==, "2");
  g_free (fired);
  items = conduit_history_store_list_items (fixture->store, run_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpstr (((ConduitItemRecord *)items->pdata[0])->data, ==, "{\"n\":4}");
  g_assert_cmpuint (((ConduitItemRecord *)items->pdata[0])->seq, ==, 0);
  cursor = dup_cursor (fixture->store);
  g_assert_cmpstr (cursor, ==, "c2");
  g_free (cursor);

  /* Nothing new: no run, but the cursor moves on. */
  fired = poll_once (fixture->store, "c3", third, &run_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fired, ==, "");
  g_free (fired);
  g_assert_cmpint (run_id, ==, 0);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 2);

  /* A restart fires nothing again, and a NULL cursor leaves the cursor as it was. */
  reopen (fixture);
  fired = poll_once (fixture->store, NULL, first, &run_id, &error);
  g_assert_cmpstr (fired, ==, "");
  g_free (fired);
  cursor = dup_cursor (fixture->store);
  g_assert_cmpstr (cursor, ==, "c3");
  g_free (cursor);
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 2);
}

static void
test_polled_run_all_or_nothing (Fixture       *fixture,
                                gconstpointer  data)
{
  const char *good[] = { "k1={\"n\":1}", NULL };
  const char *poisoned[] = { "k2={\"n\":2}", "k3=\"poison\"", NULL };
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 run_id = -1;
  char *fired;
  char *cursor;

  fired = poll_once (fixture->store, "c1", good, &run_id, &error);
  g_assert_cmpstr (fired, ==, "0");
  g_free (fired);

  /* The database refuses the second record's item half-way through the poll's write. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER poison BEFORE INSERT ON items"
                                 " WHEN NEW.data = '\"poison\"'"
                                 " BEGIN SELECT RAISE (ABORT, 'refused by the test'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  /* The writer's statements were prepared before the trigger existed; SQLite re-prepares them. */

  fired = poll_once (fixture->store, "c2", poisoned, &run_id, &error);
  g_assert_null (fired);
  g_assert_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "refused by the test"));
  g_clear_error (&error);
  g_assert_cmpint (run_id, ==, 0);

  /* Nothing of it was kept: neither key is seen, no run, the cursor did not move. */
  g_assert_cmpint (query_int (fixture->path, "SELECT COUNT(*) FROM runs"), ==, 1);
  cursor = dup_cursor (fixture->store);
  g_assert_cmpstr (cursor, ==, "c1");
  g_free (cursor);
  g_assert_true (mark (fixture->store, "orders", "poll", "k2"));
  g_assert_true (mark (fixture->store, "orders", "poll", "k3"));
  g_assert_false (mark (fixture->store, "orders", "poll", "k1"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, set_up, func, tear_down)
  ADD ("/conduit/history/trigger-cursor", test_trigger_cursor);
  ADD ("/conduit/history/trigger-seen", test_trigger_seen);
  ADD ("/conduit/history/trigger-seen-prune", test_trigger_seen_prune);
  ADD ("/conduit/history/trigger-seen-threads", test_trigger_seen_threads);
  ADD ("/conduit/history/polled-run", test_polled_run);
  ADD ("/conduit/history/polled-run-all-or-nothing", test_polled_run_all_or_nothing);

  return g_test_run ();
}
