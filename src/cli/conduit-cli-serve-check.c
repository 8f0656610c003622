/* conduit-cli-serve-check.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conduit.h"
#include "conduit-cli-commands.h"

/* `conduit-cli serve --check FLOW…`: everything that would stop `serve` or fail its first runs,
 * found before it serves, so a deployment fails at once instead of at the first event: flows
 * that do not load, credentials that are missing, locked or incomplete, webhook ports another
 * program holds, a history that cannot be written, an admin address taken, a NATS server that
 * cannot be reached or has no JetStream. It reads, binds and closes; it never opens the history
 * database, which a running serve may hold. */

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static void
check_credentials (ConduitFlow *flow,
                   const char  *path,
                   GHashTable  *checked,
                   GPtrArray   *problems)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GPtrArray) ids = conduit_flow_list_credential_ids (flow,
                                                               conduit_connector_registry_get_default ());

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(GError) error = NULL;

      if (g_hash_table_contains (checked, id))
        continue;
      g_hash_table_add (checked, g_strdup (id));

      conduit_credential_store_lookup_async (store, id, NULL, on_done, &result);
      credential = conduit_credential_store_lookup_finish (store, wait_for_result (&result), &error);
      if (credential == NULL)
        {
          g_autofree char *env_name = conduit_credential_dup_env_name (id);

          if (strstr (error->message, env_name) != NULL)
            g_ptr_array_add (problems, g_strdup_printf (_("%s: %s"), path, error->message));
          else
            g_ptr_array_add (problems,
                             g_strdup_printf (_("%s: %s (on a server, set %s)"), path,
                                              error->message, env_name));
          continue;
        }
      if (!conduit_credential_check (credential, &error))
        g_ptr_array_add (problems, g_strdup_printf (_("%s: credential “%s”: %s"), path, id,
                                                    error->message));
      /* serve never opens a browser: a sign-in must be done before */
      else if (!conduit_credential_is_signed_in (credential))
        g_ptr_array_add (problems,
                         g_strdup_printf (_("%s: credential “%s” needs you to sign in: run "
                                            "“conduit-cli credential sign-in %s”"), path, id, id));
    }
}

static void
check_ports (ConduitFlow *flow,
             const char  *path,
             GPtrArray   *problems)
{
  GListModel *nodes = conduit_flow_get_nodes (flow);
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();

  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      ConduitConnector *connector;
      const ConduitSettingSpec *spec;
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GInetAddress) address = NULL;
      g_autoptr(GSocketAddress) socket_address = NULL;
      g_autoptr(GError) error = NULL;
      JsonNode *value;
      const char *bind;
      gint64 port = 0;

      if (!g_str_equal (conduit_node_get_connector_id (node), "webhook-trigger"))
        continue;
      connector = conduit_connector_registry_lookup (registry, "webhook-trigger");

      value = conduit_node_get_setting (node, "port");
      if (value == NULL && (spec = conduit_connector_find_setting (connector, "port")) != NULL)
        value = spec->default_value;
      if (value != NULL && JSON_NODE_HOLDS_VALUE (value))
        port = json_node_get_int (value);
      if (port <= 0)
        continue;   /* 0 picks a free port when served */

      bind = conduit_node_get_setting_string (node, "bind");
      if (bind == NULL && (spec = conduit_connector_find_setting (connector, "bind")) != NULL &&
          spec->default_value != NULL)
        bind = json_node_get_string (spec->default_value);
      address = g_inet_address_new_from_string (bind != NULL ? bind : "127.0.0.1");
      if (address == NULL)
        continue;   /* reported by the flow check */

      /* Bound the way serve binds (SO_REUSEADDR, as libsoup does), then closed at once. */
      socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &error);
      socket_address = g_inet_socket_address_new (address, (guint16)port);
      if (socket == NULL ||
          !g_socket_bind (socket, socket_address, TRUE, &error) ||
          !g_socket_listen (socket, &error))
        g_ptr_array_add (problems,
                         g_strdup_printf (_("%s: the webhook “%s” cannot listen on %s:%" PRId64
                                            ": %s (is another program or serve using it?)"),
                                          path, conduit_node_get_id (node), bind ? bind : "127.0.0.1",
                                          port, error->message));
      if (socket != NULL)
        g_socket_close (socket, NULL);
    }
}

/* The admin address must read as one, and be free: serve would stop on it. */
static void
check_admin (const char *admin_address,
             GPtrArray  *problems)
{
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;

  if (admin_address == NULL)
    return;
  if (!conduit_serve_admin_parse_address (admin_address, &address, &error))
    {
      g_ptr_array_add (problems, g_strdup_printf ("--admin: %s", error->message));
      return;
    }
  socket = g_socket_new (g_socket_address_get_family (G_SOCKET_ADDRESS (address)),
                         G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (socket == NULL ||
      !g_socket_bind (socket, G_SOCKET_ADDRESS (address), TRUE, &error) ||
      !g_socket_listen (socket, &error))
    g_ptr_array_add (problems,
                     g_strdup_printf (_("--admin: cannot listen on the admin address %s: %s (is "
                                        "another program or serve using it?)"),
                                      admin_address, error->message));
  if (socket != NULL)
    g_socket_close (socket, NULL);
}

static void
check_history (const char *history_path,
               GPtrArray  *problems)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *existing = NULL;

  /* A shared PostgreSQL history is meant to be open from many processes at once: connecting
   * (and creating the schema, as serve would) is the check. */
  if (conduit_history_store_is_server_location (history_path))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitHistoryStore) store = conduit_history_store_new (history_path, &error);

      if (store == NULL)
        g_ptr_array_add (problems, g_strdup_printf (_("the history cannot be used: %s"),
                                                    error->message));
      else
        conduit_history_store_close (store);
      return;
    }

  path = history_path ? g_strdup (history_path) : conduit_history_store_dup_default_path ();
  dir = g_path_get_dirname (path);
  existing = g_strdup (dir);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (g_access (path, R_OK | W_OK) != 0)
        g_ptr_array_add (problems, g_strdup_printf (_("the history %s cannot be written: %s"), path,
                                                    g_strerror (errno)));
      else if (g_access (dir, W_OK) != 0)
        /* SQLite writes its -wal and -shm files beside the database */
        g_ptr_array_add (problems, g_strdup_printf (_("the history's folder %s cannot be written "
                                                      "(SQLite keeps files beside %s): %s"),
                                                    dir, path, g_strerror (errno)));
      return;
    }

  /* a history that does not exist yet is created with its folders: the nearest existing
   * one must be a writable folder */
  while (!g_file_test (existing, G_FILE_TEST_EXISTS))
    {
      g_autofree char *parent = g_path_get_dirname (existing);

      if (g_str_equal (parent, existing))
        break;
      g_free (existing);
      existing = g_steal_pointer (&parent);
    }
  if (!g_file_test (existing, G_FILE_TEST_IS_DIR))
    g_ptr_array_add (problems, g_strdup_printf (_("the history %s cannot be created: %s is a "
                                                  "file, not a folder"), path, existing));
  else if (g_access (existing, W_OK) != 0)
    g_ptr_array_add (problems, g_strdup_printf (_("the history %s cannot be created: %s is not "
                                                  "writable"), path, existing));
}

/* --queue and --role as serve reads them. The queue is connected to as serve would connect
 * (which makes its streams when they are missing, as serve's start would), then let go. */
static void
check_queue (const char *queue_url,
             const char *role,
             GPtrArray  *problems)
{
  g_autoptr(ConduitQueue) queue = NULL;
  g_autoptr(GError) error = NULL;

  if (role != NULL && !g_str_equal (role, "receiver") && !g_str_equal (role, "worker"))
    g_ptr_array_add (problems, g_strdup_printf (_("--role is receiver or worker, not “%s”"),
                                                role));
  if (queue_url == NULL)
    {
      if (role != NULL)
        g_ptr_array_add (problems, g_strdup (_("--role needs --queue nats://HOST:PORT")));
      return;
    }

  queue = conduit_queue_new (queue_url, &error);
  if (queue == NULL)
    g_ptr_array_add (problems, g_strdup_printf ("--queue: %s", error->message));
}

/**
 * conduit_cli_serve_check:
 * @flow_paths: (array zero-terminated=1): the flow files serve was given
 * @history_path: (nullable): the --history option
 * @admin_address: (nullable): the --admin option
 * @queue_url: (nullable): the --queue option
 * @role: (nullable): the --role option
 *
 * Prints every problem, or that serve is ready.
 *
 * Returns: the exit status: 0 when serve can start, 1 otherwise
 */
int
conduit_cli_serve_check (char       **flow_paths,
                         const char  *history_path,
                         const char  *admin_address,
                         const char  *queue_url,
                         const char  *role)
{
  /* a worker serves no webhook: its flows' ports are the receivers' business */
  gboolean serves_webhooks = g_strcmp0 (role, "worker") != 0;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_flows = 0;

  for (guint i = 0; flow_paths[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ConduitFlow) flow = conduit_cli_load_flow (flow_paths[i], &error);

      n_flows++;
      if (flow == NULL)
        {
          g_auto(GStrv) lines = g_strsplit (error->message, "\n", -1);

          /* one problem a line, as validate prints them */
          for (guint j = 0; lines[j] != NULL; j++)
            g_ptr_array_add (problems, g_strdup (lines[j]));
          continue;
        }
      check_credentials (flow, flow_paths[i], checked, problems);
      if (serves_webhooks)
        check_ports (flow, flow_paths[i], problems);
    }
  check_history (history_path, problems);
  check_admin (admin_address, problems);
  check_queue (queue_url, role, problems);

  for (guint i = 0; i < problems->len; i++)
    printf ("%s\n", (char *)g_ptr_array_index (problems, i));

  if (problems->len > 0)
    {
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE, "serve --check: %u problem; serve would not "
                                    "start or its runs would fail\n",
                                    "serve --check: %u problems; serve would not start or its runs "
                                    "would fail\n", problems->len), problems->len);
      return 1;
    }

  printf (g_dngettext (GETTEXT_PACKAGE, "serve --check: %u flow ready to serve\n",
                       "serve --check: %u flows ready to serve\n", n_flows), n_flows);
  return 0;
}
