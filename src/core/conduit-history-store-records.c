/* conduit-history-store-records.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-store"

#include "config.h"

#include <inttypes.h>

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "conduit-history-store-private.h"

/* Records */

G_DEFINE_BOXED_TYPE (ConduitRunRecord, conduit_run_record, conduit_run_record_copy,
                     conduit_run_record_free)
G_DEFINE_BOXED_TYPE (ConduitStepRecord, conduit_step_record, conduit_step_record_copy,
                     conduit_step_record_free)
G_DEFINE_BOXED_TYPE (ConduitItemRecord, conduit_item_record, conduit_item_record_copy,
                     conduit_item_record_free)

/**
 * conduit_run_record_copy:
 * @record: a run record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitRunRecord *
conduit_run_record_copy (const ConduitRunRecord *record)
{
  ConduitRunRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->flow = g_strdup (record->flow);
  copy->trigger_node = g_strdup (record->trigger_node);
  copy->trigger_kind = g_strdup (record->trigger_kind);
  copy->error = g_strdup (record->error);
  return copy;
}

/**
 * conduit_run_record_free:
 * @record: a run record
 *
 * Frees @record.
 */
void
conduit_run_record_free (ConduitRunRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->flow);
  g_free (record->trigger_node);
  g_free (record->trigger_kind);
  g_free (record->error);
  g_free (record);
}

/**
 * conduit_step_record_copy:
 * @record: a step record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitStepRecord *
conduit_step_record_copy (const ConduitStepRecord *record)
{
  ConduitStepRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->node_id = g_strdup (record->node_id);
  copy->status = g_strdup (record->status);
  copy->error_kind = g_strdup (record->error_kind);
  copy->error_message = g_strdup (record->error_message);
  return copy;
}

/**
 * conduit_step_record_free:
 * @record: a step record
 *
 * Frees @record.
 */
void
conduit_step_record_free (ConduitStepRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->node_id);
  g_free (record->status);
  g_free (record->error_kind);
  g_free (record->error_message);
  g_free (record);
}

/**
 * conduit_item_record_copy:
 * @record: an item record
 *
 * Returns: (transfer full): a deep copy of @record
 */
ConduitItemRecord *
conduit_item_record_copy (const ConduitItemRecord *record)
{
  ConduitItemRecord *copy;

  g_return_val_if_fail (record != NULL, NULL);

  copy = g_memdup2 (record, sizeof *record);
  copy->node_id = g_strdup (record->node_id);
  copy->port = g_strdup (record->port);
  copy->data = g_strdup (record->data);
  return copy;
}

/**
 * conduit_item_record_free:
 * @record: an item record
 *
 * Frees @record.
 */
void
conduit_item_record_free (ConduitItemRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->node_id);
  g_free (record->port);
  g_free (record->data);
  g_free (record);
}

static const char * const status_names[] = {
  [CONDUIT_RUN_STATUS_RUNNING] = "running",
  [CONDUIT_RUN_STATUS_SUCCEEDED] = "succeeded",
  [CONDUIT_RUN_STATUS_PARTIAL] = "partial",
  [CONDUIT_RUN_STATUS_FAILED] = "failed",
  [CONDUIT_RUN_STATUS_INTERRUPTED] = "interrupted",
  [CONDUIT_RUN_STATUS_CANCELLED] = "cancelled",
};

/**
 * conduit_run_status_to_string:
 * @status: a run status
 *
 * Returns: the status as the history and `--json` output spell it
 */
const char *
conduit_run_status_to_string (ConduitRunStatus status)
{
  g_return_val_if_fail ((guint)status < G_N_ELEMENTS (status_names), "failed");

  return status_names[status];
}

/**
 * conduit_run_status_from_string:
 * @text: a status name
 * @status: (out): the status
 *
 * Returns: whether @text names a status
 */
gboolean
conduit_run_status_from_string (const char       *text,
                                ConduitRunStatus *status)
{
  g_return_val_if_fail (status != NULL, FALSE);

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (status_names); i++)
    {
      if (g_str_equal (text, status_names[i]))
        {
          *status = i;
          return TRUE;
        }
    }

  return FALSE;
}
