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
  if (value != NULL)
    {
      g_autofree char *text = json_to_string (value, FALSE);

      g_string_append (out, text);
    }
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"message\":");
  conduit_value_write_json_string (out, message, strlen (message));
  g_string_append_c (out, '}');
}

static void
write_rejected (GString            *out,
                ConduitRecordFormat format,
                guint64             position,
                const ConduitValue *record,
                GPtrArray          *reasons)
{
  g_string_append_printf (out, "{\"%s\":%" G_GUINT64_FORMAT ",\"record\":", position_name (format),
                          position);
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
  g_autoptr(ConduitArena) arena = conduit_arena_new ();
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GString) out_buffer = g_string_sized_new (FLUSH_SIZE * 2);
  g_autoptr(GString) rejected_buffer = g_string_sized_new (FLUSH_SIZE * 2);
  Sink out = { output, out_buffer };
  Sink refused = { rejected, rejected_buffer };
  GError *local_error = NULL;
  gboolean ok = TRUE;
  Shaper shaper = { 0 };

  g_return_val_if_fail (CONDUIT_IS_MAPPING (mapping), FALSE);
  g_return_val_if_fail (rejected_mapping == NULL || CONDUIT_IS_MAPPING (rejected_mapping), FALSE);
  g_return_val_if_fail (CONDUIT_IS_RECORD_READER (reader), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (rejected), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);

  for (;;)
    {
      ConduitValue *record = NULL;
      ConduitValue *mapped = NULL;

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
          if (conduit_mapping_apply_value (mapping, arena, record, &mapped, reasons))
            {
              conduit_value_write_json (out.buffer, mapped);
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
