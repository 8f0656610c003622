/* conduit-undo-stack.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-undo-stack"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "conduit-undo-stack.h"

/* Every edit of a flow made by the editor goes through here. An edit is a Command that knows
 * both states, so undo and redo only swap them; a Step is what one Ctrl+Z takes back (one
 * command, or every command of a group such as "Delete 3 nodes"). Commands hold the node
 * objects themselves, so a node that is deleted and restored keeps its identity and later
 * steps that refer to it stay valid.
 *
 * Each step has a serial number that is never reused, so "where the history stands" is the
 * serial of the newest undoable step (or of the bottom, when nothing is left to undo). The
 * document remembers the position its file holds, the save point, and is unmodified exactly
 * when the history stands there again. A step that redo can no longer reach is freed and its
 * serial with it, so a save point lost that way never comes back.
 */

#define MAX_STEPS 500
#define NO_POSITION 0

typedef enum
{
  COMMAND_ADD_NODE,
  COMMAND_REMOVE_NODE,
  COMMAND_ADD_LINK,
  COMMAND_REMOVE_LINK,
  COMMAND_MOVE_NODE,
  COMMAND_SET_SETTING,
  COMMAND_SET_TITLE,
  COMMAND_SET_NOTES,
  COMMAND_SET_MAPPING,
  COMMAND_SET_FLOW_PROPERTY,
  COMMAND_SET_DISABLED,
  COMMAND_SET_PINNED,
  COMMAND_ADD_NOTE,
  COMMAND_REMOVE_NOTE,
  COMMAND_SET_NOTE_BOX,
  COMMAND_SET_NOTE_TEXT,
  COMMAND_SET_NOTE_COLOR,
} CommandKind;

typedef struct
{
  CommandKind  kind;
  ConduitNode *node;       /* node commands */
  ConduitLink *link;       /* link commands */
  ConduitNote *note;       /* note commands */
  GPtrArray   *links;      /* COMMAND_REMOVE_NODE: the links that went with the node */
  guint        position;   /* COMMAND_*_NODE: index in the flow's node list */
  char        *key;        /* setting key or flow property name */
  double       old_x, old_y, new_x, new_y;
  double       old_w, old_h, new_w, new_h;   /* COMMAND_SET_NOTE_BOX */
  char        *old_text, *new_text;
  JsonNode    *old_value, *new_value;
  gboolean     new_flag;   /* COMMAND_SET_DISABLED; the old state is its opposite */
} Command;

typedef struct
{
  char      *label;
  GPtrArray *commands;
  guint64    serial;
} Step;

struct _ConduitUndoStack
{
  GObject      parent_instance;

  ConduitFlow *flow;
  GPtrArray   *undo;        /* of Step, newest last */
  GPtrArray   *redo;        /* of Step, next to redo last */
  Step        *group;       /* while a group is open */
  guint        group_depth;
  guint64      last_serial;
  guint64      bottom;      /* the position once every step in undo is undone */
  guint64      save_point;  /* the position the file holds, or NO_POSITION */
  guint        replaying : 1;
  guint        applying : 1;
  guint        previewing;      /* nesting of begin_preview() */
  guint        can_merge : 1;  /* the newest step may absorb a repeat of its edit */
};

enum {
  PROP_0,
  PROP_FLOW,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_AT_SAVE_POINT,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitUndoStack, conduit_undo_stack, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
command_free (Command *command)
{
  g_clear_object (&command->node);
  g_clear_object (&command->link);
  g_clear_object (&command->note);
  g_clear_pointer (&command->links, g_ptr_array_unref);
  g_free (command->key);
  g_free (command->old_text);
  g_free (command->new_text);
  g_clear_pointer (&command->old_value, json_node_unref);
  g_clear_pointer (&command->new_value, json_node_unref);
  g_free (command);
}

static Step *
step_new (ConduitUndoStack *self,
          const char       *label)
{
  Step *step = g_new0 (Step, 1);

  step->serial = ++self->last_serial;
  step->label = g_strdup (label);
  step->commands = g_ptr_array_new_with_free_func ((GDestroyNotify)command_free);
  return step;
}

static void
step_free (Step *step)
{
  g_free (step->label);
  g_ptr_array_unref (step->commands);
  g_free (step);
}

static void
conduit_undo_stack_dispose (GObject *object)
{
  ConduitUndoStack *self = (ConduitUndoStack *)object;

  g_clear_pointer (&self->group, step_free);
  if (self->undo)
    g_ptr_array_set_size (self->undo, 0);
  if (self->redo)
    g_ptr_array_set_size (self->redo, 0);
  g_clear_object (&self->flow);

  G_OBJECT_CLASS (conduit_undo_stack_parent_class)->dispose (object);
}

static void
conduit_undo_stack_finalize (GObject *object)
{
  ConduitUndoStack *self = (ConduitUndoStack *)object;

  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->redo, g_ptr_array_unref);

  G_OBJECT_CLASS (conduit_undo_stack_parent_class)->finalize (object);
}

static void
conduit_undo_stack_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConduitUndoStack *self = CONDUIT_UNDO_STACK (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      g_value_set_object (value, self->flow);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, conduit_undo_stack_get_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, conduit_undo_stack_get_can_redo (self));
      break;
    case PROP_AT_SAVE_POINT:
      g_value_set_boolean (value, conduit_undo_stack_get_at_save_point (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_undo_stack_class_init (ConduitUndoStackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_undo_stack_dispose;
  object_class->finalize = conduit_undo_stack_finalize;
  object_class->get_property = conduit_undo_stack_get_property;

  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, CONDUIT_TYPE_FLOW,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_AT_SAVE_POINT] =
    g_param_spec_boolean ("at-save-point", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_undo_stack_init (ConduitUndoStack *self)
{
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify)step_free);
  self->redo = g_ptr_array_new_with_free_func ((GDestroyNotify)step_free);
  /* a new stack stands where its flow was loaded, which is what the file holds */
  self->bottom = self->save_point = ++self->last_serial;
}

/**
 * conduit_undo_stack_new:
 * @flow: the flow whose edits are recorded
 *
 * Returns: (transfer full): an empty undo stack
 */
ConduitUndoStack *
conduit_undo_stack_new (ConduitFlow *flow)
{
  ConduitUndoStack *self;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);

  self = g_object_new (CONDUIT_TYPE_UNDO_STACK, NULL);
  self->flow = g_object_ref (flow);
  return self;
}

ConduitFlow *
conduit_undo_stack_get_flow (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), NULL);
  return self->flow;
}

gboolean
conduit_undo_stack_get_can_undo (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), FALSE);
  return self->undo->len > 0 && self->group == NULL;
}

gboolean
conduit_undo_stack_get_can_redo (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), FALSE);
  return self->redo->len > 0 && self->group == NULL;
}

static const char *
top_label (GPtrArray *steps)
{
  if (steps->len == 0)
    return NULL;
  return ((Step *)g_ptr_array_index (steps, steps->len - 1))->label;
}

/**
 * conduit_undo_stack_get_undo_label:
 * @self: an undo stack
 *
 * Returns: (nullable): what undo would take back, e.g. "Move “CRM”", for a menu item
 */
const char *
conduit_undo_stack_get_undo_label (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), NULL);
  return top_label (self->undo);
}

const char *
conduit_undo_stack_get_redo_label (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), NULL);
  return top_label (self->redo);
}

/* What the properties said before a change, so that only real changes are notified. */
typedef struct { gboolean can_undo, can_redo, at_save_point; } Ability;

static Ability
ability (ConduitUndoStack *self)
{
  return (Ability) { conduit_undo_stack_get_can_undo (self),
                    conduit_undo_stack_get_can_redo (self),
                    conduit_undo_stack_get_at_save_point (self) };
}

static void
notify_ability (ConduitUndoStack *self,
                Ability           before)
{
  Ability after = ability (self);

  if (before.can_undo != after.can_undo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (before.can_redo != after.can_redo)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
  if (before.at_save_point != after.at_save_point)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AT_SAVE_POINT]);
}

/* Where the history stands, or NO_POSITION in the middle of an open group: undo can only
 * take the whole group back, so no position names the flow as it is then. */
static guint64
current_position (ConduitUndoStack *self)
{
  if (self->group != NULL && self->group->commands->len > 0)
    return NO_POSITION;
  if (self->undo->len == 0)
    return self->bottom;
  return ((Step *)g_ptr_array_index (self->undo, self->undo->len - 1))->serial;
}

/**
 * conduit_undo_stack_get_at_save_point:
 * @self: an undo stack
 *
 * Returns: whether the flow is as it was at the position given to
 *   conduit_undo_stack_set_save_point(), as far as the recorded edits tell (a new stack is
 *   at its save point)
 */
gboolean
conduit_undo_stack_get_at_save_point (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), FALSE);
  return self->save_point != NO_POSITION && current_position (self) == self->save_point;
}

/**
 * conduit_undo_stack_checkpoint:
 * @self: an undo stack
 *
 * Names the flow as it is now, for conduit_undo_stack_set_save_point() once the flow is
 * written out. The next edit starts a step of its own rather than merging into the newest
 * one, so undo and redo can come back to exactly this state.
 *
 * Returns: the position, or 0 while a group of edits is half done
 */
guint64
conduit_undo_stack_checkpoint (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), NO_POSITION);

  self->can_merge = FALSE;
  return current_position (self);
}

/**
 * conduit_undo_stack_set_save_point:
 * @self: an undo stack
 * @position: what conduit_undo_stack_checkpoint() returned when the file was written, or 0
 *   when the file matches no state undo or redo can reach
 *
 * The stack is at its save point whenever undo and redo bring the history back to @position;
 * a position whose step was dropped (by an edit after undoing it) is never reached again.
 */
void
conduit_undo_stack_set_save_point (ConduitUndoStack *self,
                                   guint64           position)
{
  Ability before;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (position <= self->last_serial);

  before = ability (self);
  self->save_point = position;
  notify_ability (self, before);
}

/**
 * conduit_undo_stack_get_applying:
 * @self: an undo stack
 *
 * Returns: whether the flow is being changed by the stack itself (recording, undoing or
 *   redoing an edit) or by a preview (see conduit_undo_stack_begin_preview()), so a listener
 *   can tell those changes from edits made around it
 */
gboolean
conduit_undo_stack_get_applying (ConduitUndoStack *self)
{
  g_return_val_if_fail (CONDUIT_IS_UNDO_STACK (self), FALSE);
  return self->applying || self->previewing > 0;
}

/**
 * conduit_undo_stack_begin_preview:
 * @self: an undo stack
 *
 * Says that the changes made to the flow until conduit_undo_stack_end_preview() are a preview:
 * nodes following the pointer during a drag, say. The preview either becomes an edit, recorded
 * on the stack when it is done, or is put back; either way it is not an edit of its own, and
 * the document does not count it as one (a drag that ends where it started, or is cancelled,
 * leaves a saved flow saved).
 */
void
conduit_undo_stack_begin_preview (ConduitUndoStack *self)
{
  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  self->previewing++;
}

/**
 * conduit_undo_stack_end_preview:
 * @self: an undo stack
 *
 * Ends what conduit_undo_stack_begin_preview() began.
 */
void
conduit_undo_stack_end_preview (ConduitUndoStack *self)
{
  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (self->previewing > 0);
  self->previewing--;
}

static void
set_flow_string (ConduitFlow *flow,
                 const char  *property,
                 const char  *value)
{
  g_object_set (flow, property, value, NULL);
}

static void
command_apply (ConduitUndoStack *self,
               Command          *command,
               gboolean          forward)
{
  ConduitFlow *flow = self->flow;

  self->applying = TRUE;
  switch (command->kind)
    {
    case COMMAND_ADD_NODE:
    case COMMAND_REMOVE_NODE:
      if ((command->kind == COMMAND_ADD_NODE) == forward)
        {
          conduit_flow_insert_node (flow, command->position, command->node);
          if (command->links != NULL)
            for (guint i = 0; i < command->links->len; i++)
              conduit_flow_add_link (flow, g_ptr_array_index (command->links, i));
        }
      else
        conduit_flow_remove_node (flow, command->node);
      break;

    case COMMAND_ADD_LINK:
    case COMMAND_REMOVE_LINK:
      if ((command->kind == COMMAND_ADD_LINK) == forward)
        conduit_flow_add_link (flow, command->link);
      else
        conduit_flow_remove_link (flow, command->link);
      break;

    case COMMAND_MOVE_NODE:
      if (forward)
        conduit_node_set_position (command->node, command->new_x, command->new_y);
      else
        conduit_node_set_position (command->node, command->old_x, command->old_y);
      break;

    case COMMAND_SET_SETTING:
      {
        JsonNode *value = forward ? command->new_value : command->old_value;

        conduit_node_set_setting (command->node, command->key, value);
      }
      break;

    case COMMAND_SET_TITLE:
      conduit_node_set_title (command->node, forward ? command->new_text : command->old_text);
      break;

    case COMMAND_SET_NOTES:
      conduit_node_set_notes (command->node, forward ? command->new_text : command->old_text);
      break;

    case COMMAND_SET_MAPPING:
      {
        JsonNode *value = forward ? command->new_value : command->old_value;

        conduit_node_set_mapping (command->node, value);
      }
      break;

    case COMMAND_SET_FLOW_PROPERTY:
      set_flow_string (flow, command->key, forward ? command->new_text : command->old_text);
      break;

    case COMMAND_SET_DISABLED:
      conduit_node_set_disabled (command->node, forward ? command->new_flag : !command->new_flag);
      break;

    case COMMAND_SET_PINNED:
      conduit_node_set_pinned (command->node, forward ? command->new_value : command->old_value);
      break;

    case COMMAND_ADD_NOTE:
    case COMMAND_REMOVE_NOTE:
      if ((command->kind == COMMAND_ADD_NOTE) == forward)
        conduit_flow_insert_note (flow, command->position, command->note);
      else
        conduit_flow_remove_note (flow, command->note);
      break;

    case COMMAND_SET_NOTE_BOX:
      if (forward)
        {
          conduit_note_set_position (command->note, command->new_x, command->new_y);
          conduit_note_set_size (command->note, command->new_w, command->new_h);
        }
      else
        {
          conduit_note_set_position (command->note, command->old_x, command->old_y);
          conduit_note_set_size (command->note, command->old_w, command->old_h);
        }
      break;

    case COMMAND_SET_NOTE_TEXT:
      conduit_note_set_text (command->note, forward ? command->new_text : command->old_text);
      break;

    case COMMAND_SET_NOTE_COLOR:
      conduit_note_set_color (command->note, forward ? command->new_text : command->old_text);
      break;

    default:
      g_assert_not_reached ();
    }
  self->applying = FALSE;
}

/* Can @command be folded into @into, the newest command, as one more keystroke of the same
 * field? */
static gboolean
command_merges (Command *into,
                Command *command)
{
  if (into->kind != command->kind)
    return FALSE;

  switch (command->kind)
    {
    case COMMAND_SET_SETTING:
    case COMMAND_SET_FLOW_PROPERTY:
      return into->node == command->node && g_strcmp0 (into->key, command->key) == 0;
    case COMMAND_SET_TITLE:
    case COMMAND_SET_NOTES:
    case COMMAND_SET_MAPPING:
      return into->node == command->node;
    case COMMAND_SET_NOTE_TEXT:
      return into->note == command->note;
    case COMMAND_ADD_NODE:
    case COMMAND_REMOVE_NODE:
    case COMMAND_ADD_LINK:
    case COMMAND_REMOVE_LINK:
    case COMMAND_MOVE_NODE:
    case COMMAND_ADD_NOTE:
    case COMMAND_REMOVE_NOTE:
    case COMMAND_SET_NOTE_BOX:
    case COMMAND_SET_NOTE_COLOR:
    default:
      return FALSE;
    }
}

static void
command_take_new_state (Command *into,
                        Command *command)
{
  g_free (into->new_text);
  into->new_text = g_steal_pointer (&command->new_text);
  g_clear_pointer (&into->new_value, json_node_unref);
  into->new_value = g_steal_pointer (&command->new_value);
}

/* Records @step (taking it) as the newest one to undo. */
static void
add_step (ConduitUndoStack *self,
          Step             *step)
{
  g_ptr_array_add (self->undo, step);
  if (self->undo->len > MAX_STEPS)
    {
      /* undoing all that is left now ends where the dropped step left the flow */
      self->bottom = ((Step *)g_ptr_array_index (self->undo, 0))->serial;
      g_ptr_array_remove_index (self->undo, 0);
    }
  self->can_merge = FALSE;
}

/* Applies @command (taking it) and records it. */
static void
push (ConduitUndoStack *self,
      Command          *command,
      const char       *label)
{
  Ability before = ability (self);

  if (self->replaying)
    {
      g_critical ("An edit was made while undoing or redoing; it is not recorded");
      command_free (command);
      return;
    }

  command_apply (self, command, TRUE);

  g_ptr_array_set_size (self->redo, 0);

  if (self->group != NULL)
    {
      g_ptr_array_add (self->group->commands, command);
      notify_ability (self, before);
      return;
    }

  if (self->can_merge && self->undo->len > 0)
    {
      Step *top = g_ptr_array_index (self->undo, self->undo->len - 1);
      Command *last = top->commands->len == 1 ? g_ptr_array_index (top->commands, 0) : NULL;

      if (last != NULL && command_merges (last, command))
        {
          command_take_new_state (last, command);
          command_free (command);
          notify_ability (self, before);
          return;
        }
    }

  {
    Step *step = step_new (self, label);

    g_ptr_array_add (step->commands, command);
    add_step (self, step);
  }
  self->can_merge = TRUE;
  notify_ability (self, before);
}

static Command *
command_new (CommandKind kind)
{
  Command *command = g_new0 (Command, 1);

  command->kind = kind;
  return command;
}

static void
replay (ConduitUndoStack *self,
        GPtrArray        *from,
        GPtrArray        *to,
        gboolean          forward)
{
  Ability before = ability (self);
  Step *step;

  g_return_if_fail (self->group == NULL);

  if (from->len == 0)
    return;

  step = g_ptr_array_steal_index (from, from->len - 1);
  self->replaying = TRUE;
  if (forward)
    for (guint i = 0; i < step->commands->len; i++)
      command_apply (self, g_ptr_array_index (step->commands, i), TRUE);
  else
    for (guint i = step->commands->len; i > 0; i--)
      command_apply (self, g_ptr_array_index (step->commands, i - 1), FALSE);
  self->replaying = FALSE;
  g_ptr_array_add (to, step);

  /* typing after an undo starts a new step rather than changing the redone one */
  self->can_merge = FALSE;
  notify_ability (self, before);
}

void
conduit_undo_stack_undo (ConduitUndoStack *self)
{
  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  replay (self, self->undo, self->redo, FALSE);
}

void
conduit_undo_stack_redo (ConduitUndoStack *self)
{
  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  replay (self, self->redo, self->undo, TRUE);
}

/**
 * conduit_undo_stack_clear:
 * @self: an undo stack
 *
 * Forgets every step, as when the flow is replaced.
 */
void
conduit_undo_stack_clear (ConduitUndoStack *self)
{
  Ability before;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));

  before = ability (self);
  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  /* the flow stays as it is, so it stays saved or unsaved */
  self->bottom = ++self->last_serial;
  if (before.at_save_point)
    self->save_point = self->bottom;
  notify_ability (self, before);
}

/**
 * conduit_undo_stack_begin_group:
 * @self: an undo stack
 * @label: what the group does, for a menu item
 *
 * Edits up to the matching conduit_undo_stack_end_group() are undone as one step. Groups
 * nest; only the outermost label counts.
 */
void
conduit_undo_stack_begin_group (ConduitUndoStack *self,
                                const char       *label)
{
  Ability before;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));

  before = ability (self);
  if (self->group_depth++ == 0)
    self->group = step_new (self, label);
  notify_ability (self, before);
}

void
conduit_undo_stack_end_group (ConduitUndoStack *self)
{
  Ability before;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (self->group_depth > 0);

  before = ability (self);
  if (--self->group_depth > 0)
    return;

  if (self->group->commands->len > 0)
    add_step (self, g_steal_pointer (&self->group));
  g_clear_pointer (&self->group, step_free);
  notify_ability (self, before);
}

static const char *
node_name (ConduitNode *node)
{
  const char *title = conduit_node_get_title (node);

  return title != NULL && *title != '\0' ? title : conduit_node_get_id (node);
}

void
conduit_undo_stack_add_node (ConduitUndoStack *self,
                             ConduitNode      *node)
{
  g_autofree char *label = NULL;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  command = command_new (COMMAND_ADD_NODE);
  command->node = g_object_ref (node);
  command->position = conduit_flow_get_n_nodes (self->flow);
  label = g_strdup_printf (_("Add “%s”"), node_name (node));
  push (self, command, label);
}

void
conduit_undo_stack_remove_node (ConduitUndoStack *self,
                                ConduitNode      *node)
{
  g_autofree char *label = NULL;
  Command *command;
  guint position;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  if (!conduit_flow_find_node_position (self->flow, node, &position))
    return;

  command = command_new (COMMAND_REMOVE_NODE);
  command->node = g_object_ref (node);
  command->position = position;
  command->links = conduit_flow_list_links_of_node (self->flow, conduit_node_get_id (node));
  label = g_strdup_printf (_("Delete “%s”"), node_name (node));
  push (self, command, label);
}

static void
push_link (ConduitUndoStack *self,
           CommandKind       kind,
           ConduitLink      *link,
           const char       *label)
{
  Command *command = command_new (kind);

  command->link = g_object_ref (link);
  push (self, command, label);
}

void
conduit_undo_stack_add_link (ConduitUndoStack *self,
                             ConduitLink      *link)
{
  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_LINK (link));

  push_link (self, COMMAND_ADD_LINK, link, _("Connect"));
}

void
conduit_undo_stack_remove_link (ConduitUndoStack *self,
                                ConduitLink      *link)
{
  ConduitLink *existing;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_LINK (link));

  existing = conduit_flow_find_link (self->flow, link);
  if (existing == NULL)
    return;

  push_link (self, COMMAND_REMOVE_LINK, existing, _("Disconnect"));
}

void
conduit_undo_stack_move_node (ConduitUndoStack *self,
                              ConduitNode      *node,
                              double            x,
                              double            y)
{
  g_autofree char *label = NULL;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  if (x == conduit_node_get_x (node) && y == conduit_node_get_y (node))
    return;

  command = command_new (COMMAND_MOVE_NODE);
  command->node = g_object_ref (node);
  command->old_x = conduit_node_get_x (node);
  command->old_y = conduit_node_get_y (node);
  command->new_x = x;
  command->new_y = y;
  label = g_strdup_printf (_("Move “%s”"), node_name (node));
  push (self, command, label);
}

static gboolean
json_equal (JsonNode *a,
            JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return json_node_equal (a, b);
}

void
conduit_undo_stack_set_setting (ConduitUndoStack *self,
                                ConduitNode      *node,
                                const char       *key,
                                JsonNode         *value)
{
  g_autofree char *label = NULL;
  JsonNode *old;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));
  g_return_if_fail (key != NULL);

  old = conduit_node_get_setting (node, key);
  if (json_equal (old, value))
    return;

  command = command_new (COMMAND_SET_SETTING);
  command->node = g_object_ref (node);
  command->key = g_strdup (key);
  command->old_value = old ? json_node_copy (old) : NULL;
  command->new_value = value ? json_node_copy (value) : NULL;
  label = g_strdup_printf (_("Change “%s”"), node_name (node));
  push (self, command, label);
}

static void
push_text (ConduitUndoStack *self,
           CommandKind       kind,
           ConduitNode      *node,
           const char       *key,
           const char       *old_text,
           const char       *new_text,
           const char       *label)
{
  Command *command;

  if (g_strcmp0 (old_text, new_text) == 0)
    return;

  command = command_new (kind);
  command->node = node ? g_object_ref (node) : NULL;
  command->key = g_strdup (key);
  command->old_text = g_strdup (old_text);
  command->new_text = g_strdup (new_text);
  push (self, command, label);
}

void
conduit_undo_stack_set_title (ConduitUndoStack *self,
                              ConduitNode      *node,
                              const char       *title)
{
  g_autofree char *label = NULL;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  label = g_strdup_printf (_("Rename “%s”"), node_name (node));
  push_text (self, COMMAND_SET_TITLE, node, NULL, conduit_node_get_title (node), title, label);
}

void
conduit_undo_stack_set_notes (ConduitUndoStack *self,
                              ConduitNode      *node,
                              const char       *notes)
{
  g_autofree char *label = NULL;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  label = g_strdup_printf (_("Edit notes of “%s”"), node_name (node));
  push_text (self, COMMAND_SET_NOTES, node, NULL, conduit_node_get_notes (node), notes, label);
}

void
conduit_undo_stack_set_mapping (ConduitUndoStack *self,
                                ConduitNode      *node,
                                JsonNode         *mapping)
{
  g_autofree char *label = NULL;
  JsonNode *old;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  old = conduit_node_get_mapping (node);
  if (json_equal (old, mapping))
    return;

  command = command_new (COMMAND_SET_MAPPING);
  command->node = g_object_ref (node);
  command->old_value = old ? json_node_copy (old) : NULL;
  command->new_value = mapping ? json_node_copy (mapping) : NULL;
  label = g_strdup_printf (_("Edit mapping of “%s”"), node_name (node));
  push (self, command, label);
}

void
conduit_undo_stack_set_flow_property (ConduitUndoStack *self,
                                      const char       *property,
                                      const char       *value)
{
  g_autofree char *old = NULL;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (g_strcmp0 (property, "name") == 0 ||
                    g_strcmp0 (property, "description") == 0 ||
                    g_strcmp0 (property, "owner") == 0);

  g_object_get (self->flow, property, &old, NULL);
  push_text (self, COMMAND_SET_FLOW_PROPERTY, NULL, property, old, value,
             _("Edit flow details"));
}

/* Switches a step off (it passes its items through when the flow runs) or on again. */
void
conduit_undo_stack_set_disabled (ConduitUndoStack *self,
                                 ConduitNode      *node,
                                 gboolean          disabled)
{
  g_autofree char *label = NULL;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  if (!conduit_node_get_disabled (node) == !disabled)
    return;

  command = command_new (COMMAND_SET_DISABLED);
  command->node = g_object_ref (node);
  command->new_flag = !!disabled;
  label = disabled ? g_strdup_printf (_("Disable “%s”"), node_name (node))
                   : g_strdup_printf (_("Enable “%s”"), node_name (node));
  push (self, command, label);
}

/* Pins a step's output (a JSON object of output port → items), changes what is pinned, or
 * unpins it (%NULL): docs/flow-format.md, "Pinned output". */
void
conduit_undo_stack_set_pinned (ConduitUndoStack *self,
                               ConduitNode      *node,
                               JsonNode         *pinned)
{
  g_autofree char *label = NULL;
  JsonNode *old;
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NODE (node));

  old = conduit_node_get_pinned (node);
  if (json_equal (old, pinned))
    return;

  command = command_new (COMMAND_SET_PINNED);
  command->node = g_object_ref (node);
  command->old_value = old ? json_node_copy (old) : NULL;
  command->new_value = pinned ? json_node_copy (pinned) : NULL;
  if (pinned == NULL)
    label = g_strdup_printf (_("Unpin “%s”"), node_name (node));
  else if (old == NULL)
    label = g_strdup_printf (_("Pin the output of “%s”"), node_name (node));
  else
    label = g_strdup_printf (_("Edit pinned data of “%s”"), node_name (node));
  push (self, command, label);
}

/* Notes: what the first words of a note are, for a menu item such as "Undo Delete Note “Call
 * Anna…”". */
static char *
note_name (ConduitNote *note)
{
  const char *text = conduit_note_get_text (note);
  const char *end = strchr (text, '\n');
  g_autofree char *line = end ? g_strndup (text, end - text) : g_strdup (text);

  if (g_utf8_strlen (line, -1) > 24)
    {
      g_autofree char *cut = g_utf8_substring (line, 0, 24);

      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&line);
}

void
conduit_undo_stack_add_note (ConduitUndoStack *self,
                             ConduitNote      *note)
{
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  command = command_new (COMMAND_ADD_NOTE);
  command->note = g_object_ref (note);
  command->position = g_list_model_get_n_items (conduit_flow_get_notes (self->flow));
  push (self, command, _("Add Note"));
}

void
conduit_undo_stack_remove_note (ConduitUndoStack *self,
                                ConduitNote      *note)
{
  g_autofree char *label = NULL;
  g_autofree char *name = NULL;
  Command *command;
  guint position;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  if (!conduit_flow_find_note_position (self->flow, note, &position))
    return;

  command = command_new (COMMAND_REMOVE_NOTE);
  command->note = g_object_ref (note);
  command->position = position;
  name = note_name (note);
  label = *name ? g_strdup_printf (_("Delete Note “%s”"), name) : g_strdup (_("Delete Note"));
  push (self, command, label);
}

/* Moves and resizes a note in one edit: a drag of its corner changes both. */
void
conduit_undo_stack_set_note_box (ConduitUndoStack *self,
                                 ConduitNote      *note,
                                 double            x,
                                 double            y,
                                 double            width,
                                 double            height)
{
  Command *command;
  gboolean resized;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  width = MAX (width, CONDUIT_NOTE_MIN_WIDTH);
  height = MAX (height, CONDUIT_NOTE_MIN_HEIGHT);
  resized = width != conduit_note_get_width (note) || height != conduit_note_get_height (note);
  if (!resized && x == conduit_note_get_x (note) && y == conduit_note_get_y (note))
    return;

  command = command_new (COMMAND_SET_NOTE_BOX);
  command->note = g_object_ref (note);
  command->old_x = conduit_note_get_x (note);
  command->old_y = conduit_note_get_y (note);
  command->old_w = conduit_note_get_width (note);
  command->old_h = conduit_note_get_height (note);
  command->new_x = x;
  command->new_y = y;
  command->new_w = width;
  command->new_h = height;
  push (self, command, resized ? _("Resize Note") : _("Move Note"));
}

/* Typing into a note merges into one step, as typing into a field does. */
void
conduit_undo_stack_set_note_text (ConduitUndoStack *self,
                                  ConduitNote      *note,
                                  const char       *text)
{
  Command *command;
  const char *old;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  old = conduit_note_get_text (note);
  if (g_strcmp0 (old, text ? text : "") == 0)
    return;

  command = command_new (COMMAND_SET_NOTE_TEXT);
  command->note = g_object_ref (note);
  command->old_text = g_strdup (old);
  command->new_text = g_strdup (text);
  push (self, command, _("Edit Note"));
}

void
conduit_undo_stack_set_note_color (ConduitUndoStack *self,
                                   ConduitNote      *note,
                                   const char       *color)
{
  Command *command;

  g_return_if_fail (CONDUIT_IS_UNDO_STACK (self));
  g_return_if_fail (CONDUIT_IS_NOTE (note));

  if (g_strcmp0 (conduit_note_get_color (note), color ? color : "yellow") == 0)
    return;

  command = command_new (COMMAND_SET_NOTE_COLOR);
  command->note = g_object_ref (note);
  command->old_text = g_strdup (conduit_note_get_color (note));
  command->new_text = g_strdup (color);
  push (self, command, _("Change Note Colour"));
}
