/* conduit-cli-commands.h
 *
 * Copyright 2026 The Conduit authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each command gets argv with argv[0] set to "conduit-cli COMMAND" and returns the exit code. */
typedef int (*ConduitCliCommandFunc) (int argc, char **argv);

int conduit_cli_validate   (int argc, char **argv);
int conduit_cli_map        (int argc, char **argv);
int conduit_cli_credential (int argc, char **argv);

G_END_DECLS
