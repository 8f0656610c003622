/* test-exprs-editor.c — expressions everywhere in the inspector (issue #22)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-expression-entry.h"
#include "conduit-field-picker.h"
#include "conduit-inspector.h"
#include "conduit-mapping-cell.h"
#include "conduit-mapping-editor.h"
#include "conduit-setting-row.h"
#include "graph-test-common.h"
#include "test-util.h"

/* The text settings of a step help write expressions and templates, as the mapping table does:
 * a field picker listing the fields of the sample items that reach the step, completion of field
 * and function names while typing, and the engine's column-exact errors on the setting. The
 * controls are found the way a screen reader finds them, by their accessible names. With
 * CONDUIT_SCREENSHOT_DIR set, saves expression-picker.png there. */

#define FLOW \
  "{ \"version\": 1, \"name\": \"Expressions\", \"nodes\": [" \
  "  { \"id\": \"form\", \"type\": \"manual-trigger\", \"title\": \"Web form\"," \
  "    \"settings\": { \"items\": [" \
  "      {\"id\": 7, \"customer\": {\"email\": \"ada@example.com\", \"First Name\": \"Ada\"}," \
  "       \"items\": [{\"sku\": \"A-1\", \"qty\": 2}], \"lowest_price\": 9.5} ] } }," \
  "  { \"id\": \"crm\", \"type\": \"http-request\", \"title\": \"Create contact\"," \
  "    \"settings\": { \"url\": \"https://crm.example.com/contacts/\" } }," \
  "  { \"id\": \"tell\", \"type\": \"notify\", \"title\": \"Tell sales\"," \
  "    \"settings\": { \"webhook_url\": \"https://chat.example.com/hook\"," \
  "                   \"message\": \"New lead\" } }," \
  "  { \"id\": \"lookup\", \"type\": \"db-query\", \"title\": \"Find customer\"," \
  "    \"settings\": { \"sqlite_file\": \"shop.db\"," \
  "                   \"sql\": \"SELECT * FROM customers WHERE email = \" } } ]," \
  " \"links\": [" \
  "   { \"from\": \"form\", \"from_port\": \"out\", \"to\": \"crm\", \"to_port\": \"in\" }," \
  "   { \"from\": \"crm\", \"from_port\": \"out\", \"to\": \"tell\", \"to_port\": \"in\" }," \
  "   { \"from\": \"form\", \"from_port\": \"out\", \"to\": \"tell\", \"to_port\": \"in\" }," \
  "   { \"from\": \"form\", \"from_port\": \"out\", \"to\": \"lookup\", \"to_port\": \"in\" } ] }"

typedef struct
{
  ConduitDocument  *document;
  ConduitFlow      *flow;
  GtkWindow        *window;
  ConduitInspector *inspector;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (),
                                                            FLOW, -1, &problems, &error);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  fixture->document = conduit_document_new (flow, NULL);
  fixture->flow = conduit_document_get_flow (fixture->document);
  fixture->inspector = CONDUIT_INSPECTOR (conduit_inspector_new ());
  conduit_inspector_set_document (fixture->inspector, fixture->document);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  g_object_ref_sink (fixture->window);
  gtk_window_set_default_size (fixture->window, 520, 760);
  gtk_window_set_child (fixture->window, GTK_WIDGET (fixture->inspector));
  gtk_window_present (fixture->window);
  while (!gtk_widget_get_mapped (GTK_WIDGET (fixture->inspector)) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  graph_test_drain ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (fixture->window);
  graph_test_drain ();
  g_assert_finalize_object (fixture->window);
  g_assert_finalize_object (fixture->document);
}

static ConduitNode *
show_node (Fixture    *fixture,
           const char *id)
{
  ConduitNode *node = conduit_flow_lookup_node (fixture->flow, id);

  g_assert_nonnull (node);
  conduit_inspector_set_node (fixture->inspector, node);
  graph_test_drain ();
  return node;
}

/* ---- the accessibility tree ---- */

/* The first widget of @type under @widget whose accessible label is @name. */
static GtkWidget *
find_named (GtkWidget  *widget,
            GType       type,
            const char *name)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      g_autofree char *differs = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                     GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                                     name);
      if (differs == NULL)
        return widget;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, type, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* An entry row as a screen reader names it: by its title. */
static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static const char *
node_text (ConduitNode *node,
           const char  *key)
{
  JsonNode *value = conduit_node_get_setting (node, key);

  g_assert_nonnull (value);
  return json_node_get_string (value);
}

/* What a keyboard does to the text: inserted at the cursor, the cursor after it. */
static void
type_into (GtkWidget  *editor,
           const char *text)
{
  gtk_widget_grab_focus (editor);
  if (GTK_IS_TEXT_VIEW (editor))
    gtk_text_buffer_insert_at_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor)), text, -1);
  else
    {
      int position;

      gtk_editable_select_region (GTK_EDITABLE (editor), -1, -1);
      position = gtk_editable_get_position (GTK_EDITABLE (editor));
      gtk_editable_insert_text (GTK_EDITABLE (editor), text, -1, &position);
      gtk_editable_set_position (GTK_EDITABLE (editor), position);
    }
  graph_test_drain ();
}

/* A key as the completion's keyboard handler gets it from GTK. */
static gboolean
press_key (GtkWidget *editor,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (editor);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "conduit-completion-keys") == 0)
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          graph_test_drain ();
          return handled;
        }
    }
  g_error ("the control has no completion keys");
  return FALSE;
}

static gboolean
is_completing (gpointer editor)
{
  ConduitExpressionEntry *helper = conduit_expression_entry_get_for (editor);

  return helper != NULL && conduit_expression_entry_get_completing (helper);
}

static const char *
selected_proposal (GtkWidget *editor)
{
  GtkListBox *list = conduit_expression_entry_get_proposals (conduit_expression_entry_get_for (editor));
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);

  g_assert_nonnull (row);
  return g_object_get_data (G_OBJECT (row), "insert");
}

/* ---- the picture ---- */

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

static void
wait_painted (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  while (!gtk_widget_get_mapped (widget) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);
  g_assert_true (painted);
}

/* The window with its open popover drawn over it where the popover's surface is: a popover
 * is a surface of its own, which a picture of the window alone leaves out. */
static void
save_with_popover (GtkWidget  *window,
                   GtkWidget  *popover,
                   const char *name)
{
  const char *dir = g_getenv ("CONDUIT_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) window_paint = gtk_widget_paintable_new (window);
  g_autoptr(GdkPaintable) popover_paint = gtk_widget_paintable_new (popover);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GdkSurface *surface;
  double wx, wy, px, py, x, y;
  int width, height;

  if (dir == NULL)
    return;
  wait_painted (window);
  wait_painted (popover);

  width = gtk_widget_get_width (window);
  height = gtk_widget_get_height (window);
  surface = gtk_native_get_surface (GTK_NATIVE (popover));
  gtk_native_get_surface_transform (GTK_NATIVE (window), &wx, &wy);
  gtk_native_get_surface_transform (GTK_NATIVE (popover), &px, &py);

  x = gdk_popup_get_position_x (GDK_POPUP (surface)) + px - wx;
  y = gdk_popup_get_position_y (GDK_POPUP (surface)) + py - wy;

  gdk_paintable_snapshot (window_paint, snapshot, width, height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gdk_paintable_snapshot (popover_paint, snapshot, gtk_widget_get_width (popover),
                          gtk_widget_get_height (popover));
  gtk_snapshot_restore (snapshot);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  /* the popover may reach past the window's edge, as it does on the screen */
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0,
                                                              MAX (width, x + gtk_widget_get_width (popover)),
                                                              MAX (height, y + gtk_widget_get_height (popover))));
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

/* ---- the field picker ---- */

static void
test_picker_inserts_path (Fixture       *fixture,
                          gconstpointer  data)
{
  ConduitNode *crm = show_node (fixture, "crm");
  GtkWidget *button = find_named (GTK_WIDGET (fixture->inspector), GTK_TYPE_MENU_BUTTON,
                                  "Insert a field into URL");
  GtkWidget *url = find_entry_row (GTK_WIDGET (fixture->inspector), "URL");
  GtkWidget *popover;
  GtkWidget *email;

  g_assert_nonnull (button);
  g_assert_nonnull (url);

  /* the cursor at the end of the URL, as after clicking there */
  gtk_widget_grab_focus (url);
  gtk_editable_select_region (GTK_EDITABLE (url), -1, -1);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  graph_test_drain ();
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_true (gtk_widget_get_visible (popover));

  /* nested fields as paths, named as a person reads them; tables only through their fields */
  email = find_named (popover, GTK_TYPE_LIST_BOX_ROW, "customer.email");
  g_assert_nonnull (email);
  g_assert_nonnull (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "customer.First Name"));
  g_assert_nonnull (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "items[].sku"));
  g_assert_null (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "customer"));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (email), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       "email, e.g. ada@example.com");
  /* and where they come from */
  g_assert_nonnull (find_named (popover, GTK_TYPE_SEARCH_ENTRY,
                                "Search the fields of the sample records"));

  save_with_popover (GTK_WIDGET (fixture->window), popover, "expression-picker.png");

  g_assert_true (gtk_widget_activate (email));
  graph_test_drain ();
  g_assert_false (gtk_widget_get_visible (popover));
  g_assert_cmpstr (node_text (crm, "url"), ==,
                   "https://crm.example.com/contacts/{{ customer.email }}");

  /* inside an expression the path goes in bare, finishing the name being typed */
  type_into (url, "?name={{ customer.Fi");
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  graph_test_drain ();
  g_assert_true (gtk_widget_activate (find_named (popover, GTK_TYPE_LIST_BOX_ROW,
                                                  "customer.First Name")));
  graph_test_drain ();
  g_assert_cmpstr (node_text (crm, "url"), ==,
                   "https://crm.example.com/contacts/{{ customer.email }}"
                   "?name={{ customer.`First Name`");
}

/* SQL binds fields as :name parameters: the picker inserts one, and offers only the fields SQL
 * can name. */
static void
test_picker_sql_parameter (Fixture       *fixture,
                           gconstpointer  data)
{
  ConduitNode *lookup = show_node (fixture, "lookup");
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, "sql");
  GtkWidget *sql = conduit_setting_row_get_editor (row);
  GtkWidget *button = find_named (GTK_WIDGET (fixture->inspector), GTK_TYPE_MENU_BUTTON,
                                  "Insert a field into SQL");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (sql));
  GtkTextIter end;
  GtkWidget *popover;

  g_assert_nonnull (button);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  graph_test_drain ();
  popover = GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_nonnull (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "id"));
  g_assert_null (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "customer.First Name"));
  g_assert_null (find_named (popover, GTK_TYPE_LIST_BOX_ROW, "items[].sku"));
  g_assert_true (gtk_widget_activate (find_named (popover, GTK_TYPE_LIST_BOX_ROW,
                                                  "customer.email")));
  /* the setting row reads the text once the buffer settled, in an idle: let it run, however
   * long a turn of the main loop takes (50 ms of turns were not always enough under load) */
  graph_test_drain ();
  g_assert_cmpstr (node_text (lookup, "sql"), ==,
                   "SELECT * FROM customers WHERE email = :customer.email");

  /* SQL is not completed as an expression */
  type_into (sql, " AND low");
  test_spin_for (100);
  g_assert_false (is_completing (sql));
}

/* ---- completion ---- */

static void
test_completion_function (Fixture       *fixture,
                          gconstpointer  data)
{
  ConduitNode *crm = show_node (fixture, "crm");
  GtkWidget *url = find_entry_row (GTK_WIDGET (fixture->inspector), "URL");
  GtkListBox *proposals;

  g_assert_nonnull (url);
  /* plain text of a template is not completed */
  type_into (url, "low");
  g_assert_false (is_completing (url));

  type_into (url, "/{{ low");
  g_assert_true (test_spin_until (is_completing, url, 5));
  /* the list shows, the keyboard stays in the URL */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (gtk_widget_get_root (url)), url));
  proposals = conduit_expression_entry_get_proposals (conduit_expression_entry_get_for (url));
  /* the sample's field first, then the functions, each with its signature */
  g_assert_nonnull (find_named (GTK_WIDGET (proposals), GTK_TYPE_LIST_BOX_ROW, "lowest_price"));
  g_assert_nonnull (find_named (GTK_WIDGET (proposals), GTK_TYPE_LIST_BOX_ROW, "lower("));
  g_assert_nonnull (find_named (GTK_WIDGET (proposals), GTK_TYPE_LIST_BOX_ROW, "lower_ascii("));
  g_assert_null (find_named (GTK_WIDGET (proposals), GTK_TYPE_LIST_BOX_ROW, "upper("));
  g_assert_cmpstr (selected_proposal (url), ==, "lowest_price");
  save_with_popover (GTK_WIDGET (fixture->window),
                     GTK_WIDGET (conduit_expression_entry_get_popover (conduit_expression_entry_get_for (url))),
                     "expression-completion.png");

  /* Down, Down, Up: the keyboard stays in the URL and moves the choice */
  g_assert_true (press_key (url, GDK_KEY_Down));
  g_assert_cmpstr (selected_proposal (url), ==, "lower(");
  g_assert_true (press_key (url, GDK_KEY_Down));
  g_assert_cmpstr (selected_proposal (url), ==, "lower_ascii(");
  g_assert_true (press_key (url, GDK_KEY_Up));
  g_assert_cmpstr (selected_proposal (url), ==, "lower(");

  g_assert_true (press_key (url, GDK_KEY_Return));
  g_assert_false (is_completing (url));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url)), ==,
                   "https://crm.example.com/contacts/low/{{ lower(");

  /* Escape closes it without inserting */
  type_into (url, "customer.em");
  g_assert_true (test_spin_until (is_completing, url, 5));
  g_assert_cmpstr (selected_proposal (url), ==, "customer.email");
  g_assert_true (press_key (url, GDK_KEY_Escape));
  g_assert_false (is_completing (url));
  /* once closed, Enter is the entry's own again */
  g_assert_false (press_key (url, GDK_KEY_Return));
  type_into (url, "ail) }}");
  g_assert_cmpstr (node_text (crm, "url"), ==,
                   "https://crm.example.com/contacts/low/{{ lower(customer.email) }}");
}

/* The same in a multi-line template: the Notify step's message. */
static void
test_completion_text_view (Fixture       *fixture,
                           gconstpointer  data)
{
  ConduitNode *tell = show_node (fixture, "tell");
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, "message");
  GtkWidget *message = conduit_setting_row_get_editor (row);

  g_assert_true (GTK_IS_TEXT_VIEW (message));
  g_assert_nonnull (find_named (GTK_WIDGET (row), GTK_TYPE_MENU_BUTTON,
                                "Insert a field into Message"));
  type_into (message, " from {{ cust");
  g_assert_true (test_spin_until (is_completing, message, 5));
  /* "customer" itself is a table; its fields follow */
  g_assert_nonnull (find_named (GTK_WIDGET (conduit_expression_entry_get_proposals (conduit_expression_entry_get_for (message))),
                                GTK_TYPE_LIST_BOX_ROW, "customer.email"));
  while (g_strcmp0 (selected_proposal (message), "customer.email") != 0)
    g_assert_true (press_key (message, GDK_KEY_Down));
  g_assert_true (press_key (message, GDK_KEY_Return));
  type_into (message, " }}");
  graph_test_drain ();
  g_assert_cmpstr (node_text (tell, "message"), ==, "New lead from {{ customer.email }}");
}

/* ---- errors ---- */

static void
test_column_error (Fixture       *fixture,
                   gconstpointer  data)
{
  ConduitNode *crm = show_node (fixture, "crm");
  ConduitSettingRow *row = conduit_inspector_get_setting_row (fixture->inspector, "url");
  GtkWidget *url = find_entry_row (GTK_WIDGET (fixture->inspector), "URL");
  g_autoptr(GError) expected = NULL;
  PangoAttrList *attributes;
  g_autoptr(GSList) list = NULL;
  PangoAttribute *underline;

  g_assert_null (conduit_setting_row_get_message (row));
  gtk_editable_set_text (GTK_EDITABLE (url), "https://x/{{ lowr(customer.email) }}");
  graph_test_drain ();

  /* the engine's own words and column, as `conduit-cli validate` and the mapping table say */
  g_assert_null (conduit_template_new ("https://x/{{ lowr(customer.email) }}", &expected));
  g_assert_true (g_str_has_prefix (expected->message, "column 14: "));
  g_assert_cmpstr (conduit_setting_row_get_message (row), ==, expected->message);
  g_assert_nonnull (strstr (conduit_setting_row_get_message (row), "lowr"));
  /* the value is still kept: a half-typed template is not thrown away */
  g_assert_cmpstr (node_text (crm, "url"), ==, "https://x/{{ lowr(customer.email) }}");

  /* what a screen reader hears, and what the eye sees */
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (url), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (url), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       expected->message);
  g_assert_true (gtk_widget_has_css_class (url, "error"));
  attributes = adw_entry_row_get_attributes (ADW_ENTRY_ROW (url));
  g_assert_nonnull (attributes);
  list = pango_attr_list_get_attributes (attributes);
  g_assert_cmpuint (g_slist_length (list), ==, 1);
  underline = list->data;
  g_assert_cmpint (underline->klass->type, ==, PANGO_ATTR_UNDERLINE);
  g_assert_cmpuint (underline->start_index, ==, 13);   /* "lowr", bytes 13 to 17 */
  g_assert_cmpuint (underline->end_index, ==, 17);
  g_slist_free_full (g_steal_pointer (&list), (GDestroyNotify)pango_attribute_destroy);

  /* fixed, it is all gone */
  gtk_editable_set_text (GTK_EDITABLE (url), "https://x/{{ lower(customer.email) }}");
  graph_test_drain ();
  g_assert_null (conduit_setting_row_get_message (row));
  g_assert_false (gtk_widget_has_css_class (url, "error"));
  g_assert_null (adw_entry_row_get_attributes (ADW_ENTRY_ROW (url)));
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (url), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       conduit_setting_row_get_spec (row)->help);
}

/* A header value is checked the same way, and names its header. */
static void
test_errors_everywhere (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(JsonNode) bad = json_from_string ("{\"X-Id\": \"{{ id + }}\"}", NULL);
  ConduitSettingRow *headers;
  GtkWidget *value;

  ConduitNode *crm = show_node (fixture, "crm");

  headers = conduit_inspector_get_setting_row (fixture->inspector, "headers");
  g_assert_nonnull (headers);
  conduit_undo_stack_set_setting (conduit_document_get_undo_stack (fixture->document), crm,
                                  "headers", bad);
  graph_test_drain ();
  value = find_named (GTK_WIDGET (headers), GTK_TYPE_ENTRY, "Headers: value");
  g_assert_nonnull (value);
  g_assert_true (gtk_widget_has_css_class (value, "error"));
  g_assert_true (g_str_has_prefix (conduit_setting_row_get_message (headers), "“X-Id”: column "));
  /* said once, beside the headers, not again above the settings */
  g_assert_null (strstr (conduit_inspector_get_problems_text (fixture->inspector), "column"));
}

/* ---- the mapping table ---- */

static GtkWidget *
mapping_source_entry (ConduitMappingEditor *editor,
                      guint                 row)
{
  GtkWidget *widget = NULL;
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  /* cells are made when the column view lays out its rows */
  while ((widget = conduit_mapping_editor_get_cell (editor, row, "source")) == NULL &&
         g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (widget);
  return GTK_WIDGET (conduit_mapping_source_cell_get_entry (CONDUIT_MAPPING_SOURCE_CELL (widget)));
}

/* The mapping table's expression sources complete the same fields and functions; a fixed value
 * is not completed. */
static void
test_mapping_completion (void)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(ConduitFlow) flow = test_load_fixture_flow ("web-form-to-crm-http.conduit", &file);
  g_autoptr(ConduitDocument) document = conduit_document_new (flow, file);
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  ConduitMappingEditor *editor = CONDUIT_MAPPING_EDITOR (conduit_mapping_editor_new ());
  ConduitNode *node = conduit_flow_lookup_node (conduit_document_get_flow (document), "map");
  GtkWidget *company, *status;
  g_autofree char *mapping = NULL;

  gtk_window_set_child (window, GTK_WIDGET (editor));
  gtk_window_set_default_size (window, 1400, 900);
  conduit_mapping_editor_set_node (editor, document, node);
  gtk_window_present (window);

  /* row 4: company ← trim(Company) */
  company = mapping_source_entry (editor, 4);
  gtk_editable_set_text (GTK_EDITABLE (company), "trim(");
  type_into (company, "utm.s");
  g_assert_true (test_spin_until (is_completing, company, 5));
  g_assert_cmpstr (selected_proposal (company), ==, "utm.source");
  g_assert_true (press_key (company, GDK_KEY_Return));
  type_into (company, ")");
  mapping = json_to_string (conduit_node_get_mapping (node), FALSE);
  g_assert_nonnull (strstr (mapping, "\"expression\":\"trim(utm.source)\""));

  /* row 6: lead_status ← the fixed value "new" */
  status = mapping_source_entry (editor, 6);
  type_into (status, "low");
  test_spin_for (100);
  g_assert_false (is_completing (status));

  gtk_window_destroy (window);
  graph_test_drain ();
}

int
main (int   argc,
      char *argv[])
{
  graph_test_init (&argc, &argv);

  g_test_add ("/conduit/exprs/editor/picker-inserts-path", Fixture, NULL,
              fixture_set_up, test_picker_inserts_path, fixture_tear_down);
  g_test_add ("/conduit/exprs/editor/picker-sql-parameter", Fixture, NULL,
              fixture_set_up, test_picker_sql_parameter, fixture_tear_down);
  g_test_add ("/conduit/exprs/editor/completion-function", Fixture, NULL,
              fixture_set_up, test_completion_function, fixture_tear_down);
  g_test_add ("/conduit/exprs/editor/completion-text-view", Fixture, NULL,
              fixture_set_up, test_completion_text_view, fixture_tear_down);
  g_test_add ("/conduit/exprs/editor/column-error", Fixture, NULL,
              fixture_set_up, test_column_error, fixture_tear_down);
  g_test_add ("/conduit/exprs/editor/errors-everywhere", Fixture, NULL,
              fixture_set_up, test_errors_everywhere, fixture_tear_down);
  g_test_add_func ("/conduit/exprs/editor/mapping-completion", test_mapping_completion);

  return g_test_run ();
}
