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

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
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

  return 0;
}
