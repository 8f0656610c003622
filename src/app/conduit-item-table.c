/* conduit-item-table.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-item-table"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-item-table.h"
#include "conduit-resources.h"

/* Items as operations staff read them: one row per item, one column per top-level field, with
 * a switch to the JSON they are. The run panel shows a step's items in and out with it, for a
 * test run and for a run opened from the history.
 *
 * The rows are a GListModel that the column view draws as it scrolls, so ten thousand items
 * cost ten thousand small objects, not ten thousand rows of widgets; the JSON text is only
 * generated when someone looks at it. A null and a field the item does not have are told
 * apart, as the mapping table's preview does: a null can clear a field downstream, a missing
 * field leaves it alone. */

/* Past this many fields the rest are in the JSON view: a column view with hundreds of columns
 * is unreadable and slow to lay out. */
#define MAX_COLUMNS 40
/* What a tooltip shows of a nested value or a long text. */
#define MAX_TOOLTIP 2000
/* Rows and JSON lines shown before the table or the JSON scrolls. */
#define MAX_VISIBLE_ROWS 8
#define MAX_VISIBLE_LINES 14

/* ---- one row: an item and where it came out ---- */

#define CONDUIT_TYPE_ITEM_ROW (conduit_item_row_get_type ())
G_DECLARE_FINAL_TYPE (ConduitItemRow, conduit_item_row, CONDUIT, ITEM_ROW, GObject)

struct _ConduitItemRow
{
  GObject   parent_instance;

  guint     index;
  JsonNode *item;
  char     *port;   /* (nullable) */
  char     *port_title;  /* (nullable) the port as its card labels it */
};

G_DEFINE_FINAL_TYPE (ConduitItemRow, conduit_item_row, G_TYPE_OBJECT)

static void
conduit_item_row_finalize (GObject *object)
{
  ConduitItemRow *self = CONDUIT_ITEM_ROW (object);

  g_clear_pointer (&self->item, json_node_unref);
  g_free (self->port);
  g_free (self->port_title);
  G_OBJECT_CLASS (conduit_item_row_parent_class)->finalize (object);
}

static void
conduit_item_row_class_init (ConduitItemRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = conduit_item_row_finalize;
}

static void
conduit_item_row_init (ConduitItemRow *self)
{
}

/* ---- what a cell says ---- */

typedef enum
{
  COLUMN_NUMBER,   /* the item's position */
  COLUMN_PORT,     /* the port it left by, when there are several */
  COLUMN_FIELD,    /* a top-level field of object items */
  COLUMN_VALUE,    /* the item itself, when items are not objects */
} ColumnKind;

typedef struct
{
  ColumnKind  kind;
  char       *key;     /* the field, for COLUMN_FIELD */
  char       *title;
} ColumnSpec;

static void
column_spec_free (ColumnSpec *spec)
{
  g_free (spec->key);
  g_free (spec->title);
  g_free (spec);
}

static ColumnSpec *
column_spec_new (ColumnKind  kind,
                 const char *key,
                 const char *title)
{
  ColumnSpec *spec = g_new0 (ColumnSpec, 1);

  spec->kind = kind;
  spec->key = g_strdup (key);
  spec->title = g_strdup (title);
  return spec;
}

static ColumnSpec *
column_spec_copy (const ColumnSpec *spec)
{
  return column_spec_new (spec->kind, spec->key, spec->title);
}

typedef enum
{
  CELL_PLAIN,
  CELL_ABSENT,
  CELL_NULL,
  CELL_EMPTY,
  CELL_NESTED,
} CellKind;

static char *
cut (const char *text,
     gsize       max)
{
  const char *end;

  if (strlen (text) <= max)
    return g_strdup (text);
  end = g_utf8_find_prev_char (text, text + max);
  return g_strdup_printf ("%.*s…", (int)(end != NULL ? end - text : 0), text);
}

/* The text of one value, on one line; @tooltip gets what does not fit, @kind how to show it. */
static char *
value_text (JsonNode  *value,
            CellKind  *kind,
            char     **tooltip)
{
  *kind = CELL_PLAIN;
  *tooltip = NULL;
  if (value == NULL)
    {
      *kind = CELL_ABSENT;
      /* Translators: a table cell of an item that has no such field (not the same as null) */
      return g_strdup (C_("item table", "—"));
    }
  if (JSON_NODE_HOLDS_NULL (value))
    {
      *kind = CELL_NULL;
      return g_strdup (_("(null)"));
    }
  if (JSON_NODE_HOLDS_OBJECT (value) || JSON_NODE_HOLDS_ARRAY (value))
    {
      gboolean is_object = JSON_NODE_HOLDS_OBJECT (value);
      guint size = is_object ? json_object_get_size (json_node_get_object (value))
                             : json_array_get_length (json_node_get_array (value));
      g_autofree char *json = json_to_string (value, FALSE);

      *kind = CELL_NESTED;
      *tooltip = cut (json, MAX_TOOLTIP);
      if (size == 0)
        return g_strdup (is_object ? "{}" : "[]");
      return g_strdup (is_object ? "{…}" : "[…]");
    }
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);
      g_auto(GStrv) lines = NULL;

      if (*text == '\0')
        {
          *kind = CELL_EMPTY;
          return g_strdup (_("(empty text)"));
        }
      if (g_utf8_strlen (text, -1) > 40 || strchr (text, '\n') != NULL)
        *tooltip = cut (text, MAX_TOOLTIP);
      /* a cell is one line: a line break shows as the key that makes one */
      lines = g_strsplit (text, "\n", -1);
      return g_strjoinv (" ⏎ ", lines);
    }
  return json_to_string (value, FALSE);
}

static char *
cell_text (const ColumnSpec  *spec,
           ConduitItemRow    *row,
           CellKind          *kind,
           char             **tooltip)
{
  JsonNode *value = NULL;

  *kind = CELL_PLAIN;
  *tooltip = NULL;
  switch (spec->kind)
    {
    case COLUMN_NUMBER:
      return g_strdup_printf ("%u", row->index + 1);
    case COLUMN_PORT:
      return g_strdup (row->port_title != NULL ? row->port_title
                                               : row->port != NULL ? row->port : "");
    case COLUMN_VALUE:
      return value_text (row->item, kind, tooltip);
    case COLUMN_FIELD:
    default:
      if (row->item != NULL && JSON_NODE_HOLDS_OBJECT (row->item))
        value = json_object_get_member (json_node_get_object (row->item), spec->key);
      return value_text (value, kind, tooltip);
    }
}

/* ---- the widget ---- */

struct _ConduitItemTable
{
  GtkWidget        parent_instance;

  GListStore      *rows;
  GtkSingleSelection *selection;
  GPtrArray       *columns;     /* ColumnSpec, as shown */
  JsonNode        *json;        /* what the JSON view shows */
  gboolean         json_stale;
  GSettings       *settings;    /* (nullable) where the choice of view is kept */
  GHashTable      *port_titles; /* (nullable) port id → the label its card shows */
  char            *name;

  /* template children */
  GtkWidget       *box;
  GtkLabel        *note_label;
  GtkToggleButton *table_button;
  GtkToggleButton *json_button;
  GtkStack        *stack;
  GtkScrolledWindow *table_scroller;
  GtkScrolledWindow *json_scroller;
  GtkColumnView   *column_view;
  GtkTextView     *json_view;
};

G_DEFINE_FINAL_TYPE (ConduitItemTable, conduit_item_table, GTK_TYPE_WIDGET)

/* Without the app's schema (a test, a bench) the choice lasts as long as the process. */
static ConduitItemView last_view = CONDUIT_ITEM_VIEW_TABLE;

static GSettings *
new_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APPLICATION_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "item-view"))
    return NULL;
  return g_settings_new (APPLICATION_ID);
}

/* GTK 4.8's column view makes cells for up to 200 rows around the one in view, whatever the
 * number of items: a cell is made once and bound many times, so binding changes only what
 * differs from the item it showed before. */
static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), 3);
  /* item numbers and ports are short: the room goes to the fields */
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), spec->kind == COLUMN_NUMBER ? 3
                                                         : spec->kind == COLUMN_PORT ? 8 : 12);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_add_css_class (cell, "conduit-item-cell");
  gtk_list_item_set_child (item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  const ColumnSpec *spec = user_data;
  ConduitItemRow *row = gtk_list_item_get_item (item);
  GtkWidget *cell = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *name = NULL;
  CellKind kind;

  text = cell_text (spec, row, &kind, &tooltip);
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  if (kind == CELL_ABSENT)
    {
      g_free (tooltip);
      /* Translators: a screen reader's word for a table cell of a field the item lacks */
      tooltip = g_strdup_printf (_("%s: not in this item"), spec->title);
      name = g_strdup (tooltip);
    }
  else
    name = g_strdup_printf ("%s: %s", spec->title, tooltip != NULL ? tooltip : text);
  if (tooltip != NULL || gtk_widget_get_has_tooltip (cell))
    gtk_widget_set_tooltip_text (cell, tooltip);
  /* a style class changed restyles the cell: only when the kind of value changed */
  if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (cell), "conduit-kind")) != kind + 1)
    {
      g_object_set_data (G_OBJECT (cell), "conduit-kind", GUINT_TO_POINTER (kind + 1));
      if (kind == CELL_ABSENT || kind == CELL_NULL || kind == CELL_EMPTY)
        gtk_widget_add_css_class (cell, "dim-label");
      else
        gtk_widget_remove_css_class (cell, "dim-label");
      if (kind == CELL_NULL || kind == CELL_EMPTY)
        gtk_widget_add_css_class (cell, "conduit-item-null");
      else
        gtk_widget_remove_css_class (cell, "conduit-item-null");
      if (kind == CELL_NESTED)
        gtk_widget_add_css_class (cell, "conduit-item-nested");
      else
        gtk_widget_remove_css_class (cell, "conduit-item-nested");
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
clear_columns (ConduitItemTable *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
  g_ptr_array_set_size (self->columns, 0);
}

static void
add_column (ConduitItemTable *self,
            ColumnSpec       *spec)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;

  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cell), column_spec_copy (spec),
                         (GClosureNotify)(void (*) (void))column_spec_free, 0);
  /* the factory keeps its own copy: a row may be bound while the table changes columns */
  g_signal_connect_data (factory, "bind", G_CALLBACK (bind_cell), column_spec_copy (spec),
                         (GClosureNotify)(void (*) (void))column_spec_free, 0);
  column = gtk_column_view_column_new (spec->title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (spec->kind == COLUMN_FIELD || spec->kind == COLUMN_VALUE)
    gtk_column_view_column_set_expand (column, TRUE);
  gtk_column_view_append_column (self->column_view, column);
  g_ptr_array_add (self->columns, spec);
}

/* A column view and a text view scroll themselves, so their scrolled windows learn no natural
 * height from them (the text view's comes after an idle layout pass, too late): ask for the
 * height of a few rows or lines up front, past which they scroll. */
static void
set_height (GtkScrolledWindow *scroller,
            int                height)
{
  gtk_scrolled_window_set_min_content_height (scroller, -1);
  gtk_scrolled_window_set_max_content_height (scroller, height);
  gtk_scrolled_window_set_min_content_height (scroller, height);
}

static int
line_height (ConduitItemTable *self)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "Xy");
  int height = 0;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return MAX (height, 10);
}

static void
update_json_view (ConduitItemTable *self)
{
  g_autofree char *text = NULL;
  guint n_lines = 1;

  if (!self->json_stale)
    return;
  self->json_stale = FALSE;
  text = conduit_item_table_dup_json_text (self);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->json_view), text, -1);
  for (const char *c = text; *c != '\0' && n_lines < MAX_VISIBLE_LINES; c++)
    n_lines += *c == '\n';
  set_height (self->json_scroller, (int)n_lines * line_height (self) + 12 + 4);
}

static void
show_view (ConduitItemTable *self,
           ConduitItemView   view)
{
  if (view == CONDUIT_ITEM_VIEW_JSON)
    update_json_view (self);
  gtk_stack_set_visible_child_name (self->stack, view == CONDUIT_ITEM_VIEW_JSON ? "json" : "table");
  if (gtk_toggle_button_get_active (self->json_button) != (view == CONDUIT_ITEM_VIEW_JSON))
    gtk_toggle_button_set_active (view == CONDUIT_ITEM_VIEW_JSON ? self->json_button
                                                                 : self->table_button, TRUE);
}

/* A toggle the user pressed: every table shows the same from now on, and the next start too. */
static void
view_toggled (ConduitItemTable *self)
{
  ConduitItemView view = gtk_toggle_button_get_active (self->json_button)
                           ? CONDUIT_ITEM_VIEW_JSON : CONDUIT_ITEM_VIEW_TABLE;

  conduit_item_table_set_view (self, view);
}

static void
settings_changed (ConduitItemTable *self)
{
  g_autofree char *value = g_settings_get_string (self->settings, "item-view");

  show_view (self, g_strcmp0 (value, "json") == 0 ? CONDUIT_ITEM_VIEW_JSON
                                                   : CONDUIT_ITEM_VIEW_TABLE);
}

static void
conduit_item_table_dispose (GObject *object)
{
  ConduitItemTable *self = (ConduitItemTable *)object;

  if (self->column_view != NULL)
    clear_columns (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CONDUIT_TYPE_ITEM_TABLE);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (conduit_item_table_parent_class)->dispose (object);
}

static void
conduit_item_table_finalize (GObject *object)
{
  ConduitItemTable *self = (ConduitItemTable *)object;

  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_clear_pointer (&self->port_titles, g_hash_table_unref);
  g_free (self->name);

  G_OBJECT_CLASS (conduit_item_table_parent_class)->finalize (object);
}

static void
conduit_item_table_class_init (ConduitItemTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_item_table_dispose;
  object_class->finalize = conduit_item_table_finalize;

  (void)conduit_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/conduit/Conduit/conduit-item-table.ui");
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, box);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, note_label);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, table_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, json_button);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, stack);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, column_view);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, json_scroller);
  gtk_widget_class_bind_template_child (widget_class, ConduitItemTable, json_view);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "conduit-item-table");
}

static void
conduit_item_table_init (ConduitItemTable *self)
{
  ConduitItemView view = last_view;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->columns = g_ptr_array_new_with_free_func ((GDestroyNotify)column_spec_free);
  self->rows = g_list_store_new (CONDUIT_TYPE_ITEM_ROW);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* columns as wide as their text wants, the table scrolling sideways in a narrow inspector,
   * rather than every column squeezed to a few letters */
  gtk_scrollable_set_hscroll_policy (GTK_SCROLLABLE (self->column_view), GTK_SCROLL_NATURAL);
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
  conduit_item_table_set_name (self, _("Items"));

  self->settings = new_settings ();
  if (self->settings != NULL)
    {
      g_autofree char *value = g_settings_get_string (self->settings, "item-view");

      view = g_strcmp0 (value, "json") == 0 ? CONDUIT_ITEM_VIEW_JSON : CONDUIT_ITEM_VIEW_TABLE;
      g_signal_connect_object (self->settings, "changed::item-view", G_CALLBACK (settings_changed),
                               self, G_CONNECT_SWAPPED);
    }
  show_view (self, view);
  g_signal_connect_swapped (self->json_button, "toggled", G_CALLBACK (view_toggled), self);
}

/**
 * conduit_item_table_new:
 *
 * Returns: (transfer floating): a table with no items
 */
GtkWidget *
conduit_item_table_new (void)
{
  return g_object_new (CONDUIT_TYPE_ITEM_TABLE, NULL);
}

/* The JSON as the run panel always showed it: one array, or arrays by port when items left by
 * more than one. */
static JsonNode *
items_to_json (GPtrArray *items,
               GPtrArray *ports)
{
  JsonObject *by_port;
  JsonNode *result;

  if (ports == NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < items->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
      result = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (result, array);
      return result;
    }
  by_port = json_object_new ();
  for (guint i = 0; i < items->len; i++)
    {
      const char *port = g_ptr_array_index (ports, i);
      JsonArray *array;

      if (!json_object_has_member (by_port, port))
        json_object_set_array_member (by_port, port, json_array_new ());
      array = json_object_get_array_member (by_port, port);
      json_array_add_element (array, json_node_copy (g_ptr_array_index (items, i)));
    }
  result = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (result, by_port);
  return result;
}

static void
fill (ConduitItemTable *self,
      GPtrArray        *items,
      GPtrArray        *ports)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new_with_free_func ((GDestroyNotify)column_spec_free);
  gboolean any_scalar = FALSE;
  gboolean same = TRUE;
  guint hidden = 0;
  guint n_old, kept = 0;

  /* the fields in the order they first appear, as the items were written */
  for (guint i = 0; i < items->len; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autoptr(GList) members = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        {
          any_scalar = TRUE;
          continue;
        }
      members = json_object_get_members (json_node_get_object (item));
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (g_hash_table_contains (seen, l->data))
            continue;
          g_hash_table_add (seen, l->data);
          if (keys->len < MAX_COLUMNS)
            g_ptr_array_add (keys, l->data);
          else
            hidden++;
        }
    }

  /* Translators: the heading of the column of item numbers */
  g_ptr_array_add (wanted, column_spec_new (COLUMN_NUMBER, NULL, C_("item table", "#")));
  if (ports != NULL)
    g_ptr_array_add (wanted, column_spec_new (COLUMN_PORT, NULL, C_("item table", "Port")));
  if (any_scalar || keys->len == 0)
    g_ptr_array_add (wanted, column_spec_new (COLUMN_VALUE, NULL, C_("item table", "Value")));
  for (guint i = 0; i < keys->len; i++)
    g_ptr_array_add (wanted, column_spec_new (COLUMN_FIELD, g_ptr_array_index (keys, i),
                                              g_ptr_array_index (keys, i)));

  /* A test run's panel shows the items again as the run goes on, mostly with the same
   * fields: the columns (and their cells, rebound) stay when they are the same. */
  same = wanted->len == self->columns->len;
  for (guint i = 0; same && i < wanted->len; i++)
    {
      ColumnSpec *a = g_ptr_array_index (wanted, i);
      ColumnSpec *b = g_ptr_array_index (self->columns, i);

      same = a->kind == b->kind && g_strcmp0 (a->key, b->key) == 0;
    }
  if (!same)
    {
      clear_columns (self);
      for (guint i = 0; i < wanted->len; i++)
        add_column (self, column_spec_copy (g_ptr_array_index (wanted, i)));
    }

  /* GTK 4.8 makes new cells for every row replaced, up to 200 rows of them (100 ms and more):
   * the rows a run's progress showed already stay, and only the new ones are added */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  while (same && kept < n_old && kept < items->len)
    {
      g_autoptr(ConduitItemRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), kept);

      if (!json_node_equal (row->item, g_ptr_array_index (items, kept)) ||
          g_strcmp0 (row->port, ports != NULL ? g_ptr_array_index (ports, kept) : NULL) != 0)
        break;
      kept++;
    }
  for (guint i = kept; i < items->len; i++)
    {
      ConduitItemRow *row = g_object_new (CONDUIT_TYPE_ITEM_ROW, NULL);

      row->index = i;
      row->item = json_node_ref (g_ptr_array_index (items, i));
      row->port = ports != NULL ? g_strdup (g_ptr_array_index (ports, i)) : NULL;
      if (row->port != NULL && self->port_titles != NULL)
        row->port_title = g_strdup (g_hash_table_lookup (self->port_titles, row->port));
      g_ptr_array_add (rows, row);
    }
  if (kept < n_old || rows->len > 0)
    g_list_store_splice (self->rows, kept, n_old - kept, rows->pdata, rows->len);
  /* the header, the rows (each a line and the cell's padding), room for a scroll bar */
  set_height (self->table_scroller,
              line_height (self) + 14 +
              (int)CLAMP (items->len, 1, MAX_VISIBLE_ROWS) * (line_height (self) + 8) + 4);
  if (hidden > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "%u more field: see the JSON",
                                                            "%u more fields: see the JSON", hidden),
                                               hidden);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->column_view), text);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->column_view), NULL);

  self->json_stale = TRUE;
  if (gtk_toggle_button_get_active (self->json_button))
    update_json_view (self);
}

/**
 * conduit_item_table_set_items:
 * @self: an item table
 * @items: (element-type JsonNode): the items
 * @ports: (nullable) (element-type utf8): the port each item left by, when there are several
 *
 * Shows @items, one row each.
 */
void
conduit_item_table_set_items (ConduitItemTable *self,
                              GPtrArray        *items,
                              GPtrArray        *ports)
{
  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));
  g_return_if_fail (items != NULL);
  g_return_if_fail (ports == NULL || ports->len == items->len);

  g_clear_pointer (&self->json, json_node_unref);
  self->json = items_to_json (items, ports);
  fill (self, items, ports);
}

/**
 * conduit_item_table_set_json:
 * @self: an item table
 * @json: (nullable): an array of items, or an object of such arrays by port
 *
 * Shows the items of @json; the JSON view shows @json as it is.
 */
void
conduit_item_table_set_json (ConduitItemTable *self,
                             JsonNode         *json)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(GPtrArray) ports = NULL;

  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));

  if (json != NULL && JSON_NODE_HOLDS_ARRAY (json))
    {
      JsonArray *array = json_node_get_array (json);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_ptr_array_add (items, json_array_get_element (array, i));
    }
  else if (json != NULL && JSON_NODE_HOLDS_OBJECT (json))
    {
      JsonObject *object = json_node_get_object (json);
      g_autoptr(GList) members = json_object_get_members (object);

      ports = g_ptr_array_new ();
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *member = json_object_get_member (object, l->data);

          if (!JSON_NODE_HOLDS_ARRAY (member))
            continue;
          for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
            {
              g_ptr_array_add (items, json_array_get_element (json_node_get_array (member), i));
              g_ptr_array_add (ports, l->data);
            }
        }
    }
  else if (json != NULL)
    g_ptr_array_add (items, json);

  g_clear_pointer (&self->json, json_node_unref);
  self->json = json != NULL ? json_node_copy (json) : json_node_new (JSON_NODE_ARRAY);
  if (JSON_NODE_HOLDS_ARRAY (self->json) && json_node_get_array (self->json) == NULL)
    json_node_take_array (self->json, json_array_new ());
  fill (self, items, ports);
}

/**
 * conduit_item_table_set_port_titles:
 * @self: an item table
 * @titles: (nullable) (element-type utf8 utf8): port id → the label the step's card shows
 *
 * The Port column says "Rejected", as the card does, rather than "rejected"; the JSON keeps
 * the ids. Takes effect with the next items.
 */
void
conduit_item_table_set_port_titles (ConduitItemTable *self,
                                    GHashTable       *titles)
{
  GHashTableIter iter;
  gpointer key, value;
  gboolean same;

  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));

  same = (titles == NULL) == (self->port_titles == NULL);
  if (same && titles != NULL)
    {
      same = g_hash_table_size (titles) == g_hash_table_size (self->port_titles);
      g_hash_table_iter_init (&iter, titles);
      while (same && g_hash_table_iter_next (&iter, &key, &value))
        same = g_strcmp0 (value, g_hash_table_lookup (self->port_titles, key)) == 0;
    }
  if (same)
    return;
  g_clear_pointer (&self->port_titles, g_hash_table_unref);
  if (titles != NULL)
    self->port_titles = g_hash_table_ref (titles);
  /* rows made with other titles are made again with the next items */
  g_list_store_remove_all (self->rows);
}

/**
 * conduit_item_table_set_note:
 * @self: an item table
 * @note: (nullable): a line above the items, such as how many of them the history kept
 */
void
conduit_item_table_set_note (ConduitItemTable *self,
                             const char       *note)
{
  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));

  gtk_label_set_text (self->note_label, note != NULL ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL && *note != '\0');
}

const char *
conduit_item_table_get_note (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);
  return gtk_label_get_text (self->note_label);
}

/**
 * conduit_item_table_set_name:
 * @self: an item table
 * @name: what the items are, as a screen reader says it (“Items that went in”)
 */
void
conduit_item_table_set_name (ConduitItemTable *self,
                             const char       *name)
{
  g_autofree char *table_name = NULL;
  g_autofree char *json_name = NULL;

  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));
  g_return_if_fail (name != NULL);

  g_free (self->name);
  self->name = g_strdup (name);
  /* Translators: the accessible name of a table of items; %s says which items */
  table_name = g_strdup_printf (_("%s, as a table"), name);
  /* Translators: the accessible name of a JSON view of items; %s says which items */
  json_name = g_strdup_printf (_("%s, as JSON"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, table_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->json_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, json_name, -1);
}

ConduitItemView
conduit_item_table_get_view (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), CONDUIT_ITEM_VIEW_TABLE);
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "json") == 0
           ? CONDUIT_ITEM_VIEW_JSON : CONDUIT_ITEM_VIEW_TABLE;
}

/**
 * conduit_item_table_set_view:
 * @self: an item table
 * @view: table or JSON
 *
 * Shows the items as @view, as the toggle does; the choice is remembered for every table.
 */
void
conduit_item_table_set_view (ConduitItemTable *self,
                             ConduitItemView   view)
{
  g_return_if_fail (CONDUIT_IS_ITEM_TABLE (self));

  last_view = view;
  show_view (self, view);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "item-view",
                           view == CONDUIT_ITEM_VIEW_JSON ? "json" : "table");
}

/**
 * conduit_item_table_get_model:
 * @self: an item table
 *
 * Returns: (transfer none): the rows, one per item
 */
GListModel *
conduit_item_table_get_model (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);
  return G_LIST_MODEL (self->rows);
}

guint
conduit_item_table_get_n_columns (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), 0);
  return self->columns->len;
}

const char *
conduit_item_table_get_column_title (ConduitItemTable *self,
                                     guint             column)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);
  return ((ColumnSpec *)g_ptr_array_index (self->columns, column))->title;
}

/**
 * conduit_item_table_dup_cell_text:
 * @self: an item table
 * @row: a row
 * @column: a column
 *
 * Returns: (transfer full) (nullable): the text the cell shows, or %NULL past the end
 */
char *
conduit_item_table_dup_cell_text (ConduitItemTable *self,
                                  guint             row,
                                  guint             column)
{
  g_autoptr(ConduitItemRow) item = NULL;
  g_autofree char *tooltip = NULL;
  CellKind kind;

  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);

  if (column >= self->columns->len)
    return NULL;
  item = g_list_model_get_item (G_LIST_MODEL (self->rows), row);
  if (item == NULL)
    return NULL;
  return cell_text (g_ptr_array_index (self->columns, column), item, &kind, &tooltip);
}

/**
 * conduit_item_table_dup_json_text:
 * @self: an item table
 *
 * Returns: (transfer full): the items as the JSON view shows them
 */
char *
conduit_item_table_dup_json_text (ConduitItemTable *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);

  if (self->json == NULL)
    return g_strdup ("[]");
  json_generator_set_root (generator, self->json);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, NULL);
}

GtkWidget *
conduit_item_table_get_column_view (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);
  return GTK_WIDGET (self->column_view);
}

GtkWidget *
conduit_item_table_get_json_view (ConduitItemTable *self)
{
  g_return_val_if_fail (CONDUIT_IS_ITEM_TABLE (self), NULL);
  return GTK_WIDGET (self->json_view);
}
