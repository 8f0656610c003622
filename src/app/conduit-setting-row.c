/* conduit-setting-row.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-setting-row"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "conduit-editor.h"
#include "conduit-expression-entry.h"
#include "conduit-field-picker.h"
#include "conduit-setting-row.h"

/* One setting of a node, edited with the control its type calls for, with the help text below
 * it and, when the value is wrong, a red sentence saying what is wrong. The row only reports
 * what a person typed ("changed"); the inspector decides how the change is stored (through the
 * undo stack) and calls conduit_setting_row_set_value() when the node changes, which is a no-op
 * when the row already shows that value, so typing is never interrupted.
 *
 * Unset and empty are the same to a person: clearing a text field unsets the setting, so the
 * connector's default (or the "required" message) applies again.
 */

/* GtkSpinButton sizes itself for the widest number in its range, so an unbounded setting
 * gets a finite range and a fixed width instead. */
#define SPIN_LIMIT 1e12

struct _ConduitSettingRow
{
  AdwBin              parent_instance;

  ConduitSettingSpec *spec;
  GtkWidget          *editor;
  GtkWidget          *help_label;
  GtkWidget          *message_label;
  GtkStringList      *choices;
  GtkListBox         *pairs;
  GtkWidget          *add_pair_row;
  GtkWidget          *suggestions_button;
  GtkBox             *suggestions_box;
  GStrv               suggestions;
  GHashTable         *suggestion_names;  /* (nullable): id → name, of those in the keyring */

  char               *message;        /* from the inspector: the value breaks a rule */
  char               *local_message;  /* from the row itself: what was typed cannot be read */
  char               *expression_message;  /* from the engine's check of the expressions */

  /* expressions and templates: where the sample fields come from, and the picker */
  ConduitFlow        *sample_flow;
  ConduitNode        *sample_node;
  GtkWidget          *field_picker;
  GtkWidget          *last_value;     /* (nullable) (weak) the header value edited last */

  guint               text_idle_id;
  guint               updating : 1;
};

enum {
  CHANGED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitSettingRow, conduit_setting_row, ADW_TYPE_BIN)

static guint signals[N_SIGNALS];

static void emit_changed (ConduitSettingRow *self);

/* A text box inside the inspector's scrolling form: the wheel scrolls the form while the box
 * does not have the focus, so a person scrolling down the settings is not stopped by each JSON
 * box the pointer passes over; once they click into it, the wheel scrolls its text. */
static gboolean
on_box_scroll (GtkEventControllerScroll *controller,
               double                    dx,
               double                    dy,
               GtkWidget                *editor)
{
  GtkWidget *box = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *outer = gtk_widget_get_ancestor (gtk_widget_get_parent (box), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  if (gtk_widget_has_focus (editor) || outer == NULL)
    return FALSE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (outer));
  /* a wheel notch is one unit; scroll as far as the form's own scrolling would */
  gtk_adjustment_set_value (adjustment,
                            gtk_adjustment_get_value (adjustment) +
                            dy * MAX (gtk_adjustment_get_step_increment (adjustment), 50));
  return TRUE;
}

/**
 * conduit_setting_row_pass_wheel_unless_focused:
 * @scrolled: the #GtkScrolledWindow around @editor, inside a scrolling form
 * @editor: the text view in it
 *
 * Lets the wheel over @scrolled scroll the form around it until @editor has the focus.
 */
void
conduit_setting_row_pass_wheel_unless_focused (GtkWidget *scrolled,
                                               GtkWidget *editor)
{
  GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_box_scroll), editor);
  gtk_widget_add_controller (scrolled, scroll);
}

static char *
text_view_dup_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static JsonNode *
string_node_or_null (const char *text)
{
  return (text == NULL || *text == '\0') ? NULL : json_node_init_string (json_node_alloc (), text);
}

/* Text to show for a value that should be text; a value of another type (from a hand-edited
 * file) is shown as JSON rather than hidden, and the inspector's message says what is wrong. */
static char *
value_dup_text (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (value));
  return json_to_string (value, FALSE);
}

static gboolean
node_is_number (JsonNode *value)
{
  GType type;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  type = json_node_get_value_type (value);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* Reads the object editor. Rows with neither name nor value are left out: they are what a
 * person just added and has not filled in yet. */
static JsonNode *
read_pairs (ConduitSettingRow  *self,
            char              **error_message)
{
  g_autoptr(JsonObject) object = json_object_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->pairs));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkEditable *key_entry = g_object_get_data (G_OBJECT (row), "conduit-key");
      GtkEditable *value_entry = g_object_get_data (G_OBJECT (row), "conduit-value");
      g_autofree char *key = NULL;
      const char *text;

      if (key_entry == NULL)
        continue;

      key = g_strstrip (g_strdup (gtk_editable_get_text (key_entry)));
      text = gtk_editable_get_text (value_entry);

      if (*key == '\0' && *text == '\0')
        continue;

      if (*key == '\0')
        {
          *error_message = g_strdup_printf (_("The value “%s” has no name. Give it a name, or remove the row."),
                                            text);
          return NULL;
        }

      if (json_object_has_member (object, key))
        {
          *error_message = g_strdup_printf (_("“%s” appears twice. Each name may be used only once."),
                                            key);
          return NULL;
        }

      json_object_set_string_member (object, key, text);
    }

  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
read_array (ConduitSettingRow  *self,
            char              **error_message)
{
  g_autofree char *text = text_view_dup_text (GTK_TEXT_VIEW (self->editor));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (*g_strstrip (text) == '\0')
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text, -1, &error))
    {
      g_autofree char *words = conduit_json_parse_error_describe (error);

      *error_message = g_strdup_printf (_("This is not valid JSON yet. %s"), words);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      *error_message = g_strdup (_("This must be a list in square brackets: [ {…}, {…} ]"));
      return NULL;
    }

  return json_node_copy (root);
}

/* What the controls show now, as the JSON the node would store; NULL means unset. When what
 * was typed cannot be read, returns NULL and sets @error_message. */
static JsonNode *
read_value (ConduitSettingRow  *self,
            char              **error_message)
{
  switch (self->spec->type)
    {
    case CONDUIT_SETTING_STRING:
    case CONDUIT_SETTING_EXPRESSION:
    case CONDUIT_SETTING_CREDENTIAL:
      return string_node_or_null (gtk_editable_get_text (GTK_EDITABLE (self->editor)));

    case CONDUIT_SETTING_TEXT:
      {
        g_autofree char *text = text_view_dup_text (GTK_TEXT_VIEW (self->editor));
        return string_node_or_null (text);
      }

    case CONDUIT_SETTING_INTEGER:
      return json_node_init_int (json_node_alloc (),
                                 (gint64)round (gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->editor))));

    case CONDUIT_SETTING_NUMBER:
      return json_node_init_double (json_node_alloc (),
                                    gtk_spin_button_get_value (GTK_SPIN_BUTTON (self->editor)));

    case CONDUIT_SETTING_BOOLEAN:
      return json_node_init_boolean (json_node_alloc (),
                                     gtk_switch_get_active (GTK_SWITCH (self->editor)));

    case CONDUIT_SETTING_CHOICE:
      {
        guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->editor));
        const char *choice = gtk_string_list_get_string (self->choices, selected);
        return string_node_or_null (choice);
      }

    case CONDUIT_SETTING_OBJECT:
      return read_pairs (self, error_message);

    case CONDUIT_SETTING_ARRAY:
      return read_array (self, error_message);

    default:
      g_assert_not_reached ();
    }
}

static void
update_message (ConduitSettingRow *self)
{
  const char *message = self->local_message ? self->local_message
                        : self->expression_message ? self->expression_message
                        : self->message;

  gtk_label_set_text (GTK_LABEL (self->message_label), message ? message : "");
  gtk_widget_set_visible (self->message_label, message != NULL);

  if (message != NULL)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->editor),
                                 GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->editor), GTK_ACCESSIBLE_STATE_INVALID);

  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "conduit-invalid");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "conduit-invalid");

  /* a screen reader reads the description with the control: the error while there is one,
   * else the help */
  if (message != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
  else if (self->spec->help != NULL && *self->spec->help != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->spec->help, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self->editor),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* ---- expressions and templates -------------------------------------------------------- */

/* Asks the engine whether each expression or template the controls hold compiles, and keeps
 * the first error, in the words and with the column the flow check gives. */
static void
check_expressions (ConduitSettingRow *self)
{
  g_autofree char *message = NULL;

  if (!conduit_setting_spec_holds_expressions (self->spec))
    return;

  if (self->spec->type == CONDUIT_SETTING_OBJECT)
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->pairs));
           row != NULL; row = gtk_widget_get_next_sibling (row))
        {
          GtkWidget *key_entry = g_object_get_data (G_OBJECT (row), "conduit-key");
          GtkWidget *value_entry = g_object_get_data (G_OBJECT (row), "conduit-value");
          ConduitExpressionEntry *helper;
          g_autoptr(GError) error = NULL;

          if (value_entry == NULL || !(helper = conduit_expression_entry_get_for (value_entry)))
            continue;
          if (!conduit_expression_entry_check (helper, self->spec, &error) && message == NULL)
            /* Translators: the name of a header (or other value) and what is wrong with it */
            message = g_strdup_printf (_("“%s”: %s"),
                                       gtk_editable_get_text (GTK_EDITABLE (key_entry)),
                                       error->message);
        }
    }
  else
    {
      ConduitExpressionEntry *helper = conduit_expression_entry_get_for (self->editor);
      g_autoptr(GError) error = NULL;

      if (helper != NULL && !conduit_expression_entry_check (helper, self->spec, &error))
        message = g_strdup (error->message);
    }

  if (g_strcmp0 (message, self->expression_message) == 0)
    return;
  g_free (self->expression_message);
  self->expression_message = g_steal_pointer (&message);
  update_message (self);
}

static const char *
node_display_name (ConduitNode *node)
{
  ConduitConnector *connector;

  if (conduit_node_get_title (node) != NULL)
    return conduit_node_get_title (node);
  connector = conduit_connector_registry_lookup (conduit_connector_registry_get_default (),
                                                 conduit_node_get_connector_id (node));
  return connector ? conduit_connector_get_name (connector) : conduit_node_get_id (node);
}

/* The fields of the items the step will see, from the best source there is now (the engine
 * decides which: conduit_flow_collect_input_samples()); the last test run is the editor's. */
static ConduitSchema *
dup_sample_schema (ConduitSettingRow  *self,
                   char              **origin_text)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  GtkWidget *editor = gtk_widget_get_ancestor (GTK_WIDGET (self), CONDUIT_TYPE_EDITOR);
  ConduitRun *run = editor ? conduit_editor_get_last_run (CONDUIT_EDITOR (editor)) : NULL;
  ConduitNode *origin = NULL;

  *origin_text = NULL;
  if (self->sample_flow == NULL || self->sample_node == NULL)
    return NULL;

  switch (conduit_flow_collect_input_samples (self->sample_flow, self->sample_node, run, 20,
                                              records, &origin))
    {
    case CONDUIT_SAMPLE_ORIGIN_OWN:
      *origin_text = g_strdup (_("Fields of this step’s sample records"));
      break;
    case CONDUIT_SAMPLE_ORIGIN_LAST_RUN:
      *origin_text = g_strdup (_("Fields of what reached this step in the last test run"));
      break;
    case CONDUIT_SAMPLE_ORIGIN_UPSTREAM:
      *origin_text = g_strdup_printf (_("Fields of the sample items of “%s”"),
                                      node_display_name (origin));
      break;
    case CONDUIT_SAMPLE_ORIGIN_NONE:
    default:
      return NULL;
    }
  return conduit_schema_new_for_records (records);
}

static ConduitSchema *
completion_fields (gpointer user_data)
{
  g_autofree char *origin = NULL;

  return dup_sample_schema (user_data, &origin);
}

static void
on_field_picker_opening (ConduitFieldPicker *picker,
                         gpointer            user_data)
{
  g_autoptr(ConduitSchema) schema = NULL;
  g_autofree char *origin = NULL;

  schema = dup_sample_schema (user_data, &origin);
  conduit_field_picker_set_schema (picker, schema);
  conduit_field_picker_set_origin (picker, origin);
}

/* The picker inserts into the control that had the keyboard last: for a list of headers, the
 * value being edited, else the first. */
static void
on_field_chosen (ConduitSettingRow *self,
                 const char        *path)
{
  GtkWidget *target = self->editor;

  if (self->spec->type == CONDUIT_SETTING_OBJECT)
    {
      target = self->last_value;
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->pairs));
           target == NULL && row != NULL; row = gtk_widget_get_next_sibling (row))
        target = g_object_get_data (G_OBJECT (row), "conduit-value");
      if (target == NULL)
        return;
    }
  if (self->spec->binds_fields)
    {
      g_autofree char *parameter = g_strconcat (":", path, NULL);

      conduit_expression_entry_insert_text (conduit_expression_entry_get_for (target), parameter);
    }
  else
    conduit_expression_entry_insert_field (conduit_expression_entry_get_for (target), path);
}

static void
on_value_focus_enter (GtkEventController *controller,
                      ConduitSettingRow  *self)
{
  g_set_weak_pointer (&self->last_value, gtk_event_controller_get_widget (controller));
}

/* Completion and error marks for one control holding expressions. */
static void
attach_expression_help (ConduitSettingRow *self,
                        GtkWidget         *control)
{
  ConduitExpressionEntry *helper;

  helper = conduit_expression_entry_attach (control,
                                            self->spec->type != CONDUIT_SETTING_EXPRESSION);
  conduit_expression_entry_set_fields_func (helper, completion_fields, self);
  /* SQL is no expression: the picker inserts its :parameters, nothing is completed */
  conduit_expression_entry_set_completing_enabled (helper, !self->spec->binds_fields);
}

static GtkWidget *
field_picker_new (ConduitSettingRow *self)
{
  g_autofree char *label = g_strdup_printf (_("Insert a field into %s"), self->spec->label);

  self->field_picker = conduit_field_picker_new ();
  conduit_field_picker_set_label (CONDUIT_FIELD_PICKER (self->field_picker), label);
  conduit_field_picker_set_placeholder_text (CONDUIT_FIELD_PICKER (self->field_picker),
                                             _("No sample items reach this step yet: give the trigger sample items, or run the flow once"));
  conduit_field_picker_set_opening_func (CONDUIT_FIELD_PICKER (self->field_picker),
                                         on_field_picker_opening, self);
  gtk_widget_add_css_class (conduit_field_picker_get_button (CONDUIT_FIELD_PICKER (self->field_picker)),
                            "flat");
  /* SQL names a field as :customer.email: only plain names and dots */
  if (self->spec->binds_fields)
    conduit_field_picker_set_filter (CONDUIT_FIELD_PICKER (self->field_picker),
                                     conduit_db_sql_is_parameter_name);
  g_signal_connect_object (self->field_picker, "field-chosen", G_CALLBACK (on_field_chosen), self,
                           G_CONNECT_SWAPPED);
  return self->field_picker;
}

/**
 * conduit_setting_row_set_sample_source:
 * @self: a setting row
 * @flow: (nullable): the flow of @node
 * @node: (nullable): the step whose setting the row edits
 *
 * Where the field picker and completion of an expression or template setting find the sample
 * fields: the items that reach @node.
 */
void
conduit_setting_row_set_sample_source (ConduitSettingRow *self,
                                       ConduitFlow       *flow,
                                       ConduitNode       *node)
{
  g_return_if_fail (CONDUIT_IS_SETTING_ROW (self));
  g_return_if_fail (!flow || CONDUIT_IS_FLOW (flow));
  g_return_if_fail (!node || CONDUIT_IS_NODE (node));

  g_set_object (&self->sample_flow, flow);
  g_set_object (&self->sample_node, node);
}

/**
 * conduit_setting_row_get_field_picker:
 * @self: a setting row
 *
 * Returns: (transfer none) (nullable): the #ConduitFieldPicker of an expression or template
 *   setting
 */
GtkWidget *
conduit_setting_row_get_field_picker (ConduitSettingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return self->field_picker;
}

static void
emit_changed (ConduitSettingRow *self)
{
  g_autoptr(JsonNode) value = NULL;
  g_autofree char *error_message = NULL;

  if (self->updating)
    return;

  value = read_value (self, &error_message);
  g_free (self->local_message);
  self->local_message = g_steal_pointer (&error_message);
  check_expressions (self);
  update_message (self);

  if (self->local_message == NULL)
    g_signal_emit (self, signals[CHANGED], 0, value);
}

/* GtkTextBuffer replaces text by deleting, then inserting: reading in between would see an
 * empty field and unset the setting. Reading once the buffer has settled sees only the result. */
static gboolean
text_idle_cb (gpointer user_data)
{
  ConduitSettingRow *self = user_data;

  self->text_idle_id = 0;
  emit_changed (self);
  return G_SOURCE_REMOVE;
}

static void
on_buffer_changed (ConduitSettingRow *self)
{
  if (!self->updating && self->text_idle_id == 0)
    self->text_idle_id = g_idle_add (text_idle_cb, self);
}

/* ---- the object (name/value list) editor ---------------------------------------------- */

static void
on_remove_pair_clicked (GtkButton         *button,
                        ConduitSettingRow *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  GtkWidget *next = gtk_widget_get_next_sibling (row);

  gtk_list_box_remove (self->pairs, row);
  if (next != NULL)
    gtk_widget_child_focus (next, GTK_DIR_TAB_FORWARD);
  emit_changed (self);
}

static GtkWidget *
add_pair (ConduitSettingRow *self,
          const char        *key,
          const char        *value)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *key_entry = gtk_entry_new ();
  GtkWidget *value_entry = gtk_entry_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *key_label = g_strdup_printf (_("%s: name"), self->spec->label);
  g_autofree char *value_label = g_strdup_printf (_("%s: value"), self->spec->label);
  g_autofree char *remove_label = g_strdup_printf (_("Remove this row from %s"), self->spec->label);

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (box, "conduit-pair");

  gtk_entry_set_placeholder_text (GTK_ENTRY (key_entry), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (key_entry), key);
  gtk_editable_set_width_chars (GTK_EDITABLE (key_entry), 4);
  gtk_widget_set_hexpand (key_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (key_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, key_label, -1);

  gtk_entry_set_placeholder_text (GTK_ENTRY (value_entry), _("Value"));
  gtk_editable_set_text (GTK_EDITABLE (value_entry), value);
  gtk_editable_set_width_chars (GTK_EDITABLE (value_entry), 4);
  gtk_widget_set_hexpand (value_entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (value_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, value_label, -1);

  gtk_widget_set_tooltip_text (remove, _("Remove this row"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);

  gtk_box_append (GTK_BOX (box), key_entry);
  gtk_box_append (GTK_BOX (box), value_entry);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data (G_OBJECT (row), "conduit-key", key_entry);
  g_object_set_data (G_OBJECT (row), "conduit-value", value_entry);
  g_signal_connect_swapped (key_entry, "changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (value_entry, "changed", G_CALLBACK (emit_changed), self);
  if (conduit_setting_spec_holds_expressions (self->spec))
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();

      attach_expression_help (self, value_entry);
      g_signal_connect (focus, "enter", G_CALLBACK (on_value_focus_enter), self);
      gtk_widget_add_controller (value_entry, focus);
    }
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_pair_clicked), self);

  gtk_list_box_insert (self->pairs, row, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (self->add_pair_row)));
  return key_entry;
}

static void
on_add_pair_clicked (ConduitSettingRow *self)
{
  gtk_widget_grab_focus (add_pair (self, "", ""));
}

static void
clear_pairs (ConduitSettingRow *self)
{
  GtkWidget *row;

  while ((row = gtk_widget_get_first_child (GTK_WIDGET (self->pairs))) != self->add_pair_row)
    gtk_list_box_remove (self->pairs, row);
}

static GtkWidget *
build_pairs (ConduitSettingRow *self)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  self->pairs = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->pairs, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->pairs), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pairs),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, self->spec->label, -1);

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _("Add a Row"));
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_add_pair_clicked), self);

  self->add_pair_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->add_pair_row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self->add_pair_row), button);
  gtk_list_box_append (self->pairs, self->add_pair_row);

  return GTK_WIDGET (self->pairs);
}

/* ---- credential suggestions ----------------------------------------------------------- */

static void
on_suggestion_clicked (GtkButton         *button,
                       ConduitSettingRow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->editor),
                         g_object_get_data (G_OBJECT (button), "conduit-value"));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->suggestions_button));
}

/* The editor around the inspector opens the credential dialog, with what was typed as id. */
static void
on_new_credential_clicked (ConduitSettingRow *self)
{
  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->suggestions_button));
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.new-credential", "s",
                              gtk_editable_get_text (GTK_EDITABLE (self->editor)));
}

static GtkWidget *
suggestion_button_new (ConduitSettingRow *self,
                       const char        *value)
{
  const char *name = self->suggestion_names ? g_hash_table_lookup (self->suggestion_names, value) : NULL;
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (name ? name : value);
  GtkWidget *subtitle = NULL;

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_box_append (GTK_BOX (box), title);

  if (self->suggestion_names != NULL && name == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("%s — not in your keyring"), value);
      subtitle = gtk_label_new (text);
    }
  else if (name != NULL && !g_str_equal (name, value))
    {
      subtitle = gtk_label_new (value);
    }

  if (subtitle != NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_box_append (GTK_BOX (box), subtitle);
    }

  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "conduit-value", g_strdup (value), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_suggestion_clicked), self);
  return button;
}

static void
rebuild_suggestions (ConduitSettingRow *self)
{
  GtkWidget *child;
  GtkWidget *button;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->suggestions_box))) != NULL)
    gtk_box_remove (self->suggestions_box, child);

  for (; self->suggestions != NULL && self->suggestions[n] != NULL; n++)
    gtk_box_append (self->suggestions_box, suggestion_button_new (self, self->suggestions[n]));

  if (n > 0)
    gtk_box_append (self->suggestions_box, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));

  button = gtk_button_new_with_mnemonic (_("_New Credential…"));
  gtk_widget_add_css_class (button, "flat");
  gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), 0);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_new_credential_clicked), self);
  gtk_box_append (self->suggestions_box, button);

  gtk_widget_set_tooltip_text (self->suggestions_button,
                               n > 0 ? _("Choose a saved credential, or add one")
                                     : _("Add a credential, or type the ID of one"));
}

/**
 * conduit_setting_row_set_suggestions:
 * @self: a setting row
 * @values: (nullable) (array zero-terminated=1): values to offer, e.g. credential ids
 *
 * Offers @values in a menu beside a text field, for credential settings, with “New
 * Credential…” at the end. Typing any other value stays possible.
 */
void
conduit_setting_row_set_suggestions (ConduitSettingRow  *self,
                                     const char * const *values)
{
  g_return_if_fail (CONDUIT_IS_SETTING_ROW (self));

  if (self->suggestions_box == NULL)
    return;

  g_strfreev (self->suggestions);
  self->suggestions = g_strdupv ((char **)values);
  rebuild_suggestions (self);
}

/**
 * conduit_setting_row_set_suggestion_names:
 * @self: a setting row
 * @names: (nullable) (element-type utf8 utf8): credential id → name, of those in the keyring;
 *   %NULL when that is not known
 *
 * Names the suggested credentials in the menu; a suggestion without a name is marked as not
 * in the keyring.
 */
void
conduit_setting_row_set_suggestion_names (ConduitSettingRow *self,
                                          GHashTable        *names)
{
  g_return_if_fail (CONDUIT_IS_SETTING_ROW (self));

  if (self->suggestions_box == NULL || self->suggestion_names == names)
    return;

  g_clear_pointer (&self->suggestion_names, g_hash_table_unref);
  self->suggestion_names = names ? g_hash_table_ref (names) : NULL;
  rebuild_suggestions (self);
}

/**
 * conduit_setting_row_get_suggestion_name:
 * @self: a setting row
 * @value: a suggested value
 *
 * Returns: (nullable): the name shown for @value, %NULL if it has none (not in the keyring,
 *   or not known yet)
 */
const char *
conduit_setting_row_get_suggestion_name (ConduitSettingRow *self,
                                         const char        *value)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  g_return_val_if_fail (value != NULL, NULL);

  return self->suggestion_names ? g_hash_table_lookup (self->suggestion_names, value) : NULL;
}

/**
 * conduit_setting_row_get_suggestions:
 * @self: a setting row
 *
 * Returns: (nullable) (array zero-terminated=1): the values offered beside the field
 */
const char * const *
conduit_setting_row_get_suggestions (ConduitSettingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return (const char * const *)self->suggestions;
}

static void
add_suggestions_button (ConduitSettingRow *self)
{
  GtkWidget *popover = gtk_popover_new ();

  self->suggestions_box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->suggestions_box));

  self->suggestions_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->suggestions_button), "pan-down-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->suggestions_button), popover);
  gtk_widget_set_valign (self->suggestions_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->suggestions_button, "flat");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->suggestions_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose or add a credential"), -1);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->editor), self->suggestions_button);

  conduit_setting_row_set_suggestions (self, NULL);
}

/* ---- building ------------------------------------------------------------------------- */

static int
count_digits (double value)
{
  g_autofree char *text = g_strdup_printf ("%.0f", value);
  return strlen (text);
}

/* Wide enough for the largest allowed value (or the default, when there is no largest), so that
 * "1048576" is not cut to "104857". */
static int
spin_width_chars (const ConduitSettingSpec *spec)
{
  int chars = 4;

  if (spec->maximum < G_MAXDOUBLE)
    chars = MAX (chars, count_digits (spec->maximum));
  else
    chars = MAX (chars, 8);
  if (spec->minimum > -G_MAXDOUBLE)
    chars = MAX (chars, count_digits (spec->minimum));
  if (spec->default_value != NULL && node_is_number (spec->default_value))
    chars = MAX (chars, count_digits (json_node_get_double (spec->default_value)) + 1);
  if (spec->type == CONDUIT_SETTING_NUMBER)
    chars += 3;

  return MIN (chars, 12);
}

static GtkWidget *
boxed_list_of (GtkWidget *row)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  return list;
}

static GtkWidget *
title_label (const ConduitSettingSpec *spec)
{
  GtkWidget *label = gtk_label_new (spec->label);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "conduit-setting-title");
  return label;
}

static GtkWidget *
build_control (ConduitSettingRow *self)
{
  const ConduitSettingSpec *spec = self->spec;
  GtkWidget *box;

  switch (spec->type)
    {
    case CONDUIT_SETTING_STRING:
    case CONDUIT_SETTING_EXPRESSION:
    case CONDUIT_SETTING_CREDENTIAL:
      self->editor = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor), spec->label);
      g_signal_connect_swapped (self->editor, "changed", G_CALLBACK (emit_changed), self);
      if (spec->type == CONDUIT_SETTING_EXPRESSION)
        gtk_widget_add_css_class (self->editor, "monospace");
      if (spec->type == CONDUIT_SETTING_CREDENTIAL)
        add_suggestions_button (self);
      if (conduit_setting_spec_holds_expressions (spec))
        {
          attach_expression_help (self, self->editor);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (self->editor), field_picker_new (self));
        }
      return boxed_list_of (self->editor);

    case CONDUIT_SETTING_INTEGER:
    case CONDUIT_SETTING_NUMBER:
      {
        gboolean integer = spec->type == CONDUIT_SETTING_INTEGER;
        GtkWidget *row = adw_action_row_new ();
        double lower = MAX (spec->minimum, -SPIN_LIMIT);
        double upper = MIN (spec->maximum, SPIN_LIMIT);

        self->editor = gtk_spin_button_new_with_range (lower, upper, 1);
        gtk_spin_button_set_digits (GTK_SPIN_BUTTON (self->editor), integer ? 0 : 2);
        gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (self->editor), TRUE);
        gtk_editable_set_width_chars (GTK_EDITABLE (self->editor), spin_width_chars (spec));
        gtk_widget_set_valign (self->editor, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
        g_signal_connect_swapped (self->editor, "value-changed", G_CALLBACK (emit_changed), self);

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), spec->label);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->editor);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->editor);
        return boxed_list_of (row);
      }

    case CONDUIT_SETTING_BOOLEAN:
      {
        GtkWidget *row = adw_action_row_new ();

        self->editor = gtk_switch_new ();
        gtk_widget_set_valign (self->editor, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
        g_signal_connect_swapped (self->editor, "notify::active", G_CALLBACK (emit_changed), self);

        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), spec->label);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->editor);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), self->editor);
        return boxed_list_of (row);
      }

    case CONDUIT_SETTING_CHOICE:
      self->choices = gtk_string_list_new ((const char * const *)spec->allowed_values);
      self->editor = adw_combo_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->editor), spec->label);
      adw_combo_row_set_model (ADW_COMBO_ROW (self->editor), G_LIST_MODEL (self->choices));
      g_signal_connect_swapped (self->editor, "notify::selected", G_CALLBACK (emit_changed), self);
      return boxed_list_of (self->editor);

    case CONDUIT_SETTING_TEXT:
    case CONDUIT_SETTING_ARRAY:
      {
        GtkWidget *scrolled = gtk_scrolled_window_new ();
        GtkWidget *frame = gtk_frame_new (NULL);

        self->editor = gtk_text_view_new ();
        gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->editor), GTK_WRAP_WORD_CHAR);
        gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->editor), FALSE);
        gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->editor), spec->type == CONDUIT_SETTING_ARRAY);
        gtk_widget_add_css_class (self->editor, "conduit-setting-text");
        gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, spec->label, -1);
        g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor)), "changed",
                                  G_CALLBACK (on_buffer_changed), self);

        /* A fixed height: GtkTextView's natural height is measured for whatever width it was
         * last given, which before the first layout makes a short message look hundreds of
         * pixels tall. */
        gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                        GTK_POLICY_AUTOMATIC);
        gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled),
                                                    spec->type == CONDUIT_SETTING_ARRAY ? 200 : 100);
        gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->editor);
        conduit_setting_row_pass_wheel_unless_focused (scrolled, self->editor);
        gtk_frame_set_child (GTK_FRAME (frame), scrolled);
        gtk_widget_add_css_class (frame, "view");

        box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
        if (spec->type == CONDUIT_SETTING_TEXT &&
            (conduit_setting_spec_holds_expressions (spec) || spec->binds_fields))
          {
            GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
            GtkWidget *title = title_label (spec);

            attach_expression_help (self, self->editor);
            gtk_widget_set_hexpand (title, TRUE);
            gtk_box_append (GTK_BOX (heading), title);
            gtk_box_append (GTK_BOX (heading), field_picker_new (self));
            gtk_box_append (GTK_BOX (box), heading);
          }
        else
          gtk_box_append (GTK_BOX (box), title_label (spec));
        gtk_box_append (GTK_BOX (box), frame);
        return box;
      }

    case CONDUIT_SETTING_OBJECT:
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      if (conduit_setting_spec_holds_expressions (spec))
        {
          GtkWidget *heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          GtkWidget *title = title_label (spec);

          gtk_widget_set_hexpand (title, TRUE);
          gtk_box_append (GTK_BOX (heading), title);
          gtk_box_append (GTK_BOX (heading), field_picker_new (self));
          gtk_box_append (GTK_BOX (box), heading);
        }
      else
        gtk_box_append (GTK_BOX (box), title_label (spec));
      gtk_box_append (GTK_BOX (box), build_pairs (self));
      self->editor = GTK_WIDGET (self->pairs);
      return box;

    default:
      g_assert_not_reached ();
    }
}

static void
apply_value (ConduitSettingRow *self,
             JsonNode          *value)
{
  switch (self->spec->type)
    {
    case CONDUIT_SETTING_STRING:
    case CONDUIT_SETTING_EXPRESSION:
    case CONDUIT_SETTING_CREDENTIAL:
      {
        g_autofree char *text = value_dup_text (value);
        gtk_editable_set_text (GTK_EDITABLE (self->editor), text);
        break;
      }

    case CONDUIT_SETTING_TEXT:
      {
        g_autofree char *text = value_dup_text (value);
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor)), text, -1);
        break;
      }

    case CONDUIT_SETTING_INTEGER:
    case CONDUIT_SETTING_NUMBER:
      gtk_spin_button_set_value (GTK_SPIN_BUTTON (self->editor),
                                 node_is_number (value) ? json_node_get_double (value) : 0);
      break;

    case CONDUIT_SETTING_BOOLEAN:
      gtk_switch_set_active (GTK_SWITCH (self->editor),
                             value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
                             json_node_get_value_type (value) == G_TYPE_BOOLEAN &&
                             json_node_get_boolean (value));
      break;

    case CONDUIT_SETTING_CHOICE:
      {
        g_autofree char *text = value_dup_text (value);
        guint n = g_list_model_get_n_items (G_LIST_MODEL (self->choices));
        guint found = GTK_INVALID_LIST_POSITION;

        for (guint i = 0; i < n && found == GTK_INVALID_LIST_POSITION; i++)
          if (g_strcmp0 (gtk_string_list_get_string (self->choices, i), text) == 0)
            found = i;

        /* A value the connector does not allow stays visible (and flagged) rather than being
         * silently replaced by the first choice. The list is replaced, not appended to:
         * libadwaita 1.2's combo row crashes selecting an item appended while nothing was
         * selected. */
        if (found == GTK_INVALID_LIST_POSITION && *text != '\0')
          {
            g_autoptr(GtkStringList) choices = gtk_string_list_new ((const char * const *)self->spec->allowed_values);

            gtk_string_list_append (choices, text);
            g_set_object (&self->choices, choices);
            adw_combo_row_set_model (ADW_COMBO_ROW (self->editor), G_LIST_MODEL (self->choices));
            found = n;
          }

        adw_combo_row_set_selected (ADW_COMBO_ROW (self->editor), found);
        break;
      }

    case CONDUIT_SETTING_OBJECT:
      clear_pairs (self);
      if (value != NULL && JSON_NODE_HOLDS_OBJECT (value))
        {
          JsonObjectIter iter;
          const char *key;
          JsonNode *member;

          json_object_iter_init_ordered (&iter, json_node_get_object (value));
          while (json_object_iter_next_ordered (&iter, &key, &member))
            {
              g_autofree char *text = value_dup_text (member);
              add_pair (self, key, text);
            }
        }
      break;

    case CONDUIT_SETTING_ARRAY:
      {
        g_autofree char *text = (value != NULL && !JSON_NODE_HOLDS_NULL (value))
                                ? json_to_string (value, TRUE) : g_strdup ("");
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor)), text, -1);
        break;
      }

    default:
      g_assert_not_reached ();
    }
}

static gboolean
values_equal (JsonNode *a,
              JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

/**
 * conduit_setting_row_set_value:
 * @self: a setting row
 * @value: (nullable): the node's value, or %NULL when unset (the default is shown)
 *
 * Shows @value, unless the row shows it already.
 */
void
conduit_setting_row_set_value (ConduitSettingRow *self,
                               JsonNode          *value)
{
  g_autoptr(JsonNode) current = NULL;
  g_autofree char *error_message = NULL;

  g_return_if_fail (CONDUIT_IS_SETTING_ROW (self));

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    value = self->spec->default_value;

  current = read_value (self, &error_message);
  if (error_message == NULL && values_equal (current, value))
    return;

  /* A value from outside (undo, another view) replaces what was typed, errors included. */
  g_clear_handle_id (&self->text_idle_id, g_source_remove);
  self->updating = TRUE;
  apply_value (self, value);
  self->updating = FALSE;

  g_clear_pointer (&self->local_message, g_free);
  check_expressions (self);
  update_message (self);
}

/**
 * conduit_setting_row_dup_value:
 * @self: a setting row
 *
 * Returns: (transfer full) (nullable): the value the controls show, or %NULL when they show
 *   nothing or something that cannot be read
 */
JsonNode *
conduit_setting_row_dup_value (ConduitSettingRow *self)
{
  g_autofree char *error_message = NULL;

  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return read_value (self, &error_message);
}

/**
 * conduit_setting_row_set_message:
 * @self: a setting row
 * @message: (nullable): what is wrong with the value, in words, or %NULL
 */
void
conduit_setting_row_set_message (ConduitSettingRow *self,
                                 const char        *message)
{
  g_return_if_fail (CONDUIT_IS_SETTING_ROW (self));

  if (g_strcmp0 (self->message, message) == 0)
    return;

  g_free (self->message);
  self->message = g_strdup (message);
  update_message (self);
}

/**
 * conduit_setting_row_get_message:
 * @self: a setting row
 *
 * Returns: (nullable): the message shown under the control, if any
 */
const char *
conduit_setting_row_get_message (ConduitSettingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return self->local_message ? self->local_message
         : self->expression_message ? self->expression_message
         : self->message;
}

/**
 * conduit_setting_row_get_spec:
 * @self: a setting row
 *
 * Returns: (transfer none): the setting this row edits
 */
const ConduitSettingSpec *
conduit_setting_row_get_spec (ConduitSettingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return self->spec;
}

/**
 * conduit_setting_row_get_editor:
 * @self: a setting row
 *
 * Returns: (transfer none): the control: an #AdwEntryRow, #GtkSpinButton, #GtkSwitch,
 *   #AdwComboRow, #GtkTextView, or the #GtkListBox of name/value rows
 */
GtkWidget *
conduit_setting_row_get_editor (ConduitSettingRow *self)
{
  g_return_val_if_fail (CONDUIT_IS_SETTING_ROW (self), NULL);
  return self->editor;
}

static void
conduit_setting_row_dispose (GObject *object)
{
  ConduitSettingRow *self = (ConduitSettingRow *)object;

  g_clear_handle_id (&self->text_idle_id, g_source_remove);
  adw_bin_set_child (ADW_BIN (self), NULL);
  g_clear_object (&self->choices);
  g_clear_object (&self->sample_flow);
  g_clear_object (&self->sample_node);
  g_clear_weak_pointer (&self->last_value);

  G_OBJECT_CLASS (conduit_setting_row_parent_class)->dispose (object);
}

static void
conduit_setting_row_finalize (GObject *object)
{
  ConduitSettingRow *self = (ConduitSettingRow *)object;

  g_clear_pointer (&self->spec, conduit_setting_spec_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->local_message, g_free);
  g_clear_pointer (&self->expression_message, g_free);
  g_clear_pointer (&self->suggestions, g_strfreev);
  g_clear_pointer (&self->suggestion_names, g_hash_table_unref);

  G_OBJECT_CLASS (conduit_setting_row_parent_class)->finalize (object);
}

static void
conduit_setting_row_class_init (ConduitSettingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_setting_row_dispose;
  object_class->finalize = conduit_setting_row_finalize;

  /**
   * ConduitSettingRow::changed:
   * @self: the row
   * @value: (nullable): the new value, or %NULL to unset the setting
   *
   * Emitted when a person changes the value and it can be read.
   */
  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, JSON_TYPE_NODE);
}

static void
conduit_setting_row_init (ConduitSettingRow *self)
{
}

/**
 * conduit_setting_row_new:
 * @spec: the setting to edit
 *
 * Returns: (transfer floating): a row showing @spec's default value
 */
GtkWidget *
conduit_setting_row_new (const ConduitSettingSpec *spec)
{
  ConduitSettingRow *self;
  GtkWidget *box;
  GtkWidget *control;
  gboolean help_as_subtitle;

  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_SETTING_ROW, NULL);
  self->spec = conduit_setting_spec_copy (spec);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_add_css_class (box, "conduit-setting");
  control = build_control (self);
  gtk_box_append (GTK_BOX (box), control);

  /* Switches and spin buttons show the help inside the card, as a subtitle; the others show it
   * below: a combo row would cut its current value short to make room for a long subtitle. */
  help_as_subtitle = spec->type == CONDUIT_SETTING_BOOLEAN || spec->type == CONDUIT_SETTING_INTEGER ||
                     spec->type == CONDUIT_SETTING_NUMBER;
  if (spec->help != NULL && *spec->help != '\0')
    {
      GtkWidget *row = gtk_widget_get_first_child (control);

      if (help_as_subtitle)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), spec->help);
      else
        {
          self->help_label = gtk_label_new (spec->help);
          gtk_label_set_xalign (GTK_LABEL (self->help_label), 0);
          gtk_label_set_wrap (GTK_LABEL (self->help_label), TRUE);
          gtk_widget_add_css_class (self->help_label, "dim-label");
          gtk_widget_add_css_class (self->help_label, "caption");
          gtk_widget_add_css_class (self->help_label, "conduit-setting-help");
          gtk_box_append (GTK_BOX (box), self->help_label);
        }

      gtk_widget_set_tooltip_text (self->editor, spec->help);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->editor),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, spec->help, -1);
    }

  self->message_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->message_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->message_label), TRUE);
  gtk_widget_add_css_class (self->message_label, "error");
  gtk_widget_add_css_class (self->message_label, "conduit-setting-message");
  gtk_widget_set_visible (self->message_label, FALSE);
  gtk_box_append (GTK_BOX (box), self->message_label);

  adw_bin_set_child (ADW_BIN (self), box);

  self->updating = TRUE;
  apply_value (self, self->spec->default_value);
  self->updating = FALSE;
  check_expressions (self);
  update_message (self);

  return GTK_WIDGET (self);
}
