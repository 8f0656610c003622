/* conduit-document.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-document"

#include "config.h"

#include <glib/gi18n.h>

#include "conduit-document.h"

/* A flow as the window holds it: the flow, the file it came from (none for a new flow or an
 * opened example) and whether it has changed since it was loaded or saved.
 *
 * "Changed" follows the undo stack: undoing back to where the file was written makes the
 * document unmodified again. A change to the flow that does not go through the stack (the
 * canvas moves nodes live while they are dragged, then records the drop) marks it modified
 * until the stack next records, undoes or redoes a step, which tells again. */

struct _ConduitDocument
{
  GObject      parent_instance;

  ConduitFlow *flow;
  GFile       *file;
  ConduitUndoStack *undo_stack;
  gulong       changed_handler;
  guint        modified : 1;
};

enum {
  PROP_0,
  PROP_FLOW,
  PROP_FILE,
  PROP_MODIFIED,
  PROP_TITLE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (ConduitDocument, conduit_document, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
set_modified_flag (ConduitDocument *self,
                   gboolean         modified)
{
  modified = !!modified;
  if (self->modified == modified)
    return;

  self->modified = modified;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
on_flow_changed (ConduitDocument *self)
{
  if (!conduit_undo_stack_get_applying (self->undo_stack))
    set_modified_flag (self, TRUE);
}

static void
follow_save_point (ConduitDocument *self)
{
  set_modified_flag (self, !conduit_undo_stack_get_at_save_point (self->undo_stack));
}

static void
on_flow_name_changed (ConduitDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
conduit_document_dispose (GObject *object)
{
  ConduitDocument *self = (ConduitDocument *)object;

  if (self->flow != NULL)
    g_signal_handlers_disconnect_by_data (self->flow, self);
  if (self->undo_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->undo_stack, self);
  g_clear_object (&self->undo_stack);
  g_clear_object (&self->flow);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (conduit_document_parent_class)->dispose (object);
}

static void
conduit_document_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ConduitDocument *self = CONDUIT_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FLOW:
      g_value_set_object (value, self->flow);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, self->modified);
      break;
    case PROP_TITLE:
      g_value_take_string (value, conduit_document_dup_title (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
conduit_document_class_init (ConduitDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = conduit_document_dispose;
  object_class->get_property = conduit_document_get_property;

  properties[PROP_FLOW] =
    g_param_spec_object ("flow", NULL, NULL, CONDUIT_TYPE_FLOW,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
conduit_document_init (ConduitDocument *self)
{
}

/**
 * conduit_document_new:
 * @flow: a flow
 * @file: (nullable): where it is saved
 *
 * Returns: (transfer full): an unmodified document holding @flow
 */
ConduitDocument *
conduit_document_new (ConduitFlow *flow,
                      GFile       *file)
{
  ConduitDocument *self;

  g_return_val_if_fail (CONDUIT_IS_FLOW (flow), NULL);
  g_return_val_if_fail (!file || G_IS_FILE (file), NULL);

  self = g_object_new (CONDUIT_TYPE_DOCUMENT, NULL);
  self->flow = g_object_ref (flow);
  self->undo_stack = conduit_undo_stack_new (flow);
  g_set_object (&self->file, file);
  g_signal_connect_swapped (flow, "changed", G_CALLBACK (on_flow_changed), self);
  g_signal_connect_swapped (flow, "notify::name", G_CALLBACK (on_flow_name_changed), self);
  g_signal_connect_swapped (self->undo_stack, "notify::at-save-point",
                            G_CALLBACK (follow_save_point), self);

  return self;
}

/**
 * conduit_document_new_untitled:
 *
 * Returns: (transfer full): a document with an empty flow and no file
 */
ConduitDocument *
conduit_document_new_untitled (void)
{
  g_autoptr(ConduitFlow) flow = conduit_flow_new ();

  conduit_flow_set_name (flow, _("Untitled Flow"));

  return conduit_document_new (flow, NULL);
}

typedef struct
{
  GFile     *file;
  GPtrArray *problems;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_clear_pointer (&data->problems, g_ptr_array_unref);
  g_free (data);
}

static void
load_contents_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(ConduitFlow) flow = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  flow = conduit_flow_new_from_data (conduit_connector_registry_get_default (), contents, length,
                                     &data->problems, &error);
  if (flow == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, conduit_document_new (flow, data->file), g_object_unref);
}

/**
 * conduit_document_load_async:
 * @file: a flow file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when loaded
 * @user_data: data for @callback
 *
 * Reads and checks @file without blocking.
 */
void
conduit_document_load_async (GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_document_load_async);
  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  g_task_set_task_data (task, data, (GDestroyNotify)load_data_free);

  g_file_load_contents_async (file, cancellable, load_contents_cb, g_steal_pointer (&task));
}

/**
 * conduit_document_load_finish:
 * @result: the result given to the callback
 * @problems: (out) (optional) (transfer full): the flow's problems when it could not be loaded
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the document, or %NULL
 */
ConduitDocument *
conduit_document_load_finish (GAsyncResult  *result,
                              GPtrArray    **problems,
                              GError       **error)
{
  LoadData *data;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (problems != NULL && data->problems != NULL)
    *problems = g_ptr_array_ref (data->problems);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GFile   *file;
  guint64  position;   /* where the undo history stood when the flow was written out */
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->file);
  g_free (data);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConduitDocument *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  GFile *file = data->file;
  g_autoptr(GError) error = NULL;

  if (!conduit_flow_save_to_file_finish (CONDUIT_FLOW (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_set_object (&self->file, file))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
  /* edits made while the file was written are not in it, and leave the document modified */
  conduit_undo_stack_set_save_point (self->undo_stack, data->position);
  follow_save_point (self);
  g_task_return_boolean (task, TRUE);
}

/**
 * conduit_document_save_async:
 * @self: a document
 * @file: (nullable): where to save; %NULL for the document's own file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when saved
 * @user_data: data for @callback
 *
 * Saves atomically, then the document belongs to @file and is unmodified (unless it was
 * edited while the file was written).
 */
void
conduit_document_save_async (ConduitDocument     *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (CONDUIT_IS_DOCUMENT (self));
  g_return_if_fail (file != NULL || self->file != NULL);

  if (file == NULL)
    file = self->file;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, conduit_document_save_async);
  data = g_new0 (SaveData, 1);
  data->file = g_object_ref (file);
  /* the flow is written out as it is now, before this returns */
  data->position = conduit_undo_stack_checkpoint (self->undo_stack);
  g_task_set_task_data (task, data, (GDestroyNotify)save_data_free);

  conduit_flow_save_to_file_async (self->flow, file, cancellable, save_cb, g_steal_pointer (&task));
}

gboolean
conduit_document_save_finish (ConduitDocument  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * conduit_document_get_flow:
 * @self: a document
 *
 * Returns: (transfer none): the flow
 */
ConduitFlow *
conduit_document_get_flow (ConduitDocument *self)
{
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), NULL);
  return self->flow;
}

/**
 * conduit_document_get_file:
 * @self: a document
 *
 * Returns: (transfer none) (nullable): where the document is saved
 */
GFile *
conduit_document_get_file (ConduitDocument *self)
{
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), NULL);
  return self->file;
}

gboolean
conduit_document_get_modified (ConduitDocument *self)
{
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), FALSE);
  return self->modified;
}

/**
 * conduit_document_set_modified:
 * @self: a document
 * @modified: %FALSE when the flow as it is now is what its file holds; %TRUE when the file
 *   holds none of the states undo and redo can reach
 *
 * Moves the undo stack's save point accordingly.
 */
void
conduit_document_set_modified (ConduitDocument *self,
                               gboolean         modified)
{
  guint64 position = 0;

  g_return_if_fail (CONDUIT_IS_DOCUMENT (self));

  if (!modified)
    position = conduit_undo_stack_checkpoint (self->undo_stack);
  conduit_undo_stack_set_save_point (self->undo_stack, position);
  follow_save_point (self);
}

/**
 * conduit_document_dup_title:
 * @self: a document
 *
 * Returns: (transfer full): the flow's name, or the file's name when the flow has none
 */
char *
conduit_document_dup_title (ConduitDocument *self)
{
  const char *name;

  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), NULL);

  name = conduit_flow_get_name (self->flow);
  if (name != NULL && *name != '\0')
    return g_strdup (name);

  if (self->file != NULL)
    return g_file_get_basename (self->file);

  return g_strdup (_("Untitled Flow"));
}

/**
 * conduit_document_get_undo_stack:
 * @self: a document
 *
 * Every edit of the document's flow goes through this stack so it can be undone. Saving
 * keeps it.
 *
 * Returns: (transfer none): the undo stack
 */
ConduitUndoStack *
conduit_document_get_undo_stack (ConduitDocument *self)
{
  g_return_val_if_fail (CONDUIT_IS_DOCUMENT (self), NULL);
  return self->undo_stack;
}
