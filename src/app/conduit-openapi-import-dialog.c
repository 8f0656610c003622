/* conduit-openapi-import-dialog.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-openapi-import-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-openapi-import-dialog.h"

/* "Import an API Description…": an address or a file, then the report. The description is
 * downloaded (only the address given; a `$ref` elsewhere never is), imported off the main
 * thread (a 5 MB description takes a moment), written into the connector folder merged with an
 * earlier import, and added to the registry, so its operations appear in the palette at once.
 * The result page says what was added and lists what was not carried over. */

struct _ConduitOpenapiImportDialog
{
  AdwWindow                 parent_instance;

  GtkStack                 *stack;
  AdwEntryRow              *address_row;
  AdwActionRow             *file_row;
  GtkButton                *import_button;
  GtkButton                *cancel_button;
  GtkSpinner               *spinner;
  GtkLabel                 *summary_label;
  AdwPreferencesGroup      *report_group;
  GtkListBox               *report_list;

  ConduitConnectorRegistry *registry;
  char                     *directory;   /* nullable: the user's connector folder */
  GFile                    *file;
  GCancellable             *cancellable;
  ConduitOpenapiImport     *import;
  char                     *error_message;
  gboolean                  busy;
};

G_DEFINE_FINAL_TYPE (ConduitOpenapiImportDialog, conduit_openapi_import_dialog, ADW_TYPE_WINDOW)

typedef struct
{
  GBytes *bytes;
  char   *address;
  char   *directory;
  char   *path;      /* out: where the descriptor was written */
} ImportJob;

static void
import_job_free (ImportJob *job)
{
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->address);
  g_free (job->directory);
  g_free (job->path);
  g_free (job);
}

static void
update_actions (ConduitOpenapiImportDialog *self)
{
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));
  gboolean on_source = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "source") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import-dialog.import",
                                 on_source && !self->busy && (self->file != NULL || *address != '\0'));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "import-dialog.choose-file", on_source && !self->busy);
}

static void
show_result (ConduitOpenapiImportDialog *self,
             const char                 *path)
{
  GtkWidget *child;

  self->busy = FALSE;
  gtk_spinner_stop (self->spinner);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->report_list))) != NULL)
    gtk_list_box_remove (self->report_list, child);

  if (self->import == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The description could not be imported:\n%s"),
                                               self->error_message);

      gtk_label_set_text (self->summary_label, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->report_group), FALSE);
    }
  else
    {
      GPtrArray *report = conduit_openapi_import_get_report (self->import);
      g_autofree char *text = NULL;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "“%s” has %u operation; it is in the palette under Actions as “%s → …”.\nSaved as %s.",
                                           "“%s” has %u operations; they are in the palette under Actions as “%s → …”.\nSaved as %s.",
                                           conduit_openapi_import_get_n_operations (self->import)),
                              conduit_openapi_import_get_title (self->import),
                              conduit_openapi_import_get_n_operations (self->import),
                              conduit_openapi_import_get_title (self->import), path);
      gtk_label_set_text (self->summary_label, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->report_group), report->len > 0);
      for (guint i = 0; i < report->len; i++)
        {
          const char *sentence = g_ptr_array_index (report, i);
          g_autofree char *first = g_utf8_strup (sentence, g_utf8_next_char (sentence) - sentence);
          g_autofree char *shown = g_strconcat (first, g_utf8_next_char (sentence), NULL);
          GtkWidget *label = gtk_label_new (shown);

          gtk_label_set_wrap (GTK_LABEL (label), TRUE);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_selectable (GTK_LABEL (label), TRUE);
          gtk_widget_set_margin_top (label, 8);
          gtk_widget_set_margin_bottom (label, 8);
          gtk_widget_set_margin_start (label, 12);
          gtk_widget_set_margin_end (label, 12);
          gtk_list_box_append (self->report_list, label);
        }
    }

  gtk_stack_set_visible_child_name (self->stack, "result");
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), FALSE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  update_actions (self);
}

static void
fail (ConduitOpenapiImportDialog *self,
      const char                 *where,
      const GError               *error)
{
  g_free (self->error_message);
  /* the description's own line and pointer come first in the importer's messages */
  self->error_message = where ? g_strdup_printf ("%s:%s", where, error->message) : g_strdup (error->message);
  g_clear_object (&self->import);
  show_result (self, NULL);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportJob *job = task_data;
  g_autoptr(ConduitOpenapiImport) import = NULL;
  GError *error = NULL;

  import = conduit_openapi_import_new (g_bytes_get_data (job->bytes, NULL), g_bytes_get_size (job->bytes),
                                       job->address, NULL, &error);
  if (import == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!(job->path = conduit_openapi_import_write (import, job->directory, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&import), g_object_unref);
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ConduitOpenapiImportDialog *self = CONDUIT_OPENAPI_IMPORT_DIALOG (source);
  ImportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitOpenapiImport) import = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;
  g_autofree char *file_name = self->file ? g_file_get_parse_name (self->file) : NULL;

  if (import == NULL)
    {
      /* the importer's own messages start "LINE: /pointer:": the source goes in front */
      gboolean located = error->domain == CONDUIT_OPENAPI_IMPORT_ERROR &&
                         error->code != CONDUIT_OPENAPI_IMPORT_ERROR_FAILED;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, located ? (job->address ? job->address : file_name) : NULL, error);
      return;
    }

  /* what was written, merged with the user's edits, is what the palette offers */
  if (!g_file_get_contents (job->path, &text, NULL, &error) ||
      !conduit_connector_registry_load_app_from_data (self->registry, text, -1, NULL, &error))
    {
      fail (self, job->path, error);
      return;
    }
  g_set_object (&self->import, import);
  show_result (self, job->path);
}

static void
start_import (ConduitOpenapiImportDialog *self,
              GBytes                     *bytes,
              const char                 *address)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, imported_cb, NULL);
  ImportJob *job = g_new0 (ImportJob, 1);

  job->bytes = g_bytes_ref (bytes);
  job->address = g_strdup (address);
  job->directory = g_strdup (self->directory);
  g_task_set_source_tag (task, start_import);
  g_task_set_task_data (task, job, (GDestroyNotify)import_job_free);
  g_task_run_in_thread (task, import_in_thread);
}

static void
downloaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitOpenapiImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = conduit_openapi_download_finish (result, &error);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, NULL, error);
      return;
    }
  start_import (self, bytes, gtk_editable_get_text (GTK_EDITABLE (self->address_row)));
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConduitOpenapiImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *name = g_file_get_parse_name (G_FILE (source));
          fail (self, name, error);
        }
      return;
    }
  start_import (self, bytes, NULL);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitOpenapiImportDialog *self = CONDUIT_OPENAPI_IMPORT_DIALOG (widget);
  const char *address = gtk_editable_get_text (GTK_EDITABLE (self->address_row));

  g_assert (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self));

  self->busy = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_spinner_start (self->spinner);
  update_actions (self);

  /* an address typed wins over a file chosen earlier: it is the last thing the person did */
  if (*address != '\0')
    conduit_openapi_download_async (address, self->cancellable, downloaded_cb, g_object_ref (self));
  else
    g_file_load_bytes_async (self->file, self->cancellable, loaded_cb, g_object_ref (self));
}

static void
file_chosen_cb (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  ConduitOpenapiImportDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      conduit_openapi_import_dialog_set_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConduitOpenapiImportDialog *self = CONDUIT_OPENAPI_IMPORT_DIALOG (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("OpenAPI descriptions (JSON, YAML)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "yaml");
  gtk_file_filter_add_suffix (filter, "yml");
  chooser = gtk_file_chooser_native_new (_("Choose an API Description"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
address_changed_cb (ConduitOpenapiImportDialog *self)
{
  g_assert (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self));
  update_actions (self);
}

static void
conduit_openapi_import_dialog_dispose (GObject *object)
{
  ConduitOpenapiImportDialog *self = CONDUIT_OPENAPI_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->registry);
  g_clear_object (&self->file);
  g_clear_object (&self->import);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_OPENAPI_IMPORT_DIALOG);

  G_OBJECT_CLASS (conduit_openapi_import_dialog_parent_class)->dispose (object);
}

static void
conduit_openapi_import_dialog_finalize (GObject *object)
{
  ConduitOpenapiImportDialog *self = CONDUIT_OPENAPI_IMPORT_DIALOG (object);

  g_free (self->directory);
  g_free (self->error_message);

  G_OBJECT_CLASS (conduit_openapi_import_dialog_parent_class)->finalize (object);
}

static void
conduit_openapi_import_dialog_class_init (ConduitOpenapiImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_openapi_import_dialog_dispose;
  object_class->finalize = conduit_openapi_import_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/conduit/Conduit/conduit-openapi-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, file_row);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, report_group);
  gtk_widget_class_bind_template_child (widget_class, ConduitOpenapiImportDialog, report_list);

  gtk_widget_class_install_action (widget_class, "import-dialog.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "import-dialog.choose-file", NULL, choose_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
conduit_openapi_import_dialog_init (ConduitOpenapiImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect_swapped (self->address_row, "changed", G_CALLBACK (address_changed_cb), self);
  update_actions (self);
}

/**
 * conduit_openapi_import_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @registry: where the imported app is added (the palette's)
 * @directory: (nullable): the connector folder; %NULL for the user's
 *
 * Returns: (transfer full): the dialog
 */
GtkWidget *
conduit_openapi_import_dialog_new (GtkWindow                *parent,
                                   ConduitConnectorRegistry *registry,
                                   const char               *directory)
{
  ConduitOpenapiImportDialog *self;

  g_return_val_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry), NULL);

  self = g_object_new (CONDUIT_TYPE_OPENAPI_IMPORT_DIALOG, "transient-for", parent, NULL);
  self->registry = g_object_ref (registry);
  self->directory = g_strdup (directory);
  return GTK_WIDGET (self);
}

/**
 * conduit_openapi_import_dialog_set_file:
 * @self: a dialog
 * @file: (nullable): the description to import
 */
void
conduit_openapi_import_dialog_set_file (ConduitOpenapiImportDialog *self,
                                        GFile                      *file)
{
  g_return_if_fail (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self));

  if (!g_set_object (&self->file, file))
    return;
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      adw_action_row_set_subtitle (self->file_row, name);
    }
  else
    adw_action_row_set_subtitle (self->file_row, _("None chosen"));
  update_actions (self);
}

/**
 * conduit_openapi_import_dialog_get_busy:
 * @self: a dialog
 *
 * Returns: whether an import is under way
 */
gboolean
conduit_openapi_import_dialog_get_busy (ConduitOpenapiImportDialog *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self), FALSE);
  return self->busy;
}

/**
 * conduit_openapi_import_dialog_get_import:
 * @self: a dialog
 *
 * Returns: (transfer none) (nullable): the finished import, or %NULL
 */
ConduitOpenapiImport *
conduit_openapi_import_dialog_get_import (ConduitOpenapiImportDialog *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self), NULL);
  return self->import;
}

/**
 * conduit_openapi_import_dialog_get_error:
 * @self: a dialog
 *
 * Returns: (nullable): why the last import failed
 */
const char *
conduit_openapi_import_dialog_get_error (ConduitOpenapiImportDialog *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self), NULL);
  return self->import ? NULL : self->error_message;
}

/**
 * conduit_openapi_import_dialog_get_report_list:
 * @self: a dialog
 *
 * Returns: (transfer none): the list of what was not carried over
 */
GtkListBox *
conduit_openapi_import_dialog_get_report_list (ConduitOpenapiImportDialog *self)
{
  g_return_val_if_fail (CONDUIT_IS_OPENAPI_IMPORT_DIALOG (self), NULL);
  return self->report_list;
}
