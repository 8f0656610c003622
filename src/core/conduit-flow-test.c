/* conduit-flow-test.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-flow-test"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "conduit-executor-replay.h"
#include "conduit-flow-problem.h"
#include "conduit-flow-test.h"
#include "conduit-json-error.h"
#include "conduit-json-text.h"
#include "conduit-redactor.h"
#include "conduit-runner.h"

/* Saved tests of a flow. A flow FLOW.conduit keeps its tests beside it in FLOW.tests.json
 * (docs/testing.md describes the format): each test is a past run turned into a fixture (the
 * trigger's items), a recording (what the edge steps answered) and an expected result (what
 * every step sent out). Running a test replays the flow offline and compares, field by field.
 */

#define MAX_JSON_DEPTH 128
#define MAX_TESTS_BYTES (64 * 1024 * 1024)

G_DEFINE_QUARK (conduit-flow-test-error-quark, conduit_flow_test_error)

/* json_node_init_object() and _init_array() add a reference; these hand theirs over. */
static inline JsonNode *
node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static inline JsonNode *
node_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/**
 * conduit_flow_test_free:
 * @test: (transfer full): a test
 */
void
conduit_flow_test_free (ConduitFlowTest *test)
{
  if (test == NULL)
    return;
  g_free (test->name);
  g_free (test->trigger_node);
  g_free (test->trigger_port);
  g_clear_pointer (&test->trigger_items, g_ptr_array_unref);
  g_clear_pointer (&test->recordings, json_node_unref);
  g_clear_pointer (&test->expected, json_node_unref);
  g_strfreev (test->volatile_fields);
  g_free (test);
}

/**
 * conduit_flow_test_diff_free:
 * @diff: (transfer full): a difference
 */
void
conduit_flow_test_diff_free (ConduitFlowTestDiff *diff)
{
  if (diff == NULL)
    return;
  g_free (diff->node_id);
  g_free (diff->port);
  g_free (diff->field);
  g_free (diff->expected);
  g_free (diff->actual);
  g_free (diff);
}

/**
 * conduit_flow_test_result_free:
 * @result: (transfer full): a result
 */
void
conduit_flow_test_result_free (ConduitFlowTestResult *result)
{
  if (result == NULL)
    return;
  g_free (result->error);
  g_clear_pointer (&result->diffs, g_ptr_array_unref);
  g_clear_pointer (&result->notes, g_ptr_array_unref);
  g_free (result);
}

/**
 * conduit_flow_test_path_for_flow:
 * @flow_path: a flow file, usually FLOW.conduit
 *
 * Returns: (transfer full): where the flow's tests live: FLOW.tests.json beside it (a file
 *   not ending in .conduit keeps its whole name: NAME.tests.json)
 */
char *
conduit_flow_test_path_for_flow (const char *flow_path)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (flow_path != NULL, NULL);

  if (g_str_has_suffix (flow_path, ".conduit"))
    base = g_strndup (flow_path, strlen (flow_path) - strlen (".conduit"));
  else
    base = g_strdup (flow_path);
  return g_strconcat (base, ".tests.json", NULL);
}

/* Loading */

typedef struct
{
  char *pointer;
  char *message;
} Problem;

typedef struct
{
  Problem first;    /* the first problem found; the rest are not worth a second look */
} Checker;

static void G_GNUC_PRINTF (3, 4)
problem (Checker    *checker,
         const char *pointer,
         const char *format,
         ...)
{
  va_list args;

  if (checker->first.message != NULL)
    return;
  va_start (args, format);
  checker->first.message = g_strdup_vprintf (format, args);
  va_end (args);
  checker->first.pointer = g_strdup (pointer);
}

/* A member that must be of one JSON type: absent is fine unless @required; checked with
 * has_member first, since json-glib warns when asked for an absent member's array. */
static JsonNode *
get_member (Checker    *checker,
            JsonObject *object,
            const char *pointer,
            const char *member,
            JsonNodeType type,
            GType       value_type,
            const char *type_name,
            gboolean    required)
{
  g_autofree char *where = conduit_json_pointer_append (pointer, member);
  JsonNode *node;

  if (!json_object_has_member (object, member))
    {
      if (required)
        problem (checker, pointer, _("“%s” is missing"), member);
      return NULL;
    }
  node = json_object_get_member (object, member);
  if (JSON_NODE_TYPE (node) != type ||
      (type == JSON_NODE_VALUE && json_node_get_value_type (node) != value_type))
    {
      problem (checker, where, _("must be %s, not %s"), type_name,
               conduit_json_node_describe_type (node));
      return NULL;
    }
  return node;
}

#define GET_OBJECT(c, o, p, m, r) get_member (c, o, p, m, JSON_NODE_OBJECT, G_TYPE_INVALID, _("an object"), r)
#define GET_ARRAY(c, o, p, m, r)  get_member (c, o, p, m, JSON_NODE_ARRAY, G_TYPE_INVALID, _("an array"), r)
#define GET_STRING(c, o, p, m, r) get_member (c, o, p, m, JSON_NODE_VALUE, G_TYPE_STRING, _("a string"), r)

static void
check_ports (Checker    *checker,
             JsonObject *ports,
             const char *pointer)
{
  g_autoptr(GList) names = json_object_get_members (ports);

  for (GList *l = names; l != NULL; l = l->next)
    GET_ARRAY (checker, ports, pointer, l->data, TRUE);
}

static ConduitFlowTest *
read_test (Checker    *checker,
           JsonNode   *element,
           const char *pointer)
{
  static const char * const known[] = { "name", "trigger", "recordings", "expected", "volatile",
                                        NULL };
  g_autoptr(ConduitFlowTest) test = g_new0 (ConduitFlowTest, 1);
  g_autoptr(GList) members = NULL;
  g_autofree char *trigger_at = conduit_json_pointer_append (pointer, "trigger");
  g_autofree char *expected_at = conduit_json_pointer_append (pointer, "expected");
  JsonObject *object;
  JsonNode *node;
  JsonNode *trigger;

  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      problem (checker, pointer, _("a test must be an object, not %s"),
               conduit_json_node_describe_type (element));
      return NULL;
    }
  object = json_node_get_object (element);

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *where = conduit_json_pointer_append (pointer, l->data);
        problem (checker, where, _("unknown member “%s”"), (const char *)l->data);
      }

  if ((node = GET_STRING (checker, object, pointer, "name", TRUE)))
    {
      test->name = g_strdup (json_node_get_string (node));
      if (test->name[0] == '\0')
        {
          g_autofree char *where = conduit_json_pointer_append (pointer, "name");
          problem (checker, where, _("a test needs a name"));
        }
    }

  if ((trigger = GET_OBJECT (checker, object, pointer, "trigger", TRUE)))
    {
      JsonObject *t = json_node_get_object (trigger);
      JsonNode *items;

      if ((node = GET_STRING (checker, t, trigger_at, "node", TRUE)))
        test->trigger_node = g_strdup (json_node_get_string (node));
      node = GET_STRING (checker, t, trigger_at, "port", FALSE);
      test->trigger_port = g_strdup (node != NULL ? json_node_get_string (node) : "out");
      test->trigger_items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      if ((items = GET_ARRAY (checker, t, trigger_at, "items", TRUE)))
        {
          JsonArray *array = json_node_get_array (items);

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_ptr_array_add (test->trigger_items, json_node_copy (json_array_get_element (array, i)));
        }
    }

  if ((node = GET_ARRAY (checker, object, pointer, "recordings", FALSE)))
    {
      JsonArray *array = json_node_get_array (node);
      g_autofree char *at = conduit_json_pointer_append (pointer, "recordings");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *recording = json_array_get_element (array, i);
          g_autofree char *where = conduit_json_pointer_append_index (at, i);
          g_autofree char *ports_at = conduit_json_pointer_append (where, "ports");
          JsonNode *ports;

          if (!JSON_NODE_HOLDS_OBJECT (recording))
            {
              problem (checker, where, _("a recording must be an object, not %s"),
                       conduit_json_node_describe_type (recording));
              continue;
            }
          GET_STRING (checker, json_node_get_object (recording), where, "node", TRUE);
          GET_ARRAY (checker, json_node_get_object (recording), where, "items_in", TRUE);
          if ((ports = GET_OBJECT (checker, json_node_get_object (recording), where, "ports", TRUE)))
            check_ports (checker, json_node_get_object (ports), ports_at);
        }
      test->recordings = json_node_copy (node);
    }
  else
    test->recordings = node_take_array (json_array_new ());

  if ((node = GET_OBJECT (checker, object, pointer, "expected", FALSE)))
    {
      JsonObject *expected = json_node_get_object (node);
      g_autoptr(GList) names = json_object_get_members (expected);

      for (GList *l = names; l != NULL; l = l->next)
        {
          g_autofree char *where = conduit_json_pointer_append (expected_at, l->data);
          JsonNode *ports = GET_OBJECT (checker, expected, expected_at, l->data, TRUE);

          if (ports != NULL)
            check_ports (checker, json_node_get_object (ports), where);
        }
      test->expected = json_node_copy (node);
    }
  else
    test->expected = node_take_object (json_object_new ());

  if ((node = GET_ARRAY (checker, object, pointer, "volatile", FALSE)))
    {
      JsonArray *array = json_node_get_array (node);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_autofree char *at = conduit_json_pointer_append (pointer, "volatile");

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *field = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (field) || json_node_get_value_type (field) != G_TYPE_STRING ||
              json_node_get_string (field)[0] == '\0')
            {
              g_autofree char *where = conduit_json_pointer_append_index (at, i);
              problem (checker, where, _("a volatile field must be a dotted field path"));
              continue;
            }
          g_strv_builder_add (builder, json_node_get_string (field));
        }
      test->volatile_fields = g_strv_builder_end (builder);
    }
  else
    test->volatile_fields = g_new0 (char *, 1);

  if (checker->first.message != NULL)
    return NULL;
  return g_steal_pointer (&test);
}

static GPtrArray *
read_tests (Checker  *checker,
            JsonNode *root)
{
  g_autoptr(GPtrArray) tests = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_test_free);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object;
  JsonNode *node;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      problem (checker, "", _("a tests file must be an object, not %s"),
               conduit_json_node_describe_type (root));
      return NULL;
    }
  object = json_node_get_object (root);

  node = get_member (checker, object, "", "format", JSON_NODE_VALUE, G_TYPE_INT64, _("a number"),
                     TRUE);
  if (node != NULL && json_node_get_int (node) != CONDUIT_FLOW_TEST_FORMAT)
    problem (checker, "/format",
             _("format %" PRId64 " is not one this version of Conduit reads (it reads %d)"),
             json_node_get_int (node), CONDUIT_FLOW_TEST_FORMAT);

  if (!(node = GET_ARRAY (checker, object, "", "tests", TRUE)))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = conduit_json_pointer_append_index ("/tests", i);
      ConduitFlowTest *test = read_test (checker, json_array_get_element (array, i), where);

      if (test == NULL)
        return NULL;
      if (!g_hash_table_add (names, test->name))
        {
          g_autofree char *name_at = conduit_json_pointer_append (where, "name");
          problem (checker, name_at, _("another test is already called “%s”"), test->name);
          conduit_flow_test_free (test);
          return NULL;
        }
      g_ptr_array_add (tests, test);
    }
  if (checker->first.message != NULL)
    return NULL;
  return g_steal_pointer (&tests);
}

/**
 * conduit_flow_test_load_data:
 * @data: the text of a tests file
 * @length: its length, or -1 when NUL-terminated
 * @where: the file's name, for messages
 * @error: return location for an error "WHERE:LINE: /pointer: message"
 *
 * Returns: (transfer container) (element-type ConduitFlowTest) (nullable): the tests, or
 *   %NULL with @error
 */
GPtrArray *
conduit_flow_test_load_data (const char  *data,
                             gsize        length,
                             const char  *where,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  Checker checker = { { NULL, NULL } };
  ConduitFlowProblem located = { 0 };
  g_autofree char *text = NULL;
  GPtrArray *tests;
  const char *end = NULL;
  guint line = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (where != NULL, NULL);

  if (length == (gsize)-1)
    length = strlen (data);

  if (length > MAX_TESTS_BYTES)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID,
                   _("%s: the file is larger than 64 MB"), where);
      return NULL;
    }
  if (!g_utf8_validate (data, length, &end))
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID,
                   _("%s: the file is not UTF-8 text (byte %zu)"), where,
                   (gsize)(end - data) + 1);
      return NULL;
    }
  if (!conduit_json_text_check_depth (data, length, MAX_JSON_DEPTH, &line))
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID,
                   _("%s:%u: values nest more than %u levels deep"), where, line, MAX_JSON_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize)length, &parse_error))
    {
      g_autofree char *described = conduit_json_parse_error_describe (parse_error);

      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID, "%s: %s",
                   where, described);
      return NULL;
    }

  /* json-glib accepts an empty (or all blank) text and gives no root at all */
  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID,
                   _("%s:1: the file is empty"), where);
      return NULL;
    }

  tests = read_tests (&checker, json_parser_get_root (parser));
  if (tests != NULL)
    return tests;

  g_assert (checker.first.message != NULL);
  located.pointer = checker.first.pointer;
  located.message = checker.first.message;
  {
    /* A missing member is reported at its parent; walk up until something is found. */
    g_autofree char *pointer = g_strdup (located.pointer);
    guint column = 0;

    while (!conduit_json_text_locate (data, length, pointer, &located.line, &column))
      {
        char *slash = strrchr (pointer, '/');

        if (slash == NULL)
          {
            located.line = 1;
            break;
          }
        *slash = '\0';
      }
  }
  text = conduit_flow_problem_format (&located);
  g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INVALID, "%s:%s", where,
               text);
  g_free (checker.first.pointer);
  g_free (checker.first.message);
  return NULL;
}

/**
 * conduit_flow_test_load_file:
 * @path: a tests file
 * @error: return location for an error; a file that does not exist is
 *   %G_IO_ERROR_NOT_FOUND
 *
 * Returns: (transfer container) (element-type ConduitFlowTest) (nullable): the tests, or
 *   %NULL with @error
 */
GPtrArray *
conduit_flow_test_load_file (const char  *path,
                             GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  file = g_file_new_for_path (path);
  if (!g_file_load_contents (file, NULL, &data, &length, NULL, error))
    return NULL;
  return conduit_flow_test_load_data (data, length, path, error);
}

/* Writing */

static JsonNode *
array_of (GPtrArray *items)
{
  JsonArray *array = json_array_sized_new (items != NULL ? items->len : 0);

  for (guint i = 0; items != NULL && i < items->len; i++)
    json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
  return node_take_array (array);
}

/**
 * conduit_flow_test_to_json:
 * @test: a test
 *
 * Returns: (transfer full): the test as its tests file holds it
 */
JsonNode *
conduit_flow_test_to_json (ConduitFlowTest *test)
{
  JsonObject *object = json_object_new ();
  JsonObject *trigger = json_object_new ();
  JsonArray *fields = json_array_new ();

  g_return_val_if_fail (test != NULL, NULL);

  json_object_set_string_member (object, "name", test->name);
  json_object_set_string_member (trigger, "node", test->trigger_node);
  json_object_set_string_member (trigger, "port", test->trigger_port ? test->trigger_port : "out");
  json_object_set_member (trigger, "items", array_of (test->trigger_items));
  json_object_set_object_member (object, "trigger", trigger);
  json_object_set_member (object, "recordings",
                          test->recordings != NULL
                            ? json_node_copy (test->recordings)
                            : node_take_array (json_array_new ()));
  json_object_set_member (object, "expected",
                          test->expected != NULL
                            ? json_node_copy (test->expected)
                            : node_take_object (json_object_new ()));
  for (guint i = 0; test->volatile_fields != NULL && test->volatile_fields[i] != NULL; i++)
    json_array_add_string_element (fields, test->volatile_fields[i]);
  json_object_set_array_member (object, "volatile", fields);

  return node_take_object (object);
}

/**
 * conduit_flow_test_save:
 * @test: a test
 * @path: the flow's tests file
 * @error: return location for an error
 *
 * Adds @test to the tests file at @path, replacing a test of the same name, creating the file
 * when there is none. The file is replaced whole (never left half written), and every known
 * secret is redacted from it first. A file that cannot be read is left alone.
 *
 * Returns: whether the test was saved
 */
gboolean
conduit_flow_test_save (ConduitFlowTest  *test,
                        const char       *path,
                        GError          **error)
{
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) root_node = NULL;
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;
  JsonArray *array = json_array_new ();
  gboolean replaced = FALSE;

  g_return_val_if_fail (test != NULL && test->name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  tests = conduit_flow_test_load_file (path, &load_error);
  if (tests == NULL && !g_error_matches (load_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&load_error),
                                  _("The tests file is left as it is: "));
      return FALSE;
    }

  for (guint i = 0; tests != NULL && i < tests->len; i++)
    {
      ConduitFlowTest *other = g_ptr_array_index (tests, i);

      if (g_str_equal (other->name, test->name))
        {
          json_array_add_element (array, conduit_flow_test_to_json (test));
          replaced = TRUE;
        }
      else
        json_array_add_element (array, conduit_flow_test_to_json (other));
    }
  if (!replaced)
    json_array_add_element (array, conduit_flow_test_to_json (test));

  json_object_set_int_member (root, "format", CONDUIT_FLOW_TEST_FORMAT);
  json_object_set_array_member (root, "tests", array);
  root_node = json_node_init_object (json_node_alloc (), root);
  text = conduit_json_text_to_pretty (root_node);
  redacted = conduit_redactor_redact (conduit_redactor_get_default (), text);
  if (!g_str_has_suffix (redacted, "\n"))
    {
      char *with_newline = g_strconcat (redacted, "\n", NULL);
      g_free (redacted);
      redacted = with_newline;
    }

  return g_file_set_contents (path, redacted, -1, error);
}

/**
 * conduit_flow_test_remove:
 * @path: a flow's tests file
 * @name: the test to remove
 * @error: return location for an error
 *
 * Removes the test called @name from the tests file at @path, replacing the file whole; the
 * file is kept, with an empty list, when it was the last test.
 *
 * Returns: whether the test was there and is gone
 */
gboolean
conduit_flow_test_remove (const char  *path,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(GPtrArray) tests = NULL;
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) root_node = NULL;
  g_autofree char *text = NULL;
  JsonArray *array = json_array_new ();
  gboolean found = FALSE;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  json_object_set_int_member (root, "format", CONDUIT_FLOW_TEST_FORMAT);
  json_object_set_array_member (root, "tests", array);
  tests = conduit_flow_test_load_file (path, error);
  if (tests == NULL)
    return FALSE;
  for (guint i = 0; i < tests->len; i++)
    {
      ConduitFlowTest *test = g_ptr_array_index (tests, i);

      if (g_str_equal (test->name, name))
        found = TRUE;
      else
        json_array_add_element (array, conduit_flow_test_to_json (test));
    }
  if (!found)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_FAILED,
                   _("%s has no test called “%s”"), path, name);
      return FALSE;
    }

  root_node = json_node_init_object (json_node_alloc (), root);
  text = conduit_json_text_to_pretty (root_node);
  if (!g_str_has_suffix (text, "\n"))
    {
      char *with_newline = g_strconcat (text, "\n", NULL);
      g_free (text);
      text = with_newline;
    }
  return g_file_set_contents (path, text, -1, error);
}

/* Saving a run */

typedef struct
{
  GPtrArray  *in;      /* of JsonNode, by position */
  GHashTable *out;     /* port → GPtrArray of JsonNode, by position */
  guint       n_out;
} NodeItems;

static void
node_items_free (NodeItems *items)
{
  g_clear_pointer (&items->in, g_ptr_array_unref);
  g_clear_pointer (&items->out, g_hash_table_unref);
  g_free (items);
}

static gboolean
place (GPtrArray                *array,
       const ConduitItemRecord  *record,
       gint64                    run_id,
       GError                  **error)
{
  JsonNode *node;

  if (record->truncated)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INCOMPLETE,
                   _("Item %u of step “%s” in run %" PRId64 " was larger than the history keeps, "
                     "so the run cannot become a test"), record->seq + 1, record->node_id, run_id);
      return FALSE;
    }
  node = json_from_string (record->data, error);
  if (node == NULL)
    return FALSE;
  if (array->len <= record->seq)
    g_ptr_array_set_size (array, record->seq + 1);
  g_clear_pointer (&g_ptr_array_index (array, record->seq), json_node_unref);
  g_ptr_array_index (array, record->seq) = node;
  return TRUE;
}

static GPtrArray *
new_item_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
}

/* Every position filled: the history keeps items by position, and a hole is a lost item. */
static gboolean
check_complete (GPtrArray   *array,
                const char  *node_id,
                gint64       run_id,
                GError     **error)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ptr_array_index (array, i) == NULL)
      {
        g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INCOMPLETE,
                     _("The history lacks item %u of step “%s” in run %" PRId64), i + 1, node_id,
                     run_id);
        return FALSE;
      }
  return TRUE;
}

static JsonNode *
ports_to_json (NodeItems *items)
{
  JsonObject *ports = json_object_new ();
  g_autoptr(GList) names = g_hash_table_get_keys (items->out);

  names = g_list_sort (names, (GCompareFunc)g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (ports, l->data, array_of (g_hash_table_lookup (items->out, l->data)));
  return node_take_object (ports);
}

/**
 * conduit_flow_test_new_from_run:
 * @store: the history holding the run
 * @run_id: the run to keep as a test
 * @flow: the flow the run ran
 * @registry: the node types, to tell edge steps from the others
 * @name: the test's name
 * @volatile_fields: (nullable): field paths whose values may change between runs
 * @error: return location for an error, when the run is not in the history, is still running,
 *   or the history did not keep every item of it
 *
 * Keeps the trigger's items as the test's fixture, what each edge step (one that talks to the
 * outside) answered as its recording, and what every step sent out as the expected result.
 *
 * Returns: (transfer full) (nullable): the test, or %NULL with @error
 */
ConduitFlowTest *
conduit_flow_test_new_from_run (ConduitHistoryStore       *store,
                                gint64                     run_id,
                                ConduitFlow               *flow,
                                ConduitConnectorRegistry  *registry,
                                const char                *name,
                                const char * const        *volatile_fields,
                                GError                   **error)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GHashTable) by_node = NULL;
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(JsonObject) expected = json_object_new ();
  JsonArray *recordings = json_array_new ();
  GListModel *nodes;
  NodeItems *trigger;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), NULL);
  g_return_val_if_fail (name != NULL && name[0] != '\0', NULL);

  test = g_new0 (ConduitFlowTest, 1);
  test->name = g_strdup (name);
  test->volatile_fields = g_strdupv ((char **)volatile_fields);
  if (test->volatile_fields == NULL)
    test->volatile_fields = g_new0 (char *, 1);
  test->recordings = node_take_array (recordings);

  run = conduit_history_store_get_run (store, run_id, error);
  if (run == NULL)
    return NULL;
  if (run->status == CONDUIT_RUN_STATUS_RUNNING)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INCOMPLETE,
                   _("Run %" PRId64 " is still running"), run_id);
      return NULL;
    }
  if (conduit_flow_lookup_node (flow, run->trigger_node) == NULL)
    {
      g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_FAILED,
                   _("Run %" PRId64 " started at step “%s”, which this flow does not have; "
                     "was it a run of another flow (“%s”)?"), run_id, run->trigger_node, run->flow);
      return NULL;
    }
  test->trigger_node = g_strdup (run->trigger_node);

  records = conduit_history_store_list_items (store, run_id, NULL, error);
  if (records == NULL)
    return NULL;
  steps = conduit_history_store_list_steps (store, run_id, error);
  if (steps == NULL)
    return NULL;

  by_node = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)node_items_free);
  for (guint i = 0; i < records->len; i++)
    {
      ConduitItemRecord *record = g_ptr_array_index (records, i);
      NodeItems *items = g_hash_table_lookup (by_node, record->node_id);
      GPtrArray *array;

      if (items == NULL)
        {
          items = g_new0 (NodeItems, 1);
          items->in = new_item_array ();
          items->out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)g_ptr_array_unref);
          g_hash_table_insert (by_node, g_strdup (record->node_id), items);
        }
      if (record->is_output)
        {
          array = g_hash_table_lookup (items->out, record->port);
          if (array == NULL)
            {
              array = new_item_array ();
              g_hash_table_insert (items->out, g_strdup (record->port), array);
            }
          items->n_out++;
          if (g_str_equal (record->node_id, run->trigger_node) && test->trigger_port == NULL)
            test->trigger_port = g_strdup (record->port);
        }
      else
        array = items->in;
      if (!place (array, record, run_id, error))
        return NULL;
    }

  /* The history keeps a bounded number of items per step: a step that handled more than it
   * kept cannot be replayed or compared faithfully. */
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);
      NodeItems *items;

      if (step->attempt != 0 || step->item_index >= 0 ||
          g_str_equal (step->node_id, run->trigger_node))
        continue;
      items = g_hash_table_lookup (by_node, step->node_id);
      if ((items == NULL ? 0 : items->in->len) < step->items_in ||
          (items == NULL ? 0 : items->n_out) < step->items_out + step->items_failed)
        {
          g_set_error (error, CONDUIT_FLOW_TEST_ERROR, CONDUIT_FLOW_TEST_ERROR_INCOMPLETE,
                       _("Step “%s” of run %" PRId64 " handled more items than the history "
                         "keeps, so the run cannot become a test"), step->node_id, run_id);
          return NULL;
        }
    }

  trigger = g_hash_table_lookup (by_node, run->trigger_node);
  test->trigger_items = new_item_array ();
  if (trigger != NULL && test->trigger_port != NULL)
    {
      GPtrArray *out = g_hash_table_lookup (trigger->out, test->trigger_port);

      if (!check_complete (out, run->trigger_node, run_id, error))
        return NULL;
      for (guint i = 0; i < out->len; i++)
        g_ptr_array_add (test->trigger_items, json_node_ref (g_ptr_array_index (out, i)));
    }
  if (test->trigger_port == NULL)
    test->trigger_port = g_strdup ("out");

  nodes = conduit_flow_get_nodes (flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *id = conduit_node_get_id (node);
      NodeItems *items = g_hash_table_lookup (by_node, id);
      ConduitConnector *connector =
        conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
      GHashTableIter iter;
      gpointer array;

      if (items == NULL || g_str_equal (id, run->trigger_node))
        continue;
      if (!check_complete (items->in, id, run_id, error))
        return NULL;
      g_hash_table_iter_init (&iter, items->out);
      while (g_hash_table_iter_next (&iter, NULL, &array))
        if (!check_complete (array, id, run_id, error))
          return NULL;

      if (items->n_out > 0)
        json_object_set_member (expected, id, ports_to_json (items));

      if (connector != NULL && conduit_connector_is_edge (connector) && items->in->len > 0)
        {
          JsonObject *recording = json_object_new ();

          json_object_set_string_member (recording, "node", id);
          json_object_set_member (recording, "items_in", array_of (items->in));
          json_object_set_member (recording, "ports", ports_to_json (items));
          json_array_add_object_element (recordings, recording);
        }
    }
  test->expected = node_take_object (g_steal_pointer (&expected));

  return g_steal_pointer (&test);
}

/* Replaying */

typedef struct
{
  ConduitFlowTest *test;     /* borrowed: the caller keeps it until the callback */
  ConduitFlow     *flow;
  ConduitRunner   *runner;
  ConduitRun      *run;
} Replay;

static void
replay_free (Replay *replay)
{
  g_clear_object (&replay->run);
  g_clear_object (&replay->runner);
  g_clear_object (&replay->flow);
  g_free (replay);
}

static ConduitFlowTestResult *
result_new (void)
{
  ConduitFlowTestResult *result = g_new0 (ConduitFlowTestResult, 1);

  result->diffs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_test_diff_free);
  result->notes = g_ptr_array_new_with_free_func (g_free);
  return result;
}

static void
compare_run (Replay                *replay,
             ConduitFlowTestResult *result)
{
  ConduitFlowTest *test = replay->test;
  const char * const *volatile_fields = (const char * const *)test->volatile_fields;
  JsonObject *expected = json_node_get_object (test->expected);
  ConduitConnectorRegistry *registry = conduit_runner_get_registry (replay->runner);
  GListModel *nodes = conduit_flow_get_nodes (replay->flow);
  g_autoptr(GList) expected_nodes = json_object_get_members (expected);

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *id = conduit_node_get_id (node);
      ConduitConnector *connector =
        conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node));
      JsonObject *ports = NULL;
      const char *node_error;
      GPtrArray *outputs;

      if (connector == NULL || g_strcmp0 (id, test->trigger_node) == 0)
        continue;
      if (json_object_has_member (expected, id))
        ports = json_object_get_object_member (expected, id);

      /* A step that failed as a whole says why, before the items it did not send. */
      node_error = conduit_run_get_node_error (replay->run, id);
      if (node_error != NULL)
        {
          ConduitFlowTestDiff *diff = g_new0 (ConduitFlowTestDiff, 1);

          diff->node_id = g_strdup (id);
          diff->index = -1;
          diff->field = g_strdup ("");
          diff->actual = g_strdup (node_error);
          g_ptr_array_add (result->diffs, diff);
        }

      outputs = conduit_connector_get_outputs (connector);
      for (guint p = 0; p < outputs->len; p++)
        {
          const ConduitPortSpec *spec = g_ptr_array_index (outputs, p);
          JsonArray *want = NULL;

          if (ports != NULL && json_object_has_member (ports, spec->id))
            want = json_object_get_array_member (ports, spec->id);
          conduit_flow_test_compare_port (want, conduit_run_get_node_output (replay->run, id,
                                                                             spec->id),
                                          volatile_fields, id, spec->id, result->diffs);
        }
    }

  /* Expected output of a step the flow no longer has (or out of a port it no longer has) */
  for (GList *l = expected_nodes; l != NULL; l = l->next)
    {
      ConduitNode *node = conduit_flow_lookup_node (replay->flow, l->data);
      ConduitConnector *connector = node != NULL
        ? conduit_connector_registry_lookup (registry, conduit_node_get_connector_id (node)) : NULL;
      JsonObject *ports = json_object_get_object_member (expected, l->data);
      g_autoptr(GList) names = json_object_get_members (ports);

      if (g_strcmp0 (l->data, test->trigger_node) == 0)
        continue;
      for (GList *n = names; n != NULL; n = n->next)
        if (connector == NULL || conduit_connector_find_output (connector, n->data) == NULL)
          conduit_flow_test_compare_port (json_object_get_array_member (ports, n->data), NULL,
                                          volatile_fields, l->data, n->data, result->diffs);
    }
}

static void
executed_cb (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Replay *replay = g_task_get_task_data (task);
  ConduitFlowTestResult *result = result_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *notes = conduit_executor_replay_get_notes (replay->runner);

  if (!conduit_run_execute_finish (CONDUIT_RUN (object), res, &error))
    result->error = g_strdup (error->message);
  else
    compare_run (replay, result);
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    g_ptr_array_add (result->notes, g_strdup (g_ptr_array_index (notes, i)));
  result->passed = result->error == NULL && result->diffs->len == 0;
  g_task_return_pointer (task, result, (GDestroyNotify)conduit_flow_test_result_free);
}

/**
 * conduit_flow_test_run_async:
 * @test: a test; keep it until @callback
 * @flow: the flow as it is now
 * @registry: the node types
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the test has run
 * @user_data: data for @callback
 *
 * Runs @flow from the test's fixture on a runner of its own, without a history, with every
 * edge step answering from the test's recording (conduit-executor-replay.c), and compares each
 * step's output with the expected result.
 */
void
conduit_flow_test_run_async (ConduitFlowTest          *test,
                             ConduitFlow              *flow,
                             ConduitConnectorRegistry *registry,
                             GCancellable             *cancellable,
                             GAsyncReadyCallback       callback,
                             gpointer                  user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Replay *replay;

  g_return_if_fail (test != NULL);
  g_return_if_fail (CONDUIT_IS_FLOW (flow));
  g_return_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_flow_test_run_async);

  replay = g_new0 (Replay, 1);
  replay->test = test;
  replay->flow = g_object_ref (flow);
  replay->runner = conduit_runner_new (registry, NULL);
  g_task_set_task_data (task, replay, (GDestroyNotify)replay_free);
  /* A Wait step in the flow waits on a fake clock: it records the wait and goes on at once,
   * so a replay never waits the minutes the flow would */
  {
    g_autoptr(ConduitClock) clock = conduit_clock_new_fake (g_get_real_time ());

    conduit_runner_set_clock (replay->runner, clock);
  }

  conduit_executor_replay_install (replay->runner, flow, test->trigger_node, test->recordings,
                                   (const char * const *)test->volatile_fields);

  if (conduit_flow_lookup_node (flow, test->trigger_node) == NULL)
    {
      ConduitFlowTestResult *result = result_new ();

      result->error = g_strdup_printf (_("The test starts at step “%s”, which the flow no longer has"),
                                       test->trigger_node);
      g_task_return_pointer (task, result, (GDestroyNotify)conduit_flow_test_result_free);
      return;
    }

  replay->run = conduit_runner_create_run (replay->runner, flow, test->trigger_node, NULL,
                                           test->trigger_items, &error);
  if (replay->run == NULL)
    {
      ConduitFlowTestResult *result = result_new ();

      result->error = g_strdup (error->message);
      g_task_return_pointer (task, result, (GDestroyNotify)conduit_flow_test_result_free);
      return;
    }
  conduit_run_set_keep_outputs (replay->run, TRUE);
  conduit_run_execute_async (replay->run, cancellable, executed_cb, g_steal_pointer (&task));
}

/**
 * conduit_flow_test_run_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error (only cancellation: a test that cannot run is a
 *   result with its reason)
 *
 * Returns: (transfer full) (nullable): the result
 */
ConduitFlowTestResult *
conduit_flow_test_run_finish (GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * conduit_flow_test_default_name:
 * @run_id: a run of the history
 *
 * Returns: (transfer full): the name a test saved from @run_id gets when nobody chose one
 */
char *
conduit_flow_test_default_name (gint64 run_id)
{
  return g_strdup_printf (_("run %" PRId64), run_id);
}

/**
 * conduit_flow_test_save_run:
 * @store: the history holding the run
 * @run_id: the run to keep as a test
 * @flow_path: the flow's file; the test goes into the tests file beside it
 * @flow: the flow the run ran, as loaded from @flow_path
 * @registry: the node types
 * @name: (nullable): the test's name; %NULL for conduit_flow_test_default_name()
 * @volatile_fields: (nullable): field paths whose values may change between runs
 * @test_out: (out) (optional) (transfer full): the test as saved
 * @error: return location for an error
 *
 * What `conduit-cli test save` and the app's Save as Test both do: turns run @run_id into a
 * test (conduit_flow_test_new_from_run()) and adds it to the flow's tests file
 * (conduit_flow_test_save()), replacing a test of the same name.
 *
 * Returns: (transfer full) (nullable): the tests file written, or %NULL with @error
 */
char *
conduit_flow_test_save_run (ConduitHistoryStore       *store,
                            gint64                     run_id,
                            const char                *flow_path,
                            ConduitFlow               *flow,
                            ConduitConnectorRegistry  *registry,
                            const char                *name,
                            const char * const        *volatile_fields,
                            ConduitFlowTest          **test_out,
                            GError                   **error)
{
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autofree char *tests_path = NULL;
  g_autofree char *default_name = NULL;
  g_autoptr(GError) save_error = NULL;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);
  g_return_val_if_fail (flow_path != NULL, NULL);
  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);

  if (name == NULL || name[0] == '\0')
    name = default_name = conduit_flow_test_default_name (run_id);

  test = conduit_flow_test_new_from_run (store, run_id, flow, registry, name, volatile_fields,
                                         error);
  if (test == NULL)
    return NULL;

  tests_path = conduit_flow_test_path_for_flow (flow_path);
  if (!conduit_flow_test_save (test, tests_path, &save_error))
    {
      g_set_error (error, save_error->domain, save_error->code, "%s: %s", tests_path,
                   save_error->message);
      return NULL;
    }
  if (test_out != NULL)
    *test_out = g_steal_pointer (&test);
  return g_steal_pointer (&tests_path);
}
