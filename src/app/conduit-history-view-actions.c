/* conduit-history-view-actions.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-history-view"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>

#include "conduit-flow-test.h"
#include "conduit-history-view-private.h"
#include "conduit-record-writer.h"
#include "conduit-run-export.h"

/* The history's housekeeping: exporting runs, deleting them, and how long they are kept. */

/* ---- export ---- */

/* The run list as CSV: the engine's conduit_run_list_write(), as `conduit-cli history list
 * --csv` writes it. */
static char *
list_to_csv (ConduitHistoryView  *self,
             GError             **error)
{
  GListModel *model = G_LIST_MODEL (self->model);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) runs = g_ptr_array_new ();

  /* the model pages rows in and out: hold each row while its record is borrowed */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      ConduitRunRow *row = g_list_model_get_item (model, i);

      g_ptr_array_add (rows, row);
      g_ptr_array_add (runs, (gpointer)conduit_run_row_get_record (row));
    }
  if (!conduit_run_list_write (runs, CONDUIT_RECORD_FORMAT_CSV, memory, error) ||
      !g_output_stream_write_all (memory, "", 1, NULL, NULL, error) ||
      !g_output_stream_close (memory, NULL, error))
    return NULL;
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (memory));
}

static void
export_response (GtkNativeDialog    *chooser,
                 int                 response,
                 ConduitHistoryView *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gboolean is_list = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "is-list"));

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;
  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (is_list)
    contents = list_to_csv (self, &error);
  else
    {
      g_autoptr(JsonNode) root = conduit_run_export_to_json (self->store, self->selected_id, &error);

      if (root != NULL)
        contents = json_to_string (root, TRUE);
    }
  if (contents == NULL ||
      !g_file_replace_contents (file, contents, strlen (contents), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, &error))
    _conduit_history_view_show_toast (self, error->message);
  else
    _conduit_history_view_show_toast (self, is_list ? _("Runs exported") : _("Run exported"));
out:
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  gboolean is_list = g_str_equal (action_name, "history.export-list");
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  chooser = gtk_file_chooser_native_new (is_list ? _("Export Runs") : _("Export Run"),
                                         _conduit_history_view_parent_window (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  name = is_list ? g_strdup ("runs.csv")
                 : g_strdup_printf ("run-%" G_GINT64_FORMAT ".json", self->selected_id);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "is-list", GINT_TO_POINTER (is_list));
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- delete and retention ---- */

static void
delete_response (AdwMessageDialog   *dialog,
                 const char         *response,
                 ConduitHistoryView *self)
{
  GArray *ids = g_object_get_data (G_OBJECT (dialog), "ids");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (conduit_history_store_delete_runs (self->store, (gint64 *)(void *)ids->data, ids->len, &error) < 0)
    _conduit_history_view_show_toast (self, error->message);
  _conduit_history_view_runs_changed (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (g_str_equal (action_name, "history.delete-run"))
    g_array_append_val (ids, self->selected_id);
  else
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->model)); i++)
      {
        g_autoptr(ConduitRunRow) row = g_list_model_get_item (G_LIST_MODEL (self->model), i);
        gint64 id = conduit_run_row_get_id (row);

        if (id > 0)
          g_array_append_val (ids, id);
      }

  body = g_strdup_printf (g_dngettext (NULL, "%u run, its steps and its items are removed from the history for good. Runs still going are kept.",
                                       "%u runs, their steps and their items are removed from the history for good. Runs still going are kept.",
                                       ids->len), ids->len);
  dialog = adw_message_dialog_new (_conduit_history_view_parent_window (self), _("Delete Runs?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "ids", ids, (GDestroyNotify)g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
prune_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConduitHistoryView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!conduit_history_store_prune_finish (CONDUIT_HISTORY_STORE (object), result, NULL, &error))
    _conduit_history_view_show_toast (self, error->message);
  _conduit_history_view_runs_changed (self);
}

static void
apply_retention (ConduitHistoryView *self)
{
  if (self->store == NULL || self->settings == NULL)
    return;
  conduit_history_store_set_retention (self->store,
                                       MAX (0, g_settings_get_int (self->settings, "history-keep-runs")),
                                       MAX (0, g_settings_get_int (self->settings, "history-keep-days")));
  conduit_history_store_prune_async (self->store, g_get_real_time (), NULL, prune_done,
                                     g_object_ref (self));
}

static GtkWidget *
retention_row (GSettings  *settings,
               const char *key,
               const char *title,
               const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 100000, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_settings_bind (settings, key, spin, "value", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  return row;
}

static void
retention_closed (ConduitHistoryView *self)
{
  apply_retention (self);
}

static void
retention_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();

  /* Only now: a view in a test or a bench has no installed schema and needs none. */
  if (self->settings == NULL)
    self->settings = g_settings_new (APPLICATION_ID);
  gtk_window_set_title (GTK_WINDOW (window), _("Run History"));
  gtk_window_set_transient_for (GTK_WINDOW (window), _conduit_history_view_parent_window (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 320);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (window), FALSE);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Keep Runs"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Older runs are deleted when you close this window. 0 keeps everything."));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             retention_row (self->settings, "history-keep-runs",
                                            _("Runs per flow"), _("The most recent runs of each flow")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             retention_row (self->settings, "history-keep-days",
                                            _("Days"), _("Runs younger than this")));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  g_signal_connect_object (window, "close-request", G_CALLBACK (retention_closed), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
}

/* Save as Test: the run becomes a test of the open flow, through the function
 * `conduit-cli test save` uses (conduit_flow_test_save_run), in the tests file beside it. */

/**
 * conduit_history_view_set_document:
 * @self: a history view
 * @document: (nullable): the open flow, whose tests file Save as Test writes
 */
void
conduit_history_view_set_document (ConduitHistoryView *self,
                                   ConduitDocument    *document)
{
  g_return_if_fail (CONDUIT_IS_HISTORY_VIEW (self));
  g_return_if_fail (document == NULL || CONDUIT_IS_DOCUMENT (document));

  g_set_object (&self->document, document);
}

static void
save_as_test (ConduitHistoryView *self,
              gint64              run_id,
              const char         *name)
{
  GFile *file = self->document != NULL ? conduit_document_get_file (self->document) : NULL;
  g_autoptr(ConduitFlowTest) test = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tests_path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *text = NULL;

  if (file == NULL || g_file_peek_path (file) == NULL)
    return;
  tests_path = conduit_flow_test_save_run (self->store, run_id, g_file_peek_path (file),
                                           conduit_document_get_flow (self->document),
                                           conduit_connector_registry_get_default (), name, NULL,
                                           &test, &error);
  if (tests_path == NULL)
    {
      /* the run id as text: a G_GINT64_FORMAT inside a msgid is cut off by xgettext */
      g_autofree char *run = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);

      text = g_strdup_printf (_("Could not save run %s as a test: %s"), run, error->message);
      _conduit_history_view_show_toast (self, text);
      return;
    }
  base = g_path_get_basename (tests_path);
  /* Translators: the test's name, then the tests file's name */
  text = g_strdup_printf (_("Saved the test “%s” in %s beside the flow"), test->name, base);
  _conduit_history_view_show_toast (self, text);
}

static void
save_as_test_response (AdwMessageDialog   *dialog,
                       const char         *response,
                       ConduitHistoryView *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "conduit-name-entry");
  gint64 run_id = *(gint64 *)g_object_get_data (G_OBJECT (dialog), "conduit-run-id");

  if (g_str_equal (response, "save"))
    save_as_test (self, run_id, gtk_editable_get_text (entry));
}

static void
save_as_test_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);
  GFile *file = self->document != NULL ? conduit_document_get_file (self->document) : NULL;
  g_autoptr(ConduitRunRecord) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *default_name = NULL;
  g_autofree char *tests_name = NULL;
  g_autofree char *body = NULL;
  ConduitFlow *flow;
  GtkWidget *dialog;
  GtkWidget *entry;

  if (self->selected_id <= 0 || self->store == NULL)
    return;
  if (self->document == NULL)
    {
      _conduit_history_view_show_toast (self, _("Open the flow this run ran to save the run as "
                                                "its test"));
      return;
    }
  if (file == NULL || g_file_peek_path (file) == NULL)
    {
      _conduit_history_view_show_toast (self, _("Save the flow first (Ctrl+S): its tests are kept "
                                                "in a file beside it"));
      return;
    }
  run = conduit_history_store_get_run (self->store, self->selected_id, &error);
  if (run == NULL)
    {
      _conduit_history_view_show_toast (self, error->message);
      return;
    }
  flow = conduit_document_get_flow (self->document);
  if (g_strcmp0 (run->flow, conduit_flow_get_name (flow)) != 0)
    {
      g_autofree char *text =
        /* Translators: a run's number, the flow it ran, the open flow */
        g_strdup_printf (_("Run %" PRId64 " ran the flow “%s”, not the open “%s”: open "
                           "that flow to save the run as its test"),
                         run->id, run->flow, conduit_flow_get_name (flow));
      _conduit_history_view_show_toast (self, text);
      return;
    }

  default_name = conduit_flow_test_default_name (run->id);
  {
    g_autofree char *tests_path = conduit_flow_test_path_for_flow (g_file_peek_path (file));
    tests_name = g_path_get_basename (tests_path);
  }
  body = g_strdup_printf (_("The run’s input, what each step sent out and what the apps answered "
                            "are kept in %s beside the flow. A test of the same name is "
                            "replaced."), tests_name);
  dialog = adw_message_dialog_new (_conduit_history_view_parent_window (self),
                                   _("Save Run as Test"), body);
  /* a title for the window list and the screen reader; the dialog shows its heading */
  gtk_window_set_title (GTK_WINDOW (dialog), _("Save Run as Test"));
  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), default_name);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The test’s name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "save", _("_Save Test"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "conduit-name-entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "conduit-run-id", g_memdup2 (&run->id, sizeof run->id),
                          g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (save_as_test_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- a past run on the canvas ---- */

/* The selected run on the open flow's canvas. The window does it (the editor is not the
 * history's to reach); a run of another flow, or a view with no window around it, stays here. */
gboolean
_conduit_history_view_show_on_canvas (ConduitHistoryView *self)
{
  g_autoptr(ConduitRunRecord) run = NULL;

  if (self->selected_id <= 0 || self->store == NULL)
    return FALSE;
  run = conduit_history_store_get_run (self->store, self->selected_id, NULL);
  if (run == NULL || self->flow == NULL ||
      g_strcmp0 (conduit_flow_get_name (self->flow), run->flow) != 0)
    return FALSE;
  return gtk_widget_activate_action (GTK_WIDGET (self), "win.show-run-on-canvas", "x",
                                     self->selected_id);
}

static void
show_on_canvas_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConduitHistoryView *self = CONDUIT_HISTORY_VIEW (widget);

  if (!_conduit_history_view_show_on_canvas (self))
    _conduit_history_view_show_toast (self, _("Open the run’s flow to show the run on its canvas"));
}

/**
 * conduit_history_view_get_store:
 * @self: a history view
 *
 * Returns: (transfer none) (nullable): the history shown
 */
ConduitHistoryStore *
conduit_history_view_get_store (ConduitHistoryView *self)
{
  g_return_val_if_fail (CONDUIT_IS_HISTORY_VIEW (self), NULL);
  return self->store;
}

void
_conduit_history_view_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "history.save-as-test", NULL, save_as_test_action);
  gtk_widget_class_install_action (widget_class, "history.export-run", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "history.export-list", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "history.delete-run", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "history.delete-listed", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "history.retention", NULL, retention_action);
  gtk_widget_class_install_action (widget_class, "history.show-on-canvas", NULL,
                                   show_on_canvas_action);
}
