/* conduit-run-row.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-run-row"

#include "config.h"

#include "conduit-run-row.h"

/* One run of the history as a list item: list models hold objects, the store hands out records. */
struct _ConduitRunRow
{
  GObject           parent_instance;

  ConduitRunRecord *record;
};

G_DEFINE_FINAL_TYPE (ConduitRunRow, conduit_run_row, G_TYPE_OBJECT)

static void
conduit_run_row_finalize (GObject *object)
{
  ConduitRunRow *self = (ConduitRunRow *)object;

  g_clear_pointer (&self->record, conduit_run_record_free);

  G_OBJECT_CLASS (conduit_run_row_parent_class)->finalize (object);
}

static void
conduit_run_row_class_init (ConduitRunRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_run_row_finalize;
}

static void
conduit_run_row_init (ConduitRunRow *self)
{
}

/**
 * conduit_run_row_new:
 * @record: (transfer full): the run
 *
 * Returns: (transfer full): a row holding @record
 */
ConduitRunRow *
conduit_run_row_new (ConduitRunRecord *record)
{
  ConduitRunRow *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_RUN_ROW, NULL);
  self->record = record;
  return self;
}

const ConduitRunRecord *
conduit_run_row_get_record (ConduitRunRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_ROW (self), NULL);
  return self->record;
}

gint64
conduit_run_row_get_id (ConduitRunRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_RUN_ROW (self), 0);
  return self->record->id;
}
