/* conduit-executor-sftp.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-sftp"

#include "config.h"

#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "conduit-executor-sftp.h"
#include "conduit-executor-text.h"
#include "conduit-record-file.h"
#include "conduit-run.h"
#include "conduit-sftp.h"

/* Upload File (SFTP) and Download File (SFTP). The paths are templates, rendered per item on
 * the run's thread; the transfers run in a worker thread over one libssh session per batch
 * (conduit-sftp.c), one file after another. Files go through a temporary local file, so the
 * one record reader and writer (Read File, Write File) do the formats and nothing is held in
 * memory whole. A connection that fails (host key, sign-in) fails the node; a file that fails
 * sends its items to the error port with the reason, and the other files go on. */

/* ---- what both steps share ------------------------------------------------------------ */

typedef struct
{
  JsonNode *item;         /* the input item it came from */
  GPtrArray *items;       /* (element-type JsonNode): upload of items: the file's records */
  char     *remote_path;
  char     *local_path;   /* (nullable): upload of a local file */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->item, json_node_unref);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_free (job->remote_path);
  g_free (job->local_path);
  g_free (job);
}

typedef struct
{
  GPtrArray             *jobs;     /* (element-type Job) */
  ConduitExecutorOutput *output;   /* items that failed before the transfer */
  ConduitSftpServer     *server;
  GTaskThreadFunc        thread;
} Batch;

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify)job_free);
  batch->output = conduit_executor_output_new ();
  return batch;
}

static void
batch_free (Batch *batch)
{
  g_ptr_array_unref (batch->jobs);
  g_clear_pointer (&batch->output, conduit_executor_output_free);
  g_clear_pointer (&batch->server, conduit_sftp_server_free);
  g_free (batch);
}

static gboolean
compile_template (ConduitNode          *node,
                  ConduitConnector     *connector,
                  const char           *key,
                  const char           *where,
                  ConduitExecutorText **text,
                  GError              **error)
{
  g_autofree char *value = conduit_node_dup_string_setting (node, connector, key);

  if (value == NULL || *value == '\0')
    return TRUE;
  *text = conduit_executor_text_new_template (value, where, error);
  return *text != NULL;
}

static gboolean
check_credential_setting (const char  *node_id,
                          const char  *credential_id,
                          GError     **error)
{
  if (credential_id == NULL || *credential_id == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs a file server credential (sftp)"), node_id);
      return FALSE;
    }
  return TRUE;
}

/* A connection that fails says so as the executor's credential or general error, which the
 * run explains; the SFTP error's kind goes in front for the person reading the history. */
static GError *
connection_error (GError *error)
{
  GError *result;
  int code = CONDUIT_EXECUTOR_ERROR_FAILED;

  if (error->domain == CONDUIT_SFTP_ERROR &&
      (error->code == CONDUIT_SFTP_ERROR_AUTH || error->code == CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN ||
       error->code == CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED))
    code = CONDUIT_EXECUTOR_ERROR_CREDENTIAL;
  result = g_error_new_literal (CONDUIT_EXECUTOR_ERROR, code, error->message);
  g_error_free (error);
  return result;
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Batch *batch = g_task_get_task_data (task);
  g_autoptr(ConduitCredential) credential = NULL;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  batch->server = conduit_sftp_server_new_from_credential (credential, &error);
  if (batch->server == NULL)
    {
      g_task_return_error (task, connection_error (error));
      return;
    }
  g_task_run_in_thread (task, batch->thread);
}

/* Looks the credential up on the run's thread (the keyring is async), then runs @thread. */
static void
start_batch (GTask           *task,
             ConduitRun      *run,
             const char      *credential_id,
             Batch           *batch,
             GTaskThreadFunc  thread,
             GCancellable    *cancellable)
{
  batch->thread = thread;
  g_task_set_task_data (task, batch, (GDestroyNotify)batch_free);

  if (batch->jobs->len == 0)
    {
      ConduitExecutorOutput *output = g_steal_pointer (&batch->output);

      g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
      g_object_unref (task);
      return;
    }
  conduit_run_lookup_credential_async (run, credential_id, cancellable, credential_cb, task);
}

static void
fail_job (ConduitExecutorOutput *output,
          Job                   *job,
          const GError          *error)
{
  const char *kind = conduit_sftp_error_kind (error);

  if (job->items != NULL)
    {
      for (guint i = 0; i < job->items->len; i++)
        conduit_executor_output_add_error (output, "error", g_ptr_array_index (job->items, i),
                                           kind, error->message, 0, 1);
    }
  else
    conduit_executor_output_add_error (output, "error", job->item, kind,
                                       error->message, 0, 1);
}

/* ---- Upload File (SFTP) ------------------------------------------------------------------ */

struct _ConduitExecutorSftpUpload
{
  GObject              parent_instance;

  char                *node_id;
  char                *credential_id;
  ConduitExecutorText *remote_path;
  ConduitExecutorText *local_path;   /* (nullable): "local-file" */
  ConduitRecordFormat  format;
  gboolean             replace;
  guint                timeout_s;
};

static void upload_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorSftpUpload, conduit_executor_sftp_upload,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, upload_iface_init))

static void
conduit_executor_sftp_upload_finalize (GObject *object)
{
  ConduitExecutorSftpUpload *self = (ConduitExecutorSftpUpload *)object;

  g_free (self->node_id);
  g_free (self->credential_id);
  g_clear_pointer (&self->remote_path, conduit_executor_text_free);
  g_clear_pointer (&self->local_path, conduit_executor_text_free);

  G_OBJECT_CLASS (conduit_executor_sftp_upload_parent_class)->finalize (object);
}

static void
conduit_executor_sftp_upload_class_init (ConduitExecutorSftpUploadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_sftp_upload_finalize;
}

static void
conduit_executor_sftp_upload_init (ConduitExecutorSftpUpload *self)
{
}

static gboolean
upload_prepare (ConduitExecutor  *executor,
                ConduitRun       *run,
                ConduitNode      *node,
                GError          **error)
{
  ConduitExecutorSftpUpload *self = CONDUIT_EXECUTOR_SFTP_UPLOAD (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *source = conduit_node_dup_string_setting (node, connector, "source");
  g_autofree char *format = conduit_node_dup_string_setting (node, connector, "format");
  g_autofree char *if_exists = conduit_node_dup_string_setting (node, connector, "if_exists");

  self->node_id = g_strdup (conduit_node_get_id (node));
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  self->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 60), 1, 600);
  self->replace = g_strcmp0 (if_exists, "fail") != 0;
  if (!check_credential_setting (self->node_id, self->credential_id, error))
    return FALSE;

  if (!compile_template (node, connector, "remote_path", _("the file on the server"),
                         &self->remote_path, error))
    return FALSE;
  if (self->remote_path == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs the path of the file on the server"), self->node_id);
      return FALSE;
    }

  if (g_strcmp0 (source, "local-file") == 0)
    {
      if (!compile_template (node, connector, "local_path", _("the local file"),
                             &self->local_path, error))
        return FALSE;
      if (self->local_path == NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("“%s” uploads a local file per item, and needs its path"),
                       self->node_id);
          return FALSE;
        }
    }
  else if (source != NULL && !g_str_equal (source, "items"))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” cannot upload “%s”; it uploads items or local-file"), self->node_id,
                   source);
      return FALSE;
    }

  self->format = CONDUIT_RECORD_FORMAT_AUTO;
  if (format != NULL && !g_str_equal (format, "auto") &&
      !conduit_record_format_from_name (format, &self->format))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” cannot write the format “%s”"), self->node_id, format);
      return FALSE;
    }
  return TRUE;
}

/* Writes @job's records into a temporary local file in @format. */
static char *
write_records (Job                 *job,
               ConduitRecordFormat  format,
               GError             **error)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("conduit-sftp-upload-XXXXXX", &path, error);

  if (fd < 0)
    return NULL;
  close (fd);
  if (!conduit_records_write_path_full (path, job->items, format, NULL, NULL, FALSE, error))
    {
      g_unlink (path);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static void
upload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ConduitExecutorSftpUpload *self = source_object;
  Batch *batch = task_data;
  g_autoptr(ConduitExecutorOutput) output = g_steal_pointer (&batch->output);
  g_autoptr(ConduitSftpSession) session = NULL;
  GError *error = NULL;

  session = conduit_sftp_session_open (batch->server, self->timeout_s, NULL, &error);
  if (session == NULL)
    {
      g_task_return_error (task, connection_error (error));
      return;
    }

  for (guint i = 0; i < batch->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (batch->jobs, i);
      g_autoptr(GError) job_error = NULL;
      g_autofree char *temporary = NULL;
      g_autoptr(GFile) file = NULL;
      g_autoptr(GFileInputStream) input = NULL;
      g_autofree char *name = g_path_get_basename (job->remote_path);
      const char *local = job->local_path;
      guint64 sent = 0;
      JsonObject *object;

      if (local == NULL)
        {
          ConduitRecordFormat format = self->format != CONDUIT_RECORD_FORMAT_AUTO
                                       ? self->format
                                       : conduit_record_format_guess (job->remote_path);

          if (format == CONDUIT_RECORD_FORMAT_AUTO)
            {
              g_set_error (&job_error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_FAILED,
                           _("The name “%s” says no format (.csv, .json, .ndjson, .xlsx, .xml); "
                             "choose one in the step"), job->remote_path);
              fail_job (output, job, job_error);
              continue;
            }
          temporary = write_records (job, format, &job_error);
          if (temporary == NULL)
            {
              fail_job (output, job, job_error);
              continue;
            }
          local = temporary;
        }

      file = g_file_new_for_path (local);
      input = g_file_read (file, cancellable, &job_error);
      if (input == NULL ||
          !conduit_sftp_session_upload (session, job->remote_path, G_INPUT_STREAM (input),
                                        self->replace, cancellable, &sent, &job_error))
        {
          if (temporary != NULL)
            g_unlink (temporary);
          fail_job (output, job, job_error);
          if (g_error_matches (job_error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT))
            {
              /* the connection is gone: the files after this one cannot go either */
              for (guint j = i + 1; j < batch->jobs->len; j++)
                fail_job (output, g_ptr_array_index (batch->jobs, j), job_error);
              break;
            }
          continue;
        }
      if (temporary != NULL)
        g_unlink (temporary);

      object = json_object_new ();
      json_object_set_string_member (object, "path", job->remote_path);
      json_object_set_string_member (object, "name", name);
      json_object_set_int_member (object, "size", (gint64)sent);
      if (job->items != NULL)
        json_object_set_int_member (object, "records", job->items->len);
      else
        json_object_set_string_member (object, "local_path", job->local_path);
      conduit_executor_output_add (output, "out",
                                   json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
upload_execute_async (ConduitExecutor     *executor,
                      ConduitRun          *run,
                      ConduitNode         *node,
                      GPtrArray           *items,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  ConduitExecutorSftpUpload *self = CONDUIT_EXECUTOR_SFTP_UPLOAD (executor);
  GTask *task = g_task_new (executor, cancellable, callback, user_data);
  g_autoptr(GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);
  Batch *batch = batch_new ();

  g_task_set_source_tag (task, upload_execute_async);

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *remote = conduit_executor_text_render (self->remote_path, item, &error);
      g_autofree char *local = NULL;
      Job *job;

      if (remote != NULL && *remote == '\0')
        g_set_error (&error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                     _("The path on the server came out empty for this item"));
      if (error == NULL && self->local_path != NULL)
        local = conduit_executor_text_render (self->local_path, item, &error);
      if (error != NULL)
        {
          conduit_executor_output_add_error (batch->output, "error", item,
                                             "template", error->message, 0, 0);
          continue;
        }

      /* items for the same file go into it together, in their order */
      job = self->local_path == NULL ? g_hash_table_lookup (by_path, remote) : NULL;
      if (job == NULL)
        {
          job = g_new0 (Job, 1);
          job->item = json_node_ref (item);
          job->remote_path = g_steal_pointer (&remote);
          job->local_path = g_steal_pointer (&local);
          if (self->local_path == NULL)
            {
              job->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
              g_hash_table_insert (by_path, job->remote_path, job);
            }
          g_ptr_array_add (batch->jobs, job);
        }
      if (job->items != NULL)
        g_ptr_array_add (job->items, json_node_ref (item));
    }

  start_batch (task, run, self->credential_id, batch, upload_thread, cancellable);
}

static void
upload_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = upload_prepare;
  iface->execute_async = upload_execute_async;
}

/* ---- Download File (SFTP) ---------------------------------------------------------------- */

struct _ConduitExecutorSftpDownload
{
  GObject              parent_instance;

  char                *node_id;
  char                *credential_id;
  ConduitExecutorText *remote_path;
  gboolean             as_file;
  ConduitRecordFormat  format;
  char                 delimiter;
  char                *sheet;
  guint                header_row;
  guint64              max_bytes;
  guint                timeout_s;
};

static void download_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorSftpDownload, conduit_executor_sftp_download,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, download_iface_init))

static void
conduit_executor_sftp_download_finalize (GObject *object)
{
  ConduitExecutorSftpDownload *self = (ConduitExecutorSftpDownload *)object;

  g_free (self->node_id);
  g_free (self->credential_id);
  g_free (self->sheet);
  g_clear_pointer (&self->remote_path, conduit_executor_text_free);

  G_OBJECT_CLASS (conduit_executor_sftp_download_parent_class)->finalize (object);
}

static void
conduit_executor_sftp_download_class_init (ConduitExecutorSftpDownloadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_sftp_download_finalize;
}

static void
conduit_executor_sftp_download_init (ConduitExecutorSftpDownload *self)
{
}

static gboolean
download_prepare (ConduitExecutor  *executor,
                  ConduitRun       *run,
                  ConduitNode      *node,
                  GError          **error)
{
  ConduitExecutorSftpDownload *self = CONDUIT_EXECUTOR_SFTP_DOWNLOAD (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *output = conduit_node_dup_string_setting (node, connector, "output");
  g_autofree char *format = conduit_node_dup_string_setting (node, connector, "format");
  g_autofree char *delimiter = conduit_node_dup_string_setting (node, connector, "delimiter");

  self->node_id = g_strdup (conduit_node_get_id (node));
  self->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  self->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 60), 1, 600);
  self->max_bytes = (guint64)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                  "max_megabytes", 100),
                                    1, 100000) * 1024 * 1024;
  self->header_row = (guint)CLAMP (conduit_node_get_int_setting (node, connector, "header_row", 0),
                                   0, G_MAXINT32);
  self->delimiter = conduit_records_delimiter_from_name (delimiter);
  self->sheet = conduit_node_dup_string_setting (node, connector, "sheet");
  if (self->sheet != NULL && *self->sheet == '\0')
    g_clear_pointer (&self->sheet, g_free);
  if (self->sheet == NULL)
    {
      /* as in Read File: the sheet is a workbook's, the record path an XML document's */
      self->sheet = conduit_node_dup_string_setting (node, connector, "record_path");
      if (self->sheet != NULL && *self->sheet == '\0')
        g_clear_pointer (&self->sheet, g_free);
    }

  if (!check_credential_setting (self->node_id, self->credential_id, error))
    return FALSE;
  if (!compile_template (node, connector, "remote_path", _("the file on the server"),
                         &self->remote_path, error))
    return FALSE;
  if (self->remote_path == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs the path of the file on the server"), self->node_id);
      return FALSE;
    }
  if (output != NULL && !g_str_equal (output, "records") && !g_str_equal (output, "file"))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” cannot pass on “%s”; it passes on records or file"), self->node_id,
                   output);
      return FALSE;
    }
  self->as_file = g_strcmp0 (output, "file") == 0;
  self->format = CONDUIT_RECORD_FORMAT_AUTO;
  if (format != NULL && !g_str_equal (format, "auto") &&
      !conduit_record_format_from_name (format, &self->format))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” cannot read the format “%s”"), self->node_id, format);
      return FALSE;
    }
  return TRUE;
}

static const char *
content_type_of (const char *name)
{
  static const struct { const char *suffix; const char *type; } types[] = {
    { ".csv", "text/csv" },
    { ".json", "application/json" },
    { ".ndjson", "application/x-ndjson" },
    { ".xml", "application/xml" },
    { ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
    { ".txt", "text/plain" },
    { ".pdf", "application/pdf" },
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (lower, types[i].suffix))
      return types[i].type;
  return "application/octet-stream";
}

/* The file as one item: what it is, how many records it holds when its format is one Conduit
 * reads, and its bytes, also as an attachment Send E-mail can take as it is. */
static JsonNode *
file_item (ConduitExecutorSftpDownload  *self,
           ConduitSftpEntry             *entry,
           const char                   *local,
           GError                      **error)
{
  g_autoptr(JsonNode) node = conduit_sftp_entry_to_json (entry);
  JsonObject *object = json_node_get_object (node);
  ConduitRecordFormat format = self->format != CONDUIT_RECORD_FORMAT_AUTO
                               ? self->format : conduit_record_format_guess (entry->name);
  g_autofree char *contents = NULL;
  g_autofree char *base64 = NULL;
  JsonObject *attachment;
  JsonArray *attachments;
  gsize length = 0;

  if (!g_file_get_contents (local, &contents, &length, error))
    return NULL;
  base64 = g_base64_encode ((const guchar *)contents, length);
  json_object_set_string_member (object, "type", content_type_of (entry->name));
  json_object_set_string_member (object, "content", base64);

  if (format != CONDUIT_RECORD_FORMAT_AUTO)
    {
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(GError) read_error = NULL;

      records = conduit_records_read_path_full (local, format, self->delimiter, self->sheet,
                                                self->header_row, 0, problems, &read_error);
      if (records != NULL)
        json_object_set_int_member (object, "record_count", records->len);
      else
        json_object_set_string_member (object, "read_error", read_error->message);
    }

  attachment = json_object_new ();
  json_object_set_string_member (attachment, "name", entry->name);
  json_object_set_string_member (attachment, "type", content_type_of (entry->name));
  json_object_set_string_member (attachment, "content", base64);
  attachments = json_array_new ();
  json_array_add_object_element (attachments, attachment);
  json_object_set_array_member (object, "attachments", attachments);
  return g_steal_pointer (&node);
}

static gboolean
download_one (ConduitExecutorSftpDownload  *self,
              ConduitSftpSession           *session,
              Job                          *job,
              ConduitExecutorOutput        *output,
              GCancellable                 *cancellable,
              GError                      **error)
{
  g_autoptr(ConduitSftpEntry) entry = NULL;
  g_autoptr(GOutputStream) stream = NULL;
  g_autofree char *local = NULL;
  gboolean ok = FALSE;
  int fd;

  if (!conduit_sftp_session_stat (session, job->remote_path, &entry, error))
    return FALSE;
  if (!entry->is_regular)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_FAILED,
                   _("“%s” is a folder or a special file, not a file to download"),
                   job->remote_path);
      return FALSE;
    }

  fd = g_file_open_tmp ("conduit-sftp-download-XXXXXX", &local, error);
  if (fd < 0)
    return FALSE;
  stream = g_unix_output_stream_new (fd, TRUE);
  if (!conduit_sftp_session_download (session, job->remote_path, stream, self->max_bytes,
                                      cancellable, NULL, error) ||
      !g_output_stream_close (stream, cancellable, error))
    goto out;

  if (self->as_file)
    {
      JsonNode *item = file_item (self, entry, local, error);

      if (item == NULL)
        goto out;
      conduit_executor_output_add (output, "out", item);
    }
  else
    {
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_autoptr(GPtrArray) records = NULL;
      ConduitRecordFormat format = self->format != CONDUIT_RECORD_FORMAT_AUTO
                                   ? self->format : conduit_record_format_guess (entry->name);

      records = conduit_records_read_path_full (local, format, self->delimiter, self->sheet,
                                                self->header_row, 0, problems, error);
      if (records == NULL)
        {
          g_prefix_error (error, "%s: ", job->remote_path);
          goto out;
        }
      for (guint i = 0; i < records->len; i++)
        conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (records, i)));
      for (guint i = 0; i < problems->len; i++)
        {
          JsonObject *problem = json_node_get_object (g_ptr_array_index (problems, i));
          g_autofree char *message = g_strdup_printf ("%s: %s", job->remote_path,
                                                      json_object_get_string_member (problem,
                                                                                     "message"));
          g_autoptr(JsonNode) item = json_node_copy (g_ptr_array_index (problems, i));

          json_object_remove_member (json_node_get_object (item), "message");
          conduit_executor_output_add_error (output, "error", item, "record",
                                             message, 0, 0);
        }
    }
  ok = TRUE;

out:
  g_unlink (local);
  return ok;
}

static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ConduitExecutorSftpDownload *self = source_object;
  Batch *batch = task_data;
  g_autoptr(ConduitExecutorOutput) output = g_steal_pointer (&batch->output);
  g_autoptr(ConduitSftpSession) session = NULL;
  GError *error = NULL;

  session = conduit_sftp_session_open (batch->server, self->timeout_s, NULL, &error);
  if (session == NULL)
    {
      g_task_return_error (task, connection_error (error));
      return;
    }

  for (guint i = 0; i < batch->jobs->len; i++)
    {
      Job *job = g_ptr_array_index (batch->jobs, i);
      g_autoptr(GError) job_error = NULL;

      if (download_one (self, session, job, output, cancellable, &job_error))
        continue;
      fail_job (output, job, job_error);
      if (g_error_matches (job_error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT) ||
          g_error_matches (job_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          for (guint j = i + 1; j < batch->jobs->len; j++)
            fail_job (output, g_ptr_array_index (batch->jobs, j), job_error);
          break;
        }
    }

  g_task_return_pointer (task, g_steal_pointer (&output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static void
download_execute_async (ConduitExecutor     *executor,
                        ConduitRun          *run,
                        ConduitNode         *node,
                        GPtrArray           *items,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  ConduitExecutorSftpDownload *self = CONDUIT_EXECUTOR_SFTP_DOWNLOAD (executor);
  GTask *task = g_task_new (executor, cancellable, callback, user_data);
  Batch *batch = batch_new ();

  g_task_set_source_tag (task, download_execute_async);

  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *remote = conduit_executor_text_render (self->remote_path, item, &error);
      Job *job;

      if (remote != NULL && *remote == '\0')
        g_set_error (&error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                     _("The path on the server came out empty for this item"));
      if (error != NULL)
        {
          conduit_executor_output_add_error (batch->output, "error", item,
                                             "template", error->message, 0, 0);
          continue;
        }
      job = g_new0 (Job, 1);
      job->item = json_node_ref (item);
      job->remote_path = g_steal_pointer (&remote);
      g_ptr_array_add (batch->jobs, job);
    }

  start_batch (task, run, self->credential_id, batch, download_thread, cancellable);
}

static void
download_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = download_prepare;
  iface->execute_async = download_execute_async;
}
