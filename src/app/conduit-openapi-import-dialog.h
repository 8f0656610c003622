/* conduit-openapi-import-dialog.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_OPENAPI_IMPORT_DIALOG (conduit_openapi_import_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ConduitOpenapiImportDialog, conduit_openapi_import_dialog, CONDUIT,
                      OPENAPI_IMPORT_DIALOG, AdwWindow)

GtkWidget            *conduit_openapi_import_dialog_new        (GtkWindow                  *parent,
                                                                ConduitConnectorRegistry   *registry,
                                                                const char                 *directory);
void                  conduit_openapi_import_dialog_set_file   (ConduitOpenapiImportDialog *self,
                                                                GFile                      *file);
gboolean              conduit_openapi_import_dialog_get_busy   (ConduitOpenapiImportDialog *self);
ConduitOpenapiImport *conduit_openapi_import_dialog_get_import (ConduitOpenapiImportDialog *self);
const char           *conduit_openapi_import_dialog_get_error  (ConduitOpenapiImportDialog *self);
GtkListBox           *conduit_openapi_import_dialog_get_report_list (ConduitOpenapiImportDialog *self);

G_END_DECLS
