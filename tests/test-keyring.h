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

/* the including file defines SECRET_API_SUBJECT_TO_CHANGE before any libsecret header */
#include <libsecret/secret.h>

#include "conduit.h"

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

/* The default store, waited for: save (asserting success), look up, delete (whatever is there). */
static inline void
test_keyring_save (ConduitCredential *credential)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  conduit_credential_store_save_async (store, credential, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, test_keyring_wait (&result), &error));
  g_assert_no_error (error);
}

static inline ConduitCredential *
test_keyring_lookup (const char  *id,
                     GError     **error)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_lookup_async (store, id, NULL, test_keyring_on_done, &result);
  return conduit_credential_store_lookup_finish (store, test_keyring_wait (&result), error);
}

static inline void
test_keyring_delete (const char *id)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_delete_async (store, id, NULL, test_keyring_on_done, &result);
  conduit_credential_store_delete_finish (store, test_keyring_wait (&result), NULL);
}

/* gnome-keyring makes a collection without a prompt through its "internal" interface. Returns
 * the path of a new, locked collection holding the credential @json as @id, or NULL with
 * @error set when this Secret Service cannot. The default collection must stay unlocked for the
 * tests running beside this one. */
static inline char *
test_keyring_locked_collection_new (SecretService  *service,
                                    const char     *id,
                                    const char     *json,
                                    GError        **error)
{
  g_autoptr(SecretValue) password = secret_value_new ("collection-password", -1, "text/plain");
  g_autoptr(GVariantBuilder) properties = g_variant_builder_new (G_VARIANT_TYPE ("a{sv}"));
  g_autoptr(ConduitCredentialStore) store = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_auto(GStrv) locked = NULL;
  const char *paths[2] = { NULL, NULL };
  GVariant *master;
  char *path;

  g_variant_builder_add (properties, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("Conduit lock test"));
  master = secret_service_encode_dbus_secret (service, password);
  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (service), "org.gnome.keyring."
                                  "InternalUnsupportedGuiltRiddenInterface."
                                  "CreateWithMasterPassword",
                                  g_variant_new ("(a{sv}@(oayays))", properties, master),
                                  G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(o)", &path);

  store = conduit_credential_store_new (path);
  credential = conduit_credential_new_from_data (json, id, error);
  g_assert_nonnull (credential);
  conduit_credential_store_save_async (store, credential, NULL, test_keyring_on_done, &result);
  g_assert_true (conduit_credential_store_save_finish (store, test_keyring_wait (&result), error));

  paths[0] = path;
  secret_service_lock_dbus_paths_sync (service, paths, NULL, &locked, error);
  g_assert_cmpstr (locked[0], ==, path);

  return path;
}

/* gnome-keyring deletes a locked collection without a prompt, taking its items with it. */
static inline void
test_keyring_collection_delete (SecretService *service,
                                const char    *path)
{
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  collection = secret_collection_new_for_dbus_path_sync (service, path, SECRET_COLLECTION_NONE,
                                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_true (secret_collection_delete_sync (collection, NULL, &error));
  g_assert_no_error (error);
}
