/* conduit-redactor.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "conduit-credential.h"

G_BEGIN_DECLS

/* What every secret becomes in history, error messages and logs. */
#define CONDUIT_REDACTED "••••"

#define CONDUIT_TYPE_REDACTOR (conduit_redactor_get_type ())

G_DECLARE_FINAL_TYPE (ConduitRedactor, conduit_redactor, CONDUIT, REDACTOR, GObject)

ConduitRedactor  *conduit_redactor_new                 (void);
ConduitRedactor  *conduit_redactor_get_default         (void);
void              conduit_redactor_add_secret          (ConduitRedactor     *self,
                                                        const char          *value);
void              conduit_redactor_add_header          (ConduitRedactor     *self,
                                                        const char          *name);
void              conduit_redactor_add_credential      (ConduitRedactor     *self,
                                                        ConduitCredential   *credential);
gboolean          conduit_redactor_is_sensitive_header (ConduitRedactor     *self,
                                                        const char          *name);
char             *conduit_redactor_redact              (ConduitRedactor     *self,
                                                        const char          *text);
JsonNode         *conduit_redactor_redact_headers      (ConduitRedactor     *self,
                                                        SoupMessageHeaders  *headers);
GLogWriterOutput  conduit_redactor_log_writer          (GLogLevelFlags       log_level,
                                                        const GLogField     *fields,
                                                        gsize                n_fields,
                                                        gpointer             user_data);
void              conduit_redactor_install_log_writer  (ConduitRedactor     *self);

G_END_DECLS
