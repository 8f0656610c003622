/* conduit-inspector.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"
#include "conduit-setting-row.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_INSPECTOR (conduit_inspector_get_type ())

G_DECLARE_FINAL_TYPE (ConduitInspector, conduit_inspector, CONDUIT, INSPECTOR, AdwBin)

GtkWidget         *conduit_inspector_new                (void);
ConduitDocument   *conduit_inspector_get_document       (ConduitInspector   *self);
void               conduit_inspector_set_document       (ConduitInspector   *self,
                                                         ConduitDocument    *document);
ConduitNode       *conduit_inspector_get_node           (ConduitInspector   *self);
void               conduit_inspector_set_node           (ConduitInspector   *self,
                                                         ConduitNode        *node);
ConduitSettingRow *conduit_inspector_get_setting_row    (ConduitInspector   *self,
                                                         const char         *key);
GtkBox            *conduit_inspector_get_mapping_slot   (ConduitInspector   *self);
GtkBox            *conduit_inspector_get_run_slot       (ConduitInspector   *self);
void               conduit_inspector_set_credential_ids (ConduitInspector   *self,
                                                         const char * const *ids);
void               conduit_inspector_set_credentials    (ConduitInspector   *self,
                                                         GPtrArray          *credentials);
const char        *conduit_inspector_get_problems_text  (ConduitInspector   *self);

G_END_DECLS
