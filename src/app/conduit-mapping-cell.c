/* conduit-mapping-cell.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping-cell"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-mapping-cell-private.h"

/* The cells of the mapping table. Each column has its own small widget class that knows what
 * it shows of a row and which of the row's members it edits; the table binds a row to a cell,
 * gives it the row's computed state and hears of edits through ::edited. The plain cells live
 * here; the source cell (with its field picker) and the rules cell (with its editor) have
 * files of their own. */

typedef struct
{
  ConduitMappingRow *row;
  guint              updating : 1;
} ConduitMappingCellPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (ConduitMappingCell, conduit_mapping_cell, ADW_TYPE_BIN)

enum {
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * conduit_mapping_cell_state_appearance:
 * @state: a row's state
 * @text: (out): the status in a few words
 * @icon: (out): an icon name for it
 * @style: (out): a style class: "error", "success", "accent" or "dim-label"
 *
 * How the status column and the line under the table show @state.
 */
void
conduit_mapping_cell_state_appearance (const ConduitMappingCellState  *state,
                                       const char                    **text,
                                       const char                    **icon,
                                       const char                    **style)
{
  *style = "error";
  *icon = "dialog-warning-symbolic";
  switch (state->status)
    {
    case CONDUIT_MAPPING_ROW_STATUS_OK:
      if (!state->has_records)
        {
          /* nothing was checked: neither a pass nor a problem */
          *text = _("No sample");
          *icon = "dialog-question-symbolic";
          *style = "dim-label";
          break;
        }
      *text = _("OK");
      *icon = "emblem-ok-symbolic";
      *style = "success";
      break;
    case CONDUIT_MAPPING_ROW_STATUS_SUGGESTED:
      *text = _("Suggested: check it");
      *icon = "dialog-information-symbolic";
      *style = "accent";
      break;
    case CONDUIT_MAPPING_ROW_STATUS_MISSING_REQUIRED:
      *text = _("Missing required");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_TYPE_ERROR:
      *text = _("Type error");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_INVALID:
      *text = _("Not valid");
      break;
    case CONDUIT_MAPPING_ROW_STATUS_PROBLEM:
    default:
      *text = _("Fix this row");
      *icon = "dialog-error-symbolic";
      break;
    }
}

/**
 * conduit_mapping_cell_state_explain:
 * @state: a row's state
 *
 * Returns: why the row has its status, in a sentence
 */
const char *
conduit_mapping_cell_state_explain (const ConduitMappingCellState *state)
{
  if (state->reason != NULL)
    return state->reason;
  if (state->status == CONDUIT_MAPPING_ROW_STATUS_SUGGESTED)
    return _("Auto-map chose this source by its name. Change anything in the row to confirm it.");
  if (!state->has_records)
    return _("There is no sample record to check this row with.");
  return _("The value of this sample record passes every rule of the row.");
}

ConduitMappingRow *
conduit_mapping_cell_get_row (ConduitMappingCell *self)
{
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_return_val_if_fail (CONDUIT_IS_MAPPING_CELL (self), NULL);

  return priv->row;
}

void
conduit_mapping_cell_set_row (ConduitMappingCell *self,
                              ConduitMappingRow  *row)
{
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_return_if_fail (CONDUIT_IS_MAPPING_CELL (self));

  g_set_object (&priv->row, row);
}

/**
 * conduit_mapping_cell_update:
 * @self: a cell
 * @state: what the table computed for the cell's row
 *
 * Shows the cell's row as it is now. Changes the cell makes to its own widgets meanwhile are
 * not taken for edits.
 */
void
conduit_mapping_cell_update (ConduitMappingCell            *self,
                             const ConduitMappingCellState *state)
{
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_return_if_fail (CONDUIT_IS_MAPPING_CELL (self));
  g_return_if_fail (state != NULL);

  if (priv->row == NULL)
    return;

  priv->updating = TRUE;
  CONDUIT_MAPPING_CELL_GET_CLASS (self)->update (self, priv->row, state);
  priv->updating = FALSE;
}

/**
 * conduit_mapping_cell_begin_edit:
 * @self: a cell
 *
 * For a cell's own signal handlers: the row a person's change goes to, or %NULL when the
 * change is the cell's own update (or it has no row) and must not be written.
 *
 * Returns: (transfer none) (nullable): the row to change
 */
ConduitMappingRow *
conduit_mapping_cell_begin_edit (ConduitMappingCell *self)
{
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_return_val_if_fail (CONDUIT_IS_MAPPING_CELL (self), NULL);

  return priv->updating ? NULL : priv->row;
}

/* The row was changed by a person: the table writes it back. */
void
conduit_mapping_cell_end_edit (ConduitMappingCell *self)
{
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_return_if_fail (CONDUIT_IS_MAPPING_CELL (self));

  if (priv->row != NULL)
    g_signal_emit (self, signals[EDITED], 0, priv->row);
}

void
conduit_mapping_cell_set_label (GtkWidget  *widget,
                                const char *format,
                                ...)
{
  g_autofree char *label = NULL;
  va_list args;

  va_start (args, format);
  label = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  /* In GTK 4.8 a drop-down's or a menu button's focus is its inner toggle button, which does
   * not take their name: a screen reader said "GtkToggleButton", or the label ("None") alone. */
  if (GTK_IS_DROP_DOWN (widget) || GTK_IS_MENU_BUTTON (widget))
    for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        label, -1);
}

static void
conduit_mapping_cell_dispose (GObject *object)
{
  ConduitMappingCell *self = CONDUIT_MAPPING_CELL (object);
  ConduitMappingCellPrivate *priv = conduit_mapping_cell_get_instance_private (self);

  g_clear_object (&priv->row);

  G_OBJECT_CLASS (conduit_mapping_cell_parent_class)->dispose (object);
}

/* Focusing a cell focuses what it is made of, as focusing the entry of old did. */
static gboolean
conduit_mapping_cell_grab_focus (GtkWidget *widget)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  return child != NULL && gtk_widget_grab_focus (child);
}

static void
conduit_mapping_cell_class_init (ConduitMappingCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_mapping_cell_dispose;
  widget_class->grab_focus = conduit_mapping_cell_grab_focus;

  /**
   * ConduitMappingCell::edited:
   * @row: the row the person changed
   *
   * A person changed @row through this cell; the table confirms the row and writes the
   * mapping back.
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CONDUIT_TYPE_MAPPING_ROW);
}

static void
conduit_mapping_cell_init (ConduitMappingCell *self)
{
}

/* Entry cells mark the part of the row a problem is in. */
void
_conduit_mapping_cell_mark_problem (GtkWidget                     *entry,
                                    const ConduitMappingCellState *state,
                                    const char                    *member)
{
  gboolean at_fault = state->status == CONDUIT_MAPPING_ROW_STATUS_PROBLEM &&
                      g_strcmp0 (state->problem_member, member) == 0;
  PangoAttrList *attributes = NULL;

  if (at_fault && state->problem_column > 0)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
      glong chars = g_utf8_strlen (text, -1);
      glong first = MIN ((glong)state->problem_column - 1, MAX (chars - 1, 0));
      glong last = MIN (first + MAX ((glong)state->problem_length, 1), chars);
      PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);

      /* the wavy line takes the entry's text colour, which the error style makes red */
      underline->start_index = g_utf8_offset_to_pointer (text, first) - text;
      underline->end_index = g_utf8_offset_to_pointer (text, last) - text;
      attributes = pango_attr_list_new ();
      pango_attr_list_insert (attributes, underline);
    }

  gtk_entry_set_attributes (GTK_ENTRY (entry), attributes);
  g_clear_pointer (&attributes, pango_attr_list_unref);
  if (at_fault)
    gtk_widget_add_css_class (entry, "error");
  else
    gtk_widget_remove_css_class (entry, "error");
  gtk_widget_set_tooltip_text (entry, at_fault ? state->reason : NULL);
}

GtkWidget *
_conduit_mapping_cell_translated_drop_down (const char **labels)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (list, _(labels[i]));
  return gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&list)), NULL);
}

/* ---- destination ---------------------------------------------------------------------- */

struct _ConduitMappingDestinationCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *entry;
};

G_DEFINE_FINAL_TYPE (ConduitMappingDestinationCell, conduit_mapping_destination_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

static void
on_destination_changed (ConduitMappingDestinationCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL)
    return;
  conduit_mapping_row_set_destination (row, gtk_editable_get_text (GTK_EDITABLE (self->entry)));
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
destination_update (ConduitMappingCell            *cell,
                    ConduitMappingRow             *row,
                    const ConduitMappingCellState *state)
{
  ConduitMappingDestinationCell *self = CONDUIT_MAPPING_DESTINATION_CELL (cell);
  const char *destination = conduit_mapping_row_get_destination (row);

  /* only when it differs, so that typing keeps the cursor where it is */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->entry)), destination) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), destination);
  _conduit_mapping_cell_mark_problem (self->entry, state, "destination");
  conduit_mapping_cell_set_label (self->entry, _("Destination field of %s"), state->name);
}

static void
conduit_mapping_destination_cell_class_init (ConduitMappingDestinationCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = destination_update;
}

static void
conduit_mapping_destination_cell_init (ConduitMappingDestinationCell *self)
{
  self->entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->entry), _("Field name"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 14);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (on_destination_changed), self);
  adw_bin_set_child (ADW_BIN (self), self->entry);
}

GtkEditable *
conduit_mapping_destination_cell_get_entry (ConduitMappingDestinationCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_DESTINATION_CELL (self), NULL);
  return GTK_EDITABLE (self->entry);
}

/* ---- required ------------------------------------------------------------------------- */

struct _ConduitMappingRequiredCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *check;
};

G_DEFINE_FINAL_TYPE (ConduitMappingRequiredCell, conduit_mapping_required_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

static void
on_required_toggled (ConduitMappingRequiredCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL)
    return;
  conduit_mapping_row_set_required (row,
                                    gtk_check_button_get_active (GTK_CHECK_BUTTON (self->check)));
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
required_update (ConduitMappingCell            *cell,
                 ConduitMappingRow             *row,
                 const ConduitMappingCellState *state)
{
  ConduitMappingRequiredCell *self = CONDUIT_MAPPING_REQUIRED_CELL (cell);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (self->check),
                               conduit_mapping_row_get_required (row));
  conduit_mapping_cell_set_label (self->check, _("Required: %s"), state->name);
}

static void
conduit_mapping_required_cell_class_init (ConduitMappingRequiredCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = required_update;
}

static void
conduit_mapping_required_cell_init (ConduitMappingRequiredCell *self)
{
  self->check = gtk_check_button_new ();
  gtk_widget_set_halign (self->check, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->check, _("A record without a value here is rejected"));
  g_signal_connect_swapped (self->check, "notify::active", G_CALLBACK (on_required_toggled), self);
  adw_bin_set_child (ADW_BIN (self), self->check);
}

GtkCheckButton *
conduit_mapping_required_cell_get_check (ConduitMappingRequiredCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_REQUIRED_CELL (self), NULL);
  return GTK_CHECK_BUTTON (self->check);
}

/* ---- type ----------------------------------------------------------------------------- */

/* The order of ConduitMappingType. */
static const char *type_labels[] = {
  N_("Any"), N_("Text"), N_("Number"), N_("Whole number"), N_("Yes or no"), N_("Date"),
  N_("Date and time"), N_("Email address"), N_("Web address"), N_("One of a list"), NULL
};

struct _ConduitMappingTypeCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *drop_down;
};

G_DEFINE_FINAL_TYPE (ConduitMappingTypeCell, conduit_mapping_type_cell, CONDUIT_TYPE_MAPPING_CELL)

static void
on_type_selected (ConduitMappingTypeCell *self)
{
  ConduitMappingRow *row = conduit_mapping_cell_begin_edit (CONDUIT_MAPPING_CELL (self));

  if (row == NULL)
    return;
  conduit_mapping_row_set_value_type (row,
                                      gtk_drop_down_get_selected (GTK_DROP_DOWN (self->drop_down)));
  conduit_mapping_cell_end_edit (CONDUIT_MAPPING_CELL (self));
}

static void
type_update (ConduitMappingCell            *cell,
             ConduitMappingRow             *row,
             const ConduitMappingCellState *state)
{
  ConduitMappingTypeCell *self = CONDUIT_MAPPING_TYPE_CELL (cell);

  gtk_drop_down_set_selected (GTK_DROP_DOWN (self->drop_down),
                              conduit_mapping_row_get_value_type (row));
  conduit_mapping_cell_set_label (self->drop_down, _("Type of %s"), state->name);
}

static void
conduit_mapping_type_cell_class_init (ConduitMappingTypeCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = type_update;
}

static void
conduit_mapping_type_cell_init (ConduitMappingTypeCell *self)
{
  self->drop_down = _conduit_mapping_cell_translated_drop_down (type_labels);
  g_signal_connect_swapped (self->drop_down, "notify::selected", G_CALLBACK (on_type_selected),
                            self);
  adw_bin_set_child (ADW_BIN (self), self->drop_down);
}

GtkDropDown *
conduit_mapping_type_cell_get_drop_down (ConduitMappingTypeCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_TYPE_CELL (self), NULL);
  return GTK_DROP_DOWN (self->drop_down);
}

/* ---- preview -------------------------------------------------------------------------- */

struct _ConduitMappingPreviewCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *inscription;
};

G_DEFINE_FINAL_TYPE (ConduitMappingPreviewCell, conduit_mapping_preview_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

static void
preview_update (ConduitMappingCell            *cell,
                ConduitMappingRow             *row,
                const ConduitMappingCellState *state)
{
  ConduitMappingPreviewCell *self = CONDUIT_MAPPING_PREVIEW_CELL (cell);

  gtk_inscription_set_text (GTK_INSCRIPTION (self->inscription), state->preview);
  gtk_widget_set_tooltip_text (self->inscription,
                               state->preview && *state->preview ? state->preview : NULL);
  conduit_mapping_cell_set_label (self->inscription, _("Preview of %s"), state->name);
}

static void
conduit_mapping_preview_cell_class_init (ConduitMappingPreviewCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = preview_update;
}

static void
conduit_mapping_preview_cell_init (ConduitMappingPreviewCell *self)
{
  self->inscription = gtk_inscription_new (NULL);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (self->inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (self->inscription), 8);
  /* one line, ellipsized: a row is as tall as its entries, and a wrapped value reads badly */
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (self->inscription), 1);
  gtk_widget_set_valign (self->inscription, GTK_ALIGN_CENTER);
  adw_bin_set_child (ADW_BIN (self), self->inscription);
}

const char *
conduit_mapping_preview_cell_get_text (ConduitMappingPreviewCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_PREVIEW_CELL (self), NULL);
  return gtk_inscription_get_text (GTK_INSCRIPTION (self->inscription));
}

/* ---- status --------------------------------------------------------------------------- */

struct _ConduitMappingStatusCell
{
  ConduitMappingCell  parent_instance;
  GtkWidget          *image;
  GtkWidget          *inscription;
};

G_DEFINE_FINAL_TYPE (ConduitMappingStatusCell, conduit_mapping_status_cell,
                     CONDUIT_TYPE_MAPPING_CELL)

static void
status_update (ConduitMappingCell            *cell,
               ConduitMappingRow             *row,
               const ConduitMappingCellState *state)
{
  ConduitMappingStatusCell *self = CONDUIT_MAPPING_STATUS_CELL (cell);
  const char *reason = conduit_mapping_cell_state_explain (state);
  const char *text, *icon, *style;
  static const char *styles[] = { "error", "success", "accent", "dim-label" };

  conduit_mapping_cell_state_appearance (state, &text, &icon, &style);
  gtk_inscription_set_text (GTK_INSCRIPTION (self->inscription), text);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->image), icon);
  for (guint i = 0; i < G_N_ELEMENTS (styles); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self), styles[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self), style);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), reason);
  conduit_mapping_cell_set_label (GTK_WIDGET (self), _("Status of %s"), state->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  reason, -1);
}

static void
conduit_mapping_status_cell_class_init (ConduitMappingStatusCellClass *klass)
{
  CONDUIT_MAPPING_CELL_CLASS (klass)->update = status_update;
}

static void
conduit_mapping_status_cell_init (ConduitMappingStatusCell *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->image = gtk_image_new ();
  self->inscription = gtk_inscription_new (NULL);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (self->inscription),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_chars (GTK_INSCRIPTION (self->inscription), 6);
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (self->inscription), 1);
  gtk_widget_set_valign (self->inscription, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (self->inscription, TRUE);
  gtk_box_append (GTK_BOX (box), self->image);
  gtk_box_append (GTK_BOX (box), self->inscription);
  adw_bin_set_child (ADW_BIN (self), box);
}

const char *
conduit_mapping_status_cell_get_text (ConduitMappingStatusCell *self)
{
  g_return_val_if_fail (CONDUIT_IS_MAPPING_STATUS_CELL (self), NULL);
  return gtk_inscription_get_text (GTK_INSCRIPTION (self->inscription));
}
