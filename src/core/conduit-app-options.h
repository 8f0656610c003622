/* conduit-app-options.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-runner.h"

G_BEGIN_DECLS

void       conduit_app_options_async  (ConduitRunner       *runner,
                                       const char          *connector_id,
                                       const char          *field_key,
                                       JsonObject          *settings,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
JsonArray *conduit_app_options_finish (ConduitRunner       *runner,
                                       GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
