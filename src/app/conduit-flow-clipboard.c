/* conduit-flow-clipboard.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-clipboard"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conduit-flow-clipboard.h"

/* Copied nodes travel as a flow file holding only those nodes and the links among them, so
 * they paste into another window, another Conduit, or a text editor alike. Pasting is
 * lenient where loading a file is strict: a copied node may well have settings still to fill
 * in, and the canvas shows that with its warning badge. */

/**
 * conduit_flow_clipboard_serialize:
 * @flow: the flow the nodes belong to
 * @nodes: (element-type ConduitNode): nodes of @flow
 *
 * Returns: (transfer full): a flow document with copies of @nodes and their links
 */
char *
conduit_flow_clipboard_serialize (ConduitFlow *flow,
                                  GPtrArray   *nodes)
{
  return conduit_flow_clipboard_serialize_with_notes (flow, nodes, NULL);
}

/**
 * conduit_flow_clipboard_serialize_with_notes:
 * @flow: the flow the nodes and notes belong to
 * @nodes: (element-type ConduitNode): nodes of @flow
 * @notes: (nullable) (element-type ConduitNote): sticky notes of @flow
 *
 * Returns: (transfer full): a flow document with copies of @nodes, their links and @notes
 */
char *
conduit_flow_clipboard_serialize_with_notes (ConduitFlow *flow,
                                             GPtrArray   *nodes,
                                             GPtrArray   *notes)
{
  g_autoptr(ConduitFlow) fragment = conduit_flow_new ();
  GListModel *links;
  guint n_links;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (nodes != NULL, NULL);

  /* a flow file must have a name; this one also says where the nodes came from */
  conduit_flow_set_name (fragment, conduit_flow_get_name (flow) && *conduit_flow_get_name (flow)
                                   ? conduit_flow_get_name (flow) : _("Copied nodes"));
  for (guint i = 0; i < nodes->len; i++)
    {
      ConduitNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(ConduitNode) copy = NULL;

      if (conduit_flow_lookup_node (fragment, conduit_node_get_id (node)) != NULL)
        continue;
      copy = conduit_node_copy (node, conduit_node_get_id (node));
      conduit_flow_add_node (fragment, copy);
    }

  links = conduit_flow_get_links (flow);
  n_links = g_list_model_get_n_items (links);
  for (guint i = 0; i < n_links; i++)
    {
      g_autoptr(ConduitLink) link = g_list_model_get_item (links, i);

      if (conduit_flow_lookup_node (fragment, conduit_link_get_from_node (link)) != NULL &&
          conduit_flow_lookup_node (fragment, conduit_link_get_to_node (link)) != NULL)
        conduit_flow_add_link (fragment, link);
    }

  for (guint i = 0; notes != NULL && i < notes->len; i++)
    {
      ConduitNote *note = g_ptr_array_index (notes, i);
      g_autoptr(ConduitNote) copy = NULL;

      if (conduit_flow_lookup_note (fragment, conduit_note_get_id (note)) != NULL)
        continue;
      copy = conduit_note_copy (note, conduit_note_get_id (note));
      conduit_flow_add_note (fragment, copy);
    }

  return conduit_flow_to_data (fragment, NULL);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *value = json_object_get_member (object, member);

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) ||
      json_node_get_value_type (value) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (value);
}

static ConduitNode *
read_node (ConduitFlow *flow,
           JsonNode    *value,
           double       dx,
           double       dy)
{
  JsonObject *object;
  JsonNode *member;
  const char *id, *type;
  g_autofree char *new_id = NULL;
  ConduitNode *node;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    return NULL;

  object = json_node_get_object (value);
  id = get_string (object, "id");
  type = get_string (object, "type");
  if (id == NULL || *id == '\0' || type == NULL || *type == '\0')
    return NULL;

  new_id = conduit_flow_dup_unique_node_id (flow, id);
  node = conduit_node_new (new_id, type);
  conduit_node_set_title (node, get_string (object, "title"));
  conduit_node_set_notes (node, get_string (object, "notes"));

  member = json_object_get_member (object, "position");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member) &&
      json_array_get_length (json_node_get_array (member)) == 2)
    {
      JsonArray *position = json_node_get_array (member);

      conduit_node_set_position (node,
                                 json_array_get_double_element (position, 0) + dx,
                                 json_array_get_double_element (position, 1) + dy);
    }

  member = json_object_get_member (object, "settings");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *setting;

      json_object_iter_init_ordered (&iter, json_node_get_object (member));
      while (json_object_iter_next_ordered (&iter, &key, &setting))
        conduit_node_set_setting (node, key, setting);
    }

  member = json_object_get_member (object, "mapping");
  if (member != NULL)
    conduit_node_set_mapping (node, member);

  /* a copied step keeps its pinned data, as it keeps its settings */
  member = json_object_get_member (object, "pinned");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    conduit_node_set_pinned (node, member);

  return node;
}

/**
 * conduit_flow_clipboard_paste:
 * @undo_stack: the undo stack of the flow to paste into
 * @data: what conduit_flow_clipboard_serialize() made, or any flow file
 * @dx: canvas units to move the pasted nodes right
 * @dy: canvas units to move them down
 * @error: a location for a #GError
 *
 * Adds the nodes and links of @data as one undoable step; a node whose id is taken gets a
 * new one and its links follow it.
 *
 * Returns: (transfer container) (element-type ConduitNode): the new nodes, or %NULL
 */
GPtrArray *
conduit_flow_clipboard_paste (ConduitUndoStack  *undo_stack,
                              const char        *data,
                              double             dx,
                              double             dy,
                              GError           **error)
{
  return conduit_flow_clipboard_paste_with_notes (undo_stack, data, dx, dy, NULL, error);
}

/* A note of the clipboard, moved by (dx, dy), under a new id when its own is taken. */
static ConduitNote *
read_note (ConduitFlow *flow,
           JsonNode    *element,
           double       dx,
           double       dy)
{
  g_autofree char *id = NULL;
  ConduitNote *note;
  JsonObject *object;
  JsonNode *member;
  const char *str;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    return NULL;
  object = json_node_get_object (element);

  id = conduit_flow_dup_unique_note_id (flow);
  note = conduit_note_new (id);
  if ((str = get_string (object, "text")))
    conduit_note_set_text (note, str);
  if ((str = get_string (object, "color")) && conduit_note_color_is_known (str))
    conduit_note_set_color (note, str);
  if ((member = json_object_get_member (object, "position")) && JSON_NODE_HOLDS_ARRAY (member) &&
      json_array_get_length (json_node_get_array (member)) == 2)
    conduit_note_set_position (note,
                               round (json_array_get_double_element (json_node_get_array (member), 0) + dx),
                               round (json_array_get_double_element (json_node_get_array (member), 1) + dy));
  if ((member = json_object_get_member (object, "size")) && JSON_NODE_HOLDS_ARRAY (member) &&
      json_array_get_length (json_node_get_array (member)) == 2)
    conduit_note_set_size (note,
                           CLAMP (json_array_get_double_element (json_node_get_array (member), 0),
                                  CONDUIT_NOTE_MIN_WIDTH, 4000),
                           CLAMP (json_array_get_double_element (json_node_get_array (member), 1),
                                  CONDUIT_NOTE_MIN_HEIGHT, 4000));
  return note;
}

/**
 * conduit_flow_clipboard_paste_with_notes:
 * @undo_stack: the undo stack of the flow to paste into
 * @data: a flow document, as conduit_flow_clipboard_serialize_with_notes() makes
 * @dx: canvas units to move the copies right
 * @dy: canvas units to move them down
 * @notes: (out) (optional) (transfer container) (element-type ConduitNote): the new notes
 * @error: a location for a #GError
 *
 * As conduit_flow_clipboard_paste(), and the sticky notes of @data too: a clipboard of notes
 * alone pastes as well.
 *
 * Returns: (transfer container) (element-type ConduitNode): the new nodes (maybe none, when
 *   notes were pasted), or %NULL
 */
GPtrArray *
conduit_flow_clipboard_paste_with_notes (ConduitUndoStack  *undo_stack,
                                         const char        *data,
                                         double             dx,
                                         double             dy,
                                         GPtrArray        **notes_out,
                                         GError           **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *notes_member;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GHashTable) renamed = NULL;
  ConduitFlow *flow;
  JsonObject *root;
  JsonNode *member;
  JsonArray *array;

  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (undo_stack), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  flow = conduit_undo_stack_get_flow (undo_stack);

  if (!json_parser_load_from_data (parser, data, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID,
                           _("The clipboard does not hold Conduit nodes"));
      return NULL;
    }

  root = json_node_get_object (json_parser_get_root (parser));
  member = json_object_get_member (root, "nodes");
  notes_member = json_object_get_member (root, "notes");
  if (notes_member != NULL && (!JSON_NODE_HOLDS_ARRAY (notes_member) ||
                               json_array_get_length (json_node_get_array (notes_member)) == 0))
    notes_member = NULL;
  if ((member == NULL || !JSON_NODE_HOLDS_ARRAY (member) ||
       json_array_get_length (json_node_get_array (member)) == 0) && notes_member == NULL)
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID,
                           _("The clipboard does not hold Conduit nodes"));
      return NULL;
    }

  added = g_ptr_array_new_with_free_func (g_object_unref);
  renamed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  array = member != NULL && JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;

  conduit_undo_stack_begin_group (undo_stack, _("Paste"));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(ConduitNode) node = read_node (flow, element, dx, dy);
      const char *old_id;

      if (node == NULL)
        continue;

      old_id = get_string (json_node_get_object (element), "id");
      if (g_hash_table_contains (renamed, old_id))
        continue;   /* a repeated id in the data: the first one wins */
      g_hash_table_insert (renamed, g_strdup (old_id), g_strdup (conduit_node_get_id (node)));
      conduit_undo_stack_add_node (undo_stack, node);
      g_ptr_array_add (added, g_steal_pointer (&node));
    }

  member = json_object_get_member (root, "links");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonObject *object;
          const char *from, *to, *from_port, *to_port;
          g_autoptr(ConduitLink) link = NULL;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          object = json_node_get_object (element);
          from = g_hash_table_lookup (renamed, get_string (object, "from") ?: "");
          to = g_hash_table_lookup (renamed, get_string (object, "to") ?: "");
          from_port = get_string (object, "from_port");
          to_port = get_string (object, "to_port");
          if (from == NULL || to == NULL || from_port == NULL || to_port == NULL)
            continue;

          link = conduit_link_new (from, from_port, to, to_port);
          if (conduit_flow_find_link (flow, link) == NULL)
            conduit_undo_stack_add_link (undo_stack, link);
        }
    }

  for (guint i = 0; notes_member != NULL &&
                    i < json_array_get_length (json_node_get_array (notes_member)); i++)
    {
      g_autoptr(ConduitNote) note =
        read_note (flow, json_array_get_element (json_node_get_array (notes_member), i), dx, dy);

      if (note == NULL)
        continue;
      conduit_undo_stack_add_note (undo_stack, note);
      g_ptr_array_add (notes, g_steal_pointer (&note));
    }

  conduit_undo_stack_end_group (undo_stack);

  if (notes_out != NULL)
    *notes_out = g_ptr_array_ref (notes);

  if (added->len == 0 && notes->len == 0)
    {
      g_set_error_literal (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID,
                           _("The clipboard does not hold Conduit nodes"));
      return NULL;
    }

  return g_steal_pointer (&added);
}
