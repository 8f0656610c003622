/* conduit-flow-check.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "conduit-flow.h"
#include "conduit-flow-private.h"
#include "conduit-flow-mapping-check.h"
#include "conduit-json-text.h"
#include "conduit-template.h"

/* The strict half of the flow model: conduit_flow_check() and the problems it finds, each with
 * the JSON pointer of what is wrong. */

void
conduit_flow_add_problem (GPtrArray  *problems,
                          const char *pointer,
                          const char *node_id,
                          const char *format,
                          ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (problems->len >= CONDUIT_FLOW_MAX_PROBLEMS)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (problems, conduit_flow_problem_new (pointer, node_id, message));
}

static char *
list_connector_ids (ConduitConnectorRegistry *registry)
{
  g_autoptr(GString) str = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (registry));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (G_LIST_MODEL (registry), i);

      if (str->len > 0)
        g_string_append (str, ", ");
      g_string_append (str, conduit_connector_get_id (connector));
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

/* Compiles @text as the expression or template @spec says it is, so that a flow with a typo in
 * a condition or a {{template}} is refused when it is loaded (by `validate`, the inspector and
 * `serve`), not when its first item reaches the step. */
static void
check_text_compiles (const ConduitSettingSpec *spec,
                     const char               *text,
                     const char               *pointer,
                     const char               *node_id,
                     GPtrArray                *problems)
{
  g_autoptr(GError) error = NULL;

  if (!conduit_setting_spec_check_text (spec, text, &error))
    conduit_flow_add_problem (problems, pointer, node_id, _("node “%s”: %s (%s): %s"),
                              node_id, spec->label, spec->key, error->message);
}

static void
check_setting_compiles (const ConduitSettingSpec *spec,
                        JsonNode                 *value,
                        const char               *pointer,
                        const char               *node_id,
                        GPtrArray                *problems)
{
  if (!conduit_setting_spec_holds_expressions (spec))
    return;

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);

      /* An empty optional expression means "none" (e.g. no idempotency key). */
      if (*text != '\0' || spec->type != CONDUIT_SETTING_EXPRESSION)
        check_text_compiles (spec, text, pointer, node_id, problems);
    }
  else if (JSON_NODE_HOLDS_OBJECT (value))
    {
      JsonObjectIter iter;
      const char *member_name;
      JsonNode *member;

      /* Header and query values: each one is a template, as the HTTP step compiles them. */
      json_object_iter_init_ordered (&iter, json_node_get_object (value));
      while (json_object_iter_next_ordered (&iter, &member_name, &member))
        {
          g_autofree char *member_pointer = conduit_json_pointer_append (pointer, member_name);
          g_autofree char *text = NULL;

          if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
            text = g_strdup (json_node_get_string (member));
          else
            text = json_to_string (member, FALSE);
          check_text_compiles (spec, text, member_pointer, node_id, problems);
        }
    }
}

/* Pinned output (docs/flow-format.md, "Pinned output"): an object of the step's output ports,
 * each an array of items. A pin on a port the step does not have would never reach anything:
 * it is refused rather than silently ignored. */
static void
check_pinned (ConduitConnector *connector,
              ConduitNode      *node,
              const char       *pointer,
              GPtrArray        *problems)
{
  JsonNode *pinned = conduit_node_get_pinned (node);
  const char *node_id = conduit_node_get_id (node);
  g_autofree char *pinned_pointer = NULL;
  JsonObjectIter iter;
  const char *port;
  JsonNode *items;

  if (pinned == NULL)
    return;

  pinned_pointer = conduit_json_pointer_append (pointer, "pinned");
  if (!JSON_NODE_HOLDS_OBJECT (pinned))
    {
      conduit_flow_add_problem (problems, pinned_pointer, node_id,
                                _("node “%s”: “pinned” must be an object of output ports, not %s"),
                                node_id, conduit_json_node_describe_type (pinned));
      return;
    }

  json_object_iter_init_ordered (&iter, json_node_get_object (pinned));
  while (json_object_iter_next_ordered (&iter, &port, &items))
    {
      g_autofree char *port_pointer = conduit_json_pointer_append (pinned_pointer, port);

      if (conduit_connector_find_output (connector, port) == NULL)
        {
          GPtrArray *outputs = conduit_connector_get_outputs (connector);
          g_autoptr(GString) known = g_string_new (NULL);

          for (guint i = 0; outputs != NULL && i < outputs->len; i++)
            {
              const ConduitPortSpec *spec = g_ptr_array_index (outputs, i);

              g_string_append_printf (known, "%s“%s”", i > 0 ? ", " : "", spec->id);
            }
          conduit_flow_add_problem (problems, port_pointer, node_id,
                                    _("node “%s”: data is pinned on “%s”, which is not an output "
                                      "of %s (it has %s)"),
                                    node_id, port, conduit_connector_get_name (connector),
                                    known->len > 0 ? known->str : _("no outputs"));
          continue;
        }

      if (!JSON_NODE_HOLDS_ARRAY (items))
        conduit_flow_add_problem (problems, port_pointer, node_id,
                                  _("node “%s”: the data pinned on “%s” must be an array of items, "
                                    "not %s"),
                                  node_id, port, conduit_json_node_describe_type (items));
    }
}

static void
check_node (ConduitFlow              *self,
            ConduitConnectorRegistry *registry,
            ConduitNode              *node,
            const char               *pointer,
            GPtrArray                *problems)
{
  const char *node_id = conduit_node_get_id (node);
  const char *type = conduit_node_get_connector_id (node);
  ConduitConnector *connector = conduit_connector_registry_lookup (registry, type);
  g_autofree char *settings_pointer = conduit_json_pointer_append (pointer, "settings");
  JsonObject *settings = conduit_node_get_settings (node);
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  GPtrArray *specs;

  if (connector == NULL)
    {
      g_autofree char *type_pointer = conduit_json_pointer_append (pointer, "type");
      g_autofree char *known = list_connector_ids (registry);

      conduit_flow_add_problem (problems, type_pointer, node_id,
                   _("node “%s” has unknown type “%s” (known types: %s)"), node_id, type, known);
      return;
    }

  json_object_iter_init_ordered (&iter, settings);
  while (json_object_iter_next_ordered (&iter, &key, &value))
    {
      g_autofree char *setting_pointer = conduit_json_pointer_append (settings_pointer, key);
      const ConduitSettingSpec *spec = conduit_connector_find_setting (connector, key);
      g_autofree char *message = NULL;

      if (spec == NULL)
        {
          conduit_flow_add_problem (problems, setting_pointer, node_id,
                       _("node “%s” (%s) has no setting “%s”"),
                       node_id, conduit_connector_get_name (connector), key);
          continue;
        }

      if (JSON_NODE_HOLDS_NULL (value) && !spec->required)
        continue;

      if (!conduit_setting_spec_check_value (spec, value, &message))
        {
          conduit_flow_add_problem (problems, setting_pointer, node_id,
                       _("node “%s”: %s"), node_id, message);
          continue;
        }

      if (spec->required && JSON_NODE_HOLDS_VALUE (value) &&
          json_node_get_value_type (value) == G_TYPE_STRING &&
          *json_node_get_string (value) == '\0')
        {
          conduit_flow_add_problem (problems, setting_pointer, node_id,
                       _("node “%s”: required setting “%s” (%s) is empty"),
                       node_id, spec->key, spec->label);
          continue;
        }

      check_setting_compiles (spec, value, setting_pointer, node_id, problems);
    }

  specs = conduit_connector_get_settings (connector);
  for (guint i = 0; i < specs->len; i++)
    {
      const ConduitSettingSpec *spec = g_ptr_array_index (specs, i);

      if (spec->required && spec->default_value == NULL &&
          !json_object_has_member (settings, spec->key))
        conduit_flow_add_problem (problems, settings_pointer, node_id,
                     _("node “%s”: required setting “%s” (%s) is missing"),
                     node_id, spec->key, spec->label);
    }

  if (conduit_node_get_mapping (node) != NULL)
    {
      g_autofree char *mapping_pointer = conduit_json_pointer_append (pointer, "mapping");
      GPtrArray *mapping_problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

      conduit_flow_mapping_check (conduit_node_get_mapping (node), mapping_pointer, node_id,
                                  mapping_problems);
      while (mapping_problems->len > 0 && problems->len < CONDUIT_FLOW_MAX_PROBLEMS)
        g_ptr_array_add (problems, g_ptr_array_steal_index (mapping_problems, 0));
      g_ptr_array_unref (mapping_problems);
    }

  check_pinned (connector, node, pointer, problems);
}

static void
check_links (ConduitFlow              *self,
             ConduitConnectorRegistry *registry,
             GPtrArray                *link_pointers,
             GPtrArray                *problems)
{
  g_autoptr(GPtrArray) valid = g_ptr_array_new ();
  g_autoptr(GHashTable) seen_links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) adjacency = NULL;
  g_autoptr(GHashTable) state = NULL;
  GListModel *links = G_LIST_MODEL (self->links);
  guint n = g_list_model_get_n_items (links);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);
      g_autofree char *fallback = g_strdup_printf ("/links/%u", i);
      const char *pointer = link_pointers ? g_ptr_array_index (link_pointers, i) : fallback;
      const char *ends[2][2] = {
        { conduit_link_get_from_node (link), conduit_link_get_from_port (link) },
        { conduit_link_get_to_node (link), conduit_link_get_to_port (link) },
      };
      gboolean ok = TRUE;

      for (guint end = 0; end < 2; end++)
        {
          ConduitNode *node = conduit_flow_lookup_node (self, ends[end][0]);
          g_autofree char *node_pointer = conduit_json_pointer_append (pointer, end == 0 ? "from" : "to");
          g_autofree char *port_pointer = conduit_json_pointer_append (pointer, end == 0 ? "from_port" : "to_port");
          ConduitConnector *connector;
          const ConduitPortSpec *port;

          if (node == NULL)
            {
              conduit_flow_add_problem (problems, node_pointer, NULL,
                           _("link %u goes %s node “%s”, which does not exist"),
                           i + 1, end == 0 ? _("from") : _("to"), ends[end][0]);
              ok = FALSE;
              continue;
            }

          connector = conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
          if (connector == NULL)
            {
              ok = FALSE;   /* reported at the node already */
              continue;
            }

          port = end == 0 ? conduit_connector_find_output (connector, ends[end][1])
                          : conduit_connector_find_input (connector, ends[end][1]);
          if (port == NULL)
            {
              GPtrArray *ports = end == 0 ? conduit_connector_get_outputs (connector)
                                          : conduit_connector_get_inputs (connector);
              g_autoptr(GString) names = g_string_new (NULL);

              for (guint p = 0; p < ports->len; p++)
                {
                  const ConduitPortSpec *spec = g_ptr_array_index (ports, p);
                  g_string_append_printf (names, "%s“%s”", p ? ", " : "", spec->id);
                }

              if (ports->len == 0)
                conduit_flow_add_problem (problems, port_pointer, ends[end][0],
                             end == 0 ? _("link %u: node “%s” (%s) has no output ports")
                                      : _("link %u: node “%s” (%s) has no input ports"),
                             i + 1, ends[end][0], conduit_connector_get_name (connector));
              else
                conduit_flow_add_problem (problems, port_pointer, ends[end][0],
                             end == 0 ? _("link %u: node “%s” (%s) has no output port “%s” (it has %s)")
                                      : _("link %u: node “%s” (%s) has no input port “%s” (it has %s)"),
                             i + 1, ends[end][0], conduit_connector_get_name (connector),
                             ends[end][1], names->str);
              ok = FALSE;
            }
        }

      if (ok && g_str_equal (ends[0][0], ends[1][0]))
        {
          conduit_flow_add_problem (problems, pointer, ends[0][0],
                       _("link %u joins node “%s” to itself"), i + 1, ends[0][0]);
          ok = FALSE;
        }

      if (ok)
        {
          /* a hash of the four ends keeps this linear for flows with many links */
          char *key = g_strjoin ("\x1f", ends[0][0], ends[0][1], ends[1][0], ends[1][1], NULL);

          if (!g_hash_table_add (seen_links, key))
            {
              conduit_flow_add_problem (problems, pointer, NULL,
                           _("link %u repeats an earlier link"), i + 1);
              ok = FALSE;
            }
        }

      if (ok)
        g_ptr_array_add (valid, link);  /* the store keeps it alive */
    }

  /* Cycles: a depth-first walk over the valid links; the link that closes a loop is named. */
  adjacency = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < valid->len; i++)
    {
      ConduitLink *link = g_ptr_array_index (valid, i);
      GPtrArray *out = g_hash_table_lookup (adjacency, conduit_link_get_from_node (link));

      if (out == NULL)
        {
          out = g_ptr_array_new ();
          g_hash_table_insert (adjacency, (char *)conduit_link_get_from_node (link), out);
        }
      g_ptr_array_add (out, link);
    }

  state = g_hash_table_new (g_str_hash, g_str_equal);   /* 1 = on the path, 2 = done */
  {
    guint n_nodes = conduit_flow_get_n_nodes (self);

    for (guint start = 0; start < n_nodes; start++)
      {
        g_autoptr(ConduitNode) start_node = g_list_model_get_item (G_LIST_MODEL (self->nodes), start);
        g_autoptr(GArray) stack = NULL;
        typedef struct { const char *id; guint next; } Visit;
        Visit first = { conduit_node_get_id (start_node), 0 };

        if (g_hash_table_contains (state, first.id))
          continue;

        stack = g_array_new (FALSE, FALSE, sizeof (Visit));
        g_array_append_val (stack, first);
        g_hash_table_insert (state, (char *)first.id, GUINT_TO_POINTER (1));

        while (stack->len > 0)
          {
            Visit *top = &g_array_index (stack, Visit, stack->len - 1);
            GPtrArray *out = g_hash_table_lookup (adjacency, top->id);

            if (out == NULL || top->next >= out->len)
              {
                g_hash_table_insert (state, (char *)top->id, GUINT_TO_POINTER (2));
                g_array_set_size (stack, stack->len - 1);
                continue;
              }

            {
              ConduitLink *link = g_ptr_array_index (out, top->next++);
              const char *to = conduit_link_get_to_node (link);
              guint to_state = GPOINTER_TO_UINT (g_hash_table_lookup (state, to));

              if (to_state == 1)
                {
                  g_autoptr(GString) path = g_string_new (to);
                  guint position = 0;
                  const char *pointer;
                  g_autofree char *fallback = NULL;

                  guint loop_start = 0;

                  for (guint k = 0; k < stack->len; k++)
                    if (g_str_equal (g_array_index (stack, Visit, k).id, to))
                      loop_start = k;

                  for (guint k = loop_start + 1; k < stack->len; k++)
                    {
                      const char *id = g_array_index (stack, Visit, k).id;
                      guint loop_length = stack->len - loop_start;

                      /* A long loop is named by its ends: the message must stay readable. */
                      if (loop_length > 12 && k == loop_start + 6)
                        {
                          g_string_append_printf (path, " → … (%u more) …", loop_length - 11);
                          k = stack->len - 6;
                          continue;
                        }
                      g_string_append_printf (path, " → %s", id);
                    }
                  g_string_append_printf (path, " → %s", to);

                  g_list_store_find (self->links, link, &position);
                  fallback = g_strdup_printf ("/links/%u", position);
                  pointer = link_pointers ? g_ptr_array_index (link_pointers, position) : fallback;
                  conduit_flow_add_problem (problems, pointer, NULL,
                               _("link %u makes the flow go round in a loop (%s); flows must not loop"),
                               position + 1, path->str);
                }
              else if (to_state == 0)
                {
                  Visit next = { to, 0 };

                  g_hash_table_insert (state, (char *)to, GUINT_TO_POINTER (1));
                  g_array_append_val (stack, next);
                }
            }
          }
      }
  }
}

GPtrArray *
conduit_flow_check_all (ConduitFlow              *self,
                        ConduitConnectorRegistry *registry,
                        GPtrArray                *node_pointers,
                        GPtrArray                *link_pointers,
                        GPtrArray                *problems)
{
  guint n = conduit_flow_get_n_nodes (self);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (G_LIST_MODEL (self->nodes), i);
      g_autofree char *fallback = g_strdup_printf ("/nodes/%u", i);

      check_node (self, registry, node,
                  node_pointers ? g_ptr_array_index (node_pointers, i) : fallback,
                  problems);
    }

  check_links (self, registry, link_pointers, problems);

  return problems;
}

/**
 * conduit_flow_check:
 * @self: a flow
 * @registry: the connectors
 *
 * Checks node types, settings, mappings and links, and that the flow does not loop.
 *
 * Returns: (transfer full) (element-type ConduitFlowProblem): the problems, empty when none
 */
GPtrArray *
conduit_flow_check (ConduitFlow              *self,
                    ConduitConnectorRegistry *registry)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), problems);
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), problems);

  return conduit_flow_check_all (self, registry, NULL, NULL, problems);
}

/**
 * conduit_flow_check_node:
 * @self: a flow
 * @registry: the connectors
 * @node: a node of @self
 *
 * Checks one node's type, settings and mapping, as the editor does for a warning badge.
 *
 * Returns: (transfer full) (element-type ConduitFlowProblem): the problems, empty when none
 */
GPtrArray *
conduit_flow_check_node (ConduitFlow              *self,
                         ConduitConnectorRegistry *registry,
                         ConduitNode              *node)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);
  g_autofree char *pointer = NULL;
  guint position = 0;

  g_return_val_if_fail (CONDUIT_IS_FLOW (self), problems);
  g_return_val_if_fail (CONDUIT_IS_NODE (node), problems);

  conduit_flow_find_node_position (self, node, &position);
  pointer = g_strdup_printf ("/nodes/%u", position);
  check_node (self, registry, node, pointer, problems);

  return problems;
}
