/* conduit-mapping-value-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

#include "conduit-mapping-value.h"

G_BEGIN_DECLS

/* Eight bytes at a time: text is mostly plain ASCII letters, and looking at each byte for a
 * quote, a backslash or a control character was the largest cost of reading and writing
 * records (perf, bench/mapping). Each macro sets the high bit of the bytes it matches. */
#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)
#define BYTES_BELOW(w, n)  (((w) - ONES * (n)) & ~(w) & HIGHS)
#define BYTES_EQUAL(w, c)  BYTES_BELOW ((w) ^ (ONES * (c)), 1)

static inline guint64
load_word (const char *text)
{
  guint64 word;

  memcpy (&word, text, sizeof word);
  return word;
}

/* The bytes a JSON string cannot hold as they are: ", \ and the controls. */
static inline guint64
json_special_bytes (guint64 word)
{
  return BYTES_BELOW (word, 0x20) | BYTES_EQUAL (word, '"') | BYTES_EQUAL (word, '\\');
}

G_END_DECLS
