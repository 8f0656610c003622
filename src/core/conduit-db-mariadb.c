/* conduit-db-mariadb.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-mariadb"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <string.h>

#include "conduit-db-private.h"

/* The MySQL/MariaDB driver, on MariaDB Connector/C. Every statement is a server-side prepared
 * statement (values travel apart from the SQL), kept per connection. Results are fetched
 * unbuffered, row by row. The session runs in UTC and in strict mode, so the server refuses a
 * value that does not fit instead of silently cutting or zeroing it. */

#define MAX_PREPARED 64

typedef struct
{
  ConduitDbConnection  parent;
  MYSQL               *mysql;
  GHashTable          *prepared;  /* SQL text → MYSQL_STMT */
  gboolean             broken;
} MyConnection;

static void
set_connect_error (GError                **error,
                   const ConduitDbParams  *params,
                   MYSQL                  *mysql)
{
  g_autofree char *where = conduit_db_params_describe (params);
  const char *said = mysql_error (mysql);

  switch (mysql_errno (mysql))
    {
    case ER_ACCESS_DENIED_ERROR:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_AUTH,
                   _("Cannot connect to %s: the server refused the user name or password (%s)"),
                   where, said);
      break;
    case ER_BAD_DB_ERROR:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_NOT_FOUND,
                   _("Cannot connect to %s: there is no such database on the server (%s)"),
                   where, said);
      break;
    case ER_DBACCESS_DENIED_ERROR:
      /* MySQL does not tell a user without rights whether the database exists */
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_PERMISSION,
                   _("Cannot connect to %s: the database does not exist, or the user may not "
                     "use it (%s)"), where, said);
      break;
    case ER_HOST_NOT_PRIVILEGED:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_PERMISSION,
                   _("Cannot connect to %s: the server does not let this user in (%s)"), where,
                   said);
      break;
    case CR_SSL_CONNECTION_ERROR:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TLS,
                   _("Cannot connect to %s with TLS as the credential asks (%s)"), where, said);
      break;
    default:
      if (strstr (said, "SSL") != NULL || strstr (said, "TLS") != NULL)
        g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TLS,
                     _("Cannot connect to %s with TLS as the credential asks (%s)"), where, said);
      else
        g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_UNREACHABLE,
                     _("Cannot reach %s: no server answered (%s)"), where, said);
      break;
    }
}

static ConduitDbConnection *
my_open (const ConduitDbParams  *params,
         GError                **error)
{
  unsigned int connect_timeout = MAX (params->connect_timeout, 2);
  unsigned int io_timeout = params->statement_timeout ? params->statement_timeout : 0;
  const char *host = params->host;
  const char *socket = NULL;
  MYSQL *mysql;
  MyConnection *self;

  mysql = mysql_init (NULL);
  if (mysql == NULL)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_FAILED, _("Out of memory"));
      return NULL;
    }

  mysql_optionsv (mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  if (io_timeout > 0)
    {
      mysql_optionsv (mysql, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
      mysql_optionsv (mysql, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
    }
  mysql_optionsv (mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  /* the user's ~/.my.cnf must not change what the credential says */
  mysql_optionsv (mysql, MYSQL_READ_DEFAULT_FILE, "/dev/null");
  mysql_optionsv (mysql, MYSQL_INIT_COMMAND,
                  "SET time_zone = '+00:00', "
                  "sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
                  "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");

  if (params->tls != CONDUIT_DB_TLS_DISABLE)
    {
      my_bool on = 1;

      mysql_optionsv (mysql, MYSQL_OPT_SSL_ENFORCE, &on);
      if (params->tls == CONDUIT_DB_TLS_VERIFY_FULL)
        {
          mysql_optionsv (mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
          if (params->ca_file != NULL)
            mysql_optionsv (mysql, MYSQL_OPT_SSL_CA, params->ca_file);
        }
    }
  else
    {
      my_bool off = 0;

      mysql_optionsv (mysql, MYSQL_OPT_SSL_ENFORCE, &off);
    }

  if (host != NULL && host[0] == '/')
    {
      socket = host;
      host = "localhost";
    }

  if (mysql_real_connect (mysql, host, params->user, params->password, params->database,
                          params->port, socket, CLIENT_FOUND_ROWS) == NULL)
    {
      set_connect_error (error, params, mysql);
      mysql_close (mysql);
      return NULL;
    }

  /* Some Connector/C versions let an enforced TLS fall back to plain text when the server
   * offers none: check what was negotiated, never trust the option alone. */
  if (params->tls != CONDUIT_DB_TLS_DISABLE && mysql_get_ssl_cipher (mysql) == NULL)
    {
      g_autofree char *where = conduit_db_params_describe (params);

      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TLS,
                   _("Cannot connect to %s with TLS as the credential asks: the server offers "
                     "no TLS"), where);
      mysql_close (mysql);
      return NULL;
    }

  self = g_new0 (MyConnection, 1);
  self->mysql = mysql;
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)mysql_stmt_close);
  return &self->parent;
}

static void
my_close (ConduitDbConnection *connection)
{
  MyConnection *self = (MyConnection *)connection;

  g_hash_table_unref (self->prepared);
  mysql_close (self->mysql);
  g_free (self);
}

static gboolean
my_is_alive (ConduitDbConnection *connection)
{
  return !((MyConnection *)connection)->broken;
}

static gboolean
my_ping (ConduitDbConnection *connection)
{
  MyConnection *self = (MyConnection *)connection;

  /* Connector/C does not reconnect on its own unless asked: a failed ping means a new one */
  return !self->broken && mysql_ping (self->mysql) == 0;
}

static void
set_statement_error (MyConnection  *self,
                     unsigned int   code,
                     const char    *said,
                     GError       **error)
{
  g_autofree char *where = conduit_db_params_describe (self->parent.params);

  switch (code)
    {
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
      self->broken = TRUE;
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_CONNECTION_LOST,
                   _("The connection to %s was lost (%s)"), where, said);
      break;
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_SPECIFIC_ACCESS_DENIED_ERROR:
    case ER_DBACCESS_DENIED_ERROR:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_PERMISSION,
                   _("The user “%s” may not do this in %s (%s)"), self->parent.params->user,
                   where, said);
      break;
    case ER_NO_SUCH_TABLE:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_NOT_FOUND,
                   _("MySQL/MariaDB refused it: %s"), said);
      break;
    case ER_STATEMENT_TIMEOUT:
    case ER_LOCK_WAIT_TIMEOUT:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TIMEOUT,
                   _("A statement ran too long in %s and was stopped (%s)"), where, said);
      break;
    default:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_REFUSED,
                   _("MySQL/MariaDB refused it: %s"), said);
      break;
    }
}

static gboolean
my_exec (ConduitDbConnection  *connection,
         const char           *sql,
         GError              **error)
{
  MyConnection *self = (MyConnection *)connection;

  if (mysql_real_query (self->mysql, sql, strlen (sql)) != 0)
    {
      set_statement_error (self, mysql_errno (self->mysql), mysql_error (self->mysql), error);
      return FALSE;
    }

  /* a statement that answers with rows: read and drop them */
  {
    MYSQL_RES *result = mysql_use_result (self->mysql);

    if (result != NULL)
      {
        while (mysql_fetch_row (result) != NULL)
          ;
        mysql_free_result (result);
      }
  }
  return TRUE;
}

static MYSQL_STMT *
prepare (MyConnection  *self,
         const char    *sql,
         GError       **error)
{
  MYSQL_STMT *stmt = g_hash_table_lookup (self->prepared, sql);

  if (stmt != NULL)
    return stmt;

  if (g_hash_table_size (self->prepared) >= MAX_PREPARED)
    g_hash_table_remove_all (self->prepared);

  stmt = mysql_stmt_init (self->mysql);
  if (stmt == NULL)
    {
      set_statement_error (self, mysql_errno (self->mysql), mysql_error (self->mysql), error);
      return NULL;
    }
  if (mysql_stmt_prepare (stmt, sql, strlen (sql)) != 0)
    {
      set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt), error);
      mysql_stmt_close (stmt);
      return NULL;
    }

  g_hash_table_insert (self->prepared, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
field_is_json (MYSQL_FIELD *field)
{
  MARIADB_CONST_STRING format = { NULL, 0 };

  if ((int)field->type == 245) /* MySQL's MYSQL_TYPE_JSON */
    return TRUE;
  /* MariaDB marks JSON columns (LONGTEXT with a check) with the format name "json" */
  if (mariadb_field_attr (&format, field, MARIADB_FIELD_ATTR_FORMAT_NAME) == 0 &&
      format.length == 4 && g_ascii_strncasecmp (format.str, "json", 4) == 0)
    return TRUE;
  return FALSE;
}

static JsonNode *
value_to_json (MYSQL_FIELD *field,
               char        *text,
               gsize        length)
{
  JsonNode *node = json_node_alloc ();

  switch (field->type)
    {
    case MYSQL_TYPE_TINY:
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      {
        guint64 unsigned_value;

        /* an unsigned BIGINT past the signed range stays exact, as text */
        if ((field->flags & UNSIGNED_FLAG) &&
            g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &unsigned_value, NULL) &&
            unsigned_value > G_MAXINT64)
          return json_node_init_string (node, text);
        return json_node_init_int (node, g_ascii_strtoll (text, NULL, 10));
      }

    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return json_node_init_double (node, g_ascii_strtod (text, NULL));

    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_DATETIME:
      {
        /* the session's time zone is UTC: a TIMESTAMP is an instant, a DATETIME is not */
        g_autofree char *iso = conduit_db_timestamp_to_iso8601 (text,
                                                                field->type == MYSQL_TYPE_TIMESTAMP);
        return json_node_init_string (node, iso);
      }

    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
      if (field->charsetnr == 63) /* binary: BLOB, BINARY, VARBINARY */
        {
          g_autofree char *encoded = g_base64_encode ((const guchar *)text, length);
          return json_node_init_string (node, encoded);
        }
      if (field_is_json (field))
        {
          json_node_free (node);
          return conduit_db_json_from_text (text, length);
        }
      return json_node_init_string (node, text);

    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
    default:
      /* decimals and everything else: exact, as the server prints it */
      return json_node_init_string (node, text);
    }
}

static gboolean
fetch_rows (MyConnection      *self,
            MYSQL_STMT        *stmt,
            ConduitDbRowFunc   row_func,
            gpointer           user_data,
            GError           **error)
{
  MYSQL_RES *metadata = mysql_stmt_result_metadata (stmt);
  unsigned int n = mysql_stmt_field_count (stmt);
  MYSQL_FIELD *fields;
  g_autofree MYSQL_BIND *binds = NULL;
  g_autofree unsigned long *lengths = NULL;
  g_autofree my_bool *nulls = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) local_error = NULL;
  int status;

  if (metadata == NULL)
    return TRUE;

  fields = mysql_fetch_fields (metadata);
  binds = g_new0 (MYSQL_BIND, n);
  lengths = g_new0 (unsigned long, n);
  nulls = g_new0 (my_bool, n);

  for (unsigned int i = 0; i < n; i++)
    {
      char *unique = g_strdup (fields[i].name);

      for (guint k = 2; g_hash_table_contains (seen, unique); k++)
        {
          g_free (unique);
          unique = g_strdup_printf ("%s_%u", fields[i].name, k);
        }
      g_ptr_array_add (names, unique);
      g_hash_table_add (seen, unique);

      /* no buffer at first: each value is fetched at its own length below */
      binds[i].buffer_type = MYSQL_TYPE_STRING;
      binds[i].length = &lengths[i];
      binds[i].is_null = &nulls[i];
    }

  if (mysql_stmt_bind_result (stmt, binds) != 0)
    {
      set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt), error);
      mysql_free_result (metadata);
      return FALSE;
    }

  while ((status = mysql_stmt_fetch (stmt)) == 0 || status == MYSQL_DATA_TRUNCATED)
    {
      JsonObject *object;
      JsonNode *row;

      if (local_error != NULL || row_func == NULL)
        continue;   /* read to the end so the connection stays usable */

      object = json_object_new ();
      for (unsigned int i = 0; i < n; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          g_autofree char *buffer = NULL;
          MYSQL_BIND bind = { 0 };

          if (nulls[i])
            {
              json_object_set_null_member (object, name);
              continue;
            }

          if (fields[i].type == MYSQL_TYPE_DOUBLE || fields[i].type == MYSQL_TYPE_FLOAT)
            {
              /* (Connector/C's conversion of a binary double to text loses it: take it whole) */
              double number = 0;

              bind.buffer_type = MYSQL_TYPE_DOUBLE;
              bind.buffer = &number;
              bind.buffer_length = sizeof number;
              if (mysql_stmt_fetch_column (stmt, &bind, i, 0) != 0)
                {
                  set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt),
                                       &local_error);
                  break;
                }
              json_object_set_double_member (object, name, number);
              continue;
            }

          buffer = g_malloc (lengths[i] + 1);
          bind.buffer_type = MYSQL_TYPE_STRING;
          bind.buffer = buffer;
          bind.buffer_length = lengths[i] + 1;
          if (mysql_stmt_fetch_column (stmt, &bind, i, 0) != 0)
            {
              set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt),
                                   &local_error);
              break;
            }
          buffer[lengths[i]] = '\0';
          json_object_set_member (object, name, value_to_json (&fields[i], buffer, lengths[i]));
        }

      row = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);
      if (local_error != NULL)
        json_node_unref (row);
      else if (!row_func (row, user_data, &local_error))
        g_assert (local_error != NULL);
    }

  if (status == 1 && local_error == NULL)
    set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt), &local_error);

  mysql_stmt_free_result (stmt);
  mysql_free_result (metadata);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
my_run (ConduitDbConnection   *connection,
        const char            *sql,
        const ConduitDbValue  *values,
        guint                  n_values,
        ConduitDbRowFunc       row_func,
        gpointer               user_data,
        gint64                *n_changed,
        GError               **error)
{
  MyConnection *self = (MyConnection *)connection;
  g_autofree MYSQL_BIND *binds = NULL;
  g_autofree unsigned long *lengths = NULL;
  MYSQL_STMT *stmt;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  if (mysql_stmt_param_count (stmt) != n_values)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The statement has %lu parameters but %u values were given"),
                   mysql_stmt_param_count (stmt), n_values);
      return FALSE;
    }

  binds = g_new0 (MYSQL_BIND, n_values + 1);
  lengths = g_new0 (unsigned long, n_values + 1);
  for (guint i = 0; i < n_values; i++)
    {
      if (values[i].is_null)
        {
          binds[i].buffer_type = MYSQL_TYPE_NULL;
          continue;
        }
      binds[i].buffer_type = values[i].is_binary ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      binds[i].buffer = values[i].data;
      binds[i].buffer_length = values[i].length;
      lengths[i] = values[i].length;
      binds[i].length = &lengths[i];
    }

  if ((n_values > 0 && mysql_stmt_bind_param (stmt, binds) != 0) ||
      mysql_stmt_execute (stmt) != 0)
    {
      set_statement_error (self, mysql_stmt_errno (stmt), mysql_stmt_error (stmt), error);
      /* a statement that failed on a lost connection cannot be reused */
      if (self->broken)
        g_hash_table_remove (self->prepared, sql);
      return FALSE;
    }

  if (mysql_stmt_field_count (stmt) > 0)
    return fetch_rows (self, stmt, row_func, user_data, error);

  *n_changed = (gint64)mysql_stmt_affected_rows (stmt);
  return TRUE;
}

static char *
my_quote_identifier (ConduitDbConnection *connection,
                     const char          *name)
{
  /* MySQL has no client function for identifiers: backticks, with any backtick doubled */
  g_auto(GStrv) parts = g_strsplit (name, "`", -1);
  g_autofree char *doubled = g_strjoinv ("``", parts);

  return g_strdup_printf ("`%s`", doubled);
}

typedef struct
{
  GPtrArray *columns;
  GPtrArray *tables;
} Collect;

static gboolean
collect_column (JsonNode  *row,
                gpointer   user_data,
                GError   **error)
{
  Collect *collect = user_data;
  JsonObject *object = json_node_get_object (row);

  g_ptr_array_add (collect->columns,
                   conduit_db_column_new (json_object_get_string_member (object, "name"),
                                          json_object_get_string_member (object, "type"),
                                          json_object_get_int_member (object, "not_null") != 0,
                                          json_object_get_int_member (object, "has_default") != 0,
                                          json_object_get_int_member (object, "is_key") != 0));
  json_node_unref (row);
  return TRUE;
}

static GPtrArray *
my_list_columns (ConduitDbConnection  *connection,
                 const char           *table,
                 GError              **error)
{
  static const char sql[] =
    "SELECT CAST(column_name AS CHAR) AS name, CAST(column_type AS CHAR) AS type, "
    "is_nullable = 'NO' AS not_null, "
    "(column_default IS NOT NULL OR extra LIKE '%auto_increment%' "
    " OR extra LIKE '%GENERATED%') AS has_default, "
    "column_key = 'PRI' AS is_key "
    "FROM information_schema.columns "
    "WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? "
    "ORDER BY ordinal_position";
  const char *dot = strchr (table, '.');
  g_autofree char *schema = dot ? g_strndup (table, dot - table) : NULL;
  const char *name = dot ? dot + 1 : table;
  ConduitDbValue values[2] = {
    { schema, schema ? strlen (schema) : 0, schema == NULL, FALSE },
    { (char *)name, strlen (name), FALSE, FALSE },
  };
  Collect collect = { g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_db_column_free), NULL };
  gint64 changed;

  if (!my_run (connection, sql, values, 2, collect_column, &collect, &changed, error))
    {
      g_ptr_array_unref (collect.columns);
      return NULL;
    }
  return collect.columns;
}

static gboolean
collect_table (JsonNode  *row,
               gpointer   user_data,
               GError   **error)
{
  Collect *collect = user_data;

  g_ptr_array_add (collect->tables,
                   g_strdup (json_object_get_string_member (json_node_get_object (row), "name")));
  json_node_unref (row);
  return TRUE;
}

static GPtrArray *
my_list_tables (ConduitDbConnection  *connection,
                GError              **error)
{
  static const char sql[] =
    "SELECT CAST(table_name AS CHAR) AS name FROM information_schema.tables "
    "WHERE table_schema = DATABASE() ORDER BY 1";
  Collect collect = { NULL, g_ptr_array_new_with_free_func (g_free) };
  gint64 changed;

  if (!my_run (connection, sql, NULL, 0, collect_table, &collect, &changed, error))
    {
      g_ptr_array_unref (collect.tables);
      return NULL;
    }
  return collect.tables;
}

const ConduitDbDriver conduit_db_mariadb_driver = {
  .kind = CONDUIT_DB_KIND_MARIADB,
  .name = "mariadb",
  .open = my_open,
  .close = my_close,
  .is_alive = my_is_alive,
  .ping = my_ping,
  .exec = my_exec,
  .run = my_run,
  .quote_identifier = my_quote_identifier,
  .list_columns = my_list_columns,
  .list_tables = my_list_tables,
};
