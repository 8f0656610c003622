/* test-record-sources.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "runner-test-util.h"

/* One file, the same records everywhere (#13): the mapping table's sample picker, the Read File
 * step in a real run and `conduit-cli map` read each tricky file of tests/fixtures/records/
 * into the same records, and refuse the same ones at the same positions with the same text. */

typedef struct
{
  const char *name;
  guint       n_records;
  guint       n_refused;
  const char *first;        /* the first record, as compact JSON */
} Case;

static const Case cases[] = {
  { "bom-crlf.csv", 2, 0, "{\"name\":\"Ada\",\"city\":\"London\"}" },
  { "quoted-newlines.csv", 2, 0, "{\"id\":\"1\",\"note\":\"line one\\nline two\"}" },
  { "semicolon.csv", 2, 0, "{\"name\":\"Ada\",\"amount\":\"1,5\"}" },
  { "tab.tsv", 1, 0, "{\"name\":\"Ada\",\"city\":\"London\"}" },
  { "empty-header.csv", 1, 0, "{\"name\":\"Ada\",\"column_2\":\"x\",\"city\":\"London\",\"column_4\":\"y\"}" },
  { "duplicate-headers.csv", 1, 0,
    "{\"email\":\"a\",\"email_2\":\"b\",\"Email\":\"c\",\"email_2_2\":\"d\",\"email_3\":\"e\"}" },
  { "padded-header.csv", 1, 0, "{\"Email\":\"ada@example.com\",\"Name\":\"Ada\"}" },
  { "ragged.csv", 2, 1, "{\"a\":\"1\",\"b\":\"2\"}" },
  { "blank-lines.csv", 2, 0, "{\"a\":\"1\",\"b\":\"2\"}" },
  { "nul.csv", 1, 1, "{\"a\":\"2\",\"b\":\"z\"}" },
  { "latin1.csv", 1, 1, "{\"name\":\"Ada\",\"city\":\"London\"}" },
  { "ndjson-content.txt", 2, 0, "{\"a\":1}" },
  { "csv-content.dat", 1, 0, "{\"a\":\"1\",\"b\":\"2\"}" },
  { "pretty.json", 2, 0, "{\"a\":1,\"b\":\"x\"}" },
  { "not-a-record.ndjson", 2, 2, "{\"a\":1}" },
  { "../xml/orders.xml", 3, 0,
    "{\"id\":\"1\",\"status\":\"paid\",\"c:customer\":{\"c:vip\":\"yes\",\"#text\":\"Ada Lovelace\"},"
    "\"total\":{\"currency\":\"EUR\",\"#text\":\"12.50\"},\"line\":[{\"sku\":\"A1\",\"#text\":\"2\"},"
    "{\"sku\":\"B2\",\"#text\":\"1\"}],\"note\":\"fragile & <urgent>\"}" },
  { "../xml/xxe.xml", 1, 1, "{\"id\":\"2\",\"note\":\"plain\"}" },
  { "../xlsx/excel-parts.xlsx", 3, 0,
    "{\"name\":\"rich text\",\"total\":3,\"when\":\"1904-01-01\",\"share\":0.125}" },
};

/* What one reader made of a file: records as compact JSON, refusals as "POSITION RAW". */
typedef struct
{
  GPtrArray *records;
  GPtrArray *refused;
} Reading;

static void
reading_clear (Reading *reading)
{
  g_clear_pointer (&reading->records, g_ptr_array_unref);
  g_clear_pointer (&reading->refused, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reading, reading_clear)

static void
reading_init (Reading *reading)
{
  reading->records = g_ptr_array_new_with_free_func (g_free);
  reading->refused = g_ptr_array_new_with_free_func (g_free);
}

static char *
refusal (gint64      position,
         const char *raw)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " %s", position, raw);
}

/* Each line of an NDJSON file the test's flow or the CLI wrote; none when it was not written. */
static GPtrArray *
ndjson_lines (const char *path)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *text = NULL;
  g_auto(GStrv) split = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return lines;
  split = g_strsplit (text, "\n", -1);
  for (guint i = 0; split[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node;

      if (*split[i] == '\0')
        continue;
      node = json_from_string (split[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (lines, node);
    }
  return lines;
}

/* The mapping table's sample picker: conduit_records_read() on the file's content, the format
 * from its name, as on_file_loaded() does. */
static void
read_as_preview (Reading    *reading,
                 const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (stream);
  records = conduit_records_read (G_INPUT_STREAM (stream), conduit_record_format_guess (path), 0,
                                  NULL, 100, problems, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (reading->records, json_to_string (records->pdata[i], FALSE));
  for (guint i = 0; i < problems->len; i++)
    {
      JsonObject *problem = json_node_get_object (problems->pdata[i]);

      g_ptr_array_add (reading->refused,
                       refusal (json_object_get_int_member (problem, "position"),
                                json_object_get_string_member (problem, "raw")));
    }
}

/* The Read File step in a real run; its records and its refusals are written to NDJSON files
 * by two Write File steps. */
static void
read_as_step (Reading    *reading,
              const char *path)
{
  RunnerFixture fixture = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *errors = NULL;
  g_autofree char *json = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  runner_fixture_set_up (&fixture, NULL);
  out = g_build_filename (fixture.dir, "out.ndjson", NULL);
  errors = g_build_filename (fixture.dir, "errors.ndjson", NULL);
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"Read\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ {} ] } },"
    "  { \"id\": \"read\", \"type\": \"read-file\", \"position\": [200, 0], \"settings\": { \"path\": \"%s\" } },"
    "  { \"id\": \"write\", \"type\": \"write-file\", \"position\": [400, 0],"
    "    \"settings\": { \"path\": \"%s\", \"mode\": \"replace\" } },"
    "  { \"id\": \"refused\", \"type\": \"write-file\", \"position\": [400, 200],"
    "    \"settings\": { \"path\": \"%s\", \"mode\": \"replace\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"read\", \"to_port\": \"in\" },"
    "              { \"from\": \"read\", \"from_port\": \"out\", \"to\": \"write\", \"to_port\": \"in\" },"
    "              { \"from\": \"read\", \"from_port\": \"error\", \"to\": \"refused\", \"to_port\": \"in\" } ] }",
    path, out, errors);
  flow = runner_test_flow (json);
  run = runner_test_run (&fixture, flow, NULL);
  g_assert_cmpstr (conduit_run_get_node_error (run, "read"), ==, NULL);

  records = ndjson_lines (out);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (reading->records, json_to_string (records->pdata[i], FALSE));
  refused = ndjson_lines (errors);
  for (guint i = 0; i < refused->len; i++)
    {
      JsonObject *item = json_object_get_object_member (json_node_get_object (refused->pdata[i]),
                                                        "item");

      g_ptr_array_add (reading->refused,
                       refusal (json_object_get_int_member (item, "position"),
                                json_object_get_string_member (item, "raw")));
    }

  g_clear_object (&run);
  runner_fixture_tear_down (&fixture, NULL);
}

/* conduit-cli map with a mapping of no rows that keeps every field. */
static void
read_as_cli (Reading    *reading,
             const char *path)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-record-sources-XXXXXX", NULL);
  g_autofree char *mapping = g_build_filename (dir, "mapping.json", NULL);
  g_autofree char *out = g_build_filename (dir, "out.ndjson", NULL);
  g_autofree char *rejected = g_build_filename (dir, "rejected.ndjson", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (mapping, "{\"rows\": []}", -1, NULL));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, g_getenv ("CONDUIT_CLI"),
                              "map", mapping, "--keep-unmapped", "--input", path,
                              "--output", out, "--rejected", rejected, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (process, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 1);

  records = ndjson_lines (out);
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (reading->records, json_to_string (records->pdata[i], FALSE));
  refused = ndjson_lines (rejected);
  for (guint i = 0; i < refused->len; i++)
    {
      JsonObject *line = json_node_get_object (refused->pdata[i]);
      gint64 position = json_object_has_member (line, "row") ? json_object_get_int_member (line, "row")
                      : json_object_has_member (line, "line") ? json_object_get_int_member (line, "line")
                      : json_object_get_int_member (line, "item");

      g_ptr_array_add (reading->refused,
                       refusal (position, json_object_get_string_member (line, "raw")));
    }

  g_unlink (out);
  g_unlink (rejected);
  g_unlink (mapping);
  g_rmdir (dir);
}

static void
assert_same (GPtrArray  *expected,
             GPtrArray  *got,
             const char *file,
             const char *what)
{
  for (guint i = 0; i < MIN (expected->len, got->len); i++)
    if (g_strcmp0 (expected->pdata[i], got->pdata[i]) != 0)
      g_error ("%s: %s %u: the sample picker read %s, the other %s", file, what, i + 1,
               (char *)expected->pdata[i], (char *)got->pdata[i]);
  if (expected->len != got->len)
    g_error ("%s: the sample picker read %u %s, the other %u", file, expected->len, what, got->len);
}

static void
test_same_records (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "records", c->name, NULL);
  g_auto(Reading) preview = { 0 };
  g_auto(Reading) step = { 0 };
  g_auto(Reading) cli = { 0 };

  reading_init (&preview);
  reading_init (&step);
  reading_init (&cli);
  read_as_preview (&preview, path);
  read_as_step (&step, path);
  read_as_cli (&cli, path);

  g_assert_cmpuint (preview.records->len, ==, c->n_records);
  g_assert_cmpuint (preview.refused->len, ==, c->n_refused);
  g_assert_cmpstr (preview.records->pdata[0], ==, c->first);

  assert_same (preview.records, step.records, c->name, "records (Read File)");
  assert_same (preview.refused, step.refused, c->name, "refused records (Read File)");
  assert_same (preview.records, cli.records, c->name, "records (conduit-cli map)");
  assert_same (preview.refused, cli.refused, c->name, "refused records (conduit-cli map)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/conduit/record-sources/%s", cases[i].name);

      g_test_add_data_func (test_path, &cases[i], test_same_records);
    }

  return g_test_run ();
}
