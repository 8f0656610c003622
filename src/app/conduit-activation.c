/* conduit-activation.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-activation"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-activation.h"
#include "conduit-test-listener.h"

/* The header bar's "Active" switch: while it is on, the app serves the open flow's webhook,
 * schedule and poll triggers with the engine's ConduitFlowService — what `conduit-cli serve`
 * does for each flow — and its runs go into the history like any served run.
 *
 * It serves the flow as saved, so that what runs is what a server would run from the file:
 * unsaved edits are not served until they are saved, and then the service restarts with the
 * new file by itself. It refuses a flow with problems (the flow check) or without a file, a
 * port taken by another program, and the address the test listener holds. Closing the flow or
 * the window switches it off. */

struct _ConduitActivation
{
  GtkBox              parent_instance;

  ConduitEditor      *editor;       /* unowned, weak */
  ConduitDocument    *document;
  ConduitFlowService *service;      /* (nullable) while active */
  ConduitRunner      *runner;       /* (nullable) whose runs it follows while active */
  char               *served_data;  /* the file's text being served */
  char               *status;
  char               *message;

  GtkWidget          *label;
  GtkWidget          *toggle;
  guint               updating : 1;
};

enum {
  PROP_0,
  PROP_ACTIVE,
  PROP_STATUS,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitActivation, conduit_activation, GTK_TYPE_BOX)

static GParamSpec *properties[N_PROPS];

static void
set_switch (ConduitActivation *self,
            gboolean           on)
{
  self->updating = TRUE;
  gtk_switch_set_active (GTK_SWITCH (self->toggle), on);
  gtk_switch_set_state (GTK_SWITCH (self->toggle), on);
  self->updating = FALSE;
}

static void
unfollow_runs (ConduitActivation *self)
{
  if (self->runner == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
}

static void
update_status (ConduitActivation *self)
{
  g_autoptr(GString) status = NULL;
  g_autofree char *url = NULL;
  gint64 next_us;
  guint n_polls;

  g_clear_pointer (&self->status, g_free);
  if (self->service != NULL && conduit_flow_service_get_started (self->service))
    {
      status = g_string_new (NULL);
      url = conduit_flow_service_dup_url (self->service);
      next_us = conduit_flow_service_get_next_us (self->service);
      n_polls = conduit_flow_service_get_n_polls (self->service);

      if (url != NULL)
        /* Says that events run the flow, in contrast to the test listener's "nothing runs" */
        g_string_append_printf (status, _("Active — each event sent to %s runs the flow"), url);
      else
        g_string_append (status, _("Active"));
      if (next_us > 0)
        {
          g_autoptr(GDateTime) next = g_date_time_new_from_unix_local (next_us / G_USEC_PER_SEC);
          g_autofree char *when = g_date_time_format (next, "%X");

          g_string_append_printf (status, _(", next scheduled run at %s"), when);
        }
      if (n_polls > 0)
        g_string_append_printf (status, g_dngettext (GETTEXT_PACKAGE, ", polling %u trigger",
                                                     ", polling %u triggers", n_polls),
                                n_polls);
      if (self->document != NULL && conduit_document_get_modified (self->document))
        g_string_append (status, _(" — the saved flow: save to apply your changes"));
      self->status = g_string_free (g_steal_pointer (&status), FALSE);
    }

  gtk_widget_set_tooltip_text (self->toggle,
                               self->status != NULL
                                 ? self->status
                                 : _("Run this flow for real on each event sent to its webhook "
                                     "and on its schedule, from this app while it is open, as "
                                     "conduit-cli serve would"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
set_message (ConduitActivation *self,
             const char        *message)
{
  GtkWidget *overlay;

  g_free (self->message);
  self->message = g_strdup (message);
  if (message == NULL)
    return;
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    {
      AdwToast *toast = adw_toast_new (message);

      adw_toast_set_timeout (toast, 10);
      adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
    }
}

/* The flow as saved in its file, checked. */
static ConduitFlow *
load_saved_flow (ConduitActivation  *self,
                 ConduitRunner      *runner,
                 char              **data,
                 GError            **error)
{
  ConduitConnectorRegistry *registry = conduit_runner_get_registry (runner);
  GFile *file = conduit_document_get_file (self->document);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (file == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("Save the flow first: Active serves the flow as saved, as a server "
                             "would run it from its file."));
      return NULL;
    }
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;
  flow = conduit_flow_new_from_data (registry, contents, (gssize)length, NULL, &local_error);
  if (flow == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("The saved flow has a problem to fix before it can be Active: %s"),
                   local_error->message);
      return NULL;
    }

  problems = conduit_flow_check (flow, registry);
  if (problems != NULL && problems->len > 0)
    {
      ConduitFlowProblem *first = g_ptr_array_index (problems, 0);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The saved flow has %u problem to fix before it can be Active: %s",
                                "The saved flow has %u problems to fix before it can be Active; "
                                "the first: %s", problems->len),
                   problems->len, first->message);
      return NULL;
    }

  *data = g_steal_pointer (&contents);
  return g_steal_pointer (&flow);
}

/* A scheduled run moves the next one on: the subtitle says the new time, not one gone by. */
static void
on_run_event (ConduitActivation *self)
{
  g_assert (CONDUIT_IS_ACTIVATION (self));

  if (self->service != NULL)
    update_status (self);
}

static void
follow_runs (ConduitActivation *self,
             ConduitRunner     *runner)
{
  if (self->runner == runner)
    return;
  unfollow_runs (self);
  self->runner = g_object_ref (runner);
  g_signal_connect_object (runner, "run-started", G_CALLBACK (on_run_event), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (runner, "run-finished", G_CALLBACK (on_run_event), self,
                           G_CONNECT_SWAPPED);
}

/**
 * conduit_activation_activate:
 * @self: the switch
 * @error: return location for an error, in words for a person
 *
 * Serves the open flow as saved: its webhook, schedule and poll triggers.
 *
 * Returns: whether it is active
 */
gboolean
conduit_activation_activate (ConduitActivation  *self,
                             GError            **error)
{
  g_autoptr(ConduitFlowService) service = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  ConduitRunner *runner;

  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), FALSE);

  if (self->service != NULL)
    return TRUE;
  if (self->document == NULL || self->editor == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No flow is open"));
      return FALSE;
    }

  runner = conduit_editor_get_runner (self->editor);
  flow = load_saved_flow (self, runner, &data, error);
  if (flow == NULL)
    return FALSE;

  /* Both would take the same address: say so rather than "address in use". */
  if (conduit_test_listener_get_listening (
        CONDUIT_TEST_LISTENER (conduit_editor_get_test_listener (self->editor))))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("The webhook is listening for a test event on this address: Active "
                             "and listening cannot share a port. Stop listening first."));
      return FALSE;
    }

  service = conduit_flow_service_new (runner);
  if (!conduit_flow_service_start (service, flow, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("The flow cannot be Active: %s"), local_error->message);
      return FALSE;
    }

  self->service = g_steal_pointer (&service);
  g_free (self->served_data);
  self->served_data = g_steal_pointer (&data);
  follow_runs (self, runner);
  set_switch (self, TRUE);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  return TRUE;
}

/**
 * conduit_activation_deactivate:
 * @self: the switch
 *
 * Stops serving: the port is closed at once, schedules stop; runs going on finish.
 */
void
conduit_activation_deactivate (ConduitActivation *self)
{
  g_return_if_fail (CONDUIT_IS_ACTIVATION (self));

  set_switch (self, FALSE);
  unfollow_runs (self);
  if (self->service == NULL)
    return;
  conduit_flow_service_stop (self->service);
  g_clear_object (&self->service);
  g_clear_pointer (&self->served_data, g_free);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

static void
on_switch_active (ConduitActivation *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating)
    return;

  /* The last refusal stays readable (get_message) until a switching on succeeds. */
  if (!gtk_switch_get_active (GTK_SWITCH (self->toggle)))
    {
      conduit_activation_deactivate (self);
      return;
    }

  if (!conduit_activation_activate (self, &error))
    {
      set_switch (self, FALSE);
      set_message (self, error->message);
      return;
    }
  set_message (self, NULL);
}

/* Saved (the document is unmodified again): serve what is in the file now. */
static void
on_document_modified (ConduitActivation *self)
{
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(ConduitFlowService) service = NULL;

  if (self->service == NULL || conduit_document_get_modified (self->document))
    {
      update_status (self);
      return;
    }

  flow = load_saved_flow (self, conduit_editor_get_runner (self->editor), &data, &error);
  if (flow != NULL && g_strcmp0 (data, self->served_data) == 0)
    {
      update_status (self);
      return;
    }

  /* The old flow's port is closed before the new one binds it. */
  conduit_flow_service_stop (self->service);
  g_clear_object (&self->service);
  if (flow != NULL)
    {
      service = conduit_flow_service_new (conduit_editor_get_runner (self->editor));
      if (conduit_flow_service_start (service, flow, &error))
        {
          self->service = g_steal_pointer (&service);
          g_free (self->served_data);
          self->served_data = g_steal_pointer (&data);
          update_status (self);
          return;
        }
    }

  {
    g_autofree char *text = g_strdup_printf (_("Active is off: the saved flow cannot be served: "
                                               "%s"), error->message);

    conduit_activation_deactivate (self);
    set_message (self, text);
  }
}

static void
conduit_activation_dispose (GObject *object)
{
  ConduitActivation *self = (ConduitActivation *)object;

  if (self->service != NULL)
    conduit_flow_service_stop (self->service);
  g_clear_object (&self->service);
  unfollow_runs (self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
  g_clear_weak_pointer (&self->editor);

  G_OBJECT_CLASS (conduit_activation_parent_class)->dispose (object);
}

static void
conduit_activation_finalize (GObject *object)
{
  ConduitActivation *self = (ConduitActivation *)object;

  g_free (self->served_data);
  g_free (self->status);
  g_free (self->message);

  G_OBJECT_CLASS (conduit_activation_parent_class)->finalize (object);
}

static void
conduit_activation_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConduitActivation *self = CONDUIT_ACTIVATION (object);

  switch (prop_id)
    {
    case PROP_ACTIVE:
      g_value_set_boolean (value, self->service != NULL);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_activation_class_init (ConduitActivationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_activation_dispose;
  object_class->finalize = conduit_activation_finalize;
  object_class->get_property = conduit_activation_get_property;

  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_activation_init (ConduitActivation *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_HORIZONTAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);

  self->label = gtk_label_new (_("Active"));
  self->toggle = gtk_switch_new ();
  gtk_widget_set_valign (self->toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Active"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Run this flow for real on each event sent to its webhook and "
                                    "on its schedule, from this app"), -1);
  gtk_box_append (GTK_BOX (self), self->label);
  gtk_box_append (GTK_BOX (self), self->toggle);
  g_signal_connect_swapped (self->toggle, "notify::active", G_CALLBACK (on_switch_active), self);
  update_status (self);
}

/**
 * conduit_activation_new:
 *
 * Returns: (transfer floating): the "Active" switch, serving nothing
 */
GtkWidget *
conduit_activation_new (void)
{
  return g_object_new (CONDUIT_TYPE_ACTIVATION, NULL);
}

/**
 * conduit_activation_set_editor:
 * @self: the switch
 * @editor: the editor whose runner records the runs and whose listener it must not clash with
 */
void
conduit_activation_set_editor (ConduitActivation *self,
                               ConduitEditor     *editor)
{
  g_return_if_fail (CONDUIT_IS_ACTIVATION (self));

  g_set_weak_pointer (&self->editor, editor);
}

/**
 * conduit_activation_set_document:
 * @self: the switch
 * @document: (nullable): the open flow
 *
 * Closing the flow, or opening another, switches it off.
 */
void
conduit_activation_set_document (ConduitActivation *self,
                                 ConduitDocument   *document)
{
  g_return_if_fail (CONDUIT_IS_ACTIVATION (self));

  if (self->document == document)
    return;
  conduit_activation_deactivate (self);
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_set_object (&self->document, document);
  if (document != NULL)
    g_signal_connect_swapped (document, "notify::modified", G_CALLBACK (on_document_modified),
                              self);
}

gboolean
conduit_activation_get_active (ConduitActivation *self)
{
  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), FALSE);
  return self->service != NULL;
}

/**
 * conduit_activation_get_status:
 * @self: the switch
 *
 * Returns: (nullable): "Active — each event sent to URL runs the flow…" while active
 */
const char *
conduit_activation_get_status (ConduitActivation *self)
{
  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), NULL);
  return self->status;
}

/**
 * conduit_activation_get_message:
 * @self: the switch
 *
 * Returns: (nullable): why switching on was refused last, or why it went off
 */
const char *
conduit_activation_get_message (ConduitActivation *self)
{
  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), NULL);
  return self->message;
}

/**
 * conduit_activation_get_service:
 * @self: the switch
 *
 * Returns: (transfer none) (nullable): the service, while active
 */
ConduitFlowService *
conduit_activation_get_service (ConduitActivation *self)
{
  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), NULL);
  return self->service;
}

/**
 * conduit_activation_get_switch:
 * @self: the switch
 *
 * Returns: (transfer none): the #GtkSwitch
 */
GtkWidget *
conduit_activation_get_switch (ConduitActivation *self)
{
  g_return_val_if_fail (CONDUIT_IS_ACTIVATION (self), NULL);
  return self->toggle;
}

/**
 * conduit_activation_set_compact:
 * @self: the switch
 * @compact: whether to show the switch without the word "Active" beside it
 *
 * A narrow header bar has no room for the word; the switch keeps it as its accessible name and
 * the window's subtitle says "Active".
 */
void
conduit_activation_set_compact (ConduitActivation *self,
                                gboolean           compact)
{
  g_return_if_fail (CONDUIT_IS_ACTIVATION (self));

  gtk_widget_set_visible (self->label, !compact);
}
