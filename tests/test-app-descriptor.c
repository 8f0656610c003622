/* test-app-descriptor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include <string.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector-registry.h"
#include "conduit-flow-problem.h"

#define MINIMAL_APP \
  "{\n" \
  "  \"meta\": { \"id\": \"demo\", \"version\": \"1\", \"title\": \"Demo\",\n" \
  "            \"category\": \"Test\", \"docs_url\": \"https://example.com/docs\" },\n" \
  "  \"connection\": { \"base_url\": \"https://api.example.com\", \"auth\": { \"kind\": \"bearer\" } },\n" \
  "  \"operations\": [\n" \
  "    { \"id\": \"get-thing\", \"title\": \"Get a thing\",\n" \
  "      \"input\": [ { \"key\": \"id\", \"type\": \"integer\", \"required\": true } ],\n" \
  "      \"request\": { \"method\": \"GET\", \"path\": \"/things/{{ input.id }}\" } }\n" \
  "  ]\n" \
  "}\n"

static void
test_bundled_apps (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  ConduitAppDescriptor *slack = conduit_connector_registry_lookup_app (registry, "slack");
  ConduitConnector *send;
  ConduitConnector *poll;
  JsonArray *schema;

  g_assert_nonnull (slack);
  g_assert_cmpstr (conduit_app_descriptor_get_title (slack), ==, "Slack");
  g_assert_cmpstr (conduit_app_descriptor_get_auth_kind (slack), ==, "bearer");

  send = conduit_connector_registry_lookup (registry, "slack.send-message");
  g_assert_nonnull (send);
  g_assert_true (conduit_connector_get_app (send) == slack);
  g_assert_cmpstr (conduit_connector_get_name (send), ==, "Slack → Send a message");
  g_assert_cmpint (conduit_connector_get_category (send), ==, CONDUIT_CONNECTOR_CATEGORY_ACTION);
  g_assert_nonnull (conduit_connector_find_setting (send, "credential"));
  g_assert_true (conduit_connector_find_setting (send, "credential")->required);
  g_assert_nonnull (conduit_connector_find_setting (send, "channel"));
  g_assert_nonnull (conduit_connector_find_output (send, "error"));

  /* the mapping table's destination fields */
  schema = conduit_connector_registry_get_input_schema (registry, "slack.send-message");
  g_assert_nonnull (schema);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (schema, 0), "key"),
                   ==, "channel");
  g_assert_null (conduit_connector_registry_get_input_schema (registry, "http-request"));

  /* the webhook step needs no credential */
  g_assert_null (conduit_connector_find_setting (
    conduit_connector_registry_lookup (registry, "slack.post-to-webhook"), "credential"));

  poll = conduit_connector_registry_lookup (registry, "slack.new-message");
  g_assert_nonnull (poll);
  g_assert_cmpint (conduit_connector_get_category (poll), ==, CONDUIT_CONNECTOR_CATEGORY_TRIGGER);
  g_assert_cmpuint (conduit_connector_get_inputs (poll)->len, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (conduit_connector_get_operation (poll), "id"), ==,
                   "list-messages");
  /* webhook triggers make no step of their own */
  g_assert_null (conduit_connector_registry_lookup (registry, "slack.events"));
}

static void
test_minimal (void)
{
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  ConduitAppDescriptor *app;

  app = conduit_connector_registry_load_app_from_data (registry, MINIMAL_APP, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (app);
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "demo.get-thing"));
  g_assert_nonnull (conduit_app_descriptor_get_defaults (app));
}

typedef struct
{
  const char *text;
  const char *expected;   /* "LINE: /pointer: start of message" of one of the problems */
} BadCase;

static void
test_load_errors (void)
{
  static const BadCase cases[] = {
    { "{\n  \"meta\": 3\n}\n", "2: /meta: must be an object" },
    { "{ \"meta\": {}, ", "1: /: not valid JSON" },
    { "[]", "1: /: an app descriptor is a JSON object" },
    /* a misspelt member, with its line */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\", \"auth\": { \"kind\": \"bearer\" } },\n"
      " \"operations\": [ { \"id\": \"a\", \"title\": \"A\",\n"
      "   \"requst\": {} } ]\n}\n",
      "6: /operations/0/requst: unknown member “requst”" },
    /* a broken template in a request path */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\", \"auth\": { \"kind\": \"bearer\" } },\n"
      " \"operations\": [ { \"id\": \"a\", \"title\": \"A\",\n"
      "   \"request\": { \"method\": \"GET\",\n"
      "                \"path\": \"/x/{{ lower( }}\" } } ]\n}\n",
      "7: /operations/0/request/path: template" },
    /* an unknown credential kind */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\",\n"
      "   \"auth\": { \"kind\": \"magic\" } },\n"
      " \"operations\": []\n}\n",
      "5: /connection/auth/kind: unknown authentication “magic”" },
    /* a trigger polling an operation that does not exist */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\", \"auth\": { \"kind\": \"none\" } },\n"
      " \"operations\": [],\n"
      " \"triggers\": [ { \"id\": \"t\", \"title\": \"T\", \"kind\": \"poll\",\n"
      "   \"operation\": \"nope\", \"dedup_key\": \"id\" } ]\n}\n",
      "7: /triggers/0/operation: there is no operation “nope”" },
    /* bad pagination */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\", \"auth\": { \"kind\": \"none\" } },\n"
      " \"operations\": [ { \"id\": \"a\", \"title\": \"A\",\n"
      "   \"request\": { \"method\": \"GET\", \"path\": \"/a\" },\n"
      "   \"pagination\": { \"style\": \"cursor\", \"cursor_param\": \"c\",\n"
      "                   \"next\": \"meta.(\" } } ]\n}\n",
      "8: /operations/0/pagination/next: expression" },
    /* the OAuth sign-in kind needs its addresses */
    { "{\n \"meta\": { \"id\": \"x\", \"version\": \"1\", \"title\": \"X\", \"category\": \"T\",\n"
      "   \"docs_url\": \"https://x\" },\n"
      " \"connection\": { \"base_url\": \"https://x\",\n"
      "   \"auth\": { \"kind\": \"oauth2-authorization-code\", \"token_url\": \"https://x/t\" } },\n"
      " \"operations\": []\n}\n",
      "5: /connection/auth: “authorize_url” is missing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitAppDescriptor) app = NULL;
      gboolean found = FALSE;

      app = conduit_app_descriptor_new_from_data (cases[i].text, -1, &problems, &error);
      g_assert_null (app);
      g_assert_error (error, CONDUIT_APP_DESCRIPTOR_ERROR, CONDUIT_APP_DESCRIPTOR_ERROR_INVALID);
      g_assert_nonnull (problems);

      for (guint j = 0; j < problems->len; j++)
        {
          g_autofree char *text = conduit_flow_problem_format (g_ptr_array_index (problems, j));

          if (g_str_has_prefix (text, cases[i].expected))
            found = TRUE;
        }
      if (!found)
        {
          g_autofree char *first = conduit_flow_problem_format (g_ptr_array_index (problems, 0));
          g_error ("case %u: expected “%s”, first problem “%s” (%u problems)", i,
                   cases[i].expected, first, problems->len);
        }
    }
}

static void
test_user_directory (void)
{
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autofree char *dir = g_dir_make_tmp ("conduit-apps-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "demo.json", NULL);
  g_autofree char *bad = g_build_filename (dir, "broken.json", NULL);
  GPtrArray *problems;

  g_assert_true (g_file_set_contents (good, MINIMAL_APP, -1, NULL));
  g_assert_true (g_file_set_contents (bad, "{\n  \"meta\": {}\n}\n", -1, NULL));

  g_assert_cmpuint (conduit_connector_registry_load_user_apps (registry, dir), ==, 1);
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "demo.get-thing"));

  problems = conduit_connector_registry_get_load_problems (registry);
  g_assert_cmpuint (problems->len, >, 0);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0), bad));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), ":2: /meta: "));

  g_unlink (good);
  g_unlink (bad);
  g_rmdir (dir);
}

/* An imported API of thousands of operations makes a descriptor of several megabytes: one of
 * over 4 MB loads (the old limit refused it), one past 32 MB is refused by its size. */
static void
test_large (void)
{
  g_autoptr(ConduitConnectorRegistry) registry = conduit_connector_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *help = g_strnfill (1500, 'h');
  g_autoptr(GPtrArray) problems = NULL;
  ConduitAppDescriptor *app;
  const guint n_operations = 3000;

  g_string_append (text, "{ \"meta\": { \"id\": \"big\", \"version\": \"1\", \"title\": \"Big\","
                         " \"category\": \"Test\", \"docs_url\": \"https://example.com/docs\" },"
                         " \"connection\": { \"base_url\": \"https://api.example.com\","
                         " \"auth\": { \"kind\": \"bearer\" } }, \"operations\": [");
  for (guint i = 0; i < n_operations; i++)
    g_string_append_printf (text, "%s{ \"id\": \"op-%u\", \"title\": \"Operation %u\","
                            " \"input\": [ { \"key\": \"id\", \"type\": \"integer\","
                            " \"help\": \"%s\" } ],"
                            " \"request\": { \"method\": \"GET\", \"path\": \"/op/%u\" } }",
                            i ? ", " : "", i, i, help, i);
  g_string_append (text, "] }");
  g_assert_cmpuint (text->len, >, 4 * 1024 * 1024);

  app = conduit_connector_registry_load_app_from_data (registry, text->str, text->len, NULL,
                                                       &error);
  g_assert_no_error (error);
  g_assert_nonnull (app);
  g_assert_nonnull (conduit_connector_registry_lookup (registry, "big.op-2999"));

  while (text->len <= 32 * 1024 * 1024)
    g_string_append (text, "                                                                ");
  g_assert_null (conduit_app_descriptor_new_from_data (text->str, text->len, &problems, &error));
  g_assert_nonnull (problems);
  g_assert_cmpuint (problems->len, >, 0);
  g_assert_nonnull (strstr (((ConduitFlowProblem *)g_ptr_array_index (problems, 0))->message,
                            "larger than 32 MB"));
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/app-descriptor/bundled", test_bundled_apps);
  g_test_add_func ("/conduit/app-descriptor/minimal", test_minimal);
  g_test_add_func ("/conduit/app-descriptor/large", test_large);
  g_test_add_func ("/conduit/app-descriptor/load-errors", test_load_errors);
  g_test_add_func ("/conduit/app-descriptor/user-directory", test_user_directory);

  return g_test_run ();
}
