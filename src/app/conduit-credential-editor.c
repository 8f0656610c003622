/* conduit-credential-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-credential-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-credential-editor-private.h"
#include "conduit-resources.h"
#include "conduit-sftp.h"

/* The dialog that adds or edits one credential. The form is built from the kind's field table
 * (conduit_credential_kind_get_fields()), secrets in password rows. Editing never shows the
 * stored secret: the list holds none, and an empty secret row keeps the one in the keyring.
 * Every keyring call is async; the dialog only closes once the save has succeeded.
 *
 * "Test" sends a GET with the credential through ConduitAuthorizer and shows the status line
 * and the start of the body, passed through the redactor. Testing a credential that is in the
 * keyring updates its "needs attention" mark, as a run would.
 */

#define TEST_EXCERPT_CHARS 300


enum {
  SAVED,
  TEST_FINISHED,
  SIGN_IN_STARTED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitCredentialEditor, conduit_credential_editor, ADW_TYPE_WINDOW)

static guint signals[N_SIGNALS];

/* The words a person picks from for fields with a fixed set of values. */
static const struct
{
  const char *key;
  const char *value;
  const char *label;
} value_labels[] = {
  { "in", "header", N_("A request header") },
  { "in", "query", N_("A parameter in the web address") },
  { "client_auth", "basic", N_("An Authorization header (the standard)") },
  { "client_auth", "body", N_("The request form") },
};

static const char *
value_label (const char *key,
             const char *value)
{
  for (guint i = 0; i < G_N_ELEMENTS (value_labels); i++)
    if (g_str_equal (value_labels[i].key, key) && g_str_equal (value_labels[i].value, value))
      return _(value_labels[i].label);

  return value;
}

static void
scroll_to (ConduitCredentialEditor *self,
           gboolean                 bottom)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);

  gtk_adjustment_set_value (adjustment, bottom ? gtk_adjustment_get_upper (adjustment) : 0);
}

/* The result box grows the page over the next layouts (its labels wrap): follow it for a
 * moment, not for good, or resizing the window later would jump to the bottom. */
static void
on_upper_changed (ConduitCredentialEditor *self)
{
  if (self->scroll_timeout_id != 0)
    scroll_to (self, TRUE);
}

static gboolean
end_scroll_follow (gpointer data)
{
  ConduitCredentialEditor *self = data;

  self->scroll_timeout_id = 0;
  return G_SOURCE_REMOVE;
}

/* The message sits at the top, the test result at the bottom: either may be out of sight. */
void
_conduit_credential_editor_set_message (ConduitCredentialEditor *self,
             const char              *message)
{
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (message != NULL)
    scroll_to (self, FALSE);
}

static void
set_busy (ConduitCredentialEditor *self,
          gboolean                 busy)
{
  self->busy = busy;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credential.save", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credential.test", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "credential.sign-in",
                                 !busy && self->kind == CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE);
}

/* ---- the form ------------------------------------------------------------------------- */

/* A revealed secret is still a secret: it does not go to the clipboard. GtkText's copy and
 * cut actions go through these signals. */
static void
stop_clipboard (GtkWidget *text)
{
  g_signal_stop_emission_by_name (text, "copy-clipboard");
}

static void
stop_cut (GtkWidget *text)
{
  g_signal_stop_emission_by_name (text, "cut-clipboard");
}

static void
keep_off_clipboard (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TEXT (child))
        {
          g_signal_connect (child, "copy-clipboard", G_CALLBACK (stop_clipboard), NULL);
          g_signal_connect (child, "cut-clipboard", G_CALLBACK (stop_cut), NULL);
        }
      keep_off_clipboard (child);
    }
}

const char *
_conduit_credential_editor_row_text (GtkWidget *row)
{
  if (ADW_IS_COMBO_ROW (row))
    {
      const char * const *values = g_object_get_data (G_OBJECT (row), "conduit-values");
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

      return selected < g_strv_length ((char **)values) ? values[selected] : NULL;
    }

  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* The header name of an API key only matters when the key goes in a header, and so on. */
static void
update_dependent_rows (ConduitCredentialEditor *self)
{
  GtkWidget *in_row = g_hash_table_lookup (self->field_rows, "in");
  GtkWidget *header_row = g_hash_table_lookup (self->field_rows, "header");
  GtkWidget *parameter_row = g_hash_table_lookup (self->field_rows, "parameter");
  const char *in;

  if (self->kind != CONDUIT_CREDENTIAL_KIND_API_KEY || in_row == NULL)
    return;

  in = _conduit_credential_editor_row_text (in_row);
  if (header_row != NULL)
    gtk_widget_set_visible (header_row, g_strcmp0 (in, "query") != 0);
  if (parameter_row != NULL)
    gtk_widget_set_visible (parameter_row, g_strcmp0 (in, "query") == 0);
}

static GtkWidget *
build_field_row (ConduitCredentialEditor          *self,
                 const ConduitCredentialFieldSpec *field)
{
  GtkWidget *row;

  if (field->allowed_values != NULL)
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
      guint selected = 0;

      for (guint i = 0; field->allowed_values[i] != NULL; i++)
        {
          gtk_string_list_append (labels, value_label (field->key, field->allowed_values[i]));
          if (g_strcmp0 (field->allowed_values[i], field->default_value) == 0)
            selected = i;
        }

      row = adw_combo_row_new ();
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
      g_object_set_data (G_OBJECT (row), "conduit-values", (gpointer)field->allowed_values);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (update_dependent_rows), self);
    }
  else if (field->secret)
    {
      row = adw_password_entry_row_new ();
      keep_off_clipboard (row);
    }
  else
    {
      row = adw_entry_row_new ();
      if (field->default_value != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), field->default_value);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
  if (field->help != NULL)
    {
      gtk_widget_set_tooltip_text (row, _(field->help));
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      _(field->help), -1);
    }

  return row;
}


/* Editing shows no stored secret, so say what an empty secret row means. */
static void
update_details_description (ConduitCredentialEditor *self)
{
  const ConduitCredentialFieldSpec *secret = conduit_credential_kind_get_secret_field (self->kind);
  g_autofree char *text = NULL;

  if (self->original != NULL && conduit_credential_get_kind (self->original) == self->kind)
    /* Translators: %s is a secret field, such as "API key" */
    text = g_strdup_printf (_("Leave the %s empty to keep the one in your keyring."),
                            _(secret->label));

  adw_preferences_group_set_description (self->details_group, text);
}

static void
rebuild_details (ConduitCredentialEditor *self)
{
  const ConduitCredentialFieldSpec *fields;
  GHashTableIter iter;
  gpointer row;
  guint n_fields;

  g_hash_table_iter_init (&iter, self->field_rows);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    adw_preferences_group_remove (self->details_group, row);
  g_hash_table_remove_all (self->field_rows);

  fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      GtkWidget *field_row;

      /* tokens come from signing in, never from typing */
      if (fields[i].managed)
        continue;

      field_row = build_field_row (self, &fields[i]);
      if (g_str_equal (fields[i].key, "authorize_url"))
        g_signal_connect_swapped (field_row, "changed", G_CALLBACK (_conduit_credential_editor_update_sign_in_group), self);
      g_hash_table_insert (self->field_rows, (gpointer)fields[i].key, field_row);
      adw_preferences_group_add (self->details_group, field_row);
    }

  update_dependent_rows (self);
  update_details_description (self);
  _conduit_credential_editor_update_sign_in_group (self);
  /* an SFTP credential is tried on its own server, not on a web address */
  gtk_widget_set_visible (GTK_WIDGET (self->test_url_row),
                          self->kind != CONDUIT_CREDENTIAL_KIND_SFTP);
}

static void
on_kind_selected (ConduitCredentialEditor *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);

  if (selected >= CONDUIT_CREDENTIAL_N_KINDS || selected == self->kind)
    return;

  self->kind = selected;
  rebuild_details (self);
}

static void
fill_form (ConduitCredentialEditor *self,
           ConduitCredential       *credential)
{
  const ConduitCredentialFieldSpec *fields;
  guint n_fields;

  conduit_credential_editor_set_kind (self, conduit_credential_get_kind (credential));
  fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      GtkWidget *row = g_hash_table_lookup (self->field_rows, fields[i].key);
      const char *value = conduit_credential_get_field (credential, fields[i].key);

      if (fields[i].secret || row == NULL)
        continue;

      if (value == NULL)
        value = fields[i].allow_empty ? fields[i].default_value : "";
      if (value == NULL)
        value = "";

      if (ADW_IS_COMBO_ROW (row))
        {
          for (guint j = 0; fields[i].allowed_values[j] != NULL; j++)
            if (g_str_equal (fields[i].allowed_values[j], value))
              adw_combo_row_set_selected (ADW_COMBO_ROW (row), j);
        }
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (row), value);
        }
    }
}

/* What the form says, as a credential. The secret rows may be empty when editing: the caller
 * fills them from the keyring. */
static ConduitCredential *
build_credential (ConduitCredentialEditor  *self,
                  GError                  **error)
{
  const char *id = gtk_editable_get_text (GTK_EDITABLE (self->id_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autoptr(ConduitCredential) credential = NULL;
  const ConduitCredentialFieldSpec *fields;
  guint n_fields;

  if (*id == '\0')
    {
      g_set_error_literal (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                           _("Give the credential an ID: flows refer to it by that."));
      return NULL;
    }
  if (!conduit_credential_id_is_valid (id))
    {
      g_set_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID,
                   _("The ID “%s” can only hold letters, digits, “-”, “_” and “.”, such as "
                     "“crm-api-key”."), id);
      return NULL;
    }

  credential = conduit_credential_new (id, self->kind);
  conduit_credential_set_name (credential, *name ? name : NULL);
  if (self->original != NULL)
    {
      conduit_credential_set_attention (credential, conduit_credential_get_attention (self->original));
      conduit_credential_set_needs_sign_in (credential,
                                            conduit_credential_get_needs_sign_in (self->original));
    }

  fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      GtkWidget *row = g_hash_table_lookup (self->field_rows, fields[i].key);
      const char *value;
      gboolean ok;

      if (row == NULL)
        continue;
      value = _conduit_credential_editor_row_text (row);
      /* a hidden row (the header name of a key sent in the address) does not apply */
      if (!gtk_widget_get_visible (row) || value == NULL)
        continue;
      if (*value == '\0' && !(fields[i].allow_empty && !fields[i].secret))
        continue;

      if (fields[i].secret)
        ok = conduit_credential_set_secret (credential, fields[i].key, value, error);
      else
        ok = conduit_credential_set_field (credential, fields[i].key, value, error);
      if (!ok)
        return NULL;
    }

  return g_steal_pointer (&credential);
}

/* The form as a credential, or %NULL with what is wrong shown above the form. */
ConduitCredential *
_conduit_credential_editor_credential_from_form (ConduitCredentialEditor *self)
{
  g_autoptr(GError) error = NULL;
  ConduitCredential *credential;

  _conduit_credential_editor_set_message (self, NULL);
  credential = build_credential (self, &error);
  if (credential == NULL)
    _conduit_credential_editor_set_message (self, error->message);
  return credential;
}

/* ---- filling in the stored secret --------------------------------------------------------- */

typedef struct
{
  ConduitCredentialEditor *self;
  ConduitCredential       *credential;
  WithSecretFunc           func;
} SecretOp;

static void
secret_op_free (SecretOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->credential);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretOp, secret_op_free)

static void
on_stored_secret (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SecretOp) op = user_data;
  ConduitCredentialEditor *self = op->self;
  g_autoptr(ConduitCredential) stored = NULL;
  g_autoptr(GError) error = NULL;
  const ConduitCredentialFieldSpec *secret;

  stored = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  secret = conduit_credential_kind_get_secret_field (self->kind);
  if (stored != NULL && conduit_credential_get_kind (stored) == self->kind)
    {
      const ConduitCredentialFieldSpec *fields;
      guint n_fields;

      /* what the form leaves empty stays as stored, the tokens of a sign-in included */
      fields = conduit_credential_kind_get_fields (self->kind, &n_fields);
      for (guint i = 0; i < n_fields; i++)
        if (fields[i].secret && conduit_credential_get_secret (op->credential, fields[i].key) == NULL)
          conduit_credential_set_secret (op->credential, fields[i].key,
                                         conduit_credential_get_secret (stored, fields[i].key), NULL);
    }

  if (conduit_credential_get_secret (op->credential, secret->key) == NULL && secret->required)
    {
      g_autofree char *message = NULL;

      if (error != NULL && !g_error_matches (error, CONDUIT_CREDENTIAL_ERROR,
                                             CONDUIT_CREDENTIAL_ERROR_NOT_FOUND))
        message = g_strdup (error->message);
      else
        /* Translators: %s is a field such as "API key" */
        message = g_strdup_printf (_("Type the %s: the keyring holds none for this kind."),
                                   _(secret->label));
      _conduit_credential_editor_set_message (self, message);
      return;
    }

  op->func (self, op->credential);
}

/* Runs @func with @credential complete: its secret from the form, or else from the keyring. */
void
_conduit_credential_editor_with_secret (ConduitCredentialEditor *self,
             ConduitCredential       *credential,
             WithSecretFunc           func)
{
  const ConduitCredentialFieldSpec *secret = conduit_credential_kind_get_secret_field (self->kind);
  SecretOp *op;

  /* a sign-in credential keeps its tokens in the keyring: always read them back */
  if (self->original == NULL ||
      (conduit_credential_get_secret (credential, secret->key) != NULL &&
       self->kind != CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE))
    {
      func (self, credential);
      return;
    }

  op = g_new0 (SecretOp, 1);
  op->self = g_object_ref (self);
  op->credential = g_object_ref (credential);
  op->func = func;
  set_busy (self, TRUE);
  conduit_credential_store_lookup_async (self->store, conduit_credential_get_id (self->original),
                                         self->cancellable, on_stored_secret, op);
}

/* ---- saving ----------------------------------------------------------------------------- */

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConduitCredential) credential = user_data;
  g_autoptr(GError) error = NULL;
  ConduitCredentialEditor *self;

  if (!conduit_credential_store_save_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_object_get_data (G_OBJECT (credential), "conduit-editor");
  set_busy (self, FALSE);
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not save the credential: %s"),
                                                  error->message);
      _conduit_credential_editor_set_message (self, message);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, conduit_credential_get_id (credential));
  gtk_window_destroy (GTK_WINDOW (self));
}

void
_conduit_credential_editor_save_complete (ConduitCredentialEditor *self,
               ConduitCredential       *credential)
{
  g_autoptr(GError) error = NULL;

  if (!conduit_credential_check (credential, &error))
    {
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  set_busy (self, TRUE);
  g_object_set_data_full (G_OBJECT (credential), "conduit-editor", g_object_ref (self),
                          g_object_unref);
  conduit_credential_store_save_async (self->store, credential, self->cancellable, on_saved,
                                       g_object_ref (credential));
}

static void
on_existing_checked (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(ConduitCredential) credential = user_data;
  g_autoptr(ConduitCredential) existing = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredentialEditor *self;

  existing = conduit_credential_store_lookup_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = g_object_get_data (G_OBJECT (credential), "conduit-editor");
  set_busy (self, FALSE);
  if (existing != NULL ||
      g_error_matches (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED))
    {
      g_autofree char *message =
        g_strdup_printf (_("There already is a credential with the ID “%s”. Choose another ID, "
                           "or edit that one from the list."), conduit_credential_get_id (credential));
      _conduit_credential_editor_set_message (self, message);
      return;
    }

  /* saving, or signing in first (which saves at the end) */
  ((WithSecretFunc)g_object_get_data (G_OBJECT (credential), "conduit-then")) (self, credential);
}

/* A new credential must not quietly replace one that flows already use: @then runs once the
 * keyring holds none with its id. */
void
_conduit_credential_editor_check_new_id (ConduitCredentialEditor *self,
              ConduitCredential       *credential,
              WithSecretFunc           then)
{
  set_busy (self, TRUE);
  g_object_set_data_full (G_OBJECT (credential), "conduit-editor", g_object_ref (self),
                          g_object_unref);
  g_object_set_data (G_OBJECT (credential), "conduit-then", then);
  conduit_credential_store_lookup_async (self->store, conduit_credential_get_id (credential),
                                         self->cancellable, on_existing_checked,
                                         g_object_ref (credential));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitCredentialEditor *self = CONDUIT_CREDENTIAL_EDITOR (widget);
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GError) error = NULL;

  credential = _conduit_credential_editor_credential_from_form (self);
  if (credential == NULL)
    return;

  if (self->original != NULL)
    {
      _conduit_credential_editor_with_secret (self, credential, _conduit_credential_editor_save_complete);
      return;
    }

  if (!conduit_credential_check (credential, &error))
    {
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  _conduit_credential_editor_check_new_id (self, credential, _conduit_credential_editor_save_complete);
}

void
_conduit_credential_editor_emit_sign_in_started (ConduitCredentialEditor *self)
{
  g_signal_emit (self, signals[SIGN_IN_STARTED], 0);
}

/* ---- testing ---------------------------------------------------------------------------- */

static void
show_test_result (ConduitCredentialEditor *self,
                  const char              *status,
                  const char              *body,
                  const char              *style)
{
  gtk_spinner_stop (self->test_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_label_set_text (self->test_status_label, status);
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_status_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_status_label), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_status_label), "error");
  if (style != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->test_status_label), style);
  gtk_label_set_text (self->test_body_label, body ? body : "");
  gtk_widget_set_visible (GTK_WIDGET (self->test_body_label), body != NULL && *body != '\0');
  gtk_widget_set_visible (self->test_result_box, TRUE);
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  self->scroll_timeout_id = g_timeout_add (500, end_scroll_follow, self);
  scroll_to (self, TRUE);

  g_free (self->test_result);
  self->test_result = body && *body ? g_strdup_printf ("%s\n%s", status, body) : g_strdup (status);
}

typedef struct
{
  ConduitCredentialEditor *self;
  ConduitCredential       *credential;
  ConduitAuthorizer       *authorizer;
  SoupMessage             *msg;
} TestOp;

static void
test_op_free (TestOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->credential);
  g_clear_object (&op->authorizer);
  g_clear_object (&op->msg);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestOp, test_op_free)

static void
on_test_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TestOp) op = user_data;
  ConduitCredentialEditor *self = op->self;
  ConduitRedactor *redactor = conduit_redactor_get_default ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  g_autofree char *excerpt = NULL;
  guint code;

  body = conduit_authorizer_send_and_read_finish (CONDUIT_AUTHORIZER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);
  if (body == NULL)
    {
      g_autofree char *message = conduit_redactor_redact (redactor, error->message);
      g_autofree char *text = g_strdup_printf (_("The test request failed: %s"), message);

      show_test_result (self, text, NULL, "error");
      g_signal_emit (self, signals[TEST_FINISHED], 0);
      return;
    }

  code = soup_message_get_status (op->msg);
  if (g_bytes_get_size (body) > 0)
    {
      g_autofree char *text = g_utf8_make_valid (g_bytes_get_data (body, NULL),
                                                 MIN (g_bytes_get_size (body), 4 * TEST_EXCERPT_CHARS));
      g_autofree char *redacted = conduit_redactor_redact (redactor, g_strstrip (text));

      if (g_utf8_strlen (redacted, -1) > TEST_EXCERPT_CHARS)
        {
          char *end = g_utf8_offset_to_pointer (redacted, TEST_EXCERPT_CHARS);
          excerpt = g_strdup_printf ("%.*s…", (int)(end - redacted), redacted);
        }
      else
        excerpt = g_steal_pointer (&redacted);
    }

  if (code == SOUP_STATUS_UNAUTHORIZED || code == SOUP_STATUS_FORBIDDEN)
    {
      /* Translators: e.g. "The server refused the credential: HTTP 401 Unauthorized" */
      status = g_strdup_printf (self->original != NULL
                                ? _("The server refused the credential: HTTP %u %s. It is marked as needing attention.")
                                : _("The server refused the credential: HTTP %u %s"),
                                code, soup_message_get_reason_phrase (op->msg));
      show_test_result (self, status, excerpt, "error");
    }
  else if (SOUP_STATUS_IS_SUCCESSFUL (code))
    {
      status = g_strdup_printf (_("The server accepted the credential: HTTP %u %s"),
                                code, soup_message_get_reason_phrase (op->msg));
      show_test_result (self, status, excerpt, "success");
    }
  else
    {
      status = g_strdup_printf (_("The server answered HTTP %u %s"),
                                code, soup_message_get_reason_phrase (op->msg));
      show_test_result (self, status, excerpt, "warning");
    }

  g_signal_emit (self, signals[TEST_FINISHED], 0);
}

static void
test_complete (ConduitCredentialEditor *self,
               ConduitCredential       *credential)
{
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->test_url_row));
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  TestOp *op;

  if (!conduit_credential_check (credential, &error))
    {
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  msg = soup_message_new (SOUP_METHOD_GET, g_strstrip ((char *)url));
  if (msg == NULL || !g_str_has_prefix (url, "http"))
    {
      g_autofree char *message =
        g_strdup_printf (_("“%s” is not a web address. Type one that starts with https://"), url);
      _conduit_credential_editor_set_message (self, message);
      return;
    }

  /* whatever the server echoes back is shown, so it must know this secret even before it is
   * saved */
  conduit_redactor_add_credential (conduit_redactor_get_default (), credential);

  session = soup_session_new_with_options ("timeout", 30, "user-agent", "Conduit", NULL);
  op = g_new0 (TestOp, 1);
  op->self = g_object_ref (self);
  op->credential = g_object_ref (credential);
  op->authorizer = conduit_authorizer_new (session);
  op->msg = g_object_ref (msg);
  /* only a credential that is in the keyring has a mark to set or clear */
  if (self->original != NULL &&
      g_str_equal (conduit_credential_get_id (self->original), conduit_credential_get_id (credential)))
    conduit_authorizer_set_store (op->authorizer, self->store);

  set_busy (self, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  gtk_label_set_text (self->test_status_label, _("Waiting for the server…"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_body_label), FALSE);
  gtk_widget_set_visible (self->test_result_box, TRUE);

  conduit_authorizer_send_and_read_async (op->authorizer, credential, msg, G_PRIORITY_DEFAULT,
                                          self->cancellable, on_test_answer, op);
}

/* SFTP: connect, check the host key, sign in; a key the credential does not accept yet is
 * shown with Accept, which puts its fingerprint into the host key row (saved with the rest). */
static void
on_sftp_answer (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConduitCredentialEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  gboolean ok = conduit_sftp_probe_finish (result, &fingerprint, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  g_clear_pointer (&self->seen_host_key, g_free);
  if (g_error_matches (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_HOST_KEY_UNKNOWN) ||
      g_error_matches (error, CONDUIT_SFTP_ERROR, CONDUIT_SFTP_ERROR_HOST_KEY_CHANGED))
    self->seen_host_key = g_steal_pointer (&fingerprint);
  show_test_result (self, ok ? _("The server is the accepted one and signed the user in")
                             : error->message, self->seen_host_key, ok ? "success" : "error");
  gtk_widget_set_visible (self->accept_host_key_button, self->seen_host_key != NULL);
  g_signal_emit (self, signals[TEST_FINISHED], 0);
}

static void
sftp_test_complete (ConduitCredentialEditor *self,
                    ConduitCredential       *credential)
{
  set_busy (self, TRUE);
  gtk_widget_set_visible (self->accept_host_key_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_start (self->test_spinner);
  gtk_label_set_text (self->test_status_label, _("Waiting for the server…"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_body_label), FALSE);
  gtk_widget_set_visible (self->test_result_box, TRUE);
  conduit_sftp_probe_async (credential, 30, self->cancellable, on_sftp_answer,
                            g_object_ref (self));
}

static void
accept_host_key_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConduitCredentialEditor *self = CONDUIT_CREDENTIAL_EDITOR (widget);
  GtkWidget *row = g_hash_table_lookup (self->field_rows, "host_key");

  if (self->seen_host_key == NULL || row == NULL)
    return;
  gtk_editable_set_text (GTK_EDITABLE (row), self->seen_host_key);
  gtk_widget_set_visible (self->accept_host_key_button, FALSE);
  show_test_result (self, _("Host key accepted: test again, then save"), self->seen_host_key,
                    NULL);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitCredentialEditor *self = CONDUIT_CREDENTIAL_EDITOR (widget);
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GError) error = NULL;

  _conduit_credential_editor_set_message (self, NULL);
  if (self->kind != CONDUIT_CREDENTIAL_KIND_SFTP &&
      *gtk_editable_get_text (GTK_EDITABLE (self->test_url_row)) == '\0')
    {
      _conduit_credential_editor_set_message (self, _("Type a web address of the service to try the credential on."));
      return;
    }

  credential = build_credential (self, &error);
  if (credential == NULL)
    {
      _conduit_credential_editor_set_message (self, error->message);
      return;
    }

  _conduit_credential_editor_with_secret (self, credential, self->kind == CONDUIT_CREDENTIAL_KIND_SFTP ? sftp_test_complete
                                                                           : test_complete);
}

/* ---- public ----------------------------------------------------------------------------- */

/**
 * conduit_credential_editor_new:
 * @parent: (nullable): the window the dialog belongs to
 * @store: where the credential is kept
 *
 * Returns: (transfer none): a dialog for a new credential; present it
 */
ConduitCredentialEditor *
conduit_credential_editor_new (GtkWindow              *parent,
                               ConduitCredentialStore *store)
{
  ConduitCredentialEditor *self;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_STORE (store), NULL);

  self = g_object_new (CONDUIT_TYPE_CREDENTIAL_EDITOR, "transient-for", parent, NULL);
  if (parent != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->store = g_object_ref (store);
  return self;
}

/**
 * conduit_credential_editor_set_new_id:
 * @self: a credential editor for a new credential
 * @id: (nullable): the id to start with, such as one a flow uses
 */
void
conduit_credential_editor_set_new_id (ConduitCredentialEditor *self,
                                      const char              *id)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));
  g_return_if_fail (self->original == NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->id_row), id ? id : "");
}

/**
 * conduit_credential_editor_set_template:
 * @self: a credential editor for a new credential
 * @credential: what the new credential starts as: its id, name, kind and fields (no secret)
 *
 * For “Connect to <App>”: the form starts with what the app's descriptor already knows, such
 * as where its API key goes; the person adds the secret.
 */
void
conduit_credential_editor_set_template (ConduitCredentialEditor *self,
                                        ConduitCredential       *credential)
{
  const char *name;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));
  g_return_if_fail (self->original == NULL);

  name = conduit_credential_get_name (credential);
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), conduit_credential_get_id (credential));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  fill_form (self, credential);
  update_details_description (self);
  _conduit_credential_editor_update_sign_in_group (self);
}

/**
 * conduit_credential_editor_edit:
 * @self: a credential editor
 * @credential: the credential to edit, as listed (without secrets)
 *
 * The id stays as it is: flows refer to it. Secret rows start empty and keep the stored
 * secret while empty.
 */
void
conduit_credential_editor_edit (ConduitCredentialEditor *self,
                                ConduitCredential       *credential)
{
  g_autofree char *title = NULL;
  const char *name;

  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));
  g_return_if_fail (CONDUIT_IS_CREDENTIAL (credential));

  g_set_object (&self->original, credential);
  name = conduit_credential_get_name (credential);
  gtk_editable_set_text (GTK_EDITABLE (self->id_row), conduit_credential_get_id (credential));
  gtk_editable_set_editable (GTK_EDITABLE (self->id_row), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->id_row), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->id_row),
                               _("Flows refer to the credential by this ID, so it stays as it is"));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name ? name : "");
  fill_form (self, credential);

  title = g_strdup_printf (_("Edit “%s”"), name ? name : conduit_credential_get_id (credential));
  gtk_window_set_title (GTK_WINDOW (self), title);

  update_details_description (self);
  _conduit_credential_editor_update_sign_in_group (self);
  /* a listing has no secrets: whether it holds tokens takes a look into the keyring */
  if (conduit_credential_get_kind (credential) == CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE &&
      !conduit_credential_get_from_environment (credential))
    conduit_credential_store_lookup_async (self->store, conduit_credential_get_id (credential),
                                           self->cancellable, _conduit_credential_editor_on_sign_in_state_read,
                                           g_object_ref (self));
}

/**
 * conduit_credential_editor_get_sign_in_state:
 * @self: a credential editor
 *
 * Returns: what the Sign In row says about the credential's sign-in
 */
const char *
conduit_credential_editor_get_sign_in_state (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->sign_in_row));
}

/**
 * conduit_credential_editor_get_is_new:
 * @self: a credential editor
 *
 * Returns: %TRUE if it adds a credential, %FALSE if it edits one
 */
gboolean
conduit_credential_editor_get_is_new (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), FALSE);
  return self->original == NULL;
}

/**
 * conduit_credential_editor_set_kind:
 * @self: a credential editor
 * @kind: the kind the form is for
 */
void
conduit_credential_editor_set_kind (ConduitCredentialEditor *self,
                                    ConduitCredentialKind    kind)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));
  g_return_if_fail (kind < CONDUIT_CREDENTIAL_N_KINDS);

  adw_combo_row_set_selected (self->kind_row, kind);
}

/**
 * conduit_credential_editor_get_row:
 * @self: a credential editor
 * @key: "id", "name", "kind", "test-url" or a field of the kind, such as "header" or "key"
 *
 * Returns: (transfer none) (nullable): the row that edits @key
 */
GtkWidget *
conduit_credential_editor_get_row (ConduitCredentialEditor *self,
                                   const char              *key)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (g_str_equal (key, "id"))
    return GTK_WIDGET (self->id_row);
  if (g_str_equal (key, "name"))
    return GTK_WIDGET (self->name_row);
  if (g_str_equal (key, "kind"))
    return GTK_WIDGET (self->kind_row);
  if (g_str_equal (key, "test-url"))
    return GTK_WIDGET (self->test_url_row);
  return g_hash_table_lookup (self->field_rows, key);
}

/**
 * conduit_credential_editor_get_message:
 * @self: a credential editor
 *
 * Returns: what stands in the way of saving or testing; "" when nothing
 */
const char *
conduit_credential_editor_get_message (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  return gtk_label_get_text (self->message_label);
}

/**
 * conduit_credential_editor_get_test_result:
 * @self: a credential editor
 *
 * Returns: (nullable): the last test's status line and body excerpt, redacted
 */
const char *
conduit_credential_editor_get_test_result (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  return self->test_result;
}

/**
 * conduit_credential_editor_sign_in:
 * @self: a credential editor for an oauth2-authorization-code credential
 *
 * Starts the browser sign-in, as the Sign In button does.
 */
void
conduit_credential_editor_sign_in (ConduitCredentialEditor *self)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));

  gtk_widget_activate_action (GTK_WIDGET (self), "credential.sign-in", NULL);
}

/**
 * conduit_credential_editor_get_sign_in_uri:
 * @self: a credential editor
 *
 * Returns: (nullable): the address of the sign-in in progress, as the dialog shows it
 */
const char *
conduit_credential_editor_get_sign_in_uri (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  return self->sign_in ? conduit_oauth_sign_in_get_uri (self->sign_in) : NULL;
}

/**
 * conduit_credential_editor_get_sign_in_dialog:
 * @self: a credential editor
 *
 * Returns: (transfer none) (nullable): the dialog of the sign-in in progress
 */
AdwMessageDialog *
conduit_credential_editor_get_sign_in_dialog (ConduitCredentialEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self), NULL);
  return self->sign_in_dialog;
}

/**
 * conduit_credential_editor_set_open_browser:
 * @self: a credential editor
 * @open_browser: whether a sign-in opens the system browser (%TRUE, the default); tests play
 *   the browser themselves
 */
void
conduit_credential_editor_set_open_browser (ConduitCredentialEditor *self,
                                            gboolean                 open_browser)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIAL_EDITOR (self));
  self->no_browser = !open_browser;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
conduit_credential_editor_dispose (GObject *object)
{
  ConduitCredentialEditor *self = (ConduitCredentialEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->sign_in_cancellable);
  _conduit_credential_editor_close_sign_in_dialog (self);
  g_clear_handle_id (&self->scroll_timeout_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_CREDENTIAL_EDITOR);
  g_clear_object (&self->store);
  g_clear_object (&self->original);
  g_clear_object (&self->kinds);

  G_OBJECT_CLASS (conduit_credential_editor_parent_class)->dispose (object);
}

static void
conduit_credential_editor_finalize (GObject *object)
{
  ConduitCredentialEditor *self = (ConduitCredentialEditor *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->sign_in_cancellable);
  g_clear_object (&self->sign_in);
  g_clear_pointer (&self->field_rows, g_hash_table_unref);
  g_clear_pointer (&self->test_result, g_free);
  g_clear_pointer (&self->seen_host_key, g_free);

  G_OBJECT_CLASS (conduit_credential_editor_parent_class)->finalize (object);
}

static void
conduit_credential_editor_class_init (ConduitCredentialEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_credential_editor_dispose;
  object_class->finalize = conduit_credential_editor_finalize;

  /**
   * ConduitCredentialEditor::saved:
   * @self: the editor
   * @id: the id of the credential now in the keyring
   *
   * Emitted once the credential is saved, just before the dialog closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * ConduitCredentialEditor::test-finished:
   * @self: the editor
   *
   * Emitted when a test request has its answer (or failed) and the result is shown.
   */
  signals[TEST_FINISHED] = g_signal_new ("test-finished", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * ConduitCredentialEditor::sign-in-started:
   * @self: the editor
   *
   * Emitted when a browser sign-in listens and its dialog shows the address.
   */
  signals[SIGN_IN_STARTED] = g_signal_new ("sign-in-started", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/conduit/Conduit/conduit-credential-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, message_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, id_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, details_group);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, sign_in_group);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, sign_in_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, test_url_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, test_result_box);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, test_status_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor, test_body_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialEditor,
                                        accept_host_key_button);

  gtk_widget_class_install_action (widget_class, "credential.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "credential.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "credential.accept-host-key", NULL,
                                   accept_host_key_action);
  gtk_widget_class_install_action (widget_class, "credential.sign-in", NULL, _conduit_credential_editor_sign_in_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "credential.save", NULL);
}

static void
conduit_credential_editor_init (ConduitCredentialEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->field_rows = g_hash_table_new (g_str_hash, g_str_equal);

  g_signal_connect_swapped (gtk_scrolled_window_get_vadjustment (self->scrolled_window), "notify::upper",
                            G_CALLBACK (on_upper_changed), self);

  self->kinds = gtk_string_list_new (NULL);
  for (guint i = 0; i < CONDUIT_CREDENTIAL_N_KINDS; i++)
    gtk_string_list_append (self->kinds, conduit_credential_kind_get_label (i));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (self->kinds));

  self->kind = CONDUIT_CREDENTIAL_KIND_API_KEY;
  adw_combo_row_set_selected (self->kind_row, self->kind);
  rebuild_details (self);
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (on_kind_selected), self);
}
