/* conduit-graph-view-actions.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "conduit-flow-clipboard.h"
#include "conduit-graph-view-private.h"

/* The graph view's commands (widget actions and their shortcuts), its popovers and the
 * keyboard way to connect nodes. */

static void
delete_selection (ConduitGraphView *self,
                  const char       *label)
{
  g_autoptr(GPtrArray) nodes = _conduit_graph_view_dup_selection (self);
  g_autoptr(GPtrArray) notes = _conduit_graph_view_dup_selected_notes (self);

  if (nodes->len == 0 && notes->len == 0 && self->selected_link != NULL)
    {
      g_autoptr(ConduitLink) link = g_object_ref (self->selected_link);

      conduit_graph_view_select_link (self, NULL);
      conduit_undo_stack_remove_link (self->undo_stack, link);
      return;
    }

  if (nodes->len == 0 && notes->len == 0)
    return;

  conduit_undo_stack_begin_group (self->undo_stack, label);
  for (guint i = 0; i < nodes->len; i++)
    conduit_undo_stack_remove_node (self->undo_stack, g_ptr_array_index (nodes, i));
  for (guint i = 0; i < notes->len; i++)
    conduit_undo_stack_remove_note (self->undo_stack, g_ptr_array_index (notes, i));
  conduit_undo_stack_end_group (self->undo_stack);
}

static void
select_nodes_and_notes (ConduitGraphView *self,
                        GPtrArray        *nodes,
                        GPtrArray        *notes)
{
  _conduit_graph_view_clear_selection_quietly (self);
  _conduit_graph_view_set_link_selected (self, NULL);
  for (guint i = 0; i < nodes->len; i++)
    _conduit_graph_view_set_node_selected (self, g_ptr_array_index (nodes, i), TRUE);
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    _conduit_graph_view_set_note_selected (self, g_ptr_array_index (notes, i), TRUE);
  _conduit_graph_view_selection_changed (self);
}

/* How far to move pasted nodes from where they were copied so that none lands on a card: the
 * usual step down-right, and further while one would (a second paste, a crowded canvas). */
static double
paste_offset (ConduitGraphView *self,
              const char       *data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *nodes;
  double offset = 2 * GRID_STEP;

  if (!json_parser_load_from_data (parser, data, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return offset;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "nodes") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "nodes")))
    return offset;
  nodes = json_object_get_array_member (root, "nodes");

  for (guint attempt = 0; attempt < 50; attempt++, offset += 2 * GRID_STEP)
    {
      gboolean free = TRUE;

      for (guint i = 0; i < json_array_get_length (nodes) && free; i++)
        {
          JsonNode *element = json_array_get_element (nodes, i);
          JsonObject *object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element)
                                                                 : NULL;
          JsonNode *position = object != NULL ? json_object_get_member (object, "position") : NULL;
          JsonArray *xy;

          if (position == NULL || !JSON_NODE_HOLDS_ARRAY (position) ||
              json_array_get_length (xy = json_node_get_array (position)) < 2)
            continue;
          free = _conduit_graph_view_spot_is_free (self,
                                                   json_array_get_double_element (xy, 0) + offset,
                                                   json_array_get_double_element (xy, 1) + offset,
                                                   NULL);
        }
      if (free)
        return offset;
    }
  return 2 * GRID_STEP;
}

static gboolean
paste_data (ConduitGraphView *self,
            const char       *data)
{
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  double offset = paste_offset (self, data);

  added = conduit_flow_clipboard_paste_with_notes (self->undo_stack, data, offset, offset, &notes,
                                                   &error);
  if (added == NULL)
    {
      _conduit_graph_view_emit_message (self, error->message);
      return FALSE;
    }

  select_nodes_and_notes (self, added, notes);
  return TRUE;
}

static void
action_delete (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  delete_selection (CONDUIT_GRAPH_VIEW (widget), _("Delete"));
}

static void
action_duplicate (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = _conduit_graph_view_dup_selection (self);
  g_autoptr(GPtrArray) notes = _conduit_graph_view_dup_selected_notes (self);
  g_autofree char *data = NULL;

  if (nodes->len == 0 && notes->len == 0)
    return;

  data = conduit_flow_clipboard_serialize_with_notes (self->flow, nodes, notes);
  paste_data (self, data);
}

static void
copy_selection (ConduitGraphView *self)
{
  g_autoptr(GPtrArray) nodes = _conduit_graph_view_dup_selection (self);
  g_autoptr(GPtrArray) notes = _conduit_graph_view_dup_selected_notes (self);
  g_autoptr(GdkContentProvider) provider = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GdkContentProvider *providers[2];
  char *data;

  if (nodes->len == 0 && notes->len == 0)
    return;

  data = conduit_flow_clipboard_serialize_with_notes (self->flow, nodes, notes);
  bytes = g_bytes_new_take (data, strlen (data));
  providers[0] = gdk_content_provider_new_for_bytes (CONDUIT_FLOW_MIME_TYPE, bytes);
  providers[1] = gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", bytes);
  provider = gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), provider);
}

static void
action_copy (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  copy_selection (CONDUIT_GRAPH_VIEW (widget));
}

static void
action_cut (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  copy_selection (self);
  delete_selection (self, _("Cut"));
}

static void
paste_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConduitGraphView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);

  if (text == NULL || self->flow == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _conduit_graph_view_emit_message (self, _("The clipboard does not hold Conduit nodes"));
      return;
    }

  paste_data (self, text);
}

static void
action_paste (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->flow == NULL)
    return;
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, paste_read_cb,
                                 g_object_ref (self));
}

static void
action_select_all (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new ();

  for (guint i = 0; i < self->cards->len; i++)
    g_ptr_array_add (nodes, conduit_graph_node_get_node (g_ptr_array_index (self->cards, i)));
  for (guint i = 0; i < self->note_widgets->len; i++)
    g_ptr_array_add (notes, conduit_graph_note_get_note (g_ptr_array_index (self->note_widgets, i)));
  select_nodes_and_notes (self, nodes, notes);
}

static void
action_undo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->undo_stack)
    conduit_undo_stack_undo (self->undo_stack);
}

/* Disables the selected steps, or enables them again when all of them are disabled: one
 * undoable step. */
static void
action_toggle_disabled (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  GListModel *selection = G_LIST_MODEL (self->selection);
  guint n_selected = g_list_model_get_n_items (selection);
  gboolean disable = FALSE;

  if (self->undo_stack == NULL || n_selected == 0)
    return;

  for (guint i = 0; i < n_selected; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (selection, i);

      if (!conduit_node_get_disabled (node))
        disable = TRUE;
    }

  conduit_undo_stack_begin_group (self->undo_stack,
                                  disable ? _("Disable Steps") : _("Enable Steps"));
  for (guint i = 0; i < n_selected; i++)
    {
      g_autoptr(ConduitNode) node = g_list_model_get_item (selection, i);

      conduit_undo_stack_set_disabled (self->undo_stack, node, disable);
    }
  conduit_undo_stack_end_group (self->undo_stack);
}

static void
action_redo (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (self->undo_stack)
    conduit_undo_stack_redo (self->undo_stack);
}

static void
zoom_by (ConduitGraphView *self,
         double            factor)
{
  conduit_graph_viewport_zoom_at (self->viewport,
                                  conduit_graph_viewport_get_zoom (self->viewport) * factor,
                                  gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                                  gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

static void
action_zoom (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);

  if (g_str_equal (action_name, "graph.zoom-in"))
    zoom_by (self, ZOOM_STEP);
  else if (g_str_equal (action_name, "graph.zoom-out"))
    zoom_by (self, 1 / ZOOM_STEP);
  else if (g_str_equal (action_name, "graph.zoom-reset"))
    zoom_by (self, 1 / conduit_graph_viewport_get_zoom (self->viewport));
  else
    conduit_graph_view_zoom_to_fit (self);
}

static void
action_nudge (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  g_autoptr(GPtrArray) nodes = _conduit_graph_view_dup_selection (self);
  g_autoptr(GPtrArray) notes = _conduit_graph_view_dup_selected_notes (self);
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);

  if (nodes->len == 0 && notes->len == 0)
    {
      conduit_graph_viewport_pan (self->viewport, -dx * 2, -dy * 2);
      return;
    }

  conduit_undo_stack_begin_group (self->undo_stack, _("Move"));
  for (guint i = 0; i < nodes->len; i++)
    {
      ConduitNode *node = g_ptr_array_index (nodes, i);

      conduit_undo_stack_move_node (self->undo_stack, node,
                                    conduit_node_get_x (node) + dx, conduit_node_get_y (node) + dy);
    }
  for (guint i = 0; i < notes->len; i++)
    {
      ConduitNote *note = g_ptr_array_index (notes, i);

      conduit_undo_stack_set_note_box (self->undo_stack, note, conduit_note_get_x (note) + dx,
                                       conduit_note_get_y (note) + dy,
                                       conduit_note_get_width (note),
                                       conduit_note_get_height (note));
    }
  conduit_undo_stack_end_group (self->undo_stack);
}

void
_conduit_graph_view_clear_popover (ConduitGraphView *self)
{
  if (self->popover != NULL)
    {
      GtkWidget *popover = g_steal_pointer (&self->popover);

      self->rename_entry = NULL;
      self->renaming = NULL;
      gtk_widget_unparent (popover);
    }
}

static gboolean
clear_popover_idle (gpointer data)
{
  ConduitGraphView *self = data;

  _conduit_graph_view_clear_popover (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
on_popover_closed (ConduitGraphView *self,
                   GtkPopover       *popover)
{
  /* a menu item's action runs after "closed": unparent once it has */
  if (self->popover == GTK_WIDGET (popover))
    g_idle_add (clear_popover_idle, g_object_ref (self));
}

void
_conduit_graph_view_show_popover (ConduitGraphView *self,
                                  GtkWidget        *popover,
                                  double            x,
                                  double            y,
                                  double            width,
                                  double            height)
{
  _conduit_graph_view_clear_popover (self);
  self->popover = popover;
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
  gtk_popover_set_pointing_to (GTK_POPOVER (popover),
                               &(GdkRectangle) { (int)x, (int)y,
                                                 MAX (1, (int)width), MAX (1, (int)height) });
  g_signal_connect_object (popover, "closed", G_CALLBACK (on_popover_closed), self,
                           G_CONNECT_SWAPPED);
  gtk_popover_popup (GTK_POPOVER (popover));
}

GtkPopover *
conduit_graph_view_get_popover (ConduitGraphView *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_VIEW (self), NULL);
  return self->popover ? GTK_POPOVER (self->popover) : NULL;
}

static void
card_widget_rect (ConduitGraphView *self,
                  ConduitGraphNode *card,
                  graphene_rect_t  *rect)
{
  graphene_rect_t canvas = _conduit_graph_view_card_canvas_rect (card);
  double zoom = conduit_graph_viewport_get_zoom (self->viewport);
  double x, y;

  conduit_graph_viewport_to_widget (self->viewport, canvas.origin.x, canvas.origin.y, &x, &y);
  graphene_rect_init (rect, x, y, canvas.size.width * zoom, canvas.size.height * zoom);
}

static void
on_rename_activate (ConduitGraphView *self,
                    GtkEntry         *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (self->renaming != NULL && *text != '\0')
    conduit_undo_stack_set_title (self->undo_stack, self->renaming, text);
  if (self->popover)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
}

static void
action_rename (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  GtkWidget *popover, *entry;
  graphene_rect_t rect;

  if (card == NULL)
    {
      _conduit_graph_view_edit_focused_note (self);
      return;
    }

  _conduit_graph_view_reveal_card (self, card);
  card_widget_rect (self, card, &rect);

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), _conduit_graph_view_card_title (card));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Node name"), -1);
  g_signal_connect_object (entry, "activate", G_CALLBACK (on_rename_activate), self,
                           G_CONNECT_SWAPPED);

  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), entry);
  _conduit_graph_view_show_popover (self, popover, rect.origin.x, rect.origin.y, rect.size.width,
                                    CONDUIT_GRAPH_NODE_HEADER);
  self->rename_entry = entry;
  self->renaming = node;
  gtk_widget_grab_focus (entry);
}

static void
action_link (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  const char *from, *from_port, *to, *to_port;
  g_autoptr(ConduitLink) link = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_get (parameter, "(&s&s&s&s)", &from, &from_port, &to, &to_port);
  link = conduit_link_new (from, from_port, to, to_port);
  if (!conduit_flow_can_link (self->flow, self->registry, link, &error))
    {
      _conduit_graph_view_emit_message (self, error->message);
      return;
    }
  conduit_undo_stack_add_link (self->undo_stack, link);
}

static int
compare_distance (gconstpointer a,
                  gconstpointer b,
                  gpointer      user_data)
{
  ConduitNode *origin = user_data;
  ConduitNode *na = *(ConduitNode **)a, *nb = *(ConduitNode **)b;
  double da = hypot (conduit_node_get_x (na) - conduit_node_get_x (origin),
                     conduit_node_get_y (na) - conduit_node_get_y (origin));
  double db = hypot (conduit_node_get_x (nb) - conduit_node_get_x (origin),
                     conduit_node_get_y (nb) - conduit_node_get_y (origin));

  return (da > db) - (da < db);
}

/* The keyboard way to connect: a menu of the input ports the selected node's outputs may
 * link to, nearest nodes first. */
static GMenuModel *
build_connect_menu (ConduitGraphView *self,
                    ConduitNode      *node)
{
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  ConduitConnector *connector = conduit_graph_node_get_connector (card);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  GPtrArray *outputs;

  if (connector == NULL)
    return G_MENU_MODEL (g_steal_pointer (&menu));

  for (guint i = 0; i < self->cards->len; i++)
    {
      ConduitNode *other = conduit_graph_node_get_node (g_ptr_array_index (self->cards, i));

      if (other != node)
        g_ptr_array_add (others, other);
    }
  g_ptr_array_sort_with_data (others, compare_distance, node);

  outputs = conduit_connector_get_outputs (connector);
  for (guint o = 0; o < outputs->len; o++)
    {
      const ConduitPortSpec *out = g_ptr_array_index (outputs, o);
      g_autoptr(GMenu) section = g_menu_new ();
      g_autofree char *heading = g_strdup_printf (_("From “%s”"), out->label);
      guint n_items = 0;

      for (guint i = 0; i < others->len && n_items < MAX_CONNECT_TARGETS; i++)
        {
          ConduitNode *other = g_ptr_array_index (others, i);
          ConduitGraphNode *other_card = conduit_graph_view_get_card (self, other);
          ConduitConnector *other_connector = conduit_graph_node_get_connector (other_card);
          GPtrArray *inputs = other_connector
                              ? conduit_connector_get_inputs (other_connector) : NULL;

          for (guint p = 0; inputs != NULL && p < inputs->len; p++)
            {
              const ConduitPortSpec *in = g_ptr_array_index (inputs, p);
              g_autoptr(ConduitLink) link = conduit_link_new (conduit_node_get_id (node), out->id,
                                                              conduit_node_get_id (other), in->id);
              g_autoptr(GMenuItem) item = NULL;
              g_autofree char *label = NULL;
              const char *title = _conduit_graph_view_card_title (other_card);

              if (!conduit_flow_can_link (self->flow, self->registry, link, NULL))
                continue;

              label = inputs->len > 1 ? g_strdup_printf ("%s — %s", title, in->label)
                                      : g_strdup (title);
              item = g_menu_item_new (label, NULL);
              g_menu_item_set_action_and_target (item, "graph.link", "(ssss)",
                                                 conduit_node_get_id (node), out->id,
                                                 conduit_node_get_id (other), in->id);
              g_menu_append_item (section, item);
              n_items++;
            }
        }

      if (n_items == 0)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (_("Nothing to connect to"), "graph.nothing");

          g_menu_append_item (section, item);
        }
      g_menu_append_section (menu, heading, G_MENU_MODEL (section));
    }

  return G_MENU_MODEL (g_steal_pointer (&menu));
}

static void
action_connect_to (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);
  ConduitGraphNode *card = conduit_graph_view_get_card (self, node);
  g_autoptr(GMenuModel) menu = NULL;
  graphene_rect_t rect;

  if (card == NULL)
    return;

  _conduit_graph_view_reveal_card (self, card);
  card_widget_rect (self, card, &rect);
  menu = build_connect_menu (self, node);
  _conduit_graph_view_show_popover (self, gtk_popover_menu_new_from_model (menu),
                                    rect.origin.x + rect.size.width, rect.origin.y,
                                    1, rect.size.height);
}

void
_conduit_graph_view_update_actions (ConduitGraphView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  guint n_selected = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint n_notes = self->selected_notes->len;
  gboolean has_flow = self->flow != NULL;

  gtk_widget_action_set_enabled (widget, "graph.delete",
                                 n_selected > 0 || n_notes > 0 || self->selected_link != NULL);
  gtk_widget_action_set_enabled (widget, "graph.duplicate", n_selected + n_notes > 0);
  gtk_widget_action_set_enabled (widget, "graph.copy", n_selected + n_notes > 0);
  gtk_widget_action_set_enabled (widget, "graph.cut", n_selected + n_notes > 0);
  gtk_widget_action_set_enabled (widget, "graph.paste", has_flow);
  gtk_widget_action_set_enabled (widget, "graph.select-all", has_flow && self->cards->len > 0);
  gtk_widget_action_set_enabled (widget, "graph.connect-to", n_selected == 1);
  gtk_widget_action_set_enabled (widget, "graph.rename",
                                 n_selected == 1 || (n_selected == 0 && n_notes == 1));
  gtk_widget_action_set_enabled (widget, "graph.tidy-up", has_flow && self->cards->len > 0);
  _conduit_graph_view_update_note_actions (self);
  gtk_widget_action_set_enabled (widget, "graph.toggle-disabled", n_selected > 0);
  gtk_widget_action_set_enabled (widget, "graph.link", has_flow);
  gtk_widget_action_set_enabled (widget, "graph.undo",
                                 self->undo_stack
                                   && conduit_undo_stack_get_can_undo (self->undo_stack));
  gtk_widget_action_set_enabled (widget, "graph.redo",
                                 self->undo_stack
                                   && conduit_undo_stack_get_can_redo (self->undo_stack));
}

/* The menu of a right-click on a note. */
GMenuModel *
_conduit_graph_view_build_note_menu (void)
{
  static const struct { const char *id; const char *label; } colors[] = {
    { "yellow", N_("Yellow") }, { "orange", N_("Orange") }, { "red", N_("Red") },
    { "purple", N_("Purple") }, { "blue", N_("Blue") }, { "green", N_("Green") },
    { "grey", N_("Grey") },
  };
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) palette = g_menu_new ();

  g_menu_append (menu, _("_Edit Text"), "graph.edit-note");
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_(colors[i].label), NULL);

      g_menu_item_set_action_and_target (item, "graph.note-color", "s", colors[i].id);
      g_menu_append_item (palette, item);
    }
  g_menu_append_submenu (menu, _("C_olour"), G_MENU_MODEL (palette));
  g_menu_append (menu, _("D_uplicate"), "graph.duplicate");
  g_menu_append (menu, _("_Copy"), "graph.copy");
  g_menu_append (menu, _("_Delete"), "graph.delete");
  return G_MENU_MODEL (menu);
}

GMenuModel *
_conduit_graph_view_build_context_menu (gboolean on_node)
{
  return _conduit_graph_view_build_canvas_menu (on_node, FALSE, 0, 0);
}

/* The menu of a right-click on a card, or on empty canvas at (x, y) in canvas units (where
 * Add Note puts the note). */
GMenuModel *
_conduit_graph_view_build_canvas_menu (gboolean on_node,
                                       gboolean has_point,
                                       double   x,
                                       double   y)
{
  GMenu *menu = g_menu_new ();

  if (on_node)
    {
      g_menu_append (menu, _("_Rename…"), "graph.rename");
      g_menu_append (menu, _("_Connect To…"), "graph.connect-to");
      g_menu_append (menu, _("D_uplicate"), "graph.duplicate");
      g_menu_append (menu, _("Disable or _Enable"), "graph.toggle-disabled");
      /* the editor's: a step runs alone on its pinned or last upstream data (#20) */
      g_menu_append (menu, _("Run _This Step"), "editor.run-step");
      g_menu_append (menu, _("_Copy"), "graph.copy");
      g_menu_append (menu, _("_Delete"), "graph.delete");
    }
  else
    {
      if (has_point)
        {
          g_autoptr(GMenuItem) item = g_menu_item_new (_("Add _Note"), NULL);

          g_menu_item_set_action_and_target (item, "graph.add-note-at", "(dd)", x, y);
          g_menu_append_item (menu, item);
        }
      else
        g_menu_append (menu, _("Add _Note"), "graph.add-note");
      g_menu_append (menu, _("_Paste"), "graph.paste");
      g_menu_append (menu, _("_Tidy Up"), "graph.tidy-up");
      g_menu_append (menu, _("Select _All"), "graph.select-all");
      g_menu_append (menu, _("Zoom to _Fit"), "graph.zoom-fit");
    }
  return G_MENU_MODEL (menu);
}

static void
action_activate (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ConduitGraphView *self = CONDUIT_GRAPH_VIEW (widget);
  ConduitNode *node = conduit_graph_view_get_selected_node (self);

  if (node != NULL)
    _conduit_graph_view_emit_node_activated (self, node);
  else
    _conduit_graph_view_edit_focused_note (self);
}

static void
add_nudge_bindings (GtkWidgetClass *widget_class,
                    guint           keyval,
                    double          dx,
                    double          dy)
{
  gtk_widget_class_add_binding_action (widget_class, keyval, 0, "graph.nudge", "(dd)", dx, dy);
  gtk_widget_class_add_binding_action (widget_class, keyval, GDK_SHIFT_MASK, "graph.nudge", "(dd)",
                                       dx / GRID_STEP, dy / GRID_STEP);
}

void
_conduit_graph_view_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "graph.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "graph.duplicate", NULL, action_duplicate);
  gtk_widget_class_install_action (widget_class, "graph.copy", NULL, action_copy);
  gtk_widget_class_install_action (widget_class, "graph.cut", NULL, action_cut);
  gtk_widget_class_install_action (widget_class, "graph.paste", NULL, action_paste);
  gtk_widget_class_install_action (widget_class, "graph.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "graph.undo", NULL, action_undo);
  gtk_widget_class_install_action (widget_class, "graph.redo", NULL, action_redo);
  gtk_widget_class_install_action (widget_class, "graph.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-reset", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "graph.connect-to", NULL, action_connect_to);
  gtk_widget_class_install_action (widget_class, "graph.rename", NULL, action_rename);
  gtk_widget_class_install_action (widget_class, "graph.toggle-disabled", NULL,
                                   action_toggle_disabled);
  gtk_widget_class_install_action (widget_class, "graph.activate", NULL, action_activate);
  gtk_widget_class_install_action (widget_class, "graph.link", "(ssss)", action_link);
  gtk_widget_class_install_action (widget_class, "graph.nudge", "(dd)", action_nudge);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "graph.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK,
                                       "graph.duplicate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "graph.copy",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_x, GDK_CONTROL_MASK, "graph.cut",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "graph.paste",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK,
                                       "graph.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "graph.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "graph.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "graph.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "graph.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "graph.zoom-reset", NULL);
  /* "1" shows the whole flow, as in n8n's editor, which many of our users come from */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, 0, "graph.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "graph.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "graph.activate", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "graph.connect-to", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "graph.connect-to", NULL);
  add_nudge_bindings (widget_class, GDK_KEY_Left, -NUDGE_STEP, 0);
  add_nudge_bindings (widget_class, GDK_KEY_Right, NUDGE_STEP, 0);
  add_nudge_bindings (widget_class, GDK_KEY_Up, 0, -NUDGE_STEP);
  add_nudge_bindings (widget_class, GDK_KEY_Down, 0, NUDGE_STEP);
}
