/* conduit-db-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-db.h"

G_BEGIN_DECLS

/* The driver interface: one table of functions per database, each in its own file
 * (conduit-db-postgresql.c, conduit-db-mariadb.c, conduit-db-sqlite.c). A connection starts
 * with the common part; each driver extends it. */

typedef struct _ConduitDbDriver ConduitDbDriver;

struct _ConduitDbConnection
{
  const ConduitDbDriver *driver;
  ConduitDbParams       *params;
  char                  *pool_key;
  gint64                 idle_since; /* monotonic µs, while in the pool */
};

struct _ConduitDbDriver
{
  ConduitDbKind  kind;
  const char    *name;

  ConduitDbConnection *(*open)          (const ConduitDbParams *params,
                                         GError              **error);
  void                 (*close)         (ConduitDbConnection  *self);
  gboolean             (*is_alive)      (ConduitDbConnection  *self);
  gboolean             (*ping)          (ConduitDbConnection  *self);
  gboolean             (*exec)          (ConduitDbConnection  *self,
                                         const char           *sql,
                                         GError              **error);
  gboolean             (*run)           (ConduitDbConnection  *self,
                                         const char           *sql,
                                         const ConduitDbValue *values,
                                         guint                 n_values,
                                         ConduitDbRowFunc      row_func,
                                         gpointer              user_data,
                                         gint64               *n_changed,
                                         GError              **error);
  /* (nullable) bulk insert of the rows @next_rows hands out until it has no more */
  gboolean             (*copy_in)       (ConduitDbConnection  *self,
                                         const char           *quoted_table,
                                         const char           *quoted_columns,
                                         guint                 n_columns,
                                         gboolean              begin,
                                         ConduitDbCopyFunc     next_rows,
                                         gpointer              user_data,
                                         GError              **error);
  char                *(*quote_identifier) (ConduitDbConnection *self,
                                            const char          *name);
  GPtrArray           *(*list_columns)  (ConduitDbConnection  *self,
                                         const char           *table,
                                         GError              **error);
  GPtrArray           *(*list_tables)   (ConduitDbConnection  *self,
                                         GError              **error);
};

extern const ConduitDbDriver conduit_db_postgresql_driver;
extern const ConduitDbDriver conduit_db_mariadb_driver;
extern const ConduitDbDriver conduit_db_sqlite_driver;

/* Helpers the drivers share (conduit-db.c). */
char     *conduit_db_timestamp_to_iso8601 (const char *text,
                                           gboolean    utc);
JsonNode *conduit_db_json_from_text       (const char *text,
                                           gsize       length);
ConduitDbColumn *conduit_db_column_new    (const char *name,
                                           const char *type,
                                           gboolean    not_null,
                                           gboolean    has_default,
                                           gboolean    is_key);

G_END_DECLS
