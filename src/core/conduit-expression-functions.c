/* conduit-expression-functions.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "conduit-expression-functions-private.h"
#include "conduit-mapping-value-private.h"
#include "conduit-pattern.h"

/* The functions of the mapping language. Each one takes evaluated values (if() is the
 * exception: only its chosen branch runs) and makes its result in the record's arena. Text
 * functions give null for null, so a missing field stays missing instead of becoming "". Keep
 * docs/mapping.md in step with this table. */

#define ARENA(c) ((c)->arena)

static ConduitValue *
string_value (EvalContext *context,
              const char  *text,
              gsize        length)
{
  /* conduit_value_new_string_take() inlined: most functions end here, once per record */
  ConduitValue *value = conduit_arena_alloc (context->arena, sizeof (ConduitValue));

  value->kind = CONDUIT_VALUE_STRING;
  value->len = length;
  value->string = text;
  return value;
}

/* without an early return, so that the compiler does 16 bytes a step */
static gboolean
is_ascii (const char *text,
          gsize       length)
{
  guchar high = 0;

  for (gsize i = 0; i < length; i++)
    high |= (guchar)text[i];
  return high < 0x80;
}

/* memmem() is a GNU extension; this is all we need of it. */
static const char *
find_text (const char *haystack,
           gsize       length,
           const char *needle,
           gsize       needle_len)
{
  const char *end = haystack + length;

  if (needle_len == 0)
    return haystack;
  while ((gsize)(end - haystack) >= needle_len)
    {
      const char *first = memchr (haystack, needle[0], end - haystack - needle_len + 1);

      if (first == NULL)
        return NULL;
      if (memcmp (first, needle, needle_len) == 0)
        return first;
      haystack = first + 1;
    }
  return NULL;
}

/* ---- text ------------------------------------------------------------------------------ */

static inline gboolean
is_space (gunichar ch)
{
  if (ch < 0x80)
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
  return g_unichar_isspace (ch) || ch == 0xFEFF;
}

/* fn_trim() for text that is not plain ASCII at its ends, or not text */
static G_GNUC_NO_INLINE ConduitValue *
trim_any (EvalContext  *c,
          ConduitValue *value)
{
  const char *text, *end;
  gsize length;

  text = text_of (c, value, &length);
  end = text + length;
  while (text < end)
    {
      gunichar ch = (guchar)*text < 0x80 ? (gunichar)*text : g_utf8_get_char (text);

      if (!is_space (ch))
        break;
      text = g_utf8_next_char (text);
    }
  while (end > text)
    {
      /* an ASCII byte is a whole character: no search for where it starts */
      const char *prev = (guchar)end[-1] < 0x80 ? end - 1 : g_utf8_find_prev_char (text, end);
      gunichar ch = (guchar)*prev < 0x80 ? (gunichar)*prev : g_utf8_get_char (prev);

      if (!is_space (ch))
        break;
      end = prev;
    }
  return string_value (c, text, end - text);
}

static ConduitValue *
fn_trim (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  ConduitValue *value = args[0];
  const guchar *text, *start, *end;

  if (CONDUIT_VALUE_IS_NULL (value))
    return null_value ();
  if (value->kind != CONDUIT_VALUE_STRING || value->len == 0)
    return trim_any (c, value);

  /* ASCII spaces, the usual padding, cut here; a text that then starts or ends with a byte
   * above 0x7F (which may be a space of another kind) goes the long way */
  start = text = (const guchar *)value->string;
  end = text + value->len;
  while (text < end && (*text == ' ' || (*text >= '\t' && *text <= '\r')))
    text++;
  while (end > text && (end[-1] == ' ' || (end[-1] >= '\t' && end[-1] <= '\r')))
    end--;
  if (text < end && (*text >= 0x80 || end[-1] >= 0x80))
    return trim_any (c, value);
  /* nothing to cut: the same value, not a new one */
  if (text == start && end == start + value->len)
    return value;
  return string_value (c, (const char *)text, end - text);
}

static ConduitValue *
change_case (EvalContext  *c,
             ConduitValue *value,
             gboolean      upper)
{
  const char *text;
  gsize length;
  char *out;

  if (CONDUIT_VALUE_IS_NULL (value))
    return null_value ();

  text = text_of (c, value, &length);
  /* ASCII cased in one pass; a high byte seen on the way sends the text to the Unicode path
   * (the arena takes back the bytes with the record) */
  out = conduit_arena_alloc (c->arena, length + 1);
  if (conduit_ascii_change_case (text, length, out, upper))
    return string_value (c, out, length);
  {
    g_autofree char *changed = conduit_utf8_change_case (text, length, upper);

    return conduit_value_new_string (c->arena, changed, strlen (changed));
  }
}

static ConduitValue *
fn_lower (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return change_case (c, args[0], FALSE);
}

static ConduitValue *
fn_upper (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return change_case (c, args[0], TRUE);
}

/* The _ascii variants touch only A-Z, a-z and the ASCII spaces, whatever the text holds:
 * for identifiers, codes and systems that compare bytes ("İ" stays "İ", a no-break space
 * stays). The same in every locale, as the Unicode ones are too. */
static ConduitValue *
change_case_ascii (EvalContext  *c,
                   ConduitValue *value,
                   gboolean      upper)
{
  const char *text;
  gsize length;
  char *out;

  if (CONDUIT_VALUE_IS_NULL (value))
    return null_value ();

  text = text_of (c, value, &length);
  out = conduit_arena_alloc (c->arena, length + 1);
  for (gsize i = 0; i < length; i++)
    out[i] = upper ? g_ascii_toupper (text[i]) : g_ascii_tolower (text[i]);
  out[length] = '\0';
  return string_value (c, out, length);
}

static ConduitValue *
fn_lower_ascii (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return change_case_ascii (c, args[0], FALSE);
}

static ConduitValue *
fn_upper_ascii (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return change_case_ascii (c, args[0], TRUE);
}

static ConduitValue *
fn_trim_ascii (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *end;
  gsize length;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();

  text = text_of (c, args[0], &length);
  end = text + length;
  while (text < end && g_ascii_isspace (*text))
    text++;
  while (end > text && g_ascii_isspace (end[-1]))
    end--;
  return string_value (c, text, end - text);
}

static ConduitValue *
fn_title (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *p;
  gsize length;
  GString *out;
  gboolean word_start = TRUE;
  ConduitValue *value;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();

  text = text_of (c, args[0], &length);
  /* Most names are ASCII: cased in place in the arena, without a GString per value. */
  if (is_ascii (text, length))
    {
      char *ascii = conduit_arena_alloc (c->arena, length + 1);

      for (gsize i = 0; i < length; i++)
        {
          char ch = text[i];

          gboolean lower = ch >= 'a' && ch <= 'z';
          gboolean upper = ch >= 'A' && ch <= 'Z';

          /* by hand: g_ascii_toupper() and g_ascii_tolower() are calls, not macros */
          if (word_start && lower)
            ch -= 'a' - 'A';
          else if (!word_start && upper)
            ch += 'a' - 'A';
          ascii[i] = ch;
          word_start = !(lower || upper || (ch >= '0' && ch <= '9') || ch == '\'');
        }
      ascii[length] = '\0';
      return string_value (c, ascii, length);
    }
  out = g_string_sized_new (length + 8);
  for (p = text; p < text + length; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      g_string_append_unichar (out, word_start ? g_unichar_totitle (ch) : g_unichar_tolower (ch));
      /* "o'neil" → "O'neil" and "jean-luc" → "Jean-Luc", as names are written */
      word_start = !(g_unichar_isalnum (ch) || ch == '\'' || ch == 0x2019);
    }
  value = conduit_value_new_string (c->arena, out->str, out->len);
  g_string_free (out, TRUE);
  return value;
}

static ConduitValue *
fn_concat (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  gsize total = 0, pos = 0;
  const char *texts[16];
  gsize lengths[16];
  const char **t = texts;
  gsize *l = lengths;
  char *out;

  if (call->call.n_args > G_N_ELEMENTS (texts))
    {
      t = conduit_arena_alloc (c->arena, sizeof (char *) * call->call.n_args);
      l = conduit_arena_alloc (c->arena, sizeof (gsize) * call->call.n_args);
    }

  for (guint i = 0; i < call->call.n_args; i++)
    {
      t[i] = text_of (c, args[i], &l[i]);
      total += l[i];
    }

  /* 16 bytes of room past the end: a piece of 1 to 16 bytes (a name, a separator) is copied
   * in one load and one store, without a memcpy() call */
  out = conduit_arena_alloc (c->arena, total + 16);
  for (guint i = 0; i < call->call.n_args; i++)
    {
#ifdef __SSE2__
      __m128i chunk;

      if (l[i] - 1 < 16 && conduit_json_load_within_page (t[i], &chunk))
        _mm_storeu_si128 ((__m128i *)(void *)(out + pos), chunk);
      else
#endif
        memcpy (out + pos, t[i], l[i]);
      pos += l[i];
    }
  out[total] = '\0';
  return string_value (c, out, total);
}

static ConduitValue *
fn_join (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *separator = ",";
  gsize separator_len = 1;
  GString *out;
  ConduitValue *value;
  gboolean first = TRUE;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  if (call->call.n_args > 1)
    separator = text_of (c, args[1], &separator_len);
  if (args[0]->kind != CONDUIT_VALUE_ARRAY)
    return args[0];

  out = g_string_new (NULL);
  for (guint i = 0; i < args[0]->len; i++)
    {
      const char *text;
      gsize len;

      if (CONDUIT_VALUE_IS_NULL (args[0]->items[i]))
        continue;
      text = text_of (c, args[0]->items[i], &len);
      if (!first)
        g_string_append_len (out, separator, separator_len);
      g_string_append_len (out, text, len);
      first = FALSE;
    }
  value = conduit_value_new_string (c->arena, out->str, out->len);
  g_string_free (out, TRUE);
  return value;
}

static ConduitValue *
make_array (EvalContext *c,
            GPtrArray   *items)
{
  ConduitValue *value = conduit_arena_alloc (c->arena, sizeof (ConduitValue));

  value->kind = CONDUIT_VALUE_ARRAY;
  value->len = items->len;
  value->items = conduit_arena_alloc (c->arena, sizeof (ConduitValue *) * MAX (items->len, 1));
  if (items->len > 0)
    memcpy (value->items, items->pdata, sizeof (ConduitValue *) * items->len);
  return value;
}

static ConduitValue *
fn_split (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  const char *text, *separator = ",", *p, *end;
  gsize length, separator_len = 1;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  if (call->call.n_args > 1)
    separator = text_of (c, args[1], &separator_len);
  end = text + length;

  if (length == 0)
    return make_array (c, items);

  if (separator_len == 0)
    {
      for (p = text; p < end; p = g_utf8_next_char (p))
        g_ptr_array_add (items, string_value (c, p, g_utf8_next_char (p) - p));
      return make_array (c, items);
    }

  for (p = text;;)
    {
      const char *found = find_text (p, end - p, separator, separator_len);

      if (found == NULL)
        {
          g_ptr_array_add (items, string_value (c, p, end - p));
          break;
        }
      g_ptr_array_add (items, string_value (c, p, found - p));
      p = found + separator_len;
    }
  return make_array (c, items);
}

static ConduitValue *
fn_replace (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *old, *new, *p, *end;
  gsize length, old_len, new_len;
  GString *out;
  ConduitValue *value;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  old = text_of (c, args[1], &old_len);
  new = text_of (c, args[2], &new_len);
  if (old_len == 0)
    return string_value (c, text, length);

  out = g_string_sized_new (length);
  end = text + length;
  for (p = text;;)
    {
      const char *found = find_text (p, end - p, old, old_len);

      if (found == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, found - p);
      g_string_append_len (out, new, new_len);
      p = found + old_len;
    }
  value = conduit_value_new_string (c->arena, out->str, out->len);
  g_string_free (out, TRUE);
  return value;
}

static gboolean
check_regex (ExprNode  *call,
             guint     *bad_argument,
             char     **message)
{
  g_autoptr(GError) error = NULL;
  const char *pattern;
  ConduitPattern *regex;

  *bad_argument = 1;
  if (!literal_string (call->call.args[1], &pattern))
    {
      *message = g_strdup (_("the pattern must be fixed text in quotes"));
      return FALSE;
    }

  regex = conduit_pattern_new (pattern, &error);
  if (regex == NULL)
    {
      *message = g_strdup_printf (_("this pattern is not a valid regular expression: %s"),
                                  error->message);
      return FALSE;
    }
  call->call.data = regex;
  call->call.data_free = (GDestroyNotify)conduit_pattern_free;

  if (call->call.n_args > 2)
    {
      const char *replacement;
      gboolean has_references;

      if (literal_string (call->call.args[2], &replacement) &&
          !g_regex_check_replacement (replacement, &has_references, &error))
        {
          *bad_argument = 2;
          *message = g_strdup_printf (_("this replacement is not valid: %s"), error->message);
          return FALSE;
        }
    }
  return TRUE;
}

static ConduitValue *
fn_regex_replace (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;
  const char *text, *replacement;
  gsize length;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  replacement = shown (c, args[2]);
  result = g_regex_replace (conduit_pattern_get_regex (call->call.data), text, length, 0, replacement, 0, &error);
  if (result == NULL)
    {
      conduit_expression_set_error (c, call, "%s", error->message);
      return NULL;
    }
  return conduit_value_new_string (c->arena, result, strlen (result));
}

static ConduitValue *
fn_matches (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return conduit_value_new_boolean (FALSE);
  text = text_of (c, args[0], &length);
  return conduit_value_new_boolean (conduit_pattern_match (call->call.data, text, length));
}

static ConduitValue *
fn_digits (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length, n = 0;
  char *out;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  out = conduit_arena_alloc (c->arena, length + 1);
  /* every byte stored, and kept by counting it when it is a digit: a phone number mixes
   * digits and punctuation too irregularly for a branch to be guessed */
  for (gsize i = 0, end = length; i < end; i++)   /* end: length's address is taken */
    {
      out[n] = text[i];
      n += (guint)((guchar)text[i] - '0') <= 9;
    }
  out[n] = '\0';
  return string_value (c, out, n);
}

static gboolean
get_integer_arg (EvalContext  *c,
                 ExprNode     *call,
                 ConduitValue *value,
                 const char   *what,
                 gint64       *out)
{
  double number;

  if (!conduit_value_get_number (value, &number) || number != floor (number) ||
      fabs (number) > 1e15)
    {
      conduit_expression_set_error (c, call, _("%s must be a whole number, not “%s”"), what,
                                    shown (c, value));
      return FALSE;
    }
  *out = (gint64)number;
  return TRUE;
}

static ConduitValue *
fn_substring (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *from, *to;
  gsize length;
  gint64 start, count, chars;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  if (!get_integer_arg (c, call, args[1], _("the start"), &start))
    return NULL;
  text = text_of (c, args[0], &length);
  chars = g_utf8_strlen (text, length);
  if (start < 0)
    start = MAX (chars + start, 0);
  start = MIN (start, chars);
  count = chars - start;
  if (call->call.n_args > 2)
    {
      if (!get_integer_arg (c, call, args[2], _("the length"), &count))
        return NULL;
      count = CLAMP (count, 0, chars - start);
    }
  from = g_utf8_offset_to_pointer (text, start);
  to = g_utf8_offset_to_pointer (from, count);
  return string_value (c, from, to - from);
}

/* Characters of valid UTF-8: the bytes that start one. Unlike g_utf8_strlen(), it goes on
 * past a U+0000 (values keep their length) and needs no call per character. */
static gint64
count_characters (const char *text,
                  gsize       length)
{
  gint64 n = 0;

  for (gsize i = 0; i < length; i++)
    n += ((guchar)text[i] & 0xC0) != 0x80;
  return n;
}

static ConduitValue *
fn_length (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return conduit_value_new_integer (c->arena, 0);
  if (args[0]->kind == CONDUIT_VALUE_ARRAY || args[0]->kind == CONDUIT_VALUE_OBJECT)
    return conduit_value_new_integer (c->arena, args[0]->len);
  text = text_of (c, args[0], &length);
  return conduit_value_new_integer (c->arena, count_characters (text, length));
}

static ConduitValue *
fn_contains (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *part;
  gsize length, part_len;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return conduit_value_new_boolean (FALSE);
  if (args[0]->kind == CONDUIT_VALUE_ARRAY)
    {
      for (guint i = 0; i < args[0]->len; i++)
        if (conduit_value_equal (args[0]->items[i], args[1]))
          return conduit_value_new_boolean (TRUE);
      return conduit_value_new_boolean (FALSE);
    }
  text = text_of (c, args[0], &length);
  part = text_of (c, args[1], &part_len);
  return conduit_value_new_boolean (find_text (text, length, part, part_len) != NULL);
}

static ConduitValue *
fn_starts_with (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *part;
  gsize length, part_len;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return conduit_value_new_boolean (FALSE);
  text = text_of (c, args[0], &length);
  part = text_of (c, args[1], &part_len);
  return conduit_value_new_boolean (part_len <= length && memcmp (text, part, part_len) == 0);
}

static ConduitValue *
fn_ends_with (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text, *part;
  gsize length, part_len;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return conduit_value_new_boolean (FALSE);
  text = text_of (c, args[0], &length);
  part = text_of (c, args[1], &part_len);
  return conduit_value_new_boolean (part_len <= length &&
                                    memcmp (text + length - part_len, part, part_len) == 0);
}

/* ---- numbers and types ----------------------------------------------------------------- */

static ConduitValue *
fn_to_number (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  ConduitValue *value = args[0];
  double number;
  gint64 integer;

  if (conduit_value_is_empty (value))
    return null_value ();
  if (value->kind == CONDUIT_VALUE_INTEGER || value->kind == CONDUIT_VALUE_DOUBLE)
    return value;
  if (value->kind == CONDUIT_VALUE_STRING)
    switch (conduit_value_parse_integer_text (value->string, value->len, &integer))
      {
      case CONDUIT_TEXT_INTEGER:
        return conduit_value_new_integer (c->arena, integer);
      case CONDUIT_TEXT_INTEGER_TOO_LARGE:
        conduit_expression_set_error (c, call, _("“%s” is beyond the 64-bit range of whole "
                                                 "numbers; keep it as text"), shown (c, value));
        return NULL;
      case CONDUIT_TEXT_NOT_INTEGER:
      default:
        break;
      }
  if (value->kind != CONDUIT_VALUE_BOOLEAN && conduit_value_get_number (value, &number))
    return conduit_value_new_double (c->arena, number);

  conduit_expression_set_error (c, call, _("“%s” is not a number"), shown (c, value));
  return NULL;
}

static ConduitValue *
fn_to_integer (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  ConduitValue *value = args[0];
  double number;
  gint64 integer;

  if (conduit_value_is_empty_inline (value))
    return null_value ();
  if (value->kind == CONDUIT_VALUE_INTEGER)
    return value;
  if (value->kind == CONDUIT_VALUE_STRING)
    switch (conduit_value_parse_integer_text (value->string, value->len, &integer))
      {
      case CONDUIT_TEXT_INTEGER:
        return conduit_value_new_integer (c->arena, integer);
      case CONDUIT_TEXT_INTEGER_TOO_LARGE:
        conduit_expression_set_error (c, call, _("“%s” is beyond the 64-bit range of whole "
                                                 "numbers (-9223372036854775808 to "
                                                 "9223372036854775807); keep it as text"),
                                      shown (c, value));
        return NULL;
      case CONDUIT_TEXT_NOT_INTEGER:
      default:
        break;
      }
  if (value->kind != CONDUIT_VALUE_BOOLEAN && conduit_value_get_number (value, &number))
    {
      if (number == floor (number) && fabs (number) < 9e15)
        return conduit_value_new_integer (c->arena, (gint64)number);
      conduit_expression_set_error (c, call, _("“%s” is not a whole number; use round() first"),
                                    shown (c, value));
      return NULL;
    }

  conduit_expression_set_error (c, call, _("“%s” is not a whole number"), shown (c, value));
  return NULL;
}

static ConduitValue *
fn_round (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  double number, factor;
  gint64 digits = 0;

  if (conduit_value_is_empty (args[0]))
    return null_value ();
  if (!conduit_value_get_number (args[0], &number))
    {
      conduit_expression_set_error (c, call, _("“%s” is not a number"), shown (c, args[0]));
      return NULL;
    }
  if (call->call.n_args > 1 && !get_integer_arg (c, call, args[1], _("the number of decimals"), &digits))
    return NULL;
  digits = CLAMP (digits, 0, 15);
  if (digits == 0)
    {
      number = round (number);
      if (fabs (number) < 9e15)
        return conduit_value_new_integer (c->arena, (gint64)number);
      return conduit_value_new_double (c->arena, number);
    }
  factor = pow (10, digits);
  return conduit_value_new_double (c->arena, round (number * factor) / factor);
}

static ConduitValue *
fn_to_boolean (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  static const char *const yes[] = { "true", "yes", "y", "1", "on", "t" };
  static const char *const no[] = { "false", "no", "n", "0", "off", "f" };
  ConduitValue *value = args[0];
  g_autofree char *lowered = NULL;
  const char *text;
  gsize length;

  if (conduit_value_is_empty (value))
    return null_value ();
  if (value->kind == CONDUIT_VALUE_BOOLEAN)
    return value;
  if (value->kind == CONDUIT_VALUE_INTEGER || value->kind == CONDUIT_VALUE_DOUBLE)
    return conduit_value_new_boolean (conduit_value_is_truthy (value));

  text = text_of (c, value, &length);
  lowered = g_strstrip (g_ascii_strdown (text, length));
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_str_equal (lowered, yes[i]))
        return conduit_value_new_boolean (TRUE);
      if (g_str_equal (lowered, no[i]))
        return conduit_value_new_boolean (FALSE);
    }

  conduit_expression_set_error (c, call, _("“%s” is not yes or no (true, false, yes, no, 1, 0…)"),
                                shown (c, value));
  return NULL;
}

static ConduitValue *
fn_to_string (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length;

  if (CONDUIT_VALUE_IS_NULL (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  return string_value (c, text, length);
}

static ConduitValue *
fn_is_empty (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return conduit_value_new_boolean (conduit_value_is_empty (args[0]));
}

/* ---- choices --------------------------------------------------------------------------- */

static ConduitValue *
fn_default (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  return conduit_value_is_empty_inline (args[0]) ? args[1] : args[0];
}

static ConduitValue *
fn_coalesce (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  for (guint i = 0; i < call->call.n_args; i++)
    if (!conduit_value_is_empty (args[i]))
      return args[i];
  return null_value ();
}

static gboolean
check_lookup (ExprNode  *call,
              guint     *bad_argument,
              char     **message)
{
  ExprNode *table = call->call.args[1];

  *bad_argument = 1;
  if (table->kind != EXPR_LITERAL || table->literal->kind != CONDUIT_VALUE_OBJECT)
    {
      *message = g_strdup (_("the second value of lookup() must be a table, like "
                             "{\"FR\": \"France\", \"DE\": \"Germany\"}"));
      return FALSE;
    }
  return TRUE;
}

static ConduitValue *
fn_lookup (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  ConduitValue *found;
  const char *key;
  gsize length;

  if (!CONDUIT_VALUE_IS_NULL (args[0]))
    {
      key = text_of (c, args[0], &length);
      found = conduit_value_object_get (args[1], key, length);
      if (found != NULL)
        return found;
    }
  return call->call.n_args > 2 ? args[2] : null_value ();
}

/* ---- keys ------------------------------------------------------------------------------ */

static ConduitValue *
fn_uuid (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autofree char *uuid = g_uuid_string_random ();

  return conduit_value_new_string (c->arena, uuid, strlen (uuid));
}

static ConduitValue *
fn_sha256 (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *digest;

  for (guint i = 0; i < call->call.n_args; i++)
    {
      const char *text;
      gsize length;

      /* a separator no text contains, so ("ab", "c") and ("a", "bc") differ */
      if (i > 0)
        g_checksum_update (checksum, (const guchar *)"\x1f", 1);
      text = text_of (c, args[i], &length);
      g_checksum_update (checksum, (const guchar *)text, length);
    }
  digest = g_checksum_get_string (checksum);
  return conduit_value_new_string (c->arena, digest, strlen (digest));
}

/* Sorted by name for bsearch. */
static const ExprFunction functions[] = {
  { "coalesce", 1, G_MAXUINT, fn_coalesce, NULL },
  { "concat", 1, G_MAXUINT, fn_concat, NULL },
  { "contains", 2, 2, fn_contains, NULL },
  { "date", 1, 3, conduit_expression_fn_date, conduit_expression_check_date },
  { "default", 2, 2, fn_default, NULL },
  { "digits", 1, 1, fn_digits, NULL },
  { "ends_with", 2, 2, fn_ends_with, NULL },
  { "format_date", 2, 2, conduit_expression_fn_format_date, conduit_expression_check_format_date },
  { "if", 2, 3, NULL, NULL, EXPR_LAZY_IF },
  { "is_empty", 1, 1, fn_is_empty, NULL },
  { "join", 1, 2, fn_join, NULL },
  { "length", 1, 1, fn_length, NULL },
  { "lookup", 2, 3, fn_lookup, check_lookup },
  { "lower", 1, 1, fn_lower, NULL },
  { "lower_ascii", 1, 1, fn_lower_ascii, NULL },
  { "matches", 2, 2, fn_matches, check_regex },
  { "now", 0, 0, conduit_expression_fn_now, NULL, EXPR_LAZY_NONE, TRUE },
  { "regex_replace", 3, 3, fn_regex_replace, check_regex },
  { "replace", 3, 3, fn_replace, NULL },
  { "round", 1, 2, fn_round, NULL },
  { "sha256", 1, G_MAXUINT, fn_sha256, NULL },
  { "split", 1, 2, fn_split, NULL },
  { "starts_with", 2, 2, fn_starts_with, NULL },
  { "substring", 2, 3, fn_substring, NULL },
  { "title", 1, 1, fn_title, NULL },
  { "to_boolean", 1, 1, fn_to_boolean, NULL },
  { "to_integer", 1, 1, fn_to_integer, NULL },
  { "to_number", 1, 1, fn_to_number, NULL },
  { "to_string", 1, 1, fn_to_string, NULL },
  { "trim", 1, 1, fn_trim, NULL },
  { "trim_ascii", 1, 1, fn_trim_ascii, NULL },
  { "try", 2, 2, NULL, NULL, EXPR_LAZY_TRY },
  { "upper", 1, 1, fn_upper, NULL },
  { "upper_ascii", 1, 1, fn_upper_ascii, NULL },
  { "uuid", 0, 0, fn_uuid, NULL, EXPR_LAZY_NONE, TRUE },
};

const ExprFunction *
conduit_expression_find_function (const char *name,
                                  gsize       length)
{
  guint low = 0, high = G_N_ELEMENTS (functions);

  while (low < high)
    {
      guint mid = (low + high) / 2;
      int cmp = strncmp (functions[mid].name, name, length);

      if (cmp == 0 && functions[mid].name[length] != '\0')
        cmp = 1;
      if (cmp == 0)
        return &functions[mid];
      if (cmp < 0)
        low = mid + 1;
      else
        high = mid;
    }
  return NULL;
}

/**
 * conduit_expression_list_functions:
 *
 * For the expression editor's completion.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of every function
 */
const char *const *
conduit_expression_list_functions (void)
{
  static const char *names[G_N_ELEMENTS (functions) + 1];

  if (names[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (functions); i++)
      names[i] = functions[i].name;
  return names;
}
