/* conduit-openapi-import-operation.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-json-text.h"
#include "conduit-openapi-import-private.h"

/* One OpenAPI operation (a method on a path) becomes one app descriptor operation: its
 * parameters and the top level of its request body become typed input fields, each placed by a
 * template in the path, the query, a header or the body; its first 2xx JSON answer gives the
 * output fields. What cannot be sent (cookies, files in a multipart body, a body that is
 * neither JSON nor a form) is reported; an operation that cannot work without it is skipped and
 * the report says why. */

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
is_output_key (const char *text)
{
  if (!g_ascii_isalnum (*text) || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* "findPetsByStatus" → "Find pets by status", "get-board" → "Get board" */
static char *
humanize (const char *name)
{
  GString *text = g_string_new (NULL);

  for (const char *p = name; *p; p++)
    {
      if (*p == '-' || *p == '_' || *p == '.' || *p == '/')
        {
          if (text->len > 0 && text->str[text->len - 1] != ' ')
            g_string_append_c (text, ' ');
        }
      else if (g_ascii_isupper (*p) && text->len > 0 && text->str[text->len - 1] != ' ' &&
               !g_ascii_isupper (p[-1]))
        {
          g_string_append_c (text, ' ');
          g_string_append_c (text, g_ascii_tolower (*p));
        }
      else
        g_string_append_c (text, *p);
    }
  g_strstrip (text->str);
  g_string_set_size (text, strlen (text->str));
  if (text->len > 0)
    text->str[0] = g_ascii_toupper (text->str[0]);
  return g_string_free (text, FALSE);
}

static char *
one_line (const char *text)
{
  const char *end = strchr (text, '\n');
  g_autofree char *line = g_strndup (text, end ? (gsize)(end - text) : strlen (text));

  g_strstrip (line);
  if (g_utf8_strlen (line, -1) > 120)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, 119);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&line);
}

/* An operation id the descriptor accepts: letters, digits, "-" and "_", at most 64. */
static char *
make_operation_id (const char *operation_id,
                   const char *method,
                   const char *path,
                   GHashTable *taken)
{
  g_autofree char *source = operation_id ? g_strdup (operation_id)
                                         : g_strdup_printf ("%s-%s", method, path);
  GString *id = g_string_new (NULL);
  g_autofree char *base = NULL;

  for (const char *p = source; *p && id->len < 58; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '_')
        g_string_append_c (id, operation_id ? *p : g_ascii_tolower (*p));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && (id->str[id->len - 1] == '-' || id->str[id->len - 1] == '_'))
    g_string_truncate (id, id->len - 1);
  while (id->len > 0 && !g_ascii_isalnum (id->str[0]))
    g_string_erase (id, 0, 1);
  if (id->len == 0)
    g_string_append (id, method);

  base = g_string_free (id, FALSE);
  for (guint n = 1; ; n++)
    {
      char *candidate = n == 1 ? g_strdup (base) : g_strdup_printf ("%s-%u", base, n);

      if (!g_hash_table_contains (taken, candidate))
        {
          g_hash_table_add (taken, g_strdup (candidate));
          return candidate;
        }
      g_free (candidate);
    }
}

typedef struct
{
  ConduitOpenapiImporter *importer;
  const char             *label;     /* "GET /pets (findPets)", for the report */
  JsonArray              *input;
  GHashTable             *keys;
  GString                *path;
  JsonObject             *query;
  JsonObject             *headers;
  JsonObject             *body;      /* nullable */
  gboolean                skip;
} Operation;

static char *
value_template (const char *key,
                const char *type)
{
  /* a list in the query or a header goes as "a,b,c" (OpenAPI's style: form, explode: false) */
  if (g_str_equal (type, "array"))
    return g_strdup_printf ("{{ join(input.%s, \",\") }}", key);
  return g_strdup_printf ("{{ input.%s }}", key);
}

static gboolean
add_parameter (Operation   *op,
               JsonNode    *node,
               const char  *where,
               GError     **error)
{
  ConduitOpenapiImporter *importer = op->importer;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) schema = NULL;
  g_autofree char *key = NULL;
  g_autofree char *template = NULL;
  JsonObject *parameter;
  JsonObject *field;
  const char *name;
  const char *in;
  const char *type;
  gboolean required;

  node = conduit_openapi_resolve (importer, node, where, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  parameter = json_node_get_object (node);
  name = string_member (parameter, "name");
  in = string_member (parameter, "in");
  if (name == NULL || in == NULL)
    {
      conduit_openapi_note (importer, _("%s: a parameter without “name” or “in” is left out"), op->label);
      return TRUE;
    }

  if (g_str_equal (in, "cookie"))
    {
      conduit_openapi_note (importer, _("%s: the cookie “%s” is not sent (Conduit sends no cookies)"),
                            op->label, name);
      return TRUE;
    }
  if (g_str_equal (in, "header") &&
      (g_ascii_strcasecmp (name, "Accept") == 0 || g_ascii_strcasecmp (name, "Content-Type") == 0 ||
       g_ascii_strcasecmp (name, "Authorization") == 0))
    return TRUE;  /* OpenAPI says these are ignored: the connection and the body set them */
  if (!g_str_equal (in, "path") && !g_str_equal (in, "query") && !g_str_equal (in, "header"))
    {
      conduit_openapi_note (importer, _("%s: the parameter “%s” in “%s” is not carried over"),
                            op->label, name, in);
      return TRUE;
    }

  if (importer->version == 2)
    schema = conduit_openapi_flatten (importer, node, where, error);
  else
    {
      JsonNode *schema_node = json_object_get_member (parameter, "schema");
      JsonObject *content = object_member (parameter, "content");
      g_autofree char *schema_where = conduit_json_pointer_append (where, "schema");

      if (schema_node == NULL && content != NULL && json_object_get_size (content) > 0)
        {
          g_autoptr(GList) types = json_object_get_members (content);
          JsonObject *media = object_member (content, types->data);

          schema_node = media ? json_object_get_member (media, "schema") : NULL;
        }
      schema = conduit_openapi_flatten (importer, schema_node, schema_where, error);
    }
  if (schema == NULL)
    return FALSE;

  required = g_str_equal (in, "path") || conduit_openapi_is_true (parameter, "required");
  key = conduit_openapi_make_key (name, op->keys);
  field = conduit_openapi_make_field (importer, key, name, schema,
                                      string_member (parameter, "description"), required);
  type = json_object_get_string_member (field, "type");
  json_array_add_object_element (op->input, field);

  template = value_template (key, type);
  if (g_str_equal (in, "path"))
    {
      g_autofree char *placeholder = g_strdup_printf ("{%s}", name);
      g_autofree char *value = g_strdup_printf ("{{ input.%s }}", key);

      if (g_string_replace (op->path, placeholder, value, 0) == 0)
        conduit_openapi_note (importer, _("%s: the path has no place for the parameter “%s”"),
                              op->label, name);
    }
  else if (g_str_equal (in, "query"))
    {
      if (g_str_equal (type, "array"))
        conduit_openapi_note (importer, _("%s: the list “%s” is sent as one comma-separated value"),
                              op->label, name);
      else if (g_str_equal (type, "object"))
        conduit_openapi_note (importer, _("%s: the object “%s” is sent as JSON text, not spread over several parameters"),
                              op->label, name);
      json_object_set_string_member (op->query, name, template);
    }
  else
    json_object_set_string_member (op->headers, name, template);
  return TRUE;
}

static gboolean
is_file_schema (JsonObject *schema)
{
  const char *format = string_member (schema, "format");
  const char *type = string_member (schema, "type");
  JsonObject *items = object_member (schema, "items");

  if (g_strcmp0 (type, "file") == 0 || g_strcmp0 (format, "binary") == 0 ||
      g_strcmp0 (format, "base64") == 0 || json_object_has_member (schema, "contentMediaType"))
    return TRUE;
  return g_strcmp0 (type, "array") == 0 && items != NULL &&
         (g_strcmp0 (string_member (items, "format"), "binary") == 0 ||
          g_strcmp0 (string_member (items, "type"), "file") == 0);
}

/* The body's top-level properties become fields, each sent as a member of the same name. */
static gboolean
add_body (Operation   *op,
          JsonNode    *schema_node,
          const char  *where,
          const char  *body_type,
          gboolean     body_required,
          GError     **error)
{
  ConduitOpenapiImporter *importer = op->importer;
  g_autoptr(JsonObject) schema = conduit_openapi_flatten (importer, schema_node, where, error);
  g_autoptr(JsonObject) content = json_object_new ();
  JsonObject *properties;
  JsonArray *required;

  if (schema == NULL)
    return FALSE;
  properties = object_member (schema, "properties");
  required = json_object_has_member (schema, "required") &&
             JSON_NODE_HOLDS_ARRAY (json_object_get_member (schema, "required"))
               ? json_object_get_array_member (schema, "required") : NULL;

  if (properties == NULL || json_object_get_size (properties) == 0)
    {
      g_autofree char *key = NULL;
      g_autofree char *template = NULL;
      JsonObject *field;

      if (!g_str_equal (body_type, "json"))
        {
          conduit_openapi_note (importer, _("%s: the form has no named fields; it is not sent"), op->label);
          return TRUE;
        }
      /* a list or a single value is the whole body */
      key = conduit_openapi_make_key ("body", op->keys);
      field = conduit_openapi_make_field (importer, key, "body", schema, NULL, body_required);
      json_array_add_object_element (op->input, field);
      template = g_strdup_printf ("{{ input.%s }}", key);
      json_object_set_string_member (op->body, "type", "json");
      json_object_set_string_member (op->body, "content", template);
      return TRUE;
    }

  {
    g_auto(ConduitOpenapiIter) iter = { 0 };
    const char *name;
    JsonNode *property;
    g_autofree char *properties_where = conduit_json_pointer_append (where, "properties");

    conduit_openapi_iter_init (&iter, properties);
    while (conduit_openapi_iter_next (&iter, &name, &property))
      {
        g_autofree char *property_where = conduit_json_pointer_append (properties_where, name);
        g_autoptr(JsonObject) property_schema = conduit_openapi_flatten (importer, property,
                                                                         property_where, error);
        g_autofree char *key = NULL;
        g_autofree char *template = NULL;
        gboolean is_required = FALSE;

        if (property_schema == NULL)
          return FALSE;
        if (conduit_openapi_is_true (property_schema, "readOnly"))
          continue;  /* the server sets it; sending it is an error for many APIs */
        if (is_file_schema (property_schema))
          {
            conduit_openapi_note (importer, _("%s: the file part “%s” of the body is not carried over"),
                                  op->label, name);
            continue;
          }
        for (guint i = 0; required != NULL && i < json_array_get_length (required); i++)
          if (g_strcmp0 (conduit_openapi_string_at (required, i), name) == 0)
            is_required = TRUE;

        key = conduit_openapi_make_key (name, op->keys);
        json_array_add_object_element (op->input,
                                       conduit_openapi_make_field (importer, key, name, property_schema,
                                                                   NULL, is_required && body_required));
        template = g_strdup_printf ("{{ input.%s }}", key);
        json_object_set_string_member (content, name, template);
      }
  }

  json_object_set_string_member (op->body, "type", body_type);
  json_object_set_object_member (op->body, "content", g_steal_pointer (&content));
  return TRUE;
}

static const char *
body_type_for (const char *media_type)
{
  if (g_str_has_prefix (media_type, "application/json") ||
      (g_str_has_prefix (media_type, "application/") && strstr (media_type, "+json") != NULL) ||
      g_str_equal (media_type, "*/*"))
    return "json";
  if (g_str_has_prefix (media_type, "application/x-www-form-urlencoded"))
    return "form";
  if (g_str_has_prefix (media_type, "multipart/form-data"))
    return "multipart";
  return NULL;
}

static gboolean
add_request_body (Operation   *op,
                  JsonNode    *node,
                  const char  *where,
                  GError     **error)
{
  ConduitOpenapiImporter *importer = op->importer;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) types = NULL;
  JsonObject *request_body;
  JsonObject *content;
  gboolean required;
  g_autofree char *content_where = NULL;

  node = conduit_openapi_resolve (importer, node, where, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return TRUE;
  request_body = json_node_get_object (node);
  required = conduit_openapi_is_true (request_body, "required");
  content = object_member (request_body, "content");
  if (content == NULL)
    return TRUE;
  content_where = conduit_json_pointer_append (where, "content");

  /* JSON first, then a form, then multipart: the order Conduit sends them best */
  for (guint pass = 0; pass < 3; pass++)
    {
      static const char * const wanted[] = { "json", "form", "multipart" };

      types = json_object_get_members (content);
      for (GList *l = types; l; l = l->next)
        if (g_strcmp0 (body_type_for (l->data), wanted[pass]) == 0)
          {
            JsonObject *media = object_member (content, l->data);
            g_autofree char *media_where = conduit_json_pointer_append (content_where, l->data);
            g_autofree char *schema_where = conduit_json_pointer_append (media_where, "schema");

            return add_body (op, media ? json_object_get_member (media, "schema") : NULL,
                             schema_where, wanted[pass], required, error);
          }
      g_clear_pointer (&types, g_list_free);
    }

  types = json_object_get_members (content);
  if (types != NULL)
    {
      if (required)
        {
          conduit_openapi_note (importer, _("%s skipped: its body is “%s”, which Conduit does not send"),
                                op->label, (const char *)types->data);
          op->skip = TRUE;
        }
      else
        conduit_openapi_note (importer, _("%s: the optional “%s” body is not sent"),
                              op->label, (const char *)types->data);
    }
  return TRUE;
}

/* Swagger 2.0: "in": "body" holds the schema, "formData" parameters make a form. */
static gboolean
add_swagger_body (Operation   *op,
                  JsonArray   *parameters,
                  GPtrArray   *wheres,
                  gboolean     multipart,
                  GError     **error)
{
  ConduitOpenapiImporter *importer = op->importer;
  g_autoptr(JsonObject) content = NULL;

  for (guint i = 0; i < json_array_get_length (parameters); i++)
    {
      JsonObject *parameter = json_array_get_object_element (parameters, i);
      const char *where = g_ptr_array_index (wheres, i);
      const char *in = string_member (parameter, "in");
      const char *name = string_member (parameter, "name");
      gboolean required = conduit_openapi_is_true (parameter, "required");

      if (g_strcmp0 (in, "body") == 0)
        {
          g_autofree char *schema_where = conduit_json_pointer_append (where, "schema");

          return add_body (op, json_object_get_member (parameter, "schema"), schema_where, "json",
                           required, error);
        }
      if (g_strcmp0 (in, "formData") == 0 && name != NULL)
        {
          g_autoptr(JsonObject) schema = conduit_openapi_flatten (importer, json_array_get_element (parameters, i),
                                                                  where, error);
          g_autofree char *key = NULL;
          g_autofree char *template = NULL;

          if (schema == NULL)
            return FALSE;
          if (is_file_schema (schema))
            {
              conduit_openapi_note (importer, _("%s: the file part “%s” of the body is not carried over"),
                                    op->label, name);
              continue;
            }
          if (content == NULL)
            content = json_object_new ();
          key = conduit_openapi_make_key (name, op->keys);
          json_array_add_object_element (op->input,
                                         conduit_openapi_make_field (importer, key, name, schema,
                                                                     string_member (parameter, "description"),
                                                                     required));
          template = g_strdup_printf ("{{ input.%s }}", key);
          json_object_set_string_member (content, name, template);
        }
    }
  if (content != NULL)
    {
      json_object_set_string_member (op->body, "type", multipart ? "multipart" : "form");
      json_object_set_object_member (op->body, "content", g_steal_pointer (&content));
    }
  return TRUE;
}

/* The schema of the first 2xx answer with JSON, and whether it is a list. */
static JsonNode *
response_schema (ConduitOpenapiImporter *importer,
                 JsonObject             *responses,
                 const char             *responses_where,
                 char                  **where_out,
                 GError                **error)
{
  g_autoptr(GList) codes = json_object_get_members (responses);

  codes = g_list_sort (codes, (GCompareFunc)g_strcmp0);
  for (GList *l = codes; l; l = l->next)
    {
      const char *code = l->data;
      g_autofree char *where = conduit_json_pointer_append (responses_where, code);
      g_autoptr(GError) local_error = NULL;
      JsonNode *node;
      JsonObject *response;
      JsonObject *content;

      if (code[0] != '2')
        continue;
      node = conduit_openapi_resolve (importer, json_object_get_member (responses, code), where, NULL,
                                      &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      response = json_node_get_object (node);
      if (importer->version == 2)
        {
          if (json_object_has_member (response, "schema"))
            {
              *where_out = conduit_json_pointer_append (where, "schema");
              return json_object_get_member (response, "schema");
            }
          continue;
        }
      if ((content = object_member (response, "content")) != NULL)
        {
          g_autoptr(GList) types = json_object_get_members (content);

          for (GList *t = types; t; t = t->next)
            if (g_strcmp0 (body_type_for (t->data), "json") == 0)
              {
                JsonObject *media = object_member (content, t->data);
                g_autofree char *content_where = conduit_json_pointer_append (where, "content");
                g_autofree char *media_where = conduit_json_pointer_append (content_where, t->data);

                if (media == NULL || !json_object_has_member (media, "schema"))
                  continue;
                *where_out = conduit_json_pointer_append (media_where, "schema");
                return json_object_get_member (media, "schema");
              }
        }
    }
  return NULL;
}

static gboolean
add_response (Operation   *op,
              JsonObject  *operation,
              JsonObject  *out,
              const char  *where,
              gboolean    *is_list,
              GError     **error)
{
  ConduitOpenapiImporter *importer = op->importer;
  JsonObject *responses = object_member (operation, "responses");
  g_autofree char *responses_where = conduit_json_pointer_append (where, "responses");
  g_autofree char *schema_where = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) schema = NULL;
  JsonObject *properties;
  JsonNode *node;

  *is_list = FALSE;
  if (responses == NULL)
    return TRUE;
  node = response_schema (importer, responses, responses_where, &schema_where, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (node == NULL)
    return TRUE;
  if (!(schema = conduit_openapi_flatten (importer, node, schema_where, error)))
    return FALSE;

  if (g_strcmp0 (string_member (schema, "type"), "array") == 0 ||
      (string_member (schema, "type") == NULL && json_object_has_member (schema, "items")))
    {
      g_autofree char *items_where = conduit_json_pointer_append (schema_where, "items");
      g_autoptr(JsonObject) items = conduit_openapi_flatten (importer, json_object_get_member (schema, "items"),
                                                             items_where, error);
      if (items == NULL)
        return FALSE;
      *is_list = TRUE;
      g_clear_pointer (&schema, json_object_unref);
      schema = g_steal_pointer (&items);
    }

  if ((properties = object_member (schema, "properties")) != NULL)
    {
      g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      JsonArray *output = json_array_new ();
      g_auto(ConduitOpenapiIter) iter = { 0 };
      const char *name;
      JsonNode *property;

      conduit_openapi_iter_init (&iter, properties);
      while (conduit_openapi_iter_next (&iter, &name, &property))
        {
          g_autofree char *property_where = NULL;
          g_autoptr(JsonObject) property_schema = NULL;
          JsonObject *field;

          /* the record keeps every member; only names the next step's mapping can show are listed */
          if (!is_output_key (name) || g_hash_table_contains (keys, name))
            continue;
          property_where = g_strdup_printf ("%s/properties/%s", schema_where, name);
          if (!(property_schema = conduit_openapi_flatten (importer, property, property_where, error)))
            {
              json_array_unref (output);
              return FALSE;
            }
          g_hash_table_add (keys, g_strdup (name));
          field = conduit_openapi_make_field (importer, name, name, property_schema, NULL, FALSE);
          /* the mapping table names output fields; their help would only weigh */
          json_object_remove_member (field, "help");
          json_array_add_object_element (output, field);
        }
      json_object_set_array_member (out, "output", output);
    }
  return TRUE;
}

/**
 * conduit_openapi_map_operation:
 * @importer: an import
 * @path: the path, e.g. "/pets/{petId}"
 * @method: lower case, e.g. "get"
 * @path_parameters: (nullable): the path item's own parameters
 * @node: the operation object
 * @where: its JSON pointer
 * @ids: operation ids in use; the new one is added
 * @app_has_auth: whether the app has a connection a `security: []` operation can go without
 * @error: set for a `$ref` cycle or nesting past the limit
 *
 * Returns: (transfer full) (nullable): the descriptor operation, or %NULL when it is skipped
 *   (the report says why) or on error
 */
JsonObject *
conduit_openapi_map_operation (ConduitOpenapiImporter  *importer,
                               const char              *path,
                               const char              *method,
                               JsonArray               *path_parameters,
                               const char              *path_parameters_where,
                               JsonNode                *node,
                               const char              *where,
                               GHashTable              *ids,
                               gboolean                 app_has_auth,
                               GError                 **error)
{
  g_autoptr(JsonObject) result = json_object_new ();
  g_autoptr(JsonObject) request = json_object_new ();
  g_autoptr(JsonObject) response = json_object_new ();
  g_autoptr(JsonArray) parameters = json_array_new ();
  g_autoptr(GPtrArray) parameter_wheres = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *upper = g_ascii_strup (method, -1);
  g_autofree char *id = NULL;
  g_autofree char *label = NULL;
  g_autofree char *title = NULL;
  JsonObject *operation;
  const char *operation_id;
  const char *summary;
  const char *description;
  JsonArray *tags;
  Operation op = { 0 };
  gboolean is_list = FALSE;
  g_autoptr(GError) local_error = NULL;

  node = conduit_openapi_resolve (importer, node, where, NULL, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      conduit_openapi_note (importer, _("%s %s skipped: it is not an object"), upper, path);
      return NULL;
    }
  operation = json_node_get_object (node);
  operation_id = string_member (operation, "operationId");
  summary = string_member (operation, "summary");
  description = string_member (operation, "description");
  label = operation_id ? g_strdup_printf ("%s %s (%s)", upper, path, operation_id)
                       : g_strdup_printf ("%s %s", upper, path);

  if (!g_str_equal (method, "get") && !g_str_equal (method, "post") && !g_str_equal (method, "put") &&
      !g_str_equal (method, "patch") && !g_str_equal (method, "delete"))
    {
      conduit_openapi_note (importer, _("%s skipped: Conduit sends GET, POST, PUT, PATCH and DELETE"), label);
      return NULL;
    }
  if (conduit_openapi_is_true (operation, "deprecated"))
    conduit_openapi_note (importer, _("%s is deprecated by the API"), label);

  op.importer = importer;
  op.label = label;
  op.input = json_array_new ();
  op.keys = keys;
  op.path = g_string_new (path);
  op.query = json_object_new ();
  op.headers = json_object_new ();
  op.body = json_object_new ();
  /* the step's own settings: an input must not take their keys */
  g_hash_table_add (keys, g_strdup ("credential"));
  g_hash_table_add (keys, g_strdup ("server"));

  /* the operation's parameters override the path's of the same name and place */
  {
    JsonArray *own = json_object_has_member (operation, "parameters") &&
                     JSON_NODE_HOLDS_ARRAY (json_object_get_member (operation, "parameters"))
                       ? json_object_get_array_member (operation, "parameters") : NULL;
    g_autofree char *own_where = conduit_json_pointer_append (where, "parameters");

    for (guint pass = 0; pass < 2; pass++)
      {
        JsonArray *list = pass == 0 ? own : path_parameters;
        const char *list_where = pass == 0 ? own_where : path_parameters_where;

        for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
          {
            g_autofree char *item_where = conduit_json_pointer_append_index (list_where, i);
            JsonNode *resolved = conduit_openapi_resolve (importer, json_array_get_element (list, i),
                                                          item_where, NULL, &local_error);
            JsonObject *parameter;
            gboolean overridden = FALSE;

            if (local_error != NULL)
              goto fail;
            if (resolved == NULL || !JSON_NODE_HOLDS_OBJECT (resolved))
              continue;
            parameter = json_node_get_object (resolved);
            for (guint j = 0; pass == 1 && j < json_array_get_length (parameters); j++)
              {
                JsonObject *other = json_array_get_object_element (parameters, j);

                if (g_strcmp0 (string_member (other, "name"), string_member (parameter, "name")) == 0 &&
                    g_strcmp0 (string_member (other, "in"), string_member (parameter, "in")) == 0)
                  overridden = TRUE;
              }
            if (overridden)
              continue;
            json_array_add_element (parameters, json_node_ref (resolved));
            g_ptr_array_add (parameter_wheres, g_strdup (item_where));
          }
      }
  }

  for (guint i = 0; i < json_array_get_length (parameters); i++)
    {
      const char *in = string_member (json_array_get_object_element (parameters, i), "in");

      if (g_strcmp0 (in, "body") == 0 || g_strcmp0 (in, "formData") == 0)
        continue;
      if (!add_parameter (&op, json_array_get_element (parameters, i),
                          g_ptr_array_index (parameter_wheres, i), &local_error))
        goto fail;
    }

  /* a {name} in the path that no parameter declares still needs a value */
  {
    const char *open;

    while ((open = strchr (op.path->str, '{')) != NULL && open[1] != '{')
      {
        const char *close = strchr (open, '}');
        g_autofree char *name = close ? g_strndup (open + 1, close - open - 1) : NULL;
        g_autofree char *key = NULL;
        g_autofree char *placeholder = NULL;
        g_autofree char *value = NULL;
        g_autoptr(JsonObject) schema = json_object_new ();

        if (name == NULL || *name == '\0')
          break;
        conduit_openapi_note (importer, _("%s: the path parameter “%s” is not declared; it is added as text"),
                              label, name);
        key = conduit_openapi_make_key (name, keys);
        json_array_add_object_element (op.input, conduit_openapi_make_field (importer, key, name, schema,
                                                                             NULL, TRUE));
        placeholder = g_strdup_printf ("{%s}", name);
        value = g_strdup_printf ("{{ input.%s }}", key);
        g_string_replace (op.path, placeholder, value, 0);
      }
  }

  if (importer->version == 2)
    {
      JsonArray *consumes = json_object_has_member (operation, "consumes") &&
                            JSON_NODE_HOLDS_ARRAY (json_object_get_member (operation, "consumes"))
                              ? json_object_get_array_member (operation, "consumes") : NULL;
      gboolean multipart = FALSE;

      for (guint i = 0; consumes != NULL && i < json_array_get_length (consumes); i++)
        if (g_strcmp0 (conduit_openapi_string_at (consumes, i), "multipart/form-data") == 0)
          multipart = TRUE;
      if (!add_swagger_body (&op, parameters, parameter_wheres, multipart, &local_error))
        goto fail;
    }
  else if (json_object_has_member (operation, "requestBody"))
    {
      g_autofree char *body_where = conduit_json_pointer_append (where, "requestBody");

      if (!add_request_body (&op, json_object_get_member (operation, "requestBody"), body_where,
                             &local_error))
        goto fail;
    }
  if (op.skip)
    goto skip;

  if (!add_response (&op, operation, response, where, &is_list, &local_error))
    goto fail;

  /* the descriptor */
  id = make_operation_id (operation_id, method, path, ids);
  if (summary != NULL && *summary != '\0')
    title = one_line (summary);
  else if (operation_id != NULL && *operation_id != '\0')
    title = humanize (operation_id);
  else
    title = g_strdup_printf ("%s %s", upper, path);
  if (*title == '\0')
    {
      g_free (title);
      title = g_strdup_printf ("%s %s", upper, path);
    }

  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "title", title);
  json_object_set_string_member (result, "kind", g_str_equal (method, "get") ? (is_list ? "list" : "search")
                                                                             : "action");
  tags = json_object_has_member (operation, "tags") &&
         JSON_NODE_HOLDS_ARRAY (json_object_get_member (operation, "tags"))
           ? json_object_get_array_member (operation, "tags") : NULL;
  {
    const char *tag = tags && json_array_get_length (tags) > 0 &&
                      json_node_get_value_type (json_array_get_element (tags, 0)) == G_TYPE_STRING
                        ? json_array_get_string_element (tags, 0) : NULL;
    const char *text = description && *description ? description : summary;
    g_autofree char *line = text ? one_line (text) : NULL;
    g_autofree char *full = NULL;

    /* the palette finds a step by words of its description: the tag groups them in a search */
    if (tag != NULL && line != NULL && *line != '\0')
      full = g_strdup_printf ("%s · %s", tag, line);
    else if (tag != NULL)
      full = g_strdup (tag);
    else if (line != NULL && *line != '\0')
      full = g_strdup (line);
    if (full != NULL)
      json_object_set_string_member (result, "description", full);
  }
  if (json_array_get_length (op.input) > 0)
    json_object_set_array_member (result, "input", g_steal_pointer (&op.input));

  json_object_set_string_member (request, "method", upper);
  json_object_set_string_member (request, "path", op.path->str);
  if (json_object_get_size (op.query) > 0)
    json_object_set_object_member (request, "query", g_steal_pointer (&op.query));
  if (json_object_get_size (op.headers) > 0)
    json_object_set_object_member (request, "headers", g_steal_pointer (&op.headers));
  if (json_object_get_size (op.body) > 0)
    json_object_set_object_member (request, "body", g_steal_pointer (&op.body));
  json_object_set_object_member (result, "request", g_steal_pointer (&request));
  if (json_object_get_size (response) > 0)
    json_object_set_object_member (result, "response", g_steal_pointer (&response));

  /* "security": [] lets anyone call it */
  if (app_has_auth && json_object_has_member (operation, "security") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (operation, "security")) &&
      json_array_get_length (json_object_get_array_member (operation, "security")) == 0)
    json_object_set_string_member (result, "auth", "none");

  g_clear_pointer (&op.input, json_array_unref);
  g_clear_pointer (&op.query, json_object_unref);
  g_clear_pointer (&op.headers, json_object_unref);
  g_clear_pointer (&op.body, json_object_unref);
  g_string_free (op.path, TRUE);
  return g_steal_pointer (&result);

skip:
fail:
  g_clear_pointer (&op.input, json_array_unref);
  g_clear_pointer (&op.query, json_object_unref);
  g_clear_pointer (&op.headers, json_object_unref);
  g_clear_pointer (&op.body, json_object_unref);
  if (op.path != NULL)
    g_string_free (op.path, TRUE);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}
