/* conduit-step-status.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "conduit-history-store.h"

G_BEGIN_DECLS

/* What became of a node in a run (attempt 0 of a step record) or of one attempt of one item.
 * Stored in the history as the text of conduit_step_status_to_string(): the text forms must
 * never change, or older histories read wrong. */
typedef enum
{
  CONDUIT_STEP_STATUS_PENDING,
  CONDUIT_STEP_STATUS_RUNNING,
  CONDUIT_STEP_STATUS_OK,
  CONDUIT_STEP_STATUS_PARTIAL,
  CONDUIT_STEP_STATUS_FAILED,
  CONDUIT_STEP_STATUS_SKIPPED,
  CONDUIT_STEP_STATUS_CANCELLED,
  CONDUIT_STEP_STATUS_RETRY,
  CONDUIT_STEP_STATUS_REJECTED,
  CONDUIT_STEP_STATUS_DUPLICATE,
  CONDUIT_STEP_STATUS_STARTED,    /* an attempt written before it was sent: no end yet */
  CONDUIT_STEP_STATUS_UNKNOWN,    /* sent, but whether the other side acted on it is unknown */
  CONDUIT_STEP_STATUS_PINNED,     /* not executed: its pinned output went downstream */
} ConduitStepStatus;

#define CONDUIT_STEP_STATUS_LAST CONDUIT_STEP_STATUS_PINNED

/* What kind of failure a step or attempt had, in words that do not depend on the language. */
typedef enum
{
  CONDUIT_ERROR_KIND_NONE,          /* stored as NULL */
  CONDUIT_ERROR_KIND_HTTP,
  CONDUIT_ERROR_KIND_TIMEOUT,
  CONDUIT_ERROR_KIND_NETWORK,
  CONDUIT_ERROR_KIND_INVALID,
  CONDUIT_ERROR_KIND_BAD_RESPONSE,
  CONDUIT_ERROR_KIND_AUTH,
  CONDUIT_ERROR_KIND_CREDENTIAL,
  CONDUIT_ERROR_KIND_CREDENTIAL_MISSING,
  CONDUIT_ERROR_KIND_CREDENTIAL_LOCKED,
  CONDUIT_ERROR_KIND_CREDENTIAL_REJECTED,
  CONDUIT_ERROR_KIND_CREDENTIAL_NEEDS_SIGN_IN,
  CONDUIT_ERROR_KIND_FILE,
  CONDUIT_ERROR_KIND_SETTING,
  CONDUIT_ERROR_KIND_NODE,
  CONDUIT_ERROR_KIND_INTERRUPTED,
  CONDUIT_ERROR_KIND_OUTCOME_UNKNOWN, /* sent, no answer: the other side may have acted */
  CONDUIT_ERROR_KIND_MAIL,          /* a mail server refused (SMTP 4xx/5xx) */
} ConduitErrorKind;

#define CONDUIT_ERROR_KIND_LAST CONDUIT_ERROR_KIND_MAIL

const char *conduit_step_status_to_string   (ConduitStepStatus        status);
gboolean    conduit_step_status_from_string (const char              *text,
                                             ConduitStepStatus       *status);
const char *conduit_error_kind_to_string    (ConduitErrorKind         kind);
gboolean    conduit_error_kind_from_string  (const char              *text,
                                             ConduitErrorKind        *kind);

ConduitStepStatus conduit_step_record_get_status     (const ConduitStepRecord *record);
ConduitErrorKind  conduit_step_record_get_error_kind (const ConduitStepRecord *record);

G_END_DECLS
