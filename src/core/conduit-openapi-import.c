/* conduit-openapi-import.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "conduit-app-descriptor.h"
#include "conduit-flow-problem.h"
#include "conduit-json-text.h"
#include "conduit-openapi-import-private.h"

/* An OpenAPI 3.0/3.1 (JSON or YAML) or Swagger 2.0 description turned into an app descriptor
 * (docs/connectors.md), with a report of everything that could not be carried over. The first
 * server becomes the connection's "Server" field (its variables fields of their own), the first
 * security scheme Conduit knows the connection's credential kind, every operation an operation.
 *
 * Nothing is fetched: a `$ref` to another file is reported, not followed. A re-import into the
 * same folder merges by operation id with what is there, keeping titles the user changed and
 * leaving out operations the user deleted; the titles as imported are kept next to the
 * descriptor (ID.openapi-import) to tell the two apart. */

/* The app descriptor loader's limit (conduit-app-descriptor-loader.c), said in advance with
 * a way out, instead of the loader's bare refusal. */
#define DESCRIPTOR_MAX_BYTES (32 * 1024 * 1024)

struct _ConduitOpenapiImport
{
  GObject     parent_instance;

  JsonNode   *descriptor;
  GPtrArray  *report;
  char       *app_id;
  char       *title;
  JsonObject *imported_titles;  /* operation id → title as imported, for the next merge */
  GHashTable *tags;             /* operation id → GStrv */
};

G_DEFINE_FINAL_TYPE (ConduitOpenapiImport, conduit_openapi_import, G_TYPE_OBJECT)

G_DEFINE_QUARK (conduit-openapi-import-error-quark, conduit_openapi_import_error)

static void
conduit_openapi_import_finalize (GObject *object)
{
  ConduitOpenapiImport *self = CONDUIT_OPENAPI_IMPORT (object);

  g_clear_pointer (&self->descriptor, json_node_unref);
  g_clear_pointer (&self->report, g_ptr_array_unref);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->imported_titles, json_object_unref);
  g_clear_pointer (&self->tags, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_openapi_import_parent_class)->finalize (object);
}

static void
conduit_openapi_import_class_init (ConduitOpenapiImportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_openapi_import_finalize;
}

static void
conduit_openapi_import_init (ConduitOpenapiImport *self)
{
  self->report = g_ptr_array_new_with_free_func (g_free);
  self->imported_titles = json_object_new ();
  self->tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_strfreev);
}

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

static JsonArray *
array_member (JsonObject *object,
              const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A value of any type as text: "1.0.0", 2 → "2" (YAML reads an unquoted version as a number). */
static char *
scalar_text (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.1f", json_node_get_double (node)));
    }
  return json_to_string (node, FALSE);
}

static char *
first_paragraph (const char *text)
{
  const char *end = strstr (text, "\n\n");
  g_autofree char *paragraph = g_strndup (text, end ? (gsize)(end - text) : strlen (text));
  char *stripped = g_strstrip (g_strdelimit (paragraph, "\n\r\t", ' '));

  if (g_utf8_strlen (stripped, -1) > 400)
    {
      g_autofree char *cut = g_utf8_substring (stripped, 0, 399);
      return g_strconcat (cut, "…", NULL);
    }
  return g_strdup (stripped);
}

/* "Swagger Petstore - OpenAPI 3.0" → "swagger-petstore-openapi-3-0" */
static char *
make_app_id (const char *title)
{
  GString *id = g_string_new (NULL);

  for (const char *p = title ? title : ""; *p && id->len < 48; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (id, g_ascii_tolower (*p));
      else if (id->len > 0 && id->str[id->len - 1] != '-')
        g_string_append_c (id, '-');
    }
  while (id->len > 0 && id->str[id->len - 1] == '-')
    g_string_truncate (id, id->len - 1);
  if (id->len == 0)
    g_string_append (id, "api");
  return g_string_free (id, FALSE);
}

static gboolean
is_app_id (const char *text)
{
  if (text == NULL || !g_ascii_isalnum (*text) || strlen (text) > 64)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_absolute (const char *url)
{
  return url != NULL && (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://"));
}

/* Servers */

/* The server's address as the descriptor's "Server" field, and its variables as fields that
 * fill the address's {placeholders}: "{{ replace(connection.server, "{scheme}", …) }}". A user
 * (or a test) can point the app elsewhere by setting Server on the step. */
static char *
map_server (ConduitOpenapiImporter *importer,
            JsonObject             *doc,
            const char             *address,
            JsonObject             *connection,
            char                  **server_out)
{
  g_autoptr(JsonArray) fields = json_array_new ();
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) expression = g_string_new ("connection.server");
  g_autoptr(GString) help = g_string_new (_("The API’s address"));
  g_autofree char *url = NULL;
  JsonObject *server_field = json_object_new ();
  JsonObject *variables = NULL;

  g_hash_table_add (keys, g_strdup ("server"));
  g_hash_table_add (keys, g_strdup ("credential"));

  if (importer->version == 3)
    {
      JsonArray *servers = array_member (doc, "servers");

      for (guint i = 0; servers != NULL && i < json_array_get_length (servers); i++)
        {
          JsonNode *element = json_array_get_element (servers, i);
          const char *text = JSON_NODE_HOLDS_OBJECT (element)
                               ? string_member (json_node_get_object (element), "url") : NULL;

          if (text == NULL)
            continue;
          if (url == NULL)
            {
              url = g_strdup (text);
              variables = object_member (json_node_get_object (element), "variables");
            }
          g_string_append_printf (help, i == 0 ? _("; the description lists %s") : ", %s", text);
        }
      if (url == NULL)
        url = g_strdup ("/");  /* OpenAPI's default server */
    }
  else
    {
      const char *host = string_member (doc, "host");
      const char *base_path = string_member (doc, "basePath");
      JsonArray *schemes = array_member (doc, "schemes");
      const char *scheme = NULL;

      for (guint i = 0; schemes != NULL && i < json_array_get_length (schemes); i++)
        if (g_strcmp0 (conduit_openapi_string_at (schemes, i), "https") == 0)
          scheme = "https";
      if (scheme == NULL && schemes != NULL && json_array_get_length (schemes) > 0)
        scheme = conduit_openapi_string_at (schemes, 0);
      if (scheme == NULL)
        scheme = g_str_has_prefix (address ? address : "", "http://") ? "http" : "https";
      if (host != NULL)
        url = g_strdup_printf ("%s://%s%s", scheme, host, base_path ? base_path : "");
      else
        url = g_strdup (base_path ? base_path : "/");
    }

  /* relative to where the description was published */
  if (!is_absolute (url) && is_absolute (address))
    {
      g_autofree char *resolved = g_uri_resolve_relative (address, url, G_URI_FLAGS_NONE, NULL);

      if (resolved != NULL)
        {
          g_free (url);
          url = g_steal_pointer (&resolved);
        }
    }
  while (g_str_has_suffix (url, "/") && strlen (url) > 1)
    url[strlen (url) - 1] = '\0';

  json_object_set_string_member (server_field, "key", "server");
  json_object_set_string_member (server_field, "label", _("Server"));
  json_object_set_string_member (server_field, "type", "url");
  json_object_set_boolean_member (server_field, "required", TRUE);
  if (g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://") || strstr (url, "}://"))
    json_object_set_string_member (server_field, "default", url);
  else
    conduit_openapi_note (importer,
                          _("the server address “%s” is relative to where the description is published: fill in Server with the full address"),
                          url);
  json_object_set_string_member (server_field, "help", help->str);
  json_array_add_object_element (fields, server_field);

  if (variables != NULL)
    {
      g_auto(ConduitOpenapiIter) iter = { 0 };
      const char *name;
      JsonNode *value;

      conduit_openapi_iter_init (&iter, variables);
      while (conduit_openapi_iter_next (&iter, &name, &value))
        {
          g_autoptr(JsonObject) schema = json_object_new ();
          g_autofree char *key = NULL;
          JsonObject *variable;
          JsonObject *field;

          if (!JSON_NODE_HOLDS_OBJECT (value) || strpbrk (name, "\"\\{}") != NULL)
            {
              conduit_openapi_note (importer, _("the server variable “%s” is not carried over"), name);
              continue;
            }
          variable = json_node_get_object (value);
          json_object_set_string_member (schema, "type", "string");
          if (json_object_has_member (variable, "enum"))
            json_object_set_member (schema, "enum", json_node_ref (json_object_get_member (variable, "enum")));
          if (json_object_has_member (variable, "default"))
            json_object_set_member (schema, "default", json_node_ref (json_object_get_member (variable, "default")));
          key = conduit_openapi_make_key (name, keys);
          field = conduit_openapi_make_field (importer, key, name, schema,
                                              string_member (variable, "description"), TRUE);
          json_array_add_object_element (fields, field);
          /* to_string: an enum of numbers (a port) still replaces text */
          g_string_prepend (expression, "replace(");
          g_string_append_printf (expression, ", \"{%s}\", to_string(connection.%s))", name, key);
        }
    }

  json_object_set_array_member (connection, "fields", g_steal_pointer (&fields));
  *server_out = g_strdup (url);
  return g_strdup_printf ("{{ %s }}", expression->str);
}

/* Security */

static char *
join_prefix (const char *head,
               gsize       head_length,
               const char *tail)
{
  g_autofree char *cut = g_strndup (head, head_length);

  return g_strconcat (cut, tail, NULL);
}

static char *
resolve_url (const char *url,
             const char *server)
{
  const char *authority;
  const char *path;
  char *resolved;

  if (url == NULL || is_absolute (url) || server == NULL || (authority = strstr (server, "://")) == NULL)
    return g_strdup (url);
  /* by hand for "/path": a server with {variables} in its host is no URI GLib can parse */
  if (url[0] == '/')
    {
      path = strchr (authority + 3, '/');
      return join_prefix (server, path ? (gsize)(path - server) : strlen (server), url);
    }
  resolved = g_uri_resolve_relative (server, url, G_URI_FLAGS_NONE, NULL);
  return resolved ? resolved : g_strdup (url);
}

static JsonArray *
scope_names (JsonObject *flow)
{
  JsonArray *scopes = json_array_new ();
  JsonObject *from = object_member (flow, "scopes");
  g_autoptr(GList) names = from ? json_object_get_members (from) : NULL;

  for (GList *l = names; l; l = l->next)
    json_array_add_string_element (scopes, l->data);
  return scopes;
}

/* One security scheme as a credential kind, or NULL with the reason in @why. */
static JsonObject *
map_scheme (ConduitOpenapiImporter *importer,
            JsonObject             *scheme,
            const char             *server,
            char                  **why)
{
  g_autoptr(JsonObject) auth = json_object_new ();
  const char *type = string_member (scheme, "type");

  if (g_strcmp0 (type, "apiKey") == 0)
    {
      const char *in = string_member (scheme, "in");
      const char *name = string_member (scheme, "name");

      if (g_strcmp0 (in, "header") != 0 && g_strcmp0 (in, "query") != 0)
        {
          *why = g_strdup_printf (_("an API key in “%s” (Conduit sends one in a header or the query)"),
                                  in ? in : "?");
          return NULL;
        }
      if (name == NULL || *name == '\0')
        {
          *why = g_strdup (_("an API key without a “name”"));
          return NULL;
        }
      json_object_set_string_member (auth, "kind", "api-key");
      json_object_set_string_member (auth, "in", in);
      json_object_set_string_member (auth, "name", name);
      return g_steal_pointer (&auth);
    }
  if (g_strcmp0 (type, "http") == 0 || g_strcmp0 (type, "basic") == 0)
    {
      const char *how = importer->version == 2 ? "basic" : string_member (scheme, "scheme");

      if (how != NULL && g_ascii_strcasecmp (how, "bearer") == 0)
        json_object_set_string_member (auth, "kind", "bearer");
      else if (how != NULL && g_ascii_strcasecmp (how, "basic") == 0)
        json_object_set_string_member (auth, "kind", "basic");
      else
        {
          *why = g_strdup_printf (_("HTTP “%s” authentication"), how ? how : "?");
          return NULL;
        }
      return g_steal_pointer (&auth);
    }
  if (g_strcmp0 (type, "oauth2") == 0)
    {
      JsonObject *flows = object_member (scheme, "flows");
      JsonObject *client = object_member (flows, "clientCredentials");
      JsonObject *code = object_member (flows, "authorizationCode");
      const char *flow2 = string_member (scheme, "flow");

      if (importer->version == 2 && g_strcmp0 (flow2, "application") == 0)
        client = scheme;
      if (importer->version == 2 && g_strcmp0 (flow2, "accessCode") == 0)
        code = scheme;

      /* client credentials run unattended, on a server too: preferred when both are offered */
      if (client != NULL && string_member (client, "tokenUrl") != NULL)
        {
          g_autofree char *token_url = resolve_url (string_member (client, "tokenUrl"), server);

          json_object_set_string_member (auth, "kind", "oauth2-client-credentials");
          json_object_set_string_member (auth, "token_url", token_url);
          if (code != NULL)
            conduit_openapi_note (importer, _("OAuth 2.0: the client credentials flow is used; the authorization code flow is also offered"));
          return g_steal_pointer (&auth);
        }
      if (code != NULL && string_member (code, "tokenUrl") != NULL &&
          string_member (code, "authorizationUrl") != NULL)
        {
          g_autofree char *token_url = resolve_url (string_member (code, "tokenUrl"), server);
          g_autofree char *authorize_url = resolve_url (string_member (code, "authorizationUrl"), server);

          json_object_set_string_member (auth, "kind", "oauth2-authorization-code");
          json_object_set_string_member (auth, "authorize_url", authorize_url);
          json_object_set_string_member (auth, "token_url", token_url);
          json_object_set_array_member (auth, "scopes", scope_names (code));
          return g_steal_pointer (&auth);
        }
      *why = g_strdup (_("OAuth 2.0 with only the implicit or password flow"));
      return NULL;
    }
  *why = g_strdup_printf (_("“%s” authentication"), type ? type : "?");
  return NULL;
}

static JsonObject *
map_security (ConduitOpenapiImporter *importer,
              JsonObject             *doc,
              const char             *server)
{
  JsonObject *schemes = importer->version == 2
                          ? object_member (doc, "securityDefinitions")
                          : object_member (object_member (doc, "components"), "securitySchemes");
  JsonNode *security = json_object_get_member (doc, "security");
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GList) names = schemes ? json_object_get_members (schemes) : NULL;
  JsonObject *chosen = NULL;
  const char *chosen_name = NULL;

  if (security != NULL && !JSON_NODE_HOLDS_ARRAY (security))
    conduit_openapi_note (importer, _("“security” is not a list; it is ignored"));

  /* the schemes the description requires first, then the others in their order */
  if (security != NULL && JSON_NODE_HOLDS_ARRAY (security))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (security)); i++)
      {
        JsonNode *requirement = json_array_get_element (json_node_get_array (security), i);
        g_autoptr(GList) required = JSON_NODE_HOLDS_OBJECT (requirement)
                                      ? json_object_get_members (json_node_get_object (requirement)) : NULL;

        for (GList *l = required; l; l = l->next)
          if (!g_ptr_array_find_with_equal_func (order, l->data, g_str_equal, NULL))
            g_ptr_array_add (order, l->data);
      }
  for (GList *l = names; l; l = l->next)
    if (!g_ptr_array_find_with_equal_func (order, l->data, g_str_equal, NULL))
      g_ptr_array_add (order, l->data);

  for (guint i = 0; i < order->len; i++)
    {
      const char *name = g_ptr_array_index (order, i);
      JsonObject *scheme = object_member (schemes, name);
      g_autofree char *why = NULL;
      JsonObject *auth;

      if (scheme == NULL)
        {
          conduit_openapi_note (importer, _("the security scheme “%s” is required but not defined"), name);
          continue;
        }
      if (chosen != NULL)
        {
          conduit_openapi_note (importer,
                                _("the security scheme “%s” is not carried over: an app has one kind of connection, and “%s” is used"),
                                name, chosen_name);
          continue;
        }
      if ((auth = map_scheme (importer, scheme, server, &why)) == NULL)
        {
          conduit_openapi_note (importer, _("the security scheme “%s” is not supported: %s"), name, why);
          continue;
        }
      chosen = auth;
      chosen_name = name;
    }

  if (chosen == NULL)
    {
      chosen = json_object_new ();
      json_object_set_string_member (chosen, "kind", "none");
    }
  return chosen;
}

/* Operations */

static const char * const methods[] = { "get", "put", "post", "delete", "options", "head", "patch",
                                        "trace", NULL };

typedef struct
{
  JsonObject *operation;
  guint       group;  /* the index of its first tag, for the palette's order */
  guint       index;
} Mapped;

static int
compare_mapped (gconstpointer a,
                gconstpointer b)
{
  const Mapped *x = a;
  const Mapped *y = b;

  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static guint
group_of (JsonObject *operation,
          GPtrArray  *groups)
{
  const char *description = string_member (operation, "description");
  g_autofree char *tag = NULL;
  const char *dot;
  guint index;

  if (description == NULL)
    return G_MAXUINT;
  dot = strstr (description, " · ");
  tag = g_strndup (description, dot ? (gsize)(dot - description) : strlen (description));
  if (g_ptr_array_find_with_equal_func (groups, tag, g_str_equal, &index))
    return index;
  g_ptr_array_add (groups, g_steal_pointer (&tag));
  return groups->len - 1;
}

static gboolean
map_paths (ConduitOpenapiImporter  *importer,
           JsonObject              *doc,
           gboolean                 app_has_auth,
           JsonArray               *operations,
           GError                 **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) mapped = g_array_new (FALSE, FALSE, sizeof (Mapped));
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  JsonNode *paths_node = json_object_get_member (doc, "paths");
  g_auto(ConduitOpenapiIter) iter = { 0 };
  const char *path;
  JsonNode *item_node;

  if (paths_node == NULL)
    {
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, "",
                                    _("there is no “paths”: the description has no operations to import"));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (paths_node))
    {
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, "/paths",
                                    _("must be an object of paths, not %s"),
                                    JSON_NODE_HOLDS_ARRAY (paths_node) ? _("a list") : _("a single value"));
      return FALSE;
    }

  conduit_openapi_iter_init (&iter, json_node_get_object (paths_node));
  while (conduit_openapi_iter_next (&iter, &path, &item_node))
    {
      g_autofree char *item_where = g_strdup_printf ("/paths/%s", path);
      g_autoptr(GError) local_error = NULL;
      JsonObject *item;
      JsonArray *path_parameters;
      g_autofree char *parameters_where = NULL;

      {
        /* a JSON pointer escapes "/" in a member name as "~1" */
        g_autoptr(GString) segment = g_string_new (path);

        g_string_replace (segment, "~", "~0", 0);
        g_string_replace (segment, "/", "~1", 0);
        g_free (item_where);
        item_where = g_strdup_printf ("/paths/%s", segment->str);
      }

      item_node = conduit_openapi_resolve (importer, item_node, item_where, NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (item_node == NULL || !JSON_NODE_HOLDS_OBJECT (item_node))
        {
          conduit_openapi_note (importer, _("the path “%s” is not an object: skipped"), path);
          continue;
        }
      if (path[0] != '/')
        {
          conduit_openapi_note (importer, _("the path “%s” does not start with “/”: skipped"), path);
          continue;
        }
      if (strstr (path, "{{") != NULL || strstr (path, "}}") != NULL)
        {
          conduit_openapi_note (importer, _("the path “%s” has doubled braces: skipped"), path);
          continue;
        }
      item = json_node_get_object (item_node);
      path_parameters = array_member (item, "parameters");
      parameters_where = g_strdup_printf ("%s/parameters", item_where);

      for (guint m = 0; methods[m] != NULL; m++)
        {
          g_autofree char *where = NULL;
          JsonObject *operation;
          Mapped entry;

          if (!json_object_has_member (item, methods[m]))
            continue;
          where = g_strdup_printf ("%s/%s", item_where, methods[m]);
          operation = conduit_openapi_map_operation (importer, path, methods[m], path_parameters,
                                                     parameters_where,
                                                     json_object_get_member (item, methods[m]), where,
                                                     ids, app_has_auth, error);
          if (operation == NULL)
            {
              if (error != NULL && *error != NULL)
                return FALSE;
              continue;
            }
          {
            JsonNode *source = conduit_openapi_resolve (importer, json_object_get_member (item, methods[m]),
                                                        where, NULL, NULL);
            JsonArray *tags = source && JSON_NODE_HOLDS_OBJECT (source)
                                ? array_member (json_node_get_object (source), "tags") : NULL;
            g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

            for (guint t = 0; tags != NULL && t < json_array_get_length (tags); t++)
              if (conduit_openapi_string_at (tags, t) != NULL)
                g_strv_builder_add (builder, conduit_openapi_string_at (tags, t));
            g_hash_table_insert (importer->tags, g_strdup (json_object_get_string_member (operation, "id")),
                                 g_strv_builder_end (builder));
          }
          entry.operation = operation;
          entry.group = group_of (operation, groups);
          entry.index = mapped->len;
          g_array_append_val (mapped, entry);
        }
    }

  g_array_sort (mapped, compare_mapped);
  for (guint i = 0; i < mapped->len; i++)
    json_array_add_object_element (operations, g_array_index (mapped, Mapped, i).operation);

  if (mapped->len == 0)
    {
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, "/paths",
                                    _("no operation could be imported"));
      return FALSE;
    }
  return TRUE;
}

/* The version, or an error naming what is there instead. */
static gboolean
read_version (ConduitOpenapiImporter  *importer,
              JsonObject              *doc,
              GError                 **error)
{
  g_autofree char *openapi = scalar_text (json_object_get_member (doc, "openapi"));
  g_autofree char *swagger = scalar_text (json_object_get_member (doc, "swagger"));

  if (openapi != NULL)
    {
      if (g_str_has_prefix (openapi, "3.0") || g_str_has_prefix (openapi, "3.1"))
        {
          importer->version = 3;
          return TRUE;
        }
      if (g_str_has_prefix (openapi, "3."))
        {
          importer->version = 3;
          conduit_openapi_note (importer, _("OpenAPI %s is read as 3.1: what is newer is ignored"), openapi);
          return TRUE;
        }
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_UNSUPPORTED, "/openapi",
                                    _("OpenAPI “%s” is not a version Conduit reads (3.0, 3.1, or Swagger 2.0)"),
                                    openapi);
      return FALSE;
    }
  if (swagger != NULL)
    {
      if (g_str_equal (swagger, "2.0"))
        {
          importer->version = 2;
          return TRUE;
        }
      conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_UNSUPPORTED, "/swagger",
                                    _("Swagger “%s” is not a version Conduit reads (2.0, or OpenAPI 3.0 and 3.1)"),
                                    swagger);
      return FALSE;
    }
  conduit_openapi_set_error_at (importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, "",
                                _("not an OpenAPI description: there is neither “openapi” nor “swagger” to give its version"));
  return FALSE;
}

static char *
docs_url (ConduitOpenapiImporter *importer,
          JsonObject             *doc,
          const char             *address,
          const char             *server)
{
  const char *candidates[] = {
    string_member (object_member (doc, "externalDocs"), "url"),
    string_member (object_member (object_member (doc, "info"), "contact"), "url"),
    address,
    server,
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] != NULL && g_str_has_prefix (candidates[i], "https://"))
      return g_strdup (candidates[i]);
  conduit_openapi_note (importer, _("the description names no https:// address for its documentation; the app links to the OpenAPI specification"));
  return g_strdup ("https://spec.openapis.org/oas/");
}

/**
 * conduit_openapi_import_new:
 * @data: an OpenAPI 3.0 or 3.1 description in JSON or YAML, or a Swagger 2.0 one
 * @length: the length of @data, or -1 when nul-terminated
 * @address: (nullable): the https:// address it was downloaded from, to resolve a relative
 *   server address against, or %NULL for a file
 * @app_id: (nullable): the app id to give it, or %NULL to make one from its title
 * @error: a location for a #GError; its message is "LINE: /pointer: message"
 *
 * Turns the description into an app descriptor. What could not be carried over is listed by
 * conduit_openapi_import_get_report(). Nothing is fetched over the network.
 *
 * Returns: (transfer full): the import, or %NULL when the description cannot be read
 */
ConduitOpenapiImport *
conduit_openapi_import_new (const char  *data,
                            gssize       length,
                            const char  *address,
                            const char  *app_id,
                            GError     **error)
{
  g_autoptr(ConduitOpenapiImport) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) resolving = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonObject) descriptor = json_object_new ();
  g_autoptr(JsonObject) meta = json_object_new ();
  g_autoptr(JsonObject) connection = json_object_new ();
  g_autoptr(JsonObject) defaults = json_object_new ();
  g_autoptr(JsonObject) headers = json_object_new ();
  g_autoptr(JsonArray) operations = json_array_new ();
  g_autofree char *server = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *version = NULL;
  g_autofree char *docs = NULL;
  ConduitOpenapiImporter importer = { 0 };
  JsonObject *auth;
  JsonObject *doc;
  JsonObject *info;
  const char *title;
  const char *description;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (app_id == NULL || is_app_id (app_id), NULL);

  if (length < 0)
    length = strlen (data);
  if ((gsize)length > CONDUIT_OPENAPI_IMPORT_MAX_BYTES)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE,
                   _("1: /: the description is %.1f MB; Conduit imports descriptions of up to %u MB"),
                   length / (1024.0 * 1024.0), CONDUIT_OPENAPI_IMPORT_MAX_BYTES / (1024 * 1024));
      return NULL;
    }

  self = g_object_new (CONDUIT_TYPE_OPENAPI_IMPORT, NULL);
  importer.text = data;
  importer.length = length;
  importer.report = self->report;
  importer.reported = reported;
  importer.resolving = resolving;
  importer.tags = self->tags;

  if (!(root = conduit_openapi_read_text (data, length, &importer.is_yaml, error)))
    return NULL;
  importer.root = root;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      conduit_openapi_set_error_at (&importer, error, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID, "",
                                    _("an OpenAPI description is an object, not %s"),
                                    JSON_NODE_HOLDS_ARRAY (root) ? _("a list") : _("a single value"));
      return NULL;
    }
  doc = json_node_get_object (root);
  if (!read_version (&importer, doc, error))
    return NULL;

  info = object_member (doc, "info");
  title = string_member (info, "title");
  if (title == NULL || *title == '\0')
    {
      conduit_openapi_note (&importer, _("the description has no title; the app is called “Imported API”"));
      title = _("Imported API");
    }
  self->title = g_strdup (title);
  self->app_id = app_id ? g_strdup (app_id) : make_app_id (title);
  version = scalar_text (info ? json_object_get_member (info, "version") : NULL);
  description = string_member (info, "description");

  base_url = map_server (&importer, doc, address, connection, &server);
  json_object_set_string_member (connection, "base_url", base_url);
  auth = map_security (&importer, doc, server);
  json_object_set_object_member (connection, "auth", auth);

  if (!map_paths (&importer, doc, !g_str_equal (string_member (auth, "kind"), "none"), operations, error))
    return NULL;

  if (json_object_has_member (doc, "webhooks"))
    conduit_openapi_note (&importer, _("webhooks are not carried over: add a webhook trigger by hand"));
  if (json_object_has_member (doc, "callbacks") ||
      json_object_has_member (object_member (doc, "components") ? object_member (doc, "components")
                                                               : doc, "callbacks"))
    conduit_openapi_note (&importer, _("callbacks are not carried over"));
  conduit_openapi_note (&importer, _("pagination is not described by OpenAPI: list operations fetch one page until you add “pagination” to the descriptor"));
  conduit_openapi_note (&importer, _("idempotency keys are not described by OpenAPI: retries of an action send none until you add “idempotency”"));

  docs = docs_url (&importer, doc, address, server);
  json_object_set_string_member (meta, "id", self->app_id);
  json_object_set_string_member (meta, "version", version && *version ? version : "1");
  json_object_set_string_member (meta, "title", title);
  json_object_set_string_member (meta, "icon", "network-server-symbolic");
  json_object_set_string_member (meta, "category", _("Your APIs"));
  json_object_set_string_member (meta, "docs_url", docs);
  if (description != NULL && *description != '\0')
    {
      g_autofree char *paragraph = first_paragraph (description);

      if (*paragraph != '\0')
        json_object_set_string_member (meta, "description", paragraph);
    }

  json_object_set_string_member (headers, "Accept", "application/json");
  json_object_set_object_member (defaults, "headers", g_steal_pointer (&headers));
  json_object_set_int_member (defaults, "timeout_seconds", 30);

  json_object_set_int_member (descriptor, "format", 1);
  json_object_set_object_member (descriptor, "meta", g_steal_pointer (&meta));
  json_object_set_object_member (descriptor, "connection", g_steal_pointer (&connection));
  json_object_set_object_member (descriptor, "defaults", g_steal_pointer (&defaults));
  json_object_set_array_member (descriptor, "operations", g_steal_pointer (&operations));
  self->descriptor = conduit_json_node_take_object (g_steal_pointer (&descriptor));

  {
    JsonArray *list = json_object_get_array_member (json_node_get_object (self->descriptor), "operations");

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *operation = json_array_get_object_element (list, i);

        json_object_set_string_member (self->imported_titles,
                                       json_object_get_string_member (operation, "id"),
                                       json_object_get_string_member (operation, "title"));
      }
  }

  return g_steal_pointer (&self);
}

/**
 * conduit_openapi_import_get_app_id:
 * @self: an import
 *
 * Returns: the app id, the prefix of its step types and the descriptor's file name
 */
const char *
conduit_openapi_import_get_app_id (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);
  return self->app_id;
}

/**
 * conduit_openapi_import_get_title:
 * @self: an import
 *
 * Returns: the API's title
 */
const char *
conduit_openapi_import_get_title (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);
  return self->title;
}

/**
 * conduit_openapi_import_get_descriptor:
 * @self: an import
 *
 * Returns: (transfer none): the app descriptor
 */
JsonNode *
conduit_openapi_import_get_descriptor (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);
  return self->descriptor;
}

/**
 * conduit_openapi_import_get_report:
 * @self: an import
 *
 * Returns: (transfer none) (element-type utf8): what was not carried over, one sentence each
 */
GPtrArray *
conduit_openapi_import_get_report (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);
  return self->report;
}

/**
 * conduit_openapi_import_get_n_operations:
 * @self: an import
 *
 * Returns: how many operations the descriptor has
 */
guint
conduit_openapi_import_get_n_operations (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), 0);
  return json_array_get_length (json_object_get_array_member (json_node_get_object (self->descriptor),
                                                              "operations"));
}

/**
 * conduit_openapi_import_keep_tags:
 * @self: an import
 * @tags: the tags whose operations to keep
 * @error: set when no operation has any of them
 *
 * Leaves out every operation without one of @tags: a part of a large API, for a descriptor
 * that stays small. They are left out of the titles as imported too, so a later import of the
 * whole API offers them as new rather than keeping them hidden.
 *
 * Returns: %FALSE when nothing would be left
 */
gboolean
conduit_openapi_import_keep_tags (ConduitOpenapiImport  *self,
                                  const char * const    *tags,
                                  GError               **error)
{
  JsonObject *root;
  JsonArray *operations;
  g_autoptr(JsonArray) kept = json_array_new ();

  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), FALSE);
  g_return_val_if_fail (tags != NULL, FALSE);

  root = json_node_get_object (self->descriptor);
  operations = json_object_get_array_member (root, "operations");
  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (operations, i), "id");
      const char * const *own = g_hash_table_lookup (self->tags, id);
      gboolean keep = FALSE;

      for (guint t = 0; own != NULL && own[t] != NULL && !keep; t++)
        keep = g_strv_contains (tags, own[t]);
      if (keep)
        json_array_add_element (kept, json_node_copy (json_array_get_element (operations, i)));
      else
        json_object_remove_member (self->imported_titles, id);
    }
  if (json_array_get_length (kept) == 0)
    {
      g_autofree char *names = g_strjoinv (", ", (char **)tags);

      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                   _("no operation has the tag %s"), names);
      return FALSE;
    }
  json_object_set_array_member (root, "operations", g_steal_pointer (&kept));
  return TRUE;
}

static void G_GNUC_PRINTF (2, 3)
report_add (GPtrArray  *report,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (report, g_strdup_vprintf (format, args));
  va_end (args);
}

/**
 * conduit_openapi_import_merge:
 * @self: an import
 * @previous: (nullable): the descriptor an earlier import wrote, perhaps edited since
 * @previous_state: (nullable): what that import wrote next to it (the titles as imported)
 * @error: a location for a #GError
 *
 * Keeps the user's edits of @previous: a title changed since that import stays, an operation
 * deleted from it stays out. Without @previous_state, a title that differs from this import's
 * counts as the user's.
 *
 * Returns: %FALSE when @previous cannot be read
 */
gboolean
conduit_openapi_import_merge (ConduitOpenapiImport  *self,
                              const char            *previous,
                              const char            *previous_state,
                              GError               **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) state_parser = json_parser_new ();
  g_autoptr(GHashTable) old_titles = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *imported = NULL;
  JsonArray *old_operations;
  JsonArray *operations;
  g_autoptr(JsonArray) merged = json_array_new ();

  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), FALSE);

  if (previous == NULL)
    return TRUE;
  if (!json_parser_load_from_data (parser, previous, -1, error))
    return FALSE;
  old_operations = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
                     ? array_member (json_node_get_object (json_parser_get_root (parser)), "operations")
                     : NULL;
  if (old_operations == NULL)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,
                   _("the descriptor there has no list of operations"));
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (old_operations); i++)
    {
      JsonNode *element = json_array_get_element (old_operations, i);
      const char *id;
      const char *title;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      id = string_member (json_node_get_object (element), "id");
      title = string_member (json_node_get_object (element), "title");
      if (id != NULL && title != NULL)
        g_hash_table_insert (old_titles, (char *)id, (char *)title);
    }

  if (previous_state != NULL && json_parser_load_from_data (state_parser, previous_state, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (state_parser)))
    imported = object_member (json_node_get_object (json_parser_get_root (state_parser)), "imported_titles");

  operations = json_object_get_array_member (json_node_get_object (self->descriptor), "operations");
  for (guint i = 0; i < json_array_get_length (operations); i++)
    {
      JsonObject *operation = json_array_get_object_element (operations, i);
      const char *id = json_object_get_string_member (operation, "id");
      const char *title = json_object_get_string_member (operation, "title");
      const char *old_title = g_hash_table_lookup (old_titles, id);
      const char *was_imported = string_member (imported, id);

      if (old_title == NULL && imported != NULL && json_object_has_member (imported, id))
        {
          report_add (self->report, _("“%s” stays hidden, as you left it"), title);
          continue;
        }
      if (old_title != NULL && g_strcmp0 (old_title, was_imported ? was_imported : title) != 0 &&
          g_strcmp0 (old_title, title) != 0)
        {
          report_add (self->report, _("“%s” keeps your title “%s”"), title, old_title);
          json_object_set_string_member (operation, "title", old_title);
        }
      g_hash_table_add (kept, (char *)id);
      json_array_add_element (merged, json_node_copy (json_array_get_element (operations, i)));
    }

  {
    GHashTableIter iter;
    gpointer id;
    gpointer title;

    g_hash_table_iter_init (&iter, old_titles);
    while (g_hash_table_iter_next (&iter, &id, &title))
      if (!g_hash_table_contains (kept, id))
        report_add (self->report, _("“%s” is no longer in the description: it is removed"),
                                     (const char *)title);
  }

  if (json_array_get_length (merged) == 0)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                   _("every operation is hidden in the descriptor there; delete it to import afresh"));
      return FALSE;
    }
  json_object_set_array_member (json_node_get_object (self->descriptor), "operations",
                                g_steal_pointer (&merged));
  return TRUE;
}

/**
 * conduit_openapi_import_to_text:
 * @self: an import
 *
 * Returns: (transfer full): the descriptor as indented JSON
 */
char *
conduit_openapi_import_to_text (ConduitOpenapiImport *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);
  return conduit_json_text_to_pretty (self->descriptor);
}

/**
 * conduit_openapi_import_state_to_text:
 * @self: an import
 *
 * Returns: (transfer full): what a later re-import needs to tell the user's edits from the
 *   description's: the operation titles as imported
 */
char *
conduit_openapi_import_state_to_text (ConduitOpenapiImport *self)
{
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);

  json_object_set_int_member (state, "format", 1);
  json_object_set_object_member (state, "imported_titles", json_object_ref (self->imported_titles));
  node = conduit_json_node_take_object (g_steal_pointer (&state));
  return conduit_json_text_to_pretty (node);
}

/**
 * conduit_openapi_import_write:
 * @self: an import
 * @directory: (nullable): the connector folder; %NULL for `$XDG_DATA_HOME/conduit/connectors`
 * @error: a location for a #GError
 *
 * Merges with an earlier import of the same app there (conduit_openapi_import_merge()), checks
 * that the result loads as an app descriptor, and writes `ID.json` and `ID.openapi-import`.
 *
 * Returns: (transfer full): the descriptor's path, or %NULL
 */
char *
conduit_openapi_import_write (ConduitOpenapiImport  *self,
                              const char            *directory,
                              GError               **error)
{
  g_autofree char *fallback = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *state_name = NULL;
  g_autofree char *state_path = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *previous_state = NULL;
  g_autofree char *text = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(ConduitAppDescriptor) check = NULL;

  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT (self), NULL);

  if (directory == NULL)
    directory = fallback = g_build_filename (g_get_user_data_dir (), "conduit", "connectors", NULL);
  name = g_strdup_printf ("%s.json", self->app_id);
  state_name = g_strdup_printf ("%s.openapi-import", self->app_id);
  path = g_build_filename (directory, name, NULL);
  state_path = g_build_filename (directory, state_name, NULL);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) read_error = NULL;

      if (!g_file_get_contents (path, &previous, NULL, &read_error))
        {
          g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                       _("%s: %s"), path, read_error->message);
          return NULL;
        }
      g_file_get_contents (state_path, &previous_state, NULL, NULL);
      if (!conduit_openapi_import_merge (self, previous, previous_state, &read_error))
        {
          g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                       _("%s: the earlier import there cannot be merged: %s"), path, read_error->message);
          return NULL;
        }
    }

  text = conduit_openapi_import_to_text (self);
  if (strlen (text) > DESCRIPTOR_MAX_BYTES)
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE,
                   _("its %u operations make a descriptor of %.1f MB, more than the %u MB an app descriptor may have: import a part of the API by its tags"),
                   conduit_openapi_import_get_n_operations (self), strlen (text) / (1024.0 * 1024.0),
                   DESCRIPTOR_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  /* what is written must load: the registry would leave a broken descriptor out */
  if (!(check = conduit_app_descriptor_new_from_data (text, -1, &problems, &load_error)))
    {
      g_set_error (error, CONDUIT_OPENAPI_IMPORT_ERROR, CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
                   _("the imported descriptor does not load: %s"), load_error->message);
      return NULL;
    }

  state = conduit_openapi_import_state_to_text (self);
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("%s: cannot create the folder: %s"), directory, g_strerror (saved));
      return NULL;
    }
  if (!g_file_set_contents (path, text, -1, error) ||
      !g_file_set_contents (state_path, state, -1, error))
    return NULL;
  return g_steal_pointer (&path);
}
