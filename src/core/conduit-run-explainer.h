/* conduit-run-explainer.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "conduit-connector.h"
#include "conduit-node.h"
#include "conduit-run.h"

G_BEGIN_DECLS

/* What the engine knows about one failure, as read from a failed item's "error" object or a
 * node's error. Every field may be empty. */
typedef struct
{
  const char *kind;         /* "http", "timeout", "network", "invalid", "bad_response",
                             * "credential", "rejected", or NULL */
  guint       http_status;  /* 0 when there was no HTTP answer */
  const char *message;      /* the engine's own words */
  const char *url;          /* the address called */
  const char *credential;   /* the credential the step uses */
  guint       attempts;     /* how many times Conduit tried */
  guint       n_records;    /* for "rejected": how many records were refused */
} ConduitRunProblem;

char *conduit_run_explain      (const ConduitRunProblem *problem);
char *conduit_run_explain_node (ConduitRun              *run,
                                ConduitNode             *node,
                                ConduitConnector        *connector);
char *conduit_run_summarize    (ConduitRun              *run);

G_END_DECLS
