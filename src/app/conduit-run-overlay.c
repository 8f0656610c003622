/* conduit-run-overlay.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-overlay"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "conduit-run-export.h"
#include "conduit-run-overlay.h"

/* A run from the history, laid over the flow as it is now: what became of each step, its
 * counts and the items it took in and sent out, as the canvas, the card badges and the run
 * panel show them. Everything is read through the history store's own API (runs, steps,
 * items); nothing here knows the database.
 *
 * The flow may have changed since the run: a step the run had may be gone, a step may be new.
 * The overlay says which, and answers for the steps both know. */

typedef struct
{
  ConduitStepRecord *step;      /* (nullable) the node's own record (item -1, attempt 0) */
  GPtrArray         *inputs;    /* (element-type ConduitItemRecord) borrowed from items */
  GPtrArray         *outputs;
  guint              rejected;  /* items that left by the "rejected" port */
} NodeRun;

struct _ConduitRunOverlay
{
  GObject           parent_instance;

  ConduitRunRecord *record;
  GPtrArray        *steps;      /* (element-type ConduitStepRecord) */
  GPtrArray        *items;      /* (element-type ConduitItemRecord) */
  GHashTable       *nodes;      /* node id → NodeRun */
  GPtrArray        *node_order; /* node ids in the order the run met them */
  ConduitFlow      *flow;
  GPtrArray        *removed;    /* ids of the run's nodes the flow no longer has */
  GPtrArray        *added;      /* titles of the flow's nodes the run did not have */
};

G_DEFINE_FINAL_TYPE (ConduitRunOverlay, conduit_run_overlay, G_TYPE_OBJECT)

static void
node_run_free (NodeRun *node)
{
  g_ptr_array_unref (node->inputs);
  g_ptr_array_unref (node->outputs);
  g_free (node);
}

static NodeRun *
node_run (ConduitRunOverlay *self,
          const char        *node_id)
{
  NodeRun *node = g_hash_table_lookup (self->nodes, node_id);

  if (node == NULL)
    {
      node = g_new0 (NodeRun, 1);
      node->inputs = g_ptr_array_new ();
      node->outputs = g_ptr_array_new ();
      g_hash_table_insert (self->nodes, g_strdup (node_id), node);
      g_ptr_array_add (self->node_order, g_strdup (node_id));
    }
  return node;
}

static void
conduit_run_overlay_finalize (GObject *object)
{
  ConduitRunOverlay *self = CONDUIT_RUN_OVERLAY (object);

  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->node_order, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->record, conduit_run_record_free);
  g_clear_pointer (&self->removed, g_ptr_array_unref);
  g_clear_pointer (&self->added, g_ptr_array_unref);
  g_clear_object (&self->flow);

  G_OBJECT_CLASS (conduit_run_overlay_parent_class)->finalize (object);
}

static void
conduit_run_overlay_class_init (ConduitRunOverlayClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_run_overlay_finalize;
}

static void
conduit_run_overlay_init (ConduitRunOverlay *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)node_run_free);
  self->node_order = g_ptr_array_new_with_free_func (g_free);
  self->removed = g_ptr_array_new_with_free_func (g_free);
  self->added = g_ptr_array_new_with_free_func (g_free);
}

/* Which steps of the run the flow lost, and which of the flow's the run never had. */
static void
compare_with_flow (ConduitRunOverlay *self)
{
  GListModel *nodes;

  g_ptr_array_set_size (self->removed, 0);
  g_ptr_array_set_size (self->added, 0);
  if (self->flow == NULL)
    return;

  for (guint i = 0; i < self->node_order->len; i++)
    {
      const char *id = g_ptr_array_index (self->node_order, i);

      if (conduit_flow_lookup_node (self->flow, id) == NULL)
        g_ptr_array_add (self->removed, g_strdup (id));
    }
  nodes = conduit_flow_get_nodes (self->flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *title = conduit_node_get_title (node);

      if (!g_hash_table_contains (self->nodes, conduit_node_get_id (node)))
        g_ptr_array_add (self->added, g_strdup (title != NULL && *title != '\0'
                                                  ? title : conduit_node_get_id (node)));
    }
}

/**
 * conduit_run_overlay_new:
 * @store: the history
 * @run_id: a run in it
 * @flow: (nullable): the flow as it is now, to compare the run with
 * @error: where a run that cannot be read says why
 *
 * Reads @run_id's record, steps and items.
 *
 * Returns: (transfer full) (nullable): the run, ready to lay over @flow
 */
ConduitRunOverlay *
conduit_run_overlay_new (ConduitHistoryStore *store,
                         gint64               run_id,
                         ConduitFlow         *flow,
                         GError             **error)
{
  g_autoptr(ConduitRunOverlay) self = NULL;

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);
  g_return_val_if_fail (flow == NULL || CONDUIT_IS_FLOW (flow), NULL);

  self = g_object_new (CONDUIT_TYPE_RUN_OVERLAY, NULL);
  /* what the runner queued may not be written yet: a run just finished is read whole */
  conduit_history_store_flush (store, NULL);
  self->record = conduit_history_store_get_run (store, run_id, error);
  if (self->record == NULL)
    return NULL;
  self->steps = conduit_history_store_list_steps (store, run_id, error);
  if (self->steps == NULL)
    return NULL;
  self->items = conduit_history_store_list_items (store, run_id, NULL, error);
  if (self->items == NULL)
    return NULL;

  for (guint i = 0; i < self->steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (self->steps, i);

      if (step->item_index < 0 && step->attempt == 0)
        node_run (self, step->node_id)->step = step;
    }
  for (guint i = 0; i < self->items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (self->items, i);
      NodeRun *node = node_run (self, item->node_id);

      g_ptr_array_add (item->is_output ? node->outputs : node->inputs, item);
      if (item->is_output && g_strcmp0 (item->port, "rejected") == 0)
        node->rejected++;
    }

  g_set_object (&self->flow, flow);
  compare_with_flow (self);
  return g_steal_pointer (&self);
}

gint64
conduit_run_overlay_get_run_id (ConduitRunOverlay *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), 0);
  return self->record->id;
}

const ConduitRunRecord *
conduit_run_overlay_get_record (ConduitRunOverlay *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);
  return self->record;
}

ConduitFlow *
conduit_run_overlay_get_flow (ConduitRunOverlay *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);
  return self->flow;
}

/**
 * conduit_run_overlay_set_flow:
 * @self: a run overlay
 * @flow: (nullable): the flow as it is now
 *
 * Compares the run with @flow again, as after an edit.
 */
void
conduit_run_overlay_set_flow (ConduitRunOverlay *self,
                              ConduitFlow       *flow)
{
  g_return_if_fail (CONDUIT_IS_RUN_OVERLAY (self));

  g_set_object (&self->flow, flow);
  compare_with_flow (self);
}

/**
 * conduit_run_overlay_get_node_state:
 * @self: a run overlay
 * @node_id: a node
 *
 * Returns: (nullable): what became of @node_id in the run, as the history stores it ("ok",
 *   "partial", "failed", "skipped", …), or %NULL when the run did not have it
 */
const char *
conduit_run_overlay_get_node_state (ConduitRunOverlay *self,
                                    const char        *node_id)
{
  NodeRun *node;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);

  node = g_hash_table_lookup (self->nodes, node_id);
  return node != NULL && node->step != NULL ? node->step->status : NULL;
}

/**
 * conduit_run_overlay_get_card_status:
 * @self: a run overlay
 * @node_id: a node
 *
 * Returns: (nullable): the badge @node_id's card shows, as a live run sets it: "succeeded",
 *   "failed", "skipped", or %NULL for none
 */
const char *
conduit_run_overlay_get_card_status (ConduitRunOverlay *self,
                                     const char        *node_id)
{
  const char *state = conduit_run_overlay_get_node_state (self, node_id);

  if (g_strcmp0 (state, "ok") == 0)
    return "succeeded";
  if (g_strcmp0 (state, "partial") == 0 || g_strcmp0 (state, "failed") == 0)
    return "failed";
  if (g_strcmp0 (state, "skipped") == 0)
    return "skipped";
  return NULL;
}

/**
 * conduit_run_overlay_get_node_counts:
 * @self: a run overlay
 * @node_id: a node
 * @items_in: (out) (optional): items it took in
 * @items_ok: (out) (optional): items it sent on
 * @items_failed: (out) (optional): items that failed there
 * @items_rejected: (out) (optional): items its checks rejected
 *
 * Returns: whether the run had @node_id
 */
gboolean
conduit_run_overlay_get_node_counts (ConduitRunOverlay *self,
                                     const char        *node_id,
                                     guint             *items_in,
                                     guint             *items_ok,
                                     guint             *items_failed,
                                     guint             *items_rejected)
{
  NodeRun *node;
  guint in = 0, ok = 0, failed = 0, rejected = 0;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), FALSE);

  node = g_hash_table_lookup (self->nodes, node_id);
  if (node != NULL && node->step != NULL)
    {
      in = node->step->items_in;
      ok = node->step->items_out;
      /* the node's record counts rejected items with the failed ones; all of those are kept */
      rejected = MIN (node->rejected, node->step->items_failed);
      failed = node->step->items_failed - rejected;
    }
  if (items_in != NULL)
    *items_in = in;
  if (items_ok != NULL)
    *items_ok = ok;
  if (items_failed != NULL)
    *items_failed = failed;
  if (items_rejected != NULL)
    *items_rejected = rejected;
  return node != NULL && node->step != NULL;
}

/**
 * conduit_run_overlay_get_node_error:
 * @self: a run overlay
 * @node_id: a node
 *
 * Returns: (nullable): why @node_id failed as a whole, as the history recorded it
 */
const char *
conduit_run_overlay_get_node_error (ConduitRunOverlay *self,
                                    const char        *node_id)
{
  NodeRun *node;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);

  node = g_hash_table_lookup (self->nodes, node_id);
  return node != NULL && node->step != NULL ? node->step->error_message : NULL;
}

/* An item the history cut short is no JSON any more: it shows as what it is. */
static JsonNode *
parse_item (const ConduitItemRecord *item)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = item->data != NULL ? json_from_string (item->data, &error) : NULL;

  if (node == NULL)
    {
      g_autofree char *text = NULL;

      text = g_strdup_printf (_("(cut short in the history: %'zu bytes)"), item->size);

      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_string (node, text);
    }
  return node;
}

/**
 * conduit_run_overlay_dup_node_items:
 * @self: a run overlay
 * @node_id: a node
 * @is_output: the items it sent out, else those it took in
 * @ports: (out) (optional) (transfer full) (nullable): the port of each item, when the items
 *   left by more than one port
 *
 * Returns: (transfer full) (element-type JsonNode): the items the history kept
 */
GPtrArray *
conduit_run_overlay_dup_node_items (ConduitRunOverlay  *self,
                                    const char         *node_id,
                                    gboolean            is_output,
                                    GPtrArray         **ports)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) port_names = g_ptr_array_new_with_free_func (g_free);
  gboolean several = FALSE;
  NodeRun *node;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);

  node = g_hash_table_lookup (self->nodes, node_id);
  if (node != NULL)
    {
      GPtrArray *kept = is_output ? node->outputs : node->inputs;

      for (guint i = 0; i < kept->len; i++)
        {
          ConduitItemRecord *item = g_ptr_array_index (kept, i);
          ConduitItemRecord *first = g_ptr_array_index (kept, 0);

          g_ptr_array_add (items, parse_item (item));
          g_ptr_array_add (port_names, g_strdup (item->port));
          if (g_strcmp0 (item->port, first->port) != 0)
            several = TRUE;
        }
    }
  if (ports != NULL)
    *ports = several ? g_steal_pointer (&port_names) : NULL;
  return items;
}

/**
 * conduit_run_overlay_dup_items_note:
 * @self: a run overlay
 * @node_id: a node
 * @is_output: about the items it sent out, else those it took in
 *
 * A big run keeps only a sample of the items that went well: this says so, with the whole
 * count, so that a sample is never taken for the whole.
 *
 * Returns: (transfer full) (nullable): e.g. “Showing 100 of 200,000 items …”, or %NULL when
 *   every item is there
 */
char *
conduit_run_overlay_dup_items_note (ConduitRunOverlay *self,
                                    const char        *node_id,
                                    gboolean           is_output)
{
  NodeRun *node;
  guint64 total;
  guint kept;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);

  node = g_hash_table_lookup (self->nodes, node_id);
  if (node == NULL || node->step == NULL)
    return NULL;
  kept = is_output ? node->outputs->len : node->inputs->len;
  total = is_output ? (guint64)node->step->items_out + node->step->items_failed
                    : node->step->items_in;
  if (kept >= total)
    return NULL;
  /* Translators: above a table of a past run's items; the history keeps only some of them */
  return g_strdup_printf (_("Showing %'u of %'" PRIu64 " items: the history keeps "
                            "every failed and rejected item and the first of the others."),
                          kept, total);
}

GPtrArray *
conduit_run_overlay_get_removed (ConduitRunOverlay *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);
  return self->removed;
}

GPtrArray *
conduit_run_overlay_get_added (ConduitRunOverlay *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);
  return self->added;
}

static void
append_names (GString   *text,
              GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 < names->len ? _(", ") : _(" and "));
      /* Translators: a name in quotation marks, in a list of names inside a sentence */
      g_string_append_printf (text, _("“%s”"), (const char *)g_ptr_array_index (names, i));
    }
}

/**
 * conduit_run_overlay_dup_banner_text:
 * @self: a run overlay
 *
 * Returns: (transfer full): which run the canvas shows, and how the flow differs from it
 */
char *
conduit_run_overlay_dup_banner_text (ConduitRunOverlay *self)
{
  g_autoptr(GDateTime) then = NULL;
  g_autofree char *when = NULL;
  GString *text;

  g_return_val_if_fail (CONDUIT_IS_RUN_OVERLAY (self), NULL);

  then = g_date_time_new_from_unix_local (self->record->started_us / G_USEC_PER_SEC);
  /* Translators: when a run started, as strftime() would write it; "%-e" is the day without
   * padding, "%X" the time as the language writes it */
  when = then != NULL ? g_date_time_format (then, C_("history date and time", "%a %-e %b %Y, %X"))
                      : g_strdup ("?");
  text = g_string_new (NULL);
  /* Translators: the banner over the canvas while it shows a run from the history; the first
   * is the run's number, the second when it started */
  g_string_append_printf (text, _("Showing run #%" PRId64 " of %s."), self->record->id,
                          when);
  if (self->removed->len > 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);

      append_names (names, self->removed);
      g_string_append_c (text, ' ');
      /* Translators: %s is the list of the steps' names, each in quotation marks */
      g_string_append_printf (text,
                              g_dngettext (NULL,
                                           "The flow has changed since: its step %s is gone.",
                                           "The flow has changed since: its steps %s are gone.",
                                           self->removed->len),
                              names->str);
    }
  if (self->added->len > 0)
    {
      g_string_append_c (text, ' ');
      g_string_append (text, g_dngettext (NULL, "Not in this run (added since, or never reached): ",
                                          "Not in this run (added since, or never reached): ",
                                          self->added->len));
      append_names (text, self->added);
      g_string_append_c (text, '.');
    }
  return g_string_free (text, FALSE);
}
