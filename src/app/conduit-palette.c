/* conduit-palette.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-palette"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-palette.h"
#include "conduit-resources.h"

/* The sidebar of steps a person can add. The registry is sorted by category (stable, so the
 * registry's own order holds within a category), filtered by the search words, and shown in a
 * GtkListBox whose header function writes a category heading above the first row of each
 * category: a GtkListView only gained section headers in GTK 4.12.
 */

struct _ConduitPalette
{
  AdwBin                    parent_instance;

  ConduitConnectorRegistry *registry;
  GtkSortListModel         *sorted;
  GtkFilterListModel       *filtered;
  GtkCustomFilter          *filter;
  char                    **search_words;

  /* template children */
  GtkSearchEntry           *search_entry;
  GtkListBox               *list;
};

enum {
  PROP_0,
  PROP_REGISTRY,
  N_PROPS
};

enum {
  CONNECTOR_ACTIVATED,
  DISMISSED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitPalette, conduit_palette, ADW_TYPE_BIN)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static ConduitConnector *
row_get_connector (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "conduit-connector");
}

static gboolean
text_contains (const char *haystack,
               const char *folded_needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;

  /* A word is looked for at the start of the text's words: "file" finds Read File, not
   * Outlook's "get-profile" nor "profiles". */
  folded = g_utf8_casefold (haystack, -1);
  for (const char *at = strstr (folded, folded_needle); at != NULL;
       at = strstr (at + 1, folded_needle))
    {
      const char *before = at == folded ? NULL : g_utf8_find_prev_char (folded, at);

      if (before == NULL || !g_unichar_isalnum (g_utf8_get_char (before)))
        return TRUE;
    }
  return FALSE;
}

/* Every word must appear somewhere, so "http post" and "post http" both find HTTP Request. */
static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  ConduitPalette *self = user_data;
  ConduitConnector *connector = item;
  const char *category = conduit_connector_category_get_label (conduit_connector_get_category (connector));

  if (self->search_words == NULL)
    return TRUE;

  for (guint i = 0; self->search_words[i] != NULL; i++)
    {
      const char *word = self->search_words[i];

      if (!text_contains (conduit_connector_get_name (connector), word) &&
          !text_contains (conduit_connector_get_description (connector), word) &&
          !text_contains (conduit_connector_get_id (connector), word) &&
          !text_contains (category, word))
        return FALSE;
    }

  return TRUE;
}

static int
sort_func (gconstpointer a,
           gconstpointer b,
           gpointer      user_data)
{
  int ca = conduit_connector_get_category (CONDUIT_CONNECTOR ((gpointer)a));
  int cb = conduit_connector_get_category (CONDUIT_CONNECTOR ((gpointer)b));

  return ca - cb;
}

static GdkContentProvider *
on_drag_prepare (GtkDragSource *source,
                 double         x,
                 double         y,
                 GtkListBoxRow *row)
{
  ConduitConnector *connector = row_get_connector (row);
  g_autofree char *text = g_strconcat (CONDUIT_PALETTE_DRAG_PREFIX,
                                       conduit_connector_get_id (connector), NULL);

  return gdk_content_provider_new_typed (G_TYPE_STRING, text);
}

static void
on_drag_begin (GtkDragSource *source,
               GdkDrag       *drag,
               GtkListBoxRow *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row));

  gtk_drag_source_set_icon (source, paintable, 0, 0);
}

/**
 * conduit_palette_icon_name_for:
 * @connector: a connector
 *
 * A connector description may name an icon this system's theme lacks; a blank square would look
 * like a broken step, so such connectors get a generic icon.
 *
 * Returns: the icon to show for @connector
 */
const char *
conduit_palette_icon_name_for (ConduitConnector *connector)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  const char *name = conduit_connector_get_icon_name (connector);

  if (name != NULL && gtk_icon_theme_has_icon (theme, name))
    return name;

  return "application-x-addon-symbolic";
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ConduitConnector *connector = item;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (conduit_palette_icon_name_for (connector));
  GtkWidget *name = gtk_label_new (conduit_connector_get_name (connector));
  GtkWidget *description = gtk_label_new (conduit_connector_get_description (connector));
  GtkDragSource *drag_source = gtk_drag_source_new ();

  gtk_image_set_icon_size (GTK_IMAGE (icon), GTK_ICON_SIZE_LARGE);
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_add_css_class (icon, "conduit-palette-icon");

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_widget_add_css_class (name, "heading");

  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_label_set_wrap (GTK_LABEL (description), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (description), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_widget_add_css_class (description, "caption");

  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), description);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_add_css_class (box, "conduit-palette-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "conduit-connector", g_object_ref (connector),
                          g_object_unref);
  gtk_widget_set_tooltip_text (row, conduit_connector_get_description (connector));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, conduit_connector_get_name (connector),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  conduit_connector_get_description (connector),
                                  -1);

  gtk_drag_source_set_actions (drag_source, GDK_ACTION_COPY);
  g_signal_connect (drag_source, "prepare", G_CALLBACK (on_drag_prepare), row);
  g_signal_connect (drag_source, "drag-begin", G_CALLBACK (on_drag_begin), row);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (drag_source));

  return row;
}

static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  ConduitConnectorCategory category = conduit_connector_get_category (row_get_connector (row));
  GtkWidget *header;

  if (before != NULL && conduit_connector_get_category (row_get_connector (before)) == category)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (conduit_connector_category_get_label (category));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "conduit-palette-heading");
  gtk_list_box_row_set_header (row, header);
}

static void
on_search_changed (ConduitPalette *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *folded = g_utf8_casefold (text, -1);

  g_clear_pointer (&self->search_words, g_strfreev);
  g_strstrip (folded);
  if (*folded != '\0')
    self->search_words = g_strsplit_set (folded, " \t", -1);

  /* g_strsplit_set keeps empty strings between repeated spaces; they match everything. */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_search_activate (ConduitPalette *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
  GtkListBoxRow *row;

  /* The search field captures the list's keys, so Enter on a focused row arrives here too:
   * that row is the one meant. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->list)))
    {
      row = GTK_IS_LIST_BOX_ROW (focus)
            ? GTK_LIST_BOX_ROW (focus)
            : GTK_LIST_BOX_ROW (gtk_widget_get_ancestor (focus, GTK_TYPE_LIST_BOX_ROW));
      if (row != NULL)
        {
          g_signal_emit (self, signals[CONNECTOR_ACTIVATED], 0, row_get_connector (row));
          return;
        }
    }

  /* Enter in the search field adds the best (first) match, so a keyboard user can type
   * "http" and press Enter; the search waits a moment after each key, so it is brought up
   * to date with what was typed first. */
  on_search_changed (self);
  row = gtk_list_box_get_row_at_index (self->list, 0);
  if (row != NULL)
    g_signal_emit (self, signals[CONNECTOR_ACTIVATED], 0, row_get_connector (row));
}

/* Escape in the search: the first clears what was typed, the next one (or the first, when
 * nothing was) says the palette is not wanted now. */
static void
on_stop_search (ConduitPalette *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (text != NULL && *text != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    g_signal_emit (self, signals[DISMISSED], 0);
}

static gboolean
on_search_key_pressed (ConduitPalette  *self,
                       guint            keyval,
                       guint            keycode,
                       GdkModifierType  state)
{
  GtkListBoxRow *row;

  if (keyval != GDK_KEY_Down && keyval != GDK_KEY_KP_Down)
    return GDK_EVENT_PROPAGATE;

  row = gtk_list_box_get_row_at_index (self->list, 0);
  if (row == NULL)
    return GDK_EVENT_PROPAGATE;

  gtk_list_box_select_row (self->list, row);
  gtk_widget_grab_focus (GTK_WIDGET (row));
  return GDK_EVENT_STOP;
}

static void
on_row_activated (ConduitPalette *self,
                  GtkListBoxRow  *row)
{
  g_signal_emit (self, signals[CONNECTOR_ACTIVATED], 0, row_get_connector (row));
}

static void
update_placeholder (ConduitPalette *self)
{
  GtkWidget *label = gtk_label_new (_("No step matches your search."));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_list_box_set_placeholder (self->list, label);
}

/**
 * conduit_palette_set_registry:
 * @self: a palette
 * @registry: the connectors to offer
 */
void
conduit_palette_set_registry (ConduitPalette           *self,
                              ConduitConnectorRegistry *registry)
{
  g_return_if_fail (CONDUIT_IS_PALETTE (self));
  g_return_if_fail (CONDUIT_IS_CONNECTOR_REGISTRY (registry));

  if (!g_set_object (&self->registry, registry))
    return;

  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (registry));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTRY]);
}

/**
 * conduit_palette_get_registry:
 * @self: a palette
 *
 * Returns: (transfer none): the connectors offered
 */
ConduitConnectorRegistry *
conduit_palette_get_registry (ConduitPalette *self)
{
  g_return_val_if_fail (CONDUIT_IS_PALETTE (self), NULL);
  return self->registry;
}

/**
 * conduit_palette_get_search_entry:
 * @self: a palette
 *
 * Returns: (transfer none): the search field
 */
GtkEditable *
conduit_palette_get_search_entry (ConduitPalette *self)
{
  g_return_val_if_fail (CONDUIT_IS_PALETTE (self), NULL);
  return GTK_EDITABLE (self->search_entry);
}

/**
 * conduit_palette_get_visible:
 * @self: a palette
 *
 * Returns: (transfer none): the connectors the search lets through, in the order shown
 */
GListModel *
conduit_palette_get_visible (ConduitPalette *self)
{
  g_return_val_if_fail (CONDUIT_IS_PALETTE (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

/**
 * conduit_palette_get_list:
 * @self: a palette
 *
 * Returns: (transfer none): the list of rows, one per visible connector
 */
GtkListBox *
conduit_palette_get_list (ConduitPalette *self)
{
  g_return_val_if_fail (CONDUIT_IS_PALETTE (self), NULL);
  return self->list;
}

/**
 * conduit_palette_focus_search:
 * @self: a palette
 *
 * Moves the keyboard focus to the search field and selects its text.
 */
void
conduit_palette_focus_search (ConduitPalette *self)
{
  g_return_if_fail (CONDUIT_IS_PALETTE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
conduit_palette_dispose (GObject *object)
{
  ConduitPalette *self = (ConduitPalette *)object;

  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_PALETTE);

  g_clear_object (&self->filtered);
  g_clear_object (&self->registry);

  G_OBJECT_CLASS (conduit_palette_parent_class)->dispose (object);
}

static void
conduit_palette_finalize (GObject *object)
{
  ConduitPalette *self = (ConduitPalette *)object;

  g_clear_pointer (&self->search_words, g_strfreev);

  G_OBJECT_CLASS (conduit_palette_parent_class)->finalize (object);
}

static void
conduit_palette_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ConduitPalette *self = CONDUIT_PALETTE (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      g_value_set_object (value, self->registry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_palette_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ConduitPalette *self = CONDUIT_PALETTE (object);

  switch (prop_id)
    {
    case PROP_REGISTRY:
      if (g_value_get_object (value) != NULL)
        conduit_palette_set_registry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_palette_class_init (ConduitPaletteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_palette_dispose;
  object_class->finalize = conduit_palette_finalize;
  object_class->get_property = conduit_palette_get_property;
  object_class->set_property = conduit_palette_set_property;

  properties[PROP_REGISTRY] =
    g_param_spec_object ("registry", NULL, NULL, CONDUIT_TYPE_CONNECTOR_REGISTRY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConduitPalette::connector-activated:
   * @self: the palette
   * @connector: the connector a person chose
   *
   * Emitted on Enter or a double-click on a row (or Enter in the search field, for the first
   * match): the editor adds a node of that type in the middle of the canvas.
   */
  signals[CONNECTOR_ACTIVATED] =
    g_signal_new ("connector-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, CONDUIT_TYPE_CONNECTOR);

  /**
   * ConduitPalette::dismissed:
   * @self: the palette
   *
   * Emitted on Escape in an empty search field: the person does not want a step now, and a
   * palette folded over the canvas can go.
   */
  signals[DISMISSED] =
    g_signal_new ("dismissed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* keeps the resource (and its registering constructor) linked into tests that use only
   * this widget */
  (void)conduit_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/conduit/Conduit/conduit-palette.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitPalette, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConduitPalette, list);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_search_key_pressed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
conduit_palette_init (ConduitPalette *self)
{
  GtkCustomSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));

  sorter = gtk_custom_sorter_new (sort_func, NULL, NULL);
  self->sorted = gtk_sort_list_model_new (NULL, GTK_SORTER (sorter));
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  /* the filter list model owns the sort model and the filter */
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->sorted), GTK_FILTER (self->filter));

  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->filtered), create_row, self, NULL);
  gtk_list_box_set_header_func (self->list, header_func, NULL, NULL);
  update_placeholder (self);

  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->list));

  conduit_palette_set_registry (self, conduit_connector_registry_get_default ());
}

/**
 * conduit_palette_new:
 *
 * Returns: (transfer floating): a palette of the default registry's connectors
 */
GtkWidget *
conduit_palette_new (void)
{
  return g_object_new (CONDUIT_TYPE_PALETTE, NULL);
}
