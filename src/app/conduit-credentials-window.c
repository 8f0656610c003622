/* conduit-credentials-window.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-credentials-window"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-credentials-window.h"
#include "conduit-resources.h"
#include "conduit-window.h"

/* The credentials manager: every credential in the keyring (and the environment), what kind it
 * is, whether a server refused it lately, with add, edit and delete. It lists through the
 * store's attribute-only listing, so it never needs the secrets and never blocks on the
 * keyring; it refreshes whenever the store says something changed.
 *
 * Deleting asks first and names the flows that would lose the credential: those open in a
 * window and the recent .conduit files, read asynchronously.
 */

/* recent files are read one by one; a long history is not worth the wait */
#define MAX_RECENT_FLOWS 50

struct _ConduitCredentialsWindow
{
  AdwWindow               parent_instance;

  ConduitCredentialStore *store;
  GCancellable           *cancellable;
  GPtrArray              *credentials;
  GHashTable             *rows;           /* id → row */
  AdwMessageDialog       *delete_dialog;  /* (weak) */

  /* template children */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *stack;
  GtkListBox             *list;
  AdwStatusPage          *unavailable_page;
  GtkRevealer            *sign_in_banner;
  GtkLabel               *sign_in_banner_label;
  GtkButton              *sign_in_banner_button;

  guint                   loading : 1;
  guint                   reload_again : 1;
};

enum {
  LOADED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitCredentialsWindow, conduit_credentials_window, ADW_TYPE_WINDOW)

static guint signals[N_SIGNALS];

static void
show_toast (ConduitCredentialsWindow *self,
            const char               *message)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

static const char *
field_or_default (ConduitCredential *credential,
                  const char        *key)
{
  const char *value = conduit_credential_get_field (credential, key);
  const ConduitCredentialFieldSpec *spec;

  if (value != NULL)
    return value;

  spec = conduit_credential_kind_find_field (conduit_credential_get_kind (credential), key);
  return spec && spec->default_value ? spec->default_value : "";
}

/* What the credential is, in words: “API key in the header X-CRM-Key” says more than “api-key”. */
static char *
describe_credential (ConduitCredential *credential)
{
  switch (conduit_credential_get_kind (credential))
    {
    case CONDUIT_CREDENTIAL_KIND_API_KEY:
      if (g_strcmp0 (field_or_default (credential, "in"), "query") == 0)
        return g_strdup_printf (_("API key in the web address as “%s”"),
                                field_or_default (credential, "parameter"));
      return g_strdup_printf (_("API key in the header “%s”"),
                              field_or_default (credential, "header"));

    case CONDUIT_CREDENTIAL_KIND_BASIC:
      return g_strdup_printf (_("Password of the user “%s”"),
                              field_or_default (credential, "username"));

    case CONDUIT_CREDENTIAL_KIND_HMAC:
      return g_strdup_printf (_("Signing secret for the header “%s”"),
                              field_or_default (credential, "header"));

    case CONDUIT_CREDENTIAL_KIND_OAUTH2_AUTHORIZATION_CODE:
      return g_strdup_printf (_("Browser sign-in with the client “%s”"),
                              field_or_default (credential, "client_id"));

    case CONDUIT_CREDENTIAL_KIND_BEARER:
    case CONDUIT_CREDENTIAL_KIND_OAUTH2_CLIENT_CREDENTIALS:
    default:
      return g_strdup (conduit_credential_kind_get_label (conduit_credential_get_kind (credential)));
    }
}

/* ---- the list --------------------------------------------------------------------------- */

static void
on_delete_clicked (GtkButton                *button,
                   ConduitCredentialsWindow *self)
{
  conduit_credentials_window_delete (self, g_object_get_data (G_OBJECT (button), "conduit-id"));
}

static void
on_row_activated (GtkListBox               *list,
                  GtkListBoxRow            *row,
                  ConduitCredentialsWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (row), "conduit-id");

  if (id != NULL)
    conduit_credentials_window_edit (self, id);
}

static GtkWidget *
badge_new (const char *text,
           const char *style)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "conduit-credential-badge");
  gtk_widget_add_css_class (badge, style);
  return badge;
}

static GtkWidget *
icon_button_new (const char *icon_name,
                 const char *tooltip,
                 const char *id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "conduit-id", g_strdup (id), g_free);
  return button;
}

static GtkWidget *
row_new (ConduitCredentialsWindow *self,
         ConduitCredential        *credential)
{
  const char *id = conduit_credential_get_id (credential);
  const char *name = conduit_credential_get_name (credential);
  const char *attention = conduit_credential_get_attention (credential);
  gboolean read_only = conduit_credential_get_from_environment (credential);
  g_autofree char *description = describe_credential (credential);
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autofree char *label = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  /* the subtitle is markup for the attention mark; everything else in it is escaped */
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), TRUE);
  {
    g_autofree char *title = g_markup_escape_text (name ? name : id, -1);
    /* Translators: "API key in the header “X-CRM-Key” · ID crm-api-key" */
    g_autofree char *line = g_markup_printf_escaped (_("%s · ID %s"), description, id);

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
    g_string_append (subtitle, line);
  }
  if (attention != NULL)
    {
      /* Translators: %s is what a server answered, e.g. "HTTP 401 Unauthorized: bad key" */
      g_autofree char *line = g_markup_printf_escaped (_("<b>Needs attention:</b> the server refused it — %s"),
                                                       attention);
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      g_string_append_printf (subtitle, "\n%s", line);
      gtk_widget_add_css_class (icon, "warning");
      gtk_widget_set_tooltip_text (icon, _("Needs attention"));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), attention ? 6 : 2);
  g_object_set_data_full (G_OBJECT (row), "conduit-id", g_strdup (id), g_free);

  if (conduit_credential_get_locked (credential))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (_("Keyring locked"), "dim-label"));
  if (conduit_credential_get_needs_sign_in (credential))
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge_new (_("Sign in again"), "warning"));

  if (read_only)
    {
      g_autofree char *env_name = conduit_credential_dup_env_name (id);
      g_autofree char *tip = g_strdup_printf (_("Set by the environment variable %s: change it "
                                                "there"), env_name);
      GtkWidget *badge = badge_new (_("From the environment"), "dim-label");

      gtk_widget_set_tooltip_text (badge, tip);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }
  else
    {
      /* the row itself opens the editor, as in Settings; only deleting needs a button */
      label = g_strdup_printf (_("Delete “%s”"), name ? name : id);
      button = icon_button_new ("user-trash-symbolic", _("Delete"), id);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_signal_connect (button, "clicked", G_CALLBACK (on_delete_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Edit"));
    }

  if (attention != NULL)
    gtk_widget_add_css_class (row, "conduit-credential-attention");

  return row;
}

/* A sign-in the service ended stops every flow using it until a person signs in again, and
 * serve cannot do that: the banner says so where the person can. */
static void
update_sign_in_banner (ConduitCredentialsWindow *self)
{
  ConduitCredential *first = NULL;
  guint count = 0;

  for (guint i = 0; self->credentials != NULL && i < self->credentials->len; i++)
    {
      ConduitCredential *credential = g_ptr_array_index (self->credentials, i);

      if (!conduit_credential_get_needs_sign_in (credential))
        continue;
      if (first == NULL)
        first = credential;
      count++;
    }

  if (first != NULL)
    {
      g_autofree char *text = NULL;

      if (count == 1)
        text = g_strdup_printf (_("The service ended the sign-in of “%s”: flows using it fail "
                                  "until you sign in again."), conduit_credential_get_name (first));
      else
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%u credential needs you to sign in again, first “%s”.",
                                             "%u credentials need you to sign in again, first “%s”.",
                                             count),
                                count, conduit_credential_get_name (first));
      gtk_label_set_text (self->sign_in_banner_label, text);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->sign_in_banner_button), "s",
                                        conduit_credential_get_id (first));
    }

  gtk_revealer_set_reveal_child (self->sign_in_banner, first != NULL);
}

/**
 * conduit_credentials_window_get_sign_in_banner_text:
 * @self: a credentials window
 *
 * Returns: (nullable): what the "needs sign-in again" banner says, %NULL while it is hidden
 */
const char *
conduit_credentials_window_get_sign_in_banner_text (ConduitCredentialsWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->sign_in_banner))
    return NULL;
  return gtk_label_get_text (self->sign_in_banner_label);
}

static void
show_credentials (ConduitCredentialsWindow *self,
                  GPtrArray                *credentials)
{
  GtkWidget *child;

  g_clear_pointer (&self->credentials, g_ptr_array_unref);
  self->credentials = g_ptr_array_ref (credentials);
  g_hash_table_remove_all (self->rows);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < credentials->len; i++)
    {
      ConduitCredential *credential = g_ptr_array_index (credentials, i);
      GtkWidget *row = row_new (self, credential);

      g_hash_table_insert (self->rows, g_strdup (conduit_credential_get_id (credential)), row);
      gtk_list_box_append (self->list, row);
    }

  gtk_stack_set_visible_child_name (self->stack, credentials->len > 0 ? "list" : "empty");
  update_sign_in_banner (self);
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ConduitCredentialsWindow *self = user_data;
  g_autoptr(GPtrArray) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = conduit_credential_store_list_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (self->reload_again)
    {
      self->reload_again = FALSE;
      conduit_credentials_window_reload (self);
      return;
    }

  if (credentials == NULL)
    {
      adw_status_page_set_description (self->unavailable_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
    }
  else
    {
      show_credentials (self, credentials);
    }

  g_signal_emit (self, signals[LOADED], 0);
}

/**
 * conduit_credentials_window_reload:
 * @self: a credentials window
 *
 * Lists the credentials again; ::loaded is emitted when the list shows them.
 */
void
conduit_credentials_window_reload (ConduitCredentialsWindow *self)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self));

  /* one listing at a time; a change during it lists once more afterwards */
  if (self->loading)
    {
      self->reload_again = TRUE;
      return;
    }

  self->loading = TRUE;
  conduit_credential_store_list_async (self->store, self->cancellable, on_listed, self);
}

/**
 * conduit_credentials_window_get_loading:
 * @self: a credentials window
 *
 * Returns: %TRUE while the list is being read from the keyring
 */
gboolean
conduit_credentials_window_get_loading (ConduitCredentialsWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), FALSE);
  return self->loading;
}

/**
 * conduit_credentials_window_lookup:
 * @self: a credentials window
 * @id: a credential id
 *
 * Returns: (transfer none) (nullable): the credential @id as listed, without its secret
 */
ConduitCredential *
conduit_credentials_window_lookup (ConduitCredentialsWindow *self,
                                   const char               *id)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; self->credentials != NULL && i < self->credentials->len; i++)
    if (g_str_equal (conduit_credential_get_id (g_ptr_array_index (self->credentials, i)), id))
      return g_ptr_array_index (self->credentials, i);

  return NULL;
}

/**
 * conduit_credentials_window_get_row:
 * @self: a credentials window
 * @id: a credential id
 *
 * Returns: (transfer none) (nullable): the #AdwActionRow that shows @id
 */
GtkWidget *
conduit_credentials_window_get_row (ConduitCredentialsWindow *self,
                                    const char               *id)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->rows, id);
}

/* ---- add and edit ----------------------------------------------------------------------- */

static void
on_editor_saved (ConduitCredentialsWindow *self,
                 const char               *id)
{
  g_autofree char *message = g_strdup_printf (_("Saved “%s” in your keyring"), id);

  show_toast (self, message);
}

static ConduitCredentialEditor *
present_editor (ConduitCredentialsWindow *self,
                ConduitCredential        *credential)
{
  ConduitCredentialEditor *editor = conduit_credential_editor_new (GTK_WINDOW (self), self->store);

  if (credential != NULL)
    conduit_credential_editor_edit (editor, credential);
  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

/**
 * conduit_credentials_window_add:
 * @self: a credentials window
 *
 * Opens the dialog for a new credential.
 *
 * Returns: (transfer none): the dialog
 */
ConduitCredentialEditor *
conduit_credentials_window_add (ConduitCredentialsWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);
  return present_editor (self, NULL);
}

/**
 * conduit_credentials_window_edit:
 * @self: a credentials window
 * @id: the id of a listed credential
 *
 * Returns: (transfer none) (nullable): the dialog editing @id, or %NULL if it is not listed
 *   or comes from the environment
 */
ConduitCredentialEditor *
conduit_credentials_window_edit (ConduitCredentialsWindow *self,
                                 const char               *id)
{
  ConduitCredential *credential;

  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  credential = conduit_credentials_window_lookup (self, id);
  if (credential == NULL || conduit_credential_get_from_environment (credential))
    return NULL;

  return present_editor (self, credential);
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  conduit_credentials_window_add (CONDUIT_CREDENTIALS_WINDOW (widget));
}

static void
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConduitCredentialsWindow *self = CONDUIT_CREDENTIALS_WINDOW (widget);
  ConduitCredentialEditor *editor;

  editor = conduit_credentials_window_edit (self, g_variant_get_string (parameter, NULL));
  if (editor != NULL)
    conduit_credential_editor_sign_in (editor);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  conduit_credentials_window_reload (CONDUIT_CREDENTIALS_WINDOW (widget));
}

/* ---- the flows that use a credential ------------------------------------------------------ */

typedef struct
{
  char       *id;
  GPtrArray  *names;
  GHashTable *seen;     /* URIs of the flows already looked at */
  GQueue      files;
  guint       n_read;
} UsersOp;

static void
users_op_free (UsersOp *op)
{
  g_free (op->id);
  g_ptr_array_unref (op->names);
  g_hash_table_unref (op->seen);
  g_queue_clear_full (&op->files, g_object_unref);
  g_free (op);
}

static gboolean
flow_uses (ConduitFlow *flow,
           const char  *id)
{
  g_autoptr(GPtrArray) ids = conduit_flow_list_credential_ids (flow, conduit_connector_registry_get_default ());

  return g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL);
}

static void read_next_file (GTask *task);

static void
on_file_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UsersOp *op = g_task_get_task_data (task);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                                contents, length, NULL, NULL);

      if (flow != NULL && flow_uses (flow, op->id))
        {
          g_autofree char *basename = g_file_get_basename (G_FILE (source));

          /* Translators: a flow's name and its file, e.g. "“Leads” (leads.conduit)" */
          g_ptr_array_add (op->names, g_strdup_printf (_("“%s” (%s)"), conduit_flow_get_name (flow),
                                                       basename));
        }
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  read_next_file (g_steal_pointer (&task));
}

static void
read_next_file (GTask *task)
{
  UsersOp *op = g_task_get_task_data (task);
  g_autoptr(GFile) file = g_queue_pop_head (&op->files);

  if (file == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_ref (op->names), (GDestroyNotify)g_ptr_array_unref);
      g_object_unref (task);
      return;
    }

  g_file_load_contents_async (file, g_task_get_cancellable (task), on_file_read, task);
}

/**
 * conduit_credentials_find_users_async:
 * @id: a credential id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the names of the flows
 * @user_data: data for @callback
 *
 * Finds the flows that use @id among those open in a window and the recent flow files.
 */
void
conduit_credentials_find_users_async (const char          *id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;
  UsersOp *op;
  GList *windows;
  GList *items;
  guint n_recent = 0;

  g_return_if_fail (id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_credentials_find_users_async);

  op = g_new0 (UsersOp, 1);
  op->id = g_strdup (id);
  op->names = g_ptr_array_new_with_free_func (g_free);
  op->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&op->files);
  g_task_set_task_data (task, op, (GDestroyNotify)users_op_free);

  /* open flows first: what a window shows may not be saved yet */
  windows = gtk_window_list_toplevels ();
  for (const GList *l = windows; l != NULL; l = l->next)
    {
      ConduitDocument *document;
      ConduitFlow *flow;
      GFile *file;

      if (!CONDUIT_IS_WINDOW (l->data) ||
          (document = conduit_window_get_document (l->data)) == NULL)
        continue;

      flow = conduit_document_get_flow (document);
      file = conduit_document_get_file (document);
      if (file != NULL)
        g_hash_table_add (op->seen, g_file_get_uri (file));
      if (flow_uses (flow, id))
        {
          g_autofree char *title = conduit_document_dup_title (document);

          /* Translators: a flow open in a window, e.g. "“Leads” (open)" */
          g_ptr_array_add (op->names, g_strdup_printf (_("“%s” (open)"), title));
        }
    }
  g_list_free (windows);

  items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  for (const GList *l = items; l != NULL && n_recent < MAX_RECENT_FLOWS; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);

      if (!gtk_recent_info_is_local (info) || g_hash_table_contains (op->seen, uri) ||
          (g_strcmp0 (gtk_recent_info_get_mime_type (info), CONDUIT_FLOW_MIME_TYPE) != 0 &&
           !g_str_has_suffix (uri, ".conduit")))
        continue;

      g_hash_table_add (op->seen, g_strdup (uri));
      g_queue_push_tail (&op->files, g_file_new_for_uri (uri));
      n_recent++;
    }
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);

  read_next_file (task);
}

/**
 * conduit_credentials_find_users_finish:
 * @result: the #GAsyncResult
 * @error: return location for an error
 *
 * Returns: (transfer full) (element-type utf8): the flows that use the credential, for people
 */
GPtrArray *
conduit_credentials_find_users_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == conduit_credentials_find_users_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- delete ----------------------------------------------------------------------------- */

/* A step of deleting @id. The window is not held: closing it cancels the step, and a
 * cancelled step never reaches its window. */
typedef struct
{
  ConduitCredentialsWindow *self;
  char                     *id;
} DeleteOp;

static DeleteOp *
delete_op_new (ConduitCredentialsWindow *self,
               const char               *id)
{
  DeleteOp *op = g_new0 (DeleteOp, 1);

  op->self = self;
  op->id = g_strdup (id);
  return op;
}

static void
delete_op_free (DeleteOp *op)
{
  g_free (op->id);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeleteOp, delete_op_free)

static void
on_deleted (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DeleteOp) op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!conduit_credential_store_delete_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (error != NULL)
    message = g_strdup_printf (_("Could not delete “%s”: %s"), op->id, error->message);
  else
    message = g_strdup_printf (_("Deleted “%s”"), op->id);
  show_toast (op->self, message);
}

static void
on_delete_response (AdwMessageDialog         *dialog,
                    const char               *response,
                    ConduitCredentialsWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (dialog), "conduit-id");

  if (g_strcmp0 (response, "delete") != 0)
    return;

  conduit_credential_store_delete_async (self->store, id, self->cancellable, on_deleted,
                                         delete_op_new (self, id));
}

static void
on_users_found (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(DeleteOp) op = user_data;
  ConduitCredentialsWindow *self = op->self;
  const char *id = op->id;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  ConduitCredential *credential;
  const char *name;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  users = conduit_credentials_find_users_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  credential = conduit_credentials_window_lookup (self, id);
  name = credential && conduit_credential_get_name (credential) ? conduit_credential_get_name (credential) : id;

  heading = g_strdup_printf (_("Delete “%s”?"), name);
  if (users != NULL && users->len > 0)
    {
      g_string_append (body, ngettext ("This flow uses it and will fail until you add it again:",
                                       "These flows use it and will fail until you add it again:",
                                       users->len));
      g_string_append_c (body, '\n');
      for (guint i = 0; i < users->len; i++)
        g_string_append_printf (body, "\n• %s", (const char *)g_ptr_array_index (users, i));
    }
  else
    {
      g_string_append (body, _("No open or recent flow uses it. A flow elsewhere that uses it "
                               "will fail until you add it again."));
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "conduit-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_delete_response), self, 0);

  g_set_weak_pointer (&self->delete_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * conduit_credentials_window_delete:
 * @self: a credentials window
 * @id: a credential id
 *
 * Asks whether to delete @id, naming the flows that use it, and deletes it if so.
 */
void
conduit_credentials_window_delete (ConduitCredentialsWindow *self,
                                   const char               *id)
{
  g_return_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self));
  g_return_if_fail (id != NULL);

  conduit_credentials_find_users_async (id, self->cancellable, on_users_found,
                                        delete_op_new (self, id));
}

/**
 * conduit_credentials_window_get_delete_dialog:
 * @self: a credentials window
 *
 * Returns: (transfer none) (nullable): the question asked before deleting, while it is shown
 */
AdwMessageDialog *
conduit_credentials_window_get_delete_dialog (ConduitCredentialsWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_CREDENTIALS_WINDOW (self), NULL);
  return self->delete_dialog;
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
conduit_credentials_window_dispose (GObject *object)
{
  ConduitCredentialsWindow *self = (ConduitCredentialsWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_weak_pointer (&self->delete_dialog);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_CREDENTIALS_WINDOW);
  g_clear_object (&self->store);
  g_clear_pointer (&self->credentials, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_credentials_window_parent_class)->dispose (object);
}

static void
conduit_credentials_window_finalize (GObject *object)
{
  ConduitCredentialsWindow *self = (ConduitCredentialsWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_credentials_window_parent_class)->finalize (object);
}

static void
conduit_credentials_window_class_init (ConduitCredentialsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_credentials_window_dispose;
  object_class->finalize = conduit_credentials_window_finalize;

  /**
   * ConduitCredentialsWindow::loaded:
   * @self: the window
   *
   * Emitted each time the list shows what the keyring holds (or why it cannot).
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (CONDUIT_TYPE_CREDENTIAL_EDITOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/conduit/Conduit/conduit-credentials-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, list);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, unavailable_page);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, sign_in_banner);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, sign_in_banner_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitCredentialsWindow, sign_in_banner_button);

  gtk_widget_class_install_action (widget_class, "credentials.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "credentials.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "credentials.sign-in", "s", sign_in_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "credentials.add", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
conduit_credentials_window_init (ConduitCredentialsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->store = g_object_ref (conduit_credential_store_get_default ());

  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  g_signal_connect_swapped (self->store, "changed", G_CALLBACK (conduit_credentials_window_reload), self);

  conduit_credentials_window_reload (self);
}

/**
 * conduit_credentials_window_new:
 * @application: (nullable): the application
 *
 * Returns: (transfer none): the credentials manager, listing the keyring's credentials
 */
ConduitCredentialsWindow *
conduit_credentials_window_new (GtkApplication *application)
{
  return g_object_new (CONDUIT_TYPE_CREDENTIALS_WINDOW, "application", application, NULL);
}
