/* conduit-step-status.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-step-status"

#include "config.h"

#include "conduit-step-status.h"

/* The one place the text forms live: the history stores them, the app's explainer and the CLI
 * read them back. */

static const char * const step_status_names[] = {
  [CONDUIT_STEP_STATUS_PENDING] = "pending",
  [CONDUIT_STEP_STATUS_RUNNING] = "running",
  [CONDUIT_STEP_STATUS_OK] = "ok",
  [CONDUIT_STEP_STATUS_PARTIAL] = "partial",
  [CONDUIT_STEP_STATUS_FAILED] = "failed",
  [CONDUIT_STEP_STATUS_SKIPPED] = "skipped",
  [CONDUIT_STEP_STATUS_CANCELLED] = "cancelled",
  [CONDUIT_STEP_STATUS_RETRY] = "retry",
  [CONDUIT_STEP_STATUS_REJECTED] = "rejected",
  [CONDUIT_STEP_STATUS_DUPLICATE] = "duplicate",
  [CONDUIT_STEP_STATUS_STARTED] = "started",
  [CONDUIT_STEP_STATUS_UNKNOWN] = "unknown",
  [CONDUIT_STEP_STATUS_PINNED] = "pinned",
};

G_STATIC_ASSERT (G_N_ELEMENTS (step_status_names) == CONDUIT_STEP_STATUS_LAST + 1);

static const char * const error_kind_names[] = {
  [CONDUIT_ERROR_KIND_NONE] = NULL,
  [CONDUIT_ERROR_KIND_HTTP] = "http",
  [CONDUIT_ERROR_KIND_TIMEOUT] = "timeout",
  [CONDUIT_ERROR_KIND_NETWORK] = "network",
  [CONDUIT_ERROR_KIND_INVALID] = "invalid",
  [CONDUIT_ERROR_KIND_BAD_RESPONSE] = "bad_response",
  [CONDUIT_ERROR_KIND_AUTH] = "auth",
  [CONDUIT_ERROR_KIND_CREDENTIAL] = "credential",
  [CONDUIT_ERROR_KIND_CREDENTIAL_MISSING] = "credential-missing",
  [CONDUIT_ERROR_KIND_CREDENTIAL_LOCKED] = "credential-locked",
  [CONDUIT_ERROR_KIND_CREDENTIAL_REJECTED] = "credential-rejected",
  [CONDUIT_ERROR_KIND_CREDENTIAL_NEEDS_SIGN_IN] = "credential-needs-sign-in",
  [CONDUIT_ERROR_KIND_FILE] = "file",
  [CONDUIT_ERROR_KIND_SETTING] = "setting",
  [CONDUIT_ERROR_KIND_NODE] = "node",
  [CONDUIT_ERROR_KIND_INTERRUPTED] = "interrupted",
  [CONDUIT_ERROR_KIND_OUTCOME_UNKNOWN] = "outcome-unknown",
  [CONDUIT_ERROR_KIND_MAIL] = "mail",
};

G_STATIC_ASSERT (G_N_ELEMENTS (error_kind_names) == CONDUIT_ERROR_KIND_LAST + 1);

/**
 * conduit_step_status_to_string:
 * @status: a step status
 *
 * Returns: the status as the history stores it
 */
const char *
conduit_step_status_to_string (ConduitStepStatus status)
{
  g_return_val_if_fail (status <= CONDUIT_STEP_STATUS_LAST, "failed");

  return step_status_names[status];
}

/**
 * conduit_step_status_from_string:
 * @text: (nullable): a stored status
 * @status: (out) (optional): the status
 *
 * Returns: whether @text is a known status
 */
gboolean
conduit_step_status_from_string (const char        *text,
                                 ConduitStepStatus *status)
{
  if (text == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (step_status_names); i++)
    if (g_str_equal (text, step_status_names[i]))
      {
        if (status != NULL)
          *status = (ConduitStepStatus)i;
        return TRUE;
      }

  return FALSE;
}

/**
 * conduit_error_kind_to_string:
 * @kind: an error kind
 *
 * Returns: (nullable): the kind as the history stores it, %NULL for %CONDUIT_ERROR_KIND_NONE
 */
const char *
conduit_error_kind_to_string (ConduitErrorKind kind)
{
  g_return_val_if_fail (kind <= CONDUIT_ERROR_KIND_LAST, "node");

  return error_kind_names[kind];
}

/**
 * conduit_error_kind_from_string:
 * @text: (nullable): a stored kind, %NULL for none
 * @kind: (out) (optional): the kind
 *
 * Returns: whether @text is a known kind (%NULL is: %CONDUIT_ERROR_KIND_NONE)
 */
gboolean
conduit_error_kind_from_string (const char       *text,
                                ConduitErrorKind *kind)
{
  if (text == NULL)
    {
      if (kind != NULL)
        *kind = CONDUIT_ERROR_KIND_NONE;
      return TRUE;
    }

  for (guint i = 1; i < G_N_ELEMENTS (error_kind_names); i++)
    if (g_str_equal (text, error_kind_names[i]))
      {
        if (kind != NULL)
          *kind = (ConduitErrorKind)i;
        return TRUE;
      }

  return FALSE;
}

/**
 * conduit_step_record_get_status:
 * @record: a step record
 *
 * Returns: the record's status; a status this version does not know reads as failed
 */
ConduitStepStatus
conduit_step_record_get_status (const ConduitStepRecord *record)
{
  ConduitStepStatus status = CONDUIT_STEP_STATUS_FAILED;

  g_return_val_if_fail (record != NULL, CONDUIT_STEP_STATUS_FAILED);

  conduit_step_status_from_string (record->status, &status);
  return status;
}

/**
 * conduit_step_record_get_error_kind:
 * @record: a step record
 *
 * Returns: the record's error kind; a kind this version does not know reads as "node"
 */
ConduitErrorKind
conduit_step_record_get_error_kind (const ConduitStepRecord *record)
{
  ConduitErrorKind kind = CONDUIT_ERROR_KIND_NODE;

  g_return_val_if_fail (record != NULL, CONDUIT_ERROR_KIND_NODE);

  conduit_error_kind_from_string (record->error_kind, &kind);
  return kind;
}
