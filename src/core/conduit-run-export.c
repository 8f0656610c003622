/* conduit-run-export.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-export"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>

#include "conduit-run-export.h"

/* One JSON form of a recorded run, for the app's "Export Run" and `conduit-cli history show
 * --json` alike (see docs/runner.md): times as ISO 8601 in UTC, an item's step
 * number as "item" (null for a step of the whole node), data as JSON where it was kept whole
 * and as text where the history cut it short. */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       us)
{
  g_autoptr(GDateTime) seconds = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, name);
  if (us <= 0)
    {
      json_builder_add_null_value (builder);
      return;
    }
  /* g_date_time_add() makes a new value; both are freed */
  seconds = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  time = g_date_time_add (seconds, us % G_USEC_PER_SEC);
  text = g_date_time_format_iso8601 (time);
  json_builder_add_string_value (builder, text);
}

static void
build_run (JsonBuilder            *builder,
           const ConduitRunRecord *run)
{
  add_int (builder, "id", run->id);
  add_string (builder, "flow", run->flow);
  add_string (builder, "trigger_node", run->trigger_node);
  add_string (builder, "trigger_kind", run->trigger_kind);
  add_time (builder, "started_at", run->started_us);
  add_time (builder, "finished_at", run->finished_us);
  add_string (builder, "status", conduit_run_status_to_string (run->status));
  add_int (builder, "items_in", run->items_in);
  add_int (builder, "items_ok", run->items_ok);
  add_int (builder, "items_failed", run->items_failed);
  add_int (builder, "items_rejected", run->items_rejected);
  add_string (builder, "error", run->error);
}

/**
 * conduit_run_record_to_json:
 * @run: a run's record
 *
 * Returns: (transfer full): the run's summary as a JSON object, the members of
 *   conduit_run_export_to_json() without "steps" and "items"
 */
JsonNode *
conduit_run_record_to_json (const ConduitRunRecord *run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (run != NULL, NULL);

  json_builder_begin_object (builder);
  build_run (builder, run);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * conduit_run_export_to_json:
 * @store: a history store
 * @run_id: a recorded run
 * @error: return location for an error
 *
 * The whole of a recorded run — its summary, every step attempt and every item kept — as one
 * JSON object.
 *
 * Returns: (transfer full) (nullable): the object, or %NULL with @error
 */
JsonNode *
conduit_run_export_to_json (ConduitHistoryStore  *store,
                            gint64                run_id,
                            GError              **error)
{
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), NULL);

  if (!(run = conduit_history_store_get_run (store, run_id, error)) ||
      !(steps = conduit_history_store_list_steps (store, run_id, error)) ||
      !(items = conduit_history_store_list_items (store, run_id, NULL, error)))
    return NULL;

  json_builder_begin_object (builder);
  build_run (builder, run);
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      json_builder_begin_object (builder);
      add_string (builder, "node", step->node_id);
      json_builder_set_member_name (builder, "item");
      if (step->item_index >= 0)
        json_builder_add_int_value (builder, step->item_index);
      else
        json_builder_add_null_value (builder);
      add_int (builder, "attempt", step->attempt);
      add_time (builder, "started_at", step->started_us);
      add_time (builder, "finished_at", step->finished_us);
      add_string (builder, "status", step->status);
      json_builder_set_member_name (builder, "http_status");
      if (step->http_status > 0)
        json_builder_add_int_value (builder, step->http_status);
      else
        json_builder_add_null_value (builder);
      add_int (builder, "delay_ms", step->delay_ms);
      add_int (builder, "items_in", step->items_in);
      add_int (builder, "items_out", step->items_out);
      add_int (builder, "items_failed", step->items_failed);
      add_string (builder, "error_kind", step->error_kind);
      add_string (builder, "error", step->error_message);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      add_string (builder, "node", item->node_id);
      add_string (builder, "port", item->port);
      add_string (builder, "direction", item->is_output ? "out" : "in");
      add_int (builder, "seq", item->seq);
      json_builder_set_member_name (builder, "truncated");
      json_builder_add_boolean_value (builder, item->truncated);
      add_int (builder, "size", (gint64)item->size);
      json_builder_set_member_name (builder, "data");
      if (!item->truncated && json_parser_load_from_data (parser, item->data, -1, NULL))
        json_builder_add_value (builder, json_node_copy (json_parser_get_root (parser)));
      else
        json_builder_add_string_value (builder, item->data);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
format_list_time (gint64 us)
{
  g_autoptr(GDateTime) time = NULL;

  if (us <= 0)
    return NULL;
  time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  return g_date_time_format_iso8601 (time);
}

/**
 * conduit_run_list_write:
 * @runs: (element-type ConduitRunRecord): the runs, in the order to write them
 * @format: the record format (CSV for the app's "Export List…" and `history list --csv`)
 * @stream: where to write
 * @error: return location for a #GError
 *
 * Writes one row per run through the one record writer, with the columns the history list
 * shows and times as ISO 8601 in UTC (as the JSON export), so a spreadsheet sorts them.
 *
 * Returns: %TRUE when every row was written and the writer finished
 */
gboolean
conduit_run_list_write (GPtrArray            *runs,
                        ConduitRecordFormat   format,
                        GOutputStream        *stream,
                        GError              **error)
{
  static const char * const columns[] = {
    "id", "flow", "trigger", "status", "started", "finished", "items_in", "items_ok",
    "items_failed", "items_rejected", "error", NULL
  };
  g_autoptr(ConduitRecordWriter) writer = conduit_record_writer_new (stream, format);

  conduit_record_writer_set_columns (writer, columns);
  for (guint i = 0; i < runs->len; i++)
    {
      const ConduitRunRecord *run = g_ptr_array_index (runs, i);
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, run->id);
      g_autofree char *started = format_list_time (run->started_us);
      g_autofree char *finished = format_list_time (run->finished_us);
      g_autofree char *items_in = g_strdup_printf ("%u", run->items_in);
      g_autofree char *items_ok = g_strdup_printf ("%u", run->items_ok);
      g_autofree char *items_failed = g_strdup_printf ("%u", run->items_failed);
      g_autofree char *items_rejected = g_strdup_printf ("%u", run->items_rejected);
      const char *fields[] = {
        id, run->flow, run->trigger_kind, conduit_run_status_to_string (run->status), started,
        finished, items_in, items_ok, items_failed, items_rejected, run->error
      };

      if (!conduit_record_writer_write_row (writer, fields, G_N_ELEMENTS (fields), error))
        return FALSE;
    }
  return conduit_record_writer_finish (writer, error);
}

/**
 * conduit_run_describe_item_samples:
 * @steps: (element-type ConduitStepRecord): a run's steps, as the history lists them
 * @items: (element-type ConduitItemRecord): the run's items, as the history keeps them
 * @node_id: a node of the run
 *
 * The history keeps every item that failed or was rejected, but of the others only the first
 * few per node and port (conduit_runner_set_item_samples()); this says so where it matters, so
 * that the history pane and `conduit-cli history show` never pass a sample off as the whole.
 *
 * Returns: (transfer full) (nullable): e.g. “showing 100 of 200000 items in; showing 139 of
 *   200000 items out”, or %NULL when every item of @node_id is kept
 */
char *
conduit_run_describe_item_samples (GPtrArray  *steps,
                                   GPtrArray  *items,
                                   const char *node_id)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 total_in = 0, total_out = 0;
  guint kept_in = 0, kept_out = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (steps != NULL && items != NULL && node_id != NULL, NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      /* the node's own step (not an attempt of one item) has its counts */
      if (step->item_index >= 0 || step->attempt != 0 || g_strcmp0 (step->node_id, node_id) != 0)
        continue;
      total_in = step->items_in;
      total_out = (guint64)step->items_out + step->items_failed;
      found = TRUE;
    }
  if (!found)
    return NULL;

  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (g_strcmp0 (item->node_id, node_id) != 0)
        continue;
      if (item->is_output)
        kept_out++;
      else
        kept_in++;
    }

  /* a node that sends nothing on keeps nothing out (a trigger keeps nothing in) */
  if (kept_in > 0 && kept_in < total_in)
    g_string_append_printf (text, _("showing %u of %'" PRIu64 " items in"), kept_in,
                            total_in);
  if (kept_out > 0 && kept_out < total_out)
    g_string_append_printf (text, _("%sshowing %u of %'" PRIu64 " items out"),
                            text->len > 0 ? "; " : "", kept_out, total_out);
  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static gint
compare_rank (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  GHashTable *rank = user_data;
  guint ra = GPOINTER_TO_UINT (g_hash_table_lookup (rank, (*(ConduitItemRecord **)a)->node_id));
  guint rb = GPOINTER_TO_UINT (g_hash_table_lookup (rank, (*(ConduitItemRecord **)b)->node_id));

  return ra < rb ? -1 : ra > rb;
}

/**
 * conduit_run_group_items_by_node:
 * @items: (element-type ConduitItemRecord): a run's items, as the history lists them
 *
 * In a streaming run the steps work at the same time, so the history holds their items
 * interleaved; this puts each node's items together, nodes in the order their first item was
 * written, each node's items in their own order (a stable sort: a run whose nodes ran one
 * after the other keeps its order).
 */
void
conduit_run_group_items_by_node (GPtrArray *items)
{
  g_autoptr(GHashTable) rank = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_if_fail (items != NULL);

  for (guint i = 0; i < items->len; i++)
    {
      ConduitItemRecord *item = g_ptr_array_index (items, i);

      if (!g_hash_table_contains (rank, item->node_id))
        g_hash_table_insert (rank, item->node_id, GUINT_TO_POINTER (g_hash_table_size (rank)));
    }
  g_ptr_array_sort_with_data (items, compare_rank, rank);
}
