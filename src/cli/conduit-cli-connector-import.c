/* conduit-cli-connector-import.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-connector"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "conduit-openapi-import.h"
#include "conduit-cli-commands.h"

/* conduit-cli connector import openapi FILE|URL [--id ID] [--output DIR]
 *
 * Writes the app descriptor made from an OpenAPI description into the user's connector folder
 * (or DIR), merged with an earlier import of the same app, and prints the report of what was
 * not carried over. A description that cannot be read is one line "FILE:LINE: /pointer:
 * message", as `connector validate` prints problems. */

typedef struct
{
  GMainLoop *loop;
  GBytes    *bytes;
  GError    *error;
} Download;

static void
downloaded (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Download *download = user_data;

  download->bytes = conduit_openapi_download_finish (result, &download->error);
  g_main_loop_quit (download->loop);
}

static GBytes *
read_source (const char  *source,
             GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (g_str_has_prefix (source, "https://") || g_str_has_prefix (source, "http://"))
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      Download download = { loop, NULL, NULL };

      conduit_openapi_download_async (source, NULL, downloaded, &download);
      g_main_loop_run (loop);
      if (download.error != NULL)
        g_propagate_error (error, download.error);
      return download.bytes;
    }

  /* a file over the limit is refused by its size, before it is read into memory */
  {
    g_autoptr(GFile) file = g_file_new_for_commandline_arg (source);
    g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                   G_FILE_QUERY_INFO_NONE, NULL, NULL);

    if (info != NULL && g_file_info_get_size (info) > CONDUIT_OPENAPI_IMPORT_MAX_BYTES)
      {
        g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE,
                     _("%s:1: /: the description is %.1f MB; Conduit imports descriptions of up to %u MB"),
                     source, g_file_info_get_size (info) / (1024.0 * 1024.0),
                     CONDUIT_OPENAPI_IMPORT_MAX_BYTES / (1024 * 1024));
        return NULL;
      }
  }
  if (!g_file_get_contents (source, &contents, &length, error))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&contents), length);
}

int
conduit_cli_connector_import (int    argc,
                              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ConduitOpenapiImport) import = NULL;
  g_autofree char *id = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) tags = NULL;
  g_autofree char *path = NULL;
  const char *source;
  GPtrArray *report;
  const GOptionEntry entries[] = {
    { "id", 0, 0, G_OPTION_ARG_STRING, &id,
      N_("The app's id, the prefix of its step types (default: from the title)"), N_("ID") },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output,
      N_("Where to write it (default: your connector folder)"), N_("DIR") },
    { "tag", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tags,
      N_("Only the operations with this tag (repeatable): a part of a large API"), N_("TAG") },
    { NULL }
  };

  context = g_option_context_new (_("openapi FILE|URL [--tag TAG…] — import an OpenAPI description as an app"));
  g_option_context_set_summary (context,
                                _("Reads an OpenAPI 3.0 or 3.1 description (JSON or YAML) or a "
                                  "Swagger 2.0 one, writes ID.json into "
                                  "$XDG_DATA_HOME/conduit/connectors (or DIR), keeping the titles "
                                  "you changed and the operations you deleted since an earlier "
                                  "import, and prints what could not be carried over."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }
  if (argc != 3 || !g_str_equal (argv[1], "openapi"))
    {
      fprintf (stderr, _("%s: say openapi FILE|URL\n"), argv[0]);
      return 1;
    }
  source = argv[2];
  if (id != NULL)
    {
      gboolean valid = g_ascii_isalnum (*id) && strlen (id) <= 64;

      for (const char *p = id; *p && valid; p++)
        valid = g_ascii_isalnum (*p) || *p == '-' || *p == '_';
      if (!valid)
        {
          fprintf (stderr, _("%s: --id “%s” is not an identifier: letters, digits, “-” and “_”, at most 64\n"),
                   argv[0], id);
          return 1;
        }
    }

  if (!(bytes = read_source (source, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  import = conduit_openapi_import_new (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                       g_str_has_prefix (source, "http") && strstr (source, "://")
                                         ? source : NULL,
                                       id, &error);
  if (import == NULL)
    {
      fprintf (stderr, "%s:%s\n", source, error->message);
      return 1;
    }
  if (tags != NULL && !conduit_openapi_import_keep_tags (import, (const char * const *)tags, &error))
    {
      fprintf (stderr, "%s: %s\n", source, error->message);
      return 1;
    }
  if (!(path = conduit_openapi_import_write (import, output, &error)))
    {
      fprintf (stderr, "%s: %s\n", source, error->message);
      return 1;
    }

  printf (_("%s: %u operations of “%s” written to %s\n"), source,
          conduit_openapi_import_get_n_operations (import), conduit_openapi_import_get_title (import),
          path);
  report = conduit_openapi_import_get_report (import);
  if (report->len > 0)
    printf (_("Not carried over:\n"));
  for (guint i = 0; i < report->len; i++)
    printf ("  - %s\n", (const char *)g_ptr_array_index (report, i));
  return 0;
}
