/* test-cli-map.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static char *
fixture (const char *name)
{
  return g_build_filename (TEST_DATA_DIR, "fixtures", "mapping", name, NULL);
}

/* Runs conduit-cli with @args (NULL-terminated), @input on its standard input. */
static void
run_cli (Run                *run,
         const char         *input,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer)g_getenv ("CONDUIT_CLI"));
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
}

static GPtrArray *
parse_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node;

      if (*lines[i] == '\0')
        continue;
      node = json_from_string (lines[i], &error);
      g_assert_no_error (error);
      g_ptr_array_add (nodes, node);
    }
  return nodes;
}

static void
assert_line (GPtrArray  *lines,
             guint       index,
             const char *expected)
{
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);

  g_assert_nonnull (want);
  g_assert_cmpuint (index, <, lines->len);
  if (!json_node_equal (g_ptr_array_index (lines, index), want))
    {
      g_autofree char *got = json_to_string (g_ptr_array_index (lines, index), FALSE);

      g_error ("line %u: expected %s, got %s", index, expected, got);
    }
}

static void
test_all_pass (void)
{
  g_autofree char *mapping = fixture ("mapping.json");
  g_autofree char *input = fixture ("good.ndjson");
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  run_cli (&run, NULL, (const char *[]) { "map", mapping, "--input", input, NULL });
  g_assert_cmpint (run.status, ==, 0);
  lines = parse_lines (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  assert_line (lines, 0, "{\"contact\": {\"email\": \"ada@example.com\", \"name\": \"Ada Lovelace\","
                         " \"phone\": \"442079460958\"}, \"employees\": 12, \"source\": \"newsletter\"}");
  assert_line (lines, 1, "{\"contact\": {\"email\": \"grace@navy.mil\", \"name\": \"Grace Hopper\","
                         " \"phone\": \"5550100\"}, \"source\": \"web\"}");
  /* the one-line summary */
  g_assert_true (g_str_has_prefix (run.err, "conduit-cli map: 2 records, 2 mapped, 0 rejected ("));
  g_assert_cmpuint (strlen (run.err), ==, strcspn (run.err, "\n") + 1);
}

/* Output files that already hold something, longer than what the run writes, are replaced:
 * the file holds the run's bytes and nothing after them, also the one nothing is written to
 * (they are emptied while the first records are mapped, not when they are opened). */
static void
test_existing_outputs (void)
{
  g_autofree char *mapping = fixture ("mapping.json");
  g_autofree char *input = fixture ("good.ndjson");
  g_autofree char *dir = g_dir_make_tmp ("conduit-cli-map-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "out.ndjson", NULL);
  g_autofree char *rejected = g_build_filename (dir, "rejected.ndjson", NULL);
  g_autofree char *old = g_strnfill (3 * 1024 * 1024, 'x');

  for (guint round = 0; round < 2; round++)
    {
      g_auto(Run) run = { 0 };
      g_autofree char *written = NULL;
      g_autofree char *refused = NULL;
      g_autoptr(GPtrArray) lines = NULL;

      g_assert_true (g_file_set_contents (out, old, -1, NULL));
      g_assert_true (g_file_set_contents (rejected, old, round == 0 ? -1 : 0, NULL));
      run_cli (&run, NULL, (const char *[]) { "map", mapping, "--input", input, "--output", out,
                                              "--rejected", rejected, "--threads",
                                              round == 0 ? "1" : "2", NULL });
      g_assert_cmpint (run.status, ==, 0);
      g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
      g_assert_true (g_file_get_contents (rejected, &refused, NULL, NULL));
      g_assert_cmpstr (refused, ==, "");
      lines = parse_lines (written);
      g_assert_cmpuint (lines->len, ==, 2);
      g_assert_cmpuint (strlen (written), <, 1024);
    }

  /* the input as the output: emptied before it is read, as O_TRUNC did */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *records = NULL;
    g_autofree char *written = NULL;

    g_assert_true (g_file_get_contents (input, &records, NULL, NULL));
    g_assert_true (g_file_set_contents (out, records, -1, NULL));
    run_cli (&run, NULL, (const char *[]) { "map", mapping, "--input", out, "--output", out,
                                            "--rejected", rejected, NULL });
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_str_has_prefix (run.err, "conduit-cli map: 0 records"));
    g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, "");
  }
  g_remove (out);
  g_remove (rejected);
  g_rmdir (dir);
}

static void
test_some_rejected (void)
{
  g_autofree char *mapping = fixture ("mapping.json");
  g_autofree char *input = fixture ("mixed.ndjson");
  g_autofree char *dir = g_dir_make_tmp ("conduit-map-XXXXXX", NULL);
  g_autofree char *output = g_build_filename (dir, "out.ndjson", NULL);
  g_autofree char *rejected = g_build_filename (dir, "rejected.ndjson", NULL);
  g_autofree char *output_text = NULL;
  g_autofree char *rejected_text = NULL;
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) mapped = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  run_cli (&run, NULL, (const char *[]) { "map", mapping, "--input", input, "--output", output,
                                          "--rejected", rejected, NULL });
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_true (g_str_has_prefix (run.err, "conduit-cli map: 4 records, 1 mapped, 3 rejected ("));

  g_assert_true (g_file_get_contents (output, &output_text, NULL, NULL));
  g_assert_true (g_file_get_contents (rejected, &rejected_text, NULL, NULL));
  mapped = parse_lines (output_text);
  refused = parse_lines (rejected_text);
  g_assert_cmpuint (mapped->len, ==, 1);
  /* a missing field leaves its destination out: no "phone" */
  assert_line (mapped, 0, "{\"contact\": {\"email\": \"barbara@mit.edu\", \"name\": \"Barbara \"},"
                          " \"source\": \"web\"}");
  g_assert_cmpuint (refused->len, ==, 3);
  assert_line (refused, 0,
               "{\"line\": 1, \"record\": {\"First Name\": \"alan\", \"Email\": \"alan@bletchley.uk\","
               " \"Employees\": \"many\"}, \"reasons\": [{\"field\": \"employees\", \"rule\": \"expression\","
               " \"value\": null, \"message\": \"to_integer(): “many” is not a whole number\"}]}");
  assert_line (refused, 1,
               "{\"line\": 2, \"record\": {\"First Name\": \"edsger\", \"Email\": \"\"}, \"reasons\":"
               " [{\"field\": \"contact.email\", \"rule\": \"required\", \"value\": \"\","
               " \"message\": \"a value is required\"}]}");
  assert_line (refused, 2,
               "{\"line\": 3, \"raw\": \"this is not json\", \"reasons\": [{\"field\": \"\", \"rule\": \"format\","
               " \"value\": null, \"message\": \"line 3, character 1: not valid JSON (unexpected word)\"}]}");

  g_unlink (output);
  g_unlink (rejected);
  g_rmdir (dir);
}

static void
test_csv (void)
{
  g_autofree char *mapping = fixture ("mapping.json");
  g_autofree char *input = fixture ("leads.csv");
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  run_cli (&run, NULL, (const char *[]) { "map", mapping, "--input", input, "--rejected", "-", NULL });
  g_assert_cmpint (run.status, ==, 0);
  lines = parse_lines (run.out);
  g_assert_cmpuint (lines->len, ==, 2);
  assert_line (lines, 0, "{\"contact\": {\"email\": \"ada@example.com\", \"name\": \"Ada Lovelace\","
                         " \"phone\": \"44207946\"}, \"employees\": 3, \"source\": \"web\"}");
  assert_line (lines, 1, "{\"contact\": {\"email\": \"bob@example.org\", \"name\": \"Bob Multi\\r\\nLine\","
                         " \"phone\": \"\"}, \"source\": \"web\"}");
}

static void
test_stdin_and_flow_node (void)
{
  g_autofree char *flow = fixture ("flow.conduit");
  g_auto(Run) run = { 0 };
  g_auto(Run) missing = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  /* the node's "keep_unmapped" setting is honoured */
  run_cli (&run, "{\"Email\": \"X@Y.Z\", \"other\": 1}\n",
           (const char *[]) { "map", flow, "--node", "map", "--input", "-", "--format", "ndjson", NULL });
  g_assert_cmpint (run.status, ==, 0);
  lines = parse_lines (run.out);
  g_assert_cmpuint (lines->len, ==, 1);
  assert_line (lines, 0, "{\"email\": \"x@y.z\", \"other\": 1}");

  run_cli (&missing, "", (const char *[]) { "map", flow, "--node", "nope", "--input", "-", NULL });
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "no node “nope”"));
}

static void
test_example_flow (void)
{
  g_autofree char *flow = g_build_filename (TEST_DATA_DIR, "..", "data", "examples",
                                            "web-form-to-crm.conduit", NULL);
  g_auto(Run) run = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  /* the sample item of the example's webhook trigger */
  run_cli (&run,
           "{\"First Name\": \"  Ada \", \"Last Name\": \"Lovelace\", \"Email\": \"ADA@Example.com\","
           " \"Phone\": \"+44 (20) 7946-0958\", \"Company\": \"Analytical Engines Ltd\","
           " \"utm\": {\"source\": \"newsletter\"}}\n"
           "{\"First Name\": \"Bob\", \"Email\": \"bob@example.org\", \"Phone\": \"12\"}\n",
           (const char *[]) { "map", flow, "--node", "map", "--input", "-", "--format", "ndjson", NULL });
  g_assert_cmpint (run.status, ==, 2);
  lines = parse_lines (run.out);
  g_assert_cmpuint (lines->len, ==, 1);
  assert_line (lines, 0, "{\"firstname\": \"Ada\", \"lastname\": \"Lovelace\", \"email\": \"ada@example.com\","
                         " \"phone\": \"442079460958\", \"company\": \"Analytical Engines Ltd\","
                         " \"source\": \"newsletter\", \"lead_status\": \"new\"}");
  g_assert_nonnull (strstr (run.err, "\"field\":\"lastname\",\"rule\":\"required\""));
  g_assert_nonnull (strstr (run.err, "\"field\":\"phone\",\"rule\":\"min_length\""));
}

static void
test_errors (void)
{
  g_autofree char *bad = fixture ("bad-mapping.json");
  g_autofree char *mapping = fixture ("mapping.json");
  g_autofree char *input = fixture ("good.ndjson");
  g_auto(Run) broken = { 0 };
  g_auto(Run) no_input = { 0 };
  g_auto(Run) format = { 0 };
  g_auto(Run) usage = { 0 };

  run_cli (&broken, NULL, (const char *[]) { "map", bad, "--input", input, NULL });
  g_assert_cmpint (broken.status, ==, 1);
  g_assert_nonnull (strstr (broken.err, "/rows/0/expression: row 1, expression: column 18:"));

  run_cli (&no_input, NULL, (const char *[]) { "map", mapping, "--input", "/nonexistent/x.ndjson", NULL });
  g_assert_cmpint (no_input.status, ==, 1);
  g_assert_nonnull (strstr (no_input.err, "x.ndjson"));

  run_cli (&format, NULL, (const char *[]) { "map", mapping, "--input", input, "--format", "yaml", NULL });
  g_assert_cmpint (format.status, ==, 1);
  g_assert_nonnull (strstr (format.err, "unknown format “yaml”"));

  run_cli (&usage, NULL, (const char *[]) { "map", mapping, NULL });
  g_assert_cmpint (usage.status, ==, 1);
}

/* The same mapping as a conduit mapping and as a jq program, over generated records: the
 * outputs must hold the same records, and the refused ones must be those jq leaves out. */
static const char *differential_mapping =
  "{\"rows\": ["
  " {\"destination\": \"contact.name\", \"expression\": \"lower(trim(name))\"},"
  " {\"destination\": \"contact.email\", \"expression\": \"lower(trim(email))\", \"required\": true, \"type\": \"email\"},"
  " {\"destination\": \"code\", \"expression\": \"upper(code)\"},"
  " {\"destination\": \"total\", \"expression\": \"to_integer(n)\"},"
  " {\"destination\": \"label\", \"expression\": \"concat(code, \\\"-\\\", id)\"},"
  " {\"destination\": \"src\", \"expression\": \"default(src, \\\"web\\\")\"},"
  " {\"destination\": \"kind\", \"constant\": \"lead\"},"
  " {\"destination\": \"lines[].sku\", \"expression\": \"upper(items[].sku)\"},"
  " {\"destination\": \"lines[].qty\", \"expression\": \"to_integer(items[].qty)\"}"
  "]}";

static const char *differential_jq =
  "def t: sub(\"^ +\"; \"\") | sub(\" +$\"; \"\");\n"
  "def nonnull: with_entries(select(.value != null));\n"
  "(.email // \"\" | t | ascii_downcase) as $email\n"
  "| select($email | test(\"^[^@\\\\s]+@[^@\\\\s.]+(\\\\.[^@\\\\s.]+)+$\"))\n"
  "| {\n"
  "    contact: ({name: (if .name == null then null else (.name | t | ascii_downcase) end),\n"
  "               email: $email} | nonnull),\n"
  "    code: (if .code == null then null else (.code | ascii_upcase) end),\n"
  "    total: (if .n == null or .n == \"\" then null else (.n | tostring | tonumber) end),\n"
  "    label: \"\\(.code // \"\")-\\(.id)\",\n"
  "    src: (if .src == null or .src == \"\" then \"web\" else .src end),\n"
  "    kind: \"lead\",\n"
  "    lines: (if (.items // []) | length == 0 then null\n"
  "            else [.items[] | {sku: (.sku | ascii_upcase), qty: (.qty | tostring | tonumber)}] end)\n"
  "  } | nonnull\n";

static char *
random_word (void)
{
  static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  int length = g_test_rand_int_range (1, 10);
  char *word = g_malloc (length + 1);

  for (int i = 0; i < length; i++)
    word[i] = letters[g_test_rand_int_range (0, sizeof letters - 1)];
  word[length] = '\0';
  return word;
}

static void
generate_record (JsonBuilder *builder,
                 guint        id)
{
  int roll = g_test_rand_int_range (0, 100);
  g_autofree char *name = random_word ();
  g_autofree char *user = random_word ();
  g_autofree char *domain = random_word ();
  g_autofree char *code = random_word ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  if (roll % 7 != 0)
    {
      g_autofree char *padded = g_strdup_printf ("%*s%s%*s", roll % 3, "", name, roll % 2, "");

      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, padded);
    }
  json_builder_set_member_name (builder, "email");
  if (roll < 8)
    json_builder_add_string_value (builder, "");
  else if (roll < 12)
    json_builder_add_string_value (builder, user);
  else
    {
      g_autofree char *email = g_strdup_printf (" %s@%s.Example.com", user, domain);

      json_builder_add_string_value (builder, email);
    }
  if (roll % 5 != 0)
    {
      json_builder_set_member_name (builder, "code");
      json_builder_add_string_value (builder, code);
    }
  json_builder_set_member_name (builder, "n");
  if (roll % 3 == 0)
    json_builder_add_int_value (builder, g_test_rand_int_range (-1000, 1000));
  else if (roll % 3 == 1)
    {
      g_autofree char *text = g_strdup_printf ("%d", g_test_rand_int_range (0, 100000));

      json_builder_add_string_value (builder, text);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "src");
  json_builder_add_string_value (builder, roll % 4 == 0 ? "" : "partner");
  if (roll % 2 == 0)
    {
      int n_items = g_test_rand_int_range (0, 4);

      json_builder_set_member_name (builder, "items");
      json_builder_begin_array (builder);
      for (int i = 0; i < n_items; i++)
        {
          g_autofree char *sku = random_word ();

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "sku");
          json_builder_add_string_value (builder, sku);
          json_builder_set_member_name (builder, "qty");
          json_builder_add_int_value (builder, g_test_rand_int_range (1, 50));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
}

static void
test_differential_jq (void)
{
  g_autofree char *jq = g_find_program_in_path ("jq");
  g_autofree char *dir = NULL;
  g_autofree char *mapping_path = NULL;
  g_autofree char *program_path = NULL;
  g_autofree char *input_path = NULL;
  g_autofree char *jq_out = NULL;
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ours = NULL;
  g_autoptr(GPtrArray) theirs = NULL;
  g_auto(Run) run = { 0 };
  const guint n_records = 2000;
  int jq_status = 0;

  if (jq == NULL)
    {
      g_test_skip ("jq is not installed");
      return;
    }

  for (guint i = 0; i < n_records; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) record = NULL;
      g_autofree char *line = NULL;

      generate_record (builder, i + 1);
      record = json_builder_get_root (builder);
      line = json_to_string (record, FALSE);
      g_string_append_printf (input, "%s\n", line);
    }

  dir = g_dir_make_tmp ("conduit-differential-XXXXXX", &error);
  g_assert_no_error (error);
  mapping_path = g_build_filename (dir, "mapping.json", NULL);
  program_path = g_build_filename (dir, "mapping.jq", NULL);
  input_path = g_build_filename (dir, "input.ndjson", NULL);
  g_assert_true (g_file_set_contents (mapping_path, differential_mapping, -1, NULL));
  g_assert_true (g_file_set_contents (program_path, differential_jq, -1, NULL));
  g_assert_true (g_file_set_contents (input_path, input->str, input->len, NULL));

  run_cli (&run, NULL, (const char *[]) { "map", mapping_path, "--input", input_path,
                                          "--rejected", "/dev/null", NULL });
  g_assert_true (run.status == 0 || run.status == 2);

  {
    const char *argv[] = { jq, "-c", "-f", program_path, input_path, NULL };

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &jq_out, NULL,
                  &jq_status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (jq_status, &error));
  }

  ours = parse_lines (run.out);
  theirs = parse_lines (jq_out);
  g_assert_cmpuint (ours->len, ==, theirs->len);
  g_assert_cmpuint (ours->len, >, n_records / 2);
  g_assert_cmpuint (ours->len, <, n_records);
  for (guint i = 0; i < ours->len; i++)
    if (!json_node_equal (g_ptr_array_index (ours, i), g_ptr_array_index (theirs, i)))
      {
        g_autofree char *a = json_to_string (g_ptr_array_index (ours, i), FALSE);
        g_autofree char *b = json_to_string (g_ptr_array_index (theirs, i), FALSE);

        g_error ("record %u differs:\n  conduit: %s\n  jq:      %s", i, a, b);
      }

  g_unlink (mapping_path);
  g_unlink (program_path);
  g_unlink (input_path);
  g_rmdir (dir);
}

/* ---- issue #14, points 15 to 19 --------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *mapping;
  char *input;
  char *output;
  char *rejected;
} MapFiles;

static void
map_files_clear (MapFiles *files)
{
  g_unlink (files->mapping);
  g_unlink (files->input);
  g_unlink (files->output);
  g_unlink (files->rejected);
  g_rmdir (files->dir);
  g_free (files->mapping);
  g_free (files->input);
  g_free (files->output);
  g_free (files->rejected);
  g_free (files->dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MapFiles, map_files_clear)

/* Writes @mapping and @input (@length bytes, -1 for a string) to a temporary folder and
 * runs conduit-cli map on them with the outputs in files. */
static void
map_files_run (MapFiles   *files,
               Run        *run,
               const char *mapping,
               const char *input,
               gssize      length,
               const char *input_name)
{
  g_autoptr(GError) error = NULL;

  files->dir = g_dir_make_tmp ("conduit-map-XXXXXX", &error);
  g_assert_no_error (error);
  files->mapping = g_build_filename (files->dir, "mapping.json", NULL);
  files->input = g_build_filename (files->dir, input_name, NULL);
  files->output = g_build_filename (files->dir, "out.ndjson", NULL);
  files->rejected = g_build_filename (files->dir, "rejected.ndjson", NULL);
  g_file_set_contents (files->mapping, mapping, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (files->input, input, length, &error);
  g_assert_no_error (error);
  run_cli (run, NULL, (const char *[]) { "map", files->mapping, "--input", files->input,
                                         "--output", files->output, "--rejected", files->rejected,
                                         NULL });
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static const char *const email_mapping =
  "{\"rows\": [{\"destination\": \"email\", \"field\": \"email\"}]}";

/* Point 15: a line with bytes that are not UTF-8 was copied raw into the rejected output,
 * which was then not JSON text. */
static void
test_invalid_utf8_rejected (void)
{
  g_auto(MapFiles) files = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *rejected = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  JsonObject *line;
  const char *message;

  map_files_run (&files, &run, email_mapping,
                 "{\"email\": \"jos\xe9@example.com\"}\n{\"email\": \"ada@example.com\"}\n", -1,
                 "in.ndjson");
  g_assert_cmpint (run.status, ==, 2);
  rejected = read_text (files.rejected);
  g_assert_true (g_utf8_validate (rejected, -1, NULL));
  lines = parse_lines (rejected);
  g_assert_cmpuint (lines->len, ==, 1);
  line = json_node_get_object (g_ptr_array_index (lines, 0));
  g_assert_cmpint (json_object_get_int_member (line, "line"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (line, "raw"), ==,
                   "{\"email\": \"jos\xef\xbf\xbd@example.com\"}");
  message = json_object_get_string_member (
    json_array_get_object_element (json_object_get_array_member (line, "reasons"), 0), "message");
  g_assert_nonnull (strstr (message, "not valid UTF-8"));
  g_assert_nonnull (strstr (message, "replaced with U+FFFD"));
}

/* Point 16: a line holding a list or a single value was taken as a record. */
static void
test_not_an_object (void)
{
  g_auto(MapFiles) files = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *rejected = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  map_files_run (&files, &run, email_mapping,
                 "[{\"email\": \"a@b.c\"}]\n42\n\"text\"\nnull\n{\"email\": \"ok@b.c\"}\n", -1,
                 "in.ndjson");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "5 records, 1 mapped, 4 rejected"));
  output = read_text (files.output);
  g_assert_cmpstr (output, ==, "{\"email\":\"ok@b.c\"}\n");
  rejected = read_text (files.rejected);
  lines = parse_lines (rejected);
  g_assert_cmpuint (lines->len, ==, 4);
  assert_line (lines, 0, "{\"line\": 1, \"raw\": \"[{\\\"email\\\": \\\"a@b.c\\\"}]\", \"reasons\": "
               "[{\"field\": \"\", \"rule\": \"format\", \"value\": null, \"message\": "
               "\"line 1 is a list, not a record; each line must be one JSON object {…}\"}]}");
  assert_line (lines, 1, "{\"line\": 2, \"raw\": \"42\", \"reasons\": [{\"field\": \"\", \"rule\": "
               "\"format\", \"value\": null, \"message\": \"line 2 is a number, not a record; each "
               "line must be one JSON object {…}\"}]}");
  g_assert_nonnull (strstr (rejected, "line 3 is a text, not a record"));
  g_assert_nonnull (strstr (rejected, "line 4 is null, not a record"));
}

/* Point 17: integers beyond 2^53 lost digits, and to_integer() refused text of more than
 * 18 digits. */
static void
test_big_integers (void)
{
  g_auto(MapFiles) files = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *rejected = NULL;
  g_autofree char *output = NULL;

  map_files_run (&files, &run,
                 "{\"rows\": [{\"destination\": \"n\", \"field\": \"n\"},"
                 " {\"destination\": \"t\", \"expression\": \"to_integer(t)\"}]}",
                 "{\"n\": 9007199254740993, \"t\": \"9223372036854775807\"}\n"
                 "{\"n\": -9223372036854775808, \"t\": \" -9007199254740993 \"}\n"
                 "{\"n\": 12345678901234567890}\n"
                 "{\"t\": \"12345678901234567890\"}\n", -1, "in.ndjson");
  g_assert_cmpint (run.status, ==, 2);
  output = read_text (files.output);
  g_assert_cmpstr (output, ==, "{\"n\":9007199254740993,\"t\":9223372036854775807}\n"
                               "{\"n\":-9223372036854775808,\"t\":-9007199254740993}\n");
  rejected = read_text (files.rejected);
  g_assert_nonnull (strstr (rejected, "\"line\":3,\"raw\""));
  g_assert_nonnull (strstr (rejected, "the whole number is beyond the 64-bit range"));
  g_assert_nonnull (strstr (rejected, "\"line\":4,\"record\""));
  g_assert_nonnull (strstr (rejected, "to_integer(): “12345678901234567890” is beyond the 64-bit "
                                      "range of whole numbers"));
  g_assert_null (strstr (rejected, "e+19"));
}

/* Point 18: trimmed CSV header names and repeated JSON keys were silent. */
static void
test_read_warnings (void)
{
  g_auto(MapFiles) csv = { 0 };
  g_auto(MapFiles) ndjson = { 0 };
  g_auto(Run) csv_run = { 0 };
  g_auto(Run) ndjson_run = { 0 };
  g_autofree char *csv_output = NULL;
  g_autofree char *ndjson_output = NULL;

  map_files_run (&csv, &csv_run, email_mapping, " email ,name\na@b.c,Ada\n", -1, "in.csv");
  g_assert_cmpint (csv_run.status, ==, 0);
  csv_output = read_text (csv.output);
  g_assert_cmpstr (csv_output, ==, "{\"email\":\"a@b.c\"}\n");
  g_assert_nonnull (strstr (csv_run.err, "conduit-cli map: warning: "));
  g_assert_nonnull (strstr (csv_run.err, "row 1, column 1: the header “ email ” has spaces around "
                                         "it; the field is called “email”\n"));

  map_files_run (&ndjson, &ndjson_run, email_mapping,
                 "{\"email\": \"first@b.c\", \"email\": \"last@b.c\"}\n", -1, "in.ndjson");
  g_assert_cmpint (ndjson_run.status, ==, 0);
  ndjson_output = read_text (ndjson.output);
  g_assert_cmpstr (ndjson_output, ==, "{\"email\":\"last@b.c\"}\n");
  g_assert_nonnull (strstr (ndjson_run.err, "line 1: the key “email” appears more than once in an "
                                            "object; the last value is used\n"));
}

/* Point 19: a CSV row with a byte that is not UTF-8 stopped the run half-written and
 * without a summary. Now only that row is refused, as a line of NDJSON would be. */
static void
test_csv_undecodable_row (void)
{
  g_auto(MapFiles) files = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *rejected = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GPtrArray) lines = NULL;

  map_files_run (&files, &run, email_mapping,
                 "email,name\na@b.c,Ada\nc@d.e,Jos\xe9\ne@f.g,Grace\n", -1, "in.csv");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "conduit-cli map: 3 records, 2 mapped, 1 rejected ("));
  output = read_text (files.output);
  g_assert_cmpstr (output, ==, "{\"email\":\"a@b.c\"}\n{\"email\":\"e@f.g\"}\n");
  rejected = read_text (files.rejected);
  g_assert_true (g_utf8_validate (rejected, -1, NULL));
  lines = parse_lines (rejected);
  g_assert_cmpuint (lines->len, ==, 1);
  assert_line (lines, 0, "{\"row\": 3, \"raw\": \"c@d.e,Jos\xef\xbf\xbd\", \"reasons\": [{\"field\": "
               "\"\", \"rule\": \"format\", \"value\": null, \"message\": \"row 3, column 2: this file "
               "is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in spreadsheet apps); bytes that are "
               "not UTF-8 text are replaced with U+FFFD in “raw”\"}]}");
}

/* Issue #21: a second mapping shapes the rejected output, streamed. */
static void
test_rejected_mapping (void)
{
  g_auto(MapFiles) files = { 0 };
  g_auto(Run) run = { 0 };
  g_autofree char *shape = NULL;
  g_autofree char *rejected = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) error = NULL;

  files.dir = g_dir_make_tmp ("conduit-map-XXXXXX", &error);
  g_assert_no_error (error);
  files.mapping = g_build_filename (files.dir, "mapping.json", NULL);
  files.input = g_build_filename (files.dir, "in.ndjson", NULL);
  files.output = g_build_filename (files.dir, "out.ndjson", NULL);
  files.rejected = g_build_filename (files.dir, "rejected.ndjson", NULL);
  shape = g_build_filename (files.dir, "shape.json", NULL);
  g_file_set_contents (files.mapping,
                       "{\"rows\": [{\"destination\": \"email\", \"field\": \"email\","
                       " \"required\": true, \"type\": \"email\"}]}", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (shape,
                       "{\"rows\": ["
                       " {\"destination\": \"error\", \"expression\": \"concat(reasons[0].field,"
                       " \\\": \\\", reasons[0].message)\"},"
                       " {\"destination\": \"id\", \"field\": \"record.id\"},"
                       " {\"destination\": \"at\", \"field\": \"line\", \"required\": true},"
                       " {\"destination\": \"raw\", \"field\": \"raw\"},"
                       " {\"destination\": \"checked\", \"field\": \"record.email\", \"required\": true}]}",
                       -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (files.input,
                       "{\"id\": 1, \"email\": \"not an address\"}\n"
                       "{\"id\": 2, \"email\": \"ada@example.com\"}\n"
                       "{\"id\": 3}\n"
                       "broken\n", -1, &error);
  g_assert_no_error (error);

  run_cli (&run, NULL, (const char *[]) { "map", files.mapping, "--input", files.input,
                                          "--output", files.output, "--rejected", files.rejected,
                                          "--rejected-mapping", shape, NULL });
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "4 records, 1 mapped, 3 rejected"));
  rejected = read_text (files.rejected);
  lines = parse_lines (rejected);
  g_assert_cmpuint (lines->len, ==, 3);
  assert_line (lines, 0, "{\"error\": \"email: “not an address” is not an email address\", \"id\": 1,"
                         " \"at\": 1, \"checked\": \"not an address\"}");
  /* the shaping mapping refuses this one too: the line is kept, with both sets of reasons */
  assert_line (lines, 1, "{\"line\": 3, \"record\": {\"id\": 3}, \"reasons\": [{\"field\": \"email\","
                         " \"rule\": \"required\", \"value\": null, \"message\": \"a value is required\"}],"
                         " \"shaping_reasons\": [{\"field\": \"checked\", \"rule\": \"required\","
                         " \"value\": null, \"message\": \"a value is required\"}]}");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (lines, 2)),
                                                  "raw"), ==, "broken");

  /* a shaping mapping with problems stops before anything is read */
  g_file_set_contents (shape, "{\"rows\": [{\"destination\": \"x\", \"expression\": \"trimm(a)\"}]}",
                       -1, &error);
  g_assert_no_error (error);
  run_clear (&run);
  memset (&run, 0, sizeof run);
  run_cli (&run, NULL, (const char *[]) { "map", files.mapping, "--input", files.input,
                                          "--rejected-mapping", shape, NULL });
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "shape.json: /rows/0/expression"));
  g_unlink (shape);
}

/* Issue #21: pretty-printed JSON on standard input is one document, not NDJSON lines. */
static void
test_pretty_json_input (void)
{
  g_autofree char *mapping = fixture ("mapping.json");
  g_auto(Run) pretty = { 0 };
  g_auto(Run) ndjson = { 0 };
  g_autoptr(GPtrArray) lines = NULL;

  run_cli (&pretty, "{\n  \"Email\": \"ADA@example.com\",\n  \"First Name\": \"ada\",\n"
                    "  \"utm\": {\n    \"source\": \"ad\"\n  }\n}\n",
           (const char *[]) { "map", mapping, "--input", "-", NULL });
  g_assert_cmpint (pretty.status, ==, 0);
  lines = parse_lines (pretty.out);
  g_assert_cmpuint (lines->len, ==, 1);
  assert_line (lines, 0, "{\"contact\": {\"email\": \"ada@example.com\", \"name\": \"Ada \"},"
                         " \"source\": \"ad\"}");
  g_assert_nonnull (strstr (pretty.err, "1 records, 1 mapped, 0 rejected"));

  /* one object a line stays NDJSON */
  run_cli (&ndjson, "{\"Email\": \"a@b.co\"}\n{\"Email\": \"c@d.co\"}\n",
           (const char *[]) { "map", mapping, "--input", "-", NULL });
  g_assert_cmpint (ndjson.status, ==, 0);
  g_assert_nonnull (strstr (ndjson.err, "2 records, 2 mapped, 0 rejected"));
}

/* --threads: the records are mapped by several threads in batches, and both outputs are the
 * same bytes as with one thread, in input order: records that pass, records refused (shaped
 * by a rejected mapping, or refused by it too) and lines that are no JSON, over many batches. */
static void
test_threads_same_output (void)
{
  g_auto(MapFiles) files = { 0 };
  g_autoptr(GString) input = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *out_one = NULL;
  g_autofree char *rejected_one = NULL;
  g_autofree char *summary_one = NULL;
  const guint n_records = 3000;

  for (guint i = 0; i < n_records; i++)
    if (i % 97 == 5)
      g_string_append_printf (input, "{\"id\": %u, broken\n", i);
    else if (i % 31 == 7)
      g_string_append_printf (input, "{\"email\": \"x%u@example.com\"}\n", i);
    else
      g_string_append_printf (input, "{\"id\": %u, \"name\": \"  Name %u \", \"email\": \"user%u%sExample.com\","
                              " \"tags\": [\"a\", \"b%u\"], \"n\": %u.5}\n",
                              i, i, i, i % 13 == 3 ? "." : "@", i % 7, i);

  files.dir = g_dir_make_tmp ("conduit-map-XXXXXX", &error);
  g_assert_no_error (error);
  files.mapping = g_build_filename (files.dir, "mapping.json", NULL);
  files.input = g_build_filename (files.dir, "in.ndjson", NULL);
  files.output = g_build_filename (files.dir, "out.ndjson", NULL);
  files.rejected = g_build_filename (files.dir, "rejected.ndjson", NULL);
  shape = g_build_filename (files.dir, "shape.json", NULL);
  g_file_set_contents (files.mapping,
                       "{\"rows\": ["
                       " {\"destination\": \"id\", \"field\": \"id\"},"
                       " {\"destination\": \"who.name\", \"expression\": \"title(trim(name))\"},"
                       " {\"destination\": \"who.email\", \"expression\": \"lower(email)\","
                       "  \"required\": true, \"type\": \"email\"},"
                       " {\"destination\": \"tags[]\", \"field\": \"tags[]\"},"
                       " {\"destination\": \"half\", \"expression\": \"n * 2\"}]}", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (shape,
                       "{\"rows\": ["
                       " {\"destination\": \"error\", \"expression\": \"reasons[0].message\"},"
                       " {\"destination\": \"id\", \"field\": \"record.id\", \"required\": true},"
                       " {\"destination\": \"at\", \"expression\": \"coalesce(line, row)\"}]}",
                       -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (files.input, input->str, input->len, &error);
  g_assert_no_error (error);

  for (guint t = 0; t < 2; t++)
    {
      g_auto(Run) run = { 0 };
      g_autofree char *out = NULL;
      g_autofree char *rejected = NULL;
      const char *threads = t == 0 ? "1" : "3";
      const char *summary;

      run_cli (&run, NULL, (const char *[]) { "map", files.mapping, "--input", files.input,
                                              "--output", files.output, "--rejected",
                                              files.rejected, "--rejected-mapping", shape,
                                              "--threads", threads, NULL });
      g_assert_cmpint (run.status, ==, 2);
      summary = strstr (run.err, "3000 records, ");
      g_assert_nonnull (summary);
      out = read_text (files.output);
      rejected = read_text (files.rejected);
      if (t == 0)
        {
          g_autoptr(GPtrArray) mapped = parse_lines (out);
          g_autoptr(GPtrArray) refused = parse_lines (rejected);

          /* every kind of line is there */
          g_assert_cmpuint (mapped->len, >, 2000);
          g_assert_cmpuint (mapped->len + refused->len, ==, n_records);
          g_assert_nonnull (strstr (rejected, "\"shaping_reasons\""));
          /* line 6 is broken JSON, which the shaping refuses too (no record.id) */
          g_assert_nonnull (strstr (rejected, "{\"line\":6,\"raw\":"));
          g_assert_nonnull (strstr (rejected, "\"id\":3,\"at\":4}"));   /* shaped */
          g_assert_nonnull (strstr (rejected, "is not an email address"));
          out_one = g_steal_pointer (&out);
          rejected_one = g_steal_pointer (&rejected);
          summary_one = g_strndup (summary, strcspn (summary, "("));
        }
      else
        {
          g_assert_cmpstr (out, ==, out_one);
          g_assert_cmpstr (rejected, ==, rejected_one);
          g_assert_cmpint (strncmp (summary, summary_one, strlen (summary_one)), ==, 0);
        }
    }
  g_unlink (shape);

  /* a number of threads that is none is refused, saying so */
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, NULL, (const char *[]) { "map", files.mapping, "--input", files.input,
                                            "--threads", "0", NULL });
    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "--threads"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/cli/map/all-pass", test_all_pass);
  g_test_add_func ("/conduit/cli/map/some-rejected", test_some_rejected);
  g_test_add_func ("/conduit/cli/map/existing-outputs", test_existing_outputs);
  g_test_add_func ("/conduit/cli/map/csv", test_csv);
  g_test_add_func ("/conduit/cli/map/stdin-and-flow-node", test_stdin_and_flow_node);
  g_test_add_func ("/conduit/cli/map/example-flow", test_example_flow);
  g_test_add_func ("/conduit/cli/map/errors", test_errors);
  g_test_add_func ("/conduit/cli/map/differential-jq", test_differential_jq);
  g_test_add_func ("/conduit/cli/map/invalid-utf8-rejected", test_invalid_utf8_rejected);
  g_test_add_func ("/conduit/cli/map/not-an-object", test_not_an_object);
  g_test_add_func ("/conduit/cli/map/big-integers", test_big_integers);
  g_test_add_func ("/conduit/cli/map/read-warnings", test_read_warnings);
  g_test_add_func ("/conduit/cli/map/csv-undecodable-row", test_csv_undecodable_row);
  g_test_add_func ("/conduit/cli/map/rejected-mapping", test_rejected_mapping);
  g_test_add_func ("/conduit/cli/map/pretty-json-input", test_pretty_json_input);
  g_test_add_func ("/conduit/cli/map/threads-same-output", test_threads_same_output);

  return g_test_run ();
}
