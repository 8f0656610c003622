/* test-pattern.c — the pattern rules' wrapper answers as GRegex does (#21)
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "conduit.h"
#include "conduit-pattern.h"

/* conduit_pattern_match() matches through PCRE2 directly; g_regex_match_full() of the same
 * pattern is what it replaced, so every case is asked of both, and of the answer a person
 * expects, where that answer is fixed (a case where GLib's answer is the contract, such as
 * invalid UTF-8 under the JIT, only has to agree with GLib). */

typedef struct
{
  const char *pattern;
  const char *subject;
  gssize      length;   /* -1: up to the NUL */
  int         expected; /* 1 match, 0 no match, -1 whatever GRegex says */
} Case;

static const Case cases[] = {
  /* UTF-8 in the pattern and the subject; \w and \d are Unicode (UCP), as in GLib */
  { "^[äöü]+$", "äöü", -1, 1 },
  { "^[äöü]+$", "aou", -1, 0 },
  { "^\\w+$", "Zoë", -1, 1 },
  { "^.{3}$", "Zoë", -1, 1 },
  { "^\\d+$", "١٢٣", -1, 1 },
  { "(?i)^straße$", "STRASSE", -1, 0 },
  { "(?i)^ÄPFEL$", "äpfel", -1, 1 },
  /* anchored patterns and a search inside the text */
  { "^\\d{3}-\\d{4}$", "555-1234", -1, 1 },
  { "^\\d{3}-\\d{4}$", "x555-1234", -1, 0 },
  { "\\d{3}-\\d{4}", "call 555-1234 now", -1, 1 },
  { "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", "ada@example.org", -1, 1 },
  { "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", "ada at example.org", -1, 0 },
  { "", "", -1, 1 },
  { "x*", "", -1, 1 },
  { "^$", "", -1, 1 },
  /* newlines: any line end (GLib's default), \R any Unicode line end */
  { "^a$", "a\r", -1, 1 },
  { "^a$", "a\n", -1, 1 },
  { "^a$", "a\r\n", -1, 1 },
  { "^a$", "a\xe2\x80\xa8", -1, 1 },
  { "^a\\Rb$", "a\xc2\x85" "b", -1, 1 },
  { "(?m)^b", "a\rb", -1, 1 },
  { "^a.b$", "a\rb", -1, 0 },
  /* a length shorter than the text, a NUL inside it */
  { "^abc$", "abcdef", 3, 1 },
  { "b$", "a\0b", 3, 1 },
  /* more captures than the thread's first match data holds */
  { "^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)$", "abcdefghijkl", -1, 1 },
  { "^(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)$", "abcdefghijk", -1, 0 },
  { "^(a)$", "a", -1, 1 },
  /* invalid UTF-8 subjects: GLib's answer is the contract */
  { "abc", "\xff" "abc", -1, -1 },
  { "^.bc$", "\xff" "bc", -1, -1 },
  { "^\\w+$", "ab\xc3", -1, -1 },
  { "abc", "abc\xc3\x28", -1, -1 },
  { "^\\d+$", "12\xed\xa0\x80", -1, -1 },
};

static void
check_case (const Case *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ConduitPattern) pattern = conduit_pattern_new (c->pattern, &error);
  g_autoptr(GRegex) regex = g_regex_new (c->pattern, G_REGEX_OPTIMIZE, 0, NULL);
  gsize length = c->length < 0 ? strlen (c->subject) : (gsize)c->length;
  gboolean ours, glib;

  g_assert_no_error (error);
  g_assert_nonnull (pattern);
  g_assert_cmpstr (conduit_pattern_get_pattern (pattern), ==, c->pattern);
  ours = conduit_pattern_match (pattern, c->subject, length);
  glib = g_regex_match_full (regex, c->subject, length, 0, 0, NULL, NULL);
  if (ours != glib || (c->expected >= 0 && ours != (c->expected == 1)))
    g_error ("pattern %s on %s (%zu bytes): conduit %d, GRegex %d, expected %d", c->pattern,
             g_strescape (c->subject, NULL), length, ours, glib, c->expected);
}

static void
test_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_case (&cases[i]);
}

/* Each pattern, asked again after others with more captures: the thread's match data only
 * grows, and an answer never depends on what was asked before. */
static void
test_order (void)
{
  for (gsize i = G_N_ELEMENTS (cases); i > 0; i--)
    check_case (&cases[i - 1]);
  test_table ();
}

/* A repeated group over a long text exhausts the JIT's stack (or the interpreter's limits):
 * that is an error in PCRE2, "no match" in GRegex, and the same here. */
static void
test_limits (void)
{
  const char *patterns[] = { "^(a|b)*$", "^(?:(a)|b)*c$", "^(a+)+$" };
  gsize length = 200000;
  g_autofree char *text = g_malloc (length + 2);

  memset (text, 'a', length);
  text[length] = 'x';
  text[length + 1] = '\0';
  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    for (gsize n = 1000; n <= length; n *= 10)
      {
        g_autoptr(ConduitPattern) pattern = conduit_pattern_new (patterns[i], NULL);
        g_autoptr(GRegex) regex = g_regex_new (patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
        gboolean ours = conduit_pattern_match (pattern, text, n);
        gboolean glib = g_regex_match_full (regex, text, n, 0, 0, NULL, NULL);

        g_test_message ("%s on %zu bytes: %d", patterns[i], n, ours);
        g_assert_cmpint (ours, ==, glib);
      }
  /* the catastrophic one with the "x": the match limit, no match, in both */
  {
    g_autoptr(ConduitPattern) pattern = conduit_pattern_new ("^(a+)+$", NULL);

    g_assert_false (conduit_pattern_match (pattern, text + length - 40, 41));
  }
}

/* A pattern GLib refuses is refused with GLib's message. */
static void
test_invalid (void)
{
  const char *patterns[] = { "(", "[z-a]", "a{2,1}", "\\", "(?<n>a)(?<n>b)" };

  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GError) ours = NULL;
      g_autoptr(GError) glib = NULL;
      g_autoptr(ConduitPattern) pattern = conduit_pattern_new (patterns[i], &ours);
      g_autoptr(GRegex) regex = g_regex_new (patterns[i], G_REGEX_OPTIMIZE, 0, &glib);

      g_assert_null (pattern);
      g_assert_null (regex);
      g_assert_nonnull (ours);
      g_assert_error (ours, glib->domain, glib->code);
      g_assert_cmpstr (ours->message, ==, glib->message);
    }
}

/* One compiled pattern serves every mapping thread: each has its own match data. */
static gpointer
match_many (gpointer data)
{
  const ConduitPattern *pattern = data;
  guint right = 0;

  for (guint i = 0; i < 20000; i++)
    {
      char text[32];

      g_snprintf (text, sizeof text, i % 2 ? "%03u-%04u" : "%03u/%04u", i % 1000, i);
      right += conduit_pattern_match (pattern, text, strlen (text)) == (i % 2 == 1);
    }
  return GUINT_TO_POINTER (right);
}

static void
test_threads (void)
{
  g_autoptr(ConduitPattern) pattern = conduit_pattern_new ("^\\d{3}-\\d{4,5}$", NULL);
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("match", match_many, pattern);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 20000);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/pattern/table", test_table);
  g_test_add_func ("/conduit/pattern/order", test_order);
  g_test_add_func ("/conduit/pattern/limits", test_limits);
  g_test_add_func ("/conduit/pattern/invalid", test_invalid);
  g_test_add_func ("/conduit/pattern/threads", test_threads);
  return g_test_run ();
}
