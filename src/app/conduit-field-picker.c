/* conduit-field-picker.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-field-picker"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conduit-field-picker.h"

/* A button opening a searchable list of the fields found in sample records — nested ones as
 * paths, each with its type and an example — that says which one a person chose. The mapping
 * table's source cells and the inspector's expression and template settings use it; the list
 * is made each time it opens, so it follows the samples. */

struct _ConduitFieldPicker
{
  AdwBin                  parent_instance;

  GtkWidget              *button;
  GtkWidget              *popover;
  GtkWidget              *search;
  GtkWidget              *list;
  GtkWidget              *origin_label;
  GtkWidget              *placeholder;
  ConduitSchema          *schema;
  char                   *origin;
  ConduitFieldPickerFilter filter;
  ConduitFieldPickerFunc  opening_func;
  gpointer                opening_data;
};

enum {
  FIELD_CHOSEN,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitFieldPicker, conduit_field_picker, ADW_TYPE_BIN)

static guint signals[N_SIGNALS];

/**
 * conduit_field_picker_display_path:
 * @path: a field path as an expression reads it
 *
 * People read "First Name", not the quoted path "`First Name`" an expression holds.
 *
 * Returns: (transfer full): @path without backquotes
 */
char *
conduit_field_picker_display_path (const char *path)
{
  GString *out = g_string_new (NULL);

  for (const char *p = path; *p; p++)
    if (*p != '`')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

static void
on_row_activated (ConduitFieldPicker *self,
                  GtkListBoxRow      *row)
{
  g_autofree char *path = g_strdup (g_object_get_data (G_OBJECT (row), "path"));

  gtk_menu_button_popdown (GTK_MENU_BUTTON (self->button));
  g_signal_emit (self, signals[FIELD_CHOSEN], 0, path);
}

static gboolean
filter_fields (GtkListBoxRow *row,
               gpointer       user_data)
{
  ConduitFieldPicker *self = user_data;
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search)), -1);
  g_autofree char *shown = g_utf8_casefold (g_object_get_data (G_OBJECT (row), "shown"), -1);

  return strstr (shown, needle) != NULL;
}

static void
on_search_changed (ConduitFieldPicker *self)
{
  gtk_list_box_invalidate_filter (GTK_LIST_BOX (self->list));
}

/* Enter in the search takes the first field still shown. */
static void
on_search_activate (ConduitFieldPicker *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (self->list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child))
      {
        on_row_activated (self, GTK_LIST_BOX_ROW (child));
        return;
      }
}

static GtkWidget *
field_row_new (const ConduitSchemaField *field)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autofree char *shown = conduit_field_picker_display_path (field->path);
  g_autofree char *example = NULL;
  GtkWidget *title = gtk_label_new (shown);
  GtkWidget *detail;

  if (field->examples != NULL && field->examples->len > 0)
    /* Translators: a field's type and an example value in the field picker */
    example = g_strdup_printf (_("%s, e.g. %s"), field->type,
                               (char *)g_ptr_array_index (field->examples, 0));
  else
    example = g_strdup (field->type);
  detail = gtk_label_new (example);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (detail), 36);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_widget_add_css_class (detail, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "path", g_strdup (field->path), g_free);
  g_object_set_data_full (G_OBJECT (row), "shown", g_strdup (shown), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, shown,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, example, -1);
  return row;
}

static void
fill_list (ConduitFieldPicker *self)
{
  GPtrArray *fields = self->schema ? conduit_schema_get_fields (self->schema) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);

  for (guint i = 0; fields != NULL && i < fields->len; i++)
    {
      const ConduitSchemaField *field = g_ptr_array_index (fields, i);

      /* a table is reached through its fields */
      if (!g_str_equal (field->type, "object") &&
          (self->filter == NULL || self->filter (field->path)))
        gtk_list_box_append (GTK_LIST_BOX (self->list), field_row_new (field));
    }

  gtk_label_set_text (GTK_LABEL (self->origin_label), self->origin ? self->origin : "");
  gtk_widget_set_visible (self->origin_label, self->origin != NULL);
}

static void
on_popover_show (ConduitFieldPicker *self)
{
  if (self->opening_func != NULL)
    self->opening_func (self, self->opening_data);
  gtk_editable_set_text (GTK_EDITABLE (self->search), "");
  fill_list (self);
  gtk_widget_grab_focus (self->search);
}

/**
 * conduit_field_picker_set_schema:
 * @self: a field picker
 * @schema: (nullable): the fields to offer
 */
void
conduit_field_picker_set_schema (ConduitFieldPicker *self,
                                 ConduitSchema      *schema)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));

  if (self->schema == schema)
    return;
  g_clear_pointer (&self->schema, conduit_schema_unref);
  self->schema = schema ? conduit_schema_ref (schema) : NULL;
  if (gtk_widget_get_visible (self->popover))
    fill_list (self);
}

/**
 * conduit_field_picker_get_schema:
 * @self: a field picker
 *
 * Returns: (transfer none) (nullable): the fields offered
 */
ConduitSchema *
conduit_field_picker_get_schema (ConduitFieldPicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_FIELD_PICKER (self), NULL);
  return self->schema;
}

/**
 * conduit_field_picker_set_origin:
 * @self: a field picker
 * @origin: (nullable): where the fields come from, shown above them
 */
void
conduit_field_picker_set_origin (ConduitFieldPicker *self,
                                 const char         *origin)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));

  g_free (self->origin);
  self->origin = g_strdup (origin);
}

/**
 * conduit_field_picker_set_filter:
 * @self: a field picker
 * @filter: (nullable): which fields to offer, e.g. only those SQL can name
 */
void
conduit_field_picker_set_filter (ConduitFieldPicker       *self,
                                 ConduitFieldPickerFilter  filter)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));

  self->filter = filter;
}

/**
 * conduit_field_picker_set_placeholder_text:
 * @self: a field picker
 * @text: what the list says when there are no fields: how to get some
 */
void
conduit_field_picker_set_placeholder_text (ConduitFieldPicker *self,
                                           const char         *text)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));
  g_return_if_fail (text != NULL);

  gtk_label_set_text (GTK_LABEL (self->placeholder), text);
}

/**
 * conduit_field_picker_set_opening_func:
 * @self: a field picker
 * @func: (nullable): called each time the list opens
 * @user_data: for @func; must outlive the picker
 */
void
conduit_field_picker_set_opening_func (ConduitFieldPicker     *self,
                                       ConduitFieldPickerFunc  func,
                                       gpointer                user_data)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));

  self->opening_func = func;
  self->opening_data = user_data;
}

/**
 * conduit_field_picker_set_label:
 * @self: a field picker
 * @label: what the button does, for its tooltip and a screen reader: "Insert a field into URL"
 */
void
conduit_field_picker_set_label (ConduitFieldPicker *self,
                                const char         *label)
{
  g_return_if_fail (CONDUIT_IS_FIELD_PICKER (self));

  gtk_widget_set_tooltip_text (self->button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  /* GTK 4.8 focuses a menu button's inner toggle, which does not take the button's name */
  for (GtkWidget *child = gtk_widget_get_first_child (self->button); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

/**
 * conduit_field_picker_get_button:
 * @self: a field picker
 *
 * Returns: (transfer none): the #GtkMenuButton that opens the list
 */
GtkWidget *
conduit_field_picker_get_button (ConduitFieldPicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_FIELD_PICKER (self), NULL);
  return self->button;
}

/**
 * conduit_field_picker_get_list:
 * @self: a field picker
 *
 * Returns: (transfer none): the list of fields, one row each, labelled with its path
 */
GtkListBox *
conduit_field_picker_get_list (ConduitFieldPicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_FIELD_PICKER (self), NULL);
  return GTK_LIST_BOX (self->list);
}

/**
 * conduit_field_picker_get_popover:
 * @self: a field picker
 *
 * Returns: (transfer none): the popover holding the search and the list
 */
GtkPopover *
conduit_field_picker_get_popover (ConduitFieldPicker *self)
{
  g_return_val_if_fail (CONDUIT_IS_FIELD_PICKER (self), NULL);
  return GTK_POPOVER (self->popover);
}

static void
conduit_field_picker_dispose (GObject *object)
{
  ConduitFieldPicker *self = CONDUIT_FIELD_PICKER (object);

  adw_bin_set_child (ADW_BIN (self), NULL);

  G_OBJECT_CLASS (conduit_field_picker_parent_class)->dispose (object);
}

static void
conduit_field_picker_finalize (GObject *object)
{
  ConduitFieldPicker *self = CONDUIT_FIELD_PICKER (object);

  g_clear_pointer (&self->schema, conduit_schema_unref);
  g_clear_pointer (&self->origin, g_free);

  G_OBJECT_CLASS (conduit_field_picker_parent_class)->finalize (object);
}

static void
conduit_field_picker_class_init (ConduitFieldPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_field_picker_dispose;
  object_class->finalize = conduit_field_picker_finalize;

  /**
   * ConduitFieldPicker::field-chosen:
   * @self: the picker
   * @path: the chosen field's path, as an expression reads it (`customer.email`,
   *   `` `First Name` ``)
   */
  signals[FIELD_CHOSEN] =
    g_signal_new ("field-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
conduit_field_picker_init (ConduitFieldPicker *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *placeholder = gtk_label_new (_("No sample fields: load samples first"));

  self->popover = gtk_popover_new ();
  self->search = gtk_search_entry_new ();
  self->list = gtk_list_box_new ();
  self->origin_label = gtk_label_new (NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search the fields of the sample records"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Fields of the sample records"), -1);
  gtk_label_set_xalign (GTK_LABEL (self->origin_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->origin_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->origin_label), 36);
  gtk_widget_add_css_class (self->origin_label, "dim-label");
  gtk_widget_add_css_class (self->origin_label, "caption");
  gtk_widget_set_visible (self->origin_label, FALSE);
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (placeholder), 30);
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_list_box_set_placeholder (GTK_LIST_BOX (self->list), placeholder);
  self->placeholder = placeholder;
  gtk_widget_add_css_class (self->list, "conduit-field-picker");
  gtk_list_box_set_filter_func (GTK_LIST_BOX (self->list), filter_fields, self, NULL);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);
  gtk_box_append (GTK_BOX (box), self->search);
  gtk_box_append (GTK_BOX (box), self->origin_label);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_popover_set_child (GTK_POPOVER (self->popover), box);

  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->button), "edit-find-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), self->popover);
  gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
  conduit_field_picker_set_label (self, _("Choose a field of the sample records"));
  adw_bin_set_child (ADW_BIN (self), self->button);

  g_signal_connect_swapped (self->popover, "show", G_CALLBACK (on_popover_show), self);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search, "activate", G_CALLBACK (on_search_activate), self);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
}

/**
 * conduit_field_picker_new:
 *
 * Returns: (transfer floating): a picker offering no fields until given some
 */
GtkWidget *
conduit_field_picker_new (void)
{
  return g_object_new (CONDUIT_TYPE_FIELD_PICKER, NULL);
}
