/* conduit-pattern.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A regular expression of a mapping (the `pattern` rule, matches(), regex_replace()):
 * GRegex's meaning and messages, matched through PCRE2 directly on the per-record path. */
typedef struct _ConduitPattern ConduitPattern;

ConduitPattern *conduit_pattern_new         (const char            *pattern,
                                             GError               **error);
void            conduit_pattern_free        (ConduitPattern        *self);
gboolean        conduit_pattern_match       (const ConduitPattern  *self,
                                             const char            *text,
                                             gsize                  length);
const char     *conduit_pattern_get_pattern (const ConduitPattern  *self);
GRegex         *conduit_pattern_get_regex   (const ConduitPattern  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConduitPattern, conduit_pattern_free)

G_END_DECLS
