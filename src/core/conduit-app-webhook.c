/* conduit-app-webhook.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-webhook"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-app-request.h"
#include "conduit-app-webhook.h"
#include "conduit-json-text.h"

/* The handshake an app makes before it sends events to a webhook, described by the app's
 * webhook trigger ("challenge") rather than written per app:
 *
 * - Slack's url_verification comes as a POST whose JSON body says so ("when" over the body)
 *   and wants its "challenge" member back;
 * - Meta's (WhatsApp Cloud API) comes as a GET with hub.mode=subscribe, hub.verify_token and
 *   hub.challenge in the query ("method": "GET": the expressions read the query's
 *   parameters), and wants the challenge back only when the verify token is the one the user
 *   gave Meta ("verify", an expression for the token the request carries); otherwise 403.
 */

static JsonNode *
query_record (GHashTable *query)
{
  JsonObject *object = json_object_new ();
  GHashTableIter iter;
  gpointer name, value;

  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &name, &value))
        json_object_set_string_member (object, name, value);
    }
  return conduit_json_node_take_object (object);
}

static JsonNode *
body_record (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;

  if (data == NULL || length == 0 || !json_parser_load_from_data (parser, data, length, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;
  return json_node_ref (json_parser_get_root (parser));
}

static char *
value_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  if (JSON_NODE_HOLDS_VALUE (value))
    return json_to_string (value, FALSE);
  return NULL;
}

static gboolean
is_true (JsonNode *value)
{
  return value != NULL && json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (value);
}

/* Compares all of both texts, so the time taken does not tell how much of a guess was right. */
static gboolean
same_secret (const char *given,
             const char *expected)
{
  gsize given_length = strlen (given);
  gsize expected_length = strlen (expected);
  guint8 difference = given_length != expected_length;

  for (gsize i = 0; i < expected_length; i++)
    difference |= (guint8)(expected[i] ^ (i < given_length ? given[i] : 0));
  return difference == 0;
}

static void
set_answer (ConduitAppChallengeAnswer *answer,
            guint                      status,
            const char                *text)
{
  answer->status = status;
  answer->content_type = g_strdup ("text/plain");
  answer->body = g_strdup (text);
}

/**
 * conduit_app_webhook_challenge:
 * @trigger: an app's webhook trigger (its descriptor object)
 * @method: the request's method
 * @query: (nullable) (element-type utf8 utf8): the request's query parameters
 * @body: (nullable): the request's body
 * @verify_token: (nullable): the token the user gave the app, for a challenge with "verify"
 * @answer: (out caller-allocates): what to answer, when this returns %TRUE
 *
 * Tells an app's handshake from an event. A handshake is answered here and never becomes a
 * run: with the challenge (200, plain text), or with 403 when the trigger checks a verify token
 * and the request's does not match (or none was set up: Conduit never confirms a subscription
 * it cannot check).
 *
 * Returns: %TRUE when the request is the app's handshake and @answer says what to answer
 */
gboolean
conduit_app_webhook_challenge (JsonObject                *trigger,
                               const char                *method,
                               GHashTable                *query,
                               GBytes                    *body,
                               const char                *verify_token,
                               ConduitAppChallengeAnswer *answer)
{
  JsonNode *challenge_node;
  JsonObject *challenge;
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(JsonNode) when = NULL;
  g_autoptr(JsonNode) respond = NULL;
  g_autofree char *text = NULL;
  const char *wanted_method;
  const char *verify;

  g_return_val_if_fail (trigger != NULL, FALSE);
  g_return_val_if_fail (method != NULL, FALSE);
  g_return_val_if_fail (answer != NULL, FALSE);

  memset (answer, 0, sizeof *answer);
  challenge_node = json_object_get_member (trigger, "challenge");
  if (challenge_node == NULL || !JSON_NODE_HOLDS_OBJECT (challenge_node))
    return FALSE;
  challenge = json_node_get_object (challenge_node);
  wanted_method = json_object_get_string_member_with_default (challenge, "method", "POST");
  if (g_ascii_strcasecmp (method, wanted_method) != 0)
    return FALSE;

  record = g_ascii_strcasecmp (wanted_method, "GET") == 0 ? query_record (query) : body_record (body);
  if (record == NULL)
    return FALSE;
  when = conduit_app_evaluate (json_object_get_string_member (challenge, "when"), record, NULL);
  if (!is_true (when))
    return FALSE;

  verify = json_object_get_string_member_with_default (challenge, "verify", NULL);
  if (verify != NULL)
    {
      g_autoptr(JsonNode) given_node = conduit_app_evaluate (verify, record, NULL);
      g_autofree char *given = value_text (given_node);

      if (verify_token == NULL || *verify_token == '\0')
        {
          set_answer (answer, 403, _("this webhook has no verify token set up, so the subscription "
                                     "cannot be confirmed"));
          return TRUE;
        }
      if (given == NULL || !same_secret (given, verify_token))
        {
          set_answer (answer, 403, _("the verify token does not match the one set up for this webhook"));
          return TRUE;
        }
    }

  respond = conduit_app_evaluate (json_object_get_string_member (challenge, "respond"), record, NULL);
  text = value_text (respond);
  set_answer (answer, 200, text ? text : "");
  return TRUE;
}

/**
 * conduit_app_challenge_answer_clear:
 * @answer: an answer filled by conduit_app_webhook_challenge()
 */
void
conduit_app_challenge_answer_clear (ConduitAppChallengeAnswer *answer)
{
  g_clear_pointer (&answer->content_type, g_free);
  g_clear_pointer (&answer->body, g_free);
}
