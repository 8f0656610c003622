/* test-mapping-editor.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "conduit-inspector.h"
#include "conduit-mapping-cell.h"
#include "conduit-mapping-editor.h"
#include "test-util.h"

/* The example flow's "map" node: rows firstname, lastname, email, phone, company, source and
 * lead_status, fed by the webhook trigger "form" with one sample item (Ada Lovelace). */

typedef struct
{
  GtkWindow            *window;
  ConduitMappingEditor *editor;
  ConduitDocument      *document;
  ConduitFlow          *flow;
  ConduitNode          *node;
} Fixture;

static GtkWidget *
cell (Fixture    *fixture,
      guint       row,
      const char *column)
{
  GtkWidget *widget = NULL;
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* cells are made when the column view lays out its rows */
  while ((widget = conduit_mapping_editor_get_cell (fixture->editor, row, column)) == NULL &&
         g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (widget);
  return widget;
}

static GtkWidget *
source_entry (Fixture *fixture,
              guint    row)
{
  return GTK_WIDGET (conduit_mapping_source_cell_get_entry (CONDUIT_MAPPING_SOURCE_CELL (cell (fixture, row, "source"))));
}

static GtkEditable *
destination_entry (Fixture *fixture,
                   guint    row)
{
  GtkWidget *widget = cell (fixture, row, "destination");

  return conduit_mapping_destination_cell_get_entry (CONDUIT_MAPPING_DESTINATION_CELL (widget));
}

static GtkDropDown *
type_drop_down (Fixture *fixture,
                guint    row)
{
  return conduit_mapping_type_cell_get_drop_down (CONDUIT_MAPPING_TYPE_CELL (cell (fixture, row,
                                                                                   "type")));
}

static const char *
preview (Fixture *fixture,
         guint    row)
{
  return conduit_mapping_preview_cell_get_text (CONDUIT_MAPPING_PREVIEW_CELL (cell (fixture, row, "preview")));
}

static const char *
status_text (Fixture *fixture,
             guint    row)
{
  return conduit_mapping_status_cell_get_text (CONDUIT_MAPPING_STATUS_CELL (cell (fixture, row, "status")));
}

static gboolean
focus_is_in (GtkWidget *focus,
             GtkWidget *cell)
{
  return focus != NULL && (focus == cell || gtk_widget_is_ancestor (focus, cell));
}

static char *
mapping_json (Fixture *fixture)
{
  return json_to_string (conduit_node_get_mapping (fixture->node), FALSE);
}

static void
activate (Fixture    *fixture,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), action, NULL));
  test_spin_idle ();
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", &file);

  fixture->document = conduit_document_new (flow, file);
  fixture->flow = conduit_document_get_flow (fixture->document);
  fixture->node = conduit_flow_lookup_node (fixture->flow, "map");

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->editor = CONDUIT_MAPPING_EDITOR (conduit_mapping_editor_new ());
  g_object_add_weak_pointer (G_OBJECT (fixture->editor), (gpointer *)&fixture->editor);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->editor));
  gtk_window_set_default_size (fixture->window, 1400, 900);
  conduit_mapping_editor_set_node (fixture->editor, fixture->document, fixture->node);
  gtk_window_present (fixture->window);
  cell (fixture, 6, "status");
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

static void
test_upstream_samples (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *summary = conduit_mapping_editor_describe (fixture->flow, fixture->node);

  /* the webhook trigger's sample item, found by following the link backwards */
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 1);
  g_assert_cmpstr (preview (fixture, 0), ==, "Ada");
  g_assert_cmpstr (preview (fixture, 2), ==, "ada@example.com");
  g_assert_cmpstr (preview (fixture, 3), ==, "442079460958");
  g_assert_cmpstr (preview (fixture, 6), ==, "new");
  g_assert_cmpstr (status_text (fixture, 2), ==, "OK");
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "1 would be sent, 0 rejected");
  g_assert_nonnull (strstr (summary, "7 rows, no problems"));
  g_assert_nonnull (strstr (summary, "1 would be sent, 0 rejected"));
  g_assert_false (conduit_document_get_modified (fixture->document));

  /* the samples follow the trigger's items as they are edited */
  {
    g_autoptr(JsonNode) items = json_from_string ("[{\"First Name\": \"grace\"}, {\"First Name\": \"alan\"}]", NULL);

    conduit_undo_stack_set_setting (conduit_document_get_undo_stack (fixture->document),
                                    conduit_flow_lookup_node (fixture->flow, "form"), "items", items);
    test_spin_idle ();
    g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 2);
    g_assert_cmpstr (preview (fixture, 0), ==, "Grace");
    g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                     "0 would be sent, 2 rejected");
  }
}

static void
test_edit_source (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *entry = source_entry (fixture, 1);
  JsonObject *row;

  g_assert_cmpstr (preview (fixture, 1), ==, "Lovelace");
  gtk_editable_set_text (GTK_EDITABLE (entry), "upper(`Last Name`)");
  test_spin_idle ();

  g_assert_cmpstr (preview (fixture, 1), ==, "LOVELACE");
  row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (conduit_node_get_mapping (fixture->node)), "rows"), 1);
  g_assert_cmpstr (json_object_get_string_member (row, "expression"), ==, "upper(`Last Name`)");
  g_assert_true (conduit_document_get_modified (fixture->document));

  /* a fixed value is typed as plain text and stored as JSON text */
  gtk_drop_down_set_selected (conduit_mapping_source_cell_get_kind (CONDUIT_MAPPING_SOURCE_CELL (cell (fixture, 1, "source"))),
                              CONDUIT_MAPPING_SOURCE_CONSTANT);
  gtk_editable_set_text (GTK_EDITABLE (entry), "Smith");
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 1), ==, "Smith");
  row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (conduit_node_get_mapping (fixture->node)), "rows"), 1);
  g_assert_cmpstr (json_object_get_string_member (row, "constant"), ==, "Smith");
}

static void
test_syntax_error (Fixture       *fixture,
                   gconstpointer  data)
{
  const char *broken = "lower(trim(Email)";
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) expression = conduit_expression_new (broken, &error);
  GtkWidget *entry = source_entry (fixture, 2);
  PangoAttrList *attributes;
  g_autoptr(GSList) list = NULL;
  PangoAttribute *underline = NULL;
  const char *reason = NULL;
  guint column;

  g_assert_null (expression);
  column = conduit_expression_error_get_column (error);
  g_assert_cmpuint (column, >, 0);

  gtk_editable_set_text (GTK_EDITABLE (entry), broken);
  test_spin_idle ();

  g_assert_cmpint (conduit_mapping_editor_get_row_status (fixture->editor, 2, &reason), ==,
                   CONDUIT_MAPPING_ROW_STATUS_PROBLEM);
  g_assert_nonnull (strstr (reason, "expected"));
  g_assert_cmpstr (status_text (fixture, 2), ==, "Fix this row");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (cell (fixture, 2, "status")), ==, reason);
  g_assert_true (gtk_widget_has_css_class (entry, "error"));

  /* the wavy line sits where the engine says the text goes wrong */
  attributes = gtk_entry_get_attributes (GTK_ENTRY (entry));
  g_assert_nonnull (attributes);
  list = pango_attr_list_get_attributes (attributes);
  for (GSList *l = list; l != NULL; l = l->next)
    if (((PangoAttribute *)l->data)->klass->type == PANGO_ATTR_UNDERLINE)
      underline = l->data;
  g_assert_nonnull (underline);
  g_assert_cmpuint (underline->start_index, ==, MIN (column - 1, strlen (broken) - 1));
  g_assert_cmpuint (underline->end_index, >, underline->start_index);
  g_slist_free_full (g_steal_pointer (&list), (GDestroyNotify)pango_attribute_destroy);

  /* the other rows still show their values, and no record can be sent */
  g_assert_cmpstr (preview (fixture, 0), ==, "Ada");
  g_assert_cmpstr (status_text (fixture, 0), ==, "OK");
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "0 would be sent, 1 rejected");
  g_assert_true (g_str_has_prefix (conduit_mapping_editor_get_rejected_text (fixture->editor),
                                   "The mapping has rows to fix"));

  /* keyboard users cannot hover: the selected row's reason is spelt out under the table */
  gtk_widget_grab_focus (entry);
  test_spin_idle ();
  {
    GtkLabel *label = GTK_LABEL (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                                CONDUIT_TYPE_MAPPING_EDITOR, "action_label"));
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (label)));
    g_assert_nonnull (strstr (gtk_label_get_text (label), reason));
  }

  /* fixing it clears the mark */
  gtk_editable_set_text (GTK_EDITABLE (entry), "lower(trim(Email))");
  test_spin_idle ();
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_null (gtk_entry_get_attributes (GTK_ENTRY (entry)));
  g_assert_cmpstr (status_text (fixture, 2), ==, "OK");
}

static void
test_missing_required (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *entry = source_entry (fixture, 0);
  const char *reason = NULL;

  /* a source that gives nothing for this record */
  gtk_editable_set_text (GTK_EDITABLE (entry), "trim(Nickname)");
  test_spin_idle ();

  /* the field is left out, not sent as null (issue #21) */
  g_assert_cmpstr (preview (fixture, 0), ==, "(left out)");
  g_assert_cmpint (conduit_mapping_editor_get_row_status (fixture->editor, 0, &reason), ==,
                   CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED);
  g_assert_cmpstr (status_text (fixture, 0), ==, "Missing required");
  g_assert_nonnull (strstr (reason, "firstname"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (cell (fixture, 0, "status")), ==, reason);
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "0 would be sent, 1 rejected");
  g_assert_nonnull (strstr (conduit_mapping_editor_get_rejected_text (fixture->editor), "firstname"));

  /* not required any more: the record passes */
  gtk_check_button_set_active (conduit_mapping_required_cell_get_check (CONDUIT_MAPPING_REQUIRED_CELL (cell (fixture, 0, "required"))), FALSE);
  test_spin_idle ();
  g_assert_cmpstr (status_text (fixture, 0), ==, "OK");
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "1 would be sent, 0 rejected");

  /* the null literal sends the field as null, which the preview shows apart (issue #21) */
  gtk_editable_set_text (GTK_EDITABLE (entry), "null");
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 0), ==, "(null)");
}

/* The Keep null switch of a row's rules (issue #21): a missing value is sent as null, which
 * the preview shows, and the flow keeps the setting; switched off, the field is left out. */
static void
test_keep_null_switch (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *entry = source_entry (fixture, 0);
  GtkWidget *button;
  GtkSwitch *toggle;
  g_autofree char *json = NULL;
  g_autofree char *json_off = NULL;

  gtk_editable_set_text (GTK_EDITABLE (entry), "trim(Nickname)");
  gtk_check_button_set_active (conduit_mapping_required_cell_get_check (CONDUIT_MAPPING_REQUIRED_CELL (cell (fixture, 0, "required"))), FALSE);
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 0), ==, "(left out)");

  button = adw_bin_get_child (ADW_BIN (cell (fixture, 0, "validation")));
  g_assert_true (GTK_IS_MENU_BUTTON (button));
  g_assert_null (strstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), "null"));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  test_spin_idle ();
  toggle = conduit_mapping_rules_cell_get_keep_null (CONDUIT_MAPPING_RULES_CELL (cell (fixture, 0, "validation")));
  g_assert_nonnull (toggle);
  g_assert_false (gtk_switch_get_active (toggle));

  gtk_switch_set_active (toggle, TRUE);
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 0), ==, "(null)");
  g_assert_cmpstr (status_text (fixture, 0), ==, "OK");
  json = mapping_json (fixture);
  g_assert_nonnull (strstr (json, "\"keep_null\":true"));
  button = adw_bin_get_child (ADW_BIN (cell (fixture, 0, "validation")));
  g_assert_nonnull (strstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (button)), "keeps null"));

  toggle = conduit_mapping_rules_cell_get_keep_null (CONDUIT_MAPPING_RULES_CELL (cell (fixture, 0, "validation")));
  g_assert_nonnull (toggle);
  gtk_switch_set_active (toggle, FALSE);
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 0), ==, "(left out)");
  json_off = mapping_json (fixture);
  g_assert_null (strstr (json_off, "\"keep_null\":true"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  test_spin_idle ();
}

static void
test_paste_and_step (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *samples =
    "{\"First Name\": \"Grace\", \"Last Name\": \"Hopper\", \"Email\": \"grace@navy.mil\", \"Phone\": \"555 0100\"}\n"
    "{\"First Name\": \"\", \"Last Name\": \"Nobody\", \"Email\": \"not an address\"}\n"
    "{\"First Name\": \"alan\", \"Last Name\": \"turing\", \"Email\": \"AT@example.org\"}\n";
  const char *rejected;
  const char *reason = NULL;

  g_assert_false (conduit_mapping_editor_set_samples_text (fixture->editor, "", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor, samples, &error));
  g_assert_no_error (error);
  test_spin_idle ();

  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 3);
  g_assert_cmpuint (conduit_mapping_editor_get_record_index (fixture->editor), ==, 0);
  g_assert_cmpstr (preview (fixture, 0), ==, "Grace");
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "2 would be sent, 1 rejected");
  rejected = conduit_mapping_editor_get_rejected_text (fixture->editor);
  g_assert_nonnull (strstr (rejected, "Record 2"));
  g_assert_nonnull (strstr (rejected, "firstname"));
  g_assert_nonnull (strstr (rejected, "email"));
  g_assert_null (strstr (rejected, "Record 1"));

  activate (fixture, "mapping.next-record");
  g_assert_cmpuint (conduit_mapping_editor_get_record_index (fixture->editor), ==, 1);
  g_assert_cmpstr (preview (fixture, 1), ==, "Nobody");
  g_assert_cmpstr (status_text (fixture, 0), ==, "Missing required");
  g_assert_cmpint (conduit_mapping_editor_get_row_status (fixture->editor, 2, &reason), ==,
                   CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR);
  g_assert_cmpstr (status_text (fixture, 2), ==, "Type error");

  activate (fixture, "mapping.next-record");
  g_assert_cmpstr (preview (fixture, 0), ==, "Alan");
  g_assert_cmpstr (status_text (fixture, 0), ==, "OK");
  /* the last record: no further */
  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "mapping.next-record", NULL);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_record_index (fixture->editor), ==, 2);
  activate (fixture, "mapping.previous-record");
  g_assert_cmpuint (conduit_mapping_editor_get_record_index (fixture->editor), ==, 1);

  /* a long record is cut short in the list, on a character boundary */
  {
    g_autoptr(GString) long_record = g_string_new ("{\"First Name\": \"\", \"Notes\": \"");

    for (guint i = 0; i < 200; i++)
      g_string_append (long_record, i % 2 ? "é" : "a");
    g_string_append (long_record, "\"}");
    g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor, long_record->str, &error));
    g_assert_no_error (error);
    rejected = conduit_mapping_editor_get_rejected_text (fixture->editor);
    g_assert_true (g_utf8_validate (rejected, -1, NULL));
    g_assert_nonnull (strstr (rejected, "…\n"));
    g_assert_null (strstr (rejected, long_record->str + 30));
  }

  /* CSV works too */
  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          "First Name,Last Name,Email\nEdsger,Dijkstra,ewd@example.nl\n",
                                                          &error));
  g_assert_no_error (error);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 1);
  g_assert_cmpstr (preview (fixture, 1), ==, "Dijkstra");
}

static void
test_auto_map (Fixture       *fixture,
               gconstpointer  data)
{
  ConduitMapping *mapping = conduit_mapping_editor_get_mapping (fixture->editor);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) before = NULL;
  JsonArray *rows;
  guint n;

  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          "{\"First Name\": \"Ada\", \"Last Name\": \"L\", \"Email\": \"a@b.org\", \"Zip Code\": \"N1 9GU\", \"Company\": \"AE\"}",
                                                          &error));
  test_spin_idle ();
  n = g_list_model_get_n_items (G_LIST_MODEL (mapping));

  /* two empty rows: one with a matching sample field, one without */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor), CONDUIT_TYPE_MAPPING_EDITOR, "column_view")))), n - 1);
  activate (fixture, "mapping.add-row");
  gtk_editable_set_text (destination_entry (fixture, n), "zip_code");
  activate (fixture, "mapping.add-row");
  gtk_editable_set_text (destination_entry (fixture, n + 1), "fax");
  test_spin_idle ();
  g_assert_cmpint (conduit_mapping_editor_get_row_status (fixture->editor, n, NULL), ==,
                   CONDUIT_MAPPING_ROW_STATUS_PROBLEM);

  before = conduit_mapping_to_json (mapping);
  activate (fixture, "mapping.auto-map");

  rows = json_object_get_array_member (json_node_get_object (conduit_node_get_mapping (fixture->node)), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, n + 2);
  /* rows with a source are untouched, though "company" would match "Company" too */
  for (guint i = 0; i < n; i++)
    g_assert_true (json_node_equal (json_array_get_element (rows, i),
                                    json_array_get_element (json_object_get_array_member (json_node_get_object (before), "rows"), i)));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, n), "field"), ==, "`Zip Code`");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (rows, n), "suggested"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, n + 1), "field"), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (source_entry (fixture, n))), ==, "`Zip Code`");
  g_assert_cmpstr (preview (fixture, n), ==, "N1 9GU");
  g_assert_cmpstr (status_text (fixture, n), ==, "Suggested: check it");

  /* auto-map is one undo step */
  conduit_undo_stack_undo (conduit_document_get_undo_stack (fixture->document));
  test_spin_idle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (source_entry (fixture, n))), ==, "");
}

/* A new Map Fields step: no mapping, no problem; auto-map makes a row per sample field. */
static void
test_auto_map_new_step (Fixture       *fixture,
                        gconstpointer  data)
{
  ConduitUndoStack *undo = conduit_document_get_undo_stack (fixture->document);
  g_autoptr(ConduitNode) node = conduit_node_new ("map2", "mapping");
  g_autoptr(ConduitLink) link = conduit_link_new ("form", "out", "map2", "in");
  ConduitMapping *mapping;
  GtkWidget *problems = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor),
                                                                   CONDUIT_TYPE_MAPPING_EDITOR, "problems_label"));
  JsonArray *rows;

  conduit_undo_stack_add_node (undo, node);
  conduit_undo_stack_add_link (undo, link);
  conduit_mapping_editor_set_node (fixture->editor, fixture->document, node);
  test_spin_idle ();

  mapping = conduit_mapping_editor_get_mapping (fixture->editor);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 0);
  g_assert_false (gtk_widget_get_visible (problems));
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 1);

  activate (fixture, "mapping.auto-map");
  rows = json_object_get_array_member (json_node_get_object (conduit_node_get_mapping (node)), "rows");
  /* First Name, Last Name, Email, Phone, Company and utm.source */
  g_assert_cmpuint (json_array_get_length (rows), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 5), "field"), ==, "utm.source");
  g_assert_cmpstr (preview (fixture, 5), ==, "newsletter");
  g_assert_cmpstr (status_text (fixture, 5), ==, "Suggested: check it");
  g_assert_cmpstr (conduit_mapping_editor_get_summary_text (fixture->editor), ==,
                   "1 would be sent, 0 rejected");
}

static void
test_add_remove_reorder (Fixture       *fixture,
                         gconstpointer  data)
{
  ConduitUndoStack *undo = conduit_document_get_undo_stack (fixture->document);
  ConduitMapping *mapping = conduit_mapping_editor_get_mapping (fixture->editor);
  g_autofree char *original = mapping_json (fixture);
  g_autofree char *added = NULL;
  g_autofree char *moved = NULL;
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor), CONDUIT_TYPE_MAPPING_EDITOR, "column_view"))));

  /* add below the selected row */
  gtk_single_selection_set_selected (selection, 1);
  activate (fixture, "mapping.add-row");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 8);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 2);
  /* ready to type the new row's field */
  {
    gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    while (!focus_is_in (gtk_window_get_focus (fixture->window), cell (fixture, 2, "destination")) &&
           g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (focus_is_in (gtk_window_get_focus (fixture->window), cell (fixture, 2, "destination")));
  }
  gtk_editable_set_text (destination_entry (fixture, 2), "title");
  gtk_editable_set_text (GTK_EDITABLE (source_entry (fixture, 2)), "Company");
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 2), ==, "Analytical Engines Ltd");
  added = mapping_json (fixture);

  /* move it up twice: it is first; a third time does nothing */
  activate (fixture, "mapping.move-up");
  activate (fixture, "mapping.move-up");
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (mapping, 0)), ==, "title");
  gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "mapping.move-up", NULL);
  test_spin_idle ();
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (mapping, 0)), ==, "title");
  g_assert_cmpstr (preview (fixture, 0), ==, "Analytical Engines Ltd");
  moved = mapping_json (fixture);
  g_assert_cmpstr (moved, !=, added);

  /* remove it */
  activate (fixture, "mapping.remove-row");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 7);
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (mapping, 0)), ==, "firstname");

  /* undo walks back: removal, the moves, the edits and the addition */
  conduit_undo_stack_undo (undo);
  test_spin_idle ();
  {
    g_autofree char *now = mapping_json (fixture);
    g_assert_cmpstr (now, ==, moved);
  }
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (conduit_mapping_editor_get_mapping (fixture->editor), 0)), ==, "title");
  while (conduit_undo_stack_get_can_undo (undo))
    conduit_undo_stack_undo (undo);
  test_spin_idle ();
  {
    g_autofree char *now = mapping_json (fixture);
    g_assert_cmpstr (now, ==, original);
  }
  mapping = conduit_mapping_editor_get_mapping (fixture->editor);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mapping)), ==, 7);
  g_assert_cmpstr (preview (fixture, 1), ==, "Lovelace");
}

static void
test_undo_restores (Fixture       *fixture,
                    gconstpointer  data)
{
  ConduitUndoStack *undo = conduit_document_get_undo_stack (fixture->document);
  GtkWidget *entry = source_entry (fixture, 4);
  g_autofree char *original = mapping_json (fixture);

  gtk_editable_set_text (GTK_EDITABLE (entry), "upper(Company)");
  gtk_drop_down_set_selected (type_drop_down (fixture, 4), CONDUIT_MAPPING_TYPE_INTEGER);
  test_spin_idle ();
  g_assert_cmpstr (preview (fixture, 4), ==, "ANALYTICAL ENGINES LTD");
  g_assert_cmpstr (status_text (fixture, 4), ==, "Type error");

  /* Ctrl+Z in the mapping window */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "mapping.undo", NULL));
  test_spin_idle ();
  {
    g_autofree char *now = mapping_json (fixture);
    g_assert_cmpstr (now, ==, original);
  }
  /* the same widgets show the old row again */
  g_assert_true (source_entry (fixture, 4) == entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "trim(Company)");
  g_assert_cmpuint (gtk_drop_down_get_selected (type_drop_down (fixture, 4)), ==,
                    CONDUIT_MAPPING_TYPE_ANY);
  g_assert_cmpstr (preview (fixture, 4), ==, "Analytical Engines Ltd");
  g_assert_cmpstr (status_text (fixture, 4), ==, "OK");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->editor), "mapping.redo", NULL));
  test_spin_idle ();
  g_assert_cmpstr (status_text (fixture, 4), ==, "Type error");
  g_assert_true (conduit_undo_stack_get_can_undo (undo));
}

/* Tab goes from cell to cell along a row, and on into the next row; focusing a cell selects
 * its row, so the row commands act on it. */
static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  const char *columns[] = { "required", "type", "source", "validation" };
  GtkWidget *focus;
  guint found = 0;

  gtk_widget_grab_focus (cell (fixture, 3, "destination"));
  test_spin_idle ();
  g_assert_true (focus_is_in (gtk_window_get_focus (fixture->window), cell (fixture, 3, "destination")));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (gtk_widget_get_template_child (GTK_WIDGET (fixture->editor), CONDUIT_TYPE_MAPPING_EDITOR, "column_view"))))), ==, 3);

  for (guint step = 0; step < 12 && found < G_N_ELEMENTS (columns); step++)
    {
      g_assert_true (gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD));
      focus = gtk_window_get_focus (fixture->window);
      if (focus_is_in (focus, cell (fixture, 3, columns[found])))
        found++;
    }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (columns));

  /* the source entry takes typing without a click */
  gtk_widget_grab_focus (source_entry (fixture, 3));
  g_assert_true (gtk_widget_has_focus (source_entry (fixture, 3)) ||
                 gtk_widget_is_ancestor (gtk_window_get_focus (fixture->window), source_entry (fixture, 3)));
  activate (fixture, "mapping.move-up");
  g_assert_cmpstr (conduit_mapping_row_get_destination (conduit_mapping_get_row (conduit_mapping_editor_get_mapping (fixture->editor), 2)), ==, "phone");
}

static void
test_window (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWindow *window = conduit_mapping_editor_open_window (GTK_WIDGET (fixture->editor), fixture->document,
                                                          fixture->node);

  g_assert_true (GTK_IS_WINDOW (window));
  /* asking again raises the same window */
  g_assert_true (conduit_mapping_editor_open_window (GTK_WIDGET (fixture->editor), fixture->document,
                                                     fixture->node) == window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  test_spin_idle ();

  /* deleting the node closes it */
  conduit_undo_stack_remove_node (conduit_document_get_undo_stack (fixture->document), fixture->node);
  test_spin_idle ();
  g_assert_null (window);
}

/* The inspector's mapping slot: a summary, and a button that opens the table wide. */
static void
test_inspector_slot (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *inspector = conduit_inspector_new ();
  GtkLabel *summary;
  GtkWidget *button;
  GtkWindow *opened;

  gtk_window_set_child (GTK_WINDOW (window), inspector);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 800);
  conduit_inspector_set_document (CONDUIT_INSPECTOR (inspector), fixture->document);
  conduit_inspector_set_node (CONDUIT_INSPECTOR (inspector), fixture->node);
  gtk_window_present (GTK_WINDOW (window));
  test_spin_idle ();

  summary = GTK_LABEL (gtk_widget_get_template_child (inspector, CONDUIT_TYPE_INSPECTOR, "mapping_summary_label"));
  g_assert_cmpstr (gtk_label_get_text (summary), ==,
                   "7 rows, no problems. Samples: 1 would be sent, 0 rejected.");

  /* an edit made in the table shows in the summary */
  gtk_editable_set_text (GTK_EDITABLE (source_entry (fixture, 2)), "lower(");
  test_spin_idle ();
  g_assert_cmpstr (gtk_label_get_text (summary), ==,
                   "7 rows, 1 problem. Samples: 0 would be sent, 1 rejected.");

  button = GTK_WIDGET (gtk_widget_get_template_child (inspector, CONDUIT_TYPE_INSPECTOR, "edit_mapping_button"));
  g_signal_emit_by_name (button, "clicked");
  test_spin_idle ();
  opened = g_object_get_data (G_OBJECT (fixture->node), "conduit-mapping-window");
  g_assert_true (GTK_IS_WINDOW (opened));
  g_assert_cmpstr (gtk_window_get_title (opened), ==, "Map Fields — Map to CRM fields");
  g_assert_true (gtk_window_get_transient_for (opened) == GTK_WINDOW (window));

  gtk_window_destroy (GTK_WINDOW (window));
  test_spin_idle ();
  g_assert_null (g_object_get_data (G_OBJECT (fixture->node), "conduit-mapping-window"));
}

/* Issue 22, defect 14: a row that cannot be checked, for want of a sample, is not shown as
 * passing (it was a green "✓ No sample"). */
static void
test_no_sample_not_green (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) items = json_from_string ("[]", NULL);
  GtkWidget *status;

  conduit_undo_stack_set_setting (conduit_document_get_undo_stack (fixture->document),
                                  conduit_flow_lookup_node (fixture->flow, "form"), "items", items);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 0);
  g_assert_cmpstr (status_text (fixture, 2), ==, "No sample");
  status = cell (fixture, 2, "status");
  g_assert_false (gtk_widget_has_css_class (status, "success"));
  g_assert_true (gtk_widget_has_css_class (status, "dim-label"));
}

/* Issue 22, defect 2: samples pasted into the table are kept with the flow: they are there
 * when the table is opened again and after the flow is saved and loaded; undo takes them back
 * to the trigger's. */
static void
test_pasted_samples_persist (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(ConduitFlow) reloaded = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *summary = NULL;
  JsonNode *kept;
  gsize length;

  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          "First Name,Email\n"
                                                          "grace,grace@example.com\n"
                                                          "alan,alan@example.com\n"
                                                          "ada,ada@example.com\n", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 3);

  /* the table opened again */
  conduit_mapping_editor_set_node (fixture->editor, NULL, NULL);
  conduit_mapping_editor_set_node (fixture->editor, fixture->document, fixture->node);
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 3);
  g_assert_cmpstr (preview (fixture, 0), ==, "Grace");
  summary = conduit_mapping_editor_describe (fixture->flow, fixture->node);
  g_assert_nonnull (strstr (summary, "Samples: "));

  /* saved and loaded with the flow */
  saved = conduit_flow_to_data (fixture->flow, &length);
  reloaded = conduit_flow_new_from_data (conduit_connector_registry_get_default (), saved,
                                         (gssize)length, &problems, &error);
  g_assert_no_error (error);
  kept = conduit_node_get_setting (conduit_flow_lookup_node (reloaded, "map"), "samples");
  g_assert_nonnull (kept);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (kept)), ==, 3);

  /* undo gives the trigger's sample item back */
  conduit_undo_stack_undo (conduit_document_get_undo_stack (fixture->document));
  test_spin_idle ();
  g_assert_cmpuint (conduit_mapping_editor_get_n_records (fixture->editor), ==, 1);
  g_assert_cmpstr (preview (fixture, 0), ==, "Ada");
}

/* Issue 14, point 18: what the reader reads differently from how it was written (a CSV header
 * with spaces around it, a JSON key given twice) is said under the sample strip, as
 * `conduit-cli map` prints it, not changed silently. */
static void
test_sample_warnings (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          " First Name ,Email\nAda,ada@example.com\n",
                                                          &error));
  g_assert_no_error (error);
  test_spin_idle ();
  g_assert_nonnull (strstr (conduit_mapping_editor_get_sample_notes (fixture->editor),
                            "has spaces around it"));

  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          "{\"Email\": \"a@example.com\", \"Email\": \"b@example.com\"}\n",
                                                          &error));
  g_assert_no_error (error);
  test_spin_idle ();
  g_assert_nonnull (strstr (conduit_mapping_editor_get_sample_notes (fixture->editor),
                            "appears more than once"));

  /* clean samples: nothing to say */
  g_assert_true (conduit_mapping_editor_set_samples_text (fixture->editor,
                                                          "{\"Email\": \"a@example.com\"}\n",
                                                          &error));
  g_assert_no_error (error);
  test_spin_idle ();
  g_assert_cmpstr (conduit_mapping_editor_get_sample_notes (fixture->editor), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/conduit/mapping-editor/samples/upstream", test_upstream_samples);
  ADD ("/conduit/mapping-editor/samples/paste-and-step", test_paste_and_step);
  ADD ("/conduit/mapping-editor/samples/pasted-persist", test_pasted_samples_persist);
  ADD ("/conduit/mapping-editor/samples/reader-warnings", test_sample_warnings);
  ADD ("/conduit/mapping-editor/samples/none-not-green", test_no_sample_not_green);
  ADD ("/conduit/mapping-editor/edit/source", test_edit_source);
  ADD ("/conduit/mapping-editor/edit/syntax-error", test_syntax_error);
  ADD ("/conduit/mapping-editor/edit/missing-required", test_missing_required);
  ADD ("/conduit/mapping-editor/edit/keep-null-switch", test_keep_null_switch);
  ADD ("/conduit/mapping-editor/rows/auto-map", test_auto_map);
  ADD ("/conduit/mapping-editor/rows/add-remove-reorder", test_add_remove_reorder);
  ADD ("/conduit/mapping-editor/rows/auto-map-new-step", test_auto_map_new_step);
  ADD ("/conduit/mapping-editor/undo", test_undo_restores);
  ADD ("/conduit/mapping-editor/keyboard", test_keyboard);
  ADD ("/conduit/mapping-editor/window", test_window);
  ADD ("/conduit/mapping-editor/inspector-slot", test_inspector_slot);
#undef ADD

  return g_test_run ();
}
