/* conduit-sftp.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-sftp"

#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <stdbool.h>
#include <string.h>

#include "conduit-sftp.h"

/* One SFTP session with libssh, blocking, for a worker thread (the steps run it in the GTask
 * pool). The host key is checked against the credential's accepted fingerprint only: an
 * unknown key is refused with its fingerprint in the message, so the person can compare it
 * with what the server's admin says and accept it, and a key that differs from the accepted
 * one is refused as a possible impostor. ~/.ssh (config, known_hosts, agent) is never read:
 * a flow must run the same on the desktop and on a server. */

G_DEFINE_QUARK (conduit-sftp-error-quark, conduit_sftp_error)

#define CHUNK_SIZE (32 * 1024)
#define PIPELINE   16
/* Writes wait for their answer one by one (libssh 0.10 has no asynchronous write): fewer,
 * larger ones. OpenSSH takes messages up to 256 KiB. */
#define WRITE_SIZE (128 * 1024)

struct _ConduitSftpSession
{
  ssh_session        ssh;
  sftp_session       sftp;
  ConduitSftpServer *server;   /* unowned: the caller keeps it for the session's life */
};

static gpointer
init_libssh (gpointer data)
{
  /* libssh 0.10 sets up its crypto and threading once per process */
  ssh_init ();
  return NULL;
}

static void
ensure_libssh (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, init_libssh, NULL);
}

/**
 * conduit_sftp_error_kind:
 * @error: an error from this file
 *
 * Returns: the error kind a failed item carries ("sftp-not-found", "sftp-auth", …), which
 *   conduit_run_explain() turns into a sentence
 */
const char *
conduit_sftp_error_kind (const GError *error)
{
  if (error == NULL || error->domain != CONDUIT_SFTP_ERROR)
    return "sftp";

  switch ((ConduitSftpError)error->code)
    {
    case CONDUIT_SFTP_ERROR_CONNECT:
      return "sftp-connect";
    case CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN:
    case CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED:
      return "sftp-host-key";
    case CONDUIT_SFTP_ERROR_AUTH:
      return "sftp-auth";
    case CONDUIT_SFTP_ERROR_NOT_FOUND:
      return "sftp-not-found";
    case CONDUIT_SFTP_ERROR_PERMISSION:
      return "sftp-permission";
    case CONDUIT_SFTP_ERROR_TOO_LARGE:
      return "sftp-too-large";
    case CONDUIT_SFTP_ERROR_FAILED:
    default:
      return "sftp";
    }
}

static char *
dup_field (ConduitCredential *credential,
           const char        *key,
           gboolean           secret)
{
  const char *value = secret ? conduit_credential_get_secret (credential, key)
                             : conduit_credential_get_field (credential, key);

  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

/* "SHA256:abc…", "abc…=" and "sha256:abc…" name the same key; the base64 part is compared as
 * it is, since its case matters. */
static char *
normalize_fingerprint (const char *text)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  const char *digest = copy;
  gsize length;

  if (g_ascii_strncasecmp (digest, "SHA256:", 7) == 0)
    digest += 7;
  length = strlen (digest);
  while (length > 0 && digest[length - 1] == '=')
    length--;
  return g_strdup_printf ("SHA256:%.*s", (int)length, digest);
}

/**
 * conduit_sftp_server_new_from_credential:
 * @credential: an "sftp" credential
 * @error: return location for an error
 *
 * Returns: (transfer full) (nullable): the server, or %NULL with @error
 */
ConduitSftpServer *
conduit_sftp_server_new_from_credential (ConduitCredential  *credential,
                                         GError            **error)
{
  g_autoptr(ConduitSftpServer) self = g_new0 (ConduitSftpServer, 1);
  g_autofree char *host_key = NULL;
  const char *id;
  const char *port;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);

  id = conduit_credential_get_id (credential);
  if (conduit_credential_get_kind (credential) != CONDUIT_CREDENTIAL_KIND_SFTP)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                   _("The credential “%s” is a %s, not a file server (sftp)"), id,
                   conduit_credential_kind_to_string (conduit_credential_get_kind (credential)));
      return NULL;
    }
  if (!conduit_credential_check_complete (credential, error))
    return NULL;

  self->credential_id = g_strdup (id);
  self->host = dup_field (credential, "host", FALSE);
  self->user = dup_field (credential, "user", FALSE);
  self->password = dup_field (credential, "password", TRUE);
  self->private_key = dup_field (credential, "private_key", TRUE);
  self->private_key_file = dup_field (credential, "private_key_file", FALSE);
  self->passphrase = dup_field (credential, "passphrase", TRUE);
  host_key = dup_field (credential, "host_key", FALSE);
  if (host_key != NULL)
    self->host_key = normalize_fingerprint (host_key);

  self->port = 22;
  port = conduit_credential_get_field (credential, "port");
  if (port != NULL && *port != '\0')
    {
      guint64 number;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
        {
          g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                       _("The port “%s” of the credential “%s” is not a port number"), port, id);
          return NULL;
        }
      self->port = (guint)number;
    }

  if (self->host == NULL || self->user == NULL)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                   _("The credential “%s” needs a host and a user name"), id);
      return NULL;
    }
  if (self->password == NULL && self->private_key == NULL && self->private_key_file == NULL)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                   _("The credential “%s” holds neither a password nor a private key"), id);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
wipe (char *secret)
{
  if (secret != NULL)
    {
      explicit_bzero (secret, strlen (secret));
      g_free (secret);
    }
}

/**
 * conduit_sftp_server_free:
 * @self: (transfer full): a server
 *
 * Frees @self, wiping its secrets first.
 */
void
conduit_sftp_server_free (ConduitSftpServer *self)
{
  if (self == NULL)
    return;

  g_free (self->credential_id);
  g_free (self->host);
  g_free (self->user);
  g_free (self->host_key);
  g_free (self->private_key_file);
  wipe (self->password);
  wipe (self->private_key);
  wipe (self->passphrase);
  g_free (self);
}

static char *
dup_server_fingerprint (ssh_session   ssh,
                        GError      **error)
{
  ssh_key key = NULL;
  unsigned char *hash = NULL;
  size_t length = 0;
  char *text;
  char *result;

  if (ssh_get_server_publickey (ssh, &key) != SSH_OK ||
      ssh_get_publickey_hash (key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0)
    {
      ssh_key_free (key);
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT,
                   _("The server showed no host key that can be checked: %s"),
                   ssh_get_error (ssh));
      return NULL;
    }
  text = ssh_get_fingerprint_hash (SSH_PUBLICKEY_HASH_SHA256, hash, length);
  result = normalize_fingerprint (text);
  ssh_string_free_char (text);
  ssh_clean_pubkey_hash (&hash);
  ssh_key_free (key);
  return result;
}

static gboolean
authenticate (ConduitSftpSession  *self,
              GError             **error)
{
  ConduitSftpServer *server = self->server;
  const char *refusal = NULL;
  int rc;

  if (server->private_key != NULL || server->private_key_file != NULL)
    {
      ssh_key key = NULL;

      rc = server->private_key != NULL
           ? ssh_pki_import_privkey_base64 (server->private_key, server->passphrase, NULL, NULL,
                                            &key)
           : ssh_pki_import_privkey_file (server->private_key_file, server->passphrase, NULL,
                                          NULL, &key);
      if (rc != SSH_OK)
        {
          /* libssh says no more than "error": what it cannot be is the useful part */
          if (server->private_key == NULL)
            g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                         _("The private key file “%s” of the credential “%s” cannot be read: it "
                           "is missing, not a private key, or its passphrase is wrong"),
                         server->private_key_file, server->credential_id);
          else
            g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
                         _("The private key of the credential “%s” cannot be read: it is not an "
                           "OpenSSH or PEM private key, or its passphrase is wrong"),
                         server->credential_id);
          return FALSE;
        }
      rc = ssh_userauth_publickey (self->ssh, NULL, key);
      ssh_key_free (key);
      if (rc == SSH_AUTH_SUCCESS)
        return TRUE;
      if (rc == SSH_AUTH_ERROR)
        goto failed;
      refusal = _("its key");
    }

  if (server->password != NULL)
    {
      rc = ssh_userauth_password (self->ssh, NULL, server->password);
      if (rc == SSH_AUTH_SUCCESS)
        return TRUE;
      if (rc == SSH_AUTH_ERROR)
        goto failed;
      refusal = refusal != NULL ? _("its key and its password") : _("its password");
    }

  g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_AUTH,
               _("%s:%u refused the user “%s” with %s (credential “%s”)"), server->host,
               server->port, server->user, refusal, server->credential_id);
  return FALSE;

failed:
  g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT,
               _("Signing in to %s:%u failed: %s"), server->host, server->port,
               ssh_get_error (self->ssh));
  return FALSE;
}

/**
 * conduit_sftp_session_open:
 * @server: the server; it must outlive the session
 * @timeout_s: how long to wait for the server, each time
 * @fingerprint: (out) (optional) (nullable): the server key's "SHA256:…" fingerprint, when the
 *   connection got as far as seeing it, even when the key was refused
 * @error: return location for an error
 *
 * Connects, checks the host key, signs in and starts SFTP. Blocks: call it in a worker thread.
 *
 * Returns: (transfer full) (nullable): the session, or %NULL with @error
 */
ConduitSftpSession *
conduit_sftp_session_open (ConduitSftpServer  *server,
                           guint               timeout_s,
                           char              **fingerprint,
                           GError            **error)
{
  g_autoptr(ConduitSftpSession) self = NULL;
  g_autofree char *seen = NULL;
  int port;
  long timeout = MAX (timeout_s, 1);
  bool no = false;
  int yes = 1;

  g_return_val_if_fail (server != NULL, NULL);

  if (fingerprint != NULL)
    *fingerprint = NULL;

  ensure_libssh ();
  self = g_new0 (ConduitSftpSession, 1);
  self->server = server;
  self->ssh = ssh_new ();
  port = (int)server->port;
  ssh_options_set (self->ssh, SSH_OPTIONS_HOST, server->host);
  ssh_options_set (self->ssh, SSH_OPTIONS_PORT, &port);
  ssh_options_set (self->ssh, SSH_OPTIONS_USER, server->user);
  ssh_options_set (self->ssh, SSH_OPTIONS_TIMEOUT, &timeout);
  ssh_options_set (self->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
  /* SFTP waits for an answer to each request: with Nagle's algorithm each small request sits
   * out the peer's delayed ACK (40 ms), which made a 32 MiB upload take half a minute */
  ssh_options_set (self->ssh, SSH_OPTIONS_NODELAY, &yes);
  ssh_options_set (self->ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
  ssh_options_set (self->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");

  if (ssh_connect (self->ssh) != SSH_OK)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT,
                   _("Cannot connect to the SFTP server %s:%u: %s"), server->host, server->port,
                   ssh_get_error (self->ssh));
      return NULL;
    }

  seen = dup_server_fingerprint (self->ssh, error);
  if (seen == NULL)
    return NULL;
  if (fingerprint != NULL)
    *fingerprint = g_strdup (seen);

  if (server->host_key == NULL)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN,
                   _("The SFTP server %s:%u is not known yet: its host key is %s. If the "
                     "server's admin confirms this fingerprint, accept it in the credential "
                     "“%s” (field host_key)"), server->host, server->port, seen,
                   server->credential_id);
      return NULL;
    }
  if (!g_str_equal (server->host_key, seen))
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED,
                   _("The SFTP server %s:%u showed the host key %s, not %s accepted in the "
                     "credential “%s”: another machine may be answering in its place. Ask the "
                     "server's admin before you accept the new key"), server->host,
                   server->port, seen, server->host_key, server->credential_id);
      return NULL;
    }

  if (!authenticate (self, error))
    return NULL;

  self->sftp = sftp_new (self->ssh);
  if (self->sftp == NULL || sftp_init (self->sftp) != SSH_OK)
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_CONNECT,
                   _("%s:%u signed the user in but offers no SFTP: %s"), server->host,
                   server->port, ssh_get_error (self->ssh));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_sftp_session_close:
 * @self: (transfer full) (nullable): a session
 *
 * Ends the session and its connection.
 */
void
conduit_sftp_session_close (ConduitSftpSession *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->sftp, sftp_free);
  if (self->ssh != NULL)
    {
      if (ssh_is_connected (self->ssh))
        ssh_disconnect (self->ssh);
      ssh_free (self->ssh);
    }
  g_free (self);
}

/* What a request was for: each has its own sentence in set_sftp_error(), since a verb slotted
 * into one sentence cannot be translated well. */
typedef enum
{
  SFTP_OP_LIST_FOLDER,
  SFTP_OP_FIND,
  SFTP_OP_OPEN,
  SFTP_OP_READ,
  SFTP_OP_WRITE,
  SFTP_OP_REPLACE,
  SFTP_OP_DELETE,
  SFTP_OP_MOVE,
} SftpOperation;

/* The server's status for the last request, as an error naming @operation and @path. */
static void
set_sftp_error (ConduitSftpSession  *self,
                GError             **error,
                SftpOperation        operation,
                const char          *path)
{
  int status = sftp_get_error (self->sftp);
  ConduitSftpError code = CONDUIT_SFTP_ERROR_FAILED;
  const char *reason;

  switch (status)
    {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
      code = CONDUIT_SFTP_ERROR_NOT_FOUND;
      reason = _("no such file or folder");
      break;
    case SSH_FX_PERMISSION_DENIED:
      code = CONDUIT_SFTP_ERROR_PERMISSION;
      reason = _("permission denied");
      break;
    case SSH_FX_FILE_ALREADY_EXISTS:
      reason = _("it exists already");
      break;
    case SSH_FX_CONNECTION_LOST:
    case SSH_FX_NO_CONNECTION:
      code = CONDUIT_SFTP_ERROR_CONNECT;
      reason = _("the connection was lost");
      break;
    default:
      reason = ssh_get_error (self->ssh);
      if (reason == NULL || *reason == '\0')
        reason = _("the server refused it");
      break;
    }

  switch (operation)
    {
    case SFTP_OP_LIST_FOLDER:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot list the folder “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_FIND:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot find “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_OPEN:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot open “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_READ:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot read “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_WRITE:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot write “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_REPLACE:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot replace “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_DELETE:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot delete “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    case SFTP_OP_MOVE:
      g_set_error (error, CONDUIT_SFTP_ERROR, code, _("Cannot move “%s” on %s:%u: %s"),
                   path, self->server->host, self->server->port, reason);
      break;
    default:
      g_assert_not_reached ();
    }
}

static ConduitSftpEntry *
entry_new (const char      *folder,
           sftp_attributes  attributes)
{
  ConduitSftpEntry *entry = g_new0 (ConduitSftpEntry, 1);

  entry->name = g_strdup (attributes->name);
  if (folder != NULL)
    entry->path = g_str_has_suffix (folder, "/") ? g_strconcat (folder, attributes->name, NULL)
                                                 : g_strconcat (folder, "/", attributes->name,
                                                                NULL);
  entry->size = attributes->size;
  entry->modified = attributes->mtime64 != 0 ? (gint64)attributes->mtime64
                                             : (gint64)attributes->mtime;
  entry->is_regular = attributes->type == SSH_FILEXFER_TYPE_REGULAR;
  return entry;
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const ConduitSftpEntry *x = *(ConduitSftpEntry * const *)a;
  const ConduitSftpEntry *y = *(ConduitSftpEntry * const *)b;

  if (x->modified != y->modified)
    return x->modified < y->modified ? -1 : 1;
  return strcmp (x->name, y->name);
}

/**
 * conduit_sftp_session_list:
 * @self: a session
 * @folder: a folder on the server
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ConduitSftpEntry): the folder's entries but "." and
 *   "..", oldest first, or %NULL with @error
 */
GPtrArray *
conduit_sftp_session_list (ConduitSftpSession  *self,
                           const char          *folder,
                           GError             **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  sftp_dir dir;
  sftp_attributes attributes;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (folder != NULL, NULL);

  dir = sftp_opendir (self->sftp, folder);
  if (dir == NULL)
    {
      set_sftp_error (self, error, SFTP_OP_LIST_FOLDER, folder);
      return NULL;
    }

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_sftp_entry_free);
  while ((attributes = sftp_readdir (self->sftp, dir)) != NULL)
    {
      if (attributes->name != NULL && !g_str_equal (attributes->name, ".") &&
          !g_str_equal (attributes->name, ".."))
        g_ptr_array_add (entries, entry_new (folder, attributes));
      sftp_attributes_free (attributes);
    }
  if (!sftp_dir_eof (dir))
    {
      set_sftp_error (self, error, SFTP_OP_LIST_FOLDER, folder);
      sftp_closedir (dir);
      return NULL;
    }
  sftp_closedir (dir);

  g_ptr_array_sort (entries, compare_entries);
  return g_steal_pointer (&entries);
}

/**
 * conduit_sftp_session_stat:
 * @self: a session
 * @path: a path on the server
 * @entry: (out) (transfer full): what the server says of it
 * @error: return location for an error
 *
 * Returns: whether @path exists; %FALSE with @error (CONDUIT_SFTP_ERROR_NOT_FOUND when not)
 */
gboolean
conduit_sftp_session_stat (ConduitSftpSession  *self,
                           const char          *path,
                           ConduitSftpEntry   **entry,
                           GError             **error)
{
  sftp_attributes attributes;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  attributes = sftp_stat (self->sftp, path);
  if (attributes == NULL)
    {
      set_sftp_error (self, error, SFTP_OP_FIND, path);
      return FALSE;
    }
  *entry = entry_new (NULL, attributes);
  g_free ((*entry)->name);
  (*entry)->name = g_path_get_basename (path);
  (*entry)->path = g_strdup (path);
  sftp_attributes_free (attributes);
  return TRUE;
}

/**
 * conduit_sftp_session_download:
 * @self: a session
 * @path: the file on the server
 * @output: where its bytes go
 * @max_bytes: a limit, 0 for none
 * @cancellable: (nullable): stops between chunks
 * @n_bytes: (out) (optional): how many bytes were written to @output
 * @error: return location for an error
 *
 * Returns: whether the whole file was copied to @output
 */
gboolean
conduit_sftp_session_download (ConduitSftpSession  *self,
                               const char          *path,
                               GOutputStream       *output,
                               guint64              max_bytes,
                               GCancellable        *cancellable,
                               guint64             *n_bytes,
                               GError             **error)
{
  g_autofree char *buffer = g_malloc (CHUNK_SIZE);
  sftp_file file;
  guint64 total = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);

  file = sftp_open (self->sftp, path, O_RDONLY, 0);
  if (file == NULL)
    {
      set_sftp_error (self, error, SFTP_OP_OPEN, path);
      return FALSE;
    }

  /* Up to PIPELINE reads are in flight, as OpenSSH's sftp client does: one read at a time
   * waits a round trip per 32 KiB. Answers come in the order asked. A short answer before the
   * end (a server may send less than asked) leaves a gap before the answers already asked
   * for: those are drained and reading goes on from where the data stopped. */
  for (;;)
    {
      int ids[PIPELINE];
      guint head = 0, count = 0;
      gboolean eof = FALSE, restart = FALSE;

      while (ok && (count > 0 || !eof))
        {
          int got;

          while (!eof && !restart && count < PIPELINE)
            {
              int id = sftp_async_read_begin (file, CHUNK_SIZE);

              if (id < 0)
                {
                  set_sftp_error (self, error, SFTP_OP_READ, path);
                  ok = FALSE;
                  break;
                }
              ids[(head + count) % PIPELINE] = id;
              count++;
            }
          if (count == 0)
            break;

          got = sftp_async_read (file, buffer, CHUNK_SIZE, (uint32_t)ids[head]);
          head = (head + 1) % PIPELINE;
          count--;
          if (!ok || restart)
            {
              /* answers to drain, whatever they hold */
              if (got < 0 && ok)
                {
                  set_sftp_error (self, error, SFTP_OP_READ, path);
                  ok = FALSE;
                }
              continue;
            }
          if (got < 0)
            {
              set_sftp_error (self, error, SFTP_OP_READ, path);
              ok = FALSE;
              continue;
            }
          if (got == 0)
            {
              eof = TRUE;
              continue;
            }

          total += (guint64)got;
          if (max_bytes != 0 && total > max_bytes)
            {
              g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_TOO_LARGE,
                           _("“%s” on %s:%u is larger than the step's limit of %" PRIu64
                             " bytes"), path, self->server->host, self->server->port, max_bytes);
              ok = FALSE;
              continue;
            }
          if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
              !g_output_stream_write_all (output, buffer, (gsize)got, NULL, cancellable, error))
            {
              ok = FALSE;
              continue;
            }
          if (got < CHUNK_SIZE)
            restart = TRUE;
        }

      if (!ok || !restart)
        break;
      /* after a short answer: on from the end of what came */
      if (sftp_seek64 (file, total) < 0)
        {
          set_sftp_error (self, error, SFTP_OP_READ, path);
          ok = FALSE;
          break;
        }
    }
  sftp_close (file);

  if (n_bytes != NULL)
    *n_bytes = total;
  return ok;
}

static gboolean
exists (ConduitSftpSession *self,
        const char         *path)
{
  sftp_attributes attributes = sftp_lstat (self->sftp, path);

  if (attributes == NULL)
    return FALSE;
  sftp_attributes_free (attributes);
  return TRUE;
}

/**
 * conduit_sftp_session_upload:
 * @self: a session
 * @path: the file to write on the server
 * @input: its bytes
 * @replace: whether an existing file at @path is replaced; if not, it is an error
 * @cancellable: (nullable): stops between chunks
 * @n_bytes: (out) (optional): how many bytes were sent
 * @error: return location for an error
 *
 * Writes a hidden temporary file next to @path and renames it in place once complete, so a
 * poller on the other side never reads half a file.
 *
 * Returns: whether @path now holds the whole of @input
 */
gboolean
conduit_sftp_session_upload (ConduitSftpSession  *self,
                             const char          *path,
                             GInputStream        *input,
                             gboolean             replace,
                             GCancellable        *cancellable,
                             guint64             *n_bytes,
                             GError             **error)
{
  g_autofree char *buffer = g_malloc (WRITE_SIZE);
  g_autofree char *folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *part = NULL;
  guint64 total = 0;
  sftp_file file;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (G_IS_INPUT_STREAM (input), FALSE);

  if (!replace && exists (self, path))
    {
      g_set_error (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_FAILED,
                   _("“%s” exists already on %s:%u, and the step does not replace files"), path,
                   self->server->host, self->server->port);
      return FALSE;
    }

  folder = g_path_get_dirname (path);
  name = g_path_get_basename (path);
  part = g_strdup_printf ("%s/.%s.conduit-part", folder, name);
  file = sftp_open (self->sftp, part, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (file == NULL)
    {
      set_sftp_error (self, error, SFTP_OP_WRITE, path);
      return FALSE;
    }

  for (;;)
    {
      gssize got = g_input_stream_read (input, buffer, WRITE_SIZE, cancellable, error);

      if (got < 0)
        {
          ok = FALSE;
          break;
        }
      if (got == 0)
        break;
      if (sftp_write (file, buffer, (size_t)got) != got)
        {
          set_sftp_error (self, error, SFTP_OP_WRITE, path);
          ok = FALSE;
          break;
        }
      total += (guint64)got;
    }
  if (sftp_close (file) != SSH_NO_ERROR && ok)
    {
      set_sftp_error (self, error, SFTP_OP_WRITE, path);
      ok = FALSE;
    }

  /* SFTP version 3 (OpenSSH) renames onto no existing file: the old one goes first */
  if (ok && replace && exists (self, path) && sftp_unlink (self->sftp, path) != 0)
    {
      set_sftp_error (self, error, SFTP_OP_REPLACE, path);
      ok = FALSE;
    }
  if (ok && sftp_rename (self->sftp, part, path) != 0)
    {
      set_sftp_error (self, error, SFTP_OP_WRITE, path);
      ok = FALSE;
    }
  if (!ok)
    sftp_unlink (self->sftp, part);

  if (n_bytes != NULL)
    *n_bytes = total;
  return ok;
}

/**
 * conduit_sftp_session_remove:
 * @self: a session
 * @path: a file on the server
 * @error: return location for an error
 *
 * Returns: whether the file is gone
 */
gboolean
conduit_sftp_session_remove (ConduitSftpSession  *self,
                             const char          *path,
                             GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (sftp_unlink (self->sftp, path) != 0)
    {
      set_sftp_error (self, error, SFTP_OP_DELETE, path);
      return FALSE;
    }
  return TRUE;
}

/**
 * conduit_sftp_session_rename:
 * @self: a session
 * @from: a file on the server
 * @to: its new path, which must not exist
 * @error: return location for an error
 *
 * Returns: whether the file was moved
 */
gboolean
conduit_sftp_session_rename (ConduitSftpSession  *self,
                             const char          *from,
                             const char          *to,
                             GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (sftp_rename (self->sftp, from, to) != 0)
    {
      set_sftp_error (self, error, SFTP_OP_MOVE, from);
      return FALSE;
    }
  return TRUE;
}

/**
 * conduit_sftp_entry_free:
 * @entry: (transfer full) (nullable): an entry
 */
void
conduit_sftp_entry_free (ConduitSftpEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->name);
  g_free (entry->path);
  g_free (entry);
}

/**
 * conduit_sftp_entry_to_json:
 * @entry: an entry
 *
 * Returns: (transfer full): `{"name", "path", "size", "modified"}`, the time in ISO 8601 UTC
 */
JsonNode *
conduit_sftp_entry_to_json (ConduitSftpEntry *entry)
{
  JsonObject *object = json_object_new ();
  g_autoptr(GDateTime) modified = g_date_time_new_from_unix_utc (entry->modified);
  g_autofree char *when = modified ? g_date_time_format_iso8601 (modified) : NULL;
  JsonNode *node;

  json_object_set_string_member (object, "name", entry->name);
  json_object_set_string_member (object, "path", entry->path ? entry->path : entry->name);
  json_object_set_int_member (object, "size", (gint64)entry->size);
  if (when != NULL)
    json_object_set_string_member (object, "modified", when);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

/* ---- trying a credential ----------------------------------------------------------------- */

typedef struct
{
  ConduitSftpServer *server;
  guint              timeout_s;
  char              *fingerprint;
} Probe;

static void
probe_free (Probe *probe)
{
  conduit_sftp_server_free (probe->server);
  g_free (probe->fingerprint);
  g_free (probe);
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Probe *probe = task_data;
  g_autoptr(ConduitSftpSession) session = NULL;
  GError *error = NULL;

  session = conduit_sftp_session_open (probe->server, probe->timeout_s, &probe->fingerprint,
                                       &error);
  if (session == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * conduit_sftp_probe_async:
 * @credential: an "sftp" credential
 * @timeout_s: how long to wait for the server
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done, in the caller's main context
 * @user_data: for @callback
 *
 * Connects with @credential, checks the host key and signs in, in a worker thread: the
 * credential editor's Test. The finish function gives the server's fingerprint even when the
 * host key was refused, so the person can accept it.
 */
void
conduit_sftp_probe_async (ConduitCredential   *credential,
                          guint                timeout_s,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GError *error = NULL;
  Probe *probe;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));

  g_task_set_source_tag (task, conduit_sftp_probe_async);
  probe = g_new0 (Probe, 1);
  probe->timeout_s = timeout_s;
  g_task_set_task_data (task, probe, (GDestroyNotify)probe_free);
  probe->server = conduit_sftp_server_new_from_credential (credential, &error);
  if (probe->server == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, probe_thread);
}

/**
 * conduit_sftp_probe_finish:
 * @result: the result given to the callback
 * @fingerprint: (out) (optional) (nullable): the server key's "SHA256:…" fingerprint, when the
 *   connection got as far as seeing it
 * @error: return location for an error
 *
 * Returns: whether the server is the accepted one and signed the user in
 */
gboolean
conduit_sftp_probe_finish (GAsyncResult  *result,
                           char         **fingerprint,
                           GError       **error)
{
  Probe *probe;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  probe = g_task_get_task_data (G_TASK (result));
  if (fingerprint != NULL)
    *fingerprint = g_strdup (probe->fingerprint);
  return g_task_propagate_boolean (G_TASK (result), error);
}
