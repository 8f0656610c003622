/* conduit-executor-app-poll.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-app"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-app-request.h"
#include "conduit-executor-app-private.h"
#include "conduit-history-store.h"
#include "conduit-step-context.h"

/* The poll half of the app executor: the cursor sent with the first request, and after the
 * records came back, which of them are new. Keys and cursor live in the history database per
 * (flow, trigger step), written by its writer thread (so from a worker thread here); a record
 * is passed on only once its key is committed as seen, and the cursor moves only when every
 * key of the poll was committed, so a failure means "try these again", never "lost".
 * Without a history (a runner that records nothing) they live in memory on the step context.
 */

static ConduitHistoryStore *
get_history (ConduitExecutorApp *self)
{
  return conduit_step_context_get_history (conduit_run_get_context (conduit_executor_app_get_run (self)));
}

static GHashTable *
memory_table (ConduitExecutorApp *self,
              const char         *name)
{
  ConduitStepContext *context = conduit_run_get_context (conduit_executor_app_get_run (self));
  GHashTable *table = g_object_get_data (G_OBJECT (context), name);

  if (table == NULL)
    {
      /* the seen set keeps keys only; the cursor table owns its values */
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     g_str_equal (name, "conduit-app-poll-seen") ? NULL : g_free);
      g_object_set_data_full (G_OBJECT (context), name, table, (GDestroyNotify)g_hash_table_unref);
    }
  return table;
}

static char *
scope_key (ConduitExecutorApp *self,
           const char         *key)
{
  return g_strdup_printf ("%s\x1f%s\x1f%s",
                          conduit_run_get_flow_name (conduit_executor_app_get_run (self)),
                          conduit_node_get_id (conduit_executor_app_get_node (self)),
                          key ? key : "");
}

static char *
read_cursor (ConduitExecutorApp *self)
{
  ConduitHistoryStore *history = get_history (self);
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  if (history == NULL)
    {
      g_autofree char *key = scope_key (self, NULL);
      return g_strdup (g_hash_table_lookup (memory_table (self, "conduit-app-poll-cursors"), key));
    }

  if (!conduit_history_store_get_cursor (history,
                                         conduit_run_get_flow_name (conduit_executor_app_get_run (self)),
                                         conduit_node_get_id (conduit_executor_app_get_node (self)),
                                         &value, &error))
    {
      /* Without the cursor the poll asks for everything; the seen keys still hold. */
      g_debug ("cannot read the poll cursor: %s", error->message);
      return NULL;
    }
  return value;
}

/**
 * conduit_executor_app_poll_query:
 * @self: the executor of a poll trigger
 * @scope: the scope record the operation's templates render against
 * @error: a location for a #GError
 *
 * The cursor kept from the last poll or, before any was kept, the cursor's `initial`
 * template rendered over @scope (Zendesk's export wants a `start_time` on its first call).
 * The initial value is remembered and kept as the cursor when the poll brings nothing later,
 * so the next poll starts from it rather than from a newly rendered “now”.
 *
 * Returns: (transfer full) (nullable): the query parameter carrying the cursor, when the trigger
 *   has one and there is a value to send
 */
GHashTable *
conduit_executor_app_poll_query (ConduitExecutorApp  *self,
                                 JsonNode            *scope,
                                 GError             **error)
{
  JsonObject *trigger = conduit_executor_app_get_trigger (self);
  JsonNode *cursor_spec = json_object_get_member (trigger, "cursor");
  g_autofree char *cursor = NULL;
  JsonObject *spec;
  GHashTable *query;

  conduit_executor_app_set_poll_start (self, NULL);
  if (cursor_spec == NULL || !JSON_NODE_HOLDS_OBJECT (cursor_spec))
    return NULL;
  spec = json_node_get_object (cursor_spec);

  if (!(cursor = read_cursor (self)) && json_object_has_member (spec, "initial"))
    {
      g_autoptr(GError) local_error = NULL;

      cursor = conduit_app_render_text (json_object_get_string_member (spec, "initial"), scope,
                                        &local_error);
      if (local_error != NULL)
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("the poll's starting point (cursor “initial”): %s"), local_error->message);
          return NULL;
        }
      if (cursor != NULL && *cursor == '\0')
        g_clear_pointer (&cursor, g_free);
      conduit_executor_app_set_poll_start (self, cursor);
    }
  if (cursor == NULL)
    return NULL;

  query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_insert (query, g_strdup (json_object_get_string_member (spec, "param")),
                       g_steal_pointer (&cursor));
  return query;
}

static char *
value_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

/* Cursors are compared as numbers when both are (Slack's "1512085950.000216"), else as text
 * (ISO 8601 dates order as text). */
static gboolean
is_later (const char *candidate,
          const char *current)
{
  char *end_a = NULL;
  char *end_b = NULL;
  double a;
  double b;

  if (current == NULL)
    return TRUE;
  a = g_ascii_strtod (candidate, &end_a);
  b = g_ascii_strtod (current, &end_b);
  if (end_a != candidate && *end_a == '\0' && end_b != current && *end_b == '\0')
    return a > b || (a == b && strcmp (candidate, current) > 0);
  return strcmp (candidate, current) > 0;
}

typedef struct
{
  ConduitHistoryStore *history;
  char                *flow;
  char                *node;
  GPtrArray           *records;  /* JsonNode */
  GPtrArray           *keys;     /* char * */
  char                *cursor;   /* (nullable) the new cursor */
} KeepNew;

static void
keep_new_free (KeepNew *data)
{
  g_clear_object (&data->history);
  g_free (data->flow);
  g_free (data->node);
  g_clear_pointer (&data->records, g_ptr_array_unref);
  g_clear_pointer (&data->keys, g_ptr_array_unref);
  g_free (data->cursor);
  g_free (data);
}

static void
keep_new_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  KeepNew *data = task_data;
  g_autoptr(ConduitExecutorOutput) output = conduit_executor_output_new ();
  g_autoptr(GError) error = NULL;
  guint fired = 0;

  for (guint i = 0; i < data->records->len; i++)
    {
      gboolean newly_seen = FALSE;

      if (!conduit_history_store_mark_seen (data->history, data->flow, data->node,
                                            g_ptr_array_index (data->keys, i), &newly_seen, &error))
        break;
      if (newly_seen)
        {
          conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (data->records, i)));
          fired++;
        }
    }

  if (error != NULL)
    {
      /* The records marked so far go on; the rest were not marked and come again next time. */
      if (fired == 0)
        {
          g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                                   _("the history cannot keep which records were seen: %s"),
                                   error->message);
          return;
        }
    }
  else if (data->cursor != NULL &&
           !conduit_history_store_set_cursor (data->history, data->flow, data->node, data->cursor,
                                              &error))
    g_debug ("the poll cursor stays where it was: %s", error->message);

  g_task_return_pointer (task, g_steal_pointer (&output), (GDestroyNotify)conduit_executor_output_free);
}

/**
 * conduit_executor_app_poll_keep_new:
 * @self: the executor of a poll trigger
 * @records: (element-type JsonNode): what the poll returned
 * @task: (transfer full): the executor's task, returned with the new records
 *
 * Passes on the records not seen before and moves the cursor.
 */
void
conduit_executor_app_poll_keep_new (ConduitExecutorApp *self,
                                    GPtrArray          *records,
                                    GTask              *task)
{
  JsonObject *trigger = conduit_executor_app_get_trigger (self);
  JsonNode *cursor_spec = json_object_get_member (trigger, "cursor");
  const char *dedup = json_object_get_string_member (trigger, "dedup_key");
  ConduitHistoryStore *history = get_history (self);
  g_autofree char *old_cursor = NULL;
  KeepNew *data = g_new0 (KeepNew, 1);

  data->records = records ? g_ptr_array_ref (records)
                          : g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  data->keys = g_ptr_array_new_with_free_func (g_free);
  data->flow = g_strdup (conduit_run_get_flow_name (conduit_executor_app_get_run (self)));
  data->node = g_strdup (conduit_node_get_id (conduit_executor_app_get_node (self)));

  if (cursor_spec != NULL && JSON_NODE_HOLDS_OBJECT (cursor_spec))
    old_cursor = read_cursor (self);
  /* a first poll started from the cursor's initial value: records move on from there */
  if (old_cursor == NULL && conduit_executor_app_get_poll_start (self) != NULL)
    old_cursor = g_strdup (conduit_executor_app_get_poll_start (self));

  for (guint i = 0; i < data->records->len; i++)
    {
      JsonNode *record = g_ptr_array_index (data->records, i);
      g_autoptr(JsonNode) key = conduit_app_evaluate (dedup, record, NULL);
      char *text = value_text (key);

      /* A record without its key is told apart by its whole content. */
      if (text == NULL || *text == '\0')
        {
          g_free (text);
          text = json_to_string (record, FALSE);
        }
      g_ptr_array_add (data->keys, text);

      if (cursor_spec != NULL && JSON_NODE_HOLDS_OBJECT (cursor_spec))
        {
          const char *expression = json_object_get_string_member (json_node_get_object (cursor_spec),
                                                                  "value");
          g_autoptr(JsonNode) value = conduit_app_evaluate (expression, record, NULL);
          g_autofree char *candidate = value_text (value);

          if (candidate != NULL && *candidate != '\0' &&
              is_later (candidate, data->cursor ? data->cursor : old_cursor))
            {
              g_free (data->cursor);
              data->cursor = g_steal_pointer (&candidate);
            }
        }
    }

  /* nothing later came: keep the starting point, or a "now" template would slide forward
   * on every empty poll and lose what happened in between */
  if (data->cursor == NULL && conduit_executor_app_get_poll_start (self) != NULL)
    data->cursor = g_strdup (conduit_executor_app_get_poll_start (self));

  if (history != NULL)
    {
      data->history = g_object_ref (history);
      g_task_set_task_data (task, data, (GDestroyNotify)keep_new_free);
      g_task_run_in_thread (task, keep_new_in_thread);
      g_object_unref (task);
      return;
    }

  {
    GHashTable *seen = memory_table (self, "conduit-app-poll-seen");
    ConduitExecutorOutput *output = conduit_executor_output_new ();

    for (guint i = 0; i < data->records->len; i++)
      {
        char *key = scope_key (self, g_ptr_array_index (data->keys, i));

        if (g_hash_table_contains (seen, key))
          {
            g_free (key);
            continue;
          }
        g_hash_table_add (seen, key);
        conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (data->records, i)));
      }
    if (data->cursor != NULL)
      g_hash_table_replace (memory_table (self, "conduit-app-poll-cursors"), scope_key (self, NULL),
                            g_strdup (data->cursor));
    keep_new_free (data);
    g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
    g_object_unref (task);
  }
}
