/* conduit-application.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-application"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-application.h"
#include "conduit-credentials-window.h"
#include "conduit-window.h"

struct _ConduitApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  ConduitRunner  *runner;
  gboolean        retention_applied;
};

G_DEFINE_FINAL_TYPE (ConduitApplication, conduit_application, ADW_TYPE_APPLICATION)

static ConduitWindow *
create_window (ConduitApplication *self)
{
  ConduitWindow *window = conduit_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
conduit_application_activate (GApplication *application)
{
  ConduitApplication *self = CONDUIT_APPLICATION (application);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_window_present (window);
  else
    create_window (self);
}

static void
conduit_application_open (GApplication  *application,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  ConduitApplication *self = CONDUIT_APPLICATION (application);

  for (int i = 0; i < n_files; i++)
    {
      ConduitWindow *window = create_window (self);
      conduit_window_open_file (window, files[i]);
    }
}

static void
conduit_application_startup (GApplication *application)
{
  ConduitApplication *self = CONDUIT_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *credentials_accels[] = { "<Control><Alt>k", NULL };

  G_APPLICATION_CLASS (conduit_application_parent_class)->startup (application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.credentials",
                                         credentials_accels);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *application = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (application));

  /* Each window asks about its own unsaved changes before it goes. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *application = user_data;
  static const char *developers[] = { "The Conduit authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (application),
                        "application-icon", APPLICATION_ID,
                        "application-name", _("Conduit"),
                        "developer-name", _("The Conduit authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Connect the apps your team runs: draw the integration, map the fields, test-run it with a full history."),
                        "developers", developers,
                        "copyright", "© 2026 The Conduit authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* run history pane: a notification about a failed run opens it. */
static void
show_run_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ConduitApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!CONDUIT_IS_WINDOW (window))
    window = GTK_WINDOW (create_window (self));
  gtk_window_present (window);
  conduit_window_show_run (CONDUIT_WINDOW (window), g_variant_get_int64 (parameter));
}

/* One credentials manager for all windows: the keyring is shared by them. */
static void
credentials_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  GtkApplication *application = user_data;

  for (GList *l = gtk_application_get_windows (application); l != NULL; l = l->next)
    {
      if (CONDUIT_IS_CREDENTIALS_WINDOW (l->data))
        {
          gtk_window_present (l->data);
          return;
        }
    }

  gtk_window_present (GTK_WINDOW (conduit_credentials_window_new (application)));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "credentials", credentials_activated },
  { "show-run", show_run_activated, "x" },
};

static void
conduit_application_dispose (GObject *object)
{
  ConduitApplication *self = (ConduitApplication *)object;

  if (self->runner != NULL && conduit_runner_get_history (self->runner) != NULL)
    conduit_history_store_close (conduit_runner_get_history (self->runner));
  g_clear_object (&self->runner);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (conduit_application_parent_class)->dispose (object);
}

static void
conduit_application_class_init (ConduitApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = conduit_application_dispose;
  app_class->activate = conduit_application_activate;
  app_class->open = conduit_application_open;
  app_class->startup = conduit_application_startup;
}

static void
conduit_application_init (ConduitApplication *self)
{
  self->settings = g_settings_new (APPLICATION_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
}

/**
 * conduit_application_new:
 *
 * Returns: (transfer full): the application
 */
ConduitApplication *
conduit_application_new (void)
{
  return g_object_new (CONDUIT_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/conduit/Conduit",
                       NULL);
}

/**
 * conduit_application_get_settings:
 * @self: the application
 *
 * Returns: (transfer none): Conduit's settings
 */
GSettings *
conduit_application_get_settings (ConduitApplication *self)
{
  g_return_val_if_fail (CONDUIT_IS_APPLICATION (self), NULL);
  return self->settings;
}

static void
prune_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!conduit_history_store_prune_finish (CONDUIT_HISTORY_STORE (object), result, NULL, &error))
    g_warning ("%s", error->message);
}

/**
 * conduit_application_get_history_store:
 * @self: the application
 *
 * The run history of conduit_application_get_runner(), pruned once as the settings say.
 *
 * Returns: (transfer none) (nullable): the run history, or %NULL when it cannot be opened
 */
ConduitHistoryStore *
conduit_application_get_history_store (ConduitApplication *self)
{
  ConduitHistoryStore *store;

  g_return_val_if_fail (CONDUIT_IS_APPLICATION (self), NULL);

  store = conduit_runner_get_history (conduit_application_get_runner (self));
  if (store != NULL && !self->retention_applied)
    {
      self->retention_applied = TRUE;
      conduit_history_store_set_retention (store,
                                           MAX (0, g_settings_get_int (self->settings, "history-keep-runs")),
                                           MAX (0, g_settings_get_int (self->settings, "history-keep-days")));
      conduit_history_store_prune_async (store, g_get_real_time (), NULL, prune_done, NULL);
    }
  return store;
}

/* When items failed but no node as a whole, the run has no error of its own: the first failed
 * attempt in its history says why ("send: could not reach …"), already redacted. */
static char *
dup_first_item_failure (ConduitRunner *runner,
                        ConduitRun    *run)
{
  ConduitHistoryStore *history = conduit_runner_get_history (runner);
  g_autoptr(GPtrArray) steps = NULL;

  if (history == NULL || conduit_run_get_id (run) <= 0 ||
      !conduit_history_store_flush (history, NULL) ||
      (steps = conduit_history_store_list_steps (history, conduit_run_get_id (run), NULL)) == NULL)
    return NULL;

  for (guint i = 0; i < steps->len; i++)
    {
      ConduitStepRecord *step = g_ptr_array_index (steps, i);

      if (g_strcmp0 (step->status, "failed") == 0 && step->error_message != NULL)
        return g_strdup_printf (_("%s: %s"), step->node_id, step->error_message);
    }
  return NULL;
}

/* A flow served in the background fails with nobody looking: say so on the desktop, and open the
 * run when the notification is clicked. */
static void
run_finished (ConduitRunner      *runner,
              ConduitRun         *run,
              ConduitApplication *self)
{
  ConduitRunStatus status = conduit_run_get_status (run);
  const char *kind = conduit_run_get_trigger_kind (run);
  const char *reason = conduit_run_get_error (run);
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *first_item_failure = NULL;
  g_autofree char *title = NULL;
  g_autofree char *id = NULL;

  if (g_strcmp0 (kind, "webhook") != 0 && g_strcmp0 (kind, "schedule") != 0 &&
      g_strcmp0 (kind, "poll") != 0)
    return;
  if (status != CONDUIT_RUN_STATUS_FAILED && status != CONDUIT_RUN_STATUS_PARTIAL)
    return;

  title = g_strdup_printf (status == CONDUIT_RUN_STATUS_FAILED ? _("“%s” failed")
                                                              : _("“%s” partly failed"),
                           conduit_run_get_flow_name (run));
  if (reason == NULL)
    reason = first_item_failure = dup_first_item_failure (runner, run);
  notification = g_notification_new (title);
  g_notification_set_body (notification,
                           reason != NULL ? reason
                                          : _("Some items could not be delivered. Open the run to see which and why."));
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_default_action_and_target (notification, "app.show-run", "x",
                                                conduit_run_get_id (run));
  id = g_strdup_printf ("run-%" G_GINT64_FORMAT, conduit_run_get_id (run));
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

/**
 * conduit_application_watch_runner:
 * @self: the application
 * @runner: a runner serving flows in the background
 *
 * Sends a desktop notification when a run started by a webhook, a schedule or a poll fails.
 */
void
conduit_application_watch_runner (ConduitApplication *self,
                                  ConduitRunner      *runner)
{
  g_return_if_fail (CONDUIT_IS_APPLICATION (self));
  g_return_if_fail (CONDUIT_IS_RUNNER (runner));

  g_signal_connect_object (runner, "run-finished", G_CALLBACK (run_finished), self, 0);
}

/**
 * conduit_application_get_runner:
 * @self: the application
 *
 * The runner every window's test runs go through, created on first use, recording into the
 * history at its default place. When the history cannot be opened the runner still runs and a
 * warning says why; the run history pane reports it to the person.
 *
 * Returns: (transfer none): the runner
 */
ConduitRunner *
conduit_application_get_runner (ConduitApplication *self)
{
  g_return_val_if_fail (CONDUIT_IS_APPLICATION (self), NULL);

  if (self->runner == NULL)
    {
      g_autofree char *path = conduit_history_store_dup_default_path ();
      g_autoptr(ConduitHistoryStore) history = NULL;
      g_autoptr(GError) error = NULL;

      history = conduit_history_store_new (path, &error);
      if (history == NULL)
        g_warning ("The run history %s cannot be opened: %s", path, error->message);
      self->runner = conduit_runner_new (conduit_connector_registry_get_default (), history);
      /* run history pane: failed background runs show on the desktop */
      conduit_application_watch_runner (self, self->runner);
    }

  return self->runner;
}
