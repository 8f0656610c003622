/* conduit-history-store-postgresql.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conduit-history-store-postgresql-private.h"

/* The run history in PostgreSQL, shared by every `serve` that names the same database: the
 * workers of a queue write their runs into it, and `history list`, or the app, read all of them
 * in one place.
 *
 * The store's API is the same as for SQLite: writes are queued (conduit-history-store.c) and one
 * writer thread per process applies whatever has queued up in one transaction (a group commit).
 * What differs is what a failure means: a server that restarts or a network that drops is
 * normal here, so a batch that could not be committed for such a reason is applied again, on a
 * new connection, until it commits; callers waiting for it (a run's start, a flush before a
 * queue acknowledgement) wait meanwhile, and /readyz says why. Only a statement the server
 * refuses for what it is (a bug, a constraint) fails its own write, and the rest of the batch
 * is applied without it.
 *
 * Each queued event has one row in conduit_events, keyed by its id: the first delivery inserts
 * it, and every later one locks it (INSERT … ON CONFLICT DO UPDATE, which takes the row's lock
 * as SELECT … FOR UPDATE would), so two workers deciding about the same event take turns. An
 * event whose run ended is not run again; one whose run was cut short gets a new run, the next
 * attempt.
 *
 * The schema is created at the first start under an advisory lock, so that several workers
 * starting together do not trip over each other's CREATE TABLE
 * (conduit-history-store-postgresql-schema.c); addresses are made and shown by
 * conduit-history-store-postgresql-url.c. */

#define MAX_BATCH        512
#define LINGER_US        (2 * 1000)
#define RETRY_FIRST_US   (200 * 1000)
#define RETRY_MAX_US     (5 * G_USEC_PER_SEC)
#define STOP_RETRY_US    (15 * G_USEC_PER_SEC)

/* The start of the insert of an item's row and of a step's: the statements that insert several
 * rows at once (held_sql()) begin the same way. */
#define ITEMS_INSERT \
  "INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size, truncated)" \
  " VALUES "
#define ITEM_COLUMNS 8
#define STEPS_INSERT \
  "INSERT INTO conduit_steps (run_id, node_id, item_index, attempt, started_us, finished_us," \
  " status, http_status, delay_ms, items_in, items_out, items_failed, error_kind, error_message)" \
  " VALUES "
#define STEP_COLUMNS 14

enum {
  PG_INSERT_RUN,
  PG_INSERT_ITEM,
  PG_FINISH_RUN,
  PG_FINISH_EVENT_RUN,
  PG_REPLACE_STEP,
  PG_INSERT_STEP,
  PG_START_RANGE,
  PG_END_RANGE,
  PG_CLAIM_KEY,
  PG_SET_CURSOR,
  PG_CLEAR_CURSOR,
  PG_EVENT_INTERRUPT,
  PG_INSERT_EVENT_RUN,
  PG_MARK_HANDLED,
  PG_INSERT_RUN_ITEM,
  PG_INSERT_EVENT_RUN_ITEM,
  PG_EVENT_CLAIM,
  PG_INSERT_RUN_ID,
  PG_INSERT_RUN_ID_ITEM,
  PG_CLAIM_RUN_ITEM,
  N_PG_STMTS
};

static const char * const pg_statements[N_PG_STMTS] = {
  [PG_INSERT_RUN] =
    "INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in, host, pid,"
    " event_id, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
  [PG_INSERT_ITEM] =
    ITEMS_INSERT "($1, $2, $3, $4, $5, $6, $7, $8)",
  [PG_FINISH_RUN] =
    "UPDATE conduit_runs SET finished_us = $2, status = $3, items_in = $4, items_ok = $5,"
    " items_failed = $6, items_rejected = $7, error = $8 WHERE id = $1",
  /* a run that ended: its event is done (one statement, one answer less to wait for), unless
   * the event has a later run meanwhile (this worker was taken for dead) */
  [PG_FINISH_EVENT_RUN] =
    "WITH r AS (UPDATE conduit_runs SET finished_us = $2, status = $3, items_in = $4,"
    " items_ok = $5, items_failed = $6, items_rejected = $7, error = $8 WHERE id = $1"
    " RETURNING event_id)"
    " UPDATE conduit_events e SET done = TRUE FROM r WHERE e.event_id = r.event_id"
    " AND e.run_id = $1",
  /* the end of an attempt replaces the "started" row written before its request left */
  [PG_REPLACE_STEP] =
    "WITH started AS (DELETE FROM conduit_steps WHERE run_id = $1 AND node_id = $2"
    " AND item_index = $3 AND attempt = $4 AND status = 'started')"
    " INSERT INTO conduit_steps (run_id, node_id, item_index, attempt, started_us, finished_us,"
    " status, http_status, delay_ms, items_in, items_out, items_failed, error_kind, error_message)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
  [PG_INSERT_STEP] =
    STEPS_INSERT "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
  [PG_START_RANGE] =
    "INSERT INTO conduit_steps (run_id, node_id, item_index, attempt, started_us, finished_us,"
    " status) SELECT $1, $2, i, $4, $5, 0, $6"
    " FROM generate_series ($3::integer, $3::integer + $7::integer - 1) AS i",
  [PG_END_RANGE] =
    "UPDATE conduit_steps SET status = $6, finished_us = $5 WHERE run_id = $1 AND node_id = $2"
    " AND item_index >= $3::integer AND item_index < $3::integer + $7::integer AND attempt = $4"
    " AND status = 'started'",
  [PG_CLAIM_KEY] =
    "INSERT INTO conduit_dedupe_keys (scope, key, seen_us, expires_us) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (scope, key) DO UPDATE SET seen_us = excluded.seen_us,"
    " expires_us = excluded.expires_us WHERE conduit_dedupe_keys.expires_us <= excluded.seen_us",
  [PG_SET_CURSOR] =
    "INSERT INTO conduit_trigger_cursors (flow, trigger, value, updated_us) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (flow, trigger) DO UPDATE SET value = excluded.value,"
    " updated_us = excluded.updated_us",
  [PG_CLEAR_CURSOR] =
    "DELETE FROM conduit_trigger_cursors WHERE flow = $1 AND trigger = $2",
  [PG_EVENT_INTERRUPT] =
    "UPDATE conduit_runs SET status = 'interrupted', finished_us = $2, error = $3"
    " WHERE id = $1 AND status = 'running'",
  /* PG_INSERT_RUN, and the event's row names the run */
  [PG_INSERT_EVENT_RUN] =
    "WITH r AS (INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in,"
    " host, pid, event_id, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id),"
    " e AS (UPDATE conduit_events SET run_id = r.id, attempts = $9 FROM r WHERE event_id = $8)"
    " SELECT id FROM r",
  [PG_MARK_HANDLED] =
    "UPDATE conduit_runs SET handled = TRUE WHERE id = ANY ($1::bigint[])",
  /* PG_INSERT_RUN with the one item that started it (a webhook's event): a statement less */
  [PG_INSERT_RUN_ITEM] =
    "WITH r AS (INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in,"
    " host, pid, event_id, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id),"
    " i AS (INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size,"
    " truncated) SELECT r.id, $10::text, $11::text, TRUE, 0, $12::text, $13::bigint, $14::boolean"
    " FROM r)"
    " SELECT id FROM r",
  /* PG_INSERT_EVENT_RUN with the one item that started it */
  [PG_INSERT_EVENT_RUN_ITEM] =
    "WITH r AS (INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in,"
    " host, pid, event_id, attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id),"
    " e AS (UPDATE conduit_events SET run_id = r.id, attempts = $9 FROM r WHERE event_id = $8),"
    " i AS (INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size,"
    " truncated) SELECT r.id, $10::text, $11::text, TRUE, 0, $12::text, $13::bigint, $14::boolean"
    " FROM r)"
    " SELECT id FROM r",
  /* inserts the event's row, or locks the one there (DO UPDATE takes the row's lock, as
   * SELECT … FOR UPDATE would), and returns it. A new row (xmax 0) names its run and first
   * attempt at once: no update of it, nor an answer to wait for, when the run is inserted. */
  [PG_EVENT_CLAIM] =
    "INSERT INTO conduit_events (event_id, flow, first_us, run_id, attempts)"
    " VALUES ($1, $2, $3, nextval ('conduit_runs_id_seq'), 1)"
    " ON CONFLICT (event_id) DO UPDATE SET first_us = conduit_events.first_us"
    " RETURNING run_id, done, attempts, xmax = 0",
  /* PG_INSERT_RUN (_ITEM) with the id PG_EVENT_CLAIM took */
  [PG_INSERT_RUN_ID] =
    "INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in, host, pid,"
    " event_id, attempt, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
  [PG_INSERT_RUN_ID_ITEM] =
    "WITH r AS (INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in,"
    " host, pid, event_id, attempt, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $15)"
    " RETURNING id)"
    " INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size,"
    " truncated) SELECT r.id, $10::text, $11::text, TRUE, 0, $12::text, $13::bigint, $14::boolean"
    " FROM r",
  /* PG_EVENT_CLAIM and, for a new event, PG_INSERT_RUN_ID_ITEM, in one statement whose answer
   * is read with the batch's others: the run's id, or why it was not inserted */
  [PG_CLAIM_RUN_ITEM] =
    "WITH c AS (INSERT INTO conduit_events (event_id, flow, first_us, run_id, attempts)"
    " VALUES ($8, $1, $4, nextval ('conduit_runs_id_seq'), 1)"
    " ON CONFLICT (event_id) DO UPDATE SET first_us = conduit_events.first_us"
    " RETURNING run_id, done, attempts, xmax = 0 AS new),"
    " r AS (INSERT INTO conduit_runs (flow, trigger_node, trigger_kind, started_us, items_in,"
    " host, pid, event_id, attempt, id) SELECT $1, $2::text, $3::text, $4, $5::integer,"
    " $6::text, $7::integer, $8, 1, c.run_id FROM c WHERE c.new RETURNING id),"
    " i AS (INSERT INTO conduit_items (run_id, node_id, port, is_output, seq, data, size,"
    " truncated) SELECT r.id, $9::text, $10::text, TRUE, 0, $11::text, $12::bigint,"
    " $13::boolean FROM r)"
    " SELECT run_id, done, attempts, new FROM c",
};



static char *
trimmed (const char *message)
{
  return g_strstrip (g_strdup (message != NULL && *message ? message : "no answer"));
}

/* Notices ("relation already exists, skipping") are not for the terminal of serve. */
static void
notice_processor (void       *arg,
                  const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

PGconn *
conduit_history_pg_connect (ConduitHistoryStore  *self,
            GError              **error)
{
  PgHistory *pg = pg_of (self);
  /* Defaults first: what the URL says overrides them (expand_dbname). */
  const char *keys[] = { "connect_timeout", "application_name", "dbname", NULL };
  const char *values[] = { "10", "conduit", pg->url, NULL };
  PGconn *conn = PQconnectdbParams (keys, values, 1);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *said = trimmed (PQerrorMessage (conn));

      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("Cannot connect to the PostgreSQL history %s: %s"), self->path, said);
      PQfinish (conn);
      return NULL;
    }
  PQsetNoticeProcessor (conn, notice_processor, NULL);
  return conn;
}

/* A failure that a new connection or a later try can cure: the server went away, restarts,
 * refuses connections for now, or chose this transaction to end a deadlock. */
static gboolean
is_transient (PGconn   *conn,
              PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;

  if (PQstatus (conn) != CONNECTION_OK || state == NULL)
    return TRUE;
  return g_str_has_prefix (state, "08") ||   /* connection exception */
         g_str_has_prefix (state, "57P") ||  /* admin shutdown, crash shutdown, cannot connect now */
         g_str_has_prefix (state, "53") ||   /* insufficient resources */
         g_str_equal (state, "40001") ||     /* serialization failure */
         g_str_equal (state, "40P01");       /* deadlock detected */
}

void
conduit_history_pg_set_error (ConduitHistoryStore  *self,
                  PGconn               *conn,
                  const char           *what,
                  GError              **error)
{
  g_autofree char *said = trimmed (PQerrorMessage (conn));

  g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
               _("PostgreSQL history %s: %s: %s"), self->path, what, said);
}

/* Rows held to the batch's COMMIT go out HELD_MAX_ROWS, …, 4 or 2 to a statement (and a last one
 * alone): a statement of its own per row was most of what such a row cost the server (a
 * portal, an executor started and ended, an answer), and a batch holds several runs' rows. */
#define HELD_MAX_ROWS 32

static char *
held_sql (const char *insert,
          guint       n_columns,
          guint       n_rows)
{
  GString *sql = g_string_new (insert);
  guint n = 1;

  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r > 0 ? ", (" : "(");
      for (guint c = 0; c < n_columns; c++)
        g_string_append_printf (sql, c > 0 ? ", $%u" : "$%u", n++);
      g_string_append_c (sql, ')');
    }
  return g_string_free (sql, FALSE);
}

static gboolean
prepare_one (ConduitHistoryStore  *self,
             PGconn               *conn,
             const char           *name,
             const char           *sql,
             GError              **error)
{
  g_autoptr(PGresult) result = PQprepare (conn, name, sql, 0, NULL);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      conduit_history_pg_set_error (self, conn, _("could not prepare its statements"), error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare_statements (ConduitHistoryStore  *self,
                    PGconn               *conn,
                    GError              **error)
{
  g_autoptr(PGresult) generic = NULL;

  /* The writer's statements find their rows by key whatever the parameters: one plan each,
   * made once, instead of the server planning some of them again at each run (their plans
   * for the given values looking cheaper). */
  generic = PQexec (conn, "SET plan_cache_mode = force_generic_plan");
  if (PQresultStatus (generic) != PGRES_COMMAND_OK)
    {
      conduit_history_pg_set_error (self, conn, _("could not prepare its statements"), error);
      return FALSE;
    }
  for (guint i = 0; i < N_PG_STMTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("conduit_history_%u", i);

      if (!prepare_one (self, conn, name, pg_statements[i], error))
        return FALSE;
    }
  for (guint n_rows = 2; n_rows <= HELD_MAX_ROWS; n_rows *= 2)
    {
      g_autofree char *items_name = g_strdup_printf ("conduit_history_items_%u", n_rows);
      g_autofree char *items_sql = held_sql (ITEMS_INSERT, ITEM_COLUMNS, n_rows);
      g_autofree char *steps_name = g_strdup_printf ("conduit_history_steps_%u", n_rows);
      g_autofree char *steps_sql = held_sql (STEPS_INSERT, STEP_COLUMNS, n_rows);

      if (!prepare_one (self, conn, items_name, items_sql, error) ||
          !prepare_one (self, conn, steps_name, steps_sql, error))
        return FALSE;
    }
  return TRUE;
}

/* The writer talks to the server in libpq's pipeline mode: it sends a batch's statements one
 * after the other and reads their answers when it needs one (a new run's id, an event's lock)
 * or at the batch's COMMIT. A batch of ended runs — their steps, items and ends — is then one
 * round trip instead of one per statement, which is most of what a run costs the server and
 * this process (a wake-up and two system calls on each side per statement). pg->sent lists,
 * for each statement sent and not read yet, the op it belongs to; the first answer that is an
 * error names the op that failed (pg->failed), as running the statements one by one did. */

/* Statements sent before the answers are read: bounded, as the server's answers wait in its
 * socket's buffer meanwhile. */
#define MAX_UNREAD 256

static void
set_result_error (ConduitHistoryStore  *self,
                  PGresult             *result,
                  GError              **error)
{
  g_autofree char *said = trimmed (PQresultErrorMessage (result));

  g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
               _("PostgreSQL history %s: %s: %s"), self->path, _("could not write"), said);
}

/* Sends a statement of pg->current (a prepared one, or @sql without parameters). */
static gboolean
send_statement (ConduitHistoryStore  *self,
                guint                 statement,
                const char           *sql,
                const Params         *params,
                gboolean             *transient,
                GError              **error)
{
  PgHistory *pg = pg_of (self);
  char name[32];
  int sent;

  if (sql != NULL)
    sent = PQsendQueryParams (pg->writer, sql, 0, NULL, NULL, NULL, NULL, 0);
  else
    {
      g_snprintf (name, sizeof name, "conduit_history_%u", statement);
      sent = PQsendQueryPrepared (pg->writer, name, params->n, params->values, NULL, NULL, 0);
    }
  if (!sent)
    {
      *transient = TRUE;
      conduit_history_pg_set_error (self, pg->writer, _("could not write"), error);
      return FALSE;
    }
  g_ptr_array_add (pg->sent, sql != NULL ? NULL : pg->current);
  return TRUE;
}

/* The answer to PG_CLAIM_RUN_ITEM: the new event's run was inserted (its id), or the event's run
 * ended (no run), or one was cut short: that event is claimed again after this batch's COMMIT,
 * the old way, in a transaction of its own. */
static void
read_claim (ConduitHistoryStore *self,
            Op                  *op,
            PGresult            *result)
{
  PgHistory *pg = pg_of (self);

  g_assert (PQntuples (result) == 1);
  op->result_id = 0;
  if (g_str_equal (PQgetvalue (result, 0, 3), "t"))
    op->result_id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  else if (!g_str_equal (PQgetvalue (result, 0, 1), "t"))
    g_ptr_array_add (pg->again, op);
}

/* Sends a sync and reads the answers to every statement sent since the last one. On the first
 * error, pg->failed is the op it belongs to (%NULL: BEGIN or COMMIT); the statements after it
 * were not run. @last, when given, gets the last statement's result if everything worked. */
static gboolean
pipeline_collect (ConduitHistoryStore  *self,
                  PGresult            **last,
                  gboolean             *transient,
                  GError              **error)
{
  PgHistory *pg = pg_of (self);
  guint n = pg->sent->len;
  gboolean ok = TRUE;
  PGresult *result;

  if (n == 0)
    return TRUE;
  if (!PQpipelineSync (pg->writer))
    {
      g_ptr_array_set_size (pg->sent, 0);
      *transient = TRUE;
      conduit_history_pg_set_error (self, pg->writer, _("could not write"), error);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      if ((result = PQgetResult (pg->writer)) == NULL)
        {
          /* the connection is gone: answers will not come */
          g_ptr_array_set_size (pg->sent, 0);
          if (ok)
            {
              *transient = TRUE;
              conduit_history_pg_set_error (self, pg->writer, _("could not write"), error);
            }
          return FALSE;
        }
      if (ok && PQresultStatus (result) == PGRES_FATAL_ERROR)
        {
          ok = FALSE;
          *transient = is_transient (pg->writer, result);
          set_result_error (self, result, error);
          pg->failed = g_ptr_array_index (pg->sent, i);
        }
      if (ok && pg->claims_read < pg->claims->len &&
          g_ptr_array_index (pg->claims, pg->claims_read) == g_ptr_array_index (pg->sent, i))
        read_claim (self, g_ptr_array_index (pg->claims, pg->claims_read++), result);
      if (ok && i == n - 1 && last != NULL)
        *last = result;
      else
        PQclear (result);
      /* each statement's answers end with a NULL */
      PQclear (PQgetResult (pg->writer));
    }
  g_ptr_array_set_size (pg->sent, 0);
  /* the sync's own answer */
  result = PQgetResult (pg->writer);
  if (ok && PQresultStatus (result) != PGRES_PIPELINE_SYNC)
    {
      ok = FALSE;
      *transient = TRUE;
      conduit_history_pg_set_error (self, pg->writer, _("could not write"), error);
      g_clear_pointer (last, PQclear);
    }
  PQclear (result);
  return ok;
}

/* Runs a prepared statement of the writer whose result is needed: it goes out with the ones
 * sent before it, and all are read. %NULL with @transient set tells a lost connection from a
 * statement the server refused. */
static PGresult *
run_statement (ConduitHistoryStore  *self,
               guint                 statement,
               const Params         *params,
               gboolean             *transient,
               GError              **error)
{
  PGresult *result = NULL;

  if (!send_statement (self, statement, NULL, params, transient, error) ||
      !pipeline_collect (self, &result, transient, error))
    return NULL;
  return result;
}

/* Sends a prepared statement of the writer whose result is not needed: whether it worked is
 * known by the time the batch commits. */
static gboolean
put_statement (ConduitHistoryStore  *self,
               guint                 statement,
               const Params         *params,
               gboolean             *transient,
               GError              **error)
{
  PgHistory *pg = pg_of (self);

  if (!send_statement (self, statement, NULL, params, transient, error))
    return FALSE;
  return pg->sent->len < MAX_UNREAD || pipeline_collect (self, NULL, transient, error);
}

/* pg->sent's entry for a statement of several held rows: its failure is no one op's */
static Op held_rows;

static void
item_params (const ConduitItemRecord *item,
             Params                  *p)
{
  param_int (p, item->run_id);
  param_text (p, item->node_id);
  param_text (p, item->port);
  param_bool (p, item->is_output);
  param_int (p, item->seq);
  param_text (p, item->data);
  param_int (p, item->size);
  param_bool (p, item->truncated);
}

static void
step_params (const ConduitStepRecord *step,
             Params                  *p)
{
  param_int (p, step->run_id);
  param_text (p, step->node_id);
  param_int (p, step->item_index);
  param_int (p, step->attempt);
  param_int (p, step->started_us);
  param_int (p, step->finished_us);
  param_text (p, step->status);
  param_int (p, step->http_status);
  param_int (p, step->delay_ms);
  param_int (p, step->items_in);
  param_int (p, step->items_out);
  param_int (p, step->items_failed);
  param_text (p, step->error_kind);
  param_text (p, step->error_message);
}

/* Sends the rows of @held (OP_ITEM ops, or OP_STEP ones with @steps) in as few statements as the
 * prepared sizes allow, and empties it. */
static gboolean
send_held (ConduitHistoryStore  *self,
           GPtrArray            *held,
           gboolean              steps,
           gboolean             *transient,
           GError              **error)
{
  PgHistory *pg = pg_of (self);
  guint n_columns = steps ? STEP_COLUMNS : ITEM_COLUMNS;
  Params rows[HELD_MAX_ROWS];
  const char *values[HELD_MAX_ROWS * STEP_COLUMNS];
  Op *current = pg->current;
  guint done = 0;

  while (done < held->len)
    {
      guint n_rows = HELD_MAX_ROWS;
      char name[48];

      while (n_rows > held->len - done)
        n_rows /= 2;
      for (guint r = 0; r < n_rows; r++)
        {
          Op *op = g_ptr_array_index (held, done + r);

          rows[r].n = 0;
          if (steps)
            step_params (op->step, &rows[r]);
          else
            item_params (op->item, &rows[r]);
          g_assert (rows[r].n == (int)n_columns);
        }
      if (n_rows == 1)
        {
          /* alone, the row's own statement, and a failure is its op's */
          pg->current = g_ptr_array_index (held, done);
          if (!put_statement (self, steps ? PG_INSERT_STEP : PG_INSERT_ITEM, &rows[0], transient,
                              error))
            {
              pg->current = current;
              return FALSE;
            }
          pg->current = current;
          done++;
          continue;
        }

      for (guint r = 0; r < n_rows; r++)
        memcpy (values + r * n_columns, rows[r].values, n_columns * sizeof (const char *));
      g_snprintf (name, sizeof name, "conduit_history_%s_%u", steps ? "steps" : "items", n_rows);
      if (!PQsendQueryPrepared (pg->writer, name, (int)(n_rows * n_columns), values, NULL, NULL,
                                0))
        {
          *transient = TRUE;
          conduit_history_pg_set_error (self, pg->writer, _("could not write"), error);
          return FALSE;
        }
      g_ptr_array_add (pg->sent, &held_rows);
      done += n_rows;
      if (pg->sent->len >= MAX_UNREAD && !pipeline_collect (self, NULL, transient, error))
        return FALSE;
    }
  g_ptr_array_set_size (held, 0);
  return TRUE;
}

/* A step row about to be sent in its place (a "started" mark, the end that replaces one, a
 * range) comes after the held rows of its run, so that the run's steps keep their order. */
static gboolean
send_held_steps_before (ConduitHistoryStore  *self,
                        gint64                run_id,
                        gboolean             *transient,
                        GError              **error)
{
  PgHistory *pg = pg_of (self);

  for (guint i = 0; i < pg->held_steps->len; i++)
    if (((Op *)g_ptr_array_index (pg->held_steps, i))->step->run_id == run_id)
      return send_held (self, pg->held_steps, TRUE, transient, error);
  return TRUE;
}


/* Writing */

/* An item's text as the history keeps it: at most max_item_bytes, cut at a character. */
static char *
keep_item (ConduitHistoryStore *self,
           const char          *text,
           gsize               *size)
{
  gsize keep = *size = strlen (text);

  if (keep > self->max_item_bytes)
    keep = g_utf8_find_prev_char (text, text + self->max_item_bytes + 1) - text;
  return g_strndup (text, keep);
}

static gboolean insert_items (ConduitHistoryStore *self, Op *op, gboolean *transient,
                              GError **error);

/* A new event's run, under the id its claim took, and its items: sent without waiting for an
 * answer (a refusal still fails the op, at the COMMIT). */
static gboolean
insert_run_with_id (ConduitHistoryStore  *self,
                    Op                   *op,
                    gint64                id,
                    gboolean             *transient,
                    GError              **error)
{
  PgHistory *pg = pg_of (self);
  guint n_items = op->items != NULL ? op->items->len : 0;
  g_autofree char *kept = NULL;
  gsize size = 0;
  Params p = { 0 };

  param_text (&p, op->run->flow);
  param_text (&p, op->run->trigger_node);
  param_text (&p, op->run->trigger_kind);
  param_int (&p, op->run->started_us);
  param_int (&p, n_items);
  param_text (&p, pg->host);
  param_int (&p, pg->pid);
  param_text (&p, op->key);
  param_int (&p, 1);
  if (n_items == 1)
    {
      kept = keep_item (self, g_ptr_array_index (op->items, 0), &size);
      param_text (&p, op->run->trigger_node ? op->run->trigger_node : "");
      param_text (&p, op->port ? op->port : "out");
      param_text (&p, kept);
      param_int (&p, size);
      param_bool (&p, strlen (kept) < size);
    }
  param_int (&p, id);
  if (!put_statement (self, n_items == 1 ? PG_INSERT_RUN_ID_ITEM : PG_INSERT_RUN_ID, &p,
                      transient, error))
    return FALSE;
  op->result_id = id;
  return insert_items (self, op, transient, error);
}

/* Writes a run and the items that started it. With an event id, first decides whether the
 * event runs at all (see conduit_history_store_begin_event_run_async()). */
static gboolean
apply_begin_run (ConduitHistoryStore  *self,
                 Op                   *op,
                 gboolean             *transient,
                 GError              **error)
{
  PgHistory *pg = pg_of (self);
  g_autoptr(PGresult) result = NULL;
  guint n_items = op->items != NULL ? op->items->len : 0;
  g_autofree char *kept = NULL;
  gsize size = 0;
  guint statement;
  gint64 attempt = 1;
  Params p = { 0 };

  op->result_id = 0;
  /* An event's run started by one item (a webhook's event, the usual case): its claim and its
   * run go out as one statement whose answer is read with the others at the COMMIT, instead of
   * a round trip of its own before the run's insert. */
  if (op->key != NULL && n_items == 1 && !pg->claim_alone)
    {
      kept = keep_item (self, g_ptr_array_index (op->items, 0), &size);
      param_text (&p, op->run->flow);
      param_text (&p, op->run->trigger_node);
      param_text (&p, op->run->trigger_kind);
      param_int (&p, op->run->started_us);
      param_int (&p, n_items);
      param_text (&p, pg->host);
      param_int (&p, pg->pid);
      param_text (&p, op->key);
      param_text (&p, op->run->trigger_node ? op->run->trigger_node : "");
      param_text (&p, op->port ? op->port : "out");
      param_text (&p, kept);
      param_int (&p, size);
      param_bool (&p, strlen (kept) < size);
      g_ptr_array_add (pg->claims, op);
      return put_statement (self, PG_CLAIM_RUN_ITEM, &p, transient, error);
    }
  if (op->key != NULL)
    {
      g_autoptr(PGresult) lock = NULL;
      Params claim = { 0 };

      param_text (&claim, op->key);
      param_text (&claim, op->run->flow);
      param_int (&claim, op->run->started_us);
      if (!(lock = run_statement (self, PG_EVENT_CLAIM, &claim, transient, error)))
        return FALSE;
      g_assert (PQntuples (lock) == 1);
      /* A new event (the usual case): its row names the run already */
      if (g_str_equal (PQgetvalue (lock, 0, 3), "t"))
        return insert_run_with_id (self, op, g_ascii_strtoll (PQgetvalue (lock, 0, 0), NULL, 10),
                                   transient, error);
      if (g_str_equal (PQgetvalue (lock, 0, 1), "t"))
        return TRUE;   /* its run ended: result_id stays 0 */
      attempt = g_ascii_strtoll (PQgetvalue (lock, 0, 2), NULL, 10) + 1;
      if (!PQgetisnull (lock, 0, 0))
        {
          g_autofree char *why = g_strdup_printf (_("The worker running it stopped answering; "
                                                    "the event ran again (attempt %"
                                                    PRId64 ")"), attempt);
          Params old = { 0 };

          param_text (&old, PQgetvalue (lock, 0, 0));
          param_int (&old, g_get_real_time ());
          param_text (&old, why);
          if (!put_statement (self, PG_EVENT_INTERRUPT, &old, transient, error))
            return FALSE;
        }
    }

  param_text (&p, op->run->flow);
  param_text (&p, op->run->trigger_node);
  param_text (&p, op->run->trigger_kind);
  param_int (&p, op->run->started_us);
  param_int (&p, n_items);
  param_text (&p, pg->host);
  param_int (&p, pg->pid);
  param_text (&p, op->key);
  param_int (&p, attempt);
  /* A run started by one item (a webhook's event) writes it in the same statement. */
  if (n_items == 1)
    {
      kept = keep_item (self, g_ptr_array_index (op->items, 0), &size);
      param_text (&p, op->run->trigger_node ? op->run->trigger_node : "");
      param_text (&p, op->port ? op->port : "out");
      param_text (&p, kept);
      param_int (&p, size);
      param_bool (&p, strlen (kept) < size);
      statement = op->key != NULL ? PG_INSERT_EVENT_RUN_ITEM : PG_INSERT_RUN_ITEM;
    }
  else
    statement = op->key != NULL ? PG_INSERT_EVENT_RUN : PG_INSERT_RUN;
  g_clear_pointer (&result, PQclear);
  if (!(result = run_statement (self, statement, &p, transient, error)))
    return FALSE;
  op->result_id = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return insert_items (self, op, transient, error);
}

/* The items that started a run of several (one is written with the run) */
static gboolean
insert_items (ConduitHistoryStore  *self,
              Op                   *op,
              gboolean             *transient,
              GError              **error)
{
  guint n_items = op->items != NULL ? op->items->len : 0;
  gsize size = 0;

  for (guint i = 0; n_items > 1 && i < n_items; i++)
    {
      g_autofree char *text = keep_item (self, g_ptr_array_index (op->items, i), &size);
      Params q = { 0 };

      param_int (&q, op->result_id);
      param_text (&q, op->run->trigger_node ? op->run->trigger_node : "");
      param_text (&q, op->port ? op->port : "out");
      param_bool (&q, TRUE);
      param_int (&q, i);
      param_text (&q, text);
      param_int (&q, size);
      param_bool (&q, strlen (text) < size);
      if (!put_statement (self, PG_INSERT_ITEM, &q, transient, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
apply_finish_run (ConduitHistoryStore  *self,
                  const ConduitRunRecord *run,
                  gboolean             *transient,
                  GError              **error)
{
  /* An event whose run ended, well or not, is done; one cut short (a drain that ran out of
   * time) runs again when it comes back. */
  gboolean ended = run->status == CONDUIT_RUN_STATUS_SUCCEEDED ||
                   run->status == CONDUIT_RUN_STATUS_PARTIAL ||
                   run->status == CONDUIT_RUN_STATUS_FAILED;
  Params p = { 0 };

  param_int (&p, run->id);
  param_int (&p, run->finished_us);
  param_text (&p, conduit_run_status_to_string (run->status));
  param_int (&p, run->items_in);
  param_int (&p, run->items_ok);
  param_int (&p, run->items_failed);
  param_int (&p, run->items_rejected);
  param_text (&p, run->error);
  return put_statement (self, ended ? PG_FINISH_EVENT_RUN : PG_FINISH_RUN, &p, transient, error);
}

static gboolean
apply_step (ConduitHistoryStore  *self,
            Op                   *op,
            gboolean             *transient,
            GError              **error)
{
  PgHistory *pg = pg_of (self);
  const ConduitStepRecord *step = op->step;
  gboolean replaces = step->attempt > 0 && g_strcmp0 (step->status, "started") != 0;
  Params p = { 0 };

  /* An end of a node or of an attempt of 0 (no "started" mark to replace) is looked for by no
   * later statement: it waits for the COMMIT with others of its kind. */
  if (op->type == OP_STEP && !replaces && g_strcmp0 (step->status, "started") != 0 &&
      !pg->one_by_one)
    {
      g_ptr_array_add (pg->held_steps, op);
      return TRUE;
    }
  if (!send_held_steps_before (self, step->run_id, transient, error))
    return FALSE;

  if (op->type == OP_START_RANGE || op->type == OP_END_RANGE)
    {
      param_int (&p, step->run_id);
      param_text (&p, step->node_id);
      param_int (&p, step->item_index);
      param_int (&p, step->attempt);
      param_int (&p, op->type == OP_START_RANGE ? step->started_us : step->finished_us);
      param_text (&p, step->status);
      param_int (&p, op->n_range);
      return put_statement (self, op->type == OP_START_RANGE ? PG_START_RANGE : PG_END_RANGE,
                            &p, transient, error);
    }

  step_params (step, &p);
  /* The end of an attempt replaces the "started" row written before its request left. */
  return put_statement (self, replaces ? PG_REPLACE_STEP : PG_INSERT_STEP, &p, transient, error);
}

char *
conduit_history_pg_ids_array (GArray *ids)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    g_string_append_printf (text, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                            g_array_index (ids, gint64, i));
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static gboolean
apply_prune (ConduitHistoryStore  *self,
             Op                   *op,
             gboolean             *transient,
             GError              **error)
{
  PgHistory *pg = pg_of (self);
  g_autofree char *cutoff = g_strdup_printf ("%" G_GINT64_FORMAT,
                                             self->keep_days > 0
                                             ? op->now_us - (gint64)self->keep_days * 86400 *
                                               G_USEC_PER_SEC
                                             : G_MININT64);
  g_autofree char *keep = g_strdup_printf ("%u", self->keep_runs > 0 ? self->keep_runs
                                                                      : G_MAXINT32);
  g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, op->now_us);
  const char *values[3] = { cutoff, keep, now };
  g_autoptr(PGresult) result = NULL;
  g_autoptr(PGresult) keys = NULL;

  /* Runs that ended, past the age or beyond the count per flow, except those that need
   * attention and nobody handled; their steps and items go with them. */
  result = PQexecParams (pg->writer,
                         "WITH ranked AS (SELECT id, started_us, status, handled, row_number ()"
                         "  OVER (PARTITION BY flow ORDER BY id DESC) AS n FROM conduit_runs),"
                         " gone AS (DELETE FROM conduit_runs WHERE id IN (SELECT id FROM ranked"
                         "  WHERE status <> 'running'"
                         "  AND NOT (status IN ('failed', 'interrupted') AND NOT handled)"
                         "  AND (started_us < $1::bigint OR n > $2::bigint)) RETURNING id),"
                         " s AS (DELETE FROM conduit_steps WHERE run_id IN (SELECT id FROM gone)),"
                         " i AS (DELETE FROM conduit_items WHERE run_id IN (SELECT id FROM gone))"
                         " SELECT count(*) FROM gone", 2, NULL, values, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      *transient = is_transient (pg->writer, result);
      conduit_history_pg_set_error (self, pg->writer, _("could not prune"), error);
      return FALSE;
    }
  op->result_deleted = (guint)atoi (PQgetvalue (result, 0, 0));

  keys = PQexecParams (pg->writer, "DELETE FROM conduit_dedupe_keys WHERE expires_us <= $1",
                       1, NULL, values + 2, NULL, NULL, 0);
  if (PQresultStatus (keys) != PGRES_COMMAND_OK)
    {
      *transient = is_transient (pg->writer, keys);
      conduit_history_pg_set_error (self, pg->writer, _("could not prune"), error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_op (ConduitHistoryStore  *self,
          Op                   *op,
          gboolean             *transient,
          GError              **error)
{
  g_autoptr(PGresult) result = NULL;
  Params p = { 0 };

  switch (op->type)
    {
    case OP_BEGIN_RUN:
      return apply_begin_run (self, op, transient, error);

    case OP_FINISH_RUN:
      return apply_finish_run (self, op->run, transient, error);

    case OP_STEP:
    case OP_START_RANGE:
    case OP_END_RANGE:
      return apply_step (self, op, transient, error);

    case OP_ITEM:
      /* no later statement looks for an item: it waits for the COMMIT with the others */
      if (!pg_of (self)->one_by_one)
        {
          g_ptr_array_add (pg_of (self)->held_items, op);
          return TRUE;
        }
      item_params (op->item, &p);
      return put_statement (self, PG_INSERT_ITEM, &p, transient, error);

    case OP_CLAIM_KEY:
      param_text (&p, op->scope);
      param_text (&p, op->key);
      param_int (&p, op->now_us);
      param_int (&p, op->now_us + op->ttl_us);
      if (!(result = run_statement (self, PG_CLAIM_KEY, &p, transient, error)))
        return FALSE;
      op->result_new = atoi (PQcmdTuples (result)) > 0;
      return TRUE;

    case OP_SET_CURSOR:
      param_text (&p, op->flow_id);
      param_text (&p, op->trigger_id);
      if (op->value != NULL)
        {
          param_text (&p, op->value);
          param_int (&p, op->now_us);
        }
      return put_statement (self, op->value != NULL ? PG_SET_CURSOR : PG_CLEAR_CURSOR, &p,
                            transient, error);

    case OP_MARK_HANDLED:
      {
        g_autofree char *ids = conduit_history_pg_ids_array (op->ids);

        param_text (&p, ids);
        return put_statement (self, PG_MARK_HANDLED, &p, transient, error);
      }

    case OP_PRUNE:
      /* its statements are not prepared ones: outside the pipeline, after what was sent (the
       * held rows too, as it may delete their runs) */
      if (!send_held (self, pg_of (self)->held_items, FALSE, transient, error) ||
          !send_held (self, pg_of (self)->held_steps, TRUE, transient, error) ||
          !pipeline_collect (self, NULL, transient, error))
        return FALSE;
      PQexitPipelineMode (pg_of (self)->writer);
      if (!apply_prune (self, op, transient, error))
        return FALSE;
      if (!PQenterPipelineMode (pg_of (self)->writer))
        {
          *transient = TRUE;
          conduit_history_pg_set_error (self, pg_of (self)->writer, _("could not write"), error);
          return FALSE;
        }
      return TRUE;

    case OP_BEGIN_POLLED_RUN:
    case OP_MARK_SEEN:
    case OP_PRUNE_SEEN:
      /* Polling triggers run on one receiver; their seen keys stay in a local history. */
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("PostgreSQL history %s: polling triggers keep what they saw in a SQLite "
                     "history; serve flows with polling triggers with --history FILE"),
                   self->path);
      *transient = FALSE;
      return FALSE;

    case OP_FLUSH:
    case OP_STOP:
    default:
      return TRUE;
    }
}

static void
set_write_problem (ConduitHistoryStore *self,
                   const GError        *error)
{
  g_mutex_lock (&self->problem_lock);
  g_clear_pointer (&self->write_problem, g_free);
  if (error != NULL)
    self->write_problem = g_strdup (error->message);
  g_mutex_unlock (&self->problem_lock);
}

/* Leaves the pipeline with nothing unanswered, and ends the failed transaction. */
static void
pipeline_abandon (ConduitHistoryStore *self)
{
  PgHistory *pg = pg_of (self);
  g_autoptr(GError) ignored = NULL;
  gboolean transient;

  if (pg->writer == NULL || PQstatus (pg->writer) != CONNECTION_OK)
    {
      g_ptr_array_set_size (pg->sent, 0);
      return;
    }
  pipeline_collect (self, NULL, &transient, &ignored);
  if (PQexitPipelineMode (pg->writer))
    PQclear (PQexec (pg->writer, "ROLLBACK"));
  else
    g_clear_pointer (&pg->writer, PQfinish);
}

static void apply_batch (ConduitHistoryStore *self, GPtrArray *batch, gboolean stopping);

/* The begun runs whose events turned out to have begun before: now that the batch committed,
 * each is claimed again, waiting for the answer, and decided as it always was (its run ended:
 * no run; cut short: the next attempt), in a transaction after the batch's. */
static void
apply_again (ConduitHistoryStore *self,
             gboolean             stopping)
{
  PgHistory *pg = pg_of (self);
  g_autoptr(GPtrArray) again = g_ptr_array_copy (pg->again, NULL, NULL);

  g_ptr_array_set_size (pg->again, 0);
  pg->claim_alone = TRUE;
  apply_batch (self, again, stopping);
  pg->claim_alone = FALSE;
}

/* Applies @batch in one transaction, again and again until it commits: ops the server refuses
 * for what they are get their error and are left out of the next try; a lost connection is
 * made anew after a growing pause. Only once the process stops does it give up, after
 * STOP_RETRY_US, failing what is left. */
static void
apply_batch (ConduitHistoryStore *self,
             GPtrArray           *batch,
             gboolean             stopping)
{
  PgHistory *pg = pg_of (self);
  gint64 pause_us = RETRY_FIRST_US;
  gint64 give_up_us = stopping ? g_get_monotonic_time () + STOP_RETRY_US : G_MAXINT64;
  guint n_failures = 0;

  pg->one_by_one = FALSE;
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gboolean transient = TRUE;
      gboolean refused = FALSE;

      if (pg->writer == NULL || PQstatus (pg->writer) != CONNECTION_OK)
        {
          g_clear_pointer (&pg->writer, PQfinish);
          if ((pg->writer = conduit_history_pg_connect (self, &error)) != NULL &&
              !prepare_statements (self, pg->writer, &error))
            g_clear_pointer (&pg->writer, PQfinish);
        }

      g_ptr_array_set_size (pg->sent, 0);
      g_ptr_array_set_size (pg->held_items, 0);
      g_ptr_array_set_size (pg->held_steps, 0);
      g_ptr_array_set_size (pg->claims, 0);
      pg->claims_read = 0;
      g_ptr_array_set_size (pg->again, 0);
      pg->current = pg->failed = NULL;
      if (pg->writer != NULL && !PQenterPipelineMode (pg->writer))
        conduit_history_pg_set_error (self, pg->writer, _("a statement failed"), &error);
      else if (pg->writer != NULL &&
               send_statement (self, 0, "BEGIN", NULL, &transient, &error))
        {
          for (guint i = 0; i < batch->len + 1 && !refused; i++)
            {
              Op *op = i < batch->len ? g_ptr_array_index (batch, i) : NULL;
              g_autoptr(GError) op_error = NULL;
              gboolean applied;

              if (op != NULL && op->error != NULL)
                continue;
              transient = TRUE;
              pg->current = op;
              pg->failed = NULL;
              /* after the last op: the held rows, COMMIT, and every answer not read yet */
              if (op != NULL)
                applied = apply_op (self, op, &transient, &op_error);
              else
                applied = send_held (self, pg->held_items, FALSE, &transient, &op_error) &&
                          send_held (self, pg->held_steps, TRUE, &transient, &op_error) &&
                          send_statement (self, 0, "COMMIT", NULL, &transient, &op_error) &&
                          pipeline_collect (self, NULL, &transient, &op_error);
              if (applied)
                continue;
              /* the op whose statement failed may be one sent before */
              if (pg->failed != NULL)
                op = pg->failed;
              if (transient || op == NULL)
                {
                  g_propagate_error (&error, g_steal_pointer (&op_error));
                  break;
                }
              /* One of several rows sent together: the batch again, each row alone, finds out
               * which op it was. */
              if (op == &held_rows)
                {
                  g_debug ("Run history %s: %s; writing the rows one by one", self->path,
                           op_error->message);
                  pg->one_by_one = TRUE;
                  refused = TRUE;
                  continue;
                }
              /* Left out from now on; the others try again without it. */
              if (op->task == NULL && op->wait == NULL)
                g_warning ("%s", op_error->message);
              op->error = g_steal_pointer (&op_error);
              refused = TRUE;
            }
          if (refused)
            {
              pipeline_abandon (self);
              continue;
            }
          if (error == NULL && PQexitPipelineMode (pg->writer))
            {
              if (n_failures > 0)
                g_message ("Run history %s: writing again after %u failed tries", self->path,
                           n_failures);
              set_write_problem (self, NULL);
              if (pg->again->len > 0)
                apply_again (self, stopping);
              return;
            }
          if (error == NULL)
            conduit_history_pg_set_error (self, pg->writer, _("a statement failed"), &error);
          pipeline_abandon (self);
        }

      g_assert (error != NULL);
      g_debug ("Run history %s: try %u failed: %s", self->path, n_failures + 1, error->message);
      if (n_failures++ == 0)
        g_warning ("Run history %s: could not write (%s); trying again until it can",
                   self->path, error->message);
      set_write_problem (self, error);
      if (g_get_monotonic_time () >= give_up_us)
        {
          for (guint i = 0; i < batch->len; i++)
            {
              Op *op = g_ptr_array_index (batch, i);

              if (op->error == NULL && op->type != OP_FLUSH && op->type != OP_STOP)
                op->error = g_error_copy (error);
            }
          g_warning ("Run history %s: gave up writing %u records at the stop: %s", self->path,
                     batch->len, error->message);
          return;
        }
      /* The connection may look fine and not be (a server restarted under it). */
      g_clear_pointer (&pg->writer, PQfinish);
      g_usleep ((gulong)pause_us);
      pause_us = MIN (pause_us * 2, RETRY_MAX_US);
    }
}

static gboolean
op_is_urgent (Op *op)
{
  return op->task != NULL || op->wait != NULL || op->type == OP_FLUSH || op->type == OP_STOP;
}

static gpointer
pg_writer_thread (gpointer data)
{
  ConduitHistoryStore *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stop = FALSE;

  while (!stop)
    {
      Op *op = g_async_queue_pop (self->queue);
      gboolean urgent = FALSE;
      gint64 linger_until = 0;

      /* An urgent op queued before this point is in the queue, which this round empties. */
      g_mutex_lock (&self->linger_lock);
      self->urgent_queued = FALSE;
      g_mutex_unlock (&self->linger_lock);
      for (;;)
        {
          g_ptr_array_add (batch, op);
          if (op->type == OP_STOP)
            {
              stop = TRUE;
              break;
            }
          urgent |= op_is_urgent (op);
          if (batch->len >= MAX_BATCH)
            break;
          if ((op = g_async_queue_try_pop (self->queue)) != NULL)
            continue;
          /* As with SQLite: what nobody waits for waits a moment for company, and only an
           * urgent op ends the wait early: each step and item queued meanwhile waking this
           * thread was a futex wake and a switch apiece. */
          if (urgent)
            break;
          if (linger_until == 0)
            linger_until = g_get_monotonic_time () + LINGER_US;
          conduit_history_wait_for_company (self, linger_until);
          if ((op = g_async_queue_try_pop (self->queue)) == NULL)
            break;
        }

      apply_batch (self, batch, stop);
      for (guint i = 0; i < batch->len; i++)
        {
          conduit_history_complete_op (g_ptr_array_index (batch, i));
          conduit_history_op_free (g_ptr_array_index (batch, i));
        }
      g_ptr_array_set_size (batch, 0);
    }
  return NULL;
}

static void
pg_close (ConduitHistoryStore *self)
{
  PgHistory *pg = pg_of (self);

  if (pg == NULL)
    return;
  g_clear_pointer (&pg->writer, PQfinish);
  g_mutex_lock (&self->reader_lock);
  g_clear_pointer (&pg->reader, PQfinish);
  g_mutex_unlock (&self->reader_lock);
}

static void
pg_free (gpointer data)
{
  PgHistory *pg = data;

  g_assert (pg->writer == NULL && pg->reader == NULL);
  if (pg->url != NULL)
    memset (pg->url, 0, strlen (pg->url));
  g_free (pg->url);
  g_free (pg->host);
  g_clear_pointer (&pg->sent, g_ptr_array_unref);
  g_clear_pointer (&pg->held_items, g_ptr_array_unref);
  g_clear_pointer (&pg->held_steps, g_ptr_array_unref);
  g_clear_pointer (&pg->claims, g_ptr_array_unref);
  g_clear_pointer (&pg->again, g_ptr_array_unref);
  g_free (pg);
}

static const ConduitHistoryBackend postgresql_backend = {
  .name = "postgresql",
  .writer_thread = pg_writer_thread,
  .close = pg_close,
  .free = pg_free,
  .list_runs = conduit_history_pg_list_runs,
  .count_runs = conduit_history_pg_count_runs,
  .get_run = conduit_history_pg_get_run,
  .list_steps = conduit_history_pg_list_steps,
  .list_items = conduit_history_pg_list_items,
  .get_cursor = conduit_history_pg_get_cursor,
  .delete_runs = conduit_history_pg_delete_runs,
};

/**
 * conduit_history_postgresql_open:
 * @self: a new store
 * @url: a `postgresql://` or `postgres://` URL (libpq's form)
 * @read_only: only look: no schema change, no write
 * @error: return location for an error
 *
 * Connects @self to a PostgreSQL history: creates or migrates its schema (unless @read_only),
 * marks the runs this machine's dead processes left running as interrupted, and starts the
 * writer thread.
 *
 * Returns: whether @self is ready
 */
gboolean
conduit_history_postgresql_open (ConduitHistoryStore  *self,
                                 const char           *url,
                                 gboolean              read_only,
                                 GError              **error)
{
  PgHistory *pg = g_new0 (PgHistory, 1);
  PQconninfoOption *options;
  g_autofree char *parse_error = NULL;
  char *message = NULL;

  options = PQconninfoParse (url, &message);
  if (options == NULL)
    {
      parse_error = trimmed (message);
      PQfreemem (message);
      g_free (pg);
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("The history address is not a PostgreSQL URL "
                     "(postgresql://USER@HOST:PORT/DATABASE): %s"), parse_error);
      return FALSE;
    }
  PQconninfoFree (options);

  pg->url = g_strdup (url);
  pg->host = g_strdup (g_get_host_name ());
  /* written with every run: getpid() is a system call each time */
  pg->pid = getpid ();
  pg->sent = g_ptr_array_new ();
  pg->held_items = g_ptr_array_new ();
  pg->held_steps = g_ptr_array_new ();
  pg->claims = g_ptr_array_new ();
  pg->again = g_ptr_array_new ();
  self->backend = &postgresql_backend;
  self->backend_data = pg;
  self->read_only = read_only;
  self->path = conduit_history_pg_describe_url (url);

  g_mutex_lock (&self->reader_lock);
  pg->reader = conduit_history_pg_connect (self, error);
  /* Workers busy in the tables can make a start's statements the victim of a deadlock: try a
   * few times before giving up. */
  for (guint tries = 1; pg->reader != NULL; tries++)
    {
      g_autoptr(GError) local_error = NULL;

      if (read_only ? conduit_history_pg_check_schema (self, pg->reader, &local_error)
                    : conduit_history_pg_migrate (self, pg->reader, &local_error) &&
                      conduit_history_pg_mark_interrupted (self, pg->reader, &local_error))
        break;
      if (tries >= 5 || PQstatus (pg->reader) != CONNECTION_OK ||
          local_error->domain != CONDUIT_HISTORY_STORE_ERROR ||
          local_error->code != CONDUIT_HISTORY_STORE_ERROR_FAILED || read_only)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_clear_pointer (&pg->reader, PQfinish);
          break;
        }
      g_usleep (200 * 1000 * tries);
    }
  g_mutex_unlock (&self->reader_lock);
  if (pg->reader == NULL)
    return FALSE;

  if (!read_only)
    self->thread = g_thread_new ("conduit-history-pg", postgresql_backend.writer_thread, self);
  return TRUE;
}
