/* conduit-run-record.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-run.h"
#include "conduit-run-private.h"
#include "conduit-step-status.h"
#include "conduit-credential.h"
#include "conduit-credential-store.h"
#include "conduit-json-writer.h"
#include "conduit-redactor.h"
#include "conduit-runner.h"

/* Writing a run down in the history: its start (for a polling trigger, together with the keys
 * and cursor of what it found), and the items each node takes in and sends out. */

/* Texts of sent-out items kept for the nodes that take them in: a run records a few samples
 * a port, this bounds a flow with many ports. */
#define MAX_KEPT_TEXTS 256

/* The JSON text of @item when it is the trigger item at @position (a node taking in what the
 * trigger sent out: the same JsonNode, which the run holds, so its address is not reused), as
 * serialised once for the run's start; %NULL for any other item. */
static const char *
trigger_text (ConduitRun *self,
              JsonNode   *item,
              guint       position)
{
  if (self->trigger_texts == NULL || position >= self->trigger_texts->len ||
      position >= self->trigger_items->len ||
      g_ptr_array_index (self->trigger_items, position) != item)
    return NULL;
  return g_ptr_array_index (self->trigger_texts, position);
}

/* Items are written with their position in what the node took in or sent out of @port, across
 * batches. Of the items that went well only the first few are kept (the runner's item
 * samples); failed and rejected ones (@keep_all) are all kept, since a person needs each one's
 * reason and re-running the failed items needs the items. */
void
conduit_run_record_items (ConduitRun *self,
                          NodeData   *data,
                          const char *port,
                          gboolean    is_output,
                          gboolean    keep_all,
                          GPtrArray  *items)
{
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  guint limit = keep_all ? G_MAXUINT : conduit_runner_get_item_samples (self->runner);
  g_autofree char *key = g_strconcat (is_output ? "out:" : "in:", port, NULL);
  guint seen;

  if (history == NULL || self->record.id == 0 || items == NULL)
    return;

  if (data->recorded == NULL)
    data->recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  seen = GPOINTER_TO_UINT (g_hash_table_lookup (data->recorded, key));
  g_hash_table_replace (data->recorded, g_strdup (key), GUINT_TO_POINTER (seen + items->len));

  for (guint i = 0; i < items->len && seen + i < limit; i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *redacted = NULL;
      JsonNode *item = g_ptr_array_index (items, i);
      const char *known = trigger_text (self, item, seen + i);

      if (known == NULL && !is_output && self->item_texts != NULL)
        known = g_hash_table_lookup (self->item_texts, item);
      if (known == NULL)
        text = conduit_json_writer_to_string (item, NULL);
      redacted = conduit_run_redact (self, known != NULL ? known : text);
      conduit_history_store_add_item (history, self->record.id, conduit_node_get_id (data->node),
                                      port, is_output, seen + i, redacted);

      /* What a node sends out is what the next one takes in, the same JsonNode (items are not
       * changed once sent: nodes that fan out share them). Its text is kept for that node, for
       * the sampled items only (all failed ones are written, but nobody takes them in twice). */
      if (is_output && !keep_all && text != NULL)
        {
          if (self->item_texts == NULL)
            self->item_texts = g_hash_table_new_full (NULL, NULL,
                                                      (GDestroyNotify)json_node_unref, g_free);
          if (g_hash_table_size (self->item_texts) < MAX_KEPT_TEXTS)
            g_hash_table_replace (self->item_texts, json_node_ref (item),
                                  g_steal_pointer (&text));
        }
    }
}

/**
 * conduit_run_dup_item_text:
 * @self: a run
 * @item: an item a node of the run sent out
 * @length: (out) (optional): the text's length
 *
 * An HTTP step sending its input item as the request body writes the same JSON text the run
 * made of it when the node before sent it out (for the history's "out" record): this gives
 * that text, not redacted, when the run kept it (sampled items, see
 * conduit_run_record_items()), so that the item is not serialised again.
 *
 * Returns: (transfer full) (nullable): @item as json_to_string (@item, %FALSE) would write
 *   it, or %NULL when the run kept no text of it
 */
char *
conduit_run_dup_item_text (ConduitRun *self,
                           JsonNode   *item,
                           gsize      *length)
{
  const char *text;
  gsize n;

  g_return_val_if_fail (CONDUIT_IS_RUN (self), NULL);
  g_return_val_if_fail (item != NULL, NULL);

  if (self->item_texts == NULL || (text = g_hash_table_lookup (self->item_texts, item)) == NULL)
    return NULL;
  n = strlen (text);
  if (length != NULL)
    *length = n;
  return g_memdup2 (text, n + 1);
}

/* One trigger item beyond those recorded at the start (see conduit_run_record_attempt()). */
void
conduit_run_record_trigger_item (ConduitRun *self,
                                 guint       position)
{
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;

  if (history == NULL || self->record.id == 0 || position >= self->trigger_items->len)
    return;
  if (self->late_trigger_items == NULL)
    self->late_trigger_items = g_hash_table_new (NULL, NULL);
  if (!g_hash_table_add (self->late_trigger_items, GUINT_TO_POINTER (position)))
    return;

  if (trigger_text (self, g_ptr_array_index (self->trigger_items, position), position) == NULL)
    text = conduit_json_writer_to_string (g_ptr_array_index (self->trigger_items, position),
                                          NULL);
  redacted = conduit_run_redact (self, text != NULL ? text
                                                    : g_ptr_array_index (self->trigger_texts,
                                                                         position));
  conduit_history_store_add_item (history, self->record.id, self->trigger_id, "out", TRUE,
                                  position, redacted);
}

static void
record_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitRun *self = g_task_get_source_object (task);
  GError *error = NULL;
  gint64 id;

  id = conduit_history_store_begin_run_finish (CONDUIT_HISTORY_STORE (object), result, &error);
  if (id == 0)
    {
      g_task_return_error (task, error);
      return;
    }

  self->record.id = id;
  self->recorded = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
record_event_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitRun *self = g_task_get_source_object (task);
  GError *error = NULL;
  gint64 id;

  id = conduit_history_store_begin_event_run_finish (CONDUIT_HISTORY_STORE (object), result,
                                                     &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* 0: the event's run ended before (a redelivery); this one ends at once, running nothing. */
  self->record.id = id;
  self->already_ran = id == 0;
  self->nothing_new = id == 0;
  self->recorded = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
record_polled_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitRun *self = g_task_get_source_object (task);
  g_autoptr(GArray) fired = NULL;
  g_autoptr(GPtrArray) items = NULL;
  GError *error = NULL;
  gint64 id = 0;

  if (!conduit_history_store_begin_polled_run_finish (CONDUIT_HISTORY_STORE (object), result, &id,
                                                      &fired, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The run goes on with the records it was recorded with: the new ones. */
  items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  for (guint i = 0; i < fired->len; i++)
    g_ptr_array_add (items, json_node_ref (g_ptr_array_index (self->trigger_items,
                                                              g_array_index (fired, guint, i))));
  g_ptr_array_unref (self->trigger_items);
  self->trigger_items = g_steal_pointer (&items);
  /* the texts were of the records before: their positions no longer match */
  g_clear_pointer (&self->trigger_texts, g_ptr_array_unref);
  self->record.items_in = self->trigger_items->len;
  self->record.id = id;
  self->nothing_new = id == 0;
  self->recorded = TRUE;
  g_task_return_boolean (task, TRUE);
}

static void
begin_recording (GTask *task)
{
  ConduitRun *self = g_task_get_source_object (task);
  ConduitHistoryStore *history = conduit_runner_get_history (self->runner);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  /* A poll's records are all written, since each one's key must be kept with it. */
  guint max_items = self->poll_keys != NULL ? G_MAXUINT : MAX_RECORDED_ITEMS;

  if (self->poll_keys != NULL && g_strv_length (self->poll_keys) != self->trigger_items->len)
    {
      g_task_return_new_error (task, CONDUIT_RUN_ERROR, CONDUIT_RUN_ERROR_INVALID_INPUT,
                               _("The polling trigger “%s” of “%s” gave %u keys for %u records"),
                               self->trigger_id, self->flow_name,
                               g_strv_length (self->poll_keys), self->trigger_items->len);
      g_object_unref (task);
      return;
    }

  /* Each item's text is kept for the nodes that take it in (conduit_run_record_items()):
   * serialised once a run, redacted each time it is written, as secrets may come later. */
  if (self->trigger_texts == NULL)
    {
      self->trigger_texts = g_ptr_array_new_full (MIN (self->trigger_items->len, max_items),
                                                  g_free);
      for (guint i = 0; i < self->trigger_items->len && i < max_items; i++)
        g_ptr_array_add (self->trigger_texts,
                         conduit_json_writer_to_string (g_ptr_array_index (self->trigger_items,
                                                                           i), NULL));
    }

  for (guint i = 0; i < self->trigger_texts->len && i < max_items; i++)
    g_ptr_array_add (texts, conduit_run_redact (self, g_ptr_array_index (self->trigger_texts, i)));

  if (self->poll_keys != NULL)
    conduit_history_store_begin_polled_run_async (history, &self->record, "out", texts,
                                                  (const char * const *)self->poll_keys,
                                                  self->poll_cursor,
                                                  g_task_get_cancellable (task),
                                                  record_polled_cb, task);
  else if (self->event_id != NULL)
    conduit_history_store_begin_event_run_async (history, &self->record, "out", texts,
                                                 self->event_id, g_task_get_cancellable (task),
                                                 record_event_cb, task);
  else
    conduit_history_store_begin_run_async (history, &self->record, "out", texts,
                                           g_task_get_cancellable (task), record_cb, task);
}

/**
 * conduit_run_set_poll:
 * @self: a run not yet recorded
 * @keys: (array zero-terminated=1): the key of each record the run was created with
 * @cursor: (nullable): the polling trigger's cursor after these records
 *
 * Makes the run a polling trigger's: recording it marks the keys seen, keeps only the records
 * not seen before, and moves the cursor, all in one commit (see
 * conduit_history_store_begin_polled_run_async()). When no record is new, no run is recorded,
 * conduit_run_get_id() stays 0, and executing it ends at once without running a node.
 */
void
conduit_run_set_poll (ConduitRun         *self,
                      const char * const *keys,
                      const char         *cursor)
{
  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (keys != NULL);
  g_return_if_fail (!self->recorded);

  g_strfreev (self->poll_keys);
  self->poll_keys = g_strdupv ((char **)keys);
  g_free (self->poll_cursor);
  self->poll_cursor = g_strdup (cursor);
}

/**
 * conduit_run_set_trigger_texts:
 * @self: a run not yet recorded
 * @texts: (transfer full): each trigger item as JSON text
 *   (conduit_json_writer_to_string()), not redacted, in the order of the items the run was
 *   created with
 *
 * Hands the run what its creator serialised already (the webhook server, to check that the
 * event fits the history), so that recording the run does not serialise the items again.
 */
void
conduit_run_set_trigger_texts (ConduitRun *self,
                               GPtrArray  *texts)
{
  g_autoptr(GPtrArray) owned = texts;

  g_return_if_fail (CONDUIT_IS_RUN (self));
  g_return_if_fail (texts != NULL);
  g_return_if_fail (!self->recorded);

  /* Texts that do not match the items one for one are not used: the items are serialised. */
  if (texts->len != self->trigger_items->len)
    return;
  g_clear_pointer (&self->trigger_texts, g_ptr_array_unref);
  self->trigger_texts = g_steal_pointer (&owned);
}

static void
secrets_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  guint *remaining = g_task_get_task_data (task);
  g_autoptr(ConduitCredential) credential = NULL;

  /* A credential that cannot be read now fails its node later, with the reason. */
  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, NULL);
  if (--*remaining == 0)
    begin_recording (task);
  else
    g_object_unref (task);
}

/**
 * conduit_run_record_async:
 * @self: a run
 * @cancellable: (nullable): a cancellable
 * @callback: called once the run and its trigger items are committed to the history
 * @user_data: data for @callback
 *
 * Writes the start of the run, with the items that started it, to the history. The secrets of
 * the credentials the flow uses are read first, so that an item carrying one is written
 * redacted. Without a history it completes at once.
 */
void
conduit_run_record_async (ConduitRun          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  ConduitHistoryStore *history;

  g_return_if_fail (CONDUIT_IS_RUN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_run_record_async);

  history = conduit_runner_get_history (self->runner);
  self->record.started_us = conduit_clock_get_wall_us (conduit_runner_get_clock (self->runner));

  if (history == NULL || self->recorded)
    {
      self->recorded = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  ids = conduit_flow_list_credential_ids (self->flow, conduit_runner_get_registry (self->runner));
  if (ids == NULL || ids->len == 0)
    {
      begin_recording (g_steal_pointer (&task));
      return;
    }

  g_task_set_task_data (task, g_memdup2 (&ids->len, sizeof ids->len), g_free);
  for (guint i = 0; i < ids->len; i++)
    conduit_run_lookup_credential_async (self, g_ptr_array_index (ids, i), cancellable,
                                         secrets_loaded_cb, g_object_ref (task));
}

/**
 * conduit_run_record_finish:
 * @self: a run
 * @result: the result
 * @error: return location for an error
 *
 * Returns: whether the run is safely in the history
 */
gboolean
conduit_run_record_finish (ConduitRun    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
