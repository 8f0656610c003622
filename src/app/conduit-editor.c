/* conduit-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-app-request.h"
#include "conduit-application.h"
#include "conduit-credential-editor.h"
#include "conduit-editor.h"
#include "conduit-resources.h"
#include "conduit-run-overlay.h"
#include "conduit-pin-panel.h"
#include "conduit-run-panel.h"
#include "conduit-sidebar.h"
#include "conduit-test-listener.h"
#include "conduit-graph-view.h"

/* The editor page: the palette of steps on the left, the canvas in the middle and the
 * inspector of the selected step on the right. Both sidebars are AdwFlaps, so that on a narrow
 * window they fold away over the canvas instead of squeezing it.
 */

struct _ConduitEditor
{
  AdwBin            parent_instance;

  ConduitDocument  *document;
  GtkWidget        *graph_view;
  GCancellable     *credentials_cancellable;
  GCancellable     *missing_cancellable;
  guint             missing_timeout_id;

  /* test run */
  ConduitRunner    *runner;
  ConduitRun       *run;          /* the last test run, or the one going on */
  GCancellable     *run_cancellable;
  gint64            panel_updated_us;  /* last progress shown in the run panel */
  GtkWidget        *run_panel;
  GtkWidget        *test_listener;  /* "Listen for Test Event" under a webhook trigger */
  GtkWidget        *pin_panel;
  GHashTable       *outputs;      /* what steps sent out in the test runs of this document */
  GHashTable       *past_outputs; /* (nullable) what they sent out in the past run shown */

  /* a run from the history on the canvas */
  ConduitRunOverlay *past_run;
  GtkRevealer      *past_banner;
  GtkLabel         *past_banner_label;
  guint             past_statuses_idle;

  /* template children */
  AdwFlap          *palette_flap;
  AdwFlap          *inspector_flap;
  GtkOverlay       *canvas_overlay;
  GtkWidget        *add_step_button;
  GtkWidget        *run_button;
  AdwButtonContent *run_button_content;
  ConduitPalette   *palette;
  ConduitInspector *inspector;
  GtkRevealer      *credential_banner;
  GtkLabel         *credential_banner_label;
  GtkWidget        *credential_banner_button;
};

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_SHOW_PALETTE,
  PROP_SHOW_INSPECTOR,
  PROP_RUNNING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitEditor, conduit_editor, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];

static void update_run_action (ConduitEditor *self);

static void
on_connector_activated (ConduitEditor    *self,
                        ConduitConnector *connector)
{
  ConduitNode *node;

  if (self->document == NULL)
    return;

  node = conduit_graph_view_add_node (CONDUIT_GRAPH_VIEW (self->graph_view),
                                      conduit_connector_get_id (connector));
  if (node == NULL)
    return;

  /* On a narrow window the palette covers the canvas: get it out of the way so the new step
   * (selected, so its settings are in the inspector) can be seen. */
  if (adw_flap_get_folded (self->palette_flap))
    adw_flap_set_reveal_flap (self->palette_flap, FALSE);
}

static void
on_selected_node_changed (ConduitEditor *self)
{
  ConduitNode *node = conduit_graph_view_get_selected_node (CONDUIT_GRAPH_VIEW (self->graph_view));

  conduit_inspector_set_node (self->inspector, node);
  conduit_run_panel_set_node (CONDUIT_RUN_PANEL (self->run_panel), node);
  conduit_test_listener_set_node (CONDUIT_TEST_LISTENER (self->test_listener), node);
  conduit_pin_panel_set_node (CONDUIT_PIN_PANEL (self->pin_panel), node);
}

/* The canvas refused something (a link that would loop…): say why without blocking. */
static void
on_graph_message (ConduitEditor *self,
                  const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void
on_node_activated (ConduitEditor *self,
                   ConduitNode   *node)
{
  conduit_inspector_set_node (self->inspector, node);
  adw_flap_set_reveal_flap (self->inspector_flap, TRUE);
  gtk_widget_child_focus (GTK_WIDGET (self->inspector), GTK_DIR_TAB_FORWARD);
}

/* ---- credentials ------------------------------------------------------------------------ */

/* The keyring's credentials feed the inspector's picker; the flow's credentials that are not
 * there show in a banner over the canvas with a button to create them. Both are read again
 * whenever the store changes, so the credentials manager and the banner's own "Create…" keep
 * them current. */

static void
on_credentials_listed (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ConduitEditor *self = user_data;
  g_autoptr(GPtrArray) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = conduit_credential_store_list_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (credentials == NULL)
    {
      /* the banner and the manager say so where it matters; the picker stays free text */
      g_debug ("Could not list credentials: %s", error->message);
      return;
    }

  conduit_inspector_set_credentials (self->inspector, credentials);
}

static char *
quote_ids (GPtrArray *ids)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    {
      if (i > 0)
        g_string_append (text, i + 1 < ids->len ? _(", ") : _(" and "));
      /* Translators: a name in quotation marks, in a list of names inside a sentence */
      g_string_append_printf (text, _("“%s”"), (const char *)g_ptr_array_index (ids, i));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
on_missing_found (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ConduitEditor *self = user_data;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *text = NULL;

  missing = conduit_credential_store_find_missing_finish (CONDUIT_CREDENTIAL_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (missing == NULL)
    {
      g_debug ("Could not look for missing credentials: %s", error->message);
      gtk_revealer_set_reveal_child (self->credential_banner, FALSE);
      return;
    }

  if (missing->len == 0)
    {
      gtk_revealer_set_reveal_child (self->credential_banner, FALSE);
      return;
    }

  names = quote_ids (missing);
  text = g_strdup_printf (ngettext ("This flow uses the credential %s, which is not in your keyring.",
                                    "This flow uses the credentials %s, which are not in your keyring.",
                                    missing->len),
                          names);
  gtk_label_set_text (self->credential_banner_label, text);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->credential_banner_button), "s",
                                    g_ptr_array_index (missing, 0));
  gtk_revealer_set_reveal_child (self->credential_banner, TRUE);
}

static void
check_missing_credentials (ConduitEditor *self)
{
  g_autoptr(GPtrArray) ids = NULL;

  g_clear_handle_id (&self->missing_timeout_id, g_source_remove);
  g_cancellable_cancel (self->missing_cancellable);
  g_clear_object (&self->missing_cancellable);

  if (self->document != NULL)
    ids = conduit_flow_list_credential_ids (conduit_document_get_flow (self->document),
                                            conduit_connector_registry_get_default ());
  if (ids == NULL || ids->len == 0)
    {
      gtk_revealer_set_reveal_child (self->credential_banner, FALSE);
      return;
    }

  self->missing_cancellable = g_cancellable_new ();
  conduit_credential_store_find_missing_async (conduit_credential_store_get_default (), ids,
                                               self->missing_cancellable, on_missing_found, self);
}

static gboolean
check_missing_timeout (gpointer user_data)
{
  ConduitEditor *self = user_data;

  self->missing_timeout_id = 0;
  check_missing_credentials (self);
  return G_SOURCE_REMOVE;
}

/* A step's credential may have been changed: look again once typing pauses. */
static void update_past_banner (ConduitEditor *self);
static gboolean show_past_statuses_idle (gpointer user_data);

static void
on_flow_changed (ConduitEditor *self)
{
  /* a step removed or added while a past run shows: the banner says so at once, and a card
   * that comes back (undo) gets its badge once the canvas has made it */
  if (self->past_run != NULL)
    {
      conduit_run_overlay_set_flow (self->past_run, conduit_document_get_flow (self->document));
      update_past_banner (self);
      if (self->past_statuses_idle == 0)
        self->past_statuses_idle = g_idle_add (show_past_statuses_idle, self);
    }
  g_clear_handle_id (&self->missing_timeout_id, g_source_remove);
  self->missing_timeout_id = g_timeout_add (500, check_missing_timeout, self);
}

static void
refresh_credentials (ConduitEditor *self)
{
  g_cancellable_cancel (self->credentials_cancellable);
  g_clear_object (&self->credentials_cancellable);
  self->credentials_cancellable = g_cancellable_new ();

  conduit_credential_store_list_async (conduit_credential_store_get_default (),
                                       self->credentials_cancellable, on_credentials_listed, self);
  check_missing_credentials (self);
}

static void
new_credential_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  ConduitCredentialEditor *editor;

  ConduitEditor *self = CONDUIT_EDITOR (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (CONDUIT_GRAPH_VIEW (self->graph_view));
  ConduitConnector *connector = node ? conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                                          conduit_node_get_connector_id (node))
                                     : NULL;
  ConduitAppDescriptor *app = connector ? conduit_connector_get_app (connector) : NULL;
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr(ConduitCredential) template = NULL;

  editor = conduit_credential_editor_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                          conduit_credential_store_get_default ());
  /* “Connect to <App>” from an app step: the kind and placement the app's descriptor names */
  if (app != NULL &&
      (template = conduit_app_new_credential (app, *id != '\0' ? id : conduit_app_descriptor_get_id (app))))
    {
      g_autofree char *title = g_strdup_printf (_("Connect to %s"), conduit_app_descriptor_get_title (app));

      conduit_credential_editor_set_template (editor, template);
      gtk_window_set_title (GTK_WINDOW (editor), title);
    }
  else
    conduit_credential_editor_set_new_id (editor, id);
  gtk_window_present (GTK_WINDOW (editor));
}

/**
 * conduit_editor_get_missing_credentials_text:
 * @self: an editor
 *
 * Returns: (nullable): the banner naming the flow's credentials that are not in the keyring,
 *   or %NULL while it is hidden
 */
const char *
conduit_editor_get_missing_credentials_text (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->credential_banner))
    return NULL;
  return gtk_label_get_text (self->credential_banner_label);
}

/**
 * conduit_editor_set_document:
 * @self: an editor
 * @document: (nullable): the document to edit
 */
void
conduit_editor_set_document (ConduitEditor   *self,
                             ConduitDocument *document)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  g_return_if_fail (!document || CONDUIT_IS_DOCUMENT (document));

  if (self->document != NULL)
    g_signal_handlers_disconnect_by_func (conduit_document_get_flow (self->document),
                                          on_flow_changed, self);

  if (!g_set_object (&self->document, document))
    return;
  conduit_editor_leave_past_run (self);

  if (document != NULL)
    g_signal_connect_object (conduit_document_get_flow (document), "changed",
                             G_CALLBACK (on_flow_changed), self, G_CONNECT_SWAPPED);
  gtk_revealer_set_reveal_child (self->credential_banner, FALSE);
  refresh_credentials (self);
  /* A run's results belong to the flow it ran. */
  if (self->run_cancellable != NULL)
    {
      g_cancellable_cancel (self->run_cancellable);
      g_clear_object (&self->run_cancellable);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
    }
  g_clear_object (&self->run);
  conduit_run_panel_set_run (CONDUIT_RUN_PANEL (self->run_panel), NULL);
  g_hash_table_remove_all (self->outputs);
  conduit_pin_panel_set_document (CONDUIT_PIN_PANEL (self->pin_panel), document);

  conduit_inspector_set_document (self->inspector, document);
  conduit_test_listener_set_document (CONDUIT_TEST_LISTENER (self->test_listener), document);
  conduit_graph_view_set_document (CONDUIT_GRAPH_VIEW (self->graph_view), document);
  on_selected_node_changed (self);
  update_run_action (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * conduit_editor_get_document:
 * @self: an editor
 *
 * Returns: (transfer none) (nullable): the document edited
 */
ConduitDocument *
conduit_editor_get_document (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->document;
}

/**
 * conduit_editor_get_palette:
 * @self: an editor
 *
 * Returns: (transfer none): the palette of steps
 */
ConduitPalette *
conduit_editor_get_palette (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->palette;
}

/**
 * conduit_editor_get_inspector:
 * @self: an editor
 *
 * Returns: (transfer none): the inspector
 */
ConduitInspector *
conduit_editor_get_inspector (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->inspector;
}

/**
 * conduit_editor_get_graph_view:
 * @self: an editor
 *
 * Returns: (transfer none): the canvas, a #ConduitGraphView
 */
GtkWidget *
conduit_editor_get_graph_view (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->graph_view;
}


/* ---- test run ------------------------------------------------------------------------- */

/**
 * conduit_editor_get_runner:
 * @self: an editor
 *
 * Returns: (transfer none): the runner test runs go through: the one set, else the
 *   application's, else one of the editor's own recording into the default history
 */
ConduitRunner *
conduit_editor_get_runner (ConduitEditor *self)
{
  GtkRoot *root;

  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);

  if (self->runner != NULL)
    return self->runner;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root) &&
      CONDUIT_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))))
    return conduit_application_get_runner (CONDUIT_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))));

  {
    g_autofree char *path = conduit_history_store_dup_default_path ();
    g_autoptr(ConduitHistoryStore) history = conduit_history_store_new (path, NULL);

    self->runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
  }
  return self->runner;
}

/**
 * conduit_editor_set_runner:
 * @self: an editor
 * @runner: (nullable): the runner for test runs, %NULL for the application's
 */
void
conduit_editor_set_runner (ConduitEditor *self,
                           ConduitRunner *runner)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  g_return_if_fail (!runner || CONDUIT_IS_RUNNER (runner));

  if (self->runner == runner)
    return;
  conduit_editor_stop_run (self);
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_set_object (&self->runner, runner);
}

/**
 * conduit_editor_get_running:
 * @self: an editor
 *
 * Returns: whether a test run is going on
 */
gboolean
conduit_editor_get_running (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), FALSE);
  return self->run_cancellable != NULL;
}

/**
 * conduit_editor_get_last_run:
 * @self: an editor
 *
 * Returns: (transfer none) (nullable): the test run going on, or the last one
 */
ConduitRun *
conduit_editor_get_last_run (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->run;
}

/**
 * conduit_editor_get_test_listener:
 * @self: an editor
 *
 * Returns: (transfer none): the #ConduitTestListener under a webhook trigger's settings
 */
GtkWidget *
conduit_editor_get_test_listener (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->test_listener;
}

/**
 * conduit_editor_get_run_panel:
 * @self: an editor
 *
 * Returns: (transfer none): the #ConduitRunPanel of the selected step
 */
GtkWidget *
conduit_editor_get_run_panel (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->run_panel;
}

/**
 * conduit_editor_get_pin_panel:
 * @self: an editor
 *
 * Returns: (transfer none): the #ConduitPinPanel of the selected step
 */
GtkWidget *
conduit_editor_get_pin_panel (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->pin_panel;
}

/**
 * conduit_editor_update_run_button:
 * @self: an editor
 * @button: a button for `editor.run` or an action that forwards to it
 * @content: its content
 *
 * Makes @button say Run, or Stop while a test run goes on. The header bar's button and the
 * canvas's one look the same through this.
 */
void
conduit_editor_update_run_button (ConduitEditor    *self,
                                  GtkWidget        *button,
                                  AdwButtonContent *content)
{
  gboolean running;

  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  g_return_if_fail (GTK_IS_WIDGET (button));
  g_return_if_fail (ADW_IS_BUTTON_CONTENT (content));

  running = conduit_editor_get_running (self);
  adw_button_content_set_icon_name (content, running ? "media-playback-stop-symbolic"
                                                     : "media-playback-start-symbolic");
  adw_button_content_set_label (content, running ? _("Stop") : _("Run"));
  gtk_widget_set_tooltip_text (button, running ? _("Stop the test run (F5)")
                                               : _("Test-run this flow with its sample data (F5)"));
  gtk_widget_remove_css_class (button, running ? "suggested-action" : "destructive-action");
  gtk_widget_add_css_class (button, running ? "destructive-action" : "suggested-action");
}

/**
 * conduit_editor_set_show_run_button:
 * @self: an editor
 * @show: whether the canvas shows a Run button
 *
 * A 360 px header bar has no room for Run: the window shows it on the canvas instead.
 */
void
conduit_editor_set_show_run_button (ConduitEditor *self,
                                    gboolean       show)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  gtk_widget_set_visible (self->run_button, show);
}

static void
update_run_action (ConduitEditor *self)
{
  conduit_editor_update_run_button (self, self->run_button, self->run_button_content);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.run",
                                 self->document != NULL || self->run_cancellable != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.run-step",
                                 self->document != NULL && self->run_cancellable == NULL);
}

static void
update_panel_if_showing (ConduitEditor *self,
                         const char    *node_id)
{
  ConduitNode *node = conduit_run_panel_get_node (CONDUIT_RUN_PANEL (self->run_panel));

  if (node != NULL && g_strcmp0 (conduit_node_get_id (node), node_id) == 0)
    conduit_run_panel_update (CONDUIT_RUN_PANEL (self->run_panel));
}

/* The runner is shared by every window: only this editor's run is shown here. */
static void
on_node_started (ConduitEditor *self,
                 ConduitRun    *run,
                 const char    *node_id)
{
  /* a run from the history on the canvas keeps it until Back to Editing */
  if (run != self->run || self->past_run != NULL)
    return;
  conduit_graph_view_set_node_status (CONDUIT_GRAPH_VIEW (self->graph_view), node_id, "running",
                                      0, 0, 0);
  update_panel_if_showing (self, node_id);
}

static void
on_node_finished (ConduitEditor *self,
                  ConduitRun    *run,
                  const char    *node_id,
                  guint          items_ok,
                  guint          items_failed,
                  guint          items_rejected)
{
  const char *state;
  const char *status = NULL;

  if (run != self->run || self->past_run != NULL)
    return;

  state = conduit_run_get_node_state (run, node_id);
  /* a pinned step sent its items on as a step that went well does */
  if (g_strcmp0 (state, "ok") == 0 || g_strcmp0 (state, "pinned") == 0)
    status = "succeeded";
  else if (g_strcmp0 (state, "partial") == 0 || g_strcmp0 (state, "failed") == 0)
    status = "failed";

  /* A skipped or stopped step shows no badge: nothing happened there. */
  conduit_graph_view_set_node_status (CONDUIT_GRAPH_VIEW (self->graph_view), node_id, status,
                                      items_ok, items_failed, items_rejected);
  update_panel_if_showing (self, node_id);
}

/* A big run streams its items through the steps: each batch moves a card's counts. */
static void
on_node_progress (ConduitEditor *self,
                  ConduitRun    *run,
                  const char    *node_id,
                  guint          items_in,
                  guint          items_ok,
                  guint          items_failed,
                  guint          items_rejected)
{
  gint64 now = g_get_monotonic_time ();

  if (run != self->run || self->past_run != NULL)
    return;

  conduit_graph_view_set_node_status (CONDUIT_GRAPH_VIEW (self->graph_view), node_id, "running",
                                      items_ok, items_failed, items_rejected);
  /* the panel lays out its item lists again: a few times a second is enough to see it move */
  if (now - self->panel_updated_us > G_USEC_PER_SEC / 4)
    {
      self->panel_updated_us = now;
      update_panel_if_showing (self, node_id);
    }
}

static void
show_toast (ConduitEditor *self,
            const char    *message)
{
  on_graph_message (self, message);
}

static void
run_executed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConduitEditor) self = user_data;
  ConduitRun *run = CONDUIT_RUN (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;

  conduit_run_execute_finish (run, result, &error);

  if (run != self->run)
    return;

  g_clear_object (&self->run_cancellable);
  conduit_run_panel_update (CONDUIT_RUN_PANEL (self->run_panel));
  /* what each step sent out, for Pin This Output and Run This Step */
  conduit_run_collect_outputs (run, self->outputs);
  conduit_pin_panel_update (CONDUIT_PIN_PANEL (self->pin_panel));

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      conduit_run_get_status (run) == CONDUIT_RUN_STATUS_RUNNING)
    {
      /* It never got going: the history could not record it, for one. */
      g_autofree char *message = g_strdup_printf (_("The run could not start: %s"), error->message);
      show_toast (self, message);
    }
  else
    {
      summary = conduit_run_summarize (run);
      show_toast (self, summary);
    }

  update_run_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * conduit_editor_start_run:
 * @self: an editor
 *
 * Test-runs a copy of the flow as it is now, from its first trigger with that trigger's sample
 * items, recording it in the history; the canvas and the run panel follow its progress.
 */
static void begin_test_run (ConduitEditor *self,
                            ConduitRun    *run);

void
conduit_editor_start_run (ConduitEditor *self)
{
  ConduitRunner *runner;
  ConduitConnectorRegistry *registry;
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(ConduitFlow) copy = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONDUIT_IS_EDITOR (self));

  if (self->document == NULL || self->run_cancellable != NULL)
    return;
  conduit_editor_leave_past_run (self);

  runner = conduit_editor_get_runner (self);
  registry = conduit_runner_get_registry (runner);

  /* A copy, so that editing during the run cannot change what is running. */
  data = conduit_flow_to_data (conduit_document_get_flow (self->document), &length);
  copy = conduit_flow_new_from_data (registry, data, (gssize)length, NULL, &error);
  if (copy != NULL)
    run = conduit_runner_create_run (runner, copy, NULL, "manual", NULL, &error);
  if (run == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("This flow cannot run yet: %s"), error->message);
      show_toast (self, message);
      return;
    }

  /* test runs in the app use pins; a server never does (docs/flow-format.md) */
  conduit_run_set_use_pins (run, TRUE);
  begin_test_run (self, run);
}

/* Shows @run on the canvas and in the run panel, and starts it. */
static void
begin_test_run (ConduitEditor *self,
                ConduitRun    *run)
{
  ConduitRunner *runner = conduit_editor_get_runner (self);

  if (g_signal_handler_find (runner, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self) == 0)
    {
      g_signal_connect_object (runner, "node-started", G_CALLBACK (on_node_started), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (runner, "node-finished", G_CALLBACK (on_node_finished), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (runner, "node-progress", G_CALLBACK (on_node_progress), self,
                               G_CONNECT_SWAPPED);
    }

  conduit_run_set_keep_outputs (run, TRUE);
  /* the panel shows the first items of each port; a run of a million keeps no more */
  conduit_run_set_keep_outputs_limit (run, 1000);
  g_set_object (&self->run, run);
  self->run_cancellable = g_cancellable_new ();

  conduit_graph_view_clear_node_statuses (CONDUIT_GRAPH_VIEW (self->graph_view));
  conduit_run_panel_set_run (CONDUIT_RUN_PANEL (self->run_panel), run);

  conduit_run_execute_async (run, self->run_cancellable, run_executed_cb, g_object_ref (self));

  update_run_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * conduit_editor_run_step:
 * @self: an editor
 * @node_id: a step of the document's flow
 *
 * Runs that step alone (conduit_run_new_for_step()) on a copy of the flow: on the pinned data
 * of the steps before it, else their output in this document's last test runs, else a
 * trigger's sample items. Its output shows in the run panel; when it has nothing to run on, the
 * pin panel says why.
 */
void
conduit_editor_run_step (ConduitEditor *self,
                         const char    *node_id)
{
  ConduitRunner *runner;
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr(ConduitFlow) copy = NULL;
  g_autoptr(ConduitRun) run = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CONDUIT_IS_EDITOR (self));
  g_return_if_fail (node_id != NULL);

  if (self->document == NULL || self->run_cancellable != NULL)
    return;

  runner = conduit_editor_get_runner (self);
  data = conduit_flow_to_data (conduit_document_get_flow (self->document), &length);
  copy = conduit_flow_new_from_data (conduit_runner_get_registry (runner), data, (gssize)length,
                                     NULL, &error);
  if (copy != NULL)
    run = conduit_run_new_for_step (runner, copy, node_id,
                                    self->past_outputs != NULL ? self->past_outputs : self->outputs,
                                    NULL, &error);
  conduit_pin_panel_set_message (CONDUIT_PIN_PANEL (self->pin_panel),
                                 run == NULL ? error->message : NULL);
  if (run == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("This step cannot run: %s"), error->message);
      show_toast (self, message);
      return;
    }

  /* its result shows as a test run's does */
  conduit_editor_leave_past_run (self);
  begin_test_run (self, run);
}

static void
on_run_step (ConduitEditor *self,
             ConduitNode   *node)
{
  conduit_editor_run_step (self, conduit_node_get_id (node));
}

/**
 * conduit_editor_stop_run:
 * @self: an editor
 *
 * Cancels the test run going on, if any; it ends as "cancelled" in the history.
 */
void
conduit_editor_stop_run (ConduitEditor *self)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);

  if (self->run_cancellable != NULL)
    conduit_editor_stop_run (self);
  else
    conduit_editor_start_run (self);
}

/* "Run This Step" in a card's menu: the selected step. */
static void
run_step_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (CONDUIT_GRAPH_VIEW (self->graph_view));

  if (node != NULL)
    conduit_editor_run_step (self, conduit_node_get_id (node));
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);

  adw_flap_set_reveal_flap (self->palette_flap, TRUE);
  conduit_palette_focus_search (self->palette);
}

/* Undo and redo reach the flow's history wherever the focus is in the editor (the palette's
 * list, a card's button): the graph view and the inspector's text fields handle the keys first
 * when they have the focus. */
/* The palette's Add a Note button: the canvas adds the note in the middle of its view. */
static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);

  gtk_widget_activate_action (self->graph_view, "graph.add-note", NULL);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitEditor *self = CONDUIT_EDITOR (widget);
  ConduitUndoStack *stack;

  if (self->document == NULL)
    return;
  stack = conduit_document_get_undo_stack (self->document);
  if (g_str_equal (action_name, "editor.undo"))
    conduit_undo_stack_undo (stack);
  else
    conduit_undo_stack_redo (stack);
}

/* Escape puts away a palette that folded over the canvas in a narrow window; anywhere else it
 * means what the focused widget makes of it. */
static gboolean
dismiss_folded_palette (ConduitEditor *self)
{
  if (!adw_flap_get_folded (self->palette_flap) || !adw_flap_get_reveal_flap (self->palette_flap))
    return FALSE;

  adw_flap_set_reveal_flap (self->palette_flap, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->graph_view));
  return TRUE;
}

static gboolean
escape_pressed (GtkWidget *widget,
                GVariant  *arguments,
                gpointer   user_data)
{
  return dismiss_folded_palette (CONDUIT_EDITOR (widget));
}

static void
on_palette_dismissed (ConduitEditor *self)
{
  dismiss_folded_palette (self);
}

/* ---- a run from the history on the canvas ------------------------------------------------ */

/* The same banner as the credentials' one (AdwBanner is libadwaita 1.3), under it. */
static void
build_past_banner (ConduitEditor *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Back to Editing"));
  GtkWidget *parent;

  self->past_banner = GTK_REVEALER (gtk_revealer_new ());
  self->past_banner_label = GTK_LABEL (label);
  gtk_revealer_set_transition_type (self->past_banner, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_add_css_class (box, "conduit-run-banner");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Leave the past run and show the flow as you edit it"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.leave-past-run");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), button);
  gtk_revealer_set_child (self->past_banner, box);
  parent = gtk_widget_get_parent (GTK_WIDGET (self->credential_banner));
  gtk_box_insert_child_after (GTK_BOX (parent), GTK_WIDGET (self->past_banner),
                              GTK_WIDGET (self->credential_banner));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.leave-past-run", FALSE);
}

static void
update_past_banner (ConduitEditor *self)
{
  g_autofree char *text = conduit_run_overlay_dup_banner_text (self->past_run);

  gtk_label_set_text (self->past_banner_label, text);
}

/* Every card of the flow shows what became of its step in the run shown: the past run, else
 * the editor's last test run, else nothing. */
static void
show_card_statuses (ConduitEditor *self)
{
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (self->graph_view);
  GListModel *nodes;

  conduit_graph_view_clear_node_statuses (view);
  if (self->document == NULL || (self->past_run == NULL && self->run == NULL))
    return;
  nodes = conduit_flow_get_nodes (conduit_document_get_flow (self->document));
  for (guint i = 0; i < g_list_model_get_n_items (nodes); i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (nodes, i);
      const char *id = conduit_node_get_id (node);
      guint items_in = 0, ok = 0, failed = 0, rejected = 0;
      const char *status = NULL;

      if (self->past_run != NULL)
        {
          status = conduit_run_overlay_get_card_status (self->past_run, id);
          conduit_run_overlay_get_node_counts (self->past_run, id, &items_in, &ok, &failed,
                                               &rejected);
        }
      else
        {
          const char *state = conduit_run_get_node_state (self->run, id);

          if (g_strcmp0 (state, "ok") == 0)
            status = "succeeded";
          else if (g_strcmp0 (state, "partial") == 0 || g_strcmp0 (state, "failed") == 0)
            status = "failed";
          else if (g_strcmp0 (state, "running") == 0)
            status = "running";
          conduit_run_get_node_counts (self->run, id, &items_in, &ok, &failed, &rejected);
        }
      if (status != NULL)
        conduit_graph_view_set_node_status (view, id, status, ok, failed, rejected);
    }
}

static gboolean
show_past_statuses_idle (gpointer user_data)
{
  ConduitEditor *self = user_data;

  self->past_statuses_idle = 0;
  show_card_statuses (self);
  return G_SOURCE_REMOVE;
}

/**
 * conduit_editor_show_past_run:
 * @self: an editor
 * @store: the history
 * @run_id: a run of the edited flow in @store
 * @error: where a run that cannot be read says why
 *
 * Shows @run_id on the canvas: each card its step's status and counts in that run, the run
 * panel the selected step's items, and a banner which run it is, with Back to Editing. A step
 * the flow lost or gained since is named on the banner.
 *
 * Returns: whether the run is shown
 */
gboolean
conduit_editor_show_past_run (ConduitEditor        *self,
                              ConduitHistoryStore  *store,
                              gint64                run_id,
                              GError              **error)
{
  g_autoptr(ConduitRunOverlay) past_run = NULL;

  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), FALSE);
  g_return_val_if_fail (CONDUIT_IS_HISTORY_STORE (store), FALSE);

  if (self->document == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("Open the run’s flow to show the run on its canvas"));
      return FALSE;
    }
  past_run = conduit_run_overlay_new (store, run_id, conduit_document_get_flow (self->document),
                                      error);
  if (past_run == NULL)
    return FALSE;

  g_set_object (&self->past_run, past_run);
  /* Pin This Output and Run This Step take this run's outputs while it is shown */
  g_clear_pointer (&self->past_outputs, g_hash_table_unref);
  self->past_outputs = conduit_step_outputs_new ();
  if (!conduit_step_outputs_add_from_history (self->past_outputs, store, run_id, NULL))
    g_hash_table_remove_all (self->past_outputs);
  conduit_pin_panel_set_outputs (CONDUIT_PIN_PANEL (self->pin_panel), self->past_outputs);
  update_past_banner (self);
  gtk_revealer_set_reveal_child (self->past_banner, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.leave-past-run", TRUE);
  show_card_statuses (self);
  conduit_run_panel_set_past_run (CONDUIT_RUN_PANEL (self->run_panel), past_run);
  return TRUE;
}

/**
 * conduit_editor_leave_past_run:
 * @self: an editor
 *
 * Back to Editing: the canvas and the run panel show the last test run again, if any.
 */
void
conduit_editor_leave_past_run (ConduitEditor *self)
{
  g_return_if_fail (CONDUIT_IS_EDITOR (self));

  if (self->past_run == NULL)
    return;
  g_clear_object (&self->past_run);
  g_clear_pointer (&self->past_outputs, g_hash_table_unref);
  conduit_pin_panel_set_outputs (CONDUIT_PIN_PANEL (self->pin_panel), self->outputs);
  gtk_revealer_set_reveal_child (self->past_banner, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.leave-past-run", FALSE);
  show_card_statuses (self);
  conduit_run_panel_set_past_run (CONDUIT_RUN_PANEL (self->run_panel), NULL);
}

/**
 * conduit_editor_get_past_run:
 * @self: an editor
 *
 * Returns: (transfer none) (nullable): the run from the history the canvas shows
 */
ConduitRunOverlay *
conduit_editor_get_past_run (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);
  return self->past_run;
}

/**
 * conduit_editor_get_past_run_banner:
 * @self: an editor
 *
 * Returns: (nullable): the banner over the canvas while it shows a past run, else %NULL
 */
const char *
conduit_editor_get_past_run_banner (ConduitEditor *self)
{
  g_return_val_if_fail (CONDUIT_IS_EDITOR (self), NULL);

  if (self->past_run == NULL)
    return NULL;
  return gtk_label_get_text (self->past_banner_label);
}

static void
leave_past_run_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  conduit_editor_leave_past_run (CONDUIT_EDITOR (widget));
}

static void
conduit_editor_dispose (GObject *object)
{
  ConduitEditor *self = (ConduitEditor *)object;

  if (self->graph_view != NULL)
    g_signal_handlers_disconnect_by_data (self->graph_view, self);
  g_signal_handlers_disconnect_by_data (conduit_credential_store_get_default (), self);
  g_clear_handle_id (&self->missing_timeout_id, g_source_remove);
  g_clear_handle_id (&self->past_statuses_idle, g_source_remove);
  g_cancellable_cancel (self->credentials_cancellable);
  g_cancellable_cancel (self->missing_cancellable);
  g_clear_object (&self->credentials_cancellable);
  g_clear_object (&self->missing_cancellable);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_func (conduit_document_get_flow (self->document),
                                          on_flow_changed, self);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  g_clear_object (&self->run);
  g_clear_object (&self->runner);
  g_clear_object (&self->past_run);
  g_clear_pointer (&self->outputs, g_hash_table_unref);
  g_clear_pointer (&self->past_outputs, g_hash_table_unref);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_EDITOR);
  self->graph_view = NULL;
  g_clear_object (&self->document);

  G_OBJECT_CLASS (conduit_editor_parent_class)->dispose (object);
}

static void
conduit_editor_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConduitEditor *self = CONDUIT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_SHOW_PALETTE:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->palette_flap));
      break;

    case PROP_SHOW_INSPECTOR:
      g_value_set_boolean (value, adw_flap_get_reveal_flap (self->inspector_flap));
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, conduit_editor_get_running (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_editor_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConduitEditor *self = CONDUIT_EDITOR (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      conduit_editor_set_document (self, g_value_get_object (value));
      break;

    case PROP_SHOW_PALETTE:
      adw_flap_set_reveal_flap (self->palette_flap, g_value_get_boolean (value));
      break;

    case PROP_SHOW_INSPECTOR:
      adw_flap_set_reveal_flap (self->inspector_flap, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_editor_class_init (ConduitEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_editor_dispose;
  object_class->get_property = conduit_editor_get_property;
  object_class->set_property = conduit_editor_set_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, CONDUIT_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether each sidebar is shown; the header bar's toggle buttons bind to these. */
  properties[PROP_SHOW_PALETTE] =
    g_param_spec_boolean ("show-palette", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHOW_INSPECTOR] =
    g_param_spec_boolean ("show-inspector", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CONDUIT_TYPE_PALETTE);
  g_type_ensure (CONDUIT_TYPE_INSPECTOR);
  g_type_ensure (CONDUIT_TYPE_SIDEBAR);

  /* keeps the resource (and its registering constructor) linked into tests that use only
   * this widget */
  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, palette_flap);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, inspector_flap);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, canvas_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, add_step_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, run_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, run_button_content);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, palette);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, inspector);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, credential_banner);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, credential_banner_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitEditor, credential_banner_button);
  gtk_widget_class_bind_template_callback (widget_class, on_connector_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_palette_dismissed);

  gtk_widget_class_install_property_action (widget_class, "editor.show-palette", "show-palette");
  gtk_widget_class_install_property_action (widget_class, "editor.show-inspector", "show-inspector");
  gtk_widget_class_install_action (widget_class, "editor.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "editor.new-credential", "s", new_credential_action);
  gtk_widget_class_install_action (widget_class, "editor.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "editor.run-step", NULL, run_step_action);
  gtk_widget_class_install_action (widget_class, "editor.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.redo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "editor.leave-past-run", NULL,
                                   leave_past_run_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "editor.show-palette", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK,
                                       "editor.show-inspector", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "editor.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "editor.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.redo", NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_pressed, NULL);
}

static void
forward_reveal_palette (ConduitEditor *self)
{
  /* the button stands in for the palette while it is away */
  gtk_widget_set_visible (self->add_step_button, !adw_flap_get_reveal_flap (self->palette_flap));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PALETTE]);
}

static void
forward_reveal_inspector (ConduitEditor *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_INSPECTOR]);
}

static void
conduit_editor_init (ConduitEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->graph_view = conduit_graph_view_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->graph_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Flow canvas"), -1);
  gtk_overlay_set_child (self->canvas_overlay, self->graph_view);

  g_signal_connect_swapped (self->graph_view, "notify::selected-node",
                            G_CALLBACK (on_selected_node_changed), self);
  g_signal_connect_swapped (self->graph_view, "node-activated", G_CALLBACK (on_node_activated), self);
  g_signal_connect_swapped (self->graph_view, "message", G_CALLBACK (on_graph_message), self);
  g_signal_connect_swapped (self->palette_flap, "notify::reveal-flap",
                            G_CALLBACK (forward_reveal_palette), self);
  g_signal_connect_swapped (self->inspector_flap, "notify::reveal-flap",
                            G_CALLBACK (forward_reveal_inspector), self);
  forward_reveal_palette (self);

  g_signal_connect_swapped (conduit_credential_store_get_default (), "changed",
                            G_CALLBACK (refresh_credentials), self);
  refresh_credentials (self);
  self->outputs = conduit_step_outputs_new ();
  self->pin_panel = conduit_pin_panel_new ();
  conduit_pin_panel_set_outputs (CONDUIT_PIN_PANEL (self->pin_panel), self->outputs);
  g_signal_connect_object (self->pin_panel, "run-step", G_CALLBACK (on_run_step), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (conduit_inspector_get_run_slot (self->inspector), self->pin_panel);
  self->run_panel = conduit_run_panel_new ();
  gtk_box_append (conduit_inspector_get_run_slot (self->inspector), self->run_panel);
  self->test_listener = conduit_test_listener_new ();
  gtk_box_append (conduit_inspector_get_run_slot (self->inspector), self->test_listener);
  build_past_banner (self);
  update_run_action (self);
}

/**
 * conduit_editor_new:
 *
 * Returns: (transfer floating): an editor with no document
 */
GtkWidget *
conduit_editor_new (void)
{
  return g_object_new (CONDUIT_TYPE_EDITOR, NULL);
}
