/* conduit-db.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* Databases as sources and destinations: PostgreSQL (libpq), MySQL/MariaDB (libmariadb) and
 * SQLite behind one small driver interface. Every call here blocks: the executors call them
 * from worker threads. See docs/databases.md. */

#define CONDUIT_DB_ERROR (conduit_db_error_quark ())

/**
 * ConduitDbError:
 * @CONDUIT_DB_ERROR_FAILED: anything else
 * @CONDUIT_DB_ERROR_SETTING: the connection settings cannot be used as they are
 * @CONDUIT_DB_ERROR_AUTH: the server refused the user name or password
 * @CONDUIT_DB_ERROR_NOT_FOUND: the database (or SQLite file) does not exist
 * @CONDUIT_DB_ERROR_UNREACHABLE: no server answers at the address, or it timed out
 * @CONDUIT_DB_ERROR_PERMISSION: the user may not do this
 * @CONDUIT_DB_ERROR_TLS: TLS was required or verified and could not be had
 * @CONDUIT_DB_ERROR_CONNECTION_LOST: the server went away during the work
 * @CONDUIT_DB_ERROR_TIMEOUT: a statement ran longer than allowed
 * @CONDUIT_DB_ERROR_REFUSED: the database refused a statement or a row (constraint, type)
 *
 * Why database work failed, in kinds a person can act on.
 */
typedef enum
{
  CONDUIT_DB_ERROR_FAILED,
  CONDUIT_DB_ERROR_SETTING,
  CONDUIT_DB_ERROR_AUTH,
  CONDUIT_DB_ERROR_NOT_FOUND,
  CONDUIT_DB_ERROR_UNREACHABLE,
  CONDUIT_DB_ERROR_PERMISSION,
  CONDUIT_DB_ERROR_TLS,
  CONDUIT_DB_ERROR_CONNECTION_LOST,
  CONDUIT_DB_ERROR_TIMEOUT,
  CONDUIT_DB_ERROR_REFUSED,
} ConduitDbError;

typedef enum
{
  CONDUIT_DB_KIND_POSTGRESQL,
  CONDUIT_DB_KIND_MARIADB,
  CONDUIT_DB_KIND_SQLITE,
} ConduitDbKind;

typedef enum
{
  CONDUIT_DB_TLS_DISABLE,
  CONDUIT_DB_TLS_REQUIRE,
  CONDUIT_DB_TLS_VERIFY_FULL,
} ConduitDbTlsMode;

/**
 * ConduitDbParams:
 * @kind: which database
 * @host: host name or address, or a directory holding the server's socket (starts with `/`)
 * @port: TCP port, 0 for the default
 * @database: database name; for SQLite the file
 * @user: user name
 * @password: (nullable): password
 * @tls: TLS mode
 * @ca_file: (nullable): CA certificates for %CONDUIT_DB_TLS_VERIFY_FULL
 * @connect_timeout: seconds to wait for a connection
 * @statement_timeout: seconds a statement may run, 0 for no limit
 *
 * Where and how to connect.
 */
typedef struct
{
  ConduitDbKind     kind;
  char             *host;
  guint             port;
  char             *database;
  char             *user;
  char             *password;
  ConduitDbTlsMode  tls;
  char             *ca_file;
  guint             connect_timeout;
  guint             statement_timeout;
} ConduitDbParams;

/**
 * ConduitDbColumn:
 * @name: the column's name
 * @type: the database's type name, lower case ("integer", "numeric", "jsonb", "varchar")
 * @not_null: it refuses NULL
 * @has_default: the database fills it when it is left out
 * @is_key: part of the primary key
 *
 * One column of a table, as the write step and the mapping table use it.
 */
typedef struct
{
  char     *name;
  char     *type;
  gboolean  not_null;
  gboolean  has_default;
  gboolean  is_key;
} ConduitDbColumn;

typedef struct _ConduitDbConnection ConduitDbConnection;

/**
 * ConduitDbValue:
 * @data: (nullable): the value as text (or bytes when @is_binary), in the database's text syntax
 * @length: bytes in @data
 * @is_null: SQL NULL
 * @is_binary: @data holds bytes for a bytea/blob column
 * @is_borrowed: @data belongs to someone else (an item's string) and is not freed
 *
 * One parameter of a statement. Values are always sent as parameters, never as SQL text.
 */
typedef struct
{
  char  *data;
  gsize  length;
  guint  is_null : 1;
  guint  is_binary : 1;
  guint  is_borrowed : 1;
} ConduitDbValue;

/**
 * ConduitDbRowFunc:
 * @row: (transfer full): one result row as a JSON object, column name → value
 * @user_data: data given to conduit_db_connection_query()
 * @error: return location to stop the query with an error
 *
 * Receives the rows of a query one by one, as the server sends them.
 *
 * Returns: %FALSE with @error to stop
 */
typedef gboolean (*ConduitDbRowFunc) (JsonNode  *row,
                                      gpointer   user_data,
                                      GError   **error);

/**
 * ConduitDbCopyFunc:
 * @user_data: data given to conduit_db_connection_copy_in_rows()
 * @values: (out) (transfer none): the next rows' values, all values of a row, row after row;
 *   valid until the next call
 *
 * Hands a bulk load its next rows, a few at a time, so that they can be made while the
 * database already takes in the ones before.
 *
 * Returns: how many rows @values holds; 0 when there are no more
 */
typedef guint (*ConduitDbCopyFunc) (gpointer               user_data,
                                    const ConduitDbValue **values);

GQuark               conduit_db_error_quark          (void);
const char          *conduit_db_error_kind           (const GError       *error);

gboolean             conduit_db_kind_from_credential (ConduitCredentialKind kind,
                                                      ConduitDbKind        *db_kind);
const char          *conduit_db_kind_get_label       (ConduitDbKind       kind);

ConduitDbParams     *conduit_db_params_new_from_credential (ConduitCredential *credential,
                                                            GError           **error);
ConduitDbParams     *conduit_db_params_new_sqlite    (const char         *path);
ConduitDbParams     *conduit_db_params_copy          (const ConduitDbParams *params);
void                 conduit_db_params_free          (ConduitDbParams    *params);
char                *conduit_db_params_describe      (const ConduitDbParams *params);

void                 conduit_db_column_free          (ConduitDbColumn    *column);
const char          *conduit_db_column_get_mapping_type (const ConduitDbColumn *column);
JsonNode            *conduit_db_columns_to_mapping_rows (GPtrArray       *columns);

ConduitDbConnection *conduit_db_connection_open      (const ConduitDbParams *params,
                                                      GError            **error);
void                 conduit_db_connection_close     (ConduitDbConnection *self);
ConduitDbKind        conduit_db_connection_get_kind  (ConduitDbConnection *self);
gboolean             conduit_db_connection_is_alive  (ConduitDbConnection *self);
gboolean             conduit_db_connection_exec      (ConduitDbConnection *self,
                                                      const char         *sql,
                                                      GError            **error);
gboolean             conduit_db_connection_run       (ConduitDbConnection *self,
                                                      const char         *sql,
                                                      const ConduitDbValue *values,
                                                      guint               n_values,
                                                      ConduitDbRowFunc    row_func,
                                                      gpointer            user_data,
                                                      gint64             *n_changed,
                                                      GError            **error);
gboolean             conduit_db_connection_can_copy  (ConduitDbConnection *self);
gboolean             conduit_db_connection_copy_in   (ConduitDbConnection *self,
                                                      const char         *quoted_table,
                                                      const char         *quoted_columns,
                                                      const ConduitDbValue *values,
                                                      guint               n_columns,
                                                      guint               n_rows,
                                                      gboolean            begin,
                                                      GError            **error);
gboolean             conduit_db_connection_copy_in_rows (ConduitDbConnection *self,
                                                      const char         *quoted_table,
                                                      const char         *quoted_columns,
                                                      guint               n_columns,
                                                      gboolean            begin,
                                                      ConduitDbCopyFunc   next_rows,
                                                      gpointer            user_data,
                                                      GError            **error);
char                *conduit_db_connection_quote_identifier (ConduitDbConnection *self,
                                                             const char         *name);
char                *conduit_db_connection_placeholder (ConduitDbConnection *self,
                                                        guint               position);
GPtrArray           *conduit_db_connection_list_columns (ConduitDbConnection *self,
                                                         const char         *table,
                                                         GError            **error);
GPtrArray           *conduit_db_connection_list_tables (ConduitDbConnection *self,
                                                        GError            **error);

/* The pool: connections kept per connection settings and thread, reused across runs. */
ConduitDbConnection *conduit_db_pool_acquire         (const ConduitDbParams *params,
                                                      GError            **error);
void                 conduit_db_pool_release         (ConduitDbConnection *connection,
                                                      gboolean            reusable);
void                 conduit_db_pool_clear           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitDbParams, conduit_db_params_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitDbColumn, conduit_db_column_free)

G_END_DECLS
