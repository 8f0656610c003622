/* fuzz-pinned-data.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit.h"
#include "fuzz-common.h"

/* Pinned data typed by hand (conduit_pinned_data_from_text(), the inspector's "Edit Pinned
 * Data"). The first byte picks the step: an HTTP Request (out, error) or a Switch (rule ports,
 * fallback). Properties checked on any input:
 *  - it is accepted or refused with a message, never a crash;
 *  - what is accepted is an object of the step's output ports, each an array;
 *  - a flow holding it saves and loads again with the same pinned data (the editor must never
 *    accept what the file then refuses). */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  const char *type;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) pinned = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitFlow) loaded = NULL;
  g_autoptr(ConduitNode) node = NULL;
  g_autofree char *saved = NULL;
  ConduitConnector *connector;
  JsonObjectIter iter;
  const char *port;
  JsonNode *items;

  if (size < 1)
    return 0;

  type = (data[0] & 1) ? "switch" : "http-request";
  connector = conduit_connector_registry_lookup (registry, type);
  g_assert_nonnull (connector);
  /* the editor's text is NUL-terminated: what follows a NUL is not part of it */
  text = g_strndup ((const char *)data + 1, size - 1);

  pinned = conduit_pinned_data_from_text (connector, text, &error);
  if (pinned == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (pinned));
  json_object_iter_init_ordered (&iter, json_node_get_object (pinned));
  while (json_object_iter_next_ordered (&iter, &port, &items))
    {
      g_assert_nonnull (conduit_connector_find_output (connector, port));
      g_assert_true (JSON_NODE_HOLDS_ARRAY (items));
    }

  flow = conduit_flow_new ();
  conduit_flow_set_name (flow, "Pinned");
  node = conduit_node_new ("step", type);
  {
    /* the one setting each requires */
    gboolean http = g_str_equal (type, "http-request");
    g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (),
                                                       http ? "https://example.com/" : "n > 1");

    conduit_node_set_setting (node, http ? "url" : "rule_1", value);
  }
  conduit_node_set_pinned (node, pinned);
  conduit_flow_add_node (flow, node);
  saved = conduit_flow_to_data (flow, NULL);
  loaded = conduit_flow_new_from_data (registry, saved, -1, NULL, &error);
  if (loaded == NULL)
    g_error ("accepted pinned data does not load again: %s\n%s", error->message, saved);
  g_assert_true (json_node_equal (conduit_node_get_pinned (conduit_flow_lookup_node (loaded, "step")),
                                  pinned));
  return 0;
}
