/* test-flow.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "conduit.h"

/* A valid flow to start each bad case from; tests replace parts of it. */
#define HEADER "{\n  \"version\": 1,\n  \"name\": \"Test\",\n"

typedef struct
{
  const char *name;
  const char *document;
  guint       line;
  const char *pointer;
  const char *message_part;
} BadCase;

static const BadCase bad_cases[] = {
  { "not-json", "{\n  \"version\": 1,\n  \"name\": \"x\"\n  \"nodes\": []\n}\n",
    3, "", "not valid JSON" },
  { "empty-file", "", 1, "", "the file is empty" },
  { "not-object", "[1, 2]\n", 1, "", "must be a JSON object, not an array" },
  { "missing-version", "{\n  \"name\": \"x\",\n  \"nodes\": []\n}\n", 1, "", "“version” is missing" },
  { "unknown-version", "{\n  \"version\": 7,\n  \"name\": \"x\",\n  \"nodes\": []\n}\n",
    2, "/version", "unsupported flow format version 7 (this Conduit reads version 1)" },
  { "version-type", "{\n  \"version\": \"1\",\n  \"nodes\": []\n}\n",
    2, "/version", "must be a whole number, not text" },
  { "missing-name", "{\n  \"version\": 1,\n  \"nodes\": []\n}\n", 1, "", "“name” is missing" },
  { "missing-nodes", HEADER "  \"links\": []\n}\n", 1, "", "“nodes” is missing" },
  { "nodes-type", HEADER "  \"nodes\": {}\n}\n", 4, "/nodes", "“nodes” must be an array, not an object" },
  { "unknown-member", HEADER "  \"nodez\": [],\n  \"nodes\": []\n}\n",
    4, "/nodez", "unknown member “nodez”" },
  { "unknown-connector", HEADER "  \"nodes\": [\n    {\n      \"id\": \"a\",\n      \"type\": \"ftp-upload\"\n    }\n  ]\n}\n",
    7, "/nodes/0/type", "node “a” has unknown type “ftp-upload”" },
  { "missing-required-setting", HEADER "  \"nodes\": [\n    {\n      \"id\": \"call\",\n      \"type\": \"http-request\",\n      \"settings\": {\n        \"method\": \"GET\"\n      }\n    }\n  ]\n}\n",
    8, "/nodes/0/settings", "required setting “url” (URL) is missing" },
  { "empty-required-setting", HEADER "  \"nodes\": [\n    {\n      \"id\": \"call\",\n      \"type\": \"http-request\",\n      \"settings\": {\n        \"url\": \"\"\n      }\n    }\n  ]\n}\n",
    9, "/nodes/0/settings/url", "required setting “url” (URL) is empty" },
  { "unknown-setting", HEADER "  \"nodes\": [\n    {\n      \"id\": \"go\",\n      \"type\": \"manual-trigger\",\n      \"settings\": {\n        \"colour\": \"red\"\n      }\n    }\n  ]\n}\n",
    9, "/nodes/0/settings/colour", "has no setting “colour”" },
  { "setting-wrong-type", HEADER "  \"nodes\": [\n    {\n      \"id\": \"call\",\n      \"type\": \"http-request\",\n      \"settings\": {\n        \"url\": \"http://x\",\n        \"timeout_seconds\": \"soon\"\n      }\n    }\n  ]\n}\n",
    10, "/nodes/0/settings/timeout_seconds", "“timeout_seconds” must be a whole number, not text" },
  { "setting-not-allowed", HEADER "  \"nodes\": [\n    {\n      \"id\": \"call\",\n      \"type\": \"http-request\",\n      \"settings\": {\n        \"url\": \"http://x\",\n        \"method\": \"FETCH\"\n      }\n    }\n  ]\n}\n",
    10, "/nodes/0/settings/method", "must be one of GET, POST, PUT, PATCH, DELETE, not “FETCH”" },
  { "position-type", HEADER "  \"nodes\": [\n    {\n      \"id\": \"go\",\n      \"type\": \"manual-trigger\",\n      \"position\": \"top left\"\n    }\n  ]\n}\n",
    8, "/nodes/0/position", "“position” must be two numbers [x, y], not text" },
  { "id-type", HEADER "  \"nodes\": [\n    {\n      \"id\": 5,\n      \"type\": \"manual-trigger\"\n    }\n  ]\n}\n",
    6, "/nodes/0/id", "“id” must be text, not a whole number" },
  { "node-not-object", HEADER "  \"nodes\": [\n    \"go\"\n  ]\n}\n",
    5, "/nodes/0", "a node must be an object, not text" },
  { "duplicate-ids", HEADER "  \"nodes\": [\n    {\n      \"id\": \"go\",\n      \"type\": \"manual-trigger\"\n    },\n    {\n      \"id\": \"go\",\n      \"type\": \"filter\",\n      \"settings\": {\n        \"condition\": \"true\"\n      }\n    }\n  ]\n}\n",
    10, "/nodes/1/id", "duplicate node id “go” (first used at /nodes/0)" },
  { "link-missing-node", HEADER "  \"nodes\": [\n    {\n      \"id\": \"go\",\n      \"type\": \"manual-trigger\"\n    }\n  ],\n  \"links\": [\n    {\n      \"from\": \"go\",\n      \"from_port\": \"out\",\n      \"to\": \"nowhere\",\n      \"to_port\": \"in\"\n    }\n  ]\n}\n",
    14, "/links/0/to", "link 1 goes to node “nowhere”, which does not exist" },
  { "link-missing-port", HEADER "  \"nodes\": [\n    {\n      \"id\": \"go\",\n      \"type\": \"manual-trigger\"\n    },\n    {\n      \"id\": \"keep\",\n      \"type\": \"filter\",\n      \"settings\": {\n        \"condition\": \"true\"\n      }\n    }\n  ],\n  \"links\": [\n    {\n      \"from\": \"go\",\n      \"from_port\": \"result\",\n      \"to\": \"keep\",\n      \"to_port\": \"in\"\n    }\n  ]\n}\n",
    20, "/links/0/from_port", "node “go” (Manual Trigger) has no output port “result” (it has “out”)" },
  { "link-into-trigger", HEADER "  \"nodes\": [\n    {\n      \"id\": \"a\",\n      \"type\": \"manual-trigger\"\n    },\n    {\n      \"id\": \"b\",\n      \"type\": \"manual-trigger\"\n    }\n  ],\n  \"links\": [\n    {\n      \"from\": \"a\",\n      \"from_port\": \"out\",\n      \"to\": \"b\",\n      \"to_port\": \"in\"\n    }\n  ]\n}\n",
    19, "/links/0/to_port", "node “b” (Manual Trigger) has no input ports" },
  { "link-field-type", HEADER "  \"nodes\": [],\n  \"links\": [\n    {\n      \"from\": 1,\n      \"from_port\": \"out\",\n      \"to\": \"b\",\n      \"to_port\": \"in\"\n    }\n  ]\n}\n",
    7, "/links/0/from", "“from” must be text, not a whole number" },
  { "cycle", HEADER "  \"nodes\": [\n"
    "    {\n      \"id\": \"a\",\n      \"type\": \"filter\",\n      \"settings\": {\n        \"condition\": \"true\"\n      }\n    },\n"
    "    {\n      \"id\": \"b\",\n      \"type\": \"filter\",\n      \"settings\": {\n        \"condition\": \"true\"\n      }\n    }\n  ],\n"
    "  \"links\": [\n"
    "    {\n      \"from\": \"a\",\n      \"from_port\": \"match\",\n      \"to\": \"b\",\n      \"to_port\": \"in\"\n    },\n"
    "    {\n      \"from\": \"b\",\n      \"from_port\": \"match\",\n      \"to\": \"a\",\n      \"to_port\": \"in\"\n    }\n  ]\n}\n",
    27, "/links/1", "link 2 makes the flow go round in a loop (a → b → a)" },
  { "too-deep", HEADER "  \"nodes\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n}\n",
    4, "", "nest more than 256 levels" },
  { "invalid-utf8", "{\n  \"version\": 1,\n  \"name\": \"caf\xe9\"\n}\n", 3, "", "not UTF-8" },
};

static void
test_bad_input (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  gboolean found = FALSE;

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                     bad->document, -1, &problems, &error);
  g_assert_null (flow);
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID);
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, >, 0);

  for (guint i = 0; i < problems->len; i++)
    {
      ConduitFlowProblem *problem = g_ptr_array_index (problems, i);

      g_test_message ("%s: line %u: %s: %s", bad->name, problem->line, problem->pointer,
                      problem->message);
      if (strstr (problem->message, bad->message_part) != NULL)
        {
          g_assert_cmpstr (problem->pointer, ==, bad->pointer);
          g_assert_cmpuint (problem->line, ==, bad->line);
          found = TRUE;
        }
    }

  g_assert_true (found);
  /* the error names the line of the first problem */
  g_assert_true (g_str_has_prefix (error->message, "line "));
}

static char *
example_path (const char *name)
{
  return g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples", name, NULL);
}

static void
test_roundtrip (void)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *examples = example_path ("");
  const char *name;
  guint checked = 0;

  dir = g_dir_open (examples, 0, NULL);
  g_assert_nonnull (dir);

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (examples, name, NULL);
      g_autofree char *contents = NULL;
      g_autofree char *saved = NULL;
      g_autoptr(ConduitFlow) flow = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *tmp_path = NULL;
      g_autoptr(GFile) tmp = NULL;
      g_autofree char *written = NULL;
      int fd;

      if (!g_str_has_suffix (name, ".conduit"))
        continue;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), contents, -1,
                                         NULL, &error);
      g_assert_no_error (error);

      saved = conduit_flow_to_data (flow, NULL);
      g_assert_cmpstr (saved, ==, contents);

      /* and through a real file, atomically */
      fd = g_file_open_tmp ("conduit-roundtrip-XXXXXX.conduit", &tmp_path, &error);
      g_assert_no_error (error);
      close (fd);
      tmp = g_file_new_for_path (tmp_path);
      g_assert_true (conduit_flow_save_to_file (flow, tmp, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (tmp_path, &written, NULL, NULL));
      g_assert_cmpstr (written, ==, contents);
      g_unlink (tmp_path);
      checked++;
    }

  g_assert_cmpuint (checked, >=, 1);
}

static void
count_change (guint *changes)
{
  (*changes)++;
}

static void
test_model_edits (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitNode) a = conduit_node_new ("a", "manual-trigger");
  g_autoptr(ConduitNode) b = conduit_node_new ("b", "filter");
  g_autoptr(ConduitNode) c = conduit_node_new ("c", "filter");
  g_autoptr(ConduitLink) ab = conduit_link_new ("a", "out", "b", "in");
  g_autoptr(ConduitLink) bc = conduit_link_new ("b", "match", "c", "in");
  g_autoptr(ConduitLink) ca = conduit_link_new ("c", "match", "b", "in");
  g_autoptr(ConduitLink) bad_port = conduit_link_new ("a", "nope", "b", "in");
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unique = NULL;
  guint changes = 0;

  conduit_flow_add_node (flow, a);
  conduit_flow_add_node (flow, b);
  conduit_flow_add_node (flow, c);

  unique = conduit_flow_dup_unique_node_id (flow, "a");
  g_assert_cmpstr (unique, ==, "a-2");

  g_assert_true (conduit_flow_can_link (flow, registry, ab, &error));
  conduit_flow_add_link (flow, ab);
  g_assert_false (conduit_flow_can_link (flow, registry, ab, &error));
  g_assert_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_LINK);
  g_clear_error (&error);

  conduit_flow_add_link (flow, bc);
  g_assert_false (conduit_flow_can_link (flow, registry, ca, &error));
  g_assert_nonnull (strstr (error->message, "loop"));
  g_clear_error (&error);

  g_assert_false (conduit_flow_can_link (flow, registry, bad_port, &error));
  g_assert_nonnull (strstr (error->message, "no output port"));
  g_clear_error (&error);

  /* the filters lack their required condition */
  problems = conduit_flow_check (flow, registry);
  g_assert_cmpuint (problems->len, ==, 2);
  g_clear_pointer (&problems, g_ptr_array_unref);

  {
    g_autoptr(JsonNode) condition = json_node_new (JSON_NODE_VALUE);

    json_node_set_string (condition, "true");
    conduit_node_set_setting (b, "condition", condition);
    conduit_node_set_setting (c, "condition", condition);
  }
  problems = conduit_flow_check (flow, registry);
  g_assert_cmpuint (problems->len, ==, 0);

  /* changes are announced */
  g_signal_connect_swapped (flow, "changed", G_CALLBACK (count_change), &changes);
  conduit_node_set_position (a, 10, 20);
  conduit_node_set_title (a, "Start");
  conduit_node_set_title (a, "Start");   /* no change, no signal */
  g_assert_cmpuint (changes, ==, 3);     /* x, y, title */

  /* removing a node removes its links */
  conduit_flow_remove_node (flow, b);
  g_assert_cmpuint (g_list_model_get_n_items (conduit_flow_get_links (flow)), ==, 0);
  g_assert_null (conduit_flow_lookup_node (flow, "b"));
}

/* The ids are kept between calls (every served event asks), so they must follow every change:
 * of a setting, of the nodes, of the registry that says which settings hold credentials. */
static void
test_credential_ids_follow_changes (void)
{
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitNode) call = conduit_node_new ("call", "http-request");
  g_autoptr(ConduitNode) other = conduit_node_new ("other", "http-request");
  g_autoptr(JsonNode) one = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) two = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) three = json_node_new (JSON_NODE_VALUE);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  json_node_set_string (one, "key-one");
  json_node_set_string (two, "key-two");
  json_node_set_string (three, "key-three");
  conduit_node_set_setting (call, "credential", one);
  conduit_flow_add_node (flow, call);

  /* a registry that does not know the node's type: no credential setting */
  ids = conduit_flow_list_credential_ids (flow, registry);
  g_assert_cmpuint (ids->len, ==, 0);
  g_clear_pointer (&ids, g_ptr_array_unref);

  g_assert_true (conduit_connector_registry_load_builtin (registry, &error));
  g_assert_no_error (error);
  ids = conduit_flow_list_credential_ids (flow, registry);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "key-one");
  /* the caller's own array: changing it changes nothing kept */
  g_ptr_array_set_size (ids, 0);
  g_clear_pointer (&ids, g_ptr_array_unref);

  conduit_node_set_setting (call, "credential", two);
  conduit_node_set_setting (other, "credential", three);
  conduit_flow_add_node (flow, other);
  ids = conduit_flow_list_credential_ids (flow, registry);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "key-two");
  g_assert_cmpstr (g_ptr_array_index (ids, 1), ==, "key-three");
  g_clear_pointer (&ids, g_ptr_array_unref);

  conduit_flow_remove_node (flow, other);
  ids = conduit_flow_list_credential_ids (flow, conduit_connector_registry_get_default ());
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "key-two");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/conduit/flow/bad-input/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_input);
    }
  g_test_add_func ("/conduit/flow/roundtrip", test_roundtrip);
  g_test_add_func ("/conduit/flow/model-edits", test_model_edits);
  g_test_add_func ("/conduit/flow/credential-ids-follow-changes",
                   test_credential_ids_follow_changes);

  return g_test_run ();
}
