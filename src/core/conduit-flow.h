/* conduit-flow.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-connector-registry.h"
#include "conduit-flow-problem.h"
#include "conduit-link.h"
#include "conduit-node.h"
#include "conduit-note.h"

G_BEGIN_DECLS

#define CONDUIT_FLOW_FORMAT_VERSION 1
#define CONDUIT_FLOW_MIME_TYPE      "application/x-conduit-flow"
#define CONDUIT_FLOW_ERROR          (conduit_flow_error_quark ())

typedef enum
{
  CONDUIT_FLOW_ERROR_FAILED,
  CONDUIT_FLOW_ERROR_INVALID,
  CONDUIT_FLOW_ERROR_LINK,
} ConduitFlowError;

#define CONDUIT_TYPE_FLOW (conduit_flow_get_type ())

G_DECLARE_FINAL_TYPE (ConduitFlow, conduit_flow, CONDUIT, FLOW, GObject)

GQuark       conduit_flow_error_quark          (void);
ConduitFlow *conduit_flow_new                  (void);
ConduitFlow *conduit_flow_new_from_data        (ConduitConnectorRegistry  *registry,
                                                const char                *data,
                                                gssize                     length,
                                                GPtrArray                **problems,
                                                GError                   **error);
ConduitFlow *conduit_flow_new_from_file        (ConduitConnectorRegistry  *registry,
                                                GFile                     *file,
                                                GPtrArray                **problems,
                                                GCancellable              *cancellable,
                                                GError                   **error);
GPtrArray   *conduit_flow_check                (ConduitFlow               *self,
                                                ConduitConnectorRegistry  *registry);
GPtrArray   *conduit_flow_check_node           (ConduitFlow               *self,
                                                ConduitConnectorRegistry  *registry,
                                                ConduitNode               *node);
JsonNode    *conduit_flow_to_json              (ConduitFlow               *self);
char        *conduit_flow_to_data              (ConduitFlow               *self,
                                                gsize                     *length);
gboolean     conduit_flow_save_to_file         (ConduitFlow               *self,
                                                GFile                     *file,
                                                GCancellable              *cancellable,
                                                GError                   **error);
void         conduit_flow_save_to_file_async   (ConduitFlow               *self,
                                                GFile                     *file,
                                                GCancellable              *cancellable,
                                                GAsyncReadyCallback        callback,
                                                gpointer                   user_data);
gboolean     conduit_flow_save_to_file_finish  (ConduitFlow               *self,
                                                GAsyncResult              *result,
                                                GError                   **error);

const char  *conduit_flow_get_name             (ConduitFlow               *self);
void         conduit_flow_set_name             (ConduitFlow               *self,
                                                const char                *name);
const char  *conduit_flow_get_description      (ConduitFlow               *self);
void         conduit_flow_set_description      (ConduitFlow               *self,
                                                const char                *description);
const char  *conduit_flow_get_owner            (ConduitFlow               *self);
void         conduit_flow_set_owner            (ConduitFlow               *self,
                                                const char                *owner);

GListModel  *conduit_flow_get_nodes            (ConduitFlow               *self);
GListModel  *conduit_flow_get_links            (ConduitFlow               *self);
guint        conduit_flow_get_n_nodes          (ConduitFlow               *self);
ConduitNode *conduit_flow_lookup_node          (ConduitFlow               *self,
                                                const char                *id);
void         conduit_flow_add_node             (ConduitFlow               *self,
                                                ConduitNode               *node);
void         conduit_flow_insert_node          (ConduitFlow               *self,
                                                guint                      position,
                                                ConduitNode               *node);
void         conduit_flow_remove_node          (ConduitFlow               *self,
                                                ConduitNode               *node);
gboolean     conduit_flow_find_node_position   (ConduitFlow               *self,
                                                ConduitNode               *node,
                                                guint                     *position);
char        *conduit_flow_dup_unique_node_id   (ConduitFlow               *self,
                                                const char                *base);
gboolean     conduit_flow_can_link             (ConduitFlow               *self,
                                                ConduitConnectorRegistry  *registry,
                                                ConduitLink               *link,
                                                GError                   **error);
void         conduit_flow_add_link             (ConduitFlow               *self,
                                                ConduitLink               *link);
void         conduit_flow_remove_link          (ConduitFlow               *self,
                                                ConduitLink               *link);
ConduitLink *conduit_flow_find_link            (ConduitFlow               *self,
                                                ConduitLink               *like);
GPtrArray   *conduit_flow_list_links_of_node   (ConduitFlow               *self,
                                                const char                *node_id);
GListModel  *conduit_flow_get_notes            (ConduitFlow               *self);
ConduitNote *conduit_flow_lookup_note          (ConduitFlow               *self,
                                                const char                *id);
void         conduit_flow_insert_note          (ConduitFlow               *self,
                                                guint                      position,
                                                ConduitNote               *note);
void         conduit_flow_add_note             (ConduitFlow               *self,
                                                ConduitNote               *note);
void         conduit_flow_remove_note          (ConduitFlow               *self,
                                                ConduitNote               *note);
gboolean     conduit_flow_find_note_position   (ConduitFlow               *self,
                                                ConduitNote               *note,
                                                guint                     *position);
char        *conduit_flow_dup_unique_note_id   (ConduitFlow               *self);
GPtrArray   *conduit_flow_list_credential_ids  (ConduitFlow               *self,
                                                ConduitConnectorRegistry  *registry);

G_END_DECLS
