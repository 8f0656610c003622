/* fuzz-record-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"
#include "fuzz-trickle-stream.h"

/* Record files of every format (NDJSON, JSON, CSV, or guessed). The first byte picks the
 * format, the second how many bytes each read gets; the rest is the file. A bad record may be
 * skipped with an error naming it, the reader must then go on or stop, never loop; every record
 * must be JSON whose text is UTF-8, since it goes on to HTTP bodies and files. */

#define MAX_RECORDS 100000

static ConduitMapping *mapping;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(JsonNode) json =
    json_from_string ("{\"rows\": [{\"destination\": \"a\", \"field\": \"a\", \"required\": true},"
                      " {\"destination\": \"b.c\", \"expression\": \"upper(b)\"}]}", NULL);

  fuzz_set_up_logging ();
  mapping = conduit_mapping_new_from_json (json, NULL);
  g_assert (mapping != NULL && conduit_mapping_compile (mapping, NULL));
  return 0;
}

/* conduit_mapping_stream_run_threads() over the same input: mapped and rejected text and the
 * warnings, which differ in the way NDJSON and CSV are read (lines and rows parsed by the
 * mapping threads). */
static GString *
map_with_threads (const uint8_t       *data,
                  size_t               size,
                  ConduitRecordFormat  format,
                  guint                n_threads)
{
  g_autoptr(GInputStream) stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  g_autoptr(ConduitRecordReader) reader = conduit_record_reader_new (stream, format);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) rejected = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  ConduitMappingStreamCounts counts;
  GString *result = g_string_new (NULL);
  GPtrArray *warnings;
  guint64 n_warnings = 0;
  gboolean ok;

  ok = conduit_mapping_stream_run_threads (mapping, NULL, reader, output, rejected, n_threads,
                                           &counts, NULL, &error);
  g_string_append_printf (result, "%d %s %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %"
                          G_GUINT64_FORMAT "\n", ok, error ? error->message : "",
                          counts.records, counts.mapped, counts.rejected);
  g_string_append_len (result, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (output)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (output)));
  g_string_append_len (result,
                       g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (rejected)),
                       g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (rejected)));
  warnings = conduit_record_reader_get_warnings (reader, &n_warnings);
  g_string_append_printf (result, "%" G_GUINT64_FORMAT " warnings\n", n_warnings);
  for (guint i = 0; warnings != NULL && i < warnings->len; i++)
    g_string_append_printf (result, "%s\n", (char *)g_ptr_array_index (warnings, i));
  return result;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const ConduitRecordFormat formats[] = {
    CONDUIT_RECORD_FORMAT_AUTO, CONDUIT_RECORD_FORMAT_NDJSON, CONDUIT_RECORD_FORMAT_JSON,
    CONDUIT_RECORD_FORMAT_CSV,
  };
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  guint records = 0;

  if (size < 2)
    return 0;

  stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  reader = conduit_record_reader_new (stream, formats[data[0] % 4]);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) record = conduit_record_reader_next (reader, &error);

      g_assert_cmpuint (++records, <=, MAX_RECORDS);
      if (record != NULL)
        {
          if (!fuzz_json_is_utf8 (record))
            {
              g_autofree char *text = json_to_string (record, FALSE);
              g_error ("record %" G_GUINT64_FORMAT " holds text that is not UTF-8: %s",
                       conduit_record_reader_get_position (reader), text);
            }
          continue;
        }
      if (error == NULL)
        break;
      if (!g_utf8_validate (error->message, -1, NULL))
        g_error ("a reader error is not UTF-8: %s", error->message);
      if (!g_error_matches (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD))
        break;
    }

  /* NDJSON and CSV, named or guessed: one thread and two give the same bytes */
  if (formats[data[0] % 4] != CONDUIT_RECORD_FORMAT_JSON)
    {
      g_autoptr(GString) one = map_with_threads (data, size, formats[data[0] % 4], 1);
      g_autoptr(GString) two = map_with_threads (data, size, formats[data[0] % 4], 2);

      if (!g_string_equal (one, two))
        g_error ("one mapping thread gave\n%s\nand two gave\n%s", one->str, two->str);
    }

  return 0;
}
