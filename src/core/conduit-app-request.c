/* conduit-app-request.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-app-request"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-json-text.h"
#include "conduit-app-body.h"
#include "conduit-app-request.h"
#include "conduit-expression.h"
#include "conduit-template.h"

/* What the generic app executor does with a descriptor's data, without any I/O: render an
 * operation's request for one item (and one page), see an app's error in a 200 answer, pull
 * the records out of an answer and work out the next page. Kept apart from the executor so
 * each piece can be read, and tested, on its own.
 *
 * Templates render against a scope record: {"input": …, "connection": …, "item": …,
 * "auth": …}. A string that is exactly one "{{ expression }}" keeps the expression's JSON type
 * (a number stays a number in a JSON body), and a missing value leaves its member out, so
 * optional inputs are not sent as empty strings.
 */

#define DEFAULT_MAX_PAGES 100

static gboolean
is_single_expression (const char  *text,
                      char       **inner)
{
  gsize length = strlen (text);
  const char *close;

  if (length < 4 || !g_str_has_prefix (text, "{{") || !g_str_has_suffix (text, "}}"))
    return FALSE;
  close = strstr (text + 2, "}}");
  if (close != text + length - 2 || strstr (text + 2, "{{") != NULL)
    return FALSE;
  *inner = g_strndup (text + 2, length - 4);
  return TRUE;
}

/**
 * conduit_app_evaluate:
 * @expression: an expression of the mapping language
 * @record: (nullable): the record it reads
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the value (JSON null when missing), %NULL with @error
 */
JsonNode *
conduit_app_evaluate (const char  *expression,
                      JsonNode    *record,
                      GError     **error)
{
  g_autoptr(ConduitExpression) compiled = conduit_expression_new (expression, error);

  if (compiled == NULL)
    return NULL;
  return conduit_expression_evaluate (compiled, record, error);
}

/**
 * conduit_app_render_text:
 * @template_text: a template ("Hello {{ input.name }}")
 * @scope: the record its expressions read
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the text, %NULL with @error
 */
char *
conduit_app_render_text (const char  *template_text,
                         JsonNode    *scope,
                         GError     **error)
{
  g_autoptr(ConduitTemplate) template = conduit_template_new (template_text, error);

  if (template == NULL)
    return NULL;
  return conduit_template_render (template, scope, error);
}

/**
 * conduit_app_render_value:
 * @template_value: a JSON value whose strings are templates
 * @scope: the record the templates read
 * @error: a location for a #GError
 *
 * Renders every string in @template_value. A string that is one "{{ expression }}" becomes the
 * expression's value; members and list entries whose value is missing are left out.
 *
 * Returns: (transfer full) (nullable): the rendered value; %NULL without @error when the whole
 *   value is missing, %NULL with @error when a template failed
 */
JsonNode *
conduit_app_render_value (JsonNode    *template_value,
                          JsonNode    *scope,
                          GError     **error)
{
  if (JSON_NODE_HOLDS_OBJECT (template_value))
    {
      g_autoptr(JsonObject) out = json_object_new ();
      JsonObjectIter iter;
      const char *name;
      JsonNode *child;

      json_object_iter_init_ordered (&iter, json_node_get_object (template_value));
      while (json_object_iter_next_ordered (&iter, &name, &child))
        {
          g_autoptr(GError) local_error = NULL;
          JsonNode *value = conduit_app_render_value (child, scope, &local_error);

          if (local_error != NULL)
            {
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", name);
              return NULL;
            }
          if (value != NULL)
            json_object_set_member (out, name, value);
        }
      return json_node_init_object (json_node_alloc (), out);
    }

  if (JSON_NODE_HOLDS_ARRAY (template_value))
    {
      g_autoptr(JsonArray) out = json_array_new ();
      JsonArray *array = json_node_get_array (template_value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(GError) local_error = NULL;
          JsonNode *value = conduit_app_render_value (json_array_get_element (array, i), scope,
                                                      &local_error);

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (value != NULL)
            json_array_add_element (out, value);
        }
      return json_node_init_array (json_node_alloc (), out);
    }

  if (json_node_get_value_type (template_value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (template_value);
      g_autofree char *inner = NULL;
      char *rendered;

      if (is_single_expression (text, &inner))
        {
          JsonNode *value = conduit_app_evaluate (inner, scope, error);

          if (value != NULL && JSON_NODE_HOLDS_NULL (value))
            {
              json_node_unref (value);
              return NULL;
            }
          return value;
        }

      if (!(rendered = conduit_app_render_text (text, scope, error)))
        return NULL;
      {
        JsonNode *node = json_node_init_string (json_node_alloc (), rendered);

        g_free (rendered);
        return node;
      }
    }

  return json_node_copy (template_value);
}

/* Text for a query parameter, header or form field; NULL when the value is missing or empty. */
static char *
value_to_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    return *json_node_get_string (value) ? g_strdup (json_node_get_string (value)) : NULL;
  if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? "true" : "false");
  return json_to_string (value, FALSE);
}

static gboolean
render_map (JsonObject  *object,
            const char  *member,
            JsonNode    *scope,
            GPtrArray   *names,
            GPtrArray   *values,
            GError     **error)
{
  JsonNode *map = json_object_get_member (object, member);
  JsonObjectIter iter;
  const char *name;
  JsonNode *template_value;

  if (map == NULL || !JSON_NODE_HOLDS_OBJECT (map))
    return TRUE;

  json_object_iter_init_ordered (&iter, json_node_get_object (map));
  while (json_object_iter_next_ordered (&iter, &name, &template_value))
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) value = conduit_app_render_value (template_value, scope, &local_error);
      char *text;

      if (local_error != NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s “%s”: ", member,
                                      name);
          return FALSE;
        }
      if ((text = value_to_text (value)) == NULL)
        continue;
      g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_add (values, text);
    }
  return TRUE;
}

static void
append_query (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
  g_autofree char *escaped_value = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_c (url, strchr (url->str, '?') ? '&' : '?');
  g_string_append_printf (url, "%s=%s", escaped_name, escaped_value);
}

static const char *
pagination_string (JsonObject *pagination,
                   const char *member)
{
  return pagination ? json_object_get_string_member_with_default (pagination, member, NULL) : NULL;
}

static gint64
pagination_int (JsonObject *pagination,
                const char *member,
                gint64      fallback)
{
  return pagination ? json_object_get_int_member_with_default (pagination, member, fallback)
                    : fallback;
}

static JsonObject *
get_pagination (JsonObject *operation)
{
  JsonNode *node = json_object_get_member (operation, "pagination");

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* A value placed in a path may hold what an address cannot: a file name with a space, a '#'
 * or an accent. Escape those as a browser does, keeping '/', the other characters RFC 3986
 * allows in a path, and %XX escapes already there. */
static char *
escape_path (const char *path)
{
  GString *out = g_string_sized_new (strlen (path));

  for (const char *p = path; *p; p++)
    {
      guchar c = (guchar)*p;

      if (g_ascii_isalnum (c) || strchr ("-._~/:@!$&'()*+,;=", c) != NULL ||
          (c == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2])))
        g_string_append_c (out, (char)c);
      else
        g_string_append_printf (out, "%%%02X", c);
    }
  return g_string_free (out, FALSE);
}

static char *
build_url (ConduitAppDescriptor  *app,
           JsonObject            *request,
           JsonNode              *scope,
           GError               **error)
{
  JsonObject *connection = conduit_app_descriptor_get_connection (app);
  g_autofree char *path = conduit_app_render_text (json_object_get_string_member (request, "path"),
                                                   scope, error);
  g_autofree char *base = NULL;
  gsize length;

  if (path == NULL)
    return NULL;
  /* An operation may call a full address, e.g. an incoming webhook the user pasted */
  if (g_str_has_prefix (path, "https://") || g_str_has_prefix (path, "http://"))
    return g_steal_pointer (&path);
  if (*path == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("the address is empty"));
      return NULL;
    }

  base = conduit_app_render_text (json_object_get_string_member (connection, "base_url"), scope,
                                  error);
  if (base == NULL)
    return NULL;
  length = strlen (base);
  while (length > 0 && base[length - 1] == '/')
    base[--length] = '\0';
  {
    g_autofree char *escaped = escape_path (path);
    return g_strconcat (base, *escaped == '/' ? "" : "/", escaped, NULL);
  }
}

static gboolean
set_body (ConduitHttpRequest  *request,
          JsonObject          *body,
          JsonNode            *scope,
          GError             **error)
{
  const char *type = json_object_get_string_member (body, "type");
  g_autoptr(JsonNode) content = conduit_app_render_value (json_object_get_member (body, "content"),
                                                          scope, error);

  /* an e-mail message or a file: see conduit-app-body.c */
  if (conduit_app_body_is_built_type (type))
    return (content != NULL || error == NULL || *error == NULL) &&
           conduit_app_body_build (body, content, scope, &request->content_type, &request->body,
                                   error);

  if (content == NULL)
    {
      if (error != NULL && *error != NULL)
        return FALSE;
      content = conduit_json_node_take_object (json_object_new ());
    }

  if (g_str_equal (type, "json"))
    {
      char *text = json_to_string (content, FALSE);

      request->content_type = g_strdup ("application/json");
      request->body = g_bytes_new_take (text, strlen (text));
      return TRUE;
    }

  if (g_str_equal (type, "form"))
    {
      GString *form = g_string_new (NULL);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init_ordered (&iter, json_node_get_object (content));
      while (json_object_iter_next_ordered (&iter, &name, &value))
        {
          g_autofree char *text = value_to_text (value);
          g_autofree char *escaped_name = g_uri_escape_string (name, NULL, FALSE);
          g_autofree char *escaped_value = g_uri_escape_string (text ? text : "", NULL, FALSE);

          g_string_append_printf (form, "%s%s=%s", form->len ? "&" : "", escaped_name,
                                  escaped_value);
        }
      request->content_type = g_strdup ("application/x-www-form-urlencoded");
      request->body = g_string_free_to_bytes (form);
      return TRUE;
    }

  /* multipart/form-data: each member a text part */
  {
    g_autoptr(SoupMultipart) multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
    g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
    GBytes *bytes = NULL;
    JsonObjectIter iter;
    const char *name;
    JsonNode *value;

    json_object_iter_init_ordered (&iter, json_node_get_object (content));
    while (json_object_iter_next_ordered (&iter, &name, &value))
      {
        g_autofree char *text = value_to_text (value);

        if (text != NULL)
          soup_multipart_append_form_string (multipart, name, text);
      }
    soup_multipart_to_message (multipart, headers, &bytes);
    request->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
    request->body = bytes;
  }
  return TRUE;
}

/**
 * conduit_app_build_request:
 * @app: the app
 * @operation: one of its operations
 * @scope: the scope record of one item
 * @page: (nullable): which page to ask for; %NULL for the first
 * @extra_query: (nullable) (element-type utf8 utf8): more query parameters (a poll cursor);
 *   one the operation sends too is replaced, not sent twice
 * @error: a location for a #GError
 *
 * Renders the request of @operation for one item: address, query (with the pagination
 * parameters), the app's default headers and the operation's, the body and the idempotency key.
 * The caller adds the credential.
 *
 * Returns: (transfer full) (nullable): the request, %NULL with @error
 */
ConduitHttpRequest *
conduit_app_build_request (ConduitAppDescriptor  *app,
                           JsonObject            *operation,
                           JsonNode              *scope,
                           const ConduitAppPage  *page,
                           GHashTable            *extra_query,
                           GError               **error)
{
  JsonObject *request_spec = json_object_get_object_member (operation, "request");
  JsonObject *defaults = conduit_app_descriptor_get_defaults (app);
  JsonObject *pagination = get_pagination (operation);
  const char *style = pagination_string (pagination, "style");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(ConduitHttpRequest) request = NULL;
  g_autoptr(GString) url = NULL;
  g_autofree char *base_url = NULL;
  JsonNode *body;
  JsonNode *idempotency;

  /* Next-URL and Link-header pages are addresses given by the server: whole ones, or a path
   * on the API's host (Salesforce's nextRecordsUrl), resolved as RFC 3986 says */
  if (page != NULL && page->next_url != NULL && page->next_url[0] == '/')
    {
      g_autofree char *resolved = NULL;

      if (!(base_url = build_url (app, request_spec, scope, error)) ||
          !(resolved = g_uri_resolve_relative (base_url, page->next_url, G_URI_FLAGS_NONE, error)))
        return NULL;
      url = g_string_new (resolved);
    }
  else if (page != NULL && page->next_url != NULL)
    url = g_string_new (page->next_url);
  else
    {
      if (!(base_url = build_url (app, request_spec, scope, error)))
        return NULL;
      url = g_string_new (base_url);

      if (!render_map (request_spec, "query", scope, names, values, error))
        return NULL;

      /* A poll cursor takes the place of the operation's own parameter of the same name (a
       * "since" the operation also sends): the same parameter twice is read differently by
       * every server. */
      if (extra_query != NULL)
        {
          GHashTableIter iter;
          gpointer name, value;

          g_hash_table_iter_init (&iter, extra_query);
          while (g_hash_table_iter_next (&iter, &name, &value))
            {
              guint index;

              if (g_ptr_array_find_with_equal_func (names, name, g_str_equal, &index))
                {
                  g_free (g_ptr_array_index (values, index));
                  g_ptr_array_index (values, index) = g_strdup (value);
                }
              else
                {
                  g_ptr_array_add (names, g_strdup (name));
                  g_ptr_array_add (values, g_strdup (value));
                }
            }
        }
      for (guint i = 0; i < names->len; i++)
        append_query (url, g_ptr_array_index (names, i), g_ptr_array_index (values, i));

      if (pagination != NULL)
        {
          const char *limit_param = pagination_string (pagination, "limit_param");
          gint64 limit = pagination_int (pagination, "limit", 0);

          if (limit_param != NULL && limit > 0)
            {
              g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, limit);
              append_query (url, limit_param, text);
            }
          if (g_strcmp0 (style, "offset") == 0)
            {
              g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, page ? page->offset : 0);
              append_query (url, pagination_string (pagination, "offset_param"), text);
            }
          else if (g_strcmp0 (style, "page") == 0)
            {
              gint64 number = page && page->pages > 0 ? page->page
                                                      : pagination_int (pagination, "first_page", 1);
              g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, number);
              append_query (url, pagination_string (pagination, "page_param"), text);
            }
          else if (g_strcmp0 (style, "cursor") == 0 && page != NULL && page->cursor != NULL &&
                   pagination_string (pagination, "cursor_param") != NULL)
            append_query (url, pagination_string (pagination, "cursor_param"), page->cursor);
        }
    }

  request = conduit_http_request_new (json_object_get_string_member (request_spec, "method"),
                                      url->str);
  request->timeout_s = (guint)json_object_get_int_member_with_default (defaults, "timeout_seconds", 30);

  g_ptr_array_set_size (names, 0);
  g_ptr_array_set_size (values, 0);
  if (!render_map (defaults, "headers", scope, names, values, error) ||
      !render_map (request_spec, "headers", scope, names, values, error))
    return NULL;
  for (guint i = 0; i < names->len; i++)
    conduit_http_request_add_header (request, g_ptr_array_index (names, i),
                                     g_ptr_array_index (values, i));

  body = json_object_get_member (request_spec, "body");
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body) &&
      !set_body (request, json_node_get_object (body), scope, error))
    return NULL;

  /* The same key goes with every attempt, so a retry is recognised, not acted on twice. */
  idempotency = json_object_get_member (operation, "idempotency");
  if (idempotency != NULL && JSON_NODE_HOLDS_OBJECT (idempotency))
    {
      JsonObject *spec = json_node_get_object (idempotency);
      g_autofree char *key = conduit_app_render_text (json_object_get_string_member (spec, "key"),
                                                      scope, error);
      const char *header = json_object_get_string_member (spec, "header");

      if (key == NULL)
        return NULL;
      if (*key != '\0')
        {
          if (g_ascii_strcasecmp (header, "Idempotency-Key") == 0)
            request->idempotency_key = g_steal_pointer (&key);
          else
            conduit_http_request_add_header (request, header, key);
        }
    }

  return g_steal_pointer (&request);
}

/**
 * conduit_app_find_error:
 * @app: the app
 * @operation: the operation that was called
 * @body: the answer's body
 * @message: (out) (transfer full): the app's own message when it reported an error
 *
 * Some apps answer 200 with an error in the body (Slack: {"ok": false, "error": "…"}). The
 * operation's "error" rule, else the app's default one, says how to see it.
 *
 * Returns: %TRUE when @body reports an error
 */
gboolean
conduit_app_find_error (ConduitAppDescriptor  *app,
                        JsonObject            *operation,
                        JsonNode              *body,
                        char                 **message)
{
  JsonNode *rule_node = json_object_get_member (operation, "error");
  g_autoptr(ConduitExpression) when = NULL;
  g_autoptr(JsonNode) text = NULL;
  JsonObject *rule;
  gboolean failed = FALSE;

  *message = NULL;
  if (rule_node == NULL)
    rule_node = json_object_get_member (conduit_app_descriptor_get_defaults (app), "error");
  if (rule_node == NULL || !JSON_NODE_HOLDS_OBJECT (rule_node) || body == NULL ||
      (!JSON_NODE_HOLDS_OBJECT (body) && !JSON_NODE_HOLDS_ARRAY (body)))
    return FALSE;

  rule = json_node_get_object (rule_node);
  if (!(when = conduit_expression_new (json_object_get_string_member (rule, "when"), NULL)) ||
      !conduit_expression_evaluate_boolean (when, body, &failed, NULL) || !failed)
    return FALSE;

  if (json_object_has_member (rule, "message"))
    text = conduit_app_evaluate (json_object_get_string_member (rule, "message"), body, NULL);
  *message = value_to_text (text);
  if (*message == NULL)
    *message = g_strdup (_("the app reported an error without saying which"));
  return TRUE;
}

static JsonNode *
as_record (JsonNode *value)
{
  JsonObject *object;

  if (JSON_NODE_HOLDS_OBJECT (value))
    return json_node_copy (value);
  object = json_object_new ();
  json_object_set_member (object, "value", json_node_copy (value));
  return conduit_json_node_take_object (object);
}

/**
 * conduit_app_extract_records:
 * @operation: the operation that was called
 * @body: (nullable): the answer's body
 * @status: the answer's HTTP status
 * @error: a location for a #GError
 *
 * The records of an answer: the list at the operation's "records" expression, else the body
 * itself: a list is its records, an object one record, anything else {"status": …, "body": …}.
 *
 * Returns: (transfer full) (element-type JsonNode): the records, %NULL with @error when
 *   "records" does not lead to a list or an object
 */
GPtrArray *
conduit_app_extract_records (JsonObject  *operation,
                             JsonNode    *body,
                             guint        status,
                             GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  JsonNode *response = json_object_get_member (operation, "response");
  const char *path = NULL;
  g_autoptr(JsonNode) found = NULL;

  if (response != NULL && JSON_NODE_HOLDS_OBJECT (response))
    path = json_object_get_string_member_with_default (json_node_get_object (response), "records",
                                                       NULL);

  if (path == NULL)
    {
      if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
        g_ptr_array_add (records, json_node_copy (body));
      else if (body != NULL && JSON_NODE_HOLDS_ARRAY (body))
        {
          /* a list answered as it is (GitHub) */
          JsonArray *array = json_node_get_array (body);

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_ptr_array_add (records, as_record (json_array_get_element (array, i)));
        }
      else
        {
          JsonObject *object = json_object_new ();

          json_object_set_int_member (object, "status", status);
          json_object_set_member (object, "body", body ? json_node_copy (body)
                                                       : json_node_init_null (json_node_alloc ()));
          g_ptr_array_add (records, conduit_json_node_take_object (object));
        }
      return g_steal_pointer (&records);
    }

  if (body == NULL || !(found = conduit_app_evaluate (path, body, NULL)) || JSON_NODE_HOLDS_NULL (found))
    {
      /* An empty answer has no records; a body of another shape is a surprise worth naming. */
      if (body == NULL || JSON_NODE_HOLDS_NULL (body) || JSON_NODE_HOLDS_OBJECT (body))
        return g_steal_pointer (&records);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer has no list at “%s”"), path);
      return NULL;
    }

  if (JSON_NODE_HOLDS_ARRAY (found))
    {
      JsonArray *array = json_node_get_array (found);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (records, as_record (json_array_get_element (array, i)));
    }
  else if (JSON_NODE_HOLDS_OBJECT (found))
    g_ptr_array_add (records, json_node_copy (found));
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("the answer's “%s” is %s, not a list of records"), path,
                   json_node_type_name (found));
      return NULL;
    }
  return g_steal_pointer (&records);
}

/* The rel="next" target of an RFC 8288 Link header (GitHub, Shopify). */
static char *
link_header_next (JsonNode *headers)
{
  const char *value;
  g_auto(GStrv) links = NULL;

  if (headers == NULL || !JSON_NODE_HOLDS_OBJECT (headers) ||
      !(value = json_object_get_string_member_with_default (json_node_get_object (headers), "link",
                                                            NULL)))
    return NULL;

  links = g_strsplit (value, ",", -1);
  for (guint i = 0; links[i]; i++)
    {
      const char *open = strchr (links[i], '<');
      const char *close = open ? strchr (open, '>') : NULL;

      if (close == NULL)
        continue;
      if (strstr (close, "rel=\"next\"") || strstr (close, "rel=next"))
        return g_strndup (open + 1, close - open - 1);
    }
  return NULL;
}

/**
 * conduit_app_next_page:
 * @operation: the operation
 * @body: (nullable): the last answer's body
 * @headers: (nullable): the last answer's headers (names lower-case)
 * @n_records: how many records the last page held
 * @page: (inout): where the operation is; moved to the next page
 * @capped: (out): %TRUE when there is a next page but the page cap stops here
 *
 * Returns: %TRUE when another page should be fetched
 */
gboolean
conduit_app_next_page (JsonObject     *operation,
                       JsonNode       *body,
                       JsonNode       *headers,
                       guint           n_records,
                       ConduitAppPage *page,
                       gboolean       *capped)
{
  JsonObject *pagination = get_pagination (operation);
  const char *style = pagination_string (pagination, "style");
  const char *stop = pagination_string (pagination, "stop");
  gint64 limit = pagination_int (pagination, "limit", 0);
  gboolean more = FALSE;

  *capped = FALSE;
  page->pages++;
  if (pagination == NULL || n_records == 0)
    return FALSE;

  if (stop != NULL && body != NULL)
    {
      g_autoptr(ConduitExpression) expression = conduit_expression_new (stop, NULL);
      gboolean stopped = FALSE;

      if (expression != NULL && conduit_expression_evaluate_boolean (expression, body, &stopped, NULL) &&
          stopped)
        return FALSE;
    }

  if (g_str_equal (style, "offset") || g_str_equal (style, "page"))
    {
      /* a short page is the last one */
      more = limit <= 0 || n_records >= limit;
      page->offset += n_records;
      page->page = (page->pages == 1 ? pagination_int (pagination, "first_page", 1) : page->page) + 1;
    }
  else if (g_str_equal (style, "cursor") || g_str_equal (style, "next_url"))
    {
      g_autoptr(JsonNode) next = body ? conduit_app_evaluate (pagination_string (pagination, "next"),
                                                              body, NULL) : NULL;
      g_autofree char *text = NULL;

      if (next != NULL && json_node_get_value_type (next) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (next));
      else if (next != NULL && json_node_get_value_type (next) == G_TYPE_INT64)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));

      /* the same cursor again would loop forever */
      more = text != NULL && *text != '\0' &&
             g_strcmp0 (text, g_str_equal (style, "cursor") ? page->cursor : page->next_url) != 0;
      if (more && g_str_equal (style, "cursor"))
        {
          g_free (page->cursor);
          page->cursor = g_steal_pointer (&text);
        }
      else if (more)
        {
          g_free (page->next_url);
          page->next_url = g_steal_pointer (&text);
        }
    }
  else if (g_str_equal (style, "link_header"))
    {
      g_autofree char *next = link_header_next (headers);

      more = next != NULL && g_strcmp0 (next, page->next_url) != 0;
      if (more)
        {
          g_free (page->next_url);
          page->next_url = g_steal_pointer (&next);
        }
    }

  if (more && page->pages >= (guint)pagination_int (pagination, "max_pages", DEFAULT_MAX_PAGES))
    {
      *capped = TRUE;
      return FALSE;
    }
  return more;
}

/**
 * conduit_app_page_clear:
 * @page: a page position
 *
 * Frees what @page holds.
 */
void
conduit_app_page_clear (ConduitAppPage *page)
{
  g_clear_pointer (&page->cursor, g_free);
  g_clear_pointer (&page->next_url, g_free);
}

/* ------------------------------------------------------------------------------------------ */
/* The connection's credential                                                                 */

/* The descriptor's `auth.in` and `auth.name` for an api-key connection, when it gives them. */
static gboolean
get_key_placement (ConduitAppDescriptor  *app,
                   const char           **in,
                   const char           **name)
{
  JsonObject *auth = conduit_app_descriptor_get_auth (app);

  if (auth == NULL || g_strcmp0 (conduit_app_descriptor_get_auth_kind (app), "api-key") != 0)
    return FALSE;
  *in = json_object_get_string_member_with_default (auth, "in", NULL);
  *name = json_object_get_string_member_with_default (auth, "name", NULL);
  return (g_strcmp0 (*in, "header") == 0 || g_strcmp0 (*in, "query") == 0) && *name != NULL;
}

/**
 * conduit_app_place_credential:
 * @app: the app a step calls
 * @credential: the connection the step uses
 *
 * An API key goes where the app wants it (Shopify's `X-Shopify-Access-Token` header,
 * Pipedrive's `api_token` parameter), whatever placement the credential was saved with: the
 * same key may have been entered for a plain HTTP Request with another header, and the
 * descriptor is the one that knows the app. Other kinds carry their own placement.
 *
 * Returns: (transfer full): @credential, or a copy of it placed as the descriptor says
 */
ConduitCredential *
conduit_app_place_credential (ConduitAppDescriptor *app,
                              ConduitCredential    *credential)
{
  ConduitCredential *placed;
  const char *in;
  const char *name;

  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (app), NULL);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);

  if (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_API_KEY ||
      !get_key_placement (app, &in, &name))
    return g_object_ref (credential);

  /* a copy: the run's credential cache shares the original with every other step */
  placed = conduit_credential_copy (credential);
  conduit_credential_set_field (placed, "in", in, NULL);
  conduit_credential_set_field (placed, g_str_equal (in, "header") ? "header" : "parameter", name,
                                NULL);
  return placed;
}

/**
 * conduit_app_new_credential:
 * @app: an app
 * @id: the new credential's id
 *
 * What “Connect to <App>” starts from: a credential of the kind the descriptor names, named
 * after the app, with what the descriptor already knows filled in (where an API key goes; an
 * OAuth 2.0 sign-in's addresses and scopes). The user adds the secret.
 *
 * Returns: (transfer full) (nullable): the credential, or %NULL when the app needs none or
 *   names a kind Conduit does not have
 */
ConduitCredential *
conduit_app_new_credential (ConduitAppDescriptor *app,
                            const char           *id)
{
  g_autoptr(ConduitCredential) credential = NULL;
  ConduitCredentialKind kind;
  JsonObject *auth;
  const char *in;
  const char *name;

  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (app), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  auth = conduit_app_descriptor_get_auth (app);
  if (!conduit_credential_kind_from_string (conduit_app_descriptor_get_auth_kind (app), &kind))
    return NULL;

  credential = conduit_credential_new (id, kind);
  conduit_credential_set_name (credential, conduit_app_descriptor_get_title (app));

  if (kind == CONDUIT_CREDENTIAL_KIND_API_KEY && get_key_placement (app, &in, &name))
    {
      conduit_credential_set_field (credential, "in", in, NULL);
      conduit_credential_set_field (credential, g_str_equal (in, "header") ? "header" : "parameter",
                                    name, NULL);
    }
  else if (kind == CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE ||
           kind == CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS)
    {
      static const char * const urls[] = { "authorize_url", "token_url" };
      JsonNode *scopes = json_object_get_member (auth, "scopes");

      for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
        if (json_object_has_member (auth, urls[i]) &&
            conduit_credential_kind_find_field (kind, urls[i]) != NULL)
          conduit_credential_set_field (credential, urls[i],
                                        json_object_get_string_member (auth, urls[i]), NULL);

      if (scopes != NULL && JSON_NODE_HOLDS_ARRAY (scopes))
        {
          g_autoptr(GString) text = g_string_new (NULL);
          JsonArray *array = json_node_get_array (scopes);
          const char *field = conduit_credential_kind_find_field (kind, "scopes") ? "scopes" : "scope";

          for (guint i = 0; i < json_array_get_length (array); i++)
            g_string_append_printf (text, "%s%s", i ? " " : "", json_array_get_string_element (array, i));
          conduit_credential_set_field (credential, field, text->str, NULL);
        }
    }

  return g_steal_pointer (&credential);
}
