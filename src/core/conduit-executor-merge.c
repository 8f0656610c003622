/* conduit-executor-merge.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-merge"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-merge.h"
#include "conduit-expression.h"
#include "conduit-run.h"

/* The Merge node joins two branches, A and B. It needs all of its input (both branches must
 * have finished), so it takes it at once.
 *
 * - append: A's items, then B's, each in the order they came;
 * - inner: for each item of A, one item per item of B whose key is equal (as JSON: 7 and "7"
 *   differ), with the fields of both; where both have a field, A's value is kept;
 * - left: as inner, and an item of A without a match goes on as it is.
 *
 * Nothing is dropped silently: items that found no partner (A's in inner mode, B's in both)
 * leave through "unmatched", so a person can see what the join left out; an item whose key
 * cannot be worked out goes to "error". A key that is null, absent or empty text is no key and
 * matches nothing. */

typedef enum
{
  MERGE_APPEND,
  MERGE_INNER,
  MERGE_LEFT,
} MergeMode;

struct _ConduitExecutorMerge
{
  GObject            parent_instance;

  MergeMode          mode;
  ConduitExpression *key_a;
  ConduitExpression *key_b;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorMerge, conduit_executor_merge, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_merge_finalize (GObject *object)
{
  ConduitExecutorMerge *self = (ConduitExecutorMerge *)object;

  g_clear_pointer (&self->key_a, conduit_expression_unref);
  g_clear_pointer (&self->key_b, conduit_expression_unref);

  G_OBJECT_CLASS (conduit_executor_merge_parent_class)->finalize (object);
}

static void
conduit_executor_merge_class_init (ConduitExecutorMergeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_merge_finalize;
}

static void
conduit_executor_merge_init (ConduitExecutorMerge *self)
{
}

static ConduitExpression *
compile_key (const char  *text,
             const char  *setting,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  ConduitExpression *expression = conduit_expression_new (text, &local_error);

  if (expression == NULL)
    g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                 _("“%s”: %s"), setting, local_error->message);
  return expression;
}

static gboolean
conduit_executor_merge_prepare (ConduitExecutor  *executor,
                                ConduitRun       *run,
                                ConduitNode      *node,
                                GError          **error)
{
  ConduitExecutorMerge *self = CONDUIT_EXECUTOR_MERGE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *mode = conduit_node_dup_string_setting (node, connector, "mode");
  g_autofree char *key_a = conduit_node_dup_string_setting (node, connector, "key");
  g_autofree char *key_b = conduit_node_dup_string_setting (node, connector, "key_b");

  if (mode == NULL || g_str_equal (mode, "append"))
    {
      self->mode = MERGE_APPEND;
      return TRUE;
    }
  else if (g_str_equal (mode, "inner"))
    self->mode = MERGE_INNER;
  else if (g_str_equal (mode, "left"))
    self->mode = MERGE_LEFT;
  else
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“mode” must be append, inner or left, not “%s”"), mode);
      return FALSE;
    }

  if (key_a == NULL || *g_strstrip (key_a) == '\0')
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("merging by key (%s) needs a key: set “key”"), mode);
      return FALSE;
    }
  if (key_b == NULL || *g_strstrip (key_b) == '\0')
    {
      g_free (key_b);
      key_b = g_strdup (key_a);
    }

  self->key_a = compile_key (key_a, "key", error);
  if (self->key_a == NULL)
    return FALSE;
  self->key_b = compile_key (key_b, "key_b", error);
  return self->key_b != NULL;
}

/* The item's key as canonical JSON text in @key (NULL when it has none); FALSE (the item
 * went to "error") when the key cannot be worked out. */
static gboolean
item_key (ConduitExpression      *expression,
          JsonNode               *item,
          const char             *branch,
          ConduitExecutorOutput  *output,
          char                  **key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) value = conduit_expression_evaluate (expression, item, &error);

  *key = NULL;
  if (value == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("the key of this item of %s could not be "
                                                    "worked out: %s"), branch, error->message);

      conduit_executor_output_add_error (output, "error", item, "invalid", message, 0, 0);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (value) ||
      (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING &&
       *json_node_get_string (value) == '\0'))
    return TRUE;

  *key = json_to_string (value, FALSE);
  return TRUE;
}

/* A's fields, then those of B's that A lacks. */
static JsonNode *
join_items (JsonNode *a,
            JsonNode *b)
{
  JsonObject *joined = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_node_take_object (node, joined);
  if (JSON_NODE_HOLDS_OBJECT (a))
    {
      json_object_iter_init_ordered (&iter, json_node_get_object (a));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        json_object_set_member (joined, name, json_node_copy (value));
    }
  if (JSON_NODE_HOLDS_OBJECT (b))
    {
      json_object_iter_init_ordered (&iter, json_node_get_object (b));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        if (!json_object_has_member (joined, name))
          json_object_set_member (joined, name, json_node_copy (value));
    }
  return node;
}

static void
conduit_executor_merge_execute_async (ConduitExecutor     *executor,
                                      ConduitRun          *run,
                                      ConduitNode         *node,
                                      GPtrArray           *items,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ConduitExecutorMerge *self = CONDUIT_EXECUTOR_MERGE (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output = conduit_executor_output_new ();
  g_autoptr(GPtrArray) a = g_ptr_array_new ();
  g_autoptr(GPtrArray) b = g_ptr_array_new ();
  g_autoptr(GHashTable) b_by_key = NULL;
  g_autofree gboolean *b_matched = NULL;

  g_task_set_source_tag (task, conduit_executor_merge_execute_async);

  /* the runner says which input each item came by; only the two of the description exist */
  for (guint i = 0; i < items->len; i++)
    {
      const char *port = conduit_run_get_item_port (run, node, i);

      g_ptr_array_add (g_strcmp0 (port, "b") == 0 ? b : a, g_ptr_array_index (items, i));
    }

  if (self->mode == MERGE_APPEND)
    {
      for (guint i = 0; i < a->len; i++)
        conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (a, i)));
      for (guint i = 0; i < b->len; i++)
        conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (b, i)));
      g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
      return;
    }

  /* key → GArray of B's positions, in order */
  b_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify)g_array_unref);
  b_matched = g_new0 (gboolean, b->len + 1);
  for (guint i = 0; i < b->len; i++)
    {
      g_autofree char *key = NULL;
      GArray *positions;

      if (!item_key (self->key_b, g_ptr_array_index (b, i), "B", output, &key))
        {
          b_matched[i] = TRUE;  /* it went to "error" */
          continue;
        }
      if (key == NULL)
        continue;
      positions = g_hash_table_lookup (b_by_key, key);
      if (positions == NULL)
        {
          positions = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (b_by_key, g_strdup (key), positions);
        }
      g_array_append_val (positions, i);
    }

  for (guint i = 0; i < a->len; i++)
    {
      JsonNode *item = g_ptr_array_index (a, i);
      g_autofree char *key = NULL;
      GArray *positions = NULL;

      if (!item_key (self->key_a, item, "A", output, &key))
        continue;
      if (key != NULL)
        positions = g_hash_table_lookup (b_by_key, key);

      if (positions == NULL)
        {
          conduit_executor_output_add (output, self->mode == MERGE_LEFT ? "out" : "unmatched",
                                       json_node_ref (item));
          continue;
        }

      for (guint j = 0; j < positions->len; j++)
        {
          guint position = g_array_index (positions, guint, j);

          b_matched[position] = TRUE;
          conduit_executor_output_add (output, "out",
                                       join_items (item, g_ptr_array_index (b, position)));
        }
    }

  for (guint i = 0; i < b->len; i++)
    if (!b_matched[i])
      conduit_executor_output_add (output, "unmatched", json_node_ref (g_ptr_array_index (b, i)));

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_merge_prepare;
  iface->execute_async = conduit_executor_merge_execute_async;
  /* no get_input_mode: a merge needs all of its input (CONDUIT_EXECUTOR_INPUT_ALL) */
}
