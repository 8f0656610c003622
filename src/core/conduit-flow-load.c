/* conduit-flow-load.c
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
#include "conduit-json-text.h"

/* Reading a flow file: every member checked for its type, every problem located by its JSON
 * pointer and line, then the whole flow checked; a flow with problems is refused whole. */

static gboolean
is_string (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *value)
{
  return JSON_NODE_HOLDS_VALUE (value) &&
         (json_node_get_value_type (value) == G_TYPE_INT64 ||
          json_node_get_value_type (value) == G_TYPE_DOUBLE);
}

/* Reads an optional (or required) string member, reporting a wrong type or absence. */
static const char *
read_string (JsonObject *object,
             const char *member,
             const char *pointer,
             gboolean    required,
             const char *node_id,
             GPtrArray  *problems)
{
  JsonNode *value = json_object_get_member (object, member);
  g_autofree char *member_pointer = conduit_json_pointer_append (pointer, member);

  if (value == NULL)
    {
      if (required)
        conduit_flow_add_problem (problems, pointer, node_id, _("“%s” is missing: expected text"), member);
      return NULL;
    }

  if (!is_string (value))
    {
      conduit_flow_add_problem (problems, member_pointer, node_id, _("“%s” must be text, not %s"),
                   member, conduit_json_node_describe_type (value));
      return NULL;
    }

  if (required && *json_node_get_string (value) == '\0')
    {
      conduit_flow_add_problem (problems, member_pointer, node_id, _("“%s” must not be empty"), member);
      return NULL;
    }

  return json_node_get_string (value);
}

static void
check_members (JsonObject         *object,
               const char         *pointer,
               const char * const *known,
               const char         *what,
               const char         *node_id,
               GPtrArray          *problems)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (!g_strv_contains (known, name))
        {
          g_autofree char *member_pointer = conduit_json_pointer_append (pointer, name);
          g_autofree char *expected = g_strjoinv (", ", (char **)known);

          conduit_flow_add_problem (problems, member_pointer, node_id,
                       _("unknown member “%s” in %s (expected one of: %s)"), name, what, expected);
        }
    }
}

static ConduitNode *
read_node (JsonNode   *value,
           const char *pointer,
           GHashTable *seen_ids,
           GPtrArray  *problems)
{
  static const char * const known[] = { "id", "type", "title", "position", "notes", "settings",
                                        "mapping", "disabled", "pinned", NULL };
  g_autoptr(ConduitNode) node = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *id;
  const char *type;
  const char *str;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      conduit_flow_add_problem (problems, pointer, NULL, _("a node must be an object, not %s"),
                   conduit_json_node_describe_type (value));
      return NULL;
    }

  object = json_node_get_object (value);
  id = read_string (object, "id", pointer, TRUE, NULL, problems);
  type = read_string (object, "type", pointer, TRUE, id, problems);
  check_members (object, pointer, known, _("a node"), id, problems);

  if (id != NULL)
    {
      const char *first = g_hash_table_lookup (seen_ids, id);

      if (first != NULL)
        {
          g_autofree char *id_pointer = conduit_json_pointer_append (pointer, "id");

          conduit_flow_add_problem (problems, id_pointer, id,
                       _("duplicate node id “%s” (first used at %s); node ids must be unique"),
                       id, first);
          return NULL;
        }
      g_hash_table_insert (seen_ids, g_strdup (id), g_strdup (pointer));
    }

  if (id == NULL || type == NULL)
    return NULL;

  node = conduit_node_new (id, type);

  if ((str = read_string (object, "title", pointer, FALSE, id, problems)))
    conduit_node_set_title (node, str);
  if ((str = read_string (object, "notes", pointer, FALSE, id, problems)))
    conduit_node_set_notes (node, str);
  if ((member = json_object_get_member (object, "disabled")))
    {
      g_autofree char *disabled_pointer = conduit_json_pointer_append (pointer, "disabled");

      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_BOOLEAN)
        conduit_node_set_disabled (node, json_node_get_boolean (member));
      else
        conduit_flow_add_problem (problems, disabled_pointer, id,
                                  _("“disabled” must be true or false, not %s"),
                                  conduit_json_node_describe_type (member));
    }

  if ((member = json_object_get_member (object, "position")))
    {
      g_autofree char *position_pointer = conduit_json_pointer_append (pointer, "position");

      if (!JSON_NODE_HOLDS_ARRAY (member) ||
          json_array_get_length (json_node_get_array (member)) != 2 ||
          !is_number (json_array_get_element (json_node_get_array (member), 0)) ||
          !is_number (json_array_get_element (json_node_get_array (member), 1)))
        conduit_flow_add_problem (problems, position_pointer, id,
                     _("“position” must be two numbers [x, y], not %s"), conduit_json_node_describe_type (member));
      else
        conduit_node_set_position (node,
                                   json_array_get_double_element (json_node_get_array (member), 0),
                                   json_array_get_double_element (json_node_get_array (member), 1));
    }

  if ((member = json_object_get_member (object, "settings")))
    {
      g_autofree char *settings_pointer = conduit_json_pointer_append (pointer, "settings");

      if (!JSON_NODE_HOLDS_OBJECT (member))
        {
          conduit_flow_add_problem (problems, settings_pointer, id, _("“settings” must be an object, not %s"),
                       conduit_json_node_describe_type (member));
        }
      else
        {
          JsonObjectIter iter;
          const char *key;
          JsonNode *setting;

          json_object_iter_init_ordered (&iter, json_node_get_object (member));
          while (json_object_iter_next_ordered (&iter, &key, &setting))
            conduit_node_set_setting (node, key, setting);
        }
    }

  if ((member = json_object_get_member (object, "mapping")))
    {
      g_autofree char *mapping_pointer = conduit_json_pointer_append (pointer, "mapping");

      if (!JSON_NODE_HOLDS_OBJECT (member))
        conduit_flow_add_problem (problems, mapping_pointer, id, _("“mapping” must be an object, not %s"),
                     conduit_json_node_describe_type (member));
      else
        conduit_node_set_mapping (node, member);
    }

  /* judged with the connector's ports by conduit_flow_check() */
  if ((member = json_object_get_member (object, "pinned")))
    conduit_node_set_pinned (node, member);

  /* A node with an id and a type joins the flow even when some of its other members are wrong
   * (those are reported above and the load fails all the same), so that the checks of its
   * settings and links still run and every problem is reported at once. */
  return g_steal_pointer (&node);
}

static ConduitLink *
read_link (JsonNode   *value,
           const char *pointer,
           GPtrArray  *problems)
{
  static const char * const known[] = { "from", "from_port", "to", "to_port", NULL };
  JsonObject *object;
  const char *from, *from_port, *to, *to_port;
  guint problems_before = problems->len;

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      conduit_flow_add_problem (problems, pointer, NULL, _("a link must be an object, not %s"),
                   conduit_json_node_describe_type (value));
      return NULL;
    }

  object = json_node_get_object (value);
  from = read_string (object, "from", pointer, TRUE, NULL, problems);
  from_port = read_string (object, "from_port", pointer, TRUE, NULL, problems);
  to = read_string (object, "to", pointer, TRUE, NULL, problems);
  to_port = read_string (object, "to_port", pointer, TRUE, NULL, problems);
  check_members (object, pointer, known, _("a link"), NULL, problems);

  if (problems->len > problems_before)
    return NULL;

  return conduit_link_new (from, from_port, to, to_port);
}

/* Reads a member of two numbers, [x, y] or [width, height]; FALSE (with a problem) when it is
 * something else. */
static gboolean
read_pair (JsonObject *object,
           const char *member_name,
           const char *pointer,
           const char *shape,
           double      pair[2],
           GPtrArray  *problems)
{
  JsonNode *member = json_object_get_member (object, member_name);
  g_autofree char *member_pointer = conduit_json_pointer_append (pointer, member_name);
  JsonArray *array;

  if (member == NULL)
    return FALSE;

  array = JSON_NODE_HOLDS_ARRAY (member) ? json_node_get_array (member) : NULL;
  if (array == NULL || json_array_get_length (array) != 2 ||
      !is_number (json_array_get_element (array, 0)) ||
      !is_number (json_array_get_element (array, 1)))
    {
      conduit_flow_add_problem (problems, member_pointer, NULL,
                                _("“%s” must be two numbers %s, not %s"), member_name, shape,
                                conduit_json_node_describe_type (member));
      return FALSE;
    }

  pair[0] = json_array_get_double_element (array, 0);
  pair[1] = json_array_get_double_element (array, 1);
  return TRUE;
}

/* A sticky note of the canvas (docs/flow-format.md, "Notes"). */
static ConduitNote *
read_note (JsonNode   *value,
           const char *pointer,
           GHashTable *seen_ids,
           GPtrArray  *problems)
{
  static const char * const known[] = { "id", "text", "color", "position", "size", NULL };
  g_autoptr(ConduitNote) note = NULL;
  guint problems_before = problems->len;
  JsonObject *object;
  const char *id, *str;
  double pair[2];

  if (!JSON_NODE_HOLDS_OBJECT (value))
    {
      conduit_flow_add_problem (problems, pointer, NULL, _("a note must be an object, not %s"),
                                conduit_json_node_describe_type (value));
      return NULL;
    }

  object = json_node_get_object (value);
  id = read_string (object, "id", pointer, TRUE, NULL, problems);
  check_members (object, pointer, known, _("a note"), NULL, problems);
  if (id == NULL)
    return NULL;

  if (g_hash_table_contains (seen_ids, id))
    {
      g_autofree char *id_pointer = conduit_json_pointer_append (pointer, "id");

      conduit_flow_add_problem (problems, id_pointer, NULL,
                                _("duplicate note id “%s” (first used at %s); note ids must be unique"),
                                id, (const char *)g_hash_table_lookup (seen_ids, id));
      return NULL;
    }
  g_hash_table_insert (seen_ids, g_strdup (id), g_strdup (pointer));

  note = conduit_note_new (id);
  if ((str = read_string (object, "text", pointer, FALSE, NULL, problems)))
    conduit_note_set_text (note, str);
  if ((str = read_string (object, "color", pointer, FALSE, NULL, problems)))
    {
      if (conduit_note_color_is_known (str))
        conduit_note_set_color (note, str);
      else
        {
          g_autofree char *color_pointer = conduit_json_pointer_append (pointer, "color");
          g_autofree char *known_colors = g_strjoinv (", ", (char **)conduit_note_list_colors ());

          conduit_flow_add_problem (problems, color_pointer, NULL,
                                    _("note “%s” has unknown colour “%s” (known colours: %s)"),
                                    id, str, known_colors);
        }
    }
  if (read_pair (object, "position", pointer, "[x, y]", pair, problems))
    conduit_note_set_position (note, pair[0], pair[1]);
  if (read_pair (object, "size", pointer, "[width, height]", pair, problems))
    {
      if (pair[0] < CONDUIT_NOTE_MIN_WIDTH || pair[1] < CONDUIT_NOTE_MIN_HEIGHT ||
          pair[0] > 100000 || pair[1] > 100000)
        {
          g_autofree char *size_pointer = conduit_json_pointer_append (pointer, "size");

          conduit_flow_add_problem (problems, size_pointer, NULL,
                                    _("note “%s” must be between %d × %d and 100000 × 100000 "
                                      "in size"),
                                    id, CONDUIT_NOTE_MIN_WIDTH, CONDUIT_NOTE_MIN_HEIGHT);
        }
      else
        conduit_note_set_size (note, pair[0], pair[1]);
    }

  if (problems->len > problems_before)
    return NULL;
  return g_steal_pointer (&note);
}

static void
locate_problems (GPtrArray  *problems,
                 const char *data,
                 gsize       length)
{
  for (guint i = 0; i < problems->len; i++)
    {
      ConduitFlowProblem *problem = g_ptr_array_index (problems, i);
      g_autofree char *parent = NULL;
      const char *pointer = problem->pointer;

      if (problem->line > 0)
        continue;

      /* A missing member is reported at its parent; walk up until something is found. */
      while (!conduit_json_text_locate (data, length, pointer, &problem->line, &problem->column))
        {
          char *slash = strrchr (pointer, '/');

          if (slash == NULL)
            {
              problem->line = 1;
              problem->column = 1;
              break;
            }
          {
            char *up = g_strndup (pointer, slash - pointer);

            /* pointer may point into parent: make the new one before freeing the old */
            g_free (parent);
            parent = up;
            pointer = parent;
          }
        }
    }
}

static gboolean
fail_with_problems (GPtrArray  *problems,
                    GPtrArray **problems_out,
                    GError    **error)
{
  ConduitFlowProblem *first = g_ptr_array_index (problems, 0);
  g_autofree char *text = conduit_flow_problem_format (first);

  if (problems->len == 1)
    g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID, _("line %s"), text);
  else
    g_set_error (error, CONDUIT_FLOW_ERROR, CONDUIT_FLOW_ERROR_INVALID,
                 g_dngettext (GETTEXT_PACKAGE, "line %s (and %u more problem)",
                              "line %s (and %u more problems)",
                           problems->len - 1),
                 text, problems->len - 1);

  if (problems_out)
    *problems_out = g_ptr_array_ref (problems);

  return FALSE;
}

/* json-glib reports "<data>:LINE:COL: Parse error: ..." */
static ConduitFlowProblem *
problem_from_parse_error (const GError *parse_error)
{
  const char *message = parse_error->message;
  guint line = 0, column = 0;
  const char *rest = message;
  ConduitFlowProblem *problem;
  g_autofree char *text = NULL;
  g_autofree char *valid = NULL;

  if (g_str_has_prefix (message, "<data>:") &&
      sscanf (message, "<data>:%u:%u:", &line, &column) == 2)
    {
      rest = strstr (message + 7, ": ");
      rest = rest ? rest + 2 : message;
    }

  if (g_str_has_prefix (rest, "Parse error: "))
    rest += strlen ("Parse error: ");
  /* json-glib may quote a token cut inside a character: keep the message UTF-8 */
  valid = g_utf8_make_valid (rest, -1);
  text = g_strdup_printf (_("not valid JSON: %s"), valid);
  problem = conduit_flow_problem_new ("", NULL, text);
  problem->line = MAX (line, 1);
  problem->column = MAX (column, 1);

  return problem;
}

/**
 * conduit_flow_new_from_data:
 * @registry: the connectors
 * @data: the text of a `.conduit` file
 * @length: the length of @data, or -1 when nul-terminated
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): every problem
 *   found, each with its JSON pointer and line, when loading fails
 * @error: a location for a #GError; its message is the first problem
 *
 * Reads a flow document and checks it fully (see `docs/flow-format.md`).
 *
 * Returns: (transfer full): the flow, or %NULL when the document has problems
 */
ConduitFlow *
conduit_flow_new_from_data (ConduitConnectorRegistry  *registry,
                            const char                *data,
                            gssize                     length,
                            GPtrArray                **problems_out,
                            GError                   **error)
{
  static const char * const known[] = { "version", "name", "description", "owner", "nodes",
                                        "links", "notes", NULL };
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) node_pointers = NULL;
  g_autoptr(GPtrArray) link_pointers = NULL;
  g_autoptr(GHashTable) seen_ids = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(ConduitFlow) self = NULL;
  g_autoptr(GError) parse_error = NULL;
  JsonObject *root_object;
  JsonNode *root;
  JsonNode *member;
  const char *str;
  guint deep_line = 0;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);

  if (!g_utf8_validate (data, length, NULL))
    {
      const char *end = NULL;
      ConduitFlowProblem *problem;

      g_utf8_validate (data, length, &end);
      problem = conduit_flow_problem_new ("", NULL, _("the file is not UTF-8 text"));
      problem->line = 1;
      for (const char *p = data; p < end; p++)
        if (*p == '\n')
          problem->line++;
      g_ptr_array_add (problems, problem);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (!conduit_json_text_check_depth (data, length, CONDUIT_FLOW_MAX_JSON_DEPTH, &deep_line))
    {
      g_autofree char *text = g_strdup_printf (_("values nest more than %u levels deep"),
                                               CONDUIT_FLOW_MAX_JSON_DEPTH);
      ConduitFlowProblem *problem = conduit_flow_problem_new ("", NULL, text);

      problem->line = deep_line;
      g_ptr_array_add (problems, problem);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  {
    g_autofree char *token = NULL;
    guint number_line = 0;

    if (!conduit_json_text_check_numbers (data, length, &number_line, &token))
      {
        g_autofree char *shown = g_utf8_substring (token, 0, MIN (g_utf8_strlen (token, -1), 40));
        g_autofree char *text = g_strdup_printf (_("the number %s is too large to be kept exactly"),
                                                 shown);
        ConduitFlowProblem *problem = conduit_flow_problem_new ("", NULL, text);

        problem->line = number_line;
        g_ptr_array_add (problems, problem);
        return fail_with_problems (problems, problems_out, error), NULL;
      }
  }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      g_ptr_array_add (problems, problem_from_parse_error (parse_error));
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (json_parser_get_root (parser) != NULL)
    {
      g_autofree char *bad_pointer = conduit_json_node_find_invalid_utf8 (json_parser_get_root (parser));

      if (bad_pointer != NULL)
        {
          conduit_flow_add_problem (problems, bad_pointer, NULL,
                       _("this text is not UTF-8 (a broken \\u escape?)"));
          locate_problems (problems, data, length);
          return fail_with_problems (problems, problems_out, error), NULL;
        }
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      conduit_flow_add_problem (problems, "", NULL, _("the file is empty: expected a flow (a JSON object)"));
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      conduit_flow_add_problem (problems, "", NULL, _("a flow must be a JSON object, not %s"),
                   conduit_json_node_describe_type (root));
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  root_object = json_node_get_object (root);
  member = json_object_get_member (root_object, "version");
  if (member == NULL)
    {
      conduit_flow_add_problem (problems, "", NULL, _("“version” is missing: expected %d"),
                   CONDUIT_FLOW_FORMAT_VERSION);
    }
  else if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    {
      conduit_flow_add_problem (problems, "/version", NULL, _("“version” must be a whole number, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else if (json_node_get_int (member) != CONDUIT_FLOW_FORMAT_VERSION)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));

      conduit_flow_add_problem (problems, "/version", NULL,
                   _("unsupported flow format version %s (this Conduit reads version %d)"),
                   version, CONDUIT_FLOW_FORMAT_VERSION);
    }

  if (problems->len > 0)
    {
      /* An unknown version may mean anything below it: say only that. */
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  self = conduit_flow_new ();
  check_members (root_object, "", known, _("the flow"), NULL, problems);

  if ((str = read_string (root_object, "name", "", TRUE, NULL, problems)))
    self->name = g_strdup (str);
  if ((str = read_string (root_object, "description", "", FALSE, NULL, problems)))
    self->description = g_strdup (str);
  if ((str = read_string (root_object, "owner", "", FALSE, NULL, problems)))
    self->owner = g_strdup (str);

  node_pointers = g_ptr_array_new_with_free_func (g_free);
  link_pointers = g_ptr_array_new_with_free_func (g_free);
  seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  member = json_object_get_member (root_object, "nodes");
  if (member == NULL)
    {
      conduit_flow_add_problem (problems, "", NULL, _("“nodes” is missing: expected an array of nodes"));
    }
  else if (!JSON_NODE_HOLDS_ARRAY (member))
    {
      conduit_flow_add_problem (problems, "/nodes", NULL, _("“nodes” must be an array, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *pointer = g_strdup_printf ("/nodes/%u", i);
          g_autoptr(ConduitNode) node = read_node (json_array_get_element (array, i), pointer,
                                                   seen_ids, problems);

          if (node != NULL)
            {
              conduit_flow_add_node (self, node);
              g_ptr_array_add (node_pointers, g_steal_pointer (&pointer));
            }
        }
    }

  member = json_object_get_member (root_object, "links");
  if (member != NULL && !JSON_NODE_HOLDS_ARRAY (member))
    {
      conduit_flow_add_problem (problems, "/links", NULL, _("“links” must be an array, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else if (member != NULL)
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *pointer = g_strdup_printf ("/links/%u", i);
          g_autoptr(ConduitLink) link = read_link (json_array_get_element (array, i), pointer,
                                                   problems);

          if (link != NULL)
            {
              conduit_flow_add_link (self, link);
              g_ptr_array_add (link_pointers, g_steal_pointer (&pointer));
            }
        }
    }

  member = json_object_get_member (root_object, "notes");
  if (member != NULL && !JSON_NODE_HOLDS_ARRAY (member))
    {
      conduit_flow_add_problem (problems, "/notes", NULL, _("“notes” must be an array, not %s"),
                   conduit_json_node_describe_type (member));
    }
  else if (member != NULL)
    {
      g_autoptr(GHashTable) note_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              g_free);
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *pointer = g_strdup_printf ("/notes/%u", i);
          g_autoptr(ConduitNote) note = read_note (json_array_get_element (array, i), pointer,
                                                   note_ids, problems);

          if (note != NULL)
            conduit_flow_add_note (self, note);
        }
    }

  conduit_flow_check_all (self, registry, node_pointers, link_pointers, problems);

  if (problems->len > 0)
    {
      locate_problems (problems, data, length);
      return fail_with_problems (problems, problems_out, error), NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_flow_new_from_file:
 * @registry: the connectors
 * @file: a `.conduit` file
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): the problems
 * @cancellable: (nullable): a #GCancellable
 * @error: a location for a #GError
 *
 * Reads and checks a flow file. Blocks: call it from a thread, or load the contents
 * asynchronously and use conduit_flow_new_from_data().
 *
 * Returns: (transfer full): the flow, or %NULL
 */
ConduitFlow *
conduit_flow_new_from_file (ConduitConnectorRegistry  *registry,
                            GFile                     *file,
                            GPtrArray                **problems,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, error))
    return NULL;

  return conduit_flow_new_from_data (registry, contents, length, problems, error);
}
