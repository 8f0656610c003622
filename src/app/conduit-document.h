/* conduit-document.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit.h"
#include "conduit-undo-stack.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_DOCUMENT (conduit_document_get_type ())

G_DECLARE_FINAL_TYPE (ConduitDocument, conduit_document, CONDUIT, DOCUMENT, GObject)

ConduitDocument *conduit_document_new            (ConduitFlow         *flow,
                                                  GFile               *file);
ConduitDocument *conduit_document_new_untitled   (void);
void             conduit_document_load_async     (GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
ConduitDocument *conduit_document_load_finish    (GAsyncResult        *result,
                                                  GPtrArray          **problems,
                                                  GError             **error);
void             conduit_document_save_async     (ConduitDocument     *self,
                                                  GFile               *file,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         conduit_document_save_finish    (ConduitDocument     *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
ConduitFlow     *conduit_document_get_flow       (ConduitDocument     *self);
GFile           *conduit_document_get_file       (ConduitDocument     *self);
gboolean         conduit_document_get_modified   (ConduitDocument     *self);
void             conduit_document_set_modified   (ConduitDocument     *self,
                                                  gboolean             modified);
char            *conduit_document_dup_title      (ConduitDocument     *self);
ConduitUndoStack *conduit_document_get_undo_stack (ConduitDocument    *self);

G_END_DECLS
