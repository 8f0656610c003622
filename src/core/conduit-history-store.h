/* conduit-history-store.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* conduit-credential.h's type, named without including it (it includes libsecret). */
struct _ConduitCredential;

#define CONDUIT_HISTORY_STORE_ERROR (conduit_history_store_error_quark ())
#define CONDUIT_HISTORY_SCHEMA_VERSION 8
#define CONDUIT_HISTORY_DEFAULT_MAX_ITEM_BYTES (64 * 1024)

typedef enum
{
  CONDUIT_HISTORY_STORE_ERROR_FAILED,
  CONDUIT_HISTORY_STORE_ERROR_CORRUPT,
  CONDUIT_HISTORY_STORE_ERROR_TOO_NEW,
  CONDUIT_HISTORY_STORE_ERROR_NOT_FOUND,
  CONDUIT_HISTORY_STORE_ERROR_CLOSED,
  CONDUIT_HISTORY_STORE_ERROR_READ_ONLY,
} ConduitHistoryStoreError;

typedef enum
{
  CONDUIT_RUN_STATUS_RUNNING,
  CONDUIT_RUN_STATUS_SUCCEEDED,
  CONDUIT_RUN_STATUS_PARTIAL,
  CONDUIT_RUN_STATUS_FAILED,
  CONDUIT_RUN_STATUS_INTERRUPTED,
  CONDUIT_RUN_STATUS_CANCELLED,
} ConduitRunStatus;

/* One run as the history holds it. */
typedef struct
{
  gint64            id;
  char             *flow;
  char             *trigger_node;
  char             *trigger_kind;   /* "manual", "webhook", "schedule", "input" */
  gint64            started_us;     /* wall clock, microseconds since the epoch */
  gint64            finished_us;    /* 0 while running */
  ConduitRunStatus  status;
  guint             items_in;
  guint             items_ok;
  guint             items_failed;
  guint             items_rejected;
  char             *error;          /* (nullable) why the run failed as a whole */
} ConduitRunRecord;

/* One node's work in a run (attempt 0), or one attempt of one item at an action node. */
typedef struct
{
  gint64  id;             /* the row; the items of a batch's attempts share their batch's */
  gint64  run_id;
  char   *node_id;
  gint    item_index;     /* -1 for the node as a whole */
  guint   attempt;        /* 0 for the node as a whole, else counting from 1 */
  gint64  started_us;
  gint64  finished_us;
  char   *status;         /* "ok", "retry", "failed", "skipped", "rejected", "duplicate" */
  guint   http_status;    /* 0 when there was no HTTP answer */
  guint   delay_ms;       /* the wait before this attempt */
  guint   items_in;
  guint   items_out;
  guint   items_failed;
  char   *error_kind;     /* (nullable) */
  char   *error_message;  /* (nullable) */
} ConduitStepRecord;

/* One item going into a node, or leaving one of its ports. */
typedef struct
{
  gint64    id;
  gint64    run_id;
  char     *node_id;
  char     *port;         /* the input or output port */
  gboolean  is_output;
  guint     seq;          /* position in the batch */
  char     *data;         /* JSON text, possibly cut short */
  gsize     size;         /* the full size of the JSON text */
  gboolean  truncated;
} ConduitItemRecord;

typedef struct
{
  const char       *flow;         /* (nullable) only this flow */
  int               status;       /* a ConduitRunStatus, or -1 for any */
  gint64            since_us;     /* 0 for no lower bound */
  gint64            until_us;     /* 0 for no upper bound */
  const char       *text;         /* (nullable) in the flow, the error, or an item */
  guint             offset;
  guint             limit;        /* 0 for 50 */
  gboolean          unhandled;    /* only runs that need attention: failed or interrupted, and
                                   * not yet marked handled */
} ConduitHistoryQuery;

#define CONDUIT_TYPE_RUN_RECORD    (conduit_run_record_get_type ())
#define CONDUIT_TYPE_STEP_RECORD   (conduit_step_record_get_type ())
#define CONDUIT_TYPE_ITEM_RECORD   (conduit_item_record_get_type ())
#define CONDUIT_TYPE_HISTORY_STORE (conduit_history_store_get_type ())

GType              conduit_run_record_get_type   (void) G_GNUC_CONST;
ConduitRunRecord  *conduit_run_record_copy       (const ConduitRunRecord  *record);
void               conduit_run_record_free       (ConduitRunRecord        *record);
GType              conduit_step_record_get_type  (void) G_GNUC_CONST;
ConduitStepRecord *conduit_step_record_copy      (const ConduitStepRecord *record);
void               conduit_step_record_free      (ConduitStepRecord       *record);
GType              conduit_item_record_get_type  (void) G_GNUC_CONST;
ConduitItemRecord *conduit_item_record_copy      (const ConduitItemRecord *record);
void               conduit_item_record_free      (ConduitItemRecord       *record);

const char        *conduit_run_status_to_string  (ConduitRunStatus         status);
gboolean           conduit_run_status_from_string (const char              *text,
                                                   ConduitRunStatus        *status);

G_DECLARE_FINAL_TYPE (ConduitHistoryStore, conduit_history_store, CONDUIT, HISTORY_STORE, GObject)

GQuark               conduit_history_store_error_quark      (void);
char                *conduit_history_store_dup_default_path (void);
ConduitHistoryStore *conduit_history_store_new              (const char            *path,
                                                             GError               **error);
ConduitHistoryStore *conduit_history_store_new_read_only    (const char            *location,
                                                             GError               **error);
gboolean             conduit_history_store_is_server_location (const char          *location);
char                *conduit_history_store_dup_credential_url (struct _ConduitCredential *credential,
                                                               GError             **error);
gboolean             conduit_history_store_is_read_only     (ConduitHistoryStore   *self);
const char          *conduit_history_store_get_backend_name (ConduitHistoryStore   *self);
const char          *conduit_history_store_get_path         (ConduitHistoryStore   *self);
guint                conduit_history_store_get_n_interrupted (ConduitHistoryStore  *self);
char                *conduit_history_store_dup_write_problem (ConduitHistoryStore  *self);
void                 conduit_history_store_set_max_item_bytes (ConduitHistoryStore *self,
                                                             gsize                  max_bytes);
gsize                conduit_history_store_get_max_item_bytes (ConduitHistoryStore *self);
void                 conduit_history_store_set_retention    (ConduitHistoryStore   *self,
                                                             guint                  keep_runs,
                                                             guint                  keep_days);

/* Writing: everything is queued to one writer thread that commits many rows per transaction. */
void                 conduit_history_store_begin_run_async  (ConduitHistoryStore   *self,
                                                             const ConduitRunRecord *run,
                                                             const char            *trigger_port,
                                                             GPtrArray             *items,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gint64               conduit_history_store_begin_run_finish (ConduitHistoryStore   *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
void                 conduit_history_store_begin_event_run_async (ConduitHistoryStore    *self,
                                                                  const ConduitRunRecord *run,
                                                                  const char             *trigger_port,
                                                                  GPtrArray              *items,
                                                                  const char             *event_id,
                                                                  GCancellable           *cancellable,
                                                                  GAsyncReadyCallback     callback,
                                                                  gpointer                user_data);
gint64               conduit_history_store_begin_event_run_finish (ConduitHistoryStore  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
void                 conduit_history_store_start_attempt_async (ConduitHistoryStore *self,
                                                                const ConduitStepRecord *step,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean             conduit_history_store_start_attempt_finish (ConduitHistoryStore *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
gboolean             conduit_history_store_start_attempts (ConduitHistoryStore     *self,
                                                           const ConduitStepRecord *first,
                                                           guint                    n_items,
                                                           GError                 **error);
void                 conduit_history_store_end_attempts (ConduitHistoryStore     *self,
                                                         const ConduitStepRecord *first,
                                                         guint                    n_items);
void                 conduit_history_store_add_step         (ConduitHistoryStore   *self,
                                                             const ConduitStepRecord *step);
void                 conduit_history_store_add_item         (ConduitHistoryStore   *self,
                                                             gint64                 run_id,
                                                             const char            *node_id,
                                                             const char            *port,
                                                             gboolean               is_output,
                                                             guint                  seq,
                                                             const char            *json_text);
void                 conduit_history_store_finish_run       (ConduitHistoryStore   *self,
                                                             const ConduitRunRecord *run);
void                 conduit_history_store_claim_key_async  (ConduitHistoryStore   *self,
                                                             const char            *scope,
                                                             const char            *key,
                                                             gint64                 now_us,
                                                             gint64                 ttl_us,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean             conduit_history_store_claim_key_finish (ConduitHistoryStore   *self,
                                                             GAsyncResult          *result,
                                                             gboolean              *is_new,
                                                             GError               **error);
void                 conduit_history_store_prune_async      (ConduitHistoryStore   *self,
                                                             gint64                 now_us,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
gboolean             conduit_history_store_prune_finish     (ConduitHistoryStore   *self,
                                                             GAsyncResult          *result,
                                                             guint                 *n_deleted,
                                                             GError               **error);
gboolean             conduit_history_store_flush            (ConduitHistoryStore   *self,
                                                             GError               **error);
void                 conduit_history_store_close            (ConduitHistoryStore   *self);

/* Polling triggers: a cursor and a set of seen keys per trigger. The writes go through the
 * writer thread and block until committed; call them from a worker thread. */
gboolean             conduit_history_store_get_cursor       (ConduitHistoryStore   *self,
                                                             const char            *flow_id,
                                                             const char            *trigger_id,
                                                             char                 **value,
                                                             GError               **error);
gboolean             conduit_history_store_set_cursor       (ConduitHistoryStore   *self,
                                                             const char            *flow_id,
                                                             const char            *trigger_id,
                                                             const char            *value,
                                                             GError               **error);
gboolean             conduit_history_store_mark_seen        (ConduitHistoryStore   *self,
                                                             const char            *flow_id,
                                                             const char            *trigger_id,
                                                             const char            *key,
                                                             gboolean              *newly_seen,
                                                             GError               **error);
void                 conduit_history_store_begin_polled_run_async (ConduitHistoryStore    *self,
                                                                   const ConduitRunRecord *run,
                                                                   const char             *trigger_port,
                                                                   GPtrArray              *items,
                                                                   const char * const     *keys,
                                                                   const char             *cursor,
                                                                   GCancellable           *cancellable,
                                                                   GAsyncReadyCallback     callback,
                                                                   gpointer                user_data);
gboolean             conduit_history_store_begin_polled_run_finish (ConduitHistoryStore *self,
                                                                    GAsyncResult        *result,
                                                                    gint64              *run_id,
                                                                    GArray             **fired,
                                                                    GError             **error);
gboolean             conduit_history_store_prune_seen       (ConduitHistoryStore   *self,
                                                             const char            *flow_id,
                                                             const char            *trigger_id,
                                                             gint64                 older_than_us,
                                                             guint                  keep_max,
                                                             guint                 *n_deleted,
                                                             GError               **error);

/* Reading: safe from any thread; the async variants read in a worker thread. */
GPtrArray           *conduit_history_store_list_runs        (ConduitHistoryStore   *self,
                                                             const ConduitHistoryQuery *query,
                                                             GError               **error);
void                 conduit_history_store_list_runs_async  (ConduitHistoryStore   *self,
                                                             const ConduitHistoryQuery *query,
                                                             GCancellable          *cancellable,
                                                             GAsyncReadyCallback    callback,
                                                             gpointer               user_data);
GPtrArray           *conduit_history_store_list_runs_finish (ConduitHistoryStore   *self,
                                                             GAsyncResult          *result,
                                                             GError               **error);
guint                conduit_history_store_count_runs       (ConduitHistoryStore   *self,
                                                             const ConduitHistoryQuery *query,
                                                             GError               **error);
ConduitRunRecord    *conduit_history_store_get_run          (ConduitHistoryStore   *self,
                                                             gint64                 run_id,
                                                             GError               **error);
GPtrArray           *conduit_history_store_list_steps       (ConduitHistoryStore   *self,
                                                             gint64                 run_id,
                                                             GError               **error);
GPtrArray           *conduit_history_store_list_items       (ConduitHistoryStore   *self,
                                                             gint64                 run_id,
                                                             const char            *node_id,
                                                             GError               **error);

gboolean             conduit_history_store_mark_handled     (ConduitHistoryStore   *self,
                                                             const gint64          *ids,
                                                             guint                  n_ids,
                                                             GError               **error);

/* run history pane */
gint                 conduit_history_store_delete_runs      (ConduitHistoryStore   *self,
                                                             const gint64          *ids,
                                                             guint                  n_ids,
                                                             GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitRunRecord, conduit_run_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitStepRecord, conduit_step_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitItemRecord, conduit_item_record_free)

G_END_DECLS
