/* conduit-mapping-validation.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "conduit-mapping"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "conduit-expression-private.h"
#include "conduit-mapping-private.h"
#include "conduit-mapping-value-private.h"

/* The rules of one destination field. Every rule that fails adds a reason, so that a person
 * fixing the source data sees everything wrong with a record at once. The numeric types
 * accept text that holds exactly such a value ("42" from a CSV file) and convert it, since
 * that is what the destination means by "a number". */

void
conduit_mapping_rules_clear (ConduitMappingRules *rules)
{
  g_clear_pointer (&rules->pattern, conduit_pattern_free);
  g_clear_pointer (&rules->pattern_description, g_free);
  g_clear_pointer (&rules->values, g_strfreev);
}

gboolean
conduit_mapping_rules_is_empty (const ConduitMappingRules *rules)
{
  return !rules->required && rules->type == CONDUIT_MAPPING_TYPE_ANY && rules->pattern == NULL &&
         rules->min_length < 0 && rules->max_length < 0 && !rules->has_minimum &&
         !rules->has_maximum;
}

void
conduit_mapping_add_reason (GPtrArray          *reasons,
                            const char         *field_prefix,
                            gint64              item,
                            const char         *field_suffix,
                            const char         *rule,
                            const ConduitValue *value,
                            const char         *message)
{
  g_autofree char *field = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (item >= 0)
    field = g_strdup_printf ("%s[%" G_GINT64_FORMAT "]%s", field_prefix, item, field_suffix);
  else
    field = g_strconcat (field_prefix, field_suffix, NULL);
  node = value ? conduit_value_to_json_node (value) : NULL;
  g_ptr_array_add (reasons, conduit_mapping_reason_new (field, rule, node, message));
}

/* Something like name@example.org: no spaces, one @, a dot in the domain and no empty part
 * around it. Deliberately simple: the destination's own check is the real one; this catches
 * what forms typically get wrong. docs/mapping.md gives the same rule as a pattern. */
#ifdef __SSE2__
/* conduit_mapping_is_email() of a text of at most 64 bytes, the usual address: where its
 * spaces, @ and dots are, as bit masks (16 bytes a step), and the same checks made on them. */
static gboolean
is_email_short (const char *text,
                gsize       length)
{
  const __m128i at_sign = _mm_set1_epi8 ('@');
  const __m128i period = _mm_set1_epi8 ('.');
  guint64 spaces = 0, ats = 0, dots = 0, domain_dots;
  gsize i = 0, at, domain_len;

  for (; i < length; i += 16)
    {
      __m128i chunk, space;
      guint valid = 0xFFFF;

      /* the last bytes in one load too, the ones past the end masked off, unless the load
       * would cross a page (then byte by byte, below) */
      if (i + 16 <= length)
        chunk = _mm_loadu_si128 ((const __m128i *)(const void *)(text + i));
      else if (conduit_json_load_within_page (text + i, &chunk))
        valid = (1u << (length - i)) - 1;
      else
        break;
      /* the spaces of g_ascii_isspace(): \t \n \f \r and the space (not \v) */
      space = _mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (chunk, _mm_set1_epi8 (' ')),
                                          _mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\t'))),
                            _mm_or_si128 (_mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\n')),
                                          _mm_or_si128 (_mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\f')),
                                                        _mm_cmpeq_epi8 (chunk, _mm_set1_epi8 ('\r')))));

      spaces |= (guint64)((guint)_mm_movemask_epi8 (space) & valid) << i;
      ats |= (guint64)((guint)_mm_movemask_epi8 (_mm_cmpeq_epi8 (chunk, at_sign)) & valid) << i;
      dots |= (guint64)((guint)_mm_movemask_epi8 (_mm_cmpeq_epi8 (chunk, period)) & valid) << i;
    }
  for (; i < length; i++)
    {
      guint64 bit = G_GUINT64_CONSTANT (1) << i;

      if (g_ascii_isspace (text[i]))
        spaces |= bit;
      else if (text[i] == '@')
        ats |= bit;
      else if (text[i] == '.')
        dots |= bit;
    }

  /* no space, exactly one @, not the first byte */
  if (spaces != 0 || ats == 0 || (ats & (ats - 1)) != 0 || (ats & 1) != 0)
    return FALSE;
  at = (gsize)__builtin_ctzll (ats);
  domain_len = length - at - 1;
  if (domain_len == 0)
    return FALSE;
  /* the domain's parts between dots may not be empty: no dot first, last or next to another;
   * and there is at least one dot */
  domain_dots = dots >> (at + 1);
  if ((domain_dots & 1) != 0 || (domain_dots & (domain_dots >> 1)) != 0 ||
      (domain_dots & (G_GUINT64_CONSTANT (1) << (domain_len - 1))) != 0)
    return FALSE;
  return domain_dots != 0;
}
#endif

gboolean
conduit_mapping_is_email (const char *text,
                          gsize       length)
{
  const char *at = NULL;
  gsize part_start;
  gboolean dot = FALSE;

#ifdef __SSE2__
  if (length <= 64)
    return is_email_short (text, length);
#endif

  for (gsize i = 0; i < length; i++)
    {
      if (g_ascii_isspace (text[i]))
        return FALSE;
      if (text[i] == '@')
        {
          if (at != NULL)
            return FALSE;
          at = text + i;
        }
    }
  if (at == NULL || at == text)
    return FALSE;

  part_start = at - text + 1;
  for (gsize i = part_start; i <= length; i++)
    {
      if (i == length || text[i] == '.')
        {
          if (i == part_start)
            return FALSE;
          if (i < length)
            dot = TRUE;
          part_start = i + 1;
        }
    }
  return dot;
}

static gboolean
is_url (const char *text)
{
  g_autofree char *scheme = NULL;
  g_autofree char *host = NULL;

  if (!g_uri_split (text, G_URI_FLAGS_NONE, &scheme, NULL, &host, NULL, NULL, NULL, NULL, NULL))
    return FALSE;
  if (scheme == NULL || host == NULL || *host == '\0')
    return FALSE;
  return g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0;
}

static gboolean
text_integer (const char *text,
              gsize       length,
              gint64     *out)
{
  double number;
  ConduitValue probe = { .kind = CONDUIT_VALUE_STRING, .len = length, .string = text };

  /* digits are read exactly; only "42.0" and "4.2e1" go through a double */
  switch (conduit_value_parse_integer_text (text, length, out))
    {
    case CONDUIT_TEXT_INTEGER:
      return TRUE;
    case CONDUIT_TEXT_INTEGER_TOO_LARGE:
      return FALSE;
    case CONDUIT_TEXT_NOT_INTEGER:
    default:
      break;
    }
  if (!conduit_value_get_number (&probe, &number) || number != floor (number) || fabs (number) > 9e15)
    return FALSE;
  *out = (gint64)number;
  return TRUE;
}

/* Returns the value converted to @type, or NULL when it is not of that type. */
static ConduitValue *
check_type (ConduitMappingType  type,
            ConduitArena       *arena,
            ConduitValue       *value)
{
  const char *text;
  gsize length;
  double number;
  gint64 integer;
  gboolean has_time;

  switch (type)
    {
    case CONDUIT_MAPPING_TYPE_ANY:
      return value;

    case CONDUIT_MAPPING_TYPE_STRING:
      if (value->kind == CONDUIT_VALUE_STRING)
        return value;
      if (value->kind == CONDUIT_VALUE_ARRAY || value->kind == CONDUIT_VALUE_OBJECT)
        return NULL;
      text = conduit_value_to_text (arena, value, &length);
      return conduit_value_new_string_take (arena, text, length);

    case CONDUIT_MAPPING_TYPE_NUMBER:
      if (value->kind == CONDUIT_VALUE_INTEGER || value->kind == CONDUIT_VALUE_DOUBLE)
        return value;
      if (value->kind != CONDUIT_VALUE_STRING || !conduit_value_get_number (value, &number))
        return NULL;
      if (strpbrk (conduit_value_to_text (arena, value, &length), ".eE") == NULL &&
          text_integer (value->string, value->len, &integer))
        return conduit_value_new_integer (arena, integer);
      return conduit_value_new_double (arena, number);

    case CONDUIT_MAPPING_TYPE_INTEGER:
      if (value->kind == CONDUIT_VALUE_INTEGER)
        return value;
      if (value->kind == CONDUIT_VALUE_DOUBLE)
        return value->number == floor (value->number) && fabs (value->number) < 9e15 ?
               conduit_value_new_integer (arena, (gint64)value->number) : NULL;
      if (value->kind == CONDUIT_VALUE_STRING && text_integer (value->string, value->len, &integer))
        return conduit_value_new_integer (arena, integer);
      return NULL;

    case CONDUIT_MAPPING_TYPE_BOOLEAN:
      if (value->kind == CONDUIT_VALUE_BOOLEAN)
        return value;
      if (value->kind == CONDUIT_VALUE_INTEGER && (value->integer == 0 || value->integer == 1))
        return conduit_value_new_boolean (value->integer == 1);
      if (value->kind == CONDUIT_VALUE_STRING)
        {
          static const char *const yes[] = { "true", "yes", "1" };
          static const char *const no[] = { "false", "no", "0" };

          for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
            {
              if (value->len == strlen (yes[i]) &&
                  g_ascii_strncasecmp (value->string, yes[i], value->len) == 0)
                return conduit_value_new_boolean (TRUE);
              if (value->len == strlen (no[i]) &&
                  g_ascii_strncasecmp (value->string, no[i], value->len) == 0)
                return conduit_value_new_boolean (FALSE);
            }
        }
      return NULL;

    case CONDUIT_MAPPING_TYPE_DATE:
    case CONDUIT_MAPPING_TYPE_DATETIME:
      if (value->kind != CONDUIT_VALUE_STRING ||
          !conduit_date_parse_iso (value->string, value->len, &has_time) ||
          has_time != (type == CONDUIT_MAPPING_TYPE_DATETIME))
        return NULL;
      return value;

    case CONDUIT_MAPPING_TYPE_EMAIL:
      return value->kind == CONDUIT_VALUE_STRING &&
             conduit_mapping_is_email (value->string, value->len) ? value : NULL;

    case CONDUIT_MAPPING_TYPE_URL:
      if (value->kind != CONDUIT_VALUE_STRING)
        return NULL;
      return is_url (conduit_value_to_text (arena, value, &length)) ? value : NULL;

    case CONDUIT_MAPPING_TYPE_ENUM:
      return value->kind == CONDUIT_VALUE_ARRAY || value->kind == CONDUIT_VALUE_OBJECT ? NULL : value;

    default:
      g_assert_not_reached ();
    }
}

static char *
type_sentence (ConduitMappingType  type,
               const char         *text)
{
  switch (type)
    {
    case CONDUIT_MAPPING_TYPE_STRING: return g_strdup_printf (_("“%s” is not text"), text);
    case CONDUIT_MAPPING_TYPE_NUMBER: return g_strdup_printf (_("“%s” is not a number"), text);
    case CONDUIT_MAPPING_TYPE_INTEGER: return g_strdup_printf (_("“%s” is not a whole number"), text);
    case CONDUIT_MAPPING_TYPE_BOOLEAN: return g_strdup_printf (_("“%s” is not true or false"), text);
    case CONDUIT_MAPPING_TYPE_DATE:
      return g_strdup_printf (_("“%s” is not a date like 2024-03-15"), text);
    case CONDUIT_MAPPING_TYPE_DATETIME:
      return g_strdup_printf (_("“%s” is not a date and time like 2024-03-15T09:30:00Z"), text);
    case CONDUIT_MAPPING_TYPE_EMAIL: return g_strdup_printf (_("“%s” is not an email address"), text);
    case CONDUIT_MAPPING_TYPE_URL:
      return g_strdup_printf (_("“%s” is not a web address (http:// or https://)"), text);
    case CONDUIT_MAPPING_TYPE_ENUM:
      return g_strdup_printf (_("“%s” is not one of the allowed values"), text);
    case CONDUIT_MAPPING_TYPE_ANY:
    default:
      return g_strdup (text);
    }
}

/* Returns the value to write: @value, converted by the type rule when it passes. */
ConduitValue *
conduit_mapping_rules_check (const ConduitMappingRules *rules,
                             ConduitArena              *arena,
                             ConduitValue              *value,
                             const char                *prefix,
                             gint64                     item,
                             const char                *suffix,
                             GPtrArray                 *reasons)
{
  const char *text;
  gsize length;
  double number;
  ConduitValue *typed;

  if (conduit_value_is_empty_inline (value))
    {
      if (rules->required)
        conduit_mapping_add_reason (reasons, prefix, item, suffix, "required", value,
                                    _("a value is required"));
      return value;
    }

  typed = check_type (rules->type, arena, value);
  if (typed == NULL)
    {
      g_autofree char *message = NULL;

      text = conduit_value_to_text (arena, value, &length);
      message = type_sentence (rules->type, text);
      conduit_mapping_add_reason (reasons, prefix, item, suffix, "type", value, message);
      return value;
    }
  value = typed;

  if (rules->values != NULL)
    {
      gboolean found = FALSE;

      text = conduit_value_to_text (arena, value, &length);
      for (guint i = 0; rules->values[i] && !found; i++)
        found = g_str_equal (rules->values[i], text);
      if (!found)
        {
          g_autofree char *list = g_strjoinv (", ", rules->values);
          g_autofree char *message = g_strdup_printf (_("“%s” is not one of: %s"), text, list);

          conduit_mapping_add_reason (reasons, prefix, item, suffix, "enum", value, message);
        }
    }

  if (rules->pattern != NULL)
    {
      text = conduit_value_to_text (arena, value, &length);
      if (!conduit_pattern_match (rules->pattern, text, length))
        {
          /* A person acts on "is not a US phone number", not on a regular expression. */
          g_autofree char *message =
            rules->pattern_description != NULL
              ? g_strdup_printf (_("“%s” is not %s"), text, rules->pattern_description)
              : g_strdup_printf (_("“%s” does not match the pattern %s"), text,
                                 conduit_pattern_get_pattern (rules->pattern));

          conduit_mapping_add_reason (reasons, prefix, item, suffix, "pattern", value, message);
        }
    }

  if (rules->min_length >= 0 || rules->max_length >= 0)
    {
      gboolean is_list = value->kind == CONDUIT_VALUE_ARRAY;
      glong count;

      if (is_list)
        count = value->len;
      else
        {
          text = conduit_value_to_text (arena, value, &length);
          count = g_utf8_strlen (text, length);
        }
      if (rules->min_length >= 0 && count < rules->min_length)
        {
          g_autofree char *message = NULL;

          /* a list's length is its items, and the reason says so */
          if (is_list)
            message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "has %ld item, fewer than the %d required",
                                                    "has %ld items, fewer than the %d required",
                                                    count),
                                       count, rules->min_length);
          else
            message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "is %ld character long, less than the %d required",
                                                    "is %ld characters long, less than the %d required",
                                                    count),
                                       count, rules->min_length);

          conduit_mapping_add_reason (reasons, prefix, item, suffix, "min_length", value, message);
        }
      if (rules->max_length >= 0 && count > rules->max_length)
        {
          g_autofree char *message = NULL;

          if (is_list)
            message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                    "has %ld item, more than the %d allowed",
                                                    "has %ld items, more than the %d allowed",
                                                    count),
                                       count, rules->max_length);
          else
            message = g_strdup_printf (_("is %ld characters long, more than the %d allowed"), count,
                                       rules->max_length);

          conduit_mapping_add_reason (reasons, prefix, item, suffix, "max_length", value, message);
        }
    }

  if (rules->has_minimum || rules->has_maximum)
    {
      char limit[G_ASCII_DTOSTR_BUF_SIZE];

      if (!conduit_value_get_number (value, &number))
        {
          g_autofree char *message =
            g_strdup_printf (_("“%s” is not a number"), conduit_value_to_text (arena, value, &length));

          conduit_mapping_add_reason (reasons, prefix, item, suffix,
                                      rules->has_minimum ? "minimum" : "maximum", value, message);
        }
      else if (rules->has_minimum && number < rules->minimum)
        {
          g_autofree char *message = NULL;

          g_ascii_formatd (limit, sizeof limit, "%.15g", rules->minimum);
          message = g_strdup_printf (_("is less than the minimum, %s"), limit);
          conduit_mapping_add_reason (reasons, prefix, item, suffix, "minimum", value, message);
        }
      else if (rules->has_maximum && number > rules->maximum)
        {
          g_autofree char *message = NULL;

          g_ascii_formatd (limit, sizeof limit, "%.15g", rules->maximum);
          message = g_strdup_printf (_("is more than the maximum, %s"), limit);
          conduit_mapping_add_reason (reasons, prefix, item, suffix, "maximum", value, message);
        }
    }

  return value;
}
