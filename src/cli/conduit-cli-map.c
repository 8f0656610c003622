/* conduit-cli-map.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-map"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "conduit.h"
#include "conduit-cli-commands.h"
#include "conduit-mapping-private.h"
#include "conduit-record-reader-private.h"

/* conduit-cli map (MAPPING.json | FLOW.conduit --node ID) --input FILE --output OUT.ndjson
 *                 --rejected REJECTED.ndjson
 *
 * Streams records through a mapping: mapped records to --output as NDJSON, refused ones to
 * --rejected with every reason. Records stay arena values from reader to writer, so memory
 * does not grow with the input. */

#define FLUSH_SIZE (64 * 1024)

typedef struct
{
  FILE       *file;
  const char *name;
  GString    *buffer;
} Output;

static gboolean
output_open (Output      *output,
             const char  *name,
             GError     **error)
{
  output->name = name;
  output->buffer = g_string_sized_new (FLUSH_SIZE * 2);
  if (name == NULL || g_str_equal (name, "-"))
    {
      output->file = stdout;
      return TRUE;
    }

  output->file = fopen (name, "wb");
  if (output->file == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("cannot write “%s”: %s"),
                   name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
output_flush (Output   *output,
              GError  **error)
{
  if (output->file == NULL || output->buffer->len == 0)
    return TRUE;
  if (fwrite (output->buffer->str, 1, output->buffer->len, output->file) != output->buffer->len)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("cannot write “%s”: %s"),
                   output->name ? output->name : "-", g_strerror (saved));
      return FALSE;
    }
  g_string_truncate (output->buffer, 0);
  return TRUE;
}

static gboolean
output_close (Output  *output,
              GError **error)
{
  gboolean ok = output_flush (output, error);

  if (output->file != NULL && output->file != stdout && output->file != stderr)
    {
      if (fclose (output->file) != 0 && ok)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("cannot write “%s”: %s"), output->name, g_strerror (saved));
          ok = FALSE;
        }
    }
  else if (output->file != NULL)
    fflush (output->file);
  output->file = NULL;
  if (output->buffer != NULL)
    g_string_free (g_steal_pointer (&output->buffer), TRUE);
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

static void
write_unreadable (GString            *out,
                  ConduitRecordFormat format,
                  guint64             position,
                  const char         *raw,
                  gsize               raw_len,
                  const char         *message)
{
  g_string_append_printf (out, "{\"%s\":%" G_GUINT64_FORMAT ",\"raw\":", position_name (format),
                          position);
  conduit_value_write_json_string (out, raw, raw_len);
  g_string_append (out, ",\"reasons\":[");
  write_reason (out, "", "format", NULL, message);
  g_string_append (out, "]}\n");
}

static ConduitMapping *
load_mapping (const char  *path,
              const char  *node_id,
              GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitMapping) mapping = NULL;
  g_autoptr(GString) report = NULL;
  JsonNode *json = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  gboolean keep_unmapped = FALSE;

  if (node_id != NULL || g_str_has_suffix (path, ".conduit"))
    {
      ConduitNode *node;
      JsonNode *setting;

      if (node_id == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       _("name the mapping node of the flow with --node ID"));
          return NULL;
        }
      flow = conduit_flow_new_from_file (conduit_connector_registry_get_default (), file,
                                         &problems, NULL, error);
      if (flow == NULL)
        {
          if (problems != NULL && problems->len > 0)
            {
              g_autofree char *first = conduit_flow_problem_format (g_ptr_array_index (problems, 0));

              g_clear_error (error);
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s:%s", path, first);
            }
          return NULL;
        }
      node = conduit_flow_lookup_node (flow, node_id);
      if (node == NULL || conduit_node_get_mapping (node) == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       node == NULL ? _("%s: the flow has no node “%s”")
                                    : _("%s: node “%s” has no mapping"), path, node_id);
          return NULL;
        }
      json = conduit_node_get_mapping (node);
      setting = conduit_node_get_setting (node, "keep_unmapped");
      keep_unmapped = setting && JSON_NODE_HOLDS_VALUE (setting) && json_node_get_boolean (setting);
    }
  else
    {
      g_autofree char *local = g_file_get_path (file);

      parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, local ? local : path, error))
        {
          g_prefix_error (error, "%s: ", path);
          return NULL;
        }
      json = json_parser_get_root (parser);
    }

  mapping = conduit_mapping_load_json (json, &problems);
  if (problems->len > 0)
    {
      report = g_string_new (NULL);
      for (guint i = 0; i < problems->len; i++)
        {
          ConduitMappingProblem *problem = g_ptr_array_index (problems, i);

          g_string_append_printf (report, "%s%s: %s: %s", i > 0 ? "\n" : "", path,
                                  *problem->pointer ? problem->pointer : "/", problem->message);
        }
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, report->str);
      return NULL;
    }

  if (keep_unmapped)
    conduit_mapping_set_keep_unmapped (mapping, TRUE);
  return g_steal_pointer (&mapping);
}

int
conduit_cli_map (int    argc,
                 char **argv)
{
  g_autofree char *node_id = NULL;
  g_autofree char *input = NULL;
  g_autofree char *format_name = NULL;
  g_autofree char *output_name = NULL;
  g_autofree char *rejected_name = NULL;
  g_autofree char *delimiter = NULL;
  gboolean keep_unmapped = FALSE;
  const GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_STRING, &node_id,
      N_("The mapping node of a flow file"), "ID" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
      N_("The records to map (- for standard input)"), "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("ndjson, json or csv (default: from the file name)"), "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_name,
      N_("Where mapped records go, as NDJSON (default: standard output)"), "FILE" },
    { "rejected", 'r', 0, G_OPTION_ARG_FILENAME, &rejected_name,
      N_("Where refused records go, with their reasons, as NDJSON (default: standard error)"),
      "FILE" },
    { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &delimiter,
      N_("The CSV delimiter: , ; or tab (default: from the header line)"), "CHAR" },
    { "keep-unmapped", 0, 0, G_OPTION_ARG_NONE, &keep_unmapped,
      N_("Pass on source fields that no row reads"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitMapping) mapping = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(ConduitArena) arena = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  ConduitRecordFormat format = CONDUIT_RECORD_FORMAT_AUTO;
  Output output = { 0 }, rejected = { 0 };
  guint64 total = 0, passed = 0, refused = 0;
  gboolean failed = FALSE;

  context = g_option_context_new (_("(MAPPING.json | FLOW.conduit --node ID) — map records"));
  g_option_context_set_summary (context,
                                _("Streams records through a field mapping. Mapped records are "
                                  "written as NDJSON; refused ones go to the rejected output with "
                                  "every reason. Exits with 0 when every record passed, 2 when "
                                  "some were rejected, 1 on an error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc != 2 || input == NULL)
    {
      fprintf (stderr, _("%s: name one mapping (or flow with --node) and --input FILE\n"), argv[0]);
      return 1;
    }

  if (format_name != NULL && !conduit_record_format_from_name (format_name, &format))
    {
      fprintf (stderr, _("%s: unknown format “%s”; use ndjson, json or csv\n"), argv[0], format_name);
      return 1;
    }
  if (format_name == NULL)
    format = conduit_record_format_guess (input);

  mapping = load_mapping (argv[1], node_id, &error);
  if (mapping == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (keep_unmapped)
    conduit_mapping_set_keep_unmapped (mapping, TRUE);

  if (g_str_equal (input, "-"))
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (input);

      stream = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (stream == NULL)
        {
          fprintf (stderr, "%s: %s\n", argv[0], error->message);
          return 1;
        }
    }

  reader = conduit_record_reader_new (stream, format);
  if (delimiter != NULL)
    {
      char d = g_str_equal (delimiter, "tab") || g_str_equal (delimiter, "\\t") ? '\t' : delimiter[0];

      if (strchr (",;\t|", d) == NULL || d == '\0')
        {
          fprintf (stderr, _("%s: the delimiter must be , ; | or tab\n"), argv[0]);
          return 1;
        }
      conduit_record_reader_set_csv_delimiter (reader, d);
    }

  if (!output_open (&output, output_name, &error) ||
      !(rejected_name != NULL ? output_open (&rejected, rejected_name, &error)
                              : (rejected.file = stderr, rejected.name = "-",
                                 rejected.buffer = g_string_new (NULL), TRUE)))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      output_close (&output, NULL);
      return 1;
    }

  arena = conduit_arena_new ();
  reasons = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_mapping_reason_free);

  for (;;)
    {
      ConduitValue *record = NULL;
      ConduitValue *mapped = NULL;

      conduit_arena_reset (arena);
      if (!conduit_record_reader_next_value (reader, arena, &record, &error))
        {
          const char *raw;
          gsize raw_len;

          if (error == NULL)
            break;
          if (!g_error_matches (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_RECORD))
            {
              g_prefix_error (&error, "%s: ", input);
              failed = TRUE;
              break;
            }
          raw = conduit_record_reader_get_raw (reader, &raw_len);
          write_unreadable (rejected.buffer, conduit_record_reader_get_format (reader),
                            conduit_record_reader_get_position (reader), raw, raw_len, error->message);
          g_clear_error (&error);
          total++;
          refused++;
          continue;
        }

      total++;
      if (conduit_mapping_apply_value (mapping, arena, record, &mapped, reasons))
        {
          conduit_value_write_json (output.buffer, mapped);
          g_string_append_c (output.buffer, '\n');
          passed++;
          if (output.buffer->len >= FLUSH_SIZE && !output_flush (&output, &error))
            {
              failed = TRUE;
              break;
            }
        }
      else
        {
          write_rejected (rejected.buffer, conduit_record_reader_get_format (reader),
                          conduit_record_reader_get_position (reader), record, reasons);
          g_ptr_array_set_size (reasons, 0);
          refused++;
        }

      if (rejected.buffer->len >= FLUSH_SIZE && !output_flush (&rejected, &error))
        {
          failed = TRUE;
          break;
        }
    }

  if (!output_close (&output, failed ? NULL : &error))
    failed = TRUE;
  if (!output_close (&rejected, failed ? NULL : &error))
    failed = TRUE;

  if (failed)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  fprintf (stderr, _("%s: %" PRIu64 " records, %" PRIu64 " mapped, %"
                     PRIu64 " rejected (%.2f s)\n"),
           argv[0], total, passed, refused, g_timer_elapsed (timer, NULL));
  return refused > 0 ? 2 : 0;
}
