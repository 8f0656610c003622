/* test-dbflow.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "conduit.h"
#include "conduit-db-writer.h"
#include "db-test-servers.h"

/* Write Rows' own texts for the database, checked against what the database stored: integers
 * written as decimal text without printf (any column), and COPY's text format written into
 * messages of a fixed size (rows that cross a message's end, values longer than a message,
 * every escape at a value's edges, bytes, NULL). */

/* how many batches Write Rows found refused and sent again by halves (its debug message) */
static guint n_refused_batches;

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (g_strcmp0 (domain, "conduit-db-writer") == 0 && message != NULL &&
      g_str_has_prefix (message, "batch refused"))
    g_atomic_int_inc (&n_refused_batches);
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static const gint64 integers[] = {
  0, 1, -1, 9, 10, -10, 99, 100, 12345, -98765, 1000000007, G_GINT64_CONSTANT (1234567890123),
  G_MAXINT64, G_MININT64, G_MININT64 + 1, G_MAXINT64 - 1, G_MAXINT32, (gint64)G_MININT32 - 1,
};

/* a label of @length bytes, with the characters COPY escapes at its start, its end and here
 * and there, and a multi-byte one */
static char *
label_for (guint i,
           gsize length)
{
  static const char pieces[] = "ab\\c\td\ne\rfé";
  GString *text = g_string_sized_new (length + 16);

  g_string_append_printf (text, "%c%u:", "\\\t\n\r"[i % 4], i);
  while (text->len < length)
    g_string_append (text, pieces);
  g_string_append_c (text, "\r\n\t\\"[i % 4]);
  return g_string_free (text, FALSE);
}

static void
add_row (GPtrArray  *items,
         GString    *expected,
         guint       k,
         gint64      n,
         const char *label,
         const char *bytes_base64,
         const char *bytes_hex)
{
  JsonObject *object = json_object_new ();
  JsonNode *item = json_node_init_object (json_node_alloc (), object);

  json_object_set_int_member (object, "k", k);
  json_object_set_int_member (object, "n", n);
  /* an integer into a text column: the same decimal text */
  json_object_set_int_member (object, "t", n);
  if (bytes_base64 != NULL)
    json_object_set_string_member (object, "b", bytes_base64);
  else
    json_object_set_null_member (object, "b");
  if (label != NULL)
    json_object_set_string_member (object, "label", label);
  else
    json_object_set_null_member (object, "label");
  json_object_unref (object);
  g_ptr_array_add (items, item);

  g_string_append_printf (expected, "%s%u|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s|%s",
                          expected->len > 0 ? "\n" : "", k, n, n,
                          bytes_hex != NULL ? bytes_hex : "<null>",
                          label != NULL ? label : "<null>");
}

/* the rows: each integer, then labels from empty to longer than two COPY messages */
static GPtrArray *
make_rows (GString *expected)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  guint k = 0;

  for (guint i = 0; i < G_N_ELEMENTS (integers); i++, k++)
    add_row (items, expected, k, integers[i], "plain", NULL, NULL);
  for (guint i = 0; i < 400; i++, k++)
    {
      g_autofree char *label = label_for (i, (i * 97) % 700);

      add_row (items, expected, k, -(gint64)i, label, NULL, NULL);
    }
  /* 50,000 bytes, about 60,000 escaped: more than the COPY buffer holds */
  {
    g_autofree char *label = label_for (k, 50000);

    add_row (items, expected, k++, 7, label, NULL, NULL);
  }
  add_row (items, expected, k++, 8, NULL, "AAEC/w==", "000102ff");
  add_row (items, expected, k++, 9, "", "", "");
  return items;
}

static const char checksum_sql[] =
  "SELECT count(*) FROM (SELECT md5(string_agg(k::text || '|' || n::text || '|' || t || '|' || "
  "coalesce(encode(b, 'hex'), '<null>') || '|' || coalesce(label, '<null>'), E'\\n' ORDER BY k)) "
  "AS sum FROM flow_texts) AS s WHERE sum = '%s'";

/* Through COPY into PostgreSQL: the stored rows are the items, byte for byte. */
static void
test_copy_texts (void)
{
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(ConduitDbParams) params = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ConduitDbWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_md5 = NULL;
  g_autofree char *query = NULL;
  ConduitDbConnection *connection;
  ConduitDbRowOutcome *outcomes;

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS flow_texts");
  db_test_server_exec (postgresql, "CREATE TABLE flow_texts (k int PRIMARY KEY, n bigint NOT NULL, "
                                   "t text NOT NULL, b bytea, label text)");
  db_test_server_exec (postgresql, "GRANT ALL ON flow_texts TO app");

  params = db_test_server_params (postgresql, NULL, NULL);
  connection = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_db_connection_can_copy (connection));
  writer = conduit_db_writer_new (connection, "flow_texts", CONDUIT_DB_WRITE_INSERT, NULL, &error);
  g_assert_no_error (error);

  items = make_rows (expected);
  outcomes = conduit_db_writer_write (writer, items, NULL);
  for (guint i = 0; i < items->len; i++)
    {
      if (!outcomes[i].written)
        g_error ("row %u not written: %s", i, outcomes[i].message);
    }
  conduit_db_row_outcomes_free (outcomes, items->len);

  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM flow_texts"), ==,
                   items->len);
  /* one transaction: the batch went as one COPY */
  g_assert_cmpint (db_test_server_count (postgresql,
                                         "SELECT count(DISTINCT xmin::text) FROM flow_texts"),
                   ==, 1);
  expected_md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, expected->str, expected->len);
  query = g_strdup_printf (checksum_sql, expected_md5);
  g_assert_cmpint (db_test_server_count (postgresql, query), ==, 1);

  g_clear_pointer (&writer, conduit_db_writer_free);
  conduit_db_connection_close (connection);
}

/* A batch whose rows change columns after the COPY took more than a few of its hand-outs: the
 * COPY ends at the first row that sets other columns, the rest goes in the same transaction;
 * the first item is refused before anything is sent, and with @data one row after the change
 * is refused by PostgreSQL (the batch is then written by halves). */
static void
test_copy_mixed_columns (gconstpointer data)
{
  gboolean with_refusal = GPOINTER_TO_INT (data);
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autoptr(ConduitDbParams) params = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(ConduitDbWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_md5 = NULL;
  g_autofree char *query = NULL;
  const guint n_items = 400;
  const guint change = 300;
  const guint refused = 350;
  ConduitDbConnection *connection;
  ConduitDbRowOutcome *outcomes;

  if (postgresql == NULL)
    return;

  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS flow_mixed");
  db_test_server_exec (postgresql, "CREATE TABLE flow_mixed (k int PRIMARY KEY, a text NOT NULL, "
                                   "b text DEFAULT 'dflt', q int CHECK (q > 0))");
  db_test_server_exec (postgresql, "GRANT ALL ON flow_mixed TO app");

  for (guint i = 0; i < n_items; i++)
    {
      JsonObject *object = json_object_new ();
      g_autofree char *a = g_strdup_printf ("a\t%u\\", i);
      gint64 q = with_refusal && i == refused ? -1 : (gint64)i + 1;

      /* the first item has no key, which may not be empty: refused by Write Rows */
      if (i > 0)
        json_object_set_int_member (object, "k", i);
      json_object_set_string_member (object, "a", a);
      if (i < change)
        json_object_set_string_member (object, "b", i % 2 ? "odd" : "even");
      json_object_set_int_member (object, "q", q);
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);

      if (i > 0 && q > 0)
        g_string_append_printf (expected, "%s%u|%s|%s|%" G_GINT64_FORMAT,
                                expected->len > 0 ? "\n" : "", i, a,
                                i < change ? (i % 2 ? "odd" : "even") : "dflt", q);
    }

  params = db_test_server_params (postgresql, NULL, NULL);
  connection = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  writer = conduit_db_writer_new (connection, "flow_mixed", CONDUIT_DB_WRITE_INSERT, NULL, &error);
  g_assert_no_error (error);

  n_refused_batches = 0;
  outcomes = conduit_db_writer_write (writer, items, NULL);
  /* the change of columns ends the COPY; it does not make the batch go again by halves */
  g_assert_cmpuint (n_refused_batches, ==, with_refusal ? 1 : 0);
  for (guint i = 0; i < n_items; i++)
    {
      if (i == 0)
        {
          g_assert_false (outcomes[i].written);
          g_assert_false (outcomes[i].sent);
          g_assert_cmpstr (outcomes[i].kind, ==, "refused");
        }
      else if (with_refusal && i == refused)
        {
          g_assert_false (outcomes[i].written);
          g_assert_true (outcomes[i].sent);
          g_assert_cmpstr (outcomes[i].kind, ==, "refused");
          g_assert_nonnull (strstr (outcomes[i].message, "check constraint"));
        }
      else if (!outcomes[i].written || !outcomes[i].sent)
        g_error ("row %u not written: %s", i, outcomes[i].message);
    }
  conduit_db_row_outcomes_free (outcomes, n_items);

  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM flow_mixed"), ==,
                   n_items - (with_refusal ? 2 : 1));
  /* one transaction (the halves' savepoints give their rows ids of their own) */
  if (!with_refusal)
    g_assert_cmpint (db_test_server_count (postgresql,
                                           "SELECT count(DISTINCT xmin::text) FROM flow_mixed"),
                     ==, 1);
  expected_md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, expected->str, expected->len);
  query = g_strdup_printf ("SELECT count(*) FROM (SELECT md5(string_agg(k::text || '|' || a || "
                           "'|' || b || '|' || q::text, E'\\n' ORDER BY k)) AS sum "
                           "FROM flow_mixed) AS s WHERE sum = '%s'", expected_md5);
  g_assert_cmpint (db_test_server_count (postgresql, query), ==, 1);

  g_clear_pointer (&writer, conduit_db_writer_free);
  conduit_db_connection_close (connection);
}

static gboolean
collect_row_cb (JsonNode  *row,
                gpointer   user_data,
                GError   **error)
{
  g_ptr_array_add (user_data, row);
  return TRUE;
}

/* Through statements with parameters (SQLite): the integers' texts, stored as integers in an
 * INTEGER column and as text in a TEXT one. */
static void
test_parameter_integers (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("conduit-dbflow-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "flow.db", NULL);
  g_autoptr(ConduitDbParams) params = conduit_db_params_new_sqlite (path);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(ConduitDbWriter) writer = NULL;
  ConduitDbConnection *connection;
  ConduitDbRowOutcome *outcomes;

  g_assert_no_error (error);
  /* an empty file: Write Rows never creates a database by a typo in its path */
  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
  connection = conduit_db_connection_open (params, &error);
  g_assert_no_error (error);
  g_assert_true (conduit_db_connection_exec (connection, "CREATE TABLE numbers (k INTEGER PRIMARY "
                                             "KEY, n INTEGER NOT NULL, t TEXT NOT NULL)", &error));
  writer = conduit_db_writer_new (connection, "numbers", CONDUIT_DB_WRITE_INSERT, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (integers); i++)
    {
      JsonObject *object = json_object_new ();

      json_object_set_int_member (object, "k", i);
      json_object_set_int_member (object, "n", integers[i]);
      json_object_set_int_member (object, "t", integers[i]);
      g_ptr_array_add (items, json_node_init_object (json_node_alloc (), object));
      json_object_unref (object);
    }
  outcomes = conduit_db_writer_write (writer, items, NULL);
  for (guint i = 0; i < items->len; i++)
    g_assert_true (outcomes[i].written);
  conduit_db_row_outcomes_free (outcomes, items->len);

  g_assert_true (conduit_db_connection_run (connection, "SELECT n, t, typeof (n) AS type FROM "
                                            "numbers ORDER BY k", NULL, 0, collect_row_cb, rows,
                                            NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, G_N_ELEMENTS (integers));
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = json_node_get_object (g_ptr_array_index (rows, i));
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, integers[i]);

      g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "integer");
      g_assert_cmpint (json_object_get_int_member (row, "n"), ==, integers[i]);
      g_assert_cmpstr (json_object_get_string_member (row, "t"), ==, text);
    }

  g_clear_pointer (&writer, conduit_db_writer_free);
  conduit_db_connection_close (connection);
  g_remove (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  g_test_add_func ("/conduit/dbflow/copy-texts", test_copy_texts);
  g_test_add_data_func ("/conduit/dbflow/copy-mixed-columns", GINT_TO_POINTER (FALSE),
                        test_copy_mixed_columns);
  g_test_add_data_func ("/conduit/dbflow/copy-mixed-columns-refused", GINT_TO_POINTER (TRUE),
                        test_copy_mixed_columns);
  g_test_add_func ("/conduit/dbflow/parameter-integers", test_parameter_integers);

  status = g_test_run ();
  db_test_stop_all ();
  return status;
}
