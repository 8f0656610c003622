/* conduit-app-descriptor-loader.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-descriptor"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "conduit-app-body.h"
#include "conduit-app-descriptor-private.h"
#include "conduit-connector.h"
#include "conduit-expression.h"
#include "conduit-flow-problem.h"
#include "conduit-json-text.h"
#include "conduit-template.h"

/* Reading an app descriptor. Everything is checked once, the way flows are checked: each
 * problem names its JSON pointer and line, and all problems are collected, not just the first,
 * so `conduit-cli connector validate` shows them all. What the loader accepts, the generic app
 * executor can use without checking shapes again: every template and expression compiles,
 * every operation a trigger, test or option list names exists.
 */

#define MAX_JSON_DEPTH 64
/* A descriptor has no shared schemas ($ref), so each operation carries its fields: an imported
 * API of ~3,000 operations (a 5 MB OpenAPI description) gives an 11 MB descriptor. */
#define MAX_DESCRIPTOR_BYTES (32 * 1024 * 1024)

/* Checking */

typedef struct
{
  GPtrArray  *problems;
  GHashTable *operation_ids;
} Checker;

static void G_GNUC_PRINTF (3, 4)
problem (Checker    *checker,
         const char *pointer,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (checker->problems, conduit_flow_problem_new (pointer, NULL, message));
}

static char *
at (const char *pointer,
    const char *member)
{
  return conduit_json_pointer_append (pointer, member);
}

static char *
at_index (const char *pointer,
          guint       index)
{
  return conduit_json_pointer_append_index (pointer, index);
}

/* Members a descriptor object may have; anything else is a misspelling worth reporting. */
static void
check_known (Checker            *checker,
             JsonObject         *object,
             const char         *pointer,
             const char * const *known)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (GList *l = members; l; l = l->next)
    {
      g_autofree char *where = NULL;

      if (g_strv_contains (known, l->data))
        continue;
      where = at (pointer, l->data);
      problem (checker, where, _("unknown member “%s”"), (const char *)l->data);
    }
}

static JsonObject *
get_object (Checker    *checker,
            JsonObject *parent,
            const char *pointer,
            const char *member,
            gboolean    required)
{
  JsonNode *node = json_object_get_member (parent, member);
  g_autofree char *where = at (pointer, member);

  if (node == NULL)
    {
      if (required)
        problem (checker, pointer, _("“%s” is missing"), member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (checker, where, _("must be an object, not %s"), conduit_json_node_describe_type (node));
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
get_array (Checker    *checker,
           JsonObject *parent,
           const char *pointer,
           const char *member,
           gboolean    required)
{
  JsonNode *node = json_object_get_member (parent, member);
  g_autofree char *where = at (pointer, member);

  if (node == NULL)
    {
      if (required)
        problem (checker, pointer, _("“%s” is missing"), member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      problem (checker, where, _("must be a list, not %s"), conduit_json_node_describe_type (node));
      return NULL;
    }
  return json_node_get_array (node);
}

static const char *
get_string (Checker    *checker,
            JsonObject *parent,
            const char *pointer,
            const char *member,
            gboolean    required)
{
  JsonNode *node = json_object_get_member (parent, member);
  g_autofree char *where = at (pointer, member);

  if (node == NULL)
    {
      if (required)
        problem (checker, pointer, _("“%s” is missing"), member);
      return NULL;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      problem (checker, where, _("must be text, not %s"), conduit_json_node_describe_type (node));
      return NULL;
    }
  if (required && *json_node_get_string (node) == '\0')
    {
      problem (checker, where, _("must not be empty"));
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_integer (Checker    *checker,
             JsonObject *parent,
             const char *pointer,
             const char *member,
             gint64      minimum,
             gint64      maximum,
             gint64     *value)
{
  JsonNode *node = json_object_get_member (parent, member);
  g_autofree char *where = at (pointer, member);

  if (node == NULL)
    return FALSE;
  if (json_node_get_value_type (node) != G_TYPE_INT64)
    {
      problem (checker, where, _("must be a whole number, not %s"),
               conduit_json_node_describe_type (node));
      return FALSE;
    }
  *value = json_node_get_int (node);
  if (*value < minimum || *value > maximum)
    {
      problem (checker, where, _("must be between %" PRId64 " and %" PRId64),
               minimum, maximum);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_identifier (const char *text)
{
  if (text == NULL || !g_ascii_isalnum (*text))
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return strlen (text) <= 64;
}

static void
check_identifier (Checker    *checker,
                  const char *pointer,
                  const char *member,
                  const char *value)
{
  g_autofree char *where = at (pointer, member);

  if (value != NULL && !is_identifier (value))
    problem (checker, where,
             _("“%s” is not an identifier: letters, digits, “-” and “_”, at most 64, starting with a letter or digit"),
             value);
}

static void
check_template_text (Checker    *checker,
                     const char *pointer,
                     const char *text)
{
  g_autoptr(ConduitTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  if (!(template = conduit_template_new (text, &error)))
    problem (checker, pointer, _("template: %s"), error->message);
}

/* Every string inside a request part (query, headers, body) is a template. */
static void
check_templates_in (Checker    *checker,
                    const char *pointer,
                    JsonNode   *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      const char *member;
      JsonNode *child;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &member, &child))
        {
          g_autofree char *where = at (pointer, member);
          check_templates_in (checker, where, child);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *where = at_index (pointer, i);
          check_templates_in (checker, where, json_array_get_element (array, i));
        }
    }
  else if (json_node_get_value_type (node) == G_TYPE_STRING)
    check_template_text (checker, pointer, json_node_get_string (node));
}

static void
check_expression (Checker    *checker,
                  JsonObject *parent,
                  const char *pointer,
                  const char *member,
                  gboolean    required)
{
  const char *text = get_string (checker, parent, pointer, member, required);
  g_autoptr(ConduitExpression) expression = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = NULL;

  if (text == NULL)
    return;
  if (!(expression = conduit_expression_new (text, &error)))
    {
      where = at (pointer, member);
      problem (checker, where, _("expression: column %u: %s"),
               conduit_expression_error_get_column (error), error->message);
    }
}

static void
check_template_member (Checker    *checker,
                       JsonObject *parent,
                       const char *pointer,
                       const char *member,
                       gboolean    required)
{
  const char *text = get_string (checker, parent, pointer, member, required);
  g_autofree char *where = at (pointer, member);

  if (text != NULL)
    check_template_text (checker, where, text);
}

static void
check_string_map (Checker    *checker,
                  JsonObject *parent,
                  const char *pointer,
                  const char *member)
{
  JsonObject *object = get_object (checker, parent, pointer, member, FALSE);
  g_autofree char *where = at (pointer, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (object == NULL)
    return;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &value))
    {
      g_autofree char *inner = at (where, name);

      if (json_node_get_value_type (value) != G_TYPE_STRING)
        problem (checker, inner, _("must be text, not %s"), conduit_json_node_describe_type (value));
      else
        check_template_text (checker, inner, json_node_get_string (value));
    }
}

static const char * const field_types[] = {
  "string", "text", "integer", "number", "boolean", "enum", "date", "datetime", "email", "url",
  "object", "array", NULL
};

/* A list of typed fields: connection fields, operation inputs, outputs. */
static void
check_fields (Checker    *checker,
              JsonObject *parent,
              const char *pointer,
              const char *member,
              GHashTable *keys)
{
  static const char * const known[] = { "key", "label", "type", "required", "values", "format",
                                        "help", "default", "options", NULL };
  JsonArray *array = get_array (checker, parent, pointer, member, FALSE);
  g_autofree char *list_pointer = at (pointer, member);

  if (array == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *where = at_index (list_pointer, i);
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *field;
      const char *key;
      const char *type;
      JsonArray *values;
      JsonObject *options;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          problem (checker, where, _("must be an object, not %s"),
                   conduit_json_node_describe_type (element));
          continue;
        }
      field = json_node_get_object (element);
      check_known (checker, field, where, known);

      key = get_string (checker, field, where, "key", TRUE);
      check_identifier (checker, where, "key", key);
      if (key != NULL && keys != NULL)
        {
          if (g_hash_table_contains (keys, key))
            {
              g_autofree char *key_pointer = at (where, "key");
              problem (checker, key_pointer, _("the key “%s” is used twice"), key);
            }
          else
            g_hash_table_add (keys, g_strdup (key));
        }

      get_string (checker, field, where, "label", FALSE);
      get_string (checker, field, where, "help", FALSE);
      get_string (checker, field, where, "format", FALSE);
      type = get_string (checker, field, where, "type", FALSE);
      if (type != NULL && !g_strv_contains (field_types, type))
        {
          g_autofree char *type_pointer = at (where, "type");
          g_autofree char *names = g_strjoinv (", ", (char **)field_types);
          problem (checker, type_pointer, _("unknown type “%s”; one of %s"), type, names);
        }
      if (json_object_has_member (field, "required") &&
          json_node_get_value_type (json_object_get_member (field, "required")) != G_TYPE_BOOLEAN)
        {
          g_autofree char *required_pointer = at (where, "required");
          problem (checker, required_pointer, _("must be true or false"));
        }

      values = get_array (checker, field, where, "values", g_strcmp0 (type, "enum") == 0);
      if (values != NULL)
        for (guint j = 0; j < json_array_get_length (values); j++)
          if (json_node_get_value_type (json_array_get_element (values, j)) != G_TYPE_STRING)
            {
              g_autofree char *values_pointer = at (where, "values");
              g_autofree char *value_pointer = at_index (values_pointer, j);
              problem (checker, value_pointer, _("must be text"));
            }

      options = get_object (checker, field, where, "options", FALSE);
      if (options != NULL)
        {
          static const char * const options_known[] = { "operation", "value", "label", NULL };
          g_autofree char *options_pointer = at (where, "options");

          check_known (checker, options, options_pointer, options_known);
          get_string (checker, options, options_pointer, "operation", TRUE);
          check_expression (checker, options, options_pointer, "value", TRUE);
          check_expression (checker, options, options_pointer, "label", FALSE);
        }
    }
}

static JsonArray *
array_member_or_null (JsonObject *object,
                      const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Operations named elsewhere (options, tests, triggers, examples) must exist; checked after
 * all operations are known. */
static void
check_operation_reference (Checker    *checker,
                           JsonObject *parent,
                           const char *pointer,
                           const char *member,
                           gboolean    required)
{
  const char *id = get_string (checker, parent, pointer, member, required);

  if (id != NULL && !g_hash_table_contains (checker->operation_ids, id))
    {
      g_autofree char *where = at (pointer, member);
      problem (checker, where, _("there is no operation “%s”"), id);
    }
}

static void
check_options_references (Checker    *checker,
                          JsonObject *operation,
                          const char *pointer)
{
  JsonArray *input = array_member_or_null (operation, "input");
  g_autofree char *input_pointer = at (pointer, "input");

  if (input == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (input); i++)
    {
      JsonNode *element = json_array_get_element (input, i);
      g_autofree char *where = at_index (input_pointer, i);
      g_autofree char *options_pointer = at (where, "options");
      JsonNode *options;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      options = json_object_get_member (json_node_get_object (element), "options");
      if (options != NULL && JSON_NODE_HOLDS_OBJECT (options) &&
          json_object_has_member (json_node_get_object (options), "operation"))
        check_operation_reference (checker, json_node_get_object (options), options_pointer,
                                   "operation", TRUE);
    }
}

static const char * const auth_kinds[] = {
  "none", "api-key", "bearer", "basic", "oauth2-client-credentials", "hmac",
  "oauth2-authorization-code", NULL
};

static void
check_auth (Checker    *checker,
            JsonObject *auth,
            const char *pointer)
{
  static const char * const known[] = { "kind", "in", "name", "authorize_url", "token_url",
                                        "scopes", "params", "token_url_template", NULL };
  const char *kind = get_string (checker, auth, pointer, "kind", TRUE);

  check_known (checker, auth, pointer, known);
  if (kind != NULL && !g_strv_contains (auth_kinds, kind))
    {
      g_autofree char *where = at (pointer, "kind");
      g_autofree char *names = g_strjoinv (", ", (char **)auth_kinds);
      problem (checker, where, _("unknown authentication “%s”; one of %s"), kind, names);
    }

  if (g_strcmp0 (kind, "api-key") == 0)
    {
      static const char * const places[] = { "header", "query", "path", NULL };
      const char *in = get_string (checker, auth, pointer, "in", TRUE);

      if (in != NULL && !g_strv_contains (places, in))
        {
          g_autofree char *where = at (pointer, "in");
          problem (checker, where, _("“in” is “header”, “query” or “path”, not “%s”"), in);
        }
      if (g_strcmp0 (in, "path") != 0)
        get_string (checker, auth, pointer, "name", TRUE);
    }
  else if (g_strcmp0 (kind, "oauth2-authorization-code") == 0)
    {
      JsonArray *scopes;

      get_string (checker, auth, pointer, "authorize_url", TRUE);
      get_string (checker, auth, pointer, "token_url", TRUE);
      scopes = get_array (checker, auth, pointer, "scopes", FALSE);
      if (scopes != NULL)
        for (guint i = 0; i < json_array_get_length (scopes); i++)
          if (json_node_get_value_type (json_array_get_element (scopes, i)) != G_TYPE_STRING)
            {
              g_autofree char *scopes_pointer = at (pointer, "scopes");
              g_autofree char *where = at_index (scopes_pointer, i);
              problem (checker, where, _("must be text"));
            }
      check_string_map (checker, auth, pointer, "params");
    }
  else if (g_strcmp0 (kind, "oauth2-client-credentials") == 0)
    get_string (checker, auth, pointer, "token_url", FALSE);
}

static void
check_error_rule (Checker    *checker,
                  JsonObject *parent,
                  const char *pointer)
{
  static const char * const known[] = { "when", "message", NULL };
  JsonObject *rule = get_object (checker, parent, pointer, "error", FALSE);
  g_autofree char *where = at (pointer, "error");

  if (rule == NULL)
    return;
  check_known (checker, rule, where, known);
  check_expression (checker, rule, where, "when", TRUE);
  check_expression (checker, rule, where, "message", FALSE);
}

static void
check_defaults (Checker    *checker,
                JsonObject *defaults,
                const char *pointer)
{
  static const char * const known[] = { "headers", "timeout_seconds", "rate_limit", "retry",
                                        "error", NULL };
  JsonObject *rate;
  JsonObject *retry;
  gint64 value;

  check_known (checker, defaults, pointer, known);
  check_string_map (checker, defaults, pointer, "headers");
  get_integer (checker, defaults, pointer, "timeout_seconds", 1, 600, &value);

  rate = get_object (checker, defaults, pointer, "rate_limit", FALSE);
  if (rate != NULL)
    {
      static const char * const rate_known[] = { "requests_per_second", "concurrency", NULL };
      g_autofree char *where = at (pointer, "rate_limit");
      JsonNode *rps = json_object_get_member (rate, "requests_per_second");

      check_known (checker, rate, where, rate_known);
      if (rps != NULL && (!JSON_NODE_HOLDS_VALUE (rps) ||
                          (json_node_get_value_type (rps) != G_TYPE_INT64 &&
                           json_node_get_value_type (rps) != G_TYPE_DOUBLE) ||
                          json_node_get_double (rps) <= 0 || json_node_get_double (rps) > 10000))
        {
          g_autofree char *rps_pointer = at (where, "requests_per_second");
          problem (checker, rps_pointer, _("must be a number above 0 and at most 10000"));
        }
      get_integer (checker, rate, where, "concurrency", 1, 64, &value);
    }

  retry = get_object (checker, defaults, pointer, "retry", FALSE);
  if (retry != NULL)
    {
      static const char * const retry_known[] = { "statuses", "max_attempts", NULL };
      g_autofree char *where = at (pointer, "retry");
      JsonArray *statuses = get_array (checker, retry, where, "statuses", FALSE);

      check_known (checker, retry, where, retry_known);
      get_integer (checker, retry, where, "max_attempts", 1, 20, &value);
      if (statuses != NULL)
        for (guint i = 0; i < json_array_get_length (statuses); i++)
          {
            JsonNode *status = json_array_get_element (statuses, i);

            if (json_node_get_value_type (status) != G_TYPE_INT64 ||
                json_node_get_int (status) < 100 || json_node_get_int (status) > 599)
              {
                g_autofree char *statuses_pointer = at (where, "statuses");
                g_autofree char *status_pointer = at_index (statuses_pointer, i);
                problem (checker, status_pointer, _("must be an HTTP status (100 to 599)"));
              }
          }
    }

  check_error_rule (checker, defaults, pointer);
}

static void
check_request (Checker    *checker,
               JsonObject *request,
               const char *pointer)
{
  static const char * const known[] = { "method", "path", "query", "headers", "body", NULL };
  static const char * const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };
  const char *method = get_string (checker, request, pointer, "method", TRUE);
  JsonObject *body;

  check_known (checker, request, pointer, known);
  if (method != NULL && !g_strv_contains (methods, method))
    {
      g_autofree char *where = at (pointer, "method");
      problem (checker, where, _("unknown method “%s”"), method);
    }
  check_template_member (checker, request, pointer, "path", TRUE);
  check_string_map (checker, request, pointer, "query");
  check_string_map (checker, request, pointer, "headers");

  body = get_object (checker, request, pointer, "body", FALSE);
  if (body != NULL)
    {
      static const char * const body_known[] = { "type", "content", "content_type", "encoding",
                                                 "wrap", NULL };
      static const char * const body_types[] = { "json", "form", "multipart", "mime", "raw",
                                                 "related", NULL };
      g_autofree char *where = at (pointer, "body");
      const char *type = get_string (checker, body, where, "type", TRUE);
      JsonNode *content = json_object_get_member (body, "content");

      check_known (checker, body, where, body_known);
      if (type != NULL && !g_strv_contains (body_types, type))
        {
          g_autofree char *type_pointer = at (where, "type");
          problem (checker, type_pointer,
                   _("“type” is “json”, “form”, “multipart”, “mime”, “raw” or “related”, not “%s”"),
                   type);
        }
      else if (type != NULL)
        {
          g_autofree char *member = NULL;
          g_autofree char *message = conduit_app_body_check (body, &member);

          if (message != NULL)
            {
              /* @member is a path of plain names and indexes below the body */
              g_autofree char *member_pointer = g_strconcat (where, "/", member, NULL);
              problem (checker, member_pointer, "%s", message);
            }
        }
      if (content == NULL)
        problem (checker, where, _("“content” is missing"));
      else
        {
          g_autofree char *content_pointer = at (where, "content");

          if ((g_strcmp0 (type, "form") == 0 || g_strcmp0 (type, "multipart") == 0) &&
              !JSON_NODE_HOLDS_OBJECT (content))
            problem (checker, content_pointer, _("a form's content must be an object of fields"));
          check_templates_in (checker, content_pointer, content);
        }
      if (json_object_has_member (body, "wrap"))
        {
          g_autofree char *wrap_pointer = at (where, "wrap");
          check_templates_in (checker, wrap_pointer, json_object_get_member (body, "wrap"));
        }
      check_template_member (checker, body, where, "content_type", FALSE);
    }
}

static void
check_pagination (Checker    *checker,
                  JsonObject *pagination,
                  const char *pointer)
{
  static const char * const known[] = { "style", "limit_param", "limit", "offset_param",
                                        "page_param", "first_page", "cursor_param", "next",
                                        "stop", "max_pages", NULL };
  static const char * const styles[] = { "offset", "page", "cursor", "next_url", "link_header",
                                         NULL };
  const char *style = get_string (checker, pagination, pointer, "style", TRUE);
  gint64 value;

  check_known (checker, pagination, pointer, known);
  if (style != NULL && !g_strv_contains (styles, style))
    {
      g_autofree char *where = at (pointer, "style");
      problem (checker, where,
               _("“style” is “offset”, “page”, “cursor”, “next_url” or “link_header”, not “%s”"),
               style);
    }

  get_string (checker, pagination, pointer, "limit_param", FALSE);
  get_integer (checker, pagination, pointer, "limit", 1, 10000, &value);
  get_integer (checker, pagination, pointer, "max_pages", 1, 100000, &value);
  get_integer (checker, pagination, pointer, "first_page", 0, 1, &value);
  get_string (checker, pagination, pointer, "offset_param", g_strcmp0 (style, "offset") == 0);
  get_string (checker, pagination, pointer, "page_param", g_strcmp0 (style, "page") == 0);
  /* without cursor_param, a template places {{ page.cursor }} itself (in a POST body) */
  get_string (checker, pagination, pointer, "cursor_param", FALSE);
  check_expression (checker, pagination, pointer, "next",
                    g_strcmp0 (style, "cursor") == 0 || g_strcmp0 (style, "next_url") == 0);
  check_expression (checker, pagination, pointer, "stop", FALSE);
}

static void
check_operation (Checker    *checker,
                 JsonObject *operation,
                 const char *pointer)
{
  static const char * const known[] = { "id", "title", "kind", "description", "input", "request",
                                        "response", "pagination", "idempotency", "error", "auth",
                                        NULL };
  static const char * const kinds[] = { "action", "search", "list", NULL };
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *kind;
  JsonObject *request;
  JsonObject *response;
  JsonObject *pagination;
  JsonObject *idempotency;

  check_known (checker, operation, pointer, known);
  get_string (checker, operation, pointer, "title", TRUE);
  get_string (checker, operation, pointer, "description", FALSE);
  kind = get_string (checker, operation, pointer, "kind", FALSE);
  if (kind != NULL && !g_strv_contains (kinds, kind))
    {
      g_autofree char *where = at (pointer, "kind");
      problem (checker, where, _("“kind” is “action”, “search” or “list”, not “%s”"), kind);
    }

  /* The node's credential setting has this key: an input must not take it. */
  g_hash_table_add (keys, g_strdup ("credential"));
  check_fields (checker, operation, pointer, "input", keys);

  if ((request = get_object (checker, operation, pointer, "request", TRUE)))
    {
      g_autofree char *where = at (pointer, "request");
      check_request (checker, request, where);
    }

  if ((response = get_object (checker, operation, pointer, "response", FALSE)))
    {
      static const char * const response_known[] = { "records", "output", NULL };
      g_autofree char *where = at (pointer, "response");

      check_known (checker, response, where, response_known);
      check_expression (checker, response, where, "records", FALSE);
      check_fields (checker, response, where, "output", NULL);
    }

  if ((pagination = get_object (checker, operation, pointer, "pagination", FALSE)))
    {
      g_autofree char *where = at (pointer, "pagination");
      check_pagination (checker, pagination, where);
    }

  if ((idempotency = get_object (checker, operation, pointer, "idempotency", FALSE)))
    {
      static const char * const idempotency_known[] = { "header", "key", NULL };
      g_autofree char *where = at (pointer, "idempotency");

      check_known (checker, idempotency, where, idempotency_known);
      get_string (checker, idempotency, where, "header", TRUE);
      check_template_member (checker, idempotency, where, "key", TRUE);
    }

  check_error_rule (checker, operation, pointer);

  /* An operation that needs no credential, such as posting to an incoming-webhook address */
  {
    const char *auth = get_string (checker, operation, pointer, "auth", FALSE);

    if (auth != NULL && !g_str_equal (auth, "none"))
      {
        g_autofree char *where = at (pointer, "auth");
        problem (checker, where, _("an operation's “auth” can only be “none”"));
      }
  }
}

static void
check_trigger (Checker    *checker,
               JsonObject *trigger,
               const char *pointer)
{
  static const char * const known[] = { "id", "title", "kind", "description", "operation",
                                        "cursor", "dedup_key", "interval_seconds", "signature",
                                        "challenge", NULL };
  const char *kind = get_string (checker, trigger, pointer, "kind", TRUE);
  gint64 value;

  check_known (checker, trigger, pointer, known);
  get_string (checker, trigger, pointer, "title", TRUE);
  get_string (checker, trigger, pointer, "description", FALSE);

  if (g_strcmp0 (kind, "poll") == 0)
    {
      JsonObject *cursor;

      check_operation_reference (checker, trigger, pointer, "operation", TRUE);
      check_expression (checker, trigger, pointer, "dedup_key", TRUE);
      get_integer (checker, trigger, pointer, "interval_seconds", 10, 7 * 24 * 3600, &value);
      if ((cursor = get_object (checker, trigger, pointer, "cursor", FALSE)))
        {
          static const char * const cursor_known[] = { "param", "value", "initial", NULL };
          g_autofree char *where = at (pointer, "cursor");

          check_known (checker, cursor, where, cursor_known);
          get_string (checker, cursor, where, "param", TRUE);
          check_expression (checker, cursor, where, "value", TRUE);
          check_template_member (checker, cursor, where, "initial", FALSE);
        }
    }
  else if (g_strcmp0 (kind, "webhook") == 0)
    {
      JsonObject *signature = get_object (checker, trigger, pointer, "signature", FALSE);
      JsonObject *challenge = get_object (checker, trigger, pointer, "challenge", FALSE);

      if (signature != NULL)
        {
          static const char * const signature_known[] = { "scheme", "header", "prefix",
                                                           "encoding", "base",
                                                           "timestamp_header",
                                                           "tolerance_seconds", NULL };
          static const char * const schemes[] = { "hmac-sha256", "hmac-sha1", NULL };
          static const char * const encodings[] = { "hex", "base64", NULL };
          g_autofree char *where = at (pointer, "signature");
          const char *scheme = get_string (checker, signature, where, "scheme", TRUE);
          const char *encoding = get_string (checker, signature, where, "encoding", FALSE);

          check_known (checker, signature, where, signature_known);
          if (scheme != NULL && !g_strv_contains (schemes, scheme))
            {
              g_autofree char *scheme_pointer = at (where, "scheme");
              problem (checker, scheme_pointer, _("“scheme” is “hmac-sha256” or “hmac-sha1”, not “%s”"),
                       scheme);
            }
          if (encoding != NULL && !g_strv_contains (encodings, encoding))
            {
              g_autofree char *encoding_pointer = at (where, "encoding");
              problem (checker, encoding_pointer, _("“encoding” is “hex” or “base64”, not “%s”"),
                       encoding);
            }
          get_string (checker, signature, where, "header", TRUE);
          get_string (checker, signature, where, "prefix", FALSE);
          get_string (checker, signature, where, "timestamp_header", FALSE);
          check_template_member (checker, signature, where, "base", FALSE);
          get_integer (checker, signature, where, "tolerance_seconds", 1, 24 * 3600, &value);
        }
      if (challenge != NULL)
        {
          static const char * const challenge_known[] = { "method", "when", "respond", "verify",
                                                          NULL };
          static const char * const challenge_methods[] = { "GET", "POST", NULL };
          g_autofree char *where = at (pointer, "challenge");
          const char *method = get_string (checker, challenge, where, "method", FALSE);

          check_known (checker, challenge, where, challenge_known);
          if (method != NULL && !g_strv_contains (challenge_methods, method))
            {
              g_autofree char *method_pointer = at (where, "method");
              problem (checker, method_pointer,
                       _("“method” is “GET” (the handshake in the query) or “POST” (in the body), not “%s”"),
                       method);
            }
          check_expression (checker, challenge, where, "when", TRUE);
          check_expression (checker, challenge, where, "respond", TRUE);
          check_expression (checker, challenge, where, "verify", FALSE);
        }
    }
  else if (kind != NULL)
    {
      g_autofree char *where = at (pointer, "kind");
      problem (checker, where, _("“kind” is “poll” or “webhook”, not “%s”"), kind);
    }
}

static void
check_example (Checker    *checker,
               JsonObject *example,
               const char *pointer)
{
  static const char * const known[] = { "operation", "title", "input", "request", "response",
                                        "credential", NULL };
  static const char * const request_known[] = { "method", "path", "query", "headers", "body",
                                                 NULL };
  static const char * const response_known[] = { "status", "headers", "body", NULL };
  JsonObject *request;
  JsonObject *response;
  gint64 status;

  check_known (checker, example, pointer, known);
  check_operation_reference (checker, example, pointer, "operation", TRUE);
  get_string (checker, example, pointer, "title", FALSE);
  get_object (checker, example, pointer, "input", FALSE);

  if ((request = get_object (checker, example, pointer, "request", TRUE)))
    {
      g_autofree char *where = at (pointer, "request");

      check_known (checker, request, where, request_known);
      get_string (checker, request, where, "method", TRUE);
      get_string (checker, request, where, "path", TRUE);
      get_object (checker, request, where, "query", FALSE);
      get_object (checker, request, where, "headers", FALSE);
    }
  if ((response = get_object (checker, example, pointer, "response", TRUE)))
    {
      g_autofree char *where = at (pointer, "response");

      check_known (checker, response, where, response_known);
      get_integer (checker, response, where, "status", 100, 599, &status);
      get_object (checker, response, where, "headers", FALSE);
    }
}

static void
check_connection (Checker    *checker,
                  JsonObject *connection,
                  const char *pointer)
{
  static const char * const known[] = { "fields", "base_url", "auth", "test", NULL };
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *auth;
  JsonObject *test;

  check_known (checker, connection, pointer, known);
  g_hash_table_add (keys, g_strdup ("credential"));
  check_fields (checker, connection, pointer, "fields", keys);
  check_template_member (checker, connection, pointer, "base_url", TRUE);

  if ((auth = get_object (checker, connection, pointer, "auth", TRUE)))
    {
      g_autofree char *where = at (pointer, "auth");
      check_auth (checker, auth, where);
    }

  if ((test = get_object (checker, connection, pointer, "test", FALSE)))
    {
      static const char * const test_known[] = { "operation", "success", NULL };
      g_autofree char *where = at (pointer, "test");

      check_known (checker, test, where, test_known);
      check_operation_reference (checker, test, where, "operation", TRUE);
      check_expression (checker, test, where, "success", FALSE);
    }
}

static void
check_meta (Checker    *checker,
            JsonObject *meta,
            const char *pointer)
{
  static const char * const known[] = { "id", "version", "title", "icon", "category", "docs_url",
                                        "description", NULL };
  const char *docs;

  check_known (checker, meta, pointer, known);
  check_identifier (checker, pointer, "id", get_string (checker, meta, pointer, "id", TRUE));
  get_string (checker, meta, pointer, "version", TRUE);
  get_string (checker, meta, pointer, "title", TRUE);
  get_string (checker, meta, pointer, "icon", FALSE);
  get_string (checker, meta, pointer, "category", TRUE);
  get_string (checker, meta, pointer, "description", FALSE);
  docs = get_string (checker, meta, pointer, "docs_url", TRUE);
  if (docs != NULL && !g_str_has_prefix (docs, "https://"))
    {
      g_autofree char *where = at (pointer, "docs_url");
      problem (checker, where, _("the vendor's documentation is an https:// address"));
    }
}

/* Collects the operations or triggers, checking that ids are unique. */
static void
collect_list (Checker    *checker,
              JsonObject *root,
              const char *member,
              GPtrArray  *into,
              GHashTable *ids)
{
  g_autofree char *list_pointer = at ("", member);
  JsonArray *array = get_array (checker, root, "", member, g_strcmp0 (member, "operations") == 0);

  if (array == NULL)
    return;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *where = at_index (list_pointer, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          problem (checker, where, _("must be an object, not %s"),
                   conduit_json_node_describe_type (element));
          continue;
        }
      id = get_string (checker, json_node_get_object (element), where, "id", TRUE);
      check_identifier (checker, where, "id", id);
      if (id == NULL)
        continue;
      if (g_hash_table_contains (ids, id))
        {
          g_autofree char *id_pointer = at (where, "id");
          problem (checker, id_pointer, _("the id “%s” is used twice"), id);
          continue;
        }
      g_hash_table_add (ids, (char *)id);
      g_ptr_array_add (into, json_node_get_object (element));
    }
}

static gboolean
fail (GPtrArray  *problems,
      GPtrArray **problems_out,
      GError    **error)
{
  ConduitFlowProblem *first = g_ptr_array_index (problems, 0);
  g_autofree char *text = conduit_flow_problem_format (first);

  if (problems->len == 1)
    g_set_error (error, CONDUIT_APP_DESCRIPTOR_ERROR, CONDUIT_APP_DESCRIPTOR_ERROR_INVALID,
                 _("line %s"), text);
  else
    g_set_error (error, CONDUIT_APP_DESCRIPTOR_ERROR, CONDUIT_APP_DESCRIPTOR_ERROR_INVALID,
                 g_dngettext (GETTEXT_PACKAGE, "line %s (and %u more problem)",
                              "line %s (and %u more problems)", problems->len - 1),
                 text, problems->len - 1);
  if (problems_out != NULL)
    *problems_out = g_ptr_array_ref (problems);
  return FALSE;
}

static void
locate (GPtrArray  *problems,
        const char *data,
        gsize       length)
{
  for (guint i = 0; i < problems->len; i++)
    {
      ConduitFlowProblem *item = g_ptr_array_index (problems, i);
      g_autofree char *pointer = g_strdup (item->pointer);

      if (item->line > 0)
        continue;

      /* A missing member is reported at its parent; walk up until something is found. */
      while (!conduit_json_text_locate (data, length, pointer, &item->line, &item->column))
        {
          char *slash = strrchr (pointer, '/');

          if (slash == NULL)
            {
              item->line = 1;
              item->column = 1;
              break;
            }
          *slash = '\0';
        }
    }
}

static guint
line_of (const char *data,
         const char *end)
{
  guint line = 1;

  for (const char *p = data; p < end; p++)
    if (*p == '\n')
      line++;
  return line;
}

/* The text-level checks flows make too: UTF-8, nesting depth, exact numbers, then JSON. */
static JsonNode *
parse_text (const char  *data,
            gsize        length,
            GPtrArray   *problems)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *token = NULL;
  ConduitFlowProblem *item;
  const char *end = NULL;
  guint line = 0;

  if (length > MAX_DESCRIPTOR_BYTES)
    {
      item = conduit_flow_problem_new ("", NULL, _("the file is larger than 32 MB"));
      item->line = 1;
      g_ptr_array_add (problems, item);
      return NULL;
    }
  if (!g_utf8_validate (data, length, &end))
    {
      item = conduit_flow_problem_new ("", NULL, _("the file is not UTF-8 text"));
      item->line = line_of (data, end);
      g_ptr_array_add (problems, item);
      return NULL;
    }
  if (!conduit_json_text_check_depth (data, length, MAX_JSON_DEPTH, &line))
    {
      g_autofree char *text = g_strdup_printf (_("values nest more than %u levels deep"),
                                               MAX_JSON_DEPTH);
      item = conduit_flow_problem_new ("", NULL, text);
      item->line = line;
      g_ptr_array_add (problems, item);
      return NULL;
    }
  if (!conduit_json_text_check_numbers (data, length, &line, &token))
    {
      g_autofree char *shown = g_utf8_substring (token, 0, MIN (g_utf8_strlen (token, -1), 40));
      g_autofree char *text = g_strdup_printf (_("the number %s is too large to be kept exactly"),
                                               shown);
      item = conduit_flow_problem_new ("", NULL, text);
      item->line = line;
      g_ptr_array_add (problems, item);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      const char *rest = parse_error->message;
      guint column = 0;
      g_autofree char *valid = NULL;
      g_autofree char *text = NULL;

      line = 0;
      if (g_str_has_prefix (rest, "<data>:") && sscanf (rest, "<data>:%u:%u:", &line, &column) == 2)
        {
          const char *colon = strstr (rest + 7, ": ");
          rest = colon ? colon + 2 : rest;
        }
      if (g_str_has_prefix (rest, "Parse error: "))
        rest += strlen ("Parse error: ");
      valid = g_utf8_make_valid (rest, -1);
      text = g_strdup_printf (_("not valid JSON: %s"), valid);
      item = conduit_flow_problem_new ("", NULL, text);
      item->line = MAX (line, 1);
      item->column = MAX (column, 1);
      g_ptr_array_add (problems, item);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      item = conduit_flow_problem_new ("", NULL, _("an app descriptor is a JSON object"));
      item->line = 1;
      g_ptr_array_add (problems, item);
      return NULL;
    }

  {
    g_autofree char *bad = conduit_json_node_find_invalid_utf8 (json_parser_get_root (parser));

    if (bad != NULL)
      {
        g_ptr_array_add (problems,
                         conduit_flow_problem_new (bad, NULL,
                                                   _("this text is not UTF-8 (a broken \\u escape?)")));
        return NULL;
      }
  }

  return json_node_ref (json_parser_get_root (parser));
}

/**
 * conduit_app_descriptor_new_from_data:
 * @data: the text of an app descriptor
 * @length: the length of @data, or -1 when nul-terminated
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): every problem
 *   found, each with its JSON pointer and line, when loading fails
 * @error: a location for a #GError; its message is the first problem
 *
 * Reads and fully checks an app descriptor (see `docs/connectors.md`).
 *
 * Returns: (transfer full): the descriptor, or %NULL when it has problems
 */
ConduitAppDescriptor *
conduit_app_descriptor_new_from_data (const char  *data,
                                      gssize       length,
                                      GPtrArray  **problems_out,
                                      GError     **error)
{
  static const char * const known[] = { "format", "meta", "connection", "defaults", "operations",
                                        "triggers", "examples", NULL };
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GHashTable) operation_ids = NULL;
  g_autoptr(GHashTable) trigger_ids = NULL;
  g_autoptr(ConduitAppDescriptor) self = NULL;
  Checker checker;
  JsonObject *root;
  gint64 format;

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_problem_free);
  operation_ids = g_hash_table_new (g_str_hash, g_str_equal);
  trigger_ids = g_hash_table_new (g_str_hash, g_str_equal);
  checker.problems = problems;
  checker.operation_ids = operation_ids;

  self = g_object_new (CONDUIT_TYPE_APP_DESCRIPTOR, NULL);
  if (!(self->root = parse_text (data, length, problems)))
    {
      locate (problems, data, length);
      return fail (problems, problems_out, error), NULL;
    }
  root = json_node_get_object (self->root);

  check_known (&checker, root, "", known);
  if (get_integer (&checker, root, "", "format", 1, G_MAXINT, &format) && format != 1)
    problem (&checker, "/format", _("format %" PRId64 " is newer than this Conduit reads (1)"),
             format);

  if ((self->meta = get_object (&checker, root, "", "meta", TRUE)))
    check_meta (&checker, self->meta, "/meta");

  collect_list (&checker, root, "operations", self->operations, operation_ids);
  collect_list (&checker, root, "triggers", self->triggers, trigger_ids);

  if ((self->connection = get_object (&checker, root, "", "connection", TRUE)))
    {
      JsonNode *auth = json_object_get_member (self->connection, "auth");

      check_connection (&checker, self->connection, "/connection");

      self->auth = auth != NULL && JSON_NODE_HOLDS_OBJECT (auth) ? json_node_get_object (auth) : NULL;
    }

  if ((self->defaults = get_object (&checker, root, "", "defaults", FALSE)))
    check_defaults (&checker, self->defaults, "/defaults");

  {
    JsonArray *list = array_member_or_null (root, "operations");
    for (guint i = 0; list != NULL && i < self->operations->len; i++)
      {
        JsonObject *operation = g_ptr_array_index (self->operations, i);

        /* the pointer is the operation's index in the file, not in our list */
        for (guint j = 0; j < json_array_get_length (list); j++)
          if (json_array_get_element (list, j) != NULL &&
              JSON_NODE_HOLDS_OBJECT (json_array_get_element (list, j)) &&
              json_node_get_object (json_array_get_element (list, j)) == operation)
            {
              g_autofree char *where = g_strdup_printf ("/operations/%u", j);
              check_operation (&checker, operation, where);
              check_options_references (&checker, operation, where);
              break;
            }
      }
  }

  {
    JsonArray *list = array_member_or_null (root, "triggers");
    for (guint j = 0; list != NULL && j < json_array_get_length (list); j++)
      {
        JsonNode *element = json_array_get_element (list, j);
        g_autofree char *where = g_strdup_printf ("/triggers/%u", j);

        if (JSON_NODE_HOLDS_OBJECT (element))
          check_trigger (&checker, json_node_get_object (element), where);
      }
  }

  if ((self->examples = get_array (&checker, root, "", "examples", FALSE)))
    for (guint j = 0; j < json_array_get_length (self->examples); j++)
      {
        JsonNode *element = json_array_get_element (self->examples, j);
        g_autofree char *where = g_strdup_printf ("/examples/%u", j);

        if (!JSON_NODE_HOLDS_OBJECT (element))
          problem (&checker, where, _("must be an object, not %s"),
                   conduit_json_node_describe_type (element));
        else
          check_example (&checker, json_node_get_object (element), where);
      }

  if (problems->len > 0)
    {
      locate (problems, data, length);
      return fail (problems, problems_out, error), NULL;
    }

  if (self->defaults == NULL)
    {
      json_object_set_object_member (root, "defaults", json_object_new ());
      self->defaults = json_object_get_object_member (root, "defaults");
    }

  return g_steal_pointer (&self);
}

