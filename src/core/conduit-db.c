/* conduit-db.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-db-private.h"

/* The common part of the database layer: connection settings from a credential, dispatch to
 * the driver, and the pool. The pool keeps idle connections per connection settings (so per
 * credential); a connection is used by one thread at a time, from acquire to release, so the
 * executors of several serve workers never share one at once. */

G_DEFINE_QUARK (conduit-db-error-quark, conduit_db_error)

/* Idle connections older than this are closed rather than reused: servers drop idle clients. */
#define POOL_IDLE_LIMIT_US (5 * 60 * G_USEC_PER_SEC)
#define POOL_MAX_IDLE 8

/**
 * conduit_db_error_kind:
 * @error: an error in %CONDUIT_DB_ERROR
 *
 * Returns: the kind of @error in words that do not depend on the language ("auth",
 *   "not-found", "unreachable", "permission", "tls", "connection-lost", "timeout", "refused",
 *   "setting" or "database")
 */
const char *
conduit_db_error_kind (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != CONDUIT_DB_ERROR)
    return "database";

  switch ((ConduitDbError)error->code)
    {
    case CONDUIT_DB_ERROR_SETTING:
      return "setting";
    case CONDUIT_DB_ERROR_AUTH:
      return "auth";
    case CONDUIT_DB_ERROR_NOT_FOUND:
      return "not-found";
    case CONDUIT_DB_ERROR_UNREACHABLE:
      return "unreachable";
    case CONDUIT_DB_ERROR_PERMISSION:
      return "permission";
    case CONDUIT_DB_ERROR_TLS:
      return "tls";
    case CONDUIT_DB_ERROR_CONNECTION_LOST:
      return "connection-lost";
    case CONDUIT_DB_ERROR_TIMEOUT:
      return "timeout";
    case CONDUIT_DB_ERROR_REFUSED:
      return "refused";
    case CONDUIT_DB_ERROR_FAILED:
    default:
      return "database";
    }
}

/**
 * conduit_db_kind_from_credential:
 * @kind: a kind of credential
 * @db_kind: (out): the database it connects to
 *
 * Returns: whether @kind is a database credential
 */
gboolean
conduit_db_kind_from_credential (ConduitCredentialKind  kind,
                                 ConduitDbKind         *db_kind)
{
  switch (kind)
    {
    case CONDUIT_CREDENTIAL_KIND_POSTGRESQL:
      *db_kind = CONDUIT_DB_KIND_POSTGRESQL;
      return TRUE;
    case CONDUIT_CREDENTIAL_KIND_MYSQL:
      *db_kind = CONDUIT_DB_KIND_MARIADB;
      return TRUE;
    case CONDUIT_CREDENTIAL_KIND_API_KEY:
    case CONDUIT_CREDENTIAL_KIND_BEARER:
    case CONDUIT_CREDENTIAL_KIND_BASIC:
    case CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS:
    case CONDUIT_CREDENTIAL_KIND_HMAC:
    default:
      return FALSE;
    }
}

/**
 * conduit_db_kind_get_label:
 * @kind: a database kind
 *
 * Returns: the database's name for people
 */
const char *
conduit_db_kind_get_label (ConduitDbKind kind)
{
  switch (kind)
    {
    case CONDUIT_DB_KIND_POSTGRESQL:
      return "PostgreSQL";
    case CONDUIT_DB_KIND_MARIADB:
      return "MySQL/MariaDB";
    case CONDUIT_DB_KIND_SQLITE:
    default:
      return "SQLite";
    }
}

static const ConduitDbDriver *
driver_for_kind (ConduitDbKind kind)
{
  switch (kind)
    {
    case CONDUIT_DB_KIND_POSTGRESQL:
      return &conduit_db_postgresql_driver;
    case CONDUIT_DB_KIND_MARIADB:
      return &conduit_db_mariadb_driver;
    case CONDUIT_DB_KIND_SQLITE:
    default:
      return &conduit_db_sqlite_driver;
    }
}

static const char *
field_or_default (ConduitCredential *credential,
                  const char        *key)
{
  const char *value = conduit_credential_get_field (credential, key);

  if (value == NULL || *value == '\0')
    {
      const ConduitCredentialFieldSpec *spec =
        conduit_credential_kind_find_field (conduit_credential_get_kind (credential), key);
      value = spec != NULL ? spec->default_value : NULL;
    }
  return value;
}

/**
 * conduit_db_params_new_from_credential:
 * @credential: a credential of kind postgresql or mysql
 * @error: return location for an error
 *
 * Reads the connection settings of a database credential.
 *
 * Returns: (transfer full): the settings, or %NULL with @error naming the field at fault
 */
ConduitDbParams *
conduit_db_params_new_from_credential (ConduitCredential  *credential,
                                       GError            **error)
{
  g_autoptr(ConduitDbParams) params = g_new0 (ConduitDbParams, 1);
  const char *id;
  const char *port;
  const char *tls;
  const char *value;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL (credential), NULL);

  id = conduit_credential_get_id (credential);
  if (!conduit_db_kind_from_credential (conduit_credential_get_kind (credential), &params->kind))
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The credential “%s” is a %s, not a database connection"), id,
                   _(conduit_credential_kind_get_label (conduit_credential_get_kind (credential))));
      return NULL;
    }

  params->host = g_strdup (field_or_default (credential, "host"));
  params->database = g_strdup (field_or_default (credential, "database"));
  params->user = g_strdup (field_or_default (credential, "user"));
  params->password = g_strdup (conduit_credential_get_secret (credential, "password"));
  value = field_or_default (credential, "ca_file");
  params->ca_file = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
  params->connect_timeout = 10;
  params->statement_timeout = 300;

  port = field_or_default (credential, "port");
  if (port != NULL && *port != '\0')
    {
      guint64 number = 0;

      if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
        {
          g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                       _("The port “%s” of the credential “%s” is not a number from 1 to 65535"),
                       port, id);
          return NULL;
        }
      params->port = number;
    }

  tls = field_or_default (credential, "tls");
  if (g_strcmp0 (tls, "disable") == 0)
    params->tls = CONDUIT_DB_TLS_DISABLE;
  else if (g_strcmp0 (tls, "verify-full") == 0)
    params->tls = CONDUIT_DB_TLS_VERIFY_FULL;
  else if (tls == NULL || g_str_equal (tls, "require"))
    params->tls = CONDUIT_DB_TLS_REQUIRE;
  else
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The TLS mode “%s” of the credential “%s” is not disable, require or "
                     "verify-full"), tls, id);
      return NULL;
    }

  if (params->host == NULL || params->database == NULL || params->user == NULL)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The credential “%s” needs a host, a database and a user name"), id);
      return NULL;
    }

  return g_steal_pointer (&params);
}

/**
 * conduit_db_params_new_sqlite:
 * @path: a SQLite database file
 *
 * Returns: (transfer full): settings for the SQLite file at @path
 */
ConduitDbParams *
conduit_db_params_new_sqlite (const char *path)
{
  ConduitDbParams *params = g_new0 (ConduitDbParams, 1);

  g_return_val_if_fail (path != NULL, NULL);

  params->kind = CONDUIT_DB_KIND_SQLITE;
  params->database = g_strdup (path);
  params->connect_timeout = 10;
  params->statement_timeout = 300;
  return params;
}

/**
 * conduit_db_params_copy:
 * @params: connection settings
 *
 * Returns: (transfer full): a copy of @params
 */
ConduitDbParams *
conduit_db_params_copy (const ConduitDbParams *params)
{
  ConduitDbParams *copy = g_new0 (ConduitDbParams, 1);

  g_return_val_if_fail (params != NULL, NULL);

  *copy = *params;
  copy->host = g_strdup (params->host);
  copy->database = g_strdup (params->database);
  copy->user = g_strdup (params->user);
  copy->password = g_strdup (params->password);
  copy->ca_file = g_strdup (params->ca_file);
  return copy;
}

/**
 * conduit_db_params_free:
 * @params: (nullable): connection settings
 *
 * Frees @params, wiping the password.
 */
void
conduit_db_params_free (ConduitDbParams *params)
{
  if (params == NULL)
    return;

  if (params->password != NULL)
    explicit_bzero (params->password, strlen (params->password));
  g_free (params->host);
  g_free (params->database);
  g_free (params->user);
  g_free (params->password);
  g_free (params->ca_file);
  g_free (params);
}

/**
 * conduit_db_params_describe:
 * @params: connection settings
 *
 * Returns: (transfer full): where @params connect, for messages: “PostgreSQL database shop on
 *   db.example.com:5432”; never the password
 */
char *
conduit_db_params_describe (const ConduitDbParams *params)
{
  g_return_val_if_fail (params != NULL, NULL);

  if (params->kind == CONDUIT_DB_KIND_SQLITE)
    return g_strdup_printf (_("the SQLite file %s"), params->database);

  if (params->host != NULL && params->host[0] == '/')
    return g_strdup_printf (_("the %s database “%s” at %s"), conduit_db_kind_get_label (params->kind),
                            params->database, params->host);
  return g_strdup_printf (_("the %s database “%s” on %s:%u"),
                          conduit_db_kind_get_label (params->kind), params->database, params->host,
                          params->port != 0 ? params->port
                                            : params->kind == CONDUIT_DB_KIND_POSTGRESQL ? 5432
                                                                                         : 3306);
}

static char *
params_pool_key (const ConduitDbParams *params)
{
  g_autofree char *password_hash = NULL;

  /* The key tells settings apart without keeping the password in clear. */
  password_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                 params->password ? params->password : "", -1);
  return g_strdup_printf ("%d\x1f%s\x1f%u\x1f%s\x1f%s\x1f%s\x1f%d\x1f%s\x1f%u\x1f%u",
                          params->kind, params->host ? params->host : "", params->port,
                          params->database ? params->database : "",
                          params->user ? params->user : "", password_hash, params->tls,
                          params->ca_file ? params->ca_file : "", params->connect_timeout,
                          params->statement_timeout);
}

/* Columns */

ConduitDbColumn *
conduit_db_column_new (const char *name,
                       const char *type,
                       gboolean    not_null,
                       gboolean    has_default,
                       gboolean    is_key)
{
  ConduitDbColumn *column = g_new0 (ConduitDbColumn, 1);

  column->name = g_strdup (name);
  column->type = g_ascii_strdown (type != NULL ? type : "", -1);
  column->not_null = not_null;
  column->has_default = has_default;
  column->is_key = is_key;
  return column;
}

/**
 * conduit_db_column_free:
 * @column: (nullable): a column
 *
 * Frees @column.
 */
void
conduit_db_column_free (ConduitDbColumn *column)
{
  if (column == NULL)
    return;

  g_free (column->name);
  g_free (column->type);
  g_free (column);
}

/**
 * conduit_db_column_get_mapping_type:
 * @column: a column
 *
 * Returns: the mapping table's type rule that fits @column ("integer", "number", "boolean",
 *   "datetime", "date", "object" for JSON), or %NULL when any text fits
 */
const char *
conduit_db_column_get_mapping_type (const ConduitDbColumn *column)
{
  const char *type = column->type;

  g_return_val_if_fail (column != NULL, NULL);

  if (strstr (type, "int") != NULL && strstr (type, "interval") == NULL &&
      strstr (type, "point") == NULL)
    return "integer";
  if (g_str_has_prefix (type, "bool"))
    return "boolean";
  if (g_str_has_prefix (type, "numeric") || g_str_has_prefix (type, "decimal") ||
      g_str_has_prefix (type, "real") || g_str_has_prefix (type, "double") ||
      g_str_has_prefix (type, "float"))
    return "number";
  if (g_str_has_prefix (type, "timestamp") || g_str_has_prefix (type, "datetime"))
    return "datetime";
  if (g_str_equal (type, "date"))
    return "date";
  return NULL;
}

/**
 * conduit_db_columns_to_mapping_rows:
 * @columns: (element-type ConduitDbColumn): a table's columns
 *
 * Turns a table's columns into the destination rows of a mapping: each column a destination
 * field of the same name, required when the database refuses NULL and has no default, with
 * the type rule that fits. The mapping table starts from these.
 *
 * Returns: (transfer full): a JSON array of mapping rows
 */
JsonNode *
conduit_db_columns_to_mapping_rows (GPtrArray *columns)
{
  JsonArray *rows = json_array_new ();
  JsonNode *node;

  g_return_val_if_fail (columns != NULL, NULL);

  for (guint i = 0; i < columns->len; i++)
    {
      const ConduitDbColumn *column = g_ptr_array_index (columns, i);
      JsonObject *row = json_object_new ();
      const char *type = conduit_db_column_get_mapping_type (column);
      g_autofree char *quoted = NULL;

      /* A mapping path needs backticks around names that are not plain words. */
      if (column->name[strspn (column->name, "abcdefghijklmnopqrstuvwxyz"
                                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] != '\0')
        quoted = g_strdup_printf ("`%s`", column->name);

      json_object_set_string_member (row, "destination", quoted ? quoted : column->name);
      json_object_set_string_member (row, "field", quoted ? quoted : column->name);
      if (column->not_null && !column->has_default)
        json_object_set_boolean_member (row, "required", TRUE);
      if (type != NULL)
        json_object_set_string_member (row, "type", type);
      json_array_add_object_element (rows, row);
    }

  node = json_node_init_array (json_node_alloc (), rows);
  json_array_unref (rows);
  return node;
}

/* Helpers for the drivers */

/* Databases print "2026-01-02 03:04:05.678+01" (PostgreSQL) or "2026-01-02 03:04:05"; items
 * carry ISO 8601: the T, and the zone as +01:00 or Z. @utc adds Z to a zone-less text the
 * database keeps in UTC. */
char *
conduit_db_timestamp_to_iso8601 (const char *text,
                                 gboolean    utc)
{
  GString *out = g_string_new (text);
  gsize zone;

  if (out->len > 10 && out->str[10] == ' ')
    out->str[10] = 'T';

  /* find a zone after the time: the first + or - after position 11 */
  for (zone = 11; zone < out->len; zone++)
    if (out->str[zone] == '+' || out->str[zone] == '-')
      break;

  if (zone < out->len)
    {
      gsize digits = out->len - zone - 1;

      if (g_str_equal (out->str + zone, "+00") || g_str_equal (out->str + zone, "+00:00"))
        {
          g_string_truncate (out, zone);
          g_string_append_c (out, 'Z');
        }
      else if (digits == 2)
        g_string_append (out, ":00");
    }
  else if (utc && out->len > 10)
    g_string_append_c (out, 'Z');

  return g_string_free (out, FALSE);
}

/* A JSON/JSONB column's text as a JSON value; text that does not parse stays text, so nothing
 * is lost. */
JsonNode *
conduit_db_json_from_text (const char *text,
                           gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (json_parser_load_from_data (parser, text, length, NULL) &&
      (root = json_parser_get_root (parser)) != NULL)
    return json_node_copy (root);

  /* (a NUL inside cannot be JSON: the text ends there for json-glib too) */
  return json_node_init_string (json_node_alloc (), text);
}

/* Connections */

/**
 * conduit_db_connection_open:
 * @params: where to connect
 * @error: return location for an error
 *
 * Opens a new connection, outside the pool. Errors say in plain words what went wrong (wrong
 * password, no such database, unreachable, TLS) with the server's own message.
 *
 * Returns: (transfer full): the connection, or %NULL with @error
 */
ConduitDbConnection *
conduit_db_connection_open (const ConduitDbParams  *params,
                            GError                **error)
{
  const ConduitDbDriver *driver;
  ConduitDbConnection *self;

  g_return_val_if_fail (params != NULL, NULL);

  driver = driver_for_kind (params->kind);
  self = driver->open (params, error);
  if (self == NULL)
    return NULL;

  self->driver = driver;
  self->params = conduit_db_params_copy (params);
  return self;
}

/**
 * conduit_db_connection_close:
 * @self: (nullable): a connection
 *
 * Closes @self.
 */
void
conduit_db_connection_close (ConduitDbConnection *self)
{
  ConduitDbParams *params;
  char *pool_key;

  if (self == NULL)
    return;

  params = self->params;
  pool_key = self->pool_key;
  self->driver->close (self);
  conduit_db_params_free (params);
  g_free (pool_key);
}

/**
 * conduit_db_connection_get_kind:
 * @self: a connection
 *
 * Returns: the database @self talks to
 */
ConduitDbKind
conduit_db_connection_get_kind (ConduitDbConnection *self)
{
  return self->driver->kind;
}

/**
 * conduit_db_connection_is_alive:
 * @self: a connection
 *
 * Returns: whether @self can still be used, as far as the client knows without asking
 */
gboolean
conduit_db_connection_is_alive (ConduitDbConnection *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->driver->is_alive (self);
}

/**
 * conduit_db_connection_exec:
 * @self: a connection
 * @sql: a statement without parameters (BEGIN, COMMIT, SAVEPOINT …)
 * @error: return location for an error
 *
 * Returns: whether it ran
 */
gboolean
conduit_db_connection_exec (ConduitDbConnection  *self,
                            const char           *sql,
                            GError              **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);
  return self->driver->exec (self, sql, error);
}

/**
 * conduit_db_connection_run:
 * @self: a connection
 * @sql: a statement with positional placeholders (see conduit_db_connection_placeholder())
 * @values: (array length=n_values): the parameters
 * @n_values: how many
 * @row_func: (nullable) (scope call): receives each result row as the server sends it
 * @user_data: data for @row_func
 * @n_changed: (out) (optional): rows inserted, updated or deleted
 * @error: return location for an error
 *
 * Runs one statement with its values bound as parameters. The statement is prepared once per
 * connection and reused. Rows are streamed: a large result is never held whole.
 *
 * Returns: whether the statement ran to its end
 */
gboolean
conduit_db_connection_run (ConduitDbConnection   *self,
                           const char            *sql,
                           const ConduitDbValue  *values,
                           guint                  n_values,
                           ConduitDbRowFunc       row_func,
                           gpointer               user_data,
                           gint64                *n_changed,
                           GError               **error)
{
  gint64 changed = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);
  g_return_val_if_fail (values != NULL || n_values == 0, FALSE);

  if (!self->driver->run (self, sql, values, n_values, row_func, user_data, &changed, error))
    return FALSE;
  if (n_changed != NULL)
    *n_changed = changed;
  return TRUE;
}

/**
 * conduit_db_connection_can_copy:
 * @self: a connection
 *
 * Returns: whether the database has a bulk load (PostgreSQL's COPY) for
 *   conduit_db_connection_copy_in()
 */
gboolean
conduit_db_connection_can_copy (ConduitDbConnection *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->driver->copy_in != NULL;
}

/* conduit_db_connection_copy_in()'s rows, handed out at once */
typedef struct
{
  const ConduitDbValue *values;
  guint                 n_rows;
} ValuesSource;

static guint
values_source_next (gpointer               user_data,
                    const ConduitDbValue **values)
{
  ValuesSource *source = user_data;
  guint n_rows = source->n_rows;

  *values = source->values;
  source->n_rows = 0;
  return n_rows;
}

/**
 * conduit_db_connection_copy_in:
 * @self: a connection whose database can copy
 * @quoted_table: the table, quoted
 * @quoted_columns: the columns, quoted and separated by commas
 * @values: (array): @n_rows rows of @n_columns values each
 * @n_columns: values per row
 * @n_rows: rows
 * @begin: the load begins a transaction (none may be open), in the same round trip; the
 *   caller commits it
 * @error: return location for an error
 *
 * Loads rows in bulk. The values travel as data (PostgreSQL's COPY text format, escaped), never
 * as SQL. All or nothing: one refused row fails the whole load. With @begin a failure leaves
 * the transaction open and failed: roll it back.
 *
 * Returns: whether every row was loaded
 */
gboolean
conduit_db_connection_copy_in (ConduitDbConnection   *self,
                               const char            *quoted_table,
                               const char            *quoted_columns,
                               const ConduitDbValue  *values,
                               guint                  n_columns,
                               guint                  n_rows,
                               gboolean               begin,
                               GError               **error)
{
  ValuesSource source = { values, n_rows };

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->driver->copy_in != NULL, FALSE);

  return self->driver->copy_in (self, quoted_table, quoted_columns, n_columns, begin,
                                values_source_next, &source, error);
}

/**
 * conduit_db_connection_copy_in_rows:
 * @self: a connection whose database can copy
 * @quoted_table: the table, quoted
 * @quoted_columns: the columns, quoted and separated by commas
 * @n_columns: values per row
 * @begin: as for conduit_db_connection_copy_in()
 * @next_rows: (scope call): hands out the rows, a few at a time, until it returns 0
 * @user_data: data for @next_rows
 * @error: return location for an error
 *
 * As conduit_db_connection_copy_in(), with the rows asked for while the load goes on: the
 * database takes in the first rows while the next ones are made. @next_rows is not called again
 * once sending failed.
 *
 * Returns: whether every row was loaded
 */
gboolean
conduit_db_connection_copy_in_rows (ConduitDbConnection *self,
                                    const char          *quoted_table,
                                    const char          *quoted_columns,
                                    guint                n_columns,
                                    gboolean             begin,
                                    ConduitDbCopyFunc    next_rows,
                                    gpointer             user_data,
                                    GError             **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->driver->copy_in != NULL, FALSE);
  g_return_val_if_fail (next_rows != NULL, FALSE);

  return self->driver->copy_in (self, quoted_table, quoted_columns, n_columns, begin, next_rows,
                                user_data, error);
}

/**
 * conduit_db_connection_quote_identifier:
 * @self: a connection
 * @name: a table or column name
 *
 * Quotes @name with the database's own rules, so that any name is safe in SQL text.
 *
 * Returns: (transfer full): the quoted name
 */
char *
conduit_db_connection_quote_identifier (ConduitDbConnection *self,
                                        const char          *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return self->driver->quote_identifier (self, name);
}

/**
 * conduit_db_connection_placeholder:
 * @self: a connection
 * @position: the parameter's position, from 1
 *
 * Returns: (transfer full): the placeholder for the parameter at @position: `$1` or `?`
 */
char *
conduit_db_connection_placeholder (ConduitDbConnection *self,
                                   guint                position)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->driver->kind == CONDUIT_DB_KIND_MARIADB)
    return g_strdup ("?");
  if (self->driver->kind == CONDUIT_DB_KIND_SQLITE)
    return g_strdup_printf ("?%u", position);
  return g_strdup_printf ("$%u", position);
}

/**
 * conduit_db_connection_list_columns:
 * @self: a connection
 * @table: a table name, optionally `schema.table`
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type ConduitDbColumn): the table's columns in order, or
 *   %NULL with @error (%CONDUIT_DB_ERROR_NOT_FOUND when there is no such table)
 */
GPtrArray *
conduit_db_connection_list_columns (ConduitDbConnection  *self,
                                    const char           *table,
                                    GError              **error)
{
  GPtrArray *columns;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (table != NULL, NULL);

  columns = self->driver->list_columns (self, table, error);
  if (columns != NULL && columns->len == 0)
    {
      g_autofree char *where = conduit_db_params_describe (self->params);

      g_ptr_array_unref (columns);
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_NOT_FOUND,
                   _("There is no table “%s” in %s (or the user may not see it)"), table, where);
      return NULL;
    }
  return columns;
}

/**
 * conduit_db_connection_list_tables:
 * @self: a connection
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type utf8): the tables the user can see, for the table
 *   picker, or %NULL with @error
 */
GPtrArray *
conduit_db_connection_list_tables (ConduitDbConnection  *self,
                                   GError              **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->driver->list_tables (self, error);
}

/* The pool */

G_LOCK_DEFINE_STATIC (pool);
static GHashTable *pool_idle; /* settings key → GQueue of idle ConduitDbConnection */

static void
idle_queue_free (gpointer data)
{
  GQueue *queue = data;

  g_queue_free_full (queue, (GDestroyNotify)conduit_db_connection_close);
}

/**
 * conduit_db_pool_acquire:
 * @params: where to connect
 * @error: return location for an error
 *
 * Hands out an idle connection with the same settings, or opens a
 * new one. A connection the server dropped (a restart) is closed and replaced here.
 *
 * Returns: (transfer full): the connection; give it back with conduit_db_pool_release()
 */
ConduitDbConnection *
conduit_db_pool_acquire (const ConduitDbParams  *params,
                         GError                **error)
{
  g_autofree char *key = params_pool_key (params);
  gint64 now = g_get_monotonic_time ();
  ConduitDbConnection *connection = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (
    (GDestroyNotify)conduit_db_connection_close);

  G_LOCK (pool);
  if (pool_idle != NULL)
    {
      GQueue *queue = g_hash_table_lookup (pool_idle, key);

      while (queue != NULL && connection == NULL && !g_queue_is_empty (queue))
        {
          ConduitDbConnection *candidate = g_queue_pop_head (queue);

          if (now - candidate->idle_since > POOL_IDLE_LIMIT_US ||
              !candidate->driver->is_alive (candidate))
            g_ptr_array_add (stale, candidate);
          else
            connection = candidate;
        }
    }
  G_UNLOCK (pool);

  /* A server restart leaves pooled sockets that look fine until used: ask once per acquire
   * (one round trip per batch, not per row) and connect anew if it is gone. */
  if (connection != NULL && !connection->driver->ping (connection))
    {
      g_ptr_array_add (stale, connection);
      connection = NULL;
    }

  if (connection != NULL)
    return connection;

  connection = conduit_db_connection_open (params, error);
  if (connection != NULL)
    connection->pool_key = g_steal_pointer (&key);
  return connection;
}

/**
 * conduit_db_pool_release:
 * @connection: (transfer full): a connection from conduit_db_pool_acquire()
 * @reusable: %FALSE after an error that may have left it unusable (it is closed)
 *
 * Gives @connection back to the pool.
 */
void
conduit_db_pool_release (ConduitDbConnection *connection,
                         gboolean             reusable)
{
  g_autofree char *slot = NULL;
  GQueue *queue;

  if (connection == NULL)
    return;

  if (!reusable || connection->pool_key == NULL || !connection->driver->is_alive (connection))
    {
      conduit_db_connection_close (connection);
      return;
    }

  slot = g_strdup (connection->pool_key);
  connection->idle_since = g_get_monotonic_time ();

  G_LOCK (pool);
  if (pool_idle == NULL)
    pool_idle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, idle_queue_free);
  queue = g_hash_table_lookup (pool_idle, slot);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (pool_idle, g_steal_pointer (&slot), queue);
    }
  if (g_queue_get_length (queue) < POOL_MAX_IDLE)
    {
      g_queue_push_head (queue, connection);
      connection = NULL;
    }
  G_UNLOCK (pool);

  conduit_db_connection_close (connection);
}

/**
 * conduit_db_pool_clear:
 *
 * Closes every idle connection (tests, and before the process exits).
 */
void
conduit_db_pool_clear (void)
{
  GHashTable *idle;

  G_LOCK (pool);
  idle = g_steal_pointer (&pool_idle);
  G_UNLOCK (pool);

  g_clear_pointer (&idle, g_hash_table_unref);
}
