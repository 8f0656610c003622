/* conduit-executor-app.c
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

#include "conduit-json-text.h"
#include "conduit-app-request.h"
#include "conduit-credential.h"
#include "conduit-executor-app.h"
#include "conduit-executor-app-private.h"
#include "conduit-executor-http.h"
#include "conduit-history-store.h"
#include "conduit-step-context.h"

/* The one executor of every app step: any operation of any app descriptor runs here.
 *
 * Per item: the inputs are taken from the node's settings (templates over the item) or, when a
 * setting is empty, from the item's field of the same name (so a Map Fields step before it
 * fills the operation's fields); then each page of the operation is one HTTP call with the
 * shared retry code (conduit_http_send_async: retries, credentials through the authorizer,
 * every attempt in the history). Calls wait for the app's rate limit, measured on the step
 * context's clock and shared by every step using the same app and credential. An answer the
 * app marks as an error, even a 200, sends the item to the error port with the app's message.
 *
 * A poll trigger (a trigger step made from an app) runs its operation once, keeps the records
 * whose dedup key it has not seen before, and moves its cursor, both in the history database
 * (or in memory on the step context when runs are not recorded), so each record fires once,
 * across restarts too.
 */

#define DEFAULT_CONCURRENCY 4

struct _ConduitExecutorApp
{
  GObject                parent_instance;

  ConduitRun            *run;
  ConduitNode           *node;
  ConduitConnector      *connector;
  ConduitAppDescriptor  *app;
  JsonObject            *operation;
  JsonObject            *trigger;        /* (nullable) for poll triggers */
  ConduitRetryPolicy    *policy;
  GArray                *retry_statuses; /* (nullable) */
  char                  *credential_id;  /* (nullable) */
  char                  *poll_start;     /* (nullable) the cursor's initial value, sent when no
                                          * cursor was kept yet */
  ConduitCredential     *credential;
  guint                  concurrency;
  double                 rps;            /* 0: no limit */

  /* the batch */
  GTask                 *task;
  GPtrArray             *items;
  GPtrArray            **records;        /* per item */
  JsonNode             **errors;         /* per item: the error item, or NULL */
  guint                  n_slots;        /* of records and errors: the caller may empty items */
  guint                  next;
  guint                  in_flight;
};

typedef struct
{
  ConduitExecutorApp *self;
  guint               index;
  JsonNode           *scope;
  ConduitAppPage      page;
  GHashTable         *extra_query;
  GPtrArray          *records;
} Job;

static void executor_iface_init (ConduitExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitExecutorApp, conduit_executor_app, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONDUIT_TYPE_EXECUTOR, executor_iface_init))

static void
free_batch (ConduitExecutorApp *self)
{
  for (guint i = 0; i < self->n_slots; i++)
    {
      g_clear_pointer (&self->records[i], g_ptr_array_unref);
      g_clear_pointer (&self->errors[i], json_node_unref);
    }
  self->n_slots = 0;
  g_clear_pointer (&self->records, g_free);
  g_clear_pointer (&self->errors, g_free);
  g_clear_pointer (&self->items, g_ptr_array_unref);
}

static void
conduit_executor_app_finalize (GObject *object)
{
  ConduitExecutorApp *self = (ConduitExecutorApp *)object;

  free_batch (self);
  g_clear_object (&self->task);
  g_clear_object (&self->run);
  g_clear_object (&self->node);
  g_clear_object (&self->policy);
  g_clear_object (&self->credential);
  g_clear_pointer (&self->retry_statuses, g_array_unref);
  g_clear_pointer (&self->credential_id, g_free);
  g_clear_pointer (&self->poll_start, g_free);

  G_OBJECT_CLASS (conduit_executor_app_parent_class)->finalize (object);
}

static void
conduit_executor_app_class_init (ConduitExecutorAppClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_executor_app_finalize;
}

static void
conduit_executor_app_init (ConduitExecutorApp *self)
{
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
conduit_executor_app_prepare (ConduitExecutor  *executor,
                              ConduitRun       *run,
                              ConduitNode      *node,
                              GError          **error)
{
  ConduitExecutorApp *self = CONDUIT_EXECUTOR_APP (executor);
  JsonObject *defaults;
  JsonObject *retry;
  JsonObject *rate;

  self->run = g_object_ref (run);
  self->node = g_object_ref (node);
  self->connector = conduit_run_get_connector (run, node);
  self->app = conduit_connector_get_app (self->connector);
  self->operation = conduit_connector_get_operation (self->connector);
  self->trigger = conduit_connector_get_trigger (self->connector);
  g_assert (self->app != NULL && self->operation != NULL);

  defaults = conduit_app_descriptor_get_defaults (self->app);
  retry = object_member (defaults, "retry");
  rate = object_member (defaults, "rate_limit");

  self->policy = conduit_retry_policy_new (retry ? (guint)json_object_get_int_member_with_default (retry, "max_attempts", 3) : 3,
                                           500, 30000);
  if (retry != NULL && json_object_has_member (retry, "statuses"))
    {
      JsonArray *statuses = json_object_get_array_member (retry, "statuses");

      self->retry_statuses = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint i = 0; i < json_array_get_length (statuses); i++)
        {
          guint status = (guint)json_array_get_int_element (statuses, i);
          g_array_append_val (self->retry_statuses, status);
        }
    }

  self->concurrency = rate ? (guint)json_object_get_int_member_with_default (rate, "concurrency",
                                                                             DEFAULT_CONCURRENCY)
                           : DEFAULT_CONCURRENCY;
  self->rps = rate && json_object_has_member (rate, "requests_per_second")
              ? json_object_get_double_member (rate, "requests_per_second") : 0;

  if (conduit_connector_find_setting (self->connector, "credential") != NULL)
    {
      self->credential_id = conduit_node_dup_string_setting (node, self->connector, "credential");
      if (self->credential_id == NULL || *self->credential_id == '\0')
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_CREDENTIAL,
                       _("this %s step has no connection: choose one, or connect to %s"),
                       conduit_app_descriptor_get_title (self->app),
                       conduit_app_descriptor_get_title (self->app));
          return FALSE;
        }
    }

  return TRUE;
}

/* Inputs */

static JsonNode *
coerce (JsonNode    *value,
        const char  *type,
        const char  *label,
        GError     **error)
{
  const char *text = json_node_get_value_type (value) == G_TYPE_STRING ? json_node_get_string (value)
                                                                        : NULL;

  if (g_strcmp0 (type, "integer") == 0 && text != NULL)
    {
      gint64 number;

      if (!g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("“%s” needs a whole number, not “%s”"), label, text);
          return NULL;
        }
      return json_node_init_int (json_node_alloc (), number);
    }
  if (g_strcmp0 (type, "number") == 0 && text != NULL)
    {
      char *end = NULL;
      double number = g_ascii_strtod (text, &end);

      if (end == text || *end != '\0')
        {
          g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                       _("“%s” needs a number, not “%s”"), label, text);
          return NULL;
        }
      return json_node_init_double (json_node_alloc (), number);
    }
  if (g_strcmp0 (type, "boolean") == 0 && text != NULL)
    {
      if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1") ||
          g_ascii_strcasecmp (text, "yes") == 0)
        return json_node_init_boolean (json_node_alloc (), TRUE);
      if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0") ||
          g_ascii_strcasecmp (text, "no") == 0)
        return json_node_init_boolean (json_node_alloc (), FALSE);
      g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                   _("“%s” needs true or false, not “%s”"), label, text);
      return NULL;
    }
  if ((g_strcmp0 (type, "string") == 0 || g_strcmp0 (type, "text") == 0) && text == NULL &&
      JSON_NODE_HOLDS_VALUE (value))
    {
      /* a number mapped into a text field is sent as its text */
      g_autofree char *printed = json_to_string (value, FALSE);
      return json_node_init_string (json_node_alloc (), printed);
    }
  return json_node_copy (value);
}

static gboolean
is_empty (JsonNode *value)
{
  return value == NULL || JSON_NODE_HOLDS_NULL (value) ||
         (json_node_get_value_type (value) == G_TYPE_STRING && *json_node_get_string (value) == '\0');
}

/* A poll trigger whose cursor has an initial value fills the input of the cursor's name
 * itself, so that input is not required of the user (as the trigger's settings say too). */
static gboolean
is_filled_by_cursor (ConduitExecutorApp *self,
                     const char         *key)
{
  JsonObject *cursor = self->trigger ? object_member (self->trigger, "cursor") : NULL;

  return cursor != NULL && json_object_has_member (cursor, "initial") &&
         g_strcmp0 (json_object_get_string_member_with_default (cursor, "param", NULL), key) == 0;
}

/* The value of one field for one item: the setting (a template over the item), else the item's
 * field of the same name, else the field's default. */
static gboolean
resolve_fields (ConduitExecutorApp  *self,
                JsonArray           *fields,
                JsonNode            *item,
                JsonObject          *into,
                GError             **error)
{
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);
      const char *key = json_object_get_string_member (field, "key");
      const char *label = json_object_get_string_member_with_default (field, "label", key);
      const char *type = json_object_get_string_member_with_default (field, "type", "string");
      g_autoptr(JsonNode) setting = conduit_node_dup_setting_or_default (self->node, self->connector,
                                                                         key);
      g_autoptr(JsonNode) value = NULL;

      if (setting != NULL && json_node_get_value_type (setting) == G_TYPE_STRING)
        {
          g_autoptr(GError) local_error = NULL;

          value = conduit_app_render_value (setting, item, &local_error);
          if (local_error != NULL)
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                           "“%s”: %s", label, local_error->message);
              return FALSE;
            }
        }
      else if (setting != NULL)
        value = json_node_ref (setting);

      /* an explicit setting wins; a default loses to the item's own field */
      if ((is_empty (value) || (setting != NULL && !conduit_node_get_setting (self->node, key))) &&
          JSON_NODE_HOLDS_OBJECT (item) && json_object_has_member (json_node_get_object (item), key) &&
          !is_empty (json_object_get_member (json_node_get_object (item), key)))
        {
          g_clear_pointer (&value, json_node_unref);
          value = json_node_ref (json_object_get_member (json_node_get_object (item), key));
        }

      if (is_empty (value))
        {
          if (json_object_get_boolean_member_with_default (field, "required", FALSE) &&
              !is_filled_by_cursor (self, key))
            {
              g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                           _("“%s” (%s) has no value: set it on the step or map a field “%s” into it"),
                           label, key, key);
              return FALSE;
            }
          continue;
        }

      {
        JsonNode *typed = coerce (value, type, label, error);

        if (typed == NULL)
          return FALSE;
        if (g_strcmp0 (type, "enum") == 0 && json_node_get_value_type (typed) == G_TYPE_STRING)
          {
            JsonArray *values = json_object_get_array_member (field, "values");
            gboolean allowed = FALSE;

            for (guint j = 0; j < json_array_get_length (values); j++)
              if (g_strcmp0 (json_array_get_string_element (values, j), json_node_get_string (typed)) == 0)
                allowed = TRUE;
            if (!allowed)
              {
                g_set_error (error, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_SETTING,
                             _("“%s” cannot be “%s”"), label, json_node_get_string (typed));
                json_node_unref (typed);
                return FALSE;
              }
          }
        json_object_set_member (into, key, typed);
      }
    }
  return TRUE;
}

static JsonNode *
make_scope (ConduitExecutorApp  *self,
            JsonNode            *item,
            GError             **error)
{
  g_autoptr(JsonObject) scope = json_object_new ();
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonObject) connection = json_object_new ();
  JsonObject *connection_spec = conduit_app_descriptor_get_connection (self->app);
  JsonArray *input_fields = conduit_connector_get_input_schema (self->connector);
  JsonObject *auth = conduit_app_descriptor_get_auth (self->app);

  if (!resolve_fields (self, json_object_has_member (connection_spec, "fields")
                               ? json_object_get_array_member (connection_spec, "fields") : NULL,
                       item, connection, error) ||
      !resolve_fields (self, input_fields, item, input, error))
    return NULL;

  json_object_set_object_member (scope, "input", g_steal_pointer (&input));
  json_object_set_object_member (scope, "connection", g_steal_pointer (&connection));
  json_object_set_member (scope, "item", json_node_copy (item));

  /* A key that goes into the address (Telegram's /bot<token>/) is only reachable this way; the
   * run redacts it from everything it writes down. */
  if (self->credential != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (auth, "in", NULL), "path") == 0)
    {
      JsonObject *secret = json_object_new ();
      const char *key = conduit_credential_get_secret (self->credential, "key");

      if (key == NULL)
        key = conduit_credential_get_secret (self->credential, "token");
      if (key != NULL)
        {
          json_object_set_string_member (secret, "key", key);
          conduit_run_add_secret (self->run, key);
        }
      json_object_set_object_member (scope, "auth", secret);
    }

  return conduit_json_node_take_object (g_steal_pointer (&scope));
}

/* Rate limit: one reservation time per app and credential, on the step context, so two steps
 * of the same flow (or two runs) share the app's budget. */

typedef struct
{
  gint64 next_us;
} RateSlot;

static guint
reserve_slot (ConduitExecutorApp *self)
{
  ConduitStepContext *context = conduit_run_get_context (self->run);
  ConduitClock *clock = conduit_step_context_get_clock (context);
  GHashTable *slots = g_object_get_data (G_OBJECT (context), "conduit-app-rate-slots");
  g_autofree char *key = NULL;
  RateSlot *slot;
  gint64 now;
  gint64 start;

  if (self->rps <= 0)
    return 0;

  if (slots == NULL)
    {
      slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_object_set_data_full (G_OBJECT (context), "conduit-app-rate-slots", slots,
                              (GDestroyNotify)g_hash_table_unref);
    }
  key = g_strdup_printf ("%s\x1f%s", conduit_app_descriptor_get_id (self->app),
                         self->credential_id ? self->credential_id : "");
  if (!(slot = g_hash_table_lookup (slots, key)))
    {
      slot = g_new0 (RateSlot, 1);
      slot->next_us = G_MININT64;
      g_hash_table_insert (slots, g_strdup (key), slot);
    }

  now = conduit_clock_get_monotonic_us (clock);
  start = MAX (now, slot->next_us);
  slot->next_us = start + (gint64)(G_USEC_PER_SEC / self->rps);
  return (guint)((start - now + 999) / 1000);
}

/* The batch */

static void start_next (ConduitExecutorApp *self);
static void send_page (Job *job);

static void
job_free (Job *job)
{
  g_clear_object (&job->self);
  g_clear_pointer (&job->scope, json_node_unref);
  g_clear_pointer (&job->extra_query, g_hash_table_unref);
  g_clear_pointer (&job->records, g_ptr_array_unref);
  conduit_app_page_clear (&job->page);
  g_free (job);
}

static void poll_finish (ConduitExecutorApp *self);

static void
maybe_finish (ConduitExecutorApp *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(ConduitExecutorOutput) output = NULL;

  if (self->task == NULL || self->in_flight > 0 || self->next < self->items->len)
    return;

  if (self->trigger != NULL)
    {
      poll_finish (self);
      return;
    }

  /* Records leave in the order of the items they came from. */
  output = conduit_executor_output_new ();
  for (guint i = 0; i < self->items->len; i++)
    {
      for (guint j = 0; self->records[i] != NULL && j < self->records[i]->len; j++)
        conduit_executor_output_add (output, "out", json_node_ref (g_ptr_array_index (self->records[i], j)));
      if (self->errors[i] != NULL)
        conduit_executor_output_add (output, "error", g_steal_pointer (&self->errors[i]));
    }
  task = g_steal_pointer (&self->task);
  g_task_return_pointer (task, g_steal_pointer (&output), (GDestroyNotify)conduit_executor_output_free);
}

static void
fail_item (ConduitExecutorApp *self,
           guint               index,
           const char         *kind,
           const char         *message,
           guint               http_status,
           guint               attempts)
{
  g_autoptr(ConduitExecutorOutput) scratch = conduit_executor_output_new ();
  JsonNode *item = g_ptr_array_index (self->items, index);

  g_clear_pointer (&self->errors[index], json_node_unref);
  self->errors[index] = json_node_ref (conduit_executor_output_add_error (scratch, "error", item,
                                                                         kind, message,
                                                                         http_status, attempts));
}

static void
record_invalid (ConduitExecutorApp *self,
                guint               index,
                const char         *message)
{
  ConduitStepRecord step = { 0 };

  step.node_id = (char *)conduit_node_get_id (self->node);
  step.item_index = (gint)index;
  step.status = (char *)"failed";
  step.error_kind = (char *)"invalid";
  step.error_message = (char *)message;
  conduit_run_record_attempt (self->run, &step);
}

static void
job_done (Job *job)
{
  ConduitExecutorApp *self = g_object_ref (job->self);

  self->records[job->index] = g_steal_pointer (&job->records);
  self->in_flight--;
  job_free (job);
  start_next (self);
  maybe_finish (self);
  g_object_unref (self);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Job *job = user_data;
  ConduitExecutorApp *self = job->self;
  g_autoptr(ConduitHttpOutcome) outcome = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *app_message = NULL;
  gboolean capped = FALSE;

  outcome = conduit_http_send_finish (result, &error);
  if (outcome == NULL)
    {
      /* Cancelled: end the batch with the error. */
      if (self->task != NULL)
        {
          g_autoptr(GTask) task = g_steal_pointer (&self->task);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      self->in_flight--;
      job_free (job);
      return;
    }

  if (!outcome->ok)
    {
      fail_item (self, job->index, outcome->error_kind, outcome->error_message, outcome->status,
                 outcome->attempts);
      job_done (job);
      return;
    }

  if (conduit_app_find_error (self->app, self->operation, outcome->body, &app_message))
    {
      g_autofree char *message = g_strdup_printf (_("%s answered with an error: %s"),
                                                  conduit_app_descriptor_get_title (self->app),
                                                  app_message);
      fail_item (self, job->index, "app", message, outcome->status, outcome->attempts);
      job_done (job);
      return;
    }

  if (!(records = conduit_app_extract_records (self->operation, outcome->body, outcome->status,
                                               &error)))
    {
      g_autofree char *message = g_strdup_printf (_("%s answered in a shape Conduit does not know: %s"),
                                                  conduit_app_descriptor_get_title (self->app),
                                                  error->message);
      fail_item (self, job->index, "bad_response", message, outcome->status, outcome->attempts);
      job_done (job);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (job->records, json_node_ref (g_ptr_array_index (records, i)));

  if (conduit_app_next_page (self->operation, outcome->body, outcome->headers, records->len,
                             &job->page, &capped))
    {
      send_page (job);
      return;
    }

  if (capped)
    {
      /* Never cut a list short without saying so. */
      g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                               "stopped after %u page (the operation's page cap); more records remain",
                                                               "stopped after %u pages (the operation's page cap); more records remain",
                                                               job->page.pages),
                                                  job->page.pages);
      fail_item (self, job->index, "page_cap", message, outcome->status, outcome->attempts);
    }
  job_done (job);
}

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = user_data;
  ConduitExecutorApp *self = job->self;
  g_autoptr(GError) error = NULL;
  ConduitHttpRequest *request;
  g_autoptr(GError) build_error = NULL;

  if (!conduit_clock_sleep_finish (CONDUIT_CLOCK (object), result, &error))
    {
      if (self->task != NULL)
        {
          g_autoptr(GTask) task = g_steal_pointer (&self->task);
          g_task_return_error (task, g_steal_pointer (&error));
        }
      self->in_flight--;
      job_free (job);
      return;
    }

  /* Templates may place the page themselves, e.g. a cursor in a POST body (Notion) */
  {
    JsonObject *page = json_object_new ();

    if (job->page.cursor != NULL)
      json_object_set_string_member (page, "cursor", job->page.cursor);
    json_object_set_int_member (page, "offset", job->page.offset);
    json_object_set_int_member (page, "number", job->page.pages + 1);
    json_object_set_object_member (json_node_get_object (job->scope), "page", page);
  }

  request = conduit_app_build_request (self->app, self->operation, job->scope, &job->page,
                                       job->page.pages == 0 ? job->extra_query : NULL,
                                       &build_error);
  if (request == NULL)
    {
      record_invalid (self, job->index, build_error->message);
      fail_item (self, job->index, "invalid", build_error->message, 0, 0);
      job_done (job);
      return;
    }

  /* A key in the address (auth "in": "path") was placed by the template; the authorizer would
   * also put it in a header or the query. */
  if (self->credential != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (conduit_app_descriptor_get_auth (self->app),
                                                             "in", NULL), "path") != 0)
    {
      request->credential_id = g_strdup (self->credential_id);
      request->credential = g_object_ref (self->credential);
    }
  if (self->retry_statuses != NULL)
    request->retry_statuses = g_array_ref (self->retry_statuses);

  conduit_http_send_async (self->run, conduit_node_get_id (self->node), job->index, self->policy,
                           request, self->task ? g_task_get_cancellable (self->task) : NULL,
                           page_cb, job);
}

static void
send_page (Job *job)
{
  ConduitExecutorApp *self = job->self;
  ConduitClock *clock = conduit_step_context_get_clock (conduit_run_get_context (self->run));

  /* Every page waits for its turn; a zero wait still goes through the clock so the order of
   * calls stays the order of reservations. */
  conduit_clock_sleep_async (clock, reserve_slot (self),
                             self->task ? g_task_get_cancellable (self->task) : NULL, waited_cb, job);
}

static void
start_next (ConduitExecutorApp *self)
{
  while (self->task != NULL && self->in_flight < self->concurrency && self->next < self->items->len)
    {
      guint index = self->next++;
      JsonNode *item = g_ptr_array_index (self->items, index);
      g_autoptr(GError) error = NULL;
      Job *job;
      JsonNode *scope;

      if (!(scope = make_scope (self, item, &error)))
        {
          record_invalid (self, index, error->message);
          fail_item (self, index, "invalid", error->message, 0, 0);
          continue;
        }

      job = g_new0 (Job, 1);
      job->self = g_object_ref (self);
      job->index = index;
      job->scope = scope;
      job->records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      if (self->trigger != NULL)
        {
          job->extra_query = conduit_executor_app_poll_query (self, scope, &error);
          if (error != NULL)
            {
              record_invalid (self, index, error->message);
              fail_item (self, index, "invalid", error->message, 0, 0);
              job_free (job);
              continue;
            }
        }
      self->in_flight++;
      send_page (job);
    }
}

static void
credential_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitExecutorApp) self = user_data;
  g_autoptr(ConduitCredential) credential = NULL;
  GError *error = NULL;

  credential = conduit_run_lookup_credential_finish (CONDUIT_RUN (object), result, &error);
  if (credential == NULL)
    {
      g_autoptr(GTask) task = g_steal_pointer (&self->task);
      g_task_return_error (task, error);
      return;
    }
  /* the descriptor, not the saved credential, says where the app wants its key */
  self->credential = conduit_app_place_credential (self->app, credential);
  start_next (self);
  maybe_finish (self);
}

static void
conduit_executor_app_execute_async (ConduitExecutor     *executor,
                                    ConduitRun          *run,
                                    ConduitNode         *node,
                                    GPtrArray           *items,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  ConduitExecutorApp *self = CONDUIT_EXECUTOR_APP (executor);

  self->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->task, conduit_executor_app_execute_async);

  free_batch (self);
  if (self->trigger != NULL)
    {
      /* A poll trigger calls its operation once, whatever started the run. */
      self->items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
      g_ptr_array_add (self->items, conduit_json_node_take_object (json_object_new ()));
    }
  else
    self->items = g_ptr_array_ref (items);
  self->n_slots = self->items->len;
  self->records = g_new0 (GPtrArray *, self->n_slots);
  self->errors = g_new0 (JsonNode *, self->n_slots);
  self->next = 0;
  self->in_flight = 0;

  if (self->credential_id != NULL && self->credential == NULL)
    {
      conduit_run_lookup_credential_async (run, self->credential_id, cancellable, credential_cb,
                                           g_object_ref (self));
      return;
    }

  start_next (self);
  maybe_finish (self);
}

static void
executor_iface_init (ConduitExecutorInterface *iface)
{
  iface->prepare = conduit_executor_app_prepare;
  iface->execute_async = conduit_executor_app_execute_async;
}

/* Accessors for the poll half (conduit-executor-app-poll.c) */

ConduitRun *
conduit_executor_app_get_run (ConduitExecutorApp *self)
{
  return self->run;
}

ConduitNode *
conduit_executor_app_get_node (ConduitExecutorApp *self)
{
  return self->node;
}

JsonObject *
conduit_executor_app_get_trigger (ConduitExecutorApp *self)
{
  return self->trigger;
}

const char *
conduit_executor_app_get_poll_start (ConduitExecutorApp *self)
{
  return self->poll_start;
}

void
conduit_executor_app_set_poll_start (ConduitExecutorApp *self,
                                     const char         *start)
{
  g_free (self->poll_start);
  self->poll_start = g_strdup (start);
}

/* The poll's outcome: its records (or its error) are the batch's only item. */
static void
poll_finish (ConduitExecutorApp *self)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);
  JsonNode *error_item = self->errors[0];

  if (error_item != NULL)
    {
      JsonObject *object = json_node_get_object (error_item);
      JsonObject *error = json_object_get_object_member (object, "error");

      /* Nothing was marked seen and the cursor stays: the next poll tries again. */
      g_task_return_new_error (task, CONDUIT_EXECUTOR_ERROR, CONDUIT_EXECUTOR_ERROR_FAILED, "%s",
                               error ? json_object_get_string_member_with_default (error, "message", "")
                                     : _("the poll failed"));
      return;
    }

  conduit_executor_app_poll_keep_new (self, self->records[0], g_steal_pointer (&task));
}
