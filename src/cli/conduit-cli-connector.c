/* conduit-cli-connector.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli-connector"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "conduit-app-descriptor.h"
#include "conduit-connector-registry.h"
#include "conduit-flow-problem.h"
#include "conduit-cli-commands.h"

/* conduit-cli connector list | show ID | validate FILE…
 *
 * The catalogue of apps (and the built-in steps), one app in detail, and the check of app
 * descriptors someone wrote, with each problem as "FILE:LINE: /pointer: message". Describing
 * needs the registry only: no executor is made and nothing is sent. */

static int
connector_list (void)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  GPtrArray *apps = conduit_connector_registry_get_apps (registry);
  GPtrArray *problems = conduit_connector_registry_get_load_problems (registry);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (registry));

  /* Apps: id, title, category, auth, operations / triggers */
  for (guint i = 0; i < apps->len; i++)
    {
      ConduitAppDescriptor *app = g_ptr_array_index (apps, i);

      printf ("%s\t%s\t%s\t%s\t%u\t%u\n", conduit_app_descriptor_get_id (app),
              conduit_app_descriptor_get_title (app), conduit_app_descriptor_get_category (app),
              conduit_app_descriptor_get_auth_kind (app),
              conduit_app_descriptor_get_operations (app)->len,
              conduit_app_descriptor_get_triggers (app)->len);
    }

  /* Built-in steps: id and name */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConduitConnector) connector = g_list_model_get_item (G_LIST_MODEL (registry), i);

      if (conduit_connector_get_app (connector) == NULL)
        printf ("%s\t%s\t%s\n", conduit_connector_get_id (connector),
                conduit_connector_get_name (connector),
                conduit_connector_category_get_label (conduit_connector_get_category (connector)));
    }

  /* A user's descriptor that was left out is reported, not hidden. */
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "%s\n", (const char *)g_ptr_array_index (problems, i));

  return problems->len > 0 ? 1 : 0;
}

static void
print_fields (JsonArray  *fields,
              const char *indent)
{
  for (guint i = 0; fields != NULL && i < json_array_get_length (fields); i++)
    {
      JsonObject *field = json_array_get_object_element (fields, i);
      const char *help = json_object_get_string_member_with_default (field, "help", NULL);

      printf ("%s%s (%s%s)%s%s\n", indent, json_object_get_string_member (field, "key"),
              json_object_get_string_member_with_default (field, "type", "string"),
              json_object_get_boolean_member_with_default (field, "required", FALSE)
                ? _(", required") : "",
              help ? ": " : "", help ? help : "");
    }
}

static JsonArray *
array_or_null (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static int
connector_show (const char *program,
                const char *id)
{
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  ConduitAppDescriptor *app = conduit_connector_registry_lookup_app (registry, id);
  GPtrArray *operations;
  GPtrArray *triggers;

  if (app == NULL)
    {
      fprintf (stderr, _("%s: there is no app “%s”; `conduit-cli connector list` shows them\n"),
               program, id);
      return 1;
    }

  operations = conduit_app_descriptor_get_operations (app);
  triggers = conduit_app_descriptor_get_triggers (app);

  printf ("%s (%s) %s\n", conduit_app_descriptor_get_title (app), conduit_app_descriptor_get_id (app),
          conduit_app_descriptor_get_version (app));
  if (*conduit_app_descriptor_get_description (app))
    printf ("%s\n", conduit_app_descriptor_get_description (app));
  printf (_("Documentation: %s\n"), conduit_app_descriptor_get_docs_url (app));
  printf (_("Connection: %s\n"), conduit_app_descriptor_get_auth_kind (app));
  print_fields (array_or_null (conduit_app_descriptor_get_connection (app), "fields"), "  ");

  printf (_("Operations:\n"));
  for (guint i = 0; i < operations->len; i++)
    {
      JsonObject *operation = g_ptr_array_index (operations, i);
      JsonObject *request = json_object_get_object_member (operation, "request");

      printf ("  %s.%s — %s (%s %s)\n", conduit_app_descriptor_get_id (app),
              json_object_get_string_member (operation, "id"),
              json_object_get_string_member (operation, "title"),
              json_object_get_string_member (request, "method"),
              json_object_get_string_member (request, "path"));
      print_fields (array_or_null (operation, "input"), "    ");
    }

  if (triggers->len > 0)
    printf (_("Triggers:\n"));
  for (guint i = 0; i < triggers->len; i++)
    {
      JsonObject *trigger = g_ptr_array_index (triggers, i);

      printf ("  %s.%s — %s (%s)\n", conduit_app_descriptor_get_id (app),
              json_object_get_string_member (trigger, "id"),
              json_object_get_string_member (trigger, "title"),
              json_object_get_string_member (trigger, "kind"));
    }
  return 0;
}

static int
connector_validate (const char  *program,
                    int          n_files,
                    char       **files)
{
  int status = 0;

  if (n_files < 1)
    {
      fprintf (stderr, _("%s: name at least one descriptor file\n"), program);
      return 1;
    }

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitAppDescriptor) app = NULL;
      gsize length;

      if (!g_file_get_contents (files[i], &contents, &length, &error))
        {
          fprintf (stderr, "%s: %s\n", files[i], error->message);
          status = 1;
          continue;
        }

      app = conduit_app_descriptor_new_from_data (contents, length, &problems, &error);
      if (app != NULL)
        {
          g_autoptr(GPtrArray) connectors = conduit_app_descriptor_create_connectors (app, &error);

          if (connectors != NULL)
            {
              printf (_("%s: ok (%s, %u operations, %u triggers)\n"), files[i],
                      conduit_app_descriptor_get_id (app),
                      conduit_app_descriptor_get_operations (app)->len,
                      conduit_app_descriptor_get_triggers (app)->len);
              continue;
            }
          fprintf (stderr, "%s: %s\n", files[i], error->message);
          status = 1;
          continue;
        }

      status = 1;
      for (guint j = 0; problems != NULL && j < problems->len; j++)
        {
          g_autofree char *text = conduit_flow_problem_format (g_ptr_array_index (problems, j));
          printf ("%s:%s\n", files[i], text);
        }
      if (problems == NULL)
        fprintf (stderr, "%s: %s\n", files[i], error->message);
    }

  return status;
}

int
conduit_cli_connector (int    argc,
                       char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  /* import has options of its own */
  if (argc >= 2 && g_str_equal (argv[1], "import"))
    {
      g_autofree char *name = g_strdup_printf ("%s import", argv[0]);

      argv[1] = name;
      return conduit_cli_connector_import (argc - 1, argv + 1);
    }

  context = g_option_context_new (_("list | show ID | validate FILE… | import openapi FILE|URL — the app catalogue"));
  g_option_context_set_summary (context,
                                _("list: every app (id, name, category, connection kind, "
                                  "operations, triggers), then the built-in steps.\n"
                                  "show ID: an app's connection, operations with their fields, "
                                  "and triggers.\n"
                                  "validate FILE…: check app descriptors; prints “FILE: ok” or "
                                  "each problem as “FILE:LINE: /json/pointer: message”, and exits "
                                  "with 1 when any file has one.\n"
                                  "import openapi FILE|URL [--id ID] [--output DIR]: make an app "
                                  "descriptor from an OpenAPI description (see import --help)."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return 1;
    }

  if (argc >= 2 && g_str_equal (argv[1], "list") && argc == 2)
    return connector_list ();
  if (argc == 3 && g_str_equal (argv[1], "show"))
    return connector_show (argv[0], argv[2]);
  if (argc >= 2 && g_str_equal (argv[1], "validate"))
    return connector_validate (argv[0], argc - 2, argv + 2);

  fprintf (stderr, _("%s: say list, show ID, validate FILE… or import openapi FILE|URL\n"), argv[0]);
  return 1;
}
