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

void conduit_value_write_integer (GString *out,
                                  gint64   integer);

/* conduit_value_is_empty(), inlined where it is asked once per record and row (default(),
 * to_integer(), a required field's rule) */
static inline gboolean
conduit_value_is_empty_inline (const ConduitValue *value)
{
  if (CONDUIT_VALUE_IS_NULL (value))
    return TRUE;
  if (value->kind == CONDUIT_VALUE_STRING || value->kind == CONDUIT_VALUE_ARRAY)
    return value->len == 0;
  return FALSE;
}

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

#ifdef __SSE2__
/* The 16 bytes at @p when they lie within one page of memory: a string's last few bytes are
 * then read in one load that may go past the string's end but cannot fault, as a page is
 * either readable as a whole or not at all (the bytes past the end are masked off by the
 * caller). Otherwise FALSE, and the caller goes byte by byte. Kept out of line for the
 * sanitizers: such a load is correct, but outside the object ASan knows. */
#if defined(__clang__) || defined(__GNUC__)
__attribute__ ((no_sanitize_address))
#endif
static inline gboolean
conduit_json_load_within_page (const char *p,
                               __m128i    *chunk)
{
  if (((guintptr)p & 4095) > 4096 - 16)
    return FALSE;
  *chunk = _mm_loadu_si128 ((const __m128i *)(const void *)p);
  return TRUE;
}
#endif

/* g_string_append_len() without a call for the usual case that the text fits: the writers
 * append a dozen short pieces per record. */
static inline void
conduit_string_append (GString    *out,
                       const char *data,
                       gsize       length)
{
  if (G_UNLIKELY (out->len + length + 1 > out->allocated_len))
    {
      gsize len = out->len;

      g_string_set_size (out, len + length);
      out->len = len;
    }
  memcpy (out->str + out->len, data, length);
  out->len += length;
  out->str[out->len] = '\0';
}

/* conduit_string_append() for the short pieces of a record (member names as written, most
 * values): 1 to 16 bytes in one load and one store instead of a memcpy() call. The store
 * may write past the piece into the string's spare room, which the length then leaves out. */
static inline void
conduit_string_append_short (GString    *out,
                             const char *data,
                             gsize       length)
{
#ifdef __SSE2__
  __m128i chunk;

  if (length - 1 < 16 && conduit_json_load_within_page (data, &chunk))
    {
      if (G_UNLIKELY (out->len + 16 + 1 > out->allocated_len))
        {
          gsize len = out->len;

          g_string_set_size (out, len + 16);
          out->len = len;
        }
      _mm_storeu_si128 ((__m128i *)(void *)(out->str + out->len), chunk);
      out->len += length;
      out->str[out->len] = '\0';
      return;
    }
#endif
  conduit_string_append (out, data, length);
}

/* conduit_json_scan_plain() eight bytes, then one byte, at a time: without SSE2, and for the
 * end of a text whose last 16 bytes would cross a page */
static inline gsize
conduit_json_scan_plain_words (const char *text,
                               gsize       i,
                               gsize       length,
                               guint64    *high)
{
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

/* where a scan stopped, and its high bytes: returned in two registers, so that the caller's
 * own @high need not live in memory for the call */
typedef struct
{
  gsize   end;
  guint64 high;
} ConduitJsonScan;

ConduitJsonScan conduit_json_scan_plain_rest (const char *text,
                                              gsize       i,
                                              gsize       length);

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
  {
    __m128i chunk;

    /* most strings of a record are shorter than 16 bytes: their tail in one step */
    if (i < length && conduit_json_load_within_page (text + i, &chunk))
      {
        guint valid = (1u << (length - i)) - 1;
        __m128i special = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, quote),
                                                      _mm_cmpeq_epi8 (chunk, backslash)),
                                        _mm_cmpeq_epi8 (_mm_max_epu8 (chunk, last_control),
                                                        last_control));
        guint mask = (guint)_mm_movemask_epi8 (special) & valid;
        guint highs = (guint)_mm_movemask_epi8 (chunk) & valid;

        if (mask != 0)
          {
            guint n = (guint)__builtin_ctz (mask);

            *high |= highs & ((1u << n) - 1);
            return i + n;
          }
        *high |= highs;
        return length;
      }
  }
  /* out of line: its constants and loops would take registers from every inlined scan */
  if (i < length)
    {
      ConduitJsonScan rest = conduit_json_scan_plain_rest (text, i, length);

      *high |= rest.high;
      return rest.end;
    }
  return length;
#else
  return conduit_json_scan_plain_words (text, i, length, high);
#endif
}

G_END_DECLS
