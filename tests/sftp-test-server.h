/* sftp-test-server.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real OpenSSH sshd for the SFTP tests: 127.0.0.1, a private port, a temporary host key and
 * configuration, `Subsystem sftp internal-sftp`, key authentication (and a password when run
 * as root, see sftp-test-server.c). Files live in @root, a local folder the test reads and
 * writes directly to check what went over SFTP. */

#define SFTP_TEST_PASSWORD "s3cret-sftp"

typedef struct
{
  GSubprocess *process;
  guint        port;
  char        *dir;          /* configuration, keys, log */
  char        *root;         /* the files served, an absolute path */
  char        *user;
  char        *fingerprint;  /* the host key's "SHA256:…", as ssh-keygen prints it */
  char        *client_key;   /* the user's private key (OpenSSH format, no passphrase) */
  char        *locked_key;   /* the same user's second key, encrypted with "pass phrase" */
  gboolean     has_password; /* SFTP_TEST_PASSWORD signs the user in */
} SftpTestServer;

gboolean        sftp_test_require            (void);
SftpTestServer *sftp_test_server_start       (const char     *dir);
void            sftp_test_server_stop        (SftpTestServer *self);
char           *sftp_test_server_credential  (SftpTestServer *self,
                                              const char     *id,
                                              const char     *host_key,
                                              const char     *password);
char           *sftp_test_server_path        (SftpTestServer *self,
                                              const char     *name);
char           *sftp_test_other_fingerprint  (const char     *dir);

G_END_DECLS
