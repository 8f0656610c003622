/* conduit-executor-db-common.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-db.h"
#include "conduit-executor.h"

G_BEGIN_DECLS

/* What the database steps share: which database a node talks to (a credential, or a SQLite
 * file) and how its connection settings are looked up once per run. */

typedef struct
{
  char *credential_id;  /* a postgresql or mysql credential, or NULL */
  char *sqlite_file;    /* else a SQLite file */
} ConduitDbTarget;

gboolean         conduit_db_target_read           (ConduitDbTarget      *target,
                                                   ConduitNode          *node,
                                                   ConduitConnector     *connector,
                                                   GError              **error);
void             conduit_db_target_clear          (ConduitDbTarget      *target);
void             conduit_db_target_params_async   (ConduitDbTarget      *target,
                                                   ConduitRun           *run,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
ConduitDbParams *conduit_db_target_params_finish  (GAsyncResult         *result,
                                                   GError              **error);

G_END_DECLS
