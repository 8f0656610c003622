/* test-db-steps.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "db-test-servers.h"
#include "runner-test-util.h"

/* The database steps in flows run by the real runner, against real servers: the bundled
 * example (MySQL → map → upsert into PostgreSQL), query parameters and errors, refused rows,
 * wrong passwords, and a server killed in the middle of a write. */

static void
set_credential (DbTestServer *server,
                const char   *id,
                const char   *variable)
{
  g_autofree char *json = db_test_server_credential_json (server, id);

  g_setenv (variable, json, TRUE);
}

static ConduitFlow *
load_example (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples",
                                            name, NULL);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &json, NULL, &error);
  g_assert_no_error (error);
  return runner_test_flow (json);
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

/* data/examples/mysql-orders-to-postgresql.conduit, headless, as serve would run it. */
static void
test_example (RunnerFixture *fixture,
              gconstpointer  data)
{
  DbTestServer *mysql = db_test_require (CONDUIT_DB_KIND_MARIADB);
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;

  if (mysql == NULL || postgresql == NULL)
    return;

  db_test_server_exec (mysql, "DROP TABLE IF EXISTS orders");
  db_test_server_exec (mysql, "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, "
                              "customer_email varchar(200), total decimal(10,2), "
                              "currency varchar(8), status varchar(20), "
                              "placed_at timestamp(3) NULL, updated_at datetime(3) NOT NULL)");
  /* orders 1 and 2 were last changed in the same millisecond: the key tells them apart */
  db_test_server_exec (mysql, "INSERT INTO orders (customer_email, total, currency, status, placed_at, updated_at) VALUES "
                              "(' Ada@Example.com ', 12.50, 'EUR', 'paid', '2026-05-01 09:30:00.250', '2026-05-01 09:30:00'),"
                              "('grace@example.com', 99999999.99, 'USD', 'paid', '2026-05-01 10:00:00', '2026-05-01 09:30:00'),"
                              "('not an email', 5.00, 'EUR', 'paid', '2026-05-01 11:00:00', '2026-05-01 11:00:00'),"
                              "('linus@example.com', 7.00, 'EURO', 'paid', '2026-05-01 12:00:00', '2026-05-01 12:00:00'),"
                              "('ken@example.com', 1.00, 'EUR', 'cart', '2026-05-01 13:00:00', '2026-05-01 13:00:00')");
  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS shop_orders");
  db_test_server_exec (postgresql, "CREATE TABLE shop_orders (order_id bigint PRIMARY KEY, "
                                   "email text NOT NULL, amount numeric(12,2) NOT NULL, "
                                   "currency char(3) NOT NULL, placed_at timestamptz NOT NULL, "
                                   "loaded_at timestamptz DEFAULT now())");
  db_test_server_exec (postgresql, "GRANT ALL ON shop_orders TO app");

  set_credential (mysql, "shop-mysql", "CONDUIT_CREDENTIAL_SHOP_MYSQL");
  set_credential (postgresql, "reporting-postgresql", "CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL");

  flow = load_example ("mysql-orders-to-postgresql.conduit");
  run = runner_test_run (fixture, flow, NULL);

  /* five new orders, four paid; the mapping refuses the bad email, PostgreSQL the four-letter
   * currency */
  assert_counts (run, "new-orders", 5, 0);
  assert_counts (run, "paid", 5, 0);   /* match and no_match both count */
  assert_counts (run, "to-report", 3, 1);
  assert_counts (run, "upsert", 2, 1);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM shop_orders"), ==, 2);
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(*) FROM shop_orders WHERE order_id = 2 "
                                         "AND amount = 99999999.99 AND email = 'grace@example.com'"),
                   ==, 1);
  /* the instant is kept: MySQL's TIMESTAMP is UTC in the session */
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(*) FROM shop_orders WHERE order_id = 1 AND "
                                         "placed_at = '2026-05-01 09:30:00.25+00' AND "
                                         "email = 'ada@example.com'"), ==, 1);

  /* the next run finds only the changed order, and updates it in place */
  db_test_server_exec (mysql, "UPDATE orders SET total = 13.00, updated_at = '2026-05-02 08:00:00' "
                              "WHERE id = 1");
  g_clear_object (&run);
  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "new-orders", 1, 0);
  assert_counts (run, "upsert", 1, 0);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM shop_orders"), ==, 2);
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(*) FROM shop_orders WHERE order_id = 1 "
                                         "AND amount = 13.00"), ==, 1);

  g_unsetenv ("CONDUIT_CREDENTIAL_SHOP_MYSQL");
  g_unsetenv ("CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL");
}

static char *
sqlite_file (RunnerFixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->dir, "shop.db", NULL);
  g_autoptr(ConduitDbParams) params = NULL;
  g_autoptr(GError) error = NULL;
  ConduitDbConnection *connection;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  params = conduit_db_params_new_sqlite (path);
  connection = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  conduit_db_connection_exec (connection, "CREATE TABLE people (id integer PRIMARY KEY, "
                                          "email text NOT NULL UNIQUE, name text)", &error);
  g_assert_no_error (error);
  conduit_db_connection_exec (connection, "INSERT INTO people VALUES (1, 'a@example.com', 'Ada'), "
                                          "(2, 'b@example.com', 'Bob')", &error);
  g_assert_no_error (error);
  conduit_db_connection_close (connection);
  return g_steal_pointer (&path);
}

/* Query: parameters from the item, an item without the field, an injection attempt that
 * finds nothing; Write: a refused row and the rest written. */
static void
test_query_and_write_sqlite (RunnerFixture *fixture,
                             gconstpointer  data)
{
  g_autofree char *path = sqlite_file (fixture);
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Lookup\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"find\", \"type\": \"db-query\", \"position\": [200, 0],"
    "    \"settings\": { \"sqlite_file\": \"%s\","
    "                  \"sql\": \"SELECT id, email, name FROM people WHERE email = :email\" } },"
    "  { \"id\": \"copy\", \"type\": \"db-write\", \"position\": [400, 0],"
    "    \"settings\": { \"sqlite_file\": \"%s\", \"table\": \"people\", \"mode\": \"upsert\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"find\", \"to_port\": \"in\" },"
    "              { \"from\": \"find\", \"from_port\": \"out\", \"to\": \"copy\", \"to_port\": \"in\" } ] }",
    path, path);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(GPtrArray) items = runner_test_parse_items (
    "[{\"email\": \"a@example.com\"}, {\"email\": \"x' OR '1'='1\"}, {\"mail\": \"typo\"},"
    " {\"email\": \"b@example.com\"}]");
  g_autoptr(ConduitRun) run = runner_test_run (fixture, flow, items);
  g_autofree char *write_json = NULL;
  g_autoptr(ConduitFlow) write_flow = NULL;
  g_autoptr(ConduitRun) write_run = NULL;

  /* two rows found, the injection found nothing, the item without :email failed */
  assert_counts (run, "find", 2, 1);
  assert_counts (run, "copy", 2, 0);

  write_json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Write\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [200, 0],"
    "    \"settings\": { \"sqlite_file\": \"%s\", \"table\": \"people\", \"batch_size\": 10 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" } ] }",
    path);
  write_flow = runner_test_flow (write_json);
  g_clear_pointer (&items, g_ptr_array_unref);
  items = runner_test_parse_items ("[{\"id\": 3, \"email\": \"c@example.com\"},"
                                   " {\"id\": 4, \"email\": \"a@example.com\"},"
                                   " {\"id\": 5, \"email\": \"e@example.com\"}]");
  write_run = runner_test_run (fixture, write_flow, items);
  assert_counts (write_run, "write", 2, 1);
  g_assert_cmpint (conduit_run_get_status (write_run), !=, CONDUIT_RUN_STATUS_SUCCEEDED);
}

/* A wrong password fails the node as a whole, saying so. */
static void
test_wrong_password (RunnerFixture *fixture,
                     gconstpointer  data)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *json = NULL;
  g_autofree char *credential = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  const char *message;

  if (postgresql == NULL)
    return;

  credential = g_strdup_printf ("{\"id\": \"pg\", \"kind\": \"postgresql\", \"fields\": "
                                "{\"host\": \"127.0.0.1\", \"port\": \"%u\", \"database\": "
                                "\"conduit_test\", \"user\": \"app\", \"tls\": \"disable\"}, "
                                "\"secrets\": {\"password\": \"not-the-password\"}}",
                                db_test_server_get_port (postgresql));
  g_setenv ("CONDUIT_CREDENTIAL_PG", credential, TRUE);
  json = g_strdup (
    "{ \"version\": 1, \"name\": \"Wrong\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"x\": 1 } ] } },"
    "  { \"id\": \"q\", \"type\": \"db-query\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"pg\", \"sql\": \"SELECT 1\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"q\", \"to_port\": \"in\" } ] }");
  flow = runner_test_flow (json);
  run = runner_test_run (fixture, flow, NULL);
  g_unsetenv ("CONDUIT_CREDENTIAL_PG");

  message = conduit_run_get_node_error (run, "q");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "password"));
  g_assert_nonnull (strstr (message, "conduit_test"));
  /* the secret never reaches the history */
  g_assert_null (strstr (message, "not-the-password"));
  assert_counts (run, "q", 0, 1);
}

typedef struct
{
  DbTestServer *server;
  gboolean      killed;
} KillWatch;

static gboolean
kill_when_rows_land (gpointer user_data)
{
  KillWatch *watch = user_data;

  if (db_test_server_count (watch->server, "SELECT count(*) FROM bulk") == 0)
    return G_SOURCE_CONTINUE;
  db_test_server_kill (watch->server);
  watch->killed = TRUE;
  return G_SOURCE_REMOVE;
}

/* The server dies in the middle of a write: what the step reported written is exactly what is
 * in the table, so running the failed items again after the restart leaves every row once. */
static void
test_killed_mid_batch (RunnerFixture *fixture,
                       gconstpointer  data)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  const guint n = 30000;
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(ConduitRun) rerun = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GError) error = NULL;
  KillWatch watch = { postgresql, FALSE };
  guint written = 0;
  guint not_written = 0;

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS bulk");
  db_test_server_exec (postgresql, "CREATE TABLE bulk (id int PRIMARY KEY, label text NOT NULL)");
  db_test_server_exec (postgresql, "GRANT ALL ON bulk TO app");
  set_credential (postgresql, "pg", "CONDUIT_CREDENTIAL_PG");

  json = g_strdup (
    "{ \"version\": 1, \"name\": \"Bulk\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"write\", \"type\": \"db-write\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"pg\", \"table\": \"bulk\", \"batch_size\": 100 } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" } ] }");
  flow = runner_test_flow (json);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "id", i);
      json_object_set_string_member (object, "label", "row");
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
    }

  g_timeout_add (2, kill_when_rows_land, &watch);
  run = runner_test_run (fixture, flow, items);
  g_assert_true (watch.killed);

  g_assert_true (conduit_run_get_node_counts (run, "write", NULL, &written, &not_written, NULL));
  g_assert_cmpuint (written + not_written, ==, n);
  g_assert_cmpuint (not_written, >, 0);

  db_test_server_restart (postgresql, &error);
  g_assert_no_error (error);
  /* exactly the rows reported written are there */
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM bulk"), ==, written);

  /* batches go in order, so the written rows are the first ones */
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bulk WHERE id < %u", written);
    g_assert_cmpint (db_test_server_count (postgresql, sql), ==, written);
  }

  /* the failed items again, as insert: a row written twice would be refused by the key */
  failed = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = written; i < n; i++)
    g_ptr_array_add (failed, json_node_ref (g_ptr_array_index (items, i)));

  rerun = runner_test_run (fixture, flow, failed);
  assert_counts (rerun, "write", n - written, 0);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM bulk"), ==, n);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(DISTINCT id) FROM bulk"), ==, n);

  g_unsetenv ("CONDUIT_CREDENTIAL_PG");
}

/* New or Changed Rows: each row once, ties broken by the key, a changed row again, and nothing
 * twice after the process and the database both restart. */
static void
test_new_rows_across_restart (RunnerFixture *fixture,
                              gconstpointer  data)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *path = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;
  const char *json =
    "{ \"version\": 1, \"name\": \"Changes\", \"nodes\": ["
    "  { \"id\": \"tick\", \"type\": \"schedule-trigger\", \"position\": [0, 0] },"
    "  { \"id\": \"rows\", \"type\": \"db-new-rows\", \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"pg\", \"table\": \"events\","
    "                  \"cursor_column\": \"updated_at\", \"max_rows\": 2 } } ],"
    " \"links\": [ { \"from\": \"tick\", \"from_port\": \"out\", \"to\": \"rows\", \"to_port\": \"in\" } ] }";

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS events");
  db_test_server_exec (postgresql, "CREATE TABLE events (id int PRIMARY KEY, "
                                   "updated_at timestamptz, note text)");
  db_test_server_exec (postgresql, "GRANT ALL ON events TO app");
  /* two rows share a timestamp; one has none and never fires */
  db_test_server_exec (postgresql, "INSERT INTO events VALUES "
                                   "(1, '2026-01-01 10:00:00+00', 'a'), "
                                   "(2, '2026-01-01 10:00:00+00', 'b'), "
                                   "(3, '2026-01-01 11:00:00+00', 'c'), "
                                   "(4, NULL, 'no time')");
  set_credential (postgresql, "pg", "CONDUIT_CREDENTIAL_PG");
  flow = runner_test_flow (json);

  /* a page of two, then the rest */
  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "rows", 2, 0);
  g_clear_object (&run);
  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "rows", 1, 0);
  g_clear_object (&run);
  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "rows", 0, 0);
  g_clear_object (&run);

  /* a change and a new row */
  db_test_server_exec (postgresql, "UPDATE events SET updated_at = '2026-01-02 09:00:00+00', "
                                   "note = 'a changed' WHERE id = 1");
  db_test_server_exec (postgresql, "INSERT INTO events VALUES (5, '2026-01-02 08:00:00+00', 'e')");

  /* the process and the database restart */
  path = g_build_filename (fixture->dir, "history.db", NULL);
  g_clear_object (&fixture->runner);
  conduit_history_store_close (fixture->history);
  g_clear_object (&fixture->history);
  db_test_server_kill (postgresql);
  db_test_server_restart (postgresql, &error);
  g_assert_no_error (error);
  fixture->history = conduit_history_store_new (path, &error);
  g_assert_no_error (error);
  fixture->runner = conduit_runner_new (conduit_connector_registry_get_default (), fixture->history);
  conduit_runner_set_clock (fixture->runner, fixture->clock);

  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "rows", 2, 0);
  g_clear_object (&run);
  run = runner_test_run (fixture, flow, NULL);
  assert_counts (run, "rows", 0, 0);

  g_unsetenv ("CONDUIT_CREDENTIAL_PG");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/db/steps/example-mysql-to-postgresql", RunnerFixture, NULL,
              runner_fixture_set_up, test_example, runner_fixture_tear_down);
  g_test_add ("/conduit/db/steps/query-and-write-sqlite", RunnerFixture, NULL,
              runner_fixture_set_up, test_query_and_write_sqlite, runner_fixture_tear_down);
  g_test_add ("/conduit/db/steps/wrong-password", RunnerFixture, NULL,
              runner_fixture_set_up, test_wrong_password, runner_fixture_tear_down);
  g_test_add ("/conduit/db/steps/new-rows-across-restart", RunnerFixture, NULL,
              runner_fixture_set_up, test_new_rows_across_restart, runner_fixture_tear_down);
  g_test_add ("/conduit/db/steps/killed-mid-batch", RunnerFixture, NULL,
              runner_fixture_set_up, test_killed_mid_batch, runner_fixture_tear_down);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
