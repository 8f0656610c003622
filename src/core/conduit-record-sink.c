/* conduit-record-sink.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-record-file"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "conduit-executor.h"
#include "conduit-record-file.h"
#include "conduit-record-sink.h"
#include "conduit-record-writer.h"

/* A file of records written a batch at a time (Write File in a streaming run), put in place in
 * one step at the end as conduit_records_write_path() does with a whole batch: a reader sees
 * the old file or the new one, never half of it.
 *
 * The batches go to a spool next to the file (same folder, so the last step is a rename),
 * as NDJSON, which needs nothing of the records that come later. At the commit: an NDJSON file
 * is the spool itself (after the old bytes, when appending); any other format is written from
 * the old records (appending) and the spool with the one record writer, CSV with every column
 * seen in either, in the order first seen. The old file is read only at the commit, under a
 * lock, so two runs appending to one file both land. Memory stays one batch whatever the size.
 */

struct _ConduitRecordSink
{
  char                *path;
  ConduitRecordFormat  format;
  char                *xml_path;
  char                *xml_template;
  gboolean             append;

  char                *spool_path;
  GOutputStream       *spool;
  ConduitRecordWriter *spool_writer;
  GPtrArray           *columns;      /* of char *, the new records' fields in order */
  GHashTable          *seen;         /* the same, as a set */
  gboolean             committed;
  gboolean             spool_renamed;  /* the spool became the file */
};

/* Two runs adding to one file must not both read its old content. */
G_LOCK_DEFINE_STATIC (commit_lock);

static GOutputStream *
create_next_to (const char  *path,
                char       **created_path,
                GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  g_autofree char *template = g_build_filename (dir, name, NULL);
  int fd;

  fd = g_mkstemp_full (template, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), path, g_strerror (saved));
      return NULL;
    }
  *created_path = g_steal_pointer (&template);
  {
    /* the buffered stream holds its own reference to the stream under it */
    g_autoptr(GOutputStream) under = g_unix_output_stream_new (fd, TRUE);

    return g_buffered_output_stream_new_sized (under, 64 * 1024);
  }
}

/**
 * conduit_record_sink_open:
 * @path: the file
 * @format: as for conduit_records_write_path()
 * @xml_path: (nullable): for XML, the path of the record elements
 * @xml_template: (nullable): for XML, the template each record is written as
 * @append: add to the file's records instead of replacing them
 * @error: return location for an error
 *
 * Starts writing @path a batch at a time. Blocks (it creates the spool): call it from a
 * worker thread.
 *
 * Returns: (transfer full): the sink, or %NULL with @error
 */
ConduitRecordSink *
conduit_record_sink_open (const char           *path,
                          ConduitRecordFormat   format,
                          const char           *xml_path,
                          const char           *xml_template,
                          gboolean              append,
                          GError              **error)
{
  g_autoptr(ConduitRecordSink) self = g_new0 (ConduitRecordSink, 1);

  g_return_val_if_fail (path != NULL, NULL);

  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = conduit_record_format_guess (path);
  if (format == CONDUIT_RECORD_FORMAT_AUTO)
    format = CONDUIT_RECORD_FORMAT_CSV;

  self->path = g_strdup (path);
  self->format = format;
  self->xml_path = g_strdup (xml_path != NULL && *xml_path != '\0' ? xml_path : NULL);
  self->xml_template = g_strdup (xml_template != NULL && *xml_template != '\0' ? xml_template
                                                                              : NULL);
  self->append = append;
  self->columns = g_ptr_array_new_with_free_func (g_free);
  self->seen = g_hash_table_new (g_str_hash, g_str_equal);

  self->spool = create_next_to (path, &self->spool_path, error);
  if (self->spool == NULL)
    return NULL;
  self->spool_writer = conduit_record_writer_new (self->spool, CONDUIT_RECORD_FORMAT_NDJSON);
  return g_steal_pointer (&self);
}

/**
 * conduit_record_sink_write:
 * @self: a sink
 * @records: (element-type JsonNode): the next batch
 * @error: return location for an error
 *
 * Returns: whether the batch is written (to the spool: the file changes at the commit)
 */
gboolean
conduit_record_sink_write (ConduitRecordSink  *self,
                           GPtrArray          *records,
                           GError            **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self != NULL && !self->committed, FALSE);

  for (guint i = 0; i < records->len; i++)
    {
      JsonNode *record = g_ptr_array_index (records, i);

      if (!conduit_record_writer_write (self->spool_writer, record, &local_error))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("Cannot write %s: %s"), self->path, local_error->message);
          return FALSE;
        }
      if (JSON_NODE_HOLDS_OBJECT (record))
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *value;

          json_object_iter_init_ordered (&iter, json_node_get_object (record));
          while (json_object_iter_next_ordered (&iter, &name, &value))
            if (!g_hash_table_contains (self->seen, name))
              {
                char *copy = g_strdup (name);

                g_ptr_array_add (self->columns, copy);
                g_hash_table_add (self->seen, copy);
              }
        }
    }
  return TRUE;
}

/* Calls @each for every record of @path (the old file, or the spool); %FALSE with @error when
 * it cannot be read whole: rewriting a file without a record it holds would lose it. */
static gboolean
each_record (const char           *path,
             ConduitRecordFormat   format,
             const char           *xml_path,
             gboolean            (*each) (JsonNode *record, gpointer data, GError **error),
             gpointer              data,
             GError              **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;

  stream = g_file_read (file, NULL, error);
  if (stream == NULL)
    return FALSE;
  reader = conduit_record_reader_new (G_INPUT_STREAM (stream), format);
  if (format == CONDUIT_RECORD_FORMAT_XML)
    conduit_record_reader_set_xml_path (reader, xml_path);

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) record = conduit_record_reader_next (reader, &local_error);

      if (record == NULL && local_error == NULL)
        return TRUE;
      if (record == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!each (record, data, error))
        return FALSE;
    }
}

static gboolean
add_columns (JsonNode  *record,
             gpointer   data,
             GError   **error)
{
  GPtrArray *columns = data;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (record))
    return TRUE;
  json_object_iter_init_ordered (&iter, json_node_get_object (record));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    if (!g_ptr_array_find_with_equal_func (columns, name, g_str_equal, NULL))
      g_ptr_array_add (columns, g_strdup (name));
  return TRUE;
}

static gboolean
write_record (JsonNode  *record,
              gpointer   data,
              GError   **error)
{
  return conduit_record_writer_write (CONDUIT_RECORD_WRITER (data), record, error);
}

static gboolean
copy_bytes (const char     *path,
            GOutputStream  *out,
            gboolean        end_line,
            GError        **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = g_file_read (file, NULL, error);
  char buffer[64 * 1024];
  char last = '\n';

  if (in == NULL)
    return FALSE;
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        break;
      last = buffer[n - 1];
      if (!g_output_stream_write_all (out, buffer, n, NULL, NULL, error))
        return FALSE;
    }
  /* NDJSON lines stand alone: ours start on a line of their own */
  if (end_line && last != '\n')
    return g_output_stream_write_all (out, "\n", 1, NULL, NULL, error);
  return TRUE;
}

/* Writes the file's new content next to it; returns its path. Called under commit_lock. */
static char *
assemble (ConduitRecordSink  *self,
          gboolean            old_exists,
          GError            **error)
{
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(ConduitRecordWriter) writer = NULL;
  g_autofree char *out_path = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) columns = NULL;

  out = create_next_to (self->path, &out_path, error);
  if (out == NULL)
    return NULL;

  if (self->format == CONDUIT_RECORD_FORMAT_NDJSON)
    {
      if (!copy_bytes (self->path, out, TRUE, &local_error) ||
          !copy_bytes (self->spool_path, out, FALSE, &local_error) ||
          !g_output_stream_close (out, NULL, &local_error))
        goto failed;
      return g_steal_pointer (&out_path);
    }

  writer = conduit_record_writer_new (out, self->format);
  if (self->xml_path != NULL)
    conduit_record_writer_set_xml_path (writer, self->xml_path);
  if (self->xml_template != NULL &&
      !conduit_record_writer_set_xml_template (writer, self->xml_template, &local_error))
    goto failed;

  if (self->format == CONDUIT_RECORD_FORMAT_CSV || self->format == CONDUIT_RECORD_FORMAT_XLSX)
    {
      columns = g_ptr_array_new_with_free_func (g_free);
      if (old_exists && !each_record (self->path, self->format, self->xml_path, add_columns,
                                      columns, &local_error))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                       _("Cannot add to %s: %s"), self->path, local_error->message);
          goto removed;
        }
      for (guint i = 0; i < self->columns->len; i++)
        if (!g_ptr_array_find_with_equal_func (columns, g_ptr_array_index (self->columns, i),
                                               g_str_equal, NULL))
          g_ptr_array_add (columns, g_strdup (g_ptr_array_index (self->columns, i)));
      g_ptr_array_add (columns, NULL);
      conduit_record_writer_set_columns (writer, (const char * const *)columns->pdata);
    }

  if (old_exists && !each_record (self->path, self->format, self->xml_path, write_record, writer,
                                  &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot add to %s: %s"), self->path, local_error->message);
      goto removed;
    }
  if (!each_record (self->spool_path, CONDUIT_RECORD_FORMAT_NDJSON, NULL, write_record, writer,
                    &local_error) ||
      !conduit_record_writer_finish (writer, &local_error) ||
      !g_output_stream_close (out, NULL, &local_error))
    goto failed;
  return g_steal_pointer (&out_path);

failed:
  g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
               _("Cannot write %s: %s"), self->path, local_error->message);
removed:
  g_output_stream_close (out, NULL, NULL);
  g_unlink (out_path);
  return NULL;
}

/**
 * conduit_record_sink_commit:
 * @self: a sink
 * @error: return location for an error
 *
 * Puts the file in place: the old records (when appending) and every batch written, in one
 * rename. Blocks: call it from a worker thread.
 *
 * Returns: whether the file was written
 */
gboolean
conduit_record_sink_commit (ConduitRecordSink  *self,
                            GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *final = NULL;
  gboolean old_exists;

  g_return_val_if_fail (self != NULL && !self->committed, FALSE);

  if (!conduit_record_writer_finish (self->spool_writer, &local_error) ||
      !g_output_stream_close (self->spool, NULL, &local_error))
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), self->path, local_error->message);
      return FALSE;
    }

  G_LOCK (commit_lock);
  old_exists = self->append && g_file_test (self->path, G_FILE_TEST_EXISTS);
  if (self->format == CONDUIT_RECORD_FORMAT_NDJSON && !old_exists)
    final = g_strdup (self->spool_path);   /* the spool is the file */
  else
    final = assemble (self, old_exists, error);

  if (final != NULL && g_rename (final, self->path) != 0)
    {
      int saved = errno;

      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FILE,
                   _("Cannot write %s: %s"), self->path, g_strerror (saved));
      if (g_strcmp0 (final, self->spool_path) != 0)
        g_unlink (final);
      g_clear_pointer (&final, g_free);
    }
  G_UNLOCK (commit_lock);

  if (final == NULL)
    return FALSE;
  self->committed = TRUE;
  self->spool_renamed = g_strcmp0 (final, self->spool_path) == 0;
  return TRUE;
}

/**
 * conduit_record_sink_free:
 * @self: (nullable): a sink
 *
 * Frees the sink; a file not committed is left as it was (the spool is removed).
 */
void
conduit_record_sink_free (ConduitRecordSink *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->spool_writer);
  if (self->spool != NULL)
    g_output_stream_close (self->spool, NULL, NULL);
  g_clear_object (&self->spool);
  if (self->spool_path != NULL && !self->spool_renamed)
    g_unlink (self->spool_path);
  g_free (self->spool_path);
  g_free (self->path);
  g_free (self->xml_path);
  g_free (self->xml_template);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->seen, g_hash_table_unref);
  g_free (self);
}
