/* fuzz-xml-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "conduit-xml-reader.h"
#include "fuzz-common.h"
#include "fuzz-trickle-stream.h"

/* XML exports from anywhere. The first byte picks the record path (the root's children, a
 * path by name, any depth), the second how many bytes each read gets (1–255, 0 = all at
 * once); the rest is the document. Every record must be an object whose keys and texts are
 * UTF-8, and the reader must stop with an error or at the end, never loop. */

#define MAX_RECORDS 100000

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

static void
check_value (const ConduitValue *value)
{
  switch (value->kind)
    {
    case CONDUIT_VALUE_STRING:
      if (!g_utf8_validate (value->string, value->len, NULL))
        g_error ("a text of an XML record is not UTF-8");
      break;
    case CONDUIT_VALUE_ARRAY:
      g_assert_cmpuint (value->len, >=, 2);
      for (guint i = 0; i < value->len; i++)
        check_value (value->items[i]);
      break;
    case CONDUIT_VALUE_OBJECT:
      for (guint i = 0; i < value->len; i++)
        {
          if (!g_utf8_validate (value->members[i].key, value->members[i].key_len, NULL))
            g_error ("a field name of an XML record is not UTF-8");
          check_value (value->members[i].value);
        }
      break;
    default:
      g_error ("an XML record holds a value of kind %d", value->kind);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char *const paths[] = { NULL, "/orders/order", "order", "/*/*/*" };
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitXmlReader) reader = NULL;
  ConduitArena *arena = conduit_arena_new ();
  guint records = 0;

  if (size < 2)
    {
      conduit_arena_free (arena);
      return 0;
    }

  stream = fuzz_trickle_stream_new (data + 2, size - 2, data[1]);
  reader = conduit_xml_reader_new (stream, paths[data[0] % G_N_ELEMENTS (paths)]);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      ConduitValue *record = NULL;

      conduit_arena_reset (arena);
      if (conduit_xml_reader_next (reader, arena, &record, &error))
        {
          g_assert_cmpint (record->kind, ==, CONDUIT_VALUE_OBJECT);
          check_value (record);
        }
      else if (error == NULL ||
               !g_error_matches (error, CONDUIT_XML_READER_ERROR, CONDUIT_XML_READER_ERROR_RECORD))
        {
          if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
            g_error ("an XML error is not UTF-8: %s", error->message);
          break;
        }
      g_assert_cmpuint (++records, <=, MAX_RECORDS);
    }

  conduit_arena_free (arena);
  return 0;
}
