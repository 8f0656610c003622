/* fuzz-db-sql.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "fuzz-common.h"

/* The Database Query step's SQL, typed by a person or carried by any flow file: named
 * parameters are found by lexing it as each database does. Whatever the text, the rewrite
 * must not crash or read past the end, every name must be a field path, an error must be
 * UTF-8, and the PostgreSQL rewrite must leave no name behind (rewriting it again finds none).
 * The same text also goes through the value conversion for a bytea column (base64). */

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_set_up_logging ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const ConduitDbKind kinds[] = {
    CONDUIT_DB_KIND_POSTGRESQL, CONDUIT_DB_KIND_MARIADB, CONDUIT_DB_KIND_SQLITE,
  };
  g_autofree char *text = g_strndup ((const char *)data, size);

  /* flow files are JSON: the SQL is UTF-8 by then */
  if (!g_utf8_validate (text, -1, NULL))
    return 0;

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) names = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *sql = conduit_db_sql_bind_names (text, kinds[k], &names, &error);

      if (sql == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          continue;
        }

      g_assert_no_error (error);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);

          g_assert_cmpuint (strlen (name), >, 0);
          g_assert_true (g_ascii_isalpha (name[0]) || name[0] == '_');
          g_assert_false (g_str_has_suffix (name, "."));
        }

      if (kinds[k] == CONDUIT_DB_KIND_POSTGRESQL)
        {
          g_autoptr(GPtrArray) again = NULL;
          g_autofree char *twice = conduit_db_sql_bind_names (sql, kinds[k], &again, &error);

          g_assert_no_error (error);
          g_assert_nonnull (twice);
          g_assert_cmpuint (again->len, ==, 0);
        }
    }

  {
    ConduitDbColumn column = { (char *)"photo", (char *)"bytea", FALSE, FALSE, FALSE };
    g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
    g_autoptr(GError) error = NULL;
    ConduitDbValue value;

    if (conduit_db_value_from_json (node, &column, CONDUIT_DB_KIND_POSTGRESQL, &value, &error))
      {
        g_assert_true (value.is_binary);
        g_assert_cmpuint (value.length, <=, size);
        conduit_db_value_clear (&value);
      }
    else
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }

  return 0;
}
