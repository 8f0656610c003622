/* conduit-application.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"
#include "conduit-history-store.h"
#include "conduit-runner.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_APPLICATION (conduit_application_get_type ())

G_DECLARE_FINAL_TYPE (ConduitApplication, conduit_application, CONDUIT, APPLICATION, AdwApplication)

ConduitApplication *conduit_application_new          (void);
GSettings          *conduit_application_get_settings (ConduitApplication *self);
ConduitRunner      *conduit_application_get_runner   (ConduitApplication *self);

/* run history pane */
ConduitHistoryStore *conduit_application_get_history_store (ConduitApplication *self);
void                 conduit_application_watch_runner      (ConduitApplication *self,
                                                            ConduitRunner      *runner);

G_END_DECLS
