/* conduit-history-store-postgresql-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpq-fe.h>

#include "conduit-history-store-private.h"

G_BEGIN_DECLS

/* Shared by the PostgreSQL history's files: -postgresql.c (connecting, the writer),
 * -postgresql-schema.c (the tables, runs cut short), -postgresql-url.c (addresses) and
 * -postgresql-queries.c (reading). */

typedef struct
{
  char   *url;        /* as given: may hold a password, never shown */
  char   *host;       /* this machine, for runs cut short on it */
  int     pid;        /* this process, likewise */
  PGconn *writer;     /* the writer thread's */
  PGconn *reader;     /* under the store's reader_lock */

  /* the writer thread's pipeline (conduit-history-store-postgresql.c) */
  GPtrArray *sent;    /* of Op (NULL: BEGIN, COMMIT), one per statement not answered yet */
  Op        *current; /* whose statements are being sent */
  Op        *failed;  /* whose statement the server refused or could not run */
  GPtrArray *held_items;  /* of Op: OP_ITEM rows, sent several to a statement at the COMMIT */
  GPtrArray *held_steps;  /* of Op: rows of conduit_steps no later statement looks for */
  gboolean   one_by_one;  /* a statement of held rows failed: this batch sends each alone */
  GPtrArray *claims;      /* of Op: begun runs whose claim went out with the run, in order */
  guint      claims_read; /* how many of them were answered */
  GPtrArray *again;       /* of Op: their events had begun before: claimed again, waiting */
  gboolean   claim_alone; /* the claim of an event waits for its answer (the old way) */
} PgHistory;

/* Statement parameters as text, the way libpq takes them. */
typedef struct
{
  const char *values[16];
  char        numbers[16][24];
  int         n;
} Params;

static inline void
param_text (Params     *params,
            const char *text)
{
  g_assert (params->n < (int)G_N_ELEMENTS (params->values));
  params->values[params->n++] = text;
}

/* The same text as "%" G_GINT64_FORMAT: a queued run writes some 80 numbers, and g_snprintf()
 * took ~700 instructions for each (6 % of a worker's instructions per run). */
static inline void
param_int (Params *params,
           gint64  value)
{
  char *number = params->numbers[params->n];
  char digits[20];
  guint64 rest;
  int n = 0;

  g_assert (params->n < (int)G_N_ELEMENTS (params->values));
  /* in unsigned arithmetic, so that G_MININT64 has its digits too */
  rest = value < 0 ? (guint64)0 - (guint64)value : (guint64)value;
  do
    {
      digits[n++] = (char)('0' + rest % 10);
      rest /= 10;
    }
  while (rest > 0);
  if (value < 0)
    *number++ = '-';
  while (n > 0)
    *number++ = digits[--n];
  *number = '\0';
  params->values[params->n] = params->numbers[params->n];
  params->n++;
}

static inline void
param_bool (Params   *params,
            gboolean  value)
{
  param_text (params, value ? "t" : "f");
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

static inline PgHistory *
pg_of (ConduitHistoryStore *self)
{
  return self->backend_data;
}

PGconn           *conduit_history_pg_connect      (ConduitHistoryStore        *self,
                                                   GError                    **error);
void              conduit_history_pg_set_error    (ConduitHistoryStore        *self,
                                                   PGconn                     *conn,
                                                   const char                 *what,
                                                   GError                    **error);
char             *conduit_history_pg_ids_array    (GArray                     *ids);

/* -postgresql-schema.c */
gboolean          conduit_history_pg_migrate      (ConduitHistoryStore        *self,
                                                   PGconn                     *conn,
                                                   GError                    **error);
gboolean          conduit_history_pg_check_schema (ConduitHistoryStore        *self,
                                                   PGconn                     *conn,
                                                   GError                    **error);
gboolean          conduit_history_pg_mark_interrupted (ConduitHistoryStore    *self,
                                                   PGconn                     *conn,
                                                   GError                    **error);
/* -postgresql-url.c */
char             *conduit_history_pg_describe_url (const char                 *url);

GPtrArray        *conduit_history_pg_list_runs    (ConduitHistoryStore        *self,
                                                   const ConduitHistoryQuery  *query,
                                                   GError                    **error);
guint             conduit_history_pg_count_runs   (ConduitHistoryStore        *self,
                                                   const ConduitHistoryQuery  *query,
                                                   GError                    **error);
ConduitRunRecord *conduit_history_pg_get_run      (ConduitHistoryStore        *self,
                                                   gint64                      run_id,
                                                   GError                    **error);
GPtrArray        *conduit_history_pg_list_steps   (ConduitHistoryStore        *self,
                                                   gint64                      run_id,
                                                   GError                    **error);
GPtrArray        *conduit_history_pg_list_items   (ConduitHistoryStore        *self,
                                                   gint64                      run_id,
                                                   const char                 *node_id,
                                                   GError                    **error);
gboolean          conduit_history_pg_get_cursor   (ConduitHistoryStore        *self,
                                                   const char                 *flow_id,
                                                   const char                 *trigger_id,
                                                   char                      **value,
                                                   GError                    **error);
gint              conduit_history_pg_delete_runs  (ConduitHistoryStore        *self,
                                                   const gint64               *ids,
                                                   guint                       n_ids,
                                                   GError                    **error);

G_END_DECLS
