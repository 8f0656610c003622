/* conduit-openapi-import.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "conduit-types.h"

G_BEGIN_DECLS

#define CONDUIT_OPENAPI_IMPORT_ERROR (conduit_openapi_import_error_quark ())

typedef enum
{
  CONDUIT_OPENAPI_IMPORT_ERROR_FAILED,
  CONDUIT_OPENAPI_IMPORT_ERROR_TOO_LARGE,    /* over the 20 MB limit */
  CONDUIT_OPENAPI_IMPORT_ERROR_INVALID,      /* not JSON/YAML, or not an OpenAPI description */
  CONDUIT_OPENAPI_IMPORT_ERROR_UNSUPPORTED,  /* a version or construct Conduit cannot read */
} ConduitOpenapiImportError;

/* Descriptions larger than this are refused before they are parsed. */
#define CONDUIT_OPENAPI_IMPORT_MAX_BYTES (20 * 1024 * 1024)

#define CONDUIT_TYPE_OPENAPI_IMPORT (conduit_openapi_import_get_type ())

G_DECLARE_FINAL_TYPE (ConduitOpenapiImport, conduit_openapi_import, CONDUIT, OPENAPI_IMPORT, GObject)

GQuark                conduit_openapi_import_error_quark     (void);
ConduitOpenapiImport *conduit_openapi_import_new             (const char            *data,
                                                              gssize                 length,
                                                              const char            *address,
                                                              const char            *app_id,
                                                              GError               **error);
const char           *conduit_openapi_import_get_app_id      (ConduitOpenapiImport  *self);
const char           *conduit_openapi_import_get_title       (ConduitOpenapiImport  *self);
JsonNode             *conduit_openapi_import_get_descriptor  (ConduitOpenapiImport  *self);
GPtrArray            *conduit_openapi_import_get_report      (ConduitOpenapiImport  *self);
guint                 conduit_openapi_import_get_n_operations (ConduitOpenapiImport *self);
gboolean              conduit_openapi_import_keep_tags       (ConduitOpenapiImport  *self,
                                                              const char * const    *tags,
                                                              GError               **error);
gboolean              conduit_openapi_import_merge           (ConduitOpenapiImport  *self,
                                                              const char            *previous,
                                                              const char            *previous_state,
                                                              GError               **error);
char                 *conduit_openapi_import_to_text         (ConduitOpenapiImport  *self);
char                 *conduit_openapi_import_state_to_text   (ConduitOpenapiImport  *self);
char                 *conduit_openapi_import_write           (ConduitOpenapiImport  *self,
                                                              const char            *directory,
                                                              GError               **error);

void                  conduit_openapi_download_async         (const char            *address,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
GBytes               *conduit_openapi_download_finish        (GAsyncResult          *result,
                                                              GError               **error);

G_END_DECLS
