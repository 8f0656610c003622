/* conduit-db-writer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-db.h"

G_BEGIN_DECLS

typedef enum
{
  CONDUIT_DB_WRITE_INSERT,
  CONDUIT_DB_WRITE_UPDATE,
  CONDUIT_DB_WRITE_UPSERT,
} ConduitDbWriteMode;

/**
 * ConduitDbRowOutcome:
 * @written: the row is committed
 * @kind: (nullable): why not: "refused" (the database or a column rule said no), "missing"
 *   (update: no row has its key), "connection-lost"
 * @message: (nullable): the reason, with the database's own message
 * @sent: the row went to the database (it passed the column rules and its batch was begun);
 *   %FALSE for a row refused before anything was sent, or not reached
 *
 * What became of one item.
 */
typedef struct
{
  gboolean  written;
  gboolean  sent;
  char     *kind;
  char     *message;
} ConduitDbRowOutcome;

typedef struct _ConduitDbWriter ConduitDbWriter;

gboolean          conduit_db_write_mode_from_string (const char          *text,
                                                     ConduitDbWriteMode  *mode);
ConduitDbWriter  *conduit_db_writer_new          (ConduitDbConnection *connection,
                                                  const char          *table,
                                                  ConduitDbWriteMode   mode,
                                                  const char * const  *key_columns,
                                                  GError             **error);
void              conduit_db_writer_free         (ConduitDbWriter     *self);
GPtrArray        *conduit_db_writer_get_columns  (ConduitDbWriter     *self);
void              conduit_db_writer_set_batch_size (ConduitDbWriter   *self,
                                                  guint                batch_size);
ConduitDbRowOutcome *conduit_db_writer_write     (ConduitDbWriter     *self,
                                                  GPtrArray           *items,
                                                  GCancellable        *cancellable);
void              conduit_db_row_outcomes_free   (ConduitDbRowOutcome *outcomes,
                                                  guint                n_outcomes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitDbWriter, conduit_db_writer_free)

G_END_DECLS
