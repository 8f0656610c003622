/* test-app-webhook.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An app's webhook handshake, answered by the webhook server as the app's descriptor says (no
 * app-specific C): Meta's verification of a WhatsApp Cloud API webhook (a GET with hub.mode,
 * hub.verify_token and hub.challenge in the query: the challenge back as plain text when the
 * token matches, 403 otherwise) and Slack's url_verification (a POST whose body carries the
 * challenge). Neither starts a run; a real event still does. */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-app-webhook.h"
#include "fault-server.h"
#include "runner-test-util.h"

#define VERIFY_TOKEN "meatyhamhock"

typedef struct
{
  RunnerFixture             base;
  FaultServer              *sink;
  ConduitConnectorRegistry *apps;
  ConduitWebhookServer     *server;
  ConduitFlow              *flow;
  SoupSession              *client;
  char                     *url;
  guint                     finished;
} Fixture;

static void
run_finished_cb (ConduitRunner *runner,
                 ConduitRun    *run,
                 Fixture       *fixture)
{
  fixture->finished++;
}

/* The webhook trigger of a bundled app, from the same registry the palette uses. */
static JsonObject *
app_trigger (Fixture    *fixture,
             const char *any_operation,
             const char *trigger_id)
{
  ConduitConnector *connector = conduit_connector_registry_lookup (fixture->apps, any_operation);
  JsonObject *trigger;

  g_assert_nonnull (connector);
  trigger = conduit_app_descriptor_find_trigger (conduit_connector_get_app (connector), trigger_id);
  g_assert_nonnull (trigger);
  return trigger;
}

static void
set_up (Fixture       *fixture,
        gconstpointer  data)
{
  const char *app = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sink = NULL;
  g_autofree char *json = NULL;

  runner_fixture_set_up (&fixture->base, NULL);
  fixture->sink = fault_server_new ();
  sink = fault_server_url (fixture->sink, "/events");
  json = g_strdup_printf (
    "{ \"version\": 1, \"name\": \"App events\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/app\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"%s\", \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    sink);
  fixture->flow = runner_test_flow (json);

  fixture->apps = conduit_connector_registry_new ();
  g_assert_true (conduit_connector_registry_load_builtin (fixture->apps, &error));
  g_assert_no_error (error);

  fixture->server = conduit_webhook_server_new (fixture->base.runner);
  g_assert_true (conduit_webhook_server_add_flow (fixture->server, fixture->flow, NULL, NULL, &error));
  g_assert_no_error (error);
  if (g_str_equal (app, "whatsapp"))
    conduit_webhook_server_set_app_trigger (fixture->server, fixture->flow,
                                            app_trigger (fixture, "whatsapp-business.send-text-message", "events"),
                                            VERIFY_TOKEN);
  else
    conduit_webhook_server_set_app_trigger (fixture->server, fixture->flow,
                                            app_trigger (fixture, "slack.send-message", "events"), NULL);
  fixture->url = conduit_webhook_server_dup_url (fixture->server, fixture->flow);
  fixture->client = soup_session_new ();
  soup_session_set_proxy_resolver (fixture->client, NULL);
  g_signal_connect (fixture->base.runner, "run-finished", G_CALLBACK (run_finished_cb), fixture);
}

static void
tear_down (Fixture       *fixture,
           gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (fixture->base.runner, fixture);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->flow);
  g_clear_object (&fixture->apps);
  g_clear_pointer (&fixture->sink, fault_server_free);
  g_free (fixture->url);
  runner_fixture_tear_down (&fixture->base, NULL);
}

typedef struct
{
  guint     status;
  GBytes   *body;
  char     *content_type;
  gboolean  done;
} Reply;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *reply = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;

  reply->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->content_type = g_strdup (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL));
  reply->done = TRUE;
}

/* Sends @method to the flow's address plus @query, with @body as JSON when given. */
static guint
send (Fixture     *fixture,
      const char  *method,
      const char  *query,
      const char  *body,
      char       **answer,
      char       **content_type)
{
  g_autofree char *url = g_strconcat (fixture->url, query ? query : "", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Reply reply = { 0 };

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  soup_session_send_and_read_async (fixture->client, msg, G_PRIORITY_DEFAULT, NULL, sent_cb, &reply);
  for (guint i = 0; !reply.done && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (reply.done);

  *answer = g_strndup (g_bytes_get_data (reply.body, NULL), g_bytes_get_size (reply.body));
  if (content_type != NULL)
    *content_type = g_steal_pointer (&reply.content_type);
  g_free (reply.content_type);
  g_bytes_unref (reply.body);
  return reply.status;
}

static void
wait_for_runs (Fixture *fixture,
               guint    n)
{
  for (guint i = 0; fixture->finished < n && i < 100000; i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->finished, ==, n);
}

static void
test_meta_verification (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *answer = NULL;
  g_autofree char *type = NULL;
  g_autofree char *refused = NULL;
  g_autofree char *not_subscribe = NULL;
  g_autofree char *event_answer = NULL;

  /* Meta's GET, as its Webhooks guide shows it: the challenge back, as it is */
  g_assert_cmpuint (send (fixture, "GET", "?hub.mode=subscribe&hub.challenge=1158201444"
                                          "&hub.verify_token=" VERIFY_TOKEN, NULL, &answer, &type),
                    ==, 200);
  g_assert_cmpstr (answer, ==, "1158201444");
  g_assert_cmpstr (type, ==, "text/plain");

  /* another verify token: refused, and the challenge is not given away */
  g_assert_cmpuint (send (fixture, "GET", "?hub.mode=subscribe&hub.challenge=1158201444"
                                          "&hub.verify_token=guess", NULL, &refused, NULL),
                    ==, 403);
  g_assert_null (strstr (refused, "1158201444"));

  /* a GET that is no handshake is still not an event */
  g_assert_cmpuint (send (fixture, "GET", "?hub.mode=unsubscribe&hub.challenge=1", NULL,
                          &not_subscribe, NULL), ==, 405);

  /* no run for any of them; an event still makes one */
  g_assert_cmpuint (send (fixture, "POST", NULL,
                          "{\"object\": \"whatsapp_business_account\", \"entry\": []}",
                          &event_answer, NULL), ==, 202);
  wait_for_runs (fixture, 1);
}

static void
test_slack_url_verification (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *answer = NULL;
  g_autofree char *event_answer = NULL;

  /* Slack's url_verification: the body's challenge back, no run */
  g_assert_cmpuint (send (fixture, "POST", NULL,
                          "{\"token\": \"Jhj5dZrVaK7ZwHHjRyZWjbDl\", \"type\": \"url_verification\","
                          " \"challenge\": \"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}",
                          &answer, NULL), ==, 200);
  g_assert_cmpstr (answer, ==, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");

  g_assert_cmpuint (send (fixture, "POST", NULL,
                          "{\"type\": \"event_callback\", \"event\": {\"type\": \"message\"}}",
                          &event_answer, NULL), ==, 202);
  wait_for_runs (fixture, 1);
}

/* Without a verify token set up, Conduit confirms no subscription it cannot check. */
static void
test_no_verify_token (void)
{
  g_autoptr(ConduitConnectorRegistry) apps = conduit_connector_registry_new ();
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  ConduitAppChallengeAnswer answer;
  JsonObject *trigger;

  g_assert_true (conduit_connector_registry_load_builtin (apps, &error));
  trigger = conduit_app_descriptor_find_trigger (
    conduit_connector_get_app (conduit_connector_registry_lookup (apps, "whatsapp-business.send-text-message")),
    "events");
  g_hash_table_insert (query, (char *)"hub.mode", (char *)"subscribe");
  g_hash_table_insert (query, (char *)"hub.challenge", (char *)"42");
  g_hash_table_insert (query, (char *)"hub.verify_token", (char *)"");

  g_assert_true (conduit_app_webhook_challenge (trigger, "GET", query, NULL, NULL, &answer));
  g_assert_cmpuint (answer.status, ==, 403);
  conduit_app_challenge_answer_clear (&answer);
  g_assert_true (conduit_app_webhook_challenge (trigger, "GET", query, NULL, "", &answer));
  g_assert_cmpuint (answer.status, ==, 403);
  conduit_app_challenge_answer_clear (&answer);

  /* a POST is not Meta's handshake */
  g_assert_false (conduit_app_webhook_challenge (trigger, "POST", query, NULL, "x", &answer));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/conduit/app-webhook/meta-verification", Fixture, "whatsapp", set_up,
              test_meta_verification, tear_down);
  g_test_add ("/conduit/app-webhook/slack-url-verification", Fixture, "slack", set_up,
              test_slack_url_verification, tear_down);
  g_test_add_func ("/conduit/app-webhook/no-verify-token", test_no_verify_token);

  return g_test_run ();
}
