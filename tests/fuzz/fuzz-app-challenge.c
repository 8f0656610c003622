/* fuzz-app-challenge.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "conduit.h"
#include "conduit-app-webhook.h"
#include "fuzz-common.h"

/* What a webhook sender controls before an app's handshake is answered: the method, the query
 * and the body. The first byte picks the app trigger (WhatsApp's GET handshake with a verify
 * token, Slack's url_verification in a POST body) and the method; the input up to the first
 * newline is the query string, the rest the body. The answer, when there is one, is 200 or 403
 * with UTF-8 text; a wrong verify token never gets the challenge back. */

static ConduitConnectorRegistry *registry;
static JsonObject *triggers[2];

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char * const apps[][3] = {
    { "whatsapp-business", "whatsapp-business.send-text-message", "events" },
    { "slack", "slack.send-message", "events" },
  };
  fuzz_set_up_logging ();
  /* the process's registry: the triggers belong to its descriptors */
  registry = conduit_connector_registry_get_default ();
  for (guint i = 0; i < G_N_ELEMENTS (apps); i++)
    {
      ConduitConnector *connector = conduit_connector_registry_lookup (registry, apps[i][1]);

      triggers[i] = conduit_app_descriptor_find_trigger (conduit_connector_get_app (connector), apps[i][2]);
      if (triggers[i] == NULL)
        abort ();
    }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *token = "verify-me";
  g_autoptr(GHashTable) query = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  ConduitAppChallengeAnswer answer;
  const char *newline;
  const char *given;

  if (size < 1)
    return 0;
  text = g_strndup ((const char *)data + 1, size - 1);
  newline = strchr (text, '\n');
  if (newline != NULL)
    {
      g_autofree char *query_text = g_strndup (text, newline - text);

      /* libsoup hands the server a decoded form; a query it cannot decode never arrives */
      query = soup_form_decode (query_text);
      body = g_bytes_new (newline + 1, strlen (newline + 1));
    }
  else
    {
      query = g_hash_table_new (g_str_hash, g_str_equal);
      body = g_bytes_new (text, strlen (text));
    }

  if (!conduit_app_webhook_challenge (triggers[data[0] % 2], (data[0] & 2) ? "GET" : "POST", query,
                                      body, token, &answer))
    return 0;

  if ((answer.status != 200 && answer.status != 403) || answer.body == NULL ||
      !g_utf8_validate (answer.body, -1, NULL))
    abort ();
  /* Meta's challenge only for the right token */
  given = g_hash_table_lookup (query, "hub.verify_token");
  if (data[0] % 2 == 0 && answer.status == 200 && g_strcmp0 (given, token) != 0)
    abort ();
  conduit_app_challenge_answer_clear (&answer);
  return 0;
}
