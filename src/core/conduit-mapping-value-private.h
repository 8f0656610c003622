/* conduit-mapping-value-private.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

/* The first byte at or after @i, before @length, that a JSON string cannot hold as it is (",
 * \ or a control), or @length; @high gets a non-zero value when a byte above 0x7F comes
 * before it, so that plain ASCII text skips UTF-8 validation. Sixteen bytes at a time with
 * SSE2 (every x86-64 has it), else eight; the position of the byte is found from the mask,
 * not by going back to bytes one by one: most strings of a record are shorter than 16. */
static inline gsize
conduit_json_scan_plain (const char *text,
                         gsize       i,
                         gsize       length,
                         guint64    *high)
{
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8 ('"');
  const __m128i backslash = _mm_set1_epi8 ('\\');
  const __m128i last_control = _mm_set1_epi8 (0x1F);

  while (i + 16 <= length)
    {
      __m128i chunk = _mm_loadu_si128 ((const __m128i *)(const void *)(text + i));
      /* a byte is a control when max(byte, 0x1F) is 0x1F, unsigned */
      __m128i special = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, quote),
                                                    _mm_cmpeq_epi8 (chunk, backslash)),
                                      _mm_cmpeq_epi8 (_mm_max_epu8 (chunk, last_control),
                                                      last_control));
      guint mask = (guint)_mm_movemask_epi8 (special);
      guint highs = (guint)_mm_movemask_epi8 (chunk);

      if (mask != 0)
        {
          guint n = (guint)__builtin_ctz (mask);

          *high |= highs & ((1u << n) - 1);
          return i + n;
        }
      *high |= highs;
      i += 16;
    }
#endif
#if G_BYTE_ORDER == G_LITTLE_ENDIAN && defined(__GNUC__)
  while (i + 8 <= length)
    {
      guint64 word = load_word (text + i);
      guint64 special = json_special_bytes (word);

      /* the lowest flagged byte is exact: a false one only follows a borrow from a true one */
      if (special != 0)
        {
          guint n = (guint)__builtin_ctzll (special) / 8;

          *high |= word & HIGHS & ((G_GUINT64_CONSTANT (1) << (8 * n)) - 1);
          return i + n;
        }
      *high |= word & HIGHS;
      i += 8;
    }
#endif
  for (; i < length; i++)
    {
      guchar c = text[i];

      if (c == '"' || c == '\\' || c < 0x20)
        return i;
      *high |= c & 0x80;
    }
  return length;
}

G_END_DECLS
