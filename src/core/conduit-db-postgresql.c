/* conduit-db-postgresql.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-db-postgresql"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <string.h>

#include "conduit-db-private.h"

/* The PostgreSQL driver, on libpq. Statements are prepared once per connection (protocol-level
 * prepared statements survive a rolled-back transaction) and results are read in single-row
 * mode, so a large result streams through the row callback instead of sitting in memory. The
 * session runs in UTC with ISO dates, so timestamps with a zone reach items as ISO 8601. */

/* Type OIDs from pg_type.h (stable across versions). */
#define OID_BOOL        16
#define OID_BYTEA       17
#define OID_INT8        20
#define OID_INT2        21
#define OID_INT4        23
#define OID_OID         26
#define OID_JSON       114
#define OID_FLOAT4     700
#define OID_FLOAT8     701
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184
#define OID_JSONB     3802

/* Forget prepared statements beyond this many: flows with generated SQL would grow without end. */
#define MAX_PREPARED 64

typedef struct
{
  ConduitDbConnection  parent;
  PGconn              *conn;
  GHashTable          *prepared;  /* SQL text → statement name */
  guint                next_statement;
} PgConnection;

static char *
describe (const ConduitDbParams *params)
{
  return conduit_db_params_describe (params);
}

static char *
trimmed_message (const char *message)
{
  char *copy = g_strdup (message != NULL ? message : "");

  return g_strstrip (copy);
}

static void
set_connect_error (GError                **error,
                   const ConduitDbParams  *params,
                   const char             *message)
{
  g_autofree char *where = describe (params);
  g_autofree char *said = trimmed_message (message);

  if (strstr (said, "password authentication failed") != NULL ||
      strstr (said, "no password supplied") != NULL ||
      (strstr (said, "role") != NULL && strstr (said, "does not exist") != NULL))
    g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_AUTH,
                 _("Cannot connect to %s: the server refused the user name or password (%s)"),
                 where, said);
  else if (strstr (said, "database") != NULL && strstr (said, "does not exist") != NULL)
    g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_NOT_FOUND,
                 _("Cannot connect to %s: there is no such database on the server (%s)"),
                 where, said);
  else if (strstr (said, "SSL") != NULL || strstr (said, "certificate") != NULL)
    g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_TLS,
                 _("Cannot connect to %s with TLS as the credential asks (%s)"), where, said);
  else if (strstr (said, "permission denied") != NULL || strstr (said, "pg_hba.conf") != NULL ||
           strstr (said, "not permitted") != NULL)
    g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_PERMISSION,
                 _("Cannot connect to %s: the server does not let this user in (%s)"), where,
                 said);
  else
    g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_UNREACHABLE,
                 _("Cannot reach %s: no server answered (%s)"), where, said);
}

/* Notices ("table does not exist, skipping") are not for the user's terminal. */
static void
notice_processor (void       *arg,
                  const char *message)
{
  g_debug ("%s", message);
}

static ConduitDbConnection *
pg_open (const ConduitDbParams  *params,
         GError                **error)
{
  static const char *sslmodes[] = { "disable", "require", "verify-full" };
  g_autofree char *port = params->port ? g_strdup_printf ("%u", params->port) : NULL;
  g_autofree char *timeout = g_strdup_printf ("%u", MAX (params->connect_timeout, 2));
  g_autofree char *options = g_strdup_printf ("-c statement_timeout=%u -c TimeZone=UTC "
                                              "-c DateStyle=ISO -c IntervalStyle=iso_8601",
                                              params->statement_timeout * 1000);
  const char *keys[16];
  const char *values[16];
  guint n = 0;
  PGconn *conn;
  PgConnection *self;

#define ADD(k, v) G_STMT_START { if ((v) != NULL) { keys[n] = (k); values[n] = (v); n++; } } G_STMT_END
  ADD ("host", params->host);
  ADD ("port", port);
  ADD ("dbname", params->database);
  ADD ("user", params->user);
  ADD ("password", params->password);
  ADD ("sslmode", sslmodes[params->tls]);
  ADD ("sslrootcert", params->ca_file);
  ADD ("connect_timeout", timeout);
  ADD ("options", options);
  ADD ("client_encoding", "UTF8");
  ADD ("application_name", "conduit");
  /* GSSAPI encryption would first try Kerberos, slowly, on every connection */
  ADD ("gssencmode", "disable");
#undef ADD
  keys[n] = NULL;
  values[n] = NULL;

  conn = PQconnectdbParams (keys, values, FALSE);
  if (conn == NULL)
    {
      g_set_error (error, CONDUIT_DB_ERROR, CONDUIT_DB_ERROR_FAILED, _("Out of memory"));
      return NULL;
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      set_connect_error (error, params, PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }

  PQsetNoticeProcessor (conn, notice_processor, NULL);

  self = g_new0 (PgConnection, 1);
  self->conn = conn;
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return &self->parent;
}

static void
pg_close (ConduitDbConnection *connection)
{
  PgConnection *self = (PgConnection *)connection;

  PQfinish (self->conn);
  g_hash_table_unref (self->prepared);
  g_free (self);
}

static gboolean
pg_is_alive (ConduitDbConnection *connection)
{
  PgConnection *self = (PgConnection *)connection;

  return PQstatus (self->conn) == CONNECTION_OK &&
         PQtransactionStatus (self->conn) != PQTRANS_UNKNOWN;
}

/* A round trip: after a server restart the socket looks fine until it is used. */
static gboolean
pg_ping (ConduitDbConnection *connection)
{
  PgConnection *self = (PgConnection *)connection;
  PGresult *result;
  gboolean ok;

  if (!pg_is_alive (connection) || PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    return FALSE;
  result = PQexec (self->conn, "");
  ok = PQresultStatus (result) == PGRES_EMPTY_QUERY && PQstatus (self->conn) == CONNECTION_OK;
  PQclear (result);
  return ok;
}

/* Turns a failed result (or a lost connection) into an error of the right kind, with the
 * server's message and detail. */
static void
set_result_error (PgConnection  *self,
                  PGresult      *result,
                  GError       **error)
{
  const char *state = result ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *detail = result ? PQresultErrorField (result, PG_DIAG_MESSAGE_DETAIL) : NULL;
  g_autofree char *message = NULL;
  g_autofree char *where = describe (self->parent.params);
  ConduitDbError code = CONDUIT_DB_ERROR_REFUSED;

  if (primary != NULL)
    message = detail != NULL ? g_strdup_printf ("%s (%s)", primary, detail) : g_strdup (primary);
  else
    message = trimmed_message (PQerrorMessage (self->conn));

  if (state == NULL || PQstatus (self->conn) != CONNECTION_OK)
    code = PQstatus (self->conn) != CONNECTION_OK ? CONDUIT_DB_ERROR_CONNECTION_LOST
                                                  : CONDUIT_DB_ERROR_FAILED;
  else if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
    code = CONDUIT_DB_ERROR_CONNECTION_LOST;
  else if (g_str_has_prefix (state, "28"))
    code = CONDUIT_DB_ERROR_AUTH;
  else if (g_str_equal (state, "42501"))
    code = CONDUIT_DB_ERROR_PERMISSION;
  else if (g_str_equal (state, "3D000") || g_str_equal (state, "42P01"))
    code = CONDUIT_DB_ERROR_NOT_FOUND;
  else if (g_str_equal (state, "57014"))
    code = CONDUIT_DB_ERROR_TIMEOUT;

  switch (code)
    {
    case CONDUIT_DB_ERROR_CONNECTION_LOST:
      g_set_error (error, CONDUIT_DB_ERROR, code,
                   _("The connection to %s was lost (%s)"), where, message);
      break;
    case CONDUIT_DB_ERROR_PERMISSION:
      g_set_error (error, CONDUIT_DB_ERROR, code,
                   _("The user “%s” may not do this in %s (%s)"), self->parent.params->user,
                   where, message);
      break;
    case CONDUIT_DB_ERROR_TIMEOUT:
      g_set_error (error, CONDUIT_DB_ERROR, code,
                   _("A statement ran longer than %u seconds in %s and was stopped (%s)"),
                   self->parent.params->statement_timeout, where, message);
      break;
    case CONDUIT_DB_ERROR_FAILED:
    case CONDUIT_DB_ERROR_SETTING:
    case CONDUIT_DB_ERROR_AUTH:
    case CONDUIT_DB_ERROR_NOT_FOUND:
    case CONDUIT_DB_ERROR_UNREACHABLE:
    case CONDUIT_DB_ERROR_TLS:
    case CONDUIT_DB_ERROR_REFUSED:
    default:
      g_set_error (error, CONDUIT_DB_ERROR, code, _("PostgreSQL refused it: %s"), message);
      break;
    }
}

static gboolean
pg_exec (ConduitDbConnection  *connection,
         const char           *sql,
         GError              **error)
{
  PgConnection *self = (PgConnection *)connection;
  PGresult *result = PQexec (self->conn, sql);
  ExecStatusType status = PQresultStatus (result);
  gboolean ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;

  if (!ok)
    set_result_error (self, result, error);
  PQclear (result);
  return ok;
}

/* bytea's text output is \x followed by hex digits; items carry base64. */
static JsonNode *
bytea_to_json (const char *text,
               gsize       length)
{
  g_autofree guchar *bytes = NULL;
  g_autofree char *encoded = NULL;
  gsize n = 0;

  if (length >= 2 && text[0] == '\\' && text[1] == 'x')
    {
      bytes = g_malloc ((length - 2) / 2 + 1);
      for (gsize i = 2; i + 1 < length; i += 2)
        bytes[n++] = (g_ascii_xdigit_value (text[i]) << 4) | g_ascii_xdigit_value (text[i + 1]);
      encoded = g_base64_encode (bytes, n);
    }
  else
    encoded = g_base64_encode ((const guchar *)text, length);

  return json_node_init_string (json_node_alloc (), encoded);
}

static JsonNode *
value_to_json (PGresult *result,
               int       column,
               const char *text,
               gsize     length)
{
  Oid type = PQftype (result, column);
  JsonNode *node = json_node_alloc ();

  switch (type)
    {
    case OID_BOOL:
      return json_node_init_boolean (node, text[0] == 't');

    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_OID:
      return json_node_init_int (node, g_ascii_strtoll (text, NULL, 10));

    case OID_FLOAT4:
    case OID_FLOAT8:
      /* NaN and Infinity have no JSON number: they stay text */
      if (g_ascii_isdigit (text[0]) || (text[0] == '-' && g_ascii_isdigit (text[1])))
        return json_node_init_double (node, g_ascii_strtod (text, NULL));
      return json_node_init_string (node, text);

    case OID_JSON:
    case OID_JSONB:
      json_node_free (node);
      return conduit_db_json_from_text (text, length);

    case OID_BYTEA:
      json_node_free (node);
      return bytea_to_json (text, length);

    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
      {
        g_autofree char *iso = conduit_db_timestamp_to_iso8601 (text, FALSE);
        return json_node_init_string (node, iso);
      }

    default:
      /* numeric and everything else: exact, as the database prints it */
      return json_node_init_string (node, text);
    }
}

/* Column names as item fields; a second column of the same name gets _2, _3 … instead of
 * overwriting the first. */
static GPtrArray *
result_field_names (PGresult *result)
{
  int n = PQnfields (result);
  GPtrArray *names = g_ptr_array_new_full (n, g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (int i = 0; i < n; i++)
    {
      const char *name = PQfname (result, i);
      char *unique = g_strdup (name);

      for (guint k = 2; g_hash_table_contains (seen, unique); k++)
        {
          g_free (unique);
          unique = g_strdup_printf ("%s_%u", name, k);
        }
      g_ptr_array_add (names, unique);
      g_hash_table_add (seen, unique);
    }
  return names;
}

static JsonNode *
row_to_json (PGresult  *result,
             GPtrArray *names)
{
  JsonObject *object = json_object_new ();
  JsonNode *node;

  for (int i = 0; i < PQnfields (result); i++)
    {
      const char *name = g_ptr_array_index (names, i);

      if (PQgetisnull (result, 0, i))
        json_object_set_null_member (object, name);
      else
        json_object_set_member (object, name,
                                value_to_json (result, i, PQgetvalue (result, 0, i),
                                               PQgetlength (result, 0, i)));
    }

  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static const char *
prepare (PgConnection  *self,
         const char    *sql,
         guint          n_values,
         GError       **error)
{
  const char *name = g_hash_table_lookup (self->prepared, sql);
  g_autofree char *new_name = NULL;
  PGresult *result;

  if (name != NULL)
    return name;

  if (g_hash_table_size (self->prepared) >= MAX_PREPARED)
    {
      pg_exec (&self->parent, "DEALLOCATE ALL", NULL);
      g_hash_table_remove_all (self->prepared);
    }

  new_name = g_strdup_printf ("conduit_%u", ++self->next_statement);
  result = PQprepare (self->conn, new_name, sql, n_values, NULL);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      set_result_error (self, result, error);
      PQclear (result);
      return NULL;
    }
  PQclear (result);

  name = new_name;
  g_hash_table_insert (self->prepared, g_strdup (sql), g_steal_pointer (&new_name));
  return name;
}

static gboolean
pg_run (ConduitDbConnection   *connection,
        const char            *sql,
        const ConduitDbValue  *values,
        guint                  n_values,
        ConduitDbRowFunc       row_func,
        gpointer               user_data,
        gint64                *n_changed,
        GError               **error)
{
  PgConnection *self = (PgConnection *)connection;
  g_autofree const char **texts = g_new0 (const char *, n_values + 1);
  g_autofree int *lengths = g_new0 (int, n_values + 1);
  g_autofree int *formats = g_new0 (int, n_values + 1);
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *statement;
  PGresult *result;

  statement = prepare (self, sql, n_values, error);
  if (statement == NULL)
    return FALSE;

  for (guint i = 0; i < n_values; i++)
    {
      texts[i] = values[i].is_null ? NULL : values[i].data;
      lengths[i] = values[i].length;
      /* bytes go in binary format, which bytea accepts as they are */
      formats[i] = values[i].is_binary ? 1 : 0;
    }

  if (!PQsendQueryPrepared (self->conn, statement, n_values, texts, lengths, formats, 0))
    {
      set_result_error (self, NULL, error);
      return FALSE;
    }
  PQsetSingleRowMode (self->conn);

  /* Read to the end even after an error: the connection must be ready for the next statement. */
  while ((result = PQgetResult (self->conn)) != NULL)
    {
      switch (PQresultStatus (result))
        {
        case PGRES_SINGLE_TUPLE:
          if (local_error == NULL && row_func != NULL)
            {
              if (names == NULL)
                names = result_field_names (result);
              if (!row_func (row_to_json (result, names), user_data, &local_error))
                {
                  /* stop the server sending the rest */
                  PGcancel *cancel = PQgetCancel (self->conn);
                  char buffer[256];

                  g_assert (local_error != NULL);
                  if (cancel != NULL)
                    {
                      PQcancel (cancel, buffer, sizeof buffer);
                      PQfreeCancel (cancel);
                    }
                }
            }
          break;

        case PGRES_TUPLES_OK:
          break;

        case PGRES_COMMAND_OK:
          *n_changed = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
          break;

        case PGRES_EMPTY_QUERY:
        case PGRES_COPY_OUT:
        case PGRES_COPY_IN:
        case PGRES_BAD_RESPONSE:
        case PGRES_NONFATAL_ERROR:
        case PGRES_FATAL_ERROR:
        case PGRES_COPY_BOTH:
        case PGRES_PIPELINE_SYNC:
        case PGRES_PIPELINE_ABORTED:
        default:
          if (local_error == NULL)
            set_result_error (self, result, &local_error);
          break;
        }
      PQclear (result);
    }

  if (local_error == NULL && PQstatus (self->conn) != CONNECTION_OK)
    set_result_error (self, NULL, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* COPY's text format: what each byte of a text value becomes. 0: itself; otherwise the letter
 * after the backslash (a backslash, a tab, a newline and a carriage return would end a field or
 * a row). */
static const char copy_escape[256] = {
  ['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r',
};

#define BYTES_OF(c) (G_GUINT64_CONSTANT (0x0101010101010101) * (c))

/* Whether one of the eight bytes of @word is a backslash or below 0x0e (a tab, a newline and
 * a carriage return are): the classic "has a zero byte" and "has a byte below n" tests. */
static inline gboolean
word_may_need_escape (guint64 word)
{
  guint64 backslashes = word ^ BYTES_OF ('\\');

  return ((((backslashes - BYTES_OF (1)) & ~backslashes) | ((word - BYTES_OF (0x0e)) & ~word)) &
          BYTES_OF (0x80)) != 0;
}

/* The rows go to the server in messages of about this size: the server parses and inserts a
 * message's rows while the next one is encoded, so smaller messages leave less of the batch to
 * the server after the last row is sent (the batch's COMMIT waits for that). */
#define COPY_MESSAGE_SIZE (16 * 1024)

/* Writes one value in COPY's text format at @out, which has room for
 * copy_value_room (@value) bytes; returns the end of what was written. \N is NULL, bytes go as
 * bytea's hex text. */
static char *
write_copy_value (char                 *out,
                  const ConduitDbValue *value)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *data = (const guchar *)value->data;
  gsize length = value->length;
  gsize run = 0;

  if (value->is_null)
    {
      memcpy (out, "\\N", 2);
      return out + 2;
    }

  if (value->is_binary)
    {
      memcpy (out, "\\\\x", 3);
      out += 3;
      for (gsize i = 0; i < length; i++)
        {
          *out++ = hex[data[i] >> 4];
          *out++ = hex[data[i] & 0xf];
        }
      return out;
    }

  if (length == 0)
    return out;
  /* the bytes between two that need escaping go in one piece (most values have none); eight
   * bytes at a time are passed over when none of them may need it */
  for (gsize i = 0; i < length;)
    {
      gsize stop;

      if (i + 8 <= length)
        {
          guint64 word;

          memcpy (&word, data + i, 8);
          if (!word_may_need_escape (word))
            {
              i += 8;
              continue;
            }
        }
      for (stop = MIN (i + 8, length); i < stop; i++)
        {
          char escaped = copy_escape[data[i]];

          if (G_LIKELY (escaped == 0))
            continue;
          memcpy (out, data + run, i - run);
          out += i - run;
          *out++ = '\\';
          *out++ = escaped;
          run = i + 1;
        }
    }
  memcpy (out, data + run, length - run);
  return out + (length - run);
}

/* The most bytes write_copy_value() may write for @value. */
static gsize
copy_value_room (const ConduitDbValue *value)
{
  return value->is_null ? 2 : 3 + 2 * value->length;
}

static gboolean
pg_copy_in (ConduitDbConnection   *connection,
            const char            *quoted_table,
            const char            *quoted_columns,
            guint                  n_columns,
            gboolean               begin,
            ConduitDbCopyFunc      next_rows,
            gpointer               user_data,
            GError               **error)
{
  PgConnection *self = (PgConnection *)connection;
  /* BEGIN goes in the same query as the COPY: one round trip less. COMMIT does not: it must
   * wait for the COPY's answer, so that a client that dies while the server still works on the
   * rows leaves them rolled back, not committed behind its back. */
  g_autofree char *sql = g_strdup_printf ("%sCOPY %s (%s) FROM STDIN", begin ? "BEGIN; " : "",
                                          quoted_table, quoted_columns);
  gsize size = 2 * COPY_MESSAGE_SIZE;
  g_autofree char *buffer = g_malloc (size);
  gsize used = 0;
  const ConduitDbValue *values;
  guint n_rows;
  PGresult *result;
  gboolean sent = TRUE;
  gboolean ok;

  result = PQexec (self->conn, sql);
  if (PQresultStatus (result) != PGRES_COPY_IN)
    {
      set_result_error (self, result, error);
      PQclear (result);
      return FALSE;
    }
  PQclear (result);

  /* the rows as they are handed out: the server takes in a message while the next rows are
   * made and written */
  while (sent && (n_rows = next_rows (user_data, &values)) > 0)
    {
      for (guint r = 0; r < n_rows && sent; r++)
        {
          const ConduitDbValue *row = &values[(gsize)r * n_columns];
          gsize room = n_columns;  /* the tabs and the newline */

          for (guint c = 0; c < n_columns; c++)
            room += copy_value_room (&row[c]);
          if (used + room > size)
            {
              /* a row longer than the buffer's free part (a large text): the buffer grows */
              size = used + room;
              buffer = g_realloc (buffer, size);
            }

          for (guint c = 0; c < n_columns; c++)
            {
              char *end = write_copy_value (buffer + used, &row[c]);

              used = end - buffer;
              buffer[used++] = c + 1 < n_columns ? '\t' : '\n';
            }

          if (used >= COPY_MESSAGE_SIZE)
            {
              sent = PQputCopyData (self->conn, buffer, (int)used) == 1;
              used = 0;
            }
        }
    }

  if (sent && used > 0)
    sent = PQputCopyData (self->conn, buffer, (int)used) == 1;

  /* an error message to PQputCopyEnd makes the server fail the COPY: nothing half-loaded */
  PQputCopyEnd (self->conn, sent ? NULL : "client could not send the rows");

  ok = TRUE;
  while ((result = PQgetResult (self->conn)) != NULL)
    {
      if (PQresultStatus (result) != PGRES_COMMAND_OK && ok)
        {
          set_result_error (self, result, error);
          ok = FALSE;
        }
      PQclear (result);
    }
  if (ok && PQstatus (self->conn) != CONNECTION_OK)
    {
      set_result_error (self, NULL, error);
      ok = FALSE;
    }
  return ok;
}

static char *
pg_quote_identifier (ConduitDbConnection *connection,
                     const char          *name)
{
  PgConnection *self = (PgConnection *)connection;
  char *quoted = PQescapeIdentifier (self->conn, name, strlen (name));
  char *copy;

  if (quoted == NULL)
    {
      /* only when out of memory or the name is not valid in the client encoding: quote by the
       * same rule (double the quotes) rather than fail */
      g_autofree char *doubled = NULL;
      g_auto(GStrv) parts = g_strsplit (name, "\"", -1);

      doubled = g_strjoinv ("\"\"", parts);
      return g_strdup_printf ("\"%s\"", doubled);
    }
  copy = g_strdup (quoted);
  PQfreemem (quoted);
  return copy;
}

/* "schema.table" names the table in a schema; a plain name is searched on the search_path.
 * Both parts are taken literally (case matters), quoted for to_regclass(). */
static char *
qualified_name (ConduitDbConnection *connection,
                const char          *table)
{
  const char *dot = strchr (table, '.');

  if (dot != NULL)
    {
      g_autofree char *schema = g_strndup (table, dot - table);
      g_autofree char *quoted_schema = pg_quote_identifier (connection, schema);
      g_autofree char *quoted_table = pg_quote_identifier (connection, dot + 1);

      return g_strdup_printf ("%s.%s", quoted_schema, quoted_table);
    }
  return pg_quote_identifier (connection, table);
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
                                          json_object_get_boolean_member (object, "not_null"),
                                          json_object_get_boolean_member (object, "has_default"),
                                          json_object_get_boolean_member (object, "is_key")));
  json_node_unref (row);
  return TRUE;
}

static GPtrArray *
pg_list_columns (ConduitDbConnection  *connection,
                 const char           *table,
                 GError              **error)
{
  static const char sql[] =
    "SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, "
    "a.attnotnull AS not_null, "
    "(a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default, "
    "COALESCE(a.attnum = ANY (i.indkey), false) AS is_key "
    "FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
    "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum";
  g_autofree char *qualified = qualified_name (connection, table);
  ConduitDbValue value = { qualified, strlen (qualified), FALSE, FALSE };
  Collect collect = { g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_db_column_free), NULL };
  gint64 changed;

  if (!pg_run (connection, sql, &value, 1, collect_column, &collect, &changed, error))
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
pg_list_tables (ConduitDbConnection  *connection,
                GError              **error)
{
  static const char sql[] =
    "SELECT CASE WHEN table_schema = current_schema() THEN table_name "
    "ELSE table_schema || '.' || table_name END AS name "
    "FROM information_schema.tables "
    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1";
  Collect collect = { NULL, g_ptr_array_new_with_free_func (g_free) };
  gint64 changed;

  if (!pg_run (connection, sql, NULL, 0, collect_table, &collect, &changed, error))
    {
      g_ptr_array_unref (collect.tables);
      return NULL;
    }
  return collect.tables;
}

const ConduitDbDriver conduit_db_postgresql_driver = {
  .kind = CONDUIT_DB_KIND_POSTGRESQL,
  .name = "postgresql",
  .open = pg_open,
  .close = pg_close,
  .is_alive = pg_is_alive,
  .ping = pg_ping,
  .exec = pg_exec,
  .run = pg_run,
  .copy_in = pg_copy_in,
  .quote_identifier = pg_quote_identifier,
  .list_columns = pg_list_columns,
  .list_tables = pg_list_tables,
};
