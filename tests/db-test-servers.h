/* db-test-servers.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit.h"
#include "conduit-db.h"

G_BEGIN_DECLS

/* Real database servers for tests: a PostgreSQL 15 (initdb into a temp dir) and a MariaDB
 * (mariadb-install-db into a temp datadir), each on 127.0.0.1 with a private port and socket
 * dir, started once per test binary. Each has a database "conduit_test" and a user "app" with
 * the password db_test_password (plus "limited", who may only read the table "visible").
 * As root, PostgreSQL runs as the postgres user (initdb refuses root). */

typedef struct _DbTestServer DbTestServer;

#define DB_TEST_PASSWORD "s3cret-pw"

DbTestServer    *db_test_server_start      (ConduitDbKind  kind,
                                            GError       **error);
void             db_test_server_stop       (DbTestServer  *self);
void             db_test_server_kill       (DbTestServer  *self);
gboolean         db_test_server_restart    (DbTestServer  *self,
                                            GError       **error);
guint            db_test_server_get_port   (DbTestServer  *self);
ConduitDbParams *db_test_server_params     (DbTestServer  *self,
                                            const char    *user,
                                            const char    *password);
char            *db_test_server_credential_json (DbTestServer *self,
                                            const char    *id);
void             db_test_server_exec       (DbTestServer  *self,
                                            const char    *sql);
gint64           db_test_server_count      (DbTestServer  *self,
                                            const char    *sql);
DbTestServer    *db_test_require           (ConduitDbKind  kind);
void             db_test_stop_all          (void);

G_END_DECLS
