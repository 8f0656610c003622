/* test-flow-test.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "conduit.h"
#include "db-test-servers.h"
#include "fault-server.h"
#include "runner-test-util.h"
#include "test-util.h"

/* Saved tests: a run recorded against a local server becomes a test; replaying it never
 * reaches the server (a listener on the server's port counts connections); a changed mapping
 * fails `conduit-cli test` with a diff naming the step and the field, a volatile field does
 * not; an unrecorded call fails the step with the call; JUnit XML parses back; no secret is in
 * the tests file; the shipped examples' tests pass. */

#define SECRET "tok-s3cr3t-value"

#define FLOW_TEMPLATE \
  "{ \"version\": 1, \"name\": \"Contacts\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": [" \
  "      { \"Email\": \" ADA@Example.com \", \"Name\": \"Ada\", \"note\": \"token is " SECRET "\" }," \
  "      { \"Email\": \"grace@example.com\", \"Name\": \"Grace\", \"note\": \"\" } ] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"title\": \"Map contact fields\"," \
  "    \"position\": [200, 0], \"settings\": {}," \
  "    \"mapping\": { \"rows\": [" \
  "      { \"destination\": \"email\", \"expression\": \"%s\" }," \
  "      { \"destination\": \"name\", \"expression\": \"Name\" }," \
  "      { \"destination\": \"note\", \"expression\": \"note\" } ] } }," \
  "  { \"id\": \"crm\", \"type\": \"http-request\", \"title\": \"Create contact\"," \
  "    \"position\": [400, 0]," \
  "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"credential\": \"test-crm\"," \
  "                  \"max_attempts\": 1 } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" }," \
  "              { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"crm\", \"to_port\": \"in\" } ] }"

#define GOOD_EMAIL "lower(trim(Email))"
#define CHANGED_EMAIL "trim(Email)"

static char *
contacts_flow (const char *email_expression,
               const char *url)
{
  return g_strdup_printf (FLOW_TEMPLATE, email_expression, url);
}

/* Counts connections to a port once its HTTP server is gone. */
typedef struct
{
  GSocketService *service;
  guint           connections;
} Listener;

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           user_data)
{
  Listener *listener = user_data;

  listener->connections++;
  return FALSE;
}

static void
listener_start (Listener *listener,
                guint16   port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);

  listener->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (listener->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (listener->service, "incoming", G_CALLBACK (incoming_cb), listener);
  g_socket_service_start (listener->service);
}

static void
listener_stop (Listener *listener)
{
  g_socket_service_stop (listener->service);
  g_socket_listener_close (G_SOCKET_LISTENER (listener->service));
  g_clear_object (&listener->service);
}

static guint16
port_of (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);

  g_assert_nonnull (uri);
  return (guint16)g_uri_get_port (uri);
}

/* Records one run of the contacts flow against a local server, keeping its test. */
static gint64
record_contacts (RunnerFixture  *fixture,
                 const char     *url,
                 FaultServer    *server)
{
  g_autofree char *json = contacts_flow (GOOD_EMAIL, url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitRun) run = NULL;

  g_setenv ("CONDUIT_CREDENTIAL_TEST_CRM", "{\"kind\": \"bearer\", \"secret\": \"" SECRET "\"}",
            TRUE);
  run = runner_test_run (fixture, flow, NULL);
  g_unsetenv ("CONDUIT_CREDENTIAL_TEST_CRM");
  g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
  g_assert_cmpuint (fault_server_n_created (server), ==, 2);
  return conduit_run_get_id (run);
}

static void
replay_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConduitFlowTestResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = conduit_flow_test_run_finish (result, &error);
  g_assert_no_error (error);
}

static void
replay_run_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ConduitRun **run = user_data;
  g_autoptr(GError) error = NULL;

  *run = conduit_runner_run_finish (CONDUIT_RUNNER (object), result, &error);
  g_assert_no_error (error);
}

static gboolean
result_ready (gpointer data)
{
  return *(ConduitFlowTestResult **)data != NULL;
}

static ConduitFlowTestResult *
replay (ConduitFlowTest *test,
        ConduitFlow     *flow)
{
  ConduitFlowTestResult *result = NULL;

  conduit_flow_test_run_async (test, flow, conduit_connector_registry_get_default (), NULL,
                               replay_done_cb, &result);
  g_assert_true (test_spin_until (result_ready, &result, 30));
  /* anything the replay might have started, given the chance to connect */
  test_spin_idle ();
  return result;
}

static void
test_record_replay (RunnerFixture *fixture,
                    gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/contacts");
  g_autofree char *tests_path = g_build_filename (fixture->dir, "contacts.tests.json", NULL);
  g_autofree char *json = contacts_flow (GOOD_EMAIL, url);
  g_autofree char *text = NULL;
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(ConduitFlowTestResult) result = NULL;
  g_autoptr(ConduitFlowTestResult) changed = NULL;
  g_autoptr(GError) error = NULL;
  const char *const volatile_fields[] = { "headers", NULL };
  ConduitFlowTest *loaded;
  ConduitFlowTestDiff *diff;
  Listener listener = { 0 };
  JsonObject *failed;
  const char *message;
  gint64 run_id;
  guint16 port;

  run_id = record_contacts (fixture, url, server);
  test = conduit_flow_test_new_from_run (fixture->history, run_id, flow,
                                         conduit_connector_registry_get_default (), "two contacts",
                                         volatile_fields, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (test->trigger_node, ==, "start");
  g_assert_cmpuint (test->trigger_items->len, ==, 2);
  /* only the call to the outside is recorded; the mapping is expected, not recorded */
  g_assert_cmpuint (json_array_get_length (json_node_get_array (test->recordings)), ==, 1);
  g_assert_true (json_object_has_member (json_node_get_object (test->expected), "map"));
  g_assert_true (json_object_has_member (json_node_get_object (test->expected), "crm"));

  g_assert_true (conduit_flow_test_save (test, tests_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (tests_path, &text, NULL, NULL));
  g_assert_null (strstr (text, SECRET));
  g_assert_nonnull (strstr (text, CONDUIT_REDACTED));

  /* The server goes away; a listener on its port counts whoever still calls. */
  port = port_of (url);
  g_clear_pointer (&server, fault_server_free);
  listener_start (&listener, port);

  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 1);
  loaded = g_ptr_array_index (tests, 0);
  g_assert_cmpstr (loaded->name, ==, "two contacts");
  result = replay (loaded, flow);
  for (guint i = 0; i < result->diffs->len; i++)
    {
      diff = g_ptr_array_index (result->diffs, i);
      g_printerr ("%s %s %d %s: %s / %s\n", diff->node_id, diff->port, diff->index, diff->field,
                  diff->expected, diff->actual);
    }
  g_assert_null (result->error);
  g_assert_true (result->passed);
  g_assert_cmpuint (listener.connections, ==, 0);

  /* An item the recording has no answer for fails at the step, with the call it would make. */
  json_object_set_string_member (json_node_get_object (g_ptr_array_index (loaded->trigger_items, 1)),
                                 "Email", "hopper@example.com");
  changed = replay (loaded, flow);
  g_assert_false (changed->passed);
  g_assert_cmpuint (listener.connections, ==, 0);
  diff = NULL;
  for (guint i = 0; i < changed->diffs->len; i++)
    {
      ConduitFlowTestDiff *d = g_ptr_array_index (changed->diffs, i);

      if (g_str_equal (d->node_id, "crm") && g_strcmp0 (d->port, "error") == 0)
        diff = d;
    }
  g_assert_nonnull (diff);
  g_assert_null (diff->expected);
  g_assert_nonnull (strstr (diff->actual, "not recorded: POST http://127.0.0.1:"));
  g_assert_nonnull (strstr (diff->actual, "/contacts with {"));
  g_assert_nonnull (strstr (diff->actual, "hopper@example.com"));
  {
    g_autoptr(JsonNode) actual = json_from_string (diff->actual, &error);

    g_assert_no_error (error);
    failed = json_node_get_object (actual);
    message = json_object_get_string_member (json_object_get_object_member (failed, "error"),
                                             "message");
    g_assert_true (g_str_has_prefix (message, "not recorded: POST "));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (failed, "error"),
                                                    "kind"), ==, "not-recorded");
  }

  listener_stop (&listener);
}

/* Errors name the file, the line and the JSON pointer; absent optional members are fine. */
static void
test_load_errors (void)
{
  struct { const char *text; const char *expected; } cases[] = {
    { "{\"format\": 1, \"tests\": [ {\"name\": \"a\",\n \"trigger\": {\"node\": \"t\"}} ]}",
      "f.tests.json:2: /tests/0/trigger: “items” is missing" },
    { "{\"format\": 2, \"tests\": []}", "f.tests.json:1: /format: format 2" },
    { "{\"format\": 1,\n \"tests\": [ {\"name\": \"a\", \"trigger\": {\"node\": \"t\", \"items\": []},\n"
      " \"volatile\": [3]} ]}", "f.tests.json:3: /tests/0/volatile/0: " },
    { "{\"format\": 1, \"tests\": [ {\"name\": \"a\", \"trigger\": {\"node\": \"t\", \"items\": []}},"
      " {\"name\": \"a\", \"trigger\": {\"node\": \"t\", \"items\": []}} ]}",
      "/tests/1/name: another test is already called “a”" },
    { "{\"format\": 1, \"tests\": [", "f.tests.json: " },
    { "", "f.tests.json:1: the file is empty" },
    { " \n ", "f.tests.json:1: the file is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) tests = conduit_flow_test_load_data (cases[i].text, (gsize)-1,
                                                                "f.tests.json", &error);

      g_assert_null (tests);
      g_assert_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].expected);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) tests = conduit_flow_test_load_data (
      "{\"format\": 1, \"tests\": [ {\"name\": \"a\", \"trigger\": {\"node\": \"t\", \"items\": [{}]}} ]}",
      (gsize)-1, "f.tests.json", &error);
    ConduitFlowTest *test;

    g_assert_no_error (error);
    test = g_ptr_array_index (tests, 0);
    g_assert_cmpstr (test->trigger_port, ==, "out");
    g_assert_cmpuint (json_array_get_length (json_node_get_array (test->recordings)), ==, 0);
    g_assert_cmpuint (g_strv_length (test->volatile_fields), ==, 0);
  }
}

/* An app operation's step answers from the recording too; without one, the message gives the
 * app's method and address, read from its descriptor. */
static void
test_app_step_not_recorded (void)
{
  g_autoptr(ConduitFlow) flow = runner_test_flow (
    "{ \"version\": 1, \"name\": \"App\", \"nodes\": ["
    "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"items\": [ { \"email\": \"ada@example.com\" } ] } },"
    "  { \"id\": \"hub\", \"type\": \"hubspot.create-contact\", \"title\": \"Add to HubSpot\","
    "    \"position\": [200, 0],"
    "    \"settings\": { \"credential\": \"hubspot\", \"email\": \"{{email}}\" } } ],"
    " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"hub\", \"to_port\": \"in\" } ] }");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tests = conduit_flow_test_load_data (
    "{\"format\": 1, \"tests\": [ {\"name\": \"t\", \"trigger\": {\"node\": \"start\","
    " \"items\": [ {\"email\": \"ada@example.com\"} ]},"
    " \"recordings\": [ {\"node\": \"hub\", \"items_in\": [ {\"email\": \"grace@example.com\"} ],"
    "   \"ports\": {\"out\": [ {\"id\": \"7\"} ]}} ],"
    " \"expected\": {\"hub\": {\"out\": [ {\"id\": \"7\"} ]}} } ]}", (gsize)-1, "app.tests.json",
    &error);
  g_autoptr(ConduitFlowTestResult) result = NULL;
  gboolean found = FALSE;

  g_assert_no_error (error);
  result = replay (g_ptr_array_index (tests, 0), flow);
  g_assert_false (result->passed);
  for (guint i = 0; i < result->diffs->len; i++)
    {
      ConduitFlowTestDiff *diff = g_ptr_array_index (result->diffs, i);

      if (g_strcmp0 (diff->port, "error") == 0 && diff->actual != NULL &&
          strstr (diff->actual, "not recorded: POST https://api.hubapi.com/crm/v3/objects/contacts "
                                "with {\\\"email\\\":\\\"ada@example.com\\\"}") != NULL)
        found = TRUE;
    }
  g_assert_true (found);
}

static void
test_volatile_paths (void)
{
  const char *const fields[] = { "created_at", "lines.*.id", NULL };
  g_autoptr(JsonNode) a = json_from_string ("{\"id\": 1, \"created_at\": \"x\", \"lines\": "
                                            "[{\"id\": 5, \"sku\": \"A\"}], \"n\": 1}", NULL);
  g_autoptr(JsonNode) b = json_from_string ("{\"id\": 1, \"created_at\": \"y\", \"lines\": "
                                            "[{\"id\": 6, \"sku\": \"B\"}], \"n\": 1.0}", NULL);
  g_autoptr(GPtrArray) diffs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_test_diff_free);
  ConduitFlowTestDiff *diff;

  g_assert_true (conduit_flow_test_field_is_volatile ("created_at", fields));
  g_assert_true (conduit_flow_test_field_is_volatile ("lines.3.id", fields));
  g_assert_true (conduit_flow_test_field_is_volatile ("created_at.zone", fields));
  g_assert_false (conduit_flow_test_field_is_volatile ("lines.3.sku", fields));
  g_assert_false (conduit_flow_test_field_is_volatile ("id", fields));

  g_assert_false (conduit_flow_test_compare_item (a, b, fields, "n1", "out", 0, diffs));
  g_assert_cmpuint (diffs->len, ==, 1);
  diff = g_ptr_array_index (diffs, 0);
  g_assert_cmpstr (diff->field, ==, "lines.0.sku");
  g_assert_cmpstr (diff->expected, ==, "\"A\"");
  g_assert_cmpstr (diff->actual, ==, "\"B\"");
}

static int
run_cli (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *)g_getenv ("CONDUIT_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (err != NULL && err[0] != '\0')
    g_test_message ("stderr: %s", err);
  /* killed by a signal (a sanitizer's abort) is neither passing nor failing */
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

typedef struct
{
  guint   suites;
  guint   cases;
  guint   failures;
  guint   errors;
  char   *tests_attr;
  char   *failures_attr;
} JUnitCount;

static void
junit_start (GMarkupParseContext  *context,
             const char           *element,
             const char          **names,
             const char          **values,
             gpointer              user_data,
             GError              **error)
{
  JUnitCount *count = user_data;

  if (g_str_equal (element, "testsuites"))
    for (guint i = 0; names[i] != NULL; i++)
      {
        if (g_str_equal (names[i], "tests"))
          count->tests_attr = g_strdup (values[i]);
        else if (g_str_equal (names[i], "failures"))
          count->failures_attr = g_strdup (values[i]);
      }
  else if (g_str_equal (element, "testsuite"))
    count->suites++;
  else if (g_str_equal (element, "testcase"))
    count->cases++;
  else if (g_str_equal (element, "failure"))
    count->failures++;
  else if (g_str_equal (element, "error"))
    count->errors++;
}

static JUnitCount
read_junit (const char *path)
{
  const GMarkupParser parser = { junit_start, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JUnitCount count = { 0 };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  context = g_markup_parse_context_new (&parser, 0, &count, NULL);
  g_markup_parse_context_parse (context, text, -1, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return count;
}

static void
write_flow (const char *path,
            const char *expression,
            const char *url)
{
  g_autofree char *json = contacts_flow (expression, url);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, json, -1, &error);
  g_assert_no_error (error);
}

static void
test_cli (RunnerFixture *fixture,
          gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/contacts");
  g_autofree char *flow_path = g_build_filename (fixture->dir, "contacts.conduit", NULL);
  g_autofree char *tests_path = g_build_filename (fixture->dir, "contacts.tests.json", NULL);
  g_autofree char *junit_path = g_build_filename (fixture->dir, "junit.xml", NULL);
  g_autofree char *db = g_build_filename (fixture->dir, "history.db", NULL);
  g_autofree char *run_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *tests_text = NULL;
  g_autoptr(GError) error = NULL;
  JUnitCount count;
  gint64 run_id;

  run_id = record_contacts (fixture, url, server);
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
  run_text = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);
  write_flow (flow_path, GOOD_EMAIL, url);

  {
    const char *args[] = { "test", "save", run_text, "--flow", flow_path, "--history", db,
                           "--name", "two contacts", "--volatile", "headers", NULL };
    g_autofree char *saved = NULL;

    g_assert_cmpint (run_cli (args, &saved), ==, 0);
    g_assert_nonnull (strstr (saved, "two contacts"));
  }
  g_assert_true (g_file_get_contents (tests_path, &tests_text, NULL, NULL));
  g_assert_null (strstr (tests_text, SECRET));
  g_clear_pointer (&server, fault_server_free);

  /* unchanged: passes */
  {
    const char *args[] = { "test", flow_path, "--junit", junit_path, NULL };

    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, "PASS"));
    count = read_junit (junit_path);
    g_assert_cmpuint (count.suites, ==, 1);
    g_assert_cmpuint (count.cases, ==, 1);
    g_assert_cmpuint (count.failures, ==, 0);
    g_assert_cmpstr (count.tests_attr, ==, "1");
    g_free (count.tests_attr);
    g_free (count.failures_attr);
    g_clear_pointer (&out, g_free);
  }

  /* a changed mapping: fails, naming the step and the field */
  write_flow (flow_path, CHANGED_EMAIL, url);
  {
    const char *args[] = { "test", flow_path, "--junit", junit_path, NULL };

    g_assert_cmpint (run_cli (args, &out), ==, 1);
    g_test_message ("%s", out);
    g_assert_nonnull (strstr (out, "FAIL"));
    g_assert_nonnull (strstr (out, "step “Map contact fields” (map), port out, item 1, field email: "
                                   "expected \"ada@example.com\", got \"ADA@Example.com\""));
    /* the call the changed item would make is not in the recording */
    g_assert_nonnull (strstr (out, "not recorded: POST http://127.0.0.1:"));
    count = read_junit (junit_path);
    g_assert_cmpuint (count.cases, ==, 1);
    g_assert_cmpuint (count.failures, ==, 1);
    g_assert_cmpstr (count.failures_attr, ==, "1");
    g_free (count.tests_attr);
    g_free (count.failures_attr);
    g_clear_pointer (&out, g_free);
  }

  /* the same test with the field marked volatile: passes, and the calls still match */
  {
    const char *args[] = { "test", "save", run_text, "--flow", flow_path, "--history", db,
                           "--name", "two contacts", "--volatile", "headers", "--volatile",
                           "email", NULL };
    const char *run_args[] = { "test", flow_path, NULL };
    g_autofree char *saved = NULL;

    g_assert_cmpint (run_cli (args, &saved), ==, 0);
    g_assert_cmpint (run_cli (run_args, &out), ==, 0);
    g_assert_nonnull (strstr (out, "PASS"));
    g_clear_pointer (&out, g_free);
  }

  /* a flow without a tests file is not a failure; a broken tests file is */
  {
    const char *args[] = { "test", flow_path, NULL };

    g_assert_true (g_file_set_contents (tests_path, "{\"format\": 1,\n \"tests\": 3}", -1, NULL));
    g_assert_cmpint (run_cli (args, &out), ==, 1);
    g_assert_nonnull (strstr (out, "contacts.tests.json:2: /tests: must be an array"));
    g_clear_pointer (&out, g_free);
  }
}

/* The shipped examples, each run against local servers and kept as a test, then replayed with
 * the servers gone (or, for the databases, with the target table emptied and left empty).
 * With CONDUIT_WRITE_EXAMPLE_TESTS=1 the tests are written beside the examples in data/examples:
 * that is how the shipped NAME.tests.json files are made. */

static ConduitFlow *
example_flow (const char *name)
{
  g_autofree char *path = test_example_path (name);
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &json, NULL, &error);
  g_assert_no_error (error);
  return runner_test_flow (json);
}

static void
retarget (ConduitFlow *flow,
          const char  *node_id,
          const char  *key,
          FaultServer *server)
{
  ConduitNode *node = conduit_flow_lookup_node (flow, node_id);
  const char *url = conduit_node_get_setting_string (node, key);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *target = fault_server_url (server, g_uri_get_path (uri));
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), target);

  conduit_node_set_setting (node, key, value);
}

static void
set_path (ConduitFlow *flow,
          const char  *node_id,
          const char  *path)
{
  g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), path);

  conduit_node_set_setting (conduit_flow_lookup_node (flow, node_id), "path", value);
}

/* Points the bundled app @app_id at @server by its base URL, in the default registry; with
 * @server %NULL, puts the bundled descriptor back. */
static void
point_app_at (const char  *app_id,
              FaultServer *server)
{
  g_autofree char *file = g_strconcat (app_id, ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "connectors",
                                            "apps", file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  if (server != NULL)
    {
      g_autofree char *base = fault_server_url (server, "");
      JsonObject *connection = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                              "connection");

      if (g_str_has_suffix (base, "/"))
        base[strlen (base) - 1] = '\0';
      json_object_set_string_member (connection, "base_url", base);
    }
  text = json_to_string (json_parser_get_root (parser), FALSE);
  g_assert_nonnull (conduit_connector_registry_load_app_from_data (conduit_connector_registry_get_default (),
                                                                   text, -1, NULL, &error));
  g_assert_no_error (error);
}

static ConduitRun *
run_from (RunnerFixture *fixture,
          ConduitFlow   *flow,
          const char    *trigger)
{
  ConduitRun *run = NULL;
  g_autoptr(GError) error = NULL;

  conduit_runner_run_async (fixture->runner, flow, trigger, NULL, NULL, replay_run_cb, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  g_assert_no_error (error);
  return run;
}

/* Keeps @run as the example's test and replays it on @flow; returns the tests file's text. */
static char *
keep_and_replay (RunnerFixture *fixture,
                 const char    *example,
                 ConduitFlow   *flow,
                 ConduitRun    *run,
                 const char    *secret)
{
  g_autofree char *shipped = test_example_path (example);
  g_autofree char *local = g_build_filename (fixture->dir, example, NULL);
  g_autofree char *tests_path = NULL;
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(ConduitFlowTestResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  tests_path = conduit_flow_test_path_for_flow (g_strcmp0 (g_getenv ("CONDUIT_WRITE_EXAMPLE_TESTS"),
                                                           "1") == 0 ? shipped : local);
  g_unlink (tests_path);
  test = conduit_flow_test_new_from_run (fixture->history, conduit_run_get_id (run), flow,
                                         conduit_connector_registry_get_default (), "example run",
                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_flow_test_save (test, tests_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (tests_path, &text, NULL, NULL));
  if (secret != NULL)
    g_assert_null (strstr (text, secret));

  result = replay (test, flow);
  for (guint i = 0; i < result->diffs->len; i++)
    {
      ConduitFlowTestDiff *diff = g_ptr_array_index (result->diffs, i);
      g_printerr ("%s: %s %s %d %s: %s / %s\n", example, diff->node_id, diff->port, diff->index,
                  diff->field, diff->expected, diff->actual);
    }
  g_assert_null (result->error);
  g_assert_true (result->passed);
  return text;
}

static void
test_examples_record (RunnerFixture *fixture,
                      gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "tests", "fixtures",
                                           "runner", "customers.csv", NULL);

  /* CSV export to an API: a file read, a call per row, refused rows to a file */
  {
    g_autoptr(FaultServer) api = fault_server_new ();
    g_autoptr(ConduitFlow) flow = example_flow ("csv-export-to-api.conduit");
    g_autofree char *refused = g_build_filename (fixture->dir, "refused.ndjson", NULL);
    g_autofree char *failed = g_build_filename (fixture->dir, "failed.ndjson", NULL);
    g_autoptr(ConduitRun) run = NULL;
    g_autofree char *text = NULL;
    Listener listener = { 0 };

    retarget (flow, "billing", "url", api);
    set_path (flow, "export", csv);
    set_path (flow, "refused", refused);
    set_path (flow, "failed", failed);
    run = run_from (fixture, flow, NULL);
    g_assert_cmpuint (fault_server_n_created (api), ==, 3);
    g_unlink (refused);
    {
      g_autofree char *url = fault_server_url (api, "/");
      guint16 port = port_of (url);

      g_clear_pointer (&api, fault_server_free);
      listener_start (&listener, port);
    }
    text = keep_and_replay (fixture, "csv-export-to-api.conduit", flow, run, NULL);
    g_assert_cmpuint (listener.connections, ==, 0);
    /* the refused rows' file was answered from the recording, not written */
    g_assert_false (g_file_test (refused, G_FILE_TEST_EXISTS));
    listener_stop (&listener);
  }

  /* Web form to CRM: a HubSpot contact with a credential, then a Slack message (app steps) */
  {
    g_autoptr(FaultServer) api = fault_server_new ();
    g_autoptr(ConduitFlow) flow = example_flow ("web-form-to-crm.conduit");
    g_autoptr(ConduitRun) run = NULL;
    g_autofree char *text = NULL;
    Listener listener = { 0 };

    point_app_at ("hubspot", api);
    retarget (flow, "slack", "webhook_url", api);
    g_setenv ("CONDUIT_CREDENTIAL_CRM_API_KEY",
              "{\"kind\": \"bearer\", \"secret\": \"crm-" SECRET "\"}", TRUE);
    run = run_from (fixture, flow, "form");
    g_unsetenv ("CONDUIT_CREDENTIAL_CRM_API_KEY");
    point_app_at ("hubspot", NULL);
    g_assert_cmpuint (fault_server_n_requests (api, "/crm/v3/objects/contacts"), ==, 1);
    g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
    {
      g_autofree char *url = fault_server_url (api, "/");
      guint16 port = port_of (url);

      g_clear_pointer (&api, fault_server_free);
      listener_start (&listener, port);
    }
    text = keep_and_replay (fixture, "web-form-to-crm.conduit", flow, run, "crm-" SECRET);
    g_assert_cmpuint (listener.connections, ==, 0);
    listener_stop (&listener);
  }

  /* Webhook order to fulfilment: deduplication runs for real in the replay */
  {
    g_autoptr(FaultServer) api = fault_server_new ();
    g_autoptr(ConduitFlow) flow = example_flow ("webhook-order-to-fulfilment.conduit");
    g_autoptr(ConduitRun) run = NULL;
    g_autofree char *text = NULL;
    Listener listener = { 0 };

    retarget (flow, "warehouse", "url", api);
    retarget (flow, "notify", "webhook_url", api);
    run = run_from (fixture, flow, "order");
    g_assert_cmpint (conduit_run_get_status (run), ==, CONDUIT_RUN_STATUS_SUCCEEDED);
    g_assert_cmpuint (fault_server_n_requests (api, "/services/T00000000/B00000001/XXXXXXXXXXXXXXXXXXXXXXXX"),
                      ==, 1);
    {
      g_autofree char *url = fault_server_url (api, "/");
      guint16 port = port_of (url);

      g_clear_pointer (&api, fault_server_free);
      listener_start (&listener, port);
    }
    text = keep_and_replay (fixture, "webhook-order-to-fulfilment.conduit", flow, run, NULL);
    g_assert_cmpuint (listener.connections, ==, 0);
    listener_stop (&listener);
  }

  /* MySQL orders to PostgreSQL: both databases recorded; the replay writes nothing */
  {
    DbTestServer *mysql = db_test_require (CONDUIT_DB_KIND_MARIADB);
    DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
    g_autoptr(ConduitFlow) flow = NULL;
    g_autoptr(ConduitRun) run = NULL;
    g_autofree char *text = NULL;
    g_autofree char *json = NULL;

    if (mysql == NULL || postgresql == NULL)
      return;

    db_test_server_exec (mysql, "DROP TABLE IF EXISTS orders");
    db_test_server_exec (mysql, "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, "
                                "customer_email varchar(200), total decimal(10,2), "
                                "currency varchar(8), status varchar(20), "
                                "placed_at timestamp(3) NULL, updated_at datetime(3) NOT NULL)");
    db_test_server_exec (mysql, "INSERT INTO orders (customer_email, total, currency, status, "
                                "placed_at, updated_at) VALUES "
                                "(' Ada@Example.com ', 12.50, 'EUR', 'paid', '2026-05-01 09:30:00.250', '2026-05-01 09:30:00'),"
                                "('grace@example.com', 99.90, 'USD', 'paid', '2026-05-01 10:00:00', '2026-05-01 09:30:00'),"
                                "('not an email', 5.00, 'EUR', 'paid', '2026-05-01 11:00:00', '2026-05-01 11:00:00'),"
                                "('ken@example.com', 1.00, 'EUR', 'cart', '2026-05-01 13:00:00', '2026-05-01 13:00:00')");
    db_test_server_exec (postgresql, "DROP TABLE IF EXISTS shop_orders");
    db_test_server_exec (postgresql, "CREATE TABLE shop_orders (order_id bigint PRIMARY KEY, "
                                     "email text NOT NULL, amount numeric(12,2) NOT NULL, "
                                     "currency char(3) NOT NULL, placed_at timestamptz NOT NULL, "
                                     "loaded_at timestamptz DEFAULT now())");
    db_test_server_exec (postgresql, "GRANT ALL ON shop_orders TO app");
    json = db_test_server_credential_json (mysql, "shop-mysql");
    g_setenv ("CONDUIT_CREDENTIAL_SHOP_MYSQL", json, TRUE);
    g_clear_pointer (&json, g_free);
    json = db_test_server_credential_json (postgresql, "reporting-postgresql");
    g_setenv ("CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL", json, TRUE);

    flow = example_flow ("mysql-orders-to-postgresql.conduit");
    run = run_from (fixture, flow, NULL);
    g_unsetenv ("CONDUIT_CREDENTIAL_SHOP_MYSQL");
    g_unsetenv ("CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL");
    g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM shop_orders"), ==, 2);

    db_test_server_exec (postgresql, "DELETE FROM shop_orders");
    db_test_server_exec (mysql, "DELETE FROM orders");
    text = keep_and_replay (fixture, "mysql-orders-to-postgresql.conduit", flow, run,
                            DB_TEST_PASSWORD);
    g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM shop_orders"), ==, 0);
  }
}

/* A flow of two app steps and its test, written by hand with no recording at all. */
#define LEADS_FLOW \
  "{ \"version\": 1, \"name\": \"Leads\", \"nodes\": [" \
  "  { \"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"items\": [ { \"Email\": \" ADA@Example.com \" } ] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"title\": \"Tidy\", \"position\": [200, 0]," \
  "    \"settings\": {}, \"mapping\": { \"rows\": [" \
  "      { \"destination\": \"email\", \"expression\": \"lower(trim(Email))\" } ] } }," \
  "  { \"id\": \"hub\", \"type\": \"hubspot.create-contact\", \"title\": \"Add to HubSpot\"," \
  "    \"position\": [400, 0], \"settings\": { \"credential\": \"hubspot\", \"email\": \"{{email}}\" } }," \
  "  { \"id\": \"tell\", \"type\": \"slack.send-message\", \"title\": \"Tell sales\"," \
  "    \"position\": [600, 0], \"settings\": { \"credential\": \"slack\"," \
  "      \"channel\": \"C123ABC456\", \"text\": \"New contact {{id}}\" } } ]," \
  " \"links\": [ { \"from\": \"start\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" }," \
  "              { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"hub\", \"to_port\": \"in\" }," \
  "              { \"from\": \"hub\", \"from_port\": \"out\", \"to\": \"tell\", \"to_port\": \"in\" } ] }"

/* the expected answers are HubSpot's and Slack's documented ones (their descriptors cite them) */
#define LEADS_TESTS \
  "{\"format\": 1, \"tests\": [ {\"name\": \"no recording\"," \
  " \"trigger\": {\"node\": \"start\", \"items\": [ {\"Email\": \" ADA@Example.com \"} ]}," \
  " \"expected\": {" \
  "   \"map\": {\"out\": [ {\"email\": \"ada@example.com\"} ]}," \
  "   \"hub\": {\"out\": [ {\"id\": \"512\", \"properties\": {\"email\": \"bcooper@biglytics.net\"," \
  "      \"firstname\": \"Bryan\", \"lastname\": \"Cooper\", \"company\": \"Biglytics\"}," \
  "      \"createdAt\": \"2024-01-17T19:55:04.281Z\", \"updatedAt\": \"2024-01-17T19:55:04.281Z\"," \
  "      \"archived\": false} ]}," \
  "   \"tell\": {\"out\": [ {\"ok\": true, \"channel\": \"C123ABC456\", \"ts\": \"1503435956.000247\"," \
  "      \"message\": {\"text\": \"Order 1042 shipped\", \"type\": \"message\"," \
    "                    \"ts\": \"1503435956.000247\"}} ]} } } ]}"

/* App steps with nothing recorded answer from their descriptors' documented examples: a test
 * written with no recording at all passes, says which steps answered from an example, and
 * opens no socket (both apps point at a loopback port where a listener counts connections). */
static void
test_app_steps_from_examples (void)
{
  g_autoptr(FaultServer) api = fault_server_new ();
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(ConduitFlowTestResult) result = NULL;
  g_autofree char *url = fault_server_url (api, "/");
  guint16 port = port_of (url);
  Listener listener = { 0 };
  gboolean slack_noted = FALSE;
  gboolean hubspot_noted = FALSE;

  point_app_at ("hubspot", api);
  point_app_at ("slack", api);
  g_clear_pointer (&api, fault_server_free);
  listener_start (&listener, port);

  flow = runner_test_flow (LEADS_FLOW);

  tests = conduit_flow_test_load_data (LEADS_TESTS, (gsize)-1, "leads.tests.json", &error);
  g_assert_no_error (error);

  result = replay (g_ptr_array_index (tests, 0), flow);
  for (guint i = 0; i < result->diffs->len; i++)
    {
      ConduitFlowTestDiff *diff = g_ptr_array_index (result->diffs, i);

      g_test_message ("diff: %s %s %s: %s / %s", diff->node_id, diff->port, diff->field,
                      diff->expected, diff->actual);
    }
  g_assert_null (result->error);
  g_assert_true (result->passed);
  g_assert_cmpuint (listener.connections, ==, 0);

  for (guint i = 0; i < result->notes->len; i++)
    {
      const char *note = g_ptr_array_index (result->notes, i);

      g_test_message ("note: %s", note);
      if (strstr (note, "“Tell sales” (tell): answered from the Slack descriptor’s example") != NULL)
        slack_noted = TRUE;
      if (strstr (note, "(hub): answered from the HubSpot descriptor’s example") != NULL)
        hubspot_noted = TRUE;
    }
  g_assert_true (slack_noted);
  g_assert_true (hubspot_noted);
  g_assert_cmpuint (result->notes->len, ==, 2);

  listener_stop (&listener);
  point_app_at ("hubspot", NULL);
  point_app_at ("slack", NULL);

  /* conduit-cli test runs it the same way, and prints the notes under PASS */
  {
    g_autofree char *dir = g_dir_make_tmp ("conduit-flow-test-XXXXXX", &error);
    g_autofree char *flow_path = g_build_filename (dir, "leads.conduit", NULL);
    g_autofree char *tests_path = conduit_flow_test_path_for_flow (flow_path);
    g_autofree char *out = NULL;
    const char *args[] = { "test", flow_path, NULL };

    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (flow_path, LEADS_FLOW, -1, &error));
    g_assert_true (g_file_set_contents (tests_path, LEADS_TESTS, -1, &error));
    g_assert_no_error (error);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_test_message ("%s", out);
    g_assert_nonnull (strstr (out, "PASS  "));
    g_assert_nonnull (strstr (out, "      note: step “Tell sales” (tell): answered from the Slack "
                                   "descriptor’s example (“send-message”)"));
    test_remove_tree (dir);
  }
}

/* A test saved through the function the app and the CLI share lands beside the flow under
 * the run's default name; removing it leaves the other tests. */
static void
test_save_run_and_remove (RunnerFixture *fixture,
                          gconstpointer  data)
{
  g_autoptr(FaultServer) server = fault_server_new ();
  g_autofree char *url = fault_server_url (server, "/contacts");
  g_autofree char *json = contacts_flow (GOOD_EMAIL, url);
  g_autoptr(ConduitFlow) flow = runner_test_flow (json);
  g_autofree char *flow_path = g_build_filename (fixture->dir, "contacts.conduit", NULL);
  g_autofree char *expected_path = g_build_filename (fixture->dir, "contacts.tests.json", NULL);
  g_autofree char *tests_path = NULL;
  g_autofree char *again = NULL;
  g_autofree char *name = NULL;
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) error = NULL;
  gint64 run_id = record_contacts (fixture, url, server);

  g_assert_true (conduit_history_store_flush (fixture->history, &error));
  tests_path = conduit_flow_test_save_run (fixture->history, run_id, flow_path, flow,
                                           conduit_connector_registry_get_default (), NULL, NULL,
                                           &test, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tests_path, ==, expected_path);
  name = conduit_flow_test_default_name (run_id);
  g_assert_cmpstr (test->name, ==, name);
  again = conduit_flow_test_save_run (fixture->history, run_id, flow_path, flow,
                                      conduit_connector_registry_get_default (), "second", NULL,
                                      NULL, &error);
  g_assert_no_error (error);

  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 2);
  g_clear_pointer (&tests, g_ptr_array_unref);

  g_assert_true (conduit_flow_test_remove (tests_path, name, &error));
  g_assert_no_error (error);
  g_assert_false (conduit_flow_test_remove (tests_path, name, &error));
  g_assert_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_FAILED);
  g_clear_error (&error);
  tests = conduit_flow_test_load_file (tests_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tests->len, ==, 1);
  g_assert_cmpstr (((ConduitFlowTest *)g_ptr_array_index (tests, 0))->name, ==, "second");
}

/* The shipped examples' saved tests pass with nothing to talk to. */
static void
test_examples (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = g_build_filename (g_getenv ("CONDUIT_SOURCE_DIR"), "data", "examples", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autofree char *out = NULL;
  const char *name;
  guint n_tests = 0;

  g_assert_nonnull (listing);
  g_ptr_array_add (args, g_strdup ("test"));
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".conduit"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_autofree char *tests = conduit_flow_test_path_for_flow (path);

        /* every example ships with its saved test */
        g_assert_true (g_file_test (tests, G_FILE_TEST_EXISTS));
        g_ptr_array_add (args, g_steal_pointer (&path));
        n_tests++;
      }
  g_ptr_array_add (args, NULL);
  g_assert_cmpuint (n_tests, >=, 3);

  g_assert_cmpint (run_cli ((const char * const *)args->pdata, &out), ==, 0);
  g_test_message ("%s", out);
  g_assert_null (strstr (out, "FAIL"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/flow-test/record-replay", RunnerFixture, NULL, runner_fixture_set_up,
              test_record_replay, runner_fixture_tear_down);
  g_test_add_func ("/conduit/flow-test/load-errors", test_load_errors);
  g_test_add_func ("/conduit/flow-test/volatile", test_volatile_paths);
  g_test_add_func ("/conduit/flow-test/app-step", test_app_step_not_recorded);
  g_test_add ("/conduit/flow-test/cli", RunnerFixture, NULL, runner_fixture_set_up, test_cli,
              runner_fixture_tear_down);
  g_test_add ("/conduit/flow-test/examples/record", RunnerFixture, NULL, runner_fixture_set_up,
              test_examples_record, runner_fixture_tear_down);
  g_test_add_func ("/conduit/flow-test/examples", test_examples);
  g_test_add_func ("/conduit/flow-test/app-steps-from-examples", test_app_steps_from_examples);
  g_test_add ("/conduit/flow-test/save-run", RunnerFixture, NULL, runner_fixture_set_up,
              test_save_run_and_remove, runner_fixture_tear_down);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
