/* conduit-executor-http.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-executor-http"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-step-status.h"
#include "conduit-executor-http-private.h"
#include "conduit-executor-text.h"
#include "conduit-json-writer.h"
#include "conduit-run.h"

/* The HTTP Request node: its settings compiled into a plan, a request built for each item,
 * up to MAX_IN_FLIGHT items' calls at a time (conduit-executor-http-call.c makes each call,
 * with its retries), and the items it hands on.
 */

#define MAX_IN_FLIGHT 8

/* The node */

/* What a node's settings make of it, read and compiled once per version of its settings and
 * shared by the node's executors: a webhook flow runs the same node thousands of times a
 * second. Kept on the node; a change of one of its settings makes it stale. Read-only once
 * made, but for that mark. */
typedef struct
{
  ConduitConnector    *connector;       /* the one its defaults came from */
  ConduitRetryPolicy  *policy;
  char                *method;
  ConduitExecutorText *url;
  char                *constant_url;    /* (nullable) the URL when no item changes it */
  GUri                *constant_uri;    /* (nullable) it parsed, when it is a web address */
  GPtrArray           *header_names;    /* of char * */
  GPtrArray           *header_values;   /* of ConduitExecutorText */
  GPtrArray           *query_names;
  GPtrArray           *query_values;
  char                *body_kind;
  char                *credential_id;
  ConduitExecutorText *idempotency_key;
  guint                timeout_s;
  gboolean             verify_tls;
  gboolean             follow_redirects;
  gint                 stale;           /* atomic: a setting changed since */
} HttpPlan;

static void
http_plan_clear (gpointer data)
{
  HttpPlan *plan = data;

  g_clear_object (&plan->connector);
  g_clear_object (&plan->policy);
  g_free (plan->method);
  g_clear_pointer (&plan->url, conduit_executor_text_free);
  g_free (plan->constant_url);
  g_clear_pointer (&plan->constant_uri, g_uri_unref);
  g_clear_pointer (&plan->header_names, g_ptr_array_unref);
  g_clear_pointer (&plan->header_values, g_ptr_array_unref);
  g_clear_pointer (&plan->query_names, g_ptr_array_unref);
  g_clear_pointer (&plan->query_values, g_ptr_array_unref);
  g_free (plan->body_kind);
  g_free (plan->credential_id);
  g_clear_pointer (&plan->idempotency_key, conduit_executor_text_free);
}

static void
http_plan_release (HttpPlan *plan)
{
  g_atomic_rc_box_release_full (plan, http_plan_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpPlan, http_plan_release)

struct _ConduitExecutorHttp
{
  GObject                parent_instance;

  ConduitRun            *run;
  ConduitNode           *node;
  HttpPlan              *plan;
  ConduitCredential     *credential;

  /* the batch being worked through */
  GTask                 *task;
  GPtrArray             *items;
  ConduitExecutorOutput *output;
  JsonNode             **results;        /* per item: the output item */
  gboolean              *failed;
  guint                  next;
  guint                  in_flight;
  guint                  batch_start;  /* the batch's first item among the node's input */
  ConduitHttpShard      *shard;        /* (nullable) the session the batch's calls go out on */
};

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorHttp, conduit_executor_http, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
conduit_executor_http_finalize (GObject *object)
{
  ConduitExecutorHttp *self = (ConduitExecutorHttp *)object;

  g_clear_object (&self->run);
  g_clear_object (&self->node);
  g_clear_pointer (&self->plan, http_plan_release);
  g_clear_object (&self->credential);
  if (self->results != NULL)
    for (guint i = 0; self->items != NULL && i < self->items->len; i++)
      g_clear_pointer (&self->results[i], json_node_unref);
  g_free (self->results);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->output, conduit_executor_output_free);
  g_free (self->failed);

  G_OBJECT_CLASS (conduit_executor_http_parent_class)->finalize (object);
}

static void
conduit_executor_http_class_init (ConduitExecutorHttpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_http_finalize;
}

static void
conduit_executor_http_init (ConduitExecutorHttp *self)
{
}

static gboolean
compile_object_setting (ConduitNode       *node,
                        ConduitConnector  *connector,
                        const char        *key,
                        GPtrArray         *names,
                        GPtrArray         *values,
                        GError           **error)
{
  g_autoptr(JsonNode) value = conduit_node_dup_setting_or_default (node, connector, key);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    return TRUE;

  json_object_iter_init_ordered (&iter, json_node_get_object (value));
  while (json_object_iter_next_ordered (&iter, &name, &member))
    {
      g_autofree char *where = g_strdup_printf ("%s “%s”", key, name);
      g_autofree char *text = NULL;
      ConduitExecutorText *compiled;

      if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (member));
      else
        text = conduit_json_writer_to_string (member, NULL);

      compiled = conduit_executor_text_new_template (text, where, error);
      if (compiled == NULL)
        return FALSE;
      g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_add (values, compiled);
    }

  return TRUE;
}

/* Reads and compiles @node's settings. */
static HttpPlan *
http_plan_new (ConduitNode       *node,
               ConduitConnector  *connector,
               GError           **error)
{
  g_autoptr(HttpPlan) plan = g_atomic_rc_box_new0 (HttpPlan);
  g_autofree char *url = NULL;
  g_autofree char *key = NULL;

  plan->connector = g_object_ref (connector);
  plan->header_names = g_ptr_array_new_with_free_func (g_free);
  plan->header_values = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_executor_text_free);
  plan->query_names = g_ptr_array_new_with_free_func (g_free);
  plan->query_values = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_executor_text_free);
  plan->policy = conduit_retry_policy_new_for_node (node, connector);
  plan->method = conduit_node_dup_string_setting (node, connector, "method");
  if (plan->method == NULL)
    plan->method = g_strdup ("POST");
  plan->body_kind = conduit_node_dup_string_setting (node, connector, "body");
  if (plan->body_kind == NULL)
    plan->body_kind = g_strdup ("json");
  plan->credential_id = conduit_node_dup_string_setting (node, connector, "credential");
  plan->timeout_s = (guint)CLAMP (conduit_node_get_int_setting (node, connector,
                                                                "timeout_seconds", 30), 1, 3600);
  plan->verify_tls = conduit_node_get_bool_setting (node, connector, "verify_tls", TRUE);
  plan->follow_redirects = conduit_node_get_bool_setting (node, connector, "follow_redirects",
                                                          TRUE);

  url = conduit_node_dup_string_setting (node, connector, "url");
  if (url == NULL)
    {
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("the URL is empty"));
      return NULL;
    }
  plan->url = conduit_executor_text_new_template (url, _("the URL"), error);
  if (plan->url == NULL)
    return NULL;
  /* The same for every item: rendered and parsed once, not for every request. */
  plan->constant_url = conduit_executor_text_dup_constant (plan->url);
  if (plan->constant_url != NULL)
    plan->constant_uri = g_uri_parse (plan->constant_url, SOUP_HTTP_URI_FLAGS, NULL);

  key = conduit_node_dup_string_setting (node, connector, "idempotency_key");
  if (key != NULL &&
      !(plan->idempotency_key = conduit_executor_text_new_expression (key,
                                                                      _("the idempotency key"),
                                                                      error)))
    return NULL;

  if (!compile_object_setting (node, connector, "headers", plan->header_names,
                               plan->header_values, error) ||
      !compile_object_setting (node, connector, "query", plan->query_names,
                               plan->query_values, error))
    return NULL;

  return g_steal_pointer (&plan);
}

static GQuark
plan_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("conduit-http-plan");
  return quark;
}

static void
node_setting_changed_cb (ConduitNode *node,
                         const char  *key,
                         gpointer     user_data)
{
  HttpPlan *plan = g_object_get_qdata (G_OBJECT (node), plan_quark ());

  /* the next run reads the settings again; executors at work keep the plan they have */
  if (plan != NULL)
    g_atomic_int_set (&plan->stale, TRUE);
}

static gboolean
conduit_executor_http_prepare (ConduitExecutor  *executor,
                               ConduitRun       *run,
                               ConduitNode      *node,
                               GError          **error)
{
  ConduitExecutorHttp *self = CONDUIT_EXECUTOR_HTTP (executor);
  ConduitConnector *connector = conduit_run_get_connector (run, node);
  HttpPlan *kept;
  HttpPlan *plan;

  self->run = g_object_ref (run);
  self->node = g_object_ref (node);

  kept = g_object_get_qdata (G_OBJECT (node), plan_quark ());
  if (kept != NULL && !g_atomic_int_get (&kept->stale) && kept->connector == connector)
    {
      self->plan = g_atomic_rc_box_acquire (kept);
      return TRUE;
    }

  plan = http_plan_new (node, connector, error);
  if (plan == NULL)
    return FALSE;
  self->plan = g_atomic_rc_box_acquire (plan);
  /* once per node: a plan it had before was watched already */
  if (kept == NULL)
    g_signal_connect (node, "setting-changed", G_CALLBACK (node_setting_changed_cb), NULL);
  g_object_set_qdata_full (G_OBJECT (node), plan_quark (), plan,
                           (GDestroyNotify)http_plan_release);
  return TRUE;
}

static void start_next (ConduitExecutorHttp *self);

static void
encode_form_field (const char *name,
                   JsonNode   *value,
                   GString    *out)
{
  g_autofree char *text = NULL;
  g_autofree char *escaped_name = NULL;
  g_autofree char *escaped_value = NULL;

  if (JSON_NODE_HOLDS_NULL (value))
    text = g_strdup ("");
  else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (value));
  else
    text = conduit_json_writer_to_string (value, NULL);

  escaped_name = g_uri_escape_string (name, NULL, FALSE);
  escaped_value = g_uri_escape_string (text, NULL, FALSE);
  if (out->len > 0)
    g_string_append_c (out, '&');
  g_string_append_printf (out, "%s=%s", escaped_name, escaped_value);
}

static ConduitHttpRequest *
build_request (ConduitExecutorHttp  *self,
               JsonNode             *item,
               GError              **error)
{
  g_autoptr(ConduitHttpRequest) request = NULL;
  g_autofree char *url = NULL;

  if (self->plan->constant_url != NULL)
    url = g_strdup (self->plan->constant_url);
  else
    url = conduit_executor_text_render (self->plan->url, item, error);
  if (url == NULL)
    return NULL;

  if (self->plan->query_names->len > 0)
    {
      GString *full = g_string_new (url);
      gboolean has_query = strchr (url, '?') != NULL;

      for (guint i = 0; i < self->plan->query_names->len; i++)
        {
          g_autofree char *value = conduit_executor_text_render (g_ptr_array_index (self->plan->query_values, i),
                                                             item, error);
          g_autofree char *escaped_name = NULL;
          g_autofree char *escaped_value = NULL;

          if (value == NULL)
            {
              g_string_free (full, TRUE);
              return NULL;
            }
          escaped_name = g_uri_escape_string (g_ptr_array_index (self->plan->query_names, i), NULL, FALSE);
          escaped_value = g_uri_escape_string (value, NULL, FALSE);
          g_string_append_printf (full, "%c%s=%s", has_query ? '&' : '?', escaped_name,
                                  escaped_value);
          has_query = TRUE;
        }
      g_free (url);
      url = g_string_free (full, FALSE);
    }

  request = conduit_http_request_new (self->plan->method, url);
  if (self->plan->constant_uri != NULL && self->plan->query_names->len == 0)
    request->uri = g_uri_ref (self->plan->constant_uri);
  request->timeout_s = self->plan->timeout_s;
  request->verify_tls = self->plan->verify_tls;
  request->follow_redirects = self->plan->follow_redirects;
  request->credential_id = g_strdup (self->plan->credential_id);
  if (self->credential != NULL)
    request->credential = g_object_ref (self->credential);

  for (guint i = 0; i < self->plan->header_names->len; i++)
    {
      g_autofree char *value = conduit_executor_text_render (g_ptr_array_index (self->plan->header_values, i),
                                                         item, error);
      if (value == NULL)
        return NULL;
      conduit_http_request_add_header (request, g_ptr_array_index (self->plan->header_names, i), value);
    }

  if (self->plan->idempotency_key != NULL)
    {
      request->idempotency_key = conduit_executor_text_render (self->plan->idempotency_key, item, error);
      if (request->idempotency_key == NULL)
        return NULL;
    }

  if (g_str_equal (self->plan->method, "GET") || g_str_equal (self->plan->body_kind, "none"))
    return g_steal_pointer (&request);

  if (g_str_equal (self->plan->body_kind, "form"))
    {
      GString *form = g_string_new (NULL);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (item));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        encode_form_field (name, value, form);
      request->content_type = g_strdup ("application/x-www-form-urlencoded");
      request->body = g_string_free_to_bytes (form);
    }
  else
    {
      gsize length = 0;
      /* the text the run made of the item for the history, when the node before sent it */
      char *text = conduit_run_dup_item_text (self->run, item, &length);

      if (text == NULL)
        text = conduit_json_writer_to_string (item, &length);

      request->content_type = g_strdup ("application/json");
      request->body = g_bytes_new_take (text, length);
    }

  return g_steal_pointer (&request);
}

static void
maybe_finish (ConduitExecutorHttp *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->in_flight > 0 || self->next < self->items->len || self->task == NULL)
    return;

  /* Items leave in the order they came, whatever order their answers arrived in. */
  for (guint i = 0; i < self->items->len; i++)
    conduit_executor_output_add (self->output, self->failed[i] ? "error" : "out",
                                 g_steal_pointer (&self->results[i]));

  task = g_steal_pointer (&self->task);
  g_task_return_pointer (task, g_steal_pointer (&self->output),
                         (GDestroyNotify)conduit_executor_output_free);
}

static JsonNode *
make_error_item (JsonNode   *item,
                 const char *kind,
                 const char *message,
                 guint       http_status,
                 guint       attempts)
{
  g_autoptr(ConduitExecutorOutput) scratch = conduit_executor_output_new ();

  return json_node_ref (conduit_executor_output_add_error (scratch, "error", item, kind, message,
                                                           http_status, attempts));
}

typedef struct
{
  ConduitExecutorHttp *self;
  guint                index;
} ItemCall;

static void
item_done_cb (ConduitHttpOutcome *outcome_in,
              GError             *error_in,
              gpointer            user_data)
{
  ItemCall *item_call = user_data;
  g_autoptr(ConduitExecutorHttp) self = item_call->self;
  guint index = item_call->index;
  JsonNode *item = g_ptr_array_index (self->items, index);
  g_autoptr(ConduitHttpOutcome) outcome = outcome_in;
  g_autoptr(GError) error = error_in;

  g_free (item_call);
  self->in_flight--;

  if (outcome == NULL)
    {
      /* Cancelled: stop starting items and end the batch with the error. */
      if (self->task != NULL)
        {
          g_autoptr(GTask) task = g_steal_pointer (&self->task);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      return;
    }

  if (outcome->ok)
    {
      JsonObject *copy = json_object_new ();
      JsonObject *response = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (item));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        json_object_set_member (copy, name, json_node_ref (value));

      json_object_set_int_member (response, "status", outcome->status);
      json_object_set_member (response, "headers", g_steal_pointer (&outcome->headers));
      json_object_set_member (response, "body", g_steal_pointer (&outcome->body));
      json_object_set_int_member (response, "attempts", outcome->attempts);
      json_object_set_object_member (copy, "response", response);

      self->results[index] = json_node_init_object (json_node_alloc (), copy);
      json_object_unref (copy);
    }
  else
    {
      self->failed[index] = TRUE;
      self->results[index] = make_error_item (item, outcome->error_kind, outcome->error_message,
                                              outcome->status, outcome->attempts);
    }

  start_next (self);
  maybe_finish (self);
}

static void
start_next (ConduitExecutorHttp *self)
{
  while (self->task != NULL && self->in_flight < MAX_IN_FLIGHT && self->next < self->items->len)
    {
      guint index = self->next++;
      JsonNode *item = g_ptr_array_index (self->items, index);
      g_autoptr(GError) error = NULL;
      ConduitHttpRequest *request;
      ItemCall *item_call;

      request = build_request (self, item, &error);
      if (request == NULL)
        {
          ConduitStepRecord step = { 0 };

          step.node_id = (char *)conduit_node_get_id (self->node);
          step.item_index = (gint)(self->batch_start + index);
          step.attempt = 0;
          step.status = (char *)conduit_step_status_to_string (CONDUIT_STEP_STATUS_FAILED);
          step.error_kind = (char *)conduit_error_kind_to_string (CONDUIT_ERROR_KIND_INVALID);
          step.error_message = error->message;
          conduit_run_record_attempt (self->run, &step);
          self->failed[index] = TRUE;
          self->results[index] = make_error_item (item, "invalid", error->message, 0, 0);
          continue;
        }

      item_call = g_new0 (ItemCall, 1);
      item_call->self = g_object_ref (self);
      item_call->index = index;
      self->in_flight++;
      /* the call itself, without a GTask of its own around it */
      /* a batch's calls on one session while it has room: they leave in the items' order */
      self->shard = conduit_http_pool_pick (conduit_run_get_session (self->run), self->shard);
      _conduit_http_call_start (self->run, conduit_node_get_id (self->node),
                                self->batch_start + index, self->plan->policy, request,
                                self->shard, g_task_get_cancellable (self->task), item_done_cb,
                                item_call);
    }
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitExecutorHttp) self = user_data;
  GError *error = NULL;

  self->credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (self->credential == NULL)
    {
      /* Every item leaves through the error port, with the reason. */
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, error);
      return;
    }

  start_next (self);
  maybe_finish (self);
}

static void
conduit_executor_http_execute_async (ConduitExecutor     *executor,
                                     ConduitRun          *run,
                                     ConduitNode         *node,
                                     GPtrArray           *items,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ConduitExecutorHttp *self = CONDUIT_EXECUTOR_HTTP (executor);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, conduit_executor_http_execute_async);

  /* One batch after another: the last one's results were all handed out. */
  if (self->results != NULL)
    for (guint i = 0; self->items != NULL && i < self->items->len; i++)
      g_clear_pointer (&self->results[i], json_node_unref);
  g_clear_pointer (&self->results, g_free);
  g_clear_pointer (&self->failed, g_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->output, conduit_executor_output_free);
  self->next = 0;
  self->in_flight = 0;
  self->shard = NULL;
  /* items keep their position through the flow, across batches */
  self->batch_start = conduit_run_get_batch_start (run, node);

  self->items = g_ptr_array_ref (items);
  self->output = conduit_executor_output_new ();
  self->results = g_new0 (JsonNode *, MAX (items->len, 1));
  self->failed = g_new0 (gboolean, MAX (items->len, 1));

  if (self->plan->credential_id != NULL)
    {
      conduit_run_lookup_credential_async (run, self->plan->credential_id, cancellable,
                                           credential_cb, g_object_ref (self));
      return;
    }

  start_next (self);
  maybe_finish (self);
}

static ConduitExecutorInput
conduit_executor_http_get_input_mode (ConduitExecutor *executor)
{
  return CONDUIT_EXECUTOR_INPUT_BATCHES;
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_http_prepare;
  iface->execute_async = conduit_executor_http_execute_async;
  iface->get_input_mode = conduit_executor_http_get_input_mode;
}
