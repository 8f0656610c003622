/* conduit-db-sqlite.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-sqlite"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "conduit-db-private.h"

/* The SQLite driver. The file must exist (a typo in a path must not create an empty database);
 * prepared statements are kept per connection; a busy file is waited for up to the statement
 * timeout. */

#define MAX_PREPARED 64

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

typedef struct
{
  ConduitDbConnection  parent;
  sqlite3             *db;
  GHashTable          *prepared;  /* SQL text → sqlite3_stmt */
} LiteConnection;

static ConduitDbConnection *
lite_open (const ConduitDbParams  *params,
           GError                **error)
{
  g_autofree char *where = conduit_db_params_describe (params);
  sqlite3 *db = NULL;
  LiteConnection *self;
  int rc;

  rc = sqlite3_open_v2 (params->database, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      gboolean missing = !g_file_test (params->database, G_FILE_TEST_EXISTS);

      g_set_error (error, CONDUIT_DB_ERROR,
                   missing ? CONDUIT_DB_ERROR_NOT_FOUND : CONDUIT_DB_ERROR_PERMISSION,
                   missing ? _("Cannot open %s: there is no such file")
                           : _("Cannot open %s for writing (%s)"),
                   where, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, MAX (params->statement_timeout, 1) * 1000);
  sqlite3_exec (db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);

  self = g_new0 (LiteConnection, 1);
  self->db = db;
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)sqlite3_finalize);
  return &self->parent;
}

static void
lite_close (ConduitDbConnection *connection)
{
  LiteConnection *self = (LiteConnection *)connection;

  g_hash_table_unref (self->prepared);
  sqlite3_close (self->db);
  g_free (self);
}

static gboolean
lite_is_alive (ConduitDbConnection *connection)
{
  return TRUE;
}

static void
set_error (LiteConnection  *self,
           int              rc,
           GError         **error)
{
  g_autofree char *where = conduit_db_params_describe (self->parent.params);
  const char *said = sqlite3_errmsg (self->db);

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TIMEOUT,
                   _("%s stayed locked by another program (%s)"), where, said);
      break;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_PERMISSION,
                   _("Cannot write to %s (%s)"), where, said);
      break;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_FAILED,
                   _("Cannot use %s (%s)"), where, said);
      break;
    default:
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_REFUSED,
                   _("SQLite refused it: %s"), said);
      break;
    }
}

static gboolean
lite_exec (ConduitDbConnection  *connection,
           const char           *sql,
           GError              **error)
{
  LiteConnection *self = (LiteConnection *)connection;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
column_to_json (sqlite3_stmt *stmt,
                int           i)
{
  JsonNode *node = json_node_alloc ();
  const char *declared = sqlite3_column_decltype (stmt, i);

  switch (sqlite3_column_type (stmt, i))
    {
    case SQLITE_NULL:
      return json_node_init_null (node);

    case SQLITE_INTEGER:
      if (declared != NULL && g_ascii_strncasecmp (declared, "bool", 4) == 0)
        return json_node_init_boolean (node, sqlite3_column_int64 (stmt, i) != 0);
      return json_node_init_int (node, sqlite3_column_int64 (stmt, i));

    case SQLITE_FLOAT:
      return json_node_init_double (node, sqlite3_column_double (stmt, i));

    case SQLITE_BLOB:
      {
        g_autofree char *encoded = g_base64_encode (sqlite3_column_blob (stmt, i),
                                                    sqlite3_column_bytes (stmt, i));
        return json_node_init_string (node, encoded);
      }

    case SQLITE_TEXT:
    default:
      {
        const char *text = (const char *)sqlite3_column_text (stmt, i);
        gsize length = sqlite3_column_bytes (stmt, i);

        if (declared != NULL && g_ascii_strcasecmp (declared, "json") == 0)
          {
            json_node_free (node);
            return conduit_db_json_from_text (text, length);
          }
        return json_node_init_string (node, text);
      }
    }
}

static sqlite3_stmt *
prepare (LiteConnection  *self,
         const char      *sql,
         GError         **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->prepared, sql);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (g_hash_table_size (self->prepared) >= MAX_PREPARED)
    g_hash_table_remove_all (self->prepared);

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->prepared, g_strdup (sql), stmt);
  return stmt;
}

static gboolean
lite_run (ConduitDbConnection   *connection,
          const char            *sql,
          const ConduitDbValue  *values,
          guint                  n_values,
          ConduitDbRowFunc       row_func,
          gpointer               user_data,
          gint64                *n_changed,
          GError               **error)
{
  LiteConnection *self = (LiteConnection *)connection;
  g_autoptr(GPtrArray) names = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return FALSE;

  if ((guint)sqlite3_bind_parameter_count (stmt) != n_values)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The statement has %d parameters but %u values were given"),
                   sqlite3_bind_parameter_count (stmt), n_values);
      return FALSE;
    }

  for (guint i = 0; i < n_values; i++)
    {
      if (values[i].is_null)
        rc = sqlite3_bind_null (stmt, i + 1);
      else if (values[i].is_binary)
        rc = sqlite3_bind_blob64 (stmt, i + 1, values[i].data, values[i].length, SQLITE_STATIC);
      else
        rc = sqlite3_bind_text64 (stmt, i + 1, values[i].data, values[i].length, SQLITE_STATIC,
                                  SQLITE_UTF8);
      if (rc != SQLITE_OK)
        {
          set_error (self, rc, error);
          return FALSE;
        }
    }

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *object;
      JsonNode *row;
      int n = sqlite3_column_count (stmt);

      if (row_func == NULL)
        continue;

      if (names == NULL)
        {
          g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          names = g_ptr_array_new_with_free_func (g_free);
          for (int i = 0; i < n; i++)
            {
              const char *name = sqlite3_column_name (stmt, i);
              char *unique = g_strdup (name);

              for (guint k = 2; g_hash_table_contains (seen, unique); k++)
                {
                  g_free (unique);
                  unique = g_strdup_printf ("%s_%u", name, k);
                }
              g_ptr_array_add (names, unique);
              g_hash_table_add (seen, unique);
            }
        }

      object = json_object_new ();
      for (int i = 0; i < n; i++)
        json_object_set_member (object, g_ptr_array_index (names, i), column_to_json (stmt, i));
      row = json_node_init_object (json_node_alloc (), object);
      json_object_unref (object);

      if (!row_func (row, user_data, error))
        {
          sqlite3_reset (stmt);
          sqlite3_clear_bindings (stmt);
          return FALSE;
        }
    }

  if (rc != SQLITE_DONE)
    {
      set_error (self, rc, error);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return FALSE;
    }

  *n_changed = sqlite3_changes64 (self->db);
  /* the values are bound without copies: drop them before the caller frees them */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return TRUE;
}

static char *
lite_quote_identifier (ConduitDbConnection *connection,
                       const char          *name)
{
  char *quoted = sqlite3_mprintf ("%w", name);
  char *copy = g_strdup_printf ("\"%s\"", quoted);

  sqlite3_free (quoted);
  return copy;
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
  gint64 pk = json_object_get_int_member (object, "pk");
  const char *type = json_object_get_string_member (object, "type");
  /* an INTEGER PRIMARY KEY is the rowid: SQLite fills it */
  gboolean rowid = pk > 0 && g_ascii_strcasecmp (type, "integer") == 0;

  g_ptr_array_add (collect->columns,
                   conduit_db_column_new (json_object_get_string_member (object, "name"), type,
                                          json_object_get_int_member (object, "notnull") != 0,
                                          !json_object_get_null_member (object, "dflt_value") ||
                                          rowid,
                                          pk > 0));
  json_node_unref (row);
  return TRUE;
}

static GPtrArray *
lite_list_columns (ConduitDbConnection  *connection,
                   const char           *table,
                   GError              **error)
{
  static const char sql[] =
    "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1)";
  ConduitDbValue value = { (char *)table, strlen (table), FALSE, FALSE };
  Collect collect = { g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_db_column_free), NULL };
  gint64 changed;

  if (!lite_run (connection, sql, &value, 1, collect_column, &collect, &changed, error))
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
lite_list_tables (ConduitDbConnection  *connection,
                  GError              **error)
{
  static const char sql[] =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
    "ESCAPE '\\' ORDER BY 1";
  Collect collect = { NULL, g_ptr_array_new_with_free_func (g_free) };
  gint64 changed;

  if (!lite_run (connection, sql, NULL, 0, collect_table, &collect, &changed, error))
    {
      g_ptr_array_unref (collect.tables);
      return NULL;
    }
  return collect.tables;
}

const ConduitDbDriver conduit_db_sqlite_driver = {
  .kind = CONDUIT_DB_KIND_SQLITE,
  .name = "sqlite",
  .open = lite_open,
  .close = lite_close,
  .is_alive = lite_is_alive,
  .ping = lite_is_alive,
  .exec = lite_exec,
  .run = lite_run,
  .quote_identifier = lite_quote_identifier,
  .list_columns = lite_list_columns,
  .list_tables = lite_list_tables,
};
