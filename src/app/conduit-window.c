/* conduit-window.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conduit-activation.h"
#include "conduit-test-listener.h"
#include "conduit-editor.h"
#include "conduit-resources.h"
#include "conduit-openapi-import-dialog.h"
#include "conduit-pin-panel.h"
#include "conduit-window.h"

#define EXAMPLES_PATH  "/io/conduit/Conduit/examples/"
#define MAX_RECENT     6

struct _ConduitWindow
{
  AdwApplicationWindow  parent_instance;

  ConduitDocument      *document;
  GCancellable         *cancellable;
  GFile                *loading_file;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  AdwHeaderBar         *header_bar;
  GtkWidget            *activation;      /* the "Active" switch */
  GtkWidget            *primary_menu_button;
  GtkStack             *main_stack;
  AdwStatusPage        *error_page;
  GtkLabel             *error_label;
  GtkBox               *editor_box;
  ConduitEditor        *editor;
  GtkWidget            *open_button;
  GtkWidget            *new_button;
  GtkWidget            *inspector_button;
  GtkWidget            *run_button;
  AdwButtonContent     *run_button_content;
  AdwPreferencesGroup  *recent_group;
  GtkListBox           *recent_list;
  GtkListBox           *examples_list;
  GMenu                *examples_menu;
  GtkWidget            *history_button;
  GtkWidget            *save_button;
  ConduitHistoryView   *history_view;
  char                 *page_before_history;
  GtkWidget            *tests_button;
  ConduitTestsPane     *tests_pane;   /* (nullable) (unowned) the open flow's Tests pane, until
                                       * it is destroyed */

  guint                 close_after_save : 1;
  guint                 close_after_stop : 1;
  guint                 force_close : 1;
  guint                 stop_confirmed : 1;
  guint                 narrow : 1;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_FLOW_ACTIVE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitWindow, conduit_window, ADW_TYPE_APPLICATION_WINDOW)

static GParamSpec *properties[N_PROPS];

static void save_as (ConduitWindow *self);
static void update_run_placement (ConduitWindow *self);
static gboolean is_narrow (ConduitWindow *self);

/* A folder (or a file) as GNOME's apps name it in a subtitle: "~/Flows" for one in the home
 * folder, so a narrow header shows the part that tells flows apart rather than "/home/dana/". */
static char *
display_folder (GFile *folder)
{
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  g_autofree char *relative = NULL;

  if (g_file_equal (folder, home))
    return g_strdup ("~");
  relative = g_file_get_relative_path (home, folder);
  if (relative != NULL)
    return g_build_filename ("~", relative, NULL);
  return g_file_get_parse_name (folder);
}

static void
update_title (ConduitWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *window_title = NULL;
  g_autofree char *subtitle = NULL;
  GFile *file;

  if (self->document == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Conduit"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Conduit"));
      return;
    }

  title = conduit_document_dup_title (self->document);
  if (conduit_document_get_modified (self->document))
    {
      /* The bullet marks unsaved changes, as GNOME's editors do. */
      g_autofree char *marked = g_strdup_printf ("• %s", title);
      g_free (title);
      title = g_steal_pointer (&marked);
    }

  file = conduit_document_get_file (self->document);
  if (file != NULL)
    {
      g_autoptr(GFile) parent = g_file_get_parent (file);
      g_autofree char *basename = g_file_get_basename (file);

      if (parent != NULL)
        {
          g_autofree char *dir = display_folder (parent);
          subtitle = g_strdup_printf ("%s — %s", basename, dir);
        }
      else
        subtitle = g_steal_pointer (&basename);
    }
  else
    {
      subtitle = g_strdup (_("Not saved yet"));
    }

  /* While the flow is served, say so where the eye goes first. */
  if (self->activation != NULL &&
      conduit_activation_get_status (CONDUIT_ACTIVATION (self->activation)) != NULL)
    {
      g_free (subtitle);
      subtitle = g_strdup (conduit_activation_get_status (CONDUIT_ACTIVATION (self->activation)));
    }

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  window_title = g_strdup_printf ("%s — %s", title, _("Conduit"));
  gtk_window_set_title (GTK_WINDOW (self), window_title);
}

/* run history pane: the header bar holds three buttons at 360 px. Beside the canvas the history
 * is in the main menu and on Ctrl+H; Save only shows when there is a flow to save; over the
 * history, New and Open are in the menu. */
static void
update_history_button (ConduitWindow *self)
{
  gboolean has_document = self->document != NULL;
  gboolean on_history = g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "history") == 0;
  gboolean narrow_active = self->narrow &&
                           conduit_activation_get_active (CONDUIT_ACTIVATION (self->activation));

  gtk_widget_set_visible (self->history_button, !has_document || on_history);
  /* Active on a narrow window: the switch without its word, and the inspector toggle goes (a
   * step selected opens the inspector), so the header bar still fits 360 px */
  gtk_widget_set_visible (self->inspector_button, has_document && !on_history && !narrow_active);
  conduit_activation_set_compact (CONDUIT_ACTIVATION (self->activation), self->narrow);
  conduit_test_listener_set_flow_active (
    CONDUIT_TEST_LISTENER (conduit_editor_get_test_listener (self->editor)),
    conduit_activation_get_active (CONDUIT_ACTIVATION (self->activation)));
  gtk_widget_set_visible (self->tests_button, has_document && !on_history && !is_narrow (self));
  gtk_widget_set_visible (self->save_button, has_document);
  /* At 360 px the header bar has no room for it; while the flow is Active it stays, as the
   * indicator and the way to switch it off. */
  gtk_widget_set_visible (self->activation,
                          has_document && !on_history &&
                          (!self->narrow ||
                           conduit_activation_get_active (CONDUIT_ACTIVATION (self->activation))));
  /* and with the switch gone, the main menu has it: a narrow window can switch a flow Active */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.flow-active",
                                 has_document && !on_history && self->narrow);
  gtk_widget_set_visible (self->new_button, !has_document && !on_history);
  gtk_widget_set_visible (self->open_button, !has_document && !on_history);
}

static void
update_actions (ConduitWindow *self)
{
  gboolean has_document = self->document != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-tests", has_document);

  /* The inspector toggle only means something beside the canvas; it takes the place of New and
   * Open (still in the main menu, and Ctrl+N, Ctrl+O) so that the header bar fits a 360 px
   * window even with minimize and maximize buttons. The palette has its button on the canvas. */
  gtk_widget_set_visible (self->inspector_button, has_document);
  update_run_placement (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.run", has_document);
  gtk_widget_set_visible (self->new_button, !has_document);
  gtk_widget_set_visible (self->open_button, !has_document);
  update_history_button (self);
}

/**
 * conduit_window_set_document:
 * @self: a window
 * @document: (nullable): the document to show, or %NULL for the start page
 */
void
conduit_window_set_document (ConduitWindow   *self,
                             ConduitDocument *document)
{
  g_return_if_fail (CONDUIT_IS_WINDOW (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);

  if (!g_set_object (&self->document, document))
    return;

  /* Closing the flow, or opening another here, stops serving it. */
  conduit_activation_set_document (CONDUIT_ACTIVATION (self->activation), document);
  conduit_editor_set_document (self->editor, document);
  conduit_history_view_set_flow (self->history_view,
                                 document != NULL ? conduit_document_get_flow (document) : NULL);
  conduit_history_view_set_document (self->history_view, document);
  /* the pane follows the open flow; with none (the start page) it has nothing to show */
  if (self->tests_pane != NULL && document != NULL)
    conduit_tests_pane_set_document (self->tests_pane, document);
  else if (self->tests_pane != NULL)
    gtk_window_destroy (GTK_WINDOW (self->tests_pane));

  if (document != NULL)
    {
      g_signal_connect_swapped (document, "notify::title", G_CALLBACK (update_title), self);
      g_signal_connect_swapped (document, "notify::file", G_CALLBACK (update_title), self);
      gtk_stack_set_visible_child_name (self->main_stack, "editor");
    }
  else
    {
      gtk_stack_set_visible_child_name (self->main_stack, "start");
    }

  update_title (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * conduit_window_get_activation:
 * @self: a window
 *
 * Returns: (transfer none): the header bar's "Active" switch (a #ConduitActivation)
 */
ConduitActivation *
conduit_window_get_activation (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return CONDUIT_ACTIVATION (self->activation);
}

/**
 * conduit_window_get_document:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the document shown
 */
ConduitDocument *
conduit_window_get_document (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return self->document;
}

/**
 * conduit_window_show_toast:
 * @self: a window
 * @message: a short sentence
 *
 * Shows a message that does not block anything.
 */
void
conduit_window_show_toast (ConduitWindow *self,
                           const char    *message)
{
  g_return_if_fail (CONDUIT_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/**
 * conduit_window_get_page_name:
 * @self: a window
 *
 * Returns: "start", "error" or "editor": which page the window shows
 */
const char *
conduit_window_get_page_name (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->main_stack);
}

/**
 * conduit_window_get_error_text:
 * @self: a window
 *
 * Returns: the problems shown on the error page
 */
const char *
conduit_window_get_error_text (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->error_label);
}

/**
 * conduit_window_get_editor:
 * @self: a window
 *
 * Returns: (transfer none): the editor page
 */
ConduitEditor *
conduit_window_get_editor (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return self->editor;
}

static void
show_load_error (ConduitWindow *self,
                 GFile         *file,
                 GPtrArray     *problems,
                 const GError  *error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *description = NULL;

  if (problems != NULL && problems->len > 0)
    {
      for (guint i = 0; i < problems->len; i++)
        {
          ConduitFlowProblem *problem = g_ptr_array_index (problems, i);

          if (i > 0)
            g_string_append_c (text, '\n');
          /* Translators: a problem in a flow file, e.g. "Line 12: /nodes/1/settings: …" */
          g_string_append_printf (text, _("Line %u: %s: %s"), problem->line,
                                  *problem->pointer ? problem->pointer : "/", problem->message);
        }
      description = g_strdup_printf (ngettext ("“%s” has a problem. Fix it in a text editor, or open another flow.",
                                               "“%s” has %u problems. Fix them in a text editor, or open another flow.",
                                               problems->len),
                                     name, problems->len);
    }
  else
    {
      g_string_append (text, error->message);
      description = g_strdup_printf (_("“%s” could not be read."), name);
    }

  adw_status_page_set_description (self->error_page, description);
  gtk_label_set_text (self->error_label, text->str);

  conduit_window_set_document (self, NULL);
  gtk_stack_set_visible_child_name (self->main_stack, "error");
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, _("Could not be opened"));
}

/* The start page lists recent flows by their names, as people know them. */
static void
add_to_recent (ConduitDocument *document)
{
  g_autofree char *uri = g_file_get_uri (conduit_document_get_file (document));
  GtkRecentData data = {
    .display_name = (char *)conduit_flow_get_name (conduit_document_get_flow (document)),
    .mime_type = (char *)CONDUIT_FLOW_MIME_TYPE,
    .app_name = (char *)g_get_application_name (),
    .app_exec = (char *)"conduit %u",
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ConduitWindow) self = user_data;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  document = conduit_document_load_finish (result, &problems, &error);
  if (document == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *uri = g_file_get_uri (self->loading_file);

          /* a flow that cannot be opened is no recent flow to offer again */
          gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
          show_load_error (self, self->loading_file, problems, error);
        }
      return;
    }

  add_to_recent (document);
  conduit_window_set_document (self, document);
}

/**
 * conduit_window_open_file:
 * @self: a window
 * @file: a flow file
 *
 * Opens @file in this window; a broken file shows its problems in the window.
 */
void
conduit_window_open_file (ConduitWindow *self,
                          GFile         *file)
{
  g_return_if_fail (CONDUIT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_set_object (&self->loading_file, file);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  conduit_document_load_async (file, self->cancellable, load_cb, g_object_ref (self));
}

/**
 * conduit_window_open_example:
 * @self: a window
 * @name: the file name of a bundled example, e.g. "web-form-to-crm.conduit"
 *
 * Opens a copy of an example: it has no file, so saving asks where to.
 */
void
conduit_window_open_example (ConduitWindow *self,
                             const char    *name)
{
  g_autofree char *path = g_strconcat (EXAMPLES_PATH, name, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONDUIT_IS_WINDOW (self));

  bytes = g_resources_lookup_data (path, 0, &error);
  if (bytes != NULL)
    flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                       g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                       NULL, &error);
  if (flow == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The example “%s” could not be opened: %s"),
                                                  name, error->message);
      conduit_window_show_toast (self, message);
      return;
    }

  document = conduit_document_new (flow, NULL);
  conduit_window_set_document (self, document);
}

/* GNOME's rule for a one-document window, the same for New, Open, a recent flow and an
 * example: a window keeps the flow it shows, and another flow opens in a window of its own —
 * except that a window with nothing of value (the start page, a file that could not be read, a
 * new flow still empty and unchanged) takes it. A flow already open is shown where it is. */
static ConduitWindow *
window_for_opening (ConduitWindow *self,
                    GFile         *file)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  ConduitWindow *window;

  if (file != NULL && application != NULL)
    for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
      {
        ConduitWindow *other = l->data;
        GFile *shown;

        if (!CONDUIT_IS_WINDOW (other) || other->document == NULL)
          continue;
        shown = conduit_document_get_file (other->document);
        if (shown != NULL && g_file_equal (shown, file))
          {
            gtk_window_present (GTK_WINDOW (other));
            return NULL;
          }
      }

  if (self->document == NULL ||
      (conduit_document_get_file (self->document) == NULL &&
       !conduit_document_get_modified (self->document) &&
       conduit_flow_get_n_nodes (conduit_document_get_flow (self->document)) == 0) ||
      application == NULL)
    return self;

  window = conduit_window_new (CONDUIT_APPLICATION (application));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  ConduitWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      ConduitWindow *window = window_for_opening (self, file);

      if (window != NULL)
        conduit_window_open_file (window, file);
    }

  g_object_unref (dialog);
}

static GtkFileFilter *
new_flow_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Conduit Flows"));
  gtk_file_filter_add_mime_type (filter, CONDUIT_FLOW_MIME_TYPE);
  gtk_file_filter_add_suffix (filter, "conduit");

  return filter;
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = new_flow_filter ();

  /* GtkFileChooserNative goes through the portal inside a sandbox: no home access needed. */
  dialog = gtk_file_chooser_native_new (_("Open a Flow"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
new_flow_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitWindow *window = window_for_opening (CONDUIT_WINDOW (widget), NULL);
  g_autoptr(ConduitDocument) document = conduit_document_new_untitled ();

  conduit_window_set_document (window, document);
}

static void
open_example_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitWindow *window = window_for_opening (CONDUIT_WINDOW (widget), NULL);

  conduit_window_open_example (window, g_variant_get_string (parameter, NULL));
}

static void
open_recent_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  ConduitWindow *window = window_for_opening (CONDUIT_WINDOW (widget), file);

  if (window != NULL)
    conduit_window_open_file (window, file);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(ConduitWindow) self = user_data;
  ConduitDocument *document = CONDUIT_DOCUMENT (object);
  g_autoptr(GError) error = NULL;

  if (!conduit_document_save_finish (document, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save: %s"), error->message);

      self->close_after_save = FALSE;
      conduit_window_show_toast (self, message);
      return;
    }

  add_to_recent (document);

  if (self->close_after_save)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  {
    g_autofree char *title = conduit_document_dup_title (document);
    g_autofree char *message = g_strdup_printf (_("Saved “%s”"), title);
    conduit_window_show_toast (self, message);
  }
}

/* A flow never named takes the name its file is given (without the extension), so that it is
 * not saved as one more "Untitled Flow". */
static void
name_untitled_flow (ConduitDocument *document,
                    GFile           *file)
{
  ConduitFlow *flow = conduit_document_get_flow (document);
  g_autofree char *basename = g_file_get_basename (file);
  char *dot;

  if (g_strcmp0 (conduit_flow_get_name (flow), _("Untitled Flow")) != 0 || basename == NULL)
    return;
  if ((dot = strrchr (basename, '.')) != NULL && dot != basename)
    *dot = '\0';
  conduit_flow_set_name (flow, basename);
}

/**
 * conduit_window_save_as_file:
 * @self: a window
 * @file: where to save the flow
 *
 * Saves the window's flow to @file, as Save As does once a file is chosen.
 */
void
conduit_window_save_as_file (ConduitWindow *self,
                             GFile         *file)
{
  g_return_if_fail (CONDUIT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->document == NULL)
    return;
  name_untitled_flow (self->document, file);
  conduit_document_save_async (self->document, file, NULL, save_cb, g_object_ref (self));
}

static void
save_as_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  ConduitWindow *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->document != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      name_untitled_flow (self->document, file);
      conduit_document_save_async (self->document, file, NULL, save_cb, g_object_ref (self));
    }
  else
    {
      self->close_after_save = FALSE;
    }

  g_object_unref (dialog);
}

static void
save_as (ConduitWindow *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = new_flow_filter ();
  g_autofree char *title = conduit_document_dup_title (self->document);
  g_autofree char *name = g_strdup_printf ("%s.conduit", title);

  dialog = gtk_file_chooser_native_new (_("Save Flow"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (save_as_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);

  if (self->document == NULL)
    return;

  if (conduit_document_get_file (self->document) == NULL)
    save_as (self);
  else
    conduit_document_save_async (self->document, NULL, NULL, save_cb, g_object_ref (self));
}

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);

  if (self->document != NULL)
    save_as (self);
}

static gboolean
close_idle_cb (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   ConduitWindow    *self)
{
  if (g_str_equal (response, "discard"))
    {
      /* Not from inside the prompt's answer: closing may free this window, and the prompt,
       * freed when its answer is done, would then unset its transient parent on a freed
       * window (a GLib critical). Once the prompt is gone, the window closes. */
      self->force_close = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
    }
  else if (g_str_equal (response, "save"))
    {
      self->close_after_save = TRUE;
      gtk_widget_activate_action (GTK_WIDGET (self), "win.save", NULL);
    }
}

static void
stop_response_cb (AdwMessageDialog *dialog,
                  const char       *response,
                  ConduitWindow    *self)
{
  if (!g_str_equal (response, "stop"))
    return;

  /* The window goes once the run has ended, so that its end ("cancelled") is in the history
   * before the application may quit and close the history. */
  self->stop_confirmed = TRUE;
  self->close_after_stop = TRUE;
  if (conduit_editor_get_running (self->editor))
    conduit_editor_stop_run (self->editor);
  else
    g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
}

/* Closing the window while a test run goes on would cut the run short without a word, and
 * leave it "interrupted" in the history: ask first, then stop it and close once it ended. */
static gboolean
ask_to_stop_run (ConduitWindow *self)
{
  g_autofree char *title = NULL;
  GtkWidget *dialog;

  if (self->stop_confirmed || self->editor == NULL ||
      !conduit_editor_get_running (self->editor))
    return FALSE;

  title = conduit_document_dup_title (self->document);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Stop the Test Run?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” is still running. Closing the window stops the run; "
                                    "the run history keeps what it has done so far."),
                                  title);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "stop", _("_Stop and Close"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (stop_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static gboolean
conduit_window_close_request (GtkWindow *window)
{
  ConduitWindow *self = CONDUIT_WINDOW (window);
  g_autofree char *title = NULL;
  GtkWidget *dialog;
  GSettings *settings;
  int width, height;

  if (!self->force_close && self->document != NULL &&
      conduit_document_get_modified (self->document))
    {
      title = conduit_document_dup_title (self->document);
      dialog = adw_message_dialog_new (window, _("Save Changes?"), NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("“%s” has unsaved changes. Changes that are not saved will be lost."),
                                      title);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  if (self->document != NULL && ask_to_stop_run (self))
    return TRUE;

  if (gtk_window_get_application (window) != NULL)
    {
      settings = conduit_application_get_settings (CONDUIT_APPLICATION (gtk_window_get_application (window)));
      gtk_window_get_default_size (window, &width, &height);
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
      g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (window));
    }

  return GTK_WINDOW_CLASS (conduit_window_parent_class)->close_request (window);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         ConduitWindow *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      for (GSList *l = files; l != NULL; l = l->next)
        {
          g_autofree char *name = g_file_get_basename (l->data);

          if (g_str_has_suffix (name, ".conduit"))
            {
              conduit_window_open_file (self, l->data);
              return TRUE;
            }
        }

      conduit_window_show_toast (self, _("Only Conduit flows (.conduit files) can be opened"));
    }

  return FALSE;
}

static GtkWidget *
new_start_row (const char *title,
               const char *subtitle,
               const char *action_name,
               GVariant   *target)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), target);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  return row;
}

/* The bundled examples' names and descriptions, for translators: the examples are flow files,
 * which xgettext cannot read, and the start page shows these in the user's language. The test
 * /conduit/attention/editor/examples-translatable fails when an example is missing here. */
static const char * const example_strings[] = {
  N_("Customer CSV export to the billing API"),
  N_("Each row of the nightly customer export becomes a customer in the billing system; "
     "rows the mapping refuses and calls that fail are kept in files to fix and resend."),
  N_("Shop orders into reporting"),
  N_("Every few minutes, the orders that are new or changed in the shop's MySQL database "
     "since the last run are filtered to the paid ones, mapped and upserted into the "
     "reporting PostgreSQL database; a row either side refuses goes to an error port with "
     "the database's reason."),
  N_("Web form lead to CRM contact"),
  N_("Each web-form submission becomes a HubSpot contact, and the sales channel in Slack hears "
     "about it."),
  N_("Shop order to fulfilment"),
  N_("Every paid order the shop announces goes to the warehouse once, even when the shop "
     "sends the same event twice, and the fulfilment channel in Slack hears of it."),
  N_("New orders workbook on SFTP to an e-mail summary"),
  N_("When the shop's export drops a new Excel workbook into /incoming/orders on the SFTP "
     "server, the order desk gets an e-mail naming the file, its size and how many order rows "
     "it holds, with the workbook attached. Each workbook is mailed once."),
};

/* An example's text in the user's language, when it is one of the strings above. */
static const char *
example_text (const char *text)
{
  if (text == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (example_strings); i++)
    if (g_str_equal (text, example_strings[i]))
      return _(example_strings[i]);
  return text;
}

static void
populate_examples (ConduitWindow *self)
{
  g_auto(GStrv) names = g_resources_enumerate_children (EXAMPLES_PATH, 0, NULL);

  if (names == NULL)
    return;

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *path = g_strconcat (EXAMPLES_PATH, names[i], NULL);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr(ConduitFlow) flow = NULL;

      if (bytes == NULL)
        continue;

      flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                         g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                         NULL, NULL);
      if (flow == NULL)
        {
          g_warning ("Bundled example %s is broken", names[i]);
          continue;
        }

      gtk_list_box_append (self->examples_list,
                           new_start_row (example_text (conduit_flow_get_name (flow)),
                                          example_text (conduit_flow_get_description (flow)),
                                          "win.open-example", g_variant_new_string (names[i])));
      {
        g_autoptr(GMenuItem) item = g_menu_item_new (example_text (conduit_flow_get_name (flow)), NULL);

        g_menu_item_set_action_and_target_value (item, "win.open-example",
                                                 g_variant_new_string (names[i]));
        g_menu_append_item (self->examples_menu, item);
      }
    }
}

static void
populate_recent (ConduitWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint shown = 0;

  for (GList *l = items; l != NULL && shown < MAX_RECENT; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autofree char *subtitle = NULL;
      g_autoptr(GFile) file = NULL;

      if (!g_str_has_suffix (uri, ".conduit") || !gtk_recent_info_exists (info))
        continue;

      file = g_file_new_for_uri (uri);
      subtitle = display_folder (file);
      gtk_list_box_append (self->recent_list,
                           new_start_row (gtk_recent_info_get_display_name (info), subtitle,
                                          "win.open-recent", g_variant_new_string (uri)));
      shown++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0);
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
}

static void
conduit_window_constructed (GObject *object)
{
  ConduitWindow *self = CONDUIT_WINDOW (object);
  GtkApplication *application;
  GSettings *settings;

  G_OBJECT_CLASS (conduit_window_parent_class)->constructed (object);

  application = gtk_window_get_application (GTK_WINDOW (self));
  if (application != NULL)
    {
      settings = conduit_application_get_settings (CONDUIT_APPLICATION (application));
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }
}

static void
conduit_window_dispose (GObject *object)
{
  ConduitWindow *self = (ConduitWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->loading_file);
  if (self->activation != NULL)
    conduit_activation_deactivate (CONDUIT_ACTIVATION (self->activation));
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);

  if (self->tests_pane != NULL)
    gtk_window_destroy (GTK_WINDOW (self->tests_pane));
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_WINDOW);
  g_clear_pointer (&self->page_before_history, g_free);

  G_OBJECT_CLASS (conduit_window_parent_class)->dispose (object);
}

static void
conduit_window_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConduitWindow *self = CONDUIT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_FLOW_ACTIVE:
      /* the menu's action reads it while the template is built, before the switch exists */
      g_value_set_boolean (value, self->activation != NULL &&
                                  conduit_activation_get_active (CONDUIT_ACTIVATION (self->activation)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The main menu's Active item: switched as the header bar's switch is, so a refusal says why
 * in the same toast. */
static void
conduit_window_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConduitWindow *self = CONDUIT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_FLOW_ACTIVE:
      gtk_switch_set_active (GTK_SWITCH (conduit_activation_get_switch (CONDUIT_ACTIVATION (self->activation))),
                             g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
flow_active_changed (ConduitWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOW_ACTIVE]);
}

/* run history pane */

static void
history_toggled (ConduitWindow *self)
{
  gboolean show = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->history_button));
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);

  if (show && g_strcmp0 (page, "history") != 0)
    {
      GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

      g_free (self->page_before_history);
      self->page_before_history = g_strdup (page);
      if (CONDUIT_IS_APPLICATION (application))
        {
          ConduitApplication *app = CONDUIT_APPLICATION (application);

          /* The history first: it applies the retention settings once. */
          conduit_application_get_history_store (app);
          conduit_history_view_set_runner (self->history_view, conduit_application_get_runner (app));
        }
      gtk_stack_set_visible_child_name (self->main_stack, "history");
    }
  else if (!show && g_strcmp0 (page, "history") == 0)
    gtk_stack_set_visible_child_name (self->main_stack,
                                      self->page_before_history != NULL ? self->page_before_history
                                                                        : "start");
}

static void
stack_page_changed (ConduitWindow *self)
{
  /* Opening a flow while the history shows leaves it: keep the button honest. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->history_button),
                                g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack),
                                           "history") == 0);
  update_history_button (self);
}

/* The imported app joins the registry the palette shows: its steps are there when it closes. */
static void
import_api_description_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);
  GtkWidget *dialog = conduit_openapi_import_dialog_new (GTK_WINDOW (self),
                                                         conduit_connector_registry_get_default (),
                                                         NULL);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_history_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);
  GtkToggleButton *button = GTK_TOGGLE_BUTTON (self->history_button);

  gtk_toggle_button_set_active (button, !gtk_toggle_button_get_active (button));
}

/* The Tests pane (conduit-tests-pane.c): one per window, read again from its file each time
 * it is shown, since Save as Test may have added to it. */
static void
tests_pane_destroyed (ConduitWindow *self)
{
  self->tests_pane = NULL;
}

static void
show_tests_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);

  if (self->document == NULL)
    return;
  if (self->tests_pane == NULL)
    {
      self->tests_pane = conduit_tests_pane_new (GTK_WINDOW (self), self->document);
      /* closed is gone, even while a test it started still holds it */
      g_signal_connect_object (self->tests_pane, "destroy", G_CALLBACK (tests_pane_destroyed), self,
                               G_CONNECT_SWAPPED);
    }
  else
    conduit_tests_pane_reload (self->tests_pane);
  gtk_window_present (GTK_WINDOW (self->tests_pane));
}

/**
 * conduit_window_get_tests_pane:
 * @self: a window
 *
 * Returns: (transfer none) (nullable): the window's Tests pane, once it was shown
 */
ConduitTestsPane *
conduit_window_get_tests_pane (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);

  return self->tests_pane;
}

/* Canvas commands in the main menu, where the canvas's own actions cannot be reached from. */
static void
canvas_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);
  GtkWidget *view = conduit_editor_get_graph_view (self->editor);

  gtk_widget_activate_action (view, g_str_equal (action_name, "win.tidy-up") ? "graph.tidy-up"
                                                                             : "graph.add-note",
                              NULL);
}

/**
 * conduit_window_show_run:
 * @self: a window
 * @run_id: a run in the history
 *
 * Shows the run history with @run_id selected.
 */
void
conduit_window_show_run (ConduitWindow *self,
                         gint64         run_id)
{
  g_return_if_fail (CONDUIT_IS_WINDOW (self));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->history_button), TRUE);
  conduit_history_view_set_filters (self->history_view, NULL, -1, CONDUIT_HISTORY_RANGE_ALL, NULL);
  if (!conduit_history_view_select_run (self->history_view, run_id))
    conduit_window_show_toast (self, _("That run is no longer in the history"));
}

/* A run from the history on the open flow's canvas (the history view's Show on Canvas, Enter
 * or a double-click on a run): the history steps aside for the editor. */
static void
show_run_on_canvas_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);
  ConduitHistoryStore *store = conduit_history_view_get_store (self->history_view);
  g_autoptr(GError) error = NULL;

  if (store == NULL ||
      !conduit_editor_show_past_run (self->editor, store, g_variant_get_int64 (parameter), &error))
    {
      conduit_window_show_toast (self, error != NULL ? error->message
                                                     : _("The run history is not open"));
      return;
    }
  g_free (self->page_before_history);
  self->page_before_history = g_strdup ("editor");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->history_button), FALSE);
  gtk_stack_set_visible_child_name (self->main_stack, "editor");
}

ConduitHistoryView *
conduit_window_get_history_view (ConduitWindow *self)
{
  g_return_val_if_fail (CONDUIT_IS_WINDOW (self), NULL);
  return self->history_view;
}

/* Run turns into Stop while the test run goes on. */
static void
update_run_button (ConduitWindow *self)
{
  conduit_editor_update_run_button (self->editor, self->run_button,
                                    self->run_button_content);

  /* Stop and Close: the run has ended, the window goes (not from inside the notification) */
  if (self->close_after_stop && !conduit_editor_get_running (self->editor))
    {
      self->close_after_stop = FALSE;
      g_idle_add_full (G_PRIORITY_DEFAULT, close_idle_cb, g_object_ref (self), g_object_unref);
    }
}

/* Below this width the header bar has no room for Run (with minimize and maximize buttons it
 * is full at 360 px), so the canvas shows it. The switch happens well above the header bar's
 * minimum width with Run, so the window can always be made narrower. */
#define NARROW_WIDTH 600

static gboolean
is_narrow (ConduitWindow *self)
{
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  return width > 0 && width < NARROW_WIDTH;
}

/* Narrow, the Tests button leaves the header bar too (the main menu and Ctrl+T remain). */
static void
update_run_placement (ConduitWindow *self)
{
  gboolean narrow = is_narrow (self);

  gtk_widget_set_visible (self->run_button, self->document != NULL && !narrow);
  conduit_editor_set_show_run_button (self->editor, narrow);
  conduit_pin_panel_set_compact (CONDUIT_PIN_PANEL (conduit_editor_get_pin_panel (self->editor)),
                                 narrow);
  self->narrow = narrow;
  if (self->activation != NULL)
    update_history_button (self);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ConduitWindow *self = CONDUIT_WINDOW (widget);

  gtk_widget_activate_action (GTK_WIDGET (self->editor), "editor.run", NULL);
}

static void
conduit_window_class_init (ConduitWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = conduit_window_constructed;
  object_class->dispose = conduit_window_dispose;
  object_class->get_property = conduit_window_get_property;
  object_class->set_property = conduit_window_set_property;
  window_class->close_request = conduit_window_close_request;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CONDUIT_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FLOW_ACTIVE] =
    g_param_spec_boolean ("flow-active", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Referencing the resource keeps it (and its registering constructor) linked in. */
  (void)conduit_get_resource ();

  g_type_ensure (CONDUIT_TYPE_EDITOR);
  g_type_ensure (CONDUIT_TYPE_HISTORY_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, editor_box);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, new_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, inspector_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, run_button_content);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, examples_list);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, examples_menu);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, history_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, history_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitWindow, tests_button);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.new-flow", NULL, new_flow_action);
  gtk_widget_class_install_action (widget_class, "win.open-example", "s", open_example_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.run", NULL, run_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-flow", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.run", NULL);

  /* run history pane */
  gtk_widget_class_install_action (widget_class, "win.show-history", NULL, show_history_action);
  gtk_widget_class_install_action (widget_class, "win.show-run-on-canvas", "x",
                                   show_run_on_canvas_action);
  gtk_widget_class_install_action (widget_class, "win.add-note", NULL, canvas_action);
  gtk_widget_class_install_action (widget_class, "win.tidy-up", NULL, canvas_action);
  gtk_widget_class_install_action (widget_class, "win.import-api-description", NULL,
                                   import_api_description_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK,
                                       "win.show-history", NULL);
  /* saved tests of the open flow */
  gtk_widget_class_install_action (widget_class, "win.show-tests", NULL, show_tests_action);
  gtk_widget_class_install_property_action (widget_class, "win.flow-active", "flow-active");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK,
                                       "win.show-tests", NULL);
}

/* In GTK 4.8 a menu button's focus is its inner toggle button, which does not take the menu
 * button's accessible name: a screen reader said nothing for the icon. */
static void
name_menu_button (GtkWidget  *menu_button,
                  const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (menu_button); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      name, -1);
}

static void
conduit_window_init (ConduitWindow *self)
{
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));
  name_menu_button (self->primary_menu_button, _("Main menu"));

  self->activation = conduit_activation_new ();
  conduit_activation_set_editor (CONDUIT_ACTIVATION (self->activation), self->editor);
  adw_header_bar_pack_end (self->header_bar, self->activation);
  g_signal_connect_object (self->activation, "notify::status", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activation, "notify::active", G_CALLBACK (update_history_button),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->activation, "notify::active", G_CALLBACK (flow_active_changed),
                           self, G_CONNECT_SWAPPED);

  g_object_bind_property (self->editor, "show-inspector", self->inspector_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (self->editor, "notify::running", G_CALLBACK (update_run_button), self,
                           G_CONNECT_SWAPPED);
  /* GTK 4 keeps the default size in step with the size the window is given. */
  g_signal_connect (self, "notify::default-width", G_CALLBACK (update_run_placement), NULL);

  drop_target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop_target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  g_signal_connect_swapped (self->history_button, "toggled", G_CALLBACK (history_toggled), self);
  g_signal_connect_swapped (self->main_stack, "notify::visible-child-name",
                            G_CALLBACK (stack_page_changed), self);

  populate_examples (self);
  populate_recent (self);
  update_title (self);
  update_actions (self);
  update_run_button (self);
}

/**
 * conduit_window_new:
 * @application: the application
 *
 * Returns: (transfer none): a new window showing the start page
 */
ConduitWindow *
conduit_window_new (ConduitApplication *application)
{
  return g_object_new (CONDUIT_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
