/* conduit-executor-write-file.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-executor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_EXECUTOR_WRITE_FILE (conduit_executor_write_file_get_type ())

G_DECLARE_FINAL_TYPE (ConduitExecutorWriteFile, conduit_executor_write_file, CONDUIT,
                      EXECUTOR_WRITE_FILE, GObject)

G_END_DECLS
