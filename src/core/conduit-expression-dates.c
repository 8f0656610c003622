/* conduit-expression-dates.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-expression"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "conduit-expression-functions-private.h"

/* The date functions of the mapping language: date() reads a date in a format it is given (or
 * ISO 8601) and gives it as ISO 8601 text, format_date() writes one in a format, now() is the
 * time of the call. */

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

/* read_digits (p, end, 1, 2, out), inlined */
static inline gboolean
read_one_or_two (const char **p,
                 const char  *end,
                 int         *out)
{
  const char *q = *p;
  guint first, second;

  if (q >= end || (first = (guchar)q[0] - '0') > 9)
    return FALSE;
  if (q + 1 < end && (second = (guchar)q[1] - '0') <= 9)
    {
      *out = (int)(first * 10 + second);
      *p = q + 2;
    }
  else
    {
      *out = (int)first;
      *p = q + 1;
    }
  return TRUE;
}

/* The number of a date code that is one (Y y m d H I M S) into @d: both ways of reading a
 * form read them here. FALSE when the text has none there. */
static inline gboolean
read_date_number (char         code,
                  const char **p,
                  const char  *end,
                  DateParts   *d)
{
  switch (code)
    {
    case 'Y':
      return read_digits (p, end, 4, 4, &d->year);
    case 'y':
      if (!read_digits (p, end, 2, 2, &d->year))
        return FALSE;
      d->year += d->year < 70 ? 2000 : 1900;
      return TRUE;
    case 'm':
      return read_one_or_two (p, end, &d->month);
    case 'd':
      return read_one_or_two (p, end, &d->day);
    case 'H':
    case 'I':
      d->has_time = TRUE;
      return read_one_or_two (p, end, &d->hour);
    case 'M':
      d->has_time = TRUE;
      return read_one_or_two (p, end, &d->minute);
    case 'S':
      d->has_time = TRUE;
      return read_one_or_two (p, end, &d->second);
    default:
      g_assert_not_reached ();
    }
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

/* 1970-01-01 at midnight: what a form leaves out */
static inline void
date_parts_init (DateParts *d)
{
  memset (d, 0, sizeof *d);
  d->year = 1970;
  d->month = d->day = 1;
}

static inline gboolean
date_parts_valid (const DateParts *d)
{
  return d->month >= 1 && d->month <= 12 && d->day >= 1 && d->year >= 1 && d->year <= 9999 &&
         d->day <= days_in_month (d->month, d->year) && d->hour <= 23 &&
         d->minute <= 59 && d->second <= 59;
}

static gboolean
parse_with_format (const char *text,
                   gsize       length,
                   const char *format,
                   DateParts  *d)
{
  const char *p = text, *end = text + length;

  date_parts_init (d);

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
        case 'y':
        case 'm':
        case 'd':
        case 'H':
        case 'I':
        case 'M':
        case 'S':
          if (!read_date_number (*f, &p, end, d))
            return FALSE;
          break;
        case 'e':
          while (p < end && *p == ' ')
            p++;
          if (!read_date_number ('d', &p, end, d))
            return FALSE;
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

  return date_parts_valid (d);
}

/* A form of numbers and fixed bytes alone (%d/%m/%Y, %m/%d/%y, %Y-%m-%dT%H:%M:%S: most
 * forms), made once from the form in quotes when the expression is made
 * (conduit_expression_check_date()), so that each value is read without decoding the form's
 * text again: parse_with_form() reads what parse_with_format() reads. Forms with other codes
 * or with spaces (any run of spaces) have none and go the general way. */
#define FORM_MAX_STEPS 32

typedef struct
{
  guint  n_steps;
  guint8 code[FORM_MAX_STEPS];   /* Y y m d H I M S, or 0 for the fixed byte below */
  guint8 byte[FORM_MAX_STEPS];   /* lowercase, as parse_with_format() compares it */
} DateForm;

static DateForm *
date_form_new (const char *format)
{
  DateForm form = { 0 };

  for (const char *f = format; *f; f++)
    {
      if (form.n_steps == FORM_MAX_STEPS || g_ascii_isspace (*f))
        return NULL;
      if (*f != '%')
        {
          form.code[form.n_steps] = 0;
          form.byte[form.n_steps++] = (guint8)ascii_lower (*f);
          continue;
        }
      f++;
      if (*f == '\0' || strchr ("YymdHIMS", *f) == NULL)
        return NULL;
      form.code[form.n_steps++] = (guint8)*f;
    }
  return g_memdup2 (&form, sizeof form);
}

static gboolean
parse_with_form (const char     *text,
                 gsize           length,
                 const DateForm *form,
                 DateParts      *d)
{
  const char *p = text, *end = text + length;

  date_parts_init (d);

  for (guint i = 0; i < form->n_steps; i++)
    {
      if (form->code[i] != 0)
        {
          if (!read_date_number ((char)form->code[i], &p, end, d))
            return FALSE;
        }
      else if (p >= end || (guint8)ascii_lower (*p) != form->byte[i])
        return FALSE;
      else
        p++;
    }

  return p == end && date_parts_valid (d);
}

/* two digits of 0-99, from a table */
static inline void
put_two (char *to,
         int   n)
{
  static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

  memcpy (to, pairs + 2 * n, 2);
}

static ConduitValue *
format_iso (EvalContext     *c,
            const DateParts *d)
{
  char buffer[64];
  int n;

  if (!d->has_time || (d->microsecond == 0 && !d->has_offset))
    {
      /* the common cases, a date and a date with a time, by hand and straight into the
       * arena, value and text in one piece: printf and a copy are a visible cost per record */
      ConduitValue *value = conduit_arena_alloc (c->arena, sizeof (ConduitValue) + 20);
      char *text = (char *)(value + 1);

      put_two (text, d->year / 100);
      put_two (text + 2, d->year % 100);
      text[4] = '-';
      put_two (text + 5, d->month);
      text[7] = '-';
      put_two (text + 8, d->day);
      n = 10;
      if (d->has_time)
        {
          text[10] = 'T';
          put_two (text + 11, d->hour);
          text[13] = ':';
          put_two (text + 14, d->minute);
          text[16] = ':';
          put_two (text + 17, d->second);
          n = 19;
        }
      text[n] = '\0';
      value->kind = CONDUIT_VALUE_STRING;
      value->len = n;
      value->string = text;
      return value;
    }

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

gboolean
conduit_expression_check_date (ExprNode  *call,
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
  if (bad == NULL)
    {
      call->call.data = date_form_new (format);
      call->call.data_free = g_free;
    }
  else
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

ConduitValue *
conduit_expression_fn_date (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  const char *text;
  gsize length;
  DateParts d;

  /* a string in a form made of numbers, the commonest date() by far: its form is ready */
  if (call->call.data != NULL && args[0] != NULL && args[0]->kind == CONDUIT_VALUE_STRING)
    {
      if (args[0]->len == 0)
        return null_value ();
      if (parse_with_form (args[0]->string, args[0]->len, call->call.data, &d))
        return format_iso (c, &d);
      if (call->call.n_args == 3)
        return null_value ();
      conduit_expression_set_error (c, call, _("“%s” is not a date in the form “%s”"),
                                    shown (c, args[0]), shown (c, args[1]));
      return NULL;
    }

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

gboolean
conduit_expression_check_format_date (ExprNode  *call,
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

ConduitValue *
conduit_expression_fn_format_date (EvalContext *c, ExprNode *call, ConduitValue **args)
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

ConduitValue *
conduit_expression_fn_now (EvalContext *c, ExprNode *call, ConduitValue **args)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  return conduit_value_new_string (c->arena, text, strlen (text));
}

