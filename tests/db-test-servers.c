/* db-test-servers.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db-test-servers.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"

/* Speed: no fsync (a killed server keeps what the OS has), but commits stay synchronous — with
 * synchronous_commit=off PostgreSQL acknowledges commits it then loses to a kill, which is
 * exactly what the tests must be able to catch. */

struct _DbTestServer
{
  ConduitDbKind  kind;
  char          *dir;
  char          *socket;     /* PostgreSQL: the socket dir; MariaDB: the socket file */
  guint          port;
  uid_t          uid;        /* who runs the server (PostgreSQL as root: postgres) */
  gid_t          gid;
  GPid           pid;        /* MariaDB: the mariadbd we started */
};

static DbTestServer *servers[3];

static guint
free_port (void)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  guint port;

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *)&address, sizeof address), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *)&address, &length), ==, 0);
  port = ntohs (address.sin_port);
  close (fd);
  return port;
}

static void
drop_privileges (gpointer user_data)
{
  DbTestServer *self = user_data;

  if (self->uid != getuid ())
    {
      if (setgid (self->gid) != 0 || setuid (self->uid) != 0)
        _exit (126);
    }
}

static gboolean
run_as_server (DbTestServer  *self,
               const char   **argv,
               GError       **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int status = 0;

  /* English messages from the servers: the tests read none, but the logs should be readable */
  envp = g_environ_setenv (envp, "LC_ALL", "C", TRUE);
  envp = g_environ_setenv (envp, "LANG", "C", TRUE);

  if (!g_spawn_sync (self->dir, (char **)argv, envp, G_SPAWN_DEFAULT, drop_privileges, self,
                     &out, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s%s", argv[0], out, err);
      return FALSE;
    }
  return TRUE;
}

static ConduitDbParams *
admin_params (DbTestServer *self,
              const char   *database)
{
  ConduitDbParams *params = g_new0 (ConduitDbParams, 1);

  params->kind = self->kind;
  params->host = g_strdup (self->socket);
  params->port = self->port;
  params->database = g_strdup (database);
  params->user = g_strdup (self->kind == CONDUIT_DB_KIND_POSTGRESQL ? "postgres" : "root");
  params->tls = CONDUIT_DB_TLS_DISABLE;
  params->connect_timeout = 5;
  params->statement_timeout = 60;
  return params;
}

/* Waits (bounded) until the server takes connections. */
static gboolean
wait_ready (DbTestServer  *self,
            GError       **error)
{
  g_autoptr(ConduitDbParams) params = admin_params (self, self->kind == CONDUIT_DB_KIND_POSTGRESQL
                                                            ? "postgres" : "mysql");

  for (guint i = 0; i < 300; i++)
    {
      g_autoptr(GError) local_error = NULL;
      ConduitDbConnection *connection = conduit_db_connection_open (params, &local_error);

      if (connection != NULL)
        {
          conduit_db_connection_close (connection);
          return TRUE;
        }
      if (i == 299)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_usleep (100 * 1000);
    }
  return FALSE;
}

static gboolean
pg_start (DbTestServer  *self,
          GError       **error)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  g_autofree char *log = g_build_filename (self->dir, "server.log", NULL);
  g_autofree char *options = g_strdup_printf (
    "-p %u -k %s -c listen_addresses=127.0.0.1 -c fsync=off "
    "-c full_page_writes=off -c shared_buffers=32MB -c max_connections=60 -c log_min_messages=warning",
    self->port, self->socket);
  const char *argv[] = { PG_BIN "/pg_ctl", "start", "-w", "-t", "60", "-D", data, "-l", log,
                         "-o", options, NULL };

  return run_as_server (self, argv, error) && wait_ready (self, error);
}

/* The server's own temporary folder: two servers bootstrapping at once in the shared /tmp
 * collided on their internal temporary table names ("Unknown table 'mysql.tmp_user_sys'"). */
static char *
my_tmpdir (DbTestServer *self)
{
  g_autofree char *path = g_build_filename (self->dir, "tmp", NULL);

  g_mkdir_with_parents (path, 0700);
  return g_strdup_printf ("--tmpdir=%s", path);
}

static gboolean
my_start (DbTestServer  *self,
          GError       **error)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  g_autofree char *datadir = g_strdup_printf ("--datadir=%s", data);
  g_autofree char *socket = g_strdup_printf ("--socket=%s", self->socket);
  g_autofree char *port = g_strdup_printf ("--port=%u", self->port);
  g_autofree char *log = g_strdup_printf ("--log-error=%s/server.log", self->dir);
  g_autofree char *pid = g_strdup_printf ("--pid-file=%s/mariadbd.pid", self->dir);
  g_autofree char *tmpdir = my_tmpdir (self);
  const char *argv[] = { "/usr/sbin/mariadbd", "--no-defaults", datadir, socket, port, log, pid,
                         tmpdir,
                         "--bind-address=127.0.0.1", "--skip-name-resolve",
                         "--innodb-buffer-pool-size=32M", "--innodb-log-file-size=16M",
                         "--innodb-flush-log-at-trx-commit=2", "--skip-log-bin",
                         "--max-connections=60", "--user=root", NULL };

  if (getuid () != 0)
    argv[G_N_ELEMENTS (argv) - 2] = NULL;

  if (!g_spawn_async (self->dir, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                      G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &self->pid, error))
    return FALSE;
  return wait_ready (self, error);
}

static gboolean
pg_init (DbTestServer  *self,
         GError       **error)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  const char *argv[] = { PG_BIN "/initdb", "-D", data, "-U", "postgres", "-E", "UTF8",
                         "--locale=C", "--no-sync", "--auth-local=trust",
                         "--auth-host=scram-sha-256", NULL };

  if (getuid () == 0)
    {
      struct passwd *pw = getpwnam ("postgres");

      if (pw == NULL)
        pw = getpwnam ("nobody");
      if (pw == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "running as root, and neither a postgres nor a nobody user exists");
          return FALSE;
        }
      self->uid = pw->pw_uid;
      self->gid = pw->pw_gid;
      if (chown (self->dir, self->uid, self->gid) != 0 ||
          chown (self->socket, self->uid, self->gid) != 0)
        {
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "chown: %s",
                       g_strerror (errno));
          return FALSE;
        }
    }
  return run_as_server (self, argv, error);
}

static gboolean
my_init (DbTestServer  *self,
         GError       **error)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  g_autofree char *datadir = g_strdup_printf ("--datadir=%s", data);
  g_autofree char *tmpdir = my_tmpdir (self);
  const char *argv[] = { "/usr/bin/mariadb-install-db", "--no-defaults", datadir, tmpdir,
                         "--auth-root-authentication-method=normal", "--skip-test-db",
                         "--skip-name-resolve",
                         "--user=root", NULL };

  if (getuid () != 0)
    argv[G_N_ELEMENTS (argv) - 2] = NULL;
  return run_as_server (self, argv, error);
}

/* The test database and its users. */
static void
create_database (DbTestServer *self)
{
  g_autoptr(ConduitDbParams) params = admin_params (self, self->kind == CONDUIT_DB_KIND_POSTGRESQL
                                                            ? "postgres" : "mysql");
  g_autoptr(GError) error = NULL;
  ConduitDbConnection *connection = conduit_db_connection_open (params, &error);
  const char *pg[] = {
    "CREATE DATABASE conduit_test",
    "CREATE USER app PASSWORD '" DB_TEST_PASSWORD "'",
    "ALTER DATABASE conduit_test OWNER TO app",
    "CREATE USER limited PASSWORD '" DB_TEST_PASSWORD "'",
    NULL,
  };
  const char *my[] = {
    "CREATE DATABASE conduit_test",
    "CREATE USER 'app'@'%' IDENTIFIED BY '" DB_TEST_PASSWORD "'",
    "GRANT ALL ON conduit_test.* TO 'app'@'%'",
    "CREATE USER 'limited'@'%' IDENTIFIED BY '" DB_TEST_PASSWORD "'",
    NULL,
  };
  const char **statements = self->kind == CONDUIT_DB_KIND_POSTGRESQL ? pg : my;

  g_assert_no_error (error);
  for (guint i = 0; statements[i] != NULL; i++)
    {
      conduit_db_connection_exec (connection, statements[i], &error);
      g_assert_no_error (error);
    }
  conduit_db_connection_close (connection);
}

/**
 * db_test_server_start:
 * @kind: PostgreSQL or MariaDB
 * @error: return location for an error
 *
 * Returns: (transfer full): a running server with the test database, or %NULL with @error
 *   (the server's programs are missing, or it would not start)
 */
DbTestServer *
db_test_server_start (ConduitDbKind   kind,
                      GError        **error)
{
  DbTestServer *self;
  const char *program = kind == CONDUIT_DB_KIND_POSTGRESQL ? PG_BIN "/initdb"
                                                          : "/usr/bin/mariadb-install-db";

  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not installed (%s)",
                   conduit_db_kind_get_label (kind),
                   kind == CONDUIT_DB_KIND_POSTGRESQL ? "postgresql-15" : "mariadb-server");
      return NULL;
    }

  self = g_new0 (DbTestServer, 1);
  self->kind = kind;
  self->uid = getuid ();
  self->gid = getgid ();
  self->dir = g_dir_make_tmp ("conduit-db-XXXXXX", error);
  if (self->dir == NULL)
    {
      g_free (self);
      return NULL;
    }
  self->port = free_port ();
  if (kind == CONDUIT_DB_KIND_POSTGRESQL)
    {
      self->socket = g_build_filename (self->dir, "socket", NULL);
      g_mkdir (self->socket, 0700);
    }
  else
    self->socket = g_build_filename (self->dir, "mariadb.sock", NULL);

  if (kind == CONDUIT_DB_KIND_POSTGRESQL ? !pg_init (self, error) || !pg_start (self, error)
                                         : !my_init (self, error) || !my_start (self, error))
    {
      db_test_server_stop (self);
      return NULL;
    }

  create_database (self);
  return self;
}

static void
wait_for_pid (GPid pid)
{
  /* bounded: 30 s */
  for (guint i = 0; i < 300; i++)
    {
      int status;

      if (waitpid (pid, &status, WNOHANG) != 0)
        return;
      g_usleep (100 * 1000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
}

static void
pg_ctl_stop (DbTestServer *self,
             const char   *mode)
{
  g_autofree char *data = g_build_filename (self->dir, "data", NULL);
  const char *argv[] = { PG_BIN "/pg_ctl", "stop", "-w", "-t", "30", "-m", mode, "-D", data, NULL };

  run_as_server (self, argv, NULL);
}

/**
 * db_test_server_kill:
 * @self: a server
 *
 * Stops the server the hard way: PostgreSQL's immediate shutdown (every backend quits without
 * cleaning up, as after a crash), MariaDB's process killed.
 */
void
db_test_server_kill (DbTestServer *self)
{
  if (self->kind == CONDUIT_DB_KIND_POSTGRESQL)
    pg_ctl_stop (self, "immediate");
  else if (self->pid != 0)
    {
      kill (self->pid, SIGKILL);
      wait_for_pid (self->pid);
      g_spawn_close_pid (self->pid);
      self->pid = 0;
    }
}

/**
 * db_test_server_restart:
 * @self: a stopped server
 * @error: return location for an error
 *
 * Starts @self again on the same data, port and socket.
 *
 * Returns: whether it runs
 */
gboolean
db_test_server_restart (DbTestServer  *self,
                        GError       **error)
{
  return self->kind == CONDUIT_DB_KIND_POSTGRESQL ? pg_start (self, error) : my_start (self, error);
}

static void
remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", path, NULL };

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, NULL, NULL);
}

/**
 * db_test_server_stop:
 * @self: (nullable): a server
 *
 * Stops the server and deletes its files.
 */
void
db_test_server_stop (DbTestServer *self)
{
  if (self == NULL)
    return;

  conduit_db_pool_clear ();
  if (self->kind == CONDUIT_DB_KIND_POSTGRESQL)
    {
      g_autofree char *pid_file = g_build_filename (self->dir, "data", "postmaster.pid", NULL);

      if (g_file_test (pid_file, G_FILE_TEST_EXISTS))
        pg_ctl_stop (self, "fast");
    }
  else if (self->pid != 0)
    {
      kill (self->pid, SIGTERM);
      wait_for_pid (self->pid);
      g_spawn_close_pid (self->pid);
    }

  if (g_getenv ("CONDUIT_KEEP_DB") == NULL)
    remove_tree (self->dir);
  g_free (self->dir);
  g_free (self->socket);
  g_free (self);
}

guint
db_test_server_get_port (DbTestServer *self)
{
  return self->port;
}

/**
 * db_test_server_params:
 * @self: a server
 * @user: (nullable): user name, "app" by default
 * @password: (nullable): password, the test password by default
 *
 * Returns: (transfer full): settings for connecting over TCP to the test database, without TLS
 */
ConduitDbParams *
db_test_server_params (DbTestServer *self,
                       const char   *user,
                       const char   *password)
{
  ConduitDbParams *params = g_new0 (ConduitDbParams, 1);

  params->kind = self->kind;
  params->host = g_strdup ("127.0.0.1");
  params->port = self->port;
  params->database = g_strdup ("conduit_test");
  params->user = g_strdup (user ? user : "app");
  params->password = g_strdup (password ? password : DB_TEST_PASSWORD);
  params->tls = CONDUIT_DB_TLS_DISABLE;
  params->connect_timeout = 5;
  params->statement_timeout = 60;
  return params;
}

/**
 * db_test_server_credential_json:
 * @self: a server
 * @id: the credential's id
 *
 * Returns: (transfer full): a credential for the app user, as CONDUIT_CREDENTIAL_<ID> holds it
 */
char *
db_test_server_credential_json (DbTestServer *self,
                                const char   *id)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"kind\": \"%s\", \"fields\": {\"host\": \"127.0.0.1\", "
                          "\"port\": \"%u\", \"database\": \"conduit_test\", \"user\": \"app\", "
                          "\"tls\": \"disable\"}, \"secrets\": {\"password\": \"%s\"}}",
                          id, self->kind == CONDUIT_DB_KIND_POSTGRESQL ? "postgresql" : "mysql",
                          self->port, DB_TEST_PASSWORD);
}

/**
 * db_test_server_exec:
 * @self: a server
 * @sql: one statement, run as the administrator in the test database
 *
 * Runs @sql; the test fails if it does not.
 */
void
db_test_server_exec (DbTestServer *self,
                     const char   *sql)
{
  g_autoptr(ConduitDbParams) params = admin_params (self, "conduit_test");
  g_autoptr(GError) error = NULL;
  ConduitDbConnection *connection = conduit_db_connection_open (params, &error);

  g_assert_no_error (error);
  conduit_db_connection_exec (connection, sql, &error);
  g_assert_no_error (error);
  conduit_db_connection_close (connection);
}

static gboolean
take_count (JsonNode  *row,
            gpointer   user_data,
            GError   **error)
{
  JsonObject *object = json_node_get_object (row);
  g_autoptr(GList) members = json_object_get_values (object);
  JsonNode *value = members->data;

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    *(gint64 *)user_data = g_ascii_strtoll (json_node_get_string (value), NULL, 10);
  else
    *(gint64 *)user_data = json_node_get_int (value);
  json_node_unref (row);
  return TRUE;
}

/**
 * db_test_server_count:
 * @self: a server
 * @sql: a query answering one number
 *
 * Returns: the number
 */
gint64
db_test_server_count (DbTestServer *self,
                      const char   *sql)
{
  g_autoptr(ConduitDbParams) params = admin_params (self, "conduit_test");
  g_autoptr(GError) error = NULL;
  ConduitDbConnection *connection = conduit_db_connection_open (params, &error);
  gint64 count = -1;

  g_assert_no_error (error);
  conduit_db_connection_run (connection, sql, NULL, 0, take_count, &count, NULL, &error);
  g_assert_no_error (error);
  conduit_db_connection_close (connection);
  return count;
}

/**
 * db_test_require:
 * @kind: PostgreSQL or MariaDB
 *
 * The server of @kind for this test binary, started on first use. When it cannot start, the
 * test is skipped, except in CI (CI=true), where that fails the test.
 *
 * Returns: (transfer none) (nullable): the server, or %NULL when the test must end
 */
DbTestServer *
db_test_require (ConduitDbKind kind)
{
  static gboolean tried[3];
  static char *why[3];

  if (!tried[kind])
    {
      g_autoptr(GError) error = NULL;

      tried[kind] = TRUE;
      servers[kind] = db_test_server_start (kind, &error);
      if (servers[kind] == NULL)
        why[kind] = g_strdup (error->message);
    }

  if (servers[kind] == NULL)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        {
          g_test_message ("%s", why[kind]);
          g_test_fail ();
        }
      else
        g_test_skip (why[kind]);
    }
  return servers[kind];
}

/* Stops the servers db_test_require() started; the test binaries call it after g_test_run(). */
void
db_test_stop_all (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (servers); i++)
    g_clear_pointer (&servers[i], db_test_server_stop);
}
