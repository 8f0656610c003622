/* conduit-executor-replay.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-replay"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-app-request.h"
#include "conduit-executor-replay.h"
#include "conduit-executor-text.h"
#include "conduit-flow-test.h"
#include "conduit-redactor.h"
#include "conduit-run.h"

/* Replay: the executor that stands in for every edge step (one that talks to the outside: an
 * action, a file or a database step) while a saved test runs. It answers from the test's
 * recording of what the step sent out when the run was recorded, and never reaches the
 * network, a file or a database. The other steps (mappings, filters, deduplication) run for
 * real: they are what a test is for.
 *
 * Matching rules (docs/testing.md says the same for people):
 *  1. A batch that equals a recorded batch of the same step (same items in the same order,
 *     volatile fields aside) gets that batch's answer, whatever the step's shape (one file
 *     read giving many rows included).
 *  2. Otherwise each item is looked up alone among the step's recorded calls, by equal input
 *     (volatile fields aside); an item equal to several takes the first not used yet, so two
 *     equal items get the two answers recorded for them, in order.
 *  3. An item that matches nothing fails to the step's error port with "not recorded:" and
 *     the call the step would have made (method, address and body, secrets redacted).
 * A recorded batch of several items splits into calls when the step answered one item per
 * item: its error items carry their input, and the rest went out of one port in order.
 *  4. An app step (an operation of an app descriptor) of which the recording holds nothing at
 *     all answers every item from the operation's first documented example with a successful
 *     answer (the descriptor's "examples"), read into records the way the app executor reads
 *     a real answer. The replay notes it ("answered from the Slack descriptor's example"), so
 *     a flow with app steps can be tested with no recording, and a step that was recorded
 *     never falls back to a guess.
 */

#define REPLAY_DATA_KEY "conduit-executor-replay-data"
#define MAX_BODY_SHOWN 400

typedef struct
{
  JsonNode  *input;
  GPtrArray *ports;    /* of char *, parallel to items */
  GPtrArray *items;    /* of JsonNode */
  gboolean   used;
} Exchange;

typedef struct
{
  char       *trigger_node;
  JsonNode   *recordings;
  GStrv       volatile_fields;
  GHashTable *exchanges;   /* node id → GPtrArray of Exchange, built on first use */
  GPtrArray  *notes;       /* of char *: what the replay did that a person should know */
} ReplayData;

struct _ConduitExecutorReplay
{
  GObject parent_instance;
};

static void executor_iface_init (ConduitExecutorInterface *iface);

/* json_node_init_array() adds a reference; this hands its over. */
static inline JsonNode *
node_take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorReplay, conduit_executor_replay, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
exchange_free (Exchange *exchange)
{
  if (exchange == NULL)
    return;
  g_clear_pointer (&exchange->input, json_node_unref);
  g_clear_pointer (&exchange->ports, g_ptr_array_unref);
  g_clear_pointer (&exchange->items, g_ptr_array_unref);
  g_free (exchange);
}

static Exchange *
exchange_new (JsonNode *input)
{
  Exchange *exchange = g_new0 (Exchange, 1);

  exchange->input = json_node_ref (input);
  exchange->ports = g_ptr_array_new_with_free_func (g_free);
  exchange->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  return exchange;
}

static void
exchange_add (Exchange   *exchange,
              const char *port,
              JsonNode   *item)
{
  g_ptr_array_add (exchange->ports, g_strdup (port));
  g_ptr_array_add (exchange->items, json_node_ref (item));
}

static void
replay_data_free (ReplayData *data)
{
  g_free (data->trigger_node);
  g_clear_pointer (&data->recordings, json_node_unref);
  g_strfreev (data->volatile_fields);
  g_clear_pointer (&data->exchanges, g_hash_table_unref);
  g_clear_pointer (&data->notes, g_ptr_array_unref);
  g_free (data);
}

/**
 * conduit_connector_is_edge:
 * @connector: a node type
 *
 * Edge steps are those that talk to the outside (web APIs, files, databases, messages): in a
 * test they answer from a recording. Read from the connector's category, so a new action or
 * app operation is an edge step without being named here.
 *
 * Returns: whether nodes of @connector are edge steps
 */
gboolean
conduit_connector_is_edge (ConduitConnector *connector)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR (connector), FALSE);

  switch (conduit_connector_get_category (connector))
    {
    case CONDUIT_CONNECTOR_CATEGORY_ACTION:
    case CONDUIT_CONNECTOR_CATEGORY_FILE:
      return TRUE;
    case CONDUIT_CONNECTOR_CATEGORY_TRIGGER:
    case CONDUIT_CONNECTOR_CATEGORY_TRANSFORM:
    case CONDUIT_CONNECTOR_CATEGORY_LOGIC:
    default:
      return FALSE;
    }
}

/**
 * conduit_executor_replay_install:
 * @runner: a runner used for replaying only
 * @flow: the flow the test runs
 * @trigger_node: the node the test's items enter by
 * @recordings: a test's "recordings" array
 * @volatile_fields: (nullable): field paths ignored when matching calls
 *
 * Binds every edge step type of @flow, and the trigger's type, to the replay executor on
 * @runner, and keeps the recording on the runner's step context, where the executors find it.
 */
void
conduit_executor_replay_install (ConduitRunner      *runner,
                                 ConduitFlow        *flow,
                                 const char         *trigger_node,
                                 JsonNode           *recordings,
                                 const char * const *volatile_fields)
{
  ConduitConnectorRegistry *registry;
  GListModel *nodes;
  ReplayData *data;

  g_return_if_fail (CONDUIT_IS_RUNNER (runner));
  g_return_if_fail (CONDUIT_IS_FLOW (flow));
  g_return_if_fail (recordings == NULL || JSON_NODE_HOLDS_ARRAY (recordings));

  registry = conduit_runner_get_registry (runner);
  nodes = conduit_flow_get_nodes (flow);
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *type = conduit_node_get_connector_id (node);
      ConduitConnector *connector = conduit_connector_registry_lookup (registry, type);

      /* The trigger too: an app's polling trigger would fetch new records instead of passing
       * the test's items on. The replay executor passes the trigger's items through. */
      if ((connector != NULL && conduit_connector_is_edge (connector)) ||
          g_strcmp0 (conduit_node_get_id (node), trigger_node) == 0)
        conduit_runner_set_executor (runner, type, CONDUIT_TYPE_EXECUTOR_REPLAY);
    }

  data = g_new0 (ReplayData, 1);
  data->trigger_node = g_strdup (trigger_node);
  data->recordings = recordings != NULL ? json_node_ref (recordings)
                                        : node_take_array (json_array_new ());
  data->volatile_fields = g_strdupv ((char **)volatile_fields);
  data->exchanges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify)g_ptr_array_unref);
  data->notes = g_ptr_array_new_with_free_func (g_free);
  g_object_set_data_full (G_OBJECT (conduit_runner_get_step_context (runner)), REPLAY_DATA_KEY,
                          data, (GDestroyNotify)replay_data_free);
}

/**
 * conduit_executor_replay_get_notes:
 * @runner: a runner conduit_executor_replay_install() was called on
 *
 * Returns: (transfer none) (element-type utf8) (nullable): what the replay did that a person
 *   should know about, one sentence each (a step answered from its descriptor's example)
 */
GPtrArray *
conduit_executor_replay_get_notes (ConduitRunner *runner)
{
  ReplayData *data;

  g_return_val_if_fail (CONDUIT_IS_RUNNER (runner), NULL);

  data = g_object_get_data (G_OBJECT (conduit_runner_get_step_context (runner)), REPLAY_DATA_KEY);
  return data != NULL ? data->notes : NULL;
}

static gboolean
batch_equal (JsonArray          *recorded,
             GPtrArray          *items,
             const char * const *volatile_fields)
{
  if (json_array_get_length (recorded) != items->len)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    if (!conduit_flow_test_compare_item (json_array_get_element (recorded, i),
                                         g_ptr_array_index (items, i), volatile_fields,
                                         NULL, NULL, 0, NULL))
      return FALSE;
  return TRUE;
}

static JsonArray *
member_array (JsonObject *object,
              const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
member_object (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Splits one recorded batch into per-item calls (the comment at the top says when it can). */
static void
split_batch (ConduitConnector   *connector,
             JsonArray          *in,
             JsonObject         *ports,
             const char * const *volatile_fields,
             GPtrArray          *exchanges)
{
  guint n_in = json_array_get_length (in);
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify)exchange_free);
  g_autoptr(GList) names = json_object_get_members (ports);
  const char *answer_port = NULL;
  guint n_open = n_in;
  guint next = 0;

  for (guint i = 0; i < n_in; i++)
    g_ptr_array_add (calls, NULL);

  for (GList *l = names; l != NULL; l = l->next)
    {
      const ConduitPortSpec *spec = conduit_connector_find_output (connector, l->data);
      JsonArray *items = member_array (ports, l->data);
      guint n = items != NULL ? json_array_get_length (items) : 0;

      if (n == 0)
        continue;
      if (spec == NULL || !spec->is_error)
        {
          if (answer_port != NULL)
            return;   /* answers in two ports: the order between them is lost */
          answer_port = l->data;
          continue;
        }
      for (guint j = 0; j < n; j++)
        {
          JsonNode *failed = json_array_get_element (items, j);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (failed) ? json_node_get_object (failed) : NULL;
          JsonNode *input = object != NULL ? json_object_get_member (object, "item") : NULL;
          gboolean found = FALSE;

          for (guint i = 0; input != NULL && i < n_in && !found; i++)
            if (g_ptr_array_index (calls, i) == NULL &&
                conduit_flow_test_compare_item (json_array_get_element (in, i), input,
                                                volatile_fields, NULL, NULL, 0, NULL))
              {
                Exchange *exchange = exchange_new (json_array_get_element (in, i));

                exchange_add (exchange, l->data, failed);
                g_ptr_array_index (calls, i) = exchange;
                n_open--;
                found = TRUE;
              }
          if (!found)
            return;
        }
    }

  if (n_open > 0 && (answer_port == NULL ||
                     json_array_get_length (member_array (ports, answer_port)) != n_open))
    return;

  for (guint i = 0; i < n_in; i++)
    {
      Exchange *exchange;

      if (g_ptr_array_index (calls, i) != NULL)
        continue;
      exchange = exchange_new (json_array_get_element (in, i));
      exchange_add (exchange, answer_port,
                    json_array_get_element (member_array (ports, answer_port), next++));
      g_ptr_array_index (calls, i) = exchange;
    }

  for (guint i = 0; i < n_in; i++)
    g_ptr_array_add (exchanges, g_steal_pointer (&g_ptr_array_index (calls, i)));
}

static GPtrArray *
exchanges_for (ReplayData       *data,
               ConduitConnector *connector,
               const char       *node_id)
{
  JsonArray *recordings = json_node_get_array (data->recordings);
  GPtrArray *exchanges = g_hash_table_lookup (data->exchanges, node_id);

  if (exchanges != NULL)
    return exchanges;

  exchanges = g_ptr_array_new_with_free_func ((GDestroyNotify)exchange_free);
  for (guint r = 0; r < json_array_get_length (recordings); r++)
    {
      JsonNode *element = json_array_get_element (recordings, r);
      JsonObject *recording = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonArray *in;
      JsonObject *ports;

      if (recording == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (recording, "node", NULL),
                     node_id) != 0)
        continue;
      in = member_array (recording, "items_in");
      ports = member_object (recording, "ports");
      if (in == NULL || ports == NULL || json_array_get_length (in) == 0)
        continue;
      if (json_array_get_length (in) == 1)
        {
          Exchange *exchange = exchange_new (json_array_get_element (in, 0));
          g_autoptr(GList) names = json_object_get_members (ports);

          for (GList *l = names; l != NULL; l = l->next)
            {
              JsonArray *items = member_array (ports, l->data);

              for (guint j = 0; items != NULL && j < json_array_get_length (items); j++)
                exchange_add (exchange, l->data, json_array_get_element (items, j));
            }
          g_ptr_array_add (exchanges, exchange);
        }
      else
        split_batch (connector, in, ports, (const char * const *)data->volatile_fields, exchanges);
    }

  g_hash_table_insert (data->exchanges, g_strdup (node_id), exchanges);
  return exchanges;
}

static const char *
error_port (ConduitConnector *connector)
{
  GPtrArray *outputs = conduit_connector_get_outputs (connector);

  for (guint i = 0; i < outputs->len; i++)
    {
      const ConduitPortSpec *spec = g_ptr_array_index (outputs, i);

      if (spec->is_error && !g_str_equal (spec->id, "rejected"))
        return spec->id;
    }
  return NULL;
}

static char *
render (const char *text,
        JsonNode   *item)
{
  g_autoptr(ConduitExecutorText) compiled = NULL;
  char *rendered;

  compiled = conduit_executor_text_new_template (text, "url", NULL);
  if (compiled == NULL)
    return g_strdup (text);
  rendered = conduit_executor_text_render (compiled, item, NULL);
  return rendered != NULL ? rendered : g_strdup (text);
}

/* The call the step would have made for @item, in words: method, address, body. */
static char *
describe_call (ConduitRun       *run,
               ConduitNode      *node,
               ConduitConnector *connector,
               JsonNode         *item)
{
  g_autofree char *body = json_to_string (item, FALSE);
  g_autofree char *shown = NULL;
  g_autofree char *target = NULL;
  g_autofree char *text = NULL;
  g_autofree char *method = NULL;
  g_autofree char *redacted = NULL;
  JsonObject *operation = conduit_connector_get_operation (connector);
  const char *url = NULL;

  if (g_utf8_strlen (body, -1) > MAX_BODY_SHOWN)
    {
      g_autofree char *cut = g_utf8_substring (body, 0, MAX_BODY_SHOWN);
      shown = g_strconcat (cut, "…", NULL);
    }
  else
    shown = g_strdup (body);

  if (conduit_connector_find_setting (connector, "url") != NULL)
    url = conduit_node_get_setting_string (node, "url");
  else if (conduit_connector_find_setting (connector, "webhook_url") != NULL)
    url = conduit_node_get_setting_string (node, "webhook_url");

  if (url != NULL)
    {
      method = conduit_node_dup_string_setting (node, connector, "method");
      target = render (url, item);
      text = g_strdup_printf (_("not recorded: %s %s with %s"), method != NULL ? method : "POST",
                              target, shown);
    }
  else if (operation != NULL && member_object (operation, "request") != NULL)
    {
      JsonObject *request = member_object (operation, "request");
      ConduitAppDescriptor *app = conduit_connector_get_app (connector);
      JsonObject *connection = app != NULL ? conduit_app_descriptor_get_connection (app) : NULL;
      const char *base = connection != NULL
        ? json_object_get_string_member_with_default (connection, "base_url", "") : "";
      const char *path = json_object_get_string_member_with_default (request, "path", "/");
      g_autoptr(JsonObject) scope = json_object_new ();
      g_autoptr(JsonNode) scope_node = NULL;
      g_autofree char *rendered = NULL;

      /* the item stands in for the step's input fields: close enough to recognise the call */
      json_object_set_member (scope, "input", json_node_copy (item));
      json_object_set_member (scope, "item", json_node_copy (item));
      scope_node = json_node_init_object (json_node_alloc (), scope);
      rendered = conduit_app_render_text (path, scope_node, NULL);
      text = g_strdup_printf (_("not recorded: %s %s%s with %s"),
                              json_object_get_string_member_with_default (request, "method", "GET"),
                              base, rendered != NULL ? rendered : path, shown);
    }
  else
    text = g_strdup_printf (_("not recorded: %s “%s” with %s"),
                            conduit_connector_get_name (connector),
                            conduit_node_get_title (node) != NULL ? conduit_node_get_title (node)
                                                                  : conduit_node_get_id (node),
                            shown);

  redacted = conduit_run_redact (run, text);
  return conduit_redactor_redact (conduit_redactor_get_default (), redacted);
}

static gboolean
node_recorded (JsonArray  *recordings,
               const char *node_id)
{
  for (guint r = 0; r < json_array_get_length (recordings); r++)
    {
      JsonNode *element = json_array_get_element (recordings, r);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (element),
                                                                 "node", NULL), node_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Rule 4: the records of the operation's first example that answered with success, or %NULL
 * when the step is no app operation or its descriptor documents no such example. */
static GPtrArray *
example_records (ConduitConnector  *connector,
                 char             **example_title)
{
  ConduitAppDescriptor *app = conduit_connector_get_app (connector);
  JsonObject *operation = conduit_connector_get_operation (connector);
  JsonArray *examples = app != NULL ? conduit_app_descriptor_get_examples (app) : NULL;
  const char *operation_id;

  if (operation == NULL || examples == NULL || conduit_connector_get_trigger (connector) != NULL)
    return NULL;
  operation_id = json_object_get_string_member_with_default (operation, "id", NULL);

  for (guint i = 0; i < json_array_get_length (examples); i++)
    {
      JsonNode *element = json_array_get_element (examples, i);
      JsonObject *example = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonObject *response = example != NULL ? member_object (example, "response") : NULL;
      JsonNode *body = response != NULL ? json_object_get_member (response, "body") : NULL;
      gint64 status = response != NULL
        ? json_object_get_int_member_with_default (response, "status", 200) : 0;
      g_autofree char *app_message = NULL;
      GPtrArray *records;

      if (response == NULL || operation_id == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (example, "operation", NULL),
                     operation_id) != 0 ||
          status < 200 || status > 299)
        continue;
      /* a 200 that carries an error in its body (Slack's "ok": false) is no answer to copy */
      if (body != NULL && conduit_app_find_error (app, operation, body, &app_message))
        continue;
      records = conduit_app_extract_records (operation, body, (guint)status, NULL);
      if (records == NULL)
        continue;
      *example_title = g_strdup (json_object_get_string_member_with_default (example, "title",
                                                                             operation_id));
      return records;
    }
  return NULL;
}

static void
note_example (ReplayData       *data,
              ConduitNode      *node,
              ConduitConnector *connector,
              const char       *example_title)
{
  ConduitAppDescriptor *app = conduit_connector_get_app (connector);
  const char *title = conduit_node_get_title (node);

  g_ptr_array_add (data->notes,
                   g_strdup_printf (_("step “%s” (%s): answered from the %s descriptor’s example "
                                      "(“%s”): the recording has no call of this step"),
                                    title != NULL && title[0] != '\0' ? title
                                                                      : conduit_node_get_id (node),
                                    conduit_node_get_id (node),
                                    conduit_app_descriptor_get_title (app), example_title));
}

static const char *
first_output (ConduitConnector *connector)
{
  GPtrArray *outputs = conduit_connector_get_outputs (connector);

  for (guint i = 0; i < outputs->len; i++)
    {
      const ConduitPortSpec *spec = g_ptr_array_index (outputs, i);

      if (!spec->is_error)
        return spec->id;
    }
  return "out";
}

static void
conduit_executor_replay_execute_async (ConduitExecutor     *executor,
                                       ConduitRun          *run,
                                       ConduitNode         *node,
                                       GPtrArray           *items,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (executor, cancellable, callback, user_data);
  ConduitStepContext *context = conduit_run_get_context (run);
  ReplayData *data = g_object_get_data (G_OBJECT (context), REPLAY_DATA_KEY);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  const char *node_id = conduit_node_get_id (node);
  const char * const *volatile_fields;
  JsonArray *recordings;
  ConduitExecutorOutput *output;
  GPtrArray *exchanges;
  const char *failed_port;

  g_task_set_source_tag (task, conduit_executor_replay_execute_async);

  if (data == NULL)
    {
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                               _("Step “%s” runs in replay mode without a recording"), node_id);
      return;
    }
  volatile_fields = (const char * const *)data->volatile_fields;
  recordings = json_node_get_array (data->recordings);
  output = conduit_executor_output_new ();

  /* The items the test starts with enter here: they are the fixture, not a call. */
  if (g_strcmp0 (node_id, data->trigger_node) == 0)
    {
      for (guint i = 0; i < items->len; i++)
        conduit_executor_output_add (output, first_output (connector),
                                     json_node_ref (g_ptr_array_index (items, i)));
      g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
      return;
    }

  /* Rule 1: the whole batch as recorded */
  for (guint r = 0; r < json_array_get_length (recordings); r++)
    {
      JsonNode *element = json_array_get_element (recordings, r);
      JsonObject *recording = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonArray *in = recording != NULL ? member_array (recording, "items_in") : NULL;
      JsonObject *ports = recording != NULL ? member_object (recording, "ports") : NULL;
      g_autoptr(GList) names = NULL;

      if (in == NULL || ports == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (recording, "node", NULL),
                     node_id) != 0 ||
          !batch_equal (in, items, volatile_fields))
        continue;

      names = json_object_get_members (ports);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonArray *port_items = member_array (ports, l->data);

          for (guint j = 0; port_items != NULL && j < json_array_get_length (port_items); j++)
            conduit_executor_output_add (output, l->data,
                                         json_node_copy (json_array_get_element (port_items, j)));
        }
      g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
      return;
    }

  /* Rule 4: an app step the recording knows nothing of */
  if (items->len > 0 && !node_recorded (recordings, node_id))
    {
      g_autofree char *example_title = NULL;
      g_autoptr(GPtrArray) records = example_records (connector, &example_title);

      if (records != NULL)
        {
          for (guint i = 0; i < items->len; i++)
            for (guint j = 0; j < records->len; j++)
              conduit_executor_output_add (output, first_output (connector),
                                           json_node_copy (g_ptr_array_index (records, j)));
          note_example (data, node, connector, example_title);
          g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
          return;
        }
    }

  /* Rules 2 and 3: item by item */
  exchanges = exchanges_for (data, connector, node_id);
  failed_port = error_port (connector);
  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      Exchange *match = NULL;

      for (guint e = 0; e < exchanges->len; e++)
        {
          Exchange *exchange = g_ptr_array_index (exchanges, e);

          if ((match == NULL || (match->used && !exchange->used)) &&
              conduit_flow_test_compare_item (exchange->input, item, volatile_fields,
                                              NULL, NULL, 0, NULL))
            {
              match = exchange;
              if (!exchange->used)
                break;
            }
        }

      if (match != NULL)
        {
          match->used = TRUE;
          for (guint j = 0; j < match->items->len; j++)
            conduit_executor_output_add (output, g_ptr_array_index (match->ports, j),
                                         json_node_copy (g_ptr_array_index (match->items, j)));
          continue;
        }

      {
        g_autofree char *message = describe_call (run, node, connector, item);

        if (failed_port == NULL)
          {
            conduit_executor_output_free (output);
            g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED,
                                     "%s", message);
            return;
          }
        conduit_executor_output_add_error (output, failed_port, item, "not-recorded", message, 0, 0);
      }
    }

  g_task_return_pointer (task, output, (GDestroyNotify)conduit_executor_output_free);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->execute_async = conduit_executor_replay_execute_async;
}

static void
conduit_executor_replay_class_init (ConduitExecutorReplayClass *klass)
{
}

static void
conduit_executor_replay_init (ConduitExecutorReplay *self)
{
}
