/* mail-test-servers.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mail-test-servers.h"

/* Debian's python3-aiosmtpd is for Debian's python3, whatever else is first on PATH */
static const char *
python (void)
{
  return g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3"
                                                                     : "python3";
}

static gboolean
have_aiosmtpd (void)
{
  const char *argv[] = { python (), "-c", "import aiosmtpd", NULL };
  int status = -1;

  return g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
                       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL) &&
         g_spawn_check_wait_status (status, NULL);
}

/**
 * mail_test_require:
 * @what: "smtp" or "imap"
 *
 * Returns: whether the server's package is installed; if not, the test is skipped, or fails
 *   under CI=true
 */
gboolean
mail_test_require (const char *what)
{
  gboolean smtp = g_str_equal (what, "smtp");
  gboolean found = smtp ? have_aiosmtpd () : g_file_test ("/usr/sbin/dovecot",
                                                          G_FILE_TEST_IS_EXECUTABLE);

  if (found)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    {
      g_test_message ("%s is not installed", smtp ? "python3-aiosmtpd" : "dovecot-imapd");
      g_test_fail ();
    }
  else
    g_test_skip (smtp ? "python3-aiosmtpd is not installed" : "dovecot-imapd is not installed");
  return FALSE;
}

static void
write_datum (const char     *path,
             gnutls_datum_t *datum)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *)datum->data, datum->size, &error);
  g_assert_no_error (error);
  gnutls_free (datum->data);
}

/**
 * mail_test_make_certificate:
 * @dir: where to write them
 * @cert_path: (out): a self-signed certificate for 127.0.0.1, PEM
 * @key_path: (out): its private key, PEM
 *
 * The certificate is its own authority, so a client given it as the CA file trusts it.
 */
void
mail_test_make_certificate (const char  *dir,
                            char       **cert_path,
                            char       **key_path)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  const unsigned char loopback[4] = { 127, 0, 0, 1 };
  time_t now = time (NULL);

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, "\x01", 1);
  gnutls_x509_crt_set_activation_time (crt, now - 3600);
  gnutls_x509_crt_set_expiration_time (crt, now + 24 * 3600);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "127.0.0.1", 9);
  gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback, 4,
                                        GNUTLS_FSAN_SET);
  gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                        GNUTLS_FSAN_APPEND);
  gnutls_x509_crt_set_basic_constraints (crt, 1, -1);
  gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT |
                                      GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);

  *cert_path = g_build_filename (dir, "cert.pem", NULL);
  *key_path = g_build_filename (dir, "key.pem", NULL);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  write_datum (*cert_path, &datum);
  g_assert_cmpint (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &datum), ==, 0);
  write_datum (*key_path, &datum);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

/* A server outlives no test binary, not even one that aborts: it would hold the test's
 * output open and the harness would wait for it until the timeout. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static GSubprocess *
spawn (const char * const  *argv,
       GSubprocessFlags     flags)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

/* SMTP: tests/mail-smtp-server.py */

/**
 * smtp_test_server_start:
 * @dir: a temporary folder; messages go to @dir/received
 * @args: (nullable): options of tests/mail-smtp-server.py
 *
 * Returns: (transfer full): a server accepting connections
 */
SmtpTestServer *
smtp_test_server_start (const char          *dir,
                        const char * const  *args)
{
  SmtpTestServer *self = g_new0 (SmtpTestServer, 1);
  g_autofree char *script = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "mail-smtp-server.py",
                                              NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  self->dir = g_build_filename (dir, "received", NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0700), ==, 0);

  g_ptr_array_add (argv, (char *)python ());
  g_ptr_array_add (argv, script);
  g_ptr_array_add (argv, (char *)"--dir");
  g_ptr_array_add (argv, self->dir);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *)args[i]);
  g_ptr_array_add (argv, NULL);

  self->process = spawn ((const char * const *)argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  /* the script prints its port once it listens, or exits (EOF) */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "PORT "));
  self->port = (guint)g_ascii_strtoull (line + 5, NULL, 10);
  g_assert_cmpuint (self->port, >, 0);
  return self;
}

/**
 * smtp_test_server_stop:
 * @self: (transfer full): a server
 */
void
smtp_test_server_stop (SmtpTestServer *self)
{
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  g_free (self->dir);
  g_free (self);
}

/**
 * smtp_test_server_count:
 * @self: a server
 *
 * Returns: how many messages it accepted
 */
guint
smtp_test_server_count (SmtpTestServer *self)
{
  guint n = 0;

  for (;;)
    {
      g_autofree char *name = g_strdup_printf ("%u.eml", n + 1);
      g_autofree char *path = g_build_filename (self->dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return n;
      n++;
    }
}

static char *
read_stored (SmtpTestServer *self,
             guint           number,
             const char     *extension,
             gsize          *size)
{
  g_autofree char *name = g_strdup_printf ("%u.%s", number, extension);
  g_autofree char *path = g_build_filename (self->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, size, &error);
  g_assert_no_error (error);
  return contents;
}

/**
 * smtp_test_server_message:
 * @self: a server
 * @number: which message, from 1
 *
 * Returns: (transfer full): the message as the server received it
 */
GBytes *
smtp_test_server_message (SmtpTestServer *self,
                          guint           number)
{
  gsize size;
  char *contents = read_stored (self, number, "eml", &size);

  return g_bytes_new_take (contents, size);
}

/**
 * smtp_test_server_envelope:
 * @self: a server
 * @number: which message, from 1
 *
 * Returns: (transfer full): its envelope as JSON: mail_from, rcpt_tos, tls, authenticated
 */
char *
smtp_test_server_envelope (SmtpTestServer *self,
                           guint           number)
{
  return read_stored (self, number, "json", NULL);
}

/* IMAP: dovecot */

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

/* A plain connect(): GSocketClient would ask the proxy resolver (libproxy) first. */
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

/**
 * imap_test_server_start:
 * @dir: a temporary folder
 *
 * Starts dovecot with a temporary configuration: IMAP on a private port of 127.0.0.1, one
 * user (IMAP_TEST_USER) in a passwd-file, mail in @dir. Run as root, its processes run as
 * Debian's dovecot and dovenull users (dovecot refuses root), else as the current user.
 *
 * Returns: (transfer full): a server accepting connections
 */
ImapTestServer *
imap_test_server_start (const char *dir)
{
  return imap_test_server_start_tls (dir, NULL, NULL);
}

/**
 * imap_test_server_start_tls:
 * @dir: a temporary folder
 * @cert_path: (nullable): the server's certificate, PEM
 * @key_path: (nullable): its key
 *
 * As imap_test_server_start(), and with a certificate also IMAPS on a second private port and
 * STARTTLS on the first.
 *
 * Returns: (transfer full): a server accepting connections
 */
ImapTestServer *
imap_test_server_start_tls (const char *dir,
                            const char *cert_path,
                            const char *key_path)
{
  ImapTestServer *self = g_new0 (ImapTestServer, 1);
  g_autofree char *ssl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *passwd_path = NULL;
  g_autofree char *passwd = NULL;
  g_autofree char *home = NULL;
  g_autofree char *run_dir = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *internal_user = NULL;
  g_autofree char *login_user = NULL;
  uid_t mail_uid = getuid ();
  gid_t mail_gid = getgid ();

  self->dir = g_build_filename (dir, "dovecot", NULL);
  self->port = free_port ();
  self->tls_port = cert_path != NULL ? free_port () : 0;
  ssl = cert_path != NULL ? g_strdup_printf ("ssl = yes\nssl_cert = <%s\nssl_key = <%s\n",
                                             cert_path, key_path)
                          : g_strdup ("ssl = no\n");
  home = g_build_filename (self->dir, "home", IMAP_TEST_USER, NULL);
  run_dir = g_build_filename (self->dir, "run", NULL);
  state_dir = g_build_filename (self->dir, "state", NULL);
  g_assert_cmpint (g_mkdir_with_parents (home, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (run_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0755), ==, 0);

  if (getuid () == 0)
    {
      struct passwd *dovecot = getpwnam ("dovecot");

      g_assert_nonnull (dovecot);
      mail_uid = dovecot->pw_uid;
      mail_gid = dovecot->pw_gid;
      internal_user = g_strdup ("dovecot");
      login_user = g_strdup ("dovenull");
      /* the mail processes run as dovecot: they need to reach and own the mail folder */
      g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
      g_assert_cmpint (chown (home, mail_uid, mail_gid), ==, 0);
    }
  else
    {
      internal_user = g_strdup (g_get_user_name ());
      login_user = g_strdup (g_get_user_name ());
    }

  passwd_path = g_build_filename (self->dir, "passwd", NULL);
  passwd = g_strdup_printf ("%s:{PLAIN}%s\n", IMAP_TEST_USER, IMAP_TEST_PASSWORD);
  g_file_set_contents (passwd_path, passwd, -1, &error);
  g_assert_no_error (error);

  config = g_strdup_printf (
    "base_dir = %s\n"
    "state_dir = %s\n"
    "log_path = %s/dovecot.log\n"
    "protocols = imap\n"
    "listen = 127.0.0.1\n"
    "%s"
    "default_internal_user = %s\n"
    "default_login_user = %s\n"
    "first_valid_uid = %u\n"
    "auth_mechanisms = plain login\n"
    "disable_plaintext_auth = no\n"
    "mail_location = maildir:%s/home/%%u/Maildir\n"
    "service imap-login {\n"
    "  inet_listener imap {\n"
    "    address = 127.0.0.1\n"
    "    port = %u\n"
    "  }\n"
    "  inet_listener imaps {\n"
    "    address = 127.0.0.1\n"
    "    port = %u\n"
    "  }\n"
    "  chroot =\n"
    "}\n"
    "service anvil {\n"
    "  chroot =\n"
    "}\n"
    "passdb {\n"
    "  driver = passwd-file\n"
    "  args = scheme=PLAIN username_format=%%u %s\n"
    "}\n"
    "userdb {\n"
    "  driver = static\n"
    "  args = uid=%u gid=%u home=%s/home/%%u\n"
    "}\n",
    run_dir, state_dir, self->dir, ssl, internal_user, login_user, (guint)mail_uid, self->dir,
    self->port, self->tls_port, passwd_path, (guint)mail_uid, (guint)mail_gid, self->dir);
  config_path = g_build_filename (self->dir, "dovecot.conf", NULL);
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  {
    const char *argv[] = { "/usr/sbin/dovecot", "-F", "-c", config_path, NULL };
    self->process = spawn (argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  }

  for (guint i = 0; i < 200 && !accepts (self->port); i++)
    g_usleep (50 * 1000);
  g_assert_true (accepts (self->port));
  g_assert_true (self->tls_port == 0 || accepts (self->tls_port));
  return self;
}

/**
 * imap_test_server_stop:
 * @self: (transfer full): a server
 */
void
imap_test_server_stop (ImapTestServer *self)
{
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  g_free (self->dir);
  g_free (self);
}

/**
 * imap_test_server_credential:
 * @self: a server
 * @id: the credential's id
 *
 * Returns: (transfer full): an "imap" credential for the test user, as
 *   CONDUIT_CREDENTIAL_<ID> holds it
 */
char *
imap_test_server_credential (ImapTestServer *self,
                             const char     *id)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"kind\": \"imap\", \"fields\": {\"host\": "
                          "\"127.0.0.1\", \"port\": \"%u\", \"security\": \"none\", \"user\": "
                          "\"%s\"}, \"secrets\": {\"password\": \"%s\"}}", id, self->port,
                          IMAP_TEST_USER, IMAP_TEST_PASSWORD);
}

static size_t
collect_cb (char   *data,
            size_t  size,
            size_t  n_items,
            void   *user_data)
{
  g_string_append_len (user_data, data, size * n_items);
  return size * n_items;
}

typedef struct
{
  const char *data;
  gsize       size;
  gsize       offset;
} Upload;

static size_t
upload_cb (char   *buffer,
           size_t  size,
           size_t  n_items,
           void   *user_data)
{
  Upload *upload = user_data;
  gsize n = MIN (size * n_items, upload->size - upload->offset);

  memcpy (buffer, upload->data + upload->offset, n);
  upload->offset += n;
  return n;
}

static CURL *
imap_handle (ImapTestServer *self,
             const char     *folder,
             GString        *answer)
{
  g_autofree char *escaped = folder ? g_uri_escape_string (folder, NULL, FALSE) : NULL;
  g_autofree char *url = g_strdup_printf ("imap://127.0.0.1:%u/%s", self->port,
                                          escaped ? escaped : "");
  CURL *curl = curl_easy_init ();

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_USERNAME, IMAP_TEST_USER);
  curl_easy_setopt (curl, CURLOPT_PASSWORD, IMAP_TEST_PASSWORD);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  return curl;
}

/**
 * imap_test_server_run:
 * @self: a server
 * @folder: (nullable): the folder to select first
 * @command: an IMAP command, such as "UID FETCH 1:* (FLAGS)"
 *
 * Returns: (transfer full): the untagged answers; the test fails if the command does
 */
char *
imap_test_server_run (ImapTestServer *self,
                      const char     *folder,
                      const char     *command)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  CURL *curl = imap_handle (self, folder, answer);
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, command);
  code = curl_easy_perform (curl);
  curl_easy_cleanup (curl);
  if (code != CURLE_OK)
    g_error ("IMAP “%s” failed: %s", command, curl_easy_strerror (code));
  return g_strdup (answer->str);
}

/**
 * imap_test_server_append:
 * @self: a server
 * @folder: an existing folder
 * @message: a message with CRLF line ends
 *
 * Adds @message to @folder, unread, as a delivery would. (libcurl appends with the flag
 * \Seen, so every message of @folder is marked unread after.)
 */
void
imap_test_server_append (ImapTestServer *self,
                         const char     *folder,
                         const char     *message)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  CURL *curl = imap_handle (self, folder, answer);
  Upload upload = { message, strlen (message), 0 };
  CURLcode code;

  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload.size);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, upload_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &upload);
  code = curl_easy_perform (curl);
  curl_easy_cleanup (curl);
  if (code != CURLE_OK)
    g_error ("IMAP APPEND to “%s” failed: %s", folder, curl_easy_strerror (code));
  g_free (imap_test_server_run (self, folder, "STORE 1:* -FLAGS.SILENT (\\Seen)"));
}
