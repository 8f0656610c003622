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

#include "conduit-expression-private.h"
#include "conduit-mapping-value-private.h"
#include "conduit-pattern.h"

/* The functions of the mapping language. Each one takes evaluated values (if() is the
 * exception: only its chosen branch runs) and makes its result in the record's arena. Text
 * functions give null for null, so a missing field stays missing instead of becoming "". Keep
 * docs/mapping.md in step with this table. */

#define ARENA(c) ((c)->arena)

static ConduitValue *
null_value (void)
{
  return (ConduitValue *)&conduit_value_null;
}

/* Text to work on: string values as they are, which may be slices of the input line and
 * so not nul-terminated. */
static const char *
text_of (EvalContext        *context,
         const ConduitValue *value,
         gsize              *length)
{
  if (value != NULL && value->kind == CONDUIT_VALUE_STRING)
    {
      *length = value->len;
      return value->string;
    }
  return conduit_value_to_text (context->arena, value, length);
}

/* Nul-terminated text, for messages and for GLib calls that need it. */
static const char *
shown (EvalContext        *context,
       const ConduitValue *value)
{
  gsize length;

  return conduit_value_to_text (context->arena, value, &length);
}

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

static gboolean
literal_string (ExprNode    *node,
                const char **text)
{
  if (node->kind != EXPR_LITERAL || node->literal->kind != CONDUIT_VALUE_STRING)
    return FALSE;
  *text = node->literal->string;
  return TRUE;
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
  for (gsize i = 0; i < length; i++)
    if (g_ascii_isdigit (text[i]))
      out[n++] = text[i];
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

  if (conduit_value_is_empty (value))
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
  return conduit_value_is_empty (args[0]) ? args[1] : args[0];
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

/* ---- dates ----------------------------------------------------------------------------- */

typedef struct
{
  int      year, month, day, hour, minute, second, microsecond;
  int      offset_minutes;
  gboolean has_time;
  gboolean has_offset;
  gboolean pm, has_pm;
} DateParts;

static const char *const month_names[] = {
  "january", "february", "march", "april", "may", "june", "july", "august", "september",
  "october", "november", "december",
};

static const char *const day_names[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static gboolean
read_digits (const char **p,
             const char  *end,
             int          min,
             int          max,
             int         *out)
{
  int n = 0, value = 0;

  while (*p < end && n < max && g_ascii_isdigit (**p))
    {
      value = value * 10 + (**p - '0');
      (*p)++;
      n++;
    }
  *out = value;
  return n >= min;
}

/* English month or day name, full or its first three letters. */
static int
read_name (const char        **p,
           const char         *end,
           const char *const  *names,
           guint               n_names)
{
  for (guint i = 0; i < n_names; i++)
    {
      gsize full = strlen (names[i]);

      if ((gsize)(end - *p) >= full && g_ascii_strncasecmp (*p, names[i], full) == 0)
        {
          *p += full;
          return i;
        }
    }
  for (guint i = 0; i < n_names; i++)
    if (end - *p >= 3 && g_ascii_strncasecmp (*p, names[i], 3) == 0)
      {
        *p += 3;
        if (*p < end && **p == '.')
          (*p)++;
        return i;
      }
  return -1;
}

static const char *
check_date_format_text (const char *format)
{
  for (const char *f = format; *f; f++)
    {
      if (*f != '%')
        continue;
      f++;
      if (*f == '\0' || strchr ("YymdeHIMSfpbBhaAzTF%", *f) == NULL)
        return f;
    }
  return NULL;
}

/* g_ascii_tolower() without its call: a date form's literal bytes are compared one by one */
static inline char
ascii_lower (char ch)
{
  return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* g_date_get_days_in_month() for a month 1-12 of a year 1-9999, without its calls: the same
 * Gregorian leap years (every fourth, not the centuries but every fourth century) */
static inline int
days_in_month (int month,
               int year)
{
  static const guint8 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

  return days[month - 1] + (month == 2 && leap ? 1 : 0);
}

static gboolean
parse_with_format (const char *text,
                   gsize       length,
                   const char *format,
                   DateParts  *d)
{
  const char *p = text, *end = text + length;

  memset (d, 0, sizeof *d);
  d->year = 1970;
  d->month = d->day = 1;

  for (const char *f = format; *f; f++)
    {
      if (g_ascii_isspace (*f))
        {
          while (p < end && g_ascii_isspace (*p))
            p++;
          continue;
        }
      if (*f != '%')
        {
          if (p >= end || ascii_lower (*p) != ascii_lower (*f))
            return FALSE;
          p++;
          continue;
        }

      f++;
      switch (*f)
        {
        case 'Y':
          if (!read_digits (&p, end, 4, 4, &d->year))
            return FALSE;
          break;
        case 'y':
          if (!read_digits (&p, end, 2, 2, &d->year))
            return FALSE;
          d->year += d->year < 70 ? 2000 : 1900;
          break;
        case 'm':
          if (!read_digits (&p, end, 1, 2, &d->month))
            return FALSE;
          break;
        case 'e':
          while (p < end && *p == ' ')
            p++;
          G_GNUC_FALLTHROUGH;
        case 'd':
          if (!read_digits (&p, end, 1, 2, &d->day))
            return FALSE;
          break;
        case 'H':
        case 'I':
          if (!read_digits (&p, end, 1, 2, &d->hour))
            return FALSE;
          d->has_time = TRUE;
          break;
        case 'M':
          if (!read_digits (&p, end, 1, 2, &d->minute))
            return FALSE;
          d->has_time = TRUE;
          break;
        case 'S':
          if (!read_digits (&p, end, 1, 2, &d->second))
            return FALSE;
          d->has_time = TRUE;
          break;
        case 'T':
          if (!read_digits (&p, end, 1, 2, &d->hour) || p >= end || *p++ != ':' ||
              !read_digits (&p, end, 2, 2, &d->minute) || p >= end || *p++ != ':' ||
              !read_digits (&p, end, 2, 2, &d->second))
            return FALSE;
          d->has_time = TRUE;
          break;
        case 'F':
          if (!read_digits (&p, end, 4, 4, &d->year) || p >= end || *p++ != '-' ||
              !read_digits (&p, end, 1, 2, &d->month) || p >= end || *p++ != '-' ||
              !read_digits (&p, end, 1, 2, &d->day))
            return FALSE;
          break;
        case 'f':
          {
            int digits = 0, value = 0;

            while (p < end && g_ascii_isdigit (*p))
              {
                if (digits < 6)
                  value = value * 10 + (*p - '0'), digits++;
                p++;
              }
            if (digits == 0)
              return FALSE;
            while (digits++ < 6)
              value *= 10;
            d->microsecond = value;
          }
          break;
        case 'p':
          if (end - p >= 2 && g_ascii_strncasecmp (p, "am", 2) == 0)
            d->pm = FALSE;
          else if (end - p >= 2 && g_ascii_strncasecmp (p, "pm", 2) == 0)
            d->pm = TRUE;
          else
            return FALSE;
          d->has_pm = TRUE;
          p += 2;
          break;
        case 'b':
        case 'B':
        case 'h':
          {
            int month = read_name (&p, end, month_names, G_N_ELEMENTS (month_names));

            if (month < 0)
              return FALSE;
            d->month = month + 1;
          }
          break;
        case 'a':
        case 'A':
          if (read_name (&p, end, day_names, G_N_ELEMENTS (day_names)) < 0)
            return FALSE;
          break;
        case 'z':
          if (p < end && (*p == 'Z' || *p == 'z'))
            {
              p++;
              d->offset_minutes = 0;
            }
          else
            {
              int sign, hours, minutes = 0;

              if (p >= end || (*p != '+' && *p != '-'))
                return FALSE;
              sign = *p++ == '-' ? -1 : 1;
              if (!read_digits (&p, end, 2, 2, &hours))
                return FALSE;
              if (p < end && *p == ':')
                p++;
              read_digits (&p, end, 0, 2, &minutes);
              d->offset_minutes = sign * (hours * 60 + minutes);
            }
          d->has_offset = TRUE;
          break;
        case '%':
          if (p >= end || *p++ != '%')
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }

  if (p != end)
    return FALSE;

  if (d->has_pm)
    {
      if (d->hour < 1 || d->hour > 12)
        return FALSE;
      d->hour = d->hour % 12 + (d->pm ? 12 : 0);
    }

  return d->month >= 1 && d->month <= 12 && d->day >= 1 && d->year >= 1 && d->year <= 9999 &&
         d->day <= days_in_month (d->month, d->year) && d->hour <= 23 &&
         d->minute <= 59 && d->second <= 59;
}

static ConduitValue *
format_iso (EvalContext     *c,
            const DateParts *d)
{
  char buffer[64];
  int n;

  if (!d->has_time)
    {
      /* the common case, by hand: printf is a visible cost per record in a mapping */
      buffer[0] = '0' + d->year / 1000;
      buffer[1] = '0' + d->year / 100 % 10;
      buffer[2] = '0' + d->year / 10 % 10;
      buffer[3] = '0' + d->year % 10;
      buffer[4] = '-';
      buffer[5] = '0' + d->month / 10;
      buffer[6] = '0' + d->month % 10;
      buffer[7] = '-';
      buffer[8] = '0' + d->day / 10;
      buffer[9] = '0' + d->day % 10;
      n = 10;
    }
  else
    {
      n = g_snprintf (buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", d->year, d->month,
                      d->day, d->hour, d->minute, d->second);
      if (d->microsecond > 0)
        n += g_snprintf (buffer + n, sizeof buffer - n, ".%06d", d->microsecond);
      if (d->has_offset && d->offset_minutes == 0)
        n += g_snprintf (buffer + n, sizeof buffer - n, "Z");
      else if (d->has_offset)
        n += g_snprintf (buffer + n, sizeof buffer - n, "%c%02d:%02d",
                         d->offset_minutes < 0 ? '-' : '+', ABS (d->offset_minutes) / 60,
                         ABS (d->offset_minutes) % 60);
    }
  return conduit_value_new_string (c->arena, buffer, n);
}

static GDateTime *
date_time_from_iso (const char *text,
                    gsize       length,
                    gboolean   *has_time)
{
  g_autofree char *copy = g_strndup (text, length);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  DateParts d;

  if (parse_with_format (copy, length, "%Y-%m-%d", &d) && length == 10)
    {
      *has_time = FALSE;
      return g_date_time_new_utc (d.year, d.month, d.day, 0, 0, 0);
    }
  *has_time = TRUE;
  return g_date_time_new_from_iso8601 (copy, utc);
}

gboolean
conduit_date_parse_iso (const char *text,
                        gsize       length,
                        gboolean   *has_time)
{
  g_autoptr(GDateTime) date_time = date_time_from_iso (text, length, has_time);

  return date_time != NULL;
}

static gboolean
check_date (ExprNode  *call,
            guint     *bad_argument,
            char     **message)
{
  const char *format, *bad;

  if (call->call.n_args == 3)
    {
      const char *option;

      if (!literal_string (call->call.args[2], &option) || !g_str_equal (option, "lenient"))
        {
          *bad_argument = 2;
          *message = g_strdup (_("the third value of date() can only be \"lenient\" (no value "
                                 "instead of refusing the record for an impossible date)"));
          return FALSE;
        }
    }
  if (call->call.n_args < 2 || !literal_string (call->call.args[1], &format))
    return TRUE;
  *bad_argument = 1;
  bad = check_date_format_text (format);
  if (bad != NULL)
    {
      /* The code may be any character: quote all of its bytes, or the message is not UTF-8. */
      int bad_length = *bad ? (int)(g_utf8_next_char (bad) - bad) : 0;

      *message = g_strdup_printf (_("“%%%.*s” is not a date code; use %%Y %%y %%m %%b %%B %%h "
                                    "%%d %%e %%a %%A %%H %%I %%p %%M %%S %%f %%z %%T %%F or %%%%"),
                                  bad_length, bad);
      return FALSE;
    }
  return TRUE;
}

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as Unix time */
#define MIN_UNIX_SECONDS (-62135596800.0)
#define MAX_UNIX_SECONDS 253402300799.0

static ConduitValue *
fn_date (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length;
  DateParts d;

  if (conduit_value_is_empty (args[0]))
    return null_value ();

  if (call->call.n_args < 2)
    {
      g_autoptr(GDateTime) date_time = NULL;
      g_autofree char *iso = NULL;
      gboolean has_time;

      if (args[0]->kind == CONDUIT_VALUE_INTEGER || args[0]->kind == CONDUIT_VALUE_DOUBLE)
        {
          double seconds;

          conduit_value_get_number (args[0], &seconds);
          /* Converting a number past gint64 is undefined: keep to the years GDateTime holds. */
          if (!(seconds >= MIN_UNIX_SECONDS && seconds <= MAX_UNIX_SECONDS))
            {
              conduit_expression_set_error (c, call, _("%s seconds is not a date; a number of "
                                                       "seconds since 1970 must fall between "
                                                       "the years 1 and 9999"),
                                            shown (c, args[0]));
              return NULL;
            }
          date_time = g_date_time_new_from_unix_utc ((gint64)seconds);
          has_time = TRUE;
        }
      else
        {
          text = text_of (c, args[0], &length);
          date_time = date_time_from_iso (text, length, &has_time);
        }
      if (date_time == NULL)
        {
          conduit_expression_set_error (c, call, _("“%s” is not an ISO 8601 date; give its form, "
                                                   "like date(value, \"%%d/%%m/%%Y\")"),
                                        shown (c, args[0]));
          return NULL;
        }
      iso = g_date_time_format (date_time, has_time ? "%Y-%m-%dT%H:%M:%S%:z" : "%Y-%m-%d");
      if (has_time && g_str_has_suffix (iso, "+00:00"))
        strcpy (iso + strlen (iso) - 6, "Z");
      return conduit_value_new_string (c->arena, iso, strlen (iso));
    }

  text = text_of (c, args[0], &length);
  if (!parse_with_format (text, length, shown (c, args[1]), &d))
    {
      /* "lenient": an export with 02/30 in it maps with no date there, not a rejection */
      if (call->call.n_args == 3)
        return null_value ();
      conduit_expression_set_error (c, call, _("“%s” is not a date in the form “%s”"),
                                    shown (c, args[0]), shown (c, args[1]));
      return NULL;
    }
  return format_iso (c, &d);
}

static gboolean
check_format_date (ExprNode  *call,
                   guint     *bad_argument,
                   char     **message)
{
  g_autoptr(GDateTime) sample = g_date_time_new_utc (2024, 1, 2, 3, 4, 5);
  g_autofree char *formatted = NULL;
  const char *format;

  if (!literal_string (call->call.args[1], &format))
    return TRUE;
  formatted = g_date_time_format (sample, format);
  if (formatted == NULL)
    {
      *bad_argument = 1;
      *message = g_strdup (_("this is not a date format; use codes like %Y-%m-%d or %d/%m/%Y %H:%M"));
      return FALSE;
    }
  return TRUE;
}

static ConduitValue *
fn_format_date (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GDateTime) date_time = NULL;
  g_autofree char *formatted = NULL;
  const char *text, *format;
  gsize length;
  gboolean has_time;

  if (conduit_value_is_empty (args[0]))
    return null_value ();
  text = text_of (c, args[0], &length);
  format = shown (c, args[1]);
  date_time = date_time_from_iso (text, length, &has_time);
  if (date_time == NULL)
    {
      conduit_expression_set_error (c, call, _("“%s” is not an ISO 8601 date; use date() to read it first"),
                                    shown (c, args[0]));
      return NULL;
    }
  formatted = g_date_time_format (date_time, format);
  if (formatted == NULL)
    {
      conduit_expression_set_error (c, call, _("“%s” is not a date format"), format);
      return NULL;
    }
  return conduit_value_new_string (c->arena, formatted, strlen (formatted));
}

static ConduitValue *
fn_now (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  return conduit_value_new_string (c->arena, text, strlen (text));
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
  { "date", 1, 3, fn_date, check_date },
  { "default", 2, 2, fn_default, NULL },
  { "digits", 1, 1, fn_digits, NULL },
  { "ends_with", 2, 2, fn_ends_with, NULL },
  { "format_date", 2, 2, fn_format_date, check_format_date },
  { "if", 2, 3, NULL, NULL, EXPR_LAZY_IF },
  { "is_empty", 1, 1, fn_is_empty, NULL },
  { "join", 1, 2, fn_join, NULL },
  { "length", 1, 1, fn_length, NULL },
  { "lookup", 2, 3, fn_lookup, check_lookup },
  { "lower", 1, 1, fn_lower, NULL },
  { "lower_ascii", 1, 1, fn_lower_ascii, NULL },
  { "matches", 2, 2, fn_matches, check_regex },
  { "now", 0, 0, fn_now, NULL, EXPR_LAZY_NONE, TRUE },
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
