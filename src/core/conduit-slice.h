/* conduit-slice.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void conduit_use_malloc_for_slices (char **argv);

G_END_DECLS
