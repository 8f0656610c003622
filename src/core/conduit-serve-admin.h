/* conduit-serve-admin.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "conduit-history-store.h"
#include "conduit-serve-metrics.h"

G_BEGIN_DECLS

#define CONDUIT_SERVE_ADMIN_ERROR (conduit_serve_admin_error_quark ())

typedef enum
{
  CONDUIT_SERVE_ADMIN_ERROR_FAILED,
  CONDUIT_SERVE_ADMIN_ERROR_ADDRESS,
  CONDUIT_SERVE_ADMIN_ERROR_LISTEN,
} ConduitServeAdminError;

#define CONDUIT_TYPE_SERVE_ADMIN (conduit_serve_admin_get_type ())

G_DECLARE_FINAL_TYPE (ConduitServeAdmin, conduit_serve_admin, CONDUIT, SERVE_ADMIN, GObject)

GQuark             conduit_serve_admin_error_quark   (void);
gboolean           conduit_serve_admin_parse_address (const char           *text,
                                                      GInetSocketAddress  **address,
                                                      GError              **error);
ConduitServeAdmin *conduit_serve_admin_new           (ConduitServeMetrics  *metrics,
                                                      ConduitHistoryStore  *history);
gboolean           conduit_serve_admin_listen        (ConduitServeAdmin    *self,
                                                      const char           *address,
                                                      GError              **error);
char              *conduit_serve_admin_dup_url       (ConduitServeAdmin    *self);
char              *conduit_serve_admin_dup_unready   (ConduitServeAdmin    *self);

G_END_DECLS
