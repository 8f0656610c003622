/* conduit-connector-registry.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-connector-registry"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector-registry.h"
#include "conduit-core-resources.h"
#include "conduit-flow-problem.h"

#define BUILTIN_CONNECTORS_PATH "/io/conduit/Conduit/connectors/"
#define BUILTIN_APPS_PATH BUILTIN_CONNECTORS_PATH "apps/"

/* The registry is a GListModel of connectors, in the order they were added, so that the palette
 * can bind to it directly. Lookups by id go through a hash table.
 *
 * App descriptors (data/connectors/apps/, and the user's own in
 * $XDG_DATA_HOME/conduit/connectors/) add one connector per operation and poll trigger; the
 * registry also keeps the descriptors, for the palette's app groups and the CLI's catalogue.
 * A broken user descriptor is not fatal: it is left out and its problems are kept for
 * `conduit-cli connector list` and the app to show.
 */

struct _ConduitConnectorRegistry
{
  GObject     parent_instance;

  GPtrArray  *connectors;
  GHashTable *by_id;
  GPtrArray  *apps;           /* ConduitAppDescriptor */
  GPtrArray  *load_problems;  /* char *, "FILE:LINE: /pointer: message" */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConduitConnectorRegistry, conduit_connector_registry, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
conduit_connector_registry_get_item_type (GListModel *model)
{
  return CONDUIT_TYPE_CONNECTOR;
}

static guint
conduit_connector_registry_get_n_items (GListModel *model)
{
  return CONDUIT_CONNECTOR_REGISTRY (model)->connectors->len;
}

static gpointer
conduit_connector_registry_get_item (GListModel *model,
                                     guint       position)
{
  ConduitConnectorRegistry *self = CONDUIT_CONNECTOR_REGISTRY (model);

  if (position >= self->connectors->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->connectors, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = conduit_connector_registry_get_item_type;
  iface->get_n_items = conduit_connector_registry_get_n_items;
  iface->get_item = conduit_connector_registry_get_item;
}

static void
conduit_connector_registry_finalize (GObject *object)
{
  ConduitConnectorRegistry *self = (ConduitConnectorRegistry *)object;

  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->connectors, g_ptr_array_unref);
  g_clear_pointer (&self->apps, g_ptr_array_unref);
  g_clear_pointer (&self->load_problems, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_connector_registry_parent_class)->finalize (object);
}

static void
conduit_connector_registry_class_init (ConduitConnectorRegistryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conduit_connector_registry_finalize;
}

static void
conduit_connector_registry_init (ConduitConnectorRegistry *self)
{
  self->connectors = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->apps = g_ptr_array_new_with_free_func (g_object_unref);
  self->load_problems = g_ptr_array_new_with_free_func (g_free);
}

/**
 * conduit_connector_registry_new:
 *
 * Creates an empty registry. Most code wants conduit_connector_registry_get_default().
 *
 * Returns: (transfer full): a new registry
 */
ConduitConnectorRegistry *
conduit_connector_registry_new (void)
{
  return g_object_new (CONDUIT_TYPE_CONNECTOR_REGISTRY, NULL);
}

/**
 * conduit_connector_registry_get_default:
 *
 * The registry of the connectors that ship with Conduit, loaded once.
 *
 * Returns: (transfer none): the shared registry
 */
ConduitConnectorRegistry *
conduit_connector_registry_get_default (void)
{
  static ConduitConnectorRegistry *instance;

  if (g_once_init_enter (&instance))
    {
      ConduitConnectorRegistry *registry = conduit_connector_registry_new ();
      g_autoptr(GError) error = NULL;

      /* The bundled descriptions are compiled in; failing to read them is a build bug. */
      if (!conduit_connector_registry_load_builtin (registry, &error))
        g_error ("Bundled connectors are broken: %s", error->message);
      conduit_connector_registry_load_user_apps (registry, NULL);

      g_once_init_leave (&instance, registry);
    }

  return instance;
}

/**
 * conduit_connector_registry_add:
 * @self: a registry
 * @connector: a connector
 *
 * Adds @connector, replacing any connector with the same id.
 */
void
conduit_connector_registry_add (ConduitConnectorRegistry *self,
                                ConduitConnector         *connector)
{
  ConduitConnector *existing;
  const char *id;

  g_return_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self));
  g_return_if_fail (CONDUIT_IS_CONNECTOR (connector));

  id = conduit_connector_get_id (connector);
  existing = g_hash_table_lookup (self->by_id, id);

  if (existing != NULL)
    {
      guint position;

      if (!g_ptr_array_find (self->connectors, existing, &position))
        g_assert_not_reached ();

      g_hash_table_replace (self->by_id, (char *)id, connector);
      g_ptr_array_index (self->connectors, position) = g_object_ref (connector);
      g_object_unref (existing);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
      return;
    }

  g_ptr_array_add (self->connectors, g_object_ref (connector));
  g_hash_table_insert (self->by_id, (char *)id, connector);
  g_list_model_items_changed (G_LIST_MODEL (self), self->connectors->len - 1, 0, 1);
}

/**
 * conduit_connector_registry_load_from_data:
 * @self: a registry
 * @data: a connector description (JSON)
 * @length: the length of @data, or -1 when nul-terminated
 * @error: a location for a #GError
 *
 * Parses one connector description and adds it.
 *
 * Returns: %TRUE on success
 */
gboolean
conduit_connector_registry_load_from_data (ConduitConnectorRegistry  *self,
                                           const char                *data,
                                           gssize                     length,
                                           GError                   **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(ConduitConnector) connector = NULL;
  JsonNode *root;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  if (!json_parser_load_from_data (parser, data, length, error))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CONDUIT_CONNECTOR_ERROR, CONDUIT_CONNECTOR_ERROR_INVALID,
                           "a connector description must be a JSON object");
      return FALSE;
    }

  if (!(connector = conduit_connector_new_from_json (json_node_get_object (root), error)))
    return FALSE;

  conduit_connector_registry_add (self, connector);

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static gboolean
load_builtin_apps (ConduitConnectorRegistry  *self,
                   GError                   **error)
{
  g_auto(GStrv) names = g_resources_enumerate_children (BUILTIN_APPS_PATH, 0, NULL);

  if (names == NULL)
    return TRUE;

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_strconcat (BUILTIN_APPS_PATH, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      if (!(bytes = g_resources_lookup_data (path, 0, error)))
        return FALSE;
      if (!conduit_connector_registry_load_app_from_data (self, g_bytes_get_data (bytes, NULL),
                                                          g_bytes_get_size (bytes), NULL,
                                                          &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "apps/%s:", names[i]);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * conduit_connector_registry_load_builtin:
 * @self: a registry
 * @error: a location for a #GError
 *
 * Adds the connectors bundled with Conduit (`data/connectors/`), in file-name order, then the
 * bundled apps (`data/connectors/apps/`).
 *
 * Returns: %TRUE on success
 */
gboolean
conduit_connector_registry_load_builtin (ConduitConnectorRegistry  *self,
                                         GError                   **error)
{
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), FALSE);

  /* Referencing the resource keeps its object file, whose constructor registers it, linked in
   * from the static library. */
  (void)conduit_core_get_resource ();

  names = g_resources_enumerate_children (BUILTIN_CONNECTORS_PATH, 0, error);
  if (names == NULL)
    return FALSE;

  qsort (names, g_strv_length (names), sizeof (char *), compare_names);

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_strconcat (BUILTIN_CONNECTORS_PATH, names[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;

      if (!(bytes = g_resources_lookup_data (path, 0, error)))
        return FALSE;

      if (!conduit_connector_registry_load_from_data (self,
                                                      g_bytes_get_data (bytes, NULL),
                                                      g_bytes_get_size (bytes),
                                                      &local_error))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", names[i]);
          return FALSE;
        }
    }

  return load_builtin_apps (self, error);
}

/**
 * conduit_connector_registry_lookup:
 * @self: a registry
 * @id: a connector id
 *
 * Returns: (transfer none) (nullable): the connector called @id
 */
ConduitConnector *
conduit_connector_registry_lookup (ConduitConnectorRegistry *self,
                                   const char               *id)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);

  if (id == NULL)
    return NULL;

  return g_hash_table_lookup (self->by_id, id);
}

/**
 * conduit_connector_registry_add_app:
 * @self: a registry
 * @app: a checked app descriptor
 * @error: a location for a #GError
 *
 * Adds @app and its operations and poll triggers as connectors ("APP.OPERATION"), replacing an
 * app with the same id.
 *
 * Returns: %TRUE on success
 */
gboolean
conduit_connector_registry_add_app (ConduitConnectorRegistry  *self,
                                    ConduitAppDescriptor      *app,
                                    GError                   **error)
{
  g_autoptr(GPtrArray) connectors = NULL;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_APP_DESCRIPTOR (app), FALSE);

  if (!(connectors = conduit_app_descriptor_create_connectors (app, error)))
    return FALSE;

  for (guint i = 0; i < self->apps->len; i++)
    if (g_str_equal (conduit_app_descriptor_get_id (g_ptr_array_index (self->apps, i)),
                     conduit_app_descriptor_get_id (app)))
      {
        g_ptr_array_remove_index (self->apps, i);
        break;
      }
  g_ptr_array_add (self->apps, g_object_ref (app));

  for (guint i = 0; i < connectors->len; i++)
    conduit_connector_registry_add (self, g_ptr_array_index (connectors, i));

  return TRUE;
}

/**
 * conduit_connector_registry_load_app_from_data:
 * @self: a registry
 * @data: an app descriptor (JSON)
 * @length: the length of @data, or -1 when nul-terminated
 * @problems: (out) (optional) (transfer full) (element-type ConduitFlowProblem): every problem,
 *   each with its JSON pointer and line, when the descriptor is refused
 * @error: a location for a #GError
 *
 * Checks an app descriptor and adds it.
 *
 * Returns: (transfer none) (nullable): the descriptor, or %NULL with @error
 */
ConduitAppDescriptor *
conduit_connector_registry_load_app_from_data (ConduitConnectorRegistry  *self,
                                               const char                *data,
                                               gssize                     length,
                                               GPtrArray                **problems,
                                               GError                   **error)
{
  g_autoptr(ConduitAppDescriptor) app = NULL;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  if (!(app = conduit_app_descriptor_new_from_data (data, length, problems, error)))
    return NULL;
  if (!conduit_connector_registry_add_app (self, app, error))
    return NULL;
  return app;
}

static void
note_problems (ConduitConnectorRegistry *self,
               const char               *file_name,
               GPtrArray                *problems,
               const GError             *error)
{
  if (problems == NULL || problems->len == 0)
    {
      g_ptr_array_add (self->load_problems, g_strdup_printf ("%s: %s", file_name, error->message));
      return;
    }
  for (guint i = 0; i < problems->len; i++)
    {
      g_autofree char *text = conduit_flow_problem_format (g_ptr_array_index (problems, i));
      g_ptr_array_add (self->load_problems, g_strdup_printf ("%s:%s", file_name, text));
    }
}

/**
 * conduit_connector_registry_load_user_apps:
 * @self: a registry
 * @directory: (nullable): where to look; %NULL for `$XDG_DATA_HOME/conduit/connectors`
 *
 * Adds the app descriptors (`*.json`) a user keeps in @directory. A descriptor with problems is
 * left out; its problems are kept (see conduit_connector_registry_get_load_problems()).
 *
 * Returns: how many descriptors were added
 */
guint
conduit_connector_registry_load_user_apps (ConduitConnectorRegistry *self,
                                           const char               *directory)
{
  g_autofree char *fallback = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint added = 0;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), 0);

  if (directory == NULL)
    directory = fallback = g_build_filename (g_get_user_data_dir (), "conduit", "connectors", NULL);

  if (!(dir = g_dir_open (directory, 0, NULL)))
    return 0;

  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (directory, g_ptr_array_index (names, i), NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error) ||
          !conduit_connector_registry_load_app_from_data (self, contents, length, &problems, &error))
        {
          g_debug ("%s: %s", path, error->message);
          note_problems (self, path, problems, error);
          continue;
        }
      added++;
    }

  return added;
}

/**
 * conduit_connector_registry_get_apps:
 * @self: a registry
 *
 * Returns: (transfer none) (element-type ConduitAppDescriptor): the apps, in load order
 */
GPtrArray *
conduit_connector_registry_get_apps (ConduitConnectorRegistry *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);
  return self->apps;
}

/**
 * conduit_connector_registry_lookup_app:
 * @self: a registry
 * @id: an app id, e.g. "slack"
 *
 * Returns: (transfer none) (nullable): the app
 */
ConduitAppDescriptor *
conduit_connector_registry_lookup_app (ConduitConnectorRegistry *self,
                                       const char               *id)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);

  for (guint i = 0; id != NULL && i < self->apps->len; i++)
    if (g_str_equal (conduit_app_descriptor_get_id (g_ptr_array_index (self->apps, i)), id))
      return g_ptr_array_index (self->apps, i);
  return NULL;
}

/**
 * conduit_connector_registry_get_load_problems:
 * @self: a registry
 *
 * Returns: (transfer none) (element-type utf8): why user descriptors were left out, each as
 *   "FILE:LINE: /pointer: message"
 */
GPtrArray *
conduit_connector_registry_get_load_problems (ConduitConnectorRegistry *self)
{
  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);
  return self->load_problems;
}

/**
 * conduit_connector_registry_get_input_schema:
 * @self: a registry
 * @connector_id: a connector id
 *
 * The typed fields an app step takes (see conduit_connector_get_input_schema()), for the mapping
 * table's destination fields.
 *
 * Returns: (transfer none) (nullable): the input list, %NULL for node types without one
 */
JsonArray *
conduit_connector_registry_get_input_schema (ConduitConnectorRegistry *self,
                                             const char               *connector_id)
{
  ConduitConnector *connector;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (self), NULL);

  if (!(connector = conduit_connector_registry_lookup (self, connector_id)))
    return NULL;
  return conduit_connector_get_input_schema (connector);
}
