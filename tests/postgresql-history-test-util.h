/* postgresql-history-test-util.h — what the tests of the PostgreSQL run history share: its
 * address on the test server, an empty database, queries behind the store's back, and a
 * webhook → HTTP Request flow written to a file.
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "conduit.h"
#include "db-test-servers.h"

/* PostgreSQL */

static G_GNUC_UNUSED char *
history_url (DbTestServer *server)
{
  return g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test", DB_TEST_PASSWORD,
                          db_test_server_get_port (server));
}

/* Each test starts from an empty database: the history's tables go. */
static G_GNUC_UNUSED void
drop_history (DbTestServer *server)
{
  db_test_server_exec (server, "DROP TABLE IF EXISTS conduit_runs, conduit_steps, conduit_items,"
                               " conduit_events, conduit_dedupe_keys, conduit_trigger_cursors,"
                               " conduit_history_meta");
}

static G_GNUC_UNUSED PGresult *
query (DbTestServer *server,
       const char   *sql)
{
  g_autofree char *url = history_url (server);
  PGconn *conn = PQconnectdb (url);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQfinish (conn);
  return result;
}

static G_GNUC_UNUSED gint64
query_count (DbTestServer *server,
             const char   *sql)
{
  PGresult *result = query (server, sql);
  gint64 n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);

  PQclear (result);
  return n;
}

/* Flows */

static G_GNUC_UNUSED char *
write_flow (const char *dir,
            const char *file,
            const char *name,
            const char *sink_url)
{
  g_autofree char *flow = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, file, NULL);

  flow = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"%s\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 3 } } ],"
    " \"links\": ["
    "   { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    name, sink_url);
  g_assert_true (g_file_set_contents (path, flow, -1, &error));
  g_assert_no_error (error);
  return path;
}
