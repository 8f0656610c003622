/* conduit-webhook-info.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-webhook-info"

#include "config.h"

#include "conduit-webhook-info.h"

/* The address a webhook trigger listens on, computed from its settings alone so that the
 * editor can show it before anything is served. `conduit-cli serve` builds the same address
 * (conduit_webhook_server_dup_url) once it listens. */

static ConduitConnector *
webhook_connector (void)
{
  return conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                            "webhook-trigger");
}

/**
 * conduit_webhook_info_dup_url:
 * @node: a webhook trigger
 *
 * Returns: (transfer full) (nullable): `http://127.0.0.1:PORT/PATH`, or %NULL when the port
 *   is 0 (picked only when the flow is served)
 */
char *
conduit_webhook_info_dup_url (ConduitNode *node)
{
  ConduitConnector *connector = webhook_connector ();
  g_autofree char *path = NULL;
  gint64 port;

  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  port = conduit_node_get_int_setting (node, connector, "port", 8787);
  if (port <= 0 || port > 65535)
    return NULL;

  path = conduit_node_dup_string_setting (node, connector, "path");
  if (path == NULL)
    path = g_strdup ("/");

  /* Even when it listens on every interface, this computer reaches it on the loopback. */
  return g_strdup_printf ("http://127.0.0.1:%" G_GINT64_FORMAT "%s%s", port,
                          path[0] == '/' ? "" : "/", path);
}

/**
 * conduit_webhook_info_dup_curl_command:
 * @node: a webhook trigger
 *
 * Returns: (transfer full) (nullable): a command that posts the first sample item to the
 *   trigger's address, or %NULL when the address is not known yet
 */
char *
conduit_webhook_info_dup_curl_command (ConduitNode *node)
{
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  g_autofree char *quoted_url = NULL;
  g_autofree char *quoted_body = NULL;
  JsonNode *items;

  g_return_val_if_fail (CONDUIT_IS_NODE (node), NULL);

  url = conduit_webhook_info_dup_url (node);
  if (url == NULL)
    return NULL;

  items = conduit_node_get_setting (node, "items");
  if (items != NULL && JSON_NODE_HOLDS_ARRAY (items) &&
      json_array_get_length (json_node_get_array (items)) > 0)
    body = json_to_string (json_array_get_element (json_node_get_array (items), 0), FALSE);
  else
    body = g_strdup ("{}");

  quoted_url = g_shell_quote (url);
  quoted_body = g_shell_quote (body);
  return g_strdup_printf ("curl -X POST -H 'Content-Type: application/json' --data %s %s",
                          quoted_body, quoted_url);
}
