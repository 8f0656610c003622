/* conduit-slice.c
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "conduit-slice.h"

/**
 * conduit_use_malloc_for_slices:
 * @argv: the program's arguments, as main() got them
 *
 * Before GLib 2.76, g_slice_alloc() is a per-thread magazine allocator. A streaming run makes
 * an item's JSON nodes in one thread (the file reader, the mapping) and frees them in another
 * while both run, and the magazines then cost about 40 % of the run's processor time
 * (200,000 records read → map → write: 8.5 s of user time, 5.5 s with malloc; perf shows
 * g_slice_alloc at 15 % self; with jemalloc linked, 200,000 records still cost 1.9× the processor
 * time with the magazines). GLib 2.76 made g_slice a plain malloc wrapper, so newer runtimes
 * (the Flatpak's) behave like this already. The allocator is chosen from G_SLICE when GLib
 * starts, which is before main() (GObject's constructor makes slices), so setting it here is
 * too late for this process image: the program runs itself again, once, with the variable
 * set. The process keeps its id, open descriptors and arguments. Does nothing when G_SLICE is
 * already set (by the user, the sanitizer suite, or the first pass), on GLib 2.76 and newer, or
 * when the program cannot be run again (then the slice allocator stays, which only costs time).
 */
void
conduit_use_malloc_for_slices (char **argv)
{
  if (getenv ("G_SLICE") != NULL || glib_check_version (2, 76, 0) == NULL)
    return;
  if (setenv ("G_SLICE", "always-malloc", 1) != 0)
    return;
  execv ("/proc/self/exe", argv);
  /* still here: the slice allocator stays for this process, and children get malloc */
}
