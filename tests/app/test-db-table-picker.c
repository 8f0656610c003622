/* test-db-table-picker.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The bundled example "MySQL orders → map → upsert into PostgreSQL" in the app, against real
 * servers (tests/db-test-servers.c): the Write Rows step's inspector lists the tables of its
 * PostgreSQL database (and again after a refresh), shows the chosen table's columns with their
 * rules, makes them the Map Fields step's destination fields, records a table chosen from the
 * dropdown as an undoable edit, says why when the password is wrong — and the flow runs from
 * the window. With CONDUIT_SCREENSHOT_DIR set, the inspector is saved as
 * database-table-picker.png there (data/screenshots/ in the repository). */

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "conduit-db-table-picker.h"
#include "conduit-editor.h"
#include "conduit-graph-view.h"
#include "conduit-mapping-editor.h"
#include "conduit-undo-stack.h"
#include "conduit-window.h"
#include "db-test-servers.h"
#include "test-util.h"
#include "test-screenshot.h"

static ConduitDbTablePicker *
find_picker (GtkWidget *widget)
{
  if (CONDUIT_IS_DB_TABLE_PICKER (widget))
    return CONDUIT_DB_TABLE_PICKER (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ConduitDbTablePicker *found = find_picker (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
picker_is_idle (gpointer picker)
{
  return !conduit_db_table_picker_is_busy (picker);
}

static gboolean
editor_is_idle (gpointer editor)
{
  return !conduit_editor_get_running (editor);
}

static gboolean
has_table (ConduitDbTablePicker *picker,
           const char           *name)
{
  GListModel *tables = conduit_db_table_picker_get_tables (picker);

  for (guint i = 0; i < g_list_model_get_n_items (tables); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (tables), i), name))
      return TRUE;
  return FALSE;
}

static const ConduitDbColumn *
column_named (ConduitDbTablePicker *picker,
              const char           *name)
{
  GPtrArray *columns = conduit_db_table_picker_get_columns (picker);

  for (guint i = 0; columns != NULL && i < columns->len; i++)
    {
      const ConduitDbColumn *column = g_ptr_array_index (columns, i);

      if (g_str_equal (column->name, name))
        return column;
    }
  return NULL;
}

static JsonObject *
mapping_row (ConduitNode *mapping_node,
             const char  *destination)
{
  JsonArray *rows = json_object_get_array_member (
    json_node_get_object (conduit_node_get_mapping (mapping_node)), "rows");

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "destination"), destination) == 0)
        return row;
    }
  return NULL;
}

static void
test_example_in_app (void)
{
  DbTestServer *mysql = db_test_require (CONDUIT_DB_KIND_MARIADB);
  DbTestServer *postgresql = db_test_require (CONDUIT_DB_KIND_POSTGRESQL);
  g_autofree char *shop = NULL;
  g_autofree char *reporting = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(ConduitDocument) document = NULL;
  ConduitWindow *window;
  ConduitEditor *editor;
  ConduitInspector *inspector;
  ConduitDbTablePicker *picker;
  ConduitNode *upsert;
  ConduitNode *mapping_node;
  const ConduitDbColumn *column;
  JsonObject *row;
  ConduitRun *run;
  guint ok = 0;
  guint failed = 0;

  if (mysql == NULL || postgresql == NULL)
    return;

  db_test_server_exec (mysql, "DROP TABLE IF EXISTS orders");
  db_test_server_exec (mysql, "CREATE TABLE orders (id int AUTO_INCREMENT PRIMARY KEY, "
                              "customer_email varchar(200), total decimal(10,2), "
                              "currency varchar(8), status varchar(20), "
                              "placed_at timestamp(3) NULL, updated_at datetime(3) NOT NULL)");
  db_test_server_exec (mysql, "INSERT INTO orders (customer_email, total, currency, status, "
                              "placed_at, updated_at) VALUES "
                              "('ada@example.com', 12.50, 'EUR', 'paid', '2026-05-01 09:30:00', "
                              "'2026-05-01 09:30:00'),"
                              "('grace@example.com', 99.00, 'USD', 'paid', '2026-05-01 10:00:00', "
                              "'2026-05-01 10:00:00'),"
                              "('ken@example.com', 1.00, 'EUR', 'cart', '2026-05-01 13:00:00', "
                              "'2026-05-01 13:00:00')");
  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS shop_orders");
  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS refunds");
  db_test_server_exec (postgresql, "DROP TABLE IF EXISTS late_table");
  db_test_server_exec (postgresql, "CREATE TABLE shop_orders (order_id bigint PRIMARY KEY, "
                                   "email text NOT NULL, amount numeric(12,2) NOT NULL, "
                                   "currency char(3) NOT NULL, placed_at timestamptz NOT NULL, "
                                   "loaded_at timestamptz DEFAULT now())");
  db_test_server_exec (postgresql, "CREATE TABLE refunds (refund_id bigint PRIMARY KEY, "
                                   "order_id bigint NOT NULL, amount numeric(12,2))");
  db_test_server_exec (postgresql, "GRANT ALL ON shop_orders TO app");
  db_test_server_exec (postgresql, "GRANT ALL ON refunds TO app");
  shop = db_test_server_credential_json (mysql, "shop-mysql");
  reporting = db_test_server_credential_json (postgresql, "reporting-postgresql");
  g_setenv ("CONDUIT_CREDENTIAL_SHOP_MYSQL", shop, TRUE);
  g_setenv ("CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL", reporting, TRUE);

  flow = test_load_example ("mysql-orders-to-postgresql.conduit", &file);
  document = conduit_document_new (flow, file);
  window = g_object_ref_sink (conduit_window_new (NULL));
  gtk_window_set_default_size (GTK_WINDOW (window), 1300, 900);
  gtk_window_present (GTK_WINDOW (window));
  conduit_window_set_document (window, document);
  test_spin_for (300);

  editor = conduit_window_get_editor (window);
  inspector = conduit_editor_get_inspector (editor);
  upsert = conduit_flow_lookup_node (conduit_document_get_flow (document), "upsert");
  mapping_node = conduit_flow_lookup_node (conduit_document_get_flow (document), "to-report");
  conduit_graph_view_select_node (CONDUIT_GRAPH_VIEW (conduit_editor_get_graph_view (editor)),
                                  upsert);
  g_assert_true (conduit_inspector_get_node (inspector) == upsert);

  /* the tables come from the server; the chosen one's columns with their rules */
  picker = find_picker (GTK_WIDGET (inspector));
  g_assert_nonnull (picker);
  g_assert_true (test_spin_until (picker_is_idle, picker, 20));
  g_assert_true (has_table (picker, "shop_orders"));
  g_assert_true (has_table (picker, "refunds"));
  g_assert_false (has_table (picker, "late_table"));
  column = column_named (picker, "order_id");
  g_assert_nonnull (column);
  g_assert_true (column->is_key);
  column = column_named (picker, "loaded_at");
  g_assert_nonnull (column);
  g_assert_true (column->has_default);
  g_assert_false (column->not_null);
  column = column_named (picker, "currency");
  g_assert_nonnull (column);
  g_assert_true (column->not_null);
  g_assert_cmpuint (conduit_db_table_picker_get_columns (picker)->len, ==, 6);

  /* the columns become Map Fields' destination fields: existing rows keep their source and take
   * the column's rules, a missing column gets a row of its own */
  g_assert_true (conduit_db_table_picker_get_mapping_node (picker) == mapping_node);
  g_assert_null (mapping_row (mapping_node, "loaded_at"));
  g_assert_true (conduit_db_table_picker_apply_to_mapping (picker));
  row = mapping_row (mapping_node, "loaded_at");
  g_assert_nonnull (row);
  g_assert_false (json_object_get_boolean_member_with_default (row, "required", FALSE));
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "datetime");
  row = mapping_row (mapping_node, "email");
  g_assert_cmpstr (json_object_get_string_member (row, "expression"), ==,
                   "lower(trim(customer_email))");
  g_assert_true (json_object_get_boolean_member (row, "required"));
  row = mapping_row (mapping_node, "placed_at");
  g_assert_cmpstr (json_object_get_string_member (row, "type"), ==, "datetime");
  test_save_shot (GTK_WIDGET (picker), "database-table-picker.png");
  {
    GtkWindow *mapping_window = conduit_mapping_editor_open_window (GTK_WIDGET (inspector),
                                                                    document, mapping_node);

    gtk_window_set_default_size (mapping_window, 1100, 640);
    test_spin_for (300);
    test_save_shot (GTK_WIDGET (mapping_window), "database-mapping-columns.png");
    gtk_window_destroy (mapping_window);
  }
  conduit_undo_stack_undo (conduit_document_get_undo_stack (document));
  g_assert_null (mapping_row (mapping_node, "loaded_at"));

  /* a table chosen from the dropdown is the step's setting, and undo takes it back */
  conduit_db_table_picker_select_table (picker, "refunds");
  g_assert_cmpstr (conduit_node_get_setting_string (upsert, "table"), ==, "refunds");
  g_assert_true (test_spin_until (picker_is_idle, picker, 20));
  g_assert_nonnull (column_named (picker, "refund_id"));
  conduit_undo_stack_undo (conduit_document_get_undo_stack (document));
  g_assert_cmpstr (conduit_node_get_setting_string (upsert, "table"), ==, "shop_orders");
  g_assert_true (test_spin_until (picker_is_idle, picker, 20));
  g_assert_nonnull (column_named (picker, "order_id"));

  /* a table made meanwhile shows after a refresh */
  db_test_server_exec (postgresql, "CREATE TABLE late_table (id int)");
  db_test_server_exec (postgresql, "GRANT ALL ON late_table TO app");
  conduit_db_table_picker_refresh (picker);
  g_assert_true (test_spin_until (picker_is_idle, picker, 20));
  g_assert_true (has_table (picker, "late_table"));

  /* the flow runs from the window: the two paid orders land in PostgreSQL */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run", NULL));
  g_assert_true (test_spin_until (editor_is_idle, editor, 60));
  run = conduit_editor_get_last_run (editor);
  g_assert_nonnull (run);
  g_assert_true (conduit_run_get_node_counts (run, "upsert", NULL, &ok, &failed, NULL));
  g_assert_cmpuint (ok, ==, 2);
  g_assert_cmpuint (failed, ==, 0);
  g_assert_cmpint (db_test_server_count (postgresql, "SELECT count(*) FROM shop_orders"), ==, 2);

  /* a wrong password: the picker says so, in the server's words */
  {
    g_autofree char *wrong = NULL;
    g_autoptr(JsonNode) credential = NULL;
    g_autoptr(JsonNode) value = json_node_init_string (json_node_alloc (), "wrong-pw");

    credential = json_from_string (reporting, NULL);
    json_object_set_string_member (json_object_get_object_member (
                                     json_node_get_object (credential), "secrets"),
                                   "password", "not-the-password");
    json_object_set_string_member (json_node_get_object (credential), "id", "wrong-pw");
    wrong = json_to_string (credential, FALSE);
    g_setenv ("CONDUIT_CREDENTIAL_WRONG_PW", wrong, TRUE);
    conduit_undo_stack_set_setting (conduit_document_get_undo_stack (document), upsert,
                                    "credential", value);
    g_assert_true (test_spin_until (picker_is_idle, picker, 20));
    g_assert_nonnull (conduit_db_table_picker_get_status (picker));
    g_test_message ("%s", conduit_db_table_picker_get_status (picker));
    g_assert_nonnull (strstr (conduit_db_table_picker_get_status (picker), "password"));
    g_unsetenv ("CONDUIT_CREDENTIAL_WRONG_PW");
  }

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (window);
  g_unsetenv ("CONDUIT_CREDENTIAL_SHOP_MYSQL");
  g_unsetenv ("CONDUIT_CREDENTIAL_REPORTING_POSTGRESQL");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *history_dir = NULL;
  int status;

  /* a history of its own: the New or Changed Rows cursor of an earlier run (a repeat of this
   * test in the same session) would find no new orders */
  history_dir = g_dir_make_tmp ("conduit-db-picker-XXXXXX", NULL);
  g_assert_nonnull (history_dir);
  g_setenv ("XDG_DATA_HOME", history_dir, TRUE);

  setlocale (LC_ALL, "C.UTF-8");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/conduit/db/table-picker/example-in-app", test_example_in_app);

  status = g_test_run ();
  db_test_stop_all ();
  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", history_dir);

    /* the history and whatever else the app kept there */
    if (system (command) != 0)
      g_printerr ("could not remove %s\n", history_dir);
  }
  return status;
}
