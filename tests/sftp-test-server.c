/* sftp-test-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sftp-test-server.h"

/* sshd from Debian's openssh-server, started by the test.
 *
 * Run by an ordinary user, sshd runs as that user and signs in only that user, by key: no
 * password of a real account is known to the test, so has_password is FALSE.
 *
 * Run as root (CI's containers), sshd wants its privilege-separation folder /run/sshd, which a
 * container without systemd lacks, and root's account is usually locked. Rather than change
 * the system, sshd runs in a mount namespace of its own (unshare -m): there a tmpfs covers
 * /run, holding the folder, and a copy of /etc/shadow whose root entry has the hash of
 * SFTP_TEST_PASSWORD is bind-mounted over /etc/shadow. Only that sshd sees either; the
 * system's /run and /etc/shadow are untouched, and no user is added. */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
run (const char * const *argv,
     const char         *input)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE |
                                        (input ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0));
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static void
make_key (const char *path,
          const char *passphrase)
{
  const char *argv[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C",
                         "conduit-test", "-f", path, NULL };

  g_free (run (argv, NULL));
}

static char *
fingerprint_of (const char *public_key_path)
{
  const char *argv[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", public_key_path, NULL };
  g_autofree char *out = run (argv, NULL);
  g_auto(GStrv) words = g_strsplit (out, " ", -1);

  /* "256 SHA256:… comment (ED25519)" */
  g_assert_cmpuint (g_strv_length (words), >=, 2);
  g_assert_true (g_str_has_prefix (words[1], "SHA256:"));
  return g_strdup (words[1]);
}

/**
 * sftp_test_other_fingerprint:
 * @dir: a temporary folder
 *
 * Returns: (transfer full): the fingerprint of a fresh key no server holds
 */
char *
sftp_test_other_fingerprint (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "other-host-key", NULL);
  g_autofree char *public = g_strconcat (path, ".pub", NULL);

  if (!g_file_test (public, G_FILE_TEST_EXISTS))
    make_key (path, "");
  return fingerprint_of (public);
}

/**
 * sftp_test_require:
 *
 * Returns: whether sshd and ssh-keygen are installed; if not, the test is skipped, or fails
 *   under CI=true
 */
gboolean
sftp_test_require (void)
{
  g_autofree char *keygen = g_find_program_in_path ("ssh-keygen");

  if (g_file_test ("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE) && keygen != NULL &&
      (getuid () != 0 || g_file_test ("/usr/bin/unshare", G_FILE_TEST_IS_EXECUTABLE)))
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("openssh-server is not installed");
      g_test_fail ();
    }
  else
    g_test_skip ("openssh-server is not installed");
  return FALSE;
}

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

static gboolean
accepts (guint port)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  gboolean ok;

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  ok = connect (fd, (struct sockaddr *)&address, sizeof address) == 0;
  close (fd);
  return ok;
}

/* /etc/shadow with root's password set to SFTP_TEST_PASSWORD, for sshd's namespace only */
static char *
write_shadow (const char *dir)
{
  const char *argv[] = { "openssl", "passwd", "-6", "-stdin", NULL };
  g_autofree char *hash = g_strstrip (run (argv, SFTP_TEST_PASSWORD "\n"));
  g_autofree char *system = read_text ("/etc/shadow");
  g_auto(GStrv) lines = g_strsplit (system, "\n", -1);
  g_autoptr(GString) shadow = g_string_new (NULL);
  g_autofree char *path = g_build_filename (dir, "shadow", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], ":", -1);

      if (*lines[i] == '\0')
        continue;
      if (g_str_equal (fields[0], "root") && g_strv_length (fields) >= 3)
        {
          g_free (fields[1]);
          fields[1] = g_strdup (hash);
          g_free (fields[2]);
          fields[2] = g_strdup ("20000");   /* changed after 1970: not "must change now" */
        }
      {
        g_autofree char *line = g_strjoinv (":", fields);
        g_string_append_printf (shadow, "%s\n", line);
      }
    }
  g_file_set_contents_full (path, shadow->str, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

/**
 * sftp_test_server_start:
 * @dir: a temporary folder
 *
 * Returns: (transfer full): a server accepting connections
 */
SftpTestServer *
sftp_test_server_start (const char *dir)
{
  SftpTestServer *self = g_new0 (SftpTestServer, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host_key = NULL;
  g_autofree char *host_public = NULL;
  g_autofree char *client_key = NULL;
  g_autofree char *locked_key = NULL;
  g_autofree char *authorized = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *log_path = NULL;
  gboolean as_root = getuid () == 0;

  self->dir = g_build_filename (dir, "sshd", NULL);
  self->root = g_build_filename (dir, "sftp-root", NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (self->root, 0755), ==, 0);
  self->user = g_strdup (g_get_user_name ());
  self->port = free_port ();

  host_key = g_build_filename (self->dir, "host-key", NULL);
  host_public = g_strconcat (host_key, ".pub", NULL);
  client_key = g_build_filename (self->dir, "client-key", NULL);
  locked_key = g_build_filename (self->dir, "locked-key", NULL);
  make_key (host_key, "");
  make_key (client_key, "");
  make_key (locked_key, "pass phrase");
  self->fingerprint = fingerprint_of (host_public);
  self->client_key = read_text (client_key);
  self->locked_key = read_text (locked_key);

  {
    g_autofree char *client_public = g_strconcat (client_key, ".pub", NULL);
    g_autofree char *locked_public = g_strconcat (locked_key, ".pub", NULL);
    g_autofree char *a = read_text (client_public);
    g_autofree char *b = read_text (locked_public);

    keys = g_strconcat (a, b, NULL);
    authorized = g_build_filename (self->dir, "authorized_keys", NULL);
    g_file_set_contents (authorized, keys, -1, &error);
    g_assert_no_error (error);
  }

  config = g_strdup_printf ("ListenAddress 127.0.0.1\n"
                            "Port %u\n"
                            "HostKey %s\n"
                            "PidFile none\n"
                            "AuthorizedKeysFile %s\n"
                            "StrictModes no\n"
                            "UsePAM no\n"
                            "PubkeyAuthentication yes\n"
                            "PasswordAuthentication %s\n"
                            "KbdInteractiveAuthentication no\n"
                            "PermitRootLogin yes\n"
                            "MaxAuthTries 10\n"
                            "LogLevel VERBOSE\n"
                            "Subsystem sftp internal-sftp\n",
                            self->port, host_key, authorized, as_root ? "yes" : "no");
  config_path = g_build_filename (self->dir, "sshd_config", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  log_path = g_build_filename (self->dir, "sshd.log", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  if (as_root)
    {
      g_autofree char *shadow = write_shadow (self->dir);
      g_autofree char *script = g_strdup_printf ("mount -t tmpfs conduit-test /run && "
                                                 "mkdir -m 755 /run/sshd && "
                                                 "mount --bind '%s' /etc/shadow && "
                                                 "exec /usr/sbin/sshd -D -e -f '%s'",
                                                 shadow, config_path);
      const char *argv[] = { "/usr/bin/unshare", "--mount", "--propagation", "private",
                             "/bin/sh", "-c", script, NULL };

      self->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
      self->has_password = TRUE;
    }
  else
    {
      const char *argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", config_path, NULL };

      self->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
    }
  g_assert_no_error (error);

  for (guint i = 0; i < 200 && !accepts (self->port); i++)
    {
      if (g_subprocess_get_identifier (self->process) == NULL)   /* it exited */
        break;
      g_usleep (50 * 1000);
    }
  if (!accepts (self->port))
    {
      g_autofree char *log = read_text (log_path);
      g_error ("sshd did not start: %s", log);
    }
  return self;
}

/**
 * sftp_test_server_stop:
 * @self: (transfer full): a server
 */
void
sftp_test_server_stop (SftpTestServer *self)
{
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  g_free (self->dir);
  g_free (self->root);
  g_free (self->user);
  g_free (self->fingerprint);
  g_free (self->client_key);
  g_free (self->locked_key);
  g_free (self);
}

/**
 * sftp_test_server_credential:
 * @self: a server
 * @id: the credential's id
 * @host_key: (nullable): the accepted host key, %NULL for none
 * @password: (nullable): sign in with this password instead of the user's key
 *
 * Returns: (transfer full): an "sftp" credential, as CONDUIT_CREDENTIAL_<ID> holds it
 */
char *
sftp_test_server_credential (SftpTestServer *self,
                             const char     *id,
                             const char     *host_key,
                             const char     *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *port = g_strdup_printf ("%u", self->port);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "sftp");
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "host");
  json_builder_add_string_value (builder, "127.0.0.1");
  json_builder_set_member_name (builder, "port");
  json_builder_add_string_value (builder, port);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, self->user);
  if (host_key != NULL)
    {
      json_builder_set_member_name (builder, "host_key");
      json_builder_add_string_value (builder, host_key);
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "secrets");
  json_builder_begin_object (builder);
  if (password != NULL)
    {
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
    }
  else
    {
      json_builder_set_member_name (builder, "private_key");
      json_builder_add_string_value (builder, self->client_key);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/**
 * sftp_test_server_path:
 * @self: a server
 * @name: a file name
 *
 * Returns: (transfer full): the absolute path of @name in the served folder, both on this
 *   computer and over SFTP
 */
char *
sftp_test_server_path (SftpTestServer *self,
                       const char     *name)
{
  return g_build_filename (self->root, name, NULL);
}
