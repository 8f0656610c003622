/* conduit-history-store.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conduit-history-store-private.h"
#include "conduit-step-status.h"

/* The run history: one SQLite database in WAL mode.
 *
 * All writes go through one writer thread fed by a queue. The thread takes whatever has queued
 * up, applies it in one transaction and commits, then completes the tasks of those writes: a
 * "group commit". So a webhook that waits for its event to be committed waits for one short
 * transaction shared with every other event that arrived meanwhile, and the main loop never
 * waits for the disk. synchronous=NORMAL in WAL mode makes a commit survive the process being
 * killed (the WAL is in the kernel's hands); only a power cut can lose the last commits.
 *
 * Reads use a second connection guarded by a mutex; WAL lets them run beside the writer.
 *
 * A run is written as "running" with the pid of the process running it. When a database is
 * opened, runs still "running" whose process is gone were cut short by a crash or kill, and
 * become "interrupted".
 */

/* A new history keeps SQLite's 4 KB pages. 1 KB pages made the benchmark's runs (items of about
 * 100 bytes) cheaper to commit, a sixth of the writer's instructions, but items of 1 KB and more,
 * which real webhooks send, dearer: with 10 KB items a run's commit took 1.5 times as long. */

G_DEFINE_QUARK (conduit-history-store-error-quark, conduit_history_store_error)

G_DEFINE_FINAL_TYPE (ConduitHistoryStore, conduit_history_store, G_TYPE_OBJECT)

static void
conduit_history_store_finalize (GObject *object)
{
  ConduitHistoryStore *self = (ConduitHistoryStore *)object;

  conduit_history_store_close (self);
  if (self->backend != NULL && self->backend_data != NULL)
    self->backend->free (g_steal_pointer (&self->backend_data));
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_mutex_clear (&self->reader_lock);
  g_mutex_clear (&self->checkpoint_lock);
  g_mutex_clear (&self->checkpoint_pass_lock);
  g_mutex_clear (&self->problem_lock);
  g_mutex_clear (&self->linger_lock);
  g_cond_clear (&self->linger_cond);
  g_free (self->write_problem);
  g_cond_clear (&self->checkpoint_cond);
  g_free (self->path);

  G_OBJECT_CLASS (conduit_history_store_parent_class)->finalize (object);
}

static void
conduit_history_store_class_init (ConduitHistoryStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_history_store_finalize;
}

static void
conduit_history_store_init (ConduitHistoryStore *self)
{
  g_mutex_init (&self->reader_lock);
  g_mutex_init (&self->checkpoint_lock);
  g_mutex_init (&self->checkpoint_pass_lock);
  g_mutex_init (&self->problem_lock);
  g_mutex_init (&self->linger_lock);
  g_cond_init (&self->linger_cond);
  g_cond_init (&self->checkpoint_cond);
  self->queue = g_async_queue_new ();
  self->max_item_bytes = CONDUIT_HISTORY_DEFAULT_MAX_ITEM_BYTES;
}

/**
 * conduit_history_store_dup_default_path:
 *
 * Where the history lives unless told otherwise: `$CONDUIT_HISTORY_DB` when set, else
 * `$XDG_DATA_HOME/conduit/history.db`.
 *
 * Returns: (transfer full): the path
 */
char *
conduit_history_store_dup_default_path (void)
{
  const char *env = g_getenv ("CONDUIT_HISTORY_DB");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "conduit", "history.db", NULL);
}

/* The history holds the items of every run: personal data, sometimes secrets a redaction could
 * not know. SQLite gives the -wal and -shm files the database's mode, so creating the database
 * 0600 ourselves (whatever the umask or the folder) covers all three; a file an older version
 * left readable to others is tightened. */
static gboolean
restrict_files (const char  *path,
                GError     **error)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  /* No descriptor is opened on a file that exists: closing it would drop the POSIX locks
   * another connection of this process holds on the database. */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      struct stat info;
      int saved;

      if (g_stat (file, &info) != 0)
        {
          int fd;

          saved = errno;
          if (saved != ENOENT)
            goto failed;
          if (i > 0)
            continue;
          fd = g_open (file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
          if (fd < 0 && errno != EEXIST)
            {
              saved = errno;
              goto failed;
            }
          if (fd >= 0)
            close (fd);
          continue;
        }

      if ((info.st_mode & 0077) != 0 && g_chmod (file, 0600) != 0)
        {
          saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("The run history “%s” is readable by others and could not be made "
                         "private: %s"), file, g_strerror (saved));
          return FALSE;
        }
      continue;

    failed:
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not open the run history “%s”: %s"), file, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}

/**
 * conduit_history_store_new:
 * @path: (nullable): the database file, or %NULL for conduit_history_store_dup_default_path()
 * @error: return location for an error
 *
 * Opens (creating when needed) a run history, brings its schema up to date, and marks runs that
 * a crash cut short as interrupted.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
ConduitHistoryStore *
conduit_history_store_new (const char  *path,
                           GError     **error)
{
  g_autoptr(ConduitHistoryStore) self = NULL;
  g_autofree char *dir = NULL;

  self = g_object_new (CONDUIT_TYPE_HISTORY_STORE, NULL);
  if (conduit_history_store_is_server_location (path))
    {
      if (!conduit_history_postgresql_open (self, path, FALSE, error))
        return NULL;
      return g_steal_pointer (&self);
    }
  self->path = path != NULL ? g_strdup (path) : conduit_history_store_dup_default_path ();

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create the folder for the run history “%s”: %s"), dir,
                   g_strerror (saved));
      return NULL;
    }

  if (!restrict_files (self->path, error) ||
      !conduit_history_open_connection (self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                        &self->writer, error))
    return NULL;

  if (!conduit_history_exec_sql (self->writer,
                                 "PRAGMA journal_mode = WAL;"
                                 "PRAGMA synchronous = NORMAL;"
                                 "PRAGMA foreign_keys = OFF;"
                                 "PRAGMA journal_size_limit = 67108864;"
                                 "PRAGMA wal_autocheckpoint = 0;", error) ||
      !conduit_history_migrate (self, error) ||
      !conduit_history_mark_interrupted (self, error))
    {
      g_prefix_error (error, _("Run history “%s”: "), self->path);
      return NULL;
    }

  if (!conduit_history_prepare_statements (self, error) ||
      !conduit_history_open_connection (self->path, SQLITE_OPEN_READONLY, &self->reader, error))
    return NULL;

  conduit_history_writer_start (self);

  return g_steal_pointer (&self);
}

/**
 * conduit_history_store_is_server_location:
 * @location: (nullable): what `--history` was given
 *
 * Returns: whether @location names a shared history on a server (a `postgresql://` or
 *   `postgres://` URL) rather than a SQLite file
 */
gboolean
conduit_history_store_is_server_location (const char *location)
{
  return conduit_history_is_postgresql_url (location);
}

/**
 * conduit_history_store_new_read_only:
 * @location: a server history (see conduit_history_store_is_server_location())
 * @error: return location for an error
 *
 * Opens a server's shared history to look at: it neither creates nor migrates the schema, and
 * every write (a run, deleting runs, marking them handled) fails with
 * %CONDUIT_HISTORY_STORE_ERROR_READ_ONLY. The desktop opens a server's history this way, so
 * that it can never disturb the workers writing into it.
 *
 * Returns: (transfer full) (nullable): the store, or %NULL with @error set
 */
ConduitHistoryStore *
conduit_history_store_new_read_only (const char  *location,
                                     GError     **error)
{
  g_autoptr(ConduitHistoryStore) self = NULL;

  g_return_val_if_fail (location != NULL, NULL);

  if (!conduit_history_store_is_server_location (location))
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_FAILED,
                   _("“%s” is not a server history: give a postgresql:// address"), location);
      return NULL;
    }

  self = g_object_new (CONDUIT_TYPE_HISTORY_STORE, NULL);
  if (!conduit_history_postgresql_open (self, location, TRUE, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * conduit_history_store_is_read_only:
 * @self: a store
 *
 * Returns: whether writes are refused (see conduit_history_store_new_read_only())
 */
gboolean
conduit_history_store_is_read_only (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);

  return self->read_only;
}

/**
 * conduit_history_store_get_backend_name:
 * @self: a store
 *
 * Returns: "sqlite" or "postgresql"
 */
const char *
conduit_history_store_get_backend_name (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  return self->backend != NULL ? self->backend->name : "sqlite";
}

/**
 * conduit_history_store_close:
 * @self: a store
 *
 * Writes what is queued, stops the writer and closes the database. Later writes are dropped
 * with a warning; the object stays valid.
 */
void
conduit_history_store_close (ConduitHistoryStore *self)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  conduit_history_writer_stop (self);
  if (self->backend != NULL)
    {
      self->backend->close (self);
      return;
    }

  for (guint i = 0; i < N_STMTS; i++)
    g_clear_pointer (&self->stmts[i], sqlite3_finalize);
  g_clear_pointer (&self->writer, sqlite3_close);

  g_mutex_lock (&self->reader_lock);
  g_clear_pointer (&self->reader, sqlite3_close);
  g_mutex_unlock (&self->reader_lock);
}

/**
 * conduit_history_store_get_path:
 * @self: a store
 *
 * Returns: the database file
 */
const char *
conduit_history_store_get_path (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  return self->path;
}

/**
 * conduit_history_store_get_n_interrupted:
 * @self: a store
 *
 * Returns: how many runs were found cut short when the store was opened
 */
guint
conduit_history_store_get_n_interrupted (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), 0);

  return self->n_interrupted;
}

/**
 * conduit_history_store_dup_write_problem:
 * @self: a store
 *
 * Whether the store takes writes now: closed, or its last transaction failed (a full disk, a
 * database made read-only) and none committed since. Cheap: it reads what the writer thread
 * last saw, it writes nothing.
 *
 * Returns: (transfer full) (nullable): what is wrong, %NULL when the last commit went through
 */
char *
conduit_history_store_dup_write_problem (ConduitHistoryStore *self)
{
  char *problem;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), NULL);

  g_mutex_lock (&self->problem_lock);
  if (self->thread == NULL)
    problem = g_strdup_printf (_("the run history %s is closed"), self->path);
  else
    problem = g_strdup (self->write_problem);
  g_mutex_unlock (&self->problem_lock);
  return problem;
}

/**
 * conduit_history_store_set_max_item_bytes:
 * @self: a store
 * @max_bytes: the largest item text kept whole
 *
 * Longer items are cut at this size and marked truncated.
 */
void
conduit_history_store_set_max_item_bytes (ConduitHistoryStore *self,
                                          gsize                max_bytes)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  self->max_item_bytes = MAX (max_bytes, 16);
}

/**
 * conduit_history_store_get_max_item_bytes:
 * @self: a store
 *
 * Returns: the largest item text kept whole
 */
gsize
conduit_history_store_get_max_item_bytes (ConduitHistoryStore *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), 0);

  return self->max_item_bytes;
}

/**
 * conduit_history_store_set_retention:
 * @self: a store
 * @keep_runs: runs to keep per flow, 0 for no limit
 * @keep_days: days to keep runs, 0 for no limit
 *
 * Sets what conduit_history_store_prune_async() keeps.
 */
void
conduit_history_store_set_retention (ConduitHistoryStore *self,
                                     guint                keep_runs,
                                     guint                keep_days)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  self->keep_runs = keep_runs;
  self->keep_days = keep_days;
}

/**
 * conduit_history_store_begin_run_async:
 * @self: a store
 * @run: the run: flow, trigger, start time
 * @trigger_port: (nullable): the trigger's output port, "out" when %NULL
 * @items: (nullable) (element-type utf8): the JSON text of the items the trigger emits
 * @cancellable: (nullable): a cancellable
 * @callback: called once the run and its items are committed
 * @user_data: data for @callback
 *
 * Records the start of a run together with the items that started it. The callback runs only
 * after the commit, so a webhook can promise the sender that the event is safe.
 */
void
conduit_history_store_begin_run_async (ConduitHistoryStore    *self,
                                       const ConduitRunRecord *run,
                                       const char             *trigger_port,
                                       GPtrArray              *items,
                                       GCancellable           *cancellable,
                                       GAsyncReadyCallback     callback,
                                       gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->flow != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_BEGIN_RUN;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_begin_run_async);
  op->run = conduit_run_record_copy (run);
  op->port = g_strdup (trigger_port);
  if (items != NULL)
    op->items = g_ptr_array_ref (items);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_begin_run_finish:
 * @self: a store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: the new run's id, or 0 with @error set
 */
gint64
conduit_history_store_begin_run_finish (ConduitHistoryStore  *self,
                                        GAsyncResult         *result,
                                        GError              **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_pointer (G_TASK (result), error);
  return id != NULL ? *id : 0;
}

/**
 * conduit_history_store_begin_event_run_async:
 * @self: a store
 * @run: the run: flow, trigger, start time
 * @trigger_port: (nullable): the trigger's output port, "out" when %NULL
 * @items: (nullable) (element-type utf8): the JSON text of the items the event brings
 * @event_id: the queued event's id, the same at every delivery
 * @cancellable: (nullable): a cancellable
 * @callback: called once the decision and the run are committed
 * @user_data: data for @callback
 *
 * Like conduit_history_store_begin_run_async() for a queued event that may be delivered more
 * than once. In a PostgreSQL history the event id is unique: the first delivery records it
 * with its run; a later one finds it, and either the event's run ended (the delivery must not
 * run again: the result is 0 without error) or it was cut short (a worker died): that run
 * becomes interrupted and a new run, the next attempt, starts. Several workers deciding about
 * the same event at once are put in a row by the database. A SQLite history, which one process
 * owns, records a run as conduit_history_store_begin_run_async() does.
 */
void
conduit_history_store_begin_event_run_async (ConduitHistoryStore    *self,
                                             const ConduitRunRecord *run,
                                             const char             *trigger_port,
                                             GPtrArray              *items,
                                             const char             *event_id,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->flow != NULL);
  g_return_if_fail (event_id != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_BEGIN_RUN;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_begin_event_run_async);
  op->run = conduit_run_record_copy (run);
  op->port = g_strdup (trigger_port);
  op->key = g_strdup (event_id);
  if (items != NULL)
    op->items = g_ptr_array_ref (items);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_begin_event_run_finish:
 * @self: a store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: the new run's id; 0 without @error when the event already has a run that ended
 *   (do not run it again); 0 with @error set when nothing could be recorded
 */
gint64
conduit_history_store_begin_event_run_finish (ConduitHistoryStore  *self,
                                              GAsyncResult         *result,
                                              GError              **error)
{
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  id = g_task_propagate_pointer (G_TASK (result), error);
  return id != NULL ? *id : 0;
}

/**
 * conduit_history_store_add_step:
 * @self: a store
 * @step: the step
 *
 * Queues @step for writing.
 */
void
conduit_history_store_add_step (ConduitHistoryStore     *self,
                                const ConduitStepRecord *step)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (step != NULL && step->node_id != NULL && step->status != NULL);
  /* Readers (the explainer, the CLI, re-runs) switch on these: only known forms are stored. */
  g_return_if_fail (conduit_step_status_from_string (step->status, NULL));
  g_return_if_fail (conduit_error_kind_from_string (step->error_kind, NULL));

  op = g_new0 (Op, 1);
  op->type = OP_STEP;
  op->step = conduit_step_record_copy (step);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_start_attempt_async:
 * @self: a store
 * @step: an attempt of one item, with the status "started"
 * @callback: called once the attempt is committed (or could not be)
 * @user_data: data for @callback
 *
 * Writes that an attempt is about to send its request, and completes once that is committed,
 * so that a run cut off (killed) afterwards says "sent, answer unknown" for the item rather
 * than "not sent". The attempt's end, written with conduit_history_store_add_step(), replaces
 * the row. Marks of concurrent attempts share a commit.
 */
void
conduit_history_store_start_attempt_async (ConduitHistoryStore     *self,
                                           const ConduitStepRecord *step,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (step != NULL && step->node_id != NULL && step->attempt > 0);
  g_return_if_fail (g_strcmp0 (step->status, "started") == 0);

  op = g_new0 (Op, 1);
  op->type = OP_STEP;
  op->step = conduit_step_record_copy (step);
  op->task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_start_attempt_async);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_start_attempt_finish:
 * @self: a store
 * @result: the result
 * @error: return location for an error
 *
 * Returns: whether the mark is committed
 */
gboolean
conduit_history_store_start_attempt_finish (ConduitHistoryStore  *self,
                                            GAsyncResult         *result,
                                            GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * conduit_history_store_start_attempts:
 * @self: a store
 * @first: the attempt of the first item, with the status "started"
 * @n_items: how many items, from @first's item index on, start the same attempt
 * @error: return location for an error
 *
 * conduit_history_store_start_attempt_async() for a batch of items sent together (a database
 * step's transaction), written in one statement. Blocks until committed: for the worker thread
 * that sends the batch next.
 *
 * Returns: whether the marks are committed
 */
gboolean
conduit_history_store_start_attempts (ConduitHistoryStore      *self,
                                      const ConduitStepRecord  *first,
                                      guint                     n_items,
                                      GError                  **error)
{
  SyncWait wait = { 0 };
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (first != NULL && first->node_id != NULL && first->attempt > 0, FALSE);
  g_return_val_if_fail (first->item_index >= 0, FALSE);
  g_return_val_if_fail (g_strcmp0 (first->status, "started") == 0, FALSE);

  op = g_new0 (Op, 1);
  op->type = OP_START_RANGE;
  op->step = conduit_step_record_copy (first);
  op->n_range = n_items;
  return conduit_history_push_op_sync (self, op, &wait, error);
}

/**
 * conduit_history_store_end_attempts:
 * @self: a store
 * @first: the end of the first item's attempt: its status (e.g. "ok") and finished time
 * @n_items: how many items, from @first's item index on
 *
 * Queues the end of a batch's attempts: the marks of those items still "started" take
 * @first's status and end time. Items whose attempt ended otherwise are written before, one by
 * one, with conduit_history_store_add_step().
 */
void
conduit_history_store_end_attempts (ConduitHistoryStore     *self,
                                    const ConduitStepRecord *first,
                                    guint                    n_items)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (first != NULL && first->node_id != NULL && first->attempt > 0);

  op = g_new0 (Op, 1);
  op->type = OP_END_RANGE;
  op->step = conduit_step_record_copy (first);
  op->n_range = n_items;
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_add_item:
 * @self: a store
 * @run_id: the run
 * @node_id: the node
 * @port: the port the item came in or went out through
 * @is_output: whether the item left the node
 * @seq: the item's position in its batch
 * @json_text: the item as JSON text, already redacted
 *
 * Queues an item for writing, cut at the size cap and marked when it is longer.
 */
void
conduit_history_store_add_item (ConduitHistoryStore *self,
                                gint64               run_id,
                                const char          *node_id,
                                const char          *port,
                                gboolean             is_output,
                                guint                seq,
                                const char          *json_text)
{
  ConduitItemRecord *item;
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (node_id != NULL && port != NULL && json_text != NULL);

  item = g_new0 (ConduitItemRecord, 1);
  item->run_id = run_id;
  item->node_id = g_strdup (node_id);
  item->port = g_strdup (port);
  item->is_output = is_output;
  item->seq = seq;
  item->size = strlen (json_text);
  if (item->size > self->max_item_bytes)
    {
      const char *end = g_utf8_find_prev_char (json_text, json_text + self->max_item_bytes + 1);
      item->data = g_strndup (json_text, end - json_text);
      item->truncated = TRUE;
    }
  else
    item->data = g_strdup (json_text);

  op = g_new0 (Op, 1);
  op->type = OP_ITEM;
  op->item = item;
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_finish_run:
 * @self: a store
 * @run: the finished run (id, end, status, counts)
 *
 * Queues the end of a run for writing.
 */
void
conduit_history_store_finish_run (ConduitHistoryStore    *self,
                                  const ConduitRunRecord *run)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (run != NULL && run->id > 0);

  op = g_new0 (Op, 1);
  op->type = OP_FINISH_RUN;
  op->run = conduit_run_record_copy (run);
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_claim_key_async:
 * @self: a store
 * @scope: whose keys: a flow and node
 * @key: the key of an item
 * @now_us: the current time
 * @ttl_us: how long the key is remembered
 * @cancellable: (nullable): a cancellable
 * @callback: called once the claim is committed
 * @user_data: data for @callback
 *
 * Remembers @key unless it is remembered already and not expired. Claims are applied in the
 * order they were made, so of two deliveries of one event exactly one is new.
 */
void
conduit_history_store_claim_key_async (ConduitHistoryStore *self,
                                       const char          *scope,
                                       const char          *key,
                                       gint64               now_us,
                                       gint64               ttl_us,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));
  g_return_if_fail (scope != NULL && key != NULL);

  op = g_new0 (Op, 1);
  op->type = OP_CLAIM_KEY;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_claim_key_async);
  op->scope = g_strdup (scope);
  op->key = g_strdup (key);
  op->now_us = now_us;
  op->ttl_us = ttl_us;
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_claim_key_finish:
 * @self: a store
 * @result: the result
 * @is_new: (out): whether the key was not remembered before
 * @error: return location for an error
 *
 * Returns: whether the claim was written
 */
gboolean
conduit_history_store_claim_key_finish (ConduitHistoryStore  *self,
                                        GAsyncResult         *result,
                                        gboolean             *is_new,
                                        GError              **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (is_new != NULL)
    *is_new = value != 0;
  return TRUE;
}

/**
 * conduit_history_store_prune_async:
 * @self: a store
 * @now_us: the current time
 * @cancellable: (nullable): a cancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes runs beyond the retention set with conduit_history_store_set_retention() and expired
 * duplicate keys, in the writer thread, then checkpoints the WAL.
 */
void
conduit_history_store_prune_async (ConduitHistoryStore *self,
                                   gint64               now_us,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Op *op;

  g_return_if_fail (CONDUIT_IS_HISTORY_STORE (self));

  op = g_new0 (Op, 1);
  op->type = OP_PRUNE;
  op->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (op->task, conduit_history_store_prune_async);
  op->now_us = now_us;
  conduit_history_push_op (self, op);
}

/**
 * conduit_history_store_prune_finish:
 * @self: a store
 * @result: the result
 * @n_deleted: (out) (optional): how many runs were deleted
 * @error: return location for an error
 *
 * Returns: whether pruning worked
 */
gboolean
conduit_history_store_prune_finish (ConduitHistoryStore  *self,
                                    GAsyncResult         *result,
                                    guint                *n_deleted,
                                    GError              **error)
{
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (n_deleted != NULL)
    *n_deleted = (guint)value;
  return TRUE;
}

/**
 * conduit_history_store_mark_handled:
 * @self: a store
 * @ids: the runs someone dealt with (re-ran, or looked at and dismissed)
 * @n_ids: how many
 * @error: return location for an error
 *
 * Failed and interrupted runs need attention: retention keeps them and the "needs attention"
 * list (#ConduitHistoryQuery.unhandled) shows them until they are marked handled. Blocks until
 * committed.
 *
 * Returns: whether the marks were committed
 */
gboolean
conduit_history_store_mark_handled (ConduitHistoryStore  *self,
                                    const gint64         *ids,
                                    guint                 n_ids,
                                    GError              **error)
{
  SyncWait wait = { 0 };
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);
  g_return_val_if_fail (ids != NULL || n_ids == 0, FALSE);

  op = g_new0 (Op, 1);
  op->type = OP_MARK_HANDLED;
  op->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (op->ids, ids, n_ids);
  return conduit_history_push_op_sync (self, op, &wait, error);
}

/**
 * conduit_history_store_flush:
 * @self: a store
 * @error: return location for an error
 *
 * Blocks until everything queued so far is committed. For the end of a command-line run and
 * for tests; the app never needs it.
 *
 * Returns: %FALSE when the store is closed
 */
gboolean
conduit_history_store_flush (ConduitHistoryStore  *self,
                             GError              **error)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  Op *op;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (self), FALSE);

  if (self->thread == NULL)
    {
      g_set_error (error, CONDUIT_HISTORY_STORE_ERROR, CONDUIT_HISTORY_STORE_ERROR_CLOSED,
                   _("The run history “%s” is closed"), self->path);
      return FALSE;
    }

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  op = g_new0 (Op, 1);
  op->type = OP_FLUSH;
  op->mutex = &mutex;
  op->cond = &cond;
  op->done = &done;
  conduit_history_push_urgent (self, op);

  g_mutex_lock (&mutex);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);

  g_cond_clear (&cond);
  g_mutex_clear (&mutex);
  return TRUE;
}
