/* conduit-run-row.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "conduit-history-store.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_RUN_ROW (conduit_run_row_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRunRow, conduit_run_row, CONDUIT, RUN_ROW, GObject)

ConduitRunRow          *conduit_run_row_new        (ConduitRunRecord *record);
const ConduitRunRecord *conduit_run_row_get_record (ConduitRunRow    *self);
gint64                  conduit_run_row_get_id     (ConduitRunRow    *self);

G_END_DECLS
