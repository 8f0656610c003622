/* conduit-history-store-postgresql-schema.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "conduit-history-store-postgresql-private.h"

/* The PostgreSQL history's tables: made at the first start, migrated in place, checked by a
 * read-only store; and the runs a crash of this machine left "running". */

#define SCHEMA_VERSION   3
#define SCHEMA_LOCK_KEY  "4372496611940089633"   /* any constant: "the Conduit schema" */

/* Schema 2: one index per step and per item row, not two. A step's primary key leads with what
 * the end of its attempt looks it up by (and `history show` by its run), and ends with the id
 * that orders the rows; an item's with its run and node. conduit_events is found by its event id
 * only, so that the updates of a run's event (its run, done) change no indexed column and stay
 * on their page (HOT, with the room fillfactor leaves); no query looked up conduit_runs by
 * event id. conduit_runs has no index on its status either, so that a run's end (and handled)
 * is such an update too: the queries by status (a list filtered by it, the runs left running at
 * a start) read the runs by id instead. Each index less is a B-tree insert less per row, most
 * of what a row costs the server.
 *
 * Schema 3: conduit_runs and conduit_events fillfactor 50, not 90: at 90 the rows begun
 * together fill a page before they end, and half the ends were not HOT (bench scale); at 50
 * all are, sparing B-tree entries and WAL per run, for tables of about twice the pages. */
static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS conduit_history_meta ("
  "  name TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS conduit_runs ("
  "  id BIGSERIAL PRIMARY KEY,"
  "  flow TEXT NOT NULL,"
  "  trigger_node TEXT,"
  "  trigger_kind TEXT,"
  "  started_us BIGINT NOT NULL,"
  "  finished_us BIGINT NOT NULL DEFAULT 0,"
  "  status TEXT NOT NULL DEFAULT 'running',"
  "  items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_ok INTEGER NOT NULL DEFAULT 0,"
  "  items_failed INTEGER NOT NULL DEFAULT 0,"
  "  items_rejected INTEGER NOT NULL DEFAULT 0,"
  "  error TEXT,"
  "  handled BOOLEAN NOT NULL DEFAULT FALSE,"
  "  event_id TEXT,"
  "  attempt INTEGER NOT NULL DEFAULT 1,"
  "  host TEXT,"
  "  pid INTEGER)"
  "  WITH (fillfactor = 50);"
  "CREATE INDEX IF NOT EXISTS conduit_runs_by_flow ON conduit_runs (flow, started_us);"
  "CREATE TABLE IF NOT EXISTS conduit_steps ("
  "  id BIGSERIAL NOT NULL,"
  "  run_id BIGINT NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  item_index INTEGER NOT NULL,"
  "  attempt INTEGER NOT NULL,"
  "  started_us BIGINT NOT NULL,"
  "  finished_us BIGINT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  http_status INTEGER NOT NULL DEFAULT 0,"
  "  delay_ms BIGINT NOT NULL DEFAULT 0,"
  "  items_in INTEGER NOT NULL DEFAULT 0,"
  "  items_out INTEGER NOT NULL DEFAULT 0,"
  "  items_failed INTEGER NOT NULL DEFAULT 0,"
  "  error_kind TEXT,"
  "  error_message TEXT,"
  "  PRIMARY KEY (run_id, node_id, item_index, attempt, id));"
  "CREATE TABLE IF NOT EXISTS conduit_items ("
  "  id BIGSERIAL NOT NULL,"
  "  run_id BIGINT NOT NULL,"
  "  node_id TEXT NOT NULL,"
  "  port TEXT NOT NULL,"
  "  is_output BOOLEAN NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  data TEXT NOT NULL,"
  "  size BIGINT NOT NULL,"
  "  truncated BOOLEAN NOT NULL,"
  "  PRIMARY KEY (run_id, node_id, id));"
  "CREATE TABLE IF NOT EXISTS conduit_events ("
  "  event_id TEXT PRIMARY KEY,"
  "  flow TEXT NOT NULL,"
  "  first_us BIGINT NOT NULL,"
  "  run_id BIGINT,"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  done BOOLEAN NOT NULL DEFAULT FALSE)"
  "  WITH (fillfactor = 50);"
  "CREATE TABLE IF NOT EXISTS conduit_dedupe_keys ("
  "  scope TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  seen_us BIGINT NOT NULL,"
  "  expires_us BIGINT NOT NULL,"
  "  PRIMARY KEY (scope, key));"
  "CREATE TABLE IF NOT EXISTS conduit_trigger_cursors ("
  "  flow TEXT NOT NULL,"
  "  trigger TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  updated_us BIGINT NOT NULL,"
  "  PRIMARY KEY (flow, trigger));";

/* From schema 1 (surrogate primary keys plus a by_run index each), kept in place: the rows
 * stay, with their ids. */
static const char migrate_1_to_2_sql[] =
  "ALTER TABLE conduit_steps DROP CONSTRAINT conduit_steps_pkey,"
  "  ADD CONSTRAINT conduit_steps_pkey PRIMARY KEY (run_id, node_id, item_index, attempt, id);"
  "DROP INDEX IF EXISTS conduit_steps_by_run;"
  "ALTER TABLE conduit_items DROP CONSTRAINT conduit_items_pkey,"
  "  ADD CONSTRAINT conduit_items_pkey PRIMARY KEY (run_id, node_id, id);"
  "DROP INDEX IF EXISTS conduit_items_by_run;"
  "DROP INDEX IF EXISTS conduit_events_by_run;"
  "ALTER TABLE conduit_events SET (fillfactor = 90);"
  "DROP INDEX IF EXISTS conduit_runs_by_event;"
  "DROP INDEX IF EXISTS conduit_runs_by_status;"
  "ALTER TABLE conduit_runs SET (fillfactor = 90);";

/* From schema 2: new pages of conduit_runs and conduit_events leave half their room free. */
static const char migrate_2_to_3_sql[] =
  "ALTER TABLE conduit_runs SET (fillfactor = 50);"
  "ALTER TABLE conduit_events SET (fillfactor = 50);";

static gboolean
exec_sql (ConduitHistoryStore  *self,
          PGconn               *conn,
          const char           *sql,
          GError              **error)
{
  g_autoptr(PGresult) result = PQexec (conn, sql);

  if (PQresultStatus (result) == PGRES_COMMAND_OK || PQresultStatus (result) == PGRES_TUPLES_OK)
    return TRUE;
  conduit_history_pg_set_error (self, conn, _("a statement failed"), error);
  return FALSE;
}

/* The schema version the database holds, 0 when it holds no history yet, -1 on failure. */
static int
read_version (ConduitHistoryStore  *self,
              PGconn               *conn,
              GError              **error)
{
  g_autoptr(PGresult) exists = PQexec (conn, "SELECT to_regclass ('conduit_history_meta')"
                                             " IS NOT NULL");
  g_autoptr(PGresult) result = NULL;

  if (PQresultStatus (exists) != PGRES_TUPLES_OK)
    {
      conduit_history_pg_set_error (self, conn, _("could not read its schema version"), error);
      return -1;
    }
  if (!g_str_equal (PQgetvalue (exists, 0, 0), "t"))
    return 0;
  result = PQexec (conn, "SELECT value FROM conduit_history_meta WHERE name = 'schema_version'");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      conduit_history_pg_set_error (self, conn, _("could not read its schema version"), error);
      return -1;
    }
  return PQntuples (result) > 0 ? atoi (PQgetvalue (result, 0, 0)) : 0;
}

/* Creates or updates the schema. Only when it is not up to date: DDL on tables the running
 * workers write would wait for their locks, and deadlock with them. */
gboolean
conduit_history_pg_migrate (ConduitHistoryStore  *self,
                            PGconn               *conn,
                            GError              **error)
{
  int version = read_version (self, conn, error);

  if (version < 0)
    return FALSE;
  if (version == SCHEMA_VERSION)
    return TRUE;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
                   _("The PostgreSQL history %s was written by a newer Conduit (schema %d, this "
                     "one knows %d): update conduit-cli"), self->path, version, SCHEMA_VERSION);
      return FALSE;
    }

  if (!exec_sql (self, conn, "BEGIN", error))
    return FALSE;
  /* Another process may have made it meanwhile: look again under the lock. */
  if (!exec_sql (self, conn, "SELECT pg_advisory_xact_lock (" SCHEMA_LOCK_KEY ")", error) ||
      (version = read_version (self, conn, error)) < 0)
    goto failed;
  if (version == 0 && !exec_sql (self, conn, schema_sql, error))
    goto failed;
  if (version == 1 && !exec_sql (self, conn, migrate_1_to_2_sql, error))
    goto failed;
  if ((version == 1 || version == 2) && !exec_sql (self, conn, migrate_2_to_3_sql, error))
    goto failed;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
                   _("The PostgreSQL history %s was written by a newer Conduit (schema %d, this "
                     "one knows %d): update conduit-cli"), self->path, version, SCHEMA_VERSION);
      goto failed;
    }
  if (version < SCHEMA_VERSION &&
      !exec_sql (self, conn, "INSERT INTO conduit_history_meta (name, value)"
                             " VALUES ('schema_version', '" G_STRINGIFY (SCHEMA_VERSION) "')"
                             " ON CONFLICT (name)"
                             " DO UPDATE SET value = excluded.value", error))
    goto failed;
  return exec_sql (self, conn, "COMMIT", error);

failed:
  PQclear (PQexec (conn, "ROLLBACK"));
  return FALSE;
}

/* A read-only store looks, but does not create: a database without the tables is not a
 * history (yet), and the person should hear that rather than see an empty list. */
gboolean
conduit_history_pg_check_schema (ConduitHistoryStore  *self,
                                 PGconn               *conn,
                                 GError              **error)
{
  g_autoptr(PGresult) result = PQexec (conn, "SELECT value FROM conduit_history_meta"
                                             " WHERE name = 'schema_version'");

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) == 0)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND,
                   _("%s holds no Conduit run history: start `conduit-cli serve --history` "
                     "with it once to create one"), self->path);
      return FALSE;
    }
  if (atoi (PQgetvalue (result, 0, 0)) > SCHEMA_VERSION)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
                   _("The PostgreSQL history %s was written by a newer Conduit: update it"),
                   self->path);
      return FALSE;
    }
  return TRUE;
}

/* Runs of this machine still "running" whose process is gone were cut short (a crash, a kill).
 * Runs of queued events that another machine's worker was running are settled when their event
 * is delivered again (see apply_begin_run() in conduit-history-store-postgresql.c). */
gboolean
conduit_history_pg_mark_interrupted (ConduitHistoryStore  *self,
                                     PGconn               *conn,
                                     GError              **error)
{
  PgHistory *pg = pg_of (self);
  const char *values[1] = { pg->host };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(GString) dead = g_string_new ("{");

  result = PQexecParams (conn, "SELECT DISTINCT pid FROM conduit_runs"
                               " WHERE status = 'running' AND host = $1", 1, NULL, values,
                         NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      conduit_history_pg_set_error (self, conn, _("could not look for runs cut short"), error);
      return FALSE;
    }
  for (int i = 0; i < PQntuples (result); i++)
    {
      pid_t pid = (pid_t)atoi (PQgetvalue (result, i, 0));

      if (pid > 0 && pid != getpid () && kill (pid, 0) != 0 && errno == ESRCH)
        g_string_append_printf (dead, "%s%d", dead->len > 1 ? "," : "", (int)pid);
    }
  g_string_append_c (dead, '}');

  if (dead->len > 2)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time ());
      const char *update_values[4] = { pg->host, dead->str, now,
                                       _("Conduit stopped before the run ended") };
      g_autoptr(PGresult) update = NULL;

      update = PQexecParams (conn, "UPDATE conduit_runs SET status = 'interrupted',"
                                   " finished_us = $3, error = $4 WHERE status = 'running'"
                                   " AND host = $1 AND pid = ANY ($2::integer[])",
                             4, NULL, update_values, NULL, NULL, 0);
      if (PQresultStatus (update) != PGRES_COMMAND_OK)
        {
          conduit_history_pg_set_error (self, conn, _("could not mark runs cut short"), error);
          return FALSE;
        }
      self->n_interrupted = (guint)atoi (PQcmdTuples (update));
    }
  return TRUE;
}
