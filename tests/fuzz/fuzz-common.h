/* fuzz-common.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry points; declared here because libFuzzer ships no header. */
int LLVMFuzzerInitialize    (int            *argc,
                             char         ***argv);
int LLVMFuzzerTestOneInput  (const uint8_t  *data,
                             size_t          size);

/* A critical or a warning from GLib means an API was misused on some input: treat it as the
 * crash it would be with G_DEBUG=fatal-criticals. GLib ends a fatal message with a breakpoint
 * (SIGTRAP), which libFuzzer does not catch, so abort() instead: libFuzzer then saves the input.
 * Debug and info messages are dropped, so the fuzzer's log shows only its own lines. */
/* A warning caused by a known bug (see below) that a target lets pass, or NULL. */
static const char *fuzz_known_warning;

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (fuzz_known_warning != NULL && (log_level & G_LOG_LEVEL_WARNING))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0 &&
            strstr (fields[i].value, fuzz_known_warning) != NULL)
          return G_LOG_WRITER_HANDLED;
    }

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      abort ();
    }

  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_set_up_logging (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* Known bugs outside the fuzz targets, reported and waiting for a fix in src/core. Inputs that
 * reach them are skipped so that the fuzzer can look for new ones; tests/test-bad-input.c holds
 * a row for each. Delete a clause here when its bug is fixed.
 *  - json-glib reads 1e400 as infinity, which the pretty printer writes as "inf": not JSON; and
 *    turns a lone surrogate escape ("\ud800") into bytes that are not UTF-8, which the printer
 *    writes out as they are. The flow loader refuses both before they reach the printer, but
 *    fuzz-json-text hands json-glib's tree to the printer directly. */
static inline gboolean
fuzz_json_has_known_issue (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        return !isfinite (json_node_get_double (node));
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return !g_utf8_validate (json_node_get_string (node), -1, NULL);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (fuzz_json_has_known_issue (json_array_get_element (array, i)))
          return TRUE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        if (!g_utf8_validate (name, -1, NULL) || fuzz_json_has_known_issue (member))
          return TRUE;
    }

  return FALSE;
}

/* Whether every string in a JSON value, member names included, is UTF-8: what goes on to HTTP
 * bodies, files and the history must be. */
static inline gboolean
fuzz_json_is_utf8 (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_utf8_validate (json_node_get_string (node), -1, NULL);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (!fuzz_json_is_utf8 (json_array_get_element (array, i)))
          return FALSE;
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        if (!g_utf8_validate (name, -1, NULL) || !fuzz_json_is_utf8 (member))
          return FALSE;
    }

  return TRUE;
}
