/* conduit-tests-pane.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "conduit-document.h"

G_BEGIN_DECLS

#define CONDUIT_TYPE_TESTS_PANE (conduit_tests_pane_get_type ())

G_DECLARE_FINAL_TYPE (ConduitTestsPane, conduit_tests_pane, CONDUIT, TESTS_PANE, AdwWindow)

ConduitTestsPane *conduit_tests_pane_new            (GtkWindow        *parent,
                                                     ConduitDocument  *document);
ConduitDocument  *conduit_tests_pane_get_document   (ConduitTestsPane *self);
void              conduit_tests_pane_set_document   (ConduitTestsPane *self,
                                                     ConduitDocument  *document);
void              conduit_tests_pane_reload         (ConduitTestsPane *self);
guint             conduit_tests_pane_get_n_tests    (ConduitTestsPane *self);
guint             conduit_tests_pane_get_n_running  (ConduitTestsPane *self);
const char       *conduit_tests_pane_get_page_name  (ConduitTestsPane *self);
char             *conduit_tests_pane_dup_status     (ConduitTestsPane *self,
                                                     const char       *name);
void              conduit_tests_pane_select         (ConduitTestsPane *self,
                                                     const char       *name);
GListModel       *conduit_tests_pane_get_diffs      (ConduitTestsPane *self);

G_END_DECLS
