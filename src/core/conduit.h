/* conduit.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The one header of Conduit's engine (src/core/). It never includes GTK. */

#define CONDUIT_INSIDE

#include "conduit-types.h"
#include "conduit-app-descriptor.h"
#include "conduit-connector.h"
#include "conduit-connector-registry.h"
#include "conduit-flow.h"
#include "conduit-flow-samples.h"
#include "conduit-flow-problem.h"
#include "conduit-json-error.h"
#include "conduit-json-text.h"
#include "conduit-json-writer.h"
#include "conduit-json-tree.h"
#include "conduit-link.h"
#include "conduit-node.h"
#include "conduit-note.h"
/* mapping */
#include "conduit-expression.h"
#include "conduit-mapping.h"
#include "conduit-mapping-preview.h"
#include "conduit-mapping-row.h"
#include "conduit-mapping-schema.h"
#include "conduit-mapping-stream.h"
#include "conduit-record-reader.h"
#include "conduit-record-writer.h"
#include "conduit-template.h"

/* runner and history */
#include "conduit-clock.h"
#include "conduit-executor.h"
#include "conduit-record-file.h"
#include "conduit-history-store.h"
#include "conduit-retry-policy.h"
#include "conduit-step-status.h"
#include "conduit-run.h"
#include "conduit-run-explainer.h"
#include "conduit-run-export.h"
#include "conduit-run-replay.h"
#include "conduit-runner.h"
#include "conduit-scheduler.h"
#include "conduit-step-context.h"
#include "conduit-app-options.h"
#include "conduit-webhook-server.h"

/* credentials */
#include "conduit-authorizer.h"
#include "conduit-credential.h"
#include "conduit-credential-store.h"
#include "conduit-oauth-sign-in.h"
#include "conduit-oauth-token.h"
#include "conduit-redactor.h"

#include "conduit-deployment.h"
#include "conduit-serve-metrics.h"
#include "conduit-serve-admin.h"
#include "conduit-queue.h"
#include "conduit-queue-worker.h"
#include "conduit-flow-service.h"

/* databases */
#include "conduit-db.h"
#include "conduit-db-sql.h"
#include "conduit-db-writer.h"

/* saved tests and offline replay */
#include "conduit-executor-replay.h"
#include "conduit-flow-test.h"
#include "conduit-openapi-import.h"

#undef CONDUIT_INSIDE
