/* test-allocator.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#if defined (CONDUIT_ALLOCATOR_MIMALLOC)
# include <mimalloc.h>
# define ALLOCATOR_LIBRARY "libmimalloc.so"
#elif defined (CONDUIT_ALLOCATOR_JEMALLOC)
# include <jemalloc/jemalloc.h>
# define ALLOCATOR_LIBRARY "libjemalloc.so"
#else
# error "test-allocator is built only when -Dallocator is mimalloc or jemalloc"
#endif

/* Conduit's programs link an allocator (-Dallocator, meson.build) so that it replaces malloc
 * for the whole process: GLib, json-glib and libc itself must get their memory from it, or the
 * flows' millions of small json-glib nodes stay on glibc's malloc and the figures in
 * docs/architecture.md no longer hold. The override is easy to lose without a sound: a linker
 * that drops the library as not needed, a library listed after libc, a static build. This test
 * links the allocator the way conduit-cli does and asks the allocator whether it owns the
 * memory others allocated; then it asks the dynamic linker where conduit-cli's and the app's
 * own calls to malloc and free go. */

#if defined (CONDUIT_ALLOCATOR_JEMALLOC)
/* jemalloc's own size query would crash on glibc's blocks; instead its count of the bytes this
 * thread allocated must grow by the blocks made between two readings */
static guint64
jemalloc_thread_allocated (void)
{
  guint64 *counter = NULL;
  size_t size = sizeof counter;

  g_assert_cmpint (mallctl ("thread.allocatedp", &counter, &size, NULL, 0), ==, 0);
  return *counter;
}
#endif

/* Memory that libc, GLib and json-glib allocate for us comes from the linked allocator. */
static void
test_in_process (void)
{
  /* 1 MiB: above glibc's mmap threshold too, where a lost override would not even use an arena */
  const gsize sizes[] = { 24, 200, 4096, 1 << 20 };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
#if defined (CONDUIT_ALLOCATOR_JEMALLOC)
      guint64 before = jemalloc_thread_allocated ();
#endif
      g_autofree char *from_libc = malloc (sizes[i]);
      g_autofree char *from_glib = g_malloc (sizes[i]);
      g_autofree char *text = NULL;
      char *copied;

      g_assert_nonnull (from_libc);
      memset (from_libc, 'x', sizes[i] - 1);
      from_libc[sizes[i] - 1] = '\0';
      /* strdup allocates inside libc, through its own reference to malloc */
      copied = strdup (from_libc);
      /* a string GLib grows with realloc */
      text = g_strdup_printf ("%s%s", from_libc, "!");
#if defined (CONDUIT_ALLOCATOR_MIMALLOC)
      g_assert_true (mi_is_in_heap_region (from_libc));
      g_assert_true (mi_is_in_heap_region (from_glib));
      g_assert_true (mi_is_in_heap_region (copied));
      g_assert_true (mi_is_in_heap_region (text));
#else
      g_assert_cmpuint (jemalloc_thread_allocated () - before, >=, 4 * sizes[i]);
#endif
      free (copied);
    }

  /* a json-glib tree, what flows are made of (GLib 2.74's slices too: their slabs are malloc'd) */
  {
#if defined (CONDUIT_ALLOCATOR_JEMALLOC)
    guint64 before = jemalloc_thread_allocated ();
#endif
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    JsonObject *object;

    g_assert_true (json_parser_load_from_data (parser, "{\"email\": \"ada@example.com\"}", -1,
                                               &error));
    g_assert_no_error (error);
    object = json_node_get_object (json_parser_get_root (parser));
#if defined (CONDUIT_ALLOCATOR_MIMALLOC)
    g_assert_true (mi_is_in_heap_region (object));
    g_assert_true (mi_is_in_heap_region (json_object_get_member (object, "email")));
#else
    g_assert_nonnull (object);
    g_assert_cmpuint (jemalloc_thread_allocated (), >, before);
#endif
  }
}

/* Runs @program with the dynamic linker printing every symbol binding, all made at start
 * (LD_BIND_NOW), and checks that each binding of malloc, calloc, realloc and free, from the
 * program and from every library it loads, goes to the allocator's library. */
static void
check_bindings (const char *program,
                const char *argument)
{
  static const char * const symbols[] = { "malloc", "calloc", "realloc", "free" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *printed = NULL;
  g_auto(GStrv) lines = NULL;
  guint found[G_N_ELEMENTS (symbols)] = { 0 };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LD_DEBUG", "bindings", TRUE);
  g_subprocess_launcher_setenv (launcher, "LD_BIND_NOW", "1", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LD_PRELOAD");
  process = g_subprocess_launcher_spawn (launcher, &error, program, argument, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &printed, &error));
  g_assert_no_error (error);
  g_assert_nonnull (printed);

  /* "binding file /…/libglib-2.0.so.0 [0] to /…/libmimalloc.so.2 [0]: normal symbol `malloc'" */
  lines = g_strsplit (printed, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    for (guint s = 0; s < G_N_ELEMENTS (symbols); s++)
      {
        g_autofree char *tail = g_strdup_printf ("symbol `%s'", symbols[s]);
        const char *to = strstr (lines[i], " to ");
        const char *at = strstr (lines[i], tail);

        if (to == NULL || at == NULL || strstr (lines[i], "binding file") == NULL)
          continue;
        /* the symbol's name ends there (not `malloc_usable_size') */
        if (at[strlen (tail)] != '\0' && at[strlen (tail)] != ' ')
          continue;
        if (strstr (to, ALLOCATOR_LIBRARY) == NULL)
          g_error ("%s: %s goes elsewhere than %s: %s", program, symbols[s], ALLOCATOR_LIBRARY,
                   lines[i]);
        found[s]++;
      }
  for (guint s = 0; s < G_N_ELEMENTS (symbols); s++)
    {
      g_test_message ("%s: %u bindings of %s", program, found[s], symbols[s]);
      /* at least GLib's and libc's own references */
      g_assert_cmpuint (found[s], >=, 2);
    }
}

static void
test_cli_bindings (void)
{
  check_bindings (g_getenv ("CONDUIT_CLI"), "--version");
}

static void
test_app_bindings (void)
{
  g_autofree char *app = g_test_build_filename (G_TEST_BUILT, "..", "src", "app", "conduit",
                                                NULL);

  if (!g_file_test (app, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the app is not built (-Dapp=false)");
      return;
    }
  /* an option GApplication refuses before it starts: the bindings are made at load all the same */
  check_bindings (app, "--no-such-option-for-the-allocator-test");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conduit/allocator/in-process", test_in_process);
  g_test_add_func ("/conduit/allocator/cli-bindings", test_cli_bindings);
  g_test_add_func ("/conduit/allocator/app-bindings", test_app_bindings);

  return g_test_run ();
}
