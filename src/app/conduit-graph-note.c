/* conduit-graph-note.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-graph-note"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-graph-note.h"

/* A sticky note on the canvas: its text, wrapped, on a tinted square. Like a card it is a real
 * child widget (focusable, with an accessible label "Note: …") placed and scaled by the view;
 * the view moves and resizes it. Editing happens in place: a text view takes the label's place
 * until Escape, Ctrl+Enter or a click elsewhere, and the whole edit becomes one "edited"
 * signal, which the view turns into one undoable step. */

#define PADDING 10

struct _ConduitGraphNote
{
  GtkWidget    parent_instance;

  ConduitNote *note;
  GtkWidget   *label;
  GtkWidget   *text_view;   /* while editing */
  guint        leave_idle;
  guint        selected : 1;
  guint        ending : 1;
};

enum {
  EDITED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (ConduitGraphNote, conduit_graph_note, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

char *
conduit_graph_note_dup_accessible_label (ConduitGraphNote *self)
{
  const char *text;

  g_return_val_if_fail (CONDUIT_IS_GRAPH_NOTE (self), NULL);

  text = conduit_note_get_text (self->note);
  if (*text == '\0')
    return g_strdup (_("Note: empty"));
  return g_strdup_printf (_("Note: %s"), text);
}

static void
update_text (ConduitGraphNote *self)
{
  g_autofree char *label = conduit_graph_note_dup_accessible_label (self);
  const char *text = conduit_note_get_text (self->note);

  gtk_label_set_text (GTK_LABEL (self->label), *text ? text : _("Empty note"));
  if (*text)
    gtk_widget_remove_css_class (self->label, "dim-label");
  else
    gtk_widget_add_css_class (self->label, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
update_color (ConduitGraphNote *self)
{
  const char * const *colors = conduit_note_list_colors ();
  const char *color = conduit_note_get_color (self->note);

  for (guint i = 0; colors[i] != NULL; i++)
    {
      g_autofree char *css_class = g_strconcat ("note-", colors[i], NULL);

      /* an unknown colour (the model is lenient) is painted as the default */
      if (g_str_equal (colors[i], color) ||
          (i == 0 && !conduit_note_color_is_known (color)))
        gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), css_class);
    }
}

static void
on_note_notify (ConduitGraphNote *self,
                GParamSpec       *pspec)
{
  if (g_str_equal (pspec->name, "text"))
    update_text (self);
  else if (g_str_equal (pspec->name, "color"))
    update_color (self);
}

static void
conduit_graph_note_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  ConduitGraphNote *self = CONDUIT_GRAPH_NOTE (widget);

  /* the view gives the note its box from the model; children shrink into it */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = (int)conduit_note_get_width (self->note);
  else
    *minimum = *natural = (int)conduit_note_get_height (self->note);
}

static void
conduit_graph_note_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  ConduitGraphNote *self = CONDUIT_GRAPH_NOTE (widget);
  GtkWidget *child = self->text_view ? self->text_view : self->label;
  int inner_w = MAX (1, width - 2 * PADDING);
  int inner_h = MAX (1, height - 2 * PADDING);
  int min_w, min_h;

  /* a wrapped label's minimum is a word: never more than the box */
  gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, MAX (inner_w, min_w), &min_h, NULL, NULL,
                      NULL);
  gtk_widget_size_allocate (child,
                            &(GtkAllocation) { PADDING, PADDING, MAX (inner_w, min_w),
                                               self->text_view ? MAX (inner_h, min_h) : inner_h },
                            -1);
  if (self->text_view)
    gtk_widget_set_child_visible (self->label, FALSE);
  else
    gtk_widget_set_child_visible (self->label, TRUE);
}

static void
conduit_graph_note_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  ConduitGraphNote *self = CONDUIT_GRAPH_NOTE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA color;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* the text is clipped to the note: a long one shows its start, as a sticky note would */
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gtk_widget_snapshot_child (widget, self->text_view ? self->text_view : self->label, snapshot);
  gtk_snapshot_pop (snapshot);

  /* the resize grip: two short diagonal strokes in the corner */
  color.alpha *= 0.45;
  for (int i = 1; i <= 2; i++)
    {
      double d = i * 5.0;
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                               &GRAPHENE_RECT_INIT (width - CONDUIT_GRAPH_NOTE_GRIP,
                                                                    height - CONDUIT_GRAPH_NOTE_GRIP,
                                                                    CONDUIT_GRAPH_NOTE_GRIP,
                                                                    CONDUIT_GRAPH_NOTE_GRIP));

      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_line_width (cr, 1.2);
      cairo_move_to (cr, width - 3, height - 3 - d);
      cairo_line_to (cr, width - 3 - d, height - 3);
      cairo_stroke (cr);
      cairo_destroy (cr);
    }
  (void)self;
}

static void
finish_edit (ConduitGraphNote *self,
             gboolean          keep)
{
  g_autofree char *text = NULL;
  GtkWidget *text_view;

  if (self->text_view == NULL || self->ending)
    return;

  self->ending = TRUE;
  if (keep)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }
  text_view = g_steal_pointer (&self->text_view);
  /* focus goes back to the note, so the keyboard stays on the canvas */
  if (gtk_widget_has_focus (text_view))
    gtk_widget_grab_focus (GTK_WIDGET (self));
  gtk_widget_unparent (text_view);
  self->ending = FALSE;
  gtk_widget_queue_allocate (GTK_WIDGET (self));

  if (text != NULL)
    g_signal_emit (self, signals[EDITED], 0, text);
}

static gboolean
on_text_key_pressed (ConduitGraphNote      *self,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     GtkEventControllerKey *controller)
{
  if (keyval == GDK_KEY_Escape ||
      ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && (state & GDK_CONTROL_MASK)))
    {
      finish_edit (self, TRUE);
      return TRUE;
    }
  return FALSE;
}

static gboolean
finish_edit_idle (gpointer data)
{
  ConduitGraphNote *self = data;

  self->leave_idle = 0;
  /* the focus may have come back (a click on the note's own text) */
  if (self->text_view != NULL && !gtk_widget_has_focus (self->text_view))
    finish_edit (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
on_text_focus_leave (ConduitGraphNote *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* another window taking the focus (a person looking something up) is no end of the edit:
   * the focus comes back to the text when this window is active again */
  if (GTK_IS_WINDOW (root) && !gtk_window_is_active (GTK_WINDOW (root)))
    return;
  /* not now: GTK is still moving the focus away from the text view, which finishing the edit
   * would destroy under it (a second note added while the first is edited) */
  if (self->leave_idle == 0)
    self->leave_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, finish_edit_idle,
                                        g_object_ref (self), g_object_unref);
}

/**
 * conduit_graph_note_begin_edit:
 * @self: a note
 *
 * Puts a text view in the note's place, holding its text, with the keyboard focus: multi-line
 * (Enter starts a new line); Escape, Ctrl+Enter or focus elsewhere ends the edit.
 */
void
conduit_graph_note_begin_edit (ConduitGraphNote *self)
{
  GtkEventController *controller;
  GtkTextBuffer *buffer;

  g_return_if_fail (CONDUIT_IS_GRAPH_NOTE (self));

  if (self->text_view != NULL)
    {
      gtk_widget_grab_focus (self->text_view);
      return;
    }

  self->text_view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->text_view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->text_view), FALSE);
  gtk_widget_add_css_class (self->text_view, "note-text");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Note text"), -1);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->text_view));
  gtk_text_buffer_set_text (buffer, conduit_note_get_text (self->note), -1);

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (on_text_key_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->text_view, controller);
  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "leave", G_CALLBACK (on_text_focus_leave), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->text_view, controller);

  gtk_widget_set_parent (self->text_view, GTK_WIDGET (self));
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_grab_focus (self->text_view);
}

gboolean
conduit_graph_note_get_editing (ConduitGraphNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NOTE (self), FALSE);
  return self->text_view != NULL;
}

/* Ends an edit in progress, keeping what was typed. */
void
conduit_graph_note_end_edit (ConduitGraphNote *self)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_NOTE (self));
  finish_edit (self, TRUE);
}

/**
 * conduit_graph_note_get_text_view:
 * @self: a note
 *
 * Returns: (transfer none) (nullable): the text view while the note is edited
 */
GtkTextView *
conduit_graph_note_get_text_view (ConduitGraphNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NOTE (self), NULL);
  return self->text_view ? GTK_TEXT_VIEW (self->text_view) : NULL;
}

static void
conduit_graph_note_dispose (GObject *object)
{
  ConduitGraphNote *self = (ConduitGraphNote *)object;

  if (self->note != NULL)
    g_signal_handlers_disconnect_by_data (self->note, self);
  self->ending = TRUE;   /* no "edited" from a note that is going away */
  g_clear_handle_id (&self->leave_idle, g_source_remove);
  g_clear_pointer (&self->text_view, gtk_widget_unparent);
  g_clear_pointer (&self->label, gtk_widget_unparent);
  g_clear_object (&self->note);

  G_OBJECT_CLASS (conduit_graph_note_parent_class)->dispose (object);
}

static void
conduit_graph_note_class_init (ConduitGraphNoteClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = conduit_graph_note_dispose;
  widget_class->measure = conduit_graph_note_measure;
  widget_class->size_allocate = conduit_graph_note_size_allocate;
  widget_class->snapshot = conduit_graph_note_snapshot;

  /**
   * ConduitGraphNote::edited:
   * @text: the text when the edit ended
   *
   * An edit in place ended; the view records @text as one undoable step.
   */
  signals[EDITED] =
    g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_css_name (widget_class, "graphnote");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
conduit_graph_note_init (ConduitGraphNote *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_yalign (GTK_LABEL (self->label), 0);
  gtk_widget_set_valign (self->label, GTK_ALIGN_START);
  gtk_widget_add_css_class (self->label, "note-text");
  /* the note itself carries the label for assistive technology */
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));
}

GtkWidget *
conduit_graph_note_new (ConduitNote *note)
{
  ConduitGraphNote *self;

  g_return_val_if_fail (CONDUIT_IS_NOTE (note), NULL);

  self = g_object_new (CONDUIT_TYPE_GRAPH_NOTE, NULL);
  self->note = g_object_ref (note);
  g_signal_connect_object (note, "notify", G_CALLBACK (on_note_notify), self, G_CONNECT_SWAPPED);
  update_text (self);
  update_color (self);
  return GTK_WIDGET (self);
}

ConduitNote *
conduit_graph_note_get_note (ConduitGraphNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NOTE (self), NULL);
  return self->note;
}

void
conduit_graph_note_set_selected (ConduitGraphNote *self,
                                 gboolean          selected)
{
  g_return_if_fail (CONDUIT_IS_GRAPH_NOTE (self));

  selected = !!selected;
  if (self->selected == selected)
    return;
  self->selected = selected;
  if (selected)
    gtk_widget_set_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED, FALSE);
  else
    gtk_widget_unset_state_flags (GTK_WIDGET (self), GTK_STATE_FLAG_SELECTED);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_SELECTED, selected, -1);
}

gboolean
conduit_graph_note_get_selected (ConduitGraphNote *self)
{
  g_return_val_if_fail (CONDUIT_IS_GRAPH_NOTE (self), FALSE);
  return self->selected;
}
