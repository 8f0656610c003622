/* conduit-mapping-editor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_MAPPING_EDITOR (conduit_mapping_editor_get_type ())

G_DECLARE_FINAL_TYPE (ConduitMappingEditor, conduit_mapping_editor, CONDUIT, MAPPING_EDITOR, AdwBin)

GtkWidget              *conduit_mapping_editor_new               (void);
void                    conduit_mapping_editor_set_node          (ConduitMappingEditor *self,
                                                                  ConduitDocument      *document,
                                                                  ConduitNode          *node);
ConduitNode            *conduit_mapping_editor_get_node          (ConduitMappingEditor *self);
ConduitMapping         *conduit_mapping_editor_get_mapping       (ConduitMappingEditor *self);
GtkWidget              *conduit_mapping_editor_get_cell          (ConduitMappingEditor *self,
                                                                  guint                 row,
                                                                  const char           *column);
ConduitMappingRowStatus conduit_mapping_editor_get_row_status    (ConduitMappingEditor *self,
                                                                  guint                 row,
                                                                  const char          **reason);
gboolean                conduit_mapping_editor_set_samples_text  (ConduitMappingEditor *self,
                                                                  const char           *text,
                                                                  GError              **error);
guint                   conduit_mapping_editor_get_n_records     (ConduitMappingEditor *self);
guint                   conduit_mapping_editor_get_record_index  (ConduitMappingEditor *self);
const char             *conduit_mapping_editor_get_summary_text  (ConduitMappingEditor *self);
const char             *conduit_mapping_editor_get_rejected_text (ConduitMappingEditor *self);
const char             *conduit_mapping_editor_get_sample_notes  (ConduitMappingEditor *self);
char                   *conduit_mapping_editor_describe          (ConduitFlow          *flow,
                                                                  ConduitNode          *node);
GtkWindow              *conduit_mapping_editor_open_window       (GtkWidget            *parent,
                                                                  ConduitDocument      *document,
                                                                  ConduitNode          *node);

gboolean                conduit_mapping_editor_get_narrow        (ConduitMappingEditor *self);

G_END_DECLS
