/* bench-openapi.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <time.h>

#include "conduit.h"

/* bench-openapi FILE: reads FILE, then times conduit_openapi_import_new() (parsing, resolving,
 * mapping every operation) and writing the descriptor's text, in this process, so that only
 * the import is measured. Prints "WALL_SECONDS CPU_SECONDS OPERATIONS DESCRIPTOR_BYTES": on a
 * shared machine the processor time is the steadier figure. */

static double
cpu_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ConduitOpenapiImport) import = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *descriptor = NULL;
  gsize length;
  gint64 start;
  gint64 end;
  double cpu_start;

  if (argc != 2 || !g_file_get_contents (argv[1], &text, &length, &error))
    {
      fprintf (stderr, "usage: bench-openapi FILE (%s)\n", error ? error->message : "");
      return 1;
    }

  start = g_get_monotonic_time ();
  cpu_start = cpu_seconds ();
  import = conduit_openapi_import_new (text, length, NULL, "bench", &error);
  if (import == NULL)
    {
      fprintf (stderr, "%s:%s\n", argv[1], error->message);
      return 1;
    }
  end = g_get_monotonic_time ();
  if (g_getenv ("BENCH_OPENAPI_SPLIT"))
    fprintf (stderr, "import_new %.3f s\n", (end - start) / (double)G_USEC_PER_SEC);
  descriptor = conduit_openapi_import_to_text (import);
  end = g_get_monotonic_time ();

  printf ("%.3f %.3f %u %zu\n", (end - start) / (double)G_USEC_PER_SEC, cpu_seconds () - cpu_start,
          conduit_openapi_import_get_n_operations (import), strlen (descriptor));
  return 0;
}
