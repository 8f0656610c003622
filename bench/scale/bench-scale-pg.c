/* bench-scale-pg.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib-unix.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db-test-servers.h"

/* bench-scale-pg: the PostgreSQL of bench/scale's NATS + PostgreSQL variants, started as the
 * tests start theirs (tests/db-test-servers.c: PostgreSQL 15, initdb into a temporary folder,
 * a private port of 127.0.0.1). Prints two lines, the history address for `serve --history`
 * and the postmaster's process id (the bench reads the processor time of it and of its
 * children from /proc), then serves until SIGTERM or SIGINT and removes the server. */

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* The postmaster is the parent of the backend serving this connection. */
static long
postmaster_pid (const char *url)
{
  PGconn *connection = PQconnectdb (url);
  PGresult *result = NULL;
  long pid = 0;

  if (PQstatus (connection) == CONNECTION_OK)
    result = PQexec (connection, "SELECT pg_backend_pid()");
  if (result != NULL && PQresultStatus (result) == PGRES_TUPLES_OK)
    {
      g_autofree char *path = g_strdup_printf ("/proc/%s/stat", PQgetvalue (result, 0, 0));
      g_autofree char *stat = NULL;
      const char *after_name;

      /* pid (comm) state ppid …; comm may hold spaces and parentheses */
      if (g_file_get_contents (path, &stat, NULL, NULL) &&
          (after_name = strrchr (stat, ')')) != NULL)
        sscanf (after_name, ") %*c %ld", &pid);
    }
  else
    fprintf (stderr, "bench-scale-pg: %s", PQerrorMessage (connection));
  PQclear (result);
  PQfinish (connection);
  return pid;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *url = NULL;
  DbTestServer *server;
  long pid;

  server = db_test_server_start (CONDUIT_DB_KIND_POSTGRESQL, &error);
  if (server == NULL)
    {
      fprintf (stderr, "bench-scale-pg: PostgreSQL did not start: %s\n", error->message);
      return 1;
    }
  /* BENCH_PG_STATEMENTS: the server counts the statements it runs and the time it took to plan
   * and run them (pg_stat_statements, which is loaded at the start: a restart), for bench.sh to
   * print per run. Its own cost is then in
   * the server's processor time. */
  if (g_getenv ("BENCH_PG_STATEMENTS") != NULL)
    {
      db_test_server_exec (server, "ALTER SYSTEM SET shared_preload_libraries = "
                                   "'pg_stat_statements'");
      db_test_server_kill (server);
      if (!db_test_server_restart (server, &error))
        {
          fprintf (stderr, "bench-scale-pg: PostgreSQL did not start again: %s\n",
                   error->message);
          db_test_server_stop (server);
          return 1;
        }
      db_test_server_exec (server, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      /* known once the library is loaded */
      db_test_server_exec (server, "ALTER SYSTEM SET pg_stat_statements.track_planning = on");
      db_test_server_exec (server, "SELECT pg_reload_conf ()");
      db_test_server_exec (server, "GRANT pg_read_all_stats TO app");
    }
  url = g_strdup_printf ("postgresql://app:%s@127.0.0.1:%u/conduit_test", DB_TEST_PASSWORD,
                         db_test_server_get_port (server));
  pid = postmaster_pid (url);
  if (pid <= 0)
    {
      fprintf (stderr, "bench-scale-pg: the PostgreSQL at port %u does not answer\n",
               db_test_server_get_port (server));
      db_test_server_stop (server);
      return 1;
    }
  printf ("%s\n%ld\n", url, pid);
  fflush (stdout);

  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);
  db_test_server_stop (server);
  return 0;
}
