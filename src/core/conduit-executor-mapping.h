/* conduit-executor-mapping.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_MAPPING (conduit_executor_mapping_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorMapping, conduit_executor_mapping, CONDUIT, EXECUTOR_MAPPING,
                      GObject)

G_END_DECLS
