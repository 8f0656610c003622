/* test-notes-flow.c — sticky notes in the flow file: read, written back byte for byte, refused
 * with a located message when wrong, and no part of a run
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"

/* The canonical layout conduit_flow_to_data() writes, with two notes (one coloured). */
static const char with_notes[] =
  "{\n"
  "  \"version\": 1,\n"
  "  \"name\": \"Notes\",\n"
  "  \"nodes\": [\n"
  "    {\n"
  "      \"id\": \"go\",\n"
  "      \"type\": \"manual-trigger\",\n"
  "      \"position\": [0, 0],\n"
  "      \"settings\": {\n"
  "        \"items\": [\n"
  "          {\n"
  "            \"n\": 1\n"
  "          }\n"
  "        ]\n"
  "      }\n"
  "    }\n"
  "  ],\n"
  "  \"links\": [],\n"
  "  \"notes\": [\n"
  "    {\n"
  "      \"id\": \"note\",\n"
  "      \"text\": \"Ask Anna before changing this.\\nShe owns the CRM.\",\n"
  "      \"position\": [-40, 200],\n"
  "      \"size\": [200, 120]\n"
  "    },\n"
  "    {\n"
  "      \"id\": \"note-2\",\n"
  "      \"text\": \"Rate limit: 10/s\",\n"
  "      \"color\": \"blue\",\n"
  "      \"position\": [300, 0],\n"
  "      \"size\": [240, 80]\n"
  "    }\n"
  "  ]\n"
  "}\n";

static ConduitFlow *
load (const char  *text,
      GPtrArray  **problems,
      GError     **error)
{
  return conduit_flow_new_from_data (conduit_connector_registry_get_default (), text, -1, problems,
                                     error);
}

static void
test_read_and_roundtrip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = load (with_notes, NULL, &error);
  g_autofree char *saved = NULL;
  ConduitNote *note;

  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_notes (flow)), ==, 2);

  note = conduit_flow_lookup_note (flow, "note");
  g_assert_nonnull (note);
  g_assert_cmpstr (conduit_note_get_text (note), ==,
                   "Ask Anna before changing this.\nShe owns the CRM.");
  g_assert_cmpstr (conduit_note_get_color (note), ==, "yellow");
  g_assert_cmpfloat (conduit_note_get_x (note), ==, -40);
  g_assert_cmpfloat (conduit_note_get_height (note), ==, 120);
  note = conduit_flow_lookup_note (flow, "note-2");
  g_assert_cmpstr (conduit_note_get_color (note), ==, "blue");
  g_assert_cmpfloat (conduit_note_get_width (note), ==, 240);

  saved = conduit_flow_to_data (flow, NULL);
  g_assert_cmpstr (saved, ==, with_notes);

  /* notes are no steps: the checks see none of them */
  {
    g_autoptr(GPtrArray) problems = conduit_flow_check (flow,
                                                        conduit_connector_registry_get_default ());

    g_assert_cmpuint (problems->len, ==, 0);
    g_assert_cmpuint (conduit_flow_get_n_nodes (flow), ==, 1);
  }
}

/* A flow without notes is written as before: no "notes" member appears. */
static void
test_old_files_unchanged (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures",
                                                 "web-form-to-crm-http.conduit", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  flow = load (contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_notes (flow)), ==, 0);
  saved = conduit_flow_to_data (flow, NULL);
  g_assert_cmpstr (saved, ==, contents);
  g_assert_null (strstr (saved, "\"notes\": ["));
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

static void
test_model (void)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitNote) a = conduit_note_new ("note");
  g_autoptr(ConduitNote) b = NULL;
  g_autofree char *id = NULL;
  guint changes = 0;

  conduit_flow_add_note (flow, a);
  id = conduit_flow_dup_unique_note_id (flow);
  g_assert_cmpstr (id, ==, "note-2");
  b = conduit_note_copy (a, id);
  conduit_flow_add_note (flow, b);

  g_signal_connect_swapped (flow, "changed", G_CALLBACK (count_change), &changes);
  conduit_note_set_text (a, "hello");
  conduit_note_set_position (a, 20, 40);
  g_assert_cmpuint (changes, ==, 3);   /* text, x, y: a note edit changes the flow */

  conduit_note_set_size (a, 10, 10);   /* clamped to the smallest note */
  g_assert_cmpfloat (conduit_note_get_width (a), ==, CONDUIT_NOTE_MIN_WIDTH);
  g_assert_cmpfloat (conduit_note_get_height (a), ==, CONDUIT_NOTE_MIN_HEIGHT);
  conduit_note_set_color (a, "yellow");   /* the default is kept as "none" */
  g_assert_cmpstr (conduit_note_get_color (a), ==, "yellow");

  conduit_flow_remove_note (flow, a);
  g_assert_null (conduit_flow_lookup_note (flow, "note"));
  g_assert_nonnull (conduit_flow_lookup_note (flow, "note-2"));
}

/* A run sees no note: conduit-cli runs the flow with notes, and its table lists the one step. */
static void
test_run_ignores_notes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("conduit-notes-run-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "notes.conduit", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (path, with_notes, -1, &error));
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                              &error, g_getenv ("CONDUIT_CLI"), "run", path, "--no-history", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
  g_assert_nonnull (strstr (out, "Run: succeeded — 1 in, 1 ok"));
  g_assert_null (strstr (out, "note"));

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

typedef struct
{
  const char *name;
  const char *notes;     /* the "notes" member's value */
  guint       line;
  const char *pointer;
  const char *message_part;
} BadCase;

#define BAD_HEADER "{\n  \"version\": 1,\n  \"name\": \"x\",\n  \"nodes\": [],\n  \"notes\": "

static const BadCase bad_cases[] = {
  { "not-array", "{}", 5, "/notes", "“notes” must be an array, not an object" },
  { "not-object", "[\n    \"hello\"\n  ]", 6, "/notes/0", "a note must be an object, not text" },
  { "no-id", "[\n    {\n      \"text\": \"x\"\n    }\n  ]", 6, "/notes/0", "“id” is missing" },
  { "unknown-color", "[\n    {\n      \"id\": \"n\",\n      \"color\": \"teal\"\n    }\n  ]", 8,
    "/notes/0/color", "note “n” has unknown colour “teal” (known colours: yellow, orange" },
  { "duplicate-id", "[\n    {\n      \"id\": \"n\"\n    },\n    {\n      \"id\": \"n\"\n    }\n  ]",
    10, "/notes/1/id", "duplicate note id “n” (first used at /notes/0)" },
  { "tiny", "[\n    {\n      \"id\": \"n\",\n      \"size\": [10, 10]\n    }\n  ]", 8,
    "/notes/0/size", "note “n” must be between 100 × 48" },
  { "position-type", "[\n    {\n      \"id\": \"n\",\n      \"position\": \"here\"\n    }\n  ]", 8,
    "/notes/0/position", "“position” must be two numbers [x, y], not text" },
  { "unknown-member", "[\n    {\n      \"id\": \"n\",\n      \"colour\": \"red\"\n    }\n  ]", 8,
    "/notes/0/colour", "unknown member “colour” in a note" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadCase *bad = data;
  g_autofree char *text = g_strconcat (BAD_HEADER, bad->notes, "\n}\n", NULL);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = load (text, &problems, &error);
  ConduitFlowProblem *problem;

  g_assert_null (flow);
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID);
  g_assert_nonnull (problems);
  problem = g_ptr_array_index (problems, 0);
  g_test_message ("%s: line %u %s: %s", bad->name, problem->line, problem->pointer,
                  problem->message);
  g_assert_cmpstr (problem->pointer, ==, bad->pointer);
  g_assert_cmpuint (problem->line, ==, bad->line);
  g_assert_nonnull (strstr (problem->message, bad->message_part));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/notes/flow/read-and-roundtrip", test_read_and_roundtrip);
  g_test_add_func ("/conduit/notes/flow/old-files-unchanged", test_old_files_unchanged);
  g_test_add_func ("/conduit/notes/flow/model", test_model);
  g_test_add_func ("/conduit/notes/flow/run-ignores-notes", test_run_ignores_notes);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conduit/notes/flow/bad-input/%s",
                                               bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_input);
    }

  return g_test_run ();
}
