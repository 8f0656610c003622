/* conduit-expression-case.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-mapping-value-private.h"

/* g_utf8_strdown() and g_utf8_strup() follow LC_CTYPE: in a Turkish or Azeri locale "I"
 * lowers to a dotless "ı" and "i" uppers to "İ", in a Lithuanian one "Ì" lowers with an
 * added dot. A mapping must make the same record on every machine, so the few characters
 * whose case a locale changes are cased here by Unicode's default rules, and the text
 * between them by GLib, which then has nothing left to do differently. The list was found
 * by comparing GLib's results in tr_TR, az_AZ and lt_LT with C.UTF-8 over every code point
 * next to letters and combining marks (tests/test-expression.c keeps the check). */
static inline gboolean
locale_sensitive (gunichar ch,
                  gboolean upper)
{
  if (upper)
    return ch == 'i';
  return ch == 'I' || ch == 'J' || ch == 0x00CC || ch == 0x00CD || ch == 0x0128 ||
         ch == 0x012E || ch == 0x0130 || ch == 0xFF29 || ch == 0xFF2A;
}

static void
append_cased (GString    *out,
              const char *chunk,
              gsize       length,
              gboolean    upper,
              gboolean    letter_follows)
{
  g_autofree char *changed = NULL;
  gsize n;

  if (length == 0)
    return;
  changed = upper ? g_utf8_strup (chunk, length) : g_utf8_strdown (chunk, length);
  n = strlen (changed);
  /* GLib gives a capital sigma at the end of the text its final form ς; here the chunk
   * only ends because one of the letters above follows, so the sigma is not final */
  if (!upper && letter_follows && n >= 2 && length >= 2 &&
      (guchar)chunk[length - 2] == 0xCE && (guchar)chunk[length - 1] == 0xA3 &&
      (guchar)changed[n - 2] == 0xCF && (guchar)changed[n - 1] == 0x82)
    changed[n - 1] = (char)0x83;
  g_string_append_len (out, changed, n);
}

/**
 * conduit_utf8_change_case:
 * @text: valid UTF-8
 * @length: its length in bytes
 * @upper: %TRUE for upper case, %FALSE for lower case
 *
 * Like g_utf8_strup() and g_utf8_strdown() in the C locale (Unicode's default full case
 * mapping: "straße" uppers to "STRASSE"), whatever the locale of the process.
 *
 * Returns: (transfer full): the text in the other case
 */
char *
conduit_utf8_change_case (const char *text,
                          gsize       length,
                          gboolean    upper)
{
  GString *out = g_string_sized_new (length + 8);
  const char *p = text;
  const char *end = text + length;
  const char *chunk = text;

  while (p < end)
    {
      gunichar ch = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);

      if (!locale_sensitive (ch, upper))
        {
          p = next;
          continue;
        }
      append_cased (out, chunk, p - chunk, upper, TRUE);
      if (!upper && ch == 0x0130)
        g_string_append (out, "i\xcc\x87");   /* İ: i and a combining dot above */
      else
        g_string_append_unichar (out, upper ? g_unichar_toupper (ch) : g_unichar_tolower (ch));
      chunk = p = next;
    }
  append_cased (out, chunk, end - chunk, upper, FALSE);
  return g_string_free (out, FALSE);
}

/**
 * conduit_ascii_change_case:
 * @text: bytes
 * @length: how many
 * @out: room for @length bytes and a nul
 * @upper: %TRUE for upper case, %FALSE for lower case
 *
 * Changes the case of the ASCII letters of @text into @out, 16 bytes a step: lower() and
 * upper() of ASCII text, the usual kind, without looking up characters.
 *
 * Returns: %TRUE when @text is all ASCII (@out then holds the answer); %FALSE when a high byte
 *   was seen, and the text needs conduit_utf8_change_case()
 */
gboolean
conduit_ascii_change_case (const char *text,
                           gsize       length,
                           char       *out,
                           gboolean    upper)
{
  guchar high = 0;
  guchar from = upper ? 'a' : 'A';
  gsize i = 0;

#ifdef __SSE2__
  if (length >= 16)
    {
      const __m128i first = _mm_set1_epi8 ((char)from);
      const __m128i last = _mm_set1_epi8 ((char)(from + 25));
      const __m128i flip = _mm_set1_epi8 (0x20);
      guint highs = 0;

      /* the last step overlaps the one before when the length is not a multiple of 16:
       * each output byte depends on its input byte alone */
      for (;;)
        {
          __m128i chunk = _mm_loadu_si128 ((const __m128i *)(const void *)(text + i));
          /* a letter to change: first <= byte <= last, unsigned */
          __m128i letter = _mm_and_si128 (_mm_cmpeq_epi8 (_mm_max_epu8 (chunk, first), chunk),
                                          _mm_cmpeq_epi8 (_mm_min_epu8 (chunk, last), chunk));

          highs |= (guint)_mm_movemask_epi8 (chunk);
          _mm_storeu_si128 ((__m128i *)(void *)(out + i),
                            _mm_xor_si128 (chunk, _mm_and_si128 (letter, flip)));
          if (i + 16 == length)
            break;
          i = i + 32 <= length ? i + 16 : length - 16;
        }
      i = length;
      high = highs != 0 ? 0x80 : 0;
    }
#endif
  for (; i < length; i++)
    {
      guchar ch = text[i];

      high |= ch;
      out[i] = (char)(ch ^ ((guchar)(ch - from) < 26 ? 0x20 : 0));
    }
  out[length] = '\0';
  return high < 0x80;
}
