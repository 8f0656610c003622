/* conduit-pattern.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-pattern"
#define PCRE2_CODE_UNIT_WIDTH 8

#include "config.h"

#include <pcre2.h>

#include "conduit-pattern.h"

/* g_regex_match_full() makes a GMatchInfo, a match context and a match data for every call:
 * about half of what a `pattern` rule cost per record. Here the pattern is compiled a second
 * time by PCRE2 itself, with what GLib 2.74's gregex.c passes for g_regex_new (pattern,
 * G_REGEX_OPTIMIZE, 0): UTF and UCP, no UTF check of the pattern, any newline, \R as any
 * Unicode line end, JIT for complete matches. Matching then does what g_match_info_next()
 * does for a first match: pcre2_jit_match() when the JIT compiled (it checks no UTF-8, as in
 * GLib), else pcre2_match() with its UTF-8 check (invalid UTF-8 is an error, so "no match"),
 * default limits and JIT stack; an error of any kind is "no match". Only the match data is
 * kept, one per thread, since one compiled mapping serves every mapping thread.
 *
 * The GRegex stays: its compile messages are the ones people see (translated), and
 * regex_replace() uses g_regex_replace(). */

#define GREGEX_COMPILE_OPTIONS (PCRE2_UTF | PCRE2_NO_UTF_CHECK | PCRE2_UCP)

struct _ConduitPattern
{
  GRegex     *regex;
  pcre2_code *code;     /* (nullable) NULL: PCRE2 refused what GLib took; GRegex matches */
  guint32     n_pairs;  /* the captures plus the whole match: GLib's match data size */
  gboolean    jit;
};

static void
match_data_free (gpointer data)
{
  pcre2_match_data_free (data);
}

static GPrivate thread_match_data = G_PRIVATE_INIT (match_data_free);

/* A match data of at least @n_pairs pairs for this thread, reused for every match. */
static pcre2_match_data *
get_match_data (guint32 n_pairs)
{
  pcre2_match_data *data = g_private_get (&thread_match_data);

  if (G_LIKELY (data != NULL && pcre2_get_ovector_count (data) >= n_pairs))
    return data;

  data = pcre2_match_data_create (MAX (n_pairs, 8), NULL);
  if (data == NULL)
    g_error ("%s: out of memory for a match data of %u pairs", G_STRLOC, n_pairs);
  g_private_replace (&thread_match_data, data);
  return data;
}

ConduitPattern *
conduit_pattern_new (const char  *pattern,
                     GError     **error)
{
  g_autoptr(GRegex) regex = NULL;
  pcre2_compile_context *context;
  ConduitPattern *self;
  PCRE2_SIZE error_offset;
  uint32_t captures = 0;
  int error_code;

  g_return_val_if_fail (pattern != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, error);
  if (regex == NULL)
    return NULL;

  self = g_new0 (ConduitPattern, 1);
  self->regex = g_steal_pointer (&regex);

  context = pcre2_compile_context_create (NULL);
  if (context != NULL &&
      pcre2_set_newline (context, PCRE2_NEWLINE_ANY) == 0 &&
      pcre2_set_bsr (context, PCRE2_BSR_UNICODE) == 0)
    self->code = pcre2_compile ((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED,
                                GREGEX_COMPILE_OPTIONS, &error_code, &error_offset, context);
  g_clear_pointer (&context, pcre2_compile_context_free);

  if (self->code != NULL)
    {
      pcre2_pattern_info (self->code, PCRE2_INFO_CAPTURECOUNT, &captures);
      self->n_pairs = captures + 1;
      /* GLib falls back to the interpreter when the JIT cannot compile (no executable
       * memory, no JIT on this processor): so does this */
      self->jit = pcre2_jit_compile (self->code, PCRE2_JIT_COMPLETE) == 0;
    }
  return self;
}

void
conduit_pattern_free (ConduitPattern *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->code, pcre2_code_free);
  g_clear_pointer (&self->regex, g_regex_unref);
  g_free (self);
}

/* TRUE when @text (@length bytes) holds a match, as g_regex_match_full (regex, text, length,
 * 0, 0, NULL, NULL) answers. */
gboolean
conduit_pattern_match (const ConduitPattern *self,
                       const char           *text,
                       gsize                 length)
{
  pcre2_match_data *data;
  int result;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (G_UNLIKELY (self->code == NULL))
    return g_regex_match_full (self->regex, text, length, 0, 0, NULL, NULL);

  data = get_match_data (self->n_pairs);
  if (self->jit)
    result = pcre2_jit_match (self->code, (PCRE2_SPTR) text, length, 0, 0, data, NULL);
  else
    result = pcre2_match (self->code, (PCRE2_SPTR) text, length, 0, 0, data, NULL);
  /* 0 would be a match with too few pairs (GLib then retries with more): not with n_pairs */
  return result >= 0;
}

const char *
conduit_pattern_get_pattern (const ConduitPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return g_regex_get_pattern (self->regex);
}

GRegex *
conduit_pattern_get_regex (const ConduitPattern *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->regex;
}
