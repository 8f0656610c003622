/* test-credential-store.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#define SECRET_API_SUBJECT_TO_CHANGE

#include <glib/gstdio.h>

#include "conduit.h"
#include "test-keyring.h"
#include "test-util.h"

/* Runs against the gnome-keyring-daemon that tests/run-headless starts in a private D-Bus
 * session; skipped as a whole when there is none. Ids start with "t-store-" so that tests
 * running in parallel in the same keyring never meet. */

static gboolean
store_save (ConduitCredentialStore  *store,
            ConduitCredential       *credential,
            GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_save_async (store, credential, NULL, test_keyring_on_done, &result);
  return conduit_credential_store_save_finish (store, test_keyring_wait (&result), error);
}

static ConduitCredential *
store_lookup (ConduitCredentialStore  *store,
              const char              *id,
              GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_lookup_async (store, id, NULL, test_keyring_on_done, &result);
  return conduit_credential_store_lookup_finish (store, test_keyring_wait (&result), error);
}

static gboolean
store_delete (ConduitCredentialStore  *store,
              const char              *id,
              GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_delete_async (store, id, NULL, test_keyring_on_done, &result);
  return conduit_credential_store_delete_finish (store, test_keyring_wait (&result), error);
}

static GPtrArray *
store_list (ConduitCredentialStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  conduit_credential_store_list_async (store, NULL, test_keyring_on_done, &result);
  list = conduit_credential_store_list_finish (store, test_keyring_wait (&result), &error);
  g_assert_no_error (error);
  return list;
}

static gboolean
store_mark (ConduitCredentialStore  *store,
            const char              *id,
            const char              *answer,
            GError                 **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  conduit_credential_store_mark_needs_attention_async (store, id, answer, NULL,
                                                       test_keyring_on_done, &result);
  return conduit_credential_store_mark_needs_attention_finish (store, test_keyring_wait (&result),
                                                               error);
}

static GPtrArray *
store_find_missing (ConduitCredentialStore *store,
                    GPtrArray              *ids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *missing;

  conduit_credential_store_find_missing_async (store, ids, NULL, test_keyring_on_done, &result);
  missing = conduit_credential_store_find_missing_finish (store, test_keyring_wait (&result),
                                                          &error);
  g_assert_no_error (error);
  return missing;
}

static ConduitCredential *
find_in_list (GPtrArray  *list,
              const char *id)
{
  for (guint i = 0; i < list->len; i++)
    if (g_str_equal (conduit_credential_get_id (g_ptr_array_index (list, i)), id))
      return g_ptr_array_index (list, i);

  return NULL;
}

static char *
credential_text (ConduitCredential *credential)
{
  g_autoptr(JsonNode) node = conduit_credential_to_json (credential, TRUE);

  return json_to_string (node, FALSE);
}

static guint
count_items (const char *id)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  guint n;

  g_hash_table_insert (attributes, (char *)"conduit-id", (char *)id);
  items = secret_service_search_sync (NULL, conduit_credential_store_get_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);

  return n;
}

static void
on_changed (ConduitCredentialStore *store,
            const char             *id,
            GPtrArray              *seen)
{
  g_ptr_array_add (seen, g_strdup (id));
}

static char *
join_ids (GPtrArray *ids)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (joined, "%s%s", i ? " " : "", (const char *)ids->pdata[i]);

  return g_string_free (joined, FALSE);
}

static void
test_store_lookup_update_delete (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *changed = NULL;
  gulong handler;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(ConduitCredential) updated = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *raw = NULL;

  handler = g_signal_connect (store, "changed", G_CALLBACK (on_changed), changes);
  credential = test_credential_from_json ("t-store-crm", "{\"name\": \"CRM production\", \"kind\":"
                                     " \"api-key\", \"fields\": {\"header\": \"X-CRM-Key\"},"
                                     " \"secret\": \"crm-secret-0001\"}");
  g_assert_true (store_save (store, credential, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items ("t-store-crm"), ==, 1);

  found = store_lookup (store, "t-store-crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_name (found), ==, "CRM production");
  g_assert_cmpint (conduit_credential_get_kind (found), ==, CONDUIT_CREDENTIAL_KIND_API_KEY);
  g_assert_cmpstr (conduit_credential_get_field (found, "header"), ==, "X-CRM-Key");
  g_assert_cmpstr (conduit_credential_get_secret (found, "key"), ==, "crm-secret-0001");
  g_assert_false (conduit_credential_get_from_environment (found));
  g_assert_null (conduit_credential_get_attention (found));

  /* another client reads what Conduit wrote: the secrets as a JSON object */
  {
    const char *argv[] = { "secret-tool", "lookup", "xdg:schema", CONDUIT_CREDENTIAL_SCHEMA_NAME,
                           "conduit-id", "t-store-crm", "header", "X-CRM-Key", NULL };
    int status = -1;

    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                  NULL, NULL, &raw, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_cmpstr (raw, ==, "{\"key\":\"crm-secret-0001\"}");
  }

  /* an update replaces the item instead of adding a second one */
  conduit_credential_set_field (credential, "header", "X-CRM-Token", NULL);
  conduit_credential_set_secret (credential, "key", "crm-secret-0002", NULL);
  g_assert_true (store_save (store, credential, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items ("t-store-crm"), ==, 1);

  updated = store_lookup (store, "t-store-crm", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_field (updated, "header"), ==, "X-CRM-Token");
  g_assert_cmpstr (conduit_credential_get_secret (updated, "key"), ==, "crm-secret-0002");

  g_assert_true (store_delete (store, "t-store-crm", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_items ("t-store-crm"), ==, 0);

  g_clear_object (&found);
  found = store_lookup (store, "t-store-crm", &error);
  g_assert_null (found);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "credential “t-store-crm” is not in your keyring");
  g_clear_error (&error);

  g_assert_false (store_delete (store, "t-store-crm", &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);

  /* saved, saved again, deleted; the failed delete and the lookups changed nothing */
  g_signal_handler_disconnect (store, handler);
  changed = join_ids (changes);
  g_assert_cmpstr (changed, ==, "t-store-crm t-store-crm t-store-crm");
}

static const struct
{
  const char *id;
  const char *json;
} every_kind[] = {
  { "t-store-kind-header", "{\"kind\": \"api-key\", \"fields\": {\"in\": \"header\", \"header\":"
                           " \"Api-Key\"}, \"secret\": \"k1\"}" },
  { "t-store-kind-query", "{\"kind\": \"api-key\", \"fields\": {\"in\": \"query\", \"parameter\":"
                          " \"token\"}, \"secret\": \"k2\"}" },
  { "t-store-kind-bearer", "{\"kind\": \"bearer\", \"secret\": \"b3\"}" },
  { "t-store-kind-basic", "{\"kind\": \"basic\", \"name\": \"ERP\", \"fields\": {\"username\":"
                          " \"ops\"}, \"secret\": \"p\\\"4\\\\\"}" },
  { "t-store-kind-oauth2", "{\"kind\": \"oauth2-client-credentials\", \"fields\": {\"token_url\":"
                           " \"https://id.example/token\", \"client_id\": \"c\", \"scope\": \"a b\","
                           " \"audience\": \"api\", \"client_auth\": \"body\"}, \"secret\": \"s5\"}" },
  { "t-store-kind-hmac", "{\"kind\": \"hmac\", \"fields\": {\"header\": \"X-Hub-Signature-256\","
                         " \"prefix\": \"\"}, \"secret\": \"h6\"}" },
  /* every field of the kinds added later is a keyring attribute the schema must declare */
  { "t-store-kind-hmac-stripe", "{\"kind\": \"hmac\", \"fields\": {\"header\": \"Stripe-Signature\","
                                " \"prefix\": \"\", \"timestamp\": \"stripe\", \"tolerance\": \"60\"}, \"secret\": \"h7\"}" },
  { "t-store-kind-postgresql", "{\"kind\": \"postgresql\", \"fields\": {\"host\": \"db\", \"port\":"
                               " \"5433\", \"database\": \"shop\", \"user\": \"ops\", \"tls\":"
                               " \"verify-full\", \"ca_file\": \"/etc/ca.pem\"}, \"secret\": \"d8\"}" },
  { "t-store-kind-smtp", "{\"kind\": \"smtp\", \"fields\": {\"host\": \"mail\", \"port\": \"2525\","
                         " \"security\": \"tls\", \"user\": \"me\"}, \"secret\": \"m9\"}" },
  { "t-store-kind-sftp", "{\"kind\": \"sftp\", \"fields\": {\"host\": \"files\", \"port\": \"2222\","
                         " \"user\": \"shop\", \"host_key\": \"SHA256:abc\", \"private_key_file\":"
                         " \"/keys/shop\"}, \"secrets\": {\"private_key\": \"-----BEGIN…\\n\","
                         " \"passphrase\": \"p10\"}}" },
};

static void
test_store_every_kind (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();

  for (guint i = 0; i < G_N_ELEMENTS (every_kind); i++)
    {
      g_autoptr(ConduitCredential) credential = NULL;
      g_autoptr(ConduitCredential) found = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *actual = NULL;

      credential = test_credential_from_json (every_kind[i].id, every_kind[i].json);
      g_assert_true (store_save (store, credential, &error));
      g_assert_no_error (error);

      found = store_lookup (store, every_kind[i].id, &error);
      g_assert_no_error (error);

      expected = credential_text (credential);
      actual = credential_text (found);
      g_assert_cmpstr (actual, ==, expected);

      /* an empty prefix is a choice of its own, not the default "sha256=" */
      if (conduit_credential_get_kind (found) == CONDUIT_CREDENTIAL_KIND_HMAC)
        g_assert_cmpstr (conduit_credential_get_field (found, "prefix"), ==, "");

      g_assert_true (store_delete (store, every_kind[i].id, &error));
      g_assert_no_error (error);
    }
}

static void
test_store_list (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) zebra = NULL;
  g_autoptr(ConduitCredential) alpha = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  ConduitCredential *listed;
  guint zebra_at = 0, alpha_at = 0;

  zebra = test_credential_from_json ("t-store-list-1", "{\"name\": \"Zebra\", \"kind\": \"bearer\","
                                " \"secret\": \"list-secret-1\"}");
  alpha = test_credential_from_json ("t-store-list-2", "{\"name\": \"Alpha\", \"kind\": \"basic\","
                                " \"fields\": {\"username\": \"u\"}, \"secret\": \"list-secret-2\"}");
  g_assert_true (store_save (store, zebra, &error));
  g_assert_true (store_save (store, alpha, &error));
  g_assert_no_error (error);

  list = store_list (store);
  listed = find_in_list (list, "t-store-list-2");
  g_assert_nonnull (listed);
  g_assert_cmpstr (conduit_credential_get_name (listed), ==, "Alpha");
  g_assert_cmpstr (conduit_credential_get_field (listed, "username"), ==, "u");
  /* a listing never loads secrets */
  g_assert_false (conduit_credential_has_secrets (listed));
  g_assert_false (conduit_credential_get_locked (listed));

  for (guint i = 0; i < list->len; i++)
    {
      const char *id = conduit_credential_get_id (g_ptr_array_index (list, i));

      g_assert_false (conduit_credential_has_secrets (g_ptr_array_index (list, i)));
      if (g_str_equal (id, "t-store-list-1"))
        zebra_at = i;
      else if (g_str_equal (id, "t-store-list-2"))
        alpha_at = i;
    }
  g_assert_cmpuint (alpha_at, <, zebra_at);

  g_assert_true (store_delete (store, "t-store-list-1", &error));
  g_assert_true (store_delete (store, "t-store-list-2", &error));
  g_assert_no_error (error);
}

static void
test_store_needs_attention (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredentialStore) other = conduit_credential_store_new (NULL);
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  credential = test_credential_from_json ("t-store-attention", "{\"kind\": \"bearer\","
                                     " \"secret\": \"attention-secret-5\"}");
  g_assert_true (store_save (store, credential, &error));
  g_assert_no_error (error);

  /* the redactor learns the secret when it is looked up; the answer quotes it */
  found = store_lookup (store, "t-store-attention", &error);
  g_assert_no_error (error);
  g_clear_object (&found);

  g_assert_true (store_mark (store, "t-store-attention",
                             "HTTP 401 Unauthorized: token attention-secret-5 was revoked", &error));
  g_assert_no_error (error);

  /* kept in the keyring: another store (as after a restart) sees it */
  found = store_lookup (other, "t-store-attention", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_attention (found), ==,
                   "HTTP 401 Unauthorized: token •••• was revoked");
  g_assert_cmpstr (conduit_credential_get_secret (found, "token"), ==, "attention-secret-5");
  g_clear_object (&found);

  list = store_list (other);
  g_assert_nonnull (find_in_list (list, "t-store-attention"));
  g_assert_nonnull (conduit_credential_get_attention (find_in_list (list, "t-store-attention")));

  /* saving it again (somebody fixed it) clears the mark */
  g_assert_true (store_save (store, credential, &error));
  found = store_lookup (other, "t-store-attention", &error);
  g_assert_no_error (error);
  g_assert_null (conduit_credential_get_attention (found));
  g_clear_object (&found);

  /* and so does a NULL answer */
  g_assert_true (store_mark (store, "t-store-attention", "HTTP 403 Forbidden", &error));
  g_assert_true (store_mark (store, "t-store-attention", NULL, &error));
  g_assert_no_error (error);
  found = store_lookup (other, "t-store-attention", &error);
  g_assert_null (conduit_credential_get_attention (found));

  g_assert_false (store_mark (store, "t-store-nobody", "HTTP 401", &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (store_delete (store, "t-store-attention", &error));
  g_assert_no_error (error);
}

static void
test_store_environment (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) keyring_one = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("CONDUIT_CREDENTIAL_T_STORE_ENV_1",
            "{\"kind\": \"bearer\", \"name\": \"From env\", \"secret\": \"env-secret-1\"}", TRUE);
  found = store_lookup (store, "t-store-env.1", &error);
  g_assert_no_error (error);
  g_assert_true (conduit_credential_get_from_environment (found));
  g_assert_cmpstr (conduit_credential_get_id (found), ==, "t-store-env.1");
  g_assert_cmpstr (conduit_credential_get_secret (found, "token"), ==, "env-secret-1");
  g_clear_object (&found);

  /* the environment wins over a keyring item of the same id */
  keyring_one = test_credential_from_json ("t-store-env.1", "{\"kind\": \"bearer\","
                                      " \"secret\": \"keyring-secret-1\"}");
  g_assert_true (store_save (store, keyring_one, &error));
  g_assert_no_error (error);
  found = store_lookup (store, "t-store-env.1", &error);
  g_assert_cmpstr (conduit_credential_get_secret (found, "token"), ==, "env-secret-1");
  g_clear_object (&found);

  list = store_list (store);
  g_assert_true (conduit_credential_get_from_environment (find_in_list (list, "t-store-env.1")));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* a refusal of an environment credential is remembered by this process */
  g_assert_true (store_mark (store, "t-store-env.1", "HTTP 401", &error));
  g_assert_no_error (error);
  found = store_lookup (store, "t-store-env.1", &error);
  g_assert_cmpstr (conduit_credential_get_attention (found), ==, "HTTP 401");
  g_clear_object (&found);

  g_assert_true (store_delete (store, "t-store-env.1", &error));
  g_assert_no_error (error);
  g_assert_false (store_delete (store, "t-store-env.1", &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, "CONDUIT_CREDENTIAL_T_STORE_ENV_1"));
  g_clear_error (&error);

  /* broken JSON: the message names the variable and never quotes its value */
  g_setenv ("CONDUIT_CREDENTIAL_T_STORE_ENV_1", "{\"kind\": \"bearer\", \"secret\": env-secret-2",
            TRUE);
  found = store_lookup (store, "t-store-env.1", &error);
  g_assert_null (found);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "CONDUIT_CREDENTIAL_T_STORE_ENV_1 does not hold a usable credential: "
                   "it is not valid JSON");
  g_clear_error (&error);

  g_setenv ("CONDUIT_CREDENTIAL_T_STORE_ENV_1", "{\"kind\": \"basic\", \"secret\": \"x\"}", TRUE);
  found = store_lookup (store, "t-store-env.1", &error);
  g_assert_null (found);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "has no “User name”"));
  g_clear_error (&error);

  g_unsetenv ("CONDUIT_CREDENTIAL_T_STORE_ENV_1");
}

static ConduitFlow *
flow_with_credential (const char *credential_id)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();
  g_autoptr(ConduitNode) trigger = conduit_node_new ("start", "manual-trigger");
  g_autoptr(ConduitNode) call = conduit_node_new ("call", "http-request");
  g_autoptr(JsonNode) url = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) credential = json_node_new (JSON_NODE_VALUE);
  g_autoptr(ConduitLink) link = conduit_link_new ("start", "out", "call", "in");

  conduit_flow_set_name (flow, "Credential reference");
  json_node_set_string (url, "http://127.0.0.1:9/contacts");
  json_node_set_string (credential, credential_id);
  conduit_node_set_setting (call, "url", url);
  conduit_node_set_setting (call, "credential", credential);
  conduit_flow_add_node (flow, trigger);
  conduit_flow_add_node (flow, call);
  conduit_flow_add_link (flow, link);

  return g_steal_pointer (&flow);
}

static void
test_store_flow_references (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  g_autoptr(ConduitFlow) flow = flow_with_credential ("t-store-flow-key");
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *data = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  ids = conduit_flow_list_credential_ids (flow, registry);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, "t-store-flow-key");

  /* before the credential exists, opening the flow can say which one to create */
  missing = store_find_missing (store, ids);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "t-store-flow-key");
  g_clear_pointer (&missing, g_ptr_array_unref);

  credential = test_credential_from_json ("t-store-flow-key", "{\"kind\": \"api-key\","
                                     " \"secret\": \"flow-secret-KEY-31337\"}");
  g_assert_true (store_save (store, credential, &error));
  g_assert_no_error (error);
  found = store_lookup (store, "t-store-flow-key", &error);
  g_assert_no_error (error);

  missing = store_find_missing (store, ids);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_pointer (&missing, g_ptr_array_unref);

  /* saved after its secret is stored and used: only the id is in the flow */
  data = conduit_flow_to_data (flow, NULL);
  g_assert_nonnull (strstr (data, "\"credential\": \"t-store-flow-key\""));
  g_assert_null (strstr (data, "flow-secret-KEY-31337"));

  dir = g_dir_make_tmp ("conduit-flow-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "flow.conduit", NULL);
  file = g_file_new_for_path (path);
  g_assert_true (conduit_flow_save_to_file (flow, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, &error));
  g_assert_null (strstr (saved, "flow-secret-KEY-31337"));
  g_assert_nonnull (strstr (saved, "t-store-flow-key"));
  g_unlink (path);
  g_rmdir (dir);

  /* an environment variable also counts as present */
  g_assert_true (store_delete (store, "t-store-flow-key", &error));
  g_assert_no_error (error);
  g_setenv ("CONDUIT_CREDENTIAL_T_STORE_FLOW_KEY", "{\"kind\": \"bearer\", \"secret\": \"e\"}",
            TRUE);
  missing = store_find_missing (store, ids);
  g_assert_cmpuint (missing->len, ==, 0);
  g_clear_pointer (&missing, g_ptr_array_unref);
  g_unsetenv ("CONDUIT_CREDENTIAL_T_STORE_FLOW_KEY");

  missing = store_find_missing (store, ids);
  g_assert_cmpuint (missing->len, ==, 1);
}

static void
test_store_hand_written_item (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;

  /* what `secret-tool store xdg:schema io.conduit.Conduit.Credential …` leaves: a bare secret */
  attributes = secret_attributes_build (conduit_credential_store_get_schema (),
                                        "conduit-id", "t-store-by-hand", "kind", "basic",
                                        "username", "admin", NULL);
  g_assert_true (secret_password_storev_sync (conduit_credential_store_get_schema (), attributes,
                                              NULL, "typed by hand", "plain-password", NULL,
                                              &error));
  g_assert_no_error (error);

  found = store_lookup (store, "t-store-by-hand", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_field (found, "username"), ==, "admin");
  g_assert_cmpstr (conduit_credential_get_secret (found, "password"), ==, "plain-password");
  g_assert_cmpstr (conduit_credential_get_name (found), ==, "t-store-by-hand");

  g_assert_true (store_delete (store, "t-store-by-hand", &error));
  g_assert_no_error (error);
}

/* An OAuth 2.0 token URL over plain http:// to another computer is refused when saved; one
 * stored before (or by another client) still loads, so that it can be corrected without
 * typing the client secret again. */
static void
test_store_http_token_url (void)
{
  ConduitCredentialStore *store = conduit_credential_store_get_default ();
  g_autoptr(ConduitCredential) unsafe = NULL;
  g_autoptr(ConduitCredential) local = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;

  unsafe = test_credential_from_json ("t-store-http", "{\"kind\": \"oauth2-client-credentials\","
                                 " \"fields\": {\"token_url\": \"http://example.com/token\","
                                 " \"client_id\": \"c\"}, \"secret\": \"http-secret-3\"}");
  g_assert_false (store_save (store, unsafe, &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "the token URL “http://example.com/token” of credential “t-store-http” must "
                   "start with https://: over http:// the client secret would be sent unencrypted "
                   "(http:// is only allowed to this computer: localhost, 127.0.0.1 or ::1)");
  g_clear_error (&error);
  g_assert_cmpuint (count_items ("t-store-http"), ==, 0);

  local = test_credential_from_json ("t-store-http-local", "{\"kind\": \"oauth2-client-credentials\","
                                " \"fields\": {\"token_url\": \"http://localhost:8080/token\","
                                " \"client_id\": \"c\"}, \"secret\": \"s\"}");
  g_assert_true (store_save (store, local, &error));
  g_assert_no_error (error);
  g_assert_true (store_delete (store, "t-store-http-local", &error));
  g_assert_no_error (error);

  attributes = secret_attributes_build (conduit_credential_store_get_schema (),
                                        "conduit-id", "t-store-http", "kind",
                                        "oauth2-client-credentials", "token_url",
                                        "http://example.com/token", "client_id", "c", NULL);
  g_assert_true (secret_password_storev_sync (conduit_credential_store_get_schema (), attributes,
                                              NULL, "stored before", "http-secret-3", NULL,
                                              &error));
  g_assert_no_error (error);

  found = store_lookup (store, "t-store-http", &error);
  g_assert_no_error (error);
  g_assert_false (conduit_credential_check (found, NULL));
  g_assert_true (conduit_credential_set_field (found, "token_url", "https://example.com/token",
                                               &error));
  g_assert_true (store_save (store, found, &error));
  g_assert_no_error (error);
  g_clear_object (&found);

  found = store_lookup (store, "t-store-http", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (conduit_credential_get_field (found, "token_url"), ==,
                   "https://example.com/token");
  g_assert_cmpstr (conduit_credential_get_secret (found, "client_secret"), ==, "http-secret-3");
  g_assert_true (store_delete (store, "t-store-http", &error));
  g_assert_no_error (error);
}

static void
test_store_locked (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(ConduitCredentialStore) store = NULL;
  g_autoptr(ConduitCredential) credential = NULL;
  g_autoptr(ConduitCredential) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *collection = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION, NULL, &error);
  g_assert_no_error (error);

  collection = test_keyring_locked_collection_new (service, "t-store-locked",
                                                   "{\"kind\": \"bearer\", \"secret\": \"locked-secret\"}",
                                                   &error);
  if (collection == NULL)
    {
      g_autofree char *reason =
        g_strdup_printf ("this Secret Service cannot make a collection without a prompt: %s",
                         error->message);

      g_test_skip (reason);
      return;
    }
  store = conduit_credential_store_new (collection);

  /* no prompt, no hang: a clear message */
  found = store_lookup (store, "t-store-locked", &error);
  g_assert_null (found);
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED);
  g_assert_cmpstr (error->message, ==,
                   "the keyring that holds credential “t-store-locked” is locked: unlock it (log "
                   "in again, or use Passwords and Keys) and try again");
  g_clear_error (&error);

  credential = test_credential_from_json ("t-store-locked-new", "{\"kind\": \"bearer\","
                                     " \"secret\": \"x\"}");
  g_assert_false (store_save (store, credential, &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED);
  g_clear_error (&error);

  /* a listing still shows it, marked locked, and a flow does not count it as missing */
  list = store_list (store);
  g_assert_nonnull (find_in_list (list, "t-store-locked"));
  g_assert_true (conduit_credential_get_locked (find_in_list (list, "t-store-locked")));
  g_ptr_array_add (ids, (char *)"t-store-locked");
  missing = store_find_missing (store, ids);
  g_assert_cmpuint (missing->len, ==, 0);

  g_assert_false (store_delete (store, "t-store-locked", &error));
  g_assert_error (error, CONDUIT_CREDENTIAL_ERROR, CONDUIT_CREDENTIAL_ERROR_LOCKED);
  g_clear_error (&error);

  test_keyring_collection_delete (service, collection);
  g_assert_cmpuint (count_items ("t-store-locked"), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  if (test_keyring_skip_all_if_unavailable ())
    return 0;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/credential-store/lookup-update-delete", test_store_lookup_update_delete);
  g_test_add_func ("/conduit/credential-store/every-kind", test_store_every_kind);
  g_test_add_func ("/conduit/credential-store/list", test_store_list);
  g_test_add_func ("/conduit/credential-store/needs-attention", test_store_needs_attention);
  g_test_add_func ("/conduit/credential-store/environment", test_store_environment);
  g_test_add_func ("/conduit/credential-store/flow-references", test_store_flow_references);
  g_test_add_func ("/conduit/credential-store/hand-written-item", test_store_hand_written_item);
  g_test_add_func ("/conduit/credential-store/locked", test_store_locked);
  g_test_add_func ("/conduit/credential-store/http-token-url", test_store_http_token_url);

  return g_test_run ();
}
