/* conduit-sftp.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* What the SFTP steps share: the server an "sftp" credential names, and one blocking session
 * with it (libssh), for a worker thread. */

#define CONDUIT_SFTP_ERROR (conduit_sftp_error_quark ())

typedef enum
{
  CONDUIT_SFTP_ERROR_FAILED,
  CONDUIT_SFTP_ERROR_CONNECT,          /* the server cannot be reached */
  CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN, /* the credential accepts no host key yet */
  CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED, /* the server's key is not the accepted one */
  CONDUIT_SFTP_ERROR_AUTH,             /* the server refused the user's password or key */
  CONDUIT_SFTP_ERROR_NOT_FOUND,        /* no such file or folder */
  CONDUIT_SFTP_ERROR_PERMISSION,       /* the server does not let the user do that */
  CONDUIT_SFTP_ERROR_TOO_LARGE,        /* a file past the step's limit */
} ConduitSftpError;

typedef struct
{
  char  *credential_id;
  char  *host;
  guint  port;
  char  *user;
  char  *host_key;          /* (nullable): the accepted "SHA256:…" fingerprint */
  char  *password;          /* (nullable) */
  char  *private_key;       /* (nullable): the key's text */
  char  *private_key_file;  /* (nullable) */
  char  *passphrase;        /* (nullable) */
} ConduitSftpServer;

typedef struct
{
  char    *name;
  char    *path;
  guint64  size;
  gint64   modified;   /* seconds since the epoch */
  gboolean is_regular;
} ConduitSftpEntry;

typedef struct _ConduitSftpSession ConduitSftpSession;

GQuark              conduit_sftp_error_quark                (void);
const char         *conduit_sftp_error_kind                 (const GError        *error);

ConduitSftpServer  *conduit_sftp_server_new_from_credential (ConduitCredential   *credential,
                                                             GError             **error);
void                conduit_sftp_server_free                (ConduitSftpServer   *self);

ConduitSftpSession *conduit_sftp_session_open               (ConduitSftpServer   *server,
                                                             guint                timeout_s,
                                                             char               **fingerprint,
                                                             GError             **error);
void                conduit_sftp_session_close              (ConduitSftpSession  *self);
GPtrArray          *conduit_sftp_session_list               (ConduitSftpSession  *self,
                                                             const char          *folder,
                                                             GError             **error);
gboolean            conduit_sftp_session_stat               (ConduitSftpSession  *self,
                                                             const char          *path,
                                                             ConduitSftpEntry   **entry,
                                                             GError             **error);
gboolean            conduit_sftp_session_download           (ConduitSftpSession  *self,
                                                             const char          *path,
                                                             GOutputStream       *output,
                                                             guint64              max_bytes,
                                                             GCancellable        *cancellable,
                                                             guint64             *n_bytes,
                                                             GError             **error);
gboolean            conduit_sftp_session_upload             (ConduitSftpSession  *self,
                                                             const char          *path,
                                                             GInputStream        *input,
                                                             gboolean             replace,
                                                             GCancellable        *cancellable,
                                                             guint64             *n_bytes,
                                                             GError             **error);
gboolean            conduit_sftp_session_remove             (ConduitSftpSession  *self,
                                                             const char          *path,
                                                             GError             **error);
gboolean            conduit_sftp_session_rename             (ConduitSftpSession  *self,
                                                             const char          *from,
                                                             const char          *to,
                                                             GError             **error);

void                conduit_sftp_probe_async                (ConduitCredential   *credential,
                                                             guint                timeout_s,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean            conduit_sftp_probe_finish               (GAsyncResult        *result,
                                                             char               **fingerprint,
                                                             GError             **error);

void                conduit_sftp_entry_free                 (ConduitSftpEntry    *entry);
JsonNode           *conduit_sftp_entry_to_json              (ConduitSftpEntry    *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSftpServer, conduit_sftp_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSftpSession, conduit_sftp_session_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitSftpEntry, conduit_sftp_entry_free)

G_END_DECLS
