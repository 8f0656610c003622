/* test-app-connect.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* “Connect to <App>”: New Credential on an app step opens the credential form as the app's
 * descriptor says (Shopify: an API key in the X-Shopify-Access-Token header; Pipedrive: in the
 * api_token parameter), not with the generic X-API-Key; on any other step the form starts
 * empty as before. */

#include "config.h"

#include "conduit-credential-editor.h"
#include "conduit-editor.h"
#include "conduit-graph-view.h"
#include "conduit-window.h"
#include "test-util.h"

typedef struct
{
  ConduitWindow *window;
  ConduitFlow   *flow;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  g_autoptr(ConduitFlow) flow = NULL;

  fixture->window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                     "{\"version\": 1, \"name\": \"Shops\", \"nodes\": ["
                                     " {\"id\": \"start\", \"type\": \"manual-trigger\", \"position\": [0, 0],"
                                     "  \"settings\": {\"items\": [{}]}},"
                                     " {\"id\": \"shop\", \"type\": \"shopify.list-orders\", \"position\": [200, 0],"
                                     "  \"settings\": {\"credential\": \"my-shop\", \"shop\": \"jsmith\"}},"
                                     " {\"id\": \"crm\", \"type\": \"pipedrive.list-deals\", \"position\": [200, 200],"
                                     "  \"settings\": {\"credential\": \"my-crm\", \"company\": \"acme\"}},"
                                     " {\"id\": \"post\", \"type\": \"http-request\", \"position\": [400, 0],"
                                     "  \"settings\": {\"method\": \"GET\", \"url\": \"http://127.0.0.1:9/\"}}],"
                                     " \"links\": []}",
                                     -1, NULL, &error);
  g_assert_no_error (error);
  document = conduit_document_new (flow, NULL);
  fixture->flow = g_object_ref (conduit_document_get_flow (document));
  conduit_window_set_document (fixture->window, document);
  test_spin_for (200);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->flow);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->window);
}

/* Selects @node_id, asks for a new credential as the setting row's button does, and returns
 * the form that opens. */
static ConduitCredentialEditor *
new_credential_for (Fixture    *fixture,
                    const char *node_id)
{
  ConduitEditor *editor = conduit_window_get_editor (fixture->window);
  ConduitGraphView *view = CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor));
  GListModel *toplevels;  /* (transfer none) */

  conduit_graph_view_select_node (view, conduit_flow_lookup_node (fixture->flow, node_id));
  test_spin_for (50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.new-credential", "s", ""));
  test_spin_for (50);

  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (CONDUIT_IS_CREDENTIAL_EDITOR (window))
        return CONDUIT_CREDENTIAL_EDITOR (window);
    }
  g_assert_not_reached ();
  return NULL;
}

static const char *
row_text (ConduitCredentialEditor *form,
          const char              *key)
{
  GtkWidget *row = conduit_credential_editor_get_row (form, key);

  g_assert_nonnull (row);
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static guint
combo_selected (ConduitCredentialEditor *form,
                const char              *key)
{
  GtkWidget *row = conduit_credential_editor_get_row (form, key);

  g_assert_true (ADW_IS_COMBO_ROW (row));
  return adw_combo_row_get_selected (ADW_COMBO_ROW (row));
}

static void
test_connect_to_app (Fixture       *fixture,
                     gconstpointer  data)
{
  ConduitCredentialEditor *form;

  /* Shopify: an API key, in the header Shopify documents */
  form = new_credential_for (fixture, "shop");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (form)), ==, "Connect to Shopify");
  g_assert_cmpstr (row_text (form, "id"), ==, "shopify");
  g_assert_cmpstr (row_text (form, "name"), ==, "Shopify");
  g_assert_cmpuint (combo_selected (form, "in"), ==, 0);  /* header */
  g_assert_cmpstr (row_text (form, "header"), ==, "X-Shopify-Access-Token");
  gtk_window_destroy (GTK_WINDOW (form));
  test_spin_for (50);

  /* Pipedrive: in the api_token query parameter */
  form = new_credential_for (fixture, "crm");
  g_assert_cmpuint (combo_selected (form, "in"), ==, 1);  /* query */
  g_assert_cmpstr (row_text (form, "parameter"), ==, "api_token");
  gtk_window_destroy (GTK_WINDOW (form));
  test_spin_for (50);

  /* any other step: the form starts empty, as before */
  form = new_credential_for (fixture, "post");
  g_assert_cmpstr (row_text (form, "id"), ==, "");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (form)), !=, "Connect to Shopify");
  gtk_window_destroy (GTK_WINDOW (form));
  test_spin_for (50);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/app-connect/new-credential", Fixture, NULL, fixture_setup,
              test_connect_to_app, fixture_teardown);

  return g_test_run ();
}
