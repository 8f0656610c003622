/* conduit-executor-mapping.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-mapping"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-executor-mapping.h"
#include "conduit-mapping.h"
#include "conduit-run.h"

/* The Map Fields node: applies the node's mapping to each record. A record the mapping refuses
 * leaves through "rejected" with every reason, so a person can see which field of which record
 * was wrong and why; it is never dropped.
 *
 * A big batch (a file's records) is mapped in a worker thread, so that the run's thread goes on
 * handing batches between the other steps meanwhile (Read File reads the next batch, Write Rows
 * sends the previous one); a small one (a webhook's event) is mapped at once, where a thread
 * hop would cost more than the mapping. */

/* from this many items on, a batch is mapped in a worker thread */
#define THREAD_MIN_ITEMS 64

typedef struct _CompiledMapping CompiledMapping;

struct _ConduitExecutorMapping
{
  GObject          parent_instance;

  ConduitMapping  *mapping;
  CompiledMapping *compiled;          /* (owned) the node's, whose lock guards mapping */
  ConduitMapping  *rejected_mapping;  /* (nullable) shapes what leaves through "rejected" */
  guint            start;             /* the first item's position, for the batch at work */
};

/* A compiled mapping keeps scratch for the record at work, so one thread at a time applies
 * it: runs of one node may map batches in worker threads at the same time. Shared by the node
 * and its executors, each holding a reference (atomic: released in any thread). */
struct _CompiledMapping
{
  JsonNode       *source;   /* the node's mapping it was compiled from */
  ConduitMapping *mapping;
  gboolean        keep_unmapped;  /* as the mapping itself says */
  GMutex          lock;
};

static void
compiled_mapping_clear (gpointer data)
{
  CompiledMapping *cached = data;

  json_node_unref (cached->source);
  g_object_unref (cached->mapping);
  g_mutex_clear (&cached->lock);
}

static void
compiled_mapping_release (CompiledMapping *cached)
{
  g_atomic_rc_box_release_full (cached, compiled_mapping_clear);
}

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorMapping, conduit_executor_mapping, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_mapping_finalize (GObject *object)
{
  ConduitExecutorMapping *self = (ConduitExecutorMapping *)object;

  g_clear_object (&self->mapping);
  g_clear_pointer (&self->compiled, compiled_mapping_release);
  g_clear_object (&self->rejected_mapping);

  G_OBJECT_CLASS (conduit_executor_mapping_parent_class)->finalize (object);
}

static void
conduit_executor_mapping_class_init (ConduitExecutorMappingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_mapping_finalize;
}

static void
conduit_executor_mapping_init (ConduitExecutorMapping *self)
{
}

static GQuark
compiled_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("conduit-compiled-mapping");
  return quark;
}

static gboolean
conduit_executor_mapping_prepare (ConduitExecutor  *executor,
                                  ConduitRun       *run,
                                  ConduitNode      *node,
                                  GError          **error)
{
  ConduitExecutorMapping *self = CONDUIT_EXECUTOR_MAPPING (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  JsonNode *json = conduit_node_get_mapping (node);
  g_autoptr(GError) local_error = NULL;
  CompiledMapping *cached;

  if (json == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the node has no mapping yet; add rows that say where each field goes"));
      return FALSE;
    }

  /* A webhook flow runs the same mapping thousands of times a second: compile it once per
   * version of the node's mapping, and keep it on the node. Runs of one node share a thread. */
  cached = g_object_get_qdata (G_OBJECT (node), compiled_quark ());
  if (cached != NULL && cached->source == json)
    {
      self->mapping = g_object_ref (cached->mapping);
      self->compiled = g_atomic_rc_box_acquire (cached);
      goto settings;
    }

  self->mapping = conduit_mapping_new_from_json (json, &local_error);
  if (self->mapping == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the mapping cannot be used: %s"), local_error->message);
      return FALSE;
    }

  cached = g_atomic_rc_box_new0 (CompiledMapping);
  cached->source = json_node_ref (json);
  cached->mapping = g_object_ref (self->mapping);
  cached->keep_unmapped = conduit_mapping_get_keep_unmapped (self->mapping);
  g_mutex_init (&cached->lock);
  self->compiled = g_atomic_rc_box_acquire (cached);
  g_object_set_qdata_full (G_OBJECT (node), compiled_quark (), cached,
                           (GDestroyNotify)compiled_mapping_release);

settings:
  {
    JsonNode *shape = conduit_node_get_setting (node, "rejected_mapping");

    g_clear_object (&self->rejected_mapping);
    if (shape != NULL && JSON_NODE_HOLDS_OBJECT (shape) &&
        json_object_get_size (json_node_get_object (shape)) > 0)
      {
        self->rejected_mapping = conduit_mapping_new_from_json (shape, &local_error);
        if (self->rejected_mapping == NULL)
          {
            g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                         _("the rejected output mapping cannot be used: %s"),
                         local_error->message);
            return FALSE;
          }
      }
  }

  /* The node's keep_unmapped setting, when it has one, overrides the mapping's own; settings
   * change without the mapping changing, so it is applied on every run. */
  g_mutex_lock (&self->compiled->lock);
  if (conduit_node_get_setting (node, "keep_unmapped") != NULL)
    conduit_mapping_set_keep_unmapped (self->mapping,
                                       conduit_node_get_bool_setting (node, connector,
                                                                      "keep_unmapped", FALSE));
  else
    conduit_mapping_set_keep_unmapped (self->mapping, cached->keep_unmapped);
  g_mutex_unlock (&self->compiled->lock);
  return TRUE;
}

/* The step's rejected_mapping makes each rejected item into the record the user wants, from
 * {"item": N, "record": …, "reasons": […]} as conduit-cli map --rejected-mapping does. An
 * item the shaping refuses in turn leaves unshaped (returns FALSE), so nothing is lost, and
 * with the shaping's reasons in @shaping_list next to its first ones, as the CLI writes
 * them: the user sees both why the record and why its shaping were refused. */
static gboolean
shape_rejected (ConduitMapping        *mapping,
                ConduitExecutorOutput *output,
                JsonNode              *item,
                guint                  index,
                JsonArray             *reasons,
                JsonArray            **shaping_list)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) input = NULL;
  g_autoptr(GPtrArray) shaping_reasons = NULL;
  JsonNode *shaped = NULL;

  json_object_set_int_member (object, "item", index + 1);
  json_object_set_member (object, "record", json_node_ref (item));
  json_object_set_array_member (object, "reasons", json_array_ref (reasons));
  input = json_node_init_object (json_node_alloc (), object);
  if (!conduit_mapping_apply (mapping, input, &shaped, &shaping_reasons))
    {
      *shaping_list = json_array_new ();
      for (guint r = 0; shaping_reasons != NULL && r < shaping_reasons->len; r++)
        json_array_add_element (*shaping_list,
                                conduit_mapping_reason_to_json (g_ptr_array_index (shaping_reasons,
                                                                                   r)));
      return FALSE;
    }
  conduit_executor_output_add (output, "rejected", shaped);
  return TRUE;
}

/* Maps @items into @output; in the run's thread or a worker thread. */
static void
map_items (ConduitExecutorMapping *self,
           GPtrArray              *items,
           ConduitExecutorOutput  *output)
{
  /* a rejected record's number counts from the first record of the run, across batches */
  guint start = self->start;

  g_mutex_lock (&self->compiled->lock);
  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GPtrArray) reasons = NULL;
      JsonNode *mapped = NULL;
      JsonNode *rejected;
      JsonObject *error_object;
      JsonArray *list;
      JsonArray *shaping_list = NULL;
      GString *message;

      if (conduit_mapping_apply (self->mapping, item, &mapped, &reasons))
        {
          conduit_executor_output_add (output, "out", mapped);
          continue;
        }

      message = g_string_new (NULL);
      list = json_array_new ();
      for (guint r = 0; reasons != NULL && r < reasons->len; r++)
        {
          ConduitMappingReason *reason = g_ptr_array_index (reasons, r);

          json_array_add_element (list, conduit_mapping_reason_to_json (reason));
          g_string_append_printf (message, "%s%s: %s", r ? "; " : "", reason->field,
                                  reason->message);
        }
      if (message->len == 0)
        g_string_append (message, _("the mapping refused the record"));

      if (self->rejected_mapping != NULL &&
          shape_rejected (self->rejected_mapping, output, item, start + i, list, &shaping_list))
        {
          /* the shaping kept its own reference to the reasons */
          json_array_unref (list);
          g_string_free (message, TRUE);
          continue;
        }

      rejected = conduit_executor_output_add_error (output, "rejected", item, "rejected",
                                                    message->str, 0, 0);
      error_object = json_object_get_object_member (json_node_get_object (rejected), "error");
      json_object_set_array_member (error_object, "reasons", list);
      if (shaping_list != NULL)
        json_object_set_array_member (error_object, "shaping_reasons", shaping_list);
      g_string_free (message, TRUE);
      g_clear_pointer (&mapped, json_node_unref);
    }
  g_mutex_unlock (&self->compiled->lock);
}

static void
map_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  ConduitExecutorOutput *output = conduit_executor_output_new ();

  map_items (source_object, task_data, output);
  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
conduit_executor_mapping_execute_async (ConduitExecutor     *executor,
                                        ConduitRun          *run,
                                        ConduitNode         *node,
                                        GPtrArray           *items,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  ConduitExecutorMapping *self = CONDUIT_EXECUTOR_MAPPING (executor);
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitExecutorOutput *output;

  g_task_set_source_tag (task, conduit_executor_mapping_execute_async);
  self->start = conduit_run_get_batch_start (run, node);

  if (items->len >= THREAD_MIN_ITEMS)
    {
      /* the runner holds @items until the batch has ended */
      g_task_set_task_data (task, g_ptr_array_ref (items), (GDestroyNotify)g_ptr_array_unref);
      g_task_run_in_thread (task, map_thread);
      return;
    }

  output = conduit_executor_output_new ();
  map_items (self, items, output);
  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

/* A small batch, mapped at once: a thread hop, or even a trip through the main loop, would
 * cost more than the mapping. */
static gboolean
conduit_executor_mapping_execute_now (ConduitExecutor        *executor,
                                      ConduitRun             *run,
                                      ConduitNode            *node,
                                      GPtrArray              *items,
                                      ConduitExecutorOutput **output,
                                      GError                **error)
{
  ConduitExecutorMapping *self = CONDUIT_EXECUTOR_MAPPING (executor);

  if (items->len >= THREAD_MIN_ITEMS)
    return FALSE;

  self->start = conduit_run_get_batch_start (run, node);
  *output = conduit_executor_output_new ();
  map_items (self, items, *output);
  return TRUE;
}

static ConduitExecutorInput
conduit_executor_mapping_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_mapping_prepare;
  iface->execute_async = conduit_executor_mapping_execute_async;
  iface->execute_now = conduit_executor_mapping_execute_now;
  iface->get_input_mode = conduit_executor_mapping_get_input_mode;
}
