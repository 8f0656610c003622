/* conduit-flow-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "conduit-flow.h"

G_BEGIN_DECLS

/* Shared by the flow's model (conduit-flow.c), its checks (conduit-flow-check.c) and its
 * loader (conduit-flow-load.c). */

/* Deep enough for any real sample data, shallow enough that json-glib's recursive parser and
 * our own recursive walks cannot exhaust the stack. */
#define CONDUIT_FLOW_MAX_JSON_DEPTH 256
#define CONDUIT_FLOW_MAX_PROBLEMS   200

struct _ConduitFlow
{
  GObject     parent_instance;

  char       *name;
  char       *description;
  char       *owner;
  GListStore *nodes;
  GListStore *links;
  GListStore *notes;      /* of ConduitNote: the canvas's sticky notes, which no run sees */
  GHashTable *nodes_by_id;

  /* conduit_flow_list_credential_ids()'s answer, kept until the flow or the registry changes:
   * every served event asks for it. Behind a lock, as serve's workers share their flows. */
  GMutex                    credential_lock;
  GPtrArray                *credential_ids;
  ConduitConnectorRegistry *credential_registry;
  gulong                    credential_registry_changed_id;
};

void       conduit_flow_add_problem (GPtrArray                *problems,
                                     const char               *pointer,
                                     const char               *node_id,
                                     const char               *format,
                                     ...) G_GNUC_PRINTF (4, 5);
GPtrArray *conduit_flow_check_all   (ConduitFlow              *self,
                                     ConduitConnectorRegistry *registry,
                                     GPtrArray                *node_pointers,
                                     GPtrArray                *link_pointers,
                                     GPtrArray                *problems);

G_END_DECLS
