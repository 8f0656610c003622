/* conduit-credential-editor-sign-in.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-credential-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "conduit-credential-editor-private.h"

/* The credential editor's browser sign-in (OAuth 2.0 authorization code with PKCE): the
 * Sign In group, the dialog with the address and its Copy button, the system browser, and the
 * tokens kept at once when the service answers. */

/* ---- signing in with the browser ---------------------------------------------------------- */

/* Where to create the client id, by the service the sign-in address belongs to. */
static const char *
provider_hint (const char *authorize_url)
{
  g_autoptr(GUri) uri = authorize_url ? g_uri_parse (authorize_url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host != NULL && (g_str_equal (host, "accounts.google.com") || g_str_has_suffix (host, ".google.com")))
    return _("Create the client ID in the Google Cloud console: APIs & Services → Credentials → "
             "Create credentials → OAuth client ID, of the type “Desktop app”. Copy its client "
             "ID and client secret here.");
  if (host != NULL && (g_str_equal (host, "login.microsoftonline.com") ||
                       g_str_has_suffix (host, ".microsoftonline.com")))
    return _("Register the app in the Microsoft Entra admin center: App registrations → New "
             "registration, with the platform “Mobile and desktop applications” and the address "
             "http://localhost. Copy its Application (client) ID here; it needs no secret.");
  if (host != NULL && (g_str_equal (host, "login.salesforce.com") ||
                       g_str_equal (host, "test.salesforce.com") ||
                       g_str_has_suffix (host, ".my.salesforce.com")))
    return _("Create a connected app in Salesforce Setup: App Manager → New Connected App, with "
             "OAuth on, PKCE required, no secret for the web server flow, and the callback "
             "http://127.0.0.1:53682/. Copy its Consumer Key here and put 53682 in Sign-in port.");
  return _("Register Conduit with the service as a desktop (native) app that signs in through "
           "the address http://127.0.0.1, and copy its client ID here.");
}

void
_conduit_credential_editor_update_sign_in_group (ConduitCredentialEditor *self)
{
  GtkWidget *authorize_row = g_hash_table_lookup (self->field_rows, "authorize_url");
  gboolean sign_in = self->kind == CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE;
  gboolean same_kind = self->original != NULL && conduit_credential_get_kind (self->original) == self->kind;
  gboolean again = same_kind && conduit_credential_get_needs_sign_in (self->original);

  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_group), sign_in);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credential.sign-in", sign_in && !self->busy);
  if (!sign_in)
    return;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->sign_in_row),
                                 again ? _("The service ended the sign-in: sign in again")
                                 : same_kind && self->signed_in
                                 ? _("Signed in. Sign in again to use another account")
                                 : _("Sign in with your browser to let Conduit use the service"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->sign_in_row),
                               provider_hint (authorize_row ? _conduit_credential_editor_row_text (authorize_row) : NULL));
}

void
_conduit_credential_editor_on_sign_in_state_read (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ConduitCredentialEditor) self = user_data;
  g_autoptr(ConduitCredential) stored = NULL;

  stored = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (source), result, NULL);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  self->signed_in = stored != NULL && conduit_credential_is_signed_in (stored);
  _conduit_credential_editor_update_sign_in_group (self);
}

void
_conduit_credential_editor_close_sign_in_dialog (ConduitCredentialEditor *self)
{
  if (self->sign_in_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->sign_in_dialog));
}

static void
on_signed_in (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConduitCredentialEditor) self = user_data;
  g_autoptr(ConduitCredential) signed_in = NULL;
  g_autoptr(GError) error = NULL;

  signed_in = conduit_oauth_sign_in_wait_finish (CONDUIT_OAUTH_SIGN_IN (source), result, &error);
  if (CONDUIT_OAUTH_SIGN_IN (source) != self->sign_in)
    return;  /* one that a second click replaced */

  g_clear_object (&self->sign_in);
  _conduit_credential_editor_close_sign_in_dialog (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (signed_in == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Not signed in: %s"), error->message);

      _conduit_credential_editor_set_message (self, message);
      return;
    }

  /* kept at once: the tokens are only worth something in the keyring */
  _conduit_credential_editor_save_complete (self, signed_in);
}

static void
on_sign_in_dialog_response (AdwMessageDialog        *dialog,
                            const char              *response,
                            ConduitCredentialEditor *self)
{
  g_cancellable_cancel (self->sign_in_cancellable);
}

static void
on_copy_address (GtkButton               *button,
                 ConduitCredentialEditor *self)
{
  if (self->sign_in == NULL)
    return;

  /* the address carries no secret: only the client id and a one-time challenge */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)),
                          conduit_oauth_sign_in_get_uri (self->sign_in));
  gtk_button_set_label (button, _("Copied"));
}

static void
on_browser_opened (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ConduitCredentialEditor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error) && self->sign_in_dialog != NULL)
    {
      g_autofree char *body = g_strdup_printf (_("No browser opened (%s). Copy the address below "
                                                 "into a browser on this computer and sign in "
                                                 "there; Conduit goes on by itself."),
                                               error->message);

      adw_message_dialog_set_body (self->sign_in_dialog, body);
    }
}

static void
present_sign_in_dialog (ConduitCredentialEditor *self)
{
  const char *uri = conduit_oauth_sign_in_get_uri (self->sign_in);
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *label;
  GtkWidget *copy;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign In with Your Browser"),
                                   _("Your browser shows the service’s sign-in page. Sign in "
                                     "there and allow access; Conduit goes on by itself. If no "
                                     "browser opened, copy this address into one:"));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  label = gtk_label_new (uri);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), 4);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_name (label, "sign-in-address");
  copy = gtk_button_new_with_mnemonic (_("Copy _Address"));
  gtk_widget_set_halign (copy, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "pill");
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_address), self);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), copy);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_in_dialog_response), self, 0);
  g_set_weak_pointer (&self->sign_in_dialog, ADW_MESSAGE_DIALOG (dialog));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_in_complete (ConduitCredentialEditor *self,
                  ConduitCredential       *credential)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;

  if (!conduit_credential_check (credential, &error))
    {
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  /* a second click starts over: the first listener closes */
  g_cancellable_cancel (self->sign_in_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  self->sign_in_cancellable = g_cancellable_new ();
  g_clear_object (&self->sign_in);
  _conduit_credential_editor_close_sign_in_dialog (self);

  session = soup_session_new_with_options ("timeout", 30, "user-agent", "Conduit", NULL);
  self->sign_in = conduit_oauth_sign_in_new (session, credential);
  if (!conduit_oauth_sign_in_start (self->sign_in, &error))
    {
      g_clear_object (&self->sign_in);
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  present_sign_in_dialog (self);
  /* the system browser, through the OpenURI portal inside Flatpak (GIO picks it) */
  if (!self->no_browser)
    g_app_info_launch_default_for_uri_async (conduit_oauth_sign_in_get_uri (self->sign_in), NULL,
                                             self->sign_in_cancellable, on_browser_opened,
                                             g_object_ref (self));
  conduit_oauth_sign_in_wait_async (self->sign_in, self->sign_in_cancellable, on_signed_in,
                                    g_object_ref (self));
  _conduit_credential_editor_emit_sign_in_started (self);
}

void
_conduit_credential_editor_sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConduitCredentialEditor *self = CONDUIT_CREDENTIAL_EDITOR (widget);
  g_autoptr(ConduitCredential) credential = NULL;

  credential = _conduit_credential_editor_credential_from_form (self);
  if (credential == NULL)
    return;

  if (self->original == NULL)
    _conduit_credential_editor_check_new_id (self, credential, sign_in_complete);
  else
    _conduit_credential_editor_with_secret (self, credential, sign_in_complete);
}

