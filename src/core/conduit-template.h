/* conduit-template.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "conduit-expression.h"

G_BEGIN_DECLS

/* Text with {{ expression }} parts, for URLs, headers and messages: "Hello {{ firstname }}".
 * Errors in the parts are reported with their column in the whole text. */

#define CONDUIT_TYPE_TEMPLATE (conduit_template_get_type ())

typedef struct _ConduitTemplate ConduitTemplate;

GType            conduit_template_get_type     (void) G_GNUC_CONST;
ConduitTemplate *conduit_template_new          (const char       *text,
                                                GError          **error);
ConduitTemplate *conduit_template_ref          (ConduitTemplate  *self);
void             conduit_template_unref        (ConduitTemplate  *self);
gboolean         conduit_template_is_constant  (ConduitTemplate  *self);
char            *conduit_template_render       (ConduitTemplate  *self,
                                                JsonNode         *record,
                                                GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitTemplate, conduit_template_unref)

G_END_DECLS
