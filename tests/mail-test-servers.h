/* mail-test-servers.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Real mail servers for the e-mail tests, on 127.0.0.1 in a temporary folder: aiosmtpd
 * (tests/mail-smtp-server.py) and dovecot with a passwd-file holding one user. */

#define IMAP_TEST_USER     "alice"
#define IMAP_TEST_PASSWORD "s3cret-alice"

typedef struct
{
  GSubprocess *process;
  guint        port;
  char        *dir;   /* where the messages are stored: N.eml and N.json */
} SmtpTestServer;

typedef struct
{
  GSubprocess *process;
  guint        port;      /* IMAP, with STARTTLS when started with a certificate */
  guint        tls_port;  /* IMAPS, 0 without a certificate */
  char        *dir;
} ImapTestServer;

gboolean        mail_test_require              (const char  *what);
void            mail_test_make_certificate     (const char  *dir,
                                                char       **cert_path,
                                                char       **key_path);

SmtpTestServer *smtp_test_server_start         (const char  *dir,
                                                const char * const *args);
void            smtp_test_server_stop          (SmtpTestServer *self);
guint           smtp_test_server_count         (SmtpTestServer *self);
GBytes         *smtp_test_server_message       (SmtpTestServer *self,
                                                guint           number);
char           *smtp_test_server_envelope      (SmtpTestServer *self,
                                                guint           number);

ImapTestServer *imap_test_server_start         (const char  *dir);
ImapTestServer *imap_test_server_start_tls     (const char  *dir,
                                                const char  *cert_path,
                                                const char  *key_path);
void            imap_test_server_stop          (ImapTestServer *self);
char           *imap_test_server_credential    (ImapTestServer *self,
                                                const char     *id);
char           *imap_test_server_run           (ImapTestServer *self,
                                                const char     *folder,
                                                const char     *command);
void            imap_test_server_append        (ImapTestServer *self,
                                                const char     *folder,
                                                const char     *message);

G_END_DECLS
