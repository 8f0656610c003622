/* conduit-executor-text.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A setting that becomes text per item: a {{ template }} or an expression, compiled once. */
typedef struct _ConduitExecutorText ConduitExecutorText;

ConduitExecutorText *conduit_executor_text_new_template   (const char           *text,
                                                           const char           *where,
                                                           GError              **error);
ConduitExecutorText *conduit_executor_text_new_expression (const char           *text,
                                                           const char           *where,
                                                           GError              **error);
char                *conduit_executor_text_render         (ConduitExecutorText  *self,
                                                           JsonNode             *item,
                                                           GError              **error);
char                *conduit_executor_text_dup_constant   (ConduitExecutorText  *self);
void                 conduit_executor_text_free           (ConduitExecutorText  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitExecutorText, conduit_executor_text_free)

G_END_DECLS
