/* conduit-history-store-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "conduit-history-store.h"

G_BEGIN_DECLS

/* What the files of the history store share: conduit-history-store.c (the object and its write
 * API), -schema.c (connections, statements, migrations), -writer.c (the writer thread, group
 * commit, checkpoints), -queries.c (reading), -triggers.c (polling triggers), -records.c (the
 * record types). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef enum
{
  OP_BEGIN_RUN,
  OP_BEGIN_POLLED_RUN,
  OP_FINISH_RUN,
  OP_STEP,
  OP_ITEM,
  OP_CLAIM_KEY,
  OP_SET_CURSOR,
  OP_MARK_SEEN,
  OP_PRUNE_SEEN,
  OP_MARK_HANDLED,
  OP_PRUNE,
  OP_FLUSH,
  OP_STOP,
  OP_START_RANGE,
  OP_END_RANGE,
} OpType;

/* A caller that blocks until its op is committed waits on this; it lives on the caller's stack
 * and takes the op's results, as the writer frees the op right after completing it. */
typedef struct
{
  GMutex    mutex;
  GCond     cond;
  gboolean  done;
  gboolean  result_new;
  guint     result_deleted;
  GError   *error;
} SyncWait;

typedef struct
{
  OpType             type;
  GTask             *task;      /* (nullable) completed after the commit */
  ConduitRunRecord  *run;
  ConduitStepRecord *step;
  ConduitItemRecord *item;
  GPtrArray         *items;     /* of char * JSON text, for OP_BEGIN_RUN */
  char              *port;
  char              *scope;
  char              *key;
  gint64             now_us;
  gint64             ttl_us;
  char              *flow_id;   /* for the trigger ops */
  char              *trigger_id;
  char              *value;
  gint64             cutoff_us;
  guint              keep_max;
  char             **keys;      /* for OP_BEGIN_POLLED_RUN, one per item */
  GArray            *fired;     /* of guint: the items whose keys were new */
  GArray            *ids;       /* of gint64, for OP_MARK_HANDLED */
  guint              n_range;   /* for OP_START_RANGE and OP_END_RANGE: items from step's */
  SyncWait          *wait;      /* (nullable) a caller blocked until the commit */
  /* results, written by the writer thread */
  gint64             result_id;
  gboolean           result_new;
  guint              result_deleted;
  GError            *error;
  /* OP_FLUSH waits on these */
  GMutex            *mutex;
  GCond             *cond;
  gboolean          *done;
} Op;

enum {
  STMT_INSERT_RUN,
  STMT_FINISH_RUN,
  STMT_INSERT_STEP,
  STMT_DELETE_STARTED,
  STMT_INSERT_ITEM,
  STMT_CLAIM_KEY,
  STMT_SET_CURSOR,
  STMT_CLEAR_CURSOR,
  STMT_SEE_AGAIN,
  STMT_SEE_FIRST,
  STMT_START_RANGE,
  STMT_END_RANGE,
  N_STMTS
};

typedef struct
{
  gint64  run_id;
  GArray *fired;
} PolledRun;

/* The seam between the store's API and where the history lives. SQLite is the store's own code
 * (backend %NULL: every path as before); another backend takes the queued writes in a writer
 * thread of its own and answers the reads. */
typedef struct
{
  const char        *name;
  gpointer         (*writer_thread) (gpointer             store);
  void             (*close)         (ConduitHistoryStore *self);
  void             (*free)          (gpointer             data);
  GPtrArray       *(*list_runs)     (ConduitHistoryStore *self,
                                     const ConduitHistoryQuery *query,
                                     GError             **error);
  guint            (*count_runs)    (ConduitHistoryStore *self,
                                     const ConduitHistoryQuery *query,
                                     GError             **error);
  ConduitRunRecord*(*get_run)       (ConduitHistoryStore *self,
                                     gint64               run_id,
                                     GError             **error);
  GPtrArray       *(*list_steps)    (ConduitHistoryStore *self,
                                     gint64               run_id,
                                     GError             **error);
  GPtrArray       *(*list_items)    (ConduitHistoryStore *self,
                                     gint64               run_id,
                                     const char          *node_id,
                                     GError             **error);
  gboolean         (*get_cursor)    (ConduitHistoryStore *self,
                                     const char          *flow_id,
                                     const char          *trigger_id,
                                     char               **value,
                                     GError             **error);
  gint             (*delete_runs)   (ConduitHistoryStore *self,
                                     const gint64        *ids,
                                     guint                n_ids,
                                     GError             **error);
} ConduitHistoryBackend;

struct _ConduitHistoryStore
{
  GObject       parent_instance;

  char         *path;
  sqlite3      *writer;
  sqlite3_stmt *stmts[N_STMTS];
  sqlite3      *reader;
  GMutex        reader_lock;
  GAsyncQueue  *queue;
  GThread      *thread;
  gsize         max_item_bytes;
  guint         keep_runs;
  guint         keep_days;
  guint         n_interrupted;

  /* Checkpoints copy the WAL into the database in a thread of their own, so that the writer's
   * commits (and the webhook answers waiting on them) never stall behind one. */
  GThread      *checkpointer;
  GMutex        checkpoint_lock;
  GCond         checkpoint_cond;
  int           wal_pages;       /* as the writer last saw it, 0 once the checkpointer took it */
  int           pass_wal_pages;  /* the WAL's size at the last pass; 0 once it started over */
  int           wal_pages_total; /* the WAL's size in pages, after the last commit */
  int           checkpoint_pages;  /* WAL pages that set off a checkpoint */
  int           wal_restart_pages; /* past this, the writer completes a checkpoint itself */
  gboolean      checkpoint_stop;
  GMutex        checkpoint_pass_lock; /* held by the checkpointer during a pass */
  guint         checkpoint_passes; /* the checkpointer's passes so far, for the tests */

  /* The last transaction's failure, until one commits again: what readiness checks report. */
  GMutex        problem_lock;
  char         *write_problem;

  /* The writer, lingering for company, is woken only by an op somebody waits for (see
   * conduit_history_push_op()): a wake-up per recorded step and item cost more than writing it. */
  GMutex        linger_lock;
  GCond         linger_cond;
  gboolean      lingering;     /* the writer waits on linger_cond */
  gboolean      urgent_queued; /* an urgent op was queued since the writer's round began */

  /* (nullable) a backend other than SQLite, and its state */
  const ConduitHistoryBackend *backend;
  gpointer      backend_data;
  gboolean      read_only;
};

/* Runs retention keeps and "needs attention" lists: failed or cut short, nobody handled them.
 * Spelt with OR, not IN (): each term then matches runs_by_status's WHERE (schema 7). */
#define CONDUIT_HISTORY_UNHANDLED_SQL \
  "((status = 'failed' OR status = 'interrupted') AND handled = 0)"

/* conduit-history-store-schema.c */
gboolean conduit_history_set_sqlite_error     (sqlite3              *db,
                                               int                   rc,
                                               const char           *what,
                                               GError              **error);
gboolean conduit_history_exec_sql             (sqlite3              *db,
                                               const char           *sql,
                                               GError              **error);
void     conduit_history_bind_text_or_null    (sqlite3_stmt         *stmt,
                                               int                   index,
                                               const char           *text);
void     conduit_history_configure_sqlite     (void);
gboolean conduit_history_open_connection      (const char           *path,
                                               int                   flags,
                                               sqlite3             **db,
                                               GError              **error);
gboolean conduit_history_migrate              (ConduitHistoryStore  *self,
                                               GError              **error);
gboolean conduit_history_mark_interrupted     (ConduitHistoryStore  *self,
                                               GError              **error);
gboolean conduit_history_prepare_statements   (ConduitHistoryStore  *self,
                                               GError              **error);

/* conduit-history-store-writer.c */
void     conduit_history_writer_start         (ConduitHistoryStore  *self);
void     conduit_history_writer_stop          (ConduitHistoryStore  *self);
void     conduit_history_op_free              (Op                   *op);
gboolean conduit_history_push_op              (ConduitHistoryStore  *self,
                                               Op                   *op);
void     conduit_history_push_urgent          (ConduitHistoryStore  *self,
                                               Op                   *op);
void     conduit_history_wait_for_company     (ConduitHistoryStore  *self,
                                               gint64                until);
gboolean conduit_history_push_op_sync         (ConduitHistoryStore  *self,
                                               Op                   *op,
                                               SyncWait             *wait,
                                               GError              **error);
void     conduit_history_polled_run_free      (PolledRun            *result);
void     conduit_history_complete_op          (Op                   *op);

/* conduit-history-store-postgresql.c */
gboolean conduit_history_is_postgresql_url    (const char           *location);
gboolean conduit_history_postgresql_open      (ConduitHistoryStore  *self,
                                               const char           *url,
                                               gboolean              read_only,
                                               GError              **error);

/* conduit-history-store-queries.c */
char         *conduit_history_dup_column_text (sqlite3_stmt         *stmt,
                                               int                   column);
sqlite3_stmt *conduit_history_prepare_read    (ConduitHistoryStore  *self,
                                               const char           *sql,
                                               GError              **error);
gboolean      conduit_history_finish_read     (ConduitHistoryStore  *self,
                                               int                   rc,
                                               GError              **error);

G_END_DECLS
