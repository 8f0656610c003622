/* conduit-mapping-cell-rules.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-cell-private.h"

/* The rules a row's value must follow, summed up on a button that opens their editor, and
 * whether a missing or null value is sent as null ("keep_null") rather than left out. */

typedef enum
{
  RULE_MIN_LENGTH,
  RULE_MAX_LENGTH,
  RULE_MINIMUM,
  RULE_MAXIMUM,
  RULE_VALUES,
  RULE_PATTERN,
} Rule;

struct _ConduitMappingRulesCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *button;
  GtkWidget          *keep_null;      /* (nullable) the switch, while the editor exists */
  ConduitMappingRow  *editor_row;     /* (nullable) weak: the row the editor was made for */
};

G_DEFINE_FINAL_TYPE (ConduitMappingRulesCell, conduit_mapping_rules_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

static char *
describe_rules (ConduitMappingRow *row)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  int min_length = conduit_mapping_row_get_min_length (row);
  int max_length = conduit_mapping_row_get_max_length (row);
  const char * const *values = conduit_mapping_row_get_allowed_values (row);
  double limit;

  if (min_length >= 0 && max_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("%d–%d characters"), min_length, max_length));
  else if (min_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("at least %d characters"), min_length));
  else if (max_length >= 0)
    g_ptr_array_add (parts, g_strdup_printf (_("at most %d characters"), max_length));
  if (conduit_mapping_row_get_minimum (row, &limit))
    g_ptr_array_add (parts, g_strdup_printf ("≥ %g", limit));
  if (conduit_mapping_row_get_maximum (row, &limit))
    g_ptr_array_add (parts, g_strdup_printf ("≤ %g", limit));
  if (conduit_mapping_row_get_pattern (row) != NULL)
    g_ptr_array_add (parts, g_strdup (_("pattern")));
  if (values != NULL && values[0] != NULL)
    {
      guint n = g_strv_length ((char **)values);

      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u value", "%u values", n), n));
    }

  if (conduit_mapping_row_get_keep_null (row))
    g_ptr_array_add (parts, g_strdup (_("keeps null")));

  if (parts->len == 0)
    return g_strdup (_("None"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **)parts->pdata);
}

/* Empty text clears the rule; text that is no number leaves it alone and is marked. */
static gboolean
parse_limit (GtkEditable *entry,
             gboolean     integer,
             gboolean    *has_value,
             double      *value)
{
  const char *text = gtk_editable_get_text (entry);
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  char *end = NULL;

  *has_value = *stripped != '\0';
  if (!*has_value)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      return TRUE;
    }

  *value = g_ascii_strtod (stripped, &end);
  if (*end != '\0' || (integer && (*value < 0 || *value != (int)*value)))
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      return FALSE;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  return TRUE;
}

static void
on_rule_changed (GtkEditable *entry,
                 gpointer     user_data)
{
  ConduitMappingRulesCell *self = user_data;
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));
  Rule rule = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "conduit-rule"));
  gboolean has_value = FALSE;
  double value = 0;

  if (row == NULL)
    return;

  if (rule == RULE_PATTERN)
    {
      const char *text = gtk_editable_get_text (entry);

      conduit_mapping_row_set_pattern (row, *text ? text : NULL);
    }
  else if (rule == RULE_VALUES)
    {
      g_auto(GStrv) values = g_strsplit (gtk_editable_get_text (entry), ",", -1);
      g_autoptr(GPtrArray) kept = g_ptr_array_new ();

      for (guint i = 0; values[i] != NULL; i++)
        if (*g_strstrip (values[i]) != '\0')
          g_ptr_array_add (kept, values[i]);
      g_ptr_array_add (kept, NULL);
      conduit_mapping_row_set_allowed_values (row, kept->len > 1
                                                   ? (const char * const *)kept->pdata : NULL);
    }
  else if (!parse_limit (entry, rule == RULE_MIN_LENGTH || rule == RULE_MAX_LENGTH, &has_value,
                         &value))
    return;
  else if (rule == RULE_MIN_LENGTH)
    conduit_mapping_row_set_min_length (row, has_value ? (int)value : -1);
  else if (rule == RULE_MAX_LENGTH)
    conduit_mapping_row_set_max_length (row, has_value ? (int)value : -1);
  else if (rule == RULE_MINIMUM)
    conduit_mapping_row_set_minimum (row, has_value, value);
  else
    conduit_mapping_row_set_maximum (row, has_value, value);

  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
add_rule_entry (ConduitMappingRulesCell *self,
                GtkGrid                 *grid,
                Rule                     rule,
                const char              *label,
                const char              *text)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text ? text : "");
  gtk_widget_set_hexpand (entry, TRUE);
  /* the entries are ours and short-lived: their rule rides on them as a number */
  g_object_set_data (G_OBJECT (entry), "conduit-rule", GUINT_TO_POINTER (rule));
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_rule_changed), self, 0);
  gtk_grid_attach (grid, title, 0, rule, 1, 1);
  gtk_grid_attach (grid, entry, 1, rule, 1, 1);
}

static void
on_keep_null_changed (ConduitMappingRulesCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL || self->keep_null == NULL)
    return;
  conduit_mapping_row_set_keep_null (row, gtk_switch_get_active (GTK_SWITCH (self->keep_null)));
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
add_keep_null_switch (ConduitMappingRulesCell *self,
                      GtkGrid                 *grid,
                      int                      line,
                      gboolean                 active)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (_("_Keep null"));
  GtkWidget *toggle = gtk_switch_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 1);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), toggle);
  gtk_switch_set_active (GTK_SWITCH (toggle), active);
  gtk_widget_set_halign (toggle, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Keep null"), -1);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (on_keep_null_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_grid_attach (grid, title, 0, line, 1, 1);
  gtk_grid_attach (grid, toggle, 1, line, 1, 1);
  g_set_weak_pointer (&self->keep_null, toggle);
}

static char *
limit_text (gboolean has,
            double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return has ? g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)) : NULL;
}

static void
create_rules_editor (GtkMenuButton *button,
                     gpointer       user_data)
{
  ConduitMappingRulesCell *self = user_data;
  ConduitMappingRow *row = conduit_mapping_cell_get_row (CONDUIT_MAPPING_CELL (self));
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *hint;
  const char * const *values;
  g_autofree char *values_text = NULL;
  g_autofree char *min_length = NULL;
  g_autofree char *max_length = NULL;
  g_autofree char *minimum = NULL;
  g_autofree char *maximum = NULL;
  double limit;
  gboolean has;

  gtk_popover_set_child (GTK_POPOVER (popover), grid);
  gtk_menu_button_set_popover (button, popover);
  g_set_weak_pointer (&self->editor_row, row);
  if (row == NULL)
    return;

  values = conduit_mapping_row_get_allowed_values (row);
  values_text = values ? g_strjoinv (", ", (char **)values) : NULL;
  if (conduit_mapping_row_get_min_length (row) >= 0)
    min_length = g_strdup_printf ("%d", conduit_mapping_row_get_min_length (row));
  if (conduit_mapping_row_get_max_length (row) >= 0)
    max_length = g_strdup_printf ("%d", conduit_mapping_row_get_max_length (row));
  has = conduit_mapping_row_get_minimum (row, &limit);
  minimum = limit_text (has, limit);
  has = conduit_mapping_row_get_maximum (row, &limit);
  maximum = limit_text (has, limit);

  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  add_rule_entry (self, GTK_GRID (grid), RULE_MIN_LENGTH, _("_Fewest characters"), min_length);
  add_rule_entry (self, GTK_GRID (grid), RULE_MAX_LENGTH, _("_Most characters"), max_length);
  add_rule_entry (self, GTK_GRID (grid), RULE_MINIMUM, _("_Smallest number"), minimum);
  add_rule_entry (self, GTK_GRID (grid), RULE_MAXIMUM, _("_Largest number"), maximum);
  add_rule_entry (self, GTK_GRID (grid), RULE_VALUES, _("_Allowed values"), values_text);
  add_rule_entry (self, GTK_GRID (grid), RULE_PATTERN, _("_Pattern"),
                  conduit_mapping_row_get_pattern (row));

  add_keep_null_switch (self, GTK_GRID (grid), RULE_PATTERN + 1,
                        conduit_mapping_row_get_keep_null (row));

  hint = gtk_label_new (_("Leave a box empty for no rule. Allowed values are separated by commas and used with the type “One of a list”; the pattern is a regular expression. With Keep null, a missing or null value is sent as null instead of leaving the field out."));
  gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (hint), 40);
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");
  gtk_grid_attach (GTK_GRID (grid), hint, 0, RULE_PATTERN + 2, 2, 1);
}

static void
rules_update (ConduitMappingCell            *cell,
              ConduitMappingRow             *row,
              const ConduitMappingCellState *state)
{
  ConduitMappingRulesCell *self = CONDUIT_MAPPING_RULES_CELL (cell);
  g_autofree char *rules = describe_rules (row);
  /* problems with the destination or the source are marked there; the rest are the rules' */
  gboolean at_fault = state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM &&
                      state->problem_member != NULL &&
                      strstr ("destination field expression constant",
                              state->problem_member) == NULL;

  /* a cell the table gives another row: its editor holds the old row's rules, so it is made
   * again when next opened */
  if (self->editor_row != row && gtk_menu_button_get_popover (GTK_MENU_BUTTON (self->button)))
    {
      gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->button), NULL);
      g_clear_weak_pointer (&self->editor_row);
    }
  else if (self->keep_null != NULL)
    gtk_switch_set_active (GTK_SWITCH (self->keep_null), conduit_mapping_row_get_keep_null (row));

  gtk_menu_button_set_label (GTK_MENU_BUTTON (self->button), rules);
  /* a column of "None" buttons is noise; rows with rules stand out */
  if (g_strcmp0 (rules, _("None")) == 0)
    gtk_widget_add_css_class (self->button, "flat");
  else
    gtk_widget_remove_css_class (self->button, "flat");
  if (at_fault)
    gtk_widget_add_css_class (self->button, "error");
  else
    gtk_widget_remove_css_class (self->button, "error");
  gtk_widget_set_tooltip_text (self->button,
                               at_fault ? state->reason : _("Rules the value must follow"));
  conduit_mapping_cell_set_label (self->button, _("Rules of %s"), state->name);
}

static void
conduit_mapping_rules_cell_dispose (GObject *object)
{
  ConduitMappingRulesCell *self = CONDUIT_MAPPING_RULES_CELL (object);

  g_clear_weak_pointer (&self->keep_null);
  g_clear_weak_pointer (&self->editor_row);
  G_OBJECT_CLASS (conduit_mapping_rules_cell_parent_class)->dispose (object);
}

static void
conduit_mapping_rules_cell_class_init (ConduitMappingRulesCellClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_mapping_rules_cell_dispose;
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = rules_update;
}

/**
 * conduit_mapping_rules_cell_get_keep_null:
 * @self: a rules cell
 *
 * Returns: (transfer none) (nullable): the row's Keep null switch, once its rules editor was
 *   opened
 */
GtkSwitch *
conduit_mapping_rules_cell_get_keep_null (ConduitMappingRulesCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_RULES_CELL (self), NULL);

  return self->keep_null ? GTK_SWITCH (self->keep_null) : NULL;
}

static void
conduit_mapping_rules_cell_init (ConduitMappingRulesCell *self)
{
  self->button = gtk_menu_button_new ();
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->button), create_rules_editor,
                                         self, NULL);
  gtk_widget_set_tooltip_text (self->button, _("Rules the value must follow"));
  adw_bin_set_child (ADW_BIN (self), self->button);
}
