/* conduit-activation.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"
#include "conduit-document.h"
#include "conduit-editor.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_ACTIVATION (conduit_activation_get_type ())

G_DECLARE_FINAL_TYPE (ConduitActivation, conduit_activation, CONDUIT, ACTIVATION, GtkBox)

GtkWidget          *conduit_activation_new          (void);
void                conduit_activation_set_editor   (ConduitActivation  *self,
                                                     ConduitEditor      *editor);
void                conduit_activation_set_document (ConduitActivation  *self,
                                                     ConduitDocument    *document);
gboolean            conduit_activation_activate     (ConduitActivation  *self,
                                                     GError            **error);
void                conduit_activation_deactivate   (ConduitActivation  *self);
gboolean            conduit_activation_get_active   (ConduitActivation  *self);
const char         *conduit_activation_get_status   (ConduitActivation  *self);
const char         *conduit_activation_get_message  (ConduitActivation  *self);
ConduitFlowService *conduit_activation_get_service  (ConduitActivation  *self);
GtkWidget          *conduit_activation_get_switch   (ConduitActivation  *self);

void                conduit_activation_set_compact  (ConduitActivation  *self,
                                                     gboolean            compact);

G_END_DECLS
