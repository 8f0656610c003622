/* conduit-executor-dedupe.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-dedupe"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-executor-dedupe.h"
#include "conduit-executor-text.h"
#include "conduit-expression-private.h"
#include "conduit-run.h"
#include "conduit-step-context.h"

/* The Deduplicate node: an item whose key was seen (and not yet forgotten) leaves through
 * "duplicate"; a new one goes on through "out". Keys live in the run history's database with
 * their time to live, so a webhook delivered twice or a polling trigger seeing the same record
 * again hours later still produces one downstream call, across restarts. Claims go through the
 * history's single writer in order, so of two deliveries arriving together exactly one is new.
 * Without a history (a run with --no-history) keys are kept in memory for the runner's life.
 *
 * An item that lacks every field the key reads (absent, null or empty text) has no key at all:
 * `sha256(email)` of an item without an email would otherwise hash the empty text, and every
 * such item would be taken for a duplicate of the first. Those items leave through "no_key",
 * never compared with anything, so none is dropped as a repeat.
 */

struct _ConduitExecutorDedupe
{
  GObject                parent_instance;

  ConduitRun            *run;
  ConduitExecutorText   *key;
  char                  *scope;
  gint64                 ttl_us;
  GHashTable            *key_fields;  /* the top-level fields the key reads */

  GTask                 *task;
  GPtrArray             *items;
  const char           **verdicts;   /* per item: "out", "duplicate", "no_key", or NULL for an error */
  char                 **problems;
  guint                  pending;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorDedupe, conduit_executor_dedupe, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_dedupe_finalize (GObject *object)
{
  ConduitExecutorDedupe *self = (ConduitExecutorDedupe *)object;

  g_clear_object (&self->run);
  g_clear_pointer (&self->key, conduit_executor_text_free);
  g_free (self->scope);
  g_clear_pointer (&self->key_fields, g_hash_table_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_free (self->verdicts);
  g_strfreev (self->problems);

  G_OBJECT_CLASS (conduit_executor_dedupe_parent_class)->finalize (object);
}

static void
conduit_executor_dedupe_class_init (ConduitExecutorDedupeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_dedupe_finalize;
}

static void
conduit_executor_dedupe_init (ConduitExecutorDedupe *self)
{
}

static gboolean
conduit_executor_dedupe_prepare (ConduitExecutor  *executor,
                                 ConduitRun       *run,
                                 ConduitNode      *node,
                                 GError          **error)
{
  ConduitExecutorDedupe *self = CONDUIT_EXECUTOR_DEDUPE (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  g_autofree char *key = conduit_node_dup_string_setting (node, connector, "key");
  gint64 hours = conduit_node_get_int_setting (node, connector, "ttl_hours", 168);

  if (key == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the key is empty; say which field tells repeats apart, for example "
                     "order_id"));
      return FALSE;
    }

  self->key = conduit_executor_text_new_expression (key, _("the key"), error);
  if (self->key == NULL)
    return FALSE;

  {
    g_autoptr(ConduitExpression) expression = conduit_expression_new (key, NULL);

    self->key_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    if (expression != NULL)
      conduit_expression_collect_fields (expression, self->key_fields);
  }

  self->run = g_object_ref (run);
  self->scope = g_strdup_printf ("%s/%s", conduit_run_get_flow_name (run), conduit_node_get_id (node));
  self->ttl_us = CLAMP (hours, 1, 24 * 365 * 10) * 3600 * G_USEC_PER_SEC;
  return TRUE;
}

static void
maybe_finish (ConduitExecutorDedupe *self)
{
  g_autoptr(GTask) task = NULL;
  ConduitExecutorOutput *output;

  if (self->pending > 0 || self->task == NULL)
    return;

  output = conduit_executor_output_new ();
  for (guint i = 0; i < self->items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (self->items, i);

      if (self->verdicts[i] != NULL)
        conduit_executor_output_add (output, self->verdicts[i], json_node_ref (item));
      else
        conduit_executor_output_add_error (output, "error", item, "key", self->problems[i], 0, 0);
    }

  task = g_steal_pointer (&self->task);
  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

typedef struct
{
  ConduitExecutorDedupe *self;
  guint                  index;
} Claim;

static void
claim_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Claim *claim = user_data;
  g_autoptr(ConduitExecutorDedupe) self = claim->self;
  g_autoptr(GError) error = NULL;
  gboolean is_new = FALSE;

  if (conduit_history_store_claim_key_finish (CONDUIT_HISTORY_STORE (object), result, &is_new,
                                              &error))
    self->verdicts[claim->index] = is_new ? "out" : "duplicate";
  else
    self->problems[claim->index] = g_strdup_printf (_("the key could not be remembered: %s"),
                                                    error->message);

  g_free (claim);
  self->pending--;
  maybe_finish (self);
}

/* Without a history: keys in memory, kept on the runner's step context so that later runs see them. */
static gboolean
claim_in_memory (ConduitExecutorDedupe *self,
                 const char            *key,
                 gint64                 now_us)
{
  ConduitStepContext *context = conduit_run_get_context (self->run);
  GHashTable *seen = g_object_get_data (G_OBJECT (context), "conduit-dedupe-keys");
  g_autofree char *full = g_strdup_printf ("%s\x1f%s", self->scope, key);
  gpointer expires;

  if (seen == NULL)
    {
      seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_object_set_data_full (G_OBJECT (context), "conduit-dedupe-keys", seen,
                              (GDestroyNotify)g_hash_table_unref);
    }

  if (g_hash_table_lookup_extended (seen, full, NULL, &expires))
    {
      gint64 until;

      memcpy (&until, &expires, sizeof until);
      if (until > now_us)
        return FALSE;
    }

  {
    gint64 until = now_us + self->ttl_us;
    gpointer value;

    G_STATIC_ASSERT (sizeof (gpointer) >= sizeof (gint64));
    memcpy (&value, &until, sizeof until);
    g_hash_table_replace (seen, g_steal_pointer (&full), value);
  }
  return TRUE;
}

/* Whether @item has none of the fields the key reads; a key reading no field (a constant) is
 * never missing. */
static gboolean
key_is_missing (ConduitExecutorDedupe *self,
                JsonNode              *item)
{
  GHashTableIter iter;
  const char *name;
  JsonObject *object;

  if (g_hash_table_size (self->key_fields) == 0)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (item))
    return TRUE;

  object = json_node_get_object (item);
  g_hash_table_iter_init (&iter, self->key_fields);
  while (g_hash_table_iter_next (&iter, (gpointer *)&name, NULL))
    {
      JsonNode *member = json_object_get_member (object, name);

      if (member == NULL || JSON_NODE_HOLDS_NULL (member))
        continue;
      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING &&
          *json_node_get_string (member) == '\0')
        continue;
      return FALSE;
    }

  return TRUE;
}

static void
conduit_executor_dedupe_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ConduitExecutorDedupe *self = CONDUIT_EXECUTOR_DEDUPE (executor);
  ConduitHistoryStore *history = conduit_run_get_history (run);
  gint64 now_us = conduit_clock_get_wall_us (conduit_run_get_clock (run));

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, conduit_executor_dedupe_execute_async);
  self->items = g_ptr_array_ref (items);
  self->verdicts = g_new0 (const char *, items->len + 1);
  self->problems = g_new0 (char *, items->len + 1);

  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *key = NULL;
      Claim *claim;

      if (key_is_missing (self, g_ptr_array_index (items, i)))
        {
          self->verdicts[i] = "no_key";
          continue;
        }

      key = conduit_executor_text_render (self->key, g_ptr_array_index (items, i), &error);

      if (key == NULL || *key == '\0')
        {
          self->problems[i] = key == NULL ? g_strdup (error->message)
                                          : g_strdup (_("the key is empty for this item"));
          continue;
        }

      if (history == NULL)
        {
          self->verdicts[i] = claim_in_memory (self, key, now_us) ? "out" : "duplicate";
          continue;
        }

      claim = g_new0 (Claim, 1);
      claim->self = g_object_ref (self);
      claim->index = i;
      self->pending++;
      conduit_history_store_claim_key_async (history, self->scope, key, now_us, self->ttl_us,
                                             NULL, claim_cb, claim);
    }

  maybe_finish (self);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_dedupe_prepare;
  iface->execute_async = conduit_executor_dedupe_execute_async;
}
