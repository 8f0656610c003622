/* conduit-credential-editor-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-credential-editor.h"
#include "conduit-oauth-sign-in.h"

G_BEGIN_DECLS

/* The credential editor's family: the form, saving and testing in conduit-credential-editor.c,
 * signing in with the browser in conduit-credential-editor-sign-in.c. */

struct _ConduitCredentialEditor
{
  AdwWindow               parent_instance;

  ConduitCredentialStore *store;
  ConduitCredential      *original;      /* (nullable): what is edited, without secrets */
  GHashTable             *field_rows;    /* field key → row */
  GCancellable           *cancellable;
  GtkStringList          *kinds;
  ConduitCredentialKind   kind;
  char                   *test_result;
  char                   *seen_host_key; /* an SFTP server's key the last test refused */
  ConduitOAuthSignIn     *sign_in;       /* the browser sign-in in progress */
  GCancellable           *sign_in_cancellable;
  AdwMessageDialog       *sign_in_dialog; /* (weak) */

  /* template children */
  GtkScrolledWindow      *scrolled_window;
  GtkLabel               *message_label;
  AdwEntryRow            *name_row;
  AdwEntryRow            *id_row;
  AdwComboRow            *kind_row;
  AdwPreferencesGroup    *details_group;
  AdwPreferencesGroup    *sign_in_group;
  AdwActionRow           *sign_in_row;
  AdwEntryRow            *test_url_row;
  GtkWidget              *test_result_box;
  GtkSpinner             *test_spinner;
  GtkLabel               *test_status_label;
  GtkLabel               *test_body_label;
  GtkWidget              *accept_host_key_button;

  guint                   scroll_timeout_id;
  guint                   busy : 1;
  guint                   no_browser : 1;
  guint                   signed_in : 1;   /* the edited credential holds tokens */
};

typedef void (*WithSecretFunc) (ConduitCredentialEditor *self,
                                ConduitCredential       *credential);

const char        *_conduit_credential_editor_row_text                 (GtkWidget               *row);
void               _conduit_credential_editor_set_message              (ConduitCredentialEditor *self,
                                                                        const char              *message);
void               _conduit_credential_editor_save_complete            (ConduitCredentialEditor *self,
                                                                        ConduitCredential       *credential);
void               _conduit_credential_editor_check_new_id             (ConduitCredentialEditor *self,
                                                                        ConduitCredential       *credential,
                                                                        WithSecretFunc           then);
void               _conduit_credential_editor_with_secret              (ConduitCredentialEditor *self,
                                                                        ConduitCredential       *credential,
                                                                        WithSecretFunc           func);
ConduitCredential *_conduit_credential_editor_credential_from_form     (ConduitCredentialEditor *self);
void               _conduit_credential_editor_emit_sign_in_started     (ConduitCredentialEditor *self);

void               _conduit_credential_editor_update_sign_in_group     (ConduitCredentialEditor *self);
void               _conduit_credential_editor_close_sign_in_dialog     (ConduitCredentialEditor *self);
void               _conduit_credential_editor_sign_in_action           (GtkWidget               *widget,
                                                                        const char              *action_name,
                                                                        GVariant                *parameter);
void               _conduit_credential_editor_on_sign_in_state_read    (GObject                 *source,
                                                                        GAsyncResult            *result,
                                                                        gpointer                 user_data);

G_END_DECLS
