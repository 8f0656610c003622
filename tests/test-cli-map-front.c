/* test-cli-map-front.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

/* conduit-cli is a front (src/cli/conduit-cli-front.c): `map` runs in it without the libraries
 * the other commands need (libpq, libsoup, libcurl, …), seen in /proc/PID/maps of a map
 * waiting on its standard input; every other command replaces the process by
 * conduit-cli-full, keeping its id: seen in /proc/PID/exe and /proc/PID/maps of a run waiting
 * on its standard input. */

#define MAPPING "{ \"rows\": [ { \"destination\": \"email\", \"field\": \"email\" } ] }"

#define FLOW \
  "{ \"version\": 1, \"name\": \"Front\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": [] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {}," \
  "    \"mapping\": { \"rows\": [ { \"destination\": \"email\", \"field\": \"email\" } ] } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" } ] }"

/* the libraries only the full program links */
static const char * const heavy[] = {
  "libpq.so", "libsoup-3.0.so", "libcurl", "libmariadb", "libnats", "libssh", "libgmime",
  /* XLSX and XML: the front reads the text formats alone and hands those to the full program */
  "libzip", "libxml2", "libicu", NULL
};

static char *
write_temp (const char *dir,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* The process's mapped files once the dynamic linker has loaded what it needs (json-glib is
 * linked by both programs); NULL if the process ended first. */
static char *
maps_once_loaded (GSubprocess *process,
                  const char  *wanted)
{
  const char *pid_text = g_subprocess_get_identifier (process);
  g_autofree char *maps_path = NULL;
  gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_nonnull (pid_text);
  maps_path = g_strdup_printf ("/proc/%s/maps", pid_text);
  while (g_get_monotonic_time () < until)
    {
      g_autofree char *maps = NULL;

      if (g_file_get_contents (maps_path, &maps, NULL, NULL) && strstr (maps, wanted) != NULL)
        return g_steal_pointer (&maps);
      g_usleep (10000);
    }
  return NULL;
}

static void
test_map_without_heavy_libraries (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-front-XXXXXX", &error);
  g_autofree char *mapping = NULL;
  g_autofree char *maps = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *exe_link = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  mapping = write_temp (dir, "mapping.json", MAPPING);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("CONDUIT_CLI"), "map", mapping, "--input", "-",
                              "--format", "ndjson", NULL);
  g_assert_no_error (error);
  maps = maps_once_loaded (process, "libjson-glib");
  g_assert_nonnull (maps);
  exe_link = g_strdup_printf ("/proc/%s/exe", g_subprocess_get_identifier (process));
  exe = g_file_read_link (exe_link, &error);
  g_assert_no_error (error);
  g_assert_false (g_str_has_suffix (exe, "conduit-cli-full"));
  for (guint i = 0; heavy[i] != NULL; i++)
    {
      if (strstr (maps, heavy[i]) != NULL)
        g_error ("conduit-cli map loaded %s:\n%s", heavy[i], maps);
    }

  /* and it maps */
  g_subprocess_communicate_utf8 (process, "{\"email\": \"a@example.org\", \"x\": 1}\n", NULL,
                                 &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_cmpstr (out, ==, "{\"email\":\"a@example.org\"}\n");

  g_unlink (mapping);
  g_rmdir (dir);
}

/* run through the front: the same process becomes the full program */
static void
test_other_command_runs_full_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-front-XXXXXX", &error);
  g_autofree char *flow = NULL;
  g_autofree char *maps = NULL;
  g_autofree char *exe = NULL;
  g_autofree char *exe_link = NULL;
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  flow = write_temp (dir, "front.conduit", FLOW);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                              g_getenv ("CONDUIT_CLI"), "run", flow, "--input", "/dev/stdin",
                              "--no-history", NULL);
  g_assert_no_error (error);
  maps = maps_once_loaded (process, "libsoup-3.0.so");
  g_assert_nonnull (maps);
  exe_link = g_strdup_printf ("/proc/%s/exe", g_subprocess_get_identifier (process));
  exe = g_file_read_link (exe_link, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (exe, "/conduit-cli-full"));

  g_subprocess_communicate_utf8 (process, "{\"email\": \"b@example.org\"}\n", NULL, &out, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "Run: succeeded — 1 in, 1 ok"));

  g_unlink (flow);
  g_rmdir (dir);
}

/* Maps @input_path (or standard input given @stdin_text) and returns the output; the exit
 * status must be 0. */
static char *
map_through_front (const char *mapping,
                   const char *input_path,
                   const char *stdin_text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              g_getenv ("CONDUIT_CLI"), "map", mapping, "--input",
                              input_path ? input_path : "-", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) != 0)
    g_error ("conduit-cli map %s failed: %s", input_path ? input_path : "-", err);
  return out;
}

/* XLSX and XML are read by the full program (the front is built without libzip and libxml2):
 * named by the file's extension, found by a look at the file's first bytes, or coming on
 * standard input without --format; NDJSON under an unknown extension stays in the front. */
static void
test_spreadsheet_and_xml_go_to_full_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-front-XXXXXX", &error);
  g_autofree char *mapping = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *xml_unnamed = NULL;
  g_autofree char *ndjson_unnamed = NULL;
  g_autofree char *xlsx = g_build_filename (TEST_DATA_DIR, "fixtures", "xlsx", "openpyxl.xlsx",
                                            NULL);
  g_autofree char *xlsx_bytes = NULL;
  gsize xlsx_length = 0;
  const char *document = "<orders><order><email>c@example.org</email></order></orders>";
  const char * const outputs[] = { "xml", "xml-unnamed", "xml-stdin" };

  g_assert_no_error (error);
  mapping = write_temp (dir, "mapping.json", MAPPING);
  xml = write_temp (dir, "orders.xml", document);
  xml_unnamed = write_temp (dir, "orders.export", document);
  ndjson_unnamed = write_temp (dir, "leads.export", "{\"email\": \"d@example.org\"}\n");

  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *out = map_through_front (mapping, i == 0 ? xml : i == 1 ? xml_unnamed : NULL,
                                                i == 2 ? document : NULL);

      if (g_strcmp0 (out, "{\"email\":\"c@example.org\"}\n") != 0)
        g_error ("%s: %s", outputs[i], out);
    }

  {
    g_autofree char *out = map_through_front (mapping, ndjson_unnamed, NULL);

    g_assert_cmpstr (out, ==, "{\"email\":\"d@example.org\"}\n");
  }

  /* a workbook: each row a record (the mapping reads a column the sheet may not have: the
   * record is still read, and refused or mapped, never an error of the program) */
  g_assert_true (g_file_get_contents (xlsx, &xlsx_bytes, &xlsx_length, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GSubprocess) process = NULL;
    g_autoptr(GBytes) input = g_bytes_new (xlsx_bytes, xlsx_length);
    g_autoptr(GBytes) out = NULL;
    g_autoptr(GBytes) err = NULL;
    g_autofree char *err_text = NULL;

    process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                g_getenv ("CONDUIT_CLI"), "map", mapping, "--input", "-", NULL);
    g_assert_no_error (error);
    g_subprocess_communicate (process, input, NULL, &out, &err, &error);
    g_assert_no_error (error);
    err_text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));
    g_assert_true (g_subprocess_get_if_exited (process));
    if (g_subprocess_get_exit_status (process) == 1)
      g_error ("a workbook on standard input: %s", err_text);
    g_assert_nonnull (strstr (err_text, " records, "));
    g_assert_null (strstr (err_text, "0 records, "));
  }

  g_unlink (mapping);
  g_unlink (xml);
  g_unlink (xml_unnamed);
  g_unlink (ndjson_unnamed);
  g_rmdir (dir);
}

/* --help goes to the full program, which lists every command, map included; messages say
 * conduit-cli */
static void
test_help_and_unknown_command (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  static const char * const commands[] = {
    "validate", "connector", "map", "run", "serve", "history", "credential", "deploy", "test", NULL
  };

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                              g_getenv ("CONDUIT_CLI"), "--help", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", commands[i]);

      g_assert_nonnull (strstr (out, line));
    }
  g_clear_object (&process);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("CONDUIT_CLI"), "frobnicate", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_true (g_str_has_prefix (err, "conduit-cli: "));
  g_assert_nonnull (strstr (err, "frobnicate"));
}

/* a front without its full program says which program and where */
static void
test_missing_full_program (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-front-XXXXXX", &error);
  g_autofree char *front = NULL;
  g_autofree char *installed = g_build_filename (LIBEXECDIR, "conduit", "conduit-cli-full", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GFile) from = g_file_new_for_path (g_getenv ("CONDUIT_CLI"));
  g_autoptr(GFile) to = NULL;

  g_assert_no_error (error);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("an installed conduit-cli-full is found by a lone front");
      return;
    }
  front = g_build_filename (dir, "conduit-cli", NULL);
  to = g_file_new_for_path (front);
  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, front, "validate", "x.conduit", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_true (g_str_has_prefix (err, "conduit-cli: "));
  g_assert_nonnull (strstr (err, "conduit-cli-full"));
  g_assert_nonnull (strstr (err, installed));

  g_unlink (front);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-map-front/map-without-heavy-libraries", test_map_without_heavy_libraries);
  g_test_add_func ("/cli-map-front/other-command-runs-full-program",
                   test_other_command_runs_full_program);
  g_test_add_func ("/cli-map-front/spreadsheet-and-xml-go-to-full-program",
                   test_spreadsheet_and_xml_go_to_full_program);
  g_test_add_func ("/cli-map-front/help-and-unknown-command", test_help_and_unknown_command);
  g_test_add_func ("/cli-map-front/missing-full-program", test_missing_full_program);
  return g_test_run ();
}
