/* conduit-tests-pane.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-tests-pane"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit.h"
#include "conduit-tests-pane.h"

/* The Tests pane: the saved tests of the open flow (FLOW.tests.json beside it, docs/testing.md),
 * run the way `conduit-cli test` runs them — conduit_flow_test_run_async() on the flow as it is
 * in the editor, every edge step answering from the recording — but each in a worker thread
 * with its own main context, so a big test never stalls the window. A failing test shows its
 * differences as a table (step, field, expected, actual); its volatile fields can be added and
 * removed; a test can be deleted, with Undo on the toast. */

#define MAX_VALUE_SHOWN 400

/* One row of the differences table. */
#define CONDUIT_TYPE_TESTS_PANE_DIFF (conduit_tests_pane_diff_get_type ())
G_DECLARE_FINAL_TYPE (ConduitTestsPaneDiff, conduit_tests_pane_diff, CONDUIT, TESTS_PANE_DIFF, GObject)

struct _ConduitTestsPaneDiff
{
  GObject parent_instance;
  char   *step;
  char   *field;
  char   *expected;
  char   *actual;
};

enum { DIFF_PROP_0, DIFF_PROP_STEP, DIFF_PROP_FIELD, DIFF_PROP_EXPECTED, DIFF_PROP_ACTUAL, DIFF_N_PROPS };
static GParamSpec *diff_properties[DIFF_N_PROPS];

G_DEFINE_FINAL_TYPE (ConduitTestsPaneDiff, conduit_tests_pane_diff, G_TYPE_OBJECT)

static void
conduit_tests_pane_diff_finalize (GObject *object)
{
  ConduitTestsPaneDiff *self = CONDUIT_TESTS_PANE_DIFF (object);

  g_free (self->step);
  g_free (self->field);
  g_free (self->expected);
  g_free (self->actual);
  G_OBJECT_CLASS (conduit_tests_pane_diff_parent_class)->finalize (object);
}

static void
conduit_tests_pane_diff_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ConduitTestsPaneDiff *self = CONDUIT_TESTS_PANE_DIFF (object);

  switch (prop_id)
    {
    case DIFF_PROP_STEP:
      g_value_set_string (value, self->step);
      break;
    case DIFF_PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case DIFF_PROP_EXPECTED:
      g_value_set_string (value, self->expected);
      break;
    case DIFF_PROP_ACTUAL:
      g_value_set_string (value, self->actual);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_tests_pane_diff_class_init (ConduitTestsPaneDiffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = conduit_tests_pane_diff_finalize;
  object_class->get_property = conduit_tests_pane_diff_get_property;

  diff_properties[DIFF_PROP_STEP] =
    g_param_spec_string ("step", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  diff_properties[DIFF_PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  diff_properties[DIFF_PROP_EXPECTED] =
    g_param_spec_string ("expected", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  diff_properties[DIFF_PROP_ACTUAL] =
    g_param_spec_string ("actual", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, DIFF_N_PROPS, diff_properties);
}

static void
conduit_tests_pane_diff_init (ConduitTestsPaneDiff *self)
{
}

struct _ConduitTestsPane
{
  AdwWindow         parent_instance;

  ConduitDocument  *document;
  char             *tests_path;    /* (nullable) while the flow has no file */
  GPtrArray        *tests;         /* of ConduitFlowTest, as the file holds them */
  GHashTable       *results;       /* name → ConduitFlowTestResult of its last run */
  GHashTable       *running;       /* names of the tests running now */
  GCancellable     *cancellable;
  char             *selected;      /* (nullable) the test whose details show */
  ConduitFlowTest  *deleted;       /* (nullable) the last test deleted, for Undo */
  GFileMonitor     *monitor;       /* (nullable) on tests_path */
  char             *loaded_text;   /* (nullable) the tests file as last read */

  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  GtkStack         *stack;
  AdwStatusPage    *error_page;
  AdwPreferencesGroup *tests_group;
  GtkListBox       *test_list;
  GtkWidget        *details_box;
  GtkLabel         *details_title;
  GtkLabel         *summary_label;
  GtkLabel         *notes_label;
  GtkWidget        *diff_frame;
  GtkWidget        *diff_view;
  GListStore       *diff_store;
  int               fitted_width;  /* the table's width when it last measured its rows */
  GtkListBox       *volatile_list;
  AdwEntryRow      *volatile_entry;
};

G_DEFINE_FINAL_TYPE (ConduitTestsPane, conduit_tests_pane, ADW_TYPE_WINDOW)

static void rebuild (ConduitTestsPane *self);

static ConduitFlowTest *
find_test (ConduitTestsPane *self,
           const char       *name)
{
  for (guint i = 0; self->tests != NULL && i < self->tests->len; i++)
    {
      ConduitFlowTest *test = g_ptr_array_index (self->tests, i);

      if (g_strcmp0 (test->name, name) == 0)
        return test;
    }
  return NULL;
}

/* The focus widget was taken out of the window (GTK 4.8 leaves the window's focus on a widget
 * it no longer holds): the keyboard is nowhere until it is put back. */
static gboolean
focus_lost (ConduitTestsPane *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  return focus == NULL || gtk_widget_get_root (focus) != GTK_ROOT (self);
}

static void
toast (ConduitTestsPane *self,
       const char       *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
tests_file_changed_cb (ConduitTestsPane  *self,
                       GFile             *file,
                       GFile             *other_file,
                       GFileMonitorEvent  event,
                       GFileMonitor      *monitor)
{
  g_autofree char *text = NULL;

  g_assert (CONDUIT_IS_TESTS_PANE (self));

  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED || self->tests_path == NULL)
    return;
  /* The pane's own writes were read back at once: only a change made elsewhere (Save as Test
   * in the history, Save as Test Fixture of a test event, conduit-cli test save) reloads,
   * so the focus and the selection stay where they are for the others. */
  g_file_get_contents (self->tests_path, &text, NULL, NULL);
  if (g_strcmp0 (text, self->loaded_text) != 0)
    conduit_tests_pane_reload (self);
}

/* The tests file is written by other parts of the app too, and by conduit-cli: the pane
 * follows it rather than show a list that lacks the test just saved. */
static void
watch_tests_file (ConduitTestsPane *self)
{
  g_autoptr(GFile) file = g_file_new_for_path (self->tests_path);

  if (self->monitor != NULL)
    {
      GFile *watched = g_object_get_data (G_OBJECT (self->monitor), "conduit-tests-file");

      if (watched != NULL && g_file_equal (watched, file))
        return;
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor == NULL)
    return;
  g_object_set_data_full (G_OBJECT (self->monitor), "conduit-tests-file", g_object_ref (file),
                          g_object_unref);
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (tests_file_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/**
 * conduit_tests_pane_reload:
 * @self: a tests pane
 *
 * Reads the flow's tests file again (after Save as Test, or a change made elsewhere). The
 * results of tests still there are kept.
 */
void
conduit_tests_pane_reload (ConduitTestsPane *self)
{
  g_autoptr(GError) error = NULL;
  GFile *file;

  g_return_if_fail (CONDUIT_IS_TESTS_PANE (self));

  g_clear_pointer (&self->tests_path, g_free);
  g_clear_pointer (&self->tests, g_ptr_array_unref);
  file = self->document != NULL ? conduit_document_get_file (self->document) : NULL;

  if (file == NULL || g_file_peek_path (file) == NULL)
    {
      if (self->monitor != NULL)
        g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
      g_clear_pointer (&self->loaded_text, g_free);
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_stack_set_visible_child_name (self->stack, "unsaved");
      rebuild (self);
      return;
    }

  {
    g_autofree char *title = conduit_document_dup_title (self->document);
    g_autofree char *base = NULL;

    self->tests_path = conduit_flow_test_path_for_flow (g_file_peek_path (file));
    base = g_path_get_basename (self->tests_path);
    adw_window_title_set_subtitle (self->window_title, title);
    {
      g_autofree char *description = g_strdup_printf (_("Kept in %s beside the flow"), base);
      adw_preferences_group_set_description (self->tests_group, description);
    }
  }

  watch_tests_file (self);
  g_clear_pointer (&self->loaded_text, g_free);
  g_file_get_contents (self->tests_path, &self->loaded_text, NULL, NULL);
  self->tests = conduit_flow_test_load_file (self->tests_path, &error);
  if (self->tests == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    self->tests = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_test_free);
  if (self->tests == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      rebuild (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, self->tests->len > 0 ? "tests" : "empty");
  if (self->selected != NULL && find_test (self, self->selected) == NULL)
    g_clear_pointer (&self->selected, g_free);
  if (self->selected == NULL && self->tests->len > 0)
    self->selected = g_strdup (((ConduitFlowTest *)g_ptr_array_index (self->tests, 0))->name);
  rebuild (self);
}

/* The list and the details */

static char *
status_text (ConduitTestsPane *self,
             const char       *name)
{
  ConduitFlowTestResult *result = g_hash_table_lookup (self->results, name);

  if (g_hash_table_contains (self->running, name))
    return g_strdup (_("Running…"));
  if (result == NULL)
    return g_strdup (_("Not run yet"));
  if (result->passed)
    return g_strdup (_("Passed"));
  if (result->error != NULL)
    return g_strdup_printf (_("Could not run: %s"), result->error);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Failed: %u difference",
                                       "Failed: %u differences", result->diffs->len),
                          result->diffs->len);
}

static const char *
status_icon (ConduitTestsPane *self,
             const char       *name)
{
  ConduitFlowTestResult *result = g_hash_table_lookup (self->results, name);

  if (g_hash_table_contains (self->running, name))
    return "content-loading-symbolic";
  if (result == NULL)
    return "radio-symbolic";
  return result->passed ? "emblem-ok-symbolic" : "dialog-error-symbolic";
}

static GtkWidget *
row_button (const char *icon,
            const char *tooltip,
            const char *accessible,
            const char *action,
            const char *name)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (name));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_widget_add_css_class (button, "flat");
  return button;
}

static GtkWidget *
test_row (ConduitTestsPane *self,
          ConduitFlowTest  *test)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (status_icon (self, test->name));
  g_autofree char *status = status_text (self, test->name);
  g_autofree char *run_label = g_strdup_printf (_("Run the test “%s”"), test->name);
  g_autofree char *delete_label = g_strdup_printf (_("Delete the test “%s”"), test->name);
  g_autofree char *accessible = g_strdup_printf (_("Test “%s”: %s"), test->name, status);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), test->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, status, -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "conduit-status-icon", icon);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("media-playback-start-symbolic", _("Run This Test"),
                                         run_label, "tests.run", test->name));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("user-trash-symbolic", _("Delete This Test"),
                                         delete_label, "tests.delete", test->name));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data_full (G_OBJECT (row), "conduit-test-name", g_strdup (test->name), g_free);
  return row;
}

static char *
shorten (const char *text)
{
  if (text == NULL)
    return g_strdup (_("(nothing)"));
  if (g_utf8_strlen (text, -1) <= MAX_VALUE_SHOWN)
    return g_strdup (text);
  {
    g_autofree char *start = g_utf8_substring (text, 0, MAX_VALUE_SHOWN);
    return g_strconcat (start, "…", NULL);
  }
}

/* A value that is a failed item ({"item", "error": {"kind", "message", …}}, what a step sends
 * on its error port) is shown as what went wrong, in a sentence, not as its JSON; any other
 * value as it is. */
static char *
describe_value (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;
  JsonObject *object;
  JsonObject *error;
  JsonNode *member;
  ConduitRunProblem problem = { 0 };
  g_autofree char *sentence = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return shorten (text);
  object = json_node_get_object (node);
  member = json_object_get_member (object, "error");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member) || !json_object_has_member (object, "item"))
    return shorten (text);
  error = json_node_get_object (member);
  member = json_object_get_member (error, "message");
  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return shorten (text);

  problem.message = json_node_get_string (member);
  member = json_object_get_member (error, "kind");
  if (member != NULL && json_node_get_value_type (member) == G_TYPE_STRING)
    problem.kind = json_node_get_string (member);
  /* the replay's own kind: what reached the step differs from the saved run, so no answer was
   * recorded for it; the engine's message names the step and the item */
  if (g_strcmp0 (problem.kind, "not-recorded") == 0)
    sentence = g_strdup_printf (_("Failed: this step got other items than in the saved run, so "
                                  "the test has no recorded answer to give it (%s)"),
                                problem.message);
  else
    {
      g_autofree char *explained = conduit_run_explain (&problem);

      sentence = g_strdup_printf (_("Failed: %s"), explained);
    }
  return shorten (sentence);
}

static ConduitTestsPaneDiff *
diff_row (ConduitFlow               *flow,
          const ConduitFlowTestDiff *diff)
{
  ConduitTestsPaneDiff *row = g_object_new (CONDUIT_TYPE_TESTS_PANE_DIFF, NULL);
  ConduitNode *node = conduit_flow_lookup_node (flow, diff->node_id);
  const char *title = node != NULL ? conduit_node_get_title (node) : NULL;
  g_autoptr(GString) field = g_string_new (NULL);

  if (title != NULL && title[0] != '\0')
    row->step = g_strdup_printf ("%s (%s)", title, diff->node_id);
  else
    row->step = g_strdup (diff->node_id);

  if (diff->port == NULL)
    {
      /* the step failed as a whole */
      row->field = g_strdup (_("the whole step"));
      row->expected = g_strdup (_("(it runs)"));
      row->actual = shorten (diff->actual);
      return row;
    }
  if (g_strcmp0 (diff->port, "out") != 0)
    g_string_append_printf (field, _("port %s, "), diff->port);
  if (diff->index >= 0)
    g_string_append_printf (field, _("item %d"), diff->index + 1);
  if (diff->field != NULL && diff->field[0] != '\0')
    g_string_append_printf (field, field->len > 0 ? ", %s" : "%s", diff->field);
  else if (field->len == 0)
    g_string_append (field, _("the whole port"));
  row->field = g_string_free (g_steal_pointer (&field), FALSE);
  row->expected = describe_value (diff->expected);
  row->actual = describe_value (diff->actual);
  return row;
}

static GtkWidget *
volatile_row (const char *field)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *remove_label = g_strdup_printf (_("Stop ignoring the field %s"), field);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), field);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button ("list-remove-symbolic", _("Compare This Field Again"),
                                         remove_label, "tests.remove-volatile", field));
  return row;
}

static void
show_details (ConduitTestsPane *self)
{
  ConduitFlowTest *test = self->selected != NULL ? find_test (self, self->selected) : NULL;
  ConduitFlowTestResult *result = test != NULL ? g_hash_table_lookup (self->results, test->name) : NULL;
  GtkWidget *child;

  gtk_widget_set_visible (self->details_box, test != NULL);
  g_list_store_remove_all (self->diff_store);
  /* other rows: measured again from the start */
  self->fitted_width = -1;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->volatile_list))) != NULL &&
         child != GTK_WIDGET (self->volatile_entry))
    gtk_list_box_remove (self->volatile_list, child);
  if (test == NULL)
    return;

  {
    g_autofree char *title = g_strdup_printf (_("Test “%s”"), test->name);
    g_autofree char *status = status_text (self, test->name);

    gtk_label_set_text (self->details_title, title);
    gtk_label_set_text (self->summary_label, status);
  }

  if (result != NULL && result->notes != NULL && result->notes->len > 0)
    {
      g_autoptr(GString) notes = g_string_new (NULL);

      for (guint i = 0; i < result->notes->len; i++)
        g_string_append_printf (notes, "%s%s", i > 0 ? "\n" : "",
                                (const char *)g_ptr_array_index (result->notes, i));
      gtk_label_set_text (self->notes_label, notes->str);
      gtk_widget_set_visible (GTK_WIDGET (self->notes_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->notes_label), FALSE);

  for (guint i = 0; result != NULL && i < result->diffs->len; i++)
    {
      g_autoptr(ConduitTestsPaneDiff) row =
        diff_row (conduit_document_get_flow (self->document), g_ptr_array_index (result->diffs, i));

      g_list_store_append (self->diff_store, row);
    }
  gtk_widget_set_visible (self->diff_frame, g_list_model_get_n_items (G_LIST_MODEL (self->diff_store)) > 0);

  /* the entry row stays last */
  for (guint i = 0; test->volatile_fields != NULL && test->volatile_fields[i] != NULL; i++)
    gtk_list_box_insert (self->volatile_list, volatile_row (test->volatile_fields[i]), (int)i);
}

/* A run starting or ending changes what the rows say, not which rows there are: they are
 * updated where they are, so that the ▶ button just pressed from the keyboard keeps the focus
 * (a new row would take it away to nowhere). Returns whether the list held these tests. */
static gboolean
update_rows (ConduitTestsPane *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->test_list));
  guint i;

  for (i = 0; self->tests != NULL && i < self->tests->len;
       i++, child = gtk_widget_get_next_sibling (child))
    {
      ConduitFlowTest *test = g_ptr_array_index (self->tests, i);

      if (child == NULL || g_strcmp0 (g_object_get_data (G_OBJECT (child), "conduit-test-name"),
                                      test->name) != 0)
        return FALSE;
    }
  if (child != NULL)
    return FALSE;

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->test_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *name = g_object_get_data (G_OBJECT (child), "conduit-test-name");
      GtkWidget *icon = g_object_get_data (G_OBJECT (child), "conduit-status-icon");
      g_autofree char *status = status_text (self, name);
      g_autofree char *accessible = g_strdup_printf (_("Test “%s”: %s"), name, status);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (child), status);
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), status_icon (self, name));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      status, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      accessible, -1);
      if (g_strcmp0 (name, self->selected) == 0)
        gtk_list_box_select_row (self->test_list, GTK_LIST_BOX_ROW (child));
    }
  return TRUE;
}

static void
rebuild (ConduitTestsPane *self)
{
  GtkWidget *child;
  GtkWidget *focus;
  gboolean had_focus;
  gboolean any = self->tests != NULL && self->tests->len > 0;

  if (update_rows (self))
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "tests.run-all", any);
      show_details (self);
      return;
    }
  focus = gtk_root_get_focus (GTK_ROOT (self));
  had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->test_list));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->test_list))) != NULL)
    gtk_list_box_remove (self->test_list, child);
  for (guint i = 0; self->tests != NULL && i < self->tests->len; i++)
    {
      ConduitFlowTest *test = g_ptr_array_index (self->tests, i);
      GtkWidget *row = test_row (self, test);

      gtk_list_box_append (self->test_list, row);
      if (g_strcmp0 (test->name, self->selected) == 0)
        gtk_list_box_select_row (self->test_list, GTK_LIST_BOX_ROW (row));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "tests.run-all", any);
  show_details (self);

  /* The row that had the focus is gone (a test deleted or back): the keyboard goes on from the
   * selected test rather than from nowhere. */
  if (had_focus && focus_lost (self))
    {
      GtkListBoxRow *selected = gtk_list_box_get_selected_row (self->test_list);

      if (selected != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (selected));
    }
}

static void
row_selected_cb (ConduitTestsPane *self,
                 GtkListBoxRow    *row,
                 GtkListBox       *list)
{
  const char *name = row != NULL ? g_object_get_data (G_OBJECT (row), "conduit-test-name") : NULL;

  g_assert (CONDUIT_IS_TESTS_PANE (self));

  if (name == NULL || g_strcmp0 (name, self->selected) == 0)
    return;
  g_free (self->selected);
  self->selected = g_strdup (name);
  show_details (self);
}

/* Running, in a worker thread each */

typedef struct
{
  GWeakRef  pane;        /* a closed pane goes at once, not when its last test ends */
  char     *name;
  char     *test_text;   /* the test, as a tests file of one */
  char     *flow_text;   /* the flow as it is in the editor now */
} RunJob;

static void
run_job_free (RunJob *job)
{
  g_weak_ref_clear (&job->pane);
  g_free (job->name);
  g_free (job->test_text);
  g_free (job->flow_text);
  g_free (job);
}

typedef struct
{
  gboolean               done;
  ConduitFlowTestResult *result;
  GError                *error;
} Wait;

static void
thread_test_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = conduit_flow_test_run_finish (result, &wait->error);
  wait->done = TRUE;
}

/* The worker's own main context keeps the runner's sources off the window's thread; the flow
 * and the test are copies, so the editor may change the flow meanwhile. */
static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunJob *job = task_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GPtrArray) tests = NULL;
  ConduitConnectorRegistry *registry = conduit_connector_registry_get_default ();
  Wait wait = { FALSE, NULL, NULL };

  g_main_context_push_thread_default (context);
  flow = conduit_flow_new_from_data (registry, job->flow_text, -1, &problems, &error);
  if (flow != NULL)
    tests = conduit_flow_test_load_data (job->test_text, (gsize)-1, job->name, &error);
  if (tests != NULL)
    {
      conduit_flow_test_run_async (g_ptr_array_index (tests, 0), flow, registry, cancellable,
                                   thread_test_done_cb, &wait);
      while (!wait.done)
        g_main_context_iteration (context, TRUE);
    }
  /* what the run left behind is freed here, in its own thread */
  g_clear_object (&flow);
  g_clear_pointer (&tests, g_ptr_array_unref);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (wait.error != NULL)
    g_task_return_error (task, wait.error);
  else
    g_task_return_pointer (task, wait.result, (GDestroyNotify)conduit_flow_test_result_free);
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(ConduitTestsPane) self = g_weak_ref_get (&job->pane);
  g_autoptr(GError) error = NULL;
  ConduitFlowTestResult *test_result;

  test_result = g_task_propagate_pointer (G_TASK (result), &error);
  /* the pane was closed while the test ran: nothing left to show it in */
  if (self == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&test_result, conduit_flow_test_result_free);
      return;
    }
  g_hash_table_remove (self->running, job->name);
  if (test_result == NULL)
    {
      test_result = g_new0 (ConduitFlowTestResult, 1);
      test_result->diffs = g_ptr_array_new_with_free_func ((GDestroyNotify)conduit_flow_test_diff_free);
      test_result->error = g_strdup (error->message);
    }
  g_hash_table_replace (self->results, g_strdup (job->name), test_result);
  rebuild (self);
}

static void
run_test (ConduitTestsPane *self,
          ConduitFlowTest  *test)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) flow_json = NULL;
  g_autoptr(JsonNode) test_json = NULL;
  g_autoptr(JsonObject) file = json_object_new ();
  g_autoptr(JsonNode) file_node = NULL;
  JsonArray *array = json_array_new ();
  RunJob *job;

  if (g_hash_table_contains (self->running, test->name))
    return;

  job = g_new0 (RunJob, 1);
  g_weak_ref_init (&job->pane, self);
  job->name = g_strdup (test->name);
  flow_json = conduit_flow_to_json (conduit_document_get_flow (self->document));
  job->flow_text = json_to_string (flow_json, FALSE);
  json_array_add_element (array, conduit_flow_test_to_json (test));
  json_object_set_int_member (file, "format", CONDUIT_FLOW_TEST_FORMAT);
  json_object_set_array_member (file, "tests", array);
  file_node = json_node_init_object (json_node_alloc (), file);
  job->test_text = json_to_string (file_node, FALSE);

  g_hash_table_add (self->running, g_strdup (test->name));
  task = g_task_new (NULL, self->cancellable, run_done_cb, NULL);
  g_task_set_source_tag (task, run_test);
  g_task_set_task_data (task, job, (GDestroyNotify)run_job_free);
  g_task_run_in_thread (task, run_thread);
}

static void
run_all_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (widget);

  for (guint i = 0; self->tests != NULL && i < self->tests->len; i++)
    run_test (self, g_ptr_array_index (self->tests, i));
  rebuild (self);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (widget);
  ConduitFlowTest *test = find_test (self, g_variant_get_string (parameter, NULL));

  if (test == NULL)
    return;
  g_free (self->selected);
  self->selected = g_strdup (test->name);
  run_test (self, test);
  rebuild (self);
}

/* Changing the tests file */

static gboolean
save_test (ConduitTestsPane *self,
           ConduitFlowTest  *test)
{
  g_autoptr(GError) error = NULL;

  if (conduit_flow_test_save (test, self->tests_path, &error))
    return TRUE;
  {
    g_autofree char *message = g_strdup_printf (_("Could not save the test in %s: %s"),
                                                self->tests_path, error->message);
    toast (self, message);
  }
  return FALSE;
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  ConduitFlowTest *test = find_test (self, name);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *undo;

  if (test == NULL || self->tests_path == NULL)
    return;
  /* keep a copy for Undo: the loaded list is about to be read again */
  {
    g_autoptr(JsonNode) json = conduit_flow_test_to_json (test);
    g_autoptr(JsonObject) file = json_object_new ();
    g_autoptr(JsonNode) file_node = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) copy = NULL;
    JsonArray *array = json_array_new ();

    json_array_add_element (array, g_steal_pointer (&json));
    json_object_set_int_member (file, "format", CONDUIT_FLOW_TEST_FORMAT);
    json_object_set_array_member (file, "tests", array);
    file_node = json_node_init_object (json_node_alloc (), file);
    text = json_to_string (file_node, FALSE);
    copy = conduit_flow_test_load_data (text, (gsize)-1, name, NULL);
    g_clear_pointer (&self->deleted, conduit_flow_test_free);
    if (copy != NULL)
      self->deleted = g_ptr_array_steal_index (copy, 0);
  }

  if (!conduit_flow_test_remove (self->tests_path, name, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not delete the test: %s"), error->message);
      toast (self, message);
      return;
    }
  g_hash_table_remove (self->results, self->deleted != NULL ? self->deleted->name : name);
  title = g_strdup_printf (_("Deleted the test “%s”"), self->deleted != NULL ? self->deleted->name : name);
  undo = adw_toast_new (title);
  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "tests.undo-delete");
  adw_toast_overlay_add_toast (self->toast_overlay, undo);
  conduit_tests_pane_reload (self);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (widget);

  if (self->deleted == NULL || self->tests_path == NULL)
    return;
  if (save_test (self, self->deleted))
    {
      g_free (self->selected);
      self->selected = g_strdup (self->deleted->name);
      g_clear_pointer (&self->deleted, conduit_flow_test_free);
    }
  conduit_tests_pane_reload (self);
}

/* Volatile fields change what the last result would have been: it is dropped, not kept stale. */
static void
set_volatile (ConduitTestsPane *self,
              ConduitFlowTest  *test,
              GStrv             fields)
{
  g_autofree char *name = g_strdup (test->name);

  g_strfreev (test->volatile_fields);
  test->volatile_fields = fields;
  if (save_test (self, test))
    g_hash_table_remove (self->results, name);
  conduit_tests_pane_reload (self);
}

static void
volatile_apply_cb (ConduitTestsPane *self,
                   AdwEntryRow      *entry)
{
  ConduitFlowTest *test = self->selected != NULL ? find_test (self, self->selected) : NULL;
  g_autofree char *field = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autoptr(GStrvBuilder) builder = NULL;

  g_assert (CONDUIT_IS_TESTS_PANE (self));

  if (test == NULL || field[0] == '\0')
    return;
  if (test->volatile_fields != NULL && g_strv_contains ((const char * const *)test->volatile_fields, field))
    {
      gtk_editable_set_text (GTK_EDITABLE (entry), "");
      return;
    }
  builder = g_strv_builder_new ();
  if (test->volatile_fields != NULL)
    g_strv_builder_addv (builder, (const char **)test->volatile_fields);
  g_strv_builder_add (builder, field);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  set_volatile (self, test, g_strv_builder_end (builder));
}

static void
remove_volatile_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (widget);
  ConduitFlowTest *test = self->selected != NULL ? find_test (self, self->selected) : NULL;
  const char *field = g_variant_get_string (parameter, NULL);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (test == NULL)
    return;
  for (guint i = 0; test->volatile_fields != NULL && test->volatile_fields[i] != NULL; i++)
    if (!g_str_equal (test->volatile_fields[i], field))
      g_strv_builder_add (builder, test->volatile_fields[i]);
  set_volatile (self, test, g_strv_builder_end (builder));
  /* its row, and the − button pressed, are gone: the keyboard goes on in the entry below */
  if (focus_lost (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->volatile_entry));
}

/* Lifecycle */

/* The frame the differences table scrolls sideways in takes the height of the rows as they are
 * laid out. GtkColumnView (GTK 4.8) measures a row's cells for the row's whole width, not for
 * their columns', and its cells wrap: a wrapped row comes out taller than the table asked for,
 * and the frame cut the last rows off. Laid out, the rows' height is the vertical adjustment's
 * upper bound: after each frame that laid the table out anew, the table asks for that height
 * (GTK drops a size request made while it allocates, so not before). A new width wraps the
 * rows anew and may make them shorter: the table lets its request go and measures again. */
static void
diff_after_paint_cb (GdkFrameClock    *clock,
                     ConduitTestsPane *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->diff_view));
  int width = gtk_widget_get_width (self->diff_view);
  double page = gtk_adjustment_get_page_size (adjustment);
  double rows = gtk_adjustment_get_upper (adjustment);

  g_assert (CONDUIT_IS_TESTS_PANE (self));

  if (width != self->fitted_width)
    {
      self->fitted_width = width;
      gtk_widget_set_size_request (self->diff_view, -1, -1);
      gtk_widget_queue_resize (self->diff_view);
    }
  else if (rows > page + 0.5)
    {
      int header = gtk_widget_get_height (self->diff_view) - (int)page;

      gtk_widget_set_size_request (self->diff_view, -1, header + (int)(rows + 0.99));
    }
}

static void
diff_view_map_cb (ConduitTestsPane *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (self->diff_view);

  self->fitted_width = -1;
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (diff_after_paint_cb), self, 0);
}

static void
diff_view_unmap_cb (ConduitTestsPane *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (self->diff_view);

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, diff_after_paint_cb, self);
}

static void
conduit_tests_pane_dispose (GObject *object)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_clear_object (&self->document);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_TESTS_PANE);
  G_OBJECT_CLASS (conduit_tests_pane_parent_class)->dispose (object);
}

static void
conduit_tests_pane_finalize (GObject *object)
{
  ConduitTestsPane *self = CONDUIT_TESTS_PANE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->tests, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_hash_table_unref);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_pointer (&self->deleted, conduit_flow_test_free);
  g_free (self->tests_path);
  g_free (self->loaded_text);
  g_free (self->selected);
  G_OBJECT_CLASS (conduit_tests_pane_parent_class)->finalize (object);
}

static void
conduit_tests_pane_class_init (ConduitTestsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_tests_pane_dispose;
  object_class->finalize = conduit_tests_pane_finalize;

  g_type_ensure (CONDUIT_TYPE_TESTS_PANE_DIFF);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-tests-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, window_title);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, error_page);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, tests_group);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, test_list);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, details_box);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, details_title);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, summary_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, notes_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, diff_frame);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, diff_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, diff_store);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, volatile_list);
  gtk_widget_class_bind_template_child (widget_class, ConduitTestsPane, volatile_entry);
  gtk_widget_class_bind_template_callback (widget_class, volatile_apply_cb);

  gtk_widget_class_install_action (widget_class, "tests.run-all", NULL, run_all_action);
  gtk_widget_class_install_action (widget_class, "tests.run", "s", run_action);
  gtk_widget_class_install_action (widget_class, "tests.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "tests.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "tests.remove-volatile", "s",
                                   remove_volatile_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "tests.run-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
conduit_tests_pane_init (ConduitTestsPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->results = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify)conduit_flow_test_result_free);
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect_object (self->test_list, "row-selected", G_CALLBACK (row_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diff_view, "map", G_CALLBACK (diff_view_map_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diff_view, "unmap", G_CALLBACK (diff_view_unmap_cb), self,
                           G_CONNECT_SWAPPED);
  /* The keyboard focus lands in the row's text field, which libadwaita 1.2 leaves unnamed: a
   * screen reader would say only "text". */
  gtk_accessible_update_property (
    GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (self->volatile_entry))),
    GTK_ACCESSIBLE_PROPERTY_LABEL,
    _("Add a volatile field to the selected test"), -1);
}

/**
 * conduit_tests_pane_new:
 * @parent: (nullable): the window it belongs to
 * @document: (nullable): the open flow
 *
 * Returns: (transfer full): a Tests pane for @document's saved tests
 */
ConduitTestsPane *
conduit_tests_pane_new (GtkWindow       *parent,
                        ConduitDocument *document)
{
  ConduitTestsPane *self = g_object_new (CONDUIT_TYPE_TESTS_PANE,
                                         "transient-for", parent,
                                         "destroy-with-parent", TRUE,
                                         NULL);

  conduit_tests_pane_set_document (self, document);
  return self;
}

ConduitDocument *
conduit_tests_pane_get_document (ConduitTestsPane *self)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), NULL);

  return self->document;
}

/**
 * conduit_tests_pane_set_document:
 * @self: a tests pane
 * @document: (nullable): the open flow
 *
 * Shows @document's tests, forgetting the results of the flow shown before.
 */
void
conduit_tests_pane_set_document (ConduitTestsPane *self,
                                 ConduitDocument  *document)
{
  g_return_if_fail (CONDUIT_IS_TESTS_PANE (self));

  if (g_set_object (&self->document, document))
    {
      g_hash_table_remove_all (self->results);
      g_clear_pointer (&self->selected, g_free);
    }
  conduit_tests_pane_reload (self);
}

guint
conduit_tests_pane_get_n_tests (ConduitTestsPane *self)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), 0);

  return self->tests != NULL ? self->tests->len : 0;
}

guint
conduit_tests_pane_get_n_running (ConduitTestsPane *self)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), 0);

  return g_hash_table_size (self->running);
}

const char *
conduit_tests_pane_get_page_name (ConduitTestsPane *self)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * conduit_tests_pane_dup_status:
 * @self: a tests pane
 * @name: a test's name
 *
 * Returns: (transfer full): what the test's row says of its last run
 */
char *
conduit_tests_pane_dup_status (ConduitTestsPane *self,
                               const char       *name)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), NULL);

  return status_text (self, name);
}

void
conduit_tests_pane_select (ConduitTestsPane *self,
                           const char       *name)
{
  g_return_if_fail (CONDUIT_IS_TESTS_PANE (self));

  g_free (self->selected);
  self->selected = g_strdup (name);
  rebuild (self);
}

/**
 * conduit_tests_pane_get_diffs:
 * @self: a tests pane
 *
 * Returns: (transfer none): the rows of the selected test's differences table
 */
GListModel *
conduit_tests_pane_get_diffs (ConduitTestsPane *self)
{
  g_return_val_if_fail (CONDUIT_IS_TESTS_PANE (self), NULL);

  return G_LIST_MODEL (self->diff_store);
}
