/* conduit-executor-read-file.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_READ_FILE (conduit_executor_read_file_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorReadFile, conduit_executor_read_file, CONDUIT,
                      EXECUTOR_READ_FILE, GObject)

G_END_DECLS
