/* conduit-test-listener.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-test-listener"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-activation.h"
#include "conduit-editor.h"
#include "conduit-test-listener.h"
#include "conduit-window.h"

/* "Listen for a Test Event", under a webhook trigger's settings: the engine's webhook server
 * serves the flow's trigger on its own address — the one URL the flow is served on when it is
 * Active or on a server, never a second "test URL" — in test mode, for a few minutes. The
 * first event that passes the checks a served flow makes is answered as `serve` answers,
 * shown (headers and body), and listening stops; nothing runs. The event can then become the
 * trigger's sample (one undoable edit, saved with the flow) or a saved test of the flow. */

struct _ConduitTestListener
{
  AdwBin                parent_instance;

  ConduitDocument      *document;
  ConduitNode          *node;
  ConduitRunner        *runner;
  ConduitWebhookServer *server;      /* (nullable) while listening */
  ConduitWebhookServer *retired;     /* (nullable) stopped, still answering its last event */
  guint                 retire_id;
  JsonNode             *event;       /* (nullable) the event caught */
  GCancellable         *saving;      /* (nullable) while a test is being saved */
  char                 *url;
  char                 *status_text;
  guint                 port;
  guint                 duration_s;
  gint64                deadline_us;
  guint                 tick_id;
  gboolean              fixture_had_focus;
  gboolean              flow_active;   /* the window's Active switch is on */

  GtkWidget            *listen_button;
  GtkWidget            *status_label;
  GtkWidget            *event_box;
  GtkWidget            *event_label;
  GtkTextView          *headers_view;
  GtkTextView          *body_view;
  GtkWidget            *sample_button;
  GtkWidget            *fixture_button;
};

G_DEFINE_FINAL_TYPE (ConduitTestListener, conduit_test_listener, ADW_TYPE_BIN)

static gboolean
is_webhook (ConduitNode *node)
{
  return node != NULL && g_strcmp0 (conduit_node_get_connector_id (node), "webhook-trigger") == 0;
}

static void
set_status (ConduitTestListener *self,
            const char          *text,
            gboolean             problem)
{
  g_free (self->status_text);
  self->status_text = g_strdup (text);
  gtk_label_set_text (GTK_LABEL (self->status_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->status_label, text != NULL);
  if (problem)
    gtk_widget_add_css_class (self->status_label, "error");
  else
    gtk_widget_remove_css_class (self->status_label, "error");
}

static void
say (ConduitTestListener *self,
     const char          *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
}

static const char *
active_text (void)
{
  return _("The flow is Active: each event sent to its address runs the flow. Switch Active "
           "off to listen for a test event instead.");
}

/* What the line under the button says when nothing is going on. */
static void
show_idle_status (ConduitTestListener *self)
{
  set_status (self, self->flow_active ? active_text () : NULL, FALSE);
}

static void
update_buttons (ConduitTestListener *self)
{
  gboolean listening = self->server != NULL;

  gtk_button_set_label (GTK_BUTTON (self->listen_button),
                        listening ? _("Stop Listening") : _("Listen for Test Event"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->listen_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  listening ? _("Stop Listening") : _("Listen for Test Event"),
                                  -1);
  gtk_widget_set_sensitive (self->listen_button,
                            self->node != NULL && self->saving == NULL &&
                            (!self->flow_active || listening));
  gtk_widget_set_visible (self->event_box, self->event != NULL);
  gtk_widget_set_sensitive (self->sample_button, self->event != NULL && self->node != NULL);
  gtk_widget_set_sensitive (self->fixture_button, self->event != NULL && self->saving == NULL);
}

static void
show_countdown (ConduitTestListener *self)
{
  gint64 left_s = MAX (0, (self->deadline_us - g_get_monotonic_time () + G_USEC_PER_SEC - 1) /
                          G_USEC_PER_SEC);
  g_autofree char *text = NULL;

  /* Says which mode is on, in the words the Active switch's subtitle uses for the other. */
  text = g_strdup_printf (_("Listening for a test event — nothing runs. Send it to %s "
                            "(stops in %d:%02d)."),
                          self->url, (int)(left_s / 60), (int)(left_s % 60));
  set_status (self, text, FALSE);
}

static gboolean
retire_cb (gpointer user_data)
{
  ConduitTestListener *self = user_data;

  self->retire_id = 0;
  g_clear_object (&self->retired);
  return G_SOURCE_REMOVE;
}

/* The port closes at once; the server itself goes a moment later, as it may be the one
 * calling (on_test_event) and its answer to the sender is still to be written. */
static void
stop_server (ConduitTestListener *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      conduit_webhook_server_stop (self->server);
      g_clear_handle_id (&self->retire_id, g_source_remove);
      g_clear_object (&self->retired);
      self->retired = g_steal_pointer (&self->server);
      self->retire_id = g_timeout_add_seconds (2, retire_cb, self);
    }
  self->port = 0;
}

static gboolean
tick_cb (gpointer user_data)
{
  ConduitTestListener *self = user_data;
  g_autofree char *text = NULL;

  if (g_get_monotonic_time () < self->deadline_us)
    {
      show_countdown (self);
      return G_SOURCE_CONTINUE;
    }

  self->tick_id = 0;
  stop_server (self);
  if (self->duration_s % 60 == 0)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Stopped listening: no event came within %u minute.",
                                         "Stopped listening: no event came within %u minutes.",
                                         self->duration_s / 60),
                            self->duration_s / 60);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Stopped listening: no event came within %u second.",
                                         "Stopped listening: no event came within %u seconds.",
                                         self->duration_s),
                            self->duration_s);
  set_status (self, text, FALSE);
  update_buttons (self);
  return G_SOURCE_REMOVE;
}

static void
set_view_text (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

static void
show_event (ConduitTestListener *self)
{
  JsonObject *event = json_node_get_object (self->event);
  JsonObject *headers = json_object_get_object_member (event, "headers");
  JsonNode *items = json_object_get_member (event, "items");
  g_autoptr(GString) header_text = g_string_new (NULL);
  g_autoptr(GList) names = json_object_get_members (headers);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *time = g_date_time_format (now, "%X");
  g_autofree char *heading = NULL;
  g_autofree char *body = conduit_json_text_to_pretty (items);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (header_text, "%s: %s\n", (const char *)l->data,
                            json_object_get_string_member (headers, l->data));
  if (header_text->len > 0)
    g_string_truncate (header_text, header_text->len - 1);

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%s %s at %s: %u item",
                                          "%s %s at %s: %u items",
                                          json_array_get_length (json_node_get_array (items))),
                             json_object_get_string_member (event, "method"),
                             json_object_get_string_member (event, "path"), time,
                             json_array_get_length (json_node_get_array (items)));
  gtk_label_set_text (GTK_LABEL (self->event_label), heading);
  set_view_text (self->headers_view, header_text->str);
  set_view_text (self->body_view, body);
}

static void
on_test_event (ConduitTestListener *self,
               ConduitFlow         *flow,
               const char          *trigger_id,
               JsonNode            *event)
{
  g_assert (CONDUIT_IS_TEST_LISTENER (self));

  g_clear_pointer (&self->event, json_node_unref);
  self->event = json_node_copy (event);
  show_event (self);

  /* One event is what a test needs: the port is free again at once. */
  stop_server (self);
  set_status (self, _("Test event received and answered; listening stopped. Nothing ran."),
              FALSE);
  update_buttons (self);
}

static ConduitRunner *
runner (ConduitTestListener *self)
{
  GtkWidget *editor;

  if (self->runner != NULL)
    return self->runner;
  editor = gtk_widget_get_ancestor (GTK_WIDGET (self), CONDUIT_TYPE_EDITOR);
  if (editor != NULL)
    return conduit_editor_get_runner (CONDUIT_EDITOR (editor));
  return NULL;
}

static ConduitActivation *
window_activation (ConduitTestListener *self)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), CONDUIT_TYPE_WINDOW);

  return window != NULL ? conduit_window_get_activation (CONDUIT_WINDOW (window)) : NULL;
}

/**
 * conduit_test_listener_start:
 * @self: a listener showing a webhook trigger
 * @error: return location for an error, in words for a person
 *
 * Serves the trigger's flow in test mode on its own address for the listener's duration.
 *
 * Returns: whether it listens
 */
gboolean
conduit_test_listener_start (ConduitTestListener  *self,
                             GError              **error)
{
  g_autoptr(ConduitWebhookServer) server = NULL;
  g_autoptr(GError) local_error = NULL;
  ConduitActivation *activation;
  ConduitRunner *the_runner;
  ConduitFlow *flow;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), FALSE);

  if (self->server != NULL)
    return TRUE;
  if (!is_webhook (self->node) || self->document == NULL || (the_runner = runner (self)) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only a webhook trigger listens for test events"));
      return FALSE;
    }

  /* Both would take the same address; the flow being Active is the served, real thing. */
  activation = window_activation (self);
  if (activation != NULL && conduit_activation_get_active (activation))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The flow is Active and serves its webhook on this address: "
                             "listening for a test event and Active cannot share a port. "
                             "Switch Active off first."));
      return FALSE;
    }

  flow = conduit_document_get_flow (self->document);
  server = conduit_webhook_server_new (the_runner);
  conduit_webhook_server_set_test_mode (server, TRUE);
  if (!conduit_serve_add_webhook_flow (server, flow, 0, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Cannot listen for a test event: %s"), local_error->message);
      return FALSE;
    }

  g_signal_connect_object (server, "test-event", G_CALLBACK (on_test_event), self,
                           G_CONNECT_SWAPPED);
  self->server = g_steal_pointer (&server);
  g_free (self->url);
  self->url = conduit_webhook_server_dup_url (self->server, flow);
  uri = g_uri_parse (self->url, G_URI_FLAGS_NONE, NULL);
  self->port = uri != NULL ? (guint)g_uri_get_port (uri) : 0;
  self->deadline_us = g_get_monotonic_time () + (gint64)self->duration_s * G_USEC_PER_SEC;
  self->tick_id = g_timeout_add (250, tick_cb, self);
  show_countdown (self);
  update_buttons (self);
  return TRUE;
}

/**
 * conduit_test_listener_stop:
 * @self: a listener
 *
 * Stops listening; the port is closed at once.
 */
void
conduit_test_listener_stop (ConduitTestListener *self)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));

  if (self->server == NULL)
    return;
  stop_server (self);
  set_status (self, _("Stopped listening."), FALSE);
  update_buttons (self);
}

static void
on_listen_clicked (ConduitTestListener *self)
{
  g_autoptr(GError) error = NULL;

  if (self->server != NULL)
    {
      conduit_test_listener_stop (self);
      return;
    }
  if (!conduit_test_listener_start (self, &error))
    {
      set_status (self, error->message, TRUE);
      say (self, error->message);
    }
}

/* The event's items become the trigger's sample: one undoable edit, saved with the flow, that
 * test runs and the mapping table's samples use. */
static void
on_sample_clicked (ConduitTestListener *self)
{
  JsonNode *items;

  if (self->event == NULL || self->node == NULL || self->document == NULL)
    return;
  items = json_object_get_member (json_node_get_object (self->event), "items");
  conduit_undo_stack_set_setting (conduit_document_get_undo_stack (self->document), self->node,
                                  "items", items);
  set_status (self, _("The event is the trigger’s sample now (undo with Ctrl+Z)."), FALSE);
}

static void
fixture_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(ConduitTestListener) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 run_id;

  run_id = conduit_flow_test_save_event_finish (result, &error);
  g_clear_object (&self->saving);
  /* cancelled: the listener went away (its task is cancelled in dispose) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (run_id == 0)
    {
      text = g_strdup_printf (_("The test was not saved: %s"), error->message);
      set_status (self, text, TRUE);
    }
  else
    {
      g_autofree char *run = g_strdup_printf ("%" G_GINT64_FORMAT, run_id);

      text = g_strdup_printf (_("Saved as a test of the flow (from run %s); “conduit-cli test” "
                                "and the Tests pane run it."), run);
      set_status (self, text, FALSE);
    }
  update_buttons (self);
  /* The button went insensitive while the flow ran and GTK dropped the keyboard focus with
   * it: it comes back to where it was. */
  if (self->fixture_had_focus)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      /* GTK 4.8 may leave the window's focus on a widget it no longer holds */
      if (root != NULL && (focus == NULL || gtk_widget_get_root (focus) != root ||
                           !gtk_widget_is_sensitive (focus)))
        gtk_widget_grab_focus (self->fixture_button);
    }
  self->fixture_had_focus = FALSE;
}

/* A saved test, as `conduit-cli test save` writes one: the flow runs once with the event (its
 * steps are called, as a test run calls them) and that run becomes the expected result. */
static void
on_fixture_clicked (ConduitTestListener *self)
{
  GFile *file;
  g_autofree char *path = NULL;
  g_autofree char *tests_path = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
  ConduitRunner *the_runner = runner (self);
  JsonArray *array;

  if (self->event == NULL || self->document == NULL || self->node == NULL || the_runner == NULL)
    return;

  file = conduit_document_get_file (self->document);
  path = file != NULL ? g_file_get_path (file) : NULL;
  if (path == NULL)
    {
      set_status (self, _("Save the flow first: its tests are kept in a file beside it."), TRUE);
      return;
    }
  tests_path = conduit_flow_test_path_for_flow (path);

  array = json_node_get_array (json_object_get_member (json_node_get_object (self->event),
                                                       "items"));
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));

  /* TRANSLATORS: the name of a saved test; %s is a date and time */
  name = g_strdup_printf (_("Test event of %s"), stamp);
  self->saving = g_cancellable_new ();
  self->fixture_had_focus = gtk_widget_has_focus (self->fixture_button);
  set_status (self, _("Running the flow once with the event to keep what it does…"), FALSE);
  update_buttons (self);
  conduit_flow_test_save_event_async (the_runner, conduit_document_get_flow (self->document),
                                      tests_path, conduit_node_get_id (self->node), items, name,
                                      self->saving, fixture_saved_cb, g_object_ref (self));
}

static void
conduit_test_listener_dispose (GObject *object)
{
  ConduitTestListener *self = (ConduitTestListener *)object;

  stop_server (self);
  g_clear_handle_id (&self->retire_id, g_source_remove);
  g_clear_object (&self->retired);
  if (self->saving != NULL)
    g_cancellable_cancel (self->saving);
  g_clear_object (&self->saving);
  g_clear_object (&self->document);
  g_clear_object (&self->node);
  g_clear_object (&self->runner);

  G_OBJECT_CLASS (conduit_test_listener_parent_class)->dispose (object);
}

static void
conduit_test_listener_finalize (GObject *object)
{
  ConduitTestListener *self = (ConduitTestListener *)object;

  g_clear_pointer (&self->event, json_node_unref);
  g_free (self->url);
  g_free (self->status_text);

  G_OBJECT_CLASS (conduit_test_listener_parent_class)->finalize (object);
}

static void
conduit_test_listener_class_init (ConduitTestListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_test_listener_dispose;
  object_class->finalize = conduit_test_listener_finalize;
}

static GtkTextView *
new_item_view (const char *name)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (view, "card");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return GTK_TEXT_VIEW (view);
}

static GtkWidget *
new_heading (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
conduit_test_listener_init (ConduitTestListener *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  /* one under the other: side by side, the German labels made the inspector, and so a 360 px
   * window, 100 px wider than the screen */
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  self->duration_s = CONDUIT_TEST_LISTENER_DEFAULT_SECONDS;

  gtk_box_append (GTK_BOX (box), new_heading (_("Test Event")));

  self->listen_button = gtk_button_new_with_label (_("Listen for Test Event"));
  gtk_widget_set_halign (self->listen_button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (self->listen_button,
                               _("Receive one event on the flow’s own address for a few "
                                 "minutes, to see what the sender sends; nothing runs"));
  g_signal_connect_swapped (self->listen_button, "clicked", G_CALLBACK (on_listen_clicked), self);
  gtk_box_append (GTK_BOX (box), self->listen_button);

  self->status_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->status_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_label_set_selectable (GTK_LABEL (self->status_label), TRUE);
  gtk_widget_set_visible (self->status_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->status_label);

  self->event_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  self->event_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->event_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->event_label), TRUE);
  gtk_box_append (GTK_BOX (self->event_box), self->event_label);
  gtk_box_append (GTK_BOX (self->event_box), new_heading (_("Headers")));
  self->headers_view = new_item_view (_("Headers of the test event"));
  gtk_box_append (GTK_BOX (self->event_box), GTK_WIDGET (self->headers_view));
  gtk_box_append (GTK_BOX (self->event_box), new_heading (_("Items")));
  self->body_view = new_item_view (_("Items of the test event"));
  gtk_box_append (GTK_BOX (self->event_box), GTK_WIDGET (self->body_view));

  self->sample_button = gtk_button_new_with_label (_("Use as Sample"));
  gtk_widget_set_tooltip_text (self->sample_button,
                               _("Keep the event as the trigger’s sample, saved with the flow"));
  g_signal_connect_swapped (self->sample_button, "clicked", G_CALLBACK (on_sample_clicked), self);
  self->fixture_button = gtk_button_new_with_label (_("Save as Test Fixture"));
  gtk_widget_set_tooltip_text (self->fixture_button,
                               _("Run the flow once with the event and keep that run as a "
                                 "saved test of the flow"));
  g_signal_connect_swapped (self->fixture_button, "clicked", G_CALLBACK (on_fixture_clicked),
                            self);
  gtk_widget_set_halign (self->sample_button, GTK_ALIGN_START);
  gtk_widget_set_halign (self->fixture_button, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (buttons), self->sample_button);
  gtk_box_append (GTK_BOX (buttons), self->fixture_button);
  gtk_box_append (GTK_BOX (self->event_box), buttons);
  gtk_box_append (GTK_BOX (box), self->event_box);

  adw_bin_set_child (ADW_BIN (self), box);
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  update_buttons (self);
}

/**
 * conduit_test_listener_new:
 *
 * Returns: (transfer floating): a listener, hidden until it shows a webhook trigger
 */
GtkWidget *
conduit_test_listener_new (void)
{
  return g_object_new (CONDUIT_TYPE_TEST_LISTENER, NULL);
}

/**
 * conduit_test_listener_set_document:
 * @self: a listener
 * @document: (nullable): the open flow
 *
 * Another flow stops listening for the one before.
 */
void
conduit_test_listener_set_document (ConduitTestListener *self,
                                    ConduitDocument     *document)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));

  if (self->document == document)
    return;
  stop_server (self);
  g_clear_pointer (&self->event, json_node_unref);
  show_idle_status (self);
  g_set_object (&self->document, document);
  update_buttons (self);
}

/**
 * conduit_test_listener_set_node:
 * @self: a listener
 * @node: (nullable): the selected step; the listener shows only for a webhook trigger
 *
 * Selecting another step leaves the listener listening for its trigger: it stops by itself.
 */
void
conduit_test_listener_set_node (ConduitTestListener *self,
                                ConduitNode         *node)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));

  if (!is_webhook (node))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      return;
    }
  if (self->node != node)
    {
      stop_server (self);
      g_clear_pointer (&self->event, json_node_unref);
      show_idle_status (self);
      g_set_object (&self->node, node);
    }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  update_buttons (self);
}

/**
 * conduit_test_listener_set_runner:
 * @self: a listener
 * @runner: (nullable): the runner a saved test's run goes through; %NULL for the editor's
 */
void
conduit_test_listener_set_runner (ConduitTestListener *self,
                                  ConduitRunner       *runner)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));

  g_set_object (&self->runner, runner);
}

/**
 * conduit_test_listener_set_duration:
 * @self: a listener
 * @seconds: how long a listening lasts (default five minutes)
 */
void
conduit_test_listener_set_duration (ConduitTestListener *self,
                                    guint                seconds)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));
  g_return_if_fail (seconds > 0);

  self->duration_s = seconds;
}

gboolean
conduit_test_listener_get_listening (ConduitTestListener *self)
{
  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), FALSE);
  return self->server != NULL;
}

/**
 * conduit_test_listener_get_port:
 * @self: a listener
 *
 * Returns: the port listened on, 0 when not listening
 */
guint
conduit_test_listener_get_port (ConduitTestListener *self)
{
  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), 0);
  return self->port;
}

/**
 * conduit_test_listener_get_url:
 * @self: a listener
 *
 * Returns: (nullable): the address listened on last
 */
const char *
conduit_test_listener_get_url (ConduitTestListener *self)
{
  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), NULL);
  return self->url;
}

/**
 * conduit_test_listener_get_status_text:
 * @self: a listener
 *
 * Returns: (nullable): the sentence shown under the button
 */
const char *
conduit_test_listener_get_status_text (ConduitTestListener *self)
{
  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), NULL);
  return self->status_text;
}

/**
 * conduit_test_listener_get_event:
 * @self: a listener
 *
 * Returns: (transfer none) (nullable): the event caught, as #ConduitWebhookServer::test-event
 *   gave it
 */
JsonNode *
conduit_test_listener_get_event (ConduitTestListener *self)
{
  g_return_val_if_fail (CONDUIT_IS_TEST_LISTENER (self), NULL);
  return self->event;
}

/**
 * conduit_test_listener_set_flow_active:
 * @self: a listener
 * @active: whether the flow is Active (serves its webhook on the address the listener uses)
 *
 * While the flow is Active, each event sent to its address runs the flow: the listener is not
 * offered then, and says so under its button.
 */
void
conduit_test_listener_set_flow_active (ConduitTestListener *self,
                                       gboolean             active)
{
  g_return_if_fail (CONDUIT_IS_TEST_LISTENER (self));

  active = !!active;
  if (self->flow_active == active)
    return;
  self->flow_active = active;
  if (active || g_strcmp0 (self->status_text, active_text ()) == 0)
    show_idle_status (self);
  update_buttons (self);
}
