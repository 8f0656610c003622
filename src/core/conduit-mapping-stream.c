/* conduit-mapping-stream.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-mapping-private.h"
#include "conduit-mapping-stream.h"
#include "conduit-record-reader-private.h"

/* Records stay arena values from the reader to the writers, and the arena is reset for every
 * record, so memory does not grow with the input. Output is written in blocks. */

#define FLUSH_SIZE (64 * 1024)

typedef struct
{
  GOutputStream *stream;
  GString       *buffer;
} Sink;

static gboolean
sink_flush (Sink          *sink,
            GCancellable  *cancellable,
            GError       **error)
{
  gboolean ok = TRUE;

  if (sink->buffer->len > 0)
    ok = g_output_stream_write_all (sink->stream, sink->buffer->str, sink->buffer->len, NULL,
                                    cancellable, error);
  g_string_truncate (sink->buffer, 0);
  return ok;
}

static const char *
position_name (ConduitRecordFormat format)
{
  switch (format)
    {
    case CONDUIT_RECORD_FORMAT_CSV: return "row";
    case CONDUIT_RECORD_FORMAT_JSON: return "item";
    case CONDUIT_RECORD_FORMAT_NDJSON:
    case CONDUIT_RECORD_FORMAT_AUTO:
    default:
      return "line";
    }
}

/* Printable ASCII without a quote or a backslash: text that JSON writes as it is. */
static gboolean
is_plain_ascii (const char *text)
{
  for (const guchar *p = (const guchar *)text; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7E || *p == '"' || *p == '\\')
      return FALSE;
  return TRUE;
}

static void
write_reason (GString    *out,
              const char *field,
              const char *rule,
              JsonNode   *value,
              const char *message)
{
  g_string_append (out, "{\"field\":");
  conduit_value_write_json_string (out, field, strlen (field));
  g_string_append (out, ",\"rule\":");
  conduit_value_write_json_string (out, rule, strlen (rule));
  g_string_append (out, ",\"value\":");
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    g_string_append (out, "null");
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
           is_plain_ascii (json_node_get_string (value)))
    {
      /* the value of most reasons (a refused e-mail address): what json_to_string() writes
       * for it, without a generator object per reason */
      g_string_append_c (out, '"');
      g_string_append (out, json_node_get_string (value));
      g_string_append_c (out, '"');
    }
  else
    {
      g_autofree char *text = json_to_string (value, FALSE);

      g_string_append (out, text);
    }
  g_string_append (out, ",\"message\":");
  conduit_value_write_json_string (out, message, strlen (message));
  g_string_append_c (out, '}');
}

static void
write_position (GString *out,
                guint64  position)
{
  char buffer[24];
  char *p = buffer + sizeof buffer;

  do
    {
      *--p = '0' + position % 10;
      position /= 10;
    }
  while (position > 0);
  g_string_append_len (out, p, buffer + sizeof buffer - p);
}

static void
write_rejected (GString            *out,
                ConduitRecordFormat format,
                guint64             position,
                const ConduitValue *record,
                GPtrArray          *reasons)
{
  /* {"line":12,"record":…: without printf, a visible cost per rejected record */
  g_string_append (out, "{\"");
  g_string_append (out, position_name (format));
  g_string_append (out, "\":");
  write_position (out, position);
  g_string_append (out, ",\"record\":");
  conduit_value_write_json (out, record);
  g_string_append (out, ",\"reasons\":[");
  for (guint i = 0; i < reasons->len; i++)
    {
      ConduitMappingReason *reason = g_ptr_array_index (reasons, i);

      if (i > 0)
        g_string_append_c (out, ',');
      write_reason (out, reason->field, reason->rule, reason->value, reason->message);
    }
  g_string_append (out, "]}\n");
}

/* The raw text of a record that could not be read may hold bytes that are not UTF-8: copied
 * as they are, the rejected output would not be JSON text any more, so they are replaced
 * with U+FFFD and the reason says so. */
static void
write_unreadable (GString            *out,
                  ConduitRecordFormat format,
                  guint64             position,
                  const char         *raw,
                  gsize               raw_len,
                  const char         *message)
{
  g_autofree char *valid = NULL;
  g_autofree char *full_message = NULL;

  if (!g_utf8_validate_len (raw, raw_len, NULL))
    {
      valid = g_utf8_make_valid (raw, raw_len);
      raw = valid;
      raw_len = strlen (valid);
      full_message = g_strdup_printf (_("%s; bytes that are not UTF-8 text are replaced with U+FFFD in “raw”"),
                                      message);
      message = full_message;
    }

  g_string_append_printf (out, "{\"%s\":%" G_GUINT64_FORMAT ",\"raw\":", position_name (format),
                          position);
  conduit_value_write_json_string (out, raw, raw_len);
  g_string_append (out, ",\"reasons\":[");
  write_reason (out, "", "format", NULL, message);
  g_string_append (out, "]}\n");
}

typedef struct
{
  ConduitJsonReader *json;
  GPtrArray         *reasons;
  char              *line;
} Shaper;

/* Replaces the rejected line that starts at @start of @out with what @mapping makes of it.
 * The line is read back as a value rather than built twice: rejections are the rare case.
 * When the shaping mapping refuses the line too, the line is kept as it is, with the shaping
 * mapping's reasons added, so that no rejected record is lost. */
static void
shape_rejected (ConduitMapping *mapping,
                Shaper         *shaper,
                ConduitArena   *arena,
                GString        *out,
                gsize           start)
{
  gsize length = out->len - start - 1;   /* without its \n */
  const char *message = NULL;
  gsize offset = 0;
  ConduitValue *line, *shaped = NULL;

  if (shaper->json == NULL)
    {
      shaper->json = conduit_json_reader_new ();
      shaper->reasons = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);
    }
  g_free (shaper->line);
  shaper->line = g_strndup (out->str + start, length);
  line = conduit_json_reader_parse (shaper->json, arena, shaper->line, length, &offset, &message);
  g_assert (line != NULL);   /* written by write_rejected() or write_unreadable() */

  g_string_truncate (out, start);
  if (conduit_mapping_apply_value (mapping, arena, line, &shaped, shaper->reasons))
    {
      conduit_value_write_json (out, shaped);
      g_string_append_c (out, '\n');
      return;
    }

  /* {"line":…,"reasons":[…]} → {"line":…,"reasons":[…],"shaping_reasons":[…]} */
  g_string_append_len (out, shaper->line, length - 1);
  g_string_append (out, ",\"shaping_reasons\":[");
  for (guint i = 0; i < shaper->reasons->len; i++)
    {
      ConduitMappingReason *reason = g_ptr_array_index (shaper->reasons, i);

      if (i > 0)
        g_string_append_c (out, ',');
      write_reason (out, reason->field, reason->rule, reason->value, reason->message);
    }
  g_string_append (out, "]}\n");
  g_ptr_array_set_size (shaper->reasons, 0);
}

static gboolean
stream_run_serial (ConduitMapping             *mapping,
                   ConduitMapping             *rejected_mapping,
                   ConduitRecordReader        *reader,
                   GOutputStream              *output,
                   GOutputStream              *rejected,
                   ConduitMappingStreamCounts *counts,
                   GCancellable               *cancellable,
                   GError                    **error)
{
  g_autoptr(ConduitArena) arena = conduit_arena_new ();
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GString) out_buffer = g_string_sized_new (FLUSH_SIZE * 2);
  g_autoptr(GString) rejected_buffer = g_string_sized_new (FLUSH_SIZE * 2);
  Sink out = { output, out_buffer };
  Sink refused = { rejected, rejected_buffer };
  GError *local_error = NULL;
  gboolean ok = TRUE;
  Shaper shaper = { 0 };

  memset (counts, 0, sizeof *counts);
  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);

  for (;;)
    {
      ConduitValue *record = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        {
          ok = FALSE;
          break;
        }

      conduit_arena_reset (arena);
      if (!conduit_record_reader_next_value (reader, arena, &record, &local_error))
        {
          const char *raw;
          gsize raw_len;
          gsize line_start;

          if (local_error == NULL)
            break;
          if (!g_error_matches (local_error, CONDUIT_RECORD_READER_ERROR,
                                CONDUIT_RECORD_READER_ERROR_RECORD))
            {
              ok = FALSE;
              break;
            }
          raw = conduit_record_reader_get_raw (reader, &raw_len);
          line_start = refused.buffer->len;
          write_unreadable (refused.buffer, conduit_record_reader_get_format (reader),
                            conduit_record_reader_get_position (reader), raw, raw_len,
                            local_error->message);
          g_clear_error (&local_error);
          if (rejected_mapping != NULL)
            shape_rejected (rejected_mapping, &shaper, arena, refused.buffer, line_start);
          counts->records++;
          counts->rejected++;
        }
      else
        {
          counts->records++;
          if (conduit_mapping_write_value (mapping, arena, record, out.buffer, reasons))
            {
              g_string_append_c (out.buffer, '\n');
              counts->mapped++;
            }
          else
            {
              gsize line_start = refused.buffer->len;

              write_rejected (refused.buffer, conduit_record_reader_get_format (reader),
                              conduit_record_reader_get_position (reader), record, reasons);
              g_ptr_array_set_size (reasons, 0);
              if (rejected_mapping != NULL)
                shape_rejected (rejected_mapping, &shaper, arena, refused.buffer, line_start);
              counts->rejected++;
            }
        }

      if ((out.buffer->len >= FLUSH_SIZE && !sink_flush (&out, cancellable, &local_error)) ||
          (refused.buffer->len >= FLUSH_SIZE && !sink_flush (&refused, cancellable, &local_error)))
        {
          ok = FALSE;
          break;
        }
    }

  /* What was mapped before an input error is still written: nothing already read is lost. */
  if (!sink_flush (&out, cancellable, ok ? &local_error : NULL))
    ok = FALSE;
  if (!sink_flush (&refused, cancellable, ok ? &local_error : NULL))
    ok = FALSE;

  g_clear_pointer (&shaper.json, conduit_json_reader_free);
  g_clear_pointer (&shaper.reasons, g_ptr_array_unref);
  g_clear_pointer (&shaper.line, g_free);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

/* ---- in several threads ---------------------------------------------------------------- */

/* The reading thread fills batches; workers map whole batches, each with its own copy of the
 * mappings (a compiled mapping keeps per-record scratch) and write them as text into the
 * batch; the reading thread writes the batches' text in input order. NDJSON lines and CSV
 * rows are parsed by the workers, so that the reading thread, which runs alone, only finds
 * where they end: NDJSON lines stay in the reader's buffers, which the batch holds until it
 * is written (conduit_record_reader_hold_lines()), CSV rows are copied into the batch;
 * records of other formats are parsed by the reading thread and copied into the batch (they
 * point into the reader's buffers). */

#define BATCH_RECORDS 1024
/* ...or fewer when their values (or lines) take this much: big records must not make 2N+1 big
 * batches */
#define BATCH_BYTES   (256 * 1024)

typedef struct
{
  ConduitValue *record;        /* (nullable) NULL for a record that could not be read */
  const char   *line;          /* (nullable) an NDJSON line or CSV row the worker parses */
  gsize         line_len;
  guint64       position;
  const char   *raw;           /* what could not be read, and why */
  gsize         raw_len;
  const char   *message;
} Entry;

typedef struct
{
  guint64     position;
  const char *key;             /* points into the line, in the batch's arena */
  gsize       length;
} Duplicate;

typedef struct
{
  ConduitArena *arena;         /* the entries' records and texts */
  GArray       *entries;       /* (element-type Entry) */
  /* (element-type ConduitLineBuffer) the reader's buffers its NDJSON lines are in, held
   * until the batch is written */
  GPtrArray    *line_buffers;
  gsize         line_bytes;
  GArray       *duplicates;    /* (element-type Duplicate) keys given twice in parsed lines */
  GString      *out;
  GString      *rejected;
  guint64       mapped;
  guint64       n_rejected;
  gboolean      done;          /* under Pipeline.mutex */
} Batch;

typedef struct
{
  GAsyncQueue         *todo;   /* (element-type Batch) a batch to map, or the pipeline to stop */
  GMutex               mutex;
  GCond                done_cond;
  ConduitRecordFormat  format;
  ConduitRecordReader *reader;   /* CSV rows are parsed with its header */
} Pipeline;

typedef struct
{
  Pipeline       *pipeline;
  ConduitMapping *mapping;
  ConduitMapping *rejected_mapping;   /* (nullable) */
  GThread        *thread;
} Worker;

static gsize
arena_bytes (ConduitArena *arena)
{
  gsize used = 0;

  for (ConduitArenaChunk *chunk = arena->chunks; chunk != NULL; chunk = chunk->next)
    used += chunk->used;
  return used;
}

static Batch *
batch_new (void)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->arena = conduit_arena_new ();
  batch->entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), BATCH_RECORDS);
  batch->duplicates = g_array_new (FALSE, FALSE, sizeof (Duplicate));
  batch->line_buffers = g_ptr_array_new ();
  batch->out = g_string_sized_new (BATCH_RECORDS * 512);
  batch->rejected = g_string_sized_new (1024);
  return batch;
}

static void
batch_release_lines (Batch               *batch,
                     ConduitRecordReader *reader)
{
  for (guint i = 0; i < batch->line_buffers->len; i++)
    conduit_record_reader_release_lines (reader, g_ptr_array_index (batch->line_buffers, i));
  g_ptr_array_set_size (batch->line_buffers, 0);
  batch->line_bytes = 0;
}

static void
batch_free (Batch               *batch,
            ConduitRecordReader *reader)
{
  batch_release_lines (batch, reader);
  g_ptr_array_unref (batch->line_buffers);
  conduit_arena_free (batch->arena);
  g_array_unref (batch->entries);
  g_array_unref (batch->duplicates);
  g_string_free (batch->out, TRUE);
  g_string_free (batch->rejected, TRUE);
  g_free (batch);
}

static void
batch_clear (Batch               *batch,
             ConduitRecordReader *reader)
{
  batch_release_lines (batch, reader);
  conduit_arena_reset (batch->arena);
  g_array_set_size (batch->entries, 0);
  g_array_set_size (batch->duplicates, 0);
  g_string_truncate (batch->out, 0);
  g_string_truncate (batch->rejected, 0);
  batch->mapped = batch->n_rejected = 0;
  batch->done = FALSE;
}

/* The same work as the serial loop's, for every entry of @batch, in order. */
static void
map_batch (Worker            *worker,
           ConduitArena      *arena,
           ConduitJsonReader *json,
           GPtrArray         *reasons,
           Shaper            *shaper,
           Batch             *batch)
{
  ConduitRecordFormat format = worker->pipeline->format;

  for (guint i = 0; i < batch->entries->len; i++)
    {
      Entry *entry = &g_array_index (batch->entries, Entry, i);
      ConduitValue *record = entry->record;
      gsize line_start = batch->rejected->len;

      conduit_arena_reset (arena);
      if (entry->line != NULL && format == CONDUIT_RECORD_FORMAT_CSV)
        {
          g_autoptr(GError) local_error = NULL;
          const char *raw;
          gsize raw_len;

          if (!conduit_record_reader_parse_row (worker->pipeline->reader, arena, entry->line,
                                                entry->line_len, entry->position, &record, &raw,
                                                &raw_len, &local_error))
            {
              entry->raw = conduit_arena_strndup (batch->arena, raw, raw_len);
              entry->raw_len = raw_len;
              entry->message = conduit_arena_strndup (batch->arena, local_error->message,
                                                      strlen (local_error->message));
            }
        }
      else if (entry->line != NULL)
        {
          g_autoptr(GError) local_error = NULL;

          if (conduit_record_reader_parse_line (json, arena, entry->line, entry->line_len,
                                                entry->position, &record, &local_error))
            {
              Duplicate duplicate = { entry->position, NULL, 0 };

              duplicate.key = conduit_json_reader_get_duplicate (json, &duplicate.length);
              if (duplicate.key != NULL)
                g_array_append_val (batch->duplicates, duplicate);
            }
          else
            {
              /* the message lives until the batch is written */
              entry->raw = entry->line;
              entry->raw_len = entry->line_len;
              entry->message = conduit_arena_strndup (batch->arena, local_error->message,
                                                      strlen (local_error->message));
            }
        }
      if (record == NULL)
        {
          write_unreadable (batch->rejected, format, entry->position, entry->raw, entry->raw_len,
                            entry->message);
        }
      else if (conduit_mapping_write_value (worker->mapping, arena, record, batch->out,
                                            reasons))
        {
          g_string_append_c (batch->out, '\n');
          batch->mapped++;
          continue;
        }
      else
        {
          write_rejected (batch->rejected, format, entry->position, record, reasons);
          g_ptr_array_set_size (reasons, 0);
        }
      if (worker->rejected_mapping != NULL)
        shape_rejected (worker->rejected_mapping, shaper, arena, batch->rejected, line_start);
      batch->n_rejected++;
    }
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  Pipeline *pipeline = worker->pipeline;
  g_autoptr(ConduitArena) arena = conduit_arena_new ();
  g_autoptr(ConduitJsonReader) json = conduit_json_reader_new ();
  g_autoptr(GPtrArray) reasons =
    g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);
  Shaper shaper = { 0 };

  for (;;)
    {
      gpointer next = g_async_queue_pop (pipeline->todo);
      Batch *batch;

      if (next == (gpointer)pipeline)
        break;
      batch = next;
      map_batch (worker, arena, json, reasons, &shaper, batch);
      g_mutex_lock (&pipeline->mutex);
      batch->done = TRUE;
      g_cond_broadcast (&pipeline->done_cond);
      g_mutex_unlock (&pipeline->mutex);
    }

  g_clear_pointer (&shaper.json, conduit_json_reader_free);
  g_clear_pointer (&shaper.reasons, g_ptr_array_unref);
  g_clear_pointer (&shaper.line, g_free);
  return NULL;
}

/* A mapping of one's own for a worker: the same rows, compiled apart. */
static ConduitMapping *
copy_mapping (ConduitMapping *mapping)
{
  g_autoptr(JsonNode) json = NULL;
  ConduitMapping *copy;

  if (mapping == NULL)
    return NULL;
  json = conduit_mapping_to_json (mapping);
  copy = conduit_mapping_new_from_json (json, NULL);
  g_assert (copy != NULL);   /* the original loaded without problems */
  conduit_mapping_set_keep_unmapped (copy, conduit_mapping_get_keep_unmapped (mapping));
  conduit_mapping_compile (copy, NULL);
  return copy;
}

/* Waits for @batch, counts it and writes its text; FALSE with @error when writing fails. */
static gboolean
finish_batch (Pipeline                   *pipeline,
              ConduitRecordReader        *reader,
              Batch                      *batch,
              ConduitMappingStreamCounts *counts,
              GOutputStream              *output,
              GOutputStream              *rejected,
              gboolean                    write,
              GCancellable               *cancellable,
              GError                    **error)
{
  g_mutex_lock (&pipeline->mutex);
  while (!batch->done)
    g_cond_wait (&pipeline->done_cond, &pipeline->mutex);
  g_mutex_unlock (&pipeline->mutex);

  counts->mapped += batch->mapped;
  counts->rejected += batch->n_rejected;
  for (guint i = 0; i < batch->duplicates->len; i++)
    {
      Duplicate *duplicate = &g_array_index (batch->duplicates, Duplicate, i);

      conduit_record_reader_warn_duplicate (reader, duplicate->position, duplicate->key,
                                            duplicate->length);
    }
  if (!write)
    return TRUE;
  if (batch->out->len > 0 &&
      !g_output_stream_write_all (output, batch->out->str, batch->out->len, NULL, cancellable,
                                  error))
    return FALSE;
  if (batch->rejected->len > 0 &&
      !g_output_stream_write_all (rejected, batch->rejected->str, batch->rejected->len, NULL,
                                  cancellable, error))
    return FALSE;
  return TRUE;
}

static gboolean
stream_run_parallel (ConduitMapping             *mapping,
                     ConduitMapping             *rejected_mapping,
                     ConduitRecordReader        *reader,
                     GOutputStream              *output,
                     GOutputStream              *rejected,
                     guint                       n_workers,
                     ConduitMappingStreamCounts *counts,
                     GCancellable               *cancellable,
                     GError                    **error)
{
  g_autoptr(ConduitArena) scratch = conduit_arena_new ();
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();
  g_autoptr(GQueue) in_flight = g_queue_new ();   /* (element-type Batch) in input order */
  g_autoptr(GPtrArray) spare = g_ptr_array_new ();
  GError *local_error = NULL;
  Pipeline pipeline = { 0 };
  /* enough batches that every worker has one to map while the last ones are written */
  guint n_batches = 2 * n_workers + 1;
  gboolean reading = TRUE, writing = TRUE, ok = TRUE;
  gboolean lines, keep_lines;

  memset (counts, 0, sizeof *counts);
  pipeline.format = conduit_record_reader_decide_format (reader, &local_error);
  if (pipeline.format == CONDUIT_RECORD_FORMAT_AUTO)
    reading = ok = FALSE;
  lines = pipeline.format == CONDUIT_RECORD_FORMAT_NDJSON ||
          pipeline.format == CONDUIT_RECORD_FORMAT_CSV;
  keep_lines = pipeline.format == CONDUIT_RECORD_FORMAT_NDJSON;
  if (keep_lines)
    conduit_record_reader_keep_lines (reader);
  pipeline.reader = reader;
  pipeline.todo = g_async_queue_new ();
  g_mutex_init (&pipeline.mutex);
  g_cond_init (&pipeline.done_cond);
  for (guint i = 0; i < n_batches; i++)
    g_ptr_array_add (spare, batch_new ());
  for (guint i = 0; i < n_workers; i++)
    {
      Worker *worker = g_new0 (Worker, 1);

      worker->pipeline = &pipeline;
      worker->mapping = copy_mapping (mapping);
      worker->rejected_mapping = copy_mapping (rejected_mapping);
      g_ptr_array_add (workers, worker);
    }

  while (reading)
    {
      Batch *batch;

      /* a free batch, or the oldest one's turn to be written */
      if (spare->len > 0)
        batch = g_ptr_array_steal_index_fast (spare, spare->len - 1);
      else
        {
          batch = g_queue_pop_head (in_flight);
          if (!finish_batch (&pipeline, reader, batch, counts, output, rejected, writing, cancellable,
                             &local_error))
            {
              writing = ok = FALSE;
              g_ptr_array_add (spare, batch);
              break;
            }
        }
      batch_clear (batch, reader);

      while (batch->entries->len < BATCH_RECORDS &&
             arena_bytes (batch->arena) + batch->line_bytes < BATCH_BYTES)
        {
          ConduitValue *record = NULL;
          Entry entry = { 0 };
          gboolean got;

          /* the call only when there is something to cancel: this runs for every row */
          if (cancellable != NULL &&
              g_cancellable_set_error_if_cancelled (cancellable, &local_error))
            {
              reading = ok = FALSE;
              break;
            }
          if (lines)
            {
              const char *line;
              gsize length;

              got = conduit_record_reader_next_line (reader, &line, &length, &local_error);
              if (got && keep_lines)
                {
                  /* the line stays in the reader's buffer, held until the batch is written:
                   * the reading thread, which also writes, copies nothing */
                  if (batch->line_buffers->len == 0 ||
                      g_ptr_array_index (batch->line_buffers, batch->line_buffers->len - 1) !=
                        conduit_record_reader_get_line_buffer (reader))
                    g_ptr_array_add (batch->line_buffers, conduit_record_reader_hold_lines (reader));
                  entry.line = line;
                  entry.line_len = length;
                  batch->line_bytes += length;
                }
              else if (got)
                {
                  entry.line = conduit_arena_strndup (batch->arena, line, length);
                  entry.line_len = length;
                }
            }
          else
            {
              conduit_arena_reset (scratch);
              got = conduit_record_reader_next_value (reader, scratch, &record, &local_error);
              if (got)
                entry.record = conduit_value_copy (batch->arena, record);
            }
          if (!got)
            {
              const char *raw;

              if (local_error == NULL ||
                  !g_error_matches (local_error, CONDUIT_RECORD_READER_ERROR,
                                    CONDUIT_RECORD_READER_ERROR_RECORD))
                {
                  /* the end, or an input that cannot be read on */
                  ok = local_error == NULL;
                  reading = FALSE;
                  break;
                }
              raw = conduit_record_reader_get_raw (reader, &entry.raw_len);
              entry.raw = conduit_arena_strndup (batch->arena, raw, entry.raw_len);
              entry.message = conduit_arena_strndup (batch->arena, local_error->message,
                                                     strlen (local_error->message));
              g_clear_error (&local_error);
            }
          entry.position = conduit_record_reader_get_position (reader);
          counts->records++;
          g_array_append_val (batch->entries, entry);
        }

      if (batch->entries->len == 0)
        {
          g_ptr_array_add (spare, batch);
          continue;
        }
      /* the workers start with the first batch */
      if (((Worker *)g_ptr_array_index (workers, 0))->thread == NULL)
        {
          for (guint i = 0; i < workers->len; i++)
            {
              Worker *worker = g_ptr_array_index (workers, i);

              worker->thread = g_thread_new ("conduit-map", worker_thread, worker);
            }
        }
      g_queue_push_tail (in_flight, batch);
      g_async_queue_push (pipeline.todo, batch);
    }

  /* What was mapped before an input error is still written: nothing already read is lost.
   * After a write error, the batches in flight are only waited for. */
  while (!g_queue_is_empty (in_flight))
    {
      Batch *batch = g_queue_pop_head (in_flight);

      if (!finish_batch (&pipeline, reader, batch, counts, output, rejected, writing, cancellable,
                         ok ? &local_error : NULL))
        writing = ok = FALSE;
      g_ptr_array_add (spare, batch);
    }

  for (guint i = 0; i < workers->len; i++)
    g_async_queue_push (pipeline.todo, &pipeline);
  for (guint i = 0; i < workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (workers, i);

      if (worker->thread != NULL)
        g_thread_join (worker->thread);
      g_clear_object (&worker->mapping);
      g_clear_object (&worker->rejected_mapping);
      g_free (worker);
    }
  for (guint i = 0; i < spare->len; i++)
    batch_free (g_ptr_array_index (spare, i), reader);
  /* sentinels no worker took, when none had started */
  while (g_async_queue_try_pop (pipeline.todo) != NULL)
    ;
  g_async_queue_unref (pipeline.todo);
  g_mutex_clear (&pipeline.mutex);
  g_cond_clear (&pipeline.done_cond);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

/**
 * conduit_mapping_stream_run:
 * @mapping: a mapping without problems
 * @rejected_mapping: (nullable): a second mapping that shapes each rejected line: it reads
 *   the object the rejected output would hold (`line`/`row`/`item`, `record` or `raw`,
 *   `reasons`) and its result is written instead
 * @reader: where the records come from
 * @output: where mapped records go, as NDJSON
 * @rejected: where refused records go, as NDJSON, each with its position and every reason;
 *   a record that could not be read is refused too, with its raw text
 * @counts: (out caller-allocates): what was done, also when %FALSE is returned
 * @cancellable: (nullable): a cancellable
 * @error: an input that cannot be read on, or an output that cannot be written
 *
 * Streams every record of @reader through @mapping. A bad record never stops the stream: it
 * goes to @rejected. Memory stays the same whatever the number of records.
 *
 * Returns: %TRUE when the whole input was read and both outputs written
 */
gboolean
conduit_mapping_stream_run (ConduitMapping             *mapping,
                            ConduitMapping             *rejected_mapping,
                            ConduitRecordReader        *reader,
                            GOutputStream              *output,
                            GOutputStream              *rejected,
                            ConduitMappingStreamCounts *counts,
                            GCancellable               *cancellable,
                            GError                    **error)
{
  return conduit_mapping_stream_run_threads (mapping, rejected_mapping, reader, output, rejected,
                                             1, counts, cancellable, error);
}

/**
 * conduit_mapping_stream_run_threads:
 * @mapping: a mapping without problems
 * @rejected_mapping: (nullable): as for conduit_mapping_stream_run()
 * @reader: where the records come from
 * @output: where mapped records go
 * @rejected: where refused records go
 * @n_threads: how many threads map records besides the calling one, which reads and writes
 *   them; 0 or 1 maps in the calling thread alone
 * @counts: (out caller-allocates): what was done, also when %FALSE is returned
 * @cancellable: (nullable): a cancellable
 * @error: an input that cannot be read on, or an output that cannot be written
 *
 * conduit_mapping_stream_run() on several processors: records are read in batches of 1,024
 * (fewer when their values take more than 256 KB), mapped by @n_threads workers (each with its
 * own copy of the mappings) and written in input order, so both outputs are the same bytes
 * whatever @n_threads is. Memory stays bounded: at most 2 × @n_threads + 1 batches exist.
 *
 * Returns: %TRUE when the whole input was read and both outputs written
 */
gboolean
conduit_mapping_stream_run_threads (ConduitMapping             *mapping,
                                    ConduitMapping             *rejected_mapping,
                                    ConduitRecordReader        *reader,
                                    GOutputStream              *output,
                                    GOutputStream              *rejected,
                                    guint                       n_threads,
                                    ConduitMappingStreamCounts *counts,
                                    GCancellable               *cancellable,
                                    GError                    **error)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING (mapping), FALSE);
  g_return_val_if_fail (rejected_mapping == NULL || CONDUIT_IS_MAPPING (rejected_mapping), FALSE);
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (reader), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (rejected), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_threads <= 1)
    return stream_run_serial (mapping, rejected_mapping, reader, output, rejected, counts,
                              cancellable, error);
  return stream_run_parallel (mapping, rejected_mapping, reader, output, rejected, n_threads,
                              counts, cancellable, error);
}
