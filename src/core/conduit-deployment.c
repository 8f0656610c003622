/* conduit-deployment.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-deployment"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "conduit-connector.h"
#include "conduit-connector-registry.h"
#include "conduit-credential.h"
#include "conduit-deployment.h"
#include "conduit-flow.h"
#include "conduit-flow-problem.h"
#include "conduit-node.h"

/* Where the files go on the server. The unit, the container and the README agree on them. */
#define SERVER_FLOWS_DIR   "/etc/conduit/flows"
#define SERVER_ENV_FILE    "/etc/conduit/conduit.env"
#define SERVER_STATE_DIR   "/var/lib/conduit"
#define SERVER_ADMIN_ADDRESS "127.0.0.1:8790"
#define SERVER_EXECUTABLE  "/usr/local/bin/conduit-cli"

/* A file in the target folder that says it holds a deployment, so deploying again may replace
 * it while a folder of something else is never written into. */
#define MARKER_FILE ".conduit-deployment"

/* Debian 12's packages for conduit-cli's shared libraries; tests/check-deploy-packages.py
 * fails when the binary needs a library none of them ships, so the list stays true. The binary
 * deployed is the full program (conduit-cli-full, which `deploy` runs in: /proc/self/exe), whose
 * libraries include the front's. */
static const char * const runtime_packages[] = {
  "ca-certificates",
  "glib-networking",
  "libcsv3",
  "libcurl3-gnutls",
  "libglib2.0-0",
  "libgmime-3.0-0",
  "libgnutls30",
  "libjemalloc2",
  "libjson-glib-1.0-0",
  "libmariadb3",
  "libnats3.4",
  "libpcre2-8-0",
  "libpq5",
  "libsecret-1-0",
  "libsoup-3.0-0",
  "libsqlite3-0",
  "libssh-4",
  "libxlsxwriter4",
  "libxml2",
  "libzip4",
  "libyaml-0-2",
  NULL
};

typedef struct
{
  char        *source_path;
  char        *file_name;
  ConduitFlow *flow;
} DeployedFlow;

struct _ConduitDeployment
{
  ConduitConnectorRegistry *registry;
  GPtrArray                *flows;             /* (element-type DeployedFlow) */
  GHashTable               *credential_json;   /* id → the credential's JSON, secrets included */
  char                     *executable;
};

G_DEFINE_QUARK (conduit-deployment-error-quark, conduit_deployment_error)

static void
deployed_flow_free (DeployedFlow *deployed)
{
  g_free (deployed->source_path);
  g_free (deployed->file_name);
  g_clear_object (&deployed->flow);
  g_free (deployed);
}

/**
 * conduit_deployment_new:
 * @registry: the step types, to read the flows
 *
 * Returns: (transfer full): an empty deployment
 */
ConduitDeployment *
conduit_deployment_new (ConduitConnectorRegistry *registry)
{
  ConduitDeployment *self = g_new0 (ConduitDeployment, 1);

  self->registry = g_object_ref (registry);
  self->flows = g_ptr_array_new_with_free_func ((GDestroyNotify)deployed_flow_free);
  self->credential_json = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
conduit_deployment_free (ConduitDeployment *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->registry);
  g_clear_pointer (&self->flows, g_ptr_array_unref);
  g_clear_pointer (&self->credential_json, g_hash_table_unref);
  g_free (self->executable);
  g_free (self);
}

/**
 * conduit_deployment_add_flow:
 * @self: a deployment
 * @path: a flow file
 * @error: return location for an error: %CONDUIT_DEPLOYMENT_ERROR_FLOW when the flow does not
 *   load (the message lists its problems) or another flow has the same file name
 *
 * Adds a flow. It is checked as `conduit-cli validate` checks it: a deployment never carries a
 * flow that `serve` would refuse.
 *
 * Returns: %TRUE if the flow was added
 */
gboolean
conduit_deployment_add_flow (ConduitDeployment  *self,
                             const char         *path,
                             GError            **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) load_error = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autofree char *file_name = NULL;
  DeployedFlow *deployed;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  file = g_file_new_for_commandline_arg (path);
  flow = conduit_flow_new_from_file (self->registry, file, &problems, NULL, &load_error);
  if (flow == NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (problems == NULL || problems->len == 0)
        g_string_append_printf (text, "%s: %s", path, load_error->message);
      for (guint i = 0; problems != NULL && i < problems->len; i++)
        {
          g_autofree char *line = conduit_flow_problem_format (g_ptr_array_index (problems, i));

          g_string_append_printf (text, "%s%s:%s", i > 0 ? "\n" : "", path, line);
        }
      g_set_error_literal (error, CONDUIT_DEPLOYMENT_ERROR, CONDUIT_DEPLOYMENT_ERROR_FLOW,
                           text->str);
      return FALSE;
    }

  file_name = g_file_get_basename (file);
  if (!g_str_has_suffix (file_name, ".conduit"))
    {
      g_autofree char *with_suffix = g_strconcat (file_name, ".conduit", NULL);

      g_free (file_name);
      file_name = g_steal_pointer (&with_suffix);
    }

  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *other = g_ptr_array_index (self->flows, i);

      if (g_str_equal (other->file_name, file_name))
        {
          g_set_error (error, CONDUIT_DEPLOYMENT_ERROR, CONDUIT_DEPLOYMENT_ERROR_FLOW,
                       _("%s and %s have the same file name “%s”: the server keeps flows in one "
                         "folder, rename one of them"), other->source_path, path, file_name);
          return FALSE;
        }
    }

  deployed = g_new0 (DeployedFlow, 1);
  deployed->source_path = g_file_get_path (file);
  if (deployed->source_path == NULL)
    deployed->source_path = g_strdup (path);
  deployed->file_name = g_steal_pointer (&file_name);
  deployed->flow = g_steal_pointer (&flow);
  g_ptr_array_add (self->flows, deployed);
  return TRUE;
}

/**
 * conduit_deployment_list_credential_ids:
 * @self: a deployment
 *
 * Returns: (transfer full) (element-type utf8): the distinct credential ids the flows use,
 *   sorted
 */
GPtrArray *
conduit_deployment_list_credential_ids (ConduitDeployment *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (self != NULL, ids);

  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *deployed = g_ptr_array_index (self->flows, i);
      g_autoptr(GPtrArray) flow_ids = conduit_flow_list_credential_ids (deployed->flow,
                                                                        self->registry);

      for (guint j = 0; j < flow_ids->len; j++)
        {
          char *id = g_ptr_array_index (flow_ids, j);

          if (g_hash_table_contains (seen, id))
            continue;
          g_ptr_array_add (ids, g_strdup (id));
          g_hash_table_add (seen, g_ptr_array_index (ids, ids->len - 1));
        }
    }

  g_ptr_array_sort (ids, (GCompareFunc)g_strcmp0);
  return ids;
}

/**
 * conduit_deployment_set_credential_json:
 * @self: a deployment
 * @id: a credential id the flows use
 * @json: the credential's JSON with its secret, as `CONDUIT_CREDENTIAL_<ID>` holds it
 *
 * Fills the credential in the environment file instead of naming it only. Only after the person
 * deploying confirmed that the secret may be written to a file.
 */
void
conduit_deployment_set_credential_json (ConduitDeployment *self,
                                        const char        *id,
                                        const char        *json)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (id != NULL);
  g_return_if_fail (json != NULL);

  g_hash_table_replace (self->credential_json, g_strdup (id), g_strdup (json));
}

/**
 * conduit_deployment_set_executable:
 * @self: a deployment
 * @path: (nullable): a conduit-cli to copy into the deployment's bin/ folder
 */
void
conduit_deployment_set_executable (ConduitDeployment *self,
                                   const char        *path)
{
  g_return_if_fail (self != NULL);

  g_free (self->executable);
  self->executable = g_strdup (path);
}

static const char *
string_setting (ConduitNode      *node,
                ConduitConnector *connector,
                const char       *key)
{
  const char *value = conduit_node_get_setting_string (node, key);
  const ConduitSettingSpec *spec;

  if (value != NULL)
    return value;
  spec = conduit_connector_find_setting (connector, key);
  if (spec != NULL && spec->default_value != NULL && JSON_NODE_HOLDS_VALUE (spec->default_value) &&
      json_node_get_value_type (spec->default_value) == G_TYPE_STRING)
    return json_node_get_string (spec->default_value);
  return NULL;
}

static gint64
int_setting (ConduitNode      *node,
             ConduitConnector *connector,
             const char       *key)
{
  JsonNode *value = conduit_node_get_setting (node, key);
  const ConduitSettingSpec *spec;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    {
      spec = conduit_connector_find_setting (connector, key);
      value = spec != NULL ? spec->default_value : NULL;
    }
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_INT64)
    return json_node_get_int (value);
  return 0;
}

typedef struct
{
  GPtrArray  *ports;            /* (element-type utf8) "8787" */
  GPtrArray  *write_dirs;       /* folders Write File steps write into */
  gboolean    reads_home;       /* a file under /home or /root */
  GPtrArray  *notes;            /* sentences for the person deploying */
} FlowFacts;

static void
add_unique (GPtrArray  *array,
            const char *text)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_equal (g_ptr_array_index (array, i), text))
      return;
  g_ptr_array_add (array, g_strdup (text));
}

/* What the unit and the container must allow: the webhook ports, the folders files are written
 * to; and what the person should know: a webhook only this computer can reach, a relative path. */
static void
collect_facts (ConduitDeployment *self,
               FlowFacts         *facts)
{
  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *deployed = g_ptr_array_index (self->flows, i);
      guint n = conduit_flow_get_n_nodes (deployed->flow);

      for (guint j = 0; j < n; j++)
        {
          g_autoptr(ConduitNode) node = g_list_model_get_item (conduit_flow_get_nodes (deployed->flow), j);
          const char *type = conduit_node_get_connector_id (node);
          ConduitConnector *connector = conduit_connector_registry_lookup (self->registry, type);

          if (connector == NULL)
            continue;

          if (g_str_equal (type, "webhook-trigger"))
            {
              g_autofree char *port = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                       int_setting (node, connector, "port"));
              const char *bind = string_setting (node, connector, "bind");

              add_unique (facts->ports, port);
              if (g_str_equal (port, strrchr (SERVER_ADMIN_ADDRESS, ':') + 1))
                g_ptr_array_add (facts->notes,
                                 g_strdup_printf (_("%s: the webhook “%s” uses port %s, which the "
                                                    "service keeps for its admin port (--admin "
                                                    "in conduit.service): give the webhook "
                                                    "another port, or change --admin"),
                                                  deployed->file_name, conduit_node_get_id (node),
                                                  port));
              if (g_strcmp0 (bind, "0.0.0.0") != 0)
                g_ptr_array_add (facts->notes,
                                 g_strdup_printf (_("%s: the webhook “%s” listens on %s only, so "
                                                    "other computers (and a container's host) "
                                                    "cannot reach it: set “Listen on” to 0.0.0.0, "
                                                    "or put a reverse proxy on the server"),
                                                  deployed->file_name, conduit_node_get_id (node),
                                                  bind ? bind : "127.0.0.1"));
            }
          else if (g_str_equal (type, "read-file") || g_str_equal (type, "write-file"))
            {
              const char *path = string_setting (node, connector, "path");
              g_autofree char *dir = NULL;

              if (path == NULL || *path == '\0')
                continue;
              if (!g_path_is_absolute (path))
                {
                  g_ptr_array_add (facts->notes,
                                   g_strdup_printf (_("%s: step “%s” uses the relative path “%s”, "
                                                      "which on the server resolves from %s: give "
                                                      "an absolute path"),
                                                    deployed->file_name, conduit_node_get_id (node),
                                                    path, SERVER_STATE_DIR));
                  continue;
                }
              if (g_str_has_prefix (path, "/home/") || g_str_has_prefix (path, "/root/"))
                facts->reads_home = TRUE;
              dir = g_path_get_dirname (path);
              if (g_str_equal (type, "write-file"))
                add_unique (facts->write_dirs, dir);
            }
        }
    }
}

static gboolean
write_file (const char  *dir,
            const char  *name,
            const char  *contents,
            int          mode,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  /* g_file_set_contents_full() creates the file with @mode before anything is written, so a
   * secret is never readable by others, not even for a moment. */
  return g_file_set_contents_full (path, contents, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   mode, error);
}

static char *
flows_on_server (ConduitDeployment *self,
                 const char        *separator,
                 gboolean           quoted)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *deployed = g_ptr_array_index (self->flows, i);

      g_string_append_printf (text, "%s%s" SERVER_FLOWS_DIR "/%s%s", i > 0 ? separator : "",
                              quoted ? "\"" : "", deployed->file_name, quoted ? "\"" : "");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
flow_names (ConduitDeployment *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *deployed = g_ptr_array_index (self->flows, i);

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                              conduit_flow_get_name (deployed->flow));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
make_unit (ConduitDeployment *self,
           FlowFacts         *facts)
{
  g_autoptr(GString) unit = g_string_new (NULL);
  g_autofree char *names = flow_names (self);
  g_autofree char *flows = flows_on_server (self, " ", FALSE);

  g_string_append_printf (unit,
    "# Written by `conduit-cli deploy`. Install as /etc/systemd/system/conduit.service\n"
    "[Unit]\n"
    "Description=Conduit flows: %s\n"
    "Documentation=https://github.com/conduit-app/conduit/blob/main/docs/deploy.md\n"
    "After=network-online.target\n"
    "Wants=network-online.target\n"
    "\n"
    "[Service]\n"
    "Type=exec\n"
    "# --admin: /healthz, /readyz and /metrics (Prometheus) for this machine only.\n"
    "ExecStart=" SERVER_EXECUTABLE " serve --history " SERVER_STATE_DIR "/history.db "
    "--admin " SERVER_ADMIN_ADDRESS " %s\n"
    "EnvironmentFile=" SERVER_ENV_FILE "\n"
    "# A user of its own, made when the service starts; the history lives in its state folder.\n"
    "DynamicUser=yes\n"
    "StateDirectory=conduit\n"
    "StateDirectoryMode=0700\n"
    "WorkingDirectory=" SERVER_STATE_DIR "\n"
    "UMask=0077\n"
    "# serve finishes the runs in flight on SIGTERM before it exits.\n"
    "KillSignal=SIGTERM\n"
    "TimeoutStopSec=60\n"
    "Restart=on-failure\n"
    "RestartSec=5\n"
    "# Hardening: the service sees the system read-only and nothing it does not need.\n"
    "NoNewPrivileges=yes\n"
    "ProtectSystem=strict\n"
    "ProtectHome=%s\n"
    "PrivateTmp=yes\n"
    "PrivateDevices=yes\n"
    "ProtectKernelTunables=yes\n"
    "ProtectKernelModules=yes\n"
    "ProtectKernelLogs=yes\n"
    "ProtectControlGroups=yes\n"
    "ProtectClock=yes\n"
    "ProtectHostname=yes\n"
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n"
    "RestrictNamespaces=yes\n"
    "RestrictRealtime=yes\n"
    "RestrictSUIDSGID=yes\n"
    "LockPersonality=yes\n"
    "MemoryDenyWriteExecute=yes\n"
    "SystemCallArchitectures=native\n"
    "CapabilityBoundingSet=\n",
    names, flows, facts->reads_home ? "read-only" : "yes");

  if (facts->write_dirs->len > 0)
    {
      g_string_append (unit, "# The folders the flows' Write File steps write into.\nReadWritePaths=");
      for (guint i = 0; i < facts->write_dirs->len; i++)
        g_string_append_printf (unit, "%s%s", i > 0 ? " " : "",
                                (char *)g_ptr_array_index (facts->write_dirs, i));
      g_string_append (unit, "\n");
    }

  g_string_append (unit, "\n[Install]\nWantedBy=multi-user.target\n");
  return g_string_free (g_steal_pointer (&unit), FALSE);
}

/* systemd's EnvironmentFile= takes 'single-quoted' values literally. JSON text never needs a
 * single quote: one inside a string is written as the escape \u0027 instead. */
static char *
env_value_for_systemd (const char *json)
{
  g_autoptr(GString) text = g_string_new ("'");

  for (const char *p = json; *p; p++)
    {
      if (*p == '\'')
        g_string_append (text, "\\u0027");
      else if (*p == '\n')
        g_string_append_c (text, ' ');
      else
        g_string_append_c (text, *p);
    }
  g_string_append_c (text, '\'');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Container runtimes' --env-file takes the rest of the line as the value, quotes included. */
static char *
env_value_for_container (const char *json)
{
  return g_strdelimit (g_strdup (json), "\n", ' ');
}

static char *
make_env (ConduitDeployment *self,
          GPtrArray         *ids,
          gboolean           for_container)
{
  g_autoptr(GString) env = g_string_new (NULL);

  g_string_append (env,
    "# Written by `conduit-cli deploy`: the credentials the flows use, one variable each,\n"
    "# holding the credential's JSON (docs/credentials.md). Keep this file mode 600.\n");
  if (for_container)
    g_string_append (env, "# For `podman run --env-file` / `docker run --env-file`: no quotes.\n");
  else
    g_string_append (env, "# For systemd's EnvironmentFile=: values in single quotes.\n");

  if (ids->len == 0)
    g_string_append (env, "# (The flows use no credential.)\n");

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *name = conduit_credential_dup_env_name (id);
      const char *json = g_hash_table_lookup (self->credential_json, id);

      g_string_append_printf (env, "\n# Credential “%s”\n", id);
      if (json != NULL)
        {
          g_autofree char *value = for_container ? env_value_for_container (json)
                                                 : env_value_for_systemd (json);

          g_string_append_printf (env, "%s=%s\n", name, value);
        }
      else
        {
          g_string_append_printf (env,
            "# Fill in its JSON and remove the “#”, for example (the kind and fields as on your\n"
            "# desktop: `conduit-cli credential show %s`):\n"
            "#%s=%s{\"id\": \"%s\", \"kind\": \"…\", \"fields\": {}, \"secret\": \"…\"}%s\n",
            id, name, for_container ? "" : "'", id, for_container ? "" : "'");
        }
    }
  return g_string_free (g_steal_pointer (&env), FALSE);
}

static char *
make_containerfile (ConduitDeployment *self,
                    FlowFacts         *facts)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *packages = g_strjoinv (" ", (char **)runtime_packages);
  g_autofree char *flows = flows_on_server (self, ", ", TRUE);

  g_string_append_printf (text,
    "# Written by `conduit-cli deploy`: serves the flows in flows/ with conduit-cli serve.\n"
    "#   podman build -t conduit-flows . && podman run --env-file container.env -v conduit:"
    SERVER_STATE_DIR " conduit-flows\n"
    "FROM debian:bookworm-slim\n"
    "RUN apt-get update \\\n"
    " && apt-get install -y --no-install-recommends %s \\\n"
    " && rm -rf /var/lib/apt/lists/*\n"
    "COPY bin/conduit-cli " SERVER_EXECUTABLE "\n"
    "COPY flows/ " SERVER_FLOWS_DIR "/\n"
    "RUN useradd --system --home-dir " SERVER_STATE_DIR " --create-home conduit\n"
    "USER conduit\n"
    "WORKDIR " SERVER_STATE_DIR "\n"
    "VOLUME " SERVER_STATE_DIR "\n",
    packages);

  for (guint i = 0; i < facts->ports->len; i++)
    g_string_append_printf (text, "EXPOSE %s\n", (char *)g_ptr_array_index (facts->ports, i));

  g_string_append_printf (text,
    "# serve finishes the runs in flight on SIGTERM before it exits.\n"
    "STOPSIGNAL SIGTERM\n"
    "ENTRYPOINT [\"" SERVER_EXECUTABLE "\", \"serve\", \"--history\", \"" SERVER_STATE_DIR
    "/history.db\", %s]\n", flows);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
make_readme (ConduitDeployment *self,
             GPtrArray         *ids,
             FlowFacts         *facts)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *packages = g_strjoinv (" ", (char **)runtime_packages);
  g_autofree char *names = flow_names (self);
  guint filled = 0;

  for (guint i = 0; i < ids->len; i++)
    if (g_hash_table_contains (self->credential_json, g_ptr_array_index (ids, i)))
      filled++;

  g_string_append_printf (text,
    "# Conduit flows: %s\n"
    "\n"
    "Written by `conduit-cli deploy`. This folder holds what a Debian 12 server needs to serve\n"
    "these flows with `conduit-cli serve`: the flows (`flows/`), `conduit-cli` itself (`bin/`),\n"
    "a systemd unit (`conduit.service`), the credentials' environment file (`conduit.env`, and\n"
    "`container.env` for containers) and a container file (`Containerfile`).\n"
    "\n"
    "## On a server with systemd\n"
    "\n"
    "Copy this folder to the server, then, in it:\n"
    "\n"
    "```sh\n"
    "# 1. install what conduit-cli needs, and the files\n"
    "sudo apt-get install %s\n"
    "sudo install -D -m 755 bin/conduit-cli " SERVER_EXECUTABLE " && "
    "sudo install -D -m 644 -t " SERVER_FLOWS_DIR " flows/*.conduit && "
    "sudo install -m 600 conduit.env " SERVER_ENV_FILE " && "
    "sudo install -m 644 conduit.service /etc/systemd/system/\n"
    "# 2. fill in the credentials' secrets (see below)\n"
    "sudoedit " SERVER_ENV_FILE "\n"
    "# 3. start it now and at every boot\n"
    "sudo systemctl daemon-reload && sudo systemctl enable --now conduit\n"
    "```\n"
    "\n"
    "`journalctl -u conduit` shows what it says; the run history is in "
    SERVER_STATE_DIR "/history.db\n"
    "(`sudo " SERVER_EXECUTABLE " history list --history " SERVER_STATE_DIR "/history.db`).\n"
    "`curl http://" SERVER_ADMIN_ADDRESS "/readyz` answers `ready` while it takes events;\n"
    "`/metrics` counts the runs for Prometheus (docs/deploy.md).\n"    "\n"
    "## In a container\n"
    "\n"
    "```sh\n"
    "podman build -t conduit-flows .\n"
    "podman run -d --name conduit-flows --env-file container.env -v conduit:" SERVER_STATE_DIR,
    names, packages);

  for (guint i = 0; i < facts->ports->len; i++)
    g_string_append_printf (text, " -p %s:%s", (char *)g_ptr_array_index (facts->ports, i),
                            (char *)g_ptr_array_index (facts->ports, i));
  g_string_append (text, " conduit-flows\n```\n\n## Credentials\n\n");

  if (ids->len == 0)
    g_string_append (text, "The flows use no credential.\n");
  else
    {
      g_string_append (text, "The flows use these credentials; each is one variable in the "
                             "environment files:\n\n");
      for (guint i = 0; i < ids->len; i++)
        {
          const char *id = g_ptr_array_index (ids, i);
          g_autofree char *name = conduit_credential_dup_env_name (id);

          g_string_append_printf (text, "- `%s` in `%s`%s\n", id, name,
                                  g_hash_table_contains (self->credential_json, id)
                                    ? " (filled in from the keyring)" : " (to fill in)");
        }
      if (filled > 0)
        g_string_append (text, "\nThe environment files hold secrets: keep them mode 600 and out "
                               "of version control.\n");
    }

  if (facts->notes->len > 0)
    {
      g_string_append (text, "\n## Before you start it\n\n");
      for (guint i = 0; i < facts->notes->len; i++)
        g_string_append_printf (text, "- %s\n", (char *)g_ptr_array_index (facts->notes, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A folder may be written into when it is new, empty, or an earlier deployment. */
static gboolean
check_target (const char  *dir,
              GError     **error)
{
  g_autofree char *marker = g_build_filename (dir, MARKER_FILE, NULL);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }

  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    return TRUE;

  listing = g_dir_open (dir, 0, &local_error);
  if (listing == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (g_dir_read_name (listing) != NULL)
    {
      g_set_error (error, CONDUIT_DEPLOYMENT_ERROR, CONDUIT_DEPLOYMENT_ERROR_NOT_EMPTY,
                   _("The folder %s already holds other files: choose a new or empty folder "
                     "(an earlier deployment's folder may be reused)"), dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_executable (const char  *source,
                 const char  *dir,
                 GError     **error)
{
  g_autofree char *bin = g_build_filename (dir, "bin", NULL);
  g_autofree char *target = g_build_filename (bin, "conduit-cli", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (source);
  g_autoptr(GFile) to = g_file_new_for_path (target);

  if (g_mkdir_with_parents (bin, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), bin, g_strerror (saved));
      return FALSE;
    }
  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error))
    return FALSE;
  return g_chmod (target, 0755) == 0;
}

/**
 * conduit_deployment_write:
 * @self: a deployment with at least one flow
 * @dir: the folder to write into: new, empty, or an earlier deployment
 * @notes: (element-type utf8) (nullable): where to add sentences the person deploying should
 *   read (a webhook only this computer reaches, a relative file path)
 * @error: return location for an error
 *
 * Writes the deployment. The environment files are created mode 600.
 *
 * Returns: %TRUE if every file was written
 */
gboolean
conduit_deployment_write (ConduitDeployment  *self,
                          const char         *dir,
                          GPtrArray          *notes,
                          GError            **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autofree char *flows_dir = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *env = NULL;
  g_autofree char *container_env = NULL;
  g_autofree char *containerfile = NULL;
  g_autofree char *readme = NULL;
  FlowFacts facts = { 0, };
  gboolean ok = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (self->flows->len > 0, FALSE);

  if (!check_target (dir, error))
    return FALSE;

  facts.ports = g_ptr_array_new_with_free_func (g_free);
  facts.write_dirs = g_ptr_array_new_with_free_func (g_free);
  facts.notes = notes != NULL ? g_ptr_array_ref (notes) : g_ptr_array_new_with_free_func (g_free);
  collect_facts (self, &facts);

  ids = conduit_deployment_list_credential_ids (self);
  unit = make_unit (self, &facts);
  env = make_env (self, ids, FALSE);
  container_env = make_env (self, ids, TRUE);
  containerfile = make_containerfile (self, &facts);
  readme = make_readme (self, ids, &facts);

  flows_dir = g_build_filename (dir, "flows", NULL);
  if (g_mkdir_with_parents (flows_dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder %s: %s"), flows_dir, g_strerror (saved));
      goto out;
    }

  for (guint i = 0; i < self->flows->len; i++)
    {
      DeployedFlow *deployed = g_ptr_array_index (self->flows, i);
      g_autofree char *contents = NULL;

      /* the file as tested, byte for byte */
      if (!g_file_get_contents (deployed->source_path, &contents, NULL, error) ||
          !write_file (flows_dir, deployed->file_name, contents, 0644, error))
        goto out;
    }

  if (!write_file (dir, "conduit.env", env, 0600, error) ||
      !write_file (dir, "container.env", container_env, 0600, error) ||
      !write_file (dir, "conduit.service", unit, 0644, error) ||
      !write_file (dir, "Containerfile", containerfile, 0644, error) ||
      !write_file (dir, "README.md", readme, 0644, error))
    goto out;

  if (self->executable != NULL && !copy_executable (self->executable, dir, error))
    goto out;

  ok = write_file (dir, MARKER_FILE,
                   "This folder was written by `conduit-cli deploy`; deploying again replaces it.\n",
                   0644, error);

out:
  g_ptr_array_unref (facts.ports);
  g_ptr_array_unref (facts.write_dirs);
  g_ptr_array_unref (facts.notes);
  return ok;
}
