/* test-inspector.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-inspector.h"
#include "test-util.h"

typedef struct
{
  GtkWindow        *window;
  ConduitInspector *inspector;
  ConduitDocument  *document;
  ConduitFlow      *flow;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", &file);

  fixture->document = conduit_document_new (flow, file);
  fixture->flow = conduit_document_get_flow (fixture->document);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->inspector = CONDUIT_INSPECTOR (conduit_inspector_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->inspector), (gpointer *)&fixture->inspector);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->inspector));
  gtk_window_set_default_size (fixture->window, 320, 700);
  conduit_inspector_set_document (fixture->inspector, fixture->document);
  gtk_window_present (fixture->window);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (fixture->inspector);
  g_assert_finalize_object (fixture->document);
}

static GtkWidget *
template_child (Fixture    *fixture,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (fixture->inspector),
                                                  CONDUIT_TYPE_INSPECTOR, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

static ConduitNode *
select_node (Fixture    *fixture,
             const char *id)
{
  ConduitNode *node = conduit_flow_lookup_node (fixture->flow, id);

  g_assert_nonnull (node);
  conduit_inspector_set_node (fixture->inspector, node);
  g_assert_true (conduit_inspector_get_node (fixture->inspector) == node);
  return node;
}

static GtkWidget *
editor_of (Fixture    *fixture,
           const char *key)
{
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, key);

  g_assert_nonnull (row);
  return conduit_setting_row_get_editor (row);
}

static const char *
message_of (Fixture    *fixture,
            const char *key)
{
  return conduit_setting_row_get_message (conduit_inspector_get_setting_row (fixture->inspector, key));
}

/* Setting rows read text views once the buffer has settled, from an idle. */
static void
set_text_view (GtkWidget  *view,
               const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
dup_setting_json (ConduitNode *node,
                  const char  *key)
{
  JsonNode *value = conduit_node_get_setting (node, key);

  return value ? json_to_string (value, FALSE) : NULL;
}

static void
test_flow_page (Fixture       *fixture,
                gconstpointer  data)
{
  GtkStack *stack = GTK_STACK (adw_bin_get_child (ADW_BIN (fixture->inspector)));
  GtkWidget *name_row = template_child (fixture, "flow_name_row");
  GtkWidget *owner_row = template_child (fixture, "flow_owner_row");
  GtkWidget *description = template_child (fixture, "flow_description_view");

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "flow");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==,
                   conduit_flow_get_name (fixture->flow));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (owner_row)), ==,
                   conduit_flow_get_owner (fixture->flow));

  /* editing the fields edits the flow */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Leads to CRM");
  g_assert_cmpstr (conduit_flow_get_name (fixture->flow), ==, "Leads to CRM");
  gtk_editable_set_text (GTK_EDITABLE (owner_row), "Ops");
  g_assert_cmpstr (conduit_flow_get_owner (fixture->flow), ==, "Ops");
  set_text_view (description, "Sends leads on.");
  g_assert_cmpstr (conduit_flow_get_description (fixture->flow), ==, "Sends leads on.");
  g_assert_true (conduit_document_get_modified (fixture->document));

  /* and a change made elsewhere (undo, another window) shows up */
  conduit_flow_set_name (fixture->flow, "Renamed");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Renamed");

  /* selecting a node switches to its page, and back */
  select_node (fixture, "crm");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "node");
  conduit_inspector_set_node (fixture->inspector, NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "flow");
}

static void
test_form_matches_specs (Fixture       *fixture,
                         gconstpointer  data)
{
  ConduitNode *node = select_node (fixture, "crm");
  ConduitConnector *connector = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                                   conduit_node_get_connector_id (node));
  GPtrArray *specs = conduit_connector_get_settings (connector);
  GtkWidget *editor;

  for (guint i = 0; i < specs->len; i++)
    {
      const ConduitSettingSpec *spec = g_ptr_array_index (specs, i);
      GType expected;

      switch (spec->type)
        {
        case CONDUIT_SETTING_STRING:
        case CONDUIT_SETTING_EXPRESSION:
        case CONDUIT_SETTING_CREDENTIAL:
          expected = ADW_TYPE_ENTRY_ROW;
          break;
        case CONDUIT_SETTING_TEXT:
        case CONDUIT_SETTING_ARRAY:
          expected = GTK_TYPE_TEXT_VIEW;
          break;
        case CONDUIT_SETTING_INTEGER:
        case CONDUIT_SETTING_NUMBER:
          expected = GTK_TYPE_SPIN_BUTTON;
          break;
        case CONDUIT_SETTING_BOOLEAN:
          expected = GTK_TYPE_SWITCH;
          break;
        case CONDUIT_SETTING_CHOICE:
          expected = ADW_TYPE_COMBO_ROW;
          break;
        case CONDUIT_SETTING_OBJECT:
          expected = GTK_TYPE_LIST_BOX;
          break;
        default:
          g_assert_not_reached ();
        }

      g_test_message ("setting %s", spec->key);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (editor_of (fixture, spec->key), expected));
    }

  /* the values shown are the node's, or the defaults */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (editor_of (fixture, "url"))), ==,
                   conduit_node_get_setting_string (node, "url"));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor_of (fixture, "max_attempts"))), ==,
                   json_node_get_int (conduit_node_get_setting (node, "max_attempts")));
  g_assert_null (conduit_node_get_setting (node, "timeout_seconds"));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor_of (fixture, "timeout_seconds"))), ==,
                   json_node_get_int (conduit_connector_find_setting (connector, "timeout_seconds")->default_value));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (editor_of (fixture, "verify_tls"))));
  editor = editor_of (fixture, "method");
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (editor))), ==,
                   conduit_node_get_setting_string (node, "method"));

  /* the spin button keeps to the spec's range */
  {
    GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (editor_of (fixture, "max_attempts")));
    const ConduitSettingSpec *spec = conduit_connector_find_setting (connector, "max_attempts");

    g_assert_cmpfloat (gtk_adjustment_get_lower (adjustment), ==, spec->minimum);
    g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, spec->maximum);
  }

  /* a valid node shows no messages */
  g_assert_null (message_of (fixture, "url"));
  g_assert_cmpstr (conduit_inspector_get_problems_text (fixture->inspector), ==, "");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (conduit_inspector_get_mapping_slot (fixture->inspector))));
}

static void
test_edits_change_node (Fixture       *fixture,
                        gconstpointer  data)
{
  ConduitNode *node = select_node (fixture, "crm");
  g_autofree char *headers = NULL;
  GtkWidget *title_row = template_child (fixture, "title_row");
  GtkWidget *notes_view = template_child (fixture, "notes_view");
  GtkWidget *pairs;
  GtkWidget *add_button;
  GtkListBoxRow *pair;
  GtkWidget *key_entry;
  GtkWidget *value_entry;

  gtk_editable_set_text (GTK_EDITABLE (editor_of (fixture, "url")), "https://crm.example.com/{{id}}");
  g_assert_cmpstr (conduit_node_get_setting_string (node, "url"), ==, "https://crm.example.com/{{id}}");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (editor_of (fixture, "timeout_seconds")), 45);
  g_assert_cmpint (json_node_get_int (conduit_node_get_setting (node, "timeout_seconds")), ==, 45);

  gtk_switch_set_active (GTK_SWITCH (editor_of (fixture, "verify_tls")), FALSE);
  g_assert_false (json_node_get_boolean (conduit_node_get_setting (node, "verify_tls")));

  adw_combo_row_set_selected (ADW_COMBO_ROW (editor_of (fixture, "method")), 0);
  g_assert_cmpstr (conduit_node_get_setting_string (node, "method"), ==, "GET");

  gtk_editable_set_text (GTK_EDITABLE (editor_of (fixture, "idempotency_key")), "email");
  g_assert_cmpstr (conduit_node_get_setting_string (node, "idempotency_key"), ==, "email");

  /* the name/value editor: add a row, fill it in */
  pairs = editor_of (fixture, "headers");
  add_button = gtk_list_box_row_get_child (gtk_list_box_get_row_at_index (GTK_LIST_BOX (pairs), 0));
  g_signal_emit_by_name (add_button, "clicked");
  pair = gtk_list_box_get_row_at_index (GTK_LIST_BOX (pairs), 0);
  key_entry = gtk_widget_get_first_child (gtk_list_box_row_get_child (pair));
  value_entry = gtk_widget_get_next_sibling (key_entry);
  gtk_editable_set_text (GTK_EDITABLE (key_entry), "X-Source");
  gtk_editable_set_text (GTK_EDITABLE (value_entry), "web form");
  headers = dup_setting_json (node, "headers");
  g_assert_cmpstr (headers, ==, "{\"X-Source\":\"web form\"}");

  /* a second row with the same name is refused, with a message, and the node keeps its value */
  g_signal_emit_by_name (add_button, "clicked");
  pair = gtk_list_box_get_row_at_index (GTK_LIST_BOX (pairs), 1);
  key_entry = gtk_widget_get_first_child (gtk_list_box_row_get_child (pair));
  gtk_editable_set_text (GTK_EDITABLE (key_entry), "X-Source");
  g_assert_nonnull (message_of (fixture, "headers"));
  g_assert_nonnull (strstr (message_of (fixture, "headers"), "X-Source"));
  g_clear_pointer (&headers, g_free);
  headers = dup_setting_json (node, "headers");
  g_assert_cmpstr (headers, ==, "{\"X-Source\":\"web form\"}");
  gtk_editable_set_text (GTK_EDITABLE (key_entry), "X-Other");
  g_assert_null (message_of (fixture, "headers"));
  g_clear_pointer (&headers, g_free);
  headers = dup_setting_json (node, "headers");
  g_assert_cmpstr (headers, ==, "{\"X-Source\":\"web form\",\"X-Other\":\"\"}");

  /* title and notes */
  gtk_editable_set_text (GTK_EDITABLE (title_row), "Create contact");
  g_assert_cmpstr (conduit_node_get_title (node), ==, "Create contact");
  gtk_editable_set_text (GTK_EDITABLE (title_row), "");
  g_assert_null (conduit_node_get_title (node));
  set_text_view (notes_view, "Ask Sam before changing");
  g_assert_cmpstr (conduit_node_get_notes (node), ==, "Ask Sam before changing");
}

static void
test_required_message (Fixture       *fixture,
                       gconstpointer  data)
{
  ConduitNode *node = select_node (fixture, "crm");
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, "url");
  GtkWidget *entry = conduit_setting_row_get_editor (row);

  g_assert_null (message_of (fixture, "url"));

  /* emptying a required field unsets it and says, in words, what to do */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_null (conduit_node_get_setting (node, "url"));
  g_assert_nonnull (message_of (fixture, "url"));
  g_assert_nonnull (strstr (message_of (fixture, "url"), "URL"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "conduit-invalid"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "http://example.com");
  g_assert_null (message_of (fixture, "url"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "conduit-invalid"));

  /* a value of the wrong type (a hand-edited file) is shown and flagged, not hidden */
  {
    g_autoptr(JsonNode) number = json_node_init_int (json_node_alloc (), 42);
    conduit_node_set_setting (node, "url", number);
  }
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "42");
  g_assert_nonnull (message_of (fixture, "url"));

  /* a setting the connector does not have is listed at the top */
  {
    g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), "x");
    conduit_node_set_setting (node, "colour", value);
  }
  g_assert_nonnull (strstr (conduit_inspector_get_problems_text (fixture->inspector), "colour"));
}

static void
test_array_json (Fixture       *fixture,
                 gconstpointer  data)
{
  ConduitNode *node = select_node (fixture, "form");
  GtkWidget *view = editor_of (fixture, "items");
  g_autofree char *before = dup_setting_json (node, "items");
  g_autofree char *after = NULL;

  set_text_view (view, "[ { \"email\": \"a@example.com\" ");
  g_assert_nonnull (message_of (fixture, "items"));
  g_assert_nonnull (strstr (message_of (fixture, "items"), "JSON"));
  after = dup_setting_json (node, "items");
  g_assert_cmpstr (after, ==, before);

  /* issue 22, defect 2: in words, with line and column, not json-glib's scanner jargon */
  set_text_view (view, "[ { \"email\": \"a@example.com } ]");
  g_assert_nonnull (strstr (message_of (fixture, "items"), "Line 1, column "));
  g_assert_null (strstr (message_of (fixture, "items"), "<data>"));
  g_assert_null (strstr (message_of (fixture, "items"), "Parse error"));

  set_text_view (view, "{ \"email\": \"a@example.com\" }");
  g_assert_nonnull (strstr (message_of (fixture, "items"), "list"));

  set_text_view (view, "[ { \"email\": \"a@example.com\" } ]");
  g_assert_null (message_of (fixture, "items"));
  g_clear_pointer (&after, g_free);
  after = dup_setting_json (node, "items");
  g_assert_cmpstr (after, ==, "[{\"email\":\"a@example.com\"}]");
}

static void
test_outside_changes_show (Fixture       *fixture,
                           gconstpointer  data)
{
  ConduitNode *node = select_node (fixture, "crm");
  g_autoptr(JsonNode) attempts = json_node_init_int (json_node_alloc (), 7);
  GtkWidget *title_row = template_child (fixture, "title_row");

  /* as undo or the canvas would change it */
  conduit_node_set_setting (node, "max_attempts", attempts);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor_of (fixture, "max_attempts"))), ==, 7);
  conduit_node_set_setting (node, "max_attempts", NULL);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (editor_of (fixture, "max_attempts"))), ==, 3);

  conduit_node_set_title (node, "Renamed");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title_row)), ==, "Renamed");

  /* deleting the node shown brings back the flow page */
  conduit_flow_remove_node (fixture->flow, node);
  g_assert_null (conduit_inspector_get_node (fixture->inspector));
}

static void
test_mapping_slot_and_credentials (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char *ids[] = { "zz-token", "crm-api-key", NULL };
  ConduitSettingRow *row;
  const char * const *offered;

  select_node (fixture, "map");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (conduit_inspector_get_mapping_slot (fixture->inspector))));

  select_node (fixture, "crm");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (conduit_inspector_get_mapping_slot (fixture->inspector))));

  /* the credential field offers the credentials the flow uses, and those saved, once each */
  row = conduit_inspector_get_setting_row (fixture->inspector, "credential");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (conduit_setting_row_get_editor (row))), ==,
                   "crm-api-key");
  offered = conduit_setting_row_get_suggestions (row);
  g_assert_cmpuint (g_strv_length ((char **)offered), ==, 1);
  g_assert_cmpstr (offered[0], ==, "crm-api-key");

  conduit_inspector_set_credential_ids (fixture->inspector, ids);
  offered = conduit_setting_row_get_suggestions (row);
  g_assert_cmpuint (g_strv_length ((char **)offered), ==, 2);
  g_assert_cmpstr (offered[0], ==, "crm-api-key");
  g_assert_cmpstr (offered[1], ==, "zz-token");

  /* other kinds of setting offer nothing */
  g_assert_null (conduit_setting_row_get_suggestions (conduit_inspector_get_setting_row (fixture->inspector, "url")));
}

static void
test_unknown_connector (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(ConduitNode) node = conduit_node_new ("later", "from-a-newer-conduit");
  GtkWidget *kind = template_child (fixture, "node_kind_label");

  conduit_flow_add_node (fixture->flow, node);
  conduit_inspector_set_node (fixture->inspector, node);

  /* said in words, with the type named; no settings to show, nothing crashes */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (kind)), ==, "Unknown Kind of Step");
  g_assert_nonnull (strstr (conduit_inspector_get_problems_text (fixture->inspector), "from-a-newer-conduit"));
  g_assert_null (conduit_inspector_get_setting_row (fixture->inspector, "url"));
}

static void
on_row_changed (ConduitSettingRow  *row,
                JsonNode           *value,
                JsonNode          **out)
{
  g_clear_pointer (out, json_node_unref);
  *out = value ? json_node_copy (value) : NULL;
}

static void
test_setting_row_number_and_choice (void)
{
  ConduitSettingSpec number = {
    .key = (char *)"ratio", .label = (char *)"Ratio", .help = (char *)"A share",
    .type = CONDUIT_SETTING_NUMBER, .minimum = 0, .maximum = 1,
  };
  const char *allowed[] = { "csv", "json", NULL };
  ConduitSettingSpec choice = {
    .key = (char *)"format", .label = (char *)"Format", .type = CONDUIT_SETTING_CHOICE,
    .allowed_values = (char **)allowed, .minimum = -G_MAXDOUBLE, .maximum = G_MAXDOUBLE,
  };
  GtkWidget *row;
  g_autoptr(JsonNode) emitted = NULL;
  g_autoptr(JsonNode) odd = json_node_init_string (json_node_alloc (), "xml");
  GtkAdjustment *adjustment;
  GtkWindow *window;

  /* a number: a spin button with the spec's range and decimals; a double comes out */
  row = g_object_ref_sink (conduit_setting_row_new (&number));
  g_signal_connect (row, "changed", G_CALLBACK (on_row_changed), &emitted);
  adjustment = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (conduit_setting_row_get_editor (CONDUIT_SETTING_ROW (row))));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), ==, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (conduit_setting_row_get_editor (CONDUIT_SETTING_ROW (row))), 0.25);
  g_assert_nonnull (emitted);
  g_assert_cmpfloat (json_node_get_double (emitted), ==, 0.25);
  g_assert_finalize_object (row);

  /* a choice the spec does not allow (a hand-edited file) is shown, not replaced */
  g_clear_pointer (&emitted, json_node_unref);
  row = g_object_ref (conduit_setting_row_new (&choice));
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (window, row);
  gtk_window_present (window);
  g_signal_connect (row, "changed", G_CALLBACK (on_row_changed), &emitted);
  conduit_setting_row_set_value (CONDUIT_SETTING_ROW (row), odd);
  g_assert_null (emitted);
  {
    g_autoptr(JsonNode) shown = conduit_setting_row_dup_value (CONDUIT_SETTING_ROW (row));
    g_assert_cmpstr (json_node_get_string (shown), ==, "xml");
  }
  adw_combo_row_set_selected (ADW_COMBO_ROW (conduit_setting_row_get_editor (CONDUIT_SETTING_ROW (row))), 1);
  g_assert_cmpstr (json_node_get_string (emitted), ==, "json");
  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (row);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/conduit/inspector/flow-page", Fixture, NULL,
              fixture_set_up, test_flow_page, fixture_tear_down);
  g_test_add ("/conduit/inspector/form", Fixture, NULL,
              fixture_set_up, test_form_matches_specs, fixture_tear_down);
  g_test_add ("/conduit/inspector/edit", Fixture, NULL,
              fixture_set_up, test_edits_change_node, fixture_tear_down);
  g_test_add ("/conduit/inspector/required", Fixture, NULL,
              fixture_set_up, test_required_message, fixture_tear_down);
  g_test_add ("/conduit/inspector/array", Fixture, NULL,
              fixture_set_up, test_array_json, fixture_tear_down);
  g_test_add ("/conduit/inspector/outside-changes", Fixture, NULL,
              fixture_set_up, test_outside_changes_show, fixture_tear_down);
  g_test_add ("/conduit/inspector/mapping-and-credentials", Fixture, NULL,
              fixture_set_up, test_mapping_slot_and_credentials, fixture_tear_down);

  g_test_add ("/conduit/inspector/unknown-connector", Fixture, NULL,
              fixture_set_up, test_unknown_connector, fixture_tear_down);
  g_test_add_func ("/conduit/setting-row/number-and-choice", test_setting_row_number_and_choice);

  return g_test_run ();
}
