/* conduit-history-view-server.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-view"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-credential-store.h"
#include "conduit-history-view-private.h"

/* A server's history on the desktop: the runs the workers of `serve --queue` share in
 * PostgreSQL, opened from an address or from a PostgreSQL credential in the keyring. It opens
 * read-only (conduit_history_store_new_read_only()): the desktop looks at the server's runs
 * and never changes them, so re-running, deleting and marking handled are off while it shows,
 * and a row above the list says so. */

/* In a worker thread: the credential's secret comes from the keyring, and connecting blocks. */
static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  const char *location = task_data;
  g_autofree char *url = NULL;
  GError *error = NULL;
  ConduitHistoryStore *store;

  if (conduit_history_store_is_server_location (location))
    url = g_strdup (location);
  else
    {
      g_autoptr(ConduitCredential) credential =
        conduit_credential_store_lookup_sync (conduit_credential_store_get_default (), location,
                                              cancellable, &error);

      if (credential == NULL ||
          (url = conduit_history_store_dup_credential_url (credential, &error)) == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }

  store = conduit_history_store_new_read_only (url, &error);
  if (store == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, store, g_object_unref);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(ConduitHistoryStore) store = NULL;
  GError *error = NULL;

  g_assert (CONDUIT_IS_HISTORY_VIEW (self));

  store = g_task_propagate_pointer (G_TASK (result), &error);
  if (store == NULL)
    {
      _conduit_history_view_show_toast (self, error->message);
      g_task_return_error (outer, error);
      return;
    }
  conduit_history_view_set_store (self, store);
  g_task_return_boolean (outer, TRUE);
}

/**
 * conduit_history_view_open_server_async:
 * @self: a history view
 * @location: a `postgresql://` address, or the id of a PostgreSQL credential
 * @cancellable: (nullable): a cancellable
 * @callback: (nullable): called once the history shows, or could not be opened
 * @user_data: data for @callback
 *
 * Opens a server's shared history read-only and shows it; a failure is a toast (and the
 * result's error).
 */
void
conduit_history_view_open_server_async (ConduitHistoryView  *self,
                                        const char          *location,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;

  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));
  g_return_if_fail (location != NULL);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, conduit_history_view_open_server_async);
  /* The store is shown in the main thread before the caller hears of it. */
  inner = g_task_new (self, cancellable, opened_cb, outer);
  g_task_set_task_data (inner, g_strstrip (g_strdup (location)), g_free);
  g_task_run_in_thread (inner, open_thread);
}

/**
 * conduit_history_view_open_server_finish:
 * @self: a history view
 * @result: the result
 * @error: return location for an error
 *
 * Returns: whether the server's history shows
 */
gboolean
conduit_history_view_open_server_finish (ConduitHistoryView  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
open_response (AdwMessageDialog   *dialog,
               const char         *response,
               ConduitHistoryView *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  const char *text = gtk_editable_get_text (entry);

  if (g_strcmp0 (response, "open") != 0 || text == NULL || *text == '\0')
    return;
  conduit_history_view_open_server_async (self, text, NULL, NULL, NULL);
}

static void
open_server_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  GtkWidget *dialog;
  GtkWidget *entry = gtk_entry_new ();

  dialog = adw_message_dialog_new (_conduit_history_view_parent_window (self),
                                   _("Open Server History"),
                                   _("The run history the workers of a server share in "
                                     "PostgreSQL. It opens read-only: its runs cannot be "
                                     "re-run, deleted or marked handled here."));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                  _("postgresql://user@host/database, or a credential"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Server address or PostgreSQL credential"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "open");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (open_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_server_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);

  conduit_history_view_set_store (self, self->runner != NULL
                                        ? conduit_runner_get_history (self->runner) : NULL);
}

/* Called whenever the actions' states change: while a read-only history shows, what would
 * write stays off, whatever the run. */
void
_conduit_history_view_update_server (ConduitHistoryView *self)
{
  static const char * const writes[] = {
    "history.rerun", "history.rerun-failed", "history.rerun-unsent", "history.mark-handled",
    "history.delete-run", "history.delete-listed", "history.retention",
  };
  gboolean read_only = self->store != NULL && conduit_history_store_is_read_only (self->store);

  gtk_widget_set_visible (self->server_row, read_only);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.close-server", read_only);
  if (!read_only)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.retention", TRUE);
      return;
    }

  {
    g_autofree char *text = g_strdup_printf (_("Server history %s, read-only: its runs cannot "
                                               "be re-run, deleted or marked handled here."),
                                             conduit_history_store_get_path (self->store));

    gtk_label_set_text (self->server_label, text);
  }
  for (guint i = 0; i < G_N_ELEMENTS (writes); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), writes[i], FALSE);
}

void
_conduit_history_view_class_server_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, server_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitHistoryView, server_label);
  gtk_widget_class_install_action (widget_class, "history.open-server", NULL, open_server_action);
  gtk_widget_class_install_action (widget_class, "history.close-server", NULL,
                                   close_server_action);
}
