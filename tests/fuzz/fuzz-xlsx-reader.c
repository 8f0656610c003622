/* fuzz-xlsx-reader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <zip.h>

#include "conduit.h"
#include "conduit-xlsx-reader.h"
#include "fuzz-common.h"

/* Excel workbooks from anywhere. Random bytes rarely get past a zip's checksums, so the first
 * byte picks which part of an otherwise sound workbook the rest of the input becomes (the
 * sheet, the shared strings, the styles, the workbook, its relationships), or (4 and above)
 * the input is the whole file. Every row must come with cells of a known kind whose texts are
 * UTF-8 and end where they say, and the reader must stop with an error or at the end. */

#define MAX_ROWS 100000

static const char *const parts[][2] = {
  { "_rels/.rels",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>" },
  { "xl/workbook.xml",
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>" },
  { "xl/_rels/workbook.xml.rels",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>" },
  { "xl/sharedStrings.xml",
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>a</t></si><si><t>b</t></si></sst>" },
  { "xl/styles.xml",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>" },
  { "xl/worksheets/sheet1.xml",
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
    "<row r=\"2\"><c r=\"A2\" s=\"1\"><v>45000</v></c><c r=\"B2\" t=\"b\"><v>1</v></c></row></sheetData></worksheet>" },
};

/* which part each choice replaces */
static const guint replaced[] = { 5, 3, 4, 1, 2 };

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

static GBytes *
make_workbook (guint         choice,
               const uint8_t *data,
               size_t        size)
{
  zip_source_t *buffer = zip_source_buffer_create (NULL, 0, 0, NULL);
  zip_t *zip;
  zip_stat_t stat;
  void *bytes;

  zip_source_keep (buffer);
  zip = zip_open_from_source (buffer, ZIP_TRUNCATE, NULL);
  g_assert_nonnull (zip);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      gboolean fuzzed = i == replaced[choice];
      zip_source_t *part = zip_source_buffer (zip, fuzzed ? (const void *)data : parts[i][1],
                                              fuzzed ? size : strlen (parts[i][1]), 0);

      g_assert_cmpint (zip_file_add (zip, parts[i][0], part, 0), >=, 0);
    }
  g_assert_cmpint (zip_close (zip), ==, 0);

  g_assert_cmpint (zip_source_stat (buffer, &stat), ==, 0);
  bytes = g_malloc (MAX (stat.size, 1));
  g_assert_cmpint (zip_source_open (buffer), ==, 0);
  g_assert_cmpint (zip_source_read (buffer, bytes, stat.size), ==, (zip_int64_t)stat.size);
  zip_source_close (buffer);
  zip_source_free (buffer);
  return g_bytes_new_take (bytes, stat.size);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) workbook = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(ConduitXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  const ConduitXlsxCell *cells;
  guint n_cells;
  guint rows = 0;

  if (size < 1)
    return 0;

  if (data[0] < G_N_ELEMENTS (replaced))
    workbook = make_workbook (data[0], data + 1, size - 1);
  else
    workbook = g_bytes_new (data + 1, size - 1);
  stream = g_memory_input_stream_new_from_bytes (workbook);

  reader = conduit_xlsx_reader_new (stream, data[0] % 2 == 0 ? NULL : "S", &error);
  while (reader != NULL && conduit_xlsx_reader_next_row (reader, &cells, &n_cells, &error))
    {
      g_assert_cmpuint (n_cells, >, 0);
      g_assert_cmpuint (n_cells, <=, 16384);
      for (guint i = 0; i < n_cells; i++)
        {
          g_assert_cmpint (cells[i].kind, <=, CONDUIT_XLSX_CELL_ERROR);
          g_assert_nonnull (cells[i].text);
          g_assert_cmpint (cells[i].text[cells[i].length], ==, '\0');
          if (!g_utf8_validate (cells[i].text, cells[i].length, NULL))
            g_error ("a cell's text is not UTF-8");
        }
      g_assert_cmpuint (++rows, <=, MAX_ROWS);
    }

  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    g_error ("an XLSX error is not UTF-8: %s", error->message);

  return 0;
}
