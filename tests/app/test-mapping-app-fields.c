/* test-mapping-app-fields.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The mapping table before an app step: its destinations are the operation's input fields
 * (HubSpot's "Create a contact" from the bundled descriptor), with their types, required rules
 * and allowed values; auto-map adds the ones the table lacks and fills them from the sample
 * fields of the same name, and a row typed with a field's name takes that field's rules. */

#include "config.h"

#include "conduit-mapping-cell.h"
#include "conduit-mapping-editor.h"
#include "test-util.h"

#define FLOW \
  "{ \"version\": 1, \"name\": \"Leads\", \"nodes\": [" \
  "  { \"id\": \"form\", \"type\": \"webhook-trigger\", \"position\": [0, 0]," \
  "    \"settings\": { \"path\": \"/hooks/form\", \"items\": [" \
  "      { \"First Name\": \"Ada\", \"Last Name\": \"Lovelace\", \"Email\": \"ada@example.com\"," \
  "        \"Company\": \"Analytical Engines\" } ] } }," \
  "  { \"id\": \"map\", \"type\": \"mapping\", \"position\": [200, 0], \"settings\": {}," \
  "    \"mapping\": { \"rows\": [ { \"destination\": \"firstname\", \"expression\": \"trim(`First Name`)\" } ] } }," \
  "  { \"id\": \"crm\", \"type\": \"hubspot.create-contact\", \"position\": [400, 0]," \
  "    \"settings\": { \"credential\": \"hubspot-token\" } } ]," \
  " \"links\": [ { \"from\": \"form\", \"from_port\": \"out\", \"to\": \"map\", \"to_port\": \"in\" }," \
  "            { \"from\": \"map\", \"from_port\": \"out\", \"to\": \"crm\", \"to_port\": \"in\" } ] }"

typedef struct
{
  GtkWindow            *window;
  ConduitMappingEditor *editor;
  ConduitDocument      *document;
  ConduitNode          *node;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                            FLOW, -1, &problems, &error);

  g_assert_no_error (error);
  fixture->document = conduit_document_new (flow, NULL);
  fixture->node = conduit_flow_lookup_node (conduit_document_get_flow (fixture->document), "map");

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->editor = CONDUIT_MAPPING_EDITOR (conduit_mapping_editor_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->editor), (gpointer *)&fixture->editor);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->editor));
  gtk_window_set_default_size (fixture->window, 1400, 900);
  conduit_mapping_editor_set_node (fixture->editor, fixture->document, fixture->node);
  gtk_window_present (fixture->window);
  test_spin_idle ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  test_spin_idle ();
  g_assert_null (fixture->editor);
  g_assert_finalize_object (fixture->document);
}

static JsonObject *
row_json (Fixture    *fixture,
          const char *destination)
{
  JsonArray *rows = json_object_get_array_member (json_node_get_object (conduit_node_get_mapping (fixture->node)),
                                                  "rows");

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "destination"), destination) == 0)
        return row;
    }
  return NULL;
}

/* the table's rows, asked anew: the editor may replace its working copy */
static guint
n_rows (Fixture *fixture)
{
  return g_list_model_get_n_items (G_LIST_MODEL (conduit_mapping_editor_get_mapping (fixture->editor)));
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), action, NULL));
  test_spin_idle ();
}

static void
test_auto_map_app_fields (Fixture       *fixture,
                          gconstpointer  data)
{
  JsonObject *row;
  JsonArray *values;

  g_assert_cmpuint (n_rows (fixture), ==, 1);
  activate (fixture, "mapping.auto-map");

  /* every field of HubSpot's "Create a contact", after the row there was, which is untouched */
  g_assert_cmpuint (n_rows (fixture), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (row_json (fixture, "firstname"), "expression"), ==,
                   "trim(`First Name`)");
  g_assert_false (json_object_has_member (row_json (fixture, "firstname"), "type"));
  g_assert_cmpstr (json_object_get_string_member (row_json (fixture, "lastname"), "field"), ==, "`Last Name`");
  g_assert_cmpstr (json_object_get_string_member (row_json (fixture, "lastname"), "type"), ==, "string");
  g_assert_cmpstr (json_object_get_string_member (row_json (fixture, "company"), "field"), ==, "Company");
  /* the app's rules: email is required and an email address */
  row = row_json (fixture, "email");
  g_assert_cmpstr (json_object_get_string_member (row, "field"), ==, "Email");
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "email");
  g_assert_true (json_object_get_boolean_member (row, "required"));
  g_assert_false (json_object_get_boolean_member_with_default (row_json (fixture, "lastname"), "required", FALSE));

  /* no sample field for these: the rows are there to be filled, with the app's rules */
  g_assert_cmpstr (json_object_get_string_member_with_default (row_json (fixture, "phone"), "field", ""), ==, "");
  row = row_json (fixture, "lifecyclestage");
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "enum");
  values = json_object_get_array_member (row, "values");
  g_assert_cmpuint (json_array_get_length (values), ==, 8);
  g_assert_cmpstr (json_array_get_string_element (values, 1), ==, "lead");

  /* one undo step */
  conduit_undo_stack_undo (conduit_document_get_undo_stack (fixture->document));
  test_spin_idle ();
  g_assert_cmpuint (n_rows (fixture), ==, 1);
}

static void
test_typed_destination (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *cell = NULL;
  gint64 until;
  JsonObject *row;

  activate (fixture, "mapping.add-row");
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((cell = conduit_mapping_editor_get_cell (fixture->editor, 1, "destination")) == NULL &&
         g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (cell);

  /* HubSpot's "email" field is required and an email address */
  gtk_editable_set_text (GTK_EDITABLE (conduit_mapping_destination_cell_get_entry (CONDUIT_MAPPING_DESTINATION_CELL (cell))),
                         "email");
  test_spin_idle ();
  row = row_json (fixture, "email");
  g_assert_nonnull (row);
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "email");
  g_assert_true (json_object_get_boolean_member (row, "required"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/conduit/mapping-app-fields/auto-map", test_auto_map_app_fields);
  ADD ("/conduit/mapping-app-fields/typed-destination", test_typed_destination);
#undef ADD

  return g_test_run ();
}
