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
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef CONDUIT_CLI_FRONT
/* the front links the mapping library only (src/core/meson.build) */
# include "conduit-mapping.h"
# include "conduit-mapping-stream.h"
# include "conduit-record-reader.h"
#else
# include "conduit.h"
#endif
#include "conduit-cli-commands.h"

/* conduit-cli map (MAPPING.json | FLOW.conduit --node ID) --input FILE --output OUT.ndjson
 *                 --rejected REJECTED.ndjson
 *
 * Streams records through a mapping (conduit_mapping_stream_run()): mapped records to
 * --output as NDJSON, refused ones to --rejected with every reason. */

/* An output file that held something is emptied by a thread of its own, while the first
 * records are read and mapped, instead of by O_TRUNC in open(): emptying a file of 60 MB
 * written a moment before (a second run into the same file) takes the kernel 15–40 ms,
 * which O_TRUNC spends before the first record is read. The stream waits for it before its
 * first write, so the file holds the same bytes in the end. */
#define CLI_TYPE_OUTPUT (cli_output_get_type ())
G_DECLARE_FINAL_TYPE (CliOutput, cli_output, CLI, OUTPUT, GUnixOutputStream)

struct _CliOutput
{
  GUnixOutputStream parent_instance;
  GThread          *emptying;   /* (nullable) until joined */
  char             *name;
};

G_DEFINE_FINAL_TYPE (CliOutput, cli_output, G_TYPE_UNIX_OUTPUT_STREAM)

static gpointer
empty_file (gpointer data)
{
  int fd = GPOINTER_TO_INT (data);

  return GINT_TO_POINTER (ftruncate (fd, 0) == 0 ? 0 : errno);
}

static gboolean
cli_output_wait_emptied (CliOutput  *self,
                         GError    **error)
{
  int saved;

  if (self->emptying == NULL)
    return TRUE;
  saved = GPOINTER_TO_INT (g_thread_join (g_steal_pointer (&self->emptying)));
  if (saved == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot write “%s”: %s"),
               self->name, g_strerror (saved));
  return FALSE;
}

static gssize
cli_output_write (GOutputStream  *stream,
                  const void     *buffer,
                  gsize           count,
                  GCancellable   *cancellable,
                  GError        **error)
{
  if (!cli_output_wait_emptied (CLI_OUTPUT (stream), error))
    return -1;
  return G_OUTPUT_STREAM_CLASS (cli_output_parent_class)->write_fn (stream, buffer, count,
                                                                    cancellable, error);
}

static gboolean
cli_output_writev (GOutputStream        *stream,
                   const GOutputVector  *vectors,
                   gsize                 n_vectors,
                   gsize                *bytes_written,
                   GCancellable         *cancellable,
                   GError              **error)
{
  if (!cli_output_wait_emptied (CLI_OUTPUT (stream), error))
    {
      if (bytes_written != NULL)
        *bytes_written = 0;
      return FALSE;
    }
  return G_OUTPUT_STREAM_CLASS (cli_output_parent_class)->writev_fn (stream, vectors, n_vectors,
                                                                     bytes_written, cancellable,
                                                                     error);
}

static gboolean
cli_output_close (GOutputStream  *stream,
                  GCancellable   *cancellable,
                  GError        **error)
{
  /* an output nothing was written to is emptied all the same */
  gboolean emptied = cli_output_wait_emptied (CLI_OUTPUT (stream), error);

  return G_OUTPUT_STREAM_CLASS (cli_output_parent_class)->close_fn (stream, cancellable,
                                                                    emptied ? error : NULL) &&
         emptied;
}

static void
cli_output_finalize (GObject *object)
{
  CliOutput *self = CLI_OUTPUT (object);

  /* closed already (GOutputStream's dispose closes it), which joined the thread */
  g_assert (self->emptying == NULL);
  g_free (self->name);
  G_OBJECT_CLASS (cli_output_parent_class)->finalize (object);
}

static void
cli_output_class_init (CliOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = cli_output_finalize;
  stream_class->write_fn = cli_output_write;
  stream_class->writev_fn = cli_output_writev;
  stream_class->close_fn = cli_output_close;
}

static void
cli_output_init (CliOutput *self)
{
}

/* Whether @fd is the file records are read from (@input, or standard input for "-"). */
static gboolean
is_input (int         fd,
          const char *input)
{
  GStatBuf output_info, input_info;

  if (fstat (fd, &output_info) != 0 ||
      (g_str_equal (input, "-") ? fstat (0, &input_info) : g_stat (input, &input_info)) != 0)
    return FALSE;
  return output_info.st_dev == input_info.st_dev && output_info.st_ino == input_info.st_ino;
}

static GOutputStream *
open_output (const char  *name,
             int          fallback_fd,
             const char  *input,
             GError     **error)
{
  CliOutput *output;
  GStatBuf info;
  int fd;

  if (name == NULL || g_str_equal (name, "-"))
    return g_unix_output_stream_new (fallback_fd, FALSE);

  fd = g_open (name, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), _("cannot write “%s”: %s"),
                   name, g_strerror (saved));
      return NULL;
    }
  output = g_object_new (CLI_TYPE_OUTPUT, "fd", fd, "close-fd", TRUE, NULL);
  output->name = g_strdup (name);
  /* what O_TRUNC would do: only a file has a length (a pipe or a terminal has none); the
   * input itself is emptied before it is read, as O_TRUNC did, not while it is read */
  if (fstat (fd, &info) != 0 || (S_ISREG (info.st_mode) && info.st_size > 0))
    {
      if (is_input (fd, input))
        {
          output->emptying = NULL;
          if (ftruncate (fd, 0) != 0)
            {
              int saved = errno;

              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                           _("cannot write “%s”: %s"), name, g_strerror (saved));
              g_object_unref (output);
              return NULL;
            }
        }
      else
        output->emptying = g_thread_new ("conduit-empty", empty_file, GINT_TO_POINTER (fd));
    }
  return G_OUTPUT_STREAM (output);
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
#ifndef CONDUIT_CLI_FRONT
  g_autoptr(ConduitFlow) flow = NULL;
#endif
  gboolean keep_unmapped = FALSE;

  if (node_id != NULL || g_str_has_suffix (path, ".conduit"))
    {
#ifdef CONDUIT_CLI_FRONT
      /* The front links the mapping library alone; flows are read by the full program, which
       * runs this same command with the same arguments (returns only on failure). */
      conduit_cli_front_run_full (error);
      return NULL;
#else
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
#endif
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
  g_autofree char *sheet = NULL;
  g_autofree char *xml_path = NULL;
  int header_row = 0;
  g_autofree char *rejected_mapping_name = NULL;
  gboolean keep_unmapped = FALSE;
  int n_threads = -1;
  const GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_STRING, &node_id,
      N_("The mapping node of a flow file"), "ID" },
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &input,
      N_("The records to map (- for standard input)"), "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name,
      N_("ndjson, json, csv, xlsx or xml (default: from the file name)"), "FORMAT" },
    { "sheet", 0, 0, G_OPTION_ARG_STRING, &sheet,
      N_("The sheet of an Excel workbook to read (default: the first)"), "NAME" },
    { "header-row", 0, 0, G_OPTION_ARG_INT, &header_row,
      N_("The row of the sheet that names the columns (default: the first with a value)"), "N" },
    { "xml-path", 0, 0, G_OPTION_ARG_STRING, &xml_path,
      N_("The XML elements that are records, e.g. /orders/order (default: the root's children)"),
      "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_name,
      N_("Where mapped records go, as NDJSON (default: standard output)"), "FILE" },
    { "rejected", 'r', 0, G_OPTION_ARG_FILENAME, &rejected_name,
      N_("Where refused records go, with their reasons, as NDJSON (default: standard error)"),
      "FILE" },
    { "rejected-mapping", 0, 0, G_OPTION_ARG_FILENAME, &rejected_mapping_name,
      N_("A mapping that shapes each rejected line (it reads line, record or raw, and reasons)"),
      "MAPPING.json" },
    { "delimiter", 'd', 0, G_OPTION_ARG_STRING, &delimiter,
      N_("The CSV delimiter: , ; or tab (default: from the header line)"), "CHAR" },
    { "keep-unmapped", 0, 0, G_OPTION_ARG_NONE, &keep_unmapped,
      N_("Pass on source fields that no row reads"), NULL },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      N_("Map with N threads besides the one that reads and writes (default: one per "
         "processor; 1 maps in that thread alone); the output is the same"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitMapping) rejected_mapping = NULL;
  g_autoptr(ConduitMapping) mapping = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitRecordReader) reader = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GOutputStream) rejected = NULL;
  ConduitMappingStreamCounts counts;
  g_autoptr(GTimer) timer = g_timer_new ();
  ConduitRecordFormat format = CONDUIT_RECORD_FORMAT_AUTO;
  gboolean ok;

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
      fprintf (stderr, _("%s: unknown format “%s”; use ndjson, json, csv, xlsx or xml\n"), argv[0], format_name);
      return 1;
    }
  if (format_name == NULL)
    format = conduit_record_format_guess (input);
  if (n_threads == 0 || n_threads > 64)
    {
      fprintf (stderr, _("%s: --threads takes a number from 1 to 64\n"), argv[0]);
      return 1;
    }
  if (n_threads < 0)
    n_threads = (int)CLAMP (g_get_num_processors (), 1, 8);

  mapping = load_mapping (argv[1], node_id, &error);
  if (mapping == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (keep_unmapped)
    conduit_mapping_set_keep_unmapped (mapping, TRUE);
  if (rejected_mapping_name != NULL)
    {
      rejected_mapping = load_mapping (rejected_mapping_name, NULL, &error);
      if (rejected_mapping == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
    }

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

#ifdef CONDUIT_CLI_FRONT
  /* The front reads the text formats alone (src/core/meson.build): a spreadsheet or an XML
   * document goes to the full program, before anything is read or written. A file's first
   * bytes are only looked at (the full program opens it again); standard input cannot be read
   * twice, so without --format it goes to the full program as it is. */
  if (format == CONDUIT_RECORD_FORMAT_AUTO && !g_str_equal (input, "-"))
    {
      reader = conduit_record_reader_new (stream, format);
      format = conduit_record_reader_decide_format (reader, &error);
      if (format == CONDUIT_RECORD_FORMAT_AUTO)
        {
          fprintf (stderr, "%s: %s: %s\n", argv[0], input, error->message);
          return 1;
        }
    }
  if (format == CONDUIT_RECORD_FORMAT_AUTO || format == CONDUIT_RECORD_FORMAT_XLSX ||
      format == CONDUIT_RECORD_FORMAT_XML)
    {
      conduit_cli_front_run_full (&error);
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  if (reader == NULL)
    reader = conduit_record_reader_new (stream, format);
#else
  reader = conduit_record_reader_new (stream, format);
#endif
  conduit_record_reader_set_sheet (reader, sheet);
  conduit_record_reader_set_xml_path (reader, xml_path);
  conduit_record_reader_set_header_row (reader, (guint)MAX (header_row, 0));
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

  output = open_output (output_name, 1, input, &error);
  if (output != NULL)
    rejected = open_output (rejected_name, 2, input, &error);
  if (output == NULL || rejected == NULL)
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  ok = conduit_mapping_stream_run_threads (mapping, rejected_mapping, reader, output, rejected,
                                           (guint)n_threads, &counts, NULL, &error);
  if (!g_output_stream_close (output, NULL, ok ? &error : NULL))
    ok = FALSE;
  if (!g_output_stream_close (rejected, NULL, ok ? &error : NULL))
    ok = FALSE;

  {
    guint64 n_warnings = 0;
    GPtrArray *warnings = conduit_record_reader_get_warnings (reader, &n_warnings);

    for (guint i = 0; warnings != NULL && i < warnings->len; i++)
      fprintf (stderr, _("%s: warning: %s: %s\n"), argv[0], input,
               (const char *)g_ptr_array_index (warnings, i));
    if (warnings != NULL && n_warnings > warnings->len)
      fprintf (stderr, _("%s: warning: %s: %" PRIu64 " more warnings like these\n"), argv[0],
               input, n_warnings - warnings->len);
  }

  /* The summary comes also after an error, so that what was written is known. */
  if (!ok)
    {
      if (g_error_matches (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED))
        g_prefix_error (&error, "%s: ", input);
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
    }
  fprintf (stderr, _("%s: %" PRIu64 " records, %" PRIu64 " mapped, %"
                     PRIu64 " rejected (%.2f s)\n"),
           argv[0], counts.records, counts.mapped, counts.rejected, g_timer_elapsed (timer, NULL));
  if (!ok)
    return 1;
  return counts.rejected > 0 ? 2 : 0;
}
