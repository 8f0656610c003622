/* conduit-db-writer.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-writer"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-db-sql.h"
#include "conduit-db-writer.h"

/* Writes items as rows of one table: insert, update by key, or upsert. Rows go in batches, one
 * transaction each (a commit costs the server a WAL write, so batches are large). The fast path
 * sends a batch as few multi-row statements (PostgreSQL: COPY); if the database refuses any row,
 * the batch is rolled back and sent again by halves, each in a savepoint, down to single rows in
 * their own savepoints, so the refused rows are told apart (with the database's message) and
 * the others still land. A lost connection stops the work: the rows of the open transaction and the ones
 * after it are reported as not written, never as written. */

#define DEFAULT_BATCH_SIZE 5000

struct _ConduitDbWriter
{
  ConduitDbConnection *connection;
  ConduitDbKind        kind;
  char                *table;         /* as the user named it, for messages */
  char                *quoted_table;
  ConduitDbWriteMode   mode;
  GPtrArray           *columns;       /* of ConduitDbColumn */
  GPtrArray           *quoted;        /* quoted column names, same order */
  GPtrArray           *keys;          /* of ConduitDbColumn, borrowed from columns */
  gboolean            *is_key;        /* per column */
  gboolean            *plain_text;    /* per column: a string value goes as it is */
  guint                batch_size;
  guint                max_params;
};

/* A row's parts live in buffers of the batch (a slot of n_columns each), not in allocations of
 * their own: a batch of 5,000 rows is 5,000 rows' worth of work, not 20,000 mallocs. */
typedef struct
{
  guint           index;        /* into the items */
  const char     *signature;    /* which columns it sets: one '0'/'1' per column */
  guint          *used;         /* column positions, in order */
  guint           n_used;
  ConduitDbValue *values;       /* one per used column */
  guint           n_values;     /* how many of them are set (to clear) */
} Row;

static void
row_clear (Row *row)
{
  for (guint i = 0; i < row->n_values; i++)
    conduit_db_value_clear (&row->values[i]);
  row->n_values = 0;
}

static gboolean
same_signature (ConduitDbWriter *self,
                const Row       *a,
                const Row       *b)
{
  return memcmp (a->signature, b->signature, self->columns->len) == 0;
}

/**
 * conduit_db_write_mode_from_string:
 * @text: "insert", "update" or "upsert"
 * @mode: (out): the mode
 *
 * Returns: whether @text names a mode
 */
gboolean
conduit_db_write_mode_from_string (const char         *text,
                                   ConduitDbWriteMode *mode)
{
  if (g_strcmp0 (text, "insert") == 0)
    *mode = CONDUIT_DB_WRITE_INSERT;
  else if (g_strcmp0 (text, "update") == 0)
    *mode = CONDUIT_DB_WRITE_UPDATE;
  else if (g_strcmp0 (text, "upsert") == 0)
    *mode = CONDUIT_DB_WRITE_UPSERT;
  else
    return FALSE;
  return TRUE;
}

/* "schema.table" quotes each part; a plain name is quoted whole. */
static char *
quote_table (ConduitDbConnection *connection,
             const char          *table)
{
  const char *dot = strchr (table, '.');

  if (dot != NULL && conduit_db_connection_get_kind (connection) != CONDUIT_DB_KIND_SQLITE)
    {
      g_autofree char *schema = g_strndup (table, dot - table);
      g_autofree char *quoted_schema = conduit_db_connection_quote_identifier (connection, schema);
      g_autofree char *quoted_table = conduit_db_connection_quote_identifier (connection, dot + 1);

      return g_strdup_printf ("%s.%s", quoted_schema, quoted_table);
    }
  return conduit_db_connection_quote_identifier (connection, table);
}

/**
 * conduit_db_writer_new:
 * @connection: an open connection; it must outlive the writer
 * @table: the table, optionally `schema.table`
 * @mode: insert, update or upsert
 * @key_columns: (nullable) (array zero-terminated=1): the columns that find a row for update
 *   and upsert; %NULL or empty for the table's primary key
 * @error: return location for an error
 *
 * Reads the table's columns and readies the statements.
 *
 * Returns: (transfer full): the writer, or %NULL with @error (no such table, a key column it
 *   lacks, no key for update or upsert)
 */
ConduitDbWriter *
conduit_db_writer_new (ConduitDbConnection  *connection,
                       const char           *table,
                       ConduitDbWriteMode    mode,
                       const char * const   *key_columns,
                       GError              **error)
{
  g_autoptr(ConduitDbWriter) self = g_new0 (ConduitDbWriter, 1);

  g_return_val_if_fail (connection != NULL, NULL);
  g_return_val_if_fail (table != NULL, NULL);

  self->connection = connection;
  self->kind = conduit_db_connection_get_kind (connection);
  self->table = g_strdup (table);
  self->mode = mode;
  self->batch_size = DEFAULT_BATCH_SIZE;
  /* each database caps the parameters of one statement (SQLite at 32766) */
  self->max_params = self->kind == CONDUIT_DB_KIND_SQLITE ? 30000 : 65000;
  self->keys = g_ptr_array_new ();
  self->quoted = g_ptr_array_new_with_free_func (g_free);

  self->columns = conduit_db_connection_list_columns (connection, table, error);
  if (self->columns == NULL)
    return NULL;

  self->quoted_table = quote_table (connection, table);
  for (guint i = 0; i < self->columns->len; i++)
    {
      ConduitDbColumn *column = g_ptr_array_index (self->columns, i);

      g_ptr_array_add (self->quoted,
                       conduit_db_connection_quote_identifier (connection, column->name));
    }

  if (key_columns != NULL && key_columns[0] != NULL)
    {
      for (guint k = 0; key_columns[k] != NULL; k++)
        {
          ConduitDbColumn *found = NULL;

          for (guint i = 0; i < self->columns->len && found == NULL; i++)
            {
              ConduitDbColumn *column = g_ptr_array_index (self->columns, i);
              if (g_str_equal (column->name, key_columns[k]))
                found = column;
            }
          if (found == NULL)
            {
              g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                           _("The key column “%s” is not a column of the table “%s”"),
                           key_columns[k], table);
              return NULL;
            }
          g_ptr_array_add (self->keys, found);
        }
    }
  else
    {
      for (guint i = 0; i < self->columns->len; i++)
        {
          ConduitDbColumn *column = g_ptr_array_index (self->columns, i);
          if (column->is_key)
            g_ptr_array_add (self->keys, column);
        }
    }

  self->is_key = g_new0 (gboolean, self->columns->len);
  self->plain_text = g_new0 (gboolean, self->columns->len);
  for (guint i = 0; i < self->columns->len; i++)
    {
      ConduitDbColumn *column = g_ptr_array_index (self->columns, i);

      for (guint k = 0; k < self->keys->len; k++)
        if (g_ptr_array_index (self->keys, k) == column)
          self->is_key[i] = TRUE;
      self->plain_text[i] = conduit_db_value_is_plain_text (column, self->kind);
    }

  if (mode != CONDUIT_DB_WRITE_INSERT && self->keys->len == 0)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_SETTING,
                   _("The table “%s” has no primary key: name the key columns that find a row "
                     "to update"), table);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * conduit_db_writer_free:
 * @self: (nullable): a writer
 *
 * Frees @self (not its connection).
 */
void
conduit_db_writer_free (ConduitDbWriter *self)
{
  if (self == NULL)
    return;

  g_free (self->table);
  g_free (self->quoted_table);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->quoted, g_ptr_array_unref);
  g_clear_pointer (&self->keys, g_ptr_array_unref);
  g_free (self->is_key);
  g_free (self->plain_text);
  g_free (self);
}

/**
 * conduit_db_writer_get_columns:
 * @self: a writer
 *
 * Returns: (transfer none) (element-type ConduitDbColumn): the table's columns
 */
GPtrArray *
conduit_db_writer_get_columns (ConduitDbWriter *self)
{
  return self->columns;
}

/**
 * conduit_db_writer_set_batch_size:
 * @self: a writer
 * @batch_size: rows per transaction, at least 1
 *
 * Sets how many rows share a transaction.
 */
void
conduit_db_writer_set_batch_size (ConduitDbWriter *self,
                                  guint            batch_size)
{
  self->batch_size = MAX (batch_size, 1);
}

static gboolean
is_key (ConduitDbWriter *self,
        ConduitDbColumn *column)
{
  for (guint i = 0; i < self->keys->len; i++)
    if (g_ptr_array_index (self->keys, i) == column)
      return TRUE;
  return FALSE;
}

static void
set_outcome (ConduitDbRowOutcome *outcome,
             const char          *kind,
             const char          *message)
{
  g_free (outcome->kind);
  g_free (outcome->message);
  outcome->written = kind == NULL;
  outcome->kind = g_strdup (kind);
  outcome->message = g_strdup (message);
}

/* room for an integer's text in a row's slot of the batch's number buffer: 20 digits or a
 * sign and 19, and the NUL */
#define NUMBER_SIZE 24

/* @number's decimal text at @out (NUMBER_SIZE bytes), as "%" G_GINT64_FORMAT writes it: a
 * batch of integer keys is otherwise one formatted, allocated string per row. Returns the
 * length. */
static gsize
format_int64 (char   *out,
              gint64  number)
{
  char digits[20];
  guint64 magnitude = number < 0 ? -(guint64)number : (guint64)number;
  gsize n = 0;
  gsize length = 0;

  do
    {
      digits[n++] = (char)('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (number < 0)
    out[length++] = '-';
  while (n > 0)
    out[length++] = digits[--n];
  out[length] = '\0';
  return length;
}

/* Checks an item against the columns and turns it into parameters; a row that breaks a
 * column rule is refused here, before anything is sent. @signature, @used and @values are the
 * row's slots in the batch's buffers (one entry per column each), @numbers its room for
 * integers' texts (NUMBER_SIZE bytes per column). */
static gboolean
prepare_row (ConduitDbWriter     *self,
             JsonNode            *item,
             guint                index,
             char                *signature,
             guint               *used,
             ConduitDbValue      *values,
             char                *numbers,
             JsonNode           **members,
             Row                 *row,
             ConduitDbRowOutcome *outcome)
{
  JsonObject *object;
  g_autoptr(GError) error = NULL;
  guint n_columns = self->columns->len;
  guint n_set = 0;

  memset (row, 0, sizeof *row);
  row->index = index;
  row->signature = signature;
  row->used = used;
  row->values = values;

  if (item == NULL || !JSON_NODE_HOLDS_OBJECT (item))
    {
      set_outcome (outcome, "refused", _("The item is not a record (a JSON object)"));
      return FALSE;
    }
  object = json_node_get_object (item);

  for (guint i = 0; i < n_columns; i++)
    {
      ConduitDbColumn *column = g_ptr_array_index (self->columns, i);

      members[i] = json_object_get_member (object, column->name);
      signature[i] = members[i] != NULL ? '1' : '0';
    }

  /* update sets the non-key columns and finds the row by its key: keys go last */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n_columns; i++)
      {
        ConduitDbColumn *column = g_ptr_array_index (self->columns, i);
        gboolean key = self->is_key[i];
        JsonNode *value = members[i];

        if ((self->mode == CONDUIT_DB_WRITE_UPDATE) && (pass == 0) == key)
          continue;
        if (self->mode != CONDUIT_DB_WRITE_UPDATE && pass == 1)
          continue;

        if (key && self->mode != CONDUIT_DB_WRITE_INSERT &&
            (value == NULL || JSON_NODE_HOLDS_NULL (value)))
          {
            g_autofree char *message =
              g_strdup_printf (_("The key column “%s” needs a value to find the row"),
                               column->name);
            set_outcome (outcome, "refused", message);
            return FALSE;
          }

        if (value == NULL)
          {
            if (column->not_null && !column->has_default && self->mode != CONDUIT_DB_WRITE_UPDATE)
              {
                g_autofree char *message =
                  g_strdup_printf (_("The column “%s” needs a value: it may not be empty and has "
                                     "no default"), column->name);
                set_outcome (outcome, "refused", message);
                return FALSE;
              }
            continue;
          }

        if (JSON_NODE_HOLDS_NULL (value) && column->not_null)
          {
            g_autofree char *message =
              g_strdup_printf (_("The column “%s” may not be empty (null)"), column->name);
            set_outcome (outcome, "refused", message);
            return FALSE;
          }

        used[row->n_used++] = i;
        if (!key)
          n_set++;
      }

  if (row->n_used == 0 || (self->mode == CONDUIT_DB_WRITE_UPDATE && n_set == 0))
    {
      g_autofree char *message =
        self->mode == CONDUIT_DB_WRITE_UPDATE
          ? g_strdup_printf (_("The item has no field to update in the table “%s” (fields are "
                               "matched to columns by name)"), self->table)
          : g_strdup_printf (_("The item has no field named like a column of the table “%s”"),
                             self->table);
      set_outcome (outcome, "refused", message);
      return FALSE;
    }

  for (guint i = 0; i < row->n_used; i++)
    {
      guint c = used[i];
      JsonNode *member = members[c];

      /* the common case, text for a text-like column: the item's own string, not a copy (the
       * items outlive the batch's values) */
      if (self->plain_text[c] && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (member);

          memset (&values[i], 0, sizeof values[i]);
          values[i].data = (char *)(text != NULL ? text : "");
          values[i].length = strlen (values[i].data);
          values[i].is_borrowed = TRUE;
        }
      else if (JSON_NODE_HOLDS_VALUE (member) &&
               json_node_get_value_type (member) == G_TYPE_INT64)
        {
          /* an integer, whatever the column: the text conduit_db_value_from_json() makes,
           * written into the batch's buffer */
          memset (&values[i], 0, sizeof values[i]);
          values[i].data = &numbers[(gsize)i * NUMBER_SIZE];
          values[i].length = format_int64 (values[i].data, json_node_get_int (member));
          values[i].is_borrowed = TRUE;
        }
      else if (!conduit_db_value_from_json (member, g_ptr_array_index (self->columns, c),
                                            self->kind, &values[i], &error))
        {
          set_outcome (outcome, "refused", error->message);
          return FALSE;
        }
      row->n_values = i + 1;
    }

  return TRUE;
}

static void
append_placeholder (ConduitDbWriter *self,
                    GString         *sql,
                    guint            position)
{
  if (self->kind == CONDUIT_DB_KIND_MARIADB)
    g_string_append_c (sql, '?');
  else if (self->kind == CONDUIT_DB_KIND_SQLITE)
    g_string_append_printf (sql, "?%u", position);
  else
    g_string_append_printf (sql, "$%u", position);
}

static char *
build_statement (ConduitDbWriter *self,
                 Row             *row,
                 guint            n_rows)
{
  GString *sql = g_string_new (NULL);
  guint position = 1;
  guint n = row->n_used;
  gboolean any_set = FALSE;

  if (self->mode == CONDUIT_DB_WRITE_UPDATE)
    {
      gboolean first_key = TRUE;

      g_string_append_printf (sql, "UPDATE %s SET ", self->quoted_table);
      for (guint i = 0; i < n; i++)
        {
          guint c = row->used[i];
          ConduitDbColumn *column = g_ptr_array_index (self->columns, c);

          if (is_key (self, column))
            {
              g_string_append (sql, first_key ? " WHERE " : " AND ");
              first_key = FALSE;
            }
          else if (i > 0)
            g_string_append (sql, ", ");
          g_string_append_printf (sql, "%s = ", (char *)g_ptr_array_index (self->quoted, c));
          append_placeholder (self, sql, position++);
        }
      return g_string_free (sql, FALSE);
    }

  g_string_append_printf (sql, "INSERT INTO %s (", self->quoted_table);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (sql, "%s%s", i ? ", " : "",
                            (char *)g_ptr_array_index (self->quoted,
                                                       row->used[i]));
  g_string_append (sql, ") VALUES ");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ", (" : "(");
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append (sql, ", ");
          append_placeholder (self, sql, position++);
        }
      g_string_append_c (sql, ')');
    }

  if (self->mode != CONDUIT_DB_WRITE_UPSERT)
    return g_string_free (sql, FALSE);

  if (self->kind == CONDUIT_DB_KIND_MARIADB)
    {
      g_string_append (sql, " ON DUPLICATE KEY UPDATE ");
      for (guint i = 0; i < n; i++)
        {
          guint c = row->used[i];
          const char *quoted = g_ptr_array_index (self->quoted, c);

          if (is_key (self, g_ptr_array_index (self->columns, c)))
            continue;
          g_string_append_printf (sql, "%s%s = VALUES(%s)", any_set ? ", " : "", quoted, quoted);
          any_set = TRUE;
        }
      if (!any_set)
        {
          const char *quoted = g_ptr_array_index (self->quoted,
                                                  row->used[0]);
          g_string_append_printf (sql, "%s = %s", quoted, quoted);
        }
      return g_string_free (sql, FALSE);
    }

  g_string_append (sql, " ON CONFLICT (");
  for (guint k = 0; k < self->keys->len; k++)
    {
      ConduitDbColumn *key = g_ptr_array_index (self->keys, k);
      g_autofree char *quoted = conduit_db_connection_quote_identifier (self->connection, key->name);

      g_string_append_printf (sql, "%s%s", k ? ", " : "", quoted);
    }
  g_string_append (sql, ") DO ");
  for (guint i = 0; i < n; i++)
    {
      guint c = row->used[i];
      const char *quoted = g_ptr_array_index (self->quoted, c);

      if (is_key (self, g_ptr_array_index (self->columns, c)))
        continue;
      g_string_append_printf (sql, "%s%s = excluded.%s", any_set ? ", " : "UPDATE SET ", quoted,
                              quoted);
      any_set = TRUE;
    }
  if (!any_set)
    g_string_append (sql, "NOTHING");
  return g_string_free (sql, FALSE);
}

/* Sends rows[first … first+n) as one statement (they share a signature). */
static gboolean
send_rows (ConduitDbWriter  *self,
           Row              *rows,
           guint             n,
           gint64           *n_changed,
           GError          **error)
{
  guint width = rows[0].n_used;
  g_autofree char *sql = build_statement (self, &rows[0], n);
  g_autofree ConduitDbValue *values = g_new (ConduitDbValue, (gsize)width * n);

  for (guint r = 0; r < n; r++)
    memcpy (&values[(gsize)r * width], rows[r].values, width * sizeof (ConduitDbValue));

  return conduit_db_connection_run (self->connection, sql, values, width * n, NULL, NULL,
                                    n_changed, error);
}

static void
mark_lost (ConduitDbRowOutcome *outcomes,
           Row                 *rows,
           guint                n_rows,
           const char          *message)
{
  for (guint r = 0; r < n_rows; r++)
    set_outcome (&outcomes[rows[r].index], "connection-lost", message);
}

static gboolean
is_lost (const GError *error)
{
  return g_error_matches (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_CONNECTION_LOST) ||
         g_error_matches (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_UNREACHABLE);
}

/* The quoted columns @row sets, for a COPY of rows like it. */
static char *
copy_columns (ConduitDbWriter *self,
              const Row       *row)
{
  GString *columns = g_string_new (NULL);

  for (guint i = 0; i < row->n_used; i++)
    g_string_append_printf (columns, "%s%s", i ? ", " : "",
                            (char *)g_ptr_array_index (self->quoted, row->used[i]));
  return g_string_free (columns, FALSE);
}

/* PostgreSQL's COPY: a batch of plain inserts in one stream, several times faster than
 * multi-row INSERTs. All or nothing, like the statement it replaces. */
static gboolean
copy_rows (ConduitDbWriter  *self,
           Row              *rows,
           guint             n,
           gboolean          begin,
           GError          **error)
{
  guint width = rows[0].n_used;
  g_autofree char *columns = copy_columns (self, &rows[0]);
  g_autofree ConduitDbValue *values = g_new (ConduitDbValue, (gsize)width * n);

  for (guint r = 0; r < n; r++)
    memcpy (&values[(gsize)r * width], rows[r].values, width * sizeof (ConduitDbValue));

  return conduit_db_connection_copy_in (self->connection, self->quoted_table, columns, values,
                                        width, n, begin, error);
}

/* The fast path: the batch as few statements as the signatures allow. */
static gboolean
write_fast (ConduitDbWriter      *self,
            Row                  *rows,
            guint                 n_rows,
            ConduitDbRowOutcome  *outcomes,
            GError              **error)
{
  guint start = 0;

  while (start < n_rows)
    {
      guint end = start + 1;
      guint per_statement = self->mode == CONDUIT_DB_WRITE_UPDATE
                              ? 1 : MAX (1, self->max_params / rows[start].n_used);
      gint64 changed = 0;

      while (end < n_rows && end - start < per_statement &&
             same_signature (self, &rows[end], &rows[start]))
        end++;

      if (self->mode == CONDUIT_DB_WRITE_INSERT && conduit_db_connection_can_copy (self->connection))
        {
          /* COPY has no parameter limit: the whole run of equal rows at once */
          while (end < n_rows && same_signature (self, &rows[end], &rows[start]))
            end++;
          if (!copy_rows (self, &rows[start], end - start, FALSE, error))
            return FALSE;
        }
      else if (!send_rows (self, &rows[start], end - start, &changed, error))
        return FALSE;

      if (self->mode == CONDUIT_DB_WRITE_UPDATE && changed == 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("No row of the table “%s” has this key, so nothing was updated"),
                             self->table);
          set_outcome (&outcomes[rows[start].index], "missing", message);
        }
      start = end;
    }
  return TRUE;
}

/* The slow path: each row in its own savepoint, so one refusal does not undo the others. */
static gboolean
write_each (ConduitDbWriter      *self,
            Row                  *rows,
            guint                 n_rows,
            ConduitDbRowOutcome  *outcomes,
            GError              **error)
{
  for (guint r = 0; r < n_rows; r++)
    {
      g_autoptr(GError) row_error = NULL;
      gint64 changed = 0;

      if (!conduit_db_connection_exec (self->connection, "SAVEPOINT conduit_row", error))
        return FALSE;

      if (!send_rows (self, &rows[r], 1, &changed, &row_error))
        {
          if (is_lost (row_error))
            {
              g_propagate_error (error, g_steal_pointer (&row_error));
              return FALSE;
            }
          set_outcome (&outcomes[rows[r].index], "refused", row_error->message);
          if (!conduit_db_connection_exec (self->connection, "ROLLBACK TO SAVEPOINT conduit_row",
                                           error))
            return FALSE;
          continue;
        }

      if (self->mode == CONDUIT_DB_WRITE_UPDATE && changed == 0)
        {
          g_autofree char *message =
            g_strdup_printf (_("No row of the table “%s” has this key, so nothing was updated"),
                             self->table);
          set_outcome (&outcomes[rows[r].index], "missing", message);
        }

      if (!conduit_db_connection_exec (self->connection, "RELEASE SAVEPOINT conduit_row", error))
        return FALSE;
    }
  return TRUE;
}

/* Finds the refused rows of a refused batch by halves, each half in a savepoint and sent the
 * fast way: a few refusals in a large batch cost a few dozen statements, not one savepoint per
 * row. Small pieces go row by row. */
static gboolean
write_split (ConduitDbWriter      *self,
             Row                  *rows,
             guint                 n_rows,
             ConduitDbRowOutcome  *outcomes,
             guint                 depth,
             GError              **error)
{
  g_autofree char *savepoint = NULL;
  g_autofree char *rollback = NULL;
  g_autofree char *release = NULL;
  g_autoptr(GError) chunk_error = NULL;
  guint half;

  if (n_rows <= 8)
    return write_each (self, rows, n_rows, outcomes, error);

  /* one name per depth: MySQL replaces a savepoint of the same name instead of nesting it */
  savepoint = g_strdup_printf ("SAVEPOINT conduit_part_%u", depth);
  rollback = g_strdup_printf ("ROLLBACK TO SAVEPOINT conduit_part_%u", depth);
  release = g_strdup_printf ("RELEASE SAVEPOINT conduit_part_%u", depth);

  if (!conduit_db_connection_exec (self->connection, savepoint, error))
    return FALSE;

  if (write_fast (self, rows, n_rows, outcomes, &chunk_error))
    return conduit_db_connection_exec (self->connection, release, error);

  if (is_lost (chunk_error))
    {
      g_propagate_error (error, g_steal_pointer (&chunk_error));
      return FALSE;
    }

  for (guint r = 0; r < n_rows; r++)
    set_outcome (&outcomes[rows[r].index], NULL, NULL);
  if (!conduit_db_connection_exec (self->connection, rollback, error) ||
      !conduit_db_connection_exec (self->connection, release, error))
    return FALSE;

  half = n_rows / 2;
  return write_split (self, rows, half, outcomes, depth + 1, error) &&
         write_split (self, rows + half, n_rows - half, outcomes, depth + 1, error);
}

/* rows a COPY is handed at a time: made (prepare_row()) just before they are written, while
 * the server takes in the ones before */
#define COPY_CHUNK_ROWS 64

/* One batch at work: its items and the buffers its rows live in. */
typedef struct
{
  ConduitDbWriter     *self;
  GPtrArray           *items;
  GCancellable        *cancellable;
  ConduitDbRowOutcome *outcomes;
  const char          *lost_message;  /* (nullable) an earlier batch lost the connection */
  Row                 *rows;
  char                *signatures;
  guint               *used;
  ConduitDbValue      *values;
  char                *numbers;
  JsonNode           **members;
  ConduitDbValue      *chunk;         /* COPY_CHUNK_ROWS rows of values, for the COPY */
  guint                next;          /* the next item to look at */
  guint                end;           /* past the batch's last item */
  guint                n_rows;        /* rows made (that passed the column rules) */
  guint                n_streamed;    /* of them, the ones handed to the batch's COPY */
} Batch;

/* Makes the batch's next row (rows[n_rows]) of the items that are left, giving the items it
 * passes over their outcome (refused by a column rule, not sent after a lost connection or a
 * stop). A row made is "sent": its batch goes out whole. Returns FALSE at the batch's end. */
static gboolean
prepare_next (Batch *batch)
{
  guint n_columns = batch->self->columns->len;

  while (batch->next < batch->end)
    {
      guint i = batch->next++;
      gsize slot = (gsize)batch->n_rows * n_columns;
      Row *row = &batch->rows[batch->n_rows];

      if (batch->lost_message != NULL)
        set_outcome (&batch->outcomes[i], "connection-lost", batch->lost_message);
      else if (g_cancellable_is_cancelled (batch->cancellable))
        set_outcome (&batch->outcomes[i], "cancelled", _("The run was stopped before this row "
                                                         "was written"));
      else if (prepare_row (batch->self, g_ptr_array_index (batch->items, i), i,
                            &batch->signatures[slot], &batch->used[slot], &batch->values[slot],
                            &batch->numbers[slot * NUMBER_SIZE], batch->members, row,
                            &batch->outcomes[i]))
        {
          batch->outcomes[i].sent = TRUE;
          batch->n_rows++;
          return TRUE;
        }
      else
        row_clear (row);
    }
  return FALSE;
}

/* The batch's COPY asks for its next rows (ConduitDbCopyFunc): the ones made and not sent yet,
 * and more made now, as long as they set the same columns as the first row. A row that sets
 * others ends the COPY; it and the rest go after it in the same transaction (write_fast()). */
static guint
next_copy_rows (gpointer               user_data,
                const ConduitDbValue **values)
{
  Batch *batch = user_data;
  const Row *first = &batch->rows[0];
  guint width = first->n_used;
  guint n = 0;

  while (n < COPY_CHUNK_ROWS)
    {
      const Row *row;

      if (batch->n_streamed == batch->n_rows && !prepare_next (batch))
        break;
      row = &batch->rows[batch->n_streamed];
      if (!same_signature (batch->self, row, first))
        break;
      memcpy (&batch->chunk[(gsize)n * width], row->values, width * sizeof (ConduitDbValue));
      batch->n_streamed++;
      n++;
    }
  *values = batch->chunk;
  return n;
}

/**
 * conduit_db_writer_write:
 * @self: a writer
 * @items: (element-type JsonNode): the items, each a record whose fields are matched to
 *   columns by name (fields that are no column are not written)
 * @cancellable: (nullable): stops between batches
 *
 * Writes @items, a batch per transaction. Every item gets an outcome: written only once its
 * transaction is committed.
 *
 * Returns: (transfer full) (array): one outcome per item, in order; free with
 *   conduit_db_row_outcomes_free()
 */
ConduitDbRowOutcome *
conduit_db_writer_write (ConduitDbWriter *self,
                         GPtrArray       *items,
                         GCancellable    *cancellable)
{
  ConduitDbRowOutcome *outcomes;
  guint n_columns = self->columns->len;
  guint slots = MAX (1, MIN (self->batch_size, items->len));
  Batch batch = { 0 };
  g_autofree Row *rows = NULL;
  g_autofree char *signatures = NULL;
  g_autofree guint *used = NULL;
  g_autofree ConduitDbValue *values = NULL;
  g_autofree char *numbers = NULL;
  g_autofree JsonNode **members = NULL;
  g_autofree ConduitDbValue *chunk = NULL;
  g_autofree char *lost_message = NULL;
  gboolean streams;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);

  outcomes = g_new0 (ConduitDbRowOutcome, items->len + 1);
  rows = g_new0 (Row, slots);
  signatures = g_new (char, (gsize)slots * n_columns);
  used = g_new (guint, (gsize)slots * n_columns);
  values = g_new0 (ConduitDbValue, (gsize)slots * n_columns);
  numbers = g_new (char, (gsize)slots * n_columns * NUMBER_SIZE);
  members = g_new (JsonNode *, n_columns);
  chunk = g_new (ConduitDbValue, (gsize)COPY_CHUNK_ROWS * MAX (n_columns, 1));

  batch.self = self;
  batch.items = items;
  batch.cancellable = cancellable;
  batch.outcomes = outcomes;
  batch.rows = rows;
  batch.signatures = signatures;
  batch.used = used;
  batch.values = values;
  batch.numbers = numbers;
  batch.members = members;
  batch.chunk = chunk;

  /* plain inserts into PostgreSQL: one COPY that begins the transaction and takes the rows as
   * they are made (see next_copy_rows()) */
  streams = self->mode == CONDUIT_DB_WRITE_INSERT &&
            conduit_db_connection_can_copy (self->connection);

  for (guint start = 0; start < items->len; start += self->batch_size)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok;

      batch.next = start;
      batch.end = MIN (start + self->batch_size, items->len);
      batch.n_rows = 0;
      batch.n_streamed = 0;
      batch.lost_message = lost_message;

      if (streams && prepare_next (&batch))
        {
          g_autofree char *columns = copy_columns (self, &rows[0]);

          ok = conduit_db_connection_copy_in_rows (self->connection, self->quoted_table,
                                                   columns, rows[0].n_used, TRUE,
                                                   next_copy_rows, &batch, &error);
          /* the rows the COPY did not take: the ones from a row that sets other columns on
           * (the same transaction), or all of them to tell the refused ones apart */
          while (prepare_next (&batch))
            ;
          if (ok && batch.n_streamed < batch.n_rows)
            ok = write_fast (self, rows + batch.n_streamed, batch.n_rows - batch.n_streamed,
                             outcomes, &error);
        }
      else
        {
          while (prepare_next (&batch))
            ;
          if (batch.n_rows == 0)
            continue;
          ok = conduit_db_connection_exec (self->connection, "BEGIN", &error) &&
               write_fast (self, rows, batch.n_rows, outcomes, &error);
        }

      if (!ok && !is_lost (error))
        {
          /* a refusal: undo the batch, then find the refused rows by halves */
          g_debug ("batch refused, looking for the refused rows: %s", error->message);
          g_clear_error (&error);
          for (guint r = 0; r < batch.n_rows; r++)
            set_outcome (&outcomes[rows[r].index], NULL, NULL);
          ok = conduit_db_connection_exec (self->connection, "ROLLBACK", &error) &&
               conduit_db_connection_exec (self->connection, "BEGIN", &error) &&
               write_split (self, rows, batch.n_rows, outcomes, 0, &error);
        }

      if (ok)
        ok = conduit_db_connection_exec (self->connection, "COMMIT", &error);

      if (ok)
        {
          for (guint r = 0; r < batch.n_rows; r++)
            if (outcomes[rows[r].index].kind == NULL)
              outcomes[rows[r].index].written = TRUE;
        }
      else
        {
          /* Nothing of this batch is acknowledged. After a lost connection nobody can know
           * whether a COMMIT in flight landed: say so, and stop. */
          lost_message = g_strdup_printf (_("Not written: %s. Rows of this batch were rolled "
                                            "back (or, if the connection broke during the "
                                            "commit, may have been written); run again with "
                                            "upsert to be sure"), error->message);
          if (is_lost (error))
            mark_lost (outcomes, rows, batch.n_rows, lost_message);
          else
            {
              for (guint r = 0; r < batch.n_rows; r++)
                set_outcome (&outcomes[rows[r].index], "refused", error->message);
              g_clear_pointer (&lost_message, g_free);
              conduit_db_connection_exec (self->connection, "ROLLBACK", NULL);
            }
        }

      for (guint r = 0; r < batch.n_rows; r++)
        row_clear (&rows[r]);
    }

  return outcomes;
}

/**
 * conduit_db_row_outcomes_free:
 * @outcomes: (nullable) (array length=n_outcomes): outcomes from conduit_db_writer_write()
 * @n_outcomes: how many
 *
 * Frees @outcomes.
 */
void
conduit_db_row_outcomes_free (ConduitDbRowOutcome *outcomes,
                              guint                n_outcomes)
{
  if (outcomes == NULL)
    return;

  for (guint i = 0; i < n_outcomes; i++)
    {
      g_free (outcomes[i].kind);
      g_free (outcomes[i].message);
    }
  g_free (outcomes);
}
