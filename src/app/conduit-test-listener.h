/* conduit-test-listener.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit.h"
#include "conduit-document.h"

G_BEGIN_DECLS

#define CONDUIT_TEST_LISTENER_DEFAULT_SECONDS (5 * 60)

#define CONDUIT_TYPE_TEST_LISTENER (conduit_test_listener_get_type ())

G_DECLARE_FINAL_TYPE (ConduitTestListener, conduit_test_listener, CONDUIT, TEST_LISTENER, AdwBin)

GtkWidget   *conduit_test_listener_new              (void);
void         conduit_test_listener_set_document     (ConduitTestListener *self,
                                                     ConduitDocument     *document);
void         conduit_test_listener_set_node         (ConduitTestListener *self,
                                                     ConduitNode         *node);
void         conduit_test_listener_set_runner       (ConduitTestListener *self,
                                                     ConduitRunner       *runner);
void         conduit_test_listener_set_duration     (ConduitTestListener *self,
                                                     guint                seconds);
gboolean     conduit_test_listener_start            (ConduitTestListener *self,
                                                     GError             **error);
void         conduit_test_listener_stop             (ConduitTestListener *self);
gboolean     conduit_test_listener_get_listening    (ConduitTestListener *self);
guint        conduit_test_listener_get_port         (ConduitTestListener *self);
const char  *conduit_test_listener_get_url          (ConduitTestListener *self);
const char  *conduit_test_listener_get_status_text  (ConduitTestListener *self);
JsonNode    *conduit_test_listener_get_event        (ConduitTestListener *self);

void                 conduit_test_listener_set_flow_active (ConduitTestListener *self,
                                                            gboolean             active);

G_END_DECLS
