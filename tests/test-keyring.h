/* test-keyring.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the credential tests share: whether a throwaway Secret Service is there to test
 * against, and waiting for an async result. */

#include <gio/gio.h>
#include <stdio.h>

/* Returns NULL when the tests may use the keyring, or why not. A keyring is only used in the
 * throwaway session tests/run-headless makes (HOME under the temp folder): never a person's
 * real one. */
static inline const char *
test_keyring_unavailable_reason (void)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (!g_str_has_prefix (g_get_home_dir (), g_get_tmp_dir ()))
    return "not in a throwaway session (run the tests through tests/run-headless)";

  /* without an address GLib would autolaunch a bus of its own */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return "no D-Bus session bus";

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus == NULL)
    return "the D-Bus session bus does not answer";

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                                       NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner ? NULL : "no Secret Service (gnome-keyring) on the session bus";
}

/* For a TAP test program that needs the keyring: prints the plan that skips it all. */
static inline gboolean
test_keyring_skip_all_if_unavailable (void)
{
  const char *reason = test_keyring_unavailable_reason ();

  if (reason == NULL)
    return FALSE;

  printf ("1..0 # SKIP %s\n", reason);
  return TRUE;
}

static inline void
test_keyring_on_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static inline GAsyncResult *
test_keyring_wait (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}
