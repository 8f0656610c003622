/* test-xlsx-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"

/* Excel workbooks through the record reader: fixtures written by openpyxl and part by part as
 * Excel writes them (tests/fixtures/xlsx/make-fixtures.py), and hostile ones. */

static char *
fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", "xlsx", name, NULL);
}

/* Every record of @name's @sheet as compact JSON, one a line; the error when reading stops. */
static char *
read_all (GInputStream        *stream,
          ConduitRecordFormat  format,
          const char          *sheet,
          GError             **error)
{
  g_autoptr(GPtrArray) records = conduit_records_read (stream, format, 0, sheet, 0, NULL, error);
  GString *out = g_string_new (NULL);

  if (records == NULL)
    return g_string_free (out, TRUE);
  for (guint i = 0; i < records->len; i++)
    {
      g_autofree char *text = json_to_string (records->pdata[i], FALSE);

      g_string_append_printf (out, "%s\n", text);
    }
  return g_string_free (out, FALSE);
}

static char *
read_file (const char          *name,
           ConduitRecordFormat  format,
           const char          *sheet,
           GError             **error)
{
  g_autofree char *path = fixture (name);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);

  g_assert_nonnull (stream);
  return read_all (G_INPUT_STREAM (stream), format, sheet, error);
}

static void
test_openpyxl (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* typed cells; dates by the cell's number format; an unnamed and a repeated header; an
   * empty row skipped; empty cells keep their column as null; a merged cell's value is in its
   * first cell; a formula without a cached value is null */
  text = read_file ("openpyxl.xlsx", CONDUIT_RECORD_FORMAT_XLSX, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
    "{\"id\":1,\"customer\":\"Ada\",\"amount\":12.5,\"paid\":true,\"ordered\":\"2024-03-01\","
    "\"ordered at\":\"2024-03-01T08:30:15\",\"note\":\"first\",\"column_8\":null,\"id_2\":\"A-1\"}\n"
    "{\"id\":2,\"customer\":\"Grace Hopper\",\"amount\":1000000,\"paid\":false,\"ordered\":\"1999-12-31\","
    "\"ordered at\":\"2000-01-01T00:00:00\",\"note\":null,\"column_8\":null,\"id_2\":\"A-2\"}\n"
    "{\"id\":3,\"customer\":\"Zoë “quoted”, with comma\",\"amount\":-0.25,\"paid\":null,\"ordered\":null,"
    "\"ordered at\":null,\"note\":\"line one\\nline two\",\"column_8\":null,\"id_2\":\"A-3\"}\n"
    "{\"id\":4,\"customer\":\"merged\",\"amount\":null,\"paid\":null,\"ordered\":null,"
    "\"ordered at\":null,\"note\":null,\"column_8\":null,\"id_2\":null}\n");
  g_clear_pointer (&text, g_free);

  /* a sheet by name; a time of day; the format found from the content */
  text = read_file ("openpyxl.xlsx", CONDUIT_RECORD_FORMAT_AUTO, "Second sheet", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "{\"name\":\"lunch\",\"time\":\"12:45:00\"}\n");
  g_clear_pointer (&text, g_free);

  text = read_file ("openpyxl.xlsx", CONDUIT_RECORD_FORMAT_XLSX, "Nope", &error);
  g_assert_null (text);
  g_assert_error (error, CONDUIT_RECORD_READER_ERROR, CONDUIT_RECORD_READER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no sheet “Nope”"));
  g_assert_nonnull (strstr (error->message, "“Orders”, “Second sheet”"));
}

static void
test_excel_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* shared strings (rich text runs, phonetic guides left out, spaces kept), a formula's
   * cached number, string and error, an inline string, a custom date format in a 1904
   * workbook, a percentage that is no date, a boolean, a header row after a gap */
  text = read_file ("excel-parts.xlsx", CONDUIT_RECORD_FORMAT_XLSX, "Data", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==,
    "{\"name\":\"rich text\",\"total\":3,\"when\":\"1904-01-01\",\"share\":0.125}\n"
    "{\"name\":\"  spaced  \",\"total\":\"#DIV/0!\",\"when\":null,\"share\":true}\n"
    "{\"name\":null,\"total\":\"ab\",\"when\":null,\"share\":null}\n");
}

static void
test_header_row (void)
{
  g_autofree char *path = fixture ("excel-parts.xlsx");
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  /* row 3 names the columns; the rows above it are not read */
  records = conduit_records_read_path_full (path, CONDUIT_RECORD_FORMAT_AUTO, 0, NULL, 3, 0, NULL,
                                            &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  first = json_to_string (records->pdata[0], FALSE);
  g_assert_cmpstr (first, ==, "{\"rich text\":\"  spaced  \",\"3\":\"#DIV/0!\",\"1904-01-01\":null,\"0.125\":true}");
  g_clear_pointer (&records, g_ptr_array_unref);

  /* the sheet has no row 2 */
  records = conduit_records_read_path_full (path, CONDUIT_RECORD_FORMAT_AUTO, 0, NULL, 2, 0, NULL,
                                            &error);
  g_assert_null (records);
  g_assert_nonnull (strstr (error->message, "row 2 of the sheet is empty"));
}

static void
test_stream_that_cannot_seek (void)
{
  g_autofree char *path = fixture ("excel-parts.xlsx");
  g_autoptr(GSubprocess) cat = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  /* a pipe (standard input of conduit-cli map -i -) is spooled to a temporary file */
  cat = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "cat", path, NULL);
  g_assert_no_error (error);
  g_assert_false (G_IS_SEEKABLE (g_subprocess_get_stdout_pipe (cat)) &&
                  g_seekable_can_seek (G_SEEKABLE (g_subprocess_get_stdout_pipe (cat))));
  text = read_all (g_subprocess_get_stdout_pipe (cat), CONDUIT_RECORD_FORMAT_AUTO, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "{\"name\":\"rich text\""));
  g_assert_true (g_subprocess_wait (cat, NULL, NULL));
}

static void
test_hostile (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = read_file ("corrupt.xlsx", CONDUIT_RECORD_FORMAT_XLSX, NULL, &error);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "not an Excel workbook"));
  g_clear_error (&error);

  /* refused while it inflates, long before 200 MB */
  text = read_file ("zip-bomb.xlsx", CONDUIT_RECORD_FORMAT_XLSX, NULL, &error);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "zip bomb"));
  g_assert_nonnull (strstr (error->message, "xl/worksheets/sheet1.xml"));
  g_clear_error (&error);

  /* an external entity is never resolved: the cell is empty text, not /etc/passwd */
  text = read_file ("xxe.xlsx", CONDUIT_RECORD_FORMAT_XLSX, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "{\"name\":\"\"}\n");
}

/* What the Write File step writes (libxlsxwriter) reads back as it was, and appending keeps
 * the records already there. */
static void
test_write_read_back (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-xlsx-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.xlsx", NULL);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *inputs[] = {
    "{\"id\": 1, \"name\": \"Ada, \\\"the first\\\"\", \"amount\": 12.5, \"paid\": true, \"tags\": [\"a\"]}",
    "{\"id\": 2, \"name\": \"Zoë\\nGrace\", \"paid\": false, \"when\": \"2024-03-01\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_ptr_array_add (records, json_from_string (inputs[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (conduit_records_write_path (path, records, CONDUIT_RECORD_FORMAT_AUTO, NULL, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (conduit_records_write_path (path, records, CONDUIT_RECORD_FORMAT_AUTO, NULL, TRUE, &error));
  g_assert_no_error (error);

  back = conduit_records_read_path (path, CONDUIT_RECORD_FORMAT_AUTO, 0, NULL, 0, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < back->len; i++)
    {
      g_autofree char *json = json_to_string (back->pdata[i], FALSE);

      g_string_append_printf (text, "%s\n", json);
    }
  g_assert_cmpstr (text->str, ==,
    "{\"id\":1,\"name\":\"Ada, \\\"the first\\\"\",\"amount\":12.5,\"paid\":true,\"tags\":\"[\\\"a\\\"]\",\"when\":null}\n"
    "{\"id\":2,\"name\":\"Zoë\\nGrace\",\"amount\":null,\"paid\":false,\"tags\":null,\"when\":\"2024-03-01\"}\n"
    "{\"id\":1,\"name\":\"Ada, \\\"the first\\\"\",\"amount\":12.5,\"paid\":true,\"tags\":\"[\\\"a\\\"]\",\"when\":null}\n"
    "{\"id\":2,\"name\":\"Zoë\\nGrace\",\"amount\":null,\"paid\":false,\"tags\":null,\"when\":\"2024-03-01\"}\n");

  g_remove (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/xlsx-reader/openpyxl", test_openpyxl);
  g_test_add_func ("/conduit/xlsx-reader/excel-parts", test_excel_parts);
  g_test_add_func ("/conduit/xlsx-reader/header-row", test_header_row);
  g_test_add_func ("/conduit/xlsx-reader/stream-that-cannot-seek", test_stream_that_cannot_seek);
  g_test_add_func ("/conduit/xlsx-reader/hostile", test_hostile);
  g_test_add_func ("/conduit/xlsx-reader/write-read-back", test_write_read_back);

  return g_test_run ();
}
