/* test-notification.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>

#include "conduit.h"
#include "conduit-application.h"
#include "conduit-history-view.h"
#include "conduit-window.h"

/* A flow served in the background that fails, with nobody looking, says so on the desktop. The
 * test owns org.freedesktop.Notifications on its private session bus, so the notification GLib
 * sends arrives here, and checks what it says and that clicking it opens the run. */

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Notifications'>"
  "    <method name='Notify'>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='out'/>"
  "    </method>"
  "    <method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "    <method name='GetServerInformation'>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "    </method>"
  "    <method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "    <signal name='ActionInvoked'><arg type='u'/><arg type='s'/></signal>"
  "    <signal name='NotificationClosed'><arg type='u'/><arg type='u'/></signal>"
  "  </interface>"
  "</node>";

typedef struct
{
  char  *summary;
  char  *body;
  char **actions;
} Shown;

static void
shown_free (Shown *shown)
{
  g_free (shown->summary);
  g_free (shown->body);
  g_strfreev (shown->actions);
  g_free (shown);
}

typedef struct
{
  GPtrArray *shown;
  gboolean   owned;
} Server;

static void
method_call (GDBusConnection       *connection,
             const char            *sender,
             const char            *object_path,
             const char            *interface_name,
             const char            *method_name,
             GVariant              *parameters,
             GDBusMethodInvocation *invocation,
             gpointer               user_data)
{
  Server *server = user_data;

  if (g_str_equal (method_name, "Notify"))
    {
      Shown *shown = g_new0 (Shown, 1);

      g_variant_get (parameters, "(&susss^as@a{sv}i)", NULL, NULL, NULL, &shown->summary,
                     &shown->body, &shown->actions, NULL, NULL);
      g_ptr_array_add (server->shown, shown);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", server->shown->len));
    }
  else if (g_str_equal (method_name, "GetCapabilities"))
    {
      const char *capabilities[] = { "actions", "body", NULL };

      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(^as)", capabilities));
    }
  else if (g_str_equal (method_name, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation,
                                           g_variant_new ("(ssss)", "test", "conduit", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
name_acquired (GDBusConnection *connection,
               const char      *name,
               gpointer         user_data)
{
  ((Server *)user_data)->owned = TRUE;
}

static ConduitFlow *
webhook_flow (void)
{
  g_autoptr(GError) error = NULL;
  ConduitFlow *flow;

  /* Port 1 on this computer: nothing listens there, so the request fails at once. */
  flow = conduit_flow_new_from_data (
    conduit_connector_registry_get_default (),
    "{ \"version\": 1, \"name\": \"Orders\", \"nodes\": ["
    "  { \"id\": \"hook\", \"type\": \"webhook-trigger\", \"position\": [0, 0],"
    "    \"settings\": { \"path\": \"/hooks/orders\", \"port\": 0 } },"
    "  { \"id\": \"send\", \"type\": \"http-request\", \"position\": [200, 0],"
    "    \"settings\": { \"method\": \"POST\", \"url\": \"http://127.0.0.1:1/orders\","
    "                    \"max_attempts\": 1 } } ],"
    " \"links\": [ { \"from\": \"hook\", \"from_port\": \"out\", \"to\": \"send\", \"to_port\": \"in\" } ] }",
    -1, NULL, &error);
  g_assert_no_error (error);
  return flow;
}

static void
run_done (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_run_execute_finish (CONDUIT_RUN (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *)user_data = TRUE;
}

static void
recorded (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_run_record_finish (CONDUIT_RUN (object), result, &error));
  g_assert_no_error (error);
  conduit_run_execute_async (CONDUIT_RUN (object), NULL, run_done, user_data);
}

/* Runs @flow once as its @trigger_kind would, to the end. */
static ConduitRun *
run_as (ConduitRunner *runner,
        ConduitFlow   *flow,
        const char    *trigger_kind)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  ConduitRun *run;

  g_ptr_array_add (items, json_from_string ("{\"order_id\": \"A-1\"}", NULL));
  run = conduit_runner_create_run (runner, flow, NULL, trigger_kind, items, &error);
  g_assert_no_error (error);
  conduit_run_record_async (run, NULL, recorded, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return run;
}

static gboolean
time_up (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits until @n notifications arrived, or @seconds went by. */
static void
wait_for (Server *server,
          guint   n,
          guint   seconds)
{
  gboolean up = FALSE;
  guint id = g_timeout_add_seconds (seconds, time_up, &up);

  while (server->shown->len < n && !up)
    g_main_context_iteration (NULL, TRUE);
  if (!up)
    g_source_remove (id);
}

static void
test_failed_background_run (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  g_autoptr(ConduitApplication) app = NULL;
  ConduitRunner *runner;
  GtkWindow *window;
  g_autoptr(ConduitFlow) flow = webhook_flow ();
  g_autoptr(ConduitRun) manual = NULL;
  g_autoptr(ConduitRun) webhook = NULL;
  g_autoptr(GError) error = NULL;
  Server server = { g_ptr_array_new_with_free_func ((GDestroyNotify)shown_free), FALSE };
  const GDBusInterfaceVTable vtable = { method_call, NULL, NULL };
  Shown *shown;
  guint object_id, owner_id;

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications",
                                                 info->interfaces[0], &vtable, &server, NULL,
                                                 &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.Notifications",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired, NULL,
                                           &server, NULL);
  while (!server.owned)
    g_main_context_iteration (NULL, TRUE);

  app = conduit_application_new ();
  /* Other test processes share run-headless's session bus, and test-window registers the same
   * application id: owning the name would make whichever registers second a remote instance,
   * which can neither send notifications nor open windows. */
  g_application_set_flags (G_APPLICATION (app), g_application_get_flags (G_APPLICATION (app)) |
                                                G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));

  /* The application's own runner, which it watches (its history is in run-headless's
   * throwaway data folder). */
  runner = conduit_application_get_runner (app);
  soup_session_set_proxy_resolver (conduit_runner_get_session (runner), NULL);

  /* A test run someone started by hand fails in front of them: no notification. */
  manual = run_as (runner, flow, "manual");
  g_assert_cmpint (conduit_run_get_status (manual), ==, CONDUIT_RUN_STATUS_FAILED);

  /* A webhook's run fails with nobody looking: one notification, naming the flow, and clicking
   * it opens that run. */
  webhook = run_as (runner, flow, "webhook");
  g_assert_cmpint (conduit_run_get_status (webhook), ==, CONDUIT_RUN_STATUS_FAILED);
  wait_for (&server, 1, 10);
  /* and nothing more arrives for the manual run, in the time a second one would take */
  wait_for (&server, 2, 1);
  g_assert_cmpuint (server.shown->len, ==, 1);

  shown = g_ptr_array_index (server.shown, 0);
  g_assert_cmpstr (shown->summary, ==, "“Orders” failed");
  /* its item failed (the node itself did not): the body gives the first failed attempt */
  g_assert_true (g_str_has_prefix (shown->body, "send: "));
  g_assert_nonnull (strstr (shown->body, "127.0.0.1:1"));
  g_assert_true (g_strv_contains ((const char * const *)shown->actions, "default"));

  /* Clicking it opens a window on that run in the run history. */
  g_dbus_connection_emit_signal (bus, NULL, "/org/freedesktop/Notifications",
                                 "org.freedesktop.Notifications", "ActionInvoked",
                                 g_variant_new ("(us)", 1, "default"), &error);
  g_assert_no_error (error);
  {
    gboolean up = FALSE;
    guint id = g_timeout_add_seconds (10, time_up, &up);

    while (!up &&
           (!CONDUIT_IS_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))) ||
            conduit_history_view_get_selected_run (conduit_window_get_history_view (
              CONDUIT_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app))))) == 0))
      g_main_context_iteration (NULL, TRUE);
    if (!up)
      g_source_remove (id);
  }
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (CONDUIT_IS_WINDOW (window));
  g_assert_cmpint (conduit_history_view_get_selected_run (
                     conduit_window_get_history_view (CONDUIT_WINDOW (window))), ==,
                   conduit_run_get_id (webhook));
  gtk_window_destroy (window);

  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_ptr_array_unref (server.shown);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/conduit/notification/failed-background-run", test_failed_background_run);

  return g_test_run ();
}
