/* conduit-expression-entry.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression-entry"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conduit-expression-entry.h"
#include "conduit-field-picker.h"

/* Help for writing an expression or a {{template}} in any text control — a one-line entry
 * (GtkEntry, AdwEntryRow) or a GtkTextView — without replacing the control:
 *
 *  - completion: while a person types a name inside an expression, a small list under the
 *    text offers the sample fields and the language's functions that start so; Up and Down
 *    choose, Enter or Tab inserts, Escape closes. The word at the cursor and the functions come
 *    from the engine (conduit_expression_find_word(), conduit_expression_describe_function()).
 *  - inserting a field chosen in a field picker where the cursor is, as `{{ path }}` in plain
 *    template text or as the bare path inside an expression;
 *  - marking what the engine's check of the setting (conduit_setting_spec_check_text()) finds
 *    wrong: error style, and the characters at fault underlined.
 *
 * GtkEntryCompletion would have done part of this but is deprecated since GTK 4.10 and knows
 * nothing of templates. The helper lives as long as its control: it is kept on the control and
 * goes when the control is destroyed. */

#define MAX_PROPOSALS 40

struct _ConduitExpressionEntry
{
  GObject                      parent_instance;

  GtkWidget                   *editor;       /* (unowned) it owns us */
  gboolean                     is_template;
  GtkWidget                   *popover;
  GtkWidget                   *list;
  ConduitExpressionFieldsFunc  fields_func;
  gpointer                     fields_data;
  ConduitSchema               *schema;       /* the fields of the completion going on */
  GtkTextTag                  *error_tag;    /* (nullable) of a text view's buffer */
  glong                        word_start;   /* the word being completed, in characters */
  glong                        word_end;
  guint                        refresh_id;
  guint                        typed : 1;
  guint                        accepting : 1;
  guint                        disabled : 1;
};

G_DEFINE_FINAL_TYPE (ConduitExpressionEntry, conduit_expression_entry, G_TYPE_OBJECT)

static GQuark
entry_quark (void)
{
  return g_quark_from_static_string ("conduit-expression-entry");
}

/* ---- the control's text ----------------------------------------------------------------- */

static GtkTextBuffer *
buffer_of (ConduitExpressionEntry *self)
{
  return GTK_IS_TEXT_VIEW (self->editor) ? gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->editor))
                                         : NULL;
}

/**
 * conduit_expression_entry_dup_text:
 * @self: an expression helper
 *
 * Returns: (transfer full): the control's whole text
 */
char *
conduit_expression_entry_dup_text (ConduitExpressionEntry *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self), NULL);

  if ((buffer = buffer_of (self)) == NULL)
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->editor)));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* in characters */
static glong
get_cursor (ConduitExpressionEntry *self)
{
  GtkTextBuffer *buffer = buffer_of (self);
  GtkTextIter iter;

  if (buffer == NULL)
    return gtk_editable_get_position (GTK_EDITABLE (self->editor));
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  return gtk_text_iter_get_offset (&iter);
}

/* Replaces the characters [@start, @end) with @text, leaving the cursor after it. */
static void
replace_range (ConduitExpressionEntry *self,
               glong                   start,
               glong                   end,
               const char             *text)
{
  GtkTextBuffer *buffer = buffer_of (self);

  if (buffer == NULL)
    {
      int position = start;

      gtk_editable_delete_text (GTK_EDITABLE (self->editor), start, end);
      gtk_editable_insert_text (GTK_EDITABLE (self->editor), text, -1, &position);
      gtk_editable_set_position (GTK_EDITABLE (self->editor), position);
    }
  else
    {
      GtkTextIter from, to;

      gtk_text_buffer_begin_user_action (buffer);
      gtk_text_buffer_get_iter_at_offset (buffer, &from, start);
      gtk_text_buffer_get_iter_at_offset (buffer, &to, end);
      gtk_text_buffer_delete (buffer, &from, &to);
      gtk_text_buffer_insert (buffer, &from, text, -1);
      gtk_text_buffer_place_cursor (buffer, &from);
      gtk_text_buffer_end_user_action (buffer);
    }
}

/* Whether the keyboard is in the control: completion answers typing, not values set from
 * outside (undo, another view). Asked of the root, which knows even while its window is not
 * the active one. */
static gboolean
editor_has_focus (ConduitExpressionEntry *self)
{
  GtkRoot *root = gtk_widget_get_root (self->editor);
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == self->editor || gtk_widget_is_ancestor (focus, self->editor));
}

/* Focus back in the control without GtkText selecting all of it, which the next key would
 * replace. */
static void
focus_editor (ConduitExpressionEntry *self)
{
  if (editor_has_focus (self))
    return;
  gtk_widget_grab_focus (self->editor);
  if (buffer_of (self) == NULL)
    gtk_editable_select_region (GTK_EDITABLE (self->editor), -1, -1);
}

/* ---- completion ------------------------------------------------------------------------- */

static void
hide_proposals (ConduitExpressionEntry *self)
{
  g_clear_pointer (&self->schema, conduit_schema_unref);
  if (gtk_widget_get_visible (self->popover))
    gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static gboolean
matches_word (const char *candidate,
              const char *folded_word)
{
  g_autofree char *folded = g_utf8_casefold (candidate, -1);
  const char *dot;

  if (g_str_has_prefix (folded, folded_word))
    return !g_str_equal (folded, folded_word);
  /* "em" finds customer.email: any segment of a path may start the word */
  for (dot = strchr (folded, '.'); dot != NULL; dot = strchr (dot + 1, '.'))
    if (g_str_has_prefix (dot + 1, folded_word) && strchr (folded_word, '.') == NULL)
      return TRUE;
  return FALSE;
}

static GtkWidget *
proposal_row_new (const char *insert,
                  const char *shown,
                  const char *detail)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (shown);
  GtkWidget *about = gtk_label_new (detail);

  gtk_widget_add_css_class (name, "monospace");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_xalign (GTK_LABEL (about), 1);
  gtk_widget_set_hexpand (about, TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (about), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (about), 32);
  gtk_widget_add_css_class (about, "dim-label");
  gtk_widget_add_css_class (about, "caption");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), about);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* the keyboard stays in the text; the list is only pointed at */
  gtk_widget_set_focusable (row, FALSE);
  g_object_set_data_full (G_OBJECT (row), "insert", g_strdup (insert), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, insert,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, detail, -1);
  return row;
}

/* Fills the list with what starts with @word; returns how many. Fields first: they are what a
 * setting most often needs. */
static guint
fill_proposals (ConduitExpressionEntry *self,
                const char             *word)
{
  g_autofree char *folded = g_utf8_casefold (word, -1);
  GPtrArray *fields = self->schema ? conduit_schema_get_fields (self->schema) : NULL;
  const char *const *functions = conduit_expression_list_functions ();
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (self->list)) != NULL)
    gtk_list_box_remove (GTK_LIST_BOX (self->list), child);

  for (guint i = 0; fields != NULL && i < fields->len && n < MAX_PROPOSALS; i++)
    {
      const ConduitSchemaField *field = g_ptr_array_index (fields, i);
      g_autofree char *shown = conduit_field_picker_display_path (field->path);
      g_autofree char *detail = NULL;

      if (!matches_word (field->path, folded) && !matches_word (shown, folded))
        continue;
      if (field->examples != NULL && field->examples->len > 0)
        /* Translators: a field's type and an example value in the completion list */
        detail = g_strdup_printf (_("%s, e.g. %s"), field->type,
                                  (char *)g_ptr_array_index (field->examples, 0));
      else
        detail = g_strdup (field->type);
      gtk_list_box_append (GTK_LIST_BOX (self->list), proposal_row_new (field->path, shown, detail));
      n++;
    }

  /* a function name has no dots: after one, only fields can follow */
  if (strpbrk (word, ".[`") == NULL)
    for (guint i = 0; functions[i] != NULL && n < MAX_PROPOSALS; i++)
      {
        const ConduitExpressionFunctionInfo *info = conduit_expression_describe_function (functions[i]);
        g_autofree char *call = g_strconcat (functions[i], "(", NULL);
        g_autofree char *detail = NULL;

        if (!g_str_has_prefix (functions[i], folded) || info == NULL)
          continue;
        detail = g_strdup_printf ("%s — %s", info->signature, info->description);
        gtk_list_box_append (GTK_LIST_BOX (self->list), proposal_row_new (call, call, detail));
        n++;
      }

  return n;
}

/* A text view keeps its own list of children and warns about any other, so there the popover
 * hangs from the nearest box around it (a box lays out no popover). The entries take one. */
static gboolean
parent_popover (ConduitExpressionEntry *self)
{
  GtkWidget *parent = self->editor;

  if (gtk_widget_get_parent (self->popover) != NULL)
    return TRUE;
  if (GTK_IS_TEXT_VIEW (self->editor))
    parent = gtk_widget_get_ancestor (self->editor, GTK_TYPE_BOX);
  if (parent == NULL)
    return FALSE;
  gtk_widget_set_parent (self->popover, parent);
  return TRUE;
}

static void
point_at_cursor (ConduitExpressionEntry *self)
{
  GtkTextBuffer *buffer = buffer_of (self);
  GdkRectangle rect;
  GtkTextIter iter;
  double x, y;

  if (buffer == NULL)
    {
      gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), NULL);
      return;
    }
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self->editor), &iter, &rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (self->editor), GTK_TEXT_WINDOW_WIDGET,
                                         rect.x, rect.y, &rect.x, &rect.y);
  if (!gtk_widget_translate_coordinates (self->editor, gtk_widget_get_parent (self->popover),
                                         rect.x, rect.y, &x, &y))
    x = y = 0;
  rect.x = x;
  rect.y = y;
  rect.width = MAX (rect.width, 1);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover), &rect);
}

static void
refresh (ConduitExpressionEntry *self)
{
  g_autofree char *text = NULL;
  g_autofree char *word = NULL;
  glong cursor;
  glong start = 0;
  gboolean showing = gtk_widget_get_visible (self->popover);

  /* completion starts with typing; moving the cursor only updates or ends it */
  if ((!self->typed && !showing) || self->disabled || !editor_has_focus (self))
    {
      hide_proposals (self);
      return;
    }

  text = conduit_expression_entry_dup_text (self);
  cursor = get_cursor (self);
  word = conduit_expression_find_word (text, cursor, self->is_template, &start);
  if (word == NULL || *word == '\0')
    {
      hide_proposals (self);
      return;
    }

  if (self->schema == NULL && self->fields_func != NULL)
    self->schema = self->fields_func (self->fields_data);

  if (fill_proposals (self, word) == 0)
    {
      hide_proposals (self);
      return;
    }

  if (!parent_popover (self))
    {
      hide_proposals (self);
      return;
    }
  self->word_start = start;
  self->word_end = cursor;
  gtk_list_box_select_row (GTK_LIST_BOX (self->list),
                           gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), 0));
  point_at_cursor (self);
  if (!showing)
    gtk_popover_popup (GTK_POPOVER (self->popover));
  else
    gtk_popover_present (GTK_POPOVER (self->popover));
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  ConduitExpressionEntry *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  self->typed = FALSE;
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (ConduitExpressionEntry *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle_cb, self);
}

static void
on_text_changed (ConduitExpressionEntry *self)
{
  if (self->accepting)
    return;
  self->typed = TRUE;
  queue_refresh (self);
}

static void
on_cursor_moved (ConduitExpressionEntry *self)
{
  if (!self->accepting && gtk_widget_get_visible (self->popover))
    queue_refresh (self);
}

static void
accept_row (ConduitExpressionEntry *self,
            GtkListBoxRow          *row)
{
  const char *insert = g_object_get_data (G_OBJECT (row), "insert");
  g_autofree char *text = g_strdup (insert);

  hide_proposals (self);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  focus_editor (self);
  self->accepting = TRUE;
  replace_range (self, self->word_start, self->word_end, text);
  self->accepting = FALSE;
}

static void
on_proposal_activated (ConduitExpressionEntry *self,
                       GtkListBoxRow          *row)
{
  accept_row (self, row);
}

/* Keeps the chosen row in view; the list cannot be given the focus for that, which must stay in
 * the text. */
static void
scroll_to_row (ConduitExpressionEntry *self,
               GtkListBoxRow          *row)
{
  GtkAdjustment *adjustment = gtk_list_box_get_adjustment (GTK_LIST_BOX (self->list));
  graphene_rect_t bounds;
  double top, page;

  if (adjustment == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (row), self->list, &bounds))
    return;
  top = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  if (bounds.origin.y < top)
    gtk_adjustment_set_value (adjustment, bounds.origin.y);
  else if (bounds.origin.y + bounds.size.height > top + page)
    gtk_adjustment_set_value (adjustment, bounds.origin.y + bounds.size.height - page);
}

static void
move_selection (ConduitExpressionEntry *self,
                int                     delta)
{
  GtkListBox *list = GTK_LIST_BOX (self->list);
  GtkListBoxRow *selected = gtk_list_box_get_selected_row (list);
  int index = selected ? gtk_list_box_row_get_index (selected) + delta : 0;
  GtkListBoxRow *row;

  if (index < 0)
    index = 0;
  if ((row = gtk_list_box_get_row_at_index (list, index)) == NULL)
    return;
  gtk_list_box_select_row (list, row);
  scroll_to_row (self, row);
}

static gboolean
on_key_pressed (GtkEventControllerKey  *controller,
                guint                   keyval,
                guint                   keycode,
                GdkModifierType         state,
                ConduitExpressionEntry *self)
{
  GtkListBoxRow *selected;

  if (!gtk_widget_get_visible (self->popover))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_Tab:
      selected = gtk_list_box_get_selected_row (GTK_LIST_BOX (self->list));
      if (selected == NULL)
        return FALSE;
      accept_row (self, selected);
      return TRUE;

    case GDK_KEY_Escape:
      hide_proposals (self);
      return TRUE;

    default:
      return FALSE;
    }
}

static void
on_focus_leave (ConduitExpressionEntry *self)
{
  /* a click into the list moves no focus (its rows take none); anything else ends it */
  hide_proposals (self);
}

/**
 * conduit_expression_entry_get_popover:
 * @self: an expression helper
 *
 * Returns: (transfer none): the completion's popover, shown while there are proposals
 */
GtkPopover *
conduit_expression_entry_get_popover (ConduitExpressionEntry *self)
{
  g_return_val_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self), NULL);
  return GTK_POPOVER (self->popover);
}

/**
 * conduit_expression_entry_get_proposals:
 * @self: an expression helper
 *
 * Returns: (transfer none): the completion's list, one row per proposal, each labelled with
 *   the text it inserts (`lower(`, `customer.email`)
 */
GtkListBox *
conduit_expression_entry_get_proposals (ConduitExpressionEntry *self)
{
  g_return_val_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self), NULL);
  return GTK_LIST_BOX (self->list);
}

/**
 * conduit_expression_entry_get_completing:
 * @self: an expression helper
 *
 * Returns: whether proposals are shown
 */
gboolean
conduit_expression_entry_get_completing (ConduitExpressionEntry *self)
{
  g_return_val_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self), FALSE);
  return gtk_widget_get_visible (self->popover);
}

/**
 * conduit_expression_entry_set_completing_enabled:
 * @self: an expression helper
 * @enabled: whether typing opens completion; a control that holds an expression only
 *   sometimes (the mapping table's source, when it is a fixed value) turns it off meanwhile
 */
void
conduit_expression_entry_set_completing_enabled (ConduitExpressionEntry *self,
                                                 gboolean                enabled)
{
  g_return_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self));

  self->disabled = !enabled;
  if (!enabled)
    hide_proposals (self);
}

/**
 * conduit_expression_entry_set_fields_func:
 * @self: an expression helper
 * @func: (nullable): gives the sample fields when a completion starts
 * @user_data: for @func; must outlive the control
 */
void
conduit_expression_entry_set_fields_func (ConduitExpressionEntry      *self,
                                          ConduitExpressionFieldsFunc  func,
                                          gpointer                     user_data)
{
  g_return_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self));

  self->fields_func = func;
  self->fields_data = user_data;
}

/* ---- inserting a chosen field ----------------------------------------------------------- */

/* the selection, or the cursor, in characters */
static void
get_selection (ConduitExpressionEntry *self,
               glong                  *start,
               glong                  *end)
{
  GtkTextBuffer *buffer = buffer_of (self);

  if (buffer != NULL)
    {
      GtkTextIter from, to;

      gtk_text_buffer_get_selection_bounds (buffer, &from, &to);
      *start = gtk_text_iter_get_offset (&from);
      *end = gtk_text_iter_get_offset (&to);
    }
  else
    {
      int from, to;

      if (!gtk_editable_get_selection_bounds (GTK_EDITABLE (self->editor), &from, &to))
        from = to = gtk_editable_get_position (GTK_EDITABLE (self->editor));
      *start = from;
      *end = to;
    }
}

/**
 * conduit_expression_entry_insert_text:
 * @self: an expression helper
 * @text: text to insert as it is, e.g. a `:field` parameter of SQL
 *
 * Inserts @text at the cursor, over the selection, and gives the control the keyboard.
 */
void
conduit_expression_entry_insert_text (ConduitExpressionEntry *self,
                                      const char             *text)
{
  glong start, end;

  g_return_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self));
  g_return_if_fail (text != NULL);

  /* read before the focus comes back, which may select all */
  get_selection (self, &start, &end);
  hide_proposals (self);
  focus_editor (self);
  self->accepting = TRUE;
  replace_range (self, start, end, text);
  self->accepting = FALSE;
}

/**
 * conduit_expression_entry_insert_field:
 * @self: an expression helper
 * @path: a field path, as an expression reads it
 *
 * Inserts @path at the cursor (over the selection): inside an expression as it is, completing
 * a name being typed; in a template's plain text as `{{ path }}`.
 */
void
conduit_expression_entry_insert_field (ConduitExpressionEntry *self,
                                       const char             *path)
{
  g_autofree char *text = NULL;
  g_autofree char *word = NULL;
  g_autofree char *insert = NULL;
  glong cursor, start, end;

  g_return_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self));
  g_return_if_fail (path != NULL);

  /* the selection, read before the focus comes back (which may select all) */
  get_selection (self, &start, &end);

  text = conduit_expression_entry_dup_text (self);
  cursor = start;
  word = conduit_expression_find_word (text, cursor, self->is_template, &start);
  if (word == NULL)
    {
      start = cursor;
      insert = g_strdup_printf ("{{ %s }}", path);
    }
  else
    insert = g_strdup (path);

  hide_proposals (self);
  focus_editor (self);
  self->accepting = TRUE;
  replace_range (self, start, end, insert);
  self->accepting = FALSE;
}

/* ---- marking errors --------------------------------------------------------------------- */

static void
set_attributes (ConduitExpressionEntry *self,
                PangoAttrList          *attributes)
{
  if (ADW_IS_ENTRY_ROW (self->editor))
    adw_entry_row_set_attributes (ADW_ENTRY_ROW (self->editor), attributes);
  else if (GTK_IS_ENTRY (self->editor))
    gtk_entry_set_attributes (GTK_ENTRY (self->editor), attributes);
  else if (GTK_IS_TEXT (self->editor))
    gtk_text_set_attributes (GTK_TEXT (self->editor), attributes);
}

static void
underline (ConduitExpressionEntry *self,
           const char             *text,
           guint                   column,
           guint                   length)
{
  GtkTextBuffer *buffer = buffer_of (self);
  glong chars = g_utf8_strlen (text, -1);
  glong first = 0, last = 0;

  if (column > 0)
    {
      first = MIN ((glong)column - 1, MAX (chars - 1, 0));
      last = MIN (first + MAX ((glong)length, 1), chars);
    }

  if (buffer != NULL)
    {
      GtkTextIter start, end;

      if (self->error_tag == NULL)
        self->error_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                      "underline", PANGO_UNDERLINE_ERROR, NULL);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_remove_tag (buffer, self->error_tag, &start, &end);
      if (last > first)
        {
          gtk_text_buffer_get_iter_at_offset (buffer, &start, first);
          gtk_text_buffer_get_iter_at_offset (buffer, &end, last);
          gtk_text_buffer_apply_tag (buffer, self->error_tag, &start, &end);
        }
    }
  else if (last > first)
    {
      g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
      PangoAttribute *attribute = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);

      /* the wavy line takes the text's colour, which the error style makes red */
      attribute->start_index = g_utf8_offset_to_pointer (text, first) - text;
      attribute->end_index = g_utf8_offset_to_pointer (text, last) - text;
      pango_attr_list_insert (attributes, attribute);
      set_attributes (self, attributes);
    }
  else
    set_attributes (self, NULL);
}

/**
 * conduit_expression_entry_check:
 * @self: an expression helper
 * @spec: the setting the control edits
 * @error: where the engine's error goes, with its column
 *
 * Checks the control's text with conduit_setting_spec_check_text(), the check the flow and the
 * run use, and marks the control: error style and the characters at fault underlined, or
 * neither when the text compiles. Saying it in words is the caller's part.
 *
 * Returns: whether the text compiles
 */
gboolean
conduit_expression_entry_check (ConduitExpressionEntry    *self,
                                const ConduitSettingSpec  *spec,
                                GError                   **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (CONDUIT_IS_EXPRESSION_ENTRY (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  text = conduit_expression_entry_dup_text (self);
  ok = conduit_setting_spec_check_text (spec, text, &local_error);
  if (ok)
    {
      underline (self, text, 0, 0);
      gtk_widget_remove_css_class (self->editor, "error");
      return TRUE;
    }

  underline (self, text, conduit_expression_error_get_column (local_error),
             conduit_expression_error_get_length (local_error));
  gtk_widget_add_css_class (self->editor, "error");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* ---- lifetime --------------------------------------------------------------------------- */

static void
on_editor_destroy (GtkWidget *editor)
{
  g_object_set_qdata (G_OBJECT (editor), entry_quark (), NULL);
}

static void
conduit_expression_entry_dispose (GObject *object)
{
  ConduitExpressionEntry *self = CONDUIT_EXPRESSION_ENTRY (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->popover != NULL && gtk_widget_get_parent (self->popover) != NULL)
    gtk_widget_unparent (self->popover);
  g_clear_object (&self->popover);
  g_clear_pointer (&self->schema, conduit_schema_unref);

  G_OBJECT_CLASS (conduit_expression_entry_parent_class)->dispose (object);
}

static void
conduit_expression_entry_class_init (ConduitExpressionEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = conduit_expression_entry_dispose;
}

static void
conduit_expression_entry_init (ConduitExpressionEntry *self)
{
}

/**
 * conduit_expression_entry_get_for:
 * @editor: a text control
 *
 * Returns: (transfer none) (nullable): the helper attached to @editor
 */
ConduitExpressionEntry *
conduit_expression_entry_get_for (GtkWidget *editor)
{
  g_return_val_if_fail (GTK_IS_WIDGET (editor), NULL);
  return g_object_get_qdata (G_OBJECT (editor), entry_quark ());
}

/**
 * conduit_expression_entry_attach:
 * @editor: a #GtkEditable (#GtkEntry, #AdwEntryRow, #GtkText) or a #GtkTextView
 * @is_template: whether the text is a template with `{{ expression }}` parts rather than one
 *   expression
 *
 * Gives @editor completion, field insertion and error marks. The helper lives as long as
 * @editor.
 *
 * Returns: (transfer none): the helper
 */
ConduitExpressionEntry *
conduit_expression_entry_attach (GtkWidget *editor,
                                 gboolean   is_template)
{
  ConduitExpressionEntry *self;
  GtkEventController *keys;
  GtkEventController *focus;
  GtkWidget *scrolled;

  g_return_val_if_fail (GTK_IS_EDITABLE (editor) || GTK_IS_TEXT_VIEW (editor), NULL);
  g_return_val_if_fail (conduit_expression_entry_get_for (editor) == NULL, NULL);

  self = g_object_new (CONDUIT_TYPE_EXPRESSION_ENTRY, NULL);
  self->editor = editor;
  self->is_template = is_template;

  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_BROWSE);
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (self->list), TRUE);
  gtk_widget_set_focusable (self->list, FALSE);
  gtk_widget_add_css_class (self->list, "conduit-completion");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Completions"), -1);
  g_signal_connect_swapped (self->list, "row-activated", G_CALLBACK (on_proposal_activated), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), self->list);

  /* no autohide: an autohiding popover grabs the keyboard, and typing must go on in the text */
  self->popover = g_object_ref_sink (gtk_popover_new ());
  gtk_popover_set_autohide (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (self->popover), GTK_POS_BOTTOM);
  gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
  gtk_widget_set_focusable (self->popover, FALSE);
  gtk_popover_set_child (GTK_POPOVER (self->popover), scrolled);
  gtk_widget_add_css_class (self->popover, "menu");

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (keys, "conduit-completion-keys");
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (on_key_pressed), self, 0);
  gtk_widget_add_controller (editor, keys);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (on_focus_leave), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (editor, focus);

  if (GTK_IS_TEXT_VIEW (editor))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (editor));

      g_signal_connect_object (buffer, "changed", G_CALLBACK (on_text_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (buffer, "notify::cursor-position", G_CALLBACK (on_cursor_moved),
                               self, G_CONNECT_SWAPPED);
    }
  else
    {
      g_signal_connect_object (editor, "changed", G_CALLBACK (on_text_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (editor, "notify::cursor-position", G_CALLBACK (on_cursor_moved),
                               self, G_CONNECT_SWAPPED);
    }
  g_signal_connect (editor, "destroy", G_CALLBACK (on_editor_destroy), NULL);

  g_object_set_qdata_full (G_OBJECT (editor), entry_quark (), self, g_object_unref);
  return self;
}
