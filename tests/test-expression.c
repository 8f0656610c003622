/* test-expression.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "conduit.h"
#include "conduit-expression-private.h"
#include "test-util.h"

static const char *record_text =
  "{\"First Name\": \"  ada \", \"last\": \"LOVELACE\", \"email\": \" Ada@Example.COM \","
  " \"phone\": \"+44 (20) 7946-0958\", \"age\": \"36\", \"score\": 7.5, \"n\": 3,"
  " \"empty\": \"\", \"nothing\": null, \"yes\": \"Yes\", \"when\": \"15/03/2024\","
  " \"utm\": {\"source\": \"newsletter\", \"a.b\": 1},"
  " \"items\": [{\"sku\": \"A1\", \"price\": 9.5, \"qty\": 2}, {\"sku\": \"B2\", \"price\": 1, \"qty\": 5}],"
  " \"tags\": [\"x\", \"y\", \"z\"], \"country\": \"fr\", \"name\": \"o'neil jean-luc\"}";

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

/* Evaluates @expression against the test record and compares with @expected (JSON text). */
static void
assert_eval (const char *expression,
             const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) compiled = NULL;
  g_autoptr(JsonNode) record = parse (record_text);
  g_autoptr(JsonNode) result = NULL;
  g_autoptr(JsonNode) want = parse (expected);

  compiled = conduit_expression_new (expression, &error);
  g_assert_no_error (error);
  result = conduit_expression_evaluate (compiled, record, &error);
  g_assert_no_error (error);
  if (!json_node_equal (result, want))
    {
      g_autofree char *got = json_to_string (result, FALSE);

      g_error ("%s: expected %s, got %s", expression, expected, got);
    }
}

static void
assert_eval_fails (const char *expression,
                   const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) compiled = NULL;
  g_autoptr(JsonNode) record = parse (record_text);
  g_autoptr(JsonNode) result = NULL;

  compiled = conduit_expression_new (expression, &error);
  g_assert_no_error (error);
  result = conduit_expression_evaluate (compiled, record, &error);
  g_assert_null (result);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_EVALUATION);
  if (strstr (error->message, message_part) == NULL)
    g_error ("%s: message “%s” lacks “%s”", expression, error->message, message_part);
}

static void
assert_syntax_error (const char *expression,
                     guint       column,
                     const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) compiled = conduit_expression_new (expression, &error);

  g_assert_null (compiled);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  if (conduit_expression_error_get_column (error) != column)
    g_error ("%s: error “%s” at column %u, expected %u", expression, error->message,
             conduit_expression_error_get_column (error), column);
  if (strstr (error->message, message_part) == NULL)
    g_error ("%s: message “%s” lacks “%s”", expression, error->message, message_part);
}

static void
test_paths (void)
{
  assert_eval ("last", "\"LOVELACE\"");
  assert_eval ("utm.source", "\"newsletter\"");
  assert_eval ("utm.`a.b`", "1");
  assert_eval ("utm[\"a.b\"]", "1");
  assert_eval ("`First Name`", "\"  ada \"");
  assert_eval ("$[\"First Name\"]", "\"  ada \"");
  assert_eval ("items[0].price", "9.5");
  assert_eval ("items[1].sku", "\"B2\"");
  assert_eval ("items[-1].sku", "\"B2\"");
  assert_eval ("items[5].sku", "null");
  assert_eval ("items[].sku", "[\"A1\", \"B2\"]");
  assert_eval ("missing.deeper[3]", "null");
  assert_eval ("tags[1]", "\"y\"");
  assert_eval ("utm.source.more", "null");
}

static void
test_path_only (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) spaced = conduit_expression_new_path ("First Name", &error);
  g_autoptr(ConduitExpression) nested = NULL;
  g_autoptr(ConduitExpression) bad = NULL;
  g_autoptr(JsonNode) record = parse (record_text);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  g_assert_no_error (error);
  a = conduit_expression_evaluate (spaced, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_node_get_string (a), ==, "  ada ");

  nested = conduit_expression_new_path ("items[1].qty", &error);
  g_assert_no_error (error);
  b = conduit_expression_evaluate (nested, record, &error);
  g_assert_cmpint (json_node_get_int (b), ==, 5);

  bad = conduit_expression_new_path ("items[x]", &error);
  g_assert_null (bad);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 6);
}

static void
test_text (void)
{
  assert_eval ("trim(`First Name`)", "\"ada\"");
  assert_eval ("trim(\"\\u00a0 x \\t\")", "\"x\"");
  /* ASCII spaces around other spaces, text that is all spaces, letters beyond ASCII at the
   * ends, a number */
  assert_eval ("trim(\" \\u3000 x \\u00a0\\n\")", "\"x\"");
  assert_eval ("trim(\" \\t\\r\\n \")", "\"\"");
  assert_eval ("trim(\"  \\u00e9t\\u00e9 \")", "\"\\u00e9t\\u00e9\"");
  assert_eval ("trim(\"\")", "\"\"");
  assert_eval ("trim(12)", "\"12\"");
  assert_eval ("lower(trim(email))", "\"ada@example.com\"");
  /* a call of fields inside another, evaluated without a level of the walk: its value, and
   * its own failure */
  assert_eval ("concat(upper(trim(`First Name`)), \"-\", lower(last))", "\"ADA-lovelace\"");
  assert_eval_fails ("upper(to_integer(last))", "to_integer()");
  assert_eval ("upper(last)", "\"LOVELACE\"");
  assert_eval ("upper(\"straße\")", "\"STRASSE\"");
  assert_eval ("lower(\"ÉCOLE\")", "\"école\"");
  assert_eval ("title(name)", "\"O'neil Jean-Luc\"");
  assert_eval ("title(last)", "\"Lovelace\"");
  assert_eval ("concat(trim(`First Name`), \" \", title(last))", "\"ada Lovelace\"");
  assert_eval ("concat(nothing, \"a\", n, score, true)", "\"a37.5true\"");
  assert_eval ("join(tags, \"|\")", "\"x|y|z\"");
  assert_eval ("join(items[].sku)", "\"A1,B2\"");
  assert_eval ("split(\"a;b;;c\", \";\")", "[\"a\", \"b\", \"\", \"c\"]");
  assert_eval ("split(\"héé\", \"\")", "[\"h\", \"é\", \"é\"]");
  assert_eval ("split(empty, \",\")", "[]");
  assert_eval ("replace(phone, \" \", \"\")", "\"+44(20)7946-0958\"");
  assert_eval ("replace(\"aaa\", \"a\", \"bb\")", "\"bbbbbb\"");
  assert_eval ("regex_replace(phone, \"[^0-9+]\", \"\")", "\"+442079460958\"");
  assert_eval ("regex_replace(\"2024-03-15\", \"(\\\\d+)-(\\\\d+)-(\\\\d+)\", \"\\\\3/\\\\2/\\\\1\")",
               "\"15/03/2024\"");
  assert_eval ("digits(phone)", "\"442079460958\"");
  /* the bytes next to the digits, '/' and ':', are not kept */
  assert_eval ("digits(\"+1 (2:3) 4/5-6\u00e9\")", "\"123456\"");
  assert_eval ("substring(\"héllo\", 1, 3)", "\"éll\"");
  assert_eval ("substring(\"hello\", -3)", "\"llo\"");
  assert_eval ("substring(\"hello\", 10, 2)", "\"\"");
  assert_eval ("length(\"héllo\")", "5");
  assert_eval ("length(items)", "2");
  assert_eval ("length(nothing)", "0");
  /* a U+0000 inside a text is one character, not its end */
  assert_eval ("length(\"a\\u0000bé\")", "4");
  assert_eval ("contains(email, \"@\")", "true");
  assert_eval ("contains(tags, \"y\")", "true");
  assert_eval ("starts_with(phone, \"+44\")", "true");
  assert_eval ("ends_with(phone, \"0959\")", "false");
  assert_eval ("matches(email, \"@example\\\\.com\")", "false");
  assert_eval ("matches(lower(email), \"@example\\\\.com\")", "true");
  assert_eval ("trim(nothing)", "null");
  assert_eval ("lower(missing)", "null");
  assert_eval ("to_string(n)", "\"3\"");
  assert_eval ("to_string(score)", "\"7.5\"");
}

static void
test_numbers (void)
{
  assert_eval ("to_number(age)", "36");
  assert_eval ("to_number(\" 2.50 \")", "2.5");
  assert_eval ("to_number(score)", "7.5");
  assert_eval ("to_number(empty)", "null");
  assert_eval ("to_integer(age)", "36");
  assert_eval ("to_integer(\"42.0\")", "42");
  assert_eval ("to_integer(4.0)", "4");
  /* digits alone, up to 18 of them, are read the short way; the rest the long way */
  assert_eval ("to_integer(\"007\")", "7");
  assert_eval ("to_integer(\"0\")", "0");
  assert_eval ("to_integer(\"999999999999999999\")", "999999999999999999");
  assert_eval ("to_integer(\"9223372036854775807\")", "9223372036854775807");
  assert_eval ("to_integer(\" 12 \")", "12");
  assert_eval ("to_integer(\"-12\")", "-12");
  assert_eval ("to_integer(\"12.5e1\")", "125");
  assert_eval_fails ("to_integer(\"9223372036854775808\")", "beyond the 64-bit range");
  assert_eval_fails ("to_integer(\"12a\")", "not a whole number");
  assert_eval_fails ("to_integer(\"1:2\")", "not a whole number");
  assert_eval ("round(score)", "8");
  assert_eval ("round(2.345, 2)", "2.35");
  assert_eval ("round(\"1.5\")", "2");
  assert_eval ("n + 2", "5");
  assert_eval ("n * score", "22.5");
  assert_eval ("n / 2", "1.5");
  assert_eval ("6 / n", "2");
  assert_eval ("age - 1", "35");
  assert_eval ("-n", "-3");
  assert_eval ("1 + 2 * 3", "7");
  assert_eval ("(1 + 2) * 3", "9");
  /* the smallest integer has no integer opposite */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ConduitExpression) negate = conduit_expression_new ("-big", &error);
    g_autoptr(JsonNode) record = parse ("{\"big\": -9223372036854775808}");
    g_autoptr(JsonNode) result = conduit_expression_evaluate (negate, record, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (json_node_get_double (result), ==, 9223372036854775808.0);
  }
  assert_eval_fails ("to_number(last)", "“LOVELACE” is not a number");
  assert_eval_fails ("to_integer(score)", "not a whole number");
  assert_eval_fails ("to_integer(\"abc\")", "to_integer()");
  assert_eval_fails ("n / 0", "division by zero");
  assert_eval_fails ("last + 1", "not a number");
}

static void
test_booleans (void)
{
  assert_eval ("to_boolean(yes)", "true");
  assert_eval ("to_boolean(\"off\")", "false");
  assert_eval ("to_boolean(0)", "false");
  assert_eval ("to_boolean(empty)", "null");
  assert_eval_fails ("to_boolean(\"maybe\")", "not yes or no");
  assert_eval ("age > 18", "true");
  assert_eval ("age >= 36 and n < 4", "true");
  assert_eval ("age == 36", "true");
  assert_eval ("age != \"36\"", "false");
  assert_eval ("last == \"LOVELACE\"", "true");
  assert_eval ("\"a\" < \"b\"", "true");
  assert_eval ("nothing == null", "true");
  assert_eval ("missing == nothing", "true");
  assert_eval ("missing > 1", "false");
  assert_eval ("not is_empty(empty)", "false");
  assert_eval ("not (n > 5) or false", "true");
  assert_eval ("n > 5 or last", "true");
  assert_eval ("empty and missing.x", "false");
  assert_eval ("if(n > 2, \"big\", \"small\")", "\"big\"");
  assert_eval ("if(n > 5, \"big\")", "null");
  /* only the chosen branch runs */
  assert_eval ("if(true, 1, to_number(last))", "1");
}

static void
test_choices (void)
{
  assert_eval ("default(empty, \"web\")", "\"web\"");
  assert_eval ("default(missing, 0)", "0");
  assert_eval ("default(utm.source, \"web\")", "\"newsletter\"");
  assert_eval ("coalesce(nothing, empty, missing, last, \"x\")", "\"LOVELACE\"");
  assert_eval ("coalesce(nothing, empty)", "null");
  assert_eval ("lookup(upper(country), {\"FR\": \"France\", \"DE\": \"Germany\"})", "\"France\"");
  assert_eval ("lookup(\"IT\", {\"FR\": \"France\"}, \"Other\")", "\"Other\"");
  assert_eval ("lookup(n, {\"3\": [1, 2], \"4\": {\"a\": -1.5}})", "[1, 2]");
  assert_eval ("lookup(missing, {\"FR\": \"France\"})", "null");
}

static void
test_dates (void)
{
  assert_eval ("date(when, \"%d/%m/%Y\")", "\"2024-03-15\"");
  assert_eval ("date(\"3/7/24\", \"%m/%d/%y\")", "\"2024-03-07\"");
  assert_eval ("date(\"15 March 2024 2:05 pm\", \"%d %B %Y %I:%M %p\")", "\"2024-03-15T14:05:00\"");
  assert_eval ("date(\"Mar 5, 2024\", \"%b %d, %Y\")", "\"2024-03-05\"");
  assert_eval ("date(\"2024-03-15 09:30:00 +0200\", \"%Y-%m-%d %H:%M:%S %z\")",
               "\"2024-03-15T09:30:00+02:00\"");
  assert_eval ("date(\"2024-03-15T09:30:00Z\")", "\"2024-03-15T09:30:00Z\"");
  assert_eval ("date(\"2024-03-15\")", "\"2024-03-15\"");
  assert_eval ("date(0)", "\"1970-01-01T00:00:00Z\"");
  assert_eval ("date(empty, \"%d/%m/%Y\")", "null");
  assert_eval ("format_date(\"2024-03-15\", \"%d.%m.%Y\")", "\"15.03.2024\"");
  assert_eval ("format_date(\"2024-03-15T09:30:00Z\", \"%H:%M\")", "\"09:30\"");
  assert_eval_fails ("date(\"31/02/2024\", \"%d/%m/%Y\")", "is not a date in the form");
  assert_eval_fails ("date(\"2024-13-01\", \"%Y-%m-%d\")", "not a date");
  assert_eval_fails ("date(when)", "not an ISO 8601 date");
  assert_eval_fails ("format_date(when, \"%Y\")", "not an ISO 8601 date");
}

static void
test_keys (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) now = conduit_expression_new ("now()", &error);
  g_autoptr(ConduitExpression) uuid = conduit_expression_new ("uuid()", &error);
  g_autoptr(JsonNode) record = parse (record_text);
  g_autofree char *when = NULL;
  g_autofree char *id1 = NULL;
  g_autofree char *id2 = NULL;
  g_autoptr(GDateTime) parsed = NULL;

  g_assert_no_error (error);
  when = conduit_expression_evaluate_string (now, record, &error);
  g_assert_no_error (error);
  parsed = g_date_time_new_from_iso8601 (when, NULL);
  g_assert_nonnull (parsed);
  g_assert_true (g_str_has_suffix (when, "Z"));

  id1 = conduit_expression_evaluate_string (uuid, record, &error);
  id2 = conduit_expression_evaluate_string (uuid, record, &error);
  g_assert_true (g_uuid_string_is_valid (id1));
  g_assert_cmpstr (id1, !=, id2);

  /* sha256 of "abc" */
  assert_eval ("sha256(\"abc\")", "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
  /* the separator keeps ("ab", "c") and ("a", "bc") apart */
  {
    g_autoptr(ConduitExpression) a = conduit_expression_new ("sha256(\"ab\", \"c\")", &error);
    g_autoptr(ConduitExpression) b = conduit_expression_new ("sha256(\"a\", \"bc\")", &error);
    g_autofree char *ha = conduit_expression_evaluate_string (a, record, &error);
    g_autofree char *hb = conduit_expression_evaluate_string (b, record, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (strlen (ha), ==, 64);
    g_assert_cmpstr (ha, !=, hb);
  }
}

static void
test_syntax_errors (void)
{
  assert_syntax_error ("trim(email", 11, "“,” or “)” expected");
  assert_syntax_error ("trimm(email)", 1, "“trimm” is not a function");
  assert_syntax_error ("lower(trim(email), 2)", 1, "lower() takes 1 value, not 2");
  assert_syntax_error ("concat()", 1, "at least 1 value");
  assert_syntax_error ("upper(x) + ", 12, "found the end");
  assert_syntax_error ("a = b", 3, "use “==”");
  assert_syntax_error ("\"open", 1, "no closing");
  assert_syntax_error ("items[x]", 6, "item number");
  assert_syntax_error ("regex_replace(a, \"[\", \"\")", 18, "not a valid regular expression");
  assert_syntax_error ("regex_replace(a, b, \"\")", 18, "fixed text");
  assert_syntax_error ("date(a, \"%d/%Q\")", 9, "“%Q” is not a date code");
  assert_syntax_error ("lookup(a, b)", 11, "must be a table");
  assert_syntax_error ("lookup(a, {\"x\": b})", 17, "fixed values");
  assert_syntax_error ("a b", 3, "expected an operator");
  assert_syntax_error ("", 1, "empty");
  assert_syntax_error ("x # y", 3, "has no meaning");
  assert_syntax_error ("concat(é, ?)", 11, "“?” has no meaning");
  assert_syntax_error ("`open", 1, "no closing “`”");
  assert_syntax_error ("a.", 3, "field name expected");
  assert_syntax_error ("format_date(a, \"%Q\")", 16, "not a date format");
}

/* Issue #14 point 14: "\\d" was silently read as "d", so a pattern never matched. */
static void
test_unknown_escape (void)
{
  assert_syntax_error ("matches(phone, \"^\\d+$\")", 18, "“\\d” is not an escape");
  /* over several lines, the message names the line and the column in it */
  assert_syntax_error ("concat(a,\n  \"x\\q\")", 15, "line 2, column 5: “\\q” is not an escape");
  assert_syntax_error ("`First\\ Name`", 7, "“\\ ” is not an escape");
  assert_syntax_error ("\"é\\é\"", 3, "“\\é” is not an escape");
  /* the escapes that mean something still work */
  assert_eval ("matches(\"12\", \"^\\\\d+$\")", "true");
  assert_eval ("concat(\"a\\\"b\", 'c\\'d', \"\\/\\t\")", "\"a\\\"bc'd/\\t\"");
}

/* Issue #21: lenient conversion and ASCII variants. */
static void
test_lenient (void)
{
  /* try(): the fallback when the first value fails, not when it is missing */
  assert_eval ("try(to_integer(\"many\"), 0)", "0");
  assert_eval ("try(to_integer(age), 0)", "36");
  assert_eval ("try(date(\"02/30/2024\", \"%m/%d/%Y\"), \"unknown\")", "\"unknown\"");
  assert_eval ("try(nothing, 1)", "null");
  assert_eval ("try(try(to_number(\"x\"), to_integer(\"y\")), -1)", "-1");
  /* the fallback's own failure refuses the record */
  assert_eval_fails ("try(to_integer(\"many\"), to_integer(\"more\"))", "“more” is not a whole number");
  assert_syntax_error ("try(1)", 1, "try() takes 2 values");

  /* date(…, "lenient"): no value for an impossible date or text not in the form */
  assert_eval ("date(\"02/30/2024\", \"%m/%d/%Y\", \"lenient\")", "null");
  assert_eval ("date(\"soon\", \"%m/%d/%Y\", \"lenient\")", "null");
  assert_eval ("date(\"02/29/2024\", \"%m/%d/%Y\", \"lenient\")", "\"2024-02-29\"");
  assert_eval_fails ("date(\"02/30/2024\", \"%m/%d/%Y\")", "is not a date in the form");
  assert_syntax_error ("date(when, \"%d/%m/%Y\", \"loose\")", 24, "can only be \"lenient\"");

  /* ASCII variants touch only ASCII letters and spaces; the default ones are Unicode */
  assert_eval ("upper_ascii(\"straße ïx\")", "\"STRAßE ïX\"");
  assert_eval ("upper(\"straße\")", "\"STRASSE\"");
  assert_eval ("lower_ascii(\"ÀB C\")", "\"Àb c\"");
  assert_eval ("trim_ascii(\"\\u00a0 x \\t\")", "\"\\u00a0 x\"");
  assert_eval ("trim(\"\\u00a0 x \\t\")", "\"x\"");
  assert_eval ("lower_ascii(nothing)", "null");
}

/* Compiles the LC_CTYPE of locale @name (tr_TR, lt_LT) into @dir as "@name.UTF-8", with
 * localedef from the C library and the definitions of Debian's locales package. */
static gboolean
make_ctype_locale (const char *dir,
                   const char *name)
{
  g_autofree char *source = g_build_filename (dir, name, NULL);
  g_autofree char *target = g_strdup_printf ("%s/%s.UTF-8", dir, name);
  g_autofree char *definition = g_strdup_printf ("LC_CTYPE\ncopy \"%s\"\nEND LC_CTYPE\n", name);
  const char *argv[] = { "localedef", "-c", "-i", source, "-f", "UTF-8", target, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_file_set_contents (source, definition, -1, NULL));
  /* -c: the definition holds LC_CTYPE alone, which localedef warns about */
  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_file_test (target, G_FILE_TEST_IS_DIR);
}

/* Issue #21: lower() and upper() give the same text in every locale. GLib's case functions
 * follow LC_CTYPE (Turkish and Azeri dotless i, Lithuanian dots), which a mapping must not. */
static void
test_case_any_locale (void)
{
  static const char *const locales[] = { "tr_TR", "lt_LT" };
  static const char *const around[] = { "", "a", "\xcc\x87" };
  g_autofree char *dir = g_dir_make_tmp ("conduit-locale-XXXXXX", NULL);
  g_autofree char *saved = g_strdup (setlocale (LC_CTYPE, NULL));
  g_autofree char *saved_locpath = g_strdup (g_getenv ("LOCPATH"));

  if (!g_file_test ("/usr/share/i18n/locales/tr_TR", G_FILE_TEST_EXISTS))
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("the locales package is missing (./conduit-dev installs it)");
      g_test_skip ("the locales package is not installed");
      return;
    }
  g_setenv ("LOCPATH", dir, TRUE);
  for (guint l = 0; l < G_N_ELEMENTS (locales); l++)
    {
      g_autofree char *name = g_strdup_printf ("%s.UTF-8", locales[l]);

      g_assert_true (make_ctype_locale (dir, locales[l]));
      g_assert_nonnull (setlocale (LC_CTYPE, name));

      /* GLib would give "ıstanbul" and "İSTANBUL" here, "i̇̀rena" in Lithuanian */
      assert_eval ("lower(\"İSTANBUL Iğdır\")", "\"i\\u0307stanbul iğdır\"");
      assert_eval ("upper(\"istanbul ığdır\")", "\"ISTANBUL IĞDIR\"");
      assert_eval ("lower(\"ÌRENA ÍDA ĨNA\")", "\"ìrena ída ĩna\"");
      assert_eval ("lower(\"ΣI ΟΔΟΣ\")", "\"σi οδος\"");
      assert_eval ("upper(\"straße i\")", "\"STRASSE I\"");

      /* the Latin, Greek and Cyrillic blocks and the fullwidth forms, each character alone
       * and next to others, as GLib cases them in the C locale; GLib's results are made
       * first, so that the locale is switched twice only */
      {
        static const gunichar ranges[][2] = { { 1, 0x0530 }, { 0x1E00, 0x2000 },
                                              { 0xFF00, 0xFF60 } };
        g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
        g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);

        for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
          for (gunichar c = ranges[r][0]; c < ranges[r][1]; c++)
            for (guint a = 0; a < G_N_ELEMENTS (around); a++)
              for (guint b = 0; b < G_N_ELEMENTS (around); b++)
                {
                  char one[7] = { 0 };

                  g_unichar_to_utf8 (c, one);
                  g_ptr_array_add (texts, g_strconcat (around[a], one, around[b], NULL));
                }
        g_assert_nonnull (setlocale (LC_CTYPE, "C.UTF-8"));
        for (guint i = 0; i < texts->len; i++)
          {
            g_ptr_array_add (expected, g_utf8_strdown (g_ptr_array_index (texts, i), -1));
            g_ptr_array_add (expected, g_utf8_strup (g_ptr_array_index (texts, i), -1));
          }
        g_assert_nonnull (setlocale (LC_CTYPE, name));
        for (guint i = 0; i < texts->len; i++)
          for (int upper = 0; upper < 2; upper++)
            {
              const char *text = g_ptr_array_index (texts, i);
              const char *glib = g_ptr_array_index (expected, 2 * i + upper);
              g_autofree char *ours = conduit_utf8_change_case (text, strlen (text), upper);

              if (strcmp (ours, glib) != 0)
                g_error ("%s of “%s” in %s: “%s”, not “%s”", upper ? "upper" : "lower", text,
                         name, ours, glib);
            }
      }
    }

  setlocale (LC_CTYPE, saved);
  if (saved_locpath != NULL)
    g_setenv ("LOCPATH", saved_locpath, TRUE);
  else
    g_unsetenv ("LOCPATH");
  test_remove_tree (dir);
}

/* Issue #21: let names a value once. */
static void
test_let (void)
{
  assert_eval ("let e = lower(trim(email)) in if(matches(e, \"@example\\\\.com$\"), e, null)",
               "\"ada@example.com\"");
  assert_eval ("let x = utm in x.source", "\"newsletter\"");
  assert_eval ("let first = items[0] in first.price * first.qty", "19.0");
  assert_eval ("let a = 2 in let b = a * 3 in b + a", "8");
  /* an inner let hides an outer one; `x` in backquotes is the field */
  assert_eval ("let n = 1 in let n = n + 1 in n", "2");
  assert_eval ("let last = \"mine\" in concat(last, \"/\", `last`)", "\"mine/LOVELACE\"");
  /* a field called let still reads as a field */
  assert_eval ("concat(let, \"-\")", "\"-\"");
  /* the name is known only in the body */
  assert_eval ("concat(let y = 1 in y, y)", "\"1\"");
  assert_syntax_error ("let x = 1 x", 11, "“in” expected after the value of “x”");
  /* computed once: two uuid() calls would differ */
  assert_eval ("let u = uuid() in u == u", "true");
  assert_eval ("uuid() == uuid()", "false");
  assert_syntax_error ("let x = items in x[].sku", 18, "“[]” cannot walk a let name");
  assert_eval_fails ("let n = to_integer(\"many\") in 1", "“many” is not a whole number");
}

/* Repeats @unit @count times between @before and @after. */
static char *
repeated (const char *before,
          const char *unit,
          guint       count,
          const char *after)
{
  GString *text = g_string_new (before);

  for (guint i = 0; i < count; i++)
    g_string_append (text, unit);
  g_string_append (text, after);
  return g_string_free (text, FALSE);
}

static void
test_nesting_limit (void)
{
  g_autofree char *minus = repeated ("", "-", 10000, "1");
  g_autofree char *nots = repeated ("", "not ", 10000, "true");
  g_autofree char *calls = repeated ("", "trim(", 10000, "1");
  g_autofree char *parens = repeated ("", "(", 10000, "1");

  /* the whole expression is the first of 64 levels: the 64th minus or "not" is refused */
  assert_syntax_error (minus, 64, "nested too deeply");
  assert_syntax_error (nots, 4 * 63 + 1, "nested too deeply");
  /* the values of the 64th call (or inside the 64th parenthesis) would be the 65th level */
  assert_syntax_error (calls, 5 * 64 + 1, "nested too deeply");
  assert_syntax_error (parens, 65, "nested too deeply");
  assert_eval ("- - - 2", "-2");
  assert_eval ("not not true", "true");
}

static void
test_long_expressions (void)
{
  g_autofree char *sum = repeated ("1", " + 1", 4000, "");
  g_autofree char *accented_sum = repeated ("é", " + 1", 4000, "");
  g_autofree char *too_many = repeated ("1", " + 1", 4001, "");
  g_autofree char *too_long = repeated ("1", " + 1", 20000, "");
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) compiled = NULL;

  /* the longest sum allowed nests 4,000 deep: evaluating it must fit on the stack */
  assert_eval (sum, "4001");
  assert_syntax_error (too_many, 4 * 4001 - 1, "more than 4000 operators");
  /* columns still count characters, not bytes */
  compiled = conduit_expression_new (accented_sum, &error);
  g_assert_no_error (error);
  g_clear_pointer (&compiled, conduit_expression_unref);
  assert_syntax_error ("é + 1 +", 8, "found the end");
  assert_syntax_error (too_long, 1, "longer than 64 KB");
}

static void
test_date_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitExpression) compiled = NULL;

  assert_eval_fails ("date(-92233720368547758080)", "between the years 1 and 9999");
  assert_eval_fails ("date(1e300)", "between the years 1 and 9999");
  assert_eval ("date(253402300799)", "\"9999-12-31T23:59:59Z\"");
  /* the date code's error is the one reported, not the broken text after the call */
  assert_syntax_error ("date(\"x\", \"%t\")\"", 11, "“%t” is not a date code");
  /* a code that is not ASCII is quoted whole, so the message stays UTF-8 */
  compiled = conduit_expression_new ("date(\"2024-03-15\", \"%é\")", &error);
  g_assert_null (compiled);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_nonnull (strstr (error->message, "“%é” is not a date code"));
}

static void
test_template (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = parse (record_text);
  g_autoptr(ConduitTemplate) template = NULL;
  g_autoptr(ConduitTemplate) plain = NULL;
  g_autoptr(ConduitTemplate) bad = NULL;
  g_autofree char *text = NULL;
  g_autofree char *plain_text = NULL;

  template = conduit_template_new ("Hi {{ trim(`First Name`) }} {{title(last)}}: {{ items[].sku }}"
                                   " {{missing}}\\{{x}}", &error);
  g_assert_no_error (error);
  g_assert_false (conduit_template_is_constant (template));
  text = conduit_template_render (template, record, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "Hi ada Lovelace: [\"A1\",\"B2\"] {{x}}");

  /* a table's braces do not end the part */
  {
    g_autoptr(ConduitTemplate) table = conduit_template_new ("{{ lookup(country, {\"fr\": {\"n\": 1}}) }}!",
                                                             &error);
    g_autofree char *rendered = NULL;

    g_assert_no_error (error);
    rendered = conduit_template_render (table, record, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (rendered, ==, "{\"n\":1}!");
  }

  plain = conduit_template_new ("no parts", &error);
  g_assert_true (conduit_template_is_constant (plain));
  plain_text = conduit_template_render (plain, NULL, &error);
  g_assert_cmpstr (plain_text, ==, "no parts");

  /* the column is counted in the whole template */
  bad = conduit_template_new ("Dear {{ nme( }}", &error);
  g_assert_null (bad);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 9);
  g_clear_error (&error);

  bad = conduit_template_new ("Dear {{ name ", &error);
  g_assert_null (bad);
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_SYNTAX);
  g_assert_cmpuint (conduit_expression_error_get_column (error), ==, 6);
}

static void
test_boolean_api (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) record = parse (record_text);
  g_autoptr(ConduitExpression) condition = conduit_expression_new ("age >= 18 and utm.source == \"newsletter\"", &error);
  g_autoptr(ConduitExpression) failing = conduit_expression_new ("to_number(last) > 1", &error);
  gboolean result = FALSE;

  g_assert_no_error (error);
  g_assert_true (conduit_expression_evaluate_boolean (condition, record, &result, &error));
  g_assert_true (result);
  g_assert_false (conduit_expression_evaluate_boolean (failing, record, &result, &error));
  g_assert_error (error, CONDUIT_EXPRESSION_ERROR, CONDUIT_EXPRESSION_ERROR_EVALUATION);
}

static void
test_quote_segment (void)
{
  g_autofree char *a = conduit_path_quote_segment ("first_name");
  g_autofree char *b = conduit_path_quote_segment ("First Name");
  g_autofree char *c = conduit_path_quote_segment ("a`b");
  g_autofree char *d = conduit_path_quote_segment ("and");

  g_assert_cmpstr (a, ==, "first_name");
  g_assert_cmpstr (b, ==, "`First Name`");
  g_assert_cmpstr (c, ==, "`a\\`b`");
  g_assert_cmpstr (d, ==, "`and`");
  g_assert_true (g_strv_contains (conduit_expression_list_functions (), "sha256"));
}

/* lower() and upper() of ASCII text of every length from 0 to 70 (16 bytes a step, the last
 * step overlapping), each byte from the edges of the letter ranges (@ [ ` {) at each position,
 * and a non-ASCII letter at each position, which sends the text to the Unicode path. */
static void
test_case_lengths (void)
{
  static const char edges[] = "@AZ[`az{09 .";
  g_autoptr(ConduitExpression) lower = conduit_expression_new ("lower(t)", NULL);
  g_autoptr(ConduitExpression) upper = conduit_expression_new ("upper(t)", NULL);

  for (guint length = 0; length <= 70; length++)
    for (guint variant = 0; variant < 3; variant++)
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GString) want_lower = NULL;
        g_autoptr(GString) want_upper = NULL;
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonNode) record = NULL;
        g_autoptr(JsonNode) got_lower = NULL;
        g_autoptr(JsonNode) got_upper = NULL;
        g_autoptr(GError) error = NULL;

        for (guint i = 0; i < length; i++)
          g_string_append_c (text, edges[(i * 7 + variant * 5 + length) % (sizeof edges - 1)]);
        want_lower = g_string_new (NULL);
        want_upper = g_string_new (NULL);
        for (guint i = 0; i < length; i++)
          {
            g_string_append_c (want_lower, g_ascii_tolower (text->str[i]));
            g_string_append_c (want_upper, g_ascii_toupper (text->str[i]));
          }
        /* variant 2: "É" somewhere in the text (each position over the lengths), lowered to
         * "é" by lower() */
        if (variant == 2)
          {
            guint at = (length * 5) % (length + 1);

            g_string_insert (text, at, "\xc3\x89");
            g_string_insert (want_lower, at, "\xc3\xa9");
            g_string_insert (want_upper, at, "\xc3\x89");
          }

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "t");
        json_builder_add_string_value (builder, text->str);
        json_builder_end_object (builder);
        record = json_builder_get_root (builder);

        got_lower = conduit_expression_evaluate (lower, record, &error);
        g_assert_no_error (error);
        got_upper = conduit_expression_evaluate (upper, record, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (json_node_get_string (got_lower), ==, want_lower->str);
        g_assert_cmpstr (json_node_get_string (got_upper), ==, want_upper->str);
      }
}

/* date() with a form accepts a day exactly when GLib's calendar has it: February of every
 * year 1-9999, and every month of a few years around the leap rules' turns. */
static void
test_date_month_lengths (void)
{
  g_autoptr(ConduitExpression) date = conduit_expression_new ("date(t, \"%d/%m/%Y\")", NULL);
  static const int years[] = { 1, 4, 100, 400, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 9996 };

  for (int year = 1; year <= 9999; year++)
    for (int day = 28; day <= 30; day++)
      {
        g_autofree char *text = g_strdup_printf ("{\"t\": \"%02d/02/%04d\"}", day, year);
        g_autoptr(JsonNode) record = parse (text);
        g_autoptr(JsonNode) result = NULL;
        g_autoptr(GError) error = NULL;

        result = conduit_expression_evaluate (date, record, &error);
        g_assert_cmpint (result != NULL, ==, day <= g_date_get_days_in_month (2, year));
      }
  for (guint i = 0; i < G_N_ELEMENTS (years); i++)
    for (int month = 1; month <= 12; month++)
      for (int day = 27; day <= 32; day++)
        {
          g_autofree char *text = g_strdup_printf ("{\"t\": \"%02d/%02d/%04d\"}", day, month,
                                                   years[i]);
          g_autoptr(JsonNode) record = parse (text);
          g_autoptr(JsonNode) result = NULL;
          g_autoptr(GError) error = NULL;

          result = conduit_expression_evaluate (date, record, &error);
          g_assert_cmpint (result != NULL, ==,
                           day <= g_date_get_days_in_month (month, years[i]));
        }
}

/* date() with a form in quotes made of numbers and fixed bytes reads it through a form made
 * once (parse_with_form()); the same form read from a field takes the general way
 * (parse_with_format()): both must give the same date, or refuse with the same message, for
 * every text, lenient or not. */
static void
test_date_forms (void)
{
  static const char *forms[] = {
    "%d/%m/%Y", "%m/%d/%y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dt%H:%M", "%Y%m%d", "%d.%m.%Y",
    "%H:%M", "%I:%M:%S", "%y", "%Y", "x%d/%m/%YZ", "%d/%m/%Y%d",
  };
  static const char *texts[] = {
    "", "07/11/2025", "7/1/2025", "31/02/2025", "29/02/2024", "29/02/2023", "29/02/1900",
    "29/02/2000", "31/12/9999", "01/01/0001", "01/01/0000", "00/01/2025", "32/01/2025",
    "1/13/2025", "07/11/25", "7/11/70", "1/1/69", " 07/11/2025", "07/11/2025 ", "07-11-2025",
    "07/11/2025x", "123/1/2025", "07/11/20255", "07/11/202", "/11/2025", "07//2025",
    "2024-03-15T09:30:00", "2024-03-15t09:30:00", "2024-3-5T9:5:7", "2024-03-15T24:00:00",
    "2024-03-15T23:59:60", "2024-03-15T09:30", "20240315", "2024315", "12:60", "13:05",
    "12:05:59", "0:0:0", "99", "2024", "x07/11/2025Z", "X7/11/2025z", "07/11/202507",
    "07/11/202531", "é7/11/2025", "07/11/2025\u00e9", "٣/11/2025", "07/11/2025\n",
  };

  for (guint f = 0; f < G_N_ELEMENTS (forms); f++)
    for (guint lenient = 0; lenient < 2; lenient++)
      {
        const char *option = lenient ? ", \"lenient\"" : "";
        g_autofree char *quoted = g_strdup_printf ("date(t, \"%s\"%s)", forms[f], option);
        g_autofree char *read = g_strdup_printf ("date(t, form%s)", option);
        g_autoptr(ConduitExpression) fast = conduit_expression_new (quoted, NULL);
        g_autoptr(ConduitExpression) general = conduit_expression_new (read, NULL);

        /* the form is made when the expression is */
        g_assert_nonnull (fast->root->call.data);
        g_assert_null (general->root->call.data);
        for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
          {
            g_autofree char *text = g_strdup_printf ("{\"t\": \"%s\", \"form\": \"%s\"}",
                                                     texts[i], forms[f]);
            g_autoptr(JsonNode) record = parse (text);
            g_autoptr(GError) error = NULL;
            g_autoptr(GError) general_error = NULL;
            g_autoptr(JsonNode) got = conduit_expression_evaluate (fast, record, &error);
            g_autoptr(JsonNode) want = conduit_expression_evaluate (general, record,
                                                                    &general_error);

            if (want == NULL)
              {
                g_assert_null (got);
                g_assert_cmpstr (error->message, ==, general_error->message);
              }
            else if (got == NULL || !json_node_equal (got, want))
              {
                g_autofree char *got_text = got ? json_to_string (got, FALSE)
                                                : g_strdup (error->message);
                g_autofree char *want_text = json_to_string (want, FALSE);

                g_error ("%s on “%s”: %s, the general way %s", quoted, texts[i], got_text,
                         want_text);
              }
          }
      }

  /* forms with a space, a name or another code go the general way only */
  {
    static const char *general_forms[] = { "%d %m %Y", "%d %B %Y", "%Y-%m-%d %H:%M", "%e/%m/%Y",
                                           "%F", "%T", "%H:%M %p", "%Y-%m-%dT%H:%M:%S%z", "100%%" };

    for (guint f = 0; f < G_N_ELEMENTS (general_forms); f++)
      {
        g_autofree char *quoted = g_strdup_printf ("date(t, \"%s\")", general_forms[f]);
        g_autoptr(ConduitExpression) compiled = conduit_expression_new (quoted, NULL);

        g_assert_null (compiled->root->call.data);
      }
  }
  assert_eval ("date(\"2024-03-15 09:30\", \"%Y-%m-%d %H:%M\")", "\"2024-03-15T09:30:00\"");
  assert_eval ("date(\"1/2/0003 4:05:06\", \"%d/%m/%Y %H:%M:%S\")", "\"0003-02-01T04:05:06\"");
  assert_eval ("date(\"0003-2-1T4:5:6\", \"%Y-%m-%dT%H:%M:%S\")", "\"0003-02-01T04:05:06\"");
  assert_eval ("date(20240315, \"%Y%m%d\")", "\"2024-03-15\"");
}

/* A row that is one call of fields and literals is evaluated without the general walk: each
 * such expression must give what the same call gives inside a let (which takes the walk),
 * value or failure and its message, also on a record that lacks the fields or is no object. */
static void
test_plain_calls (void)
{
  static const char *calls[] = {
    "trim(`First Name`)", "lower(email)", "upper(country)", "digits(phone)",
    "to_integer(age)", "to_integer(last)", "to_integer(nothing)", "to_number(score)",
    "date(when, \"%d/%m/%Y\")", "date(last, \"%d/%m/%Y\")", "date(when)",
    "default(nothing, \"web\")", "default(empty, n)", "concat(last, \" \", `First Name`)",
    "upper(utm.source)", "upper(items[0].sku)", "upper(tags[-1])", "length(tags)",
    "concat(items[].sku)", "trim(missing)", "upper(utm.missing.deeper)", "trim(42)",
    "concat(\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\")",
    "concat(\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\")",
    "uuid()", "now()",
  };
  static const char *records[] = { NULL, "{}", "[1, 2]", "\"text\"" };

  for (guint r = 0; r < G_N_ELEMENTS (records); r++)
    for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GError) walked_error = NULL;
        g_autofree char *wrapped = g_strdup_printf ("let unused_name = 1 in %s", calls[i]);
        g_autoptr(ConduitExpression) plain = conduit_expression_new (calls[i], &error);
        g_autoptr(ConduitExpression) walked = conduit_expression_new (wrapped, &walked_error);
        g_autoptr(JsonNode) record = parse (records[r] != NULL ? records[r] : record_text);
        g_autoptr(JsonNode) got = NULL;
        g_autoptr(JsonNode) want = NULL;

        g_assert_no_error (error);
        g_assert_no_error (walked_error);
        got = conduit_expression_evaluate (plain, record, &error);
        want = conduit_expression_evaluate (walked, record, &walked_error);
        if (g_str_has_prefix (calls[i], "uuid") || g_str_has_prefix (calls[i], "now"))
          {
            /* a new value each time: only the kind of answer can be compared */
            g_assert_true ((got == NULL) == (want == NULL));
            continue;
          }
        if (want == NULL)
          {
            g_assert_null (got);
            g_assert_nonnull (error);
            g_assert_nonnull (walked_error);
            g_assert_cmpstr (error->message, ==, walked_error->message);
          }
        else if (got == NULL || !json_node_equal (got, want))
          {
            g_autofree char *got_text = got ? json_to_string (got, FALSE) : g_strdup ("(failed)");
            g_autofree char *want_text = json_to_string (want, FALSE);

            g_error ("%s on record %u: %s, walked %s", calls[i], r, got_text, want_text);
          }
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/expression/paths", test_paths);
  g_test_add_func ("/conduit/expression/path-only", test_path_only);
  g_test_add_func ("/conduit/expression/text", test_text);
  g_test_add_func ("/conduit/expression/numbers", test_numbers);
  g_test_add_func ("/conduit/expression/booleans", test_booleans);
  g_test_add_func ("/conduit/expression/choices", test_choices);
  g_test_add_func ("/conduit/expression/dates", test_dates);
  g_test_add_func ("/conduit/expression/keys", test_keys);
  g_test_add_func ("/conduit/expression/syntax-errors", test_syntax_errors);
  g_test_add_func ("/conduit/expression/unknown-escape", test_unknown_escape);
  g_test_add_func ("/conduit/expression/lenient", test_lenient);
  g_test_add_func ("/conduit/expression/let", test_let);
  g_test_add_func ("/conduit/expression/case-any-locale", test_case_any_locale);
  g_test_add_func ("/conduit/expression/nesting-limit", test_nesting_limit);
  g_test_add_func ("/conduit/expression/long", test_long_expressions);
  g_test_add_func ("/conduit/expression/date-errors", test_date_errors);
  g_test_add_func ("/conduit/expression/template", test_template);
  g_test_add_func ("/conduit/expression/boolean-api", test_boolean_api);
  g_test_add_func ("/conduit/expression/quote-segment", test_quote_segment);
  g_test_add_func ("/conduit/expression/case-lengths", test_case_lengths);
  g_test_add_func ("/conduit/expression/date-month-lengths", test_date_month_lengths);
  g_test_add_func ("/conduit/expression/date-forms", test_date_forms);
  g_test_add_func ("/conduit/expression/plain-calls", test_plain_calls);

  return g_test_run ();
}
