/* conduit-credential-editor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_CREDENTIAL_EDITOR (conduit_credential_editor_get_type ())

G_DECLARE_FINAL_TYPE (ConduitCredentialEditor, conduit_credential_editor, CONDUIT, CREDENTIAL_EDITOR, AdwWindow)

ConduitCredentialEditor *conduit_credential_editor_new             (GtkWindow               *parent,
                                                                    ConduitCredentialStore  *store);
void                     conduit_credential_editor_set_new_id      (ConduitCredentialEditor *self,
                                                                    const char              *id);
void                     conduit_credential_editor_set_template    (ConduitCredentialEditor *self,
                                                                    ConduitCredential       *credential);
void                     conduit_credential_editor_edit            (ConduitCredentialEditor *self,
                                                                    ConduitCredential       *credential);
gboolean                 conduit_credential_editor_get_is_new      (ConduitCredentialEditor *self);
void                     conduit_credential_editor_set_kind        (ConduitCredentialEditor *self,
                                                                    ConduitCredentialKind    kind);
GtkWidget               *conduit_credential_editor_get_row         (ConduitCredentialEditor *self,
                                                                    const char              *key);
const char              *conduit_credential_editor_get_message     (ConduitCredentialEditor *self);
const char              *conduit_credential_editor_get_test_result (ConduitCredentialEditor *self);

void                     conduit_credential_editor_sign_in         (ConduitCredentialEditor *self);
const char              *conduit_credential_editor_get_sign_in_state (ConduitCredentialEditor *self);
const char              *conduit_credential_editor_get_sign_in_uri (ConduitCredentialEditor *self);
AdwMessageDialog        *conduit_credential_editor_get_sign_in_dialog (ConduitCredentialEditor *self);
void                     conduit_credential_editor_set_open_browser (ConduitCredentialEditor *self,
                                                                     gboolean                 open_browser);

G_END_DECLS
